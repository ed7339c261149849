//! `canon` definitions: lifted functions, lowered ones (host or component-to-component calls),
//! and the resource built-ins.

use super::Builder;
use crate::error::{Error, Result};
use crate::ids::{ImportId, ResourceId};
use crate::names::member_js_name;
use crate::plan::scope::{lookup, FuncEntry, TypeEntry};
use crate::plan::{Callee, HostCallee, ImportKind, Member, MemberKind, Options, Step, StringEncoding};
use wasmparser::{CanonicalFunction, CanonicalOption};

impl Builder<'_> {
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

    pub(super) fn canonical(&mut self, func: CanonicalFunction, offset: usize) -> Result<()> {
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

    /// How the runtime reaches the host function `name` of `import`, from wit-component's
    /// `[method]r.f`, `[static]r.f` and `[constructor]r` naming.
    fn callee(&self, import: ImportId, name: &str, offset: usize) -> Result<HostCallee> {
        let imported = &self.imports[import.index()];
        if imported.kind == ImportKind::Func {
            return Ok(HostCallee { import, name: name.to_string(), member: None, js_name: imported.js_name.clone() });
        }
        let named_resource = |resource_name: &str| {
            imported
                .resources
                .iter()
                .copied()
                .find(|&r| self.resources[r.index()].name == resource_name)
                .ok_or_else(|| Error::invalid(format!("`{name}` names an unknown resource `{resource_name}`"), offset))
        };
        let member = match MemberKind::parse(name) {
            Some((kind, resource_name)) => Some(Member { kind, resource: named_resource(resource_name)? }),
            None => None,
        };
        Ok(HostCallee { import, name: name.to_string(), member, js_name: member_js_name(name) })
    }
}
