//! `openssl asn1parse`: the DER structure of anything, one line per object, exactly as
//! OpenSSL 3.0's `ASN1_parse_dump` prints it, for auditors reading what a file says.
//!
//! Each line is `OFFSET:d=DEPTH hl=HEADER l=LENGTH prim|cons: TYPE` and, for primitives, the
//! value: INTEGER and ENUMERATED in hexadecimal (negative ones with `-`), BOOLEAN as `255`/`0`,
//! OBJECT by OpenSSL's long name (or dotted), strings and times as their bytes, OCTET STRING as
//! text when printable and `[HEX DUMP]:` otherwise, with `-dump` a hex dump of OCTET and BIT
//! STRINGs. Indefinite-length BER is refused, never guessed at.

use std::fmt::Write as _;

use crate::error::{Error, Result};

/// OpenSSL's long names of the OIDs pki meets (`OBJ_nid2ln`), taken from OpenSSL 3.0.19.
const OID_NAMES: &[(&str, &str)] = &[
    ("2.5.4.3", "commonName"),
    ("2.5.4.6", "countryName"),
    ("2.5.4.7", "localityName"),
    ("2.5.4.8", "stateOrProvinceName"),
    ("2.5.4.9", "streetAddress"),
    ("2.5.4.10", "organizationName"),
    ("2.5.4.11", "organizationalUnitName"),
    ("2.5.4.12", "title"),
    ("2.5.4.4", "surname"),
    ("2.5.4.42", "givenName"),
    ("2.5.4.43", "initials"),
    ("2.5.4.44", "generationQualifier"),
    ("2.5.4.46", "dnQualifier"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.17", "postalCode"),
    ("2.5.4.65", "pseudonym"),
    ("2.5.4.15", "businessCategory"),
    ("2.5.4.13", "description"),
    ("0.9.2342.19200300.100.1.25", "domainComponent"),
    ("0.9.2342.19200300.100.1.1", "userId"),
    ("1.2.840.113549.1.9.1", "emailAddress"),
    ("1.2.840.113549.1.9.2", "unstructuredName"),
    ("1.2.840.113549.1.9.7", "challengePassword"),
    ("1.2.840.113549.1.9.14", "Extension Request"),
    ("1.2.840.113549.1.9.20", "friendlyName"),
    ("1.2.840.113549.1.9.21", "localKeyID"),
    ("1.2.840.113549.1.9.22.1", "x509Certificate"),
    ("1.2.840.113549.1.1.1", "rsaEncryption"),
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption"),
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"),
    ("1.2.840.113549.1.1.11", "sha256WithRSAEncryption"),
    ("1.2.840.113549.1.1.12", "sha384WithRSAEncryption"),
    ("1.2.840.113549.1.1.13", "sha512WithRSAEncryption"),
    ("1.2.840.113549.1.1.14", "sha224WithRSAEncryption"),
    ("1.2.840.113549.1.1.10", "rsassaPss"),
    ("1.2.840.113549.1.1.8", "mgf1"),
    ("1.2.840.113549.1.1.7", "rsaesOaep"),
    ("1.2.840.10045.2.1", "id-ecPublicKey"),
    ("1.2.840.10045.3.1.7", "prime256v1"),
    ("1.3.132.0.34", "secp384r1"),
    ("1.3.132.0.35", "secp521r1"),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
    ("1.2.840.10045.4.3.1", "ecdsa-with-SHA224"),
    ("1.2.840.10045.4.3.2", "ecdsa-with-SHA256"),
    ("1.2.840.10045.4.3.3", "ecdsa-with-SHA384"),
    ("1.2.840.10045.4.3.4", "ecdsa-with-SHA512"),
    ("1.3.101.112", "ED25519"),
    ("1.3.101.113", "ED448"),
    ("1.3.101.110", "X25519"),
    ("1.3.101.111", "X448"),
    ("1.2.840.10040.4.1", "dsaEncryption"),
    ("1.2.840.10040.4.3", "dsaWithSHA1"),
    ("2.16.840.1.101.3.4.3.1", "dsa_with_SHA224"),
    ("2.16.840.1.101.3.4.3.2", "dsa_with_SHA256"),
    ("1.3.14.3.2.26", "sha1"),
    ("2.16.840.1.101.3.4.2.1", "sha256"),
    ("2.16.840.1.101.3.4.2.2", "sha384"),
    ("2.16.840.1.101.3.4.2.3", "sha512"),
    ("2.16.840.1.101.3.4.2.4", "sha224"),
    ("1.2.840.113549.2.5", "md5"),
    ("1.2.840.113549.2.7", "hmacWithSHA1"),
    ("1.2.840.113549.2.9", "hmacWithSHA256"),
    ("1.2.840.113549.2.10", "hmacWithSHA384"),
    ("1.2.840.113549.2.11", "hmacWithSHA512"),
    ("1.2.840.113549.1.5.13", "PBES2"),
    ("1.2.840.113549.1.5.12", "PBKDF2"),
    ("1.2.840.113549.1.5.3", "pbeWithMD5AndDES-CBC"),
    ("1.2.840.113549.1.5.10", "pbeWithSHA1AndDES-CBC"),
    ("2.16.840.1.101.3.4.1.2", "aes-128-cbc"),
    ("2.16.840.1.101.3.4.1.22", "aes-192-cbc"),
    ("2.16.840.1.101.3.4.1.42", "aes-256-cbc"),
    ("2.16.840.1.101.3.4.1.6", "aes-128-gcm"),
    ("2.16.840.1.101.3.4.1.46", "aes-256-gcm"),
    ("1.2.840.113549.3.7", "des-ede3-cbc"),
    ("1.3.14.3.2.7", "des-cbc"),
    ("1.3.6.1.4.1.11591.4.11", "scrypt"),
    ("1.2.840.113549.1.7.1", "pkcs7-data"),
    ("1.2.840.113549.1.7.2", "pkcs7-signedData"),
    ("1.2.840.113549.1.7.3", "pkcs7-envelopedData"),
    ("1.2.840.113549.1.7.6", "pkcs7-encryptedData"),
    ("1.2.840.113549.1.12.1.1", "pbeWithSHA1And128BitRC4"),
    ("1.2.840.113549.1.12.1.2", "pbeWithSHA1And40BitRC4"),
    (
        "1.2.840.113549.1.12.1.3",
        "pbeWithSHA1And3-KeyTripleDES-CBC",
    ),
    (
        "1.2.840.113549.1.12.1.4",
        "pbeWithSHA1And2-KeyTripleDES-CBC",
    ),
    ("1.2.840.113549.1.12.1.5", "pbeWithSHA1And128BitRC2-CBC"),
    ("1.2.840.113549.1.12.1.6", "pbeWithSHA1And40BitRC2-CBC"),
    ("1.2.840.113549.1.12.10.1.1", "keyBag"),
    ("1.2.840.113549.1.12.10.1.2", "pkcs8ShroudedKeyBag"),
    ("1.2.840.113549.1.12.10.1.3", "certBag"),
    ("2.5.29.14", "X509v3 Subject Key Identifier"),
    ("2.5.29.15", "X509v3 Key Usage"),
    ("2.5.29.16", "X509v3 Private Key Usage Period"),
    ("2.5.29.17", "X509v3 Subject Alternative Name"),
    ("2.5.29.18", "X509v3 Issuer Alternative Name"),
    ("2.5.29.19", "X509v3 Basic Constraints"),
    ("2.5.29.20", "X509v3 CRL Number"),
    ("2.5.29.21", "X509v3 CRL Reason Code"),
    ("2.5.29.23", "Hold Instruction Code"),
    ("2.5.29.24", "Invalidity Date"),
    ("2.5.29.27", "X509v3 Delta CRL Indicator"),
    ("2.5.29.28", "X509v3 Issuing Distribution Point"),
    ("2.5.29.29", "X509v3 Certificate Issuer"),
    ("2.5.29.30", "X509v3 Name Constraints"),
    ("2.5.29.31", "X509v3 CRL Distribution Points"),
    ("2.5.29.32", "X509v3 Certificate Policies"),
    ("2.5.29.33", "X509v3 Policy Mappings"),
    ("2.5.29.35", "X509v3 Authority Key Identifier"),
    ("2.5.29.36", "X509v3 Policy Constraints"),
    ("2.5.29.37", "X509v3 Extended Key Usage"),
    ("2.5.29.46", "X509v3 Freshest CRL"),
    ("2.5.29.54", "X509v3 Inhibit Any Policy"),
    ("2.5.29.32.0", "X509v3 Any Policy"),
    ("2.5.29.37.0", "Any Extended Key Usage"),
    ("1.3.6.1.5.5.7.1.1", "Authority Information Access"),
    ("1.3.6.1.5.5.7.1.11", "Subject Information Access"),
    ("1.3.6.1.5.5.7.1.24", "TLS Feature"),
    ("1.3.6.1.5.5.7.48.1", "OCSP"),
    ("1.3.6.1.5.5.7.48.2", "CA Issuers"),
    ("1.3.6.1.5.5.7.48.1.1", "Basic OCSP Response"),
    ("1.3.6.1.5.5.7.48.1.2", "OCSP Nonce"),
    ("1.3.6.1.5.5.7.48.1.5", "OCSP No Check"),
    ("1.3.6.1.5.5.7.3.1", "TLS Web Server Authentication"),
    ("1.3.6.1.5.5.7.3.2", "TLS Web Client Authentication"),
    ("1.3.6.1.5.5.7.3.3", "Code Signing"),
    ("1.3.6.1.5.5.7.3.4", "E-mail Protection"),
    ("1.3.6.1.5.5.7.3.8", "Time Stamping"),
    ("1.3.6.1.5.5.7.3.9", "OCSP Signing"),
    ("1.3.6.1.5.5.7.2.1", "Policy Qualifier CPS"),
    ("1.3.6.1.5.5.7.2.2", "Policy Qualifier User Notice"),
    ("2.16.840.1.113730.1.1", "Netscape Cert Type"),
    ("2.16.840.1.113730.1.13", "Netscape Comment"),
    ("1.3.6.1.4.1.11129.2.4.2", "CT Precertificate SCTs"),
    ("1.3.6.1.4.1.11129.2.4.3", "CT Precertificate Poison"),
    ("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionCountryName"),
];

/// OpenSSL's long name of a dotted OID, when it has one.
pub fn oid_name(dotted: &str) -> Option<&'static str> {
    OID_NAMES
        .iter()
        .find(|(o, _)| *o == dotted)
        .map(|(_, n)| *n)
}

