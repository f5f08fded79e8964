//! Verification of CMS `SignedData` as CAdES (ETSI EN 319 122-1, validated in the manner of
//! ETSI EN 319 102-1 §5): every signer, its countersignatures and its signature timestamps,
//! over the bytes as received.

use crate::asn1::{self, oids};
use crate::report::{
    CadesLevel, Checks, Indication, SignerIdentity, SignerReport, Step, SubIndication,
    TimestampReport, VerificationReport,
};
use crate::signed_data::{AttributesView, SignedDataView, SignerInfoView};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use const_oid::ObjectIdentifier;
use qes_cert::{
    AlgorithmPolicy, Certificate, Crl, KeyUsageBit, KeyUsageSet, OcspResponse, ParseMode,
    PathError, PathErrorKind, PathValidator, RevocationPolicy, RevocationStatus, SignatureError,
    ValidatedPath, ValidationOptions,
};
use qes_signer::{DigestAlgorithm, SignatureAlgorithm};
use spki::AlgorithmIdentifierOwned;
use std::collections::BTreeMap;
use std::io::Read;

/// Largest signature file accepted (bytes); detached content has no limit (it streams).
pub const MAX_SIGNATURE_LEN: usize = 16 * 1024 * 1024;
/// Deepest nesting of countersignatures followed.
pub const MAX_COUNTERSIGNATURE_DEPTH: usize = 4;
/// How far (seconds) a claimed signing time may be after its signature timestamp's genTime
/// before the order is a failure (clock skew between signer and TSA).
pub const SIGNING_TIME_TOLERANCE_SECONDS: i64 = 300;
/// Most signers (including countersigners and timestamps) verified in one `SignedData`.
pub const MAX_SIGNERS: usize = 64;

/// Where the signed content is.
#[non_exhaustive]
pub enum Content<'c> {
    /// Encapsulated in the `SignedData` (an attached / enveloping `.p7s`).
    Attached,
    /// Supplied separately, in memory.
    Detached(&'c [u8]),
    /// Supplied separately, read once in a streaming pass (each digest algorithm the signers
    /// use is computed in the same pass).
    DetachedReader(&'c mut dyn Read),
    /// Only the content's digest is known (e.g. a PDF ByteRange hashed by the caller).
    DetachedDigest(DigestAlgorithm, &'c [u8]),
}

impl std::fmt::Debug for Content<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Attached => f.write_str("Attached"),
            Self::Detached(b) => write!(f, "Detached({} bytes)", b.len()),
            Self::DetachedReader(_) => f.write_str("DetachedReader"),
            Self::DetachedDigest(a, _) => write!(f, "DetachedDigest({a})"),
        }
    }
}

/// Verifies CMS / CAdES signatures against trust anchors at a given time.
///
/// ```text
/// Verifier::new(&anchors, at)            trust anchors and the validation time
///     .with_intermediates(certs)         extra CA certificates (the SignedData's own are used too)
///     .with_crls(crls)                   revocation data (the SignedData's own CRLs are used too)
///     .with_revocation(policy)           RevocationPolicy::IfAvailable by default
///     .verify(p7s, Content::Attached)    → VerificationReport
/// ```
///
/// The certificate path of each signer is validated at the earliest valid signature
/// timestamp's genTime when there is one (proof the signature existed then), else at the
/// validation time.
#[derive(Clone, Debug)]
pub struct Verifier<'a> {
    anchors: &'a [Certificate],
    intermediates: Vec<Certificate>,
    crls: Vec<Crl>,
    ocsp: Vec<OcspResponse>,
    revocation: RevocationPolicy,
    algorithms: AlgorithmPolicy,
    minimum_level: CadesLevel,
    at: DateTime<Utc>,
}

/// What one signer's core verification found, for the CAdES and timestamp paths to extend.
struct Core {
    checks: Checks,
    cert: Option<Certificate>,
    signing_time: Option<DateTime<Utc>>,
    algorithm_name: String,
    has_signing_certificate_attr: bool,
}

/// The pool of certificates and CRLs one `SignedData` brings.
struct Pool {
    certs: Vec<Certificate>,
    crls: Vec<Crl>,
}

impl<'a> Verifier<'a> {
    /// A verifier trusting `anchors`, validating at `at`.
    pub fn new(anchors: &'a [Certificate], at: DateTime<Utc>) -> Self {
        Self {
            anchors,
            intermediates: Vec::new(),
            crls: Vec::new(),
            ocsp: Vec::new(),
            revocation: RevocationPolicy::IfAvailable,
            algorithms: AlgorithmPolicy::strict(),
            minimum_level: CadesLevel::Cms,
            at,
        }
    }

    /// Extra intermediate CA certificates for path building.
    pub fn with_intermediates(mut self, certs: impl IntoIterator<Item = Certificate>) -> Self {
        self.intermediates.extend(certs);
        self
    }

    /// CRLs for revocation checking.
    pub fn with_crls(mut self, crls: impl IntoIterator<Item = Crl>) -> Self {
        self.crls.extend(crls);
        self
    }

    /// Require every top-level signer to reach at least `level` (e.g.
    /// [`CadesLevel::BaselineB`] to refuse plain CMS signatures without the signed
    /// signing-certificate reference and signing time, or [`CadesLevel::BaselineT`] to
    /// require a valid signature timestamp); below it is TOTAL-FAILED / FORMAT_FAILURE.
    /// Default: [`CadesLevel::Cms`] (any valid CMS signature).
    pub fn with_minimum_level(mut self, level: CadesLevel) -> Self {
        self.minimum_level = level;
        self
    }

