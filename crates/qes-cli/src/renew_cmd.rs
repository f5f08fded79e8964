//! `qes renew plan`, `qes renew csr` and `qes renew install`: the renewal plan of a
//! certificate, a PKCS#10 request for its renewal (same subject, new or existing key), and
//! installing the renewed certificate on a PKCS#11 token (import next to its key, then delete
//! the old certificate).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use qes_renewal::{
    plan, Action, CsrBuilder, Event, Product, Reason, RenewalFacts, RenewalPlan, RenewalPolicy,
    RenewalStatus, Term,
};
use qes_signer::{Curve, KeyKind, KeySigner, SoftwareKey};
use x509_cert::ext::pkix::{KeyUsage, KeyUsages};

use crate::error::CliError;
use crate::token_cmd::TokenTarget;
use crate::{files, keys, token_cmd};

/// Token or cloud, as `--product` takes it.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ProductArg {
    /// A hardware token.
    Token,
    /// A cloud signing account.
    Cloud,
}

/// Arguments of `qes renew plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The current certificate (PEM or DER).
    pub cert: PathBuf,
    /// Where the certificate is held.
    #[arg(long, value_enum, default_value = "token")]
    pub product: ProductArg,
    /// Plan as of this RFC 3339 time instead of now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// A renewal was ordered at this RFC 3339 time (with --term).
    #[arg(long, value_name = "RFC3339", requires = "term")]
    pub ordered: Option<String>,
    /// The term ordered, in years.
    #[arg(long, value_name = "YEARS")]
    pub term: Option<u8>,
    /// The CSR was submitted at this RFC 3339 time.
    #[arg(long, value_name = "RFC3339")]
    pub csr_submitted: Option<String>,
    /// The new certificate was received at this RFC 3339 time.
    #[arg(long, value_name = "RFC3339")]
    pub received: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn time(value: &str, flag: &str) -> Result<DateTime<Utc>, CliError> {
    files::time_arg(Some(value))
        .map_err(|_| CliError::Usage(format!("{flag} {value:?} is not an RFC 3339 time")))
}

/// Run `qes renew plan`.
pub fn plan_cmd(args: &PlanArgs) -> Result<ExitCode, CliError> {
    let cert = files::certificates(&args.cert, qes_cert::ParseMode::Lenient)?
        .into_iter()
        .next()
        .ok_or_else(|| CliError::Usage(format!("{}: no certificate", args.cert.display())))?;
    let at = files::time_arg(args.at.as_deref())?;
    let product = match args.product {
        ProductArg::Token => Product::Token,
        ProductArg::Cloud => Product::Cloud,
    };
    let mut events = Vec::new();
    if let (Some(ordered), Some(years)) = (&args.ordered, args.term) {
        events.push(Event::RenewalOrdered {
            at: time(ordered, "--ordered")?,
            term: Term::years(years),
        });
    }
    if let Some(t) = &args.csr_submitted {
        events.push(Event::CsrSubmitted {
            at: time(t, "--csr-submitted")?,
        });
    }
    if let Some(t) = &args.received {
        events.push(Event::NewCertificateReceived {
            at: time(t, "--received")?,
        });
    }
    let facts = RenewalFacts::from_certificate(&cert, product);
    let result = plan(&facts, &events, at, &RenewalPolicy::romanian_qtsp());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        print_plan(&facts, &result);
    }
    Ok(ExitCode::SUCCESS)
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn print_plan(facts: &RenewalFacts, p: &RenewalPlan) {
    println!("certificate expires   {}", day(facts.not_after));
    let status = status_text(&p.status);
    println!("status                {status}");
    println!("new validity starts   {}", day(p.new_validity_start));
    for r in &p.reminders {
        println!(
            "reminder {:?} due     {} ({:?})",
            r.kind,
            day(r.due),
            r.state
        );
    }
    if p.banner {
        println!("cloud banner          showing");
    }
    for reason in &p.reasons {
        println!("reason                {}", reason_text(reason));
    }
    for action in &p.actions {
        println!("next                  {}", action_text(action));
    }
}

