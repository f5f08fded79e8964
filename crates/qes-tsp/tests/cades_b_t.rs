//! RFC 3161 tokens as CAdES B-T needs them: [`LocalTsa`] answers like a TSA (grants,
//! rejections with `failInfo`, `certReq`), [`TspClient`] refuses tokens that do not answer its
//! request, tokens from the in-process TSA and from the real certomancer and `openssl ts
//! -reply` TSAs verify TOTAL-PASSED with `qes_cms::Verifier`, and a CAdES B-T signature
//! timestamped by each verifies at level B-T — including after the signer's certificate has
//! expired, which only the timestamp's proof of existence allows.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{DateTime, Duration, Utc};
use qes_cert::{parse_der, Certificate, ParseMode};
use qes_cms::{CadesBuilder, CadesLevel, Content, Indication, SubIndication, Verifier};
use qes_signer::{DigestAlgorithm, SoftwareSigner};
use qes_testkit::{EndEntity, TestPki};
use qes_tsp::{
    check_token_answers, FailureInfo, FailureReason, LocalTsa, Nonce, PkiStatus, StatusInfo,
    TimestampRequest, TimestampResponse, TokenField, Transport, TspClient, TspError,
};

const DOCUMENT: &[u8] = b"<Invoice>RO-2026-000017</Invoice>";

fn pki() -> &'static TestPki {
    TestPki::shared()
}

/// A day into the test PKI's validity.
fn at() -> DateTime<Utc> {
    pki().epoch() + Duration::days(1)
}

fn anchors() -> Vec<Certificate> {
    vec![cert(pki().root())]
}

fn cert(issued: &qes_testkit::Issued) -> Certificate {
    parse_der(issued.cert_der(), ParseMode::Strict).unwrap()
}

fn signer_of(issued: &qes_testkit::Issued) -> SoftwareSigner {
    SoftwareSigner::from_pkcs12(&issued.pkcs12("pw").unwrap(), "pw").unwrap()
}

fn local_tsa(gen_time: DateTime<Utc>) -> LocalTsa<SoftwareSigner> {
    LocalTsa::new(
        signer_of(pki().tsa()),
        qes_tsp::LOCAL_TSA_POLICY,
        move || gen_time,
    )
}

#[test]
fn local_tsa_tokens_verify_and_echo_the_request() {
    let tsa = local_tsa(at());
    let client = TspClient::new(&tsa);
    for algorithm in DigestAlgorithm::ALL {
        let request = TimestampRequest::from_data(algorithm, DOCUMENT)
            .unwrap()
            .with_nonce(Nonce::from_u64(0x00ff_0000_0000_0001));
        let token = client.token(&request).unwrap();
        let info = qes_cms::token_tst_info(&token).unwrap();
        assert_eq!(info.gen_time, at());
        assert_eq!(info.policy, qes_tsp::LOCAL_TSA_POLICY);
        assert_eq!(
            info.nonce.as_deref(),
            Some(request.nonce().unwrap().as_be_bytes())
        );
        let report = Verifier::new(&anchors(), at()).verify_timestamp_token(&token, DOCUMENT);
        assert_eq!(
            report.indication,
            Indication::TotalPassed,
            "{algorithm}: {report:#?}"
        );
        assert_eq!(report.gen_time, Some(at()));
        // Negative control: the same token does not verify over other data.
        let other = Verifier::new(&anchors(), at()).verify_timestamp_token(&token, b"other");
        assert_eq!(other.indication, Indication::TotalFailed, "{algorithm}");
        assert_eq!(other.sub_indication, Some(SubIndication::HashFailure));
    }
}

