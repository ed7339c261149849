//! Which engine features (post-2.0 WebAssembly proposals) a core module needs, so that the JS
//! runtime can refuse it with a typed error naming the feature before the browser's compiler
//! fails on it with a bare `CompileError`.
//!
//! Types, memories, tables and tags come from their sections; instructions from one pass over
//! each function body with wasmparser's operator reader (no validation: the browser does that).

use crate::error::{Error, Result};
use wasmparser::{
    AbstractHeapType, CompositeInnerType, FunctionBody, HeapType, Parser, Payload, RefType, TypeRef, ValType,
    VisitOperator, VisitSimdOperator,
};

/// A proposal that some engines in use still lack. The order is the order of the plan's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EngineFeature {
    /// WasmGC: struct and array types, subtyping, typed references (with function-references).
    Gc,
    /// Exception handling as standardised: `try_table`, `throw_ref`, `exnref`.
    Exceptions,
    /// The first exception-handling form, still emitted by some toolchains: `try`, `catch`, `delegate`.
    LegacyExceptions,
    TailCall,
    MultiMemory,
    /// 64-bit memories and tables.
    Memory64,
}

impl EngineFeature {
    /// The feature's name as wasm-tools and Wasmtime spell it (`--features`, `-W`).
    pub fn name(self) -> &'static str {
        match self {
            EngineFeature::Gc => "gc",
            EngineFeature::Exceptions => "exceptions",
            EngineFeature::LegacyExceptions => "legacy-exceptions",
            EngineFeature::TailCall => "tail-call",
            EngineFeature::MultiMemory => "multi-memory",
            EngineFeature::Memory64 => "memory64",
        }
    }
}

/// What a scan has seen so far.
#[derive(Default)]
struct Uses {
    gc: bool,
    exceptions: bool,
    legacy_exceptions: bool,
    /// Tags and `throw` belong to both exception forms: they need `exceptions` only when the module
    /// uses no legacy instruction.
    tags: bool,
    tail_call: bool,
    memories: u32,
    memory64: bool,
}

impl Uses {
    fn ref_type(&mut self, ty: RefType) {
        self.heap_type(ty.is_nullable(), ty.heap_type());
    }

    fn heap_type(&mut self, nullable: bool, ty: HeapType) {
        match ty {
            // funcref and externref are WebAssembly 2.0; their non-null forms are typed references.
            HeapType::Abstract { shared: false, ty: AbstractHeapType::Func | AbstractHeapType::Extern } => {
                self.gc |= !nullable
            }
            HeapType::Abstract { ty: AbstractHeapType::Exn | AbstractHeapType::NoExn, .. } => self.exceptions = true,
            _ => self.gc = true,
        }
    }

    fn val_type(&mut self, ty: ValType) {
        if let ValType::Ref(ty) = ty {
            self.ref_type(ty);
        }
    }

    fn features(&self) -> Vec<EngineFeature> {
        [
            (self.gc, EngineFeature::Gc),
            (self.exceptions || (self.tags && !self.legacy_exceptions), EngineFeature::Exceptions),
            (self.legacy_exceptions, EngineFeature::LegacyExceptions),
            (self.tail_call, EngineFeature::TailCall),
            (self.memories > 1, EngineFeature::MultiMemory),
            (self.memory64, EngineFeature::Memory64),
        ]
        .into_iter()
        .filter_map(|(used, feature)| used.then_some(feature))
        .collect()
    }
}

