//! `qes cert inspect`: profile summary, identity, CNP, lint findings, validity and days left.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use qes_cert::{
    identity, lint, Certificate, HolderIdentity, LintReport, PersonKind, Purpose, QscdDeclaration,
    Qualification, QualifiedSummary, Severity,
};
use serde::Serialize;

use crate::error::CliError;
use crate::files;

/// Arguments of `qes cert inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Certificate file: DER, PEM, a PEM bundle or a PKCS#7 `.p7b`.
    pub file: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Accept real-world non-DER encodings (explicit cA=FALSE, empty EKU) and report them as
    /// findings instead of refusing the certificate.
    #[arg(long)]
    pub lenient: bool,
    /// Judge validity at this RFC 3339 time instead of now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
}

/// Everything `inspect` says about one certificate (also the JSON shape).
#[derive(Debug, Serialize)]
pub struct Inspection {
    /// Subject DN (RFC 4514).
    pub subject: String,
    /// Issuer DN (RFC 4514).
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// Validity and how much of it is left at the inspection time.
    pub validity: ValidityStatus,
    /// Qualified profile answers with evidence.
    pub summary: QualifiedSummary,
    /// Holder identity (CNP decoded inside).
    pub identity: HolderIdentity,
    /// Lint findings.
    pub lint: LintReport,
}

/// Validity window judged at one time.
#[derive(Debug, Serialize)]
pub struct ValidityStatus {
    /// notBefore.
    pub not_before: DateTime<Utc>,
    /// notAfter.
    pub not_after: DateTime<Utc>,
    /// The time it was judged at.
    pub at: DateTime<Utc>,
    /// `valid`, `expired` or `not_yet_valid`.
    pub state: &'static str,
    /// Whole days until notAfter (negative once expired).
    pub days_left: i64,
}

impl ValidityStatus {
    /// Judge `cert`'s validity window at `at`.
    pub fn of(cert: &Certificate, at: DateTime<Utc>) -> Self {
        let (not_before, not_after) = (cert.not_before(), cert.not_after());
        let state = if at < not_before {
            "not_yet_valid"
        } else if at > not_after {
            "expired"
        } else {
            "valid"
        };
        Self {
            not_before,
            not_after,
            at,
            state,
            days_left: (not_after - at).num_days(),
        }
    }
}

/// Inspect one parsed certificate at `at`.
pub fn inspect(cert: &Certificate, at: DateTime<Utc>) -> Result<Inspection, qes_cert::Error> {
    Ok(Inspection {
        subject: qes_cert::format_dn(cert.subject()),
        issuer: qes_cert::format_dn(cert.issuer()),
        serial: cert.serial_hex(),
        validity: ValidityStatus::of(cert, at),
        summary: QualifiedSummary::of(cert)?,
        identity: identity(cert)?,
        lint: lint(cert),
    })
}

/// Run `qes cert inspect`.
pub fn run(args: &InspectArgs) -> Result<ExitCode, CliError> {
    let at = files::time_arg(args.at.as_deref())?;
    let mode = files::parse_mode(args.lenient);
    let certs = files::certificates(&args.file, mode)?;
    let inspections = certs
        .iter()
        .map(|c| inspect(c, at))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| CliError::input(args.file.clone(), source))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&inspections)?);
    } else {
        let total = inspections.len();
        for (i, ins) in inspections.iter().enumerate() {
            println!(
                "{}: certificate {} of {}",
                args.file.display(),
                i + 1,
                total
            );
            print!("{}", render(ins));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The human-readable report of one inspection.
pub fn render(ins: &Inspection) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut line = |k: &str, v: &str| {
        let _ = writeln!(out, "  {k:<12} {v}");
    };
    line("subject", &ins.subject);
    line("issuer", &ins.issuer);
    line("serial", &ins.serial);
    let v = &ins.validity;
    line(
        "validity",
        &format!(
            "{} .. {} ({}, {} days left at {})",
            v.not_before.format("%Y-%m-%d %H:%M:%SZ"),
            v.not_after.format("%Y-%m-%d %H:%M:%SZ"),
            v.state.replace('_', " "),
            v.days_left,
            v.at.format("%Y-%m-%d %H:%M:%SZ"),
        ),
    );
    let qualified = match &ins.summary.qualified.value {
        Qualification::EuQualified => "yes (EU, eIDAS)".to_owned(),
        Qualification::NonEuQualified { countries } => {
            format!("yes, under the law of {}", countries.join(", "))
        }
        Qualification::PolicyOnly { policies } => format!(
            "no: qualified policy {} but no QcCompliance statement",
            policies
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => "no".to_owned(),
    };
    line("qualified", &qualified);
    let purpose = match ins.summary.purpose.value {
        Some(Purpose::ESignature) => "electronic signature",
        Some(Purpose::ESeal) => "electronic seal",
        Some(Purpose::Website) => "website authentication",
        None => "not declared",
    };
    line("purpose", purpose);
    line(
        "key on QSCD",
        match ins.summary.qscd.value {
            QscdDeclaration::Declared => "yes (QcSSCD)",
            QscdDeclaration::PolicyOnly => "not declared (only a QSCD policy, no QcSSCD)",
            _ => "no",
        },
    );
    for c in &ins.summary.conflicts {
        line("conflict", &format!("{c:?}"));
    }
    let person = match ins.summary.person.value {
        Some(PersonKind::Natural) => "natural person",
        Some(PersonKind::Legal) => "legal person",
        None => "not stated",
    };
    line("holder", person);
    if let Some(name) = ins.identity.display_name() {
        line("name", &name);
    }
    if let Some(org) = &ins.identity.organization {
        line("organization", org);
    }
    if let Some(sn) = ins
        .identity
        .serial_number
        .as_ref()
        .or(ins.identity.organization_identifier.as_ref())
    {
        line("identifier", sn);
    }
    if let Some(cnp) = ins.identity.cnp() {
        line(
            "CNP",
            &format!(
                "{cnp}: {:?}, born {}, county {} ({:02})",
                cnp.sex(),
                cnp.birth_date()
                    .map_or_else(|| "?".to_owned(), |d| d.to_string()),
                cnp.county(),
                cnp.county_code()
            ),
        );
    }
    if let Some(cui) = ins.identity.cui() {
        line("CUI", &format!("{} (checksum valid)", cui.as_str()));
    }
    for email in &ins.identity.emails {
        line("email", email);
    }
    let policies: Vec<String> = ins
        .summary
        .policies
        .iter()
        .map(ToString::to_string)
        .collect();
    if !policies.is_empty() {
        line("policies", &policies.join(", "));
    }
    let count = |s: Severity| ins.lint.findings.iter().filter(|f| f.severity == s).count();
    line(
        "lint",
        &format!(
            "{} fatal, {} error, {} warning, {} notice",
            count(Severity::Fatal),
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Notice)
        ),
    );
    for f in &ins.lint.findings {
        let _ = writeln!(out, "    {:?} {}: {}", f.severity, f.code, f.message);
    }
    out
}
