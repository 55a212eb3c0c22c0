//! X.509 chain verification the way OpenSSL 3's `X509_verify_cert` does it
//! (crypto/x509/x509_vfy.c), for `pki openssl verify`: [`verify`] builds the chain from a leaf
//! to a self-issued trusted certificate, then checks it in OpenSSL's order: CA flags, purpose
//! and path length (`check_chain_extensions`), host name, e-mail and address (`check_id`), then
//! from the top down each signature and validity period (`internal_verify`). The first problem
//! is a [`Failure`] with OpenSSL's error number and text.
//!
//! Hostile certificate lists end: a certificate enters a chain once, and a chain stops growing
//! at [`MAX_DEPTH`].

use std::{fmt, net::IpAddr, time::SystemTime};

use der::{Encode, asn1::ObjectIdentifier};
use x509_cert::{Certificate, certificate::Version, ext::Extension};

use crate::{
    cert,
    ext::{self, Eku, ExtSpec, IsCa, KeyUsage, KeyUsageBit, San},
    name,
};

/// The depth at which chain building stops looking for issuers: a chain holds at most
/// `MAX_DEPTH + 1` certificates (OpenSSL's default limit is 100; pki stops earlier, and the
/// chain then fails for want of an issuer).
pub const MAX_DEPTH: usize = 32;

/// The TLS purposes of `-purpose` (OpenSSL's `X509_PURPOSE_SSL_CLIENT` and `_SERVER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `sslclient`: extendedKeyUsage clientAuth.
    SslClient,
    /// `sslserver`: extendedKeyUsage serverAuth.
    SslServer,
}

/// What a chain is verified against.
#[derive(Debug, Clone)]
pub struct Params<'a> {
    /// Trust anchors (`-CAfile`): a chain must end at a self-issued one.
    pub trusted: &'a [Certificate],
    /// Intermediates the chain may use (`-untrusted`).
    pub untrusted: &'a [Certificate],
    /// The time validity periods are checked at.
    pub now: SystemTime,
    /// `-purpose`.
    pub purpose: Option<Purpose>,
    /// `-verify_hostname`.
    pub host: Option<&'a str>,
    /// `-verify_email`.
    pub email: Option<&'a str>,
    /// `-verify_ip`.
    pub ip: Option<IpAddr>,
}

impl<'a> Params<'a> {
    /// Chain building and checking only, with no purpose and no identity to match.
    pub fn new(trusted: &'a [Certificate], untrusted: &'a [Certificate], now: SystemTime) -> Self {
        Params {
            trusted,
            untrusted,
            now,
            purpose: None,
            host: None,
            email: None,
            ip: None,
        }
    }
}

/// OpenSSL's `X509_V_ERR_*` codes that [`verify`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// 2: the issuer of a trusted certificate is not trusted.
    UnableToGetIssuerCert,
    /// 7: a signature does not verify with its issuer's key.
    CertSignatureFailure,
    /// 9: notBefore is after now.
    CertNotYetValid,
    /// 10: notAfter is before now.
    CertHasExpired,
    /// 18: the leaf is self-issued and not trusted.
    DepthZeroSelfSignedCert,
    /// 19: the chain ends at a self-issued certificate that is not trusted.
    SelfSignedCertInChain,
    /// 20: no issuer found for a certificate.
    UnableToGetIssuerCertLocally,
    /// 25: a CA's pathLenConstraint is exceeded.
    PathLengthExceeded,
    /// 26: a certificate does not allow the purpose.
    InvalidPurpose,
    /// 34: a critical extension OpenSSL does not handle.
    UnhandledCriticalExtension,
    /// 62: the leaf does not name the host.
    HostnameMismatch,
    /// 63: the leaf does not name the e-mail address.
    EmailMismatch,
    /// 64: the leaf does not name the IP address.
    IpAddressMismatch,
    /// 79: an issuer is not a CA.
    InvalidCa,
}

