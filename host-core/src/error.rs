//! The one error type of host-core: what went wrong, of which kind, where in the binary, and what
//! was being read. Each error is made by the constructor of its kind, where the fault is found.

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

/// What was being read when an error was made. Not serialised yet: neither the JSON nor
/// `Display` carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// A section, by the kind of its items: `"import"`, `"core instance"`.
    Section(&'static str),
    /// A component import, by its name.
    Import(String),
    /// A component export, by its name.
    Export(String),
}

/// A refused component, with the absolute byte offset of the culprit when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub offset: Option<usize>,
    /// The innermost item being read, when known.
    pub context: Option<Context>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>, offset: Option<usize>) -> Self {
        Error { kind, message: message.into(), offset, context: None }
    }

    pub fn malformed(message: impl Into<String>, offset: usize) -> Self {
        Error::new(ErrorKind::Malformed, message, Some(offset))
    }

    /// A component the validator would refuse, found while planning (used when validation is off).
    pub fn invalid(message: impl Into<String>, offset: usize) -> Self {
        Error::new(ErrorKind::Invalid, message, Some(offset))
    }

    pub fn unsupported(message: impl Into<String>, offset: usize) -> Self {
        Error::new(ErrorKind::Unsupported, message, Some(offset))
    }

    /// A core module's version field at `offset`.
    pub fn not_a_component(offset: usize) -> Self {
        Error::new(ErrorKind::NotAComponent, "expected a component, found a core module", Some(offset))
    }

    /// A section id that neither the core nor the component format defines.
    pub fn unknown_section(id: u8, offset: usize) -> Self {
        Error::malformed(format!("malformed section id: {id}"), offset)
    }

    /// Records what was being read, unless an inner, more precise context already is.
    pub fn within(mut self, context: Context) -> Self {
        self.context.get_or_insert(context);
        self
    }
}

/// Parser errors are malformed input; wasmparser keeps the absolute offset for us.
impl From<wasmparser::BinaryReaderError> for Error {
    fn from(err: wasmparser::BinaryReaderError) -> Self {
        Error::malformed(err.message(), err.offset() as usize)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_innermost_context_stands() {
        let err = Error::invalid("unknown type 7", 4).within(Context::Import("f".into()));
        let err = err.within(Context::Export("g".into()));
        assert_eq!(err.context, Some(Context::Import("f".into())));
        assert_eq!(err.to_string(), "unknown type 7 (at offset 0x4)", "not in the message");
    }
}
