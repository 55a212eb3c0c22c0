//! Extensions printed as OpenSSL 3.0's `X509V3_EXT_print` prints them, where the layout is
//! more than one value: Authority Information Access, CRL Distribution Points, Certificate
//! Policies, Name Constraints, Policy Constraints, the Certificate Transparency SCT list of
//! public certificates, alternative names, authorityKeyIdentifier, Netscape Cert Type and
//! Netscape Comment.

use std::fmt::Write as _;

use der::{Any, DateTime, Decode, Tag, Tagged, asn1::Ia5String};
use x509_cert::ext::{
    Extension,
    pkix::{
        AuthorityInfoAccessSyntax, CertificatePolicies, CrlDistributionPoints, NameConstraints,
        PolicyConstraints,
        constraints::name::GeneralSubtree,
        name::{DistributionPointName, GeneralName},
    },
};

use super::MONTHS;
use crate::{ext, name};

const AIA: &str = "1.3.6.1.5.5.7.1.1";
const CRL_DP: &str = "2.5.29.31";
const POLICIES: &str = "2.5.29.32";
const SCTS: &str = "1.3.6.1.4.1.11129.2.4.2";
const SAN: &str = "2.5.29.17";
const IAN: &str = "2.5.29.18";
const AKI: &str = "2.5.29.35";
const NAME_CONSTRAINTS: &str = "2.5.29.30";
const POLICY_CONSTRAINTS: &str = "2.5.29.36";
const NS_CERT_TYPE: &str = "2.16.840.1.113730.1.1";
const NS_COMMENT: &str = "2.16.840.1.113730.1.13";

/// Netscape certificate types, bit 0 first, as `x509 -text` names them (v3_bitst.c).
const NS_TYPES: [&str; 8] = [
    "SSL Client",
    "SSL Server",
    "S/MIME",
    "Object Signing",
    "Unused",
    "SSL CA",
    "S/MIME CA",
    "Object Signing CA",
];

/// The value lines (each ending in `\n`) of an extension this module knows, at `indent`;
/// `None` for others, and for values that do not decode.
pub(super) fn render(e: &Extension, indent: usize) -> Option<String> {
    let bytes = e.extn_value.as_bytes();
    let lines = match e.extn_id.to_string().as_str() {
        AIA => aia(&AuthorityInfoAccessSyntax::from_der(bytes).ok()?, indent),
        CRL_DP => crl_dp(&CrlDistributionPoints::from_der(bytes).ok()?, indent)?,
        POLICIES => policies(&CertificatePolicies::from_der(bytes).ok()?, indent)?,
        SCTS => scts(bytes, indent)?,
        NAME_CONSTRAINTS => name_constraints(&NameConstraints::from_der(bytes).ok()?, indent),
        POLICY_CONSTRAINTS => {
            let pc = PolicyConstraints::from_der(bytes).ok()?;
            let parts: Vec<String> = [
                ("Require Explicit Policy", pc.require_explicit_policy),
                ("Inhibit Policy Mapping", pc.inhibit_policy_mapping),
            ]
            .into_iter()
            .filter_map(|(n, v)| Some(format!("{n}:{}", v?)))
            .collect();
            format!("{}{}", " ".repeat(indent), parts.join(", "))
        }
        AKI => aki(
            &x509_cert::ext::pkix::AuthorityKeyIdentifier::from_der(bytes).ok()?,
            indent,
        ),
        NS_CERT_TYPE => {
            let bits = der::asn1::BitString::from_der(bytes).ok()?;
            let names: Vec<&str> = NS_TYPES
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    bits.raw_bytes()
                        .first()
                        .is_some_and(|b| b & (0x80 >> i) != 0)
                })
                .map(|(_, n)| *n)
                .collect();
            format!("{}{}", " ".repeat(indent), names.join(", "))
        }
        NS_COMMENT => format!(
            "{}{}",
            " ".repeat(indent),
            Ia5String::from_der(bytes).ok()?.as_str()
        ),
        SAN | IAN => {
            let names = x509_cert::ext::pkix::name::GeneralNames::from_der(bytes).ok()?;
            let list: Vec<String> = names.iter().map(general_name).collect();
            format!("{}{}", " ".repeat(indent), list.join(", "))
        }
        _ => return None,
    };
    Some(lines + "\n")
}

