//! The holder data a confirmation document states: read once from the qualified
//! certificate (its subject per ETSI EN 319 412-2 §4.2.4 — givenName, surname,
//! serialNumber with the `PNORO-` CNP semantics identifier of EN 319 412-1 §5.1.3 — its
//! e-mail, serial number, issuer and validity), written into the document as private data
//! and compared field by field when the document comes back.

use chrono::{DateTime, SecondsFormat, Utc};
use qes_cert::{format_dn, identity, Certificate};
use qes_signer::DigestAlgorithm;
use serde::Serialize;

use crate::Error;

/// The private-data application name the holder data is stored under (the page's
/// `/PieceInfo`, ISO 32000-2 §14.5).
pub const PRIVATE_DATA_APPLICATION: &str = "QesConfirm";

/// What the confirmation document says about the holder and their certificate.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct HolderData {
    /// `givenName` values, space-separated.
    pub given_name: String,
    /// `surname` values, space-separated.
    pub surname: String,
    /// The holder's identifier: the CNP for a `PNORO-` semantics identifier, else the
    /// subject `serialNumber` as written.
    pub identifier: String,
    /// Whether `identifier` is a valid Romanian CNP.
    pub identifier_is_cnp: bool,
    /// The first e-mail address (subject `emailAddress`, then subjectAltName), if any.
    pub email: Option<String>,
    /// The certificate serial number, upper-case hex.
    pub serial: String,
    /// The issuer (RFC 4514 string).
    pub issuer: String,
    /// `notBefore`.
    pub not_before: DateTime<Utc>,
    /// `notAfter`.
    pub not_after: DateTime<Utc>,
    /// SHA-256 of the certificate's DER, lower-case hex.
    pub certificate_sha256: String,
}

/// Personal data: `Debug` shows only the certificate serial number.
impl std::fmt::Debug for HolderData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HolderData")
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

/// Keys of the private-data entries, in the order written.
const KEYS: [&str; 10] = [
    "GivenName",
    "Surname",
    "Identifier",
    "IdentifierIsCnp",
    "Email",
    "Serial",
    "Issuer",
    "NotBefore",
    "NotAfter",
    "CertificateSha256",
];

impl HolderData {
    /// Read the holder data of `cert`.
    ///
    /// # Errors
    /// [`Error::NoHolderName`] without a givenName and surname (a natural person's
    /// qualified certificate has both, EN 319 412-2 §4.2.4); [`Error::NoIdentifier`]
    /// without a subject `serialNumber`; [`Error::Certificate`] when its extensions cannot
    /// be read.
    pub fn from_certificate(cert: &Certificate) -> Result<Self, Error> {
        let id = identity(cert)?;
        if id.given_names.is_empty() || id.surnames.is_empty() {
            return Err(Error::NoHolderName);
        }
        let (identifier, identifier_is_cnp) = match (id.cnp(), &id.serial_number) {
            (Some(cnp), _) => (cnp.to_string(), true),
            (None, Some(serial)) => (serial.clone(), false),
            (None, None) => return Err(Error::NoIdentifier),
        };
        Ok(Self {
            given_name: id.given_names.join(" "),
            surname: id.surnames.join(" "),
            identifier,
            identifier_is_cnp,
            email: id.emails.first().cloned(),
            serial: cert.serial_hex(),
            issuer: format_dn(cert.issuer()),
            not_before: cert.not_before(),
            not_after: cert.not_after(),
            certificate_sha256: sha256_hex(cert.der()),
        })
    }

