//! The fast path of a `messages` event: its message object read by a small scanner.
//!
//! serde_json's map access costs some 200 instructions a key, and a token stream's chunk is a
//! dozen keys around a few characters of text, most values `null`, `""`, `[]` or `{}`. The
//! scanner reads the keys and those simple values itself and hands every other value (a number,
//! a list of content blocks, a token count, …) to serde_json, for exactly that value. Each value
//! goes through [`read_field`], as serde's does, so what a key means stays defined in one place.
//!
//! It only ever gives up: on anything it does not handle or anything that is not JSON it returns
//! `None`, and the caller reads the whole text with serde (the errors stay serde's).

use std::borrow::Cow;

use serde::de::{self, Deserialize, Deserializer, Visitor};

use crate::byte_words;

use super::{Field, FieldValues, Key, Message, json_whitespace, read_field};

/// Reads the message object at the start of `text` (after whitespace): the message, and the
/// offset just past its closing brace.
pub(super) fn read(text: &str) -> Option<(Box<Message>, usize)> {
    let mut s = Scanner { text, pos: 0 };
    s.skip_whitespace();
    s.expect(b'{')?;
    let mut m = Message::unread();
    s.skip_whitespace();
    if s.expect(b'}').is_some() {
        return Some((m, s.pos));
    }
    loop {
        let (key, field) = s.key()?;
        s.skip_whitespace();
        s.expect(b':')?;
        s.skip_whitespace();
        read_field(&mut m, Key::Borrowed(key), field, &mut s).ok()?;
        s.skip_whitespace();
        match s.byte()? {
            b',' => {
                s.pos += 1;
                s.skip_whitespace();
            }
            b'}' => return Some((m, s.pos + 1)),
            _ => return None,
        }
    }
}

/// Deepest nesting serde_json reads (its recursion limit of 128 less the level that fails).
const DEEPEST: usize = 127;

/// A position in the text of a message object.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Steps over `byte` if it is next.
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.byte()? == byte).then(|| self.pos += 1)
    }

    /// JSON's whitespace only (not Unicode's).
    fn skip_whitespace(&mut self) {
        while self.byte().is_some_and(json_whitespace) {
            self.pos += 1;
        }
    }

    /// A key without escapes (every key a message has): what is between the quotes, and the
    /// field it names, if any.
    fn key(&mut self) -> Option<(&'a str, Option<Field>)> {
        let start = self.pos + 1;
        if self.byte()? == b'"'
            && let Some((field, len)) = self.text.as_bytes().get(start..).and_then(Field::at_start)
        {
            self.pos = start + len + 1;
            return Some((self.text.get(start..start + len)?, Some(field)));
        }
        let (text, end) = self.plain_string()?;
        self.pos = end;
        Some((text, Field::named(text)))
    }

    /// The string starting here (at its quote) if it has no escape: its text and the offset
    /// past its closing quote. `None` for an escape and for a control character, which JSON
    /// does not allow raw in a string.
    fn plain_string(&self) -> Option<(&'a str, usize)> {
        let bytes = self.text.as_bytes();
        if self.byte()? != b'"' {
            return None;
        }
        let start = self.pos + 1;
        let end = special(bytes, start)?;
        if *bytes.get(end)? != b'"' {
            return None;
        }
        Some((self.text.get(start..end)?, end + 1))
    }

    /// The string starting here (at its quote); one with escapes is decoded by serde_json.
    fn string(&mut self) -> Option<Simple<'a>> {
        if let Some((text, end)) = self.plain_string() {
            self.pos = end;
            return Some(Simple::Str(Cow::Borrowed(text)));
        }
        let bytes = self.text.as_bytes();
        // The closing quote is the first one not escaped: step over each escape's backslash and
        // the character after it. On text that is not a string the literal found here does not
        // decode, so a wrong guess is refused, never taken.
        let mut at = self.pos + 1;
        loop {
            at = special(bytes, at)?;
            match *bytes.get(at)? {
                b'"' => break,
                b'\\' => at += 2,
                _ => return None,
            }
        }
        let literal = self.text.get(self.pos..=at)?;
        let text = serde_json::from_str::<String>(literal).ok()?;
        self.pos = at + 1;
        Some(Simple::Str(Cow::Owned(text)))
    }

    /// Steps over `word` (`null`, `true`, `false`) if it is next.
    fn literal(&mut self, word: &[u8], value: Simple<'a>) -> Option<Simple<'a>> {
        let found = self.text.as_bytes().get(self.pos..)?.starts_with(word);
        found.then(|| {
            self.pos += word.len();
            value
        })
    }

    /// Steps over an empty list or object (`[]`, `{ }`) if one starts here.
    fn empty(&mut self, close: u8) -> bool {
        let mut after = Scanner {
            text: self.text,
            pos: self.pos + 1,
        };
        after.skip_whitespace();
        let empty = after.byte() == Some(close);
        if empty {
            self.pos = after.pos + 1;
        }
        empty
    }

    /// The value starting here, read by serde_json.
    fn by_serde<T: Deserialize<'a>>(&mut self) -> Result<T, Refused> {
        let rest = self.text.get(self.pos..).ok_or(Refused)?;
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<T>();
        let value = values.next().ok_or(Refused)?.map_err(|_| Refused)?;
        let span = rest.as_bytes().get(..values.byte_offset()).ok_or(Refused)?;
        // Inside the message a value is one level deeper than alone: serde_json refuses there a
        // value nested as deep as it can read here. A value that deep has this many brackets.
        if span.len() >= 2 * DEEPEST && memchr::memchr2_iter(b'[', b'{', span).count() >= DEEPEST {
            return Err(Refused);
        }
        self.pos += span.len();
        Ok(value)
    }
}

