;; `echo` with string-encoding=utf16: strings arrive and leave as UTF-16LE code units.
;; Hand-written so that a non-UTF-8 guest exists; Rust only emits utf8.
(component
  (core module $m
    (memory (export "memory") 1)
    ;; A bump allocator: never frees, grows the memory as needed.
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
    ;; "héllo 😀" in UTF-16LE: 8 code units (the emoji is a surrogate pair).
    (data (i32.const 64) "h\00\e9\00l\00l\00o\00 \00\3d\d8\00\de")
    ;; Results go through a return area at 8: (ptr, length in code units).
    (func $ret (param i32 i32) (result i32)
      (i32.store (i32.const 8) (local.get 0))
      (i32.store (i32.const 12) (local.get 1))
      (i32.const 8))
    (func (export "echo") (param i32 i32) (result i32) (call $ret (local.get 0) (local.get 1)))
    (func (export "echo-list") (param i32 i32) (result i32) (call $ret (local.get 0) (local.get 1)))
    (func (export "raw-length") (param i32 i32) (result i32) (local.get 1))
    (func (export "fail") unreachable)
    (func (export "constant") (result i32) (call $ret (i32.const 64) (i32.const 8))))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $memory))
  (alias core export $i "realloc" (core func $realloc))
  (func $echo (param "s" string) (result string)
    (canon lift (core func $i "echo") (memory $memory) (realloc $realloc) string-encoding=utf16))
  (func $echo-list (param "l" (list string)) (result (list string))
    (canon lift (core func $i "echo-list") (memory $memory) (realloc $realloc) string-encoding=utf16))
  (func $raw-length (param "s" string) (result u32)
    (canon lift (core func $i "raw-length") (memory $memory) (realloc $realloc) string-encoding=utf16))
  (func $constant (result string)
    (canon lift (core func $i "constant") (memory $memory) (realloc $realloc) string-encoding=utf16))
  (func $fail (canon lift (core func $i "fail")))
  (instance $echo
    (export "echo" (func $echo))
    (export "echo-list" (func $echo-list))
    (export "raw-length" (func $raw-length))
    (export "constant" (func $constant))
    (export "fail" (func $fail)))
  (export "example:strings/echo@0.1.0" (instance $echo)))
