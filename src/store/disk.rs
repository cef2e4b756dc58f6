//! The state directory: created private to the user, files written atomically, the temp
//! files of writers that died cleaned up, and directories others could write refused.

use std::fs::{self, File, TryLockError};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};

/// The name every temp file of `write_atomic` starts with.
const TEMP_PREFIX: &str = ".tmp-";

/// A temp file younger than this is left alone even when unlocked: its writer may be
/// between creating it and locking it.
const TEMP_GRACE: Duration = Duration::from_secs(1);

/// Create `dir` (and parents) readable by the user only.
pub fn private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

/// Write `bytes` to `path` atomically: a private temp file beside it, fsync, rename,
/// fsync of the directory. The temp file is created mode 600 and locked while it lives,
/// so `sweep_temp` can tell a dead writer's leftover from a live writer's file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("state files live in a directory");
    private_dir(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o600));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    tmp.as_file()
        .lock()
        .and_then(|_| tmp.write_all(bytes))
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Remove the temp files that writers killed mid-write left in `dir` (each may hold a
/// whole incident). Only those nobody holds locked and older than a second go: a live
/// writer keeps its temp file locked from its first second to its rename. Returns how
/// many were removed.
pub fn sweep_temp(dir: &Path) -> usize {
    let Ok(read) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for item in read.flatten() {
        if !item.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        let path = item.path();
        let Ok(file) = File::open(&path) else {
            continue;
        };
        let old = file
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age >= TEMP_GRACE);
        let is_regular = file.metadata().is_ok_and(|m| m.is_file());
        if !old || !is_regular {
            continue;
        }
        match file.try_lock() {
            Ok(()) => {
                if fs::remove_file(&path).is_ok() {
                    removed += 1;
                }
            }
            Err(TryLockError::WouldBlock) | Err(TryLockError::Error(_)) => {}
        }
    }
    removed
}

/// Why `dir` is not safe to send from: writable by group or others (anyone who can write
/// there can plant an entry that the next flush sends with the user's key). `None` when
/// it is private, or does not exist yet.
pub fn unsafe_dir(dir: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(dir).ok()?;
        let mode = meta.permissions().mode();
        if meta.is_dir() && mode & 0o022 != 0 {
            return Some(format!(
                "{} is writable by group or others (mode {:o}); run: chmod 700 {}",
                dir.display(),
                mode & 0o7777,
                dir.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn temps(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(TEMP_PREFIX))
            .collect()
    }

    fn age(path: &Path, by: Duration) {
        let file = File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - by).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_private_and_leave_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/entry.json");
        write_atomic(&path, b"{}").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{}");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert!(temps(path.parent().unwrap()).is_empty());
    }

    #[test]
    fn the_sweep_removes_a_dead_writers_temp_file_but_not_a_live_one() {
        let dir = tempfile::tempdir().unwrap();
        // A dead writer's leftover: unlocked, old enough.
        let dead = dir.path().join(".tmp-dead");
        fs::write(&dead, "incident").unwrap();
        age(&dead, Duration::from_secs(5));
        // A live writer's: locked.
        let live = dir.path().join(".tmp-live");
        fs::write(&live, "incident").unwrap();
        age(&live, Duration::from_secs(5));
        let held = File::open(&live).unwrap();
        held.lock().unwrap();
        // A writer that has just created its file and not locked it yet.
        let fresh = dir.path().join(".tmp-fresh");
        fs::write(&fresh, "incident").unwrap();
        // Not a temp file at all.
        let entry = dir.path().join("abc.json");
        fs::write(&entry, "{}").unwrap();
        age(&entry, Duration::from_secs(5));

        assert_eq!(sweep_temp(dir.path()), 1);
        assert!(!dead.exists());
        assert!(live.exists() && fresh.exists() && entry.exists());
        drop(held);
        assert_eq!(
            sweep_temp(dir.path()),
            1,
            "unlocked once its writer is gone"
        );
        assert!(!live.exists());
        assert_eq!(sweep_temp(&dir.path().join("missing")), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_others_can_write_is_unsafe() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(unsafe_dir(dir.path()), None);
        assert_eq!(unsafe_dir(&dir.path().join("missing")), None);
        for bad in [0o770, 0o702, 0o1777] {
            fs::set_permissions(dir.path(), fs::Permissions::from_mode(bad)).unwrap();
            let why = unsafe_dir(dir.path()).unwrap();
            assert!(
                why.contains(&format!("chmod 700 {}", dir.path().display())),
                "{why}"
            );
        }
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(unsafe_dir(dir.path()), None, "readable is not writable");
    }
}
