//! Reading a component binary: its header, and (with the `validate` feature) the validator.
//!
//! The validator checks everything but core function bodies: the browser validates those when
//! it compiles each core module, so checking them here would only cost time and download size.

use crate::error::{Error, ErrorKind, Result};

pub mod features;

const MAGIC: &[u8; 4] = b"\0asm";

/// Refuses what is not a component before any section is read: too short, another format,
/// a core module.
pub fn check_header(bytes: &[u8]) -> Result<()> {
    if bytes.len() < 8 {
        if !MAGIC.starts_with(&bytes[..bytes.len().min(4)]) {
            return Err(Error::new(ErrorKind::Malformed, "magic header not detected: not a WebAssembly binary", 0));
        }
        return Err(Error::new(ErrorKind::Malformed, "unexpected end of input: the binary is truncated", bytes.len()));
    }
    if &bytes[..4] != MAGIC {
        return Err(Error::new(ErrorKind::Malformed, "magic header not detected: not a WebAssembly binary", 0));
    }
    if bytes[4..8] == [1, 0, 0, 0] {
        return Err(Error::new(ErrorKind::NotAComponent, "expected a component, found a core module", 4));
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
    use wasmparser::{Parser, Validator, WasmFeatures};
    // wasmparser's defaults (`map` among them, as in Wasmtime), plus fixed-length lists, which
    // Wasmtime 46 leaves off by default but Terrarium runs.
    let mut validator = Validator::new_with_features(WasmFeatures::default() | WasmFeatures::CM_FIXED_LENGTH_LISTS);
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(Error::malformed)?;
        match validator.payload(&payload) {
            // Function bodies (`ValidPayload::Func`) are left to the browser's compiler.
            Ok(_) => {}
            Err(err) => {
                // The validator also reports some binary-level faults (an unknown section id).
                let kind =
                    if err.message().starts_with("malformed") { ErrorKind::Malformed } else { ErrorKind::Invalid };
                return Err(Error::new(kind, err.message().to_string(), err.offset() as usize));
            }
        }
    }
    Ok(())
}

/// Without the validator, planning still refuses what it cannot resolve, but trusts the rest.
#[cfg(not(feature = "validate"))]
pub fn validate(_bytes: &[u8]) -> Result<()> {
    Ok(())
}
