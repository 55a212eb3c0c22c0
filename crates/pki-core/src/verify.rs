//! Certification path validation, [RFC 5280 section 6], for `pki verify` and
//! `pki openssl verify`.
//!
//! [`verify`] builds candidate paths from the leaf to a trust anchor, trying alternatives
//! (several issuers with one name, cross-signed CAs) depth first, trusted issuers before
//! untrusted ones, within [`MAX_CANDIDATES`], [`MAX_SIGNATURE_CHECKS`] and [`MAX_PATHS`]; each complete
//! candidate is validated by [`path`] as section 6.1 says. The first valid path is returned;
//! when none is, the most telling failure: a complete path's first problem, else a signature
//! that failed, else the deepest point where no issuer was found.
//!
//! What pki does not implement fails closed with a reason that says so
//! ([`Reason::is_unsupported`]): it never says valid when the answer is unknown. docs/verify.md
//! quotes each rule with its RFC section and says where pki follows Go's crypto/x509 (what
//! etcd runs) and where OpenSSL.
//!
//! [RFC 5280 section 6]: https://www.rfc-editor.org/rfc/rfc5280#section-6

pub mod crl;
pub mod ident;
pub mod names;
mod path;
pub mod policy;
mod reason;
pub mod sig;

use std::{cell::Cell, collections::HashMap, net::IpAddr};

use der::asn1::ObjectIdentifier as Oid;

pub use ident::{host_matches, matches_email, matches_host, matches_ip};
pub use reason::Reason;

use crate::view::CertView;

/// The most signatures one verification checks while building paths.
pub const MAX_SIGNATURE_CHECKS: usize = 256;
/// The most complete candidate paths one verification validates.
pub const MAX_PATHS: usize = 64;
/// The most issuer candidates one verification tries while building paths, a signature
/// checked before or not: alternatives that lead nowhere can make exponentially many paths
/// out of few certificates.
pub const MAX_CANDIDATES: usize = 1024;

/// What the leaf must be good for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// No extendedKeyUsage requirement.
    Any,
    /// A TLS server (serverAuth, 1.3.6.1.5.5.7.3.1).
    ServerAuth,
    /// A TLS client (clientAuth, 1.3.6.1.5.5.7.3.2).
    ClientAuth,
}

impl Purpose {
    /// The extendedKeyUsage purpose it asks for.
    pub fn oid(self) -> Option<Oid> {
        match self {
            Purpose::Any => None,
            Purpose::ServerAuth => Some(Oid::new_unwrap("1.3.6.1.5.5.7.3.1")),
            Purpose::ClientAuth => Some(Oid::new_unwrap("1.3.6.1.5.5.7.3.2")),
        }
    }
}

/// Revocation checking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrlCheck {
    /// None (OpenSSL's default).
    None,
    /// The leaf's (`-crl_check`).
    Leaf,
    /// Every certificate's (`-crl_check_all`).
    All,
}

/// The user-initial-policy-set and the three policy flags of [RFC 5280 6.1.1] (c) to (f).
///
/// [RFC 5280 6.1.1]: https://www.rfc-editor.org/rfc/rfc5280#section-6.1.1
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyOptions {
    /// Acceptable policies; empty means {anyPolicy}.
    pub initial: Vec<Oid>,
    /// initial-explicit-policy.
    pub explicit: bool,
    /// initial-policy-mapping-inhibit.
    pub inhibit_mapping: bool,
    /// initial-any-policy-inhibit.
    pub inhibit_any: bool,
}

