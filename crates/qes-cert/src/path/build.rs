//! Path building (RFC 4158 in spirit): depth-first from the leaf towards the trust anchors,
//! trying every candidate issuer (AKI/SKI matches first) until one path validates.

use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectKeyIdentifier};

use super::names::PreparedName;
use super::{
    revocation, validate, PathError, PathErrorKind, PathValidator, ValidatedPath,
    ValidationOptions, Work,
};
use crate::certificate::Certificate;

/// 0: key identifiers match, 1: unknown, 2: they differ.
fn key_id_rank(child: &Certificate, candidate: &Certificate) -> u8 {
    let aki = child
        .extension::<AuthorityKeyIdentifier>()
        .ok()
        .flatten()
        .and_then(|(_, a)| a.key_identifier);
    let ski = candidate
        .extension::<SubjectKeyIdentifier>()
        .ok()
        .flatten()
        .map(|(_, s)| s.0);
    match (aki, ski) {
        (Some(a), Some(s)) if a == s => 0,
        (Some(_), Some(_)) => 2,
        _ => 1,
    }
}

fn is_fatal(e: &PathError) -> bool {
    matches!(e.kind(), PathErrorKind::BudgetExceeded { .. })
}

/// Build and validate a path for `leaf`. `signers` holds the CRL issuer certificates whose
/// own validation is in progress (revocation recursion).
pub(super) fn build(
    v: &PathValidator<'_>,
    leaf: &Certificate,
    opts: &ValidationOptions,
    work: &mut Work,
    signers: &mut Vec<Vec<u8>>,
) -> Result<ValidatedPath, PathError> {
    let mut chain = vec![leaf];
    let mut best: Option<PathError> = None;
    match extend(v, &mut chain, opts, work, signers, &mut best)? {
        Some(path) => Ok(path),
        None => Err(best.unwrap_or_else(|| PathError::new(PathErrorKind::NoIssuer, Some(0)))),
    }
}

fn record(best: &mut Option<PathError>, e: PathError) {
    *best = Some(match best.take() {
        Some(b) => b.most_specific(e),
        None => e,
    });
}

fn extend<'a>(
    v: &PathValidator<'a>,
    chain: &mut Vec<&'a Certificate>,
    opts: &ValidationOptions,
    work: &mut Work,
    signers: &mut Vec<Vec<u8>>,
    best: &mut Option<PathError>,
) -> Result<Option<ValidatedPath>, PathError>
where
{
    let Some(&current) = chain.last() else {
        return Ok(None);
    };
    let index = chain.len().saturating_sub(1);
    let issuer = PreparedName::new(&current.x509().tbs_certificate.issuer);
    let mut found = false;
    let budget = |k| PathError::new(k, Some(index));

    let mut anchors: Vec<&Certificate> = Vec::new();
    for a in v.anchors {
        if work.subject_matches(a, &issuer).map_err(budget)? {
            anchors.push(a);
        }
    }
    anchors.sort_by_key(|a| key_id_rank(current, a));
    for anchor in anchors {
        found = true;
        work.candidate()
            .map_err(|k| PathError::new(k, Some(index)))?;
        match finish(v, chain, anchor, opts, work, signers) {
            Ok(path) => return Ok(Some(path)),
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => record(best, e),
        }
    }

    let mut candidates: Vec<&'a Certificate> = Vec::new();
    for c in v.intermediates {
        if !chain.contains(&c) && work.subject_matches(c, &issuer).map_err(budget)? {
            candidates.push(c);
        }
    }
    candidates.sort_by_key(|c| key_id_rank(current, c));
    if !candidates.is_empty() && chain.len() >= opts.max_depth {
        record(
            best,
            PathError::new(PathErrorKind::PathTooLong, Some(index)),
        );
        return Ok(None);
    }
    for candidate in candidates {
        found = true;
        work.candidate()
            .map_err(|k| PathError::new(k, Some(index)))?;
        chain.push(candidate);
        let result = extend(v, chain, opts, work, signers, best);
        chain.pop();
        if let Some(path) = result? {
            return Ok(Some(path));
        }
    }
    if !found {
        record(best, PathError::new(PathErrorKind::NoIssuer, Some(index)));
    }
    Ok(None)
}

/// Validate the complete candidate `chain` (leaf first) under `anchor`.
fn finish(
    v: &PathValidator<'_>,
    chain: &[&Certificate],
    anchor: &Certificate,
    opts: &ValidationOptions,
    work: &mut Work,
    signers: &mut Vec<Vec<u8>>,
) -> Result<ValidatedPath, PathError> {
    let top_down: Vec<&Certificate> = chain.iter().rev().copied().collect();
    let policies = validate::process(anchor, &top_down, opts, work)?;
    let revocation = revocation::check_path(v, chain, anchor, opts, work, signers)?;
    Ok(ValidatedPath {
        certs: chain.iter().map(|c| (*c).clone()).collect(),
        anchor: anchor.clone(),
        policies,
        revocation,
    })
}
