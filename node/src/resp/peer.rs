//! The one client this process uses to talk to another Redis-speaking process: a replica to its
//! master (the handshake), the sentinel to the masters, replicas and sentinels it monitors, the
//! boot guard to the sentinels, and `--group` to its children. It connects (resolving the name on
//! every attempt: addresses move), sends commands (AUTH included, pipelined with the rest) with
//! the one encoder ([`super::request::encode_command`]), and reads whole reply frames or the single-line replies of
//! the replication handshake, each read bounded by an optional timeout.
//!
//! Readers that interleave reading and writing (a sentinel link, a replica's stream) take the socket
//! and the bytes already read with [`Peer::into_parts`], and split replies with [`split_frames`] and
//! [`read_more`] from here.

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

use super::frame::{Frame, FrameError};
use super::request::command_bytes;

/// How much is read at once: a reply or a replication stream arrives in reads this large.
const READ_LEN: usize = 16 * 1024;
/// A single-line reply longer than this is not one (Redis's PROTO_INLINE_MAX_SIZE).
const MAX_LINE: usize = 64 * 1024;

/// A connection to a peer: plain TCP, or TLS over it (`tls-replication`).
pub enum PeerStream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl PeerStream {
    fn tcp(&self) -> &TcpStream {
        match self {
            PeerStream::Plain(s) => s,
            PeerStream::Tls(t) => t.get_ref().0,
        }
    }
}

impl AsyncRead for PeerStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            PeerStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            PeerStream::Tls(t) => Pin::new(t.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for PeerStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            PeerStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            PeerStream::Tls(t) => Pin::new(t.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            PeerStream::Plain(s) => Pin::new(s).poll_flush(cx),
            PeerStream::Tls(t) => Pin::new(t.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            PeerStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            PeerStream::Tls(t) => Pin::new(t.as_mut()).poll_shutdown(cx),
        }
    }
}

/// A connection to a peer, with the bytes read from it but not yet consumed.
pub struct Peer {
    sock: PeerStream,
    buf: BytesMut,
    /// Bound on each read; None waits as long as the peer takes.
    timeout: Option<Duration>,
}

impl Peer {
    /// Resolves `host` and connects to the first of its addresses that accepts; the error is the
    /// reason to report ("Can't resolve ..." or the last connect error).
    pub async fn connect(host: &str, port: u16) -> Result<Peer, String> {
        Peer::connect_with(host, port, None).await
    }

