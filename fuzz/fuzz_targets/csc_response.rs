//! CSC API answers (qes-cloud `model`): the first byte picks the parser — `info`,
//! `credentials/list`, `credentials/info` (v1 and v2 layouts, certificates parsed),
//! `credentials/authorize`, `signatures/signHash`, the error body — the rest is the body.
//! Derived values are exercised too (required secrets, offered methods).
#![no_main]

use qes_cloud::model::{self, CredentialPage, ErrorBody};
use qes_cloud::{CredentialInfo, Endpoint, ServiceInfo};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    match selector % 6 {
        0 => {
            if let Ok(info) = ServiceInfo::from_json(body) {
                let _ = info.offers(Endpoint::SignHash);
            }
        }
        1 => {
            let _ = CredentialPage::from_json(body);
        }
        2 => {
            if let Ok(info) = CredentialInfo::from_json("fuzz", body) {
                assert!(info.multisign >= 1);
                let _ = info.required_secrets();
            }
        }
        3 => {
            let _ = model::parse_authorize(body);
        }
        4 => {
            let _ = model::parse_signatures(body);
        }
        _ => {
            let _ = ErrorBody::parse(body);
        }
    }
});
