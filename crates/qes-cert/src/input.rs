//! Certificate input formats: DER, PEM, PEM bundles, PKCS#7 certs-only `.p7b`, and sniffing.
//!
//! ```text
//! -- RFC 5652 §3, §5.1 (a "certs-only" .p7b is a degenerate SignedData)
//! ContentInfo ::= SEQUENCE {
//!     contentType  ContentType,                   -- id-signedData 1.2.840.113549.1.7.2
//!     content      [0] EXPLICIT ANY DEFINED BY contentType }
//! SignedData ::= SEQUENCE {
//!     version           CMSVersion,
//!     digestAlgorithms  DigestAlgorithmIdentifiers,
//!     encapContentInfo  EncapsulatedContentInfo,
//!     certificates      [0] IMPLICIT CertificateSet OPTIONAL,
//!     crls              [1] IMPLICIT RevocationInfoChoices OPTIONAL,
//!     signerInfos       SignerInfos }
//! CertificateSet ::= SET OF CertificateChoices     -- only `certificate Certificate` is read
//! ```
//!
//! Certificates inside a `.p7b` are taken as the exact bytes of their TLV, never re-encoded.

use const_oid::ObjectIdentifier;
use der::{Decode, Header, Reader, SliceReader, Tag, TagNumber};

use crate::certificate::{Certificate, ParseMode};
use crate::error::{Error, Result};

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");

/// Resource limits for parsing untrusted certificate input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_input_len: usize,
    /// Most certificates returned from one bundle or `.p7b`.
    pub max_certificates: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_len: 8 * 1024 * 1024,
            max_certificates: 1024,
        }
    }
}

fn check_len(bytes: &[u8], limits: &Limits) -> Result<()> {
    if bytes.len() > limits.max_input_len {
        return Err(Error::TooLarge {
            what: "certificate input",
            actual: bytes.len(),
            limit: limits.max_input_len,
        });
    }
    Ok(())
}

/// Parse one DER certificate (the whole input).
///
/// # Errors
/// As [`Certificate::from_der`].
pub fn parse_der(der: &[u8], mode: ParseMode) -> Result<Certificate> {
    Certificate::from_der(der, mode)
}

/// Parse exactly one PEM `CERTIFICATE` document (RFC 7468 §5).
///
/// # Errors
/// [`Error::TooLarge`] above `limits`, [`Error::Pem`] for bad armour or base64,
/// [`Error::PemLabel`] for another label, then as [`Certificate::from_der`].
pub fn parse_pem(pem: &[u8], mode: ParseMode, limits: &Limits) -> Result<Certificate> {
    check_len(pem, limits)?;
    let blocks = pem_blocks(pem);
    match blocks.as_slice() {
        [block] if block.label == "CERTIFICATE" => {
            Certificate::from_der(&decode_block(block)?, mode)
        }
        [block] => Err(Error::PemLabel {
            label: block.label.to_owned(),
            expected: "CERTIFICATE",
        }),
        _ => {
            // Zero or several blocks: let the strict decoder name the problem.
            let (label, der) =
                pem_rfc7468::decode_vec(pem).map_err(|source| Error::Pem { source })?;
            if label != "CERTIFICATE" {
                return Err(Error::PemLabel {
                    label: label.to_owned(),
                    expected: "CERTIFICATE",
                });
            }
            Certificate::from_der(&der, mode)
        }
    }
}

/// One PEM block found in a text.
struct PemBlock<'a> {
    label: &'a str,
    text: &'a [u8],
}

/// Find `-----BEGIN X-----` … `-----END X-----` blocks, ignoring text around them.
fn pem_blocks(input: &[u8]) -> Vec<PemBlock<'_>> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const DASHES: &[u8] = b"-----";
    let mut out = Vec::new();
    let mut pos = 0usize;
    while let Some(start) = find(input.get(pos..).unwrap_or_default(), BEGIN).map(|i| i + pos) {
        let label_start = start + BEGIN.len();
        let Some(label_end) =
            find(input.get(label_start..).unwrap_or_default(), DASHES).map(|i| i + label_start)
        else {
            break;
        };
        let label = input
            .get(label_start..label_end)
            .and_then(|l| core::str::from_utf8(l).ok())
            .unwrap_or_default();
        let end_marker = [b"-----END ".as_slice(), label.as_bytes(), DASHES].concat();
        let Some(end) = find(input.get(label_end..).unwrap_or_default(), &end_marker)
            .map(|i| i + label_end + end_marker.len())
        else {
            // An unterminated block (e.g. a truncated key): skip its BEGIN line and look for
            // later blocks instead of giving up on the rest of the input.
            pos = label_end;
            continue;
        };
        if let Some(text) = input.get(start..end) {
            out.push(PemBlock { label, text });
        }
        pos = end;
    }
    out
}

