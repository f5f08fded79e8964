//! `qes demo`: the SDK's main job end to end, on embedded defaults, with no network.
//!
//! A throw-away qualified PKI is built; the holder's certificate is put on a test token
//! (SoftHSM2 when installed, else kept in software), inspected and validated with the CA's
//! CRL next to a revoked twin; the holder signs a declaration as CAdES B-T; then the
//! confirmation document journey: prefill it from the certificate, sign it as the holder
//! (visible PAdES B-T, through the token), check and countersign it as the provider,
//! verify both signatures and show that a copy with one changed CNP digit fails both
//! (HASH_FAILURE), check it as the authority, show that a re-saved copy is refused; and
//! finally the holder's renewal plan. Every file lands in the directory the first line
//! names; each step prints one line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Duration, Utc};
use qes_cert::{Certificate, Crl, ParseMode, RevocationPolicy};
use qes_cms::{CadesBuilder, CommitmentType, CommitmentTypeIndication, Content, Verifier};
use qes_confirm::{Lang, HOLDER_FIELD};
use qes_pades::{Appearance, PadesSigner, PadesVerifier};
use qes_renewal::{plan, Product, RenewalFacts, RenewalPolicy};
use qes_signer::{Signer, SoftwareSigner};
use qes_testkit::{CrlReason, EndEntity, Issued, Revoked, TestPki};
use qes_tsp::{LocalTsa, TspClient};

use crate::error::CliError;
use crate::{cert_inspect, cert_verify, demo_token, files, tsp_cmd};

/// Arguments of `qes demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Write every file here (default: a new `qes-demo-<time>` directory in the system's
    /// temporary directory). Kept after the run.
    #[arg(long, visible_alias = "keep", value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Seed of the test PKI (same seed and day, same certificates).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// An RFC 3161 TSA URL for the signature timestamps (default: an in-process TSA with
    /// the test PKI's TSA certificate).
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
    /// Keep the holder key in software even when SoftHSM2 is installed.
    #[arg(long)]
    pub no_token: bool,
}

/// The demo's PKCS#12 password (the files are throw-away test material).
const PASSWORD: &str = "demo";

