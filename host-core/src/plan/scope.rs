//! The index spaces of one component while it is planned. Component-level entries are resolved
//! statically (types, imported or lifted functions, instances); core-level entries are indices
//! into the plan's own core spaces, which the JS runtime fills as it runs the steps.

use super::Options;
use crate::abi::signature::Param;
use crate::error::{Error, Result};
use crate::ids::{ComponentInstanceId, CoreFuncId, CoreInstanceId, ImportId, ModuleId, ResourceId, TypeId};
use std::rc::Rc;
use wasmparser::InstanceTypeDeclaration;

/// A component function type, before it is given a name.
#[derive(Debug, Clone)]
pub struct FuncType {
    pub params: Vec<Param>,
    pub result: Option<TypeId>,
    /// An `async` function type (component-model async): callers may not block on it.
    pub is_async: bool,
}

impl FuncType {
    /// The parameter types, then the result type.
    pub fn types(&self) -> impl Iterator<Item = TypeId> + '_ {
        self.params.iter().map(|p| p.ty).chain(self.result)
    }
}

/// An entry of the component type index space.
#[derive(Debug, Clone)]
pub enum TypeEntry<'a> {
    Value(TypeId),
    Func(Rc<FuncType>),
    Resource(ResourceId),
    /// Evaluated when imported, since each import gets fresh resource types.
    Instance(Rc<InstanceType<'a>>),
    /// A component type: only its slot in the index space is used, as importing a component is refused.
    Component,
}

/// An instance type, with what its outer aliases name already looked up where it is defined: it
/// may be evaluated elsewhere, in a component that reaches it through an outer alias.
#[derive(Debug)]
pub struct InstanceType<'a> {
    pub decls: Box<[InstanceTypeDeclaration<'a>]>,
    /// The type each outer alias (count 1 or more) of `decls` names, in order.
    pub outer: Vec<TypeEntry<'a>>,
}

/// An entry of the component function index space.
#[derive(Debug, Clone)]
pub enum FuncEntry {
    /// A function of the host: a world-level import, or a member of an imported instance.
    Imported { import: ImportId, name: String, ty: Rc<FuncType> },
    /// A core function lifted by `canon lift`.
    Lifted { core_func: CoreFuncId, ty: Rc<FuncType>, options: Options },
}

/// What an instance export or a bundled item is.
#[derive(Debug, Clone)]
pub enum Item<'a> {
    Func(FuncEntry),
    Type(TypeEntry<'a>),
    Instance(Rc<InstanceEntry<'a>>),
    CoreModule(ModuleId),
    /// A component definition, with the scope it closes over.
    Component(ComponentDef),
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

/// The component a component definition is nested in, as its outer aliases see it: a scope on the
/// builder's stack, and how many entries of its outer-aliasable index spaces existed at the
/// definition. The defining scope is on the stack whenever the component is instantiated where it
/// was defined or passed down; one exported out of its defining instance and instantiated after
/// that instance's scope ended is refused if it uses an outer alias (`component_instance` tells the
/// scope in that slot from the one that defined it).
#[derive(Debug, Clone)]
pub struct Enclosing {
    pub scope: usize,
    /// The defining scope's `Scope::component_instance`, unique per scope.
    pub component_instance: ComponentInstanceId,
    pub types: usize,
    pub core_modules: usize,
    pub components: usize,
}

/// A nested component definition: its bytes, and the component it closes over (as Wasmtime's
/// inliner closes over the outer scope), whichever component instantiates it.
#[derive(Debug, Clone)]
pub struct ComponentDef {
    /// Absolute byte range into the root binary.
    pub range: std::ops::Range<usize>,
    pub enclosing: Enclosing,
}

/// One component being planned: the root, or a nested component being instantiated.
#[derive(Debug, Default)]
pub struct Scope<'a> {
    /// For a nested component, the instantiation arguments its imports are bound to.
    pub args: Option<Vec<(String, Item<'a>)>>,
    /// For a nested component, where it was defined: what its outer aliases reach.
    pub enclosing: Option<Enclosing>,
    /// The component instance this scope instantiates.
    pub component_instance: ComponentInstanceId,
    /// For a nested component, what it exports: the instance its instantiation makes.
    pub exports: Vec<(String, Item<'a>)>,
    pub components: Vec<ComponentDef>,
    pub types: Vec<TypeEntry<'a>>,
    pub funcs: Vec<FuncEntry>,
    /// The component's own instance index space (not the plan's [`ComponentInstanceId`]s).
    pub component_instances: Vec<Rc<InstanceEntry<'a>>>,
    pub core_modules: Vec<ModuleId>,
    pub core_instances: Vec<CoreInstanceId>,
    pub core_funcs: Vec<CoreFuncId>,
    pub core_memories: Vec<u32>,
    pub core_tables: Vec<u32>,
    pub core_globals: Vec<u32>,
}

impl Scope<'_> {
    /// The extent of this scope's outer-aliasable spaces, for a component defined here now.
    pub fn enclosing_here(&self, scope: usize) -> Enclosing {
        Enclosing {
            scope,
            component_instance: self.component_instance,
            types: self.types.len(),
            core_modules: self.core_modules.len(),
            components: self.components.len(),
        }
    }
}

/// The outer-aliasable index spaces of an enclosing component, as far as an outer alias sees them.
pub struct Visible<'s, 'a> {
    pub types: &'s [TypeEntry<'a>],
    pub core_modules: &'s [ModuleId],
    pub components: &'s [ComponentDef],
}

/// What an outer alias of `count` reaches from the innermost scope of `scopes`: the component
/// `count` definitions out (0: the innermost itself), cut to what existed where the one inside it
/// was defined.
pub fn enclosing<'s, 'a>(scopes: &'s [Scope<'a>], count: u32, offset: usize) -> Result<Visible<'s, 'a>> {
    let past_root = || Error::invalid(format!("outer alias count {count} reaches past the root component"), offset);
    let mut scope = scopes.last().ok_or_else(past_root)?;
    let mut cut: Option<&Enclosing> = None;
    for _ in 0..count {
        let enclosing = scope.enclosing.as_ref().ok_or_else(past_root)?;
        scope = scopes
            .get(enclosing.scope)
            .filter(|s| s.component_instance == enclosing.component_instance)
            .ok_or_else(|| {
                Error::unsupported(
                    "an outer alias in a component instantiated after the instance that defined it has ended",
                    offset,
                )
            })?;
        cut = Some(enclosing);
    }
    let upto = |len: usize, visible: fn(&Enclosing) -> usize| cut.map_or(len, |c| visible(c).min(len));
    Ok(Visible {
        types: &scope.types[..upto(scope.types.len(), |c| c.types)],
        core_modules: &scope.core_modules[..upto(scope.core_modules.len(), |c| c.core_modules)],
        components: &scope.components[..upto(scope.components.len(), |c| c.components)],
    })
}

/// Looks up `index` in an index space, as an `invalid` error when it is out of range: with
/// validation off, a bad index must still never panic.
pub fn lookup<'s, T>(space: &'s [T], index: u32, what: &str, offset: usize) -> Result<&'s T> {
    space
        .get(index as usize)
        .ok_or_else(|| Error::invalid(format!("unknown {what} {index}: index out of bounds"), offset))
}
