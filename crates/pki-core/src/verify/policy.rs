//! Certificate policies: the valid_policy_tree of [RFC 5280 6.1.2 to 6.1.5], steps (d) to (f)
//! of 6.1.3, (a), (b), (h) to (j) of 6.1.4 and (a), (b), (g) of 6.1.5. Qualifiers are not
//! kept (pki does not act on them). A tree that grows past [`MAX_NODES`] fails the path: a
//! hostile chain of policy mappings cannot make it exponential.
//!
//! [RFC 5280 6.1.2 to 6.1.5]: https://www.rfc-editor.org/rfc/rfc5280#section-6.1.2

use der::asn1::ObjectIdentifier as Oid;

use super::{PolicyOptions, Reason};
use crate::view::{CertView, oid::ANY_POLICY};

/// The most nodes the policy tree may hold.
pub const MAX_NODES: usize = 10_000;

#[derive(Debug, Clone)]
struct Node {
    policy: Oid,
    expected: Vec<Oid>,
    parent: usize,
}

/// The state variables of 6.1.2 that concern policies.
#[derive(Debug)]
pub struct Policies {
    /// `levels[d]`: the nodes at depth d; `None` once the tree is NULL.
    tree: Option<Vec<Vec<Node>>>,
    explicit_policy: usize,
    inhibit_any_policy: usize,
    policy_mapping: usize,
    n: usize,
}

type Fail = (Reason, String);

impl Policies {
    /// 6.1.2 (a), (d), (e), (f) for a path of `n` certificates below the anchor.
    pub fn new(n: usize, o: &PolicyOptions) -> Policies {
        let start = |flag: bool| if flag { 0 } else { n + 1 };
        Policies {
            tree: Some(vec![vec![Node {
                policy: ANY_POLICY,
                expected: vec![ANY_POLICY],
                parent: 0,
            }]]),
            explicit_policy: start(o.explicit),
            inhibit_any_policy: start(o.inhibit_any),
            policy_mapping: start(o.inhibit_mapping),
            n,
        }
    }

