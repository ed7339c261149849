//! The virtual filesystem as a guest sees it: every `wasi:filesystem/types` operation through a
//! [`Session`], with the error codes wasmtime returns on Linux.

use std::rc::Rc;

use polyfill_wasi::fs::descriptor::{descriptor_flags as df, open_flags as of, path_flags::SYMLINK_FOLLOW};
use polyfill_wasi::fs::stream::WRITE_BUDGET;
use polyfill_wasi::fs::{
    shared, ErrorCode, ErrorCode::*, ManualClock, NewTimestamp, NodeType, Session, SharedFs, StreamError, Timestamp,
};

const FOLLOW: u32 = SYMLINK_FOLLOW;
const NOFOLLOW: u32 = 0;

struct Fixture {
    fs: SharedFs,
    clock: Rc<ManualClock>,
    session: Session,
    /// The read-write preopen of `fs`.
    root: u32,
}

fn fixture() -> Fixture {
    let clock = Rc::new(ManualClock::new(Timestamp { seconds: 1_000, nanoseconds: 0 }));
    let fs = shared(clock.clone());
    let mut session = Session::new();
    let root = session.preopen(&fs, false).unwrap();
    Fixture { fs, clock, session, root }
}

impl Fixture {
    fn create(&mut self, path: &str, content: &[u8]) {
        let fd = self.open(path, of::CREATE | of::TRUNCATE, df::WRITE).unwrap();
        assert_eq!(self.session.write(fd, content, 0), Ok(content.len() as u64));
        self.session.drop_descriptor(fd);
    }

    fn open(&mut self, path: &str, open_flags: u32, flags: u32) -> Result<u32, ErrorCode> {
        self.session.open_at(self.root, FOLLOW, path, open_flags, flags)
    }

    fn content(&self, path: &str) -> Vec<u8> {
        self.fs.borrow().read_file(path).unwrap()
    }

    fn exists(&self, path: &str) -> bool {
        self.session.stat_at(self.root, NOFOLLOW, path).is_ok()
    }

    /// Reads a whole file through a read stream, as wasi-libc does.
    fn read_stream(&mut self, fd: u32, offset: u64) -> Result<Vec<u8>, StreamError> {
        let stream = self.session.read_via_stream(fd, offset).unwrap();
        let mut out = Vec::new();
        let result = loop {
            match self.session.input_read(stream, 3) {
                Ok(bytes) => out.extend(bytes),
                Err(StreamError::Closed) => break Ok(out),
                Err(e) => break Err(e),
            }
        };
        self.session.drop_input(stream);
        result
    }
}

#[test]
fn create_write_read_and_stat() {
    let mut t = fixture();
    let fd = t.open("a.txt", of::CREATE, df::READ | df::WRITE).unwrap();
    assert_eq!(t.session.get_type(fd), Ok(NodeType::RegularFile));
    assert_eq!(t.session.get_flags(fd), Ok(df::READ | df::WRITE));
    assert_eq!(t.session.write(fd, b"hello world", 0), Ok(11));
    assert_eq!(t.session.read(fd, 5, 6), Ok(b"world".to_vec()));
    assert_eq!(t.session.read(fd, 100, 0), Ok(b"hello world".to_vec()));
    assert_eq!(t.session.read(fd, 100, 11), Ok(vec![]), "empty at the end");
    assert_eq!(t.session.read(fd, 100, 1 << 40), Ok(vec![]));
    // Writing past the end zero-fills the gap.
    assert_eq!(t.session.write(fd, b"!", 13), Ok(1));
    assert_eq!(t.content("a.txt"), b"hello world\0\0!");
    let stat = t.session.stat(fd).unwrap();
    assert_eq!((stat.node_type, stat.size, stat.link_count), (NodeType::RegularFile, 14, 1));
    assert_eq!(t.session.stat_at(t.root, NOFOLLOW, "a.txt"), Ok(stat));
    let dir = t.session.stat(t.root).unwrap();
    assert_eq!((dir.node_type, dir.link_count), (NodeType::Directory, 2));
    t.session.drop_descriptor(fd);
    assert_eq!(t.session.open_count(), 1, "only the preopen is left");
}

