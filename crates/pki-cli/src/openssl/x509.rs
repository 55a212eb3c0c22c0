//! `openssl x509`: print a certificate's fields, convert it, check it against a host name, an
//! address or a date, and sign a CSR with a CA (`-req -CA -CAkey`).
//!
//! Printing options are answered in the order they are given, as OpenSSL does; `-checkend`
//! comes after them and ends the command; `-checkhost`/`-checkip` come after the prints, and
//! the certificate itself last unless `-noout`.

use std::{
    net::IpAddr,
    path::Path,
    process::ExitCode,
    time::{Duration, SystemTime},
};

use der::Encode;
use pki_core::{
    cert::{self, CertBuilder, Issuer},
    csr,
    files::Mode,
    key::PublicKey,
    name,
    openssl::{self, sign::CopyExtensions},
    serial, text, verify,
};
use x509_cert::Certificate;

use pki_core::name::NameOpt;

use super::{
    Fail, Format, Opt, Output, Parsed, load, load_conf, note, parse, pass::Pass, read_input_as,
};

const OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::value(
        "in",
        "infile",
        "Certificate input, or CSR input with -req (default stdin)",
    ),
    Opt::value("inform", "PEM|DER", "Input format (default PEM)"),
    Opt::value(
        "out",
        "outfile",
        "Output file (replaced if it exists; default stdout)",
    ),
    Opt::value("outform", "PEM|DER", "Output format (default PEM)"),
    Opt::flag("req", "Input is a CSR, to be signed with -CA and -CAkey"),
    Opt::value("CA", "infile", "CA certificate that signs the CSR"),
    Opt::value(
        "CAkey",
        "val",
        "The CA's private key (default: the -CA file)",
    ),
    Opt::value("passin", "val", "Pass phrase source of -CAkey or -signkey"),
    Opt::flag(
        "CAcreateserial",
        "Create the serial file when missing (CA name with .srl)",
    ),
    Opt::value(
        "CAserial",
        "val",
        "Serial file: holds the last serial issued",
    ),
    Opt::value(
        "set_serial",
        "val",
        "Serial number to use (decimal, or hex with 0x)",
    ),
    Opt::value("days", "int", "Days the certificate is valid (default 30)"),
    Opt::flag(
        "sha256",
        "Sign with SHA-256 (the default); SHA-256 fingerprints",
    ),
    Opt::flag("sha1", "SHA-1 fingerprints (the default for -fingerprint)"),
    Opt::flag("sha384", "Sign with SHA-384"),
    Opt::flag("sha512", "Sign with SHA-512"),
    Opt::value(
        "signkey",
        "key",
        "Self-sign the CSR (-req), or the certificate, with this key: issuer = subject",
    ),
    Opt::value("key", "key", "Same as -signkey"),
    Opt::flag(
        "preserve_dates",
        "Keep the certificate's dates when re-signing it with -signkey",
    ),
    Opt::value(
        "extfile",
        "infile",
        "File with the X509v3 extensions to add",
    ),
    Opt::value(
        "extensions",
        "val",
        "Section of -extfile to use (default: its default section)",
    ),
    Opt::value(
        "copy_extensions",
        "val",
        "none, copy or copyall: copy the CSR's extensions",
    ),
    Opt::flag("text", "Print the certificate in text form"),
    Opt::flag("noout", "Do not output the certificate"),
    Opt::flag("subject", "Print the subject"),
    Opt::value(
        "nameopt",
        "val",
        "How names print: oneline (the default), RFC2253, multiline, compat, utf8, sep_multiline, ...",
    ),
    Opt::flag("issuer", "Print the issuer"),
    Opt::flag("dates", "Print notBefore and notAfter"),
    Opt::flag("startdate", "Print notBefore"),
    Opt::flag("enddate", "Print notAfter"),
    Opt::flag("serial", "Print the serial number"),
    Opt::flag("fingerprint", "Print the fingerprint (SHA-1, or -sha256)"),
    Opt::value(
        "checkend",
        "intmax",
        "Exit 1 if the certificate expires within this many seconds",
    ),
    Opt::value(
        "ext",
        "val",
        "Print these extensions (comma-separated short names)",
    ),
    Opt::flag("pubkey", "Print the public key"),
    Opt::flag("purpose", "Print the purposes the certificate may serve"),
    Opt::flag(
        "hash",
        "Print the subject hash (the name in a CApath folder)",
    ),
    Opt::flag("subject_hash", "Print the subject hash"),
    Opt::flag("issuer_hash", "Print the issuer hash"),
    Opt::flag("modulus", "Print the RSA modulus"),
    Opt::value(
        "checkhost",
        "val",
        "Check the certificate matches this host",
    ),
    Opt::value(
        "checkemail",
        "val",
        "Check the certificate matches this e-mail address",
    ),
    Opt::value(
        "checkip",
        "val",
        "Check the certificate matches this IP address",
    ),
];

