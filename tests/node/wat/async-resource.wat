;; An async method of a resource the component defines, written from CanonicalABI.md for
;; tests/node/async-builtins.test.mjs: its `self` is a borrow of the component's own resource, which
;; reaches the guest as the bare rep (no handle to drop), so the task may return without one.
(component
  (type $counter' (resource (rep i32)))
  (export $counter "counter" (type $counter'))
  (core func $new (canon resource.new $counter'))
  (core func $return-u32 (canon task.return (result u32)))
  (core module $m
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "return-u32" (func $return-u32 (param i32)))
    (func (export "ctor") (param i32) (result i32) (call $new (local.get 0)))
    ;; get(self): the rep, plus 1.
    (func (export "get") (param $rep i32) (result i32)
      (call $return-u32 (i32.add (local.get $rep) (i32.const 1)))
      (i32.const 0))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance (export "new" (func $new)) (export "return-u32" (func $return-u32))))))
  (func (export "[constructor]counter") (param "start" u32) (result (own $counter)) (canon lift (core func $m "ctor")))
  (func (export "[method]counter.get") async (param "self" (borrow $counter)) (result u32)
    (canon lift (core func $m "get") async (callback (core func $m "cb")))))
