//! Component type definitions (`ComponentDefinedType`, `ComponentFuncType`) turned into arena
//! types, against whichever type index space is in force: a component's or an instance type's.

use super::scope::{lookup, FuncType, InstanceType, TypeEntry};
use crate::abi::layout::Layout;
use crate::abi::signature::Param;
use crate::error::{Error, Result};
use crate::ids::{ResourceId, TypeId};
use crate::names::lower_camel;
use crate::types::{Case, Extent, Field, TypeArena, TypeKind};
use std::rc::Rc;
use wasmparser::{
    ComponentAlias, ComponentDefinedType, ComponentFuncType, ComponentOuterAliasKind, ComponentValType,
    InstanceTypeDeclaration, PrimitiveValType,
};

fn primitive(p: PrimitiveValType) -> TypeKind {
    use PrimitiveValType as P;
    match p {
        P::Bool => TypeKind::Bool,
        P::S8 => TypeKind::S8,
        P::U8 => TypeKind::U8,
        P::S16 => TypeKind::S16,
        P::U16 => TypeKind::U16,
        P::S32 => TypeKind::S32,
        P::U32 => TypeKind::U32,
        P::S64 => TypeKind::S64,
        P::U64 => TypeKind::U64,
        P::F32 => TypeKind::F32,
        P::F64 => TypeKind::F64,
        P::Char => TypeKind::Char,
        P::String => TypeKind::String,
        P::ErrorContext => TypeKind::ErrorContext,
    }
}

pub fn value_type(
    arena: &mut TypeArena<Layout>,
    types: &[TypeEntry],
    ty: ComponentValType,
    offset: usize,
) -> Result<TypeId> {
    match ty {
        ComponentValType::Primitive(p) => arena.intern(primitive(p), offset),
        ComponentValType::Type(index) => match lookup(types, index, "type", offset)? {
            TypeEntry::Value(id) => Ok(*id),
            _ => Err(Error::invalid(format!("type {index} is not a value type"), offset)),
        },
    }
}

fn resource(types: &[TypeEntry], index: u32, offset: usize) -> Result<ResourceId> {
    match lookup(types, index, "type", offset)? {
        TypeEntry::Resource(r) => Ok(*r),
        _ => Err(Error::invalid(format!("type {index} is not a resource type"), offset)),
    }
}

pub fn defined_type(
    arena: &mut TypeArena<Layout>,
    types: &[TypeEntry],
    ty: &ComponentDefinedType,
    offset: usize,
) -> Result<TypeId> {
    let val = |arena: &mut TypeArena<Layout>, t: ComponentValType| value_type(arena, types, t, offset);
    let kind = match ty {
        ComponentDefinedType::Primitive(p) => primitive(*p),
        ComponentDefinedType::Record(fields) => TypeKind::Record {
            fields: fields
                .iter()
                .map(|(name, t)| Ok(Field { name: name.to_string(), js_name: lower_camel(name), ty: val(arena, *t)? }))
                .collect::<Result<_>>()?,
        },
        ComponentDefinedType::Variant(cases) => TypeKind::Variant {
            cases: cases
                .iter()
                .map(|c| Ok(Case { name: c.name.to_string(), ty: c.ty.map(|t| val(arena, t)).transpose()? }))
                .collect::<Result<_>>()?,
        },
        ComponentDefinedType::List(t) => TypeKind::List { element: val(arena, *t)? },
        ComponentDefinedType::Tuple(ts) => {
            TypeKind::Tuple { elements: ts.iter().map(|t| val(arena, *t)).collect::<Result<_>>()? }
        }
        ComponentDefinedType::Flags(names) => {
            if names.len() > 32 {
                return Err(Error::invalid("flags may have at most 32 members", offset));
            }
            TypeKind::Flags {
                names: names.iter().map(|n| n.to_string()).collect(),
                js_names: names.iter().map(|n| lower_camel(n)).collect(),
            }
        }
        ComponentDefinedType::Enum(names) => TypeKind::Enum { names: names.iter().map(|n| n.to_string()).collect() },
        ComponentDefinedType::Option(t) => TypeKind::Option { ty: val(arena, *t)? },
        ComponentDefinedType::Result { ok, err } => TypeKind::Result {
            ok: ok.map(|t| val(arena, t)).transpose()?,
            err: err.map(|t| val(arena, t)).transpose()?,
        },
        ComponentDefinedType::Own(index) => TypeKind::Own { resource: resource(types, *index, offset)? },
        ComponentDefinedType::Borrow(index) => TypeKind::Borrow { resource: resource(types, *index, offset)? },
        ComponentDefinedType::Map(key, value) => {
            let (key, value) = (val(arena, *key)?, val(arena, *value)?);
            let entry = arena.intern(TypeKind::Tuple { elements: vec![key, value] }, offset)?;
            TypeKind::Map { key, value, entry }
        }
        ComponentDefinedType::FixedLengthList(t, length) => fixed_list(val(arena, *t)?, *length, offset)?,
        ComponentDefinedType::Future(t) => TypeKind::Future { element: t.map(|t| val(arena, t)).transpose()? },
        ComponentDefinedType::Stream(t) => TypeKind::Stream { element: t.map(|t| val(arena, t)).transpose()? },
    };
    let id = arena.intern(kind, offset)?;
    if u64::from(arena.get(id).layout.size) >= MAX_VALUE_BYTES {
        return Err(Error::invalid(
            "a value of this type would take 256 MiB or more (a fixed-length list too long)",
            offset,
        ));
    }
    Ok(id)
}

