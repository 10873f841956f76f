//! How the operator logs in to sentinels and data pods: as its own least-privilege ACL user
//! (`redis-ha-operator`, with `spec.auth`; the password is in a Secret the operator generates), else
//! as the default user (`spec.auth`'s password) where a pod started before that user existed refuses
//! it; and, with `spec.tls`, with the Secret's certificate, presented as the client certificate, and
//! its CA.
//! Host names are verified: the operator reaches the pods by the names the certificate must carry
//! (`*.<name>-sentinel-headless...`, `*.<name>-headless...`).

use std::fmt;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, ClientTlsConfig, ConnectionAddr, ConnectionInfo, ErrorKind, RedisConnectionInfo, TlsCertificates};

use super::events::Addr;

/// Never printed: see the Debug impl.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    /// The default user's password (`spec.auth`).
    pub password: Option<String>,
    /// The operator's own user: name and password.
    pub user: Option<(String, String)>,
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
            .field("user", &self.user.as_ref().map(|(name, _)| name))
            .field("tls", &self.tls.as_ref().map(|_| "<certificate and key>"))
            .finish()
    }
}

impl Credentials {
    pub fn password(password: Option<String>) -> Credentials {
        Credentials { password, user: None, tls: None }
    }

    /// Who to log in as, in order: the operator's user, then the default user.
    fn logins(&self) -> Vec<(Option<String>, Option<String>)> {
        let mut out = Vec::new();
        if let Some((name, pw)) = &self.user {
            out.push((Some(name.clone()), Some(pw.clone())));
        }
        if self.user.is_none() || self.password.is_some() {
            out.push((None, self.password.clone()));
        }
        out
    }

    /// A connection to `addr`, and the client that made it (for a pub/sub connection with the same
    /// login). A login refused moves on to the next; any other failure ends the attempt.
    pub async fn connect(&self, addr: &Addr, config: &AsyncConnectionConfig) -> Result<(redis::Client, MultiplexedConnection), String> {
        let mut refused = String::from("no login to try");
        for (user, password) in self.logins() {
            let client = self.client_as(addr, user, password)?;
            match client.get_multiplexed_async_connection_with_config(config).await {
                Ok(conn) => return Ok((client, conn)),
                Err(e) if e.kind() == ErrorKind::AuthenticationFailed || matches!(e.code(), Some("WRONGPASS" | "NOAUTH")) => refused = e.to_string(),
                Err(e) => return Err(e.to_string()),
            }
        }
        Err(refused)
    }

    /// A client for `addr` logging in as `user` (None: the default user) with `password`.
    fn client_as(&self, addr: &Addr, user: Option<String>, password: Option<String>) -> Result<redis::Client, String> {
        let redis = RedisConnectionInfo { username: user, password, ..RedisConnectionInfo::default() };
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
            user: Some(("redis-ha-operator".into(), "opsecret".into())),
            tls: Some(TlsMaterial { ca: b"CA".to_vec(), cert: b"CERT".to_vec(), key: b"PRIVATEKEY".to_vec() }),
        };
        let text = format!("{c:?}");
        assert!(!text.contains("hunter2") && !text.contains("PRIVATEKEY") && !text.contains("opsecret"), "{text}");
    }

    #[test]
    fn material_that_is_not_pem_is_an_error_not_a_panic() {
        let c = Credentials { password: None, user: None, tls: Some(TlsMaterial { ca: b"x".to_vec(), cert: b"y".to_vec(), key: b"z".to_vec() }) };
        assert!(c.client_as(&Addr::new("h", 1), None, None).is_err());
        assert!(Credentials::default().client_as(&Addr::new("h", 1), None, None).is_ok());
    }

    #[test]
    fn the_operator_user_first_then_the_default_user() {
        let op = Some(("redis-ha-operator".to_string(), "op".to_string()));
        let both = Credentials { password: Some("pw".into()), user: op.clone(), tls: None };
        assert_eq!(both.logins(), vec![(Some("redis-ha-operator".into()), Some("op".into())), (None, Some("pw".into()))]);
        assert_eq!(Credentials { password: None, user: op, tls: None }.logins().len(), 1);
        assert_eq!(Credentials::password(None).logins(), vec![(None, None)]);
    }
}
