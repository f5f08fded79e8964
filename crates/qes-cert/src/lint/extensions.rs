//! Extension rules: EN 319 412-2 §4.3–§4.4 (presence, criticality, key usage, CRL
//! distribution points, authority information access) and EN 319 412-4 (website).

use der::Decode;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
    CrlDistributionPoints, ExtendedKeyUsage, IssuerAltName, KeyUsage, SubjectAltName,
    SubjectKeyIdentifier,
};

use super::{Ctx, ProfileQualification, Severity};
use crate::oids;
use crate::policy::{KeyUsageBit, KeyUsageSet};
use crate::summary::Purpose;

pub(super) fn check(ctx: &mut Ctx<'_>) {
    let Some(exts) = ctx
        .cert
        .x509()
        .tbs_certificate
        .extensions
        .as_ref()
        .filter(|e| !e.is_empty())
    else {
        ctx.push(
            "qes.etsi.en_319_412_2.extensions_absent",
            Severity::Error,
            "EN 319 412-2 §4.3: the certificate has no extensions field",
        );
        ctx.push(
            "qes.etsi.en_319_412_2.missing_authority_key_identifier",
            Severity::Error,
            "EN 319 412-2 GEN-4.3.1-1: authorityKeyIdentifier shall be present",
        );
        return;
    };
    let exts = exts.clone();
    decodable(ctx, &exts);
    presence(ctx);
    criticality(ctx, &exts);
    key_usage(ctx);
    revocation_pointers(ctx);
    website(ctx);
}

fn has(ctx: &Ctx<'_>, oid: const_oid::ObjectIdentifier) -> bool {
    ctx.cert
        .x509()
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .any(|e| e.extn_id == oid)
}

/// Known extensions must decode.
fn decodable(ctx: &mut Ctx<'_>, exts: &[x509_cert::ext::Extension]) {
    for ext in exts {
        let v = ext.extn_value.as_bytes();
        let oid = ext.extn_id;
        let ok = match oid {
            o if o == oids::EXT_BASIC_CONSTRAINTS => BasicConstraints::from_der(v).is_ok(),
            o if o == oids::EXT_KEY_USAGE => KeyUsage::from_der(v).is_ok(),
            o if o == oids::EXT_EXTENDED_KEY_USAGE => ExtendedKeyUsage::from_der(v).is_ok(),
            o if o == oids::EXT_SUBJECT_ALT_NAME => SubjectAltName::from_der(v).is_ok(),
            o if o == oids::EXT_ISSUER_ALT_NAME => IssuerAltName::from_der(v).is_ok(),
            o if o == oids::EXT_CERTIFICATE_POLICIES => CertificatePolicies::from_der(v).is_ok(),
            o if o == oids::EXT_AUTHORITY_INFO_ACCESS => {
                AuthorityInfoAccessSyntax::from_der(v).is_ok()
            }
            o if o == oids::EXT_CRL_DISTRIBUTION_POINTS => {
                CrlDistributionPoints::from_der(v).is_ok()
            }
            o if o == oids::EXT_AUTHORITY_KEY_IDENTIFIER => {
                AuthorityKeyIdentifier::from_der(v).is_ok()
            }
            o if o == oids::EXT_SUBJECT_KEY_IDENTIFIER => SubjectKeyIdentifier::from_der(v).is_ok(),
            _ => true,
        };
        if !ok {
            ctx.push(
                "qes.asn1.malformed_extension",
                Severity::Fatal,
                format!("extension {oid} does not decode with its RFC 5280 syntax"),
            );
        }
    }
}

