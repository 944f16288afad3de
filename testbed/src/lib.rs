//! Test bed for the LangGraph SDK: starts the real LangGraph Agent Server
//! (`langgraph dev`, in-memory runtime) with the deterministic test graphs of
//! `tests/server/`.
//!
//! Std-only. Used by `cargo xtask` and as a dev-dependency of the root crate's
//! tests, which find a server with [`shared_url`]:
//!
//! ```no_run
//! let url = langgraph_testbed::shared_url().expect("LangGraph test server");
//! // ... point the SDK client at `url` ...
//! # let _ = url;
//! ```
//!
//! The Python side lives in a virtualenv under `target/langgraph-venv`, created
//! on first use from `tests/server/requirements.txt` (see [`ensure_venv`]).
//! Each [`Server`] runs in its own work directory `target/langgraph-server/<port>/`
//! (the in-memory runtime writes its `.langgraph_api/` pickles into the current
//! directory), with its log in `server.log` there.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

/// Environment variable naming an already running server; when set and non-empty,
/// [`shared_url`] returns it instead of starting a server.
pub const TEST_URL_ENV: &str = "LANGGRAPH_TEST_URL";

/// Environment variable overriding the Python interpreter used to create the
/// virtualenv (default `python3`).
pub const PYTHON_ENV: &str = "LANGGRAPH_TEST_PYTHON";

/// How long [`Server::start`] waits for `GET /ok` to answer 200.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);

/// Concurrent runs per server (`langgraph dev --n-jobs-per-worker`). `langgraph dev`
/// defaults to 1, which would serialize every run of a parallel test suite.
pub const JOBS_PER_WORKER: u32 = 10;

/// A lock file older than this is considered left behind by a dead process.
const LOCK_STALE_AFTER: Duration = Duration::from_secs(15 * 60);

/// Lines of the server log quoted in start-up errors.
const LOG_TAIL_LINES: usize = 40;

/// An error of the test bed: a human-readable message (including, for start-up
/// failures, the tail of the server log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
        }
    }

    fn io(context: impl fmt::Display, err: io::Error) -> Error {
        Error::new(format!("{context}: {err}"))
    }

    /// The error message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The Cargo workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// The files of `tests/server` that `langgraph.json` names by path (the others by module);
/// each server gets a copy in its working directory.
const PATH_FILES: &[&str] = &["embeddings.py"];

/// The directory holding the test graphs and `langgraph.json` (`tests/server`).
pub fn server_dir() -> PathBuf {
    workspace_root().join("tests").join("server")
}

fn target_dir() -> PathBuf {
    workspace_root().join("target")
}

fn log(message: impl fmt::Display) {
    eprintln!("langgraph-testbed: {message}");
}

// --------------------------------------------------------------------------
// Virtualenv
// --------------------------------------------------------------------------

