//! `openssl req`'s rules (apps/req.c): the subject from `[req]` with `prompt = no`, the
//! extension sections of a request and of a self-signed certificate, and `-addext`.
//!
//! Without `-config`, OpenSSL reads the system openssl.cnf; pki reads no system file and uses
//! a copy of Debian 12's (OpenSSL 3.0.19's `apps/openssl.cnf`, [`system_conf`]): no
//! extensions in a CSR, `[v3_ca]` for `-x509`, `default_bits = 2048`, `default_keyfile =
//! privkey.pem`, and the `_default` subject values `-batch` takes.
//!
//! `section` is `-section`'s value: the section read instead of `[req]`.

use x509_cert::name::Name;

use crate::{
    Error, Result,
    conf::{self, Conf, ExtSection},
    key::Digest,
    name,
};

/// Debian 12's `/usr/lib/ssl/openssl.cnf` as OpenSSL 3.0.19 installs it (Apache License 2.0,
/// from OpenSSL's apps/openssl.cnf): what `openssl req` reads without `-config`.
pub const SYSTEM_CNF: &str = include_str!("openssl.cnf");

/// [`SYSTEM_CNF`], parsed; named `/usr/lib/ssl/openssl.cnf` in messages, as OpenSSL names it.
pub fn system_conf() -> Result<Conf> {
    Ok(Conf::parse("/usr/lib/ssl/openssl.cnf", SYSTEM_CNF)?)
}

/// `default_bits` of the request section (OpenSSL's default 2048).
pub fn default_bits(c: &Conf, section: &str) -> Result<usize> {
    match c.lookup(section, "default_bits") {
        None => Ok(2048),
        Some(v) => v.trim().parse().map_err(|_| {
            Error::refused(format!(
                "{}: default_bits = {v} is not a number of bits",
                c.file().display()
            ))
        }),
    }
}

/// `default_md` of the request section: the digest without `-sha256`/`-sha384`/`-sha512`
/// (`default`, or none: SHA-256, OpenSSL's default for RSA).
pub fn default_md(c: &Conf, section: &str) -> Digest {
    c.lookup(section, "default_md")
        .and_then(Digest::from_name)
        .unwrap_or_default()
}

/// `default_keyfile` of the request section: where a new key goes without `-keyout`.
pub fn default_keyfile<'c>(c: &'c Conf, section: &str) -> Option<&'c str> {
    c.lookup(section, "default_keyfile")
}

/// Request-section settings that would make OpenSSL's request differ from pki's: refused,
/// not ignored.
pub fn refuse_settings(c: &Conf, section: &str) -> Result<()> {
    let file = c.file().display();
    if let Some(md) = c.lookup(section, "default_md")
        && md != "default"
        && Digest::from_name(md).is_none()
    {
        return Err(Error::refused(format!(
            "{file}: default_md = {md} is not supported: pki signs with sha256, sha384 or sha512"
        )));
    }
    if let Some(mask) = c
        .lookup(section, "string_mask")
        .filter(|m| *m != "utf8only")
    {
        return Err(Error::refused(format!(
            "{file}: string_mask = {mask} is not supported: pki encodes names as utf8only \
             does (OpenSSL 3's default)"
        )));
    }
    Ok(())
}

/// Whether a key `req` makes is encrypted (without `-noenc`): unless the section says
/// `encrypt_rsa_key = no`, or without that `encrypt_key = no` (apps/req.c). Encrypted, it is
/// DES-EDE3-CBC, OpenSSL 3.0's cipher for `req`.
pub fn encrypt_key(c: &Conf, section: &str) -> bool {
    c.lookup(section, "encrypt_rsa_key")
        .or_else(|| c.lookup(section, "encrypt_key"))
        != Some("no")
}

/// The section's `input_password` and `output_password`: passphrases (not sources) that
/// `req` uses when `-passin`/`-passout` are not given (apps/req.c).
pub fn config_passwords<'c>(c: &'c Conf, section: &str) -> (Option<&'c str>, Option<&'c str>) {
    (
        c.lookup(section, "input_password"),
        c.lookup(section, "output_password"),
    )
}

