//! Extension values as OpenSSL 3.0's `X509V3_EXT_nconf` reads them (`man 5ssl x509v3_config`),
//! for the extensions pki makes.

use std::collections::HashSet;

use der::oid::ObjectIdentifier;

use super::{ADDEXT, AKI, Conf, ConfError, ConfErrorKind, SKI, pkix};
use crate::{
    error::Error,
    ext::{AkiPart, Eku, ExtSpec, IsCa, KeyUsage, KeyUsageBit, San},
};

/// Parses one extension the way OpenSSL's `X509V3_EXT_nconf` does, for a value that came from
/// no file (`-addext "subjectAltName=DNS:a,IP:1.2.3.4"`); `conf` resolves `@section`
/// references. `Ok(None)` means `none` (subjectKeyIdentifier, authorityKeyIdentifier): no
/// extension.
///
/// An error in the value itself names the file [`ADDEXT`] and line 0 (printed as
/// `-addext: ...`); an error inside an `@section` names the conf file and the line there.
pub fn parse_extension(
    conf: Option<&Conf>,
    name: &str,
    value: &str,
) -> Result<Option<ExtSpec>, ConfError> {
    ext_value(conf, name, value).map_err(|(line, kind)| match (line, conf) {
        (Some(line), Some(conf)) => conf.error(line, kind),
        _ => ConfError {
            file: ADDEXT.into(),
            line: 0,
            kind,
        },
    })
}

/// A list item: `name[:value]` inline, or `name = value` in an `@section` (with its line).
pub(super) struct Item<'a> {
    pub(super) name: &'a str,
    pub(super) value: Option<&'a str>,
    pub(super) line: Option<usize>,
}

impl Item<'_> {
    pub(super) fn text(&self) -> String {
        match self.value {
            Some(v) if self.line.is_some() => format!("{} = {v}", self.name),
            Some(v) => format!("{}:{v}", self.name),
            None => self.name.to_owned(),
        }
    }
}

pub(super) type Located = (Option<usize>, ConfErrorKind);

pub(super) fn ext_value(
    conf: Option<&Conf>,
    name: &str,
    value: &str,
) -> Result<Option<ExtSpec>, Located> {
    let (critical, value) = match value.strip_prefix("critical,") {
        Some(rest) => (true, rest.trim_start_matches(is_c_space)),
        None => (false, value),
    };
    if value.starts_with("DER:") || value.starts_with("ASN1:") {
        return Err((None, ConfErrorKind::RawEncoding { name: name.into() }));
    }
    if critical && (name == SKI || name == AKI) {
        return Err((
            None,
            ConfErrorKind::CriticalNotAllowed { name: name.into() },
        ));
    }
    if name == SKI {
        return match value {
            "hash" => Ok(Some(ExtSpec::SubjectKeyId)),
            "none" => Ok(None),
            _ => Err((None, unsupported_key_id(name, value))),
        };
    }
    if name == "nsComment" {
        // An IA5String: the whole value, as OpenSSL's s2i_ASN1_IA5STRING takes it.
        if !value.is_ascii() {
            return Err((None, ConfErrorKind::EmptyValue { name: name.into() }));
        }
        return Ok(Some(ExtSpec::NsComment {
            critical,
            text: value.to_owned(),
        }));
    }
    if pkix::NAMES.contains(&name) {
        return pkix::ext_value(conf, name, critical, value).map(Some);
    }
    if !matches!(
        name,
        "keyUsage" | "extendedKeyUsage" | "subjectAltName" | "basicConstraints" | "nsCertType"
    ) && name != AKI
    {
        return Err((None, ConfErrorKind::UnknownExtension { name: name.into() }));
    }
    let items = items(conf, name, value)?;
    Ok(Some(match name {
        "keyUsage" => {
            let mut usage = KeyUsage::empty();
            for item in &items {
                let bit = KeyUsageBit::ALL
                    .into_iter()
                    .find(|b| b.conf_name() == item.name || b.display_name() == item.name)
                    .ok_or(ConfErrorKind::UnknownKeyUsage {
                        value: item.name.into(),
                    })
                    .map_err(|kind| (item.line, kind))?;
                usage = usage.with(bit);
            }
            ExtSpec::KeyUsage { critical, usage }
        }
        "extendedKeyUsage" => {
            let purposes = items
                .iter()
                .map(|item| {
                    let text = item.value.unwrap_or(item.name);
                    purpose(text)
                        .ok_or(ConfErrorKind::UnknownPurpose { value: text.into() })
                        .map_err(|kind| (item.line, kind))
                })
                .collect::<Result<_, _>>()?;
            ExtSpec::ExtendedKeyUsage { critical, purposes }
        }
        "subjectAltName" => {
            let names = items
                .iter()
                .map(|i| san(i).map_err(|kind| (i.line, kind)))
                .collect::<Result<_, _>>()?;
            ExtSpec::SubjectAltName { critical, names }
        }
        "basicConstraints" => basic_constraints(critical, &items)?,
        "nsCertType" => {
            let mut types = 0u8;
            for item in &items {
                let bit = crate::ext::NS_CERT_TYPES
                    .iter()
                    .position(|n| *n == item.name)
                    .ok_or(ConfErrorKind::UnknownNsCertType {
                        value: item.name.into(),
                    })
                    .map_err(|kind| (item.line, kind))?;
                types |= 0x80 >> bit;
            }
            ExtSpec::NsCertType { critical, types }
        }
        _ => return authority_key_id(value, &items),
    }))
}

