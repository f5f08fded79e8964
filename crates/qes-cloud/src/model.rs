//! What a CSC service says, as typed values: the JSON answers of `info`, `credentials/list`,
//! `credentials/info`, `credentials/authorize` and `signatures/signHash` (CSC API v1.0.4.0
//! §11.1–§11.9 and v2.0 §11.1–§11.11), and the error body (§10.1: `error`,
//! `error_description`). Each parser takes the raw body, is bounded (items, lengths) and
//! never panics; unknown fields are ignored, as both versions require of clients.

use base64ct::{Base64, Encoding};
use const_oid::ObjectIdentifier;
use qes_cert::{Certificate, ParseMode};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{CloudError, Endpoint, Result};

/// Largest number of credential IDs one `credentials/list` page may hold.
pub const MAX_CREDENTIALS: usize = 10_000;
/// Largest certificate chain a credential may have.
pub const MAX_CERTIFICATES: usize = 16;
/// Largest number of signatures one `signHash` answer may hold.
pub const MAX_SIGNATURES: usize = 10_000;
/// Longest text field kept (names, descriptions, labels); longer ones are cut.
pub const MAX_TEXT: usize = 4096;

/// The CSC API version a service speaks, from the `specs` field of `info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ApiVersion {
    /// CSC API v1.0.4.0 (paths `/csc/v1/…`).
    V1,
    /// CSC API v2.x (paths `/csc/v2/…`).
    V2,
}

impl ApiVersion {
    /// The path segment: `v1` or `v2`.
    pub const fn segment(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V2 => "v2",
        }
    }

    /// The version a `specs` value names: `1.0.x.y` → V1, `2.x…` → V2.
    ///
    /// # Errors
    /// [`CloudError::UnsupportedVersion`] for anything else.
    pub fn from_specs(specs: &str) -> Result<Self> {
        let major = specs.split('.').next().unwrap_or_default();
        match major {
            "1" if specs.starts_with("1.0") => Ok(Self::V1),
            "2" => Ok(Self::V2),
            _ => Err(CloudError::UnsupportedVersion { specs: cut(specs) }),
        }
    }
}

impl std::fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::V1 => "1.0.4.0",
            Self::V2 => "2.0",
        })
    }
}

fn cut(text: &str) -> String {
    if text.len() <= MAX_TEXT {
        return text.to_owned();
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    text.get(..end).unwrap_or_default().to_owned()
}

fn malformed(endpoint: Endpoint, reason: impl Into<String>) -> CloudError {
    CloudError::Malformed {
        endpoint,
        reason: reason.into(),
    }
}

fn json(endpoint: Endpoint, body: &[u8]) -> Result<Value> {
    serde_json::from_slice(body).map_err(|e| malformed(endpoint, format!("not JSON: {e}")))
}

fn typed<T: for<'de> Deserialize<'de>>(endpoint: Endpoint, value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| malformed(endpoint, e.to_string()))
}

/// Base64 (standard alphabet, padded, as the API uses), tolerating surrounding whitespace.
pub(crate) fn b64_decode(endpoint: Endpoint, what: &str, text: &str) -> Result<Vec<u8>> {
    Base64::decode_vec(text.trim()).map_err(|_| malformed(endpoint, format!("{what}: not Base64")))
}

/// The service description `info` returns (v1 §11.1, v2 §11.1).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceInfo {
    /// `specs`: the exact version string.
    pub specs: String,
    /// The version it maps to.
    pub version: ApiVersion,
    /// `name`.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// `region` (ISO 3166-1 alpha-2).
    pub region: Option<String>,
    /// `lang`.
    pub lang: Option<String>,
    /// `authType`: `basic`, `oauth2code`, `oauth2client`, `external`, …
    pub auth_types: Vec<String>,
    /// `oauth2` (v1) or `oauth2Issuer` (v2): the authorization server.
    pub oauth2: Option<String>,
    /// `methods`: the API methods the service implements.
    pub methods: Vec<String>,
}

