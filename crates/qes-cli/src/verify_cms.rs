//! `qes verify`: verify a `.p7s` (CAdES / CMS) and report per signer with ETSI EN 319 102-1
//! indications.

use std::path::PathBuf;
use std::process::ExitCode;

use qes_cert::{Crl, RevocationPolicy};
use qes_cms::{CadesLevel, Check, Content, Outcome, SignerReport, VerificationReport, Verifier};

use crate::error::CliError;
use crate::files;

/// Arguments of `qes verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The signature file: a .p7s (DER or BER) or a signed PDF.
    pub file: PathBuf,
    /// The signed content, for a detached signature (read in one streaming pass).
    #[arg(long, value_name = "FILE")]
    pub content: Option<PathBuf>,
    /// Trust anchors (repeatable; at least one).
    #[arg(long = "trust", value_name = "FILE", required = true)]
    pub trust: Vec<PathBuf>,
    /// Extra intermediate CA certificates (repeatable).
    #[arg(long = "intermediate", value_name = "FILE")]
    pub intermediates: Vec<PathBuf>,
    /// CRLs (DER or PEM; repeatable). With at least one, revocation status is required.
    #[arg(long = "crl", value_name = "FILE")]
    pub crls: Vec<PathBuf>,
    /// Validation time (RFC 3339); default now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// For a .p7s: the lowest acceptable CAdES level, CMS (default), B-B or B-T. A signature
    /// below it fails (FORMAT_FAILURE).
    #[arg(long, value_name = "LEVEL", default_value = "CMS")]
    pub require_level: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn level_arg(name: &str) -> Result<CadesLevel, CliError> {
    match name.to_ascii_uppercase().as_str() {
        "CMS" => Ok(CadesLevel::Cms),
        "B-B" | "BB" => Ok(CadesLevel::BaselineB),
        "B-T" | "BT" => Ok(CadesLevel::BaselineT),
        other => Err(CliError::Usage(format!(
            "--require-level {other:?}: use CMS, B-B or B-T"
        ))),
    }
}

/// Run `qes verify`: exit 0 when every signer is TOTAL-PASSED, 1 otherwise.
pub fn run(args: &VerifyArgs) -> Result<ExitCode, CliError> {
    let at = files::time_arg(args.at.as_deref())?;
    let anchors = files::all_certificates(&args.trust, qes_cert::ParseMode::Lenient)?;
    let intermediates = files::all_certificates(&args.intermediates, qes_cert::ParseMode::Lenient)?;
    let mut crls = Vec::new();
    for p in &args.crls {
        let bytes = files::read(p)?;
        crls.push(
            Crl::from_der_or_pem(&bytes).map_err(|source| CliError::input(p.clone(), source))?,
        );
    }
    let revocation = if crls.is_empty() {
        RevocationPolicy::IfAvailable
    } else {
        RevocationPolicy::Require
    };
    let minimum_level = level_arg(&args.require_level)?;
    let verifier = Verifier::new(&anchors, at)
        .with_intermediates(intermediates)
        .with_crls(crls)
        .with_revocation(revocation);
    if crate::pdf_cmd::is_pdf(&files::head(&args.file, 1024 + 5)?) {
        if args.content.is_some() {
            return Err(CliError::Usage(
                "--content is for detached .p7s files; a PDF signs itself".into(),
            ));
        }
        if minimum_level != CadesLevel::Cms {
            return Err(CliError::Usage(
                "--require-level is for .p7s files; a PDF reports its PAdES level".into(),
            ));
        }
        return crate::pdf_cmd::verify(&args.file, verifier, args.json);
    }
    let signature = files::read(&args.file)?;
    let verifier = verifier.with_minimum_level(minimum_level);
    let cms_err = CliError::cms(&args.file);
    let report = match &args.content {
        None => verifier
            .verify(&signature, Content::Attached)
            .map_err(&cms_err)?,
        Some(path) => {
            let mut reader = files::open(path)?;
            verifier
                .verify(&signature, Content::DetachedReader(&mut reader))
                .map_err(&cms_err)?
        }
    };
    crate::verdict::print(&report, args.json, render, report.all_passed())
}

/// The human-readable report.
pub fn render(report: &VerificationReport) -> String {
    let mut out = String::new();
    let kind = if report.detached {
        "detached"
    } else {
        "attached"
    };
    out.push_str(&format!(
        "{} signer(s), {kind} content\n",
        report.signers.len()
    ));
    for (i, s) in report.signers.iter().enumerate() {
        render_signer(&mut out, s, &format!("[{i}]"), 0);
    }
    out.push_str(crate::verdict::result_line(report.all_passed()));
    out
}

/// The failed and unchecked steps of a report, one line each (passed steps are silent).
pub fn render_checks(out: &mut String, pad: &str, checks: &[Check]) {
    for check in checks {
        match &check.outcome {
            Outcome::Passed => {}
            Outcome::PassedWithNote(note) => {
                out.push_str(&format!("{pad}note {:?}: {note}\n", check.step))
            }
            Outcome::Failed(why) => out.push_str(&format!("{pad}FAILED {:?}: {why}\n", check.step)),
            Outcome::NotChecked(why) => {
                out.push_str(&format!("{pad}not checked {:?}: {why}\n", check.step))
            }
        }
    }
}

fn render_signer(out: &mut String, s: &SignerReport, label: &str, depth: usize) {
    let pad = "  ".repeat(depth);
    let sub = s
        .sub_indication
        .map(|x| format!(" / {x}"))
        .unwrap_or_default();
    let who = s
        .signer
        .as_ref()
        .map_or("unknown signer".to_owned(), |id| id.subject.clone());
    out.push_str(&format!("{pad}{label} {}{sub}: {who}\n", s.indication));
    out.push_str(&format!(
        "{pad}    level {:?}, {}\n",
        s.level, s.signature_algorithm
    ));
    if let Some(t) = s.signing_time {
        out.push_str(&format!("{pad}    claimed signing time {t}\n"));
    }
    if let Some(t) = s.timestamp_time {
        out.push_str(&format!(
            "{pad}    timestamped at {t} (proof of existence)\n"
        ));
    }
    out.push_str(&format!(
        "{pad}    certificate path validated at {}\n",
        s.validation_time
    ));
    render_checks(out, &format!("{pad}    "), &s.checks);
    for t in &s.timestamps {
        let sub = t
            .sub_indication
            .map(|x| format!(" / {x}"))
            .unwrap_or_default();
        let tsa = t
            .tsa
            .as_ref()
            .map_or("unknown TSA", |id| id.subject.as_str());
        let at = t
            .gen_time
            .map(|g| g.to_string())
            .unwrap_or_else(|| "?".into());
        out.push_str(&format!(
            "{pad}    signature timestamp {}{sub}: {tsa}, genTime {at}\n",
            t.indication
        ));
        render_checks(out, &format!("{pad}        "), &t.checks);
    }
    for (i, c) in s.countersignatures.iter().enumerate() {
        render_signer(out, c, &format!("countersignature [{i}]"), depth + 1);
    }
}
