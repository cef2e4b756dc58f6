//! The man pages: one per command in section 1, from the clap definitions (help text,
//! headings, the "Examples:" and "Exit codes:" blocks of the long help), and
//! mcnotify-config(5), written by hand. Every page passes `mandoc -Tlint -W all`.

use clap::{Arg, ArgAction, Command};
use clap_mangen::roff::{bold, italic, roman, Inline, Roff};
use clap_mangen::Man;

/// The date the pages carry; change it with the command line.
const DATE: &str = "2026-12-02";
const MANUAL: &str = "mcnotify manual";
/// The longest input line mandoc's style check accepts.
const WIDTH: usize = 80;

/// The config file page, written by hand in roff; `@DATE@`, `@VERSION@` and `@MANUAL@`
/// are filled in.
const CONFIG_PAGE: &str = include_str!("mcnotify-config.5");

/// Variables read by mcnotify itself rather than through an option's `env`.
const KEY_VARIABLES: [(&str, &str); 2] = [
    (
        "MAILINGCORE_API_KEY",
        "The API key itself; no option takes it, since a command line shows in ps(1) and \
         in shell history. The key comes from the first of: --api-key-file, \
         MAILINGCORE_API_KEY, MAILINGCORE_API_KEY_FILE, the config keys api_key_file and \
         api_key.",
    ),
    (
        "MAILINGCORE_API_KEY_FILE",
        "A file holding the API key, read when neither --api-key-file nor \
         MAILINGCORE_API_KEY gives one.",
    ),
];

/// Every page: (file name, roff source).
pub fn pages(cmd: &Command) -> Vec<(String, String)> {
    let mut cmd = cmd.clone().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    collect(&cmd, &[], &mut out);
    let config = CONFIG_PAGE
        .replace("@DATE@", DATE)
        .replace("@VERSION@", cmd.get_version().unwrap_or_default())
        .replace("@MANUAL@", MANUAL);
    out.push(("mcnotify-config.5".to_string(), config));
    out
}

fn collect(cmd: &Command, parents: &[&str], out: &mut Vec<(String, String)>) {
    let mut path: Vec<&str> = parents.to_vec();
    path.push(cmd.get_name());
    let page = path.join("-");
    out.push((format!("{page}.1"), render(cmd, &path)));
    for sub in visible_subcommands(cmd) {
        collect(sub, &path, out);
    }
}

fn visible_subcommands(cmd: &Command) -> impl Iterator<Item = &Command> {
    cmd.get_subcommands().filter(|s| !s.is_hide_set())
}

fn render(cmd: &Command, path: &[&str]) -> String {
    let page = path.join("-");
    let mut head = Vec::new();
    Man::new(cmd.clone())
        .title(page.to_uppercase())
        .section("1")
        .date(DATE)
        .source(format!(
            "mcnotify {}",
            cmd.get_version().unwrap_or_default()
        ))
        .manual(MANUAL)
        .render_title(&mut head)
        .expect("writing to a Vec");

    let mut r = Roff::new();
    r.control("SH", ["NAME"]);
    let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
    r.text([roman(format!("{page} - {}", lowercase_first(&about)))]);

    r.control("SH", ["SYNOPSIS"]);
    synopsis(&mut r, cmd, path);

    r.control("SH", ["DESCRIPTION"]);
    let description = cmd
        .get_long_about()
        .or(cmd.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    paragraphs(&mut r, &description, "PP");

    options(&mut r, cmd);

    if visible_subcommands(cmd).next().is_some() {
        r.control("SH", ["COMMANDS"]);
        for sub in visible_subcommands(cmd) {
            r.control("TP", []);
            r.text([bold(sub.get_name())]);
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            r.text([
                roman(format!("{about}; see ")),
                bold(format!("{page}-{}", sub.get_name())),
                roman("(1)."),
            ]);
        }
    }

    let after = cmd
        .get_after_long_help()
        .or(cmd.get_after_help())
        .map(|a| a.to_string())
        .unwrap_or_default();
    let blocks = blocks(&after);
    if let Some(codes) = blocks.iter().find(|(h, _)| h == "Exit codes") {
        exit_status(&mut r, &codes.1);
    }
    environment(&mut r, cmd);
    files(&mut r, cmd);
    if let Some(examples) = blocks.iter().find(|(h, _)| h == "Examples") {
        self::examples(&mut r, &examples.1);
    }
    see_also(&mut r, cmd, path);

    let mut text = String::from_utf8(head).expect("roff is UTF-8");
    // `render` starts with the apostrophe preamble, which the title already carries.
    let body = r.render();
    let body = body
        .split_once(".SH NAME")
        .map(|(_, rest)| format!(".SH NAME{rest}"))
        .unwrap_or(body);
    text.push_str(&body);
    wrap(&text)
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        // An initialism (API) keeps its case.
        Some(c) if !chars.clone().next().is_some_and(char::is_uppercase) => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => s.to_string(),
    }
}

