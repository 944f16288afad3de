//! Generates, for each spec fix shown by decoding, its target type with and without the fix
//! (`langgraph_sdk_codegen::fix_types`).

use std::{env, fs, path::PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=../openapi.json");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("types.rs");
    let source = fs::read_to_string("../openapi.json")
        .map_err(|e| format!("cannot read openapi.json: {e}"))
        .and_then(|spec| langgraph_sdk_codegen::fix_types::source(&spec).map_err(|p| p.to_string()))
        // A failure here fails the test that uses these types, not the build of the SDK.
        .unwrap_or_else(|e| format!("compile_error!({e:?});"));
    fs::write(&out, source).expect("write the generated types");
}
