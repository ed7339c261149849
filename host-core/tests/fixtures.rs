//! Fixture tests: each `tests/fixtures/NAME.wat` component is planned, and the plan (or the error)
//! is compared with `NAME.plan.json` (or `NAME.error`) beside it. `BLESS=1 cargo test` rewrites
//! the expectations; review the diff before committing it.

use host_core::json::ToJson;
use std::path::Path;

/// Indented JSON, so that fixture diffs are readable; also proves the plan is valid JSON.
fn pretty(json: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(json).expect("the plan is valid JSON");
    serde_json::to_string_pretty(&value).unwrap() + "\n"
}

/// The expectation text and its file extension: a plan, or the errors with and without validation
/// (a component refused with the validator must be refused without it too, never planned or panicked on).
fn outcome(bytes: &[u8]) -> (String, &'static str) {
    match (host_core::plan(bytes, true), host_core::plan(bytes, false)) {
        (Ok(plan), Ok(unvalidated)) => {
            let text = pretty(&plan.to_json());
            assert_eq!(text, pretty(&unvalidated.to_json()), "planning must not depend on validation");
            (text, "plan.json")
        }
        (Err(validated), Err(unvalidated)) => (
            format!(
                "validated: {:?}: {validated}\nunvalidated: {:?}: {unvalidated}\n",
                validated.kind, unvalidated.kind
            ),
            "error",
        ),
        (validated, unvalidated) => {
            panic!("validation changed the outcome: {validated:?} / {unvalidated:?}")
        }
    }
}

#[test]
fn fixtures_match_their_expectations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "wat") {
            continue;
        }
        count += 1;
        let bytes = wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (actual, extension) = outcome(&bytes);
        let expected_path = path.with_extension(extension);
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(_) => failures.push(format!("{} differs from {}", path.display(), expected_path.display())),
            Err(_) => failures.push(format!("{} has no {}", path.display(), expected_path.display())),
        }
    }
    assert!(count >= 5, "the fixtures folder lost its fixtures");
    assert!(failures.is_empty(), "fixture failures (BLESS=1 to accept):\n{}", failures.join("\n"));
}

/// Every planned module range must lie inside the binary and hold a core module.
#[test]
#[cfg(feature = "validate")]
fn module_ranges_point_at_core_modules() {
    let bytes =
        wat::parse_file(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/string-roundtrip.wat")).unwrap();
    let plan = host_core::plan(&bytes, true).unwrap();
    assert_eq!(plan.modules.len(), 2);
    for range in &plan.modules {
        let module = &bytes[range.start..range.end];
        assert_eq!(&module[..8], b"\0asm\x01\0\0\0");
        wasmparser::Validator::new().validate_all(module).unwrap();
    }
}
