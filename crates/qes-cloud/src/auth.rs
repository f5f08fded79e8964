//! Who may do what: the client's own authentication to the service (none, HTTP basic per
//! RFC 7617, or an OAuth2 bearer token per RFC 6750 from a pluggable provider), and the
//! holder's authorization of a credential (PIN, OTP) through a caller-supplied
//! [`Authorizer`] — a terminal prompt in the CLI, a TOTP generator in automation.

use std::sync::{Arc, Mutex};

use base64ct::{Base64, Encoding};
use zeroize::Zeroizing;

use crate::error::SecretKind;
use crate::model::SecretDescriptor;
use crate::totp::Totp;

/// A PIN or OTP: zeroized on drop, never printed (`Debug` is redacted).
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The value, for the request body.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<Zeroizing<String>> for Secret {
    fn from(value: Zeroizing<String>) -> Self {
        Self(value)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// What an [`Authorizer`] is asked for: one secret for one authorization.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct SecretPrompt<'a> {
    /// The credential being authorized.
    pub credential_id: &'a str,
    /// What the service says about the secret (kind, label, format, OTP type).
    pub descriptor: &'a SecretDescriptor,
    /// How many signatures this authorization covers.
    pub num_signatures: usize,
}

impl SecretPrompt<'_> {
    /// PIN or OTP.
    pub fn kind(&self) -> SecretKind {
        self.descriptor.kind
    }

    /// A one-line prompt for a terminal: the service's label, else the kind, and the count.
    pub fn text(&self) -> String {
        let label = self
            .descriptor
            .label
            .clone()
            .unwrap_or_else(|| self.kind().to_string());
        format!(
            "{label} for credential {} ({} signature{})",
            self.credential_id,
            self.num_signatures,
            if self.num_signatures == 1 { "" } else { "s" }
        )
    }
}

