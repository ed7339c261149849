;; A resource the guest defines, with a destructor, exported as the class of an interface.
(component
  ;; The destructor and what it saw live in a module of their own: the resource type needs the
  ;; destructor before the module using resource.new can be instantiated.
  (core module $dtor
    (global $dropped (mut i32) (i32.const 0))
    (func (export "dtor") (param i32) (global.set $dropped (local.get 0)))
    (func (export "dropped") (result i32) (global.get $dropped)))
  (core instance $dtor (instantiate $dtor))
  (type $counter (resource (rep i32) (dtor (core func $dtor "dtor"))))
  (core func $new (canon resource.new $counter))
  (core func $rep (canon resource.rep $counter))
  (core func $drop (canon resource.drop $counter))
  (core module $m
    (import "r" "new" (func $new (param i32) (result i32)))
    (import "r" "rep" (func $rep (param i32) (result i32)))
    (import "r" "drop" (func $drop (param i32)))
    (func (export "ctor") (param i32) (result i32) (call $new (local.get 0)))
    (func (export "get") (param i32) (result i32) (local.get 0))
    (func (export "consume") (param i32) (call $drop (local.get 0)))
    ;; the rep of an own handle, which the guest keeps
    (func (export "rep-of") (param i32) (result i32) (call $rep (local.get 0))))
  (core instance $i (instantiate $m
    (with "r" (instance (export "new" (func $new)) (export "rep" (func $rep)) (export "drop" (func $drop))))))
  (func $ctor (param "start" u32) (result (own $counter)) (canon lift (core func $i "ctor")))
  (func $get (param "self" (borrow $counter)) (result u32) (canon lift (core func $i "get")))
  (func $dropped (result u32) (canon lift (core func $dtor "dropped")))
  (func $consume (param "c" (own $counter)) (canon lift (core func $i "consume")))
  (func $rep-of (param "c" (own $counter)) (result u32) (canon lift (core func $i "rep-of")))
  ;; The shape wit-component gives an exported interface: a nested component names the resource
  ;; and re-exports the functions under types that use that name.
  (component $shim
    (import "import-type-counter" (type $c (sub resource)))
    (import "import-constructor-counter" (func $ctor (param "start" u32) (result (own $c))))
    (import "import-method-counter-get" (func $get (param "self" (borrow $c)) (result u32)))
    (import "import-func-dropped" (func $dropped (result u32)))
    (import "import-func-consume" (func $consume (param "c" (own $c))))
    (import "import-func-rep-of" (func $rep-of (param "c" (own $c)) (result u32)))
    (export $ce "counter" (type $c))
    (export "[constructor]counter" (func $ctor) (func (param "start" u32) (result (own $ce))))
    (export "[method]counter.get" (func $get) (func (param "self" (borrow $ce)) (result u32)))
    (export "dropped" (func $dropped))
    (export "consume" (func $consume) (func (param "c" (own $ce))))
    (export "rep-of" (func $rep-of) (func (param "c" (own $ce)) (result u32))))
  (instance $api (instantiate $shim
    (with "import-type-counter" (type $counter))
    (with "import-constructor-counter" (func $ctor))
    (with "import-method-counter-get" (func $get))
    (with "import-func-dropped" (func $dropped))
    (with "import-func-consume" (func $consume))
    (with "import-func-rep-of" (func $rep-of))))
  (export "test:res/api" (instance $api)))
