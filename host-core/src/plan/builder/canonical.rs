//! `canon` definitions: lifted functions, lowered ones (host or component-to-component calls),
//! the resource built-ins and those of component-model async.

use super::Builder;
use crate::abi::signature::{Crossing, FuncSig, Param};
use crate::error::{Error, Result};
use crate::ids::{ImportId, ResourceId, TypeId};
use crate::names::member_js_name;
use crate::plan::resolve::value_type;
use crate::plan::scope::{lookup, FuncEntry, TypeEntry};
use crate::plan::{
    Builtin, Callee, ChannelKind, ChannelOp, HostCallee, ImportKind, Member, MemberKind, Options, Step, StringEncoding,
};
use crate::types::TypeKind;
use wasmparser::{CanonicalFunction, CanonicalOption, ComponentValType, ValType};

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
                CanonicalOption::Async => out.is_async = true,
                CanonicalOption::Callback(i) => {
                    out.callback = Some(*lookup(&self.scope_ref().core_funcs, i, "core func", offset)?)
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
                        let sig = self.signature(&name, &ty, &options, false);
                        let functions = &mut self.imports[import.index()].functions;
                        if !functions.contains(&name) {
                            functions.push(name);
                        }
                        (callee, sig)
                    }
                    FuncEntry::Lifted { core_func, ty, options: callee_options } => {
                        let name = self.lifted_names.get(&core_func).cloned().unwrap_or_default();
                        let callee_sig = self.signature("", &ty, &callee_options, true);
                        (
                            Callee::Lifted { core_func, options: callee_options, name, sig: Box::new(callee_sig) },
                            self.signature("", &ty, &options, false),
                        )
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
            func => {
                let builtin = self.builtin(func, offset)?;
                let component_instance = self.scope_ref().component_instance;
                self.push_core_func(Step::Builtin { builtin, component_instance });
            }
        }
        Ok(())
    }

    /// A built-in of component-model async; the cooperative-thread (🧵), `forward` (➡️) and
    /// shared-everything-thread built-ins are refused by name.
    fn builtin(&mut self, func: CanonicalFunction, offset: usize) -> Result<Builtin> {
        use CanonicalFunction as F;
        Ok(match func {
            F::ContextGet { ty, slot } => Builtin::ContextGet { slot: context_slot("context.get", ty, slot, offset)? },
            F::ContextSet { ty, slot } => Builtin::ContextSet { slot: context_slot("context.set", ty, slot, offset)? },
            F::BackpressureInc => Builtin::BackpressureInc,
            F::BackpressureDec => Builtin::BackpressureDec,
            F::TaskReturn { result, options } => self.task_return(result, &options, offset)?,
            F::TaskCancel => Builtin::TaskCancel,
            F::WaitableSetNew => Builtin::WaitableSetNew,
            F::WaitableSetWait { memory } => Builtin::WaitableSetWait { memory: self.memory(memory, offset)? },
            F::WaitableSetPoll { memory } => Builtin::WaitableSetPoll { memory: self.memory(memory, offset)? },
            F::WaitableSetDrop => Builtin::WaitableSetDrop,
            F::WaitableJoin => Builtin::WaitableJoin,
            F::SubtaskCancel { async_ } => Builtin::SubtaskCancel { is_async: async_ },
            F::SubtaskDrop => Builtin::SubtaskDrop,
            F::StreamNew { .. }
            | F::StreamRead { .. }
            | F::StreamWrite { .. }
            | F::StreamCancelRead { .. }
            | F::StreamCancelWrite { .. }
            | F::StreamDropReadable { .. }
            | F::StreamDropWritable { .. } => self.channel(ChannelKind::Stream, func, offset)?,
            F::FutureNew { .. }
            | F::FutureRead { .. }
            | F::FutureWrite { .. }
            | F::FutureCancelRead { .. }
            | F::FutureCancelWrite { .. }
            | F::FutureDropReadable { .. }
            | F::FutureDropWritable { .. } => self.channel(ChannelKind::Future, func, offset)?,
            F::ThreadYield => Builtin::ThreadYield,
            F::ErrorContextNew { options } => Builtin::ErrorContextNew { options: self.options(&options, offset)? },
            F::ErrorContextDebugMessage { options } => {
                Builtin::ErrorContextDebugMessage { options: self.options(&options, offset)? }
            }
            F::ErrorContextDrop => Builtin::ErrorContextDrop,
            F::Lift { .. }
            | F::Lower { .. }
            | F::ResourceNew { .. }
            | F::ResourceRep { .. }
            | F::ResourceDrop { .. } => {
                unreachable!("planned by `canonical`")
            }
            F::StreamForward { .. } => return Err(refused("stream.forward", FORWARD, offset)),
            F::FutureForward { .. } => return Err(refused("future.forward", FORWARD, offset)),
            F::ThreadIndex => return Err(refused("thread.index", THREADS, offset)),
            F::ThreadNewIndirect { .. } => return Err(refused("thread.new-indirect", THREADS, offset)),
            F::ThreadResumeLater => return Err(refused("thread.resume-later", THREADS, offset)),
            F::ThreadSuspend => return Err(refused("thread.suspend", THREADS, offset)),
            F::ThreadSuspendThenResume => return Err(refused("thread.suspend-then-resume", THREADS, offset)),
            F::ThreadYieldThenResume => return Err(refused("thread.yield-then-resume", THREADS, offset)),
            F::ThreadSuspendThenPromote => return Err(refused("thread.suspend-then-promote", THREADS, offset)),
            F::ThreadYieldThenPromote => return Err(refused("thread.yield-then-promote", THREADS, offset)),
            F::ThreadSpawnRef { .. } => return Err(refused("thread.spawn-ref", SHARED_THREADS, offset)),
            F::ThreadSpawnIndirect { .. } => return Err(refused("thread.spawn-indirect", SHARED_THREADS, offset)),
            F::ThreadAvailableParallelism => {
                return Err(refused("thread.available-parallelism", SHARED_THREADS, offset))
            }
        })
    }

    /// A `stream.*` or `future.*` built-in (`kind` says which): the same operations on either.
    fn channel(&self, kind: ChannelKind, func: CanonicalFunction, offset: usize) -> Result<Builtin> {
        use CanonicalFunction as F;
        let (op, ty) = match func {
            F::StreamNew { ty } | F::FutureNew { ty } => (ChannelOp::New, ty),
            F::StreamRead { ty, options } | F::FutureRead { ty, options } => {
                (ChannelOp::Read { options: self.options(&options, offset)? }, ty)
            }
            F::StreamWrite { ty, options } | F::FutureWrite { ty, options } => {
                (ChannelOp::Write { options: self.options(&options, offset)? }, ty)
            }
            F::StreamCancelRead { ty, async_ } | F::FutureCancelRead { ty, async_ } => {
                (ChannelOp::CancelRead { is_async: async_ }, ty)
            }
            F::StreamCancelWrite { ty, async_ } | F::FutureCancelWrite { ty, async_ } => {
                (ChannelOp::CancelWrite { is_async: async_ }, ty)
            }
            F::StreamDropReadable { ty } | F::FutureDropReadable { ty } => (ChannelOp::DropReadable, ty),
            F::StreamDropWritable { ty } | F::FutureDropWritable { ty } => (ChannelOp::DropWritable, ty),
            _ => unreachable!("`builtin` passes only stream and future built-ins"),
        };
        Ok(Builtin::Channel { ty: self.channel_type(ty, kind, &op, offset)?, kind, op })
    }

    /// `task.return`: its result type, and the signature it is called with (the result as its
    /// one parameter, flattened as a sync lowered function's).
    fn task_return(
        &mut self,
        result: Option<ComponentValType>,
        options: &[CanonicalOption],
        offset: usize,
    ) -> Result<Builtin> {
        let types = &self.scopes[self.scopes.len() - 1].types;
        let result = result.map(|t| value_type(&mut self.arena, types, t, offset)).transpose()?;
        let params = result.map(|ty| Param { name: "result".to_string(), ty }).into_iter().collect();
        let sig = FuncSig::new("task.return", false, params, None, Crossing::Sync, &self.arena);
        Ok(Builtin::TaskReturn { result, sig: Box::new(sig), options: self.options(options, offset)? })
    }

    fn memory(&self, index: u32, offset: usize) -> Result<u32> {
        Ok(*lookup(&self.scope_ref().core_memories, index, "core memory", offset)?)
    }

    /// Type `index`, which a `stream.*` or `future.*` built-in requires to be of its kind.
    fn channel_type(&self, index: u32, kind: ChannelKind, op: &ChannelOp, offset: usize) -> Result<TypeId> {
        if let TypeEntry::Value(id) = lookup(&self.scope_ref().types, index, "type", offset)? {
            match (kind, &self.arena.get(*id).kind) {
                (ChannelKind::Stream, TypeKind::Stream { .. }) | (ChannelKind::Future, TypeKind::Future { .. }) => {
                    return Ok(*id)
                }
                _ => {}
            }
        }
        let (kind, op) = (kind.as_str(), op.as_str());
        Err(Error::invalid(format!("`{kind}.{op}` requires a {kind} type"), offset))
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

/// The slot of a `context.get` or `context.set`: an `i32` slot 0; slot 1 needs cooperative
/// threads and an `i64` slot the 64-bit extension, neither of which Terrarium runs.
fn context_slot(name: &str, ty: ValType, slot: u32, offset: usize) -> Result<u32> {
    match ty {
        ValType::I32 => {}
        ValType::I64 => {
            let message = format!("`{name}` of a 64-bit slot (component-model 64-bit) is not supported");
            return Err(Error::unsupported(message, offset));
        }
        _ => return Err(Error::invalid(format!("`{name}` only supports `i32` or `i64`"), offset)),
    }
    if slot > 0 {
        return Err(Error::unsupported(format!("`{name}` of slot {slot} ({THREADS}) is not supported"), offset));
    }
    Ok(slot)
}

const THREADS: &str = "component-model threads";
const FORWARD: &str = "component-model async forwarding";
const SHARED_THREADS: &str = "shared-everything threads";

/// The refusal of a built-in Terrarium does not plan, by its name in the spec and its proposal.
fn refused(name: &str, proposal: &str, offset: usize) -> Error {
    Error::unsupported(format!("`{name}` ({proposal}) is not supported"), offset)
}