    /// OCSP responses for revocation checking.
    pub fn with_ocsp_responses(
        mut self,
        responses: impl IntoIterator<Item = OcspResponse>,
    ) -> Self {
        self.ocsp.extend(responses);
        self
    }

    /// Whether revocation status is required (default: checked when data is available).
    pub fn with_revocation(mut self, policy: RevocationPolicy) -> Self {
        self.revocation = policy;
        self
    }

    /// Which algorithms are acceptable (default: [`AlgorithmPolicy::strict`]).
    pub fn with_algorithm_policy(mut self, policy: AlgorithmPolicy) -> Self {
        self.algorithms = policy;
        self
    }

    /// The validation time.
    pub fn time(&self) -> DateTime<Utc> {
        self.at
    }

    /// Verify a `.p7s` (a `ContentInfo` with `SignedData`, DER or BER).
    ///
    /// # Errors
    /// Only when no report can be made: the input is over [`MAX_SIGNATURE_LEN`], is not a
    /// `SignedData`, cannot be decoded, the detached content cannot be read, or content is
    /// supplied for a signature that encapsulates its own. Every verdict on a signer —
    /// including a wrong digest or signature — is in the report.
    pub fn verify(&self, signature: &[u8], content: Content<'_>) -> Result<VerificationReport> {
        if signature.len() > MAX_SIGNATURE_LEN {
            return Err(Error::TooLarge {
                what: "signature",
                actual: signature.len(),
                limit: MAX_SIGNATURE_LEN,
            });
        }
        let der = asn1::normalize_to_der(signature, &asn1::BerLimits::default())?;
        let sd = SignedDataView::parse_content_info(&der)?;
        let total = sd
            .signer_infos
            .iter()
            .try_fold(0usize, |n, si| n.checked_add(signature_count(si, 0)));
        if total.is_none_or(|n| n > MAX_SIGNERS) {
            return Err(Error::Structure {
                what: "SignedData",
                reason: "too many signers, countersignatures and timestamps",
            });
        }
        let detached = sd.econtent.is_none();
        if !detached && !matches!(content, Content::Attached) {
            return Err(Error::Structure {
                what: "content",
                reason: "content was supplied for a signature that encapsulates its own",
            });
        }
        let wanted: Vec<DigestAlgorithm> = {
            let mut algs: Vec<DigestAlgorithm> = sd
                .signer_infos
                .iter()
                .filter_map(|si| DigestAlgorithm::from_oid(&si.digest_algorithm.oid))
                .collect();
            algs.sort();
            algs.dedup();
            algs
        };
        let content_bytes: Option<&[u8]> = match (&content, sd.econtent) {
            (_, Some(e)) => Some(e),
            (Content::Detached(b), None) => Some(b),
            _ => None,
        };
        let digests = content_digests(content, sd.econtent, &wanted)?;
        let pool = self.pool(&sd);
        let mut signers = Vec::with_capacity(sd.signer_infos.len());
        for si in &sd.signer_infos {
            let digest =
                DigestAlgorithm::from_oid(&si.digest_algorithm.oid).and_then(|d| digests.get(&d));
            signers.push(self.verify_signer(
                si,
                &sd,
                content_bytes,
                digest.map(Vec::as_slice),
                &pool,
                0,
            ));
        }
        Ok(VerificationReport {
            detached,
            content_type: sd.econtent_type.to_string(),
            signers,
        })
    }

    fn pool(&self, sd: &SignedDataView<'_>) -> Pool {
        let mut certs: Vec<Certificate> = sd
            .certificates
            .iter()
            .filter_map(|der| Certificate::from_der(der, ParseMode::Lenient).ok())
            .collect();
        certs.extend(self.intermediates.iter().cloned());
        let mut crls: Vec<Crl> = sd
            .crls
            .iter()
            .filter_map(|der| Crl::from_der(der).ok())
            .collect();
        crls.extend(self.crls.iter().cloned());
        Pool { certs, crls }
    }

