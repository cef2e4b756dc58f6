//! The directory store: one JSON file per kept request in `outbox/` (or, under
//! `outbox/failed/`, refused by the API for good), written atomically, and the flush lock.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::disk::{private_dir, sweep_temp, unsafe_dir, write_atomic};
use super::entry::{Entry, EntryId, Folder, Listing, Pending, Retried};
use super::Found;
use crate::clock::now_rfc3339;

/// The outbox directory and its `failed/` folder.
#[derive(Debug, Clone)]
pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    pub fn new(state_dir: &Path) -> Outbox {
        Outbox {
            dir: state_dir.join("outbox"),
        }
    }

    /// The directory of a folder.
    pub fn dir_of(&self, folder: Folder) -> PathBuf {
        match folder {
            Folder::Pending => self.dir.clone(),
            Folder::Failed => self.dir.join("failed"),
        }
    }

    /// The file of an entry.
    pub fn path_of(&self, id: &EntryId) -> PathBuf {
        self.dir_of(id.folder).join(format!("{}.json", id.id))
    }

    /// The temp files of writers that died mid-write removed from both folders: how many,
    /// and where.
    pub fn sweep(&self) -> Vec<(usize, PathBuf)> {
        [Folder::Pending, Folder::Failed]
            .into_iter()
            .map(|folder| {
                let dir = self.dir_of(folder);
                (sweep_temp(&dir), dir)
            })
            .filter(|(removed, _)| *removed > 0)
            .collect()
    }

    /// Whether a request could be kept now: the outbox exists (or is made) and a file can
    /// be written in it.
    pub fn writable(&self) -> Result<()> {
        let dir = self.dir_of(Folder::Pending);
        private_dir(&dir)?;
        let probe = tempfile::Builder::new()
            .prefix(".probe-")
            .tempfile_in(&dir)
            .with_context(|| format!("cannot write in {}", dir.display()))?;
        drop(probe);
        Ok(())
    }

    /// Why the state or outbox directory is unsafe to send from, for each that is.
    pub fn unsafe_dirs(&self) -> Vec<String> {
        let state_dir = self.dir.parent().map(Path::to_path_buf);
        state_dir
            .into_iter()
            .chain([self.dir_of(Folder::Pending), self.dir_of(Folder::Failed)])
            .filter_map(|dir| unsafe_dir(&dir))
            .collect()
    }

    /// Store (or update) a request in `folder`. An entry keeps where it was first meant to
    /// go, when it was made and how often it was tried, also when it moves from the outbox
    /// to `failed/`.
    pub fn store(&self, folder: Folder, record: Pending<'_>) -> Result<EntryId> {
        let id = EntryId::of_key(folder, record.key);
        let path = self.path_of(&id);
        let now = now_rfc3339();
        let pending = EntryId::of_key(Folder::Pending, record.key);
        let previous = self
            .read(&id)
            .or_else(|e| {
                if folder == Folder::Pending {
                    Err(e)
                } else {
                    self.read(&pending)
                }
            })
            .ok();
        let entry = Entry::merged(&id, record, previous.as_ref(), now);
        write_entry(&path, &entry)?;
        Ok(id)
    }

    /// Move an entry of `failed/` back to the outbox, its history kept (creation time,
    /// attempts, first error), so that the next flush sends it again with the same key.
    pub fn retry(&self, failed: &EntryId) -> Result<Retried> {
        let entry = self.read(failed)?;
        let pending = EntryId::of_key(Folder::Pending, &entry.idempotency_key);
        if self.path_of(&pending).exists() {
            return Ok(Retried::AlreadyPending(pending));
        }
        let entry = entry.retried(now_rfc3339());
        write_entry(&self.path_of(&pending), &entry)?;
        let path = self.path_of(failed);
        fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        Ok(Retried::Moved(pending, Box::new(entry)))
    }

    /// One entry, read.
    pub fn read(&self, id: &EntryId) -> Result<Entry> {
        read_entry(&self.path_of(id))
    }

    /// Remove an entry; one that is not there is not an error.
    pub fn remove(&self, id: &EntryId) -> Result<()> {
        let path = self.path_of(id);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            // No entry, or no outbox directory at all: nothing to clear.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                Ok(())
            }
            Err(e) => Err(e).with_context(|| format!("cannot remove {}", path.display())),
        }
    }

    /// The ids of a folder's entries, in no order (none when it does not exist).
    fn ids(&self, folder: Folder) -> Result<Vec<EntryId>> {
        let dir = self.dir_of(folder);
        let read = match fs::read_dir(&dir) {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
        };
        Ok(read
            .flatten()
            .filter_map(|item| {
                let name = item.file_name().to_string_lossy().into_owned();
                let id = name.strip_suffix(".json")?;
                (!id.starts_with('.') && !id.is_empty()).then(|| EntryId {
                    folder,
                    id: id.to_string(),
                })
            })
            .collect())
    }

    /// The entries of a folder, oldest first, and a warning for each unreadable file.
    pub fn list(&self, folder: Folder) -> Result<Listing> {
        let mut listing = Listing::default();
        for id in self.ids(folder)? {
            match self.read(&id) {
                Ok(entry) => listing.entries.push((id, entry)),
                Err(e) => listing.unreadable.push(format!("{e:#}")),
            }
        }
        listing
            .entries
            .sort_by(|a, b| (&a.1.created_at, &a.1.id).cmp(&(&b.1.created_at, &b.1.id)));
        Ok(listing)
    }

    /// How many entries a folder holds (0 when it cannot be read).
    pub fn count(&self, folder: Folder) -> usize {
        self.ids(folder).map_or(0, |ids| ids.len())
    }

    /// The entry named by its id or a unique prefix of it, in either folder.
    pub fn find(&self, prefix: &str) -> Found {
        let valid = !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_alphanumeric());
        let mut found: Vec<EntryId> = Vec::new();
        if valid {
            for folder in [Folder::Pending, Folder::Failed] {
                let ids = self.ids(folder).unwrap_or_default();
                found.extend(ids.into_iter().filter(|id| id.id.starts_with(prefix)));
            }
        }
        match found.len() {
            0 => Found::None,
            1 => Found::One(found.remove(0)),
            n => Found::Many(n),
        }
    }

    /// Take the flush lock (`outbox/.lock`, held while the file stays open); with `wait`,
    /// `waiting` is called once before blocking on another holder. `None`: another holds it.
    pub fn lock(&self, wait: bool, waiting: impl FnOnce()) -> Result<Option<FileLock>> {
        private_dir(&self.dir)?;
        let path = self.dir.join(".lock");
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options
            .open(&path)
            .with_context(|| format!("cannot open the lock {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(FileLock { _file: file })),
            Err(TryLockError::WouldBlock) if wait => {
                waiting();
                file.lock()
                    .with_context(|| format!("cannot lock {}", path.display()))?;
                Ok(Some(FileLock { _file: file }))
            }
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }
}

/// The flush lock, held until dropped.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

fn write_entry(path: &Path, entry: &Entry) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(entry)?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

fn read_entry(path: &Path) -> Result<Entry> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not an outbox entry", path.display()))
}
