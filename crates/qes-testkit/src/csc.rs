//! A real Cloud Signature Consortium API server on loopback: `certomancer-csc-dummy`
//! (PyPI `certomancer-csc-dummy`, CSC API v1.0.4.0) over a generated certomancer PKI.
//!
//! [`CscServer::start`] writes a scratch directory with keys derived by [`KeyPair::derive`]
//! (seed 0) and a `certomancer.yml`, picks a free port, starts
//! `certomancer-csc certomancer.yml <port> <scal>`, waits until `GET /info` answers, and
//! kills exactly that PID on drop. The credentials (`<arch>/<label>`):
//!
//! | credential | key | offers |
//! |---|---|---|
//! | [`CSC_RSA`] | RSA-2048 | RSA PKCS#1 v1.5 and RSASSA-PSS, SHA-256/384/512 |
//! | [`CSC_RSA_PSS`] | RSA-3072 (a second RSA credential, used for PSS) | the same |
//! | [`CSC_ECDSA`] | ECDSA P-256 | ECDSA with SHA-256/384/512 (DER signatures) |
//! | [`CSC_ECDSA_P384`] | ECDSA P-384 | the same |
//!
//! All are issued by one root ([`CSC_ROOT`], ECDSA P-256), also a credential. The dummy does
//! not check PINs, OTPs or OAuth tokens (authMode `implicit`, `multisign` 10) and answers
//! errors as plain-text 400/404.
//!
//! ```no_run
//! use qes_testkit::csc::{CscServer, Scal, CSC_RSA};
//!
//! #[test]
//! fn sign_in_the_cloud() {
//!     let Some(csc) = CscServer::start(Scal::Two).expect("start the CSC server") else { return };
//!     println!("{} at {} (pid {})", CSC_RSA, csc.url(), csc.pid());
//! }
//! ```

use std::fmt;
use std::fs::{self, File};
use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::interop;
use crate::key::{KeyAlgorithm, KeyPair};
use crate::servers::http_get;

/// The certomancer PKI architecture the credentials live in.
pub const CSC_ARCH: &str = "qes";
/// The RSA-2048 credential.
pub const CSC_RSA: &str = "qes/signer-rsa";
/// The RSA-3072 credential (for RSASSA-PSS tests).
pub const CSC_RSA_PSS: &str = "qes/signer-pss";
/// The ECDSA P-256 credential.
pub const CSC_ECDSA: &str = "qes/signer-ecdsa";
/// The ECDSA P-384 credential.
pub const CSC_ECDSA_P384: &str = "qes/signer-p384";
/// The root CA, also a credential.
pub const CSC_ROOT: &str = "qes/root";
/// The dummy's fixed `multisign`.
pub const CSC_MULTISIGN: usize = 10;

const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
const PROBE_INTERVAL: Duration = Duration::from_millis(100);
const PORT_ATTEMPTS: usize = 3;

/// The sole-control assurance level the server enforces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scal {
    /// SCAL 1: a SAD is good for a number of signatures.
    One,
    /// SCAL 2: a SAD is bound to the hashes given in `credentials/authorize`.
    Two,
}

/// The CSC server failed to start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CscServerError {
    /// A file or process operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A key could not be derived.
    #[error("test PKI: {0}")]
    Pki(#[from] crate::Error),
    /// The server exited or did not answer during startup.
    #[error("certomancer-csc did not start: {reason}; log:\n{log}")]
    Startup {
        /// What happened.
        reason: String,
        /// Its captured output.
        log: String,
    },
}

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> CscServerError {
    let what = what.into();
    move |source| CscServerError::Io { what, source }
}

/// A running `certomancer-csc` on 127.0.0.1. Killed (exactly its PID) on drop.
pub struct CscServer {
    child: Child,
    port: u16,
    scal: Scal,
    log_path: PathBuf,
    // Last: removed after the child is killed.
    scratch: tempfile::TempDir,
}

impl fmt::Debug for CscServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CscServer")
            .field("pid", &self.child.id())
            .field("url", &self.url())
            .field("scal", &self.scal)
            .finish_non_exhaustive()
    }
}

impl Drop for CscServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_log(path: &Path) -> String {
    fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_else(|e| format!("(cannot read {}: {e})", path.display()))
}

fn free_port() -> Result<u16, CscServerError> {
    let listener =
        TcpListener::bind(("127.0.0.1", 0)).map_err(io_err("binding 127.0.0.1:0 for a port"))?;
    Ok(listener
        .local_addr()
        .map_err(io_err("reading the bound port"))?
        .port())
}

