//! Email address checks, with a real RFC 5321/5322 parser rather than a pattern.

use email_address::{EmailAddress, Options};

/// Why `text` is not a usable single address, or `Ok` with it trimmed.
pub fn parse(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.contains(['\r', '\n']) {
        return Err(format!(
            "{trimmed:?} is not a valid address (it has a line break)"
        ));
    }
    let options = Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    match EmailAddress::parse_with_options(trimmed, options) {
        Ok(addr) => Ok(addr.as_str().to_string()),
        Err(_) => Err(format!("{trimmed:?} is not a valid address")),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn accepts_plain_addresses_only() {
        assert_eq!(parse(" ana@example.com ").unwrap(), "ana@example.com");
        for bad in [
            "ana@",
            "@example.com",
            "ana@example",
            "ana@@example.com",
            "Ana <ana@example.com>",
            "ana@example.com\r\nBcc: x@example.com",
            "ana@[127.0.0.1]",
            "ana example@example.com",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
