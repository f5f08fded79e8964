//! `PKIStatusInfo`: a TSA's verdict on a request (RFC 3161 §2.4.2, from RFC 4210 §5.2.3).
//!
//! ```text
//! PKIStatusInfo ::= SEQUENCE {
//!     status        PKIStatus,
//!     statusString  PKIFreeText     OPTIONAL,
//!     failInfo      PKIFailureInfo  OPTIONAL  }
//!
//! PKIStatus ::= INTEGER {
//!     granted                (0),
//!     grantedWithMods        (1),
//!     rejection              (2),
//!     waiting                (3),
//!     revocationWarning      (4),
//!     revocationNotification (5) }
//!
//! PKIFreeText ::= SEQUENCE SIZE (1..MAX) OF UTF8String
//!
//! PKIFailureInfo ::= BIT STRING {
//!     badAlg               (0),
//!     badRequest           (2),
//!     badDataFormat        (5),
//!     timeNotAvailable    (14),
//!     unacceptedPolicy    (15),
//!     unacceptedExtension (16),
//!     addInfoNotAvailable (17),
//!     systemFailure       (25) }
//! ```

use std::fmt;

use crate::error::TspError;

/// `PKIStatus` (RFC 3161 §2.4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PkiStatus {
    /// `granted` (0): a token is present, as requested.
    Granted,
    /// `grantedWithMods` (1): a token is present, with modifications to the request.
    GrantedWithMods,
    /// `rejection` (2).
    Rejection,
    /// `waiting` (3): not yet answered (not used by RFC 3161 TSAs over HTTP).
    Waiting,
    /// `revocationWarning` (4): a revocation is imminent.
    RevocationWarning,
    /// `revocationNotification` (5): a revocation has occurred.
    RevocationNotification,
}

impl PkiStatus {
    /// Every status, in value order.
    pub const ALL: [PkiStatus; 6] = [
        Self::Granted,
        Self::GrantedWithMods,
        Self::Rejection,
        Self::Waiting,
        Self::RevocationWarning,
        Self::RevocationNotification,
    ];

    /// The status with this INTEGER value, if RFC 3161 defines one.
    pub fn from_value(value: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.value() == value)
    }

    /// The INTEGER value.
    pub const fn value(self) -> u32 {
        match self {
            Self::Granted => 0,
            Self::GrantedWithMods => 1,
            Self::Rejection => 2,
            Self::Waiting => 3,
            Self::RevocationWarning => 4,
            Self::RevocationNotification => 5,
        }
    }

    /// The ASN.1 name (`granted`, `grantedWithMods`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Granted => "granted",
            Self::GrantedWithMods => "grantedWithMods",
            Self::Rejection => "rejection",
            Self::Waiting => "waiting",
            Self::RevocationWarning => "revocationWarning",
            Self::RevocationNotification => "revocationNotification",
        }
    }

    /// Whether a token comes with this status (`granted` or `grantedWithMods`).
    pub const fn is_granted(self) -> bool {
        matches!(self, Self::Granted | Self::GrantedWithMods)
    }
}

impl fmt::Display for PkiStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One named bit of `PKIFailureInfo` that RFC 3161 §2.4.2 lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FailureReason {
    /// `badAlg` (0): unrecognized or unsupported algorithm identifier.
    BadAlg,
    /// `badRequest` (2): transaction not permitted or supported.
    BadRequest,
    /// `badDataFormat` (5): the data submitted has the wrong format.
    BadDataFormat,
    /// `timeNotAvailable` (14): the TSA's time source is not available.
    TimeNotAvailable,
    /// `unacceptedPolicy` (15): the requested TSA policy is not supported.
    UnacceptedPolicy,
    /// `unacceptedExtension` (16): the requested extension is not supported.
    UnacceptedExtension,
    /// `addInfoNotAvailable` (17): the additional information requested is not available.
    AddInfoNotAvailable,
    /// `systemFailure` (25): the request cannot be handled due to system failure.
    SystemFailure,
}

