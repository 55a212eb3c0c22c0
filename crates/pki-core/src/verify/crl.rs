//! Revocation by CRLs, [RFC 5280 6.3]: for each distribution point of the certificate (or,
//! when it names none, its issuer), the complete CRLs in scope — issuer (or the cRLIssuer of
//! an indirect CRL), issuingDistributionPoint name, the kinds of certificate and the reasons
//! it covers — each with the delta CRL that fits it, signed by a key whose certificate chains
//! to the same trust anchor (the issuer's own key, or a separate CRL-signing certificate of the
//! same name), current at the validation time. The certificate is revoked when a CRL in scope
//! lists it (delta first, `removeFromCRL` undoing a hold), not revoked when the CRLs in scope
//! cover every reason, and otherwise its status is unknown: pki never says "not revoked" when
//! it cannot tell.
//!
//! ```text
//! CertificateList  ::=  SEQUENCE  {
//!      tbsCertList          TBSCertList,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//! ```
//!
//! [RFC 5280 6.3]: https://www.rfc-editor.org/rfc/rfc5280#section-6.3

use der::{
    Decode, Encode, Sequence,
    asn1::{AnyRef, BitString, ObjectIdentifier as Oid},
};
use spki::AlgorithmIdentifierOwned;
use x509_cert::{
    crl::TbsCertList,
    ext::pkix::{
        AuthorityKeyIdentifier, KeyUsages,
        crl::{
            CrlReason, IssuingDistributionPoint,
            dp::{DistributionPoint, ReasonFlags},
        },
        name::{DistributionPointName, GeneralName},
    },
    name::{Name, RdnSequence},
};

use super::{Options, Reason, names, sig};
use crate::view::CertView;

const CRL_NUMBER: Oid = Oid::new_unwrap("2.5.29.20");
const AUTHORITY_KEY_ID: Oid = Oid::new_unwrap("2.5.29.35");
const ISSUER_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.18");
const ISSUING_DISTRIBUTION_POINT: Oid = Oid::new_unwrap("2.5.29.28");
const DELTA_CRL_INDICATOR: Oid = Oid::new_unwrap("2.5.29.27");
const FRESHEST_CRL: Oid = Oid::new_unwrap("2.5.29.46");
const AUTHORITY_INFO_ACCESS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.1");
const REASON_CODE: Oid = Oid::new_unwrap("2.5.29.21");
const HOLD_INSTRUCTION: Oid = Oid::new_unwrap("2.5.29.23");
const INVALIDITY_DATE: Oid = Oid::new_unwrap("2.5.29.24");
const CERTIFICATE_ISSUER: Oid = Oid::new_unwrap("2.5.29.29");

/// The reasons of ReasonFlags (bits 1 to 8; bit 0 is "unused").
const ALL_REASONS: u16 = 0x1fe;

/// How deep the validation of a CRL signer's certificate may nest (the signer's own CRL may be
/// signed by yet another certificate).
pub const MAX_SIGNER_NESTING: usize = 2;

#[derive(Sequence)]
struct Outer<'a> {
    tbs: AnyRef<'a>,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

type Fail = (Reason, String);

/// One revoked certificate: its serial, its issuer (the CRL's, or the last certificateIssuer
/// of an indirect CRL) and its reason.
#[derive(Debug, Clone)]
struct Entry {
    serial: Vec<u8>,
    issuer: Name,
    reason: CrlReason,
    date: i64,
}

/// One CRL, parsed, its extensions decoded once.
#[derive(Debug, Clone)]
pub struct Crl {
    tbs_der: Vec<u8>,
    tbs: TbsCertList,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: Option<Vec<u8>>,
    this_update: i64,
    next_update: Option<i64>,
    /// cRLNumber, big-endian without leading zeros.
    number: Option<Vec<u8>>,
    /// deltaCRLIndicator's BaseCRLNumber: this is a delta CRL.
    base: Option<Vec<u8>>,
    idp: Option<IssuingDistributionPoint>,
    /// The issuingDistributionPoint as encoded, to compare a delta's with its base's.
    idp_der: Option<Vec<u8>>,
    key_id: Option<Vec<u8>>,
    entries: Vec<Entry>,
    /// Why the CRL cannot be relied on at all (an unknown critical extension, a malformed one).
    problem: Option<Fail>,
}