/// The inputs of path validation besides the certificates.
#[derive(Debug, Clone)]
pub struct Options {
    /// The validation time, seconds since 1970.
    pub time: i64,
    pub purpose: Purpose,
    /// The leaf must carry extendedKeyUsage naming the purpose itself (its absence, or
    /// anyExtendedKeyUsage alone, does not do), and must not be a CA.
    pub require_leaf_eku: bool,
    /// The same for every CA of the path that the purpose is checked on (Chromium's strict
    /// purposes).
    pub require_ca_eku: bool,
    /// Match a host name or e-mail on the subject's commonName/emailAddress when the leaf has
    /// no subjectAltName, as OpenSSL does (Go never reads the CN: the default).
    pub cn_fallback: bool,
    /// RFC 5280's MUSTs on extension presence and criticality that OpenSSL checks only with
    /// `-x509_strict`: authorityKeyIdentifier (non-critical, with keyIdentifier) in every
    /// certificate not self-signed, subjectKeyIdentifier (non-critical) in every CA,
    /// basicConstraints critical in CAs, only version 3 certificates, no CA certificate as a
    /// TLS leaf, subjectAltName not critical under a non-empty subject.
    pub strict: bool,
    pub host: Option<String>,
    pub ip: Option<IpAddr>,
    pub email: Option<String>,
    /// Any trusted certificate ends a path, even one that is not self-signed, even the leaf.
    pub partial_chain: bool,
    /// The anchor's own basicConstraints, keyUsage, extendedKeyUsage and nameConstraints apply.
    pub anchor_constraints: bool,
    /// The anchor's validity period is checked.
    pub anchor_validity: bool,
    /// SHA-1 signatures are accepted.
    pub allow_sha1: bool,
    /// DSA signatures are accepted (Go, Chromium and webpki refuse DSA; FIPS 186-5 withdrew
    /// it for signing; OpenSSL accepts it).
    pub allow_dsa: bool,
    /// The smallest RSA key accepted, in bits.
    pub min_rsa_bits: usize,
    /// The most intermediates a path may hold.
    pub max_depth: usize,
    pub policy: PolicyOptions,
    pub crl_check: CrlCheck,
    /// CRLs, DER or PEM.
    pub crls: Vec<Vec<u8>>,
    /// Indirect CRLs, CRLs partitioned by reason and CRLs signed by a separate CRL-signing
    /// certificate are processed (OpenSSL only with `-extended_crl`).
    pub extended_crl: bool,
    /// Delta CRLs are applied to their complete CRLs (OpenSSL only with `-use_deltas`).
    pub use_deltas: bool,
}

/// Seconds since 1970 of a time (negative before).
pub fn unix_time(t: std::time::SystemTime) -> i64 {
    crate::inspect::format::unix_secs(t)
}

impl Options {
    /// Defaults: any purpose, anchors checked like any CA, SHA-1 and RSA under 2048 bits
    /// refused, at most 32 intermediates, any policy, no revocation checking (and when it is
    /// asked for, all of RFC 5280 6.3: indirect, partitioned and delta CRLs).
    pub fn new(time: i64) -> Options {
        Options {
            time,
            purpose: Purpose::Any,
            require_leaf_eku: false,
            require_ca_eku: false,
            cn_fallback: false,
            strict: false,
            host: None,
            ip: None,
            email: None,
            partial_chain: false,
            anchor_constraints: true,
            anchor_validity: true,
            allow_sha1: false,
            allow_dsa: false,
            min_rsa_bits: 2048,
            max_depth: 32,
            policy: PolicyOptions::default(),
            crl_check: CrlCheck::None,
            crls: Vec::new(),
            extended_crl: true,
            use_deltas: true,
        }
    }
}

/// Why no valid path was found: the reason, the depth of the certificate it concerns (0 the
/// leaf), what exactly, and the path as far as it was built (leaf first).
#[derive(Debug, Clone)]
pub struct Failure {
    pub reason: Reason,
    pub depth: usize,
    pub detail: String,
    pub chain: Vec<CertView>,
}

