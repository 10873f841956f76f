//! A client's TLS connection driven by socket readiness, as the session drives plain sockets:
//! records are read and written with non-blocking calls, the handshake runs inside them, and
//! what rustls still has to send is flushed when the socket is writable again.

use std::io::{self, Read, Write};
use std::sync::Arc;

use bytes::BytesMut;
use rustls::{ServerConfig, ServerConnection};
use tokio::net::TcpStream;

pub struct TlsConn {
    tcp: TcpStream,
    conn: ServerConnection,
    /// Decrypted bytes are waiting in rustls (the last read stopped at the buffer's end).
    plaintext: bool,
}

/// `std::io` over the non-blocking socket: WouldBlock clears tokio's readiness.
struct Sock<'a>(&'a TcpStream);

impl Read for Sock<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.try_read(buf)
    }
}

impl Write for Sock<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.try_write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl TlsConn {
    pub fn new(tcp: TcpStream, config: Arc<ServerConfig>) -> io::Result<TlsConn> {
        let conn = ServerConnection::new(config).map_err(io::Error::other)?;
        Ok(TlsConn { tcp, conn, plaintext: false })
    }

    pub fn tcp(&self) -> &TcpStream {
        &self.tcp
    }

    /// Readable: decrypted bytes wait, or the socket has something.
    pub fn poll_read_ready(&self, cx: &mut std::task::Context<'_>) -> std::task::Poll<io::Result<()>> {
        if self.plaintext {
            return std::task::Poll::Ready(Ok(()));
        }
        self.tcp.poll_read_ready(cx)
    }

    pub fn poll_write_ready(&self, cx: &mut std::task::Context<'_>) -> std::task::Poll<io::Result<()>> {
        self.tcp.poll_write_ready(cx)
    }

    /// Reads decrypted bytes into `buf`'s spare room: Ok(0) is the end of the stream, WouldBlock
    /// means nothing whole arrived yet (a handshake in progress, a partial record).
    pub fn try_read_buf(&mut self, buf: &mut BytesMut, max: usize) -> io::Result<usize> {
        loop {
            let room = (buf.capacity() - buf.len()).min(max);
            let start = buf.len();
            buf.resize(start + room, 0);
            let got = self.conn.reader().read(&mut buf[start..]);
            buf.truncate(start + *got.as_ref().unwrap_or(&0));
            match got {
                Ok(0) => return Ok(0),
                Ok(n) => {
                    self.plaintext = n == room;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
            self.plaintext = false;
            if self.conn.read_tls(&mut Sock(&self.tcp))? == 0 {
                return Ok(0);
            }
            if let Err(e) = self.conn.process_new_packets() {
                // Tell the peer why (an alert), then give up on the connection; bytes that are not
                // TLS at all (a plaintext client) get no answer, as from OpenSSL.
                if !matches!(e, rustls::Error::InvalidMessage(_)) {
                    let _ = self.flush();
                }
                return Err(io::Error::new(io::ErrorKind::InvalidData, e));
            }
            // Handshake messages and other replies rustls owes the peer.
            match self.flush() {
                Err(e) if e.kind() != io::ErrorKind::WouldBlock => return Err(e),
                _ => {}
            }
        }
    }

    /// Encrypts `data` and writes what the socket takes; WouldBlock while earlier records are
    /// still waiting to go out.
    pub fn try_write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.flush()?;
        let n = self.conn.writer().write(data)?;
        match self.flush() {
            Err(e) if e.kind() != io::ErrorKind::WouldBlock => Err(e),
            _ => Ok(n),
        }
    }

    /// Records rustls holds for the peer.
    pub fn pending(&self) -> bool {
        self.conn.wants_write()
    }

    /// Writes the records rustls holds; WouldBlock if the socket is full.
    pub fn flush(&mut self) -> io::Result<()> {
        while self.conn.wants_write() {
            if self.conn.write_tls(&mut Sock(&self.tcp))? == 0 {
                return Err(io::Error::new(io::ErrorKind::WriteZero, "write returned 0"));
            }
        }
        Ok(())
    }
}
