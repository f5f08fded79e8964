//! CWT claims (RFC 8392 §3) carrying the HCERT (HCERT §2.6.3).
//!
//! ```text
//! { 1 (iss): tstr, 4 (exp): int, 6 (iat): int, -260 (hcert): { 1 (eu_dgc_v1): payload } }
//! ```

use std::sync::OnceLock;

use crate::cbor::{self, Value};
use crate::error::{DccError, Result};
use crate::json::Json;

/// Claim key `iss`.
pub const CLAIM_ISS: i64 = 1;
/// Claim key `exp`.
pub const CLAIM_EXP: i64 = 4;
/// Claim key `iat`.
pub const CLAIM_IAT: i64 = 6;
/// Claim key `hcert` (HCERT §2.6.3).
pub const CLAIM_HCERT: i64 = -260;
/// Key of the EU DCC version-1 payload inside `hcert`.
pub const HCERT_EU_DCC_V1: i64 = 1;

/// The CWT claims of an HCERT; the payload kept as its CBOR encoding, shown as JSON on demand.
///
/// Equality compares `iss`, `iat`, `exp` and the payload's CBOR bytes.
#[derive(Clone)]
pub struct Claims {
    /// `iss`: the issuing country (ISO 3166-1 alpha-2), when present.
    pub iss: Option<String>,
    /// `iat`, seconds since the epoch.
    pub iat: Option<i64>,
    /// `exp`, seconds since the epoch.
    pub exp: Option<i64>,
    /// The version-1 payload's CBOR encoding (as received, or as encoded from JSON).
    payload_cbor: Vec<u8>,
    /// Its JSON form, built the first time it is asked for.
    payload_json: OnceLock<serde_json::Value>,
}

impl PartialEq for Claims {
    fn eq(&self, other: &Self) -> bool {
        self.iss == other.iss
            && self.iat == other.iat
            && self.exp == other.exp
            && self.payload_cbor == other.payload_cbor
    }
}

impl core::fmt::Debug for Claims {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Claims")
            .field("iss", &self.iss)
            .field("iat", &self.iat)
            .field("exp", &self.exp)
            .field("payload", &"<redacted>")
            .finish()
    }
}

fn time_claim(v: &Value) -> Result<i64> {
    match v {
        Value::Uint(_) | Value::Nint(_) => {
            cbor::as_i64(v).ok_or_else(|| DccError::Cwt("time claim out of range"))
        }
        // RFC 8392 NumericDate may be a float; keep the whole seconds.
        Value::Float(f) if f.is_finite() && f.abs() < 1e15 => {
            let s = format!("{:.0}", f.trunc());
            s.parse()
                .map_err(|_| DccError::Cwt("time claim out of range"))
        }
        Value::Tag(1, inner) => time_claim(inner),
        _ => Err(DccError::Cwt("time claim is not a number")),
    }
}

impl Claims {
    /// Claims with a JSON payload (integers stay CBOR integers, other numbers become floats).
    pub fn new(
        iss: Option<String>,
        iat: Option<i64>,
        exp: Option<i64>,
        payload: serde_json::Value,
    ) -> Self {
        Self {
            iss,
            iat,
            exp,
            payload_cbor: cbor::encode(&cbor::from_json(&payload)),
            payload_json: OnceLock::from(payload),
        }
    }

    /// Decode the claims set from the COSE payload.
    ///
    /// # Errors
    /// [`DccError::Cbor`], [`DccError::Cwt`] when the structure is wrong,
    /// [`DccError::NotJson`] when the payload has no JSON form.
    pub fn from_cbor(bytes: &[u8], max_depth: usize) -> Result<Self> {
        Self::read(bytes, max_depth).map(|(claims, _)| claims)
    }

    /// [`Claims::from_cbor`], with the payload in the JSON data model borrowed from `bytes`
    /// (what the verifier validates and reads the typed payload from).
    pub(crate) fn read(bytes: &[u8], max_depth: usize) -> Result<(Self, Json<'_>)> {
        let mut map = cbor::MapReader::new(bytes, max_depth).map_err(|e| match e {
            DccError::Cbor(m) if m == "not a map" => DccError::Cwt("claims set is not a map"),
            e => e,
        })?;
        let (mut iss, mut iat, mut exp) = (None, None, None);
        // `None`: no hcert claim; `Some(None)`: hcert without the v1 payload.
        let mut hcert = None;
        while let Some(k) = map.next_key()? {
            match cbor::as_i64(&k) {
                Some(CLAIM_ISS) => match map.value()? {
                    Value::Text(s) => iss = Some(s),
                    _ => return Err(DccError::Cwt("iss is not text")),
                },
                Some(CLAIM_EXP) => exp = Some(time_claim(&map.value()?)?),
                Some(CLAIM_IAT) => iat = Some(time_claim(&map.value()?)?),
                Some(CLAIM_HCERT) if hcert.is_none() => {
                    // Not a map: skipped, and then reported as missing.
                    hcert = map.json_in_map(HCERT_EU_DCC_V1)?;
                }
                _ => {
                    map.value()?;
                }
            }
        }
        let (json, payload) = match hcert {
            None => return Err(DccError::Cwt("no hcert (-260) map")),
            Some(None) => return Err(DccError::Cwt("no EU DCC v1 payload (key 1) in hcert")),
            Some(Some(p)) => p,
        };
        let claims = Self {
            iss,
            iat,
            exp,
            payload_cbor: payload.to_vec(),
            payload_json: OnceLock::new(),
        };
        Ok((claims, json))
    }

    /// The version-1 payload as JSON (personal data).
    pub fn payload(&self) -> &serde_json::Value {
        self.payload_json.get_or_init(|| {
            // The bytes were read under the caller's depth bound by `read`, or encoded from
            // JSON by `new` (which sets the JSON itself): decoding them again cannot fail.
            cbor::decode_json(&self.payload_cbor, usize::MAX)
                .map_or(serde_json::Value::Null, |j| j.to_serde())
        })
    }

    /// The version-1 payload's CBOR encoding.
    pub fn payload_cbor(&self) -> &[u8] {
        &self.payload_cbor
    }

    /// Encode the claims set.
    ///
    /// # Errors
    /// [`DccError::Cbor`] if encoding fails.
    pub fn to_cbor(&self) -> Result<Vec<u8>> {
        let mut entries = Vec::new();
        if let Some(iss) = &self.iss {
            entries.push((Value::int(CLAIM_ISS), Value::Text(iss.clone())));
        }
        if let Some(exp) = self.exp {
            entries.push((Value::int(CLAIM_EXP), Value::int(exp)));
        }
        if let Some(iat) = self.iat {
            entries.push((Value::int(CLAIM_IAT), Value::int(iat)));
        }
        let mut out = Vec::with_capacity(self.payload_cbor.len() + 32);
        cbor::write_map_head(&mut out, entries.len() + 1);
        for (k, v) in &entries {
            cbor::write(&mut out, k);
            cbor::write(&mut out, v);
        }
        cbor::write(&mut out, &Value::int(CLAIM_HCERT));
        cbor::write_map_head(&mut out, 1);
        cbor::write(&mut out, &Value::int(HCERT_EU_DCC_V1));
        out.extend_from_slice(&self.payload_cbor);
        Ok(out)
    }
}