    /// One SignerInfo of the outer SignedData (or a countersignature at `depth` > 0).
    fn verify_signer(
        &self,
        si: &SignerInfoView<'_>,
        sd: &SignedDataView<'_>,
        content: Option<&[u8]>,
        digest: Option<&[u8]>,
        pool: &Pool,
        depth: usize,
    ) -> SignerReport {
        let expected_type = (depth == 0).then_some(sd.econtent_type);
        let mut core = self.verify_core(si, expected_type, content, digest, pool);

        // Signature timestamps (EN 319 122-1 §5.3): over the signature value's octets.
        let mut timestamps = Vec::new();
        if let Some(unsigned) = &si.unsigned_attrs {
            for token in unsigned
                .all(oids::SIGNATURE_TIME_STAMP)
                .flat_map(|a| a.values.iter())
            {
                let report = self.verify_token(token, Imprint::Data(si.signature), &pool.crls);
                match report.indication {
                    Indication::TotalPassed => core.checks.pass(Step::SignatureTimestamp),
                    _ => core.checks.not_checked(
                        Step::SignatureTimestamp,
                        format!(
                            "timestamp not usable as proof of existence: {}",
                            report.sub_indication.map_or("unknown", SubIndication::name)
                        ),
                    ),
                }
                timestamps.push(report);
            }
        }
        let timestamp_time = timestamps
            .iter()
            .filter(|t| t.indication == Indication::TotalPassed)
            .filter_map(|t| t.gen_time)
            .min();
        // The claimed signing time cannot be after the proof that the signature existed.
        if let (Some(claimed), Some(proven)) = (core.signing_time, timestamp_time) {
            if claimed > proven + chrono::TimeDelta::seconds(SIGNING_TIME_TOLERANCE_SECONDS) {
                core.checks.fail(
                    Step::SignatureTimestamp,
                    SubIndication::TimestampOrderFailure,
                    format!(
                        "the claimed signing time {claimed} is after the signature timestamp {proven}"
                    ),
                );
            }
        }
        let mut validation_time = self.at;
        if let Some(cert) = &core.cert {
            self.check_key_usage(cert, &mut core.checks);
            validation_time = self.check_signer_path(cert, pool, timestamp_time, &mut core.checks);
        }

        // Countersignatures (RFC 5652 §11.4): over this signature value's octets.
        let mut countersignatures = Vec::new();
        if let Some(unsigned) = &si.unsigned_attrs {
            for value in unsigned
                .all(oids::COUNTERSIGNATURE)
                .flat_map(|a| a.values.iter())
            {
                if depth + 1 > MAX_COUNTERSIGNATURE_DEPTH {
                    core.checks
                        .not_checked(Step::Format, "countersignatures nested too deep");
                    break;
                }
                let report = match SignerInfoView::parse(value) {
                    Ok(counter) => {
                        let digest = DigestAlgorithm::from_oid(&counter.digest_algorithm.oid)
                            .map(|d| d.digest(si.signature));
                        self.verify_signer(
                            &counter,
                            sd,
                            Some(si.signature),
                            digest.as_deref(),
                            pool,
                            depth + 1,
                        )
                    }
                    Err(e) => format_failure_report(self.at, format!("countersignature: {e}")),
                };
                countersignatures.push(report);
            }
        }

        let level = match (
            core.has_signing_certificate_attr,
            core.signing_time.is_some() || depth > 0,
        ) {
            (true, true) if timestamp_time.is_some() => CadesLevel::BaselineT,
            (true, true) => CadesLevel::BaselineB,
            _ => CadesLevel::Cms,
        };
        if depth == 0 && level < self.minimum_level {
            core.checks.fail(
                Step::SignedAttributes,
                SubIndication::FormatFailure,
                format!(
                    "the signature reaches {level:?}, below the required {:?}",
                    self.minimum_level
                ),
            );
        }
        let (indication, sub_indication) = core.checks.indication();
        SignerReport {
            indication,
            sub_indication,
            signer: core.cert.as_ref().map(identity),
            signature_algorithm: core.algorithm_name,
            signing_time: core.signing_time,
            timestamp_time,
            validation_time,
            level,
            checks: core.checks.checks,
            timestamps,
            countersignatures,
        }
    }

