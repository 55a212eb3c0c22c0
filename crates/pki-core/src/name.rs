//! Distinguished names: OpenSSL's `-subj` syntax in, OpenSSL's and RFC 4514's text out.
//!
//! ```text
//! Name ::= CHOICE { rdnSequence  RDNSequence }
//! RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
//! RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
//! AttributeTypeAndValue ::= SEQUENCE { type AttributeType, value AttributeValue }
//! ```
//!
//! See [RFC 5280 section 4.1.2.4] for the structure and [RFC 4514] for the string form.
//!
//! [RFC 5280 section 4.1.2.4]: https://datatracker.ietf.org/doc/html/rfc5280#section-4.1.2.4
//! [RFC 4514]: https://datatracker.ietf.org/doc/html/rfc4514

use std::fmt::Write as _;

use der::asn1::{Any, ObjectIdentifier};
use der::{Decode, Encode, Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

mod print;
pub use crate::error::NameError;
pub use print::NameOpt;

/// How a `-subj` value is encoded, as OpenSSL's default `string_mask = utf8only` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Printable,
    Ia5,
}

/// An attribute type this module knows by name.
struct Attribute {
    oid: ObjectIdentifier,
    /// OpenSSL's short name: accepted in `-subj`, printed by [`to_openssl_string`].
    short: &'static str,
    /// OpenSSL's long name: accepted in `-subj`.
    long: &'static str,
    /// The RFC 4514 keyword or RFC 4519 descriptor printed by [`to_rfc4514`].
    ldap: &'static str,
    encoding: Encoding,
    /// Upper bound in characters that OpenSSL 3.0 enforces (its `a_strnid.c` table).
    max: Option<usize>,
}

const fn attr(
    oid: &str,
    short: &'static str,
    long: &'static str,
    ldap: &'static str,
    encoding: Encoding,
    max: Option<usize>,
) -> Attribute {
    Attribute {
        oid: ObjectIdentifier::new_unwrap(oid),
        short,
        long,
        ldap,
        encoding,
        max,
    }
}

const OID_COUNTRY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");

#[rustfmt::skip]
const ATTRIBUTES: &[Attribute] = {
    use Encoding::{Ia5, Printable, Utf8};
    &[
        attr("2.5.4.6", "C", "countryName", "C", Printable, Some(2)),
        attr("2.5.4.8", "ST", "stateOrProvinceName", "ST", Utf8, Some(128)),
        attr("2.5.4.7", "L", "localityName", "L", Utf8, Some(128)),
        attr("2.5.4.10", "O", "organizationName", "O", Utf8, Some(64)),
        attr("2.5.4.11", "OU", "organizationalUnitName", "OU", Utf8, Some(64)),
        attr("2.5.4.3", "CN", "commonName", "CN", Utf8, Some(64)),
        attr("2.5.4.9", "street", "streetAddress", "STREET", Utf8, None),
        attr("0.9.2342.19200300.100.1.25", "DC", "domainComponent", "DC", Ia5, None),
        attr("0.9.2342.19200300.100.1.1", "UID", "userId", "UID", Utf8, None),
        attr("1.2.840.113549.1.9.1", "emailAddress", "emailAddress", "emailAddress", Ia5, Some(128)),
        attr("2.5.4.5", "serialNumber", "serialNumber", "serialNumber", Printable, Some(64)),
        attr("2.5.4.12", "title", "title", "title", Utf8, None),
        attr("2.5.4.42", "GN", "givenName", "givenName", Utf8, Some(32768)),
        attr("2.5.4.4", "SN", "surname", "sn", Utf8, Some(32768)),
        attr("2.5.4.43", "initials", "initials", "initials", Utf8, Some(32768)),
        attr("2.5.4.41", "name", "name", "name", Utf8, Some(32768)),
        attr("2.5.4.44", "generationQualifier", "generationQualifier", "generationQualifier", Utf8, None),
        attr("2.5.4.65", "pseudonym", "pseudonym", "pseudonym", Utf8, None),
        attr("2.5.4.46", "dnQualifier", "dnQualifier", "dnQualifier", Printable, None),
        attr("2.5.4.13", "description", "description", "description", Utf8, None),
        attr("2.5.4.17", "postalCode", "postalCode", "postalCode", Utf8, None),
        attr("2.5.4.15", "businessCategory", "businessCategory", "businessCategory", Utf8, None),
        attr("1.2.840.113549.1.9.2", "unstructuredName", "unstructuredName", "unstructuredName", Utf8, None),
    ]
};

