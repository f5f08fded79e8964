#![doc = include_str!("../README.md")]
//!
//! # Features
//!
//! - `http`: [`HttpTransport`], a blocking HTTP/1.1 client (`ureq`) with https over
//!   rustls on the ring provider.
//!
//! # Limits
//!
//! Responses over [`TimestampResponse::MAX_LEN`] (1 MiB) are refused, BER nesting is limited
//! to 64 levels and 100 000 elements; request nonces are at most 256 bits.

mod ber;
mod client;
mod error;
#[cfg(feature = "http")]
mod http;
mod local;
mod request;
mod response;
mod status;
mod timestamper;
mod transport;

pub use client::TspClient;
pub use error::{Malformation, TimeoutPhase, TokenField, TspError};
#[cfg(feature = "http")]
pub use http::{
    HttpTransport, HttpTransportBuilder, QUERY_CONTENT_TYPE, REPLY_CONTENT_TYPE,
    REPLY_CONTENT_TYPE_ALT,
};
pub use local::{Clock, LocalTsa, LOCAL_TSA_POLICY};
pub use request::{MessageImprint, Nonce, TimestampRequest};
pub use response::TimestampResponse;
pub use status::{FailureInfo, FailureReason, PkiStatus, StatusInfo};
pub use timestamper::check_token_answers;
pub use transport::Transport;
