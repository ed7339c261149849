;; The spec's handle table (`ComponentInstance.table`): one per component instance, shared by every
;; resource type it uses, guest-defined (`r1`, `r2`) and imported (`blob`), owns and borrows alike.
;; Each export is one canonical built-in, or a lifted call that shows the guest's handle index, so a
;; test drives the table step by step and sees the indices the guest sees.
(component
  (import "example:table/host" (instance $host (export "blob" (type (sub resource)))))
  (alias export $host "blob" (type $blob))
  (type $r1 (resource (rep i32)))
  (type $r2 (resource (rep i32)))
  (export "r1" (type $r1))
  (export "r2" (type $r2))
  (core func $new1 (canon resource.new $r1))
  (core func $new2 (canon resource.new $r2))
  (core func $rep1 (canon resource.rep $r1))
  (core func $rep2 (canon resource.rep $r2))
  (core func $drop1 (canon resource.drop $r1))
  (core func $drop2 (canon resource.drop $r2))
  (core func $drop-blob (canon resource.drop $blob))
  (core module $m
    (import "" "new1" (func $new1 (param i32) (result i32)))
    (import "" "new2" (func $new2 (param i32) (result i32)))
    (import "" "rep1" (func $rep1 (param i32) (result i32)))
    (import "" "rep2" (func $rep2 (param i32) (result i32)))
    (import "" "drop1" (func $drop1 (param i32)))
    (import "" "drop2" (func $drop2 (param i32)))
    (import "" "drop-blob" (func $drop-blob (param i32)))
    (func (export "new1") (param i32) (result i32) (call $new1 (local.get 0)))
    (func (export "new2") (param i32) (result i32) (call $new2 (local.get 0)))
    (func (export "rep1") (param i32) (result i32) (call $rep1 (local.get 0)))
    (func (export "rep2") (param i32) (result i32) (call $rep2 (local.get 0)))
    (func (export "drop1") (param i32) (call $drop1 (local.get 0)))
    (func (export "drop2") (param i32) (call $drop2 (local.get 0)))
    (func (export "drop-blob") (param i32) (call $drop-blob (local.get 0)))
    ;; a borrow lent to this call: dropped before returning, its index returned
    (func (export "borrow-blob") (param i32) (result i32) (call $drop-blob (local.get 0)) (local.get 0))
    ;; an own: kept in the table, its index returned
    (func (export "own-blob") (param i32) (result i32) (local.get 0)))
  (core instance $i
    (instantiate $m
      (with ""
        (instance
          (export "new1" (func $new1))
          (export "new2" (func $new2))
          (export "rep1" (func $rep1))
          (export "rep2" (func $rep2))
          (export "drop1" (func $drop1))
          (export "drop2" (func $drop2))
          (export "drop-blob" (func $drop-blob))))))
  (func (export "new1") (param "rep" u32) (result u32) (canon lift (core func $i "new1")))
  (func (export "new2") (param "rep" u32) (result u32) (canon lift (core func $i "new2")))
  (func (export "rep1") (param "h" u32) (result u32) (canon lift (core func $i "rep1")))
  (func (export "rep2") (param "h" u32) (result u32) (canon lift (core func $i "rep2")))
  (func (export "drop1") (param "h" u32) (canon lift (core func $i "drop1")))
  (func (export "drop2") (param "h" u32) (canon lift (core func $i "drop2")))
  (func (export "drop-blob") (param "h" u32) (canon lift (core func $i "drop-blob")))
  (func (export "borrow-blob") (param "b" (borrow $blob)) (result u32) (canon lift (core func $i "borrow-blob")))
  (func (export "own-blob") (param "b" (own $blob)) (result u32) (canon lift (core func $i "own-blob"))))
