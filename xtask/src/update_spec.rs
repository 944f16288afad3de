//! `cargo xtask update-spec`: replaces the vendored `openapi.json` with the spec of
//! another server version and reports what that changes in the generated surface.
//!
//! Sources (exactly one):
//!
//! - `--version X.Y.Z`: the `openapi.json` at the root of the `langgraph-api==X.Y.Z`
//!   wheel, downloaded with `python3 -m pip download` (interpreter overridable with
//!   `LANGGRAPH_TEST_PYTHON`) and extracted with Python's `zipfile`, written byte for byte.
//!   This is how the vendored file is made, and the way to vendor a release byte for
//!   byte; prefer it.
//! - `--url URL`: the spec a running server serves (`URL/openapi.json` unless `URL` ends in
//!   `.json`), fetched with Python's `urllib` (std has no HTTP client, and the interpreter
//!   is there anyway for `--version`). The server patches its copy at run time (see
//!   [`unpatch`]); those patches are undone on the parsed JSON and the result is written
//!   with `serde_json::to_string_pretty`. For a server of the same version that is
//!   JSON-identical to the wheel's file (same values, same key order), but not
//!   byte-identical: the wheel's file is laid out by Prettier, which keeps short objects
//!   and arrays on one line. A result that is JSON-identical to the current file is not
//!   written, so that `--url` never only reformats it.
//! - `--file PATH`: a spec file, copied byte for byte.
//!
//! Then, in this order and whatever happens next:
//!
//! 1. the spec-level change report ([`spec_diff`]): operations, parameters (with their
//!    serialization), bodies, responses and schemas, field by field, computed from the two
//!    raw specs. It always prints, also when the new spec does not normalize;
//! 2. either every problem the normalizer, `$ref` check, openapiv3 or progenitor found, each
//!    with its pointer, pass and table to edit, or the change of the generated surface
//!    against the accepted snapshot (`tests/snapshots/`), which needs no generation of the
//!    current spec (it may no longer generate once the tables were edited for the new one);
//! 3. unless `--dry-run`: a spec that generates is written (`--force` writes one that does
//!    not), with its release record ([`server_pin::RECORD`]), and the test server is
//!    re-pinned to the same `langgraph-api` release;
//! 4. the next steps that are needed, and only those.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use langgraph_sdk_codegen::{spec_diff, surface::Surface};
use serde_json::Value;

use crate::server_pin::{self, Release};

const USAGE: &str = "\
Usage: cargo xtask update-spec (--version X.Y.Z | --url URL | --file PATH) [OPTIONS]

Replaces openapi.json at the workspace root, reports what changes in the spec and in the
generated surface, records the release and moves the test server to it.

Sources:
  --version X.Y.Z  the openapi.json of the langgraph-api==X.Y.Z wheel, byte for byte
                   (pip download; Python interpreter: $LANGGRAPH_TEST_PYTHON, default python3)
  --url URL        the spec a running server serves (URL/openapi.json unless URL ends in
                   .json), with the server's runtime patches (graph_id enums, servers,
                   security) undone; JSON-identical to the wheel's file, not byte-identical.
                   The release is read from the server's /info
  --file PATH      a spec file, copied as is

Options:
  --release X.Y.Z  the langgraph-api release of a --file or --url spec
  --dry-run        report only; write nothing
  --force          write the spec even if it does not generate (to fix the normalizer
                   against it)
";

/// The accepted surface snapshot, relative to the workspace root.
const SNAPSHOT: &str = "tests/snapshots/generated_surface__generated_surface.snap";