fn by_oid(oid: &ObjectIdentifier) -> Option<&'static Attribute> {
    ATTRIBUTES.iter().find(|a| a.oid == *oid)
}

/// One `TYPE=VALUE` of a `-subj` string, value unescaped.
struct Component {
    attribute: String,
    value: String,
    /// Followed by an unescaped `+`: the next component is in the same RDN.
    joins_next: bool,
}

/// Parses OpenSSL's `-subj` syntax (`/C=CN/O=Example/CN=x`).
///
/// Components are separated by unescaped `/`; an unescaped `+` puts the next attribute into the
/// same (multi-valued) RDN, as in `/CN=a+OU=b`; `\` makes the next character literal. The
/// attribute type is OpenSSL's short or long name, case-sensitive (`CN`, `commonName`, not
/// `cn`), or a dotted OID. Values are encoded as OpenSSL 3.0 does by default
/// (`string_mask = utf8only`): UTF8String, except countryName, serialNumber and dnQualifier
/// (PrintableString) and emailAddress and domainComponent (IA5String), with OpenSSL's length
/// limits (for example 64 characters for CN, O and OU).
///
/// Like OpenSSL 3.0, a single trailing `/` is accepted and `/` alone is the empty name. Where
/// OpenSSL only warns and drops a component, this is an error instead:
/// - `/CN=` (no value): [`NameError::EmptyValue`];
/// - an unknown type such as `/cn=x`: [`NameError::UnknownAttribute`];
/// - `//`, `/+`, `+/` and a trailing `+`: [`NameError::EmptyComponent`] (OpenSSL reads
///   `/CN=a//O=b` as a type named `/O` and drops it).
///
/// Dotted OIDs that OpenSSL does not know (`/1.2.3.4=x`) are accepted and encoded as
/// UTF8String; OpenSSL drops them. Values are taken as UTF-8, as with `openssl req -utf8`.
pub fn parse_subj(s: &str) -> Result<Name, NameError> {
    let rest = s.strip_prefix('/').ok_or(NameError::NoLeadingSlash)?;
    let mut rdns = RdnSequence::default();
    let mut rdn = Vec::new();
    for component in split_components(rest)? {
        rdn.push(attribute_type_and_value(&component)?);
        if !component.joins_next {
            let set = RelativeDistinguishedName::try_from(std::mem::take(&mut rdn))
                .map_err(|error| NameError::Encode { error })?;
            rdns.push(set);
        }
    }
    // `split_components` never ends on a component that joins the next one.
    debug_assert!(rdn.is_empty());
    let der = rdns.to_der().map_err(|error| NameError::Encode { error })?;
    Name::from_der(&der).map_err(|error| NameError::Encode { error })
}

/// A name from the `key = value` fields of a config section, in order, as OpenSSL's
/// `X509V3_NAME_from_section` reads them: `0.OU` and `1.OU` are two OUs (the type is what
/// follows the first `.`, `:` or `,`), and a leading `+` joins the previous RDN.
pub fn from_section_fields<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Name, NameError> {
    let mut subj = String::new();
    for (key, value) in fields {
        let mut attr = key;
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
        for c in value.chars() {
            if matches!(c, '/' | '+' | '\\') {
                subj.push('\\');
            }
            subj.push(c);
        }
    }
    parse_subj(&subj)
}

fn split_components(rest: &str) -> Result<Vec<Component>, NameError> {
    let mut components = Vec::new();
    let mut chars = rest.chars();
    let mut after_plus = false;
    loop {
        let mut attribute = String::new();
        loop {
            match chars.next() {
                Some('=') if attribute.is_empty() => return Err(NameError::EmptyAttributeType),
                Some('=') => break,
                Some('/' | '+') if attribute.is_empty() => return Err(NameError::EmptyComponent),
                Some('/' | '+') => {
                    return Err(NameError::MissingEquals {
                        component: attribute,
                    });
                }
                Some(c) => attribute.push(c),
                // The end, right after the leading or a trailing '/'.
                None if attribute.is_empty() && !after_plus => return Ok(components),
                None if attribute.is_empty() => return Err(NameError::EmptyComponent),
                None => {
                    return Err(NameError::MissingEquals {
                        component: attribute,
                    });
                }
            }
        }
        let mut value = String::new();
        let separator = loop {
            match chars.next() {
                Some('\\') => match chars.next() {
                    Some(c) => value.push(c),
                    None => return Err(NameError::TrailingBackslash),
                },
                Some(c @ ('/' | '+')) => break Some(c),
                Some(c) => value.push(c),
                None => break None,
            }
        };
        after_plus = separator == Some('+');
        components.push(Component {
            attribute,
            value,
            joins_next: after_plus,
        });
        if separator.is_none() {
            return Ok(components);
        }
    }
}

