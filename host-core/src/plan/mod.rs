//! The instantiation plan: what `docs/plan-format.md` describes, as Rust types.
//!
//! In: a component binary, walked by [`builder`]. Out: a [`Plan`] of core-level steps, value
//! types with their layout, resources, imports and exports, serialised for the JS runtime.

mod builder;
mod builtin;
mod encode;
mod instance_type;
mod resolve;
mod scope;

pub use builder::plan;
pub use builtin::{Builtin, ChannelKind, ChannelOp};

use crate::abi::layout::Layout;
use crate::abi::signature::{Crossing, FuncSig};
use crate::ids::{ComponentInstanceId, CoreFuncId, CoreInstanceId, ImportId, ModuleId, ResourceId, TypeId};
use crate::parse::features::EngineFeatures;
use crate::types::TypeDef;

#[derive(Debug)]
pub struct Plan {
    pub modules: Vec<ModuleRange>,
    pub types: Vec<TypeDef<Layout>>,
    pub resources: Vec<Resource>,
    pub imports: Vec<Import>,
    pub steps: Vec<Step>,
    pub exports: Vec<Export>,
}

impl Plan {
    pub fn type_def(&self, id: TypeId) -> &TypeDef<Layout> {
        &self.types[id.index()]
    }
}

/// Where a core module's bytes lie in the component, so JS compiles a subarray without a copy.
/// A core-module import has no bytes: `start` = `end` = the import's offset, and `import` says
/// which import the host passes the `WebAssembly.Module` under.
#[derive(Debug, Clone, Copy)]
pub struct ModuleRange {
    pub start: usize,
    pub end: usize,
    pub import: Option<ImportId>,
    /// The engine features its sections show, so JS can refuse it by name before compiling it
    /// where the engine lacks one; none for an import, which the host has compiled.
    pub features: EngineFeatures,
}

/// The core index spaces a step appends to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoreSort {
    Func,
    Memory,
    Table,
    Global,
}

#[derive(Debug, Clone)]
pub struct InstantiateArg {
    pub name: String,
    pub core_instance: CoreInstanceId,
}

#[derive(Debug, Clone)]
pub struct BundleExport {
    pub name: String,
    pub kind: CoreSort,
    /// Into the core space of `kind`.
    pub index: u32,
}

/// One step of instantiation; each appends one entry to one core index space. A resource or
/// built-in step's `component_instance` is the one whose tables it uses.
#[derive(Debug, Clone)]
pub enum Step {
    Instantiate {
        module: ModuleId,
        args: Vec<InstantiateArg>,
    },
    Bundle {
        exports: Vec<BundleExport>,
    },
    Alias {
        kind: CoreSort,
        core_instance: CoreInstanceId,
        name: String,
    },
    Lower {
        callee: Callee,
        sig: FuncSig,
        options: Options,
    },
    ResourceNew {
        resource: ResourceId,
        component_instance: ComponentInstanceId,
    },
    ResourceRep {
        resource: ResourceId,
        component_instance: ComponentInstanceId,
    },
    ResourceDrop {
        resource: ResourceId,
        component_instance: ComponentInstanceId,
    },
    /// A canonical built-in of component-model async.
    Builtin {
        builtin: Builtin,
        component_instance: ComponentInstanceId,
    },
}

impl Step {
    /// The core index space this step appends to.
    pub fn sort(&self) -> Option<CoreSort> {
        match self {
            Step::Instantiate { .. } | Step::Bundle { .. } => None,
            Step::Alias { kind, .. } => Some(*kind),
            _ => Some(CoreSort::Func),
        }
    }
}

/// What a lowered function calls.
#[derive(Debug, Clone)]
pub enum Callee {
    /// A function of the host, reached through an import.
    Host(HostCallee),
    /// A function another component of the same composition lifted: a component-to-component call.
    /// The runtime lifts the arguments out of the caller's memory and lowers them into the callee's.
    /// `name`: `interface#member` when known, for messages; else empty. `sig`: the function as
    /// the callee lifts it (which an async call needs: it crosses the callee's side as its own
    /// options say, not as the caller's lowering does).
    Lifted { core_func: CoreFuncId, options: Options, name: String, sig: Box<FuncSig> },
}

