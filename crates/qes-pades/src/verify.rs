//! Verification of every signature in a PDF (ISO 32000-2 §12.8.1, ETSI EN 319 142-1):
//! signature fields enumerated through the interactive form, each `/ByteRange` checked
//! against the file and its own `/Contents`, the coverage determined, and the CMS verified
//! by `qes-cms` over the two ranges, read in one streaming pass.

use crate::diff::{self, Modifications};
use crate::docmdp;
use crate::pdf::{parse_date, startxref_before, Dict, Document, ObjRef, Object, PdfString, Source};
use crate::report::{
    ByteRangeProblem, CertificationProblem, Coverage, DictionaryConflict, PadesLevel, PdfReport,
    SignatureKind, SignatureReport,
};
use crate::{Error, Result};
use qes_cms::{Content, Indication, Step, SubIndication, Verifier};
use qes_signer::DigestAlgorithm;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// `/SubFilter` values verified as CMS detached over the ByteRange.
const CADES_DETACHED: &[u8] = b"ETSI.CAdES.detached";
const PKCS7_DETACHED: &[u8] = b"adbe.pkcs7.detached";
/// `/SubFilter` of a document timestamp (ISO 32000-2 §12.8.5).
const RFC3161: &[u8] = b"ETSI.RFC3161";

/// How far `/M` may be from a signed signing-time attribute (seconds) before the signature
/// dictionary is taken to contradict its CMS: writers set both from one clock, a few
/// seconds apart at most.
pub const SIGNING_TIME_TOLERANCE_SECS: i64 = 60;

/// Most form fields (indirect field objects, signature or not) examined in one document.
pub const MAX_SIGNATURE_FIELDS: usize = 1 << 16;

/// Verifies every signature of a PDF (ISO 32000-2 §12.8.1, §12.8.5; ETSI EN 319 142-1)
/// with a configured [`qes_cms::Verifier`] (trust anchors, validation time, revocation data,
/// algorithm policy).
///
/// ```text
/// PadesVerifier::new(Verifier::new(&anchors, at))
///     .verify(&pdf)                 → PdfReport, one SignatureReport per signed field
/// ```
#[derive(Debug)]
pub struct PadesVerifier<'a> {
    cms: Verifier<'a>,
}

impl<'a> PadesVerifier<'a> {
    /// A verifier using `cms` for the CMS and certificate checks.
    pub fn new(cms: Verifier<'a>) -> Self {
        Self { cms }
    }

    /// Verify every signature field with a value (`/FT /Sig`, `/V`) of `pdf`.
    ///
    /// # Errors
    /// Only when the document itself cannot be read ([`Error::Encrypted`], a reader error
    /// on the cross-reference data, catalog or form, [`Error::Limit`] for more than
    /// [`MAX_SIGNATURE_FIELDS`] form fields). Every verdict on a signature —
    /// ByteRange, coverage, digest, signature value, certificate — is in the report.
    pub fn verify(&self, pdf: &[u8]) -> Result<PdfReport> {
        self.verify_document(&Document::open(pdf)?)
    }

    /// Verify every signature of the PDF `reader` gives (a file), reading only what the
    /// verification needs: the cross-reference data, the objects of the form and the
    /// signatures, and each signed range once, in chunks — never the whole file at once.
    ///
    /// # Errors
    /// As [`PadesVerifier::verify`], or [`Error::Read`] when reading fails.
    pub fn verify_reader(
        &self,
        reader: impl std::io::Read + std::io::Seek + 'static,
    ) -> Result<PdfReport> {
        self.verify_document(&Document::from_reader(reader)?)
    }

    /// Verify every signature of `doc` (opened from memory or a reader).
    ///
    /// # Errors
    /// As [`PadesVerifier::verify`].
    pub fn verify_document(&self, doc: &Document<'_>) -> Result<PdfReport> {
        if doc.is_encrypted() {
            return Err(Error::Encrypted);
        }
        let revision_ends = revision_ends(doc);
        // Every revision's form is searched, so that a later revision cannot hide a
        // signature by dropping its field (the signature is then judged with the changes
        // after it).
        let mut found = signature_fields(doc)?;
        for section in doc.sections().iter().skip(1) {
            if let Ok(older) = doc.revision(section.offset) {
                found.extend(signature_fields(&older).unwrap_or_default());
            }
        }
        let mut seen = BTreeSet::new();
        let signatures = found
            .into_iter()
            .filter(|(_, _, sig)| {
                // The same dictionary seen from several revisions: its /Contents position,
                // or (when not read from the file directly) its /ByteRange.
                let key = match sig.get("Contents") {
                    Some(Object::String(PdfString { span: Some(r), .. })) => {
                        format!("{}-{}", r.start, r.end)
                    }
                    _ => format!("{:?}", read_byte_range(sig)),
                };
                seen.insert(key)
            })
            .map(|(field, sig_ref, sig)| {
                let mut report = self.verify_one(doc, &revision_ends, field, sig_ref, &sig);
                report.summarise();
                report
            })
            .collect();
        Ok(PdfReport { signatures })
    }

