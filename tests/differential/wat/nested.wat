;; Deeply nested types. Functions over a `list<T>` return the very memory the host lowered the
;; argument into, so the host's store of T is checked by its own load of T (and two hosts that
;; agree on the bytes agree on the value). `opt-depth` and `result-case` report what the guest
;; received, so a value both hosts echo identically but lower differently still shows.
(component
  (core module $m
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param $old i32) (param $old-size i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      (if (i32.and (i32.ne (local.get $old) (i32.const 0)) (i32.le_u (local.get $size) (local.get $old-size)))
        (then (return (local.get $old))))
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (global.set $bump (i32.add (local.get $p) (local.get $size)))
      (if (i32.gt_u (global.get $bump) (i32.shl (memory.size) (i32.const 16)))
        (then
          (if (i32.eq (memory.grow (i32.shr_u (i32.add (i32.sub (global.get $bump) (i32.shl (memory.size) (i32.const 16)))
                                                        (i32.const 65535))
                                               (i32.const 16)))
                      (i32.const -1))
            (then unreachable))))
      (if (local.get $old) (then (memory.copy (local.get $p) (local.get $old) (local.get $old-size))))
      (local.get $p))

    (func (export "echo-list") (param i32 i32) (result i32)
      (i32.store (i32.const 16) (local.get 0))
      (i32.store (i32.const 20) (local.get 1))
      (i32.const 16))

    ;; option<option<u8>> flat: (outer case, inner case, value). 0 = none, 1 = some(none),
    ;; 2 = some(some(_)).
    (func (export "opt-depth") (param $outer i32) (param $inner i32) (param i32) (result i32)
      (if (result i32) (local.get $outer)
        (then (i32.add (i32.const 1) (local.get $inner)))
        (else (i32.const 0))))
    ;; option<option<u8>> in memory: outer case @0, inner case @1, value @2.
    (func (export "echo-opt2") (param i32 i32 i32) (result i32)
      (i32.store8 (i32.const 16) (local.get 0))
      (i32.store8 (i32.const 17) (local.get 1))
      (i32.store8 (i32.const 18) (local.get 2))
      (i32.const 16))

    ;; result<option<string>, result<u8, option<u8>>> flat: (case, p1, p2, p3). In memory: case @0,
    ;; payload @4: ok = option<string> (case @4, string @8), err = result<u8, option<u8>> (case @4,
    ;; then u8 @5, or option<u8> case @5, value @6).
    (func (export "echo-result-nest") (param $case i32) (param $p1 i32) (param $p2 i32) (param $p3 i32) (result i32)
      (i32.store8 (i32.const 16) (local.get $case))
      (i32.store8 (i32.const 20) (local.get $p1))
      (if (i32.eqz (local.get $case))
        (then
          (i32.store (i32.const 24) (local.get $p2))
          (i32.store (i32.const 28) (local.get $p3)))
        (else
          (i32.store8 (i32.const 21) (local.get $p2))
          (i32.store8 (i32.const 22) (local.get $p3))))
      (i32.const 16))
    ;; The same flat values, summarized as case * 100 + p1 * 10 + (p2 when err): what the guest got.
    (func (export "result-case") (param $case i32) (param $p1 i32) (param $p2 i32) (param i32) (result i32)
      (i32.add (i32.add (i32.mul (local.get $case) (i32.const 100)) (i32.mul (local.get $p1) (i32.const 10)))
               (i32.mul (local.get $case) (local.get $p2))))
  )
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))

  (type $inner' (record (field "x" u8) (field "y" u64)))
  (import "inner" (type $inner (eq $inner')))
  (type $choice' (variant (case "none") (case "num" f64) (case "text" string) (case "pair" (tuple u8 u64))))
  (import "choice" (type $choice (eq $choice')))
  (type $outer' (record (field "name" string) (field "tags" (list string)) (field "inner" (option $inner))
                        (field "pick" $choice)))
  (import "outer" (type $outer (eq $outer')))

  (func (export "echo-deep")
    (param "v" (list (option (result (tuple u8 string) (error (list u16))))))
    (result (list (option (result (tuple u8 string) (error (list u16))))))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (func (export "echo-opt3s") (param "v" (list (option (option (option u8))))) (result (list (option (option (option u8)))))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (func (export "echo-results")
    (param "v" (list (tuple (result) (result string) (result (error s8)) (option char))))
    (result (list (tuple (result) (result string) (result (error s8)) (option char))))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (func (export "echo-outers") (param "v" (list $outer)) (result (list $outer))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (func (export "echo-scalar-lists")
    (param "v" (list (tuple (list bool) (list s8) (list s16) (list s32) (list s64) (list u16) (list u64) (list f32) (list char))))
    (result (list (tuple (list bool) (list s8) (list s16) (list s32) (list s64) (list u16) (list u64) (list f32) (list char))))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (func (export "echo-string-lists") (param "v" (list (list string))) (result (list (list string)))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (func (export "opt-depth") (param "v" (option (option u8))) (result u8)
    (canon lift (core func $i "opt-depth")))
  (func (export "echo-opt2") (param "v" (option (option u8))) (result (option (option u8)))
    (canon lift (core func $i "echo-opt2") (memory $mem)))
  (func (export "echo-result-nest")
    (param "v" (result (option string) (error (result u8 (error (option u8))))))
    (result (result (option string) (error (result u8 (error (option u8))))))
    (canon lift (core func $i "echo-result-nest") (memory $mem) (realloc $realloc)))
  (func (export "result-case") (param "v" (result (option string) (error (result u8 (error (option u8)))))) (result u32)
    (canon lift (core func $i "result-case") (memory $mem) (realloc $realloc)))
)