#[derive(Deserialize)]
struct InfoWire {
    specs: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default, rename = "authType")]
    auth_type: Vec<String>,
    #[serde(default)]
    oauth2: Option<String>,
    #[serde(default, rename = "oauth2Issuer")]
    oauth2_issuer: Option<String>,
    #[serde(default)]
    methods: Vec<String>,
}

impl ServiceInfo {
    /// Parse an `info` answer.
    ///
    /// # Errors
    /// [`CloudError::Malformed`] when it is not the API's JSON;
    /// [`CloudError::UnsupportedVersion`] for a `specs` other than 1.0.x or 2.x.
    pub fn from_json(body: &[u8]) -> Result<Self> {
        let wire: InfoWire = typed(Endpoint::Info, json(Endpoint::Info, body)?)?;
        if wire.methods.len() > 256 || wire.auth_type.len() > 64 {
            return Err(malformed(Endpoint::Info, "too many methods or auth types"));
        }
        Ok(Self {
            version: ApiVersion::from_specs(&wire.specs)?,
            specs: cut(&wire.specs),
            name: cut(&wire.name.unwrap_or_default()),
            description: wire.description.as_deref().map(cut),
            region: wire.region.as_deref().map(cut),
            lang: wire.lang.as_deref().map(cut),
            auth_types: wire.auth_type.iter().map(|s| cut(s)).collect(),
            oauth2: wire.oauth2.or(wire.oauth2_issuer).as_deref().map(cut),
            methods: wire.methods.iter().map(|s| cut(s)).collect(),
        })
    }

    /// A placeholder before `info` has answered: no name, every method assumed.
    pub(crate) fn unknown() -> Self {
        Self {
            specs: String::new(),
            version: ApiVersion::V2,
            name: String::new(),
            description: None,
            region: None,
            lang: None,
            auth_types: Vec::new(),
            oauth2: None,
            methods: Vec::new(),
        }
    }

    /// Whether `methods` lists `endpoint` (an empty list is read as "everything", as some
    /// services omit it).
    pub fn offers(&self, endpoint: Endpoint) -> bool {
        self.methods.is_empty()
            || matches!(endpoint, Endpoint::Info)
            || self.methods.iter().any(|m| m == endpoint.path())
    }
}

/// One page of `credentials/list` (v1 §11.4, v2 §11.4).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CredentialPage {
    /// `credentialIDs`.
    pub ids: Vec<String>,
    /// `nextPageToken`, when there are more.
    pub next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct ListWire {
    #[serde(rename = "credentialIDs")]
    credential_ids: Vec<String>,
    #[serde(default, rename = "nextPageToken")]
    next_page_token: Option<String>,
}

impl CredentialPage {
    /// Parse a `credentials/list` answer.
    ///
    /// # Errors
    /// [`CloudError::Malformed`] when it is not the API's JSON or holds more than
    /// [`MAX_CREDENTIALS`] IDs.
    pub fn from_json(body: &[u8]) -> Result<Self> {
        let e = Endpoint::CredentialsList;
        let wire: ListWire = typed(e, json(e, body)?)?;
        if wire.credential_ids.len() > MAX_CREDENTIALS {
            return Err(malformed(e, "too many credential IDs"));
        }
        Ok(Self {
            ids: wire.credential_ids,
            next_page_token: wire.next_page_token.filter(|t| !t.is_empty()),
        })
    }
}

/// How a credential is authorized (`authMode`, v1 §11.5; `auth.mode`, v2 §11.5).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthMode {
    /// `implicit`: the service authorizes by other means (no PIN/OTP in the request).
    Implicit,
    /// `explicit`: the PIN and/or OTP go into `credentials/authorize`.
    Explicit,
    /// `oauth2code`: an OAuth2 authorization code flow with the credential scope.
    OAuth2Code,
    /// Anything else the service names.
    Other(String),
}

