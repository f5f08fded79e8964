//! Certificate policy rules: EN 319 412-2 §5.2 (QCS-5.2-1/-2, policy consistent with the QC
//! statements), EN 319 411-1 GEN-6.3.3-12 (one reserved policy, the right one) and TS 119 495
//! OVR-6.1-3 (the PSD2 policy only on PSD2 certificates).

use super::{Ctx, ProfileQualification, Severity, WebValidation};
use crate::identity::PersonKind;
use crate::policy::{CertificatePolicy, Policies};
use crate::summary::Purpose;

pub(super) fn check(ctx: &mut Ctx<'_>) {
    let Ok(Some(policies)) = Policies::from_certificate(ctx.cert) else {
        return;
    };
    qualified(ctx, &policies);
    reserved(ctx, &policies);
    if !ctx.profile.psd2 && policies.contains(CertificatePolicy::QcpWPsd2) {
        ctx.push(
            "qes.etsi.ts_119_495.prohibited_psd2_policy",
            Severity::Error,
            "ETSI TS 119 495 OVR-6.1-3: the QCP-w-psd2 policy requires a PSD2 certificate \
             (with the PSD2 QC statement)",
        );
    }
}

/// The EN 319 411-2 policy the profile calls for.
fn expected_qualified(ctx: &Ctx<'_>) -> Option<CertificatePolicy> {
    let p = ctx.profile;
    if p.qualification != ProfileQualification::Eu {
        return None;
    }
    Some(match (p.web, p.person, p.purpose, p.qscd) {
        (Some(WebValidation::Ev), ..) => CertificatePolicy::QcpW,
        (Some(WebValidation::Ov | WebValidation::Iv | WebValidation::Dv), ..) => {
            CertificatePolicy::QncpW
        }
        (Some(WebValidation::Gen), ..) => CertificatePolicy::QncpWGen,
        (None, Some(PersonKind::Natural), Some(Purpose::ESignature), true) => {
            CertificatePolicy::QcpNQscd
        }
        (None, Some(PersonKind::Natural), Some(Purpose::ESignature), false) => {
            CertificatePolicy::QcpN
        }
        (None, Some(PersonKind::Legal), Some(Purpose::ESeal), true) => CertificatePolicy::QcpLQscd,
        (None, Some(PersonKind::Legal), Some(Purpose::ESeal), false) => CertificatePolicy::QcpL,
        _ => return None,
    })
}

fn qualified(ctx: &mut Ctx<'_>, policies: &Policies) {
    let Some(expected) = expected_qualified(ctx) else {
        return;
    };
    let present: Vec<_> = policies
        .policies
        .iter()
        .copied()
        .filter(|p| p.is_en_319_411_2())
        .collect();
    match present.as_slice() {
        [] => ctx.push(
            "qes.etsi.en_319_412_2.missing_qualified_policy",
            Severity::Warning,
            format!(
                "EN 319 412-2 QCS-5.2-1: the policy {expected:?} of EN 319 411-2 should be present"
            ),
        ),
        [one] if *one != expected => ctx.push(
            "qes.etsi.en_319_412_2.qualified_policy_mismatch",
            Severity::Error,
            format!(
                "EN 319 412-2 QCS-5.2-2: policy {one:?} does not match the QC statements' \
                 profile, which needs {expected:?}"
            ),
        ),
        [_] => {}
        _ => ctx.push(
            "qes.etsi.en_319_412_2.multiple_qualified_policies",
            Severity::Error,
            format!("EN 319 412-2 QCS-5.2-1: more than one EN 319 411-2 policy: {present:?}"),
        ),
    }
}

fn reserved(ctx: &mut Ctx<'_>, policies: &Policies) {
    let expected = match ctx.profile.web {
        Some(WebValidation::Ev) => CertificatePolicy::Evcp,
        Some(WebValidation::Ov) => CertificatePolicy::Ovcp,
        Some(WebValidation::Iv) => CertificatePolicy::Ivcp,
        Some(WebValidation::Dv) => CertificatePolicy::Dvcp,
        _ => return,
    };
    let reserved: Vec<_> = policies
        .policies
        .iter()
        .copied()
        .filter(|p| p.is_en_319_411_1())
        .collect();
    if reserved.len() > 1 {
        ctx.push(
            "qes.etsi.en_319_411_1.multiple_reserved_policies",
            Severity::Error,
            format!("EN 319 411-1 GEN-6.3.3-12: more than one reserved policy: {reserved:?}"),
        );
    } else if let Some(p) = reserved.first().filter(|p| **p != expected) {
        ctx.push(
            "qes.etsi.en_319_411_1.prohibited_reserved_policy",
            Severity::Error,
            format!(
                "EN 319 411-1 GEN-6.3.3-12: reserved policy {p:?}, the profile needs {expected:?}"
            ),
        );
    }
}