/// The printing options, each answered at the position where it was last given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Print {
    Subject,
    Issuer,
    Serial,
    StartDate,
    EndDate,
    Fingerprint,
    Modulus,
    Pubkey,
    Text,
    Ext,
    SubjectHash,
    IssuerHash,
    Purpose,
}

fn print_order(p: &Parsed) -> Vec<Print> {
    let mut v: Vec<(usize, u8, Print)> = Vec::new();
    let mut at = |name: &str, sub: u8, what: Print| {
        if let Some(i) = p.position(name) {
            v.push((i, sub, what));
        }
    };
    at("subject", 0, Print::Subject);
    at("issuer", 0, Print::Issuer);
    at("serial", 0, Print::Serial);
    at("fingerprint", 0, Print::Fingerprint);
    at("modulus", 0, Print::Modulus);
    at("pubkey", 0, Print::Pubkey);
    at("text", 0, Print::Text);
    at("ext", 0, Print::Ext);
    at("issuer_hash", 0, Print::IssuerHash);
    at("purpose", 0, Print::Purpose);
    if let Some(i) = p.position("hash").max(p.position("subject_hash")) {
        v.push((i, 0, Print::SubjectHash));
    }
    let dates = p.position("dates");
    let start = p.position("startdate").max(dates);
    let end = p.position("enddate").max(dates);
    if let Some(i) = start {
        v.push((i, 0, Print::StartDate));
    }
    if let Some(i) = end {
        v.push((i, 1, Print::EndDate));
    }
    v.sort_by_key(|(i, sub, _)| (*i, *sub));
    v.into_iter().map(|(_, _, w)| w).collect()
}

/// `x509`'s options, read once from the command line.
#[derive(Debug)]
struct Args {
    input: Option<String>,
    inform: Format,
    out: Option<String>,
    outform: Format,
    name_form: NameOpt,
    /// With `-req`: how to sign the CSR.
    sign: Option<SignArgs>,
    /// The printing options, in the order they are answered.
    prints: Vec<Print>,
    /// `-sha256` after `-sha1`: SHA-256 fingerprints.
    sha256: bool,
    /// `-ext`'s names.
    ext_names: Vec<String>,
    checkend: Option<i64>,
    checkhost: Option<String>,
    checkemail: Option<String>,
    checkip: Option<String>,
    noout: bool,
}

/// `-req`'s options.
#[derive(Debug)]
struct SignArgs {
    ca: Option<String>,
    ca_key: Option<String>,
    set_serial: Option<Vec<u8>>,
    ca_serial: Option<String>,
    create_serial: bool,
    days: u32,
    extfile: Option<String>,
    extensions: Option<String>,
    copy: CopyExtensions,
    /// The signature's digest.
    digest: pki_core::key::Digest,
    /// `-signkey`/`-key`: self-signed with this key instead of signed by `-CA`.
    signkey: Option<String>,
    /// `-passin`, for the signing key.
    pass: Pass,
    /// The input is a certificate to make again with `-signkey` (not a CSR).
    resign: bool,
    /// `-preserve_dates` (with `resign`).
    preserve_dates: bool,
}

