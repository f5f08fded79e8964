//! Printing a verification verdict: the report as text or JSON, and the exit code (0 when
//! everything passed, 1 otherwise) that every verifying command returns.

use std::process::ExitCode;

use crate::error::CliError;

/// Print `report` (JSON with `json`, else `text()`), and return the verdict's exit code.
pub fn print<R: serde::Serialize>(
    report: &R,
    json: bool,
    text: impl FnOnce(&R) -> String,
    passed: bool,
) -> Result<ExitCode, CliError> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        print!("{}", text(report));
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