impl FailureReason {
    /// Every reason, in bit order.
    pub const ALL: [FailureReason; 8] = [
        Self::BadAlg,
        Self::BadRequest,
        Self::BadDataFormat,
        Self::TimeNotAvailable,
        Self::UnacceptedPolicy,
        Self::UnacceptedExtension,
        Self::AddInfoNotAvailable,
        Self::SystemFailure,
    ];

    /// The bit number in `PKIFailureInfo`.
    pub const fn bit(self) -> u32 {
        match self {
            Self::BadAlg => 0,
            Self::BadRequest => 2,
            Self::BadDataFormat => 5,
            Self::TimeNotAvailable => 14,
            Self::UnacceptedPolicy => 15,
            Self::UnacceptedExtension => 16,
            Self::AddInfoNotAvailable => 17,
            Self::SystemFailure => 25,
        }
    }

    /// The ASN.1 name (`badAlg`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Self::BadAlg => "badAlg",
            Self::BadRequest => "badRequest",
            Self::BadDataFormat => "badDataFormat",
            Self::TimeNotAvailable => "timeNotAvailable",
            Self::UnacceptedPolicy => "unacceptedPolicy",
            Self::UnacceptedExtension => "unacceptedExtension",
            Self::AddInfoNotAvailable => "addInfoNotAvailable",
            Self::SystemFailure => "systemFailure",
        }
    }

    const fn mask(self) -> u64 {
        1u64 << self.bit()
    }
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The set of bits in a `PKIFailureInfo`: RFC 3161's named reasons, plus any other bit
/// (RFC 4210 defines more for CMP) kept as [`FailureInfo::other_bits`].
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FailureInfo {
    /// Bit `n` of the BIT STRING is bit `n` of this value (bit 0 = least significant).
    bits: u64,
}

impl FailureInfo {
    /// Most bits a `PKIFailureInfo` may carry here (8 content octets).
    pub const MAX_BITS: u32 = 64;

    /// The empty set.
    pub const fn empty() -> Self {
        Self { bits: 0 }
    }

    /// The set with these reasons.
    pub fn from_reasons(reasons: impl IntoIterator<Item = FailureReason>) -> Self {
        Self {
            bits: reasons.into_iter().fold(0, |acc, r| acc | r.mask()),
        }
    }

    /// The set with one more reason.
    #[must_use]
    pub const fn with(self, reason: FailureReason) -> Self {
        Self {
            bits: self.bits | reason.mask(),
        }
    }

    /// The set from raw bits (bit `n` of the BIT STRING = `1 << n`).
    pub const fn from_bits(bits: u64) -> Self {
        Self { bits }
    }

    /// The raw bits (bit `n` of the BIT STRING = `1 << n`).
    pub const fn bits(self) -> u64 {
        self.bits
    }

    /// Whether `reason` is set.
    pub const fn contains(self, reason: FailureReason) -> bool {
        self.bits & reason.mask() != 0
    }

    /// Whether no bit at all is set.
    pub const fn is_empty(self) -> bool {
        self.bits == 0
    }

    /// The RFC 3161 reasons set, in bit order.
    pub fn reasons(self) -> impl Iterator<Item = FailureReason> {
        FailureReason::ALL
            .into_iter()
            .filter(move |r| self.contains(*r))
    }

    /// Bits set that RFC 3161 does not name (bit `n` = `1 << n`).
    pub fn other_bits(self) -> u64 {
        let named = FailureReason::ALL.iter().fold(0, |acc, r| acc | r.mask());
        self.bits & !named
    }

    /// Decode the contents octets of a `PKIFailureInfo` BIT STRING (the unused-bits octet,
    /// then the bits; X.690 §8.6). Unused bits are ignored, as BER lets them be anything.
    /// `None` if the unused-bits count is over 7 (or non-zero with no bits) or there are
    /// more than 8 content octets.
    pub(crate) fn from_bit_string_contents(contents: &[u8]) -> Option<Self> {
        let (&unused, data) = contents.split_first()?;
        if unused > 7 || (data.is_empty() && unused != 0) || data.len() > 8 {
            return None;
        }
        let mut bits = 0u64;
        let total = data.len().checked_mul(8)?;
        let used = total.checked_sub(usize::from(unused))?;
        for n in 0..used {
            let byte = data.get(n / 8)?;
            if byte & (0x80 >> (n % 8)) != 0 {
                bits |= 1u64.checked_shl(u32::try_from(n).ok()?)?;
            }
        }
        Some(Self { bits })
    }

