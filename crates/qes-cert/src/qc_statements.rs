//! Qualified certificate statements: ETSI EN 319 412-5 and RFC 3739.
//!
//! ```text
//! -- RFC 3739 §3.2.6
//! QCStatements ::= SEQUENCE OF QCStatement
//! QCStatement ::= SEQUENCE {
//!     statementId   QC-STATEMENT.&id({SupportedStatements}),
//!     statementInfo QC-STATEMENT.&Type({SupportedStatements}{@statementId}) OPTIONAL }
//! ```
//!
//! Each statement is decoded on its own: a malformed one is kept as
//! [`QcStatement::Malformed`] (the lint reports it) instead of failing the whole certificate,
//! and an unknown one is kept raw as [`QcStatement::Unknown`].

use const_oid::ObjectIdentifier;
use der::asn1::{Any, Ia5String};
use der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};
use serde::Serialize;
use x509_cert::ext::pkix::name::GeneralName;

use crate::certificate::Certificate;
use crate::error::{Error, Result};
use crate::name::any_to_string;
use crate::oids;

/// Upper bound on the number of statements decoded from one extension.
pub const MAX_QC_STATEMENTS: usize = 64;

/// The decoded `qcStatements` extension (RFC 3739 §3.2.6, OID 1.3.6.1.5.5.7.1.3).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct QcStatements {
    /// Whether the extension is marked critical (EN 319 412-5 QCS-4.1-02 forbids it).
    pub critical: bool,
    /// The statements in certificate order.
    pub statements: Vec<QcStatement>,
}