/// Makes sure the Python virtualenv with the pinned server packages exists and
/// is up to date; returns its directory, `<workspace>/target/langgraph-venv`.
///
/// The venv is created with `python3 -m venv` (interpreter overridable with the
/// environment variable `LANGGRAPH_TEST_PYTHON`), then populated with
/// `pip install -r tests/server/requirements.txt`. A stamp file in the venv
/// records the interpreter and the requirements it was built from; when they
/// change the packages are reinstalled (the venv is recreated if the
/// interpreter changed), otherwise this returns quickly. A lock file
/// (`target/langgraph-venv.lock`) keeps concurrent processes from building it
/// at the same time; a lock whose owner is gone, or older than 15 minutes, is
/// broken. Progress goes to stderr.
pub fn ensure_venv() -> Result<PathBuf, Error> {
    let venv = target_dir().join("langgraph-venv");
    let requirements_path = server_dir().join("requirements.txt");
    let requirements = fs::read_to_string(&requirements_path)
        .map_err(|e| Error::io(format!("reading {}", requirements_path.display()), e))?;
    let python = std::env::var(PYTHON_ENV)
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "python3".to_owned());
    let wanted = stamp_contents(&python, &requirements);
    let stamp = venv.join("langgraph-testbed.stamp");

    if is_up_to_date(&stamp, &wanted) {
        return Ok(venv);
    }
    fs::create_dir_all(target_dir())
        .map_err(|e| Error::io(format!("creating {}", target_dir().display()), e))?;
    let _lock = LockFile::acquire(&target_dir().join("langgraph-venv.lock"))?;
    // Another process may have finished the job while we waited for the lock.
    if is_up_to_date(&stamp, &wanted) {
        return Ok(venv);
    }

    let started = Instant::now();
    let same_python = fs::read_to_string(&stamp)
        .map(|s| s.lines().next() == wanted.lines().next())
        .unwrap_or(false);
    if venv.exists() && !(same_python && venv_python(&venv).exists()) {
        log(format!("removing outdated virtualenv {}", venv.display()));
        fs::remove_dir_all(&venv)
            .map_err(|e| Error::io(format!("removing {}", venv.display()), e))?;
    }
    if !venv_python(&venv).exists() {
        log(format!(
            "creating Python virtualenv {} with `{python} -m venv`",
            venv.display()
        ));
        run(Command::new(&python).args(["-m", "venv"]).arg(&venv)).map_err(|e| {
            Error::new(format!(
                "{e} (is python3-venv installed? set {PYTHON_ENV} to choose the interpreter)"
            ))
        })?;
    }
    log(format!(
        "installing the LangGraph server packages from {} (about 30 s)...",
        requirements_path.display()
    ));
    let _ = fs::remove_file(&stamp);
    run(Command::new(venv_python(&venv))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            "-r",
        ])
        .arg(&requirements_path))?;
    let tmp = venv.join("langgraph-testbed.stamp.tmp");
    fs::write(&tmp, &wanted)
        .and_then(|()| fs::rename(&tmp, &stamp))
        .map_err(|e| Error::io(format!("writing {}", stamp.display()), e))?;
    log(format!(
        "virtualenv ready in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    Ok(venv)
}

fn venv_python(venv: &Path) -> PathBuf {
    venv.join("bin").join("python")
}

fn stamp_contents(python: &str, requirements: &str) -> String {
    format!("python={python}\n{requirements}")
}

fn is_up_to_date(stamp: &Path, wanted: &str) -> bool {
    fs::read_to_string(stamp).is_ok_and(|s| s == wanted)
}

/// Runs a command to completion with its stdout sent to our stderr.
fn run(command: &mut Command) -> Result<(), Error> {
    let shown = format!("{command:?}");
    let status = command
        .stdin(Stdio::null())
        .stdout(Stdio::from(io::stderr()))
        .status()
        .map_err(|e| Error::io(format!("running {shown}"), e))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!("{shown} failed: {status}")))
    }
}

/// An exclusive lock held as long as the file exists (created with `create_new`).
struct LockFile {
    path: PathBuf,
}

impl LockFile {
    fn acquire(path: &Path) -> Result<LockFile, Error> {
        let mut announced = false;
        loop {
            match OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut file) => {
                    let _ = writeln!(file, "{}", std::process::id());
                    return Ok(LockFile {
                        path: path.to_path_buf(),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    if lock_is_stale(path) {
                        log(format!("breaking stale lock {}", path.display()));
                        let _ = fs::remove_file(path);
                        continue;
                    }
                    if !announced {
                        log(format!(
                            "waiting for another process to set up the virtualenv (lock {})",
                            path.display()
                        ));
                        announced = true;
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => return Err(Error::io(format!("creating {}", path.display()), e)),
            }
        }
    }
}

fn lock_is_stale(path: &Path) -> bool {
    let age = fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok());
    let Some(age) = age else {
        // Vanished meanwhile (or unreadable): let the next create_new decide.
        return false;
    };
    if age > LOCK_STALE_AFTER {
        return true;
    }
    // On Linux, a lock whose owner process is gone is stale at once. Give the
    // owner a moment to write its pid first.
    let owner = fs::read_to_string(path)
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok());
    match owner {
        Some(pid) if Path::new("/proc/self").exists() => {
            !Path::new(&format!("/proc/{pid}")).exists()
        }
        _ => false,
    }
}

