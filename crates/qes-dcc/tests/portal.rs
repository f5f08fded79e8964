//! The national portal's issuance request: valid requests pass, each broken rule is named.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use qes_dcc::portal::{IssuanceRequest, RequestProblem};
use qes_dcc::{DccError, ValueSets};

fn cnp(first12: &str) -> String {
    let digits: Vec<u8> = first12.bytes().map(|b| b - b'0').collect();
    let d: [u8; 12] = digits.try_into().unwrap();
    format!("{first12}{}", qes_cert::cnp_control_digit(&d))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 9, 15).unwrap()
}

fn problems(json: &str) -> Vec<RequestProblem> {
    let r = IssuanceRequest::from_json(json.as_bytes()).unwrap();
    match r.validate(today(), ValueSets::bundled()) {
        Ok(()) => Vec::new(),
        Err(DccError::Request(p)) => p,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn adult_with_id_card() {
    let c = cnp("180051740123");
    let ok = format!(
        r#"{{"identity":{{"kind":"cnp","cnp":"{c}","id_series":"RX","id_number":"123456","surname_initial":"P","given_name_initial":"S"}},
            "certificate":"vaccination","product":"EU/1/20/1528","county":"CJ","month":"2021-06"}}"#
    );
    assert_eq!(problems(&ok), vec![]);
    let bad = format!(
        r#"{{"identity":{{"kind":"cnp","cnp":"{c}","id_series":"R1","id_number":"12345","surname_initial":"p","given_name_initial":"ST"}},
            "certificate":"vaccination","product":"X","county":"ZZ","month":"2021-13"}}"#
    );
    let p = problems(&bad);
    for want in [
        RequestProblem::IdSeries,
        RequestProblem::IdNumber,
        RequestProblem::Initial { which: "surname" },
        RequestProblem::Initial {
            which: "given name",
        },
        RequestProblem::UnknownProduct("X".into()),
        RequestProblem::County("ZZ".into()),
        RequestProblem::Month,
    ] {
        assert!(p.contains(&want), "{want:?} not in {p:?}");
    }
    let missing = format!(
        r#"{{"identity":{{"kind":"cnp","cnp":"{c}","surname_initial":"P","given_name_initial":"S"}},
            "certificate":"test","product":"EU/1/20/1528","county":"B","month":"2021-10"}}"#
    );
    let p = problems(&missing);
    assert!(p.contains(&RequestProblem::MissingIdCard));
    assert!(p.contains(&RequestProblem::UnexpectedProduct));
    assert!(p.contains(&RequestProblem::MonthInFuture));
    let bad_cnp = r#"{"identity":{"kind":"cnp","cnp":"1800517401230","surname_initial":"P","given_name_initial":"S"},
            "certificate":"recovery","county":"B","month":"2021-01"}"#;
    assert!(matches!(problems(bad_cnp)[..], [RequestProblem::Cnp(_)]));
}

#[test]
fn minor_under_14_needs_guardian_not_id_card() {
    let c = cnp("515031012001"); // born 2015-03-10
    let ok = format!(
        r#"{{"identity":{{"kind":"cnp","cnp":"{c}","surname_initial":"P","given_name_initial":"A","guardian":{{"name":"Maria Popescu","consent":true}}}},
            "certificate":"test","county":"IS","month":"2021-09"}}"#
    );
    assert_eq!(problems(&ok), vec![]);
    let no_consent = format!(
        r#"{{"identity":{{"kind":"cnp","cnp":"{c}","id_series":"RX","id_number":"123456","surname_initial":"P","given_name_initial":"A","guardian":{{"name":"Maria Popescu","consent":false}}}},
            "certificate":"test","county":"IS","month":"2021-09"}}"#
    );
    assert_eq!(
        problems(&no_consent),
        vec![
            RequestProblem::IdCardForMinor,
            RequestProblem::MissingConsent
        ]
    );
    let none = format!(
        r#"{{"identity":{{"kind":"cnp","cnp":"{c}","surname_initial":"P","given_name_initial":"A"}},
            "certificate":"vaccination","product":"EU/1/20/1528","county":"IS","month":"2020-11"}}"#
    );
    assert_eq!(
        problems(&none),
        vec![
            RequestProblem::MissingGuardian,
            RequestProblem::MonthTooEarly("December 2020")
        ]
    );
}

#[test]
fn passport_and_foreign_id() {
    let ok = r#"{"identity":{"kind":"passport","country":"MD","number":"AB1234567","surname_initial":"C","given_name_initial":"I"},
            "certificate":"recovery","county":"B","month":"2021-02"}"#;
    assert_eq!(problems(ok), vec![]);
    let bad = r#"{"identity":{"kind":"foreign_id","country":"XX","number":"ab1","surname_initial":"C","given_name_initial":"I"},
            "certificate":"recovery","county":"B","month":"2021-02"}"#;
    assert_eq!(
        problems(bad),
        vec![
            RequestProblem::DocumentCountry,
            RequestProblem::DocumentNumber
        ]
    );
    assert!(IssuanceRequest::from_json(br#"{"identity":{"kind":"selfie"}}"#).is_err());
    // Debug hides the identity.
    let r = IssuanceRequest::from_json(ok.as_bytes()).unwrap();
    assert!(!format!("{r:?}").contains("AB1234567"));
}

#[test]
fn certificate_must_answer_the_request() {
    let c = cnp("180051740123");
    let req = IssuanceRequest::from_json(
        format!(
            r#"{{"identity":{{"kind":"cnp","cnp":"{c}","id_series":"RX","id_number":"123456","surname_initial":"P","given_name_initial":"S"}},
                "certificate":"vaccination","product":"EU/1/20/1528","county":"CJ","month":"2021-06"}}"#
        )
        .as_bytes(),
    )
    .unwrap();
    let cert = |dob: &str, mp: &str, dt: &str, fnt: &str| {
        qes_dcc::HealthCertificate::from_json(&serde_json::json!({
            "ver": "1.3.0", "nam": {"fnt": fnt, "gnt": "STEFAN"}, "dob": dob,
            "v": [{"tg": "840539006", "vp": "1119349007", "mp": mp, "ma": "ORG-100030215",
                   "dn": 2, "sd": 2, "dt": dt, "co": "RO", "is": "MS", "ci": "URN:UVCI:01:RO:X#A"}]
        }))
        .unwrap()
    };
    assert!(req
        .check_against(&cert("1980-05-17", "EU/1/20/1528", "2021-06-03", "POPESCU"))
        .is_ok());
    match req.check_against(&cert("1981-05-17", "EU/1/20/1507", "2021-07-03", "IONESCU")) {
        Err(DccError::Request(p)) => {
            assert_eq!(
                p,
                vec![
                    RequestProblem::Mismatch("product"),
                    RequestProblem::Mismatch("month"),
                    RequestProblem::Mismatch("surname initial"),
                    RequestProblem::Mismatch("birth date"),
                ]
            );
        }
        other => panic!("{other:?}"),
    }
}