/// One QC statement, typed where the statement is known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "statement", content = "info", rename_all = "snake_case")]
#[non_exhaustive]
pub enum QcStatement {
    /// `esi4-qcStatement-1`: issued as an EU qualified certificate (EN 319 412-5 §4.2.1).
    ///
    /// ```text
    /// id-etsi-qcs-QcCompliance OBJECT IDENTIFIER ::= { id-etsi-qcs 1 }   -- no statementInfo
    /// ```
    Compliance,
    /// `esi4-qcStatement-2`: transaction value limit (EN 319 412-5 §4.3.2).
    ///
    /// ```text
    /// id-etsi-qcs-QcLimitValue OBJECT IDENTIFIER ::= { id-etsi-qcs 2 }
    /// QcEuLimitValue ::= MonetaryValue
    /// MonetaryValue ::= SEQUENCE {
    ///     currency Iso4217CurrencyCode,
    ///     amount   INTEGER,
    ///     exponent INTEGER }                 -- value = amount * 10^exponent
    /// Iso4217CurrencyCode ::= CHOICE {
    ///     alphabetic PrintableString (SIZE (3)),   -- recommended
    ///     numeric    INTEGER (1..999) }
    /// ```
    LimitValue(MonetaryValue),
    /// `esi4-qcStatement-3`: retention period of registration information, in years after
    /// expiry (EN 319 412-5 §4.3.3).
    ///
    /// ```text
    /// id-etsi-qcs-QcRetentionPeriod OBJECT IDENTIFIER ::= { id-etsi-qcs 3 }
    /// QcEuRetentionPeriod ::= INTEGER
    /// ```
    RetentionPeriod {
        /// Years after the certificate's expiry.
        years: i64,
    },
    /// `esi4-qcStatement-4`: the private key resides in a QSCD (EN 319 412-5 §4.2.2).
    ///
    /// ```text
    /// id-etsi-qcs-QcSSCD OBJECT IDENTIFIER ::= { id-etsi-qcs 4 }   -- no statementInfo
    /// ```
    Sscd,
    /// `esi4-qcStatement-5`: PKI disclosure statements (EN 319 412-5 §4.3.4).
    ///
    /// ```text
    /// id-etsi-qcs-QcPDS OBJECT IDENTIFIER ::= { id-etsi-qcs 5 }
    /// QcEuPDS ::= PdsLocations
    /// PdsLocations ::= SEQUENCE SIZE (1..MAX) OF PdsLocation
    /// PdsLocation ::= SEQUENCE {
    ///     url      IA5String,
    ///     language PrintableString (SIZE(2)) }   -- ISO 639-1
    /// ```
    Pds(Vec<PdsLocation>),
    /// `esi4-qcStatement-6`: the certificate's purpose (EN 319 412-5 §4.2.3).
    ///
    /// ```text
    /// id-etsi-qcs-QcType OBJECT IDENTIFIER ::= { id-etsi-qcs 6 }
    /// QcType ::= SEQUENCE OF OBJECT IDENTIFIER (id-etsi-qct-esign | id-etsi-qct-eseal |
    ///                                           id-etsi-qct-web, ...)
    /// id-etsi-qct-esign OBJECT IDENTIFIER ::= { id-etsi-qcs-QcType 1 }
    /// id-etsi-qct-eseal OBJECT IDENTIFIER ::= { id-etsi-qcs-QcType 2 }
    /// id-etsi-qct-web   OBJECT IDENTIFIER ::= { id-etsi-qcs-QcType 3 }
    /// ```
    Type(Vec<QcType>),
    /// `esi4-qcStatement-7`: qualified under the legislation of these countries, not EU law
    /// (EN 319 412-5 §4.2.4).
    ///
    /// ```text
    /// id-etsi-qcs-QcCClegislation OBJECT IDENTIFIER ::= { id-etsi-qcs 7 }
    /// QcCClegislation ::= SEQUENCE OF CountryName
    /// CountryName ::= PrintableString (SIZE (2))   -- ISO 3166-1 alpha-2
    /// ```
    CcLegislation {
        /// ISO 3166-1 alpha-2 codes, as encoded.
        countries: Vec<String>,
    },
    /// RFC 3739 §3.2.6.1 `id-qcs-pkixQCSyntax-v2` with its semantics information; EN 319 412-1
    /// §5.1 defines the natural/legal person semantics identifiers.
    ///
    /// ```text
    /// id-qcs-pkixQCSyntax-v2 OBJECT IDENTIFIER ::= { id-qcs 2 }
    /// SemanticsInformation ::= SEQUENCE {
    ///     semanticsIdentifier        OBJECT IDENTIFIER OPTIONAL,
    ///     nameRegistrationAuthorities NameRegistrationAuthorities OPTIONAL }
    ///     (WITH COMPONENTS {..., semanticsIdentifier PRESENT} |
    ///      WITH COMPONENTS {..., nameRegistrationAuthorities PRESENT})
    /// NameRegistrationAuthorities ::= SEQUENCE SIZE (1..MAX) OF GeneralName
    /// id-etsi-qcs-semanticsId-Natural OBJECT IDENTIFIER ::= { 0 4 0 194121 1 1 }
    /// id-etsi-qcs-semanticsId-Legal   OBJECT IDENTIFIER ::= { 0 4 0 194121 1 2 }
    /// ```
    PkixSyntaxV2(SemanticsInformation),
    /// RFC 3739 `id-qcs-pkixQCSyntax-v1` (obsolete), same syntax as v2.
    PkixSyntaxV1(SemanticsInformation),
    /// ETSI TS 119 495 §5.1 PSD2 attributes (roles of the payment service provider, the
    /// competent authority).
    ///
    /// ```text
    /// id-etsi-psd2-qcStatement OBJECT IDENTIFIER ::= { 0 4 0 19495 2 }
    /// PSD2QcType ::= SEQUENCE {
    ///     rolesOfPSP RolesOfPSP,
    ///     nCAName    NCAName,
    ///     nCAId      NCAId }
    /// RolesOfPSP ::= SEQUENCE OF RoleOfPSP
    /// RoleOfPSP ::= SEQUENCE { roleOfPspOid RoleOfPspOid, roleOfPspName RoleOfPspName }
    /// RoleOfPspOid ::= OBJECT IDENTIFIER    -- id-psd2-role-psp-as { 0 4 0 19495 1 1 } ...
    /// RoleOfPspName ::= UTF8String (SIZE(256))
    /// NCAName ::= UTF8String (SIZE (256))
    /// NCAId ::= UTF8String (SIZE (256))
    /// ```
    Psd2(Psd2Attributes),
    /// A statement this crate does not interpret (e.g. the PSD2 statement of TS 119 495),
    /// kept raw.
    Unknown {
        /// `statementId`.
        #[serde(serialize_with = "crate::oids::serialize_oid")]
        id: ObjectIdentifier,
        /// `statementInfo` TLV as received, if present (serialized as hex).
        #[serde(serialize_with = "crate::oids::serialize_hex_opt")]
        info: Option<Vec<u8>>,
    },
    /// A known statement whose `statementInfo` does not decode, kept raw.
    Malformed {
        /// `statementId`.
        #[serde(serialize_with = "crate::oids::serialize_oid")]
        id: ObjectIdentifier,
        /// `statementInfo` TLV as received, if present (serialized as hex).
        #[serde(serialize_with = "crate::oids::serialize_hex_opt")]
        info: Option<Vec<u8>>,
        /// What the decoder objected to.
        reason: String,
    },
}

