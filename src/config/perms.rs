//! One permission check for the files that hold or steer the key: readable or writable by others.

use std::fs;
use std::path::Path;

/// A warning when a file holding the key can be read by group or others (like ssh).
/// A file owned by root that another user reads through its group (`root:nagios`, mode
/// 640) was shared on purpose by an administrator, as PostgreSQL allows for its key; only
/// a world-readable one is then a warning.
pub fn shared_file_warning(path: &Path, what: &str) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = fs::metadata(path).ok()?;
        let mode = meta.permissions().mode();
        // SAFETY: geteuid has no preconditions and cannot fail.
        let shared_by_root = meta.uid() == 0 && unsafe { libc::geteuid() } != 0;
        let exposed = if shared_by_root { 0o004 } else { 0o044 };
        if mode & exposed != 0 {
            return Some(format!(
                "{what} {} is readable by others (mode {:o}); run: chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    writable_file_warning(path, what)
}

/// A warning when `path` can be written by group or others (who could redirect the key).
pub fn writable_file_warning(path: &Path, what: &str) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o022 != 0 {
            return Some(format!(
                "{what} {} is writable by others (mode {:o}), who could send the key elsewhere; run: chmod go-w {}",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, what);
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn shared_files_are_named_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, "x").unwrap();
        let mode = |m: u32| fs::set_permissions(&path, fs::Permissions::from_mode(m)).unwrap();
        mode(0o600);
        assert_eq!(shared_file_warning(&path, "key file"), None);
        mode(0o640);
        assert!(shared_file_warning(&path, "key file")
            .unwrap()
            .contains("readable by others"));
        mode(0o644);
        assert_eq!(writable_file_warning(&path, "config file"), None);
        mode(0o662);
        assert!(writable_file_warning(&path, "config file")
            .unwrap()
            .contains("chmod go-w"));
    }
}
