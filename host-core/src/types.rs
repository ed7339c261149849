//! host-core's own model of component value types: an interning arena whose entries carry their
//! canonical-ABI layout, so the JS glue never computes a size, an alignment or a flattening.

use crate::abi::layout::{self, CoreType};
use crate::error::{Error, Result};
use crate::ids::{ResourceId, TypeId};
use std::collections::HashMap;

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

/// wasmparser's `MAX_WASM_TYPE_SIZE`: a type may hold at most this many type nodes, counted as if
/// every reference were written out. Planning without the validator refuses what it refuses.
pub const MAX_TYPE_SIZE: u32 = 1_000_000;
/// wasmparser's `MAX_WASM_COMPONENT_TYPE_DEPTH` (and Wasmtime's `MAX_TYPE_DEPTH`): how deep types nest.
pub const MAX_TYPE_DEPTH: u32 = 100;

/// A type's size and depth as wasmparser counts them, to apply its limits without the validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    pub size: u32,
    pub depth: u32,
}

impl Extent {
    /// A type node without children: a primitive, an enum, flags, a handle.
    pub const LEAF: Extent = Extent { size: 1, depth: 1 };

    /// The extent of a node holding `children`, or the error wasmparser gives when it breaks a limit.
    pub fn of(children: impl IntoIterator<Item = Extent>, offset: usize) -> Result<Extent> {
        let mut out = Extent::LEAF;
        for child in children {
            out.depth = out.depth.max(child.depth + 1);
            if out.depth > MAX_TYPE_DEPTH {
                return Err(Error::invalid("type nesting is too deep", offset));
            }
            out.size = out.size.saturating_add(child.size);
            if out.size >= MAX_TYPE_SIZE {
                return Err(Error::invalid(
                    format!("effective type size exceeds the limit of {MAX_TYPE_SIZE}"),
                    offset,
                ));
            }
        }
        Ok(out)
    }
}

impl TypeKind {
    /// The types this one holds, in order.
    pub fn members(&self) -> Box<dyn Iterator<Item = TypeId> + '_> {
        use TypeKind::*;
        match self {
            List { element } | Option { ty: element, .. } | FixedList { element, .. } => {
                Box::new(std::iter::once(*element))
            }
            // The entry tuple holds the key and the value: one member, as the layout sees it.
            Map { entry, .. } => Box::new(std::iter::once(*entry)),
            Record { fields } => Box::new(fields.iter().map(|f| f.ty)),
            Tuple { elements } => Box::new(elements.iter().map(|e| e.ty)),
            Variant { cases, .. } => Box::new(cases.iter().filter_map(|c| c.ty)),
            Result { ok, err, .. } => Box::new(ok.iter().chain(err).copied()),
            _ => Box::new(std::iter::empty()),
        }
    }
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
    /// The flattened core types, `None` when there are more than [`layout::MAX_FLAT`]: such a
    /// value always travels through memory, and keeping the list would grow with the type.
    pub flat: Option<Vec<CoreType>>,
    /// Never serialised: it bounds the arithmetic of the layout of every type that holds this one.
    pub extent: Extent,
}

/// Every value type of a plan, each structurally distinct type once (per name, for named types).
#[derive(Debug, Default)]
pub struct TypeArena {
    defs: Vec<TypeDef>,
    ids: HashMap<(TypeKind, Option<String>), TypeId>,
}

impl TypeArena {
    /// Adds `kind` (or finds it), computing offsets, size, alignment and flattening once per type
    /// from those of its members, after checking wasmparser's limits on its size and depth.
    pub fn intern(&mut self, kind: TypeKind, offset: usize) -> Result<TypeId> {
        let extent = Extent::of(kind.members().map(|t| self.get(t).extent), offset)?;
        let kind = layout::place(kind, self);
        if let Some(&id) = self.ids.get(&(kind.clone(), None)) {
            return Ok(id);
        }
        let (size, align) = (layout::elem_size(&kind, self), layout::alignment(&kind, self));
        let flat = layout::flatten(&kind, self);
        Ok(self.push(TypeDef { kind, name: None, size, align, flat, extent }))
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
        let id = TypeId::at(self.defs.len());
        self.ids.insert((def.kind.clone(), def.name.clone()), id);
        self.defs.push(def);
        id
    }

    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.defs[id.index()]
    }

    pub fn into_defs(self) -> Vec<TypeDef> {
        self.defs
    }
}
