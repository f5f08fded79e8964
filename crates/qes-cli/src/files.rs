//! Reading certificate and CRL files given on the command line.

use std::path::{Path, PathBuf};

use qes_cert::{parse_any, Certificate, ParseMode};

use crate::error::CliError;

/// Read a file whole.
pub fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(CliError::io(path))
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

/// `path` with `.ext` appended to its file name (`doc.pdf` → `doc.pdf.p7s`).
pub fn with_extension_added(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// Open `path` for random access (a PDF, read in windows and chunks, never whole), with
/// its length.
pub fn open_random_access(path: &Path) -> Result<(std::fs::File, u64), CliError> {
    let file = std::fs::File::open(path).map_err(CliError::io(path))?;
    let len = file.metadata().map_err(CliError::io(path))?.len();
    Ok((file, len))
}

/// The first `n` bytes of `path` (fewer for a shorter file).
pub fn head(path: &Path, n: u64) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    let mut out = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(n).read_to_end(&mut out))
        .map_err(CliError::io(path))?;
    Ok(out)
}

/// Open `path` for one streaming pass.
pub fn open(path: &Path) -> Result<std::io::BufReader<std::fs::File>, CliError> {
    std::fs::File::open(path)
        .map(std::io::BufReader::new)
        .map_err(CliError::io(path))
}

/// The parse mode a `--lenient` flag selects.
pub fn parse_mode(lenient: bool) -> ParseMode {
    if lenient {
        ParseMode::Lenient
    } else {
        ParseMode::Strict
    }
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory, then a rename,
/// so a reader never sees half a file and a failure leaves no partial output. Refuses to
/// overwrite any of `inputs` (an input is never modified).
pub fn write_atomic(path: &Path, bytes: &[u8], inputs: &[&Path]) -> Result<(), CliError> {
    write_atomic_with(path, inputs, |out| {
        out.write_all(bytes).map_err(CliError::io(path))
    })
}

/// As [`write_atomic`], with the content streamed by `write` into the temporary file (a large
/// output is never held in memory).
pub fn write_atomic_with(
    path: &Path,
    inputs: &[&Path],
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let io = CliError::io(path);
    if let Ok(out) = path.canonicalize() {
        if inputs
            .iter()
            .any(|i| i.canonicalize().is_ok_and(|i| i == out))
        {
            return Err(CliError::Usage(format!(
                "{}: refusing to overwrite an input",
                path.display()
            )));
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile::NamedTempFile::new_in(&dir).map_err(&io)?;
    let mut buffered = std::io::BufWriter::new(temp);
    write(&mut buffered)?;
    let temp = buffered.into_inner().map_err(|e| io(e.into_error()))?;
    temp.as_file().sync_all().map_err(&io)?;
    temp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Write a secret (a private key) to a new file readable only by its owner (mode 0600 on
/// Unix), refusing to overwrite an existing file.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(CliError::io(path))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(CliError::io(path))
}