/// Where renewal stands, as one line.
pub fn status_text(status: &RenewalStatus) -> String {
    match *status {
        RenewalStatus::NotYetValid { valid_from } => {
            format!(
                "not yet valid (from {}): renewal not possible yet",
                day(valid_from)
            )
        }
        RenewalStatus::Open { deadline } => {
            format!("renewal open: order and CSR by {}", day(deadline))
        }
        RenewalStatus::Placed { new_validity, .. } => format!(
            "renewal placed: new certificate {} to {} ({} y)",
            day(new_validity.start),
            day(new_validity.end),
            new_validity.term.in_years()
        ),
        RenewalStatus::Closed { deadline } => format!(
            "renewal closed on {}: only a new certificate can be bought",
            day(deadline)
        ),
        RenewalStatus::Expired { expired_at } => format!(
            "expired on {}: only a new certificate can be bought",
            day(expired_at)
        ),
    }
}

fn reason_text(reason: &Reason) -> String {
    match reason {
        Reason::NotYetValid => "the certificate is not valid yet".into(),
        Reason::Expired => "the certificate has expired".into(),
        Reason::DeadlinePassed => "the order/CSR deadline has passed".into(),
        Reason::OrderTooLate { at } => format!("the order of {} came too late", day(*at)),
        Reason::CsrTooLate { at } => format!("the CSR of {} came too late", day(*at)),
        Reason::BeforeValidity { at } => {
            format!("{} is before the certificate was valid", day(*at))
        }
        Reason::CsrMissing => "the order is in, the CSR is missing".into(),
        Reason::OrderMissing => "the CSR is in, the order is missing".into(),
        Reason::UnknownTerm { years } => format!("no {years}-year term is on sale"),
        Reason::BannerShowing => "the cloud renewal banner is showing".into(),
    }
}

