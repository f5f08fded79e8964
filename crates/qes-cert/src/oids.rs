//! Object identifiers this crate's profile, identity and lint code refers to, by standard.

use const_oid::ObjectIdentifier as Oid;

const fn oid(s: &str) -> Oid {
    Oid::new_unwrap(s)
}

// RFC 5280 §4.2 certificate extensions.
pub(crate) const EXT_SUBJECT_KEY_IDENTIFIER: Oid = oid("2.5.29.14");
pub(crate) const EXT_KEY_USAGE: Oid = oid("2.5.29.15");
pub(crate) const EXT_SUBJECT_ALT_NAME: Oid = oid("2.5.29.17");
pub(crate) const EXT_ISSUER_ALT_NAME: Oid = oid("2.5.29.18");
pub(crate) const EXT_BASIC_CONSTRAINTS: Oid = oid("2.5.29.19");
pub(crate) const EXT_NAME_CONSTRAINTS: Oid = oid("2.5.29.30");
pub(crate) const EXT_CRL_DISTRIBUTION_POINTS: Oid = oid("2.5.29.31");
pub(crate) const EXT_CERTIFICATE_POLICIES: Oid = oid("2.5.29.32");
pub(crate) const EXT_POLICY_MAPPINGS: Oid = oid("2.5.29.33");
pub(crate) const EXT_AUTHORITY_KEY_IDENTIFIER: Oid = oid("2.5.29.35");
pub(crate) const EXT_POLICY_CONSTRAINTS: Oid = oid("2.5.29.36");
pub(crate) const EXT_EXTENDED_KEY_USAGE: Oid = oid("2.5.29.37");
pub(crate) const EXT_INHIBIT_ANY_POLICY: Oid = oid("2.5.29.54");
pub(crate) const EXT_AUTHORITY_INFO_ACCESS: Oid = oid("1.3.6.1.5.5.7.1.1");
pub(crate) const EXT_QC_STATEMENTS: Oid = oid("1.3.6.1.5.5.7.1.3");
/// RFC 6962 §3.1 precertificate poison.
pub(crate) const EXT_CT_POISON: Oid = oid("1.3.6.1.4.1.11129.2.4.3");

// RFC 5280 §4.2.2.1 access methods.
pub(crate) const AD_OCSP: Oid = oid("1.3.6.1.5.5.7.48.1");
pub(crate) const AD_CA_ISSUERS: Oid = oid("1.3.6.1.5.5.7.48.2");

// X.520 / PKCS#9 attribute types.
pub(crate) const AT_COMMON_NAME: Oid = oid("2.5.4.3");
pub(crate) const AT_SURNAME: Oid = oid("2.5.4.4");
pub(crate) const AT_SERIAL_NUMBER: Oid = oid("2.5.4.5");
pub(crate) const AT_COUNTRY: Oid = oid("2.5.4.6");
pub(crate) const AT_LOCALITY: Oid = oid("2.5.4.7");
pub(crate) const AT_STATE: Oid = oid("2.5.4.8");
pub(crate) const AT_ORGANIZATION: Oid = oid("2.5.4.10");
pub(crate) const AT_ORGANIZATIONAL_UNIT: Oid = oid("2.5.4.11");
pub(crate) const AT_TITLE: Oid = oid("2.5.4.12");
pub(crate) const AT_GIVEN_NAME: Oid = oid("2.5.4.42");
pub(crate) const AT_PSEUDONYM: Oid = oid("2.5.4.65");
pub(crate) const AT_ORGANIZATION_IDENTIFIER: Oid = oid("2.5.4.97");
pub(crate) const AT_EMAIL: Oid = oid("1.2.840.113549.1.9.1");

// ETSI EN 319 412-5 §5 QC statements.
pub(crate) const QCS_COMPLIANCE: Oid = oid("0.4.0.1862.1.1");
pub(crate) const QCS_LIMIT_VALUE: Oid = oid("0.4.0.1862.1.2");
pub(crate) const QCS_RETENTION_PERIOD: Oid = oid("0.4.0.1862.1.3");
pub(crate) const QCS_SSCD: Oid = oid("0.4.0.1862.1.4");
pub(crate) const QCS_PDS: Oid = oid("0.4.0.1862.1.5");
pub(crate) const QCS_TYPE: Oid = oid("0.4.0.1862.1.6");
pub(crate) const QCS_CC_LEGISLATION: Oid = oid("0.4.0.1862.1.7");
pub(crate) const QCT_ESIGN: Oid = oid("0.4.0.1862.1.6.1");
pub(crate) const QCT_ESEAL: Oid = oid("0.4.0.1862.1.6.2");
pub(crate) const QCT_WEB: Oid = oid("0.4.0.1862.1.6.3");
// RFC 3739 §3.2.6 QC statements.
pub(crate) const QCS_PKIX_SYNTAX_V1: Oid = oid("1.3.6.1.5.5.7.11.1");
pub(crate) const QCS_PKIX_SYNTAX_V2: Oid = oid("1.3.6.1.5.5.7.11.2");
// ETSI EN 319 412-1 §5.1 semantics identifiers.
pub(crate) const SEMANTICS_NATURAL: Oid = oid("0.4.0.194121.1.1");
pub(crate) const SEMANTICS_LEGAL: Oid = oid("0.4.0.194121.1.2");
pub(crate) const SEMANTICS_EIDAS_NATURAL: Oid = oid("0.4.0.194121.1.3");
pub(crate) const SEMANTICS_EIDAS_LEGAL: Oid = oid("0.4.0.194121.1.4");
// ETSI TS 119 495 PSD2 statement.
pub(crate) const QCS_PSD2: Oid = oid("0.4.0.19495.2");

