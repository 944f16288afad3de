//! Generates the raw bindings (`langgraph_sdk::raw`) from the vendored `openapi.json`.
//!
//! The spec stays byte-for-byte what the server ships; every change it needs is made by the
//! normalizer in `codegen/` (a path dependency, so cargo reruns this script when it changes).
//! A spec the normalizer does not understand fails the build listing every problem, each with
//! the JSON pointer to look at and the table to edit.
//!
//! Each generated operation is also a cfg, `lg_op = "<operation id>"`, so that a test that
//! calls every operation compiles against a spec without one of them and reports it as not
//! covered instead (`tests/live_conformance.rs`).

use std::{env, fs, path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    println!("cargo::rerun-if-changed=openapi.json");
    println!("cargo::rerun-if-changed=build.rs");
    let spec = match fs::read_to_string("openapi.json") {
        Ok(spec) => spec,
        Err(e) => {
            println!("cargo::error=cannot read openapi.json: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("cargo::rustc-check-cfg=cfg(lg_op, values(any()))");
    let generated = match langgraph_sdk_codegen::generate(&spec) {
        Ok(generated) => generated,
        Err(problems) => {
            println!(
                "cargo::error=openapi.json does not generate: {} problem(s), each below",
                problems.len()
            );
            for problem in &problems {
                println!("cargo::error={problem}");
            }
            return ExitCode::FAILURE;
        }
    };
    for id in operation_ids(&generated.normalized) {
        println!("cargo::rustc-cfg=lg_op=\"{id}\"");
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let normalized = serde_json::to_string_pretty(&generated.normalized).unwrap_or_default();
    let writes = [
        (out.join("raw.rs"), generated.code),
        (out.join("openapi.normalized.json"), normalized),
        (out.join("operations.rs"), generated.operations),
    ];
    for (path, contents) in writes {
        if let Err(e) = fs::write(&path, contents) {
            println!("cargo::error=cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// The operation ids of the normalized spec (the names of the generated operations).
fn operation_ids(normalized: &serde_json::Value) -> Vec<String> {
    let paths = normalized.get("paths").and_then(|p| p.as_object());
    paths
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(|item| item.as_object())
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("operationId")?.as_str().map(str::to_string))
        .collect()
}
