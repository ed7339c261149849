//! Function signatures with their flattened core form: the spec's `flatten_functype`.

use crate::types::{CoreType, TypeArena, TypeId};

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
    pub flat_params: Vec<CoreType>,
    pub flat_results: Vec<CoreType>,
    pub params_indirect: bool,
    pub result_indirect: bool,
}

impl FuncSig {
    pub fn new(name: &str, params: Vec<Param>, result: Option<TypeId>, arena: &TypeArena) -> Self {
        let flat_params: Vec<CoreType> = params.iter().flat_map(|p| arena.get(p.ty).flat.iter().copied()).collect();
        let flat_results = result.map_or_else(Vec::new, |r| arena.get(r).flat.clone());
        FuncSig {
            name: name.to_string(),
            params_indirect: flat_params.len() > MAX_FLAT_PARAMS,
            result_indirect: flat_results.len() > MAX_FLAT_RESULTS,
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
