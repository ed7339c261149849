//! Walks a component's sections in binary order and turns them into a [`Plan`].
//!
//! Binary order is a valid definition order, so each core-level definition becomes a step that
//! the JS runtime can run as it comes; component-level definitions (types, imports, aliases,
//! lifted functions, instances of exports) are resolved here and never reach JS as such.

use super::instance_type;
use super::resolve::type_entry;
use super::scope::{enclosing, lookup, ComponentDef, FuncEntry, FuncType, InstanceEntry, Item, Scope, TypeEntry};
use super::*;
use crate::abi::signature::FuncSig;
use crate::error::{Context, Error, Result};
use crate::ids::{ComponentInstanceId, CoreFuncId, CoreInstanceId, ImportId, ModuleId, ResourceId};
use crate::names::{interface_js_name, lower_camel, upper_camel, versionless};
use crate::types::TypeArena;
use std::collections::HashMap;
use std::rc::Rc;
use wasmparser::{
    CanonicalFunction, CanonicalOption, Chunk, ComponentAlias, ComponentExternalKind, ComponentOuterAliasKind,
    ComponentTypeRef, Encoding, ExternalKind, Instance, Parser, Payload,
};

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
    arena: TypeArena,
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
    fn finish(self) -> Plan {
        Plan {
            modules: self.modules,
            types: self.arena.into_defs(),
            resources: self.resources,
            imports: self.imports,
            steps: self.steps,
            exports: self.exports,
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

    /// Walks the component at `range` of the root binary, in the innermost scope.
    fn walk(&mut self, range: std::ops::Range<usize>) -> Result<()> {
        let bytes = self.bytes;
        let mut parser = Parser::new(range.start as u64);
        let mut rest = &bytes[range];
        loop {
            let (payload, consumed) = match parser.parse(rest, true)? {
                Chunk::Parsed { consumed, payload } => (payload, consumed),
                Chunk::NeedMoreData(_) => unreachable!("the whole binary is given with eof = true"),
            };
            rest = &rest[consumed..];
            match payload {
                Payload::Version { encoding: Encoding::Component, .. } => {}
                Payload::Version { range, .. } => return Err(Error::not_a_component(range.start as usize)),
                Payload::ModuleSection { unchecked_range, .. } => {
                    let std::ops::Range { start, end } = skip_nested(&mut rest, unchecked_range, "module")?;
                    // A nested component instantiated again defines the same module: compile it once.
                    let module = match self.module_at.get(&start) {
                        Some(&module) => module,
                        None => {
                            let features = crate::parse::features::declared_features(&bytes[start..end], start)?;
                            let module = ModuleId::at(self.modules.len());
                            self.modules.push(ModuleRange { start, end, import: None, features });
                            self.module_at.insert(start, module);
                            module
                        }
                    };
                    self.scope().core_modules.push(module);
                }
                Payload::ComponentSection { unchecked_range, .. } => {
                    let range = skip_nested(&mut rest, unchecked_range, "component")?;
                    let enclosing = self.scope_ref().enclosing_here(self.scopes.len() - 1);
                    self.scope().components.push(ComponentDef { range, enclosing });
                }
                Payload::InstanceSection(section) => {
                    for item in section.into_iter_with_offsets() {
                        let (offset, instance) = item?;
                        let offset = offset as usize;
                        self.core_instance(instance, offset)?;
                    }
                }
                Payload::CoreTypeSection(_) | Payload::CustomSection(_) => {}
                Payload::ComponentTypeSection(section) => {
                    for item in section.into_iter_with_offsets() {
                        let (offset, ty) = item?;
                        let offset = offset as usize;
                        let entry = match ty {
                            wasmparser::ComponentType::Resource { dtor, .. } => {
                                let dtor = dtor
                                    .map(|f| lookup(&self.scope_ref().core_funcs, f, "core func", offset).copied())
                                    .transpose()?;
                                let component_instance = Some(self.scope_ref().component_instance);
                                TypeEntry::Resource(self.new_resource("", None, dtor, component_instance))
                            }
                            ty => {
                                let scopes = &self.scopes;
                                let outer = |count, index| {
                                    Ok(lookup(enclosing(scopes, count, offset)?.types, index, "type", offset)?.clone())
                                };
                                let types = &scopes[scopes.len() - 1].types;
                                type_entry(&mut self.arena, types, &outer, ty, offset)?
                            }
                        };
                        self.scope().types.push(entry);
                    }
                }
                Payload::ComponentImportSection(section) => {
                    for item in section.into_iter_with_offsets() {
                        let (offset, import) = item?;
                        let offset = offset as usize;
                        let name = import.name.full_name();
                        self.import(&name, import.ty, offset)
                            .map_err(|err| err.within(Context::Import(name.into())))?;
                    }
                }
                Payload::ComponentAliasSection(section) => {
                    for item in section.into_iter_with_offsets() {
                        let (offset, alias) = item?;
                        let offset = offset as usize;
                        self.alias(alias, offset)?;
                    }
                }
                Payload::ComponentInstanceSection(section) => {
                    for item in section.into_iter_with_offsets() {
                        let (offset, instance) = item?;
                        let offset = offset as usize;
                        self.component_instance(instance, offset)?;
                    }
                }
                Payload::ComponentCanonicalSection(section) => {
                    for item in section.into_iter_with_offsets() {
                        let (offset, func) = item?;
                        let offset = offset as usize;
                        self.canonical(func, offset)?;
                    }
                }
                Payload::ComponentExportSection(section) => {
                    for item in section.into_iter_with_offsets() {
                        let (offset, export) = item?;
                        let offset = offset as usize;
                        let name = export.name.full_name();
                        self.export(&name, export.kind, export.index, export.ty, offset)
                            .map_err(|err| err.within(Context::Export(name.into())))?;
                    }
                }
                Payload::ComponentStartSection { range, .. } => {
                    return Err(Error::unsupported("component start functions are not supported", range.start as usize))
                }
                Payload::End(_) => return Ok(()),
                Payload::UnknownSection { id, range, .. } => {
                    return Err(Error::unknown_section(id, range.start as usize))
                }
                other => {
                    let offset = other.as_section().map_or(0, |(_, range)| range.start);
                    return Err(Error::invalid("a core module section inside a component", offset as usize));
                }
            }
        }
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

    fn core_instance(&mut self, instance: Instance<'a>, offset: usize) -> Result<()> {
        let step = match instance {
            Instance::Instantiate { module_index, args } => Step::Instantiate {
                module: *lookup(&self.scope_ref().core_modules, module_index, "core module", offset)?,
                args: args
                    .iter()
                    .map(|arg| {
                        let core_instance =
                            *lookup(&self.scope_ref().core_instances, arg.index, "core instance", offset)?;
                        Ok(InstantiateArg { name: arg.name.to_string(), core_instance })
                    })
                    .collect::<Result<_>>()?,
            },
            Instance::FromExports(exports) => Step::Bundle {
                exports: exports
                    .iter()
                    .map(|export| {
                        let kind = Self::core_sort(export.kind, offset)?;
                        let index = self.core_index(kind, export.index, offset)?;
                        Ok(BundleExport { name: export.name.to_string(), kind, index })
                    })
                    .collect::<Result<_>>()?,
            },
        };
        let core_instance = CoreInstanceId(self.push_step(step));
        self.scope().core_instances.push(core_instance);
        Ok(())
    }

    fn import(&mut self, name: &str, ty: ComponentTypeRef, offset: usize) -> Result<()> {
        if let Some(args) = &self.scope_ref().args {
            let item = args
                .iter()
                .find(|(arg, _)| arg == name)
                .map(|(_, item)| item.clone())
                .ok_or_else(|| Error::invalid(format!("missing instantiation argument `{name}`"), offset))?;
            if let Item::Instance(instance) = &item {
                for (member, item) in &instance.exports {
                    if let Item::Func(FuncEntry::Lifted { core_func, .. }) = item {
                        self.lifted_names.insert(*core_func, format!("{}#{member}", versionless(name)));
                    }
                }
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
                    wasi: polyfill_wasi::provides(name),
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
                    wasi: None,
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
            wasi: None,
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

    fn alias(&mut self, alias: ComponentAlias<'a>, offset: usize) -> Result<()> {
        match alias {
            ComponentAlias::CoreInstanceExport { kind, instance_index, name } => {
                let sort = Self::core_sort(kind, offset)?;
                let core_instance = *lookup(&self.scope_ref().core_instances, instance_index, "core instance", offset)?;
                let index = self.push_step(Step::Alias { kind: sort, core_instance, name: name.to_string() });
                self.push_core_index(sort, index);
            }
            ComponentAlias::InstanceExport { kind, instance_index, name } => {
                let instance =
                    lookup(&self.scope_ref().component_instances, instance_index, "instance", offset)?.clone();
                let item = instance.get(name).ok_or_else(|| {
                    Error::invalid(format!("instance {instance_index} has no export `{name}`"), offset)
                })?;
                self.push_item(kind, item.clone(), name, offset)?;
            }
            ComponentAlias::Outer { kind, count, index } => {
                let outer = enclosing(&self.scopes, count, offset)?;
                match kind {
                    ComponentOuterAliasKind::Type => {
                        let entry = lookup(outer.types, index, "type", offset)?.clone();
                        self.scope().types.push(entry);
                    }
                    ComponentOuterAliasKind::Component => {
                        let def = lookup(outer.components, index, "component", offset)?.clone();
                        self.scope().components.push(def);
                    }
                    ComponentOuterAliasKind::CoreModule => {
                        let module = *lookup(outer.core_modules, index, "core module", offset)?;
                        self.scope().core_modules.push(module);
                    }
                    ComponentOuterAliasKind::CoreType => {}
                }
            }
        }
        Ok(())
    }

    /// Adds `item` to the index space of `kind`, checking that it is of that kind.
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

    fn component_instance(&mut self, instance: wasmparser::ComponentInstance<'a>, offset: usize) -> Result<()> {
        match instance {
            wasmparser::ComponentInstance::FromExports(exports) => {
                let mut items = Vec::new();
                for export in exports.iter() {
                    let item = self.item(export.kind, export.index, offset)?;
                    items.push((export.name.full_name().to_string(), item));
                }
                self.scope().component_instances.push(Rc::new(InstanceEntry { exports: items }));
                Ok(())
            }
            wasmparser::ComponentInstance::Instantiate { component_index, args } => {
                if self.scopes.len() > MAX_NESTING {
                    return Err(Error::unsupported(format!("components nested deeper than {MAX_NESTING}"), offset));
                }
                let def = lookup(&self.scope_ref().components, component_index, "component", offset)?.clone();
                self.walked += def.range.len();
                if self.walked > self.walk_budget {
                    return Err(Error::unsupported(
                        format!("nested component instantiations walk more than {} bytes", self.walk_budget),
                        offset,
                    ));
                }
                let args = args
                    .iter()
                    .map(|arg| Ok((arg.name.to_string(), self.item(arg.kind, arg.index, offset)?)))
                    .collect::<Result<Vec<_>>>()?;
                self.component_instance_count += 1;
                let component_instance = ComponentInstanceId(self.component_instance_count);
                self.scopes.push(Scope {
                    args: Some(args),
                    enclosing: Some(def.enclosing),
                    component_instance,
                    ..Scope::default()
                });
                let walked = self.walk(def.range);
                let nested = self.scopes.pop().expect("the nested scope pushed above");
                walked?;
                self.scope().component_instances.push(Rc::new(InstanceEntry { exports: nested.exports }));
                Ok(())
            }
        }
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

    fn options(&self, options: &[CanonicalOption], offset: usize) -> Result<Options> {
        let mut out = Options { component_instance: self.scope_ref().component_instance, ..Options::default() };
        for option in options {
            match *option {
                CanonicalOption::UTF8 => out.string_encoding = StringEncoding::Utf8,
                CanonicalOption::UTF16 => out.string_encoding = StringEncoding::Utf16,
                CanonicalOption::CompactUTF16 => out.string_encoding = StringEncoding::CompactUtf16,
                CanonicalOption::Memory(i) => {
                    out.memory = Some(*lookup(&self.scope_ref().core_memories, i, "core memory", offset)?)
                }
                CanonicalOption::Realloc(i) => {
                    out.realloc = Some(*lookup(&self.scope_ref().core_funcs, i, "core func", offset)?)
                }
                CanonicalOption::PostReturn(i) => {
                    out.post_return = Some(*lookup(&self.scope_ref().core_funcs, i, "core func", offset)?)
                }
                CanonicalOption::Async | CanonicalOption::Callback(_) => {
                    return Err(Error::unsupported("async canonical options (component-model async)", offset))
                }
                CanonicalOption::CoreType(_) | CanonicalOption::Gc => {
                    return Err(Error::unsupported("GC canonical options", offset))
                }
            }
        }
        Ok(out)
    }

    fn resource_of(&self, index: u32, offset: usize) -> Result<ResourceId> {
        match lookup(&self.scope_ref().types, index, "type", offset)? {
            TypeEntry::Resource(r) => Ok(*r),
            _ => Err(Error::invalid(format!("type {index} is not a resource type"), offset)),
        }
    }

    fn canonical(&mut self, func: CanonicalFunction, offset: usize) -> Result<()> {
        match func {
            CanonicalFunction::Lift { core_func_index, type_index, options } => {
                let core_func = *lookup(&self.scope_ref().core_funcs, core_func_index, "core func", offset)?;
                let TypeEntry::Func(ty) = lookup(&self.scope_ref().types, type_index, "type", offset)?.clone() else {
                    return Err(Error::invalid(format!("type {type_index} is not a function type"), offset));
                };
                let options = self.options(&options, offset)?;
                self.scope().funcs.push(FuncEntry::Lifted { core_func, ty, options });
            }
            CanonicalFunction::Lower { func_index, options } => {
                let func = lookup(&self.scope_ref().funcs, func_index, "func", offset)?.clone();
                let options = self.options(&options, offset)?;
                let (callee, sig) = match func {
                    FuncEntry::Imported { import, name, ty } => {
                        let callee = Callee::Host(self.callee(import, &name, offset)?);
                        let sig = self.signature(&name, &ty);
                        let functions = &mut self.imports[import.index()].functions;
                        if !functions.contains(&name) {
                            functions.push(name);
                        }
                        (callee, sig)
                    }
                    FuncEntry::Lifted { core_func, ty, options: callee_options } => {
                        let name = self.lifted_names.get(&core_func).cloned().unwrap_or_default();
                        (Callee::Lifted { core_func, options: callee_options, name }, self.signature("", &ty))
                    }
                };
                self.push_core_func(Step::Lower { callee, sig, options });
            }
            CanonicalFunction::ResourceNew { resource } => {
                let resource = self.resource_of(resource, offset)?;
                let component_instance = self.scope_ref().component_instance;
                self.push_core_func(Step::ResourceNew { resource, component_instance });
            }
            CanonicalFunction::ResourceRep { resource } => {
                let resource = self.resource_of(resource, offset)?;
                let component_instance = self.scope_ref().component_instance;
                self.push_core_func(Step::ResourceRep { resource, component_instance });
            }
            CanonicalFunction::ResourceDrop { resource } => {
                let resource = self.resource_of(resource, offset)?;
                let component_instance = self.scope_ref().component_instance;
                self.push_core_func(Step::ResourceDrop { resource, component_instance });
            }
            _ => {
                return Err(Error::unsupported(
                    "canonical built-ins of component-model async, threads or GC are not supported",
                    offset,
                ))
            }
        }
        Ok(())
    }

    fn signature(&self, name: &str, ty: &FuncType) -> FuncSig {
        FuncSig::new(name, ty.params.clone(), ty.result, &self.arena)
    }

    /// How the runtime reaches the host function `name` of `import`, from wit-component's
    /// `[method]r.f`, `[static]r.f` and `[constructor]r` naming.
    fn callee(&self, import: ImportId, name: &str, offset: usize) -> Result<HostCallee> {
        let imported = &self.imports[import.index()];
        if imported.kind == ImportKind::Func {
            return Ok(HostCallee {
                import,
                name: name.to_string(),
                kind: CalleeKind::Freestanding,
                resource: None,
                js_name: imported.js_name.clone(),
            });
        }
        let named_resource = |resource_name: &str| {
            imported
                .resources
                .iter()
                .copied()
                .find(|&r| self.resources[r.index()].name == resource_name)
                .ok_or_else(|| Error::invalid(format!("`{name}` names an unknown resource `{resource_name}`"), offset))
        };
        let js_name = member_js_name(name);
        let (kind, resource) = if let Some(rest) = name.strip_prefix("[method]") {
            (CalleeKind::Method, Some(named_resource(rest.split('.').next().unwrap_or(rest))?))
        } else if let Some(rest) = name.strip_prefix("[static]") {
            (CalleeKind::Static, Some(named_resource(rest.split('.').next().unwrap_or(rest))?))
        } else if let Some(resource) = name.strip_prefix("[constructor]") {
            (CalleeKind::Constructor, Some(named_resource(resource)?))
        } else {
            (CalleeKind::Freestanding, None)
        };
        Ok(HostCallee { import, name: name.to_string(), kind, resource, js_name })
    }

    fn export(
        &mut self,
        name: &str,
        kind: ComponentExternalKind,
        index: u32,
        ascribed: Option<ComponentTypeRef>,
        offset: usize,
    ) -> Result<()> {
        let item = self.named_item(self.item(kind, index, offset)?, name, ascribed, offset)?;
        if !self.at_root() {
            // A resource is named by its first export, nested or not (messages and JS classes use it).
            if let Item::Type(TypeEntry::Resource(r)) = &item {
                self.name_resource(*r, name);
            }
            self.scope().exports.push((name.to_string(), item.clone()));
            return self.push_item(kind, item, name, offset);
        }
        if let Some(export) = self.root_export(name, &item, offset)? {
            self.exports.push(export);
        }
        self.push_item(kind, item, name, offset)
    }

    /// What JS finds under the root's export (or an exported instance's member) `name`, if anything.
    fn root_export(&mut self, name: &str, item: &Item<'a>, offset: usize) -> Result<Option<Export>> {
        let (name, js_name) = (name.to_string(), interface_js_name(name));
        Ok(match item {
            Item::Func(func) => Some(self.export_func(&name, func, offset)?),
            Item::Instance(instance) => {
                let mut exports = Vec::new();
                for (member, item) in &instance.exports {
                    exports.extend(self.root_export(member, item, offset)?);
                }
                Some(Export::Instance { name, js_name, exports })
            }
            Item::Type(TypeEntry::Resource(r)) => {
                self.name_resource(*r, &name);
                let guest = self.resources[r.index()].import.is_none();
                guest.then(|| Export::Resource { js_name: upper_camel(&name), name, resource: *r })
            }
            Item::CoreModule(module) => Some(Export::Module { name, js_name, module: *module }),
            Item::Type(_) | Item::Component(_) => None,
        })
    }

    /// An exported item as its WIT names say: a value type under its export name, a lifted function
    /// under its ascribed type (whose parameters refer to those named types, as wit-component emits
    /// them) when that type has the same flattening. Only declarations see the difference.
    fn named_item(
        &mut self,
        item: Item<'a>,
        name: &str,
        ascribed: Option<ComponentTypeRef>,
        offset: usize,
    ) -> Result<Item<'a>> {
        Ok(match (item, ascribed) {
            (Item::Type(TypeEntry::Value(id)), _) => Item::Type(TypeEntry::Value(self.arena.named(id, name))),
            (Item::Func(FuncEntry::Lifted { core_func, ty, options }), Some(ComponentTypeRef::Func(index))) => {
                let ty = match lookup(&self.scope_ref().types, index, "type", offset)? {
                    TypeEntry::Func(named) if self.signature(name, named).same_flat(&self.signature(name, &ty)) => {
                        named.clone()
                    }
                    _ => ty,
                };
                Item::Func(FuncEntry::Lifted { core_func, ty, options })
            }
            (item, _) => item,
        })
    }

    /// A guest-defined resource is anonymous until exported: its first export name names its JS class.
    fn name_resource(&mut self, resource: ResourceId, name: &str) {
        let resource = &mut self.resources[resource.index()];
        if resource.name.is_empty() {
            resource.name = name.to_string();
            resource.js_name = upper_camel(name);
        }
    }

    fn export_func(&self, name: &str, func: &FuncEntry, offset: usize) -> Result<Export> {
        let FuncEntry::Lifted { core_func, ty, options } = func else {
            return Err(Error::unsupported(format!("re-exporting the imported function `{name}`"), offset));
        };
        Ok(Export::Func {
            name: name.to_string(),
            js_name: member_js_name(name),
            core_func: *core_func,
            func: self.signature(name, ty),
            options: options.clone(),
        })
    }
}

/// Steps over a nested module or component whose bytes the parser left to the caller, refusing one
/// that runs past the component it is in (the parser only knows the section's declared size).
fn skip_nested(rest: &mut &[u8], range: std::ops::Range<u64>, what: &str) -> Result<std::ops::Range<usize>> {
    let (start, len) = (range.start as usize, range.end - range.start);
    let Some(after) = usize::try_from(len).ok().and_then(|len| rest.get(len..)) else {
        let message = format!("{what} section of {len} bytes extends past the end of its component");
        return Err(Error::malformed(message, start));
    };
    *rest = after;
    Ok(start..start + len as usize)
}

/// The JS name of an instance member, after wit-component's naming of resource functions:
/// `[method]output-stream.check-write` → `checkWrite`, `[constructor]counter` → `Counter`,
/// `get-stdout` → `getStdout`.
fn member_js_name(name: &str) -> String {
    if let Some(resource) = name.strip_prefix("[constructor]") {
        return upper_camel(resource);
    }
    match name.strip_prefix("[method]").or_else(|| name.strip_prefix("[static]")) {
        Some(rest) => lower_camel(rest.split_once('.').map_or(rest, |(_, member)| member)),
        None => lower_camel(name),
    }
}

#[cfg(test)]
mod tests {
    use crate::error::Context;

    fn context(text: &str) -> Option<Context> {
        crate::plan(&wat::parse_str(text).unwrap(), false).unwrap_err().context
    }

    #[test]
    fn errors_name_the_import_or_export_being_read() {
        assert_eq!(context(r#"(component (import "f" (func (type 7))))"#), Some(Context::Import("f".into())));
        assert_eq!(context(r#"(component (export "e" (func 3)))"#), Some(Context::Export("e".into())));
    }
}
