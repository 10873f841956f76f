//! Synchronous acknowledgement (`ha-sync-replicas <n>`, ours; 0 = off, Redis's behaviour): a write's
//! reply leaves only once `n` replicas have acknowledged the replication offset after it, so a client
//! never sees a write acknowledged that a failover to a replica could lose.
//!
//! The unit is a connection's batch (everything it pipelined in one read): the batch runs as usual,
//! and if it wrote, its output from the first write's reply on is held, and the connection reads no
//! further command, until the replicas' acknowledgements cover the offset after its last write — one
//! round trip for the whole pipeline, not one per command. The master asks for acknowledgements as
//! WAIT does (REPLCONF GETACK, sent once per turn of the event loop for everyone waiting), so real
//! Redis replicas confirm as well as ours. After `ha-sync-timeout-ms` (0 = no limit) the replies of
//! the batch's writes (a whole EXEC or script counts as one) are replaced by an `-UNCONFIRMED` error
//! that says the write was applied on the master but not confirmed; replies of reads are kept.

use tokio::time::Instant;

/// Held output of one connection.
#[derive(Debug)]
pub struct SyncHold {
    /// Replication offset the replicas must acknowledge.
    pub offset: i64,
    /// Where the held part of the connection's output buffer starts.
    pub from: usize,
    /// The write commands' replies in the held part: (start, end) in the output buffer.
    pub writes: Vec<(usize, usize)>,
    pub deadline: Option<Instant>,
}

/// The error that replaces a write's reply when the replicas did not confirm it in time.
pub fn unconfirmed_error(acked: usize, wanted: usize, timeout_ms: i64) -> Vec<u8> {
    let replicas = if wanted == 1 { "replica" } else { "replicas" };
    format!("-UNCONFIRMED the write was applied on the master but confirmed by only {acked} of {wanted} {replicas} within {timeout_ms} ms\r\n")
        .into_bytes()
}

/// `buf` with each `writes` range from `from` on replaced by `error`. Returns the new buffer.
pub fn replace_replies(buf: &[u8], from: usize, writes: &[(usize, usize)], error: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(buf.len());
    out.extend_from_slice(&buf[..from]);
    let mut at = from;
    for &(start, end) in writes {
        if start < at || end > buf.len() {
            continue;
        }
        out.extend_from_slice(&buf[at..start]);
        out.extend_from_slice(error);
        at = end;
    }
    out.extend_from_slice(&buf[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_writes_replies_are_replaced() {
        let buf = b"+PONG\r\n+OK\r\n$1\r\nv\r\n*2\r\n+OK\r\n:1\r\n".to_vec();
        // PING (released), SET (write), GET (read), EXEC (write).
        let got = replace_replies(&buf, 7, &[(7, 12), (19, 32)], b"-E\r\n");
        assert_eq!(got, b"+PONG\r\n-E\r\n$1\r\nv\r\n-E\r\n".to_vec());
        assert_eq!(replace_replies(&buf, 7, &[], b"-E\r\n"), buf);
    }

    #[test]
    fn the_error_says_what_happened() {
        let e = String::from_utf8(unconfirmed_error(0, 1, 500)).unwrap_or_default();
        assert_eq!(e, "-UNCONFIRMED the write was applied on the master but confirmed by only 0 of 1 replica within 500 ms\r\n");
    }
}
