//! WIT names of value types in the plan (`TypeDef::name`), as wit-component lays a component out: an
//! imported instance type exports `point`; the shim component that wraps an exported interface
//! re-exports `point` and `shape` and ascribes its function a type that refers to them. Only
//! `component.types()` reads the names; the layout is that of the unnamed type.

use host_core::abi::layout::Layout;
use host_core::plan::Export;
use host_core::types::{TypeDef, TypeKind};
use host_core::Plan;

const COMPONENT: &str = r#"
(component
  (type $host-ty (instance
    (type (record (field "x" s32) (field "label" string)))
    (export "point" (type (eq 0)))
    (type (func (param "p" 1) (result 1)))
    (export "echo" (func (type 2)))))
  (import "example:n/host@0.1.0" (instance $host (type $host-ty)))
  (alias export $host "point" (type $point))
  (type $shape (variant (case "circle" f32) (case "at" $point)))
  (core module $m
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 0)
    (func (export "area") (param i32 i32 i32 i32) (result f32) f32.const 0))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))
  (func $area (param "s" $shape) (result f32)
    (canon lift (core func $i "area") (memory $mem) (realloc $realloc)))
  (component $shim
    (type (record (field "x" s32) (field "label" string)))
    (import "import-type-point" (type (eq 0)))
    (type (variant (case "circle" f32) (case "at" 1)))
    (import "import-type-shape" (type (eq 2)))
    (type (func (param "s" 3) (result f32)))
    (import "import-func-area" (func (type 4)))
    (export "point" (type 1))
    (type (variant (case "circle" f32) (case "at" 5)))
    (export "shape" (type 6))
    (type (func (param "s" 7) (result f32)))
    (export "area" (func 0) (func (type 8))))
  (instance $api (instantiate $shim
    (with "import-type-point" (type $point))
    (with "import-type-shape" (type $shape))
    (with "import-func-area" (func $area))))
  (export "example:n/api@0.1.0" (instance $api)))
"#;

fn planned(validate: bool) -> Plan {
    host_core::plan(&wat::parse_str(COMPONENT).unwrap(), validate).unwrap()
}

fn area_param(plan: &Plan) -> &TypeDef<Layout> {
    let [Export::Instance { exports, .. }] = plan.exports.as_slice() else { panic!("one instance export") };
    let [Export::Func { sig: func, .. }] = exports.as_slice() else { panic!("one function") };
    plan.type_def(func.params[0].ty)
}

#[test]
fn exported_functions_refer_to_named_types() {
    for validate in [true, false] {
        let plan = planned(validate);
        let shape = area_param(&plan);
        assert_eq!(shape.name.as_deref(), Some("shape"));
        let TypeKind::Variant { cases, .. } = &shape.kind else { panic!("a variant: {shape:?}") };
        let point = plan.type_def(cases[1].ty.unwrap());
        assert_eq!(point.name.as_deref(), Some("point"));
        assert!(matches!(point.kind, TypeKind::Record { .. }));
    }
}

#[test]
fn names_change_no_layout() {
    let plan = planned(true);
    let shape = area_param(&plan);
    let unnamed = plan
        .types
        .iter()
        .find(|t| t.name.is_none() && matches!(t.kind, TypeKind::Variant { .. }))
        .expect("the outer component's own `shape`, without a name");
    assert_eq!(shape.layout, unnamed.layout);
    let names: Vec<_> = plan.types.iter().filter_map(|t| t.name.as_deref()).collect();
    assert_eq!(names, ["point", "shape"], "each name once: the shim's `point` is the host's");
}
