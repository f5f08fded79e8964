//! The certificate holder's identity: names, e-mail, and the semantics identifier of ETSI
//! EN 319 412-1 (`PNORO-<CNP>`, `VATRO-<CUI>`, …).
//!
//! ```text
//! -- EN 319 412-1 §5.1.3 (natural person, subject serialNumber) and §5.1.4 (legal person,
//! -- subject organizationIdentifier), when the semantics identifier is present:
//! identifier ::= scheme country "-" reference
//!   scheme   ::= 3 letters ("PAS" | "IDC" | "PNO" | "TAX" | "TIN"        -- natural
//!                          | "VAT" | "NTR" | "PSD" | "LEI" | ...)       -- legal
//!              | 2 letters ":"                                          -- national scheme
//!   country  ::= ISO 3166-1 alpha-2 (or a transnational code, e.g. "EU", "XG" for LEI)
//! ```

use serde::Serialize;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;

use crate::certificate::Certificate;
use crate::cnp::{Cnp, CnpError, Cui, CuiError};
use crate::error::{Error, Result};
use crate::name;
use crate::oids;
use crate::qc_statements::{QcStatements, QcType, SemanticsId};

/// Natural or legal person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    /// A human being (EN 319 412-2).
    Natural,
    /// An organization (EN 319 412-3).
    Legal,
}

/// The identity type reference of a semantics identifier (EN 319 412-1 §5.1.3, §5.1.4).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IdentifierScheme {
    /// `PAS`: passport number.
    Passport,
    /// `IDC`: national identity card number.
    IdentityCard,
    /// `PNO`: national personal number (in Romania, the CNP).
    PersonalNumber,
    /// `TAX`: personal tax reference (deprecated for `TIN`).
    Tax,
    /// `TIN`: tax identification number (EU TIN).
    Tin,
    /// `VAT`: VAT identification number (in Romania, the CUI with or without `RO`).
    Vat,
    /// `NTR`: national trade register number.
    TradeRegister,
    /// `PSD`: PSD2 authorization number (TS 119 495).
    Psd2,
    /// `LEI`: legal entity identifier (ISO 17442), country `XG`.
    Lei,
    /// Two letters and `:`: a nationally defined scheme.
    National(String),
    /// Any other three-character reference.
    Unknown(String),
}

impl IdentifierScheme {
    fn from_code(code: &str) -> Self {
        match code {
            "PAS" => Self::Passport,
            "IDC" => Self::IdentityCard,
            "PNO" => Self::PersonalNumber,
            "TAX" => Self::Tax,
            "TIN" => Self::Tin,
            "VAT" => Self::Vat,
            "NTR" => Self::TradeRegister,
            "PSD" => Self::Psd2,
            "LEI" => Self::Lei,
            c if c.ends_with(':') => Self::National(c.trim_end_matches(':').to_owned()),
            c => Self::Unknown(c.to_owned()),
        }
    }

    /// Whether EN 319 412-1 §5.1.3 defines it for natural persons.
    pub fn is_natural_person_scheme(&self) -> bool {
        matches!(
            self,
            Self::Passport | Self::IdentityCard | Self::PersonalNumber | Self::Tax | Self::Tin
        )
    }

    /// Whether EN 319 412-1 §5.1.4 defines it for legal persons.
    pub fn is_legal_person_scheme(&self) -> bool {
        matches!(
            self,
            Self::Vat | Self::TradeRegister | Self::Psd2 | Self::Lei
        )
    }
}

/// A parsed semantics identifier value, e.g. `PNORO-1800101221144`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SemanticsIdentifier {
    /// The identity type reference.
    pub scheme: IdentifierScheme,
    /// The country code, as written.
    pub country: String,
    /// The identifier proper (after `-`).
    pub reference: String,
}

