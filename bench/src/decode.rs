//! `langgraph-bench decode`: where the time of a stream goes, without the network. The data
//! lines of the stream fixture's 100,000 events, held in memory, are decoded three ways, each
//! timed over all events (median of 5 passes):
//!
//! - `validate`: serde_json only checks the JSON (`IgnoredAny`), the least any client that
//!   looks at the data can do;
//! - `typed`: into this SDK's typed parts, what its stream does with each event
//!   ([`SseEvent::to_part`], the same decoding): for a `messages` event the `Message` decoded
//!   and the metadata after it kept as its text (a `ChunkMetadata`, read only when asked for);
//! - `tree`: into a generic JSON tree (`serde_json::Value`), the shape the official clients
//!   hand out (they build it with orjson in C and V8's `JSON.parse`).
//!
//! Prints `{"events", "validate_us", "typed_us", "tree_us"}`, microseconds per event.

use std::time::Instant;

use langgraph_sdk::stream::SseEvent;
use serde::de::IgnoredAny;

use crate::fixture::{CACHED_EVENTS, Fixture};

const PASSES: usize = 5;

type BoxError = Box<dyn std::error::Error>;

pub fn run() -> Result<(), BoxError> {
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
    let text = |decode: fn(&str) -> serde_json::Result<()>| {
        move |d: &&[u8]| -> Result<(), BoxError> { Ok(decode(std::str::from_utf8(d)?)?) }
    };
    let validate = per_event(
        &data,
        text(|d| serde_json::from_str::<IgnoredAny>(d).map(drop)),
    )?;
    // The events as the stream reads them (with their ids), built before the clock starts.
    let events: Vec<SseEvent> = data
        .iter()
        .enumerate()
        .map(|(k, d)| SseEvent::new("messages", d.to_vec(), Some(format!("{}-0", k + 1))))
        .collect();
    let typed = per_event(&events, |event: &SseEvent| -> Result<(), BoxError> {
        std::hint::black_box(event.to_part::<serde_json::Value>()?);
        Ok(())
    })?;
    let tree = per_event(
        &data,
        text(|d| {
            serde_json::from_str::<serde_json::Value>(d).map(|v| drop(std::hint::black_box(v)))
        }),
    )?;
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

/// The median over [`PASSES`] passes of the time `decode` takes per item, in µs.
fn per_event<T>(items: &[T], decode: impl Fn(&T) -> Result<(), BoxError>) -> Result<f64, BoxError> {
    let mut passes = Vec::with_capacity(PASSES);
    for _ in 0..PASSES {
        let started = Instant::now();
        for item in items {
            decode(std::hint::black_box(item))?;
        }
        passes.push(started.elapsed().as_secs_f64() * 1e6 / items.len() as f64);
    }
    passes.sort_by(f64::total_cmp);
    Ok(passes[PASSES / 2])
}
