//! The types generated with and without each spec fix that is shown by decoding, for
//! `tests/live_spec_fixes.rs` (see `langgraph_sdk_codegen::fix_types`). Test support only.

#![allow(clippy::all, missing_docs, dead_code, unused_imports)]

include!(concat!(env!("OUT_DIR"), "/types.rs"));
