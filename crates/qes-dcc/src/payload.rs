//! The typed HCERT payload (EU DCC JSON schema, `DCC.Types` / `DCC.Core.Types`).
//!
//! ```text
//! { "ver": "1.3.0",
//!   "nam": { "fn", "fnt", "gn", "gnt" },
//!   "dob": "1979-04-14",
//!   exactly one of "v": [vaccination_entry], "t": [test_entry], "r": [recovery_entry] }
//! ```
//!
//! Every field is personal (health) data: `Debug` shows the schema version and the kind of
//! certificate, nothing else.

use serde::{Deserialize, Serialize};

use crate::error::{DccError, Result};
use crate::json::Json;

macro_rules! redacted_debug {
    ($t:ty, $name:literal) => {
        impl core::fmt::Debug for $t {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!($name, " { <redacted> }"))
            }
        }
    };
}

/// Surname(s) and forename(s), as printed and in the ICAO 9303 standardised form.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    /// `fn`: surname(s).
    #[serde(rename = "fn", default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// `fnt`: standardised surname(s) (`A-Z` and `<`).
    #[serde(rename = "fnt")]
    pub family_standardised: String,
    /// `gn`: forename(s).
    #[serde(rename = "gn", default, skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    /// `gnt`: standardised forename(s).
    #[serde(rename = "gnt", default, skip_serializing_if = "Option::is_none")]
    pub given_standardised: Option<String>,
}
redacted_debug!(PersonName, "PersonName");

/// One vaccination (`v` entry).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vaccination {
    /// `tg`: disease or agent targeted (SNOMED CT, value set `disease-agent-targeted`).
    #[serde(rename = "tg")]
    pub target: String,
    /// `vp`: vaccine or prophylaxis (value set `sct-vaccines-covid-19`).
    #[serde(rename = "vp")]
    pub vaccine: String,
    /// `mp`: medicinal product (value set `vaccines-covid-19-names`).
    #[serde(rename = "mp")]
    pub product: String,
    /// `ma`: marketing authorisation holder or manufacturer.
    #[serde(rename = "ma")]
    pub manufacturer: String,
    /// `dn`: number in a series of doses.
    #[serde(rename = "dn")]
    pub dose_number: u32,
    /// `sd`: overall number of doses in the series.
    #[serde(rename = "sd")]
    pub total_doses: u32,
    /// `dt`: date of vaccination (`YYYY-MM-DD`).
    #[serde(rename = "dt")]
    pub date: String,
    /// `co`: country of vaccination (ISO 3166-1 alpha-2).
    #[serde(rename = "co")]
    pub country: String,
    /// `is`: certificate issuer.
    #[serde(rename = "is")]
    pub issuer: String,
    /// `ci`: unique certificate identifier (UVCI).
    #[serde(rename = "ci")]
    pub id: String,
}
redacted_debug!(Vaccination, "Vaccination");

/// One test (`t` entry).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Test {
    /// `tg`: disease or agent targeted.
    #[serde(rename = "tg")]
    pub target: String,
    /// `tt`: type of test (LOINC: `LP6464-4` NAAT, `LP217198-3` rapid antigen).
    #[serde(rename = "tt")]
    pub test_type: String,
    /// `nm`: NAAT test name.
    #[serde(rename = "nm", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `ma`: rapid antigen test device identifier (value set `covid-19-lab-test-manufacturer-and-name`).
    #[serde(rename = "ma", default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// `sc`: date and time of sample collection (RFC 3339).
    #[serde(rename = "sc")]
    pub sample_collected: String,
    /// `dr`: date and time of the result (schemas before 1.3.0).
    #[serde(rename = "dr", default, skip_serializing_if = "Option::is_none")]
    pub result_date: Option<String>,
    /// `tr`: result (SNOMED CT `260415000` not detected, `260373001` detected).
    #[serde(rename = "tr")]
    pub result: String,
    /// `tc`: testing centre or facility.
    #[serde(rename = "tc", default, skip_serializing_if = "Option::is_none")]
    pub centre: Option<String>,
    /// `co`: country of the test.
    #[serde(rename = "co")]
    pub country: String,
    /// `is`: certificate issuer.
    #[serde(rename = "is")]
    pub issuer: String,
    /// `ci`: unique certificate identifier.
    #[serde(rename = "ci")]
    pub id: String,
}
redacted_debug!(Test, "Test");

/// One recovery statement (`r` entry).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovery {
    /// `tg`: disease or agent the holder recovered from.
    #[serde(rename = "tg")]
    pub target: String,
    /// `fr`: date of the holder's first positive NAAT result (`YYYY-MM-DD`).
    #[serde(rename = "fr")]
    pub first_positive: String,
    /// `co`: country of the test.
    #[serde(rename = "co")]
    pub country: String,
    /// `is`: certificate issuer.
    #[serde(rename = "is")]
    pub issuer: String,
    /// `df`: certificate valid from.
    #[serde(rename = "df")]
    pub valid_from: String,
    /// `du`: certificate valid until.
    #[serde(rename = "du")]
    pub valid_until: String,
    /// `ci`: unique certificate identifier.
    #[serde(rename = "ci")]
    pub id: String,
}
redacted_debug!(Recovery, "Recovery");

/// What the certificate attests: exactly one of vaccination, test or recovery.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Entry {
    /// `v`.
    Vaccination(Vaccination),
    /// `t`.
    Test(Test),
    /// `r`.
    Recovery(Recovery),
}

