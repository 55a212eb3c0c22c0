//! Checks of certificates, CSRs and CRLs against RFC 5280 and sound private-PKI practice, and with
//! [`Profile::Etcd`] against what etcd needs of its server, peer and client certificates.
//!
//! Each [`Finding`] names its [`Rule`]: an id, a [`Severity`], a one-line explanation and the
//! RFC section or reason; [`rules::ALL`] is the catalogue. Lint judges what the DER says; it
//! does not check chains or signatures by CAs (that is `verify`), only a CSR's own signature.

mod crl;
pub mod rules;
mod usage;

pub use crl::lint_crl;

use std::{collections::BTreeSet, time::SystemTime};

use der::{Encode, oid::db::rfc5280 as oids};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::{certificate::Version, ext::Extension, name::Name, request::CertReq};

use crate::{
    csr,
    error::{Error, Result},
    ext::{self, ExtSpec, IsCa, KeyUsage, KeyUsageBit as Bit},
    inspect::{self, ExtValue, TimeInfo, oids as names},
    view::CertView,
};

pub use crate::finding::{Finding, Severity};

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// One line saying what is wrong.
    pub message: &'static str,
    /// The RFC section, or the reason when no RFC says it.
    pub reference: &'static str,
}

/// The finding of `rule`, with `detail` saying which value triggered it.
pub(crate) fn finding(rule: Rule, detail: Option<String>) -> Finding {
    rule.finding(detail)
}

impl Rule {
    /// The finding of this rule, with `detail` saying which value triggered it.
    pub(crate) fn finding(self, detail: Option<String>) -> Finding {
        Finding {
            reference: Some(self.reference),
            detail,
            ..Finding::new(self.id, self.severity, self.message)
        }
    }
}

/// What else to check besides RFC 5280.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// RFC 5280 and general practice only.
    #[default]
    Rfc5280,
    /// etcd member certificates (pki.sh's client.crt and peer.crt): served to clients and
    /// peers and presented to peers: serverAuth and clientAuth, SANs with IP addresses.
    Etcd,
    /// A certificate etcd only serves with (`--cert-file` without client use).
    EtcdServer,
    /// A client certificate (etcdctl, the API server): clientAuth.
    EtcdClient,
}

impl Profile {
    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Rfc5280 => "rfc5280",
            Profile::Etcd => "etcd",
            Profile::EtcdServer => "etcd-server",
            Profile::EtcdClient => "etcd-client",
        }
    }

    pub(crate) fn serves(self) -> bool {
        matches!(self, Profile::Etcd | Profile::EtcdServer)
    }

    pub(crate) fn connects(self) -> bool {
        matches!(self, Profile::Etcd | Profile::EtcdClient)
    }
}

/// What the checks need to know of a certificate's or CSR's extensions.
pub(crate) struct Exts<'a> {
    list: &'a [Extension],
    ca: Option<(bool, IsCa)>,
    pub(crate) key_usage: Option<(bool, KeyUsage)>,
    pub(crate) eku: Option<Vec<ext::Eku>>,
    path_len_without_ca: bool,
}

