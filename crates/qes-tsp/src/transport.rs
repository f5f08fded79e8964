//! How a DER `TimeStampReq` reaches a TSA and its answer comes back.

use std::sync::Arc;

use crate::error::TspError;

/// Carries one request to a TSA and returns the raw response body.
///
/// [`HttpTransport`](crate::HttpTransport) (feature `http`) is RFC 3161 §3.4 over HTTP.
/// Bring your own for another HTTP stack, a proxy with custom authentication, or a test
/// double. An implementation returns the body unparsed (the client parses it) and reports
/// its own failures as [`TspError::Transport`] (see [`TspError::transport`]) or one of the
/// transport variants ([`TspError::HttpStatus`], [`TspError::ContentType`],
/// [`TspError::Timeout`], [`TspError::ResponseTooLarge`]).
///
/// ```
/// use qes_tsp::{Transport, TspError};
///
/// /// Answers every request with the same bytes (a recorded response).
/// struct Replay(Vec<u8>);
///
/// impl Transport for Replay {
///     fn send(&self, _request_der: &[u8]) -> Result<Vec<u8>, TspError> {
///         Ok(self.0.clone())
///     }
/// }
/// ```
pub trait Transport {
    /// Send the DER `TimeStampReq` and return the response body (a `TimeStampResp`).
    ///
    /// # Errors
    /// The transport's failure.
    fn send(&self, request_der: &[u8]) -> Result<Vec<u8>, TspError>;
}

impl<T: Transport + ?Sized> Transport for &T {
    fn send(&self, request_der: &[u8]) -> Result<Vec<u8>, TspError> {
        (**self).send(request_der)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(&self, request_der: &[u8]) -> Result<Vec<u8>, TspError> {
        (**self).send(request_der)
    }
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, request_der: &[u8]) -> Result<Vec<u8>, TspError> {
        (**self).send(request_der)
    }
}
