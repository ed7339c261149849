//! Persistence: a filesystem as a manifest plus one content blob per file, for a store that keeps
//! them somewhere durable (the OPFS backend in `polyfill-wasi/js/opfs.js`).
//!
//! The in-memory filesystem stays the live state; a store persists it behind the guest's back:
//!
//! - Every change adds one to the filesystem's [`revision`](Filesystem::revision), and a regular
//!   file remembers the revision of its last content change (`data_revision`). The observer set
//!   with [`set_observer`](Filesystem::set_observer) is told of the first change after each
//!   snapshot, so a store learns it has work without polling.
//! - [`Filesystem::snapshot`] captures, in one step, the manifest of the tree as it is (every
//!   reachable node with its metadata; a file names its blob by inode and data revision) and the
//!   contents of the files that changed since the revision the store last committed. The store
//!   writes those blobs under their fresh names, then the manifest: the manifest is the commit
//!   point, and a blob never changes once written, so a store that stops half-way still holds the
//!   previous manifest and every blob it names.
//! - [`restore`] rebuilds a filesystem from a manifest, checking everything, and says which blobs
//!   to load into it ([`Filesystem::load_content`]).
//!
//! Nodes not reachable from the root (unlinked files still open) are not persisted, as a file
//! unlinked while open does not survive a reboot. Empty files have no blob.
//!
//! The manifest is binary, little-endian: the magic `terrafs` and a version byte (1); the
//! revision, the next inode number, the root's inode and the number of nodes (u64 each); each node
//! as its inode (u64), its kind (u8: 0 directory, 1 file, 2 symlink), its access, modification and
//! status-change times (u64 seconds, u32 nanoseconds each), then for a directory its entries (u32
//! count, then per entry the name as u32 length + UTF-8 and the inode as u64), for a file its data
//! revision and size (u64 each), for a symlink its target (u32 length + UTF-8); last, an FNV-1a
//! 64-bit hash of everything before it.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::inode::{Body, Filesystem, Node, MAX_FILE_SIZE, MAX_NAME_LEN};
use super::storage::{Ino, MemoryStorage};
use super::time::{Clock, Timestamp};

const MAGIC: &[u8; 8] = b"terrafs\x01";

const DIRECTORY: u8 = 0;
const FILE: u8 = 1;
const SYMLINK: u8 = 2;

/// A file's content as a store keeps it: one blob per inode and data revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileBlob {
    pub ino: Ino,
    /// The revision of the file's last content change; with `ino`, the blob's name.
    pub revision: u64,
    pub size: u64,
}

/// What a store writes to persist the filesystem as it was at `revision`.
#[derive(Debug)]
pub struct Snapshot {
    pub revision: u64,
    pub manifest: Vec<u8>,
    /// Every blob the manifest names (files with content), in inode order.
    pub files: Vec<FileBlob>,
    /// The blobs that changed after the revision given to [`Filesystem::snapshot`], with contents.
    pub changed: Vec<(FileBlob, Vec<u8>)>,
}

/// A manifest that cannot be restored: why, in words. (Static text: formatting numbers and names
/// would cost the page's filesystem wasm a few kilobytes.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CorruptManifest(pub &'static str);

impl CorruptManifest {
    /// `corrupt manifest: <why>`.
    pub fn message(self) -> String {
        let mut message = String::from("corrupt manifest: ");
        message.push_str(self.0);
        message
    }
}

fn corrupt<T>(why: &'static str) -> Result<T, CorruptManifest> {
    Err(CorruptManifest(why))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        // Names are at most 255 bytes and symlink targets come from guest strings: far below 4 GiB.
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn time(&mut self, t: Timestamp) {
        self.u64(t.seconds);
        self.u32(t.nanoseconds);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CorruptManifest> {
        match self.at.checked_add(n).filter(|&end| end <= self.bytes.len()) {
            Some(end) => {
                let slice = &self.bytes[self.at..end];
                self.at = end;
                Ok(slice)
            }
            None => corrupt("truncated"),
        }
    }
    fn u8(&mut self) -> Result<u8, CorruptManifest> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, CorruptManifest> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, CorruptManifest> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
    }
    fn str(&mut self) -> Result<String, CorruptManifest> {
        let len = self.u32()? as usize;
        match std::str::from_utf8(self.take(len)?) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => corrupt("a name that is not UTF-8"),
        }
    }
    fn time(&mut self) -> Result<Timestamp, CorruptManifest> {
        let seconds = self.u64()?;
        let nanoseconds = self.u32()?;
        if nanoseconds >= 1_000_000_000 {
            return corrupt("a timestamp with 1e9 nanoseconds or more");
        }
        Ok(Timestamp { seconds, nanoseconds })
    }
}

