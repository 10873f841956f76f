//! MIGRATE's connections to target instances (Redis's `migrate_cached_sockets`): one blocking TCP
//! connection per "host:port", kept for 10 s after its last use (at most 64), remembering the
//! database last selected on it so that the next MIGRATE to the same db skips SELECT.
//!
//! The I/O is blocking with a deadline, as Redis's `connSyncWrite`/`connSyncReadLine`: MIGRATE is
//! atomic and holds the server for its duration, by design. Which error ended an operation matters
//! to the caller: Redis retries a failed exchange once on a fresh connection, never after a timeout.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// MIGRATE_SOCKET_CACHE_ITEMS and MIGRATE_SOCKET_CACHE_TTL.
const CACHE_ITEMS: usize = 64;
const CACHE_TTL_S: i64 = 10;
/// Redis reads each reply line into a 1024-byte buffer (1023 characters and the NUL).
const MAX_LINE: usize = 1023;
/// The query goes out in 64 KiB writes, each with the whole timeout.
const WRITE_CHUNK: usize = 64 * 1024;

/// Why a blocking operation failed; only a timeout forbids the retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoFailure {
    Timeout,
    Other,
}

fn failure(e: &std::io::Error) -> IoFailure {
    match e.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => IoFailure::Timeout,
        _ => IoFailure::Other,
    }
}

/// One cached connection.
pub struct CachedSocket {
    /// None: the connect failed at once (refused, unreachable). Redis's blocking connect only
    /// waits for the socket to become writable, so such a failure shows at the first write.
    stream: Option<TcpStream>,
    /// Bytes read past the last reply line.
    pending: Vec<u8>,
    /// The database selected on this connection, -1 when unknown (new, or after an error).
    pub last_dbid: i64,
    last_use_s: i64,
}

impl CachedSocket {
    /// Writes all of `buf` in 64 KiB pieces, each within `timeout`.
    pub fn write_all(&mut self, buf: &[u8], timeout: Duration) -> Result<(), IoFailure> {
        let stream = self.stream.as_mut().ok_or(IoFailure::Other)?;
        for chunk in buf.chunks(WRITE_CHUNK) {
            let deadline = Instant::now() + timeout;
            let mut pos = 0;
            while pos < chunk.len() {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(IoFailure::Timeout);
                }
                stream.set_write_timeout(Some(left)).map_err(|e| failure(&e))?;
                match stream.write(&chunk[pos..]) {
                    Ok(0) => return Err(IoFailure::Other),
                    Ok(n) => pos += n,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) => return Err(failure(&e)),
                }
            }
        }
        Ok(())
    }

    /// One reply line without its CRLF (cut at 1023 bytes, as Redis's buffer), within `timeout`.
    /// An empty line counts as a failure, as in Redis (`connSyncReadLine` returned 0).
    pub fn read_line(&mut self, timeout: Duration) -> Result<Vec<u8>, IoFailure> {
        let stream = self.stream.as_mut().ok_or(IoFailure::Other)?;
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(nl) = self.pending.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.pending.drain(..=nl).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                line.truncate(MAX_LINE);
                return if line.is_empty() { Err(IoFailure::Other) } else { Ok(line) };
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(IoFailure::Timeout);
            }
            stream.set_read_timeout(Some(left)).map_err(|e| failure(&e))?;
            let mut buf = [0u8; 4096];
            match stream.read(&mut buf) {
                Ok(0) => return Err(IoFailure::Other),
                Ok(n) => self.pending.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(failure(&e)),
            }
        }
    }
}

/// The cache, keyed by "host:port" exactly as MIGRATE's arguments spell them.
#[derive(Default)]
pub struct MigrateSockets {
    sockets: HashMap<String, CachedSocket>,
}

impl MigrateSockets {
    /// INFO's `migrate_cached_sockets`.
    pub fn len(&self) -> usize {
        self.sockets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sockets.is_empty()
    }

    /// The cached connection to `host:port`, taken out of the cache for the caller's exchange (hand
    /// it back with [`put_back`](Self::put_back) unless it failed), or a new one connected within
    /// `timeout`. Err: the connection could not be made.
    pub fn take(&mut self, host: &[u8], port: &[u8], timeout: Duration, now_s: i64) -> Result<(String, CachedSocket), IoFailure> {
        let name = format!("{}:{}", String::from_utf8_lossy(host), String::from_utf8_lossy(port));
        if let Some(mut cs) = self.sockets.remove(&name) {
            cs.last_use_s = now_s;
            return Ok((name, cs));
        }
        if self.sockets.len() >= CACHE_ITEMS {
            // Too many: drop one (Redis picks one at random; the map's order is arbitrary).
            if let Some(k) = self.sockets.keys().next().cloned() {
                self.sockets.remove(&k);
            }
        }
        let stream = connect(host, port, timeout)?;
        if let Some(s) = &stream {
            let _ = s.set_nodelay(true);
        }
        Ok((name, CachedSocket { stream, pending: Vec::new(), last_dbid: -1, last_use_s: now_s }))
    }

