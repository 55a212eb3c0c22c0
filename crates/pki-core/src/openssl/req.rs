//! `openssl req`'s rules (apps/req.c): the subject from `[req]` with `prompt = no`, the
//! extension sections of a request and of a self-signed certificate, and `-addext`.
//!
//! Without `-config`, OpenSSL reads the system openssl.cnf; pki reads no system file and uses
//! what Debian's default one says: no extensions in a CSR, and for `-x509` the `[v3_ca]`
//! extensions ([`cert::openssl_v3_ca`]).

use x509_cert::name::Name;

use crate::{
    Error, Result, cert,
    conf::{self, Conf, ExtSection},
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
) -> Result<ExtSection> {
    let mut exts = match section.or(conf.and_then(Conf::req_extensions)) {
        Some(s) => section_extensions(conf, s)?,
        None => ExtSection::default(),
    };
    add_ext(conf, addext, &mut exts, false)?;
    Ok(exts)
}

/// A self-signed certificate's extensions: the section `section` names, else `[req]
/// x509_extensions`, else (no `-config`) `[v3_ca]` of the system openssl.cnf; then `-addext`.
/// A config with neither gives none: a version 1 certificate, as OpenSSL makes.
pub fn x509_extensions(
    conf: Option<&Conf>,
    section: Option<&str>,
    addext: &[String],
) -> Result<ExtSection> {
    let mut exts = match (conf, section.or(conf.and_then(Conf::x509_extensions))) {
        (_, Some(s)) => section_extensions(conf, s)?,
        (None, None) => ExtSection {
            specs: cert::openssl_v3_ca(),
            ..ExtSection::default()
        },
        (Some(_), None) => ExtSection::default(),
    };
    add_ext(conf, addext, &mut exts, true)?;
    Ok(exts)
}

fn section_extensions(conf: Option<&Conf>, section: &str) -> Result<ExtSection> {
    let Some(conf) = conf else {
        return Err(Error::usage(format!(
            "extension section {section:?} needs -config: pki does not read the system \
             openssl.cnf"
        )));
    };
    Ok(conf.extension_section(section)?)
}

/// `-addext`: a name twice among them is refused, as OpenSSL does; one the section already
/// has replaces it (deleted, then appended: OpenSSL 3.0's `X509V3_CTX_REPLACE`) for a
/// certificate, and is an error for a request (OpenSSL's `Error adding extensions defined via
/// -addext`). `subjectKeyIdentifier = none` and `authorityKeyIdentifier = none` leave that
/// identifier out.
fn add_ext(
    conf: Option<&Conf>,
    addext: &[String],
    exts: &mut ExtSection,
    for_cert: bool,
) -> Result<()> {
    let mut added: Vec<String> = Vec::new();
    for arg in addext {
        let Some((name, value)) = arg.split_once('=') else {
            return Err(Error::usage(format!(
                "-addext {arg:?}: expected name=value, as subjectAltName=DNS:example"
            )));
        };
        let name = name.trim();
        if added.iter().any(|n| n == name) {
            return Err(Error::usage(format!("Duplicate extension: {arg}")));
        }
        added.push(name.to_owned());
        let Some(spec) = conf::parse_extension(conf, name, value.trim())? else {
            // `none`: only the key identifiers have it.
            if name == "subjectKeyIdentifier" {
                exts.no_subject_key_id = true;
                exts.specs.retain(|s| *s != ExtSpec::SubjectKeyId);
            } else {
                exts.no_authority_key_id = true;
                exts.specs
                    .retain(|s| !matches!(s, ExtSpec::AuthorityKeyId { .. }));
            }
            continue;
        };
        if exts.specs.iter().any(|e| e.oid() == spec.oid()) {
            if !for_cert {
                return Err(Error::refused(format!(
                    "-addext {arg}: the request's extension section already has {name}"
                )));
            }
            exts.specs.retain(|e| e.oid() != spec.oid());
        }
        exts.specs.push(spec);
    }
    Ok(())
}
