//! `qes sign pdf --batch <dir> -o <dir>`: every PDF of a directory signed with one login
//! (token) or one authorization per `multisign` documents (cloud), a progress bar on stderr
//! (when it is a terminal, or with `--progress always`), and nothing written unless every
//! document was signed.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use qes_cert::Certificate;
use qes_pades::PadesSigner;
use qes_signer::{KeyKind, SignError, SignatureAlgorithm, Signer};

use crate::error::CliError;
use crate::files;

/// Most files one batch takes.
pub const MAX_FILES: usize = 10_000;

/// Characters of the bar between the brackets.
const BAR_WIDTH: usize = 30;

/// When `qes sign pdf --batch` draws its progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressMode {
    /// When stderr is a terminal.
    #[default]
    Auto,
    /// Always (e.g. into a log).
    Always,
    /// Never.
    Never,
}

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

/// `[#########---------------------]  3/10 signing`: `done` of `total` as a bar of
/// [`BAR_WIDTH`] characters.
fn bar(phase: &str, done: usize, total: usize) -> String {
    let done = done.min(total);
    let filled = done
        .saturating_mul(BAR_WIDTH)
        .checked_div(total)
        .unwrap_or(BAR_WIDTH);
    let width = total.to_string().len();
    format!(
        "[{}{}] {done:>width$}/{total} {phase}",
        "#".repeat(filled),
        "-".repeat(BAR_WIDTH - filled)
    )
}

/// The progress bar on stderr: redrawn in place (`\r`), one line per phase.
pub struct Progress {
    on: bool,
    total: AtomicUsize,
    signed: AtomicUsize,
}

impl Progress {
    /// A bar for `mode` (`Auto`: only when stderr is a terminal).
    pub fn new(mode: ProgressMode) -> Self {
        let on = match mode {
            ProgressMode::Auto => std::io::stderr().is_terminal(),
            ProgressMode::Always => true,
            ProgressMode::Never => false,
        };
        Self {
            on,
            total: AtomicUsize::new(0),
            signed: AtomicUsize::new(0),
        }
    }

    fn show(&self, phase: &str, done: usize, total: usize) {
        if self.on {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{}", bar(phase, done, total));
            let _ = err.flush();
        }
    }

    /// End the current phase's line.
    fn finish_phase(&self) {
        if self.on {
            let _ = writeln!(std::io::stderr().lock());
        }
    }

    fn start_signing(&self, total: usize) {
        self.total.store(total, Ordering::SeqCst);
        self.signed.store(0, Ordering::SeqCst);
        self.show("signed", 0, total);
    }

    fn signed(&self, count: usize) {
        let done = self.signed.fetch_add(count, Ordering::SeqCst) + count;
        self.show("signed", done, self.total.load(Ordering::SeqCst));
    }
}

/// A signer that hands its backend `step` documents per call and advances the progress bar
/// after each. `step` is chosen so that splitting costs nothing (see
/// [`crate::keys::load_for_batch`]): one authorization per `multisign` documents stays one
/// per `multisign`, a token's login is the pool's.
pub struct Stepped<'a> {
    inner: &'a dyn Signer,
    step: usize,
    progress: &'a Progress,
}

impl<'a> Stepped<'a> {
    /// `inner`, `step` documents at a time (at least one), reporting to `progress`.
    pub fn new(inner: &'a dyn Signer, step: usize, progress: &'a Progress) -> Self {
        Self {
            inner,
            step: step.max(1),
            progress,
        }
    }
}