impl Failure {
    /// What to do about it, where pki can say (`pki verify`'s options: `--ca`, `--untrusted`,
    /// `--crl`, ...).
    pub fn fix(&self) -> Option<String> {
        let f = self;
        let who = f
            .chain
            .get(f.depth)
            .map(|c| crate::name::to_openssl_string(&c.subject))
            .unwrap_or_default();
        Some(match f.reason {
            Reason::NoIssuer => "give the CA that issued it with --ca, and any intermediate with --untrusted".into(),
            Reason::SelfSignedLeaf | Reason::SelfSignedInChain => {
                "if this CA is yours, trust it with --ca; otherwise the certificate is not from your PKI".into()
            }
            Reason::TrustedNoIssuer => "give its root CA with --ca, or pass --partial-chain to trust the intermediate itself".into(),
            Reason::Expired | Reason::NotYetValid => format!("reissue {who} with a validity period that covers the time of use (pki init remakes a deleted file)"),
            Reason::EkuMissing => format!(
                "{who} lacks the purpose: etcd members dial each other with their peer certificate, so peer and server certificates need both; reissue it with extendedKeyUsage = serverAuth, clientAuth"
            ),
            Reason::LeafKeyUsage => format!("reissue {who} with keyUsage = critical, digitalSignature, keyEncipherment"),
            Reason::NotCa | Reason::KeyUsageNoCertSign => format!(
                "{who} signed a certificate but is not a CA: issue certificates from a CA whose certificate has basicConstraints = critical, CA:TRUE and keyUsage keyCertSign"
            ),
            Reason::HostnameMismatch | Reason::IpMismatch => format!(
                "reissue {who} with the name in subjectAltName (pki init --node NAME=ADDRESS); clients check the SAN, not the CN"
            ),
            Reason::WeakSignatureAlgorithm => "reissue it with SHA-256 and an RSA or ECDSA key (or pass --allow-sha1 or --allow-dsa to accept it knowingly)".into(),
            Reason::WeakKey => "reissue it with an RSA key of 2048 bits or more (or lower --min-rsa-bits knowingly)".into(),
            Reason::CrlMissing | Reason::CrlExpired | Reason::CrlNotYetValid => {
                "give a current CRL of each CA of the path with --crl".into()
            }
            Reason::Revoked => format!("{who} is revoked: issue a new certificate and replace it"),
            _ => return None,
        })
    }

    /// The failure as a [`Finding`](crate::finding::Finding): the reason's id and plain words,
    /// the detail, the subject of the certificate at the failing depth, and [`Failure::fix`].
    /// A verdict pki cannot reach (an unsupported feature) is an error too: it fails closed.
    pub fn finding(&self) -> crate::finding::Finding {
        let mut f = crate::finding::Finding::new(
            self.reason.id(),
            crate::finding::Severity::Error,
            self.reason.plain(),
        )
        .detail(self.detail.clone());
        if let Some(c) = self.chain.get(self.depth) {
            f = f.subject(crate::name::to_openssl_string(&c.subject));
        }
        f.fix = self.fix();
        f
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at depth {}: {}",
            self.reason.id(),
            self.depth,
            self.detail
        )
    }
}

impl std::error::Error for Failure {}

/// Builds and validates a path from `leaf` to one of `trusted`, through `untrusted`; returns
/// the valid path, leaf first, anchor last.
pub fn verify(
    leaf: &CertView,
    trusted: &[CertView],
    untrusted: &[CertView],
    opts: &Options,
) -> Result<Vec<CertView>, Failure> {
    let crls = match opts.crl_check {
        CrlCheck::None => Some(Vec::new()),
        _ => crl::parse_all(&opts.crls),
    };
    let trusted: Vec<&CertView> = trusted.iter().collect();
    let untrusted: Vec<&CertView> = untrusted.iter().collect();
    let mut all: Vec<&CertView> = vec![leaf];
    for c in trusted.iter().chain(&untrusted) {
        if !all.iter().any(|a| a.der == c.der) {
            all.push(c);
        }
    }
    let budget = Budget::default();
    let ctx = crl::Ctx {
        crls: crls.as_deref(),
        certs: &all,
        budget: &budget,
        level: 0,
    };
    build(leaf, &trusted, &untrusted, opts, &ctx).map(|path| path.into_iter().cloned().collect())
}

/// The work one verification may do, shared by the validation of CRL signers' paths.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    signatures: Cell<usize>,
    paths: Cell<usize>,
    candidates: Cell<usize>,
}

