//! polyfill-wasi's virtual filesystem for JS: `Filesystem` (one filesystem, as the embedder sees it)
//! and `Vfs` (one guest's descriptors and streams, by handle). `polyfill-wasi/js/filesystem.js`
//! turns them into `wasi:filesystem` resources.
//!
//! Only plain values cross: handles and flag sets as numbers, sizes and offsets as BigInt, paths
//! as strings, contents as bytes. A failure is thrown as the WIT `error-code` name (`no-entry`); a
//! stream's as `closed` or the error code behind `last-operation-failed`. A stat crosses as a
//! BigUint64Array `[type, link-count, size, atime s, ns, mtime s, ns, ctime s, ns]`, a directory
//! entry as its `descriptor-type` discriminant (one digit) followed by its name.
//!
//! Persistence (`polyfill-wasi/js/opfs.js`): `Filesystem.restore` rebuilds a filesystem from a
//! manifest, `observe` registers a listener told of the first change after each `snapshot`, and a
//! `Snapshot` hands over the manifest and the changed files' contents (see
//! `polyfill_wasi::fs::persist`).

use std::cell::{Ref, RefMut};
use std::rc::Rc;

use polyfill_wasi::fs::persist::{self, FileBlob, Snapshot};
use polyfill_wasi::fs::{
    self, Clock, ErrorCode, Filesystem, NewTimestamp, NodeType, Session, SharedFs, Stat, StreamError, Timestamp,
};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;

    /// What `observe` is given: an object with a `changed()` method.
    pub type ChangeListener;
    /// Caught: an exception unwinding through Rust would skip the destructors and leave the
    /// filesystem borrowed, failing every later call.
    #[wasm_bindgen(method, catch)]
    fn changed(this: &ChangeListener) -> Result<(), JsValue>;
}

/// The system clock, as the page sees it (millisecond resolution).
struct DateClock;

impl Clock for DateClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(date_now())
    }
}

fn thrown(code: ErrorCode) -> JsValue {
    JsValue::from_str(code.as_str())
}

fn stream_thrown(error: StreamError) -> JsValue {
    match error {
        StreamError::Closed => JsValue::from_str("closed"),
        StreamError::Failed(code) => thrown(code),
    }
}

fn stat_values(stat: Stat) -> Vec<u64> {
    vec![
        u64::from(stat.node_type.wit_index()),
        stat.link_count,
        stat.size,
        stat.accessed.seconds,
        u64::from(stat.accessed.nanoseconds),
        stat.modified.seconds,
        u64::from(stat.modified.nanoseconds),
        stat.changed.seconds,
        u64::from(stat.changed.nanoseconds),
    ]
}

fn entry_value((node_type, name): (NodeType, String)) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    out.push(char::from(b'0' + node_type.wit_index()));
    out.push_str(&name);
    out
}

/// The filesystem to read; `busy` instead of a panic when it is being changed (a listener calling
/// back in the middle of a change), since a panic would abort with the borrow held for good.
fn reading(fs: &SharedFs) -> Result<Ref<'_, Filesystem>, JsValue> {
    fs.try_borrow().map_err(|_| thrown(ErrorCode::Busy))
}

/// The filesystem to change; `busy` as for [`reading`].
fn changing(fs: &SharedFs) -> Result<RefMut<'_, Filesystem>, JsValue> {
    fs.try_borrow_mut().map_err(|_| thrown(ErrorCode::Busy))
}

fn timestamp(kind: u8, seconds: u64, nanoseconds: u32) -> Result<NewTimestamp, JsValue> {
    NewTimestamp::decode(kind, seconds, nanoseconds).map_err(thrown)
}

/// One filesystem, shared by the embedder and every guest that mounts it.
#[wasm_bindgen(js_name = Filesystem)]
pub struct JsFilesystem {
    fs: SharedFs,
    /// After `restore`: the blobs still to load, in the order `restoreList` gave them.
    restoring: Vec<FileBlob>,
}

