//! The parsed certificate: decoded fields plus the exact bytes they came from.
//!
//! ```text
//! Certificate  ::=  SEQUENCE  {                      -- RFC 5280 §4.1
//!      tbsCertificate       TBSCertificate,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//!
//! Validity ::= SEQUENCE {                            -- RFC 5280 §4.1.2.5
//!      notBefore      Time,
//!      notAfter       Time  }
//! ```
//!
//! The structure is decoded by `x509-cert`, whose `der` 0.7 time types start at 1970; RFC 5280
//! §4.1.2.5.1 gives UTCTime the years 1950–2049 (NIST PKITS 4.2.3 has a notBefore in 1950).
//! So the validity is decoded here, from the bytes as received, with [`crate::time`]; a time
//! before 1970 is replaced by an in-range placeholder of the same length only in a private copy
//! that `x509-cert` decodes, and never read from that decoding.

use core::ops::Range;

use const_oid::{AssociatedOid, ObjectIdentifier};
use der::{Decode, Encode, Reader, SliceReader};

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::strictness::{find_deviations, DerDeviation};
use crate::time::{decode_time, TimeRules};

/// How strictly certificate bytes are held to DER (X.690 §10).
///
/// Real-world certificates, some qualified ones among them, carry encodings that DER forbids
/// but every deployed verifier accepts. Choose the mode deliberately.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseMode {
    /// Distinguished Encoding Rules only: any non-DER encoding is an error that names it.
    #[default]
    Strict,
    /// Accept the known real-world deviations (explicit DEFAULT values such as `cA = FALSE` or
    /// `critical = FALSE`, an empty extendedKeyUsage sequence) and record them in
    /// [`Certificate::der_deviations`] (and as lint findings) instead.
    Lenient,
}

/// Upper bound on the size of one certificate, against resource exhaustion.
pub const MAX_CERTIFICATE_LEN: usize = 64 * 1024;

/// An X.509 certificate decoded once at the boundary, keeping its original encoding.
///
/// Signatures are verified over [`Certificate::tbs_der`], the `tbsCertificate` bytes exactly as
/// received, never over a re-encoding.
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Range<usize>,
    inner: x509_cert::Certificate,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    mode: ParseMode,
    deviations: Vec<DerDeviation>,
}

impl core::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.inner.tbs_certificate.subject.to_string())
            .field("issuer", &self.inner.tbs_certificate.issuer.to_string())
            .field("serial", &self.inner.tbs_certificate.serial_number)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}
impl Eq for Certificate {}

impl Certificate {
    /// Decode one DER certificate (the whole input, no trailing bytes).
    ///
    /// # Errors
    /// [`Error::Der`] when the bytes are not a certificate, [`Error::TrailingData`] when bytes
    /// follow it, [`Error::TooLarge`] above [`MAX_CERTIFICATE_LEN`]; in
    /// [`ParseMode::Strict`], [`Error::NonDer`] naming where and the DER rule broken
    /// (explicit DEFAULT values: `version` v1, `Extension.critical` FALSE, `cA = FALSE`; an
    /// empty `SEQUENCE SIZE (1..MAX)`; trailing zero bits in keyUsage). [`ParseMode::Lenient`] records those in
    /// [`Certificate::der_deviations`] instead. In both modes the validity times follow
    /// RFC 5280 §4.1.2.5 (`Z`, seconds, no fractions); UTCTime covers 1950–2049.
    pub fn from_der(der: &[u8], mode: ParseMode) -> Result<Self> {
        if der.len() > MAX_CERTIFICATE_LEN {
            return Err(Error::TooLarge {
                what: "certificate",
                actual: der.len(),
                limit: MAX_CERTIFICATE_LEN,
            });
        }
        // The validity as received; `None` when the bytes cannot even be walked to it, and
        // `x509-cert` below then says why.
        let validity = tbs_range(der)
            .ok()
            .and_then(|tbs| RawValidity::locate(der, tbs.start).ok());
        let inner = match validity.as_ref().and_then(|v| v.with_placeholders(der)) {
            Some(copy) => x509_cert::Certificate::from_der(&copy),
            None => x509_cert::Certificate::from_der(der),
        }
        .map_err(Error::decoding("certificate"))?;
        let tbs = tbs_range(der).map_err(|source| Error::Der {
            what: "certificate",
            source,
        })?;
        // `x509-cert` accepted the structure, so the validity was found; its times are the
        // ones `decode_time` accepts (a superset of what `der` accepts). Each must be the very
        // field `x509-cert` decoded (or the placeholder put there).
        let decoded = &inner.tbs_certificate.validity;
        let (not_before, not_after) = validity
            .and_then(|v| {
                Some((
                    v.not_before.decode_as(decoded.not_before)?,
                    v.not_after.decode_as(decoded.not_after)?,
                ))
            })
            .ok_or(Error::Der {
                what: "certificate validity",
                source: der::ErrorKind::DateTime.into(),
            })?;
        let deviations = find_deviations(&inner, der.get(tbs.clone()).unwrap_or_default());
        if mode == ParseMode::Strict {
            if let Some(d) = deviations.first() {
                return Err(Error::NonDer {
                    location: d.location,
                    rule: d.rule,
                });
            }
        }
        Ok(Self {
            der: der.to_vec(),
            tbs,
            inner,
            not_before,
            not_after,
            mode,
            deviations,
        })
    }

