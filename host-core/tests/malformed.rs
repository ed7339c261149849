//! Bad input is refused with a typed error and the byte offset of the problem, never a panic.

use host_core::{plan, ErrorKind};

fn component() -> Vec<u8> {
    wat::parse_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/string-roundtrip.wat")).unwrap()
}

fn refusal(bytes: &[u8]) -> (ErrorKind, usize, String) {
    let err = plan(bytes, true).expect_err("bad input must be refused");
    (err.kind, err.offset.expect("an offset"), err.to_string())
}

#[test]
fn empty_and_short_inputs_are_truncated() {
    assert_eq!(refusal(&[]).0, ErrorKind::Malformed);
    let (kind, offset, message) = refusal(b"\0as");
    assert_eq!((kind, offset), (ErrorKind::Malformed, 3));
    assert!(message.contains("truncated"), "{message}");
}

#[test]
fn garbage_has_no_magic_header() {
    let (kind, offset, message) = refusal(b"hello, world! this is not wasm");
    assert_eq!((kind, offset), (ErrorKind::Malformed, 0));
    assert_eq!(message, "magic header not detected: not a WebAssembly binary (at offset 0x0)");
}

#[test]
fn a_core_module_is_not_a_component() {
    let module = wat::parse_str("(module (func (export \"f\")))").unwrap();
    let (kind, offset, message) = refusal(&module);
    assert_eq!((kind, offset), (ErrorKind::NotAComponent, 4));
    assert_eq!(message, "expected a component, found a core module (at offset 0x4)");
}

#[test]
fn an_unknown_version_is_malformed_at_the_version() {
    let mut bytes = component();
    bytes[4] = 0x0e;
    let (kind, offset, _) = refusal(&bytes);
    assert_eq!((kind, offset), (ErrorKind::Malformed, 4));
}

#[test]
fn an_unknown_section_is_malformed_at_its_id() {
    let mut bytes = component()[..8].to_vec();
    bytes.extend([0x7f, 0x00]);
    let (kind, offset, message) = refusal(&bytes);
    assert_eq!((kind, offset), (ErrorKind::Malformed, 10), "{message}");
    assert!(message.contains("section id"), "{message}");
}

/// Where the top-level sections of `bytes` end: a prefix cut there is a smaller whole component.
fn section_ends(bytes: &[u8]) -> Vec<usize> {
    let mut ends = vec![8];
    let mut parser = wasmparser::Parser::new(0);
    let mut rest = bytes;
    loop {
        let wasmparser::Chunk::Parsed { consumed, payload } = parser.parse(rest, true).unwrap() else { unreachable!() };
        rest = &rest[consumed..];
        match payload {
            wasmparser::Payload::ModuleSection { unchecked_range, .. } => {
                rest = &rest[(unchecked_range.end - unchecked_range.start) as usize..];
                ends.push(unchecked_range.end as usize);
            }
            wasmparser::Payload::End(_) => return ends,
            other => ends.extend(other.as_section().map(|(_, range)| range.end as usize)),
        }
    }
}

/// Every prefix cut inside a section is refused as malformed, at an offset inside the prefix.
#[test]
fn every_truncation_is_refused_inside_the_input() {
    let bytes = component();
    let ends = section_ends(&bytes);
    for len in 0..bytes.len() {
        for validate in [true, false] {
            match plan(&bytes[..len], validate) {
                Err(err) => {
                    assert!(err.offset.unwrap() <= len, "prefix {len}: offset past the input: {err}");
                    if !ends.contains(&len) {
                        assert_eq!(err.kind, ErrorKind::Malformed, "prefix {len}: {err}");
                    }
                }
                Ok(_) => assert!(ends.contains(&len), "prefix {len} cut inside a section was planned"),
            }
        }
    }
}

/// Corrupting any single byte gives a plan or a typed error, never a panic.
#[test]
fn single_byte_corruptions_never_panic() {
    let bytes = component();
    for position in 8..bytes.len() {
        for value in [0x00, 0x7f, 0xff] {
            let mut corrupt = bytes.clone();
            corrupt[position] = value;
            for validate in [true, false] {
                if let Err(err) = plan(&corrupt, validate) {
                    assert!(err.offset.is_none_or(|o| o <= corrupt.len()), "{err}");
                }
            }
        }
    }
}

/// Fixed-length lists the validator refuses are refused without it too, never panicked on: an empty
/// one, and values of 256 MiB or more (even a record of lists that only together pass 4 GiB).
#[test]
fn fixed_length_lists_out_of_bounds_are_refused() {
    let cases = [
        "(component (type (list u8 0)))",
        "(component (type (list u64 1000000000)))",
        "(component (type $l (list u8 268435455)) (type (record (field \"a\" $l) (field \"b\" $l) (field \"c\" $l)
           (field \"d\" $l) (field \"e\" $l) (field \"f\" $l) (field \"g\" $l) (field \"h\" $l)
           (field \"i\" $l) (field \"j\" $l) (field \"k\" $l) (field \"l\" $l) (field \"m\" $l)
           (field \"n\" $l) (field \"o\" $l) (field \"p\" $l) (field \"q\" $l))))",
    ];
    for text in cases {
        let bytes = wat::parse_str(text).unwrap();
        for validate in [true, false] {
            let err = plan(&bytes, validate).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Invalid, "{text}: {err}");
            assert!(err.offset.is_some(), "{err}");
        }
    }
}

/// A list of almost 256 MiB plans at once: it has no flat types to keep (it travels in memory).
#[test]
fn a_long_fixed_length_list_flattens_to_a_few_types() {
    let bytes = wat::parse_str(
        r#"(component
             (core module $m
               (memory (export "memory") 1)
               (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 0)
               (func (export "f") (param i32)))
             (core instance $i (instantiate $m))
             (alias core export $i "memory" (core memory $mem))
             (alias core export $i "realloc" (core func $realloc))
             (type $t (list u8 268435455))
             (func (export "f") (param "v" $t) (canon lift (core func $i "f") (memory $mem) (realloc $realloc))))"#,
    )
    .unwrap();
    let plan = plan(&bytes, true).unwrap();
    let host_core::plan::Export::Func { sig: func, .. } = &plan.exports[0] else { panic!("a function export") };
    assert!(func.params_indirect);
    let layout = &plan.type_def(func.params[0].ty).layout;
    assert_eq!((layout.size, &layout.flat), (268_435_455, &None));
}
