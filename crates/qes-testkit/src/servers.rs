//! Real servers on loopback for interop tests: RFC 3161 time-stamping authorities.
//!
//! Each server runs as a child process on `127.0.0.1` with a free port, in its own
//! temporary scratch directory, with its output captured to `server.log` there. Startup
//! waits until the server answers an HTTP request (never a bare TCP connect). Dropping the
//! handle kills exactly the recorded child PID and removes the scratch directory.
//!
//! | server | what runs | keys and certificates |
//! |---|---|---|
//! | [`TsaServer::certomancer`] | `certomancer animate` (PyPI `certomancer`, werkzeug) with a generated config | its own: root (ECDSA P-256) → TSA (ECDSA P-384, critical EKU `timeStamping`), keys from [`KeyPair`]; genTime with fractional seconds; ESSCertID (SHA-1) |
//! | [`TsaServer::openssl`] | `openssl ts -reply` behind a small Python `http.server` wrapper (`assets/openssl_tsa_server.py`) | [`TestPki::shared`]'s TSA (RSA-2048) under the qualified CA and root (RSA-3072); genTime with milliseconds; ESSCertIDv2 (SHA-256) |
//!
//! Both start through the [`interop`] gate: when `certomancer` / `openssl` / `python3` is
//! missing the constructor returns `Ok(None)` after printing `SKIPPED`, or the test fails
//! under `CI=true` / `QES_REQUIRE_REAL=1`.
//!
//! ```no_run
//! use qes_testkit::servers::TsaServer;
//!
//! #[test]
//! fn timestamp_from_a_real_tsa() {
//!     let Some(tsa) = TsaServer::openssl().expect("start the TSA") else { return };
//!     // POST an application/timestamp-query to tsa.url(); trust tsa.root_pem().
//!     println!("{} (pid {}) at {}", tsa.kind(), tsa.pid(), tsa.url());
//! }
//! ```

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::interop;
use crate::key::{KeyAlgorithm, KeyPair};
use crate::pki::TestPki;

/// How long a server may take to answer its first HTTP request.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// Pause between readiness probes.
const PROBE_INTERVAL: Duration = Duration::from_millis(100);
/// Attempts with a fresh port when the chosen one was taken in the meantime.
const PORT_ATTEMPTS: usize = 3;
/// Largest HTTP body [`http_get`] reads.
const MAX_GET_BODY: usize = 1 << 20;

/// Name of the certomancer PKI architecture.
pub const CERTOMANCER_ARCH: &str = "qes";
/// certomancer's fixed TSA policy OID (it ignores `reqPolicy`).
pub const CERTOMANCER_TSA_POLICY: &str = "1.3.6.1.4.1.4146.2.3";
/// The `openssl ts -reply` TSA's default policy OID.
pub const OPENSSL_TSA_POLICY: &str = "1.3.6.1.4.1.32473.3161.1";
/// A second policy the `openssl ts -reply` TSA accepts in `reqPolicy`.
pub const OPENSSL_TSA_OTHER_POLICY: &str = "1.3.6.1.4.1.32473.3161.2";

/// A server failed to start or a file could not be prepared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// A file or process operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The test PKI could not provide a key or certificate.
    #[error("test PKI: {0}")]
    Pki(#[from] crate::Error),
    /// The server process exited during startup.
    #[error("{server} exited during startup ({status}); log:\n{log}")]
    Exited {
        /// Which server.
        server: TsaKind,
        /// Its exit status.
        status: ExitStatus,
        /// Its captured output.
        log: String,
    },
    /// The server did not answer HTTP within the startup timeout.
    #[error("{server} did not answer HTTP on port {port} within {waited:?}; log:\n{log}")]
    NotReady {
        /// Which server.
        server: TsaKind,
        /// The port it should listen on.
        port: u16,
        /// How long we waited.
        waited: Duration,
        /// Its captured output.
        log: String,
    },
    /// An HTTP request to a started server failed or was answered unexpectedly.
    #[error("{server}: GET {path}: {detail}")]
    Http {
        /// Which server.
        server: TsaKind,
        /// The request path.
        path: String,
        /// What happened.
        detail: String,
    },
}

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> ServerError {
    let what = what.into();
    move |source| ServerError::Io { what, source }
}

/// Which TSA implementation a [`TsaServer`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TsaKind {
    /// `certomancer animate` (pyHanko's test PKI server).
    Certomancer,
    /// `openssl ts -reply` behind an HTTP wrapper.
    Openssl,
}

