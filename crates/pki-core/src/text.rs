//! Certificates, CSRs and keys as OpenSSL 3.0 prints them (`x509 -text`, `req -text`,
//! `rsa -text`, `-fingerprint`, `-modulus`), so that what operators grep for (`Not After :`,
//! `Subject:`, `DNS:`, `IP Address:`, `X509v3 Key Usage: critical`) is found the same way.
//!
//! The layout is OpenSSL's `X509_print_ex`, `X509_REQ_print_ex` and the RSA key printer of
//! its default provider: the same headings, indentation, 15 bytes per line for key numbers and
//! 18 for signatures, lower-case hex for those and upper-case for key identifiers. Extensions
//! pki does not model are printed as the hex of their value.

use std::fmt::Write as _;

use der::{
    Decode, Encode,
    asn1::ObjectIdentifier,
    oid::db::{rfc5280 as oids, rfc5912},
};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::{certificate::Version, ext::Extension, request::CertReq, time::Time};
use zeroize::Zeroizing;

mod extensions;
mod names;

pub use names::{name_hash, name_line};

use crate::{
    csr,
    error::{Error, Result},
    ext::{self, ExtSpec, IsCa},
    key::{PrivateKey, PublicKey},
    name,
    view::CertView,
};

/// Upper-case hex with `:` between bytes: key identifiers and fingerprints.
pub fn hex_upper(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{b:02X}");
    }
    s
}

/// Upper-case hex without separators or leading zero bytes, as OpenSSL's `BN_print` and
/// `-serial` print numbers (`00` for zero).
pub fn number_hex(bytes: &[u8]) -> String {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    let s: String = bytes[first..].iter().map(|b| format!("{b:02X}")).collect();
    if s.is_empty() { "00".into() } else { s }
}

/// Lower-case `aa:bb:` lines of `per_line` bytes, each indented by `indent` spaces, every line
/// but the last ending in `:` (OpenSSL's `ASN1_buf_print` and `X509_signature_dump`).
pub fn hex_block(bytes: &[u8], per_line: usize, indent: usize) -> String {
    let mut s = String::new();
    let chunks: Vec<&[u8]> = bytes.chunks(per_line.max(1)).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        s.push_str(&" ".repeat(indent));
        for (j, b) in chunk.iter().enumerate() {
            let _ = write!(s, "{b:02x}");
            let last = i + 1 == chunks.len() && j + 1 == chunk.len();
            if !last {
                s.push(':');
            }
        }
        s.push('\n');
    }
    s
}

/// A positive big-endian number as OpenSSL prints it in key dumps: with a leading `00` byte
/// when the high bit is set.
fn signed_magnitude(bytes: &[u8]) -> Vec<u8> {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    let m = &bytes[first..];
    let mut out = Vec::with_capacity(m.len() + 1);
    if m.first().is_none_or(|b| *b >= 0x80) {
        out.push(0);
    }
    out.extend_from_slice(m);
    out
}

