//! PKCS#11 tokens on the command line: `--pkcs11 <module> --token <label> [--key-id HEX]` for
//! every `qes sign …`, and `qes token list | keygen | import-cert | change-pin | unblock`.
//!
//! PINs come from a file (`--pin-file`, first line), an environment variable (`QES_PIN`,
//! `QES_NEW_PIN`, `QES_PUK`) or a no-echo prompt on the terminal; when standard input is not a
//! terminal and no other source is given the command fails with a usage error instead of
//! waiting. PINs are zeroized and never printed.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use qes_token::{
    FinalTry, KeyId, KeySpec, LoginOptions, Module, ObjectKind, OldKey, Pin, SessionPool, Token,
    TokenSelector, TokenSigner,
};

use crate::error::CliError;
use crate::files;

/// Environment variable with the user PIN.
pub const PIN_ENV: &str = "QES_PIN";
/// Environment variable with the new user PIN (change-pin, unblock).
pub const NEW_PIN_ENV: &str = "QES_NEW_PIN";
/// Environment variable with the PUK / SO PIN (unblock).
pub const PUK_ENV: &str = "QES_PUK";

/// A token key as the signing key of `qes sign …`.
#[derive(Debug, clap::Args)]
pub struct Pkcs11Args {
    /// Sign with a key on a PKCS#11 token: the module (shared library) to load, e.g.
    /// /usr/lib/libeTPkcs11.so or /usr/lib/softhsm/libsofthsm2.so.
    #[arg(long, value_name = "MODULE", conflicts_with_all = ["key", "cert", "chain", "password_file"])]
    pub pkcs11: Option<PathBuf>,
    /// The token's label (with --pkcs11).
    #[arg(
        long,
        value_name = "LABEL",
        requires = "pkcs11",
        conflicts_with = "token_serial"
    )]
    pub token: Option<String>,
    /// The token's serial number, instead of --token.
    #[arg(long, value_name = "SERIAL", requires = "pkcs11")]
    pub token_serial: Option<String>,
    /// The key's CKA_ID in hex (default: the only key with a certificate).
    #[arg(long, value_name = "HEX", requires = "pkcs11")]
    pub key_id: Option<String>,
    /// Send the PIN even when the token says the next wrong PIN locks it.
    #[arg(long, requires = "pkcs11")]
    pub allow_final_try: bool,
    /// Sessions to open for parallel signing (default 1).
    #[arg(long, value_name = "N", requires = "pkcs11", default_value_t = 1)]
    pub sessions: usize,
}

/// The token a `qes token` subcommand works on.
#[derive(Debug, clap::Args)]
pub struct TokenTarget {
    /// The PKCS#11 module (shared library) to load.
    #[arg(long, value_name = "MODULE")]
    pub pkcs11: PathBuf,
    /// The token's label.
    #[arg(long, value_name = "LABEL", conflicts_with = "token_serial")]
    pub token: Option<String>,
    /// The token's serial number, instead of --token.
    #[arg(long, value_name = "SERIAL")]
    pub token_serial: Option<String>,
    /// A file whose first line is the token PIN (else $QES_PIN, else a prompt).
    #[arg(long, value_name = "FILE")]
    pub pin_file: Option<PathBuf>,
    /// Send the PIN (or PUK) even when the token says the next wrong one locks it.
    #[arg(long)]
    pub allow_final_try: bool,
}

/// `qes token …`.
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// List the module's tokens (label, serial, PIN state) with their certificates and keys.
    List(ListArgs),
    /// Generate a key pair on the token (for a renewal CSR); writes the public key (PEM).
    Keygen(KeygenArgs),
    /// Store a certificate next to its key; with --replace, delete the old certificate once
    /// the new one is in.
    ImportCert(ImportCertArgs),
    /// Change the user PIN.
    ChangePin(ChangePinArgs),
    /// Unblock a locked PIN with the PUK (SO PIN) and set a new one.
    Unblock(UnblockArgs),
}

/// Arguments of `qes token list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The PKCS#11 module (shared library) to load.
    #[arg(long, value_name = "MODULE")]
    pub pkcs11: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `qes token keygen`.
#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    #[command(flatten)]
    pub target: TokenTarget,
    /// The new key's CKA_ID in hex.
    #[arg(long, value_name = "HEX")]
    pub key_id: String,
    /// rsa2048, rsa3072, p256 or p384.
    #[arg(long = "type", value_name = "TYPE", default_value = "rsa3072")]
    pub key_type: String,
    /// The objects' CKA_LABEL.
    #[arg(long, value_name = "TEXT", default_value = "qes")]
    pub label: String,
    /// Write the public key (SubjectPublicKeyInfo PEM) here; default: stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `qes token import-cert`.