fn secs(t: &x509_cert::time::Time) -> i64 {
    i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

fn unsigned(bytes: &[u8]) -> Vec<u8> {
    let lead = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes[lead..].to_vec()
}

/// `a <= b` for two big-endian unsigned numbers without leading zeros.
fn le(a: &[u8], b: &[u8]) -> bool {
    (a.len(), a) <= (b.len(), b)
}

impl Crl {
    /// Parses one DER CRL; `None` when it does not decode.
    pub fn from_der(der: &[u8]) -> Option<Crl> {
        let outer = Outer::from_der(der).ok()?;
        let tbs_der = outer.tbs.to_der().ok()?;
        let tbs = TbsCertList::from_der(&tbs_der).ok().or_else(|| {
            // A version 1 CRL omits the field x509-cert requires (inspect::crl::decode).
            let patched = crate::inspect::crl::with_version(&tbs_der)?;
            TbsCertList::from_der(&patched).ok()
        })?;
        let mut crl = Crl {
            this_update: secs(&tbs.this_update),
            next_update: tbs.next_update.as_ref().map(secs),
            tbs_der,
            signature_algorithm: outer.signature_algorithm,
            signature: outer.signature.as_bytes().map(<[u8]>::to_vec),
            number: None,
            base: None,
            idp: None,
            idp_der: None,
            key_id: None,
            entries: Vec::new(),
            problem: None,
            tbs,
        };
        crl.decode_extensions();
        crl.decode_entries();
        Some(crl)
    }

    fn fail(&mut self, reason: Reason, detail: String) {
        if self.problem.is_none() {
            self.problem = Some((reason, detail));
        }
    }

    fn decode_extensions(&mut self) {
        let exts = self.tbs.crl_extensions.clone().unwrap_or_default();
        let mut seen = Vec::new();
        for e in &exts {
            if seen.contains(&e.extn_id) {
                self.fail(
                    Reason::CrlMalformed,
                    format!("the CRL has extension {} twice", e.extn_id),
                );
            }
            seen.push(e.extn_id);
            let value = e.extn_value.as_bytes();
            let bad = |what: &str| {
                (
                    Reason::CrlMalformed,
                    format!("the CRL's {what} is malformed"),
                )
            };
            let decoded: Result<(), Fail> = match e.extn_id {
                CRL_NUMBER => der::asn1::Uint::from_der(value)
                    .map(|n| self.number = Some(unsigned(n.as_bytes())))
                    .map_err(|_| bad("cRLNumber")),
                DELTA_CRL_INDICATOR => der::asn1::Uint::from_der(value)
                    .map(|n| self.base = Some(unsigned(n.as_bytes())))
                    .map_err(|_| bad("deltaCRLIndicator")),
                ISSUING_DISTRIBUTION_POINT => IssuingDistributionPoint::from_der(value)
                    .map(|idp| {
                        self.idp = Some(idp);
                        self.idp_der = Some(value.to_vec());
                    })
                    .map_err(|_| bad("issuingDistributionPoint")),
                AUTHORITY_KEY_ID => AuthorityKeyIdentifier::from_der(value)
                    .map(|a| self.key_id = a.key_identifier.map(|k| k.as_bytes().to_vec()))
                    .map_err(|_| bad("authorityKeyIdentifier")),
                ISSUER_ALT_NAME | FRESHEST_CRL | AUTHORITY_INFO_ACCESS => Ok(()),
                oid if e.critical => Err((
                    Reason::UnhandledCriticalCrlExtension,
                    format!("the CRL has critical extension {oid}, unknown to pki"),
                )),
                _ => Ok(()),
            };
            if let Err((r, d)) = decoded {
                self.fail(r, d);
            }
        }
        if let Some(idp) = &self.idp {
            let kinds = [
                idp.only_contains_user_certs,
                idp.only_contains_ca_certs,
                idp.only_contains_attribute_certs,
            ];
            if kinds.iter().filter(|k| **k).count() > 1 {
                self.fail(
                    Reason::CrlMalformed,
                    "the CRL's issuingDistributionPoint sets more than one of onlyContainsUserCerts, \
                     onlyContainsCACerts and onlyContainsAttributeCerts (RFC 5280 5.2.5)"
                        .into(),
                );
            }
        }
        if self.base.is_some() && self.number.is_none() {
            self.fail(
                Reason::CrlMalformed,
                "the delta CRL has no cRLNumber (RFC 5280 5.2.4)".into(),
            );
        }
    }

    fn decode_entries(&mut self) {
        let indirect = self.idp.as_ref().is_some_and(|i| i.indirect_crl);
        let mut issuer = self.tbs.issuer.clone();
        let mut entries = Vec::new();
        let mut problem = None;
        for entry in self.tbs.revoked_certificates.as_deref().unwrap_or(&[]) {
            let mut reason = CrlReason::Unspecified;
            for e in entry.crl_entry_extensions.as_deref().unwrap_or(&[]) {
                let value = e.extn_value.as_bytes();
                match e.extn_id {
                    REASON_CODE => match CrlReason::from_der(value) {
                        Ok(r) => reason = r,
                        Err(_) => {
                            problem.get_or_insert((
                                Reason::CrlMalformed,
                                "a CRL entry's reasonCode is malformed".to_owned(),
                            ));
                        }
                    },
                    // Only an indirect CRL names other issuers; in any other CRL every entry is
                    // the CRL issuer's (so a stray certificateIssuer never hides an entry).
                    CERTIFICATE_ISSUER if indirect => {
                        let dn = x509_cert::ext::pkix::name::GeneralNames::from_der(value)
                            .ok()
                            .and_then(|names| {
                                names.into_iter().find_map(|n| match n {
                                    GeneralName::DirectoryName(d) => Some(d),
                                    _ => None,
                                })
                            });
                        match dn {
                            Some(d) => issuer = d,
                            None => {
                                problem.get_or_insert((
                                    Reason::CrlUnsupported,
                                    "a CRL entry's certificateIssuer holds no directory name, \
                                     which pki cannot compare"
                                        .to_owned(),
                                ));
                            }
                        }
                    }
                    CERTIFICATE_ISSUER | HOLD_INSTRUCTION | INVALIDITY_DATE => {}
                    oid if e.critical => {
                        problem.get_or_insert((
                            Reason::UnhandledCriticalCrlExtension,
                            format!("a CRL entry has critical extension {oid}, unknown to pki"),
                        ));
                    }
                    _ => {}
                }
            }
            entries.push(Entry {
                serial: entry.serial_number.as_bytes().to_vec(),
                issuer: issuer.clone(),
                reason,
                date: secs(&entry.revocation_date),
            });
        }
        self.entries = entries;
        if let Some((r, d)) = problem {
            self.fail(r, d);
        }
    }

    /// The status this CRL gives `c`: the entry's reason, or `None` when it is not listed.
    /// Whether `serial` (big-endian) is among the revoked serials, whatever the issuer (etcd's
    /// check of `--client-crl-file` compares serials alone).
    pub fn lists_serial(&self, serial: &[u8]) -> bool {
        let serial = unsigned(serial);
        self.entries.iter().any(|e| unsigned(&e.serial) == serial)
    }

    fn status(&self, c: &CertView) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.serial == c.serial && names::name_eq(&e.issuer, &c.issuer))
    }
}