/// EN 319 412-2 §4.3.1–§4.4.1 (GEN-4.3.1-1, NAT-4.3.2-1, GEN-4.3.3-2, GEN-4.4.1-2; the
/// prohibited GEN-4.3.4-1, GEN-4.3.8-1, GEN-4.3.9-1, GEN-4.3.12-1) and EN 319 412-5 QCS-4.1.
fn presence(ctx: &mut Ctx<'_>) {
    let required = [
        (
            oids::EXT_AUTHORITY_KEY_IDENTIFIER,
            "qes.etsi.en_319_412_2.missing_authority_key_identifier",
            "GEN-4.3.1-1: authorityKeyIdentifier shall be present",
        ),
        (
            oids::EXT_KEY_USAGE,
            "qes.etsi.en_319_412_2.missing_key_usage",
            "NAT-4.3.2-1: keyUsage shall be present",
        ),
        (
            oids::EXT_CERTIFICATE_POLICIES,
            "qes.etsi.en_319_412_2.missing_certificate_policies",
            "GEN-4.3.3-2: certificatePolicies shall be present",
        ),
        (
            oids::EXT_AUTHORITY_INFO_ACCESS,
            "qes.etsi.en_319_412_2.missing_authority_info_access",
            "GEN-4.4.1-2: authorityInfoAccess shall be present",
        ),
    ];
    for (oid, code, msg) in required {
        if !has(ctx, oid) {
            ctx.push(code, Severity::Error, format!("EN 319 412-2 {msg}"));
        }
    }
    let prohibited = [
        (oids::EXT_POLICY_MAPPINGS, "GEN-4.3.4-1 policyMappings"),
        (oids::EXT_NAME_CONSTRAINTS, "GEN-4.3.8-1 nameConstraints"),
        (
            oids::EXT_POLICY_CONSTRAINTS,
            "GEN-4.3.9-1 policyConstraints",
        ),
        (
            oids::EXT_INHIBIT_ANY_POLICY,
            "GEN-4.3.12-1 inhibitAnyPolicy",
        ),
    ];
    for (oid, what) in prohibited {
        if has(ctx, oid) {
            ctx.push(
                "qes.etsi.en_319_412_2.prohibited_extension",
                Severity::Error,
                format!("EN 319 412-2 {what} shall not be present in an end-entity certificate"),
            );
        }
    }
    if ctx.profile.qualification == ProfileQualification::Eu && !has(ctx, oids::EXT_QC_STATEMENTS) {
        ctx.push(
            "qes.etsi.en_319_412_5.missing_qc_statements_extension",
            Severity::Error,
            "EN 319 412-5 QCS-5-01: an EU qualified certificate shall carry qcStatements",
        );
    }
}

fn criticality(ctx: &mut Ctx<'_>, exts: &[x509_cert::ext::Extension]) {
    for ext in exts.iter().filter(|e| e.critical) {
        let (code, severity, msg) = match ext.extn_id {
            o if o == oids::EXT_CERTIFICATE_POLICIES => (
                "qes.etsi.en_319_412_2.critical_certificate_policies",
                Severity::Warning,
                "EN 319 412-2 GEN-4.3.3-1: certificatePolicies should not be critical",
            ),
            o if o == oids::EXT_SUBJECT_ALT_NAME => (
                "qes.etsi.en_319_412_2.critical_subject_alt_name",
                Severity::Error,
                "EN 319 412-2 GEN-4.3.5-1: subjectAltName shall not be critical",
            ),
            o if o == oids::EXT_ISSUER_ALT_NAME => (
                "qes.etsi.en_319_412_2.critical_issuer_alt_name",
                Severity::Error,
                "EN 319 412-2 GEN-4.3.6-1: issuerAltName shall not be critical",
            ),
            o if o == oids::EXT_EXTENDED_KEY_USAGE => (
                "qes.etsi.en_319_412_2.critical_extended_key_usage",
                Severity::Error,
                "EN 319 412-2 GEN-4.3.10-1 (and EN 319 412-4 WEB-4.1.3-4): extKeyUsage shall \
                 not be critical",
            ),
            o if o == oids::EXT_CRL_DISTRIBUTION_POINTS => (
                "qes.etsi.en_319_412_2.critical_crl_distribution_points",
                Severity::Error,
                "EN 319 412-2 GEN-4.3.11-5: cRLDistributionPoints shall not be critical",
            ),
            o if o == oids::EXT_QC_STATEMENTS => (
                "qes.etsi.en_319_412_5.critical_qc_statements",
                Severity::Error,
                "EN 319 412-5 QCS-4.1-02: qcStatements shall not be critical",
            ),
            _ => continue,
        };
        ctx.push(code, severity, msg);
    }
}

