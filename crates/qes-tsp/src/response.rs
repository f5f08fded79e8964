//! `TimeStampResp` (RFC 3161 §2.4.2), read with the tolerant BER reader.
//!
//! ```text
//! TimeStampResp ::= SEQUENCE  {
//!     status                  PKIStatusInfo,
//!     timeStampToken          TimeStampToken     OPTIONAL  }
//!
//! TimeStampToken ::= ContentInfo
//!     -- contentType is id-signedData ([CMS])
//!     -- content is SignedData ([CMS])
//! ```

use crate::ber::{check_tag, tag, Ber, Element};
use crate::error::{Malformation, TspError};
use crate::status::{FailureInfo, FailureReason, PkiStatus, StatusInfo};

/// `id-signedData` (RFC 5652 §5.1), the DER contents octets of the OID.
const ID_SIGNED_DATA: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// Most `statusString` entries kept.
const MAX_STATUS_STRINGS: usize = 64;

/// A TSA's answer: its status and, when granted, the token as received.
///
/// Accepted encodings: DER and BER (indefinite lengths, long-form lengths with leading zero
/// octets, non-zero unused bits in `failInfo`), as real TSAs send them. Not accepted:
/// constructed (segmented) strings in `PKIStatusInfo`, trailing bytes, inputs over
/// [`TimestampResponse::MAX_LEN`], nesting deeper than 64.
///
/// The token is not decoded here beyond checking that it is a `ContentInfo` of type
/// `id-signedData`: TSTInfo, signature and TSA certificate checks are `qes-cms`'s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimestampResponse {
    status: StatusInfo,
    token: Option<Vec<u8>>,
}

impl TimestampResponse {
    /// Largest response accepted, in bytes (1 MiB: a token with a long chain is ~10 KiB).
    pub const MAX_LEN: usize = 1 << 20;

    /// Parse a `TimeStampResp`.
    ///
    /// A response that parses but does not grant (rejection, waiting, …) is `Ok`: see
    /// [`TimestampResponse::into_granted`] for the check a client makes.
    ///
    /// # Errors
    /// [`TspError::ResponseTooLarge`] over [`TimestampResponse::MAX_LEN`];
    /// [`TspError::Malformed`] for anything that is not a `TimeStampResp`, including a
    /// granted status without a token and a token with a non-grant status (RFC 3161 §2.4.2).
    pub fn from_der(bytes: &[u8]) -> Result<Self, TspError> {
        if bytes.len() > Self::MAX_LEN {
            return Err(TspError::ResponseTooLarge {
                limit: Self::MAX_LEN,
                actual: Some(bytes.len()),
            });
        }
        let ber = Ber::new(bytes);
        let outer = ber.expect(0, ber.len(), 0, tag::SEQUENCE, "TimeStampResp")?;
        if outer.end != ber.len() {
            return Err(TspError::Malformed {
                what: "TimeStampResp",
                offset: outer.end,
                reason: Malformation::TrailingData {
                    trailing: ber.len().saturating_sub(outer.end),
                },
            });
        }
        let fields = ber.children(&outer, 2, "TimeStampResp")?;
        let mut fields = fields.iter();
        let status_element = fields.next().ok_or(TspError::Malformed {
            what: "PKIStatusInfo",
            offset: outer.contents_start,
            reason: Malformation::Truncated,
        })?;
        let status = parse_status_info(&ber, status_element)?;

        let token = match fields.next() {
            None => None,
            Some(token) => {
                check_tag(token, tag::SEQUENCE, "timeStampToken")?;
                check_signed_data(&ber, token)?;
                Some(ber.full(token).to_vec())
            }
        };
        match (&token, status.is_granted()) {
            (None, true) => Err(TspError::Malformed {
                what: "timeStampToken",
                offset: outer.contents_end,
                reason: Malformation::MissingToken,
            }),
            (Some(_), false) => Err(TspError::Malformed {
                what: "timeStampToken",
                offset: status_element.end,
                reason: Malformation::UnexpectedToken,
            }),
            _ => Ok(Self { status, token }),
        }
    }

    /// A granted response carrying `token` (a TSA's answer; see [`crate::LocalTsa`]).
    pub fn granted_with(token: Vec<u8>) -> Self {
        Self {
            status: StatusInfo::new(PkiStatus::Granted),
            token: Some(token),
        }
    }

    /// A rejection (`status` rejection) with one reason and a text.
    pub fn rejection(reason: FailureReason, text: impl Into<String>) -> Self {
        Self {
            status: StatusInfo::new(PkiStatus::Rejection)
                .with_text(text)
                .with_fail_info(FailureInfo::from_reasons([reason])),
            token: None,
        }
    }

    /// The DER `TimeStampResp`; the token is copied as it is.
    ///
    /// # Errors
    /// [`TspError::Der`] when the status cannot be encoded.
    pub fn to_der(&self) -> Result<Vec<u8>, TspError> {
        use der::asn1::Any;
        use der::{Encode, Tag};
        let mut contents = self.status.to_der()?;
        if let Some(token) = &self.token {
            contents.extend_from_slice(token);
        }
        Any::new(Tag::Sequence, contents)
            .and_then(|a| a.to_der())
            .map_err(TspError::der("TimeStampResp"))
    }