impl SemanticsIdentifier {
    /// Parse `scheme country "-" reference`; `None` when the value does not have that shape
    /// (three characters, two letters, a hyphen, a non-empty reference).
    pub fn parse(value: &str) -> Option<Self> {
        let scheme = value.get(..3)?;
        let country = value.get(3..5)?;
        let reference = value.get(5..)?.strip_prefix('-')?;
        let scheme_ok = {
            let b = scheme.as_bytes();
            matches!(b, [x, y, z] if x.is_ascii_uppercase() && y.is_ascii_uppercase()
                && (z.is_ascii_uppercase() || *z == b':'))
        };
        if !scheme_ok || !country.bytes().all(|b| b.is_ascii_alphabetic()) || reference.is_empty() {
            return None;
        }
        Some(Self {
            scheme: IdentifierScheme::from_code(scheme),
            country: country.to_owned(),
            reference: reference.to_owned(),
        })
    }

    /// The Romanian meaning of the identifier, if it is `PNORO-` or `VATRO-`.
    pub fn romanian(&self) -> Option<RomanianId> {
        if self.country != "RO" {
            return None;
        }
        match self.scheme {
            IdentifierScheme::PersonalNumber => Some(match Cnp::parse(&self.reference) {
                Ok(cnp) => RomanianId::Cnp(cnp),
                Err(error) => RomanianId::InvalidCnp {
                    value: self.reference.clone(),
                    error,
                },
            }),
            IdentifierScheme::Vat => Some(match Cui::parse(&self.reference) {
                Ok(cui) => RomanianId::Cui(cui),
                Err(error) => RomanianId::InvalidCui {
                    value: self.reference.clone(),
                    error,
                },
            }),
            _ => None,
        }
    }
}

/// A Romanian national identifier found in the semantics identifier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RomanianId {
    /// A valid CNP (`PNORO-`).
    Cnp(Cnp),
    /// A `PNORO-` reference that is not a valid CNP.
    InvalidCnp {
        /// The reference as written.
        value: String,
        /// Why it is invalid.
        error: CnpError,
    },
    /// A valid CUI (`VATRO-`).
    Cui(Cui),
    /// A `VATRO-` reference that is not a valid CUI.
    InvalidCui {
        /// The reference as written.
        value: String,
        /// Why it is invalid.
        error: CuiError,
    },
}

/// Where the natural/legal person answer came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PersonEvidence {
    /// The PKIX QCSyntax-v2 semantics identifier.
    SemanticsIdentifier {
        /// Which one.
        id: SemanticsId,
    },
    /// The QcType statement.
    QcType {
        /// Which purpose.
        qc_type: QcType,
    },
    /// Subject attributes (givenName / surname / pseudonym, or organizationIdentifier).
    SubjectAttributes,
}

/// Everything the certificate says about who holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HolderIdentity {
    /// Natural or legal person, if it can be told. Decided by the first source that speaks:
    /// the semantics identifier (EN 319 412-1 §5.1), then the subject attributes
    /// (EN 319 412-2 §4.2.4, EN 319 412-3 §4.2.1), then QcType (EN 319 412-5 §4.2.3).
    pub person: Option<PersonKind>,
    /// How `person` was decided.
    pub person_evidence: Option<PersonEvidence>,
    /// Later sources that contradict `person` (reported, not resolved).
    pub person_conflicts: Vec<PersonEvidence>,
    /// `commonName` values.
    pub common_names: Vec<String>,
    /// `givenName` values.
    pub given_names: Vec<String>,
    /// `surname` values.
    pub surnames: Vec<String>,
    /// `pseudonym`.
    pub pseudonym: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `organizationName`.
    pub organization: Option<String>,
    /// `organizationalUnitName` values.
    pub organizational_units: Vec<String>,
    /// `countryName`.
    pub country: Option<String>,
    /// `localityName`.
    pub locality: Option<String>,
    /// `stateOrProvinceName`.
    pub state: Option<String>,
    /// `serialNumber` as written.
    pub serial_number: Option<String>,
    /// `organizationIdentifier` as written.
    pub organization_identifier: Option<String>,
    /// E-mail addresses: subject `emailAddress` then SAN `rfc822Name`, deduplicated.
    pub emails: Vec<String>,
    /// The semantics identifier (from `serialNumber` for a natural person, from
    /// `organizationIdentifier` for a legal person), parsed from the attribute's shape
    /// whether or not the certificate declares it: see `semantics_identifier_declared`.
    pub semantics_identifier: Option<SemanticsIdentifier>,
    /// The `semanticsIdentifier` the PKIX QCSyntax-v2 statement declares, if any; without it
    /// the attribute's `XXXCC-` shape is a convention, not a claim (EN 319 412-1 §5.1).
    pub semantics_identifier_declared: Option<SemanticsId>,
    /// `PNORO-` / `VATRO-` decoded.
    pub romanian_id: Option<RomanianId>,
}

