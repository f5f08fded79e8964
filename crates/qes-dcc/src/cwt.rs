//! CWT claims (RFC 8392 §3) carrying the HCERT (HCERT §2.6.3).
//!
//! ```text
//! { 1 (iss): tstr, 4 (exp): int, 6 (iat): int, -260 (hcert): { 1 (eu_dgc_v1): payload } }
//! ```

use crate::cbor::{self, Value};
use crate::error::{DccError, Result};

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

/// The CWT claims of an HCERT, with the payload still as JSON.
#[derive(Clone, PartialEq)]
pub struct Claims {
    /// `iss`: the issuing country (ISO 3166-1 alpha-2), when present.
    pub iss: Option<String>,
    /// `iat`, seconds since the epoch.
    pub iat: Option<i64>,
    /// `exp`, seconds since the epoch.
    pub exp: Option<i64>,
    /// The version-1 payload as JSON (personal data: not shown by `Debug`).
    pub payload: serde_json::Value,
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
    /// Decode the claims set from the COSE payload.
    ///
    /// # Errors
    /// [`DccError::Cbor`], [`DccError::Cwt`] when the structure is wrong,
    /// [`DccError::NotJson`] when the payload has no JSON form.
    pub fn from_cbor(bytes: &[u8], max_depth: usize) -> Result<Self> {
        let mut map = cbor::MapReader::new(bytes, max_depth).map_err(|e| match e {
            DccError::Cbor(m) if m == "not a map" => DccError::Cwt("claims set is not a map"),
            e => e,
        })?;
        let mut claims = Self {
            iss: None,
            iat: None,
            exp: None,
            payload: serde_json::Value::Null,
        };
        // `None`: no hcert claim; `Some(None)`: hcert without the v1 payload.
        let mut hcert: Option<Option<serde_json::Value>> = None;
        while let Some(k) = map.next_key()? {
            match cbor::as_i64(&k) {
                Some(CLAIM_ISS) => match map.value()? {
                    Value::Text(s) => claims.iss = Some(s),
                    _ => return Err(DccError::Cwt("iss is not text")),
                },
                Some(CLAIM_EXP) => claims.exp = Some(time_claim(&map.value()?)?),
                Some(CLAIM_IAT) => claims.iat = Some(time_claim(&map.value()?)?),
                Some(CLAIM_HCERT) if hcert.is_none() => {
                    // Not a map: skipped, and then reported as missing.
                    hcert = map.json_in_map(HCERT_EU_DCC_V1)?;
                }
                _ => {
                    map.value()?;
                }
            }
        }
        claims.payload = match hcert {
            None => return Err(DccError::Cwt("no hcert (-260) map")),
            Some(None) => return Err(DccError::Cwt("no EU DCC v1 payload (key 1) in hcert")),
            Some(Some(p)) => p,
        };
        Ok(claims)
    }

    /// Encode the claims set.
    ///
    /// # Errors
    /// [`DccError::Cbor`] if encoding fails.
    pub fn to_cbor(&self) -> Result<Vec<u8>> {
        let mut m = Vec::new();
        if let Some(iss) = &self.iss {
            m.push((Value::int(CLAIM_ISS), Value::Text(iss.clone())));
        }
        if let Some(exp) = self.exp {
            m.push((Value::int(CLAIM_EXP), Value::int(exp)));
        }
        if let Some(iat) = self.iat {
            m.push((Value::int(CLAIM_IAT), Value::int(iat)));
        }
        m.push((
            Value::int(CLAIM_HCERT),
            Value::Map(vec![(
                Value::int(HCERT_EU_DCC_V1),
                cbor::from_json(&self.payload),
            )]),
        ));
        Ok(cbor::encode(&Value::Map(m)))
    }
}
