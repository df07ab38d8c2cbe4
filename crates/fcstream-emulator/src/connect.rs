//! Dialling the app: a tonic [`Channel`] to an `http://` or `https://` URL, the way FreeClimb
//! reaches the PerCL `AudioStream` `location`.

use std::time::Duration;

use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

use crate::EmulatorError;

/// How to reach the app.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Extra CA certificate (PEM) to trust for `https://`, e.g. a self-signed test server's.
    /// The public web roots are always trusted.
    pub ca_cert_pem: Option<Vec<u8>>,
    /// The name to verify the server's certificate against, when not the URL's host.
    pub tls_domain: Option<String>,
    /// How long to wait for the connection (default 10 s).
    pub connect_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            ca_cert_pem: None,
            tls_domain: None,
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// Connects to `url` (`http://host:port` for plain HTTP/2, `https://host:port` for TLS).
pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Channel, EmulatorError> {
    let bad = |why: &str| EmulatorError::Url {
        url: url.to_string(),
        why: why.to_string(),
    };
    let tls = if url.starts_with("https://") {
        true
    } else if url.starts_with("http://") {
        false
    } else {
        return Err(bad("it must start with http:// or https://"));
    };
    let mut endpoint = Endpoint::from_shared(url.to_string())
        .map_err(|e| bad(&e.to_string()))?
        .connect_timeout(options.connect_timeout)
        .tcp_nodelay(true);
    if tls {
        let mut config = ClientTlsConfig::new().with_webpki_roots();
        if let Some(pem) = &options.ca_cert_pem {
            config = config.ca_certificate(Certificate::from_pem(pem));
        }
        if let Some(domain) = &options.tls_domain {
            config = config.domain_name(domain.clone());
        }
        endpoint = endpoint
            .tls_config(config)
            .map_err(|e| bad(&format!("TLS: {e}")))?;
    }
    endpoint
        .connect()
        .await
        .map_err(|source| EmulatorError::Connect {
            url: url.to_string(),
            source,
        })
}
