//! The cloud signing service on the command line: `--csc <url> --credential <id>` as a
//! signing key for every `qes sign …` (the PIN and OTP from a prompt without echo, a file or
//! an environment variable), and `qes cloud credentials`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use qes_cloud::{
    AuthMode, Authorizer, CloudError, CredentialInfo, CscClient, CscSigner, Secret, SecretKind,
    SecretPrompt, StaticToken,
};

use crate::error::CliError;
use crate::files;

/// Environment variable with the credential's PIN when no `--pin-file` is given.
pub const PIN_ENV: &str = "QES_CSC_PIN";
/// Environment variable with a one-time password when no `--otp-file` is given.
pub const OTP_ENV: &str = "QES_OTP";
/// Environment variable with the HTTP basic password of `--csc-user`.
pub const PASSWORD_ENV: &str = "QES_CSC_PASSWORD";
/// Environment variable with an OAuth2 access token for the service.
pub const TOKEN_ENV: &str = "QES_CSC_TOKEN";

/// How to reach and authenticate to the service.
#[derive(Debug, Clone, clap::Args)]
pub struct ServiceArgs {
    /// A Cloud Signature Consortium API service (its root URL, or a …/csc/v1 or …/csc/v2
    /// base that pins the version).
    #[arg(long, value_name = "URL")]
    pub csc: Option<String>,
    /// HTTP basic user at the service (password from --csc-password-file or
    /// $QES_CSC_PASSWORD).
    #[arg(long, value_name = "USER", requires = "csc")]
    pub csc_user: Option<String>,
    /// A file whose first line is the basic-auth password.
    #[arg(long, value_name = "FILE", requires = "csc_user")]
    pub csc_password_file: Option<PathBuf>,
    /// A file whose first line is an OAuth2 access token for the service (else
    /// $QES_CSC_TOKEN, if set).
    #[arg(
        long,
        value_name = "FILE",
        requires = "csc",
        conflicts_with = "csc_user"
    )]
    pub csc_token_file: Option<PathBuf>,
}

/// A cloud credential as the signing key.
#[derive(Debug, Clone, clap::Args)]
pub struct CscArgs {
    #[command(flatten)]
    pub service: ServiceArgs,
    /// The credential ID at the --csc service (see `qes cloud credentials`).
    #[arg(long, value_name = "ID", requires = "csc")]
    pub credential: Option<String>,
    /// A file whose first line is a one-time password (else $QES_OTP, else a prompt). A code
    /// serves one authorization only.
    #[arg(long, value_name = "FILE", requires = "csc")]
    pub otp_file: Option<PathBuf>,
}

/// Arguments of `qes cloud credentials`.
#[derive(Debug, clap::Args)]
pub struct CredentialsArgs {
    #[command(flatten)]
    pub service: ServiceArgs,
    /// Show only this credential.
    #[arg(long, value_name = "ID")]
    pub credential: Option<String>,
    /// The user whose credentials to list (`userID`), for services that need it.
    #[arg(long, value_name = "ID")]
    pub user_id: Option<String>,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

fn first_line(path: &std::path::Path, what: &str) -> Result<Secret, CliError> {
    let bytes = zeroize::Zeroizing::new(files::read(path)?);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| CliError::Usage(format!("{}: {what} is not UTF-8", path.display())))?;
    let line = text.lines().next().unwrap_or_default().trim();
    if line.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: no {what} on the first line",
            path.display()
        )));
    }
    Ok(Secret::new(line))
}

fn secret_from(file: Option<&PathBuf>, env: &str, what: &str) -> Result<Option<Secret>, CliError> {
    if let Some(path) = file {
        return first_line(path, what).map(Some);
    }
    Ok(std::env::var(env)
        .ok()
        .filter(|v| !v.is_empty())
        .map(|v| Secret::from(zeroize::Zeroizing::new(v))))
}

/// The CLI error of a cloud failure.
pub fn cloud_err(what: impl std::fmt::Display) -> impl Fn(CloudError) -> CliError {
    let what = what.to_string();
    move |source| CliError::Cloud {
        what: what.clone(),
        source: Box::new(source),
    }
}