impl Drop for LockFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

// --------------------------------------------------------------------------
// Server
// --------------------------------------------------------------------------

/// A free TCP port on 127.0.0.1 (bound to port 0, then released).
///
/// # Panics
/// If no loopback port can be bound at all.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("binding 127.0.0.1:0")
}

/// The shell wrapper around `langgraph dev`: the server runs in the background,
/// while a watcher waits for end-of-file on the original stdin (a pipe from the
/// parent). EOF, i.e. [`Server`] dropped or the parent process gone for any
/// reason, makes the watcher stop the server (SIGTERM, then SIGKILL to the whole
/// process group after 5 s). When the server exits by itself the shell
/// signals its process group (watcher included) and exits with its status.
const WRAPPER: &str = r#"
exec 3<&0 </dev/null
"$@" 3<&- &
pid=$!
(
  read _ignored <&3
  kill -TERM "$pid" 2>/dev/null
  i=0
  while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  kill -KILL 0
) &
exec 3<&-
wait "$pid"
status=$?
trap '' TERM
kill -TERM 0 2>/dev/null
exit "$status"
"#;

/// A running `langgraph dev` server with the test graphs, on a free loopback port.
///
/// Dropping it stops the server and everything it started. The server also dies
/// when the process that started it dies without running destructors (a
/// `static`, a killed test process): it is launched through a small shell that
/// watches its stdin, a pipe only this process holds.
#[derive(Debug)]
pub struct Server {
    url: String,
    port: u16,
    work_dir: PathBuf,
    log_path: PathBuf,
    /// The wrapper shell, leader of the server's process group.
    child: Child,
    /// Our end of the wrapper's stdin; dropping it stops the server.
    stdin: Option<ChildStdin>,
}

impl Server {
    /// Ensures the virtualenv ([`ensure_venv`]), then starts
    /// `langgraph dev --no-browser --no-reload --host 127.0.0.1 --port P
    /// --config tests/server/langgraph.json` on a free port and waits (up to
    /// [`STARTUP_TIMEOUT`]) until `GET /ok` answers 200.
    ///
    /// On failure the error includes the last lines of the server log.
    pub fn start() -> Result<Server, Error> {
        let venv = ensure_venv()?;
        let mut attempt = 1;
        loop {
            match Server::start_once(&venv) {
                Err(StartError::PortTaken(e)) if attempt < 3 => {
                    log(format!("{e}; retrying on another port"));
                    attempt += 1;
                }
                Err(StartError::PortTaken(e) | StartError::Other(e)) => return Err(e),
                Ok(server) => return Ok(server),
            }
        }
    }

