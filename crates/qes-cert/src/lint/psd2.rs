//! PSD2 rules: ETSI TS 119 495 §5 (roles of the payment service provider, competent
//! authority, authorization number in organizationIdentifier).

use const_oid::ObjectIdentifier;

use super::{Ctx, Severity};
use crate::lint::subject::is_country;
use crate::name;
use crate::oids;
use crate::qc_statements::{Psd2Attributes, QcStatement, QcStatements};

/// TS 119 495 §5.2.2: role OIDs `{ 0 4 0 19495 1 n }` and their names.
const ROLES: &[(&str, &str)] = &[
    ("0.4.0.19495.1.0", "Unspecified"),
    ("0.4.0.19495.1.1", "PSP_AS"),
    ("0.4.0.19495.1.2", "PSP_PI"),
    ("0.4.0.19495.1.3", "PSP_AI"),
    ("0.4.0.19495.1.4", "PSP_IC"),
];

fn role_name(oid: ObjectIdentifier) -> Option<&'static str> {
    let s = oid.to_string();
    ROLES.iter().find(|(o, _)| *o == s).map(|(_, n)| *n)
}

pub(super) fn check(ctx: &mut Ctx<'_>) {
    let Ok(Some(qcs)) = QcStatements::from_certificate(ctx.cert) else {
        return;
    };
    if ctx.profile.psd2 && !qcs.contains(oids::QCS_PSD2) {
        ctx.push(
            "qes.etsi.ts_119_495.missing_psd2_statement",
            Severity::Error,
            "ETSI TS 119 495 GEN-5.1.1: a PSD2 certificate shall carry the PSD2 QC statement \
             (0.4.0.19495.2) with the open banking attributes",
        );
    }
    for st in &qcs.statements {
        if let QcStatement::Psd2(attrs) = st {
            roles(ctx, attrs);
            nca(ctx, attrs);
        }
    }
    if ctx.profile.psd2 {
        organization_identifier(ctx);
    }
}

/// GEN-5.2.2-1, GEN-5.2.2-2/-3, REG-5.2.2-5.
fn roles(ctx: &mut Ctx<'_>, attrs: &Psd2Attributes) {
    if attrs.roles.is_empty() {
        ctx.push(
            "qes.etsi.ts_119_495.psp_roles_empty",
            Severity::Error,
            "ETSI TS 119 495 GEN-5.2.2-1: RolesOfPSP shall contain one or more roles",
        );
        return;
    }
    for role in &attrs.roles {
        let Some(expected) = role_name(role.oid) else {
            ctx.push(
                "qes.etsi.ts_119_495.psp_role_unknown_oid",
                Severity::Error,
                format!(
                    "ETSI TS 119 495 GEN-5.2.2-2: {} is not a PSD2 role OID",
                    role.oid
                ),
            );
            return;
        };
        if !ROLES.iter().any(|(_, n)| *n == role.name) {
            ctx.push(
                "qes.etsi.ts_119_495.psp_role_unknown_name",
                Severity::Error,
                format!(
                    "ETSI TS 119 495 GEN-5.2.2-3: {:?} is not a PSD2 role name",
                    role.name
                ),
            );
            return;
        }
        if role.name != expected {
            ctx.push(
                "qes.etsi.ts_119_495.psp_role_mismatch",
                Severity::Error,
                format!(
                    "ETSI TS 119 495 REG-5.2.2-5: role {} is named {:?}, expected {expected:?}",
                    role.oid, role.name
                ),
            );
            return;
        }
    }
}

/// GEN-5.2.3-1 (Latin NCAName) and GEN-5.2.3-2 (`CC-XXXXXXXX` NCAId).
fn nca(ctx: &mut Ctx<'_>, attrs: &Psd2Attributes) {
    if !attrs.nca_name.is_ascii() {
        ctx.push(
            "qes.etsi.ts_119_495.nca_name_not_latin",
            Severity::Error,
            format!(
                "ETSI TS 119 495 GEN-5.2.3-1: NCAName {:?} is not plain Latin text",
                attrs.nca_name
            ),
        );
    }
    let id = &attrs.nca_id;
    let Some((country, authority)) = id.split_once('-').filter(|_| id.matches('-').count() == 1)
    else {
        ctx.push(
            "qes.etsi.ts_119_495.nca_id_malformed",
            Severity::Error,
            format!("ETSI TS 119 495 GEN-5.2.3-2: NCAId {id:?} is not country \"-\" identifier"),
        );
        return;
    };
    if !is_country(country) {
        ctx.push(
            "qes.etsi.ts_119_495.nca_id_invalid_country",
            Severity::Error,
            format!("ETSI TS 119 495 GEN-5.2.3-2: {country:?} is not an ISO 3166-1 code"),
        );
    } else if !(2..=8).contains(&authority.len())
        || !authority.bytes().all(|b| b.is_ascii_uppercase())
    {
        ctx.push(
            "qes.etsi.ts_119_495.nca_id_invalid_authority",
            Severity::Error,
            format!(
                "ETSI TS 119 495 GEN-5.2.3-2: competent authority identifier {authority:?} is not \
                 2-8 letters A-Z"
            ),
        );
    }
}

/// GEN-5.2.1-3: `PSD` + country + `-` + authority (2-8 A-Z) + `-` + authorization number.
fn organization_identifier(ctx: &mut Ctx<'_>) {
    let subject = ctx.cert.x509().tbs_certificate.subject.clone();
    for value in name::values(&subject, oids::AT_ORGANIZATION_IDENTIFIER) {
        let ok = value.strip_prefix("PSD").is_some_and(|rest| {
            let mut parts = rest.splitn(3, '-');
            let country = parts.next().unwrap_or_default();
            let authority = parts.next().unwrap_or_default();
            let number = parts.next().unwrap_or_default();
            country.len() == 2
                && country.bytes().all(|b| b.is_ascii_uppercase())
                && (2..=8).contains(&authority.len())
                && authority.bytes().all(|b| b.is_ascii_uppercase())
                && !number.is_empty()
        });
        if !ok {
            ctx.push(
                "qes.etsi.ts_119_495.invalid_psd_organization_identifier",
                Severity::Error,
                format!(
                    "ETSI TS 119 495 GEN-5.2.1-3: organizationIdentifier {value:?} is not \
                     PSD<country>-<authority>-<authorization number>"
                ),
            );
        }
    }
}
