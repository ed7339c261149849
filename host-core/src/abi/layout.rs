//! Size, alignment and flattening of value types, named after the spec's `elem_size`,
//! `alignment` and `flatten_type`. Variants, options, results and enums share one layout rule
//! (the spec lowers all of them as variants).

use super::signature::{TupleLayout, MAX_FLAT_PARAMS};
use crate::ids::TypeId;
use crate::types::{TypeArena, TypeKind};

/// A core wasm value type, as the flattened canonical ABI uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoreType {
    I32,
    I64,
    F32,
    F64,
}

/// The spec's `discriminant_type`: the smallest unsigned integer that numbers `cases` cases.
pub fn discriminant_size(cases: usize) -> u32 {
    match cases {
        0..=0x100 => 1,
        0x101..=0x1_0000 => 2,
        _ => 4,
    }
}

/// Saturates rather than overflows: a type that large is refused once interned (see `resolve`).
fn align_to(offset: u32, align: u32) -> u32 {
    offset.div_ceil(align).saturating_mul(align)
}

/// The payload types of a variant-like type, `None` for a case without payload.
fn cases(kind: &TypeKind) -> Option<Vec<Option<TypeId>>> {
    Some(match kind {
        TypeKind::Variant { cases, .. } => cases.iter().map(|c| c.ty).collect(),
        TypeKind::Enum { names, .. } => vec![None; names.len()],
        TypeKind::Option { ty, .. } => vec![None, Some(*ty)],
        TypeKind::Result { ok, err, .. } => vec![*ok, *err],
        _ => return None,
    })
}

fn max_case_alignment(cases: &[Option<TypeId>], arena: &TypeArena) -> u32 {
    cases.iter().flatten().map(|&t| arena.get(t).align).max().unwrap_or(1)
}

/// Lays members out one after another, each at its alignment: the spec's record layout.
fn place_in_sequence<'a>(members: impl Iterator<Item = (TypeId, &'a mut u32)>, arena: &TypeArena) {
    let mut offset = 0;
    for (ty, slot) in members {
        let def = arena.get(ty);
        offset = align_to(offset, def.align);
        *slot = offset;
        offset = offset.saturating_add(def.size);
    }
}

/// The layout of a tuple of `types`: how a function's parameters lie in memory when they do not
/// fit the flat parameters.
pub fn tuple(types: impl IntoIterator<Item = TypeId>, arena: &TypeArena) -> TupleLayout {
    let (mut end, mut align, mut offsets) = (0, 1, Vec::new());
    for ty in types {
        let def = arena.get(ty);
        let offset = align_to(end, def.align);
        offsets.push(offset);
        end = offset.saturating_add(def.size);
        align = align.max(def.align);
    }
    TupleLayout { offsets, size: align_to(end, align), align }
}

/// Where the last member (at `offset`, of type `ty`) of a record or tuple ends, before the padding.
fn sequence_end(last: Option<(u32, TypeId)>, arena: &TypeArena) -> u32 {
    last.map_or(0, |(offset, ty)| offset.saturating_add(arena.get(ty).size))
}

/// Fills in the positional fields (field offsets, discriminant size, payload offset) of `kind`.
pub fn place(mut kind: TypeKind, arena: &TypeArena) -> TypeKind {
    let case_types = cases(&kind);
    match &mut kind {
        TypeKind::Record { fields } => place_in_sequence(fields.iter_mut().map(|f| (f.ty, &mut f.offset)), arena),
        TypeKind::Tuple { elements } => place_in_sequence(elements.iter_mut().map(|e| (e.ty, &mut e.offset)), arena),
        _ => {}
    }
    if let Some(case_types) = case_types {
        let disc = discriminant_size(case_types.len());
        let payload = align_to(disc, max_case_alignment(&case_types, arena));
        match &mut kind {
            TypeKind::Variant { discriminant_size, payload_offset, .. } => {
                *discriminant_size = disc;
                *payload_offset = payload;
            }
            TypeKind::Enum { discriminant_size, .. } => *discriminant_size = disc,
            TypeKind::Option { payload_offset, .. } | TypeKind::Result { payload_offset, .. } => {
                *payload_offset = payload;
            }
            _ => {}
        }
    }
    kind
}

