#![doc = include_str!("../README.md")]
//!
//! # Profiles
//!
//! | certificate | profile |
//! |---|---|
//! | [`TestPki::root`] | RFC 5280 self-signed CA |
//! | [`TestPki::qualified_ca`] | RFC 5280 subordinate CA, pathLen 0 |
//! | [`TestPki::natural_person`] | ETSI EN 319 412-2 + EN 319 412-5, QCP-n-qscd, semantics natural `PNORO-` |
//! | [`TestPki::legal_person`] | ETSI EN 319 412-3 + EN 319 412-5, QCP-l-qscd, semantics legal `VATRO-` |
//! | [`TestPki::tsa`] | RFC 3161 §2.3 TSA |
//! | [`TestPki::ocsp_responder`] | RFC 6960 §4.2.2.2 delegated responder |
//! | [`TestPki::dcc_signer`] | EU DCC document signer (eHN Vol. 1 §5.1.1) |
//!
//! Interop tests find external tools through [`interop`].

mod cert;
mod crl;
pub mod csc;
mod error;
pub mod interop;
mod key;
pub mod oid;
pub mod pdf;
mod pkcs12;
mod pki;
mod profile;
pub mod qc;
pub mod servers;
pub mod softhsm;

pub use cert::Issued;
pub use crl::Revoked;
pub use error::{Error, Result};
pub use key::{KeyAlgorithm, KeyPair};
pub use pki::{default_epoch, TestPki, TestPkiBuilder};
pub use profile::{DccType, EndEntity};
pub use x509_cert::ext::pkix::CrlReason;

/// The CNP of the standard natural person (valid control digit; born 1985-03-15,
/// Bucharest county code 40).
pub const NATURAL_PERSON_CNP: &str = "1850315400010";
/// The standard natural person's given name (UTF-8, Romanian comma-below Ș).
pub const NATURAL_PERSON_GIVEN_NAME: &str = "Ștefan";
/// The standard natural person's surname (UTF-8, Romanian ă).
pub const NATURAL_PERSON_SURNAME: &str = "Mărgărit";
/// The standard natural person's subject `serialNumber` (EN 319 412-1 §5.1.3).
pub const NATURAL_PERSON_SERIAL_NUMBER: &str = "PNORO-1850315400010";
/// The standard natural person's email (subjectAltName `rfc822Name`).
pub const NATURAL_PERSON_EMAIL: &str = "stefan.margarit@example.com";

/// The CUI of the standard legal person (valid control digit).
pub const LEGAL_PERSON_CUI: &str = "18615742";
/// The standard legal person's `organizationName`.
pub const LEGAL_PERSON_ORGANIZATION: &str = "Exemplu Țesătorie SRL";
/// The standard legal person's `organizationIdentifier` (EN 319 412-1 §5.1.4).
pub const LEGAL_PERSON_ORGANIZATION_IDENTIFIER: &str = "VATRO-18615742";

/// The test TSP's organization name (in the CA, TSA and OCSP subjects).
pub const TSP_ORGANIZATION: &str = "QES Testkit Trust Services SRL";
/// The test TSP's CUI (valid control digit); its `organizationIdentifier` is `VATRO-<this>`.
pub const TSP_CUI: &str = "30145674";
/// Root CA common name.
pub const ROOT_CN: &str = "QES Testkit Root CA";
/// Qualified CA common name.
pub const QUALIFIED_CA_CN: &str = "QES Testkit Qualified CA";
/// TSA common name.
pub const TSA_CN: &str = "QES Testkit TSA";
/// OCSP responder common name.
pub const OCSP_RESPONDER_CN: &str = "QES Testkit OCSP Responder";

/// Label (file stem) of the root CA.
pub const ROOT_LABEL: &str = "root-ca";
/// Label (file stem) of the qualified CA.
pub const QUALIFIED_CA_LABEL: &str = "qualified-ca";

/// OCSP URL in the AIA of certificates issued by the qualified CA.
pub const OCSP_URL: &str = "http://ocsp.qes-testkit.example.com/qualified-ca";
/// caIssuers URL (the qualified CA certificate) in end-entity AIAs.
pub const CA_ISSUERS_URL: &str = "http://pki.qes-testkit.example.com/qualified-ca.crt";
/// CRL distribution point of certificates issued by the qualified CA.
pub const CRL_URL: &str = "http://pki.qes-testkit.example.com/qualified-ca.crl";
/// caIssuers URL (the root certificate) in the qualified CA's AIA.
pub const ROOT_CA_ISSUERS_URL: &str = "http://pki.qes-testkit.example.com/root-ca.crt";
/// CRL distribution point of the qualified CA certificate (the root's CRL).
pub const ROOT_CRL_URL: &str = "http://pki.qes-testkit.example.com/root-ca.crl";
/// PKI disclosure statement, English (QcPDS, EN 319 412-5 §4.3.4).
pub const PDS_URL_EN: &str = "https://pki.qes-testkit.example.com/pds/en.pdf";
/// PKI disclosure statement, Romanian.
pub const PDS_URL_RO: &str = "https://pki.qes-testkit.example.com/pds/ro.pdf";

/// Password of the `.p12` files [`TestPki::write_to`] writes.
pub const PKCS12_PASSWORD: &str = "qes-testkit";