// ETSI EN 319 411-2 §5.3 qualified policies.
pub(crate) const POLICY_QCP_N: Oid = oid("0.4.0.194112.1.0");
pub(crate) const POLICY_QCP_L: Oid = oid("0.4.0.194112.1.1");
pub(crate) const POLICY_QCP_N_QSCD: Oid = oid("0.4.0.194112.1.2");
pub(crate) const POLICY_QCP_L_QSCD: Oid = oid("0.4.0.194112.1.3");
pub(crate) const POLICY_QCP_W: Oid = oid("0.4.0.194112.1.4");
pub(crate) const POLICY_QNCP_W: Oid = oid("0.4.0.194112.1.5");
pub(crate) const POLICY_QNCP_W_GEN: Oid = oid("0.4.0.194112.1.6");
// ETSI TS 119 495 §6.1 QCP-w-psd2.
pub(crate) const POLICY_QCP_W_PSD2: Oid = oid("0.4.0.19495.3.1");
// ETSI EN 319 411-1 §5.3 policies.
pub(crate) const POLICY_EVCP: Oid = oid("0.4.0.2042.1.4");
pub(crate) const POLICY_NCP: Oid = oid("0.4.0.2042.1.1");
pub(crate) const POLICY_NCP_PLUS: Oid = oid("0.4.0.2042.1.2");
pub(crate) const POLICY_LCP: Oid = oid("0.4.0.2042.1.3");
pub(crate) const POLICY_DVCP: Oid = oid("0.4.0.2042.1.6");
pub(crate) const POLICY_OVCP: Oid = oid("0.4.0.2042.1.7");
pub(crate) const POLICY_IVCP: Oid = oid("0.4.0.2042.1.8");
// CA/Browser Forum reserved policies.
pub(crate) const POLICY_CABF_EV: Oid = oid("2.23.140.1.1");
pub(crate) const POLICY_CABF_DV: Oid = oid("2.23.140.1.2.1");
pub(crate) const POLICY_CABF_OV: Oid = oid("2.23.140.1.2.2");
pub(crate) const POLICY_CABF_IV: Oid = oid("2.23.140.1.2.3");
pub(crate) const POLICY_ANY: Oid = oid("2.5.29.32.0");

// RFC 5280 §4.2.1.12 and others: extended key purposes.
pub(crate) const KP_SERVER_AUTH: Oid = oid("1.3.6.1.5.5.7.3.1");
pub(crate) const KP_CLIENT_AUTH: Oid = oid("1.3.6.1.5.5.7.3.2");
pub(crate) const KP_CODE_SIGNING: Oid = oid("1.3.6.1.5.5.7.3.3");
pub(crate) const KP_EMAIL_PROTECTION: Oid = oid("1.3.6.1.5.5.7.3.4");
pub(crate) const KP_TIME_STAMPING: Oid = oid("1.3.6.1.5.5.7.3.8");
pub(crate) const KP_OCSP_SIGNING: Oid = oid("1.3.6.1.5.5.7.3.9");
pub(crate) const KP_ANY: Oid = oid("2.5.29.37.0");
pub(crate) const KP_DOCUMENT_SIGNING: Oid = oid("1.3.6.1.4.1.311.10.3.12");
pub(crate) const KP_ADOBE_AUTHENTIC_DOCUMENTS: Oid = oid("1.2.840.113583.1.1.5");

/// `serde` helper: an OID as its dotted string.
pub(crate) fn serialize_oid<S: serde::Serializer>(oid: &Oid, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(oid)
}

/// `serde` helper: a list of OIDs as dotted strings.
pub(crate) fn serialize_oids<S: serde::Serializer>(oids: &[Oid], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(oids.iter().map(ToString::to_string))
}

/// `serde` helper: optional raw bytes as lower-case hexadecimal.
pub(crate) fn serialize_hex_opt<S: serde::Serializer>(
    bytes: &Option<Vec<u8>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match bytes {
        Some(b) => s.collect_str(&format_args!(
            "{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        )),
        None => s.serialize_none(),
    }
}
