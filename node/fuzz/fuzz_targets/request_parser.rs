//! cargo-fuzz target for the RESP request parser: the input's first byte picks the connection's
//! limits, the next bytes pick read boundaries, and the rest is the request stream, fed in those
//! chunks the way the connection loop feeds socket reads. Asserts: no panic, every call either
//! consumes input, waits for more, or fails; a returned command is never empty; after an error the
//! connection would be closed, so parsing stops there.
//!
//! Run (nightly): `cd node/fuzz && cargo +nightly fuzz run request_parser` (see the README).
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use redis_ha_node::resp::request::{Limits, Request, RequestParser};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let limits =
        Limits { max_bulk_len: if mode & 1 == 0 { 512 * 1024 * 1024 } else { 1024 * 1024 }, authenticated: mode & 2 == 0, from_master: false };
    // Up to 4 chunk sizes from the next bytes (0 = the rest at once).
    let (sizes, input) = rest.split_at(rest.len().min(4));
    let mut parser = RequestParser::new();
    let mut buf = BytesMut::new();
    let mut pos = 0;
    let mut i = 0;
    while pos < input.len() {
        let size = match sizes.get(i % sizes.len().max(1)) {
            Some(&s) if s > 0 => s as usize,
            _ => input.len() - pos,
        };
        i += 1;
        let end = (pos + size).min(input.len());
        buf.extend_from_slice(&input[pos..end]);
        pos = end;
        loop {
            let before = buf.len();
            match parser.parse(&mut buf, limits) {
                Ok(Some(req)) => {
                    assert!(buf.len() < before, "request returned without consuming input");
                    if let Request::Command(args) = req {
                        assert!(!args.is_empty(), "empty command");
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    assert!(e.0.starts_with("ERR Protocol error: "), "unexpected error text {:?}", e.0);
                    return;
                }
            }
        }
    }
});