/// Runs `cargo xtask update-spec ARGS` (`args` are what follows `update-spec`).
///
/// # Errors
/// Bad arguments, a failed download or fetch, a source that is not an OpenAPI document,
/// an I/O error, a new spec that does not generate (not written unless `--force`), a
/// served spec that lacks parts of the wheel's (`--url` then reports but does not write),
/// or a test server pip cannot resolve for the release.
pub fn run(args: &[String]) -> Result<(), String> {
    let Some(options) = parse_args(args)? else {
        print!("{USAGE}");
        return Ok(());
    };
    let root = langgraph_testbed::workspace_root();
    let target = root.join("openapi.json");
    let old = match fs::read_to_string(&target) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("reading {}: {e}", target.display())),
    };
    let old_tree: Option<Value> = old.as_deref().and_then(|t| serde_json::from_str(t).ok());

    // What --url undid, and found but cannot undo (the file is not written then).
    let mut unpatched = Unpatched::default();
    let mut release = options.release.clone();
    let (new, source) = match &options.source {
        Source::Version(version) => {
            release = Some(version.clone());
            (
                fetch_version(version)?,
                format!("the langgraph-api=={version} wheel"),
            )
        }
        Source::Url(url) => {
            let spec = spec_url(url);
            let bytes;
            (bytes, unpatched) = fetch_url(&spec, old_tree.as_ref())?;
            if release.is_none() {
                release = served_release(url);
            }
            (bytes, spec)
        }
        Source::File(path) => (
            fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?,
            path.display().to_string(),
        ),
    };
    let untouched = "openapi.json left untouched";
    let new = String::from_utf8(new)
        .map_err(|e| format!("the spec from {source} is not UTF-8 ({e}); {untouched}"))?;
    let new_tree: Value = serde_json::from_str(&new)
        .map_err(|e| format!("the spec from {source} is not JSON ({e}); {untouched}"))?;
    if new_tree.get("openapi").is_none() || new_tree.get("paths").is_none() {
        return Err(format!(
            "the document from {source} is not an OpenAPI spec (no `openapi` or `paths`); {untouched}"
        ));
    }
    let release_text = release.as_deref().unwrap_or("unknown release");
    println!(
        "New spec: {source} (langgraph-api {release_text}, {} bytes).",
        new.len()
    );
    let is_url = matches!(options.source, Source::Url(_));
    if is_url {
        println!(
            "Note: --url gives a spec JSON-identical to the wheel's file, not byte-identical \
             (serde_json's layout, not Prettier's); `--version X.Y.Z` vendors a release byte for byte."
        );
    }
    if !unpatched.undone.is_empty() {
        println!("Undid the server's runtime patches of its spec:");
    }
    for line in &unpatched.undone {
        println!("  - {line}");
    }
    for line in &unpatched.warnings {
        println!("warning: {line}");
    }
    let cannot_undo = !unpatched.warnings.is_empty();

    let same_bytes = old.as_deref() == Some(new.as_str());
    let same_json = old_tree.as_ref().is_some_and(|o| same_json(o, &new_tree));
    let generates = if same_bytes || (same_json && is_url) {
        // Writing it would at most trade the wheel's Prettier layout for serde_json's.
        println!("It is identical to the current openapi.json.");
        true
    } else {
        if same_json {
            println!("Same JSON as the current openapi.json; only the formatting differs.");
        }
        report(&root, old_tree.as_ref(), &new_tree, &new)
    };

    if cannot_undo {
        return Err(
            "openapi.json not written: the served spec lacks parts of the wheel's that --url \
             cannot restore (see the warnings above); use `--version X.Y.Z`"
                .into(),
        );
    }
    if options.dry_run {
        println!("\nDry run: nothing written.");
        return if generates {
            Ok(())
        } else {
            Err("the new spec does not generate (see the problems above)".into())
        };
    }
    if !generates && !options.force {
        return Err(
            "openapi.json not written: the new spec does not generate (every problem is listed \
             above, each with the table to edit). Fix them against a copy with \
             `--file PATH --dry-run`, or write it anyway with `--force`"
                .into(),
        );
    }
    let mut steps = Vec::new();
    if !same_bytes {
        write_atomically(&target, new.as_bytes())?;
        println!("\nWrote {} ({} bytes).", target.display(), new.len());
    }
    let record = Release {
        langgraph_api: release.clone(),
        source: source.clone(),
        sha256: server_pin::sha256_hex(new.as_bytes())?,
    };
    if Release::read(&root).ok().as_ref() != Some(&record) {
        record.write(&root)?;
        println!(
            "Wrote {} (langgraph-api {release_text}).",
            server_pin::RECORD
        );
    }
    match &release {
        Some(version) => {
            let requirements = fs::read_to_string(server_pin::requirements_path(&root))
                .map_err(|e| format!("reading the test server's requirements: {e}"))?;
            if server_pin::pinned(&requirements, "langgraph-api").as_deref() != Some(version) {
                let moved = server_pin::move_pin(&root, version)?;
                println!(
                    "Moved the test server from langgraph-api {} to {version} \
                     (tests/server/requirements.txt, {} pins changed):",
                    moved.from,
                    moved.changed.len()
                );
                for line in &moved.changed {
                    println!("  {line}");
                }
            }
        }
        None => steps.push(
            "Say which langgraph-api release the spec is from (`--release X.Y.Z`): until then \
             the test server cannot be moved to it, and the release check test fails"
                .to_string(),
        ),
    }
    if !generates {
        steps.push(
            "Fix the normalizer (each problem above names its table); `cargo build` lists them \
             all again"
                .into(),
        );
    } else if surface_changed(&root, &new) {
        steps.push(
            "Review the surface change above and accept it: `cargo xtask accept-surface`".into(),
        );
    }
    if release.is_some() {
        let release = server_pin::check(&root)?;
        println!("openapi.json and the test server: langgraph-api {release}.");
    }
    steps.push("Run everything against the (re-pinned) test server: `cargo xtask test`".into());
    println!("\nNext:");
    for (i, step) in steps.iter().enumerate() {
        println!("  {}. {step}", i + 1);
    }
    Ok(())
}