fn attribute_type_and_value(c: &Component) -> Result<AttributeTypeAndValue, NameError> {
    let name = &c.attribute;
    let (oid, known) = match ATTRIBUTES
        .iter()
        .find(|a| a.short == name.as_str() || a.long == name.as_str())
    {
        Some(a) => (a.oid, Some(a)),
        None => {
            let oid = parse_dotted(name)
                .ok_or_else(|| NameError::UnknownAttribute { name: name.clone() })?;
            (oid, by_oid(&oid))
        }
    };
    let value = &c.value;
    if value.is_empty() {
        return Err(NameError::EmptyValue {
            attribute: name.clone(),
        });
    }
    let len = value.chars().count();
    if oid == OID_COUNTRY && len != 2 {
        return Err(NameError::CountryNotTwoLetters {
            value: value.clone(),
        });
    }
    if let Some(max) = known.and_then(|a| a.max)
        && len > max
    {
        return Err(NameError::TooLong {
            attribute: name.clone(),
            max,
            len,
        });
    }
    let tag = match known.map_or(Encoding::Utf8, |a| a.encoding) {
        Encoding::Utf8 => Tag::Utf8String,
        Encoding::Printable if value.chars().all(is_printable_string_char) => Tag::PrintableString,
        Encoding::Printable => {
            return Err(NameError::NotPrintable {
                attribute: name.clone(),
                value: value.clone(),
            });
        }
        Encoding::Ia5 if value.is_ascii() => Tag::Ia5String,
        Encoding::Ia5 => {
            return Err(NameError::NotIa5 {
                attribute: name.clone(),
                value: value.clone(),
            });
        }
    };
    let value = Any::new(tag, value.as_bytes()).map_err(|error| NameError::Encode { error })?;
    Ok(AttributeTypeAndValue { oid, value })
}

/// A dotted OID such as `1.2.3.4`; `None` for anything else.
fn parse_dotted(s: &str) -> Option<ObjectIdentifier> {
    let well_formed = s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_digit() || c == '.');
    if well_formed {
        ObjectIdentifier::new(s).ok()
    } else {
        None
    }
}

/// The PrintableString character set (X.680 section 41.4).
fn is_printable_string_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c)
}

/// The text of a string-typed attribute value, `None` when it is not a string type or is
/// malformed.
///
/// UTF8String must be valid UTF-8 and BMPString valid UTF-16; PrintableString, IA5String,
/// NumericString and VisibleString must be ASCII; TeletexString is read as Latin-1, as OpenSSL
/// prints it.
pub fn attribute_value_string(value: &Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String => std::str::from_utf8(bytes).ok().map(str::to_owned),
        Tag::PrintableString | Tag::Ia5String | Tag::NumericString | Tag::VisibleString => {
            std::str::from_utf8(bytes)
                .ok()
                .filter(|s| s.is_ascii())
                .map(str::to_owned)
        }
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString if bytes.len().is_multiple_of(2) => {
            let units = bytes
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        _ => None,
    }
}

/// OpenSSL's one-line form: `C = CN, O = Example, CN = x`, what `openssl x509 -noout -subject`
/// prints after `subject=` (OpenSSL 3.0's default `-nameopt`).
///
/// RDNs in order, joined by `, `; the attributes of a multi-valued RDN joined by ` + `; OpenSSL's
/// short names, dotted OIDs for types it would not know. Values are escaped as OpenSSL does: a
/// value containing `,` `+` `<` `>` `;`, starting with `#` or a space, or ending with a space is
/// put in double quotes; `"` and `\` get a backslash; control characters and every byte of a
/// non-ASCII character are printed as `\XX`. Values that are not strings (or are malformed)
/// are printed as `#` and the hex of their DER.
pub fn to_openssl_string(name: &Name) -> String {
    NameOpt::ONELINE.print(name, 0)
}

