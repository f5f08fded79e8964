//! Subject and issuer name rules: EN 319 412-2 §4.2.3.1 and §4.2.4 (natural person),
//! EN 319 412-3 §4.2.1 (legal person), EN 319 412-1 §5.1 (semantics identifiers), and the
//! X.520 upper bounds that website (CA/B Forum) profiles keep.

use der::Decode;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;

use super::{Ctx, Severity};
use crate::codes;
use crate::identity::{IdentifierScheme, PersonKind, SemanticsIdentifier};
use crate::name;
use crate::oids;
use crate::qc_statements::{QcStatements, SemanticsId, SemanticsInformation};

pub(super) fn check(ctx: &mut Ctx<'_>) {
    if ctx.cert.x509().tbs_certificate.issuer.0.is_empty() {
        ctx.push(
            "qes.rfc5280.empty_issuer",
            Severity::Error,
            "RFC 5280 §4.1.2.4: the issuer field shall contain a non-empty distinguished name",
        );
    }
    // Website certificates under the CA/B Forum requirements follow the EV/OV/IV subject rules
    // of the CA/B Forum instead (EN 319 412-4 §4.2).
    if !ctx.profile.web.is_some_and(super::WebValidation::is_cabf) {
        issuer(ctx);
        // An unknown person kind: neither person's subject rules can be chosen, so none runs.
        match ctx.profile.person {
            Some(PersonKind::Natural) => natural(ctx),
            Some(PersonKind::Legal) => legal(ctx),
            None => {}
        }
    }
    if ctx.profile.person == Some(PersonKind::Legal) {
        organization_identifier_differs(ctx);
    }
    semantics_identifiers(ctx);
    upper_bounds(ctx);
    website_common_name(ctx);
}

pub(crate) fn is_country(code: &str) -> bool {
    codes::ISO_3166_ALPHA2.binary_search(&code).is_ok()
}

/// ISO 3166-1 plus the transnational `EU`.
fn is_country_or_eu(code: &str) -> bool {
    code == "EU" || is_country(code)
}

/// EN 319 412-2 GEN-4.2.3.1-2: the issuer names countryName, organizationName, commonName.
fn issuer(ctx: &mut Ctx<'_>) {
    let issuer = ctx.cert.x509().tbs_certificate.issuer.clone();
    for (oid, code, what) in [
        (
            oids::AT_COUNTRY,
            "qes.etsi.en_319_412_2.issuer_missing_country",
            "countryName",
        ),
        (
            oids::AT_ORGANIZATION,
            "qes.etsi.en_319_412_2.issuer_missing_organization",
            "organizationName",
        ),
        (
            oids::AT_COMMON_NAME,
            "qes.etsi.en_319_412_2.issuer_missing_common_name",
            "commonName",
        ),
    ] {
        if name::count(&issuer, oid) == 0 {
            ctx.push(
                code,
                Severity::Error,
                format!("EN 319 412-2 GEN-4.2.3.1-2: the issuer field shall include {what}"),
            );
        }
    }
}

/// EN 319 412-2 NAT-4.2.4-1, -3, -4.
fn natural(ctx: &mut Ctx<'_>) {
    let subject = ctx.cert.x509().tbs_certificate.subject.clone();
    let n = |oid| name::count(&subject, oid);
    let (c, cn) = (n(oids::AT_COUNTRY), n(oids::AT_COMMON_NAME));
    let (gn, sn, ps) = (
        n(oids::AT_GIVEN_NAME),
        n(oids::AT_SURNAME),
        n(oids::AT_PSEUDONYM),
    );
    if c == 0 || cn == 0 || (gn == 0 && sn == 0 && ps == 0) {
        ctx.push(
            "qes.etsi.en_319_412_2.natural_subject_missing_attribute",
            Severity::Error,
            "EN 319 412-2 NAT-4.2.4-1: the subject shall include countryName, commonName and \
             givenName and/or surname, or pseudonym",
        );
        return;
    }
    if gn > 0 && sn > 0 && ps > 0 {
        ctx.push(
            "qes.etsi.en_319_412_2.natural_subject_pseudonym_with_name",
            Severity::Error,
            "EN 319 412-2 NAT-4.2.4-4: pseudonym shall not be present with givenName and surname",
        );
        return;
    }
    if c > 1 || cn > 1 {
        ctx.push(
            "qes.etsi.en_319_412_2.natural_subject_duplicate_attribute",
            Severity::Error,
            "EN 319 412-2 NAT-4.2.4-3: at most one commonName and one countryName",
        );
    }
}

