//! Revocation during path validation (RFC 5280 §6.1.3 (a)(3), §6.3): each certificate of a
//! validated path is checked against the supplied OCSP responses and CRLs together (`revoked`
//! from either wins). A CRL issued under a key other than the certificate's issuer (separate
//! CRL signing key, indirect CRL) must itself chain to the same trust anchor as the path
//! (§6.3.3 (f)), validated recursively with a bound on the recursion; a CRL signed under
//! another trust anchor, even by a CA of the same name, is not authoritative.

use super::names::names_match;
use super::{
    build, PathError, PathErrorKind, PathValidator, RevocationPolicy, ValidationOptions, Work,
};
use crate::certificate::Certificate;
use crate::crl::{may_sign_crls, revocation_status, Crl, RevocationStatus, UndeterminedReason};
use crate::ocsp::{OcspCheckOptions, ResponderKind, ResponderStatus};
use crate::path::ANY_POLICY;
use crate::sigverify::{oids, verify_signature_inheriting};

/// How deep CRL issuer validation may recurse.
const MAX_SIGNER_DEPTH: usize = 3;

/// DSA domain parameters in force for the key of `chain[from]` (or the anchor), inherited
/// upwards (RFC 5280 §6.1.4 (f)).
fn dsa_params<'a>(
    chain: &[&'a Certificate],
    from: usize,
    anchor: &'a Certificate,
) -> Option<&'a der::Any> {
    chain
        .iter()
        .skip(from)
        .copied()
        .chain(core::iter::once(anchor))
        .map(|c| &c.x509().tbs_certificate.subject_public_key_info.algorithm)
        .take_while(|a| a.oid == oids::DSA)
        .find_map(|a| a.parameters.as_ref().filter(|p| !p.is_null()))
}

fn verify_with(
    crl: &Crl,
    key_holder: &Certificate,
    inherited: Option<&der::Any>,
    opts: &ValidationOptions,
    work: &mut Work,
) -> Result<bool, UndeterminedReason> {
    work.signature().map_err(|_| UndeterminedReason::Budget)?;
    let x = crl.x509();
    if x.signature_algorithm != x.tbs_cert_list.signature {
        return Ok(false);
    }
    let Some(sig) = x.signature.as_bytes() else {
        return Ok(false);
    };
    Ok(verify_signature_inheriting(
        &x.signature_algorithm,
        &key_holder.x509().tbs_certificate.subject_public_key_info,
        inherited,
        crl.tbs_der(),
        sig,
        &opts.algorithms,
    )
    .is_ok())
}

/// Options for validating a CRL issuer's own path: same time, CRLs, revocation, budget and
/// algorithms; no user policy requirements.
fn signer_options(opts: &ValidationOptions) -> ValidationOptions {
    let mut o = opts.clone();
    o.initial_policies = std::collections::BTreeSet::from([ANY_POLICY]);
    o.explicit_policy = false;
    o.policy_mapping_inhibit = false;
    o.any_policy_inhibit = false;
    o
}

/// The path under check, for CRL issuer resolution.
struct PathContext<'p, 'a> {
    v: &'p PathValidator<'a>,
    chain: &'p [&'p Certificate],
    anchor: &'p Certificate,
    opts: &'p ValidationOptions,
}

/// The public key a CRL was verified with (compared for delta CRLs, §6.3.3 (g)(2)).
fn candidate_key(c: &Certificate) -> Vec<u8> {
    c.x509()
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes()
        .to_vec()
}

/// Check the CRL's signature and its issuer's authority for a certificate whose issuer is
/// `chain[issuer_at]` (or the anchor when past the end): the issuer itself, or a CRL issuer
/// certificate from the pool whose own path ends at the same trust anchor `ctx.anchor`
/// (RFC 5280 §6.3.3 (f)). Returns the key that verified it.
fn verify_crl(
    ctx: &PathContext<'_, '_>,
    crl: &Crl,
    issuer_at: usize,
    work: &mut Work,
    signers: &mut Vec<Vec<u8>>,
) -> Result<Vec<u8>, UndeterminedReason> {
    let PathContext {
        v,
        chain,
        anchor,
        opts,
    } = *ctx;
    let crl_issuer = crl.issuer();
    let mut tried_signature = false;
    // The certificate's own issuer (the usual case).
    let (issuer, is_anchor) = match chain.get(issuer_at) {
        Some(c) => (*c, false),
        None => (anchor, true),
    };
    if names_match(&issuer.x509().tbs_certificate.subject, crl_issuer)
        && (is_anchor || may_sign_crls(issuer))
    {
        tried_signature = true;
        if verify_with(
            crl,
            issuer,
            dsa_params(chain, issuer_at, anchor),
            opts,
            work,
        )? {
            return Ok(candidate_key(issuer));
        }
    }
    // A separate CRL issuer certificate, whose own path must end at the same trust anchor as
    // the certificate's (§6.3.3 (f)): a CRL signed under another anchor (another provider of
    // a trusted list, possibly using the same CA name) is not authoritative.
    let scoped = PathValidator {
        anchors: core::slice::from_ref(anchor),
        intermediates: v.intermediates,
    };
    let pool = v.intermediates.iter().chain(chain.iter().copied());
    for candidate in pool {
        if candidate == issuer
            || !work
                .subject_matches(candidate, crl.prepared_issuer())
                .map_err(|_| UndeterminedReason::Budget)?
            || !may_sign_crls(candidate)
        {
            continue;
        }
        tried_signature = true;
        if !verify_with(crl, candidate, None, opts, work)? {
            continue;
        }
        if signers.iter().any(|s| s.as_slice() == candidate.der()) {
            // Its own validation is in progress further up: accept (self-issued CRL keys).
            return Ok(candidate_key(candidate));
        }
        if signers.len() >= MAX_SIGNER_DEPTH {
            continue;
        }
        signers.push(candidate.der().to_vec());
        let result = build::build(&scoped, candidate, &signer_options(opts), work, signers);
        signers.pop();
        match result {
            Ok(_) => return Ok(candidate_key(candidate)),
            Err(e) if matches!(e.kind(), PathErrorKind::BudgetExceeded { .. }) => {
                return Err(UndeterminedReason::Budget)
            }
            Err(_) => {}
        }
    }
    Err(if tried_signature {
        UndeterminedReason::BadCrlSignature
    } else {
        UndeterminedReason::NoCrlIssuer
    })
}