/// EN 319 412-2 §4.3.2 table 1: key usage settings A–F; e-signatures need content commitment
/// (A, B or F).
fn key_usage(ctx: &mut Ctx<'_>) {
    let Ok(Some(ku)) = KeyUsageSet::from_certificate(ctx.cert) else {
        return;
    };
    let cc = ku.has(KeyUsageBit::ContentCommitment);
    let ds = ku.has(KeyUsageBit::DigitalSignature);
    let ke = ku.has(KeyUsageBit::KeyEncipherment);
    let ka = ku.has(KeyUsageBit::KeyAgreement);
    let others = ku.bits.iter().any(|b| {
        !matches!(
            b,
            KeyUsageBit::ContentCommitment
                | KeyUsageBit::DigitalSignature
                | KeyUsageBit::KeyEncipherment
                | KeyUsageBit::KeyAgreement
        )
    });
    let setting = match (cc, ds, ke, ka, others) {
        (_, _, true, true, _) | (_, _, _, _, true) => None,
        (true, false, false, false, _) => Some('A'),
        (true, true, false, false, _) => Some('B'),
        (false, true, false, false, _) => Some('C'),
        (false, true, _, _, _) => Some('D'),
        (false, false, true, _, _) | (false, false, _, true, _) => Some('E'),
        (true, true, _, _, _) => Some('F'),
        _ => None,
    };
    // CA/B Forum website profiles take their keyUsage from the CA/B Forum requirements
    // (EN 319 412-4 §4.1), which allow combinations outside table 1 (e.g. dataEncipherment).
    let cabf_web = ctx.profile.web.is_some_and(super::WebValidation::is_cabf);
    let Some(setting) = setting else {
        if cabf_web {
            return;
        }
        ctx.push(
            "qes.etsi.en_319_412_2.key_usage_unknown_setting",
            Severity::Error,
            "EN 319 412-2 NAT-4.3.2-1: keyUsage is none of the settings A–F of table 1",
        );
        return;
    };
    if ctx.profile.is_qcp_n() && !matches!(setting, 'A' | 'B' | 'F') {
        ctx.push(
            "qes.etsi.en_319_412_2.key_usage_without_content_commitment",
            Severity::Error,
            format!(
                "EN 319 412-2 NAT-4.3.2-2: a certificate for electronic signatures shall use \
                 key usage setting A, B or F, found {setting}"
            ),
        );
    }
    if matches!(setting, 'B' | 'D' | 'F') && ctx.profile.purpose != Some(Purpose::Website) {
        ctx.push(
            "qes.etsi.en_319_412_2.key_usage_mixed",
            Severity::Warning,
            format!(
                "EN 319 412-2 NAT-4.3.2-1: setting {setting} mixes usages; A, C or E preferred"
            ),
        );
    }
}

fn uri_with_prefix(gn: &GeneralName, prefixes: &[&str]) -> bool {
    match gn {
        GeneralName::UniformResourceIdentifier(u) => {
            let lower = u.as_str().to_ascii_lowercase();
            prefixes.iter().any(|p| lower.starts_with(p))
        }
        _ => false,
    }
}