#[test]
fn local_tsa_omits_certificates_without_cert_req() {
    let tsa = local_tsa(at());
    let request = TimestampRequest::from_data(DigestAlgorithm::Sha256, DOCUMENT)
        .unwrap()
        .with_cert_req(false);
    let token = TspClient::new(&tsa).token(&request).unwrap();
    let tsa_cert = pki().tsa().cert_der();
    assert!(!token.windows(tsa_cert.len()).any(|w| w == tsa_cert));
    // Without the certificate the TSA is unknown …
    let bare = Verifier::new(&anchors(), at()).verify_timestamp_token(&token, DOCUMENT);
    assert_ne!(bare.indication, Indication::TotalPassed);
    // … and with it supplied out of band the token verifies.
    let supplied = Verifier::new(&anchors(), at())
        .with_intermediates([cert(pki().tsa()), cert(pki().qualified_ca())])
        .verify_timestamp_token(&token, DOCUMENT);
    assert_eq!(
        supplied.indication,
        Indication::TotalPassed,
        "{supplied:#?}"
    );
}

/// What a TSA answers to `request_der`, parsed.
fn answer(tsa: &LocalTsa<SoftwareSigner>, request_der: &[u8]) -> TimestampResponse {
    TimestampResponse::from_der(&tsa.send(request_der).unwrap()).unwrap()
}

#[test]
fn local_tsa_rejects_with_the_rfc_3161_failure_reason() {
    let tsa = local_tsa(at());
    let garbage = answer(&tsa, b"\x30\x03\x02\x01\x01");
    assert_eq!(garbage.status().status(), PkiStatus::Rejection);
    assert!(garbage
        .status()
        .fail_info()
        .unwrap()
        .contains(FailureReason::BadDataFormat));
    assert!(garbage.token().is_none());

    let other_policy = TimestampRequest::from_data(DigestAlgorithm::Sha256, DOCUMENT)
        .unwrap()
        .with_policy("1.3.6.1.4.1.32473.9.9".parse().unwrap());
    let refused = answer(&tsa, &other_policy.to_der().unwrap());
    assert!(refused
        .status()
        .fail_info()
        .unwrap()
        .contains(FailureReason::UnacceptedPolicy));
    assert!(refused.status().text()[0].contains("1.3.6.1.4.1.32473.3161.100"));
    match TspClient::new(&tsa).token(&other_policy) {
        Err(TspError::Rejected(status)) => {
            assert_eq!(
                status.to_string().split(':').next(),
                Some("rejection (unacceptedPolicy)")
            )
        }
        other => panic!("{other:?}"),
    }

    // A SHA-1 imprint (SEQUENCE { v1, MessageImprint { sha1, 20 bytes } }) is badAlg.
    let mut sha1 = vec![
        0x30, 0x24, 0x02, 0x01, 0x01, 0x30, 0x1f, 0x30, 0x07, 0x06, 0x05,
    ];
    sha1.extend_from_slice(&[0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x04, 0x14]);
    sha1.extend_from_slice(&[0xab; 20]);
    let bad_alg = answer(&tsa, &sha1);
    assert!(
        bad_alg
            .status()
            .fail_info()
            .unwrap()
            .contains(FailureReason::BadAlg),
        "{:?}",
        bad_alg.status()
    );
}

#[test]
fn response_encoding_is_minimal_der_and_round_trips() {
    // The README's recorded rejection, byte for byte: INTEGER 2 in one octet, badAlg as
    // a one-bit BIT STRING with 7 unused bits.
    let bad_alg = StatusInfo::new(PkiStatus::Rejection)
        .with_fail_info(FailureInfo::from_reasons([FailureReason::BadAlg]));
    assert_eq!(
        bad_alg.to_der().unwrap(),
        [0x30, 0x07, 0x02, 0x01, 0x02, 0x03, 0x02, 0x07, 0x80]
    );
    let several =
        StatusInfo::new(PkiStatus::Rejection).with_fail_info(FailureInfo::from_reasons([
            FailureReason::BadRequest,
            FailureReason::SystemFailure,
        ]));
    // Bits 2 and 25: four octets, 6 unused bits.
    assert_eq!(
        several.to_der().unwrap(),
        [0x30, 0x0a, 0x02, 0x01, 0x02, 0x03, 0x05, 0x06, 0x20, 0x00, 0x00, 0x40]
    );
    assert_eq!(
        StatusInfo::new(PkiStatus::Granted).to_der().unwrap(),
        [0x30, 0x03, 0x02, 0x01, 0x00]
    );
    let rejection = TimestampResponse::rejection(FailureReason::TimeNotAvailable, "clock lost");
    let der = rejection.to_der().unwrap();
    assert_eq!(TimestampResponse::from_der(&der).unwrap(), rejection);
    let tsa = local_tsa(at());
    let request = TimestampRequest::from_data(DigestAlgorithm::Sha384, DOCUMENT).unwrap();
    let granted = answer(&tsa, &request.to_der().unwrap());
    assert_eq!(
        TimestampResponse::from_der(&granted.to_der().unwrap()).unwrap(),
        granted
    );
}

