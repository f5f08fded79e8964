//! Romanian identifiers carried in qualified certificates: the personal numeric code (CNP,
//! `PNORO-…`) and the fiscal code of a legal person (CUI/CIF, `VATRO-…`).
//!
//! ```text
//! CNP  =  S  AA LL ZZ  JJ  NNN  C          -- 13 decimal digits
//!         |  |  |  |   |   |    control digit: Σ dᵢ·wᵢ mod 11 (10 → 1), w = 279146358279
//!         |  |  |  |   |   serial number within the county and day, 001–999
//!         |  |  |  |   county code (01–46, 47–48 historical Bucharest sectors, 51, 52, 70)
//!         |  birth year (2 digits), month, day
//!         sex and century: 1/2 1900s, 3/4 1800s, 5/6 2000s, 7/8 resident foreigner,
//!         9 foreigner; odd male, even female
//!
//! CUI  =  up to 10 digits, last is control: (Σ dᵢ·wᵢ · 10) mod 11 (10 → 0),
//!         w = 753217532 right-aligned to the digits before the control digit
//! ```

use chrono::NaiveDate;
use serde::Serialize;

/// Why a string is not a valid CNP.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CnpError {
    /// Not 13 characters.
    #[error("a CNP has 13 digits, got {len} characters")]
    WrongLength {
        /// The number of characters received.
        len: usize,
    },
    /// A character that is not an ASCII digit.
    #[error("CNP character at position {position} is not a digit")]
    NonDigit {
        /// 0-based byte position.
        position: usize,
    },
    /// First digit 0 (no sex/century assigned).
    #[error("CNP first digit 0 does not encode a sex and century")]
    InvalidSexDigit,
    /// The birth date is not a calendar date.
    #[error("CNP birth date {year_of_century:02}-{month:02}-{day:02} is not a calendar date")]
    InvalidDate {
        /// Two-digit year.
        year_of_century: u8,
        /// Month digits.
        month: u8,
        /// Day digits.
        day: u8,
    },
    /// An unassigned county code.
    #[error("CNP county code {code:02} is not assigned")]
    UnknownCounty {
        /// The county digits.
        code: u8,
    },
    /// The serial number `NNN` is `000`; it is assigned from 001 to 999.
    #[error("CNP serial number 000 is not assigned (001–999)")]
    InvalidSerial,
    /// The control digit does not match.
    #[error("CNP control digit is {found}, expected {expected}")]
    BadChecksum {
        /// The 13th digit.
        found: u8,
        /// The computed control digit.
        expected: u8,
    },
}

/// Why a string is not a valid Romanian fiscal code (CUI).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CuiError {
    /// Not 2 to 10 digits (after an optional `RO` prefix).
    #[error("a CUI has 2 to 10 digits, got {len} characters")]
    WrongLength {
        /// The number of characters received.
        len: usize,
    },
    /// A character that is not an ASCII digit.
    #[error("CUI character at position {position} is not a digit")]
    NonDigit {
        /// 0-based byte position (after the prefix).
        position: usize,
    },
    /// The first digit is 0: a CUI is a number and is written without leading zeros.
    #[error("a CUI does not start with 0")]
    LeadingZero,
    /// The control digit does not match.
    #[error("CUI control digit is {found}, expected {expected}")]
    BadChecksum {
        /// The last digit.
        found: u8,
        /// The computed control digit.
        expected: u8,
    },
}

/// Sex as encoded in the CNP's first digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Odd first digit.
    Male,
    /// Even first digit.
    Female,
    /// First digit 9 (foreigner) does not encode it.
    Unspecified,
}

/// Residence status as encoded in the CNP's first digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Residency {
    /// Romanian citizen (first digit 1–6).
    Citizen,
    /// Foreign resident (7, 8).
    ForeignResident,
    /// Foreigner (9).
    Foreigner,
}

/// CNP weights for digits 1..=12.
const CNP_WEIGHTS: [u32; 12] = [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9];
/// CUI weights, right-aligned to the digits before the control digit.
const CUI_WEIGHTS: [u32; 9] = [7, 5, 3, 2, 1, 7, 5, 3, 2];

/// A valid Romanian personal numeric code (Cod Numeric Personal).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cnp {
    digits: [u8; 13],
}

impl core::fmt::Debug for Cnp {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Cnp").field(&self.as_string()).finish()
    }
}

