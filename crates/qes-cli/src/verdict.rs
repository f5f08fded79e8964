//! Printing a verification verdict: the report as text or JSON, and the exit code (0 when
//! everything passed, 1 otherwise) that every verifying command returns.

use std::io::Write as _;
use std::process::ExitCode;

use crate::error::CliError;

/// Print `report` (JSON with `json`, else `text()`), and return the verdict's exit code.
/// A reader that stops early (`qes verify … --json | head`) is not an error: the verdict's
/// exit code stands.
pub fn print<R: serde::Serialize>(
    report: &R,
    json: bool,
    text: impl FnOnce(&R) -> String,
    passed: bool,
) -> Result<ExitCode, CliError> {
    let body = if json {
        format!("{}\n", serde_json::to_string_pretty(report)?)
    } else {
        text(report)
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(body.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(CliError::Io {
                path: "<stdout>".into(),
                source: e,
            })
        }
        _ => {}
    }
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The closing line of a text report.
pub fn result_line(all_passed: bool) -> &'static str {
    if all_passed {
        "RESULT: every signature is TOTAL-PASSED\n"
    } else {
        "RESULT: not every signature is TOTAL-PASSED\n"
    }
}
