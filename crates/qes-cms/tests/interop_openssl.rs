//! CAdES / CMS interop with OpenSSL 3 (`openssl cms`), both directions.
//!
//! - openssl judges us: our attached and detached B-B signatures, for every key type and
//!   signature algorithm we offer, pass `openssl cms -verify -CAfile root.pem`; a signature
//!   over tampered content is rejected (the negative control that proves these tests can fail).
//! - we judge openssl: `openssl cms -sign` output — detached, attached (`-nodetach`), CAdES
//!   (`-cades`, which adds signing-certificate-v2) and streamed indefinite-length BER
//!   (`-nodetach -stream -indef`) — verifies TOTAL-PASSED with the level it reaches, and a
//!   tampered content byte, signed-attribute byte or signature byte gives HASH_FAILURE,
//!   SIG_CRYPTO_FAILURE and SIG_CRYPTO_FAILURE.
//!
//! The test PKI's certificates are valid relative to its epoch, so openssl verifies at
//! `-attime <at()>`, the same time our `Verifier` uses. No `-purpose any`: openssl's default
//! S/MIME signing purpose accepts the qualified holder certificate (key usage
//! nonRepudiation only, no extended key usage).
//!
//! Gated by `require_tool!("openssl")`: missing openssl fails under `CI=true` /
//! `QES_REQUIRE_REAL=1` and prints `SKIPPED` otherwise.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Duration;
use common::{
    at, find, issued_with, only, outer_length_is_indefinite, pki, put, run, signer, verify,
    write_holder, Files, Run, CONTENT,
};
use qes_cms::{CadesBuilder, CadesLevel, Content, Indication, Step, SubIndication};
use qes_signer::{DigestAlgorithm, SignatureAlgorithm};
use qes_testkit::KeyAlgorithm;

/// What `openssl cms -verify` prints (to stderr) when it accepts a signature.
const OPENSSL_OK: &str = "CMS Verification successful";
/// What it prints when it rejects one.
const OPENSSL_FAILED: &str = "CMS Verification failure";

/// `openssl cms -verify` of `p7s` (DER), with detached `content` when given, trusting the test
/// root, at Unix time `attime`.
fn openssl_verify(
    openssl: &Path,
    root: &Path,
    p7s: &Path,
    content: Option<&Path>,
    attime: i64,
) -> Run {
    let mut cmd = Command::new(openssl);
    cmd.args(["cms", "-verify", "-binary", "-inform", "DER", "-in"])
        .arg(p7s)
        .arg("-CAfile")
        .arg(root)
        .arg("-attime")
        .arg(attime.to_string())
        .args(["-out", "/dev/null"]);
    if let Some(content) = content {
        cmd.arg("-content").arg(content);
    }
    run(&mut cmd)
}

fn assert_openssl_accepts(run: &Run, what: &str) {
    assert!(
        run.success && run.stderr.contains(OPENSSL_OK),
        "openssl rejected {what}: {run:?}"
    );
}

fn assert_openssl_rejects(run: &Run, what: &str) {
    assert!(
        !run.success && !run.stderr.contains(OPENSSL_OK),
        "openssl accepted {what}: {run:?}"
    );
}

