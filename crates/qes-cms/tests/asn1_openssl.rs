//! The `asn1` module judged by OpenSSL: streamed (indefinite-length BER) `openssl cms -sign
//! -cades` output normalizes to DER that OpenSSL still verifies, its ESS signing-certificate-v2
//! is byte for byte what we encode, and `openssl ts -reply` tokens with microsecond genTime
//! decode and re-encode exactly.
//! Gated by `qes_testkit::interop::tool("openssl")`: fails under CI, skips elsewhere.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::process::Command;

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use qes_cert::{Certificate, ParseMode};
use qes_cms::asn1::{
    normalize_to_der, oids, parse_time, BerLimits, EssCertIdV2, HashMatch, IssuerSerialMatch,
    SigningCertificateV2, TstInfo,
};
use qes_signer::DigestAlgorithm;
use qes_testkit::{Issued, TestPki};

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("qes-cms-asn1-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(openssl: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(openssl).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn write_identity(dir: &Scratch, issued: &Issued) -> (String, String, String) {
    let (cert, key, chain) = (
        dir.path("cert.pem"),
        dir.path("key.pem"),
        dir.path("chain.pem"),
    );
    std::fs::write(&cert, issued.cert_pem()).unwrap();
    std::fs::write(&key, issued.key().pkcs8_pem()).unwrap();
    std::fs::write(&chain, issued.chain_pem().unwrap()).unwrap();
    let s = |p: PathBuf| p.to_str().unwrap().to_owned();
    (s(cert), s(key), s(chain))
}

/// The value of the one signed attribute `oid` of the first signer.
fn signed_attr(sd: &SignedData, oid: ObjectIdentifier) -> Vec<u8> {
    let si = sd.signer_infos.0.iter().next().unwrap();
    let attr = si
        .signed_attrs
        .as_ref()
        .unwrap()
        .iter()
        .find(|a| a.oid == oid)
        .unwrap();
    attr.values.iter().next().unwrap().to_der().unwrap()
}

#[test]
fn openssl_streamed_cades_normalizes_and_still_verifies() {
    let Some(openssl) = qes_testkit::interop::tool("openssl") else {
        return;
    };
    let pki = TestPki::shared();
    let holder = pki.natural_person();
    let dir = Scratch::new("cades");
    let (cert, key, chain) = write_identity(&dir, holder);
    let data = dir.path("data.txt");
    std::fs::write(&data, "Declarație unică, 2026\n".repeat(500)).unwrap();
    let ber_path = dir.path("signed.p7s");
    run(
        &openssl,
        &[
            "cms",
            "-sign",
            "-cades",
            "-binary",
            "-nodetach",
            "-stream",
            "-md",
            "sha256",
            "-signer",
            &cert,
            "-inkey",
            &key,
            "-in",
            data.to_str().unwrap(),
            "-outform",
            "DER",
            "-out",
            ber_path.to_str().unwrap(),
        ],
    );
    let ber = std::fs::read(&ber_path).unwrap();
    assert_eq!(
        &ber[..2],
        &[0x30, 0x80],
        "openssl -stream writes indefinite lengths"
    );

    let der = normalize_to_der(&ber, &BerLimits::default()).unwrap();
    assert!(matches!(der, Cow::Owned(_)));
    let ci = ContentInfo::from_der(&der).unwrap();
    assert_eq!(
        ci.to_der().unwrap(),
        der.as_ref(),
        "the cms crate reads and re-encodes it exactly"
    );
    let sd = ci.content.decode_as::<SignedData>().unwrap();

    // OpenSSL verifies the normalized bytes: nothing it signed was changed.
    let der_path = dir.path("signed.der");
    std::fs::write(&der_path, der.as_ref()).unwrap();
    run(
        &openssl,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            der_path.to_str().unwrap(),
            "-CAfile",
            &chain,
            "-purpose",
            "any",
            "-no_check_time",
            "-out",
            dir.path("out.txt").to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read(dir.path("out.txt")).unwrap(),
        std::fs::read(&data).unwrap()
    );

    // Its ESS signing-certificate-v2 is exactly ours, and binds the holder's certificate.
    let holder_cert = Certificate::from_der(holder.cert_der(), ParseMode::Strict).unwrap();
    let value = signed_attr(&sd, oids::SIGNING_CERTIFICATE_V2);
    let theirs = SigningCertificateV2::from_der(&value).unwrap();
    let b = theirs.signing_cert_id().unwrap().binding(&holder_cert);
    assert_eq!(
        (b.cert_hash, b.issuer_serial),
        (HashMatch::Matches, IssuerSerialMatch::Matches)
    );
    let ours = EssCertIdV2::for_certificate(
        holder_cert.der(),
        holder_cert.issuer(),
        &holder_cert.x509().tbs_certificate.serial_number,
        DigestAlgorithm::Sha256,
    )
    .unwrap();
    let ours = SigningCertificateV2 {
        certs: vec![ours],
        policies: None,
    }
    .to_der()
    .unwrap();
    assert_eq!(
        ours, value,
        "byte-identical to OpenSSL's, SHA-256 default omitted"
    );

    let time = parse_time(&signed_attr(&sd, oids::SIGNING_TIME)).unwrap();
    assert!(time.timestamp() > 1_700_000_000);
}

