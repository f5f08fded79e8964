//! [`TspClient`] as the [`qes_cms::Timestamper`] that CAdES B-T (and PAdES) signing uses:
//! a request with a fresh nonce and `certReq`, and a check that the granted token answers
//! exactly that request before it goes into a signature.

use qes_cms::{token_tst_info, Timestamper, TstInfo};
use qes_signer::{BackendError, DigestAlgorithm};

use crate::client::TspClient;
use crate::error::{TokenField, TspError};
use crate::request::TimestampRequest;
use crate::transport::Transport;

/// Check that `token` answers `request` (RFC 3161 §2.4.2): the `TSTInfo`'s message imprint
/// (hash algorithm and value) and nonce are the request's, and when the request named a
/// policy, the token carries that policy. Returns the decoded `TSTInfo`.
///
/// This is not trust: the token's signature, TSA certificate and path are checked by
/// [`qes_cms::Verifier::verify_timestamp_token`].
///
/// # Errors
/// [`TspError::Token`] when the token is not a decodable RFC 3161 token;
/// [`TspError::TokenMismatch`] naming the first field that differs.
pub fn check_token_answers(request: &TimestampRequest, token: &[u8]) -> Result<TstInfo, TspError> {
    let info = token_tst_info(token).map_err(|source| TspError::Token { source })?;
    let imprint = request.imprint();
    if info.message_imprint.hash_algorithm.oid != imprint.algorithm().oid() {
        return Err(TspError::TokenMismatch {
            field: TokenField::ImprintAlgorithm,
        });
    }
    if info.message_imprint.hashed_message != imprint.digest() {
        return Err(TspError::TokenMismatch {
            field: TokenField::ImprintDigest,
        });
    }
    let echoed = info.nonce.as_deref().map(strip_leading_zeros);
    if echoed != request.nonce().map(|n| n.as_be_bytes()) {
        return Err(TspError::TokenMismatch {
            field: TokenField::Nonce,
        });
    }
    if request.policy().is_some_and(|p| *p != info.policy) {
        return Err(TspError::TokenMismatch {
            field: TokenField::Policy,
        });
    }
    Ok(info)
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

impl<T: Transport> TspClient<T> {
    /// Send `request` and return the granted token, after [`check_token_answers`].
    ///
    /// # Errors
    /// As [`TspClient::request`], plus [`TspError::Token`] and [`TspError::TokenMismatch`].
    pub fn token(&self, request: &TimestampRequest) -> Result<Vec<u8>, TspError> {
        let token = self.request(request)?.into_granted()?;
        check_token_answers(request, &token)?;
        Ok(token)
    }
}

/// A signature timestamp for CAdES B-T: a request over `digest` with a fresh random nonce
/// and `certReq` TRUE, the token checked to answer it ([`TspClient::token`]).
impl<T: Transport + Send + Sync> Timestamper for TspClient<T> {
    fn digest_algorithm(&self) -> DigestAlgorithm {
        self.imprint_algorithm()
    }

    fn timestamp(
        &self,
        algorithm: DigestAlgorithm,
        digest: &[u8],
    ) -> Result<Vec<u8>, BackendError> {
        let mut request = TimestampRequest::from_digest(algorithm, digest)?;
        if let Some(policy) = self.policy() {
            request = request.with_policy(policy);
        }
        Ok(self.token(&request)?)
    }
}