impl Reason {
    /// OpenSSL's number for it.
    pub fn code(self) -> u32 {
        match self {
            Reason::UnableToGetIssuerCert => 2,
            Reason::CertSignatureFailure => 7,
            Reason::CertNotYetValid => 9,
            Reason::CertHasExpired => 10,
            Reason::DepthZeroSelfSignedCert => 18,
            Reason::SelfSignedCertInChain => 19,
            Reason::UnableToGetIssuerCertLocally => 20,
            Reason::PathLengthExceeded => 25,
            Reason::InvalidPurpose => 26,
            Reason::UnhandledCriticalExtension => 34,
            Reason::HostnameMismatch => 62,
            Reason::EmailMismatch => 63,
            Reason::IpAddressMismatch => 64,
            Reason::InvalidCa => 79,
        }
    }

    /// OpenSSL's text for it (`X509_verify_cert_error_string`).
    pub fn text(self) -> &'static str {
        match self {
            Reason::UnableToGetIssuerCert => "unable to get issuer certificate",
            Reason::CertSignatureFailure => "certificate signature failure",
            Reason::CertNotYetValid => "certificate is not yet valid",
            Reason::CertHasExpired => "certificate has expired",
            Reason::DepthZeroSelfSignedCert => "self-signed certificate",
            Reason::SelfSignedCertInChain => "self-signed certificate in certificate chain",
            Reason::UnableToGetIssuerCertLocally => "unable to get local issuer certificate",
            Reason::PathLengthExceeded => "path length constraint exceeded",
            Reason::InvalidPurpose => "unsuitable certificate purpose",
            Reason::UnhandledCriticalExtension => "unhandled critical extension",
            Reason::HostnameMismatch => "hostname mismatch",
            Reason::EmailMismatch => "email address mismatch",
            Reason::IpAddressMismatch => "IP address mismatch",
            Reason::InvalidCa => "invalid CA certificate",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// Why a chain does not verify: the first problem, the depth of the certificate it concerns
/// (0 the leaf) and the chain as far as it was built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: Reason,
    pub depth: usize,
    pub chain: Vec<Certificate>,
}

impl fmt::Display for Failure {
    /// OpenSSL's line: `error 20 at 0 depth lookup: unable to get local issuer certificate`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error {} at {} depth lookup: {}",
            self.reason.code(),
            self.depth,
            self.reason
        )
    }
}

impl std::error::Error for Failure {}

/// Builds `leaf`'s chain to a trusted certificate and checks it; returns the chain, leaf
/// first, trust anchor last.
pub fn verify(leaf: &Certificate, p: &Params<'_>) -> Result<Vec<Certificate>, Failure> {
    let chain = build(leaf, p)?;
    let fail = |reason, depth| {
        Err(Failure {
            reason,
            depth,
            chain: chain.clone(),
        })
    };
    // check_chain_extensions
    for (i, c) in chain.iter().enumerate() {
        if has_unhandled_critical(c) {
            return fail(Reason::UnhandledCriticalExtension, i);
        }
        if i > 0 && !is_ca(c) {
            return fail(Reason::InvalidCa, i);
        }
        if let Some(purpose) = p.purpose
            && !purpose_ok(c, purpose, i > 0)
        {
            return fail(Reason::InvalidPurpose, i);
        }
        if i > 1
            && let Some(IsCa::Ca {
                path_len: Some(max),
            }) = basic_constraints(c)
            && i - 1 > usize::from(max)
        {
            return fail(Reason::PathLengthExceeded, i);
        }
    }
    // check_id
    if let Some(host) = p.host
        && !matches_host(leaf, host)
    {
        return fail(Reason::HostnameMismatch, 0);
    }
    if let Some(email) = p.email
        && !matches_email(leaf, email)
    {
        return fail(Reason::EmailMismatch, 0);
    }
    if let Some(ip) = p.ip
        && !matches_ip(leaf, ip)
    {
        return fail(Reason::IpAddressMismatch, 0);
    }
    // internal_verify, from the top down.
    for i in (0..chain.len()).rev() {
        let c = &chain[i];
        if i + 1 < chain.len() && cert::verify_issued_by(c, &chain[i + 1]).is_err() {
            return fail(Reason::CertSignatureFailure, i);
        }
        let v = c.tbs_certificate().validity();
        if v.not_before.to_system_time() > p.now {
            return fail(Reason::CertNotYetValid, i);
        }
        if v.not_after.to_system_time() < p.now {
            return fail(Reason::CertHasExpired, i);
        }
    }
    Ok(chain)
}

