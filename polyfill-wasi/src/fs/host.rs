//! The embedder's access to a filesystem, to fill it before a guest runs and read it back after:
//! paths from the root (a leading `/` is allowed), symbolic links followed, and the same
//! confinement as a guest (`..` above the root is `not-permitted`).

use super::error::{ErrorCode, Result};
use super::inode::{Filesystem, NodeType, Stat};
use super::path::{check_path_text, walk, Last, MAX_PATH_LEN};
use super::storage::Ino;

fn relative(path: &str) -> &str {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() {
        "."
    } else {
        trimmed
    }
}

impl Filesystem {
    /// The node at `path`, following symbolic links (all of them, or all but the last).
    pub fn lookup_path(&self, path: &str, follow: bool) -> Result<Ino> {
        walk(self, self.root(), relative(path), follow)?.existing(self)
    }

    /// Creates directory `path` and any missing parents (`mkdir -p`).
    pub fn make_dirs(&mut self, path: &str) -> Result<Ino> {
        let path = relative(path);
        if path.contains('\0') {
            return Err(ErrorCode::Invalid);
        }
        if path.len() > MAX_PATH_LEN {
            return Err(ErrorCode::NameTooLong);
        }
        let mut prefix = String::new();
        let mut current = self.root();
        for component in path.split('/').filter(|c| !c.is_empty()) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(component);
            current = match self.plain_step(current, component)? {
                Some(next) => next,
                None => self.resolve_step(&prefix)?,
            };
        }
        Ok(current)
    }

    /// One step of [`make_dirs`](Self::make_dirs) that needs no resolution: `component` is a name
    /// that is missing in `dir` (made now) or names a directory. `None` for `.`, `..` and anything
    /// else, which [`resolve_step`](Self::resolve_step) handles. Without it every step would walk
    /// the whole prefix again, symbolic links included: quadratic in the depth.
    fn plain_step(&mut self, dir: Ino, component: &str) -> Result<Option<Ino>> {
        if component == "." || component == ".." {
            return Ok(None);
        }
        match self.lookup(dir, component)? {
            None => self.create_dir(dir, component).map(Some),
            Some(child) if self.is_dir(child) => Ok(Some(child)),
            Some(_) => Ok(None),
        }
    }

    /// One step of [`make_dirs`](Self::make_dirs) by resolving `prefix` from the root.
    fn resolve_step(&mut self, prefix: &str) -> Result<Ino> {
        let walked = walk(self, self.root(), prefix, true)?;
        match walked.entry() {
            Some((name, None)) => self.create_dir(walked.parent, name),
            _ => {
                let ino = walked.existing(self)?;
                if !self.is_dir(ino) {
                    return Err(ErrorCode::NotDirectory);
                }
                Ok(ino)
            }
        }
    }

    /// Writes `data` as the whole content of file `path`, creating it and its parent directories.
    pub fn write_file(&mut self, path: &str, data: &[u8]) -> Result<()> {
        let path = relative(path);
        if let Some((parent, _)) = path.rsplit_once('/') {
            self.make_dirs(parent)?;
        }
        let walked = walk(self, self.root(), path, true)?;
        let ino = match walked.entry() {
            Some((name, None)) if !walked.trailing_slash => self.create_file(walked.parent, name)?,
            _ => walked.existing(self)?,
        };
        if self.node_type(ino)? != NodeType::RegularFile {
            return Err(ErrorCode::IsDirectory);
        }
        // Check before truncating, so a refused write leaves the old content.
        if data.len() as u64 > super::inode::MAX_FILE_SIZE {
            return Err(ErrorCode::FileTooLarge);
        }
        self.set_len(ino, 0)?;
        self.write(ino, 0, data)
    }

    /// The whole content of file `path`.
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>> {
        let ino = self.lookup_path(path, true)?;
        let len = usize::try_from(self.file_len(ino)?).map_err(|_| ErrorCode::FileTooLarge)?;
        self.read(ino, 0, len)
    }

    /// The entries of directory `path`, in name order.
    pub fn read_dir(&self, path: &str) -> Result<Vec<(NodeType, String)>> {
        let ino = self.lookup_path(path, true)?;
        self.list(ino)
    }

    /// The metadata of `path`; `follow` says whether a final symbolic link is followed.
    pub fn stat_path(&self, path: &str, follow: bool) -> Result<Stat> {
        let ino = self.lookup_path(path, follow)?;
        self.stat(ino)
    }

    /// Makes a symbolic link at `path` holding `target`.
    pub fn make_symlink(&mut self, target: &str, path: &str) -> Result<()> {
        check_path_text(target)?;
        let walked = walk(self, self.root(), relative(path), false)?;
        match walked.entry() {
            Some((name, None)) => self.create_symlink(walked.parent, name, target).map(drop),
            _ => Err(ErrorCode::Exist),
        }
    }

    /// The target of symbolic link `path`.
    pub fn read_symlink(&self, path: &str) -> Result<String> {
        let ino = self.lookup_path(path, false)?;
        self.symlink_target(ino).map(str::to_owned)
    }

    /// Removes `path`: a file or link, or a directory with everything in it (`rm -r`).
    pub fn remove_path(&mut self, path: &str) -> Result<()> {
        let walked = walk(self, self.root(), relative(path), false)?;
        let Last::Name(name, Some(ino)) = walked.last else {
            return Err(if matches!(walked.last, Last::Dot { .. }) { ErrorCode::Invalid } else { ErrorCode::NoEntry });
        };
        if self.is_dir(ino) {
            self.empty_dir(ino)?;
            self.remove_dir(walked.parent, &name)
        } else {
            self.unlink(walked.parent, &name)
        }
    }

    /// Removes everything in directory `top`, deepest entries first. An explicit stack, not
    /// recursion: a guest decides how deep the tree is, and the page's wasm stack is small.
    fn empty_dir(&mut self, top: Ino) -> Result<()> {
        let mut stack = vec![top];
        while let Some(&dir) = stack.last() {
            let Some((name, child)) = self.entries(dir)?.first_key_value().map(|(n, &i)| (n.clone(), i)) else {
                stack.pop();
                continue;
            };
            if !self.is_dir(child) {
                self.unlink(dir, &name)?;
            } else if self.entries(child)?.is_empty() {
                self.remove_dir(dir, &name)?;
            } else {
                stack.push(child);
            }
        }
        Ok(())
    }
}