/// `ASN1_tag2str` for universal tags.
fn universal_name(tag: u32) -> String {
    const NAMES: [&str; 31] = [
        "EOC",
        "BOOLEAN",
        "INTEGER",
        "BIT STRING",
        "OCTET STRING",
        "NULL",
        "OBJECT",
        "OBJECT DESCRIPTOR",
        "EXTERNAL",
        "REAL",
        "ENUMERATED",
        "<ASN1 11>",
        "UTF8STRING",
        "<ASN1 13>",
        "<ASN1 14>",
        "<ASN1 15>",
        "SEQUENCE",
        "SET",
        "NUMERICSTRING",
        "PRINTABLESTRING",
        "T61STRING",
        "VIDEOTEXSTRING",
        "IA5STRING",
        "UTCTIME",
        "GENERALIZEDTIME",
        "GRAPHICSTRING",
        "VISIBLESTRING",
        "GENERALSTRING",
        "UNIVERSALSTRING",
        "<ASN1 29>",
        "BMPSTRING",
    ];
    NAMES
        .get(tag as usize)
        .map_or_else(|| "(unknown)".to_owned(), |n| (*n).to_owned())
}

/// What `asn1parse` is asked to show.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `-i`: indent the type by depth.
    pub indent: bool,
    /// `-dump` (`Some(None)`) or `-dlimit N` (`Some(Some(N))`).
    pub dump: Option<Option<usize>>,
}

