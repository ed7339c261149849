//! Reading a component binary: its header, and (with the `validate` feature) the validator.
//!
//! The validator checks everything but core function bodies: the browser validates those when
//! it compiles each core module, so checking them here would only cost time and download size.

use crate::error::{Error, Result};

pub mod features;

const MAGIC: &[u8; 4] = b"\0asm";

/// Refuses what is not a component before any section is read: too short, another format,
/// a core module.
pub fn check_header(bytes: &[u8]) -> Result<()> {
    if !MAGIC.starts_with(&bytes[..bytes.len().min(4)]) {
        return Err(Error::malformed("magic header not detected: not a WebAssembly binary", 0));
    }
    if bytes.len() < 8 {
        return Err(Error::malformed("unexpected end of input: the binary is truncated", bytes.len()));
    }
    if bytes[4..8] == [1, 0, 0, 0] {
        return Err(Error::not_a_component(4));
    }
    Ok(())
}

/// Validates the whole component except core function bodies.
///
/// The core features are wasmparser's defaults: they hold WasmGC, exception handling, tail calls,
/// multi-memory and memory64, which Chromium and Wasmtime run too. The legacy exception
/// instructions are gated only inside function bodies, which are the browser's to check;
/// `tests/engine_features.rs` plans a component of each.
#[cfg(feature = "validate")]
pub fn validate(bytes: &[u8]) -> Result<()> {
    use wasmparser::{Parser, Validator};
    let mut validator = Validator::new_with_features(features());
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        // The one binary-level fault the validator would report, not the parser.
        if let wasmparser::Payload::UnknownSection { id, range, .. } = payload {
            return Err(Error::unknown_section(id, range.start as usize));
        }
        // Function bodies (`ValidPayload::Func`) are left to the browser's compiler.
        if let Err(err) = validator.payload(&payload) {
            let (message, offset) = (err.message(), err.offset() as usize);
            // The validator reads a section's items as it checks them: where it stops is where
            // reading the section alone stops when the fault is in the bytes, not in what they say.
            let unreadable = first_read_error(&payload).is_some_and(|read| read.offset() == err.offset());
            return Err(if unreadable { Error::malformed(message, offset) } else { Error::invalid(message, offset) });
        }
    }
    Ok(())
}

/// wasmparser's defaults (`map` and component-model async 🔀 among them, as in Wasmtime), plus
/// what Terrarium plans beyond them: fixed-length lists (🔧), which Wasmtime 46 leaves off by
/// default; async lifts without a `callback` (🚟), the `async` form of the cancel built-ins and
/// sync `stream`/`future` reads and writes (🚝), and `error-context` (📝), as issue 11 lists them.
/// Cooperative threads (🧵) and `forward` (➡️) validate so that the planner refuses them by name, as
/// `unsupported`, rather than the validator as `invalid`.
#[cfg(feature = "validate")]
fn features() -> wasmparser::WasmFeatures {
    use wasmparser::WasmFeatures as F;
    F::default()
        | F::CM_FIXED_LENGTH_LISTS
        | F::CM_ASYNC_STACKFUL
        | F::CM_MORE_ASYNC_BUILTINS
        | F::CM_ERROR_CONTEXT
        | F::CM_THREADING
        | F::CM_FORWARD
}

/// The first fault met reading the items of `payload`, for the sections whose items the validator reads.
#[cfg(feature = "validate")]
fn first_read_error(payload: &wasmparser::Payload) -> Option<wasmparser::BinaryReaderError> {
    use wasmparser::{FromReader, Payload::*, SectionLimited};
    fn items<'a, T: FromReader<'a>>(section: &SectionLimited<'a, T>) -> Option<wasmparser::BinaryReaderError> {
        section.clone().into_iter().find_map(Result::err)
    }
    match payload {
        TypeSection(s) => items(s),
        ImportSection(s) => s.clone().into_imports().find_map(Result::err),
        FunctionSection(s) => items(s),
        TableSection(s) => items(s),
        MemorySection(s) => items(s),
        TagSection(s) => items(s),
        GlobalSection(s) => items(s),
        ExportSection(s) => items(s),
        ElementSection(s) => items(s),
        DataSection(s) => items(s),
        InstanceSection(s) => items(s),
        CoreTypeSection(s) => items(s),
        ComponentInstanceSection(s) => items(s),
        ComponentAliasSection(s) => items(s),
        ComponentTypeSection(s) => items(s),
        ComponentCanonicalSection(s) => items(s),
        ComponentImportSection(s) => items(s),
        ComponentExportSection(s) => items(s),
        _ => None,
    }
}

/// Without the validator, planning still refuses what it cannot resolve, but trusts the rest.
#[cfg(not(feature = "validate"))]
pub fn validate(_bytes: &[u8]) -> Result<()> {
    Ok(())
}
