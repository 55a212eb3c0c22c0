//! `pki verify CERT...`: RFC 5280 path validation ([`pki_core::verify`]) for people and
//! scripts: for each certificate, the path it built and the verdict; on failure, which
//! certificate at which depth breaks which rule, in plain words, and what to do about it.

use std::{net::IpAddr, path::PathBuf, process::ExitCode, time::SystemTime};

use pki_core::{
    Error, Result,
    inspect::{describe_spki, hex, to_decimal},
    name,
    text::printable,
    verify::{self, CrlCheck, Failure, Options, Purpose},
    view::{self, CertView},
};

/// The `schema` of every JSON document `pki verify --json` prints (docs/json-schema.md).
pub const SCHEMA: &str = "pki.verify.v1";

/// Validate certificates: build each one's path to a trusted CA and check it (RFC 5280).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Certificates to verify (PEM bundles or DER; each certificate of a file is one leaf);
    /// `-` reads standard input.
    #[arg(required = true, value_name = "CERT")]
    certs: Vec<PathBuf>,
    /// Trusted CA certificates (repeatable; PEM bundles or DER).
    #[arg(long = "ca", value_name = "FILE", required = true)]
    ca: Vec<PathBuf>,
    /// Intermediate certificates paths may use (repeatable).
    #[arg(long, value_name = "FILE")]
    untrusted: Vec<PathBuf>,
    /// CRLs (PEM or DER, repeatable): every certificate of the path but the anchor must then
    /// be covered by a current CRL of its issuer and not be revoked. Delta, indirect and
    /// partitioned CRLs are not processed: a verdict that depends on them is "cannot tell".
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,
    /// What the certificate must be good for: server (extendedKeyUsage serverAuth), client
    /// (clientAuth) or any.
    #[arg(long, default_value = "any", value_parser = parse_purpose)]
    purpose: Purpose,
    /// The host name the certificate must name (subjectAltName DNS).
    #[arg(long, value_name = "NAME")]
    host: Option<String>,
    /// The IP address the certificate must name (subjectAltName IP).
    #[arg(long, value_name = "ADDR")]
    ip: Option<IpAddr>,
    /// The e-mail address the certificate must name.
    #[arg(long, value_name = "ADDR")]
    email: Option<String>,
    /// Validate at this time instead of now (RFC 3339 UTC, like 2030-01-01T00:00:00Z).
    #[arg(long, value_name = "TIME", value_parser = crate::show::parse_now)]
    at: Option<SystemTime>,
    /// A path may end at any trusted certificate, not only a self-signed one.
    #[arg(long)]
    partial_chain: bool,
    /// RFC 5280's MUSTs that OpenSSL checks only with -x509_strict: authorityKeyIdentifier in
    /// every certificate not self-signed, subjectKeyIdentifier and critical basicConstraints in
    /// CAs, version 3 only, no CA as the leaf.
    #[arg(long)]
    strict: bool,
    /// Match --host and --email on the subject's CN/emailAddress when the certificate has no
    /// subjectAltName, as OpenSSL does (Go, and so etcd, never does: off by default).
    #[arg(long)]
    cn_fallback: bool,
    /// Accept SHA-1 signatures (refused by default: SHA-1 is broken).
    #[arg(long)]
    allow_sha1: bool,
    /// Accept DSA signatures (refused by default, as Go and browsers refuse them).
    #[arg(long)]
    allow_dsa: bool,
    /// The smallest RSA key accepted, in bits.
    #[arg(long, default_value_t = 2048, value_name = "BITS")]
    min_rsa_bits: usize,
    /// One JSON document per certificate, one per line (schema: docs/json-schema.md).
    #[arg(long)]
    json: bool,
}

fn parse_purpose(s: &str) -> std::result::Result<Purpose, String> {
    match s {
        "server" => Ok(Purpose::ServerAuth),
        "client" => Ok(Purpose::ClientAuth),
        "any" => Ok(Purpose::Any),
        _ => Err(format!("unknown purpose {s:?}: use server, client or any")),
    }
}