#[test]
fn openssl_verifies_our_attached_and_detached_signatures_for_every_algorithm() {
    let openssl = qes_testkit::require_tool!("openssl");
    let dir = tempfile::tempdir().unwrap();
    let data = put(dir.path(), "data", CONTENT);
    let root = put(dir.path(), "root.pem", pki().root().cert_pem());
    use DigestAlgorithm::{Sha256, Sha384, Sha512};
    use SignatureAlgorithm::{Ecdsa, RsaPkcs1v15, RsaPss};
    let cases = [
        (KeyAlgorithm::Rsa2048, "ossl-rsa2048", RsaPkcs1v15(Sha256)),
        (KeyAlgorithm::Rsa2048, "ossl-rsa2048", RsaPkcs1v15(Sha384)),
        (KeyAlgorithm::Rsa2048, "ossl-rsa2048", RsaPkcs1v15(Sha512)),
        (KeyAlgorithm::Rsa2048, "ossl-rsa2048", RsaPss(Sha256)),
        (KeyAlgorithm::Rsa3072, "ossl-rsa3072", RsaPkcs1v15(Sha256)),
        (KeyAlgorithm::EcP256, "ossl-p256", Ecdsa(Sha256)),
        (KeyAlgorithm::EcP384, "ossl-p384", Ecdsa(Sha384)),
    ];
    for (key, label, alg) in cases {
        let s = signer(&issued_with(key, label));
        let builder = CadesBuilder::new(&s).algorithm(alg).signing_time(at());
        let attached = builder.sign_attached(CONTENT).unwrap();
        let detached = builder.sign_detached(CONTENT).unwrap();
        // Our own verdict first, so an openssl failure is not our verifier's blind spot.
        assert!(verify(&attached, Content::Attached).all_passed(), "{alg}");
        assert!(
            verify(&detached, Content::Detached(CONTENT)).all_passed(),
            "{alg}"
        );

        let name = alg.name();
        let p7s = put(dir.path(), &format!("{name}-att.p7s"), &attached);
        let r = openssl_verify(&openssl, &root, &p7s, None, at().timestamp());
        assert_openssl_accepts(&r, &format!("{label} {name} attached"));
        let p7s = put(dir.path(), &format!("{name}-det.p7s"), &detached);
        let r = openssl_verify(&openssl, &root, &p7s, Some(&data), at().timestamp());
        assert_openssl_accepts(&r, &format!("{label} {name} detached"));
    }
}

/// The negative controls: openssl must reject what is wrong, or the tests above prove nothing.
#[test]
fn openssl_rejects_our_signature_over_tampered_content_or_out_of_validity() {
    let openssl = qes_testkit::require_tool!("openssl");
    let dir = tempfile::tempdir().unwrap();
    let root = put(dir.path(), "root.pem", pki().root().cert_pem());
    let s = signer(pki().natural_person());
    let builder = CadesBuilder::new(&s).signing_time(at());

    // Detached, verified against other content.
    let detached = put(
        dir.path(),
        "det.p7s",
        builder.sign_detached(CONTENT).unwrap(),
    );
    let mut other = CONTENT.to_vec();
    other[0] ^= 1;
    let other = put(dir.path(), "other", other);
    let r = openssl_verify(&openssl, &root, &detached, Some(&other), at().timestamp());
    assert_openssl_rejects(&r, "a detached signature over other content");
    assert!(r.stderr.contains(OPENSSL_FAILED), "{r:?}");

    // Attached, with a byte of the encapsulated content flipped.
    let mut attached = builder.sign_attached(CONTENT).unwrap();
    let pos = find(&attached, CONTENT);
    attached[pos] ^= 1;
    let tampered = put(dir.path(), "att-tampered.p7s", &attached);
    let r = openssl_verify(&openssl, &root, &tampered, None, at().timestamp());
    assert_openssl_rejects(&r, "an attached signature with tampered content");

    // The untampered signature, checked before the test PKI's epoch: the holder certificate is
    // not yet valid, so `-attime` really reaches openssl's path validation.
    let data = put(dir.path(), "data", CONTENT);
    let before = (pki().epoch() - Duration::days(1)).timestamp();
    let r = openssl_verify(&openssl, &root, &detached, Some(&data), before);
    assert_openssl_rejects(&r, "a signature before its certificate's validity");
    assert!(r.stderr.contains("not yet valid"), "{r:?}");
}

/// How `openssl cms -sign` is asked to sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    Detached,
    Attached,
    Cades,
    StreamedBer,
}

impl Variant {
    fn args(self) -> &'static [&'static str] {
        match self {
            Self::Detached => &[],
            Self::Attached => &["-nodetach"],
            Self::Cades => &["-cades"],
            Self::StreamedBer => &["-nodetach", "-stream", "-indef"],
        }
    }

    fn detached(self) -> bool {
        matches!(self, Self::Detached | Self::Cades)
    }
}

