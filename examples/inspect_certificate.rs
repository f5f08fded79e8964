//! Read a certificate file (DER, PEM, bundle or .p7b) and print its qualified profile.
//!
//! `cargo run --example inspect_certificate -- path/to/cert.pem`; without an argument it
//! inspects the test PKI's natural-person holder certificate.
#![allow(clippy::print_stdout)]

use qes::cert::{identity, lint, parse_any, ParseMode, QualifiedSummary};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bytes = match std::env::args().nth(1) {
        Some(path) => std::fs::read(path)?,
        None => qes_testkit::TestPki::shared()
            .natural_person()
            .cert_pem()
            .into_bytes(),
    };
    for cert in parse_any(&bytes, ParseMode::Lenient)? {
        let summary = QualifiedSummary::of(&cert)?;
        let holder = identity(&cert)?;
        println!("subject:   {}", cert.x509().tbs_certificate.subject);
        println!("qualified: {:?}", summary.qualified.value);
        println!("purpose:   {:?}", summary.purpose.value);
        println!("QSCD:      {:?}", summary.qscd.value);
        println!("person:    {:?}", summary.person.value);
        if let Some(cnp) = holder.cnp() {
            println!(
                "CNP:       {cnp} ({:?}, born {:?}, {})",
                cnp.sex(),
                cnp.birth_date(),
                cnp.county()
            );
        }
        for finding in lint(&cert).findings {
            println!(
                "lint:      {:?} {} {}",
                finding.severity, finding.code, finding.message
            );
        }
    }
    Ok(())
}
