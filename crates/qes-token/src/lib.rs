#![doc = include_str!("../README.md")]

mod error;
mod install;
mod key;
mod module;
mod objects;
mod pin;
mod pubkey;
mod session;
mod signer;

pub use error::TokenError;
pub use install::{Added, RemovedCertificate};
pub use key::TokenKey;
pub use module::{Module, SlotToken, Token, TokenSelector};
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
