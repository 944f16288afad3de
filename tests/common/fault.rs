//! A TCP proxy between a client and the real server that injects one fault (a cut of one
//! connection after a given number of response bytes) and records where it fell: in the
//! response's headers, in its body, or after it. Without a fault it is a recording relay: a
//! test can check what the client sent to the real server. A fault test counts only the runs whose cut
//! really fell where the test means it to, so that a figure never counts a cut that missed.
//!
//! The proxy follows the HTTP/1.1 framing of every response it forwards (head, then a
//! `Content-Length` or chunked body), so it knows the exact boundaries, and it keeps each
//! response's decoded body: a test can measure a reference stream and see what the server
//! really sent (a repeated block, say), independently of what the client made of it.
//!
//! ```ignore
//! let reference = Proxy::start(&upstream, None).await;
//! // ... one uncut run through reference.url ...
//! let (head, body) = reference.response(0, 0).unwrap().wire();
//! let cut = CutAt { connection: 0, after: head + body / 2, how: Cut::Reset };
//! let proxy = Proxy::start(&upstream, Some(cut)).await;
//! // ... the same run through proxy.url ...
//! assert!(matches!(proxy.cut().unwrap().landed, Landed::Body { .. }));
//! ```
//!
//! Every fault test keeps to this: its cut points come from a measured reference, and it
//! counts (and prints figures from) only the runs whose cut landed where it meant.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// How the proxy ends the connection it cuts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Closes both sides cleanly (FIN).
    Close,
    /// Resets the client side (RST): a transport error.
    Reset,
}

/// A cut of one connection.
#[derive(Debug, Clone, Copy)]
pub struct CutAt {
    /// Which connection (0: the first the client opens).
    pub connection: usize,
    /// After this many bytes from the server on that connection.
    pub after: usize,
    pub how: Cut,
}

/// Where a cut fell, relative to the first response on the cut connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Landed {
    /// Inside the response's status line and headers: the client got no response.
    Headers,
    /// Inside the response's body: the client got `bytes` of the decoded body, holding
    /// `events` complete SSE events, and not the body's end.
    Body { bytes: usize, events: usize },
    /// After the response was complete (in a later response on the same connection, or
    /// between responses): the response itself was not cut.
    After,
}

/// What the proxy recorded about its cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutReport {
    /// Bytes the client received on the cut connection.
    pub at: usize,
    pub landed: Landed,
}

/// One response as the proxy forwarded it.
#[derive(Debug, Clone, Default)]
pub struct Response {
    /// The status line and headers, as sent.
    pub head: String,
    /// Length of the head on the wire (up to and including the blank line).
    pub head_len: usize,
    /// The body, decoded from its framing (chunks joined).
    pub body: Vec<u8>,
    /// Length of the body on the wire, framing included.
    pub body_len: usize,
    /// Whether the body's end was forwarded.
    pub complete: bool,
}

impl Response {
    /// `(head, body)` lengths on the wire.
    pub fn wire(&self) -> (usize, usize) {
        (self.head_len, self.body_len)
    }

    /// The SSE events of the body, as `(id, event, data)`, in order (complete events only).
    pub fn events(&self) -> Vec<(String, String, String)> {
        sse_events(&self.body)
    }
}