/// The spec's `alignment`.
pub fn alignment(kind: &TypeKind, arena: &TypeArena) -> u32 {
    use TypeKind::*;
    match kind {
        Bool | S8 | U8 => 1,
        S16 | U16 => 2,
        S32 | U32 | F32 | Char | String | List { .. } | Map { .. } | Own { .. } | Borrow { .. } => 4,
        S64 | U64 | F64 => 8,
        FixedList { element, .. } => arena.get(*element).align,
        Record { fields } => fields.iter().map(|f| arena.get(f.ty).align).max().unwrap_or(1),
        Tuple { elements } => elements.iter().map(|e| arena.get(e.ty).align).max().unwrap_or(1),
        Flags { names, .. } => flags_size(names.len()).clamp(1, 4),
        _ => {
            let cases = cases(kind).expect("variant-like");
            discriminant_size(cases.len()).max(max_case_alignment(&cases, arena))
        }
    }
}

fn flags_size(count: usize) -> u32 {
    match count {
        0 => 0,
        1..=8 => 1,
        9..=16 => 2,
        _ => 4 * count.div_ceil(32) as u32,
    }
}

/// The spec's `elem_size`: bytes a value occupies in linear memory, padded to its alignment.
pub fn elem_size(kind: &TypeKind, arena: &TypeArena) -> u32 {
    use TypeKind::*;
    match kind {
        Bool | S8 | U8 => 1,
        S16 | U16 => 2,
        S32 | U32 | F32 | Char | Own { .. } | Borrow { .. } => 4,
        S64 | U64 | F64 | String | List { .. } | Map { .. } => 8,
        FixedList { element, length } => arena.get(*element).size.saturating_mul(*length),
        Flags { names, .. } => flags_size(names.len()),
        Record { fields } => {
            align_to(sequence_end(fields.last().map(|f| (f.offset, f.ty)), arena), alignment(kind, arena))
        }
        Tuple { elements } => {
            align_to(sequence_end(elements.last().map(|e| (e.offset, e.ty)), arena), alignment(kind, arena))
        }
        _ => {
            let cases = cases(kind).expect("variant-like");
            let disc = discriminant_size(cases.len());
            let payload = align_to(disc, max_case_alignment(&cases, arena));
            let largest = cases.iter().flatten().map(|&t| arena.get(t).size).max().unwrap_or(0);
            align_to(payload.saturating_add(largest), alignment(kind, arena))
        }
    }
}

/// The spec's `join`: the core type that can carry both `a` and `b` in one flat slot.
fn join(a: CoreType, b: CoreType) -> CoreType {
    use CoreType::*;
    match (a, b) {
        _ if a == b => a,
        (I32, F32) | (F32, I32) => I32,
        _ => I64,
    }
}

/// A type's flat types are kept up to this many: past it, a value (and any value holding it)
/// travels through memory, as with Wasmtime's `MAX_FLAT_TYPES`.
pub const MAX_FLAT: usize = MAX_FLAT_PARAMS;

/// The spec's `flatten_type` from the members' flattening, `None` past [`MAX_FLAT`] types.
pub fn flatten(kind: &TypeKind, arena: &TypeArena) -> Option<Vec<CoreType>> {
    use TypeKind::*;
    let flat = match kind {
        Bool | S8 | U8 | S16 | U16 | S32 | U32 | Char | Own { .. } | Borrow { .. } => {
            vec![CoreType::I32]
        }
        S64 | U64 => vec![CoreType::I64],
        F32 => vec![CoreType::F32],
        F64 => vec![CoreType::F64],
        String | List { .. } | Map { .. } => vec![CoreType::I32, CoreType::I32],
        FixedList { element, length } => {
            let element = arena.get(*element).flat.as_deref()?;
            let count = element.len() as u64 * u64::from(*length);
            if count > MAX_FLAT as u64 {
                return None;
            }
            element.iter().copied().cycle().take(count as usize).collect()
        }
        Flags { names, .. } => vec![CoreType::I32; names.len().div_ceil(32)],
        Record { .. } | Tuple { .. } => {
            let mut flat = Vec::new();
            for member in kind.members() {
                flat.extend_from_slice(arena.get(member).flat.as_deref()?);
                if flat.len() > MAX_FLAT {
                    return None;
                }
            }
            flat
        }
        _ => {
            let mut flat = vec![CoreType::I32];
            for case in cases(kind).expect("variant-like").into_iter().flatten() {
                for (i, &core) in arena.get(case).flat.as_deref()?.iter().enumerate() {
                    match flat.get_mut(i + 1) {
                        Some(slot) => *slot = join(*slot, core),
                        None => flat.push(core),
                    }
                }
            }
            flat
        }
    };
    (flat.len() <= MAX_FLAT).then_some(flat)
}