#[derive(Debug, clap::Args)]
pub struct ImportCertArgs {
    /// The certificate (PEM or DER).
    pub cert: PathBuf,
    #[command(flatten)]
    pub target: TokenTarget,
    /// The CKA_ID of the key the certificate belongs to (hex).
    #[arg(long, value_name = "HEX")]
    pub key_id: String,
    /// Replace: delete the certificates with this CKA_ID once the new one is stored.
    #[arg(long, value_name = "OLD_HEX")]
    pub replace: Option<String>,
    /// With --replace: delete the old key pair too.
    #[arg(long, requires = "replace")]
    pub delete_old_key: bool,
    /// Issuer certificates to store as well (repeatable).
    #[arg(long = "chain", value_name = "FILE")]
    pub chain: Vec<PathBuf>,
    /// The certificate object's CKA_LABEL.
    #[arg(long, value_name = "TEXT", default_value = "qes")]
    pub label: String,
}

/// Arguments of `qes token change-pin`.
#[derive(Debug, clap::Args)]
pub struct ChangePinArgs {
    #[command(flatten)]
    pub target: TokenTarget,
    /// A file whose first line is the new PIN (else $QES_NEW_PIN, else a prompt, twice).
    #[arg(long, value_name = "FILE")]
    pub new_pin_file: Option<PathBuf>,
}

/// Arguments of `qes token unblock`.
#[derive(Debug, clap::Args)]
pub struct UnblockArgs {
    #[command(flatten)]
    pub target: TokenTarget,
    /// A file whose first line is the PUK / SO PIN (else $QES_PUK, else a prompt).
    #[arg(long, value_name = "FILE")]
    pub puk_file: Option<PathBuf>,
    /// A file whose first line is the new PIN (else $QES_NEW_PIN, else a prompt, twice).
    #[arg(long, value_name = "FILE")]
    pub new_pin_file: Option<PathBuf>,
}

/// Run `qes token …`.
pub fn run(command: &TokenCommand) -> Result<ExitCode, CliError> {
    match command {
        TokenCommand::List(args) => list(args),
        TokenCommand::Keygen(args) => keygen(args),
        TokenCommand::ImportCert(args) => import_cert(args),
        TokenCommand::ChangePin(args) => change_pin(args),
        TokenCommand::Unblock(args) => unblock(args),
    }
}

/// Read a secret: first line of `file`, else `$env`, else a no-echo prompt (twice when
/// `confirm`), else a usage error when stdin is not a terminal.
fn secret(file: Option<&Path>, env: &str, prompt: &str, confirm: bool) -> Result<Pin, CliError> {
    if let Some(path) = file {
        let bytes = zeroize::Zeroizing::new(files::read(path)?);
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| CliError::Usage(format!("{}: not UTF-8", path.display())))?;
        let first = text.lines().next().unwrap_or_default();
        return Ok(Pin::new(first));
    }
    if let Ok(value) = std::env::var(env) {
        return Ok(Pin::new(value));
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(format!(
            "{prompt}: standard input is not a terminal; give the file option or ${env}"
        )));
    }
    let read = |text: &str| {
        rpassword::prompt_password(format!("{text}: "))
            .map(Pin::new)
            .map_err(CliError::io(Path::new("/dev/tty")))
    };
    let first = read(prompt)?;
    if confirm {
        let again = read(&format!("{prompt} (again)"))?;
        if again.expose() != first.expose() {
            return Err(CliError::Usage("the two entries differ".into()));
        }
    }
    Ok(first)
}

fn warn(warnings: &[qes_token::PinWarning]) {
    for w in warnings {
        eprintln!("qes: warning: {w}");
    }
}

fn selector(label: Option<&String>, serial: Option<&String>) -> Result<TokenSelector, CliError> {
    match (label, serial) {
        (Some(label), None) => Ok(TokenSelector::Label(label.clone())),
        (None, Some(serial)) => Ok(TokenSelector::Serial(serial.clone())),
        _ => Err(CliError::Usage(
            "select the token with --token LABEL or --token-serial SERIAL".into(),
        )),
    }
}

fn final_try(allow: bool) -> FinalTry {
    if allow {
        FinalTry::Allow
    } else {
        FinalTry::Refuse
    }
}

pub(crate) fn key_id(hex: &str) -> Result<KeyId, CliError> {
    KeyId::from_hex(hex).map_err(|e| CliError::Usage(format!("CKA_ID {hex:?}: {e}")))
}

