//! RFC 3161 §3.4 over HTTP: a blocking client on `ureq` (feature `http`).
//!
//! `POST` with `Content-Type: application/timestamp-query`; the answer must be 2xx with
//! `application/timestamp-reply` (`application/timestamp-response`, which some TSAs send, is
//! tolerated). No redirects are followed (a redirected POST would lose its body, and
//! credentials must not follow it). `https` URLs use rustls with the ring provider and the
//! platform's trust store unless [`HttpTransportBuilder::with_tls_roots`] names the roots.

use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use base64ct::{Base64, Encoding};
use ureq::http::Uri;
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};
use ureq::Agent;
use zeroize::Zeroizing;

use crate::error::{TimeoutPhase, TspError};
use crate::response::TimestampResponse;
use crate::transport::Transport;

/// The request content type (RFC 3161 §3.4).
pub const QUERY_CONTENT_TYPE: &str = "application/timestamp-query";
/// The response content type (RFC 3161 §3.4).
pub const REPLY_CONTENT_TYPE: &str = "application/timestamp-reply";
/// A response content type some TSAs send instead; accepted.
pub const REPLY_CONTENT_TYPE_ALT: &str = "application/timestamp-response";

/// Longest body excerpt kept in [`TspError::HttpStatus`].
const EXCERPT_LEN: usize = 200;

/// HTTP basic-auth credentials (RFC 7617). The password is zeroized on drop and never
/// printed; `Debug` shows the user-id only.
#[derive(Clone)]
struct BasicAuth {
    user: String,
    password: Zeroizing<String>,
}

impl BasicAuth {
    /// The `Authorization` header value, in a zeroizing buffer. (The HTTP stack copies it
    /// into its own header map, which is not zeroized.)
    fn header_value(&self) -> Zeroizing<String> {
        let mut plain = Zeroizing::new(String::with_capacity(
            self.user
                .len()
                .saturating_add(self.password.len())
                .saturating_add(1),
        ));
        plain.push_str(&self.user);
        plain.push(':');
        plain.push_str(&self.password);
        let mut value = Zeroizing::new(String::from("Basic "));
        value.push_str(&Zeroizing::new(Base64::encode_string(plain.as_bytes())));
        value
    }
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Options for an [`HttpTransport`]; finish with [`HttpTransportBuilder::build`].
#[derive(Clone, Debug)]
pub struct HttpTransportBuilder {
    url: String,
    connect_timeout: Duration,
    timeout: Duration,
    max_response_len: usize,
    auth: Option<BasicAuth>,
    tls_roots: Option<Vec<Vec<u8>>>,
    user_agent: String,
}

impl HttpTransportBuilder {
    /// Connection setup (name resolution, TCP, TLS) timeout; default 10 s.
    #[must_use]
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout of the whole exchange, connection to last response byte; default 30 s.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Largest response body read; default and ceiling [`TimestampResponse::MAX_LEN`]
    /// (larger values are clamped to it).
    #[must_use]
    pub fn with_max_response_len(mut self, max: usize) -> Self {
        self.max_response_len = max.min(TimestampResponse::MAX_LEN);
        self
    }

    /// HTTP basic authentication (RFC 7617), as some commercial TSAs require. Prefer an
    /// `https` URL: basic auth sends the password in clear text over `http`.
    #[must_use]
    pub fn with_basic_auth(
        mut self,
        user: impl Into<String>,
        password: impl Into<Zeroizing<String>>,
    ) -> Self {
        self.auth = Some(BasicAuth {
            user: user.into(),
            password: password.into(),
        });
        self
    }

    /// Trust exactly these root certificates (DER) for `https` instead of the platform's
    /// trust store.
    #[must_use]
    pub fn with_tls_roots(mut self, roots_der: impl IntoIterator<Item = Vec<u8>>) -> Self {
        self.tls_roots = Some(roots_der.into_iter().collect());
        self
    }

