//! Help texts joined at compile time, so that building the command-line definitions formats
//! nothing.

/// `a`, a blank line, then `b`, as the bytes of one string of `N` bytes
/// (`a.len() + 2 + b.len()`).
pub const fn join<const N: usize>(a: &str, b: &str) -> [u8; N] {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut out = [0u8; N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    out[i] = b'\n';
    out[i + 1] = b'\n';
    let mut j = 0;
    while j < b.len() {
        out[i + 2 + j] = b[j];
        j += 1;
    }
    out
}

/// Two `&'static str` constants joined by a blank line, as a `&'static str` constant.
macro_rules! concat_help {
    ($a:expr, $b:expr) => {{
        const JOINED: &str = {
            const BYTES: [u8; $a.len() + 2 + $b.len()] = $crate::help_text::join($a, $b);
            match std::str::from_utf8(&BYTES) {
                Ok(text) => text,
                Err(_) => panic!("help texts are UTF-8"),
            }
        };
        JOINED
    }};
}

pub(crate) use concat_help;

#[cfg(test)]
mod tests {
    #[test]
    fn joins_with_a_blank_line() {
        const A: &str = "Examples:\n  mcnotify — preview";
        const B: &str = "Exit codes:\n  0  done";
        assert_eq!(concat_help!(A, B), format!("{A}\n\n{B}"));
    }
}