impl Default for JsFilesystem {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen(js_class = Filesystem)]
impl JsFilesystem {
    /// An empty filesystem in memory.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsFilesystem {
        JsFilesystem { fs: fs::shared(Rc::new(DateClock)), restoring: Vec::new() }
    }

    /// A filesystem rebuilt from a manifest, its files still empty: load each blob `restoreList`
    /// names with `restoreContent`. Throws `corrupt manifest: …` for a manifest it cannot trust.
    pub fn restore(manifest: &[u8]) -> Result<JsFilesystem, JsValue> {
        let (fs, restoring) =
            persist::restore(Rc::new(DateClock), manifest).map_err(|e| JsValue::from_str(&e.message()))?;
        Ok(JsFilesystem { fs: Rc::new(std::cell::RefCell::new(fs)), restoring })
    }

    /// `[ino, revision, size]` of each blob to load after `restore`.
    #[wasm_bindgen(js_name = restoreList)]
    pub fn restore_list(&self) -> Vec<u64> {
        let mut out = Vec::with_capacity(self.restoring.len() * 3);
        for blob in &self.restoring {
            out.extend_from_slice(&[blob.ino, blob.revision, blob.size]);
        }
        out
    }

    /// Loads blob `index` of `restoreList`; throws `corrupt manifest: …` if its size is wrong.
    #[wasm_bindgen(js_name = restoreContent)]
    pub fn restore_content(&self, index: usize, data: &[u8]) -> Result<(), JsValue> {
        let blob = self.restoring.get(index).ok_or_else(|| JsValue::from_str("no such blob"))?;
        changing(&self.fs)?.load_content(blob, data).map_err(|e| JsValue::from_str(&e.message()))
    }

    /// How many changes this filesystem has seen (it goes on from its manifest's after `restore`).
    pub fn revision(&self) -> Result<u64, JsValue> {
        Ok(reading(&self.fs)?.revision())
    }

    /// Calls `listener.changed()` on the first change after each `snapshot` (and after this
    /// call), in the middle of that change: the listener must only schedule work (what it throws
    /// is ignored, and calls back into this filesystem fail with `busy`).
    pub fn observe(&self, listener: ChangeListener) -> Result<(), JsValue> {
        let told = move || drop(listener.changed());
        changing(&self.fs)?.set_observer(Some(Box::new(told)));
        Ok(())
    }

    /// The manifest as of now and the contents of the files changed after revision `since`.
    pub fn snapshot(&self, since: u64) -> Result<JsSnapshot, JsValue> {
        Ok(JsSnapshot { snapshot: changing(&self.fs)?.snapshot(since) })
    }

    /// Writes a whole file, creating it and its parent directories.
    #[wasm_bindgen(js_name = writeFile)]
    pub fn write_file(&self, path: &str, data: &[u8]) -> Result<(), JsValue> {
        changing(&self.fs)?.write_file(path, data).map_err(thrown)
    }

    #[wasm_bindgen(js_name = readFile)]
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>, JsValue> {
        reading(&self.fs)?.read_file(path).map_err(thrown)
    }

    /// `mkdir -p`.
    #[wasm_bindgen(js_name = makeDirs)]
    pub fn make_dirs(&self, path: &str) -> Result<(), JsValue> {
        changing(&self.fs)?.make_dirs(path).map(drop).map_err(thrown)
    }

    #[wasm_bindgen(js_name = readDir)]
    pub fn read_dir(&self, path: &str) -> Result<Vec<String>, JsValue> {
        let entries = reading(&self.fs)?.read_dir(path).map_err(thrown)?;
        Ok(entries.into_iter().map(entry_value).collect())
    }

    pub fn stat(&self, path: &str, follow: bool) -> Result<Vec<u64>, JsValue> {
        reading(&self.fs)?.stat_path(path, follow).map(stat_values).map_err(thrown)
    }

    /// Removes a file, a link, or a directory and everything in it.
    pub fn remove(&self, path: &str) -> Result<(), JsValue> {
        changing(&self.fs)?.remove_path(path).map_err(thrown)
    }

    pub fn symlink(&self, target: &str, path: &str) -> Result<(), JsValue> {
        changing(&self.fs)?.make_symlink(target, path).map_err(thrown)
    }

    pub fn readlink(&self, path: &str) -> Result<String, JsValue> {
        reading(&self.fs)?.read_symlink(path).map_err(thrown)
    }
}

