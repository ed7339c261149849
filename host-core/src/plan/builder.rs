//! Walks a component's sections in binary order and turns them into a [`Plan`].
//!
//! Binary order is a valid definition order, so each core-level definition becomes a step that
//! the JS runtime can run as it comes; component-level definitions (types, imports, aliases,
//! lifted functions, instances of exports) are resolved here and never reach JS as such.
//!
//! Here: the builder's state, its index spaces, and imports. [`walk`] reads the sections and
//! defines instances, aliases and types; [`canonical`] lifts and lowers; [`exports`] exports.

mod canonical;
mod exports;
mod walk;

use super::instance_type;
use super::scope::{lookup, FuncEntry, FuncType, InstanceEntry, Item, Scope, TypeEntry};
use super::*;
use crate::abi::layout::Layout;
use crate::abi::signature::FuncSig;
use crate::error::{Error, Result};
use crate::ids::{ComponentInstanceId, CoreFuncId, ImportId, ModuleId, ResourceId};
use crate::names::{lower_camel, upper_camel, versionless};
use crate::types::TypeArena;
use std::collections::HashMap;
use std::rc::Rc;
use wasmparser::{ComponentExternalKind, ComponentTypeRef, ExternalKind};

/// Plans the instantiation of the component in `bytes`. Validates first when the `validate`
/// feature is on and `validate` is true.
pub fn plan(bytes: &[u8], validate: bool) -> Result<Plan> {
    crate::parse::check_header(bytes)?;
    if validate {
        crate::parse::validate(bytes)?;
    }
    let walk_budget = MIN_WALK_BUDGET.max(bytes.len().saturating_mul(MAX_EXPANSION));
    let mut builder = Builder { bytes, scopes: vec![Scope::default()], walk_budget, ..Builder::default() };
    builder.walk(0..bytes.len())?;
    Ok(builder.finish())
}

/// How deep components may nest; each level is a recursion of [`Builder::walk`].
const MAX_NESTING: usize = 32;
/// Nested components are walked once per instantiation, and a component may instantiate one that
/// instantiates another twice, and so on: the bytes walked for nested instantiations may reach
/// this many times the binary (or [`MIN_WALK_BUDGET`]), which bounds the plan and the time spent.
const MAX_EXPANSION: usize = 64;
/// The walk budget of small binaries, which may instantiate a small component many times.
const MIN_WALK_BUDGET: usize = 1 << 20;

#[derive(Default)]
struct Builder<'a> {
    bytes: &'a [u8],
    /// The component being walked is last; outer aliases reach the ones before it.
    scopes: Vec<Scope<'a>>,
    arena: TypeArena<Layout>,
    modules: Vec<ModuleRange>,
    /// Index into `modules` by start offset.
    module_at: HashMap<usize, ModuleId>,
    resources: Vec<Resource>,
    imports: Vec<Import>,
    steps: Vec<Step>,
    exports: Vec<Export>,
    core_instance_count: u32,
    core_func_count: u32,
    core_memory_count: u32,
    core_table_count: u32,
    core_global_count: u32,
    /// Nested component instantiations so far: each numbers a component instance, after the root's 0.
    component_instance_count: u32,
    /// Bytes of nested components walked so far, and how many may be: see [`MAX_EXPANSION`].
    walked: usize,
    walk_budget: usize,
    /// `interface#member` names of lifted functions bound to a nested component's instance import,
    /// by core function: what messages call a component-to-component callee.
    lifted_names: HashMap<CoreFuncId, String>,
}

impl<'a> Builder<'a> {
    fn finish(mut self) -> Plan {
        let mut exports = std::mem::take(&mut self.exports);
        self.assign_members(&mut exports);
        Plan {
            modules: self.modules,
            types: self.arena.into_defs(),
            resources: self.resources,
            imports: self.imports,
            steps: self.steps,
            exports,
        }
    }