/// Prints the spec-level report and then either the generation problems or the surface
/// change; returns whether the new spec generates.
fn report(root: &Path, old: Option<&Value>, new: &Value, new_text: &str) -> bool {
    match old {
        Some(old) => print!(
            "\nChanges in the spec (current openapi.json -> new):\n{}",
            indent(&spec_diff::diff(old, new).render())
        ),
        None => println!("\nThere is no current openapi.json to compare with."),
    }
    let generated = match langgraph_sdk_codegen::generate(new_text) {
        Ok(generated) => generated,
        Err(problems) => {
            println!("\nThe new spec does not generate: {problems}");
            return false;
        }
    };
    let surface = match Surface::parse(&generated.code, &generated.normalized) {
        Ok(surface) => surface,
        Err(e) => {
            println!("\nThe generated code cannot be read back: {e}");
            return false;
        }
    };
    match accepted_surface(root) {
        Ok(accepted) => print!(
            "\nChanges to the generated surface (against the accepted snapshot):\n{}",
            indent(&surface.diff(&accepted))
        ),
        Err(e) => println!(
            "\nGenerated surface: {} operations, {} types (no accepted snapshot to compare: {e}).",
            surface.operations.len(),
            surface.types.len()
        ),
    }
    println!("Normalizer: {} changes.", generated.changes.len());
    true
}

/// The surface the snapshot test has accepted.
fn accepted_surface(root: &Path) -> Result<Surface, String> {
    let path = root.join(SNAPSHOT);
    let text = fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    // insta's header: `---`, metadata lines, `---`.
    let body = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map_or(text.as_str(), |(_, body)| body);
    Surface::parse_rendered(body).map_err(|e| format!("{}: {e}", path.display()))
}

/// `cargo xtask accept-surface`: writes the surface of the current `openapi.json` into the
/// snapshot that `tests/generated_surface.rs` checks. It needs only the code generator, not
/// the crate: after a spec change the snapshot can be accepted before `src/` compiles.
///
/// # Errors
/// The spec does not generate, or an I/O error.
pub fn accept_surface() -> Result<(), String> {
    let root = langgraph_testbed::workspace_root();
    let spec = fs::read_to_string(root.join("openapi.json"))
        .map_err(|e| format!("reading openapi.json: {e}"))?;
    let generated = langgraph_sdk_codegen::generate(&spec)
        .map_err(|problems| format!("openapi.json does not generate: {problems}"))?;
    let surface = Surface::parse(&generated.code, &generated.normalized)?;
    let path = root.join(SNAPSHOT);
    let old = fs::read_to_string(&path).unwrap_or_default();
    if accepted_surface(&root).ok().as_ref() == Some(&surface) {
        println!("{SNAPSHOT} already holds this surface.");
        return Ok(());
    }
    // Keep insta's header (it is not compared); write one like insta's when there is none.
    let header = old
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map(|(meta, _)| format!("---\n{meta}\n---\n"))
        .unwrap_or_else(|| {
            "---\nsource: tests/generated_surface.rs\nexpression: surface().render()\n---\n".into()
        });
    fs::write(&path, format!("{header}{}", surface.render()))
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    println!(
        "Accepted the surface of openapi.json ({} operations, {} types) into {SNAPSHOT}.",
        surface.operations.len(),
        surface.types.len()
    );
    Ok(())
}

/// Whether the spec's surface differs from the accepted snapshot.
fn surface_changed(root: &Path, spec: &str) -> bool {
    let Ok(generated) = langgraph_sdk_codegen::generate(spec) else {
        return true;
    };
    let surface = Surface::parse(&generated.code, &generated.normalized);
    match (surface, accepted_surface(root)) {
        (Ok(surface), Ok(accepted)) => surface != accepted,
        _ => true,
    }
}

/// The `version` a running server reports at `URL/info` (`langgraph-api`'s release).
fn served_release(url: &str) -> Option<String> {
    let url = url.trim();
    let base = url.split(['?', '#']).next().unwrap_or(url);
    let base = base
        .strip_suffix(".json")
        .and_then(|b| b.rsplit_once('/').map(|(dir, _)| dir))
        .unwrap_or(base)
        .trim_end_matches('/');
    let body = http_get(&format!("{base}/info")).ok()?;
    let info: Value = serde_json::from_slice(&body).ok()?;
    info.get("version")?.as_str().map(str::to_string)
}