/// `[ino, revision]` of each blob.
fn pairs<'a>(blobs: impl Iterator<Item = &'a FileBlob>) -> Vec<u64> {
    let mut out = Vec::new();
    for blob in blobs {
        out.extend_from_slice(&[blob.ino, blob.revision]);
    }
    out
}

/// What a store writes to persist a filesystem: see `polyfill_wasi::fs::persist::Snapshot`.
#[wasm_bindgen(js_name = Snapshot)]
pub struct JsSnapshot {
    snapshot: Snapshot,
}

#[wasm_bindgen(js_class = Snapshot)]
impl JsSnapshot {
    #[wasm_bindgen(getter)]
    pub fn revision(&self) -> u64 {
        self.snapshot.revision
    }

    #[wasm_bindgen(getter)]
    pub fn manifest(&self) -> Vec<u8> {
        self.snapshot.manifest.clone()
    }

    /// `[ino, revision]` of every blob the manifest names.
    #[wasm_bindgen(getter)]
    pub fn files(&self) -> Vec<u64> {
        pairs(self.snapshot.files.iter())
    }

    /// `[ino, revision]` of each blob to write, in the order of `takeContent`'s indexes.
    #[wasm_bindgen(getter)]
    pub fn changed(&self) -> Vec<u64> {
        pairs(self.snapshot.changed.iter().map(|(blob, _)| blob))
    }

    /// The content of changed blob `index`, moved out (a second call gets nothing).
    #[wasm_bindgen(js_name = takeContent)]
    pub fn take_content(&mut self, index: usize) -> Vec<u8> {
        self.snapshot.changed.get_mut(index).map(|(_, bytes)| std::mem::take(bytes)).unwrap_or_default()
    }
}

/// One guest instance's descriptors and streams. Freeing it drops them all, publishing nothing
/// more (see `polyfill_wasi::fs::stream`).
#[wasm_bindgen]
#[derive(Default)]
pub struct Vfs {
    session: Session,
}

#[wasm_bindgen]
impl Vfs {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Vfs {
        Vfs { session: Session::new() }
    }

    /// A descriptor for the root of `fs`, read-write or read-only.
    pub fn preopen(&mut self, fs: &JsFilesystem, read_only: bool) -> Result<u32, JsValue> {
        self.session.preopen(&fs.fs, read_only).map_err(thrown)
    }

    #[wasm_bindgen(js_name = dropDescriptor)]
    pub fn drop_descriptor(&mut self, fd: u32) {
        self.session.drop_descriptor(fd);
    }

    #[wasm_bindgen(js_name = openAt)]
    pub fn open_at(
        &mut self,
        fd: u32,
        path_flags: u32,
        path: &str,
        open_flags: u32,
        flags: u32,
    ) -> Result<u32, JsValue> {
        self.session.open_at(fd, path_flags, path, open_flags, flags).map_err(thrown)
    }

    #[wasm_bindgen(js_name = getFlags)]
    pub fn get_flags(&self, fd: u32) -> Result<u32, JsValue> {
        self.session.get_flags(fd).map_err(thrown)
    }

    #[wasm_bindgen(js_name = getType)]
    pub fn get_type(&self, fd: u32) -> Result<u8, JsValue> {
        self.session.get_type(fd).map(NodeType::wit_index).map_err(thrown)
    }

    pub fn stat(&self, fd: u32) -> Result<Vec<u64>, JsValue> {
        self.session.stat(fd).map(stat_values).map_err(thrown)
    }

