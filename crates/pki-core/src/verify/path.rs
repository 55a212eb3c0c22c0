//! The processing of one candidate path, [RFC 5280 6.1.3 to 6.1.5], with the purpose, the
//! identity asked for and the anchor's constraints on top.
//!
//! Signatures were checked while the path was built; everything else is checked here.
//!
//! [RFC 5280 6.1.3 to 6.1.5]: https://www.rfc-editor.org/rfc/rfc5280#section-6.1.3

use x509_cert::{certificate::Version, ext::pkix::KeyUsages};

use super::{CrlCheck, Options, Purpose, Reason, crl, ident, names, policy::Policies, sig};
use crate::view::{CertView, ExtProblem, oid};

type Fail = (Reason, usize, String);

/// The extensions pki processes; any other critical extension fails the path (6.1.3 (f)
/// wrap-up, 6.1.4 (o)).
const HANDLED: &[der::asn1::ObjectIdentifier] = &[
    oid::BASIC_CONSTRAINTS,
    oid::KEY_USAGE,
    oid::EXT_KEY_USAGE,
    oid::SUBJECT_ALT_NAME,
    oid::ISSUER_ALT_NAME,
    oid::SUBJECT_KEY_ID,
    oid::AUTHORITY_KEY_ID,
    oid::NAME_CONSTRAINTS,
    oid::CERTIFICATE_POLICIES,
    oid::POLICY_MAPPINGS,
    oid::POLICY_CONSTRAINTS,
    oid::INHIBIT_ANY_POLICY,
    oid::CRL_DISTRIBUTION_POINTS,
    oid::FRESHEST_CRL,
];

/// Validates `chain` (leaf first, anchor last).
pub(super) fn validate(chain: &[&CertView], o: &Options) -> Result<(), Fail> {
    let top = chain.len() - 1;
    // Depth of the certificate at RFC position i (0 = the anchor).
    let depth = |i: usize| top - i;
    let certs: Vec<&CertView> = chain.iter().rev().copied().collect();
    let n = top;
    let anchor = certs[0];

    if o.anchor_constraints || n == 0 {
        well_formed(anchor).map_err(|(r, d)| (r, top, d))?;
    }
    if o.anchor_validity || n == 0 {
        validity(anchor, o).map_err(|(r, d)| (r, top, d))?;
    }
    if let Some(bits) = sig::rsa_bits(&anchor.spki)
        && bits < o.min_rsa_bits
    {
        return Err((
            Reason::WeakKey,
            top,
            format!(
                "the anchor's RSA key has {bits} bits, under {}",
                o.min_rsa_bits
            ),
        ));
    }
    let mut max_path_length = n;
    if n > 0 && o.anchor_constraints {
        ca_checks(anchor).map_err(|(r, d)| (r, top, d))?;
        critical(anchor).map_err(|(r, d)| (r, top, d))?;
        if let Some(p) = anchor
            .basic_constraints
            .as_ref()
            .and_then(|b| b.path_len_constraint)
        {
            max_path_length = max_path_length.min(usize::from(p));
        }
    }
    let mut policies = Policies::new(n, &o.policy);
    let mut budget = names::MAX_COMPARISONS;
    for i in 1..=n {
        let c = certs[i];
        let d = depth(i);
        let at = |(r, s): (Reason, String)| (r, d, s);
        // 6.1.3 (a): the signature was checked while building; its two algorithm fields agree.
        if c.tbs_signature_algorithm != c.signature_algorithm {
            return Err((
                Reason::SignatureAlgorithmInconsistent,
                d,
                "signature and signatureAlgorithm differ".into(),
            ));
        }
        well_formed(c).map_err(at)?;
        validity(c, o).map_err(at)?;
        if let Some(bits) = sig::rsa_bits(&c.spki)
            && bits < o.min_rsa_bits
        {
            return Err((
                Reason::WeakKey,
                d,
                format!("its RSA key has {bits} bits, under {}", o.min_rsa_bits),
            ));
        }
        // 6.1.3 (b), (c): the name constraints of every CA above, self-issued
        // intermediates excepted.
        if !(i < n && c.self_issued()) {
            let first = if o.anchor_constraints { 0 } else { 1 };
            for ca in &certs[first..i] {
                names::check(c, i == n, ca, &mut budget).map_err(|v| (v.reason, d, v.detail))?;
            }
        }
        // 6.1.3 (d) to (f).
        policies.process(i, c).map_err(at)?;
        if i < n {
            // 6.1.4 (a), (b), (h) to (j).
            policies.prepare(c).map_err(at)?;
            // (k)
            ca_checks(c).map_err(at)?;
            // (l)
            if !c.self_issued() {
                if max_path_length == 0 {
                    return Err((
                        Reason::PathLengthExceeded,
                        d,
                        "a CA above allows no further intermediate CA".into(),
                    ));
                }
                max_path_length -= 1;
            }
            // (m)
            if let Some(p) = c
                .basic_constraints
                .as_ref()
                .and_then(|b| b.path_len_constraint)
            {
                max_path_length = max_path_length.min(usize::from(p));
            }
            // (o)
            critical(c).map_err(at)?;
        } else {
            // 6.1.5 (a), (b), (f), (g).
            policies.finish(c, &o.policy).map_err(at)?;
            critical(c).map_err(at)?;
        }
    }
    let leaf = certs[n];
    purpose(&certs, o)?;
    identity(leaf, o).map_err(|(r, s)| (r, 0, s))?;
    if o.crl_check != CrlCheck::None {
        let crls = crl::parse_all(&o.crls).ok_or((
            Reason::CrlUnsupported,
            0,
            "a CRL does not decode, so revocation cannot be told".to_owned(),
        ))?;
        for i in 1..=n {
            if o.crl_check == CrlCheck::All || i == n {
                crl::check(certs[i], certs[i - 1], &crls, o).map_err(|(r, s)| (r, depth(i), s))?;
            }
        }
    }
    Ok(())
}

