//! The CSC API client (v1.0.4.0 and v2.0, chosen by `info`): blocking HTTP(S) on `ureq`
//! with rustls on ring, JSON bodies, service authentication, bounded answers, retries of
//! idempotent calls only, and the mapping of service errors to [`CloudError`]s.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use base64ct::{Base64, Encoding};
use serde_json::{json, Map, Value};
use ureq::tls::{Certificate as TlsCertificate, RootCerts, TlsConfig, TlsProvider};
use ureq::Agent;

use crate::auth::{AccessTokenProvider, Secret, ServiceAuth};
use crate::error::{CloudError, Endpoint, Result, SecretKind};
use crate::model::{
    parse_authorize, parse_signatures, ApiVersion, CredentialInfo, CredentialPage, ErrorBody,
    ServiceInfo,
};

/// Default cap on an answer's size (a credential's certificate chain is the largest).
pub const DEFAULT_MAX_RESPONSE: usize = 1 << 20;
/// Most `credentials/list` pages followed.
pub const MAX_PAGES: usize = 100;

/// How often and how patiently idempotent calls are repeated on transient faults
/// (connection refused or reset, timeouts, HTTP 429/502/503/504).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total tries of an idempotent call (1: no retry).
    pub attempts: u32,
    /// Pause before the second try; doubled before each further one.
    pub backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            backoff: Duration::from_millis(250),
        }
    }
}

/// Options for a [`CscClient`]; finish with [`CscClientBuilder::connect`].
#[derive(Clone, Debug)]
pub struct CscClientBuilder {
    url: String,
    auth: ServiceAuth,
    connect_timeout: Duration,
    timeout: Duration,
    max_response_len: usize,
    retry: RetryPolicy,
    tls_roots: Option<Vec<Vec<u8>>>,
    version: Option<ApiVersion>,
    lang: Option<String>,
}

impl CscClientBuilder {
    /// HTTP basic authentication to the service (RFC 7617). Prefer `https`.
    #[must_use]
    pub fn with_basic_auth(mut self, user: impl Into<String>, password: Secret) -> Self {
        self.auth = ServiceAuth::Basic {
            user: user.into(),
            password,
        };
        self
    }

    /// OAuth2 bearer tokens from `provider` (RFC 6750), asked before every request.
    #[must_use]
    pub fn with_bearer(mut self, provider: Arc<dyn AccessTokenProvider>) -> Self {
        self.auth = ServiceAuth::Bearer(provider);
        self
    }

    /// Any [`ServiceAuth`].
    #[must_use]
    pub fn with_auth(mut self, auth: ServiceAuth) -> Self {
        self.auth = auth;
        self
    }

    /// Connection setup timeout; default 10 s.
    #[must_use]
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout of one whole exchange; default 60 s (a signing service may take a while).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Largest answer read; default [`DEFAULT_MAX_RESPONSE`].
    #[must_use]
    pub fn with_max_response_len(mut self, max: usize) -> Self {
        self.max_response_len = max;
        self
    }

    /// The retry policy of idempotent calls.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Trust exactly these root certificates (DER) for `https`.
    #[must_use]
    pub fn with_tls_roots(mut self, roots_der: impl IntoIterator<Item = Vec<u8>>) -> Self {
        self.tls_roots = Some(roots_der.into_iter().collect());
        self
    }

    /// Use this API version without probing (the URL may also end in `/csc/v1` or
    /// `/csc/v2`, which pins it).
    #[must_use]
    pub fn with_version(mut self, version: ApiVersion) -> Self {
        self.version = Some(version);
        self
    }

