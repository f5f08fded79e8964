//! `qes tsp query` and `qes tsp verify`: RFC 3161 time-stamps over a file.

use std::path::PathBuf;
use std::process::ExitCode;

use qes_cms::{Indication, TimestampReport, Verifier};
use qes_signer::DigestAlgorithm;
use qes_tsp::{HttpTransport, MessageImprint, TimestampRequest, TimestampResponse, TspClient};

use crate::error::CliError;
use crate::files;

/// Arguments of `qes tsp query`.
#[derive(Debug, clap::Args)]
pub struct QueryArgs {
    /// The file to time-stamp (read in one streaming pass, never modified).
    pub file: PathBuf,
    /// The TSA's URL (http or https).
    #[arg(long, value_name = "URL")]
    pub tsa: String,
    /// The imprint hash: sha256, sha384 or sha512.
    #[arg(long, value_name = "HASH", default_value = "sha256")]
    pub hash: String,
    /// A TSA policy OID to request (reqPolicy).
    #[arg(long, value_name = "OID")]
    pub policy: Option<String>,
    /// Also write the DER TimeStampReq sent (for `openssl ts -verify -queryfile`).
    #[arg(long, value_name = "FILE")]
    pub request_out: Option<PathBuf>,
    /// Output: the TSA's TimeStampResp as received (default: <file>.tsr). Written atomically.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `qes tsp verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// A TimeStampResp (.tsr) or a bare timestamp token (ContentInfo), DER or BER.
    pub token: PathBuf,
    /// The time-stamped file (its hash must be the token's message imprint).
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Trust anchors for the TSA's certificate (repeatable; at least one).
    #[arg(long = "trust", value_name = "FILE", required = true)]
    pub trust: Vec<PathBuf>,
    /// Extra intermediate CA certificates (repeatable).
    #[arg(long = "intermediate", value_name = "FILE")]
    pub intermediates: Vec<PathBuf>,
    /// Validation time (RFC 3339); default now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The hash named on the command line.
pub fn digest_arg(name: &str) -> Result<DigestAlgorithm, CliError> {
    DigestAlgorithm::ALL
        .into_iter()
        .find(|d| {
            d.name()
                .replace('-', "")
                .eq_ignore_ascii_case(&name.replace('-', ""))
        })
        .ok_or_else(|| CliError::Usage(format!("--hash {name:?}: use sha256, sha384 or sha512")))
}

/// A TSA client over HTTP(S) to `url`, also usable as a CAdES timestamper.
pub fn http_timestamper(url: &str) -> Result<TspClient<HttpTransport>, CliError> {
    let transport = HttpTransport::new(url).map_err(CliError::tsp(format!("TSA {url}")))?;
    Ok(TspClient::new(transport))
}

/// Run `qes tsp query`.
pub fn query(args: &QueryArgs) -> Result<ExitCode, CliError> {
    let algorithm = digest_arg(&args.hash)?;
    let tsp_err = CliError::tsp(format!("TSA {}", args.tsa));
    let imprint = MessageImprint::of_reader(algorithm, files::open(&args.file)?)
        .map_err(CliError::tsp(args.file.display()))?;
    let mut request = TimestampRequest::new(imprint).map_err(&tsp_err)?;
    if let Some(policy) = &args.policy {
        let oid = policy
            .parse()
            .map_err(|e| CliError::Usage(format!("--policy {policy:?}: {e}")))?;
        request = request.with_policy(oid);
    }
    let client = http_timestamper(&args.tsa)?;
    let (response, body) = client.request_with_body(&request).map_err(&tsp_err)?;
    let token = response.token().unwrap_or_default();
    let info = qes_tsp::check_token_answers(&request, token).map_err(&tsp_err)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| files::with_extension_added(&args.file, "tsr"));
    files::write_atomic(&output, &body, &[&args.file])?;
    if let Some(path) = &args.request_out {
        files::write_atomic(path, &request.to_der().map_err(&tsp_err)?, &[&args.file])?;
    }
    println!(
        "time-stamped {} at {} by {} (policy {}, serial {}) → {}",
        args.file.display(),
        info.gen_time,
        args.tsa,
        info.policy,
        info.serial_hex(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Run `qes tsp verify`: exit 0 when the token is TOTAL-PASSED for the file, 1 otherwise.
pub fn verify(args: &VerifyArgs) -> Result<ExitCode, CliError> {
    let at = files::time_arg(args.at.as_deref())?;
    let anchors = files::all_certificates(&args.trust, qes_cert::ParseMode::Lenient)?;
    let intermediates = files::all_certificates(&args.intermediates, qes_cert::ParseMode::Lenient)?;
    let bytes = files::read(&args.token)?;
    // A .tsr is a TimeStampResp; anything else is taken as the token itself.
    let token = match TimestampResponse::from_der(&bytes) {
        Ok(response) => response
            .into_granted()
            .map_err(CliError::tsp(args.token.display()))?,
        Err(_) => bytes,
    };
    let info = qes_cms::token_tst_info(&token).map_err(CliError::cms(&args.token))?;
    let algorithm = DigestAlgorithm::from_oid(&info.message_imprint.hash_algorithm.oid)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "{}: imprint hash {} is not supported",
                args.token.display(),
                info.message_imprint.hash_algorithm.oid
            ))
        })?;
    let digest = MessageImprint::of_reader(algorithm, files::open(&args.data)?)
        .map_err(CliError::tsp(args.data.display()))?;
    let report = Verifier::new(&anchors, at)
        .with_intermediates(intermediates)
        .verify_timestamp_token_digest(&token, algorithm, digest.digest());
    let passed = report.indication == Indication::TotalPassed;
    crate::verdict::print(&report, args.json, render, passed)
}

/// The human-readable report of one token.
pub fn render(report: &TimestampReport) -> String {
    let mut out = String::new();
    let sub = report
        .sub_indication
        .map(|s| format!(" / {s}"))
        .unwrap_or_default();
    let tsa = report
        .tsa
        .as_ref()
        .map_or("unknown TSA".to_owned(), |t| t.subject.clone());
    out.push_str(&format!("timestamp {}{sub}: {tsa}\n", report.indication));
    if let Some(t) = report.gen_time {
        out.push_str(&format!("    genTime {t}\n"));
    }
    if let (Some(policy), Some(serial)) = (&report.policy, &report.serial) {
        out.push_str(&format!("    policy {policy}, serial {serial}\n"));
    }
    crate::verify_cms::render_checks(&mut out, "    ", &report.checks);
    out
}
