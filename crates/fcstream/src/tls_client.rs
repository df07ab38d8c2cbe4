//! The trust of fcstream's TLS clients, written once: the load generator dialling an
//! `https://` app (`fcstream load`) and the bridge dialling a `wss://` bot (`fcstream
//! bridge`) both trust the public web roots (Mozilla's, `webpki-roots`: what tonic's
//! `tls-webpki-roots` gives `fcstream call`) plus the extra CA certificates the user names,
//! on rustls with ring (the provider of the server's TLS). Each caller then wraps the config
//! in its own connector.

use std::sync::Arc;

use tokio_rustls::rustls::pki_types::pem::PemObject;
pub use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::{crypto, ClientConfig, RootCertStore};

/// The `CERTIFICATE` blocks of `pem`: an error if one does not parse or there is none.
pub fn pem_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("not a PEM certificate: {e}"))?;
    if certs.is_empty() {
        return Err("no CERTIFICATE block in the PEM text".into());
    }
    Ok(certs)
}

/// A client config trusting the web roots and `extra_roots`, offering `alpn` (e.g. `h2`;
/// none for a WebSocket). An error names an extra root that is not a usable CA.
pub fn client_config(
    extra_roots: &[CertificateDer<'static>],
    alpn: &[&[u8]],
) -> Result<ClientConfig, String> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in extra_roots {
        roots
            .add(cert.clone())
            .map_err(|e| format!("a CA certificate is not a usable root: {e}"))?;
    }
    let mut config =
        ClientConfig::builder_with_provider(Arc::new(crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_pem_is_refused_and_the_web_roots_are_trusted() {
        assert!(pem_certificates(b"").is_err());
        assert!(pem_certificates(
            b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"
        )
        .is_err());
        let config = client_config(&[], &[b"h2"]).unwrap();
        assert_eq!(config.alpn_protocols, vec![b"h2".to_vec()]);
        // A certificate that is not a CA's DER cannot be a root.
        let junk = CertificateDer::from(vec![0u8; 16]);
        assert!(client_config(&[junk], &[]).is_err());
    }
}