/// `openssl cms -sign -binary -in data -signer cert.pem -inkey key.pem -certfile chain.pem
/// -outform DER <variant args> <extra>`.
fn openssl_sign(
    openssl: &Path,
    dir: &Path,
    files: &Files,
    variant: Variant,
    extra: &[&str],
) -> Vec<u8> {
    let data = put(dir, "data", CONTENT);
    let out: PathBuf = dir.join(format!("openssl-{variant:?}.p7s"));
    let r = run(Command::new(openssl)
        .args(["cms", "-sign", "-binary", "-in"])
        .arg(&data)
        .arg("-signer")
        .arg(&files.cert)
        .arg("-inkey")
        .arg(&files.key)
        .arg("-certfile")
        .arg(&files.chain)
        .args(["-outform", "DER"])
        .args(variant.args())
        .args(extra)
        .arg("-out")
        .arg(&out));
    assert!(r.success, "openssl cms -sign {variant:?}: {r:?}");
    std::fs::read(out).unwrap()
}

/// Verify `p7s` as `variant` says, with `content` as the (possibly tampered) detached content.
fn verify_variant(p7s: &[u8], variant: Variant, content: &[u8]) -> qes_cms::VerificationReport {
    if variant.detached() {
        verify(p7s, Content::Detached(content))
    } else {
        verify(p7s, Content::Attached)
    }
}

/// The position of the seconds-units digit of the signing-time attribute's UTCTime: the
/// attribute OID (`1.2.840.113549.1.9.5`), `SET { UTCTime }` headers, then `YYMMDDHHMMSS`.
fn signing_time_seconds_digit(p7s: &[u8]) -> usize {
    const SIGNING_TIME_OID: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05,
    ];
    let at = find(p7s, SIGNING_TIME_OID) + SIGNING_TIME_OID.len();
    assert_eq!(
        &p7s[at..at + 4],
        &[0x31, 0x0f, 0x17, 0x0d],
        "SET {{ UTCTime }}"
    );
    at + 4 + 11
}

/// The start of an RSA-2048 signature value: the last `OCTET STRING` of 256 bytes.
fn rsa2048_signature_value(p7s: &[u8]) -> usize {
    p7s.windows(4)
        .rposition(|w| w == [0x04, 0x82, 0x01, 0x00])
        .expect("an RSA-2048 signature value")
        + 4
}