impl core::fmt::Display for Cnp {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.as_string())
    }
}

impl core::str::FromStr for Cnp {
    type Err = CnpError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Cnp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Cnp", 6)?;
        st.serialize_field("value", &self.as_string())?;
        st.serialize_field("sex", &self.sex())?;
        st.serialize_field("residency", &self.residency())?;
        st.serialize_field("birth_date", &self.birth_date().map(|d| d.to_string()))?;
        st.serialize_field("county_code", &self.county_code())?;
        st.serialize_field("county", &self.county())?;
        st.end()
    }
}

/// The control digit for the first 12 CNP digits.
pub fn cnp_control_digit(first12: &[u8; 12]) -> u8 {
    let sum: u32 = first12
        .iter()
        .zip(CNP_WEIGHTS)
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    match sum % 11 {
        10 => 1,
        // `sum % 11` is below 11.
        r => u8::try_from(r).unwrap_or(0),
    }
}

impl Cnp {
    /// Validate and decode a CNP.
    ///
    /// # Errors
    /// [`CnpError`] names the first failed check, in order: length, digits, sex digit,
    /// birth date, county, serial number, control digit.
    pub fn parse(s: &str) -> Result<Self, CnpError> {
        let bytes = s.as_bytes();
        if bytes.len() != 13 {
            return Err(CnpError::WrongLength {
                len: s.chars().count(),
            });
        }
        let mut digits = [0u8; 13];
        for (position, (slot, &b)) in digits.iter_mut().zip(bytes).enumerate() {
            if !b.is_ascii_digit() {
                return Err(CnpError::NonDigit { position });
            }
            *slot = b - b'0';
        }
        let cnp = Self { digits };
        if cnp.d(0) == 0 {
            return Err(CnpError::InvalidSexDigit);
        }
        let (yy, mm, dd) = (cnp.pair(1), cnp.pair(3), cnp.pair(5));
        let date_ok = match cnp.century() {
            Some(c) => date(c + i32::from(yy), mm, dd).is_some(),
            None => date(1900 + i32::from(yy), mm, dd)
                .or(date(2000 + i32::from(yy), mm, dd))
                .is_some(),
        };
        if !date_ok {
            return Err(CnpError::InvalidDate {
                year_of_century: yy,
                month: mm,
                day: dd,
            });
        }
        let county = cnp.pair(7);
        if county_name(county).is_none() {
            return Err(CnpError::UnknownCounty { code: county });
        }
        if cnp.serial() == 0 {
            return Err(CnpError::InvalidSerial);
        }
        let mut first12 = [0u8; 12];
        first12.copy_from_slice(digits.get(..12).unwrap_or(&[0; 12]));
        let expected = cnp_control_digit(&first12);
        let found = cnp.d(12);
        if expected != found {
            return Err(CnpError::BadChecksum { found, expected });
        }
        Ok(cnp)
    }

    fn d(&self, i: usize) -> u8 {
        self.digits.get(i).copied().unwrap_or(0)
    }

    fn pair(&self, i: usize) -> u8 {
        self.d(i) * 10 + self.d(i + 1)
    }

    fn as_string(&self) -> String {
        self.digits.iter().map(|&d| char::from(b'0' + d)).collect()
    }

    /// The 13 digits.
    pub fn digits(&self) -> [u8; 13] {
        self.digits
    }

    /// The sex encoded in the first digit.
    pub fn sex(&self) -> Sex {
        match self.d(0) {
            9 => Sex::Unspecified,
            d if d % 2 == 1 => Sex::Male,
            _ => Sex::Female,
        }
    }

    /// Citizen, foreign resident or foreigner.
    pub fn residency(&self) -> Residency {
        match self.d(0) {
            7 | 8 => Residency::ForeignResident,
            9 => Residency::Foreigner,
            _ => Residency::Citizen,
        }
    }

    /// The first year of the birth century (1800, 1900, 2000), when the first digit encodes it
    /// (1–6); foreigners' codes (7–9) do not.
    pub fn century(&self) -> Option<i32> {
        match self.d(0) {
            1 | 2 => Some(1900),
            3 | 4 => Some(1800),
            5 | 6 => Some(2000),
            _ => None,
        }
    }

