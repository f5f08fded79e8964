//! The provider's countersignature: a visible PAdES B-T signature (ETSI EN 319 142-1) in
//! the document's second field, appended to an upload that [`crate::check_holder_signed`]
//! accepted.

use chrono::{DateTime, Utc};
use qes_cms::Timestamper;
use qes_pades::{Appearance, PadesSigner};
use qes_signer::Signer;

use crate::check::HolderCheck;
use crate::holder::sha256_hex;
use crate::prefill::COUNTERSIGNATURE_FIELD;
use crate::Error;

/// The countersigned document's file name.
pub const CONFIRMED_FILE_NAME: &str = "confirmare.pdf";

/// A countersigned confirmation document.
#[derive(Clone, Debug)]
pub struct Countersigned {
    /// [`CONFIRMED_FILE_NAME`].
    pub file_name: String,
    /// The PDF: the upload's exact bytes plus the countersignature's incremental update.
    pub pdf: Vec<u8>,
}

/// Countersign `uploaded` as the provider: a PAdES B-T signature by `provider`,
/// timestamped by `timestamper`, claimed time `at`, drawn into the
/// [`COUNTERSIGNATURE_FIELD`].
///
/// `check` must be the accepted [`HolderCheck`] of exactly these bytes, so that nothing is
/// countersigned unchecked.
///
/// # Errors
/// [`Error::NotAccepted`] when `check` refused the upload or was made on other bytes;
/// [`Error::Pdf`] when signing fails (the signer, the timestamp authority, the PDF).
pub fn countersign(
    uploaded: &[u8],
    check: &HolderCheck,
    provider: &dyn Signer,
    timestamper: &dyn Timestamper,
    at: DateTime<Utc>,
) -> Result<Countersigned, Error> {
    if !check.is_accepted() || check.upload_sha256 != sha256_hex(uploaded) {
        return Err(Error::NotAccepted);
    }
    let pdf = PadesSigner::new(provider)
        .with_field_name(COUNTERSIGNATURE_FIELD)
        .with_timestamper(timestamper)
        .with_signing_time(at)
        .with_reason("Contrasemnătura furnizorului / Provider's countersignature")
        .with_appearance(Appearance::new())
        .sign(uploaded)?;
    Ok(Countersigned {
        file_name: CONFIRMED_FILE_NAME.into(),
        pdf,
    })
}
