;; Exception handling in its standard form (`exceptions`): `try_table` catches a tag thrown by a
;; callee. `compute` returns the thrown 41 plus 1.
(component
  (core module $m
    (tag $oops (param i32))
    (func $fail (param i32) (throw $oops (local.get 0)))
    (func (export "compute") (result i32)
      (block $caught (result i32)
        (try_table (catch $oops $caught)
          (call $fail (i32.const 41)))
        (return (i32.const 0)))
      (i32.const 1)
      (i32.add)))
  (core instance $i (instantiate $m))
  (func (export "compute") (result u32) (canon lift (core func $i "compute"))))