impl fmt::Display for TsaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Certomancer => "certomancer TSA",
            Self::Openssl => "openssl ts -reply TSA",
        })
    }
}

/// A running TSA on loopback. Killed (exactly its PID) on drop.
pub struct TsaServer {
    kind: TsaKind,
    child: Child,
    port: u16,
    url: String,
    policy: String,
    accepted_policies: Vec<String>,
    root_der: Vec<u8>,
    root_pem: String,
    tsa_cert_der: Vec<u8>,
    untrusted_pem: String,
    root_pem_path: PathBuf,
    untrusted_pem_path: PathBuf,
    /// certomancer only: a document signer's key and certificate under its root.
    signer_paths: Option<(PathBuf, PathBuf)>,
    log_path: PathBuf,
    // Last: removed after the child is killed.
    scratch: tempfile::TempDir,
}

impl fmt::Debug for TsaServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TsaServer")
            .field("kind", &self.kind)
            .field("pid", &self.child.id())
            .field("url", &self.url)
            .field("scratch", &self.scratch.path())
            .finish_non_exhaustive()
    }
}

impl Drop for TsaServer {
    fn drop(&mut self) {
        // `Child::kill` signals exactly this PID; then reap it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// PEM `CERTIFICATE` armour (LF line endings).
fn cert_pem(der: &[u8]) -> Result<String, ServerError> {
    pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der)
        .map_err(|e| ServerError::Pki(crate::Error::Pem(e)))
}

fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), ServerError> {
    fs::write(path, contents).map_err(io_err(format!("writing {}", path.display())))
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> Result<u16, ServerError> {
    let listener =
        TcpListener::bind(("127.0.0.1", 0)).map_err(io_err("binding 127.0.0.1:0 for a port"))?;
    let port = listener
        .local_addr()
        .map_err(io_err("reading the bound port"))?
        .port();
    Ok(port)
}

/// A minimal HTTP/1.0 GET on 127.0.0.1: the status code and the body.
///
/// # Errors
/// Connection, I/O or a response that is not HTTP.
pub fn http_get(port: u16, path: &str, timeout: Duration) -> io::Result<(u16, Vec<u8>)> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    stream.flush()?;
    let mut response = Vec::new();
    stream
        .take(
            u64::try_from(MAX_GET_BODY)
                .unwrap_or(u64::MAX)
                .saturating_add(16 * 1024),
        )
        .read_to_end(&mut response)?;
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "not an HTTP response");
    let header_end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(bad)?;
    let head =
        std::str::from_utf8(response.get(..header_end).ok_or_else(bad)?).map_err(|_| bad())?;
    let status = head
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(bad)?;
    let body = response
        .get(header_end.saturating_add(4)..)
        .unwrap_or_default()
        .to_vec();
    Ok((status, body))
}

/// The captured log, for error messages.
fn read_log(path: &Path) -> String {
    fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_else(|e| format!("(cannot read {}: {e})", path.display()))
}

/// Spawn `command` with its output captured to `log_path` and wait until `GET probe_path`
/// gets any HTTP answer. `Ok(None)` when the process exited because its port was taken.
fn spawn_ready(
    kind: TsaKind,
    mut command: Command,
    port: u16,
    probe_path: &str,
    log_path: &Path,
) -> Result<Option<Child>, ServerError> {
    let log = File::create(log_path).map_err(io_err(format!("creating {}", log_path.display())))?;
    let log_err = log
        .try_clone()
        .map_err(io_err("duplicating the log handle"))?;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(io_err(format!("starting {kind}")))?;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(io_err("polling the server"))? {
            let log = read_log(log_path);
            if log.contains("Address already in use") {
                return Ok(None);
            }
            return Err(ServerError::Exited {
                server: kind,
                status,
                log,
            });
        }
        if http_get(port, probe_path, Duration::from_secs(2)).is_ok() {
            return Ok(Some(child));
        }
        if start.elapsed() > STARTUP_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ServerError::NotReady {
                server: kind,
                port,
                waited: STARTUP_TIMEOUT,
                log: read_log(log_path),
            });
        }
        std::thread::sleep(PROBE_INTERVAL);
    }
}

