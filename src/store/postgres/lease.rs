//! A claim's lease on outbox entries: renewed while the claimer lives, released when it is
//! dropped. A claimer that dies stops renewing, and the entries are free again once the
//! lease runs out.

use std::sync::{mpsc, Arc};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::session::Session;

/// The entries a claim holds, under one owner name.
#[derive(Debug)]
pub struct Lease {
    session: Arc<Session>,
    owner: String,
    stop: Option<mpsc::Sender<()>>,
    renewer: Option<JoinHandle<()>>,
}

impl Lease {
    /// A new owner name, and the thread that renews its entries every third of `lease`.
    pub(super) fn take(session: Arc<Session>, lease: Duration) -> Lease {
        let owner = format!(
            "{}:{}:{:016x}",
            hostname(),
            std::process::id(),
            fastrand::u64(..)
        );
        let (stop, stopped) = mpsc::channel::<()>();
        let renewing = (session.clone(), owner.clone());
        let seconds = lease.as_secs_f64();
        let renewer = thread::Builder::new()
            .name("mcnotify-lease".into())
            .spawn(move || {
                let (session, owner) = renewing;
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(lease / 3) {
                    let owner = owner.clone();
                    let _ = session.call(move |client| {
                        client.execute(
                            "UPDATE mcnotify_entries
                             SET claimed_until = now() + make_interval(secs => $2)
                             WHERE claimed_by = $1",
                            &[&owner, &seconds],
                        )
                    });
                }
            })
            .ok();
        Lease {
            session,
            owner,
            stop: Some(stop),
            renewer,
        }
    }

    /// The name the claimed rows carry.
    pub fn owner(&self) -> &str {
        &self.owner
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(renewer) = self.renewer.take() {
            let _ = renewer.join();
        }
        let owner = self.owner.clone();
        let _ = self.session.call(move |client| {
            client.execute(
                "UPDATE mcnotify_entries SET claimed_by = NULL, claimed_until = NULL
                 WHERE claimed_by = $1",
                &[&owner],
            )
        });
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into())
}
