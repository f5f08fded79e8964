#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `write_to` writes PEM/DER/PKCS#8/PKCS#12 files and CRLs that decode.

use der::{Decode, DecodePem};
use qes_testkit::TestPki;
use x509_cert::crl::CertificateList;
use x509_cert::Certificate;

#[test]
fn write_to_writes_every_artifact() {
    let pki = TestPki::shared();
    let dir = tempfile::tempdir().unwrap();
    let written = pki.write_to(dir.path()).unwrap();
    if let Ok(keep) = std::env::var("QES_TESTKIT_DUMP") {
        pki.write_to(keep).unwrap();
    }
    // 10 certificates × 4 files + chain.pem + 2 CRLs.
    assert_eq!(written.len(), 10 * 4 + 3, "{written:?}");
    for path in &written {
        assert!(path.exists(), "{}", path.display());
    }
    for issued in pki.all() {
        let label = issued.label();
        let pem = std::fs::read_to_string(dir.path().join(format!("{label}.pem"))).unwrap();
        let der = std::fs::read(dir.path().join(format!("{label}.der"))).unwrap();
        assert_eq!(
            Certificate::from_pem(pem.as_bytes()).unwrap(),
            Certificate::from_der(&der).unwrap()
        );
        assert_eq!(der, issued.cert_der());
        let key = std::fs::read_to_string(dir.path().join(format!("{label}.key.pem"))).unwrap();
        assert!(key.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let p12 = std::fs::read(dir.path().join(format!("{label}.p12"))).unwrap();
        assert_eq!(p12, issued.pkcs12(qes_testkit::PKCS12_PASSWORD).unwrap());
    }
    let chain = std::fs::read(dir.path().join("chain.pem")).unwrap();
    assert_eq!(Certificate::load_pem_chain(&chain).unwrap().len(), 2);
    for crl in ["root-ca.crl", "qualified-ca.crl"] {
        let bytes = std::fs::read(dir.path().join(crl)).unwrap();
        let crl = CertificateList::from_der(&bytes).unwrap();
        assert!(crl.tbs_cert_list.revoked_certificates.is_none());
    }
}
