//! The test PKI: root CA → qualified CA → the standard holders and service certificates.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, Months, TimeZone, Utc};
use der::Encode;
use x509_cert::serial_number::SerialNumber;

use crate::cert::{derived_serial, sign_certificate, CertSpec, Issued};
use crate::crl::Revoked;
use crate::error::{Error, Result};
use crate::key::{KeyAlgorithm, KeyPair};
use crate::profile::{ca_extensions, tsp_subject, DccType, EndEntity};

/// The default epoch: 2026-01-01T00:00:00Z.
pub fn default_epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

fn plus_years(t: DateTime<Utc>, years: u32) -> Result<DateTime<Utc>> {
    t.checked_add_months(Months::new(years.saturating_mul(12)))
        .ok_or(Error::TimeOutOfRange(t))
}

/// Builder of a [`TestPki`]: seed and epoch.
#[derive(Clone, Debug)]
pub struct TestPkiBuilder {
    seed: u64,
    epoch: DateTime<Utc>,
    ca_key: KeyAlgorithm,
}

impl Default for TestPkiBuilder {
    fn default() -> Self {
        Self {
            seed: 0,
            epoch: default_epoch(),
            ca_key: KeyAlgorithm::Rsa3072,
        }
    }
}

impl TestPkiBuilder {
    /// The seed every key and serial number is derived from (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The instant all validities start from (default [`default_epoch`]): root 20 years,
    /// CAs 10 years, end entities 3 years.
    pub fn epoch(mut self, epoch: DateTime<Utc>) -> Self {
        self.epoch = epoch;
        self
    }

    /// The key algorithm of the root and the qualified CA (default RSA-3072, as Romanian
    /// QTSP hierarchies use RSA). Generating the two RSA-3072 keys is most of the ~4 s a
    /// fresh process spends building the PKI; `EcP384` makes that ~50 ms.
    pub fn ca_key(mut self, algorithm: KeyAlgorithm) -> Self {
        self.ca_key = algorithm;
        self
    }

    /// Generates (or takes from the process-wide key cache) the keys and issues every
    /// standard certificate.
    ///
    /// # Errors
    /// If key generation, encoding or signing fails, or the epoch is outside what X.509
    /// times can hold.
    pub fn build(self) -> Result<TestPki> {
        let TestPkiBuilder {
            seed,
            epoch,
            ca_key,
        } = self;

        let root_key = KeyPair::derive(seed, crate::ROOT_LABEL, ca_key)?;
        let root_name = tsp_subject(crate::ROOT_CN)?;
        let root_cert = sign_certificate(
            CertSpec {
                serial: ca_serial(seed, crate::ROOT_LABEL, &root_key)?,
                subject: root_name,
                not_before: epoch,
                not_after: plus_years(epoch, 20)?,
                subject_key: &root_key,
                extensions: ca_extensions(None, root_key.key_identifier()?, None)?,
            },
            None,
        )?;
        let root = Issued::new(crate::ROOT_LABEL, root_cert, root_key, Vec::new(), true)?;

        let ca_key = KeyPair::derive(seed, crate::QUALIFIED_CA_LABEL, ca_key)?;
        let ca_cert = sign_certificate(
            CertSpec {
                serial: ca_serial(seed, crate::QUALIFIED_CA_LABEL, &ca_key)?,
                subject: tsp_subject(crate::QUALIFIED_CA_CN)?,
                not_before: epoch,
                not_after: plus_years(epoch, 10)?,
                subject_key: &ca_key,
                extensions: ca_extensions(Some(&root), ca_key.key_identifier()?, Some(0))?,
            },
            Some((root.subject(), root.key())),
        )?;
        let qualified_ca = Issued::new(
            crate::QUALIFIED_CA_LABEL,
            ca_cert,
            ca_key,
            root.chain_for_children(),
            true,
        )?;

        let mut pki = TestPki {
            seed,
            epoch,
            natural_person: qualified_ca.clone(),
            legal_person: qualified_ca.clone(),
            tsa: qualified_ca.clone(),
            ocsp_responder: qualified_ca.clone(),
            dcc: Vec::new(),
            root,
            qualified_ca,
        };
        pki.natural_person = pki.issue(&EndEntity::natural_person(
            crate::NATURAL_PERSON_GIVEN_NAME,
            crate::NATURAL_PERSON_SURNAME,
            crate::NATURAL_PERSON_CNP,
        ))?;
        pki.legal_person = pki.issue(&EndEntity::legal_person(
            crate::LEGAL_PERSON_ORGANIZATION,
            crate::LEGAL_PERSON_CUI,
        ))?;
        pki.tsa = pki.issue(&EndEntity::tsa(crate::TSA_CN))?;
        pki.ocsp_responder = pki.issue(&EndEntity::ocsp_responder(crate::OCSP_RESPONDER_CN))?;
        for dcc_type in DccType::ALL {
            let signer = pki.issue(&EndEntity::standard_dcc(dcc_type))?;
            pki.dcc.push((dcc_type, signer));
        }
        Ok(pki)
    }
}

