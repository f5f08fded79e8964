//! The crate's one error type: every failure of module loading, token selection, login, PIN
//! management, object handling and signing, with the PKCS#11 return value kept as `source()`.

use std::path::PathBuf;

use crate::{KeyId, PinStatus, TokenSelector};

/// A failure of the PKCS#11 backend.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The module (shared library) could not be loaded or initialized.
    #[error("cannot load PKCS#11 module {}: {source}", path.display())]
    Load {
        /// The module path given.
        path: PathBuf,
        /// What `dlopen` / `C_Initialize` said.
        #[source]
        source: cryptoki::error::Error,
    },
    /// A PKCS#11 call failed in a way no more specific variant describes.
    #[error("PKCS#11 {operation} failed: {source}")]
    Pkcs11 {
        /// What the backend was doing.
        operation: &'static str,
        /// The module's return value.
        #[source]
        source: cryptoki::error::Error,
    },
    /// No token matches the selector.
    #[error("no token with {selector}; present: {}", list(available))]
    TokenNotFound {
        /// What was asked for.
        selector: TokenSelector,
        /// Labels (and serials) of the tokens present.
        available: Vec<String>,
    },
    /// Several tokens match the selector (e.g. two tokens with the same label).
    #[error("{count} tokens match {selector}: select by serial instead")]
    AmbiguousToken {
        /// What was asked for.
        selector: TokenSelector,
        /// How many matched.
        count: usize,
    },
    /// The token rejected the PIN. `status` is the token's PIN state after the attempt.
    #[error("wrong PIN{}", tries_hint(status))]
    PinIncorrect {
        /// The PIN flags read after the failed attempt.
        status: PinStatus,
    },
    /// The token reports that the next wrong PIN locks it, and the caller did not allow the
    /// attempt ([`crate::FinalTry::Allow`]). Nothing was sent to the token.
    #[error(
        "the token says the next wrong PIN locks it; refusing to try (allow the final try \
         explicitly if you are sure of the PIN)"
    )]
    FinalTryRefused,
    /// The user PIN is locked (`CKF_USER_PIN_LOCKED` or `CKR_PIN_LOCKED`).
    #[error("the PIN is locked: unblock it with the PUK (SO PIN) and set a new PIN")]
    PinLocked,
    /// The SO PIN (PUK) is locked: only re-initializing the token (losing its keys) helps.
    #[error("the PUK (SO PIN) is locked: the token cannot be unblocked")]
    SoPinLocked,
    /// The token reports that the next wrong PUK locks it, and the caller did not allow it.
    #[error("the token says the next wrong PUK locks it for good; refusing to try")]
    SoFinalTryRefused,
    /// The token rejected the PUK (SO PIN).
    #[error("wrong PUK (SO PIN){}", tries_hint(status))]
    SoPinIncorrect {
        /// The SO PIN flags read after the failed attempt.
        status: PinStatus,
    },
    /// A PIN outside the token's accepted length.
    #[error("PIN has {actual} characters; the token accepts {min} to {max}")]
    PinLength {
        /// Shortest accepted.
        min: usize,
        /// Longest accepted.
        max: usize,
        /// What was given.
        actual: usize,
    },
    /// The token refused the new PIN's characters (`CKR_PIN_INVALID`).
    #[error("the token refuses this PIN (invalid characters)")]
    PinInvalid,
    /// The token's user PIN was never initialized.
    #[error("the token's user PIN is not initialized")]
    PinNotInitialized,
    /// No private key (with its certificate) matches.
    #[error("no private key{} with a certificate on the token", id_hint(id.as_ref()))]
    KeyNotFound {
        /// The `CKA_ID` asked for, if any.
        id: Option<KeyId>,
    },
    /// Several keys with certificates are on the token and none was chosen.
    #[error("several keys on the token ({}): choose one by CKA_ID", ids_list(ids))]
    AmbiguousKey {
        /// The candidates' `CKA_ID`s.
        ids: Vec<KeyId>,
    },
    /// An object with that `CKA_ID` already exists where a new one is to be created.
    #[error("the token already holds a {what} with CKA_ID {id}")]
    ObjectExists {
        /// `"key pair"` or `"certificate"`.
        what: &'static str,
        /// The `CKA_ID`.
        id: KeyId,
    },
    /// No private key on the token has the certificate's public key.
    #[error(
        "no private key on the token has the certificate's public key{}",
        unreadable_hint(*unreadable)
    )]
    NoKeyForCertificate {
        /// Private keys whose public half the token does not reveal (not comparable).
        unreadable: usize,
    },
    /// The certificate that must stay is not on the token under that `CKA_ID`, so nothing
    /// was removed.
    #[error("the new certificate is not on the token with CKA_ID {id}: nothing removed")]
    CertificateNotStored {
        /// The `CKA_ID`.
        id: KeyId,
    },
    /// The certificate's public key is not the token key's.
    #[error("the certificate's public key does not match the token key {id}")]
    CertificateKeyMismatch {
        /// The key's `CKA_ID`.
        id: KeyId,
    },
    /// A certificate object on the token (or given for import) does not parse.
    #[error("certificate: {0}")]
    Certificate(#[source] qes_cert::Error),
    /// A key's public attributes are malformed or of an unsupported kind.
    #[error("token key: {reason}")]
    PublicKey {
        /// What is wrong.
        reason: &'static str,
    },
    /// The token lacks a mechanism the operation needs.
    #[error("the token does not offer {mechanism}")]
    MechanismUnavailable {
        /// The mechanism's PKCS#11 name.
        mechanism: &'static str,
    },
    /// The session pool was given an impossible size.
    #[error("a session pool needs between 1 and {max} sessions, not {requested}")]
    PoolSize {
        /// Sessions asked for.
        requested: usize,
        /// The limit.
        max: usize,
    },
    /// The session pool's lock was poisoned by a panicking thread.
    #[error("the session pool is unusable: a thread panicked while holding it")]
    PoolPoisoned,
    /// DER encoding of a public key or attribute failed.
    #[error("DER: {0}")]
    Der(#[from] der::Error),
    /// A signature the token returned is malformed.
    #[error("signature from the token: {0}")]
    Signature(#[source] qes_signer::SignError),
}

impl TokenError {
    pub(crate) fn pkcs11(operation: &'static str) -> impl FnOnce(cryptoki::error::Error) -> Self {
        move |source| Self::Pkcs11 { operation, source }
    }

    /// The PKCS#11 return value (`CKR_…`) behind this error, if there is one.
    pub fn return_value(&self) -> Option<cryptoki::error::RvError> {
        match self {
            Self::Load { source, .. } | Self::Pkcs11 { source, .. } => match source {
                cryptoki::error::Error::Pkcs11(rv, _) => Some(*rv),
                _ => None,
            },
            _ => None,
        }
    }
}

impl From<TokenError> for qes_signer::SignError {
    fn from(err: TokenError) -> Self {
        match err {
            TokenError::Signature(e) => e,
            other => qes_signer::SignError::Backend {
                backend: "pkcs11",
                source: Box::new(other),
            },
        }
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn ids_list(ids: &[KeyId]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn id_hint(id: Option<&KeyId>) -> String {
    id.map(|id| format!(" with CKA_ID {id}"))
        .unwrap_or_default()
}

fn unreadable_hint(unreadable: usize) -> String {
    if unreadable == 0 {
        String::new()
    } else {
        format!(" ({unreadable} key(s) without a readable public key could not be compared: give the CKA_ID)")
    }
}

fn tries_hint(status: &PinStatus) -> &'static str {
    if status.locked {
        "; the PIN is now locked: unblock it with the PUK"
    } else if status.final_try {
        "; one try left: the next wrong PIN locks the token"
    } else if status.count_low {
        "; the token reports few tries left"
    } else {
        ""
    }
}
