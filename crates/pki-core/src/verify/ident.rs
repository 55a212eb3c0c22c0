//! Matching the leaf against the host, IP address or e-mail address asked for ([RFC 6125],
//! [RFC 5280 4.2.1.6]): on the subjectAltName; the subject's commonName (or emailAddress) is
//! read only when the certificate has no subjectAltName at all and the caller asks for
//! OpenSSL's fallback (Go never reads it). A SAN that holds only otherName or directoryName
//! entries is still a SAN: the CN is not consulted.
//!
//! [RFC 6125]: https://www.rfc-editor.org/rfc/rfc6125
//! [RFC 5280 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6

use std::net::IpAddr;

use x509_cert::ext::pkix::name::GeneralName;

use crate::view::{CertView, oid};

/// `X509_check_host`: a DNS name of the subjectAltName, or a commonName when there is no
/// subjectAltName; a trailing dot ignored, any case, `*.` standing for one whole left label.
pub fn matches_host(c: &CertView, host: &str) -> bool {
    matches_host_with(c, host, true)
}

/// [`matches_host`], reading the commonName only when `cn_fallback` (OpenSSL) and never
/// when not (Go's crypto/x509).
pub fn matches_host_with(c: &CertView, host: &str, cn_fallback: bool) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let candidates: Vec<String> = match &c.subject_alt_name {
        Some(sans) => sans
            .iter()
            .filter_map(|g| match g {
                GeneralName::DnsName(d) => Some(d.to_string()),
                _ => None,
            })
            .collect(),
        None if cn_fallback => c.subject_strings(oid::COMMON_NAME),
        None => Vec::new(),
    };
    candidates.iter().any(|p| host_matches(p, &host))
}

/// One DNS pattern against a lowercase host name without its trailing dot.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() {
        return false;
    }
    match pattern.strip_prefix("*.") {
        Some(rest) if rest.contains('.') => host
            .split_once('.')
            .is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
        _ => pattern == host,
    }
}

/// `X509_check_email`: an rfc822Name of the subjectAltName, or the subject's emailAddress
/// when there is no subjectAltName; the local part exact, the domain in any case.
pub fn matches_email(c: &CertView, email: &str) -> bool {
    matches_email_with(c, email, true)
}

/// [`matches_email`], reading the subject's emailAddress only when `subject_fallback`.
pub fn matches_email_with(c: &CertView, email: &str, subject_fallback: bool) -> bool {
    let candidates: Vec<String> = match &c.subject_alt_name {
        Some(sans) => sans
            .iter()
            .filter_map(|g| match g {
                GeneralName::Rfc822Name(e) => Some(e.to_string()),
                _ => None,
            })
            .collect(),
        None if subject_fallback => c.subject_strings(oid::EMAIL_ADDRESS),
        None => Vec::new(),
    };
    let split = |e: &str| {
        e.rsplit_once('@')
            .map(|(l, d)| (l.to_owned(), d.to_ascii_lowercase()))
    };
    let wanted = split(email);
    wanted.is_some() && candidates.iter().any(|c| split(c) == wanted)
}

/// `X509_check_ip`: an iPAddress of the subjectAltName equal to `ip`.
pub fn matches_ip(c: &CertView, ip: IpAddr) -> bool {
    c.subject_alt_name.as_ref().is_some_and(|sans| {
        sans.iter().any(|g| match g {
            GeneralName::IpAddress(o) => crate::ext::ip_from_bytes(o.as_bytes()) == Some(ip),
            _ => false,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::host_matches;

    #[test]
    fn wildcards_cover_one_label() {
        assert!(host_matches("*.example.com", "a.example.com"));
        assert!(!host_matches("*.example.com", "a.b.example.com"));
        assert!(!host_matches("*.com", "example.com"));
        assert!(host_matches("etcd01.", "etcd01"));
    }
}
