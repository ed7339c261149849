//! The engine features of a function body: its locals' types and its instructions, read with
//! wasmparser's operator reader (no validation: the browser does that).

use super::Uses;
use crate::error::Result;
use wasmparser::{FunctionBody, HeapType, ValType, VisitOperator, VisitSimdOperator};

pub(super) fn read_body(body: &FunctionBody, uses: &mut Uses) -> Result<()> {
    for local in body.get_locals_reader()? {
        uses.val_type(local?.1);
    }
    let mut reader = body.get_operators_reader()?;
    let mut visitor = Instructions(uses);
    while !reader.eof() {
        reader.visit_operator(&mut visitor)?;
    }
    Ok(())
}

/// Records the proposal of each instruction it is shown.
struct Instructions<'u>(&'u mut Uses);

/// One `visit_*` method per instruction: the proposals that matter record a use, the rest do nothing.
macro_rules! visit_instructions {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $( visit_instructions!(one @$proposal $visit $({ $($arg: $argty),* })?); )*
    };
    (one @$proposal:ident visit_throw { $($arg:ident: $argty:ty),* }) => {
        fn visit_throw(&mut self, $(_: $argty),*) { self.0.tags = true }
    };
    (one @$proposal:ident visit_return_call_ref { $($arg:ident: $argty:ty),* }) => {
        fn visit_return_call_ref(&mut self, $(_: $argty),*) { self.0.gc = true; self.0.tail_call = true }
    };
    (one @$proposal:ident visit_ref_null { $($arg:ident: $argty:ty),* }) => {
        fn visit_ref_null(&mut self, ty: HeapType) { self.0.heap_type(true, ty) }
    };
    (one @$proposal:ident visit_typed_select { $($arg:ident: $argty:ty),* }) => {
        fn visit_typed_select(&mut self, ty: ValType) { self.0.val_type(ty) }
    };
    (one @$proposal:ident visit_typed_select_multi { $($arg:ident: $argty:ty),* }) => {
        fn visit_typed_select_multi(&mut self, tys: Vec<ValType>) { tys.into_iter().for_each(|ty| self.0.val_type(ty)) }
    };
    (one @$proposal:ident $visit:ident $({ $($arg:ident: $argty:ty),* })?) => {
        fn $visit(&mut self $($(, _: $argty)*)?) { visit_instructions!(record @$proposal self); }
    };
    (record @gc $self:ident) => { $self.0.gc = true };
    (record @function_references $self:ident) => { $self.0.gc = true };
    (record @exceptions $self:ident) => { $self.0.exceptions = true };
    (record @legacy_exceptions $self:ident) => { $self.0.legacy_exceptions = true };
    (record @tail_call $self:ident) => { $self.0.tail_call = true };
    (record @$proposal:ident $self:ident) => {};
}

impl<'a> VisitOperator<'a> for Instructions<'_> {
    type Output = ();

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = ()>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(visit_instructions);
}

/// SIMD is not among the plan's features (every engine with the five above has it): its
/// instructions are read only to get past them.
impl<'a> VisitSimdOperator<'a> for Instructions<'_> {
    wasmparser::for_each_visit_simd_operator!(visit_instructions);
}
