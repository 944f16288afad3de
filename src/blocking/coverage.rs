//! Every impl block of the async API with public methods is mirrored (`#[mirror]`, so that the
//! blocking API has its methods) or belongs to a data type, listed here, whose `async fn`s have
//! a blocking twin beside them, listed here too. A new builder, handle or stream whose impl
//! block is not mirrored fails this test, and so does an `async fn` added to a data type without
//! its twin; a method added to a mirrored block is in the blocking API without anything else
//! to do.

use std::path::Path;

/// Types whose methods are data accessors or pure helpers, with no I/O: the same values are
/// used by both APIs as they are. (And the crate's own SSE decoder, and the raw layer's
/// hooks: the generated client has no blocking form.)
const DATA: &[&str] = &[
    "AccumulatedMessage",
    "ApiKey",
    "Channel",
    "ChunkMetadata",
    "Command",
    "Decoder",
    "Error",
    "ErrorKind",
    "Event",
    "Hooks",
    "LifecycleStatus",
    "Message",
    "MessageAccumulator",
    "Method",
    "OwnedEvent",
    "Page",
    "ProtocolErrorCode",
    "RequestOptions",
    "RetryPolicy",
    "RunOptions",
    "SseEvent",
    "StreamEvent",
    "StreamMode",
    "ToolCall",
];

/// The `async fn`s of data types, each with the plain `fn` of the same type that does the same
/// for the blocking client: (type, async fn, its blocking twin).
const TWINS: &[(&str, &str, &str)] = &[("MessageAccumulator", "collect", "collect_iter")];

/// One inherent impl block with public methods: where it is, its type, whether it is
/// mirrored.
#[derive(Debug)]
struct Block {
    at: String,
    ty: String,
    mirrored: bool,
    /// Its public `async fn`s and plain `fn`s, by name.
    async_fns: Vec<String>,
    fns: Vec<String>,
}

fn blocks_of(file: &Path, source: &str) -> Vec<Block> {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        if !(code.starts_with("impl ") || code.starts_with("impl<")) {
            continue;
        }
        let head = code.split('{').next().unwrap_or(code);
        if head.contains(" for ") {
            continue; // a trait impl
        }
        let body = block_at(&lines, i);
        let named = |prefix: &str| -> Vec<String> {
            body.iter()
                .filter_map(|l| l.trim_start().strip_prefix(prefix))
                .map(|rest| {
                    let end = rest.find(['(', '<']).unwrap_or(rest.len());
                    rest[..end].trim().to_string()
                })
                .collect()
        };
        let (async_fns, fns) = (named("pub async fn "), named("pub fn "));
        if async_fns.is_empty() && fns.is_empty() {
            continue;
        }
        let mirrored = lines[..i]
            .iter()
            .rev()
            .take_while(|l| {
                let l = l.trim_start();
                l.starts_with("#[") || l.starts_with("//")
            })
            .any(|l| l.contains("blocking::mirror"));
        out.push(Block {
            at: format!("{}:{}", file.display(), i + 1),
            ty: type_of(head),
            mirrored,
            async_fns,
            fns,
        });
    }
    out
}

/// The lines of the block that opens on line `start`, by counting braces outside strings,
/// characters and comments.
fn block_at<'a>(lines: &[&'a str], start: usize) -> Vec<&'a str> {
    let mut depth = 0i32;
    let mut opened = false;
    for (n, line) in lines[start..].iter().enumerate() {
        let mut chars = line.chars().peekable();
        let mut in_string = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' if in_string => {
                    chars.next();
                }
                '"' => in_string = !in_string,
                '/' if !in_string && chars.peek() == Some(&'/') => break,
                '\'' if !in_string => {
                    // A character literal ('{') or a lifetime ('static): skip the literal.
                    let rest: String = chars.clone().take(3).collect();
                    if rest.len() >= 2 && rest.chars().nth(1) == Some('\'') {
                        chars.next();
                        chars.next();
                    }
                }
                '{' if !in_string => {
                    depth += 1;
                    opened = true;
                }
                '}' if !in_string => depth -= 1,
                _ => {}
            }
        }
        if opened && depth == 0 {
            return lines[start..=start + n].to_vec();
        }
    }
    lines[start..].to_vec()
}