#[test]
fn open_flags_like_wasmtime() {
    let mut t = fixture();
    t.create("f", b"data");
    t.session.create_directory_at(t.root, "d").unwrap();
    assert_eq!(t.open("missing", 0, df::READ), Err(NoEntry));
    assert_eq!(t.open("f", of::CREATE | of::EXCLUSIVE, df::WRITE), Err(Exist));
    assert_eq!(t.open("d", of::CREATE | of::EXCLUSIVE, 0), Err(Exist));
    assert_eq!(t.open("f", of::DIRECTORY, 0), Err(NotDirectory));
    assert_eq!(t.open("f/", 0, 0), Err(NotDirectory));
    assert_eq!(t.open("d", of::DIRECTORY | of::CREATE, 0), Err(Invalid));
    assert_eq!(t.open("d", of::DIRECTORY | of::TRUNCATE, 0), Err(Invalid));
    assert_eq!(t.open("d", 0, df::WRITE), Err(IsDirectory));
    assert_eq!(t.open("d", of::CREATE, 0), Err(IsDirectory));
    assert_eq!(t.open("new/", of::CREATE, df::WRITE), Err(IsDirectory));
    assert_eq!(t.open("nodir/new", of::CREATE, df::WRITE), Err(NoEntry));
    assert_eq!(t.open("f", 0, df::READ | df::FILE_INTEGRITY_SYNC), Err(Unsupported));
    assert_eq!(t.open("f", 0, df::READ | df::DATA_INTEGRITY_SYNC), Err(Unsupported));
    // Truncate empties the file.
    let fd = t.open("f", of::TRUNCATE, df::WRITE).unwrap();
    assert_eq!(t.content("f"), b"");
    assert_eq!(t.session.get_flags(fd), Ok(df::WRITE), "write-only");
    assert_eq!(t.session.read(fd, 10, 0), Err(BadDescriptor));
    // Create implies write, and a descriptor not opened for writing reads (as wasmtime).
    let fd = t.open("g", of::CREATE, 0).unwrap();
    assert_eq!(t.session.get_flags(fd), Ok(df::READ | df::WRITE));
    let ro = t.open("g", 0, 0).unwrap();
    assert_eq!(t.session.get_flags(ro), Ok(df::READ));
    assert_eq!(t.session.write(ro, b"x", 0), Err(BadDescriptor));
    assert_eq!(t.session.set_size(ro, 0), Err(Invalid));
    // Directories: opened through `.` or a name, flags say read (and mutate-directory if asked).
    let d = t.open("d", of::DIRECTORY, df::READ).unwrap();
    assert_eq!(t.session.get_flags(d), Ok(df::READ));
    let d2 = t.open("d/", 0, df::READ | df::MUTATE_DIRECTORY).unwrap();
    assert_eq!(t.session.get_flags(d2), Ok(df::READ | df::MUTATE_DIRECTORY));
    assert!(t.session.is_same_object(d, d2));
    let dot = t.open(".", 0, 0).unwrap();
    assert!(t.session.is_same_object(dot, t.root));
    assert_eq!(t.session.get_flags(t.root), Ok(df::READ | df::MUTATE_DIRECTORY));
}

#[test]
fn file_operations_on_directories_and_back() {
    let mut t = fixture();
    t.create("f", b"x");
    let f = t.open("f", 0, df::READ).unwrap();
    let root = t.root;
    assert_eq!(t.session.read(root, 1, 0), Err(BadDescriptor));
    assert_eq!(t.session.write(root, b"x", 0), Err(BadDescriptor));
    assert_eq!(t.session.set_size(root, 0), Err(BadDescriptor));
    assert_eq!(t.session.advise(root), Err(BadDescriptor));
    assert_eq!(t.session.read_via_stream(root, 0), Err(BadDescriptor));
    assert_eq!(t.session.write_via_stream(root, 0), Err(BadDescriptor));
    assert_eq!(t.session.append_via_stream(root), Err(BadDescriptor));
    assert_eq!(t.session.open_at(f, 0, "x", 0, 0), Err(NotDirectory));
    assert_eq!(t.session.read_directory(f), Err(NotDirectory));
    assert_eq!(t.session.create_directory_at(f, "x"), Err(NotDirectory));
    assert_eq!(t.session.stat_at(f, 0, "x"), Err(NotDirectory));
    assert_eq!(t.session.unlink_file_at(f, "x"), Err(NotDirectory));
    assert_eq!(t.session.rename_at(root, "f", f, "g"), Err(NotDirectory));
    assert_eq!(t.session.advise(f), Ok(()));
    assert_eq!(t.session.sync(f), Ok(()));
    assert_eq!(t.session.sync(root), Ok(()));
    assert_eq!(t.session.stat(99), Err(BadDescriptor), "a handle never handed out");
}

#[test]
fn streams_read_write_append_and_seek() {
    let mut t = fixture();
    let fd = t.open("s", of::CREATE, df::READ | df::WRITE).unwrap();
    let out = t.session.write_via_stream(fd, 0).unwrap();
    assert_eq!(t.session.output_check_write(out), Ok(WRITE_BUDGET));
    t.session.output_write(out, b"hello ").unwrap();
    t.session.output_write(out, b"world").unwrap();
    assert_eq!(t.content("s"), b"", "nothing is published before the flush");
    t.session.output_flush(out).unwrap();
    assert_eq!(t.content("s"), b"hello world");
    t.session.output_write(out, b"!").unwrap();
    t.session.output_flush(out).unwrap();
    assert_eq!(t.content("s"), b"hello world!", "the stream moves on with each flush");
    t.session.drop_output(out);
    // A stream at an offset overwrites (a seek in wasi-libc is a new stream).
    let out = t.session.write_via_stream(fd, 6).unwrap();
    t.session.output_write(out, b"WORLD").unwrap();
    t.session.drop_output(out);
    assert_eq!(t.content("s"), b"hello WORLD!", "dropping publishes, like close");
    // Append goes to the end as it is at each flush.
    let app = t.session.append_via_stream(fd).unwrap();
    t.session.output_write(app, b"+1").unwrap();
    t.session.write(fd, b"??", 12).unwrap();
    t.session.output_flush(app).unwrap();
    assert_eq!(t.content("s"), b"hello WORLD!??+1");
    t.session.drop_output(app);
    assert_eq!(t.read_stream(fd, 0), Ok(b"hello WORLD!??+1".to_vec()));
    assert_eq!(t.read_stream(fd, 6), Ok(b"WORLD!??+1".to_vec()));
    assert_eq!(t.read_stream(fd, 100), Ok(vec![]));
    // A read stream at the end is closed, and stays closed.
    let input = t.session.read_via_stream(fd, 16).unwrap();
    assert_eq!(t.session.input_read(input, 0), Err(StreamError::Closed));
    t.session.write(fd, b"more", 16).unwrap();
    assert_eq!(t.session.input_read(input, 10), Err(StreamError::Closed));
    // A zero-length read before the end is empty, not closed.
    let input = t.session.read_via_stream(fd, 0).unwrap();
    assert_eq!(t.session.input_read(input, 0), Ok(vec![]));
    assert_eq!(t.session.input_read(input, 5), Ok(b"hello".to_vec()));
}

