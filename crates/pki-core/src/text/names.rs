//! Names as OpenSSL prints and hashes them: `subject=` lines under `-nameopt` and
//! `X509_NAME_hash`.

use der::Encode;
use sha1::{Digest, Sha1};

use crate::name;

/// `TITLE` and a name as OpenSSL's `print_name` (apps/lib/apps.c) writes `subject=` and
/// `issuer=` under `-nameopt`: after a line end, indented 4, for a field a line; the old
/// `/C=../CN=..` form for `compat`.
pub fn name_line(title: &str, n: &x509_cert::name::Name, opt: name::NameOpt) -> String {
    if opt.is_multiline() {
        format!("{title}\n{}", opt.print(n, 4))
    } else {
        format!("{title}{}", opt.print(n, 0))
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
    fn canonical_and_printed_forms() {
        assert_eq!(canonical_text("  Etcd  CA\t1 "), "etcd ca 1");
        let n = name::parse_subj("/C=CN/O=Ex, Inc/CN=x+OU=y/CN=#a, b\"<é ").expect("subj");
        let opt = |s: &str| name::NameOpt::parse([s]).expect("nameopt");
        assert_eq!(
            name_line("subject=", &n, opt("RFC2253")),
            "subject=CN=\\#a\\, b\\\"\\<\\C3\\A9\\ ,OU=y+CN=x,O=Ex\\, Inc,C=CN"
        );
        assert_eq!(
            name_line("subject=", &n, opt("compat")),
            "subject=/C=CN/O=Ex, Inc/CN=x+OU=y/CN=#a, b\"<\\xC3\\xA9 "
        );
        assert_eq!(
            name_line("issuer=", &n, opt("multiline")),
            "issuer=\n    countryName               = CN\n    organizationName          = Ex, Inc\n    \
             commonName                = x + organizationalUnitName    = y\n    \
             commonName                = #a, b\"<\\E9 "
        );
        assert_eq!(
            name_hash(&name::parse_subj("/CN=etcd-ca").expect("subj")).len(),
            8
        );
    }
}