    /// The complete certificate as received.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The `tbsCertificate` bytes as received: what the issuer's signature covers.
    pub fn tbs_der(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    /// The decoded structure (RustCrypto `x509-cert`).
    ///
    /// Read the validity with [`Certificate::not_before`] and [`Certificate::not_after`], never
    /// from `tbs_certificate.validity` here: `x509-cert` cannot represent times before 1970, so
    /// for such a certificate that field holds a 1970-01-01 placeholder. Everything else is
    /// decoded from the bytes as received.
    pub fn x509(&self) -> &x509_cert::Certificate {
        &self.inner
    }

    /// The raw extension with this OID, if present.
    ///
    /// # Errors
    /// [`Error::DuplicateExtension`] when the certificate carries it more than once
    /// (RFC 5280 §4.2 forbids it).
    pub fn extension_raw(
        &self,
        oid: ObjectIdentifier,
    ) -> Result<Option<&x509_cert::ext::Extension>> {
        let mut found = None;
        for ext in self.inner.tbs_certificate.extensions.iter().flatten() {
            if ext.extn_id == oid {
                if found.is_some() {
                    return Err(Error::DuplicateExtension { oid });
                }
                found = Some(ext);
            }
        }
        Ok(found)
    }

    /// Decode the extension of type `T` (by its associated OID) with its criticality.
    ///
    /// In [`ParseMode::Strict`] the extension value must be DER: it must re-encode to exactly
    /// the bytes received, otherwise [`Error::NonDerExtension`] names the extension.
    ///
    /// # Errors
    /// [`Error::DuplicateExtension`], [`Error::Der`] for an undecodable value,
    /// [`Error::NonDerExtension`] in strict mode.
    pub fn extension<'a, T>(&'a self) -> Result<Option<(bool, T)>>
    where
        T: Decode<'a> + Encode + AssociatedOid,
    {
        let Some(ext) = self.extension_raw(T::OID)? else {
            return Ok(None);
        };
        let bytes = ext.extn_value.as_bytes();
        let value = T::from_der(bytes).map_err(|source| Error::Der {
            what: "extension",
            source,
        })?;
        if self.mode == ParseMode::Strict {
            let reencoded = value.to_der().map_err(|source| Error::Der {
                what: "extension",
                source,
            })?;
            if reencoded != bytes {
                return Err(Error::NonDerExtension { oid: T::OID });
            }
        }
        Ok(Some((ext.critical, value)))
    }

    /// The non-DER encodings accepted in [`ParseMode::Lenient`] (always empty in strict mode).
    pub fn der_deviations(&self) -> &[DerDeviation] {
        &self.deviations
    }

    /// The subject distinguished name (RFC 5280 §4.1.2.6); `Display` renders RFC 4514.
    pub fn subject(&self) -> &x509_cert::name::Name {
        &self.inner.tbs_certificate.subject
    }

    /// The issuer distinguished name (RFC 5280 §4.1.2.4); `Display` renders RFC 4514.
    pub fn issuer(&self) -> &x509_cert::name::Name {
        &self.inner.tbs_certificate.issuer
    }

    /// The serial number as upper-case hexadecimal, as encoded (RFC 5280 §4.1.2.2).
    pub fn serial_hex(&self) -> String {
        self.inner
            .tbs_certificate
            .serial_number
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect()
    }

