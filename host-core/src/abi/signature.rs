//! Function signatures with their flattened core form: the spec's `flatten_functype`, for sync
//! and async (component-model async) lifts and lowers.

use super::layout::{self, CoreType, Layout, MAX_FLAT};
use crate::ids::TypeId;
use crate::types::TypeArena;

/// Past this many flat parameters, they travel in linear memory behind one pointer.
pub const MAX_FLAT_PARAMS: usize = 16;
/// Past this many flat results, they travel through a return area.
pub const MAX_FLAT_RESULTS: usize = 1;
/// Past this many flat parameters, an `async` lowered call passes them in linear memory.
pub const MAX_FLAT_ASYNC_PARAMS: usize = 4;

/// Which case of the spec's `flatten_functype` a call crosses the core boundary by: its canonical
/// options' `async` and whether it is lifted or lowered (sync lifts and lowers flatten alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crossing {
    Sync,
    /// The result is not returned: the callee passes it to `task.return`.
    AsyncLift,
    /// At most [`MAX_FLAT_ASYNC_PARAMS`] flat parameters; a result always goes to a caller's
    /// out-pointer, and the core function returns the subtask's status.
    AsyncLower,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Param {
    pub name: String,
    pub ty: TypeId,
}

/// A component function type and how it crosses the core boundary.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncSig {
    pub name: String,
    /// The function type is `async`.
    pub is_async: bool,
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
    pub fn new(
        name: &str,
        is_async: bool,
        params: Vec<Param>,
        result: Option<TypeId>,
        crossing: Crossing,
        arena: &TypeArena<Layout>,
    ) -> Self {
        let flat_params = flatten_all(params.iter().map(|p| p.ty), arena);
        let flat_results = flatten_all(result, arena);
        let max_params = if crossing == Crossing::AsyncLower { MAX_FLAT_ASYNC_PARAMS } else { MAX_FLAT_PARAMS };
        let params_indirect = flat_params.as_ref().is_none_or(|flat| flat.len() > max_params);
        let result_indirect = match crossing {
            Crossing::Sync => flat_results.as_ref().is_none_or(|flat| flat.len() > MAX_FLAT_RESULTS),
            Crossing::AsyncLift => false,
            Crossing::AsyncLower => result.is_some(),
        };
        FuncSig {
            name: name.to_string(),
            is_async,
            params_layout: params_indirect.then(|| Box::new(layout::tuple(params.iter().map(|p| p.ty), arena))),
            params_indirect,
            result_indirect,
            params,
            result,
            flat_params,
            flat_results,
        }
    }

    /// Whether `other` crosses the core boundary the same way: as many parameters, the same flat
    /// types, both `async` or neither.
    pub fn same_flat(&self, other: &FuncSig) -> bool {
        self.is_async == other.is_async
            && self.params.len() == other.params.len()
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
