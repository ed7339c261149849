//! `wasi:filesystem/types.descriptor`: an open file or directory, with the operations of the WIT
//! resource and the error codes wasmtime returns for them on Linux.
//!
//! Permissions work as in wasmtime. A preopen is read-write or read-only, and every descriptor
//! opened through it inherits that (`mutable`). Through a read-only one, anything that would
//! create, write, truncate, rename, link, remove or change times fails with `not-permitted`, which
//! is what wasmtime returns for a read-only `--dir` (not the `read-only` the WIT comments mention).
//! Separately, a file descriptor has an open mode (`read`, `write`): reading a descriptor opened
//! write-only, or writing one opened read-only, fails with `bad-descriptor`, as the OS does for
//! wasmtime.

use std::cell::RefCell;
use std::rc::Rc;

use super::error::{ErrorCode, Result};
use super::inode::{Filesystem, NodeType, Stat};
use super::path::{check_path_text, ends_with_slash, walk, Last};
use super::storage::Ino;
use super::time::NewTimestamp;

/// A filesystem shared by the embedder and every guest that mounts it.
pub type SharedFs = Rc<RefCell<Filesystem>>;

/// Largest `read` answered at once; a longer one returns fewer bytes, which the WIT allows.
pub const MAX_READ: usize = 1 << 20;

/// `descriptor-flags` bits, in WIT order.
pub mod descriptor_flags {
    pub const READ: u32 = 1 << 0;
    pub const WRITE: u32 = 1 << 1;
    pub const FILE_INTEGRITY_SYNC: u32 = 1 << 2;
    pub const DATA_INTEGRITY_SYNC: u32 = 1 << 3;
    pub const REQUESTED_WRITE_SYNC: u32 = 1 << 4;
    pub const MUTATE_DIRECTORY: u32 = 1 << 5;
}

/// `path-flags` bits.
pub mod path_flags {
    pub const SYMLINK_FOLLOW: u32 = 1 << 0;
}

/// `open-flags` bits, in WIT order.
pub mod open_flags {
    pub const CREATE: u32 = 1 << 0;
    pub const DIRECTORY: u32 = 1 << 1;
    pub const EXCLUSIVE: u32 = 1 << 2;
    pub const TRUNCATE: u32 = 1 << 3;
}

use descriptor_flags as df;
use open_flags as of;

/// An open file or directory of a [`SharedFs`].
pub struct Descriptor {
    fs: SharedFs,
    ino: Ino,
    is_dir: bool,
    /// Open mode. For a directory, `write` means `mutate-directory` was granted.
    read: bool,
    write: bool,
    /// Whether its preopen lets anything be changed through it.
    mutable: bool,
}

impl core::fmt::Debug for Descriptor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Descriptor")
            .field("ino", &self.ino)
            .field("is_dir", &self.is_dir)
            .field("read", &self.read)
            .field("write", &self.write)
            .field("mutable", &self.mutable)
            .finish()
    }
}

impl Drop for Descriptor {
    fn drop(&mut self) {
        // Never panic in a drop: a filesystem busy elsewhere just keeps the node a little longer.
        if let Ok(mut fs) = self.fs.try_borrow_mut() {
            fs.close(self.ino);
        }
    }
}

impl Descriptor {
    /// The root directory of `fs`, as a preopen: read-write, or read-only for the guest.
    pub fn preopen(fs: &SharedFs, read_only: bool) -> Result<Self> {
        let mut guard = fs.borrow_mut();
        let root = guard.root();
        Self::opened(fs, &mut guard, root, true, !read_only, !read_only)
    }

    fn opened(fs: &SharedFs, guard: &mut Filesystem, ino: Ino, read: bool, write: bool, mutable: bool) -> Result<Self> {
        guard.open(ino)?;
        let is_dir = guard.is_dir(ino);
        Ok(Self { fs: fs.clone(), ino, is_dir, read, write, mutable })
    }

    pub fn filesystem(&self) -> &SharedFs {
        &self.fs
    }

    pub fn ino(&self) -> Ino {
        self.ino
    }

    pub fn is_dir(&self) -> bool {
        self.is_dir
    }

    pub fn can_read(&self) -> bool {
        self.read
    }

    pub fn can_write(&self) -> bool {
        self.write
    }

    /// Whether this descriptor's preopen is read-write.
    pub fn is_mutable(&self) -> bool {
        self.mutable
    }

    /// This descriptor as a directory to resolve paths from: `not-directory` for a file.
    fn dir(&self) -> Result<Ino> {
        if self.is_dir {
            Ok(self.ino)
        } else {
            Err(ErrorCode::NotDirectory)
        }
    }

