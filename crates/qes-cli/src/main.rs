//! `qes` — the command line of the qes SDK.
//!
//! Each subcommand is a thin shell over a library crate: argument parsing, reading files,
//! reading the clock (the only place it is read), and rendering text or JSON. Exit codes:
//! 0 success / valid, 1 a negative verdict (invalid path), 2 usage or I/O error.

mod cert_inspect;
mod cert_verify;
mod demo;
mod error;
mod files;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::CliError;

/// Qualified electronic signatures: certificates, signatures and workflows.
#[derive(Debug, Parser)]
#[command(name = "qes", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Work with certificates: inspect a qualified profile, validate a certification path.
    #[command(subcommand)]
    Cert(CertCommand),
    /// Build a throw-away qualified PKI, then inspect and validate its holder certificate.
    Demo(demo::DemoArgs),
}

#[derive(Debug, Subcommand)]
enum CertCommand {
    /// Show a certificate's qualified profile, holder identity, lint findings and validity.
    Inspect(cert_inspect::InspectArgs),
    /// Validate a certification path (RFC 5280 §6) to the given trust anchors.
    Verify(cert_verify::VerifyArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Cert(CertCommand::Inspect(args)) => cert_inspect::run(&args),
        Command::Cert(CertCommand::Verify(args)) => cert_verify::run(&args),
        Command::Demo(args) => demo::run(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("qes: error: {}", err.chain());
            ExitCode::from(CliError::EXIT_CODE)
        }
    }
}
