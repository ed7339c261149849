//! The embedder's access to a filesystem, to fill it before a guest runs and read it back after:
//! paths from the root (a leading `/` is allowed), symbolic links followed, and the same
//! confinement as a guest (`..` above the root is `not-permitted`).

use super::error::{ErrorCode, Result};
use super::inode::{Filesystem, NodeType, Stat};
use super::path::{walk, Last};
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
        let mut prefix = String::new();
        let mut current = self.root();
        for component in path.split('/').filter(|c| !c.is_empty()) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(component);
            let walked = walk(self, self.root(), &prefix, true)?;
            current = match walked.entry() {
                Some((name, None)) => self.create_dir(walked.parent, name)?,
                _ => {
                    let ino = walked.existing(self)?;
                    if !self.is_dir(ino) {
                        return Err(ErrorCode::NotDirectory);
                    }
                    ino
                }
            };
        }
        Ok(current)
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
        if target.is_empty() {
            return Err(ErrorCode::NoEntry);
        }
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

    fn empty_dir(&mut self, dir: Ino) -> Result<()> {
        let entries: Vec<(String, Ino)> = self.entries(dir)?.iter().map(|(n, i)| (n.clone(), *i)).collect();
        for (name, ino) in entries {
            if self.is_dir(ino) {
                self.empty_dir(ino)?;
                self.remove_dir(dir, &name)?;
            } else {
                self.unlink(dir, &name)?;
            }
        }
        Ok(())
    }
}