/// `SearchThreads` of `impl<T: Bound> SearchThreads<T>`, `$builder` of a macro's template.
fn type_of(head: &str) -> String {
    let mut rest = head.trim_start().trim_start_matches("impl");
    if rest.starts_with('<') {
        let mut depth = 0;
        for (i, c) in rest.char_indices() {
            match c {
                '<' => depth += 1,
                '>' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                rest = &rest[i + 1..];
                break;
            }
        }
    }
    rest.trim()
        .split(|c: char| c == '<' || c.is_whitespace())
        .next()
        .unwrap_or_default()
        .to_string()
}

fn sources(dir: &Path, out: &mut Vec<(std::path::PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            // The blocking API itself.
            if !path.ends_with("blocking") {
                sources(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn every_async_impl_block_is_mirrored_or_data() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let blocks: Vec<Block> = files
        .iter()
        .flat_map(|(path, source)| blocks_of(path.strip_prefix(&src).unwrap(), source))
        .collect();
    let has_twin = |ty: &str, async_fn: &str| {
        TWINS.iter().any(|&(t, a, twin)| {
            t == ty
                && a == async_fn
                && blocks
                    .iter()
                    .any(|b| b.ty == ty && b.fns.iter().any(|f| f == twin))
        })
    };
    let missing: Vec<String> = blocks
        .iter()
        .filter(|b| !b.mirrored)
        .flat_map(|b| {
            let untwinned = b.async_fns.iter().filter(|f| !has_twin(&b.ty, f));
            let listed = DATA.contains(&b.ty.as_str());
            let what = untwinned.map(|f| format!("{} `{}::{f}` (async)", b.at, b.ty));
            (!listed)
                .then(|| format!("{} `impl {}`", b.at, b.ty))
                .into_iter()
                .chain(what)
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "impl blocks with public methods that have no blocking form: add \
         `#[cfg_attr(feature = \"blocking\", crate::blocking::mirror)]` (or, for a data type, \
         list it in src/blocking/coverage.rs, with a blocking twin of each `async fn` in TWINS):\n{}",
        missing.join("\n")
    );
    let stale: Vec<&&str> = DATA
        .iter()
        .filter(|d| !blocks.iter().any(|b| b.ty == **d))
        .collect();
    assert!(stale.is_empty(), "no longer impl blocks of data: {stale:?}");
    let stale: Vec<_> = TWINS
        .iter()
        .filter(|(ty, a, _)| {
            !blocks
                .iter()
                .any(|b| b.ty == *ty && b.async_fns.iter().any(|f| f == a))
        })
        .collect();
    assert!(stale.is_empty(), "no longer async fns of data: {stale:?}");
    let mirrored = blocks.iter().filter(|b| b.mirrored).count();
    // Builders, resource handles, streams, sessions, and the macros that make builders.
    assert!(mirrored > 60, "{mirrored} mirrored impl blocks");
}

#[test]
fn the_scan_finds_blocks_and_their_attribute() {
    let source = r#"
#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl<T: X + 'static> Search<T> {
    /// `{`
    pub fn limit(self) -> Self { let _ = "}"; let _ = '{'; self }
}
impl Data {
    pub(crate) fn hidden(&self) {}
}
impl Other {
    fn private(&self) {}
    pub async fn send(self) {}
}
impl Display for Other {
    pub fn fmt(&self) {}
}
"#;
    let blocks = blocks_of(Path::new("x.rs"), source);
    let found: Vec<(&str, bool, &[String], &[String])> = blocks
        .iter()
        .map(|b| (b.ty.as_str(), b.mirrored, &b.async_fns[..], &b.fns[..]))
        .collect();
    let (none, limit, send) = (
        &[][..],
        &["limit".to_string()][..],
        &["send".to_string()][..],
    );
    assert_eq!(
        found,
        [("Search", true, none, limit), ("Other", false, send, none)]
    );
}