/// EN 319 412-3 LEG-4.2.1-2, -3.
fn legal(ctx: &mut Ctx<'_>) {
    let subject = ctx.cert.x509().tbs_certificate.subject.clone();
    let required = [
        (
            oids::AT_COUNTRY,
            "qes.etsi.en_319_412_3.legal_subject_missing_country",
            "countryName",
        ),
        (
            oids::AT_ORGANIZATION,
            "qes.etsi.en_319_412_3.legal_subject_missing_organization",
            "organizationName",
        ),
        (
            oids::AT_ORGANIZATION_IDENTIFIER,
            "qes.etsi.en_319_412_3.legal_subject_missing_organization_identifier",
            "organizationIdentifier",
        ),
        (
            oids::AT_COMMON_NAME,
            "qes.etsi.en_319_412_3.legal_subject_missing_common_name",
            "commonName",
        ),
    ];
    for (oid, code, what) in required {
        let count = name::count(&subject, oid);
        if count == 0 {
            ctx.push(
                code,
                Severity::Error,
                format!("EN 319 412-3 LEG-4.2.1-2: the subject shall include {what}"),
            );
        } else if count > 1 {
            ctx.push(
                "qes.etsi.en_319_412_3.legal_subject_duplicate_attribute",
                Severity::Error,
                format!("EN 319 412-3 LEG-4.2.1-3: only one {what} shall be present"),
            );
        }
    }
}

/// EN 319 412-3 LEG-4.2.1-6.
fn organization_identifier_differs(ctx: &mut Ctx<'_>) {
    let subject = ctx.cert.x509().tbs_certificate.subject.clone();
    let org = name::values(&subject, oids::AT_ORGANIZATION);
    let org_id = name::values(&subject, oids::AT_ORGANIZATION_IDENTIFIER);
    if org.iter().any(|o| org_id.contains(o)) {
        ctx.push(
            "qes.etsi.en_319_412_3.organization_identifier_equals_name",
            Severity::Error,
            "EN 319 412-3 LEG-4.2.1-6: organizationIdentifier shall differ from organizationName",
        );
    }
}