fn ca_serial(seed: u64, label: &str, key: &KeyPair) -> Result<SerialNumber> {
    derived_serial(&[&seed.to_be_bytes(), label.as_bytes(), &key.public_key_der()])
}

/// A deterministic qualified test PKI.
///
/// ```text
/// root-ca (RSA-3072 by default, 20 y, self-signed)
/// └── qualified-ca (RSA-3072 by default, 10 y, pathLen 0, anyPolicy)
///     ├── natural-person   QCP-n-qscd, esign, PNORO-<CNP>      (RSA-2048, 3 y)
///     ├── legal-person     QCP-l-qscd, eseal, VATRO-<CUI>      (RSA-2048, 3 y)
///     ├── tsa              EKU timeStamping (critical)         (RSA-2048, 3 y)
///     ├── ocsp-responder   EKU OCSPSigning + ocsp-nocheck      (P-256, 3 y)
///     └── dcc-test / dcc-vaccination / dcc-recovery / dcc-any  (P-256, 3 y)
/// ```
/// Everything is issued by the qualified CA, including the DCC document signers (a real
/// DCC signer chains to a national CSCA; the DCC trust list holds the signer certificates
/// themselves, so the issuer does not matter to DCC verification).
///
/// The same seed and epoch always give byte-identical certificates, keys and CRLs.
#[derive(Clone, Debug)]
pub struct TestPki {
    seed: u64,
    epoch: DateTime<Utc>,
    root: Issued,
    qualified_ca: Issued,
    natural_person: Issued,
    legal_person: Issued,
    tsa: Issued,
    ocsp_responder: Issued,
    dcc: Vec<(DccType, Issued)>,
}

impl TestPki {
    /// A builder (seed 0, [`default_epoch`]).
    pub fn builder() -> TestPkiBuilder {
        TestPkiBuilder::default()
    }

    /// The process-wide PKI with seed 0 and the default epoch, built on first use.
    ///
    /// # Panics
    /// Only if building fails, which it does not unless key generation itself fails.
    #[allow(clippy::panic)] // Documented: a test-only convenience without a Result.
    pub fn shared() -> &'static TestPki {
        static SHARED: OnceLock<TestPki> = OnceLock::new();
        SHARED.get_or_init(|| match TestPki::builder().build() {
            Ok(pki) => pki,
            Err(e) => panic!("qes-testkit: building the shared test PKI failed: {e}"),
        })
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The epoch validities start from.
    pub fn epoch(&self) -> DateTime<Utc> {
        self.epoch
    }

    /// The self-signed root CA (RFC 5280 §4.2.1.9 / §4.2.1.3: basicConstraints cA critical,
    /// keyUsage keyCertSign + cRLSign critical, SKI).
    pub fn root(&self) -> &Issued {
        &self.root
    }

    /// The qualified issuing CA (pathLen 0, certificatePolicies anyPolicy, AIA caIssuers and
    /// CRL DP of the root).
    pub fn qualified_ca(&self) -> &Issued {
        &self.qualified_ca
    }

    /// The natural-person signer "Ștefan Mărgărit" (see [`EndEntity::natural_person`]).
    pub fn natural_person(&self) -> &Issued {
        &self.natural_person
    }

    /// The legal-person seal (see [`EndEntity::legal_person`]).
    pub fn legal_person(&self) -> &Issued {
        &self.legal_person
    }

    /// The time-stamping unit (see [`EndEntity::tsa`]).
    pub fn tsa(&self) -> &Issued {
        &self.tsa
    }

    /// The delegated OCSP responder (see [`EndEntity::ocsp_responder`]).
    pub fn ocsp_responder(&self) -> &Issued {
        &self.ocsp_responder
    }

    /// The EU DCC document signer of the given type (see [`EndEntity::dcc_signer`]).
    pub fn dcc_signer(&self, dcc_type: DccType) -> &Issued {
        self.dcc
            .iter()
            .find(|(t, _)| *t == dcc_type)
            .map_or(&self.qualified_ca, |(_, issued)| issued)
    }

    /// Every standard certificate: root, qualified CA, natural person, legal person, TSA,
    /// OCSP responder, then the DCC signers.
    pub fn all(&self) -> Vec<&Issued> {
        let mut all = vec![
            &self.root,
            &self.qualified_ca,
            &self.natural_person,
            &self.legal_person,
            &self.tsa,
            &self.ocsp_responder,
        ];
        all.extend(self.dcc.iter().map(|(_, issued)| issued));
        all
    }

