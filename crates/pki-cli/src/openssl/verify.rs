//! `openssl verify -CAfile CA [-untrusted F] [-purpose sslclient|sslserver]
//! [-verify_hostname H] [-verify_ip IP] CERT...`: builds each certificate's chain to a
//! certificate of `-CAfile` and checks it the way OpenSSL 3's `X509_verify_cert` does, in its
//! order: CA flags, purpose and path length, host name and address, then from the top down
//! each signature and validity period. The first error is reported with OpenSSL's number and
//! text (`error 20 at 0 depth lookup: unable to get local issuer certificate`); the exit
//! status is 2 when a certificate fails, as OpenSSL's.

use std::{process::ExitCode, time::SystemTime};

use der::{Encode, asn1::ObjectIdentifier};
use pki_core::{
    cert,
    ext::{self, Eku, ExtSpec, IsCa, KeyUsageBit},
    name,
};
use x509_cert::{Certificate, certificate::Version};

use super::{Fail, Opt, Output, load, note, parse, read_input};

const OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::value(
        "CAfile",
        "infile",
        "Trusted certificates (PEM bundle); required",
    ),
    Opt::value(
        "untrusted",
        "infile",
        "Intermediate certificates to build the chain with (repeatable)",
    ),
    Opt::value("purpose", "val", "sslclient or sslserver"),
    Opt::value("verify_hostname", "val", "Expected peer host name"),
    Opt::value("verify_email", "val", "Expected peer e-mail address"),
    Opt::value("verify_ip", "val", "Expected peer IP address"),
    Opt::flag(
        "show_chain",
        "Print the chain of each certificate that verifies",
    ),
];

/// A verification error: OpenSSL's number and text, and the depth of the certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct VerifyError {
    code: u32,
    depth: usize,
}

impl VerifyError {
    fn text(self) -> &'static str {
        match self.code {
            2 => "unable to get issuer certificate",
            7 => "certificate signature failure",
            9 => "certificate is not yet valid",
            10 => "certificate has expired",
            18 => "self-signed certificate",
            19 => "self-signed certificate in certificate chain",
            20 => "unable to get local issuer certificate",
            79 => "invalid CA certificate",
            25 => "path length constraint exceeded",
            26 => "unsuitable certificate purpose",
            34 => "unhandled critical extension",
            62 => "hostname mismatch",
            63 => "email address mismatch",
            64 => "IP address mismatch",
            _ => "certificate verify error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    SslClient,
    SslServer,
}

struct Params<'a> {
    trusted: Vec<Certificate>,
    untrusted: Vec<Certificate>,
    purpose: Option<Purpose>,
    host: Option<&'a str>,
    email: Option<&'a str>,
    ip: Option<&'a str>,
}

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let p = parse("verify", " [cert...]", OPTS, args)?;
    if p.help {
        return Ok(ExitCode::SUCCESS);
    }
    let cafile = p.value("CAfile").ok_or_else(|| {
        Fail::Usage(
            "-CAfile is required: pki does not read the system trust store (-CApath, \
             default locations)"
                .into(),
        )
    })?;
    let trusted = load(cafile, cert::decode_all)?;
    let mut untrusted = Vec::new();
    for f in p.values("untrusted") {
        untrusted.extend(load(f, cert::decode_all)?);
    }
    let purpose = match p.value("purpose") {
        None => None,
        Some("sslclient") => Some(Purpose::SslClient),
        Some("sslserver") => Some(Purpose::SslServer),
        Some(other) => {
            return Err(Fail::Usage(format!(
                "-purpose {other} is not supported by pki: use sslclient or sslserver"
            )));
        }
    };
    if let Some(ip) = p.value("verify_ip")
        && ip.parse::<std::net::IpAddr>().is_err()
    {
        return Err(Fail::Usage(format!(
            "Invalid IP address {ip:?} for -verify_ip"
        )));
    }
    let params = Params {
        trusted,
        untrusted,
        purpose,
        host: p.value("verify_hostname"),
        email: p.value("verify_email"),
        ip: p.value("verify_ip"),
    };
    let inputs: Vec<Option<&str>> = if p.params.is_empty() {
        vec![None]
    } else {
        p.params.iter().map(|s| Some(s.as_str())).collect()
    };
    let mut failed = false;
    for input in inputs {
        let label = input.unwrap_or("stdin");
        let leaf = match read_input(input).and_then(|(bytes, path)| {
            Ok(super::x509::first_certificate(&bytes).map_err(|e| e.in_file(&path))?)
        }) {
            Ok(c) => c,
            Err(Fail::Error(m) | Fail::Usage(m) | Fail::Plain(m)) => {
                note(format_args!(
                    "verify: {m}\nUnable to load certificate file {label}"
                ));
                failed = true;
                continue;
            }
        };
        match verify(&leaf, &params) {
            Ok(chain) => {
                let mut o = Output::default();
                o.line(format_args!("{label}: OK"));
                if p.flag("show_chain") {
                    o.line(format_args!("Chain:"));
                    for (depth, c) in chain.iter().enumerate() {
                        let trusted = params.trusted.iter().any(|t| same(t, c));
                        o.line(format_args!(
                            "depth={depth}: {}{}",
                            name::to_openssl_string(c.tbs_certificate().subject()),
                            if trusted { "" } else { " (untrusted)" }
                        ));
                    }
                }
                o.print_stdout();
            }
            Err((e, chain)) => {
                let subject = chain
                    .get(e.depth)
                    .map(|c| name::to_openssl_string(c.tbs_certificate().subject()))
                    .unwrap_or_default();
                note(format_args!(
                    "{subject}\nerror {} at {} depth lookup: {}\nerror {label}: verification \
                     failed",
                    e.code,
                    e.depth,
                    e.text()
                ));
                failed = true;
            }
        }
    }
    Ok(ExitCode::from(if failed { 2 } else { 0 }))
}

