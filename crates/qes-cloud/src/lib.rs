#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), warn(missing_docs))]

mod auth;
mod client;
mod error;
pub mod model;
mod signer;
mod totp;

pub use auth::{
    AccessTokenProvider, Authorizer, FixedSecrets, NoSecrets, Secret, SecretPrompt, ServiceAuth,
    StaticToken, TotpAuthorizer,
};
pub use client::{
    AuthorizeRequest, CscClient, CscClientBuilder, RetryPolicy, Sad, DEFAULT_MAX_RESPONSE,
    MAX_PAGES,
};
pub use error::{CloudError, Endpoint, Result, SecretKind};
pub use model::{
    ApiVersion, AuthMode, CredentialInfo, OtpType, Presence, Scal, SecretDescriptor, SecretFormat,
    ServiceInfo,
};
pub use signer::CscSigner;
pub use totp::{
    base32_decode, base32_encode, Totp, TotpAlgorithm, MAX_BASE32_LEN, MAX_SECRET_LEN,
    MIN_SECRET_LEN, TIME_STEP,
};
