//! The walk over a component's sections, and what defines core instances, component instances
//! (nested components among them), aliases and types.

use super::{Builder, MAX_NESTING};
use crate::error::{Context, Error, Result};
use crate::ids::{ComponentInstanceId, CoreInstanceId, ModuleId};
use crate::plan::resolve::type_entry;
use crate::plan::scope::{enclosing, lookup, ComponentDef, InstanceEntry, Scope, TypeEntry};
use crate::plan::{BundleExport, InstantiateArg, ModuleRange, Step};
use std::rc::Rc;
use wasmparser::{
    Chunk, ComponentAlias, ComponentOuterAliasKind, Encoding, FromReader, Instance, Parser, Payload, SectionLimited,
};

impl<'a> Builder<'a> {
    /// Walks the component at `range` of the root binary, in the innermost scope.
    pub(super) fn walk(&mut self, range: std::ops::Range<usize>) -> Result<()> {
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
                Payload::InstanceSection(section) => self.each(section, "core instance", Self::core_instance)?,
                Payload::CoreTypeSection(_) | Payload::CustomSection(_) => {}
                Payload::ComponentTypeSection(section) => self.each(section, "type", Self::component_type)?,
                Payload::ComponentImportSection(section) => {
                    self.each(section, "import", |builder, import, offset| {
                        let name = import.name.full_name();
                        builder.import(&name, import.ty, offset).map_err(|err| err.within(Context::Import(name.into())))
                    })?
                }
                Payload::ComponentAliasSection(section) => self.each(section, "alias", Self::alias)?,
                Payload::ComponentInstanceSection(section) => {
                    self.each(section, "instance", Self::component_instance)?
                }
                Payload::ComponentCanonicalSection(section) => self.each(section, "canonical", Self::canonical)?,
                Payload::ComponentExportSection(section) => {
                    self.each(section, "export", |builder, export, offset| {
                        let name = export.name.full_name();
                        builder
                            .export(&name, export.kind, export.index, export.ty, offset)
                            .map_err(|err| err.within(Context::Export(name.into())))
                    })?
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

    /// Reads the items of `section` in order, each with its offset, naming the section in errors.
    fn each<T: FromReader<'a>>(
        &mut self,
        section: SectionLimited<'a, T>,
        name: &'static str,
        mut read: impl FnMut(&mut Self, T, usize) -> Result<()>,
    ) -> Result<()> {
        let read_all = || {
            for item in section.into_iter_with_offsets() {
                let (offset, item) = item?;
                read(self, item, offset as usize)?;
            }
            Ok(())
        };
        read_all().map_err(|err: Error| err.within(Context::Section(name)))
    }

    /// A type definition: a resource type of this component, or a type resolved in its scope.
    fn component_type(&mut self, ty: wasmparser::ComponentType<'a>, offset: usize) -> Result<()> {
        let entry = match ty {
            wasmparser::ComponentType::Resource { dtor, .. } => {
                let dtor =
                    dtor.map(|f| lookup(&self.scope_ref().core_funcs, f, "core func", offset).copied()).transpose()?;
                let component_instance = Some(self.scope_ref().component_instance);
                TypeEntry::Resource(self.new_resource("", None, dtor, component_instance))
            }
            ty => {
                let scopes = &self.scopes;
                let outer =
                    |count, index| Ok(lookup(enclosing(scopes, count, offset)?.types, index, "type", offset)?.clone());
                let types = &scopes[scopes.len() - 1].types;
                type_entry(&mut self.arena, types, &outer, ty, offset)?
            }
        };
        self.scope().types.push(entry);
        Ok(())
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
