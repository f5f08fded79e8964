//! `qes confirm`: the confirmation document workflow of `qes-confirm` — prefill it for a
//! holder certificate, check the holder-signed upload, countersign it, and check the final
//! document as the receiving authority. Verdicts exit 0 (accepted) or 1 (refused, one line
//! per reason in `--lang ro|en`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use qes_cert::{Certificate, ParseMode};
use qes_cms::Verifier;
use qes_confirm::{Lang, Reason};
use qes_pades::PadesVerifier;

use crate::error::CliError;
use crate::files;
use crate::keys::{self, KeyArgs};

/// `qes confirm …`.
#[derive(Debug, clap::Subcommand)]
pub enum ConfirmCommand {
    /// Prefill the confirmation document for a holder certificate: writes
    /// DIR/firstname_lastname.pdf with the holder data and two empty signature fields.
    Prefill(PrefillArgs),
    /// Check a holder-signed upload: the prefilled bytes plus only the holder's signature,
    /// valid, by exactly the holder certificate, qualified and valid when signed.
    CheckHolder(CheckHolderArgs),
    /// Check the upload as check-holder does, then countersign it (PAdES B-T in the
    /// countersignature field): writes DIR/confirmare.pdf.
    Countersign(CountersignArgs),
    /// The receiving authority's check of a countersigned document.
    Check(CheckArgs),
}

/// Arguments of `qes confirm prefill`.
#[derive(Debug, clap::Args)]
pub struct PrefillArgs {
    /// The holder's qualified certificate (PEM or DER).
    pub cert: PathBuf,
    /// The directory to write firstname_lastname.pdf into (created if missing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// The generation date the document shows (RFC 3339); default now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
}

/// What a check of an upload needs.
#[derive(Debug, clap::Args)]
pub struct UploadArgs {
    /// The holder-signed upload.
    pub uploaded: PathBuf,
    /// The prefilled document as it was handed to the holder.
    #[arg(long, value_name = "FILE")]
    pub prefilled: PathBuf,
    /// The holder certificate the document was prefilled for.
    #[arg(long, value_name = "FILE")]
    pub holder_cert: PathBuf,
    #[command(flatten)]
    pub trust: TrustArgs,
}

/// Trust and time for a check.
#[derive(Debug, clap::Args)]
pub struct TrustArgs {
    /// Trust anchors (repeatable; at least one).
    #[arg(long = "trust", value_name = "FILE", required = true)]
    pub trust: Vec<PathBuf>,
    /// Extra intermediate CA certificates (repeatable).
    #[arg(long = "intermediate", value_name = "FILE")]
    pub intermediates: Vec<PathBuf>,
    /// Validation time (RFC 3339); default now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// The language of the reasons.
    #[arg(long, value_name = "ro|en", default_value = "ro")]
    pub lang: Lang,
}

/// Arguments of `qes confirm check-holder`.
#[derive(Debug, clap::Args)]
pub struct CheckHolderArgs {
    #[command(flatten)]
    pub upload: UploadArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `qes confirm countersign`.
#[derive(Debug, clap::Args)]
pub struct CountersignArgs {
    #[command(flatten)]
    pub upload: UploadArgs,
    /// The provider's signing key.
    #[command(flatten)]
    pub key: KeyArgs,
    /// The RFC 3161 timestamp authority URL (the countersignature is PAdES B-T).
    #[arg(long, value_name = "URL")]
    pub tsa: String,
    /// The directory to write confirmare.pdf into (created if missing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

/// Arguments of `qes confirm check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The countersigned confirmation document.
    pub document: PathBuf,
    /// Certificates of the providers whose countersignature is accepted (repeatable).
    #[arg(long = "countersigner", value_name = "FILE", required = true)]
    pub countersigners: Vec<PathBuf>,
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Run `qes confirm …`.
pub fn run(command: &ConfirmCommand) -> Result<ExitCode, CliError> {
    match command {
        ConfirmCommand::Prefill(args) => prefill(args),
        ConfirmCommand::CheckHolder(args) => check_holder(args),
        ConfirmCommand::Countersign(args) => countersign(args),
        ConfirmCommand::Check(args) => check(args),
    }
}

fn one_certificate(path: &Path) -> Result<Certificate, CliError> {
    files::certificates(path, ParseMode::Lenient)?
        .into_iter()
        .next()
        .ok_or_else(|| CliError::Usage(format!("{}: no certificate", path.display())))
}

fn prefill(args: &PrefillArgs) -> Result<ExitCode, CliError> {
    let cert = one_certificate(&args.cert)?;
    let at = files::time_arg(args.at.as_deref())?;
    let prefilled = qes_confirm::prefill(&cert, at).map_err(CliError::confirm(&args.cert))?;
    std::fs::create_dir_all(&args.output).map_err(CliError::io(&args.output))?;
    let path = args.output.join(&prefilled.file_name);
    files::write_atomic(&path, &prefilled.pdf, &[&args.cert])?;
    println!(
        "prefilled {} for certificate {} ({} bytes; sign the field \"{}\")",
        path.display(),
        prefilled.holder.serial,
        prefilled.pdf.len(),
        qes_confirm::HOLDER_FIELD
    );
    Ok(ExitCode::SUCCESS)
}

/// Anchors and intermediates read once; the verifier borrows them.
struct Trust {
    anchors: Vec<Certificate>,
    intermediates: Vec<Certificate>,
    at: chrono::DateTime<chrono::Utc>,
}

impl Trust {
    fn load(args: &TrustArgs) -> Result<Self, CliError> {
        Ok(Self {
            anchors: files::all_certificates(&args.trust, ParseMode::Lenient)?,
            intermediates: files::all_certificates(&args.intermediates, ParseMode::Lenient)?,
            at: files::time_arg(args.at.as_deref())?,
        })
    }

