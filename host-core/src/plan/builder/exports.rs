//! Exports: what JS finds on the root's exports, and what a nested component's instance exports.

use super::Builder;
use crate::abi::signature::FuncSig;
use crate::error::{Error, Result};
use crate::ids::{ResourceId, TypeId};
use crate::names::{interface_js_name, member_js_name, upper_camel};
use crate::plan::scope::{lookup, FuncEntry, Item, TypeEntry};
use crate::plan::{Export, Member, MemberKind};
use crate::types::TypeKind;
use wasmparser::{ComponentExternalKind, ComponentTypeRef};

impl<'a> Builder<'a> {
    pub(super) fn export(
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
                    TypeEntry::Func(named)
                        if self
                            .signature(name, named, &options, true)
                            .same_flat(&self.signature(name, &ty, &options, true)) =>
                    {
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
            sig: self.signature(name, ty, options, true),
            options: options.clone(),
            member: None,
        })
    }

    /// Marks each exported `[constructor]r`, `[method]r.f` and `[static]r.f` function with the guest
    /// resource whose JS class it belongs to; once every export is known, since a resource is
    /// named by its export.
    pub(super) fn assign_members(&self, exports: &mut [Export]) {
        for export in exports {
            match export {
                Export::Instance { exports, .. } => self.assign_members(exports),
                Export::Func { name, sig, member, .. } => *member = self.member_of(name, sig),
                Export::Resource { .. } | Export::Module { .. } => {}
            }
        }
    }

    /// The class member an exported function is: its resource from its signature (a constructor's
    /// `own<r>` result, a method's `borrow<r>` receiver), else by the name in its own; none if that
    /// resource is not the component's own (only a guest resource has a class).
    fn member_of(&self, name: &str, sig: &FuncSig) -> Option<Member> {
        let (kind, resource_name) = MemberKind::parse(name)?;
        let own = |ty: TypeId| match self.arena.get(ty).kind {
            TypeKind::Own { resource } => Some(resource),
            _ => None,
        };
        let by_signature = match kind {
            MemberKind::Constructor => sig.result.and_then(|ty| match self.arena.get(ty).kind {
                TypeKind::Result { ok: Some(ok), .. } => own(ok),
                _ => own(ty),
            }),
            MemberKind::Method => sig.params.first().and_then(|p| match self.arena.get(p.ty).kind {
                TypeKind::Borrow { resource } => Some(resource),
                _ => None,
            }),
            MemberKind::Static => None,
        };
        let resource = by_signature.or_else(|| {
            self.resources.iter().position(|r| r.import.is_none() && r.name == resource_name).map(ResourceId::at)
        })?;
        self.resources[resource.index()].import.is_none().then_some(Member { kind, resource })
    }
}
