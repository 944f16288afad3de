//! `cargo xtask update-spec`: replaces the vendored `openapi.json` with the spec of
//! another server version and reports what that changes in the generated surface.
//!
//! Sources (exactly one):
//!
//! - `--version X.Y.Z`: the `openapi.json` at the root of the `langgraph-api==X.Y.Z`
//!   wheel, downloaded with `python3 -m pip download` (interpreter overridable with
//!   `LANGGRAPH_TEST_PYTHON`) and extracted with Python's `zipfile`, written byte for byte.
//!   This is how the vendored file is made; prefer it.
//! - `--url URL`: the spec a running server serves (`URL/openapi.json` unless `URL` ends in
//!   `.json`). The server patches its copy at run time (see [`unpatch`]); those patches
//!   are undone and the result is printed in the wheel's Prettier layout, taking the
//!   one-line-or-expanded choice for each object from the current `openapi.json`. For a
//!   server of the same version this reproduces the wheel's file byte for byte.
//!   `http://` URLs are fetched with a small std-only HTTP/1.1 client, `https://` URLs
//!   with Python's `urllib` (std has no TLS).
//! - `--file PATH`: a spec file, copied byte for byte.
//!
//! The old and the new spec then both go through `langgraph_sdk_codegen::generate` and
//! [`Surface::parse`]; the report is `new.diff(&old)` plus the normalizer's change count.
//! A spec that does not normalize is still written (unless `--dry-run`), so that the
//! normalizer can be fixed against it, and the command fails.

use std::fs;
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use langgraph_sdk_codegen::surface::Surface;

const USAGE: &str = "\
Usage: cargo xtask update-spec (--version X.Y.Z | --url URL | --file PATH) [--dry-run]

Replaces openapi.json at the workspace root and reports what changes in the generated surface.

Options:
  --version X.Y.Z  the openapi.json of the langgraph-api==X.Y.Z wheel (pip download;
                   Python interpreter: $LANGGRAPH_TEST_PYTHON, default python3)
  --url URL        the spec a running server serves (URL/openapi.json unless URL ends in
                   .json), with the server's runtime patches (graph_id enums, servers,
                   security) undone
  --file PATH      a spec file, copied as is
  --dry-run        report only; leave openapi.json untouched
";

const NEXT: &str = "Next: run `cargo test` — the surface snapshot fails on any change; accept it with `cargo insta review`.";

/// Runs `cargo xtask update-spec ARGS` (`args` are what follows `update-spec`).
///
/// # Errors
/// Bad arguments, a failed download or fetch, a source that is not an OpenAPI document,
/// an I/O error, a new spec that does not normalize / generate (it is still written then,
/// unless `--dry-run`), or a served spec that lacks parts of the wheel's (`--url` then
/// reports but does not write).
pub fn run(args: &[String]) -> Result<(), String> {
    let Some(options) = parse_args(args)? else {
        print!("{USAGE}");
        return Ok(());
    };
    let target = workspace_root().join("openapi.json");
    let old = match fs::read(&target) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("reading {}: {e}", target.display())),
    };
    let old_text = old
        .as_deref()
        .map(|b| String::from_utf8_lossy(b).into_owned());

    // What --url undid, and found but cannot undo (the file is not written then).
    let mut unpatched = Unpatched::default();
    let (new, source) = match &options.source {
        Source::Version(version) => (
            fetch_version(version)?,
            format!("the langgraph-api=={version} wheel"),
        ),
        Source::Url(url) => {
            let url = spec_url(url);
            let bytes;
            (bytes, unpatched) = fetch_url(&url, old_text.as_deref())?;
            (bytes, url)
        }
        Source::File(path) => (
            fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?,
            path.display().to_string(),
        ),
    };
    let new_text = String::from_utf8(new).map_err(|e| {
        format!("the spec from {source} is not UTF-8 ({e}); openapi.json left untouched")
    })?;
    let new_tree = json::parse(&new_text).map_err(|e| {
        format!("the spec from {source} is not JSON ({e}); openapi.json left untouched")
    })?;
    if new_tree.get("openapi").is_none() || new_tree.get("paths").is_none() {
        return Err(format!(
            "the document from {source} is not an OpenAPI spec (no `openapi` or `paths`); openapi.json left untouched"
        ));
    }
    println!("New spec: {source} ({} bytes).", new_text.len());
    print_unpatched(&unpatched);
    let cannot_undo = !unpatched.warnings.is_empty();

    if old.as_deref() == Some(new_text.as_bytes()) {
        println!(
            "It is identical to the current {}; nothing to do.",
            target.display()
        );
        return Ok(());
    }
    let old_tree = old_text.as_deref().and_then(|t| json::parse(t).ok());
    if old_tree.as_ref().is_some_and(|o| o.same_json(&new_tree)) {
        println!("Same JSON as the current openapi.json; only the formatting differs.");
    }

    let old_surface = match &old_text {
        None => {
            println!("No current {}: nothing to diff against.", target.display());
            None
        }
        Some(text) => match surface_of(text) {
            Ok(s) => Some(s),
            Err(e) => {
                println!(
                    "The current openapi.json does not generate ({e}): nothing to diff against."
                );
                None
            }
        },
    };
    let new_surface = surface_of(&new_text);
    match &new_surface {
        Ok((surface, changes)) => {
            println!("\nChanges to the generated surface:");
            match &old_surface {
                Some((old_surface, _)) => print!("{}", indent(&surface.diff(old_surface))),
                None => println!(
                    "  {} operations, {} types",
                    surface.operations.len(),
                    surface.types.len()
                ),
            }
            match &old_surface {
                Some((_, old_changes)) => {
                    println!("\nNormalizer: {changes} changes (current spec: {old_changes}).")
                }
                None => println!("\nNormalizer: {changes} changes."),
            }
        }
        Err(e) => println!("\nThe new spec does not generate:\n  {e}"),
    }

    let written = if options.dry_run {
        println!("\nDry run: {} left untouched.", target.display());
        false
    } else if cannot_undo {
        println!(
            "\nNot written: the served spec lacks parts of the wheel's that --url cannot restore (see the warnings above)."
        );
        false
    } else {
        write_atomically(&target, new_text.as_bytes())?;
        println!("\nWrote {} ({} bytes).", target.display(), new_text.len());
        true
    };
    match new_surface {
        Err(e) if written => Err(format!(
            "openapi.json was updated, but it does not generate: {e}\n\
             Fix the normalizer (codegen/src/passes/) for it, then run `cargo test`."
        )),
        _ if cannot_undo => Err(
            "openapi.json not written: the spec this server serves cannot be turned back into \
             the wheel's; use `--version X.Y.Z`"
                .into(),
        ),
        Err(e) => Err(format!(
            "the new spec does not generate: {e} (openapi.json not written)"
        )),
        Ok(_) => {
            if written {
                println!("{NEXT}");
            }
            Ok(())
        }
    }
}

// --------------------------------------------------------------------------
// Arguments
// --------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Version(String),
    Url(String),
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Options {
    source: Source,
    dry_run: bool,
}