impl HolderIdentity {
    /// The CNP, when the semantics identifier is a valid `PNORO-` one.
    pub fn cnp(&self) -> Option<&Cnp> {
        match &self.romanian_id {
            Some(RomanianId::Cnp(c)) => Some(c),
            _ => None,
        }
    }

    /// The CUI, when the semantics identifier is a valid `VATRO-` one.
    pub fn cui(&self) -> Option<&Cui> {
        match &self.romanian_id {
            Some(RomanianId::Cui(c)) => Some(c),
            _ => None,
        }
    }

    /// A display name: pseudonym, or given names and surname, or common name, or organization.
    pub fn display_name(&self) -> Option<String> {
        if let Some(p) = &self.pseudonym {
            return Some(p.clone());
        }
        if !self.given_names.is_empty() || !self.surnames.is_empty() {
            let mut parts = self.given_names.clone();
            parts.extend(self.surnames.iter().cloned());
            return Some(parts.join(" "));
        }
        self.common_names
            .first()
            .cloned()
            .or_else(|| self.organization.clone())
    }
}

/// Read the holder identity of a certificate.
///
/// # Errors
/// [`crate::Error::DuplicateExtension`] when qcStatements or subjectAltName repeat; an
/// undecodable qcStatements or subjectAltName is ignored here (the lint reports it).
pub fn identity(cert: &Certificate) -> Result<HolderIdentity> {
    let subject = &cert.x509().tbs_certificate.subject;
    let qcs = match QcStatements::from_certificate(cert) {
        Ok(q) => q,
        Err(e @ Error::DuplicateExtension { .. }) => return Err(e),
        Err(_) => None,
    };

    let mut id = HolderIdentity {
        common_names: name::values(subject, oids::AT_COMMON_NAME),
        given_names: name::values(subject, oids::AT_GIVEN_NAME),
        surnames: name::values(subject, oids::AT_SURNAME),
        pseudonym: name::first(subject, oids::AT_PSEUDONYM),
        title: name::first(subject, oids::AT_TITLE),
        organization: name::first(subject, oids::AT_ORGANIZATION),
        organizational_units: name::values(subject, oids::AT_ORGANIZATIONAL_UNIT),
        country: name::first(subject, oids::AT_COUNTRY),
        locality: name::first(subject, oids::AT_LOCALITY),
        state: name::first(subject, oids::AT_STATE),
        serial_number: name::first(subject, oids::AT_SERIAL_NUMBER),
        organization_identifier: name::first(subject, oids::AT_ORGANIZATION_IDENTIFIER),
        ..HolderIdentity::default()
    };

    let mut emails = name::values(subject, oids::AT_EMAIL);
    if let Some(ext) = cert.extension_raw(oids::EXT_SUBJECT_ALT_NAME)? {
        if let Ok(san) = <SubjectAltName as der::Decode>::from_der(ext.extn_value.as_bytes()) {
            for gn in san.0 {
                if let GeneralName::Rfc822Name(m) = gn {
                    emails.push(m.to_string());
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    emails.retain(|e| seen.insert(e.to_ascii_lowercase()));
    id.emails = emails;

    let (person, evidence, conflicts) = detect_person(&id, qcs.as_ref());
    id.person = person;
    id.person_evidence = evidence;
    id.person_conflicts = conflicts;
    id.semantics_identifier_declared = qcs
        .as_ref()
        .and_then(QcStatements::semantics)
        .and_then(|s| s.identifier);

    let source = match person {
        Some(PersonKind::Legal) => id.organization_identifier.as_deref(),
        Some(PersonKind::Natural) => id.serial_number.as_deref(),
        None => id
            .serial_number
            .as_deref()
            .or(id.organization_identifier.as_deref()),
    };
    id.semantics_identifier = source.and_then(SemanticsIdentifier::parse);
    id.romanian_id = id
        .semantics_identifier
        .as_ref()
        .and_then(SemanticsIdentifier::romanian);
    Ok(id)
}

/// Every source that tells the person kind, in precedence order: semantics identifier,
/// subject attributes, QcType. The first decides; the others that disagree are conflicts.
fn detect_person(
    id: &HolderIdentity,
    qcs: Option<&QcStatements>,
) -> (
    Option<PersonKind>,
    Option<PersonEvidence>,
    Vec<PersonEvidence>,
) {
    let mut sources: Vec<(PersonKind, PersonEvidence)> = Vec::new();
    if let Some(sid) = qcs
        .and_then(QcStatements::semantics)
        .and_then(|s| s.identifier)
    {
        let kind = match sid {
            SemanticsId::Natural | SemanticsId::EidasNatural => Some(PersonKind::Natural),
            SemanticsId::Legal | SemanticsId::EidasLegal => Some(PersonKind::Legal),
            SemanticsId::Other(_) => None,
        };
        if let Some(kind) = kind {
            sources.push((kind, PersonEvidence::SemanticsIdentifier { id: sid }));
        }
    }
    if !id.given_names.is_empty() || !id.surnames.is_empty() || id.pseudonym.is_some() {
        sources.push((PersonKind::Natural, PersonEvidence::SubjectAttributes));
    } else if id.organization_identifier.is_some() || id.organization.is_some() {
        sources.push((PersonKind::Legal, PersonEvidence::SubjectAttributes));
    }
    if let Some(qcs) = qcs {
        let types = qcs.qc_types();
        if let [t] = types.as_slice() {
            let kind = match t {
                QcType::Esign => Some(PersonKind::Natural),
                QcType::Eseal => Some(PersonKind::Legal),
                _ => None,
            };
            if let Some(kind) = kind {
                sources.push((kind, PersonEvidence::QcType { qc_type: *t }));
            }
        }
    }
    let mut iter = sources.into_iter();
    let Some((kind, evidence)) = iter.next() else {
        return (None, None, Vec::new());
    };
    let conflicts = iter.filter(|(k, _)| *k != kind).map(|(_, e)| e).collect();
    (Some(kind), Some(evidence), conflicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_semantics_identifiers() {
        let s = SemanticsIdentifier::parse("PNORO-1800101221144").unwrap();
        assert_eq!(s.scheme, IdentifierScheme::PersonalNumber);
        assert_eq!(s.country, "RO");
        assert!(matches!(s.romanian(), Some(RomanianId::Cnp(_))));
        let v = SemanticsIdentifier::parse("VATRO-18547290").unwrap();
        assert!(matches!(v.romanian(), Some(RomanianId::Cui(_))));
        let n = SemanticsIdentifier::parse("RO:RO-123").unwrap();
        assert_eq!(n.scheme, IdentifierScheme::National("RO".into()));
        assert!(SemanticsIdentifier::parse("PNORO1800101221144").is_none());
        assert!(SemanticsIdentifier::parse("PNORO-").is_none());
        assert!(SemanticsIdentifier::parse("ăPNORO-1").is_none());
        assert!(matches!(
            SemanticsIdentifier::parse("PNORO-1800101221145")
                .unwrap()
                .romanian(),
            Some(RomanianId::InvalidCnp { .. })
        ));
    }
}