impl TsaServer {
    /// certomancer's TSA (`certomancer animate`) with a generated configuration: a root CA
    /// and a TSA certificate (keyUsage digitalSignature, extendedKeyUsage `timeStamping`,
    /// both critical), keys derived by [`KeyPair::derive`] (seed 0, labels
    /// `certomancer-root` / `certomancer-tsa`). The certificates are fetched from the
    /// running server's certificate repository, so they are byte-identical to the ones in
    /// its tokens.
    ///
    /// # Errors
    /// When the server cannot be started or does not become ready. `Ok(None)`: the tool is
    /// missing and the run does not require real components (the test should return).
    ///
    /// # Panics
    /// Through [`interop::tool`] when `certomancer` is missing and real components are
    /// required.
    pub fn certomancer() -> Result<Option<Self>, ServerError> {
        let Some(bin) = interop::tool("certomancer") else {
            return Ok(None);
        };
        let scratch = tempfile::Builder::new()
            .prefix("qes-certomancer-")
            .tempdir()
            .map_err(io_err("creating the scratch directory"))?;
        let dir = scratch.path();
        let keys = dir.join("keys");
        fs::create_dir_all(&keys).map_err(io_err("creating the key directory"))?;
        let root_key = KeyPair::derive(0, "certomancer-root", KeyAlgorithm::EcP256)?;
        let tsa_key = KeyPair::derive(0, "certomancer-tsa", KeyAlgorithm::EcP384)?;
        write(&keys.join("root.key.pem"), root_key.pkcs8_pem())?;
        write(&keys.join("tsa.key.pem"), tsa_key.pkcs8_pem())?;
        let signer_key = KeyPair::derive(0, "certomancer-signer", KeyAlgorithm::EcP256)?;
        write(&keys.join("signer.key.pem"), signer_key.pkcs8_pem())?;
        let log_path = dir.join("server.log");
        let config_path = dir.join("certomancer.yml");

        for _ in 0..PORT_ATTEMPTS {
            let port = free_port()?;
            let base = format!("http://127.0.0.1:{port}");
            write(&config_path, certomancer_config(&base))?;
            let mut command = Command::new(&bin);
            command
                .current_dir(dir)
                .arg("--config")
                .arg(&config_path)
                .args(["animate", "--no-web-ui", "--port"])
                .arg(port.to_string());
            let Some(child) = spawn_ready(TsaKind::Certomancer, command, port, "/", &log_path)?
            else {
                continue;
            };
            // From here on the child is owned by `server` and killed on any error.
            let mut server = Self {
                kind: TsaKind::Certomancer,
                child,
                port,
                url: format!("{base}/{CERTOMANCER_ARCH}/tsa/tsa"),
                policy: CERTOMANCER_TSA_POLICY.to_owned(),
                accepted_policies: vec![CERTOMANCER_TSA_POLICY.to_owned()],
                root_der: Vec::new(),
                root_pem: String::new(),
                tsa_cert_der: Vec::new(),
                untrusted_pem: String::new(),
                root_pem_path: dir.join("root.pem"),
                untrusted_pem_path: dir.join("tsa.pem"),
                signer_paths: None,
                log_path: log_path.clone(),
                scratch,
            };
            let root_der = server.fetch(&format!("/{CERTOMANCER_ARCH}/certs/root/ca.crt"))?;
            let tsa_der =
                server.fetch(&format!("/{CERTOMANCER_ARCH}/certs/root/issued/tsa.crt"))?;
            server.set_certificates(root_der, tsa_der, &[])?;
            let signer_der =
                server.fetch(&format!("/{CERTOMANCER_ARCH}/certs/root/issued/signer.crt"))?;
            let scratch_dir = server.scratch.path();
            let signer_cert = scratch_dir.join("signer.pem");
            write(&signer_cert, cert_pem(&signer_der)?)?;
            let signer_key = scratch_dir.join("keys").join("signer.key.pem");
            server.signer_paths = Some((signer_key, signer_cert));
            return Ok(Some(server));
        }
        Err(ServerError::Io {
            what: format!("finding a free port for certomancer in {PORT_ATTEMPTS} attempts"),
            source: io::Error::from(io::ErrorKind::AddrInUse),
        })
    }