    fn verify_one(
        &self,
        doc: &Document<'_>,
        revision_ends: &BTreeMap<usize, usize>,
        field: String,
        sig_ref: Option<ObjRef>,
        sig: &Dict,
    ) -> SignatureReport {
        let pdf = doc.source();
        let sub_filter = sig.get_name("SubFilter").map(<[u8]>::to_vec);
        let claimed_time = match sig.get("M") {
            Some(Object::String(s)) => Some(s.to_text()),
            _ => None,
        };
        let byte_range = read_byte_range(sig);
        let contents = match sig.get("Contents") {
            Some(Object::String(s)) => Some(s),
            _ => None,
        };
        let kind = if sub_filter.as_deref() == Some(RFC3161) {
            SignatureKind::DocumentTimestamp
        } else {
            SignatureKind::Signature
        };
        let mut report = SignatureReport {
            field,
            kind,
            sub_filter: sub_filter
                .as_deref()
                .map(|s| String::from_utf8_lossy(s).into_owned()),
            byte_range,
            byte_range_problem: None,
            coverage: None,
            intact: false,
            valid: false,
            level: None,
            certification: docmdp::level_of(doc, sig).ok().flatten(),
            certification_problem: None,
            dictionary_conflict: None,
            signing_time: claimed_time.as_deref().and_then(parse_date),
            claimed_time,
            timestamp_time: None,
            trusted: false,
            indication: Indication::TotalFailed,
            sub_indication: Some(SubIndication::FormatFailure),
            problem: None,
            signer: None,
            timestamp: None,
            modifications: None,
        };
        let ranges = match check_byte_range(byte_range, contents, pdf.len()) {
            Ok(r) => r,
            Err(p) => {
                report.byte_range_problem = Some(p);
                report.problem = Some(p.to_string());
                return report;
            }
        };
        let [_, first_len, second_start, second_len] = ranges;
        let covered_end = second_start.saturating_add(second_len);
        report.coverage = Some(if covered_end == pdf.len() {
            Coverage::EntireFile
        } else if revision_ends.contains_key(&covered_end) {
            Coverage::EntireRevision
        } else {
            Coverage::Partial
        });
        // The signed revision is what its own `startxref` names (in a linearized file that
        // is the first-page section, not the last one written).
        let signed_revision = match report.coverage {
            Some(Coverage::EntireRevision) => {
                startxref_before(pdf, covered_end).and_then(|offset| doc.revision(offset).ok())
            }
            _ => None,
        };
        // A certification signature is the one its revision's catalog names in /Perms
        // /DocMDP (ISO 32000-2 §12.8.4 Table 263): a DocMDP /Reference elsewhere claims a
        // certification the document does not grant.
        if let Some(claimed) = report.certification {
            let names_it = match (&signed_revision, report.coverage) {
                (Some(signed), _) => perms_docmdp(signed) == sig_ref,
                (None, Some(Coverage::EntireFile)) => perms_docmdp(doc) == sig_ref,
                _ => true, // partial coverage fails anyway
            };
            if !names_it || sig_ref.is_none() {
                report.certification = None;
                report.certification_problem =
                    Some(CertificationProblem::NotNamedByPerms { claimed });
            }
        }
        report.modifications = Some(match report.coverage {
            Some(Coverage::EntireFile) => Modifications::None,
            Some(Coverage::EntireRevision) => signed_revision
                .as_ref()
                .and_then(|signed| diff::analyse(doc, signed).ok())
                .unwrap_or(Modifications::NotAllowed {
                    object: 0,
                    reason: "the later revisions cannot be read",
                }),
            _ => Modifications::NotAllowed {
                object: 0,
                reason: "the signed bytes end inside a revision",
            },
        });
        let Some(sub) = sub_filter.as_deref() else {
            report.problem = Some("no /SubFilter".into());
            return report;
        };
        if sub != CADES_DETACHED && sub != PKCS7_DETACHED && sub != RFC3161 {
            report.problem = Some(format!(
                "unsupported /SubFilter {}",
                String::from_utf8_lossy(sub)
            ));
            return report;
        }
        let Some(contents) = contents else {
            report.problem = Some("no /Contents".into());
            return report;
        };
        let cms = der_prefix(&contents.bytes);
        if covered_end > pdf.len() {
            report.problem = Some("ranges outside the file".into());
            return report;
        }
        let signed = [0..first_len, second_start..covered_end];
        if kind == SignatureKind::DocumentTimestamp {
            self.verify_document_timestamp(&mut report, cms, pdf, signed);
            return report;
        }
        let mut reader = pdf.reader(signed);
        let cms_report = match self.cms.verify(cms, Content::DetachedReader(&mut reader)) {
            Ok(r) => r,
            Err(e) => {
                // Includes a SignedData that encapsulates its own content (ISO 32000-2
                // §12.8.3.3: detached only).
                if qes_cms::token_tst_info(cms).is_ok() {
                    report.dictionary_conflict = Some(DictionaryConflict::SubFilter);
                }
                report.problem = Some(format!("CMS: {e}"));
                return report;
            }
        };
        if !cms_report.detached {
            if qes_cms::token_tst_info(cms).is_ok() {
                report.dictionary_conflict = Some(DictionaryConflict::SubFilter);
            }
            report.problem = Some("the CMS encapsulates content".into());
            return report;
        }
        let signers = cms_report.signers.len();
        let Ok([signer]) = <[_; 1]>::try_from(cms_report.signers) else {
            // ISO 32000-2 §12.8.3.3.1: exactly one SignerInfo.
            report.problem = Some(format!("{signers} SignerInfos, expected exactly one"));
            return report;
        };
        let passed = |step: Step| {
            signer
                .checks
                .iter()
                .any(|c| c.step == step && c.outcome.passed())
        };
        report.intact = passed(Step::MessageDigest);
        report.valid = report.intact && passed(Step::SignatureValue);
        report.indication = signer.indication;
        report.sub_indication = signer.sub_indication;
        // EN 319 142-1 §5.4, §6.3: a PAdES baseline signature has ETSI.CAdES.detached, a
        // signing-certificate-v2 reference and no signing-time attribute (a signature with
        // one may verify as CMS, but it is no PAdES baseline signature).
        if sub == CADES_DETACHED
            && passed(Step::SigningCertificateReference)
            && signer.signing_time.is_none()
        {
            report.level = Some(if signer.timestamp_time.is_some() {
                PadesLevel::BaselineT
            } else {
                PadesLevel::BaselineB
            });
        }
        if report.coverage == Some(Coverage::Partial) {
            // The signed bytes end inside a revision: what follows is unsigned but read as
            // part of the signed revision (ISO 32000-2 §12.8.1 requires the whole file at
            // signing time). A cryptographic failure already found stays the verdict.
            if report.indication != Indication::TotalFailed {
                report.indication = Indication::TotalFailed;
                report.sub_indication = Some(SubIndication::FormatFailure);
            }
            report.problem = Some("the signed bytes end inside a revision".into());
        }
        // ETSI EN 319 142-1 §5.4.2: with a signing-time attribute (non-baseline), /M
        // shall not contradict it.
        if let (Some(signed_at), Some(m)) = (signer.signing_time, report.signing_time) {
            if (signed_at - m).num_seconds().abs() > SIGNING_TIME_TOLERANCE_SECS {
                report.dictionary_conflict = Some(DictionaryConflict::SigningTime);
            }
        }
        report.signer = Some(signer);
        disallow_contradictions(&mut report);
        disallow_modifications(&mut report);
        report
    }

