//! TLS with rustls, configured by Redis's `tls-*` directives: the server side (clients on
//! `tls-port`) and the client side (a replica's link with `tls-replication yes`, a sentinel's
//! links). Built once at start-up and again when CONFIG SET changes a `tls-*` directive, so new
//! connections pick up rotated certificates while existing ones keep theirs.
//!
//! Owns: reading certificates, keys and CAs, and turning the directives into rustls settings.
//! Imports only `config` (the directives, and an I/O error's text as Redis words it). Like Redis
//! (OpenSSL with SSL_VERIFY_PEER), peers are checked against the CA, never against a host name.
//!
//! `server_conn.rs`: a client's TLS connection driven by socket readiness, as the session drives
//! plain sockets.

pub mod server_conn;

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, ServerConfig, SignatureScheme, SupportedCipherSuite};

use crate::config::Config;

/// The settings new TLS connections are made with.
pub struct Tls {
    /// For clients connecting to `tls-port`.
    pub server: Arc<ServerConfig>,
    /// For our own connections to TLS peers (replication, sentinel links).
    pub client: Arc<ClientConfig>,
}

/// Whether the configuration asks for TLS anywhere (Redis configures it when `tls-port`,
/// `tls-replication` or `tls-cluster` is set).
pub fn wanted(cfg: &Config) -> bool {
    cfg.get_int("tls-port").unwrap_or(0) != 0 || cfg.get_bool("tls-replication").unwrap_or(false) || cfg.get_bool("tls-cluster").unwrap_or(false)
}

fn setting(cfg: &Config, name: &str) -> Option<String> {
    cfg.get(name).filter(|v| !v.is_empty())
}

/// Builds the settings from the configuration; the error is what Redis logs (`tlsConfigure`).
pub fn load(cfg: &Config) -> Result<Tls, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cert_file = setting(cfg, "tls-cert-file").ok_or("No tls-cert-file configured!")?;
    let key_file = setting(cfg, "tls-key-file").ok_or("No tls-key-file configured!")?;
    let ca_file = setting(cfg, "tls-ca-cert-file");
    let ca_dir = setting(cfg, "tls-ca-cert-dir");
    let auth_clients = cfg.get("tls-auth-clients").unwrap_or_else(|| "yes".into());
    let needs_ca = auth_clients != "no" || cfg.get_bool("tls-replication").unwrap_or(false) || cfg.get_bool("tls-cluster").unwrap_or(false);
    if needs_ca && ca_file.is_none() && ca_dir.is_none() {
        return Err(
            "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!".into(),
        );
    }
    let certs = load_certs(&cert_file).map_err(|e| format!("Failed to load certificate: {cert_file}: {e}"))?;
    let key =
        load_key(&key_file, setting(cfg, "tls-key-file-pass").as_deref()).map_err(|e| format!("Failed to load private key: {key_file}: {e}"))?;
    let roots =
        load_roots(ca_file.as_deref(), ca_dir.as_deref()).map_err(|e| format!("Failed to configure CA certificate(s) file/directory: {e}"))?;

    let mut suites = provider.cipher_suites.clone();
    if let Some(list) = setting(cfg, "tls-ciphersuites") {
        suites.retain(|s| s.version() != &rustls::version::TLS13 || list.split(':').any(|n| suite_name(s) == n));
    }
    if let Some(list) = setting(cfg, "tls-ciphers") {
        let named: Vec<&str> = list.split(':').filter_map(openssl_tls12_name).collect();
        // OpenSSL keywords (DEFAULT, HIGH, !aNULL ...) leave the TLS 1.2 suites as they are.
        if !named.is_empty() {
            suites.retain(|s| s.version() != &rustls::version::TLS12 || named.contains(&suite_name(s)));
        }
    }
    let versions = protocols(cfg.get("tls-protocols").as_deref())?;
    let provider = Arc::new(rustls::crypto::CryptoProvider { cipher_suites: suites, ..(*provider).clone() });

    let client_verifier = if auth_clients == "no" {
        None
    } else {
        let b = WebPkiClientVerifier::builder_with_provider(Arc::new(roots.clone()), provider.clone());
        let b = if auth_clients == "optional" { b.allow_unauthenticated() } else { b };
        Some(b.build().map_err(|e| format!("Failed to configure CA certificate(s) file/directory: {e}"))?)
    };
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| format!("Failed to configure TLS protocols: {e}"))?;
    let builder = match client_verifier {
        Some(v) => builder.with_client_cert_verifier(v),
        None => builder.with_no_client_auth(),
    };
    let mut server = builder.with_single_cert(certs.clone(), key.clone_key()).map_err(|e| format!("Failed to load private key: {key_file}: {e}"))?;
    server.ignore_client_order = cfg.get_bool("tls-prefer-server-ciphers").unwrap_or(false);
    if cfg.get_bool("tls-session-caching").unwrap_or(true) {
        let size = cfg.get_int("tls-session-cache-size").unwrap_or(20 * 1024).max(1) as usize;
        server.session_storage = rustls::server::ServerSessionMemoryCache::new(size);
    } else {
        server.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
        server.send_tls13_tickets = 0;
    }

    // Our own connections present tls-client-cert-file, or the server certificate without one.
    let (client_certs, client_key) = match (setting(cfg, "tls-client-cert-file"), setting(cfg, "tls-client-key-file")) {
        (Some(c), Some(k)) => (
            load_certs(&c).map_err(|e| format!("Failed to load certificate: {c}: {e}"))?,
            load_key(&k, setting(cfg, "tls-client-key-file-pass").as_deref()).map_err(|e| format!("Failed to load private key: {k}: {e}"))?,
        ),
        _ => (certs, key),
    };
    let verifier = Arc::new(CaOnlyVerifier {
        inner: rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| format!("Failed to configure CA certificate(s) file/directory: {e}"))?,
    });
    let client = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&versions)
        .map_err(|e| format!("Failed to configure TLS protocols: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_client_auth_cert(client_certs, client_key)
        .map_err(|e| format!("Failed to load private key: {e}"))?;
    Ok(Tls { server: Arc::new(server), client: Arc::new(client) })
}

fn load_certs(path: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<_> = CertificateDer::pem_file_iter(path).map_err(pem_error)?.collect::<Result<_, _>>().map_err(pem_error)?;
    if certs.is_empty() {
        return Err("no certificate found".into());
    }
    Ok(certs)
}

/// A private key; an encrypted one (`ENCRYPTED PRIVATE KEY`) is decrypted with `pass`, as OpenSSL's
/// PEM reader does with Redis's `tls-key-file-pass`. (OpenSSL's older `Proc-Type: 4,ENCRYPTED` form
/// is not read: `openssl pkcs8 -topk8` converts it.)
fn load_key(path: &str, pass: Option<&str>) -> Result<PrivateKeyDer<'static>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| crate::config::strerror(&e))?;
    if !text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        return PrivateKeyDer::from_pem_slice(text.as_bytes()).map_err(pem_error);
    }
    let pass = pass.ok_or("the key is encrypted and no tls-key-file-pass is set")?;
    const END: &str = "-----END ENCRYPTED PRIVATE KEY-----";
    let start = text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----").unwrap_or(0);
    let end = text[start..].find(END).map_or(text.len(), |e| start + e + END.len());
    let (_, doc) = pkcs8::der::Document::from_pem(&text[start..end]).map_err(|e| format!("bad encrypted key: {e}"))?;
    let info = pkcs8::EncryptedPrivateKeyInfo::try_from(doc.as_bytes()).map_err(|e| format!("bad encrypted key: {e}"))?;
    let plain = info.decrypt(pass).map_err(|_| "bad decrypt (wrong tls-key-file-pass?)".to_string())?;
    Ok(PrivateKeyDer::Pkcs8(plain.as_bytes().to_vec().into()))
}

