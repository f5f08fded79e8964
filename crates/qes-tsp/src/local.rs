//! [`LocalTsa`]: an RFC 3161 time-stamping authority in process, over any [`Signer`].

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use const_oid::ObjectIdentifier;
use qes_cms::{asn1::oids, CadesBuilder, TstInfo};
use qes_signer::Signer;
use ring::rand::{SecureRandom, SystemRandom};

use crate::error::TspError;
use crate::request::TimestampRequest;
use crate::response::TimestampResponse;
use crate::status::FailureReason;
use crate::transport::Transport;

/// A policy OID for tokens from a test or demo [`LocalTsa`] (under the IANA example arc
/// `1.3.6.1.4.1.32473`, reserved for documentation).
pub const LOCAL_TSA_POLICY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.32473.3161.100");

/// The clock a [`LocalTsa`] reads for `genTime`.
pub type Clock = Box<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// An RFC 3161 time-stamping authority running in this process.
///
/// It answers DER `TimeStampReq`s (RFC 3161 §2.4.1) with `TimeStampResp`s (§2.4.2), so it is
/// a [`Transport`]: a [`crate::TspClient`] over it behaves exactly as over HTTP to a remote
/// TSA. Tokens are CMS `SignedData` over a DER `TSTInfo` signed by the given [`Signer`]
/// (whose certificate should carry the critical extended key usage `id-kp-timeStamping`,
/// RFC 3161 §2.3), with content-type, message-digest and ESS signing-certificate-v2
/// attributes (RFC 5816). The TSA's certificate and chain are included when the request asks
/// (`certReq`), omitted otherwise. The token echoes the nonce; `serialNumber` is 128 random
/// bits; `accuracy` is one second; `genTime` is read from the clock given, which keeps the
/// "time is an argument" rule for tests.
///
/// Requests it refuses, with the `failInfo` RFC 3161 names: not a `TimeStampReq`
/// (`badDataFormat`), an imprint hash other than SHA-256/384/512 (`badAlg`), a `reqPolicy`
/// other than its policy (`unacceptedPolicy`); a signer failure is `systemFailure`.
///
/// ```
/// use qes_signer::{DigestAlgorithm, SoftwareSigner};
/// use qes_tsp::{LocalTsa, TimestampRequest, TspClient, LOCAL_TSA_POLICY};
///
/// let pki = qes_testkit::TestPki::shared();
/// let tsa = SoftwareSigner::from_pkcs12(&pki.tsa().pkcs12("pw")?, "pw")?;
/// let at = pki.epoch() + chrono::TimeDelta::days(1);
/// let client = TspClient::new(LocalTsa::new(tsa, LOCAL_TSA_POLICY, move || at));
///
/// let request = TimestampRequest::from_data(DigestAlgorithm::Sha256, b"document")?;
/// let token = client.token(&request)?; // granted, and checked to answer the request
/// let info = qes_cms::token_tst_info(&token)?;
/// assert_eq!(info.gen_time, at);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LocalTsa<S> {
    signer: S,
    policy: ObjectIdentifier,
    clock: Clock,
}

impl<S> fmt::Debug for LocalTsa<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalTsa")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl<S: Signer> LocalTsa<S> {
    /// A TSA signing with `signer` under `policy`, reading `genTime` from `clock`.
    pub fn new(
        signer: S,
        policy: ObjectIdentifier,
        clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static,
    ) -> Self {
        Self {
            signer,
            policy,
            clock: Box::new(clock),
        }
    }

    /// The TSA's policy.
    pub fn policy(&self) -> ObjectIdentifier {
        self.policy
    }

    /// The TSA's signer (its certificate is the TSA certificate).
    pub fn signer(&self) -> &S {
        &self.signer
    }

    /// Answer a DER `TimeStampReq`: a granted `TimeStampResp`, or a rejection with the
    /// reason (never an error: a TSA always answers).
    pub fn respond(&self, request_der: &[u8]) -> TimestampResponse {
        match self.grant(request_der) {
            Ok(token) => TimestampResponse::granted_with(token),
            Err((reason, text)) => TimestampResponse::rejection(reason, text),
        }
    }

    fn grant(&self, request_der: &[u8]) -> Result<Vec<u8>, (FailureReason, String)> {
        let (request, hash_algorithm) =
            TimestampRequest::from_der_with_hash_identifier(request_der).map_err(|e| match e {
                TspError::UnsupportedDigest { .. } => (FailureReason::BadAlg, e.to_string()),
                other => (FailureReason::BadDataFormat, other.to_string()),
            })?;
        if request.policy().is_some_and(|p| *p != self.policy) {
            return Err((
                FailureReason::UnacceptedPolicy,
                format!("this TSA issues tokens under policy {} only", self.policy),
            ));
        }
        let mut serial = [0u8; 16];
        SystemRandom::new()
            .fill(&mut serial)
            .map_err(|_| (FailureReason::SystemFailure, "no random serial".to_owned()))?;
        // A positive INTEGER with no leading zero octet.
        if let Some(first) = serial.first_mut() {
            *first = (*first & 0x7f) | 0x01;
        }
        let imprint = request.imprint();
        // RFC 3161 §2.4.2: the token's messageImprint has the same value as the request's, so
        // the hash AlgorithmIdentifier is echoed as sent (NULL parameters or absent).
        let mut info = TstInfo::new(
            self.policy,
            qes_cms::asn1::MessageImprint {
                hash_algorithm,
                hashed_message: imprint.digest().to_vec(),
            },
            serial.to_vec(),
            (self.clock)(),
        );
        info.accuracy = Some(TimeDelta::seconds(1));
        info.nonce = request.nonce().map(|n| n.as_be_bytes().to_vec());
        let tst_info = info
            .to_der()
            .map_err(|e| system_failure("encoding TSTInfo", &e))?;
        let mut builder = CadesBuilder::new(&self.signer).content_type(oids::ID_CT_TST_INFO);
        if !request.cert_req() {
            builder = builder.without_certificates();
        }
        builder
            .sign_attached(&tst_info)
            .map_err(|e| system_failure("signing the token", &e))
    }
}

fn system_failure(what: &str, error: &dyn fmt::Display) -> (FailureReason, String) {
    (FailureReason::SystemFailure, format!("{what}: {error}"))
}

impl<S: Signer> Transport for LocalTsa<S> {
    fn send(&self, request_der: &[u8]) -> Result<Vec<u8>, TspError> {
        self.respond(request_der).to_der()
    }
}
