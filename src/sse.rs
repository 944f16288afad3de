//! Server-sent events, as the WHATWG HTML standard defines them, decoded in place.
//!
//! Written here rather than taken from a crate because this is the hot path of a token stream:
//! an event is read straight out of the receive buffer (its data is not copied, nothing is
//! allocated per event), and a consumer decodes it from there. The crate we used before
//! (`sse-parse`) allocated three strings per event and copied its data twice.
//!
//! The rules (HTML § 9.2.6): lines end in CRLF, LF or CR (a CRLF may be split across reads);
//! a leading BOM is dropped; a line starting with `:` is a comment; `field: value` drops one
//! space after the colon; `data` lines are joined with `\n`; `id` (without NUL) sets the last
//! event id, which persists across events; `retry` (digits only) sets the reconnection time;
//! a blank line dispatches the event if it has data; an unfinished event at the end of the
//! stream is dropped. `tests::agrees_with_an_independent_parser` checks all of this against
//! the `sse-parse` crate on random input.

use std::{borrow::Cow, time::Duration};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The buffer capacity kept between reads (more is given back once the events are taken).
const IDLE_CAPACITY: usize = 64 * 1024;

/// One event, borrowed from the decoder until the next call that changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event<'a> {
    /// The event type (`message` when the event names none).
    pub name: &'a [u8],
    /// The data lines, joined with `\n`.
    pub data: &'a [u8],
    /// The last event id of the stream at this event (empty when there is none).
    pub id: &'a str,
}

impl Event<'_> {
    /// The event type as text (invalid UTF-8 replaced).
    pub fn name(&self) -> Cow<'_, str> {
        match std::str::from_utf8(self.name) {
            Ok(name) => Cow::Borrowed(name),
            Err(_) => String::from_utf8_lossy(self.name),
        }
    }

    /// An owned copy, to hold on to.
    pub fn to_owned(self) -> OwnedEvent {
        OwnedEvent {
            name: self.name.to_vec(),
            data: self.data.to_vec(),
            id: self.id.to_string(),
        }
    }
}

/// An [`Event`] that owns its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct OwnedEvent {
    name: Vec<u8>,
    data: Vec<u8>,
    id: String,
}

impl OwnedEvent {
    pub fn borrow(&self) -> Event<'_> {
        Event {
            name: &self.name,
            data: &self.data,
            id: &self.id,
        }
    }
}

/// Where the data of the event being read is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Data {
    /// No `data` line yet.
    None,
    /// One `data` line: this range of the buffer.
    One(usize, usize),
    /// Several: joined in `Decoder::joined`.
    Many,
}

/// An incremental SSE decoder: [`feed`](Decoder::feed) bytes as they arrive, take events with
/// [`next_event`](Decoder::next_event) until it returns `None`, repeat.
#[derive(Debug)]
pub(crate) struct Decoder {
    /// Received bytes; `buf[block..]` is the event being read.
    buf: Vec<u8>,
    /// Where the event being read starts (its first line).
    block: usize,
    /// Where its next line starts.
    line: usize,
    /// Where the search for the end of that line resumes.
    scan: usize,
    /// The last line ended in CR: an LF at `line` is the rest of its CRLF.
    after_cr: bool,
    /// The stream's first bytes were checked for a BOM.
    bom_checked: bool,
    /// The `event` field of the event being read (a range of `buf`).
    name: Option<(usize, usize)>,
    data: Data,
    /// The data lines joined, when there are several.
    joined: Vec<u8>,
    /// The `id` field of the event being read, or the last event id (it persists).
    id_buffer: String,
    /// The last event id, as of the last dispatched event.
    last_event_id: String,
    retry: Option<Duration>,
    /// The largest event accepted, from its first byte to its blank line.
    max_event: usize,
    overflowed: bool,
    finished: bool,
}

impl Decoder {
    /// A decoder that refuses events larger than `max_event` bytes, starting with
    /// `last_event_id` (the `Last-Event-ID` the stream was opened with).
    pub fn new(max_event: usize, last_event_id: Option<&str>) -> Decoder {
        let id = last_event_id.unwrap_or_default().to_string();
        Decoder {
            buf: Vec::new(),
            block: 0,
            line: 0,
            scan: 0,
            after_cr: false,
            bom_checked: false,
            name: None,
            data: Data::None,
            joined: Vec::new(),
            id_buffer: id.clone(),
            last_event_id: id,
            retry: None,
            max_event,
            overflowed: false,
            finished: false,
        }
    }