    /// The `lang` asked for in `info` and `credentials/info` (RFC 5646 tag).
    #[must_use]
    pub fn with_lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// Check the options, call `info` and return the client for the version it names.
    /// Without a pinned version `/csc/v2/info` is tried first, then `/csc/v1/info` when
    /// the service answers 404 or 405.
    ///
    /// # Errors
    /// [`CloudError::InvalidUrl`], [`CloudError::InvalidCredentials`], or any error of the
    /// `info` call.
    pub fn connect(self) -> Result<CscClient> {
        let (root, pinned) = split_url(&self.url)?;
        if let ServiceAuth::Basic { user, password } = &self.auth {
            if user.contains(':') {
                return Err(CloudError::InvalidCredentials {
                    reason: "the user-id contains ':'",
                });
            }
            if user.chars().any(char::is_control) || password.expose().chars().any(char::is_control)
            {
                return Err(CloudError::InvalidCredentials {
                    reason: "control characters",
                });
            }
        }
        let roots = match &self.tls_roots {
            Some(ders) => RootCerts::new_with_certs(
                &ders
                    .iter()
                    .map(|d| TlsCertificate::from_der(d).to_owned())
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
            .user_agent(concat!("qes-cloud/", env!("CARGO_PKG_VERSION")))
            .tls_config(tls)
            .build()
            .into();
        let mut client = CscClient {
            agent,
            root,
            auth: self.auth,
            max_response_len: self.max_response_len,
            retry: RetryPolicy {
                attempts: self.retry.attempts.max(1),
                backoff: self.retry.backoff,
            },
            lang: self.lang,
            version: ApiVersion::V2,
            // Until `info` answers: every method assumed offered.
            info: ServiceInfo::unknown(),
        };
        let mut body = Map::new();
        if let Some(lang) = &client.lang {
            body.insert("lang".into(), Value::from(lang.clone()));
        }
        let body = Value::Object(body);
        let answer = match self.version.or(pinned) {
            Some(version) => {
                client.version = version;
                client.call(Endpoint::Info, &body)?
            }
            None => {
                client.version = ApiVersion::V2;
                match client.call(Endpoint::Info, &body) {
                    Err(CloudError::Service {
                        status: 404 | 405, ..
                    }) => {
                        client.version = ApiVersion::V1;
                        client.call(Endpoint::Info, &body)?
                    }
                    other => other?,
                }
            }
        };
        let info = ServiceInfo::from_json(&answer)?;
        // The paths follow the version the service says it speaks.
        client.version = info.version;
        client.info = info;
        Ok(client)
    }
}

/// The service root and the version a `/csc/v<n>` suffix pins.
fn split_url(url: &str) -> Result<(String, Option<ApiVersion>)> {
    let trimmed = url.trim().trim_end_matches('/');
    let lower = trimmed.to_ascii_lowercase();
    let scheme_ok = lower.starts_with("http://") || lower.starts_with("https://");
    if !scheme_ok {
        return Err(CloudError::InvalidUrl {
            reason: "the scheme must be http or https",
        });
    }
    let authority = trimmed
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    if authority.is_empty() {
        return Err(CloudError::InvalidUrl { reason: "no host" });
    }
    if authority.contains('@') {
        return Err(CloudError::InvalidUrl {
            reason: "user-info in the URL; use with_basic_auth",
        });
    }
    if trimmed.contains(['?', '#']) || trimmed.chars().any(|c| c.is_control() || c == ' ') {
        return Err(CloudError::InvalidUrl {
            reason: "query, fragment, spaces or control characters",
        });
    }
    for (suffix, version) in [("/csc/v1", ApiVersion::V1), ("/csc/v2", ApiVersion::V2)] {
        if lower.ends_with(suffix) {
            let root = trimmed
                .get(..trimmed.len().saturating_sub(suffix.len()))
                .unwrap_or_default();
            return Ok((root.to_owned(), Some(version)));
        }
    }
    Ok((trimmed.to_owned(), None))
}

/// A connected CSC API client. `Send + Sync`: one client serves many threads.
///
/// ```no_run
/// use qes_cloud::CscClient;
///
/// let client = CscClient::builder("https://csc.example.com").connect()?;
/// println!("{} speaks CSC {}", client.info().name, client.version());
/// for id in client.list_credentials(None)? {
///     let info = client.credential_info(&id)?;
///     println!("{id}: {:?}, multisign {}", info.auth_mode, info.multisign);
/// }
/// # Ok::<(), qes_cloud::CloudError>(())
/// ```
pub struct CscClient {
    agent: Agent,
    root: String,
    auth: ServiceAuth,
    max_response_len: usize,
    retry: RetryPolicy,
    lang: Option<String>,
    version: ApiVersion,
    info: ServiceInfo,
}

impl std::fmt::Debug for CscClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CscClient")
            .field("root", &self.root)
            .field("version", &self.version)
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// What `credentials/authorize` is asked.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AuthorizeRequest<'a> {
    /// How many signatures the SAD covers.
    pub num_signatures: usize,
    /// The hashes the SAD is bound to (required under SCAL 2; may be given under SCAL 1).
    pub hashes: Option<&'a [&'a [u8]]>,
    /// The hash algorithm of `hashes` (v2 `hashAlgorithmOID`).
    pub hash_algorithm: Option<const_oid::ObjectIdentifier>,
    /// The secrets, each with the descriptor it answers (for the v2 `authData` id).
    pub secrets: Vec<(SecretKind, Option<String>, Secret)>,
    /// A text shown to the holder by the service (`description`).
    pub description: Option<&'a str>,
}