/// One object's header.
#[derive(Debug, Clone, Copy)]
struct Header {
    class: u8,
    constructed: bool,
    tag: u32,
    header_len: usize,
    len: usize,
}

fn encoding(why: &str) -> Error {
    Error::Refused {
        message: format!("ASN1_get_object: {why}"),
        usage: false,
    }
}

/// The header at the start of `buf`, checked to fit in `buf`.
fn header(buf: &[u8]) -> Result<Header> {
    let first = *buf.first().ok_or_else(|| encoding("header too long"))?;
    let class = first >> 6;
    let constructed = first & 0x20 != 0;
    let mut i = 1;
    let mut tag = u32::from(first & 0x1f);
    if tag == 0x1f {
        tag = 0;
        loop {
            let b = *buf.get(i).ok_or_else(|| encoding("header too long"))?;
            i += 1;
            tag = tag
                .checked_mul(128)
                .and_then(|t| t.checked_add(u32::from(b & 0x7f)))
                .ok_or_else(|| encoding("header too long"))?;
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let l = *buf.get(i).ok_or_else(|| encoding("header too long"))?;
    i += 1;
    let len = if l & 0x80 == 0 {
        usize::from(l)
    } else {
        let n = usize::from(l & 0x7f);
        if n == 0 {
            return Err(Error::Refused {
                message: "indefinite-length BER, which pki's asn1parse does not read (DER only)"
                    .into(),
                usage: false,
            });
        }
        let bytes = buf
            .get(i..i + n)
            .ok_or_else(|| encoding("header too long"))?;
        i += n;
        bytes.iter().try_fold(0usize, |acc, b| {
            acc.checked_mul(256)
                .and_then(|a| a.checked_add(usize::from(*b)))
                .ok_or_else(|| encoding("header too long"))
        })?
    };
    if buf.len() - i < len {
        return Err(encoding("too long"));
    }
    Ok(Header {
        class,
        constructed,
        tag,
        header_len: i,
        len,
    })
}

/// A dotted OID from its content octets; `None` when malformed.
fn dotted(content: &[u8]) -> Option<String> {
    if content.is_empty() || content.last().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let mut arcs: Vec<u128> = Vec::new();
    let mut v: u128 = 0;
    for b in content {
        v = v.checked_mul(128)?.checked_add(u128::from(b & 0x7f))?;
        if b & 0x80 == 0 {
            arcs.push(v);
            v = 0;
        }
    }
    let first = arcs[0];
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut s = format!("{a}.{b}");
    for arc in &arcs[1..] {
        let _ = write!(s, ".{arc}");
    }
    Some(s)
}

/// An INTEGER's value as OpenSSL prints it: hex of the magnitude, `-` when negative.
fn integer(content: &[u8]) -> String {
    if content.is_empty() {
        return "BAD INTEGER".into();
    }
    let negative = content[0] & 0x80 != 0;
    let magnitude: Vec<u8> = if negative {
        // Two's complement: invert and add one.
        let mut m: Vec<u8> = content.iter().map(|b| !b).collect();
        for b in m.iter_mut().rev() {
            let (v, carry) = b.overflowing_add(1);
            *b = v;
            if !carry {
                break;
            }
        }
        m
    } else {
        content.to_vec()
    };
    let start = magnitude
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(magnitude.len());
    let hex: String = magnitude[start..]
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let hex = if hex.is_empty() { "00".to_owned() } else { hex };
    if negative { format!("-{hex}") } else { hex }
}

/// OpenSSL's `BIO_dump_indent` with an indent of 6.
fn dump(out: &mut Vec<u8>, bytes: &[u8]) {
    for (line, chunk) in bytes.chunks(16).enumerate() {
        let mut s = format!("      {:04x} - ", line * 16);
        for j in 0..16 {
            match chunk.get(j) {
                Some(b) => {
                    let sep = if j == 7 { '-' } else { ' ' };
                    let _ = write!(s, "{b:02x}{sep}");
                }
                None => s.push_str("   "),
            }
        }
        s.push_str("  ");
        for b in chunk {
            s.push(if (0x20..0x7f).contains(b) {
                char::from(*b)
            } else {
                '.'
            });
        }
        s.push('\n');
        out.extend_from_slice(s.as_bytes());
    }
}

fn printable(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|b| (b' '..=b'~').contains(b) || matches!(b, b'\n' | b'\r' | b'\t'))
}

/// Parses `buf` from its first byte to its end, printing each object; offsets count from the
/// start of `buf`. What was printed before an encoding error is returned with it, as OpenSSL
/// prints the lines before `Error in encoding`.
pub fn parse(buf: &[u8], opts: &Options) -> (Vec<u8>, Result<()>) {
    let mut out = Vec::new();
    let r = walk(&mut out, buf, 0, 0, opts);
    (out, r)
}

fn walk(out: &mut Vec<u8>, buf: &[u8], base: usize, depth: usize, opts: &Options) -> Result<()> {
    let mut pos = 0;
    while pos < buf.len() {
        let h = header(&buf[pos..])?;
        let content = &buf[pos + h.header_len..pos + h.header_len + h.len];
        let name = match h.class {
            0 => universal_name(h.tag),
            1 => format!("appl [ {} ]", h.tag),
            2 => format!("cont [ {} ]", h.tag),
            _ => format!("priv [ {} ]", h.tag),
        };
        let pad = if opts.indent {
            " ".repeat(depth)
        } else {
            String::new()
        };
        let line = format!(
            "{:5}:d={:<2} hl={} l={:4} {}: {pad}{name:<18}",
            base + pos,
            depth,
            h.header_len,
            h.len,
            if h.constructed { "cons" } else { "prim" },
        );
        out.extend_from_slice(line.as_bytes());
        if h.constructed {
            out.push(b'\n');
            walk(out, content, base + pos + h.header_len, depth + 1, opts)?;
        } else if h.class != 0 {
            out.push(b'\n');
        } else {
            primitive(out, h.tag, content, opts);
        }
        pos += h.header_len + h.len;
    }
    Ok(())
}

fn primitive(out: &mut Vec<u8>, tag: u32, content: &[u8], opts: &Options) {
    let mut dump_it = false;
    match tag {
        1 => {
            let v = match content {
                [b] => b.to_string(),
                _ => "Bad boolean".into(),
            };
            out.extend_from_slice(format!(":{v}").as_bytes());
        }
        2 | 10 => out.extend_from_slice(format!(":{}", integer(content)).as_bytes()),
        5 | 30 => {}
        6 => {
            let v = match dotted(content) {
                Some(d) => oid_name(&d).map_or(d, str::to_owned),
                None => "BAD OBJECT".into(),
            };
            out.extend_from_slice(format!(":{v}").as_bytes());
        }
        12 | 18 | 19 | 20 | 22 | 23 | 24 | 26 => {
            out.push(b':');
            out.extend_from_slice(content);
        }
        4 => {
            if content.is_empty() {
            } else if printable(content) {
                out.push(b':');
                out.extend_from_slice(content);
            } else if opts.dump.is_none() {
                out.extend_from_slice(b"[HEX DUMP]:");
                let hex: String = content.iter().map(|b| format!("{b:02X}")).collect();
                out.extend_from_slice(hex.as_bytes());
            } else {
                dump_it = true;
            }
        }
        _ => dump_it = opts.dump.is_some() && !content.is_empty(),
    }
    out.push(b'\n');
    if dump_it && let Some(limit) = opts.dump {
        let n = limit.map_or(content.len(), |l| l.min(content.len()));
        dump(out, &content[..n]);
    }
}

/// `-strparse OFFSET`: what OpenSSL parses next from the object at `offset` of `buf`: a
/// string's contents (a BIT STRING's after its unused-bits octet), or the whole encoding of a
/// constructed or tagged object.
pub fn strparse(buf: &[u8], offset: usize) -> Result<Vec<u8>> {
    let rest = buf
        .get(offset..)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| Error::Refused {
            message: format!("Error parsing structure: offset {offset} is past the end"),
            usage: false,
        })?;
    let h = header(rest)?;
    let whole = &rest[..h.header_len + h.len];
    let content = &whole[h.header_len..];
    if h.constructed || h.class != 0 {
        return Ok(whole.to_vec());
    }
    match h.tag {
        1 => Err(Error::Refused {
            message: "Can't parse BOOLEAN type".into(),
            usage: false,
        }),
        3 => Ok(content.get(1..).unwrap_or_default().to_vec()),
        _ => Ok(content.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_values_are_openssls() {
        // SEQUENCE { INTEGER -5, BOOLEAN TRUE, OBJECT commonName, OCTET STRING 00FF10 }
        let der = [
            0x30, 0x10, 0x02, 0x01, 0xfb, 0x01, 0x01, 0xff, 0x06, 0x03, 0x55, 0x04, 0x03, 0x04,
            0x03, 0x00, 0xff, 0x10,
        ];
        let opts = Options {
            indent: true,
            dump: None,
        };
        let (out, r) = parse(&der, &opts);
        assert!(r.is_ok());
        let text = String::from_utf8(out).unwrap_or_default();
        assert_eq!(
            text,
            "    0:d=0  hl=2 l=  16 cons: SEQUENCE          \n\
             \x20   2:d=1  hl=2 l=   1 prim:  INTEGER           :-05\n\
             \x20   5:d=1  hl=2 l=   1 prim:  BOOLEAN           :255\n\
             \x20   8:d=1  hl=2 l=   3 prim:  OBJECT            :commonName\n\
             \x20  13:d=1  hl=2 l=   3 prim:  OCTET STRING      [HEX DUMP]:00FF10\n"
        );
        assert!(parse(&der[..10], &opts).1.is_err());
        assert_eq!(integer(&[0x00, 0x80]), "80");
        assert_eq!(integer(&[0xff, 0x00]), "-0100");
        assert_eq!(dotted(&[0x2a, 0x86, 0x48]).as_deref(), Some("1.2.840"));
    }
}
