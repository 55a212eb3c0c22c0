//! `openssl verify`: reads the files, hands each certificate to [`pki_core::verify::verify`]
//! (RFC 5280 path validation with path building) and reports as OpenSSL 3 does: `CERT: OK`
//! on stdout, or the subject of the certificate in question, OpenSSL's error number and text
//! (`error 20 at 0 depth lookup: unable to get local issuer certificate`) and
//! `error CERT: verification failed` on stderr, exit status 2.

use std::{net::IpAddr, process::ExitCode, time::SystemTime};

use der::Decode;

use pki_core::{
    name,
    verify::{self, Options, Purpose},
    view::{self, CertView},
};

use super::{Fail, Opt, Output, load, note, parse, read_input};

const OPTS: &[Opt] = &[
    Opt::flag(
        "x509_strict",
        "RFC 5280's MUSTs on key identifiers, criticality and versions",
    ),
    Opt::value(
        "CRLfile",
        "infile",
        "CRLs to check revocation against (repeatable)",
    ),
    Opt::flag("crl_check", "Check the revocation of the leaf"),
    Opt::flag(
        "extended_crl",
        "Indirect CRLs, CRLs by reason, separate CRL-signing keys",
    ),
    Opt::flag("use_deltas", "Apply delta CRLs (pki always does)"),
    Opt::flag(
        "verbose",
        "Keep library errors (pki prints the same as without it)",
    ),
    Opt::flag(
        "crl_check_all",
        "Check the revocation of every certificate of the chain",
    ),
    Opt::flag("help", "Display this summary"),
    Opt::value(
        "CAfile",
        "infile",
        "Trusted certificates (PEM bundle or DER); required",
    ),
    Opt::flag(
        "no-CAfile",
        "Do not load the default CA file (pki never does)",
    ),
    Opt::flag(
        "no-CApath",
        "Do not load certificates from the default CA folder (pki never does)",
    ),
    Opt::flag(
        "no-CAstore",
        "Do not load the default CA store (pki never does)",
    ),
    Opt::value(
        "untrusted",
        "infile",
        "Intermediate certificates to build the chain with (repeatable)",
    ),
    Opt::value(
        "purpose",
        "val",
        "sslclient, sslserver, nssslserver, smimesign, smimeencrypt, crlsign, any, \
         ocsphelper or timestampsign",
    ),
    Opt::value("verify_hostname", "val", "Expected peer host name"),
    Opt::value("verify_email", "val", "Expected peer e-mail address"),
    Opt::value("verify_ip", "val", "Expected peer IP address"),
    Opt::value("attime", "intmax", "Validation time, in seconds since 1970"),
    Opt::value("verify_depth", "int", "Most intermediates a chain may hold"),
    Opt::flag(
        "partial_chain",
        "Accept a chain ending at any trusted certificate",
    ),
    Opt::value(
        "policy",
        "val",
        "An acceptable certificate policy OID (repeatable)",
    ),
    Opt::flag(
        "policy_check",
        "Check certificate policies (pki always does)",
    ),
    Opt::flag(
        "explicit_policy",
        "Require an acceptable policy (initial-explicit-policy)",
    ),
    Opt::flag(
        "inhibit_any",
        "Do not accept anyPolicy (initial-any-policy-inhibit)",
    ),
    Opt::flag(
        "inhibit_map",
        "Do not apply policy mappings (initial-policy-mapping-inhibit)",
    ),
    Opt::flag(
        "show_chain",
        "Print the chain of each certificate that verifies",
    ),
];

/// `verify`'s options, read once from the command line.
#[derive(Debug)]
struct Args {
    cafile: String,
    untrusted: Vec<String>,
    crlfiles: Vec<String>,
    /// The validator's options (CRLs added once read).
    opts: Options,
    /// `-purpose`, OpenSSL's short name.
    purpose: Option<String>,
    show_chain: bool,
    /// The certificates to verify; none is stdin.
    certs: Vec<String>,
}

