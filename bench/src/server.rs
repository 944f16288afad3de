//! `langgraph-bench serve`: a fast fake Agent Server for the client benchmarks.
//!
//! Hand-written HTTP/1.1 on tokio, keep-alive, only as much of the protocol as the benchmarked
//! clients use (requests without bodies, or with a `Content-Length` body that is skipped).
//! Routes:
//!
//! - `GET /threads/{t}/runs/{r}/stream`: an SSE stream of fixture events (chunked), where `t`
//!   is `n-<N>` (events `1..=N`) or `bytes-<B>` (the fewest events making at least `B` bytes).
//!   `Last-Event-ID: <k>-0` starts after event `k`. Headers as the real server sends them,
//!   `Location` (the resumable stream) included.
//! - `GET /threads/{t}/runs/{r}`: a run with `"status": "success"`.
//! - `GET /threads/{t}`: a thread.
//! - anything else: 404 with a JSON body.
//!
//! The first 100,000 events are generated once and written from memory; later ones (the 1 GB
//! stream) are generated into a reused buffer as they are sent.

use std::{io, sync::Arc};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::fixture::Fixture;

/// Bytes per HTTP chunk of a stream.
const CHUNK: usize = 256 * 1024;
/// The largest request head accepted.
const MAX_HEAD: usize = 64 * 1024;

const THREAD_ID: &str = "01a1ff9f-4566-7284-923e-b745318604cd";
const RUN_ID: &str = "01a1ff9f-4600-7338-846c-6d623423d1f4";
const ASSISTANT_ID: &str = "eb6db400-e3c8-5d06-a834-015cb89efe69";

pub fn run(port: u16) -> Result<(), Box<dyn std::error::Error>> {
    let fixture = Arc::new(Fixture::new());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        println!("LISTENING http://{addr}");
        eprintln!(
            "langgraph-bench serve: {} events cached, mean event size {:.1} bytes",
            crate::fixture::CACHED_EVENTS,
            fixture.mean_event_len()
        );
        loop {
            let (socket, _) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait and go on.
                    eprintln!("langgraph-bench serve: accept: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            };
            let _ = socket.set_nodelay(true);
            let fixture = fixture.clone();
            tokio::spawn(async move {
                let _ = connection(socket, &fixture).await;
            });
        }
    })
}

/// A parsed request head.
struct Request {
    method: String,
    path: String,
    last_event_id: Option<String>,
    content_length: usize,
    close: bool,
}

fn parse_head(head: &[u8]) -> Option<Request> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?;
    let version = first.next()?;
    let path = target.split('?').next()?.to_string();
    let mut request = Request {
        method,
        path,
        last_event_id: None,
        content_length: 0,
        close: version == "HTTP/1.0",
    };
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("last-event-id") {
            request.last_event_id = Some(value.to_string());
        } else if name.eq_ignore_ascii_case("content-length") {
            request.content_length = value.parse().ok()?;
        } else if name.eq_ignore_ascii_case("connection") {
            request.close = value.eq_ignore_ascii_case("close");
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // Chunked request bodies are not supported (no benchmarked request has one).
            return None;
        }
    }
    Some(request)
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

async fn connection(mut socket: TcpStream, fixture: &Fixture) -> io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut scan_from: usize = 0;
    loop {
        let head_end = loop {
            if let Some(end) = find_head_end(&buf[scan_from.saturating_sub(3)..]) {
                break scan_from.saturating_sub(3) + end;
            }
            scan_from = buf.len();
            if buf.len() > MAX_HEAD {
                return Ok(());
            }
            if socket.read_buf(&mut buf).await? == 0 {
                return Ok(());
            }
        };
        let Some(request) = parse_head(&buf[..head_end]) else {
            let body = br#"{"detail":"bad request"}"#;
            write_json(&mut socket, 400, body, true).await?;
            return Ok(());
        };
        // Skip the body; keep what follows (a pipelined request).
        let need = head_end + request.content_length;
        while buf.len() < need {
            if socket.read_buf(&mut buf).await? == 0 {
                return Ok(());
            }
        }
        buf.drain(..need);
        scan_from = 0;
        respond(&mut socket, fixture, &request).await?;
        if request.close {
            return Ok(());
        }
    }
}

async fn respond(socket: &mut TcpStream, fixture: &Fixture, request: &Request) -> io::Result<()> {
    let segments: Vec<&str> = request.path.split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["", "threads", thread, "runs", run, "stream"]) => {
            match stream_length(fixture, thread) {
                Some(events) => stream(socket, fixture, request, thread, run, events).await,
                None => not_found(socket, request).await,
            }
        }
        ("GET", ["", "threads", _, "runs", _]) => {
            let body = run_json();
            write_json(socket, 200, body.as_bytes(), request.close).await
        }
        ("GET", ["", "threads", _]) => {
            let body = thread_json();
            write_json(socket, 200, body.as_bytes(), request.close).await
        }
        _ => not_found(socket, request).await,
    }
}

