;; fused.wat's composition between string encodings: `relay-CALLER-CALLEE` crosses utf8 -> utf8,
;; utf8 -> utf16, utf16 -> utf8 and utf16 -> utf16 (latin1+utf16 crosses in the client-* and
;; relay-* compositions). `send-raw-utf16-utf8` hands the utf8 callee the UTF-16 units 0061 d800 (a
;; lone surrogate) at 260 of the caller's memory. Post-return frees all a call allocated.
(component
  (core module $alloc
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
      (local $ptr i32)
      (local $end i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $ptr) (local.get $new_size)))
      (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
        (then
          (if (i32.eq
                (memory.grow
                  (i32.add
                    (i32.shr_u (i32.sub (local.get $end) (i32.shl (memory.size) (i32.const 16))) (i32.const 16))
                    (i32.const 1)))
                (i32.const -1))
            (then unreachable))))
      (global.set $bump (local.get $end))
      (if (local.get $old)
        (then
          (memory.copy (local.get $ptr) (local.get $old)
            (select (local.get $old_size) (local.get $new_size) (i32.lt_u (local.get $old_size) (local.get $new_size))))))
      (local.get $ptr))
    (func (export "reset") (param i32) (global.set $bump (i32.const 1024))))

  (component $callee
    (alias outer 1 $alloc (core module $alloc))
    (core instance $a (instantiate $alloc))
    (alias core export $a "memory" (core memory $memory))
    (alias core export $a "realloc" (core func $realloc))
    (alias core export $a "reset" (core func $reset))
    (core module $echo
      ;; The (pointer, length) it was given, as the result in memory at 8.
      (import "" "memory" (memory 1))
      (func (export "echo") (param i32 i32) (result i32)
        (i32.store (i32.const 8) (local.get 0))
        (i32.store (i32.const 12) (local.get 1))
        (i32.const 8))
      (func (export "noop")))
    (core instance $e (instantiate $echo (with "" (instance (export "memory" (memory $memory))))))
    (func (export "echo-utf8") (param "s" string) (result string)
      (canon lift (core func $e "echo") (memory $memory) (realloc $realloc) string-encoding=utf8 (post-return $reset)))
    (func (export "echo-utf16") (param "s" string) (result string)
      (canon lift (core func $e "echo") (memory $memory) (realloc $realloc) string-encoding=utf16 (post-return $reset)))
    (func (export "noop") (canon lift (core func $e "noop"))))

  (component $caller
    (import "echo-utf8" (func $echo-utf8 (param "s" string) (result string)))
    (import "echo-utf16" (func $echo-utf16 (param "s" string) (result string)))
    (import "noop" (func $noop))
    (alias outer 1 $alloc (core module $alloc))
    (core instance $a (instantiate $alloc))
    (alias core export $a "memory" (core memory $memory))
    (alias core export $a "realloc" (core func $realloc))
    (alias core export $a "reset" (core func $reset))
    (core func $utf8-utf8 (canon lower (func $echo-utf8) (memory $memory) (realloc $realloc) string-encoding=utf8))
    (core func $utf8-utf16 (canon lower (func $echo-utf16) (memory $memory) (realloc $realloc) string-encoding=utf8))
    (core func $utf16-utf8 (canon lower (func $echo-utf8) (memory $memory) (realloc $realloc) string-encoding=utf16))
    (core func $utf16-utf16 (canon lower (func $echo-utf16) (memory $memory) (realloc $realloc) string-encoding=utf16))
    (core func $noop-lowered (canon lower (func $noop)))
    (core module $relay
      (import "" "memory" (memory 1))
      (import "" "utf8-utf8" (func $utf8-utf8 (param i32 i32 i32)))
      (import "" "utf8-utf16" (func $utf8-utf16 (param i32 i32 i32)))
      (import "" "utf16-utf8" (func $utf16-utf8 (param i32 i32 i32)))
      (import "" "utf16-utf16" (func $utf16-utf16 (param i32 i32 i32)))
      (import "" "noop" (func $noop))
      (data (i32.const 260) "\61\00\00\d8")
      ;; Each relay passes its (pointer, length) on, with the return area at 16, and returns that.
      (func (export "utf8-utf8") (param i32 i32) (result i32)
        (call $utf8-utf8 (local.get 0) (local.get 1) (i32.const 16))
        (i32.const 16))
      (func (export "utf8-utf16") (param i32 i32) (result i32)
        (call $utf8-utf16 (local.get 0) (local.get 1) (i32.const 16))
        (i32.const 16))
      (func (export "utf16-utf8") (param i32 i32) (result i32)
        (call $utf16-utf8 (local.get 0) (local.get 1) (i32.const 16))
        (i32.const 16))
      (func (export "utf16-utf16") (param i32 i32) (result i32)
        (call $utf16-utf16 (local.get 0) (local.get 1) (i32.const 16))
        (i32.const 16))
      (func (export "noop") (call $noop))
      ;; The bytes a benchmark sends with send-raw-*: `len` bytes of `byte` at 8 MiB, where nothing
      ;; else is allocated; returns their address.
      (func (export "fill") (param $byte i32) (param $len i32) (result i32)
        (local $end i32)
        (local.set $end (i32.add (i32.const 0x800000) (local.get $len)))
        (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
          (then
            (if (i32.eq
                  (memory.grow
                    (i32.sub (i32.shr_u (i32.add (local.get $end) (i32.const 0xffff)) (i32.const 16)) (memory.size)))
                  (i32.const -1))
              (then unreachable))))
        (memory.fill (i32.const 0x800000) (local.get $byte) (local.get $len))
        (i32.const 0x800000))
      ;; send-raw-*: a pointer and length of this memory straight to the callee; the length of what
      ;; came back.
      (func (export "send-raw-utf8-utf8") (param i32 i32) (result i32)
        (call $utf8-utf8 (local.get 0) (local.get 1) (i32.const 16))
        (i32.load (i32.const 20)))
      (func (export "send-raw-utf8-utf16") (param i32 i32) (result i32)
        (call $utf8-utf16 (local.get 0) (local.get 1) (i32.const 16))
        (i32.load (i32.const 20)))
      (func (export "send-raw-utf16-utf8") (param i32 i32) (result i32)
        (call $utf16-utf8 (local.get 0) (local.get 1) (i32.const 16))
        (i32.load (i32.const 20)))
      (func (export "send-raw-utf16-utf16") (param i32 i32) (result i32)
        (call $utf16-utf16 (local.get 0) (local.get 1) (i32.const 16))
        (i32.load (i32.const 20)))
    )
    (core instance $r
      (instantiate $relay
        (with "" (instance
          (export "memory" (memory $memory))
          (export "utf8-utf8" (func $utf8-utf8))
          (export "utf8-utf16" (func $utf8-utf16))
          (export "utf16-utf8" (func $utf16-utf8))
          (export "utf16-utf16" (func $utf16-utf16))
          (export "noop" (func $noop-lowered))))))
    (func (export "relay-utf8-utf8") (param "s" string) (result string)
      (canon lift (core func $r "utf8-utf8") (memory $memory) (realloc $realloc) string-encoding=utf8 (post-return $reset)))
    (func (export "relay-utf8-utf16") (param "s" string) (result string)
      (canon lift (core func $r "utf8-utf16") (memory $memory) (realloc $realloc) string-encoding=utf8 (post-return $reset)))
    (func (export "relay-utf16-utf8") (param "s" string) (result string)
      (canon lift (core func $r "utf16-utf8") (memory $memory) (realloc $realloc) string-encoding=utf16 (post-return $reset)))
    (func (export "relay-utf16-utf16") (param "s" string) (result string)
      (canon lift (core func $r "utf16-utf16") (memory $memory) (realloc $realloc) string-encoding=utf16 (post-return $reset)))
    (func (export "relay-noop") (canon lift (core func $r "noop")))
    (func (export "fill") (param "byte" u8) (param "len" u32) (result u32) (canon lift (core func $r "fill")))
    (func (export "send-raw-utf8-utf8") (param "ptr" u32) (param "len" u32) (result u32)
      (canon lift (core func $r "send-raw-utf8-utf8") (post-return $reset)))
    (func (export "send-raw-utf8-utf16") (param "ptr" u32) (param "len" u32) (result u32)
      (canon lift (core func $r "send-raw-utf8-utf16") (post-return $reset)))
    (func (export "send-raw-utf16-utf8") (param "ptr" u32) (param "len" u32) (result u32)
      (canon lift (core func $r "send-raw-utf16-utf8") (post-return $reset)))
    (func (export "send-raw-utf16-utf16") (param "ptr" u32) (param "len" u32) (result u32)
      (canon lift (core func $r "send-raw-utf16-utf16") (post-return $reset)))
  )

  (instance $ce (instantiate $callee))
  (instance $ca
    (instantiate $caller
      (with "echo-utf8" (func $ce "echo-utf8"))
      (with "echo-utf16" (func $ce "echo-utf16"))
      (with "noop" (func $ce "noop"))))
  (export "relay-utf8-utf8" (func $ca "relay-utf8-utf8"))
  (export "relay-utf8-utf16" (func $ca "relay-utf8-utf16"))
  (export "relay-utf16-utf8" (func $ca "relay-utf16-utf8"))
  (export "relay-utf16-utf16" (func $ca "relay-utf16-utf16"))
  (export "relay-noop" (func $ca "relay-noop"))
  (export "fill" (func $ca "fill"))
  (export "send-raw-utf8-utf8" (func $ca "send-raw-utf8-utf8"))
  (export "send-raw-utf8-utf16" (func $ca "send-raw-utf8-utf16"))
  (export "send-raw-utf16-utf8" (func $ca "send-raw-utf16-utf8"))
  (export "send-raw-utf16-utf16" (func $ca "send-raw-utf16-utf16"))
  (export "echo-utf8" (func $ce "echo-utf8"))
  (export "echo-utf16" (func $ce "echo-utf16"))
  (export "noop" (func $ce "noop")))
