//! `qes sign cms`: a CAdES B-B (or, with `--tsa`, B-T) `.p7s` over a file.

use std::path::PathBuf;
use std::process::ExitCode;

use qes_cms::{CadesBuilder, CommitmentType, CommitmentTypeIndication};
use qes_signer::Signer as _;

use crate::error::CliError;
use crate::files;
use crate::keys::{self, KeyArgs};

/// Arguments of `qes sign cms`.
#[derive(Debug, clap::Args)]
pub struct SignCmsArgs {
    /// The file to sign (never modified).
    pub file: PathBuf,
    #[command(flatten)]
    pub key: KeyArgs,
    /// Write a detached signature (the content stays in its own file; it is hashed in one
    /// streaming pass). Default: attached (the .p7s contains the content).
    #[arg(long)]
    pub detached: bool,
    /// An RFC 3161 timestamp authority URL: adds a signature timestamp (CAdES B-T).
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
    /// The signature algorithm (e.g. RSA-PKCS1-SHA256, RSA-PSS-SHA256, ECDSA-SHA384);
    /// default: the key's preferred one.
    #[arg(long, value_name = "NAME")]
    pub algorithm: Option<String>,
    /// A commitment type: origin, receipt, delivery, sender, approval or creation.
    #[arg(long, value_name = "TYPE")]
    pub commitment: Option<String>,
    /// Output file (default: <file>.p7s). Written atomically; never the input.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn commitment(name: &str) -> Result<CommitmentType, CliError> {
    Ok(match name {
        "origin" => CommitmentType::ProofOfOrigin,
        "receipt" => CommitmentType::ProofOfReceipt,
        "delivery" => CommitmentType::ProofOfDelivery,
        "sender" => CommitmentType::ProofOfSender,
        "approval" => CommitmentType::ProofOfApproval,
        "creation" => CommitmentType::ProofOfCreation,
        other => {
            return Err(CliError::Usage(format!(
            "--commitment {other:?}: use origin, receipt, delivery, sender, approval or creation"
        )))
        }
    })
}

/// Run `qes sign cms`.
pub fn run(args: &SignCmsArgs) -> Result<ExitCode, CliError> {
    let signer = keys::load(&args.key)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| files::with_extension_added(&args.file, "p7s"));
    let mut builder = CadesBuilder::new(&signer).signing_time(chrono::Utc::now());
    if let Some(name) = &args.algorithm {
        let alg = signer
            .algorithms()
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let offered: Vec<&str> = signer.algorithms().iter().map(|a| a.name()).collect();
                CliError::Usage(format!(
                    "--algorithm {name:?}: this key offers {}",
                    offered.join(", ")
                ))
            })?;
        builder = builder.algorithm(alg);
    }
    if let Some(name) = &args.commitment {
        builder = builder.commitment(CommitmentTypeIndication::new(commitment(name)?));
    }
    let tsa = match &args.tsa {
        Some(url) => Some(crate::tsp_cmd::http_timestamper(url)?),
        None => None,
    };
    if let Some(tsa) = &tsa {
        builder = builder.timestamper(tsa);
    }
    let p7s = if args.detached {
        builder.sign_detached_reader(files::open(&args.file)?)
    } else {
        builder.sign_attached(&files::read(&args.file)?)
    }
    .map_err(CliError::cms(&args.file))?;
    files::write_atomic(&output, &p7s, &[&args.file])?;
    println!(
        "signed {} → {} ({}, {}{})",
        args.file.display(),
        output.display(),
        if args.detached {
            "detached"
        } else {
            "attached"
        },
        builder.digest_algorithm(),
        if tsa.is_some() {
            ", CAdES B-T"
        } else {
            ", CAdES B-B"
        }
    );
    Ok(ExitCode::SUCCESS)
}
