//! `qes sign pdf`, `qes timestamp pdf`, and the PDF side of `qes verify`: PAdES B-B / B-T
//! signatures and document timestamps as incremental updates, verified per signature.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use qes_cms::Verifier;
use qes_pades::{DocumentTimestamper, PadesSigner, PadesVerifier, PdfReport, SignatureReport};

use crate::error::CliError;
use crate::files;
use crate::keys::{self, KeyArgs};

/// Arguments of `qes sign pdf`.
#[derive(Debug, clap::Args)]
pub struct SignPdfArgs {
    /// The PDF to sign (never modified; the output starts with its exact bytes).
    #[arg(required_unless_present = "batch")]
    pub file: Option<PathBuf>,
    /// Sign every .pdf in this directory with one batch signature call (one login / one
    /// authorization per `multisign` documents); -o names the output directory. Nothing is
    /// written unless every document is signed.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["file", "field"])]
    pub batch: Option<PathBuf>,
    /// With --batch: draw a progress bar on stderr when it is a terminal (auto), always, or
    /// never.
    #[arg(
        long,
        value_enum,
        value_name = "WHEN",
        default_value = "auto",
        requires = "batch"
    )]
    pub progress: crate::batch_cmd::ProgressMode,
    #[command(flatten)]
    pub key: KeyArgs,
    /// An RFC 3161 timestamp authority URL: adds a signature timestamp (PAdES B-T).
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
    /// The signature field: an existing empty one is signed in place, else one is created.
    #[arg(long, value_name = "NAME")]
    pub field: Option<String>,
    /// /Reason.
    #[arg(long)]
    pub reason: Option<String>,
    /// /Location.
    #[arg(long)]
    pub location: Option<String>,
    /// /ContactInfo.
    #[arg(long)]
    pub contact: Option<String>,
    /// Make it a certification signature (DocMDP): 1 no changes allowed afterwards, 2 form
    /// filling and signing, 3 also annotations. Only on a document not yet signed.
    #[arg(long, value_name = "P", value_parser = clap::value_parser!(u8).range(1..=3))]
    pub certify: Option<u8>,
    #[command(flatten)]
    pub visible: Box<crate::visible_args::VisibleArgs>,
    /// Output file (default: <file> with `-signed.pdf`), or with --batch the output
    /// directory. Written atomically; never the input.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// Arguments of `qes timestamp pdf`.
#[derive(Debug, clap::Args)]
pub struct TimestampPdfArgs {
    /// The PDF to timestamp (never modified).
    pub file: PathBuf,
    /// The RFC 3161 timestamp authority URL.
    #[arg(long, value_name = "URL")]
    pub tsa: String,
    /// Output file (default: <file> with `-timestamped.pdf`). Written atomically.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn default_output(input: &Path, suffix: &str) -> PathBuf {
    let stem = input.file_stem().unwrap_or_default().to_string_lossy();
    input.with_file_name(format!("{stem}-{suffix}.pdf"))
}

/// Run `qes sign pdf`.
pub fn sign(args: &SignPdfArgs) -> Result<ExitCode, CliError> {
    let (signer, step) = keys::load_for_batch(&args.key)?;
    let progress = crate::batch_cmd::Progress::new(args.progress);
    let stepped = crate::batch_cmd::Stepped::new(signer.as_ref(), step, &progress);
    let signer: &dyn qes_signer::Signer = if args.batch.is_some() {
        &stepped
    } else {
        signer.as_ref()
    };
    let tsa = args
        .tsa
        .as_deref()
        .map(crate::tsp_cmd::http_timestamper)
        .transpose()?;
    let mut builder = PadesSigner::new(signer).with_signing_time(chrono::Utc::now());
    if let Some(tsa) = &tsa {
        builder = builder.with_timestamper(tsa);
    }
    if let Some(field) = &args.field {
        builder = builder.with_field_name(field.clone());
    }
    if let Some(reason) = &args.reason {
        builder = builder.with_reason(reason.clone());
    }
    if let Some(location) = &args.location {
        builder = builder.with_location(location.clone());
    }
    if let Some(contact) = &args.contact {
        builder = builder.with_contact_info(contact.clone());
    }
    if let Some(level) = args.certify {
        builder = builder.with_certification(qes_pades::DocMdpLevel(level));
    }
    builder = args.visible.apply(builder, args.field.as_deref())?;
    if let Some(dir) = &args.batch {
        let level = if tsa.is_some() { "B-T" } else { "B-B" };
        return crate::batch_cmd::run(&builder, &progress, dir, args.output.as_deref(), level);
    }
    let file = args
        .file
        .as_deref()
        .ok_or_else(|| CliError::Usage("give the PDF to sign, or --batch DIR".into()))?;
    let (input, input_len) = files::open_random_access(file)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(file, "signed"));
    // The input is read in windows and chunks and the signed file streams into the output:
    // neither is ever held whole in memory.
    files::write_atomic_with(&output, &[file], |out| {
        builder.sign_reader_to(input, out).map_err(|e| {
            crate::visible_args::usage_error(&e).unwrap_or_else(|| CliError::pdf(file)(e))
        })
    })?;
    let written = std::fs::metadata(&output).map_or(0, |m| m.len());
    println!(
        "signed {} → {} (PAdES {}{}{}, incremental update of {} bytes)",
        file.display(),
        output.display(),
        if tsa.is_some() { "B-T" } else { "B-B" },
        args.certify
            .map(|p| format!(", certification DocMDP P={p}"))
            .unwrap_or_default(),
        match args.visible.visible {
            Some((page, _)) => format!(", visible on page {page}"),
            None => String::new(),
        },
        written.saturating_sub(input_len)
    );
    Ok(ExitCode::SUCCESS)
}

