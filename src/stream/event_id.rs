//! The id of a pass-through event, held so that handing an event on costs neither an
//! allocation nor a UTF-8 check.
//!
//! A server's ids are short ASCII (`<ms>-<n>`). A `String` per event was an allocation, a
//! copy and a free, and the UTF-8 check of the id cost about as much again (some 300
//! instructions of the 1,530 a pass-through event took). A short id is kept inline, as the
//! bytes the decoder made (always UTF-8), and checked only when read as text
//! ([`EventId::text`]); relaying it ([`SseEvent::to_sse`](super::SseEvent::to_sse)) reads the
//! bytes.

use std::fmt;

/// Ids up to this many bytes are kept inline (the enum stays the size of an `Option<String>`).
const INLINE: usize = 22;

/// An event id, or none.
#[derive(Clone)]
pub(crate) enum EventId {
    None,
    /// A short id: its length, and its bytes (UTF-8) padded with zeros.
    Inline(u8, [u8; INLINE]),
    /// A longer one.
    Heap(Box<str>),
}

impl EventId {
    /// An id the decoder made: UTF-8 bytes (see [`sse::Event::id`](crate::sse::Event::id)).
    pub(crate) fn sent(id: &[u8]) -> EventId {
        match u8::try_from(id.len()) {
            Ok(len) if id.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..id.len()].copy_from_slice(id);
                EventId::Inline(len, bytes)
            }
            _ => EventId::Heap(text(id).into_boxed_str()),
        }
    }

    /// The id's bytes.
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        match self {
            EventId::None => None,
            EventId::Inline(len, bytes) => Some(&bytes[..usize::from(*len)]),
            EventId::Heap(id) => Some(id.as_bytes()),
        }
    }

    /// The id as text. (Inline bytes were UTF-8 when they were taken: the check cannot fail.)
    pub(crate) fn text(&self) -> Option<&str> {
        match self {
            EventId::Heap(id) => Some(id),
            _ => self.bytes().and_then(|id| std::str::from_utf8(id).ok()),
        }
    }
}

impl From<String> for EventId {
    fn from(id: String) -> EventId {
        if id.len() <= INLINE {
            EventId::sent(id.as_bytes())
        } else {
            EventId::Heap(id.into_boxed_str())
        }
    }
}

/// Compared as the ids they hold, however they hold them.
impl PartialEq for EventId {
    fn eq(&self, other: &EventId) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for EventId {}

impl fmt::Debug for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.text().fmt(f)
    }
}

/// UTF-8 bytes as a `String` (anything else replaced; the decoder's ids are UTF-8).
pub(crate) fn text(id: &[u8]) -> String {
    // Cheaper than `from_utf8_lossy` when it is UTF-8.
    match std::str::from_utf8(id) {
        Ok(id) => id.to_string(),
        Err(_) => String::from_utf8_lossy(id).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back_as_they_were_made_inline_or_not() {
        let long = "x".repeat(INLINE + 1);
        for id in ["", "1-0", "1718000000000-0", "é-ü", &long[1..], &long] {
            let from_bytes = EventId::sent(id.as_bytes());
            let from_string = EventId::from(id.to_string());
            assert_eq!(from_bytes.text(), Some(id));
            assert_eq!(from_bytes.bytes(), Some(id.as_bytes()));
            assert_eq!(from_string, from_bytes);
            assert_eq!(format!("{from_bytes:?}"), format!("{:?}", Some(id)));
        }
        assert!(matches!(
            EventId::sent(&long.as_bytes()[1..]),
            EventId::Inline(..)
        ));
        assert!(matches!(EventId::sent(long.as_bytes()), EventId::Heap(_)));
        assert_eq!(EventId::None.text(), None);
        assert_ne!(EventId::None, EventId::sent(b""));
        assert!(size_of::<EventId>() <= size_of::<Option<String>>());
    }
}
