//! Path resolution, confined to a base directory.
//!
//! Every path a guest passes is relative to a directory descriptor, and resolution never leaves
//! that directory: an absolute path, a `..` above it (even one that would come back down), or a
//! symbolic link whose target is absolute or climbs above it fails with `not-permitted`, as
//! wasmtime's cap-std sandbox does. Confinement is to the descriptor used, not to its preopen, so
//! `..` from a subdirectory descriptor fails even when the parent is inside the preopen.
//!
//! Symbolic links in the middle of a path are always followed; the last component only when the
//! caller asks. Operations that resolve a path to an object (open, stat) ask when `symlink-follow`
//! is set or the path ends with `/`, as Linux does; operations on the entry itself (unlink, rmdir,
//! rename, link) never do, so `unlink("link-to-dir/")` sees the link, as on Linux.

use std::collections::VecDeque;

use super::error::{ErrorCode, Result};
use super::inode::{Filesystem, NodeType, MAX_NAME_LEN};
use super::storage::Ino;

/// Symbolic links followed in one resolution before `loop` (Linux's limit).
pub const MAX_SYMLINKS: usize = 40;

/// Longest path, and longest symbolic link target, accepted: 4095 bytes, since Linux's `PATH_MAX`
/// (4096) counts the terminating NUL. Longer ones are `name-too-long`, as on Linux.
pub const MAX_PATH_LEN: usize = 4095;

/// Where a path led: the directory holding its last component, and that component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Walk {
    /// The directory the last component is in (for `.`/`..`, the directory they name).
    pub parent: Ino,
    pub last: Last,
    /// The path ended with `/`: what it names must be a directory.
    pub trailing_slash: bool,
}

/// The last component of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Last {
    /// A name, and the node it names in `parent` if it exists (never followed if a symlink, unless
    /// the walk was asked to follow it).
    Name(String, Option<Ino>),
    /// `.` or `..` (or nothing left after following a link to `.`): names a directory without
    /// giving it a name in its parent.
    Dot { dotdot: bool },
}

impl Walk {
    /// The node the path names; `no-entry` if it does not exist, `not-directory` if it ends with
    /// `/` but is not a directory.
    pub fn existing(&self, fs: &Filesystem) -> Result<Ino> {
        match &self.last {
            Last::Dot { .. } => Ok(self.parent),
            Last::Name(_, None) => Err(ErrorCode::NoEntry),
            Last::Name(_, Some(ino)) => {
                if self.trailing_slash && fs.node_type(*ino)? != NodeType::Directory {
                    return Err(ErrorCode::NotDirectory);
                }
                Ok(*ino)
            }
        }
    }

    /// The name and what it names, for operations that need an entry (create, remove, rename,
    /// link); `None` for `.` and `..`.
    pub fn entry(&self) -> Option<(&str, Option<Ino>)> {
        match &self.last {
            Last::Name(name, ino) => Some((name, *ino)),
            Last::Dot { .. } => None,
        }
    }
}

/// Checks the text of a path, or of a new symbolic link's target, as Linux does before it resolves
/// anything: empty is `no-entry`, a NUL is `invalid`, longer than [`MAX_PATH_LEN`] is
/// `name-too-long`.
pub fn check_path_text(text: &str) -> Result<()> {
    if text.is_empty() {
        return Err(ErrorCode::NoEntry);
    }
    if text.contains('\0') {
        return Err(ErrorCode::Invalid);
    }
    if text.len() > MAX_PATH_LEN {
        return Err(ErrorCode::NameTooLong);
    }
    Ok(())
}

/// Whether `path` ends with `/` (so that its last component must be a directory, and is followed
/// if it is a symbolic link).
pub fn ends_with_slash(path: &str) -> bool {
    path.ends_with('/')
}