impl Budget {
    /// Counts one signature check; fails when there were [`MAX_SIGNATURE_CHECKS`].
    fn signature(&self) -> Result<(), (Reason, String)> {
        let n = self.signatures.get() + 1;
        self.signatures.set(n);
        if n > MAX_SIGNATURE_CHECKS {
            return Err((
                Reason::BudgetExceeded,
                format!("more than {MAX_SIGNATURE_CHECKS} signature checks"),
            ));
        }
        Ok(())
    }

    /// Counts one issuer candidate tried; fails when there were [`MAX_CANDIDATES`].
    fn candidate(&self) -> Result<(), (Reason, String)> {
        let n = self.candidates.get() + 1;
        self.candidates.set(n);
        if n > MAX_CANDIDATES {
            return Err((
                Reason::BudgetExceeded,
                format!("more than {MAX_CANDIDATES} issuer candidates tried"),
            ));
        }
        Ok(())
    }

    /// Counts one complete candidate path; fails when there were [`MAX_PATHS`].
    fn path(&self) -> Result<(), (Reason, String)> {
        let n = self.paths.get() + 1;
        self.paths.set(n);
        if n > MAX_PATHS {
            return Err((
                Reason::BudgetExceeded,
                format!("more than {MAX_PATHS} candidate paths"),
            ));
        }
        Ok(())
    }
}

/// [`verify`] on references, within `ctx`'s budget (also for CRL signers' certificates).
fn build<'a>(
    leaf: &'a CertView,
    trusted: &[&'a CertView],
    untrusted: &[&'a CertView],
    opts: &Options,
    ctx: &crl::Ctx<'a>,
) -> Result<Vec<&'a CertView>, Failure> {
    let mut pool: Vec<(&CertView, bool)> = vec![(leaf, trusted.iter().any(|t| t.der == leaf.der))];
    pool.extend(trusted.iter().map(|t| (*t, true)));
    pool.extend(
        untrusted
            .iter()
            .filter(|u| !trusted.iter().any(|t| t.der == u.der))
            .map(|u| (*u, false)),
    );
    let mut by_subject: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (c, _)) in pool.iter().enumerate().skip(1) {
        let list = by_subject.entry(names::name_key(&c.subject)).or_default();
        if !list.iter().any(|&j| pool[j].0.der == c.der) {
            list.push(i);
        }
    }
    let issuer_keys: Vec<String> = pool
        .iter()
        .map(|(c, _)| names::name_key(&c.issuer))
        .collect();
    let subject_keys: Vec<String> = pool
        .iter()
        .map(|(c, _)| names::name_key(&c.subject))
        .collect();
    let mut b = Builder {
        pool,
        by_subject,
        issuer_keys,
        subject_keys,
        opts,
        sigs: HashMap::new(),
        ctx,
        best: None,
    };
    let mut chain = vec![0];
    match b.extend(&mut chain) {
        Some(found) => Ok(found.iter().map(|&i| b.pool[i].0).collect()),
        None => Err(b.best.map(|(_, f)| f).unwrap_or_else(|| Failure {
            reason: Reason::NoIssuer,
            depth: 0,
            detail: "no path to a trusted certificate".into(),
            chain: vec![leaf.clone()],
        })),
    }
}