#[test]
fn stream_errors_are_last_operation_failed() {
    let mut t = fixture();
    t.create("f", b"abc");
    let wo = t.open("f", 0, df::WRITE).unwrap();
    let input = t.session.read_via_stream(wo, 0).unwrap();
    assert_eq!(t.session.input_read(input, 10), Err(StreamError::Failed(BadDescriptor)));
    assert_eq!(t.session.input_read(input, 10), Err(StreamError::Closed));
    let ro = t.open("f", 0, df::READ).unwrap();
    let out = t.session.write_via_stream(ro, 0).unwrap();
    assert_eq!(t.session.output_write(out, b"x"), Err(StreamError::Failed(BadDescriptor)));
    assert_eq!(t.session.output_check_write(out), Err(StreamError::Closed));
    assert_eq!(t.session.output_flush(out), Err(StreamError::Closed));
    let rw = t.open("f", 0, df::WRITE).unwrap();
    let far = t.session.write_via_stream(rw, (1 << 31) - 1).unwrap();
    assert_eq!(t.session.output_write(far, b"xy"), Err(StreamError::Failed(FileTooLarge)));
    assert_eq!(t.content("f"), b"abc");
}

#[test]
fn unflushed_writes_are_dropped_with_the_session() {
    let mut t = fixture();
    t.create("f", b"original");
    let fd = t.open("f", 0, df::WRITE).unwrap();
    let out = t.session.write_via_stream(fd, 0).unwrap();
    t.session.output_write(out, b"half-").unwrap();
    // The guest traps here: the instance goes, and its session with it.
    let Fixture { fs, session, .. } = t;
    drop(session);
    assert_eq!(fs.borrow().read_file("f").unwrap(), b"original");
    assert_eq!(fs.borrow().node_count(), 2, "the root and the file, nothing held open");
}

#[test]
fn sync_publishes_the_descriptors_streams() {
    let mut t = fixture();
    let fd = t.open("f", of::CREATE, df::WRITE).unwrap();
    let out = t.session.write_via_stream(fd, 0).unwrap();
    t.session.output_write(out, b"synced").unwrap();
    let other = t.open("f", 0, df::READ).unwrap();
    assert_eq!(t.session.read(other, 10, 0), Ok(vec![]));
    t.session.sync(fd).unwrap();
    assert_eq!(t.session.read(other, 10, 0), Ok(b"synced".to_vec()));
}

#[test]
fn set_size_truncates_and_extends() {
    let mut t = fixture();
    t.create("f", b"0123456789");
    let fd = t.open("f", 0, df::WRITE).unwrap();
    t.session.set_size(fd, 4).unwrap();
    assert_eq!(t.content("f"), b"0123");
    t.session.set_size(fd, 6).unwrap();
    assert_eq!(t.content("f"), b"0123\0\0");
    assert_eq!(t.session.set_size(fd, u64::MAX), Err(FileTooLarge));
    assert_eq!(t.content("f"), b"0123\0\0");
}