/// Same values in the same key order. Not `==`: `serde_json`'s maps (`preserve_order`,
/// i.e. `IndexMap`) compare regardless of order, and the order of paths and schemas is
/// the order of the generated code.
fn same_json(a: &Value, b: &Value) -> bool {
    serde_json::to_string(a).ok() == serde_json::to_string(b).ok()
}

// ---- Arguments ----

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
    force: bool,
    /// `--release`: the langgraph-api release of a `--file` or `--url` spec.
    release: Option<String>,
}

/// Parses the arguments; `Ok(None)` asks for the usage text (`-h`, `--help`).
/// Values go either in the next argument or after `=` (`--version=0.16.7`).
fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut source: Option<Source> = None;
    let (mut dry_run, mut force, mut release) = (false, false, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let switch = match flag {
            "--dry-run" => Some(&mut dry_run),
            "--force" => Some(&mut force),
            _ => None,
        };
        if let Some(switch) = switch {
            if inline.is_some() {
                return Err(format!("`{flag}` takes no value"));
            }
            *switch = true;
            continue;
        }
        let make: fn(String) -> Source = match flag {
            "-h" | "--help" => return Ok(None),
            "--version" | "--release" => Source::Version,
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
        if flag == "--release" {
            check_version(&value)?;
            release = Some(value);
            continue;
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
    if release.is_some() && matches!(source, Source::Version(_)) {
        return Err("`--release` is for --file and --url; --version names the release".into());
    }
    Ok(Some(Options {
        source,
        dry_run,
        force,
        release,
    }))
}

/// A PEP 440 version as pip takes it after `==` (no spaces, operators or markers).
fn check_version(version: &str) -> Result<(), String> {
    let ok = version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+!-_*".contains(c));
    ok.then_some(())
        .ok_or_else(|| format!("`{version}` is not a version (expected e.g. `--version 0.16.7`)"))
}

// ---- Sources ----

/// Downloads the `langgraph-api==argv[1]` wheel into a temporary directory with pip
/// and prints its `openapi.json` to stdout, byte for byte.
const FETCH_WHEEL_PY: &str = "\
import glob, os, subprocess, sys, tempfile, zipfile
requirement = 'langgraph-api==' + sys.argv[1]
with tempfile.TemporaryDirectory() as d:
    # We only read a file out of the wheel: the local interpreter's version does not matter.
    pip = [sys.executable, '-m', 'pip', 'download', '--no-deps', '--only-binary=:all:',
           '--ignore-requires-python', '--disable-pip-version-check', '--no-input', '--quiet',
           requirement, '-d', d]
    # pip's stdout goes to stderr: stdout carries the file.
    if subprocess.run(pip, stdin=subprocess.DEVNULL, stdout=sys.stderr).returncode:
        sys.exit('pip download ' + requirement + ' failed')
    wheels = glob.glob(os.path.join(d, 'langgraph_api-*.whl'))
    if len(wheels) != 1:
        sys.exit(f'expected one langgraph_api-*.whl after pip download, found {len(wheels)}')
    with zipfile.ZipFile(wheels[0]) as wheel:
        if 'openapi.json' not in wheel.namelist():
            sys.exit('there is no openapi.json at the root of ' + os.path.basename(wheels[0]))
        sys.stdout.buffer.write(wheel.read('openapi.json'))
";

/// Downloads the `langgraph-api==version` wheel and returns its `openapi.json`.
fn fetch_version(version: &str) -> Result<Vec<u8>, String> {
    eprintln!("update-spec: downloading langgraph-api=={version} with pip...");
    let what = format!("getting openapi.json out of the langgraph-api=={version} wheel");
    run_python(FETCH_WHEEL_PY, version, &what)
}

/// The Python interpreter: `$LANGGRAPH_TEST_PYTHON`, default `python3`.
pub(crate) fn python() -> String {
    let python = std::env::var(langgraph_testbed::PYTHON_ENV).ok();
    python
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "python3".into())
}

/// Runs `PYTHON -c script arg` (see [`python`]) and returns its stdout; on failure the
/// error quotes the end of its stderr.
fn run_python(script: &str, arg: &str, what: &str) -> Result<Vec<u8>, String> {
    run_script(&python(), script, &[arg.to_string()], what)
}

/// Runs `python -c script args...` and returns its stdout; on failure the error quotes the
/// end of its stderr.
pub(crate) fn run_script(
    python: &str,
    script: &str,
    args: &[String],
    what: &str,
) -> Result<Vec<u8>, String> {
    let env = langgraph_testbed::PYTHON_ENV;
    let output = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("running {python}: {e} (set {env} to choose the interpreter)"))?;
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

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("json.update-spec.tmp");
    fs::write(&tmp, bytes)
        .and_then(|()| fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = fs::remove_file(&tmp);
            format!("writing {}: {e}", path.display())
        })
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