    /// The birth date, when the century is encoded (first digit 1–6).
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let c = self.century()?;
        date(c + i32::from(self.pair(1)), self.pair(3), self.pair(5))
    }

    /// Birth year within the century, month and day, as encoded.
    pub fn birth_year_month_day(&self) -> (u8, u8, u8) {
        (self.pair(1), self.pair(3), self.pair(5))
    }

    /// The county code (digits 8–9).
    pub fn county_code(&self) -> u8 {
        self.pair(7)
    }

    /// The county's name.
    pub fn county(&self) -> &'static str {
        county_name(self.county_code()).unwrap_or("")
    }

    /// The serial number within county and birth day (digits 10–12).
    pub fn serial(&self) -> u16 {
        u16::from(self.d(9)) * 100 + u16::from(self.d(10)) * 10 + u16::from(self.d(11))
    }
}

fn date(year: i32, month: u8, day: u8) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day))
}

/// County name for a CNP county code.
pub fn county_name(code: u8) -> Option<&'static str> {
    Some(match code {
        1 => "Alba",
        2 => "Arad",
        3 => "Argeș",
        4 => "Bacău",
        5 => "Bihor",
        6 => "Bistrița-Năsăud",
        7 => "Botoșani",
        8 => "Brașov",
        9 => "Brăila",
        10 => "Buzău",
        11 => "Caraș-Severin",
        12 => "Cluj",
        13 => "Constanța",
        14 => "Covasna",
        15 => "Dâmbovița",
        16 => "Dolj",
        17 => "Galați",
        18 => "Gorj",
        19 => "Harghita",
        20 => "Hunedoara",
        21 => "Ialomița",
        22 => "Iași",
        23 => "Ilfov",
        24 => "Maramureș",
        25 => "Mehedinți",
        26 => "Mureș",
        27 => "Neamț",
        28 => "Olt",
        29 => "Prahova",
        30 => "Satu Mare",
        31 => "Sălaj",
        32 => "Sibiu",
        33 => "Suceava",
        34 => "Teleorman",
        35 => "Timiș",
        36 => "Tulcea",
        37 => "Vaslui",
        38 => "Vâlcea",
        39 => "Vrancea",
        40 => "București",
        41 => "București Sector 1",
        42 => "București Sector 2",
        43 => "București Sector 3",
        44 => "București Sector 4",
        45 => "București Sector 5",
        46 => "București Sector 6",
        47 => "București Sector 7 (historical)",
        48 => "București Sector 8 (historical)",
        51 => "Călărași",
        52 => "Giurgiu",
        // Since 8 May 2024 the integrated civil-status system (SIIEASC) generates every new CNP
        // with the single code 70 instead of the county or sector: Ministerul Afacerilor
        // Interne, communiqué on SIIEASC ("codul numeric personal (CNP) care conține codul
        // unic 70"), https://mai.gov.ro/1-474-de-evenimente-de-stare-civila-inregistrate-in-
        // sistemul-informatic-integrat-pentru-emiterea-actelor-de-stare-civila-siieasc; the
        // Norme metodologice of 2024 (Monitorul Oficial nr. 269/2024) set up SIIEASC.
        70 => "any county (CNP generated by SIIEASC since 2024)",
        _ => return None,
    })
}

/// A valid Romanian fiscal identification code (CUI / CIF) of a legal person.
///
/// Serializes as `{"value": "<digits>"}`, the same shape as [`Cnp`]'s `value`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cui(String);

impl Serialize for Cui {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Cui", 1)?;
        st.serialize_field("value", &self.0)?;
        st.end()
    }
}

impl core::fmt::Debug for Cui {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Cui").field(&self.0).finish()
    }
}

