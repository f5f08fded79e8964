//! `qes demo`: the SDK's main job end to end, on embedded defaults.
//!
//! Build a throw-away qualified PKI (root → qualified CA → holders), write it to a directory,
//! inspect the natural-person holder's certificate, validate its path with the CA's CRL, show
//! that a revoked twin of it is refused, then sign a document as the holder (CAdES B-T,
//! timestamped by an in-process TSA or `--tsa`), verify it, and show that a modified copy
//! fails. Later layers extend the story (sign a PDF, countersign the confirmation document).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Duration, Utc};
use qes_cert::{Crl, ParseMode};
use qes_testkit::{CrlReason, EndEntity, Revoked, TestPki};

use qes_cert::RevocationPolicy;
use qes_cms::{CadesBuilder, CommitmentType, CommitmentTypeIndication, Content, Verifier};
use qes_signer::{Signer as _, SoftwareSigner};
use qes_tsp::{LocalTsa, TspClient};

use crate::cert_inspect;
use crate::cert_verify;
use crate::error::CliError;
use crate::files;
use crate::{tsp_cmd, verify_cms};

/// Arguments of `qes demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Write the test PKI here and keep it (default: a temporary directory, removed after).
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Seed of the test PKI (same seed and day, same bytes).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// An RFC 3161 TSA URL for the signature timestamp (default: an in-process TSA with the
    /// test PKI's TSA certificate).
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
}

