//! Where file contents live: the seam for a second backend.
//!
//! The inode tree ([`super::inode`]) keeps names, links and metadata; a [`Storage`] keeps the
//! bytes of each regular file, keyed by inode number. [`MemoryStorage`] is the only backend. OPFS
//! persistence does not sit here: OPFS is asynchronous on a page's main thread and these calls are
//! synchronous, so it writes behind the in-memory filesystem instead (see [`super::persist`]). A
//! synchronous backend (a worker's sync access handles, say) would implement this trait.

use std::collections::BTreeMap;

use super::error::{ErrorCode, Result};

/// Inode number: unique within one filesystem, never reused.
pub type Ino = u64;

/// The bytes of every regular file of one filesystem.
pub trait Storage {
    /// Makes an empty file for `ino`.
    fn create(&mut self, ino: Ino);
    /// The file's size in bytes (0 for an unknown `ino`).
    fn len(&self, ino: Ino) -> u64;
    /// Up to `len` bytes from `offset`; fewer at the end of the file, none past it.
    fn read(&self, ino: Ino, offset: u64, len: usize) -> Vec<u8>;
    /// Writes `data` at `offset`, zero-filling from the old end to `offset`. All or nothing: on an
    /// error the file is unchanged.
    fn write(&mut self, ino: Ino, offset: u64, data: &[u8]) -> Result<()>;
    /// Truncates or zero-extends the file to `len`. All or nothing.
    fn set_len(&mut self, ino: Ino, len: u64) -> Result<()>;
    /// Forgets the file (its last link and last open descriptor are gone).
    fn remove(&mut self, ino: Ino);
}

/// File contents in memory, one `Vec<u8>` per file.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    files: BTreeMap<Ino, Vec<u8>>,
}

impl MemoryStorage {
    pub fn new() -> Self {
        Self::default()
    }

    /// The buffer for `ino`, grown to at least `len` bytes without aborting on allocation failure.
    fn grown(&mut self, ino: Ino, len: u64) -> Result<&mut Vec<u8>> {
        let len = usize::try_from(len).map_err(|_| ErrorCode::FileTooLarge)?;
        let bytes = self.files.entry(ino).or_default();
        if len > bytes.len() {
            bytes.try_reserve_exact(len - bytes.len()).map_err(|_| ErrorCode::InsufficientSpace)?;
            bytes.resize(len, 0);
        }
        Ok(bytes)
    }
}

impl Storage for MemoryStorage {
    fn create(&mut self, ino: Ino) {
        self.files.insert(ino, Vec::new());
    }

    fn len(&self, ino: Ino) -> u64 {
        self.files.get(&ino).map_or(0, |bytes| bytes.len() as u64)
    }

    fn read(&self, ino: Ino, offset: u64, len: usize) -> Vec<u8> {
        let Some(bytes) = self.files.get(&ino) else { return Vec::new() };
        let Ok(start) = usize::try_from(offset) else { return Vec::new() };
        if start >= bytes.len() {
            return Vec::new();
        }
        let end = start.saturating_add(len).min(bytes.len());
        bytes[start..end].to_vec()
    }

    fn write(&mut self, ino: Ino, offset: u64, data: &[u8]) -> Result<()> {
        let end = offset.checked_add(data.len() as u64).ok_or(ErrorCode::FileTooLarge)?;
        let bytes = self.grown(ino, end)?;
        // `grown` made the buffer at least `end` long, and `end` fits in usize.
        let start = offset as usize;
        bytes[start..start + data.len()].copy_from_slice(data);
        Ok(())
    }

    fn set_len(&mut self, ino: Ino, len: u64) -> Result<()> {
        let bytes = self.grown(ino, len)?;
        bytes.truncate(len as usize);
        bytes.shrink_to(bytes.len().max(64));
        Ok(())
    }

    fn remove(&mut self, ino: Ino) {
        self.files.remove(&ino);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_writes_and_zero_fills() {
        let mut s = MemoryStorage::new();
        s.create(1);
        assert_eq!(s.len(1), 0);
        s.write(1, 3, b"abc").unwrap();
        assert_eq!(s.read(1, 0, 100), b"\0\0\0abc");
        s.write(1, 1, b"XY").unwrap();
        assert_eq!(s.read(1, 0, 4), b"\0XYa");
        assert_eq!(s.read(1, 6, 10), b"");
        assert_eq!(s.read(1, u64::MAX, 10), b"");
        s.set_len(1, 2).unwrap();
        assert_eq!(s.read(1, 0, 10), b"\0X");
        s.set_len(1, 4).unwrap();
        assert_eq!(s.read(1, 0, 10), b"\0X\0\0");
        s.remove(1);
        assert_eq!(s.len(1), 0);
    }

    #[test]
    fn impossible_sizes_fail_without_touching_the_file() {
        let mut s = MemoryStorage::new();
        s.create(1);
        s.write(1, 0, b"keep").unwrap();
        assert!(s.write(1, u64::MAX - 1, b"abc").is_err());
        assert!(s.set_len(1, u64::MAX).is_err());
        assert_eq!(s.read(1, 0, 10), b"keep");
    }
}