/// authorityKeyIdentifier (v3_akid.c `i2v_AUTHORITY_KEYID`): the key id, with a `keyid:`
/// prefix only when an issuer or serial follows, then each issuer name and `serial:`.
fn aki(a: &x509_cert::ext::pkix::AuthorityKeyIdentifier, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut lines = Vec::new();
    let more = a.authority_cert_issuer.is_some() || a.authority_cert_serial_number.is_some();
    if let Some(id) = &a.key_identifier {
        let hex = super::hex_upper(id.as_bytes());
        lines.push(if more {
            format!("{pad}keyid:{hex}")
        } else {
            format!("{pad}{hex}")
        });
    }
    for g in a.authority_cert_issuer.iter().flatten() {
        lines.push(format!("{pad}{}", general_name(g)));
    }
    if let Some(serial) = &a.authority_cert_serial_number {
        lines.push(format!(
            "{pad}serial:{}",
            super::hex_upper(serial.as_bytes())
        ));
    }
    lines.join("\n")
}

/// OpenSSL's `GENERAL_NAME_print` (CRL distribution points, name constraints): as
/// [`general_name`], but a directory name in the one-line form `C = US, O = x`.
fn general_name_print(g: &GeneralName) -> String {
    match g {
        GeneralName::DirectoryName(n) => format!("DirName:{}", name::to_openssl_string(n)),
        other => general_name(other),
    }
}

/// OpenSSL's `i2v_GENERAL_NAME` (alternative names, access descriptions, authority key
/// identifiers).
pub(super) fn general_name(g: &GeneralName) -> String {
    match g {
        GeneralName::Rfc822Name(s) => format!("email:{s}"),
        GeneralName::DnsName(s) => format!("DNS:{s}"),
        GeneralName::UniformResourceIdentifier(s) => format!("URI:{s}"),
        GeneralName::DirectoryName(n) => format!("DirName:{}", name::to_oneline(n)),
        GeneralName::IpAddress(o) => match ext::ip_from_bytes(o.as_bytes()) {
            Some(ip) => ext::San::Ip(ip).to_string(),
            None => "IP Address:<invalid>".into(),
        },
        GeneralName::RegisteredId(oid) => format!("Registered ID:{oid}"),
        GeneralName::OtherName(_) => "othername:<unsupported>".into(),
        GeneralName::EdiPartyName(_) => "EdiPartyName:<unsupported>".into(),
    }
}

