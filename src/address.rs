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
    let addr = EmailAddress::parse_with_options(trimmed, options)
        .map_err(|_| format!("{trimmed:?} is not a valid address"))?;
    international(addr.local_part(), addr.domain())
        .map_err(|why| format!("{trimmed:?} is not a usable address ({why})"))
}

/// An internationalised domain goes out in its ASCII form (`xn--…`), which every mail
/// system takes. A local part outside ASCII needs SMTPUTF8 all the way to the mailbox,
/// which MailingCore does not document: refused rather than sent to bounce unseen.
fn international(local: &str, domain: &str) -> Result<String, String> {
    if !local.is_ascii() {
        return Err(
            "the part before the @ is not ASCII, which MailingCore does not document support for; ask for an ASCII address"
                .into(),
        );
    }
    if domain.is_ascii() {
        return Ok(format!("{local}@{domain}"));
    }
    let ascii = idna::domain_to_ascii_strict(domain)
        .map_err(|_| "the domain is not a valid internationalised domain name".to_string())?;
    Ok(format!("{local}@{ascii}"))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn accepts_plain_addresses_only() {
        assert_eq!(parse(" ana@example.com ").unwrap(), "ana@example.com");
        assert_eq!(
            parse("ana@bücher.example").unwrap(),
            "ana@xn--bcher-kva.example"
        );
        assert_eq!(
            parse("ana@xn--bcher-kva.example").unwrap(),
            "ana@xn--bcher-kva.example"
        );
        let err = parse("josé@example.com").unwrap_err();
        assert!(err.contains("not ASCII"), "{err}");
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
