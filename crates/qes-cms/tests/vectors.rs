//! `Verifier::verify` over every file of RustCrypto/formats' `cms/tests/examples` (vendored,
//! unmodified, in `third-party/rustcrypto-formats/cms/tests/examples/`; shared with
//! `asn1_ber.rs`, which checks the BER → DER normalization and the `cms` crate round trip).
//!
//! - Every `SignedData` gives a report, with the signer, algorithm, signing time and level
//!   the file really has; without trust anchors the signers are INDETERMINATE /
//!   NO_CERTIFICATE_CHAIN_FOUND, yet the message digest and signature value pass (openssl
//!   `cms -verify -noverify` agrees on all four signed vectors).
//! - With the vector's own self-signed certificate as the trust anchor, at its signing time,
//!   the signatures are TOTAL-PASSED; tampered content and signature are rejected.
//! - Everything else (other CMS content types, certificates, keys, text) is a typed error,
//!   never a panic.
//! - Exceptions (see `third-party/rustcrypto-formats/EXCEPTIONS.md`): `authroot.stl` and
//!   `apple_mdm_signature_der.bin` are PKCS #7 v1.5 `SignedData` whose content is not an
//!   OCTET STRING (RFC 2315 `content [0] EXPLICIT ANY`); qes-cms, like `openssl cms`, reads
//!   the RFC 5652 `eContent OCTET STRING` only and answers with a decode error.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use der::{Decode, Encode};
use qes_cert::{Certificate, ParseMode};
use qes_cms::asn1::{normalize_to_der, BerLimits};
use qes_cms::{
    CadesLevel, Content, Error, Indication, Outcome, Step, SubIndication, VerificationReport,
    Verifier,
};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../third-party/rustcrypto-formats/cms/tests/examples")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(examples().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What verifying a file must give.
#[derive(Debug)]
enum Expect {
    /// A report: a `SignedData`.
    Report(Signed),
    /// A report with no signers: a certs-only `SignedData` (`.p7b`).
    CertsOnly,
    /// A `ContentInfo` of another content type (dotted OID).
    OtherContentType(&'static str),
    /// PKCS #7 v1.5 `SignedData` with non-OCTET STRING content: a decode error (exception).
    Pkcs7AnyContent,
    /// Not a `ContentInfo` at all: a structure or decode error.
    NotContentInfo,
}

/// The one signer of a signed vector, as the file has it.
#[derive(Debug)]
struct Signed {
    algorithm: &'static str,
    subject: &'static str,
    /// Unix seconds of the signing-time attribute.
    signing_time: i64,
    level: CadesLevel,
}

const ENVELOPED: &str = "1.2.840.113549.1.7.3";

fn expected(name: &str) -> Expect {
    use Expect::*;
    match name {
        "cms_der.bin" => Report(Signed {
            algorithm: "ECDSA-SHA256",
            subject: "CN=Test",
            signing_time: 1_531_752_995, // 2018-07-16T14:56:35Z
            level: CadesLevel::BaselineB,
        }),
        "cms_ber.bin" => Report(Signed {
            algorithm: "ECDSA-SHA256",
            subject: "CN=Test",
            signing_time: 1_531_754_221, // 2018-07-16T15:17:01Z
            level: CadesLevel::BaselineB,
        }),
        "sd.cms" => Report(Signed {
            algorithm: "RSA-PKCS1-SHA256",
            subject: "emailAddress=test@example.com,CN=Test Cert,OU=Testing,O=Example\\, Inc.,L=Arlington,ST=VA,C=US",
            signing_time: 1_666_110_050, // 2022-10-18T16:20:50Z
            level: CadesLevel::Cms, // no signing-certificate(-v2)
        }),
        "scep_der.bin" => Report(Signed {
            algorithm: "RSA-PKCS1-SHA256",
            subject: "CN=7B7E01FD-9F08-4D6C-B32E-3C9007ABB58D",
            signing_time: 1_670_672_839, // 2022-12-10T11:47:19Z
            level: CadesLevel::Cms,
        }),
        "pkits.p7b" | "pkits_ee.p7b" => CertsOnly,
        "apple_mdm_signature_der.bin" | "authroot.stl" => Pkcs7AnyContent,
        "1.3.6.1.4.1.22554.5.6.1_ML-KEM-512-ipd_kemri_auth.der" => {
            OtherContentType("1.2.840.113549.1.9.16.1.23")
        }
        "1.3.6.1.4.1.22554.5.6.1_ML-KEM-512-ipd_kemri_id-alg-hkdf-with-sha256.der"
        | "1.3.6.1.4.1.22554.5.6.1_ML-KEM-512-ipd_kemri_ukm.der"
        | "enveloped_data_kari.bin"
        | "enveloped_data_kekri.bin"
        | "enveloped_data_ktri.bin"
        | "enveloped_data_multi.bin"
        | "enveloped_data_pwri.bin"
        | "kms_ciphertext_for_recipient_1.ber"
        | "kms_ciphertext_for_recipient_2.ber"
        | "kms_ciphertext_for_recipient_3.ber"
        | "kms_ciphertext_for_recipient_4.ber" => OtherContentType(ENVELOPED),
        "certData.bin" => OtherContentType("1.2.840.113549.1.7.1"),
        "compressed_data.bin" => OtherContentType("1.2.840.113549.1.9.16.1.9"),
        "digested_data.bin" => OtherContentType("1.2.840.113549.1.7.5"),
        "encrypted_data.bin" | "keyEncryptedData.bin" => OtherContentType("1.2.840.113549.1.7.6"),
        // Certificates, keys, a CSR, a PFX, PEM and text, a bare SignedData (authroot.stl.sd)
        // and bare SignerInfos.
        "GoodCACert.crt"
        | "GoodCACert.pem"
        | "ValidCertificatePathTest1EE.crt"
        | "ValidCertificatePathTest1EE.pem"
        | "authroot.stl.sd"
        | "cert.pem"
        | "data.txt"
        | "ec384-ee-key.der"
        | "example.pfx"
        | "examples_notes.txt"
        | "p256-priv.der"
        | "p256-pub.der"
        | "rsa2048-priv.der"
        | "rsa_cert.der"
        | "rsa_sk.pkcs1.pem"
        | "sceptest_cert-selfsigned.pem"
        | "sceptest_csr.der"
        | "sceptest_key.pem"
        | "signer_info_explicit_attrs.bin"
        | "signer_info_sequence_not_set.bin" => NotContentInfo,
        other => panic!("{other}: a file the test does not know (the vendored folder changed)"),
    }
}

fn time(unix: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(unix, 0).unwrap()
}

fn check_outcome(report: &qes_cms::SignerReport, step: Step) -> &Outcome {
    &report
        .checks
        .iter()
        .find(|c| c.step == step)
        .unwrap_or_else(|| panic!("no {step:?} check: {report:#?}"))
        .outcome
}

fn assert_signed(name: &str, report: &VerificationReport, want: &Signed) {
    assert!(!report.detached, "{name}: content is encapsulated");
    assert_eq!(report.content_type, "1.2.840.113549.1.7.1", "{name}");
    assert_eq!(report.signers.len(), 1, "{name}: {report:#?}");
    let r = &report.signers[0];
    // No trust anchors: the chain is missing, nothing else is wrong.
    assert_eq!(r.indication, Indication::Indeterminate, "{name}: {r:#?}");
    assert_eq!(
        r.sub_indication,
        Some(SubIndication::NoCertificateChainFound),
        "{name}"
    );
    assert_eq!(r.signature_algorithm, want.algorithm, "{name}");
    assert_eq!(r.signer.as_ref().unwrap().subject, want.subject, "{name}");
    assert_eq!(r.signing_time, Some(time(want.signing_time)), "{name}");
    assert_eq!(r.level, want.level, "{name}");
    assert_eq!(r.timestamp_time, None, "{name}");
    assert!(r.countersignatures.is_empty(), "{name}");
    for step in [
        Step::SignerCertificate,
        Step::SignedAttributes,
        Step::MessageDigest,
        Step::SignatureValue,
    ] {
        assert_eq!(check_outcome(r, step), &Outcome::Passed, "{name} {step:?}");
    }
    assert!(
        matches!(check_outcome(r, Step::CertificatePath), Outcome::Failed(_)),
        "{name}"
    );
}

#[test]
fn every_cms_example_gives_a_report_or_a_typed_error() {
    let verifier = Verifier::new(&[], common::at());
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 45, "the vendored folder changed");
    let mut reports = 0;
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let bytes = std::fs::read(&path).unwrap();
        // Attached, and with detached content given: neither may panic.
        let attached = verifier.verify(&bytes, Content::Attached);
        let detached = verifier.verify(&bytes, Content::Detached(b"x"));
        match expected(&name) {
            Expect::Report(want) => {
                let report = attached.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_signed(&name, &report, &want);
                assert!(
                    matches!(
                        detached,
                        Err(Error::Structure {
                            what: "content",
                            ..
                        })
                    ),
                    "{name}: content given for an attached signature: {detached:?}"
                );
                reports += 1;
            }
            Expect::CertsOnly => {
                for report in [attached, detached] {
                    let report = report.unwrap_or_else(|e| panic!("{name}: {e}"));
                    assert!(report.detached, "{name}");
                    assert!(report.signers.is_empty(), "{name}");
                    assert!(!report.all_passed(), "{name}: no signer, nothing passed");
                }
                reports += 1;
            }
            Expect::OtherContentType(oid) => {
                for result in [attached, detached] {
                    match result {
                        Err(Error::UnexpectedContentType { expected, found }) => {
                            assert_eq!(expected.to_string(), "1.2.840.113549.1.7.2", "{name}");
                            assert_eq!(found.to_string(), oid, "{name}");
                        }
                        other => panic!("{name}: {other:?}"),
                    }
                }
            }
            Expect::Pkcs7AnyContent => {
                for result in [attached, detached] {
                    assert!(
                        matches!(result, Err(Error::Decode(_))),
                        "{name}: see EXCEPTIONS.md: {result:?}"
                    );
                }
            }
            Expect::NotContentInfo => {
                for result in [attached, detached] {
                    assert!(
                        matches!(result, Err(Error::Structure { .. } | Error::Decode(_))),
                        "{name}: {result:?}"
                    );
                }
            }
        }
    }
    assert_eq!(reports, 6);
}