impl Args {
    /// `None` for `-help`.
    fn parse(args: &[String]) -> Result<Option<Args>, Fail> {
        let p = parse("x509", "", OPTS, args)?;
        if p.help {
            return Ok(None);
        }
        p.no_params()?;
        let owned = |name: &str| p.value(name).map(str::to_owned);
        let resign = !p.flag("req") && (p.flag("signkey") || p.flag("key"));
        if p.flag("preserve_dates") && !resign {
            return Err(Fail::Usage(
                "-preserve_dates is used only when re-signing a certificate with -signkey".into(),
            ));
        }
        if resign {
            for opt in [
                "CA",
                "CAkey",
                "CAserial",
                "CAcreateserial",
                "copy_extensions",
            ] {
                if p.flag(opt) {
                    return Err(Fail::Usage(format!(
                        "-{opt} without -req is not supported by pki: it re-signs a \
                         certificate only with -signkey (self-signed)"
                    )));
                }
            }
        }
        let sign = if p.flag("req") || resign {
            let set_serial = p.value("set_serial");
            if set_serial.is_some() && p.flag("CAserial") {
                return Err(Fail::Usage(
                    "give -set_serial or -CAserial, not both".into(),
                ));
            }
            if set_serial.is_some() && p.flag("CAcreateserial") {
                return Err(Fail::Usage(
                    "give -set_serial or -CAcreateserial, not both".into(),
                ));
            }
            Some(SignArgs {
                ca: owned("CA"),
                ca_key: owned("CAkey"),
                set_serial: set_serial.map(openssl::parse_set_serial).transpose()?,
                ca_serial: owned("CAserial"),
                create_serial: p.flag("CAcreateserial"),
                days: p.days("days", 30)?,
                extfile: owned("extfile"),
                extensions: owned("extensions"),
                copy: match p.value("copy_extensions") {
                    None => CopyExtensions::None,
                    Some(v) => CopyExtensions::parse(v)?,
                },
                digest: super::signing_digest(&p, pki_core::key::Digest::Sha256)?,
                signkey: p.value("signkey").or(p.value("key")).map(str::to_owned),
                pass: Pass::from_sources(p.value("passin"), None)?,
                resign,
                preserve_dates: p.flag("preserve_dates"),
            })
        } else {
            for opt in [
                "signkey",
                "key",
                "CA",
                "CAkey",
                "CAserial",
                "CAcreateserial",
                "set_serial",
                "days",
                "extfile",
                "extensions",
                "copy_extensions",
            ] {
                if p.flag(opt) {
                    let with = if ["days", "set_serial", "extfile", "extensions"].contains(&opt) {
                        "-req or -signkey"
                    } else {
                        "-req"
                    };
                    return Err(Fail::Usage(format!("-{opt} is used only with {with}")));
                }
            }
            None
        };
        let checkend = p
            .value("checkend")
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    Fail::Usage(format!(
                        "Invalid value {v:?} for -checkend: expected seconds"
                    ))
                })
            })
            .transpose()?;
        Ok(Some(Args {
            input: owned("in"),
            inform: Format::from_opt(&p, "inform")?,
            out: owned("out"),
            outform: Format::from_opt(&p, "outform")?,
            name_form: super::name_form(&p)?,
            sign,
            prints: print_order(&p),
            sha256: match super::last_digest(&p) {
                Some(d @ ("sha384" | "sha512")) if p.flag("fingerprint") && !p.flag("req") => {
                    return Err(Fail::Usage(format!(
                        "-fingerprint with -{d} is not supported by pki: SHA-1 (the default) or \
                         -sha256"
                    )));
                }
                d => d == Some("sha256"),
            },
            ext_names: p
                .value("ext")
                .unwrap_or_default()
                .split(',')
                .map(|n| n.trim().to_owned())
                .collect(),
            checkend,
            checkhost: owned("checkhost"),
            checkemail: owned("checkemail"),
            checkip: owned("checkip"),
            noout: p.flag("noout"),
        }))
    }
}

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let Some(a) = Args::parse(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let (bytes, path) = read_input_as(a.input.as_deref(), Some(a.inform))?;
    let cert = match &a.sign {
        Some(s) if s.resign => resign(s, &bytes, &path)?,
        Some(s) => sign(s, &bytes, &path)?,
        None => openssl::first_certificate(&bytes).map_err(|e| e.in_file(&path))?,
    };

    let mut out = Output::default();
    for what in &a.prints {
        print(&mut out, &cert, *what, &a)?;
    }
    if let Some(secs) = a.checkend {
        let now = SystemTime::now();
        let limit = if secs >= 0 {
            now.checked_add(Duration::from_secs(secs.unsigned_abs()))
        } else {
            now.checked_sub(Duration::from_secs(secs.unsigned_abs()))
        };
        // A limit past what a time can hold is after every notAfter; one before it, before.
        let expires = match limit {
            Some(limit) => cert::not_after(&cert) < limit,
            None => secs >= 0,
        };
        out.line(format_args!(
            "Certificate will {}expire",
            if expires { "" } else { "not " }
        ));
        out.deliver(a.out.as_deref(), Mode::Public)?;
        return Ok(ExitCode::from(u8::from(expires)));
    }
    if let Some(host) = &a.checkhost {
        let ok = matches_host(&cert, host)?;
        out.line(format_args!(
            "Hostname {host} does{} match certificate",
            if ok { "" } else { " NOT" }
        ));
    }
    if let Some(email) = &a.checkemail {
        let ok = matches_email(&cert, email)?;
        out.line(format_args!(
            "Email {email} does{} match certificate",
            if ok { "" } else { " NOT" }
        ));
    }
    if let Some(ip) = &a.checkip {
        let ok = matches_ip(&cert, ip)?;
        out.line(format_args!(
            "IP {ip} does{} match certificate",
            if ok { "" } else { " NOT" }
        ));
    }
    if !a.noout {
        match a.outform {
            Format::Pem => out.text(&cert::to_pem(&cert)?),
            Format::Der => out.bytes(&der_of(&cert)?),
        }
    }
    out.deliver(a.out.as_deref(), Mode::Public)?;
    Ok(ExitCode::SUCCESS)
}

