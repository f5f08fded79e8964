//! The eHealth Network value sets (ehn-dcc-development/dcc-valuesets, Apache-2.0), vendored in
//! `data/valuesets/` with their source commit.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::error::{DccError, Result};

/// One value set: its id and the codes it lists (active or not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueSet {
    /// `valueSetId`.
    pub id: String,
    /// `valueSetDate`.
    pub date: String,
    codes: HashMap<String, String>,
}

impl ValueSet {
    /// Parse a value set file.
    ///
    /// # Errors
    /// [`DccError::Input`] when the JSON is not a value set.
    pub fn from_json(text: &str) -> Result<Self> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| DccError::Input(e.to_string()))?;
        let bad = || DccError::Input("not a value set (valueSetId, valueSetValues)".into());
        let id = v
            .get("valueSetId")
            .and_then(|x| x.as_str())
            .ok_or_else(bad)?;
        let date = v
            .get("valueSetDate")
            .and_then(|x| x.as_str())
            .unwrap_or_default();
        let values = v
            .get("valueSetValues")
            .and_then(|x| x.as_object())
            .ok_or_else(bad)?;
        let codes = values
            .iter()
            .map(|(k, e)| {
                let display = e
                    .get("display")
                    .and_then(|d| d.as_str())
                    .unwrap_or_default();
                (k.clone(), display.to_owned())
            })
            .collect();
        Ok(Self {
            id: id.into(),
            date: date.into(),
            codes,
        })
    }

    /// Whether `code` is listed.
    pub fn contains(&self, code: &str) -> bool {
        self.codes.contains_key(code)
    }

    /// The display text of `code`.
    pub fn display(&self, code: &str) -> Option<&str> {
        self.codes.get(code).map(String::as_str)
    }

    /// Every code.
    pub fn codes(&self) -> HashSet<&str> {
        self.codes.keys().map(String::as_str).collect()
    }
}

/// The value sets a verifier checks codes against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueSets {
    /// `disease-agent-targeted` (`tg`).
    pub disease_agent_targeted: ValueSet,
    /// `sct-vaccines-covid-19` (`v.vp`).
    pub vaccine_prophylaxis: ValueSet,
    /// `vaccines-covid-19-names` (`v.mp`).
    pub vaccine_medicinal_product: ValueSet,
    /// `vaccines-covid-19-auth-holders` (`v.ma`).
    pub vaccine_mah_manf: ValueSet,
    /// `covid-19-lab-test-type` (`t.tt`).
    pub test_type: ValueSet,
    /// `covid-19-lab-test-manufacturer-and-name` (`t.ma`).
    pub test_manufacturer: ValueSet,
    /// `covid-19-lab-result` (`t.tr`).
    pub test_result: ValueSet,
    /// `country-2-codes` (`co`).
    pub country: ValueSet,
}

impl ValueSets {
    /// The vendored value sets (parsed once).
    pub fn bundled() -> &'static ValueSets {
        static SETS: OnceLock<Option<ValueSets>> = OnceLock::new();
        static EMPTY: OnceLock<ValueSets> = OnceLock::new();
        let load = || -> Result<ValueSets> {
            Ok(ValueSets {
                disease_agent_targeted: ValueSet::from_json(include_str!(
                    "../data/valuesets/disease-agent-targeted.json"
                ))?,
                vaccine_prophylaxis: ValueSet::from_json(include_str!(
                    "../data/valuesets/vaccine-prophylaxis.json"
                ))?,
                vaccine_medicinal_product: ValueSet::from_json(include_str!(
                    "../data/valuesets/vaccine-medicinal-product.json"
                ))?,
                vaccine_mah_manf: ValueSet::from_json(include_str!(
                    "../data/valuesets/vaccine-mah-manf.json"
                ))?,
                test_type: ValueSet::from_json(include_str!("../data/valuesets/test-type.json"))?,
                test_manufacturer: ValueSet::from_json(include_str!(
                    "../data/valuesets/test-manf-example.json"
                ))?,
                test_result: ValueSet::from_json(include_str!(
                    "../data/valuesets/test-result.json"
                ))?,
                country: ValueSet::from_json(include_str!(
                    "../data/valuesets/country-2-codes.json"
                ))?,
            })
        };
        match SETS.get_or_init(|| load().ok()) {
            Some(s) => s,
            None => EMPTY.get_or_init(|| {
                let empty = ValueSet {
                    id: String::new(),
                    date: String::new(),
                    codes: HashMap::new(),
                };
                ValueSets {
                    disease_agent_targeted: empty.clone(),
                    vaccine_prophylaxis: empty.clone(),
                    vaccine_medicinal_product: empty.clone(),
                    vaccine_mah_manf: empty.clone(),
                    test_type: empty.clone(),
                    test_manufacturer: empty.clone(),
                    test_result: empty.clone(),
                    country: empty,
                }
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_sets_load() {
        let s = ValueSets::bundled();
        assert!(s.disease_agent_targeted.contains("840539006"));
        assert!(s.vaccine_medicinal_product.contains("EU/1/20/1528"));
        assert!(s.test_type.contains("LP6464-4"));
        assert!(s.test_result.contains("260415000"));
        assert!(s.country.contains("RO"));
        assert_eq!(
            s.vaccine_medicinal_product.display("EU/1/20/1528"),
            Some("Comirnaty")
        );
    }
}