/// Where a string's plain text ends, from `at` on: the offset of the first quote, backslash or
/// control character.
///
/// Eight bytes at a time ([`byte_words`]): the strings of a chunk are short, and `memchr`
/// would leave the check for control characters to a loop of its own.
fn special(bytes: &[u8], mut at: usize) -> Option<usize> {
    while let Some(x) = byte_words::word(bytes, at) {
        let found =
            byte_words::equal(x, b'"') | byte_words::equal(x, b'\\') | byte_words::below(x, 0x20);
        if found != 0 {
            return Some(at + byte_words::first(found));
        }
        at += 8;
    }
    let rest = bytes.get(at..)?;
    let found = rest
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    Some(at + found)
}

impl<'a> FieldValues<'a> for Scanner<'a> {
    type Error = Refused;

    fn next<T: Deserialize<'a>>(&mut self) -> Result<T, Refused> {
        let simple = match self.byte() {
            Some(b'n') => self.literal(b"null", Simple::Null),
            Some(b't') => self.literal(b"true", Simple::Bool(true)),
            Some(b'f') => self.literal(b"false", Simple::Bool(false)),
            Some(b'"') => self.string(),
            Some(b'[') if self.empty(b']') => Some(Simple::EmptyList),
            Some(b'{') if self.empty(b'}') => Some(Simple::EmptyObject),
            _ => return self.by_serde(),
        };
        T::deserialize(simple.ok_or(Refused)?)
    }

    fn empty_object(&mut self) -> bool {
        self.byte() == Some(b'{') && self.empty(b'}')
    }
}

/// Why the fast path gave up (the caller does not need to know: serde reads the text again).
#[derive(Debug)]
pub(super) struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not read by the fast path")
    }
}

impl std::error::Error for Refused {}

impl de::Error for Refused {
    fn custom<M: std::fmt::Display>(_: M) -> Refused {
        Refused
    }
}

/// A value the scanner read itself, handed to the field's type as serde_json would hand it.
enum Simple<'a> {
    Null,
    Bool(bool),
    Str(Cow<'a, str>),
    EmptyList,
    EmptyObject,
}

