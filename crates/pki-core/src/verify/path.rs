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

/// Validates `chain` (leaf first, anchor last); `ctx`: the CRLs and what else revocation
/// checking needs.
pub(super) fn validate(chain: &[&CertView], o: &Options, ctx: &crl::Ctx<'_>) -> Result<(), Fail> {
    let top = chain.len() - 1;
    // Depth of the certificate at RFC position i (0 = the anchor).
    let depth = |i: usize| top - i;
    let certs: Vec<&CertView> = chain.iter().rev().copied().collect();
    let n = top;
    let anchor = certs[0];

    if o.anchor_constraints || n == 0 {
        well_formed(anchor).map_err(|(r, d)| (r, top, d))?;
        // A lone trusted certificate gets no strict checks, as OpenSSL's -x509_strict
        // applies to chains of two or more (x509_vfy.c, check_chain_extensions).
        let lone;
        let ro = if n == 0 && o.strict {
            lone = Options {
                strict: false,
                ..o.clone()
            };
            &lone
        } else {
            o
        };
        rules(anchor, n > 0, n == 0, ro).map_err(|(r, d)| (r, top, d))?;
    }
    if n == 0 {
        critical(anchor).map_err(|(r, d)| (r, top, d))?;
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
    // With the anchor's constraints applied, its policy extensions count as a certificate of
    // the path (Chromium's trust anchors with constraints; RFC 5280 6.2 leaves it open).
    // An anchor without certificatePolicies is not a certificate of the policy path (PKITS);
    // its policyConstraints and inhibitAnyPolicy still apply.
    let with_anchor = o.anchor_constraints && n > 0;
    let offset = usize::from(with_anchor && anchor.certificate_policies.is_some());
    let mut policies = Policies::new(n + offset, &o.policy);
    if offset == 1 {
        policies.process(1, anchor).map_err(|(r, d)| (r, top, d))?;
    }
    if with_anchor {
        if offset == 0 && anchor.policy_mappings.is_some() {
            return Err((
                Reason::InvalidPolicyExtension,
                top,
                "policyMappings in a trust anchor without certificatePolicies".into(),
            ));
        }
        policies.prepare(anchor).map_err(|(r, d)| (r, top, d))?;
    }
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
        rules(c, i < n, i == n, o).map_err(at)?;
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
        policies.process(i + offset, c).map_err(at)?;
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
    inherited_dsa(&certs, o, ctx).map_err(|(r, i, s)| (r, depth(i), s))?;
    let leaf = certs[n];
    purpose(&certs, o)?;
    identity(leaf, o).map_err(|(r, s)| (r, 0, s))?;
    if o.crl_check != CrlCheck::None {
        for i in 1..=n {
            if o.crl_check == CrlCheck::All || i == n {
                crl::check(&certs, i, ctx, o).map_err(|(r, s)| (r, depth(i), s))?;
            }
        }
    }
    Ok(())
}

/// RFC 5280's MUSTs on one certificate: always those that cost real-world chains nothing,
/// and with `strict` those OpenSSL keeps for `-x509_strict`. `ca`: it issued the next one.
fn rules(c: &CertView, ca: bool, leaf: bool, o: &Options) -> Result<(), (Reason, String)> {
    let bad = |s: &str| Err((Reason::MalformedExtension, s.to_owned()));
    let crit = |oid| c.extension(oid).map(|e| e.critical);
    if let Some(nc) = &c.name_constraints {
        if crit(oid::NAME_CONSTRAINTS) != Some(true) {
            return bad("nameConstraints is not critical (RFC 5280 4.2.1.10: MUST be)");
        }
        if !c.is_ca() {
            return bad("nameConstraints in a certificate that is not a CA (RFC 5280 4.2.1.10)");
        }
        let empty = |t: &Option<Vec<_>>| t.as_ref().is_none_or(Vec::is_empty);
        if empty(&nc.permitted_subtrees) && empty(&nc.excluded_subtrees) {
            return bad("nameConstraints with neither permitted nor excluded subtrees");
        }
    }
    if c.subject.iter_rdn().next().is_none() && crit(oid::SUBJECT_ALT_NAME) != Some(true) {
        return bad("an empty subject needs a critical subjectAltName (RFC 5280 4.2.1.6)");
    }
    if leaf
        && !c.is_ca()
        && c.key_usage
            .as_ref()
            .is_some_and(|k| k.0.contains(KeyUsages::KeyCertSign))
    {
        return bad("keyUsage keyCertSign in a certificate that is not a CA (RFC 5280 4.2.1.3)");
    }
    if let Some(cp) = c.extension(oid::CERTIFICATE_POLICIES)
        && cp.critical
        && c.certificate_policies.iter().flatten().any(|p| {
            p.policy_qualifiers.iter().flatten().any(|q| {
                !["1.3.6.1.5.5.7.2.1", "1.3.6.1.5.5.7.2.2"]
                    .contains(&q.policy_qualifier_id.to_string().as_str())
            })
        })
    {
        return Err((
            Reason::UnhandledCriticalExtension,
            "critical certificatePolicies with a qualifier pki does not know".into(),
        ));
    }
    if !o.strict {
        return Ok(());
    }
    if c.version != Version::V3 {
        return bad("not a version 3 certificate");
    }
    if crit(oid::AUTHORITY_KEY_ID) == Some(true) || crit(oid::SUBJECT_KEY_ID) == Some(true) {
        return bad("a key identifier extension is critical (RFC 5280 4.2.1.1, 4.2.1.2)");
    }
    if !c.self_issued()
        && c.authority_key_id
            .as_ref()
            .is_none_or(|a| a.key_identifier.is_none())
    {
        return bad("no authorityKeyIdentifier keyIdentifier (RFC 5280 4.2.1.1)");
    }
    if let Some(a) = &c.authority_key_id
        && a.key_identifier.is_none()
    {
        return bad("authorityKeyIdentifier without keyIdentifier (RFC 5280 4.2.1.1)");
    }
    if ca && c.subject_key_id.is_none() {
        return bad("a CA without subjectKeyIdentifier (RFC 5280 4.2.1.2)");
    }
    if ca && crit(oid::BASIC_CONSTRAINTS) != Some(true) {
        return bad("a CA whose basicConstraints is not critical (RFC 5280 4.2.1.9)");
    }
    if leaf && c.is_ca() {
        return bad("a CA certificate as the leaf");
    }
    if c.self_issued()
        && c.authority_key_id.as_ref().is_some_and(|a| {
            a.authority_cert_issuer.is_some() || a.authority_cert_serial_number.is_some()
        })
    {
        return bad(
            "a self-issued certificate whose authorityKeyIdentifier names an issuer or serial",
        );
    }
    for name in c.subject_alt_name.iter().flatten() {
        if let x509_cert::ext::pkix::name::GeneralName::DnsName(d) = name
            && !dns_syntax(d.as_str())
        {
            return bad(&format!("subjectAltName DNS:{d} is not a host name"));
        }
    }
    if c.subject.iter_rdn().next().is_some() && crit(oid::SUBJECT_ALT_NAME) == Some(true) {
        return bad("a critical subjectAltName under a non-empty subject (RFC 5280 4.2.1.6)");
    }
    Ok(())
}

/// A dNSName as RFC 5280 4.2.1.6 wants it: labels of letters, digits and hyphens (and `_`,
/// seen in the wild), 1 to 63 octets, an optional `*` as the whole left label.
fn dns_syntax(d: &str) -> bool {
    let d = d.strip_suffix('.').unwrap_or(d);
    let d = d.strip_prefix("*.").unwrap_or(d);
    !d.is_empty()
        && d.len() <= 253
        && d.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
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
        .find(|e| e.critical && !HANDLED.contains(&e.extn_id))
    {
        Some(e) => Err((
            Reason::UnhandledCriticalExtension,
            format!("critical extension {} is not processed by pki", e.extn_id),
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
        let strict = if i == n {
            o.require_leaf_eku
        } else {
            o.require_ca_eku
        };
        if strict && i == n && c.is_ca() {
            return Err((
                Reason::EkuMissing,
                d,
                "a CA certificate as the leaf of a strict purpose".into(),
            ));
        }
        match &c.ext_key_usage {
            Some(list) if strict && !list.contains(&wanted) => {
                return Err((
                    Reason::EkuMissing,
                    d,
                    format!("extendedKeyUsage does not name {name} itself"),
                ));
            }
            Some(list)
                if strict
                    && i == n
                    && list.iter().any(|e| {
                        *e == oid::ANY_EKU
                            || [
                                "1.3.6.1.5.5.7.3.3",
                                "1.3.6.1.5.5.7.3.8",
                                "1.3.6.1.5.5.7.3.9",
                            ]
                            .contains(&e.to_string().as_str())
                    }) =>
            {
                return Err((
                    Reason::EkuMissing,
                    d,
                    "extendedKeyUsage also allows anything, code signing, time stamping or \
                     OCSP signing, which a strict TLS purpose refuses"
                        .into(),
                ));
            }
            Some(list) if !list.contains(&wanted) && !list.contains(&oid::ANY_EKU) => {
                return Err((
                    Reason::EkuMissing,
                    d,
                    format!("extendedKeyUsage lacks {name}"),
                ));
            }
            None if strict => {
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
        && !ident::matches_host_with(leaf, h, o.cn_fallback)
    {
        return Err((Reason::HostnameMismatch, format!("it does not name {h}")));
    }
    if let Some(ip) = o.ip
        && !ident::matches_ip(leaf, ip)
    {
        return Err((Reason::IpMismatch, format!("it does not name {ip}")));
    }
    if let Some(e) = &o.email
        && !ident::matches_email_with(leaf, e, o.cn_fallback)
    {
        return Err((Reason::EmailMismatch, format!("it does not name {e}")));
    }
    Ok(())
}

/// The signatures made by DSA keys without parameters, left by path building: the parameters
/// are those of the nearest DSA key above with them (RFC 3279 2.3.2); a key of another type in
/// between breaks the inheritance. Errors carry the RFC position of the signed certificate.
fn inherited_dsa(
    certs: &[&CertView],
    o: &Options,
    ctx: &crl::Ctx<'_>,
) -> Result<(), (Reason, usize, String)> {
    for k in 1..certs.len() {
        let issuer = certs[k - 1];
        if !sig::dsa_inherits(&issuer.spki) {
            continue;
        }
        let params = certs[..k - 1]
            .iter()
            .rev()
            .take_while(|c| sig::dsa_inherits(&c.spki) || sig::dsa_params(&c.spki).is_some())
            .find_map(|c| sig::dsa_params(&c.spki));
        let c = certs[k];
        ctx.budget.signature().map_err(|(r, s)| (r, k, s))?;
        let s = c.signature.as_deref().ok_or((
            Reason::BadSignature,
            k,
            "the signature BIT STRING has unused bits".to_owned(),
        ))?;
        sig::check_inherited(
            &c.signature_algorithm,
            &issuer.spki,
            params,
            c.tbs_der(),
            s,
            o,
        )
        .map_err(|e| (e.reason, k, e.detail))?;
    }
    Ok(())
}
