;; Re-entrance between components, written from CanonicalABI.md (`call_might_be_recursive`) for
;; tests/node/async-between.test.mjs: the root lifts `hook` and hands it to its child, whose async
;; `run` calls it. Called by the host, `run` may enter the root; called from the root's own
;; `reenter` (through `canon lower async`), it may not: the root is in the call that led there.
(component
  (core module $hooks (func (export "hook") (result i32) (i32.const 7)))
  (core instance $hooks (instantiate $hooks))
  (func $hook async (result u32) (canon lift (core func $hooks "hook")))

  (component $child
    (import "hook" (func $hook async (result u32)))
    (core func $hook (canon lower (func $hook)))
    (core func $return-u32 (canon task.return (result u32)))
    (core module $m
      (import "" "hook" (func $hook (result i32)))
      (import "" "return-u32" (func $return-u32 (param i32)))
      (func (export "run") (result i32)
        (call $return-u32 (call $hook))
        (i32.const 0))
      (func (export "never") (param i32 i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "hook" (func $hook))
      (export "return-u32" (func $return-u32))))))
    (func (export "run") async (result u32)
      (canon lift (core func $i "run") async (callback (core func $i "never")))))
  (instance $child (instantiate $child (with "hook" (func $hook))))
  (alias export $child "run" (func $run))

  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $run-async (canon lower (func $run) async (memory $mem)))
  (core func $return-u32 (canon task.return (result u32)))
  (core module $main
    (import "" "memory" (memory 1))
    (import "" "run" (func $run (param i32) (result i32)))
    (import "" "return-u32" (func $return-u32 (param i32)))
    (func (export "reenter") (result i32)
      (drop (call $run (i32.const 2048)))
      (call $return-u32 (i32.load (i32.const 2048)))
      (i32.const 0))
    (func (export "never") (param i32 i32 i32) (result i32) unreachable))
  (core instance $main (instantiate $main (with "" (instance
    (export "memory" (memory $mem))
    (export "run" (func $run-async))
    (export "return-u32" (func $return-u32))))))
  (func (export "reenter") async (result u32)
    (canon lift (core func $main "reenter") async (callback (core func $main "never"))))
  (export "run" (func $run)))
