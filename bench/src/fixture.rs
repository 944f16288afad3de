//! The stream fixture: `messages` events as the fake chat model of the test server produces
//! them in `messages-tuple` mode, generated deterministically.
//!
//! Event `k` (1-based) is
//!
//! ```text
//! event: messages\r\n
//! data: [<AIMessageChunk>,<metadata>]\r\n
//! id: <k>-0\r\n
//! \r\n
//! ```
//!
//! The chunk is the one `GenericFakeChatModel` streams (every field LangChain serializes), its
//! `content` one token of the test graph's answer ("The", " ", "quick", " ", ...), a new
//! message id for each answer, and `"chunk_position": "last"` on an answer's last chunk. The
//! metadata is the node's (`langgraph_step`, `langgraph_node`, ...), shortened so that an event
//! is about 440 bytes (the real server adds a dozen more keys about the deployment and run,
//! about 1,300 bytes in all).

/// The answer of the test server's `chat` graph, streamed one chunk per word and per space.
const ANSWER: &str = "The quick brown fox jumps over the lazy dog, streaming token by token.";

const HEAD: &[u8] = b"event: messages\r\ndata: [{\"content\":\"";
const AFTER_CONTENT: &[u8] = b"\",\"additional_kwargs\":{},\"response_metadata\":{},\"type\":\"AIMessageChunk\",\"name\":null,\"id\":\"lc_run--01a1ff9f-484e-7780-ace7-";
/// Followed by the answer number as 12 hex digits (the last group of the message id).
const AFTER_ID: &[u8] = b"\",\"tool_calls\":[],\"invalid_tool_calls\":[],\"usage_metadata\":null,\"tool_call_chunks\":[],\"chunk_position\":";
const POSITION_NULL: &[u8] = b"null";
const POSITION_LAST: &[u8] = b"\"last\"";
const METADATA: &[u8] = b"},{\"langgraph_step\":1,\"langgraph_node\":\"model\",\"langgraph_triggers\":[\"branch:to:model\"],\"ls_provider\":\"genericfakechatmodel\",\"ls_model_type\":\"chat\"}]\r\nid: ";
const TAIL: &[u8] = b"-0\r\n\r\n";
const ID_HEX_DIGITS: usize = 12;

/// How many events are generated once and served from memory (44 MB); later events are
/// generated on the fly.
pub const CACHED_EVENTS: u64 = 100_000;

/// The tokens of one answer: each word and each space.
fn tokens() -> Vec<&'static str> {
    let mut out = Vec::new();
    for (i, word) in ANSWER.split(' ').enumerate() {
        if i > 0 {
            out.push(" ");
        }
        out.push(word);
    }
    out
}

/// Generates events; the first [`CACHED_EVENTS`] are kept in one buffer.
pub struct Fixture {
    tokens: Vec<&'static str>,
    /// Events `1..=CACHED_EVENTS`, back to back.
    bytes: Vec<u8>,
    /// `offsets[k - 1]..offsets[k]` is event `k` in `bytes`.
    offsets: Vec<usize>,
}

impl Fixture {
    pub fn new() -> Fixture {
        let mut fixture = Fixture {
            tokens: tokens(),
            bytes: Vec::new(),
            offsets: vec![0],
        };
        let mut bytes = Vec::with_capacity(CACHED_EVENTS as usize * 450);
        for k in 1..=CACHED_EVENTS {
            fixture.write_event(k, &mut bytes);
            fixture.offsets.push(bytes.len());
        }
        fixture.bytes = bytes;
        fixture
    }

    fn token(&self, k: u64) -> (&'static str, u64, bool) {
        let n = self.tokens.len() as u64;
        let i = (k - 1) % n;
        (self.tokens[i as usize], (k - 1) / n, i == n - 1)
    }

    /// Appends event `k` (1-based) to `out`.
    pub fn write_event(&self, k: u64, out: &mut Vec<u8>) {
        let (token, answer, last) = self.token(k);
        out.extend_from_slice(HEAD);
        out.extend_from_slice(token.as_bytes());
        out.extend_from_slice(AFTER_CONTENT);
        push_hex(out, answer, ID_HEX_DIGITS);
        out.extend_from_slice(AFTER_ID);
        out.extend_from_slice(if last { POSITION_LAST } else { POSITION_NULL });
        out.extend_from_slice(METADATA);
        push_decimal(out, k);
        out.extend_from_slice(TAIL);
    }

