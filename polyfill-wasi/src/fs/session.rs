//! One guest instance's view of the filesystems: its open descriptors and streams, by handle.
//!
//! The JS binding holds only handles (small integers) and calls these methods with them; a handle
//! that is not (or no longer) in a table is `bad-descriptor` (a stream's is `closed`). Dropping the
//! session ends the guest's access at once: its descriptors close, and what its output streams had
//! not published is dropped (the instance trapped, exited or was disposed).

use std::rc::Rc;

use super::descriptor::{Descriptor, SharedFs};
use super::error::{ErrorCode, Result};
use super::inode::{NodeType, Stat};
use super::stream::{DirectoryEntries, FileInput, FileOutput, StreamError, WriteMode};
use super::time::NewTimestamp;

/// Objects by handle; freed handles are reused.
#[derive(Debug)]
struct Table<T> {
    slots: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self { slots: Vec::new(), free: Vec::new() }
    }
}

impl<T> Table<T> {
    fn insert(&mut self, value: T) -> u32 {
        if let Some(handle) = self.free.pop() {
            self.slots[handle as usize] = Some(value);
            handle
        } else {
            self.slots.push(Some(value));
            (self.slots.len() - 1) as u32
        }
    }

    fn get(&self, handle: u32) -> Option<&T> {
        self.slots.get(handle as usize).and_then(Option::as_ref)
    }

    fn get_mut(&mut self, handle: u32) -> Option<&mut T> {
        self.slots.get_mut(handle as usize).and_then(Option::as_mut)
    }

    fn remove(&mut self, handle: u32) -> Option<T> {
        let value = self.slots.get_mut(handle as usize).and_then(Option::take);
        if value.is_some() {
            self.free.push(handle);
        }
        value
    }

    fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.slots.iter_mut().filter_map(Option::as_mut)
    }
}

/// The descriptors, streams and directory listings one guest has open.
#[derive(Default)]
pub struct Session {
    descriptors: Table<Descriptor>,
    inputs: Table<FileInput>,
    outputs: Table<FileOutput>,
    listings: Table<DirectoryEntries>,
}

