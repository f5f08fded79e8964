//! QC statement rules: EN 319 412-5 §4.2–§4.3 content and §5 table 2 presence.

use super::{Ctx, ProfileQualification, Severity};
use crate::codes;
use crate::lint::subject::is_country;
use crate::oids;
use crate::policy::Policies;
use crate::qc_statements::{Currency, QcStatement, QcStatements, QcType};
use crate::summary::{purpose_of, Conflict, Purpose};

pub(super) fn check(ctx: &mut Ctx<'_>) {
    let qcs = match QcStatements::from_certificate(ctx.cert) {
        Ok(Some(q)) => q,
        Ok(None) => return,
        Err(e) => {
            ctx.push(
                "qes.asn1.malformed_qc_statements",
                Severity::Fatal,
                format!("qcStatements does not decode: {e}"),
            );
            return;
        }
    };
    presence(ctx, &qcs);
    for id in qcs.duplicate_ids() {
        ctx.push(
            "qes.etsi.en_319_412_5.duplicate_qc_statement",
            Severity::Warning,
            format!(
                "EN 319 412-5 §4: QC statement {id} appears more than once; each statement \
                 is a single claim"
            ),
        );
    }
    for st in &qcs.statements {
        statement(ctx, st);
    }
    // EN 319 412-5 §4.2.3 over all QcType statements together: two statements naming one
    // purpose each still name two.
    if qcs
        .statements
        .iter()
        .any(|s| matches!(s, QcStatement::Type(_)))
    {
        let mut types = qcs.qc_types();
        let mut distinct = Vec::new();
        for t in types.drain(..) {
            if !distinct.contains(&t) {
                distinct.push(t);
            }
        }
        qc_type(ctx, &distinct);
        // The policy promises another purpose than the one QcType declares.
        let policies = Policies::from_certificate(ctx.cert)
            .ok()
            .flatten()
            .map(|p| p.policies)
            .unwrap_or_default();
        let (_, _, conflicts) = purpose_of(&qcs, &policies);
        for c in conflicts {
            if let Conflict::QcTypeContradictsPolicy { qc_type, policy } = c {
                if !ctx.findings.iter().any(|f| f.code == QC_TYPE_MISMATCH) {
                    ctx.push(
                        QC_TYPE_MISMATCH,
                        Severity::Error,
                        format!(
                            "EN 319 412-5 §4.2.3: QcType is {qc_type:?}, the policy {policy} is \
                             for another purpose"
                        ),
                    );
                }
            }
        }
    }
}

const QC_TYPE_MISMATCH: &str = "qes.etsi.en_319_412_5.qc_type_mismatch";

/// EN 319 412-5 §5 table 2 (QCS-5-01), per profile.
fn presence(ctx: &mut Ctx<'_>, qcs: &QcStatements) {
    let p = ctx.profile;
    let mut must = Vec::new();
    let mut must_not = Vec::new();
    match p.qualification {
        ProfileQualification::Eu => {
            must.push((oids::QCS_COMPLIANCE, "compliance", "QcCompliance"));
            must_not.push((
                oids::QCS_CC_LEGISLATION,
                "cc_legislation",
                "QcCClegislation",
            ));
            if p.qscd {
                must.push((oids::QCS_SSCD, "sscd", "QcSSCD"));
            }
            if p.web.is_some() || p.is_qcp_n() {
                must.push((oids::QCS_TYPE, "type", "QcType"));
            }
            if p.web.is_some() {
                must_not.push((oids::QCS_SSCD, "sscd", "QcSSCD"));
            }
        }
        ProfileQualification::NonEu if p.web.is_some() => {
            must.push((
                oids::QCS_CC_LEGISLATION,
                "cc_legislation",
                "QcCClegislation",
            ));
        }
        _ => {}
    }
    // Present but malformed is reported as malformed (below), not as missing.
    for (oid, key, what) in must {
        if !qcs.contains_any_form(oid) {
            let code = match key {
                "compliance" => "qes.etsi.en_319_412_5.missing_qc_compliance",
                "sscd" => "qes.etsi.en_319_412_5.missing_qc_sscd",
                "type" => "qes.etsi.en_319_412_5.missing_qc_type",
                _ => "qes.etsi.en_319_412_5.missing_qc_cc_legislation",
            };
            ctx.push(
                code,
                Severity::Error,
                format!("EN 319 412-5 QCS-5-01: {what} shall be present"),
            );
        }
    }
    for (oid, key, what) in must_not {
        if qcs.contains_any_form(oid) {
            let code = match key {
                "sscd" => "qes.etsi.en_319_412_5.prohibited_qc_sscd",
                _ => "qes.etsi.en_319_412_5.prohibited_qc_cc_legislation",
            };
            ctx.push(
                code,
                Severity::Error,
                format!("EN 319 412-5 QCS-5-01: {what} shall not be present in this profile"),
            );
        }
    }
}