    /// The contents octets of the DER `PKIFailureInfo` BIT STRING (X.690 §11.2.2: trailing
    /// zero bits of a named bit list removed).
    pub(crate) fn to_bit_string_contents(self) -> Vec<u8> {
        let Some(highest) = (0..Self::MAX_BITS)
            .rev()
            .find(|n| self.bits & (1u64 << n) != 0)
        else {
            return vec![0];
        };
        let octets = highest / 8 + 1;
        let unused = 7 - highest % 8;
        let mut out = vec![0u8; 1 + usize::try_from(octets).unwrap_or(8)];
        if let Some(first) = out.first_mut() {
            *first = u8::try_from(unused).unwrap_or(0);
        }
        for n in 0..=highest {
            if self.bits & (1u64 << n) != 0 {
                if let Some(byte) = usize::try_from(n / 8 + 1).ok().and_then(|i| out.get_mut(i)) {
                    *byte |= 0x80 >> (n % 8);
                }
            }
        }
        out
    }
}

impl fmt::Debug for FailureInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FailureInfo({self})")
    }
}

impl fmt::Display for FailureInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut sep = |f: &mut fmt::Formatter<'_>| {
            let s = if first { "" } else { ", " };
            first = false;
            f.write_str(s)
        };
        for reason in self.reasons() {
            sep(f)?;
            f.write_str(reason.name())?;
        }
        let other = self.other_bits();
        for n in 0..Self::MAX_BITS {
            if other & (1u64 << n) != 0 {
                sep(f)?;
                write!(f, "bit {n}")?;
            }
        }
        if self.is_empty() {
            f.write_str("(none)")?;
        }
        Ok(())
    }
}

/// A decoded `PKIStatusInfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusInfo {
    status: PkiStatus,
    text: Vec<String>,
    fail_info: Option<FailureInfo>,
}

impl StatusInfo {
    /// A status with no text and no failure information.
    pub fn new(status: PkiStatus) -> Self {
        Self {
            status,
            text: Vec::new(),
            fail_info: None,
        }
    }

    /// With one more `statusString` entry.
    #[must_use]
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text.push(text.into());
        self
    }

    /// With a `failInfo`.
    #[must_use]
    pub fn with_fail_info(mut self, fail_info: FailureInfo) -> Self {
        self.fail_info = Some(fail_info);
        self
    }

    /// `status`.
    pub fn status(&self) -> PkiStatus {
        self.status
    }

    /// `statusString`, one entry per UTF8String (empty when absent).
    pub fn text(&self) -> &[String] {
        &self.text
    }

    /// `failInfo`, when present.
    pub fn fail_info(&self) -> Option<FailureInfo> {
        self.fail_info
    }

    /// Whether a token comes with this status.
    pub fn is_granted(&self) -> bool {
        self.status.is_granted()
    }

    /// The DER `PKIStatusInfo` (RFC 3161 §2.4.2).
    ///
    /// # Errors
    /// [`TspError::Der`] for text too long to encode.
    pub fn to_der(&self) -> Result<Vec<u8>, TspError> {
        use der::asn1::{Any, Utf8StringRef};
        use der::{Encode, Tag};
        // `u32` encodes as a minimal DER INTEGER.
        let mut fields = vec![self
            .status
            .value()
            .to_der()
            .map_err(TspError::der("PKIStatusInfo.status"))?];
        if !self.text.is_empty() {
            let strings = self
                .text
                .iter()
                .map(|t| Utf8StringRef::new(t).and_then(|s| s.to_der()))
                .collect::<der::Result<Vec<_>>>()
                .map_err(TspError::der("PKIStatusInfo.statusString"))?;
            fields.push(
                Any::new(Tag::Sequence, strings.concat())
                    .and_then(|a| a.to_der())
                    .map_err(TspError::der("PKIStatusInfo.statusString"))?,
            );
        }
        if let Some(info) = self.fail_info {
            fields.push(
                Any::new(Tag::BitString, info.to_bit_string_contents())
                    .and_then(|a| a.to_der())
                    .map_err(TspError::der("PKIStatusInfo.failInfo"))?,
            );
        }
        Any::new(Tag::Sequence, fields.concat())
            .and_then(|a| a.to_der())
            .map_err(TspError::der("PKIStatusInfo"))
    }
}

