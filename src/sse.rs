//! Server-sent events, as the WHATWG HTML standard defines them, decoded in place.
//!
//! Written here rather than taken from a crate because this is the hot path of a token stream:
//! an event is read straight out of the chunk the HTTP client received (its data is not
//! copied, nothing is allocated per event), and a consumer decodes it from there or takes it
//! as a `Bytes` view of that chunk. The crate we used before (`sse-parse`) allocated three
//! strings per event and copied its data twice; our first decoder copied every read into a
//! buffer of its own, which it grew for large reads and gave back after them, a page fault
//! per 4 KB received.
//!
//! The rules (HTML § 9.2.6): lines end in CRLF, LF or CR (a CRLF may be split across reads);
//! a leading BOM is dropped; a line starting with `:` is a comment; `field: value` drops one
//! space after the colon; `data` lines are joined with `\n`; `id` (without NUL) sets the last
//! event id, which persists across events; `retry` (digits only) sets the reconnection time;
//! a blank line dispatches the event if it has data; an unfinished event at the end of the
//! stream is dropped. `tests::agrees_with_an_independent_parser` checks all of this against
//! the `sse-parse` crate on random input.

use std::{borrow::Cow, time::Duration};

use bytes::Bytes;

use crate::byte_words;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The capacity of the buffers for events that span reads, kept between events; a larger
/// one (grown by an event larger than this) is given back once that event is taken.
const IDLE_CAPACITY: usize = 64 * 1024;

/// One event, borrowed from the decoder until the next call that changes it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Event<'a> {
    /// The event type (`message` when the event names none).
    pub name: &'a [u8],
    /// The data lines, joined with `\n`.
    pub data: &'a [u8],
    /// The last event id of the stream at this event (empty when there is none). Always
    /// UTF-8 (the decoder replaces what is not), kept as bytes so that an event handed on as
    /// sent is not checked again.
    pub id: &'a [u8],
    /// The received chunk `data` lies in, when it does (one `data` line within one read).
    pub chunk: Option<&'a Bytes>,
}

impl PartialEq for Event<'_> {
    fn eq(&self, other: &Self) -> bool {
        (self.name, self.data, self.id) == (other.name, other.data, other.id)
    }
}

impl Event<'_> {
    /// The event type as text (invalid UTF-8 replaced).
    pub fn name(&self) -> Cow<'_, str> {
        match std::str::from_utf8(self.name) {
            Ok(name) => Cow::Borrowed(name),
            Err(_) => String::from_utf8_lossy(self.name),
        }
    }

    /// The data as `Bytes`: a view of the received chunk when the data lies within one
    /// (no copy), else a copy.
    pub fn data_bytes(&self) -> Bytes {
        match self.chunk {
            Some(chunk) if !self.data.is_empty() => chunk.slice_ref(self.data),
            _ => Bytes::copy_from_slice(self.data),
        }
    }

    /// An owned copy, to hold on to.
    pub fn to_owned(self) -> OwnedEvent {
        OwnedEvent {
            name: self.name.to_vec(),
            data: self.data_bytes(),
            id: self.id.to_vec(),
        }
    }
}

/// An [`Event`] that owns its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct OwnedEvent {
    name: Vec<u8>,
    data: Bytes,
    id: Vec<u8>,
}

impl OwnedEvent {
    pub fn borrow(&self) -> Event<'_> {
        Event {
            name: &self.name,
            data: &self.data,
            id: &self.id,
            chunk: Some(&self.data),
        }
    }
}

/// Bytes as they were received, for [`Decoder::feed`]: `Bytes` (and `&Bytes`) are read in
/// place; other byte slices are copied once.
pub(crate) trait Received {
    fn into_bytes(self) -> Bytes;
}

impl Received for Bytes {
    fn into_bytes(self) -> Bytes {
        self
    }
}

impl Received for &Bytes {
    fn into_bytes(self) -> Bytes {
        self.clone()
    }
}

