//! The crate's one error type: transport faults, CSC service errors mapped to what a caller
//! can act on (a rejected PIN or OTP with the tries left, a locked credential, an unknown
//! credential, a rejected SAD), malformed answers, and TOTP input errors.

use qes_signer::SignError;

/// Which secret a service rejected or an authorizer could not give (the two the CSC API
/// defines; closed, so callers can match exhaustively).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// The credential's PIN (CSC v1 `PIN`, v2 `auth.objects[type = PIN]`).
    Pin,
    /// A one-time password (CSC v1 `OTP`, v2 `auth.objects[type = OTP]`).
    Otp,
}

impl std::fmt::Display for SecretKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Pin => "PIN",
            Self::Otp => "OTP",
        })
    }
}

/// A CSC API call, for error messages and the retry policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `info`.
    Info,
    /// `credentials/list`.
    CredentialsList,
    /// `credentials/info`.
    CredentialsInfo,
    /// `credentials/sendOTP`.
    SendOtp,
    /// `credentials/authorize`.
    Authorize,
    /// `signatures/signHash`.
    SignHash,
}

impl Endpoint {
    /// The method path below `/csc/v<n>/`.
    pub const fn path(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::CredentialsList => "credentials/list",
            Self::CredentialsInfo => "credentials/info",
            Self::SendOtp => "credentials/sendOTP",
            Self::Authorize => "credentials/authorize",
            Self::SignHash => "signatures/signHash",
        }
    }

    /// Whether repeating the call cannot change the service's state: only these are retried
    /// on a transient network fault. `authorize` consumes a PIN/OTP try and `signHash`
    /// consumes an authorization; `sendOTP` sends a message to the holder.
    pub const fn is_idempotent(self) -> bool {
        matches!(
            self,
            Self::Info | Self::CredentialsList | Self::CredentialsInfo
        )
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.path())
    }
}

