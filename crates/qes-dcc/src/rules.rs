//! Business rules: whether a valid certificate is accepted at a given time, with the national
//! defaults (every number configurable), and the value-set checks of its codes.
//!
//! Refusal reasons name the rule and its configured numbers, never a date of the holder's.

use chrono::{DateTime, Duration, Utc};

use crate::error::{DccError, Result};
use crate::payload::{Entry, HealthCertificate, Recovery, Test, Vaccination};
use crate::time::{parse_date, parse_datetime};
use crate::valuesets::{ValueSet, ValueSets};

/// SNOMED CT code of COVID-19 (`tg`).
pub const COVID_19: &str = "840539006";
/// LOINC: nucleic acid amplification with probe detection (NAAT, RT-PCR).
pub const TEST_NAAT: &str = "LP6464-4";
/// LOINC: rapid immunoassay (rapid antigen test).
pub const TEST_RAT: &str = "LP217198-3";
/// SNOMED CT: not detected.
pub const RESULT_NOT_DETECTED: &str = "260415000";

/// Whether codes must be in the value sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueSetPolicy {
    /// Every coded field must be in its value set (the default).
    Require,
    /// Do not check codes (e.g. national codes outside the EU value sets).
    Ignore,
}

/// The acceptance rules. [`Rules::default`] are the national defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    /// A complete vaccination (`dn >= sd`) is accepted from this long after `dt` (10 days).
    pub vaccination_wait: Duration,
    /// A negative NAAT / RT-PCR test is accepted this long after `sc` (72 hours).
    pub naat_validity: Duration,
    /// A negative rapid antigen test is accepted this long after `sc` (48 hours).
    pub rat_validity: Duration,
    /// A recovery is accepted from this many days after the first positive test (15) ...
    pub recovery_from_days: i64,
    /// ... until this many days after it (180).
    pub recovery_until_days: i64,
    /// Value-set checks.
    pub value_sets: ValueSetPolicy,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            vaccination_wait: Duration::days(10),
            naat_validity: Duration::hours(72),
            rat_validity: Duration::hours(48),
            recovery_from_days: 15,
            recovery_until_days: 180,
            value_sets: ValueSetPolicy::Require,
        }
    }
}

fn rule(rule: &'static str, reason: impl Into<String>) -> DccError {
    DccError::Rule {
        rule,
        reason: reason.into(),
    }
}

fn in_set(set: &ValueSet, field: &'static str, code: &str) -> Result<()> {
    if set.contains(code) {
        Ok(())
    } else {
        Err(DccError::ValueSet {
            field,
            code: code.into(),
            value_set: match set.id.as_str() {
                "disease-agent-targeted" => "disease-agent-targeted",
                "sct-vaccines-covid-19" => "sct-vaccines-covid-19",
                "vaccines-covid-19-names" => "vaccines-covid-19-names",
                "vaccines-covid-19-auth-holders" => "vaccines-covid-19-auth-holders",
                "covid-19-lab-test-type" => "covid-19-lab-test-type",
                "covid-19-lab-test-manufacturer-and-name" => {
                    "covid-19-lab-test-manufacturer-and-name"
                }
                "covid-19-lab-result" => "covid-19-lab-result",
                "country-2-codes" => "country-2-codes",
                _ => "value set",
            },
        })
    }
}

impl Rules {
    /// Check the codes of `cert` against `sets`.
    ///
    /// # Errors
    /// [`DccError::ValueSet`] for the first code outside its set.
    pub fn check_value_sets(&self, cert: &HealthCertificate, sets: &ValueSets) -> Result<()> {
        if self.value_sets == ValueSetPolicy::Ignore {
            return Ok(());
        }
        match &cert.entry {
            Entry::Vaccination(v) => {
                in_set(&sets.disease_agent_targeted, "v/0/tg", &v.target)?;
                in_set(&sets.vaccine_prophylaxis, "v/0/vp", &v.vaccine)?;
                in_set(&sets.vaccine_medicinal_product, "v/0/mp", &v.product)?;
                in_set(&sets.vaccine_mah_manf, "v/0/ma", &v.manufacturer)?;
                in_set(&sets.country, "v/0/co", &v.country)?;
            }
            Entry::Test(t) => {
                in_set(&sets.disease_agent_targeted, "t/0/tg", &t.target)?;
                in_set(&sets.test_type, "t/0/tt", &t.test_type)?;
                if let Some(ma) = &t.device {
                    in_set(&sets.test_manufacturer, "t/0/ma", ma)?;
                }
                in_set(&sets.test_result, "t/0/tr", &t.result)?;
                in_set(&sets.country, "t/0/co", &t.country)?;
            }
            Entry::Recovery(r) => {
                in_set(&sets.disease_agent_targeted, "r/0/tg", &r.target)?;
                in_set(&sets.country, "r/0/co", &r.country)?;
            }
        }
        Ok(())
    }

