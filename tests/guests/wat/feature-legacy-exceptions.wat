;; Exception handling in its first form (`legacy-exceptions`), still emitted by some toolchains:
;; `try` and `catch`. `compute` returns the thrown 41 plus 1.
(component
  (core module $m
    (tag $oops (param i32))
    (func $fail (param i32) (throw $oops (local.get 0)))
    (func (export "compute") (result i32)
      try (result i32)
        (call $fail (i32.const 41))
        (i32.const 0)
      catch $oops
        (i32.add (i32.const 1))
      end))
  (core instance $i (instantiate $m))
  (func (export "compute") (result u32) (canon lift (core func $i "compute"))))
