//! Names as OpenSSL prints and hashes them: `-nameopt` forms and `X509_NAME_hash`.

use std::fmt::Write as _;

use der::{Decode, Encode};
use sha1::{Digest, Sha1};

use crate::name;

/// The `-nameopt` forms pki prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameForm {
    /// `oneline`, OpenSSL 3's default: `C = CN, O = "Ex, Inc", CN = x`.
    Oneline,
    /// `RFC2253`: `CN=x,O=Ex\, Inc,C=CN`, last attribute first.
    Rfc2253,
    /// `compat`: `/C=CN/O=Ex, Inc/CN=x`.
    Compat,
}

/// A name as `-nameopt FORM` prints it.
pub fn name_as(n: &x509_cert::name::Name, form: NameForm) -> String {
    // (RDN index, type, value) in DER order.
    let mut entries = Vec::new();
    for (i, rdn) in n.iter_rdn().enumerate() {
        for atv in rdn.iter() {
            entries.push((i, atv));
        }
    }
    match form {
        NameForm::Oneline => name::to_openssl_string(n),
        NameForm::Compat => {
            let mut s = String::new();
            let mut last = None;
            for (i, atv) in entries {
                s.push(if last == Some(i) { '+' } else { '/' });
                last = Some(i);
                let _ = write!(s, "{}=", short_type(atv));
                match name::attribute_value_string(&atv.value) {
                    Some(v) => s.push_str(&v),
                    None => s.push_str(&hex_of_any(&atv.value)),
                }
            }
            s
        }
        NameForm::Rfc2253 => {
            let mut s = String::new();
            let mut last = None;
            for (i, atv) in entries.into_iter().rev() {
                if let Some(prev) = last {
                    s.push(if prev == i { '+' } else { ',' });
                }
                last = Some(i);
                let ty = short_type(atv);
                s.push_str(&ty);
                s.push('=');
                let known = !ty.starts_with(|c: char| c.is_ascii_digit());
                match name::attribute_value_string(&atv.value).filter(|_| known) {
                    Some(v) => push_rfc2253(&mut s, &v),
                    None => s.push_str(&hex_of_any(&atv.value)),
                }
            }
            s
        }
    }
}

/// OpenSSL's short name of an attribute type (`CN`), or its dotted OID.
fn short_type(atv: &x509_cert::attr::AttributeTypeAndValue) -> String {
    let one = x509_cert::name::RelativeDistinguishedName::try_from(vec![atv.clone()])
        .and_then(|rdn| {
            let mut rdns = x509_cert::name::RdnSequence::default();
            rdns.push(rdn);
            rdns.to_der()
        })
        .and_then(|der| x509_cert::name::Name::from_der(&der))
        .map(|n| name::to_openssl_string(&n));
    match one {
        Ok(text) => text
            .split_once(" = ")
            .map(|(t, _)| t.to_owned())
            .unwrap_or_else(|| atv.oid.to_string()),
        Err(_) => atv.oid.to_string(),
    }
}

fn hex_of_any(v: &der::Any) -> String {
    let mut s = String::from("#");
    for b in v.to_der().unwrap_or_default() {
        let _ = write!(s, "{b:02X}");
    }
    s
}

/// RFC 2253 escaping as OpenSSL's `-nameopt RFC2253` does it (`ESC_2253`, `ESC_CTRL`,
/// `ESC_MSB`): specials and a leading `#` or space, a trailing space with a backslash; control
/// characters and every byte of a non-ASCII character as `\XX`.
fn push_rfc2253(out: &mut String, value: &str) {
    let n = value.chars().count();
    for (i, c) in value.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i + 1 == n => out.push_str("\\ "),
            c if c.is_ascii_control() || !c.is_ascii() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "\\{b:02X}");
                }
            }
            c => out.push(c),
        }
    }
}

/// OpenSSL's `X509_NAME_hash` (`x509 -hash`, the `HASH.0` names of a CApath folder): the
/// first four bytes, little-endian, of the SHA-1 of the name's canonical form, as 8 hex digits.
///
/// The canonical form (OpenSSL's `x509_name_canon`) is the DER of each RDN's SET, concatenated
/// without the outer SEQUENCE, with every string value turned into a UTF8String that is
/// lower-cased (ASCII), stripped of leading and trailing white space and with runs of inner
/// white space made one space.
pub fn name_hash(n: &x509_cert::name::Name) -> String {
    let mut canon = Vec::new();
    for rdn in n.iter_rdn() {
        let atvs: Vec<x509_cert::attr::AttributeTypeAndValue> = rdn
            .iter()
            .map(|atv| {
                let value = name::attribute_value_string(&atv.value)
                    .and_then(|text| {
                        der::asn1::Utf8StringRef::new(&canonical_text(&text))
                            .ok()
                            .and_then(|u| der::Any::encode_from(&u).ok())
                    })
                    .unwrap_or_else(|| atv.value.clone());
                x509_cert::attr::AttributeTypeAndValue {
                    oid: atv.oid,
                    value,
                }
            })
            .collect();
        if let Ok(set) = der::asn1::SetOfVec::try_from(atvs)
            && let Ok(bytes) = set.to_der()
        {
            canon.extend_from_slice(&bytes);
        }
    }
    let md = Sha1::digest(&canon);
    format!("{:08x}", u32::from_le_bytes([md[0], md[1], md[2], md[3]]))
}

/// Lower-case ASCII, trimmed, inner white space runs as one space (OpenSSL's
/// `asn1_string_canon`).
fn canonical_text(s: &str) -> String {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r');
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.trim_matches(is_space).chars() {
        if is_space(c) {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_and_escaped_forms() {
        assert_eq!(canonical_text("  Etcd  CA\t1 "), "etcd ca 1");
        let mut s = String::new();
        push_rfc2253(&mut s, "#a, b\"<é ");
        assert_eq!(s, "\\#a\\, b\\\"\\<\\C3\\A9\\ ");
        let n = name::parse_subj("/C=CN/O=Ex, Inc/CN=x+OU=y").expect("subj");
        assert_eq!(name_as(&n, NameForm::Rfc2253), "OU=y+CN=x,O=Ex\\, Inc,C=CN");
        assert_eq!(name_as(&n, NameForm::Compat), "/C=CN/O=Ex, Inc/CN=x+OU=y");
        assert_eq!(
            name_hash(&name::parse_subj("/CN=etcd-ca").expect("subj")).len(),
            8
        );
    }
}