/// A decisive (good or revoked) status from the supplied OCSP responses, if any.
///
/// A `good` answer from a delegated responder without id-pkix-ocsp-nocheck is not decisive:
/// the responder's own status would have to be checked (RFC 6960 §4.2.2.2.1), which is not
/// done; its `revoked` answer is honoured (it can only fail the path).
fn ocsp_status(
    cert: &Certificate,
    issuer: &Certificate,
    opts: &ValidationOptions,
    work: &mut Work,
) -> Result<Option<RevocationStatus>, PathError> {
    if opts.ocsp.is_empty() {
        return Ok(None);
    }
    let check = OcspCheckOptions::new(opts.time).with_algorithm_policy(opts.algorithms);
    // The newest decisive answer wins (a revoked one on a tie).
    let mut best: Option<(chrono::DateTime<chrono::Utc>, bool, RevocationStatus)> = None;
    for response in opts.ocsp.iter() {
        // One signature for the response, one per embedded responder candidate.
        for _ in 0..=response.certificates().len() {
            work.signature().map_err(|k| PathError::new(k, None))?;
        }
        let Ok(verdict) = response.check(cert, issuer, &check) else {
            continue;
        };
        let revoked = matches!(verdict.status, RevocationStatus::Revoked { .. });
        let unchecked_responder = matches!(
            verdict.responder,
            ResponderKind::Delegated {
                status: ResponderStatus::Unchecked,
                ..
            }
        );
        if !revoked && (verdict.status != RevocationStatus::Good || unchecked_responder) {
            continue;
        }
        let key = (verdict.this_update, revoked);
        if best.as_ref().is_none_or(|(t, r, _)| key > (*t, *r)) {
            best = Some((verdict.this_update, revoked, verdict.status));
        }
    }
    Ok(best.map(|(_, _, status)| status))
}

/// Revocation status of every certificate of `chain` (leaf first), enforcing `opts.revocation`.
///
/// OCSP responses and CRLs are both consulted: `revoked` from either source fails the path,
/// `good` from either is enough otherwise (a fresh CRL listing the certificate is never hidden
/// by a `good` OCSP answer).
pub(super) fn check_path(
    v: &PathValidator<'_>,
    chain: &[&Certificate],
    anchor: &Certificate,
    opts: &ValidationOptions,
    work: &mut Work,
    signers: &mut Vec<Vec<u8>>,
) -> Result<Vec<RevocationStatus>, PathError> {
    if opts.revocation == RevocationPolicy::Skip {
        return Ok(vec![RevocationStatus::NotChecked; chain.len()]);
    }
    let mut statuses = Vec::with_capacity(chain.len());
    // Check from the top down so that an issuer's problem is reported first.
    for (index, cert) in chain.iter().enumerate().rev() {
        let issuer_at = index.saturating_add(1);
        let issuer = chain.get(issuer_at).copied().unwrap_or(anchor);
        let ocsp = ocsp_status(cert, issuer, opts, work)?;
        if let Some(RevocationStatus::Revoked { time, reason }) = ocsp {
            return Err(PathError::new(
                PathErrorKind::Revoked { time, reason },
                Some(index),
            ));
        }
        let ctx = PathContext {
            v,
            chain,
            anchor,
            opts,
        };
        // The CRL count is charged to the shared budget after the check, keeping what nested
        // CRL issuer validations consumed meanwhile.
        let before = work.crls;
        let mut crl_budget = before;
        let crl_status = {
            let mut verify = |crl: &Crl| verify_crl(&ctx, crl, issuer_at, work, signers);
            revocation_status(cert, &opts.crls, opts.time, &mut verify, &mut crl_budget)
        };
        let used = before.saturating_sub(crl_budget);
        work.crls = work.crls.saturating_sub(used);
        let status = match (ocsp, crl_status) {
            (_, revoked @ RevocationStatus::Revoked { .. }) => revoked,
            (Some(good), _) => good,
            (None, crl) => crl,
        };
        match (&status, opts.revocation) {
            (RevocationStatus::Revoked { time, reason }, _) => {
                return Err(PathError::new(
                    PathErrorKind::Revoked {
                        time: *time,
                        reason: *reason,
                    },
                    Some(index),
                ));
            }
            (RevocationStatus::Undetermined { why }, RevocationPolicy::Require) => {
                let kind = if *why == UndeterminedReason::Budget {
                    PathErrorKind::BudgetExceeded { what: "revocation" }
                } else {
                    PathErrorKind::RevocationUnknown(*why)
                };
                return Err(PathError::new(kind, Some(index)));
            }
            _ => {}
        }
        statuses.push(status);
    }
    statuses.reverse();
    Ok(statuses)
}
