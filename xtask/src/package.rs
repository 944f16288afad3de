//! `cargo xtask package`: the published crates packaged and verified, then used from outside
//! the workspace.
//!
//! 1. `cargo package` for `langgraph-sdk-codegen`, `langgraph-sdk-macros` and `langgraph-sdk`:
//!    each `.crate` is unpacked and built on its own, so a file missing from an `include` list
//!    fails here.
//! 2. The downstream crate (`.ci/downstream/`, its own workspace) is copied under
//!    `target/downstream/`, its `langgraph-sdk` dependency patched to the unpacked `.crate`
//!    contents (never the source tree), built, and run against a test server.

use std::{
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
    time::Instant,
};

use langgraph_testbed::{Server, workspace_root};

use crate::Error;

/// The crates a user downloads, in dependency order.
const CRATES: [&str; 3] = [
    "langgraph-sdk-codegen",
    "langgraph-sdk-macros",
    "langgraph-sdk",
];

const USAGE: &str = "usage: cargo xtask package [--allow-dirty] [--clean] [--timings]";

/// Runs the three steps; `--allow-dirty` packages uncommitted changes, `--clean` removes the
/// downstream crate's build first (to measure a clean build), `--timings` writes cargo's build
/// timings report.
pub fn run(args: &[String]) -> Result<ExitCode, Error> {
    let (mut allow_dirty, mut clean, mut timings) = (false, false, false);
    for arg in args {
        match arg.as_str() {
            "--allow-dirty" => allow_dirty = true,
            "--clean" => clean = true,
            "--timings" => timings = true,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}").into()),
        }
    }
    let root = workspace_root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));

    // Verification builds the packages in a target directory of its own. Cargo takes a
    // registry crate of a given version to be immutable, so the last build of our crates
    // there would be reused even though their sources changed: their fingerprints go first.
    let verify_dir = target.join("package-verify");
    forget_builds(&verify_dir.join("debug").join(".fingerprint"))?;
    let version = workspace_version(&root)?;
    forget_sources(&version)?;
    let mut package = crate::cargo();
    package.arg("package").arg("--target-dir").arg(&verify_dir);
    for name in CRATES {
        package.args(["-p", name]);
    }
    if allow_dirty {
        package.arg("--allow-dirty");
    }
    let status = package
        .status()
        .map_err(|e| format!("running cargo package: {e}"))?;
    if !status.success() {
        return Ok(crate::exit_code(status));
    }

    let downstream = target.join("downstream");
    let crates = downstream.join("crates");
    let project = downstream.join("project");
    for dir in [&crates, &project] {
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(|e| format!("removing {}: {e}", dir.display()))?;
        }
        fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let mut patches = Vec::new();
    for name in CRATES {
        let file = verify_dir
            .join("package")
            .join(format!("{name}-{version}.crate"));
        unpack(&file, &crates)?;
        let dir = crates.join(format!("{name}-{version}"));
        patches.push(format!(
            "patch.crates-io.{name}.path={:?}",
            dir.display().to_string()
        ));
    }
    copy_dir(&root.join(".ci/downstream"), &project)?;
    // The workspace's lock file, so that the downstream build resolves the versions the
    // workspace tested (cargo drops what the downstream crate does not use).
    fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock"))
        .map_err(|e| format!("copying Cargo.lock: {e}"))?;

    let build_dir = downstream.join("target");
    if clean && build_dir.exists() {
        fs::remove_dir_all(&build_dir)
            .map_err(|e| format!("removing {}: {e}", build_dir.display()))?;
    }
    let mut build = crate::cargo();
    build
        .arg("build")
        .arg("--manifest-path")
        .arg(project.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &build_dir);
    for patch in &patches {
        build.args(["--config", patch]);
    }
    if timings {
        build.arg("--timings");
    }
    let started = Instant::now();
    let status = build
        .status()
        .map_err(|e| format!("building the downstream crate: {e}"))?;
    if !status.success() {
        return Ok(crate::exit_code(status));
    }
    eprintln!(
        "downstream crate built from the packaged crates in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let server = Server::start()?;
    let binary = build_dir.join("debug").join("langgraph-sdk-downstream");
    let status = std::process::Command::new(&binary)
        .env("LANGGRAPH_API_URL", server.url())
        .env_remove("LANGGRAPH_API_KEY")
        .status()
        .map_err(|e| format!("running {}: {e}", binary.display()))?;
    drop(server);
    Ok(crate::exit_code(status))
}

/// Removes the build fingerprints of our crates (`langgraph-sdk-*`) from `dir`, so that cargo
/// builds them again.
fn forget_builds(dir: &Path) -> Result<(), Error> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry?;
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with("langgraph-sdk-")
        {
            fs::remove_dir_all(entry.path())
                .map_err(|e| format!("removing {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Removes cargo's unpacked copies of our crates taken from a local registry (the one
/// `cargo package` verifies with): cargo unpacks a registry crate once per version and reuses
/// it, so a later package of the same version would be verified with the old sources.
fn forget_sources(version: &str) -> Result<(), Error> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let Some(Ok(registries)) = home.map(|h| fs::read_dir(h.join("registry").join("src"))) else {
        return Ok(());
    };
    for registry in registries {
        let registry = registry?;
        // Local registries are named by their hash alone (`-3ca82dcaa01a7b04`); remote ones
        // by their host.
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for name in CRATES {
            let unpacked = registry.path().join(format!("{name}-{version}"));
            if unpacked.exists() {
                fs::remove_dir_all(&unpacked)
                    .map_err(|e| format!("removing {}: {e}", unpacked.display()))?;
            }
        }
    }
    Ok(())
}

/// The `version` of the root package.
fn workspace_version(root: &Path) -> Result<String, Error> {
    let manifest = fs::read_to_string(root.join("Cargo.toml"))?;
    let package = manifest
        .split("\n[package]")
        .nth(1)
        .ok_or("no [package] in Cargo.toml")?;
    package
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.split('"').next())
        .map(str::to_string)
        .ok_or_else(|| "no package version in Cargo.toml".into())
}

/// Unpacks a `.crate` (a gzipped tarball) into `dir`.
fn unpack(file: &Path, dir: &Path) -> Result<(), Error> {
    let status = std::process::Command::new("tar")
        .arg("-xzf")
        .arg(file)
        .arg("-C")
        .arg(dir)
        .status()
        .map_err(|e| format!("running tar: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cannot unpack {}", file.display()).into())
    }
}

/// Copies the files of `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) -> Result<(), Error> {
    for entry in fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            fs::create_dir_all(&dest)?;
            copy_dir(&entry.path(), &dest)?;
        } else {
            fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}
