//! Errors of the confirmation workflow's producing steps (prefilling, countersigning); the
//! checks report [`crate::Reason`]s instead.

/// Why a confirmation document could not be produced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The certificate has no givenName and surname: it is not a natural person's.
    #[error("the certificate names no natural person (no givenName and surname)")]
    NoHolderName,
    /// The certificate has no subject serialNumber identifying the holder.
    #[error("the certificate has no subject serialNumber identifying the holder")]
    NoIdentifier,
    /// The upload was not accepted by `check_holder_signed`, or the check was made on
    /// other bytes.
    #[error("the upload was not accepted by the holder check (or the check was of other bytes)")]
    NotAccepted,
    /// The certificate could not be read.
    #[error("certificate: {0}")]
    Certificate(#[from] qes_cert::Error),
    /// Writing or signing the PDF failed.
    #[error("PDF: {0}")]
    Pdf(#[from] qes_pades::Error),
}
