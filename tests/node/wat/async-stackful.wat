;; Stackful async exports (`canon lift async` without `callback`), written from CanonicalABI.md for
;; tests/node/async-stackful.test.mjs and playwright-tests/async.spec.mjs. They run only under JSPI:
;; `waitable-set.wait` suspends the task in its core function until the host's promise settles.
;;
;; wait-for(id): calls the host's async `wait(id)`; if the call started (STARTED | subtask << 4),
;; joins the subtask to a new set and waits there for its SUBTASK event (stored at 8 * id), then
;; returns what the host's result stored at 1024 + 4 * id. no-return returns without `task.return`.
(component
  (import "test:async/host" (instance $host
    (export "wait" (func async (param "id" u32) (result u32)))))
  (alias export $host "wait" (func $wait))
  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $wait-async (canon lower (func $wait) async (memory $mem)))
  (core func $return-u32 (canon task.return (result u32)))
  (core func $set-new (canon waitable-set.new))
  (core func $set-wait (canon waitable-set.wait (memory $mem)))
  (core func $set-drop (canon waitable-set.drop))
  (core func $join (canon waitable.join))
  (core func $sub-drop (canon subtask.drop))
  (core func $yield (canon thread.yield))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "wait-async" (func $wait-async (param i32 i32) (result i32)))
    (import "" "return-u32" (func $return-u32 (param i32)))
    (import "" "set-new" (func $set-new (result i32)))
    (import "" "set-wait" (func $set-wait (param i32 i32) (result i32)))
    (import "" "set-drop" (func $set-drop (param i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "sub-drop" (func $sub-drop (param i32)))
    (import "" "yield" (func $yield (result i32)))
    (func $out (param $id i32) (result i32) (i32.add (i32.const 1024) (i32.shl (local.get $id) (i32.const 2))))
    (func (export "wait-for") (param $id i32)
      (local $st i32) (local $set i32) (local $event i32)
      (local.set $st (call $wait-async (local.get $id) (call $out (local.get $id))))
      (if (i32.ne (local.get $st) (i32.const 2)) (then
        (local.set $set (call $set-new))
        (call $join (i32.shr_u (local.get $st) (i32.const 4)) (local.get $set))
        (local.set $event (i32.shl (local.get $id) (i32.const 3)))
        (if (i32.ne (call $set-wait (local.get $set) (local.get $event)) (i32.const 1)) (then unreachable))
        (if (i32.ne (i32.load offset=4 (local.get $event)) (i32.const 2)) (then unreachable))
        (call $sub-drop (i32.load (local.get $event)))
        (call $set-drop (local.get $set))))
      (call $return-u32 (i32.load (call $out (local.get $id)))))
    (func (export "no-return"))
    ;; yield-then(v): `thread.yield` (suspended for a turn), then returns v plus what it returned (0).
    (func (export "yield-then") (param $v i32) (call $return-u32 (i32.add (local.get $v) (call $yield)))))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "wait-async" (func $wait-async))
    (export "return-u32" (func $return-u32))
    (export "set-new" (func $set-new))
    (export "set-wait" (func $set-wait))
    (export "set-drop" (func $set-drop))
    (export "join" (func $join))
    (export "sub-drop" (func $sub-drop))
    (export "yield" (func $yield))))))
  (func (export "wait-for") async (param "id" u32) (result u32) (canon lift (core func $m "wait-for") async))
  (func (export "no-return") async (canon lift (core func $m "no-return") async))
  (func (export "yield-then") async (param "v" u32) (result u32) (canon lift (core func $m "yield-then") async)))
