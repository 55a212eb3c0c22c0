//! Name comparison ([RFC 5280 7.1]) and name constraints ([RFC 5280 4.2.1.10], 6.1.3 (b)
//! and (c), 6.1.4 (g)).
//!
//! Two attribute values of string types are equal when they are equal after the essentials of
//! LDAP StringPrep ([RFC 4518]): leading and trailing spaces removed, inner runs of spaces
//! collapsed to one, case folded; PrintableString and UTF8String compare by their text, so a
//! CA that moved from one to the other still chains. Other values compare by their DER.
//!
//! [RFC 5280 7.1]: https://www.rfc-editor.org/rfc/rfc5280#section-7.1
//! [RFC 5280 4.2.1.10]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
//! [RFC 4518]: https://www.rfc-editor.org/rfc/rfc4518

use std::net::IpAddr;

use der::{Encode, asn1::Any};
use x509_cert::{
    attr::AttributeTypeAndValue,
    ext::pkix::{constraints::name::GeneralSubtree, name::GeneralName},
    name::{Name, RelativeDistinguishedName},
};

use super::Reason;
use crate::view::{CertView, oid};

/// [RFC 5280 7.1] equality of two distinguished names.
///
/// [RFC 5280 7.1]: https://www.rfc-editor.org/rfc/rfc5280#section-7.1
pub fn name_eq(a: &Name, b: &Name) -> bool {
    let (a, b): (Vec<_>, Vec<_>) = (a.iter_rdn().collect(), b.iter_rdn().collect());
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| rdn_eq(x, y))
}

/// A text that is equal for two names exactly when [`name_eq`] holds: each RDN's attributes
/// as `oid=value` (the prepared text of strings, the DER hex of anything else), sorted.
pub fn name_key(n: &Name) -> String {
    let rdns: Vec<String> = n
        .iter_rdn()
        .map(|rdn| {
            let mut atvs: Vec<String> = rdn
                .iter()
                .map(|atv| match prepared(&atv.value) {
                    Some(s) => format!("{}=s:{s}", atv.oid),
                    None => format!(
                        "{}=x:{}",
                        atv.oid,
                        crate::inspect::format::hex(&atv.value.to_der().unwrap_or_default())
                    ),
                })
                .collect();
            atvs.sort();
            atvs.dedup();
            atvs.join("\u{1}")
        })
        .collect();
    rdns.join("\u{2}")
}

fn rdn_eq(a: &RelativeDistinguishedName, b: &RelativeDistinguishedName) -> bool {
    a.iter().count() == b.iter().count()
        && a.iter().all(|x| b.iter().any(|y| atv_eq(x, y)))
        && b.iter().all(|y| a.iter().any(|x| atv_eq(x, y)))
}

fn atv_eq(a: &AttributeTypeAndValue, b: &AttributeTypeAndValue) -> bool {
    a.oid == b.oid && value_eq(&a.value, &b.value)
}

fn value_eq(a: &Any, b: &Any) -> bool {
    match (prepared(a), prepared(b)) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.to_der().ok() == b.to_der().ok(),
        _ => false,
    }
}

/// A string value after StringPrep's case folding and insignificant-space handling.
fn prepared(v: &Any) -> Option<String> {
    let s = crate::name::attribute_value_string(v)?;
    let words: Vec<String> = s.split_whitespace().map(str::to_lowercase).collect();
    Some(words.join(" "))
}

/// Whether `prefix`'s RDNs begin `name` (a directoryName subtree).
fn dn_within(name: &Name, prefix: &Name) -> bool {
    let (n, p): (Vec<_>, Vec<_>) = (name.iter_rdn().collect(), prefix.iter_rdn().collect());
    p.len() <= n.len() && p.iter().zip(&n).all(|(x, y)| rdn_eq(x, y))
}

/// How many name-against-subtree comparisons one path may cost: a certificate with thousands
/// of names under a CA with thousands of subtrees is refused rather than ground through
/// (Go's crypto/x509 has the same kind of bound).
pub const MAX_COMPARISONS: usize = 1 << 22;

/// The most name-against-subtree checks one CA's constraints may ask for one certificate, as
/// Chromium bounds it (names of a form times subtrees of that form): past that the
/// certificate is refused.
pub const MAX_NAMES_TIMES_SUBTREES: usize = 1 << 20;

/// A name constraint failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub reason: Reason,
    pub detail: String,
}

/// The names of `c` that name constraints apply to: its subject (when not empty), the
/// emailAddress attributes of its subject as rfc822Names, its subjectAltNames, and, for a leaf
/// without subjectAltName, commonNames that look like host names (they may be matched as
/// host names).
fn names_of(c: &CertView, leaf: bool) -> Vec<GeneralName> {
    let mut out = Vec::new();
    if c.subject.iter_rdn().next().is_some() {
        out.push(GeneralName::DirectoryName(c.subject.clone()));
    }
    for e in c.subject_strings(oid::EMAIL_ADDRESS) {
        if let Ok(s) = der::asn1::Ia5String::new(&e) {
            out.push(GeneralName::Rfc822Name(s));
        }
    }
    match &c.subject_alt_name {
        Some(sans) => out.extend(sans.iter().cloned()),
        None if leaf => {
            for cn in c.subject_strings(oid::COMMON_NAME) {
                if looks_like_host(&cn)
                    && let Ok(s) = der::asn1::Ia5String::new(&cn)
                {
                    out.push(GeneralName::DnsName(s));
                }
            }
        }
        None => {}
    }
    out
}