/// Run `qes demo`.
pub fn run(args: &DemoArgs) -> Result<ExitCode, CliError> {
    let now = Utc::now();
    let dir = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("qes-demo-{}", now.format("%Y%m%d-%H%M%S-%3f")))
    });
    std::fs::create_dir_all(&dir).map_err(CliError::io(&dir))?;
    println!(
        "qes demo — a qualified certificate from issuance to the countersigned confirmation document; files in {}",
        dir.display()
    );
    let mut ok = true;
    let mut check = |passed: bool| {
        ok &= passed;
        if passed {
            "ok"
        } else {
            "UNEXPECTED"
        }
    };

    // 1. The PKI: validity from a month back (at midnight, so a day's runs are identical).
    let epoch = (now - Duration::days(30))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(|| CliError::TestPki("epoch out of range".into()))?;
    let pki = TestPki::builder()
        .seed(args.seed)
        .epoch(epoch)
        .build()
        .map_err(pki_err)?;
    let pki_dir = dir.join("pki");
    std::fs::create_dir_all(&pki_dir).map_err(CliError::io(&pki_dir))?;
    let written = pki.write_to(&pki_dir).map_err(CliError::io(&pki_dir))?;
    println!(
        " 1. test qualified PKI (seed {}, valid from {}): root, qualified CA, holder, provider seal, TSA — {} files in {}",
        args.seed,
        epoch.format("%Y-%m-%d"),
        written.len(),
        pki_dir.display()
    );

    // 2. The holder's certificate, on a token when SoftHSM2 is there.
    let issued = pki.natural_person();
    let holder_cert = certificate(issued)?;
    let token = if args.no_token {
        None
    } else {
        demo_token::put_on_token(&dir.join("token"), issued)?
    };
    let software_holder;
    let (holder, where_): (&dyn Signer, String) = match &token {
        Some(t) => (&t.signer, t.description.clone()),
        None => {
            software_holder = signer_of(issued)?;
            (
                &software_holder,
                if args.no_token {
                    "in software (--no-token)".into()
                } else {
                    "in software (SoftHSM2 not installed; apt-get install softhsm2 opensc)".into()
                },
            )
        }
    };
    let inspection = cert_inspect::inspect(&holder_cert, now)
        .map_err(|source| CliError::input(issued.label(), source))?;
    let qualified = inspection.summary.is_eu_qualified()
        && inspection.summary.qscd.value == qes_cert::QscdDeclaration::Declared;
    println!(
        " 2. holder certificate {} (serial {}): {}EU qualified, key on a QSCD; key {where_} — {}",
        inspection.subject,
        inspection.serial,
        if qualified { "" } else { "NOT " },
        check(qualified)
    );

    // 3. Path validation with the CA's CRL, and a revoked twin.
    let (crls, twin) = revocation(&pki, epoch, now, &dir)?;
    let root = certificate(pki.root())?;
    let ca = certificate(pki.qualified_ca())?;
    let validate = |leaf: &Certificate| {
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
    let verdict = validate(&holder_cert);
    let twin_verdict = validate(&twin);
    println!(
        " 3. path to the root with the CRL: holder {}, revoked twin {} — {}",
        if verdict.valid { "VALID" } else { "INVALID" },
        if twin_verdict.valid {
            "VALID".to_string()
        } else {
            format!("INVALID ({})", twin_verdict.error.unwrap_or("refused"))
        },
        check(verdict.valid && !twin_verdict.valid)
    );

    let remote;
    let local;
    let timestamper: &dyn qes_cms::Timestamper = match &args.tsa {
        Some(url) => {
            remote = tsp_cmd::http_timestamper(url)?;
            &remote
        }
        None => {
            local = TspClient::new(LocalTsa::new(
                signer_of(pki.tsa())?,
                qes_tsp::LOCAL_TSA_POLICY,
                Utc::now,
            ));
            &local
        }
    };
    let cms_verifier = Verifier::new(std::slice::from_ref(&root), now)
        .with_crls(crls.iter().cloned())
        .with_revocation(RevocationPolicy::Require);

    // 4. CAdES B-T over a declaration, and over a changed copy.
    let declaration = dir.join("declaratie.txt");
    let text = "Subsemnatul Ștefan Mărgărit declar pe propria răspundere că datele sunt corecte.\n";
    write(&declaration, text.as_bytes())?;
    let p7s = CadesBuilder::new(holder)
        .signing_time(now)
        .commitment(CommitmentTypeIndication::new(CommitmentType::ProofOfOrigin))
        .timestamper(timestamper)
        .sign_detached(text.as_bytes())
        .map_err(CliError::cms(&declaration))?;
    let p7s_path = files::with_extension_added(&declaration, "p7s");
    write(&p7s_path, &p7s)?;
    let verify_p7s = |content: &[u8]| {
        cms_verifier
            .verify(&p7s, Content::Detached(content))
            .map_err(CliError::cms(&p7s_path))
    };
    let good = verify_p7s(text.as_bytes())?;
    let changed = verify_p7s(text.replace("corecte", "incorecte").as_bytes())?;
    let level = good.signers.first().map(|s| s.level);
    println!(
        " 4. CAdES {:?} signature {}: {}; over a copy with one word changed: {} — {}",
        level.unwrap_or(qes_cms::CadesLevel::Cms),
        p7s_path.display(),
        indication(good.all_passed()),
        changed
            .signers
            .first()
            .and_then(|s| s.sub_indication)
            .map_or_else(|| "TOTAL-PASSED".into(), |s| format!("{s:?}")),
        check(good.all_passed() && !changed.all_passed())
    );

    // 5. The confirmation document, prefilled from the certificate.
    let prefilled = qes_confirm::prefill(&holder_cert, now).map_err(CliError::confirm(&dir))?;
    let prefilled_path = dir.join(&prefilled.file_name);
    write(&prefilled_path, &prefilled.pdf)?;
    println!(
        " 5. prefilled {} ({} bytes: holder data, CNP {}, empty fields \"holder\" and \"countersignature\")",
        prefilled_path.display(),
        prefilled.pdf.len(),
        prefilled.holder.identifier
    );

    // 6. The holder signs it: visible PAdES B-T in the holder field.
    let uploaded = PadesSigner::new(holder)
        .with_field_name(HOLDER_FIELD)
        .with_signing_time(now)
        .with_reason("Confirm datele certificatului")
        .with_location("București")
        .with_timestamper(timestamper)
        .with_appearance(Appearance::new().with_text(
            "Semnat electronic de {name}\nData: {date}\nMotiv: {reason}\nLocul: {location}",
        ))
        .sign(&prefilled.pdf)
        .map_err(CliError::pdf(&prefilled_path))?;
    let uploaded_path = dir.join(prefilled.file_name.replace(".pdf", "-semnat.pdf"));
    write(&uploaded_path, &uploaded)?;
    println!(
        " 6. the holder signed {} (visible PAdES B-T, {} bytes appended, key {})",
        uploaded_path.display(),
        uploaded.len() - prefilled.pdf.len(),
        if token.is_some() {
            "on the token"
        } else {
            "in software"
        }
    );

    // 7–8. The provider checks the upload and countersigns it.
    let anchors = [root.clone()];
    let pades = PadesVerifier::new(
        Verifier::new(&anchors, now)
            .with_crls(crls.iter().cloned())
            .with_revocation(RevocationPolicy::Require),
    );
    let holder_check =
        qes_confirm::check_holder_signed(&pades, &prefilled.pdf, &uploaded, &holder_cert);
    println!(
        " 7. provider's check of the upload: {} — {}",
        verdict_text(&holder_check.reasons),
        check(holder_check.is_accepted())
    );
    let provider = signer_of(pki.legal_person())?;
    let provider_cert = certificate(pki.legal_person())?;
    let countersigned =
        qes_confirm::countersign(&uploaded, &holder_check, &provider, timestamper, Utc::now())
            .map_err(CliError::confirm(&uploaded_path))?;
    let final_path = dir.join(&countersigned.file_name);
    write(&final_path, &countersigned.pdf)?;
    println!(
        " 8. the provider countersigned {} (PAdES B-T by {})",
        final_path.display(),
        qes_cert::format_dn(provider_cert.subject())
    );

    // 9. Every signature of it verified; a copy with one CNP digit changed is caught.
    let report = pades
        .verify(&countersigned.pdf)
        .map_err(CliError::pdf(&final_path))?;
    let tampered = one_digit_changed(&countersigned.pdf, &prefilled.holder.identifier);
    let tampered_path = dir.join("confirmare-modificat.pdf");
    write(&tampered_path, &tampered)?;
    let tampered_report = pades
        .verify(&tampered)
        .map_err(CliError::pdf(&tampered_path))?;
    let caught = !tampered_report.signatures.is_empty()
        && tampered_report
            .signatures
            .iter()
            .all(|s| !s.intact && s.sub_indication == Some(qes_cms::SubIndication::HashFailure));
    println!(
        " 9. PAdES verification of {}: {}; a copy with one CNP digit changed ({}): {} — {}",
        countersigned.file_name,
        report
            .signatures
            .iter()
            .map(|s| format!(
                "{} {}{}",
                s.field,
                s.indication,
                s.level.map_or(String::new(), |l| format!(" ({l:?})"))
            ))
            .collect::<Vec<_>>()
            .join(", "),
        tampered_path.display(),
        tampered_report
            .signatures
            .iter()
            .map(|s| format!(
                "{} {}",
                s.field,
                s.sub_indication
                    .map_or_else(|| s.indication.to_string(), |x| format!("{x:?}"))
            ))
            .collect::<Vec<_>>()
            .join(", "),
        check(report.signatures.len() == 2 && report.all_passed() && caught)
    );

    // 10–11. The authority checks it; a re-saved copy is refused.
    let trusted = [provider_cert];
    let final_check = qes_confirm::check_final(&pades, &countersigned.pdf, &trusted);
    println!(
        "10. authority's check of {}: {} — {}",
        countersigned.file_name,
        verdict_text(&final_check.reasons),
        check(final_check.is_accepted())
    );
    let resaved = resave(&countersigned.pdf).map_err(CliError::pdf(&final_path))?;
    let resaved_path = dir.join("confirmare-resalvat.pdf");
    write(&resaved_path, &resaved)?;
    let resaved_check = qes_confirm::check_final(&pades, &resaved, &trusted);
    println!(
        "11. a copy re-saved by a PDF reader ({}): {} — {}",
        resaved_path.display(),
        verdict_text(&resaved_check.reasons),
        check(!resaved_check.is_accepted())
    );

    // 12. The holder's renewal plan today.
    let facts = RenewalFacts::from_certificate(&holder_cert, Product::Token);
    let renewal = plan(&facts, &[], now, &RenewalPolicy::romanian_qtsp());
    println!(
        "12. renewal plan (token): {}; a renewed certificate would start {}; reminders {}",
        crate::renew_cmd::status_text(&renewal.status),
        renewal.new_validity_start.format("%Y-%m-%d"),
        renewal
            .reminders
            .iter()
            .map(|r| r.due.format("%Y-%m-%d").to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    );

    let root_pem = pki_dir.join(format!("{}.pem", pki.root().label()));
    println!(
        "{} try `qes verify {} --trust {}` and `qes confirm check {} --countersigner {} --trust {}`.",
        if ok { "Done:" } else { "Unexpected results above:" },
        final_path.display(),
        root_pem.display(),
        final_path.display(),
        pki_dir
            .join(format!("{}.pem", pki.legal_person().label()))
            .display(),
        root_pem.display(),
    );
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The CA's CRL revoking a twin of the holder's certificate (issued for the purpose), the
/// root's empty CRL, and the twin.
fn revocation(
    pki: &TestPki,
    epoch: DateTime<Utc>,
    now: DateTime<Utc>,
    dir: &Path,
) -> Result<(Vec<Crl>, Certificate), CliError> {
    let twin = pki
        .issue(
            &EndEntity::natural_person("Ion", "Popescu", "1960229410015").label("revoked-holder"),
        )
        .map_err(pki_err)?;
    let ca_crl = pki
        .crl(
            pki.qualified_ca(),
            &[Revoked::new(
                &twin,
                epoch + Duration::days(1),
                CrlReason::KeyCompromise,
            )],
            now - Duration::hours(1),
            now + Duration::days(7),
        )
        .map_err(pki_err)?;
    let root_crl = pki
        .crl(
            pki.root(),
            &[],
            now - Duration::hours(1),
            now + Duration::days(7),
        )
        .map_err(pki_err)?;
    let crl_path = dir.join("pki").join("qualified-ca-current.crl");
    write(&crl_path, &ca_crl)?;
    write(
        &dir.join("pki").join("revoked-holder.pem"),
        twin.cert_pem().as_bytes(),
    )?;
    let mut crls = Vec::new();
    for der in [&ca_crl, &root_crl] {
        crls.push(Crl::from_der(der).map_err(|source| CliError::input(&crl_path, source))?);
    }
    Ok((crls, certificate(&twin)?))
}

/// `pdf` with the last digit of the first occurrence of `digits` (the holder's CNP, in the
/// page text and private data, inside every signed range) changed — or, when absent, the
/// header's version digit — so that every signature's hash fails.
fn one_digit_changed(pdf: &[u8], digits: &str) -> Vec<u8> {
    let mut out = pdf.to_vec();
    let at = out
        .windows(digits.len().max(1))
        .position(|w| w == digits.as_bytes())
        .map_or(7, |i| i + digits.len().saturating_sub(1));
    if let Some(b) = out.get_mut(at) {
        *b = if *b == b'9' { b'8' } else { b'9' };
    }
    out
}

/// What a PDF reader's "Save" appends: a new document information dictionary in an
/// incremental update (classic cross-reference section chained by `/Prev`). Enough to
/// make the countersignature no longer cover the whole file.
fn resave(pdf: &[u8]) -> Result<Vec<u8>, qes_pades::Error> {
    let doc = qes_pades::pdf::Document::open(pdf)?;
    let trailer = doc.trailer();
    let missing = |key: &'static str| qes_pades::Error::Entry {
        dict: "trailer",
        key,
    };
    let info = trailer.get_ref("Info").ok_or_else(|| missing("Info"))?;
    let root = trailer.get_ref("Root").ok_or_else(|| missing("Root"))?;
    let size = trailer.get_int("Size").ok_or_else(|| missing("Size"))?;
    let mut out = pdf.to_vec();
    let offset = out.len();
    out.extend_from_slice(
        format!(
            "{} {} obj\n<</Producer (A PDF reader) /ModDate ({})>>\nendobj\n",
            info.num,
            info.gen,
            qes_pades::pdf::format_date(Utc::now())
        )
        .as_bytes(),
    );
    let xref = out.len();
    out.extend_from_slice(
        format!(
            "xref\n{} 1\n{offset:010} {:05} n\r\ntrailer\n<</Size {size} /Root {root} /Info {info} /Prev {}>>\nstartxref\n{xref}\n%%EOF\n",
            info.num,
            info.gen,
            doc.startxref()
        )
        .as_bytes(),
    );
    Ok(out)
}

fn verdict_text(reasons: &[qes_confirm::Reason]) -> String {
    match reasons.first() {
        None => "ACCEPTAT / ACCEPTED".into(),
        Some(first) => format!(
            "RESPINS / REFUSED: {}{}",
            first.message(Lang::Ro),
            if reasons.len() > 1 {
                format!(" (+{} more)", reasons.len() - 1)
            } else {
                String::new()
            }
        ),
    }
}

fn indication(passed: bool) -> &'static str {
    if passed {
        "TOTAL-PASSED"
    } else {
        "NOT PASSED"
    }
}

fn pki_err(e: impl std::fmt::Display) -> CliError {
    CliError::TestPki(e.to_string())
}

fn signer_of(issued: &Issued) -> Result<SoftwareSigner, CliError> {
    SoftwareSigner::from_pkcs12(&issued.pkcs12(PASSWORD).map_err(pki_err)?, PASSWORD)
        .map_err(pki_err)
}

fn certificate(issued: &Issued) -> Result<Certificate, CliError> {
    Certificate::from_der(issued.cert_der(), ParseMode::Strict)
        .map_err(|source| CliError::input(issued.label(), source))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(CliError::io(path))
}
