//! The x509v3_config extensions pki encodes straight from their text, as OpenSSL 3.0 reads
//! them: crlDistributionPoints (crypto/x509/v3_crld.c), authorityInfoAccess (v3_info.c),
//! certificatePolicies (v3_cpols.c), nameConstraints (v3_ncons.c), policyConstraints
//! (v3_pcons.c) and issuerAltName (v3_san.c), each with the general names of `v2i_GENERAL_NAME`.

use der::{
    Any, Encode, Sequence, Tag,
    asn1::{Ia5String, Int, OctetString},
    oid::{AssociatedOid, ObjectIdentifier},
};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, CertificatePolicies, CrlDistributionPoints, NameConstraints,
    PolicyConstraints,
    certpolicy::{PolicyInformation, PolicyQualifierInfo},
    constraints::name::GeneralSubtree,
    crl::dp::{DistributionPoint, Reasons},
    name::{DistributionPointName, GeneralName},
};

use super::{Conf, ConfErrorKind, x509v3::Item, x509v3::Located, x509v3::items, x509v3::list};
use crate::{
    ext::{AltName, ExtSpec},
    name,
};

/// The extensions this module makes, by config name.
pub(super) const NAMES: [&str; 6] = [
    "crlDistributionPoints",
    "authorityInfoAccess",
    "certificatePolicies",
    "nameConstraints",
    "policyConstraints",
    "issuerAltName",
];

const CPS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.2.1");
const USER_NOTICE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.2.2");

/// One extension of [`NAMES`]; `value` is without its `critical,`.
pub(super) fn ext_value(
    conf: Option<&Conf>,
    name: &str,
    critical: bool,
    value: &str,
) -> Result<ExtSpec, Located> {
    let enc = |oid: ObjectIdentifier, der: der::Result<Vec<u8>>| -> Result<ExtSpec, Located> {
        let value = der.map_err(|_| bad(None, name, value, "cannot be encoded"))?;
        Ok(ExtSpec::Encoded {
            oid,
            critical,
            value,
        })
    };
    match name {
        "crlDistributionPoints" => {
            let dps = crl_distribution_points(conf, &items(conf, name, value)?)?;
            enc(
                CrlDistributionPoints::OID,
                CrlDistributionPoints(dps).to_der(),
            )
        }
        "authorityInfoAccess" => {
            let mut access = Vec::new();
            for item in items(conf, name, value)? {
                let (method, location) = item.name.split_once(';').ok_or_else(|| {
                    bad_item(
                        &item,
                        name,
                        "expected METHOD;TYPE:value, such as OCSP;URI:http://…",
                    )
                })?;
                let access_method = access_method(method).ok_or_else(|| {
                    bad_item(
                        &item,
                        name,
                        "unknown access method: use OCSP, caIssuers, caRepository or a dotted OID",
                    )
                })?;
                let location = Item {
                    name: location,
                    ..item
                };
                access.push(x509_cert::ext::pkix::AccessDescription {
                    access_method,
                    access_location: general_name(conf, name, &location, false)?,
                });
            }
            enc(
                AuthorityInfoAccessSyntax::OID,
                AuthorityInfoAccessSyntax(access).to_der(),
            )
        }
        "certificatePolicies" => {
            let policies = certificate_policies(conf, value)?;
            enc(
                CertificatePolicies::OID,
                CertificatePolicies(policies).to_der(),
            )
        }
        "nameConstraints" => {
            let (mut permitted, mut excluded) = (Vec::new(), Vec::new());
            for item in items(conf, name, value)? {
                let (tree, rest) = if let Some(rest) = item.name.strip_prefix("permitted") {
                    (&mut permitted, rest)
                } else if let Some(rest) = item.name.strip_prefix("excluded") {
                    (&mut excluded, rest)
                } else {
                    return Err(bad_item(
                        &item,
                        name,
                        "expected permitted;TYPE:value or excluded;TYPE:value",
                    ));
                };
                // OpenSSL skips the one character after the word (`;`).
                let mut chars = rest.chars();
                if chars.next().is_none() {
                    return Err(bad_item(
                        &item,
                        name,
                        "no name type after permitted/excluded",
                    ));
                }
                let base = Item {
                    name: chars.as_str(),
                    ..item
                };
                tree.push(GeneralSubtree {
                    base: general_name(conf, name, &base, true)?,
                    minimum: 0,
                    maximum: None,
                });
            }
            let nc = NameConstraints {
                permitted_subtrees: (!permitted.is_empty()).then_some(permitted),
                excluded_subtrees: (!excluded.is_empty()).then_some(excluded),
            };
            enc(NameConstraints::OID, nc.to_der())
        }
        "policyConstraints" => {
            let mut pc = PolicyConstraints {
                require_explicit_policy: None,
                inhibit_policy_mapping: None,
            };
            for item in items(conf, name, value)? {
                let slot = match item.name {
                    "requireExplicitPolicy" => &mut pc.require_explicit_policy,
                    "inhibitPolicyMapping" => &mut pc.inhibit_policy_mapping,
                    _ => {
                        return Err(bad_item(
                            &item,
                            name,
                            "use requireExplicitPolicy:N and/or inhibitPolicyMapping:N",
                        ));
                    }
                };
                let n = item
                    .value
                    .and_then(integer)
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| bad_item(&item, name, "needs a number from 0 to 4294967295"))?;
                *slot = Some(n);
            }
            if pc.require_explicit_policy.is_none() && pc.inhibit_policy_mapping.is_none() {
                return Err(bad(
                    None,
                    name,
                    value,
                    "empty (OpenSSL: illegal empty extension)",
                ));
            }
            enc(PolicyConstraints::OID, pc.to_der())
        }
        _ => {
            // issuerAltName
            let mut names = Vec::new();
            for item in items(conf, name, value)? {
                if type_is(item.name, "issuer") && item.value == Some("copy") {
                    names.push(AltName::IssuerCopy);
                } else {
                    names.push(AltName::Name(general_name(conf, name, &item, false)?));
                }
            }
            Ok(ExtSpec::IssuerAltName { critical, names })
        }
    }
}

