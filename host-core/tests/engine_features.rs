//! The engine features the plan lists per core module, beyond the one-feature guests of the fixture
//! test: instructions shared by two proposals, SIMD read past, and the component model's refusal
//! of a 64-bit canonical memory.

use host_core::parse::features::EngineFeature::{self, *};
use host_core::ErrorKind;

/// A component whose one core module has `body` as its fields.
fn component(body: &str) -> Vec<u8> {
    wat::parse_str(format!("(component (core module {body}))")).unwrap()
}

fn features(body: &str) -> Vec<EngineFeature> {
    let plan = host_core::plan(&component(body), true).unwrap();
    assert_eq!(plan.modules.len(), 1);
    plan.modules[0].features.clone()
}

#[test]
fn a_webassembly_2_module_needs_nothing_and_simd_is_read_past() {
    let body = r#"(memory 1) (table 1 funcref)
        (func (param externref) (result i32)
          (drop (i8x16.popcnt (v128.load (i32.const 0))))
          (i8x16.extract_lane_u 3 (i8x16.relaxed_swizzle (v128.const i64x2 1 2) (v128.const i64x2 3 4))))
        (func (result i32) (return_call_indirect (result i32) (i32.const 0)))"#;
    // The tail call after the SIMD instructions is still seen.
    assert_eq!(features(body), [TailCall]);
}

#[test]
fn tags_and_throw_need_the_standard_form_unless_the_module_uses_the_legacy_one() {
    assert_eq!(features("(tag $t) (func (throw $t))"), [Exceptions]);
    assert_eq!(features("(import \"host\" \"tag\" (tag (param i32)))"), [Exceptions]);
    let legacy = "(tag $t) (func try (throw $t) catch_all end)";
    assert_eq!(features(legacy), [LegacyExceptions]);
    assert_eq!(features("(func (param exnref))"), [Exceptions]);
}

#[test]
fn typed_references_count_as_gc_and_return_call_ref_as_both() {
    assert_eq!(features("(func (result anyref) (ref.null any))"), [Gc]);
    assert_eq!(features("(func (param (ref extern)))"), [Gc]);
    assert_eq!(features("(func (local i31ref))"), [Gc]);
    assert_eq!(features("(func (drop (ref.i31 (i32.const 1))))"), [Gc]);
    let typed = "(type $f (func)) (func $g (type $f)) (elem declare func $g) (func (return_call_ref $f (ref.func $g)))";
    assert_eq!(features(typed), [Gc, TailCall]);
    // WebAssembly 2.0 references are no feature.
    assert_eq!(features("(func (param funcref externref) (drop (ref.null func)))"), []);
}

#[test]
fn memories_and_tables_by_count_and_index_type() {
    assert_eq!(features("(import \"host\" \"m\" (memory 1)) (memory 1)"), [MultiMemory]);
    assert_eq!(features("(table i64 1 funcref)"), [Memory64]);
    assert_eq!(features("(memory i64 1) (memory 1)"), [MultiMemory, Memory64]);
}

/// The component model lets a lifted function's canonical `memory` be a 64-bit memory only with
/// its 🐘 (`cm64`) extension, off by default in wasmparser and Wasmtime: such a component is invalid.
#[test]
fn a_64_bit_canonical_memory_is_refused_by_the_validator() {
    let bytes = wat::parse_str(
        r#"(component
          (core module $m
            (memory (export "memory") i64 1)
            (func (export "realloc") (param i64 i64 i64 i64) (result i64) i64.const 0)
            (func (export "len") (param i64 i64) (result i32) (i32.wrap_i64 (local.get 1))))
          (core instance $i (instantiate $m))
          (func (export "len") (param "s" string) (result u32)
            (canon lift (core func $i "len") (memory (core memory $i "memory")) (realloc (core func $i "realloc")))))"#,
    )
    .unwrap();
    let error = host_core::plan(&bytes, true).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Invalid);
    assert!(error.message.contains("`cm64`"), "{error}");
}

#[test]
fn an_unreadable_instruction_is_malformed_at_its_byte() {
    let mut bytes = component("(func (result i32) (i32.const 7))");
    // The body's `i32.const` opcode (0x41, followed by 7 and `end`) becomes an unknown one.
    let at = bytes.windows(3).position(|w| w == [0x41, 0x07, 0x0b]).unwrap();
    bytes[at] = 0xff;
    for validate in [true, false] {
        let error = host_core::plan(&bytes, validate).unwrap_err();
        assert_eq!((error.kind, error.offset), (ErrorKind::Malformed, Some(at)), "{error}");
    }
}