/// Every CRL of the inputs (PEM `X509 CRL` blocks or DER); `None` when one does not decode.
pub fn parse_all(inputs: &[Vec<u8>]) -> Option<Vec<Crl>> {
    let mut out = Vec::new();
    for input in inputs {
        if crate::pem::is_pem(input) {
            for b in crate::pem::decode_all(input).ok()? {
                if b.label == "X509 CRL" {
                    out.push(Crl::from_der(&b.der)?);
                }
            }
        } else {
            out.push(Crl::from_der(input)?);
        }
    }
    Some(out)
}

/// What checking revocation needs besides the path: the CRLs, every certificate given (to find
/// separate CRL-signing certificates), the budget shared with path building, and how deep the
/// validation of CRL signers has nested.
pub(super) struct Ctx<'a> {
    /// The CRLs, parsed once; `None` when one did not decode.
    pub crls: Option<&'a [Crl]>,
    pub certs: &'a [&'a CertView],
    pub budget: &'a super::Budget,
    pub level: usize,
}

/// How telling a problem is: the most telling one found is reported when no CRL decides.
fn rank(r: Reason) -> u8 {
    match r {
        Reason::CrlOutOfScope => 0,
        Reason::CrlMissing => 1,
        Reason::CrlNotYetValid | Reason::CrlExpired => 2,
        Reason::CrlIssuerNotFound | Reason::KeyUsageNoCrlSign => 3,
        Reason::CrlSignatureFailure | Reason::CrlPathInvalid => 4,
        _ => 5,
    }
}

fn note(problem: &mut Option<Fail>, f: Fail) {
    if problem.as_ref().is_none_or(|p| rank(f.0) > rank(p.0)) {
        *problem = Some(f);
    }
}

fn flags(f: Option<&ReasonFlags>) -> u16 {
    f.map_or(ALL_REASONS, |f| f.bits() & ALL_REASONS)
}