impl AuthMode {
    fn parse(text: &str) -> Self {
        match text {
            "implicit" => Self::Implicit,
            "explicit" => Self::Explicit,
            "oauth2code" => Self::OAuth2Code,
            other => Self::Other(cut(other)),
        }
    }
}

/// Whether a PIN or OTP is needed (v1 `presence`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Presence {
    /// It must be given.
    Required,
    /// It may be given.
    Optional,
    /// It is not used.
    Absent,
}

/// The character set of a PIN or OTP (`format`: `A` alphanumeric, `N` numeric).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretFormat {
    /// Digits only.
    Numeric,
    /// Any characters.
    Alphanumeric,
}

/// Whether an OTP is generated by the holder's device or sent by the service (v1 `OTP.type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OtpType {
    /// From an authenticator app or token (TOTP).
    Offline,
    /// Sent by the service (`credentials/sendOTP`: SMS, e-mail).
    Online,
}

/// What the service says about a PIN or OTP the credential uses.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretDescriptor {
    /// PIN or OTP.
    pub kind: crate::SecretKind,
    /// Required, optional or absent.
    pub presence: Presence,
    /// Numeric or alphanumeric, when said.
    pub format: Option<SecretFormat>,
    /// The label to show the holder.
    pub label: Option<String>,
    /// A longer description.
    pub description: Option<String>,
    /// v2: the `id` the value goes under in `authData`; v1 OTP: the token `ID`.
    pub id: Option<String>,
    /// OTP only: offline (authenticator app) or online (sent by the service).
    pub otp_type: Option<OtpType>,
    /// OTP only: the `provider` (v1) or `generator` (v2).
    pub provider: Option<String>,
}

/// The sole-control assurance level of a credential (CSC `SCAL`, after CEN EN 419 241-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scal {
    /// SCAL 1: the authorization is for a number of signatures.
    One,
    /// SCAL 2: the authorization is bound to the very hashes to sign.
    Two,
}

/// Everything `credentials/info` says about a credential (v1 §11.5, v2 §11.5).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CredentialInfo {
    /// The credential ID.
    pub id: String,
    /// `description`.
    pub description: Option<String>,
    /// `key.status`: `enabled` or `disabled`.
    pub key_status: String,
    /// `key.algo`: the signature algorithm OIDs the key can produce.
    pub key_algorithms: Vec<ObjectIdentifier>,
    /// `key.len` in bits.
    pub key_len: Option<u32>,
    /// `key.curve`, for EC keys.
    pub key_curve: Option<ObjectIdentifier>,
    /// `cert.status`: `valid`, `expired`, `revoked`, `suspended` (when the service says).
    pub certificate_status: Option<String>,
    /// `cert.certificates`: the end-entity certificate first, then its issuers.
    pub certificates: Vec<Certificate>,
    /// The authorization mode.
    pub auth_mode: AuthMode,
    /// The PIN, if the credential has one.
    pub pin: Option<SecretDescriptor>,
    /// The OTP, if the credential has one.
    pub otp: Option<SecretDescriptor>,
    /// SCAL 1 or 2 (absent: 1, as both versions default).
    pub scal: Scal,
    /// `multisign`: how many hashes one authorization may cover (at least 1).
    pub multisign: u32,
}

#[derive(Deserialize)]
struct CredInfoWire {
    #[serde(default)]
    description: Option<String>,
    key: KeyWire,
    #[serde(default)]
    cert: Option<CertWire>,
    #[serde(default, rename = "authMode")]
    auth_mode: Option<String>,
    #[serde(default, rename = "PIN")]
    pin: Option<V1SecretWire>,
    #[serde(default, rename = "OTP")]
    otp: Option<V1SecretWire>,
    #[serde(default)]
    auth: Option<V2AuthWire>,
    #[serde(default, rename = "SCAL")]
    scal: Option<Value>,
    #[serde(default)]
    multisign: Option<Value>,
}

