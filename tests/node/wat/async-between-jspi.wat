;; Async calls between two components of one composition that need JSPI, written from
;; CanonicalABI.md for tests/node/async-between.test.mjs (refused without JSPI) and
;; playwright-tests/async-between.spec.mjs (run under JSPI): a synchronous `canon lower` of a
;; callee lifted `async` (with a callback that YIELDs first, and stackful), and `canon lower async`
;; of the stackful one. The callers are async functions lifted without `async` (so they may block)
;; or with a callback, and `wait-add-later`, stackful, which calls `add-later` through `canon lower
;; async` and waits for its subtask in `waitable-set.wait`: a wait for another task of the same
;; composition (refused in the worker of tests/node/async-worker.test.mjs, which cannot run that
;; task under the waiting one's frames).
(component
  (component $callee
    (core func $return-u32 (canon task.return (result u32)))
    (core func $ctx-get (canon context.get i32 0))
    (core func $ctx-set (canon context.set i32 0))
    (core func $yield (canon thread.yield))
    (core module $m
      (import "" "return-u32" (func $return-u32 (param i32)))
      (import "" "ctx-get" (func $ctx-get (result i32)))
      (import "" "ctx-set" (func $ctx-set (param i32)))
      (import "" "yield" (func $yield (result i32)))
      ;; YIELDs first, then returns its result from the callback.
      (func (export "add-later") (param $a i32) (param $b i32) (result i32)
        (call $ctx-set (i32.add (local.get $a) (local.get $b)))
        (i32.const 1))
      (func (export "add-later-cb") (param i32 i32 i32) (result i32)
        (call $return-u32 (call $ctx-get))
        (i32.const 0))
      ;; Stackful: yields (suspended meanwhile), then returns its result.
      (func (export "add-stackful") (param $a i32) (param $b i32)
        (drop (call $yield))
        (call $return-u32 (i32.add (local.get $a) (local.get $b)))))
    (core instance $i (instantiate $m (with "" (instance
      (export "return-u32" (func $return-u32))
      (export "ctx-get" (func $ctx-get))
      (export "ctx-set" (func $ctx-set))
      (export "yield" (func $yield))))))
    (func (export "add-later") async (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $i "add-later") async (callback (core func $i "add-later-cb"))))
    (func (export "add-stackful") async (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $i "add-stackful") async)))

  (component $caller
    (import "add-later" (func $add-later async (param "a" u32) (param "b" u32) (result u32)))
    (import "add-stackful" (func $add-stackful async (param "a" u32) (param "b" u32) (result u32)))
    (core module $libc (memory (export "memory") 1))
    (core instance $libc (instantiate $libc))
    (alias core export $libc "memory" (core memory $mem))
    (core func $add-later (canon lower (func $add-later)))
    (core func $add-stackful (canon lower (func $add-stackful)))
    (core func $add-stackful-async (canon lower (func $add-stackful) async (memory $mem)))
    (core func $add-later-async (canon lower (func $add-later) async (memory $mem)))
    (core func $wait (canon waitable-set.wait (memory $mem)))
    (core func $return-u32 (canon task.return (result u32)))
    (core func $set-new (canon waitable-set.new))
    (core func $join (canon waitable.join))
    (core func $sub-drop (canon subtask.drop))
    (core module $m
      (import "" "memory" (memory 1))
      (import "" "add-later" (func $add-later (param i32 i32) (result i32)))
      (import "" "add-stackful" (func $add-stackful (param i32 i32) (result i32)))
      (import "" "add-stackful-async" (func $add-stackful-async (param i32 i32 i32) (result i32)))
      (import "" "add-later-async" (func $add-later-async (param i32 i32 i32) (result i32)))
      (import "" "wait" (func $wait (param i32 i32) (result i32)))
      (import "" "return-u32" (func $return-u32 (param i32)))
      (import "" "set-new" (func $set-new (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (import "" "sub-drop" (func $sub-drop (param i32)))
      (func (export "sync-add-later") (param $a i32) (param $b i32) (result i32)
        (call $add-later (local.get $a) (local.get $b)))
      (func (export "sync-add-stackful") (param $a i32) (param $b i32) (result i32)
        (call $add-stackful (local.get $a) (local.get $b)))
      ;; STARTED (the callee suspended): WAIT for the subtask; RETURNED: the result at once.
      (func (export "call-stackful") (param $a i32) (param $b i32) (result i32)
        (local $status i32)
        (local $set i32)
        (local.set $status (call $add-stackful-async (local.get $a) (local.get $b) (i32.const 2048)))
        (if (i32.eq (local.get $status) (i32.const 2))
          (then
            (call $return-u32 (i32.load (i32.const 2048)))
            (return (i32.const 0))))
        (local.set $set (call $set-new))
        (call $join (i32.shr_u (local.get $status) (i32.const 4)) (local.get $set))
        (i32.or (i32.const 2) (i32.shl (local.get $set) (i32.const 4))))
      ;; Stackful: waits in core code for the subtask to return (its event stored at 2056), then
      ;; returns its result.
      (func (export "wait-add-later") (param $a i32) (param $b i32)
        (local $status i32)
        (local $set i32)
        (local.set $status (call $add-later-async (local.get $a) (local.get $b) (i32.const 2048)))
        (if (i32.eq (i32.and (local.get $status) (i32.const 0xf)) (i32.const 1))
          (then
            (local.set $set (call $set-new))
            (call $join (i32.shr_u (local.get $status) (i32.const 4)) (local.get $set))
            (if (i32.ne (call $wait (local.get $set) (i32.const 2056)) (i32.const 1)) (then unreachable))
            (call $sub-drop (i32.load (i32.const 2056)))))
        (call $return-u32 (i32.load (i32.const 2048))))
      (func (export "on-event") (param $e i32) (param $i i32) (param $state i32) (result i32)
        (call $sub-drop (local.get $i))
        (call $return-u32 (i32.load (i32.const 2048)))
        (i32.const 0)))
    (core instance $i (instantiate $m (with "" (instance
      (export "memory" (memory $mem))
      (export "add-later" (func $add-later))
      (export "add-stackful" (func $add-stackful))
      (export "add-stackful-async" (func $add-stackful-async))
      (export "add-later-async" (func $add-later-async))
      (export "wait" (func $wait))
      (export "return-u32" (func $return-u32))
      (export "set-new" (func $set-new))
      (export "join" (func $join))
      (export "sub-drop" (func $sub-drop))))))
    (func (export "sync-add-later") async (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $i "sync-add-later")))
    (func (export "sync-add-stackful") async (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $i "sync-add-stackful")))
    (func (export "call-stackful") async (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $i "call-stackful") async (callback (core func $i "on-event"))))
    (func (export "wait-add-later") async (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $i "wait-add-later") async)))

  (instance $callee (instantiate $callee))
  (instance $caller (instantiate $caller
    (with "add-later" (func $callee "add-later"))
    (with "add-stackful" (func $callee "add-stackful"))))
  (export "sync-add-later" (func $caller "sync-add-later"))
  (export "sync-add-stackful" (func $caller "sync-add-stackful"))
  (export "call-stackful" (func $caller "call-stackful"))
  (export "wait-add-later" (func $caller "wait-add-later")))
