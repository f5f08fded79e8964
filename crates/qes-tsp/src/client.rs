//! The TSA client: request out, granted response back.

use const_oid::ObjectIdentifier;
use qes_signer::DigestAlgorithm;

use crate::error::TspError;
use crate::request::TimestampRequest;
use crate::response::TimestampResponse;
use crate::transport::Transport;

/// Asks a TSA for time-stamps over a [`Transport`].
///
/// It checks the protocol envelope: the response parses and its status is granted or
/// grantedWithMods. Whether the token answers *this* request (imprint, nonce echo) and is
/// trustworthy (signature, ESS certificate binding, TSA certificate and path) is checked
/// on the token by `qes-cms`.
///
/// ```no_run
/// # #[cfg(feature = "http")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use qes_signer::DigestAlgorithm;
/// use qes_tsp::{HttpTransport, TimestampRequest, TspClient};
///
/// let client = TspClient::new(HttpTransport::new("http://tsa.example.com/tsa")?);
/// let request = TimestampRequest::from_data(DigestAlgorithm::Sha256, b"document")?;
/// let response = client.request(&request)?;
/// let token: &[u8] = response.token().unwrap_or_default(); // ContentInfo as received
/// # let _ = token;
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "http"))]
/// # fn main() {}
/// ```
#[derive(Clone, Debug)]
pub struct TspClient<T> {
    transport: T,
    imprint_algorithm: DigestAlgorithm,
    policy: Option<ObjectIdentifier>,
}

impl<T: Transport> TspClient<T> {
    /// A client over `transport`; as a [`qes_cms::Timestamper`] it asks for SHA-256
    /// imprints under the TSA's default policy.
    pub fn new(transport: T) -> Self {
        Self {
            transport,
            imprint_algorithm: DigestAlgorithm::Sha256,
            policy: None,
        }
    }

    /// The hash the client asks imprints to be made with when it serves as a
    /// [`qes_cms::Timestamper`].
    #[must_use]
    pub fn with_imprint_algorithm(mut self, algorithm: DigestAlgorithm) -> Self {
        self.imprint_algorithm = algorithm;
        self
    }

    /// The TSA policy requested (`reqPolicy`) when the client serves as a
    /// [`qes_cms::Timestamper`]; tokens under another policy are refused.
    #[must_use]
    pub fn with_policy(mut self, policy: ObjectIdentifier) -> Self {
        self.policy = Some(policy);
        self
    }

    /// The imprint hash used as a [`qes_cms::Timestamper`].
    pub fn imprint_algorithm(&self) -> DigestAlgorithm {
        self.imprint_algorithm
    }

    /// The policy requested as a [`qes_cms::Timestamper`], if any.
    pub fn policy(&self) -> Option<ObjectIdentifier> {
        self.policy
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Send `request` and return the TSA's granted response (its token present).
    ///
    /// # Errors
    /// Encoding ([`TspError::Der`]), the transport's errors, [`TspError::Malformed`] /
    /// [`TspError::ResponseTooLarge`] for a response that does not parse, and
    /// [`TspError::Rejected`] (status, text, failure information) for any status but
    /// granted / grantedWithMods.
    pub fn request(&self, request: &TimestampRequest) -> Result<TimestampResponse, TspError> {
        self.request_with_body(request)
            .map(|(response, _)| response)
    }

    /// As [`TspClient::request`], also returning the response body exactly as received (to
    /// store a `.tsr` without re-encoding it).
    ///
    /// # Errors
    /// As [`TspClient::request`].
    pub fn request_with_body(
        &self,
        request: &TimestampRequest,
    ) -> Result<(TimestampResponse, Vec<u8>), TspError> {
        let der = request.to_der()?;
        let body = self.transport.send(&der)?;
        let response = TimestampResponse::from_der(&body)?.granted()?;
        Ok((response, body))
    }
}
