//! QcStatements (RFC 3739 §3.2.6, ETSI EN 319 412-5 §4), encoded with `der` derive.
//!
//! `x509-cert` has no type for them; `qes-cert` has its own parser, and this module only
//! writes them.

use const_oid::ObjectIdentifier;
use der::asn1::{Ia5String, PrintableString};
use der::{Any, Encode, Sequence};

use crate::error::Result;
use crate::oid;

/// One statement of the `qcStatements` extension.
///
/// ```text
/// QCStatement ::= SEQUENCE {
///     statementId   QC-STATEMENT.&id({SupportedStatements}),
///     statementInfo QC-STATEMENT.&Type({SupportedStatements}{@statementId}) OPTIONAL }
/// QCStatements ::= SEQUENCE OF QCStatement
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct QcStatement {
    /// `statementId`.
    pub statement_id: ObjectIdentifier,
    /// `statementInfo`, DER of the statement-specific type.
    pub statement_info: Option<Any>,
}

/// A PKI Disclosure Statement location (ETSI EN 319 412-5 §4.3.4).
///
/// ```text
/// PdsLocation ::= SEQUENCE {
///     url      IA5String,
///     language PrintableString (SIZE(2)) }  -- ISO 639-1 language code
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct PdsLocation {
    /// `url` (the profile requires `https`).
    pub url: Ia5String,
    /// `language`, an ISO 639-1 code.
    pub language: PrintableString,
}

/// PKIX QC syntax v2 statement info (RFC 3739 §3.2.6.1), as used for the ETSI semantics
/// identifiers of EN 319 412-1 §5.1.
///
/// ```text
/// SemanticsInformation ::= SEQUENCE {
///     semanticsIdentifier        OBJECT IDENTIFIER OPTIONAL,
///     nameRegistrationAuthorities NameRegistrationAuthorities OPTIONAL }
/// ```
/// (`nameRegistrationAuthorities` is never written by the testkit.)
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SemanticsInformation {
    /// `semanticsIdentifier`.
    pub semantics_identifier: Option<ObjectIdentifier>,
}

/// The QcType a holder profile declares (ETSI EN 319 412-5 §4.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QcType {
    Esign,
    Eseal,
}

/// The statements of a qualified holder certificate: QcCompliance, QcSSCD, QcType, QcPDS
/// (English and Romanian) and the PKIX QCSyntax-v2 semantics identifier.
pub(crate) fn qualified_statements(
    qc_type: QcType,
    semantics: ObjectIdentifier,
) -> Result<Vec<QcStatement>> {
    let qc_type_oid = match qc_type {
        QcType::Esign => oid::QCT_ESIGN,
        QcType::Eseal => oid::QCT_ESEAL,
    };
    let pds = vec![
        PdsLocation {
            url: Ia5String::new(crate::PDS_URL_EN)?,
            language: PrintableString::new("en")?,
        },
        PdsLocation {
            url: Ia5String::new(crate::PDS_URL_RO)?,
            language: PrintableString::new("ro")?,
        },
    ];
    Ok(vec![
        QcStatement {
            statement_id: oid::QCS_PKIX_QC_SYNTAX_V2,
            statement_info: Some(Any::encode_from(&SemanticsInformation {
                semantics_identifier: Some(semantics),
            })?),
        },
        QcStatement {
            statement_id: oid::QCS_QC_COMPLIANCE,
            statement_info: None,
        },
        QcStatement {
            statement_id: oid::QCS_QC_SSCD,
            statement_info: None,
        },
        QcStatement {
            statement_id: oid::QCS_QC_TYPE,
            statement_info: Some(Any::encode_from(&vec![qc_type_oid])?),
        },
        QcStatement {
            statement_id: oid::QCS_QC_PDS,
            statement_info: Some(Any::encode_from(&pds)?),
        },
    ])
}

/// DER of `QCStatements`.
pub(crate) fn encode(statements: &Vec<QcStatement>) -> Result<Vec<u8>> {
    Ok(statements.to_der()?)
}