impl<'a> AuthorizeRequest<'a> {
    /// An authorization for `num_signatures` signatures, not bound to hashes (SCAL 1).
    pub fn for_count(num_signatures: usize) -> Self {
        Self {
            num_signatures,
            hashes: None,
            hash_algorithm: None,
            secrets: Vec::new(),
            description: None,
        }
    }

    /// An authorization bound to `hashes` of `digest` (SCAL 2; accepted under SCAL 1).
    pub fn for_hashes(hashes: &'a [&'a [u8]], digest: qes_signer::DigestAlgorithm) -> Self {
        Self {
            num_signatures: hashes.len(),
            hashes: Some(hashes),
            hash_algorithm: Some(digest.oid()),
            secrets: Vec::new(),
            description: None,
        }
    }

    /// Add a secret; `id` is the v2 `authData` id (the descriptor's, else `PIN` / `OTP`).
    #[must_use]
    pub fn with_secret(mut self, kind: SecretKind, id: Option<String>, secret: Secret) -> Self {
        self.secrets.push((kind, id, secret));
        self
    }
}

/// Signature Activation Data from `credentials/authorize`: zeroized, never printed.
pub struct Sad {
    value: Secret,
    expires_in: Option<u32>,
}

impl Sad {
    /// The SAD's lifetime in seconds, when the service says.
    pub fn expires_in(&self) -> Option<u32> {
        self.expires_in
    }
}

impl std::fmt::Debug for Sad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sad")
            .field("value", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// The `signHash` algorithm parameters for one signature algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WireAlgorithm {
    pub sign_algo: const_oid::ObjectIdentifier,
    pub hash_algo: const_oid::ObjectIdentifier,
    pub params: Option<Vec<u8>>,
}

impl WireAlgorithm {
    /// The `signHash` parameters naming `algorithm` by its own OID (`sha256WithRSAEncryption`,
    /// `ecdsa-with-SHA256`, `id-RSASSA-PSS` with its parameters).
    pub(crate) fn of(algorithm: qes_signer::SignatureAlgorithm) -> Result<Self> {
        let aid = algorithm.algorithm_identifier()?;
        let params = match (algorithm, aid.parameters) {
            (qes_signer::SignatureAlgorithm::RsaPss(_), Some(p)) => Some(
                der::Encode::to_der(&p)
                    .map_err(|e| CloudError::Sign(qes_signer::SignError::Der(e)))?,
            ),
            _ => None,
        };
        Ok(Self {
            sign_algo: aid.oid,
            hash_algo: algorithm.digest().oid(),
            params,
        })
    }
}

impl CscClient {
    /// Options for a client of the service at `url` (its root, e.g.
    /// `https://csc.example.com`, or a `…/csc/v1` / `…/csc/v2` base that pins the version).
    pub fn builder(url: impl Into<String>) -> CscClientBuilder {
        CscClientBuilder {
            url: url.into(),
            auth: ServiceAuth::None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            max_response_len: DEFAULT_MAX_RESPONSE,
            retry: RetryPolicy::default(),
            tls_roots: None,
            version: None,
            lang: None,
        }
    }

    /// The API version in use.
    pub fn version(&self) -> ApiVersion {
        self.version
    }

    /// The service's `info`.
    pub fn info(&self) -> &ServiceInfo {
        &self.info
    }