/// Parses the arguments; `Ok(None)` asks for the usage text (`-h`, `--help`).
/// Values go either in the next argument or after `=` (`--version=0.16.7`).
fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut source: Option<Source> = None;
    let mut dry_run = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let make: fn(String) -> Source = match flag {
            "-h" | "--help" => return Ok(None),
            "--dry-run" if inline.is_none() => {
                dry_run = true;
                continue;
            }
            "--dry-run" => return Err("`--dry-run` takes no value".into()),
            "--version" => Source::Version,
            "--url" => Source::Url,
            "--file" => |v| Source::File(PathBuf::from(v)),
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        };
        let value = match inline {
            Some(value) => value,
            None => args
                .next()
                .filter(|v| !v.starts_with("--"))
                .cloned()
                .ok_or_else(|| format!("`{flag}` needs a value"))?,
        };
        if value.trim().is_empty() {
            return Err(format!("`{flag}` needs a value"));
        }
        if source.is_some() {
            return Err(format!(
                "give exactly one of --version, --url and --file\n\n{USAGE}"
            ));
        }
        let value = make(value);
        if let Source::Version(version) = &value {
            check_version(version)?;
        }
        source = Some(value);
    }
    let source =
        source.ok_or_else(|| format!("give one of --version, --url and --file\n\n{USAGE}"))?;
    Ok(Some(Options { source, dry_run }))
}

/// A PEP 440 version as pip takes it after `==` (no spaces, operators or markers).
fn check_version(version: &str) -> Result<(), String> {
    let ok = version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+!-_*".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{version}` is not a version (expected e.g. `--version 0.16.7`)"
        ))
    }
}

// --------------------------------------------------------------------------
// Sources
// --------------------------------------------------------------------------

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    dir.parent().unwrap_or(dir).to_path_buf()
}

fn python() -> String {
    std::env::var(langgraph_testbed::PYTHON_ENV)
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "python3".to_owned())
}

/// Prints the wheel's `openapi.json` (argv[1]) to stdout, byte for byte.
const EXTRACT_PY: &str = "\
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    if 'openapi.json' not in wheel.namelist():
        sys.exit('there is no openapi.json at the root of ' + sys.argv[1])
    sys.stdout.buffer.write(wheel.read('openapi.json'))
";

/// Downloads the `langgraph-api==version` wheel and returns its `openapi.json`.
fn fetch_version(version: &str) -> Result<Vec<u8>, String> {
    let dir = TempDir::new()?;
    let python = python();
    eprintln!(
        "update-spec: downloading langgraph-api=={version} with `{python} -m pip download`..."
    );
    run_captured(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                // We only read a file out of the wheel: the local interpreter's version
                // does not matter.
                "--ignore-requires-python",
                "--disable-pip-version-check",
                "--no-input",
                "--quiet",
            ])
            .arg(format!("langgraph-api=={version}"))
            .arg("-d")
            .arg(&dir.0),
        &format!("{python} -m pip download langgraph-api=={version}"),
    )?;
    let wheels: Vec<PathBuf> = fs::read_dir(&dir.0)
        .map_err(|e| format!("reading {}: {e}", dir.0.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("langgraph_api-") && n.ends_with(".whl"))
        })
        .collect();
    let [wheel] = wheels.as_slice() else {
        return Err(format!(
            "expected one langgraph_api-*.whl in {} after pip download, found {}",
            dir.0.display(),
            wheels.len()
        ));
    };
    run_captured(
        Command::new(&python).args(["-c", EXTRACT_PY]).arg(wheel),
        &format!("{python}: extracting openapi.json from {}", wheel.display()),
    )
}

/// Runs a command, returns its stdout; on failure the error quotes its stderr.
fn run_captured(command: &mut Command, what: &str) -> Result<Vec<u8>, String> {
    let output = command.stdin(Stdio::null()).output().map_err(|e| {
        format!(
            "running {what}: {e} (set {} to choose the Python interpreter)",
            langgraph_testbed::PYTHON_ENV
        )
    })?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<String> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| truncate(l, 400))
        .collect();
    let tail = lines[lines.len().saturating_sub(8)..].join("\n  ");
    Err(format!("{what} failed ({}):\n  {tail}", output.status))
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_owned(),
    }
}

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, String> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "langgraph-update-spec-{}-{nanos}",
            std::process::id()
        ));
        fs::create_dir_all(&path).map_err(|e| format!("creating {}: {e}", path.display()))?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("json.update-spec.tmp");
    fs::write(&tmp, bytes)
        .and_then(|()| fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = fs::remove_file(&tmp);
            format!("writing {}: {e}", path.display())
        })
}