    /// The checks common to every SignerInfo (CAdES signer, countersigner, TSA): signer
    /// certificate, signed-attribute rules, message digest, signature value, ESS reference.
    fn verify_core(
        &self,
        si: &SignerInfoView<'_>,
        expected_content_type: Option<ObjectIdentifier>,
        content: Option<&[u8]>,
        digest: Option<&[u8]>,
        pool: &Pool,
    ) -> Core {
        let mut checks = Checks::default();
        let digest_alg = DigestAlgorithm::from_oid(&si.digest_algorithm.oid);
        let algorithm_name =
            SignatureAlgorithm::from_algorithm_identifier(&si.signature_algorithm, digest_alg)
                .map_or_else(
                    |_| si.signature_algorithm.oid.to_string(),
                    |a| a.name().to_owned(),
                );
        let mut core = Core {
            checks: Checks::default(),
            cert: None,
            signing_time: None,
            algorithm_name,
            has_signing_certificate_attr: false,
        };

        // 1. Signer certificate: every candidate the identifier names; the ESS reference and
        //    the signature pick among look-alikes.
        let candidates: Vec<&Certificate> =
            pool.certs.iter().filter(|c| si.sid.matches(c)).collect();
        if candidates.is_empty() {
            checks.fail(
                Step::SignerCertificate,
                SubIndication::NoSigningCertificateFound,
                "no certificate matches the signer identifier",
            );
        } else {
            checks.pass(Step::SignerCertificate);
        }

        // 2. Signed attributes.
        let Some(attrs) = &si.signed_attrs else {
            // Plain CMS without signed attributes: the signature is over the content itself.
            checks.pass(Step::SignedAttributes);
            match (content, candidates.first()) {
                (Some(content), Some(first)) => {
                    let verified = candidates
                        .iter()
                        .find(|c| self.signature_ok(si, c, content).is_ok());
                    match verified {
                        Some(cert) => {
                            checks.pass(Step::SignatureValue);
                            core.cert = Some((*cert).clone());
                        }
                        None => {
                            let (sub, why) =
                                signature_failure(self.signature_ok(si, first, content));
                            checks.fail(Step::SignatureValue, sub, why);
                            core.cert = Some((*first).clone());
                        }
                    }
                }
                (None, _) => checks.fail(
                    Step::SignatureValue,
                    SubIndication::SignedDataNotFound,
                    "no signed attributes and the content is not available in memory",
                ),
                (Some(_), None) => {
                    checks.not_checked(Step::SignatureValue, "no signer certificate")
                }
            }
            core.checks = checks;
            return core;
        };
        let rules = attribute_rules(attrs, expected_content_type);
        match &rules {
            Ok(_) => checks.pass(Step::SignedAttributes),
            Err(why) => checks.fail(
                Step::SignedAttributes,
                SubIndication::FormatFailure,
                why.clone(),
            ),
        }
        if let Ok(found) = &rules {
            core.signing_time = found.signing_time;
            // 3. Message digest.
            match (digest_alg, digest, &found.message_digest) {
                (None, _, _) => checks.fail(
                    Step::MessageDigest,
                    SubIndication::CryptoConstraintsFailureNoPoe,
                    format!("unsupported digest algorithm {}", si.digest_algorithm.oid),
                ),
                (Some(_), None, _) => checks.fail(
                    Step::MessageDigest,
                    SubIndication::SignedDataNotFound,
                    "the signed content was not provided",
                ),
                (Some(_), Some(computed), Some(claimed)) if computed == claimed.as_slice() => {
                    checks.pass(Step::MessageDigest)
                }
                (Some(alg), Some(_), _) => checks.fail(
                    Step::MessageDigest,
                    SubIndication::HashFailure,
                    format!("the content's {alg} does not match the message-digest attribute"),
                ),
            }
        }

        // 4. Signature value, over the signed attributes as received (RFC 5652 §5.4).
        let signed = attrs.signed_bytes();
        let verified: Vec<&Certificate> = candidates
            .iter()
            .copied()
            .filter(|c| self.signature_ok(si, c, &signed).is_ok())
            .collect();
        let chosen = match (verified.as_slice(), candidates.first()) {
            ([], Some(first)) => {
                let (sub, why) = signature_failure(self.signature_ok(si, first, &signed));
                checks.fail(Step::SignatureValue, sub, why);
                Some(*first)
            }
            ([], None) => {
                checks.not_checked(Step::SignatureValue, "no signer certificate");
                None
            }
            (ok @ [first_ok, ..], _) => {
                checks.pass(Step::SignatureValue);
                // Among look-alike certificates that all verify, the ESS reference decides.
                let bound = rules
                    .as_ref()
                    .ok()
                    .and_then(|r| ok.iter().find(|c| r.references(c).is_ok()));
                Some(*bound.unwrap_or(first_ok))
            }
        };

        // 5. The ESS signing-certificate(-v2) reference (RFC 5035 §3, EN 319 122-1 §5.2.2).
        if let (Ok(found), Some(cert)) = (&rules, chosen) {
            if found.signing_certificate.is_some() {
                core.has_signing_certificate_attr = true;
                match found.references(cert) {
                    Ok(()) => checks.pass(Step::SigningCertificateReference),
                    Err(why) => checks.fail(
                        Step::SigningCertificateReference,
                        SubIndication::NoSigningCertificateFound,
                        why,
                    ),
                }
            }
        }
        core.cert = chosen.cloned();
        core.checks = checks;
        core
    }

    fn signature_ok(
        &self,
        si: &SignerInfoView<'_>,
        cert: &Certificate,
        message: &[u8],
    ) -> std::result::Result<(), SignatureError> {
        let alg = effective_signature_algorithm(&si.signature_algorithm, &si.digest_algorithm);
        qes_cert::verify_signature(
            &alg,
            &cert.x509().tbs_certificate.subject_public_key_info,
            message,
            si.signature,
            &self.algorithms,
        )
    }

    fn check_key_usage(&self, cert: &Certificate, checks: &mut Checks) {
        match KeyUsageSet::from_certificate(cert) {
            Ok(None) => checks.pass(Step::KeyUsage),
            Ok(Some(ku))
                if ku.has(KeyUsageBit::DigitalSignature)
                    || ku.has(KeyUsageBit::ContentCommitment) =>
            {
                checks.pass(Step::KeyUsage)
            }
            Ok(Some(_)) => checks.fail(
                Step::KeyUsage,
                SubIndication::ChainConstraintsFailure,
                "key usage has neither digitalSignature nor nonRepudiation",
            ),
            Err(e) => checks.fail(
                Step::KeyUsage,
                SubIndication::ChainConstraintsFailure,
                format!("key usage: {e}"),
            ),
        }
    }

    fn validate_path(
        &self,
        cert: &Certificate,
        pool: &Pool,
        at: DateTime<Utc>,
    ) -> std::result::Result<ValidatedPath, PathError> {
        let options = ValidationOptions::new(at)
            .with_crls(pool.crls.iter().cloned())
            .with_ocsp_responses(self.ocsp.iter().cloned())
            .with_revocation(self.revocation)
            .with_algorithm_policy(self.algorithms);
        PathValidator::new(self.anchors)
            .with_intermediates(&pool.certs)
            .validate(cert, &options)
    }

    /// The certificate path at the validation time (timestamp tokens, and signers without
    /// proof of existence).
    fn check_path(&self, cert: &Certificate, pool: &Pool, checks: &mut Checks) {
        match self.validate_path(cert, pool, self.at) {
            Ok(path) => pass_path(&path, checks),
            Err(e) => path_failure(&e, self.at, false, checks),
        }
    }