/// The number of events of thread `t`'s streams.
pub fn stream_length(fixture: &Fixture, thread: &str) -> Option<u64> {
    if let Some(n) = thread.strip_prefix("n-") {
        n.parse().ok()
    } else if let Some(b) = thread.strip_prefix("bytes-") {
        b.parse().ok().map(|b| fixture.events_for_bytes(b))
    } else {
        None
    }
}

async fn not_found(socket: &mut TcpStream, request: &Request) -> io::Result<()> {
    write_json(socket, 404, br#"{"detail":"Not Found"}"#, request.close).await
}

async fn write_json(
    socket: &mut TcpStream,
    status: u16,
    body: &[u8],
    close: bool,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let connection = if close { "close" } else { "keep-alive" };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: {connection}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    socket.write_all(&out).await
}

/// Streams events `after + 1..=last` as chunks of about [`CHUNK`] bytes.
async fn stream(
    socket: &mut TcpStream,
    fixture: &Fixture,
    request: &Request,
    thread: &str,
    run: &str,
    last: u64,
) -> io::Result<()> {
    let after = request
        .last_event_id
        .as_deref()
        .and_then(|id| id.split('-').next())
        .and_then(|k| k.trim().parse::<u64>().ok())
        .unwrap_or(0);
    let connection = if request.close { "close" } else { "keep-alive" };
    let head = format!(
        "HTTP/1.1 200 OK\r\nlocation: /threads/{thread}/runs/{run}/stream\r\ncontent-location: /threads/{thread}/runs/{run}\r\ncache-control: no-store\r\nconnection: {connection}\r\nx-accel-buffering: no\r\ncontent-type: text/event-stream; charset=utf-8\r\ntransfer-encoding: chunked\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await?;
    let mut out: Vec<u8> = Vec::with_capacity(CHUNK + 1024);
    let mut k = after + 1;
    while k <= last {
        if let Some(bytes) = fixture.cached(k, last.min(crate::fixture::CACHED_EVENTS)) {
            for piece in bytes.chunks(CHUNK) {
                out.clear();
                out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
                out.extend_from_slice(piece);
                out.extend_from_slice(b"\r\n");
                socket.write_all(&out).await?;
            }
            k = last.min(crate::fixture::CACHED_EVENTS) + 1;
            continue;
        }
        // Beyond the cache: generate, leaving room for the chunk size line.
        const SIZE_LINE: usize = 10;
        out.clear();
        out.resize(SIZE_LINE, b' ');
        while k <= last && out.len() < CHUNK {
            fixture.write_event(k, &mut out);
            k += 1;
        }
        let size = format!("{:x}\r\n", out.len() - SIZE_LINE);
        // Right-align the size line: chunk-size may not have leading spaces, so drop the pad.
        let start = SIZE_LINE - size.len();
        out[start..SIZE_LINE].copy_from_slice(size.as_bytes());
        out.extend_from_slice(b"\r\n");
        socket.write_all(&out[start..]).await?;
    }
    socket.write_all(b"0\r\n\r\n").await
}

fn run_json() -> String {
    format!(
        r#"{{"run_id":"{RUN_ID}","thread_id":"{THREAD_ID}","assistant_id":"{ASSISTANT_ID}","metadata":{{"graph_id":"chat","assistant_id":"{ASSISTANT_ID}"}},"status":"success","kwargs":{{"input":{{"messages":[{{"role":"user","content":"hi"}}]}},"stream_mode":["messages-tuple"],"resumable":true}},"multitask_strategy":"enqueue","created_at":"2026-01-01T00:00:00.000000+00:00","updated_at":"2026-01-01T00:00:01.000000+00:00","langsmith_session_name":null}}"#
    )
}

fn thread_json() -> String {
    format!(
        r#"{{"thread_id":"{THREAD_ID}","created_at":"2026-01-01T00:00:00.000000+00:00","updated_at":"2026-01-01T00:00:01.000000+00:00","state_updated_at":"2026-01-01T00:00:01.000000+00:00","metadata":{{"graph_id":"echo","assistant_id":"{ASSISTANT_ID}"}},"status":"idle","config":{{"configurable":{{}}}},"values":{{"text":"hi","echo":"hi","count":1,"user_id":null}},"error":null,"interrupts":{{}}}}"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_parse() {
        let r = parse_head(
            b"GET /threads/n-5/runs/r/stream?x=1 HTTP/1.1\r\nHost: h\r\nLast-Event-ID: 3-0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/threads/n-5/runs/r/stream");
        assert_eq!(r.last_event_id.as_deref(), Some("3-0"));
        assert!(!r.close);
        let r = parse_head(b"POST /x HTTP/1.1\r\ncontent-length: 12\r\nConnection: close\r\n\r\n")
            .unwrap();
        assert_eq!(r.content_length, 12);
        assert!(r.close);
    }

    #[test]
    fn bodies_are_valid_json() {
        let run: serde_json::Value = serde_json::from_str(&run_json()).unwrap();
        assert_eq!(run["status"], "success");
        let thread: serde_json::Value = serde_json::from_str(&thread_json()).unwrap();
        assert_eq!(thread["status"], "idle");
    }
}