/// Resolves `path` from directory `base` without leaving it. The last component is returned
/// unresolved (it may not exist) unless it is a symbolic link and `follow_last` is set, in which
/// case the link is followed to its target.
pub fn walk(fs: &Filesystem, base: Ino, path: &str, follow_last: bool) -> Result<Walk> {
    check_path_text(path)?;
    if path.starts_with('/') {
        return Err(ErrorCode::NotPermitted);
    }
    if fs.node_type(base)? != NodeType::Directory {
        return Err(ErrorCode::NotDirectory);
    }
    let mut queue: VecDeque<String> = components(path).map(str::to_owned).collect();
    let mut trailing_slash = ends_with_slash(path);
    // The directories from `base` down to the current one: `..` pops, and may not pop `base`.
    let mut stack = vec![base];
    let mut followed = 0;
    loop {
        let current = *stack.last().unwrap_or(&base);
        let Some(component) = queue.pop_front() else {
            // Only reachable when a followed link's target ends in `.`/`..` components that were
            // all consumed, or a path made only of `.` components.
            return Ok(Walk { parent: current, last: Last::Dot { dotdot: false }, trailing_slash });
        };
        let is_last = queue.is_empty();
        match component.as_str() {
            "." => {
                if is_last {
                    return Ok(Walk { parent: current, last: Last::Dot { dotdot: false }, trailing_slash });
                }
            }
            ".." => {
                if stack.len() == 1 {
                    return Err(ErrorCode::NotPermitted);
                }
                stack.pop();
                if is_last {
                    let parent = *stack.last().unwrap_or(&base);
                    return Ok(Walk { parent, last: Last::Dot { dotdot: true }, trailing_slash });
                }
            }
            name => {
                if name.len() > MAX_NAME_LEN {
                    return Err(ErrorCode::NameTooLong);
                }
                let child = fs.lookup(current, name)?;
                let child_type = child.map(|ino| fs.node_type(ino)).transpose()?;
                if is_last && !(child_type == Some(NodeType::SymbolicLink) && follow_last) {
                    return Ok(Walk { parent: current, last: Last::Name(component, child), trailing_slash });
                }
                match (child, child_type) {
                    (None, _) | (_, None) => return Err(ErrorCode::NoEntry),
                    (Some(dir), Some(NodeType::Directory)) => stack.push(dir),
                    (Some(_), Some(NodeType::RegularFile)) => return Err(ErrorCode::NotDirectory),
                    (Some(link), Some(NodeType::SymbolicLink)) => {
                        followed += 1;
                        if followed > MAX_SYMLINKS {
                            return Err(ErrorCode::Loop);
                        }
                        let target = fs.symlink_target(link)?;
                        if target.is_empty() {
                            return Err(ErrorCode::NoEntry);
                        }
                        if target.starts_with('/') {
                            return Err(ErrorCode::NotPermitted);
                        }
                        if is_last {
                            trailing_slash |= ends_with_slash(target);
                        }
                        for part in components(target).rev() {
                            queue.push_front(part.to_owned());
                        }
                        if queue.is_empty() {
                            // A link to `/`-only text: it names the directory it is in.
                            queue.push_front(".".to_owned());
                        }
                    }
                }
            }
        }
    }
}