    /// The signer's certificate path (EN 319 102-1 §5.6.2.4, past signature validation, in
    /// its simple form): first at the validation time; when that fails only because the
    /// signer's certificate has since expired or been revoked, and a valid signature
    /// timestamp proves the signature existed earlier (`poe`), again at `poe` — accepted if
    /// the path was valid then and any revocation is dated after `poe`. Revocation data
    /// dated before a later revocation cannot hide it: the first validation sees the newest
    /// data. The time the verdict rests on is returned.
    fn check_signer_path(
        &self,
        cert: &Certificate,
        pool: &Pool,
        poe: Option<DateTime<Utc>>,
        checks: &mut Checks,
    ) -> DateTime<Utc> {
        let now = match self.validate_path(cert, pool, self.at) {
            Ok(path) => {
                pass_path(&path, checks);
                return self.at;
            }
            Err(e) => e,
        };
        let Some(poe) = poe else {
            path_failure(&now, self.at, false, checks);
            return self.at;
        };
        let revoked_after_poe = |e: &PathError| {
            e.index() == Some(0)
                && matches!(e.kind(), PathErrorKind::Revoked { time, .. } if *time > poe)
        };
        if revoked_after_poe(&now) {
            checks.pass_with(
                Step::CertificatePath,
                format!("{now}, after the signature's proof of existence at {poe}"),
            );
            return self.at;
        }
        let out_of_validity = now.index() == Some(0)
            && matches!(
                now.kind(),
                PathErrorKind::Expired | PathErrorKind::NotYetValid
            );
        if !out_of_validity {
            path_failure(&now, self.at, true, checks);
            return self.at;
        }
        match self.validate_path(cert, pool, poe) {
            Ok(path) => pass_path(&path, checks),
            Err(e) if revoked_after_poe(&e) => checks.pass_with(
                Step::CertificatePath,
                format!("{e}, after the signature's proof of existence at {poe}"),
            ),
            Err(e) => path_failure(&e, poe, true, checks),
        }
        poe
    }

    /// Verify an RFC 3161 timestamp token (a `ContentInfo` with `SignedData` over `TSTInfo`)
    /// whose imprint must be the hash of `stamped`.
    ///
    /// Checks (RFC 3161 §2.4.2, RFC 5816, EN 319 122-1 §5.3): the token's structure, one
    /// signer, its signed attributes and message digest over the `TSTInfo` as received, its
    /// signature, the ESS signing-certificate(-v2) reference, the TSA certificate's critical
    /// extended key usage `id-kp-timeStamping` (and nothing else), the message imprint, and
    /// the TSA's certificate path at genTime.
    pub fn verify_timestamp_token(&self, token: &[u8], stamped: &[u8]) -> TimestampReport {
        self.verify_token(token, Imprint::Data(stamped), &[])
    }

    /// As [`Verifier::verify_timestamp_token`], when only the stamped data's digest is known.
    pub fn verify_timestamp_token_digest(
        &self,
        token: &[u8],
        algorithm: DigestAlgorithm,
        digest: &[u8],
    ) -> TimestampReport {
        self.verify_token(token, Imprint::Digest(algorithm, digest), &[])
    }

    /// A token as received (BER tolerated), with the token's own certificates and CRLs plus
    /// `outer_crls` (those of the SignedData it is embedded in) for its TSA's path.
    fn verify_token(
        &self,
        token: &[u8],
        imprint: Imprint<'_>,
        outer_crls: &[Crl],
    ) -> TimestampReport {
        let der = match asn1::normalize_to_der(token, &asn1::BerLimits::default()) {
            Ok(der) => der,
            Err(e) => return failed_token(format!("{e}")),
        };
        match SignedDataView::parse_content_info(&der) {
            Ok(sd) => {
                let mut pool = self.pool(&sd);
                pool.crls.extend(outer_crls.iter().cloned());
                self.verify_token_view(&sd, imprint, &pool)
            }
            Err(e) => failed_token(format!("{e}")),
        }
    }

