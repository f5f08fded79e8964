//! `qes cert verify`: RFC 5280 §6 path validation of a leaf certificate.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use qes_cert::{
    Certificate, Crl, ObjectIdentifier, PathSummary, PathValidator, RevocationPolicy,
    ValidationOptions,
};
use serde::Serialize;

use crate::error::CliError;
use crate::files;

/// Arguments of `qes cert verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The certificate to validate (its first certificate if the file holds several).
    pub leaf: PathBuf,
    /// Intermediate CA certificates for path building (any order; repeatable).
    #[arg(long = "intermediate", value_name = "FILE")]
    pub intermediates: Vec<PathBuf>,
    /// Trust anchors (repeatable; at least one).
    #[arg(long = "trust", value_name = "FILE", required = true)]
    pub trust: Vec<PathBuf>,
    /// CRLs (DER or PEM; repeatable). With at least one CRL, revocation status is required
    /// for every certificate on the path.
    #[arg(long = "crl", value_name = "FILE")]
    pub crls: Vec<PathBuf>,
    /// Validation time (RFC 3339); default now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Acceptable certificate policy OID (the initial policy set; repeatable; default anyPolicy).
    #[arg(long = "policy", value_name = "OID")]
    pub policies: Vec<String>,
    /// Require a valid policy on the whole path (initial-explicit-policy).
    #[arg(long)]
    pub explicit_policy: bool,
    /// Accept real-world non-DER encodings in the certificates.
    #[arg(long)]
    pub lenient: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The verdict (also the JSON shape).
#[derive(Debug, Serialize)]
pub struct Verdict {
    /// Whether a valid path was found.
    pub valid: bool,
    /// Stable error code when invalid (`PathError::code`).
    pub error: Option<&'static str>,
    /// Human-readable reason when invalid.
    pub message: Option<String>,
    /// Validation time.
    pub at: DateTime<Utc>,
    /// The validated path (leaf first, then the trust anchor) and its valid policy set.
    pub path: Option<PathSummary>,
}

/// Validate `leaf` with the given inputs; the verdict, never an `Err`, for a bad path.
pub fn verify(
    leaf: &Certificate,
    intermediates: &[Certificate],
    anchors: &[Certificate],
    crls: Vec<Crl>,
    at: DateTime<Utc>,
    policies: Vec<ObjectIdentifier>,
    explicit_policy: bool,
) -> Verdict {
    let revocation = if crls.is_empty() {
        RevocationPolicy::Skip
    } else {
        RevocationPolicy::Require
    };
    let mut opts = ValidationOptions::new(at)
        .with_explicit_policy(if explicit_policy {
            qes_cert::ExplicitPolicy::Required
        } else {
            qes_cert::ExplicitPolicy::NotRequired
        })
        .with_crls(crls)
        .with_revocation(revocation);
    if !policies.is_empty() {
        opts = opts.with_initial_policies(policies);
    }
    match PathValidator::new(anchors)
        .with_intermediates(intermediates)
        .validate(leaf, &opts)
    {
        Ok(path) => Verdict {
            valid: true,
            error: None,
            message: None,
            at,
            path: Some(path.summary()),
        },
        Err(err) => Verdict {
            valid: false,
            error: Some(err.code()),
            message: Some(err.to_string()),
            at,
            path: None,
        },
    }
}

/// Run `qes cert verify`.
pub fn run(args: &VerifyArgs) -> Result<ExitCode, CliError> {
    let at = files::time_arg(args.at.as_deref())?;
    let mode = files::parse_mode(args.lenient);
    let leaf = files::certificates(&args.leaf, mode)?.into_iter().next();
    let leaf = leaf.ok_or_else(|| CliError::Usage("no leaf certificate".into()))?;
    let intermediates = files::all_certificates(&args.intermediates, mode)?;
    let anchors = files::all_certificates(&args.trust, mode)?;
    let mut crls = Vec::new();
    for p in &args.crls {
        let bytes = files::read(p)?;
        crls.push(
            Crl::from_der_or_pem(&bytes).map_err(|source| CliError::input(p.clone(), source))?,
        );
    }
    let policies = args
        .policies
        .iter()
        .map(|s| {
            s.parse::<ObjectIdentifier>()
                .map_err(|e| CliError::Usage(format!("--policy {s:?} is not an OID: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let verdict = verify(
        &leaf,
        &intermediates,
        &anchors,
        crls,
        at,
        policies,
        args.explicit_policy,
    );
    if args.json {
        println!("{}", serde_json::to_string_pretty(&verdict)?);
    } else {
        print!("{}", render(&verdict));
    }
    Ok(if verdict.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The human-readable verdict.
pub fn render(v: &Verdict) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let at = v.at.format("%Y-%m-%d %H:%M:%SZ");
    if let Some(path) = v.path.as_ref().filter(|_| v.valid) {
        let len = path.certificates.len() + 1;
        let _ = writeln!(
            out,
            "VALID at {at}: path of {len} certificate(s), leaf first"
        );
        let entries = path
            .certificates
            .iter()
            .chain(core::iter::once(&path.trust_anchor));
        for (i, e) in entries.enumerate() {
            let status = if i + 1 == len {
                "trust anchor".to_owned()
            } else {
                e.revocation.to_string()
            };
            let _ = writeln!(out, "  [{i}] {} (serial {}, {status})", e.subject, e.serial);
        }
        if !path.policies.is_empty() {
            let _ = writeln!(out, "  valid policies: {}", path.policies.join(", "));
        }
    } else {
        let _ = writeln!(
            out,
            "INVALID at {at}: {} ({})",
            v.message.as_deref().unwrap_or("no valid path"),
            v.error.unwrap_or("invalid")
        );
    }
    out
}
