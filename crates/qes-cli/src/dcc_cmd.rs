//! `qes dcc verify`, `qes dcc decode`, `qes dcc issue`: EU Digital COVID Certificates.
//!
//! The input is an `HC1:` string, `-` (standard input), or a file holding the string or a PNG
//! of the QR code. The decoded payload is printed, never written anywhere.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use qes_dcc::portal::IssuanceRequest;
use qes_dcc::{
    qr, CertificateBuilder, DccError, Decoded, HealthCertificate, Limits, Outcome, Report,
    TrustList, Verifier,
};
use serde_json::{json, Value};

use crate::error::CliError;
use crate::files;
use crate::keys;

/// The `qes dcc` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DccCommand {
    /// Verify a certificate against DSC trust files: exit 0 accepted, 1 refused.
    Verify(VerifyArgs),
    /// Decode a certificate without checking its signature: exit 0 decoded, 1 not.
    Decode(DecodeArgs),
    /// Issue a certificate from a JSON request, signed with --key; write the QR code.
    Issue(IssueArgs),
}

/// Arguments of `qes dcc verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// `HC1:...`, `-` for standard input, or a file with the text or a PNG of the QR code.
    pub input: String,
    /// Document signer certificates (PEM, DER, bundle, .p7b) or a JSON trust list
    /// (`{kid: [cert]}` or `[{kid, rawData}]`), repeatable.
    #[arg(long = "trust", value_name = "FILE", required = true)]
    pub trust: Vec<PathBuf>,
    /// Validation time (RFC 3339); default now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Skip the business rules (vaccination wait, test and recovery windows, value sets).
    #[arg(long)]
    pub no_rules: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `qes dcc decode`.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    /// `HC1:...`, `-` for standard input, or a file with the text or a PNG of the QR code.
    pub input: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `qes dcc issue`.
#[derive(Debug, clap::Args)]
pub struct IssueArgs {
    /// The request: `{"certificate": <HCERT payload>, "issuer_country": "RO",
    /// "valid_days": 365, "request": <portal request, optional>}`.
    pub request: PathBuf,
    /// The document signer's key: a key file, a PKCS#11 token or a CSC credential.
    #[command(flatten)]
    pub key: keys::KeyArgs,
    /// Output: `.png` or `.svg` for the QR code, anything else for the `HC1:` text. Written
    /// atomically.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Issuance time (`iat`, RFC 3339); default now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Pixels per QR module in a PNG.
    #[arg(long, default_value_t = 4)]
    pub scale: u32,
}

fn dcc_error(what: &str) -> impl Fn(DccError) -> CliError + '_ {
    move |e| CliError::Usage(format!("{what}: {e}"))
}

/// The `HC1:` text the argument stands for.
fn input_text(input: &str) -> Result<String, CliError> {
    let bytes = if input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(u64::try_from(qr::MAX_PNG_LEN).unwrap_or(u64::MAX))
            .read_to_end(&mut buf)
            .map_err(CliError::io(Path::new("<stdin>")))?;
        buf
    } else if input.starts_with(qes_dcc::PREFIX) {
        return Ok(input.to_owned());
    } else {
        files::read(Path::new(input))?
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return qr::read_png(&bytes).map_err(dcc_error(input));
    }
    String::from_utf8(bytes)
        .map(|s| s.trim().to_owned())
        .map_err(|_| CliError::Usage(format!("{input}: neither UTF-8 text nor a PNG")))
}

fn trust_list(paths: &[PathBuf]) -> Result<TrustList, CliError> {
    let mut trust = TrustList::new();
    for path in paths {
        let bytes = files::read(path)?;
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
        let what = path.display().to_string();
        if matches!(first, Some(b'{' | b'[')) {
            trust.add_json(&bytes).map_err(dcc_error(&what))?;
        } else {
            trust
                .add_certificate_bytes(&bytes)
                .map_err(dcc_error(&what))?;
        }
    }
    Ok(trust)
}

fn time(t: Option<i64>) -> Value {
    t.and_then(|t| chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0))
        .map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}

fn decoded_json(d: &Decoded) -> Value {
    json!({
        "alg": d.cose.alg(),
        "kid": d.cose.kid().map(base64),
        "iss": d.claims.iss,
        "iat": time(d.claims.iat),
        "exp": time(d.claims.exp),
        "type": d.certificate.as_ref().map(|c| c.entry.kind().name()),
        "payload": d.claims.payload(),
    })
}

fn base64(b: &[u8]) -> String {
    <base64ct::Base64 as base64ct::Encoding>::encode_string(b)
}

