//! host-core's own model of component value types: an interning arena of their structure. The
//! arena is generic over the layout it keeps with each type, so that layout rules (the canonical
//! ABI's, for a plan) depend on the structure, never the reverse.

use crate::error::{Error, Result};
use crate::ids::{ResourceId, TypeId};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub js_name: String,
    pub ty: TypeId,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Case {
    pub name: String,
    pub ty: Option<TypeId>,
}

/// A value type's structure.
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
    Tuple { elements: Vec<TypeId> },
    Variant { cases: Vec<Case> },
    Enum { names: Vec<String> },
    Option { ty: TypeId },
    Result { ok: Option<TypeId>, err: Option<TypeId> },
    Flags { names: Vec<String>, js_names: Vec<String> },
    Own { resource: ResourceId },
    Borrow { resource: ResourceId },
    // `stream<T>` and `future<T>` (component-model async): a handle to the readable end; `element`
    // is none for `stream` and `future` without a payload.
    Stream { element: Option<TypeId> },
    Future { element: Option<TypeId> },
    ErrorContext,
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
            List { element } | Option { ty: element } | FixedList { element, .. } => {
                Box::new(std::iter::once(*element))
            }
            // The entry tuple holds the key and the value: a map's one member, as it is lowered.
            Map { entry, .. } => Box::new(std::iter::once(*entry)),
            Record { fields } => Box::new(fields.iter().map(|f| f.ty)),
            Tuple { elements } => Box::new(elements.iter().copied()),
            Variant { cases } => Box::new(cases.iter().filter_map(|c| c.ty)),
            Result { ok, err } => Box::new(ok.iter().chain(err).copied()),
            Stream { element } | Future { element } => Box::new(element.iter().copied()),
            _ => Box::new(std::iter::empty()),
        }
    }
}

/// How an arena lays out each type: once, when the type is first interned, from its structure and
/// the layouts of its members (interned before it), so laying out is linear however types nest.
pub trait TypeLayout: Clone {
    fn of(kind: &TypeKind, arena: &TypeArena<Self>) -> Self;
}

/// A type with its layout: what the JS glue reads.
#[derive(Debug, Clone)]
pub struct TypeDef<L> {
    pub kind: TypeKind,
    /// The WIT name of a record, variant, enum or flags type that an instance type or a component
    /// exports under a name (`point`); `None` for a structural type. Only declarations use it.
    pub name: Option<String>,
    /// A named type's is that of its unnamed type: a name changes no layout.
    pub layout: L,
    /// Never serialised: kept to check the limits of every type that holds this one.
    pub extent: Extent,
}

/// Every value type of a plan, each structurally distinct type once (per name, for named types).
#[derive(Debug)]
pub struct TypeArena<L> {
    defs: Vec<TypeDef<L>>,
    ids: HashMap<(TypeKind, Option<String>), TypeId>,
}

impl<L> Default for TypeArena<L> {
    fn default() -> Self {
        TypeArena { defs: Vec::new(), ids: HashMap::new() }
    }
}

impl<L: TypeLayout> TypeArena<L> {
    /// Adds `kind` (or finds it), after checking wasmparser's limits on its size and depth.
    pub fn intern(&mut self, kind: TypeKind, offset: usize) -> Result<TypeId> {
        let extent = Extent::of(kind.members().map(|t| self.get(t).extent), offset)?;
        if let Some(&id) = self.ids.get(&(kind.clone(), None)) {
            return Ok(id);
        }
        let layout = L::of(&kind, self);
        Ok(self.push(TypeDef { kind, name: None, layout, extent }))
    }

    /// Type `id` under the WIT name `name`, for a record, variant, enum or flags type exported
    /// with a name; any other type is returned as it is.
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

    fn push(&mut self, def: TypeDef<L>) -> TypeId {
        let id = TypeId::at(self.defs.len());
        self.ids.insert((def.kind.clone(), def.name.clone()), id);
        self.defs.push(def);
        id
    }

    pub fn get(&self, id: TypeId) -> &TypeDef<L> {
        &self.defs[id.index()]
    }

    pub fn into_defs(self) -> Vec<TypeDef<L>> {
        self.defs
    }
}