#[derive(Deserialize)]
struct KeyWire {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    algo: Vec<String>,
    #[serde(default)]
    len: Option<Value>,
    #[serde(default)]
    curve: Option<String>,
}

#[derive(Deserialize)]
struct CertWire {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    certificates: Vec<String>,
}

#[derive(Deserialize)]
struct V1SecretWire {
    #[serde(default)]
    presence: Option<Value>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default, rename = "type")]
    otp_type: Option<String>,
    #[serde(default, rename = "ID")]
    id: Option<String>,
    #[serde(default)]
    provider: Option<String>,
}

#[derive(Deserialize)]
struct V2AuthWire {
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    objects: Vec<V2AuthObjectWire>,
}

#[derive(Deserialize)]
struct V2AuthObjectWire {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    generator: Option<String>,
}

/// A dotted OID from the service, checked before `const-oid` sees it: `ObjectIdentifier::new`
/// (0.9.6) overflows — a panic in debug builds — on an arc of ten or more digits, so only
/// arcs of at most nine digits (below 2³²) and at most 40 arcs are passed on.
pub(crate) fn parse_oid(text: &str) -> Option<ObjectIdentifier> {
    let text = text.trim();
    let arcs: Vec<&str> = text.split('.').collect();
    let plausible = (2..=40).contains(&arcs.len())
        && arcs
            .iter()
            .all(|a| !a.is_empty() && a.len() <= 9 && a.bytes().all(|b| b.is_ascii_digit()));
    if !plausible {
        return None;
    }
    ObjectIdentifier::new(text).ok()
}

fn format_of(text: Option<&str>) -> Option<SecretFormat> {
    match text {
        Some("N") => Some(SecretFormat::Numeric),
        Some("A") => Some(SecretFormat::Alphanumeric),
        _ => None,
    }
}

