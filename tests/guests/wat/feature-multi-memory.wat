;; Multi-memory (`multi-memory`): 42 is copied from the first memory into the second, where
;; `compute` reads it, and adds what lies at the same address of the first (0).
(component
  (core module $m
    (memory $a 1)
    (memory $b 1)
    (data (memory $a) (i32.const 0) "\2a\00\00\00")
    (func (export "compute") (result i32)
      (memory.copy $b $a (i32.const 8) (i32.const 0) (i32.const 4))
      (i32.add (i32.load $b (i32.const 8)) (i32.load $a (i32.const 8)))))
  (core instance $i (instantiate $m))
  (func (export "compute") (result u32) (canon lift (core func $i "compute"))))