// ---- --url: fetching and undoing the server's runtime patches ----

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

/// Fetches the served spec, undoes the runtime patches (`old` is the current spec, to
/// spot what cannot be undone) and prints it with `serde_json::to_string_pretty`.
fn fetch_url(url: &str, old: Option<&Value>) -> Result<(Vec<u8>, Unpatched), String> {
    let body = http_get(url)?;
    let mut spec: Value =
        serde_json::from_slice(&body).map_err(|e| format!("{url} did not return JSON ({e})"))?;
    let unpatched = unpatch(&mut spec, old);
    let mut text = serde_json::to_string_pretty(&spec).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok((text.into_bytes(), unpatched))
}

/// Fetches `argv[1]` with urllib and prints the body to stdout; on failure exits with a
/// one-line reason instead of a traceback. urllib follows redirects itself.
const FETCH_PY: &str = "\
import sys, urllib.error, urllib.request
request = urllib.request.Request(sys.argv[1], headers={'Accept': 'application/json'})
try:
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
except urllib.error.HTTPError as e:
    detail = e.read(300).decode('utf-8', 'replace').strip()
    sys.exit(f'HTTP {e.code} {e.reason}: {detail}')
except urllib.error.URLError as e:
    sys.exit(f'cannot connect: {e.reason} (is the server running?)')
except OSError as e:
    sys.exit(f'{type(e).__name__}: {e}')
sys.stdout.buffer.write(body)
";

/// `GET url` (http or https) with Python's urllib; the body of a successful response.
fn http_get(url: &str) -> Result<Vec<u8>, String> {
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("http" | "https")) {
        return Err(format!("`{url}`: --url takes an http:// or https:// URL"));
    }
    eprintln!("update-spec: fetching {url}...");
    run_python(FETCH_PY, url, &format!("GET {url}"))
}

/// What [`unpatch`] undid, and what it found but cannot undo.
#[derive(Debug, Default, PartialEq, Eq)]
struct Unpatched {
    undone: Vec<String>,
    warnings: Vec<String>,
}

/// Removes `key` from `value` if it is an object, keeping the order of the other keys.
fn remove(value: &mut Value, key: &str) -> Option<Value> {
    value.as_object_mut()?.shift_remove(key)
}