/// EN 319 412-1 §5.1.3, §5.1.4, §5.1.6, applied when the QCSyntax-v2 statement announces
/// the matching semantics identifier.
fn semantics_identifiers(ctx: &mut Ctx<'_>) {
    let Ok(Some(qcs)) = QcStatements::from_certificate(ctx.cert) else {
        return;
    };
    let subject = ctx.cert.x509().tbs_certificate.subject.clone();
    let infos: Vec<SemanticsInformation> = qcs
        .statements
        .iter()
        .filter_map(|s| match s {
            crate::qc_statements::QcStatement::PkixSyntaxV2(i) => Some(i.clone()),
            _ => None,
        })
        .collect();
    let announces = |id: SemanticsId| infos.iter().any(|i| i.identifier == Some(id));

    if announces(SemanticsId::Natural) {
        let serials = name::values(&subject, oids::AT_SERIAL_NUMBER);
        for value in &serials {
            let Some(sid) = SemanticsIdentifier::parse(value) else {
                continue;
            };
            if !is_country_or_eu(&sid.country) {
                ctx.push(
                    "qes.etsi.en_319_412_1.natural_identifier_invalid_country",
                    Severity::Error,
                    format!(
                        "EN 319 412-1 §5.1.3: country code {:?} of identifier {value:?} is not \
                         ISO 3166-1",
                        sid.country
                    ),
                );
            }
        }
        if serials
            .iter()
            .filter_map(|v| SemanticsIdentifier::parse(v))
            .any(|s| is_valid_national(&s))
        {
            registration_authorities(ctx, &infos, SemanticsId::Natural, "NAT-5.1.3-05/-06");
        }
    }
    if announces(SemanticsId::Legal) {
        let ids = name::values(&subject, oids::AT_ORGANIZATION_IDENTIFIER);
        for value in &ids {
            let Some(sid) = SemanticsIdentifier::parse(value) else {
                continue;
            };
            let invalid = match &sid.scheme {
                s if s.is_legal_person_scheme() => false,
                IdentifierScheme::National(_) => !is_valid_national(&sid),
                _ => true,
            };
            if invalid {
                ctx.push(
                    "qes.etsi.en_319_412_1.legal_identifier_invalid_scheme",
                    Severity::Error,
                    format!(
                        "EN 319 412-1 LEG-5.1.4-03: organizationIdentifier {value:?} uses an \
                         unknown registration scheme"
                    ),
                );
            }
        }
        if ids
            .iter()
            .filter_map(|v| SemanticsIdentifier::parse(v))
            .any(|s| is_valid_national(&s))
        {
            registration_authorities(ctx, &infos, SemanticsId::Legal, "LEG-5.1.4-05");
        }
    }
    if announces(SemanticsId::EidasNatural) {
        for value in name::values(&subject, oids::AT_SERIAL_NUMBER) {
            eidas_person_identifier(ctx, &value);
        }
    }
    if announces(SemanticsId::EidasLegal) {
        for value in name::values(&subject, oids::AT_ORGANIZATION_IDENTIFIER) {
            if value.chars().any(char::is_whitespace) {
                ctx.push(
                    "qes.etsi.en_319_412_1.eidas_legal_identifier_whitespace",
                    Severity::Error,
                    "EN 319 412-1 LEG-5.1.6-03: the eIDAS legal person identifier shall not \
                     contain whitespace",
                );
            } else if value.chars().count() > 256 {
                ctx.push(
                    "qes.etsi.en_319_412_1.eidas_legal_identifier_too_long",
                    Severity::Error,
                    "EN 319 412-1 LEG-5.1.6-03: the eIDAS legal person identifier shall not \
                     exceed 256 characters",
                );
            }
        }
    }
}

/// EN 319 412-1 NAT-5.1.5-03: the eIDAS PersonIdentifier syntax, `CC/CC/identifier`
/// (nationality of origin, of destination, identifier), e.g. `ES/AT/02635542Y`.
fn eidas_person_identifier(ctx: &mut Ctx<'_>, value: &str) {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 7 {
        ctx.push(
            "qes.etsi.en_319_412_1.eidas_natural_identifier_too_short",
            Severity::Error,
            format!("EN 319 412-1 NAT-5.1.5-03: {value:?} is too short for CC/CC/identifier"),
        );
        return;
    }
    if chars.get(2) != Some(&'/') || chars.get(5) != Some(&'/') {
        ctx.push(
            "qes.etsi.en_319_412_1.eidas_natural_identifier_bad_separator",
            Severity::Error,
            format!("EN 319 412-1 NAT-5.1.5-03: {value:?} lacks the '/' after each country code"),
        );
    }
    let code = |r: core::ops::Range<usize>| chars.get(r).map(|c| c.iter().collect::<String>());
    let valid = |c: Option<String>| c.is_some_and(|c| is_country_or_eu(&c));
    if !valid(code(0..2)) || !valid(code(3..5)) {
        ctx.push(
            "qes.etsi.en_319_412_1.eidas_natural_identifier_invalid_country",
            Severity::Error,
            format!(
                "EN 319 412-1 NAT-5.1.5-03: {value:?} does not start with two ISO 3166-1 codes"
            ),
        );
    }
}

