//! Checks of CRLs against RFC 5280 section 5: the version, the fields a conforming CA MUST
//! include (nextUpdate, authorityKeyIdentifier, cRLNumber), criticality, times, and the
//! entries (duplicates, reason codes, certificateIssuer outside an indirect CRL).

use std::{collections::BTreeSet, time::SystemTime};

use der::oid::db::rfc5280 as oids;
use x509_cert::{crl::CertificateList, ext::Extension};

use super::{Finding, finding, rules, weak_hash};
use crate::inspect::{ExtValue, TimeInfo, describe_extension, format::unix_secs, oids as names};

/// Extensions a CRL may carry that pki knows (RFC 5280 5.2).
const CRL_EXTENSIONS: &[der::oid::ObjectIdentifier] = &[
    oids::ID_CE_AUTHORITY_KEY_IDENTIFIER,
    oids::ID_CE_ISSUER_ALT_NAME,
    oids::ID_CE_CRL_NUMBER,
    oids::ID_CE_DELTA_CRL_INDICATOR,
    oids::ID_CE_ISSUING_DISTRIBUTION_POINT,
    oids::ID_CE_FRESHEST_CRL,
    oids::ID_PE_AUTHORITY_INFO_ACCESS,
];

/// Entry extensions pki knows (RFC 5280 5.3).
const ENTRY_EXTENSIONS: &[der::oid::ObjectIdentifier] = &[
    oids::ID_CE_CRL_REASONS,
    oids::ID_CE_INVALIDITY_DATE,
    oids::ID_CE_CERTIFICATE_ISSUER,
    oids::ID_CE_HOLD_INSTRUCTION_CODE,
];

fn ext_name(e: &Extension) -> String {
    names::extension(&e.extn_id).map_or_else(|| e.extn_id.to_string(), str::to_owned)
}

/// Duplicates, values that do not decode, and critical extensions pki does not know.
fn extensions(list: &[Extension], known: &[der::oid::ObjectIdentifier], out: &mut Vec<Finding>) {
    let mut seen = BTreeSet::new();
    for e in list {
        if !seen.insert(e.extn_id) {
            out.push(finding(rules::EXTENSION_DUPLICATE, Some(ext_name(e))));
        }
        if let ExtValue::Malformed { error } = describe_extension(e).value {
            out.push(finding(
                rules::EXTENSION_MALFORMED,
                Some(format!("{}: {error}", ext_name(e))),
            ));
        }
        if e.critical && !known.contains(&e.extn_id) {
            out.push(finding(
                rules::EXTENSION_UNKNOWN_CRITICAL,
                Some(ext_name(e)),
            ));
        }
    }
}

fn time_encoding(which: &str, t: &TimeInfo, out: &mut Vec<Finding>) {
    let year: u32 = t.time.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    if t.encoding == "GeneralizedTime" && year < 2050 {
        out.push(finding(
            rules::CRL_TIME_ENCODING,
            Some(format!("{which} {}", t.time)),
        ));
    }
}