impl<'a> Exts<'a> {
    fn new(list: &'a [Extension], out: &mut Vec<Finding>) -> Exts<'a> {
        let mut e = Exts {
            list,
            ca: None,
            key_usage: None,
            eku: None,
            path_len_without_ca: false,
        };
        let mut seen = BTreeSet::new();
        for x in list {
            if !seen.insert(x.extn_id) {
                out.push(finding(
                    rules::EXTENSION_DUPLICATE,
                    Some(oid_name(&x.extn_id)),
                ));
            }
            match inspect::describe_extension(x).value {
                ExtValue::Malformed { error } => out.push(finding(
                    rules::EXTENSION_MALFORMED,
                    Some(format!("{}: {error}", oid_name(&x.extn_id))),
                )),
                ExtValue::Unknown if x.critical => out.push(finding(
                    rules::EXTENSION_UNKNOWN_CRITICAL,
                    Some(oid_name(&x.extn_id)),
                )),
                ExtValue::BasicConstraints {
                    ca: false,
                    path_len: Some(_),
                } => e.path_len_without_ca = true,
                _ => {}
            }
            match ExtSpec::from_extension(x) {
                Ok(Some(ExtSpec::BasicConstraints { critical, ca })) if e.ca.is_none() => {
                    e.ca = Some((critical, ca));
                }
                Ok(Some(ExtSpec::KeyUsage { critical, usage })) if e.key_usage.is_none() => {
                    e.key_usage = Some((critical, usage));
                }
                Ok(Some(ExtSpec::ExtendedKeyUsage { purposes, .. })) if e.eku.is_none() => {
                    e.eku = Some(purposes);
                }
                _ => {}
            }
        }
        e
    }

    pub(crate) fn is_ca(&self) -> bool {
        matches!(self.ca, Some((_, IsCa::Ca { .. })))
    }

    pub(crate) fn find(&self, oid: der::oid::ObjectIdentifier) -> Option<&Extension> {
        self.list.iter().find(|x| x.extn_id == oid)
    }

    pub(crate) fn has_eku(&self, want: ext::Eku) -> bool {
        self.eku.as_ref().is_some_and(|v| v.contains(&want))
    }
}

fn oid_name(oid: &der::oid::ObjectIdentifier) -> String {
    match names::name(oid) {
        Some(n) => format!("{n} ({oid})"),
        None => oid.to_string(),
    }
}

/// Lints the certificate encoded by `der`, read as `pki show` and the verifier read it
/// ([`CertView`]: leniently, so that a legal encoding x509-cert refuses — a serial over 21
/// octets, a UTCTime of 1950-1969 — becomes a finding, not an error).
pub fn lint_certificate_der(der: &[u8], profile: Profile, now: SystemTime) -> Result<Vec<Finding>> {
    Ok(lint_view(&CertView::from_der(der)?, profile, now))
}

/// Lints a parsed certificate.
pub fn lint_view(c: &CertView, profile: Profile, now: SystemTime) -> Vec<Finding> {
    lint_parts(
        &Parts {
            version: c.version,
            serial: &c.serial,
            signature_algorithm: &c.signature_algorithm,
            tbs_signature_algorithm: &c.tbs_signature_algorithm,
            not_before: c.not_before_time.clone(),
            not_after: c.not_after_time.clone(),
            issuer: &c.issuer,
            subject: &c.subject,
            spki: &c.spki,
            has_unique: c.has_unique_ids(),
            extensions: &c.extensions,
        },
        profile,
        now,
    )
}

/// The fields lint reads.
struct Parts<'a> {
    version: Version,
    serial: &'a [u8],
    signature_algorithm: &'a AlgorithmIdentifierOwned,
    tbs_signature_algorithm: &'a AlgorithmIdentifierOwned,
    not_before: TimeInfo,
    not_after: TimeInfo,
    issuer: &'a Name,
    subject: &'a Name,
    spki: &'a SubjectPublicKeyInfoOwned,
    has_unique: bool,
    extensions: &'a [Extension],
}

fn lint_parts(tbs: &Parts<'_>, profile: Profile, now: SystemTime) -> Vec<Finding> {
    let mut out = Vec::new();
    let list = tbs.extensions;
    if (!list.is_empty() && tbs.version != Version::V3)
        || (tbs.has_unique && tbs.version == Version::V1)
    {
        out.push(finding(rules::VERSION_MISMATCH, None));
    } else if tbs.version != Version::V3 {
        out.push(finding(
            rules::VERSION_NOT_V3,
            Some(format!("version {}", tbs.version as u8 + 1)),
        ));
    }
    serial(tbs.serial, &mut out);
    if tbs.signature_algorithm != tbs.tbs_signature_algorithm {
        out.push(finding(rules::SIGNATURE_MISMATCH, None));
    }
    weak_hash(&tbs.signature_algorithm.oid, &mut out);
    validity(&tbs.not_before, &tbs.not_after, now, &mut out);
    if tbs.issuer.iter_rdn().next().is_none() {
        out.push(finding(rules::ISSUER_EMPTY, None));
    }
    let exts = Exts::new(list, &mut out);
    let san = exts.find(oids::ID_CE_SUBJECT_ALT_NAME);
    if tbs.subject.iter_rdn().next().is_none() && !san.is_some_and(|s| s.critical) {
        out.push(finding(rules::SUBJECT_EMPTY_SAN, None));
    }
    let self_issued = tbs.issuer.to_der().ok() == tbs.subject.to_der().ok();
    let ski = exts.find(oids::ID_CE_SUBJECT_KEY_IDENTIFIER).is_some();
    if exts.is_ca() {
        if exts.ca.is_some_and(|(critical, _)| !critical) {
            out.push(finding(rules::CA_BASIC_CONSTRAINTS_NOT_CRITICAL, None));
        }
        match exts.key_usage {
            None => out.push(finding(rules::CA_KEY_USAGE_MISSING, None)),
            Some((_, ku)) if !ku.contains(Bit::KeyCertSign) => {
                out.push(finding(rules::CA_KEY_CERT_SIGN_MISSING, None));
            }
            Some(_) => {}
        }
        if !ski {
            out.push(finding(rules::CA_SKI_MISSING, None));
        }
    } else {
        if exts
            .key_usage
            .is_some_and(|(_, ku)| ku.contains(Bit::KeyCertSign))
        {
            out.push(finding(rules::KEY_CERT_SIGN_NOT_CA, None));
        }
        if !ski {
            out.push(finding(rules::SKI_MISSING, None));
        }
    }
    if exts.path_len_without_ca
        || (exts.is_ca()
            && matches!(exts.ca, Some((_, IsCa::Ca { path_len: Some(_) })))
            && exts
                .key_usage
                .is_some_and(|(_, ku)| !ku.contains(Bit::KeyCertSign)))
    {
        out.push(finding(rules::PATH_LEN_NOT_CA, None));
    }
    if !self_issued && !matches!(ext::authority_key_id(list), Ok(Some(_))) {
        out.push(finding(rules::AKI_MISSING, None));
    }
    let key = inspect::describe_spki(tbs.spki).key;
    usage::common(&exts, &key, &mut out);
    usage::etcd(&exts, &key, profile, &mut out);
    out
}

