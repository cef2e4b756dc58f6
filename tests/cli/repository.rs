//! What the repository promises about itself: the license Cargo.toml names is there, the
//! release binary is stripped, and the benchmark script cites only files that exist.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn manifest() -> toml::Table {
    fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn the_license_named_in_cargo_toml_is_in_the_repository() {
    let manifest = manifest();
    assert_eq!(manifest["package"]["license"].as_str(), Some("MIT"));
    let license = fs::read_to_string(root().join("LICENSE")).expect("a LICENSE file");
    assert!(license.starts_with("MIT License\n"), "{license}");
    assert!(license.contains("Copyright (c) the mcnotify authors"));
    assert!(license.contains("THE SOFTWARE IS PROVIDED \"AS IS\""));
}

#[test]
fn the_release_binary_is_stripped() {
    let manifest = manifest();
    let strip = &manifest["profile"]["release"]["strip"];
    assert_eq!(
        strip.as_bool(),
        Some(true),
        "[profile.release] strip = true"
    );
}

#[test]
fn the_benchmark_script_cites_only_files_in_the_repository() {
    let script = fs::read_to_string(root().join("benches/run.sh")).unwrap();
    let cited: Vec<&str> = script
        .split(|c: char| c.is_whitespace() || "()`'\",".contains(c))
        .filter(|w| w.ends_with(".md") || w.ends_with(".rs"))
        .collect();
    assert!(cited.contains(&"README.md"), "{cited:?}");
    for file in cited {
        assert!(
            Path::new(&root()).join(file).exists(),
            "benches/run.sh cites {file}, which is not in the repository"
        );
    }
}