#[test]
fn directories_create_list_remove() {
    let mut t = fixture();
    let root = t.root;
    t.session.create_directory_at(root, "d").unwrap();
    t.session.create_directory_at(root, "d/e/").unwrap();
    t.create("d/f", b"");
    t.session.symlink_at(root, "d", "link").unwrap();
    assert_eq!(t.session.create_directory_at(root, "d"), Err(Exist));
    assert_eq!(t.session.create_directory_at(root, "link"), Err(Exist));
    assert_eq!(t.session.create_directory_at(root, "."), Err(Exist));
    assert_eq!(t.session.create_directory_at(root, "x/y"), Err(NoEntry));
    assert_eq!(t.session.create_directory_at(root, "d/f/g"), Err(NotDirectory));
    let listing = t.session.read_directory(root).unwrap();
    let mut names = Vec::new();
    while let Some(entry) = t.session.read_directory_entry(listing).unwrap() {
        names.push(entry);
    }
    assert_eq!(names, vec![(NodeType::Directory, "d".to_string()), (NodeType::SymbolicLink, "link".to_string())]);
    assert_eq!(t.session.read_directory_entry(listing), Ok(None));
    t.session.drop_directory_entries(listing);
    assert_eq!(t.session.stat_at(root, NOFOLLOW, "d").unwrap().link_count, 3);
    assert_eq!(t.session.remove_directory_at(root, "d"), Err(NotEmpty));
    assert_eq!(t.session.remove_directory_at(root, "d/f"), Err(NotDirectory));
    assert_eq!(t.session.remove_directory_at(root, "d/f/"), Err(NotDirectory));
    assert_eq!(t.session.remove_directory_at(root, "link"), Err(NotDirectory));
    assert_eq!(t.session.remove_directory_at(root, "missing"), Err(NoEntry));
    assert_eq!(t.session.remove_directory_at(root, "."), Err(Invalid));
    assert_eq!(t.session.remove_directory_at(root, "d/e/.."), Err(NotEmpty));
    assert_eq!(t.session.remove_directory_at(root, ".."), Err(NotPermitted));
    t.session.remove_directory_at(root, "d/e").unwrap();
    assert_eq!(t.session.stat_at(root, NOFOLLOW, "d").unwrap().link_count, 2);
}

#[test]
fn unlink_like_linux() {
    let mut t = fixture();
    let root = t.root;
    t.create("f", b"x");
    t.session.create_directory_at(root, "d").unwrap();
    t.session.symlink_at(root, "d", "to-d").unwrap();
    assert_eq!(t.session.unlink_file_at(root, "d"), Err(IsDirectory));
    assert_eq!(t.session.unlink_file_at(root, "d/"), Err(IsDirectory));
    assert_eq!(t.session.unlink_file_at(root, "f/"), Err(NotDirectory));
    assert_eq!(t.session.unlink_file_at(root, "to-d/"), Err(NotDirectory));
    assert_eq!(t.session.unlink_file_at(root, "."), Err(IsDirectory));
    assert_eq!(t.session.unlink_file_at(root, "missing"), Err(NoEntry));
    t.session.unlink_file_at(root, "to-d").unwrap();
    assert!(t.exists("d"), "unlinking a symlink leaves its target");
    // An open file outlives its last name.
    let fd = t.open("f", 0, df::READ | df::WRITE).unwrap();
    t.session.unlink_file_at(root, "f").unwrap();
    assert!(!t.exists("f"));
    assert_eq!(t.session.read(fd, 10, 0), Ok(b"x".to_vec()));
    assert_eq!(t.session.write(fd, b"yz", 1), Ok(2));
    assert_eq!(t.session.stat(fd).unwrap().link_count, 0);
}

#[test]
fn rename_like_linux() {
    let mut t = fixture();
    let root = t.root;
    t.session.create_directory_at(root, "src").unwrap();
    t.session.create_directory_at(root, "target").unwrap();
    t.create("target/file", b"t");
    t.create("file", b"f");
    assert_eq!(t.session.rename_at(root, "src", root, "target"), Err(NotEmpty));
    assert_eq!(t.session.rename_at(root, "src", root, "target/file"), Err(NotDirectory));
    assert_eq!(t.session.rename_at(root, "file", root, "src"), Err(IsDirectory));
    assert_eq!(t.session.rename_at(root, "file/", root, "x"), Err(NotDirectory));
    assert_eq!(t.session.rename_at(root, "file", root, "x/"), Err(NotDirectory));
    assert_eq!(t.session.rename_at(root, "src", root, "src/inside"), Err(Invalid));
    assert_eq!(t.session.rename_at(root, "missing", root, "x"), Err(NoEntry));
    assert_eq!(t.session.rename_at(root, ".", root, "x"), Err(Busy));
    assert_eq!(t.session.rename_at(root, "file", root, ".."), Err(NotPermitted));
    // Over an existing file, and a directory over an empty one.
    t.session.rename_at(root, "file", root, "target/file").unwrap();
    assert_eq!(t.content("target/file"), b"f");
    assert!(!t.exists("file"));
    t.session.create_directory_at(root, "empty").unwrap();
    t.session.rename_at(root, "src", root, "empty").unwrap();
    assert!(!t.exists("src"));
    // Between two descriptors of one filesystem.
    let target = t.open("target", of::DIRECTORY, 0).unwrap();
    t.session.rename_at(target, "file", root, "back").unwrap();
    assert_eq!(t.content("back"), b"f");
    // A descriptor stays valid across a rename of its file.
    let fd = t.open("back", 0, df::READ).unwrap();
    t.session.rename_at(root, "back", root, "moved").unwrap();
    assert_eq!(t.session.read(fd, 10, 0), Ok(b"f".to_vec()));
    // A directory descriptor follows its directory too.
    t.session.rename_at(root, "target", root, "renamed").unwrap();
    t.create("renamed/new", b"n");
    assert_eq!(t.session.stat_at(target, NOFOLLOW, "new").unwrap().size, 1);
}