/// Checks that `path[i]`, issued by `path[i - 1]`, is not revoked (`path`: anchor first).
pub(super) fn check(path: &[&CertView], i: usize, ctx: &Ctx<'_>, o: &Options) -> Result<(), Fail> {
    let c = path[i];
    let crls = ctx.crls.ok_or((
        Reason::CrlUnsupported,
        "a CRL does not decode, so revocation cannot be told".to_owned(),
    ))?;
    // 6.3.3: a certificate without cRLDistributionPoints is covered by its issuer's CRLs.
    let implied = DistributionPoint {
        distribution_point: None,
        reasons: None,
        crl_issuer: None,
    };
    let dps: Vec<&DistributionPoint> = match &c.crl_distribution_points {
        Some(dps) if !dps.is_empty() => dps.iter().collect(),
        _ => vec![&implied],
    };
    let mut mask = 0u16;
    let mut problem = None;
    for dp in dps {
        for crl in crls.iter().filter(|crl| crl.base.is_none()) {
            if mask == ALL_REASONS {
                break;
            }
            match one(path, i, dp, crl, crls, mask, ctx, o) {
                Ok(Some(interim)) => mask |= interim,
                Ok(None) => {}
                Err(f) if matches!(f.0, Reason::Revoked | Reason::BudgetExceeded) => return Err(f),
                Err(f) => note(&mut problem, f),
            }
        }
    }
    if mask == ALL_REASONS {
        return Ok(());
    }
    Err(problem.unwrap_or_else(|| {
        if mask == 0 {
            (
                Reason::CrlMissing,
                "no CRL from its issuer was given".into(),
            )
        } else {
            (
                Reason::CrlMissing,
                "the CRLs given cover only some revocation reasons (onlySomeReasons)".into(),
            )
        }
    }))
}

/// The names of a distribution point, a relative name completed with `base`.
fn dp_names(n: &DistributionPointName, base: &Name) -> Vec<GeneralName> {
    match n {
        DistributionPointName::FullName(names) => names.clone(),
        DistributionPointName::NameRelativeToCRLIssuer(rdn) => {
            let mut seq: Vec<_> = base.iter_rdn().cloned().collect();
            seq.push(rdn.clone());
            // x509-cert builds a Name from RDNs only through its encoding.
            RdnSequence::from(seq)
                .to_der()
                .ok()
                .and_then(|der| Name::from_der(&der).ok())
                .map(GeneralName::DirectoryName)
                .into_iter()
                .collect()
        }
    }
}

fn general_name_eq(a: &GeneralName, b: &GeneralName) -> bool {
    match (a, b) {
        (GeneralName::DirectoryName(x), GeneralName::DirectoryName(y)) => names::name_eq(x, y),
        _ => a == b,
    }
}

fn intersect(a: &[GeneralName], b: &[GeneralName]) -> bool {
    a.iter().any(|x| b.iter().any(|y| general_name_eq(x, y)))
}

fn directory_names(names: &[GeneralName]) -> impl Iterator<Item = &Name> {
    names.iter().filter_map(|n| match n {
        GeneralName::DirectoryName(d) => Some(d),
        _ => None,
    })
}

fn out_of_scope(why: &str) -> Result<Option<u16>, Fail> {
    Err((Reason::CrlOutOfScope, why.to_owned()))
}

