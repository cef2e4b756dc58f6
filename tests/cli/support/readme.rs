//! The README's fenced code blocks, by the section they are in: the recipes the tests run
//! as written.

use std::fs;
use std::path::Path;

fn readme() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The fenced code blocks of the README section under `heading` (up to the next heading
/// of the same or a higher level), as (language, text), indentation of the fence removed.
pub fn blocks(heading: &str) -> Vec<(String, String)> {
    let text = readme();
    let level = heading.chars().take_while(|c| *c == '#').count();
    let mut lines = text.lines().skip_while(|l| l.trim_end() != heading);
    assert!(lines.next().is_some(), "README has no heading {heading:?}");
    let mut out = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for line in lines {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if open.is_none() {
            let hashes = line.chars().take_while(|c| *c == '#').count();
            if hashes > 0 && hashes <= level && line[hashes..].starts_with(' ') {
                break;
            }
        }
        match &mut open {
            None if trimmed.starts_with("```") => {
                open = Some((trimmed[3..].trim().to_string(), indent, String::new()));
            }
            None => {}
            Some(_) if trimmed.starts_with("```") => {
                let (lang, _, body) = open.take().unwrap();
                out.push((lang, body));
            }
            Some((_, fence, body)) => {
                body.push_str(line.get(*fence..).unwrap_or("").trim_end_matches('\r'));
                body.push('\n');
            }
        }
    }
    out
}

/// The first block of `lang` under `heading` that contains `containing`.
pub fn block(heading: &str, lang: &str, containing: &str) -> String {
    blocks(heading)
        .into_iter()
        .find(|(l, b)| l == lang && b.contains(containing))
        .unwrap_or_else(|| panic!("README {heading:?} has no {lang} block with {containing:?}"))
        .1
}