fn same(a: &Certificate, b: &Certificate) -> bool {
    a.to_der().ok() == b.to_der().ok()
}

fn exts(c: &Certificate) -> &[x509_cert::ext::Extension] {
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

type Failure = (VerifyError, Vec<Certificate>);

fn verify(leaf: &Certificate, p: &Params<'_>) -> Result<Vec<Certificate>, Failure> {
    let chain = build(leaf, p)?;
    let fail = |code, depth| Err((VerifyError { code, depth }, chain.clone()));
    // check_chain_extensions
    for (i, c) in chain.iter().enumerate() {
        if has_unhandled_critical(c) {
            return fail(34, i);
        }
        if i > 0 && !is_ca(c) {
            return fail(79, i);
        }
        if let Some(purpose) = p.purpose
            && !purpose_ok(c, purpose, i > 0)
        {
            return fail(26, i);
        }
        if i > 1
            && let Some(IsCa::Ca {
                path_len: Some(max),
            }) = basic_constraints(c)
            && i - 1 > usize::from(max)
        {
            return fail(25, i);
        }
    }
    // check_id
    if let Some(host) = p.host
        && !super::x509::matches_host(leaf, host).unwrap_or(false)
    {
        return fail(62, 0);
    }
    if let Some(email) = p.email
        && !super::x509::matches_email(leaf, email).unwrap_or(false)
    {
        return fail(63, 0);
    }
    if let Some(ip) = p.ip
        && !super::x509::matches_ip(leaf, ip).unwrap_or(false)
    {
        return fail(64, 0);
    }
    // internal_verify, from the top down.
    let now = SystemTime::now();
    for i in (0..chain.len()).rev() {
        let c = &chain[i];
        if i + 1 < chain.len() && cert::verify_issued_by(c, &chain[i + 1]).is_err() {
            return fail(7, i);
        }
        let v = c.tbs_certificate().validity();
        if v.not_before.to_system_time() > now {
            return fail(9, i);
        }
        if v.not_after.to_system_time() < now {
            return fail(10, i);
        }
    }
    Ok(chain)
}

/// The chain from `leaf` up to a certificate of `-CAfile` that is self-issued.
fn build(leaf: &Certificate, p: &Params<'_>) -> Result<Vec<Certificate>, Failure> {
    let mut chain = vec![leaf.clone()];
    loop {
        let depth = chain.len() - 1;
        let cur = &chain[depth];
        let trusted = p.trusted.iter().any(|t| same(t, cur));
        if trusted && self_issued(cur) {
            return Ok(chain);
        }
        let unused =
            |c: &&Certificate| may_issue(c, cur) && !chain.iter().any(|x| same(x, c)) && depth < 32;
        if let Some(t) = p.trusted.iter().find(unused) {
            chain.push(t.clone());
            continue;
        }
        let fail = |code| Err((VerifyError { code, depth }, chain.clone()));
        if trusted {
            return fail(2);
        }
        if self_issued(cur) {
            return fail(if depth == 0 { 18 } else { 19 });
        }
        if let Some(u) = p.untrusted.iter().find(unused) {
            chain.push(u.clone());
            continue;
        }
        return fail(20);
    }
}

fn basic_constraints(c: &Certificate) -> Option<IsCa> {
    cert::ext_specs(c).ok()?.into_iter().find_map(|s| match s {
        ExtSpec::BasicConstraints { ca, .. } => Some(ca),
        _ => None,
    })
}

fn key_usage(c: &Certificate) -> Option<ext::KeyUsage> {
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
