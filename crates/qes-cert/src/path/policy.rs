//! The valid policy tree of RFC 5280 §6.1.2 (a), §6.1.3 (d)–(f), §6.1.4 (a)–(b), §6.1.5 (g),
//! held as a graph with at most one node per policy per level (as BoringSSL does), so its size
//! stays linear in the input instead of exponential (CVE-2023-0464).
//!
//! ```text
//! certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation   -- RFC 5280 §4.2.1.4
//! PolicyMappings ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE {                -- RFC 5280 §4.2.1.5
//!      issuerDomainPolicy      CertPolicyId,
//!      subjectDomainPolicy     CertPolicyId }
//! ```
//!
//! Nodes at one depth that share a valid policy always share their expected policy set (a
//! mapping rewrites all of them at once), so merging them keeps the RFC semantics; a merged
//! node remembers all its parents.

use std::collections::{BTreeMap, BTreeSet};

use const_oid::ObjectIdentifier;

/// `anyPolicy` (RFC 5280 §4.2.1.4), `2.5.29.32.0`.
pub const ANY_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32.0");

#[derive(Clone, Debug)]
struct Node {
    expected: BTreeSet<ObjectIdentifier>,
    parents: BTreeSet<ObjectIdentifier>,
}

/// The valid policy graph; `None` in the caller stands for the RFC's NULL tree.
#[derive(Clone, Debug)]
pub(crate) struct PolicyGraph {
    levels: Vec<BTreeMap<ObjectIdentifier, Node>>,
}

impl PolicyGraph {
    /// The initial tree: one `anyPolicy` node at depth 0 (§6.1.2 (a)).
    pub(crate) fn new() -> Self {
        let mut root = BTreeMap::new();
        root.insert(
            ANY_POLICY,
            Node {
                expected: BTreeSet::from([ANY_POLICY]),
                parents: BTreeSet::new(),
            },
        );
        Self { levels: vec![root] }
    }

    /// Number of nodes, for the work budget.
    pub(crate) fn size(&self) -> usize {
        self.levels.iter().map(BTreeMap::len).sum()
    }

    /// Whether the tree has become NULL.
    pub(crate) fn is_null(&self) -> bool {
        self.levels.first().is_none_or(BTreeMap::is_empty)
            || self.levels.last().is_none_or(BTreeMap::is_empty)
    }

    /// §6.1.3 (d): add a level for a certificate's policies. `any_allowed` is
    /// `inhibit_anyPolicy > 0 || (i < n && self-issued)`.
    pub(crate) fn add_certificate(
        &mut self,
        policies: &BTreeSet<ObjectIdentifier>,
        any_allowed: bool,
    ) {
        let Some(prev) = self.levels.last() else {
            return;
        };
        let mut level: BTreeMap<ObjectIdentifier, Node> = BTreeMap::new();
        // (d)(1)
        for p in policies.iter().filter(|p| **p != ANY_POLICY) {
            let parents: BTreeSet<_> = prev
                .iter()
                .filter(|(_, n)| n.expected.contains(p))
                .map(|(k, _)| *k)
                .collect();
            if !parents.is_empty() {
                level.insert(
                    *p,
                    Node {
                        expected: BTreeSet::from([*p]),
                        parents,
                    },
                );
            } else if prev.contains_key(&ANY_POLICY) {
                level.insert(
                    *p,
                    Node {
                        expected: BTreeSet::from([*p]),
                        parents: BTreeSet::from([ANY_POLICY]),
                    },
                );
            }
        }
        // (d)(2)
        if any_allowed && policies.contains(&ANY_POLICY) {
            for (parent, node) in prev {
                for e in &node.expected {
                    level
                        .entry(*e)
                        .or_insert_with(|| Node {
                            expected: BTreeSet::from([*e]),
                            parents: BTreeSet::new(),
                        })
                        .parents
                        .insert(*parent);
                }
            }
        }
        self.levels.push(level);
        // (d)(3)
        self.prune();
    }

    /// §6.1.4 (b): apply the policy mappings of certificate i to depth i.
    pub(crate) fn apply_mappings(
        &mut self,
        mappings: &BTreeMap<ObjectIdentifier, BTreeSet<ObjectIdentifier>>,
        mapping_allowed: bool,
    ) {
        let depth = self.levels.len();
        let Some(level) = self.levels.last_mut() else {
            return;
        };
        if depth < 2 {
            return;
        }
        for (issuer_policy, subjects) in mappings {
            if mapping_allowed {
                if let Some(node) = level.get_mut(issuer_policy) {
                    node.expected = subjects.clone();
                } else if level.contains_key(&ANY_POLICY) {
                    level.insert(
                        *issuer_policy,
                        Node {
                            expected: subjects.clone(),
                            parents: BTreeSet::from([ANY_POLICY]),
                        },
                    );
                }
            } else {
                level.remove(issuer_policy);
            }
        }
        self.prune();
    }