    /// Adds received bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.finished || self.overflowed {
            return;
        }
        // Drop what earlier events used before growing the buffer, so that it holds about one
        // read plus the event being read.
        self.compact();
        self.buf.extend_from_slice(bytes);
    }

    /// Drops the bytes before the event being read.
    fn compact(&mut self) {
        if self.block == 0 {
            return;
        }
        self.buf.drain(..self.block);
        let shift = self.block;
        self.line -= shift;
        self.scan -= shift;
        if let Some((from, to)) = &mut self.name {
            *from -= shift;
            *to -= shift;
        }
        if let Data::One(from, to) = &mut self.data {
            *from -= shift;
            *to -= shift;
        }
        self.block = 0;
    }

    /// Every complete event was taken: give back a buffer that a large read grew, so that
    /// an idle stream holds about one event (a thousand streams would otherwise each keep
    /// their largest read).
    fn idle(&mut self) {
        if self.buf.capacity() > IDLE_CAPACITY && self.buf.len() - self.block < IDLE_CAPACITY / 2 {
            self.compact();
            self.buf.shrink_to(IDLE_CAPACITY / 2);
        }
    }

    /// The next complete event, if the bytes fed so far hold one.
    pub fn next_event(&mut self) -> Option<Event<'_>> {
        if self.finished || self.overflowed {
            return None;
        }
        if !self.bom_checked {
            let n = self.buf.len().min(BOM.len());
            if self.buf[..n] != BOM[..n] {
                self.bom_checked = true;
            } else if n == BOM.len() {
                self.bom_checked = true;
                (self.block, self.line, self.scan) = (n, n, n);
            } else {
                return None;
            }
        }
        loop {
            if self.after_cr && self.line < self.buf.len() {
                self.after_cr = false;
                if self.buf[self.line] == b'\n' {
                    self.line += 1;
                    self.scan = self.line;
                }
            }
            let Some(end) = memchr::memchr2(b'\r', b'\n', &self.buf[self.scan..]) else {
                self.scan = self.buf.len();
                let joined = if self.data == Data::Many {
                    self.joined.len()
                } else {
                    0
                };
                if self.buf.len() - self.block + joined > self.max_event {
                    self.overflowed = true;
                } else {
                    self.idle();
                }
                return None;
            };
            let end = self.scan + end;
            let (start, cr) = (self.line, self.buf[end] == b'\r');
            (self.line, self.scan) = (end + 1, end + 1);
            self.after_cr = cr;
            if start < end {
                self.field(start, end);
                if self.name.is_none() && !matches!(self.data, Data::One(..)) {
                    // Nothing of the block is read from the buffer any more (comments, ids
                    // and joined data are not): let it go.
                    self.block = self.line;
                }
            } else if self.dispatch() {
                return Some(self.dispatched());
            }
        }
    }

    /// Applies the field on the line `buf[start..end]` (not empty).
    fn field(&mut self, start: usize, end: usize) {
        let line = &self.buf[start..end];
        if line[0] == b':' {
            return;
        }
        let (name, value) = match memchr::memchr(b':', line) {
            Some(colon) => {
                let value = start + colon + 1;
                let value = if self.buf.get(value) == Some(&b' ') && value < end {
                    value + 1
                } else {
                    value
                };
                (&line[..colon], (value, end))
            }
            None => (line, (end, end)),
        };
        let bytes = &self.buf[value.0..value.1];
        match name {
            b"event" => self.name = Some(value),
            b"data" => {
                self.data = match self.data {
                    Data::None => Data::One(value.0, value.1),
                    Data::One(from, to) => {
                        self.joined.clear();
                        self.joined.extend_from_slice(&self.buf[from..to]);
                        self.joined.push(b'\n');
                        self.joined.extend_from_slice(bytes);
                        Data::Many
                    }
                    Data::Many => {
                        self.joined.push(b'\n');
                        self.joined.extend_from_slice(bytes);
                        Data::Many
                    }
                }
            }
            b"id" if !bytes.contains(&0) => {
                self.id_buffer.clear();
                match std::str::from_utf8(bytes) {
                    Ok(id) => self.id_buffer.push_str(id),
                    Err(_) => self.id_buffer.push_str(&String::from_utf8_lossy(bytes)),
                }
            }
            b"retry" if !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit) => {
                // Beyond `u64` milliseconds is no reconnection time anyone means: ignored.
                if let Some(ms) = std::str::from_utf8(bytes).ok().and_then(|s| s.parse().ok()) {
                    self.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
    }

    /// A blank line ended the block: says whether it makes an event (it has data).
    fn dispatch(&mut self) -> bool {
        if self.last_event_id != self.id_buffer {
            self.last_event_id.clone_from(&self.id_buffer);
        }
        let has_data = self.data != Data::None;
        if !has_data {
            self.end_block();
        }
        has_data
    }

    /// The event of the block just dispatched; the next block starts after it.
    fn dispatched(&mut self) -> Event<'_> {
        let (name, data) = (self.name, self.data);
        self.end_block();
        Event {
            name: match name {
                // An empty `event:` means the default too.
                Some((from, to)) if from < to => &self.buf[from..to],
                _ => b"message",
            },
            data: match data {
                Data::One(from, to) => &self.buf[from..to],
                _ => &self.joined,
            },
            id: &self.last_event_id,
        }
    }

    fn end_block(&mut self) {
        self.block = self.line;
        self.name = None;
        self.data = Data::None;
    }

    /// The stream ended: an event without its blank line is dropped.
    pub fn finish(&mut self) {
        self.finished = true;
        self.buf = Vec::new();
        self.joined = Vec::new();
        (self.block, self.line, self.scan) = (0, 0, 0);
        self.name = None;
        self.data = Data::None;
    }

    /// An event was larger than the limit: the decoder stopped.
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// The reconnection time the server asked for (`retry:`), if any.
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event of `chunks` fed one after the other, as `(name, data, id)` text.
    fn events(decoder: &mut Decoder, chunks: &[&[u8]]) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for chunk in chunks {
            decoder.feed(chunk);
            while let Some(e) = decoder.next_event() {
                out.push((
                    e.name().into_owned(),
                    String::from_utf8_lossy(e.data).into_owned(),
                    e.id.to_string(),
                ));
            }
        }
        decoder.finish();
        out
    }

    fn ev(name: &str, data: &str, id: &str) -> (String, String, String) {
        (name.into(), data.into(), id.into())
    }

    #[test]
    fn fields_line_ends_and_ids() {
        let mut d = Decoder::new(usize::MAX, None);
        let got = events(
            &mut d,
            &[b"\xEF\xBB\xBF: hi\r\n\r\nevent: a\rdata: 1\rid: 5-0\r\revent: b\ndata:2\ndata\n\nid\n: the id is reset\ndata:  3\nretry: 1500\r\n\r\ndata: 4\n"],
        );
        assert_eq!(
            got,
            vec![
                ev("a", "1", "5-0"),
                ev("b", "2\n", "5-0"),
                ev("message", " 3", "")
            ],
            "an unfinished event at the end is dropped"
        );
        assert_eq!(d.retry(), Some(Duration::from_millis(1500)));
    }

    #[test]
    fn the_first_id_is_the_one_the_stream_was_opened_with() {
        let mut d = Decoder::new(usize::MAX, Some("7-0"));
        assert_eq!(
            events(&mut d, &[b"data: x\n\nid: 8-0\ndata: y\n\n"]),
            vec![ev("message", "x", "7-0"), ev("message", "y", "8-0")]
        );
    }

    #[test]
    fn a_crlf_split_across_reads_is_one_line_end() {
        let mut d = Decoder::new(usize::MAX, None);
        assert_eq!(
            events(&mut d, &[b"data: a\r", b"\n", b"\r", b"\ndata: b\r\n\r\n"]),
            vec![ev("message", "a", ""), ev("message", "b", "")]
        );
    }

    #[test]
    fn a_large_event_stops_the_decoder_after_the_events_before_it() {
        let mut d = Decoder::new(64, None);
        d.feed(b"data: small\n\ndata: ");
        assert_eq!(d.next_event().map(|e| e.data), Some(&b"small"[..]));
        assert_eq!(d.next_event(), None);
        assert!(!d.overflowed());
        d.feed(&[b'x'; 100]);
        assert_eq!(d.next_event(), None);
        assert!(d.overflowed());
        d.feed(b"\n\n");
        assert_eq!(d.next_event(), None, "nothing after an overflow");
    }

    #[test]
    fn the_buffer_holds_only_the_event_being_read() {
        let mut d = Decoder::new(usize::MAX, None);
        for k in 0..1000 {
            d.feed(format!("id: {k}\ndata: {}\n\n", "x".repeat(100)).as_bytes());
            while d.next_event().is_some() {}
        }
        d.feed(b"data: part");
        assert!(d.next_event().is_none());
        assert!(d.buf.len() < 200, "{} bytes held", d.buf.len());

        // A large read is given back once its events are taken; the partial event is kept.
        let events: String = (0..5000).map(|k| format!("data: {k}\n\n")).collect();
        d.feed(b" of it\n\n");
        d.feed(events.as_bytes());
        d.feed(b"data: rest");
        assert!(d.buf.capacity() > IDLE_CAPACITY);
        assert_eq!(d.next_event().map(|e| e.data), Some(&b"part of it"[..]));
        let mut taken = 0;
        while d.next_event().is_some() {
            taken += 1;
        }
        assert_eq!(taken, 5000);
        assert!(d.buf.capacity() <= IDLE_CAPACITY, "{}", d.buf.capacity());
        d.feed(b"\n\n");
        assert_eq!(d.next_event().map(|e| e.data), Some(&b"rest"[..]));
    }

    /// Property: on random SSE-shaped input split at random points, this decoder yields the
    /// same events, ids and reconnection time as the `sse-parse` crate (an independent
    /// implementation of the same standard), and the same again when fed byte by byte.
    #[test]
    fn agrees_with_an_independent_parser() {
        const PIECES: &[&[u8]] = &[
            b"\r",
            b"\n",
            b"\r\n",
            b"\r\n\r\n",
            b"\n\n",
            b":",
            b": ",
            b"data",
            b"data: ",
            b"data:",
            b"event: ",
            b"event:",
            b"id: ",
            b"id:",
            b"retry: ",
            b"retry:",
            b"1500",
            b"99999999999999999999999",
            b"messages",
            b"\0",
            b"{\"a\": 1}",
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"\xC3",
            b"\xA9",
            b" ",
            b"x",
            b"-",
            b"0",
        ];
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % n as u64) as usize
        };
        for _ in 0..5000 {
            let mut bytes = Vec::new();
            for _ in 0..next(50) {
                bytes.extend_from_slice(PIECES[next(PIECES.len())]);
            }
            let mut cuts: Vec<usize> = (0..next(6)).map(|_| next(bytes.len() + 1)).collect();
            cuts.sort_unstable();
            let mut chunks = Vec::new();
            let mut from = 0;
            for cut in cuts {
                chunks.push(&bytes[from..cut]);
                from = cut;
            }
            chunks.push(&bytes[from..]);

            let mut ours = Decoder::new(usize::MAX, Some("start"));
            let got = events(&mut ours, &chunks);
            let mut theirs = sse_parse::SseParser::with_last_event_id("start");
            let mut expected = Vec::new();
            for chunk in &chunks {
                theirs.feed(chunk);
                while let Some(e) = theirs.next_event() {
                    expected.push((e.event, e.data, e.id));
                }
            }
            theirs.finish();
            let input = String::from_utf8_lossy(&bytes);
            assert_eq!(got, expected, "input {input:?} in chunks {chunks:?}");
            assert_eq!(ours.retry(), theirs.retry(), "input {input:?}");
            let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
            let mut ours = Decoder::new(usize::MAX, Some("start"));
            assert_eq!(
                events(&mut ours, &bytewise),
                got,
                "input {input:?} byte by byte"
            );
        }
    }
}
