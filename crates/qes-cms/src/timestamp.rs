//! The [`Timestamper`] trait: where a CAdES B-T signature gets its signature timestamp
//! (ETSI EN 319 122-1 §5.3; RFC 3161 tokens). `qes-tsp` implements it over HTTP and
//! in process; verification of tokens is [`crate::Verifier::verify_timestamp_token`].

use qes_signer::{BackendError, DigestAlgorithm};

/// A source of RFC 3161 timestamp tokens.
pub trait Timestamper: Send + Sync {
    /// The hash this timestamper wants imprints computed with.
    fn digest_algorithm(&self) -> DigestAlgorithm {
        DigestAlgorithm::Sha256
    }

    /// A timestamp token (the DER `ContentInfo` of a `SignedData` over `TSTInfo`, RFC 3161
    /// §2.4.2) whose message imprint is `digest`, computed with `algorithm`.
    ///
    /// # Errors
    /// The implementation's own failure (transport, TSA rejection, a response that does not
    /// answer the request), boxed.
    fn timestamp(&self, algorithm: DigestAlgorithm, digest: &[u8])
        -> Result<Vec<u8>, BackendError>;
}

impl<T: Timestamper + ?Sized> Timestamper for &T {
    fn digest_algorithm(&self) -> DigestAlgorithm {
        (**self).digest_algorithm()
    }

    fn timestamp(
        &self,
        algorithm: DigestAlgorithm,
        digest: &[u8],
    ) -> Result<Vec<u8>, BackendError> {
        (**self).timestamp(algorithm, digest)
    }
}

/// The `TSTInfo` of an RFC 3161 timestamp token (RFC 3161 §2.4.2: a `ContentInfo` holding
/// `SignedData` whose eContent is `id-ct-TSTInfo`), BER tolerated, decoded **without**
/// verifying anything.
///
/// For a client that checks a fresh token answers its request (imprint, nonce, policy)
/// before keeping it; trust is [`crate::Verifier::verify_timestamp_token`]'s job.
///
/// # Errors
/// [`crate::Error::Decode`] for malformed BER or `TSTInfo`, [`crate::Error::Structure`] /
/// [`crate::Error::UnexpectedContentType`] for a `ContentInfo` that is not a token.
pub fn token_tst_info(token: &[u8]) -> crate::Result<crate::TstInfo> {
    use crate::asn1::{normalize_to_der, oids, BerLimits};
    let der = normalize_to_der(token, &BerLimits::default())?;
    let sd = crate::signed_data::SignedDataView::parse_content_info(&der)?;
    if sd.econtent_type != oids::ID_CT_TST_INFO {
        return Err(crate::Error::UnexpectedContentType {
            expected: oids::ID_CT_TST_INFO,
            found: sd.econtent_type,
        });
    }
    let econtent = sd.econtent.ok_or(crate::Error::Structure {
        what: "timestamp token",
        reason: "no encapsulated TSTInfo",
    })?;
    Ok(crate::TstInfo::from_der(econtent)?)
}