/// C's `isspace` in the C locale.
fn is_c_space(c: char) -> bool {
    c.is_ascii_whitespace() || c == '\x0b'
}

fn unsupported_key_id(name: &str, value: &str) -> ConfErrorKind {
    ConfErrorKind::UnsupportedKeyIdentifier {
        name: name.into(),
        value: value.into(),
    }
}

/// The list of a multi-valued extension: an `@section`, or OpenSSL's `X509V3_parse_list`.
pub(super) fn items<'a>(
    conf: Option<&'a Conf>,
    name: &str,
    value: &'a str,
) -> Result<Vec<Item<'a>>, Located> {
    if let Some(sect) = value.strip_prefix('@') {
        let missing = || (None, ConfErrorKind::MissingSection { name: sect.into() });
        let entries = conf.and_then(|c| c.section(sect)).ok_or_else(missing)?;
        if entries.is_empty() {
            return Err((None, ConfErrorKind::EmptySection { name: sect.into() }));
        }
        let mut out: Vec<Item<'a>> = Vec::with_capacity(entries.len());
        let mut seen = HashSet::new();
        for e in entries {
            if !seen.insert(e.key.as_str()) {
                return Err((
                    Some(e.line),
                    ConfErrorKind::DuplicateKey { key: e.key.clone() },
                ));
            }
            out.push(Item {
                name: &e.key,
                value: Some(&e.value),
                line: Some(e.line),
            });
        }
        return Ok(out);
    }
    list(name, value)
}

/// OpenSSL's `X509V3_parse_list`: `name[:value]` items separated by commas, on the first line.
pub(super) fn list<'a>(name: &str, value: &'a str) -> Result<Vec<Item<'a>>, Located> {
    let empty = || (None, ConfErrorKind::EmptyValue { name: name.into() });
    let trim = |s: &'a str| Some(s.trim_matches(is_c_space)).filter(|s| !s.is_empty());
    let value = value.split(['\r', '\n']).next().unwrap_or_default();
    value
        .split(',')
        .map(|part| match part.split_once(':') {
            Some((n, v)) => Ok(Item {
                name: trim(n).ok_or_else(empty)?,
                value: Some(trim(v).ok_or_else(empty)?),
                line: None,
            }),
            None => Ok(Item {
                name: trim(part).ok_or_else(empty)?,
                value: None,
                line: None,
            }),
        })
        .collect()
}

/// A purpose by short name, long name or dotted OID (OpenSSL's `OBJ_txt2obj`), for the
/// purposes pki knows by name.
fn purpose(text: &str) -> Option<Eku> {
    const ANY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");
    if let Some(e) = Eku::NAMED.into_iter().find(|e| e.to_string() == text) {
        return Some(e);
    }
    match text {
        "anyExtendedKeyUsage" | "Any Extended Key Usage" => Some(Eku::Other(ANY)),
        _ => Eku::from_conf_name(text),
    }
}

