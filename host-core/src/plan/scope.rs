//! The index spaces of one component while it is planned. Component-level entries are resolved
//! statically (types, imported or lifted functions, instances); core-level entries are indices
//! into the plan's own core spaces, which the JS runtime fills as it runs the steps.

use super::Options;
use crate::abi::signature::Param;
use crate::error::{Error, Result};
use crate::types::{ResourceId, TypeId};
use std::rc::Rc;
use wasmparser::{ComponentTypeDeclaration, InstanceTypeDeclaration};

/// A component function type, before it is given a name.
#[derive(Debug, Clone)]
pub struct FuncType {
    pub params: Vec<Param>,
    pub result: Option<TypeId>,
}

/// An entry of the component type index space.
#[derive(Debug, Clone)]
pub enum TypeEntry<'a> {
    Value(TypeId),
    Func(Rc<FuncType>),
    Resource(ResourceId),
    /// Evaluated when imported, since each import gets fresh resource types.
    Instance(Rc<[InstanceTypeDeclaration<'a>]>),
    Component(#[allow(dead_code)] Rc<[ComponentTypeDeclaration<'a>]>),
}

/// An entry of the component function index space.
#[derive(Debug, Clone)]
pub enum FuncEntry {
    /// A function of the host: a world-level import, or a member of an imported instance.
    Imported { import: u32, name: String, ty: Rc<FuncType> },
    /// A core function lifted by `canon lift`.
    Lifted { core_func: u32, ty: Rc<FuncType>, options: Options },
}

/// What an instance export or a bundled item is.
#[derive(Debug, Clone)]
pub enum Item<'a> {
    Func(FuncEntry),
    Type(TypeEntry<'a>),
    Instance(Rc<InstanceEntry<'a>>),
    /// A core module: index into the plan's modules.
    CoreModule(u32),
    /// A component definition, as its byte range in the root binary.
    Component(std::ops::Range<usize>),
}

/// An entry of the component instance index space: an import or a bundle of exports.
#[derive(Debug)]
pub struct InstanceEntry<'a> {
    pub exports: Vec<(String, Item<'a>)>,
}

impl<'a> InstanceEntry<'a> {
    pub fn get(&self, name: &str) -> Option<&Item<'a>> {
        self.exports.iter().find(|(n, _)| n == name).map(|(_, item)| item)
    }
}

/// One component being planned: the root, or a nested component being instantiated.
#[derive(Debug, Default)]
pub struct Scope<'a> {
    /// For a nested component, the instantiation arguments its imports are bound to.
    pub args: Option<Vec<(String, Item<'a>)>>,
    /// The component instance this scope instantiates (0 for the root): see `Options::instance`.
    pub instance: u32,
    /// For a nested component, what it exports: the instance its instantiation makes.
    pub exports: Vec<(String, Item<'a>)>,
    /// Nested component definitions, as absolute byte ranges into the root binary.
    pub components: Vec<std::ops::Range<usize>>,
    pub types: Vec<TypeEntry<'a>>,
    pub funcs: Vec<FuncEntry>,
    pub instances: Vec<Rc<InstanceEntry<'a>>>,
    pub core_modules: Vec<u32>,
    pub core_instances: Vec<u32>,
    pub core_funcs: Vec<u32>,
    pub core_memories: Vec<u32>,
    pub core_tables: Vec<u32>,
    pub core_globals: Vec<u32>,
}

/// Looks up `index` in an index space, as an `invalid` error when it is out of range: with
/// validation off, a bad index must still never panic.
pub fn lookup<'s, T>(space: &'s [T], index: u32, what: &str, offset: usize) -> Result<&'s T> {
    space
        .get(index as usize)
        .ok_or_else(|| Error::invalid(format!("unknown {what} {index}: index out of bounds"), offset))
}