impl QcStatement {
    /// The `statementId` OID.
    pub fn id(&self) -> ObjectIdentifier {
        match self {
            Self::Compliance => oids::QCS_COMPLIANCE,
            Self::LimitValue(_) => oids::QCS_LIMIT_VALUE,
            Self::RetentionPeriod { .. } => oids::QCS_RETENTION_PERIOD,
            Self::Sscd => oids::QCS_SSCD,
            Self::Pds(_) => oids::QCS_PDS,
            Self::Type(_) => oids::QCS_TYPE,
            Self::CcLegislation { .. } => oids::QCS_CC_LEGISLATION,
            Self::PkixSyntaxV2(_) => oids::QCS_PKIX_SYNTAX_V2,
            Self::PkixSyntaxV1(_) => oids::QCS_PKIX_SYNTAX_V1,
            Self::Psd2(_) => oids::QCS_PSD2,
            Self::Unknown { id, .. } | Self::Malformed { id, .. } => *id,
        }
    }
}

/// `MonetaryValue` (EN 319 412-5 §4.3.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonetaryValue {
    /// ISO 4217 currency code.
    pub currency: Currency,
    /// Amount, scaled by `10^exponent`.
    pub amount: i64,
    /// Decimal exponent.
    pub exponent: i64,
}

/// `Iso4217CurrencyCode`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Currency {
    /// Alphabetic code (recommended), e.g. `EUR`, `RON`.
    Alphabetic(String),
    /// Numeric code, e.g. 978 for EUR.
    Numeric(i64),
}

/// `PdsLocation` (EN 319 412-5 §4.3.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PdsLocation {
    /// Where the PKI disclosure statement is published.
    pub url: String,
    /// ISO 639-1 language code of that statement.
    pub language: String,
}

/// One `QcType` purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QcType {
    /// `id-etsi-qct-esign`: electronic signature (natural person).
    Esign,
    /// `id-etsi-qct-eseal`: electronic seal (legal person).
    Eseal,
    /// `id-etsi-qct-web`: website authentication.
    Web,
    /// Another OID.
    Other(#[serde(serialize_with = "crate::oids::serialize_oid")] ObjectIdentifier),
}

impl QcType {
    fn from_oid(oid: ObjectIdentifier) -> Self {
        match oid {
            o if o == oids::QCT_ESIGN => Self::Esign,
            o if o == oids::QCT_ESEAL => Self::Eseal,
            o if o == oids::QCT_WEB => Self::Web,
            o => Self::Other(o),
        }
    }
}

/// `PSD2QcType` (TS 119 495 §5.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Psd2Attributes {
    /// `rolesOfPSP`.
    pub roles: Vec<PspRole>,
    /// `nCAName`: the competent authority's name.
    pub nca_name: String,
    /// `nCAId`: `CC-XXXX`, the competent authority's country and identifier.
    pub nca_id: String,
}

/// `RoleOfPSP`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PspRole {
    /// `roleOfPspOid`.
    #[serde(serialize_with = "crate::oids::serialize_oid")]
    pub oid: ObjectIdentifier,
    /// `roleOfPspName`, e.g. `PSP_AS`.
    pub name: String,
}

/// `SemanticsInformation` (RFC 3739 §3.2.6.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SemanticsInformation {
    /// `semanticsIdentifier`.
    pub identifier: Option<SemanticsId>,
    /// `nameRegistrationAuthorities`, when present: the URIs among them (other name forms
    /// are not kept, so the list may be empty although the field is present).
    pub name_registration_authority_uris: Option<Vec<String>>,
}

impl SemanticsInformation {
    /// Whether `nameRegistrationAuthorities` is present.
    pub fn has_name_registration_authorities(&self) -> bool {
        self.name_registration_authority_uris.is_some()
    }
}