/// Connect to the service the arguments name.
pub fn client(args: &ServiceArgs) -> Result<CscClient, CliError> {
    let url = args
        .csc
        .as_deref()
        .ok_or_else(|| CliError::Usage("give the service with --csc URL".into()))?;
    let mut builder = CscClient::builder(url);
    if let Some(user) = &args.csc_user {
        let password = secret_from(args.csc_password_file.as_ref(), PASSWORD_ENV, "password")?
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "--csc-user needs --csc-password-file or ${PASSWORD_ENV}"
                ))
            })?;
        builder = builder.with_basic_auth(user.clone(), password);
    } else if let Some(token) = secret_from(args.csc_token_file.as_ref(), TOKEN_ENV, "token")? {
        builder = builder.with_bearer(Arc::new(StaticToken::new(token.expose())));
    }
    builder.connect().map_err(cloud_err(url))
}

/// The PIN and OTP for the CLI: from `--pin-file` / `$QES_CSC_PIN` and `--otp-file` /
/// `$QES_OTP` when given (the OTP once), else a prompt on the terminal without echo.
struct CliAuthorizer {
    pin: Option<Secret>,
    otp: Mutex<Option<Secret>>,
    otp_given: bool,
    interactive: bool,
}

impl CliAuthorizer {
    fn prompt(&self, prompt: &SecretPrompt<'_>) -> Result<Secret, String> {
        if !self.interactive {
            return Err(self.missing(prompt.kind()));
        }
        let text = format!("{}: ", prompt.text());
        rpassword::prompt_password(text)
            .map(|value| Secret::from(zeroize::Zeroizing::new(value)))
            .map_err(|e| format!("reading from the terminal: {e}"))
    }

    fn missing(&self, kind: SecretKind) -> String {
        match kind {
            SecretKind::Pin => format!("no terminal to ask for the PIN; give --pin-file or ${PIN_ENV}"),
            SecretKind::Otp if self.otp_given => {
                "the one-time password given was used by an earlier authorization; no terminal to ask for another".into()
            }
            SecretKind::Otp => format!("no terminal to ask for the one-time password; give --otp-file or ${OTP_ENV}"),
        }
    }
}

impl Authorizer for CliAuthorizer {
    fn secret(&self, prompt: &SecretPrompt<'_>) -> Result<Secret, String> {
        match prompt.kind() {
            SecretKind::Pin => match &self.pin {
                Some(pin) => Ok(pin.clone()),
                None => self.prompt(prompt),
            },
            SecretKind::Otp => {
                let given = self
                    .otp
                    .lock()
                    .map_err(|_| "OTP store poisoned".to_owned())?
                    .take();
                match given {
                    Some(otp) => Ok(otp),
                    None => self.prompt(prompt),
                }
            }
        }
    }
}

/// Whether there is a terminal to prompt on (both ends: the prompt goes to it and the
/// answer comes from it).
fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The signer of `--csc <url> --credential <id>`, the PIN from `pin_file` (`--pin-file`),
/// else $QES_CSC_PIN, else a prompt when the credential needs one.
pub fn signer(args: &CscArgs, pin_file: Option<&PathBuf>) -> Result<CscSigner, CliError> {
    let credential = args.credential.as_deref().ok_or_else(|| {
        CliError::Usage("--csc needs --credential ID (see `qes cloud credentials`)".into())
    })?;
    let pin = secret_from(pin_file, PIN_ENV, "PIN")?;
    let otp = secret_from(args.otp_file.as_ref(), OTP_ENV, "OTP")?;
    let client = Arc::new(client(&args.service)?);
    let info = client
        .credential_info(credential)
        .map_err(cloud_err(credential))?;
    let authorizer = CliAuthorizer {
        otp_given: otp.is_some(),
        pin,
        otp: Mutex::new(otp),
        interactive: interactive(),
    };
    // Fail before any document is touched when a secret cannot be had.
    if !authorizer.interactive {
        for d in info.required_secrets() {
            let have = match d.kind {
                SecretKind::Pin => authorizer.pin.is_some(),
                SecretKind::Otp => authorizer.otp_given,
            };
            if !have {
                return Err(CliError::Usage(format!(
                    "credential {credential}: {}",
                    authorizer.missing(d.kind)
                )));
            }
        }
    }
    CscSigner::from_info(client, info, Box::new(authorizer)).map_err(cloud_err(credential))
}