impl Received for &[u8] {
    fn into_bytes(self) -> Bytes {
        Bytes::copy_from_slice(self)
    }
}

impl<const N: usize> Received for &[u8; N] {
    fn into_bytes(self) -> Bytes {
        Bytes::copy_from_slice(self)
    }
}

/// A field of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Event,
    Data,
    Id,
    Retry,
    /// Any other name: ignored.
    Other,
}

impl Field {
    fn named(name: &[u8]) -> Field {
        match name {
            b"event" => Field::Event,
            b"data" => Field::Data,
            b"id" => Field::Id,
            b"retry" => Field::Retry,
            _ => Field::Other,
        }
    }
}

/// Where the data of the event being read is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Data {
    /// No `data` line yet.
    None,
    /// One `data` line: this range of the buffer being read.
    One(usize, usize),
    /// Several: joined in `Decoder::joined`.
    Many,
}

/// An incremental SSE decoder: [`feed`](Decoder::feed) bytes as they arrive, take events with
/// [`next_event`](Decoder::next_event) until it returns `None`, repeat.
///
/// Events are read in place from the received chunk, which the decoder holds (a reference
/// count, not a copy) until its events are taken. Only an event that spans two reads is
/// copied: its start, and then the next chunk line by line up to its end, into `carry`; the
/// rest of that chunk is read in place again. So the decoder copies about one event per read
/// and holds at most one read, with no buffer that grows and shrinks with the reads.
#[derive(Debug)]
pub(crate) struct Decoder {
    /// The received chunk being read (when not `spanning`).
    chunk: Bytes,
    /// While `spanning`: the event being read, copied from the chunks it spans.
    carry: Vec<u8>,
    /// While `spanning`: the rest of the last chunk received, not copied yet.
    next: Bytes,
    /// The bytes being read are `carry` (an event spans reads), not `chunk`.
    spanning: bool,
    /// Where the event being read starts (its first line) in the bytes being read.
    block: usize,
    /// Where its next line starts.
    line: usize,
    /// Where the search for the end of that line resumes.
    scan: usize,
    /// The last line ended in CR: an LF at `line` is the rest of its CRLF.
    after_cr: bool,
    /// The stream's first bytes were checked for a BOM.
    bom_checked: bool,
    /// The `event` field of the event being read (a range of the bytes being read).
    name: Option<(usize, usize)>,
    data: Data,
    /// The data lines joined, when there are several.
    joined: Vec<u8>,
    /// The `id` field of the event being read, or the last event id (it persists). Only read
    /// when an event is dispatched, when it is the event's id: no second copy per event.
    /// Always UTF-8.
    id_buffer: Vec<u8>,
    /// Where the last event id is instead, when it is an `id` line's (ASCII) value in the chunk
    /// being read: not copied per event, only when that chunk goes ([`Self::set_chunk`]).
    id_in_chunk: Option<(usize, usize)>,
    retry: Option<Duration>,
    /// The largest event accepted, from its first byte to its blank line.
    max_event: usize,
    overflowed: bool,
    finished: bool,
}

/// The bytes a decoder is reading: its chunk, or the carried event spanning reads. (A macro
/// rather than a method, so that the other fields stay free to change while it is borrowed.)
macro_rules! reading {
    ($d:expr) => {
        if $d.spanning {
            &$d.carry[..]
        } else {
            &$d.chunk[..]
        }
    };
}

impl Decoder {
    /// A decoder that refuses events larger than `max_event` bytes, starting with
    /// `last_event_id` (the `Last-Event-ID` the stream was opened with).
    pub fn new(max_event: usize, last_event_id: Option<&str>) -> Decoder {
        Decoder {
            chunk: Bytes::new(),
            carry: Vec::new(),
            next: Bytes::new(),
            spanning: false,
            block: 0,
            line: 0,
            scan: 0,
            after_cr: false,
            bom_checked: false,
            name: None,
            data: Data::None,
            joined: Vec::new(),
            id_buffer: last_event_id.unwrap_or_default().as_bytes().to_vec(),
            id_in_chunk: None,
            retry: None,
            max_event,
            overflowed: false,
            finished: false,
        }
    }