    /// 6.1.3 (d) to (f) for certificate `i` (1 = the one the anchor issued).
    pub fn process(&mut self, i: usize, c: &CertView) -> Result<(), Fail> {
        match (&c.certificate_policies, self.tree.as_mut()) {
            (Some(policies), Some(tree)) => {
                let prev = tree.len() - 1;
                let mut level: Vec<Node> = Vec::new();
                // (d)(1)
                for p in policies.iter().map(|p| p.policy_identifier) {
                    if p == ANY_POLICY {
                        continue;
                    }
                    let parents: Vec<usize> = tree[prev]
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| n.expected.contains(&p))
                        .map(|(k, _)| k)
                        .collect();
                    let parents = if parents.is_empty() {
                        tree[prev]
                            .iter()
                            .position(|n| n.policy == ANY_POLICY)
                            .into_iter()
                            .collect()
                    } else {
                        parents
                    };
                    for parent in parents {
                        level.push(Node {
                            policy: p,
                            expected: vec![p],
                            parent,
                        });
                    }
                }
                // (d)(2)
                let has_any = policies.iter().any(|p| p.policy_identifier == ANY_POLICY);
                if has_any && (self.inhibit_any_policy > 0 || (i < self.n && c.self_issued())) {
                    for (k, node) in tree[prev].iter().enumerate() {
                        for e in &node.expected {
                            if !level.iter().any(|n| n.parent == k && n.policy == *e) {
                                level.push(Node {
                                    policy: *e,
                                    expected: vec![*e],
                                    parent: k,
                                });
                            }
                        }
                    }
                }
                tree.push(level);
                check_size(tree)?;
                // (d)(3)
                self.prune();
            }
            // (e)
            _ => self.tree = None,
        }
        // (f)
        if self.explicit_policy == 0 && self.tree.is_none() {
            return Err((
                Reason::NoExplicitPolicy,
                format!("certificate {i} leaves no acceptable policy while one is required"),
            ));
        }
        Ok(())
    }

    /// 6.1.4 (a), (b), (h), (i), (j): preparing for the certificate below `c`.
    pub fn prepare(&mut self, c: &CertView) -> Result<(), Fail> {
        if let Some(maps) = &c.policy_mappings {
            // (a)
            if maps.iter().any(|m| {
                m.issuer_domain_policy == ANY_POLICY || m.subject_domain_policy == ANY_POLICY
            }) {
                return Err((
                    Reason::InvalidPolicyExtension,
                    "policyMappings maps to or from anyPolicy".into(),
                ));
            }
            // (b)
            if let Some(tree) = self.tree.as_mut() {
                let d = tree.len() - 1;
                let mut issuer_policies: Vec<Oid> =
                    maps.iter().map(|m| m.issuer_domain_policy).collect();
                issuer_policies.dedup();
                for p in issuer_policies {
                    let mapped: Vec<Oid> = maps
                        .iter()
                        .filter(|m| m.issuer_domain_policy == p)
                        .map(|m| m.subject_domain_policy)
                        .collect();
                    if self.policy_mapping > 0 {
                        let mut found = false;
                        for node in tree[d].iter_mut().filter(|n| n.policy == p) {
                            node.expected = mapped.clone();
                            found = true;
                        }
                        if !found && let Some(any) = tree[d].iter().find(|n| n.policy == ANY_POLICY)
                        {
                            let parent = any.parent;
                            tree[d].push(Node {
                                policy: p,
                                expected: mapped,
                                parent,
                            });
                        }
                    } else {
                        tree[d].retain(|n| n.policy != p);
                    }
                }
                check_size(tree)?;
                self.prune();
            }
        }
        if !c.self_issued() {
            // (h)
            for v in [
                &mut self.explicit_policy,
                &mut self.policy_mapping,
                &mut self.inhibit_any_policy,
            ] {
                *v = v.saturating_sub(1);
            }
        }
        // (i)
        if let Some(pc) = &c.policy_constraints {
            if let Some(r) = pc.require_explicit_policy {
                self.explicit_policy = self.explicit_policy.min(to_usize(r));
            }
            if let Some(m) = pc.inhibit_policy_mapping {
                self.policy_mapping = self.policy_mapping.min(to_usize(m));
            }
        }
        // (j)
        if let Some(skip) = c.inhibit_any_policy {
            self.inhibit_any_policy = self.inhibit_any_policy.min(to_usize(skip));
        }
        Ok(())
    }

    /// 6.1.5 (a), (b), (g) on the last certificate: whether the path's policies are acceptable.
    pub fn finish(&mut self, leaf: &CertView, o: &PolicyOptions) -> Result<(), Fail> {
        self.explicit_policy = self.explicit_policy.saturating_sub(1);
        if leaf
            .policy_constraints
            .as_ref()
            .and_then(|p| p.require_explicit_policy)
            == Some(0)
        {
            self.explicit_policy = 0;
        }
        let initial_any = o.initial.is_empty() || o.initial.contains(&ANY_POLICY);
        if !initial_any && let Some(tree) = self.tree.as_mut() {
            let n = tree.len() - 1;
            // (g)(iii)(1): the valid_policy_node_set, nodes whose parent is anyPolicy.
            let in_set = |tree: &[Vec<Node>], d: usize, node: &Node| {
                d >= 1 && tree[d - 1][node.parent].policy == ANY_POLICY
            };
            let mut set_policies: Vec<Oid> = Vec::new();
            for d in 1..=n {
                for x in &tree[d] {
                    if in_set(tree, d, x) {
                        set_policies.push(x.policy);
                    }
                }
            }
            // (g)(iii)(3): an anyPolicy leaf node stands for each initial policy not yet there.
            if n >= 1
                && let Some(k) = tree[n]
                    .iter()
                    .position(|x| x.policy == ANY_POLICY && in_set(tree, n, x))
            {
                let parent = tree[n][k].parent;
                tree[n].remove(k);
                for p in &o.initial {
                    if !set_policies.contains(p) {
                        tree[n].push(Node {
                            policy: *p,
                            expected: vec![*p],
                            parent,
                        });
                    }
                }
            }
            // (g)(iii)(2): nodes of the set outside the initial policies go, with what is below.
            let mut prev_map: Vec<Option<usize>> = (0..tree[0].len()).map(Some).collect();
            let mut prev_policy: Vec<Oid> = tree[0].iter().map(|x| x.policy).collect();
            for slot in tree.iter_mut().skip(1) {
                let level = std::mem::take(slot);
                let policies: Vec<Oid> = level.iter().map(|x| x.policy).collect();
                let mut map = vec![None; level.len()];
                let mut kept = Vec::new();
                for (k, mut node) in level.into_iter().enumerate() {
                    let Some(parent) = prev_map[node.parent] else {
                        continue;
                    };
                    if prev_policy[node.parent] == ANY_POLICY
                        && node.policy != ANY_POLICY
                        && !o.initial.contains(&node.policy)
                    {
                        continue;
                    }
                    node.parent = parent;
                    map[k] = Some(kept.len());
                    kept.push(node);
                }
                *slot = kept;
                prev_map = map;
                prev_policy = policies;
            }
            self.prune();
        }
        if self.explicit_policy == 0 && self.tree.is_none() {
            return Err((
                Reason::NoExplicitPolicy,
                "no policy of the path is in the acceptable set, and one is required".into(),
            ));
        }
        Ok(())
    }

    /// Deletes nodes without children from the bottom up, and the tree when its root goes.
    fn prune(&mut self) {
        let Some(tree) = self.tree.as_mut() else {
            return;
        };
        for d in (0..tree.len().saturating_sub(1)).rev() {
            let (above, below) = tree.split_at_mut(d + 1);
            let level = &mut above[d];
            let children = &mut below[0];
            let keep: Vec<bool> = (0..level.len())
                .map(|k| children.iter().any(|c| c.parent == k))
                .collect();
            let mut new_index = vec![usize::MAX; level.len()];
            let mut next = 0;
            for (k, kept) in keep.iter().enumerate() {
                if *kept {
                    new_index[k] = next;
                    next += 1;
                }
            }
            let mut k = 0;
            level.retain(|_| {
                k += 1;
                keep[k - 1]
            });
            for c in children.iter_mut() {
                c.parent = new_index[c.parent];
            }
        }
        if tree[0].is_empty() {
            self.tree = None;
        }
    }

    /// The valid policies of the path (user-constrained-policy-set); `None` when the tree is NULL.
    pub fn valid_policies(&self) -> Option<Vec<Oid>> {
        let tree = self.tree.as_ref()?;
        let mut out: Vec<Oid> = tree.last()?.iter().map(|n| n.policy).collect();
        out.sort_by_key(|o| o.to_string());
        out.dedup();
        Some(out)
    }
}

fn check_size(tree: &[Vec<Node>]) -> Result<(), Fail> {
    let nodes: usize = tree.iter().map(Vec::len).sum();
    if nodes > MAX_NODES {
        return Err((
            Reason::BudgetExceeded,
            format!("the policy tree grows past {MAX_NODES} nodes"),
        ));
    }
    Ok(())
}

fn to_usize(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}
