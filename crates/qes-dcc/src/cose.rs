//! COSE_Sign1 (RFC 9052 §4.2), as the HCERT carries it: tagged (18), untagged, or wrapped in
//! the CWT tag (61, RFC 8392 §6).
//!
//! ```text
//! COSE_Sign1 = [
//!     protected   : bstr .cbor header_map / bstr .size 0,
//!     unprotected : header_map,
//!     payload     : bstr / nil,
//!     signature   : bstr
//! ]
//! Sig_structure = [ "Signature1", body_protected : bstr, external_aad : bstr, payload : bstr ]
//! ```
//!
//! The signature is checked over `Sig_structure` built from the protected-header and payload
//! byte strings exactly as received (RFC 9052 §4.4).

use crate::cbor::{self, Value};
use crate::error::{DccError, Result};

/// COSE header label `alg` (RFC 9052 §3.1).
pub const HEADER_ALG: i64 = 1;
/// COSE header label `kid` (RFC 9052 §3.1).
pub const HEADER_KID: i64 = 4;
/// CBOR tag of COSE_Sign1 (RFC 9052 §2).
pub const TAG_COSE_SIGN1: u64 = 18;
/// CBOR tag of a CWT (RFC 8392 §6).
pub const TAG_CWT: u64 = 61;

/// The signature algorithms HCERT allows (HCERT §3.3.1; COSE algorithm registry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum CoseAlgorithm {
    /// ECDSA P-256 with SHA-256, signature as raw `r‖s` (RFC 9053 §2.1), COSE value -7.
    Es256,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32 (RFC 8230 §2), COSE value -37.
    Ps256,
}

impl CoseAlgorithm {
    /// The COSE algorithm value.
    pub const fn value(self) -> i64 {
        match self {
            Self::Es256 => -7,
            Self::Ps256 => -37,
        }
    }

    /// The algorithm with this COSE value.
    pub const fn from_value(v: i64) -> Option<Self> {
        match v {
            -7 => Some(Self::Es256),
            -37 => Some(Self::Ps256),
            _ => None,
        }
    }

    /// `ES256` or `PS256`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::Ps256 => "PS256",
        }
    }
}

/// The header parameters HCERT uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    /// `alg` (1), when an integer.
    pub alg: Option<i64>,
    /// `kid` (4), when a byte string.
    pub kid: Option<Vec<u8>>,
}

impl Headers {
    fn from_map(v: &Value) -> Result<Self> {
        let Value::Map(entries) = v else {
            return Err(DccError::Cose("header is not a map"));
        };
        let mut h = Self::default();
        for (k, val) in entries {
            match cbor::as_i64(k) {
                Some(HEADER_ALG) => h.alg = cbor::as_i64(val),
                Some(HEADER_KID) => {
                    if let Value::Bytes(b) = val {
                        h.kid = Some(b.clone());
                    }
                }
                _ => {}
            }
        }
        Ok(h)
    }

    fn to_map(&self) -> Value {
        let mut m = Vec::new();
        if let Some(alg) = self.alg {
            m.push((Value::int(HEADER_ALG), Value::int(alg)));
        }
        if let Some(kid) = &self.kid {
            m.push((Value::int(HEADER_KID), Value::Bytes(kid.clone())));
        }
        Value::Map(m)
    }
}

/// How the COSE_Sign1 was tagged on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum Tagging {
    /// No tag.
    Untagged,
    /// Tag 18.
    Sign1,
    /// Tag 61 around tag 18 (or around the untagged array).
    Cwt,
}

/// A decoded COSE_Sign1.
#[derive(Clone, PartialEq, Eq)]
pub struct CoseSign1 {
    protected_raw: Vec<u8>,
    protected: Headers,
    unprotected: Headers,
    payload: Vec<u8>,
    signature: Vec<u8>,
    tagging: Tagging,
}

impl core::fmt::Debug for CoseSign1 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The payload is personal data: lengths only.
        f.debug_struct("CoseSign1")
            .field("protected", &self.protected)
            .field("unprotected", &self.unprotected)
            .field("payload_len", &self.payload.len())
            .field("signature_len", &self.signature.len())
            .field("tagging", &self.tagging)
            .finish()
    }
}