    /// This descriptor as a file to read or write: `bad-descriptor` for a directory.
    pub fn file(&self) -> Result<Ino> {
        if self.is_dir {
            Err(ErrorCode::BadDescriptor)
        } else {
            Ok(self.ino)
        }
    }

    fn mutate(&self) -> Result<()> {
        if self.mutable {
            Ok(())
        } else {
            Err(ErrorCode::NotPermitted)
        }
    }

    /// `open-at`.
    pub fn open_at(&self, path_flags: u32, path: &str, open_flags: u32, flags: u32) -> Result<Descriptor> {
        let base = self.dir()?;
        let create = open_flags & of::CREATE != 0;
        let exclusive = open_flags & of::EXCLUSIVE != 0;
        let truncate = open_flags & of::TRUNCATE != 0;
        let directory = open_flags & of::DIRECTORY != 0;
        let want_write = flags & df::WRITE != 0;
        if !self.mutable && (create || truncate || want_write) {
            return Err(ErrorCode::NotPermitted);
        }
        if flags & (df::FILE_INTEGRITY_SYNC | df::DATA_INTEGRITY_SYNC | df::REQUESTED_WRITE_SYNC) != 0 {
            return Err(ErrorCode::Unsupported);
        }
        if directory && (create || exclusive || truncate) {
            return Err(ErrorCode::Invalid);
        }
        let follow = path_flags & path_flags::SYMLINK_FOLLOW != 0;
        // O_CREAT|O_EXCL never follows a final symlink: the link itself "exists".
        let follow_last = (follow && !(create && exclusive)) || ends_with_slash(path);
        let mut fs = self.fs.borrow_mut();
        let walked = walk(&fs, base, path, follow_last)?;
        let ino = match &walked.last {
            Last::Dot { .. } => {
                if create && exclusive {
                    return Err(ErrorCode::Exist);
                }
                walked.parent
            }
            Last::Name(name, None) => {
                if !create {
                    return Err(ErrorCode::NoEntry);
                }
                if walked.trailing_slash {
                    return Err(ErrorCode::IsDirectory);
                }
                fs.create_file(walked.parent, name)?
            }
            Last::Name(_, Some(ino)) => {
                if create && exclusive {
                    return Err(ErrorCode::Exist);
                }
                if fs.node_type(*ino)? == NodeType::SymbolicLink {
                    // Only reached without symlink-follow (O_NOFOLLOW), as on Linux.
                    return Err(if directory { ErrorCode::NotDirectory } else { ErrorCode::Loop });
                }
                walked.existing(&fs)?
            }
        };
        if fs.is_dir(ino) {
            if want_write || truncate || create {
                return Err(ErrorCode::IsDirectory);
            }
            let mutate = flags & df::MUTATE_DIRECTORY != 0 && self.mutable;
            return Self::opened(&self.fs, &mut fs, ino, true, mutate, self.mutable);
        }
        if directory {
            return Err(ErrorCode::NotDirectory);
        }
        if truncate {
            fs.set_len(ino, 0)?;
        }
        // As wasmtime: `create` opens for writing, and a descriptor not opened for writing reads.
        let write = want_write || create;
        let read = flags & df::READ != 0 || !want_write;
        Self::opened(&self.fs, &mut fs, ino, read, write, self.mutable)
    }

    /// `get-flags`.
    pub fn get_flags(&self) -> u32 {
        let mut flags = 0;
        if self.read {
            flags |= df::READ;
        }
        if self.write {
            flags |= if self.is_dir { df::MUTATE_DIRECTORY } else { df::WRITE };
        }
        flags
    }

    /// `get-type`.
    pub fn get_type(&self) -> Result<NodeType> {
        self.fs.borrow().node_type(self.ino)
    }

    /// `stat`.
    pub fn stat(&self) -> Result<Stat> {
        self.fs.borrow().stat(self.ino)
    }

    /// `stat-at`.
    pub fn stat_at(&self, path_flags: u32, path: &str) -> Result<Stat> {
        let fs = self.fs.borrow();
        let ino = self.resolve(&fs, path_flags, path)?;
        fs.stat(ino)
    }

    /// The existing node `path` names, following a final symlink as `path_flags` says.
    fn resolve(&self, fs: &Filesystem, path_flags: u32, path: &str) -> Result<Ino> {
        let follow = path_flags & path_flags::SYMLINK_FOLLOW != 0 || ends_with_slash(path);
        walk(fs, self.dir()?, path, follow)?.existing(fs)
    }