impl core::fmt::Debug for Session {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Session")
            .field("descriptors", &self.descriptors.len())
            .field("inputs", &self.inputs.len())
            .field("outputs", &self.outputs.len())
            .field("listings", &self.listings.len())
            .finish()
    }
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many descriptors and streams are open (for tests of cleanup).
    pub fn open_count(&self) -> usize {
        self.descriptors.len() + self.inputs.len() + self.outputs.len() + self.listings.len()
    }

    fn descriptor(&self, fd: u32) -> Result<&Descriptor> {
        self.descriptors.get(fd).ok_or(ErrorCode::BadDescriptor)
    }

    /// A new descriptor for the root of `fs` (`get-directories` hands one out per preopen).
    pub fn preopen(&mut self, fs: &SharedFs, read_only: bool) -> Result<u32> {
        let descriptor = Descriptor::preopen(fs, read_only)?;
        Ok(self.descriptors.insert(descriptor))
    }

    /// The guest dropped descriptor `fd`.
    pub fn drop_descriptor(&mut self, fd: u32) {
        self.descriptors.remove(fd);
    }

    pub fn open_at(&mut self, fd: u32, path_flags: u32, path: &str, open_flags: u32, flags: u32) -> Result<u32> {
        let opened = self.descriptor(fd)?.open_at(path_flags, path, open_flags, flags)?;
        Ok(self.descriptors.insert(opened))
    }

    pub fn get_flags(&self, fd: u32) -> Result<u32> {
        Ok(self.descriptor(fd)?.get_flags())
    }

    pub fn get_type(&self, fd: u32) -> Result<NodeType> {
        self.descriptor(fd)?.get_type()
    }

    pub fn stat(&self, fd: u32) -> Result<Stat> {
        self.descriptor(fd)?.stat()
    }

    pub fn stat_at(&self, fd: u32, path_flags: u32, path: &str) -> Result<Stat> {
        self.descriptor(fd)?.stat_at(path_flags, path)
    }

    pub fn metadata_hash(&self, fd: u32) -> Result<(u64, u64)> {
        self.descriptor(fd)?.metadata_hash()
    }

    pub fn metadata_hash_at(&self, fd: u32, path_flags: u32, path: &str) -> Result<(u64, u64)> {
        self.descriptor(fd)?.metadata_hash_at(path_flags, path)
    }

    pub fn is_same_object(&self, a: u32, b: u32) -> bool {
        match (self.descriptors.get(a), self.descriptors.get(b)) {
            (Some(a), Some(b)) => a.is_same_object(b),
            _ => false,
        }
    }

    pub fn set_size(&self, fd: u32, size: u64) -> Result<()> {
        self.descriptor(fd)?.set_size(size)
    }

    pub fn set_times(&self, fd: u32, accessed: NewTimestamp, modified: NewTimestamp) -> Result<()> {
        self.descriptor(fd)?.set_times(accessed, modified)
    }

    pub fn set_times_at(
        &self,
        fd: u32,
        path_flags: u32,
        path: &str,
        accessed: NewTimestamp,
        modified: NewTimestamp,
    ) -> Result<()> {
        self.descriptor(fd)?.set_times_at(path_flags, path, accessed, modified)
    }

    pub fn read(&self, fd: u32, len: u64, offset: u64) -> Result<Vec<u8>> {
        self.descriptor(fd)?.read(len, offset)
    }

    pub fn write(&self, fd: u32, buffer: &[u8], offset: u64) -> Result<u64> {
        self.descriptor(fd)?.write(buffer, offset)
    }

    pub fn advise(&self, fd: u32) -> Result<()> {
        self.descriptor(fd)?.advise()
    }

    /// `sync` and `sync-data`: publishes what this session's output streams on the same file hold.
    pub fn sync(&mut self, fd: u32) -> Result<()> {
        let descriptor = self.descriptors.get(fd).ok_or(ErrorCode::BadDescriptor)?;
        let (fs, ino) = (descriptor.filesystem().clone(), descriptor.ino());
        let mut result = Ok(());
        for output in self.outputs.iter_mut() {
            if output.ino() == ino && Rc::ptr_eq(output.filesystem(), &fs) {
                if let Err(StreamError::Failed(code)) = output.flush() {
                    result = Err(code);
                }
            }
        }
        result
    }

    pub fn create_directory_at(&self, fd: u32, path: &str) -> Result<()> {
        self.descriptor(fd)?.create_directory_at(path)
    }

    pub fn readlink_at(&self, fd: u32, path: &str) -> Result<String> {
        self.descriptor(fd)?.readlink_at(path)
    }

    pub fn remove_directory_at(&self, fd: u32, path: &str) -> Result<()> {
        self.descriptor(fd)?.remove_directory_at(path)
    }

    pub fn unlink_file_at(&self, fd: u32, path: &str) -> Result<()> {
        self.descriptor(fd)?.unlink_file_at(path)
    }

    pub fn symlink_at(&self, fd: u32, old_path: &str, new_path: &str) -> Result<()> {
        self.descriptor(fd)?.symlink_at(old_path, new_path)
    }

    pub fn link_at(&self, fd: u32, path_flags: u32, old_path: &str, new_fd: u32, new_path: &str) -> Result<()> {
        self.descriptor(fd)?.link_at(path_flags, old_path, self.descriptor(new_fd)?, new_path)
    }

    pub fn rename_at(&self, fd: u32, old_path: &str, new_fd: u32, new_path: &str) -> Result<()> {
        self.descriptor(fd)?.rename_at(old_path, self.descriptor(new_fd)?, new_path)
    }

    /// `read-directory`: a handle to a listing of the directory's entries.
    pub fn read_directory(&mut self, fd: u32) -> Result<u32> {
        let entries = self.descriptor(fd)?.read_directory()?;
        Ok(self.listings.insert(DirectoryEntries::new(entries)))
    }

    /// `read-directory-entry`.
    pub fn read_directory_entry(&mut self, listing: u32) -> Result<Option<(NodeType, String)>> {
        Ok(self.listings.get_mut(listing).ok_or(ErrorCode::BadDescriptor)?.next_entry())
    }

    pub fn drop_directory_entries(&mut self, listing: u32) {
        self.listings.remove(listing);
    }

    /// `read-via-stream`. Opening always works on a file; reading a descriptor not opened for
    /// reading fails on the first read (`last-operation-failed`, `bad-descriptor`), as in wasmtime.
    pub fn read_via_stream(&mut self, fd: u32, offset: u64) -> Result<u32> {
        let descriptor = self.descriptor(fd)?;
        let ino = descriptor.file()?;
        let input = FileInput::new(descriptor.filesystem(), ino, offset, descriptor.can_read())?;
        Ok(self.inputs.insert(input))
    }

    /// `write-via-stream`: `bad-descriptor` under a read-only preopen (wasmtime's check).
    pub fn write_via_stream(&mut self, fd: u32, offset: u64) -> Result<u32> {
        self.output_stream(fd, WriteMode::At(offset))
    }

    /// `append-via-stream`.
    pub fn append_via_stream(&mut self, fd: u32) -> Result<u32> {
        self.output_stream(fd, WriteMode::Append)
    }

    fn output_stream(&mut self, fd: u32, mode: WriteMode) -> Result<u32> {
        let descriptor = self.descriptor(fd)?;
        let ino = descriptor.file()?;
        if !descriptor.is_mutable() {
            return Err(ErrorCode::BadDescriptor);
        }
        let output = FileOutput::new(descriptor.filesystem(), ino, mode, descriptor.can_write())?;
        Ok(self.outputs.insert(output))
    }

    pub fn input_read(&mut self, stream: u32, len: u64) -> Result<Vec<u8>, StreamError> {
        self.inputs.get_mut(stream).ok_or(StreamError::Closed)?.read(len)
    }

    pub fn drop_input(&mut self, stream: u32) {
        self.inputs.remove(stream);
    }

    pub fn output_check_write(&self, stream: u32) -> Result<u64, StreamError> {
        self.outputs.get(stream).ok_or(StreamError::Closed)?.check_write()
    }

    pub fn output_write(&mut self, stream: u32, bytes: &[u8]) -> Result<(), StreamError> {
        self.outputs.get_mut(stream).ok_or(StreamError::Closed)?.write(bytes)
    }

    pub fn output_flush(&mut self, stream: u32) -> Result<(), StreamError> {
        self.outputs.get_mut(stream).ok_or(StreamError::Closed)?.flush()
    }

    /// The guest dropped an output stream: like closing a file, this publishes what it wrote.
    pub fn drop_output(&mut self, stream: u32) {
        if let Some(mut output) = self.outputs.remove(stream) {
            let _ = output.flush();
        }
    }
}