/// The chain from `leaf` up to a trusted certificate that is self-issued: trusted issuers
/// first, then untrusted ones, each certificate at most once, at most [`MAX_DEPTH`] deep.
fn build(leaf: &Certificate, p: &Params<'_>) -> Result<Vec<Certificate>, Failure> {
    // Each certificate encoded once: a hostile list may name the same issuer thousands of times.
    let trusted_der: Vec<Option<Vec<u8>>> = p.trusted.iter().map(der).collect();
    let mut chain = vec![leaf.clone()];
    let mut chain_der = vec![der(leaf)];
    loop {
        let depth = chain.len() - 1;
        let cur = &chain[depth];
        let trusted = trusted_der.contains(&chain_der[depth]);
        if trusted && self_issued(cur) {
            return Ok(chain);
        }
        let unused = |c: &&Certificate| {
            depth < MAX_DEPTH && may_issue(c, cur) && !chain_der.contains(&der(c))
        };
        let next = match p.trusted.iter().find(unused) {
            Some(t) => Some(t),
            None if trusted || self_issued(cur) => None,
            None => p.untrusted.iter().find(unused),
        };
        if let Some(next) = next {
            chain_der.push(der(next));
            chain.push(next.clone());
            continue;
        }
        let reason = if trusted {
            Reason::UnableToGetIssuerCert
        } else if self_issued(cur) {
            if depth == 0 {
                Reason::DepthZeroSelfSignedCert
            } else {
                Reason::SelfSignedCertInChain
            }
        } else {
            Reason::UnableToGetIssuerCertLocally
        };
        return Err(Failure {
            reason,
            depth,
            chain,
        });
    }
}

fn der(c: &Certificate) -> Option<Vec<u8>> {
    c.to_der().ok()
}

/// The same certificate: the same DER.
pub fn same(a: &Certificate, b: &Certificate) -> bool {
    der(a) == der(b)
}