impl Signer for Stepped<'_> {
    fn certificate(&self) -> &Certificate {
        self.inner.certificate()
    }

    fn chain(&self) -> &[Certificate] {
        self.inner.chain()
    }

    fn key_kind(&self) -> KeyKind {
        self.inner.key_kind()
    }

    fn algorithms(&self) -> Vec<SignatureAlgorithm> {
        self.inner.algorithms()
    }

    fn default_algorithm(&self) -> SignatureAlgorithm {
        self.inner.default_algorithm()
    }

    fn sign_digests(
        &self,
        algorithm: SignatureAlgorithm,
        digests: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>, SignError> {
        let mut out = Vec::with_capacity(digests.len());
        for part in digests.chunks(self.step) {
            out.extend(self.inner.sign_digests(algorithm, part)?);
            self.progress.signed(part.len());
        }
        Ok(out)
    }

    fn sign(&self, algorithm: SignatureAlgorithm, tbs: &[u8]) -> Result<Vec<u8>, SignError> {
        let signature = self.inner.sign(algorithm, tbs)?;
        self.progress.signed(1);
        Ok(signature)
    }

    fn sign_batch(
        &self,
        algorithm: SignatureAlgorithm,
        tbs: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>, SignError> {
        let mut out = Vec::with_capacity(tbs.len());
        for part in tbs.chunks(self.step) {
            out.extend(self.inner.sign_batch(algorithm, part)?);
            self.progress.signed(part.len());
        }
        Ok(out)
    }
}

/// Sign every PDF in `input_dir` into `output_dir` (same file names) with `builder`.
///
/// `builder` signs through a [`Stepped`] signer reporting to `progress`.
pub fn run(
    builder: &PadesSigner<'_>,
    progress: &Progress,
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
    let total = inputs.len();
    let mut documents = Vec::with_capacity(total);
    for (i, path) in inputs.iter().enumerate() {
        documents.push(files::read(path)?);
        progress.show("read", i + 1, total);
    }
    progress.finish_phase();
    progress.start_signing(total);
    let refs: Vec<&[u8]> = documents.iter().map(Vec::as_slice).collect();
    let signed = builder.sign_batch(&refs);
    progress.finish_phase();
    let updates = signed.map_err(CliError::pdf(input_dir))?;

    // Every output goes to a temporary file first; only when all are written are they
    // renamed into place. On any failure the temporary files are removed (dropped) and the
    // outputs already renamed are deleted again.
    let mut staged = Vec::with_capacity(total);
    for (i, ((path, input), update)) in inputs.iter().zip(&documents).zip(&updates).enumerate() {
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
        progress.show("written", i + 1, total);
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
    progress.finish_phase();
    println!(
        "signed {total} PDF(s) from {} into {} (PAdES {level}, one login / one authorization per multisign documents)",
        input_dir.display(),
        output_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use qes_signer::SoftwareSigner;

    /// A software signer whose backend fails once `budget` signatures were made: a token
    /// pulled out, a cloud authorization refused, in the middle of a batch.
    struct FailsAfter {
        inner: SoftwareSigner,
        budget: AtomicUsize,
        calls: AtomicUsize,
    }

    impl Signer for FailsAfter {
        fn certificate(&self) -> &Certificate {
            self.inner.certificate()
        }
        fn chain(&self) -> &[Certificate] {
            self.inner.chain()
        }
        fn key_kind(&self) -> KeyKind {
            self.inner.key_kind()
        }
        fn algorithms(&self) -> Vec<SignatureAlgorithm> {
            self.inner.algorithms()
        }
        fn sign_digests(
            &self,
            algorithm: SignatureAlgorithm,
            digests: &[&[u8]],
        ) -> Result<Vec<Vec<u8>>, SignError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let left = self.budget.load(Ordering::SeqCst);
            if digests.len() > left {
                return Err(SignError::BatchTooLarge {
                    actual: digests.len(),
                    limit: left,
                });
            }
            self.budget.fetch_sub(digests.len(), Ordering::SeqCst);
            self.inner.sign_digests(algorithm, digests)
        }
    }

    fn holder() -> SoftwareSigner {
        let pki = qes_testkit::TestPki::shared();
        SoftwareSigner::from_pkcs12(&pki.natural_person().pkcs12("t").unwrap(), "t").unwrap()
    }

    fn inputs(dir: &Path, n: usize) -> PathBuf {
        let input = dir.join("in");
        std::fs::create_dir(&input).unwrap();
        for i in 0..n {
            std::fs::write(
                input.join(format!("doc-{i:02}.pdf")),
                qes_testkit::pdf::one_page(&format!("doc {i}"), 0),
            )
            .unwrap();
        }
        input
    }

    #[test]
    fn a_signer_failing_mid_batch_leaves_no_output() {
        let dir = tempfile::tempdir().unwrap();
        let input = inputs(dir.path(), 7);
        let output = dir.path().join("out");
        // Steps of 3: the first step signs, the second fails.
        let failing = FailsAfter {
            inner: holder(),
            budget: AtomicUsize::new(3),
            calls: AtomicUsize::new(0),
        };
        let progress = Progress::new(ProgressMode::Never);
        let stepped = Stepped::new(&failing, 3, &progress);
        let builder = PadesSigner::new(&stepped);
        let err = run(&builder, &progress, &input, Some(&output), "B-B").unwrap_err();
        assert!(
            err.chain().contains(&input.display().to_string()),
            "{}",
            err.chain()
        );
        assert_eq!(
            failing.calls.load(Ordering::SeqCst),
            2,
            "failed on the second step"
        );
        assert_eq!(
            progress.signed.load(Ordering::SeqCst),
            3,
            "one step was signed"
        );
        let left: Vec<_> = std::fs::read_dir(&output).unwrap().collect();
        assert!(left.is_empty(), "nothing written: {left:?}");

        // The control: with enough budget the same batch writes all seven, in steps of 3.
        let working = FailsAfter {
            inner: holder(),
            budget: AtomicUsize::new(7),
            calls: AtomicUsize::new(0),
        };
        let progress = Progress::new(ProgressMode::Never);
        let stepped = Stepped::new(&working, 3, &progress);
        let builder = PadesSigner::new(&stepped);
        run(&builder, &progress, &input, Some(&output), "B-B").unwrap();
        assert_eq!(working.calls.load(Ordering::SeqCst), 3, "steps of 3, 3, 1");
        assert_eq!(std::fs::read_dir(&output).unwrap().count(), 7);
    }

    #[test]
    fn the_bar_fills_in_proportion() {
        assert_eq!(
            bar("signed", 0, 12),
            format!("[{}]  0/12 signed", "-".repeat(BAR_WIDTH))
        );
        assert_eq!(
            bar("signed", 6, 12),
            format!("[{}{}]  6/12 signed", "#".repeat(15), "-".repeat(15))
        );
        assert_eq!(
            bar("written", 12, 12),
            format!("[{}] 12/12 written", "#".repeat(BAR_WIDTH))
        );
        // Never past full, never a division by zero.
        assert_eq!(
            bar("signed", 13, 12),
            format!("[{}] 12/12 signed", "#".repeat(BAR_WIDTH))
        );
        assert!(bar("read", 0, 0).starts_with(&format!("[{}]", "#".repeat(BAR_WIDTH))));
    }
}
