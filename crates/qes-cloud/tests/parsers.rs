//! The answer parsers: typed errors on malformed bodies, bounds, and property tests that no
//! input panics them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use qes_cloud::model::{self, CredentialPage, ErrorBody};
use qes_cloud::{
    ApiVersion, AuthMode, CloudError, CredentialInfo, OtpType, Presence, Scal, SecretKind,
    ServiceInfo,
};

#[test]
fn v1_credential_info_with_pin_and_online_otp() {
    let body =
        br#"{"key":{"status":"enabled","algo":["1.2.840.113549.1.1.11","bogus"],"len":"2048"},
        "authMode":"explicit","PIN":{"presence":"true","format":"N","label":"PIN"},
        "OTP":{"presence":"optional","type":"online","ID":"otp-1","provider":"sms"},
        "SCAL":"2","multisign":"5","unknown":{"x":[1,2,3]}}"#;
    let info = CredentialInfo::from_json("c", body).unwrap();
    assert_eq!(info.auth_mode, AuthMode::Explicit);
    assert_eq!(info.key_algorithms.len(), 1, "unparseable OIDs are dropped");
    assert_eq!(info.key_len, Some(2048));
    assert_eq!(info.scal, Scal::Two);
    assert_eq!(info.multisign, 5);
    let otp = info.otp.as_ref().unwrap();
    assert_eq!(
        (otp.presence, otp.otp_type),
        (Presence::Optional, Some(OtpType::Online))
    );
    let required: Vec<SecretKind> = info.required_secrets().iter().map(|d| d.kind).collect();
    assert_eq!(
        required,
        [SecretKind::Pin],
        "the optional OTP is not asked for"
    );
    assert!(info.certificates.is_empty());
    // An arc too large for const-oid (which overflows on it) is dropped, not a panic.
    let huge = br#"{"key":{"algo":["1.2.99999999999999999999","1.2.840.10045.4.3.2"],"curve":"1.3.132.0.34"}}"#;
    let info = CredentialInfo::from_json("c", huge).unwrap();
    assert_eq!(info.key_algorithms.len(), 1);
    assert!(info.key_curve.is_some());
}

#[test]
fn malformed_answers_are_typed_errors() {
    for body in [
        &b""[..],
        b"null",
        b"[]",
        b"{}",
        b"{\"key\":1}",
        b"{\"key\":{},\"cert\":{\"certificates\":[\"!!\"]}}",
    ] {
        assert!(
            matches!(
                CredentialInfo::from_json("c", body),
                Err(CloudError::Malformed { .. })
            ),
            "{body:?}"
        );
    }
    assert!(matches!(
        CredentialInfo::from_json("c", br#"{"key":{},"cert":{"certificates":["AAAA"]}}"#),
        Err(CloudError::Certificate(_))
    ));
    assert!(matches!(
        ServiceInfo::from_json(br#"{"specs":"0.9"}"#),
        Err(CloudError::UnsupportedVersion { .. })
    ));
    assert_eq!(
        ServiceInfo::from_json(br#"{"specs":"2.0.0.2"}"#)
            .unwrap()
            .version,
        ApiVersion::V2
    );
    assert!(model::parse_signatures(br#"{"signatures":["not base64!"]}"#).is_err());
    assert!(model::parse_authorize(br#"{"SAD":""}"#).is_err());
    let many = format!(
        "{{\"credentialIDs\":[{}\"x\"]}}",
        "\"x\",".repeat(model::MAX_CREDENTIALS)
    );
    assert!(CredentialPage::from_json(many.as_bytes()).is_err());
    // 200 levels of nesting: serde_json's recursion limit, an error and no stack overflow.
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert!(ServiceInfo::from_json(deep.as_bytes()).is_err());
}

#[test]
fn error_bodies_and_tries_left() {
    let e = ErrorBody::parse(br#"{"error":"invalid_otp","error_description":"The OTP is invalid","remainingAttempts":2}"#);
    assert_eq!(
        (e.error.as_deref(), e.tries_left),
        (Some("invalid_otp"), Some(2))
    );
    for (text, n) in [
        ("PIN invalid, 3 attempts left", Some(3)),
        ("wrong code: remaining attempts: 1", Some(1)),
        ("1 try remaining", Some(1)),
        ("retries left 4", Some(4)),
        ("invalid PIN", None),
        ("error 400", None),
    ] {
        let body =
            serde_json::json!({"error": "invalid_pin", "error_description": text}).to_string();
        assert_eq!(ErrorBody::parse(body.as_bytes()).tries_left, n, "{text}");
    }
    let plain = ErrorBody::parse(b"400: Bad Request\r\n");
    assert_eq!(
        (plain.error, plain.description.as_deref()),
        (None, Some("400: Bad Request"))
    );
}

proptest! {
    #[test]
    fn parsers_never_panic(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = ServiceInfo::from_json(&body);
        let _ = CredentialPage::from_json(&body);
        let _ = CredentialInfo::from_json("c", &body);
        let _ = model::parse_authorize(&body);
        let _ = model::parse_signatures(&body);
        let _ = ErrorBody::parse(&body);
    }

    #[test]
    fn json_shaped_inputs_never_panic(
        specs in "[0-9.]{0,8}",
        multisign in any::<i64>(),
        scal in ".{0,3}",
        algo in proptest::collection::vec("[0-9.]{0,20}", 0..5),
        text in ".{0,60}",
    ) {
        let body = serde_json::json!({
            "specs": specs, "key": {"algo": algo, "len": multisign, "status": text},
            "SCAL": scal, "multisign": multisign, "authMode": text,
            "auth": {"mode": text, "objects": [{"type": "PIN", "id": text}]},
            "error": text, "error_description": text,
        }).to_string();
        let _ = ServiceInfo::from_json(body.as_bytes());
        if let Ok(info) = CredentialInfo::from_json("c", body.as_bytes()) {
            prop_assert!(info.multisign >= 1);
        }
        let _ = ErrorBody::parse(body.as_bytes());
    }
}