    /// The `User-Agent` header; default `qes-tsp/<version>`.
    #[must_use]
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The transport.
    ///
    /// # Errors
    /// [`TspError::InvalidUrl`] unless the URL is absolute `http` or `https` with a host
    /// and no user-info (credentials go through
    /// [`with_basic_auth`](Self::with_basic_auth)); [`TspError::InvalidCredentials`] for a
    /// user-id with `:` or control characters in either part.
    pub fn build(self) -> Result<HttpTransport, TspError> {
        let uri: Uri = self.url.parse().map_err(|_| TspError::InvalidUrl {
            reason: "not a URL",
        })?;
        let https = match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("http") => false,
            Some(s) if s.eq_ignore_ascii_case("https") => true,
            _ => {
                return Err(TspError::InvalidUrl {
                    reason: "the scheme must be http or https",
                })
            }
        };
        let authority = uri
            .authority()
            .ok_or(TspError::InvalidUrl { reason: "no host" })?;
        if authority.as_str().contains('@') {
            return Err(TspError::InvalidUrl {
                reason: "user-info in the URL; use with_basic_auth",
            });
        }
        if let Some(auth) = &self.auth {
            if auth.user.contains(':') {
                return Err(TspError::InvalidCredentials {
                    reason: "the user-id contains ':'",
                });
            }
            if auth.user.chars().any(char::is_control)
                || auth.password.chars().any(char::is_control)
            {
                return Err(TspError::InvalidCredentials {
                    reason: "control characters",
                });
            }
        }

        let roots = match &self.tls_roots {
            Some(ders) => RootCerts::new_with_certs(
                &ders
                    .iter()
                    .map(|d| Certificate::from_der(d).to_owned())
                    .collect::<Vec<_>>(),
            ),
            None => RootCerts::PlatformVerifier,
        };
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(roots)
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .build();
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(self.connect_timeout))
            .timeout_global(Some(self.timeout))
            .user_agent(self.user_agent.as_str())
            .tls_config(tls)
            .build()
            .into();
        Ok(HttpTransport {
            url: self.url,
            https,
            agent,
            auth: self.auth,
            max_response_len: self.max_response_len,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
        })
    }
}