impl Filesystem {
    /// The manifest of the tree as it is now, and the contents of the files whose content changed
    /// after revision `since` (the last one the store committed). Re-arms the observer.
    pub fn snapshot(&mut self, since: u64) -> Snapshot {
        self.announced = false;
        let mut out = Writer(Vec::new());
        out.0.extend_from_slice(MAGIC);
        out.u64(self.revision);
        out.u64(self.next_ino);
        out.u64(self.root);
        // The nodes the root reaches are those with a name: a directory is removed only when empty
        // and nothing is made in a removed one, so every entry is in a reachable directory.
        let reachable = |node: &Node| node.links > 0;
        out.u64(self.nodes.values().filter(|node| reachable(node)).count() as u64);
        let (mut files, mut changed) = (Vec::new(), Vec::new());
        for (&ino, node) in self.nodes.iter().filter(|(_, node)| reachable(node)) {
            out.u64(ino);
            out.u8(match node.body {
                Body::Directory { .. } => DIRECTORY,
                Body::File => FILE,
                Body::Symlink { .. } => SYMLINK,
            });
            out.time(node.accessed);
            out.time(node.modified);
            out.time(node.changed);
            match &node.body {
                Body::Directory { entries, .. } => {
                    out.u32(entries.len() as u32);
                    for (name, &child) in entries {
                        out.str(name);
                        out.u64(child);
                    }
                }
                Body::File => {
                    let size = self.storage.len(ino);
                    out.u64(node.data_revision);
                    out.u64(size);
                    if size > 0 {
                        let blob = FileBlob { ino, revision: node.data_revision, size };
                        files.push(blob);
                        if node.data_revision > since {
                            // Files are at most MAX_FILE_SIZE (2 GiB), and this one is in memory.
                            changed.push((blob, self.storage.read(ino, 0, size as usize)));
                        }
                    }
                }
                Body::Symlink { target } => out.str(target),
            }
        }
        let hash = fnv1a(&out.0);
        out.u64(hash);
        Snapshot { revision: self.revision, manifest: out.0, files, changed }
    }

    /// Fills file `blob.ino` of a just-restored filesystem with its blob, which must have the size
    /// the manifest gives. Changes nothing else (no timestamp, no revision).
    pub fn load_content(&mut self, blob: &FileBlob, data: &[u8]) -> Result<(), CorruptManifest> {
        if !matches!(self.nodes.get(&blob.ino), Some(Node { body: Body::File, .. })) {
            return corrupt("content for a node that is not a file");
        }
        if data.len() as u64 != blob.size {
            return corrupt("a file's content does not have the size the manifest gives");
        }
        self.storage
            .set_len(blob.ino, 0)
            .and_then(|()| self.storage.write(blob.ino, 0, data))
            .or(corrupt("a file too large for memory"))
    }
}

/// Whether a directory could have an entry `name` (what `check_new_entry` allows).
fn valid_name(name: &str) -> bool {
    !(name.is_empty() || name == "." || name == ".." || name.contains(['/', '\0']) || name.len() > MAX_NAME_LEN)
}

