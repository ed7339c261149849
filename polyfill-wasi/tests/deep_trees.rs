//! Trees as deep as a guest cares to make them: no operation may recurse on the depth (the page's
//! wasm stack overflows long before 100,000 frames), and the filesystem stays usable after each.

use std::rc::Rc;

use polyfill_wasi::fs::descriptor::open_flags as of;
use polyfill_wasi::fs::persist::restore;
use polyfill_wasi::fs::storage::Ino;
use polyfill_wasi::fs::{shared, ErrorCode, Filesystem, ManualClock, NodeType, Session, SharedFs, Timestamp};

/// Deeper than any stack of recursive calls survives, even natively.
const DEPTH: usize = 100_000;

fn clock() -> Rc<ManualClock> {
    Rc::new(ManualClock::new(Timestamp { seconds: 1_000, nanoseconds: 0 }))
}

/// Makes `d/d/…/d` `depth` deep under the root, a file `bottom` at its end; returns the deepest `d`.
fn chain(fs: &mut Filesystem, depth: usize) -> Ino {
    let mut dir = fs.root();
    for _ in 0..depth {
        dir = fs.create_dir(dir, "d").unwrap();
    }
    let bottom = fs.create_file(dir, "bottom").unwrap();
    fs.write(bottom, 0, b"at the bottom").unwrap();
    dir
}

/// The directory `depth` levels down the chain, found one entry at a time.
fn descend(fs: &Filesystem, depth: usize) -> Ino {
    (0..depth).fold(fs.root(), |dir, _| fs.lookup(dir, "d").unwrap().expect("the chain goes on"))
}

/// Writes, reads and lists: what "still usable" means.
fn assert_usable(fs: &mut Filesystem) {
    fs.write_file("after/file.txt", b"still works").unwrap();
    assert_eq!(fs.read_file("after/file.txt").unwrap(), b"still works");
    assert_eq!(fs.read_dir("after").unwrap(), vec![(NodeType::RegularFile, "file.txt".to_string())]);
    fs.remove_path("after").unwrap();
}

#[test]
fn removing_a_deep_chain_from_the_page() {
    let mut fs = Filesystem::new(clock());
    chain(&mut fs, DEPTH);
    assert_eq!(fs.node_count(), DEPTH + 2);
    fs.remove_path("d").unwrap();
    assert_eq!(fs.node_count(), 1, "every node reclaimed");
    assert_eq!(fs.read_dir("/").unwrap(), vec![]);
    assert_eq!(fs.stat_path("/", true).unwrap().link_count, 2);
    assert_usable(&mut fs);
}

#[test]
fn removing_a_deep_chain_a_guest_made_while_it_holds_the_bottom_open() {
    let fs = shared(clock());
    let mut session = Session::new();
    let root = session.preopen(&fs, false).unwrap();
    // As a guest does it: one directory at a time, each opened to make the next in it.
    let mut dir = root;
    for _ in 0..10_000 {
        session.create_directory_at(dir, "d").unwrap();
        let next = session.open_at(dir, 0, "d", of::DIRECTORY, 0).unwrap();
        if dir != root {
            session.drop_descriptor(dir);
        }
        dir = next;
    }
    fs.borrow_mut().remove_path("d").unwrap();
    // The open bottom directory lives on, removed: nothing can be made in it, as on Linux.
    assert_eq!(session.stat(dir).unwrap().link_count, 0);
    assert_eq!(session.create_directory_at(dir, "x"), Err(ErrorCode::NoEntry));
    session.drop_descriptor(dir);
    assert_eq!(fs.borrow().node_count(), 1);
    assert_usable(&mut fs.borrow_mut());
    session.create_directory_at(root, "d").unwrap();
}