    /// Issues `entity` from the qualified CA.
    ///
    /// # Errors
    /// If key generation, encoding or signing fails, or the validity window is empty or
    /// not representable.
    pub fn issue(&self, entity: &EndEntity) -> Result<Issued> {
        self.issue_by(&self.qualified_ca, entity)
    }

    /// Issues `entity` from `issuer` (the root or the qualified CA of this PKI, or any
    /// other CA [`Issued`]).
    ///
    /// # Errors
    /// [`Error::NotACa`] if `issuer` is not a CA; otherwise as [`issue`](Self::issue).
    pub fn issue_by(&self, issuer: &Issued, entity: &EndEntity) -> Result<Issued> {
        if !issuer.is_ca() {
            return Err(Error::NotACa(issuer.label().to_owned()));
        }
        let key = KeyPair::derive(self.seed, &entity.label, entity.key)?;
        let (subject, extensions) = entity.contents(issuer, key.key_identifier()?)?;
        let (not_before, not_after) = match entity.validity {
            Some(window) => window,
            None => (self.epoch, plus_years(self.epoch, 3)?),
        };
        let serial = match entity.serial {
            Some(serial) => SerialNumber::from(serial),
            None => derived_serial(&[
                &self.seed.to_be_bytes(),
                entity.label.as_bytes(),
                &subject.to_der()?,
                &not_before.timestamp().to_be_bytes(),
                &not_after.timestamp().to_be_bytes(),
                &key.public_key_der(),
                issuer.cert_der(),
            ])?,
        };
        let cert = sign_certificate(
            CertSpec {
                serial,
                subject,
                not_before,
                not_after,
                subject_key: &key,
                extensions,
            },
            Some((issuer.subject(), issuer.key())),
        )?;
        Issued::new(&entity.label, cert, key, issuer.chain_for_children(), false)
    }

    /// A v2 CRL (RFC 5280 §5) from `issuer` (the root or the qualified CA) listing
    /// `revoked`, with AKI, `cRLNumber` = `this_update` in Unix seconds, and `reasonCode`
    /// entry extensions.
    ///
    /// # Errors
    /// [`Error::NotACa`] if `issuer` is not a CA; encoding or signing failures.
    pub fn crl(
        &self,
        issuer: &Issued,
        revoked: &[Revoked],
        this_update: DateTime<Utc>,
        next_update: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        crate::crl::build(issuer, revoked, this_update, next_update)
    }

    /// Writes the PKI to `dir` (created if missing) and returns the paths written:
    ///
    /// - for every certificate of [`all`](Self::all): `<label>.pem` and `<label>.der`
    ///   (certificate), `<label>.key.pem` (PKCS#8), `<label>.p12` (PKCS#12 with password
    ///   [`PKCS12_PASSWORD`](crate::PKCS12_PASSWORD));
    /// - `chain.pem`: qualified CA then root;
    /// - `root-ca.crl` and `qualified-ca.crl`: empty CRLs (DER) valid from the epoch for one
    ///   year.
    ///
    /// # Errors
    /// I/O errors, and encoding failures mapped to [`io::ErrorKind::Other`].
    pub fn write_to(&self, dir: impl AsRef<Path>) -> io::Result<Vec<PathBuf>> {
        let dir = dir.as_ref();
        fs::create_dir_all(dir)?;
        let mut written = Vec::new();
        let mut put = |name: String, bytes: &[u8]| -> io::Result<()> {
            let path = dir.join(name);
            fs::write(&path, bytes)?;
            written.push(path);
            Ok(())
        };
        for issued in self.all() {
            let label = issued.label();
            put(format!("{label}.pem"), issued.cert_pem().as_bytes())?;
            put(format!("{label}.der"), issued.cert_der())?;
            put(
                format!("{label}.key.pem"),
                issued.key().pkcs8_pem().as_bytes(),
            )?;
            let p12 = issued
                .pkcs12(crate::PKCS12_PASSWORD)
                .map_err(io::Error::other)?;
            put(format!("{label}.p12"), &p12)?;
        }
        put(
            "chain.pem".to_owned(),
            self.natural_person
                .chain_pem()
                .map_err(io::Error::other)?
                .as_bytes(),
        )?;
        let next = plus_years(self.epoch, 1).map_err(io::Error::other)?;
        for ca in [&self.root, &self.qualified_ca] {
            let crl = self
                .crl(ca, &[], self.epoch, next)
                .map_err(io::Error::other)?;
            put(format!("{}.crl", ca.label()), &crl)?;
        }
        Ok(written)
    }
}
