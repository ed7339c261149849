//! The inode tree of one filesystem: directories, regular files and symbolic links, their links,
//! and their metadata.
//!
//! Nodes live in a map keyed by inode number. A node stays while a directory entry names it
//! (`links`) or a descriptor or stream holds it open (`opens`), so an unlinked file can still be
//! read and written through a descriptor opened before, as on POSIX. Directories cannot be hard
//! linked, so each has exactly one parent, which [`Filesystem::is_ancestor`] walks.
//!
//! Timestamps follow POSIX for data and status changes; reads never update the access time (as
//! on a `noatime` mount), so reading a file changes nothing.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::error::{ErrorCode, Result};
use super::storage::{Ino, MemoryStorage, Storage};
use super::time::{Clock, NewTimestamp, Timestamp};

/// Largest file size accepted (2 GiB): a larger `set-size` or write fails with `file-too-large`,
/// rather than asking the page for more memory than it can have.
pub const MAX_FILE_SIZE: u64 = 1 << 31;

/// What `stat` reports as the size of a directory (what Linux's ext4 reports).
const DIRECTORY_SIZE: u64 = 4096;

/// Longest name of a directory entry, in bytes.
pub const MAX_NAME_LEN: usize = 255;

/// `wasi:filesystem/types.descriptor-type`, for the kinds of node this filesystem has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeType {
    Directory,
    SymbolicLink,
    RegularFile,
}

impl NodeType {
    /// The discriminant of the WIT `descriptor-type` enum.
    pub fn wit_index(self) -> u8 {
        match self {
            Self::Directory => 3,
            Self::SymbolicLink => 5,
            Self::RegularFile => 6,
        }
    }

    /// The WIT case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Directory => "directory",
            Self::SymbolicLink => "symbolic-link",
            Self::RegularFile => "regular-file",
        }
    }
}

/// `descriptor-stat`. Every timestamp is maintained, so none is ever absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    pub node_type: NodeType,
    pub link_count: u64,
    pub size: u64,
    pub accessed: Timestamp,
    pub modified: Timestamp,
    pub changed: Timestamp,
}

#[derive(Debug)]
pub(crate) enum Body {
    File,
    Directory { entries: BTreeMap<String, Ino>, parent: Ino },
    Symlink { target: String },
}

#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) body: Body,
    /// Directory entries naming this node (a removed directory has 0).
    pub(super) links: u64,
    /// Descriptors and streams holding this node open.
    pub(super) opens: u64,
    pub(super) accessed: Timestamp,
    pub(super) modified: Timestamp,
    pub(super) changed: Timestamp,
    /// For a regular file, the filesystem's [`revision`](Filesystem::revision) when its content
    /// last changed: a persistent store rewrites a file only when this moved (see [`super::persist`]).
    pub(super) data_revision: u64,
}

impl Node {
    pub(crate) fn node_type(&self) -> NodeType {
        match self.body {
            Body::File => NodeType::RegularFile,
            Body::Directory { .. } => NodeType::Directory,
            Body::Symlink { .. } => NodeType::SymbolicLink,
        }
    }
}

/// One filesystem: a tree of nodes under a root directory, plus the storage of file contents.
pub struct Filesystem {
    pub(super) nodes: BTreeMap<Ino, Node>,
    pub(super) storage: Box<dyn Storage>,
    pub(super) clock: Rc<dyn Clock>,
    pub(super) root: Ino,
    pub(super) next_ino: Ino,
    /// Counts changes: every change to the tree, to a file's content or to metadata adds one.
    pub(super) revision: u64,
    /// Told that something changed, once until the next [`snapshot`](Filesystem::snapshot): how a
    /// persistent store learns it has work to do.
    pub(super) observer: Option<Box<dyn Fn()>>,
    /// Whether the observer was told since the last snapshot.
    pub(super) announced: bool,
}

impl core::fmt::Debug for Filesystem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Filesystem").field("nodes", &self.nodes.len()).field("root", &self.root).finish()
    }
}

impl Filesystem {
    /// An empty filesystem (just its root directory) keeping file contents in memory.
    pub fn new(clock: Rc<dyn Clock>) -> Self {
        Self::with_storage(clock, Box::new(MemoryStorage::new()))
    }