/// EN 319 412-2 §4.3.11 and §4.4.1.
fn revocation_pointers(ctx: &mut Ctx<'_>) {
    const HTTP: &[&str] = &["http://", "https://"];
    const HTTP_LDAP: &[&str] = &["http://", "ldap://"];
    let crldp_ext = ctx
        .cert
        .extension_raw(oids::EXT_CRL_DISTRIBUTION_POINTS)
        .ok()
        .flatten();
    let aia_ext = ctx
        .cert
        .extension_raw(oids::EXT_AUTHORITY_INFO_ACCESS)
        .ok()
        .flatten();
    let aia =
        aia_ext.and_then(|e| AuthorityInfoAccessSyntax::from_der(e.extn_value.as_bytes()).ok());
    let has_crldp = crldp_ext.is_some();

    if let Some(ext) = crldp_ext {
        if let Ok(dps) = CrlDistributionPoints::from_der(ext.extn_value.as_bytes()) {
            let ok = dps.0.iter().any(|dp| match &dp.distribution_point {
                Some(DistributionPointName::FullName(names)) => {
                    names.iter().any(|g| uri_with_prefix(g, HTTP_LDAP))
                }
                _ => false,
            });
            if !ok {
                ctx.push(
                    "qes.etsi.en_319_412_2.crldp_without_http_or_ldap_uri",
                    Severity::Error,
                    "EN 319 412-2 GEN-4.3.11-4: at least one CRL distribution point shall use \
                     an http:// or ldap:// URI",
                );
            }
        }
    } else {
        let ocsp_http = match (&aia_ext, &aia) {
            (None, _) => false,
            (Some(_), None) => true, // undecodable AIA: reported elsewhere
            (Some(_), Some(aia)) => aia.0.iter().any(|ad| {
                ad.access_method == oids::AD_OCSP && uri_with_prefix(&ad.access_location, HTTP)
            }),
        };
        if !ocsp_http {
            ctx.push(
                "qes.etsi.en_319_412_2.missing_crl_distribution_points",
                Severity::Error,
                "EN 319 412-2 GEN-4.3.11-2: without an OCSP responder location, \
                 cRLDistributionPoints shall be present",
            );
        }
    }

    let Some(aia) = aia else { return };
    let ca_issuers: Vec<_> = aia
        .0
        .iter()
        .filter(|ad| ad.access_method == oids::AD_CA_ISSUERS)
        .collect();
    if ca_issuers.is_empty() {
        ctx.push(
            "qes.etsi.en_319_412_2.aia_missing_ca_issuers",
            Severity::Error,
            "EN 319 412-2 GEN-4.4.1-3: authorityInfoAccess shall include id-ad-caIssuers",
        );
        return;
    }
    if !ca_issuers
        .iter()
        .any(|ad| uri_with_prefix(&ad.access_location, HTTP))
    {
        ctx.push(
            "qes.etsi.en_319_412_2.aia_ca_issuers_without_http_uri",
            Severity::Error,
            "EN 319 412-2 GEN-4.4.1-4: a caIssuers location shall use http:// or https://",
        );
        return;
    }
    if !has_crldp {
        let ocsp: Vec<_> = aia
            .0
            .iter()
            .filter(|ad| ad.access_method == oids::AD_OCSP)
            .collect();
        if ocsp.is_empty() {
            ctx.push(
                "qes.etsi.en_319_412_2.aia_missing_ocsp",
                Severity::Error,
                "EN 319 412-2 GEN-4.4.1-8: without cRLDistributionPoints, an OCSP responder \
                 location shall be present",
            );
        } else if !ocsp
            .iter()
            .any(|ad| uri_with_prefix(&ad.access_location, HTTP))
        {
            ctx.push(
                "qes.etsi.en_319_412_2.aia_ocsp_without_http_uri",
                Severity::Error,
                "EN 319 412-2 GEN-4.4.1-6: an OCSP location shall use http:// or https://",
            );
        }
    }
}

/// EN 319 412-4 WEB-4.1.3-4 (via the CA/B Forum requirements): EKU and SAN present.
fn website(ctx: &mut Ctx<'_>) {
    if ctx.profile.web.is_none() {
        return;
    }
    if !has(ctx, oids::EXT_EXTENDED_KEY_USAGE) {
        ctx.push(
            "qes.etsi.en_319_412_4.missing_extended_key_usage",
            Severity::Error,
            "EN 319 412-4 WEB-4.1.3-4: a website certificate shall carry extKeyUsage",
        );
    }
    if !has(ctx, oids::EXT_SUBJECT_ALT_NAME) {
        ctx.push(
            "qes.etsi.en_319_412_4.missing_subject_alt_name",
            Severity::Error,
            "EN 319 412-4 WEB-4.1.3-4: a website certificate shall carry subjectAltName",
        );
    }
}