/// Complete SSE events of `body` as `(id, event, data)` (a plain reading of the format,
/// enough for what the server sends; independent of the SDK's decoder).
pub fn sse_events(body: &[u8]) -> Vec<(String, String, String)> {
    let text = String::from_utf8_lossy(body).replace("\r\n", "\n");
    let complete = text.rfind("\n\n").map_or("", |end| &text[..end]);
    complete
        .split("\n\n")
        .filter_map(|block| {
            let (mut id, mut event, mut data) = (String::new(), String::new(), Vec::new());
            for line in block.lines() {
                let (field, value) = line.split_once(':').unwrap_or((line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                match field {
                    "id" => id = value.to_string(),
                    "event" => event = value.to_string(),
                    "data" => data.push(value),
                    _ => {}
                }
            }
            (!event.is_empty() || !data.is_empty()).then(|| (id, event, data.join("\n")))
        })
        .collect()
}

#[derive(Default)]
struct Record {
    connections: usize,
    /// Per connection, the responses forwarded on it.
    responses: Vec<Vec<Response>>,
    /// Per connection, the bytes the client sent.
    sent: Vec<Vec<u8>>,
    cut: Option<CutReport>,
}

/// A running proxy; it lives as long as the test's runtime.
pub struct Proxy {
    /// `http://127.0.0.1:port`
    pub url: String,
    record: Arc<Mutex<Record>>,
}

impl Proxy {
    /// A proxy to `upstream` (`http://host:port` or `host:port`) that makes `cut`, if any.
    pub async fn start(upstream: &str, cut: Option<CutAt>) -> Proxy {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let record: Arc<Mutex<Record>> = Arc::default();
        let shared = record.clone();
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let index = {
                    let mut r = shared.lock().unwrap();
                    r.connections += 1;
                    r.responses.push(Vec::new());
                    r.sent.push(Vec::new());
                    r.connections - 1
                };
                let cut = cut
                    .filter(|c| c.connection == index)
                    .map(|c| (c.after, c.how));
                let upstream = upstream.clone();
                let record = shared.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(&upstream).await {
                        relay(client, server, cut, index, record).await;
                    }
                });
            }
        });
        Proxy { url, record }
    }

    /// Connections the client opened so far.
    pub fn connections(&self) -> usize {
        self.record.lock().unwrap().connections
    }

    /// Where the cut fell; `None` if the connection never carried enough bytes to be cut.
    pub fn cut(&self) -> Option<CutReport> {
        self.record.lock().unwrap().cut.clone()
    }

    /// Response `n` of connection `connection`, as forwarded so far.
    pub fn response(&self, connection: usize, n: usize) -> Option<Response> {
        let r = self.record.lock().unwrap();
        r.responses.get(connection)?.get(n).cloned()
    }

    /// Every response of every connection, in order of connection.
    pub fn responses(&self) -> Vec<Vec<Response>> {
        self.record.lock().unwrap().responses.clone()
    }

    /// Every request the client sent, in order of connection: what went on the wire.
    pub fn requests(&self) -> Vec<Request> {
        let r = self.record.lock().unwrap();
        r.sent.iter().flat_map(|bytes| requests(bytes)).collect()
    }
}

/// A request as the client sent it.
#[derive(Debug, Clone)]
pub struct Request {
    /// `PATCH /threads/<id>?include=ttl`
    pub line: String,
    /// The header lines.
    pub head: String,
    /// The body (`Content-Length` framed, as the client sends JSON).
    pub body: String,
}

impl Request {
    /// The body as JSON (`null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_default()
    }
}

/// The requests in the bytes a client sent on one connection.
fn requests(mut bytes: &[u8]) -> Vec<Request> {
    let mut out = Vec::new();
    while let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&bytes[..end]).to_string();
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())?
            })
            .unwrap_or(0);
        let body_end = (end + 4 + length).min(bytes.len());
        let (line, head) = head.split_once("\r\n").unwrap_or((&head, ""));
        out.push(Request {
            line: line.rsplit_once(' ').map_or(line, |(l, _)| l).to_string(),
            head: head.to_string(),
            body: String::from_utf8_lossy(&bytes[end + 4..body_end]).to_string(),
        });
        bytes = &bytes[body_end..];
    }
    out
}

async fn relay(
    mut client: TcpStream,
    mut server: TcpStream,
    cut: Option<(usize, Cut)>,
    index: usize,
    record: Arc<Mutex<Record>>,
) {
    let mut framing = Framing::default();
    let (mut up, mut down) = ([0u8; 8192], [0u8; 8192]);
    let mut sent = 0usize;
    loop {
        tokio::select! {
            read = client.read(&mut up) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    record.lock().unwrap().sent[index].extend_from_slice(&up[..n]);
                    if server.write_all(&up[..n]).await.is_err() { return }
                }
            },
            read = server.read(&mut down) => {
                let n = match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                let forward = match cut {
                    Some((after, _)) => n.min(after - sent),
                    None => n,
                };
                let landed = {
                    let mut r = record.lock().unwrap();
                    let responses = &mut r.responses[index];
                    framing.feed(responses, &down[..forward]);
                    let cuts = matches!(cut, Some((after, _)) if sent + forward == after);
                    cuts.then(|| landed(responses))
                };
                if client.write_all(&down[..forward]).await.is_err() {
                    return;
                }
                sent += forward;
                if let (Some((_, how)), Some(landed)) = (cut, landed) {
                        record.lock().unwrap().cut = Some(CutReport { at: sent, landed });
                        match how {
                            Cut::Close => {
                                let _ = client.shutdown().await;
                            }
                            Cut::Reset => {
                                // Linger 0: closing sends RST instead of FIN.
                                #[allow(deprecated)]
                                let _ = client.set_linger(Some(Duration::ZERO));
                            }
                        }
                        return;
                }
            }
        }
    }
}

