//! Validate a certification path (RFC 5280 §6) with CRLs, at a chosen time.
//!
//! `cargo run --example validate_path`: builds the test PKI, revokes nothing, and validates the
//! natural-person holder certificate through the qualified CA to the root.
#![allow(clippy::print_stdout)]

use chrono::Duration;
use qes::cert::{parse_der, Crl, ParseMode, PathValidator, RevocationPolicy, ValidationOptions};
use qes_testkit::TestPki;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pki = TestPki::shared();
    let at = pki.epoch() + Duration::days(100);
    let root = parse_der(pki.root().cert_der(), ParseMode::Strict)?;
    let ca = parse_der(pki.qualified_ca().cert_der(), ParseMode::Strict)?;
    let leaf = parse_der(pki.natural_person().cert_der(), ParseMode::Strict)?;
    let mut crls = Vec::new();
    for issuer in [pki.root(), pki.qualified_ca()] {
        let der = pki.crl(issuer, &[], at - Duration::days(1), at + Duration::days(7))?;
        crls.push(Crl::from_der(&der)?);
    }
    let options = ValidationOptions::new(at)
        .with_crls(crls)
        .with_revocation(RevocationPolicy::Require);
    let anchors = [root];
    let intermediates = [ca];
    let path = PathValidator::new(&anchors)
        .with_intermediates(&intermediates)
        .validate(&leaf, &options)?;
    println!("valid path at {at}:");
    for cert in path.certificates() {
        println!("  {}", cert.x509().tbs_certificate.subject);
    }
    Ok(())
}
