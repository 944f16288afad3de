//! The runtime under a blocking client: a Tokio runtime on a thread of its own, which drives
//! the connections, and a `block_on` that runs a call on the caller's thread.
//!
//! Why this shape (measured; see the `blocking` module docs): the connection pool of a
//! `reqwest` client lives on the runtime its connections were opened on, so a pool shared by
//! many threads needs one runtime that outlives every call. A current-thread runtime per
//! call would leave the pool with connections whose runtime is gone. Each call is polled on
//! the caller's own thread, inside that runtime's context: the calls of many threads decode
//! in parallel, no call waits for a hop to another thread, and a call may borrow from its
//! caller. Tokio's own `Handle::block_on` does the same, but panics when the calling thread
//! is inside any Tokio runtime; this one does not (the caller is blocked, which is what it
//! asked for).

use std::{
    future::Future,
    pin::pin,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll, Wake, Waker},
    thread::{self, Thread},
};

use crate::{Error, Result};

/// A blocking client's runtime, shared by everything made from the client (cheap to clone).
/// The runtime thread ends when the last clone is dropped.
#[derive(Clone, Default)]
pub(crate) struct Runtime(Arc<Shared>);

#[derive(Default)]
struct Shared {
    started: OnceLock<Started>,
    /// Held while the runtime starts, so that it starts once.
    starting: Mutex<()>,
}

struct Started {
    handle: tokio::runtime::Handle,
    /// Dropped with the last clone of the [`Runtime`]: the runtime thread then returns and
    /// drops the runtime on its own thread (never on a caller's, which may be inside another
    /// runtime, where Tokio forbids it).
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("started", &self.0.started.get().is_some())
            .finish()
    }
}

impl Runtime {
    /// A runtime that starts when first needed (by [`start`](Self::start) or a call).
    pub(crate) fn pending() -> Runtime {
        Runtime::default()
    }

    /// Starts the runtime thread, unless it runs already.
    ///
    /// # Errors
    /// [`Error::Config`] when the thread or the runtime cannot be made.
    pub(crate) fn start(&self) -> Result<&tokio::runtime::Handle> {
        if let Some(started) = self.0.started.get() {
            return Ok(&started.handle);
        }
        let _starting = self.0.starting.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(started) = self.0.started.get() {
            return Ok(&started.handle);
        }
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, handle) = std::sync::mpsc::channel();
        thread::Builder::new()
            .name("langgraph-blocking".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => {
                        let _ = ready.send(Ok(runtime.handle().clone()));
                        // Drives the connections (and thread stream sessions) until the
                        // client is gone.
                        runtime.block_on(async {
                            let _ = stopped.await;
                        });
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e.to_string()));
                    }
                }
            })
            .map_err(|e| runtime_error(&e))?;
        let handle = handle
            .recv()
            .map_err(|e| runtime_error(&e))?
            .map_err(|e| runtime_error(&e))?;
        let started = self.0.started.get_or_init(|| Started {
            handle,
            _stop: stop,
        });
        Ok(&started.handle)
    }

    /// Runs `future` to completion on this thread, with the runtime driving its I/O and
    /// timers.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        let handle = match self.start() {
            Ok(handle) => handle,
            // Every blocking value that makes calls comes from a client, whose constructor
            // started the runtime (and reported a failure to start it); only a client builder
            // has a runtime not started yet, and it makes no calls.
            Err(e) => panic!("{e}"),
        };
        let _context = handle.enter();
        // The caller may be a task of another runtime whose cooperative budget is spent:
        // this future must not be made to yield for it, since that runtime cannot run until
        // the future is done.
        let mut future = pin!(tokio::task::unconstrained(future));
        let wake = Arc::new(Unpark {
            thread: thread::current(),
            woken: AtomicBool::new(false),
        });
        let waker = Waker::from(wake.clone());
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
            // Each call has its own flag: a call made from inside another (a callback that
            // makes a call) cannot take the other's wake-up.
            while !wake.woken.swap(false, Ordering::Acquire) {
                thread::park();
            }
        }
    }
}

fn runtime_error(e: &dyn std::fmt::Display) -> Error {
    Error::Config(format!("cannot start the blocking client's runtime: {e}"))
}

/// Wakes the thread blocked on a call.
struct Unpark {
    thread: Thread,
    woken: AtomicBool,
}

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn timers_and_spawned_tasks_run_on_the_runtime_thread() {
        let rt = Runtime::pending();
        let started = Instant::now();
        let name = rt.block_on(async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            tokio::spawn(async { thread::current().name().map(str::to_string) })
                .await
                .unwrap()
        });
        assert!(started.elapsed() >= Duration::from_millis(20));
        assert_eq!(name.as_deref(), Some("langgraph-blocking"));
    }

    #[test]
    fn a_call_inside_a_call_does_not_take_its_wake_up() {
        // The outer call waits for `rx` and, in the same poll, makes an inner call (as a
        // callback may); `rx`'s wake-up comes while the inner call blocks the thread. On a
        // thread of its own, so that a lost wake-up fails the test instead of hanging it.
        let (done, result) = std::sync::mpsc::channel();
        thread::spawn(move || {
            let rt = Runtime::pending();
            let inner = rt.clone();
            let out = rt.block_on(async move {
                let (tx, rx) = tokio::sync::oneshot::channel();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    let _ = tx.send(2);
                });
                let (two, one) = futures_util::future::join(rx, async {
                    inner.block_on(tokio::time::sleep(Duration::from_millis(100)));
                    1
                })
                .await;
                one + two.unwrap()
            });
            let _ = done.send(out);
        });
        let out = result
            .recv_timeout(Duration::from_secs(10))
            .expect("the outer call completes");
        assert_eq!(out, 3);
    }

    #[test]
    fn it_runs_inside_a_task_of_another_runtime_whose_budget_is_spent() {
        // The task of another runtime blocks on this one: no panic, and that task's
        // cooperative budget (spent after ~128 operations) does not starve the call. Run on a
        // thread of its own, so that a starved call fails the test instead of hanging it.
        let (done, result) = std::sync::mpsc::channel();
        thread::spawn(move || {
            let other = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            let received = other.block_on(async {
                let rt = Runtime::pending();
                let received = rt.block_on(async {
                    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
                    for i in 0..1000 {
                        tx.send(i).unwrap();
                    }
                    drop(tx);
                    let mut n = 0;
                    while rx.recv().await.is_some() {
                        n += 1;
                    }
                    n
                });
                drop(rt);
                received
            });
            let _ = done.send(received);
        });
        let received = result
            .recv_timeout(Duration::from_secs(20))
            .expect("the call completes");
        assert_eq!(received, 1000);
    }

    #[test]
    fn the_runtime_ends_with_the_last_clone() {
        /// Says when the task holding it is dropped: when its runtime shuts down.
        struct Gone(std::sync::mpsc::Sender<()>);
        impl Drop for Gone {
            fn drop(&mut self) {
                let _ = self.0.send(());
            }
        }
        let rt = Runtime::pending();
        let (tx, gone) = std::sync::mpsc::channel();
        rt.block_on(async {
            let guard = Gone(tx);
            tokio::spawn(async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            });
        });
        let clone = rt.clone();
        drop(rt);
        assert!(
            gone.recv_timeout(Duration::from_millis(200)).is_err(),
            "a clone keeps it running"
        );
        drop(clone);
        gone.recv_timeout(Duration::from_secs(5))
            .expect("the runtime shut down, dropping its tasks");
    }
}
