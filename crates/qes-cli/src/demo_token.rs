//! The demo's test token: a SoftHSM2 token of its own (configuration and token files under
//! the demo directory), holding the holder's key and certificate under `CKA_ID` 01, and a
//! PKCS#11 signer logged in to it — so that every holder signature of `qes demo` is made by
//! a token through `qes-token`, as on a real SafeNet eToken.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use qes_testkit::interop::find_tool;
use qes_testkit::Issued;
use qes_token::{KeyId, LoginOptions, Module, Pin, SessionPool, TokenSelector, TokenSigner};

use crate::error::CliError;

/// The demo token's label, user PIN and SO PIN (PUK).
const LABEL: &str = "qes-demo";
const PIN: &str = "246810";
const SO_PIN: &str = "13579111";

/// A signer on the demo token, and a one-line description of where it is.
pub struct DemoToken {
    /// Logged in with [`PIN`]; signs with the holder's key on the token.
    pub signer: TokenSigner,
    /// "on SoftHSM2 token … (module …)".
    pub description: String,
}

/// Put `issued`'s key and certificate on a new SoftHSM2 token under `dir`; `None` when
/// SoftHSM2, `softhsm2-util` or `pkcs11-tool` is not installed.
///
/// # Errors
/// When a tool or the token fails.
pub fn put_on_token(dir: &Path, issued: &Issued) -> Result<Option<DemoToken>, CliError> {
    let (Some(module), Some(util), Some(tool)) = (
        qes_testkit::softhsm::find_module(),
        find_tool("softhsm2-util"),
        find_tool("pkcs11-tool"),
    ) else {
        return Ok(None);
    };
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens).map_err(CliError::io(&tokens))?;
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )
    .map_err(CliError::io(&conf))?;
    // Before the module is loaded: SoftHSM2 reads its configuration when initialised.
    std::env::set_var("SOFTHSM2_CONF", &conf);
    run(Command::new(&util).args([
        "--init-token",
        "--free",
        "--label",
        LABEL,
        "--pin",
        PIN,
        "--so-pin",
        SO_PIN,
    ]))?;
    let key = dir.join("holder-key.der");
    std::fs::write(&key, issued.key().pkcs8_der()).map_err(CliError::io(&key))?;
    let cert = dir.join("holder-cert.der");
    std::fs::write(&cert, issued.cert_der()).map_err(CliError::io(&cert))?;
    let write = |file: &PathBuf, kind: &str, id: Option<&str>, label: &str| {
        let mut c = Command::new(&tool);
        c.arg("--module")
            .arg(&module)
            .args(["--token-label", LABEL, "--login", "--pin", PIN])
            .arg("--write-object")
            .arg(file)
            .args(["--type", kind, "--label", label]);
        if let Some(id) = id {
            c.args(["--id", id]);
        }
        run(&mut c)
    };
    let written = write(&key, "privkey", Some("01"), "holder");
    // The key file does not outlive the import.
    let _ = std::fs::write(&key, vec![0u8; issued.key().pkcs8_der().len()]);
    let _ = std::fs::remove_file(&key);
    written?;
    let public = dir.join("holder-pub.der");
    std::fs::write(&public, issued.key().public_key_der()).map_err(CliError::io(&public))?;
    write(&public, "pubkey", Some("01"), "holder")?;
    write(&cert, "cert", Some("01"), "holder")?;
    // The issuing CA certificates, without an id, as QTSPs ship tokens: the signer builds
    // its chain from them.
    for (n, ca) in issued.chain_der().iter().enumerate() {
        let path = dir.join(format!("ca{n}.der"));
        std::fs::write(&path, ca).map_err(CliError::io(&path))?;
        write(&path, "cert", None, &format!("CA {n}"))?;
    }

    let err = CliError::token(LABEL);
    let token = Module::open(&module)
        .map_err(CliError::token(module.display()))?
        .token(&TokenSelector::Label(LABEL.into()))
        .map_err(&err)?;
    let pool = SessionPool::login(&token, &Pin::new(PIN), LoginOptions::default()).map_err(&err)?;
    let id = KeyId::new(vec![0x01]).map_err(&err)?;
    let signer = TokenSigner::new(Arc::new(pool), Some(&id)).map_err(&err)?;
    Ok(Some(DemoToken {
        signer,
        description: format!(
            "on SoftHSM2 token \"{LABEL}\" (CKA_ID 01, PIN {PIN}; SOFTHSM2_CONF={})",
            conf.display()
        ),
    }))
}

fn run(command: &mut Command) -> Result<(), CliError> {
    let out = command
        .output()
        .map_err(|e| CliError::Usage(format!("{command:?}: {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "{:?} failed: {}",
            command.get_program(),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}