/// The host function a lowered import calls.
#[derive(Debug, Clone)]
pub struct HostCallee {
    pub import: ImportId,
    pub name: String,
    /// For a `[constructor]`, `[method]` or `[static]` of a resource of the import; none for a
    /// freestanding function.
    pub member: Option<Member>,
    pub js_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StringEncoding {
    #[default]
    Utf8,
    Utf16,
    CompactUtf16,
}

/// The spec's `CanonicalOptions`, with indices into the plan's core spaces.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub memory: Option<u32>,
    pub realloc: Option<CoreFuncId>,
    pub post_return: Option<CoreFuncId>,
    pub string_encoding: StringEncoding,
    /// The `async` option (component-model async): the async ABI of `flatten_functype`.
    pub is_async: bool,
    /// With `async`, the `callback` a lifted function's event loop runs through; none when it is
    /// stackful (it waits with `waitable-set.wait` itself).
    pub callback: Option<CoreFuncId>,
    /// The component instance the `canon` definition belongs to.
    pub component_instance: ComponentInstanceId,
}

impl Options {
    /// How a function lifted (`lift`) or lowered with these options crosses the core boundary.
    pub fn crossing(&self, lift: bool) -> Crossing {
        match (self.is_async, lift) {
            (false, _) => Crossing::Sync,
            (true, true) => Crossing::AsyncLift,
            (true, false) => Crossing::AsyncLower,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub name: String,
    pub js_name: String,
    /// The import that implements it, for a host resource.
    pub import: Option<ImportId>,
    /// The guest destructor, for a guest-defined resource.
    pub dtor: Option<CoreFuncId>,
    /// The component instance that defines it, for a guest-defined resource.
    pub component_instance: Option<ComponentInstanceId>,
}

/// What a `[constructor]r`, `[method]r.f` or `[static]r.f` function is to the class of resource
/// `resource`: the host's class for a lowered import, the one JS makes for an exported guest
/// resource (`jsName` is the member's name there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub kind: MemberKind,
    pub resource: ResourceId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    Constructor,
    Method,
    Static,
}

impl MemberKind {
    /// wit-component's naming of resource functions: `[constructor]r`, `[method]r.f` and
    /// `[static]r.f` give the kind and `r`; any other name is no member.
    pub fn parse(name: &str) -> Option<(MemberKind, &str)> {
        if let Some(resource) = name.strip_prefix("[constructor]") {
            return Some((MemberKind::Constructor, resource));
        }
        let (kind, rest) = match name.strip_prefix("[method]") {
            Some(rest) => (MemberKind::Method, rest),
            None => (MemberKind::Static, name.strip_prefix("[static]")?),
        };
        Some((kind, rest.split_once('.').map_or(rest, |(resource, _)| resource)))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MemberKind::Constructor => "constructor",
            MemberKind::Method => "method",
            MemberKind::Static => "static",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Instance,
    Func,
    /// A world-level resource type (`(type (sub resource))`): the host's class. Its `[constructor]`,
    /// `[method]` and `[static]` function imports are members of this import, not imports of their own.
    Resource,
    /// A core module: a `WebAssembly.Module` from the host.
    Module,
}

#[derive(Debug, Clone)]
pub struct Import {
    pub name: String,
    pub versionless: String,
    pub js_name: String,
    pub kind: ImportKind,
    /// WIT names of the functions the component uses from it.
    pub functions: Vec<String>,
    pub resources: Vec<ResourceId>,
}

/// What JS finds on `instance.exports`. A component or a value type exported is reachable only
/// from the components of the same composition: JS has no value for it.
#[derive(Debug, Clone)]
pub enum Export {
    Instance {
        name: String,
        js_name: String,
        exports: Vec<Export>,
    },
    Func {
        name: String,
        js_name: String,
        core_func: CoreFuncId,
        sig: FuncSig,
        options: Options,
        member: Option<Member>,
    },
    // A guest resource type, exported or re-exported: its class.
    Resource {
        name: String,
        js_name: String,
        resource: ResourceId,
    },
    // A core module: the `WebAssembly.Module` of `plan.modules[module]`.
    Module {
        name: String,
        js_name: String,
        module: ModuleId,
    },
}