/// Generates the code of a spec and reads its surface; also returns the normalizer's
/// change count.
fn surface_of(spec: &str) -> Result<(Surface, usize), String> {
    let generated = langgraph_sdk_codegen::generate(spec).map_err(|e| e.to_string())?;
    let surface = Surface::parse(&generated.code, &generated.normalized)
        .map_err(|e| format!("reading the generated surface: {e}"))?;
    Ok((surface, generated.changes.len()))
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

// --------------------------------------------------------------------------
// --url: fetching and undoing the server's runtime patches
// --------------------------------------------------------------------------

/// `URL` itself if its path ends in `.json`, else `URL/openapi.json`.
fn spec_url(url: &str) -> String {
    let url = url.trim();
    let split = url.find(['?', '#']).unwrap_or(url.len());
    let (base, suffix) = url.split_at(split);
    if base.ends_with(".json") {
        url.to_owned()
    } else {
        format!("{}/openapi.json{suffix}", base.trim_end_matches('/'))
    }
}

/// Fetches the served spec, undoes the runtime patches and prints it in the wheel's
/// layout (see [`json::apply_layout`]), taking the layout hints from `old`.
fn fetch_url(url: &str, old: Option<&str>) -> Result<(Vec<u8>, Unpatched), String> {
    eprintln!("update-spec: fetching {url}...");
    let body = if starts_with_ignore_case(url, "http://") {
        http::get(&http::Url::parse(url)?)?
    } else if starts_with_ignore_case(url, "https://") {
        python_get(url)?
    } else {
        return Err(format!("`{url}`: --url takes an http:// or https:// URL"));
    };
    let text = String::from_utf8(body).map_err(|e| format!("{url} did not return UTF-8: {e}"))?;
    let mut spec = json::parse(&text).map_err(|e| format!("{url} did not return JSON ({e})"))?;
    let old = old.and_then(|t| json::parse(t).ok());
    let unpatched = unpatch(&mut spec, old.as_ref());
    json::apply_layout(&mut spec, old.as_ref());
    Ok((json::to_prettier(&spec).into_bytes(), unpatched))
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Fetches `argv[1]` with urllib and prints the body to stdout (https URLs).
const FETCH_PY: &str = "\
import sys, urllib.request
request = urllib.request.Request(sys.argv[1], headers={'Accept': 'application/json'})
with urllib.request.urlopen(request, timeout=60) as response:
    sys.stdout.buffer.write(response.read())
";

fn python_get(url: &str) -> Result<Vec<u8>, String> {
    let python = python();
    run_captured(
        Command::new(&python).args(["-c", FETCH_PY]).arg(url),
        &format!("{python} urllib GET {url}"),
    )
}

/// What [`unpatch`] undid, and what it found but cannot undo.
#[derive(Debug, Default, PartialEq, Eq)]
struct Unpatched {
    undone: Vec<String>,
    warnings: Vec<String>,
}

fn print_unpatched(unpatched: &Unpatched) {
    if !unpatched.undone.is_empty() {
        println!("Undid the server's runtime patches of its spec:");
        for line in &unpatched.undone {
            println!("  - {line}");
        }
    }
    for line in &unpatched.warnings {
        println!("warning: {line}");
    }
}

/// Undoes what `langgraph_api/api/openapi.py` (`get_openapi_spec`, langgraph-api 0.16.7)
/// does to the wheel's `openapi.json` before serving it:
///
/// - sets `properties.graph_id.enum` of `Assistant`, `AssistantCreate`, `AssistantPatch`,
///   `GraphSchema` and `AssistantSearchRequest` to the deployment's graph ids: `enum`
///   is removed from `properties.graph_id` of every schema (the wheel has none);
/// - appends `servers: [{"url": LANGGRAPH_API_URL}]` (`langgraph dev` always sets it to
///   its own URL; or `MOUNT_PREFIX`): removed;
/// - with LangSmith auth, or custom auth with an `openapi` section: top-level `security`,
///   `components.securitySchemes` and per-operation `security`: removed (the wheel has none).
///
/// It cannot restore what the server deletes or merges in; compared with `old` (the
/// current spec), those are reported as warnings: the `/mcp/` and A2A paths and tags
/// (`http.disable_mcp`, `http.disable_a2a`), the `webhook` properties
/// (`http.disable_webhooks`), and a custom app's spec merged in (`http.app`). `run`
/// does not write the file then.
fn unpatch(spec: &mut json::Node, old: Option<&json::Node>) -> Unpatched {
    let mut out = Unpatched::default();

    let mut enum_schemas = Vec::new();
    let mut enum_values = None;
    if let Some(schemas) = spec
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
    {
        for (name, schema) in schemas.members_mut() {
            let removed = schema
                .get_mut("properties")
                .and_then(|p| p.get_mut("graph_id"))
                .and_then(|g| g.remove("enum"));
            if let Some(values) = removed {
                enum_values.get_or_insert_with(|| values.to_flat());
                enum_schemas.push(json::unquote(name).to_owned());
            }
        }
    }
    if let Some(values) = enum_values {
        out.undone.push(format!(
            "removed the deployment's graph ids `graph_id.enum: {values}` from {}",
            enum_schemas.join(", ")
        ));
    }

    if let Some(servers) = spec.remove("servers") {
        out.undone.push(format!(
            "removed `servers: {}` (the server's own URL: LANGGRAPH_API_URL or MOUNT_PREFIX)",
            servers.to_flat()
        ));
    }

    let mut merged_security = false;
    if let Some(security) = spec.remove("security") {
        let flat = security.to_flat();
        merged_security = flat == "[]";
        out.undone.push(format!(
            "removed top-level `security: {flat}` (auth config)"
        ));
    }
    if let Some(schemes) = spec
        .get_mut("components")
        .and_then(|c| c.remove("securitySchemes"))
    {
        if schemes.members().is_empty() {
            merged_security = true;
        }
        out.undone.push(format!(
            "removed `components.securitySchemes: {}` (auth config)",
            truncate(&schemes.to_flat(), 200)
        ));
    }
    let mut secured = Vec::new();
    if let Some(paths) = spec.get_mut("paths") {
        for (path, item) in paths.members_mut() {
            for (method, operation) in item.members_mut() {
                if operation.remove("security").is_some() {
                    secured.push(format!(
                        "{} {}",
                        json::unquote(method).to_ascii_uppercase(),
                        json::unquote(path)
                    ));
                }
            }
        }
    }
    if !secured.is_empty() {
        out.undone.push(format!(
            "removed per-operation `security` (auth config `openapi.paths`) from {}",
            secured.join(", ")
        ));
    }

    let Some(old) = old else {
        return out;
    };
    const PREFER_VERSION: &str =
        "--url cannot undo that; use `--version X.Y.Z`, which takes the wheel's file as is";
    fn get_path<'a>(spec: &'a json::Node, path: &str) -> Option<&'a json::Node> {
        spec.get("paths").and_then(|p| p.get(path))
    }
    for (what, setting, paths) in [
        ("MCP", "http.disable_mcp", &["/mcp/"][..]),
        (
            "A2A",
            "http.disable_a2a",
            &["/a2a/{assistant_id}", "/.well-known/agent-card.json"][..],
        ),
    ] {
        let missing: Vec<&str> = paths
            .iter()
            .copied()
            .filter(|p| get_path(old, p).is_some() && get_path(spec, p).is_none())
            .collect();
        if !missing.is_empty() {
            out.warnings.push(format!(
                "the current openapi.json has {} but the server does not serve {}: it probably runs with `{setting}`, which removes the {what} paths and tag; {PREFER_VERSION}",
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "them" },
            ));
        }
    }
    let schema = |spec: &json::Node, name: &str| {
        spec.get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(name))
            .and_then(|s| s.get("properties"))
            .map(|p| p.get("webhook").is_some())
    };
    let mut no_webhook = Vec::new();
    if let Some(schemas) = old.get("components").and_then(|c| c.get("schemas")) {
        for (name, _) in schemas.members() {
            let name = json::unquote(name);
            if schema(old, name) == Some(true) && schema(spec, name) == Some(false) {
                no_webhook.push(name.to_owned());
            }
        }
    }
    if !no_webhook.is_empty() {
        out.warnings.push(format!(
            "the served {} lack the `webhook` property the current openapi.json has: the server probably runs with `http.disable_webhooks`; {PREFER_VERSION}",
            no_webhook.join(", ")
        ));
    }
    let old_components = old.get("components");
    let empty_components: Vec<&str> = spec
        .get("components")
        .map(|c| c.members())
        .unwrap_or_default()
        .iter()
        .filter(|(k, v)| {
            v.members().is_empty()
                && matches!(v, json::Node::Object { .. })
                && old_components
                    .and_then(|c| c.get(json::unquote(k)))
                    .is_none()
        })
        .map(|(k, _)| json::unquote(k))
        .collect();
    if merged_security || !empty_components.is_empty() {
        out.warnings.push(format!(
            "the served spec looks merged with a custom app's OpenAPI spec (`http.app`){}: its extra paths and components and the changed key order stay; {PREFER_VERSION}",
            if empty_components.is_empty() {
                String::new()
            } else {
                format!(" (empty components: {})", empty_components.join(", "))
            }
        ));
    }
    out
}

// --------------------------------------------------------------------------
// A minimal HTTP/1.1 client (http:// only)
// --------------------------------------------------------------------------

mod http {
    use super::*;

    /// An `http://` URL split for a request.
    #[derive(Debug, PartialEq, Eq)]
    pub struct Url {
        /// Host to connect to (IPv6 without brackets).
        pub host: String,
        pub port: u16,
        /// The `Host` header: the authority as written.
        pub authority: String,
        /// Path and query, starting with `/`; no fragment.
        pub target: String,
    }

