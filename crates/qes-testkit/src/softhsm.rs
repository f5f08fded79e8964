//! SoftHSM2 for tests: a private token directory and `softhsm2.conf` per test process,
//! throw-away tokens with unique labels, and loading test-PKI keys and certificates onto
//! them with `pkcs11-tool` (an independent PKCS#11 client).
//!
//! `SOFTHSM2_CONF` is process-global and SoftHSM2 reads its token directory when the module
//! is initialized, so [`SoftHsm::shared`] sets the variable and creates a pool of
//! [`POOL_TOKENS`] blank tokens *before* any test loads the module; tests then claim tokens
//! with [`SoftHsm::token`] (each claim is a different token, so parallel tests never share
//! one). Objects written later by `pkcs11-tool` are visible to the test process (SoftHSM2's
//! file store re-reads changed token directories).
//!
//! Gating: when `softhsm2-util`, `pkcs11-tool` or the module is missing, [`SoftHsm::shared`]
//! prints a `SKIPPED:` line and returns `Ok(None)` — or panics under `CI=true` /
//! `QES_REQUIRE_REAL=1` (see [`crate::interop`]).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use crate::interop::{require_real, tool_for};
use crate::Issued;

/// Blank tokens made per test process.
pub const POOL_TOKENS: usize = 24;
/// The user PIN of every pool token.
pub const USER_PIN: &str = "246810";
/// The SO PIN (PUK) of every pool token.
pub const SO_PIN: &str = "13579111";
/// Environment variable overriding the module path.
pub const MODULE_ENV: &str = "QES_SOFTHSM2_MODULE";

/// Where distributions install the module.
const MODULE_PATHS: [&str; 3] = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
];

/// SoftHSM2's token flags attribute in `token.object` (`CKA_OS_TOKENFLAGS`).
const CKA_OS_TOKENFLAGS: u64 = 0x8000_534B;
/// `CKF_USER_PIN_COUNT_LOW`.
pub const CKF_USER_PIN_COUNT_LOW: u64 = 0x0001_0000;
/// `CKF_USER_PIN_FINAL_TRY`.
pub const CKF_USER_PIN_FINAL_TRY: u64 = 0x0002_0000;
/// `CKF_USER_PIN_LOCKED`.
pub const CKF_USER_PIN_LOCKED: u64 = 0x0004_0000;
/// `CKF_SO_PIN_FINAL_TRY`.
pub const CKF_SO_PIN_FINAL_TRY: u64 = 0x0020_0000;
/// `CKF_SO_PIN_LOCKED`.
pub const CKF_SO_PIN_LOCKED: u64 = 0x0040_0000;
const PIN_FLAGS: u64 = 0x00ff_0000;

