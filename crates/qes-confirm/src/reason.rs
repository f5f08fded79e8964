//! Why a confirmation document is refused: one typed reason per failed rule, each with a
//! message in Romanian and in English (the holders are Romanian; integrators log English).

use chrono::{DateTime, Utc};
use serde::Serialize;

/// The language of messages and of the prefilled document's labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Romanian (the default: the holders are Romanian).
    #[default]
    Ro,
    /// English.
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "ro" => Ok(Self::Ro),
            "en" => Ok(Self::En),
            other => Err(format!("unknown language {other:?} (ro or en)")),
        }
    }
}

/// Which of the document's two signatures a reason is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The holder's signature (field [`crate::HOLDER_FIELD`]).
    Holder,
    /// The provider's countersignature (field [`crate::COUNTERSIGNATURE_FIELD`]).
    Countersignature,
}

/// One reason a confirmation document is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Reason {
    /// The file is not a PDF that can be read.
    Unreadable {
        /// The reader's error.
        detail: String,
    },
    /// The upload is not the prefilled document plus increments that only sign the
    /// holder field: its bytes were edited or re-saved, or a later revision changed
    /// content.
    ContentChanged {
        /// What changed.
        detail: String,
    },
    /// The holder field has no signature.
    NotSigned,
    /// A signature in a field other than the expected ones (or the countersignature field
    /// signed before the provider countersigned).
    UnexpectedSignature {
        /// The field's name.
        field: String,
    },
    /// A signature does not verify: not intact, bad signature value, untrusted or revoked
    /// certificate, malformed signature dictionary.
    SignatureInvalid {
        /// Whose signature.
        role: Role,
        /// The verifier's indication and what failed.
        detail: String,
    },
    /// The holder signed with another certificate than the one the document was prefilled
    /// for.
    OtherCertificate {
        /// Serial number of the expected certificate.
        expected_serial: String,
        /// Serial number of the certificate that signed.
        found_serial: String,
    },
    /// The signing certificate had expired when the document was signed.
    CertificateExpired {
        /// Whose certificate.
        role: Role,
        /// When it was signed (timestamp, else the claimed `/M`).
        signed_at: DateTime<Utc>,
        /// The certificate's `notAfter`.
        not_after: DateTime<Utc>,
    },
    /// The signing certificate was not yet valid when the document was signed.
    CertificateNotYetValid {
        /// Whose certificate.
        role: Role,
        /// When it was signed.
        signed_at: DateTime<Utc>,
        /// The certificate's `notBefore`.
        not_before: DateTime<Utc>,
    },
    /// No signing time is known (no timestamp and no `/M`).
    SigningTimeUnknown {
        /// Whose signature.
        role: Role,
    },
    /// The holder's certificate is not an EU qualified certificate (ETSI EN 319 412-5
    /// QcCompliance).
    NotQualified,
    /// The countersignature field has no signature.
    CountersignatureMissing,
    /// The countersignature is not by one of the trusted providers.
    CountersignerNotTrusted {
        /// The countersigner's subject.
        subject: String,
    },
    /// The countersignature has no valid signature timestamp (PAdES B-T).
    CountersignatureNotTimestamped,
    /// Bytes changed or were appended after the countersignature: it no longer covers the
    /// whole file (re-saving counts).
    ModifiedAfterCountersignature {
        /// What changed.
        detail: String,
    },
    /// Between the holder's signature and the countersignature something other than the
    /// countersignature was changed.
    ModifiedAfterHolderSignature {
        /// What changed.
        detail: String,
    },
    /// The document carries no holder data.
    HolderDataMissing,
    /// The holder data stated in the document differ from the holder's certificate.
    HolderDataMismatch {
        /// The entries that differ (`GivenName`, `Identifier`, `Serial`, …).
        fields: Vec<String>,
    },
}

