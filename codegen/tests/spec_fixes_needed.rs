//! Every entry of `SPEC_FIXES` changes the generated bindings: an entry that another pass
//! makes redundant (the generated code is byte for byte the same without it) is dead and must
//! go. Whether each change is needed is proven against the real server by
//! `tests/live_spec_fixes.rs`.

use langgraph_sdk_codegen::{
    generate, generate_without_fixes,
    passes::{Need, SPEC_FIXES},
};

#[test]
fn every_spec_fix_changes_the_generated_bindings() {
    let spec = include_str!("../../openapi.json");
    let full = generate(spec).expect("the spec generates").code;
    let (mut dead, mut wrong) = (Vec::new(), Vec::new());
    for fix in SPEC_FIXES {
        match generate_without_fixes(spec, &[fix.pointer]) {
            Ok(without) if without.code == full => dead.push(fix.pointer),
            Ok(_) if matches!(fix.need, Need::ForEntry(_)) => wrong.push(fix.pointer),
            Ok(_) | Err(_) => {}
        }
    }
    assert!(
        dead.is_empty(),
        "entries that change nothing in the generated code: {dead:#?}"
    );
    assert!(
        wrong.is_empty(),
        "entries declared needed only to generate, which generate without them: {wrong:#?}"
    );
}
