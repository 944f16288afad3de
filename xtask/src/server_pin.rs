//! Which server release the vendored spec comes from, and the test server pinned to it.
//!
//! `openapi.release.json` beside `openapi.json` records the release (`langgraph_api`),
//! where the file came from and its SHA-256. `tests/server/requirements.txt` pins the
//! server the tests run against. [`check`] fails when the two disagree (a test calls it),
//! and [`move_pin`] regenerates the requirements for another `langgraph-api` release with
//! pip's resolver, keeping every other pin that still fits.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The record of the vendored release, beside `openapi.json`.
pub const RECORD: &str = "openapi.release.json";

/// What [`RECORD`] holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The `langgraph-api` version the spec belongs to; `None` when unknown (`--file`).
    pub langgraph_api: Option<String>,
    /// Where the file came from, in words.
    pub source: String,
    /// SHA-256 of `openapi.json`, hex.
    pub sha256: String,
}

impl Release {
    /// Reads the record at the workspace root.
    ///
    /// # Errors
    /// A missing or malformed record.
    pub fn read(root: &Path) -> Result<Release, String> {
        let path = root.join(RECORD);
        let text =
            fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let field = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_string);
        Ok(Release {
            langgraph_api: field("langgraph_api"),
            source: field("source").unwrap_or_default(),
            sha256: field("sha256").ok_or_else(|| format!("{}: no `sha256`", path.display()))?,
        })
    }

    /// Writes the record at the workspace root.
    ///
    /// # Errors
    /// An I/O error.
    pub fn write(&self, root: &Path) -> Result<(), String> {
        let value = json!({
            "langgraph_api": self.langgraph_api,
            "source": self.source,
            "sha256": self.sha256,
        });
        let mut text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
        text.push('\n');
        let path = root.join(RECORD);
        fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))
    }
}

/// SHA-256 of `bytes`, hex, computed by Python's `hashlib` (the interpreter update-spec
/// already needs; std has no hash of its own and one call does not justify a crate).
///
/// # Errors
/// Python cannot be run.
pub fn sha256_hex(bytes: &[u8]) -> Result<String, String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let python = crate::update_spec::python();
    let mut child = Command::new(&python)
        .args([
            "-c",
            "import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running {python}: {e}"))?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(bytes)
        .map_err(|e| format!("writing to {python}: {e}"))?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("{python} could not hash ({})", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// `tests/server/requirements.txt`.
pub fn requirements_path(root: &Path) -> PathBuf {
    root.join("tests").join("server").join("requirements.txt")
}

/// The version after `name==` in a requirements file (names compared the way pip does:
/// case-insensitive, `-` and `_` alike).
pub fn pinned(requirements: &str, name: &str) -> Option<String> {
    let canonical = |s: &str| s.to_ascii_lowercase().replace('_', "-");
    requirements
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|l| {
            let (n, v) = l.trim().split_once("==")?;
            (canonical(n) == canonical(name)).then(|| v.trim().to_string())
        })
}

/// The test server's release disagrees with the vendored spec's, or the record is stale.
///
/// # Errors
/// Names what disagrees and the command that fixes it.
pub fn check(root: &Path) -> Result<String, String> {
    let record = Release::read(root)?;
    let spec =
        fs::read(root.join("openapi.json")).map_err(|e| format!("reading openapi.json: {e}"))?;
    let sha = sha256_hex(&spec)?;
    if sha != record.sha256 {
        return Err(format!(
            "openapi.json (sha256 {sha}) is not the file {RECORD} records ({}): vendor specs \
             with `cargo xtask update-spec`, which writes both",
            record.sha256
        ));
    }
    let requirements_path = requirements_path(root);
    let requirements = fs::read_to_string(&requirements_path)
        .map_err(|e| format!("reading {}: {e}", requirements_path.display()))?;
    let server = pinned(&requirements, "langgraph-api")
        .ok_or_else(|| format!("{} pins no langgraph-api", requirements_path.display()))?;
    let Some(spec_release) = record.langgraph_api else {
        return Err(format!(
            "{RECORD} does not say which langgraph-api release openapi.json is from ({}), so the \
             test server ({server}) cannot be checked against it: vendor it with \
             `cargo xtask update-spec --version X.Y.Z` (or `--file PATH --release X.Y.Z`)",
            record.source
        ));
    };
    if spec_release != server {
        return Err(format!(
            "openapi.json is from langgraph-api {spec_release} but the test server is pinned at \
             {server} ({}): `cargo xtask update-spec --version {spec_release}` moves the pin",
            requirements_path.display()
        ));
    }
    Ok(spec_release)
}

