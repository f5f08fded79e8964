//! The basic path validation algorithm of RFC 5280 §6.1.2–§6.1.5 over one candidate path.

use std::collections::{BTreeMap, BTreeSet};

use const_oid::db::rfc5280 as oid;
use const_oid::ObjectIdentifier;
use x509_cert::certificate::Version;
use x509_cert::ext::pkix::certpolicy::CertificatePolicies;
use x509_cert::ext::pkix::constraints::{BasicConstraints, NameConstraints, PolicyConstraints};
use x509_cert::ext::pkix::{InhibitAnyPolicy, KeyUsage, PolicyMappings, SubjectAltName};

use super::names::names_match;
use super::nc::{NameConstraintsState, NcFailure};
use super::policy::{PolicyGraph, ANY_POLICY};
use super::{PathError, PathErrorKind, ValidationOptions, Work};
use crate::certificate::Certificate;
use crate::sigverify::{oids, verify_signature_inheriting};

/// `qcStatements` (RFC 3739 §3.2.6, ETSI EN 319 412-5).
const QC_STATEMENTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.3");
/// `id-pkix-ocsp-nocheck` (RFC 6960 §4.2.2.2.1).
const OCSP_NOCHECK: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.5");

/// Extensions this validator processes or knows to be safe to ignore when critical.
const RECOGNISED: &[ObjectIdentifier] = &[
    oid::ID_CE_BASIC_CONSTRAINTS,
    oid::ID_CE_KEY_USAGE,
    oid::ID_CE_CERTIFICATE_POLICIES,
    oid::ID_CE_POLICY_MAPPINGS,
    oid::ID_CE_POLICY_CONSTRAINTS,
    oid::ID_CE_INHIBIT_ANY_POLICY,
    oid::ID_CE_NAME_CONSTRAINTS,
    oid::ID_CE_SUBJECT_ALT_NAME,
    oid::ID_CE_ISSUER_ALT_NAME,
    oid::ID_CE_EXT_KEY_USAGE,
    oid::ID_CE_AUTHORITY_KEY_IDENTIFIER,
    oid::ID_CE_SUBJECT_KEY_IDENTIFIER,
    oid::ID_CE_CRL_DISTRIBUTION_POINTS,
    oid::ID_CE_FRESHEST_CRL,
    oid::ID_CE_SUBJECT_DIRECTORY_ATTRIBUTES,
    oid::ID_PE_AUTHORITY_INFO_ACCESS,
    oid::ID_PE_SUBJECT_INFO_ACCESS,
    QC_STATEMENTS,
    OCSP_NOCHECK,
];

fn malformed(what: &'static str) -> PathErrorKind {
    PathErrorKind::Malformed { what }
}

/// §6.1.4 (o) / §6.1.5 (f).
fn check_critical(cert: &Certificate) -> Result<(), PathErrorKind> {
    for ext in cert.x509().tbs_certificate.extensions.iter().flatten() {
        if ext.critical && !RECOGNISED.contains(&ext.extn_id) {
            return Err(PathErrorKind::UnknownCriticalExtension { oid: ext.extn_id });
        }
    }
    Ok(())
}

/// Whether issuer and subject names match (RFC 5280 §6.1 "self-issued").
pub(crate) fn self_issued(cert: &Certificate) -> bool {
    let tbs = &cert.x509().tbs_certificate;
    names_match(&tbs.issuer, &tbs.subject)
}

