;; Strings with `string-encoding=utf16`, which Rust guests cannot declare.
;;
;; A first core module has the memory and a bump allocator as `realloc` (it grows the memory and
;; copies on reallocation, never frees); the host import is lowered over them, with the same
;; encoding, before the main module (which imports all three) is instantiated. The return area is
;; at 16. Echo functions hand back the very (ptr, len) they received, so what the host lifts is
;; exactly what it lowered; `host-echo` passes its string through the host's `echo` import first
;; (lifted, then the result lowered, by the host in this encoding); `units` and `code-unit` report
;; what the guest received; `make` returns a string laid down in a data segment, so lifting is
;; tested apart from lowering; the last three return strings the canonical ABI must refuse (a trap).
(component
  (import "example:diff/strings" (instance $host
    (export "echo" (func (param "s" string) (result string)))))

  (core module $memory
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param $old i32) (param $old-size i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      (if (i32.and (i32.ne (local.get $old) (i32.const 0)) (i32.le_u (local.get $size) (local.get $old-size)))
        (then (return (local.get $old))))
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (global.set $bump (i32.add (local.get $p) (local.get $size)))
      (if (i32.gt_u (global.get $bump) (i32.shl (memory.size) (i32.const 16)))
        (then
          (if (i32.eq (memory.grow (i32.shr_u (i32.add (i32.sub (global.get $bump) (i32.shl (memory.size) (i32.const 16)))
                                                        (i32.const 65535))
                                               (i32.const 16)))
                      (i32.const -1))
            (then unreachable))))
      (if (local.get $old) (then (memory.copy (local.get $p) (local.get $old) (local.get $old-size))))
      (local.get $p))
  )
  (core instance $memory (instantiate $memory))
  (alias core export $memory "memory" (core memory $mem))
  (alias core export $memory "realloc" (core func $realloc))
  (core func $host-echo (canon lower (func $host "echo") (memory $mem) (realloc $realloc) string-encoding=utf16))

  (core module $m
    (import "env" "memory" (memory 1))
    (import "env" "host-echo" (func $host-echo (param i32 i32 i32)))
    ;; "héllo 🎉": 8 UTF-16 code units (the emoji is a surrogate pair).
    (data (i32.const 256) "h\00\e9\00l\00l\00o\00 \00\3c\d8\89\df")
    ;; "a", a lone high surrogate, "b": not a valid UTF-16 string.
    (data (i32.const 288) "a\00\00\d8b\00")

    (func $ret (param $ptr i32) (param $len i32) (result i32)
      (i32.store (i32.const 16) (local.get $ptr))
      (i32.store (i32.const 20) (local.get $len))
      (i32.const 16))
    (func (export "echo") (param i32 i32) (result i32) (call $ret (local.get 0) (local.get 1)))
    (func (export "host-echo") (param i32 i32) (result i32)
      (call $host-echo (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    (func (export "units") (param i32 i32) (result i32) (local.get 1))
    (func (export "code-unit") (param $ptr i32) (param $len i32) (param $i i32) (result i32)
      (i32.load16_u (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 1)))))
    (func (export "make") (result i32) (call $ret (i32.const 256) (i32.const 8)))
    (func (export "lone-surrogate") (result i32) (call $ret (i32.const 288) (i32.const 3)))
    (func (export "odd-pointer") (result i32) (call $ret (i32.const 257) (i32.const 1)))
    (func (export "out-of-bounds") (result i32) (call $ret (i32.const 0x7fffff00) (i32.const 64)))
  )
  (core instance $i (instantiate $m
    (with "env" (instance (export "memory" (memory $mem)) (export "host-echo" (func $host-echo))))))

  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "host-echo") (param "s" string) (result string)
    (canon lift (core func $i "host-echo") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "units") (param "s" string) (result u32)
    (canon lift (core func $i "units") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "code-unit") (param "s" string) (param "i" u32) (result u16)
    (canon lift (core func $i "code-unit") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "echo-list") (param "v" (list string)) (result (list string))
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "make") (result string)
    (canon lift (core func $i "make") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "lone-surrogate") (result string)
    (canon lift (core func $i "lone-surrogate") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "odd-pointer") (result string)
    (canon lift (core func $i "odd-pointer") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "out-of-bounds") (result string)
    (canon lift (core func $i "out-of-bounds") (memory $mem) (realloc $realloc) string-encoding=utf16))
)
