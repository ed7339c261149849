//! Streams over files (`read-via-stream`, `write-via-stream`, `append-via-stream`) and over a
//! directory's entries (`read-directory`).
//!
//! **Writes are published on flush.** An output stream keeps what the guest writes in a journal
//! of its own; `flush` (and `blocking-flush`, `blocking-write-and-flush`, `sync` on its
//! descriptor, and the guest dropping the stream) applies the journal to the file in one step.
//! Until then neither the embedder nor any other descriptor sees those bytes, and if the guest
//! traps, exits or is disposed first, they are dropped: a file is never left with half of a write
//! in it. wasi-libc flushes after every `write()`, so for C and Rust programs each `write()` is
//! published whole, and a whole `std::fs::write` of up to [`WRITE_BUDGET`] bytes is one write.

use std::collections::VecDeque;

use super::descriptor::{SharedFs, MAX_READ};
use super::error::ErrorCode;
use super::inode::{NodeType, MAX_FILE_SIZE};
use super::storage::Ino;

/// What `check-write` allows per write on a file stream: large, so that one guest `write()` is one
/// journal entry and is published whole.
pub const WRITE_BUDGET: u64 = 16 << 20;

/// `wasi:io/streams.stream-error`, with the filesystem error behind `last-operation-failed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamError {
    Closed,
    Failed(ErrorCode),
}

/// `input-stream` from `read-via-stream`: reads the published file from a position.
pub struct FileInput {
    fs: SharedFs,
    ino: Ino,
    position: u64,
    readable: bool,
    closed: bool,
}

impl FileInput {
    pub(crate) fn new(fs: &SharedFs, ino: Ino, position: u64, readable: bool) -> Result<Self, ErrorCode> {
        fs.borrow_mut().open(ino)?;
        Ok(Self { fs: fs.clone(), ino, position, readable, closed: false })
    }

    /// Up to `len` bytes from the current position; `closed` at the end of the file (and from
    /// then on, as in wasmtime, even if the file grows).
    pub fn read(&mut self, len: u64) -> Result<Vec<u8>, StreamError> {
        if self.closed {
            return Err(StreamError::Closed);
        }
        if !self.readable {
            // wasmtime reports the OS's EBADF once, then the stream is closed.
            self.closed = true;
            return Err(StreamError::Failed(ErrorCode::BadDescriptor));
        }
        let fs = self.fs.borrow();
        let size = fs.file_len(self.ino).map_err(StreamError::Failed)?;
        if self.position >= size {
            self.closed = true;
            return Err(StreamError::Closed);
        }
        let len = usize::try_from(len).unwrap_or(usize::MAX).min(MAX_READ);
        let bytes = fs.read(self.ino, self.position, len).map_err(StreamError::Failed)?;
        self.position += bytes.len() as u64;
        Ok(bytes)
    }

    pub fn position(&self) -> u64 {
        self.position
    }
}

impl Drop for FileInput {
    fn drop(&mut self) {
        if let Ok(mut fs) = self.fs.try_borrow_mut() {
            fs.close(self.ino);
        }
    }
}

/// Where an output stream's bytes go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteMode {
    /// From this offset on, moving forward with each flush.
    At(u64),
    /// At the end of the file as it is at each flush.
    Append,
}

/// `output-stream` from `write-via-stream` or `append-via-stream`.
pub struct FileOutput {
    fs: SharedFs,
    ino: Ino,
    mode: WriteMode,
    writable: bool,
    /// Written but not yet published.
    journal: Vec<u8>,
    closed: bool,
}

impl FileOutput {
    pub(crate) fn new(fs: &SharedFs, ino: Ino, mode: WriteMode, writable: bool) -> Result<Self, ErrorCode> {
        fs.borrow_mut().open(ino)?;
        Ok(Self { fs: fs.clone(), ino, mode, writable, journal: Vec::new(), closed: false })
    }

    pub fn filesystem(&self) -> &SharedFs {
        &self.fs
    }

    pub fn ino(&self) -> Ino {
        self.ino
    }

    /// Bytes written and not yet published.
    pub fn pending(&self) -> usize {
        self.journal.len()
    }

    /// `check-write`.
    pub fn check_write(&self) -> Result<u64, StreamError> {
        if self.closed {
            Err(StreamError::Closed)
        } else {
            Ok(WRITE_BUDGET)
        }
    }

    fn fail(&mut self, code: ErrorCode) -> StreamError {
        self.closed = true;
        self.journal = Vec::new();
        StreamError::Failed(code)
    }

    /// `write`: adds `bytes` to the journal.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), StreamError> {
        if self.closed {
            return Err(StreamError::Closed);
        }
        if !self.writable {
            return Err(self.fail(ErrorCode::BadDescriptor));
        }
        let base = match self.mode {
            WriteMode::At(offset) => offset,
            WriteMode::Append => 0,
        };
        let end = base.saturating_add(self.journal.len() as u64).saturating_add(bytes.len() as u64);
        if end > MAX_FILE_SIZE {
            return Err(self.fail(ErrorCode::FileTooLarge));
        }
        if self.journal.try_reserve(bytes.len()).is_err() {
            return Err(self.fail(ErrorCode::InsufficientMemory));
        }
        self.journal.extend_from_slice(bytes);
        Ok(())
    }

    /// `flush`: publishes the journal to the file, all at once.
    pub fn flush(&mut self) -> Result<(), StreamError> {
        if self.closed {
            return Err(StreamError::Closed);
        }
        if self.journal.is_empty() {
            return Ok(());
        }
        let journal = std::mem::take(&mut self.journal);
        let published = {
            let mut fs = self.fs.borrow_mut();
            match self.mode {
                WriteMode::At(offset) => fs.write(self.ino, offset, &journal).map(|()| offset),
                WriteMode::Append => fs.append(self.ino, &journal),
            }
        };
        match published {
            Ok(offset) => {
                if let WriteMode::At(_) = self.mode {
                    self.mode = WriteMode::At(offset + journal.len() as u64);
                }
                Ok(())
            }
            Err(code) => Err(self.fail(code)),
        }
    }
}

impl Drop for FileOutput {
    fn drop(&mut self) {
        // Dropping without a flush publishes nothing: see the module documentation.
        if let Ok(mut fs) = self.fs.try_borrow_mut() {
            fs.close(self.ino);
        }
    }
}

/// `directory-entry-stream`: the entries a directory had when `read-directory` was called.
#[derive(Debug, Default)]
pub struct DirectoryEntries {
    entries: VecDeque<(NodeType, String)>,
}

impl DirectoryEntries {
    pub fn new(entries: Vec<(NodeType, String)>) -> Self {
        Self { entries: entries.into() }
    }

    /// `read-directory-entry`: the next entry, or `None` at the end.
    pub fn next_entry(&mut self) -> Option<(NodeType, String)> {
        self.entries.pop_front()
    }
}