impl core::fmt::Debug for Entry {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?} {{ <redacted> }}", self.kind())
    }
}

impl Entry {
    /// The certificate type.
    pub fn kind(&self) -> CertificateType {
        match self {
            Self::Vaccination(_) => CertificateType::Vaccination,
            Self::Test(_) => CertificateType::Test,
            Self::Recovery(_) => CertificateType::Recovery,
        }
    }

    /// The UVCI (`ci`).
    pub fn id(&self) -> &str {
        match self {
            Self::Vaccination(v) => &v.id,
            Self::Test(t) => &t.id,
            Self::Recovery(r) => &r.id,
        }
    }
}

/// The three certificate types (and the DSC key usages restricting them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CertificateType {
    /// `v`.
    Vaccination,
    /// `t`.
    Test,
    /// `r`.
    Recovery,
}

impl CertificateType {
    /// `vaccination`, `test` or `recovery`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Vaccination => "vaccination",
            Self::Test => "test",
            Self::Recovery => "recovery",
        }
    }

    /// The payload key: `v`, `t` or `r`.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Vaccination => "v",
            Self::Test => "t",
            Self::Recovery => "r",
        }
    }

    /// The type of a JSON payload by which of `v`/`t`/`r` it has (exactly one).
    pub fn of_json(payload: &serde_json::Value) -> Option<Self> {
        Self::of_keys(|k| payload.get(k).is_some())
    }

    /// [`CertificateType::of_json`] of a payload read from CBOR.
    pub(crate) fn of_view(payload: &Json<'_>) -> Option<Self> {
        Self::of_keys(|k| payload.get(k).is_some())
    }

    fn of_keys(has: impl Fn(&str) -> bool) -> Option<Self> {
        let mut present = [Self::Vaccination, Self::Test, Self::Recovery]
            .into_iter()
            .filter(|t| has(t.key()));
        match (present.next(), present.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }
}

/// A version-1 EU DCC payload.
#[derive(Clone, PartialEq, Eq)]
pub struct HealthCertificate {
    /// `ver`: the schema version.
    pub ver: String,
    /// `nam`.
    pub name: PersonName,
    /// `dob`: date of birth (`YYYY-MM-DD`, `YYYY-MM`, `YYYY` or empty).
    pub date_of_birth: String,
    /// The one entry.
    pub entry: Entry,
}

impl core::fmt::Debug for HealthCertificate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HealthCertificate")
            .field("ver", &self.ver)
            .field("kind", &self.entry.kind())
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize, Serialize)]
struct Wire {
    ver: String,
    nam: PersonName,
    dob: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    v: Option<Vec<Vaccination>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<Vec<Test>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    r: Option<Vec<Recovery>>,
}

/// A serde error as [`DccError::Payload`]. serde's "invalid type" messages quote the value:
/// personal data stays out.
fn payload_error(e: impl serde::de::Error) -> DccError {
    let msg = e.to_string();
    DccError::Payload(if msg.starts_with("missing field") {
        msg
    } else {
        "a field has the wrong type".into()
    })
}

fn one<T>(group: Vec<T>, key: &str) -> Result<T> {
    let n = group.len();
    let mut it = group.into_iter();
    match (it.next(), n) {
        (Some(e), 1) => Ok(e),
        _ => Err(DccError::Payload(format!(
            "\"{key}\" has {n} entries, exactly one is allowed"
        ))),
    }
}

impl HealthCertificate {
    /// Read the typed payload from its JSON form.
    ///
    /// # Errors
    /// [`DccError::Payload`] when a field is missing or mistyped, when not exactly one of
    /// `v`/`t`/`r` is present, or when that group does not have exactly one entry.
    pub fn from_json(json: &serde_json::Value) -> Result<Self> {
        Self::from_wire(Wire::deserialize(json).map_err(payload_error))
    }

    /// [`HealthCertificate::from_json`] of a payload read from CBOR (the same serde derives).
    pub(crate) fn from_view(json: &Json<'_>) -> Result<Self> {
        Self::from_wire(Wire::deserialize(json.deserializer()).map_err(payload_error))
    }

    fn from_wire(wire: Result<Wire>) -> Result<Self> {
        let wire = wire?;
        let entry = match (wire.v, wire.t, wire.r) {
            (Some(v), None, None) => Entry::Vaccination(one(v, "v")?),
            (None, Some(t), None) => Entry::Test(one(t, "t")?),
            (None, None, Some(r)) => Entry::Recovery(one(r, "r")?),
            _ => {
                return Err(DccError::Payload(
                    "exactly one of \"v\", \"t\" or \"r\" is required".into(),
                ))
            }
        };
        Ok(Self {
            ver: wire.ver,
            name: wire.nam,
            date_of_birth: wire.dob,
            entry,
        })
    }

    /// The JSON form.
    pub fn to_json(&self) -> serde_json::Value {
        let (mut v, mut t, mut r) = (None, None, None);
        match &self.entry {
            Entry::Vaccination(e) => v = Some(vec![e.clone()]),
            Entry::Test(e) => t = Some(vec![e.clone()]),
            Entry::Recovery(e) => r = Some(vec![e.clone()]),
        }
        let wire = Wire {
            ver: self.ver.clone(),
            nam: self.name.clone(),
            dob: self.date_of_birth.clone(),
            v,
            t,
            r,
        };
        serde_json::to_value(wire).unwrap_or(serde_json::Value::Null)
    }
}
