#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), warn(missing_docs))]

mod check;
mod countersign;
mod error;
mod holder;
mod prefill;
mod reason;

pub use check::{check_final, check_holder_signed, FinalCheck, HolderCheck};
pub use countersign::{countersign, Countersigned, CONFIRMED_FILE_NAME};
pub use error::Error;
pub use holder::{fold_to_ascii, HolderData, PRIVATE_DATA_APPLICATION};
pub use prefill::{prefill, Prefilled, COUNTERSIGNATURE_FIELD, HOLDER_FIELD};
pub use reason::{Lang, Reason, Role};