    /// An empty filesystem over another storage backend.
    pub fn with_storage(clock: Rc<dyn Clock>, storage: Box<dyn Storage>) -> Self {
        let now = clock.now();
        let root = 1;
        let mut nodes = BTreeMap::new();
        nodes.insert(
            root,
            Node {
                body: Body::Directory { entries: BTreeMap::new(), parent: root },
                links: 1,
                opens: 0,
                accessed: now,
                modified: now,
                changed: now,
                data_revision: 0,
            },
        );
        Self { nodes, storage, clock, root, next_ino: root + 1, revision: 0, observer: None, announced: false }
    }

    /// The root directory's inode.
    pub fn root(&self) -> Ino {
        self.root
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// How many nodes exist, removed-but-open ones included (for tests of reclamation).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub(crate) fn node(&self, ino: Ino) -> Result<&Node> {
        self.nodes.get(&ino).ok_or(ErrorCode::BadDescriptor)
    }

    fn node_mut(&mut self, ino: Ino) -> Result<&mut Node> {
        self.nodes.get_mut(&ino).ok_or(ErrorCode::BadDescriptor)
    }

    pub fn node_type(&self, ino: Ino) -> Result<NodeType> {
        Ok(self.node(ino)?.node_type())
    }

    pub fn is_dir(&self, ino: Ino) -> bool {
        matches!(self.nodes.get(&ino).map(|n| &n.body), Some(Body::Directory { .. }))
    }

    /// Whether `ino` is a directory that has been removed (entries can no longer be made in it).
    pub fn is_removed(&self, ino: Ino) -> bool {
        self.nodes.get(&ino).is_none_or(|n| n.links == 0)
    }

    /// The entries of directory `dir`; `not-directory` for anything else.
    pub(crate) fn entries(&self, dir: Ino) -> Result<&BTreeMap<String, Ino>> {
        match &self.node(dir)?.body {
            Body::Directory { entries, .. } => Ok(entries),
            _ => Err(ErrorCode::NotDirectory),
        }
    }

    fn entries_mut(&mut self, dir: Ino) -> Result<&mut BTreeMap<String, Ino>> {
        match &mut self.node_mut(dir)?.body {
            Body::Directory { entries, .. } => Ok(entries),
            _ => Err(ErrorCode::NotDirectory),
        }
    }

    /// The node named `name` in directory `dir`.
    pub fn lookup(&self, dir: Ino, name: &str) -> Result<Option<Ino>> {
        Ok(self.entries(dir)?.get(name).copied())
    }

    /// The target of symlink `ino`; `invalid` for anything else (as `readlink` on Linux).
    pub fn symlink_target(&self, ino: Ino) -> Result<&str> {
        match &self.node(ino)?.body {
            Body::Symlink { target } => Ok(target),
            _ => Err(ErrorCode::Invalid),
        }
    }

    /// The `(type, name)` of every entry of `dir`, in name order.
    pub fn list(&self, dir: Ino) -> Result<Vec<(NodeType, String)>> {
        let entries = self.entries(dir)?;
        Ok(entries
            .iter()
            .filter_map(|(name, ino)| self.nodes.get(ino).map(|n| (n.node_type(), name.clone())))
            .collect())
    }

    pub fn stat(&self, ino: Ino) -> Result<Stat> {
        let node = self.node(ino)?;
        let (link_count, size) = match &node.body {
            Body::File => (node.links, self.storage.len(ino)),
            Body::Symlink { target } => (node.links, target.len() as u64),
            Body::Directory { entries, .. } => {
                let subdirs = entries.values().filter(|&&child| self.is_dir(child)).count() as u64;
                // A removed directory has no `.` entry in a parent any more.
                (if node.links == 0 { 0 } else { 2 + subdirs }, DIRECTORY_SIZE)
            }
        };
        Ok(Stat {
            node_type: node.node_type(),
            link_count,
            size,
            accessed: node.accessed,
            modified: node.modified,
            changed: node.changed,
        })
    }

    /// `metadata-hash`: derived from the inode number only, like wasmtime's (device, inode) hash,
    /// so it is stable while the file changes and can serve as `st_ino`.
    pub fn metadata_hash(&self, ino: Ino) -> Result<(u64, u64)> {
        self.node(ino)?;
        let lower = splitmix64(ino);
        Ok((lower, lower ^ 0x4009_21fb_5444_2d18))
    }

