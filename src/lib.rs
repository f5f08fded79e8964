#![doc = include_str!("../README.md")]
//!
//! ## Modules of this facade
//!
//! | module | crate |
//! |---|---|
//! | [`cert`] | `qes-cert` |

pub use qes_cert as cert;