/// Supplies the holder's PIN and OTP when a credential is authorized.
///
/// Called once per secret per `credentials/authorize` (a batch larger than the credential's
/// `multisign` needs several). A rejected code is never retried by the client: the error goes
/// back to the caller, who decides whether to ask again.
pub trait Authorizer: Send + Sync {
    /// The secret for `prompt`.
    ///
    /// # Errors
    /// A message shown to the caller (the holder cancelled, no terminal, …).
    fn secret(&self, prompt: &SecretPrompt<'_>) -> Result<Secret, String>;
}

/// For credentials in `implicit` mode: asking for any secret is an error.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoSecrets;

impl Authorizer for NoSecrets {
    fn secret(&self, prompt: &SecretPrompt<'_>) -> Result<Secret, String> {
        Err(format!("no {} available (non-interactive)", prompt.kind()))
    }
}

/// A fixed PIN and a single-use OTP (e.g. read from files): the OTP is handed out once,
/// since a one-time code cannot serve a second authorization.
pub struct FixedSecrets {
    pin: Option<Secret>,
    otp: Mutex<Option<Secret>>,
}

impl FixedSecrets {
    /// The secrets; either may be absent.
    pub fn new(pin: Option<Secret>, otp: Option<Secret>) -> Self {
        Self {
            pin,
            otp: Mutex::new(otp),
        }
    }
}

impl std::fmt::Debug for FixedSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FixedSecrets")
            .field("pin", &self.pin.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl Authorizer for FixedSecrets {
    fn secret(&self, prompt: &SecretPrompt<'_>) -> Result<Secret, String> {
        match prompt.kind() {
            SecretKind::Pin => self.pin.clone().ok_or_else(|| "no PIN given".to_owned()),
            SecretKind::Otp => self
                .otp
                .lock()
                .map_err(|_| "OTP store poisoned".to_owned())?
                .take()
                .ok_or_else(|| "no OTP given, or the one given was already used".to_owned()),
        }
    }
}

/// PIN plus OTPs computed by an RFC 6238 [`Totp`] at the time `clock` returns (Unix
/// seconds): for automation and tests. The clock is the caller's, so nothing here reads the
/// system time.
pub struct TotpAuthorizer {
    pin: Option<Secret>,
    totp: Totp,
    clock: Box<dyn Fn() -> u64 + Send + Sync>,
}

impl TotpAuthorizer {
    /// OTPs from `totp` at `clock()`, and an optional PIN.
    pub fn new(
        totp: Totp,
        pin: Option<Secret>,
        clock: impl Fn() -> u64 + Send + Sync + 'static,
    ) -> Self {
        Self {
            pin,
            totp,
            clock: Box::new(clock),
        }
    }
}

impl std::fmt::Debug for TotpAuthorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpAuthorizer")
            .field("totp", &self.totp)
            .field("pin", &self.pin.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl Authorizer for TotpAuthorizer {
    fn secret(&self, prompt: &SecretPrompt<'_>) -> Result<Secret, String> {
        match prompt.kind() {
            SecretKind::Pin => self.pin.clone().ok_or_else(|| "no PIN given".to_owned()),
            SecretKind::Otp => self
                .totp
                .code_at((self.clock)())
                .map(Secret::from)
                .map_err(|e| e.to_string()),
        }
    }
}

/// Supplies OAuth2 access tokens (RFC 6749) for `Authorization: Bearer` (RFC 6750): a
/// client-credentials flow, a token cache, a test fixture. Called before every request, so a
/// provider refreshes when its token nears expiry.
pub trait AccessTokenProvider: Send + Sync {
    /// The current access token.
    ///
    /// # Errors
    /// Why no token is available.
    fn access_token(&self) -> Result<Zeroizing<String>, String>;
}

/// One fixed access token.
#[derive(Clone)]
pub struct StaticToken(Zeroizing<String>);

impl StaticToken {
    /// The token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(Zeroizing::new(token.into()))
    }
}

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

impl AccessTokenProvider for StaticToken {
    fn access_token(&self) -> Result<Zeroizing<String>, String> {
        Ok(self.0.clone())
    }
}

/// How the client authenticates itself to the service.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum ServiceAuth {
    /// No authentication (a service on loopback, or one authenticating by TLS client
    /// certificate).
    #[default]
    None,
    /// HTTP basic (RFC 7617).
    Basic {
        /// The user-id (no `:`).
        user: String,
        /// The password (zeroized on drop).
        password: Secret,
    },
    /// An OAuth2 bearer token (RFC 6750) from a provider.
    Bearer(Arc<dyn AccessTokenProvider>),
}

impl std::fmt::Debug for ServiceAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Basic { user, .. } => f
                .debug_struct("Basic")
                .field("user", user)
                .field("password", &"<redacted>")
                .finish(),
            Self::Bearer(_) => f.write_str("Bearer(<provider>)"),
        }
    }
}

impl ServiceAuth {
    /// The `Authorization` header value, if any.
    ///
    /// # Errors
    /// The provider's message when it has no token.
    pub(crate) fn header(&self) -> Result<Option<Zeroizing<String>>, String> {
        match self {
            Self::None => Ok(None),
            Self::Basic { user, password } => {
                let mut plain = Zeroizing::new(String::new());
                plain.push_str(user);
                plain.push(':');
                plain.push_str(password.expose());
                let mut value = Zeroizing::new(String::from("Basic "));
                value.push_str(&Zeroizing::new(Base64::encode_string(plain.as_bytes())));
                Ok(Some(value))
            }
            Self::Bearer(provider) => {
                let token = provider.access_token()?;
                if token.is_empty() || token.chars().any(|c| c.is_control() || c == ' ') {
                    return Err(
                        "the access token is empty or contains spaces or control characters".into(),
                    );
                }
                let mut value = Zeroizing::new(String::from("Bearer "));
                value.push_str(&token);
                Ok(Some(value))
            }
        }
    }
}