    fn require(&self, endpoint: Endpoint) -> Result<()> {
        if self.info().offers(endpoint) {
            Ok(())
        } else {
            Err(CloudError::MethodNotOffered { endpoint })
        }
    }

    /// Every credential ID of the user (`credentials/list`, following `nextPageToken` up to
    /// [`MAX_PAGES`] pages). `user_id` is for services authenticated by other means.
    ///
    /// # Errors
    /// The call's error, or [`CloudError::Malformed`].
    pub fn list_credentials(&self, user_id: Option<&str>) -> Result<Vec<String>> {
        self.require(Endpoint::CredentialsList)?;
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut body = Map::new();
            if let Some(user) = user_id {
                body.insert("userID".into(), Value::from(user));
            }
            if let Some(t) = &token {
                body.insert("pageToken".into(), Value::from(t.clone()));
            }
            let page = CredentialPage::from_json(
                &self.call(Endpoint::CredentialsList, &Value::Object(body))?,
            )?;
            ids.extend(page.ids);
            if ids.len() > crate::model::MAX_CREDENTIALS {
                return Err(CloudError::Malformed {
                    endpoint: Endpoint::CredentialsList,
                    reason: "too many credential IDs".into(),
                });
            }
            match page.next_page_token {
                Some(next) if Some(&next) != token.as_ref() => token = Some(next),
                _ => return Ok(ids),
            }
        }
        Ok(ids)
    }

    /// `credentials/info` with the whole certificate chain and the authorization details.
    ///
    /// # Errors
    /// [`CloudError::UnknownCredential`], the call's error, or a parse error.
    pub fn credential_info(&self, credential_id: &str) -> Result<CredentialInfo> {
        self.require(Endpoint::CredentialsInfo)?;
        let mut body = json!({
            "credentialID": credential_id,
            "certificates": "chain",
            "certInfo": false,
            "authInfo": true,
        });
        if let (Some(lang), Value::Object(map)) = (&self.lang, &mut body) {
            map.insert("lang".into(), Value::from(lang.clone()));
        }
        let answer = self
            .call(Endpoint::CredentialsInfo, &body)
            .map_err(|e| unknown_credential(e, credential_id))?;
        CredentialInfo::from_json(credential_id, &answer)
    }

    /// `credentials/sendOTP`: ask the service to send the holder an online OTP. Not retried.
    ///
    /// # Errors
    /// [`CloudError::MethodNotOffered`] or the call's error.
    pub fn send_otp(&self, credential_id: &str) -> Result<()> {
        self.require(Endpoint::SendOtp)?;
        self.call(Endpoint::SendOtp, &json!({ "credentialID": credential_id }))
            .map_err(|e| unknown_credential(e, credential_id))?;
        Ok(())
    }

    /// `credentials/authorize`: the SAD for `request.num_signatures` signatures. Never
    /// retried: a try with a wrong PIN or OTP counts towards the lock-out.
    ///
    /// # Errors
    /// [`CloudError::SecretRejected`] (with the tries left when the service says),
    /// [`CloudError::CredentialLocked`], [`CloudError::UnknownCredential`], or the call's
    /// error.
    pub fn authorize(&self, credential_id: &str, request: &AuthorizeRequest<'_>) -> Result<Sad> {
        self.require(Endpoint::Authorize)?;
        let mut body = Map::new();
        body.insert("credentialID".into(), Value::from(credential_id));
        body.insert("numSignatures".into(), Value::from(request.num_signatures));
        if let Some(hashes) = request.hashes {
            let list: Vec<Value> = hashes
                .iter()
                .map(|h| Value::from(Base64::encode_string(h)))
                .collect();
            let key = match self.version {
                ApiVersion::V1 => "hash",
                ApiVersion::V2 => "hashes",
            };
            body.insert(key.into(), Value::Array(list));
            if let (ApiVersion::V2, Some(oid)) = (self.version, request.hash_algorithm) {
                body.insert("hashAlgorithmOID".into(), Value::from(oid.to_string()));
            }
        }
        if let Some(d) = request.description {
            body.insert("description".into(), Value::from(d));
        }
        // The request body holds the secrets: it lives in a zeroizing buffer once serialized;
        // the JSON tree itself is dropped right after.
        match self.version {
            ApiVersion::V1 => {
                for (kind, _, secret) in &request.secrets {
                    let key = match kind {
                        SecretKind::Pin => "PIN",
                        SecretKind::Otp => "OTP",
                    };
                    body.insert(key.into(), Value::from(secret.expose()));
                }
            }
            ApiVersion::V2 => {
                if !request.secrets.is_empty() {
                    let data: Vec<Value> = request
                        .secrets
                        .iter()
                        .map(|(kind, id, secret)| {
                            json!({
                                "id": id.clone().unwrap_or_else(|| kind.to_string()),
                                "value": secret.expose(),
                            })
                        })
                        .collect();
                    body.insert("authData".into(), Value::Array(data));
                }
            }
        }
        let answer = self
            .call(Endpoint::Authorize, &Value::Object(body))
            .map_err(|e| unknown_credential(e, credential_id))?;
        let (sad, expires_in) = parse_authorize(&answer)?;
        Ok(Sad {
            value: Secret::new(sad),
            expires_in,
        })
    }

    /// `signatures/signHash`: sign `hashes` under `sad` with `algorithm` named by its own
    /// OID. The values are returned as the service sent them (use [`crate::CscSigner`] for
    /// checked, CMS-ready signatures). Never retried: the SAD may be single-use.
    ///
    /// # Errors
    /// [`CloudError::SadRejected`], [`CloudError::SignatureCount`], or the call's error.
    pub fn sign_hash_raw(
        &self,
        credential_id: &str,
        sad: &Sad,
        hashes: &[&[u8]],
        algorithm: qes_signer::SignatureAlgorithm,
    ) -> Result<Vec<Vec<u8>>> {
        self.sign_hash(credential_id, sad, hashes, &WireAlgorithm::of(algorithm)?)
    }

    /// `signatures/signHash` with explicit wire parameters.
    pub(crate) fn sign_hash(
        &self,
        credential_id: &str,
        sad: &Sad,
        hashes: &[&[u8]],
        algorithm: &WireAlgorithm,
    ) -> Result<Vec<Vec<u8>>> {
        self.require(Endpoint::SignHash)?;
        let list: Vec<Value> = hashes
            .iter()
            .map(|h| Value::from(Base64::encode_string(h)))
            .collect();
        let mut body = Map::new();
        body.insert("credentialID".into(), Value::from(credential_id));
        body.insert("SAD".into(), Value::from(sad.value.expose()));
        match self.version {
            ApiVersion::V1 => {
                body.insert("hash".into(), Value::Array(list));
                body.insert(
                    "hashAlgo".into(),
                    Value::from(algorithm.hash_algo.to_string()),
                );
            }
            ApiVersion::V2 => {
                body.insert("hashes".into(), Value::Array(list));
                body.insert(
                    "hashAlgorithmOID".into(),
                    Value::from(algorithm.hash_algo.to_string()),
                );
            }
        }
        body.insert(
            "signAlgo".into(),
            Value::from(algorithm.sign_algo.to_string()),
        );
        if let Some(params) = &algorithm.params {
            body.insert(
                "signAlgoParams".into(),
                Value::from(Base64::encode_string(params)),
            );
        }
        let answer = self.call(Endpoint::SignHash, &Value::Object(body))?;
        let signatures = parse_signatures(&answer)?;
        if signatures.len() != hashes.len() {
            return Err(CloudError::SignatureCount {
                expected: hashes.len(),
                actual: signatures.len(),
            });
        }
        Ok(signatures)
    }

    /// POST `body` to `endpoint` and return the 2xx answer's body, retrying idempotent
    /// calls on transient faults.
    fn call(&self, endpoint: Endpoint, body: &Value) -> Result<Vec<u8>> {
        let payload = zeroize::Zeroizing::new(serde_json::to_vec(body).map_err(|e| {
            CloudError::Malformed {
                endpoint,
                reason: format!("request encoding: {e}"),
            }
        })?);
        let url = format!(
            "{}/csc/{}/{}",
            self.root,
            self.version.segment(),
            endpoint.path()
        );
        let attempts = if endpoint.is_idempotent() {
            self.retry.attempts
        } else {
            1
        };
        let mut pause = self.retry.backoff;
        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
            match self.exchange(endpoint, &url, &payload, attempt) {
                Ok(answer) => return Ok(answer),
                Err(Exchange::Transient(error)) if attempt < attempts => {
                    drop(error);
                    std::thread::sleep(pause);
                    pause = pause.saturating_mul(2);
                }
                Err(Exchange::Transient(error) | Exchange::Final(error)) => return Err(error),
            }
        }
    }

    fn exchange(
        &self,
        endpoint: Endpoint,
        url: &str,
        payload: &[u8],
        attempt: u32,
    ) -> Result<Vec<u8>, Exchange> {
        let mut request = self
            .agent
            .post(url)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json");
        let header = self.auth.header().map_err(|reason| {
            Exchange::Final(CloudError::Unauthorized {
                endpoint,
                status: 0,
                description: Some(format!("no access token: {reason}")),
            })
        })?;
        if let Some(value) = &header {
            request = request.header("Authorization", value.as_str());
        }
        let mut response = match request.send(payload) {
            Ok(r) => r,
            Err(e) => return Err(transport_error(endpoint, attempt, e)),
        };
        let status = response.status().as_u16();
        let limit = self.max_response_len;
        let limit64 = u64::try_from(limit).unwrap_or(u64::MAX);
        if let Some(len) = response.body().content_length() {
            if len > limit64 {
                return Err(Exchange::Final(CloudError::ResponseTooLarge {
                    endpoint,
                    limit,
                }));
            }
        }
        let mut body = Vec::new();
        let read = response
            .body_mut()
            .as_reader()
            .take(limit64.saturating_add(1))
            .read_to_end(&mut body);
        if let Err(e) = read {
            return Err(Exchange::Transient(CloudError::Transport {
                endpoint,
                attempts: attempt,
                source: Box::new(e),
            }));
        }
        if body.len() > limit {
            return Err(Exchange::Final(CloudError::ResponseTooLarge {
                endpoint,
                limit,
            }));
        }
        if (200..300).contains(&status) {
            return Ok(body);
        }
        let error = classify(endpoint, status, &ErrorBody::parse(&body));
        if matches!(status, 429 | 502 | 503 | 504) {
            Err(Exchange::Transient(error))
        } else {
            Err(Exchange::Final(error))
        }
    }
}

