;; Imports `echo` and exports `echo`, forwarding `echo`, `echo-list` and `constant` to the import,
;; with string-encoding=utf16 on both its lowerings and its liftings: composed in front of
;; another `echo`, every string crosses two encodings. `raw-length` answers with its own view;
;; `fail` calls the import's `fail`, which traps.
(component
  (import "example:strings/echo@0.1.0" (instance $in
    (export "echo" (func (param "s" string) (result string)))
    (export "echo-list" (func (param "l" (list string)) (result (list string))))
    (export "raw-length" (func (param "s" string) (result u32)))
    (export "constant" (func (result string)))
    (export "fail" (func))))

  ;; Memory and a bump allocator first, so that the imports can be lowered into that memory.
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
      (local.get $ptr)))
  (core instance $a (instantiate $alloc))
  (alias core export $a "memory" (core memory $memory))
  (alias core export $a "realloc" (core func $realloc))

  (alias export $in "echo" (func $in-echo))
  (alias export $in "echo-list" (func $in-echo-list))
  (alias export $in "constant" (func $in-constant))
  (alias export $in "fail" (func $in-fail))
  (core func $lowered-echo
    (canon lower (func $in-echo) (memory $memory) (realloc $realloc) string-encoding=utf16))
  (core func $lowered-echo-list
    (canon lower (func $in-echo-list) (memory $memory) (realloc $realloc) string-encoding=utf16))
  (core func $lowered-constant
    (canon lower (func $in-constant) (memory $memory) (realloc $realloc) string-encoding=utf16))
  (core func $lowered-fail (canon lower (func $in-fail)))
  (core instance $lowered
    (export "fail" (func $lowered-fail))
    (export "echo" (func $lowered-echo))
    (export "echo-list" (func $lowered-echo-list))
    (export "constant" (func $lowered-constant)))

  ;; Each export calls its import with the return area at 16 and returns that area as its own.
  (core module $main
    (import "in" "echo" (func $echo (param i32 i32 i32)))
    (import "in" "echo-list" (func $echo-list (param i32 i32 i32)))
    (import "in" "constant" (func $constant (param i32)))
    (import "in" "fail" (func $fail))
    (func (export "fail") (call $fail))
    (func (export "echo") (param i32 i32) (result i32)
      (call $echo (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    (func (export "echo-list") (param i32 i32) (result i32)
      (call $echo-list (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    (func (export "raw-length") (param i32 i32) (result i32) (local.get 1))
    (func (export "constant") (result i32)
      (call $constant (i32.const 16))
      (i32.const 16)))
  (core instance $m (instantiate $main (with "in" (instance $lowered))))

  (func $echo (param "s" string) (result string)
    (canon lift (core func $m "echo") (memory $memory) (realloc $realloc) string-encoding=utf16))
  (func $echo-list (param "l" (list string)) (result (list string))
    (canon lift (core func $m "echo-list") (memory $memory) (realloc $realloc) string-encoding=utf16))
  (func $raw-length (param "s" string) (result u32)
    (canon lift (core func $m "raw-length") (memory $memory) (realloc $realloc) string-encoding=utf16))
  (func $constant (result string)
    (canon lift (core func $m "constant") (memory $memory) (realloc $realloc) string-encoding=utf16))
  (func $fail (canon lift (core func $m "fail")))
  (instance $echo-out
    (export "echo" (func $echo))
    (export "echo-list" (func $echo-list))
    (export "raw-length" (func $raw-length))
    (export "constant" (func $constant))
    (export "fail" (func $fail)))
  (export "example:strings/echo@0.1.0" (instance $echo-out)))