/// A SoftHSM2 harness failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SoftHsmError {
    /// Creating files or running a tool failed.
    #[error("softhsm harness: {context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A tool ran but failed.
    #[error("softhsm harness: {command} failed: {output}")]
    Tool {
        /// The command line (no PINs).
        command: String,
        /// Its stderr and stdout.
        output: String,
    },
    /// All pool tokens are claimed.
    #[error("softhsm harness: all {POOL_TOKENS} tokens of this test process are claimed")]
    Exhausted,
    /// The token's state file does not look like SoftHSM2's.
    #[error("softhsm harness: {0}")]
    Format(&'static str),
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> SoftHsmError {
    let context = context.into();
    move |source| SoftHsmError::Io { context, source }
}

/// The process's SoftHSM2: its conf, token directory and the tools.
#[derive(Debug)]
pub struct SoftHsm {
    dir: tempfile::TempDir,
    conf: PathBuf,
    module: PathBuf,
    util: PathBuf,
    pkcs11_tool: PathBuf,
    labels: Vec<String>,
    claimed: AtomicUsize,
}

/// A claimed token (label unique in the process), PINs [`USER_PIN`] and [`SO_PIN`].
#[derive(Debug, Clone)]
pub struct TestToken {
    hsm: &'static SoftHsm,
    label: String,
}

static SHARED: OnceLock<Result<Option<SoftHsm>, String>> = OnceLock::new();

/// The SoftHSM2 module: `$QES_SOFTHSM2_MODULE`, else the first of the usual install paths
/// that exists.
pub fn find_module() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(MODULE_ENV) {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    MODULE_PATHS.iter().map(PathBuf::from).find(|p| p.is_file())
}

impl SoftHsm {
    /// The process's harness: `Ok(None)` (after a `SKIPPED:` line) when SoftHSM2 or
    /// `pkcs11-tool` is missing on a developer machine.
    ///
    /// # Errors
    /// When setting up the token directory or the pool fails.
    ///
    /// # Panics
    /// When a component is missing and real components are required (`CI=true`,
    /// `QES_REQUIRE_REAL=1`): the test fails, by design.
    #[allow(clippy::panic)] // failing the calling test is the gate's contract
    pub fn shared() -> Result<Option<&'static SoftHsm>, SoftHsmError> {
        let thread = std::thread::current();
        let test = thread.name().unwrap_or("<unnamed test>").to_owned();
        let result = SHARED.get_or_init(|| {
            let Some(util) = tool_for(&test, "softhsm2-util") else {
                return Ok(None);
            };
            let Some(pkcs11_tool) = tool_for(&test, "pkcs11-tool") else {
                return Ok(None);
            };
            let Some(module) = find_module() else {
                let message = format!(
                    "{test}: the SoftHSM2 module is not in {MODULE_PATHS:?} (or ${MODULE_ENV}); install: apt-get install -y --no-install-recommends softhsm2"
                );
                if require_real() {
                    return Err(message);
                }
                let _ = writeln!(std::io::stderr().lock(), "SKIPPED: {message}");
                return Ok(None);
            };
            Self::create(util, pkcs11_tool, module)
                .map(Some)
                .map_err(|e| e.to_string())
        });
        match result {
            Ok(Some(hsm)) => Ok(Some(hsm)),
            Ok(None) => Ok(None),
            Err(message) if message.contains("module is not in") => panic!("{message}"),
            Err(message) => Err(SoftHsmError::Tool {
                command: "SoftHsm::shared".into(),
                output: message.clone(),
            }),
        }
    }

    fn create(util: PathBuf, pkcs11_tool: PathBuf, module: PathBuf) -> Result<Self, SoftHsmError> {
        let dir = tempfile::Builder::new()
            .prefix("qes-softhsm-")
            .tempdir()
            .map_err(io("scratch directory"))?;
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).map_err(io("token directory"))?;
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
                tokens.display()
            ),
        )
        .map_err(io("softhsm2.conf"))?;
        // Set before any module is loaded in this process (all loads go through this
        // harness, which hands out the module path only after this point).
        std::env::set_var("SOFTHSM2_CONF", &conf);
        let prefix = format!("qes-{}", std::process::id());
        let mut labels = Vec::with_capacity(POOL_TOKENS);
        for n in 0..POOL_TOKENS {
            let label = format!("{prefix}-{n:02}");
            run(Command::new(&util).args([
                "--init-token",
                "--free",
                "--label",
                &label,
                "--pin",
                USER_PIN,
                "--so-pin",
                SO_PIN,
            ]))?;
            labels.push(label);
        }
        Ok(Self {
            dir,
            conf,
            module,
            util,
            pkcs11_tool,
            labels,
            claimed: AtomicUsize::new(0),
        })
    }

    /// The PKCS#11 module to load.
    pub fn module_path(&self) -> &Path {
        &self.module
    }

    /// The `softhsm2.conf` (already in `SOFTHSM2_CONF` of this process; give it to child
    /// processes that load the module, e.g. the `qes` binary).
    pub fn conf_path(&self) -> &Path {
        &self.conf
    }

    /// The `pkcs11-tool` binary.
    pub fn pkcs11_tool(&self) -> &Path {
        &self.pkcs11_tool
    }

    /// The `softhsm2-util` binary.
    pub fn util(&self) -> &Path {
        &self.util
    }

    /// A scratch directory that lives as long as the harness.
    pub fn scratch_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Claim the next blank token (user PIN [`USER_PIN`], SO PIN [`SO_PIN`]).
    ///
    /// # Errors
    /// [`SoftHsmError::Exhausted`] after [`POOL_TOKENS`] claims.
    pub fn token(&'static self) -> Result<TestToken, SoftHsmError> {
        let n = self.claimed.fetch_add(1, Ordering::SeqCst);
        let label = self.labels.get(n).cloned().ok_or(SoftHsmError::Exhausted)?;
        Ok(TestToken { hsm: self, label })
    }

    /// Run `pkcs11-tool --module <module>` with `args`; its stdout.
    ///
    /// # Errors
    /// [`SoftHsmError::Tool`] when it fails.
    pub fn pkcs11_tool_run(&self, args: &[&str]) -> Result<String, SoftHsmError> {
        let mut command = Command::new(&self.pkcs11_tool);
        command.arg("--module").arg(&self.module).args(args);
        run(&mut command)
    }
}