    fn verify_token_view(
        &self,
        sd: &SignedDataView<'_>,
        imprint: Imprint<'_>,
        pool: &Pool,
    ) -> TimestampReport {
        let mut report = TimestampReport {
            indication: Indication::Indeterminate,
            sub_indication: None,
            gen_time: None,
            tsa: None,
            policy: None,
            serial: None,
            checks: Vec::new(),
        };
        let mut checks = Checks::default();
        let (Some(econtent), [si]) = (sd.econtent, sd.signer_infos.as_slice()) else {
            checks.fail(
                Step::Format,
                SubIndication::FormatFailure,
                "a timestamp token has exactly one signer and encapsulated TSTInfo",
            );
            (report.indication, report.sub_indication) = checks.indication();
            report.checks = checks.checks;
            return report;
        };
        if sd.econtent_type != oids::ID_CT_TST_INFO {
            checks.fail(
                Step::Format,
                SubIndication::FormatFailure,
                format!("eContentType is {}, not id-ct-TSTInfo", sd.econtent_type),
            );
        }
        let digest =
            DigestAlgorithm::from_oid(&si.digest_algorithm.oid).map(|d| d.digest(econtent));
        let core = self.verify_core(
            si,
            Some(oids::ID_CT_TST_INFO),
            Some(econtent),
            digest.as_deref(),
            pool,
        );
        checks.checks.extend(core.checks.checks);
        if let Some(sub) = core.checks.verdict {
            checks.verdict = Some(sub);
        }
        if !core.has_signing_certificate_attr && core.cert.is_some() {
            checks.fail(Step::SigningCertificateReference, SubIndication::FormatFailure, "the token has no ESS signing-certificate(-v2) attribute (RFC 3161 §2.4.1, RFC 5816)");
        }
        match asn1::TstInfo::from_der(econtent) {
            Ok(info) => {
                report.gen_time = Some(info.gen_time);
                report.policy = Some(info.policy.to_string());
                report.serial = Some(info.serial_hex());
                let expected = match imprint {
                    Imprint::Data(data) => {
                        DigestAlgorithm::from_oid(&info.message_imprint.hash_algorithm.oid)
                            .map(|d| (d, d.digest(data)))
                    }
                    Imprint::Digest(alg, digest) => Some((alg, digest.to_vec())),
                };
                match expected {
                    Some((alg, digest))
                        if alg.oid() == info.message_imprint.hash_algorithm.oid
                            && digest == info.message_imprint.hashed_message =>
                    {
                        checks.pass(Step::TimestampContent)
                    }
                    Some(_) => checks.fail(
                        Step::TimestampContent,
                        SubIndication::HashFailure,
                        "the message imprint does not match the timestamped data",
                    ),
                    None => checks.fail(
                        Step::TimestampContent,
                        SubIndication::CryptoConstraintsFailureNoPoe,
                        format!(
                            "unsupported imprint hash {}",
                            info.message_imprint.hash_algorithm.oid
                        ),
                    ),
                }
                if let Some(cert) = &core.cert {
                    report.tsa = Some(identity(cert));
                    match tsa_eku(cert) {
                        Ok(()) => checks.pass(Step::KeyUsage),
                        Err(why) => {
                            checks.fail(Step::KeyUsage, SubIndication::ChainConstraintsFailure, why)
                        }
                    }
                    // At the validation time, not at genTime: genTime is the token's own claim,
                    // and a TSA key revoked since could back-date tokens (EN 319 102-1 §5.4).
                    self.check_path(cert, pool, &mut checks);
                }
            }
            Err(e) => checks.fail(
                Step::TimestampContent,
                SubIndication::FormatFailure,
                format!("TSTInfo: {e}"),
            ),
        }
        (report.indication, report.sub_indication) = checks.indication();
        report.checks = checks.checks;
        report
    }
}