struct Builder<'a, 'b> {
    pool: Vec<(&'a CertView, bool)>,
    by_subject: HashMap<String, Vec<usize>>,
    issuer_keys: Vec<String>,
    subject_keys: Vec<String>,
    opts: &'b Options,
    sigs: HashMap<(usize, usize), Result<(), sig::SigError>>,
    /// The CRLs and the budget, shared with the validation of CRL signers.
    ctx: &'b crl::Ctx<'a>,
    /// The best failure so far, ranked.
    best: Option<(u8, Failure)>,
}

/// Ranks of failures: the higher is reported.
const RANK_NO_ISSUER: u8 = 0;
const RANK_SIGNATURE: u8 = 2;
const RANK_COMPLETE: u8 = 3;
const RANK_BUDGET: u8 = 4;

impl Builder<'_, '_> {
    /// Extends `chain` (pool indices, leaf first) to a valid path, depth first.
    fn extend(&mut self, chain: &mut Vec<usize>) -> Option<Vec<usize>> {
        let cur = *chain.last()?;
        let (cert, trusted) = self.pool[cur];
        if trusted {
            let anchor = self.opts.partial_chain || self.self_signed(cur);
            if anchor {
                return self.complete(chain);
            }
        }
        if chain.len() > self.opts.max_depth + 1 {
            self.record(
                RANK_COMPLETE,
                Reason::ChainTooLong,
                chain.len() - 1,
                format!("more than {} intermediates", self.opts.max_depth),
                chain,
            );
            return None;
        }
        let named = self
            .by_subject
            .get(&self.issuer_keys[cur])
            .cloned()
            .unwrap_or_default();
        let same_name = named.iter().any(|j| !chain.contains(j));
        let mut candidates: Vec<usize> = named
            .into_iter()
            .filter(|&j| !chain.contains(&j) && key_ids_fit(cert, self.pool[j].0))
            .filter(|&j| {
                // A certificate with the name and key of one already in the path is a loop.
                !chain.iter().any(|&k| {
                    self.subject_keys[k] == self.subject_keys[j]
                        && self.pool[k].0.spki == self.pool[j].0.spki
                })
            })
            .collect();
        candidates.sort_by_key(|&j| (!self.pool[j].1, !self.valid_now(j)));
        if candidates.is_empty() {
            let depth = chain.len() - 1;
            let (reason, detail) = if trusted {
                (
                    Reason::TrustedNoIssuer,
                    "the trusted certificate is not self-signed and its issuer is not trusted",
                )
            } else if self.self_signed(cur) {
                if depth == 0 {
                    (
                        Reason::SelfSignedLeaf,
                        "the certificate is self-signed and not trusted",
                    )
                } else {
                    (
                        Reason::SelfSignedInChain,
                        "the chain ends at a self-signed certificate that is not trusted",
                    )
                }
            } else if same_name {
                (
                    Reason::NoIssuer,
                    "a certificate has the issuer's name but another key (the key identifiers \
                     differ): it is from another CA of the same name",
                )
            } else {
                (
                    Reason::NoIssuer,
                    "no issuer certificate was found among the trusted and untrusted ones",
                )
            };
            let rank = RANK_NO_ISSUER;
            let deeper = match &self.best {
                Some((r, f)) => *r == rank && f.depth < depth,
                None => true,
            };
            if deeper {
                self.best = None;
            }
            self.record(rank, reason, depth, detail.into(), chain);
            return None;
        }
        for j in candidates {
            if let Err((reason, detail)) = self.ctx.budget.candidate() {
                self.record(RANK_BUDGET, reason, chain.len() - 1, detail, chain);
                return None;
            }
            if let Err(e) = self.signed_by(cur, j) {
                if e.reason == Reason::BudgetExceeded {
                    self.record(RANK_BUDGET, e.reason, chain.len() - 1, e.detail, chain);
                    return None;
                }
                chain.push(j);
                self.record(RANK_SIGNATURE, e.reason, chain.len() - 2, e.detail, chain);
                chain.pop();
                continue;
            }
            chain.push(j);
            if let Some(found) = self.extend(chain) {
                return Some(found);
            }
            chain.pop();
            if matches!(self.best, Some((RANK_BUDGET, _))) {
                return None;
            }
        }
        None
    }