    /// An RFC 3161 token over the two ranges (ISO 32000-2 §12.8.5): its imprint algorithm
    /// read from the token, the ranges hashed with it in one pass, and the token verified by
    /// `qes-cms` (imprint, signature, TSA certificate and path at genTime).
    fn verify_document_timestamp(
        &self,
        report: &mut SignatureReport,
        token: &[u8],
        pdf: &Source<'_>,
        signed: [Range<usize>; 2],
    ) {
        let algorithm = qes_cms::token_tst_info(token)
            .ok()
            .and_then(|info| DigestAlgorithm::from_oid(&info.message_imprint.hash_algorithm.oid));
        let Some(algorithm) = algorithm else {
            if qes_cms::token_tst_info(token).is_err() {
                // A CMS signature (or anything else) under ETSI.RFC3161.
                report.dictionary_conflict = Some(DictionaryConflict::SubFilter);
            }
            report.problem =
                Some("/Contents is not a timestamp token with a supported imprint hash".into());
            return;
        };
        let mut hasher = algorithm.hasher();
        for range in signed {
            let hashed = pdf.for_each_chunk(range, |chunk| {
                hasher.update(chunk);
                Ok(())
            });
            if let Err(e) = hashed {
                report.problem = Some(format!("the signed ranges cannot be read: {e}"));
                return;
            }
        }
        let ts = self
            .cms
            .verify_timestamp_token_digest(token, algorithm, &hasher.finish());
        let passed = |step: Step| {
            ts.checks
                .iter()
                .any(|c| c.step == step && c.outcome.passed())
        };
        report.intact = passed(Step::TimestampContent);
        report.valid = report.intact && passed(Step::SignatureValue);
        report.indication = ts.indication;
        report.sub_indication = ts.sub_indication;
        if report.coverage == Some(Coverage::Partial)
            && report.indication != Indication::TotalFailed
        {
            report.indication = Indication::TotalFailed;
            report.sub_indication = Some(SubIndication::FormatFailure);
            report.problem = Some("the signed bytes end inside a revision".into());
        }
        report.timestamp = Some(ts);
        disallow_contradictions(report);
        disallow_modifications(report);
    }
}

