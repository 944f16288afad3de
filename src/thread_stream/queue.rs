//! The buffers between the session's fan-out and its consumers.
//!
//! - [`Queue`]: one per projection, bounded. The fan-out never waits for a consumer: a push
//!   into a full queue ends that projection with [`Error::Lagged`] after the items it holds,
//!   so a consumer that stops reading neither stalls the others nor grows memory.
//! - [`Shared`]: the state of one live handle (a message, a tool call, a subgraph), written by
//!   the fan-out and read by any number of readers, each with its own cursor. It holds what
//!   the handle is (the message's text so far), so it is bounded by the thing itself.
//!
//! Errors are not `Clone`; what ends a queue or a handle is kept as a [`Fault`], which makes
//! a fresh [`Error`] for each reader.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex, MutexGuard},
    task::{Context, Poll, Waker},
};

use crate::{Error, RunError};

/// Why something ended without completing, in a form every reader can get its own copy of.
#[derive(Debug, Clone)]
pub(crate) enum Fault {
    /// The run failed, or a message or tool call reported an error.
    Run(RunError),
    /// The session was closed or dropped.
    Closed,
    /// The connection broke and could not be resumed.
    Lost {
        reason: String,
        last_seq: Option<u64>,
    },
    /// The server refused the event stream (an error status).
    Refused(Arc<crate::ApiError>),
    /// The event stream was answered with a redirect, which is not followed.
    Redirected {
        status: reqwest::StatusCode,
        location: Option<String>,
    },
    /// The event stream was answered with something that is not one.
    NotEventStream {
        status: reqwest::StatusCode,
        content_type: Option<String>,
        excerpt: String,
    },
    /// An event larger than the client's limit.
    TooLarge { limit: usize },
    /// The projection was asked for with invalid input.
    Invalid(String),
    /// The server refused the subscription (on a WebSocket).
    Protocol(super::wire::ProtocolError),
    /// The consumer fell behind by more than the buffer.
    Lagged {
        projection: &'static str,
        capacity: usize,
    },
}

/// The operation named in errors about the shared event stream.
pub(crate) const EVENTS_OPERATION: &str = "protocol_thread_events";

impl Fault {
    /// The fault an error of the event stream leaves (a kind not kept as such is reported
    /// as the loss of the stream, with its text).
    pub(crate) fn from_error(error: Error) -> Fault {
        match error {
            Error::Api(e) => Fault::Refused(Arc::new(*e)),
            Error::Redirect {
                status, location, ..
            } => Fault::Redirected { status, location },
            Error::NotEventStream {
                status,
                content_type,
                excerpt,
                ..
            } => Fault::NotEventStream {
                status,
                content_type,
                excerpt,
            },
            Error::EventTooLarge { limit, .. } => Fault::TooLarge { limit },
            Error::InvalidInput(message) => Fault::Invalid(message),
            Error::Run(e) => Fault::Run(e),
            Error::SessionClosed => Fault::Closed,
            Error::Protocol(e) => Fault::Protocol(*e),
            other => Fault::Lost {
                reason: other.to_string(),
                last_seq: None,
            },
        }
    }

    pub(crate) fn to_error(&self) -> Error {
        match self {
            Fault::Run(e) => Error::Run(e.clone()),
            Fault::Closed => Error::SessionClosed,
            Fault::Lost { reason, last_seq } => Error::StreamLost {
                operation: EVENTS_OPERATION,
                reason: reason.clone(),
                last_event_id: last_seq.map(|s| s.to_string()),
                run_id: None,
            },
            Fault::Refused(e) => Error::Api(Box::new((**e).clone())),
            Fault::Redirected { status, location } => Error::Redirect {
                operation: EVENTS_OPERATION,
                status: *status,
                location: location.clone(),
            },
            Fault::NotEventStream {
                status,
                content_type,
                excerpt,
            } => Error::NotEventStream {
                operation: EVENTS_OPERATION,
                status: *status,
                content_type: content_type.clone(),
                excerpt: excerpt.clone(),
            },
            Fault::TooLarge { limit } => Error::EventTooLarge {
                operation: EVENTS_OPERATION,
                limit: *limit,
            },
            Fault::Invalid(message) => Error::InvalidInput(message.clone()),
            Fault::Protocol(e) => Error::Protocol(Box::new(e.clone())),
            Fault::Lagged {
                projection,
                capacity,
            } => Error::Lagged {
                projection,
                capacity: *capacity,
            },
        }
    }
}

/// The full queue refused an item.
#[derive(Debug)]
pub(crate) struct Full;