/// Everything that can go wrong talking to a CSC service or computing a TOTP.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CloudError {
    /// The service URL is unusable.
    #[error("invalid service URL: {reason}")]
    InvalidUrl {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// HTTP basic credentials that cannot be sent (RFC 7617 §2: no `:` in the user-id, no
    /// control characters).
    #[error("invalid service credentials: {reason}")]
    InvalidCredentials {
        /// What is wrong.
        reason: &'static str,
    },
    /// The request did not complete: connection refused or reset, DNS, TLS. Idempotent calls
    /// were retried before this was returned.
    #[error("{endpoint}: network error after {attempts} attempt(s): {source}")]
    Transport {
        /// The call.
        endpoint: Endpoint,
        /// How many times it was tried.
        attempts: u32,
        /// The HTTP stack's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The service answered with an HTTP error that maps to nothing more specific: the
    /// status and, when the body is CSC error JSON, its `error` and `error_description`
    /// (else an excerpt of the body).
    #[error("{endpoint}: HTTP {status}{}{}", error.as_deref().map(|e| format!(" {e}")).unwrap_or_default(), description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Service {
        /// The call.
        endpoint: Endpoint,
        /// The HTTP status.
        status: u16,
        /// CSC `error` (e.g. `invalid_request`), if the body carried one.
        error: Option<String>,
        /// CSC `error_description`, or the start of a non-JSON body.
        description: Option<String>,
    },
    /// The service refused the client's own authentication (HTTP 401/403 or
    /// `invalid_token` / `access_denied`): bad basic credentials or an expired bearer token.
    #[error("{endpoint}: the service refused our authentication (HTTP {status}){}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Unauthorized {
        /// The call.
        endpoint: Endpoint,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        description: Option<String>,
    },
    /// The credential does not exist at this service.
    #[error("unknown credential {credential_id:?}")]
    UnknownCredential {
        /// The credential ID asked for.
        credential_id: String,
    },
    /// The PIN or OTP was rejected. Never retried automatically: each try counts towards the
    /// credential's lock-out.
    #[error("the {kind} was rejected{}{}", tries_left.map(|n| format!(" ({n} tr{} left before the credential locks)", if n == 1 { "y" } else { "ies" })).unwrap_or_default(), description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    SecretRejected {
        /// PIN or OTP.
        kind: SecretKind,
        /// Tries left, when the service says.
        tries_left: Option<u32>,
        /// The service's explanation.
        description: Option<String>,
    },
    /// The credential (or its authenticator link) is locked after too many wrong codes;
    /// only the provider can unlock it.
    #[error("the credential is locked; contact the signing service to unlock it{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    CredentialLocked {
        /// The service's explanation.
        description: Option<String>,
    },
    /// The credential exists but cannot sign: key `disabled`, certificate `expired`,
    /// `revoked` or `suspended`.
    #[error("the credential cannot sign: {what} is {status}")]
    CredentialNotUsable {
        /// `key` or `certificate`.
        what: &'static str,
        /// The status the service reported.
        status: String,
    },
    /// The service rejected the Signature Activation Data (expired, used up, or not bound to
    /// these hashes under SCAL 2).
    #[error("the service rejected the signature activation data{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    SadRejected {
        /// The service's explanation.
        description: Option<String>,
    },
    /// The authorizer gave no secret where the credential needs one, or failed.
    #[error("no {kind} for credential {credential_id:?}: {reason}")]
    Authorizer {
        /// Which secret.
        kind: SecretKind,
        /// The credential being authorized.
        credential_id: String,
        /// Why (the authorizer's message).
        reason: String,
    },
    /// The credential's authorization mode is one this client cannot drive.
    #[error("unsupported authorization mode {mode:?}{}", hint.map(|h| format!(": {h}")).unwrap_or_default())]
    UnsupportedAuthMode {
        /// The mode the service named.
        mode: String,
        /// What to do instead.
        hint: Option<&'static str>,
    },
    /// The `info` answer names an API version this client does not speak.
    #[error("unsupported CSC API version {specs:?} (this client speaks 1.0.4.0 and 2.x)")]
    UnsupportedVersion {
        /// The `specs` value.
        specs: String,
    },
    /// The service does not implement a method this operation needs.
    #[error("the service does not offer {endpoint}")]
    MethodNotOffered {
        /// The missing method.
        endpoint: Endpoint,
    },
    /// The answer is not what the API defines: not JSON, a missing or mistyped field,
    /// invalid Base64, too many items.
    #[error("{endpoint}: malformed answer: {reason}")]
    Malformed {
        /// The call.
        endpoint: Endpoint,
        /// What is wrong.
        reason: String,
    },
    /// The answer is larger than the configured limit.
    #[error("{endpoint}: answer larger than {limit} bytes")]
    ResponseTooLarge {
        /// The call.
        endpoint: Endpoint,
        /// The limit.
        limit: usize,
    },
    /// The call did not finish in time.
    #[error("{endpoint}: timed out after {attempts} attempt(s)")]
    Timeout {
        /// The call.
        endpoint: Endpoint,
        /// How many times it was tried.
        attempts: u32,
    },
    /// `signHash` returned a different number of signatures than hashes sent.
    #[error("signHash returned {actual} signatures for {expected} hashes")]
    SignatureCount {
        /// Hashes sent.
        expected: usize,
        /// Signatures received.
        actual: usize,
    },
    /// A signature value from the service is malformed for the key (wrong RSA length, not an
    /// ECDSA signature), or does not verify against the credential's certificate.
    #[error("signature {index} from the service is unusable: {reason}")]
    BadSignature {
        /// Position in the batch.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// The credential's certificate (or chain) could not be parsed.
    #[error("credential certificate: {0}")]
    Certificate(#[source] qes_cert::Error),
    /// The credential has no certificate, or its key is of a kind qes cannot sign with.
    #[error("credential {credential_id:?}: {reason}")]
    Credential {
        /// The credential.
        credential_id: String,
        /// What is missing.
        reason: &'static str,
    },
    /// A signing request the qes signer contract refuses (algorithm, digest length).
    #[error(transparent)]
    Sign(#[from] SignError),
    /// A TOTP secret or parameter is invalid (RFC 6238 / RFC 4226).
    #[error("TOTP: {reason}")]
    Totp {
        /// What is wrong.
        reason: &'static str,
    },
}

impl CloudError {
    /// The error as a [`SignError`] of the `csc` backend (a [`CloudError::Sign`] is unwrapped).
    pub fn into_sign_error(self) -> SignError {
        match self {
            Self::Sign(e) => e,
            other => SignError::Backend {
                backend: "csc",
                source: Box::new(other),
            },
        }
    }
}

/// Result alias of the crate.
pub type Result<T, E = CloudError> = std::result::Result<T, E>;