impl CoseSign1 {
    /// Decode a COSE_Sign1 from CBOR bytes (tag 18, untagged, or inside tag 61).
    ///
    /// # Errors
    /// [`DccError::Cbor`] when the bytes are not one CBOR item within `max_depth`,
    /// [`DccError::Cose`] when the item is not a COSE_Sign1.
    pub fn from_cbor(bytes: &[u8], max_depth: usize) -> Result<Self> {
        let value = cbor::decode_one(bytes, max_depth)?;
        let (tagging, inner) = match value {
            Value::Tag(TAG_CWT, inner) => match *inner {
                Value::Tag(TAG_COSE_SIGN1, arr) => (Tagging::Cwt, *arr),
                Value::Tag(_, _) => return Err(DccError::Cose("unexpected tag inside tag 61")),
                other => (Tagging::Cwt, other),
            },
            Value::Tag(TAG_COSE_SIGN1, arr) => (Tagging::Sign1, *arr),
            Value::Tag(_, _) => return Err(DccError::Cose("not tag 18 (COSE_Sign1) or 61 (CWT)")),
            other => (Tagging::Untagged, other),
        };
        let Value::Array(items) = inner else {
            return Err(DccError::Cose("not an array"));
        };
        let [protected, unprotected, payload, signature] = <[Value; 4]>::try_from(items)
            .map_err(|_| DccError::Cose("not an array of four elements"))?;
        let Value::Bytes(protected_raw) = protected else {
            return Err(DccError::Cose("protected header is not a byte string"));
        };
        let protected = if protected_raw.is_empty() {
            Headers::default()
        } else {
            Headers::from_map(&cbor::decode_one(&protected_raw, max_depth)?)?
        };
        let unprotected = Headers::from_map(&unprotected)?;
        let Value::Bytes(payload) = payload else {
            return Err(DccError::Cose("payload is not a byte string"));
        };
        let Value::Bytes(signature) = signature else {
            return Err(DccError::Cose("signature is not a byte string"));
        };
        Ok(Self {
            protected_raw,
            protected,
            unprotected,
            payload,
            signature,
            tagging,
        })
    }

    /// Assemble a COSE_Sign1 from its parts (used when issuing).
    pub(crate) fn from_parts(
        protected: Headers,
        payload: Vec<u8>,
        signature: Vec<u8>,
    ) -> Result<Self> {
        Ok(Self {
            protected_raw: cbor::encode(&protected.to_map()),
            protected,
            unprotected: Headers::default(),
            payload,
            signature,
            tagging: Tagging::Sign1,
        })
    }

    /// The `Sig_structure` to sign for `protected` and `payload` (RFC 9052 §4.4).
    pub(crate) fn sig_structure_for(protected_raw: &[u8], payload: &[u8]) -> Result<Vec<u8>> {
        // [ "Signature1", protected, h'', payload ] written in one buffer.
        let mut out = Vec::with_capacity(protected_raw.len() + payload.len() + 24);
        out.push(0x84);
        cbor::write_text(&mut out, "Signature1");
        cbor::write_bytes(&mut out, protected_raw);
        cbor::write_bytes(&mut out, &[]);
        cbor::write_bytes(&mut out, payload);
        Ok(out)
    }

    /// The to-be-signed bytes: `Sig_structure` over the received protected header and payload.
    ///
    /// # Errors
    /// [`DccError::Cbor`] if encoding fails (it does not for byte strings).
    pub fn sig_structure(&self) -> Result<Vec<u8>> {
        Self::sig_structure_for(&self.protected_raw, &self.payload)
    }

    /// Encode as tagged (18) COSE_Sign1.
    ///
    /// # Errors
    /// [`DccError::Cbor`] if encoding fails.
    pub fn to_cbor(&self) -> Result<Vec<u8>> {
        Ok(cbor::encode(&Value::Tag(
            TAG_COSE_SIGN1,
            Box::new(Value::Array(vec![
                Value::Bytes(self.protected_raw.clone()),
                self.unprotected.to_map(),
                Value::Bytes(self.payload.clone()),
                Value::Bytes(self.signature.clone()),
            ])),
        )))
    }

    /// The key identifier: from the protected header, else from the unprotected one.
    pub fn kid(&self) -> Option<&[u8]> {
        self.protected
            .kid
            .as_deref()
            .or(self.unprotected.kid.as_deref())
    }

    /// The `alg` value: protected header first, then unprotected.
    pub fn alg(&self) -> Option<i64> {
        self.protected.alg.or(self.unprotected.alg)
    }

    /// The protected header as decoded.
    pub fn protected(&self) -> &Headers {
        &self.protected
    }

    /// The unprotected header.
    pub fn unprotected(&self) -> &Headers {
        &self.unprotected
    }

    /// The protected header bytes as received.
    pub fn protected_bytes(&self) -> &[u8] {
        &self.protected_raw
    }

    /// The payload bytes (the CWT claims set).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// How it was tagged.
    pub fn tagging(&self) -> Tagging {
        self.tagging
    }
}
