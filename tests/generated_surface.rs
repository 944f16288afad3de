//! Locks the generated surface: a changed `openapi.json` (or normalizer) that changes any
//! operation or type fails here until `cargo insta review` accepts the new listing.

use langgraph_sdk_codegen::surface::Surface;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/raw.rs"));
const NORMALIZED: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.normalized.json"));

fn surface() -> Surface {
    let normalized = serde_json::from_str(NORMALIZED).expect("normalized spec is JSON");
    Surface::parse(GENERATED, &normalized).expect("generated code has the builder shape")
}

#[test]
fn generated_surface() {
    insta::assert_snapshot!("generated_surface", surface().render());
}
