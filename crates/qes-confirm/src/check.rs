//! The two checks of a confirmation document: the provider's check of the holder's upload
//! ([`check_holder_signed`]) and the receiving authority's check of the countersigned
//! document ([`check_final`]). Both verify with a caller-configured
//! [`qes_pades::PadesVerifier`] (trust anchors, validation time, revocation data) and
//! return every failed rule as a typed [`Reason`], never a bare boolean.

use chrono::{DateTime, Utc};
use qes_cert::{Certificate, ParseMode, QualifiedSummary};
use qes_cms::SignerIdentity;
use qes_pades::pdf::Document;
use qes_pades::{
    modifications_since, read_private_data, Coverage, Modifications, PadesLevel, PadesVerifier,
    SignatureReport,
};
use serde::Serialize;

use crate::holder::{sha256_hex, HolderData, PRIVATE_DATA_APPLICATION};
use crate::prefill::{COUNTERSIGNATURE_FIELD, HOLDER_FIELD};
use crate::reason::{Reason, Role};

/// The provider's check of a holder-signed upload.
#[derive(Clone, Debug, Serialize)]
pub struct HolderCheck {
    /// Every failed rule; empty when the upload is accepted.
    pub reasons: Vec<Reason>,
    /// The verifier's report on the holder's signature, when there is one.
    pub signature: Option<SignatureReport>,
    /// SHA-256 of the checked upload (binds [`crate::countersign`] to these bytes).
    pub upload_sha256: String,
}

