//! PKCS#8 key files: DER and PEM `PrivateKeyInfo` (RFC 5208 §5, RFC 5958 §2; PEM label
//! `PRIVATE KEY`, RFC 7468 §10) and `EncryptedPrivateKeyInfo` (RFC 5958 §3; PEM label
//! `ENCRYPTED PRIVATE KEY`, RFC 7468 §11).
//!
//! ```text
//! EncryptedPrivateKeyInfo ::= SEQUENCE {
//!     encryptionAlgorithm  EncryptionAlgorithmIdentifier,
//!     encryptedData        EncryptedData }                  -- OCTET STRING
//! ```

use der::Decode;
use pkcs12::pbe_params::EncryptedPrivateKeyInfo;
use zeroize::Zeroizing;

use super::pbe::{self, DecryptError, Password};
use crate::SignError;

/// Largest key file (PKCS#8 or PKCS#12, DER or PEM) the software backend reads.
pub const MAX_KEY_FILE_LEN: usize = 1024 * 1024;

pub(crate) fn check_size(input: &[u8]) -> Result<(), SignError> {
    if input.len() > MAX_KEY_FILE_LEN {
        return Err(SignError::key_load_bare(
            "key file larger than MAX_KEY_FILE_LEN",
        ));
    }
    Ok(())
}

/// The DER inside one PEM block labelled `label` (nothing else in the input).
pub(crate) fn pem_to_der(pem: &str, label: &'static str) -> Result<Zeroizing<Vec<u8>>, SignError> {
    check_size(pem.as_bytes())?;
    let (found, der) = pem_rfc7468::decode_vec(pem.as_bytes())
        .map_err(|e| SignError::key_load("not a PEM block", e))?;
    let der = Zeroizing::new(der);
    if found != label {
        return Err(SignError::KeyLoad {
            reason: if label == "PRIVATE KEY" {
                "PEM label is not PRIVATE KEY"
            } else {
                "PEM label is not ENCRYPTED PRIVATE KEY"
            },
            source: None,
        });
    }
    Ok(der)
}

/// Decrypt a DER `EncryptedPrivateKeyInfo` into the DER `PrivateKeyInfo` it protects.
///
/// A padding failure, or a plaintext that is not a `PrivateKeyInfo`, is
/// [`SignError::WrongPassword`]: PKCS#8 has no integrity check, so a wrong password and
/// corrupted ciphertext look the same.
pub(crate) fn decrypt(der: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>, SignError> {
    check_size(der)?;
    let info = EncryptedPrivateKeyInfo::from_der(der)
        .map_err(|e| SignError::key_load("not a DER PKCS#8 EncryptedPrivateKeyInfo", e))?;
    decrypt_info(&info, &Password::new(password))
}

/// Decrypt a decoded `EncryptedPrivateKeyInfo` (also the PKCS#12 `pkcs8ShroudedKeyBag`).
pub(crate) fn decrypt_info(
    info: &EncryptedPrivateKeyInfo,
    password: &Password<'_>,
) -> Result<Zeroizing<Vec<u8>>, SignError> {
    let plain = match pbe::decrypt(
        &info.encryption_algorithm,
        password,
        info.encrypted_data.as_bytes(),
    ) {
        Ok(plain) => plain,
        Err(DecryptError::Padding) => return Err(SignError::WrongPassword),
        Err(DecryptError::Other(e)) => return Err(e),
    };
    // Roughly one wrong password in 256 still yields valid padding: the result is then not
    // a PrivateKeyInfo.
    if pkcs8::PrivateKeyInfo::from_der(&plain).is_err() {
        return Err(SignError::WrongPassword);
    }
    Ok(plain)
}