/// The non-empty components of `path` (repeated and trailing slashes dropped).
fn components(path: &str) -> impl DoubleEndedIterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::time::{ManualClock, Timestamp};
    use std::rc::Rc;

    /// root/{a/{b/, f}, link-a -> a, up -> .., abs -> /etc, loop1 <-> loop2, dangling -> nope}
    fn tree() -> (Filesystem, Ino, Ino, Ino, Ino) {
        let mut fs = Filesystem::new(Rc::new(ManualClock::new(Timestamp::default())));
        let root = fs.root();
        let a = fs.create_dir(root, "a").unwrap();
        let b = fs.create_dir(a, "b").unwrap();
        let f = fs.create_file(a, "f").unwrap();
        fs.create_symlink(root, "link-a", "a").unwrap();
        fs.create_symlink(a, "up", "..").unwrap();
        fs.create_symlink(root, "up", "..").unwrap();
        fs.create_symlink(root, "abs", "/etc").unwrap();
        fs.create_symlink(root, "loop1", "loop2").unwrap();
        fs.create_symlink(root, "loop2", "loop1").unwrap();
        fs.create_symlink(root, "dangling", "nope").unwrap();
        fs.create_symlink(b, "to-f", "../f").unwrap();
        (fs, root, a, b, f)
    }

    fn target(fs: &Filesystem, base: Ino, path: &str, follow: bool) -> Result<Ino> {
        walk(fs, base, path, follow)?.existing(fs)
    }

    #[test]
    fn plain_paths_dots_and_slashes() {
        let (fs, root, a, b, f) = tree();
        assert_eq!(target(&fs, root, "a", false), Ok(a));
        assert_eq!(target(&fs, root, "a//b/", false), Ok(b));
        assert_eq!(target(&fs, root, "./a/./b/../f", false), Ok(f));
        assert_eq!(target(&fs, root, "a/b/../../a/f", false), Ok(f));
        assert_eq!(target(&fs, root, ".", false), Ok(root));
        assert_eq!(target(&fs, a, "b/..", false), Ok(a));
        assert_eq!(target(&fs, root, "missing", false), Err(ErrorCode::NoEntry));
        assert_eq!(target(&fs, root, "missing/x", false), Err(ErrorCode::NoEntry));
        assert_eq!(target(&fs, root, "a/f/", false), Err(ErrorCode::NotDirectory));
        assert_eq!(target(&fs, root, "a/f/x", false), Err(ErrorCode::NotDirectory));
        assert_eq!(target(&fs, root, "", false), Err(ErrorCode::NoEntry));
        assert_eq!(target(&fs, root, "a/f\0", false), Err(ErrorCode::Invalid));
        assert_eq!(target(&fs, root, &"n".repeat(256), false), Err(ErrorCode::NameTooLong));
        assert_eq!(target(&fs, root, &"a/".repeat(3000), false), Err(ErrorCode::NameTooLong));
        assert_eq!(target(&fs, f, "x", false), Err(ErrorCode::NotDirectory));
        let w = walk(&fs, root, "a/new", false).unwrap();
        assert_eq!(w, Walk { parent: a, last: Last::Name("new".into(), None), trailing_slash: false });
    }

    #[test]
    fn confinement_absolute_paths_and_dotdot() {
        let (fs, root, a, b, _) = tree();
        assert_eq!(target(&fs, root, "/a", false), Err(ErrorCode::NotPermitted));
        assert_eq!(target(&fs, root, "..", false), Err(ErrorCode::NotPermitted));
        assert_eq!(target(&fs, root, "../x", false), Err(ErrorCode::NotPermitted));
        assert_eq!(target(&fs, root, "a/../../a", false), Err(ErrorCode::NotPermitted), "leaving and coming back");
        assert_eq!(target(&fs, a, "../a", false), Err(ErrorCode::NotPermitted), "confined to the descriptor");
        assert_eq!(target(&fs, b, "../..", false), Err(ErrorCode::NotPermitted));
        assert_eq!(target(&fs, a, "b/../..", false), Err(ErrorCode::NotPermitted));
    }

    #[test]
    fn confinement_through_symlinks() {
        let (fs, root, a, b, f) = tree();
        assert_eq!(target(&fs, root, "abs", true), Err(ErrorCode::NotPermitted));
        assert_eq!(target(&fs, root, "abs/x", false), Err(ErrorCode::NotPermitted));
        assert_eq!(target(&fs, root, "up", true), Err(ErrorCode::NotPermitted));
        assert_eq!(target(&fs, root, "a/up", true), Ok(root), "a/.. stays inside the root");
        assert_eq!(target(&fs, a, "up", true), Err(ErrorCode::NotPermitted), "but not inside a");
        assert_eq!(target(&fs, a, "b/to-f", true), Ok(f));
        assert_eq!(target(&fs, b, "to-f", true), Err(ErrorCode::NotPermitted));
        // Not following the last component never looks at the target.
        assert_eq!(
            walk(&fs, root, "abs", false).unwrap().last,
            Last::Name("abs".into(), fs.lookup(root, "abs").unwrap())
        );
    }

    #[test]
    fn symlinks_followed_in_the_middle_and_on_request() {
        let (fs, root, a, b, f) = tree();
        assert_eq!(target(&fs, root, "link-a/b", false), Ok(b));
        assert_eq!(target(&fs, root, "link-a", true), Ok(a));
        assert_eq!(target(&fs, root, "link-a/", true), Ok(a));
        assert_eq!(target(&fs, root, "link-a/", false), Err(ErrorCode::NotDirectory), "the link is not a directory");
        let link = fs.lookup(root, "link-a").unwrap().unwrap();
        assert_eq!(target(&fs, root, "link-a", false), Ok(link));
        assert_eq!(target(&fs, root, "a/b/to-f", true), Ok(f));
        assert_eq!(target(&fs, root, "a/b/to-f/", true), Err(ErrorCode::NotDirectory));
        assert_eq!(target(&fs, root, "loop1", true), Err(ErrorCode::Loop));
        assert_eq!(target(&fs, root, "loop1/x", false), Err(ErrorCode::Loop));
        assert_eq!(target(&fs, root, "dangling", true), Err(ErrorCode::NoEntry));
        let w = walk(&fs, root, "dangling", true).unwrap();
        assert_eq!(w.entry(), Some(("nope", None)), "a dangling link leads to where its target would be");
    }
}