#[test]
fn dropping_a_deep_filesystem_and_its_descriptors() {
    let fs: SharedFs = shared(clock());
    let bottom = chain(&mut fs.borrow_mut(), DEPTH);
    let mut session = Session::new();
    let root = session.preopen(&fs, false).unwrap();
    let open = session.open_at(root, 0, "d/d/d", of::DIRECTORY, 0).unwrap();
    assert!(fs.borrow().is_ancestor(fs.borrow().root(), bottom));
    // The filesystem goes with its last holder: the session, then the embedder's handle.
    drop(fs);
    assert_eq!(session.get_type(open), Ok(NodeType::Directory));
    drop(session);
    let alone = {
        let mut fs = Filesystem::new(clock());
        chain(&mut fs, DEPTH);
        fs
    };
    drop(alone);
}

#[test]
fn a_deep_chain_persists_and_restores() {
    let mut fs = Filesystem::new(clock());
    chain(&mut fs, DEPTH);
    let snapshot = fs.snapshot(0);
    assert_eq!(snapshot.files.len(), 1);
    let (mut back, blobs) = restore(clock(), &snapshot.manifest).unwrap();
    assert_eq!(blobs, snapshot.files);
    back.load_content(&blobs[0], &snapshot.changed[0].1).unwrap();
    assert_eq!(back.node_count(), DEPTH + 2);
    let bottom = descend(&back, DEPTH);
    let file = back.lookup(bottom, "bottom").unwrap().unwrap();
    assert_eq!(back.read(file, 0, 100).unwrap(), b"at the bottom");
    assert_eq!(back.snapshot(0).manifest, snapshot.manifest, "the same tree, byte for byte");
    back.remove_path("d").unwrap();
    assert_usable(&mut back);
}

#[test]
fn stat_list_and_rename_a_deep_chain() {
    let fs = shared(clock());
    let bottom = chain(&mut fs.borrow_mut(), DEPTH);
    let mut session = Session::new();
    let root = session.preopen(&fs, false).unwrap();
    assert_eq!(session.stat_at(root, 0, "d").unwrap().link_count, 3);
    let listing = session.read_directory(root).unwrap();
    assert_eq!(session.read_directory_entry(listing), Ok(Some((NodeType::Directory, "d".to_string()))));
    // A rename below itself is refused after walking every parent; a rename of the whole works.
    {
        let mut guard = fs.borrow_mut();
        let top = guard.root();
        assert_eq!(guard.rename(top, "d", bottom, "loop"), Err(ErrorCode::Invalid));
        guard.rename(top, "d", top, "e").unwrap();
        assert_eq!(guard.stat(bottom).unwrap().link_count, 2);
        assert!(guard.is_ancestor(guard.lookup(top, "e").unwrap().unwrap(), bottom));
    }
    assert_eq!(session.stat_at(root, 0, "d"), Err(ErrorCode::NoEntry));
    fs.borrow_mut().remove_path("e").unwrap();
    assert_usable(&mut fs.borrow_mut());
}

#[test]
fn mkdir_through_symbolic_links_to_deep_directories() {
    // How a page reaches past the path length limit: each 2,000 levels through a link to the last.
    let mut fs = Filesystem::new(clock());
    let step = vec!["d"; 2_000].join("/");
    let mut base = String::new();
    for hop in 0..5 {
        let path = if base.is_empty() { step.clone() } else { format!("{base}/{step}") };
        fs.make_dirs(&path).unwrap();
        fs.make_symlink(&path, &format!("hop{hop}")).unwrap();
        base = format!("hop{hop}");
    }
    fs.write_file("hop4/bottom.txt", b"10,000 down").unwrap();
    assert_eq!(fs.read_file("hop4/bottom.txt").unwrap(), b"10,000 down");
    let bottom = descend(&fs, 10_000);
    assert_eq!(fs.lookup_path("hop4", true), Ok(bottom));
    fs.remove_path("d").unwrap();
    assert_eq!(fs.read_file("hop4/bottom.txt"), Err(ErrorCode::NoEntry));
    assert_usable(&mut fs);
}
