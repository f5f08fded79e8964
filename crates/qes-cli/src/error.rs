//! The CLI's error: what went wrong, rendered as one line.

use std::path::{Path, PathBuf};

/// A usage, I/O or input error: the command could not run to a verdict.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file's contents are not what the command needs.
    #[error("{path}: {source}")]
    Input {
        /// The file.
        path: PathBuf,
        /// Why (boxed: the library error carries OIDs and names inline).
        #[source]
        source: Box<qes_cert::Error>,
    },
    /// The signing key could not be loaded.
    #[error("{path}: {source}")]
    Key {
        /// The key file.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<qes_signer::SignError>,
    },
    /// Signing or reading a signature failed.
    #[error("{path}: {source}")]
    Cms {
        /// The file signed or verified.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<qes_cms::Error>,
    },
    /// Signing, timestamping or reading a PDF failed.
    #[error("{path}: {source}")]
    Pdf {
        /// The PDF.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<qes_pades::Error>,
    },
    /// Prefilling or countersigning a confirmation document failed.
    #[error("{path}: {source}")]
    Confirm {
        /// The certificate or document concerned.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<qes_confirm::Error>,
    },
    /// Talking to a TSA or reading its answer failed.
    #[error("{what}: {source}")]
    Tsp {
        /// The TSA or file concerned.
        what: String,
        /// Why.
        #[source]
        source: Box<qes_tsp::TspError>,
    },
    /// Building a certificate request failed.
    #[error("{path}: {source}")]
    Csr {
        /// The request file.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<qes_renewal::CsrError>,
    },
    /// Talking to a cloud signing service (CSC API) failed.
    #[error("{what}: {source}")]
    Cloud {
        /// The service URL or credential concerned.
        what: String,
        /// Why.
        #[source]
        source: Box<qes_cloud::CloudError>,
    },
    /// A command-line value is malformed.
    #[error("{0}")]
    Usage(String),
    /// The test PKI could not be built.
    #[error("building the test PKI: {0}")]
    TestPki(String),
    /// JSON output failed.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A PKCS#11 token operation failed.
    #[error("token {token}: {source}")]
    Token {
        /// The token (label or module) concerned.
        token: String,
        /// Why.
        #[source]
        source: Box<qes_token::TokenError>,
    },
}

impl CliError {
    /// Exit status for every `CliError` (verdicts use 0 and 1).
    pub const EXIT_CODE: u8 = 2;

    /// The mapper of an I/O error on `path`.
    pub fn io(path: &Path) -> impl Fn(std::io::Error) -> Self + '_ {
        move |source| Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The mapper of a key-loading error on the key file `path`.
    pub fn key(path: &Path) -> impl Fn(qes_signer::SignError) -> Self + '_ {
        move |source| Self::Key {
            path: path.to_path_buf(),
            source: Box::new(source),
        }
    }

    /// The mapper of a PKCS#11 error on `token`.
    pub fn token(token: impl std::fmt::Display) -> impl Fn(qes_token::TokenError) -> Self {
        let token = token.to_string();
        move |source| Self::Token {
            token: token.clone(),
            source: Box::new(source),
        }
    }

    /// The mapper of a CMS error on `path`.
    pub fn cms(path: &Path) -> impl Fn(qes_cms::Error) -> Self + '_ {
        move |source| Self::Cms {
            path: path.to_path_buf(),
            source: Box::new(source),
        }
    }

    /// The mapper of a PDF error on `path`.
    pub fn pdf(path: &Path) -> impl Fn(qes_pades::Error) -> Self + '_ {
        move |source| Self::Pdf {
            path: path.to_path_buf(),
            source: Box::new(source),
        }
    }

    /// The mapper of a confirmation-document error on `path`.
    pub fn confirm(path: &Path) -> impl Fn(qes_confirm::Error) -> Self + '_ {
        move |source| Self::Confirm {
            path: path.to_path_buf(),
            source: Box::new(source),
        }
    }

    /// The mapper of a time-stamp protocol error about `what` (a TSA URL or a file).
    pub fn tsp(what: impl std::fmt::Display) -> impl Fn(qes_tsp::TspError) -> Self {
        let what = what.to_string();
        move |source| Self::Tsp {
            what: what.clone(),
            source: Box::new(source),
        }
    }

    /// An input error about `path`.
    pub fn input(path: impl Into<PathBuf>, source: qes_cert::Error) -> Self {
        Self::Input {
            path: path.into(),
            source: Box::new(source),
        }
    }

    /// The error and its causes on one line: `a: b: c`.
    pub fn chain(&self) -> String {
        let mut line = self.to_string();
        let mut source = std::error::Error::source(self);
        // The top-level message already embeds its direct source; add only deeper causes.
        if let Some(direct) = source {
            source = direct.source();
        }
        while let Some(cause) = source {
            line.push_str(": ");
            line.push_str(&cause.to_string());
            source = cause.source();
        }
        line
    }
}
