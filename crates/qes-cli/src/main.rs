//! `qes` — the command line of the qes SDK.
//!
//! Each subcommand is a thin shell over a library crate: argument parsing, reading files,
//! reading the clock (the only place it is read), and rendering text or JSON. Exit codes:
//! 0 success / valid, 1 a negative verdict (invalid path or signature), 2 usage or I/O error.

mod batch_cmd;
mod cert_inspect;
mod cert_verify;
mod cloud_cmd;
mod confirm_cmd;
mod dcc_cmd;
mod demo;
mod demo_token;
mod error;
mod files;
mod keys;
mod pdf_cmd;
mod renew_cmd;
mod sign_cms;
mod token_cmd;
mod tsp_cmd;
mod verdict;
mod verify_cms;
mod visible_args;

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
    /// Sign a file.
    #[command(subcommand)]
    Sign(SignCommand),
    /// Verify a CAdES .p7s or every signature of a PDF: exit 0 when all are TOTAL-PASSED.
    Verify(verify_cms::VerifyArgs),
    /// Add a document timestamp.
    #[command(subcommand)]
    Timestamp(TimestampCommand),
    /// Cloud signing services (Cloud Signature Consortium API).
    #[command(subcommand)]
    Cloud(CloudCommand),
    /// RFC 3161 time-stamps: ask a TSA for one, verify one.
    #[command(subcommand)]
    Tsp(TspCommand),
    /// Certificate renewal: the plan (deadlines, new validity, reminders), the request, the
    /// installation of the renewed certificate on a token.
    #[command(subcommand)]
    Renew(RenewCommand),
    /// The confirmation document: prefill it for a holder, check the holder's upload,
    /// countersign it, check the final document.
    #[command(subcommand)]
    Confirm(confirm_cmd::ConfirmCommand),
    /// PKCS#11 tokens: list, generate keys, import certificates, change or unblock the PIN.
    #[command(subcommand)]
    Token(token_cmd::TokenCommand),
    /// EU Digital COVID Certificates: verify, decode, issue.
    #[command(subcommand)]
    Dcc(dcc_cmd::DccCommand),
    /// The whole job on a throw-away qualified PKI, no network: the holder's certificate on
    /// a test token, validated; CAdES B-T; the confirmation document prefilled, signed by
    /// the holder, countersigned, checked (and a re-saved copy refused); the renewal plan.
    Demo(demo::DemoArgs),
}

#[derive(Debug, Subcommand)]
enum SignCommand {
    /// A CAdES baseline .p7s (B-B; B-T with --tsa), attached or detached.
    Cms(sign_cms::SignCmsArgs),
    /// A PAdES baseline signature (B-B; B-T with --tsa) as an incremental update.
    Pdf(pdf_cmd::SignPdfArgs),
}

#[derive(Debug, Subcommand)]
enum TimestampCommand {
    /// A PDF document timestamp (/DocTimeStamp, ETSI.RFC3161) as an incremental update.
    Pdf(pdf_cmd::TimestampPdfArgs),
}

#[derive(Debug, Subcommand)]
enum TspCommand {
    /// Ask a TSA to time-stamp a file; write its TimeStampResp.
    Query(tsp_cmd::QueryArgs),
    /// Verify a time-stamp token (or .tsr) over a file: exit 0 when TOTAL-PASSED.
    Verify(tsp_cmd::VerifyArgs),
}

#[derive(Debug, Subcommand)]
enum RenewCommand {
    /// The renewal plan of a certificate: status, deadline, new validity, reminders, next steps.
    Plan(renew_cmd::PlanArgs),
    /// A PKCS#10 request for the renewal, signed by the key it certifies.
    Csr(renew_cmd::CsrArgs),
    /// Install a renewed certificate on a PKCS#11 token: check it certifies a key on the
    /// token, store it next to that key, then delete the key's old certificate(s).
    Install(renew_cmd::InstallArgs),
}

#[derive(Debug, Subcommand)]
enum CloudCommand {
    /// List the credentials at a service: certificate, key, authorization mode, SCAL,
    /// multisign.
    Credentials(cloud_cmd::CredentialsArgs),
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
        Command::Sign(SignCommand::Cms(args)) => sign_cms::run(&args),
        Command::Sign(SignCommand::Pdf(args)) => pdf_cmd::sign(&args),
        Command::Timestamp(TimestampCommand::Pdf(args)) => pdf_cmd::timestamp(&args),
        Command::Verify(args) => verify_cms::run(&args),
        Command::Tsp(TspCommand::Query(args)) => tsp_cmd::query(&args),
        Command::Tsp(TspCommand::Verify(args)) => tsp_cmd::verify(&args),
        Command::Renew(RenewCommand::Plan(args)) => renew_cmd::plan_cmd(&args),
        Command::Renew(RenewCommand::Csr(args)) => renew_cmd::csr_cmd(&args),
        Command::Confirm(command) => confirm_cmd::run(&command),
        Command::Renew(RenewCommand::Install(args)) => renew_cmd::install_cmd(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Dcc(command) => dcc_cmd::run(&command),
        Command::Token(command) => token_cmd::run(&command),
        Command::Cloud(CloudCommand::Credentials(args)) => cloud_cmd::credentials(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("qes: error: {}", err.chain());
            ExitCode::from(CliError::EXIT_CODE)
        }
    }
}

#[cfg(test)]
mod tests {
    /// clap's own consistency checks over every subcommand (unique argument names,
    /// valid `requires` / `conflicts_with` targets, …), which otherwise fire only when a
    /// subcommand is first parsed.
    #[test]
    fn every_subcommand_is_well_formed() {
        use clap::CommandFactory as _;
        super::Cli::command().debug_assert();
    }
}
