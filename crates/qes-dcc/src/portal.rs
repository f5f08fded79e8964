//! The issuance request as the national portal takes it, with typed validation problems.
//!
//! ```text
//! identity      CNP + ID card series (2 letters) and number (6 digits) + initials,
//!               or a minor under 14: CNP + initials + the parent's name and consent (no ID card),
//!               or passport / foreign ID: issuing country + number + initials
//! certificate   vaccination (product, county, month) | test (county, month) | recovery (county, month)
//! ```
//!
//! [`IssuanceRequest::validate`] reports every problem at once; [`IssuanceRequest::check_against`]
//! checks that a certificate payload answers the request (type, product, month, initials, birth
//! date from the CNP).

use chrono::{Datelike, NaiveDate};
use qes_cert::{Cnp, CnpError};
use serde::{Deserialize, Serialize};

use crate::error::{DccError, Result};
use crate::payload::{CertificateType, Entry, HealthCertificate};
use crate::time::parse_datetime;
use crate::valuesets::ValueSets;

/// Age below which the ID card is replaced by the parent's name and consent.
pub const MINOR_AGE: u32 = 14;

/// ISO 3166-2:RO county codes (41 counties and Bucharest, `B`).
pub const COUNTIES: [&str; 42] = [
    "AB", "AR", "AG", "BC", "BH", "BN", "BT", "BV", "BR", "BZ", "CS", "CL", "CJ", "CT", "CV", "DB",
    "DJ", "GL", "GR", "GJ", "HR", "HD", "IL", "IS", "IF", "MM", "MH", "MS", "NT", "OT", "PH", "SM",
    "SJ", "SB", "SV", "TR", "TM", "TL", "VS", "VL", "VN", "B",
];

/// How the holder is identified.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Identity {
    /// A Romanian personal numeric code.
    Cnp {
        /// The CNP.
        cnp: String,
        /// ID card series (absent for a minor under 14).
        #[serde(default)]
        id_series: Option<String>,
        /// ID card number (absent for a minor under 14).
        #[serde(default)]
        id_number: Option<String>,
        /// First letter of the surname.
        surname_initial: String,
        /// First letter of the given name.
        given_name_initial: String,
        /// For a minor under 14: the person exercising parental authority.
        #[serde(default)]
        guardian: Option<Guardian>,
    },
    /// A passport.
    Passport(ForeignDocument),
    /// A foreign identity document.
    ForeignId(ForeignDocument),
}

impl core::fmt::Debug for Identity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Cnp { .. } => "Identity::Cnp { <redacted> }",
            Self::Passport(_) => "Identity::Passport { <redacted> }",
            Self::ForeignId(_) => "Identity::ForeignId { <redacted> }",
        })
    }
}

/// A passport or foreign identity document.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignDocument {
    /// Issuing country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Document number.
    pub number: String,
    /// First letter of the surname.
    pub surname_initial: String,
    /// First letter of the given name.
    pub given_name_initial: String,
}

/// The person exercising parental authority over a minor, and their consent.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guardian {
    /// Full name.
    pub name: String,
    /// Consent to the issuance.
    pub consent: bool,
}

/// What is asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requested {
    /// Vaccination, test or recovery.
    pub certificate: CertificateType,
    /// Vaccination only: the medicinal product (`mp` code).
    #[serde(default)]
    pub product: Option<String>,
    /// County of the event (ISO 3166-2:RO code without `RO-`).
    pub county: String,
    /// Month of the event, `YYYY-MM`.
    pub month: String,
}

/// An issuance request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuanceRequest {
    /// The holder.
    pub identity: Identity,
    /// The certificate.
    #[serde(flatten)]
    pub requested: Requested,
}

