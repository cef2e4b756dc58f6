//! The journal: an append-only JSON Lines record of every API outcome (never the key).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::quota::{Quota, RateLimit};
use crate::state::private_dir;

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    pub time: String,
    pub base_url: String,
    pub tenant_id: Option<String>,
    /// What was asked: `send` or `probe`.
    pub request: String,
    pub idempotency_key: Option<String>,
    pub outcome: String,
    pub http: Option<u16>,
    pub id: Option<String>,
    pub status: Option<String>,
    pub quota: Option<Quota>,
    pub rate_limit: Option<RateLimit>,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    pub fn new(state_dir: &Path) -> Journal {
        Journal {
            path: state_dir.join("journal.jsonl"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one entry as a single write, so concurrent runs never interleave a line.
    pub fn append(&self, entry: &JournalEntry) -> Result<()> {
        if let Some(dir) = self.path.parent() {
            private_dir(dir)?;
        }
        let mut line = serde_json::to_vec(entry)?;
        line.push(b'\n');
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options
            .open(&self.path)
            .with_context(|| format!("cannot open the journal {}", self.path.display()))?;
        file.write_all(&line)
            .with_context(|| format!("cannot write the journal {}", self.path.display()))
    }
}
