//! `wasi:filesystem/types.error-code`: every case of the WIT enum, by its WIT name.
//!
//! The virtual filesystem returns the codes wasmtime returns for the same call on Linux (see the
//! module documentation of [`crate::fs`] for the choices this implies).

/// Every case of the WIT `error-code` enum, in WIT order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Access,
    WouldBlock,
    Already,
    BadDescriptor,
    Busy,
    Deadlock,
    Quota,
    Exist,
    FileTooLarge,
    IllegalByteSequence,
    InProgress,
    Interrupted,
    Invalid,
    Io,
    IsDirectory,
    Loop,
    TooManyLinks,
    MessageSize,
    NameTooLong,
    NoDevice,
    NoEntry,
    NoLock,
    InsufficientMemory,
    InsufficientSpace,
    NotDirectory,
    NotEmpty,
    NotRecoverable,
    Unsupported,
    NoTty,
    NoSuchDevice,
    Overflow,
    NotPermitted,
    Pipe,
    ReadOnly,
    InvalidSeek,
    TextFileBusy,
    CrossDevice,
}

/// What every filesystem operation returns.
pub type Result<T, E = ErrorCode> = core::result::Result<T, E>;

impl ErrorCode {
    /// Every case, in WIT order (the enum's discriminants).
    pub const ALL: [ErrorCode; 37] = [
        Self::Access,
        Self::WouldBlock,
        Self::Already,
        Self::BadDescriptor,
        Self::Busy,
        Self::Deadlock,
        Self::Quota,
        Self::Exist,
        Self::FileTooLarge,
        Self::IllegalByteSequence,
        Self::InProgress,
        Self::Interrupted,
        Self::Invalid,
        Self::Io,
        Self::IsDirectory,
        Self::Loop,
        Self::TooManyLinks,
        Self::MessageSize,
        Self::NameTooLong,
        Self::NoDevice,
        Self::NoEntry,
        Self::NoLock,
        Self::InsufficientMemory,
        Self::InsufficientSpace,
        Self::NotDirectory,
        Self::NotEmpty,
        Self::NotRecoverable,
        Self::Unsupported,
        Self::NoTty,
        Self::NoSuchDevice,
        Self::Overflow,
        Self::NotPermitted,
        Self::Pipe,
        Self::ReadOnly,
        Self::InvalidSeek,
        Self::TextFileBusy,
        Self::CrossDevice,
    ];

    /// The WIT case name (`no-entry`), which is also the JS value of the enum (as in jco).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::WouldBlock => "would-block",
            Self::Already => "already",
            Self::BadDescriptor => "bad-descriptor",
            Self::Busy => "busy",
            Self::Deadlock => "deadlock",
            Self::Quota => "quota",
            Self::Exist => "exist",
            Self::FileTooLarge => "file-too-large",
            Self::IllegalByteSequence => "illegal-byte-sequence",
            Self::InProgress => "in-progress",
            Self::Interrupted => "interrupted",
            Self::Invalid => "invalid",
            Self::Io => "io",
            Self::IsDirectory => "is-directory",
            Self::Loop => "loop",
            Self::TooManyLinks => "too-many-links",
            Self::MessageSize => "message-size",
            Self::NameTooLong => "name-too-long",
            Self::NoDevice => "no-device",
            Self::NoEntry => "no-entry",
            Self::NoLock => "no-lock",
            Self::InsufficientMemory => "insufficient-memory",
            Self::InsufficientSpace => "insufficient-space",
            Self::NotDirectory => "not-directory",
            Self::NotEmpty => "not-empty",
            Self::NotRecoverable => "not-recoverable",
            Self::Unsupported => "unsupported",
            Self::NoTty => "no-tty",
            Self::NoSuchDevice => "no-such-device",
            Self::Overflow => "overflow",
            Self::NotPermitted => "not-permitted",
            Self::Pipe => "pipe",
            Self::ReadOnly => "read-only",
            Self::InvalidSeek => "invalid-seek",
            Self::TextFileBusy => "text-file-busy",
            Self::CrossDevice => "cross-device",
        }
    }
}

impl core::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for ErrorCode {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_wit_cases_in_order() {
        let names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), 37);
        assert_eq!(names[0], "access");
        assert_eq!(names[20], "no-entry");
        assert_eq!(names[31], "not-permitted");
        assert_eq!(names[36], "cross-device");
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(*code as usize, i, "{code} is out of WIT order");
        }
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
    }
}
