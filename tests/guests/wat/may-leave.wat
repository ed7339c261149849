;; The spec's `may_leave`: a guest's realloc or post-return, run by the host's glue, may not call
;; an import. Here both do (`ping`), and `ok` calls it where that is allowed; `count`, a scalar
;; function (the host's direct path), has a post-return that pings too.
(component
  (import "example:leave/host" (instance $host (export "ping" (func))))
  (alias export $host "ping" (func $ping))
  (core func $ping-lowered (canon lower (func $ping)))
  (core instance $host-core (export "ping" (func $ping-lowered)))
  (core module $m
    (import "host" "ping" (func $ping))
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $ptr i32)
      call $ping
      global.get $next
      local.set $ptr
      global.get $next
      local.get 3
      i32.add
      global.set $next
      local.get $ptr)
    (func (export "take-string") (param i32 i32) (result i32) local.get 1)
    (func (export "give") (result i32)
      (i32.store (i32.const 16) (i32.const 100))
      (i32.store (i32.const 20) (i32.const 2))
      (i32.store16 (i32.const 100) (i32.const 0x6968))
      i32.const 16)
    (func (export "cabi_post_give") (param i32) call $ping)
    (func (export "ok") (result i32) call $ping i32.const 7)
    (func (export "count") (result i32) i32.const 3)
    (func (export "cabi_post_count") (param i32) call $ping))
  (core instance $i (instantiate $m (with "host" (instance $host-core))))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))
  (func $take (param "s" string) (result u32)
    (canon lift (core func $i "take-string") (memory $mem) (realloc $realloc)))
  (func $give (result string)
    (canon lift (core func $i "give") (memory $mem) (post-return (core func $i "cabi_post_give"))))
  (func $ok (result u32) (canon lift (core func $i "ok")))
  (func $count (result u32) (canon lift (core func $i "count") (post-return (core func $i "cabi_post_count"))))
  (export "take-string" (func $take))
  (export "give" (func $give))
  (export "ok" (func $ok))
  (export "count" (func $count)))
