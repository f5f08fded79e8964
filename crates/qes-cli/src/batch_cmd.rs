//! `qes sign pdf --batch <dir> -o <dir>`: every PDF of a directory signed through one
//! `Signer::sign_batch` (one token login; one cloud authorization per `multisign`
//! documents), a progress counter on stderr when it is a terminal, and nothing written
//! unless every document was signed.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use qes_pades::PadesSigner;

use crate::error::CliError;
use crate::files;

/// Most files one batch takes.
pub const MAX_FILES: usize = 10_000;

/// The PDFs (`*.pdf`, any case) directly in `dir`, sorted by name.
fn pdfs_in(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    let entries = std::fs::read_dir(dir).map_err(CliError::io(dir))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(CliError::io(dir))?;
        let path = entry.path();
        let is_pdf = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        if is_pdf && path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(CliError::Usage(format!("{}: no .pdf files", dir.display())));
    }
    if out.len() > MAX_FILES {
        return Err(CliError::Usage(format!(
            "{}: {} PDFs, more than the {MAX_FILES} one batch takes",
            dir.display(),
            out.len()
        )));
    }
    Ok(out)
}

/// A progress line on stderr, only when it is a terminal.
struct Progress {
    on: bool,
}

impl Progress {
    fn show(&self, text: &str) {
        if self.on {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{text}");
            let _ = err.flush();
        }
    }

    fn done(&self) {
        if self.on {
            let _ = writeln!(std::io::stderr().lock());
        }
    }
}

/// Sign every PDF in `input_dir` into `output_dir` (same file names) with `builder`.
pub fn run(
    builder: &PadesSigner<'_>,
    input_dir: &Path,
    output_dir: Option<&Path>,
    level: &str,
) -> Result<ExitCode, CliError> {
    let output_dir =
        output_dir.ok_or_else(|| CliError::Usage("--batch needs -o <output directory>".into()))?;
    let inputs = pdfs_in(input_dir)?;
    std::fs::create_dir_all(output_dir).map_err(CliError::io(output_dir))?;
    let same_dir = match (input_dir.canonicalize(), output_dir.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same_dir {
        return Err(CliError::Usage(
            "the output directory must not be the input directory (inputs are never overwritten)"
                .into(),
        ));
    }
    let progress = Progress {
        on: std::io::stderr().is_terminal(),
    };
    let total = inputs.len();
    let mut documents = Vec::with_capacity(total);
    for (i, path) in inputs.iter().enumerate() {
        progress.show(&format!("[{}/{total}] reading {}", i + 1, path.display()));
        documents.push(files::read(path)?);
    }
    progress.show(&format!("signing {total} documents"));
    let refs: Vec<&[u8]> = documents.iter().map(Vec::as_slice).collect();
    let updates = builder
        .sign_batch(&refs)
        .map_err(CliError::pdf(input_dir))?;

    // Every output goes to a temporary file first; only when all are written are they
    // renamed into place. On any failure the temporary files are removed (dropped) and the
    // outputs already renamed are deleted again.
    let mut staged = Vec::with_capacity(total);
    for (i, ((path, input), update)) in inputs.iter().zip(&documents).zip(&updates).enumerate() {
        progress.show(&format!("[{}/{total}] writing", i + 1));
        let name = path.file_name().unwrap_or_default();
        let target = output_dir.join(name);
        let target_for_errors = target.clone();
        let io = CliError::io(&target_for_errors);
        let temp = tempfile::NamedTempFile::new_in(output_dir).map_err(&io)?;
        let mut out = std::io::BufWriter::new(temp);
        out.write_all(input).map_err(&io)?;
        out.write_all(update).map_err(&io)?;
        let temp = out.into_inner().map_err(|e| io(e.into_error()))?;
        temp.as_file().sync_all().map_err(&io)?;
        staged.push((temp, target));
    }
    let mut placed: Vec<PathBuf> = Vec::with_capacity(total);
    for (temp, target) in staged {
        if let Err(e) = temp.persist_noclobber(&target) {
            for done in &placed {
                let _ = std::fs::remove_file(done);
            }
            return Err(CliError::io(&target)(e.error));
        }
        placed.push(target);
    }
    progress.done();
    println!(
        "signed {total} PDF(s) from {} into {} (PAdES {level}, one batch signature call)",
        input_dir.display(),
        output_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