/// Sign with openssl as `variant` with the qualified natural person (RSA-2048), verify, then
/// tamper content, a signed attribute and the signature.
fn openssl_signs_we_verify(variant: Variant, expected_level: CadesLevel) {
    let openssl = qes_testkit::require_tool!("openssl");
    let dir = tempfile::tempdir().unwrap();
    let files = write_holder(dir.path(), pki().natural_person());
    let p7s = openssl_sign(&openssl, dir.path(), &files, variant, &[]);
    if variant == Variant::StreamedBer {
        assert!(
            outer_length_is_indefinite(&p7s),
            "openssl wrote definite lengths: {:02x?}",
            &p7s[..8]
        );
    } else {
        assert_eq!(&p7s[..2], &[0x30, 0x82], "DER with a two-byte length");
    }

    let report = verify_variant(&p7s, variant, CONTENT);
    assert_eq!(report.detached, variant.detached());
    assert_eq!(report.content_type, "1.2.840.113549.1.7.1");
    let r = only(&report);
    assert_eq!(r.indication, Indication::TotalPassed, "{report:#?}");
    assert_eq!(r.sub_indication, None);
    assert_eq!(r.level, expected_level, "{variant:?}");
    assert_eq!(r.signature_algorithm, "RSA-PKCS1-SHA256");
    assert!(
        r.signer
            .as_ref()
            .unwrap()
            .subject
            .contains(qes_testkit::NATURAL_PERSON_SERIAL_NUMBER),
        "{r:#?}"
    );
    // openssl signs at the wall clock: a signing time is claimed, whatever it is.
    assert!(r.signing_time.is_some());
    assert_eq!(r.validation_time, at());

    // 1. A content byte.
    let mut content = CONTENT.to_vec();
    content[3] ^= 0x20;
    let tampered = if variant.detached() {
        p7s.clone()
    } else {
        let mut t = p7s.clone();
        t[find(&p7s, CONTENT) + 3] ^= 0x20;
        t
    };
    let report = verify_variant(&tampered, variant, &content);
    let r = only(&report);
    assert_eq!(r.indication, Indication::TotalFailed, "{report:#?}");
    assert_eq!(r.sub_indication, Some(SubIndication::HashFailure));
    assert_eq!(r.first_failure().unwrap().step, Step::MessageDigest);

    // 2. A signed-attribute byte: the signing time's seconds, still a valid time.
    let mut tampered = p7s.clone();
    let digit = signing_time_seconds_digit(&p7s);
    tampered[digit] = if tampered[digit] == b'9' {
        b'8'
    } else {
        tampered[digit] + 1
    };
    let report = verify_variant(&tampered, variant, CONTENT);
    let r = only(&report);
    assert_eq!(r.indication, Indication::TotalFailed, "{report:#?}");
    assert_eq!(r.sub_indication, Some(SubIndication::SigCryptoFailure));
    assert_eq!(r.first_failure().unwrap().step, Step::SignatureValue);

    // 3. A signature byte.
    let mut tampered = p7s.clone();
    tampered[rsa2048_signature_value(&p7s) + 100] ^= 0x01;
    let report = verify_variant(&tampered, variant, CONTENT);
    let r = only(&report);
    assert_eq!(r.indication, Indication::TotalFailed, "{report:#?}");
    assert_eq!(r.sub_indication, Some(SubIndication::SigCryptoFailure));
    assert_eq!(r.first_failure().unwrap().step, Step::SignatureValue);
}

/// Without `-cades` openssl writes content-type, signing-time, message-digest and
/// S/MIME capabilities, but no signing-certificate(-v2): plain CMS, not CAdES B-B.
#[test]
fn we_verify_openssl_detached() {
    openssl_signs_we_verify(Variant::Detached, CadesLevel::Cms);
}

#[test]
fn we_verify_openssl_attached() {
    openssl_signs_we_verify(Variant::Attached, CadesLevel::Cms);
}

/// `-cades` adds signing-certificate-v2 beside signing-time: CAdES B-B.
#[test]
fn we_verify_openssl_cades() {
    openssl_signs_we_verify(Variant::Cades, CadesLevel::BaselineB);
}

#[test]
fn we_verify_openssl_streamed_indefinite_length_ber() {
    openssl_signs_we_verify(Variant::StreamedBer, CadesLevel::Cms);
}

/// ECDSA from openssl too: P-384 with `-md sha384`, CAdES, detached.
#[test]
fn we_verify_openssl_ecdsa_p384_cades() {
    let openssl = qes_testkit::require_tool!("openssl");
    let dir = tempfile::tempdir().unwrap();
    let issued = issued_with(KeyAlgorithm::EcP384, "ossl-sign-p384");
    let files = write_holder(dir.path(), &issued);
    let p7s = openssl_sign(
        &openssl,
        dir.path(),
        &files,
        Variant::Cades,
        &["-md", "sha384"],
    );
    let report = verify(&p7s, Content::Detached(CONTENT));
    let r = only(&report);
    assert_eq!(r.indication, Indication::TotalPassed, "{report:#?}");
    assert_eq!(r.level, CadesLevel::BaselineB);
    assert_eq!(r.signature_algorithm, "ECDSA-SHA384");

    let mut content = CONTENT.to_vec();
    content[0] ^= 1;
    let report = verify(&p7s, Content::Detached(&content));
    assert_eq!(
        only(&report).sub_indication,
        Some(SubIndication::HashFailure)
    );
}