fn bad(line: Option<usize>, name: &str, value: &str, reason: &'static str) -> Located {
    (
        line,
        ConfErrorKind::BadExtensionValue {
            name: name.into(),
            value: value.into(),
            reason,
        },
    )
}

fn bad_item(item: &Item<'_>, name: &str, reason: &'static str) -> Located {
    bad(item.line, name, &item.text(), reason)
}

/// OpenSSL's `ossl_v3_name_cmp`: `name` is `kind` or `kind.` followed by anything (`DNS.1`).
fn type_is(name: &str, kind: &str) -> bool {
    name.strip_prefix(kind)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// One general name, `TYPE:value` (OpenSSL's `v2i_GENERAL_NAME_ex`); `nc` reads an IP as
/// `address/mask`, as in nameConstraints.
fn general_name(
    conf: Option<&Conf>,
    ext: &str,
    item: &Item<'_>,
    nc: bool,
) -> Result<GeneralName, Located> {
    let Some(value) = item.value else {
        return Err(bad_item(item, ext, "missing value: write TYPE:value"));
    };
    let ia5 = || Ia5String::new(value).map_err(|_| bad_item(item, ext, "not ASCII (an IA5String)"));
    let kind = ["email", "URI", "DNS", "RID", "IP", "dirName", "otherName"]
        .into_iter()
        .find(|k| type_is(item.name, k))
        .ok_or_else(|| {
            bad_item(
                item,
                ext,
                "unknown name type: use email, URI, DNS, RID, IP or dirName",
            )
        })?;
    Ok(match kind {
        "email" => GeneralName::Rfc822Name(ia5()?),
        "URI" => GeneralName::UniformResourceIdentifier(ia5()?),
        "DNS" => GeneralName::DnsName(ia5()?),
        "RID" => GeneralName::RegisteredId(
            ObjectIdentifier::new(value)
                .map_err(|_| bad_item(item, ext, "RID needs a dotted OID"))?,
        ),
        "IP" => {
            let octets = if nc {
                value.split_once('/').and_then(|(addr, mask)| {
                    let (a, m) = (ip_octets(addr)?, ip_octets(mask)?);
                    (a.len() == m.len()).then(|| [a, m].concat())
                })
            } else {
                ip_octets(value)
            };
            let octets = octets.ok_or_else(|| {
                let reason = if nc {
                    "expected ADDRESS/MASK of one family, such as 10.0.0.0/255.0.0.0"
                } else {
                    "not an IPv4 or IPv6 address"
                };
                bad_item(item, ext, reason)
            })?;
            GeneralName::IpAddress(
                OctetString::new(octets).map_err(|_| bad_item(item, ext, "cannot be encoded"))?,
            )
        }
        "dirName" => GeneralName::DirectoryName(dir_name(conf, ext, item, value)?),
        _ => {
            return Err(bad_item(
                item,
                ext,
                "otherName is not supported by pki (its value is raw ASN1: text)",
            ));
        }
    })
}

fn ip_octets(s: &str) -> Option<Vec<u8>> {
    match s.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(a) => Some(a.octets().to_vec()),
        std::net::IpAddr::V6(a) => Some(a.octets().to_vec()),
    }
}