/// A bounded single-consumer queue that ends with nothing or with a fault.
#[derive(Debug)]
pub(crate) struct Queue<T> {
    state: Mutex<QueueState<T>>,
    capacity: usize,
}

#[derive(Debug)]
struct QueueState<T> {
    items: VecDeque<T>,
    /// Set once: the queue takes no more items; the fault (if any) follows the items.
    end: Option<Option<Fault>>,
    waker: Option<Waker>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks leaves consistent data (every update is one
    // assignment or push), so a poisoned lock is used as it is.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl<T> Queue<T> {
    pub(crate) fn new(capacity: usize) -> Queue<T> {
        Queue {
            state: Mutex::new(QueueState {
                items: VecDeque::new(),
                end: None,
                waker: None,
            }),
            capacity: capacity.max(1),
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Adds an item; a closed queue drops it.
    pub(crate) fn push(&self, item: T) -> Result<(), Full> {
        let mut state = lock(&self.state);
        if state.end.is_some() {
            return Ok(());
        }
        if state.items.len() >= self.capacity {
            return Err(Full);
        }
        state.items.push_back(item);
        if let Some(w) = state.waker.take() {
            w.wake();
        }
        Ok(())
    }

    /// Ends the queue after the items it holds (the first end wins).
    pub(crate) fn close(&self, fault: Option<Fault>) {
        let mut state = lock(&self.state);
        if state.end.is_none() {
            state.end = Some(fault);
            if let Some(w) = state.waker.take() {
                w.wake();
            }
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        lock(&self.state).end.is_some()
    }

    /// The next item, the fault that ended the queue (once), or the end.
    pub(crate) fn poll_next(&self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error>>> {
        let mut state = lock(&self.state);
        if let Some(item) = state.items.pop_front() {
            return Poll::Ready(Some(Ok(item)));
        }
        match &mut state.end {
            Some(fault) => Poll::Ready(fault.take().map(|f| Err(f.to_error()))),
            None => {
                state.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// State shared between the fan-out (the writer) and any number of readers.
#[derive(Debug)]
pub(crate) struct Shared<S> {
    state: Mutex<Watched<S>>,
}

#[derive(Debug)]
struct Watched<S> {
    value: S,
    wakers: Vec<Waker>,
}

impl<S> Shared<S> {
    pub(crate) fn new(value: S) -> Arc<Shared<S>> {
        Arc::new(Shared {
            state: Mutex::new(Watched {
                value,
                wakers: Vec::new(),
            }),
        })
    }

    /// Changes the state and wakes the readers.
    pub(crate) fn update<R>(&self, change: impl FnOnce(&mut S) -> R) -> R {
        let mut state = lock(&self.state);
        let out = change(&mut state.value);
        for w in state.wakers.drain(..) {
            w.wake();
        }
        out
    }

    /// Reads the state.
    pub(crate) fn read<R>(&self, read: impl FnOnce(&S) -> R) -> R {
        read(&lock(&self.state).value)
    }

    /// `Ready` with what `check` finds, else `Pending` until the next update.
    pub(crate) fn poll<R>(
        &self,
        cx: &mut Context<'_>,
        check: impl FnOnce(&S) -> Option<R>,
    ) -> Poll<R> {
        let mut state = lock(&self.state);
        match check(&state.value) {
            Some(r) => Poll::Ready(r),
            None => {
                if !state.wakers.iter().any(|w| w.will_wake(cx.waker())) {
                    state.wakers.push(cx.waker().clone());
                }
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::task::noop_waker_ref;

    #[test]
    fn a_full_queue_refuses_and_a_fault_follows_the_items() {
        let q = Queue::new(2);
        let cx = &mut Context::from_waker(noop_waker_ref());
        q.push(1).unwrap();
        q.push(2).unwrap();
        assert!(q.push(3).is_err());
        q.close(Some(Fault::Lagged {
            projection: "values",
            capacity: 2,
        }));
        q.push(4).unwrap();
        assert!(matches!(q.poll_next(cx), Poll::Ready(Some(Ok(1)))));
        assert!(matches!(q.poll_next(cx), Poll::Ready(Some(Ok(2)))));
        assert!(matches!(
            q.poll_next(cx),
            Poll::Ready(Some(Err(Error::Lagged { capacity: 2, .. })))
        ));
        assert!(matches!(q.poll_next(cx), Poll::Ready(None)));
    }

    #[test]
    fn an_open_empty_queue_waits() {
        let q: Queue<u8> = Queue::new(1);
        let cx = &mut Context::from_waker(noop_waker_ref());
        assert!(q.poll_next(cx).is_pending());
        q.close(None);
        assert!(matches!(q.poll_next(cx), Poll::Ready(None)));
    }
}