fn load_certs(path: &PathBuf) -> Result<Vec<CertView>> {
    let input = crate::show::read_input(path)?;
    let certs = view::decode_all(&input).map_err(|e| e.in_file(path))?;
    if certs.is_empty() {
        return Err(Error::Empty.in_file(path));
    }
    Ok(certs)
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut trusted = Vec::new();
    for f in &args.ca {
        trusted.extend(load_certs(f)?);
    }
    let mut untrusted = Vec::new();
    for f in &args.untrusted {
        untrusted.extend(load_certs(f)?);
    }
    let mut opts = Options::new(verify::unix_time(args.at.unwrap_or_else(SystemTime::now)));
    opts.purpose = args.purpose;
    opts.host = args.host.clone();
    opts.ip = args.ip;
    opts.email = args.email.clone();
    opts.partial_chain = args.partial_chain;
    opts.strict = args.strict;
    opts.cn_fallback = args.cn_fallback;
    opts.allow_sha1 = args.allow_sha1;
    opts.allow_dsa = args.allow_dsa;
    opts.min_rsa_bits = args.min_rsa_bits;
    for f in &args.crl {
        let input = crate::show::read_input(f)?;
        if verify::crl::parse_all(std::slice::from_ref(&input)).is_none_or(|c| c.is_empty()) {
            return Err(Error::Der {
                what: "CRL",
                source: der::ErrorKind::Failed.into(),
            }
            .in_file(f));
        }
        opts.crls.push(input);
        opts.crl_check = CrlCheck::All;
    }
    let (mut invalid, mut errors) = (false, false);
    for path in &args.certs {
        let file = path.display().to_string();
        let leaves = match load_certs(path) {
            Ok(l) => l,
            Err(e) => {
                crate::report_error(&e);
                if args.json {
                    let doc = serde_json::json!({
                        "schema": SCHEMA, "file": file,
                        "error": pki_core::inspect::error_text(&e),
                    });
                    crate::out(format_args!("{doc}"));
                }
                errors = true;
                continue;
            }
        };
        let many = leaves.len() > 1;
        for (i, leaf) in leaves.iter().enumerate() {
            let label = if many {
                format!("{file}[{}]", i + 1)
            } else {
                file.clone()
            };
            let result = verify::verify(leaf, &trusted, &untrusted, &opts);
            invalid |= result.is_err();
            let is_trusted = |c: &CertView| trusted.iter().any(|t| t.der == c.der);
            if args.json {
                let doc = json(&file, i + 1, &result, &is_trusted);
                crate::out(format_args!("{doc}"));
            } else {
                text(&label, &result, &is_trusted, &opts);
            }
        }
    }
    Ok(ExitCode::from(if errors {
        2
    } else if invalid {
        1
    } else {
        0
    }))
}

fn serial(c: &CertView) -> String {
    let first = c
        .serial
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(c.serial.len().saturating_sub(1));
    hex(&c.serial[first.min(c.serial.len())..])
}

fn time(t: i64) -> String {
    pki_core::inspect::format_unix(t)
}

fn link_json(depth: usize, c: &CertView, trusted: bool) -> serde_json::Value {
    serde_json::json!({
        "depth": depth,
        "subject": name::to_rfc4514(&c.subject),
        "issuer": name::to_rfc4514(&c.issuer),
        "serial": serial(c),
        "serial_decimal": to_decimal(&c.serial),
        "not_before": time(c.not_before),
        "not_after": time(c.not_after),
        "key": describe_spki(&c.spki).key.summary(),
        "trusted": trusted,
        "sha256": hex(&c.fingerprint()),
    })
}

fn json(
    file: &str,
    index: usize,
    result: &std::result::Result<Vec<CertView>, Failure>,
    is_trusted: &dyn Fn(&CertView) -> bool,
) -> serde_json::Value {
    let chain = match result {
        Ok(c) => c,
        Err(f) => &f.chain,
    };
    let links: Vec<_> = chain
        .iter()
        .enumerate()
        .map(|(d, c)| link_json(d, c, is_trusted(c)))
        .collect();
    let reason = result.as_ref().err().map(|f| {
        serde_json::json!({
            "id": f.reason.id(),
            "depth": f.depth,
            "detail": f.detail,
            "explanation": f.reason.plain(),
            "advice": f.fix(),
            "unsupported": f.reason.is_unsupported(),
            "openssl_code": f.reason.openssl_code(),
        })
    });
    serde_json::json!({
        "schema": SCHEMA,
        "file": file,
        "index": index,
        "valid": result.is_ok(),
        "chain": links,
        "reason": reason,
    })
}

fn text(
    label: &str,
    result: &std::result::Result<Vec<CertView>, Failure>,
    is_trusted: &dyn Fn(&CertView) -> bool,
    opts: &Options,
) {
    let chain = match result {
        Ok(chain) => {
            crate::out(format_args!("{}: valid", printable(label)));
            chain
        }
        Err(f) => {
            let verdict = if f.reason.is_unsupported() {
                "cannot tell"
            } else {
                "INVALID"
            };
            let who = f
                .chain
                .get(f.depth)
                .map(|c| name::to_openssl_string(&c.subject))
                .unwrap_or_default();
            crate::out(format_args!(
                "{}: {verdict}: {} (depth {}, {who}): {}",
                printable(label),
                f.reason.id(),
                f.depth,
                printable(&f.detail)
            ));
            crate::out(format_args!("  why: {}", f.reason.plain()));
            if let Some(a) = f.fix() {
                crate::out(format_args!("  fix: {a}"));
            }
            &f.chain
        }
    };
    for (d, c) in chain.iter().enumerate() {
        let mark = if is_trusted(c) { " [trusted]" } else { "" };
        crate::out(format_args!(
            "  {d} {}{mark}\n      issuer {}  serial {}  {} .. {}  {}",
            name::to_openssl_string(&c.subject),
            name::to_openssl_string(&c.issuer),
            serial(c),
            time(c.not_before),
            time(c.not_after),
            describe_spki(&c.spki).key.summary()
        ));
    }
    let _ = opts;
}
