//! `openssl req`: new CSRs (`-new`), self-signed certificates (`-x509`), and reading CSRs
//! (`-in`, `-text`, `-verify`, `-subject`, `-pubkey`).
//!
//! Without `-config`, OpenSSL reads the system openssl.cnf; pki reads no system file and uses
//! what Debian's default one says: no extensions in a CSR, and for `-x509` the `[v3_ca]`
//! extensions (subjectKeyIdentifier, authorityKeyIdentifier, basicConstraints critical
//! CA:TRUE, [`cert::openssl_v3_ca`]).

use std::process::ExitCode;

use pki_core::{
    cert::{self, CertBuilder},
    conf::{self, Conf},
    csr,
    ext::ExtSpec,
    files::Mode,
    key::{KeyBits, PrivateKey},
    name, serial, text,
};

use super::{Fail, Opt, Output, Parsed, load, load_conf, note, parse, read_input};

const OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::flag("new", "New request"),
    Opt::flag(
        "x509",
        "Output a self-signed certificate instead of a request",
    ),
    Opt::value(
        "key",
        "file",
        "Private key to use (PEM or DER, unencrypted)",
    ),
    Opt::value(
        "newkey",
        "rsa:bits",
        "Generate a new RSA key of 2048, 3072 or 4096 bits",
    ),
    Opt::flag(
        "nodes",
        "Do not encrypt the new key (required with -newkey)",
    ),
    Opt::flag(
        "noenc",
        "Do not encrypt the new key (required with -newkey)",
    ),
    Opt::value(
        "keyout",
        "outfile",
        "File for the new key (created 0600; an existing file is refused)",
    ),
    Opt::value("subj", "val", "Subject, as /C=CN/O=Example/CN=name"),
    Opt::value(
        "days",
        "+int",
        "Days the -x509 certificate is valid (default 30)",
    ),
    Opt::value(
        "set_serial",
        "val",
        "Serial of the -x509 certificate (decimal, or hex with 0x; default random)",
    ),
    Opt::value("config", "infile", "Request template file (openssl.conf)"),
    Opt::value(
        "extensions",
        "val",
        "Certificate or request extension section (overrides the config)",
    ),
    Opt::value("reqexts", "val", "Same as -extensions"),
    Opt::value(
        "addext",
        "val",
        "Additional extension, as name=value (repeatable)",
    ),
    Opt::flag(
        "sha256",
        "Sign with SHA-256 (the default, and the only digest)",
    ),
    Opt::value("in", "infile", "Request input file (default stdin)"),
    Opt::value(
        "out",
        "outfile",
        "Output file (replaced if it exists; default stdout)",
    ),
    Opt::flag("text", "Text form of the request or certificate"),
    Opt::flag("noout", "Do not output the request or certificate"),
    Opt::flag("verify", "Verify the self-signature of the request"),
    Opt::flag("pubkey", "Output the public key"),
    Opt::flag("subject", "Output the subject"),
    Opt::value(
        "nameopt",
        "val",
        "How -subject prints the name: oneline, RFC2253 or compat",
    ),
];

