//! Reading certificate and CRL files given on the command line.

use std::path::{Path, PathBuf};

use qes_cert::{parse_any, Certificate, ParseMode};

use crate::error::CliError;

/// Read a file whole.
pub fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Every certificate in a DER, PEM, PEM-bundle or `.p7b` file.
pub fn certificates(path: &Path, mode: ParseMode) -> Result<Vec<Certificate>, CliError> {
    let bytes = read(path)?;
    let certs = parse_any(&bytes, mode).map_err(|source| CliError::input(path, source))?;
    if certs.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: no certificate found",
            path.display()
        )));
    }
    Ok(certs)
}

/// Every certificate in all of the given files, in order.
pub fn all_certificates(paths: &[PathBuf], mode: ParseMode) -> Result<Vec<Certificate>, CliError> {
    let mut out = Vec::new();
    for p in paths {
        out.extend(certificates(p, mode)?);
    }
    Ok(out)
}

/// The time given with `--at` (RFC 3339), or now: the one place the CLI reads the clock for a
/// verdict.
pub fn time_arg(at: Option<&str>) -> Result<chrono::DateTime<chrono::Utc>, CliError> {
    match at {
        None => Ok(chrono::Utc::now()),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(|e| CliError::Usage(format!("--at {s:?} is not an RFC 3339 time: {e}"))),
    }
}

/// The parse mode a `--lenient` flag selects.
pub fn parse_mode(lenient: bool) -> ParseMode {
    if lenient {
        ParseMode::Lenient
    } else {
        ParseMode::Strict
    }
}