    /// A descriptor or stream now holds `ino` open.
    pub fn open(&mut self, ino: Ino) -> Result<()> {
        self.node_mut(ino)?.opens += 1;
        Ok(())
    }

    /// A descriptor or stream let go of `ino`: the node goes if nothing else refers to it.
    pub fn close(&mut self, ino: Ino) {
        if let Some(node) = self.nodes.get_mut(&ino) {
            node.opens = node.opens.saturating_sub(1);
            self.reclaim(ino);
        }
    }

    fn reclaim(&mut self, ino: Ino) {
        let Some(node) = self.nodes.get(&ino) else { return };
        if node.links > 0 || node.opens > 0 || ino == self.root {
            return;
        }
        if let Body::File = node.body {
            self.storage.remove(ino);
        }
        self.nodes.remove(&ino);
    }

    /// Counts a change, and tells the observer if it has not been told since the last snapshot.
    fn bump(&mut self) {
        self.revision += 1;
        if !self.announced {
            self.announced = true;
            if let Some(observer) = &self.observer {
                observer();
            }
        }
    }

    /// How many changes the filesystem has seen (restored from its manifest when reopened).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Sets the function told of the first change after each [`snapshot`](Filesystem::snapshot)
    /// (and after this call). It runs in the middle of the change: it must only take note.
    pub fn set_observer(&mut self, observer: Option<Box<dyn Fn()>>) {
        self.observer = observer;
        self.announced = false;
    }

    fn touch_dir(&mut self, dir: Ino) {
        self.bump();
        let now = self.clock.now();
        if let Some(node) = self.nodes.get_mut(&dir) {
            node.modified = now;
            node.changed = now;
        }
    }

    fn new_node(&mut self, body: Body) -> Ino {
        let now = self.clock.now();
        let ino = self.next_ino;
        self.next_ino += 1;
        if let Body::File = body {
            self.storage.create(ino);
        }
        let data_revision = self.revision;
        let node = Node { body, links: 0, opens: 0, accessed: now, modified: now, changed: now, data_revision };
        self.nodes.insert(ino, node);
        ino
    }