    /// Remove nodes above the last level that have no children, repeatedly.
    fn prune(&mut self) {
        let mut idx = self.levels.len();
        while idx > 1 {
            idx -= 1;
            let referenced: BTreeSet<ObjectIdentifier> = self
                .levels
                .get(idx)
                .map(|l| l.values().flat_map(|n| n.parents.iter().copied()).collect())
                .unwrap_or_default();
            if let Some(above) = self.levels.get_mut(idx - 1) {
                above.retain(|k, _| referenced.contains(k));
            }
            // Children whose parents all vanished go too.
            let above_keys: BTreeSet<ObjectIdentifier> = self
                .levels
                .get(idx - 1)
                .map(|l| l.keys().copied().collect())
                .unwrap_or_default();
            if let Some(level) = self.levels.get_mut(idx) {
                for node in level.values_mut() {
                    node.parents.retain(|p| above_keys.contains(p));
                }
                level.retain(|_, n| !n.parents.is_empty());
            }
        }
    }

    /// §6.1.5 (g): the authority-constrained policies at the leaf level, each leaf traced to
    /// the policy it has under `anyPolicy` (the RFC's valid_policy_node_set); an `anyPolicy`
    /// leaf contributes `anyPolicy`.
    fn authority_constrained(&self) -> BTreeSet<ObjectIdentifier> {
        let mut prev: BTreeMap<ObjectIdentifier, BTreeSet<ObjectIdentifier>> = BTreeMap::new();
        for (depth, level) in self.levels.iter().enumerate() {
            let mut current = BTreeMap::new();
            for (policy, node) in level {
                let mut auth = BTreeSet::new();
                if *policy == ANY_POLICY || depth == 0 {
                    auth.insert(ANY_POLICY);
                } else {
                    for parent in &node.parents {
                        if *parent == ANY_POLICY {
                            auth.insert(*policy);
                        } else if let Some(a) = prev.get(parent) {
                            auth.extend(a.iter().copied());
                        }
                    }
                }
                current.insert(*policy, auth);
            }
            prev = current;
        }
        prev.into_values().flatten().collect()
    }

    /// §6.1.5 (g) intersected with the user-initial-policy-set: the user-constrained policy set.
    pub(crate) fn user_constrained(
        &self,
        initial: &BTreeSet<ObjectIdentifier>,
    ) -> BTreeSet<ObjectIdentifier> {
        if self.is_null() {
            return BTreeSet::new();
        }
        let authority = self.authority_constrained();
        if initial.contains(&ANY_POLICY) {
            return authority;
        }
        if authority.contains(&ANY_POLICY) {
            return initial.clone();
        }
        authority.intersection(initial).copied().collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn oid(s: &str) -> ObjectIdentifier {
        s.parse().unwrap()
    }

    #[test]
    fn mapping_keeps_the_authority_policy() {
        let (p1, p2) = (oid("1.2.3.1"), oid("1.2.3.2"));
        let mut g = PolicyGraph::new();
        // CA asserts P1 and maps P1 -> P2; the leaf asserts P2.
        g.add_certificate(&BTreeSet::from([p1]), true);
        g.apply_mappings(&BTreeMap::from([(p1, BTreeSet::from([p2]))]), true);
        g.add_certificate(&BTreeSet::from([p2]), true);
        assert!(!g.is_null());
        assert_eq!(
            g.user_constrained(&BTreeSet::from([ANY_POLICY])),
            BTreeSet::from([p1])
        );
        assert_eq!(
            g.user_constrained(&BTreeSet::from([p1])),
            BTreeSet::from([p1])
        );
        assert!(g.user_constrained(&BTreeSet::from([p2])).is_empty());
    }

    #[test]
    fn inhibited_mapping_deletes_and_prunes() {
        let (p1, p2) = (oid("1.2.3.1"), oid("1.2.3.2"));
        let mut g = PolicyGraph::new();
        g.add_certificate(&BTreeSet::from([p1]), true);
        g.apply_mappings(&BTreeMap::from([(p1, BTreeSet::from([p2]))]), false);
        assert!(g.is_null());
    }

    #[test]
    fn any_policy_chain() {
        let p1 = oid("1.2.3.1");
        let mut g = PolicyGraph::new();
        g.add_certificate(&BTreeSet::from([ANY_POLICY]), true);
        g.add_certificate(&BTreeSet::from([ANY_POLICY]), true);
        assert_eq!(
            g.user_constrained(&BTreeSet::from([p1])),
            BTreeSet::from([p1])
        );
        // anyPolicy inhibited: the any node is not carried and the tree becomes NULL.
        g.add_certificate(&BTreeSet::from([ANY_POLICY]), false);
        assert!(g.is_null());
        assert!(g.size() < 10);
    }

    #[test]
    fn dense_mappings_stay_linear() {
        // CVE-2023-0464 shape: every policy mapped to every policy at every level.
        let policies: BTreeSet<ObjectIdentifier> =
            (0..50u32).map(|i| oid(&format!("1.2.3.{i}"))).collect();
        let all: BTreeMap<_, _> = policies.iter().map(|p| (*p, policies.clone())).collect();
        let mut g = PolicyGraph::new();
        for _ in 0..10 {
            g.add_certificate(&policies, true);
            g.apply_mappings(&all, true);
        }
        g.add_certificate(&policies, true);
        assert!(g.size() <= 1 + 11 * 50);
        assert_eq!(g.user_constrained(&BTreeSet::from([ANY_POLICY])), policies);
    }
}