impl<'de> Deserializer<'de> for Simple<'de> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self {
            Simple::Null => visitor.visit_unit(),
            Simple::Bool(b) => visitor.visit_bool(b),
            Simple::Str(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Simple::Str(Cow::Owned(s)) => visitor.visit_string(s),
            Simple::EmptyList => visitor.visit_seq(Empty),
            Simple::EmptyObject => visitor.visit_map(Empty),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self {
            Simple::Null => visitor.visit_none(),
            value => visitor.visit_some(value),
        }
    }

    // Like serde_json, each of these takes only its own kind of value: a type whose visitor
    // would take another (a map from `null`) must not read here what serde_json refuses.
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self {
            Simple::Null => visitor.visit_unit(),
            _ => Err(Refused),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self {
            Simple::Bool(_) => self.deserialize_any(visitor),
            _ => Err(Refused),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self {
            Simple::Str(_) => self.deserialize_any(visitor),
            _ => Err(Refused),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        self.deserialize_str(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self {
            Simple::EmptyList => self.deserialize_any(visitor),
            _ => Err(Refused),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self {
            Simple::EmptyObject => self.deserialize_any(visitor),
            _ => Err(Refused),
        }
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        unit_struct newtype_struct tuple tuple_struct struct enum identifier ignored_any
    }
}

/// The inside of `[]` and `{}`.
struct Empty;

impl<'de> de::SeqAccess<'de> for Empty {
    type Error = Refused;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        _: T,
    ) -> Result<Option<T::Value>, Refused> {
        Ok(None)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(0)
    }
}

impl<'de> de::MapAccess<'de> for Empty {
    type Error = Refused;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        _: K,
    ) -> Result<Option<K::Value>, Refused> {
        Ok(None)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, _: V) -> Result<V::Value, Refused> {
        Err(Refused)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Boxed;
    use super::*;

    /// What serde reads from `text`: the message and the offset past it.
    fn by_serde(text: &str) -> Result<(Box<Message>, usize), serde_json::Error> {
        let mut items = serde_json::Deserializer::from_str(text).into_iter::<Boxed>();
        match items.next() {
            Some(Ok(Boxed(m))) => Ok((m, items.byte_offset())),
            Some(Err(e)) => Err(e),
            None => Err(de::Error::custom("no value")),
        }
    }

    #[derive(Default)]
    struct Tally {
        valid: usize,
        taken: usize,
        invalid: usize,
    }

    impl Tally {
        /// Whatever the fast path takes, serde reads the same (value, `Sent` bits, the JSON it
        /// writes back, end); whatever serde refuses, the fast path refuses.
        fn check(&mut self, text: &str) {
            let fast = read(text);
            match (fast, by_serde(text)) {
                (Some((fast, fast_end)), Ok((serde, serde_end))) => {
                    assert_eq!(fast, serde, "{text:?}");
                    assert_eq!(fast.sent.0, serde.sent.0, "the sent fields of {text:?}");
                    assert_eq!(
                        serde_json::to_string(&fast).ok(),
                        serde_json::to_string(&serde).ok(),
                        "{text:?}"
                    );
                    assert_eq!(fast_end, serde_end, "the end of {text:?}");
                    self.valid += 1;
                    self.taken += 1;
                }
                (Some((fast, _)), Err(e)) => {
                    panic!("the fast path took {text:?} as {fast:?}; serde refuses it: {e}")
                }
                (None, Ok(_)) => self.valid += 1,
                (None, Err(_)) => self.invalid += 1,
            }
        }
    }

    /// A deterministic generator (splitmix64): the same cases on every run. Only a `wild` one
    /// draws what JSON does not allow, so that half the messages are valid.
    struct Rng {
        state: u64,
        wild: bool,
    }

    impl Rng {
        fn next(&mut self) -> u64 {
            self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        /// True `percent` times in a hundred.
        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    /// Mostly JSON whitespace, now and then what JSON does not count as whitespace.
    fn space(r: &mut Rng) -> String {
        if r.chance(60) {
            return String::new();
        }
        if r.wild && r.chance(2) {
            return r.pick(&["\u{c}", "\u{a0}", "\u{b}"]).to_string();
        }
        (0..1 + r.below(3))
            .map(|_| r.pick(&[" ", "\t", "\n", "\r"]))
            .collect()
    }

    /// A string literal: plain text, non-ASCII, escapes (surrogate pairs too), and now and
    /// then what JSON does not allow (a raw control character, a bad or lone escape).
    fn string(r: &mut Rng) -> String {
        let mut s = String::from("\"");
        for _ in 0..r.below(5) {
            let piece = match r.below(if r.wild { 100 } else { 85 }) {
                0..=39 => r.pick(&["The", " quick", "lc_run--01a1ff9f", "", " ", "x", "last"]),
                40..=54 => r.pick(&["é", "日本", "😀", "\u{7f}", "\u{2028}", "ß"]),
                55..=84 => r.pick(&[
                    "\\\"",
                    "\\\\",
                    "\\/",
                    "\\b",
                    "\\f",
                    "\\n",
                    "\\r",
                    "\\t",
                    "\\u00e9",
                    "\\u0000",
                    "\\ud83d\\ude00",
                    "\\uD83D\\uDE00",
                    "\\u001f",
                ]),
                85..=89 => r.pick(&["\\ud83d", "\\ude00", "\\ud83dx", "\\x", "\\u12", "\\"]),
                _ => r.pick(&["\u{1}", "\n", "\t", "\u{1f}", "\r"]),
            };
            s.push_str(piece);
        }
        s.push('"');
        s
    }

    const KEYS: &[&str] = &[
        "id",
        "type",
        "content",
        "tool_calls",
        "tool_call_chunks",
        "invalid_tool_calls",
        "usage_metadata",
        "tool_call_id",
        "name",
        "response_metadata",
        "additional_kwargs",
        "chunk_position",
        "status",
        "artifact",
        "",
        "é",
        // Unknown keys that start like known ones.
        "ids",
        "i",
        "typed",
        "tool_call",
        "content_blocks",
    ];

    fn key(r: &mut Rng) -> String {
        match r.below(if r.wild { 100 } else { 98 }) {
            0..=84 => format!("\"{}\"", r.pick(KEYS)),
            85..=89 => r
                .pick(&[r#""\u0069d""#, r#""na\u006de""#, r#""ty\"pe""#])
                .to_string(),
            90..=97 => string(r),
            _ => r.pick(&["id", "'id'", "1", "null", "\"id"]).to_string(),
        }
    }

    fn number(r: &mut Rng) -> String {
        let valid = [
            "0",
            "-1",
            "42",
            "12345678901234567890",
            "-9223372036854775809",
            "1.5",
            "-0",
            "-0.0",
            "1e5",
            "2E-3",
            "6.02e+23",
            "1e308",
        ];
        let invalid = ["1e400", "01", "-", "1.", ".5", "+1", "1e", "0x10", "NaN"];
        if !r.wild || r.chance(85) {
            r.pick(&valid).to_string()
        } else {
            r.pick(&invalid).to_string()
        }
    }

    /// Nested `depth` levels deep, around serde_json's limit.
    fn deep(r: &mut Rng, depth: usize) -> String {
        let (open, close) = if r.chance(50) {
            ("[", "]")
        } else {
            ("{\"a\":", "}")
        };
        format!("{}1{}", open.repeat(depth), close.repeat(depth))
    }

    fn value(r: &mut Rng, depth: usize) -> String {
        let leaf = depth > 3;
        match r.below(if leaf { 60 } else { 100 }) {
            0..=9 => "null".into(),
            10..=13 => r.pick(&["true", "false"]).into(),
            14..=15 if !r.wild => "null".into(),
            14..=15 => r.pick(&["nul", "tru", "nulll", "True", "None"]).into(),
            16..=23 => number(r),
            24..=44 => string(r),
            45..=59 => {
                let empty = ["[]", "{}", "[ ]", "{\n}", "[\t]", "{ \r}", "[,]", "{,}"];
                let valid = if r.wild { empty.len() } else { 6 };
                empty[r.below(valid)].into()
            }
            60..=74 => {
                let items: Vec<String> = (0..1 + r.below(3))
                    .map(|_| format!("{}{}{}", space(r), value(r, depth + 1), space(r)))
                    .collect();
                format!("[{}]", items.join(","))
            }
            75..=96 => {
                let entries: Vec<String> = (0..1 + r.below(3))
                    .map(|_| {
                        let (k, s1, s2, v) = (key(r), space(r), space(r), value(r, depth + 1));
                        format!("{k}{s1}:{s2}{v}")
                    })
                    .collect();
                format!("{{{}}}", entries.join(","))
            }
            _ => {
                let depth = 124 + r.below(6);
                deep(r, depth)
            }
        }
    }

    /// A value of the type the message's field `key` has.
    fn fitting(r: &mut Rng, key: &str) -> String {
        match key {
            "id" | "type" | "tool_call_id" | "name" | "chunk_position" if r.chance(80) => string(r),
            "tool_calls" | "tool_call_chunks" | "invalid_tool_calls" | "content" => {
                let items: Vec<String> = (0..r.below(3)).map(|_| value(r, 1)).collect();
                format!("[{}]", items.join(","))
            }
            "usage_metadata" | "response_metadata" | "additional_kwargs" if r.chance(80) => {
                let entries: Vec<String> = (0..r.below(3))
                    .map(|_| format!("{}:{}", string(r), value(r, 1)))
                    .collect();
                format!("{{{}}}", entries.join(","))
            }
            "id" | "type" | "tool_call_id" | "name" | "chunk_position" => "null".into(),
            _ => value(r, 0),
        }
    }

    /// A chunk as LangChain writes one, with what varies between chunks drawn at random.
    fn langchain_chunk(r: &mut Rng) -> String {
        let (content, id, position) = (string(r), string(r), r.pick(&["null", "\"last\""]));
        let tool_call_chunks = r.pick(&[
            "[]",
            r#"[{"name":"search","args":"{\"q","id":"call_1","index":0,"type":"tool_call_chunk"}]"#,
        ]);
        let usage = r.pick(&[
            "null",
            r#"{"input_tokens":12,"output_tokens":3,"total_tokens":15}"#,
        ]);
        format!(
            r#"{{"content":{content},"additional_kwargs":{{}},"response_metadata":{{}},"type":"AIMessageChunk","name":null,"id":{id},"tool_calls":[],"invalid_tool_calls":[],"usage_metadata":{usage},"tool_call_chunks":{tool_call_chunks},"chunk_position":{position}}}"#
        )
    }

    fn message(r: &mut Rng) -> String {
        r.wild = r.chance(50);
        if r.chance(30) {
            return langchain_chunk(r);
        }
        let entries: Vec<String> = (0..r.below(15))
            .map(|_| {
                let (k, v) = if !r.wild && r.chance(80) {
                    let k = r.pick(KEYS);
                    (format!("\"{k}\""), fitting(r, k))
                } else {
                    (key(r), value(r, 0))
                };
                let (s0, s1, s2, s3) = (space(r), space(r), space(r), space(r));
                format!("{s0}{k}{s1}:{s2}{v}{s3}")
            })
            .collect();
        let trailing = if r.wild && r.chance(3) { "," } else { "" };
        format!("{}{{{}{trailing}}}", space(r), entries.join(","))
    }

    /// A near miss: the text cut, a character put in, taken out or replaced, or something
    /// after the object.
    fn mutate(r: &mut Rng, text: &str) -> String {
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let at = boundaries[r.below(boundaries.len())];
        let next = boundaries.iter().copied().find(|&i| i > at);
        let odd = r.pick(&[
            ",", "}", "{", "\"", "\\", ":", "[", "]", "\u{1}", " ", "x", "n",
        ]);
        match r.below(5) {
            0 => text[..at].to_string(),
            1 => format!("{}{odd}{}", &text[..at], &text[at..]),
            2 => match next {
                Some(next) => format!("{}{}", &text[..at], &text[next..]),
                None => text.to_string(),
            },
            3 => match next {
                Some(next) => format!("{}{odd}{}", &text[..at], &text[next..]),
                None => text.to_string(),
            },
            _ => format!(
                "{text}{}{}",
                space(r),
                r.pick(&[", {}]", "}", "x", "]", ""])
            ),
        }
    }

    /// The fast path against serde on generated messages and near misses: it takes most
    /// messages, reads each exactly as serde does, and refuses all that serde refuses.
    #[test]
    fn the_fast_path_reads_what_serde_reads_and_refuses_what_it_refuses() {
        let mut r = Rng {
            state: 13,
            wild: true,
        };
        let mut tally = Tally::default();
        for _ in 0..30_000 {
            let text = message(&mut r);
            tally.check(&text);
            for _ in 0..r.below(3) {
                tally.check(&mutate(&mut r, &text));
            }
        }
        let Tally {
            valid,
            taken,
            invalid,
        } = tally;
        println!(
            "fast path: {taken} of {valid} generated messages taken, all equal to serde's; \
             {invalid} invalid ones all refused"
        );
        assert!(taken * 10 >= valid * 8, "taken {taken} of {valid}");
        assert!(invalid >= 10_000, "only {invalid} invalid texts generated");
    }

    /// The eight-bytes-at-a-time search against a byte-by-byte one, on bytes next to the ones
    /// it looks for (and with the high bit set, where its arithmetic borrows).
    #[test]
    fn special_finds_the_first_quote_backslash_or_control_character() {
        let alphabet = [
            0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0x9f, 0xa0,
            0xa2, 0xdc, 0xff, b'a',
        ];
        let mut r = Rng {
            state: 7,
            wild: true,
        };
        let mut found = 0;
        for _ in 0..100_000 {
            let len = r.below(40);
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    // Mostly plain bytes, so that matches lie past the first eight.
                    if r.chance(90) {
                        alphabet[r.below(alphabet.len())] | 0x60
                    } else {
                        alphabet[r.below(alphabet.len())]
                    }
                })
                .collect();
            let from = r.below(len + 2);
            let expected = bytes
                .get(from..)
                .and_then(|rest| {
                    rest.iter()
                        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                })
                .map(|i| from + i);
            found += usize::from(expected.is_some_and(|at| at >= from + 8));
            assert_eq!(special(&bytes, from), expected, "{bytes:x?} from {from}");
        }
        assert!(found > 1_000, "{found} matches past the first eight bytes");
    }

    /// Nesting around serde_json's limit, where a value is one level deeper in the message
    /// than alone.
    #[test]
    fn values_nested_near_the_limit_are_read_as_serde_reads_them() {
        let mut tally = Tally::default();
        for depth in 120..=130 {
            for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
                let nested = format!("{}1{}", open.repeat(depth), close.repeat(depth));
                for text in [
                    format!(r#"{{"content": {nested}}}"#),
                    format!(r#"{{"x": {nested}, "type": "ai"}}"#),
                ] {
                    let before = (tally.taken, tally.invalid);
                    tally.check(&text);
                    // 126 levels in the message, 127 with it: the deepest serde_json reads.
                    let expected = if depth <= 126 { (1, 0) } else { (0, 1) };
                    let counted = (tally.taken - before.0, tally.invalid - before.1);
                    assert_eq!(counted, expected, "{depth} levels");
                }
            }
        }
    }

    #[test]
    fn a_typical_chunk_is_taken() {
        let text = r#"{"content":"The","additional_kwargs":{},"response_metadata":{},"type":"AIMessageChunk","name":null,"id":"lc_run--01a1ff9f-484e-7780-ace7-000000000000","tool_calls":[],"invalid_tool_calls":[],"usage_metadata":null,"tool_call_chunks":[],"chunk_position":null}, {"langgraph_step":1}]"#;
        let (m, end) = read(text).expect("taken");
        assert_eq!(m.text(), "The");
        assert_eq!(&text[end..end + 2], ", ");
        let escaped = r#"{"content":"say \"hi\" \\","type":"ai"}"#;
        let (m, _) = read(escaped).expect("a string with escapes is taken");
        assert_eq!(m.text(), r#"say "hi" \"#);
        let mut tally = Tally::default();
        tally.check(text);
        tally.check(escaped);
        assert_eq!(tally.taken, 2);
    }
}
