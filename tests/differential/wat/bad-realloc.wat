;; A guest whose `realloc` misbehaves: it returns an odd address when asked for an alignment above 1,
;; and an address past the end of memory when asked for more than 1000 bytes (else it is the usual
;; bump allocator). The host must check what realloc returns (the canonical ABI's
;; store_string_into_range / store_list_into_range: trap_if misaligned, trap_if out of bounds).
(component
  (core module $m
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param $old i32) (param $old-size i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      (if (i32.gt_u (local.get $align) (i32.const 1)) (then (return (i32.const 1))))
      (if (i32.gt_u (local.get $size) (i32.const 1000)) (then (return (i32.const 0xfffff000))))
      (local.set $p (global.get $bump))
      (global.set $bump (i32.add (local.get $p) (local.get $size)))
      (if (local.get $old) (then (memory.copy (local.get $p) (local.get $old) (local.get $old-size))))
      (local.get $p))
    (func (export "echo") (param i32 i32) (result i32)
      (i32.store (i32.const 16) (local.get 0))
      (i32.store (i32.const 20) (local.get 1))
      (i32.const 16))
  )
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))
  (func (export "echo-string") (param "s" string) (result string)
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc)))
  (func (export "echo-u32s") (param "v" (list u32)) (result (list u32))
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc)))
  (func (export "echo-bytes") (param "v" (list u8)) (result (list u8))
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc)))
)
