;; Strings with `string-encoding=latin1+utf16`, which Rust guests cannot declare: a string arrives
;; as Latin-1 when every code point is below U+0100 and as UTF-16 otherwise, the length's bit 31
;; telling which (the canonical ABI's `store_string_to_latin1_or_utf16`).
;;
;; Same shape as strings-utf16.wat: a memory module with a bump `realloc`, the host's `echo`
;; lowered over it in this encoding, a return area at 16, echoes that hand back the (ptr, tagged
;; length) they received, and strings laid down in data segments.
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
  (core func $host-echo (canon lower (func $host "echo") (memory $mem) (realloc $realloc) string-encoding=latin1+utf16))

  (core module $m
    (import "env" "memory" (memory 1))
    (import "env" "host-echo" (func $host-echo (param i32 i32 i32)))
    ;; "café ÿ" in Latin-1: 6 bytes, length untagged.
    (data (i32.const 256) "caf\e9 \ff")
    ;; "Ω🎉" in UTF-16: 3 code units, length tagged with bit 31.
    (data (i32.const 288) "\a9\03\3c\d8\89\df")

    (func $ret (param $ptr i32) (param $len i32) (result i32)
      (i32.store (i32.const 16) (local.get $ptr))
      (i32.store (i32.const 20) (local.get $len))
      (i32.const 16))
    (func (export "echo") (param i32 i32) (result i32) (call $ret (local.get 0) (local.get 1)))
    (func (export "host-echo") (param i32 i32) (result i32)
      (call $host-echo (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    (func (export "tagged-length") (param i32 i32) (result i32) (local.get 1))
    (func (export "make-latin1") (result i32) (call $ret (i32.const 256) (i32.const 6)))
    (func (export "make-utf16") (result i32) (call $ret (i32.const 288) (i32.const 0x80000003)))
  )
  (core instance $i (instantiate $m
    (with "env" (instance (export "memory" (memory $mem)) (export "host-echo" (func $host-echo))))))

  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc) string-encoding=latin1+utf16))
  (func (export "host-echo") (param "s" string) (result string)
    (canon lift (core func $i "host-echo") (memory $mem) (realloc $realloc) string-encoding=latin1+utf16))
  (func (export "tagged-length") (param "s" string) (result u32)
    (canon lift (core func $i "tagged-length") (memory $mem) (realloc $realloc) string-encoding=latin1+utf16))
  (func (export "echo-list") (param "v" (list string)) (result (list string))
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc) string-encoding=latin1+utf16))
  (func (export "make-latin1") (result string)
    (canon lift (core func $i "make-latin1") (memory $mem) (realloc $realloc) string-encoding=latin1+utf16))
  (func (export "make-utf16") (result string)
    (canon lift (core func $i "make-utf16") (memory $mem) (realloc $realloc) string-encoding=latin1+utf16))
)
