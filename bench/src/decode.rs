//! `langgraph-bench decode`: where the time of a stream goes, without the network. The data
//! lines of the stream fixture's 100,000 events, held in memory, are decoded three ways, each
//! timed over all events (median of 5 passes):
//!
//! - `validate`: serde_json only checks the JSON (`IgnoredAny`), the least any client that
//!   looks at the data can do;
//! - `typed`: into this SDK's typed parts, what its stream does with a `messages` event: the
//!   `Message` decoded, the metadata after it kept as its text (a `ChunkMetadata`, which is
//!   read only when asked for). The message goes through serde, the path the SDK's stream
//!   takes when its own scanner for message chunks gives up (that scanner is not public; the
//!   `stream` workload of `langgraph-bench client` times the stream with it);
//! - `tree`: into a generic JSON tree (`serde_json::Value`), the shape the official clients
//!   hand out (they build it with orjson in C and V8's `JSON.parse`).
//!
//! Prints `{"events", "validate_us", "typed_us", "tree_us"}`, microseconds per event.

use std::time::Instant;

use langgraph_sdk::stream::Message;
use serde::de::IgnoredAny;

use crate::fixture::{CACHED_EVENTS, Fixture};

const PASSES: usize = 5;

pub fn run() -> Result<(), Box<dyn std::error::Error>> {
    let fixture = Fixture::new();
    let events = fixture
        .cached(1, CACHED_EVENTS)
        .ok_or("the fixture has no cached events")?;
    let data: Vec<&[u8]> = events
        .split(|&b| b == b'\n')
        .filter_map(|line| line.strip_prefix(b"data: "))
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .collect();
    if data.len() as u64 != CACHED_EVENTS {
        return Err(format!("found {} data lines", data.len()).into());
    }
    // Text first, as the SDK does (one UTF-8 check of the data, then `from_str`).
    let validate = per_event(&data, |d| serde_json::from_str::<IgnoredAny>(d).map(drop))?;
    let typed = per_event(&data, |d| {
        typed_part(d).map(|part| {
            std::hint::black_box(part);
        })
    })?;
    let tree = per_event(&data, |d| {
        serde_json::from_str::<serde_json::Value>(d).map(|value| {
            std::hint::black_box(value);
        })
    })?;
    println!(
        "{}",
        serde_json::json!({
            "events": data.len(),
            "validate_us": validate,
            "typed_us": typed,
            "tree_us": tree,
        })
    );
    Ok(())
}

/// The median over [`PASSES`] passes of the time `decode` takes per event, in µs.
fn per_event(
    data: &[&[u8]],
    decode: impl Fn(&str) -> serde_json::Result<()>,
) -> Result<f64, Box<dyn std::error::Error>> {
    let mut passes = Vec::with_capacity(PASSES);
    for _ in 0..PASSES {
        let started = Instant::now();
        for d in data {
            decode(std::str::from_utf8(std::hint::black_box(d))?)?;
        }
        passes.push(started.elapsed().as_secs_f64() * 1e6 / data.len() as f64);
    }
    passes.sort_by(f64::total_cmp);
    Ok(passes[PASSES / 2])
}

/// `[<message>, <metadata>]` as the SDK's stream reads it: the message decoded, the metadata's
/// text kept (the SDK's `ChunkMetadata` holds it the same way).
fn typed_part(text: &str) -> serde_json::Result<(Box<Message>, Box<str>)> {
    use serde::de::Error;
    let shape = || serde_json::Error::custom("not `[message, metadata]`");
    let inner = text.trim_start().strip_prefix('[').ok_or_else(shape)?;
    let mut items = serde_json::Deserializer::from_str(inner).into_iter::<Box<Message>>();
    let message = items.next().ok_or_else(shape)??;
    let rest = inner[items.byte_offset()..].trim_start();
    let metadata = rest
        .strip_prefix(',')
        .and_then(|r| r.trim_end().strip_suffix(']'))
        .ok_or_else(shape)?;
    Ok((message, metadata.trim().into()))
}