    /// [`Peer::connect`], then a TLS handshake with `tls` when given (the peer's certificate
    /// checked against our CA).
    pub async fn connect_with(host: &str, port: u16, tls: Option<&std::sync::Arc<rustls::ClientConfig>>) -> Result<Peer, String> {
        let addrs: Vec<SocketAddr> = match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::net::lookup_host((host, port)).await.map_err(|e| format!("Can't resolve {host}: {e}"))?.collect(),
        };
        let mut last = format!("Can't resolve {host}: no addresses");
        for addr in addrs {
            match TcpStream::connect(addr).await {
                Ok(sock) => {
                    let _ = sock.set_nodelay(true);
                    let sock = match tls {
                        None => PeerStream::Plain(sock),
                        Some(cfg) => {
                            let connector = tokio_rustls::TlsConnector::from(cfg.clone());
                            let tls = connector.connect(server_name(host), sock).await.map_err(|e| format!("TLS handshake failed: {e}"))?;
                            PeerStream::Tls(Box::new(tls))
                        }
                    };
                    return Ok(Peer { sock, buf: BytesMut::with_capacity(READ_LEN), timeout: None });
                }
                Err(e) => last = e.to_string(),
            }
        }
        Err(last)
    }

    /// [`Peer::connect`] to `host:port` (`[v6]:port` for an IPv6 address).
    pub async fn connect_addr(addr: &str) -> Result<Peer, String> {
        let (host, port) = addr.rsplit_once(':').ok_or_else(|| format!("not host:port: {addr}"))?;
        let port = port.parse().map_err(|_| format!("not host:port: {addr}"))?;
        Peer::connect(host, port).await
    }

    /// Bounds every later read by `timeout`.
    pub fn with_read_timeout(mut self, timeout: Duration) -> Peer {
        self.timeout = Some(timeout);
        self
    }

    /// This side's and the peer's address as the connection sees them (an IPv4 address seen
    /// through an IPv6 socket is given as plain IPv4).
    pub fn addresses(&self) -> (Option<IpAddr>, Option<IpAddr>) {
        let tcp = self.sock.tcp();
        (tcp.local_addr().ok().map(|a| canonical(a.ip())), tcp.peer_addr().ok().map(|a| canonical(a.ip())))
    }

    /// Sends one command.
    pub async fn send<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> Result<(), String> {
        self.send_raw(&command_bytes(argv)).await
    }

    /// Sends bytes already encoded (a pipeline of commands).
    pub async fn send_raw(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.sock.write_all(bytes).await.map_err(|e| e.to_string())
    }

    /// Reads one whole reply.
    pub async fn read_frame(&mut self) -> Result<Frame, String> {
        loop {
            match Frame::parse(&self.buf) {
                Ok((frame, used)) => {
                    self.buf.advance(used);
                    return Ok(frame);
                }
                Err(FrameError::Incomplete) => self.fill().await?,
                Err(FrameError::Invalid(e)) => return Err(format!("protocol error: {e}")),
            }
        }
    }

    /// Reads one `\r\n`-terminated line, skipping the bare `\n` keepalives a master sends while it
    /// prepares a full sync (Redis's `syncReadLine`).
    pub async fn read_line(&mut self) -> Result<String, String> {
        read_line(&mut self.sock, &mut self.buf, self.timeout).await
    }

    /// The socket and the bytes read but not consumed, for a reader that goes on by itself.
    pub fn into_parts(self) -> (PeerStream, BytesMut) {
        (self.sock, self.buf)
    }

    async fn fill(&mut self) -> Result<(), String> {
        fill(&mut self.sock, &mut self.buf, self.timeout).await
    }
}

/// [`Peer::read_line`] over a socket and its buffer.
pub async fn read_line<R: AsyncRead + Unpin>(rd: &mut R, buf: &mut BytesMut, timeout: Option<Duration>) -> Result<String, String> {
    loop {
        while buf.first() == Some(&b'\n') {
            buf.advance(1);
        }
        if let Some(pos) = buf.iter().position(|&c| c == b'\n') {
            let line = buf.split_to(pos + 1);
            return Ok(String::from_utf8_lossy(&line[..pos]).trim_end_matches('\r').to_string());
        }
        if buf.len() > MAX_LINE {
            return Err("protocol error: line too long".into());
        }
        fill(rd, buf, timeout).await?;
    }
}

/// Reads more into `buf` (at least one byte), within `timeout`; a closed connection is an error.
async fn fill<R: AsyncRead + Unpin>(rd: &mut R, buf: &mut BytesMut, timeout: Option<Duration>) -> Result<(), String> {
    let n = match timeout {
        Some(t) => tokio::time::timeout(t, read_more(rd, buf, READ_LEN)).await.map_err(|_| "timeout reading from the peer".to_string())?,
        None => read_more(rd, buf, READ_LEN).await,
    }
    .map_err(|e| e.to_string())?;
    if n == 0 {
        return Err("connection closed by peer".into());
    }
    Ok(())
}

/// Reads what the socket has into `buf`, with room for a read of `chunk` bytes: `read_buf` alone
/// only offers the buffer's spare capacity, which shrinks to a few bytes as replies are split off,
/// and a reader then crawls through its input a few bytes at a time.
pub async fn read_more<R: AsyncRead + Unpin>(rd: &mut R, buf: &mut BytesMut, chunk: usize) -> std::io::Result<usize> {
    if buf.capacity() - buf.len() < chunk / 2 {
        buf.reserve(chunk);
    }
    rd.read_buf(buf).await
}