/// What `req` made or read: a request or a certificate.
enum Made {
    Req(Box<x509_cert::request::CertReq>),
    Cert(Box<x509_cert::Certificate>),
}

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let p = parse("req", "", OPTS, args)?;
    if p.help {
        return Ok(ExitCode::SUCCESS);
    }
    p.no_params()?;
    super::name_form(&p)?;
    let conf = p.value("config").map(load_conf).transpose()?;
    if let Some(c) = &conf {
        refuse_settings(c)?;
    }
    let x509 = p.flag("x509");
    let input = p.value("in");
    let new = p.flag("new") || p.flag("newkey") || (x509 && input.is_none());
    if new && input.is_some() {
        return Err(Fail::Usage(
            "-in cannot be combined with -new or -newkey (OpenSSL would ignore -in)".into(),
        ));
    }
    if !x509 && p.flag("days") {
        return Err(Fail::Usage(
            "-days is used only with -x509 (a request has no validity)".into(),
        ));
    }
    if !x509 && p.flag("set_serial") {
        return Err(Fail::Usage(
            "-set_serial is used only with -x509 (a request has no serial)".into(),
        ));
    }
    if p.flag("keyout") && !p.flag("newkey") {
        return Err(Fail::Usage("-keyout is used only with -newkey".into()));
    }
    if !new && !x509 && (p.flag("key") || p.flag("subj") || has_ext_opts(&p)) {
        return Err(Fail::Usage(
            "-key, -subj, -extensions, -reqexts and -addext need -new or -x509".into(),
        ));
    }
    if x509 && p.flag("verify") && new {
        return Err(Fail::Usage(
            "-verify checks a request read with -in; with -new -x509 there is none".into(),
        ));
    }

    let key = signing_key(&p)?;
    let made = if new {
        let subject = match p.value("subj") {
            Some(subj) => name::parse_subj(subj).map_err(pki_core::Error::from)?,
            None => config_subject(conf.as_ref())?,
        };
        let key = key.as_ref().ok_or_else(|| {
            Fail::Usage(
                "-key FILE or -newkey rsa:BITS is required (pki does not use default_bits or \
                 default_keyfile from openssl.cnf)"
                    .into(),
            )
        })?;
        if x509 {
            let exts = x509_extensions(&p, conf.as_ref())?;
            let serial = serial::to_serial_number(&self_signed_serial(&p)?)?;
            let days = p.days("days", 30)?;
            Made::Cert(Box::new(
                CertBuilder::new(subject, key.public_key_info()?, serial, days)
                    .extensions(exts)
                    .self_signed(key)?,
            ))
        } else {
            let exts = request_extensions(&p, conf.as_ref())?;
            let req = csr::build(subject, key, &exts)?;
            if p.flag("verify") {
                csr::verify(&req)?;
                note(format_args!("Certificate request self-signature verify OK"));
            }
            Made::Req(Box::new(req))
        }
    } else {
        let (bytes, path) = read_input(input)?;
        let req = csr::decode(&bytes).map_err(|e| e.in_file(&path))?;
        if p.flag("verify") {
            note(format_args!("Certificate request self-signature verify OK"));
        }
        if x509 {
            if p.flag("subj") {
                return Err(Fail::Usage(
                    "-subj cannot change the subject of a request read with -in".into(),
                ));
            }
            let key = key.as_ref().ok_or_else(|| {
                Fail::Usage("-x509 with -in needs -key, the request's private key".into())
            })?;
            note(format_args!(
                "Warning: No -copy_extensions given; ignoring any extensions in the request"
            ));
            let exts = x509_extensions(&p, conf.as_ref())?;
            let serial = serial::to_serial_number(&self_signed_serial(&p)?)?;
            let days = p.days("days", 30)?;
            Made::Cert(Box::new(
                CertBuilder::new(req.info.subject, req.info.public_key, serial, days)
                    .extensions(exts)
                    .self_signed(key)?,
            ))
        } else {
            Made::Req(Box::new(req))
        }
    };

    let mut out = Output::default();
    if p.flag("pubkey") {
        let spki = match &made {
            Made::Req(r) => &r.info.public_key,
            Made::Cert(c) => c.tbs_certificate().subject_public_key_info(),
        };
        out.text(&super::pkey::spki_pem(spki)?);
    }
    if p.flag("text") {
        out.text(&match &made {
            Made::Req(r) => text::request(r),
            Made::Cert(c) => text::certificate(&super::x509::view_of(c)?),
        });
    }
    if p.flag("subject") {
        let subject = match &made {
            Made::Req(r) => &r.info.subject,
            Made::Cert(c) => c.tbs_certificate().subject(),
        };
        out.line(format_args!(
            "subject={}",
            text::name_as(subject, super::name_form(&p)?)
        ));
    }
    if !p.flag("noout") {
        out.text(&match &made {
            Made::Req(r) => csr::to_pem(r)?,
            Made::Cert(c) => cert::to_pem(c)?,
        });
    }
    out.deliver(p.value("out"), Mode::Public)?;
    Ok(ExitCode::SUCCESS)
}

/// `[req]` settings that would make OpenSSL's request differ from pki's: refused, not
/// ignored.
fn refuse_settings(c: &Conf) -> Result<(), Fail> {
    let file = c.file().display();
    if let Some(md) = c
        .lookup("req", "default_md")
        .filter(|md| !md.eq_ignore_ascii_case("sha256") && *md != "default")
    {
        return Err(Fail::msg(format!(
            "{file}: default_md = {md} is not supported: pki signs with SHA-256"
        )));
    }
    if let Some(mask) = c.lookup("req", "string_mask").filter(|m| *m != "utf8only") {
        return Err(Fail::msg(format!(
            "{file}: string_mask = {mask} is not supported: pki encodes names as utf8only \
             does (OpenSSL 3's default)"
        )));
    }
    Ok(())
}