    /// `metadata-hash`.
    pub fn metadata_hash(&self) -> Result<(u64, u64)> {
        self.fs.borrow().metadata_hash(self.ino)
    }

    /// `metadata-hash-at`.
    pub fn metadata_hash_at(&self, path_flags: u32, path: &str) -> Result<(u64, u64)> {
        let fs = self.fs.borrow();
        let ino = self.resolve(&fs, path_flags, path)?;
        fs.metadata_hash(ino)
    }

    /// `is-same-object`.
    pub fn is_same_object(&self, other: &Descriptor) -> bool {
        Rc::ptr_eq(&self.fs, &other.fs) && self.ino == other.ino
    }

    /// `set-size`.
    pub fn set_size(&self, size: u64) -> Result<()> {
        let ino = self.file()?;
        self.mutate()?;
        if !self.write {
            // ftruncate on a descriptor not open for writing: EINVAL on Linux.
            return Err(ErrorCode::Invalid);
        }
        self.fs.borrow_mut().set_len(ino, size)
    }

    /// `set-times`.
    pub fn set_times(&self, accessed: NewTimestamp, modified: NewTimestamp) -> Result<()> {
        self.mutate()?;
        self.fs.borrow_mut().set_times(self.ino, accessed, modified)
    }

    /// `set-times-at`.
    pub fn set_times_at(
        &self,
        path_flags: u32,
        path: &str,
        accessed: NewTimestamp,
        modified: NewTimestamp,
    ) -> Result<()> {
        self.dir()?;
        self.mutate()?;
        let mut fs = self.fs.borrow_mut();
        let ino = self.resolve(&fs, path_flags, path)?;
        fs.set_times(ino, accessed, modified)
    }

    /// `read` (pread): up to `len` bytes at `offset`; an empty answer means the end of the file.
    pub fn read(&self, len: u64, offset: u64) -> Result<Vec<u8>> {
        let ino = self.file()?;
        if !self.read {
            return Err(ErrorCode::BadDescriptor);
        }
        let len = usize::try_from(len).unwrap_or(usize::MAX).min(MAX_READ);
        self.fs.borrow().read(ino, offset, len)
    }

    /// `write` (pwrite): all of `buffer` at `offset`, at once.
    pub fn write(&self, buffer: &[u8], offset: u64) -> Result<u64> {
        let ino = self.file()?;
        self.mutate()?;
        if !self.write {
            return Err(ErrorCode::BadDescriptor);
        }
        self.fs.borrow_mut().write(ino, offset, buffer)?;
        Ok(buffer.len() as u64)
    }

    /// `advise`: accepted and ignored for files.
    pub fn advise(&self) -> Result<()> {
        self.file().map(drop)
    }

    /// `create-directory-at`.
    pub fn create_directory_at(&self, path: &str) -> Result<()> {
        let base = self.dir()?;
        self.mutate()?;
        let mut fs = self.fs.borrow_mut();
        let walked = walk(&fs, base, path, false)?;
        match walked.entry() {
            Some((name, None)) => fs.create_dir(walked.parent, name).map(drop),
            _ => Err(ErrorCode::Exist),
        }
    }

    /// `readlink-at`.
    pub fn readlink_at(&self, path: &str) -> Result<String> {
        let fs = self.fs.borrow();
        let ino = walk(&fs, self.dir()?, path, ends_with_slash(path))?.existing(&fs)?;
        let target = fs.symlink_target(ino)?;
        if target.starts_with('/') {
            return Err(ErrorCode::NotPermitted);
        }
        Ok(target.to_owned())
    }

    /// `remove-directory-at`.
    pub fn remove_directory_at(&self, path: &str) -> Result<()> {
        let base = self.dir()?;
        self.mutate()?;
        let mut fs = self.fs.borrow_mut();
        let walked = walk(&fs, base, path, false)?;
        match walked.last {
            // rmdir(".") is EINVAL and rmdir("..") ENOTEMPTY on Linux.
            Last::Dot { dotdot: false } => Err(ErrorCode::Invalid),
            Last::Dot { dotdot: true } => Err(ErrorCode::NotEmpty),
            Last::Name(_, None) => Err(ErrorCode::NoEntry),
            Last::Name(ref name, Some(ino)) => {
                if !fs.is_dir(ino) {
                    return Err(ErrorCode::NotDirectory);
                }
                fs.remove_dir(walked.parent, name)
            }
        }
    }