/// No extension problem, and extensions only in version 3.
fn well_formed(c: &CertView) -> Result<(), (Reason, String)> {
    if c.version != Version::V3 && !c.extensions.is_empty() {
        return Err((
            Reason::ExtensionsInV1,
            "extensions in a version 1 or 2 certificate".into(),
        ));
    }
    match c.problems.first() {
        Some(ExtProblem::Malformed { oid }) => Err((
            Reason::MalformedExtension,
            format!("extension {oid} does not decode"),
        )),
        Some(ExtProblem::Duplicate { oid }) => Err((
            Reason::MalformedExtension,
            format!("extension {oid} appears twice"),
        )),
        None => Ok(()),
    }
}

fn validity(c: &CertView, o: &Options) -> Result<(), (Reason, String)> {
    let show = |t: i64| crate::inspect::format_unix(t);
    if o.time < c.not_before {
        return Err((
            Reason::NotYetValid,
            format!("valid from {}", show(c.not_before)),
        ));
    }
    if o.time > c.not_after {
        return Err((Reason::Expired, format!("expired {}", show(c.not_after))));
    }
    Ok(())
}

/// 6.1.4 (k) and (n): a CA by basicConstraints (keyCertSign alone never makes one), and
/// keyUsage, when present, with keyCertSign.
fn ca_checks(c: &CertView) -> Result<(), (Reason, String)> {
    if !c.is_ca() {
        let why = match &c.basic_constraints {
            None if c.version != Version::V3 => "a version 1 certificate cannot be a CA",
            None => "basicConstraints is missing",
            Some(_) => "basicConstraints says CA:FALSE",
        };
        return Err((Reason::NotCa, why.into()));
    }
    if let Some(ku) = &c.key_usage
        && !ku.0.contains(KeyUsages::KeyCertSign)
    {
        return Err((
            Reason::KeyUsageNoCertSign,
            "keyUsage lacks keyCertSign".into(),
        ));
    }
    Ok(())
}

fn critical(c: &CertView) -> Result<(), (Reason, String)> {
    match c
        .extensions
        .iter()
        .find(|e| e.critical && !HANDLED.contains(&e.oid))
    {
        Some(e) => Err((
            Reason::UnhandledCriticalExtension,
            format!("critical extension {} is not processed by pki", e.oid),
        )),
        None => Ok(()),
    }
}

/// extendedKeyUsage as Go's crypto/x509 applies it: the leaf's, when present, must name the
/// purpose (or anyExtendedKeyUsage), and so must that of every CA above that has one; the
/// leaf's keyUsage, when present, must allow the TLS role, as OpenSSL asks.
fn purpose(certs: &[&CertView], o: &Options) -> Result<(), Fail> {
    let n = certs.len() - 1;
    let Some(wanted) = o.purpose.oid() else {
        return Ok(());
    };
    let name = match o.purpose {
        Purpose::ServerAuth => "serverAuth",
        _ => "clientAuth",
    };
    let first = if o.anchor_constraints || n == 0 { 0 } else { 1 };
    for (i, c) in certs.iter().enumerate().skip(first) {
        let d = n - i;
        match &c.ext_key_usage {
            Some(list) if !list.contains(&wanted) && !list.contains(&oid::ANY_EKU) => {
                return Err((
                    Reason::EkuMissing,
                    d,
                    format!("extendedKeyUsage lacks {name}"),
                ));
            }
            None if i == n && o.require_leaf_eku => {
                return Err((
                    Reason::EkuMissing,
                    d,
                    format!("no extendedKeyUsage, and {name} is required"),
                ));
            }
            _ => {}
        }
    }
    if let Some(ku) = &certs[n].key_usage {
        let ok = match o.purpose {
            Purpose::ServerAuth => {
                ku.0.contains(KeyUsages::DigitalSignature)
                    || ku.0.contains(KeyUsages::KeyEncipherment)
                    || ku.0.contains(KeyUsages::KeyAgreement)
            }
            _ => {
                ku.0.contains(KeyUsages::DigitalSignature) || ku.0.contains(KeyUsages::KeyAgreement)
            }
        };
        if !ok {
            return Err((
                Reason::LeafKeyUsage,
                0,
                format!(
                    "keyUsage does not allow a TLS {}",
                    if o.purpose == Purpose::ServerAuth {
                        "server"
                    } else {
                        "client"
                    }
                ),
            ));
        }
    }
    Ok(())
}

fn identity(leaf: &CertView, o: &Options) -> Result<(), (Reason, String)> {
    if let Some(h) = &o.host
        && !ident::matches_host(leaf, h)
    {
        return Err((Reason::HostnameMismatch, format!("it does not name {h}")));
    }
    if let Some(ip) = o.ip
        && !ident::matches_ip(leaf, ip)
    {
        return Err((Reason::IpMismatch, format!("it does not name {ip}")));
    }
    if let Some(e) = &o.email
        && !ident::matches_email(leaf, e)
    {
        return Err((Reason::EmailMismatch, format!("it does not name {e}")));
    }
    Ok(())
}
