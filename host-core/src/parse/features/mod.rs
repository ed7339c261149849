//! Which engine features (post-2.0 WebAssembly proposals) a core module needs, so that the JS
//! runtime can refuse it with a typed error naming the feature rather than the compiler's message.
//!
//! Two readings, by cost. [`declared_features`] reads only the sections before the code that hold
//! no instruction (types, imports, tables, memories): cheap enough for every plan, and small.
//! [`module_features`] (cargo feature `module-features`) also reads globals and every function body,
//! which costs a pass over the module and wasmparser's instruction decoder in the build: JS runs it
//! only after the browser has refused to compile the module, from a wasm fetched then.

#[cfg(feature = "module-features")]
mod instructions;

use crate::error::Result;
use wasmparser::{
    AbstractHeapType, BinaryReader, CompositeInnerType, HeapType, Parser, Payload, RefType, TableType, TypeRef, ValType,
};

/// A proposal that some engines in use still lack. The order is the order of the plan's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    const ALL: [EngineFeature; 6] = [
        EngineFeature::Gc,
        EngineFeature::Exceptions,
        EngineFeature::LegacyExceptions,
        EngineFeature::TailCall,
        EngineFeature::MultiMemory,
        EngineFeature::Memory64,
    ];

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

/// A set of engine features, one bit each, so that a plan's module stays `Copy`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineFeatures(u8);

impl EngineFeatures {
    fn insert_if(&mut self, used: bool, feature: EngineFeature) {
        self.0 |= u8::from(used) << feature as u8;
    }

    pub fn contains(self, feature: EngineFeature) -> bool {
        self.0 & (1 << feature as u8) != 0
    }

    /// The features in the set, in the plan's order.
    pub fn iter(self) -> impl Iterator<Item = EngineFeature> {
        EngineFeature::ALL.into_iter().filter(move |&feature| self.contains(feature))
    }
}

/// What a reading has seen so far.
#[derive(Default)]
struct Uses {
    gc: bool,
    exceptions: bool,
    legacy_exceptions: bool,
    /// Tags and `throw` belong to both exception forms, which only the function bodies tell apart:
    /// they need `exceptions` when the bodies use no legacy instruction.
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

    fn table(&mut self, table: TableType) {
        self.memory64 |= table.table64;
        self.ref_type(table.element_type);
    }

    fn val_type(&mut self, ty: ValType) {
        if let ValType::Ref(ty) = ty {
            self.ref_type(ty);
        }
    }

    /// The features seen; `bodies_read` says whether the tags may count (see [`Uses::tags`]).
    fn features(&self, bodies_read: bool) -> EngineFeatures {
        let mut set = EngineFeatures::default();
        set.insert_if(self.gc, EngineFeature::Gc);
        let tags = bodies_read && self.tags && !self.legacy_exceptions;
        set.insert_if(self.exceptions || tags, EngineFeature::Exceptions);
        set.insert_if(self.legacy_exceptions, EngineFeature::LegacyExceptions);
        set.insert_if(self.tail_call, EngineFeature::TailCall);
        set.insert_if(self.memories > 1, EngineFeature::MultiMemory);
        set.insert_if(self.memory64, EngineFeature::Memory64);
        set
    }
}

/// The engine features the sections before the code of core module `module` declare (its types,
/// imports, tables and memories); `offset` is where it starts in the component, so that a malformed
/// module is reported at its byte there. Tags count only in [`module_features`]: both exception
/// forms have them.
pub fn declared_features(module: &[u8], offset: usize) -> Result<EngineFeatures> {
    let mut uses = Uses::default();
    for payload in Parser::new(offset as u64).parse_all(module) {
        match payload? {
            // The code and what follows it (data, custom sections) are left unread.
            Payload::CodeSectionStart { .. } => break,
            Payload::TableSection(section) => {
                let range = section.range();
                let section = &module[range.start as usize - offset..range.end as usize - offset];
                read_table_types(BinaryReader::new(section, range.start), &mut uses)?
            }
            payload => read_section(payload, &mut uses)?,
        }
    }
    Ok(uses.features(false))
}

/// All the engine features core module `module` needs, its globals and function bodies read too;
/// offsets in errors are into `module`.
#[cfg(feature = "module-features")]
pub fn module_features(module: &[u8]) -> Result<EngineFeatures> {
    let mut uses = Uses::default();
    for payload in Parser::new(0).parse_all(module) {
        match payload? {
            Payload::GlobalSection(reader) => {
                for global in reader {
                    uses.val_type(global?.ty.content_type);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table?;
                    uses.gc |= matches!(table.init, wasmparser::TableInit::Expr(_));
                    uses.table(table.ty);
                }
            }
            Payload::CodeSectionEntry(body) => instructions::read_body(&body, &mut uses)?,
            payload => read_section(payload, &mut uses)?,
        }
    }
    Ok(uses.features(true))
}

/// Records what a section of types, imports, memories or tags declares: none holds an instruction.
fn read_section(payload: Payload, uses: &mut Uses) -> Result<()> {
    match payload {
        Payload::TypeSection(reader) => {
            for group in reader {
                let group = group?;
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
                match import?.ty {
                    TypeRef::Memory(memory) => {
                        uses.memories += 1;
                        uses.memory64 |= memory.memory64;
                    }
                    TypeRef::Table(table) => uses.table(table),
                    TypeRef::Global(global) => uses.val_type(global.content_type),
                    TypeRef::Tag(_) => uses.tags = true,
                    TypeRef::Func(_) | TypeRef::FuncExact(_) => {}
                }
            }
        }
        Payload::MemorySection(reader) => {
            for memory in reader {
                uses.memories += 1;
                uses.memory64 |= memory?.memory64;
            }
        }
        Payload::TagSection(_) => uses.tags = true,
        _ => {}
    }
    Ok(())
}

/// The table section's types, read by hand: wasmparser's `Table` also reads each table's
/// initialiser, with its instruction decoder, which would make a third of the trusted build.
fn read_table_types(mut reader: BinaryReader, uses: &mut Uses) -> Result<()> {
    for _ in 0..reader.read_var_u32()? {
        // A table with an initialiser (`0x40 0x00`) holds typed references; the rest is left unread.
        if reader.clone().read_u8()? == 0x40 {
            uses.gc = true;
            break;
        }
        uses.table(reader.read()?);
    }
    Ok(())
}