    /// `unlink-file-at`.
    pub fn unlink_file_at(&self, path: &str) -> Result<()> {
        let base = self.dir()?;
        self.mutate()?;
        let mut fs = self.fs.borrow_mut();
        let walked = walk(&fs, base, path, false)?;
        match walked.entry() {
            None => Err(ErrorCode::IsDirectory),
            Some((_, None)) => Err(ErrorCode::NoEntry),
            Some((name, Some(ino))) => {
                if fs.is_dir(ino) {
                    return Err(ErrorCode::IsDirectory);
                }
                if walked.trailing_slash {
                    return Err(ErrorCode::NotDirectory);
                }
                fs.unlink(walked.parent, name)
            }
        }
    }

    /// `symlink-at`: a link at `new_path` holding `old_path`, which must be relative.
    pub fn symlink_at(&self, old_path: &str, new_path: &str) -> Result<()> {
        let base = self.dir()?;
        self.mutate()?;
        if old_path.starts_with('/') {
            return Err(ErrorCode::NotPermitted);
        }
        check_path_text(old_path)?;
        let mut fs = self.fs.borrow_mut();
        let walked = walk(&fs, base, new_path, false)?;
        match walked.entry() {
            None => Err(ErrorCode::Exist),
            Some((_, Some(ino))) => {
                if walked.trailing_slash && !fs.is_dir(ino) {
                    Err(ErrorCode::NotDirectory)
                } else {
                    Err(ErrorCode::Exist)
                }
            }
            Some((_, None)) if walked.trailing_slash => Err(ErrorCode::NoEntry),
            Some((name, None)) => fs.create_symlink(walked.parent, name, old_path).map(drop),
        }
    }

    /// `link-at`: a hard link at `new_path` (from `new_dir`) to what `old_path` names.
    pub fn link_at(&self, path_flags: u32, old_path: &str, new_dir: &Descriptor, new_path: &str) -> Result<()> {
        let old_base = self.dir()?;
        let new_base = new_dir.dir()?;
        self.mutate()?;
        new_dir.mutate()?;
        if path_flags & path_flags::SYMLINK_FOLLOW != 0 {
            return Err(ErrorCode::Invalid);
        }
        if !Rc::ptr_eq(&self.fs, &new_dir.fs) {
            return Err(ErrorCode::CrossDevice);
        }
        let mut fs = self.fs.borrow_mut();
        let old = walk(&fs, old_base, old_path, false)?;
        let source = match old.entry() {
            // link(".", …) names a directory: EPERM on Linux.
            None => return Err(ErrorCode::NotPermitted),
            Some((_, None)) => return Err(ErrorCode::NoEntry),
            Some((_, Some(ino))) => ino,
        };
        if old.trailing_slash && !fs.is_dir(source) {
            return Err(ErrorCode::NotDirectory);
        }
        // Linux looks the new name up before it refuses to link a directory.
        let new = walk(&fs, new_base, new_path, false)?;
        match new.entry() {
            None | Some((_, Some(_))) => Err(ErrorCode::Exist),
            Some((_, None)) if new.trailing_slash => Err(ErrorCode::NoEntry),
            Some((name, None)) => fs.hard_link(source, new.parent, name),
        }
    }

    /// `rename-at`.
    pub fn rename_at(&self, old_path: &str, new_dir: &Descriptor, new_path: &str) -> Result<()> {
        let old_base = self.dir()?;
        let new_base = new_dir.dir()?;
        self.mutate()?;
        new_dir.mutate()?;
        if !Rc::ptr_eq(&self.fs, &new_dir.fs) {
            return Err(ErrorCode::CrossDevice);
        }
        let mut fs = self.fs.borrow_mut();
        let old = walk(&fs, old_base, old_path, false)?;
        let new = walk(&fs, new_base, new_path, false)?;
        // rename of `.` or `..` is EBUSY on Linux.
        let (Some((old_name, source)), Some((new_name, target))) = (old.entry(), new.entry()) else {
            return Err(ErrorCode::Busy);
        };
        let source = source.ok_or(ErrorCode::NoEntry)?;
        if !fs.is_dir(source) {
            if old.trailing_slash {
                return Err(ErrorCode::NotDirectory);
            }
            if target.is_some_and(|t| fs.is_dir(t)) {
                return Err(ErrorCode::IsDirectory);
            }
            if new.trailing_slash {
                return Err(ErrorCode::NotDirectory);
            }
        }
        fs.rename(old.parent, old_name, new.parent, new_name)
    }

    /// `read-directory`: the entries now, in name order (`.` and `..` are not entries).
    pub fn read_directory(&self) -> Result<Vec<(NodeType, String)>> {
        let dir = self.dir()?;
        self.fs.borrow().list(dir)
    }
}
