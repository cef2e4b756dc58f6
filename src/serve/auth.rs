//! The bridge token check: `Authorization: Bearer TOKEN`, compared in constant time.

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::secret::Token;

/// The token's digest: comparing digests of equal length hides the token's length too.
pub struct Bearer([u8; 32]);

impl Bearer {
    pub fn new(token: &Token) -> Bearer {
        Bearer(Sha256::digest(token.expose().as_bytes()).into())
    }

    /// Whether the request carries the token.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(given) = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, rest) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
            })
        else {
            return false;
        };
        let digest: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        digest.ct_eq(&self.0).into()
    }
}
