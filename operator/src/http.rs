//! `/metrics`, `/healthz` and `/readyz` over plain HTTP/1.1. A handful of fixed GET routes does not
//! justify a web framework in a build that is already long; requests are bounded and time out.
//!
//! `/healthz` says the process answers; `/readyz` says it can do its job, leader or standby alike
//! ([`crate::readiness`]).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::metrics::Metrics;
use crate::readiness::{Readiness, Verdict};

const MAX_REQUEST: usize = 8 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The response to a request line, as (status, content type, body).
pub fn route(request_line: &str, metrics: &Metrics, ready: &Readiness) -> (u16, &'static str, String) {
    let mut parts = request_line.split_ascii_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    if method != "GET" && method != "HEAD" {
        return (405, "text/plain", "method not allowed\n".into());
    }
    match path {
        "/metrics" => (200, "text/plain; version=0.0.4", metrics.render()),
        "/healthz" => (200, "text/plain", "ok\n".into()),
        "/readyz" => match ready.verdict() {
            Verdict::Ready(doing) => (200, "text/plain", format!("ready: {doing}\n")),
            Verdict::NotReady(why) => (503, "text/plain", format!("not ready: {why}\n")),
        },
        _ => (404, "text/plain", "not found\n".into()),
    }
}

/// Serves until the listener fails.
pub async fn serve(listener: TcpListener, metrics: Metrics, ready: Readiness) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let (metrics, ready) = (metrics.clone(), ready.clone());
        tokio::spawn(async move {
            if let Err(e) = handle(stream, &metrics, &ready).await {
                tracing::debug!(error = %e, "http connection");
            }
        });
    }
}

async fn handle(mut stream: TcpStream, metrics: &Metrics, ready: &Readiness) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    // Read the head only (no bodies on these routes), bounded in size and time.
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        if buf.len() > MAX_REQUEST {
            return write(&mut stream, 431, "text/plain", "request too large\n", false).await;
        }
        let n = match tokio::time::timeout(READ_TIMEOUT, stream.read(&mut chunk)).await {
            Ok(r) => r?,
            Err(_) => return Ok(()),
        };
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    let line = head.lines().next().unwrap_or("");
    let (status, ctype, body) = route(line, metrics, ready);
    write(&mut stream, status, ctype, &body, line.starts_with("HEAD ")).await
}

async fn write(stream: &mut TcpStream, status: u16, ctype: &str, body: &str, head_only: bool) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    };
    let mut out = format!("HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    if !head_only {
        out.push_str(body);
    }
    stream.write_all(out.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readiness::Role;

    #[test]
    fn routes() {
        let m = Metrics::new().expect("metrics");
        let r = Readiness::default();
        assert_eq!(route("GET /healthz HTTP/1.1", &m, &r).0, 200);
        assert_eq!(route("GET /readyz HTTP/1.1", &m, &r), (503, "text/plain", "not ready: starting\n".into()));
        r.set_role(Role::Leading);
        assert_eq!(route("GET /readyz?verbose HTTP/1.1", &m, &r), (200, "text/plain", "ready: leading\n".into()));
        let (code, _, body) = route("GET /metrics HTTP/1.1", &m, &r);
        assert_eq!(code, 200);
        assert!(body.contains("redisha_reconciles_total"));
        assert_eq!(route("POST /metrics HTTP/1.1", &m, &r).0, 405);
        assert_eq!(route("GET /nope HTTP/1.1", &m, &r).0, 404);
        assert_eq!(route("", &m, &r).0, 405);
    }

    #[test]
    fn readyz_is_ok_for_a_standby_that_keeps_up_with_the_lease() {
        let m = Metrics::new().expect("metrics");
        let r = Readiness::with_lease(Duration::from_secs(15));
        r.set_role(Role::Standby);
        assert_eq!(route("GET /readyz HTTP/1.1", &m, &r).0, 503, "no Lease read yet");
        r.lease_ok();
        assert_eq!(route("GET /readyz HTTP/1.1", &m, &r), (200, "text/plain", "ready: standby\n".into()));
        r.set_role(Role::Stopping);
        assert_eq!(route("GET /readyz HTTP/1.1", &m, &r).0, 503);
    }

    #[tokio::test]
    async fn serves_over_tcp_and_survives_garbage() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = tokio::spawn(serve(listener, Metrics::new().expect("metrics"), Readiness::default()));
        let get = |req: &'static [u8]| async move {
            let mut s = TcpStream::connect(addr).await.expect("connect");
            s.write_all(req).await.expect("write");
            let mut out = String::new();
            s.read_to_string(&mut out).await.expect("read");
            out
        };
        assert!(get(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(get(b"\xff\xfe garbage\r\n\r\n").await.starts_with("HTTP/1.1 405"));
        assert!(get(b"GET /metrics HTTP/1.1\r\n\r\n").await.contains("# TYPE redisha_reconciles_total counter"));
        server.abort();
    }
}