impl fmt::Display for StatusInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(info) = self.fail_info {
            write!(f, " ({info})")?;
        }
        for (i, text) in self.text.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            // TSA-supplied text: keep it on one line and bounded.
            for c in text.chars().take(200) {
                if c.is_control() {
                    f.write_str(" ")?;
                } else {
                    write!(f, "{c}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn bit_string_decoding() {
        // badAlg only: one octet, 7 unused bits.
        let info = FailureInfo::from_bit_string_contents(&[7, 0x80]);
        assert_eq!(info, Some(FailureInfo::empty().with(FailureReason::BadAlg)));
        // systemFailure (bit 25): four octets, 6 unused bits.
        let info = FailureInfo::from_bit_string_contents(&[6, 0, 0, 0, 0x40]);
        assert_eq!(
            info,
            Some(FailureInfo::empty().with(FailureReason::SystemFailure))
        );
        // Unused bits set (BER allows any value): ignored.
        let info = FailureInfo::from_bit_string_contents(&[7, 0xff]);
        assert_eq!(info, Some(FailureInfo::empty().with(FailureReason::BadAlg)));
        // Bit 1 is not an RFC 3161 reason.
        let info = FailureInfo::from_bit_string_contents(&[0, 0x40]).unwrap_or_default();
        assert_eq!(info.reasons().count(), 0);
        assert_eq!(info.other_bits(), 2);
        assert_eq!(info.to_string(), "bit 1");
        assert_eq!(FailureInfo::from_bit_string_contents(&[]), None);
        assert_eq!(FailureInfo::from_bit_string_contents(&[8, 0]), None);
        assert_eq!(FailureInfo::from_bit_string_contents(&[1]), None);
        assert_eq!(FailureInfo::from_bit_string_contents(&[0; 10]), None);
        assert_eq!(
            FailureInfo::from_bit_string_contents(&[0]),
            Some(FailureInfo::empty())
        );
    }

    #[test]
    fn every_reason_round_trips_through_its_bit() {
        for reason in FailureReason::ALL {
            let n = usize::try_from(reason.bit()).unwrap_or(0);
            let mut contents = vec![0u8; n / 8 + 2];
            contents[n / 8 + 1] = 0x80 >> (n % 8);
            let info = FailureInfo::from_bit_string_contents(&contents).unwrap_or_default();
            assert_eq!(info.reasons().collect::<Vec<_>>(), vec![reason]);
            assert_eq!(info.to_string(), reason.name());
        }
    }

    #[test]
    fn status_values() {
        for s in PkiStatus::ALL {
            assert_eq!(PkiStatus::from_value(s.value()), Some(s));
        }
        assert_eq!(PkiStatus::from_value(6), None);
        assert!(PkiStatus::GrantedWithMods.is_granted());
        assert!(!PkiStatus::Waiting.is_granted());
    }

    #[test]
    fn display_is_one_line() {
        let s = StatusInfo::new(PkiStatus::Rejection)
            .with_fail_info(FailureInfo::from_reasons([
                FailureReason::BadAlg,
                FailureReason::UnacceptedPolicy,
            ]))
            .with_text("bad\nthing")
            .with_text("second");
        assert_eq!(
            s.to_string(),
            "rejection (badAlg, unacceptedPolicy): bad thing; second"
        );
    }
}