/// One complete CRL against one distribution point (6.3.3 (a) to (j)): `Ok(Some(reasons))` it
/// is in scope and does not list the certificate, `Ok(None)` it has nothing to add.
#[allow(clippy::too_many_arguments)]
fn one(
    path: &[&CertView],
    i: usize,
    dp: &DistributionPoint,
    crl: &Crl,
    crls: &[Crl],
    mask: u16,
    ctx: &Ctx<'_>,
    o: &Options,
) -> Result<Option<u16>, Fail> {
    let c = path[i];
    // (b) (1): the CRL issuer.
    let indirect = crl.idp.as_ref().is_some_and(|p| p.indirect_crl);
    match &dp.crl_issuer {
        Some(issuers) => {
            if !directory_names(issuers).any(|n| names::name_eq(n, &crl.tbs.issuer)) {
                return Ok(None);
            }
            if !indirect {
                return out_of_scope(
                    "the CRL of the cRLIssuer its distribution point names is not an indirect CRL",
                );
            }
        }
        None if !names::name_eq(&crl.tbs.issuer, &c.issuer) => return Ok(None),
        None => {}
    }
    if indirect && !o.extended_crl {
        return out_of_scope("the CRL is indirect, processed only with extended CRL support");
    }
    // (b) (2): the issuingDistributionPoint.
    if let Some(idp) = &crl.idp {
        if let Some(name) = &idp.distribution_point {
            let idp_names = dp_names(name, &crl.tbs.issuer);
            let fits = match (&dp.distribution_point, &dp.crl_issuer) {
                (Some(n), issuers) => {
                    let base = issuers
                        .as_deref()
                        .and_then(|i| directory_names(i).next())
                        .unwrap_or(&c.issuer);
                    intersect(&idp_names, &dp_names(n, base))
                }
                (None, Some(issuers)) => intersect(&idp_names, issuers),
                (None, None) => false,
            };
            if !fits {
                return out_of_scope(
                    "the CRL's issuingDistributionPoint is not one of the certificate's \
                     distribution points",
                );
            }
        }
        if idp.only_contains_user_certs && c.is_ca() {
            return out_of_scope("the CRL covers only end-entity certificates, and this is a CA");
        }
        if idp.only_contains_ca_certs && !c.is_ca() {
            return out_of_scope("the CRL covers only CA certificates, and this is not one");
        }
        if idp.only_contains_attribute_certs {
            return out_of_scope("the CRL covers only attribute certificates");
        }
        if idp.only_some_reasons.is_some() && !o.extended_crl {
            return out_of_scope(
                "the CRL covers only some reasons, processed only with extended CRL support",
            );
        }
    }
    // (d), (e): the reasons it adds.
    let interim = flags(crl.idp.as_ref().and_then(|p| p.only_some_reasons.as_ref()))
        & flags(dp.reasons.as_ref());
    if interim & !mask == 0 {
        return Ok(None);
    }
    if let Some(p) = &crl.problem {
        return Err(p.clone());
    }
    // (c): the delta CRL that fits it, the newest.
    let delta = if o.use_deltas {
        crls.iter()
            .filter(|d| d.base.is_some() && fits_base(d, crl))
            .max_by(|a, b| {
                let (x, y) = (
                    a.number.as_deref().unwrap_or(&[]),
                    b.number.as_deref().unwrap_or(&[]),
                );
                (x.len(), x).cmp(&(y.len(), y))
            })
    } else {
        None
    };
    // (a): current. With a delta CRL, the delta's nextUpdate is what counts.
    let current = |l: &Crl, what: &str| -> Result<(), Fail> {
        if l.this_update > o.time {
            return Err((
                Reason::CrlNotYetValid,
                format!("the {what}'s thisUpdate is after the validation time"),
            ));
        }
        Ok(())
    };
    current(crl, "CRL")?;
    let fresh = delta.unwrap_or(crl);
    if let Some(d) = delta {
        current(d, "delta CRL")?;
        if let Some(p) = &d.problem {
            return Err(p.clone());
        }
    }
    if let Some(next) = fresh.next_update
        && next < o.time
    {
        let what = if delta.is_some() { "delta CRL" } else { "CRL" };
        return Err((
            Reason::CrlExpired,
            format!("the {what}'s nextUpdate is before the validation time"),
        ));
    }
    // (f), (g): a signer that chains to the same anchor, and the signatures.
    let signer = signer(path, i, crl, ctx, o)?;
    if let Some(d) = delta {
        verify_signature(d, signer, ctx, o).map_err(|(r, s)| (r, format!("delta {s}")))?;
    }
    // (h), (i), (j).
    let entry = delta.and_then(|d| d.status(c)).or_else(|| crl.status(c));
    match entry {
        Some(e) if e.reason != CrlReason::RemoveFromCRL => Err((
            Reason::Revoked,
            format!(
                "revoked on {} ({})",
                crate::inspect::format_unix(e.date),
                crate::inspect::reason_name(e.reason)
            ),
        )),
        _ => Ok(Some(interim)),
    }
}

/// A delta CRL `d` applies to complete CRL `base` (6.3.3 (c), 5.2.4): same issuer, same
/// issuingDistributionPoint, same key identifier, BaseCRLNumber not above the complete CRL's
/// number, its own number above it.
fn fits_base(d: &Crl, base: &Crl) -> bool {
    let (Some(b), Some(n), Some(dn)) = (&d.base, &base.number, &d.number) else {
        return false;
    };
    names::name_eq(&d.tbs.issuer, &base.tbs.issuer)
        && d.idp_der == base.idp_der
        && match (&d.key_id, &base.key_id) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
        && le(b, n)
        && !le(dn, n)
}

