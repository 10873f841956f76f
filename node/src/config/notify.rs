//! `notify-keyspace-events` flag strings, converted both ways exactly as Redis 7.0 does.

use crate::notify::{ALL, EVICTED, EXPIRED, GENERIC, HASH, KEYEVENT, KEYSPACE, KEY_MISS, LIST, MODULE, NEW, SET, STREAM, STRING, ZSET};

/// Parses a class string such as `"KEA"`; None when a character is not a known class.
pub fn notify_flags_from_str(s: &[u8]) -> Option<u32> {
    let mut flags = 0;
    for &c in s {
        flags |= match c {
            b'A' => ALL,
            b'g' => GENERIC,
            b'$' => STRING,
            b'l' => LIST,
            b's' => SET,
            b'h' => HASH,
            b'z' => ZSET,
            b'x' => EXPIRED,
            b'e' => EVICTED,
            b'K' => KEYSPACE,
            b'E' => KEYEVENT,
            b't' => STREAM,
            b'm' => KEY_MISS,
            b'd' => MODULE,
            b'n' => NEW,
            _ => return None,
        };
    }
    Some(flags)
}

/// Formats flags as CONFIG GET shows them. Like Redis 7.0, a full class set prints as `A` and
/// then drops `n` (new-key events), even when it is set.
pub fn notify_flags_to_string(f: u32) -> String {
    let mut out = String::new();
    if f & ALL == ALL {
        out.push('A');
    } else {
        for (flag, c) in [
            (GENERIC, 'g'),
            (STRING, '$'),
            (LIST, 'l'),
            (SET, 's'),
            (HASH, 'h'),
            (ZSET, 'z'),
            (EXPIRED, 'x'),
            (EVICTED, 'e'),
            (STREAM, 't'),
            (MODULE, 'd'),
            (NEW, 'n'),
        ] {
            if f & flag != 0 {
                out.push(c);
            }
        }
    }
    for (flag, c) in [(KEYSPACE, 'K'), (KEYEVENT, 'E'), (KEY_MISS, 'm')] {
        if f & flag != 0 {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_like_redis() {
        // Expected strings are what redis-server 7.0.15 replies to CONFIG GET after CONFIG SET.
        let cases = [("KEA", "AKE"), ("Ex", "xE"), ("KA", "AK"), ("Kgx$lshzetdmnE", "AKEm"), ("", "")];
        for (input, shown) in cases {
            let flags = notify_flags_from_str(input.as_bytes());
            assert_eq!(flags.map(notify_flags_to_string).as_deref(), Some(shown), "{input}");
        }
        assert_eq!(notify_flags_from_str(b"Q"), None);
        assert_eq!(notify_flags_from_str(b"K"), Some(1));
        assert_eq!(notify_flags_from_str(b"En"), Some(2 | 1 << 14));
        assert_eq!(notify_flags_to_string(2 | 1 << 14 | 1 << 8), "xnE");
    }
}