/// The validator's bound on the bytes one value may take (wasmparser's `MAX_WASM_VALUE_TYPE_BYTE_SIZE`),
/// kept without it: only `list<T, N>` makes types that large.
const MAX_VALUE_BYTES: u64 = 1 << 28;

/// `list<T, N>`, refused when it is empty (the validator's rule, kept without it).
fn fixed_list(element: TypeId, length: u32, offset: usize) -> Result<TypeKind> {
    if length == 0 {
        return Err(Error::invalid("fixed-length lists must have more than zero elements", offset));
    }
    Ok(TypeKind::FixedList { element, length })
}

pub fn func_type(
    arena: &mut TypeArena<Layout>,
    types: &[TypeEntry],
    ty: &ComponentFuncType,
    offset: usize,
) -> Result<Rc<FuncType>> {
    let params = ty
        .params
        .iter()
        .map(|(name, t)| Ok(Param { name: name.to_string(), ty: value_type(arena, types, *t, offset)? }))
        .collect::<Result<_>>()?;
    let result = ty.result.map(|t| value_type(arena, types, t, offset)).transpose()?;
    let func = FuncType { params, result, is_async: ty.async_ };
    Extent::of(func.types().map(|t| arena.get(t).extent), offset)?;
    Ok(Rc::new(func))
}

/// Looks up the type an outer alias names: `outer(count, index)` for an alias `count` levels out
/// from the space a type is being defined in (0: that space itself).
pub type Outer<'o, 'a> = &'o dyn Fn(u32, u32) -> Result<TypeEntry<'a>>;

/// One `ComponentType` definition as an entry of the type index space `types` it is defined in.
pub fn type_entry<'a>(
    arena: &mut TypeArena<Layout>,
    types: &[TypeEntry<'a>],
    outer: Outer<'_, 'a>,
    ty: wasmparser::ComponentType<'a>,
    offset: usize,
) -> Result<TypeEntry<'a>> {
    use wasmparser::ComponentType as T;
    Ok(match ty {
        T::Defined(d) => TypeEntry::Value(defined_type(arena, types, &d, offset)?),
        T::Func(f) => TypeEntry::Func(func_type(arena, types, &f, offset)?),
        T::Instance(decls) => {
            let outer = decls
                .iter()
                .filter_map(|decl| match decl {
                    InstanceTypeDeclaration::Alias(ComponentAlias::Outer {
                        kind: ComponentOuterAliasKind::Type,
                        count: count @ 1..,
                        index,
                    }) => Some(outer(count - 1, *index)),
                    _ => None,
                })
                .collect::<Result<_>>()?;
            TypeEntry::Instance(Rc::new(InstanceType { decls, outer }))
        }
        T::Component(_) => TypeEntry::Component,
        T::Resource { .. } => return Err(Error::invalid("resource types are defined only at component level", offset)),
    })
}