    fn start_once(venv: &Path) -> Result<Server, StartError> {
        let started = Instant::now();
        let port = free_port();
        let work_dir = target_dir().join("langgraph-server").join(port.to_string());
        // The port was free, so no live server uses this directory.
        if work_dir.exists() {
            let _ = fs::remove_dir_all(&work_dir);
        }
        fs::create_dir_all(&work_dir)
            .map_err(|e| Error::io(format!("creating {}", work_dir.display()), e))?;
        let log_path = work_dir.join("server.log");
        let log_file = File::create(&log_path)
            .map_err(|e| Error::io(format!("creating {}", log_path.display()), e))?;
        let log_file2 = log_file
            .try_clone()
            .map_err(|e| Error::io("duplicating the log file handle", e))?;

        let server_dir = server_dir();
        // `langgraph dev` resolves the paths in langgraph.json (the store's embedding
        // function, `./embeddings.py`) against its working directory, not the file's.
        for file in PATH_FILES {
            fs::copy(server_dir.join(file), work_dir.join(file))
                .map_err(|e| Error::io(format!("copying {file} to {}", work_dir.display()), e))?;
        }
        let python_path = match std::env::var_os("PYTHONPATH") {
            Some(old) if !old.is_empty() => {
                let mut p = server_dir.clone().into_os_string();
                p.push(":");
                p.push(old);
                p
            }
            _ => server_dir.clone().into_os_string(),
        };
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(WRAPPER)
            .arg("langgraph-testbed")
            .arg(venv.join("bin").join("langgraph"))
            .args(["dev", "--no-browser", "--no-reload", "--host", "127.0.0.1"])
            .arg("--port")
            .arg(port.to_string())
            .arg("--n-jobs-per-worker")
            .arg(JOBS_PER_WORKER.to_string())
            .arg("--config")
            .arg(server_dir.join("langgraph.json"))
            .current_dir(&work_dir)
            // The graphs module is imported as `graphs` from tests/server.
            .env("PYTHONPATH", python_path)
            // Keep tests/server/__pycache__ out of the source tree.
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONUNBUFFERED", "1")
            // Plain-text log file.
            .env("LOG_COLOR", "false")
            .env("NO_COLOR", "1")
            // No network: no CLI analytics, no LangSmith tracing.
            .env("LANGGRAPH_CLI_NO_ANALYTICS", "1")
            .env("LANGSMITH_TRACING", "false")
            .env("LANGCHAIN_TRACING_V2", "false")
            .stdin(Stdio::piped())
            .stdout(Stdio::from(log_file))
            .stderr(Stdio::from(log_file2))
            // Own process group: a terminal Ctrl-C reaches us, not the server;
            // the server is stopped through the stdin pipe instead.
            .process_group(0);
        let mut child = command
            .spawn()
            .map_err(|e| Error::io("spawning sh for langgraph dev", e))?;
        let stdin = child.stdin.take();
        let mut server = Server {
            url: format!("http://127.0.0.1:{port}"),
            port,
            work_dir,
            log_path,
            child,
            stdin,
        };

        let deadline = started + STARTUP_TIMEOUT;
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                let tail = log_tail(&server.log_path, LOG_TAIL_LINES);
                let lower = tail.to_ascii_lowercase();
                let msg = format!(
                    "langgraph dev exited during start-up ({status}); last lines of {}:\n{tail}",
                    server.log_path.display()
                );
                return Err(
                    if lower.contains("address already in use") || lower.contains("errno 98") {
                        StartError::PortTaken(Error::new(msg))
                    } else {
                        StartError::Other(Error::new(msg))
                    },
                );
            }
            if matches!(http_get(port, "/ok"), Ok((200, _))) {
                log(format!(
                    "server ready at {} in {:.1} s (log: {})",
                    server.url,
                    started.elapsed().as_secs_f64(),
                    server.log_path.display()
                ));
                return Ok(server);
            }
            if Instant::now() >= deadline {
                let tail = log_tail(&server.log_path, LOG_TAIL_LINES);
                return Err(StartError::Other(Error::new(format!(
                    "langgraph dev did not answer GET /ok within {} s; last lines of {}:\n{tail}",
                    STARTUP_TIMEOUT.as_secs(),
                    server.log_path.display()
                ))));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The server's base URL, e.g. `http://127.0.0.1:43123` (no trailing `/`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The server's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's log file (`target/langgraph-server/<port>/server.log`).
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// Whether the server process is still running (`false` once it exited).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Stops the server and waits until it and its process group are gone.
    /// Equivalent to dropping it.
    pub fn stop(self) {}
}

impl Drop for Server {
    fn drop(&mut self) {
        // EOF on the wrapper's stdin: it SIGTERMs the server, SIGKILLs the group
        // after 5 s at most.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() >= deadline => {
                    let pgid = format!("-{}", self.child.id());
                    let _ = Command::new("kill")
                        .args(["-KILL", "--", &pgid])
                        .stderr(Stdio::null())
                        .status();
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        // The server's in-memory state pickles; the log stays for inspection.
        let _ = fs::remove_dir_all(self.work_dir.join(".langgraph_api"));
    }
}

enum StartError {
    /// The server could not bind its port (someone took it after `free_port`).
    PortTaken(Error),
    Other(Error),
}

impl From<Error> for StartError {
    fn from(e: Error) -> StartError {
        StartError::Other(e)
    }
}

/// The last `n` lines of a file (lossy UTF-8), or a note that it is unreadable.
fn log_tail(path: &Path, n: usize) -> String {
    match fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(n)..].join("\n")
        }
        Err(e) => format!("(cannot read the log: {e})"),
    }
}

