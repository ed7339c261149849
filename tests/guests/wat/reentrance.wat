;; Calls between a parent component and its child, and the spec's `may_enter`: a component instance
;; with a call in progress cannot be entered again. The parent lends the child its lifted `back`, and
;; calls the child's `go` and `leaf` through a table (the only way for a parent to call a child that
;; imports a function of the parent's). `go(n)` calls `back(n)`; `back(n)` calls `go(n - 1)` while
;; n > 0; `leaf` calls nobody.
(component
  (core module $pm
    (type $ft (func (param i32) (result i32)))
    (table (export "children") 2 2 funcref)
    (func (export "back") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0))
        (then (i32.const 100))
        (else (i32.add (call_indirect (type $ft) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0)) (i32.const 1)))))
    (func (export "call-child") (param i32 i32) (result i32)
      (call_indirect (type $ft) (local.get 1) (local.get 0))))
  (core instance $p (instantiate $pm))
  (func $back (param "n" u32) (result u32) (canon lift (core func $p "back")))
  (component $child
    (import "back" (func $back (param "n" u32) (result u32)))
    (core func $back-lowered (canon lower (func $back)))
    (core module $cm
      (import "" "back" (func $back (param i32) (result i32)))
      (func (export "go") (param i32) (result i32) (i32.add (call $back (local.get 0)) (i32.const 1000)))
      (func (export "leaf") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))
    (core instance $c (instantiate $cm (with "" (instance (export "back" (func $back-lowered))))))
    (func (export "go") (param "n" u32) (result u32) (canon lift (core func $c "go")))
    (func (export "leaf") (param "n" u32) (result u32) (canon lift (core func $c "leaf"))))
  (instance $ci (instantiate $child (with "back" (func $back))))
  (core func $go-lowered (canon lower (func $ci "go")))
  (core func $leaf-lowered (canon lower (func $ci "leaf")))
  (core module $fill
    (import "" "children" (table 2 2 funcref))
    (import "" "go" (func $go (param i32) (result i32)))
    (import "" "leaf" (func $leaf (param i32) (result i32)))
    (elem (i32.const 0) func $go $leaf))
  (core instance
    (instantiate $fill
      (with ""
        (instance
          (export "children" (table $p "children"))
          (export "go" (func $go-lowered))
          (export "leaf" (func $leaf-lowered))))))
  (func $call-child (param "which" u32) (param "n" u32) (result u32) (canon lift (core func $p "call-child")))
  (export "call-child" (func $call-child))
  (export "back" (func $back))
  (export "go" (func $ci "go"))
  (export "leaf" (func $ci "leaf")))
