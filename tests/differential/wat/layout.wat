;; Layouts a Rust guest rarely produces: a record of u8/u64/u16 in awkward order, a variant and an
;; enum of 257 cases (a 2-byte discriminant), flags of exactly 32 and of 9 members (a 4- and a
;; 2-byte bit vector), more than 16 flat parameters that come back as the result tuple, and several
;; return values through the return area (a tuple result); and invalid core values a guest may
;; hand back.
;;
;; Functions over a `list<T>`, and `spill`, return the very memory the host lowered the argument
;; into, so the host's store of T is checked by its own load of T. Functions taking flat values
;; store them into the return area at 16 as the canonical ABI lays the result out.
;;
;; The named types are imported with `eq` bounds, as wit-component encodes a world's own types.
;; The long case lists were written by a one-line loop; every other line is by hand.
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

    ;; (ptr, len) of a list -> the return area holding the same (ptr, len).
    (func (export "echo-list") (param i32 i32) (result i32)
      (i32.store (i32.const 16) (local.get 0))
      (i32.store (i32.const 20) (local.get 1))
      (i32.const 16))
    ;; One flat i32 (an enum, flags, a u32) straight back.
    (func (export "identity") (param i32) (result i32) (local.get 0))
    ;; The parameter block of `spill` has the result tuple's layout: hand it back.
    (func (export "spill") (param i32) (result i32) (local.get 0))

    ;; awkward {a: u8 @0, b: u64 @8, c: u16 @16}: size 24, align 8.
    (func (export "echo-awkward") (param $a i32) (param $b i64) (param $c i32) (result i32)
      (i32.store8 (i32.const 16) (local.get $a))
      (i64.store (i32.const 24) (local.get $b))
      (i32.store16 (i32.const 32) (local.get $c))
      (i32.const 16))

    ;; big: discriminant u16 @0, payload @8 (align 8), size 16. Flat: (i32 case, i64 joined payload,
    ;; i32 second payload word, only c3's string length). Storing the i64 writes every payload in
    ;; its little-endian low bytes: u8, f32 bits, u64, the string's pointer, f64 bits, s16.
    (func (export "echo-big") (param $case i32) (param $p i64) (param $q i32) (result i32)
      (i32.store16 (i32.const 16) (local.get $case))
      (i64.store (i32.const 24) (local.get $p))
      (if (i32.eq (local.get $case) (i32.const 3))
        (then (i32.store (i32.const 28) (local.get $q))))
      (i32.const 16))
    (func (export "big-case") (param $case i32) (param i64) (param i32) (result i32) (local.get $case))

    ;; Core values a guest may hand back. Integers narrower than 32 bits keep only their low bits
    ;; and any non-zero bool is true (lift_flat_unsigned / lift_flat_signed / convert_int_to_bool);
    ;; a surrogate or out-of-range char, a discriminant past the last case, invalid UTF-8 and a
    ;; misaligned list trap.
    (func (export "wide-u8") (result i32) (i32.const 0x1ff))
    (func (export "wide-s8") (result i32) (i32.const 0x180))
    (func (export "wide-u16") (result i32) (i32.const 0x12345))
    (func (export "bool-two") (result i32) (i32.const 2))
    (func (export "surrogate-char") (result i32) (i32.const 0xd800))
    (func (export "char-past-max") (result i32) (i32.const 0x110000))
    (func (export "enum-past-end") (result i32) (i32.const 257))
    (func (export "big-past-end") (result i32)
      (i32.store16 (i32.const 16) (i32.const 257))
      (i32.const 16))
    (func (export "misaligned-list") (result i32)
      (i32.store (i32.const 16) (i32.const 258))
      (i32.store (i32.const 20) (i32.const 1))
      (i32.const 16))
    (data (i32.const 256) "a\ffb")
    (func (export "invalid-utf8") (result i32)
      (i32.store (i32.const 16) (i32.const 256))
      (i32.store (i32.const 20) (i32.const 3))
      (i32.const 16))

    ;; multi(a: u8, b: string, c: f64) -> tuple<string @0, f64 @8, u8 @16, option<u64> @24 (payload @32)>:
    ;; size 40, align 8; the option is some(a).
    (func (export "multi") (param $a i32) (param $ptr i32) (param $len i32) (param $c f64) (result i32)
      (i32.store (i32.const 16) (local.get $ptr))
      (i32.store (i32.const 20) (local.get $len))
      (f64.store (i32.const 24) (local.get $c))
      (i32.store8 (i32.const 32) (local.get $a))
      (i32.store8 (i32.const 40) (i32.const 1))
      (i64.store (i32.const 48) (i64.extend_i32_u (local.get $a)))
      (i32.const 16))
  )
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))

  (type $awkward' (record (field "a" u8) (field "b" u64) (field "c" u16)))
  (import "awkward" (type $awkward (eq $awkward')))
  (type $big' (variant
      (case "c0" u8) (case "c1" f32) (case "c2" u64) (case "c3" string) (case "c4" f64) (case "c5") (case "c6") (case "c7")
      (case "c8") (case "c9") (case "c10") (case "c11") (case "c12") (case "c13") (case "c14") (case "c15")
      (case "c16") (case "c17") (case "c18") (case "c19") (case "c20") (case "c21") (case "c22") (case "c23")
      (case "c24") (case "c25") (case "c26") (case "c27") (case "c28") (case "c29") (case "c30") (case "c31")
      (case "c32") (case "c33") (case "c34") (case "c35") (case "c36") (case "c37") (case "c38") (case "c39")
      (case "c40") (case "c41") (case "c42") (case "c43") (case "c44") (case "c45") (case "c46") (case "c47")
      (case "c48") (case "c49") (case "c50") (case "c51") (case "c52") (case "c53") (case "c54") (case "c55")
      (case "c56") (case "c57") (case "c58") (case "c59") (case "c60") (case "c61") (case "c62") (case "c63")
      (case "c64") (case "c65") (case "c66") (case "c67") (case "c68") (case "c69") (case "c70") (case "c71")
      (case "c72") (case "c73") (case "c74") (case "c75") (case "c76") (case "c77") (case "c78") (case "c79")
      (case "c80") (case "c81") (case "c82") (case "c83") (case "c84") (case "c85") (case "c86") (case "c87")
      (case "c88") (case "c89") (case "c90") (case "c91") (case "c92") (case "c93") (case "c94") (case "c95")
      (case "c96") (case "c97") (case "c98") (case "c99") (case "c100") (case "c101") (case "c102") (case "c103")
      (case "c104") (case "c105") (case "c106") (case "c107") (case "c108") (case "c109") (case "c110") (case "c111")
      (case "c112") (case "c113") (case "c114") (case "c115") (case "c116") (case "c117") (case "c118") (case "c119")
      (case "c120") (case "c121") (case "c122") (case "c123") (case "c124") (case "c125") (case "c126") (case "c127")
      (case "c128") (case "c129") (case "c130") (case "c131") (case "c132") (case "c133") (case "c134") (case "c135")
      (case "c136") (case "c137") (case "c138") (case "c139") (case "c140") (case "c141") (case "c142") (case "c143")
      (case "c144") (case "c145") (case "c146") (case "c147") (case "c148") (case "c149") (case "c150") (case "c151")
      (case "c152") (case "c153") (case "c154") (case "c155") (case "c156") (case "c157") (case "c158") (case "c159")
      (case "c160") (case "c161") (case "c162") (case "c163") (case "c164") (case "c165") (case "c166") (case "c167")
      (case "c168") (case "c169") (case "c170") (case "c171") (case "c172") (case "c173") (case "c174") (case "c175")
      (case "c176") (case "c177") (case "c178") (case "c179") (case "c180") (case "c181") (case "c182") (case "c183")
      (case "c184") (case "c185") (case "c186") (case "c187") (case "c188") (case "c189") (case "c190") (case "c191")
      (case "c192") (case "c193") (case "c194") (case "c195") (case "c196") (case "c197") (case "c198") (case "c199")
      (case "c200") (case "c201") (case "c202") (case "c203") (case "c204") (case "c205") (case "c206") (case "c207")
      (case "c208") (case "c209") (case "c210") (case "c211") (case "c212") (case "c213") (case "c214") (case "c215")
      (case "c216") (case "c217") (case "c218") (case "c219") (case "c220") (case "c221") (case "c222") (case "c223")
      (case "c224") (case "c225") (case "c226") (case "c227") (case "c228") (case "c229") (case "c230") (case "c231")
      (case "c232") (case "c233") (case "c234") (case "c235") (case "c236") (case "c237") (case "c238") (case "c239")
      (case "c240") (case "c241") (case "c242") (case "c243") (case "c244") (case "c245") (case "c246") (case "c247")
      (case "c248") (case "c249") (case "c250") (case "c251") (case "c252") (case "c253") (case "c254") (case "c255")
      (case "c256" s16)
  ))
  (import "big" (type $big (eq $big')))
  (type $e257' (enum
      "e0" "e1" "e2" "e3" "e4" "e5" "e6" "e7" "e8" "e9" "e10" "e11" "e12" "e13" "e14" "e15"
      "e16" "e17" "e18" "e19" "e20" "e21" "e22" "e23" "e24" "e25" "e26" "e27" "e28" "e29" "e30" "e31"
      "e32" "e33" "e34" "e35" "e36" "e37" "e38" "e39" "e40" "e41" "e42" "e43" "e44" "e45" "e46" "e47"
      "e48" "e49" "e50" "e51" "e52" "e53" "e54" "e55" "e56" "e57" "e58" "e59" "e60" "e61" "e62" "e63"
      "e64" "e65" "e66" "e67" "e68" "e69" "e70" "e71" "e72" "e73" "e74" "e75" "e76" "e77" "e78" "e79"
      "e80" "e81" "e82" "e83" "e84" "e85" "e86" "e87" "e88" "e89" "e90" "e91" "e92" "e93" "e94" "e95"
      "e96" "e97" "e98" "e99" "e100" "e101" "e102" "e103" "e104" "e105" "e106" "e107" "e108" "e109" "e110" "e111"
      "e112" "e113" "e114" "e115" "e116" "e117" "e118" "e119" "e120" "e121" "e122" "e123" "e124" "e125" "e126" "e127"
      "e128" "e129" "e130" "e131" "e132" "e133" "e134" "e135" "e136" "e137" "e138" "e139" "e140" "e141" "e142" "e143"
      "e144" "e145" "e146" "e147" "e148" "e149" "e150" "e151" "e152" "e153" "e154" "e155" "e156" "e157" "e158" "e159"
      "e160" "e161" "e162" "e163" "e164" "e165" "e166" "e167" "e168" "e169" "e170" "e171" "e172" "e173" "e174" "e175"
      "e176" "e177" "e178" "e179" "e180" "e181" "e182" "e183" "e184" "e185" "e186" "e187" "e188" "e189" "e190" "e191"
      "e192" "e193" "e194" "e195" "e196" "e197" "e198" "e199" "e200" "e201" "e202" "e203" "e204" "e205" "e206" "e207"
      "e208" "e209" "e210" "e211" "e212" "e213" "e214" "e215" "e216" "e217" "e218" "e219" "e220" "e221" "e222" "e223"
      "e224" "e225" "e226" "e227" "e228" "e229" "e230" "e231" "e232" "e233" "e234" "e235" "e236" "e237" "e238" "e239"
      "e240" "e241" "e242" "e243" "e244" "e245" "e246" "e247" "e248" "e249" "e250" "e251" "e252" "e253" "e254" "e255"
      "e256"
  ))
  (import "e257" (type $e257 (eq $e257')))
  (type $flags32' (flags
      "f0" "f1" "f2" "f3" "f4" "f5" "f6" "f7" "f8" "f9" "f10" "f11" "f12" "f13" "f14" "f15"
      "f16" "f17" "f18" "f19" "f20" "f21" "f22" "f23" "f24" "f25" "f26" "f27" "f28" "f29" "f30" "f31"
  ))
  (import "flags32" (type $flags32 (eq $flags32')))
  (type $flags9' (flags "g0" "g1" "g2" "g3" "g4" "g5" "g6" "g7" "g8"))
  (import "flags9" (type $flags9 (eq $flags9')))

  (func (export "echo-awkward") (param "v" $awkward) (result $awkward)
    (canon lift (core func $i "echo-awkward") (memory $mem) (realloc $realloc)))
  (func (export "echo-awkwards") (param "v" (list $awkward)) (result (list $awkward))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))

  (func (export "echo-big") (param "v" $big) (result $big)
    (canon lift (core func $i "echo-big") (memory $mem) (realloc $realloc)))
  (func (export "big-case") (param "v" $big) (result u32)
    (canon lift (core func $i "big-case") (memory $mem) (realloc $realloc)))
  (func (export "echo-bigs") (param "v" (list $big)) (result (list $big))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))

  (func (export "echo-e257") (param "v" $e257) (result $e257) (canon lift (core func $i "identity")))
  (func (export "e257-index") (param "v" $e257) (result u32) (canon lift (core func $i "identity")))
  (func (export "echo-e257s") (param "v" (list $e257)) (result (list $e257))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))

  (func (export "echo-flags32") (param "v" $flags32) (result $flags32) (canon lift (core func $i "identity")))
  (func (export "flags32-bits") (param "v" $flags32) (result u32) (canon lift (core func $i "identity")))
  (func (export "flags32-from-bits") (param "bits" u32) (result $flags32) (canon lift (core func $i "identity")))
  (func (export "echo-flags32s") (param "v" (list $flags32)) (result (list $flags32))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (func (export "echo-flags9s") (param "v" (list $flags9)) (result (list $flags9))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))

  (func (export "wide-u8") (result u8) (canon lift (core func $i "wide-u8")))
  (func (export "wide-s8") (result s8) (canon lift (core func $i "wide-s8")))
  (func (export "wide-u16") (result u16) (canon lift (core func $i "wide-u16")))
  (func (export "bool-two") (result bool) (canon lift (core func $i "bool-two")))
  (func (export "surrogate-char") (result char) (canon lift (core func $i "surrogate-char")))
  (func (export "char-past-max") (result char) (canon lift (core func $i "char-past-max")))
  (func (export "enum-past-end") (result $e257) (canon lift (core func $i "enum-past-end")))
  (func (export "big-past-end") (result $big) (canon lift (core func $i "big-past-end") (memory $mem)))
  (func (export "misaligned-list") (result (list u32)) (canon lift (core func $i "misaligned-list") (memory $mem)))
  (func (export "invalid-utf8") (result string) (canon lift (core func $i "invalid-utf8") (memory $mem)))

  (func (export "spill")
    (param "a" u8) (param "b" u64) (param "c" string) (param "d" f32) (param "e" s16) (param "f" f64)
    (param "g" char) (param "h" bool) (param "i" (list u8)) (param "j" (option u32)) (param "k" s8)
    (param "l" u32) (param "m" u16) (param "n" s64)
    (result (tuple u8 u64 string f32 s16 f64 char bool (list u8) (option u32) s8 u32 u16 s64))
    (canon lift (core func $i "spill") (memory $mem) (realloc $realloc)))
  (func (export "multi") (param "a" u8) (param "b" string) (param "c" f64) (result (tuple string f64 u8 (option u64)))
    (canon lift (core func $i "multi") (memory $mem) (realloc $realloc)))
)
