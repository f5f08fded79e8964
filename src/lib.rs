#![doc = include_str!("../README.md")]
//!
//! ## Modules of this facade
//!
//! | module | crate |
//! |---|---|
//! | [`cert`] | `qes-cert` |
//! | [`signer`] | `qes-signer` |
//! | [`cms`] | `qes-cms` |
//! | [`pades`] | `qes-pades` |
//! | [`renewal`] | `qes-renewal` |
//! | [`tsp`] | `qes-tsp` (feature `http` enables its `HttpTransport`) |
//! | [`cloud`] | `qes-cloud` |
//! | [`confirm`] | `qes-confirm` |
//! | [`token`] | `qes-token` |
//! | [`dcc`] | `qes-dcc` |

pub use qes_cert as cert;
pub use qes_cloud as cloud;
pub use qes_cms as cms;
pub use qes_confirm as confirm;
pub use qes_dcc as dcc;
pub use qes_pades as pades;
pub use qes_renewal as renewal;
pub use qes_signer as signer;
pub use qes_token as token;
pub use qes_tsp as tsp;
