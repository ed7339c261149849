//! The canonical built-ins of component-model async (CanonicalABI.md's `canon_*` marked 🔀 or 📝):
//! each a core function the runtime makes on the tables of one component instance.
//!
//! A plan carries each as a `builtin` step named by the spec (`stream.read`), with the immediates
//! and canonical options its `canon` definition gives, resolved into the plan's index spaces.

use super::Options;
use crate::abi::signature::FuncSig;
use crate::ids::TypeId;

#[derive(Debug, Clone)]
pub enum Builtin {
    /// `context.get` and `context.set` of an `i32` slot (only slot 0 without cooperative threads).
    ContextGet {
        slot: u32,
    },
    ContextSet {
        slot: u32,
    },
    BackpressureInc,
    BackpressureDec,
    /// The result type the current task returns, and how it crosses: `sig`'s parameters are that
    /// result (the spec flattens `task.return` as a lowered `func(result)`).
    TaskReturn {
        result: Option<TypeId>,
        sig: Box<FuncSig>,
        options: Options,
    },
    TaskCancel,
    WaitableSetNew,
    /// `memory`: the core memory the event's payload is stored to.
    WaitableSetWait {
        memory: u32,
    },
    WaitableSetPoll {
        memory: u32,
    },
    WaitableSetDrop,
    WaitableJoin,
    /// `is_async`: return `BLOCKED` rather than wait for the cancellation to finish.
    SubtaskCancel {
        is_async: bool,
    },
    SubtaskDrop,
    /// `stream.*` or `future.*` on the stream or future type `ty` (an index into the plan's types).
    Channel {
        kind: ChannelKind,
        op: ChannelOp,
        ty: TypeId,
    },
    ThreadYield,
    ErrorContextNew {
        options: Options,
    },
    ErrorContextDebugMessage {
        options: Options,
    },
    ErrorContextDrop,
}

/// The two kinds of asynchronous value whose ends live in a component instance's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    Stream,
    Future,
}

/// What a `stream.*` or `future.*` built-in does; the same operations for both.
#[derive(Debug, Clone)]
pub enum ChannelOp {
    New,
    /// The options that store the values read (`memory`, `realloc`, `string-encoding`, `async`).
    Read {
        options: Options,
    },
    /// The options that load the values written.
    Write {
        options: Options,
    },
    /// `is_async`: return `BLOCKED` rather than wait for the cancellation to finish.
    CancelRead {
        is_async: bool,
    },
    CancelWrite {
        is_async: bool,
    },
    DropReadable,
    DropWritable,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Stream => "stream",
            ChannelKind::Future => "future",
        }
    }
}

impl ChannelOp {
    pub fn as_str(&self) -> &'static str {
        match self {
            ChannelOp::New => "new",
            ChannelOp::Read { .. } => "read",
            ChannelOp::Write { .. } => "write",
            ChannelOp::CancelRead { .. } => "cancel-read",
            ChannelOp::CancelWrite { .. } => "cancel-write",
            ChannelOp::DropReadable => "drop-readable",
            ChannelOp::DropWritable => "drop-writable",
        }
    }
}

impl Builtin {
    /// The spec's name: `task.return`, `stream.cancel-read`.
    pub fn name(&self) -> String {
        let name = match self {
            Builtin::ContextGet { .. } => "context.get",
            Builtin::ContextSet { .. } => "context.set",
            Builtin::BackpressureInc => "backpressure.inc",
            Builtin::BackpressureDec => "backpressure.dec",
            Builtin::TaskReturn { .. } => "task.return",
            Builtin::TaskCancel => "task.cancel",
            Builtin::WaitableSetNew => "waitable-set.new",
            Builtin::WaitableSetWait { .. } => "waitable-set.wait",
            Builtin::WaitableSetPoll { .. } => "waitable-set.poll",
            Builtin::WaitableSetDrop => "waitable-set.drop",
            Builtin::WaitableJoin => "waitable.join",
            Builtin::SubtaskCancel { .. } => "subtask.cancel",
            Builtin::SubtaskDrop => "subtask.drop",
            Builtin::Channel { kind, op, .. } => return format!("{}.{}", kind.as_str(), op.as_str()),
            Builtin::ThreadYield => "thread.yield",
            Builtin::ErrorContextNew { .. } => "error-context.new",
            Builtin::ErrorContextDebugMessage { .. } => "error-context.debug-message",
            Builtin::ErrorContextDrop => "error-context.drop",
        };
        name.to_string()
    }
}