    #[wasm_bindgen(js_name = statAt)]
    pub fn stat_at(&self, fd: u32, path_flags: u32, path: &str) -> Result<Vec<u64>, JsValue> {
        self.session.stat_at(fd, path_flags, path).map(stat_values).map_err(thrown)
    }

    /// `[lower, upper]`.
    #[wasm_bindgen(js_name = metadataHash)]
    pub fn metadata_hash(&self, fd: u32) -> Result<Vec<u64>, JsValue> {
        self.session.metadata_hash(fd).map(|(lower, upper)| vec![lower, upper]).map_err(thrown)
    }

    #[wasm_bindgen(js_name = metadataHashAt)]
    pub fn metadata_hash_at(&self, fd: u32, path_flags: u32, path: &str) -> Result<Vec<u64>, JsValue> {
        self.session.metadata_hash_at(fd, path_flags, path).map(|(lower, upper)| vec![lower, upper]).map_err(thrown)
    }

    #[wasm_bindgen(js_name = isSameObject)]
    pub fn is_same_object(&self, a: u32, b: u32) -> bool {
        self.session.is_same_object(a, b)
    }

    #[wasm_bindgen(js_name = setSize)]
    pub fn set_size(&self, fd: u32, size: u64) -> Result<(), JsValue> {
        self.session.set_size(fd, size).map_err(thrown)
    }

    /// Each timestamp as `kind` (0 no-change, 1 now, 2 the datetime), seconds, nanoseconds.
    #[wasm_bindgen(js_name = setTimes)]
    #[allow(clippy::too_many_arguments)]
    pub fn set_times(
        &self,
        fd: u32,
        a_kind: u8,
        a_s: u64,
        a_ns: u32,
        m_kind: u8,
        m_s: u64,
        m_ns: u32,
    ) -> Result<(), JsValue> {
        let (accessed, modified) = (timestamp(a_kind, a_s, a_ns)?, timestamp(m_kind, m_s, m_ns)?);
        self.session.set_times(fd, accessed, modified).map_err(thrown)
    }

    #[wasm_bindgen(js_name = setTimesAt)]
    #[allow(clippy::too_many_arguments)]
    pub fn set_times_at(
        &self,
        fd: u32,
        path_flags: u32,
        path: &str,
        a_kind: u8,
        a_s: u64,
        a_ns: u32,
        m_kind: u8,
        m_s: u64,
        m_ns: u32,
    ) -> Result<(), JsValue> {
        let (accessed, modified) = (timestamp(a_kind, a_s, a_ns)?, timestamp(m_kind, m_s, m_ns)?);
        self.session.set_times_at(fd, path_flags, path, accessed, modified).map_err(thrown)
    }

    pub fn read(&self, fd: u32, len: u64, offset: u64) -> Result<Vec<u8>, JsValue> {
        self.session.read(fd, len, offset).map_err(thrown)
    }

    pub fn write(&self, fd: u32, buffer: &[u8], offset: u64) -> Result<u64, JsValue> {
        self.session.write(fd, buffer, offset).map_err(thrown)
    }

    pub fn advise(&self, fd: u32) -> Result<(), JsValue> {
        self.session.advise(fd).map_err(thrown)
    }

    /// `sync` and `sync-data`.
    pub fn sync(&mut self, fd: u32) -> Result<(), JsValue> {
        self.session.sync(fd).map_err(thrown)
    }

    #[wasm_bindgen(js_name = createDirectoryAt)]
    pub fn create_directory_at(&self, fd: u32, path: &str) -> Result<(), JsValue> {
        self.session.create_directory_at(fd, path).map_err(thrown)
    }

    #[wasm_bindgen(js_name = readlinkAt)]
    pub fn readlink_at(&self, fd: u32, path: &str) -> Result<String, JsValue> {
        self.session.readlink_at(fd, path).map_err(thrown)
    }

    #[wasm_bindgen(js_name = removeDirectoryAt)]
    pub fn remove_directory_at(&self, fd: u32, path: &str) -> Result<(), JsValue> {
        self.session.remove_directory_at(fd, path).map_err(thrown)
    }

