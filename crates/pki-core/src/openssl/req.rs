//! `openssl req`'s rules (apps/req.c): the subject from `[req]` with `prompt = no`, the
//! extension sections of a request and of a self-signed certificate, and `-addext`.
//!
//! Without `-config`, OpenSSL reads the system openssl.cnf; pki reads no system file and uses
//! what Debian's default one says: no extensions in a CSR, and for `-x509` the `[v3_ca]`
//! extensions ([`cert::openssl_v3_ca`]).

use der::asn1::ObjectIdentifier;
use x509_cert::name::Name;

use crate::{
    Error, Result, cert,
    conf::{self, Conf},
    ext::ExtSpec,
    name,
};

/// `[req]` settings that would make OpenSSL's request differ from pki's: refused, not
/// ignored.
pub fn refuse_settings(c: &Conf) -> Result<()> {
    let file = c.file().display();
    if let Some(md) = c
        .lookup("req", "default_md")
        .filter(|md| !md.eq_ignore_ascii_case("sha256") && *md != "default")
    {
        return Err(Error::refused(format!(
            "{file}: default_md = {md} is not supported: pki signs with SHA-256"
        )));
    }
    if let Some(mask) = c.lookup("req", "string_mask").filter(|m| *m != "utf8only") {
        return Err(Error::refused(format!(
            "{file}: string_mask = {mask} is not supported: pki encodes names as utf8only \
             does (OpenSSL 3's default)"
        )));
    }
    Ok(())
}

/// The subject of `[req] prompt = no`: the entries of the `distinguished_name` section, in
/// order, as OpenSSL's `auto_info` reads them (`0.OU` and `1.OU` are two OUs; a leading `+`
/// joins the previous RDN).
pub fn config_subject(conf: Option<&Conf>) -> Result<Name> {
    let refuse = || {
        Error::usage(
            "-subj is required: pki does not prompt for the subject (or give a -config with \
             prompt = no and a distinguished_name section)",
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
        return Err(Error::refused(format!(
            "{file}: request attributes ([{attrs}]: challengePassword, unstructuredName) are \
             not supported by pki"
        )));
    }
    let section = conf.lookup("req", "distinguished_name").ok_or_else(|| {
        Error::refused(format!(
            "{file}: prompt = no, but [req] names no distinguished_name section"
        ))
    })?;
    let entries = conf
        .section(section)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| {
            Error::refused(format!(
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
    name::parse_subj(&subj).map_err(|e| Error::from(e).in_file(&file))
}

/// A request's extensions: the section `section` names (`-extensions`/`-reqexts`), else
/// `[req] req_extensions`, then `-addext`.
pub fn request_extensions(
    conf: Option<&Conf>,
    section: Option<&str>,
    addext: &[String],
) -> Result<Vec<ExtSpec>> {
    let mut exts = match section.or(conf.and_then(Conf::req_extensions)) {
        Some(s) => section_extensions(conf, s)?,
        None => Vec::new(),
    };
    add_ext(conf, addext, &mut exts, false)?;
    Ok(exts)
}

/// A self-signed certificate's extensions: the section `section` names, else `[req]
/// x509_extensions`, else (no `-config`) `[v3_ca]` of the system openssl.cnf; then `-addext`.
pub fn x509_extensions(
    conf: Option<&Conf>,
    section: Option<&str>,
    addext: &[String],
) -> Result<Vec<ExtSpec>> {
    let mut exts = match (conf, section.or(conf.and_then(Conf::x509_extensions))) {
        (_, Some(s)) => section_extensions(conf, s)?,
        (None, None) => cert::openssl_v3_ca(),
        (Some(c), None) => {
            return Err(Error::refused(format!(
                "{} names no x509_extensions in [req] and no -extensions was given: OpenSSL \
                 would make a version 1 certificate without extensions, which pki does not \
                 make",
                c.file().display()
            )));
        }
    };
    add_ext(conf, addext, &mut exts, true)?;
    Ok(exts)
}

fn section_extensions(conf: Option<&Conf>, section: &str) -> Result<Vec<ExtSpec>> {
    let Some(conf) = conf else {
        return Err(Error::usage(format!(
            "extension section {section:?} needs -config: pki does not read the system \
             openssl.cnf"
        )));
    };
    let s = conf.extension_section(section)?;
    refuse_none_markers(&s, section)?;
    Ok(s.specs)
}

/// `subjectKeyIdentifier = none` / `authorityKeyIdentifier = none` ask for less than pki's
/// certificate builder makes; refused rather than ignored.
pub fn refuse_none_markers(s: &conf::ExtSection, section: &str) -> Result<()> {
    if s.no_subject_key_id || s.no_authority_key_id {
        return Err(Error::refused(format!(
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
    conf: Option<&Conf>,
    addext: &[String],
    exts: &mut Vec<ExtSpec>,
    for_cert: bool,
) -> Result<()> {
    let mut added: Vec<ObjectIdentifier> = Vec::new();
    for arg in addext {
        let Some((name, value)) = arg.split_once('=') else {
            return Err(Error::usage(format!(
                "-addext {arg:?}: expected name=value, as subjectAltName=DNS:example"
            )));
        };
        let spec = conf::parse_extension(conf, name.trim(), value.trim())?.ok_or_else(|| {
            Error::refused(format!(
                "-addext {arg}: \"none\" is not supported: pki always adds key identifiers"
            ))
        })?;
        if added.contains(&spec.oid()) {
            return Err(Error::usage(format!("Duplicate extension: {arg}")));
        }
        added.push(spec.oid());
        match exts.iter().position(|e| e.oid() == spec.oid()) {
            Some(i) if for_cert => exts[i] = spec,
            Some(_) => {
                return Err(Error::refused(format!(
                    "-addext {arg}: the request's extension section already has {}",
                    name.trim()
                )));
            }
            None => exts.push(spec),
        }
    }
    Ok(())
}