enum Exchange {
    Transient(CloudError),
    Final(CloudError),
}

fn transport_error(endpoint: Endpoint, attempts: u32, e: ureq::Error) -> Exchange {
    match e {
        ureq::Error::Timeout(_) => Exchange::Transient(CloudError::Timeout { endpoint, attempts }),
        ureq::Error::Io(_) | ureq::Error::ConnectionFailed => {
            Exchange::Transient(CloudError::Transport {
                endpoint,
                attempts,
                source: Box::new(e),
            })
        }
        other => Exchange::Final(CloudError::Transport {
            endpoint,
            attempts,
            source: Box::new(other),
        }),
    }
}

/// A 404 (or an `invalid_request` naming `credentialID`) about a credential is
/// [`CloudError::UnknownCredential`].
fn unknown_credential(error: CloudError, credential_id: &str) -> CloudError {
    match &error {
        CloudError::Service {
            status: 404,
            endpoint: Endpoint::CredentialsInfo | Endpoint::Authorize | Endpoint::SendOtp,
            ..
        } => CloudError::UnknownCredential {
            credential_id: credential_id.to_owned(),
        },
        CloudError::Service {
            description: Some(d),
            ..
        } if d.to_ascii_lowercase().contains("credentialid")
            && d.to_ascii_lowercase().contains("invalid") =>
        {
            CloudError::UnknownCredential {
                credential_id: credential_id.to_owned(),
            }
        }
        _ => error,
    }
}