fn open(module: &Path, selector: &TokenSelector) -> Result<Token, CliError> {
    let loaded = Module::open(module).map_err(CliError::token(module.display()))?;
    loaded
        .token(selector)
        .map_err(CliError::token(module.display()))
}

fn pin_prompt(token: &Token) -> String {
    format!("PIN for token {:?} ({})", token.label, token.user_pin)
}

/// The signer `--pkcs11` describes, or `None` without `--pkcs11`; the PIN from `pin_file`
/// (`--pin-file`), else $QES_PIN, else a prompt.
pub fn load_signer(
    args: &Pkcs11Args,
    pin_file: Option<&Path>,
) -> Result<Option<TokenSigner>, CliError> {
    let Some(module) = &args.pkcs11 else {
        return Ok(None);
    };
    let selector = selector(args.token.as_ref(), args.token_serial.as_ref())?;
    let id = args.key_id.as_deref().map(key_id).transpose()?;
    let token = open(module, &selector)?;
    let pin = secret(pin_file, PIN_ENV, &pin_prompt(&token), false)?;
    let options = LoginOptions::default()
        .with_sessions(args.sessions)
        .with_final_try(final_try(args.allow_final_try));
    let err = CliError::token(&token.label);
    let pool = SessionPool::login(&token, &pin, options).map_err(&err)?;
    drop(pin);
    warn(pool.warnings());
    Ok(Some(
        TokenSigner::new(Arc::new(pool), id.as_ref()).map_err(&err)?,
    ))
}

/// Log in to the token `target` names (PIN from --pin-file, $QES_PIN or a prompt).
pub(crate) fn login(target: &TokenTarget) -> Result<SessionPool, CliError> {
    let selector = selector(target.token.as_ref(), target.token_serial.as_ref())?;
    let token = open(&target.pkcs11, &selector)?;
    let pin = secret(
        target.pin_file.as_deref(),
        PIN_ENV,
        &pin_prompt(&token),
        false,
    )?;
    let options = LoginOptions::default().with_final_try(final_try(target.allow_final_try));
    let pool = SessionPool::login(&token, &pin, options).map_err(CliError::token(&token.label))?;
    warn(pool.warnings());
    Ok(pool)
}