/// The signature dictionary named by the catalog's `/Perms /DocMDP` in `doc`.
fn perms_docmdp(doc: &Document<'_>) -> Option<ObjRef> {
    let (_, catalog) = doc.catalog().ok()?;
    let perms = doc.resolve_dict(catalog.get("Perms")).ok()??;
    perms.get_ref("DocMDP")
}

/// A signature dictionary that claims a certification the document does not grant, or
/// contradicts its CMS, fails the signature (a cryptographic failure already found stays
/// the verdict).
fn disallow_contradictions(report: &mut SignatureReport) {
    let problem = match (report.certification_problem, report.dictionary_conflict) {
        (Some(p), _) => p.to_string(),
        (None, Some(c)) => c.to_string(),
        (None, None) => return,
    };
    if report.indication != Indication::TotalFailed {
        report.indication = Indication::TotalFailed;
        report.sub_indication = Some(SubIndication::FormatFailure);
    }
    report.problem = Some(problem);
}

/// A later revision that changes more than signatures and validation data may fails the
/// signature (a cryptographic failure already found stays the verdict).
fn disallow_modifications(report: &mut SignatureReport) {
    if let Some(Modifications::NotAllowed { object, reason }) = &report.modifications {
        if report.coverage == Some(Coverage::EntireRevision) {
            if report.indication != Indication::TotalFailed {
                report.indication = Indication::TotalFailed;
                report.sub_indication = Some(SubIndication::FormatFailure);
            }
            report.problem = Some(format!("a later revision: {reason} (object {object})"));
        }
    }
}

/// `/ByteRange` as four non-negative integers.
fn read_byte_range(sig: &Dict) -> Option<[usize; 4]> {
    let items = sig.get("ByteRange")?.as_array()?;
    let nums: Vec<usize> = items
        .iter()
        .map(|o| o.as_int().and_then(|i| usize::try_from(i).ok()))
        .collect::<Option<_>>()?;
    <[usize; 4]>::try_from(nums).ok()
}

/// The ByteRange rules of ISO 32000-2 §12.8.1: from 0, two ranges, within the file, the
/// gap exactly the `/Contents` hex string of this dictionary, angle brackets included.
fn check_byte_range(
    range: Option<[usize; 4]>,
    contents: Option<&PdfString>,
    file_len: usize,
) -> std::result::Result<[usize; 4], ByteRangeProblem> {
    let [start, len1, start2, len2] = range.ok_or(ByteRangeProblem::Malformed)?;
    if start != 0 {
        return Err(ByteRangeProblem::NotFromStart);
    }
    if start2 < len1 {
        return Err(ByteRangeProblem::Overlap);
    }
    match start2.checked_add(len2) {
        Some(end) if end <= file_len => {}
        _ => return Err(ByteRangeProblem::PastEndOfFile),
    }
    match contents {
        Some(s) if s.hex && s.span == Some(len1..start2) => Ok([start, len1, start2, len2]),
        _ => Err(ByteRangeProblem::GapIsNotContents),
    }
}

