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

use std::time::Duration;

use bytes::BytesMut;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

use super::state::ConnId;
use crate::resp::frame::Frame;
use crate::resp::peer::{read_more, split_frames, Peer, PeerStream};

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
pub async fn run(
    conn: ConnId,
    host: String,
    port: u16,
    tls: Option<std::sync::Arc<rustls::ClientConfig>>,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
    report: impl Fn(LinkEvent),
) {
    let peer = match tokio::time::timeout(CONNECT_TIMEOUT, Peer::connect_with(&host, port, tls.as_ref())).await {
        Ok(Ok(p)) => p,
        Ok(Err(reason)) => return report(LinkEvent::ConnectFailed(reason)),
        Err(_) => return report(LinkEvent::ConnectFailed("Connection timed out".into())),
    };
    let (local, remote) = peer.addresses();
    report(LinkEvent::Connected { local_ip: local.map(|ip| ip.to_string()), peer_ip: remote.map(|ip| ip.to_string()) });
    let (stream, inbuf) = peer.into_parts();
    match serve(stream, inbuf, &mut rx, &report).await {
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

async fn serve(stream: PeerStream, mut inbuf: BytesMut, rx: &mut mpsc::UnboundedReceiver<Vec<u8>>, report: &impl Fn(LinkEvent)) -> End {
    let (mut rd, mut wr) = tokio::io::split(stream);
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
            r = read_more(&mut rd, &mut inbuf, READ_CHUNK) => match r {
                Ok(0) => return End::Failed("connection closed by peer".into()),
                Ok(_) => {
                    let frames = match split_frames(&mut inbuf, MAX_REPLY) {
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