enum Imprint<'a> {
    Data(&'a [u8]),
    Digest(DigestAlgorithm, &'a [u8]),
}

/// RFC 3161 §2.3: the TSA certificate has exactly one extended key usage, id-kp-timeStamping,
/// and the extension is critical.
fn tsa_eku(cert: &Certificate) -> std::result::Result<(), String> {
    match qes_cert::ExtendedKeyUsageSet::from_certificate(cert) {
        Ok(Some(eku)) if eku.critical && eku.purposes == [qes_cert::KeyPurpose::TimeStamping] => {
            Ok(())
        }
        Ok(Some(eku)) if !eku.critical => {
            Err("the TSA certificate's extended key usage is not critical".into())
        }
        Ok(Some(_)) => {
            Err("the TSA certificate's extended key usage is not exactly id-kp-timeStamping".into())
        }
        Ok(None) => Err("the TSA certificate has no extended key usage".into()),
        Err(e) => Err(format!("extended key usage: {e}")),
    }
}

fn failed_token(why: String) -> TimestampReport {
    let mut checks = Checks::default();
    checks.fail(Step::Format, SubIndication::FormatFailure, why);
    let (indication, sub_indication) = checks.indication();
    TimestampReport {
        indication,
        sub_indication,
        gen_time: None,
        tsa: None,
        policy: None,
        serial: None,
        checks: checks.checks,
    }
}

fn format_failure_report(at: DateTime<Utc>, why: String) -> SignerReport {
    let mut checks = Checks::default();
    checks.fail(Step::Format, SubIndication::FormatFailure, why);
    let (indication, sub_indication) = checks.indication();
    SignerReport {
        indication,
        sub_indication,
        signer: None,
        signature_algorithm: String::new(),
        signing_time: None,
        timestamp_time: None,
        validation_time: at,
        level: CadesLevel::Cms,
        checks: checks.checks,
        timestamps: Vec::new(),
        countersignatures: Vec::new(),
    }
}

fn identity(cert: &Certificate) -> SignerIdentity {
    SignerIdentity {
        subject: qes_cert::format_dn(cert.subject()),
        issuer: qes_cert::format_dn(cert.issuer()),
        serial: cert.serial_hex(),
        certificate_sha256: DigestAlgorithm::Sha256
            .digest(cert.der())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        certificate_der: cert.der().to_vec(),
    }
}

fn signature_failure(result: std::result::Result<(), SignatureError>) -> (SubIndication, String) {
    match result {
        Ok(()) => (
            SubIndication::SigCryptoFailure,
            "signature did not verify".into(),
        ),
        Err(
            e @ (SignatureError::Sha1Rejected
            | SignatureError::DsaRejected
            | SignatureError::RsaKeySize { .. }),
        ) => (SubIndication::CryptoConstraintsFailureNoPoe, e.to_string()),
        Err(e @ SignatureError::BadSignature) => (SubIndication::SigCryptoFailure, e.to_string()),
        Err(e) => (SubIndication::SigCryptoFailure, e.to_string()),
    }
}

/// `rsaEncryption` in `SignerInfo.signatureAlgorithm` (RFC 3370 §3.2) means PKCS#1 v1.5 with
/// the SignerInfo's digest algorithm.
fn effective_signature_algorithm(
    signature: &AlgorithmIdentifierOwned,
    digest: &AlgorithmIdentifierOwned,
) -> AlgorithmIdentifierOwned {
    if signature.oid == const_oid::db::rfc5912::RSA_ENCRYPTION {
        if let Some(alg) = DigestAlgorithm::from_oid(&digest.oid) {
            if let Ok(aid) = SignatureAlgorithm::RsaPkcs1v15(alg).algorithm_identifier() {
                return aid;
            }
        }
    }
    signature.clone()
}

/// The ESS reference to the signing certificate, v1 (SHA-1) or v2.
enum SigningCertificateRef {
    V1(asn1::SigningCertificate),
    V2(asn1::SigningCertificateV2),
}

impl SigningCertificateRef {
    /// The first reference names the signing certificate (RFC 2634 §5.4, RFC 5035 §3).
    fn check(&self, cert: &Certificate) -> std::result::Result<(), String> {
        let binding = match self {
            Self::V1(v1) => v1.signing_cert_id().map(|id| id.binding(cert)),
            Self::V2(v2) => v2.signing_cert_id().map(|id| id.binding(cert)),
        };
        match binding {
            None => Err("the signing-certificate attribute references no certificate".into()),
            Some(b) if b.is_bound() => Ok(()),
            Some(b) => Err(match (b.cert_hash, b.issuer_serial) {
                (asn1::HashMatch::UnsupportedAlgorithm, _) => format!("the signing-certificate reference uses unsupported hash {}", b.hash_algorithm),
                (asn1::HashMatch::Mismatch, _) => "the signing-certificate reference's hash is not the signer certificate's".into(),
                _ => "the signing-certificate reference's issuer and serial are not the signer certificate's".into(),
            }),
        }
    }
}

/// What the signed-attribute rules found.
struct FoundAttributes {
    message_digest: Option<Vec<u8>>,
    signing_time: Option<DateTime<Utc>>,
    signing_certificate: Option<SigningCertificateRef>,
}

impl FoundAttributes {
    fn references(&self, cert: &Certificate) -> std::result::Result<(), String> {
        match &self.signing_certificate {
            None => Ok(()),
            Some(reference) => reference.check(cert),
        }
    }
}

/// RFC 5652 §5.3 and §11, EN 319 122-1 §5.2: each attribute type at most once;
/// content-type (one value, equal to eContentType; absent in countersignatures),
/// message-digest (one OCTET STRING), signing-time (one Time), no countersignature among
/// signed attributes, at most one signing-certificate(-v2).
fn attribute_rules(
    attrs: &AttributesView<'_>,
    expected_content_type: Option<ObjectIdentifier>,
) -> std::result::Result<FoundAttributes, String> {
    let mut seen = std::collections::BTreeSet::new();
    for a in &attrs.attributes {
        if !seen.insert(a.oid) {
            return Err(format!("attribute {} appears more than once", a.oid));
        }
        if a.values.is_empty() {
            return Err(format!("attribute {} has no value", a.oid));
        }
    }
    let single =
        |oid: ObjectIdentifier, name: &str| -> std::result::Result<Option<&[u8]>, String> {
            match attrs.all(oid).next() {
                None => Ok(None),
                Some(a) => match a.values.as_slice() {
                    [v] => Ok(Some(*v)),
                    _ => Err(format!("{name} must have exactly one value")),
                },
            }
        };
    match (
        expected_content_type,
        single(oids::CONTENT_TYPE, "content-type")?,
    ) {
        (Some(expected), Some(v)) => {
            let found = ObjectIdentifier::from_der(v).map_err(|e| format!("content-type: {e}"))?;
            if found != expected {
                return Err(format!(
                    "content-type attribute {found} differs from eContentType {expected}"
                ));
            }
        }
        (Some(_), None) => return Err("content-type attribute missing".into()),
        (None, Some(_)) => {
            return Err("a countersignature must not have a content-type attribute".into())
        }
        (None, None) => {}
    }
    let message_digest = match single(oids::MESSAGE_DIGEST, "message-digest")? {
        Some(v) => Some(
            der::asn1::OctetString::from_der(v)
                .map_err(|e| format!("message-digest: {e}"))?
                .into_bytes(),
        ),
        None => return Err("message-digest attribute missing".into()),
    };
    let signing_time = match single(oids::SIGNING_TIME, "signing-time")? {
        Some(v) => Some(asn1::parse_time(v).map_err(|e| format!("signing-time: {e}"))?),
        None => None,
    };
    if attrs.all(oids::COUNTERSIGNATURE).next().is_some() {
        return Err("countersignature is an unsigned attribute only".into());
    }
    let v2 = single(oids::SIGNING_CERTIFICATE_V2, "signing-certificate-v2")?;
    let v1 = single(oids::SIGNING_CERTIFICATE, "signing-certificate")?;
    let signing_certificate = match (v2, v1) {
        (Some(_), Some(_)) => {
            return Err("both signing-certificate and signing-certificate-v2".into())
        }
        (Some(v), None) => Some(
            asn1::SigningCertificateV2::from_der(v)
                .map(SigningCertificateRef::V2)
                .map_err(|e| format!("signing-certificate-v2: {e}"))?,
        ),
        (None, Some(v)) => Some(
            asn1::SigningCertificate::from_der(v)
                .map(SigningCertificateRef::V1)
                .map_err(|e| format!("signing-certificate: {e}"))?,
        ),
        (None, None) => None,
    };
    Ok(FoundAttributes {
        message_digest,
        signing_time,
        signing_certificate,
    })
}

use der::Decode as _;

/// Digest the content with every algorithm the signers use, in one pass.
fn content_digests(
    content: Content<'_>,
    encapsulated: Option<&[u8]>,
    algorithms: &[DigestAlgorithm],
) -> Result<BTreeMap<DigestAlgorithm, Vec<u8>>> {
    let hash_all = |data: &[u8]| algorithms.iter().map(|a| (*a, a.digest(data))).collect();
    Ok(match (encapsulated, content) {
        (Some(data), _) => hash_all(data),
        (None, Content::Detached(data)) => hash_all(data),
        (None, Content::DetachedReader(reader)) => {
            let mut hashers: Vec<_> = algorithms.iter().map(|a| a.hasher()).collect();
            let mut buf = vec![0u8; 256 * 1024];
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::Io(e)),
                };
                let chunk = buf.get(..n).unwrap_or_default();
                hashers.iter_mut().for_each(|h| h.update(chunk));
            }
            hashers
                .into_iter()
                .map(|h| (h.algorithm(), h.finish()))
                .collect()
        }
        (None, Content::DetachedDigest(alg, digest)) => {
            [(alg, digest.to_vec())].into_iter().collect()
        }
        (None, Content::Attached) => BTreeMap::new(),
    })
}

