//! The completion scripts in the real shells: bash (with bash-completion), zsh and fish
//! complete a command line the way a user's TAB does, and the test reads what they offer.
//!
//! A shell missing on this machine skips its test with a message; under `CI=true` it fails
//! instead (`.ci/run` installs them).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::harness::TestEnv;

const BASH_COMPLETION: &str = "/usr/share/bash-completion/bash_completion";
const SHELLS: [&str; 5] = ["bash", "elvish", "fish", "powershell", "zsh"];

/// Calls the completion function bash-completion registered for `mcnotify` with the
/// variables bash sets on TAB, and prints COMPREPLY one per line.
const BASH_DRIVER: &str = r#"
source "$1" || exit 3
source "$2" || exit 3
line=$3
read -ra COMP_WORDS <<< "$line"
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE=$line
COMP_POINT=${#line}
spec=$(complete -p mcnotify) || exit 4
func=${spec##*-F }
func=${func%% *}
"$func" mcnotify "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;

/// Types the line and TAB into an interactive zsh on a pseudo-terminal (zsh/zpty), with
/// compinit loading the script from $1; every match compsys adds is written to $2.
const ZSH_DRIVER: &str = r#"
zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z "fpath=(${(q)1} \$fpath); PROMPT=''; autoload -U compinit; compinit -u -D"
zpty -w z "bindkey '^I' complete-word; zstyle ':completion:*' insert-tab false"
zpty -w z "__out=${(q)2}; comppostfuncs=(exit)"
zpty -w z 'compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __hits; builtin compadd -A __hits "$@"
  (( $#__hits )) && print -rl -- "$__hits[@]" >> $__out
  builtin compadd "$@"
}'
zpty -w z "$3"$'\t'
while zpty -r z; do :; done > /dev/null
zpty -d z
"#;

/// Whether `shell` runs here; a missing one skips the test, or fails it under CI.
fn have(shell: &str, extra: Option<&Path>) -> bool {
    let runs = std::process::Command::new(shell)
        .args(["-c", "exit 0"])
        .output()
        .is_ok_and(|o| o.status.success());
    let ok = runs && extra.is_none_or(Path::exists);
    if !ok {
        let what = match extra {
            Some(p) if runs => format!("{} (for {shell})", p.display()),
            _ => shell.to_string(),
        };
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "{what} is missing; .ci/run installs it (apt-get install bash-completion zsh fish)"
            );
        }
        eprintln!("skipped: {what} is not installed");
    }
    ok
}

/// A test home with the script `mcnotify completions SHELL` prints, saved as `name`, and a
/// file in the working directory that must never be offered where a value is expected.
struct Setup {
    env: TestEnv,
    script: PathBuf,
}

fn setup(shell: &str, name: &str) -> Setup {
    let env = TestEnv::new();
    let out = env.bare().args(["completions", shell]).assert().success();
    let dir = env.dir.path().join("completions");
    fs::create_dir_all(&dir).unwrap();
    let script = dir.join(name);
    fs::write(&script, &out.get_output().stdout).unwrap();
    fs::create_dir_all(env.home()).unwrap();
    fs::write(env.dir.path().join("a-file-in-cwd"), "").unwrap();
    Setup { env, script }
}

impl Setup {
    fn shell(&self, program: &str) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.env.home())
            .env("TERM", "dumb")
            .current_dir(self.env.dir.path())
            .timeout(Duration::from_secs(30));
        cmd
    }

    fn bash(&self, line: &str) -> Vec<String> {
        let out = self
            .shell("bash")
            .args(["--norc", "--noprofile", "-c", BASH_DRIVER, "bash"])
            .arg(BASH_COMPLETION)
            .arg(&self.script)
            .arg(line)
            .assert()
            .success();
        words(&out.get_output().stdout)
    }

    fn fish(&self, line: &str) -> Vec<String> {
        let out = self
            .shell("fish")
            .args(["--no-config", "-c"])
            .arg(format!(
                "source {}; complete -C '{line}'",
                self.script.display()
            ))
            .assert()
            .success();
        words(&out.get_output().stdout)
    }

    fn zsh(&self, line: &str) -> Vec<String> {
        let hits = self.env.dir.path().join("zsh-hits");
        let _ = fs::remove_file(&hits);
        self.shell("zsh")
            .args(["-f", "-c", ZSH_DRIVER, "zsh"])
            .arg(self.script.parent().unwrap())
            .arg(&hits)
            .arg(line)
            .assert()
            .success();
        words(&fs::read(&hits).unwrap_or_default())
    }
}