fn statement(ctx: &mut Ctx<'_>, st: &QcStatement) {
    match st {
        QcStatement::Malformed { id, reason, .. } => ctx.push(
            "qes.asn1.malformed_qc_statement",
            Severity::Fatal,
            format!("QC statement {id} does not decode: {reason}"),
        ),
        QcStatement::CcLegislation { countries } => {
            if countries.is_empty() {
                ctx.push(
                    "qes.etsi.en_319_412_5.qc_cc_legislation_empty",
                    Severity::Error,
                    "EN 319 412-5 §4.2.4: QcCClegislation names no country",
                );
            }
            for c in countries.iter().filter(|c| !is_country(c)) {
                ctx.push(
                    "qes.etsi.en_319_412_5.qc_cc_legislation_invalid_country",
                    Severity::Error,
                    format!("EN 319 412-5 §4.2.4: {c:?} is not an ISO 3166-1 alpha-2 code"),
                );
            }
        }
        QcStatement::RetentionPeriod { years } if *years <= 0 => ctx.push(
            "qes.etsi.en_319_412_5.qc_retention_period_not_positive",
            Severity::Error,
            format!(
                "EN 319 412-5 §4.3.3: retention period {years} is not a positive number of years"
            ),
        ),
        QcStatement::Pds(locations) => {
            for l in locations {
                let scheme_https = l
                    .url
                    .split_once(':')
                    .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("https"));
                if !scheme_https {
                    ctx.push(
                        "qes.etsi.en_319_412_5.qc_pds_url_not_https",
                        Severity::Error,
                        format!(
                            "EN 319 412-5 §4.3.4: PDS URL {:?} does not use https",
                            l.url
                        ),
                    );
                }
                let lang = l.language.to_ascii_lowercase();
                if codes::ISO_639_1.binary_search(&lang.as_str()).is_err() {
                    ctx.push(
                        "qes.etsi.en_319_412_5.qc_pds_invalid_language",
                        Severity::Error,
                        format!(
                            "EN 319 412-5 §4.3.4: {:?} is not an ISO 639-1 code",
                            l.language
                        ),
                    );
                }
            }
        }
        QcStatement::LimitValue(v) => {
            let valid = match &v.currency {
                Currency::Alphabetic(a) => {
                    a != "XTS"
                        && a != "XXX"
                        && codes::ISO_4217_ALPHA.binary_search(&a.as_str()).is_ok()
                }
                Currency::Numeric(n) => {
                    ctx.push(
                        "qes.etsi.en_319_412_5.qc_limit_value_numeric_currency",
                        Severity::Warning,
                        "EN 319 412-5 QCS-4.3.2-02: the alphabetic currency code should be used",
                    );
                    u16::try_from(*n).is_ok_and(|n| {
                        n != 999 && n != 963 && codes::ISO_4217_NUMERIC.binary_search(&n).is_ok()
                    })
                }
            };
            if !valid {
                ctx.push(
                    "qes.etsi.en_319_412_5.qc_limit_value_invalid_currency",
                    Severity::Error,
                    "EN 319 412-5 QCS-4.3.2-01: the currency is not an ISO 4217 currency code",
                );
            }
            if v.amount < 0 {
                ctx.push(
                    "qes.etsi.en_319_412_5.qc_limit_value_negative_amount",
                    Severity::Error,
                    "EN 319 412-5 §4.3.2: the limit amount is negative",
                );
            }
            if v.exponent < 0 {
                ctx.push(
                    "qes.etsi.en_319_412_5.qc_limit_value_negative_exponent",
                    Severity::Error,
                    "EN 319 412-5 §4.3.2: the limit exponent is negative",
                );
            }
        }
        QcStatement::PkixSyntaxV1(_) => ctx.push(
            "qes.rfc3739.obsolete_pkix_qc_syntax_v1",
            Severity::Error,
            "RFC 3739 §3.2.6: id-qcs-pkixQCSyntax-v1 (RFC 3039) is superseded by v2 and not to be \
             used in new certificates",
        ),
        _ => {}
    }
}

/// EN 319 412-5 §4.2.3: one and only one purpose, matching the profile.
fn qc_type(ctx: &mut Ctx<'_>, types: &[QcType]) {
    match types {
        [] => ctx.push(
            "qes.etsi.en_319_412_5.qc_type_empty",
            Severity::Error,
            "EN 319 412-5 §4.2.3: QcType lists no purpose",
        ),
        [t] => {
            let expected = match ctx.profile.purpose {
                Some(Purpose::Website) => Some(QcType::Web),
                _ if ctx.profile.is_qcp_n() => Some(QcType::Esign),
                _ => None,
            };
            if let Some(expected) = expected {
                if *t != expected {
                    ctx.push(
                        "qes.etsi.en_319_412_5.qc_type_mismatch",
                        Severity::Error,
                        format!(
                            "EN 319 412-5 §4.2.3: QcType is {t:?}, the profile needs {expected:?}"
                        ),
                    );
                }
            }
        }
        _ => ctx.push(
            "qes.etsi.en_319_412_5.qc_type_multiple",
            Severity::Error,
            "EN 319 412-5 §4.2.3: a certificate is issued for one and only one purpose",
        ),
    }
}