impl core::fmt::Display for Cui {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::str::FromStr for Cui {
    type Err = CuiError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Cui {
    /// Validate a CUI, with or without the `RO` VAT prefix (in any letter case).
    ///
    /// # Errors
    /// [`CuiError`] for a wrong length, a non-digit, a leading zero or a wrong control digit.
    pub fn parse(s: &str) -> Result<Self, CuiError> {
        let digits = match s.get(..2) {
            Some(prefix) if prefix.eq_ignore_ascii_case("RO") => s.get(2..).unwrap_or_default(),
            _ => s,
        };
        let len = digits.chars().count();
        if !(2..=10).contains(&len) || len != digits.len() {
            return Err(CuiError::WrongLength { len });
        }
        let mut values = Vec::with_capacity(len);
        for (position, b) in digits.bytes().enumerate() {
            if !b.is_ascii_digit() {
                return Err(CuiError::NonDigit { position });
            }
            values.push(b - b'0');
        }
        if values.first() == Some(&0) {
            return Err(CuiError::LeadingZero);
        }
        let (found, body) = match values.split_last() {
            Some((last, body)) => (*last, body),
            None => return Err(CuiError::WrongLength { len }),
        };
        let skip = CUI_WEIGHTS.len().saturating_sub(body.len());
        let sum: u32 = body
            .iter()
            .zip(CUI_WEIGHTS.iter().skip(skip))
            .map(|(&d, &w)| u32::from(d) * w)
            .sum();
        let expected = match (sum * 10) % 11 {
            10 => 0,
            r => u8::try_from(r).unwrap_or(0),
        };
        if expected != found {
            return Err(CuiError::BadChecksum { found, expected });
        }
        Ok(Self(digits.to_owned()))
    }

    /// The digits, without any `RO` prefix.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_cnp() {
        // 1 (male, 1900s) 960101 (1996-01-01) 12 (Cluj) 345, control computed below.
        let mut first12 = [1, 9, 6, 0, 1, 0, 1, 1, 2, 3, 4, 5];
        let c = cnp_control_digit(&first12);
        let s: String = first12
            .iter()
            .chain([c].iter())
            .map(|d| char::from(b'0' + d))
            .collect();
        let cnp = Cnp::parse(&s).unwrap();
        assert_eq!(cnp.sex(), Sex::Male);
        assert_eq!(cnp.birth_date(), NaiveDate::from_ymd_opt(1996, 1, 1));
        assert_eq!(cnp.county(), "Cluj");
        first12[0] = 2;
        let c = cnp_control_digit(&first12);
        let s: String = first12
            .iter()
            .chain([c].iter())
            .map(|d| char::from(b'0' + d))
            .collect();
        assert_eq!(Cnp::parse(&s).unwrap().sex(), Sex::Female);
    }

    #[test]
    fn public_example_cnp() {
        // Widely published sample: 1800101221144 (male, 1980-01-01, Iași).
        let cnp = Cnp::parse("1800101221144").unwrap();
        assert_eq!(cnp.county(), "Iași");
        assert_eq!(cnp.birth_date(), NaiveDate::from_ymd_opt(1980, 1, 1));
    }

    #[test]
    fn typed_errors() {
        assert_eq!(Cnp::parse("123"), Err(CnpError::WrongLength { len: 3 }));
        assert_eq!(
            Cnp::parse("18001012211a4"),
            Err(CnpError::NonDigit { position: 11 })
        );
        assert_eq!(Cnp::parse("0800101221144"), Err(CnpError::InvalidSexDigit));
        assert!(matches!(
            Cnp::parse("1800230221144"),
            Err(CnpError::InvalidDate { .. })
        ));
        assert!(matches!(
            Cnp::parse("1800101491144"),
            Err(CnpError::UnknownCounty { code: 49 })
        ));
        assert!(matches!(
            Cnp::parse("1800101221145"),
            Err(CnpError::BadChecksum { .. })
        ));
        // Multi-byte characters never panic.
        assert!(Cnp::parse("ăăăăăăăăăăăăă").is_err());
    }

    #[test]
    fn leap_day_depends_on_century() {
        // 29 Feb 1900 does not exist, 29 Feb 2000 does.
        for (first, ok) in [(1u8, false), (5u8, true)] {
            let first12 = [first, 0, 0, 0, 2, 2, 9, 4, 0, 0, 0, 1];
            let c = cnp_control_digit(&first12);
            let s: String = first12
                .iter()
                .chain([c].iter())
                .map(|d| char::from(b'0' + d))
                .collect();
            assert_eq!(Cnp::parse(&s).is_ok(), ok, "{s}");
        }
    }

    #[test]
    fn cui_checksum() {
        // RO18547290 is a published example (control digit 0 via the 10 → 0 rule? computed).
        assert!(Cui::parse("18547290").is_ok());
        assert!(Cui::parse("RO18547290").is_ok());
        assert!(matches!(
            Cui::parse("18547291"),
            Err(CuiError::BadChecksum { .. })
        ));
        assert!(matches!(Cui::parse("1"), Err(CuiError::WrongLength { .. })));
        assert!(matches!(
            Cui::parse("12a4"),
            Err(CuiError::NonDigit { position: 2 })
        ));
    }
}