#[test]
fn openssl_ts_reply_with_microseconds() {
    let Some(openssl) = qes_testkit::interop::tool("openssl") else {
        return;
    };
    let pki = TestPki::shared();
    let tsa = pki.tsa();
    let dir = Scratch::new("ts");
    let (cert, key, chain) = write_identity(&dir, tsa);
    // OpenSSL increments the serial file first: the token's serial is 2^160 - 1, encoded
    // with a sign octet.
    std::fs::write(
        dir.path("serial"),
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE\n",
    )
    .unwrap();
    let config = format!(
        "[ tsa ]\ndefault_tsa = tsa_config\n[ tsa_config ]\nserial = {serial}\nsigner_cert = {cert}\n\
         certs = {chain}\nsigner_key = {key}\nsigner_digest = sha256\ndefault_policy = 1.3.6.1.4.1.4146.2.3\n\
         digests = sha256, sha384\naccuracy = secs:1, millisecs:500, microsecs:100\n\
         clock_precision_digits = 6\nordering = yes\ntsa_name = yes\ness_cert_id_alg = sha256\n",
        serial = dir.path("serial").display(),
    );
    std::fs::write(dir.path("tsa.cnf"), config).unwrap();
    let data = dir.path("data.bin");
    std::fs::write(&data, b"a document to stamp").unwrap();
    let (query, reply) = (dir.path("q.tsq"), dir.path("r.tsr"));
    let s = |p: &PathBuf| p.to_str().unwrap().to_owned();
    run(
        &openssl,
        &[
            "ts",
            "-query",
            "-data",
            &s(&data),
            "-sha384",
            "-cert",
            "-out",
            &s(&query),
        ],
    );
    run(
        &openssl,
        &[
            "ts",
            "-reply",
            "-config",
            &s(&dir.path("tsa.cnf")),
            "-queryfile",
            &s(&query),
            "-out",
            &s(&reply),
        ],
    );
    let resp = std::fs::read(&reply).unwrap();
    let resp = x509_tsp::TimeStampResp::from_der(&resp).unwrap();
    let sd = resp
        .time_stamp_token
        .unwrap()
        .content
        .decode_as::<SignedData>()
        .unwrap();
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .unwrap()
        .value()
        .to_vec();

    let info = TstInfo::from_der(&econtent).unwrap();
    assert_eq!(info.policy.to_string(), "1.3.6.1.4.1.4146.2.3");
    assert_eq!(
        info.message_imprint.hash_algorithm.oid,
        DigestAlgorithm::Sha384.oid()
    );
    assert_eq!(
        info.message_imprint.hashed_message,
        DigestAlgorithm::Sha384.digest(b"a document to stamp")
    );
    assert_eq!(info.serial_hex(), "F".repeat(40), "160-bit serial");
    assert!(econtent.windows(3).any(|w| w == [0x02, 21, 0x00]));
    assert!(info.ordering);
    assert_eq!(
        info.accuracy,
        Some(chrono::TimeDelta::new(1, 500_100_000).unwrap())
    );
    assert!(info.nonce.is_some());
    // OpenSSL writes the fraction without trailing zeros: usually 6 digits, fewer when they
    // end in zeros, none when all are. Re-encoding gives its bytes back exactly.
    assert_eq!(info.gen_time.timestamp_subsec_nanos() % 1_000, 0);
    assert_eq!(info.to_der().unwrap(), econtent);

    // The token's ESS signing-certificate-v2 binds the TSA certificate.
    let tsa_cert = Certificate::from_der(tsa.cert_der(), ParseMode::Strict).unwrap();
    let ess =
        SigningCertificateV2::from_der(&signed_attr(&sd, oids::SIGNING_CERTIFICATE_V2)).unwrap();
    assert!(ess.signing_cert_id().unwrap().binding(&tsa_cert).is_bound());
}
