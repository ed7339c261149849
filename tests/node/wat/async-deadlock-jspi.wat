;; A synchronous caller suspended by JSPI until a callee component's async task returns, written
;; from CanonicalABI.md for playwright-tests/async.spec.mjs: `sync-stuck` calls `stuck`, which
;; waits on an empty waitable set for ever (a deadlock, with nothing pending anywhere);
;; `sync-wait-host` calls `wait-host`, which waits for the host's async `wait` (no deadlock while
;; the host's promise is pending, however long). The callers are async functions lifted without
;; `async`, so they may block.
(component
  (import "wait" (func $wait async (result u32)))

  (component $callee
    (import "wait" (func $wait async (result u32)))
    (core module $libc (memory (export "memory") 1))
    (core instance $libc (instantiate $libc))
    (alias core export $libc "memory" (core memory $mem))
    (core func $wait (canon lower (func $wait) async (memory $mem)))
    (core func $return-u32 (canon task.return (result u32)))
    (core func $set-new (canon waitable-set.new))
    (core func $join (canon waitable.join))
    (core func $sub-drop (canon subtask.drop))
    (core module $m
      (import "" "memory" (memory 1))
      (import "" "wait" (func $wait (param i32) (result i32)))
      (import "" "return-u32" (func $return-u32 (param i32)))
      (import "" "set-new" (func $set-new (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (import "" "sub-drop" (func $sub-drop (param i32)))
      (func (export "stuck") (result i32)
        (i32.or (i32.const 2) (i32.shl (call $set-new) (i32.const 4))))
      (func (export "never") (param i32 i32 i32) (result i32) unreachable)
      ;; The host's result at 64: at once (RETURNED), or once its subtask's event came.
      (func (export "wait-host") (result i32)
        (local $status i32)
        (local $set i32)
        (local.set $status (call $wait (i32.const 64)))
        (if (i32.eq (local.get $status) (i32.const 2))
          (then
            (call $return-u32 (i32.load (i32.const 64)))
            (return (i32.const 0))))
        (local.set $set (call $set-new))
        (call $join (i32.shr_u (local.get $status) (i32.const 4)) (local.get $set))
        (i32.or (i32.const 2) (i32.shl (local.get $set) (i32.const 4))))
      (func (export "wait-host-cb") (param i32) (param $s i32) (param i32) (result i32)
        (call $join (local.get $s) (i32.const 0))
        (call $sub-drop (local.get $s))
        (call $return-u32 (i32.load (i32.const 64)))
        (i32.const 0)))
    (core instance $i (instantiate $m (with "" (instance
      (export "memory" (memory $mem))
      (export "wait" (func $wait))
      (export "return-u32" (func $return-u32))
      (export "set-new" (func $set-new))
      (export "join" (func $join))
      (export "sub-drop" (func $sub-drop))))))
    (func (export "stuck") async (result u32)
      (canon lift (core func $i "stuck") async (callback (core func $i "never"))))
    (func (export "wait-host") async (result u32)
      (canon lift (core func $i "wait-host") async (callback (core func $i "wait-host-cb")))))

  (component $caller
    (import "stuck" (func $stuck async (result u32)))
    (import "wait-host" (func $wait-host async (result u32)))
    (core func $stuck (canon lower (func $stuck)))
    (core func $wait-host (canon lower (func $wait-host)))
    (core module $m
      (import "" "stuck" (func $stuck (result i32)))
      (import "" "wait-host" (func $wait-host (result i32)))
      (func (export "sync-stuck") (result i32) (call $stuck))
      (func (export "sync-wait-host") (result i32) (call $wait-host)))
    (core instance $i (instantiate $m (with "" (instance
      (export "stuck" (func $stuck))
      (export "wait-host" (func $wait-host))))))
    (func (export "sync-stuck") async (result u32) (canon lift (core func $i "sync-stuck")))
    (func (export "sync-wait-host") async (result u32) (canon lift (core func $i "sync-wait-host"))))

  (instance $callee (instantiate $callee (with "wait" (func $wait))))
  (instance $caller (instantiate $caller
    (with "stuck" (func $callee "stuck"))
    (with "wait-host" (func $callee "wait-host"))))
  (export "sync-stuck" (func $caller "sync-stuck"))
  (export "sync-wait-host" (func $caller "sync-wait-host")))
