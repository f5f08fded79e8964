//! Key loading in the software signer: DER and PEM PKCS#8 (RFC 5958), encrypted PKCS#8
//! (RFC 8018 PBES2, RFC 7292 PBE) and PKCS#12 (RFC 7292) on arbitrary bytes never panic. The
//! password is the test PKI's, so the seed files open and the decoders behind the MAC run.
#![no_main]

const PASSWORD: &str = "qes-testkit";

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = qes_signer::SoftwareKey::from_pkcs8_der(data);
    let _ = qes_signer::SoftwareKey::from_encrypted_pkcs8_der(data, PASSWORD);
    let _ = qes_signer::SoftwareSigner::from_pkcs12(data, PASSWORD);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = qes_signer::SoftwareKey::from_pkcs8_pem(text);
        let _ = qes_signer::SoftwareKey::from_encrypted_pkcs8_pem(text, PASSWORD);
    }
});