    fn verifier(&self) -> PadesVerifier<'_> {
        PadesVerifier::new(
            Verifier::new(&self.anchors, self.at).with_intermediates(self.intermediates.clone()),
        )
    }
}

fn render(reasons: &[Reason], lang: Lang, accepted_line: &str, refused_line: &str) -> String {
    if reasons.is_empty() {
        return format!("{accepted_line}\n");
    }
    let mut out = format!("{refused_line}\n");
    for r in reasons {
        out.push_str(&format!("  - {}\n", r.message(lang)));
    }
    out
}

fn lines(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::Ro => [
            "ACCEPTAT: documentul semnat de titular este cel precompletat, semnat valid cu certificatul său",
            "RESPINS: documentul semnat de titular nu poate fi acceptat:",
            "ACCEPTAT: documentul de confirmare este semnat de titular, contrasemnat de furnizor și nemodificat",
            "RESPINS: documentul de confirmare nu poate fi acceptat:",
        ],
        Lang::En => [
            "ACCEPTED: the upload is the prefilled document, validly signed with the holder's certificate",
            "REFUSED: the upload cannot be accepted:",
            "ACCEPTED: the confirmation document is signed by the holder, countersigned by the provider and unmodified",
            "REFUSED: the confirmation document cannot be accepted:",
        ],
    }
}

/// Read the inputs of a holder check and run it.
fn holder_check(args: &UploadArgs) -> Result<(qes_confirm::HolderCheck, Vec<u8>), CliError> {
    let prefilled = files::read(&args.prefilled)?;
    let uploaded = files::read(&args.uploaded)?;
    let cert = one_certificate(&args.holder_cert)?;
    let trust = Trust::load(&args.trust)?;
    let check = qes_confirm::check_holder_signed(&trust.verifier(), &prefilled, &uploaded, &cert);
    Ok((check, uploaded))
}

fn check_holder(args: &CheckHolderArgs) -> Result<ExitCode, CliError> {
    let (check, _) = holder_check(&args.upload)?;
    let [yes, no, ..] = lines(args.upload.trust.lang);
    crate::verdict::print(
        &check,
        args.json,
        |c| render(&c.reasons, args.upload.trust.lang, yes, no),
        check.is_accepted(),
    )
}

fn countersign(args: &CountersignArgs) -> Result<ExitCode, CliError> {
    let (check, uploaded) = holder_check(&args.upload)?;
    let lang = args.upload.trust.lang;
    if !check.is_accepted() {
        let [_, no, ..] = lines(lang);
        print!("{}", render(&check.reasons, lang, "", no));
        return Ok(ExitCode::from(1));
    }
    let signer = keys::load(&args.key)?;
    let tsa = crate::tsp_cmd::http_timestamper(&args.tsa)?;
    let done =
        qes_confirm::countersign(&uploaded, &check, signer.as_ref(), &tsa, chrono::Utc::now())
            .map_err(CliError::confirm(&args.upload.uploaded))?;
    std::fs::create_dir_all(&args.output).map_err(CliError::io(&args.output))?;
    let path = args.output.join(&done.file_name);
    files::write_atomic(&path, &done.pdf, &[&args.upload.uploaded])?;
    println!(
        "countersigned {} → {} (PAdES B-T in field \"{}\")",
        args.upload.uploaded.display(),
        path.display(),
        qes_confirm::COUNTERSIGNATURE_FIELD
    );
    Ok(ExitCode::SUCCESS)
}

fn check(args: &CheckArgs) -> Result<ExitCode, CliError> {
    let document = files::read(&args.document)?;
    let countersigners = files::all_certificates(&args.countersigners, ParseMode::Lenient)?;
    let trust = Trust::load(&args.trust)?;
    let check = qes_confirm::check_final(&trust.verifier(), &document, &countersigners);
    let [_, _, yes, no] = lines(args.trust.lang);
    crate::verdict::print(
        &check,
        args.json,
        |c| render(&c.reasons, args.trust.lang, yes, no),
        check.is_accepted(),
    )
}