fn synopsis(r: &mut Roff, cmd: &Command, path: &[&str]) {
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    let name = path.join(" ");
    let rest = usage.strip_prefix(name.as_str()).unwrap_or(usage).trim();
    let mut line = vec![bold(name)];
    for word in rest.split(' ').filter(|w| !w.is_empty()) {
        line.push(roman(" "));
        match word.strip_prefix('[').and_then(|w| w.strip_suffix(']')) {
            Some(inner) => line.extend([roman("["), italic(inner), roman("]")]),
            None => line.push(italic(word)),
        }
    }
    r.text(line);
}

/// Paragraphs separated by blank lines, each after the first opened with `mac` (`PP`, or
/// `IP` in the body of a `TP`).
fn paragraphs(r: &mut Roff, text: &str, mac: &str) {
    let paras = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(|p| {
            // Help lines are phrases; on a page they end as sentences.
            if p.ends_with(['.', '!', '?', ':']) {
                p
            } else {
                format!("{p}.")
            }
        });
    for (i, para) in paras.enumerate() {
        if i > 0 {
            r.control(mac, []);
        }
        r.text([roman(para)]);
    }
}

fn options(r: &mut Roff, cmd: &Command) {
    let args: Vec<&Arg> = cmd.get_arguments().filter(|a| !a.is_hide_set()).collect();
    let positionals: Vec<&Arg> = args.iter().copied().filter(|a| a.is_positional()).collect();
    if !positionals.is_empty() {
        r.control("SH", ["ARGUMENTS"]);
        for arg in positionals {
            option(r, arg);
        }
    }
    let flags: Vec<&Arg> = args.into_iter().filter(|a| !a.is_positional()).collect();
    if flags.is_empty() {
        return;
    }
    r.control("SH", ["OPTIONS"]);
    let mut headings: Vec<Option<&str>> = vec![None];
    for arg in &flags {
        if !headings.contains(&arg.get_help_heading()) {
            headings.push(arg.get_help_heading());
        }
    }
    for heading in headings {
        let mut group: Vec<&Arg> = flags
            .iter()
            .copied()
            .filter(|a| a.get_help_heading() == heading)
            .collect();
        group.sort_by_key(|a| a.get_display_order());
        if let Some(heading) = heading {
            r.control("SS", [heading]);
        }
        for arg in group {
            option(r, arg);
        }
    }
}