/// The subject without `-subj`: with `prompt = no`, the entries of the `distinguished_name`
/// section, in order, as OpenSSL's `auto_info` reads them (`0.OU` and `1.OU` are two OUs; a
/// leading `+` joins the previous RDN); with `-batch` (`batch`), each field's `_default` value,
/// as OpenSSL's `prompt_info` takes them without asking. Otherwise OpenSSL would prompt.
pub fn config_subject(conf: &Conf, section: &str, batch: bool) -> Result<Name> {
    let prompt = conf.lookup(section, "prompt") != Some("no");
    if prompt && !batch {
        return Err(Error::usage(
            "-subj is required: pki does not prompt for the subject (give -subj, -batch for \
             the config's default values, or a -config with prompt = no)",
        ));
    }
    let file = conf.file().display().to_string();
    if !prompt
        && let Some(attrs) = conf.lookup(section, "attributes")
        && conf.section(attrs).is_some_and(|e| !e.is_empty())
    {
        return Err(Error::refused(format!(
            "{file}: request attributes ([{attrs}]: challengePassword, unstructuredName) are \
             not supported by pki"
        )));
    }
    let dn = conf.lookup(section, "distinguished_name").ok_or_else(|| {
        Error::refused(format!(
            "{file}: [{section}] names no distinguished_name section"
        ))
    })?;
    let entries = conf.section(dn).unwrap_or_default();
    let fields: Vec<(&str, &str)> = if prompt {
        entries
            .iter()
            .filter(|e| {
                !["_default", "_min", "_max"]
                    .iter()
                    .any(|x| e.key.ends_with(x))
            })
            .filter_map(|e| {
                let default = conf.get(dn, &format!("{}_default", e.key))?;
                (!default.is_empty()).then_some((e.key.as_str(), default))
            })
            .collect()
    } else {
        entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect()
    };
    if fields.is_empty() {
        return Err(Error::refused(format!(
            "{file}: the subject section [{dn}] gives no field (OpenSSL: No objects specified \
             in config file)"
        )));
    }
    name::from_section_fields(fields).map_err(|e| Error::from(e).in_file(&file))
}

/// A request's extensions: the section `extensions` names (`-extensions`/`-reqexts`), else
/// the request section's `req_extensions`, then `-addext`.
pub fn request_extensions(
    conf: &Conf,
    section: &str,
    extensions: Option<&str>,
    addext: &[String],
) -> Result<ExtSection> {
    section_with_addext(conf, section, "req_extensions", extensions, addext, false)
}

/// A self-signed certificate's extensions: the section `extensions` names, else the request
/// section's `x509_extensions`, then `-addext`. A config with neither gives none: a version
/// 1 certificate, as OpenSSL makes.
pub fn x509_extensions(
    conf: &Conf,
    section: &str,
    extensions: Option<&str>,
    addext: &[String],
) -> Result<ExtSection> {
    section_with_addext(conf, section, "x509_extensions", extensions, addext, true)
}

/// The extension section `extensions`, else the one the request section's `entry` names,
/// then `-addext`.
fn section_with_addext(
    conf: &Conf,
    section: &str,
    entry: &str,
    extensions: Option<&str>,
    addext: &[String],
    for_cert: bool,
) -> Result<ExtSection> {
    let mut exts = match extensions.or(conf.lookup(section, entry)) {
        Some(s) => conf.extension_section(s)?,
        None => ExtSection::default(),
    };
    add_ext(conf, addext, &mut exts, for_cert)?;
    Ok(exts)
}

/// `-addext`: a name twice among them is refused, as OpenSSL does; one the section already
/// has replaces it (deleted, then appended: OpenSSL 3.0's `X509V3_CTX_REPLACE`) for a
/// certificate, and is an error for a request (OpenSSL's `Error adding extensions defined via
/// -addext`). `subjectKeyIdentifier = none` and `authorityKeyIdentifier = none` leave that
/// identifier out.
fn add_ext(conf: &Conf, addext: &[String], exts: &mut ExtSection, for_cert: bool) -> Result<()> {
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
        let Some(spec) = conf::parse_extension(Some(conf), name, value.trim())? else {
            // `none`: only the key identifiers have it.
            exts.key_id_none(name == "subjectKeyIdentifier");
            continue;
        };
        if !for_cert && exts.specs.iter().any(|e| e.oid() == spec.oid()) {
            return Err(Error::refused(format!(
                "-addext {arg}: the request's extension section already has {name}"
            )));
        }
        exts.put(spec);
    }
    Ok(())
}