/// The certificates a vector carries (after BER → DER normalization).
fn embedded_certificates(p7s: &[u8]) -> Vec<Certificate> {
    let der = normalize_to_der(p7s, &BerLimits::default()).unwrap();
    let ci = cms::content_info::ContentInfo::from_der(&der).unwrap();
    let sd: cms::signed_data::SignedData = ci.content.decode_as().unwrap();
    sd.certificates
        .unwrap()
        .0
        .iter()
        .filter_map(|c| match c {
            cms::cert::CertificateChoices::Certificate(c) => {
                Some(Certificate::from_der(&c.to_der().unwrap(), ParseMode::Lenient).unwrap())
            }
            _ => None,
        })
        .collect()
}

/// Trusting the vector's own (self-signed) signer certificate, at its signing time.
fn verify_self_anchored(name: &str, p7s: &[u8]) -> VerificationReport {
    let Expect::Report(want) = expected(name) else {
        panic!("{name} is not a signed vector")
    };
    let anchors = embedded_certificates(&read(name));
    assert_eq!(anchors.len(), 1, "{name}: one self-signed certificate");
    Verifier::new(&anchors, time(want.signing_time))
        .verify(p7s, Content::Attached)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn third_party_signatures_pass_with_their_own_certificate_as_anchor() {
    for name in ["cms_der.bin", "cms_ber.bin", "sd.cms"] {
        let report = verify_self_anchored(name, &read(name));
        assert!(report.all_passed(), "{name}: {report:#?}");
    }
    // scep_der.bin's self-signed certificate is signed with SHA-1: the strict algorithm
    // policy rejects it on the certification path (the signer certificate is checked like any
    // leaf even when it is also the anchor), while the CMS signature itself verifies.
    let report = verify_self_anchored("scep_der.bin", &read("scep_der.bin"));
    let r = &report.signers[0];
    assert_eq!(r.indication, Indication::Indeterminate, "{r:#?}");
    assert_eq!(
        r.sub_indication,
        Some(SubIndication::CryptoConstraintsFailureNoPoe)
    );
    assert_eq!(check_outcome(r, Step::SignatureValue), &Outcome::Passed);
    assert!(matches!(
        check_outcome(r, Step::CertificatePath),
        Outcome::Failed(why) if why.contains("SHA-1")
    ));
}

#[test]
fn tampered_third_party_signatures_are_rejected() {
    // sd.cms encapsulates "Lorem ipsum ..." (DER) and ends with its 4096-bit RSA signature.
    let original = read("sd.cms");
    let pos = common::find(&original, b"Lorem ipsum");
    let mut tampered = original.clone();
    tampered[pos] ^= 0x20;
    let report = verify_self_anchored("sd.cms", &tampered);
    assert_eq!(report.signers[0].indication, Indication::TotalFailed);
    assert_eq!(
        report.signers[0].sub_indication,
        Some(SubIndication::HashFailure)
    );

    let mut tampered = original.clone();
    let last = tampered.len() - 7;
    tampered[last] ^= 0x01;
    let report = verify_self_anchored("sd.cms", &tampered);
    assert_eq!(
        report.signers[0].sub_indication,
        Some(SubIndication::SigCryptoFailure)
    );

    // cms_ber.bin: indefinite lengths, the content "Inizio contenuto.\nAAA…" in a constructed
    // OCTET STRING of 1000-byte chunks. Flip a byte inside the third chunk: the normalizer
    // joins the chunks, and the digest over them no longer matches.
    let original = read("cms_ber.bin");
    let chunks: Vec<usize> = original
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == [0x04, 0x82, 0x03, 0xe8])
        .map(|(i, _)| i)
        .collect();
    assert!(chunks.len() >= 3, "{chunks:?}");
    let mut tampered = original.clone();
    assert_eq!(tampered[chunks[2] + 4 + 500], b'A');
    tampered[chunks[2] + 4 + 500] = b'a';
    let report = verify_self_anchored("cms_ber.bin", &tampered);
    assert_eq!(
        report.signers[0].sub_indication,
        Some(SubIndication::HashFailure),
        "{report:#?}"
    );
}