    /// The start of the validity period (RFC 5280 §4.1.2.5), exactly as encoded (years before
    /// 1970 included).
    pub fn not_before(&self) -> DateTime<Utc> {
        self.not_before
    }

    /// The end of the validity period (RFC 5280 §4.1.2.5), exactly as encoded.
    pub fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }

    /// The mode the certificate was parsed in.
    pub fn parse_mode(&self) -> ParseMode {
        self.mode
    }
}

/// One `Time` of the validity: its tag and where its contents octets are in the certificate.
struct RawTime<'a> {
    tag: der::Tag,
    value: &'a [u8],
    range: Range<usize>,
}

impl RawTime<'_> {
    /// The instant, under RFC 5280's rules; `None` if malformed.
    fn decode(&self) -> Option<DateTime<Utc>> {
        decode_time(self.tag, self.value, TimeRules::Rfc5280)
    }

    /// The instant, provided `x509-cert` decoded this very field as `theirs` (the same
    /// instant, or the placeholder when there is one).
    fn decode_as(&self, theirs: x509_cert::time::Time) -> Option<DateTime<Utc>> {
        let ours = self.decode()?;
        let expected = if self.placeholder().is_some() {
            0
        } else {
            ours.timestamp()
        };
        (i64::try_from(theirs.to_unix_duration().as_secs()).ok()? == expected).then_some(ours)
    }

    /// A same-length stand-in that `der` 0.7 accepts, when this time is one it cannot hold
    /// (before 1970); `None` otherwise.
    fn placeholder(&self) -> Option<&'static [u8]> {
        let before_1970 = self.decode()?.timestamp() < 0;
        let stand_in: &'static [u8] = match self.tag {
            der::Tag::UtcTime => b"700101000000Z",
            der::Tag::GeneralizedTime => b"19700101000000Z",
            _ => return None,
        };
        (before_1970 && stand_in.len() == self.value.len()).then_some(stand_in)
    }
}

/// The `validity` of a `tbsCertificate`, located in the raw bytes.
struct RawValidity<'a> {
    not_before: RawTime<'a>,
    not_after: RawTime<'a>,
}

impl<'a> RawValidity<'a> {
    /// Walk the `tbsCertificate` starting at `tbs_start` in `der` to its `validity`: optional
    /// `[0] version`, `serialNumber`, `signature`, `issuer`, then `SEQUENCE { Time, Time }`.
    fn locate(der: &'a [u8], tbs_start: usize) -> der::Result<Self> {
        let mut reader = SliceReader::new(der.get(tbs_start..).unwrap_or_default())?;
        der::Header::decode(&mut reader)?
            .tag
            .assert_eq(der::Tag::Sequence)?;
        let version = der::Tag::ContextSpecific {
            constructed: true,
            number: der::TagNumber::N0,
        };
        if reader.peek_tag()? == version {
            reader.tlv_bytes()?;
        }
        for _ in 0..3 {
            reader.tlv_bytes()?; // serialNumber, signature, issuer
        }
        let header = der::Header::decode(&mut reader)?;
        header.tag.assert_eq(der::Tag::Sequence)?;
        let end = (reader.position() + header.length)?;
        let mut time = || -> der::Result<RawTime<'a>> {
            let header = der::Header::decode(&mut reader)?;
            let start = usize::try_from(reader.position())?;
            let value = reader.read_slice(header.length)?;
            let start = tbs_start
                .checked_add(start)
                .ok_or(der::ErrorKind::Overflow)?;
            let range = start
                .checked_add(value.len())
                .map(|end| start..end)
                .ok_or(der::ErrorKind::Overflow)?;
            Ok(RawTime {
                tag: header.tag,
                value,
                range,
            })
        };
        let not_before = time()?;
        let not_after = time()?;
        if reader.position() != end {
            return Err(der::ErrorKind::Length {
                tag: der::Tag::Sequence,
            }
            .into());
        }
        Ok(Self {
            not_before,
            not_after,
        })
    }

    /// A private copy of `der` with each validity time before 1970 replaced by a same-length
    /// placeholder, for `x509-cert` to decode the rest of the structure; `None` when no time
    /// needs it.
    fn with_placeholders(&self, der: &[u8]) -> Option<Vec<u8>> {
        let mut copy: Option<Vec<u8>> = None;
        for time in [&self.not_before, &self.not_after] {
            let Some(stand_in) = time.placeholder() else {
                continue;
            };
            let bytes = copy.get_or_insert_with(|| der.to_vec());
            let slot = bytes.get_mut(time.range.clone())?;
            if slot.len() != stand_in.len() {
                return None;
            }
            slot.iter_mut()
                .zip(stand_in)
                .for_each(|(to, from)| *to = *from);
        }
        copy
    }
}