fn verify_signature(crl: &Crl, signer: &CertView, ctx: &Ctx<'_>, o: &Options) -> Result<(), Fail> {
    ctx.budget.signature()?;
    let sig = crl.signature.as_deref().ok_or((
        Reason::CrlSignatureFailure,
        "CRL's signature has unused bits".into(),
    ))?;
    if crl.signature_algorithm != crl.tbs.signature {
        return Err((
            Reason::CrlSignatureFailure,
            "CRL's two signature algorithm fields differ".into(),
        ));
    }
    sig::check(&crl.signature_algorithm, &signer.spki, &crl.tbs_der, sig, o).map_err(|e| {
        let reason = if e.reason == Reason::BadSignature {
            Reason::CrlSignatureFailure
        } else {
            e.reason
        };
        (reason, format!("CRL: {}", e.detail))
    })
}

/// The certificate whose key signed `crl` (6.3.3 (f)): one of the path above `path[i]` with the
/// CRL issuer's name, or (with extended CRL support) another certificate of that name whose
/// own path to the same trust anchor is valid; its keyUsage allows cRLSign.
fn signer<'a>(
    path: &[&'a CertView],
    i: usize,
    crl: &Crl,
    ctx: &Ctx<'a>,
    o: &Options,
) -> Result<&'a CertView, Fail> {
    let above = &path[..i];
    let issuer = path[i - 1];
    let mut candidates: Vec<&'a CertView> = vec![issuer];
    candidates.extend(above.iter().rev().copied());
    if o.extended_crl {
        candidates.extend(ctx.certs.iter().copied());
    }
    let mut problem = None;
    let mut tried: Vec<&[u8]> = Vec::new();
    for cand in candidates {
        if tried.contains(&cand.der.as_slice()) || !names::name_eq(&cand.subject, &crl.tbs.issuer) {
            continue;
        }
        tried.push(&cand.der);
        if let (Some(k), Some(s)) = (&crl.key_id, &cand.subject_key_id)
            && k != s
        {
            continue;
        }
        if !o.extended_crl && cand.der != issuer.der {
            continue;
        }
        if let Some(ku) = &cand.key_usage
            && !ku.0.contains(KeyUsages::CRLSign)
        {
            note(
                &mut problem,
                (
                    Reason::KeyUsageNoCrlSign,
                    "the keyUsage of the CRL's issuer lacks cRLSign".into(),
                ),
            );
            continue;
        }
        if let Err(e) = verify_signature(crl, cand, ctx, o) {
            if e.0 == Reason::BudgetExceeded {
                return Err(e);
            }
            note(&mut problem, e);
            continue;
        }
        // A certificate of the path above is validated by the path itself; so is the
        // certificate in question when it signed the CRL that covers it (a CRL issuer's own
        // certificate listed in its indirect CRL, PKITS 4.14.30): its CA delegated that.
        if above.iter().any(|a| a.der == cand.der) || cand.der == path[i].der {
            return Ok(cand);
        }
        if ctx.level >= MAX_SIGNER_NESTING {
            note(
                &mut problem,
                (
                    Reason::CrlUnsupported,
                    format!(
                        "the CRL's signer is a separate certificate whose own revocation \
                         depends on more than {MAX_SIGNER_NESTING} levels of CRL signers"
                    ),
                ),
            );
            continue;
        }
        let nested = Options {
            purpose: super::Purpose::Any,
            require_leaf_eku: false,
            require_ca_eku: false,
            host: None,
            ip: None,
            email: None,
            policy: super::PolicyOptions::default(),
            ..o.clone()
        };
        let inner = Ctx {
            crls: ctx.crls,
            certs: ctx.certs,
            budget: ctx.budget,
            level: ctx.level + 1,
        };
        match super::build(cand, &[path[0]], ctx.certs, &nested, &inner) {
            Ok(_) => return Ok(cand),
            Err(f) if f.reason == Reason::BudgetExceeded => {
                return Err((f.reason, f.detail));
            }
            Err(f) => note(
                &mut problem,
                (
                    Reason::CrlPathInvalid,
                    format!(
                        "the certificate that signed the CRL ({}) is not valid: {f}",
                        crate::name::to_rfc4514(&cand.subject)
                    ),
                ),
            ),
        }
    }
    Err(problem.unwrap_or((
        Reason::CrlIssuerNotFound,
        "no certificate of the CRL's issuer with a key that signed it was given".into(),
    )))
}