/// `dirName:SECTION`: a name from the fields of that section (`X509V3_NAME_from_section`).
fn dir_name(
    conf: Option<&Conf>,
    ext: &str,
    item: &Item<'_>,
    section: &str,
) -> Result<x509_cert::name::Name, Located> {
    let entries = conf.and_then(|c| c.section(section)).ok_or((
        item.line,
        ConfErrorKind::MissingSection {
            name: section.into(),
        },
    ))?;
    if entries.is_empty() {
        return Err((
            item.line,
            ConfErrorKind::EmptySection {
                name: section.into(),
            },
        ));
    }
    name::from_section_fields(entries.iter().map(|e| (e.key.as_str(), e.value.as_str())))
        .map_err(|_| bad_item(item, ext, "the section is not a valid name"))
}

/// crlDistributionPoints: each item a general name (one point with that full name), or the
/// name of a section (without `@`) with `fullname`, `relativename`, `reasons`, `CRLissuer`.
fn crl_distribution_points(
    conf: Option<&Conf>,
    list: &[Item<'_>],
) -> Result<Vec<DistributionPoint>, Located> {
    const EXT: &str = "crlDistributionPoints";
    let mut points = Vec::with_capacity(list.len());
    for item in list {
        if item.value.is_some() {
            points.push(DistributionPoint {
                distribution_point: Some(DistributionPointName::FullName(vec![general_name(
                    conf, EXT, item, false,
                )?])),
                reasons: None,
                crl_issuer: None,
            });
            continue;
        }
        let entries = conf.and_then(|c| c.section(item.name)).ok_or((
            item.line,
            ConfErrorKind::MissingSection {
                name: item.name.into(),
            },
        ))?;
        let mut point = DistributionPoint {
            distribution_point: None,
            reasons: None,
            crl_issuer: None,
        };
        for e in entries {
            let field = Item {
                name: &e.key,
                value: Some(&e.value),
                line: Some(e.line),
            };
            let dp_name = if e.key.starts_with("fullname") {
                Some(DistributionPointName::FullName(names_of(
                    conf, EXT, &e.value, e.line,
                )?))
            } else if e.key == "relativename" {
                let name = dir_name(conf, EXT, &field, &e.value)?;
                let mut rdns = name.iter_rdn();
                match (rdns.next(), rdns.next()) {
                    (Some(rdn), None) => {
                        Some(DistributionPointName::NameRelativeToCRLIssuer(rdn.clone()))
                    }
                    _ => {
                        return Err(bad_item(
                            &field,
                            EXT,
                            "a relative name is one RDN (join its fields with +)",
                        ));
                    }
                }
            } else {
                None
            };
            if let Some(dp_name) = dp_name {
                if point.distribution_point.is_some() {
                    return Err(bad_item(&field, EXT, "a second fullname or relativename"));
                }
                point.distribution_point = Some(dp_name);
            } else if e.key == "reasons" {
                if point.reasons.is_some() {
                    return Err(bad_item(&field, EXT, "reasons given twice"));
                }
                let mut flags = der::flagset::FlagSet::<Reasons>::default();
                for r in list_of(EXT, &e.value, e.line)? {
                    flags |= reason(r.name).ok_or_else(|| {
                        bad_item(
                            &field,
                            EXT,
                            "unknown reason: use keyCompromise, CACompromise, \
                             affiliationChanged, superseded, cessationOfOperation, \
                             certificateHold, privilegeWithdrawn or AACompromise",
                        )
                    })?;
                }
                point.reasons = Some(flags);
            } else if e.key == "CRLissuer" {
                point.crl_issuer = Some(names_of(conf, EXT, &e.value, e.line)?);
            }
            // OpenSSL ignores other keys in a distribution point section.
        }
        points.push(point);
    }
    Ok(points)
}

/// The general names of `@section` or of an inline list (`gnames_from_sectname`).
fn names_of(
    conf: Option<&Conf>,
    ext: &str,
    value: &str,
    line: usize,
) -> Result<Vec<GeneralName>, Located> {
    let list = match value.strip_prefix('@') {
        Some(_) => items(conf, ext, value)?,
        None => list_of(ext, value, line)?,
    };
    list.iter()
        .map(|i| general_name(conf, ext, i, false))
        .collect()
}

/// An inline list inside a section's value, its items on `line`.
fn list_of<'a>(ext: &str, value: &'a str, line: usize) -> Result<Vec<Item<'a>>, Located> {
    let mut out = list(ext, value).map_err(|(_, kind)| (Some(line), kind))?;
    for i in &mut out {
        i.line = Some(line);
    }
    Ok(out)
}