    /// The `PKIStatusInfo`.
    pub fn status(&self) -> &StatusInfo {
        &self.status
    }

    /// The `TimeStampToken`: the `ContentInfo` exactly as received (BER or DER, never
    /// re-encoded); present exactly when the status is granted or grantedWithMods.
    pub fn token(&self) -> Option<&[u8]> {
        self.token.as_deref()
    }

    /// Whether the token is in DER's definite-length form at its outer level (a DER-only CMS
    /// decoder will read it). BER tokens are passed on unchanged; signatures are verified
    /// over the bytes received.
    pub fn token_has_definite_length(&self) -> bool {
        self.token
            .as_deref()
            .and_then(|t| t.get(1))
            .is_some_and(|b| *b != 0x80)
    }

    /// The token, if the TSA granted the request.
    ///
    /// # Errors
    /// [`TspError::Rejected`] with the status, text and failure information for any status
    /// other than granted / grantedWithMods.
    pub fn into_granted(self) -> Result<Vec<u8>, TspError> {
        match self.token {
            Some(token) if self.status.is_granted() => Ok(token),
            _ => Err(TspError::Rejected(self.status)),
        }
    }

    /// Check that the TSA granted the request, keeping the response.
    ///
    /// # Errors
    /// As [`TimestampResponse::into_granted`].
    pub fn granted(self) -> Result<Self, TspError> {
        if self.status.is_granted() && self.token.is_some() {
            Ok(self)
        } else {
            Err(TspError::Rejected(self.status))
        }
    }
}

fn malformed(what: &'static str, e: &Element, reason: Malformation) -> TspError {
    TspError::Malformed {
        what,
        offset: e.start,
        reason,
    }
}

/// `PKIStatusInfo` (see [`crate::status`]).
fn parse_status_info(ber: &Ber<'_>, element: &Element) -> Result<StatusInfo, TspError> {
    check_tag(element, tag::SEQUENCE, "PKIStatusInfo")?;
    let fields = ber.children(element, 3, "PKIStatusInfo")?;
    let mut fields = fields.iter().peekable();

    let status_int = fields.next().ok_or(TspError::Malformed {
        what: "PKIStatus",
        offset: element.contents_start,
        reason: Malformation::Truncated,
    })?;
    check_tag(status_int, tag::INTEGER, "PKIStatus")?;
    let value = small_unsigned(ber.contents(status_int))
        .ok_or_else(|| malformed("PKIStatus", status_int, Malformation::BadInteger))?;
    let status = PkiStatus::from_value(value)
        .ok_or_else(|| malformed("PKIStatus", status_int, Malformation::UnknownStatus(value)))?;
    let mut info = StatusInfo::new(status);

    if let Some(text) = fields.next_if(|e| e.tag == tag::SEQUENCE) {
        for string in ber.children(text, MAX_STATUS_STRINGS, "PKIFreeText")? {
            check_tag(&string, tag::UTF8_STRING, "PKIFreeText")?;
            let s = std::str::from_utf8(ber.contents(&string))
                .map_err(|_| malformed("PKIFreeText", &string, Malformation::BadUtf8))?;
            info = info.with_text(s);
        }
    }
    if let Some(bits) = fields.next_if(|e| e.tag == tag::BIT_STRING) {
        let fail_info = FailureInfo::from_bit_string_contents(ber.contents(bits))
            .ok_or_else(|| malformed("PKIFailureInfo", bits, Malformation::BadBitString))?;
        info = info.with_fail_info(fail_info);
    }
    if let Some(extra) = fields.next() {
        return Err(malformed(
            "PKIStatusInfo",
            extra,
            Malformation::UnexpectedElement,
        ));
    }
    Ok(info)
}

/// A non-negative INTEGER's value if it fits in a `u32` (leading zero octets tolerated).
fn small_unsigned(contents: &[u8]) -> Option<u32> {
    let (&first, _) = contents.split_first()?;
    if first & 0x80 != 0 {
        return None;
    }
    contents.iter().try_fold(0u32, |acc, b| {
        acc.checked_mul(256)?.checked_add(u32::from(*b))
    })
}