/// The DER `ContentInfo` at the start of `/Contents`, without the zero padding after it;
/// all of it when the length cannot be read (BER indefinite length: left to `qes-cms`).
fn der_prefix(bytes: &[u8]) -> &[u8] {
    let total = match bytes {
        [0x30, n, ..] if *n < 0x80 => Some(usize::from(*n).saturating_add(2)),
        [0x30, n, rest @ ..] if (0x81..=0x84).contains(n) => {
            let k = usize::from(n & 0x7f);
            rest.get(..k).map(|len| {
                len.iter()
                    .fold(0usize, |acc, &b| {
                        acc.saturating_mul(256).saturating_add(usize::from(b))
                    })
                    .saturating_add(2)
                    .saturating_add(k)
            })
        }
        _ => None,
    };
    total.and_then(|t| bytes.get(..t)).unwrap_or(bytes)
}

/// Where each revision ends (§7.5.6), mapped to its newest section's offset: after the first `%%EOF` marker following each
/// cross-reference section, with or without its end-of-line. Only the bytes from each
/// section to the next are searched, so the cost does not grow with the file.
fn revision_ends(doc: &Document<'_>) -> BTreeMap<usize, usize> {
    let pdf = doc.source();
    let mut starts: Vec<usize> = doc.sections().iter().map(|s| s.offset).collect();
    starts.sort_unstable();
    starts.dedup();
    let mut ends = BTreeMap::new();
    for (i, &start) in starts.iter().enumerate() {
        let stop = starts.get(i + 1).copied().unwrap_or(pdf.len());
        let Some(at) = pdf.find(start..stop, b"%%EOF") else {
            continue;
        };
        let end = at + 5;
        ends.insert(end, start);
        match (pdf.byte(end), pdf.byte(end + 1)) {
            (Some(b'\r'), Some(b'\n')) => {
                ends.insert(end + 2, start);
            }
            (Some(b'\r' | b'\n'), _) => {
                ends.insert(end + 1, start);
            }
            _ => {}
        }
    }
    ends
}

/// Every terminal signature field with a value, as (qualified name, reference of the
/// signature dictionary when indirect, signature dictionary), walking `/Fields` and `/Kids` (§12.7.4) with `/FT` inherited.
pub(crate) fn signature_fields(doc: &Document<'_>) -> Result<Vec<(String, Option<ObjRef>, Dict)>> {
    let (_, catalog) = doc.catalog()?;
    let Some(form) = doc.resolve_dict(catalog.get("AcroForm"))? else {
        return Ok(Vec::new());
    };
    let roots = match form.get("Fields") {
        Some(f) => doc.resolve(f)?.as_array().map(<[Object]>::to_vec),
        None => None,
    }
    .unwrap_or_default();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    // (field, parent's qualified name, inherited /FT, depth)
    let mut stack: Vec<(Object, String, Option<Vec<u8>>, usize)> = roots
        .into_iter()
        .rev()
        .map(|f| (f, String::new(), None, 0))
        .collect();
    while let Some((node, parent, inherited_ft, depth)) = stack.pop() {
        if seen.len() >= MAX_SIGNATURE_FIELDS {
            return Err(Error::Limit {
                what: "form fields",
                limit: MAX_SIGNATURE_FIELDS,
            });
        }
        if depth > doc.limits().max_depth {
            continue;
        }
        if let Object::Ref(r) = node {
            if !seen.insert(r) {
                continue;
            }
        }
        let Ok(Some(field)) = doc.resolve_dict(Some(&node)) else {
            continue;
        };
        let partial = match field.get("T") {
            Some(Object::String(t)) => Some(t.to_text()),
            _ => None,
        };
        let name = match (&partial, parent.is_empty()) {
            (Some(t), true) => t.clone(),
            (Some(t), false) => format!("{parent}.{t}"),
            (None, _) => parent.clone(),
        };
        let ft = field.get_name("FT").map(<[u8]>::to_vec).or(inherited_ft);
        if let Some(Object::Array(kids)) = field.get("Kids").map(|k| doc.resolve(k)).transpose()? {
            for kid in kids.into_iter().rev() {
                stack.push((kid, name.clone(), ft.clone(), depth + 1));
            }
        }
        if ft.as_deref() == Some(b"Sig") {
            if let Some(sig) = doc.resolve_dict(field.get("V"))? {
                out.push((name, field.get_ref("V"), sig));
            }
        }
    }
    Ok(out)
}