    /// Returns a connection that is still good to the cache.
    pub fn put_back(&mut self, name: String, cs: CachedSocket) {
        self.sockets.insert(name, cs);
    }

    /// Closes the connections unused for more than 10 seconds (serverCron, once a second).
    pub fn close_idle(&mut self, now_s: i64) {
        self.sockets.retain(|_, cs| now_s - cs.last_use_s <= CACHE_TTL_S);
    }
}

/// `connBlockingConnect`: every address the host resolves to, in order, until one connects within
/// what is left of `timeout`. The port reads as C's `atoi` and then as a 16-bit port, as the
/// resolver takes it. Err (Redis's "connecting" error): the host or port does not resolve, or the
/// time ran out; Ok(None): the connection was refused.
fn connect(host: &[u8], port: &[u8], timeout: Duration) -> Result<Option<TcpStream>, IoFailure> {
    let port = atoi(port);
    if port < 0 {
        return Err(IoFailure::Other);
    }
    let port = (port & 0xffff) as u16;
    let host = std::str::from_utf8(host).map_err(|_| IoFailure::Other)?;
    let deadline = Instant::now() + timeout;
    let addrs: Vec<SocketAddr> = (host, port).to_socket_addrs().map_err(|_| IoFailure::Other)?.collect();
    if addrs.is_empty() {
        return Err(IoFailure::Other);
    }
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(IoFailure::Timeout);
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(s) => return Ok(Some(s)),
            Err(e) if failure(&e) == IoFailure::Timeout => return Err(IoFailure::Timeout),
            Err(_) => {}
        }
    }
    Ok(None)
}

/// C's `atoi`: optional sign and leading digits, anything else ends it; 0 when there are none.
fn atoi(s: &[u8]) -> i64 {
    let s = s.trim_ascii_start();
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for &c in digits.iter().take_while(|c| c.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add((c - b'0') as i64);
    }
    if neg {
        -n
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn atoi_reads_like_c() {
        assert_eq!(atoi(b"6379"), 6379);
        assert_eq!(atoi(b" 12ab"), 12);
        assert_eq!(atoi(b"ab"), 0);
        assert_eq!(atoi(b"-5"), -5);
    }

    #[test]
    fn lines_are_split_and_cut_and_connections_cached() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port().to_string();
        let server = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            let mut long = vec![b'-'; 2000];
            long.extend_from_slice(b"\r\n");
            s.write_all(b"+OK\r\n-ERR no\r\n").unwrap();
            s.write_all(&long).unwrap();
            let mut b = [0u8; 3];
            s.read_exact(&mut b).unwrap();
            assert_eq!(&b, b"abc");
        });
        let mut cache = MigrateSockets::default();
        let t = Duration::from_secs(2);
        let (name, mut cs) = cache.take(b"127.0.0.1", port.as_bytes(), t, 100).unwrap();
        assert_eq!(cs.read_line(t).unwrap(), b"+OK");
        assert_eq!(cs.read_line(t).unwrap(), b"-ERR no");
        assert_eq!(cs.read_line(t).unwrap().len(), MAX_LINE);
        cs.write_all(b"abc", t).unwrap();
        cache.put_back(name, cs);
        assert_eq!(cache.len(), 1);
        server.join().unwrap();
        // Taken again: the same connection, whose peer has now gone away.
        let (name, mut cs) = cache.take(b"127.0.0.1", port.as_bytes(), t, 105).unwrap();
        assert_eq!(cs.read_line(t), Err(IoFailure::Other));
        cache.put_back(name, cs);
        cache.close_idle(115);
        assert_eq!(cache.len(), 1, "10 s after the last use it is still kept");
        cache.close_idle(116);
        assert!(cache.is_empty());
    }

    #[test]
    fn a_silent_peer_times_out_and_a_closed_port_fails() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port().to_string();
        let mut cache = MigrateSockets::default();
        let (_, mut cs) = cache.take(b"127.0.0.1", port.as_bytes(), Duration::from_secs(1), 0).unwrap();
        assert_eq!(cs.read_line(Duration::from_millis(100)), Err(IoFailure::Timeout));
        drop(l);
        // Refused: a socket whose first write fails, as Redis's (it reports "writing").
        let t = Duration::from_secs(1);
        let (_, mut cs) = cache.take(b"127.0.0.1", port.as_bytes(), t, 0).unwrap();
        assert_eq!(cs.write_all(b"x", t), Err(IoFailure::Other));
        // What does not resolve fails to connect.
        assert!(cache.take(b"127.0.0.1", b"-1", t, 0).is_err());
        assert!(cache.take(b"", b"6379", t, 0).is_err());
        assert!(cache.take(b"nonexistent.invalid", b"6379", t, 0).is_err());
    }
}