/// Lints a CSR: its requested extensions, key and signature.
pub fn lint_csr(req: &CertReq, profile: Profile) -> Vec<Finding> {
    let mut out = Vec::new();
    weak_hash(&req.algorithm.oid, &mut out);
    if let Err(Error::BadSignature { .. }) = csr::verify(req) {
        out.push(finding(rules::CSR_SIGNATURE, None));
    }
    let list = match csr::requested_extensions(req) {
        Ok(l) => l,
        Err(e) => {
            out.push(finding(
                rules::EXTENSION_MALFORMED,
                Some(format!("extensionRequest: {}", inspect::error_text(&e))),
            ));
            Vec::new()
        }
    };
    let exts = Exts::new(&list, &mut out);
    let san = exts.find(oids::ID_CE_SUBJECT_ALT_NAME);
    if req.info.subject.iter_rdn().next().is_none() && !san.is_some_and(|s| s.critical) {
        out.push(finding(rules::SUBJECT_EMPTY_SAN, None));
    }
    if !exts.is_ca()
        && exts
            .key_usage
            .is_some_and(|(_, ku)| ku.contains(Bit::KeyCertSign))
    {
        out.push(finding(rules::KEY_CERT_SIGN_NOT_CA, None));
    }
    let key = inspect::describe_spki(&req.info.public_key).key;
    usage::common(&exts, &key, &mut out);
    usage::etcd(&exts, &key, profile, &mut out);
    out
}

fn serial(b: &[u8], out: &mut Vec<Finding>) {
    if b.iter().all(|x| *x == 0) {
        out.push(finding(rules::SERIAL_ZERO, None));
    } else if b.first().is_some_and(|x| x & 0x80 != 0) {
        out.push(finding(rules::SERIAL_NEGATIVE, None));
    }
    // The magnitude: a leading 0x00 only carries the sign.
    let magnitude = if b.first() == Some(&0) { &b[1..] } else { b };
    if magnitude.len() > 20 {
        out.push(finding(
            rules::SERIAL_TOO_LONG,
            Some(format!("{} octets", magnitude.len())),
        ));
    }
}

fn weak_hash(oid: &der::oid::ObjectIdentifier, out: &mut Vec<Finding>) {
    if let Some((name, names::Hash::Md2 | names::Hash::Md5 | names::Hash::Sha1)) =
        names::signature(oid)
    {
        out.push(finding(rules::SIGNATURE_WEAK_HASH, Some(name.into())));
    }
}

fn validity(not_before: &TimeInfo, not_after: &TimeInfo, now: SystemTime, out: &mut Vec<Finding>) {
    for (which, t) in [("notBefore", not_before), ("notAfter", not_after)] {
        let year: u32 = t.time.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
        if t.encoding == "GeneralizedTime" && year < 2050 {
            out.push(finding(
                rules::TIME_ENCODING,
                Some(format!("{which} {}", t.time)),
            ));
        }
    }
    let now = match now.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    };
    if not_before.unix > not_after.unix {
        out.push(finding(rules::VALIDITY_ORDER, None));
    } else if now > not_after.unix {
        out.push(finding(
            rules::EXPIRED,
            Some(format!("notAfter {}", not_after.time)),
        ));
    } else if now < not_before.unix {
        out.push(finding(
            rules::NOT_YET_VALID,
            Some(format!("notBefore {}", not_before.time)),
        ));
    }
}
