//! The "real component" gate every interop test in the workspace uses.
//!
//! An interop test asks for an external tool (openssl, pkilint's `lint_etsi_cert`,
//! pyHanko, softhsm2-util, ...) with [`tool`] or the [`require_tool!`](crate::require_tool)
//! macro:
//!
//! 1. look in `$QES_VENV/bin/<name>` (default `<workspace root>/.venv-interop/bin`), then in
//!    every `PATH` directory;
//! 2. if it is missing and the run demands real components (`CI=true` or
//!    `QES_REQUIRE_REAL=1`), panic with what is missing and how to install it, so the test
//!    fails;
//! 3. otherwise print `SKIPPED: <test>: <tool> not found (...)` to stderr and return
//!    `None`, so the test returns early.
//!
//! ```no_run
//! #[test]
//! fn openssl_reads_our_pkcs12() {
//!     let Some(openssl) = qes_testkit::interop::tool("openssl") else { return };
//!     // ... run `openssl` ...
//! }
//! ```
//!
//! [`run`] then runs the tool and captures what it printed, for the test's assertions.

use std::env;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Environment variable naming the Python virtual environment with the interop tools.
pub const VENV_ENV: &str = "QES_VENV";
/// Environment variable that, set to `1`, makes a missing tool a test failure.
pub const REQUIRE_REAL_ENV: &str = "QES_REQUIRE_REAL";

/// The cargo workspace root (two levels above this crate's manifest).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}

/// The `bin` directory of the interop virtual environment: `$QES_VENV/bin`, by default
/// `<workspace root>/.venv-interop/bin`.
pub fn venv_bin_dir() -> PathBuf {
    match env::var_os(VENV_ENV) {
        Some(venv) if !venv.is_empty() => PathBuf::from(venv).join("bin"),
        _ => workspace_root().join(".venv-interop").join("bin"),
    }
}

/// Whether this run requires real components: `CI=true` or `QES_REQUIRE_REAL=1`.
pub fn require_real() -> bool {
    env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true"))
        || env::var(REQUIRE_REAL_ENV).is_ok_and(|v| v == "1")
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Looks the tool up (venv first, then `PATH`) without any skip/fail policy.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let in_venv = venv_bin_dir().join(name);
    if is_executable(&in_venv) {
        return Some(in_venv);
    }
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// How to install a known tool (a hint for the skip or failure message).
pub fn install_hint(name: &str) -> &'static str {
    match name {
        "lint_etsi_cert" | "lint_pkix_cert" | "lint_crl" | "lint_ocsp_response" => {
            "python3 -m venv .venv-interop && .venv-interop/bin/pip install pkilint"
        }
        "pyhanko" => {
            "python3 -m venv .venv-interop && .venv-interop/bin/pip install 'pyhanko[pkcs11,image-support,opentype,etsi]' pyhanko-cli"
        }
        "certomancer" | "certomancer-csc" => {
            "python3 -m venv .venv-interop && .venv-interop/bin/pip install 'certomancer[web-api,web-api-async]' certomancer-csc-dummy"
        }
        "softhsm2-util" => "apt-get install -y --no-install-recommends softhsm2",
        "pkcs11-tool" => "apt-get install -y --no-install-recommends opensc",
        "pdfsig" | "pdftotext" | "pdftoppm" => "apt-get install -y --no-install-recommends poppler-utils",
        "qpdf" => "apt-get install -y --no-install-recommends qpdf",
        "certutil" => "apt-get install -y --no-install-recommends libnss3-tools",
        "openssl" => "install OpenSSL 3 with the system package manager",
        _ => "see the README section on interop tools",
    }
}

/// The gate for the current test, named after the current thread (libtest names each
/// test's thread after the test). See [`tool_for`].
///
/// # Panics
/// When the tool is missing and [`require_real`] holds: the test fails, by design.
pub fn tool(name: &str) -> Option<PathBuf> {
    let thread = std::thread::current();
    tool_for(thread.name().unwrap_or("<unnamed test>"), name)
}

/// The gate: the tool's path, or `None` after printing
/// `SKIPPED: <test>: <tool> not found (...)` to stderr.
///
/// # Panics
/// When the tool is missing and [`require_real`] holds (`CI=true` or
/// `QES_REQUIRE_REAL=1`): the message says what is missing and how to install it.
#[allow(clippy::panic)] // Failing the calling test is this function's contract.
pub fn tool_for(test: &str, name: &str) -> Option<PathBuf> {
    if let Some(found) = find_tool(name) {
        return Some(found);
    }
    let where_ = format!(
        "looked in {} and PATH; install: {}",
        venv_bin_dir().display(),
        install_hint(name)
    );
    if require_real() {
        panic!(
            "{test}: required tool `{name}` not found ({where_}); real components are required because CI=true or {REQUIRE_REAL_ENV}=1"
        );
    }
    // Straight to the process's stderr, not `eprintln!`: libtest captures the latter for
    // passing tests, and a skip must be visible in a normal `cargo test` run.
    let _ = writeln!(
        std::io::stderr().lock(),
        "SKIPPED: {test}: {name} not found ({where_})"
    );
    None
}

/// Returns the tool's path from the current function, or returns early (skipping the
/// test) when [`interop::tool`](tool) says so. Use inside a `#[test] fn` returning `()`.
///
/// ```no_run
/// #[test]
/// fn with_openssl() {
///     let openssl = qes_testkit::require_tool!("openssl");
///     let _ = std::process::Command::new(openssl).arg("version").status();
/// }
/// ```
#[macro_export]
macro_rules! require_tool {
    ($name:expr) => {
        match $crate::interop::tool($name) {
            Some(path) => path,
            None => return,
        }
    };
}

/// What an external tool printed, and how it exited: `Debug` shows all of it, so a failed
/// assertion says why the tool refused.
pub struct ToolRun {
    /// Exit status 0.
    pub success: bool,
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl std::fmt::Debug for ToolRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Run `cmd` to completion, capturing its output.
///
/// # Panics
/// When the command cannot be started: the calling test fails, by design.
#[allow(clippy::panic)] // failing the calling test is the contract
pub fn run(cmd: &mut std::process::Command) -> ToolRun {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    ToolRun {
        success: out.status.success(),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `pyhanko sign validate --pretty-print --no-revocation-check [--trust T]... --trust-replace
/// [extra]... <pdf>`: pyHanko's verdict on every signature of `pdf` with only `trust` as
/// anchors (the test PKI publishes no revocation data at its URLs). Its stdout says "The
/// signature is judged VALID." once per valid signature.
pub fn pyhanko_validate(pyhanko: &Path, trust: &[&Path], extra: &[&str], pdf: &Path) -> ToolRun {
    let mut cmd = std::process::Command::new(pyhanko);
    cmd.args([
        "sign",
        "validate",
        "--pretty-print",
        "--no-revocation-check",
    ]);
    for anchor in trust {
        cmd.arg("--trust").arg(anchor);
    }
    cmd.arg("--trust-replace").args(extra).arg(pdf);
    run(&mut cmd)
}
