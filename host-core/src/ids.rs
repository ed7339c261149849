//! Typed indices into the plan's index spaces, so that a type index is never passed where a core
//! function or a component instance is meant. Each serialises as the bare number.

use crate::json::ToJson;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The id of the entry at `position` of its space (the next one, for its length).
            pub fn at(position: usize) -> Self {
                $name(position as u32)
            }

            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl ToJson for $name {
            fn write_json(&self, out: &mut String) {
                self.0.write_json(out);
            }
        }
    )*};
}

ids! {
    /// A value type: index into `plan.types` (the [`TypeArena`](crate::types::TypeArena)).
    TypeId;
    /// Index into `plan.resources`.
    ResourceId;
    /// Index into `plan.imports`.
    ImportId;
    /// Index into `plan.modules`.
    ModuleId;
    /// Index into the plan's core function space, which the steps fill.
    CoreFuncId;
    /// Index into the plan's core instance space, which `instantiate` and `bundle` steps fill.
    CoreInstanceId;
    /// A component instance: 0 for the root, then one per nested component instantiation, in
    /// binary order. Each has its own handle tables.
    ComponentInstanceId;
}