fn der_of(cert: &Certificate) -> Result<Vec<u8>, Fail> {
    cert.to_der()
        .map_err(|e| Fail::msg(format!("cannot encode the certificate: {e}")))
}

fn print(out: &mut Output, cert: &Certificate, what: Print, a: &Args) -> Result<(), Fail> {
    let tbs = cert.tbs_certificate();
    match what {
        Print::Subject => out.line(format_args!(
            "{}",
            text::name_line("subject=", tbs.subject(), a.name_form)
        )),
        Print::Issuer => out.line(format_args!(
            "{}",
            text::name_line("issuer=", tbs.issuer(), a.name_form)
        )),
        Print::Serial => out.line(format_args!(
            "serial={}",
            text::number_hex(&cert::serial_bytes(cert))
        )),
        Print::StartDate => out.line(format_args!(
            "notBefore={}",
            text::time(&tbs.validity().not_before)
        )),
        Print::EndDate => out.line(format_args!(
            "notAfter={}",
            text::time(&tbs.validity().not_after)
        )),
        Print::Fingerprint => out.line(format_args!(
            "{}",
            text::fingerprint(&der_of(cert)?, a.sha256)
        )),
        Print::Modulus => {
            let key = PublicKey::from_spki(tbs.subject_public_key_info())?;
            out.line(format_args!("{}", text::modulus(&key)));
        }
        Print::Pubkey => out.text(&super::pkey::spki_pem(tbs.subject_public_key_info())?),
        Print::Text => out.text(&text::certificate_with(&view_of(cert)?, a.name_form)),
        Print::Purpose => out.text(&openssl::purpose::print(cert)),
        Print::SubjectHash => out.line(format_args!("{}", text::name_hash(tbs.subject()))),
        Print::IssuerHash => out.line(format_args!("{}", text::name_hash(tbs.issuer()))),
        Print::Ext => {
            let names: Vec<&str> = a.ext_names.iter().map(String::as_str).collect();
            let s = text::extensions_named(&view_of(cert)?, &names);
            if s.is_empty() {
                note(format_args!("No extensions in certificate"));
            }
            out.text(&s);
        }
    }
    Ok(())
}