    /// Validates a complete candidate path.
    fn complete(&mut self, chain: &mut [usize]) -> Option<Vec<usize>> {
        if let Err((reason, detail)) = self.ctx.budget.path() {
            self.record(RANK_BUDGET, reason, 0, detail, chain);
            return None;
        }
        let certs: Vec<&CertView> = chain.iter().map(|&i| self.pool[i].0).collect();
        match path::validate(&certs, self.opts, self.ctx) {
            Ok(()) => Some(chain.to_vec()),
            Err((reason, depth, detail)) => {
                let rank = if reason == Reason::BudgetExceeded {
                    RANK_BUDGET
                } else {
                    RANK_COMPLETE
                };
                self.record(rank, reason, depth, detail, chain);
                None
            }
        }
    }

    fn record(&mut self, rank: u8, reason: Reason, depth: usize, detail: String, chain: &[usize]) {
        if self.best.as_ref().is_some_and(|(r, _)| *r >= rank) {
            return;
        }
        let chain = chain.iter().map(|&i| self.pool[i].0.clone()).collect();
        self.best = Some((
            rank,
            Failure {
                reason,
                depth,
                detail,
                chain,
            },
        ));
    }

    fn valid_now(&self, j: usize) -> bool {
        let c = self.pool[j].0;
        c.not_before <= self.opts.time && self.opts.time <= c.not_after
    }

    /// Self-issued, key identifiers consistent, and the signature verifies with its own key.
    fn self_signed(&mut self, i: usize) -> bool {
        let c = self.pool[i].0;
        self.issuer_keys[i] == self.subject_keys[i]
            && key_ids_fit(c, c)
            && self.signed_by(i, i).is_ok()
    }

    /// Whether `issuer`'s key signed `child`; cached, counted against the budget.
    fn signed_by(&mut self, child: usize, issuer: usize) -> Result<(), sig::SigError> {
        if let Some(r) = self.sigs.get(&(child, issuer)) {
            return r.clone();
        }
        if let Err((reason, detail)) = self.ctx.budget.signature() {
            return Err(sig::SigError { reason, detail });
        }
        let (c, i) = (self.pool[child].0, self.pool[issuer].0);
        // A DSA key that inherits its parameters is checked with the whole path (path.rs).
        if child != issuer && sig::dsa_inherits(&i.spki) {
            return Ok(());
        }
        let r = match &c.signature {
            None => Err(sig::SigError {
                reason: Reason::BadSignature,
                detail: "the signature BIT STRING has unused bits".into(),
            }),
            // An anchor's self-signature says only that it is self-signed, not what to trust:
            // SHA-1 there is taken (Go and Chromium do not check it at all).
            Some(s) if child == issuer => {
                let relaxed = Options {
                    allow_sha1: true,
                    ..self.opts.clone()
                };
                sig::check(&c.signature_algorithm, &i.spki, c.tbs_der(), s, &relaxed)
            }
            Some(s) => sig::check(&c.signature_algorithm, &i.spki, c.tbs_der(), s, self.opts),
        };
        self.sigs.insert((child, issuer), r.clone());
        r
    }
}

/// Whether a certificate is self-signed as path building judges an anchor: self-issued (the
/// names equal as RFC 5280 compares them), its key identifiers consistent, and its signature
/// verifying with its own key, whatever the algorithm (lint and the other signatures of a path
/// judge the algorithm).
pub fn self_signed(c: &CertView) -> bool {
    let any = Options {
        allow_sha1: true,
        allow_dsa: true,
        min_rsa_bits: 0,
        ..Options::new(0)
    };
    names::name_eq(&c.subject, &c.issuer)
        && key_ids_fit(c, c)
        && c.signature.as_ref().is_some_and(|s| {
            sig::check(&c.signature_algorithm, &c.spki, c.tbs_der(), s, &any).is_ok()
        })
}

/// OpenSSL's and RFC 5280 4.2.1.1's key identifier match: when the child names the key
/// identifier of its issuer's key and the candidate has one, they are equal.
fn key_ids_fit(child: &CertView, issuer: &CertView) -> bool {
    let aki = child
        .authority_key_id
        .as_ref()
        .and_then(|a| a.key_identifier.as_ref());
    match (aki, &issuer.subject_key_id) {
        (Some(a), Some(s)) => a.as_bytes() == s.as_slice(),
        _ => true,
    }
}