    /// An `openssl ts -reply` TSA behind `assets/openssl_tsa_server.py`, signing with
    /// [`TestPki::shared`]'s TSA certificate (RSA-2048, under the qualified CA and the
    /// root). Accepts SHA-256/384/512 imprints and the policies [`OPENSSL_TSA_POLICY`]
    /// (default) and [`OPENSSL_TSA_OTHER_POLICY`]; anything else is rejected by openssl
    /// (badAlg, unacceptedPolicy). ESSCertIDv2 with SHA-256, genTime with 3 fractional
    /// digits, accuracy 1 s 500 ms 100 µs, TSA name included.
    ///
    /// # Errors
    /// As [`TsaServer::certomancer`].
    ///
    /// # Panics
    /// Through [`interop::tool`] when `openssl` or `python3` is missing and real components
    /// are required.
    pub fn openssl() -> Result<Option<Self>, ServerError> {
        let Some(openssl) = interop::tool("openssl") else {
            return Ok(None);
        };
        let Some(python) = interop::tool("python3") else {
            return Ok(None);
        };
        let scratch = tempfile::Builder::new()
            .prefix("qes-openssl-tsa-")
            .tempdir()
            .map_err(io_err("creating the scratch directory"))?;
        let dir = scratch.path();
        let pki = TestPki::shared();
        let tsa = pki.tsa();
        let chain = tsa.chain_der();
        let (intermediates, root) = match chain.split_last() {
            Some((root, intermediates)) => (intermediates, root.clone()),
            None => (&[][..], tsa.cert_der().to_vec()),
        };
        let mut chain_pem = String::new();
        for der in intermediates {
            chain_pem.push_str(&cert_pem(der)?);
        }
        write(&dir.join("signer.pem"), tsa.cert_pem())?;
        write(&dir.join("signer.key"), tsa.key().pkcs8_pem())?;
        write(&dir.join("chain.pem"), &chain_pem)?;
        write(&dir.join("tsaserial"), "01\n")?;
        let config_path = dir.join("openssl-tsa.cnf");
        write(&config_path, openssl_tsa_config(dir))?;
        let script = dir.join("openssl_tsa_server.py");
        write(&script, OPENSSL_TSA_SERVER)?;
        let log_path = dir.join("server.log");

        for _ in 0..PORT_ATTEMPTS {
            let port = free_port()?;
            let mut command = Command::new(&python);
            command
                .current_dir(dir)
                .arg(&script)
                .arg(&openssl)
                .arg(&config_path)
                .arg(port.to_string())
                .arg(dir);
            let Some(child) = spawn_ready(TsaKind::Openssl, command, port, "/health", &log_path)?
            else {
                continue;
            };
            let mut server = Self {
                kind: TsaKind::Openssl,
                child,
                port,
                url: format!("http://127.0.0.1:{port}/tsa"),
                policy: OPENSSL_TSA_POLICY.to_owned(),
                accepted_policies: vec![
                    OPENSSL_TSA_POLICY.to_owned(),
                    OPENSSL_TSA_OTHER_POLICY.to_owned(),
                ],
                root_der: Vec::new(),
                root_pem: String::new(),
                tsa_cert_der: Vec::new(),
                untrusted_pem: String::new(),
                root_pem_path: dir.join("root.pem"),
                untrusted_pem_path: dir.join("tsa.pem"),
                signer_paths: None,
                log_path: log_path.clone(),
                scratch,
            };
            server.set_certificates(root, tsa.cert_der().to_vec(), intermediates)?;
            return Ok(Some(server));
        }
        Err(ServerError::Io {
            what: format!("finding a free port for the openssl TSA in {PORT_ATTEMPTS} attempts"),
            source: io::Error::from(io::ErrorKind::AddrInUse),
        })
    }

    fn fetch(&self, path: &str) -> Result<Vec<u8>, ServerError> {
        let http = |detail: String| ServerError::Http {
            server: self.kind,
            path: path.to_owned(),
            detail,
        };
        match http_get(self.port, path, Duration::from_secs(10)) {
            Ok((200, body)) => Ok(body),
            Ok((status, body)) => Err(http(format!(
                "HTTP {status}: {}",
                String::from_utf8_lossy(body.get(..200).unwrap_or(&body))
            ))),
            Err(e) => Err(http(format!("{e}; log:\n{}", self.logs()))),
        }
    }

    fn set_certificates(
        &mut self,
        root_der: Vec<u8>,
        tsa_der: Vec<u8>,
        intermediates: &[Vec<u8>],
    ) -> Result<(), ServerError> {
        self.root_pem = cert_pem(&root_der)?;
        self.root_der = root_der;
        let mut untrusted = cert_pem(&tsa_der)?;
        for der in intermediates {
            untrusted.push_str(&cert_pem(der)?);
        }
        self.untrusted_pem = untrusted;
        self.tsa_cert_der = tsa_der;
        write(&self.root_pem_path, &self.root_pem)?;
        write(&self.untrusted_pem_path, &self.untrusted_pem)?;
        Ok(())
    }

    /// certomancer only: the PEM key and certificate of a document signer (EC P-256, key
    /// usage digitalSignature + nonRepudiation, CRL at this server) under [`Self::root_pem`]
    /// — a signer whose whole chain, the TSA's included, has revocation data a client can
    /// fetch (what `pyhanko sign addsig --with-validation-info` needs for B-LTA).
    pub fn signer_key_and_cert(&self) -> Option<(&Path, &Path)> {
        self.signer_paths
            .as_ref()
            .map(|(key, cert)| (key.as_path(), cert.as_path()))
    }

