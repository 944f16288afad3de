//! A scripted HTTP/1.1 server for faults the real server cannot produce on demand
//! (503 bursts, dropped connections, malformed bytes). Never a stand-in for API behaviour.

#![allow(dead_code)]

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Answers with this status, headers and body.
    Respond(u16, Vec<(&'static str, String)>, String),
    /// Reads the request, then closes the connection without answering.
    Hangup,
    /// Sends these raw bytes, then closes the connection.
    Raw(Vec<u8>),
    /// Sends `head` (status line and headers, blank line included), then each chunk after a
    /// pause of `every`, then closes; stops early when the client goes away.
    Drip {
        head: String,
        chunks: Vec<Vec<u8>>,
        every: Duration,
    },
    /// Sends `head`, then `bytes` bytes of `fill` repeated, then closes; stops early when the
    /// client goes away. `sent` counts what was written.
    Flood {
        head: String,
        fill: u8,
        bytes: usize,
        sent: Arc<std::sync::atomic::AtomicUsize>,
    },
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Respond(
            status,
            vec![("content-type", "application/json".into())],
            body.to_string(),
        )
    }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Seen {
    /// `POST /threads/x/runs`
    pub line: String,
    /// Header lines, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

/// A running mock server.
pub struct Mock {
    /// `http://127.0.0.1:port`
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Mock {
    /// Serves `script` in order, one reply per request; then answers 500.
    pub async fn start(script: Vec<Reply>) -> Mock {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Mock::serve(listener, script)
    }

    /// Serves on an existing listener.
    pub fn serve(listener: TcpListener, script: Vec<Reply>) -> Mock {
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let script = Arc::new(Mutex::new(std::collections::VecDeque::from(script)));
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let log = log.clone();
                let script = script.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut socket).await else {
                        return;
                    };
                    log.lock().unwrap().push(request);
                    let reply = script
                        .lock()
                        .unwrap()
                        .pop_front()
                        .unwrap_or(Reply::json(500, "{\"detail\": \"script exhausted\"}"));
                    match reply {
                        Reply::Respond(status, headers, body) => {
                            let mut out = format!(
                                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                                body.len()
                            );
                            for (k, v) in headers {
                                out.push_str(&format!("{k}: {v}\r\n"));
                            }
                            out.push_str("\r\n");
                            out.push_str(&body);
                            let _ = socket.write_all(out.as_bytes()).await;
                        }
                        Reply::Hangup => {}
                        Reply::Raw(bytes) => {
                            let _ = socket.write_all(&bytes).await;
                        }
                        Reply::Drip {
                            head,
                            chunks,
                            every,
                        } => {
                            if socket.write_all(head.as_bytes()).await.is_ok() {
                                for chunk in chunks {
                                    tokio::time::sleep(every).await;
                                    if socket.write_all(&chunk).await.is_err() {
                                        break;
                                    }
                                }
                            }
                        }
                        Reply::Flood {
                            head,
                            fill,
                            bytes,
                            sent,
                        } => {
                            let block = vec![fill; 64 * 1024];
                            if socket.write_all(head.as_bytes()).await.is_ok() {
                                let mut left = bytes;
                                while left > 0 {
                                    let n = left.min(block.len());
                                    if socket.write_all(&block[..n]).await.is_err() {
                                        break;
                                    }
                                    sent.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
                                    left -= n;
                                }
                            }
                        }
                    }
                    let _ = socket.shutdown().await;
                });
            }
        });
        Mock { url, seen }
    }

    /// The requests received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let line = lines.next()?.rsplit_once(' ')?.0.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
    Some(Seen {
        line,
        headers,
        body,
    })
}