fn looks_like_host(s: &str) -> bool {
    s.contains('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'*')
}

/// Checks `c` against the nameConstraints of `ca` (a CA above it in the path).
pub fn check(c: &CertView, leaf: bool, ca: &CertView, budget: &mut usize) -> Result<(), Violation> {
    let Some(nc) = &ca.name_constraints else {
        return Ok(());
    };
    let permitted = nc.permitted_subtrees.as_deref().unwrap_or(&[]);
    let excluded = nc.excluded_subtrees.as_deref().unwrap_or(&[]);
    // As Chromium bounds it: per name form, the names of that form times the subtrees of
    // that form, plus the directoryName subtrees the subject is checked against.
    let sans = c.subject_alt_name.as_deref().unwrap_or(&[]);
    let subtrees = |f: u8| {
        permitted
            .iter()
            .chain(excluded)
            .filter(|s| form_of(s) == f)
            .count()
    };
    let mut checks = subtrees(4);
    for f in [1u8, 2, 4, 6, 7] {
        let names = sans.iter().filter(|n| form(n) == f).count();
        checks = checks.saturating_add(names.saturating_mul(subtrees(f)));
    }
    if checks > MAX_NAMES_TIMES_SUBTREES {
        return Err(Violation {
            reason: Reason::BudgetExceeded,
            detail: format!(
                "{} subjectAltNames against {} subtrees means {checks} checks, more than pki \
                 makes ({MAX_NAMES_TIMES_SUBTREES})",
                sans.len(),
                permitted.len() + excluded.len(),
            ),
        });
    }
    for st in permitted.iter().chain(excluded) {
        if st.minimum != 0 || st.maximum.is_some() {
            return Err(Violation {
                reason: Reason::NameConstraintSyntax,
                detail: "a subtree has minimum or maximum (RFC 5280 says they MUST be absent)"
                    .into(),
            });
        }
    }
    for name in names_of(c, leaf) {
        let form = form(&name);
        let mut same_form = permitted.iter().filter(|s| form_of(s) == form).peekable();
        if same_form.peek().is_some() {
            let mut ok = false;
            for st in same_form {
                *budget = budget.checked_sub(1).ok_or_else(too_many)?;
                if matches(&name, &st.base)? {
                    ok = true;
                    break;
                }
            }
            if !ok {
                return Err(Violation {
                    reason: Reason::PermittedViolation,
                    detail: format!("{} is outside the permitted subtrees", show(&name)),
                });
            }
        }
        for st in excluded.iter().filter(|s| form_of(s) == form) {
            *budget = budget.checked_sub(1).ok_or_else(too_many)?;
            if matches(&name, &st.base)? {
                return Err(Violation {
                    reason: Reason::ExcludedViolation,
                    detail: format!("{} is inside an excluded subtree", show(&name)),
                });
            }
        }
    }
    Ok(())
}

fn too_many() -> Violation {
    Violation {
        reason: Reason::BudgetExceeded,
        detail: format!("more than {MAX_COMPARISONS} name constraint comparisons"),
    }
}

fn form(n: &GeneralName) -> u8 {
    match n {
        GeneralName::OtherName(_) => 0,
        GeneralName::Rfc822Name(_) => 1,
        GeneralName::DnsName(_) => 2,
        GeneralName::DirectoryName(_) => 4,
        GeneralName::EdiPartyName(_) => 5,
        GeneralName::UniformResourceIdentifier(_) => 6,
        GeneralName::IpAddress(_) => 7,
        GeneralName::RegisteredId(_) => 8,
    }
}

fn form_of(s: &GeneralSubtree) -> u8 {
    form(&s.base)
}

/// A name for messages.
pub fn show(n: &GeneralName) -> String {
    match n {
        GeneralName::Rfc822Name(s) => format!("email:{s}"),
        GeneralName::DnsName(s) => format!("DNS:{s}"),
        GeneralName::DirectoryName(d) => format!("DirName:{}", crate::name::to_openssl_string(d)),
        GeneralName::UniformResourceIdentifier(s) => format!("URI:{s}"),
        GeneralName::IpAddress(o) => match crate::ext::ip_from_bytes(o.as_bytes()) {
            Some(ip) => format!("IP:{ip}"),
            None => format!("IP:{}", crate::inspect::format::hex(o.as_bytes())),
        },
        GeneralName::OtherName(o) => format!("othername:{}", o.type_id),
        GeneralName::EdiPartyName(_) => "EdiPartyName".into(),
        GeneralName::RegisteredId(o) => format!("RID:{o}"),
    }
}

/// Whether `name` lies in the subtree `base` (both of one form).
fn matches(name: &GeneralName, base: &GeneralName) -> Result<bool, Violation> {
    let unsupported = |what: &str| Violation {
        reason: Reason::UnsupportedNameForm,
        detail: format!("a name constraint on {what} names, which pki cannot check"),
    };
    let syntax = |what: String| Violation {
        reason: Reason::NameConstraintSyntax,
        detail: what,
    };
    Ok(match (name, base) {
        (GeneralName::DnsName(n), GeneralName::DnsName(b)) => dns_within(n.as_str(), b.as_str()),
        (GeneralName::Rfc822Name(n), GeneralName::Rfc822Name(b)) => {
            email_within(n.as_str(), b.as_str())
        }
        (GeneralName::DirectoryName(n), GeneralName::DirectoryName(b)) => dn_within(n, b),
        (GeneralName::UniformResourceIdentifier(n), GeneralName::UniformResourceIdentifier(b)) => {
            let Some(host) = uri_host(n.as_str()) else {
                return Err(Violation {
                    reason: Reason::UnsupportedNameForm,
                    detail: format!("URI:{n} has no host to check against URI constraints"),
                });
            };
            host_within(&host, b.as_str())
        }
        (GeneralName::IpAddress(n), GeneralName::IpAddress(b)) => {
            let (n, b) = (n.as_bytes(), b.as_bytes());
            if b.len() != 8 && b.len() != 32 {
                return Err(syntax(format!(
                    "an iPAddress constraint of {} octets (8 or 32 expected)",
                    b.len()
                )));
            }
            let (net, mask) = b.split_at(b.len() / 2);
            n.len() == net.len()
                && n.iter()
                    .zip(net)
                    .zip(mask)
                    .all(|((a, c), m)| a & m == c & m)
        }
        (GeneralName::OtherName(_), _) => return Err(unsupported("otherName")),
        (GeneralName::EdiPartyName(_), _) => return Err(unsupported("ediPartyName")),
        (GeneralName::RegisteredId(_), _) => return Err(unsupported("registeredID")),
        _ => false,
    })
}

/// dNSName subtrees: `example.com` holds itself and every name below it; `.example.com`
/// (a form some CAs write) only the names below. An empty constraint holds every name.
fn dns_within(name: &str, base: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    if let Some(rest) = base.strip_prefix('.') {
        return name.ends_with(&format!(".{rest}"));
    }
    name == base || name.ends_with(&format!(".{base}"))
}

/// rfc822Name subtrees: a mailbox (`a@b`) exactly, a host (`b`) for every mailbox at it, a
/// domain (`.b`) for every mailbox below it. Local parts are case-sensitive, hosts are not.
fn email_within(name: &str, base: &str) -> bool {
    let Some((local, host)) = name.rsplit_once('@') else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    match base.rsplit_once('@') {
        Some((bl, bh)) => bl == local && bh.to_ascii_lowercase() == host,
        None => {
            let base = base.to_ascii_lowercase();
            match base.strip_prefix('.') {
                Some(rest) => host.ends_with(&format!(".{rest}")),
                None => host == base,
            }
        }
    }
}

/// URI subtrees: on the host part, `.example.com` for hosts below, `example.com` exactly.
fn host_within(host: &str, base: &str) -> bool {
    let base = base.to_ascii_lowercase();
    match base.strip_prefix('.') {
        Some(rest) => host.ends_with(&format!(".{rest}")),
        None => host == base,
    }
}

/// The host of a URI with an authority (`scheme://user@host:port/...`), lowercase.
fn uri_host(uri: &str) -> Option<String> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        hostport.split(':').next()?
    };
    if host.is_empty() || host.parse::<IpAddr>().is_ok() {
        return None;
    }
    Some(host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_subtrees() {
        assert!(dns_within("example.com", "example.com"));
        assert!(dns_within("a.Example.com", "example.com"));
        assert!(!dns_within("badexample.com", "example.com"));
        assert!(!dns_within("example.com", ".example.com"));
        assert!(dns_within("a.example.com", ".example.com"));
        assert!(dns_within("anything", ""));
    }

    #[test]
    fn email_subtrees() {
        assert!(email_within("a@example.com", "example.com"));
        assert!(!email_within("a@x.example.com", "example.com"));
        assert!(email_within("a@x.example.com", ".example.com"));
        assert!(email_within("a@EXAMPLE.com", "a@example.com"));
        assert!(!email_within("A@example.com", "a@example.com"));
    }

    #[test]
    fn uri_hosts() {
        assert_eq!(
            uri_host("https://u@Host.example:8443/p").as_deref(),
            Some("host.example")
        );
        assert_eq!(uri_host("urn:isbn:1"), None);
    }

    #[test]
    fn names_compare_as_rfc_5280_says() {
        use std::str::FromStr;
        let a = Name::from_str("CN=Good  CA,O=Test Certificates 2011,C=US").expect("name");
        let b = Name::from_str("CN=good ca,O=test certificates 2011,C=us").expect("name");
        let c = Name::from_str("C=US,O=Test Certificates 2011,CN=Good CA").expect("name");
        assert!(name_eq(&a, &b));
        assert!(!name_eq(&a, &c));
    }
}