/// A minimal `GET` on 127.0.0.1:`port` with HTTP/1.1 and `Connection: close`;
/// returns the status code and the raw body.
fn http_get(port: u16, path: &str) -> io::Result<(u16, String)> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let response = String::from_utf8_lossy(&response);
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "malformed HTTP response"))?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

// --------------------------------------------------------------------------
// Shared server
// --------------------------------------------------------------------------

/// The URL of a server for tests.
///
/// If the environment variable `LANGGRAPH_TEST_URL` is set and non-empty, it is
/// returned (without trailing `/`): `cargo xtask test` starts one server for the
/// whole suite this way. Otherwise one [`Server`] is started for this process on
/// first call and kept for the process lifetime (it dies with the process);
/// later calls return its URL, or the same start-up error.
pub fn shared_url() -> Result<String, Error> {
    if let Some(url) = url_from_env(std::env::var(TEST_URL_ENV).ok()) {
        return Ok(url);
    }
    static SHARED: OnceLock<Result<Server, Error>> = OnceLock::new();
    SHARED
        .get_or_init(Server::start)
        .as_ref()
        .map(|s| s.url().to_owned())
        .map_err(Clone::clone)
}

fn url_from_env(value: Option<String>) -> Option<String> {
    let trimmed = value?.trim().trim_end_matches('/').to_owned();
    (!trimmed.is_empty()).then_some(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_port_is_bindable_and_nonzero() {
        let port = free_port();
        assert_ne!(port, 0);
        TcpListener::bind((Ipv4Addr::LOCALHOST, port)).expect("the port is free");
    }

    #[test]
    fn url_from_env_trims() {
        assert_eq!(url_from_env(None), None);
        assert_eq!(url_from_env(Some(String::new())), None);
        assert_eq!(url_from_env(Some("  ".into())), None);
        assert_eq!(url_from_env(Some("/".into())), None);
        assert_eq!(
            url_from_env(Some("http://127.0.0.1:2024/".into())).as_deref(),
            Some("http://127.0.0.1:2024")
        );
        assert_eq!(
            url_from_env(Some("http://h:1//".into())).as_deref(),
            Some("http://h:1")
        );
        assert_eq!(
            url_from_env(Some("http://h:1/base".into())).as_deref(),
            Some("http://h:1/base")
        );
    }

    #[test]
    fn workspace_paths() {
        let root = workspace_root();
        assert!(root.join("Cargo.toml").is_file());
        assert!(server_dir().join("langgraph.json").is_file());
        assert!(server_dir().join("requirements.txt").is_file());
    }

    #[test]
    fn log_tail_keeps_last_lines() {
        let dir = target_dir().join("langgraph-testbed-unit");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("tail-{}.log", std::process::id()));
        fs::write(&path, "a\nb\nc\nd\n").unwrap();
        assert_eq!(log_tail(&path, 2), "c\nd");
        assert_eq!(log_tail(&path, 10), "a\nb\nc\nd");
        fs::remove_file(&path).unwrap();
        assert!(log_tail(&path, 2).starts_with("(cannot read the log"));
    }

    #[test]
    fn error_display() {
        let e = Error::new("boom");
        assert_eq!(e.to_string(), "boom");
        assert_eq!(e.message(), "boom");
    }

    /// Starts a real server (creates the venv on first run, ~30 s), checks
    /// `GET /ok`, stops it and checks the port is closed.
    #[test]
    fn server_starts_answers_and_stops() {
        let server = Server::start().unwrap_or_else(|e| panic!("{e}"));
        let port = server.port();
        assert_eq!(server.url(), format!("http://127.0.0.1:{port}"));
        let (status, body) = http_get(port, "/ok").expect("GET /ok");
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("\"ok\""), "{body}");
        let log_path = server.log_path().to_path_buf();
        drop(server);
        assert!(
            http_get(port, "/ok").is_err(),
            "port {port} still answers after drop"
        );
        assert!(log_path.is_file());
    }
}
