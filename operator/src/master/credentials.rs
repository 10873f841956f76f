//! How the operator logs in to sentinels and data pods: the default user's password (`spec.auth`)
//! and, with `spec.tls`, the Secret's certificate, presented as the client certificate, and its CA.
//! Host names are verified: the operator reaches the pods by the names the certificate must carry
//! (`*.<name>-sentinel-headless...`, `*.<name>-headless...`).

use std::fmt;

use redis::{ClientTlsConfig, ConnectionAddr, ConnectionInfo, RedisConnectionInfo, TlsCertificates};

use super::events::Addr;

/// Never printed: see the Debug impl.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub password: Option<String>,
    pub tls: Option<TlsMaterial>,
}

/// The `spec.tls` Secret's three keys, PEM.
#[derive(Clone, PartialEq, Eq)]
pub struct TlsMaterial {
    pub ca: Vec<u8>,
    pub cert: Vec<u8>,
    pub key: Vec<u8>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("tls", &self.tls.as_ref().map(|_| "<certificate and key>"))
            .finish()
    }
}

impl Credentials {
    pub fn password(password: Option<String>) -> Credentials {
        Credentials { password, tls: None }
    }

    /// A client for `addr` with these credentials.
    pub fn client(&self, addr: &Addr) -> Result<redis::Client, String> {
        let redis = RedisConnectionInfo { password: self.password.clone(), ..RedisConnectionInfo::default() };
        let Some(tls) = &self.tls else {
            return redis::Client::open(ConnectionInfo { addr: ConnectionAddr::Tcp(addr.host.clone(), addr.port), redis }).map_err(|e| e.to_string());
        };
        let info =
            ConnectionInfo { addr: ConnectionAddr::TcpTls { host: addr.host.clone(), port: addr.port, insecure: false, tls_params: None }, redis };
        let certs = TlsCertificates {
            client_tls: Some(ClientTlsConfig { client_cert: tls.cert.clone(), client_key: tls.key.clone() }),
            root_cert: Some(tls.ca.clone()),
        };
        redis::Client::build_with_tls(info, certs).map_err(|e| format!("the TLS Secret does not load: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret() {
        let c = Credentials {
            password: Some("hunter2".into()),
            tls: Some(TlsMaterial { ca: b"CA".to_vec(), cert: b"CERT".to_vec(), key: b"PRIVATEKEY".to_vec() }),
        };
        let text = format!("{c:?}");
        assert!(!text.contains("hunter2") && !text.contains("PRIVATEKEY"), "{text}");
    }

    #[test]
    fn material_that_is_not_pem_is_an_error_not_a_panic() {
        let c = Credentials { password: None, tls: Some(TlsMaterial { ca: b"x".to_vec(), cert: b"y".to_vec(), key: b"z".to_vec() }) };
        assert!(c.client(&Addr::new("h", 1)).is_err());
        assert!(Credentials::default().client(&Addr::new("h", 1)).is_ok());
    }
}
