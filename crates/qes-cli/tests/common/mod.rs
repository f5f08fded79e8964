//! What the `qes` binary's integration tests share: running it with the test PKI's key
//! password in the environment, and reading what it printed.
#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::Path;
use std::process::{Command, Output};

/// `qes <args>` with `QES_KEY_PASSWORD` set to the test PKI's PKCS#12 password.
pub fn qes(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qes"))
        .args(args)
        .env("QES_KEY_PASSWORD", qes_testkit::PKCS12_PASSWORD)
        .output()
        .expect("run qes")
}

/// Standard output followed by standard error.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `dir/name` as a command-line argument.
pub fn p(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}