/// Map an HTTP error answer to the most specific [`CloudError`].
pub(crate) fn classify(endpoint: Endpoint, status: u16, body: &ErrorBody) -> CloudError {
    let code = body
        .error
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let text = body
        .description
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let description = body.description.clone();
    let mentions = |needle: &str| code.contains(needle) || text.contains(needle);
    if mentions("locked") || mentions("blocked") {
        return CloudError::CredentialLocked { description };
    }
    if matches!(endpoint, Endpoint::Authorize) {
        let rejected = mentions("invalid") || mentions("wrong") || mentions("incorrect");
        if code == "invalid_otp" || (rejected && mentions("otp")) {
            return CloudError::SecretRejected {
                kind: SecretKind::Otp,
                tries_left: body.tries_left,
                description,
            };
        }
        if code == "invalid_pin" || (rejected && mentions("pin")) {
            return CloudError::SecretRejected {
                kind: SecretKind::Pin,
                tries_left: body.tries_left,
                description,
            };
        }
    }
    if matches!(
        code.as_str(),
        "invalid_token" | "access_denied" | "invalid_client" | "unauthorized_client"
    ) || status == 401
        || status == 403
    {
        return CloudError::Unauthorized {
            endpoint,
            status,
            description,
        };
    }
    if matches!(endpoint, Endpoint::SignHash)
        && (mentions("sad") || (status == 400 && body.error.is_none()))
    {
        // A service that answers a plain 400 (no CSC error body, e.g. certomancer's dummy)
        // at signHash is rejecting the one request-dependent input a well-formed call can get
        // wrong: the SAD and its binding to these hashes.
        return CloudError::SadRejected { description };
    }
    CloudError::Service {
        endpoint,
        status,
        error: body.error.clone(),
        description,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            split_url("https://csc.example.com/").unwrap(),
            ("https://csc.example.com".to_owned(), None)
        );
        assert_eq!(
            split_url("http://127.0.0.1:8999/csc/v1").unwrap(),
            ("http://127.0.0.1:8999".to_owned(), Some(ApiVersion::V1))
        );
        assert_eq!(
            split_url("https://x.example/api/CSC/V2/").unwrap(),
            ("https://x.example/api".to_owned(), Some(ApiVersion::V2))
        );
        for bad in [
            "ftp://x",
            "x.example",
            "https://",
            "https://u:p@x.example",
            "https://x/?a",
        ] {
            assert!(
                matches!(split_url(bad), Err(CloudError::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn classification() {
        let body = |error: Option<&str>, description: Option<&str>| ErrorBody {
            error: error.map(str::to_owned),
            description: description.map(str::to_owned),
            tries_left: description.and_then(crate::model::tries_in_text),
        };
        assert!(matches!(
            classify(
                Endpoint::Authorize,
                400,
                &body(
                    Some("invalid_otp"),
                    Some("The OTP is invalid, 2 attempts left")
                )
            ),
            CloudError::SecretRejected {
                kind: SecretKind::Otp,
                tries_left: Some(2),
                ..
            }
        ));
        assert!(matches!(
            classify(
                Endpoint::Authorize,
                400,
                &body(Some("invalid_request"), Some("The PIN is invalid"))
            ),
            CloudError::SecretRejected {
                kind: SecretKind::Pin,
                tries_left: None,
                ..
            }
        ));
        assert!(matches!(
            classify(
                Endpoint::Authorize,
                400,
                &body(Some("invalid_request"), Some("The credential is locked"))
            ),
            CloudError::CredentialLocked { .. }
        ));
        assert!(matches!(
            classify(
                Endpoint::SignHash,
                400,
                &body(None, Some("400: Bad Request"))
            ),
            CloudError::SadRejected { .. }
        ));
        assert!(matches!(
            classify(
                Endpoint::SignHash,
                400,
                &body(Some("invalid_request"), Some("Invalid SAD"))
            ),
            CloudError::SadRejected { .. }
        ));
        assert!(matches!(
            classify(Endpoint::Info, 401, &body(Some("invalid_token"), None)),
            CloudError::Unauthorized { status: 401, .. }
        ));
        assert!(matches!(
            classify(
                Endpoint::CredentialsInfo,
                500,
                &body(Some("server_error"), None)
            ),
            CloudError::Service { status: 500, .. }
        ));
        // A PIN mentioned outside authorize is not a rejected PIN.
        assert!(matches!(
            classify(
                Endpoint::SignHash,
                400,
                &body(Some("invalid_request"), Some("invalid PIN format"))
            ),
            CloudError::Service { .. }
        ));
    }
}