fn action_text(action: &Action) -> String {
    match action {
        Action::PlaceOrder { by } => format!("order the renewal by {}", day(*by)),
        Action::SubmitCsr { by } => format!("submit the CSR by {} (qes renew csr)", day(*by)),
        Action::SendReminder { kind } => format!("send the {kind:?} reminder"),
        Action::BuyNewCertificate => "buy a new certificate".into(),
        Action::InstallReplacingOld { old_serial } => format!(
            "install the new certificate on the token, then delete the old one{} (qes renew install)",
            old_serial
                .as_ref()
                .map(|s| format!(" (serial {s})"))
                .unwrap_or_default()
        ),
        Action::ReportDataErrors { by } => {
            format!(
                "check the new certificate and report data errors by {}",
                day(*by)
            )
        }
        Action::Reenroll { institutions } => format!(
            "re-enroll the new certificate with {}",
            institutions
                .iter()
                .map(|i| i.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A key kind `--new-key` takes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum NewKeyArg {
    /// ECDSA P-256.
    P256,
    /// ECDSA P-384.
    P384,
    /// RSA 2048.
    Rsa2048,
    /// RSA 3072.
    Rsa3072,
}

/// Arguments of `qes renew csr`.
#[derive(Debug, clap::Args)]
pub struct CsrArgs {
    /// The key to certify: a PKCS#12 file (its certificate's subject is kept) or a PKCS#8
    /// key (PEM/DER, optionally encrypted).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["new_key", "pkcs11"])]
    pub key: Option<PathBuf>,
    /// Or a key pair on a PKCS#11 token (e.g. made by `qes token keygen`): the module; the
    /// request is signed on the token.
    #[arg(
        long,
        value_name = "MODULE",
        conflicts_with = "new_key",
        requires = "key_id"
    )]
    pub pkcs11: Option<PathBuf>,
    /// The token's label (with --pkcs11).
    #[arg(long, value_name = "LABEL", requires = "pkcs11")]
    pub token: Option<String>,
    /// The key pair's CKA_ID in hex (with --pkcs11).
    #[arg(long, value_name = "HEX", requires = "pkcs11")]
    pub key_id: Option<String>,
    /// A file whose first line is the token PIN (else $QES_PIN, else a prompt).
    #[arg(long, value_name = "FILE", requires = "pkcs11")]
    pub pin_file: Option<PathBuf>,
    /// Generate a new software key of this kind instead (written to --key-out).
    #[arg(long, value_enum, requires = "key_out")]
    pub new_key: Option<NewKeyArg>,
    /// Where to write the generated key (PKCS#8 PEM, file mode 0600).
    #[arg(long, value_name = "FILE")]
    pub key_out: Option<PathBuf>,
    /// A file whose first line is the key's password (else $QES_KEY_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// The current certificate: the request keeps its subject, key usage and e-mail.
    #[arg(long, value_name = "FILE")]
    pub current: Option<PathBuf>,
    /// The subject (RFC 4514), when not re-keying a current certificate.
    #[arg(long, value_name = "DN", conflicts_with = "current")]
    pub subject: Option<String>,
    /// The request file to write (PEM).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

/// The key pair `--pkcs11 --token --key-id` names, logged in.
fn token_key(args: &CsrArgs) -> Result<qes_token::TokenKey, CliError> {
    let target = TokenTarget {
        pkcs11: args.pkcs11.clone().unwrap_or_default(),
        token: args.token.clone(),
        token_serial: None,
        pin_file: args.pin_file.clone(),
        allow_final_try: false,
    };
    let id = token_cmd::key_id(args.key_id.as_deref().unwrap_or_default())?;
    let pool = token_cmd::login(&target)?;
    let label = pool.token().label.clone();
    qes_token::TokenKey::new(std::sync::Arc::new(pool), &id).map_err(CliError::token(label))
}

/// Run `qes renew csr`.
pub fn csr_cmd(args: &CsrArgs) -> Result<ExitCode, CliError> {
    let builder = match (&args.current, &args.subject) {
        (Some(path), _) => {
            let cert = files::certificates(path, qes_cert::ParseMode::Lenient)?
                .into_iter()
                .next()
                .ok_or_else(|| CliError::Usage(format!("{}: no certificate", path.display())))?;
            CsrBuilder::rekey(&cert)
        }
        (None, Some(dn)) => CsrBuilder::from_subject_str(dn)
            .map_err(|e| CliError::Usage(format!("--subject: {e}")))?
            .key_usage(KeyUsage(KeyUsages::NonRepudiation.into())),
        (None, None) => {
            return Err(CliError::Usage(
                "give --current (re-key) or --subject (a new subject)".into(),
            ))
        }
    };
    let key: Box<dyn KeySigner> = match (&args.key, args.new_key) {
        _ if args.pkcs11.is_some() => Box::new(token_key(args)?),
        (Some(path), _) if keys::is_pkcs12(path) => {
            Box::new(keys::load_pkcs12(path, args.password_file.as_deref())?)
        }
        (Some(path), _) => Box::new(keys::load_key(path, args.password_file.as_deref())?),
        (None, Some(kind)) => {
            let kind = match kind {
                NewKeyArg::P256 => KeyKind::Ec(Curve::P256),
                NewKeyArg::P384 => KeyKind::Ec(Curve::P384),
                NewKeyArg::Rsa2048 => KeyKind::Rsa { bits: 2048 },
                NewKeyArg::Rsa3072 => KeyKind::Rsa { bits: 3072 },
            };
            let out = args
                .key_out
                .as_ref()
                .ok_or_else(|| CliError::Usage("--new-key needs --key-out".into()))?;
            let (key, pkcs8) = SoftwareKey::generate(kind).map_err(CliError::key(out))?;
            let pem = zeroize::Zeroizing::new(
                pem_rfc7468::encode_string("PRIVATE KEY", pem_rfc7468::LineEnding::LF, &pkcs8)
                    .map_err(|e| CliError::Usage(format!("encoding the key: {e}")))?,
            );
            files::write_private(out, pem.as_bytes())?;
            eprintln!(
                "qes: wrote the new key to {} (unencrypted, mode 0600)",
                out.display()
            );
            Box::new(key)
        }
        (None, None) => {
            return Err(CliError::Usage(
                "give --key, --new-key or --pkcs11 with --key-id".into(),
            ))
        }
    };
    let csr = builder.sign(key.as_ref()).map_err(|e| CliError::Csr {
        path: args.output.clone(),
        source: Box::new(e),
    })?;
    files::write_atomic(&args.output, csr.to_pem().as_bytes(), &[])?;
    println!("wrote {}", args.output.display());
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `qes renew install`.
#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// The renewed certificate (PEM or DER).
    pub cert: PathBuf,
    #[command(flatten)]
    pub target: TokenTarget,
    /// The CKA_ID (hex) of the key the certificate is for; default: the one private key on
    /// the token whose public key is the certificate's.
    #[arg(long, value_name = "HEX")]
    pub key_id: Option<String>,
    /// The new certificate object's CKA_LABEL; default: the old certificate's, else "qes".
    #[arg(long, value_name = "TEXT")]
    pub label: Option<String>,
    /// Issuer certificates to store as well (repeatable), e.g. when a new CA issued it.
    #[arg(long = "chain", value_name = "FILE")]
    pub chain: Vec<PathBuf>,
}

fn describe(cert: &qes_cert::Certificate) -> String {
    format!(
        "{}, serial {}, valid {} to {}",
        cert.subject(),
        cert.serial_hex(),
        cert.not_before().format("%Y-%m-%d"),
        cert.not_after().format("%Y-%m-%d")
    )
}

/// Run `qes renew install`: one line per step on stdout. The old certificates are deleted
/// only after the new one is on the token; any failure before that leaves the token as it
/// was.
pub fn install_cmd(args: &InstallArgs) -> Result<ExitCode, CliError> {
    let cert = files::certificates(&args.cert, qes_cert::ParseMode::Lenient)?
        .into_iter()
        .next()
        .ok_or_else(|| CliError::Usage(format!("{}: no certificate", args.cert.display())))?;
    let chain = files::all_certificates(&args.chain, qes_cert::ParseMode::Lenient)?;
    let wanted = args.key_id.as_deref().map(token_cmd::key_id).transpose()?;
    println!("certificate  {}", describe(&cert));
    let pool = token_cmd::login(&args.target)?;
    let token = pool.token();
    println!(
        "token        logged in to {:?} (serial {})",
        token.label, token.serial
    );
    let err = CliError::token(&token.label);
    let id = pool
        .key_for_certificate(&cert, wanted.as_ref())
        .map_err(&err)?;
    println!("key          the certificate's public key is that of private key CKA_ID {id}");
    let label = match &args.label {
        Some(label) => label.clone(),
        None => pool
            .objects()
            .map_err(&err)?
            .into_iter()
            .find(|o| {
                o.id.as_ref() == Some(&id)
                    && matches!(&o.kind, qes_token::ObjectKind::Certificate(_))
            })
            .map_or_else(|| "qes".to_owned(), |o| o.label),
    };
    match pool.add_certificate(&cert, &id, &label).map_err(&err)? {
        qes_token::Added::AlreadyPresent => println!(
            "import       the certificate is already on the token with CKA_ID {id}; nothing written"
        ),
        _ => println!("import       stored the certificate with CKA_ID {id}, label {label:?}"),
    }
    for ca in &chain {
        pool.import_ca_certificate(ca, "CA").map_err(&err)?;
        println!("chain        issuer {} is on the token", ca.subject());
    }
    let removed = pool.remove_other_certificates(&id, &cert).map_err(&err)?;
    if removed.is_empty() {
        println!("delete       no old certificate with CKA_ID {id}");
    }
    for old in &removed {
        match &old.certificate {
            Some(c) => println!("delete       removed old certificate {}", describe(c)),
            None => println!(
                "delete       removed an unreadable old certificate object, label {:?}",
                old.label
            ),
        }
    }
    println!(
        "done         CKA_ID {id} now has only the certificate serial {}",
        cert.serial_hex()
    );
    Ok(ExitCode::SUCCESS)
}