/// The token is `ContentInfo { contentType id-signedData, content [0] EXPLICIT ... }`.
fn check_signed_data(ber: &Ber<'_>, token: &Element) -> Result<(), TspError> {
    let fields = ber.children(token, 2, "timeStampToken")?;
    let not_signed_data = || malformed("timeStampToken", token, Malformation::NotSignedData);
    match fields.as_slice() {
        [oid, content]
            if oid.tag == tag::OBJECT_IDENTIFIER
                && ber.contents(oid) == ID_SIGNED_DATA
                && content.tag == 0xa0 =>
        {
            Ok(())
        }
        _ => Err(not_signed_data()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::status::FailureReason;

    /// A minimal token: ContentInfo { id-signedData, [0] { SEQUENCE {} } }.
    fn token(indefinite: bool) -> Vec<u8> {
        let mut oid = vec![0x06, 0x09];
        oid.extend_from_slice(&ID_SIGNED_DATA);
        if indefinite {
            let mut t = vec![0x30, 0x80];
            t.extend_from_slice(&oid);
            t.extend_from_slice(&[0xa0, 0x80, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
            t
        } else {
            let mut t = vec![0x30, 0x0f];
            t.extend_from_slice(&oid);
            t.extend_from_slice(&[0xa0, 0x02, 0x30, 0x00]);
            t
        }
    }

    fn seq(parts: &[&[u8]]) -> Vec<u8> {
        let body: Vec<u8> = parts.concat();
        let mut out = vec![0x30, u8::try_from(body.len()).unwrap()];
        out.extend_from_slice(&body);
        out
    }

    fn reason(bytes: &[u8]) -> Malformation {
        match TimestampResponse::from_der(bytes) {
            Err(TspError::Malformed { reason, .. }) => reason,
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn granted_der_and_ber() {
        let t = token(false);
        let resp = seq(&[&seq(&[&[0x02, 0x01, 0x00]]), &t]);
        let parsed = TimestampResponse::from_der(&resp).unwrap();
        assert_eq!(parsed.status().status(), PkiStatus::Granted);
        assert_eq!(parsed.token(), Some(t.as_slice()));
        assert!(parsed.token_has_definite_length());

        let t = token(true);
        let mut resp = vec![0x30, 0x80, 0x30, 0x03, 0x02, 0x01, 0x01];
        resp.extend_from_slice(&t);
        resp.extend_from_slice(&[0x00, 0x00]);
        let parsed = TimestampResponse::from_der(&resp).unwrap();
        assert_eq!(parsed.status().status(), PkiStatus::GrantedWithMods);
        assert_eq!(parsed.token(), Some(t.as_slice()));
        assert!(!parsed.token_has_definite_length());
        assert_eq!(parsed.into_granted().unwrap(), t);
    }

    #[test]
    fn rejection_with_text_and_fail_info() {
        let text = seq(&[&[0x0c, 0x02, b'n', b'o'], &[0x0c, 0x01, b'!']]);
        let resp = seq(&[&seq(&[
            &[0x02, 0x01, 0x02],
            &text,
            &[0x03, 0x02, 0x07, 0x80],
        ])]);
        let parsed = TimestampResponse::from_der(&resp).unwrap();
        let status = parsed.status().clone();
        assert_eq!(status.status(), PkiStatus::Rejection);
        assert_eq!(status.text(), ["no", "!"]);
        assert_eq!(
            status.fail_info().map(|f| f.reasons().collect::<Vec<_>>()),
            Some(vec![FailureReason::BadAlg])
        );
        match parsed.into_granted() {
            Err(TspError::Rejected(info)) => assert_eq!(info, status),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn structural_errors() {
        let status_ok = seq(&[&[0x02, 0x01, 0x00]]);
        let status_rej = seq(&[&[0x02, 0x01, 0x02]]);
        assert_eq!(reason(&seq(&[&status_ok])), Malformation::MissingToken);
        assert_eq!(
            reason(&seq(&[&status_rej, &token(false)])),
            Malformation::UnexpectedToken
        );
        assert_eq!(
            reason(&seq(&[&seq(&[&[0x02, 0x01, 0x06]])])),
            Malformation::UnknownStatus(6)
        );
        assert_eq!(
            reason(&seq(&[&seq(&[&[0x02, 0x01, 0xff]])])),
            Malformation::BadInteger
        );
        assert_eq!(
            reason(&seq(&[&seq(&[&[0x02, 0x00]])])),
            Malformation::BadInteger
        );
        assert_eq!(
            reason(&seq(&[&seq(&[&[0x02, 0x01, 0x02], &[0x03, 0x01, 0x01]])])),
            Malformation::BadBitString
        );
        assert_eq!(
            reason(&seq(&[&seq(&[
                &[0x02, 0x01, 0x02],
                &seq(&[&[0x0c, 0x01, 0xff]])
            ])])),
            Malformation::BadUtf8
        );
        // failInfo before statusString: out of order.
        assert_eq!(
            reason(&seq(&[&seq(&[
                &[0x02, 0x01, 0x02],
                &[0x03, 0x01, 0x00],
                &seq(&[])
            ])])),
            Malformation::UnexpectedElement
        );
        let mut trailing = seq(&[&status_rej]);
        trailing.push(0);
        assert_eq!(
            reason(&trailing),
            Malformation::TrailingData { trailing: 1 }
        );
        // A token that is a ContentInfo of another type (id-data).
        let data = seq(&[
            &[
                0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
            ],
            &[0xa0, 0x02, 0x04, 0x00],
        ]);
        assert_eq!(
            reason(&seq(&[&status_ok, &data])),
            Malformation::NotSignedData
        );
        assert!(matches!(
            TimestampResponse::from_der(&vec![0u8; TimestampResponse::MAX_LEN + 1]),
            Err(TspError::ResponseTooLarge { .. })
        ));
    }
}