    impl Url {
        pub fn parse(url: &str) -> Result<Url, String> {
            let bad = |why: &str| format!("`{url}`: {why}");
            let rest = url
                .get(..7)
                .filter(|s| s.eq_ignore_ascii_case("http://"))
                .map(|_| &url[7..])
                .ok_or_else(|| bad("not an http:// URL"))?;
            let rest = rest.split('#').next().unwrap_or_default();
            let (authority, target) = match rest.find(['/', '?']) {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, "/"),
            };
            let target = if target.starts_with('?') {
                format!("/{target}")
            } else {
                target.to_owned()
            };
            if authority.contains('@') {
                return Err(bad("user info in URLs is not supported"));
            }
            let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
                let (host, after) = v6
                    .split_once(']')
                    .ok_or_else(|| bad("unclosed `[` in the host"))?;
                match after {
                    "" => (host, None),
                    _ => (
                        host,
                        Some(after.strip_prefix(':').ok_or_else(|| bad("bad port"))?),
                    ),
                }
            } else {
                match authority.rsplit_once(':') {
                    Some((host, port)) => (host, Some(port)),
                    None => (authority, None),
                }
            };
            if host.is_empty() {
                return Err(bad("no host"));
            }
            let port = match port {
                None | Some("") => 80,
                Some(p) => p.parse::<u16>().map_err(|_| bad("bad port"))?,
            };
            Ok(Url {
                host: host.to_owned(),
                port,
                authority: authority.to_owned(),
                target,
            })
        }
    }

    impl std::fmt::Display for Url {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "http://{}{}", self.authority, self.target)
        }
    }

    /// `GET url` (HTTP/1.1, `Connection: close`); the body of a 200 response.
    pub fn get(url: &Url) -> Result<Vec<u8>, String> {
        let addrs = (url.host.as_str(), url.port)
            .to_socket_addrs()
            .map_err(|e| format!("resolving {}: {e}", url.host))?;
        let mut last_error = None;
        let mut stream = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, Duration::from_secs(10)) {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) => last_error = Some(e),
            }
        }
        let mut stream = stream.ok_or_else(|| match last_error {
            Some(e) => format!("connecting to {url}: {e} (is the server running?)"),
            None => format!("{} resolves to no address", url.host),
        })?;
        let io_error = |e: io::Error| format!("GET {url}: {e}");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(io_error)?;
        stream
            .set_write_timeout(Some(Duration::from_secs(60)))
            .map_err(io_error)?;
        write!(
            stream,
            "GET {} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\nAccept-Encoding: identity\r\nUser-Agent: langgraph-sdk-xtask\r\nConnection: close\r\n\r\n",
            url.target, url.authority
        )
        .map_err(io_error)?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).map_err(io_error)?;
        let response = Response::parse(&raw).map_err(|e| format!("GET {url}: {e}"))?;
        match response.status {
            200 => Ok(response.body),
            300..=399 => Err(format!(
                "GET {url}: HTTP {} {}, redirected to {}; pass that URL to --url",
                response.status,
                response.reason,
                response.header("location").unwrap_or("?")
            )),
            status => Err(format!(
                "GET {url}: HTTP {status} {}: {}",
                response.reason,
                truncate(String::from_utf8_lossy(&response.body).trim(), 300)
            )),
        }
    }

    /// A complete HTTP/1.x response, its body decoded from its framing.
    #[derive(Debug, PartialEq, Eq)]
    pub struct Response {
        pub status: u16,
        pub reason: String,
        /// Names in lower case.
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
    }

    impl Response {
        /// Parses a whole response read until the server closed the connection:
        /// the body is framed by `Transfer-Encoding: chunked`, `Content-Length`, or the end.
        pub fn parse(raw: &[u8]) -> Result<Response, String> {
            let end = find(raw, b"\r\n\r\n", 0).ok_or("truncated response (no end of headers)")?;
            let head =
                std::str::from_utf8(&raw[..end]).map_err(|_| "response headers are not UTF-8")?;
            let rest = &raw[end + 4..];
            let mut lines = head.split("\r\n");
            let status_line = lines.next().unwrap_or_default();
            let mut parts = status_line.splitn(3, ' ');
            let version = parts.next().unwrap_or_default();
            let status = parts
                .next()
                .and_then(|s| s.parse::<u16>().ok())
                .filter(|_| version.starts_with("HTTP/1."))
                .ok_or_else(|| format!("malformed status line `{status_line}`"))?;
            let reason = parts.next().unwrap_or_default().to_owned();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            let mut response = Response {
                status,
                reason,
                headers,
                body: Vec::new(),
            };
            if let Some(encoding) = response.header("content-encoding")
                && !encoding.eq_ignore_ascii_case("identity")
            {
                return Err(format!("unsupported Content-Encoding `{encoding}`"));
            }
            let chunked = response.header("transfer-encoding").is_some_and(|te| {
                te.rsplit(',')
                    .next()
                    .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"))
            });
            response.body = if chunked {
                decode_chunked(rest)?
            } else if let Some(length) = response.header("content-length") {
                let length: usize = length
                    .parse()
                    .map_err(|_| format!("bad Content-Length `{length}`"))?;
                if rest.len() < length {
                    return Err(format!("truncated body: {} of {length} bytes", rest.len()));
                }
                rest[..length].to_vec()
            } else {
                rest.to_vec()
            };
            Ok(response)
        }

        /// The first header named `name` (lower case).
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }
    }

    /// Decodes a `Transfer-Encoding: chunked` body (chunk extensions and trailers ignored).
    pub fn decode_chunked(data: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            let line_end = find(data, b"\r\n", pos).ok_or("truncated chunked body")?;
            let line =
                std::str::from_utf8(&data[pos..line_end]).map_err(|_| "bad chunk size line")?;
            let size_text = line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| format!("bad chunk size `{size_text}`"))?;
            pos = line_end + 2;
            if size == 0 {
                return Ok(out);
            }
            let chunk_end = pos
                .checked_add(size)
                .filter(|&e| e.checked_add(2).is_some_and(|e2| e2 <= data.len()))
                .ok_or("truncated chunked body")?;
            if &data[chunk_end..chunk_end + 2] != b"\r\n" {
                return Err("chunk not followed by CRLF".into());
            }
            out.extend_from_slice(&data[pos..chunk_end]);
            pos = chunk_end + 2;
        }
    }

    fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
        haystack
            .get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    }
}

// --------------------------------------------------------------------------
// JSON that keeps key order, tokens and layout
// --------------------------------------------------------------------------