    /// The size of event `k` in bytes.
    pub fn event_len(&self, k: u64) -> u64 {
        let (token, _, last) = self.token(k);
        let fixed = HEAD.len()
            + AFTER_CONTENT.len()
            + ID_HEX_DIGITS
            + AFTER_ID.len()
            + METADATA.len()
            + TAIL.len();
        let position = if last {
            POSITION_LAST.len()
        } else {
            POSITION_NULL.len()
        };
        (fixed + token.len() + position) as u64 + decimal_len(k)
    }

    /// Events `from..=to` if they are all in memory.
    pub fn cached(&self, from: u64, to: u64) -> Option<&[u8]> {
        (from >= 1 && to <= CACHED_EVENTS && from <= to)
            .then(|| &self.bytes[self.offsets[from as usize - 1]..self.offsets[to as usize]])
    }

    /// The number of events of a stream of at least `bytes` bytes: the fewest whose sizes add
    /// up to `bytes` or more.
    pub fn events_for_bytes(&self, bytes: u64) -> u64 {
        let cached_total = *self.offsets.last().unwrap_or(&0) as u64;
        if bytes <= cached_total {
            // The first offset at or past `bytes` ends the last event needed.
            return self.offsets.partition_point(|&o| (o as u64) < bytes) as u64;
        }
        let mut total = cached_total;
        let mut k = CACHED_EVENTS;
        while total < bytes {
            k += 1;
            total += self.event_len(k);
        }
        k
    }

    /// The mean event size over the cached events.
    pub fn mean_event_len(&self) -> f64 {
        self.bytes.len() as f64 / CACHED_EVENTS as f64
    }
}

fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// `n` as `width` lowercase hex digits (the low ones if it has more).
fn push_hex(out: &mut Vec<u8>, n: u64, width: usize) {
    for i in (0..width).rev() {
        let digit = ((n >> (4 * i)) & 0xf) as usize;
        out.push(b"0123456789abcdef"[digit]);
    }
}

fn decimal_len(n: u64) -> u64 {
    u64::from(n.checked_ilog10().unwrap_or(0)) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_what_the_server_sends() {
        let f = Fixture::new();
        let first = std::str::from_utf8(f.cached(1, 1).unwrap()).unwrap();
        assert!(first.starts_with("event: messages\r\ndata: [{\"content\":\"The\","));
        assert!(first.ends_with("]\r\nid: 1-0\r\n\r\n"));
        let data = first
            .lines()
            .find_map(|l| l.strip_prefix("data: "))
            .unwrap();
        let value: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(value[0]["type"], "AIMessageChunk");
        assert_eq!(value[1]["langgraph_node"], "model");
        let n = f.tokens.len() as u64;
        let last = std::str::from_utf8(f.cached(n, n).unwrap()).unwrap();
        assert!(last.contains("\"content\":\"token.\""), "{last}");
        assert!(last.contains("\"chunk_position\":\"last\""), "{last}");
        let mean = f.mean_event_len();
        assert!((420.0..460.0).contains(&mean), "mean event size {mean}");
    }

    #[test]
    fn sizes_and_offsets_agree() {
        let f = Fixture::new();
        for k in [1, 2, 9, 10, 99, 100, 12_345, CACHED_EVENTS] {
            assert_eq!(f.cached(k, k).unwrap().len() as u64, f.event_len(k), "{k}");
        }
        for k in [CACHED_EVENTS + 1, 999_999, 1_000_000, 2_345_678] {
            let mut out = Vec::new();
            f.write_event(k, &mut out);
            assert_eq!(out.len() as u64, f.event_len(k), "{k}");
            assert!(out.ends_with(format!("id: {k}-0\r\n\r\n").as_bytes()));
        }
        assert_eq!(f.events_for_bytes(1), 1);
        let one = f.event_len(1);
        assert_eq!(f.events_for_bytes(one), 1);
        assert_eq!(f.events_for_bytes(one + 1), 2);
        let total: u64 = (1..=CACHED_EVENTS + 5).map(|k| f.event_len(k)).sum();
        assert_eq!(f.events_for_bytes(total), CACHED_EVENTS + 5);
        assert_eq!(f.events_for_bytes(total - 1), CACHED_EVENTS + 5);
    }
}
