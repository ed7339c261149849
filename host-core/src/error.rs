//! The one error type of host-core: what went wrong, of which kind, and where in the binary.

use std::fmt;

/// Why a component was refused. Mirrors `TerrariumError.kind` in JS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The bytes are not a well-formed binary: truncated, garbage, a bad section.
    Malformed,
    /// Well-formed, but the validator rejects it.
    Invalid,
    /// A core module (or another format) where a component was expected.
    NotAComponent,
    /// A valid component using a feature Terrarium does not run yet.
    Unsupported,
}

/// A refused component, with the absolute byte offset of the culprit when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub offset: Option<usize>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>, offset: usize) -> Self {
        Error { kind, message: message.into(), offset: Some(offset) }
    }

    pub fn unsupported(message: impl Into<String>, offset: usize) -> Self {
        Error::new(ErrorKind::Unsupported, message, offset)
    }

    /// A component the validator would refuse, found while planning (used when validation is off).
    pub fn invalid(message: impl Into<String>, offset: usize) -> Self {
        Error::new(ErrorKind::Invalid, message, offset)
    }

    /// Parser errors are malformed input; wasmparser keeps the absolute offset for us.
    pub fn malformed(err: wasmparser::BinaryReaderError) -> Self {
        Error::new(ErrorKind::Malformed, err.message().to_string(), err.offset() as usize)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(offset) = self.offset {
            write!(f, " (at offset {offset:#x})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