fn holder_lines(d: &Decoded) -> String {
    let mut s = String::new();
    let p = d.claims.payload();
    let name = |k: &str| {
        p.pointer(&format!("/nam/{k}"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    s.push_str(&format!(
        "holder:      {} {} ({} {})\n",
        name("gn"),
        name("fn"),
        name("gnt"),
        name("fnt")
    ));
    s.push_str(&format!(
        "born:        {}\n",
        p.get("dob").and_then(Value::as_str).unwrap_or("")
    ));
    if let Some(c) = &d.certificate {
        s.push_str(&format!("type:        {}\n", c.entry.kind().name()));
        s.push_str(&format!("identifier:  {}\n", c.entry.id()));
    }
    s.push_str(&format!(
        "issuer:      {}  issued {}  expires {}\n",
        d.claims.iss.as_deref().unwrap_or("?"),
        time(d.claims.iat).as_str().unwrap_or("?"),
        time(d.claims.exp).as_str().unwrap_or("?")
    ));
    s
}

fn report_json(r: &Report) -> Value {
    let steps: Vec<Value> = r
        .steps()
        .iter()
        .map(|(step, o)| {
            let (status, error) = match o {
                Outcome::Passed => ("passed", None),
                Outcome::Failed(e) => ("failed", Some(e.to_string())),
                _ => ("not_run", None),
            };
            json!({ "step": step.name(), "status": status, "error": error })
        })
        .collect();
    json!({
        "accepted": r.accepted(),
        "steps": steps,
        "signer": r.signer().map(|c| qes_cert::format_dn(c.subject())),
        "certificate": r.decoded().map(decoded_json),
    })
}

fn report_text(r: &Report) -> String {
    let mut s = String::new();
    for (step, o) in r.steps() {
        let line = match o {
            Outcome::Passed => "passed".to_owned(),
            Outcome::Failed(e) => format!("FAILED: {e}"),
            _ => "not run".to_owned(),
        };
        s.push_str(&format!("{:<13}{line}\n", step.name()));
    }
    if let Some(d) = r.decoded() {
        s.push_str(&holder_lines(d));
    }
    s.push_str(if r.accepted() {
        "RESULT: accepted\n"
    } else {
        "RESULT: refused\n"
    });
    s
}

/// Run `qes dcc ...`.
pub fn run(command: &DccCommand) -> Result<ExitCode, CliError> {
    match command {
        DccCommand::Verify(args) => verify(args),
        DccCommand::Decode(args) => decode(args),
        DccCommand::Issue(args) => issue(args),
    }
}

fn verify(args: &VerifyArgs) -> Result<ExitCode, CliError> {
    let trust = trust_list(&args.trust)?;
    let at = files::time_arg(args.at.as_deref())?;
    let text = input_text(&args.input)?;
    let mut verifier = Verifier::new(&trust, at);
    if args.no_rules {
        verifier = verifier.with_rules(None);
    }
    let report = verifier.verify(&text);
    let accepted = report.accepted();
    crate::verdict::print(
        &report_json(&report),
        args.json,
        |_| report_text(&report),
        accepted,
    )
}

fn decode(args: &DecodeArgs) -> Result<ExitCode, CliError> {
    let text = input_text(&args.input)?;
    match qes_dcc::decode(&text, &Limits::default()) {
        Ok(d) => {
            if args.json {
                println!("{}", serde_json::to_string_pretty(&decoded_json(&d))?);
            } else {
                print!("{}", holder_lines(&d));
                println!("payload:     {}", d.claims.payload());
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if args.json {
                println!("{}", json!({ "error": e.to_string() }));
            } else {
                println!("not decodable: {e}");
            }
            Ok(ExitCode::from(1))
        }
    }
}

fn issue(args: &IssueArgs) -> Result<ExitCode, CliError> {
    let what = args.request.display().to_string();
    let bytes = files::read(&args.request)?;
    let input: Value = serde_json::from_slice(&bytes)
        .map_err(|e| CliError::Usage(format!("{what}: not JSON: {e}")))?;
    let payload = input
        .get("certificate")
        .ok_or_else(|| CliError::Usage(format!("{what}: no \"certificate\"")))?;
    let cert = HealthCertificate::from_json(payload).map_err(dcc_error(&what))?;
    qes_dcc::uvci::Uvci::parse(cert.entry.id()).map_err(dcc_error(&what))?;
    let iat = files::time_arg(args.at.as_deref())?;
    if let Some(request) = input.get("request") {
        let request =
            IssuanceRequest::from_json(request.to_string().as_bytes()).map_err(dcc_error(&what))?;
        request
            .validate(iat.date_naive(), qes_dcc::ValueSets::bundled())
            .map_err(dcc_error(&what))?;
        request.check_against(&cert).map_err(dcc_error(&what))?;
    }
    let country = input
        .get("issuer_country")
        .and_then(Value::as_str)
        .unwrap_or("RO");
    let days = input
        .get("valid_days")
        .and_then(Value::as_i64)
        .unwrap_or(365);
    if !(1..=3650).contains(&days) {
        return Err(CliError::Usage(format!(
            "{what}: valid_days must be 1 to 3650"
        )));
    }
    let signer = keys::load(&args.key)?;
    let issued = CertificateBuilder::new(cert, country, iat, iat + chrono::Duration::days(days))
        .sign(signer.as_ref())
        .map_err(dcc_error("signing"))?;
    let ext = args
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let out = match ext.as_deref() {
        Some("png") => qr::to_png(issued.text(), args.scale).map_err(dcc_error("QR"))?,
        Some("svg") => qr::to_svg(issued.text())
            .map_err(dcc_error("QR"))?
            .into_bytes(),
        _ => format!("{}\n", issued.text()).into_bytes(),
    };
    files::write_atomic(&args.output, &out, &[&args.request])?;
    println!("{}", issued.text());
    eprintln!("wrote {}", args.output.display());
    Ok(ExitCode::SUCCESS)
}