/// `-checkhost`: [`verify::matches_host`], after making sure subjectAltName decodes (a
/// malformed one is an error here, not a mismatch).
pub(super) fn matches_host(cert: &Certificate, host: &str) -> Result<bool, Fail> {
    cert::ext_specs(cert)?;
    Ok(verify::matches_host(&view_of(cert)?, host))
}

/// The verifier's view of a certificate already decoded.
pub(super) fn view_of(cert: &Certificate) -> Result<pki_core::view::CertView, Fail> {
    use der::Encode;
    let der = cert
        .to_der()
        .map_err(|e| Fail::msg(format!("cannot encode the certificate: {e}")))?;
    Ok(pki_core::view::CertView::from_der(&der)?)
}

/// `-checkemail`: [`verify::matches_email`], subjectAltName checked as for `-checkhost`.
pub(super) fn matches_email(cert: &Certificate, email: &str) -> Result<bool, Fail> {
    cert::ext_specs(cert)?;
    Ok(verify::matches_email(&view_of(cert)?, email))
}

/// `-checkip`: [`verify::matches_ip`]; the address must parse.
pub(super) fn matches_ip(cert: &Certificate, ip: &str) -> Result<bool, Fail> {
    let ip: IpAddr = ip
        .parse()
        .map_err(|_| Fail::msg(format!("Invalid IP address {ip:?}")))?;
    cert::ext_specs(cert)?;
    Ok(verify::matches_ip(&view_of(cert)?, ip))
}

/// `-req`: signs the CSR in `bytes` with `-CA`/`-CAkey`.
fn sign(a: &SignArgs, bytes: &[u8], path: &Path) -> Result<Certificate, Fail> {
    let req = csr::decode(bytes).map_err(|e| e.in_file(path))?;
    note(format_args!(
        "Certificate request self-signature ok\nsubject={}",
        name::to_openssl_string(&req.info.subject)
    ));
    // -signkey: self-signed, the issuer the CSR's subject, the key the signing key's (as
    // OpenSSL sets it). Otherwise signed by -CA with -CAkey.
    let signer = match (&a.signkey, &a.ca) {
        (Some(_), Some(_)) => {
            return Err(Fail::Usage(
                "Cannot use both -key/-signkey and -CA option".into(),
            ));
        }
        (Some(path), None) => Signer::Own(a.pass.load_key(path)?),
        (None, Some(ca_path)) => {
            // Without -CAkey the key is read from the -CA file, as OpenSSL does.
            let ca_key_path = a.ca_key.as_deref().unwrap_or(ca_path);
            let ca = load(ca_path, openssl::first_certificate)?;
            let ca_key = match a.pass.load_key(ca_key_path) {
                Err(_) if a.ca_key.is_none() => {
                    return Err(Fail::Plain(format!(
                        "Could not read CA private key from {ca_path}"
                    )));
                }
                other => other?,
            };
            Issuer::new(&ca, &ca_key).map_err(|e| e.in_file(ca_key_path))?;
            Signer::Ca(Box::new(ca), ca_key)
        }
        (None, None) => {
            return Err(Fail::Plain(
                "We need a private key to sign with, use -key or -CAkey or -CA with private key"
                    .into(),
            ));
        }
    };
    let conf = a.extfile.as_deref().map(load_conf).transpose()?;
    if a.extensions.is_some() && conf.is_none() {
        note(format_args!(
            "Warning: ignoring -extensions option without -extfile"
        ));
    }
    let section = conf.as_ref().and(a.extensions.as_deref());
    let exts = openssl::sign::extensions(a.copy, &req, conf.as_ref(), section)?;
    let ca_path = a.ca.as_deref();
    let serial = match (&a.set_serial, &a.ca_serial) {
        (Some(s), _) => s.clone(),
        (None, Some(file)) => serial::next_from_file(Path::new(file), a.create_serial)?,
        (None, None) if a.create_serial => match ca_path {
            Some(ca) => serial::next_from_file(&serial::default_serial_file(Path::new(ca)), true)?,
            None => {
                return Err(Fail::Usage(
                    "-CAcreateserial needs -CA (the serial file is named after it)".into(),
                ));
            }
        },
        (None, None) => serial::random()?,
    };
    let serial = serial::to_serial_number(&serial)?;
    let builder = |public_key| {
        CertBuilder::new(req.info.subject.clone(), public_key, serial.clone(), a.days)
            .section(exts.clone())
            .digest(a.digest)
    };
    Ok(match &signer {
        Signer::Own(key) => builder(key.public_key_info()?).self_signed(key)?,
        // The pair was checked when it was read.
        Signer::Ca(ca, ca_key) => {
            builder(req.info.public_key.clone()).sign(&Issuer::new(ca, ca_key)?)?
        }
    })
}