#[test]
fn hard_links() {
    let mut t = fixture();
    let root = t.root;
    t.create("file", b"shared");
    t.session.create_directory_at(root, "sub").unwrap();
    let sub = t.open("sub", of::DIRECTORY, 0).unwrap();
    t.session.link_at(root, NOFOLLOW, "file", sub, "link").unwrap();
    assert_eq!(t.session.stat_at(root, NOFOLLOW, "file").unwrap().link_count, 2);
    let a = t.open("file", 0, df::READ | df::WRITE).unwrap();
    let b = t.open("sub/link", 0, df::READ).unwrap();
    assert!(t.session.is_same_object(a, b));
    assert_eq!(t.session.metadata_hash(a), t.session.metadata_hash(b));
    assert_eq!(t.session.metadata_hash_at(root, NOFOLLOW, "sub/link"), t.session.metadata_hash(a));
    t.session.write(a, b"SHARED", 0).unwrap();
    assert_eq!(t.content("sub/link"), b"SHARED");
    assert_eq!(t.session.link_at(root, NOFOLLOW, "file", root, "sub/link"), Err(Exist));
    assert_eq!(t.session.link_at(root, NOFOLLOW, "file", root, "file"), Err(Exist));
    assert_eq!(t.session.link_at(root, NOFOLLOW, "file", root, "sub"), Err(Exist));
    assert_eq!(t.session.link_at(root, NOFOLLOW, "sub", root, "dirlink"), Err(NotPermitted));
    assert_eq!(t.session.link_at(root, NOFOLLOW, "file", root, "slash/"), Err(NoEntry));
    assert_eq!(t.session.link_at(root, NOFOLLOW, "missing", root, "x"), Err(NoEntry));
    assert_eq!(t.session.link_at(root, FOLLOW, "file", root, "x"), Err(Invalid));
    // Linking a dangling symlink links the link itself.
    t.session.symlink_at(root, "nowhere", "dangling").unwrap();
    t.session.link_at(root, NOFOLLOW, "dangling", root, "dangling2").unwrap();
    assert_eq!(t.session.readlink_at(root, "dangling2"), Ok("nowhere".to_string()));
    t.session.unlink_file_at(root, "file").unwrap();
    assert_eq!(t.content("sub/link"), b"SHARED");
    assert_eq!(t.session.stat_at(root, NOFOLLOW, "sub/link").unwrap().link_count, 1);
}

#[test]
fn symlinks_create_read_follow() {
    let mut t = fixture();
    let root = t.root;
    t.create("target", b"via link");
    t.session.symlink_at(root, "target", "link").unwrap();
    assert_eq!(t.session.readlink_at(root, "link"), Ok("target".to_string()));
    assert_eq!(t.session.readlink_at(root, "target"), Err(Invalid));
    assert_eq!(t.session.readlink_at(root, "missing"), Err(NoEntry));
    let lstat = t.session.stat_at(root, NOFOLLOW, "link").unwrap();
    assert_eq!((lstat.node_type, lstat.size), (NodeType::SymbolicLink, 6));
    assert_eq!(t.session.stat_at(root, FOLLOW, "link").unwrap().node_type, NodeType::RegularFile);
    let fd = t.session.open_at(root, FOLLOW, "link", 0, df::READ).unwrap();
    assert_eq!(t.session.read(fd, 100, 0), Ok(b"via link".to_vec()));
    assert_eq!(t.session.open_at(root, NOFOLLOW, "link", 0, df::READ), Err(Loop));
    assert_eq!(t.session.open_at(root, NOFOLLOW, "link", of::DIRECTORY, 0), Err(NotDirectory));
    assert_eq!(t.session.open_at(root, FOLLOW, "link", of::DIRECTORY, 0), Err(NotDirectory));
    assert_eq!(t.session.symlink_at(root, "x", "link"), Err(Exist));
    assert_eq!(t.session.symlink_at(root, "x", "target/"), Err(NotDirectory));
    assert_eq!(t.session.symlink_at(root, "x", "new/"), Err(NoEntry));
    assert_eq!(t.session.symlink_at(root, "", "empty"), Err(NoEntry));
    // A dangling link; creating through it makes its target.
    t.session.symlink_at(root, "made", "dangling").unwrap();
    assert_eq!(t.session.open_at(root, FOLLOW, "dangling", 0, df::READ), Err(NoEntry));
    let made = t.session.open_at(root, FOLLOW, "dangling", of::CREATE, df::WRITE).unwrap();
    t.session.write(made, b"m", 0).unwrap();
    assert_eq!(t.content("made"), b"m");
    assert_eq!(t.session.open_at(root, FOLLOW, "dangling", of::CREATE | of::EXCLUSIVE, df::WRITE), Err(Exist));
    // Loops.
    t.session.symlink_at(root, "loop2", "loop1").unwrap();
    t.session.symlink_at(root, "loop1", "loop2").unwrap();
    assert_eq!(t.session.open_at(root, FOLLOW, "loop1", 0, 0), Err(Loop));
    assert_eq!(t.session.stat_at(root, FOLLOW, "loop1/x"), Err(Loop));
    assert_eq!(t.session.stat_at(root, NOFOLLOW, "loop1").unwrap().node_type, NodeType::SymbolicLink);
    // A link to a directory is followed in the middle of a path.
    t.session.create_directory_at(root, "dir").unwrap();
    t.create("dir/inner", b"i");
    t.session.symlink_at(root, "dir", "dirlink").unwrap();
    assert_eq!(t.content("dirlink/inner"), b"i");
    let d = t.session.open_at(root, FOLLOW, "dirlink", of::DIRECTORY, 0).unwrap();
    assert_eq!(t.session.get_type(d), Ok(NodeType::Directory));
}