/// Byte range of the first inner TLV of a SIGNED{} structure (RFC 5280 §4.1, §5.1): the
/// `tbsCertificate` / `tbsCertList` bytes exactly as received.
pub(crate) fn tbs_range(der: &[u8]) -> der::Result<Range<usize>> {
    let mut reader = SliceReader::new(der)?;
    let outer = der::Header::decode(&mut reader)?;
    outer.tag.assert_eq(der::Tag::Sequence)?;
    let start = usize::try_from(reader.position())?;
    let tbs = reader.tlv_bytes()?;
    let end = start
        .checked_add(tbs.len())
        .ok_or(der::ErrorKind::Overflow)?;
    Ok(start..end)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = content.len();
        if len < 0x80 {
            out.push(u8::try_from(len).unwrap());
        } else if len < 0x100 {
            out.extend([0x81, u8::try_from(len).unwrap()]);
        } else {
            out.extend([
                0x82,
                u8::try_from(len >> 8).unwrap(),
                u8::try_from(len & 0xff).unwrap(),
            ]);
        }
        out.extend_from_slice(content);
        out
    }

    /// The testkit natural person's certificate with its validity replaced by these two
    /// `Time` TLVs (the signature no longer matches; parsing does not care).
    fn with_validity(not_before: &[u8], not_after: &[u8]) -> Vec<u8> {
        let der = qes_testkit::TestPki::shared().natural_person().cert_der();
        let tbs = tbs_range(der).unwrap();
        let v = RawValidity::locate(der, tbs.start).unwrap();
        // SEQUENCE { Time, Time } with short headers: 2 + 2 bytes before notBefore's value.
        let (validity_start, validity_end) = (v.not_before.range.start - 4, v.not_after.range.end);
        let mut tbs_reader = SliceReader::new(&der[tbs.clone()]).unwrap();
        let header = der::Header::decode(&mut tbs_reader).unwrap();
        let content_start = tbs.start + usize::try_from(header.encoded_len().unwrap()).unwrap();
        let mut content = der[content_start..validity_start].to_vec();
        content.extend(tlv(0x30, &[not_before, not_after].concat()));
        content.extend_from_slice(&der[validity_end..tbs.end]);
        let mut cert = tlv(0x30, &content);
        cert.extend_from_slice(&der[tbs.end..der.len()]);
        // The outer SEQUENCE: tbsCertificate, signatureAlgorithm, signatureValue.
        tlv(0x30, &cert)
    }

    fn utc(s: &str) -> Vec<u8> {
        tlv(0x17, s.as_bytes())
    }

    fn gen(s: &str) -> Vec<u8> {
        tlv(0x18, s.as_bytes())
    }

    fn times(der: &[u8]) -> (String, String) {
        let c = Certificate::from_der(der, ParseMode::Strict).unwrap();
        (c.not_before().to_rfc3339(), c.not_after().to_rfc3339())
    }

    #[test]
    fn rebuilt_unchanged_is_identical() {
        let der = qes_testkit::TestPki::shared().natural_person().cert_der();
        let c = Certificate::from_der(der, ParseMode::Strict).unwrap();
        let v = RawValidity::locate(der, c.tbs.start).unwrap();
        assert_eq!(
            with_validity(&utc_of(&v.not_before), &utc_of(&v.not_after)),
            der
        );
    }

    fn utc_of(t: &RawTime<'_>) -> Vec<u8> {
        tlv(0x17, t.value)
    }

    #[test]
    fn pkits_1950_not_before() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../third-party/nist-pkits/certs/Validpre2000UTCnotBeforeDateTest3EE.crt"
        );
        let der = std::fs::read(path).unwrap();
        let c = Certificate::from_der(&der, ParseMode::Strict).unwrap();
        assert_eq!(c.not_before().to_rfc3339(), "1950-01-01T12:01:00+00:00");
        assert_eq!(c.not_after().to_rfc3339(), "2030-12-31T08:30:00+00:00");
        // The bytes the signature covers are the ones received, not the placeholder.
        assert_eq!(c.der(), der.as_slice());
        assert!(c.tbs_der().windows(13).any(|w| w == b"500101120100Z"));
        assert!(!c.tbs_der().windows(13).any(|w| w == b"700101000000Z"));
    }

    #[test]
    fn utc_time_boundaries() {
        let t = |nb: &str, na: &str| times(&with_validity(&utc(nb), &utc(na)));
        assert_eq!(
            t("500101000000Z", "491231235959Z"),
            (
                "1950-01-01T00:00:00+00:00".to_owned(),
                "2049-12-31T23:59:59+00:00".to_owned()
            )
        );
        assert_eq!(
            t("691231235959Z", "700101000000Z"),
            (
                "1969-12-31T23:59:59+00:00".to_owned(),
                "1970-01-01T00:00:00+00:00".to_owned()
            )
        );
        // Both before 1970.
        assert_eq!(
            t("600101000000Z", "690101000000Z"),
            (
                "1960-01-01T00:00:00+00:00".to_owned(),
                "1969-01-01T00:00:00+00:00".to_owned()
            )
        );
    }

    #[test]
    fn generalized_time_boundaries() {
        let t = |nb: &[u8], na: &[u8]| times(&with_validity(nb, na));
        assert_eq!(
            t(&gen("19491231235959Z"), &gen("20500101000000Z")),
            (
                "1949-12-31T23:59:59+00:00".to_owned(),
                "2050-01-01T00:00:00+00:00".to_owned()
            )
        );
        assert_eq!(
            t(&gen("19691231235959Z"), &utc("500101000000Z")),
            (
                "1969-12-31T23:59:59+00:00".to_owned(),
                "1950-01-01T00:00:00+00:00".to_owned()
            )
        );
    }

    #[test]
    fn malformed_times_are_errors_in_both_modes() {
        for (nb, na) in [
            (utc("5001011201Z"), utc("700101000000Z")),
            (utc("500101120100"), utc("700101000000Z")),
            (gen("19500101000000.5Z"), utc("700101000000Z")),
            (utc("500230000000Z"), utc("700101000000Z")),
            (utc("500101000000Z"), gen("2050010100000Z")),
            (tlv(0x04, b"500101000000Z"), utc("700101000000Z")),
        ] {
            let der = with_validity(&nb, &na);
            for mode in [ParseMode::Strict, ParseMode::Lenient] {
                assert!(
                    Certificate::from_der(&der, mode).is_err(),
                    "{nb:02x?} {na:02x?}"
                );
            }
        }
        // A third element in the validity SEQUENCE.
        let der = with_validity(
            &utc("500101000000Z"),
            &[utc("700101000000Z"), utc("700101000000Z")].concat(),
        );
        assert!(Certificate::from_der(&der, ParseMode::Lenient).is_err());
    }

    fn any_time() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        (
            prop_oneof![Just(0x17u8), Just(0x18u8), any::<u8>()],
            proptest::collection::vec(
                prop_oneof![(b'0'..=b'9'), Just(b'Z'), Just(b'.'), any::<u8>()],
                0..20,
            ),
        )
            .prop_map(|(tag, value)| tlv(tag, &value))
    }

    proptest::proptest! {
        /// Random validity bytes never panic the parser; what parses reports the times the
        /// shared decoder reads from the bytes as received.
        #[test]
        fn random_validity_never_panics(nb in any_time(), na in any_time()) {
            let der = with_validity(&nb, &na);
            for mode in [ParseMode::Strict, ParseMode::Lenient] {
                if let Ok(c) = Certificate::from_der(&der, mode) {
                    let expect = |t: &[u8]| {
                        decode_time(der::Tag::try_from(t[0]).unwrap(), &t[2..], TimeRules::Rfc5280)
                    };
                    proptest::prop_assert_eq!(Some(c.not_before()), expect(&nb));
                    proptest::prop_assert_eq!(Some(c.not_after()), expect(&na));
                    proptest::prop_assert_eq!(c.der(), der.as_slice());
                }
            }
        }
    }
}