/// Non-empty lines of a shell's answer, in order.
fn words(out: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The candidates without their fish descriptions, sorted.
fn names(lines: &[String]) -> Vec<String> {
    let mut v: Vec<String> = lines
        .iter()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

fn sorted(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn bash_completes_subcommands_shells_and_values_but_not_the_hidden_command() {
    if !have("bash", Some(Path::new(BASH_COMPLETION))) {
        return;
    }
    let s = setup("bash", "mcnotify.bash");
    let top = s.bash("mcnotify ");
    for sub in [
        "send",
        "preview",
        "check-quota",
        "verify-key",
        "outbox",
        "completions",
    ] {
        assert!(top.contains(&sub.to_string()), "{sub} missing: {top:?}");
    }
    assert!(!top.iter().any(|w| w == "generate-docs"), "{top:?}");
    assert_eq!(s.bash("mcnotify gen"), Vec::<String>::new());
    let shells = s.bash("mcnotify completions ");
    for shell in SHELLS {
        assert!(shells.contains(&shell.to_string()), "{shell}: {shells:?}");
    }
    assert_eq!(
        names(&s.bash("mcnotify --color ")),
        sorted(&["auto", "always", "never"])
    );
    assert_eq!(
        names(&s.bash("mcnotify send --color ")),
        sorted(&["auto", "always", "never"])
    );
    assert_eq!(
        names(&s.bash("mcnotify preview --format ")),
        sorted(&["text", "html", "json", "curl"])
    );
}

#[test]
fn fish_completes_shells_and_colour_values_instead_of_file_names() {
    if !have("fish", None) {
        return;
    }
    let s = setup("fish", "mcnotify.fish");
    assert_eq!(names(&s.fish("mcnotify completions ")), sorted(&SHELLS));
    assert_eq!(
        names(&s.fish("mcnotify completions bash ")),
        Vec::<String>::new()
    );
    for line in [
        "mcnotify --color ",
        "mcnotify -q --color ",
        "mcnotify send --color ",
    ] {
        assert_eq!(
            names(&s.fish(line)),
            sorted(&["auto", "always", "never"]),
            "{line}"
        );
    }
    // A path option still completes file names.
    assert!(
        s.fish("mcnotify --config a-")
            .contains(&"a-file-in-cwd".to_string()),
        "--config offers files"
    );
}

#[test]
fn fish_shows_whole_descriptions_and_no_hidden_command() {
    if !have("fish", None) {
        return;
    }
    let s = setup("fish", "mcnotify.fish");
    let formats = s.fish("mcnotify preview --format ");
    let curl = formats
        .iter()
        .find(|l| l.starts_with("curl\t"))
        .unwrap_or_else(|| panic!("no curl: {formats:?}"));
    assert!(curl.ends_with("MAILINGCORE_API_KEY"), "cut: {curl:?}");
    let top = names(&s.fish("mcnotify "));
    assert!(top.contains(&"send".to_string()), "{top:?}");
    assert!(!top.contains(&"generate-docs".to_string()), "{top:?}");
    assert_eq!(names(&s.fish("mcnotify gen")), Vec::<String>::new());
}

#[test]
fn zsh_completes_subcommands_shells_and_values_but_not_the_hidden_command() {
    if !have("zsh", None) {
        return;
    }
    let s = setup("zsh", "_mcnotify");
    let top = s.zsh("mcnotify ");
    assert!(top.contains(&"send".to_string()), "{top:?}");
    assert!(top.contains(&"check-quota".to_string()), "{top:?}");
    assert!(!top.contains(&"generate-docs".to_string()), "{top:?}");
    assert_eq!(s.zsh("mcnotify gen"), Vec::<String>::new());
    assert_eq!(names(&s.zsh("mcnotify completions ")), sorted(&SHELLS));
    assert_eq!(
        names(&s.zsh("mcnotify --color ")),
        sorted(&["auto", "always", "never"])
    );
    assert_eq!(
        names(&s.zsh("mcnotify preview --format ")),
        sorted(&["text", "html", "json", "curl"])
    );
}
