//! Waiting for a child process with a time limit, its output read as it comes.

use std::{
    io::Read,
    process::{Child, ExitStatus},
    time::{Duration, Instant},
};

/// What a child process did.
pub struct Finished {
    /// Its exit status; `None` when it was killed at the time limit.
    pub status: Option<ExitStatus>,
    /// Its stdout (empty unless piped).
    pub stdout: String,
    /// Its stderr (empty unless piped).
    pub stderr: String,
}

/// Waits for `child` at most `timeout`, and kills it then. Its piped stdout and stderr are
/// read on threads of their own: a child blocked on a full pipe would never exit.
pub fn wait(mut child: Child, timeout: Duration) -> std::io::Result<Finished> {
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ok(Finished {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

fn read_all(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}