    fn scope(&mut self) -> &mut Scope<'a> {
        self.scopes.last_mut().expect("a component is being walked")
    }

    fn scope_ref(&self) -> &Scope<'a> {
        self.scopes.last().expect("a component is being walked")
    }

    /// Whether the root component is being walked (not a nested one being instantiated).
    fn at_root(&self) -> bool {
        self.scopes.len() == 1
    }

    fn new_resource(
        &mut self,
        name: &str,
        import: Option<ImportId>,
        dtor: Option<CoreFuncId>,
        component_instance: Option<ComponentInstanceId>,
    ) -> ResourceId {
        let resource = ResourceId::at(self.resources.len());
        let js_name = upper_camel(name);
        self.resources.push(Resource { name: name.to_string(), js_name, import, dtor, component_instance });
        resource
    }

    /// Appends a step and returns the index it defines in its core space.
    fn push_step(&mut self, step: Step) -> u32 {
        let counter = match step.sort() {
            None => &mut self.core_instance_count,
            Some(CoreSort::Func) => &mut self.core_func_count,
            Some(CoreSort::Memory) => &mut self.core_memory_count,
            Some(CoreSort::Table) => &mut self.core_table_count,
            Some(CoreSort::Global) => &mut self.core_global_count,
        };
        *counter += 1;
        self.steps.push(step);
        *counter - 1
    }

    /// Appends a step that defines a core function, to the plan's space and the component's.
    fn push_core_func(&mut self, step: Step) {
        let func = CoreFuncId(self.push_step(step));
        self.scope().core_funcs.push(func);
    }

    /// Entry `index` of the component's core space `sort`, as an index into the plan's.
    fn core_index(&self, sort: CoreSort, index: u32, offset: usize) -> Result<u32> {
        let scope = self.scope_ref();
        Ok(match sort {
            CoreSort::Func => lookup(&scope.core_funcs, index, "core item", offset)?.0,
            CoreSort::Memory => *lookup(&scope.core_memories, index, "core item", offset)?,
            CoreSort::Table => *lookup(&scope.core_tables, index, "core item", offset)?,
            CoreSort::Global => *lookup(&scope.core_globals, index, "core item", offset)?,
        })
    }

    /// Appends the plan's core `index` of `sort` to the component's space of that sort.
    fn push_core_index(&mut self, sort: CoreSort, index: u32) {
        let scope = self.scope();
        match sort {
            CoreSort::Func => scope.core_funcs.push(CoreFuncId(index)),
            CoreSort::Memory => scope.core_memories.push(index),
            CoreSort::Table => scope.core_tables.push(index),
            CoreSort::Global => scope.core_globals.push(index),
        }
    }

    fn core_sort(kind: ExternalKind, offset: usize) -> Result<CoreSort> {
        Ok(match kind {
            ExternalKind::Func | ExternalKind::FuncExact => CoreSort::Func,
            ExternalKind::Memory => CoreSort::Memory,
            ExternalKind::Table => CoreSort::Table,
            ExternalKind::Global => CoreSort::Global,
            ExternalKind::Tag => return Err(Error::unsupported("core tags (exception handling)", offset)),
        })
    }

    fn import(&mut self, name: &str, ty: ComponentTypeRef, offset: usize) -> Result<()> {
        if let Some(args) = &self.scope_ref().args {
            let item = args
                .iter()
                .find(|(arg, _)| arg == name)
                .map(|(_, item)| item.clone())
                .ok_or_else(|| Error::invalid(format!("missing instantiation argument `{name}`"), offset))?;
            match &item {
                Item::Instance(instance) => {
                    for (member, item) in &instance.exports {
                        if let Item::Func(FuncEntry::Lifted { core_func, .. }) = item {
                            self.lifted_names.insert(*core_func, format!("{}#{member}", versionless(name)));
                        }
                    }
                }
                Item::Func(FuncEntry::Lifted { core_func, .. }) => {
                    self.lifted_names.insert(*core_func, versionless(name).to_string());
                }
                _ => {}
            }
            return self.push_item(ty.kind(), item, name, offset);
        }
        let import = ImportId::at(self.imports.len());
        match ty {
            ComponentTypeRef::Instance(type_index) => {
                let TypeEntry::Instance(ty) = lookup(&self.scope_ref().types, type_index, "type", offset)?.clone()
                else {
                    return Err(Error::invalid(format!("type {type_index} is not an instance type"), offset));
                };
                self.imports.push(Import {
                    name: name.to_string(),
                    versionless: versionless(name).to_string(),
                    js_name: String::new(),
                    kind: ImportKind::Instance,
                    functions: Vec::new(),
                    resources: Vec::new(),
                });
                let mut created = Vec::new();
                let mut resources = std::mem::take(&mut self.resources);
                let exports = instance_type::evaluate(
                    &ty,
                    &mut self.arena,
                    &mut |resource_name| {
                        resources.push(Resource {
                            name: resource_name.to_string(),
                            js_name: upper_camel(resource_name),
                            import: Some(import),
                            dtor: None,
                            component_instance: None,
                        });
                        created.push(ResourceId::at(resources.len() - 1));
                        ResourceId::at(resources.len() - 1)
                    },
                    import,
                    offset,
                );
                self.resources = resources;
                self.imports[import.index()].resources = created;
                self.scope().component_instances.push(Rc::new(InstanceEntry { exports: exports? }));
            }
            ComponentTypeRef::Func(type_index) => {
                let TypeEntry::Func(ty) = lookup(&self.scope_ref().types, type_index, "type", offset)?.clone() else {
                    return Err(Error::invalid(format!("type {type_index} is not a function type"), offset));
                };
                if let Some(owner) = self.resource_import_of(name) {
                    self.scope().funcs.push(FuncEntry::Imported { import: owner, name: name.to_string(), ty });
                    return Ok(());
                }
                self.imports.push(Import {
                    name: name.to_string(),
                    versionless: versionless(name).to_string(),
                    js_name: lower_camel(name),
                    kind: ImportKind::Func,
                    functions: Vec::new(),
                    resources: Vec::new(),
                });
                self.scope().funcs.push(FuncEntry::Imported { import, name: name.to_string(), ty });
            }
            ComponentTypeRef::Type(wasmparser::TypeBounds::Eq(index)) => {
                let entry = lookup(&self.scope_ref().types, index, "type", offset)?.clone();
                self.scope().types.push(entry);
            }
            ComponentTypeRef::Type(wasmparser::TypeBounds::SubResource) => {
                self.imports.push(self.new_import(name, upper_camel(name), ImportKind::Resource));
                let resource = self.new_resource(name, Some(import), None, None);
                self.imports[import.index()].resources.push(resource);
                self.scope().types.push(TypeEntry::Resource(resource));
            }
            ComponentTypeRef::Module(_) => {
                self.imports.push(self.new_import(name, lower_camel(name), ImportKind::Module));
                let module = ModuleId::at(self.modules.len());
                self.modules.push(ModuleRange {
                    start: offset,
                    end: offset,
                    import: Some(import),
                    features: Default::default(),
                });
                self.scope().core_modules.push(module);
            }
            other => {
                return Err(Error::unsupported(
                    format!("importing a {} (`{name}`) is not supported", other.kind().desc()),
                    offset,
                ))
            }
        }
        Ok(())
    }

    fn new_import(&self, name: &str, js_name: String, kind: ImportKind) -> Import {
        Import {
            name: name.to_string(),
            versionless: versionless(name).to_string(),
            js_name,
            kind,
            functions: Vec::new(),
            resources: Vec::new(),
        }
    }

    /// The world-level resource import that the function import `name` (`[method]r.f`,
    /// `[static]r.f`, `[constructor]r`) belongs to, if any.
    fn resource_import_of(&self, name: &str) -> Option<ImportId> {
        let rest = ["[constructor]", "[method]", "[static]"].iter().find_map(|prefix| name.strip_prefix(prefix))?;
        let resource = rest.split('.').next().unwrap_or(rest);
        let found = self.imports.iter().position(|i| i.kind == ImportKind::Resource && i.name == resource)?;
        Some(ImportId::at(found))
    }

    fn push_item(&mut self, kind: ComponentExternalKind, item: Item<'a>, name: &str, offset: usize) -> Result<()> {
        match (kind, item) {
            (ComponentExternalKind::Func, Item::Func(func)) => self.scope().funcs.push(func),
            (ComponentExternalKind::Type, Item::Type(ty)) => self.scope().types.push(ty),
            (ComponentExternalKind::Instance, Item::Instance(instance)) => {
                self.scope().component_instances.push(instance)
            }
            (ComponentExternalKind::Module, Item::CoreModule(module)) => self.scope().core_modules.push(module),
            (ComponentExternalKind::Component, Item::Component(range)) => self.scope().components.push(range),
            (kind, _) => return Err(Error::invalid(format!("`{name}` is not a {}", kind.desc()), offset)),
        }
        Ok(())
    }

    fn item(&self, kind: ComponentExternalKind, index: u32, offset: usize) -> Result<Item<'a>> {
        Ok(match kind {
            ComponentExternalKind::Func => Item::Func(lookup(&self.scope_ref().funcs, index, "func", offset)?.clone()),
            ComponentExternalKind::Type => Item::Type(lookup(&self.scope_ref().types, index, "type", offset)?.clone()),
            ComponentExternalKind::Instance => {
                Item::Instance(lookup(&self.scope_ref().component_instances, index, "instance", offset)?.clone())
            }
            ComponentExternalKind::Module => {
                Item::CoreModule(*lookup(&self.scope_ref().core_modules, index, "core module", offset)?)
            }
            ComponentExternalKind::Component => {
                Item::Component(lookup(&self.scope_ref().components, index, "component", offset)?.clone())
            }
            ComponentExternalKind::Value => {
                return Err(Error::unsupported("component values (`cm-values`) are not supported", offset))
            }
        })
    }

    /// The signature of a function of type `ty` lifted (`lift`) or lowered with `options`,
    /// flattened as they say.
    fn signature(&self, name: &str, ty: &FuncType, options: &Options, lift: bool) -> FuncSig {
        FuncSig::new(name, ty.is_async, ty.params.clone(), ty.result, options.crossing(lift), &self.arena)
    }
}

#[cfg(test)]
mod tests {
    use crate::error::Context;

    fn context(text: &str) -> Option<Context> {
        crate::plan(&wat::parse_str(text).unwrap(), false).unwrap_err().context
    }

    #[test]
    fn errors_name_what_was_being_read() {
        assert_eq!(context(r#"(component (import "f" (func (type 7))))"#), Some(Context::Import("f".into())));
        assert_eq!(context(r#"(component (export "e" (func 3)))"#), Some(Context::Export("e".into())));
        assert_eq!(context(r#"(component (alias export 5 "x" (func)))"#), Some(Context::Section("alias")));
    }
}
