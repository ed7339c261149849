//! The engine features of a core module, beyond the one-feature guests of the fixture test: what
//! the plan lists (its sections before the code) and what the full reading finds (its function
//! bodies too), instructions shared by two proposals, SIMD read past, and the component model's
//! refusal of a 64-bit canonical memory.
#![cfg(feature = "module-features")]

use host_core::parse::features::{module_features, EngineFeature::*};
use host_core::parse::features::{EngineFeature, EngineFeatures};
use host_core::ErrorKind;

fn list(features: EngineFeatures) -> Vec<EngineFeature> {
    features.iter().collect()
}

/// What a core module of `fields` needs: as the plan of a component holding it lists, and as its
/// full reading finds.
fn needs(fields: &str) -> (Vec<EngineFeature>, Vec<EngineFeature>) {
    let component = wat::parse_str(format!("(component (core module {fields}))")).unwrap();
    let plan = host_core::plan(&component, true).unwrap();
    assert_eq!(plan.modules.len(), 1);
    let module = wat::parse_str(format!("(module {fields})")).unwrap();
    (list(plan.modules[0].features), list(module_features(&module).unwrap()))
}

#[test]
fn a_webassembly_2_module_needs_nothing_and_simd_is_read_past() {
    let fields = r#"(memory 1) (table 1 funcref)
        (func (param externref) (result i32)
          (drop (i8x16.popcnt (v128.load (i32.const 0))))
          (i8x16.extract_lane_u 3 (i8x16.relaxed_swizzle (v128.const i64x2 1 2) (v128.const i64x2 3 4))))
        (func (result i32) (return_call_indirect (result i32) (i32.const 0)))"#;
    // The tail call after the SIMD instructions is still seen; the plan does not read code.
    assert_eq!(needs(fields), (vec![], vec![TailCall]));
}

#[test]
fn tags_and_throw_need_the_standard_form_unless_the_code_uses_the_legacy_one() {
    // The plan cannot tell which form the tags are for: only the code can.
    assert_eq!(needs("(tag $t) (func (throw $t))"), (vec![], vec![Exceptions]));
    assert_eq!(needs("(import \"host\" \"tag\" (tag (param i32)))"), (vec![], vec![Exceptions]));
    assert_eq!(needs("(tag $t) (func try (throw $t) catch_all end)"), (vec![], vec![LegacyExceptions]));
    assert_eq!(needs("(func (param exnref))"), (vec![Exceptions], vec![Exceptions]));
    assert_eq!(needs("(func (block (result exnref) (try_table (catch_all_ref 0)) unreachable) drop)").1, [Exceptions]);
}

#[test]
fn typed_references_count_as_gc_and_return_call_ref_as_both() {
    assert_eq!(needs("(func (result anyref) (ref.null any))"), (vec![Gc], vec![Gc]));
    assert_eq!(needs("(func (param (ref extern)))"), (vec![Gc], vec![Gc]));
    // Globals hold instructions: the plan leaves them to the full reading.
    assert_eq!(needs("(global (ref null i31) (ref.null i31))"), (vec![], vec![Gc]));
    // So do table initialisers: the plan reads the tables before one.
    let initialised = "(func $f) (elem declare func $f) (table 1 (ref func) (ref.func $f)) (table i64 1 funcref)";
    assert_eq!(needs(initialised), (vec![Gc], vec![Gc, Memory64]));
    assert_eq!(needs("(table i64 1 funcref) (table 1 (ref null i31))"), (vec![Gc, Memory64], vec![Gc, Memory64]));
    assert_eq!(needs("(type (sub (func)))"), (vec![Gc], vec![Gc]));
    assert_eq!(needs("(func (local i31ref))"), (vec![], vec![Gc]));
    assert_eq!(needs("(func (drop (ref.i31 (i32.const 1))))"), (vec![], vec![Gc]));
    let typed = "(type $f (func)) (func $g (type $f)) (elem declare func $g) (func (return_call_ref $f (ref.func $g)))";
    assert_eq!(needs(typed), (vec![], vec![Gc, TailCall]));
    // WebAssembly 2.0 references are no feature.
    assert_eq!(needs("(func (param funcref externref) (drop (ref.null func)))"), (vec![], vec![]));
}

#[test]
fn memories_and_tables_by_count_and_index_type() {
    assert_eq!(needs("(import \"host\" \"m\" (memory 1)) (memory 1)"), (vec![MultiMemory], vec![MultiMemory]));
    assert_eq!(needs("(table i64 1 funcref)"), (vec![Memory64], vec![Memory64]));
    assert_eq!(needs("(memory i64 1) (memory 1)"), (vec![MultiMemory, Memory64], vec![MultiMemory, Memory64]));
}

/// The component model lets a lifted function's canonical `memory` be a 64-bit memory only with
/// its 🐘 (`cm64`) extension, off by default in wasmparser and Wasmtime: such a component is invalid.
#[test]
#[cfg(feature = "validate")]
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

/// Function bodies are the browser's to check: planning leaves an unknown instruction to it, and
/// the full reading, which runs after the browser refused the module, stops at its byte.
#[test]
fn an_unreadable_instruction_is_planned_and_malformed_to_the_full_reading() {
    let mut module = wat::parse_str("(module (func (result i32) (i32.const 7)))").unwrap();
    // The body's `i32.const` opcode (0x41, followed by 7 and `end`) becomes an unknown one.
    let at = module.windows(3).position(|w| w == [0x41, 0x07, 0x0b]).unwrap();
    module[at] = 0xff;
    let error = module_features(&module).unwrap_err();
    assert_eq!((error.kind, error.offset), (ErrorKind::Malformed, Some(at)), "{error}");

    let mut component = wat::parse_str("(component (core module (func (result i32) (i32.const 7))))").unwrap();
    let at = component.windows(3).position(|w| w == [0x41, 0x07, 0x0b]).unwrap();
    component[at] = 0xff;
    for validate in [true, false] {
        assert!(host_core::plan(&component, validate).unwrap().modules[0].features.iter().next().is_none());
    }
}

/// A malformed section before the code is found by the plan's reading too, at its byte in the component.
#[test]
fn a_malformed_memory_is_refused_at_its_byte_in_the_component() {
    let mut component = wat::parse_str("(component (core module (memory 1)))").unwrap();
    // The memory section (id 5, size 3, one memory of limits flag 0) gets an unknown limits flag.
    let at = component.windows(4).position(|w| w == [5, 3, 1, 0]).unwrap() + 3;
    component[at] = 0x7f;
    let error = host_core::plan(&component, false).unwrap_err();
    assert_eq!((error.kind, error.offset), (ErrorKind::Malformed, Some(at)), "{error}");
}
