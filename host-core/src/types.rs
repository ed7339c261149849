//! host-core's own model of component value types: an interning arena whose entries carry their
//! canonical-ABI layout, so the JS glue never computes a size, an alignment or a flattening.

use crate::abi::layout;
use std::collections::HashMap;

/// Index into [`TypeArena`] (and into `plan.types` in JS).
pub type TypeId = u32;
/// Index into the plan's resource list.
pub type ResourceId = u32;

/// A core wasm value type, as the flattened canonical ABI uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoreType {
    I32,
    I64,
    F32,
    F64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub js_name: String,
    pub ty: TypeId,
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Element {
    pub ty: TypeId,
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Case {
    pub name: String,
    pub ty: Option<TypeId>,
}

/// A value type. Offsets and discriminant sizes are filled in by [`TypeArena::intern`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    List { element: TypeId },
    // `list<T, N>`: exactly `length` elements, stored inline and flattened as `length` copies of `T`.
    FixedList { element: TypeId, length: u32 },
    // `map<K, V>`: laid out and lowered as `list<tuple<K, V>>`; `entry` is that tuple.
    Map { key: TypeId, value: TypeId, entry: TypeId },
    Record { fields: Vec<Field> },
    Tuple { elements: Vec<Element> },
    Variant { cases: Vec<Case>, discriminant_size: u32, payload_offset: u32 },
    Enum { names: Vec<String>, discriminant_size: u32 },
    Option { ty: TypeId, payload_offset: u32 },
    Result { ok: Option<TypeId>, err: Option<TypeId>, payload_offset: u32 },
    Flags { names: Vec<String>, js_names: Vec<String> },
    Own { resource: ResourceId },
    Borrow { resource: ResourceId },
}

/// A type with its layout: what the JS glue reads.
#[derive(Debug, Clone)]
pub struct TypeDef {
    pub kind: TypeKind,
    /// The WIT name of a record, variant, enum or flags type that an instance type or a component
    /// exports under a name (`point`); `None` for a structural type. Only declarations use it.
    pub name: Option<String>,
    pub size: u32,
    pub align: u32,
    pub flat: Vec<CoreType>,
}

/// Every value type of a plan, each structurally distinct type once (per name, for named types).
#[derive(Debug, Default)]
pub struct TypeArena {
    defs: Vec<TypeDef>,
    ids: HashMap<(TypeKind, Option<String>), TypeId>,
}

impl TypeArena {
    /// Adds `kind` (or finds it), computing offsets, size, alignment and flattening.
    pub fn intern(&mut self, kind: TypeKind) -> TypeId {
        let kind = layout::place(kind, self);
        if let Some(&id) = self.ids.get(&(kind.clone(), None)) {
            return id;
        }
        let (size, align) = (layout::elem_size(&kind, self), layout::alignment(&kind, self));
        let flat = layout::flatten(&kind, self);
        self.push(TypeDef { kind, name: None, size, align, flat })
    }

    /// Type `id` under the WIT name `name`, for a record, variant, enum or flags type exported
    /// with a name; any other type is returned as it is. The layout is that of `id`.
    pub fn named(&mut self, id: TypeId, name: &str) -> TypeId {
        let def = self.get(id);
        let nameable = matches!(
            def.kind,
            TypeKind::Record { .. } | TypeKind::Variant { .. } | TypeKind::Enum { .. } | TypeKind::Flags { .. }
        );
        if !nameable || def.name.as_deref() == Some(name) {
            return id;
        }
        if let Some(&named) = self.ids.get(&(def.kind.clone(), Some(name.to_string()))) {
            return named;
        }
        let def = TypeDef { name: Some(name.to_string()), ..def.clone() };
        self.push(def)
    }

    fn push(&mut self, def: TypeDef) -> TypeId {
        let id = self.defs.len() as TypeId;
        self.ids.insert((def.kind.clone(), def.name.clone()), id);
        self.defs.push(def);
        id
    }

    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.defs[id as usize]
    }

    pub fn into_defs(self) -> Vec<TypeDef> {
        self.defs
    }
}