/// The subject of `[req] prompt = no`: the entries of the `distinguished_name` section, in
/// order, as OpenSSL's `auto_info` reads them (`0.OU` and `1.OU` are two OUs; a leading `+`
/// joins the previous RDN).
fn config_subject(conf: Option<&Conf>) -> Result<x509_cert::name::Name, Fail> {
    let refuse = || {
        Fail::Usage(
            "-subj is required: pki does not prompt for the subject (or give a -config with \
             prompt = no and a distinguished_name section)"
                .into(),
        )
    };
    let conf = conf.ok_or_else(refuse)?;
    if conf.lookup("req", "prompt") != Some("no") {
        return Err(refuse());
    }
    let file = conf.file().display().to_string();
    if let Some(attrs) = conf.lookup("req", "attributes")
        && conf.section(attrs).is_some_and(|e| !e.is_empty())
    {
        return Err(Fail::msg(format!(
            "{file}: request attributes ([{attrs}]: challengePassword, unstructuredName) are \
             not supported by pki"
        )));
    }
    let section = conf.lookup("req", "distinguished_name").ok_or_else(|| {
        Fail::msg(format!(
            "{file}: prompt = no, but [req] names no distinguished_name section"
        ))
    })?;
    let entries = conf
        .section(section)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| {
            Fail::msg(format!(
                "{file}: prompt = no, but the subject section [{section}] is missing or empty"
            ))
        })?;
    let mut subj = String::new();
    for e in entries {
        let mut attr = e.key.as_str();
        if let Some(i) = attr.find(['.', ':', ','])
            && i + 1 < attr.len()
        {
            attr = &attr[i + 1..];
        }
        match attr.strip_prefix('+') {
            Some(rest) if !subj.is_empty() => {
                subj.push('+');
                attr = rest;
            }
            _ => subj.push('/'),
        }
        subj.push_str(attr);
        subj.push('=');
        for c in e.value.chars() {
            if matches!(c, '/' | '+' | '\\') {
                subj.push('\\');
            }
            subj.push(c);
        }
    }
    Ok(name::parse_subj(&subj).map_err(|e| pki_core::Error::from(e).in_file(&file))?)
}

/// `-set_serial`, else a random serial as OpenSSL makes.
fn self_signed_serial(p: &Parsed) -> Result<Vec<u8>, Fail> {
    match p.value("set_serial") {
        Some(s) => super::x509::parse_serial(s),
        None => Ok(serial::random()?),
    }
}

fn has_ext_opts(p: &Parsed) -> bool {
    p.flag("extensions") || p.flag("reqexts") || p.flag("addext")
}

/// The key given with `-key`, or made for `-newkey` and written to `-keyout` (or stdout).
fn signing_key(p: &Parsed) -> Result<Option<PrivateKey>, Fail> {
    match (p.value("key"), p.value("newkey")) {
        (Some(_), Some(_)) => Err(Fail::Usage("give -key or -newkey, not both".into())),
        (Some(path), None) => Ok(Some(load(path, super::pkey::decode_private_key)?)),
        (None, Some(spec)) => {
            if !p.flag("nodes") && !p.flag("noenc") {
                return Err(Fail::Usage(
                    "-newkey needs -nodes (or -noenc): pki writes only unencrypted keys, \
                     never prompting for a pass phrase"
                        .into(),
                ));
            }
            let bits = match spec
                .split_once(':')
                .filter(|(alg, _)| alg.eq_ignore_ascii_case("rsa"))
            {
                Some((_, n)) => n.parse().ok(),
                None if spec.eq_ignore_ascii_case("rsa") => Some(KeyBits::DEFAULT.get()),
                None => spec.parse().ok(),
            };
            let bits = bits.ok_or_else(|| {
                Fail::msg(format!(
                    "-newkey {spec} is not supported by pki: use rsa:2048, rsa:3072 or rsa:4096"
                ))
            })?;
            let bits = KeyBits::new(bits)?;
            super::genrsa::refuse_existing(p.value("keyout"))?;
            let key = PrivateKey::generate(bits)?;
            let mut o = Output::default();
            o.text(&key.to_pkcs8_pem()?);
            o.deliver(p.value("keyout"), Mode::Private)?;
            Ok(Some(key))
        }
        (None, None) => Ok(None),
    }
}