    /// Adds received bytes (normally once [`next_event`](Self::next_event) has returned
    /// `None`).
    pub fn feed(&mut self, bytes: impl Received) {
        if self.finished || self.overflowed {
            return;
        }
        let bytes = bytes.into_bytes();
        if bytes.is_empty() {
            return;
        }
        if self.spanning {
            if !self.next.is_empty() {
                self.carry.extend_from_slice(&self.next);
            }
            self.next = bytes;
        } else if self.block < self.chunk.len() {
            // Fed before the chunk's events were taken.
            self.start_spanning();
            self.next = bytes;
        } else {
            self.set_chunk(bytes);
            self.rebase(self.block);
        }
    }

    /// The chunk being read is now `chunk`: the last event id, if it is in the one that goes,
    /// is copied first.
    fn set_chunk(&mut self, chunk: Bytes) {
        if let Some((from, to)) = self.id_in_chunk.take() {
            self.id_buffer.clear();
            self.id_buffer.extend_from_slice(&self.chunk[from..to]);
        }
        self.chunk = chunk;
    }

    /// Positions in the bytes being read move `shift` bytes down (what was before them is gone).
    fn rebase(&mut self, shift: usize) {
        self.block -= shift;
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
    }

    /// The event being read goes on past the chunk: copy its start, and let the chunk go.
    fn start_spanning(&mut self) {
        self.carry.clear();
        self.carry.extend_from_slice(&self.chunk[self.block..]);
        self.set_chunk(Bytes::new());
        self.rebase(self.block);
        self.spanning = true;
    }

    /// Nothing of the carried event is read from `carry` any more: read the rest of the last
    /// chunk in place.
    fn end_spanning(&mut self) {
        self.spanning = false;
        self.rebase(self.block);
        self.carry.clear();
        if self.carry.capacity() > IDLE_CAPACITY {
            self.carry = Vec::new();
        }
        let next = std::mem::take(&mut self.next);
        self.set_chunk(next);
    }

    /// Copies the next line of `next` (all of it, if it holds no line end) into `carry`.
    fn carry_line(&mut self) {
        let n = memchr::memchr2(b'\r', b'\n', &self.next).map_or(self.next.len(), |i| i + 1);
        self.carry.extend_from_slice(&self.next[..n]);
        bytes::Buf::advance(&mut self.next, n);
    }

    /// Whether the stream's first bytes are known not to be, or to have been, a BOM.
    fn check_bom(&mut self) -> bool {
        while !self.bom_checked {
            let buf = reading!(self);
            let n = buf.len().min(BOM.len());
            if buf[..n] != BOM[..n] {
                self.bom_checked = true;
            } else if n == BOM.len() {
                self.bom_checked = true;
                (self.block, self.line, self.scan) = (n, n, n);
            } else {
                // A BOM's first bytes: wait for the rest.
                if !self.spanning {
                    if self.chunk.is_empty() {
                        return false;
                    }
                    self.start_spanning();
                }
                if self.next.is_empty() {
                    return false;
                }
                let take = (BOM.len() - n).min(self.next.len());
                self.carry.extend_from_slice(&self.next[..take]);
                bytes::Buf::advance(&mut self.next, take);
            }
        }
        true
    }