/// Rebuilds a filesystem from `manifest`, with empty files: load the returned blobs into it with
/// [`Filesystem::load_content`]. Refuses anything [`Filesystem::snapshot`] would not write.
pub fn restore(clock: Rc<dyn Clock>, manifest: &[u8]) -> Result<(Filesystem, Vec<FileBlob>), CorruptManifest> {
    if manifest.len() < MAGIC.len() + 8 || manifest[..7] != MAGIC[..7] {
        return corrupt("not a Terrarium filesystem manifest");
    }
    if manifest[7] != MAGIC[7] {
        return corrupt("a manifest version this build does not read");
    }
    let (body, hash) = manifest.split_at(manifest.len() - 8);
    if fnv1a(body).to_le_bytes() != hash {
        return corrupt("checksum mismatch");
    }
    let mut r = Reader { bytes: body, at: MAGIC.len() };
    let revision = r.u64()?;
    let next_ino = r.u64()?;
    let root = r.u64()?;
    let count = r.u64()?;
    let mut nodes = BTreeMap::new();
    let mut blobs = Vec::new();
    for _ in 0..count {
        let ino = r.u64()?;
        let kind = r.u8()?;
        let (accessed, modified, changed) = (r.time()?, r.time()?, r.time()?);
        let mut data_revision = 0;
        let body = match kind {
            DIRECTORY => {
                let mut entries = BTreeMap::new();
                for _ in 0..r.u32()? {
                    let name = r.str()?;
                    if !valid_name(&name) {
                        return corrupt("an invalid name");
                    }
                    if entries.insert(name, r.u64()?).is_some() {
                        return corrupt("a name twice in one directory");
                    }
                }
                Body::Directory { entries, parent: ino }
            }
            FILE => {
                data_revision = r.u64()?;
                let size = r.u64()?;
                if size > MAX_FILE_SIZE {
                    return corrupt("a file larger than 2 GiB");
                }
                if data_revision > revision {
                    return corrupt("a file changed after the manifest's revision");
                }
                if size > 0 {
                    blobs.push(FileBlob { ino, revision: data_revision, size });
                }
                Body::File
            }
            SYMLINK => Body::Symlink { target: r.str()? },
            _ => return corrupt("an unknown kind of node"),
        };
        if ino == 0 || ino >= next_ino {
            return corrupt("an inode number out of range");
        }
        let node = Node { body, links: 0, opens: 0, accessed, modified, changed, data_revision };
        if nodes.insert(ino, node).is_some() {
            return corrupt("an inode twice");
        }
    }
    if r.at != body.len() {
        return corrupt("bytes after the last node");
    }
    if !matches!(nodes.get(&root), Some(Node { body: Body::Directory { .. }, .. })) {
        return corrupt("the root is not a directory");
    }
    // Link counts and parents from the entries; every node must be reached from the root, and
    // every directory by exactly one entry (so there is no cycle and no hard-linked directory).
    nodes.get_mut(&root).expect("checked").links = 1;
    let mut queue = vec![root];
    let mut reached = 1;
    while let Some(dir) = queue.pop() {
        let children: Vec<Ino> = match &nodes[&dir].body {
            Body::Directory { entries, .. } => entries.values().copied().collect(),
            _ => Vec::new(),
        };
        for child in children {
            let Some(node) = nodes.get_mut(&child) else { return corrupt("an entry naming a missing inode") };
            node.links += 1;
            if let Body::Directory { parent, .. } = &mut node.body {
                if child == root || node.links > 1 {
                    return corrupt("a directory with more than one name");
                }
                *parent = dir;
                queue.push(child);
            }
            if node.links == 1 {
                reached += 1;
            }
        }
    }
    if reached != nodes.len() {
        return corrupt("nodes that the root does not reach");
    }
    let mut storage = MemoryStorage::new();
    for (&ino, node) in &nodes {
        if let Body::File = node.body {
            super::storage::Storage::create(&mut storage, ino);
        }
    }
    let fs = Filesystem {
        nodes,
        storage: Box::new(storage),
        clock,
        root,
        next_ino,
        revision,
        observer: None,
        announced: false,
    };
    Ok((fs, blobs))
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::fs::time::{ManualClock, NewTimestamp};

    fn clock() -> Rc<ManualClock> {
        Rc::new(ManualClock::new(Timestamp { seconds: 100, nanoseconds: 5 }))
    }

    /// A tree with a nested directory, a hard link, a symlink, an empty file and set times.
    fn sample() -> Filesystem {
        let mut fs = Filesystem::new(clock());
        fs.write_file("a.txt", b"alpha").unwrap();
        fs.write_file("sub/deeper/b.bin", &[0, 1, 2, 255]).unwrap();
        fs.write_file("empty", b"").unwrap();
        let root = fs.root();
        let a = fs.lookup(root, "a.txt").unwrap().unwrap();
        let sub = fs.lookup(root, "sub").unwrap().unwrap();
        fs.hard_link(a, sub, "a-again").unwrap();
        fs.make_symlink("sub/deeper/b.bin", "link").unwrap();
        let at = Timestamp { seconds: 1_000_000_000, nanoseconds: 123_456_789 };
        fs.set_times(a, NewTimestamp::At(at), NewTimestamp::At(at)).unwrap();
        fs
    }

    fn restored(manifest: &[u8], source: &Filesystem) -> Filesystem {
        let (mut fs, blobs) = restore(clock(), manifest).unwrap();
        for blob in &blobs {
            fs.load_content(blob, &source.storage.read(blob.ino, 0, blob.size as usize)).unwrap();
        }
        fs
    }

    #[test]
    fn a_snapshot_restores_the_same_tree() {
        let mut fs = sample();
        let snap = fs.snapshot(0);
        let back = restored(&snap.manifest, &fs);
        assert_eq!(back.read_file("a.txt").unwrap(), b"alpha");
        assert_eq!(back.read_file("sub/a-again").unwrap(), b"alpha");
        assert_eq!(back.read_file("link").unwrap(), [0, 1, 2, 255]);
        assert_eq!(back.read_symlink("link").unwrap(), "sub/deeper/b.bin");
        assert_eq!(back.read_file("empty").unwrap(), b"");
        for path in ["/", "a.txt", "sub", "sub/deeper", "sub/deeper/b.bin", "empty", "link"] {
            assert_eq!(back.stat_path(path, false), fs.stat_path(path, false), "{path}");
        }
        assert_eq!(back.stat_path("a.txt", true).unwrap().link_count, 2);
        assert_eq!(back.stat_path("/", true).unwrap().link_count, 3);
        let a = fs.lookup_path("a.txt", true).unwrap();
        assert_eq!(back.lookup_path("sub/a-again", true).unwrap(), a, "inode numbers are kept");
        assert_eq!(back.metadata_hash(a), fs.metadata_hash(a));
        assert_eq!(back.revision(), fs.revision());
        // The same manifest again: snapshots are deterministic.
        let mut back = back;
        assert_eq!(back.snapshot(0).manifest, snap.manifest);
        // New nodes get new inode numbers.
        back.write_file("new", b"n").unwrap();
        assert!(back.lookup_path("new", true).unwrap() > fs.lookup_path("link", false).unwrap());
    }

    #[test]
    fn a_snapshot_carries_only_what_changed_since() {
        let mut fs = sample();
        let first = fs.snapshot(0);
        let names = |blobs: &[FileBlob]| blobs.iter().map(|b| (b.ino, b.size)).collect::<Vec<_>>();
        assert_eq!(names(&first.files), vec![(2, 5), (5, 4)], "a.txt and b.bin; no blob for an empty file");
        assert_eq!(first.changed.len(), 2);
        assert_eq!(first.changed[0].1, b"alpha");
        let second = fs.snapshot(first.revision);
        assert_eq!(second.revision, first.revision);
        assert!(second.changed.is_empty());
        assert_eq!(second.files, first.files);
        fs.write_file("sub/deeper/b.bin", b"changed").unwrap();
        fs.rename(fs.root(), "a.txt", fs.root(), "renamed").unwrap();
        let third = fs.snapshot(first.revision);
        assert!(third.revision > first.revision);
        assert_eq!(third.changed.len(), 1, "a rename rewrites the manifest, not the file");
        assert_eq!(third.changed[0].1, b"changed");
        assert!(third.changed[0].0.revision > first.revision, "a new blob name");
        assert_eq!(third.files[0], first.files[0], "a.txt keeps its blob");
    }

    #[test]
    fn unlinked_open_files_are_not_persisted() {
        let mut fs = Filesystem::new(clock());
        fs.write_file("gone", b"bytes").unwrap();
        let ino = fs.lookup_path("gone", true).unwrap();
        fs.open(ino).unwrap();
        fs.remove_path("gone").unwrap();
        fs.write(ino, 0, b"more").unwrap();
        let snap = fs.snapshot(0);
        assert!(snap.files.is_empty() && snap.changed.is_empty());
        let (back, _) = restore(clock(), &snap.manifest).unwrap();
        assert_eq!(back.node_count(), 1);
    }

    #[test]
    fn the_observer_hears_the_first_change_after_each_snapshot() {
        let heard = Rc::new(Cell::new(0));
        let mut fs = Filesystem::new(clock());
        let counter = heard.clone();
        fs.set_observer(Some(Box::new(move || counter.set(counter.get() + 1))));
        assert_eq!(fs.revision(), 0);
        fs.write_file("a", b"1").unwrap();
        fs.write_file("b", b"2").unwrap();
        fs.make_dirs("c/d").unwrap();
        assert_eq!(heard.get(), 1);
        let r = fs.revision();
        assert!(r > 0);
        fs.snapshot(0);
        assert_eq!(heard.get(), 1, "a snapshot is not a change");
        assert!(fs.read_file("a").is_ok());
        fs.stat_path("c", true).unwrap();
        assert_eq!((heard.get(), fs.revision()), (1, r), "reads are not changes");
        fs.set_times(fs.root(), NewTimestamp::Now, NewTimestamp::NoChange).unwrap();
        assert_eq!(heard.get(), 2);
        fs.snapshot(0);
        fs.remove_path("c").unwrap();
        assert_eq!(heard.get(), 3);
    }

    #[test]
    fn every_damaged_manifest_is_refused() {
        let mut fs = sample();
        let snap = fs.snapshot(0);
        let m = &snap.manifest;
        for len in 0..m.len() {
            assert!(restore(clock(), &m[..len]).is_err(), "truncated to {len}");
        }
        for at in 0..m.len() {
            let mut bad = m.clone();
            bad[at] ^= 0x40;
            assert!(restore(clock(), &bad).is_err(), "byte {at} flipped");
        }
        let mut newer = m.clone();
        newer[7] = 2;
        assert_eq!(restore(clock(), &newer).unwrap_err().0, "a manifest version this build does not read");
    }

    /// A manifest with a valid checksum around `nodes` (already encoded).
    fn forged(root: Ino, next_ino: u64, revision: u64, nodes: &[(Ino, u8, Vec<u8>)]) -> Vec<u8> {
        let mut w = Writer(MAGIC.to_vec());
        w.u64(revision);
        w.u64(next_ino);
        w.u64(root);
        w.u64(nodes.len() as u64);
        for (ino, kind, rest) in nodes {
            w.u64(*ino);
            w.u8(*kind);
            for _ in 0..3 {
                w.time(Timestamp::default());
            }
            w.0.extend_from_slice(rest);
        }
        let hash = fnv1a(&w.0);
        w.u64(hash);
        w.0
    }

    fn dir(entries: &[(&str, Ino)]) -> Vec<u8> {
        let mut w = Writer(Vec::new());
        w.u32(entries.len() as u32);
        for (name, ino) in entries {
            w.str(name);
            w.u64(*ino);
        }
        w.0
    }

    fn file(revision: u64, size: u64) -> Vec<u8> {
        let mut w = Writer(Vec::new());
        w.u64(revision);
        w.u64(size);
        w.0
    }

    #[test]
    fn inconsistent_trees_are_refused() {
        let why = |m: Vec<u8>| restore(clock(), &m).map(drop).unwrap_err().0;
        let unnamed = forged(1, 3, 0, &[(1, DIRECTORY, dir(&[])), (2, FILE, file(0, 0))]);
        assert_eq!(why(unnamed), "nodes that the root does not reach");
        let ok = forged(1, 3, 0, &[(1, DIRECTORY, dir(&[("f", 2), ("g", 2)])), (2, FILE, file(0, 0))]);
        let (fs, _) = restore(clock(), &ok).unwrap();
        assert_eq!(fs.stat_path("g", true).unwrap().link_count, 2);
        assert_eq!(why(forged(1, 3, 0, &[(1, DIRECTORY, dir(&[("f", 9)]))])), "an entry naming a missing inode");
        assert_eq!(why(forged(1, 3, 0, &[(1, FILE, file(0, 0))])), "the root is not a directory");
        assert_eq!(
            why(forged(1, 3, 0, &[(1, DIRECTORY, dir(&[("..", 2)])), (2, FILE, file(0, 0))])),
            "an invalid name"
        );
        let twice = forged(1, 3, 0, &[(1, DIRECTORY, dir(&[("d", 2), ("e", 2)])), (2, DIRECTORY, dir(&[]))]);
        assert_eq!(why(twice), "a directory with more than one name");
        let root_named = forged(1, 3, 0, &[(1, DIRECTORY, dir(&[("up", 1)]))]);
        assert_eq!(why(root_named), "a directory with more than one name");
        let cycle = forged(
            1,
            4,
            0,
            &[(1, DIRECTORY, dir(&[])), (2, DIRECTORY, dir(&[("x", 3)])), (3, DIRECTORY, dir(&[("y", 2)]))],
        );
        assert_eq!(why(cycle), "nodes that the root does not reach");
        assert_eq!(
            why(forged(1, 2, 0, &[(1, DIRECTORY, dir(&[("f", 2)])), (2, FILE, file(0, 0))])),
            "an inode number out of range"
        );
        let future = forged(1, 3, 4, &[(1, DIRECTORY, dir(&[("f", 2)])), (2, FILE, file(5, 1))]);
        assert_eq!(why(future), "a file changed after the manifest's revision");
    }

    #[test]
    fn contents_must_match_the_manifest() {
        let mut fs = sample();
        let snap = fs.snapshot(0);
        let (mut back, blobs) = restore(clock(), &snap.manifest).unwrap();
        assert_eq!(
            back.load_content(&blobs[0], b"alph").unwrap_err().0,
            "a file's content does not have the size the manifest gives"
        );
        let not_a_file = FileBlob { ino: 1, revision: 0, size: 0 };
        assert!(back.load_content(&not_a_file, b"").is_err());
        back.load_content(&blobs[0], b"alpha").unwrap();
        assert_eq!(back.revision(), snap.revision, "loading is not a change");
    }
}
