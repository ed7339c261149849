//! Invalid uses of component-model async that only the validator catches: each refused as
//! `invalid` at the offset of the `canon` definition at fault (the last of its component), and
//! planned without the validator (which trusts them) without a panic. Refusals the planner makes
//! itself are fixtures (`tests/fixtures/async-*.error`).
#![cfg(feature = "validate")]

use host_core::{plan, ErrorKind};

/// A component with a memory `$mem`, a `realloc` `$realloc`, a core module `$m` exporting core
/// functions of a few shapes, and `body` after them.
fn component(body: &str) -> Vec<u8> {
    let text = format!(
        r#"(component
          (core module $libc
            (memory (export "memory") 1)
            (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable))
          (core instance $libc (instantiate $libc))
          (alias core export $libc "memory" (core memory $mem))
          (alias core export $libc "realloc" (core func $realloc))
          (core module $m
            (func (export "void") unreachable)
            (func (export "i32-to-i32") (param i32) (result i32) unreachable)
            (func (export "to-i32") (result i32) unreachable)
            (func (export "callback") (param i32 i32 i32) (result i32) unreachable)
            (func (export "bad-callback") (param i32 i32) (result i32) unreachable))
          (core instance $m (instantiate $m))
          {body})"#
    );
    wat::parse_str(text).unwrap_or_else(|e| panic!("{e}\n{body}"))
}

/// The offset of the last `canon` definition of the root component.
fn last_canon(bytes: &[u8]) -> usize {
    let mut last = None;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let wasmparser::Payload::ComponentCanonicalSection(section) = payload.unwrap() {
            for item in section.into_iter_with_offsets() {
                last = Some(item.unwrap().0 as usize);
            }
        }
    }
    last.expect("a canon definition")
}

/// Asserts `body` is refused as invalid at its last `canon` definition, with `message` in the
/// refusal; and that planning it unvalidated makes a plan or a typed error.
fn refused(body: &str, message: &str) {
    let bytes = component(body);
    let err = plan(&bytes, true).expect_err(body);
    assert_eq!(err.kind, ErrorKind::Invalid, "{err}\n{body}");
    assert_eq!(err.offset, Some(last_canon(&bytes)), "{err}\n{body}");
    assert!(err.message.contains(message), "{err}\nexpected: {message}\n{body}");
    let _ = plan(&bytes, false);
}

#[test]
fn the_async_option_needs_an_async_function_type() {
    refused(
        r#"(func (export "f") (canon lift (core func $m "to-i32") async (callback (core func $m "callback"))))"#,
        "the `async` canonical option requires an async function type",
    );
    refused(
        r#"(import "g" (func $g)) (core func (canon lower (func $g) async))"#,
        "the `async` canonical option requires an async function type",
    );
}

#[test]
fn a_callback_needs_async_a_lift_and_its_signature() {
    refused(
        r#"(func (export "f") async (canon lift (core func $m "to-i32") (callback (core func $m "callback"))))"#,
        "cannot specify callback without async",
    );
    refused(
        r#"(import "g" (func $g async)) (core func (canon lower (func $g) async (callback (core func $m "callback"))))"#,
        "canonical option `callback` cannot be specified for lowerings",
    );
    refused(
        r#"(func (export "f") async (canon lift (core func $m "to-i32") async (callback (core func $m "bad-callback"))))"#,
        "canonical option `callback` uses a core function with an incorrect signature",
    );
}

#[test]
fn an_async_lift_has_no_post_return_and_its_own_core_signature() {
    refused(
        r#"(func (export "f") async (canon lift (core func $m "void") async (post-return (core func $m "void"))))"#,
        "cannot specify post-return function in async",
    );
    // Stackful: no result, whatever the function type's (it goes to `task.return`).
    refused(
        r#"(func (export "f") async (param "x" u32) (result u32) (canon lift (core func $m "i32-to-i32") async))"#,
        "lowered result types",
    );
}

#[test]
fn an_async_lower_needs_memory_for_its_out_pointer() {
    refused(
        r#"(import "g" (func $g async (result u32))) (core func (canon lower (func $g) async))"#,
        "canonical option `memory` is required",
    );
}

#[test]
fn task_return_takes_no_realloc_no_async_and_no_borrow() {
    refused(
        r#"(core func (canon task.return (result string) (memory $mem) (realloc $realloc)))"#,
        "cannot specify `realloc` option on `task.return`",
    );
    refused(r#"(core func (canon task.return async))"#, "cannot specify `async` option on `task.return`");
    refused(
        r#"(type $r (resource (rep i32))) (type $b (borrow $r)) (core func (canon task.return (result $b)))"#,
        "`task.return` result cannot contain a `borrow` type",
    );
}

#[test]
fn stream_and_future_built_ins_need_their_type_and_the_memory_their_elements_do() {
    refused(r#"(type $t (list u8)) (core func (canon stream.new $t))"#, "`stream.new` requires a stream type");
    refused(r#"(type $t (stream u8)) (core func (canon future.drop-readable $t))"#, "requires a future type");
    refused(
        r#"(type $t (stream u8)) (core func (canon stream.read $t async))"#,
        "canonical option `memory` is required",
    );
    refused(
        r#"(type $t (future string)) (core func (canon future.read $t async (memory $mem)))"#,
        "canonical option `realloc` is required",
    );
}

#[test]
fn error_context_built_ins_are_sync_and_need_memory() {
    refused(
        r#"(core func (canon error-context.new (memory $mem) async))"#,
        "cannot specify `async` option on `error-context.new`",
    );
    refused(
        r#"(core func (canon error-context.debug-message (memory $mem)))"#,
        "canonical option `realloc` is required",
    );
}

#[test]
fn a_64_bit_context_slot_needs_the_64_bit_extension() {
    refused(
        r#"(core func (canon context.get i64 0))"#,
        "64-bit `context.get` requires the component model 64-bit feature",
    );
}

/// The byte after `waitable-set.wait`'s opcode was `cancellable` before component-model#716; it
/// must now be 0, or the binary is malformed there.
#[test]
fn the_legacy_cancellable_byte_is_malformed() {
    let mut bytes = component(r#"(core func (canon waitable-set.wait (memory $mem)))"#);
    let at = last_canon(&bytes);
    assert_eq!(bytes[at..at + 2], [0x20, 0x00], "the opcode of `waitable-set.wait`, then the zero byte");
    bytes[at + 1] = 0x01;
    for validate in [true, false] {
        let err = plan(&bytes, validate).unwrap_err();
        assert_eq!((err.kind, err.offset), (ErrorKind::Malformed, Some(at + 1)), "{err}");
        assert!(err.message.contains("cancellable"), "{err}");
    }
}

/// Without the validator, the planner still refuses a context slot of a type it cannot hold.
#[test]
fn unvalidated_context_slots_are_refused_by_the_planner() {
    let unvalidated = |body: &str| {
        let bytes = component(body);
        let err = plan(&bytes, false).unwrap_err();
        assert_eq!(err.offset, Some(last_canon(&bytes)), "{err}");
        (err.kind, err.message)
    };
    let (kind, message) = unvalidated(r#"(core func (canon context.set i64 0))"#);
    assert_eq!(
        (kind, message.as_str()),
        (ErrorKind::Unsupported, "`context.set` of a 64-bit slot (component-model 64-bit) is not supported")
    );
    let (kind, message) = unvalidated(r#"(core func (canon context.get f32 0))"#);
    assert_eq!((kind, message.as_str()), (ErrorKind::Invalid, "`context.get` only supports `i32` or `i64`"));
}
