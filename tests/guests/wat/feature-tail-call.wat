;; Tail calls (`tail-call`): `compute` sums 1..100000 (mod 2^32) through 100000 `return_call`s, more
;; frames than a stack holds without them.
(component
  (core module $m
    (func $sum (param $n i32) (param $acc i32) (result i32)
      (if (result i32) (i32.eqz (local.get $n))
        (then (local.get $acc))
        (else (return_call $sum (i32.sub (local.get $n) (i32.const 1)) (i32.add (local.get $acc) (local.get $n))))))
    (func (export "compute") (result i32)
      (return_call $sum (i32.const 100000) (i32.const 0))))
  (core instance $i (instantiate $m))
  (func (export "compute") (result u32) (canon lift (core func $i "compute"))))