fn list(args: &ListArgs) -> Result<ExitCode, CliError> {
    let err = CliError::token(args.pkcs11.display());
    let module = Module::open(&args.pkcs11).map_err(&err)?;
    let mut json = Vec::new();
    let mut text = String::new();
    for (slot, token) in module.tokens_by_slot().map_err(&err)? {
        // One unreadable slot or token does not hide the others.
        let token = match token {
            Ok(token) if token.initialized => token,
            Ok(_) => continue,
            Err(e) => {
                text.push_str(&format!("slot {slot}: token not readable: {e}\n"));
                json.push(serde_json::json!({"slot": slot, "error": e.to_string()}));
                continue;
            }
        };
        let objects = match token.public_objects() {
            Ok(objects) => objects,
            Err(e) => {
                text.push_str(&format!(
                    "token {:?} serial {}: objects not readable: {e}\n",
                    token.label, token.serial
                ));
                json.push(serde_json::json!({
                    "label": token.label, "serial": token.serial, "error": e.to_string(),
                }));
                continue;
            }
        };
        text.push_str(&format!(
            "token {:?} serial {} ({} {}), PIN: {}, PUK: {}\n",
            token.label,
            token.serial,
            token.manufacturer,
            token.model,
            token.user_pin,
            token.so_pin
        ));
        let mut items = Vec::new();
        for object in &objects {
            let id = object.id.as_ref().map(ToString::to_string);
            let shown = id.clone().unwrap_or_else(|| "-".into());
            match &object.kind {
                ObjectKind::Certificate(cert) => {
                    let subject = cert.subject().to_string();
                    text.push_str(&format!(
                        "  certificate id {shown} label {:?}: {subject}, valid until {}\n",
                        object.label,
                        cert.not_after().format("%Y-%m-%d")
                    ));
                    items.push(serde_json::json!({
                        "type": "certificate", "id": id, "label": object.label,
                        "subject": subject, "serial": cert.serial_hex(),
                        "not_after": cert.not_after().to_rfc3339(),
                    }));
                }
                ObjectKind::PublicKey(key) => {
                    text.push_str(&format!(
                        "  public key  id {shown} label {:?}: {:?}\n",
                        object.label, key.kind
                    ));
                    items.push(serde_json::json!({
                        "type": "public-key", "id": id, "label": object.label,
                        "key": format!("{:?}", key.kind),
                    }));
                }
                ObjectKind::PrivateKey(kind) => {
                    items.push(serde_json::json!({
                        "type": "private-key", "id": id, "label": object.label,
                        "key": kind.map(|k| format!("{k:?}")),
                    }));
                }
                _ => {}
            }
        }
        json.push(serde_json::json!({
            "label": token.label, "serial": token.serial,
            "manufacturer": token.manufacturer, "model": token.model,
            "user_pin": token.user_pin.to_string(), "so_pin": token.so_pin.to_string(),
            "objects": items,
        }));
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else if text.is_empty() {
        println!("no initialized token in {}", args.pkcs11.display());
    } else {
        print!("{text}");
    }
    Ok(ExitCode::SUCCESS)
}

fn keygen(args: &KeygenArgs) -> Result<ExitCode, CliError> {
    let spec: KeySpec = args
        .key_type
        .parse()
        .map_err(|e: qes_token::TokenError| CliError::Usage(format!("--type: {e}")))?;
    let id = key_id(&args.key_id)?;
    let pool = login(&args.target)?;
    let public = pool
        .generate_key_pair(spec, &id, &args.label)
        .map_err(CliError::token(&pool.token().label))?;
    use der::EncodePem as _;
    let pem = public
        .spki
        .to_pem(der::pem::LineEnding::LF)
        .map_err(|e| CliError::Usage(format!("public key PEM: {e}")))?;
    match &args.output {
        Some(path) => files::write_atomic(path, pem.as_bytes(), &[])?,
        None => print!("{pem}"),
    }
    eprintln!(
        "generated {} key pair with CKA_ID {id} on token {:?}",
        spec.name(),
        pool.token().label
    );
    Ok(ExitCode::SUCCESS)
}

fn import_cert(args: &ImportCertArgs) -> Result<ExitCode, CliError> {
    let id = key_id(&args.key_id)?;
    let old = args.replace.as_deref().map(key_id).transpose()?;
    let cert = files::certificates(&args.cert, qes_cert::ParseMode::Lenient)?
        .into_iter()
        .next()
        .ok_or_else(|| CliError::Usage(format!("{}: no certificate", args.cert.display())))?;
    let chain = files::all_certificates(&args.chain, qes_cert::ParseMode::Lenient)?;
    let pool = login(&args.target)?;
    let err = CliError::token(&pool.token().label);
    for ca in &chain {
        pool.import_ca_certificate(ca, "CA").map_err(&err)?;
    }
    match old {
        Some(old) => {
            let old_key = if args.delete_old_key {
                OldKey::Destroy
            } else {
                OldKey::Keep
            };
            let removed = pool
                .replace_certificate(&cert, &id, &old, old_key)
                .map_err(&err)?;
            eprintln!(
                "stored the certificate for CKA_ID {id}; removed {removed} old object(s) of {old}"
            );
        }
        None => {
            pool.import_certificate(&cert, &id, &args.label)
                .map_err(&err)?;
            eprintln!("stored the certificate for CKA_ID {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn change_pin(args: &ChangePinArgs) -> Result<ExitCode, CliError> {
    let selector = selector(
        args.target.token.as_ref(),
        args.target.token_serial.as_ref(),
    )?;
    let token = open(&args.target.pkcs11, &selector)?;
    let old = secret(
        args.target.pin_file.as_deref(),
        PIN_ENV,
        &pin_prompt(&token),
        false,
    )?;
    let new = secret(args.new_pin_file.as_deref(), NEW_PIN_ENV, "new PIN", true)?;
    let warnings = token
        .change_pin(&old, &new, final_try(args.target.allow_final_try))
        .map_err(CliError::token(&token.label))?;
    warn(&warnings);
    eprintln!("PIN of token {:?} changed", token.label);
    Ok(ExitCode::SUCCESS)
}

fn unblock(args: &UnblockArgs) -> Result<ExitCode, CliError> {
    let selector = selector(
        args.target.token.as_ref(),
        args.target.token_serial.as_ref(),
    )?;
    let token = open(&args.target.pkcs11, &selector)?;
    let prompt = format!(
        "PUK (SO PIN) for token {:?} ({})",
        token.label, token.so_pin
    );
    let puk = secret(args.puk_file.as_deref(), PUK_ENV, &prompt, false)?;
    let new = secret(args.new_pin_file.as_deref(), NEW_PIN_ENV, "new PIN", true)?;
    let warnings = token
        .unblock(&puk, &new, final_try(args.target.allow_final_try))
        .map_err(CliError::token(&token.label))?;
    warn(&warnings);
    eprintln!("PIN of token {:?} unblocked and set", token.label);
    Ok(ExitCode::SUCCESS)
}
