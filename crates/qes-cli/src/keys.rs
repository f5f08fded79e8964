//! Loading a signing key given on the command line: PKCS#12 (`.p12`/`.pfx`) or PKCS#8
//! (PEM/DER, encrypted or not) with its certificate, and the password for it; or a cloud
//! credential (`--csc`, see `cloud_cmd`).

use std::path::{Path, PathBuf};

use qes_signer::{Signer, SoftwareKey, SoftwareSigner};

use crate::error::CliError;
use crate::files;

/// Environment variable holding the key password when no `--password-file` is given.
pub const PASSWORD_ENV: &str = "QES_KEY_PASSWORD";

/// Where the signing key comes from.
#[derive(Debug, clap::Args)]
pub struct KeyArgs {
    /// The signing key: a PKCS#12 file (.p12/.pfx, with its certificate and chain) or a
    /// PKCS#8 private key (PEM or DER, optionally encrypted; then give --cert).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present_any = ["pkcs11", "csc"],
        conflicts_with_all = ["pkcs11", "csc"]
    )]
    pub key: Option<PathBuf>,
    /// The signer's certificate, for a PKCS#8 key.
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// Issuing CA certificates to include (repeatable), for a PKCS#8 key.
    #[arg(long = "chain", value_name = "FILE")]
    pub chain: Vec<PathBuf>,
    /// A file whose first line is the key's password (else $QES_KEY_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// With --pkcs11 or --csc: a file whose first line is the token PIN (else $QES_PIN) or
    /// the credential's PIN (else $QES_CSC_PIN); else a prompt.
    #[arg(long, value_name = "FILE", conflicts_with = "key")]
    pub pin_file: Option<PathBuf>,
    /// Or a key on a PKCS#11 token.
    #[command(flatten)]
    pub token: Box<crate::token_cmd::Pkcs11Args>,
    /// Or a credential at a cloud signing service.
    #[command(flatten)]
    pub csc: Box<crate::cloud_cmd::CscArgs>,
}

fn password(args: &KeyArgs) -> Result<Option<zeroize::Zeroizing<String>>, CliError> {
    read_password(args.password_file.as_deref())
}

/// The first line of `password_file`, else $QES_KEY_PASSWORD, else none.
fn read_password(
    password_file: Option<&Path>,
) -> Result<Option<zeroize::Zeroizing<String>>, CliError> {
    if let Some(path) = password_file {
        let bytes = zeroize::Zeroizing::new(files::read(path)?);
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| CliError::Usage(format!("{}: password is not UTF-8", path.display())))?;
        let first = text.lines().next().unwrap_or_default();
        return Ok(Some(zeroize::Zeroizing::new(first.to_owned())));
    }
    Ok(std::env::var(PASSWORD_ENV)
        .ok()
        .map(zeroize::Zeroizing::new))
}

/// PKCS#12 by extension (`.p12`, `.pfx`), or a DER file that parses as one.
pub fn is_pkcs12(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(ext.as_deref(), Some("p12" | "pfx"))
}

/// Load the signer the arguments describe: a token key (`--pkcs11`), a cloud credential
/// (`--csc`) or a key file (`--key`).
pub fn load(args: &KeyArgs) -> Result<Box<dyn Signer>, CliError> {
    load_for_batch(args).map(|(signer, _)| signer)
}

/// Documents per `Signer::sign_batch` call a software key or a token session signs between
/// two progress updates.
const SIGNATURES_PER_STEP: usize = 16;

/// [`load`], plus how many documents a batch should hand the signer per call so that
/// splitting it costs nothing: a cloud credential's `multisign` (one authorization each, as
/// for the whole batch at once), a token pool's sessions times [`SIGNATURES_PER_STEP`] (the
/// same login, every session busy), else [`SIGNATURES_PER_STEP`].
pub fn load_for_batch(args: &KeyArgs) -> Result<(Box<dyn Signer>, usize), CliError> {
    if let Some(signer) = crate::token_cmd::load_signer(&args.token, args.pin_file.as_deref())? {
        let step = signer.pool().size().saturating_mul(SIGNATURES_PER_STEP);
        return Ok((Box::new(signer), step));
    }
    if args.csc.service.csc.is_some() {
        let signer = crate::cloud_cmd::signer(&args.csc, args.pin_file.as_ref())?;
        let step = signer.batch_limit();
        return Ok((Box::new(signer), step));
    }
    let key = args.key.as_deref().ok_or_else(|| {
        CliError::Usage(
            "give --key FILE, --pkcs11 MODULE --token LABEL, or --csc URL --credential ID".into(),
        )
    })?;
    if args.pin_file.is_some() {
        return Err(CliError::Usage(
            "--pin-file is for --pkcs11 or --csc; a key file takes --password-file".into(),
        ));
    }
    Ok((Box::new(load_file(args, key)?), SIGNATURES_PER_STEP))
}