/// A transport that answers every request with one recorded response.
struct Replay(Vec<u8>);
impl Transport for Replay {
    fn send(&self, _: &[u8]) -> Result<Vec<u8>, TspError> {
        Ok(self.0.clone())
    }
}

#[test]
fn a_token_that_does_not_answer_the_request_is_refused() {
    let tsa = local_tsa(at());
    let first = TimestampRequest::from_data(DigestAlgorithm::Sha256, DOCUMENT).unwrap();
    let recorded = tsa.send(&first.to_der().unwrap()).unwrap();
    let replay = TspClient::new(Replay(recorded));
    assert!(replay.token(&first).is_ok());

    let other_data = TimestampRequest::from_data(DigestAlgorithm::Sha256, b"other")
        .unwrap()
        .with_nonce(first.nonce().unwrap().clone());
    let other_nonce = first.clone().with_nonce(Nonce::from_u64(7));
    let no_nonce = first.clone().without_nonce();
    let other_alg = TimestampRequest::from_data(DigestAlgorithm::Sha512, DOCUMENT)
        .unwrap()
        .with_nonce(first.nonce().unwrap().clone());
    let other_policy = first
        .clone()
        .with_policy("1.3.6.1.4.1.32473.9.9".parse().unwrap());
    for (request, field) in [
        (other_data, TokenField::ImprintDigest),
        (other_nonce, TokenField::Nonce),
        (no_nonce, TokenField::Nonce),
        (other_alg, TokenField::ImprintAlgorithm),
        (other_policy, TokenField::Policy),
    ] {
        match replay.token(&request) {
            Err(TspError::TokenMismatch { field: f }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(matches!(
        check_token_answers(&first, b"\x30\x00"),
        Err(TspError::Token { .. })
    ));
}

fn b_t_signature(
    timestamper: &dyn qes_cms::Timestamper,
    signer: &SoftwareSigner,
    signed_at: DateTime<Utc>,
) -> Vec<u8> {
    CadesBuilder::new(signer)
        .signing_time(signed_at)
        .timestamper(timestamper)
        .sign_detached(DOCUMENT)
        .unwrap()
}

#[test]
fn cades_b_t_with_the_local_tsa_proves_existence_past_expiry() {
    // A holder whose certificate lives 10 days; signed and timestamped on day 2.
    let short = pki()
        .issue(
            &EndEntity::natural_person("Ana", "Ionescu", "2850315400012")
                .label("short-lived")
                .validity(pki().epoch(), pki().epoch() + Duration::days(10)),
        )
        .unwrap();
    let signer = signer_of(&short);
    let signed_at = pki().epoch() + Duration::days(2);
    let client = TspClient::new(local_tsa(signed_at));
    let p7s = b_t_signature(&client, &signer, signed_at);

    let after_expiry = pki().epoch() + Duration::days(30);
    let report = Verifier::new(&anchors(), after_expiry)
        .verify(&p7s, Content::Detached(DOCUMENT))
        .unwrap();
    let s = &report.signers[0];
    assert_eq!(s.indication, Indication::TotalPassed, "{s:#?}");
    assert_eq!(s.level, CadesLevel::BaselineT);
    assert_eq!(s.timestamp_time, Some(signed_at));
    assert_eq!(s.validation_time, signed_at);
    assert_eq!(s.timestamps.len(), 1);

    // The same signature without its timestamp cannot prove it was made in time.
    let b_b = CadesBuilder::new(&signer)
        .signing_time(signed_at)
        .sign_detached(DOCUMENT)
        .unwrap();
    let report = Verifier::new(&anchors(), after_expiry)
        .verify(&b_b, Content::Detached(DOCUMENT))
        .unwrap();
    assert_eq!(
        report.signers[0].sub_indication,
        Some(SubIndication::OutOfBoundsNoPoe)
    );
}

#[test]
fn a_corrupted_timestamp_is_no_proof_of_existence() {
    let signer = signer_of(pki().natural_person());
    let client = TspClient::new(local_tsa(at()));
    let mut p7s = b_t_signature(&client, &signer, at());
    // The token's own signature value is the last RSA block in the file: flip a byte in it.
    let last = p7s.len() - 10;
    p7s[last] ^= 0x01;
    let report = Verifier::new(&anchors(), at())
        .verify(&p7s, Content::Detached(DOCUMENT))
        .unwrap();
    let s = &report.signers[0];
    assert_eq!(s.timestamps.len(), 1);
    assert_ne!(s.timestamps[0].indication, Indication::TotalPassed);
    assert_eq!(s.timestamp_time, None);
    assert_eq!(s.level, CadesLevel::BaselineB);
}

#[cfg(feature = "http")]
mod real_tsas {
    use super::*;
    use qes_testkit::servers::TsaServer;
    use qes_tsp::HttpTransport;

    /// A CAdES B-T signature by the test PKI's holder, timestamped by `tsa` over HTTP, and
    /// the token alone: both verify TOTAL-PASSED trusting the holder's and the TSA's roots.
    fn b_t_through(tsa: &TsaServer) {
        let now = Utc::now();
        let mut anchors = anchors();
        anchors.push(parse_der(tsa.root_der(), ParseMode::Lenient).unwrap());
        let client = TspClient::new(HttpTransport::new(tsa.url()).unwrap());

        let request = TimestampRequest::from_data(DigestAlgorithm::Sha256, DOCUMENT).unwrap();
        let token = client
            .token(&request)
            .unwrap_or_else(|e| panic!("{}: {e}\n{}", tsa.kind(), tsa.logs()));
        let report = Verifier::new(&anchors, now).verify_timestamp_token(&token, DOCUMENT);
        assert_eq!(
            report.indication,
            Indication::TotalPassed,
            "{}: {report:#?}",
            tsa.kind()
        );

        let signer = signer_of(pki().natural_person());
        let p7s = b_t_signature(&client, &signer, now);
        let report = Verifier::new(&anchors, now)
            .verify(&p7s, Content::Detached(DOCUMENT))
            .unwrap();
        let s = &report.signers[0];
        assert_eq!(
            s.indication,
            Indication::TotalPassed,
            "{}: {s:#?}",
            tsa.kind()
        );
        assert_eq!(s.level, CadesLevel::BaselineT, "{}", tsa.kind());
        let gen_time = s.timestamp_time.unwrap();
        assert!(
            (gen_time - now).num_seconds().abs() < 120,
            "{}: genTime {gen_time}",
            tsa.kind()
        );
        // Negative control: over other content the signature fails, the timestamp still holds.
        let report = Verifier::new(&anchors, now)
            .verify(&p7s, Content::Detached(b"other"))
            .unwrap();
        assert_eq!(
            report.signers[0].sub_indication,
            Some(SubIndication::HashFailure)
        );
        println!("{}: CAdES B-T verified, genTime {gen_time}", tsa.kind());
    }

    #[test]
    fn cades_b_t_through_certomancer() {
        let Some(tsa) = TsaServer::certomancer().unwrap() else {
            return;
        };
        b_t_through(&tsa);
    }

    #[test]
    fn cades_b_t_through_openssl_ts_reply() {
        let Some(tsa) = TsaServer::openssl().unwrap() else {
            return;
        };
        b_t_through(&tsa);
    }
}

/// openssl judges the in-process TSA: `openssl ts -verify` accepts its responses as the
/// answer to our requests, trusting the test root, and rejects a response for another
/// request (the negative control).
#[test]
fn openssl_verifies_local_tsa_responses() {
    let openssl = qes_testkit::require_tool!("openssl");
    // openssl checks the TSA certificate's validity at the present time: sign "now".
    let tsa = local_tsa(Utc::now());
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let root = write("root.pem", pki().root().cert_pem().as_bytes());
    let chain = write("chain.pem", pki().qualified_ca().cert_pem().as_bytes());
    let verify = |query: &std::path::Path, reply: &std::path::Path| {
        let out = std::process::Command::new(&openssl)
            .args(["ts", "-verify", "-queryfile"])
            .arg(query)
            .arg("-in")
            .arg(reply)
            .arg("-CAfile")
            .arg(&root)
            .arg("-untrusted")
            .arg(&chain)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (
            out.status.success() && text.contains("Verification: OK"),
            text,
        )
    };
    let mut first = None;
    for algorithm in DigestAlgorithm::ALL {
        let request = TimestampRequest::from_data(algorithm, DOCUMENT).unwrap();
        let der = request.to_der().unwrap();
        let query = write(&format!("{algorithm}.tsq"), &der);
        let reply = write(&format!("{algorithm}.tsr"), &tsa.send(&der).unwrap());
        let (ok, text) = verify(&query, &reply);
        assert!(ok, "{algorithm}: {text}");
        first.get_or_insert((query, reply));
    }
    let (_, reply) = first.unwrap();
    let other = TimestampRequest::from_data(DigestAlgorithm::Sha256, b"other").unwrap();
    let other_query = write("other.tsq", &other.to_der().unwrap());
    let (ok, _) = verify(&other_query, &reply);
    assert!(!ok, "openssl accepted a response for another request");
}

/// The recorded responses of `tests/fixtures/` (certomancer's DER and BER-rewrapped,
/// `openssl ts -reply`'s): each token verifies TOTAL-PASSED over the data it was requested
/// for, trusting that run's root, at its genTime — BER indefinite lengths included.
#[test]
fn recorded_real_tsa_tokens_verify() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let read = |name: &str| std::fs::read(fixtures.join(name)).unwrap();
    for (response, root, algorithm) in [
        (
            "certomancer-sha256.tsr",
            "certomancer-root.pem",
            DigestAlgorithm::Sha256,
        ),
        (
            "certomancer-sha256-ber-envelope.tsr",
            "certomancer-root.pem",
            DigestAlgorithm::Sha256,
        ),
        (
            "certomancer-sha256-ber-token.tsr",
            "certomancer-root.pem",
            DigestAlgorithm::Sha256,
        ),
        (
            "openssl-sha512.tsr",
            "openssl-root.pem",
            DigestAlgorithm::Sha512,
        ),
    ] {
        let token = TimestampResponse::from_der(&read(response))
            .unwrap()
            .into_granted()
            .unwrap();
        let anchors = qes_cert::parse_any(&read(root), ParseMode::Lenient).unwrap();
        let gen_time = qes_cms::token_tst_info(&token).unwrap().gen_time;
        let verifier = Verifier::new(&anchors, gen_time);
        let report = verifier.verify_timestamp_token(&token, b"qes-tsp fixture");
        assert_eq!(
            report.indication,
            Indication::TotalPassed,
            "{response}: {report:#?}"
        );
        assert_eq!(report.gen_time, Some(gen_time));
        let digest = algorithm.digest(b"qes-tsp fixture");
        let by_digest = verifier.verify_timestamp_token_digest(&token, algorithm, &digest);
        assert_eq!(by_digest.indication, Indication::TotalPassed, "{response}");
        // Negative control: another trust anchor.
        let strangers = [cert(pki().legal_person())];
        let untrusted =
            Verifier::new(&strangers, gen_time).verify_timestamp_token(&token, b"qes-tsp fixture");
        assert_ne!(untrusted.indication, Indication::TotalPassed, "{response}");
    }
}

/// B-B → B-T after the fact (`add_signature_timestamp`), e.g. when the TSA was down at
/// signing time: the signature value and signed attributes stay byte for byte, the level
/// becomes B-T; a wrong signer index is a typed error.
#[test]
fn a_b_b_signature_is_upgraded_to_b_t() {
    let signer = signer_of(pki().natural_person());
    let b_b = CadesBuilder::new(&signer)
        .signing_time(at())
        .sign_attached(DOCUMENT)
        .unwrap();
    let client = TspClient::new(local_tsa(at() + Duration::hours(1)));
    let b_t = qes_cms::add_signature_timestamp(&b_b, 0, &client).unwrap();
    let signature_value = &b_b[b_b.len() - 256..];
    assert!(b_t.windows(256).any(|w| w == signature_value));
    let report = Verifier::new(&anchors(), at() + Duration::days(1))
        .verify(&b_t, Content::Attached)
        .unwrap();
    let s = &report.signers[0];
    assert_eq!(s.indication, Indication::TotalPassed, "{s:#?}");
    assert_eq!(s.level, CadesLevel::BaselineT);
    assert_eq!(s.timestamp_time, Some(at() + Duration::hours(1)));
    assert!(matches!(
        qes_cms::add_signature_timestamp(&b_b, 1, &client),
        Err(qes_cms::Error::Structure { .. })
    ));
}

mod revocation_and_proof_of_existence {
    //! EN 319 102-1 past signature validation: a timestamp proves the signature existed
    //! before a later revocation, but never lets a revoked TSA or old CRLs rewrite history.
    use super::*;
    use qes_cert::{Crl, RevocationPolicy};
    use qes_testkit::{CrlReason, Issued, Revoked};

    fn crl(issuer: &Issued, revoked: &[Revoked], from: DateTime<Utc>) -> Crl {
        Crl::from_der(
            &pki()
                .crl(issuer, revoked, from, from + Duration::days(7))
                .unwrap(),
        )
        .unwrap()
    }

    fn holder(label: &str) -> Issued {
        pki()
            .issue(&EndEntity::natural_person("Ion", "Pop", "1850315400010").label(label))
            .unwrap()
    }

    /// Verify `p7s` at `now` with revocation required and the CRLs given.
    fn verify_with(p7s: &[u8], now: DateTime<Utc>, crls: Vec<Crl>) -> qes_cms::SignerReport {
        Verifier::new(&anchors(), now)
            .with_crls(crls)
            .with_revocation(RevocationPolicy::Require)
            .verify(p7s, Content::Detached(DOCUMENT))
            .unwrap()
            .signers
            .remove(0)
    }

    #[test]
    fn a_back_dated_token_from_a_revoked_tsa_proves_nothing() {
        let e = pki().epoch();
        let (now, compromise, back) = (
            e + Duration::days(200),
            e + Duration::days(100),
            e + Duration::days(10),
        );
        let victim = holder("rv-victim");
        let tsa = pki()
            .issue(&EndEntity::tsa("Old TSA").label("rv-old-tsa"))
            .unwrap();
        let revoked = [
            Revoked::new(&victim, compromise, CrlReason::KeyCompromise),
            Revoked::new(&tsa, compromise, CrlReason::KeyCompromise),
        ];
        // Fresh CRLs listing both revocations, and genuine old ones from before them.
        let crls = vec![
            crl(pki().root(), &[], now - Duration::days(1)),
            crl(pki().qualified_ca(), &revoked, now - Duration::days(1)),
            crl(pki().root(), &[], e + Duration::days(5)),
            crl(pki().qualified_ca(), &[], e + Duration::days(5)),
        ];
        let client = TspClient::new(LocalTsa::new(
            signer_of(&tsa),
            qes_tsp::LOCAL_TSA_POLICY,
            move || back,
        ));
        let p7s = CadesBuilder::new(&signer_of(&victim))
            .signing_time(back)
            .timestamper(&client)
            .sign_detached(DOCUMENT)
            .unwrap();
        let s = verify_with(&p7s, now, crls);
        assert_ne!(s.indication, Indication::TotalPassed, "{s:#?}");
        assert_eq!(
            s.timestamp_time, None,
            "a revoked TSA's token is no proof of existence"
        );
        assert_ne!(s.timestamps[0].indication, Indication::TotalPassed);
        assert_eq!(s.sub_indication, Some(SubIndication::RevokedNoPoe));
    }

    #[test]
    fn revoked_after_the_timestamp_passes_revoked_before_fails() {
        let e = pki().epoch();
        let (signed, now) = (e + Duration::days(10), e + Duration::days(200));
        let client = TspClient::new(local_tsa(signed));
        for (label, revoked_at, passes) in [
            ("rv-after", e + Duration::days(50), true),
            ("rv-before", e + Duration::days(5), false),
        ] {
            let holder = holder(label);
            let p7s = CadesBuilder::new(&signer_of(&holder))
                .signing_time(signed)
                .timestamper(&client)
                .sign_detached(DOCUMENT)
                .unwrap();
            let crls = vec![
                crl(pki().root(), &[], now - Duration::days(1)),
                crl(
                    pki().qualified_ca(),
                    &[Revoked::new(&holder, revoked_at, CrlReason::Superseded)],
                    now - Duration::days(1),
                ),
            ];
            let s = verify_with(&p7s, now, crls);
            assert_eq!(s.timestamp_time, Some(signed), "{label}");
            if passes {
                assert_eq!(s.indication, Indication::TotalPassed, "{label}: {s:#?}");
                let note = s
                    .checks
                    .iter()
                    .find(|c| c.step == qes_cms::Step::CertificatePath)
                    .unwrap();
                assert!(
                    matches!(&note.outcome, qes_cms::Outcome::PassedWithNote(n) if n.contains("proof of existence")),
                    "{note:?}"
                );
            } else {
                assert_eq!(
                    s.sub_indication,
                    Some(SubIndication::Revoked),
                    "{label}: {s:#?}"
                );
            }
        }
    }

    #[test]
    fn missing_revocation_data_is_visible_under_if_available() {
        let signer = signer_of(pki().natural_person());
        let p7s = CadesBuilder::new(&signer)
            .signing_time(at())
            .sign_detached(DOCUMENT)
            .unwrap();
        let report = Verifier::new(&anchors(), at())
            .verify(&p7s, Content::Detached(DOCUMENT))
            .unwrap();
        let s = &report.signers[0];
        assert_eq!(s.indication, Indication::TotalPassed);
        let path = s
            .checks
            .iter()
            .find(|c| c.step == qes_cms::Step::CertificatePath)
            .unwrap();
        assert!(
            matches!(&path.outcome, qes_cms::Outcome::PassedWithNote(n) if n.contains("revocation status not established")),
            "{path:?}"
        );
        // With the CRLs it is a plain pass.
        let crls = vec![
            crl(pki().root(), &[], at() - Duration::hours(1)),
            crl(pki().qualified_ca(), &[], at() - Duration::hours(1)),
        ];
        let s = verify_with(&p7s, at(), crls);
        let path = s
            .checks
            .iter()
            .find(|c| c.step == qes_cms::Step::CertificatePath)
            .unwrap();
        assert_eq!(path.outcome, qes_cms::Outcome::Passed);
    }
}

/// Work is bounded: signers, countersignatures and timestamps together are at most
/// `MAX_SIGNERS` per `SignedData` (a file of junk tokens cannot make verification slow).
#[test]
fn too_many_timestamps_are_refused_before_any_verification() {
    let signer = signer_of(pki().natural_person());
    let mut p7s = CadesBuilder::new(&signer)
        .signing_time(at())
        .sign_detached(DOCUMENT)
        .unwrap();
    let client = TspClient::new(local_tsa(at()));
    for _ in 0..qes_cms::MAX_SIGNERS - 1 {
        p7s = qes_cms::add_signature_timestamp(&p7s, 0, &client).unwrap();
    }
    let anchors = anchors();
    let verifier = Verifier::new(&anchors, at());
    let report = verifier.verify(&p7s, Content::Detached(DOCUMENT)).unwrap();
    assert_eq!(report.signers[0].timestamps.len(), qes_cms::MAX_SIGNERS - 1);
    let one_more = qes_cms::add_signature_timestamp(&p7s, 0, &client).unwrap();
    assert!(matches!(
        verifier.verify(&one_more, Content::Detached(DOCUMENT)),
        Err(qes_cms::Error::Structure { .. })
    ));
}

/// A claimed signing time after the signature timestamp (beyond the clock-skew tolerance)
/// is a TIMESTAMP_ORDER_FAILURE; within the tolerance it passes.
#[test]
fn signing_time_after_the_timestamp_is_an_order_failure() {
    let signer = signer_of(pki().natural_person());
    let client = TspClient::new(local_tsa(at()));
    for (claimed, passes) in [
        (at() + Duration::minutes(2), true),
        (at() + Duration::hours(1), false),
    ] {
        let p7s = b_t_signature(&client, &signer, claimed);
        let report = Verifier::new(&anchors(), at() + Duration::days(1))
            .verify(&p7s, Content::Detached(DOCUMENT))
            .unwrap();
        let s = &report.signers[0];
        if passes {
            assert_eq!(s.indication, Indication::TotalPassed, "{s:#?}");
        } else {
            assert_eq!(
                s.sub_indication,
                Some(SubIndication::TimestampOrderFailure),
                "{s:#?}"
            );
        }
    }
}

/// RFC 3161 §2.4.2: the token's messageImprint is the request's, so a hash
/// AlgorithmIdentifier sent with NULL parameters comes back with them, and without, without.
#[test]
fn local_tsa_echoes_the_imprint_algorithm_identifier_as_sent() {
    let tsa = local_tsa(at());
    let request = TimestampRequest::from_data(DigestAlgorithm::Sha256, DOCUMENT)
        .unwrap()
        .without_nonce();
    let plain = request.to_der().unwrap();
    let absent = [
        0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
    ];
    let at_alg = plain
        .windows(absent.len())
        .position(|w| w == absent)
        .unwrap();
    // SEQUENCE { OID sha256, NULL }: two more octets, in it and in the enclosing lengths.
    let mut with_null = plain[..at_alg].to_vec();
    with_null.extend_from_slice(&[0x30, 0x0d]);
    with_null.extend_from_slice(&absent[2..]);
    with_null.extend_from_slice(&[0x05, 0x00]);
    with_null.extend_from_slice(&plain[at_alg + absent.len()..]);
    with_null[1] += 2; // TimeStampReq
    with_null[6] += 2; // MessageImprint
    for (der, null_params) in [(plain, false), (with_null, true)] {
        let token = answer(&tsa, &der).into_granted().unwrap();
        let info = qes_cms::token_tst_info(&token).unwrap();
        let params = info.message_imprint.hash_algorithm.parameters;
        assert_eq!(params.is_some(), null_params, "{params:?}");
        let report = Verifier::new(&anchors(), at()).verify_timestamp_token(&token, DOCUMENT);
        assert_eq!(report.indication, Indication::TotalPassed);
    }
}

/// `Verifier::with_minimum_level`: a B-B signature passes "at least B-B" and fails "at least
/// B-T"; its timestamped version passes both; a bare CMS signature (no signed attributes
/// beyond the mandatory ones) fails "at least B-B".
#[test]
fn a_minimum_cades_level_can_be_required() {
    let signer = signer_of(pki().natural_person());
    let client = TspClient::new(local_tsa(at()));
    let b_b = CadesBuilder::new(&signer)
        .signing_time(at())
        .sign_detached(DOCUMENT)
        .unwrap();
    let b_t = b_t_signature(&client, &signer, at());
    let no_signing_time = CadesBuilder::new(&signer).sign_detached(DOCUMENT).unwrap();
    for (p7s, minimum, passes) in [
        (&b_b, CadesLevel::BaselineB, true),
        (&b_b, CadesLevel::BaselineT, false),
        (&b_t, CadesLevel::BaselineT, true),
        (&no_signing_time, CadesLevel::Cms, true),
        (&no_signing_time, CadesLevel::BaselineB, false),
    ] {
        let report = Verifier::new(&anchors(), at())
            .with_minimum_level(minimum)
            .verify(p7s, Content::Detached(DOCUMENT))
            .unwrap();
        let s = &report.signers[0];
        if passes {
            assert_eq!(s.indication, Indication::TotalPassed, "{minimum:?}: {s:#?}");
        } else {
            assert_eq!(
                s.sub_indication,
                Some(SubIndication::FormatFailure),
                "{minimum:?}"
            );
        }
    }
}