/// One problem with a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestProblem {
    /// The CNP is invalid.
    #[error("CNP: {0}")]
    Cnp(CnpError),
    /// The CNP encodes no valid birth date.
    #[error("the CNP encodes no valid birth date")]
    CnpBirthDate,
    /// The ID card series or number is missing (holder 14 or older).
    #[error("the ID card series and number are required from age {MINOR_AGE}")]
    MissingIdCard,
    /// The ID card series is not two capital letters.
    #[error("the ID card series must be two capital letters")]
    IdSeries,
    /// The ID card number is not six digits.
    #[error("the ID card number must be six digits")]
    IdNumber,
    /// A minor under 14 has no ID card: series and number must be absent.
    #[error("a minor under {MINOR_AGE} has no ID card: leave series and number out")]
    IdCardForMinor,
    /// A minor under 14 needs the name of the person exercising parental authority.
    #[error(
        "a minor under {MINOR_AGE} needs the name of the person exercising parental authority"
    )]
    MissingGuardian,
    /// The guardian's consent is missing.
    #[error("the consent of the person exercising parental authority is missing")]
    MissingConsent,
    /// A guardian was given for a holder who is not a minor.
    #[error("a guardian is only given for a minor under {MINOR_AGE}")]
    GuardianForAdult,
    /// An initial is not one capital letter.
    #[error("the {which} initial must be one capital letter")]
    Initial {
        /// `surname` or `given name`.
        which: &'static str,
    },
    /// The document's issuing country is not an ISO 3166-1 alpha-2 code.
    #[error("the document's issuing country is not an ISO 3166-1 alpha-2 code")]
    DocumentCountry,
    /// The document number is not 5 to 20 letters or digits.
    #[error("the document number must be 5 to 20 capital letters or digits")]
    DocumentNumber,
    /// Vaccination without a product.
    #[error("a vaccination request needs the product")]
    MissingProduct,
    /// A product that is not in the value set.
    #[error("the product {0:?} is not in the vaccines-covid-19-names value set")]
    UnknownProduct(String),
    /// A product for a test or recovery certificate.
    #[error("only a vaccination request names a product")]
    UnexpectedProduct,
    /// An unknown county code.
    #[error("the county {0:?} is not an ISO 3166-2:RO code")]
    County(String),
    /// The month is not `YYYY-MM`.
    #[error("the month must be YYYY-MM")]
    Month,
    /// The month is after the request date.
    #[error("the month is in the future")]
    MonthInFuture,
    /// The month is before the first possible event (December 2020 for vaccinations, March
    /// 2020 for tests and recoveries).
    #[error("the month is before {0}")]
    MonthTooEarly(&'static str),
    /// The certificate does not answer the request.
    #[error("the certificate does not match the request: {0}")]
    Mismatch(&'static str),
}

fn is_initial(s: &str) -> bool {
    s.len() == 1 && s.bytes().all(|b| b.is_ascii_uppercase())
}

fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

/// Full years between `birth` and `on`.
fn age(birth: NaiveDate, on: NaiveDate) -> u32 {
    on.years_since(birth).unwrap_or(0)
}

impl IssuanceRequest {
    /// Parse a JSON request (see the module docs for the shape).
    ///
    /// # Errors
    /// [`DccError::Input`] when the JSON does not have the request's shape.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        serde_json::from_slice(bytes).map_err(|e| DccError::Input(format!("request: {e}")))
    }

    /// Check every rule, as of `today` (the request date).
    ///
    /// # Errors
    /// [`DccError::Request`] with every problem found.
    pub fn validate(&self, today: NaiveDate, sets: &ValueSets) -> Result<()> {
        let mut p = Vec::new();
        let initials = |s: &str, g: &str, p: &mut Vec<RequestProblem>| {
            if !is_initial(s) {
                p.push(RequestProblem::Initial { which: "surname" });
            }
            if !is_initial(g) {
                p.push(RequestProblem::Initial {
                    which: "given name",
                });
            }
        };
        match &self.identity {
            Identity::Cnp {
                cnp,
                id_series,
                id_number,
                surname_initial,
                given_name_initial,
                guardian,
            } => {
                initials(surname_initial, given_name_initial, &mut p);
                match Cnp::parse(cnp) {
                    Err(e) => p.push(RequestProblem::Cnp(e)),
                    Ok(cnp) => match cnp.birth_date() {
                        None => p.push(RequestProblem::CnpBirthDate),
                        Some(born) if age(born, today) < MINOR_AGE => {
                            if id_series.is_some() || id_number.is_some() {
                                p.push(RequestProblem::IdCardForMinor);
                            }
                            match guardian {
                                None => p.push(RequestProblem::MissingGuardian),
                                Some(g) => {
                                    if g.name.trim().is_empty() {
                                        p.push(RequestProblem::MissingGuardian);
                                    }
                                    if !g.consent {
                                        p.push(RequestProblem::MissingConsent);
                                    }
                                }
                            }
                        }
                        Some(_) => {
                            if guardian.is_some() {
                                p.push(RequestProblem::GuardianForAdult);
                            }
                            match (id_series, id_number) {
                                (Some(s), Some(n)) => {
                                    if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
                                        p.push(RequestProblem::IdSeries);
                                    }
                                    if n.len() != 6 || !n.bytes().all(|b| b.is_ascii_digit()) {
                                        p.push(RequestProblem::IdNumber);
                                    }
                                }
                                _ => p.push(RequestProblem::MissingIdCard),
                            }
                        }
                    },
                }
            }
            Identity::Passport(d) | Identity::ForeignId(d) => {
                initials(&d.surname_initial, &d.given_name_initial, &mut p);
                if !sets.country.contains(&d.country) {
                    p.push(RequestProblem::DocumentCountry);
                }
                let n = d.number.len();
                if !(5..=20).contains(&n)
                    || !d
                        .number
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                {
                    p.push(RequestProblem::DocumentNumber);
                }
            }
        }
        let r = &self.requested;
        match (r.certificate, &r.product) {
            (CertificateType::Vaccination, None) => p.push(RequestProblem::MissingProduct),
            (CertificateType::Vaccination, Some(mp)) => {
                if !sets.vaccine_medicinal_product.contains(mp) {
                    p.push(RequestProblem::UnknownProduct(mp.clone()));
                }
            }
            (_, Some(_)) => p.push(RequestProblem::UnexpectedProduct),
            (_, None) => {}
        }
        if !COUNTIES.contains(&r.county.as_str()) {
            p.push(RequestProblem::County(r.county.clone()));
        }
        match parse_month(&r.month) {
            None => p.push(RequestProblem::Month),
            Some(m) => {
                if m > (today.year(), today.month()) {
                    p.push(RequestProblem::MonthInFuture);
                }
                let (earliest, name) = match r.certificate {
                    CertificateType::Vaccination => ((2020, 12), "December 2020"),
                    _ => ((2020, 3), "March 2020"),
                };
                if m < earliest {
                    p.push(RequestProblem::MonthTooEarly(name));
                }
            }
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(DccError::Request(p))
        }
    }

    /// Check that `cert` answers this request: same type, the product (vaccination), the
    /// event in the requested month, the initials of the standardised names, and for a CNP the
    /// birth date.
    ///
    /// # Errors
    /// [`DccError::Request`] with every [`RequestProblem::Mismatch`] found.
    pub fn check_against(&self, cert: &HealthCertificate) -> Result<()> {
        let mut p = Vec::new();
        let r = &self.requested;
        if cert.entry.kind() != r.certificate {
            p.push(RequestProblem::Mismatch("certificate type"));
        }
        let event = match &cert.entry {
            Entry::Vaccination(v) => {
                if r.product.as_deref() != Some(v.product.as_str()) {
                    p.push(RequestProblem::Mismatch("product"));
                }
                v.date.as_str()
            }
            Entry::Test(t) => t.sample_collected.as_str(),
            Entry::Recovery(rc) => rc.first_positive.as_str(),
        };
        let month = parse_datetime(event).map(|t| (t.year(), t.month()));
        if month.is_none() || month != parse_month(&r.month) {
            p.push(RequestProblem::Mismatch("month"));
        }
        let (s, g, cnp) = match &self.identity {
            Identity::Cnp {
                cnp,
                surname_initial,
                given_name_initial,
                ..
            } => (surname_initial, given_name_initial, Some(cnp)),
            Identity::Passport(d) | Identity::ForeignId(d) => {
                (&d.surname_initial, &d.given_name_initial, None)
            }
        };
        if !cert.name.family_standardised.starts_with(s.as_str()) {
            p.push(RequestProblem::Mismatch("surname initial"));
        }
        let gnt = cert.name.given_standardised.as_deref().unwrap_or_default();
        if !gnt.starts_with(g.as_str()) {
            p.push(RequestProblem::Mismatch("given name initial"));
        }
        if let Some(cnp) = cnp.and_then(|c| Cnp::parse(c).ok()) {
            let born = cnp.birth_date().map(|d| d.format("%Y-%m-%d").to_string());
            if born.as_deref() != Some(cert.date_of_birth.as_str()) {
                p.push(RequestProblem::Mismatch("birth date"));
            }
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(DccError::Request(p))
        }
    }
}