impl Args {
    /// `None` for `-help`.
    fn parse(args: &[String]) -> Result<Option<Args>, Fail> {
        let p = parse("verify", " [cert...]", OPTS, args)?;
        if p.help {
            return Ok(None);
        }
        let cafile = p.value("CAfile").ok_or_else(|| {
            Fail::Usage(
                "-CAfile is required: pki does not read the system trust store (-CApath, \
                 default locations)"
                    .into(),
            )
        })?;
        let owned = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect();
        Ok(Some(Args {
            cafile: cafile.to_owned(),
            untrusted: owned(p.values("untrusted")),
            crlfiles: owned(p.values("CRLfile")),
            opts: options(&p)?,
            purpose: p.value("purpose").map(str::to_owned),
            show_chain: p.flag("show_chain"),
            certs: p.params.clone(),
        }))
    }
}

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let Some(a) = Args::parse(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let trusted = load(&a.cafile, view::decode_all)?;
    let mut untrusted = Vec::new();
    for f in &a.untrusted {
        untrusted.extend(load(f, view::decode_all)?);
    }
    let mut opts = a.opts;
    for f in &a.crlfiles {
        let (bytes, path) = read_input(Some(f))?;
        if verify::crl::parse_all(std::slice::from_ref(&bytes)).is_none_or(|c| c.is_empty()) {
            return Err(Fail::Error(format!(
                "{}: not a CRL (PEM X509 CRL or DER)",
                path.display()
            )));
        }
        opts.crls.push(bytes);
    }
    let inputs: Vec<Option<&str>> = if a.certs.is_empty() {
        vec![None]
    } else {
        a.certs.iter().map(|s| Some(s.as_str())).collect()
    };
    let mut failed = false;
    for input in inputs {
        let label = input.unwrap_or("stdin");
        let leaf = match read_input(input)
            .and_then(|(bytes, path)| Ok(first_certificate(&bytes).map_err(|e| e.in_file(&path))?))
        {
            Ok(c) => c,
            Err(Fail::Error(m) | Fail::Usage(m) | Fail::Plain(m)) => {
                note(format_args!(
                    "verify: {m}\nUnable to load certificate file {label}"
                ));
                failed = true;
                continue;
            }
        };
        let verdict = verify::verify(&leaf, &trusted, &untrusted, &opts)
            .and_then(|chain| openssl_purpose(a.purpose.as_deref(), chain, opts.strict));
        match verdict {
            Ok(chain) => {
                let mut o = Output::default();
                o.line(format_args!("{label}: OK"));
                if a.show_chain {
                    o.line(format_args!("Chain:"));
                    for (depth, c) in chain.iter().enumerate() {
                        let is_trusted = trusted.iter().any(|t| t.der == c.der);
                        o.line(format_args!(
                            "depth={depth}: {}{}",
                            name::to_openssl_string(&c.subject),
                            if is_trusted { "" } else { " (untrusted)" }
                        ));
                    }
                }
                o.print_stdout();
            }
            Err(e) => {
                let subject = e
                    .chain
                    .get(e.depth)
                    .map(|c| name::to_openssl_string(&c.subject))
                    .unwrap_or_default();
                note(format_args!(
                    "{subject}\nerror {} at {} depth lookup: {}\nerror {label}: verification failed",
                    e.reason.openssl_code(),
                    e.depth,
                    e.reason.openssl_text()
                ));
                failed = true;
            }
        }
    }
    Ok(ExitCode::from(if failed { 2 } else { 0 }))
}