    /// "Given Surname".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.surname)
    }

    /// The document's file name: `firstname_lastname.pdf` in lower-case ASCII, diacritics
    /// folded (`Ștefan Mărgărit` → `stefan_margarit.pdf`), words joined by `_`.
    pub fn file_name(&self) -> String {
        let words: Vec<String> = self
            .full_name()
            .split(|c: char| c.is_whitespace() || c == '-')
            .map(fold_to_ascii)
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return "confirmare_titular.pdf".into();
        }
        format!("{}.pdf", words.join("_"))
    }

    /// The entries stored in the document (key, text), in a fixed order.
    pub fn entries(&self) -> Vec<(String, String)> {
        let values = [
            self.given_name.clone(),
            self.surname.clone(),
            self.identifier.clone(),
            self.identifier_is_cnp.to_string(),
            self.email.clone().unwrap_or_default(),
            self.serial.clone(),
            self.issuer.clone(),
            rfc3339(self.not_before),
            rfc3339(self.not_after),
            self.certificate_sha256.clone(),
        ];
        KEYS.iter()
            .zip(values)
            .map(|(k, v)| ((*k).to_string(), v))
            .collect()
    }

    /// The keys whose values differ between these data and `entries` read from a
    /// document (a key missing from `entries` differs), in [`HolderData::entries`] order.
    pub fn differences(&self, entries: &[(String, String)]) -> Vec<&'static str> {
        let expected = self.entries();
        KEYS.iter()
            .zip(expected)
            .filter(|(key, (_, value))| {
                entries
                    .iter()
                    .find(|(k, _)| k == *key)
                    .is_none_or(|(_, v)| v != value)
            })
            .map(|(key, _)| *key)
            .collect()
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    DigestAlgorithm::Sha256
        .digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `word` in lower-case ASCII letters and digits: Latin letters with diacritics folded to
/// their base letter (Romanian ă â î ș ş ț ţ and the rest of Latin-1 and Latin Extended-A),
/// `ß` → `ss`, `æ` → `ae`, `œ` → `oe`; anything else dropped.
pub fn fold_to_ascii(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            continue;
        }
        let folded = match c {
            'à'..='å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
            'æ' => "ae",
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
            'ď' | 'đ' | 'ð' => "d",
            'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
            'ĥ' | 'ħ' => "h",
            'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
            'ĵ' => "j",
            'ķ' => "k",
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
            'ñ' | 'ń' | 'ņ' | 'ň' => "n",
            'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
            'œ' => "oe",
            'ŕ' | 'ŗ' | 'ř' => "r",
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
            'ß' => "ss",
            'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
            'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
            'ŵ' => "w",
            'ý' | 'ÿ' | 'ŷ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            'þ' => "th",
            _ => "",
        };
        out.push_str(folded);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_romanian_names() {
        assert_eq!(fold_to_ascii("Ștefan"), "stefan");
        assert_eq!(fold_to_ascii("MĂRGĂRIT"), "margarit");
        assert_eq!(fold_to_ascii("Țîrcă-Şerban"), "tircaserban");
        assert_eq!(fold_to_ascii("Ioniță"), "ionita");
        assert_eq!(fold_to_ascii("Müller"), "muller");
        assert_eq!(fold_to_ascii("O'Brien"), "obrien");
    }

    #[test]
    fn file_name_and_differences() {
        let pki = qes_testkit::TestPki::shared();
        let cert = |i: &qes_testkit::Issued| {
            Certificate::from_der(i.cert_der(), qes_cert::ParseMode::Strict).unwrap()
        };
        let data = HolderData::from_certificate(&cert(pki.natural_person())).unwrap();
        assert_eq!(data.file_name(), "stefan_margarit.pdf");
        assert_eq!(data.identifier, qes_testkit::NATURAL_PERSON_CNP);
        assert!(data.identifier_is_cnp);
        assert_eq!(
            data.email.as_deref(),
            Some(qes_testkit::NATURAL_PERSON_EMAIL)
        );
        assert!(data.differences(&data.entries()).is_empty());
        let mut entries = data.entries();
        entries[2].1 = "1850315400028".into();
        entries.retain(|(k, _)| k != "Email");
        assert_eq!(data.differences(&entries), vec!["Identifier", "Email"]);
        assert!(!format!("{data:?}").contains("Ștefan"), "Debug is redacted");
        let legal = HolderData::from_certificate(&cert(pki.legal_person()));
        assert!(matches!(legal, Err(Error::NoHolderName)));
    }

    proptest! {
        #[test]
        fn folding_gives_lowercase_ascii(s in "\\PC{0,40}") {
            let f = fold_to_ascii(&s);
            prop_assert!(f.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        }
    }
}