impl HolderCheck {
    /// Whether the upload is accepted (no reasons).
    pub fn is_accepted(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// The receiving authority's check of a countersigned confirmation document.
#[derive(Clone, Debug, Serialize)]
pub struct FinalCheck {
    /// Every failed rule; empty when the document is accepted.
    pub reasons: Vec<Reason>,
    /// The report on the holder's signature.
    pub holder_signature: Option<SignatureReport>,
    /// The report on the provider's countersignature.
    pub countersignature: Option<SignatureReport>,
    /// The holder data of the certificate that signed in the holder field: what the
    /// document must state.
    pub holder: Option<HolderData>,
}

impl FinalCheck {
    /// Whether the document is accepted (no reasons).
    pub fn is_accepted(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// Check an upload: it must be exactly the `prefilled` bytes followed by incremental
/// updates that only sign the holder field (ISO 32000-2 §7.5.6, §12.8; the modification
/// analysis of `qes-pades` at signature-maintenance level), and that signature must be
/// valid for `verifier`, made with exactly `expected` (the certificate the document was
/// prefilled for), qualified (EN 319 412-5 QcCompliance) and within its validity at the
/// signing time (the signature timestamp, else the claimed `/M`).
pub fn check_holder_signed(
    verifier: &PadesVerifier<'_>,
    prefilled: &[u8],
    uploaded: &[u8],
    expected: &Certificate,
) -> HolderCheck {
    let mut check = HolderCheck {
        reasons: Vec::new(),
        signature: None,
        upload_sha256: sha256_hex(uploaded),
    };
    if !uploaded.starts_with(prefilled) {
        check.reasons.push(Reason::ContentChanged {
            detail: "the upload does not begin with the prefilled document's exact bytes: \
                     it was edited or re-saved"
                .into(),
        });
        return check;
    }
    if uploaded.len() == prefilled.len() {
        check.reasons.push(Reason::NotSigned);
        return check;
    }
    let report = match verifier.verify(uploaded) {
        Ok(r) => r,
        Err(e) => {
            check.reasons.push(Reason::Unreadable {
                detail: e.to_string(),
            });
            return check;
        }
    };
    match modifications_since(uploaded, prefilled.len()) {
        Ok(Modifications::None | Modifications::SignatureMaintenance) => {}
        Ok(Modifications::NotAllowed { object, reason }) => {
            check.reasons.push(Reason::ContentChanged {
                detail: format!("object {object}: {reason}"),
            });
        }
        Ok(other) => check.reasons.push(Reason::ContentChanged {
            detail: format!("later revisions go beyond signing: {other:?}"),
        }),
        Err(e) => check.reasons.push(Reason::Unreadable {
            detail: e.to_string(),
        }),
    }
    let mut holder = None;
    for sig in report.signatures {
        if sig.field == HOLDER_FIELD && holder.is_none() {
            holder = Some(sig);
        } else {
            check
                .reasons
                .push(Reason::UnexpectedSignature { field: sig.field });
        }
    }
    let Some(holder) = holder else {
        check.reasons.push(Reason::NotSigned);
        return check;
    };
    judge_signature(&holder, Role::Holder, &mut check.reasons);
    if let Some(id) = signer(&holder) {
        let expected_sha256 = sha256_hex(expected.der());
        if id.certificate_sha256 != expected_sha256 {
            check.reasons.push(Reason::OtherCertificate {
                expected_serial: expected.serial_hex(),
                found_serial: id.serial.clone(),
            });
        } else {
            judge_holder_certificate(expected, &holder, &mut check.reasons);
        }
    }
    check.signature = Some(holder);
    check
}

/// Check a countersigned confirmation document as the receiving authority: both
/// signatures valid for `verifier` (whose validation time is the `at` of the check); the
/// countersignature PAdES B-T, by one of `trusted_countersigners` (compared as exact
/// certificates) and covering the whole file (nothing appended or rewritten after it);
/// nothing but the countersignature added after the holder's signature; the holder's
/// certificate qualified and valid when signing; and the holder data the document states
/// equal to the holder's certificate.
pub fn check_final(
    verifier: &PadesVerifier<'_>,
    document: &[u8],
    trusted_countersigners: &[Certificate],
) -> FinalCheck {
    let mut check = FinalCheck {
        reasons: Vec::new(),
        holder_signature: None,
        countersignature: None,
        holder: None,
    };
    let report = match verifier.verify(document) {
        Ok(r) => r,
        Err(e) => {
            check.reasons.push(Reason::Unreadable {
                detail: e.to_string(),
            });
            return check;
        }
    };
    for sig in report.signatures {
        if sig.field == HOLDER_FIELD && check.holder_signature.is_none() {
            check.holder_signature = Some(sig);
        } else if sig.field == COUNTERSIGNATURE_FIELD && check.countersignature.is_none() {
            check.countersignature = Some(sig);
        } else {
            check
                .reasons
                .push(Reason::UnexpectedSignature { field: sig.field });
        }
    }

    match &check.countersignature {
        None => check.reasons.push(Reason::CountersignatureMissing),
        Some(counter) => {
            let mut reasons = Vec::new();
            judge_countersignature(
                counter,
                trusted_countersigners,
                document.len(),
                &mut reasons,
            );
            check.reasons.extend(reasons);
        }
    }

    match &check.holder_signature {
        None => check.reasons.push(Reason::NotSigned),
        Some(holder) => {
            judge_signature(holder, Role::Holder, &mut check.reasons);
            if let Some(Modifications::NotAllowed { object, reason }) = &holder.modifications {
                check.reasons.push(Reason::ModifiedAfterHolderSignature {
                    detail: format!("object {object}: {reason}"),
                });
            } else if !matches!(
                holder.modifications,
                Some(Modifications::None | Modifications::SignatureMaintenance)
            ) {
                check.reasons.push(Reason::ModifiedAfterHolderSignature {
                    detail: format!("{:?}", holder.modifications),
                });
            }
            let cert = signer(holder)
                .and_then(|id| Certificate::from_der(&id.certificate_der, ParseMode::Lenient).ok());
            if let Some(cert) = cert {
                judge_holder_certificate(&cert, holder, &mut check.reasons);
                compare_holder_data(document, &cert, &mut check);
            }
        }
    }
    check
}

fn judge_countersignature(
    counter: &SignatureReport,
    trusted: &[Certificate],
    document_len: usize,
    reasons: &mut Vec<Reason>,
) {
    if counter.byte_range_problem.is_some() || !counter.intact {
        reasons.push(Reason::ModifiedAfterCountersignature {
            detail: "the countersigned bytes are no longer where the signature says (edited or re-saved)"
                .into(),
        });
        return;
    }
    if counter.coverage != Some(Coverage::EntireFile) {
        reasons.push(Reason::ModifiedAfterCountersignature {
            detail: match counter.byte_range {
                Some([_, _, start, len]) => format!(
                    "{} bytes were appended after it",
                    document_len.saturating_sub(start.saturating_add(len))
                ),
                None => "the countersignature does not cover the whole file".into(),
            },
        });
    }
    judge_signature(counter, Role::Countersignature, reasons);
    if counter.passed() && counter.level != Some(PadesLevel::BaselineT) {
        reasons.push(Reason::CountersignatureNotTimestamped);
    }
    if let Some(id) = signer(counter) {
        if !trusted
            .iter()
            .any(|t| sha256_hex(t.der()) == id.certificate_sha256)
        {
            reasons.push(Reason::CountersignerNotTrusted {
                subject: id.subject.clone(),
            });
        }
    }
}

/// The signing certificate's identity, from the CMS report.
fn signer(report: &SignatureReport) -> Option<&SignerIdentity> {
    report.signer.as_ref().and_then(|s| s.signer.as_ref())
}

/// The signature-level verdict: intact, valid and TOTAL-PASSED.
fn judge_signature(report: &SignatureReport, role: Role, reasons: &mut Vec<Reason>) {
    if report.passed() {
        return;
    }
    let mut detail = format!("{:?}", report.indication);
    if let Some(sub) = &report.sub_indication {
        detail.push_str(&format!("/{sub:?}"));
    }
    if let Some(problem) = &report.problem {
        detail.push_str(&format!(": {problem}"));
    } else if let Some(failure) = report.signer.as_ref().and_then(|s| s.first_failure()) {
        detail.push_str(&format!(": {:?} {:?}", failure.step, failure.outcome));
    }
    if !report.intact {
        detail.push_str(" (the signed bytes do not match the signature)");
    }
    reasons.push(Reason::SignatureInvalid { role, detail });
}

/// The holder certificate: qualified, and valid at the signing time.
fn judge_holder_certificate(
    cert: &Certificate,
    report: &SignatureReport,
    reasons: &mut Vec<Reason>,
) {
    match QualifiedSummary::of(cert) {
        Ok(summary) if summary.is_eu_qualified() => {}
        _ => reasons.push(Reason::NotQualified),
    }
    match signing_time(report) {
        None => reasons.push(Reason::SigningTimeUnknown { role: Role::Holder }),
        Some(t) if t > cert.not_after() => reasons.push(Reason::CertificateExpired {
            role: Role::Holder,
            signed_at: t,
            not_after: cert.not_after(),
        }),
        Some(t) if t < cert.not_before() => reasons.push(Reason::CertificateNotYetValid {
            role: Role::Holder,
            signed_at: t,
            not_before: cert.not_before(),
        }),
        Some(_) => {}
    }
}

/// When the signature was made: its signature timestamp, else the claimed `/M`.
fn signing_time(report: &SignatureReport) -> Option<DateTime<Utc>> {
    report.timestamp_time.or(report.signing_time)
}

fn compare_holder_data(document: &[u8], cert: &Certificate, check: &mut FinalCheck) {
    let expected = match HolderData::from_certificate(cert) {
        Ok(d) => d,
        Err(_) => {
            check.reasons.push(Reason::HolderDataMismatch {
                fields: vec!["the holder certificate names no natural person".into()],
            });
            return;
        }
    };
    let stated =
        Document::open(document).and_then(|doc| read_private_data(&doc, PRIVATE_DATA_APPLICATION));
    match stated {
        Ok(Some(entries)) => {
            let differences = expected.differences(&entries);
            if !differences.is_empty() {
                check.reasons.push(Reason::HolderDataMismatch {
                    fields: differences.into_iter().map(String::from).collect(),
                });
            }
        }
        Ok(None) => check.reasons.push(Reason::HolderDataMissing),
        Err(e) => check.reasons.push(Reason::Unreadable {
            detail: e.to_string(),
        }),
    }
    check.holder = Some(expected);
}