mod json {
    /// A JSON value as written: key order, and each string, number and literal token
    /// kept verbatim, so that printing it again changes nothing but whitespace.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Node {
        /// A string (with its quotes and escapes), number, `true`, `false` or `null`.
        Scalar(String),
        Array(Vec<Node>),
        Object {
            /// Keys are string tokens, quotes included.
            members: Vec<(String, Node)>,
            /// Printed one member per line even if it would fit on one line: Prettier
            /// keeps an object expanded when the source has a newline between `{` and its
            /// first key.
            expanded: bool,
        },
    }

    /// `"name"` → `name` (a key token without its quotes; escapes are left as they are).
    pub fn unquote(key: &str) -> &str {
        key.strip_prefix('"')
            .and_then(|k| k.strip_suffix('"'))
            .unwrap_or(key)
    }

    impl Node {
        /// The member named `key` (compared with the key as written, without quotes).
        pub fn get(&self, key: &str) -> Option<&Node> {
            self.members()
                .iter()
                .find(|(k, _)| unquote(k) == key)
                .map(|(_, v)| v)
        }

        pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
            self.members_mut()
                .iter_mut()
                .find(|(k, _)| unquote(k) == key)
                .map(|(_, v)| v)
        }

        /// Removes the member named `key`, keeping the order of the others.
        pub fn remove(&mut self, key: &str) -> Option<Node> {
            let Node::Object { members, .. } = self else {
                return None;
            };
            let i = members.iter().position(|(k, _)| unquote(k) == key)?;
            Some(members.remove(i).1)
        }

        /// The members of an object; empty for anything else.
        pub fn members(&self) -> &[(String, Node)] {
            match self {
                Node::Object { members, .. } => members,
                _ => &[],
            }
        }

        /// The members of an object; empty for anything else.
        pub fn members_mut(&mut self) -> &mut [(String, Node)] {
            match self {
                Node::Object { members, .. } => members,
                _ => &mut [],
            }
        }

        /// Whether both are the same JSON, token for token and in the same key order
        /// (layout aside).
        pub fn same_json(&self, other: &Node) -> bool {
            match (self, other) {
                (Node::Scalar(a), Node::Scalar(b)) => a == b,
                (Node::Array(a), Node::Array(b)) => {
                    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_json(y))
                }
                (Node::Object { members: a, .. }, Node::Object { members: b, .. }) => {
                    a.len() == b.len()
                        && a.iter()
                            .zip(b)
                            .all(|((ka, va), (kb, vb))| ka == kb && va.same_json(vb))
                }
                _ => false,
            }
        }

        /// On one line, Prettier style: `{ "a": 1 }`, `[1, 2]`.
        pub fn to_flat(&self) -> String {
            let mut out = String::new();
            write_flat(self, &mut out);
            out
        }
    }

    pub fn parse(text: &str) -> Result<Node, String> {
        let mut parser = Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        };
        parser.whitespace();
        let node = parser.value(0)?;
        parser.whitespace();
        if parser.pos < text.len() {
            return Err(parser.error("trailing characters"));
        }
        Ok(node)
    }

    struct Parser<'a> {
        text: &'a str,
        bytes: &'a [u8],
        pos: usize,
    }

    impl Parser<'_> {
        fn error(&self, what: &str) -> String {
            let before = &self.text.as_bytes()[..self.pos.min(self.text.len())];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let column = self.pos
                - before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1)
                + 1;
            format!("{what} at line {line}, column {column}")
        }

        fn peek(&self) -> Option<u8> {
            self.bytes.get(self.pos).copied()
        }

        fn whitespace(&mut self) {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.pos += 1;
            }
        }

        fn eat(&mut self, byte: u8) -> bool {
            let found = self.peek() == Some(byte);
            if found {
                self.pos += 1;
            }
            found
        }

        fn expect(&mut self, byte: u8) -> Result<(), String> {
            if self.eat(byte) {
                Ok(())
            } else {
                Err(self.error(&format!("expected `{}`", byte as char)))
            }
        }

        fn value(&mut self, depth: usize) -> Result<Node, String> {
            if depth > 256 {
                return Err(self.error("nesting too deep"));
            }
            match self.peek() {
                Some(b'{') => {
                    let start = self.pos;
                    self.pos += 1;
                    self.whitespace();
                    let mut members = Vec::new();
                    if self.eat(b'}') {
                        return Ok(Node::Object {
                            members,
                            expanded: false,
                        });
                    }
                    let expanded = self.text[start..self.pos].contains('\n');
                    loop {
                        if self.peek() != Some(b'"') {
                            return Err(self.error("expected a string key"));
                        }
                        let key = self.string()?;
                        self.whitespace();
                        self.expect(b':')?;
                        self.whitespace();
                        let value = self.value(depth + 1)?;
                        members.push((key, value));
                        self.whitespace();
                        if self.eat(b',') {
                            self.whitespace();
                            continue;
                        }
                        self.expect(b'}')?;
                        return Ok(Node::Object { members, expanded });
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.whitespace();
                    let mut items = Vec::new();
                    if self.eat(b']') {
                        return Ok(Node::Array(items));
                    }
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.whitespace();
                        if self.eat(b',') {
                            self.whitespace();
                            continue;
                        }
                        self.expect(b']')?;
                        return Ok(Node::Array(items));
                    }
                }
                Some(b'"') => Ok(Node::Scalar(self.string()?)),
                Some(b'-' | b'0'..=b'9') => self.number(),
                Some(_) => {
                    for literal in ["true", "false", "null"] {
                        if self.text[self.pos..].starts_with(literal) {
                            self.pos += literal.len();
                            return Ok(Node::Scalar(literal.to_owned()));
                        }
                    }
                    Err(self.error("unexpected character"))
                }
                None => Err(self.error("unexpected end")),
            }
        }

        fn string(&mut self) -> Result<String, String> {
            let start = self.pos;
            self.pos += 1;
            loop {
                match self.peek() {
                    None => return Err(self.error("unterminated string")),
                    Some(b'"') => {
                        self.pos += 1;
                        return Ok(self.text[start..self.pos].to_owned());
                    }
                    Some(b'\\') => match self.bytes.get(self.pos + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 2;
                        }
                        Some(b'u')
                            if self
                                .bytes
                                .get(self.pos + 2..self.pos + 6)
                                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
                        {
                            self.pos += 6;
                        }
                        _ => return Err(self.error("invalid escape")),
                    },
                    Some(0..0x20) => return Err(self.error("control character in a string")),
                    Some(_) => self.pos += 1,
                }
            }
        }

        fn number(&mut self) -> Result<Node, String> {
            let start = self.pos;
            self.eat(b'-');
            if !self.eat(b'0') && self.digits() == 0 {
                return Err(self.error("bad number"));
            }
            if self.eat(b'.') && self.digits() == 0 {
                return Err(self.error("bad number"));
            }
            if self.eat(b'e') || self.eat(b'E') {
                let _ = self.eat(b'+') || self.eat(b'-');
                if self.digits() == 0 {
                    return Err(self.error("bad number"));
                }
            }
            Ok(Node::Scalar(self.text[start..self.pos].to_owned()))
        }

        fn digits(&mut self) -> usize {
            let start = self.pos;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.pos += 1;
            }
            self.pos - start
        }
    }

    /// Copies the layout of `old` (the spec being replaced) onto `node`, member by
    /// member: an object stays on one line (when it fits) only where `old` has a
    /// non-empty one-line object at the same place; every other object is expanded, as
    /// 1869 of the 1893 objects of the langgraph-api 0.16.7 spec are.
    pub fn apply_layout(node: &mut Node, old: Option<&Node>) {
        match node {
            Node::Scalar(_) => {}
            Node::Array(items) => {
                let old_items = match old {
                    Some(Node::Array(o)) => o.as_slice(),
                    _ => &[],
                };
                for (i, item) in items.iter_mut().enumerate() {
                    apply_layout(item, old_items.get(i));
                }
            }
            Node::Object { members, expanded } => {
                *expanded = match old {
                    Some(Node::Object {
                        members: m,
                        expanded: e,
                    }) if !m.is_empty() => *e,
                    _ => true,
                };
                for (key, value) in members {
                    let old_value = old
                        .map(Node::members)
                        .unwrap_or_default()
                        .iter()
                        .find(|(k, _)| k.as_str() == key.as_str())
                        .map(|(_, v)| v);
                    apply_layout(value, old_value);
                }
            }
        }
    }

    const WIDTH: usize = 80;

    /// Prints `node` as Prettier 3 prints a `.json` file (print width 80, 2 spaces, a
    /// final newline): a group goes on one line if it fits (trailing comma included) and
    /// nothing forces it to break; an expanded object ([`Node::Object::expanded`]) and an
    /// array of several objects (or arrays) with more than one member each always break,
    /// and so does everything around them.
    ///
    /// Not reproduced: Prettier's `fill` of broken number-only arrays (printed one per
    /// line here) and its East Asian double width (widths are counted in chars).
    pub fn to_prettier(node: &Node) -> String {
        let mut out = String::new();
        write(node, 0, 0, 0, &mut out);
        out.push('\n');
        out
    }

    fn width(text: &str) -> usize {
        text.chars().count()
    }

    /// An array Prettier always breaks.
    fn forced_break(items: &[Node]) -> bool {
        let big = |n: &Node| match n {
            Node::Array(a) => a.len() > 1,
            Node::Object { members, .. } => members.len() > 1,
            Node::Scalar(_) => false,
        };
        items.len() > 1
            && items.iter().all(big)
            && items.windows(2).all(|w| {
                matches!(
                    w,
                    [Node::Array(_), Node::Array(_)] | [Node::Object { .. }, Node::Object { .. }]
                )
            })
    }

    /// The width of `node` on one line, or `None` if it must break.
    fn flat_width(node: &Node) -> Option<usize> {
        match node {
            Node::Scalar(s) => Some(width(s)),
            Node::Array(items) if items.is_empty() => Some(2),
            Node::Array(items) => {
                if forced_break(items) {
                    return None;
                }
                items
                    .iter()
                    .try_fold(2 * items.len(), |w, item| Some(w + flat_width(item)?))
            }
            Node::Object { members, .. } if members.is_empty() => Some(2),
            Node::Object { expanded: true, .. } => None,
            Node::Object { members, .. } => {
                members.iter().try_fold(2 + 4 * members.len(), |w, (k, v)| {
                    Some(w + width(k) + flat_width(v)?)
                })
            }
        }
    }

    fn write_flat(node: &Node, out: &mut String) {
        match node {
            Node::Scalar(s) => out.push_str(s),
            Node::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_flat(item, out);
                }
                out.push(']');
            }
            Node::Object { members, .. } if members.is_empty() => out.push_str("{}"),
            Node::Object { members, .. } => {
                out.push_str("{ ");
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(key);
                    out.push_str(": ");
                    write_flat(value, out);
                }
                out.push_str(" }");
            }
        }
    }

    /// Writes `node` starting at `column` of a line indented `depth` levels, followed on
    /// that line by `trailing` more characters (a comma).
    fn write(node: &Node, depth: usize, column: usize, trailing: usize, out: &mut String) {
        if matches!(node, Node::Scalar(_))
            || flat_width(node).is_some_and(|w| column + w + trailing <= WIDTH)
        {
            write_flat(node, out);
            return;
        }
        let pad = "  ".repeat(depth + 1);
        let (open, close, count) = match node {
            Node::Array(items) => ('[', ']', items.len()),
            Node::Object { members, .. } => ('{', '}', members.len()),
            Node::Scalar(_) => unreachable!("a scalar always has a flat width"),
        };
        out.push(open);
        for i in 0..count {
            out.push('\n');
            out.push_str(&pad);
            let comma = usize::from(i + 1 < count);
            match node {
                Node::Array(items) => write(&items[i], depth + 1, pad.len(), comma, out),
                Node::Object { members, .. } => {
                    let (key, value) = &members[i];
                    out.push_str(key);
                    out.push_str(": ");
                    write(value, depth + 1, pad.len() + width(key) + 2, comma, out);
                }
                Node::Scalar(_) => unreachable!(),
            }
            if comma == 1 {
                out.push(',');
            }
        }
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
        out.push(close);
    }
}