/// A small number: `65537 (0x10001)`; `None` when it does not fit 64 bits.
fn small_number(bytes: &[u8]) -> Option<String> {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    let m = &bytes[first..];
    if m.len() > 8 {
        return None;
    }
    let v = m.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    Some(format!("{v} (0x{v:x})"))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Nov 30 04:01:53 2026 GMT`, as OpenSSL's `ASN1_TIME_print`.
pub fn time(t: &Time) -> String {
    let dt = t.to_date_time();
    format!(
        "{} {:2} {:02}:{:02}:{:02} {} GMT",
        MONTHS[usize::from(dt.month().clamp(1, 12)) - 1],
        dt.day(),
        dt.hour(),
        dt.minutes(),
        dt.seconds(),
        dt.year()
    )
}

/// OpenSSL's name for a signature or key algorithm, else the dotted OID.
pub fn algorithm_name(oid: &ObjectIdentifier) -> String {
    let known = [
        (
            rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
            "sha256WithRSAEncryption",
        ),
        (
            rfc5912::SHA_384_WITH_RSA_ENCRYPTION,
            "sha384WithRSAEncryption",
        ),
        (
            rfc5912::SHA_512_WITH_RSA_ENCRYPTION,
            "sha512WithRSAEncryption",
        ),
        (rfc5912::SHA_1_WITH_RSA_ENCRYPTION, "sha1WithRSAEncryption"),
        (rfc5912::RSA_ENCRYPTION, "rsaEncryption"),
        (rfc5912::ID_RSASSA_PSS, "rsassaPss"),
        (rfc5912::ECDSA_WITH_SHA_256, "ecdsa-with-SHA256"),
        (rfc5912::ECDSA_WITH_SHA_384, "ecdsa-with-SHA384"),
        (rfc5912::ECDSA_WITH_SHA_512, "ecdsa-with-SHA512"),
        (rfc5912::ID_EC_PUBLIC_KEY, "id-ecPublicKey"),
        (ObjectIdentifier::new_unwrap("1.3.101.112"), "ED25519"),
    ];
    known
        .iter()
        .find(|(o, _)| o == oid)
        .map(|(_, n)| (*n).to_owned())
        .unwrap_or_else(|| oid.to_string())
}

/// The short name `-ext` takes and the heading `-text` prints for an extension.
const EXTENSION_NAMES: [(&str, &str, &str); 17] = [
    (
        "2.5.29.36",
        "policyConstraints",
        "X509v3 Policy Constraints",
    ),
    ("2.5.29.33", "policyMappings", "X509v3 Policy Mappings"),
    ("2.5.29.54", "inhibitAnyPolicy", "X509v3 Inhibit Any Policy"),
    ("2.16.840.1.113730.1.1", "nsCertType", "Netscape Cert Type"),
    ("2.16.840.1.113730.1.13", "nsComment", "Netscape Comment"),
    ("2.5.29.15", "keyUsage", "X509v3 Key Usage"),
    ("2.5.29.37", "extendedKeyUsage", "X509v3 Extended Key Usage"),
    (
        "2.5.29.17",
        "subjectAltName",
        "X509v3 Subject Alternative Name",
    ),
    ("2.5.29.19", "basicConstraints", "X509v3 Basic Constraints"),
    (
        "2.5.29.14",
        "subjectKeyIdentifier",
        "X509v3 Subject Key Identifier",
    ),
    (
        "2.5.29.35",
        "authorityKeyIdentifier",
        "X509v3 Authority Key Identifier",
    ),
    (
        "2.5.29.31",
        "crlDistributionPoints",
        "X509v3 CRL Distribution Points",
    ),
    (
        "1.3.6.1.5.5.7.1.1",
        "authorityInfoAccess",
        "Authority Information Access",
    ),
    (
        "2.5.29.32",
        "certificatePolicies",
        "X509v3 Certificate Policies",
    ),
    (
        "2.5.29.18",
        "issuerAltName",
        "X509v3 Issuer Alternative Name",
    ),
    ("2.5.29.30", "nameConstraints", "X509v3 Name Constraints"),
    (
        "1.3.6.1.4.1.11129.2.4.2",
        "ct_precert_scts",
        "CT Precertificate SCTs",
    ),
];

/// The OpenSSL short name of an extension (`subjectAltName`), for `x509 -ext`.
pub fn extension_short_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    let dotted = oid.to_string();
    EXTENSION_NAMES
        .iter()
        .find(|(o, _, _)| *o == dotted)
        .map(|(_, s, _)| *s)
}

/// Whether `name` is a short name [`extension_short_name`] knows.
pub fn is_extension_short_name(name: &str) -> bool {
    EXTENSION_NAMES.iter().any(|(_, s, _)| *s == name)
}

fn extension_heading(oid: &ObjectIdentifier) -> String {
    let dotted = oid.to_string();
    EXTENSION_NAMES
        .iter()
        .find(|(o, _, _)| *o == dotted)
        .map(|(_, _, l)| (*l).to_owned())
        .unwrap_or(dotted)
}

/// One extension: `X509v3 Key Usage: critical` at `indent`, then its value 4 spaces deeper.
pub fn extension(e: &Extension, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let crit = if e.critical { "critical" } else { "" };
    let mut s = format!("{pad}{}: {crit}\n", extension_heading(&e.extn_id));
    if let Some(value) = extension_value(e) {
        let _ = writeln!(s, "{pad}    {value}");
    } else if let Some(lines) = extensions::render(e, indent + 4) {
        s.push_str(&lines);
    } else {
        // OpenSSL's ASN1_STRING_print of the value: printable ASCII as is, other bytes as '.'.
        s.push_str(&pad);
        s.push_str("    ");
        s.extend(e.extn_value.as_bytes().iter().map(|&b| {
            if b > b'~' || (b < b' ' && b != b'\n' && b != b'\r') {
                '.'
            } else {
                char::from(b)
            }
        }));
        s.push('\n');
    }
    s
}

fn extension_value(e: &Extension) -> Option<String> {
    let spec = ExtSpec::from_extension(e).ok()??;
    Some(match spec {
        ExtSpec::KeyUsage { usage, .. } => usage
            .bits()
            .map(|b| b.display_name())
            .collect::<Vec<_>>()
            .join(", "),
        ExtSpec::ExtendedKeyUsage { purposes, .. } => purposes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        ExtSpec::SubjectAltName { names, .. } => names
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        ExtSpec::BasicConstraints { ca, .. } => match ca {
            IsCa::No => "CA:FALSE".into(),
            IsCa::Ca { path_len: None } => "CA:TRUE".into(),
            IsCa::Ca {
                path_len: Some(n), ..
            } => format!("CA:TRUE, pathlen:{n}"),
        },
        ExtSpec::SubjectKeyId => hex_upper(&ext::subject_key_id(std::slice::from_ref(e)).ok()??),
        // Printed by text/extensions.rs.
        ExtSpec::AuthorityKeyId { .. }
        | ExtSpec::NsCertType { .. }
        | ExtSpec::NsComment { .. }
        | ExtSpec::IssuerAltName { .. }
        | ExtSpec::Encoded { .. } => {
            return None;
        }
    })
}

/// Text from outside (a SAN, an attribute, a file name) made safe to print on a terminal:
/// control characters (C0, DEL, C1) become `\xHH` and the Unicode controls that reorder or
/// hide text (bidirectional embeddings, overrides and isolates, the marks) `\u{HHHH}`, so that
/// a value holding a newline or an escape sequence can neither forge a line nor drive the
/// terminal. Other text is returned as it is.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !bad(c) {
            out.push(c);
        } else if u32::from(c) < 0x100 {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else {
            let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// id-Ed25519 (RFC 8410).
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// `Public Key Algorithm: rsaEncryption` and the key, at `indent` (12 in a certificate).
fn public_key_info(spki: &SubjectPublicKeyInfoOwned, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut s = format!(
        "{pad}Public Key Algorithm: {}\n",
        algorithm_name(&spki.algorithm.oid)
    );
    if let Some(ec) = ec_public(spki, indent + 4) {
        s.push_str(&ec);
        return s;
    }
    if spki.algorithm.oid == ED25519 && spki.algorithm.parameters.is_none() {
        let pad = " ".repeat(indent + 4);
        let _ = writeln!(s, "{pad}ED25519 Public-Key:\n{pad}pub:");
        s.push_str(&hex_block(
            spki.subject_public_key.raw_bytes(),
            15,
            indent + 8,
        ));
        return s;
    }
    match PublicKey::from_spki(spki) {
        Ok(k) => s.push_str(&rsa_public(
            &k,
            indent + 4,
            "Public-Key",
            "Modulus",
            "Exponent",
        )),
        Err(_) => {
            let _ = writeln!(s, "{pad}    Unable to load Public Key");
        }
    }
    s
}

/// An EC public key on a named NIST curve, as OpenSSL prints it.
fn ec_public(spki: &SubjectPublicKeyInfoOwned, indent: usize) -> Option<String> {
    if spki.algorithm.oid != rfc5912::ID_EC_PUBLIC_KEY {
        return None;
    }
    let curve: ObjectIdentifier = spki.algorithm.parameters.as_ref()?.decode_as().ok()?;
    let (bits, asn1, nist) = match curve.to_string().as_str() {
        "1.2.840.10045.3.1.7" => (256, "prime256v1", "P-256"),
        "1.3.132.0.34" => (384, "secp384r1", "P-384"),
        "1.3.132.0.35" => (521, "secp521r1", "P-521"),
        _ => return None,
    };
    let pad = " ".repeat(indent);
    let mut s = format!("{pad}Public-Key: ({bits} bit)\n{pad}pub:\n");
    s.push_str(&hex_block(
        spki.subject_public_key.raw_bytes(),
        15,
        indent + 4,
    ));
    let _ = writeln!(s, "{pad}ASN1 OID: {asn1}\n{pad}NIST CURVE: {nist}");
    Some(s)
}

fn rsa_public(k: &PublicKey, indent: usize, title: &str, n: &str, e: &str) -> String {
    let pad = " ".repeat(indent);
    let mut s = format!("{pad}{title}: ({} bit)\n{pad}{n}:\n", k.bits());
    s.push_str(&hex_block(&signed_magnitude(&k.modulus()), 15, indent + 4));
    let exp = k.exponent();
    match small_number(&exp) {
        Some(v) => {
            let _ = writeln!(s, "{pad}{e}: {v}");
        }
        None => {
            let _ = writeln!(s, "{pad}{e}:");
            s.push_str(&hex_block(&signed_magnitude(&exp), 15, indent + 4));
        }
    }
    s
}

fn signature(alg: &ObjectIdentifier, sig: &[u8]) -> String {
    let mut s = format!(
        "    Signature Algorithm: {}\n    Signature Value:\n",
        algorithm_name(alg)
    );
    s.push_str(&hex_block(sig, 18, 8));
    s
}

/// `Nov 30 04:01:53 2026 GMT` from a time as the view read it (also years before 1970).
pub fn time_info(t: &crate::inspect::TimeInfo) -> String {
    // TimeInfo::time is `YYYY-MM-DDTHH:MM:SSZ`.
    let f = |r: std::ops::Range<usize>| t.time.get(r).and_then(|v| v.parse::<usize>().ok());
    match (f(0..4), f(5..7), f(8..10)) {
        (Some(y), Some(m), Some(d)) if (1..=12).contains(&m) => format!(
            "{} {d:2} {} {y} GMT",
            MONTHS[m - 1],
            t.time.get(11..19).unwrap_or("00:00:00")
        ),
        _ => t.time.clone(),
    }
}

/// `openssl x509 -text`, from the certificate's parsed view (the parse the verifier, `pki
/// show` and `pki lint` use).
pub fn certificate(c: &CertView) -> String {
    certificate_with(c, name::NameOpt::ONELINE)
}

/// `        Issuer: NAME` as `X509_print_ex` writes it under `-nameopt`: a field a line after
/// `Issuer:`, indented 12, for `sep_multiline`.
fn name_field(label: &str, n: &x509_cert::name::Name, opt: name::NameOpt) -> String {
    if opt.is_multiline() {
        format!("        {label}:\n{}\n", opt.print(n, 12))
    } else {
        format!("        {label}: {}\n", opt.print(n, 0))
    }
}

/// [`certificate`], the issuer and subject printed as `-nameopt` asks (not `compat`, which
/// OpenSSL prints in yet another form).
pub fn certificate_with(c: &CertView, opt: name::NameOpt) -> String {
    let mut s = String::from("Certificate:\n    Data:\n");
    let v = match c.version {
        Version::V1 => 0,
        Version::V2 => 1,
        Version::V3 => 2,
    };
    let _ = writeln!(s, "        Version: {} (0x{v:x})", v + 1);
    let serial = &crate::cert::serial_octets(&c.serial);
    match small_number(serial).filter(|_| serial.len() < 8 || serial[0] < 0x80) {
        Some(n) => {
            let _ = writeln!(s, "        Serial Number: {n}");
        }
        None => {
            s.push_str("        Serial Number:\n");
            s.push_str(&hex_block(serial, serial.len().max(1), 12));
        }
    }
    let _ = writeln!(
        s,
        "        Signature Algorithm: {}",
        algorithm_name(&c.tbs_signature_algorithm.oid)
    );
    s.push_str(&name_field("Issuer", &c.issuer, opt));
    let _ = writeln!(
        s,
        "        Validity\n            Not Before: {}\n            Not After : {}",
        time_info(&c.not_before_time),
        time_info(&c.not_after_time)
    );
    s.push_str(&name_field("Subject", &c.subject, opt));
    s.push_str("        Subject Public Key Info:\n");
    s.push_str(&public_key_info(&c.spki, 12));
    if !c.extensions.is_empty() {
        s.push_str("        X509v3 extensions:\n");
        for e in &c.extensions {
            s.push_str(&extension(e, 12));
        }
    }
    s.push_str(&signature(
        &c.signature_algorithm.oid,
        c.signature_bits.raw_bytes(),
    ));
    s
}

/// `openssl req -text`.
pub fn request(r: &CertReq) -> String {
    request_with(r, name::NameOpt::ONELINE)
}

/// [`request`], the subject printed as `-nameopt` asks (not `compat`).
pub fn request_with(r: &CertReq, opt: name::NameOpt) -> String {
    let mut s = String::from("Certificate Request:\n    Data:\n");
    let _ = writeln!(s, "        Version: 1 (0x0)");
    s.push_str(&name_field("Subject", &r.info.subject, opt));
    s.push_str("        Subject Public Key Info:\n");
    s.push_str(&public_key_info(&r.info.public_key, 12));
    s.push_str("        Attributes:\n");
    let mut had_ext_req = false;
    for attr in r.info.attributes.iter() {
        if attr.oid == csr::EXTENSION_REQUEST {
            had_ext_req = true;
            continue;
        }
        let value = attr
            .values
            .iter()
            .map(|v| name::attribute_value_string(v).unwrap_or_else(|| hex_of(v)))
            .collect::<Vec<_>>()
            .join(", ");
        let name = match attr.oid.to_string().as_str() {
            "1.2.840.113549.1.9.7" => "challengePassword".to_owned(),
            "1.2.840.113549.1.9.2" => "unstructuredName".to_owned(),
            "1.2.840.113549.1.9.8" => "unstructuredAddress".to_owned(),
            other => other.to_owned(),
        };
        let _ = writeln!(s, "            {name:<25}:{value}");
    }
    if r.info.attributes.is_empty() {
        s.push_str("            (none)\n");
    }
    s.push_str("            Requested Extensions:\n");
    if had_ext_req {
        for e in csr::requested_extensions(r).unwrap_or_default() {
            s.push_str(&extension(&e, 16));
        }
    }
    s.push_str(&signature(&r.algorithm.oid, r.signature.raw_bytes()));
    s
}

fn hex_of<T: Encode>(v: &T) -> String {
    hex_upper(&v.to_der().unwrap_or_default())
}

/// `openssl rsa -text` / `pkey -text` of a private key: every number of the key. The result
/// holds the private key and is wiped when dropped.
pub fn private_key(k: &PrivateKey) -> Result<Zeroizing<String>> {
    let der = k.to_pkcs8_der()?;
    let info = rsa::pkcs8::PrivateKeyInfoRef::from_der(&der).map_err(Error::der("PKCS#8"))?;
    let rsa = rsa::pkcs1::RsaPrivateKeyRef::from_der(info.private_key.as_bytes())
        .map_err(Error::der("PKCS#1 private key"))?;
    let mut s = Zeroizing::new(format!("Private-Key: ({} bit, 2 primes)\n", k.bits()));
    let field = |s: &mut String, label: &str, v: &[u8]| {
        let _ = writeln!(s, "{label}:");
        s.push_str(&hex_block(&signed_magnitude(v), 15, 4));
    };
    field(&mut s, "modulus", rsa.modulus.as_bytes());
    match small_number(rsa.public_exponent.as_bytes()) {
        Some(v) => {
            let _ = writeln!(s, "publicExponent: {v}");
        }
        None => field(&mut s, "publicExponent", rsa.public_exponent.as_bytes()),
    }
    field(&mut s, "privateExponent", rsa.private_exponent.as_bytes());
    field(&mut s, "prime1", rsa.prime1.as_bytes());
    field(&mut s, "prime2", rsa.prime2.as_bytes());
    field(&mut s, "exponent1", rsa.exponent1.as_bytes());
    field(&mut s, "exponent2", rsa.exponent2.as_bytes());
    field(&mut s, "coefficient", rsa.coefficient.as_bytes());
    Ok(s)
}

/// `openssl pkey -pubin -text` of a public key.
pub fn public_key(k: &PublicKey) -> String {
    rsa_public(k, 0, "Public-Key", "Modulus", "Exponent")
}

/// `SHA1 Fingerprint=AA:BB:...` as `x509 -fingerprint` prints it (OpenSSL 3.0 names SHA-1
/// `SHA1` and SHA-256 `sha256`).
pub fn fingerprint(der: &[u8], sha256: bool) -> String {
    if sha256 {
        format!("sha256 Fingerprint={}", hex_upper(&Sha256::digest(der)))
    } else {
        format!("SHA1 Fingerprint={}", hex_upper(&Sha1::digest(der)))
    }
}

/// `Modulus=B437...` as `-modulus` prints it.
pub fn modulus(k: &PublicKey) -> String {
    format!("Modulus={}", number_hex(&k.modulus()))
}

/// The extensions of a certificate whose OIDs are the SAN, and so on; for `-ext`: the ones
/// whose short names are in `names`, in certificate order.
pub fn extensions_named(c: &CertView, names: &[&str]) -> String {
    let mut s = String::new();
    for e in &c.extensions {
        if extension_short_name(&e.extn_id).is_some_and(|n| names.contains(&n)) {
            s.push_str(&extension(e, 0));
        }
    }
    s
}

/// Whether `oid` is subjectAltName (for callers that match names by OID).
pub fn is_subject_alt_name(oid: &ObjectIdentifier) -> bool {
    *oid == oids::ID_CE_SUBJECT_ALT_NAME
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_forms() {
        assert_eq!(hex_upper(&[0x43, 0xdf, 0x08]), "43:DF:08");
        assert_eq!(number_hex(&[0, 0x0b, 0x40]), "0B40");
        assert_eq!(number_hex(&[]), "00");
        assert_eq!(hex_block(&[1, 2, 3], 2, 2), "  01:02:\n  03\n");
        assert_eq!(signed_magnitude(&[0x80]), [0, 0x80]);
        assert_eq!(small_number(&[1, 0, 1]).as_deref(), Some("65537 (0x10001)"));
    }
}