#[derive(serde::Serialize)]
struct CredentialJson {
    id: String,
    description: Option<String>,
    subject: Option<String>,
    issuer: Option<String>,
    not_after: Option<String>,
    key_status: String,
    key_bits: Option<u32>,
    algorithms: Vec<String>,
    certificate_status: Option<String>,
    chain_length: usize,
    auth_mode: String,
    pin: bool,
    otp: Option<String>,
    scal: u8,
    multisign: u32,
}

fn describe(info: &CredentialInfo) -> CredentialJson {
    let leaf = info.certificates.first();
    CredentialJson {
        id: info.id.clone(),
        description: info.description.clone(),
        subject: leaf.map(|c| c.subject().to_string()),
        issuer: leaf.map(|c| c.issuer().to_string()),
        not_after: leaf.map(|c| c.x509().tbs_certificate.validity.not_after.to_string()),
        key_status: info.key_status.clone(),
        key_bits: info.key_len,
        algorithms: info.key_algorithms.iter().map(algorithm_name).collect(),
        certificate_status: info.certificate_status.clone(),
        chain_length: info.certificates.len(),
        auth_mode: match &info.auth_mode {
            AuthMode::Implicit => "implicit".into(),
            AuthMode::Explicit => "explicit".into(),
            AuthMode::OAuth2Code => "oauth2code".into(),
            AuthMode::Other(m) => m.clone(),
            _ => "other".into(),
        },
        pin: info.pin.is_some(),
        otp: info.otp.as_ref().map(|o| match o.otp_type {
            Some(qes_cloud::OtpType::Online) => "online".into(),
            _ => "offline".into(),
        }),
        scal: match info.scal {
            qes_cloud::Scal::Two => 2,
            _ => 1,
        },
        multisign: info.multisign,
    }
}

fn algorithm_name(oid: &const_oid::ObjectIdentifier) -> String {
    const_oid::db::DB
        .by_oid(oid)
        .map_or_else(|| oid.to_string(), str::to_owned)
}

/// Run `qes cloud credentials`.
pub fn credentials(args: &CredentialsArgs) -> Result<ExitCode, CliError> {
    let client = client(&args.service)?;
    let url = args.service.csc.clone().unwrap_or_default();
    let ids = match &args.credential {
        Some(id) => vec![id.clone()],
        None => client
            .list_credentials(args.user_id.as_deref())
            .map_err(cloud_err(&url))?,
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in &ids {
        let info = client.credential_info(id).map_err(cloud_err(id))?;
        out.push(describe(&info));
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "service": client.info().name,
                "specs": client.info().specs,
                "credentials": out,
            }))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} (CSC API {}): {} credential(s)",
        client.info().name,
        client.info().specs,
        out.len()
    );
    for c in &out {
        println!("{}", c.id);
        if let Some(subject) = &c.subject {
            println!("    subject   {subject}");
        }
        if let Some(issuer) = &c.issuer {
            println!("    issuer    {issuer}");
        }
        if let Some(t) = &c.not_after {
            println!("    valid to  {t}");
        }
        println!(
            "    key       {} {}, {}",
            c.key_status,
            c.key_bits.map(|b| format!("{b} bits")).unwrap_or_default(),
            c.algorithms.join(", ")
        );
        println!(
            "    auth      {}{}{}, SCAL {}, multisign {}",
            c.auth_mode,
            if c.pin { ", PIN" } else { "" },
            c.otp
                .as_deref()
                .map(|o| format!(", OTP ({o})"))
                .unwrap_or_default(),
            c.scal,
            c.multisign
        );
    }
    Ok(ExitCode::SUCCESS)
}