    /// The next complete event, if the bytes fed so far hold one.
    pub fn next_event(&mut self) -> Option<Event<'_>> {
        if self.finished || self.overflowed || !self.check_bom() {
            return None;
        }
        if self.data != Data::Many && self.joined.capacity() > IDLE_CAPACITY {
            // A large event of several data lines was taken.
            self.joined = Vec::new();
        }
        if !self.spanning
            && self.after_cr
            && (self.block, self.scan) == (self.line, self.line)
            && self.line < self.chunk.len()
        {
            // The LF of a CRLF that ended the last block: part of no block.
            self.after_cr = false;
            if self.chunk[self.line] == b'\n' {
                self.line += 1;
                (self.block, self.scan) = (self.line, self.line);
            }
        }
        if !self.spanning
            && !self.after_cr
            && (self.block, self.scan) == (self.line, self.line)
            && (self.name, self.data) == (None, Data::None)
            && self.whole_block()
        {
            return Some(self.dispatched());
        }
        loop {
            let buf = reading!(self);
            if self.after_cr && self.line < buf.len() {
                self.after_cr = false;
                if buf[self.line] == b'\n' {
                    self.line += 1;
                    self.scan = self.line;
                }
            }
            let buf = reading!(self);
            // The blank line that ends an event is found without a call.
            let found = match buf.get(self.scan) {
                Some(b'\r' | b'\n') => Some(0),
                Some(_) => memchr::memchr2(b'\r', b'\n', &buf[self.scan..]),
                None => None,
            };
            let Some(end) = found else {
                self.scan = buf.len();
                if self.spanning {
                    if self.block == self.carry.len() {
                        self.end_spanning();
                        continue;
                    }
                    if !self.next.is_empty() {
                        self.carry_line();
                        continue;
                    }
                } else if self.block < self.chunk.len() {
                    self.start_spanning();
                } else {
                    // Every event of the chunk was taken: let it go.
                    self.set_chunk(Bytes::new());
                    self.rebase(self.block);
                }
                let held = reading!(self).len() - self.block;
                let joined = if self.data == Data::Many {
                    self.joined.len()
                } else {
                    0
                };
                if held + joined > self.max_event {
                    self.overflowed = true;
                }
                return None;
            };
            let end = self.scan + end;
            let (start, cr) = (self.line, buf[end] == b'\r');
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

    /// Applies the field on the line `start..end` (not empty) of the bytes being read.
    fn field(&mut self, start: usize, end: usize) {
        let buf = reading!(self);
        let line = &buf[start..end];
        // The fields a run stream sends are recognised by their first bytes, without a search
        // for the colon (a call per line, a tenth of the framing of a token stream).
        let (field, colon) = if line.starts_with(b"data:") {
            (Field::Data, 4)
        } else if line.starts_with(b"event:") {
            (Field::Event, 5)
        } else if line.starts_with(b"id:") {
            (Field::Id, 2)
        } else if line[0] == b':' {
            return;
        } else {
            match memchr::memchr(b':', line) {
                Some(colon) => (Field::named(&line[..colon]), colon),
                None => (Field::named(line), line.len()),
            }
        };
        let value = value_range(buf, start, colon, end);
        let bytes = &buf[value.0..value.1];
        match field {
            Field::Event => self.name = Some(value),
            Field::Data => {
                self.data = match self.data {
                    Data::None => Data::One(value.0, value.1),
                    Data::One(from, to) => {
                        self.joined.clear();
                        self.joined.extend_from_slice(&buf[from..to]);
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
            Field::Id if valid_id(bytes) => {
                self.id_in_chunk = None;
                set_id(&mut self.id_buffer, bytes);
            }
            Field::Retry if !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit) => {
                // Beyond `u64` milliseconds is no reconnection time anyone means: ignored.
                if let Some(ms) = std::str::from_utf8(bytes).ok().and_then(|s| s.parse().ok()) {
                    self.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
    }

    /// The block starting at `line` when it is the common shape, read in one go: whole within
    /// the chunk, lines ending in LF or CRLF, one `data` line, perhaps `event` and `id`
    /// lines, and its blank line. Sets the block's fields and moves past it; anything else
    /// (comments, `retry`, several data lines, a lone CR, a block without data, one that
    /// goes on past the chunk) is left to the line by line reading, with nothing changed.
    fn whole_block(&mut self) -> bool {
        let buf = &self.chunk[..];
        let mut pos = self.line;
        let (mut name, mut data, mut id) = (None, None, None);
        loop {
            // A field is known by its first bytes; the end of its line is searched for in a
            // way that suits its length: data with a call, a name or an id with a loop.
            let rest = &buf[pos..];
            let (field, colon, end) = match rest.first() {
                Some(b'\r' | b'\n') => (Field::Other, 0, Some(pos)),
                Some(b'd') if rest.starts_with(b"data:") && data.is_none() => {
                    let found = memchr::memchr2(b'\r', b'\n', &rest[5..]);
                    (Field::Data, 4, found.map(|n| pos + 5 + n))
                }
                Some(b'e') if rest.starts_with(b"event:") => {
                    (Field::Event, 5, short_line_end(buf, pos + 6))
                }
                Some(b'i') if rest.starts_with(b"id:") => {
                    (Field::Id, 2, short_line_end(buf, pos + 3))
                }
                _ => return false,
            };
            let Some(end) = end else {
                return false;
            };
            let next = if buf[end] == b'\n' {
                end + 1
            } else if buf.get(end + 1) == Some(&b'\n') {
                end + 2
            } else {
                return false;
            };
            let value = value_range(buf, pos, colon, end);
            match field {
                Field::Data => data = Some(value),
                Field::Event => name = Some(value),
                Field::Id if valid_id(&buf[value.0..value.1]) => id = Some(value),
                Field::Id => return false,
                _ => {
                    // The blank line that ends the block.
                    let Some((from, to)) = data else {
                        return false;
                    };
                    if let Some((from, to)) = id {
                        if buf[from..to].is_ascii() {
                            self.id_in_chunk = Some((from, to));
                        } else {
                            self.id_in_chunk = None;
                            set_id(&mut self.id_buffer, &buf[from..to]);
                        }
                    }
                    self.name = name;
                    self.data = Data::One(from, to);
                    (self.line, self.scan) = (next, next);
                    return true;
                }
            }
            pos = next;
        }
    }

    /// A blank line ended the block: says whether it makes an event (it has data).
    fn dispatch(&mut self) -> bool {
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
        let buf = reading!(self);
        Event {
            name: match name {
                // An empty `event:` means the default too.
                Some((from, to)) if from < to => &buf[from..to],
                _ => b"message",
            },
            data: match data {
                Data::One(from, to) => &buf[from..to],
                _ => &self.joined,
            },
            id: match self.id_in_chunk {
                Some((from, to)) => &self.chunk[from..to],
                None => &self.id_buffer,
            },
            chunk: match data {
                Data::One(..) if !self.spanning => Some(&self.chunk),
                _ => None,
            },
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
        self.set_chunk(Bytes::new());
        self.next = Bytes::new();
        self.carry = Vec::new();
        self.joined = Vec::new();
        self.spanning = false;
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

/// Where the value of the field on the line `start..end` is: after its colon (at `start +
/// colon`; `colon` is the line's length when it has none) and one space, if any.
fn value_range(buf: &[u8], start: usize, colon: usize, end: usize) -> (usize, usize) {
    let value = start + colon + 1;
    if value > end {
        (end, end)
    } else if value < end && buf[value] == b' ' {
        (value + 1, end)
    } else {
        (value, end)
    }
}

/// Where the line from `from` ends (its CR or LF), if it does. A short line (an event name,
/// an id) is read eight bytes at a time ([`byte_words`]): a call to search costs more than the
/// whole of such a line. A longer one goes on with a search.
fn short_line_end(buf: &[u8], from: usize) -> Option<usize> {
    const SHORT: usize = 32;
    let mut at = from;
    while at - from < SHORT
        && let Some(x) = byte_words::word(buf, at)
    {
        let ends = byte_words::equal(x, b'\n') | byte_words::equal(x, b'\r');
        if ends != 0 {
            return Some(at + byte_words::first(ends));
        }
        at += 8;
    }
    memchr::memchr2(b'\r', b'\n', buf.get(at..)?).map(|n| at + n)
}

/// Whether an `id` field's value sets the last event id (one with NUL is ignored).
fn valid_id(value: &[u8]) -> bool {
    // An id is a few bytes: a loop beats a call to search for NUL.
    value.iter().all(|&b| b != 0)
}

/// Sets the last event id: the value as it is when it is ASCII (a server's ids are), else as
/// UTF-8 with what is not replaced.
fn set_id(id: &mut Vec<u8>, value: &[u8]) {
    id.clear();
    if value.is_ascii() {
        id.extend_from_slice(value);
    } else {
        id.extend_from_slice(String::from_utf8_lossy(value).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event of `chunks` fed one after the other (and of what was fed before), as
    /// `(name, data, id)` text.
    fn events(decoder: &mut Decoder, chunks: &[&[u8]]) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        let mut take = |decoder: &mut Decoder| {
            while let Some(e) = decoder.next_event() {
                out.push((
                    e.name().into_owned(),
                    String::from_utf8_lossy(e.data).into_owned(),
                    String::from_utf8(e.id.to_vec()).unwrap(),
                ));
            }
        };
        take(decoder);
        for chunk in chunks {
            decoder.feed(*chunk);
            take(decoder);
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

    /// Whether `part` lies within `whole` (the same memory, not a copy).
    fn within(part: &[u8], whole: &Bytes) -> bool {
        let (p, w) = (part.as_ptr() as usize, whole.as_ptr() as usize);
        p >= w && p + part.len() <= w + whole.len()
    }

    #[test]
    fn events_within_a_read_are_not_copied() {
        let mut d = Decoder::new(usize::MAX, None);
        let read =
            Bytes::from_static(b"event: a\r\ndata: 1\r\nid: 1-0\r\n\r\ndata: 2\n\ndata: par");
        d.feed(read.clone());
        for data in [&b"1"[..], b"2"] {
            let e = d.next_event().unwrap();
            assert_eq!(e.data, data);
            assert!(within(e.data, &read));
            assert!(e.name == b"message" || within(e.name, &read));
            assert!(within(&e.data_bytes(), &read), "a view, not a copy");
        }
        assert!(d.next_event().is_none());
        assert!(
            d.chunk.is_empty(),
            "the read is let go once its events are taken"
        );
        assert_eq!(d.carry, b"data: par", "only the unfinished event is kept");

        // An event spanning two reads is copied, line by line up to its end; the events after
        // it are read in place again.
        let read = Bytes::from(
            std::iter::once("t\n\n".to_string())
                .chain((0..5000).map(|k| format!("data: {k}\n\n")))
                .collect::<String>(),
        );
        d.feed(read.clone());
        let e = d.next_event().unwrap();
        assert_eq!(e.data, b"part");
        assert!(!within(e.data, &read));
        assert!(d.carry.capacity() < 1024, "{}", d.carry.capacity());
        for k in 0..5000 {
            let e = d.next_event().unwrap();
            assert_eq!(e.data, k.to_string().as_bytes());
            assert!(within(e.data, &read), "event {k} copied");
        }
        assert!(d.next_event().is_none());
        assert!(d.chunk.is_empty() && d.carry.is_empty(), "nothing held");
    }

    #[test]
    fn a_large_event_spanning_reads_is_given_back_once_taken() {
        let mut d = Decoder::new(usize::MAX, None);
        d.feed(b"data: ");
        let big = vec![b'x'; 4 * IDLE_CAPACITY];
        for piece in big.chunks(1000) {
            d.feed(piece);
            assert!(d.next_event().is_none());
        }
        d.feed(b"\n\ndata: small\n\n");
        assert_eq!(d.next_event().map(|e| e.data.len()), Some(big.len()));
        assert_eq!(d.next_event().map(|e| e.data), Some(&b"small"[..]));
        assert!(
            d.carry.capacity() <= IDLE_CAPACITY,
            "{}",
            d.carry.capacity()
        );

        let lines: String = (0..20_000).map(|k| format!("data: {k}\n")).collect();
        d.feed(format!("{lines}\n").as_bytes());
        assert!(d.next_event().is_some());
        assert!(d.next_event().is_none());
        assert!(
            d.joined.capacity() <= IDLE_CAPACITY,
            "{}",
            d.joined.capacity()
        );
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
        let mut next = numbers(0x2545_F491_4F6C_DD1Du64);
        for _ in 0..5000 {
            let mut bytes = Vec::new();
            for _ in 0..next(50) {
                bytes.extend_from_slice(PIECES[next(PIECES.len())]);
            }
            agrees(&bytes, &mut next);
        }
    }

    /// The same check on input made of whole lines, mostly the blocks a run stream sends
    /// (`event`, one `data`, `id`, a blank line), with the near misses that the reading of a
    /// whole block in one go must leave to the line by line reading: several data lines, a
    /// comment, `retry`, an id with NUL, a lone CR, a block without data.
    #[test]
    fn agrees_on_blocks_of_lines() {
        const EVENTS: &[&[u8]] = &[
            b"event: messages",
            b"event:values",
            b"event:",
            // Past the eight-byte words the end of a short line is searched in.
            b"event: updates|parent:0f3a1c2e-7b9d-4e21-9c55-d1a2b3c4e5f6",
        ];
        const DATA: &[&[u8]] = &[b"data: [{\"a\": 1}, {}]", b"data:x", b"data:", b"data"];
        const IDS: &[&[u8]] = &[
            b"id: 1718000000000-0",
            b"id:7",
            b"id: a\0b",
            b"id",
            b"id: 1718000000000-0|0f3a1c2e-7b9d-4e21-9c55-d1a2b3c4e5f6",
        ];
        const OTHERS: &[&[u8]] = &[b": keep-alive", b"retry: 100", b"other: field", b""];
        const ENDS: &[&[u8]] = &[b"\n", b"\r\n", b"\r\n", b"\n", b"\r"];
        let any: Vec<&[u8]> = [EVENTS, DATA, IDS, OTHERS].concat();
        let mut next = numbers(0x9E37_79B9_7F4A_7C15u64);
        let mut blocks = 0;
        for _ in 0..5000 {
            let mut bytes = Vec::new();
            for _ in 0..next(12) {
                // Mostly the common shape, sometimes any lines.
                let lines: Vec<&[u8]> = if next(3) > 0 {
                    let event = EVENTS[next(EVENTS.len())];
                    let data = DATA[next(DATA.len())];
                    vec![event, data, IDS[next(IDS.len())]]
                } else {
                    (0..next(5)).map(|_| any[next(any.len())]).collect()
                };
                let end = ENDS[next(ENDS.len())];
                for line in lines {
                    bytes.extend_from_slice(line);
                    bytes.extend_from_slice(end);
                }
                bytes.extend_from_slice(end);
                blocks += 1;
            }
            agrees(&bytes, &mut next);
        }
        assert!(blocks > 20_000, "{blocks} blocks");
    }

    /// A deterministic stream of numbers below `n` (xorshift), so that a failure repeats.
    fn numbers(mut state: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        }
    }

    /// Decodes `bytes` cut at random places, all fed at once, and byte by byte; checks that
    /// each gives what `sse-parse` gives.
    fn agrees(bytes: &[u8], next: &mut impl FnMut(usize) -> usize) {
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
        let input = String::from_utf8_lossy(bytes);
        assert_eq!(got, expected, "input {input:?} in chunks {chunks:?}");
        assert_eq!(ours.retry(), theirs.retry(), "input {input:?}");
        let mut ours = Decoder::new(usize::MAX, Some("start"));
        for chunk in &chunks {
            ours.feed(*chunk);
        }
        assert_eq!(
            events(&mut ours, &[]),
            got,
            "input {input:?} in chunks {chunks:?}, all fed before any event is taken"
        );
        let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
        let mut ours = Decoder::new(usize::MAX, Some("start"));
        assert_eq!(
            events(&mut ours, &bytewise),
            got,
            "input {input:?} byte by byte"
        );
    }
}