fn option(r: &mut Roff, arg: &Arg) {
    let mut header = Vec::new();
    if let Some(short) = arg.get_short() {
        header.push(bold(format!("-{short}")));
    }
    if let Some(long) = arg.get_long() {
        if !header.is_empty() {
            header.push(roman(", "));
        }
        header.push(bold(format!("--{long}")));
    }
    let takes_values = arg.get_num_args().is_some_and(|n| n.takes_values());
    if takes_values {
        let names = arg
            .get_value_names()
            .map(|v| v.join(" "))
            .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
        if !header.is_empty() {
            header.push(roman(" "));
        }
        header.push(italic(names));
    }
    if matches!(arg.get_action(), ArgAction::Count) {
        header.push(roman(" ..."));
    }
    r.control("TP", []);
    r.text(header);

    let help = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    paragraphs(r, &help, "IP");

    let values: Vec<_> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .collect();
    let mut facts: Vec<Inline> = Vec::new();
    if !values.is_empty() && values.iter().all(|v| v.get_help().is_none()) {
        facts.push(roman("One of: "));
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                facts.push(roman(", "));
            }
            facts.push(bold(v.get_name()));
        }
        facts.push(roman(". "));
    }
    if let Some(default) = arg.get_default_values().first() {
        if takes_values && !arg.is_hide_default_value_set() {
            facts.push(roman("Default: "));
            facts.push(bold(default.to_string_lossy().into_owned()));
            facts.push(roman(". "));
        }
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        facts.push(roman("Environment: "));
        facts.push(bold(env.to_string_lossy().into_owned()));
        facts.push(roman("."));
    }
    if !facts.is_empty() {
        r.control("IP", []);
        r.text(facts);
    }
    if values.iter().any(|v| v.get_help().is_some()) {
        r.control("RS", []);
        for v in values {
            r.control("TP", []);
            r.text([bold(v.get_name())]);
            let help = v.get_help().map(|h| h.to_string()).unwrap_or_default();
            paragraphs(r, &help, "IP");
        }
        r.control("RE", []);
    }
}

/// The blocks of an after-help text: a line "Heading:" and the lines under it.
fn blocks(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        match line.strip_suffix(':') {
            Some(heading) if !line.starts_with(' ') => out.push((heading.to_string(), vec![])),
            _ => {
                if let Some((_, lines)) = out.last_mut() {
                    lines.push(line.to_string());
                }
            }
        }
    }
    out
}

fn exit_status(r: &mut Roff, lines: &[String]) {
    r.control("SH", ["EXIT STATUS"]);
    for line in lines {
        let Some((code, meaning)) = line.trim().split_once(' ') else {
            continue;
        };
        r.control("TP", []);
        r.text([bold(code)]);
        r.text([roman(upper_first(meaning.trim()))]);
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn has_long(cmd: &Command, long: &str) -> bool {
    cmd.get_arguments()
        .any(|a| !a.is_hide_set() && a.get_long() == Some(long))
}

fn environment(r: &mut Roff, cmd: &Command) {
    let mut entries: Vec<(String, Vec<Inline>)> = Vec::new();
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let (Some(env), Some(long)) = (arg.get_env(), arg.get_long()) else {
            continue;
        };
        entries.push((
            env.to_string_lossy().into_owned(),
            vec![
                roman("The same as "),
                bold(format!("--{long}")),
                roman("; the option wins."),
            ],
        ));
    }
    if has_long(cmd, "api-key-file") {
        for (name, text) in KEY_VARIABLES {
            entries.push((name.to_string(), vec![roman(text)]));
        }
    }
    if has_long(cmd, "color") {
        entries.push((
            "NO_COLOR".to_string(),
            vec![
                roman("When set and not empty, no colour under "),
                bold("--color auto"),
                roman("."),
            ],
        ));
    }
    if has_long(cmd, "config") {
        entries.push((
            "XDG_CONFIG_HOME, XDG_STATE_HOME".to_string(),
            vec![roman(
                "Where the user's config file and the state directory are, instead of \
                 ~/.config and ~/.local/state.",
            )],
        ));
    }
    if entries.is_empty() {
        return;
    }
    r.control("SH", ["ENVIRONMENT"]);
    for (name, text) in entries {
        r.control("TP", []);
        r.text([bold(name)]);
        r.text(text);
    }
}

fn files(r: &mut Roff, cmd: &Command) {
    if !has_long(cmd, "config") {
        return;
    }
    r.control("SH", ["FILES"]);
    let entries: [(&str, &str); 5] = [
        (
            "~/.config/mcnotify/config.toml",
            "The user's config file; see mcnotify-config(5).",
        ),
        (
            "/etc/mcnotify/config.toml",
            "The system-wide config file, read when the user has none.",
        ),
        (
            "~/.local/state/mcnotify/outbox/",
            "Requests kept for a later outbox flush, one JSON file each, never holding the key.",
        ),
        (
            "~/.local/state/mcnotify/outbox/failed/",
            "Requests the API refused for good, with its answer.",
        ),
        (
            "~/.local/state/mcnotify/journal.jsonl",
            "Every API outcome, one JSON line each; check-quota reads its last figures here.",
        ),
    ];
    for (path, text) in entries {
        r.control("TP", []);
        r.text([italic(path)]);
        r.text([roman(text)]);
    }
}

fn examples(r: &mut Roff, lines: &[String]) {
    r.control("SH", ["EXAMPLES"]);
    let mut first = true;
    let mut commands: Vec<String> = Vec::new();
    let flush = |r: &mut Roff, commands: &mut Vec<String>| {
        if commands.is_empty() {
            return;
        }
        r.control("PP", []);
        r.control("RS", ["4"]);
        r.control("nf", []);
        for c in commands.drain(..) {
            r.text([roman(c)]);
        }
        r.control("fi", []);
        r.control("RE", []);
    };
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            flush(r, &mut commands);
        } else if let Some(comment) = line.strip_prefix("# ") {
            flush(r, &mut commands);
            if !std::mem::take(&mut first) {
                r.control("PP", []);
            }
            r.text([roman(format!("{}:", comment.trim_end_matches(':')))]);
        } else {
            commands.push(line.to_string());
        }
    }
    flush(r, &mut commands);
}