#[test]
fn lengths_like_linux() {
    // PATH_MAX is 4096 with the terminating NUL: 4095 bytes is the longest path or link target.
    let mut t = fixture();
    let root = t.root;
    let longest = format!("{}x", "./".repeat(2047));
    let too_long = format!("{longest}x");
    assert_eq!(longest.len(), 4095);
    assert_eq!(t.session.symlink_at(root, &longest, "longest"), Ok(()));
    assert_eq!(t.session.readlink_at(root, "longest"), Ok(longest.clone()));
    assert_eq!(t.session.stat_at(root, NOFOLLOW, "longest").unwrap().size, 4095);
    assert_eq!(t.session.symlink_at(root, &too_long, "too-long"), Err(NameTooLong));
    assert_eq!(t.session.symlink_at(root, &too_long, "longest"), Err(NameTooLong), "the target is checked first");
    assert_eq!(t.fs.borrow_mut().make_symlink(&too_long, "too-long"), Err(NameTooLong));
    assert!(!t.exists("too-long"));
    t.create("x", b"");
    assert_eq!(t.session.stat_at(root, 0, &longest).unwrap().node_type, NodeType::RegularFile);
    assert_eq!(t.session.stat_at(root, 0, &too_long), Err(NameTooLong));
    assert_eq!(t.session.open_at(root, 0, &too_long, of::CREATE, df::WRITE), Err(NameTooLong));
    assert_eq!(t.fs.borrow_mut().make_dirs(&too_long), Err(NameTooLong));
    assert_eq!(t.fs.borrow_mut().write_file(&too_long, b""), Err(NameTooLong));
}

#[test]
fn confinement() {
    let mut t = fixture();
    let root = t.root;
    t.session.create_directory_at(root, "sub").unwrap();
    t.create("inside", b"ok");
    let sub = t.open("sub", of::DIRECTORY, 0).unwrap();
    // Absolute paths and `..` above the descriptor, in every operation that takes a path.
    assert_eq!(t.session.open_at(root, 0, "/inside", 0, 0), Err(NotPermitted));
    assert_eq!(t.session.open_at(root, 0, "../inside", 0, 0), Err(NotPermitted));
    assert_eq!(t.session.open_at(root, 0, "sub/../../inside", 0, 0), Err(NotPermitted));
    assert_eq!(t.session.open_at(sub, 0, "../inside", 0, 0), Err(NotPermitted), "confined to the descriptor");
    assert_eq!(t.session.stat_at(sub, 0, ".."), Err(NotPermitted));
    assert_eq!(t.session.create_directory_at(root, "../x"), Err(NotPermitted));
    assert_eq!(t.session.unlink_file_at(sub, "../inside"), Err(NotPermitted));
    assert_eq!(t.session.rename_at(root, "inside", root, "../x"), Err(NotPermitted));
    assert_eq!(t.session.link_at(root, 0, "inside", sub, "../x"), Err(NotPermitted));
    assert_eq!(t.session.symlink_at(root, "inside", "/abs"), Err(NotPermitted));
    assert_eq!(t.session.readlink_at(root, "/inside"), Err(NotPermitted));
    assert_eq!(t.session.open_at(root, 0, "sub/./../inside", 0, df::READ).map(|_| ()), Ok(()));
    // Symlinks: an absolute target cannot be made; a climbing one can, but not followed.
    assert_eq!(t.session.symlink_at(root, "/etc/passwd", "abs"), Err(NotPermitted));
    t.session.symlink_at(root, "../outside", "climb").unwrap();
    assert_eq!(t.session.readlink_at(root, "climb"), Ok("../outside".to_string()));
    assert_eq!(t.session.open_at(root, FOLLOW, "climb", 0, 0), Err(NotPermitted));
    assert_eq!(t.session.stat_at(root, FOLLOW, "climb/x"), Err(NotPermitted));
    assert_eq!(t.session.open_at(root, FOLLOW, "climb", of::CREATE, df::WRITE), Err(NotPermitted));
    t.session.symlink_at(sub, "../inside", "up").unwrap();
    assert_eq!(t.content("sub/up"), b"ok", "inside the root it is followed");
    assert_eq!(t.session.open_at(sub, FOLLOW, "up", 0, df::READ), Err(NotPermitted), "but not from sub");
    // A filesystem's own absolute symlink (made by the embedder) is refused when followed.
    t.fs.borrow_mut().make_symlink("/inside", "rooted").unwrap();
    assert_eq!(t.session.open_at(root, FOLLOW, "rooted", 0, 0), Err(NotPermitted));
    assert_eq!(t.session.readlink_at(root, "rooted"), Err(NotPermitted));
}