/// Takes every complete reply off the front of `buf`; a malformed reply, or an incomplete one
/// already longer than `max`, is an error (the peer is not speaking RESP to us).
pub fn split_frames(buf: &mut BytesMut, max: usize) -> Result<Vec<Frame>, String> {
    let mut frames = Vec::new();
    loop {
        match Frame::parse(buf) {
            Ok((frame, used)) => {
                buf.advance(used);
                frames.push(frame);
            }
            Err(FrameError::Incomplete) if buf.len() > max => return Err("reply too large".into()),
            Err(FrameError::Incomplete) => return Ok(frames),
            Err(FrameError::Invalid(e)) => return Err(format!("protocol error: {e}")),
        }
    }
}

/// An IPv4 address seen through an IPv6 socket is announced as plain IPv4.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The name a client connection announces for `host` (an address or a DNS name).
fn server_name(host: &str) -> rustls::pki_types::ServerName<'static> {
    rustls::pki_types::ServerName::try_from(host.to_string())
        .unwrap_or_else(|_| rustls::pki_types::ServerName::try_from("redis").expect("a valid DNS name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_split_in_order_and_partial_ones_kept() {
        let mut buf = BytesMut::from(&b"+PONG\r\n$3\r\nabc\r\n*3\r\n:1\r\n"[..]);
        let frames = split_frames(&mut buf, 1 << 20).unwrap();
        assert_eq!(frames, vec![Frame::Simple("PONG".into()), Frame::Bulk(b"abc".to_vec())]);
        assert_eq!(&buf[..], b"*3\r\n:1\r\n");
        buf.extend_from_slice(b"$1\r\n*\r\n:0\r\n");
        let frames = split_frames(&mut buf, 1 << 20).unwrap();
        assert_eq!(frames, vec![Frame::Array(vec![Frame::Int(1), Frame::Bulk(b"*".to_vec()), Frame::Int(0)])]);
        assert!(buf.is_empty());
    }

    #[test]
    fn garbage_and_oversized_replies_are_errors_not_panics() {
        let mut buf = BytesMut::from(&b"?what\r\n"[..]);
        assert!(split_frames(&mut buf, 1 << 20).is_err());
        let mut buf = BytesMut::from(&b"$100\r\nabc"[..]);
        assert_eq!(split_frames(&mut buf, 4), Err("reply too large".to_string()));
    }

    #[test]
    fn mapped_addresses_are_announced_as_ipv4() {
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(canonical(mapped).to_string(), "10.0.0.1");
        let v6: IpAddr = "::1".parse().unwrap();
        assert_eq!(canonical(v6), v6);
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }

    #[test]
    fn lines_skip_keepalives_and_frames_span_reads() {
        block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let server = tokio::spawn(async move {
                let (mut s, _) = listener.accept().await.unwrap();
                let mut req = [0u8; 64];
                let n = s.read(&mut req).await.unwrap();
                assert_eq!(&req[..n], b"*1\r\n$4\r\nPING\r\n");
                s.write_all(b"\n\n+PONG\r\n$5\r\nhel").await.unwrap();
                tokio::time::sleep(Duration::from_millis(20)).await;
                s.write_all(b"lo\r\n").await.unwrap();
            });
            let mut peer = Peer::connect("127.0.0.1", port).await.unwrap().with_read_timeout(Duration::from_secs(5));
            peer.send(&["PING"]).await.unwrap();
            assert_eq!(peer.read_line().await.unwrap(), "+PONG");
            assert_eq!(peer.read_frame().await.unwrap(), Frame::Bulk(b"hello".to_vec()));
            server.await.unwrap();
            assert_eq!(peer.read_frame().await, Err("connection closed by peer".to_string()));
        });
    }

    #[test]
    fn unresolvable_names_and_refused_ports_are_reasons() {
        block_on(async {
            let err = Peer::connect("no-such-host.invalid", 6379).await.err().unwrap();
            assert!(err.starts_with("Can't resolve no-such-host.invalid"), "{err}");
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            drop(listener);
            assert!(Peer::connect_addr(&format!("127.0.0.1:{port}")).await.is_err());
        });
    }
}
