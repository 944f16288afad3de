//! Searches of short byte strings eight bytes at a time, as one word, without a call: the
//! short lines of an SSE block (an event name, an id) and the short strings of a message
//! chunk (keys, ids, a token), where the set-up of a `memchr` call costs more than the search.
//!
//! Each test flags the high bit of the bytes it matches. A flag can be wrong only above a right
//! one (a borrow from the byte below), so the lowest flag is the first match: [`first`].

const ONES: u64 = u64::from_le_bytes([1; 8]);
const HIGH: u64 = u64::from_le_bytes([0x80; 8]);

/// The eight bytes at `at`, as a little-endian word, if there are eight.
pub(crate) fn word(bytes: &[u8], at: usize) -> Option<u64> {
    let eight = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(eight.try_into().ok()?))
}

/// Flags the bytes of `word` equal to `byte`.
pub(crate) fn equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGH
}

/// Flags the bytes of `word` below `limit` (at most 0x80).
pub(crate) fn below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(limit)) & !word & HIGH
}

/// Where in its word the first flagged byte is (`flags` not zero).
pub(crate) fn first(flags: u64) -> usize {
    flags.trailing_zeros() as usize / 8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every place, among neighbours that can borrow: the first flag is
    /// the first byte that matches, as a plain loop finds it.
    #[test]
    fn the_first_flag_is_the_first_match() {
        let mut checked = 0;
        for value in 0..=255u8 {
            for place in 0..8 {
                for fill in [
                    0x00, 0x01, 0x0a, 0x0d, 0x1f, 0x20, 0x22, 0x5c, 0x7f, 0x80, 0xff,
                ] {
                    let mut bytes = [fill; 8];
                    bytes[place] = value;
                    let x = word(&bytes, 0).unwrap();
                    for target in [b'\n', b'\r', b'"', b'\\'] {
                        let flags = equal(x, target);
                        let expected = bytes.iter().position(|&b| b == target);
                        assert_eq!((flags != 0).then(|| first(flags)), expected, "{bytes:x?}");
                    }
                    let flags = below(x, 0x20);
                    let expected = bytes.iter().position(|&b| b < 0x20);
                    assert_eq!((flags != 0).then(|| first(flags)), expected, "{bytes:x?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 256 * 8 * 11);
        assert_eq!(word(b"1234567", 0), None);
        assert_eq!(word(b"12345678", 1), None);
        assert_eq!(word(b"12345678", usize::MAX), None);
    }
}