/// Follows the HTTP/1.1 framing of the responses on one connection.
#[derive(Default)]
struct Framing {
    state: State,
    /// Bytes of the current head, or of the current chunk-size line.
    line: Vec<u8>,
}

#[derive(Default, Clone, Copy)]
enum State {
    #[default]
    Head,
    /// A body of known length: bytes left.
    Length(usize),
    /// A chunked body, reading a chunk-size line.
    ChunkSize,
    /// Chunk data: bytes left, then its CRLF.
    ChunkData(usize),
    /// The CRLF after chunk data: bytes left.
    ChunkEnd(usize),
    /// Trailers after the last chunk, up to a blank line.
    Trailers,
    /// A body that lasts until the connection closes.
    UntilClose,
}

impl Framing {
    /// Takes the next bytes of the connection into `responses`.
    fn feed(&mut self, responses: &mut Vec<Response>, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            match self.state {
                State::Head => {
                    if self.line.is_empty() {
                        responses.push(Response::default());
                    }
                    let b = bytes[0];
                    bytes = &bytes[1..];
                    self.line.push(b);
                    if self.line.ends_with(b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&self.line).to_string();
                        let len = self.line.len();
                        self.line.clear();
                        self.state = body_state(&head);
                        let r = current(responses);
                        r.head = head;
                        r.head_len = len;
                        if matches!(self.state, State::Length(0)) {
                            self.end_body(r);
                        }
                    }
                }
                State::Length(left) => {
                    let take = left.min(bytes.len());
                    let r = current(responses);
                    body(r, &bytes[..take], take);
                    bytes = &bytes[take..];
                    self.state = State::Length(left - take);
                    if left == take {
                        self.end_body(r);
                    }
                }
                State::UntilClose => {
                    body(current(responses), bytes, bytes.len());
                    bytes = &[];
                }
                State::ChunkSize | State::Trailers => {
                    let b = bytes[0];
                    bytes = &bytes[1..];
                    self.line.push(b);
                    let r = current(responses);
                    r.body_len += 1;
                    if !self.line.ends_with(b"\r\n") {
                        continue;
                    }
                    let line = String::from_utf8_lossy(&self.line).trim().to_string();
                    self.line.clear();
                    if matches!(self.state, State::Trailers) {
                        if line.is_empty() {
                            self.end_body(r);
                        }
                        continue;
                    }
                    let size = usize::from_str_radix(line.split(';').next().unwrap_or(""), 16)
                        .unwrap_or(0);
                    self.state = if size == 0 {
                        State::Trailers
                    } else {
                        State::ChunkData(size)
                    };
                }
                State::ChunkData(left) => {
                    let take = left.min(bytes.len());
                    body(current(responses), &bytes[..take], take);
                    bytes = &bytes[take..];
                    self.state = if left == take {
                        State::ChunkEnd(2)
                    } else {
                        State::ChunkData(left - take)
                    };
                }
                State::ChunkEnd(left) => {
                    bytes = &bytes[1..];
                    current(responses).body_len += 1;
                    self.state = if left == 1 {
                        State::ChunkSize
                    } else {
                        State::ChunkEnd(left - 1)
                    };
                }
            }
        }
    }

    fn end_body(&mut self, response: &mut Response) {
        response.complete = true;
        self.state = State::Head;
    }
}

fn current(responses: &mut [Response]) -> &mut Response {
    responses.last_mut().expect("a response")
}

fn body(response: &mut Response, data: &[u8], wire: usize) {
    response.body.extend_from_slice(data);
    response.body_len += wire;
}

/// Where the bytes forwarded so far end, relative to the first response.
fn landed(responses: &[Response]) -> Landed {
    match responses.first() {
        Some(r) if r.complete => Landed::After,
        Some(r) if r.head_len > 0 => Landed::Body {
            bytes: r.body.len(),
            events: sse_events(&r.body).len(),
        },
        _ => Landed::Headers,
    }
}

/// How the body after `head` is framed.
fn body_state(head: &str) -> State {
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    if (100..200).contains(&status) || status == 204 || status == 304 {
        return State::Length(0);
    }
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_ascii_lowercase())
        })
    };
    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        State::ChunkSize
    } else if let Some(len) = header("content-length").and_then(|v| v.parse().ok()) {
        State::Length(len)
    } else {
        State::UntilClose
    }
}
