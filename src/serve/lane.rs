//! The thread deliveries run on: a runtime of its own, so that what a delivery waits for
//! without yielding (the store's calls, a database far away) never holds up the server's
//! accepts, deadlines and answers.

use std::future::Future;
use std::sync::Mutex;
use std::thread;

use anyhow::{Context, Result};
use tokio::runtime::{Builder, Handle};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct Lane {
    handle: Handle,
    stop: Mutex<Option<oneshot::Sender<()>>>,
}

impl Lane {
    /// Start the thread and its runtime.
    pub fn start() -> Result<Lane> {
        let runtime = Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the delivery runtime")?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        thread::Builder::new()
            .name("mcnotify-deliveries".into())
            .spawn(move || {
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            })
            .context("cannot start the delivery thread")?;
        Ok(Lane {
            handle,
            stop: Mutex::new(Some(stop)),
        })
    }

    /// Run `task` on the lane.
    pub fn spawn<F>(&self, task: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(task)
    }

    /// End the lane: what still runs on it is dropped.
    pub fn close(&self) {
        if let Some(stop) = self.stop.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = stop.send(());
        }
    }
}
