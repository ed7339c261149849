;; A host function of `async` type whose result is a `future<u32>`, lowered `async`, written from
;; CanonicalABI.md (`canon_lower`, `future_copy`) for tests/node/async-worker.test.mjs: the call's
;; result is the future itself, so the call returns RETURNED at once with the future's handle at
;; the out-pointer, however long the host takes to settle the future's promise; the guest then reads
;; the future (BLOCKED until the host settles it) and returns its value. `log` records the call's
;; status, what `future.read` returned, then the event code and payload of the FUTURE_READ event.
;;
;; `run-sync`, an async function lifted without `async`, calls `later` through a sync `canon lower`:
;; the future comes back at once all the same (nothing to wait for), its read is BLOCKED, and the
;; guest cancels the read (CANCELLED 2) and drops the future.
;;
;; Memory: the future's handle at 2048, its value at 2056. Codes: RETURNED 2, BLOCKED 0xffffffff,
;; FUTURE_READ 4, COMPLETED 0; callback codes EXIT 0, WAIT 2 (| set << 4).
(component
  (type $fu32 (future u32))
  (import "log" (func $log (param "v" u32)))
  (import "later" (func $later async (result $fu32)))
  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $log (canon lower (func $log)))
  (core func $later (canon lower (func $later) async (memory $mem)))
  (core func $later-sync (canon lower (func $later)))
  (core func $cancel-read (canon future.cancel-read $fu32 async))
  (core func $read (canon future.read $fu32 async (memory $mem)))
  (core func $drop (canon future.drop-readable $fu32))
  (core func $return-u32 (canon task.return (result u32)))
  (core func $set-new (canon waitable-set.new))
  (core func $join (canon waitable.join))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "log" (func $log (param i32)))
    (import "" "later" (func $later (param i32) (result i32)))
    (import "" "later-sync" (func $later-sync (result i32)))
    (import "" "cancel-read" (func $cancel-read (param i32) (result i32)))
    (import "" "read" (func $read (param i32 i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "return-u32" (func $return-u32 (param i32)))
    (import "" "set-new" (func $set-new (result i32)))
    (import "" "join" (func $join (param i32 i32)))
    ;; The future was read: drop it and return its value.
    (func $finish (param $f i32) (result i32)
      (call $drop (local.get $f))
      (call $return-u32 (i32.load (i32.const 2056)))
      (i32.const 0))
    (func (export "run") (result i32)
      (local $status i32)
      (local $f i32)
      (local $set i32)
      (local.set $status (call $later (i32.const 2048)))
      (call $log (local.get $status))
      (if (i32.ne (local.get $status) (i32.const 2)) (then unreachable))
      (local.set $f (i32.load (i32.const 2048)))
      (local.set $status (call $read (local.get $f) (i32.const 2056)))
      (call $log (local.get $status))
      (if (i32.ne (local.get $status) (i32.const -1)) (then (return (call $finish (local.get $f)))))
      (local.set $set (call $set-new))
      (call $join (local.get $f) (local.get $set))
      (i32.or (i32.const 2) (i32.shl (local.get $set) (i32.const 4))))
    (func (export "run-sync") (result i32)
      (local $f i32)
      (local.set $f (call $later-sync))
      (call $log (call $read (local.get $f) (i32.const 2056)))
      (call $log (call $cancel-read (local.get $f)))
      (call $drop (local.get $f))
      (i32.const 0))
    (func (export "run-cb") (param $e i32) (param $f i32) (param $result i32) (result i32)
      (call $log (local.get $e))
      (call $log (local.get $result))
      (call $join (local.get $f) (i32.const 0))
      (call $finish (local.get $f))))
  (core instance $i (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "log" (func $log))
    (export "later" (func $later))
    (export "later-sync" (func $later-sync))
    (export "cancel-read" (func $cancel-read))
    (export "read" (func $read))
    (export "drop" (func $drop))
    (export "return-u32" (func $return-u32))
    (export "set-new" (func $set-new))
    (export "join" (func $join))))))
  (func (export "run") async (result u32)
    (canon lift (core func $i "run") async (callback (core func $i "run-cb"))))
  (func (export "run-sync") async (result u32)
    (canon lift (core func $i "run-sync"))))