/// A valid path: passed, with a note when a certificate's revocation status was not
/// established (only possible under [`RevocationPolicy::IfAvailable`]).
fn pass_path(path: &ValidatedPath, checks: &mut Checks) {
    let unknown: Vec<String> = path
        .certificates()
        .iter()
        .zip(path.revocation())
        .filter(|(_, status)| !matches!(status, RevocationStatus::Good))
        .map(|(cert, status)| format!("{} ({status:?})", qes_cert::format_dn(cert.subject())))
        .collect();
    if unknown.is_empty() {
        checks.pass(Step::CertificatePath);
    } else {
        checks.pass_with(
            Step::CertificatePath,
            format!(
                "revocation status not established for {}: accepted because revocation data is \
                 optional under RevocationPolicy::IfAvailable",
                unknown.join("; ")
            ),
        );
    }
}

/// A failed path, with the ETSI EN 319 102-1 sub-indication for its error; `proven` when a
/// signature timestamp gives proof of existence.
fn path_failure(e: &PathError, at: DateTime<Utc>, proven: bool, checks: &mut Checks) {
    let leaf = e.index() == Some(0);
    let sub = match e.kind() {
        PathErrorKind::NoIssuer | PathErrorKind::PathTooLong => {
            SubIndication::NoCertificateChainFound
        }
        PathErrorKind::Expired if leaf && proven => SubIndication::Expired,
        PathErrorKind::NotYetValid if leaf && proven => SubIndication::NotYetValid,
        PathErrorKind::Expired | PathErrorKind::NotYetValid => SubIndication::OutOfBoundsNoPoe,
        PathErrorKind::Revoked { .. } if leaf && proven => SubIndication::Revoked,
        PathErrorKind::Revoked { .. } if leaf => SubIndication::RevokedNoPoe,
        PathErrorKind::Revoked { .. } => SubIndication::RevokedCaNoPoe,
        PathErrorKind::RevocationUnknown(_) => SubIndication::TryLater,
        PathErrorKind::Signature(
            SignatureError::Sha1Rejected
            | SignatureError::DsaRejected
            | SignatureError::RsaKeySize { .. },
        ) => SubIndication::CryptoConstraintsFailureNoPoe,
        PathErrorKind::NameChaining
        | PathErrorKind::NotCa
        | PathErrorKind::PathLength
        | PathErrorKind::KeyUsage
        | PathErrorKind::UnknownCriticalExtension { .. }
        | PathErrorKind::Policy
        | PathErrorKind::NameConstraints => SubIndication::ChainConstraintsFailure,
        _ => SubIndication::CertificateChainGeneralFailure,
    };
    checks.fail(
        Step::CertificatePath,
        sub,
        format!("{e} [{}] at {at}", e.code()),
    );
}

/// How many signatures verifying `si` means: itself, its signature timestamps and, to
/// [`MAX_COUNTERSIGNATURE_DEPTH`], its countersignatures (saturating; malformed
/// countersignatures count once, they are reported, not verified).
fn signature_count(si: &SignerInfoView<'_>, depth: usize) -> usize {
    let Some(unsigned) = &si.unsigned_attrs else {
        return 1;
    };
    let timestamps = unsigned
        .all(oids::SIGNATURE_TIME_STAMP)
        .map(|a| a.values.len())
        .fold(0usize, usize::saturating_add);
    let counters = unsigned
        .all(oids::COUNTERSIGNATURE)
        .flat_map(|a| a.values.iter())
        .map(|v| match SignerInfoView::parse(v) {
            Ok(c) if depth < MAX_COUNTERSIGNATURE_DEPTH => signature_count(&c, depth + 1),
            _ => 1,
        })
        .fold(0usize, usize::saturating_add);
    1usize.saturating_add(timestamps).saturating_add(counters)
}