    /// Whether `cert` is accepted at `at` (value sets first, then the rule of its type).
    ///
    /// # Errors
    /// [`DccError::ValueSet`] or [`DccError::Rule`] naming the rule that refuses.
    pub fn check(
        &self,
        cert: &HealthCertificate,
        sets: &ValueSets,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.check_value_sets(cert, sets)?;
        match &cert.entry {
            Entry::Vaccination(v) => self.vaccination(v, at),
            Entry::Test(t) => self.test(t, at),
            Entry::Recovery(r) => self.recovery(r, at),
        }
    }

    fn disease(tg: &str) -> Result<()> {
        if tg == COVID_19 {
            Ok(())
        } else {
            Err(rule("GR-DISEASE", "the targeted disease is not COVID-19"))
        }
    }

    fn vaccination(&self, v: &Vaccination, at: DateTime<Utc>) -> Result<()> {
        Self::disease(&v.target)?;
        if v.dose_number == 0 || v.total_doses == 0 {
            return Err(rule("VR-DOSES", "dose numbers must be positive"));
        }
        if v.dose_number < v.total_doses {
            return Err(rule(
                "VR-COMPLETE",
                "the vaccination scheme is not complete (dn < sd)",
            ));
        }
        let dt = parse_date(&v.date).ok_or_else(|| rule("VR-DATE", "dt is not a date"))?;
        if at < dt {
            return Err(rule(
                "VR-DATE",
                "vaccination date is after the validation time",
            ));
        }
        let from = dt + self.vaccination_wait;
        if at < from {
            return Err(rule(
                "VR-WAIT",
                format!(
                    "accepted from {} days after the vaccination",
                    self.vaccination_wait.num_days()
                ),
            ));
        }
        Ok(())
    }

    fn test(&self, t: &Test, at: DateTime<Utc>) -> Result<()> {
        Self::disease(&t.target)?;
        if t.result != RESULT_NOT_DETECTED {
            return Err(rule("TR-NEGATIVE", "the test result is not negative"));
        }
        let validity = match t.test_type.as_str() {
            TEST_NAAT => self.naat_validity,
            TEST_RAT => self.rat_validity,
            _ => return Err(rule("TR-TYPE", "unknown test type")),
        };
        let sc = parse_datetime(&t.sample_collected)
            .ok_or_else(|| rule("TR-DATE", "sc is not a date-time"))?;
        if at < sc {
            return Err(rule(
                "TR-DATE",
                "sample collected after the validation time",
            ));
        }
        let until = sc + validity;
        if at > until {
            return Err(rule(
                "TR-VALIDITY",
                format!(
                    "valid for {} hours after sample collection",
                    validity.num_hours()
                ),
            ));
        }
        Ok(())
    }

    fn recovery(&self, r: &Recovery, at: DateTime<Utc>) -> Result<()> {
        Self::disease(&r.target)?;
        let fr =
            parse_date(&r.first_positive).ok_or_else(|| rule("RR-DATE", "fr is not a date"))?;
        let from = fr + Duration::days(self.recovery_from_days);
        let until = fr + Duration::days(self.recovery_until_days);
        if at < from {
            return Err(rule(
                "RR-FROM",
                format!(
                    "accepted from day {} after the first positive test",
                    self.recovery_from_days
                ),
            ));
        }
        // Day `recovery_until_days` is the last day accepted.
        if at >= until + Duration::days(1) {
            return Err(rule(
                "RR-UNTIL",
                format!(
                    "accepted until day {} after the first positive test",
                    self.recovery_until_days
                ),
            ));
        }
        Ok(())
    }
}