/// Run §6.1 over `top_down` (the certificate the anchor issued first, the leaf last). Returns
/// the user-constrained policy set. Error indices count from the leaf (0).
pub(super) fn process(
    anchor: &Certificate,
    top_down: &[&Certificate],
    opts: &ValidationOptions,
    work: &mut Work,
) -> Result<BTreeSet<ObjectIdentifier>, PathError> {
    let n = top_down.len();
    let n1 = n.saturating_add(1);
    let anchor_tbs = &anchor.x509().tbs_certificate;
    // §6.1.2 initialisation.
    let mut graph = Some(PolicyGraph::new());
    let mut nc = NameConstraintsState::default();
    let mut explicit_policy = if opts.explicit_policy { 0 } else { n1 };
    let mut inhibit_any = if opts.any_policy_inhibit { 0 } else { n1 };
    let mut policy_mapping = if opts.policy_mapping_inhibit { 0 } else { n1 };
    let mut working_spki = &anchor_tbs.subject_public_key_info;
    let mut working_dsa_params: Option<&der::Any> = working_spki
        .algorithm
        .parameters
        .as_ref()
        .filter(|_| working_spki.algorithm.oid == oids::DSA);
    let mut working_issuer = &anchor_tbs.subject;
    let mut max_path_length = n;

    for (k, cert) in top_down.iter().enumerate() {
        let i = k.saturating_add(1);
        let index = n.saturating_sub(i);
        let fail = |kind: PathErrorKind| PathError::new(kind, Some(index));
        let x = cert.x509();
        let tbs = &x.tbs_certificate;
        let last = i == n;

        // (a)(1) signature, over the tbsCertificate bytes as received.
        if x.signature_algorithm != tbs.signature {
            return Err(fail(malformed(
                "signature algorithm (inner and outer differ)",
            )));
        }
        work.signature().map_err(&fail)?;
        let sig = x.signature.as_bytes().ok_or_else(|| {
            fail(PathErrorKind::Signature(
                crate::SignatureError::BadSignature,
            ))
        })?;
        verify_signature_inheriting(
            &x.signature_algorithm,
            working_spki,
            working_dsa_params,
            cert.tbs_der(),
            sig,
            &opts.algorithms,
        )
        .map_err(|e| fail(PathErrorKind::Signature(e)))?;
        // (a)(2) validity.
        if opts.time < cert.not_before() {
            return Err(fail(PathErrorKind::NotYetValid));
        }
        if opts.time > cert.not_after() {
            return Err(fail(PathErrorKind::Expired));
        }
        // (a)(4) name chaining.
        if !names_match(&tbs.issuer, working_issuer) {
            return Err(fail(PathErrorKind::NameChaining));
        }
        let is_self_issued = self_issued(cert);

        // (b)-(c) name constraints.
        if (!is_self_issued || last) && !nc.is_empty() {
            let san = cert
                .extension::<SubjectAltName>()
                .map_err(|_| fail(malformed("subjectAltName")))?
                .map(|(_, s)| s.0)
                .unwrap_or_default();
            nc.check(&tbs.subject, &san, &mut work.name_comparisons)
                .map_err(|e| {
                    fail(match e {
                        NcFailure::Budget => PathErrorKind::BudgetExceeded {
                            what: "name comparisons",
                        },
                        _ => PathErrorKind::NameConstraints,
                    })
                })?;
        }

        // (d)-(e) certificate policies.
        let policies = cert
            .extension::<CertificatePolicies>()
            .map_err(|_| fail(malformed("certificatePolicies")))?;
        match policies {
            Some((_, cp)) => {
                let set: BTreeSet<ObjectIdentifier> =
                    cp.0.iter().map(|p| p.policy_identifier).collect();
                if set.len() != cp.0.len() {
                    return Err(fail(malformed("certificatePolicies (duplicate policy)")));
                }
                if let Some(g) = graph.as_mut() {
                    g.add_certificate(&set, inhibit_any > 0 || (!last && is_self_issued));
                    if g.is_null() {
                        graph = None;
                    }
                }
            }
            None => graph = None,
        }
        if let Some(g) = &graph {
            if g.size() > 10_000 {
                return Err(fail(PathErrorKind::BudgetExceeded {
                    what: "policy tree",
                }));
            }
        }
        // (f)
        if explicit_policy == 0 && graph.is_none() {
            return Err(fail(PathErrorKind::Policy));
        }

        if last {
            // §6.1.5 wrap-up.
            explicit_policy = explicit_policy.saturating_sub(1);
            if let Some((_, pc)) = cert
                .extension::<PolicyConstraints>()
                .map_err(|_| fail(malformed("policyConstraints")))?
            {
                if pc.require_explicit_policy == Some(0) {
                    explicit_policy = 0;
                }
            }
            check_critical(cert).map_err(&fail)?;
            let initial = &opts.initial_policies;
            let user = graph
                .as_ref()
                .map(|g| g.user_constrained(initial))
                .unwrap_or_default();
            let user_required = explicit_policy == 0 || !initial.contains(&ANY_POLICY);
            if user_required && user.is_empty() {
                return Err(fail(PathErrorKind::Policy));
            }
            return Ok(user);
        }

        // §6.1.4 preparation for certificate i+1.
        // (a)-(b) policy mappings.
        if let Some((_, pm)) = cert
            .extension::<PolicyMappings>()
            .map_err(|_| fail(malformed("policyMappings")))?
        {
            let mut map: BTreeMap<ObjectIdentifier, BTreeSet<ObjectIdentifier>> = BTreeMap::new();
            for m in &pm.0 {
                if m.issuer_domain_policy == ANY_POLICY || m.subject_domain_policy == ANY_POLICY {
                    return Err(fail(PathErrorKind::Policy));
                }
                map.entry(m.issuer_domain_policy)
                    .or_default()
                    .insert(m.subject_domain_policy);
            }
            if let Some(g) = graph.as_mut() {
                g.apply_mappings(&map, policy_mapping > 0);
                if g.is_null() {
                    graph = None;
                }
            }
        }
        // (c)-(f) working issuer name and key.
        working_issuer = &tbs.subject;
        let spki = &tbs.subject_public_key_info;
        if spki.algorithm.oid == oids::DSA {
            if let Some(p) = spki.algorithm.parameters.as_ref().filter(|p| !p.is_null()) {
                working_dsa_params = Some(p);
            }
        } else {
            working_dsa_params = None;
        }
        working_spki = spki;
        // (g) name constraints.
        if let Some((_, constraints)) = cert
            .extension::<NameConstraints>()
            .map_err(|_| fail(malformed("nameConstraints")))?
        {
            nc.add(constraints);
        }
        // (h)
        if !is_self_issued {
            explicit_policy = explicit_policy.saturating_sub(1);
            policy_mapping = policy_mapping.saturating_sub(1);
            inhibit_any = inhibit_any.saturating_sub(1);
        }
        // (i)
        if let Some((_, pc)) = cert
            .extension::<PolicyConstraints>()
            .map_err(|_| fail(malformed("policyConstraints")))?
        {
            if let Some(r) = pc
                .require_explicit_policy
                .and_then(|r| usize::try_from(r).ok())
            {
                explicit_policy = explicit_policy.min(r);
            }
            if let Some(m) = pc
                .inhibit_policy_mapping
                .and_then(|m| usize::try_from(m).ok())
            {
                policy_mapping = policy_mapping.min(m);
            }
        }
        // (j)
        if let Some((_, ia)) = cert
            .extension::<InhibitAnyPolicy>()
            .map_err(|_| fail(malformed("inhibitAnyPolicy")))?
        {
            if let Ok(skip) = usize::try_from(ia.0) {
                inhibit_any = inhibit_any.min(skip);
            }
        }
        // (k) basicConstraints cA.
        if tbs.version != Version::V3 {
            return Err(fail(PathErrorKind::NotCa));
        }
        let bc = cert
            .extension::<BasicConstraints>()
            .map_err(|_| fail(malformed("basicConstraints")))?;
        let Some((_, bc)) = bc.filter(|(_, bc)| bc.ca) else {
            return Err(fail(PathErrorKind::NotCa));
        };
        // (l)
        if !is_self_issued {
            max_path_length = max_path_length
                .checked_sub(1)
                .ok_or_else(|| fail(PathErrorKind::PathLength))?;
        }
        // (m)
        if let Some(len) = bc.path_len_constraint {
            max_path_length = max_path_length.min(usize::from(len));
        }
        // (n)
        if let Some((_, ku)) = cert
            .extension::<KeyUsage>()
            .map_err(|_| fail(malformed("keyUsage")))?
        {
            if !ku.key_cert_sign() {
                return Err(fail(PathErrorKind::KeyUsage));
            }
        }
        // (o)
        check_critical(cert).map_err(&fail)?;
    }
    // Unreachable for n >= 1 (the loop returns at the leaf); an empty path has no policies.
    Err(PathError::new(PathErrorKind::NoIssuer, None))
}
