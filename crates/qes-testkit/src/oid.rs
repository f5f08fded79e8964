//! Object identifiers used by the testkit profiles, with the clause that defines each.

use const_oid::ObjectIdentifier as Oid;

/// `id-at-organizationIdentifier` (X.520, 2.5.4.97), used by ETSI EN 319 412-1 §5.1.4.
pub const AT_ORGANIZATION_IDENTIFIER: Oid = Oid::new_unwrap("2.5.4.97");
/// `id-at-countryName` (X.520, 2.5.4.6).
pub const AT_COUNTRY_NAME: Oid = Oid::new_unwrap("2.5.4.6");
/// `id-at-organizationName` (X.520, 2.5.4.10).
pub const AT_ORGANIZATION_NAME: Oid = Oid::new_unwrap("2.5.4.10");
/// `id-at-commonName` (X.520, 2.5.4.3).
pub const AT_COMMON_NAME: Oid = Oid::new_unwrap("2.5.4.3");
/// `id-at-givenName` (X.520, 2.5.4.42).
pub const AT_GIVEN_NAME: Oid = Oid::new_unwrap("2.5.4.42");
/// `id-at-surname` (X.520, 2.5.4.4).
pub const AT_SURNAME: Oid = Oid::new_unwrap("2.5.4.4");
/// `id-at-serialNumber` (X.520, 2.5.4.5), carries the ETSI EN 319 412-1 §5.1.3 identifier.
pub const AT_SERIAL_NUMBER: Oid = Oid::new_unwrap("2.5.4.5");

/// `id-etsi-qcs-QcCompliance` (ETSI EN 319 412-5 §4.2.1).
pub const QCS_QC_COMPLIANCE: Oid = Oid::new_unwrap("0.4.0.1862.1.1");
/// `id-etsi-qcs-QcSSCD` (ETSI EN 319 412-5 §4.2.2).
pub const QCS_QC_SSCD: Oid = Oid::new_unwrap("0.4.0.1862.1.4");
/// `id-etsi-qcs-QcPDS` (ETSI EN 319 412-5 §4.3.4).
pub const QCS_QC_PDS: Oid = Oid::new_unwrap("0.4.0.1862.1.5");
/// `id-etsi-qcs-QcType` (ETSI EN 319 412-5 §4.2.3).
pub const QCS_QC_TYPE: Oid = Oid::new_unwrap("0.4.0.1862.1.6");
/// `id-etsi-qct-esign` (ETSI EN 319 412-5 §4.2.3).
pub const QCT_ESIGN: Oid = Oid::new_unwrap("0.4.0.1862.1.6.1");
/// `id-etsi-qct-eseal` (ETSI EN 319 412-5 §4.2.3).
pub const QCT_ESEAL: Oid = Oid::new_unwrap("0.4.0.1862.1.6.2");
/// `id-etsi-qct-web` (ETSI EN 319 412-5 §4.2.3).
pub const QCT_WEB: Oid = Oid::new_unwrap("0.4.0.1862.1.6.3");
/// `id-qcs-pkixQCSyntax-v2` (RFC 3739 §3.2.6.1).
pub const QCS_PKIX_QC_SYNTAX_V2: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.11.2");
/// `id-etsi-qcs-semanticsId-Natural` (ETSI EN 319 412-1 §5.1.3).
pub const SEMANTICS_ID_NATURAL: Oid = Oid::new_unwrap("0.4.0.194121.1.1");
/// `id-etsi-qcs-semanticsId-Legal` (ETSI EN 319 412-1 §5.1.4).
pub const SEMANTICS_ID_LEGAL: Oid = Oid::new_unwrap("0.4.0.194121.1.2");
/// `id-qcStatements` extension (RFC 3739 §3.2.6).
pub const PE_QC_STATEMENTS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.3");

/// `QCP-n` (ETSI EN 319 411-2 §5.3).
pub const QCP_N: Oid = Oid::new_unwrap("0.4.0.194112.1.0");
/// `QCP-l` (ETSI EN 319 411-2 §5.3).
pub const QCP_L: Oid = Oid::new_unwrap("0.4.0.194112.1.1");
/// `QCP-n-qscd` (ETSI EN 319 411-2 §5.3).
pub const QCP_N_QSCD: Oid = Oid::new_unwrap("0.4.0.194112.1.2");
/// `QCP-l-qscd` (ETSI EN 319 411-2 §5.3).
pub const QCP_L_QSCD: Oid = Oid::new_unwrap("0.4.0.194112.1.3");
/// `anyPolicy` (RFC 5280 §4.2.1.4).
pub const ANY_POLICY: Oid = Oid::new_unwrap("2.5.29.32.0");
/// The testkit TSP's own certificate policy, under IANA's enterprise number 32473 reserved
/// for documentation (RFC 5612): never a real policy.
pub const TESTKIT_TSP_POLICY: Oid = Oid::new_unwrap("1.3.6.1.4.1.32473.1.1");

/// `id-kp-timeStamping` (RFC 5280 §4.2.1.12).
pub const KP_TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");
/// `id-kp-OCSPSigning` (RFC 5280 §4.2.1.12).
pub const KP_OCSP_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.9");
/// `id-pkix-ocsp-nocheck` (RFC 6960 §4.2.2.2.1).
pub const PKIX_OCSP_NOCHECK: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.5");
/// `id-ad-ocsp` (RFC 5280 §4.2.2.1).
pub const AD_OCSP: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1");
/// `id-ad-caIssuers` (RFC 5280 §4.2.2.1).
pub const AD_CA_ISSUERS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.2");

/// EU DCC document signer for test certificates (eHealth Network, "Technical Specifications
/// for EU Digital COVID Certificates" Volume 1, §5.1.1).
pub const DCC_EKU_TEST: Oid = Oid::new_unwrap("1.3.6.1.4.1.1847.2021.1.1");
/// EU DCC document signer for vaccination certificates (same clause).
pub const DCC_EKU_VACCINATION: Oid = Oid::new_unwrap("1.3.6.1.4.1.1847.2021.1.2");
/// EU DCC document signer for recovery certificates (same clause).
pub const DCC_EKU_RECOVERY: Oid = Oid::new_unwrap("1.3.6.1.4.1.1847.2021.1.3");

/// `sha256WithRSAEncryption` (RFC 4055 §5).
pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
/// `ecdsa-with-SHA256` (RFC 5758 §3.2).
pub const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
/// `ecdsa-with-SHA384` (RFC 5758 §3.2).
pub const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
