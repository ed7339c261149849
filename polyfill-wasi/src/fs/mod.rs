//! The virtual filesystem behind `wasi:filesystem` 0.2 (`types` and `preopens`).
//!
//! Pure logic, tested natively; the web crate exposes it to JS (feature `wasi`) and
//! `polyfill-wasi/js/filesystem.js` turns it into the WASI resources.
//!
//! - [`inode`]: the tree of one filesystem (directories, files, symlinks, links, timestamps).
//! - [`storage`]: where file bytes live; the seam for a persistent backend.
//! - [`path`]: path resolution confined to a base directory.
//! - [`descriptor`]: open files and directories and the WIT `descriptor` operations.
//! - [`stream`]: file input/output streams (writes published on flush) and directory listings.
//! - [`session`]: one guest's descriptors and streams, by handle.
//! - [`host`]: the embedder's path-based access (fill before, read back after).
//! - [`persist`]: the tree as a manifest plus content blobs, and change tracking, for a persistent
//!   store (OPFS) that writes behind the in-memory filesystem.
//! - [`error`], [`time`]: `error-code`; timestamps and the clock.
//!
//! Behaviour follows wasmtime on Linux, error code for error code, with these choices:
//! - A read-only preopen refuses every change with `not-permitted` (wasmtime's answer), not the
//!   `read-only` the WIT text suggests; `write-via-stream` and `append-via-stream` on its files are
//!   `bad-descriptor`, and `read-via-stream` on a directory too, as in wasmtime.
//! - Paths and symbolic link targets are at most 4095 bytes (`name-too-long` beyond, as on Linux).
//! - The depth of a tree is the guest's to choose, so nothing recurses on it (explicit stacks).
//! - Escapes (absolute paths, `..` above the descriptor, symlinks to absolute paths or above the
//!   descriptor) are `not-permitted`; creating a symlink with an absolute target is too.
//! - Reads do not update access times (`noatime`); directories report size 4096.
//! - Output streams publish on flush or drop only (see [`stream`]).

pub mod descriptor;
pub mod error;
mod host;
pub mod inode;
pub mod path;
pub mod persist;
pub mod session;
pub mod storage;
pub mod stream;
pub mod time;

pub use descriptor::{Descriptor, SharedFs};
pub use error::ErrorCode;
pub use inode::{Filesystem, NodeType, Stat};
pub use session::Session;
pub use stream::StreamError;
pub use time::{Clock, ManualClock, NewTimestamp, Timestamp};

/// A new, empty, shareable in-memory filesystem.
pub fn shared(clock: std::rc::Rc<dyn Clock>) -> SharedFs {
    std::rc::Rc::new(std::cell::RefCell::new(Filesystem::new(clock)))
}