fn exts(c: &Certificate) -> &[Extension] {
    c.tbs_certificate()
        .extensions()
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn self_issued(c: &Certificate) -> bool {
    c.tbs_certificate().subject() == c.tbs_certificate().issuer()
}

/// Whether `cand` may have issued `c`: names match, and key identifiers when both have one
/// (OpenSSL's `X509_check_issued`, signatures being checked later).
fn may_issue(cand: &Certificate, c: &Certificate) -> bool {
    if cand.tbs_certificate().subject() != c.tbs_certificate().issuer() {
        return false;
    }
    match (
        ext::authority_key_id(exts(c)).ok().flatten(),
        ext::subject_key_id(exts(cand)).ok().flatten(),
    ) {
        (Some(aki), Some(ski)) => aki == ski,
        _ => true,
    }
}

fn basic_constraints(c: &Certificate) -> Option<IsCa> {
    cert::ext_specs(c).ok()?.into_iter().find_map(|s| match s {
        ExtSpec::BasicConstraints { ca, .. } => Some(ca),
        _ => None,
    })
}

fn key_usage(c: &Certificate) -> Option<KeyUsage> {
    cert::ext_specs(c).ok()?.into_iter().find_map(|s| match s {
        ExtSpec::KeyUsage { usage, .. } => Some(usage),
        _ => None,
    })
}

fn eku(c: &Certificate) -> Option<Vec<Eku>> {
    cert::ext_specs(c).ok()?.into_iter().find_map(|s| match s {
        ExtSpec::ExtendedKeyUsage { purposes, .. } => Some(purposes),
        _ => None,
    })
}

/// OpenSSL's `X509_check_ca`, non-strict: basicConstraints CA:TRUE (and keyCertSign when
/// keyUsage is present), or keyUsage keyCertSign alone, or a self-issued version 1
/// certificate.
fn is_ca(c: &Certificate) -> bool {
    let ku = key_usage(c);
    if ku.is_some_and(|k| !k.contains(KeyUsageBit::KeyCertSign)) {
        return false;
    }
    match basic_constraints(c) {
        Some(IsCa::Ca { .. }) => true,
        Some(IsCa::No) => false,
        None => ku.is_some() || (c.tbs_certificate().version() == Version::V1 && self_issued(c)),
    }
}

/// OpenSSL's `check_purpose_ssl_client`/`_server`: extendedKeyUsage, when present, must name
/// the purpose; a leaf's keyUsage, when present, must allow the TLS key exchange.
fn purpose_ok(c: &Certificate, purpose: Purpose, ca: bool) -> bool {
    let wanted = match purpose {
        Purpose::SslClient => Eku::ClientAuth,
        Purpose::SslServer => Eku::ServerAuth,
    };
    if eku(c).is_some_and(|list| !list.contains(&wanted)) {
        return false;
    }
    if ca {
        return true;
    }
    let allowed: &[KeyUsageBit] = match purpose {
        Purpose::SslClient => &[KeyUsageBit::DigitalSignature, KeyUsageBit::KeyAgreement],
        Purpose::SslServer => &[
            KeyUsageBit::DigitalSignature,
            KeyUsageBit::KeyEncipherment,
            KeyUsageBit::KeyAgreement,
        ],
    };
    key_usage(c).is_none_or(|k| allowed.iter().any(|b| k.contains(*b)))
}

/// A critical extension OpenSSL would not know how to handle.
fn has_unhandled_critical(c: &Certificate) -> bool {
    const HANDLED: [&str; 9] = [
        "2.5.29.15",
        "2.5.29.37",
        "2.5.29.17",
        "2.5.29.19",
        "2.5.29.14",
        "2.5.29.35",
        "2.5.29.30",
        "2.5.29.32",
        "2.5.29.36",
    ];
    exts(c).iter().any(|e| {
        e.critical && {
            let oid: &ObjectIdentifier = &e.extn_id;
            !HANDLED.contains(&oid.to_string().as_str())
        }
    })
}

/// The subjectAltName entries (none without the extension), or `None` when an extension
/// does not decode: then nothing matches.
fn sans(c: &Certificate) -> Option<Vec<San>> {
    let names = cert::ext_specs(c).ok()?.into_iter().find_map(|s| match s {
        ExtSpec::SubjectAltName { names, .. } => Some(names),
        _ => None,
    });
    Some(names.unwrap_or_default())
}

/// The subject's attributes of type `oid` that read as text.
fn subject_strings(c: &Certificate, oid: ObjectIdentifier) -> Vec<String> {
    c.tbs_certificate()
        .subject()
        .iter_rdn()
        .flat_map(|rdn| rdn.iter())
        .filter(|atv| atv.oid == oid)
        .filter_map(|atv| name::attribute_value_string(&atv.value))
        .collect()
}

/// `X509_check_host`: the subjectAltName DNS names, or the subject's commonNames when there
/// is none; in any case, a trailing dot ignored, `*.` standing for one whole left label.
pub fn matches_host(c: &Certificate, host: &str) -> bool {
    const CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let Some(sans) = sans(c) else { return false };
    let mut candidates: Vec<String> = sans
        .into_iter()
        .filter_map(|s| match s {
            San::Dns(d) => Some(d),
            _ => None,
        })
        .collect();
    if candidates.is_empty() {
        candidates = subject_strings(c, CN);
    }
    candidates.iter().any(|p| host_matches(p, &host))
}

/// One DNS pattern against a lowercase host name without its trailing dot.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(rest) if rest.contains('.') => host
            .split_once('.')
            .is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
        _ => pattern == host,
    }
}

/// `X509_check_email`: the subjectAltName e-mail addresses, or the subject's emailAddress
/// when there is none; the local part exact, the domain in any case.
pub fn matches_email(c: &Certificate, email: &str) -> bool {
    const EMAIL: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");
    let Some(sans) = sans(c) else { return false };
    let mut candidates: Vec<String> = sans
        .into_iter()
        .filter_map(|s| match s {
            San::Email(e) => Some(e),
            _ => None,
        })
        .collect();
    if candidates.is_empty() {
        candidates = subject_strings(c, EMAIL);
    }
    let split = |e: &str| {
        e.rsplit_once('@')
            .map(|(l, d)| (l.to_owned(), d.to_ascii_lowercase()))
    };
    let wanted = split(email);
    wanted.is_some() && candidates.iter().any(|c| split(c) == wanted)
}

/// `X509_check_ip`: a subjectAltName iPAddress equal to `ip`.
pub fn matches_ip(c: &Certificate, ip: IpAddr) -> bool {
    sans(c).is_some_and(|sans| sans.iter().any(|s| matches!(s, San::Ip(a) if *a == ip)))
}