/// Decode a PEM block: RFC 7468 strict first; if that fails, the "lax" reading of RFC 7468 §3
/// that real files need (any line length, CRLF, trailing spaces, RFC 1421 headers).
fn decode_block(block: &PemBlock<'_>) -> Result<Vec<u8>> {
    match pem_rfc7468::decode_vec(block.text) {
        Ok((_, der)) => Ok(der),
        Err(source) => lax_base64_body(block.text).ok_or(Error::Pem { source }),
    }
}

/// The base64 body between the encapsulation boundaries, whitespace ignored.
fn lax_base64_body(text: &[u8]) -> Option<Vec<u8>> {
    let text = core::str::from_utf8(text).ok()?;
    let mut lines = text.lines();
    lines.next()?; // -----BEGIN
    let mut body = String::new();
    for line in lines {
        let line = line.trim();
        if line.starts_with("-----END ") {
            return base64_decode(&body);
        }
        if line.contains(':') {
            continue; // RFC 1421 header
        }
        body.push_str(line);
    }
    None
}

/// Standard base64 (RFC 4648 §4) with padding, whitespace-free input.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let bytes = s.trim_end_matches('=').as_bytes();
    if s.len() % 4 != 0 || s.len().saturating_sub(bytes.len()) > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 3);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | val(c)?;
        }
        let be = match chunk.len() {
            4 => acc.to_be_bytes(),
            3 => (acc << 6).to_be_bytes(),
            2 => (acc << 12).to_be_bytes(),
            _ => return None,
        };
        let n = chunk.len().saturating_sub(1);
        out.extend(be.iter().skip(1).take(n));
    }
    Some(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Parse every certificate in a PEM bundle: `CERTIFICATE` blocks are parsed, `PKCS7` blocks
/// are read as `.p7b`, other blocks (keys, CRLs) and text between blocks are skipped.
///
/// # Errors
/// [`Error::TooLarge`], [`Error::TooMany`] beyond [`Limits`], [`Error::NoCertificate`] when no
/// block is a certificate, and the first error of a certificate block that does not parse.
pub fn parse_pem_bundle(
    input: &[u8],
    mode: ParseMode,
    limits: &Limits,
) -> Result<Vec<Certificate>> {
    check_len(input, limits)?;
    let mut out = Vec::new();
    for block in pem_blocks(input) {
        match block.label {
            "CERTIFICATE" | "X509 CERTIFICATE" => {
                push_limited(
                    &mut out,
                    Certificate::from_der(&decode_block(&block)?, mode)?,
                    limits,
                )?;
            }
            "PKCS7" | "CMS" => {
                for c in parse_p7b(&decode_block(&block)?, mode, limits)? {
                    push_limited(&mut out, c, limits)?;
                }
            }
            _ => {}
        }
    }
    if out.is_empty() {
        return Err(Error::NoCertificate {
            reason: "no CERTIFICATE or PKCS7 PEM block",
        });
    }
    Ok(out)
}

fn push_limited(out: &mut Vec<Certificate>, c: Certificate, limits: &Limits) -> Result<()> {
    if out.len() >= limits.max_certificates {
        return Err(Error::TooMany {
            what: "certificates",
            limit: limits.max_certificates,
        });
    }
    out.push(c);
    Ok(())
}

/// Parse the certificates of a PKCS#7 / CMS certs-only `SignedData` (DER).
///
/// # Errors
/// [`Error::Der`] for malformed structure, [`Error::Pkcs7`] for another content type or a
/// BER (indefinite-length) encoding, [`Error::NoCertificate`] when the set of certificates is
/// absent or empty, [`Error::TooMany`] beyond the limit, and certificate errors.
pub fn parse_p7b(der: &[u8], mode: ParseMode, limits: &Limits) -> Result<Vec<Certificate>> {
    check_len(der, limits)?;
    if is_indefinite_content_info(der) {
        return Err(Error::Pkcs7 {
            reason: "BER indefinite-length encoding; only DER .p7b is supported \
                     (convert with `openssl pkcs7 -outform DER`)",
        });
    }
    let e = |source| Error::Der {
        what: "PKCS#7",
        source,
    };
    let mut r = SliceReader::new(der).map_err(e)?;
    let raw = r
        .sequence(|ci| {
            let content_type = ObjectIdentifier::decode(ci)?;
            if content_type != ID_SIGNED_DATA {
                return Ok(Err(Error::Pkcs7 {
                    reason: "content type is not id-signedData",
                }));
            }
            let explicit = Header::decode(ci)?;
            explicit.tag.assert_eq(Tag::ContextSpecific {
                constructed: true,
                number: TagNumber::N0,
            })?;
            let certs = ci.sequence(|sd| {
                let _version = der::asn1::AnyRef::decode(sd)?;
                let _digests = der::asn1::AnyRef::decode(sd)?;
                let _encap = der::asn1::AnyRef::decode(sd)?;
                let mut certs: Vec<&[u8]> = Vec::new();
                if sd.peek_tag()?
                    == (Tag::ContextSpecific {
                        constructed: true,
                        number: TagNumber::N0,
                    })
                {
                    let set = Header::decode(sd)?;
                    sd.read_nested(set.length, |inner| {
                        while !inner.is_finished() {
                            let tag = inner.peek_tag()?;
                            let tlv = inner.tlv_bytes()?;
                            if tag == Tag::Sequence {
                                certs.push(tlv);
                            }
                        }
                        Ok(())
                    })?;
                }
                // crls [1] and signerInfos are not needed; skip what remains.
                while !sd.is_finished() {
                    let _ = sd.tlv_bytes()?;
                }
                Ok(certs)
            })?;
            Ok(Ok(certs))
        })
        .map_err(e)?;
    r.finish(()).map_err(e)?;
    let raw = raw?;
    if raw.is_empty() {
        return Err(Error::NoCertificate {
            reason: "the PKCS#7 SignedData holds no certificate",
        });
    }
    if raw.len() > limits.max_certificates {
        return Err(Error::TooMany {
            what: "certificates",
            limit: limits.max_certificates,
        });
    }
    raw.into_iter()
        .map(|c| Certificate::from_der(c, mode))
        .collect()
}

/// Parse certificates from bytes in any supported format: DER certificate, DER `.p7b`, or PEM
/// (one certificate, a bundle, or a PEM `PKCS7`), with default [`Limits`].
///
/// # Errors
/// [`Error::NoCertificate`] when the format is not recognised; otherwise the error of the
/// format that was recognised.
pub fn parse_any(bytes: &[u8], mode: ParseMode) -> Result<Vec<Certificate>> {
    let limits = Limits::default();
    check_len(bytes, &limits)?;
    if bytes.first() == Some(&0x30) {
        return match Certificate::from_der(bytes, mode) {
            Ok(c) => Ok(vec![c]),
            Err(cert_err) => {
                if looks_like_content_info(bytes) || is_indefinite_content_info(bytes) {
                    parse_p7b(bytes, mode, &limits)
                } else {
                    Err(cert_err)
                }
            }
        };
    }
    if find(bytes, b"-----BEGIN ").is_some() {
        return parse_pem_bundle(bytes, mode, &limits);
    }
    Err(Error::NoCertificate {
        reason: "neither DER (SEQUENCE) nor PEM armour",
    })
}

/// `SEQUENCE (indefinite length) { OBJECT IDENTIFIER id-signedData, ...`: a BER `.p7b` as
/// some tools write it.
fn is_indefinite_content_info(bytes: &[u8]) -> bool {
    match bytes {
        [0x30, 0x80, rest @ ..] => matches!(
            ObjectIdentifier::from_der(rest.get(..11).unwrap_or_default()),
            Ok(oid) if oid == ID_SIGNED_DATA
        ),
        _ => false,
    }
}

/// `SEQUENCE { OBJECT IDENTIFIER 1.2.840.113549.1.7.x, ...`.
fn looks_like_content_info(bytes: &[u8]) -> bool {
    let Ok(mut r) = SliceReader::new(bytes) else {
        return false;
    };
    if Header::decode(&mut r).map(|h| h.tag) != Ok(Tag::Sequence) {
        return false;
    }
    matches!(ObjectIdentifier::decode(&mut r), Ok(oid) if oid == ID_SIGNED_DATA)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_typed_error() {
        assert!(matches!(
            parse_any(b"hello", ParseMode::Strict),
            Err(Error::NoCertificate { .. })
        ));
        assert!(parse_any(&[0x30, 0x80], ParseMode::Strict).is_err());
        assert!(parse_any(
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            ParseMode::Strict
        )
        .is_err());
        assert!(matches!(
            parse_any(
                b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                ParseMode::Strict
            ),
            Err(Error::NoCertificate { .. })
        ));
    }

    #[test]
    fn pem_blocks_are_found_between_text() {
        let text = b"junk\n-----BEGIN A-----\nx\n-----END A-----\nmore\n-----BEGIN B-----\ny\n-----END B-----";
        let blocks = pem_blocks(text);
        assert_eq!(
            blocks.iter().map(|b| b.label).collect::<Vec<_>>(),
            vec!["A", "B"]
        );
    }
}