/// Load a key file (PKCS#12, or PKCS#8 with --cert).
fn load_file(args: &KeyArgs, key_path: &Path) -> Result<SoftwareSigner, CliError> {
    let bytes = zeroize::Zeroizing::new(files::read(key_path)?);
    let password = password(args)?;
    let key_err = CliError::key(key_path);
    if is_pkcs12(key_path) {
        if args.cert.is_some() || !args.chain.is_empty() {
            return Err(CliError::Usage(
                "--cert and --chain are for PKCS#8 keys; a PKCS#12 file brings its own".into(),
            ));
        }
        return pkcs12_signer(key_path, &bytes, password.as_deref().map(String::as_str));
    }
    let key = pkcs8_key(key_path, &bytes, password.as_deref().map(String::as_str))?;
    let cert_path = args
        .cert
        .as_ref()
        .ok_or_else(|| CliError::Usage("a PKCS#8 key needs --cert".into()))?;
    let cert = files::certificates(cert_path, qes_cert::ParseMode::Lenient)?
        .into_iter()
        .next();
    let cert = cert.ok_or_else(|| CliError::Usage("no certificate".into()))?;
    let chain = files::all_certificates(&args.chain, qes_cert::ParseMode::Lenient)?;
    Ok(key
        .with_certificate(cert)
        .map_err(&key_err)?
        .with_chain(chain))
}

/// A PKCS#8 private key (PEM or DER, encrypted or not) without a certificate, e.g. the key a
/// certificate request is for.
pub fn load_key(path: &Path, password_file: Option<&Path>) -> Result<SoftwareKey, CliError> {
    let bytes = zeroize::Zeroizing::new(files::read(path)?);
    let password = read_password(password_file)?;
    pkcs8_key(path, &bytes, password.as_deref().map(String::as_str))
}

fn pkcs8_key(path: &Path, bytes: &[u8], password: Option<&str>) -> Result<SoftwareKey, CliError> {
    let key_err = CliError::key(path);
    match (bytes.starts_with(b"-----"), password) {
        (true, pw) => {
            let pem = std::str::from_utf8(bytes)
                .map_err(|_| CliError::Usage(format!("{}: PEM is not UTF-8", path.display())))?;
            if pem.contains("ENCRYPTED PRIVATE KEY") {
                let pw = pw.ok_or_else(|| {
                    CliError::Usage(format!(
                        "{} is encrypted: give --password-file or ${PASSWORD_ENV}",
                        path.display()
                    ))
                })?;
                SoftwareKey::from_encrypted_pkcs8_pem(pem, pw)
            } else {
                SoftwareKey::from_pkcs8_pem(pem)
            }
        }
        (false, Some(pw)) => SoftwareKey::from_encrypted_pkcs8_der(bytes, pw)
            .or_else(|_| SoftwareKey::from_pkcs8_der(bytes)),
        (false, None) => SoftwareKey::from_pkcs8_der(bytes),
    }
    .map_err(&key_err)
}

/// A PKCS#12 file's signer, with the password from `password_file` or $QES_KEY_PASSWORD.
pub fn load_pkcs12(path: &Path, password_file: Option<&Path>) -> Result<SoftwareSigner, CliError> {
    let bytes = zeroize::Zeroizing::new(files::read(path)?);
    let password = read_password(password_file)?;
    pkcs12_signer(path, &bytes, password.as_deref().map(String::as_str))
}

fn pkcs12_signer(
    path: &Path,
    bytes: &[u8],
    password: Option<&str>,
) -> Result<SoftwareSigner, CliError> {
    let password = password.ok_or_else(|| {
        CliError::Usage(format!(
            "{} is PKCS#12: give --password-file or ${PASSWORD_ENV}",
            path.display()
        ))
    })?;
    SoftwareSigner::from_pkcs12(bytes, password).map_err(CliError::key(path))
}