impl Reason {
    /// The reason as a sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let ro = lang == Lang::Ro;
        let whose = |role: &Role| match (role, ro) {
            (Role::Holder, true) => "titularului",
            (Role::Holder, false) => "holder's",
            (Role::Countersignature, true) => "furnizorului (contrasemnătura)",
            (Role::Countersignature, false) => "provider's (countersignature)",
        };
        let date = |t: &DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
        match self {
            Self::Unreadable { detail } if ro => {
                format!("Fișierul nu este un PDF care poate fi citit ({detail}).")
            }
            Self::Unreadable { detail } => format!("The file is not a readable PDF ({detail})."),
            Self::ContentChanged { detail } if ro => format!(
                "Conținutul documentului a fost modificat față de documentul precompletat ({detail})."
            ),
            Self::ContentChanged { detail } => {
                format!("The document's content differs from the prefilled document ({detail}).")
            }
            Self::NotSigned if ro => "Documentul nu este semnat de titular.".into(),
            Self::NotSigned => "The document is not signed by the holder.".into(),
            Self::UnexpectedSignature { field } if ro => {
                format!("Documentul conține o semnătură neașteptată în câmpul „{field}”.")
            }
            Self::UnexpectedSignature { field } => {
                format!("The document carries an unexpected signature in field \"{field}\".")
            }
            Self::SignatureInvalid { role, detail } if ro => {
                format!("Semnătura {} nu este validă ({detail}).", whose(role))
            }
            Self::SignatureInvalid { role, detail } => {
                format!("The {} signature is not valid ({detail}).", whose(role))
            }
            Self::OtherCertificate {
                expected_serial,
                found_serial,
            } if ro => format!(
                "Documentul este semnat cu alt certificat (seria {found_serial}) decât cel pentru care a fost emis (seria {expected_serial})."
            ),
            Self::OtherCertificate {
                expected_serial,
                found_serial,
            } => format!(
                "The document is signed with another certificate (serial {found_serial}) than the one it was issued for (serial {expected_serial})."
            ),
            Self::CertificateExpired {
                role,
                signed_at,
                not_after,
            } if ro => format!(
                "Certificatul {} era expirat la semnare ({}; valabil până la {}).",
                whose(role),
                date(signed_at),
                date(not_after)
            ),
            Self::CertificateExpired {
                role,
                signed_at,
                not_after,
            } => format!(
                "The {} certificate had expired when signing ({}; valid until {}).",
                whose(role),
                date(signed_at),
                date(not_after)
            ),
            Self::CertificateNotYetValid {
                role,
                signed_at,
                not_before,
            } if ro => format!(
                "Certificatul {} nu era încă valabil la semnare ({}; valabil de la {}).",
                whose(role),
                date(signed_at),
                date(not_before)
            ),
            Self::CertificateNotYetValid {
                role,
                signed_at,
                not_before,
            } => format!(
                "The {} certificate was not yet valid when signing ({}; valid from {}).",
                whose(role),
                date(signed_at),
                date(not_before)
            ),
            Self::SigningTimeUnknown { role } if ro => {
                format!("Momentul semnării {} nu este cunoscut.", whose(role))
            }
            Self::SigningTimeUnknown { role } => {
                format!("The time of the {} signature is unknown.", whose(role))
            }
            Self::NotQualified if ro => "Certificatul titularului nu este calificat.".into(),
            Self::NotQualified => "The holder's certificate is not qualified.".into(),
            Self::CountersignatureMissing if ro => {
                "Documentul nu este contrasemnat de furnizor.".into()
            }
            Self::CountersignatureMissing => {
                "The document is not countersigned by the provider.".into()
            }
            Self::CountersignerNotTrusted { subject } if ro => format!(
                "Contrasemnătura nu aparține unui furnizor de încredere ({subject})."
            ),
            Self::CountersignerNotTrusted { subject } => {
                format!("The countersignature is not by a trusted provider ({subject}).")
            }
            Self::CountersignatureNotTimestamped if ro => {
                "Contrasemnătura nu are marcă temporală validă (PAdES B-T).".into()
            }
            Self::CountersignatureNotTimestamped => {
                "The countersignature has no valid timestamp (PAdES B-T).".into()
            }
            Self::ModifiedAfterCountersignature { detail } if ro => format!(
                "Documentul a fost modificat după contrasemnare; și o nouă salvare contează ({detail})."
            ),
            Self::ModifiedAfterCountersignature { detail } => format!(
                "The document was modified after the countersignature; re-saving counts too ({detail})."
            ),
            Self::ModifiedAfterHolderSignature { detail } if ro => format!(
                "Documentul a fost modificat după semnătura titularului ({detail})."
            ),
            Self::ModifiedAfterHolderSignature { detail } => {
                format!("The document was modified after the holder's signature ({detail}).")
            }
            Self::HolderDataMissing if ro => {
                "Documentul nu conține datele titularului.".into()
            }
            Self::HolderDataMissing => "The document carries no holder data.".into(),
            Self::HolderDataMismatch { fields } if ro => format!(
                "Datele titularului din document diferă de certificat: {}.",
                fields.join(", ")
            ),
            Self::HolderDataMismatch { fields } => format!(
                "The holder data in the document differ from the certificate: {}.",
                fields.join(", ")
            ),
        }
    }
}

/// English.
impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}