    /// Checks that `name` can be added to directory `parent`.
    fn check_new_entry(&self, parent: Ino, name: &str) -> Result<()> {
        if name.len() > MAX_NAME_LEN {
            return Err(ErrorCode::NameTooLong);
        }
        if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\0') {
            return Err(ErrorCode::Invalid);
        }
        let entries = self.entries(parent)?;
        if self.is_removed(parent) {
            return Err(ErrorCode::NoEntry);
        }
        if entries.contains_key(name) {
            return Err(ErrorCode::Exist);
        }
        Ok(())
    }

    fn link_into(&mut self, parent: Ino, name: &str, ino: Ino) -> Result<()> {
        self.entries_mut(parent)?.insert(name.to_owned(), ino);
        let now = self.clock.now();
        let node = self.node_mut(ino)?;
        node.links += 1;
        node.changed = now;
        if let Body::Directory { parent: p, .. } = &mut node.body {
            *p = parent;
        }
        self.touch_dir(parent);
        Ok(())
    }

    /// Makes an empty regular file `name` in `parent`.
    pub fn create_file(&mut self, parent: Ino, name: &str) -> Result<Ino> {
        self.check_new_entry(parent, name)?;
        let ino = self.new_node(Body::File);
        self.link_into(parent, name, ino)?;
        Ok(ino)
    }

    /// Makes an empty directory `name` in `parent`.
    pub fn create_dir(&mut self, parent: Ino, name: &str) -> Result<Ino> {
        self.check_new_entry(parent, name)?;
        let ino = self.new_node(Body::Directory { entries: BTreeMap::new(), parent });
        self.link_into(parent, name, ino)?;
        Ok(ino)
    }

    /// Makes a symbolic link `name` in `parent` holding `target` (stored as given).
    pub fn create_symlink(&mut self, parent: Ino, name: &str, target: &str) -> Result<Ino> {
        self.check_new_entry(parent, name)?;
        let ino = self.new_node(Body::Symlink { target: target.to_owned() });
        self.link_into(parent, name, ino)?;
        Ok(ino)
    }

    /// Adds a hard link `name` in `parent` to the existing non-directory `ino`.
    pub fn hard_link(&mut self, ino: Ino, parent: Ino, name: &str) -> Result<()> {
        if self.is_dir(ino) {
            return Err(ErrorCode::NotPermitted);
        }
        self.check_new_entry(parent, name)?;
        self.link_into(parent, name, ino)
    }

    /// Removes the entry `name` of `parent`, which must name a non-directory.
    pub fn unlink(&mut self, parent: Ino, name: &str) -> Result<()> {
        let ino = self.lookup(parent, name)?.ok_or(ErrorCode::NoEntry)?;
        if self.is_dir(ino) {
            return Err(ErrorCode::IsDirectory);
        }
        self.detach(parent, name, ino);
        Ok(())
    }

    /// Removes the entry `name` of `parent`, which must name an empty directory.
    pub fn remove_dir(&mut self, parent: Ino, name: &str) -> Result<()> {
        let ino = self.lookup(parent, name)?.ok_or(ErrorCode::NoEntry)?;
        if !self.entries(ino)?.is_empty() {
            return Err(ErrorCode::NotEmpty);
        }
        self.detach(parent, name, ino);
        Ok(())
    }

    /// Drops entry `name` (naming `ino`) from `parent`, then reclaims `ino` if nothing holds it.
    fn detach(&mut self, parent: Ino, name: &str, ino: Ino) {
        if let Ok(entries) = self.entries_mut(parent) {
            entries.remove(name);
        }
        let now = self.clock.now();
        if let Some(node) = self.nodes.get_mut(&ino) {
            node.links = node.links.saturating_sub(1);
            node.changed = now;
        }
        self.touch_dir(parent);
        self.reclaim(ino);
    }

    /// Whether directory `ancestor` is `dir` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: Ino, dir: Ino) -> bool {
        let mut current = dir;
        loop {
            if current == ancestor {
                return true;
            }
            match self.nodes.get(&current).map(|n| &n.body) {
                Some(Body::Directory { parent, .. }) if *parent != current => current = *parent,
                _ => return false,
            }
        }
    }

    /// `rename`: moves entry `old_name` of `old_parent` to `new_name` in `new_parent`, replacing
    /// what is there when POSIX allows it. The caller has checked trailing slashes and `.`/`..`.
    pub fn rename(&mut self, old_parent: Ino, old_name: &str, new_parent: Ino, new_name: &str) -> Result<()> {
        let source = self.lookup(old_parent, old_name)?.ok_or(ErrorCode::NoEntry)?;
        if self.is_removed(new_parent) {
            return Err(ErrorCode::NoEntry);
        }
        if new_name.len() > MAX_NAME_LEN {
            return Err(ErrorCode::NameTooLong);
        }
        let existing = self.lookup(new_parent, new_name)?;
        let source_is_dir = self.is_dir(source);
        if let Some(target) = existing {
            if target == source {
                // Two names of one file, or a rename onto itself: POSIX does nothing.
                return Ok(());
            }
            let target_is_dir = self.is_dir(target);
            match (source_is_dir, target_is_dir) {
                (true, false) => return Err(ErrorCode::NotDirectory),
                (false, true) => return Err(ErrorCode::IsDirectory),
                (true, true) if !self.entries(target)?.is_empty() => return Err(ErrorCode::NotEmpty),
                _ => {}
            }
        }
        if source_is_dir && self.is_ancestor(source, new_parent) {
            return Err(ErrorCode::Invalid);
        }
        if let Some(target) = existing {
            self.detach(new_parent, new_name, target);
        }
        if let Ok(entries) = self.entries_mut(old_parent) {
            entries.remove(old_name);
        }
        self.entries_mut(new_parent)?.insert(new_name.to_owned(), source);
        let now = self.clock.now();
        let node = self.node_mut(source)?;
        node.changed = now;
        if let Body::Directory { parent, .. } = &mut node.body {
            *parent = new_parent;
        }
        self.touch_dir(old_parent);
        self.touch_dir(new_parent);
        Ok(())
    }

    fn file_check(&self, ino: Ino) -> Result<()> {
        match self.node(ino)?.body {
            Body::File => Ok(()),
            Body::Directory { .. } => Err(ErrorCode::IsDirectory),
            Body::Symlink { .. } => Err(ErrorCode::Invalid),
        }
    }

    /// The size of regular file `ino`.
    pub fn file_len(&self, ino: Ino) -> Result<u64> {
        self.file_check(ino)?;
        Ok(self.storage.len(ino))
    }

    /// Up to `len` bytes of file `ino` from `offset`.
    pub fn read(&self, ino: Ino, offset: u64, len: usize) -> Result<Vec<u8>> {
        self.file_check(ino)?;
        Ok(self.storage.read(ino, offset, len))
    }

    /// Writes `data` at `offset` (zero-filling a gap), as one step: on error nothing changed.
    pub fn write(&mut self, ino: Ino, offset: u64, data: &[u8]) -> Result<()> {
        self.file_check(ino)?;
        let end = offset.checked_add(data.len() as u64).ok_or(ErrorCode::FileTooLarge)?;
        if end > MAX_FILE_SIZE {
            return Err(ErrorCode::FileTooLarge);
        }
        if data.is_empty() {
            return Ok(());
        }
        self.storage.write(ino, offset, data)?;
        self.touch_data(ino);
        Ok(())
    }

    /// Appends `data` at the current end of file `ino`; returns the offset it landed at.
    pub fn append(&mut self, ino: Ino, data: &[u8]) -> Result<u64> {
        let end = self.file_len(ino)?;
        self.write(ino, end, data)?;
        Ok(end)
    }

    /// Truncates or zero-extends file `ino` to `len`.
    pub fn set_len(&mut self, ino: Ino, len: u64) -> Result<()> {
        self.file_check(ino)?;
        if len > MAX_FILE_SIZE {
            return Err(ErrorCode::FileTooLarge);
        }
        self.storage.set_len(ino, len)?;
        self.touch_data(ino);
        Ok(())
    }

    fn touch_data(&mut self, ino: Ino) {
        self.bump();
        let (now, revision) = (self.clock.now(), self.revision);
        if let Some(node) = self.nodes.get_mut(&ino) {
            node.modified = now;
            node.changed = now;
            node.data_revision = revision;
        }
    }

    /// `set-times`: the access and modification times as asked; the status-change time is now.
    pub fn set_times(&mut self, ino: Ino, accessed: NewTimestamp, modified: NewTimestamp) -> Result<()> {
        self.node(ino)?;
        self.bump();
        let now = self.clock.now();
        let node = self.node_mut(ino)?;
        if let Some(t) = accessed.resolve(now) {
            node.accessed = t;
        }
        if let Some(t) = modified.resolve(now) {
            node.modified = t;
        }
        node.changed = now;
        Ok(())
    }
}