fn reason(name: &str) -> Option<Reasons> {
    Some(match name {
        "unused" => Reasons::Unused,
        "keyCompromise" => Reasons::KeyCompromise,
        "CACompromise" => Reasons::CaCompromise,
        "affiliationChanged" => Reasons::AffiliationChanged,
        "superseded" => Reasons::Superseded,
        "cessationOfOperation" => Reasons::CessationOfOperation,
        "certificateHold" => Reasons::CertificateHold,
        "privilegeWithdrawn" => Reasons::PrivilegeWithdrawn,
        "AACompromise" => Reasons::AaCompromise,
        _ => return None,
    })
}

/// An access method by OpenSSL's short or long name, or dotted.
fn access_method(s: &str) -> Option<ObjectIdentifier> {
    let dotted = match s {
        "OCSP" => "1.3.6.1.5.5.7.48.1",
        "caIssuers" | "CA Issuers" => "1.3.6.1.5.5.7.48.2",
        "ad_timestamping" | "AD Time Stamping" => "1.3.6.1.5.5.7.48.3",
        "AD_DVCS" | "ad dvcs" => "1.3.6.1.5.5.7.48.4",
        "caRepository" | "CA Repository" => "1.3.6.1.5.5.7.48.5",
        other => other,
    };
    ObjectIdentifier::new(dotted).ok()
}

/// A policy identifier: `anyPolicy` or dotted.
fn policy_id(s: &str) -> Option<ObjectIdentifier> {
    match s {
        "anyPolicy" | "X509v3 Any Policy" => Some(ObjectIdentifier::new_unwrap("2.5.29.32.0")),
        other => ObjectIdentifier::new(other).ok(),
    }
}

/// `s2i_ASN1_INTEGER`: decimal or `0x` hexadecimal, with an optional `-`.
fn integer(s: &str) -> Option<i128> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let n = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) => {
            i128::from_str_radix(hex, 16).ok()?
        }
        None if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) => {
            digits.parse().ok()?
        }
        _ => return None,
    };
    Some(if neg { -n } else { n })
}

/// certificatePolicies (`r2i_certpol`): a list of policy OIDs, `ia5org`, and `@section`s
/// with `policyIdentifier`, `CPS.N` and `userNotice.N = @section`.
fn certificate_policies(
    conf: Option<&Conf>,
    value: &str,
) -> Result<Vec<PolicyInformation>, Located> {
    const EXT: &str = "certificatePolicies";
    let mut ia5org = false;
    let mut out = Vec::new();
    for item in list(EXT, value)? {
        if item.value.is_some() {
            return Err(bad_item(
                &item,
                EXT,
                "expected a policy OID, ia5org or @section",
            ));
        }
        if item.name == "ia5org" {
            ia5org = true;
            continue;
        }
        if let Some(sect) = item.name.strip_prefix('@') {
            out.push(policy_section(conf, sect, ia5org)?);
            continue;
        }
        out.push(PolicyInformation {
            policy_identifier: policy_id(item.name).ok_or_else(|| {
                bad_item(
                    &item,
                    EXT,
                    "not a policy OID (use a dotted OID or anyPolicy)",
                )
            })?,
            policy_qualifiers: None,
        });
    }
    Ok(out)
}

fn section<'c>(conf: Option<&'c Conf>, name: &str) -> Result<&'c [super::Entry], Located> {
    conf.and_then(|c| c.section(name))
        .ok_or((None, ConfErrorKind::MissingSection { name: name.into() }))
}