/// Resolves `argv[1]` (space-separated requirements) with pip (`--dry-run --report`, no
/// install), optionally constrained by `argv[2:]`, and prints one `name==version` per line,
/// sorted as `pip freeze` sorts, without the packaging tools `pip freeze` leaves out.
const RESOLVE_PY: &str = "\
import json, os, subprocess, sys, tempfile
asks = sys.argv[1].split()
constraints = sys.argv[2:]
with tempfile.TemporaryDirectory() as d:
    report = os.path.join(d, 'report.json')
    cmd = [sys.executable, '-m', 'pip', 'install', '--dry-run', '--ignore-installed', '--quiet',
           '--disable-pip-version-check', '--no-input', '--report', report, *asks]
    if constraints:
        path = os.path.join(d, 'constraints.txt')
        with open(path, 'w') as f:
            f.write('\\n'.join(constraints) + '\\n')
        cmd += ['-c', path]
    if subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=sys.stderr).returncode:
        sys.exit('pip could not resolve ' + ' '.join(asks))
    with open(report) as f:
        install = json.load(f)['install']
pins = [(p['metadata']['name'], p['metadata']['version']) for p in install]
for name, version in sorted(pins, key=lambda p: p[0].lower()):
    if name.lower() not in ('pip', 'setuptools', 'wheel', 'distribute'):
        print(f'{name}=={version}')
";

/// What [`move_pin`] did.
#[derive(Debug)]
pub struct Moved {
    /// The `langgraph-api` pin before.
    pub from: String,
    /// Pins that changed, `name old -> new` (and `+name==v` / `-name==v`).
    pub changed: Vec<String>,
}

