//! Domain names and policy qualifier text: RFC 5280 §4.2.1.4 explicitText encoding, and
//! special-use domain names (RFC 6761, RFC 6762, RFC 7686, RFC 8375, RFC 9476) that can
//! never be publicly resolvable, in SAN dNSNames and in URIs of AIA, CRL DP and CPS pointers.

use der::asn1::Any;
use der::{Decode, Reader, SliceReader, Tag, Tagged};
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, CertificatePolicies, CrlDistributionPoints, SubjectAltName,
};

use super::{Ctx, Severity};
use crate::name::any_to_string;
use crate::oids;

const QT_CPS: &str = "1.3.6.1.5.5.7.2.1";
const QT_UNOTICE: &str = "1.3.6.1.5.5.7.2.2";

/// Top-level or second-level labels reserved for special use.
const SPECIAL_USE_SUFFIXES: &[&str] = &[
    "test",      // RFC 6761 §6.2
    "example",   // RFC 6761 §6.5
    "invalid",   // RFC 6761 §6.4
    "localhost", // RFC 6761 §6.3
    "local",     // RFC 6762
    "onion",     // RFC 7686
    "alt",       // RFC 9476
    "home.arpa", // RFC 8375
    "internal",  // ICANN private-use TLD (2024)
];

pub(super) fn check(ctx: &mut Ctx<'_>) {
    policy_qualifiers(ctx);
    for host in hosts(ctx) {
        if is_special_use(&host) {
            ctx.push(
                "qes.dns.special_use_domain_name",
                Severity::Error,
                format!(
                    "{host:?} is a special-use (internal) domain name, never publicly resolvable"
                ),
            );
        }
    }
}

fn is_special_use(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    SPECIAL_USE_SUFFIXES
        .iter()
        .any(|s| host == *s || host.strip_suffix(s).is_some_and(|rest| rest.ends_with('.')))
}

/// The host part of an absolute URI (`scheme://[userinfo@]host[:port]/...`).
fn uri_host(uri: &str) -> Option<String> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.starts_with('[') {
        return None; // IPv6 literal
    }
    let host = host.split(':').next()?;
    (!host.is_empty()).then(|| host.to_owned())
}

fn hosts(ctx: &Ctx<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let raw = |oid| {
        ctx.cert
            .extension_raw(oid)
            .ok()
            .flatten()
            .map(|e| e.extn_value.as_bytes())
    };
    let from_gn = |gn: &GeneralName, out: &mut Vec<String>| match gn {
        GeneralName::DnsName(d) => out.push(d.as_str().to_owned()),
        GeneralName::UniformResourceIdentifier(u) => out.extend(uri_host(u.as_str())),
        _ => {}
    };
    if let Some(san) =
        raw(oids::EXT_SUBJECT_ALT_NAME).and_then(|v| SubjectAltName::from_der(v).ok())
    {
        for gn in &san.0 {
            from_gn(gn, &mut out);
        }
    }
    if let Some(aia) = raw(oids::EXT_AUTHORITY_INFO_ACCESS)
        .and_then(|v| AuthorityInfoAccessSyntax::from_der(v).ok())
    {
        for ad in &aia.0 {
            from_gn(&ad.access_location, &mut out);
        }
    }
    if let Some(dps) =
        raw(oids::EXT_CRL_DISTRIBUTION_POINTS).and_then(|v| CrlDistributionPoints::from_der(v).ok())
    {
        for dp in &dps.0 {
            if let Some(DistributionPointName::FullName(names)) = &dp.distribution_point {
                for gn in names {
                    from_gn(gn, &mut out);
                }
            }
        }
    }
    for (id, q) in qualifiers(ctx) {
        if id == QT_CPS {
            out.extend(any_to_string(&q).as_deref().and_then(uri_host));
        }
    }
    out
}

fn qualifiers(ctx: &Ctx<'_>) -> Vec<(String, Any)> {
    let Some(cp) = ctx
        .cert
        .extension_raw(oids::EXT_CERTIFICATE_POLICIES)
        .ok()
        .flatten()
        .and_then(|e| CertificatePolicies::from_der(e.extn_value.as_bytes()).ok())
    else {
        return Vec::new();
    };
    cp.0.iter()
        .flat_map(|p| p.policy_qualifiers.iter().flatten())
        .filter_map(|q| Some((q.policy_qualifier_id.to_string(), q.qualifier.clone()?)))
        .collect()
}

/// RFC 5280 §4.2.1.4: "Conforming CAs MUST NOT encode explicitText as VisibleString or
/// BMPString."
fn policy_qualifiers(ctx: &mut Ctx<'_>) {
    for (id, q) in qualifiers(ctx) {
        if id != QT_UNOTICE || q.tag() != Tag::Sequence {
            continue;
        }
        let Ok(mut r) = SliceReader::new(q.value()) else {
            continue;
        };
        while !r.is_finished() {
            let Ok(element) = Any::decode(&mut r) else {
                break;
            };
            if matches!(element.tag(), Tag::VisibleString | Tag::BmpString) {
                ctx.push(
                    "qes.rfc5280.explicit_text_prohibited_encoding",
                    Severity::Error,
                    format!(
                        "RFC 5280 §4.2.1.4: userNotice explicitText is a {}, which conforming CAs \
                         must not use",
                        element.tag()
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_use_names() {
        assert!(is_special_use("test.test"));
        assert!(is_special_use("printer.local."));
        assert!(is_special_use("router.home.arpa"));
        assert!(!is_special_use("example.com"));
        assert!(!is_special_use("contest"));
        assert_eq!(
            uri_host("http://user@ocsp.test:8080/x").as_deref(),
            Some("ocsp.test")
        );
        assert_eq!(uri_host("ldap://[::1]/x"), None);
    }
}