/// Run `command` with SOFTHSM2_CONF inherited; stdout on success.
fn run(command: &mut Command) -> Result<String, SoftHsmError> {
    // PINs are arguments of these throw-away tokens' tools; never echo them.
    let shown = format!(
        "{} {}",
        command.get_program().to_string_lossy(),
        command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .take_while(|a| a != "--pin" && a != "--so-pin")
            .collect::<Vec<_>>()
            .join(" ")
    );
    let output = command.output().map_err(io(shown.clone()))?;
    if !output.status.success() {
        return Err(SoftHsmError::Tool {
            command: shown,
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stderr),
                String::from_utf8_lossy(&output.stdout)
            ),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl TestToken {
    /// The token label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The harness the token belongs to.
    pub fn hsm(&self) -> &'static SoftHsm {
        self.hsm
    }

    /// `pkcs11-tool` on this token, logged in with the user PIN.
    ///
    /// # Errors
    /// [`SoftHsmError::Tool`] when it fails.
    pub fn pkcs11_tool_login(&self, args: &[&str]) -> Result<String, SoftHsmError> {
        let mut all = vec!["--token-label", &self.label, "--login", "--pin", USER_PIN];
        all.extend_from_slice(args);
        self.hsm.pkcs11_tool_run(&all)
    }

    /// Write `issued`'s private key, public key and certificate with `CKA_ID` `id`, and its
    /// CA certificates without an id, using `pkcs11-tool --write-object`.
    ///
    /// With `with_public_key = false` no public key object is written (as on tokens that
    /// keep only the private key and the certificate).
    ///
    /// # Errors
    /// [`SoftHsmError`] when a file or `pkcs11-tool` fails.
    pub fn import(
        &self,
        issued: &Issued,
        id: &[u8],
        with_public_key: bool,
    ) -> Result<(), SoftHsmError> {
        let dir = tempfile::tempdir_in(self.hsm.scratch_dir()).map_err(io("import scratch"))?;
        let id_hex = hex(id);
        let key = dir.path().join("key.der");
        std::fs::write(&key, issued.key().pkcs8_der()).map_err(io("key file"))?;
        let label = issued.label().to_owned();
        self.write_object(&key, "privkey", Some(&id_hex), &label)?;
        // Key material does not outlive the import.
        std::fs::write(&key, vec![0u8; issued.key().pkcs8_der().len()]).map_err(io("key wipe"))?;
        if with_public_key {
            let public = dir.path().join("pub.der");
            std::fs::write(&public, issued.key().public_key_der())
                .map_err(io("public key file"))?;
            self.write_object(&public, "pubkey", Some(&id_hex), &label)?;
        }
        let cert = dir.path().join("cert.der");
        std::fs::write(&cert, issued.cert_der()).map_err(io("certificate file"))?;
        self.write_object(&cert, "cert", Some(&id_hex), &label)?;
        for (n, ca) in issued.chain_der().iter().enumerate() {
            let path = dir.path().join(format!("ca{n}.der"));
            std::fs::write(&path, ca).map_err(io("CA certificate file"))?;
            self.write_object(&path, "cert", None, &format!("CA {n}"))?;
        }
        Ok(())
    }

    fn write_object(
        &self,
        file: &Path,
        kind: &str,
        id: Option<&str>,
        label: &str,
    ) -> Result<(), SoftHsmError> {
        let file = file.to_string_lossy().into_owned();
        let mut args = vec!["--write-object", &file, "--type", kind, "--label", label];
        if let Some(id) = id {
            args.extend_from_slice(&["--id", id]);
        }
        self.pkcs11_tool_login(&args).map(|_| ())
    }

    /// The token's directory in the SoftHSM2 file store.
    ///
    /// # Errors
    /// [`SoftHsmError::Format`] when no token directory carries the label.
    pub fn dir(&self) -> Result<PathBuf, SoftHsmError> {
        let mut padded = self.label.clone().into_bytes();
        padded.resize(32, b' ');
        let tokens = self.hsm.dir.path().join("tokens");
        for entry in std::fs::read_dir(&tokens).map_err(io("token directory"))? {
            let path = entry.map_err(io("token directory"))?.path();
            let Ok(bytes) = std::fs::read(path.join("token.object")) else {
                continue;
            };
            if bytes.windows(padded.len()).any(|w| w == padded.as_slice()) {
                return Ok(path);
            }
        }
        Err(SoftHsmError::Format("no token directory has the label"))
    }

    /// Set the token's PIN flags (the `CKF_USER_PIN_*` / `CKF_SO_PIN_*` bits, others kept) in
    /// SoftHSM2's token state file, as a token that counts wrong PINs would. SoftHSM2 itself
    /// sets only `CKF_USER_PIN_COUNT_LOW`; this makes the final-try and locked states
    /// testable. Processes that loaded the module see the change on their next
    /// `C_GetTokenInfo` (the file's generation counter is bumped).
    ///
    /// # Errors
    /// [`SoftHsmError::Format`] when the file is not SoftHSM2's object file format.
    pub fn set_pin_flags(&self, flags: u64) -> Result<(), SoftHsmError> {
        let path = self.dir()?.join("token.object");
        let mut bytes = std::fs::read(&path).map_err(io("token.object"))?;
        // Layout: u64 generation, then attributes (u64 type, u64 kind, value); a ulong
        // attribute has kind 2 and an 8-byte big-endian value. All integers big-endian.
        let mut needle = CKA_OS_TOKENFLAGS.to_be_bytes().to_vec();
        needle.extend_from_slice(&2u64.to_be_bytes());
        let at = bytes
            .windows(needle.len())
            .position(|w| w == needle.as_slice())
            .ok_or(SoftHsmError::Format("token.object has no token flags"))?;
        let start = at + needle.len();
        let value = bytes
            .get_mut(start..start + 8)
            .ok_or(SoftHsmError::Format("token flags truncated"))?;
        let mut word = [0u8; 8];
        word.copy_from_slice(value);
        let old = u64::from_be_bytes(word);
        let new = (old & !PIN_FLAGS) | (flags & PIN_FLAGS);
        value.copy_from_slice(&new.to_be_bytes());
        let generation = bytes
            .get_mut(0..8)
            .ok_or(SoftHsmError::Format("token.object truncated"))?;
        let mut gen = [0u8; 8];
        gen.copy_from_slice(generation);
        let next = u64::from_be_bytes(gen).wrapping_add(1);
        generation.copy_from_slice(&next.to_be_bytes());
        // Atomically: other test processes enumerate every token of the shared directory at
        // any moment, and a half-written token.object is CKR_GENERAL_ERROR for them. The
        // temporary file lives outside the token directory (SoftHSM2 indexes what is inside).
        let temp = tempfile::NamedTempFile::new_in(self.hsm.scratch_dir())
            .map_err(io("token.object temporary file"))?;
        std::fs::write(temp.path(), bytes).map_err(io("token.object temporary file"))?;
        temp.persist(&path)
            .map_err(|e| SoftHsmError::Io {
                context: "token.object".into(),
                source: e.error,
            })
            .map(|_| ())
    }
}
