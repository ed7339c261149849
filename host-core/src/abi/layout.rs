//! The canonical ABI's layout of value types: size, alignment, flattening and where members lie,
//! so that the JS glue never computes one. Variants, options, results and enums share one layout
//! rule (the spec lowers all of them as variants).

use super::signature::{TupleLayout, MAX_FLAT_PARAMS};
use crate::ids::TypeId;
use crate::types::{TypeArena, TypeKind, TypeLayout};

/// A core wasm value type, as the flattened canonical ABI uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoreType {
    I32,
    I64,
    F32,
    F64,
}

/// A type's layout in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub size: u32,
    pub align: u32,
    /// The flattened core types, `None` when there are more than [`MAX_FLAT`]: such a value always
    /// travels through memory, and keeping the list would grow with the type.
    pub flat: Option<Vec<CoreType>>,
    /// Where a record's fields or a tuple's elements lie, in order; empty for any other type.
    pub offsets: Vec<u32>,
    /// The discriminant's bytes and where the payload starts, for a variant, enum, option or
    /// result; 0 for any other type.
    pub discriminant_size: u32,
    pub payload_offset: u32,
}

impl TypeLayout for Layout {
    /// The spec's `elem_size`, `alignment` and `flatten_type`, from the members' layouts.
    fn of(kind: &TypeKind, arena: &TypeArena<Layout>) -> Layout {
        use TypeKind::*;
        let flat = flatten(kind, arena);
        let (size, align) = match kind {
            Bool | S8 | U8 => (1, 1),
            S16 | U16 => (2, 2),
            // Handles: resources, stream and future ends, error contexts are i32 table indices.
            S32 | U32 | F32 | Char | Own { .. } | Borrow { .. } | Stream { .. } | Future { .. } | ErrorContext => {
                (4, 4)
            }
            S64 | U64 | F64 => (8, 8),
            String | List { .. } | Map { .. } => (8, 4),
            FixedList { element, length } => {
                let element = &arena.get(*element).layout;
                (element.size.saturating_mul(*length), element.align)
            }
            Flags { names, .. } => {
                let size = flags_size(names.len());
                (size, size.clamp(1, 4))
            }
            Record { .. } | Tuple { .. } => {
                let TupleLayout { offsets, size, align } = tuple(kind.members(), arena);
                return Layout { size, align, flat, offsets, discriminant_size: 0, payload_offset: 0 };
            }
            Variant { .. } | Enum { .. } | Option { .. } | Result { .. } => return variant(&cases(kind), flat, arena),
        };
        Layout { size, align, flat, offsets: Vec::new(), discriminant_size: 0, payload_offset: 0 }
    }
}

/// The spec's `discriminant_type`: the smallest unsigned integer that numbers `cases` cases.
fn discriminant_size(cases: usize) -> u32 {
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

/// The payload types of a variant-like type, `None` for a case without payload; no cases for
/// any other type.
fn cases(kind: &TypeKind) -> Vec<Option<TypeId>> {
    match kind {
        TypeKind::Variant { cases } => cases.iter().map(|c| c.ty).collect(),
        TypeKind::Enum { names } => vec![None; names.len()],
        TypeKind::Option { ty } => vec![None, Some(*ty)],
        TypeKind::Result { ok, err } => vec![*ok, *err],
        _ => Vec::new(),
    }
}

/// The layout of a variant whose cases carry `cases`: the discriminant, then the largest payload
/// at the largest payload alignment.
fn variant(cases: &[Option<TypeId>], flat: Option<Vec<CoreType>>, arena: &TypeArena<Layout>) -> Layout {
    let payloads = || cases.iter().flatten().map(|&t| &arena.get(t).layout);
    let payload_align = payloads().map(|p| p.align).max().unwrap_or(1);
    let largest = payloads().map(|p| p.size).max().unwrap_or(0);
    let discriminant_size = discriminant_size(cases.len());
    let payload_offset = align_to(discriminant_size, payload_align);
    let align = discriminant_size.max(payload_align);
    let size = align_to(payload_offset.saturating_add(largest), align);
    Layout { size, align, flat, offsets: Vec::new(), discriminant_size, payload_offset }
}

/// The layout of a tuple of `types`, the spec's record layout: each member at its alignment, one
/// after another. How a function's parameters lie in memory when they do not fit the flat ones.
pub fn tuple(types: impl IntoIterator<Item = TypeId>, arena: &TypeArena<Layout>) -> TupleLayout {
    let (mut end, mut align, mut offsets) = (0, 1, Vec::new());
    for ty in types {
        let member = &arena.get(ty).layout;
        let offset = align_to(end, member.align);
        offsets.push(offset);
        end = offset.saturating_add(member.size);
        align = align.max(member.align);
    }
    TupleLayout { offsets, size: align_to(end, align), align }
}

fn flags_size(count: usize) -> u32 {
    match count {
        0 => 0,
        1..=8 => 1,
        9..=16 => 2,
        _ => 4 * count.div_ceil(32) as u32,
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
fn flatten(kind: &TypeKind, arena: &TypeArena<Layout>) -> Option<Vec<CoreType>> {
    use TypeKind::*;
    let flat = match kind {
        Bool | S8 | U8 | S16 | U16 | S32 | U32 | Char | Own { .. } | Borrow { .. } => vec![CoreType::I32],
        Stream { .. } | Future { .. } | ErrorContext => vec![CoreType::I32],
        S64 | U64 => vec![CoreType::I64],
        F32 => vec![CoreType::F32],
        F64 => vec![CoreType::F64],
        String | List { .. } | Map { .. } => vec![CoreType::I32, CoreType::I32],
        FixedList { element, length } => {
            let element = arena.get(*element).layout.flat.as_deref()?;
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
                flat.extend_from_slice(arena.get(member).layout.flat.as_deref()?);
                if flat.len() > MAX_FLAT {
                    return None;
                }
            }
            flat
        }
        _ => {
            let mut flat = vec![CoreType::I32];
            for case in cases(kind).into_iter().flatten() {
                for (i, &core) in arena.get(case).layout.flat.as_deref()?.iter().enumerate() {
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
