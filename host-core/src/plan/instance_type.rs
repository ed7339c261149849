//! Evaluating an instance type for one import: its abstract resources become fresh resources
//! of that import, and its function exports become host functions to lower.

use super::resolve::type_entry;
use super::scope::{lookup, FuncEntry, InstanceType, Item, TypeEntry};
use crate::abi::layout::Layout;
use crate::error::{Error, Result};
use crate::ids::{ImportId, ResourceId};
use crate::types::TypeArena;
use wasmparser::{ComponentAlias, ComponentOuterAliasKind, ComponentTypeRef, InstanceTypeDeclaration, TypeBounds};

/// The exports of an instance of type `ty` imported as import number `import`.
pub fn evaluate<'a>(
    ty: &InstanceType<'a>,
    arena: &mut TypeArena<Layout>,
    new_resource: &mut dyn FnMut(&str) -> ResourceId,
    import: ImportId,
    offset: usize,
) -> Result<Vec<(String, Item<'a>)>> {
    let mut local: Vec<TypeEntry<'a>> = Vec::new();
    let mut outer = ty.outer.iter();
    let mut exports = Vec::new();
    for decl in ty.decls.iter().cloned() {
        match decl {
            InstanceTypeDeclaration::CoreType(_) => {}
            InstanceTypeDeclaration::Type(ty) => {
                // A type defined in an instance type, itself an instance type, sees this one's types.
                let nested_outer = |count: u32, index: u32| match count {
                    0 => lookup(&local, index, "type", offset).cloned(),
                    _ => Err(Error::unsupported("outer aliases out of an instance type nested in another", offset)),
                };
                let entry = type_entry(arena, &local, &nested_outer, ty, offset)?;
                local.push(entry);
            }
            InstanceTypeDeclaration::Alias(ComponentAlias::Outer {
                kind: ComponentOuterAliasKind::Type,
                count,
                index,
            }) => {
                let entry = match count {
                    0 => lookup(&local, index, "type", offset)?.clone(),
                    _ => outer.next().expect("one resolved entry per outer alias").clone(),
                };
                local.push(entry);
            }
            InstanceTypeDeclaration::Alias(_) => {
                return Err(Error::unsupported("this kind of alias inside an instance type", offset))
            }
            InstanceTypeDeclaration::Export { name, ty } => {
                let name = name.name.to_string();
                let item = match ty {
                    ComponentTypeRef::Type(TypeBounds::SubResource) => {
                        let entry = TypeEntry::Resource(new_resource(&name));
                        local.push(entry.clone());
                        Item::Type(entry)
                    }
                    ComponentTypeRef::Type(TypeBounds::Eq(index)) => {
                        let entry = match lookup(&local, index, "type", offset)? {
                            TypeEntry::Value(id) => TypeEntry::Value(arena.named(*id, &name)),
                            other => other.clone(),
                        };
                        local.push(entry.clone());
                        Item::Type(entry)
                    }
                    ComponentTypeRef::Func(index) => match lookup(&local, index, "type", offset)? {
                        TypeEntry::Func(ty) => {
                            Item::Func(FuncEntry::Imported { import, name: name.clone(), ty: ty.clone() })
                        }
                        _ => return Err(Error::invalid(format!("type {index} is not a function type"), offset)),
                    },
                    other => {
                        return Err(Error::unsupported(
                            format!("importing a {} (`{name}`) inside an instance", other.kind().desc()),
                            offset,
                        ))
                    }
                };
                exports.push((name, item));
            }
        }
    }
    Ok(exports)
}
