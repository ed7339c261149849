//! Inputs that once made planning without the validator panic, run for minutes or emit a huge plan:
//! each is answered, with and without validation, by a plan or a typed error at its byte offset.

use host_core::json::ToJson;
use host_core::{plan, Error, ErrorKind};

/// A component defining `count` value types, the `i`th written by `define(i)`.
fn types(count: usize, define: impl Fn(usize) -> String) -> Vec<u8> {
    let mut text = String::from("(component\n");
    for i in 0..count {
        text += &format!("  (type {})\n", define(i));
    }
    wat::parse_str(text + ")").unwrap()
}

/// The error both modes give; the offset lies inside the input (or at its end).
fn refused(bytes: &[u8]) -> Error {
    let errors = [true, false].map(|validate| plan(bytes, validate).expect_err("refused"));
    for err in &errors {
        assert!(err.offset.is_some_and(|offset| offset <= bytes.len()), "{err}");
    }
    assert_eq!(errors[0].kind, errors[1].kind, "{} / {}", errors[0], errors[1]);
    errors.into_iter().nth(1).unwrap()
}

#[test]
fn a_nested_section_running_past_its_component_is_malformed() {
    // A nested component, instantiated, whose module section claims 100 bytes where its component
    // has 8 left; a custom section after it keeps the claim inside the whole binary.
    let module = b"\0asm\x01\0\0\0";
    let mut nested = b"\0asm\x0d\0\x01\0".to_vec();
    nested.extend([0x01, 100]);
    nested.extend(module);
    let mut bytes = b"\0asm\x0d\0\x01\0".to_vec();
    bytes.extend([0x04, nested.len() as u8]);
    bytes.extend(&nested);
    bytes.extend([0x05, 4, 1, 0x00, 0, 0]);
    bytes.extend([0x00, 120, 1, b'x']);
    bytes.extend([0; 119]);
    let err = refused(&bytes);
    assert_eq!(err.kind, ErrorKind::Malformed, "{err}");
}

#[test]
fn ten_thousand_chained_tuples_are_too_deep() {
    let bytes = types(10_000, |i| if i == 0 { "(tuple u32)".into() } else { format!("(tuple {} u8)", i - 1) });
    let err = refused(&bytes);
    assert_eq!((err.kind, err.message.as_str()), (ErrorKind::Invalid, "type nesting is too deep"));
}

#[test]
fn lists_nested_ten_thousand_deep_are_too_deep() {
    let bytes = types(10_000, |i| if i == 0 { "(list u32)".into() } else { format!("(list {})", i - 1) });
    let err = refused(&bytes);
    assert_eq!((err.kind, err.message.as_str()), (ErrorKind::Invalid, "type nesting is too deep"));
}

/// `t0 = tuple<u32, u32>`, `t(i) = tuple<t(i-1), t(i-1)>`: each level doubles the written-out type.
fn doubling(levels: usize) -> Vec<u8> {
    types(levels, |i| if i == 0 { "(tuple u32 u32)".into() } else { format!("(tuple {0} {0})", i - 1) })
}

#[test]
fn doubling_tuples_past_the_type_size_limit_are_refused() {
    let err = refused(&doubling(22));
    assert_eq!(
        (err.kind, err.message.as_str()),
        (ErrorKind::Invalid, "effective type size exceeds the limit of 1000000")
    );
}

#[test]
fn doubling_tuples_within_the_limit_make_a_small_plan() {
    // 18 levels: 2^18 u32s once written out, within wasmparser's limit.
    let bytes = doubling(18);
    for validate in [true, false] {
        let planned = plan(&bytes, validate).unwrap();
        let top = &planned.types.last().unwrap().layout;
        assert_eq!((top.size, top.flat.as_ref()), (4 << 18, None));
        let json = planned.to_json();
        assert!(json.len() < 20_000, "{} bytes of plan", json.len());
    }
}

#[test]
fn wide_types_keep_the_flattening_linear() {
    // 10,000 distinct tuples within the depth limit: chains t(i) = tuple<t(i-1), u8> of 90 links.
    // Flattening each type afresh (or keeping every flattening) would be quadratic in the chain.
    let bytes = types(10_000, |i| match i % 90 {
        0 => format!("(tuple{})", " u8".repeat(i / 90 + 1)),
        _ => format!("(tuple {} u8)", i - 1),
    });
    for validate in [true, false] {
        let planned = plan(&bytes, validate).unwrap();
        assert_eq!(planned.types.len(), 10_000 + 1, "each tuple, and u8");
        let json = planned.to_json();
        assert!(json.len() < 2_000_000, "{} bytes of plan", json.len());
        let flats = planned.types.iter().filter(|t| t.layout.flat.is_none()).count();
        assert!(flats > 9_000, "{flats} types keep their flattening");
    }
}

#[test]
fn instantiations_that_double_at_each_level_are_refused() {
    // `c(k)` instantiates `c(k-1)` twice, 30 levels: valid, but 2^30 instances once planned.
    let mut text = String::from("(component\n  (component $c0 (core module $m) (core instance (instantiate $m)))\n");
    for k in 1..30 {
        text += &format!(
            "  (component $c{k} (alias outer 1 $c{0} (component $c)) (instance (instantiate $c)) (instance (instantiate $c)))\n",
            k - 1
        );
    }
    let bytes = wat::parse_str(text + "  (instance (instantiate $c29)))").unwrap();
    let err = refused(&bytes);
    assert_eq!(err.kind, ErrorKind::Unsupported, "{err}");
}