    /// Which implementation runs.
    pub fn kind(&self) -> TsaKind {
        self.kind
    }

    /// The TSA endpoint: POST `application/timestamp-query` here.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id (the one killed on drop).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The policy OID (dotted) the TSA puts in tokens when the request names none.
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// Policy OIDs (dotted) a request may ask for in `reqPolicy` and get granted with.
    /// certomancer ignores `reqPolicy` and always uses [`CERTOMANCER_TSA_POLICY`].
    pub fn accepted_policies(&self) -> &[String] {
        &self.accepted_policies
    }

    /// The trust anchor, DER.
    pub fn root_der(&self) -> &[u8] {
        &self.root_der
    }

    /// The trust anchor, PEM.
    pub fn root_pem(&self) -> &str {
        &self.root_pem
    }

    /// The TSA's signing certificate, DER.
    pub fn tsa_cert_der(&self) -> &[u8] {
        &self.tsa_cert_der
    }

    /// The TSA certificate followed by its intermediates (not the root), PEM: what
    /// `openssl ts -verify -untrusted` takes.
    pub fn untrusted_pem(&self) -> &str {
        &self.untrusted_pem
    }

    /// [`TsaServer::root_pem`] written to a file in the scratch directory.
    pub fn root_pem_path(&self) -> &Path {
        &self.root_pem_path
    }

    /// [`TsaServer::untrusted_pem`] written to a file in the scratch directory.
    pub fn untrusted_pem_path(&self) -> &Path {
        &self.untrusted_pem_path
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

/// The HTTP wrapper around `openssl ts -reply`.
const OPENSSL_TSA_SERVER: &str = include_str!("../assets/openssl_tsa_server.py");

/// certomancer configuration: root → TSA and a document signer, with a CRL and a certificate
/// repository for the root.
fn certomancer_config(base_url: &str) -> String {
    format!(
        r#"external-url-prefix: "{base_url}"
keysets:
  qes:
    path-prefix: keys
    keys:
      root:
        path: root.key.pem
      tsa:
        path: tsa.key.pem
      signer:
        path: signer.key.pem
pki-architectures:
  {CERTOMANCER_ARCH}:
    keyset: qes
    entity-defaults:
      country-name: RO
      organization-name: QES Testkit Certomancer
    entities:
      root:
        common-name: QES Certomancer Root CA
      tsa:
        common-name: QES Certomancer TSA
      signer:
        common-name: QES Certomancer Signer
    certs:
      root:
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
      tsa:
        issuer: root
        validity:
          valid-from: "2020-01-01T00:00:00+0000"
          valid-to: "2090-01-01T00:00:00+0000"
        extensions:
          - id: key_usage
            critical: true
            smart-value:
              schema: key-usage
              params: [digital_signature]
          - id: extended_key_usage
            critical: true
            value: [time_stamping]
          - id: crl_distribution_points
            smart-value:
              schema: crl-dist-url
              params: {{crl-repo-names: [root]}}
      signer:
        issuer: root
        validity:
          valid-from: "2020-01-01T00:00:00+0000"
          valid-to: "2090-01-01T00:00:00+0000"
        extensions:
          - id: key_usage
            critical: true
            smart-value:
              schema: key-usage
              params: [digital_signature, non_repudiation]
          - id: crl_distribution_points
            smart-value:
              schema: crl-dist-url
              params: {{crl-repo-names: [root]}}
    services:
      crl-repo:
        root:
          for-issuer: root
          signing-key: root
          simulated-update-schedule: "P90D"
      cert-repo:
        root:
          for-issuer: root
          publish-issued-certs: yes
      time-stamping:
        tsa:
          signing-key: tsa
          signing-cert: tsa
"#
    )
}

/// `openssl ts -reply` configuration (see `openssl-ts(1)`, CONFIGURATION FILE OPTIONS).
fn openssl_tsa_config(dir: &Path) -> String {
    let dir = dir.display();
    format!(
        r#"[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {dir}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/signer.pem
certs = $dir/chain.pem
signer_key = $dir/signer.key
signer_digest = sha256
default_policy = {OPENSSL_TSA_POLICY}
other_policies = {OPENSSL_TSA_OTHER_POLICY}
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:500, microsecs:100
clock_precision_digits = 3
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"#
    )
}