/// A semantics identifier OID (EN 319 412-1 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SemanticsId {
    /// `id-etsi-qcs-semanticsId-Natural`: subject `serialNumber` per EN 319 412-1 §5.1.3.
    Natural,
    /// `id-etsi-qcs-semanticsId-Legal`: subject `organizationIdentifier` per §5.1.4.
    Legal,
    /// `id-etsi-qcs-semanticsId-eIDASNatural` (§5.1.5).
    EidasNatural,
    /// `id-etsi-qcs-semanticsId-eIDASLegal` (§5.1.6).
    EidasLegal,
    /// Another OID.
    Other(#[serde(serialize_with = "crate::oids::serialize_oid")] ObjectIdentifier),
}

impl SemanticsId {
    fn from_oid(oid: ObjectIdentifier) -> Self {
        match oid {
            o if o == oids::SEMANTICS_NATURAL => Self::Natural,
            o if o == oids::SEMANTICS_LEGAL => Self::Legal,
            o if o == oids::SEMANTICS_EIDAS_NATURAL => Self::EidasNatural,
            o if o == oids::SEMANTICS_EIDAS_LEGAL => Self::EidasLegal,
            o => Self::Other(o),
        }
    }
}

impl QcStatements {
    /// Read the certificate's `qcStatements` extension, if any.
    ///
    /// # Errors
    /// [`Error::DuplicateExtension`]; [`Error::Der`] when the outer `SEQUENCE OF QCStatement`
    /// does not decode (a single bad statement becomes [`QcStatement::Malformed`] instead);
    /// [`Error::TooMany`] above [`MAX_QC_STATEMENTS`].
    pub fn from_certificate(cert: &Certificate) -> Result<Option<Self>> {
        let Some(ext) = cert.extension_raw(oids::EXT_QC_STATEMENTS)? else {
            return Ok(None);
        };
        let mut parsed = Self::from_der(ext.extn_value.as_bytes())?;
        parsed.critical = ext.critical;
        Ok(Some(parsed))
    }

    /// Decode an extension value (`QCStatements`).
    ///
    /// # Errors
    /// [`Error::Der`] when the outer structure is malformed, [`Error::TooMany`] above
    /// [`MAX_QC_STATEMENTS`].
    pub fn from_der(bytes: &[u8]) -> Result<Self> {
        let der_err = |source| Error::Der {
            what: "qcStatements",
            source,
        };
        let raw: Vec<RawStatement> = Vec::from_der(bytes).map_err(der_err)?;
        if raw.len() > MAX_QC_STATEMENTS {
            return Err(Error::TooMany {
                what: "QC statements",
                limit: MAX_QC_STATEMENTS,
            });
        }
        let statements = raw.into_iter().map(RawStatement::interpret).collect();
        Ok(Self {
            critical: false,
            statements,
        })
    }

    /// Whether a well-formed statement with this id is present. A
    /// [`QcStatement::Malformed`] one never counts: e.g. a QcCompliance carrying a
    /// `statementInfo` (which EN 319 412-5 §4.2.1 forbids) claims nothing.
    pub fn contains(&self, id: ObjectIdentifier) -> bool {
        self.statements
            .iter()
            .any(|s| !matches!(s, QcStatement::Malformed { .. }) && s.id() == id)
    }

    /// Whether any statement with this id is present, malformed ones included.
    pub fn contains_any_form(&self, id: ObjectIdentifier) -> bool {
        self.statements.iter().any(|s| s.id() == id)
    }

    /// The statement ids that occur more than once, each listed once.
    pub fn duplicate_ids(&self) -> Vec<ObjectIdentifier> {
        let mut seen = Vec::new();
        let mut dups = Vec::new();
        for id in self.statements.iter().map(QcStatement::id) {
            if seen.contains(&id) {
                if !dups.contains(&id) {
                    dups.push(id);
                }
            } else {
                seen.push(id);
            }
        }
        dups
    }