/// The extension section `-extensions`/`-reqexts` names, else the config's entry `entry`.
fn section<'a>(p: &'a Parsed, entry: Option<&'a str>) -> Option<&'a str> {
    let name = match (p.position("extensions"), p.position("reqexts")) {
        (Some(e), Some(r)) if r > e => "reqexts",
        (_, None) | (Some(_), Some(_)) => "extensions",
        (None, Some(_)) => "reqexts",
    };
    p.value(name).or(entry)
}

fn request_extensions(p: &Parsed, conf: Option<&Conf>) -> Result<Vec<ExtSpec>, Fail> {
    let mut exts = match section(p, conf.and_then(Conf::req_extensions)) {
        Some(s) => section_extensions(conf, s)?,
        None => Vec::new(),
    };
    add_ext(p, conf, &mut exts, false)?;
    Ok(exts)
}

fn x509_extensions(p: &Parsed, conf: Option<&Conf>) -> Result<Vec<ExtSpec>, Fail> {
    let mut exts = match (conf, section(p, conf.and_then(Conf::x509_extensions))) {
        (_, Some(s)) => section_extensions(conf, s)?,
        (None, None) => cert::openssl_v3_ca(),
        (Some(c), None) => {
            return Err(Fail::msg(format!(
                "{} names no x509_extensions in [req] and no -extensions was given: OpenSSL \
                 would make a version 1 certificate without extensions, which pki does not \
                 make",
                c.file().display()
            )));
        }
    };
    add_ext(p, conf, &mut exts, true)?;
    Ok(exts)
}

fn section_extensions(conf: Option<&Conf>, section: &str) -> Result<Vec<ExtSpec>, Fail> {
    let Some(conf) = conf else {
        return Err(Fail::Usage(format!(
            "extension section {section:?} needs -config: pki does not read the system \
             openssl.cnf"
        )));
    };
    let s = conf
        .extension_section(section)
        .map_err(pki_core::Error::from)?;
    refuse_none_markers(&s, section)?;
    Ok(s.specs)
}

/// `subjectKeyIdentifier = none` / `authorityKeyIdentifier = none` ask for less than pki's
/// certificate builder makes; refused rather than ignored.
pub(super) fn refuse_none_markers(s: &conf::ExtSection, section: &str) -> Result<(), Fail> {
    if s.no_subject_key_id || s.no_authority_key_id {
        return Err(Fail::msg(format!(
            "[{section}]: subjectKeyIdentifier = none and authorityKeyIdentifier = none are not \
             supported: pki always adds both to certificates, as OpenSSL 3 does by default"
        )));
    }
    Ok(())
}

/// `-addext`: a name twice among them is refused, as OpenSSL does; one the section already
/// has replaces it in place for a certificate (OpenSSL 3.0) and is an error for a request
/// (OpenSSL's `Error adding extensions defined via -addext`).
fn add_ext(
    p: &Parsed,
    conf: Option<&Conf>,
    exts: &mut Vec<ExtSpec>,
    for_cert: bool,
) -> Result<(), Fail> {
    let mut added: Vec<der::asn1::ObjectIdentifier> = Vec::new();
    for arg in p.values("addext") {
        let Some((name, value)) = arg.split_once('=') else {
            return Err(Fail::Usage(format!(
                "-addext {arg:?}: expected name=value, as subjectAltName=DNS:example"
            )));
        };
        let spec = conf::parse_extension(conf, name.trim(), value.trim())
            .map_err(pki_core::Error::from)?
            .ok_or_else(|| {
                Fail::msg(format!(
                    "-addext {arg}: \"none\" is not supported: pki always adds key identifiers"
                ))
            })?;
        if added.contains(&spec.oid()) {
            return Err(Fail::Usage(format!("Duplicate extension: {arg}")));
        }
        added.push(spec.oid());
        match exts.iter().position(|e| e.oid() == spec.oid()) {
            Some(i) if for_cert => exts[i] = spec,
            Some(_) => {
                return Err(Fail::msg(format!(
                    "-addext {arg}: the request's extension section already has {}",
                    name.trim()
                )));
            }
            None => exts.push(spec),
        }
    }
    Ok(())
}