/// Run `qes timestamp pdf`.
pub fn timestamp(args: &TimestampPdfArgs) -> Result<ExitCode, CliError> {
    let (input, _) = files::open_random_access(&args.file)?;
    let tsa = crate::tsp_cmd::http_timestamper(&args.tsa)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.file, "timestamped"));
    files::write_atomic_with(&output, &[&args.file], |out| {
        DocumentTimestamper::new(&tsa)
            .timestamp_reader_to(input, out)
            .map_err(CliError::pdf(&args.file))
    })?;
    println!(
        "document timestamp by {} added: {} → {}",
        args.tsa,
        args.file.display(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Whether `bytes` look like a PDF (`%PDF-` within the first 1024 bytes, ISO 32000-2 §7.5.2).
pub fn is_pdf(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(1024 + 5)).unwrap_or_default();
    head.windows(5).any(|w| w == b"%PDF-")
}

/// `qes verify` of a PDF: every signature and document timestamp; exit 0 when all pass.
/// The file is read in windows and chunks, never whole.
pub fn verify(path: &Path, cms: Verifier<'_>, json: bool) -> Result<ExitCode, CliError> {
    let (file, _) = files::open_random_access(path)?;
    let report = PadesVerifier::new(cms)
        .verify_reader(file)
        .map_err(CliError::pdf(path))?;
    crate::verdict::print(&report, json, render, report.all_passed())
}

/// The human-readable report of a PDF.
pub fn render(report: &PdfReport) -> String {
    let mut out = format!("{} signature(s) in the PDF\n", report.signatures.len());
    for (i, s) in report.signatures.iter().enumerate() {
        render_signature(&mut out, i, s);
    }
    out.push_str(crate::verdict::result_line(report.all_passed()));
    out
}

/// The modification class of the revisions after a signature, as one phrase.
fn modifications_text(m: &qes_pades::Modifications) -> String {
    use qes_pades::Modifications as M;
    match m {
        M::None => "none (it covers the whole file)".into(),
        M::SignatureMaintenance => {
            "allowed: signatures, document timestamps, validation data".into()
        }
        M::FormFilling => "allowed: signatures and form filling".into(),
        M::Annotations => "allowed: signatures, form filling and annotations".into(),
        M::NotAllowed { object, reason } => format!("NOT ALLOWED (object {object}: {reason})"),
        other => format!("{other:?}"),
    }
}

fn render_signature(out: &mut String, i: usize, s: &SignatureReport) {
    let sub = s
        .sub_indication
        .map(|x| format!(" / {x}"))
        .unwrap_or_default();
    out.push_str(&format!(
        "[{i}] field {:?} ({:?}): {}{sub}\n",
        s.field, s.kind, s.indication
    ));
    out.push_str(&format!(
        "    intact {}, valid {}, trusted {}, coverage {}, level {}\n",
        s.intact,
        s.valid,
        s.trusted,
        s.coverage.map_or("-".to_owned(), |c| format!("{c:?}")),
        s.level.map_or("-".to_owned(), |l| format!("{l:?}")),
    ));
    if let Some(m) = &s.modifications {
        out.push_str(&format!(
            "    changes after it: {}\n",
            modifications_text(m)
        ));
    }
    match (s.signing_time, &s.claimed_time) {
        (Some(t), _) => out.push_str(&format!("    signing time (/M, claimed) {t}\n")),
        (None, Some(raw)) => out.push_str(&format!("    /M not a PDF date: {raw:?}\n")),
        (None, None) => {}
    }
    if let Some(t) = s.timestamp_time {
        let what = match s.kind {
            qes_pades::SignatureKind::DocumentTimestamp => "document timestamp",
            _ => "signature timestamp",
        };
        out.push_str(&format!("    {what} at {t} (proof of existence)\n"));
    }
    if let Some(problem) = s.byte_range_problem {
        out.push_str(&format!("    ByteRange: {problem}\n"));
    }
    if let Some(problem) = &s.problem {
        out.push_str(&format!("    problem: {problem}\n"));
    }
    if let Some(level) = s.certification {
        out.push_str(&format!("    certification signature, DocMDP {level:?}\n"));
    }
    if let Some(signer) = &s.signer {
        let who = signer
            .signer
            .as_ref()
            .map_or("unknown signer", |id| id.subject.as_str());
        out.push_str(&format!("    signer {who}\n"));
        crate::verify_cms::render_checks(out, "    ", &signer.checks);
    }
    if let Some(token) = &s.timestamp {
        out.push_str(&crate::tsp_cmd::render(token));
    }
}