/// Run `qes demo`.
pub fn run(args: &DemoArgs) -> Result<ExitCode, CliError> {
    let now = Utc::now();
    // Validity starts a month back (at midnight, so a day's runs are byte-identical).
    let epoch = (now - Duration::days(30))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(|| CliError::TestPki("epoch out of range".into()))?;
    println!("qes demo — a qualified certificate from issuance to validation\n");

    println!(
        "1. Building a test qualified PKI (seed {}, validity from {epoch})",
        args.seed
    );
    let pki = TestPki::builder()
        .seed(args.seed)
        .epoch(epoch)
        .build()
        .map_err(|e| CliError::TestPki(e.to_string()))?;
    let temp;
    let dir = match &args.keep {
        Some(dir) => dir.clone(),
        None => {
            temp = tempfile::tempdir().map_err(CliError::io(&std::env::temp_dir()))?;
            temp.path().to_path_buf()
        }
    };
    let written = pki.write_to(&dir).map_err(CliError::io(&dir))?;
    println!("   wrote {} files to {}", written.len(), dir.display());

    // A twin of the holder's certificate that the CA revokes, to show the other verdict.
    let revoked_twin = pki
        .issue(
            &EndEntity::natural_person("Ion", "Popescu", "1960229410015").label("revoked-holder"),
        )
        .map_err(|e| CliError::TestPki(e.to_string()))?;
    let crl_der = pki
        .crl(
            pki.qualified_ca(),
            &[Revoked::new(
                &revoked_twin,
                epoch + Duration::days(1),
                CrlReason::KeyCompromise,
            )],
            now - Duration::hours(1),
            now + Duration::days(7),
        )
        .map_err(|e| CliError::TestPki(e.to_string()))?;
    let crl_path = dir.join("qualified-ca-current.crl");
    write(&crl_path, &crl_der)?;
    let twin_path = dir.join("revoked-holder.pem");
    write(&twin_path, revoked_twin.cert_pem().as_bytes())?;
    println!(
        "   issued a second holder certificate and revoked it in {}",
        crl_path.display()
    );

    let holder_path = dir.join(format!("{}.pem", pki.natural_person().label()));
    println!(
        "\n2. Inspecting the holder certificate {}",
        holder_path.display()
    );
    let holder = first(&holder_path)?;
    let inspection = cert_inspect::inspect(&holder, now)
        .map_err(|source| CliError::input(holder_path.clone(), source))?;
    print!("{}", cert_inspect::render(&inspection));

    println!("\n3. Validating its path to the root (RFC 5280 §6, CRL required)");
    let root = first(&dir.join(format!("{}.pem", pki.root().label())))?;
    let ca = first(&dir.join(format!("{}.pem", pki.qualified_ca().label())))?;
    let root_crl = pki
        .crl(
            pki.root(),
            &[],
            now - Duration::hours(1),
            now + Duration::days(7),
        )
        .map_err(|e| CliError::TestPki(e.to_string()))?;
    let mut crls = Vec::new();
    for der in [&crl_der, &root_crl] {
        crls.push(Crl::from_der(der).map_err(|source| CliError::input(&crl_path, source))?);
    }
    let validate = |leaf: &qes_cert::Certificate| {
        cert_verify::verify(
            leaf,
            std::slice::from_ref(&ca),
            std::slice::from_ref(&root),
            crls.clone(),
            now,
            Vec::new(),
            false,
        )
    };
    let verdict = validate(&holder);
    print!("{}", cert_verify::render(&verdict));

    println!("\n4. Validating the revoked twin the same way");
    let twin_verdict = validate(&first(&twin_path)?);
    print!("{}", cert_verify::render(&twin_verdict));

    println!("\n5. Signing a document as the holder: CAdES B-T, detached (ETSI EN 319 122-1)");
    let signed = sign_document(args, &pki, &dir, &crls, &root, now)?;

    let qualified = inspection.summary.is_eu_qualified()
        && inspection.summary.qscd.value == qes_cert::QscdDeclaration::Declared;
    let ok = qualified
        && verdict.valid
        && !twin_verdict.valid
        && signed.intact
        && !signed.tampered_accepted;
    println!(
        "\n{} the holder certificate is {}qualified with its key on a QSCD, its path is {}, the revoked twin is {}, \
         the B-T signatures (CAdES and PAdES) are {} and their tampered copies are {}.",
        if ok { "Done:" } else { "Unexpected:" },
        if qualified { "" } else { "NOT " },
        if verdict.valid { "valid" } else { "INVALID" },
        if twin_verdict.valid { "ACCEPTED" } else { "refused" },
        if signed.intact { "TOTAL-PASSED" } else { "NOT VALID" },
        if signed.tampered_accepted { "ACCEPTED" } else { "refused" },
    );
    if args.keep.is_some() {
        println!(
            "The PKI and the signed files stay in {} (try `qes cert inspect` and `qes verify` on them).",
            dir.display()
        );
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// What the signing step showed.
struct Signed {
    /// The B-T signature verified TOTAL-PASSED.
    intact: bool,
    /// The signature over a modified document was (wrongly) accepted.
    tampered_accepted: bool,
}

/// Step 5: the holder signs a document (detached CAdES B-T, timestamped by `--tsa` or an
/// in-process TSA), the signature is verified, then verified again over a modified copy.
fn sign_document(
    args: &DemoArgs,
    pki: &TestPki,
    dir: &std::path::Path,
    crls: &[Crl],
    root: &qes_cert::Certificate,
    now: chrono::DateTime<Utc>,
) -> Result<Signed, CliError> {
    let pki_err = |e: &dyn std::fmt::Display| CliError::TestPki(e.to_string());
    let password = "demo";
    let holder = SoftwareSigner::from_pkcs12(
        &pki.natural_person()
            .pkcs12(password)
            .map_err(|e| pki_err(&e))?,
        password,
    )
    .map_err(|e| pki_err(&e))?;
    let document = dir.join("declaration.txt");
    let text = "Subsemnatul Ion Popescu declar pe propria răspundere că datele sunt corecte.\n";
    write(&document, text.as_bytes())?;

    let remote;
    let local;
    let timestamper: &dyn qes_cms::Timestamper = match &args.tsa {
        Some(url) => {
            remote = tsp_cmd::http_timestamper(url)?;
            println!("   timestamp authority: {url}");
            &remote
        }
        None => {
            let tsa = SoftwareSigner::from_pkcs12(
                &pki.tsa().pkcs12(password).map_err(|e| pki_err(&e))?,
                password,
            )
            .map_err(|e| pki_err(&e))?;
            println!(
                "   timestamp authority: in process, certificate {}",
                qes_cert::format_dn(tsa.certificate().subject())
            );
            local = TspClient::new(LocalTsa::new(tsa, qes_tsp::LOCAL_TSA_POLICY, Utc::now));
            &local
        }
    };
    let p7s = CadesBuilder::new(&holder)
        .signing_time(now)
        .commitment(CommitmentTypeIndication::new(CommitmentType::ProofOfOrigin))
        .timestamper(timestamper)
        .sign_detached(text.as_bytes())
        .map_err(CliError::cms(&document))?;
    let p7s_path = files::with_extension_added(&document, "p7s");
    write(&p7s_path, &p7s)?;
    println!(
        "   signed {} → {} ({} bytes, {})",
        document.display(),
        p7s_path.display(),
        p7s.len(),
        holder.default_algorithm()
    );

    let verifier = Verifier::new(std::slice::from_ref(root), now)
        .with_crls(crls.iter().cloned())
        .with_revocation(RevocationPolicy::Require);
    let verify = |content: &[u8]| {
        verifier
            .verify(&p7s, Content::Detached(content))
            .map_err(CliError::cms(&p7s_path))
    };
    println!(
        "\n6. Verifying the signature (qes verify {} --content {})",
        p7s_path.display(),
        document.display()
    );
    let report = verify(text.as_bytes())?;
    print!("{}", verify_cms::render(&report));

    println!("\n7. Verifying it over a copy with one word changed");
    let tampered = verify(text.replace("corecte", "incorecte").as_bytes())?;
    print!("{}", verify_cms::render(&tampered));

    println!(
        "\n8. Signing a PDF as the holder: PAdES B-T, visible, an incremental update (ETSI EN 319 142-1)"
    );
    let pdf_path = dir.join("declaration.pdf");
    let pdf = qes_testkit::pdf::one_page("Declaratie pe propria raspundere - qes demo", 0);
    write(&pdf_path, &pdf)?;
    // Visible, in the lower right of the A4 page, with Romanian diacritics (ș ț with
    // comma below) in an embedded subset of DejaVu Sans.
    let signed_pdf = qes_pades::PadesSigner::new(&holder)
        .with_signing_time(now)
        .with_reason("Declarație pe propria răspundere")
        .with_location("București")
        .with_timestamper(timestamper)
        .with_visible(1, qes_pades::Rect::new(300.0, 40.0, 260.0, 70.0))
        .with_appearance(qes_pades::Appearance::new().with_text(
            "Semnat electronic de {name}\nData: {date}\nMotiv: {reason}\nLocul: {location}",
        ))
        .sign(&pdf)
        .map_err(CliError::pdf(&pdf_path))?;
    let signed_path = dir.join("declaration-signed.pdf");
    write(&signed_path, &signed_pdf)?;
    println!(
        "   signed {} → {} (the original {} bytes unchanged, {} appended)",
        pdf_path.display(),
        signed_path.display(),
        pdf.len(),
        signed_pdf.len() - pdf.len()
    );
    let pades = |bytes: &[u8]| {
        qes_pades::PadesVerifier::new(verifier.clone())
            .verify(bytes)
            .map_err(CliError::pdf(&signed_path))
    };
    println!(
        "\n9. Verifying the signed PDF (qes verify {})",
        signed_path.display()
    );
    let pdf_report = pades(&signed_pdf)?;
    print!("{}", crate::pdf_cmd::render(&pdf_report));
    println!("\n10. Verifying a copy with one signed byte changed (in the page's text)");
    let mut tampered_pdf = signed_pdf.clone();
    if let Some(at) = find(&tampered_pdf, b"qes demo") {
        if let Some(byte) = tampered_pdf.get_mut(at) {
            *byte = b'Q';
        }
    }
    let tampered_pdf_report = pades(&tampered_pdf)?;
    print!("{}", crate::pdf_cmd::render(&tampered_pdf_report));
    Ok(Signed {
        intact: report.all_passed() && pdf_report.all_passed(),
        tampered_accepted: tampered.all_passed() || tampered_pdf_report.all_passed(),
    })
}

/// The first position of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn write(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(CliError::io(path))
}

fn first(path: &std::path::Path) -> Result<qes_cert::Certificate, CliError> {
    files::certificates(path, ParseMode::Strict)?
        .into_iter()
        .next()
        .ok_or_else(|| CliError::Usage(format!("{}: no certificate", path.display())))
}
