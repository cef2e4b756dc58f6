//! Whether a program the tests drive (node, systemd-analyze) is installed: a missing one
//! skips its test with a message, and fails it under `CI=true`, where `.ci/run` installs it.

use std::process::{Command, Stdio};

/// Whether `program --version` runs; `package` is the Debian package that has it.
pub fn present(program: &str, package: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{program} is missing; .ci/run installs it (apt-get install {package})");
        }
        eprintln!("skipped: {program} is not installed");
    }
    found
}
