//! # qes-dcc — EU Digital COVID Certificate (HCERT)
//!
//! Decode, verify and issue the signed payload of an EU DCC QR code:
//!
//! ```text
//! "HC1:" + Base45( zlib( COSE_Sign1( CWT { iss, iat, exp, hcert: { 1: payload } } ) ) )
//! ```
//!
//! | step | standard |
//! |---|---|
//! | [`base45`] | RFC 9285 |
//! | [`zlib`] (inflate with a hard cap) | RFC 1950 |
//! | [`CoseSign1`] (tag 18, untagged, inside CWT tag 61), ES256 raw `r‖s`, PS256 | RFC 9052, RFC 9053, RFC 8230 |
//! | [`Claims`] | RFC 8392, HCERT §2.6 |
//! | [`HealthCertificate`] against the JSON schema of its `ver` ([`Schema`]) | eHealth Network DCC schema 1.0.0–1.3.3 |
//! | [`Rules`], [`ValueSets`] | national business rules, eHealth Network value sets |
//!
//! Verification takes the trust list and the time as arguments and returns a [`Report`] with
//! every [`Step`] so a scanner can say exactly why it refuses. Nothing here reads the clock or
//! writes the payload anywhere; `Debug` of personal data is redacted.
#![doc = include_str!("../README.md")]

pub mod base45;
mod cbor;
mod cose;
mod cwt;
mod error;
mod issue;
mod json;
mod payload;
pub mod portal;
pub mod qr;
mod rules;
mod schema;
mod time;
mod trust;
pub mod uvci;
mod valuesets;
mod verify;
pub mod zlib;

pub use cose::{
    CoseAlgorithm, CoseSign1, Headers, Tagging, HEADER_ALG, HEADER_KID, TAG_COSE_SIGN1, TAG_CWT,
};
pub use cwt::{Claims, CLAIM_EXP, CLAIM_HCERT, CLAIM_IAT, CLAIM_ISS, HCERT_EU_DCC_V1};
pub use error::{DccError, Result};
pub use issue::{CertificateBuilder, IssuedCertificate};
pub use payload::{
    CertificateType, Entry, HealthCertificate, PersonName, Recovery, Test, Vaccination,
};
pub use rules::{Rules, ValueSetPolicy, COVID_19, RESULT_NOT_DETECTED, TEST_NAAT, TEST_RAT};
pub use schema::Schema;
pub use time::{parse_date, parse_datetime};
pub use trust::{kid_of, Dsc, TrustList, DCC_KEY_USAGES, MAX_TRUST_LIST_LEN};
pub use valuesets::{ValueSet, ValueSets};
pub use verify::{
    check_expiry, check_key_usage, check_schema, decode, strip_prefix, verify_cose_signature,
    Decoded, DscValidityPolicy, Limits, Outcome, Report, Step, Verifier, PREFIX,
};
