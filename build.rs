//! Generates the raw bindings (`langgraph_sdk::raw`) from the vendored `openapi.json`.
//!
//! The spec stays byte-for-byte what the server ships; every change it needs is made by the
//! normalizer in `codegen/` (a path dependency, so cargo reruns this script when it changes).
//! A spec the normalizer does not understand fails the build with the JSON pointer to look at.

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
    let generated = match langgraph_sdk_codegen::generate(&spec) {
        Ok(generated) => generated,
        Err(e) => {
            println!("cargo::error={e}");
            return ExitCode::FAILURE;
        }
    };
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