/// Lints a CRL; `now` judges whether it is current.
pub fn lint_crl(list: &CertificateList, now: SystemTime) -> Vec<Finding> {
    let mut out = Vec::new();
    let tbs = &list.tbs_cert_list;
    let exts = tbs.crl_extensions.as_deref().unwrap_or(&[]);
    let find = |oid| exts.iter().find(|e| e.extn_id == oid);
    let has_entry_exts = tbs
        .revoked_certificates
        .iter()
        .flatten()
        .any(|r| r.crl_entry_extensions.is_some());
    if tbs.version == x509_cert::Version::V1 && (!exts.is_empty() || has_entry_exts) {
        out.push(finding(rules::CRL_VERSION, None));
    }
    if list.signature_algorithm != tbs.signature {
        out.push(finding(rules::CRL_SIGNATURE_MISMATCH, None));
    }
    weak_hash(&list.signature_algorithm.oid, &mut out);
    if tbs.issuer.iter_rdn().next().is_none() {
        out.push(finding(rules::CRL_ISSUER_EMPTY, None));
    }
    let this = TimeInfo::new(&tbs.this_update);
    time_encoding("thisUpdate", &this, &mut out);
    let t = unix_secs(now);
    match tbs.next_update.as_ref().map(TimeInfo::new) {
        None => out.push(finding(rules::CRL_NEXT_UPDATE_MISSING, None)),
        Some(next) => {
            time_encoding("nextUpdate", &next, &mut out);
            if next.unix < this.unix {
                out.push(finding(rules::CRL_UPDATE_ORDER, None));
            } else if t > next.unix {
                out.push(finding(
                    rules::CRL_EXPIRED,
                    Some(format!("nextUpdate {}", next.time)),
                ));
            }
        }
    }
    if t < this.unix {
        out.push(finding(
            rules::CRL_NOT_YET_VALID,
            Some(format!("thisUpdate {}", this.time)),
        ));
    }
    extensions(exts, CRL_EXTENSIONS, &mut out);
    if find(oids::ID_CE_AUTHORITY_KEY_IDENTIFIER).is_none() {
        out.push(finding(rules::CRL_AKI_MISSING, None));
    }
    match find(oids::ID_CE_CRL_NUMBER) {
        None => out.push(finding(rules::CRL_NUMBER_MISSING, None)),
        Some(e) if e.critical => out.push(finding(rules::CRL_NUMBER_CRITICAL, None)),
        Some(_) => {}
    }
    let delta = find(oids::ID_CE_DELTA_CRL_INDICATOR);
    let idp = find(oids::ID_CE_ISSUING_DISTRIBUTION_POINT);
    for (e, what) in [
        (delta, "deltaCRLIndicator"),
        (idp, "issuingDistributionPoint"),
    ] {
        if e.is_some_and(|e| !e.critical) {
            out.push(finding(
                rules::CRL_EXTENSION_NOT_CRITICAL,
                Some(what.into()),
            ));
        }
    }
    let indirect = idp.is_some_and(|e| {
        matches!(
            describe_extension(e).value,
            ExtValue::IssuingDistributionPoint {
                indirect_crl: true,
                ..
            }
        )
    });
    if tbs.revoked_certificates.as_ref().is_some_and(Vec::is_empty) {
        out.push(finding(rules::CRL_EMPTY_LIST, None));
    }
    let mut serials = BTreeSet::new();
    for r in tbs.revoked_certificates.iter().flatten() {
        let serial = crate::inspect::hex(r.serial_number.as_bytes());
        let entry = r.crl_entry_extensions.as_deref().unwrap_or(&[]);
        extensions(entry, ENTRY_EXTENSIONS, &mut out);
        let mut issuer_named = false;
        for e in entry {
            match describe_extension(e).value {
                ExtValue::ReasonCode {
                    reason: "unspecified",
                } => out.push(finding(
                    rules::CRL_REASON_UNSPECIFIED,
                    Some(format!("serial {serial}")),
                )),
                ExtValue::ReasonCode {
                    reason: "removeFromCRL",
                } if delta.is_none() => out.push(finding(
                    rules::CRL_REMOVE_NOT_DELTA,
                    Some(format!("serial {serial}")),
                )),
                ExtValue::CertificateIssuer { .. } if !indirect => {
                    issuer_named = true;
                    out.push(finding(
                        rules::CRL_CERTIFICATE_ISSUER_NOT_INDIRECT,
                        Some(format!("serial {serial}")),
                    ));
                }
                ExtValue::CertificateIssuer { .. } => issuer_named = true,
                _ => {}
            }
        }
        // In an indirect CRL the same serial may be another issuer's.
        if !indirect && !issuer_named && !serials.insert(serial.clone()) {
            out.push(finding(
                rules::CRL_ENTRY_DUPLICATE,
                Some(format!("serial {serial}")),
            ));
        }
    }
    out
}
