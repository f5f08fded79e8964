//! # qes-token — PKCS#11 tokens as qes signers
//!
//! Holders keep qualified keys on hardware tokens (SafeNet eToken, smart cards, HSMs) reached
//! through a vendor PKCS#11 module. This crate loads the module ([`Module`]), selects a token
//! by label or serial ([`TokenSelector`], never by slot number), logs in with a zeroized
//! [`Pin`] under explicit lock-out rules ([`PinStatus`], [`FinalTry`]), and signs through a
//! pool of sessions ([`SessionPool`]) with the key and certificate found by `CKA_ID`
//! ([`TokenSigner`], a [`qes_signer::Signer`]). It also manages PINs ([`Token::change_pin`],
//! [`Token::unblock`]) and the renewal objects: an on-token key pair
//! ([`SessionPool::generate_key_pair`]), its certificate ([`SessionPool::import_certificate`])
//! and the replacement of the old one ([`SessionPool::replace_certificate`], or step by step:
//! [`SessionPool::key_for_certificate`], [`SessionPool::add_certificate`],
//! [`SessionPool::remove_other_certificates`]).
//!
//! | item | what | standard |
//! |---|---|---|
//! | [`Module`], [`Token`], [`TokenSelector`] | module loading, token info, selection | PKCS#11 v2.40 §5.4 |
//! | [`Pin`], [`PinStatus`], [`FinalTry`], [`PinWarning`] | PIN secret, retry flags, the final-try choice | PKCS#11 v2.40 §3.2 `CK_TOKEN_INFO` |
//! | [`SessionPool`], [`LoginOptions`] | one login, many sessions; thread-safety contract | PKCS#11 v2.40 §5.6 |
//! | [`TokenSigner`] | RSA PKCS#1 v1.5 / PSS, ECDSA (raw `r‖s` → DER) | RFC 8017, RFC 3279 §2.2.3 |
//! | [`KeySpec`], [`TokenObject`], [`OldKey`] | key generation, certificate objects | PKCS#11 v2.40 §4.6.3, §4.8–4.9 |
//! | [`Added`], [`RemovedCertificate`] | installing a renewed certificate, removing the old | PKCS#11 v2.40 §4.6.3 |
//! | [`KeyId`], [`rsa_public_key`], [`ec_public_key`] | `CKA_ID`, public keys from attributes | RFC 5480 §2 |
//!
//! # Example
//!
//! ```no_run
//! use std::sync::Arc;
//! use qes_signer::Signer;
//! use qes_token::{LoginOptions, Module, Pin, SessionPool, TokenSelector, TokenSigner};
//!
//! let module = Module::open("/usr/lib/softhsm/libsofthsm2.so")?;
//! let token = module.token(&TokenSelector::Label("Holder".into()))?;
//! println!("PIN state: {}", token.user_pin);
//! let pin = Pin::new(String::from("1234")); // from a prompt; zeroized on drop
//! let pool = Arc::new(SessionPool::login(&token, &pin, LoginOptions::per_core())?);
//! drop(pin);
//! let signer = TokenSigner::new(pool, None)?; // the one key with a certificate
//! let signature = signer.sign(signer.default_algorithm(), b"CMS signed attributes")?;
//! # let _ = signature;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Thread-safety contract
//! - [`Module`], [`Token`], [`SessionPool`] and [`TokenSigner`] are `Send + Sync`. The module
//!   is initialized once per process (every [`Module::open`] of the same path shares the
//!   context) with `CKF_OS_LOCKING_OK`, so the module may be called from several threads.
//! - A PKCS#11 session is not safe for concurrent use (cryptoki's `Session` is `Send`, not
//!   `Sync`): a [`SessionPool`] hands each of its sessions to one thread at a time.
//!   [`SessionPool::with_session`] blocks while all are busy, so at most
//!   [`SessionPool::size`] operations run on the token at once.
//! - One login serves the whole pool (PKCS#11 login state is per application and token):
//!   signers sharing a pool share its sessions and its login. A batch
//!   ([`qes_signer::Signer::sign_batch`]) is split over the pool's sessions in scoped threads.
//! - Dropping the pool closes its sessions; closing the last session of the token logs out.
//! - How much the device itself parallelizes is the device's business: a smart card signs
//!   one at a time whatever the pool size; SoftHSM2 and network HSMs scale with sessions.
//!
//! # PINs
//! [`Pin`] holds the PIN in zeroizing memory and never prints it. Before a login the token's
//! flags are read: a locked PIN is [`TokenError::PinLocked`] (unblock with the PUK,
//! [`Token::unblock`]); on "final try" the login is refused ([`TokenError::FinalTryRefused`])
//! unless [`FinalTry::Allow`] was chosen; a wrong PIN is [`TokenError::PinIncorrect`] with
//! the flags after the attempt. A PIN longer than [`MACOS_PIN_LIMIT`] characters yields
//! [`PinWarning::LongerThanMacOsLimit`].
//!
//! # Limitations
//! - PKCS#11 exposes no retry counter, only the `COUNT_LOW` / `FINAL_TRY` / `LOCKED` flags; a
//!   module that sets none of them (SoftHSM2 sets only `COUNT_LOW`) gives no warning before
//!   it locks.
//! - Keys needing `CKA_ALWAYS_AUTHENTICATE` (context-specific login per signature) are not
//!   supported yet.

mod error;
mod install;
mod module;
mod objects;
mod pin;
mod pubkey;
mod session;
mod signer;

pub use error::TokenError;
pub use install::{Added, RemovedCertificate};
pub use module::{Module, Token, TokenSelector};
pub use objects::{KeySpec, ObjectKind, OldKey, TokenObject, MAX_OBJECTS};
pub use pin::{FinalTry, Pin, PinStatus, PinWarning, MACOS_PIN_LIMIT};
pub use pubkey::{
    curve_from_params, curve_params, ec_public_key, rsa_public_key, wrap_ec_point, KeyId,
    TokenPublicKey, MAX_KEY_ID_LEN,
};
pub use session::{LoginOptions, SessionPool, MAX_SESSIONS};
pub use signer::{RsaHashing, TokenSigner, MAX_CHAIN_LEN};

/// The re-exported `cryptoki` crate, for callers that need a raw PKCS#11 call.
pub use cryptoki;

#[cfg(test)]
mod tests {
    /// The thread-safety contract's `Send + Sync` claims, checked by the compiler.
    #[test]
    fn handles_are_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<crate::Module>();
        shared::<crate::Token>();
        shared::<crate::SessionPool>();
        shared::<crate::TokenSigner>();
        shared::<crate::Pin>();
    }
}
