//! What the repository promises about itself: the license Cargo.toml names is there, the
//! release binary is stripped, the binary is linked statically on x86_64 Linux, and the
//! benchmark script cites only files that exist.

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

/// `.cargo/link-static` links the executable as a static PIE (debug builds too, so this
/// binary is one): no program interpreter, so nothing for the dynamic loader to do. A
/// change in rustc's link line that the script no longer recognises fails here.
#[cfg(all(target_os = "linux", target_arch = "x86_64", target_env = "gnu"))]
#[test]
fn the_binary_is_linked_statically_on_x86_64_linux() {
    const PT_INTERP: u32 = 3;
    const PT_DYNAMIC: u32 = 2;
    let path = assert_cmd::cargo::cargo_bin!("mcnotify");
    let elf = fs::read(path).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF", "{}", path.display());
    let u16_at = |at: usize| u16::from_le_bytes(elf[at..at + 2].try_into().unwrap()) as usize;
    let phoff = u64::from_le_bytes(elf[0x20..0x28].try_into().unwrap()) as usize;
    let (size, count) = (u16_at(0x36), u16_at(0x38));
    let types: Vec<u32> = (0..count)
        .map(|i| {
            let at = phoff + i * size;
            u32::from_le_bytes(elf[at..at + 4].try_into().unwrap())
        })
        .collect();
    assert!(
        !types.contains(&PT_INTERP),
        "{} asks for a dynamic loader: .cargo/link-static did not link it statically",
        path.display()
    );
    // A static PIE relocates itself from its own dynamic section.
    assert!(types.contains(&PT_DYNAMIC), "{types:?}");
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