    #[wasm_bindgen(js_name = unlinkFileAt)]
    pub fn unlink_file_at(&self, fd: u32, path: &str) -> Result<(), JsValue> {
        self.session.unlink_file_at(fd, path).map_err(thrown)
    }

    #[wasm_bindgen(js_name = symlinkAt)]
    pub fn symlink_at(&self, fd: u32, old_path: &str, new_path: &str) -> Result<(), JsValue> {
        self.session.symlink_at(fd, old_path, new_path).map_err(thrown)
    }

    #[wasm_bindgen(js_name = linkAt)]
    pub fn link_at(
        &self,
        fd: u32,
        path_flags: u32,
        old_path: &str,
        new_fd: u32,
        new_path: &str,
    ) -> Result<(), JsValue> {
        self.session.link_at(fd, path_flags, old_path, new_fd, new_path).map_err(thrown)
    }

    #[wasm_bindgen(js_name = renameAt)]
    pub fn rename_at(&self, fd: u32, old_path: &str, new_fd: u32, new_path: &str) -> Result<(), JsValue> {
        self.session.rename_at(fd, old_path, new_fd, new_path).map_err(thrown)
    }

    #[wasm_bindgen(js_name = readDirectory)]
    pub fn read_directory(&mut self, fd: u32) -> Result<u32, JsValue> {
        self.session.read_directory(fd).map_err(thrown)
    }

    /// The next entry (type digit + name), or `undefined` at the end.
    #[wasm_bindgen(js_name = readDirectoryEntry)]
    pub fn read_directory_entry(&mut self, listing: u32) -> Result<Option<String>, JsValue> {
        self.session.read_directory_entry(listing).map(|entry| entry.map(entry_value)).map_err(thrown)
    }

    #[wasm_bindgen(js_name = dropDirectoryEntries)]
    pub fn drop_directory_entries(&mut self, listing: u32) {
        self.session.drop_directory_entries(listing);
    }

    #[wasm_bindgen(js_name = readViaStream)]
    pub fn read_via_stream(&mut self, fd: u32, offset: u64) -> Result<u32, JsValue> {
        self.session.read_via_stream(fd, offset).map_err(thrown)
    }

    #[wasm_bindgen(js_name = writeViaStream)]
    pub fn write_via_stream(&mut self, fd: u32, offset: u64) -> Result<u32, JsValue> {
        self.session.write_via_stream(fd, offset).map_err(thrown)
    }

    #[wasm_bindgen(js_name = appendViaStream)]
    pub fn append_via_stream(&mut self, fd: u32) -> Result<u32, JsValue> {
        self.session.append_via_stream(fd).map_err(thrown)
    }

    #[wasm_bindgen(js_name = inputRead)]
    pub fn input_read(&mut self, stream: u32, len: u64) -> Result<Vec<u8>, JsValue> {
        self.session.input_read(stream, len).map_err(stream_thrown)
    }

    #[wasm_bindgen(js_name = dropInput)]
    pub fn drop_input(&mut self, stream: u32) {
        self.session.drop_input(stream);
    }

    #[wasm_bindgen(js_name = outputCheckWrite)]
    pub fn output_check_write(&self, stream: u32) -> Result<u64, JsValue> {
        self.session.output_check_write(stream).map_err(stream_thrown)
    }

    #[wasm_bindgen(js_name = outputWrite)]
    pub fn output_write(&mut self, stream: u32, bytes: &[u8]) -> Result<(), JsValue> {
        self.session.output_write(stream, bytes).map_err(stream_thrown)
    }

    #[wasm_bindgen(js_name = outputFlush)]
    pub fn output_flush(&mut self, stream: u32) -> Result<(), JsValue> {
        self.session.output_flush(stream).map_err(stream_thrown)
    }

    /// The guest dropped the stream: publishes what it wrote, then forgets it.
    #[wasm_bindgen(js_name = dropOutput)]
    pub fn drop_output(&mut self, stream: u32) {
        self.session.drop_output(stream);
    }
}