impl CscServer {
    /// Start `certomancer-csc` enforcing `scal`.
    ///
    /// # Errors
    /// When the server cannot be started or does not become ready. `Ok(None)`: the tool is
    /// missing and the run does not require real components (the test should return).
    ///
    /// # Panics
    /// Through [`interop::tool`] when `certomancer-csc` is missing and real components are
    /// required (`CI=true` or `QES_REQUIRE_REAL=1`).
    pub fn start(scal: Scal) -> Result<Option<Self>, CscServerError> {
        let Some(bin) = interop::tool("certomancer-csc") else {
            return Ok(None);
        };
        let scratch = tempfile::Builder::new()
            .prefix("qes-csc-")
            .tempdir()
            .map_err(io_err("creating the scratch directory"))?;
        let dir = scratch.path();
        let keys = dir.join("keys");
        fs::create_dir_all(&keys).map_err(io_err("creating the key directory"))?;
        for (file, label, algorithm) in [
            ("root", "csc-root", KeyAlgorithm::EcP256),
            ("signer-rsa", "csc-signer-rsa", KeyAlgorithm::Rsa2048),
            ("signer-pss", "csc-signer-pss", KeyAlgorithm::Rsa3072),
            ("signer-ecdsa", "csc-signer-ecdsa", KeyAlgorithm::EcP256),
            ("signer-p384", "csc-signer-p384", KeyAlgorithm::EcP384),
        ] {
            let key = KeyPair::derive(0, label, algorithm)?;
            let path = keys.join(format!("{file}.key.pem"));
            fs::write(&path, key.pkcs8_pem())
                .map_err(io_err(format!("writing {}", path.display())))?;
        }
        let config = dir.join("certomancer.yml");
        let log_path = dir.join("server.log");
        let level = match scal {
            Scal::One => "1",
            Scal::Two => "2",
        };
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port()?;
            fs::write(
                &config,
                certomancer_config(&format!("http://127.0.0.1:{port}")),
            )
            .map_err(io_err("writing certomancer.yml"))?;
            let log = File::create(&log_path).map_err(io_err("creating the log"))?;
            let log_err = log
                .try_clone()
                .map_err(io_err("duplicating the log handle"))?;
            let mut child = Command::new(&bin)
                .current_dir(dir)
                .arg(&config)
                .arg(port.to_string())
                .arg(level)
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(log_err)
                .spawn()
                .map_err(io_err("starting certomancer-csc"))?;
            let start = Instant::now();
            let ready = loop {
                match child.try_wait() {
                    Ok(Some(status)) => {
                        let log = read_log(&log_path);
                        if log.contains("address already in use")
                            || log.contains("Address already in use")
                        {
                            break false;
                        }
                        return Err(CscServerError::Startup {
                            reason: format!("exited with {status}"),
                            log,
                        });
                    }
                    Ok(None) => {}
                    Err(e) => {
                        let _ = child.kill();
                        let _ = child.wait();
                        return Err(io_err("polling certomancer-csc")(e));
                    }
                }
                if matches!(
                    http_get(port, "/info", Duration::from_secs(2)),
                    Ok((200, _))
                ) {
                    break true;
                }
                if start.elapsed() > STARTUP_TIMEOUT {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(CscServerError::Startup {
                        reason: format!("no answer on port {port} within {STARTUP_TIMEOUT:?}"),
                        log: read_log(&log_path),
                    });
                }
                std::thread::sleep(PROBE_INTERVAL);
            };
            if ready {
                return Ok(Some(Self {
                    child,
                    port,
                    scal,
                    log_path,
                    scratch,
                }));
            }
        }
        Err(CscServerError::Io {
            what: format!("finding a free port for certomancer-csc in {PORT_ATTEMPTS} attempts"),
            source: io::Error::from(io::ErrorKind::AddrInUse),
        })
    }

    /// The service root: `http://127.0.0.1:<port>` (the API is under `/csc/v1/`).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id (the one killed on drop).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The SCAL it enforces.
    pub fn scal(&self) -> Scal {
        self.scal
    }

    /// The signing credentials (not the root), RSA first.
    pub fn credentials(&self) -> [&'static str; 4] {
        [CSC_RSA, CSC_RSA_PSS, CSC_ECDSA, CSC_ECDSA_P384]
    }

    /// The scratch directory (config, keys, log); removed on drop.
    pub fn scratch_dir(&self) -> &Path {
        self.scratch.path()
    }

    /// Everything the server printed so far (show it when a test fails).
    pub fn logs(&self) -> String {
        read_log(&self.log_path)
    }
}

/// certomancer configuration: a root and four end-entity signing certificates.
fn certomancer_config(base_url: &str) -> String {
    let leaf = |label: &str| {
        format!(
            r#"      {label}:
        subject: {label}
        subject-key: {label}
        issuer: root
        authority-key: root
        validity:
          valid-from: "2020-01-01T00:00:00+0000"
          valid-to: "2090-01-01T00:00:00+0000"
        extensions:
          - id: key_usage
            critical: true
            smart-value:
              schema: key-usage
              params: [digital_signature, non_repudiation]
"#
        )
    };
    let entity = |label: &str, cn: &str| format!("      {label}:\n        common-name: {cn}\n");
    let mut entities = entity("root", "QES CSC Test Root");
    let mut certs = String::from(
        r#"      root:
        subject: root
        subject-key: root
        issuer: root
        authority-key: root
        validity:
          valid-from: "2020-01-01T00:00:00+0000"
          valid-to: "2100-01-01T00:00:00+0000"
        extensions:
          - id: basic_constraints
            critical: true
            value:
              ca: true
          - id: key_usage
            critical: true
            smart-value:
              schema: key-usage
              params: [digital_signature, key_cert_sign, crl_sign]
"#,
    );
    let mut key_entries = String::from("      root:\n        path: root.key.pem\n");
    for (label, cn) in [
        ("signer-rsa", "Cloud Signer RSA"),
        ("signer-pss", "Cloud Signer RSA-PSS"),
        ("signer-ecdsa", "Cloud Signer ECDSA P-256"),
        ("signer-p384", "Cloud Signer ECDSA P-384"),
    ] {
        entities.push_str(&entity(label, cn));
        certs.push_str(&leaf(label));
        key_entries.push_str(&format!("      {label}:\n        path: {label}.key.pem\n"));
    }
    format!(
        r#"external-url-prefix: "{base_url}"
keysets:
  {CSC_ARCH}:
    path-prefix: keys
    keys:
{key_entries}pki-architectures:
  {CSC_ARCH}:
    keyset: {CSC_ARCH}
    entity-defaults:
      country-name: RO
      organization-name: QES Testkit Cloud Signing
    entities:
{entities}    certs:
{certs}"#
    )
}