#[test]
fn read_only_preopens_refuse_every_change() {
    let mut t = fixture();
    t.create("f", b"keep");
    t.session.create_directory_at(t.root, "d").unwrap();
    t.create("d/g", b"g");
    let ro = t.session.preopen(&t.fs, true).unwrap();
    let s = &mut t.session;
    assert_eq!(s.get_flags(ro), Ok(df::READ));
    // Reading works.
    let f = s.open_at(ro, 0, "f", 0, df::READ).unwrap();
    assert_eq!(s.read(f, 10, 0), Ok(b"keep".to_vec()));
    assert_eq!(s.stat_at(ro, 0, "d/g").unwrap().size, 1);
    let listing = s.read_directory(ro).unwrap();
    assert!(s.read_directory_entry(listing).unwrap().is_some());
    // Every change is not-permitted (wasmtime's code for a read-only --dir).
    assert_eq!(s.open_at(ro, 0, "f", 0, df::WRITE), Err(NotPermitted));
    assert_eq!(s.open_at(ro, 0, "f", of::TRUNCATE, df::READ), Err(NotPermitted));
    assert_eq!(s.open_at(ro, 0, "new", of::CREATE, df::READ), Err(NotPermitted));
    assert_eq!(s.open_at(ro, 0, "missing/new", of::CREATE, 0), Err(NotPermitted));
    assert_eq!(s.create_directory_at(ro, "nd"), Err(NotPermitted));
    assert_eq!(s.remove_directory_at(ro, "d"), Err(NotPermitted));
    assert_eq!(s.unlink_file_at(ro, "f"), Err(NotPermitted));
    assert_eq!(s.rename_at(ro, "f", ro, "g"), Err(NotPermitted));
    assert_eq!(s.rename_at(t.root, "f", ro, "g"), Err(NotPermitted));
    assert_eq!(s.rename_at(ro, "f", t.root, "g"), Err(NotPermitted));
    assert_eq!(s.link_at(ro, 0, "f", ro, "h"), Err(NotPermitted));
    assert_eq!(s.link_at(t.root, 0, "f", ro, "h"), Err(NotPermitted));
    assert_eq!(s.symlink_at(ro, "f", "l"), Err(NotPermitted));
    assert_eq!(s.set_times_at(ro, 0, "f", NewTimestamp::Now, NewTimestamp::Now), Err(NotPermitted));
    assert_eq!(s.set_times(ro, NewTimestamp::Now, NewTimestamp::Now), Err(NotPermitted));
    assert_eq!(s.set_times(f, NewTimestamp::Now, NewTimestamp::Now), Err(NotPermitted));
    assert_eq!(s.set_size(f, 0), Err(NotPermitted));
    assert_eq!(s.write(f, b"x", 0), Err(NotPermitted));
    assert_eq!(s.write_via_stream(f, 0), Err(BadDescriptor));
    assert_eq!(s.append_via_stream(f), Err(BadDescriptor));
    // Subdirectories opened through it are read-only too.
    let d = s.open_at(ro, 0, "d", of::DIRECTORY, df::READ | df::MUTATE_DIRECTORY).unwrap();
    assert_eq!(s.get_flags(d), Ok(df::READ));
    assert_eq!(s.unlink_file_at(d, "g"), Err(NotPermitted));
    assert_eq!(s.open_at(d, 0, "g", 0, df::WRITE), Err(NotPermitted));
    assert_eq!(t.content("f"), b"keep");
    assert_eq!(t.content("d/g"), b"g");
}

#[test]
fn two_filesystems_are_two_devices() {
    let mut t = fixture();
    t.create("f", b"x");
    let other = shared(t.clock.clone());
    let o = t.session.preopen(&other, false).unwrap();
    assert_eq!(t.session.rename_at(t.root, "f", o, "f"), Err(CrossDevice));
    assert_eq!(t.session.link_at(t.root, 0, "f", o, "f"), Err(CrossDevice));
    assert!(!t.session.is_same_object(t.root, o));
    assert_ne!(t.session.metadata_hash(t.root), Err(BadDescriptor));
}

