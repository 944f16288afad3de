//! The how-to guide scenarios a synchronous program needs (create, wait, stream and join;
//! human in the loop; double texting; the store; crons; pagination; folding message chunks),
//! written once in `scenarios/guide.rs` and run through both clients against the real
//! server: the async client (`async_client::`) and, with the `blocking` feature, the blocking
//! one (`blocking_client::`).
//!
//! The shared code writes `send!(builder)` where the async client says `builder.await` and
//! the blocking one `builder.send()`, `next!(stream)` for the next event (`Result<Option<_>>`),
//! `all!(pages)` for every item of a search, and `eventually!(what, condition)`.

mod common;

use langgraph_sdk::{
    messages::MessageAccumulator,
    runs::{Command, StreamMode},
    stream::StreamPart,
    types::{MultitaskStrategy, RunStatus},
};
use serde_json::{Value, json};

const CHAT_TEXT: &str = "The quick brown fox jumps over the lazy dog, streaming token by token.";

mod async_client {
    use super::*;
    use futures_util::TryStreamExt;

    macro_rules! scenario {
        (fn $name:ident($client:ident) $body:block) => {
            #[tokio::test]
            async fn $name() {
                let $client = common::client();
                $body
            }
        };
    }
    macro_rules! send {
        ($call:expr) => {
            $call.await
        };
    }
    macro_rules! next {
        ($stream:expr) => {
            $stream.try_next().await
        };
    }
    macro_rules! all {
        ($pages:expr) => {
            $pages.try_collect::<Vec<_>>().await
        };
    }
    macro_rules! eventually {
        ($what:expr, $condition:expr) => {
            common::eventually($what, || async { $condition }).await
        };
    }

    include!("scenarios/guide.rs");
}

#[cfg(feature = "blocking")]
mod blocking_client {
    use super::*;

    macro_rules! scenario {
        (fn $name:ident($client:ident) $body:block) => {
            #[test]
            fn $name() {
                let $client = common::blocking_client();
                $body
            }
        };
    }
    macro_rules! send {
        ($call:expr) => {
            $call.send()
        };
    }
    macro_rules! next {
        ($stream:expr) => {
            $stream.next().transpose()
        };
    }
    macro_rules! all {
        ($pages:expr) => {
            $pages.collect::<langgraph_sdk::Result<Vec<_>>>()
        };
    }
    macro_rules! eventually {
        ($what:expr, $condition:expr) => {
            common::eventually_blocking($what, || $condition)
        };
    }

    include!("scenarios/guide.rs");
}
