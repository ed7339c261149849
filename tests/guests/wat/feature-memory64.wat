;; A 64-bit memory (`memory64`): `compute` stores 41 at an i64 address, loads it back and adds the
;; memory's size in pages (1), an i64 too. The lifted function is scalar, so it needs no canonical
;; `memory`, which the component model wants 32-bit.
(component
  (core module $m
    (memory i64 1)
    (func (export "compute") (result i32)
      (i64.store (i64.const 0x100) (i64.const 41))
      (i32.wrap_i64 (i64.add (i64.load (i64.const 0x100)) (memory.size)))))
  (core instance $i (instantiate $m))
  (func (export "compute") (result u32) (canon lift (core func $i "compute"))))
