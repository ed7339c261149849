;; WasmGC (`gc`), as Kotlin/Wasm and Dart emit: a struct and an array type used by the exported
;; function. `compute` returns 20 + 22 read back from a struct through an array, plus the array's length (3).
(component
  (core module $m
    (type $point (struct (field $x i32) (field $y i32)))
    (type $row (array (mut i32)))
    (func (export "compute") (result i32)
      (local $p (ref $point))
      (local $a (ref $row))
      (local.set $p (struct.new $point (i32.const 20) (i32.const 22)))
      (local.set $a (array.new $row (i32.const 0) (i32.const 3)))
      (array.set $row (local.get $a) (i32.const 1)
        (i32.add (struct.get $point $x (local.get $p)) (struct.get $point $y (local.get $p))))
      (i32.add (array.get $row (local.get $a) (i32.const 1)) (array.len (local.get $a)))))
  (core instance $i (instantiate $m))
  (func (export "compute") (result u32) (canon lift (core func $i "compute"))))
