//! The rules shared by certificates and CSRs: keyUsage against the key and the
//! extendedKeyUsage, subjectAltName syntax, RSA key size and exponent, and the etcd profile.

use der::{Decode, oid::db::rfc5280 as oids};
use x509_cert::ext::pkix::{SubjectAltName, name::GeneralName};

use super::{Exts, Finding, Profile, finding, rules};
use crate::{
    ext::{self, KeyUsage, KeyUsageBit as Bit, San},
    inspect::KeyDetails,
};

/// Rules shared by certificates and CSRs: keyUsage, EKU, SAN, key.
pub(super) fn common(exts: &Exts<'_>, key: &KeyDetails, out: &mut Vec<Finding>) {
    if let Some((critical, ku)) = exts.key_usage {
        if !critical {
            out.push(finding(rules::KEY_USAGE_NOT_CRITICAL, None));
        }
        if ku.is_empty() {
            out.push(finding(rules::KEY_USAGE_EMPTY, None));
        }
        if (ku.contains(Bit::EncipherOnly) || ku.contains(Bit::DecipherOnly))
            && !ku.contains(Bit::KeyAgreement)
        {
            out.push(finding(rules::KEY_USAGE_ENCIPHER_ONLY, None));
        }
        key_usage_for_key(&ku, key, out);
        if let Some(purposes) = &exts.eku {
            for p in purposes {
                if let Some(allowed) = eku_bits(*p)
                    && !allowed.iter().any(|b| ku.contains(*b))
                {
                    out.push(finding(
                        rules::EKU_KEY_USAGE,
                        Some(format!(
                            "{} needs one of {}",
                            p.conf_name().unwrap_or("?"),
                            allowed
                                .iter()
                                .map(|b| b.conf_name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    ));
                }
            }
        }
    }
    if let Some(san) = exts.find(oids::ID_CE_SUBJECT_ALT_NAME)
        && let Ok(names) = SubjectAltName::from_der(san.extn_value.as_bytes())
    {
        san_names(&names.0, out);
    }
    if let KeyDetails::Rsa { bits, exponent, .. } = key {
        if *bits < 2048 {
            out.push(finding(rules::RSA_KEY_SIZE, Some(format!("{bits} bits"))));
        }
        if exponent != "65537" {
            out.push(finding(
                rules::RSA_EXPONENT,
                Some(format!("e = {exponent}")),
            ));
        }
    }
}

/// The keyUsage bits consistent with each purpose (RFC 5280 4.2.1.12); `None` for purposes
/// RFC 5280 does not tie to bits.
fn eku_bits(p: ext::Eku) -> Option<&'static [Bit]> {
    use ext::Eku::*;
    Some(match p {
        ServerAuth => &[
            Bit::DigitalSignature,
            Bit::KeyEncipherment,
            Bit::KeyAgreement,
        ],
        ClientAuth => &[Bit::DigitalSignature, Bit::KeyAgreement],
        CodeSigning => &[Bit::DigitalSignature],
        EmailProtection => &[
            Bit::DigitalSignature,
            Bit::NonRepudiation,
            Bit::KeyEncipherment,
            Bit::KeyAgreement,
        ],
        TimeStamping | OcspSigning => &[Bit::DigitalSignature, Bit::NonRepudiation],
        Other(_) => return None,
    })
}

fn key_usage_for_key(ku: &KeyUsage, key: &KeyDetails, out: &mut Vec<Finding>) {
    let forbidden: &[Bit] = match key {
        KeyDetails::Rsa { .. } => &[Bit::KeyAgreement, Bit::EncipherOnly, Bit::DecipherOnly],
        KeyDetails::Ec { .. } => &[Bit::KeyEncipherment, Bit::DataEncipherment],
        KeyDetails::Edwards { algorithm, .. } if algorithm.starts_with("Ed") => &[
            Bit::KeyEncipherment,
            Bit::DataEncipherment,
            Bit::KeyAgreement,
            Bit::EncipherOnly,
            Bit::DecipherOnly,
        ],
        KeyDetails::Edwards { .. } => &[
            Bit::DigitalSignature,
            Bit::NonRepudiation,
            Bit::KeyEncipherment,
            Bit::DataEncipherment,
            Bit::KeyCertSign,
            Bit::CrlSign,
        ],
        _ => &[],
    };
    let bad: Vec<&str> = forbidden
        .iter()
        .filter(|b| ku.contains(**b))
        .map(|b| b.conf_name())
        .collect();
    if !bad.is_empty() {
        out.push(finding(
            rules::KEY_USAGE_KEY_TYPE,
            Some(format!("{} with a {} key", bad.join(", "), key_name(key))),
        ));
    }
}

fn key_name(key: &KeyDetails) -> String {
    match key {
        KeyDetails::Rsa { .. } => "RSA".into(),
        KeyDetails::Ec { curve, .. } => format!("EC {curve}"),
        KeyDetails::Edwards { algorithm, .. } => (*algorithm).into(),
        _ => "other".into(),
    }
}

fn san_names(names: &[GeneralName], out: &mut Vec<Finding>) {
    if names.is_empty() {
        out.push(finding(rules::SAN_EMPTY, None));
    }
    for gn in names {
        let (text, check): (String, fn(&str) -> crate::Result<San>) = match gn {
            GeneralName::DnsName(s) => (s.to_string(), San::dns),
            GeneralName::Rfc822Name(s) => (s.to_string(), San::email),
            GeneralName::UniformResourceIdentifier(s) => (s.to_string(), San::uri),
            GeneralName::IpAddress(o) => {
                let n = o.as_bytes().len();
                if n != 4 && n != 16 {
                    out.push(finding(rules::SAN_IP_LENGTH, Some(format!("{n} octets"))));
                }
                continue;
            }
            _ => continue,
        };
        if text.is_empty() {
            out.push(finding(rules::SAN_EMPTY_NAME, None));
            continue;
        }
        if check(&text).is_err() {
            let rule = match gn {
                GeneralName::DnsName(_) => rules::SAN_DNS,
                GeneralName::Rfc822Name(_) => rules::SAN_EMAIL,
                _ => rules::SAN_URI,
            };
            out.push(finding(rule, Some(format!("{text:?}"))));
        }
    }
}

pub(super) fn etcd(exts: &Exts<'_>, key: &KeyDetails, profile: Profile, out: &mut Vec<Finding>) {
    if profile == Profile::Rfc5280 || exts.is_ca() {
        return;
    }
    match &exts.eku {
        None => out.push(finding(rules::ETCD_EKU_MISSING, None)),
        Some(_) => {
            if profile.serves() && !exts.has_eku(ext::Eku::ServerAuth) {
                out.push(finding(rules::ETCD_SERVER_AUTH, None));
            }
            if profile.connects() && !exts.has_eku(ext::Eku::ClientAuth) {
                out.push(finding(rules::ETCD_CLIENT_AUTH, None));
            }
        }
    }
    if !profile.serves() {
        return;
    }
    match exts
        .find(oids::ID_CE_SUBJECT_ALT_NAME)
        .and_then(|s| SubjectAltName::from_der(s.extn_value.as_bytes()).ok())
    {
        None => out.push(finding(rules::ETCD_SAN_MISSING, None)),
        Some(san) => {
            if !san.0.iter().any(|g| matches!(g, GeneralName::IpAddress(_))) {
                out.push(finding(rules::ETCD_SAN_IP, None));
            }
        }
    }
    if let (KeyDetails::Rsa { .. }, Some((_, ku))) = (key, exts.key_usage) {
        let missing: Vec<&str> = [Bit::DigitalSignature, Bit::KeyEncipherment]
            .into_iter()
            .filter(|b| !ku.contains(*b))
            .map(|b| b.conf_name())
            .collect();
        if !missing.is_empty() {
            out.push(finding(
                rules::ETCD_KEY_USAGE,
                Some(format!("missing {}", missing.join(", "))),
            ));
        }
    }
}