// --------------------------------------------------------------------------
// Tests
// --------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn options(list: &[&str]) -> Result<Option<Options>, String> {
        parse_args(&args(list))
    }

    #[test]
    fn parses_each_source() {
        assert_eq!(
            options(&["--version", "0.16.7"]),
            Ok(Some(Options {
                source: Source::Version("0.16.7".into()),
                dry_run: false
            }))
        );
        assert_eq!(
            options(&["--dry-run", "--version=0.17.0rc1"]),
            Ok(Some(Options {
                source: Source::Version("0.17.0rc1".into()),
                dry_run: true
            }))
        );
        assert_eq!(
            options(&["--url", "http://127.0.0.1:2024", "--dry-run"]),
            Ok(Some(Options {
                source: Source::Url("http://127.0.0.1:2024".into()),
                dry_run: true
            }))
        );
        assert_eq!(
            options(&["--url=http://h/x.json?a=b"]),
            Ok(Some(Options {
                source: Source::Url("http://h/x.json?a=b".into()),
                dry_run: false
            }))
        );
        assert_eq!(
            options(&["--file", "/tmp/spec.json"]),
            Ok(Some(Options {
                source: Source::File("/tmp/spec.json".into()),
                dry_run: false
            }))
        );
        assert_eq!(options(&["--help"]), Ok(None));
        assert_eq!(options(&["--version", "1", "-h"]), Ok(None));
    }

    #[test]
    fn rejects_bad_arguments() {
        let err = |list: &[&str]| options(list).unwrap_err();
        assert!(err(&[]).starts_with("give one of"));
        assert!(err(&["--dry-run"]).starts_with("give one of"));
        assert!(err(&["--version", "1", "--file", "x"]).starts_with("give exactly one"));
        assert!(err(&["--url", "a", "--url", "b"]).starts_with("give exactly one"));
        assert_eq!(err(&["--version"]), "`--version` needs a value");
        assert_eq!(err(&["--file", "--dry-run"]), "`--file` needs a value");
        assert_eq!(err(&["--url="]), "`--url` needs a value");
        assert_eq!(err(&["--dry-run=yes"]), "`--dry-run` takes no value");
        assert!(err(&["0.16.7"]).starts_with("unknown argument `0.16.7`"));
        assert!(err(&["--verbose"]).starts_with("unknown argument `--verbose`"));
        assert!(err(&["--version", ">=0.16"]).contains("is not a version"));
        assert!(err(&["--version", "0.16.7; rm"]).contains("is not a version"));
        assert!(err(&["--version", "latest"]).contains("is not a version"));
    }

    #[test]
    fn spec_url_appends_openapi_json() {
        assert_eq!(
            spec_url("http://127.0.0.1:2024"),
            "http://127.0.0.1:2024/openapi.json"
        );
        assert_eq!(spec_url("http://h:1/"), "http://h:1/openapi.json");
        assert_eq!(spec_url("http://h/base//"), "http://h/base/openapi.json");
        assert_eq!(
            spec_url("https://h/x/openapi.json"),
            "https://h/x/openapi.json"
        );
        assert_eq!(spec_url("http://h/spec.json?v=1"), "http://h/spec.json?v=1");
        assert_eq!(
            spec_url("http://h/api?v=1"),
            "http://h/api/openapi.json?v=1"
        );
    }

    #[test]
    fn parses_http_urls() {
        let url = http::Url::parse("http://127.0.0.1:2024/openapi.json").unwrap();
        assert_eq!(
            url,
            http::Url {
                host: "127.0.0.1".into(),
                port: 2024,
                authority: "127.0.0.1:2024".into(),
                target: "/openapi.json".into()
            }
        );
        assert_eq!(url.to_string(), "http://127.0.0.1:2024/openapi.json");
        let url = http::Url::parse("HTTP://[::1]:8123/a.json?x=1#frag").unwrap();
        assert_eq!((url.host.as_str(), url.port), ("::1", 8123));
        assert_eq!(url.authority, "[::1]:8123");
        assert_eq!(url.target, "/a.json?x=1");
        let url = http::Url::parse("http://example.com").unwrap();
        assert_eq!((url.port, url.target.as_str()), (80, "/"));
        assert_eq!(http::Url::parse("http://h?q").unwrap().target, "/?q");
        assert!(http::Url::parse("https://h/").is_err());
        assert!(http::Url::parse("http://:80/").is_err());
        assert!(http::Url::parse("http://h:99999/").is_err());
        assert!(http::Url::parse("http://u:p@h/").is_err());
        assert!(http::Url::parse("http://[::1/").is_err());
    }

    #[test]
    fn decodes_chunked_bodies() {
        assert_eq!(
            http::decode_chunked(
                b"4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\n"
            ),
            Ok(b"Wikipedia in \r\n\r\nchunks.".to_vec())
        );
        assert_eq!(http::decode_chunked(b"0\r\n\r\n"), Ok(Vec::new()));
        assert!(http::decode_chunked(b"5\r\nabc").is_err());
        assert!(http::decode_chunked(b"3\r\nabcd\r\n0\r\n\r\n").is_err());
        assert!(http::decode_chunked(b"zz\r\n").is_err());
        assert!(http::decode_chunked(b"ffffffffffffffff\r\nx\r\n").is_err());
        assert!(http::decode_chunked(b"3\r\nabc\r\n").is_err());
    }

    #[test]
    fn parses_http_responses() {
        let r = http::Response::parse(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}junk",
        )
        .unwrap();
        assert_eq!((r.status, r.reason.as_str()), (200, "OK"));
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.body, b"{}");
        let r = http::Response::parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n1\r\n}\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.body, b"{}");
        let r = http::Response::parse(b"HTTP/1.0 404 Not Found\r\n\r\nnope").unwrap();
        assert_eq!((r.status, r.body.as_slice()), (404, &b"nope"[..]));
        assert!(http::Response::parse(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}").is_err());
        assert!(
            http::Response::parse(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n").is_err()
        );
        assert!(http::Response::parse(b"HTTP/1.1 200 OK\r\n").is_err());
        assert!(http::Response::parse(b"SSH-2.0\r\n\r\n").is_err());
    }

    /// One-shot HTTP server on a loopback port answering with `response`; returns the URL
    /// and a handle yielding the request it received.
    fn serve_once(response: &'static [u8]) -> (String, std::thread::JoinHandle<String>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = Vec::new();
            let mut buf = [0; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let n = stream.read(&mut buf).unwrap();
                assert!(n > 0);
                request.extend_from_slice(&buf[..n]);
            }
            // Written in pieces, as a server streaming a chunked body would.
            for piece in response.chunks(7) {
                stream.write_all(piece).unwrap();
                stream.flush().unwrap();
            }
            String::from_utf8(request).unwrap()
        });
        (format!("http://127.0.0.1:{port}"), handle)
    }

    #[test]
    fn http_get_against_a_local_server() {
        let (base, server) = serve_once(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nA\r\n{\"openapi\"\r\n5\r\n: 1}\n\r\n0\r\n\r\n",
        );
        let url = http::Url::parse(&spec_url(&base)).unwrap();
        assert_eq!(http::get(&url).unwrap(), b"{\"openapi\": 1}\n");
        let request = server.join().unwrap();
        assert!(
            request.starts_with("GET /openapi.json HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(
            request.contains(&format!("\r\nHost: {}\r\n", &base[7..])),
            "{request}"
        );

        let (base, server) = serve_once(
            b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /v2/openapi.json\r\ncontent-length: 0\r\n\r\n",
        );
        let err = http::get(&http::Url::parse(&spec_url(&base)).unwrap()).unwrap_err();
        assert!(err.contains("redirected to /v2/openapi.json"), "{err}");
        server.join().unwrap();

        let (base, server) =
            serve_once(b"HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\nNot Found");
        let err = http::get(&http::Url::parse(&spec_url(&base)).unwrap()).unwrap_err();
        assert!(err.ends_with("HTTP 404 Not Found: Not Found"), "{err}");
        server.join().unwrap();
    }

    #[test]
    fn json_parses_and_rejects() {
        let node = json::parse(" {\"a\": [1, -2.5e+3, true, null, \"x\\\"\\u00e9\"], \"b\": {}} ")
            .unwrap();
        assert_eq!(
            node.to_flat(),
            r#"{ "a": [1, -2.5e+3, true, null, "x\"\u00e9"], "b": {} }"#
        );
        assert_eq!(
            node.get("b"),
            Some(&json::Node::Object {
                members: vec![],
                expanded: false
            })
        );
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "-",
            "\"\\x\"",
            "\"a\nb\"",
            "{} x",
            "tru",
            "{a: 1}",
        ] {
            assert!(json::parse(bad).is_err(), "{bad:?} parsed");
        }
        let err = json::parse("{\n  \"a\": ?\n}").unwrap_err();
        assert_eq!(err, "unexpected character at line 2, column 8");
    }

    #[test]
    fn prettier_layout() {
        // Fits: one line. Expanded object: kept. Too wide: broken. Array of objects with
        // more than one member: always broken.
        let source = r##"{"short": [1, 2], "inline": { "type": "integer", "title": "Count" },
"expanded": {
"type": "string"}, "long": ["aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccc"],
"objects": [{"a": 1, "b": 2}, {"c": 3, "d": 4}], "one": [{"$ref": "#/x"}, {"$ref": "#/y"}], "e": [], "o": {}}"##;
        let expected = r##"{
  "short": [1, 2],
  "inline": { "type": "integer", "title": "Count" },
  "expanded": {
    "type": "string"
  },
  "long": [
    "aaaaaaaaaaaaaaaaaaaa",
    "bbbbbbbbbbbbbbbbbbbb",
    "cccccccccccccccccccc"
  ],
  "objects": [
    { "a": 1, "b": 2 },
    { "c": 3, "d": 4 }
  ],
  "one": [{ "$ref": "#/x" }, { "$ref": "#/y" }],
  "e": [],
  "o": {}
}
"##;
        let node = json::parse(source).unwrap();
        // The top-level object is on one line in the source but must break (it holds an
        // expanded object), as Prettier propagates breaks outwards.
        assert_eq!(json::to_prettier(&node), expected);
        // Printing is idempotent.
        assert_eq!(json::to_prettier(&json::parse(expected).unwrap()), expected);
    }

    #[test]
    fn prettier_counts_the_trailing_comma() {
        // 78 columns + "," = 79 fits; 80 + "," does not; the last member has no comma.
        let fits = format!("{{\n  \"k\": [\"{}\"],\n  \"z\": 1\n}}\n", "x".repeat(67));
        assert_eq!(json::to_prettier(&json::parse(&fits).unwrap()), fits);
        // `  "k": ["<66 x>", 1]` is 80 columns wide.
        let item = "x".repeat(66);
        let node = json::parse(&format!("{{\n\"k\": [\"{item}\", 1], \"z\": 1}}")).unwrap();
        assert_eq!(
            json::to_prettier(&node),
            format!("{{\n  \"k\": [\n    \"{item}\",\n    1\n  ],\n  \"z\": 1\n}}\n")
        );
        let node = json::parse(&format!("{{\n\"z\": 1, \"k\": [\"{item}\", 1]}}")).unwrap();
        assert_eq!(
            json::to_prettier(&node),
            format!("{{\n  \"z\": 1,\n  \"k\": [\"{item}\", 1]\n}}\n")
        );
    }

    /// The vendored spec is Prettier output: parsing and printing it reproduces it byte
    /// for byte, and so does printing its compact form with its own layout as the hint
    /// (what `--url` does with the spec a server of the same version serves).
    #[test]
    fn reproduces_the_vendored_spec() {
        let path = workspace_root().join("openapi.json");
        let vendored = fs::read_to_string(&path).unwrap();
        let tree = json::parse(&vendored).unwrap();
        assert!(
            json::to_prettier(&tree) == vendored,
            "{} is not in Prettier's layout (any more?): `update-spec --url` still gives the same \
             JSON, but no longer the wheel's bytes; adapt json::to_prettier",
            path.display()
        );
        let mut compact = json::parse(&compact(&tree)).unwrap();
        json::apply_layout(&mut compact, Some(&tree));
        assert!(json::to_prettier(&compact) == vendored);
        assert!(compact.same_json(&tree));
    }

    /// `node` the way orjson prints it: no whitespace at all.
    fn compact(node: &json::Node) -> String {
        match node {
            json::Node::Scalar(s) => s.clone(),
            json::Node::Array(items) => {
                format!(
                    "[{}]",
                    items.iter().map(compact).collect::<Vec<_>>().join(",")
                )
            }
            json::Node::Object { members, .. } => format!(
                "{{{}}}",
                members
                    .iter()
                    .map(|(k, v)| format!("{k}:{}", compact(v)))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }

    /// A small wheel-like spec: two schemas with `graph_id`, an MCP path, a webhook.
    const WHEEL: &str = r##"{
  "openapi": "3.1.0",
  "info": { "title": "LangSmith Deployment", "version": "0.1.0" },
  "tags": [{ "name": "Assistants" }, { "name": "MCP" }],
  "paths": {
    "/assistants": {
      "post": {
        "tags": ["Assistants"],
        "responses": { "200": { "description": "ok" } }
      }
    },
    "/mcp/": {
      "post": {
        "tags": ["MCP"],
        "responses": { "200": { "description": "ok" } }
      }
    }
  },
  "components": {
    "schemas": {
      "Assistant": {
        "properties": {
          "graph_id": {
            "type": "string",
            "title": "Graph Id"
          },
          "name": { "type": "string" }
        }
      },
      "GraphSchema": {
        "properties": {
          "graph_id": {
            "type": "string"
          }
        }
      },
      "RunCreateStateful": {
        "properties": {
          "webhook": { "type": "string" }
        }
      }
    }
  }
}
"##;

    /// What `langgraph dev` serves for [`WHEEL`] (orjson: compact), plus what LangSmith
    /// auth and custom auth with an `openapi` section add.
    const SERVED: &str = r##"{"openapi":"3.1.0","info":{"title":"LangSmith Deployment","version":"0.1.0"},"tags":[{"name":"Assistants"},{"name":"MCP"}],"paths":{"/assistants":{"post":{"tags":["Assistants"],"responses":{"200":{"description":"ok"}},"security":[{"x-api-key":[]}]}},"/mcp/":{"post":{"tags":["MCP"],"responses":{"200":{"description":"ok"}}}}},"components":{"schemas":{"Assistant":{"properties":{"graph_id":{"type":"string","title":"Graph Id","enum":["echo","chat"]},"name":{"type":"string"}}},"GraphSchema":{"properties":{"graph_id":{"type":"string","enum":["echo","chat"]}}},"RunCreateStateful":{"properties":{"webhook":{"type":"string"}}}},"securitySchemes":{"x-api-key":{"type":"apiKey","in":"header","name":"x-api-key"}}},"security":[{"x-api-key":[]}],"servers":[{"url":"http://127.0.0.1:2024"}]}"##;

    #[test]
    fn unpatch_restores_the_wheel_spec() {
        let old = json::parse(WHEEL).unwrap();
        let mut served = json::parse(SERVED).unwrap();
        let unpatched = unpatch(&mut served, Some(&old));
        assert_eq!(
            unpatched.undone,
            [
                r#"removed the deployment's graph ids `graph_id.enum: ["echo", "chat"]` from Assistant, GraphSchema"#,
                r#"removed `servers: [{ "url": "http://127.0.0.1:2024" }]` (the server's own URL: LANGGRAPH_API_URL or MOUNT_PREFIX)"#,
                r#"removed top-level `security: [{ "x-api-key": [] }]` (auth config)"#,
                r#"removed `components.securitySchemes: { "x-api-key": { "type": "apiKey", "in": "header", "name": "x-api-key" } }` (auth config)"#,
                "removed per-operation `security` (auth config `openapi.paths`) from POST /assistants",
            ]
        );
        assert_eq!(unpatched.warnings, Vec::<String>::new());
        json::apply_layout(&mut served, Some(&old));
        assert_eq!(json::to_prettier(&served), WHEEL);
    }

    #[test]
    fn unpatch_leaves_an_unpatched_spec_alone() {
        let old = json::parse(WHEEL).unwrap();
        let mut spec = old.clone();
        assert_eq!(unpatch(&mut spec, Some(&old)), Unpatched::default());
        assert_eq!(spec, old);
        assert_eq!(unpatch(&mut spec, None), Unpatched::default());
    }

    #[test]
    fn unpatch_warns_about_what_it_cannot_restore() {
        let old = json::parse(WHEEL).unwrap();
        // disable_mcp + disable_webhooks + a custom app's spec merged in.
        let served = SERVED
            .replace(r#","/mcp/":{"post":{"tags":["MCP"],"responses":{"200":{"description":"ok"}}}}"#, "")
            .replace(r#"{"webhook":{"type":"string"}}"#, "{}")
            .replace(r#""securitySchemes":{"x-api-key":{"type":"apiKey","in":"header","name":"x-api-key"}}"#, r#""links":{},"securitySchemes":{}"#)
            .replace(r#""security":[{"x-api-key":[]}],"servers""#, r#""security":[],"servers""#);
        let mut served = json::parse(&served).unwrap();
        let unpatched = unpatch(&mut served, Some(&old));
        assert_eq!(unpatched.warnings.len(), 3, "{:#?}", unpatched.warnings);
        assert!(unpatched.warnings[0].starts_with("the current openapi.json has /mcp/ but the server does not serve it: it probably runs with `http.disable_mcp`"));
        assert!(
            unpatched.warnings[1]
                .starts_with("the served RunCreateStateful lack the `webhook` property")
        );
        assert!(unpatched.warnings[2].starts_with("the served spec looks merged with a custom app's OpenAPI spec (`http.app`) (empty components: links)"));
    }
}