fn aia(a: &AuthorityInfoAccessSyntax, indent: usize) -> String {
    let pad = " ".repeat(indent);
    a.0.iter()
        .map(|d| {
            let method = match d.access_method.to_string().as_str() {
                "1.3.6.1.5.5.7.48.1" => "OCSP".to_owned(),
                "1.3.6.1.5.5.7.48.2" => "CA Issuers".to_owned(),
                "1.3.6.1.5.5.7.48.3" => "AD Time Stamping".to_owned(),
                "1.3.6.1.5.5.7.48.4" => "ad dvcs".to_owned(),
                "1.3.6.1.5.5.7.48.5" => "CA Repository".to_owned(),
                other => other.to_owned(),
            };
            format!("{pad}{method} - {}", general_name(&d.access_location))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// CRL distribution points as OpenSSL 3.0's `i2r_crldp` prints them, its quirks kept: a
/// full name's last line and a CRL issuer's have no line end, so a `Reasons:` that follows
/// starts on the same line.
fn crl_dp(dps: &CrlDistributionPoints, indent: usize) -> Option<String> {
    const REASONS: [&str; 9] = [
        "Unused",
        "Key Compromise",
        "CA Compromise",
        "Affiliation Changed",
        "Superseded",
        "Cessation Of Operation",
        "Certificate Hold",
        "Privilege Withdrawn",
        "AA Compromise",
    ];
    let pad = " ".repeat(indent);
    let names = |gens: &[GeneralName]| {
        gens.iter()
            .map(|g| format!("{pad}  {}", general_name_print(g)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut s = String::new();
    for (i, dp) in dps.0.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        match &dp.distribution_point {
            Some(DistributionPointName::FullName(gens)) => {
                let _ = write!(s, "{pad}Full Name:\n{}", names(gens));
            }
            Some(DistributionPointName::NameRelativeToCRLIssuer(rdn)) => {
                let der = der::Encode::to_der(&vec![rdn.clone()]).ok()?;
                let name = x509_cert::name::Name::from_der(&der).ok()?;
                let _ = writeln!(
                    s,
                    "{pad}Relative Name:\n{pad}  {}",
                    name::to_openssl_string(&name)
                );
            }
            None => {}
        }
        if let Some(reasons) = &dp.reasons {
            let bits = reasons.bits();
            let set: Vec<&str> = REASONS
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, r)| *r)
                .collect();
            let list = if set.is_empty() {
                "<EMPTY>".to_owned()
            } else {
                set.join(", ")
            };
            let _ = writeln!(s, "{pad}Reasons:\n{pad}  {list}");
        }
        if let Some(gens) = &dp.crl_issuer {
            let _ = write!(s, "{pad}CRL Issuer:\n{}", names(gens));
        }
    }
    Some(s)
}

/// Name constraints (v3_ncons.c `i2r_NAME_CONSTRAINTS`): `Permitted:` and `Excluded:`, a name
/// a line; an IP as `IP:address/mask`.
fn name_constraints(nc: &NameConstraints, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let trees = |label: &str, trees: &[GeneralSubtree]| {
        let lines: Vec<String> = trees
            .iter()
            .map(|t| match &t.base {
                GeneralName::IpAddress(o) => format!("{pad}  IP:{}", nc_ip(o.as_bytes())),
                other => format!("{pad}  {}", general_name_print(other)),
            })
            .collect();
        if lines.is_empty() {
            String::new()
        } else {
            format!("{pad}{label}:\n{}", lines.join("\n"))
        }
    };
    let permitted = nc.permitted_subtrees.as_deref().unwrap_or_default();
    let excluded = nc.excluded_subtrees.as_deref().unwrap_or_default();
    let mut s = trees("Permitted", permitted);
    if nc.permitted_subtrees.is_some() && nc.excluded_subtrees.is_some() {
        s.push('\n');
    }
    s.push_str(&trees("Excluded", excluded));
    s
}

/// `address/mask` (`print_nc_ipadd`): the first 4 or 16 octets, then the rest.
fn nc_ip(b: &[u8]) -> String {
    let split = if b.len() >= 16 {
        16
    } else if b.len() >= 4 {
        4
    } else {
        b.len()
    };
    let (addr, mask) = b.split_at(split);
    format!("{}/{}", ip_text(addr), ip_text(mask))
}

/// OpenSSL's `ossl_ipaddr_to_asc`: dotted IPv4, eight upper-case IPv6 groups, else the octets
/// in hex.
fn ip_text(b: &[u8]) -> String {
    match b.len() {
        4 => format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]),
        16 => b
            .chunks_exact(2)
            .map(|p| format!("{:X}", u16::from_be_bytes([p[0], p[1]])))
            .collect::<Vec<_>>()
            .join(":"),
        _ => b
            .iter()
            .map(|x| format!("{x:02X}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

fn policies(p: &CertificatePolicies, indent: usize) -> Option<String> {
    const ANY_POLICY: &str = "2.5.29.32.0";
    const CPS: &str = "1.3.6.1.5.5.7.2.1";
    const USER_NOTICE: &str = "1.3.6.1.5.5.7.2.2";
    let pad = " ".repeat(indent);
    let mut out = Vec::new();
    for info in &p.0 {
        let id = info.policy_identifier.to_string();
        let id = if id == ANY_POLICY {
            "X509v3 Any Policy".to_owned()
        } else {
            id
        };
        let mut s = format!("{pad}Policy: {id}");
        for q in info.policy_qualifiers.iter().flatten() {
            let value = q.qualifier.as_ref();
            match q.policy_qualifier_id.to_string().as_str() {
                CPS => {
                    let uri = value?.decode_as::<Ia5String>().ok()?;
                    let _ = write!(s, "\n{pad}  CPS: {uri}");
                }
                USER_NOTICE => {
                    let _ = write!(s, "\n{pad}  User Notice:");
                    s.push_str(&user_notice(value?, indent + 4)?);
                }
                other => {
                    let _ = write!(s, "\n{pad}    Unknown Qualifier: {other}");
                }
            }
        }
        out.push(s);
    }
    Some(out.join("\n"))
}

/// `UserNotice ::= SEQUENCE { noticeRef NoticeReference OPTIONAL, explicitText DisplayText
/// OPTIONAL }`, read loosely (x509-cert's type mistypes noticeRef).
fn user_notice(value: &Any, indent: usize) -> Option<String> {
    let pad = " ".repeat(indent);
    let items: Vec<Any> = value.decode_as().ok()?;
    let mut s = String::new();
    for item in items {
        if item.tag() == Tag::Sequence {
            let parts: Vec<Any> = item.decode_as().ok()?;
            let org = parts.first().and_then(name::attribute_value_string)?;
            let numbers: Vec<Any> = parts.get(1)?.decode_as().ok()?;
            let numbers: Vec<String> = numbers
                .iter()
                .map(|n| {
                    n.value()
                        .iter()
                        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
                        .to_string()
                })
                .collect();
            let plural = if numbers.len() > 1 { "s" } else { "" };
            let _ = write!(
                s,
                "\n{pad}Organization: {org}\n{pad}Number{plural}: {}",
                numbers.join(", ")
            );
        } else {
            let text = name::attribute_value_string(&item)?;
            let _ = write!(s, "\n{pad}Explicit Text: {text}");
        }
    }
    Some(s)
}

/// OpenSSL's `BIO_hex_string`: upper-case `AA:` bytes, `width` a line, continuation lines
/// indented by `indent`.
fn hex_string(indent: usize, width: usize, data: &[u8]) -> String {
    let mut s = String::new();
    let Some((last, rest)) = data.split_last() else {
        return s;
    };
    let mut j = 0;
    for (i, b) in rest.iter().enumerate() {
        if i > 0 && j == 0 {
            s.push_str(&" ".repeat(indent));
        }
        let _ = write!(s, "{b:02X}:");
        j = (j + 1) % width;
        if j == 0 {
            s.push('\n');
        }
    }
    if !rest.is_empty() && j == 0 {
        s.push_str(&" ".repeat(indent));
    }
    let _ = write!(s, "{last:02X}");
    s
}

/// A TLS `opaque<0..2^16-1>`: a 16-bit length and the bytes.
fn take_u16_prefixed<'a>(b: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, rest) = b.split_first_chunk::<2>()?;
    let len = usize::from(u16::from_be_bytes(*len));
    if rest.len() < len {
        return None;
    }
    let (v, rest) = rest.split_at(len);
    *b = rest;
    Some(v)
}

/// The SignedCertificateTimestampList of RFC 6962 section 3.3, in an OCTET STRING.
fn scts(value: &[u8], indent: usize) -> Option<String> {
    let list = der::asn1::OctetString::from_der(value).ok()?;
    let mut outer = list.as_bytes();
    let mut all = take_u16_prefixed(&mut outer)?;
    if !outer.is_empty() {
        return None;
    }
    let pad = " ".repeat(indent);
    let mut out = Vec::new();
    while !all.is_empty() {
        let mut sct = take_u16_prefixed(&mut all)?;
        let (&version, rest) = sct.split_first()?;
        let (log_id, rest) = rest.split_first_chunk::<32>()?;
        let (ts, mut rest) = rest.split_first_chunk::<8>()?;
        let exts = take_u16_prefixed(&mut rest)?;
        let (&[hash, sig], mut rest) = rest.split_first_chunk::<2>()?;
        let signature = take_u16_prefixed(&mut rest)?;
        sct = rest;
        if version != 0 || !sct.is_empty() {
            return None;
        }
        let ms = u64::from_be_bytes(*ts);
        let t = DateTime::from_unix_duration(std::time::Duration::from_secs(ms / 1000)).ok()?;
        let alg = match (hash, sig) {
            (4, 3) => "ecdsa-with-SHA256",
            (5, 3) => "ecdsa-with-SHA384",
            (4, 1) => "sha256WithRSAEncryption",
            _ => return None,
        };
        let deep = indent + 4;
        let cont = indent + 16;
        let dpad = " ".repeat(deep);
        let mut s = format!(
            "{pad}Signed Certificate Timestamp:\n{dpad}Version   : v1 (0x0)\n{dpad}Log ID    : {}\n",
            hex_string(cont, 16, log_id)
        );
        let _ = writeln!(
            s,
            "{dpad}Timestamp : {} {:2} {:02}:{:02}:{:02}.{:03} {} GMT",
            MONTHS[usize::from(t.month().clamp(1, 12)) - 1],
            t.day(),
            t.hour(),
            t.minutes(),
            t.seconds(),
            ms % 1000,
            t.year()
        );
        if exts.is_empty() {
            let _ = writeln!(s, "{dpad}Extensions: none");
        } else {
            let _ = writeln!(s, "{dpad}Extensions: {}", hex_string(cont, 16, exts));
        }
        let _ = write!(
            s,
            "{dpad}Signature : {alg}\n{}{}",
            " ".repeat(cont),
            hex_string(cont, 16, signature)
        );
        out.push(s);
    }
    Some(out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_string_wraps_like_openssl() {
        assert_eq!(hex_string(2, 2, &[1, 2, 3]), "01:02:\n  03");
        assert_eq!(hex_string(2, 2, &[1, 2]), "01:02");
        assert_eq!(hex_string(2, 2, &[1]), "01");
        assert_eq!(hex_string(2, 2, &[]), "");
    }
}