    /// The QcType purposes, across all QcType statements.
    pub fn qc_types(&self) -> Vec<QcType> {
        self.statements
            .iter()
            .filter_map(|s| match s {
                QcStatement::Type(t) => Some(t.iter().copied()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// The semantics information of the PKIX QCSyntax-v2 statement, if any.
    pub fn semantics(&self) -> Option<&SemanticsInformation> {
        self.statements.iter().find_map(|s| match s {
            QcStatement::PkixSyntaxV2(info) => Some(info),
            _ => None,
        })
    }

    /// The QcCClegislation countries, if that statement is present.
    pub fn cc_legislation(&self) -> Option<&[String]> {
        self.statements.iter().find_map(|s| match s {
            QcStatement::CcLegislation { countries } => Some(countries.as_slice()),
            _ => None,
        })
    }
}

/// The generic statement envelope.
#[derive(der::Sequence)]
struct RawStatement {
    id: ObjectIdentifier,
    info: Option<Any>,
}

impl RawStatement {
    fn interpret(self) -> QcStatement {
        let id = self.id;
        let info_bytes = self.info.as_ref().and_then(|a| a.to_der().ok());
        match decode_known(id, self.info.as_ref()) {
            Ok(Some(statement)) => statement,
            Ok(None) => QcStatement::Unknown {
                id,
                info: info_bytes,
            },
            Err(reason) => QcStatement::Malformed {
                id,
                info: info_bytes,
                reason,
            },
        }
    }
}

/// `Ok(None)`: not a statement this crate knows.
fn decode_known(
    id: ObjectIdentifier,
    info: Option<&Any>,
) -> core::result::Result<Option<QcStatement>, String> {
    let need = |info: Option<&Any>| -> core::result::Result<Vec<u8>, String> {
        info.ok_or_else(|| "statementInfo is required but absent".to_owned())?
            .to_der()
            .map_err(|e| e.to_string())
    };
    let st = match id {
        o if o == oids::QCS_COMPLIANCE => {
            no_info(info)?;
            QcStatement::Compliance
        }
        o if o == oids::QCS_SSCD => {
            no_info(info)?;
            QcStatement::Sscd
        }
        o if o == oids::QCS_LIMIT_VALUE => QcStatement::LimitValue(monetary_value(&need(info)?)?),
        o if o == oids::QCS_RETENTION_PERIOD => QcStatement::RetentionPeriod {
            years: i64::from_der(&need(info)?).map_err(|e| e.to_string())?,
        },
        o if o == oids::QCS_PDS => QcStatement::Pds(pds_locations(&need(info)?)?),
        o if o == oids::QCS_TYPE => {
            let list: Vec<ObjectIdentifier> =
                Vec::from_der(&need(info)?).map_err(|e| e.to_string())?;
            QcStatement::Type(list.into_iter().map(QcType::from_oid).collect())
        }
        o if o == oids::QCS_CC_LEGISLATION => {
            let list: Vec<Any> = Vec::from_der(&need(info)?).map_err(|e| e.to_string())?;
            let mut countries = Vec::with_capacity(list.len());
            for a in &list {
                if a.tag() != Tag::PrintableString {
                    return Err(format!(
                        "CountryName has tag {}, expected PrintableString",
                        a.tag()
                    ));
                }
                countries.push(any_to_string(a).ok_or("CountryName is not a string")?);
            }
            QcStatement::CcLegislation { countries }
        }
        o if o == oids::QCS_PKIX_SYNTAX_V2 || o == oids::QCS_PKIX_SYNTAX_V1 => {
            let info = match info {
                Some(a) => semantics_information(&a.to_der().map_err(|e| e.to_string())?)?,
                None => SemanticsInformation {
                    identifier: None,
                    name_registration_authority_uris: None,
                },
            };
            if o == oids::QCS_PKIX_SYNTAX_V2 {
                QcStatement::PkixSyntaxV2(info)
            } else {
                QcStatement::PkixSyntaxV1(info)
            }
        }
        o if o == oids::QCS_PSD2 => QcStatement::Psd2(psd2(&need(info)?)?),
        _ => return Ok(None),
    };
    Ok(Some(st))
}

fn no_info(info: Option<&Any>) -> core::result::Result<(), String> {
    match info {
        None => Ok(()),
        Some(_) => Err("statementInfo must be absent".to_owned()),
    }
}

fn monetary_value(bytes: &[u8]) -> core::result::Result<MonetaryValue, String> {
    let e = |e: der::Error| e.to_string();
    let mut r = SliceReader::new(bytes).map_err(e)?;
    let value = r
        .sequence(|r| {
            let currency = match r.peek_tag()? {
                Tag::Integer => Currency::Numeric(i64::decode(r)?),
                Tag::PrintableString => {
                    let s = der::asn1::PrintableStringRef::decode(r)?;
                    Currency::Alphabetic(s.as_str().to_owned())
                }
                tag => return Err(tag.value_error()),
            };
            let amount = i64::decode(r)?;
            let exponent = i64::decode(r)?;
            Ok(MonetaryValue {
                currency,
                amount,
                exponent,
            })
        })
        .map_err(e)?;
    r.finish(value).map_err(e)
}

#[derive(der::Sequence)]
struct RawPds {
    url: Ia5String,
    language: Any,
}

fn pds_locations(bytes: &[u8]) -> core::result::Result<Vec<PdsLocation>, String> {
    let list: Vec<RawPds> = Vec::from_der(bytes).map_err(|e| e.to_string())?;
    if list.is_empty() {
        return Err("PdsLocations is empty, SIZE (1..MAX)".to_owned());
    }
    list.into_iter()
        .map(|p| {
            if p.language.tag() != Tag::PrintableString {
                return Err(format!(
                    "language has tag {}, expected PrintableString",
                    p.language.tag()
                ));
            }
            let language = any_to_string(&p.language).ok_or("language is not a string")?;
            Ok(PdsLocation {
                url: p.url.to_string(),
                language,
            })
        })
        .collect()
}

fn utf8(a: &Any, what: &str) -> core::result::Result<String, String> {
    any_to_string(a).ok_or_else(|| format!("{what} is not a string"))
}

fn psd2(bytes: &[u8]) -> core::result::Result<Psd2Attributes, String> {
    #[derive(der::Sequence)]
    struct RawRole {
        oid: ObjectIdentifier,
        name: Any,
    }
    #[derive(der::Sequence)]
    struct RawPsd2 {
        roles: Vec<RawRole>,
        nca_name: Any,
        nca_id: Any,
    }
    let raw = RawPsd2::from_der(bytes).map_err(|e| e.to_string())?;
    let roles = raw
        .roles
        .iter()
        .map(|r| {
            Ok(PspRole {
                oid: r.oid,
                name: utf8(&r.name, "roleOfPspName")?,
            })
        })
        .collect::<core::result::Result<_, String>>()?;
    Ok(Psd2Attributes {
        roles,
        nca_name: utf8(&raw.nca_name, "nCAName")?,
        nca_id: utf8(&raw.nca_id, "nCAId")?,
    })
}

fn semantics_information(bytes: &[u8]) -> core::result::Result<SemanticsInformation, String> {
    let e = |e: der::Error| e.to_string();
    let mut r = SliceReader::new(bytes).map_err(e)?;
    let info = r
        .sequence(|r| {
            let identifier = Option::<ObjectIdentifier>::decode(r)?;
            let authorities = Option::<Vec<GeneralName>>::decode(r)?;
            Ok((identifier, authorities))
        })
        .map_err(e)?;
    let (identifier, authorities) = r.finish(info).map_err(e)?;
    if identifier.is_none() && authorities.is_none() {
        return Err("SemanticsInformation needs semanticsIdentifier or \
                    nameRegistrationAuthorities"
            .to_owned());
    }
    if authorities.as_ref().is_some_and(Vec::is_empty) {
        return Err("NameRegistrationAuthorities is empty, SIZE (1..MAX)".to_owned());
    }
    let uris = authorities.map(|names| {
        names
            .into_iter()
            .filter_map(|g| match g {
                GeneralName::UniformResourceIdentifier(u) => Some(u.to_string()),
                _ => None,
            })
            .collect()
    });
    Ok(SemanticsInformation {
        identifier: identifier.map(SemanticsId::from_oid),
        name_registration_authority_uris: uris,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_compliance_and_type() {
        // SEQUENCE { SEQUENCE { OID QcCompliance }, SEQUENCE { OID QcType, SEQUENCE { esign } } }
        let compliance = RawStatement {
            id: oids::QCS_COMPLIANCE,
            info: None,
        };
        let types = vec![oids::QCT_ESIGN];
        let info = Any::from_der(&types.to_der().unwrap()).unwrap();
        let qctype = RawStatement {
            id: oids::QCS_TYPE,
            info: Some(info),
        };
        let bytes = vec![compliance, qctype].to_der().unwrap();
        let parsed = QcStatements::from_der(&bytes).unwrap();
        assert_eq!(
            parsed.statements,
            vec![
                QcStatement::Compliance,
                QcStatement::Type(vec![QcType::Esign])
            ]
        );
    }

    #[test]
    fn bad_statement_info_is_kept_as_malformed() {
        let bad = RawStatement {
            id: oids::QCS_TYPE,
            info: Some(Any::from_der(&[0x04, 0x00]).unwrap()),
        };
        let bytes = vec![bad].to_der().unwrap();
        let parsed = QcStatements::from_der(&bytes).unwrap();
        assert!(matches!(
            parsed.statements.first(),
            Some(QcStatement::Malformed { .. })
        ));
    }
}