/// A name as OpenSSL's `X509_NAME_oneline` writes it, which `x509 -text` prints for a
/// directoryName (`DirName:/C=US/O=Example/CN=ca`) and `-nameopt compat` prints: each
/// attribute `/SHORT=value` (`+SHORT=value` within a multi-valued RDN), bytes outside
/// printable ASCII as `\xHH`, values that are not strings as their DER in hex after `#`.
pub fn to_oneline(name: &Name) -> String {
    let mut out = String::new();
    for rdn in name.iter_rdn() {
        for (j, atv) in rdn.iter().enumerate() {
            out.push(if j == 0 { '/' } else { '+' });
            match by_oid(&atv.oid) {
                Some(a) => out.push_str(a.short),
                None => out.push_str(&atv.oid.to_string()),
            }
            out.push('=');
            let is_string = openssl_code_points(&atv.value).is_some();
            if is_string {
                for &b in atv.value.value() {
                    if (b' '..=b'~').contains(&b) {
                        out.push(char::from(b));
                    } else {
                        out.push_str(&format!("\\x{b:02X}"));
                    }
                }
            } else {
                push_hex_der(&mut out, &atv.value);
            }
        }
    }
    out
}

/// The characters of a string value as OpenSSL reads them: one per byte for the single-byte
/// string types (so Latin-1 for TeletexString), UTF-16 code units for BMPString.
fn openssl_code_points(value: &Any) -> Option<Vec<u32>> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String => std::str::from_utf8(bytes)
            .ok()
            .map(|s| s.chars().map(u32::from).collect()),
        Tag::NumericString
        | Tag::PrintableString
        | Tag::TeletexString
        | Tag::Ia5String
        | Tag::VisibleString
        | Tag::UtcTime
        | Tag::GeneralizedTime => Some(bytes.iter().map(|&b| u32::from(b)).collect()),
        Tag::BmpString if bytes.len().is_multiple_of(2) => Some(
            bytes
                .chunks_exact(2)
                .map(|p| u32::from(u16::from_be_bytes([p[0], p[1]])))
                .collect(),
        ),
        _ => None,
    }
}

fn push_hex_escape(out: &mut String, b: u8) {
    // Writing to a String cannot fail.
    let _ = write!(out, "\\{b:02X}");
}

/// `#` and the uppercase hex of the value's DER, as OpenSSL and RFC 4514 section 2.4 print
/// values that are not strings.
fn push_hex_der(out: &mut String, value: &Any) {
    out.push('#');
    // An `Any` that was decoded or built always re-encodes.
    for b in value.to_der().unwrap_or_default() {
        let _ = write!(out, "{b:02X}");
    }
}

/// The RFC 4514 string form: `CN=x,OU=Ops,O=Example,C=CN`.
///
/// RDNs in reverse order joined by `,`, attributes of a multi-valued RDN joined by `+` (in their
/// DER order). Types are the RFC 4514 section 3 keywords (`CN`, `L`, `ST`, `O`, `OU`, `C`,
/// `STREET`, `DC`, `UID`), `emailAddress`, or the RFC 4519 descriptors for the other types this
/// module knows (`serialNumber`, `title`, `givenName`, `sn`, ...). OpenSSL's
/// `-nameopt RFC2253` differs there: it prints its own short names (`street`, `GN`, `SN`).
/// Other types are dotted OIDs, and their values, like any value that is not a well-formed
/// string, are `#` and the hex of their DER (section 2.4). String values are escaped as in
/// section 2.4 (`"` `+` `,` `;` `<` `>` `\`, a leading `#` or space, a trailing space), control
/// characters as `\XX`; other characters, non-ASCII included, are written as they are.
pub fn to_rfc4514(name: &Name) -> String {
    let mut out = String::new();
    let rdns: Vec<_> = name.iter_rdn().collect();
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            let known = by_oid(&atv.oid);
            match known {
                Some(a) => out.push_str(a.ldap),
                None => out.push_str(&atv.oid.to_string()),
            }
            out.push('=');
            match known.and_then(|_| attribute_value_string(&atv.value)) {
                Some(text) => push_rfc4514_escaped(&mut out, &text),
                None => push_hex_der(&mut out, &atv.value),
            }
        }
    }
    out
}

fn push_rfc4514_escaped(out: &mut String, text: &str) {
    let last = text.chars().count().saturating_sub(1);
    for (i, c) in text.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            // Control characters are ASCII, so the cast keeps the whole value.
            '\0'..='\x1f' | '\x7f' => push_hex_escape(out, c as u8),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests;