/// One subjectAltName entry; the type is the item name up to its first `.` (`DNS.1`).
fn san(item: &Item<'_>) -> Result<San, ConfErrorKind> {
    let kind = item.name.split('.').next().unwrap_or_default();
    let Some(value) = item.value else {
        let reason = "missing value: write TYPE:value";
        return Err(ConfErrorKind::BadSan {
            value: item.text(),
            reason,
        });
    };
    let made = match kind {
        "email" if value == "copy" => {
            return Err(ConfErrorKind::UnsupportedSan { value: item.text() });
        }
        "DNS" => San::dns(value),
        "IP" => San::ip(value),
        "email" => San::email(value),
        "URI" => San::uri(value),
        "otherName" | "dirName" | "RID" => {
            return Err(ConfErrorKind::UnsupportedSan { value: item.text() });
        }
        _ => {
            let reason = "unknown type: use DNS, IP, email or URI";
            return Err(ConfErrorKind::BadSan {
                value: item.text(),
                reason,
            });
        }
    };
    made.map_err(|e| match e {
        Error::San { value, reason } => ConfErrorKind::BadSan { value, reason },
        _ => ConfErrorKind::BadSan {
            value: value.into(),
            reason: "invalid value",
        },
    })
}

fn basic_constraints(critical: bool, items: &[Item<'_>]) -> Result<ExtSpec, Located> {
    let (mut ca, mut path_len) = (false, None);
    for item in items {
        let bad = |reason| {
            (
                item.line,
                ConfErrorKind::BadBasicConstraints {
                    value: item.text(),
                    reason,
                },
            )
        };
        match (item.name, item.value) {
            ("CA", Some("TRUE" | "true" | "Y" | "y" | "YES" | "yes")) => ca = true,
            ("CA", Some("FALSE" | "false" | "N" | "n" | "NO" | "no")) => ca = false,
            ("CA", _) => return Err(bad("CA must be TRUE or FALSE")),
            ("pathlen", Some(v)) => {
                path_len = Some(
                    path_len_value(v)
                        .ok_or_else(|| bad("pathlen must be a number from 0 to 255"))?,
                )
            }
            ("pathlen", None) => return Err(bad("pathlen needs a value")),
            _ => return Err(bad("expected CA:TRUE, CA:FALSE or pathlen:N")),
        }
    }
    let ca = match (ca, path_len) {
        (true, path_len) => IsCa::Ca { path_len },
        (false, None) => IsCa::No,
        (false, Some(_)) => {
            let value = items.iter().map(Item::text).collect::<Vec<_>>().join(", ");
            let reason = "pathlen is allowed only with CA:TRUE";
            let line = items.first().and_then(|i| i.line);
            return Err((line, ConfErrorKind::BadBasicConstraints { value, reason }));
        }
    };
    Ok(ExtSpec::BasicConstraints { critical, ca })
}

/// Decimal or `0x` hexadecimal (OpenSSL's `s2i_ASN1_INTEGER`), 0..=255.
fn path_len_value(v: &str) -> Option<u8> {
    match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        Some(hex) if !hex.starts_with('+') => u8::from_str_radix(hex, 16).ok(),
        None if !v.starts_with('+') => v.parse().ok(),
        _ => None,
    }
}

/// `keyid[:always]` and/or `issuer[:always]`, in any order, or `none` (v3_akid.c).
fn authority_key_id(value: &str, items: &[Item<'_>]) -> Result<Option<ExtSpec>, Located> {
    let unsupported = |line| (line, unsupported_key_id(AKI, value));
    let (mut keyid, mut issuer, mut none) = (AkiPart::No, AkiPart::No, false);
    for item in items {
        match (item.name, item.value) {
            ("keyid", None) => keyid = keyid.max_with(AkiPart::IfAvailable),
            ("keyid", Some("always")) => keyid = AkiPart::Always,
            ("issuer", None) => issuer = issuer.max_with(AkiPart::IfAvailable),
            ("issuer", Some("always")) => issuer = AkiPart::Always,
            ("none", None) => none = true,
            _ => return Err(unsupported(item.line)),
        }
    }
    match (keyid, issuer, none) {
        (AkiPart::No, AkiPart::No, true) if items.len() == 1 => Ok(None),
        (_, _, false) => Ok(Some(ExtSpec::AuthorityKeyId { keyid, issuer })),
        _ => Err(unsupported(items.first().and_then(|i| i.line))),
    }
}