/// OpenSSL's check of a purpose pki's validator has no word for (S/MIME, CRL signing, OCSP,
/// time stamping, Netscape's server): `X509_check_purpose` on every certificate of the path,
/// the leaf as an end entity and the others as CAs; a warning code is a refusal only with
/// `-x509_strict` (crypto/x509/x509_vfy.c, check_purpose).
fn openssl_purpose(
    purpose: Option<&str>,
    chain: Vec<CertView>,
    strict: bool,
) -> Result<Vec<CertView>, verify::Failure> {
    let Some(purpose) = purpose.filter(|p| !matches!(*p, "sslclient" | "sslserver" | "any")) else {
        return Ok(chain);
    };
    for (depth, c) in chain.iter().enumerate() {
        let answer = x509_cert::Certificate::from_der(&c.der)
            .ok()
            .and_then(|cert| pki_core::openssl::purpose::check(&cert, purpose, depth > 0));
        let ok = match answer {
            Some(1) => true,
            Some(0) | None => false,
            Some(_) => !strict,
        };
        if !ok {
            return Err(verify::Failure {
                reason: verify::Reason::EkuMissing,
                depth,
                detail: format!("not suitable for OpenSSL's purpose {purpose}"),
                chain,
            });
        }
    }
    Ok(chain)
}

/// The first certificate of a file, as OpenSSL's verify reads its arguments.
fn first_certificate(bytes: &[u8]) -> pki_core::Result<CertView> {
    let mut all = view::decode_all(bytes)?;
    if all.is_empty() {
        return Err(pki_core::Error::Empty);
    }
    Ok(all.swap_remove(0))
}

fn options(p: &super::Parsed) -> Result<Options, Fail> {
    let time = match p.value("attime") {
        None => verify::unix_time(SystemTime::now()),
        Some(t) => t
            .parse::<i64>()
            .map_err(|_| Fail::Usage(format!("Can't parse {t:?} as a number")))?,
    };
    let mut o = Options::new(time);
    // OpenSSL matches a host name on the CN of a certificate without subjectAltName.
    o.cn_fallback = true;
    o.strict = p.flag("x509_strict");
    o.purpose = match p.value("purpose") {
        Some("sslclient") => Purpose::ClientAuth,
        Some("sslserver") => Purpose::ServerAuth,
        None => Purpose::Any,
        // The others are OpenSSL's X509_check_purpose on each certificate of the path.
        Some(other)
            if pki_core::openssl::purpose::PURPOSES
                .iter()
                .any(|(s, _)| *s == other) =>
        {
            Purpose::Any
        }
        Some(other) => return Err(Fail::Error(format!("Invalid purpose {other}"))),
    };
    // OpenSSL verifies DSA signatures (with the key size and digest rules of any other).
    o.allow_dsa = true;
    o.extended_crl = p.flag("extended_crl");
    // Delta CRLs are always applied: OpenSSL without -use_deltas takes a delta CRL for a
    // complete one, and accepts certificates that are revoked or whose status is unknown
    // (PKITS 4.15.1, 4.15.3, 4.15.10).
    o.use_deltas = true;
    o.host = p.value("verify_hostname").map(str::to_owned);
    o.email = p.value("verify_email").map(str::to_owned);
    o.ip = match p.value("verify_ip") {
        None => None,
        Some(ip) => Some(
            ip.parse::<IpAddr>()
                .map_err(|_| Fail::Usage(format!("Invalid IP address {ip:?} for -verify_ip")))?,
        ),
    };
    if let Some(d) = p.value("verify_depth") {
        o.max_depth = d
            .parse()
            .map_err(|_| Fail::Usage(format!("Can't parse {d:?} as a number")))?;
    }
    o.partial_chain = p.flag("partial_chain");
    for pol in p.values("policy") {
        o.policy.initial.push(
            pol.parse()
                .map_err(|_| Fail::Error(format!("Invalid Policy {pol}")))?,
        );
    }
    o.policy.explicit = p.flag("explicit_policy");
    o.policy.inhibit_any = p.flag("inhibit_any");
    o.policy.inhibit_mapping = p.flag("inhibit_map");
    o.crl_check = if p.flag("crl_check_all") {
        verify::CrlCheck::All
    } else if p.flag("crl_check") {
        verify::CrlCheck::Leaf
    } else {
        verify::CrlCheck::None
    };
    Ok(o)
}