#[test]
fn timestamps() {
    let mut t = fixture();
    let root = t.root;
    let fd = t.open("f", of::CREATE, df::WRITE).unwrap();
    let created = t.session.stat(fd).unwrap();
    let at = |s| Timestamp { seconds: s, nanoseconds: 0 };
    assert_eq!((created.accessed, created.modified, created.changed), (at(1_000), at(1_000), at(1_000)));
    assert_eq!(t.session.stat(root).unwrap().modified, at(1_000));
    t.clock.advance(10);
    t.session.write(fd, b"x", 0).unwrap();
    let written = t.session.stat(fd).unwrap();
    assert_eq!((written.accessed, written.modified, written.changed), (at(1_000), at(1_010), at(1_010)));
    t.clock.advance(10);
    let exact = Timestamp { seconds: 86_400, nanoseconds: 123_456_789 };
    t.session.set_times(fd, NewTimestamp::At(exact), NewTimestamp::Now).unwrap();
    let set = t.session.stat(fd).unwrap();
    assert_eq!((set.accessed, set.modified, set.changed), (exact, at(1_020), at(1_020)));
    t.session.set_times_at(root, 0, "f", NewTimestamp::NoChange, NewTimestamp::At(exact)).unwrap();
    let set = t.session.stat(fd).unwrap();
    assert_eq!((set.accessed, set.modified), (exact, exact));
    // set-times-at without symlink-follow changes the link itself.
    t.session.symlink_at(root, "f", "l").unwrap();
    t.clock.advance(10);
    t.session.set_times_at(root, NOFOLLOW, "l", NewTimestamp::Now, NewTimestamp::Now).unwrap();
    assert_eq!(t.session.stat_at(root, NOFOLLOW, "l").unwrap().modified, at(1_030));
    assert_eq!(t.session.stat(fd).unwrap().modified, exact);
    t.session.set_times_at(root, FOLLOW, "l", NewTimestamp::Now, NewTimestamp::NoChange).unwrap();
    assert_eq!(t.session.stat(fd).unwrap().accessed, at(1_030));
    // Renaming changes the status-change time of what moved, and the directories' times.
    t.clock.advance(10);
    t.session.rename_at(root, "f", root, "g").unwrap();
    assert_eq!(t.session.stat(fd).unwrap().changed, at(1_040));
    assert_eq!(t.session.stat(root).unwrap().modified, at(1_040));
}

#[test]
fn metadata_hash_and_same_object() {
    let mut t = fixture();
    let root = t.root;
    t.create("a", b"");
    t.create("b", b"");
    let a1 = t.open("a", 0, 0).unwrap();
    let a2 = t.open("a", 0, 0).unwrap();
    let b = t.open("b", 0, 0).unwrap();
    assert!(t.session.is_same_object(a1, a2));
    assert!(!t.session.is_same_object(a1, b));
    assert!(!t.session.is_same_object(a1, 1000));
    assert_eq!(t.session.metadata_hash(a1), t.session.metadata_hash(a2));
    assert_ne!(t.session.metadata_hash(a1), t.session.metadata_hash(b));
    t.session.symlink_at(root, "a", "l").unwrap();
    assert_eq!(t.session.metadata_hash_at(root, FOLLOW, "l"), t.session.metadata_hash(a1));
    assert_ne!(t.session.metadata_hash_at(root, NOFOLLOW, "l"), t.session.metadata_hash(a1));
    assert_eq!(t.session.metadata_hash_at(root, 0, "missing"), Err(NoEntry));
}

#[test]
fn dropping_everything_reclaims_unlinked_nodes() {
    let mut t = fixture();
    t.create("f", b"data");
    let fd = t.open("f", 0, df::READ).unwrap();
    let input = t.session.read_via_stream(fd, 0).unwrap();
    t.session.unlink_file_at(t.root, "f").unwrap();
    t.session.drop_descriptor(fd);
    assert_eq!(t.session.input_read(input, 10), Ok(b"data".to_vec()), "the stream keeps the file");
    assert_eq!(t.fs.borrow().node_count(), 2);
    t.session.drop_input(input);
    assert_eq!(t.fs.borrow().node_count(), 1, "only the root is left");
}

#[test]
fn embedder_access() {
    let t = fixture();
    {
        let mut fs = t.fs.borrow_mut();
        fs.write_file("/a/b/c.txt", b"deep").unwrap();
        fs.write_file("top", b"1").unwrap();
        fs.write_file("top", b"22").unwrap();
        fs.make_dirs("empty/dir").unwrap();
        fs.make_symlink("a/b", "ab").unwrap();
        assert_eq!(fs.read_file("ab/c.txt").unwrap(), b"deep");
        assert_eq!(fs.read_file("/top").unwrap(), b"22");
        assert_eq!(fs.read_symlink("ab").unwrap(), "a/b");
        assert_eq!(fs.write_file("a", b"x"), Err(IsDirectory));
        assert_eq!(fs.write_file("top/x", b"x"), Err(NotDirectory));
        assert_eq!(fs.read_file("a"), Err(IsDirectory));
        assert_eq!(fs.read_file("../a"), Err(NotPermitted));
        assert_eq!(fs.read_file("nope"), Err(NoEntry));
        let names: Vec<String> = fs.read_dir("/").unwrap().into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["a", "ab", "empty", "top"]);
        assert_eq!(fs.stat_path("ab", false).unwrap().node_type, NodeType::SymbolicLink);
        assert_eq!(fs.stat_path("ab", true).unwrap().node_type, NodeType::Directory);
        fs.remove_path("a").unwrap();
        assert_eq!(fs.read_file("ab/c.txt"), Err(NoEntry));
        assert_eq!(fs.remove_path("/"), Err(Invalid));
    }
    // What the embedder wrote, the guest sees.
    assert_eq!(t.session.stat_at(t.root, 0, "empty/dir").unwrap().node_type, NodeType::Directory);
}
