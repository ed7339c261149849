//! Function signatures with their flattened core form: the spec's `flatten_functype`.

use super::layout::{self, CoreType, Layout, MAX_FLAT};
use crate::ids::TypeId;
use crate::types::TypeArena;

/// Past this many flat parameters, they travel in linear memory behind one pointer.
pub const MAX_FLAT_PARAMS: usize = 16;
/// Past this many flat results, they travel through a return area.
pub const MAX_FLAT_RESULTS: usize = 1;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Param {
    pub name: String,
    pub ty: TypeId,
}

/// A component function type and how it crosses the core boundary.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncSig {
    pub name: String,
    pub params: Vec<Param>,
    pub result: Option<TypeId>,
    /// `None` past [`MAX_FLAT`] types, when `params_indirect` always holds.
    pub flat_params: Option<Vec<CoreType>>,
    /// `None` past [`MAX_FLAT`] types, when `result_indirect` always holds.
    pub flat_results: Option<Vec<CoreType>>,
    pub params_indirect: bool,
    pub result_indirect: bool,
    /// Where each parameter lies in the tuple they travel as when `params_indirect`.
    pub params_layout: Option<Box<TupleLayout>>,
}

/// The spec's layout of a tuple: each member's offset, the size and the alignment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TupleLayout {
    pub offsets: Vec<u32>,
    pub size: u32,
    pub align: u32,
}

impl FuncSig {
    pub fn new(name: &str, params: Vec<Param>, result: Option<TypeId>, arena: &TypeArena<Layout>) -> Self {
        let flat_params = flatten_all(params.iter().map(|p| p.ty), arena);
        let flat_results = flatten_all(result, arena);
        let params_indirect = flat_params.as_ref().is_none_or(|flat| flat.len() > MAX_FLAT_PARAMS);
        FuncSig {
            name: name.to_string(),
            params_layout: params_indirect.then(|| Box::new(layout::tuple(params.iter().map(|p| p.ty), arena))),
            params_indirect,
            result_indirect: flat_results.as_ref().is_none_or(|flat| flat.len() > MAX_FLAT_RESULTS),
            params,
            result,
            flat_params,
            flat_results,
        }
    }

    /// Whether `other` crosses the core boundary the same way: as many parameters, the same flat types.
    pub fn same_flat(&self, other: &FuncSig) -> bool {
        self.params.len() == other.params.len()
            && self.flat_params == other.flat_params
            && self.flat_results == other.flat_results
    }
}

/// The flat types of `types` one after another, `None` past [`MAX_FLAT`].
fn flatten_all(types: impl IntoIterator<Item = TypeId>, arena: &TypeArena<Layout>) -> Option<Vec<CoreType>> {
    let mut flat = Vec::new();
    for ty in types {
        flat.extend_from_slice(arena.get(ty).layout.flat.as_deref()?);
        if flat.len() > MAX_FLAT {
            return None;
        }
    }
    Some(flat)
}