fn pem_error(e: rustls::pki_types::pem::Error) -> String {
    match e {
        rustls::pki_types::pem::Error::Io(io) => crate::config::strerror(&io),
        other => other.to_string(),
    }
}

/// The CA certificates of `tls-ca-cert-file` and of every file in `tls-ca-cert-dir`.
fn load_roots(file: Option<&str>, dir: Option<&str>) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    let mut paths: Vec<std::path::PathBuf> = file.map(Into::into).into_iter().collect();
    if let Some(dir) = dir {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{dir}: {}", crate::config::strerror(&e)))?;
        let mut found: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect();
        found.sort();
        paths.extend(found);
    }
    for p in paths {
        let shown = p.display().to_string();
        for cert in CertificateDer::pem_file_iter(&p).map_err(|e| format!("{shown}: {}", pem_error(e)))? {
            let cert = cert.map_err(|e| format!("{shown}: {}", pem_error(e)))?;
            roots.add(cert).map_err(|e| format!("{shown}: {e}"))?;
        }
    }
    if roots.is_empty() {
        return Err("no CA certificate found".into());
    }
    Ok(roots)
}

/// `tls-protocols` ("TLSv1.2 TLSv1.3" by default). rustls has no TLS 1.0 or 1.1.
fn protocols(list: Option<&str>) -> Result<Vec<&'static rustls::SupportedProtocolVersion>, String> {
    let Some(list) = list.filter(|l| !l.trim().is_empty()) else {
        return Ok(vec![&rustls::version::TLS13, &rustls::version::TLS12]);
    };
    let mut out = Vec::new();
    for p in list.split_whitespace() {
        match p.to_ascii_lowercase().as_str() {
            "tlsv1.2" => out.push(&rustls::version::TLS12),
            "tlsv1.3" => out.push(&rustls::version::TLS13),
            "tlsv1" | "tlsv1.1" => return Err(format!("Failed to configure TLS protocols: {p} is not supported (TLSv1.2 and TLSv1.3 are)")),
            _ => return Err(format!("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'. ({p})")),
        }
    }
    Ok(out)
}

fn suite_name(s: &SupportedCipherSuite) -> &'static str {
    s.suite().as_str().unwrap_or("")
}

/// The rustls (IANA) name of an OpenSSL TLS 1.2 cipher name we support.
fn openssl_tls12_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "ECDHE-ECDSA-AES256-GCM-SHA384" => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-ECDSA-AES128-GCM-SHA256" => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "ECDHE-ECDSA-CHACHA20-POLY1305" => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384" => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-RSA-AES128-GCM-SHA256" => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "ECDHE-RSA-CHACHA20-POLY1305" => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        _ => return None,
    })
}

/// Chain and signatures checked against the CA; the name in the certificate is not (OpenSSL's
/// SSL_VERIFY_PEER, which Redis uses, does not check it either).
#[derive(Debug)]
struct CaOnlyVerifier {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
}

impl ServerCertVerifier for CaOnlyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName))
            | Err(rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForNameContext { .. })) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
