//! Romanian identifiers the holder profiles carry: the CNP (personal numeric code) and the
//! CUI (fiscal code), with their control digits.

/// Weights of the CNP control digit (HG 839/1992 rules, as applied by the Romanian
/// population register).
const CNP_WEIGHTS: [u32; 12] = [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9];
/// Weights of the CUI control digit ("testing key" 753217532).
const CUI_WEIGHTS: [u32; 9] = [7, 5, 3, 2, 1, 7, 5, 3, 2];

/// The control digit of a CNP from its first 12 digits:
/// `(Σ dᵢ·wᵢ) mod 11`, with 10 mapped to 1, weights `279146358279`.
///
/// Returns `None` unless `first12` is exactly 12 ASCII digits.
pub fn cnp_control_digit(first12: &str) -> Option<u32> {
    if first12.len() != 12 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first12.chars().zip(CNP_WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(match sum % 11 {
        10 => 1,
        r => r,
    })
}

/// Whether `cnp` is 13 digits whose last digit is the control digit of the first 12.
///
/// Only the checksum is checked (not the birth date or county), which is what the test
/// fixtures need; `qes-cert` owns full CNP decoding.
pub fn cnp_is_valid(cnp: &str) -> bool {
    match (
        cnp.get(..12),
        cnp.get(12..).and_then(|d| d.parse::<u32>().ok()),
    ) {
        (Some(head), Some(control)) if cnp.len() == 13 => cnp_control_digit(head) == Some(control),
        _ => false,
    }
}

/// The control digit of a CUI from its digits without the control digit (1 to 9 digits):
/// pad left with zeros to 9 digits, `(Σ dᵢ·wᵢ)·10 mod 11` with weights `753217532`,
/// 10 mapped to 0.
///
/// Returns `None` unless `body` is 1 to 9 ASCII digits.
pub fn cui_control_digit(body: &str) -> Option<u32> {
    if body.is_empty() || body.len() > 9 {
        return None;
    }
    let padded = format!("{body:0>9}");
    let mut sum = 0u32;
    for (c, w) in padded.chars().zip(CUI_WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(match sum * 10 % 11 {
        10 => 0,
        r => r,
    })
}

/// Whether `cui` (2 to 10 digits, no `RO` prefix) ends with the control digit of the rest.
pub fn cui_is_valid(cui: &str) -> bool {
    let Some(split) = cui.len().checked_sub(1) else {
        return false;
    };
    match (
        cui.get(..split),
        cui.get(split..).and_then(|d| d.parse::<u32>().ok()),
    ) {
        (Some(body), Some(control)) => cui_control_digit(body) == Some(control),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!(cnp_is_valid(crate::NATURAL_PERSON_CNP));
        assert!(cnp_is_valid("2901127400127"));
        assert!(!cnp_is_valid("1850315400011"));
        assert!(!cnp_is_valid("185031540001"));
        assert!(!cnp_is_valid("18503154000a0"));
        assert!(cui_is_valid(crate::LEGAL_PERSON_CUI));
        assert!(cui_is_valid(crate::TSP_CUI));
        assert!(cui_is_valid("12345674"));
        assert!(!cui_is_valid("12345675"));
        assert!(!cui_is_valid("1"));
        assert!(!cui_is_valid(""));
    }
}
