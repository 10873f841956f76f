//! One connection of the sentinel to a master, replica or other sentinel: a tokio task that
//! resolves and connects (reporting success with our local address, or the failure), then writes
//! what the machine sends and hands every reply frame back to it, in order, until either side
//! closes. A task whose channel is dropped ([`super::state::Action::Close`]) ends without a word:
//! the machine has already forgotten the connection.
//!
//! Nothing here blocks another link: name resolution and connecting run inside this task under a
//! timeout, reads and writes are interleaved (a peer that stops reading cannot stall our reads),
//! and the state lock is taken only to report.
//!
//! The task knows neither the machine nor the state: it reports what happens as [`LinkEvent`]s to
//! the callback the driver gave it, which feeds them to the machine under the lock.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::state::ConnId;
use crate::resp::frame::{Frame, FrameError};

/// How long resolving the name and connecting may take together. hiredis has no such limit (the
/// kernel's SYN retries end a connect to a dead host after minutes); a failed attempt is simply
/// retried by the machine's reconnect period, so a bound keeps unreachable hosts cheap.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(2000);
/// Read buffer growth step.
const READ_CHUNK: usize = 16 * 1024;
/// A reply larger than this (INFO is a few KiB) means the peer is not speaking RESP to us.
const MAX_REPLY: usize = 64 * 1024 * 1024;

/// What a link reports, in order.
#[derive(Debug)]
pub enum LinkEvent {
    /// Resolving or connecting failed (the reason); the link is over.
    ConnectFailed(String),
    /// Connected; our address and the peer's as this connection sees them.
    Connected { local_ip: Option<String>, peer_ip: Option<String> },
    /// Reply frames, in the order they arrived.
    Replies(Vec<Frame>),
    /// The peer closed the connection or it failed; the link is over.
    Lost,
}

/// Runs one connection until it fails or the machine closes it (drops `rx`'s sender), reporting
/// through `report`.
pub async fn run(conn: ConnId, host: String, port: u16, mut rx: mpsc::UnboundedReceiver<Vec<u8>>, report: impl Fn(LinkEvent)) {
    let stream = match tokio::time::timeout(CONNECT_TIMEOUT, connect(&host, port)).await {
        Ok(Ok(s)) => s,
        Ok(Err(reason)) => return report(LinkEvent::ConnectFailed(reason)),
        Err(_) => return report(LinkEvent::ConnectFailed("Connection timed out".into())),
    };
    let _ = stream.set_nodelay(true);
    let local_ip = stream.local_addr().ok().map(|a| canonical(a.ip()).to_string());
    let peer_ip = stream.peer_addr().ok().map(|a| canonical(a.ip()).to_string());
    report(LinkEvent::Connected { local_ip, peer_ip });
    match serve(stream, &mut rx, &report).await {
        End::Closed => {}
        End::Failed(reason) => {
            crate::log::debug(&format!("Sentinel link {conn} to {host}:{port} lost: {reason}"));
            report(LinkEvent::Lost);
        }
    }
}

enum End {
    /// The machine dropped the connection.
    Closed,
    /// The peer closed it, or reading/writing failed.
    Failed(String),
}

/// Resolves `host` (every attempt: hostnames may move) and connects to the first address that
/// accepts. The error is the reason reported to the machine.
async fn connect(host: &str, port: u16) -> Result<TcpStream, String> {
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port)).await.map_err(|e| format!("Can't resolve {host}: {e}"))?.collect(),
    };
    let mut last = format!("Can't resolve {host}: no addresses");
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(s) => return Ok(s),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

/// An IPv4 address seen through an IPv6 socket is announced as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

async fn serve(stream: TcpStream, rx: &mut mpsc::UnboundedReceiver<Vec<u8>>, report: &impl Fn(LinkEvent)) -> End {
    let (mut rd, mut wr) = stream.into_split();
    let mut inbuf = BytesMut::with_capacity(READ_CHUNK);
    let mut outbuf: Vec<u8> = Vec::new();
    loop {
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(bytes) => {
                    outbuf.extend_from_slice(&bytes);
                    // Pipelined: everything already queued goes out in one write.
                    while let Ok(more) = rx.try_recv() {
                        outbuf.extend_from_slice(&more);
                    }
                }
                // Closed by the machine: stop at once, unsent commands do not matter any more.
                None => return End::Closed,
            },
            r = wr.write(&outbuf), if !outbuf.is_empty() => match r {
                Ok(0) => return End::Failed("write returned 0".into()),
                Ok(n) => {
                    outbuf.drain(..n);
                }
                Err(e) => return End::Failed(e.to_string()),
            },
            r = read_more(&mut rd, &mut inbuf) => match r {
                Ok(0) => return End::Failed("connection closed by peer".into()),
                Ok(_) => {
                    let frames = match split_frames(&mut inbuf) {
                        Ok(f) => f,
                        Err(e) => return End::Failed(e),
                    };
                    if !frames.is_empty() {
                        report(LinkEvent::Replies(frames));
                    }
                }
                Err(e) => return End::Failed(e.to_string()),
            },
        }
    }
}

async fn read_more(rd: &mut tokio::net::tcp::OwnedReadHalf, buf: &mut BytesMut) -> std::io::Result<usize> {
    if buf.capacity() - buf.len() < READ_CHUNK / 2 {
        buf.reserve(READ_CHUNK);
    }
    rd.read_buf(buf).await
}

/// Takes every complete frame off the front of `buf`; a malformed or oversized reply is an error
/// (the link is dropped and reconnected, as hiredis does on a protocol error).
fn split_frames(buf: &mut BytesMut) -> Result<Vec<Frame>, String> {
    let mut frames = Vec::new();
    loop {
        match Frame::parse(buf) {
            Ok((frame, used)) => {
                buf.advance(used);
                frames.push(frame);
            }
            Err(FrameError::Incomplete) => {
                if buf.len() > MAX_REPLY {
                    return Err("reply too large".into());
                }
                return Ok(frames);
            }
            Err(FrameError::Invalid(e)) => return Err(format!("protocol error: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_split_in_order_and_partial_ones_kept() {
        let mut buf = BytesMut::from(&b"+PONG\r\n$3\r\nabc\r\n*3\r\n:1\r\n"[..]);
        let frames = split_frames(&mut buf).unwrap();
        assert_eq!(frames, vec![Frame::Simple("PONG".into()), Frame::Bulk(b"abc".to_vec())]);
        assert_eq!(&buf[..], b"*3\r\n:1\r\n");
        buf.extend_from_slice(b"$1\r\n*\r\n:0\r\n");
        let frames = split_frames(&mut buf).unwrap();
        assert_eq!(frames, vec![Frame::Array(vec![Frame::Int(1), Frame::Bulk(b"*".to_vec()), Frame::Int(0)])]);
        assert!(buf.is_empty());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let mut buf = BytesMut::from(&b"?what\r\n"[..]);
        assert!(split_frames(&mut buf).is_err());
    }

    #[test]
    fn mapped_addresses_are_announced_as_ipv4() {
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(canonical(mapped).to_string(), "10.0.0.1");
        let v6: IpAddr = "::1".parse().unwrap();
        assert_eq!(canonical(v6), v6);
    }

    #[test]
    fn unresolvable_names_fail_without_blocking() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let r = rt.block_on(async { tokio::time::timeout(CONNECT_TIMEOUT, connect("no-such-host.invalid", 1)).await });
        assert!(matches!(r, Ok(Err(_)) | Err(_)));
    }
}