/// A blocking RFC 3161 HTTP transport.
///
/// ```no_run
/// use std::time::Duration;
/// use qes_tsp::{HttpTransport, TspClient};
///
/// let transport = HttpTransport::builder("https://tsa.example.com/tsa")
///     .with_timeout(Duration::from_secs(10))
///     .with_basic_auth("account", "secret".to_owned()) // zeroized on drop
///     .build()?;
/// let client = TspClient::new(transport);
/// # Ok::<(), qes_tsp::TspError>(())
/// ```
#[derive(Clone)]
pub struct HttpTransport {
    url: String,
    https: bool,
    agent: Agent,
    auth: Option<BasicAuth>,
    max_response_len: usize,
    connect_timeout: Duration,
    timeout: Duration,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("url", &self.url)
            .field("auth", &self.auth)
            .field("max_response_len", &self.max_response_len)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl HttpTransport {
    /// Options for a transport to `url`.
    pub fn builder(url: impl Into<String>) -> HttpTransportBuilder {
        HttpTransportBuilder {
            url: url.into(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_response_len: TimestampResponse::MAX_LEN,
            auth: None,
            tls_roots: None,
            user_agent: concat!("qes-tsp/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// A transport to `url` with the default options.
    ///
    /// # Errors
    /// As [`HttpTransportBuilder::build`].
    pub fn new(url: impl Into<String>) -> Result<Self, TspError> {
        Self::builder(url).build()
    }

    /// The TSA URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether the URL is `https`.
    pub fn is_https(&self) -> bool {
        self.https
    }
}

fn map_ureq(err: ureq::Error, limit: usize) -> TspError {
    match err {
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            TspError::Timeout {
                phase: TimeoutPhase::Connect,
            }
        }
        ureq::Error::Timeout(_) => TspError::Timeout {
            phase: TimeoutPhase::Exchange,
        },
        ureq::Error::BodyExceedsLimit(_) => TspError::ResponseTooLarge {
            limit,
            actual: None,
        },
        other => TspError::transport(other),
    }
}

/// The media type of a `Content-Type` value: before any `;`, trimmed, lowercase.
fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// At most [`EXCERPT_LEN`] characters of a body, control characters replaced.
fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body.get(..EXCERPT_LEN.saturating_mul(4)).unwrap_or(body))
        .chars()
        .take(EXCERPT_LEN)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl Transport for HttpTransport {
    fn send(&self, request_der: &[u8]) -> Result<Vec<u8>, TspError> {
        let limit = self.max_response_len;
        let mut request = self
            .agent
            .post(&self.url)
            .header("Content-Type", QUERY_CONTENT_TYPE)
            .header("Accept", REPLY_CONTENT_TYPE);
        if let Some(auth) = &self.auth {
            request = request.header("Authorization", auth.header_value().as_str());
        }
        let mut response = request.send(request_der).map_err(|e| map_ureq(e, limit))?;

        let status = response.status();
        if !status.is_success() {
            // The start of the body only; a failure to read it leaves the excerpt empty.
            let mut body = Vec::new();
            let _ = response
                .body_mut()
                .as_reader()
                .take(u64::try_from(EXCERPT_LEN.saturating_mul(4)).unwrap_or(u64::MAX))
                .read_to_end(&mut body);
            return Err(TspError::HttpStatus {
                status: status.as_u16(),
                body_excerpt: excerpt(&body),
            });
        }
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        match content_type.as_deref().map(media_type) {
            Some(t) if t == REPLY_CONTENT_TYPE || t == REPLY_CONTENT_TYPE_ALT => {}
            _ => {
                return Err(TspError::ContentType {
                    received: content_type.map(|c| excerpt(c.as_bytes())),
                })
            }
        }
        if let Some(len) = response.body().content_length() {
            if len > u64::try_from(limit).unwrap_or(u64::MAX) {
                return Err(TspError::ResponseTooLarge {
                    limit,
                    actual: usize::try_from(len).ok(),
                });
            }
        }
        response
            .body_mut()
            .with_config()
            .limit(u64::try_from(limit).unwrap_or(u64::MAX))
            .read_to_vec()
            .map_err(|e| map_ureq(e, limit))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_header_and_debug() {
        let auth = BasicAuth {
            user: "Aladdin".to_owned(),
            password: Zeroizing::new("open sesame".to_owned()),
        };
        // RFC 7617 §2 example.
        assert_eq!(
            auth.header_value().as_str(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        let debug = format!("{auth:?}");
        assert!(!debug.contains("sesame"), "{debug}");
        let transport = HttpTransport::builder("http://127.0.0.1:1/tsa")
            .with_basic_auth("Aladdin", Zeroizing::new("open sesame".to_owned()))
            .build()
            .unwrap();
        let debug = format!("{transport:?}");
        assert!(
            !debug.contains("sesame") && debug.contains("Aladdin"),
            "{debug}"
        );
    }

    #[test]
    fn urls_and_credentials_are_checked() {
        for bad in [
            "ftp://tsa.example.com/",
            "tsa.example.com/tsa",
            "/tsa",
            "http://user:pw@tsa.example.com/",
            "not a url",
        ] {
            assert!(
                matches!(HttpTransport::new(bad), Err(TspError::InvalidUrl { .. })),
                "{bad}"
            );
        }
        assert!(HttpTransport::new("HTTPS://tsa.example.com/tsa")
            .unwrap()
            .is_https());
        assert!(matches!(
            HttpTransport::builder("http://tsa.example.com/")
                .with_basic_auth("a:b", Zeroizing::new("x".to_owned()))
                .build(),
            Err(TspError::InvalidCredentials { .. })
        ));
        assert!(matches!(
            HttpTransport::builder("http://tsa.example.com/")
                .with_basic_auth("a", Zeroizing::new("x\r\ny".to_owned()))
                .build(),
            Err(TspError::InvalidCredentials { .. })
        ));
    }

    #[test]
    fn media_types_and_excerpts() {
        assert_eq!(
            media_type(" Application/TimeStamp-Reply ; charset=x"),
            REPLY_CONTENT_TYPE
        );
        assert_eq!(excerpt(b"a\r\nb"), "a  b");
        assert_eq!(excerpt(&[b'x'; 1000]).len(), EXCERPT_LEN);
    }
}