/// A JSON number or a numeric string as `u32`.
fn number(value: Option<&Value>) -> Option<u32> {
    match value? {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn presence(value: Option<&Value>) -> Presence {
    match value {
        Some(Value::Bool(true)) => Presence::Required,
        Some(Value::Bool(false)) => Presence::Absent,
        Some(Value::String(s)) => match s.as_str() {
            "true" => Presence::Required,
            "optional" => Presence::Optional,
            _ => Presence::Absent,
        },
        // v1: an object without `presence` describes a secret that is used.
        _ => Presence::Required,
    }
}

impl CredentialInfo {
    /// Parse a `credentials/info` answer about credential `id` (v1 and v2 layouts both).
    ///
    /// # Errors
    /// [`CloudError::Malformed`] when it is not the API's JSON, a certificate is not Base64
    /// or there are more than [`MAX_CERTIFICATES`]; [`CloudError::Certificate`] when a
    /// certificate does not parse.
    pub fn from_json(id: &str, body: &[u8]) -> Result<Self> {
        let e = Endpoint::CredentialsInfo;
        let wire: CredInfoWire = typed(e, json(e, body)?)?;
        if wire.key.algo.len() > 64 {
            return Err(malformed(e, "too many key algorithms"));
        }
        let key_algorithms = wire.key.algo.iter().filter_map(|s| parse_oid(s)).collect();
        let cert = wire.cert.unwrap_or(CertWire {
            status: None,
            certificates: Vec::new(),
        });
        if cert.certificates.len() > MAX_CERTIFICATES {
            return Err(malformed(e, "too many certificates"));
        }
        let mut certificates = Vec::with_capacity(cert.certificates.len());
        for b64 in &cert.certificates {
            let der = b64_decode(e, "certificate", b64)?;
            certificates.push(
                Certificate::from_der(&der, ParseMode::Lenient).map_err(CloudError::Certificate)?,
            );
        }

        let (mut auth_mode, mut pin, mut otp) =
            (wire.auth_mode.as_deref().map(AuthMode::parse), None, None);
        if let Some(p) = &wire.pin {
            pin = Some(v1_secret(crate::SecretKind::Pin, p));
        }
        if let Some(o) = &wire.otp {
            otp = Some(v1_secret(crate::SecretKind::Otp, o));
        }
        if let Some(auth) = &wire.auth {
            if auth.objects.len() > 16 {
                return Err(malformed(e, "too many auth objects"));
            }
            if let Some(mode) = &auth.mode {
                auth_mode = Some(AuthMode::parse(mode));
            }
            for object in &auth.objects {
                let kind = if object.kind.eq_ignore_ascii_case("OTP") {
                    crate::SecretKind::Otp
                } else if object.kind.eq_ignore_ascii_case("PIN")
                    || object.kind.eq_ignore_ascii_case("Password")
                {
                    crate::SecretKind::Pin
                } else {
                    return Err(malformed(
                        e,
                        format!("unknown auth object type {:?}", cut(&object.kind)),
                    ));
                };
                let descriptor = SecretDescriptor {
                    kind,
                    presence: Presence::Required,
                    format: format_of(object.format.as_deref()),
                    label: object.label.as_deref().map(cut),
                    description: object.description.as_deref().map(cut),
                    id: object.id.as_deref().map(cut),
                    otp_type: (kind == crate::SecretKind::Otp).then_some(OtpType::Offline),
                    provider: object.generator.as_deref().map(cut),
                };
                match kind {
                    crate::SecretKind::Pin => pin = Some(descriptor),
                    crate::SecretKind::Otp => otp = Some(descriptor),
                }
            }
        }
        let scal = match number(wire.scal.as_ref()) {
            Some(2) => Scal::Two,
            _ => Scal::One,
        };
        Ok(Self {
            id: cut(id),
            description: wire.description.as_deref().map(cut),
            key_status: cut(&wire.key.status.unwrap_or_else(|| "enabled".to_owned())),
            key_algorithms,
            key_len: number(wire.key.len.as_ref()),
            key_curve: wire.key.curve.as_deref().and_then(parse_oid),
            certificate_status: cert.status.as_deref().map(cut),
            certificates,
            auth_mode: auth_mode.unwrap_or(AuthMode::Implicit),
            pin,
            otp,
            scal,
            multisign: number(wire.multisign.as_ref()).unwrap_or(1).max(1),
        })
    }

    /// The secrets `credentials/authorize` must carry under this credential's mode, in the
    /// order they are asked for (PIN, then OTP); optional and absent ones are left out.
    pub fn required_secrets(&self) -> Vec<&SecretDescriptor> {
        if self.auth_mode != AuthMode::Explicit {
            return Vec::new();
        }
        [self.pin.as_ref(), self.otp.as_ref()]
            .into_iter()
            .flatten()
            .filter(|d| d.presence == Presence::Required)
            .collect()
    }
}

fn v1_secret(kind: crate::SecretKind, wire: &V1SecretWire) -> SecretDescriptor {
    SecretDescriptor {
        kind,
        presence: presence(wire.presence.as_ref()),
        format: format_of(wire.format.as_deref()),
        label: wire.label.as_deref().map(cut),
        description: wire.description.as_deref().map(cut),
        id: wire.id.as_deref().map(cut),
        otp_type: match wire.otp_type.as_deref() {
            Some("online") => Some(OtpType::Online),
            Some("offline") => Some(OtpType::Offline),
            _ => None,
        },
        provider: wire.provider.as_deref().map(cut),
    }
}

#[derive(Deserialize)]
struct AuthorizeWire {
    #[serde(rename = "SAD")]
    sad: String,
    #[serde(default, rename = "expiresIn")]
    expires_in: Option<Value>,
}

/// Parse a `credentials/authorize` answer: the SAD and its lifetime in seconds.
///
/// # Errors
/// [`CloudError::Malformed`] when it is not the API's JSON or the SAD is empty or longer
/// than 64 KiB.
pub fn parse_authorize(body: &[u8]) -> Result<(String, Option<u32>)> {
    let e = Endpoint::Authorize;
    let wire: AuthorizeWire = typed(e, json(e, body)?)?;
    if wire.sad.is_empty() || wire.sad.len() > 64 * 1024 {
        return Err(malformed(e, "empty or oversized SAD"));
    }
    Ok((wire.sad, number(wire.expires_in.as_ref())))
}

#[derive(Deserialize)]
struct SignHashWire {
    signatures: Vec<String>,
}

/// Parse a `signatures/signHash` answer into the decoded signature values.
///
/// # Errors
/// [`CloudError::Malformed`] when it is not the API's JSON, holds more than
/// [`MAX_SIGNATURES`], or a value is not Base64.
pub fn parse_signatures(body: &[u8]) -> Result<Vec<Vec<u8>>> {
    let e = Endpoint::SignHash;
    let wire: SignHashWire = typed(e, json(e, body)?)?;
    if wire.signatures.len() > MAX_SIGNATURES {
        return Err(malformed(e, "too many signatures"));
    }
    wire.signatures
        .iter()
        .map(|s| b64_decode(e, "signature", s))
        .collect()
}

/// The CSC error body (v1 §10.1, v2 §10.1) plus the retry counters some providers add.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorBody {
    /// `error` (e.g. `invalid_request`, `invalid_pin`, `invalid_otp`, `invalid_token`).
    pub error: Option<String>,
    /// `error_description`, or the start of a body that is not JSON.
    pub description: Option<String>,
    /// Tries left before lock-out: a `remainingAttempts` / `attemptsLeft` / `retriesLeft`
    /// number when present, else a count named in the description ("2 attempts left").
    pub tries_left: Option<u32>,
}

impl ErrorBody {
    /// Read an error answer; never fails (a body that is not CSC JSON becomes an excerpt).
    pub fn parse(body: &[u8]) -> Self {
        let value: Option<Value> = serde_json::from_slice(body).ok();
        let Some(Value::Object(map)) = value else {
            let text = String::from_utf8_lossy(body.get(..body.len().min(800)).unwrap_or(body))
                .chars()
                .take(200)
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>();
            let text = text.trim().to_owned();
            return Self {
                error: None,
                tries_left: tries_in_text(&text),
                description: (!text.is_empty()).then_some(text),
            };
        };
        let text = |key: &str| map.get(key).and_then(Value::as_str).map(cut);
        let description = text("error_description");
        let tries_left = [
            "remainingAttempts",
            "attemptsLeft",
            "retriesLeft",
            "remaining_attempts",
        ]
        .iter()
        .find_map(|k| number(map.get(*k)))
        .or_else(|| description.as_deref().and_then(tries_in_text));
        Self {
            error: text("error"),
            description,
            tries_left,
        }
    }
}

/// A count of remaining tries named in free text: "2 attempts left", "1 try remaining",
/// "remaining attempts: 3", "retries left: 4".
pub(crate) fn tries_in_text(text: &str) -> Option<u32> {
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let is_try = |w: &str| {
        matches!(
            w,
            "attempt" | "attempts" | "try" | "tries" | "retry" | "retries"
        )
    };
    let is_left = |w: &str| matches!(w, "left" | "remaining" | "remain");
    for (i, word) in words.iter().enumerate() {
        let Ok(n) = word.parse::<u32>() else { continue };
        let next = words.get(i.saturating_add(1)).copied().unwrap_or_default();
        let after = words.get(i.saturating_add(2)).copied().unwrap_or_default();
        // "2 attempts left", "2 remaining attempts"
        if (is_try(next) && is_left(after)) || (is_left(next) && is_try(after)) {
            return Some(n);
        }
        // "remaining attempts: 2", "attempts left 2"
        if i >= 2 {
            let a = words.get(i.saturating_sub(2)).copied().unwrap_or_default();
            let b = words.get(i.saturating_sub(1)).copied().unwrap_or_default();
            if (is_left(a) && is_try(b)) || (is_try(a) && is_left(b)) {
                return Some(n);
            }
        }
    }
    None
}