/// A bijective mix of the inode number (so distinct inodes never share a hash).
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::time::ManualClock;

    fn fs() -> (Filesystem, Rc<ManualClock>) {
        let clock = Rc::new(ManualClock::new(Timestamp { seconds: 100, nanoseconds: 0 }));
        (Filesystem::new(clock.clone()), clock)
    }

    #[test]
    fn files_directories_and_link_counts() {
        let (mut fs, _) = fs();
        let root = fs.root();
        let dir = fs.create_dir(root, "d").unwrap();
        let file = fs.create_file(dir, "f").unwrap();
        assert_eq!(fs.stat(root).unwrap().link_count, 3);
        assert_eq!(fs.stat(dir).unwrap().link_count, 2);
        assert_eq!(fs.stat(file).unwrap().link_count, 1);
        fs.hard_link(file, root, "g").unwrap();
        assert_eq!(fs.stat(file).unwrap().link_count, 2);
        assert_eq!(fs.hard_link(dir, root, "h"), Err(ErrorCode::NotPermitted));
        assert_eq!(fs.create_file(root, "g"), Err(ErrorCode::Exist));
        assert_eq!(fs.create_file(root, &"x".repeat(256)), Err(ErrorCode::NameTooLong));
        fs.unlink(dir, "f").unwrap();
        assert_eq!(fs.stat(file).unwrap().link_count, 1);
        assert_eq!(fs.unlink(root, "d"), Err(ErrorCode::IsDirectory));
        fs.remove_dir(root, "d").unwrap();
        assert_eq!(fs.lookup(root, "d").unwrap(), None);
        assert_eq!(fs.stat(root).unwrap().link_count, 2);
    }

    #[test]
    fn an_open_unlinked_file_lives_until_closed() {
        let (mut fs, _) = fs();
        let root = fs.root();
        let file = fs.create_file(root, "f").unwrap();
        fs.write(file, 0, b"data").unwrap();
        fs.open(file).unwrap();
        let before = fs.node_count();
        fs.unlink(root, "f").unwrap();
        assert_eq!(fs.read(file, 0, 10).unwrap(), b"data");
        assert_eq!(fs.stat(file).unwrap().link_count, 0);
        assert_eq!(fs.node_count(), before);
        fs.close(file);
        assert_eq!(fs.node_count(), before - 1);
        assert_eq!(fs.stat(file), Err(ErrorCode::BadDescriptor));
    }

    #[test]
    fn timestamps_follow_posix() {
        let (mut fs, clock) = fs();
        let root = fs.root();
        let file = fs.create_file(root, "f").unwrap();
        let created = fs.stat(file).unwrap();
        assert_eq!(created.modified, Timestamp { seconds: 100, nanoseconds: 0 });
        clock.advance(5);
        fs.write(file, 0, b"x").unwrap();
        let written = fs.stat(file).unwrap();
        assert_eq!(written.modified.seconds, 105);
        assert_eq!(written.changed.seconds, 105);
        assert_eq!(written.accessed.seconds, 100, "writes do not touch the access time");
        clock.advance(5);
        fs.read(file, 0, 1).unwrap();
        assert_eq!(fs.stat(file).unwrap().accessed.seconds, 100, "noatime: reads change nothing");
        fs.hard_link(file, root, "g").unwrap();
        let linked = fs.stat(file).unwrap();
        assert_eq!((linked.modified.seconds, linked.changed.seconds), (105, 110));
        assert_eq!(fs.stat(root).unwrap().modified.seconds, 110);
        let at = Timestamp { seconds: 7, nanoseconds: 8 };
        fs.set_times(file, NewTimestamp::At(at), NewTimestamp::NoChange).unwrap();
        let set = fs.stat(file).unwrap();
        assert_eq!((set.accessed, set.modified.seconds, set.changed.seconds), (at, 105, 110));
    }

    #[test]
    fn rename_replaces_like_posix() {
        let (mut fs, _) = fs();
        let root = fs.root();
        let a = fs.create_dir(root, "a").unwrap();
        let b = fs.create_dir(root, "b").unwrap();
        fs.create_file(b, "x").unwrap();
        let f = fs.create_file(root, "f").unwrap();
        assert_eq!(fs.rename(root, "a", root, "b"), Err(ErrorCode::NotEmpty));
        assert_eq!(fs.rename(root, "f", root, "a"), Err(ErrorCode::IsDirectory));
        assert_eq!(fs.rename(root, "a", b, "x"), Err(ErrorCode::NotDirectory));
        assert_eq!(fs.rename(root, "a", a, "inside"), Err(ErrorCode::Invalid));
        assert_eq!(fs.rename(root, "missing", root, "z"), Err(ErrorCode::NoEntry));
        fs.rename(root, "f", b, "x").unwrap();
        assert_eq!(fs.lookup(b, "x").unwrap(), Some(f));
        fs.rename(root, "a", b, "a2").unwrap();
        assert!(fs.is_ancestor(b, a));
        assert!(!fs.is_ancestor(a, b));
        fs.rename(b, "x", b, "x").unwrap();
        assert_eq!(fs.lookup(b, "x").unwrap(), Some(f));
    }

    #[test]
    fn files_have_a_size_limit() {
        let (mut fs, _) = fs();
        let f = fs.create_file(fs.root(), "f").unwrap();
        assert_eq!(fs.set_len(f, MAX_FILE_SIZE + 1), Err(ErrorCode::FileTooLarge));
        assert_eq!(fs.write(f, MAX_FILE_SIZE, b"x"), Err(ErrorCode::FileTooLarge));
        assert_eq!(fs.write(f, u64::MAX, b"x"), Err(ErrorCode::FileTooLarge));
        assert_eq!(fs.file_len(f).unwrap(), 0);
    }

    #[test]
    fn metadata_hash_is_per_inode() {
        let (mut fs, _) = fs();
        let root = fs.root();
        let a = fs.create_file(root, "a").unwrap();
        let b = fs.create_file(root, "b").unwrap();
        let ha = fs.metadata_hash(a).unwrap();
        assert_ne!(ha, fs.metadata_hash(b).unwrap());
        fs.write(a, 0, b"changed").unwrap();
        assert_eq!(ha, fs.metadata_hash(a).unwrap());
        assert_ne!(ha.0, ha.1);
    }
}