fn see_also(r: &mut Roff, cmd: &Command, path: &[&str]) {
    let mut pages: Vec<(String, &str)> = Vec::new();
    for n in 1..path.len() {
        pages.push((path[..n].join("-"), "1"));
    }
    let page = path.join("-");
    for sub in visible_subcommands(cmd) {
        pages.push((format!("{page}-{}", sub.get_name()), "1"));
    }
    pages.push(("mcnotify-config".to_string(), "5"));
    r.control("SH", ["SEE ALSO"]);
    let mut line = Vec::new();
    let count = pages.len();
    for (i, (name, section)) in pages.into_iter().enumerate() {
        line.push(bold(name));
        line.push(roman(format!(
            "({section}){}",
            if i + 1 < count { ", " } else { "" }
        )));
    }
    r.text(line);
}

/// Breaks filled text lines longer than [`WIDTH`] at spaces (roff joins them again); the
/// line after `.TP` (a tag) and no-fill blocks stay as they are.
fn wrap(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut fill = true;
    let mut tag = false;
    for line in text.lines() {
        let control = line.starts_with('.') || line.starts_with('\'');
        if control {
            match line.split_whitespace().next() {
                Some(".nf") => fill = false,
                Some(".fi") => fill = true,
                _ => {}
            }
            tag = line == ".TP";
            out.push_str(line.trim_end());
            out.push('\n');
            continue;
        }
        if !fill || tag || line.len() <= WIDTH {
            tag = false;
            out.push_str(line.trim_end());
            out.push('\n');
            continue;
        }
        let mut current = String::new();
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            if !current.is_empty() && current.len() + 1 + word.len() > WIDTH {
                push_line(&mut out, &current);
                current.clear();
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        push_line(&mut out, &current);
    }
    out
}

fn push_line(out: &mut String, line: &str) {
    if line.starts_with('.') || line.starts_with('\'') {
        out.push_str("\\&");
    }
    out.push_str(line);
    out.push('\n');
}