/// `spec.components.schemas`.
fn schemas(spec: &Value) -> Option<&serde_json::Map<String, Value>> {
    spec.get("components")?.get("schemas")?.as_object()
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
fn unpatch(spec: &mut Value, old: Option<&Value>) -> Unpatched {
    let mut undone = Vec::new();

    let mut enum_schemas = Vec::new();
    let mut enum_values = None;
    let schemas_mut = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut);
    for (name, schema) in schemas_mut.into_iter().flatten() {
        let graph_id = schema.pointer_mut("/properties/graph_id");
        if let Some(values) = graph_id.and_then(|g| remove(g, "enum")) {
            enum_values.get_or_insert(values);
            enum_schemas.push(name.as_str());
        }
    }
    if let Some(values) = enum_values {
        let schemas = enum_schemas.join(", ");
        undone.push(format!(
            "removed the deployment's graph ids `graph_id.enum: {values}` from {schemas}"
        ));
    }
    if let Some(servers) = remove(spec, "servers") {
        undone.push(format!(
            "removed `servers: {servers}` (the server's own URL: LANGGRAPH_API_URL or \
             MOUNT_PREFIX)"
        ));
    }
    // `security: []` and empty `securitySchemes` are not auth config but the marks of a
    // custom app's spec merged in.
    let mut merged_security = false;
    if let Some(security) = remove(spec, "security") {
        merged_security = security.as_array().is_some_and(Vec::is_empty);
        undone.push(format!(
            "removed top-level `security: {security}` (auth config)"
        ));
    }
    let schemes = spec
        .get_mut("components")
        .and_then(|c| remove(c, "securitySchemes"));
    if let Some(schemes) = schemes {
        merged_security |= schemes.as_object().is_none_or(|s| s.is_empty());
        let schemes = truncate(&schemes.to_string(), 200);
        undone.push(format!(
            "removed `components.securitySchemes: {schemes}` (auth config)"
        ));
    }
    let mut secured = Vec::new();
    let paths = spec.get_mut("paths").and_then(Value::as_object_mut);
    for (path, item) in paths.into_iter().flatten() {
        for (method, operation) in item.as_object_mut().into_iter().flatten() {
            if remove(operation, "security").is_some() {
                secured.push(format!("{} {path}", method.to_ascii_uppercase()));
            }
        }
    }
    if !secured.is_empty() {
        let secured = secured.join(", ");
        undone.push(format!(
            "removed per-operation `security` (auth config `openapi.paths`) from {secured}"
        ));
    }

    let mut warnings = Vec::new();
    let Some(old) = old else {
        return Unpatched { undone, warnings };
    };
    let mut warn = |what: String| {
        warnings.push(format!(
            "{what}; --url cannot undo that; use `--version X.Y.Z`, which takes the wheel's \
             file as is"
        ))
    };
    let has_path = |spec: &Value, path: &str| spec.get("paths").and_then(|p| p.get(path)).is_some();
    let a2a = ["/a2a/{assistant_id}", "/.well-known/agent-card.json"];
    for (what, setting, paths) in [
        ("MCP", "disable_mcp", &["/mcp/"][..]),
        ("A2A", "disable_a2a", &a2a),
    ] {
        let missing: Vec<&str> = paths
            .iter()
            .copied()
            .filter(|p| has_path(old, p) && !has_path(spec, p))
            .collect();
        if !missing.is_empty() {
            let it = if missing.len() == 1 { "it" } else { "them" };
            warn(format!(
                "the current openapi.json has {} but the server does not serve {it}: it probably \
                 runs with `http.{setting}`, which removes the {what} paths and tag",
                missing.join(", ")
            ));
        }
    }
    // Whether schema `name` has a `webhook` property; `None` without the schema's properties.
    let has_webhook = |spec: &Value, name: &str| {
        let properties = schemas(spec)?.get(name)?.get("properties")?;
        Some(properties.get("webhook").is_some())
    };
    let no_webhook: Vec<&str> = schemas(old)
        .into_iter()
        .flat_map(|s| s.keys())
        .map(String::as_str)
        .filter(|&n| has_webhook(old, n) == Some(true) && has_webhook(spec, n) == Some(false))
        .collect();
    if !no_webhook.is_empty() {
        warn(format!(
            "the served {} lack the `webhook` property the current openapi.json has: the server \
             probably runs with `http.disable_webhooks`",
            no_webhook.join(", ")
        ));
    }
    let old_components = old.get("components");
    let empty_components: Vec<&str> = spec
        .get("components")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, v)| v.as_object().is_some_and(|o| o.is_empty()))
        .filter(|(k, _)| old_components.and_then(|c| c.get(k.as_str())).is_none())
        .map(|(k, _)| k.as_str())
        .collect();
    if merged_security || !empty_components.is_empty() {
        let empty = match empty_components.as_slice() {
            [] => String::new(),
            names => format!(" (empty components: {})", names.join(", ")),
        };
        warn(format!(
            "the served spec looks merged with a custom app's OpenAPI spec (`http.app`){empty}: \
             its extra paths and components and the changed key order stay"
        ));
    }
    Unpatched { undone, warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(list: &[&str]) -> Result<Option<Options>, String> {
        parse_args(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_each_source() {
        let version = |v: &str| Source::Version(v.into());
        let url = |u: &str| Source::Url(u.into());
        let file = |f: &str| Source::File(f.into());
        for (list, source, dry_run) in [
            (&["--version", "0.16.7"][..], version("0.16.7"), false),
            (&["--dry-run", "--version=1rc1"], version("1rc1"), true),
            (&["--url", "http://h", "--dry-run"], url("http://h"), true),
            (&["--url=http://h/a.json"], url("http://h/a.json"), false),
            (&["--file", "/x.json"], file("/x.json"), false),
        ] {
            let expected = Options {
                source,
                dry_run,
                force: false,
                release: None,
            };
            assert_eq!(options(list), Ok(Some(expected)), "{list:?}");
        }
        let forced = options(&["--file", "x", "--force", "--release", "0.15.9"]);
        let forced = forced.unwrap().unwrap();
        assert!(forced.force && !forced.dry_run);
        assert_eq!(forced.release.as_deref(), Some("0.15.9"));
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
        assert_eq!(err(&["--force=1"]), "`--force` takes no value");
        assert!(err(&["--version", "1", "--release", "1"]).starts_with("`--release` is for"));
        assert!(err(&["--file", "x", "--release", "latest"]).contains("is not a version"));
        assert!(err(&["0.16.7"]).starts_with("unknown argument `0.16.7`"));
        assert!(err(&["--verbose"]).starts_with("unknown argument `--verbose`"));
        assert!(err(&["--version", ">=0.16"]).contains("is not a version"));
        assert!(err(&["--version", "0.16.7; rm"]).contains("is not a version"));
        assert!(err(&["--version", "latest"]).contains("is not a version"));
    }

    #[test]
    fn spec_url_appends_openapi_json() {
        for (url, expected) in [
            ("http://h:2024", "http://h:2024/openapi.json"),
            ("http://h:1/", "http://h:1/openapi.json"),
            ("http://h/base//", "http://h/base/openapi.json"),
            ("https://h/x/openapi.json", "https://h/x/openapi.json"),
            ("http://h/spec.json?v=1", "http://h/spec.json?v=1"),
            ("http://h/api?v=1", "http://h/api/openapi.json?v=1"),
        ] {
            assert_eq!(spec_url(url), expected);
        }
    }

    /// A small wheel-like spec: two schemas with `graph_id`, an MCP path, a webhook.
    const WHEEL: &str = r##"{
  "openapi": "3.1.0",
  "info": { "title": "LangSmith Deployment", "version": "0.1.0" },
  "tags": [{ "name": "Assistants" }, { "name": "MCP" }],
  "paths": {
    "/assistants": { "post": { "tags": ["Assistants"], "responses": { "200": { "description": "ok" } } } },
    "/mcp/": { "post": { "tags": ["MCP"], "responses": { "200": { "description": "ok" } } } }
  },
  "components": {
    "schemas": {
      "Assistant": { "properties": { "graph_id": { "type": "string", "title": "Graph Id" }, "name": { "type": "string" } } },
      "GraphSchema": { "properties": { "graph_id": { "type": "string" } } },
      "RunCreateStateful": { "properties": { "webhook": { "type": "string" } } }
    }
  }
}"##;

    /// What `langgraph dev` serves for [`WHEEL`] (orjson: compact), plus what LangSmith
    /// auth and custom auth with an `openapi` section add.
    const SERVED: &str = r##"{"openapi":"3.1.0","info":{"title":"LangSmith Deployment","version":"0.1.0"},"tags":[{"name":"Assistants"},{"name":"MCP"}],"paths":{"/assistants":{"post":{"tags":["Assistants"],"responses":{"200":{"description":"ok"}},"security":[{"x-api-key":[]}]}},"/mcp/":{"post":{"tags":["MCP"],"responses":{"200":{"description":"ok"}}}}},"components":{"schemas":{"Assistant":{"properties":{"graph_id":{"type":"string","title":"Graph Id","enum":["echo","chat"]},"name":{"type":"string"}}},"GraphSchema":{"properties":{"graph_id":{"type":"string","enum":["echo","chat"]}}},"RunCreateStateful":{"properties":{"webhook":{"type":"string"}}}},"securitySchemes":{"x-api-key":{"type":"apiKey","in":"header","name":"x-api-key"}}},"security":[{"x-api-key":[]}],"servers":[{"url":"http://127.0.0.1:2024"}]}"##;

    #[test]
    fn unpatch_restores_the_wheel_spec() {
        let old: Value = serde_json::from_str(WHEEL).unwrap();
        let mut served: Value = serde_json::from_str(SERVED).unwrap();
        let unpatched = unpatch(&mut served, Some(&old));
        assert_eq!(
            unpatched.undone,
            [
                r#"removed the deployment's graph ids `graph_id.enum: ["echo","chat"]` from Assistant, GraphSchema"#,
                r#"removed `servers: [{"url":"http://127.0.0.1:2024"}]` (the server's own URL: LANGGRAPH_API_URL or MOUNT_PREFIX)"#,
                r#"removed top-level `security: [{"x-api-key":[]}]` (auth config)"#,
                r#"removed `components.securitySchemes: {"x-api-key":{"type":"apiKey","in":"header","name":"x-api-key"}}` (auth config)"#,
                "removed per-operation `security` (auth config `openapi.paths`) from POST /assistants",
            ]
        );
        assert_eq!(unpatched.warnings, Vec::<String>::new());
        assert!(same_json(&served, &old), "{served:#}");
    }

    #[test]
    fn unpatch_leaves_an_unpatched_spec_alone() {
        let old: Value = serde_json::from_str(WHEEL).unwrap();
        let mut spec = old.clone();
        assert_eq!(unpatch(&mut spec, Some(&old)), Unpatched::default());
        assert!(same_json(&spec, &old));
        assert_eq!(unpatch(&mut spec, None), Unpatched::default());
        // Nor does it touch anything of the vendored spec (were a wheel to ship `servers`
        // or `security`, --url would drop them).
        let path = langgraph_testbed::workspace_root().join("openapi.json");
        let vendored: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
        let mut spec = vendored.clone();
        assert_eq!(unpatch(&mut spec, Some(&vendored)), Unpatched::default());
        assert!(same_json(&spec, &vendored));
    }

    #[test]
    fn unpatch_warns_about_what_it_cannot_restore() {
        let old: Value = serde_json::from_str(WHEEL).unwrap();
        // disable_mcp + disable_webhooks + a custom app's spec merged in.
        let served = SERVED
            .replace(r#","/mcp/":{"post":{"tags":["MCP"],"responses":{"200":{"description":"ok"}}}}"#, "")
            .replace(r#"{"webhook":{"type":"string"}}"#, "{}")
            .replace(r#""securitySchemes":{"x-api-key":{"type":"apiKey","in":"header","name":"x-api-key"}}"#, r#""links":{},"securitySchemes":{}"#)
            .replace(r#""security":[{"x-api-key":[]}],"servers""#, r#""security":[],"servers""#);
        let mut served: Value = serde_json::from_str(&served).unwrap();
        let warnings = unpatch(&mut served, Some(&old)).warnings;
        assert_eq!(warnings.len(), 3, "{warnings:#?}");
        assert!(warnings[0].starts_with("the current openapi.json has /mcp/ but the server does not serve it: it probably runs with `http.disable_mcp`"));
        assert!(
            warnings[1].starts_with("the served RunCreateStateful lack the `webhook` property")
        );
        assert!(warnings[2].starts_with("the served spec looks merged with a custom app's OpenAPI spec (`http.app`) (empty components: links)"));
        assert!(
            warnings
                .iter()
                .all(|w| w.ends_with("use `--version X.Y.Z`, which takes the wheel's file as is"))
        );
    }

    #[test]
    fn same_json_minds_key_order() {
        let json = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        let a = json(r#"{"a": 1, "b": [1.5, "x"]}"#);
        assert!(same_json(&a, &json("{\n\"a\":1,\"b\":[1.5,\"x\"]}")));
        assert!(!same_json(&a, &json(r#"{"b": [1.5, "x"], "a": 1}"#)));
    }

    /// One-shot HTTP server on a loopback port answering `status` and `body`; returns
    /// the URL and a handle yielding the request line it received.
    fn serve_once(status: &str, body: &str) -> (String, std::thread::JoinHandle<String>) {
        use std::io::{BufRead, BufReader, Write};
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut lines = BufReader::new(&stream).lines().map(Result::unwrap);
            let request_line = lines.next().unwrap();
            lines.find(String::is_empty).unwrap(); // the end of the headers
            (&stream).write_all(response.as_bytes()).unwrap();
            request_line
        });
        (format!("http://127.0.0.1:{port}"), handle)
    }

    /// `--url` end to end up to the file's bytes, against a loopback server: the Python
    /// fetch, the unpatching and the printing; and the errors the fetch reports.
    #[test]
    fn fetches_and_unpatches_a_served_spec() {
        let wheel: Value = serde_json::from_str(WHEEL).unwrap();
        let (base, server) = serve_once("200 OK", SERVED);
        let (bytes, unpatched) = fetch_url(&spec_url(&base), Some(&wheel)).unwrap();
        assert_eq!(server.join().unwrap(), "GET /openapi.json HTTP/1.1");
        assert_eq!(unpatched.undone.len(), 5);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("{\n  \"openapi\": \"3.1.0\",\n") && text.ends_with("}\n"));
        assert!(same_json(&serde_json::from_str(&text).unwrap(), &wheel));

        let (base, server) = serve_once("404 Not Found", "no such page");
        let err = fetch_url(&spec_url(&base), None).unwrap_err();
        assert!(err.ends_with("HTTP 404 Not Found: no such page"), "{err}");
        server.join().unwrap();

        // A port nobody listens on any more.
        let port = langgraph_testbed::free_port();
        let err = http_get(&format!("http://127.0.0.1:{port}/openapi.json")).unwrap_err();
        // `[Errno 111]` on Linux, another number elsewhere.
        assert!(err.contains("cannot connect: [Errno "), "{err}");
        assert!(
            err.contains("Connection refused (is the server running?)"),
            "{err}"
        );

        let err = http_get("ftp://h/openapi.json").unwrap_err();
        assert!(err.contains("takes an http:// or https:// URL"), "{err}");
    }
}