fn policy_section(
    conf: Option<&Conf>,
    sect: &str,
    ia5org: bool,
) -> Result<PolicyInformation, Located> {
    const EXT: &str = "certificatePolicies";
    let (mut id, mut qualifiers) = (None, Vec::new());
    let enc = |line| move |_| bad(Some(line), EXT, "", "cannot be encoded");
    for e in section(conf, sect)? {
        let field = Item {
            name: &e.key,
            value: Some(&e.value),
            line: Some(e.line),
        };
        if e.key == "policyIdentifier" {
            id = Some(policy_id(&e.value).ok_or_else(|| {
                bad_item(
                    &field,
                    EXT,
                    "not a policy OID (use a dotted OID or anyPolicy)",
                )
            })?);
        } else if type_is(&e.key, "CPS") {
            let uri = Ia5String::new(&e.value)
                .map_err(|_| bad_item(&field, EXT, "not ASCII (an IA5String)"))?;
            qualifiers.push(PolicyQualifierInfo {
                policy_qualifier_id: CPS,
                qualifier: Some(Any::encode_from(&uri).map_err(enc(e.line))?),
            });
        } else if type_is(&e.key, "userNotice") {
            let notice = e
                .value
                .strip_prefix('@')
                .ok_or_else(|| bad_item(&field, EXT, "userNotice needs an @section"))?;
            let notice = user_notice(conf, notice, ia5org)?;
            qualifiers.push(PolicyQualifierInfo {
                policy_qualifier_id: USER_NOTICE,
                qualifier: Some(Any::encode_from(&notice).map_err(enc(e.line))?),
            });
        } else {
            return Err(bad_item(
                &field,
                EXT,
                "unknown option: use policyIdentifier, CPS.N or userNotice.N",
            ));
        }
    }
    Ok(PolicyInformation {
        policy_identifier: id
            .ok_or_else(|| bad(None, EXT, sect, "the section has no policyIdentifier"))?,
        policy_qualifiers: (!qualifiers.is_empty()).then_some(qualifiers),
    })
}

/// `UserNotice ::= SEQUENCE { noticeRef NoticeReference OPTIONAL, explicitText DisplayText
/// OPTIONAL }` (x509-cert's own type has no VisibleString).
#[derive(Sequence)]
struct UserNotice {
    notice_ref: Option<NoticeReference>,
    explicit_text: Option<Any>,
}

#[derive(Sequence)]
struct NoticeReference {
    organization: Any,
    notice_numbers: Vec<Int>,
}

fn user_notice(conf: Option<&Conf>, sect: &str, ia5org: bool) -> Result<UserNotice, Located> {
    const EXT: &str = "certificatePolicies";
    let (mut text, mut org, mut numbers) = (None, None, None);
    for e in section(conf, sect)? {
        let field = Item {
            name: &e.key,
            value: Some(&e.value),
            line: Some(e.line),
        };
        let string = |tag: Tag, s: &str| {
            if tag != Tag::Utf8String && !s.is_ascii() {
                return Err(bad_item(&field, EXT, "not ASCII: write UTF8:text"));
            }
            Any::new(tag, s.as_bytes()).map_err(|_| bad_item(&field, EXT, "cannot be encoded"))
        };
        match e.key.as_str() {
            "explicitText" => {
                let (tag, s) = match e.value.split_once(':') {
                    Some(("UTF8" | "UTF8String", rest)) => (Tag::Utf8String, rest),
                    Some(("VISIBLE" | "VISIBLESTRING", rest)) => (Tag::VisibleString, rest),
                    Some(("BMP" | "BMPSTRING", _)) => {
                        return Err(bad_item(
                            &field,
                            EXT,
                            "BMPString text is not supported by pki",
                        ));
                    }
                    _ => (Tag::VisibleString, e.value.as_str()),
                };
                text = Some(string(tag, s)?);
            }
            "organization" => {
                let tag = if ia5org {
                    Tag::Ia5String
                } else {
                    Tag::VisibleString
                };
                org = Some(string(tag, &e.value)?);
            }
            "noticeNumbers" => {
                let mut list = Vec::new();
                for n in list_of(EXT, &e.value, e.line)? {
                    let v = integer(n.name)
                        .ok_or_else(|| bad_item(&field, EXT, "notice numbers are integers"))?;
                    list.push(int(v).ok_or_else(|| bad_item(&field, EXT, "cannot be encoded"))?);
                }
                numbers = Some(list);
            }
            _ => {
                return Err(bad_item(
                    &field,
                    EXT,
                    "unknown option: use explicitText, organization or noticeNumbers",
                ));
            }
        }
    }
    let notice_ref = match (org, numbers) {
        (None, None) => None,
        (Some(organization), Some(notice_numbers)) => Some(NoticeReference {
            organization,
            notice_numbers,
        }),
        _ => {
            return Err(bad(
                None,
                EXT,
                sect,
                "a notice reference needs both organization and noticeNumbers",
            ));
        }
    };
    Ok(UserNotice {
        notice_ref,
        explicit_text: text,
    })
}

/// An INTEGER's minimal two's-complement encoding.
fn int(v: i128) -> Option<Int> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 15 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    Int::new(&bytes[start..]).ok()
}