/// `x509 -in CERT -signkey KEY`: the certificate made again, self-signed with KEY, as OpenSSL
/// 3.0 makes it: the same subject and serial (or `-set_serial`), the issuer its subject, the
/// key KEY's, dates from now for `-days` (30) or kept with `-preserve_dates`, its extensions
/// as they are and then the `-extfile` section's (see `sign::resigned_extensions`).
fn resign(a: &SignArgs, bytes: &[u8], path: &Path) -> Result<Certificate, Fail> {
    let old = openssl::first_certificate(bytes).map_err(|e| e.in_file(path))?;
    let key_path = a.signkey.as_deref().unwrap_or_default();
    let key = a.pass.load_key(key_path)?;
    let conf = a.extfile.as_deref().map(load_conf).transpose()?;
    if a.extensions.is_some() && conf.is_none() {
        note(format_args!(
            "Warning: ignoring -extensions option without -extfile"
        ));
    }
    let section = conf.as_ref().and(a.extensions.as_deref());
    let exts = openssl::sign::resigned_extensions(&old, conf.as_ref(), section)?;
    let tbs = old.tbs_certificate();
    let serial = match &a.set_serial {
        Some(s) => serial::to_serial_number(s)?,
        None => tbs.serial_number().clone(),
    };
    let mut builder = CertBuilder::new(
        tbs.subject().clone(),
        key.public_key_info()?,
        serial,
        a.days,
    )
    .section(exts)
    .digest(a.digest);
    if a.preserve_dates {
        let v = tbs.validity();
        builder = builder.dates(v.not_before.to_system_time(), v.not_after.to_system_time());
    }
    Ok(builder.self_signed(&key)?)
}

/// Who signs `x509 -req`.
enum Signer {
    /// `-signkey`: the certificate is self-signed with this key.
    Own(pki_core::key::PrivateKey),
    /// `-CA` and its key.
    Ca(Box<Certificate>, pki_core::key::PrivateKey),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_and_hosts() {
        assert!(verify::host_matches("*.example.com", "a.example.com"));
        assert!(!verify::host_matches("*.example.com", "a.b.example.com"));
        assert!(!verify::host_matches("*.com", "example.com"));
        assert!(verify::host_matches("etcd01", "etcd01"));
    }
}
