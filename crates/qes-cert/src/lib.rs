//! # qes-cert — qualified certificates
//!
//! Parse X.509 certificates (RFC 5280) the way real signature verifiers meet them, read their
//! qualified profile (ETSI EN 319 412-1/-2/-3/-5) and holder identity (including the Romanian
//! CNP), lint them, and validate certification paths (RFC 5280 §6) with CRL and OCSP checking.
//!
//! Time is always an argument: nothing in this crate reads the clock.
//!
//! ```
//! use chrono::Duration;
//! use qes_cert::{
//!     identity, lint, parse_der, Crl, ParseMode, PathValidator, QualifiedSummary,
//!     QscdDeclaration, RevocationPolicy, ValidationOptions,
//! };
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A throw-away qualified PKI (qes-testkit): root → qualified CA → natural person.
//! let pki = qes_testkit::TestPki::shared();
//! let holder = parse_der(pki.natural_person().cert_der(), ParseMode::Strict)?;
//!
//! // The qualified profile (EN 319 412-5) and the holder (EN 319 412-2, Romanian CNP).
//! let summary = QualifiedSummary::of(&holder)?;
//! assert!(summary.is_eu_qualified());
//! assert_eq!(summary.qscd.value, QscdDeclaration::Declared);
//! let cnp = identity(&holder)?.cnp().copied().ok_or("no CNP")?;
//! assert_eq!(cnp.birth_date(), chrono::NaiveDate::from_ymd_opt(1985, 3, 15));
//! assert!(lint(&holder).errors().next().is_none());
//!
//! // RFC 5280 path validation at a given time, revocation required.
//! let at = pki.epoch() + Duration::days(30);
//! let root = parse_der(pki.root().cert_der(), ParseMode::Strict)?;
//! let ca = parse_der(pki.qualified_ca().cert_der(), ParseMode::Strict)?;
//! let mut crls = Vec::new();
//! for issuer in [pki.root(), pki.qualified_ca()] {
//!     let der = pki.crl(issuer, &[], at - Duration::days(1), at + Duration::days(6))?;
//!     crls.push(Crl::from_der(&der)?);
//! }
//! let options =
//!     ValidationOptions::new(at).with_crls(crls).with_revocation(RevocationPolicy::Require);
//! let (anchors, intermediates) = ([root], [ca]);
//! let path = PathValidator::new(&anchors).with_intermediates(&intermediates).validate(&holder, &options)?;
//! assert_eq!(path.certificates().len(), 2); // holder and qualified CA, under the root anchor
//! # Ok(())
//! # }
//! ```
#![cfg_attr(not(test), warn(missing_docs))]

mod certificate;
mod cnp;
mod codes;
mod crl;
mod error;
mod identity;
mod input;
mod lint;
mod name;
mod ocsp;
mod oids;
mod path;
mod policy;
mod qc_statements;
mod sigverify;
mod strictness;
mod summary;
mod time;

pub use certificate::{Certificate, ParseMode, MAX_CERTIFICATE_LEN};
pub use cnp::{cnp_control_digit, county_name, Cnp, CnpError, Cui, CuiError, Residency, Sex};
/// Object identifiers (policy OIDs for [`ValidationOptions::with_initial_policies`], …).
pub use const_oid::ObjectIdentifier;
pub use crl::{
    Crl, RevocationReason, RevocationStatus, UndeterminedReason, MAX_CERTIFICATE_ISSUER_NAMES,
    MAX_CRL_LEN,
};
pub use error::{Error, Result};
pub use identity::{
    identity, HolderIdentity, IdentifierScheme, PersonEvidence, PersonKind, RomanianId,
    SemanticsIdentifier,
};
pub use input::{parse_any, parse_der, parse_p7b, parse_pem, parse_pem_bundle, Limits};
pub use lint::{
    lint, lint_with_profile, Finding, LintProfile, LintReport, ProfileQualification, Severity,
    WebValidation,
};
pub use name::format_dn;
pub use ocsp::{
    OcspCertStatus, OcspCheckOptions, OcspError, OcspResponse, OcspVerdict, ResponderKind,
    ResponderStatus, ResponseStatus, SingleResponse, MAX_OCSP_CERTS, MAX_OCSP_RESPONSE_LEN,
};
pub use path::{
    AnyPolicy, Budget, ExplicitPolicy, PathEntry, PathError, PathErrorKind, PathSummary,
    PathValidator, PolicyMapping, RevocationPolicy, ValidatedPath, ValidationOptions, ANY_POLICY,
    DEFAULT_MAX_DEPTH,
};
pub use policy::{
    CertificatePolicy, ExtendedKeyUsageSet, KeyPurpose, KeyUsageBit, KeyUsageSet, Policies,
};
pub use qc_statements::{
    Currency, MonetaryValue, PdsLocation, Psd2Attributes, PspRole, QcStatement, QcStatements,
    QcType, SemanticsId, SemanticsInformation, MAX_QC_STATEMENTS,
};
pub use sigverify::{
    verify_signature, AlgorithmPolicy, DsaPolicy, Sha1Policy, SignatureError, MAX_DSA_BITS,
    MAX_RSA_BITS,
};
pub use strictness::{DerDeviation, DerLocation, DerRule};
pub use summary::{
    Answer, Conflict, Evidence, Purpose, QscdDeclaration, Qualification, QualifiedSummary,
};
pub use time::{parse_generalized_time, parse_utc_time, TimeError, TimeRules};
