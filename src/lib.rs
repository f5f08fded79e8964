//! # qes — qualified electronic signatures for Rust
//!
//! The facade of the `qes` crate family. Each layer lives in its own crate and is re-exported
//! here under a short name:
//!
//! | module | crate | owns |
//! |---|---|---|
//! | [`cert`] | `qes-cert` | X.509 parsing, ETSI EN 319 412 qualified profiles, holder identity, lint, RFC 5280 path validation, CRL/OCSP |
//!
//! See the repository README for the whole picture.

pub use qes_cert as cert;