/// The requirements the freeze was made from, as its header lists them
/// (`#   a==1 b==2` lines between `of:` and `# Regenerate`).
fn header_asks(requirements: &str) -> Vec<String> {
    requirements
        .lines()
        .skip_while(|l| !l.trim_end().ends_with("of:"))
        .skip(1)
        .take_while(|l| l.starts_with("#   "))
        .flat_map(|l| {
            l.trim_start_matches('#')
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Re-pins the test server to `langgraph-api==version`: pip resolves the header's
/// requirements with the new release, first keeping every other pin (only the ones that
/// cannot stay move), and writes the new freeze with its header.
///
/// # Errors
/// pip cannot resolve the release, or an I/O error.
pub fn move_pin(root: &Path, version: &str) -> Result<Moved, String> {
    let path = requirements_path(root);
    let old = fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let from = pinned(&old, "langgraph-api").unwrap_or_else(|| "none".into());
    let is = |req: &str, name: &str| req.to_ascii_lowercase().starts_with(&format!("{name}=="));
    // The runtime is released in step with the API (each API release takes one minor of it).
    let tied = ["langgraph-api", "langgraph-runtime-inmem"];
    let mut asks: Vec<String> = header_asks(&old)
        .into_iter()
        .filter(|a| !tied.iter().any(|t| is(a, t)))
        .collect();
    asks.insert(1.min(asks.len()), format!("langgraph-api=={version}"));
    let old_pins: Vec<&str> = old
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    let venv = langgraph_testbed::ensure_venv().map_err(|e| e.to_string())?;
    let python = venv.join("bin").join("python");
    let resolve = |constraints: Vec<&str>| {
        let mut args = vec![asks.join(" ")];
        args.extend(constraints.into_iter().map(str::to_string));
        eprintln!("update-spec: resolving the test server's requirements with pip...");
        crate::update_spec::run_script(
            &python.display().to_string(),
            RESOLVE_PY,
            &args,
            "pip resolve",
        )
    };
    // Every other pin kept if it can be; else all of them free (pip picks the newest).
    let keep: Vec<&str> = old_pins
        .iter()
        .copied()
        .filter(|p| !tied.iter().any(|t| is(p, t)))
        .collect();
    let frozen = resolve(keep).or_else(|_| resolve(Vec::new()))?;
    let frozen = String::from_utf8_lossy(&frozen).to_string();
    let mut changed = Vec::new();
    let name = |p: &str| {
        p.split_once("==")
            .map_or(p, |(n, _)| n)
            .to_ascii_lowercase()
    };
    for new in frozen.lines() {
        match old_pins.iter().find(|o| name(o) == name(new)) {
            None => changed.push(format!("+{new}")),
            Some(o) if *o != new => changed.push(format!(
                "{} {} -> {}",
                name(new),
                o.split_once("==").map_or("", |(_, v)| v),
                new.split_once("==").map_or("", |(_, v)| v)
            )),
            _ => {}
        }
    }
    for o in &old_pins {
        if !frozen.lines().any(|n| name(n) == name(o)) {
            changed.push(format!("-{o}"));
        }
    }
    let runtime = pinned(&frozen, "langgraph-runtime-inmem");
    let mut header_reqs = asks.clone();
    if let Some(runtime) = runtime {
        header_reqs.insert(
            2.min(header_reqs.len()),
            format!("langgraph-runtime-inmem=={runtime}"),
        );
    }
    let mut text =
        String::from("# Full pinned set (what pip installs into a clean Python 3.11 venv) of:\n");
    for chunk in header_reqs.chunks(3) {
        text.push_str(&format!("#   {}\n", chunk.join(" ")));
    }
    text.push_str(
        "# Regenerate: `cargo xtask update-spec --version X.Y.Z` (pip resolves the above with the\n\
         # new langgraph-api, keeping every other pin that fits).\n",
    );
    text.push_str(&frozen);
    fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(Moved { from, changed })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vendored spec and the test server are the same release, and the record is the
    /// file's: otherwise `cargo xtask test` would test one release's spec against another's
    /// server.
    #[test]
    fn vendored_spec_and_test_server_agree() {
        let root = langgraph_testbed::workspace_root();
        match check(&root) {
            Ok(release) => {
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "openapi.json and the test server: langgraph-api {release}"
                );
            }
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn reads_pins_and_header() {
        let text = "# Full pinned freeze of:\n#   a[x]==1 langgraph-api==0.16.7\n#   b==2\n# Regenerate: ...\nLangGraph_API==0.16.7\nPyYAML==6.0\n";
        assert_eq!(pinned(text, "langgraph-api").as_deref(), Some("0.16.7"));
        assert_eq!(pinned(text, "pyyaml").as_deref(), Some("6.0"));
        assert_eq!(pinned(text, "b"), None, "header lines are comments");
        assert_eq!(
            header_asks(text),
            ["a[x]==1", "langgraph-api==0.16.7", "b==2"]
        );
    }

    #[test]
    fn check_names_what_disagrees() {
        let dir = std::env::temp_dir().join(format!("server-pin-{}", std::process::id()));
        fs::create_dir_all(dir.join("tests/server")).unwrap();
        fs::write(dir.join("openapi.json"), "{}").unwrap();
        let sha = sha256_hex(b"{}").unwrap();
        assert_eq!(
            sha,
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        let release = |v: Option<&str>, sha: &str| Release {
            langgraph_api: v.map(str::to_string),
            source: "test".into(),
            sha256: sha.into(),
        };
        fs::write(requirements_path(&dir), "# x\nlanggraph-api==0.16.7\n").unwrap();
        release(Some("0.16.7"), &sha).write(&dir).unwrap();
        assert_eq!(check(&dir), Ok("0.16.7".to_string()));
        release(Some("0.15.9"), &sha).write(&dir).unwrap();
        let err = check(&dir).unwrap_err();
        assert!(
            err.contains("from langgraph-api 0.15.9 but the test server is pinned at 0.16.7"),
            "{err}"
        );
        release(None, &sha).write(&dir).unwrap();
        assert!(
            check(&dir)
                .unwrap_err()
                .contains("does not say which langgraph-api release")
        );
        release(Some("0.16.7"), "00").write(&dir).unwrap();
        assert!(check(&dir).unwrap_err().contains("is not the file"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