/// A national scheme (`XX:`) with a valid country and no state/province part.
fn is_valid_national(sid: &SemanticsIdentifier) -> bool {
    matches!(sid.scheme, IdentifierScheme::National(_)) && is_country_or_eu(&sid.country)
}

/// NAT-5.1.3-05/-06, LEG-5.1.4-05: a national scheme needs nameRegistrationAuthorities with a
/// URI.
fn registration_authorities(
    ctx: &mut Ctx<'_>,
    infos: &[SemanticsInformation],
    id: SemanticsId,
    clause: &str,
) {
    for info in infos.iter().filter(|i| i.identifier == Some(id)) {
        if !info.has_name_registration_authorities() {
            ctx.push(
                "qes.etsi.en_319_412_1.national_scheme_without_registration_authority",
                Severity::Error,
                format!(
                    "EN 319 412-1 {clause}: a national identifier scheme requires \
                     nameRegistrationAuthorities in the semantics information"
                ),
            );
        } else if info
            .name_registration_authority_uris
            .as_ref()
            .is_some_and(Vec::is_empty)
        {
            ctx.push(
                "qes.etsi.en_319_412_1.registration_authority_without_uri",
                Severity::Error,
                format!(
                    "EN 319 412-1 {clause}: nameRegistrationAuthorities shall include a \
                     uniformResourceIdentifier"
                ),
            );
        }
    }
}

/// X.520 upper bounds (RFC 5280 appendix A), kept by CA/B Forum website profiles; EN 319 412-2
/// NAT-4.2.4-18 and EN 319 412-3 LEG-4.2.1-9 lift them otherwise.
fn upper_bounds(ctx: &mut Ctx<'_>) {
    if !ctx.profile.web.is_some_and(super::WebValidation::is_cabf) {
        return;
    }
    let subject = ctx.cert.x509().tbs_certificate.subject.clone();
    for (oid, ub, what) in [
        (oids::AT_COMMON_NAME, 64usize, "commonName"),
        (oids::AT_ORGANIZATION, 64, "organizationName"),
        (oids::AT_ORGANIZATIONAL_UNIT, 64, "organizationalUnitName"),
        (oids::AT_LOCALITY, 128, "localityName"),
        (oids::AT_STATE, 128, "stateOrProvinceName"),
        (oids::AT_SERIAL_NUMBER, 64, "serialNumber"),
    ] {
        for v in name::values(&subject, oid) {
            if v.chars().count() > ub {
                ctx.push(
                    "qes.x520.attribute_too_long",
                    Severity::Fatal,
                    format!("{what} exceeds its X.520 upper bound of {ub} characters"),
                );
            }
        }
    }
}

/// EN 319 412-4 WEB-4.1.3-4 for QNCP-w-gen: a commonName repeats a SAN dNSName (the CA/B
/// Forum profiles have their own rule, which also admits IP addresses).
fn website_common_name(ctx: &mut Ctx<'_>) {
    if ctx.profile.web != Some(super::WebValidation::Gen) {
        return;
    }
    let subject = ctx.cert.x509().tbs_certificate.subject.clone();
    let cns = name::values(&subject, oids::AT_COMMON_NAME);
    if cns.is_empty() {
        return;
    }
    let san = ctx
        .cert
        .extension_raw(oids::EXT_SUBJECT_ALT_NAME)
        .ok()
        .flatten()
        .and_then(|e| SubjectAltName::from_der(e.extn_value.as_bytes()).ok());
    let sources: Vec<String> = san
        .iter()
        .flat_map(|s| s.0.iter())
        .filter_map(|gn| match gn {
            GeneralName::DnsName(d) => Some(d.as_str().to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    for cn in cns {
        if !sources.contains(&cn.to_ascii_lowercase()) {
            ctx.push(
                "qes.etsi.en_319_412_4.common_name_not_in_san",
                Severity::Error,
                format!(
                    "EN 319 412-4 WEB-4.1.3-4: commonName {cn:?} is not one of the \
                     subjectAltName dNSName values"
                ),
            );
        }
    }
}