/// The engine features the core module `module` needs; `offset` is where it starts in the
/// component, so that a malformed module is reported at its byte in the component.
pub fn engine_features(module: &[u8], offset: usize) -> Result<Vec<EngineFeature>> {
    let mut uses = Uses::default();
    for payload in Parser::new(offset as u64).parse_all(module) {
        match payload.map_err(Error::malformed)? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group.map_err(Error::malformed)?;
                    uses.gc |= group.is_explicit_rec_group();
                    for ty in group.types() {
                        uses.gc |= !ty.is_final || !ty.supertype_idxs.is_empty();
                        match &ty.composite_type.inner {
                            CompositeInnerType::Func(func) => {
                                func.params().iter().chain(func.results()).for_each(|&ty| uses.val_type(ty))
                            }
                            _ => uses.gc = true,
                        }
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    match import.map_err(Error::malformed)?.ty {
                        TypeRef::Memory(memory) => {
                            uses.memories += 1;
                            uses.memory64 |= memory.memory64;
                        }
                        TypeRef::Table(table) => {
                            uses.memory64 |= table.table64;
                            uses.ref_type(table.element_type);
                        }
                        TypeRef::Global(global) => uses.val_type(global.content_type),
                        TypeRef::Tag(_) => uses.tags = true,
                        TypeRef::Func(_) | TypeRef::FuncExact(_) => {}
                    }
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table.map_err(Error::malformed)?.ty;
                    uses.memory64 |= table.table64;
                    uses.ref_type(table.element_type);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    uses.memories += 1;
                    uses.memory64 |= memory.map_err(Error::malformed)?.memory64;
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    uses.val_type(global.map_err(Error::malformed)?.ty.content_type);
                }
            }
            Payload::TagSection(_) => uses.tags = true,
            Payload::CodeSectionEntry(body) => scan_body(&body, &mut uses)?,
            _ => {}
        }
    }
    Ok(uses.features())
}

fn scan_body(body: &FunctionBody, uses: &mut Uses) -> Result<()> {
    for local in body.get_locals_reader().map_err(Error::malformed)? {
        uses.val_type(local.map_err(Error::malformed)?.1);
    }
    let mut reader = body.get_operators_reader().map_err(Error::malformed)?;
    let mut visitor = Instructions(uses);
    while !reader.eof() {
        reader.visit_operator(&mut visitor).map_err(Error::malformed)?;
    }
    Ok(())
}

/// Records the proposal of each instruction it is shown.
struct Instructions<'u>(&'u mut Uses);

/// One `visit_*` method per instruction: the proposals that matter record a use, the rest do nothing.
macro_rules! visit_instructions {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $( visit_instructions!(one @$proposal $visit $({ $($arg: $argty),* })?); )*
    };
    (one @$proposal:ident visit_throw { $($arg:ident: $argty:ty),* }) => {
        fn visit_throw(&mut self, $(_: $argty),*) { self.0.tags = true }
    };
    (one @$proposal:ident visit_return_call_ref { $($arg:ident: $argty:ty),* }) => {
        fn visit_return_call_ref(&mut self, $(_: $argty),*) { self.0.gc = true; self.0.tail_call = true }
    };
    (one @$proposal:ident visit_ref_null { $($arg:ident: $argty:ty),* }) => {
        fn visit_ref_null(&mut self, ty: HeapType) { self.0.heap_type(true, ty) }
    };
    (one @$proposal:ident visit_typed_select { $($arg:ident: $argty:ty),* }) => {
        fn visit_typed_select(&mut self, ty: ValType) { self.0.val_type(ty) }
    };
    (one @$proposal:ident visit_typed_select_multi { $($arg:ident: $argty:ty),* }) => {
        fn visit_typed_select_multi(&mut self, tys: Vec<ValType>) { tys.into_iter().for_each(|ty| self.0.val_type(ty)) }
    };
    (one @$proposal:ident $visit:ident $({ $($arg:ident: $argty:ty),* })?) => {
        fn $visit(&mut self $($(, _: $argty)*)?) { visit_instructions!(record @$proposal self); }
    };
    (record @gc $self:ident) => { $self.0.gc = true };
    (record @function_references $self:ident) => { $self.0.gc = true };
    (record @exceptions $self:ident) => { $self.0.exceptions = true };
    (record @legacy_exceptions $self:ident) => { $self.0.legacy_exceptions = true };
    (record @tail_call $self:ident) => { $self.0.tail_call = true };
    (record @$proposal:ident $self:ident) => {};
}

impl<'a> VisitOperator<'a> for Instructions<'_> {
    type Output = ();

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = ()>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(visit_instructions);
}

/// SIMD is not among the plan's features (every engine with the five above has it): its
/// instructions are read only to get past them.
impl<'a> VisitSimdOperator<'a> for Instructions<'_> {
    wasmparser::for_each_visit_simd_operator!(visit_instructions);
}
