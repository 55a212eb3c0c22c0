//! Extensions ([RFC 5280 4.2]) decoded into values `pki show` can print, with their raw DER so
//! that nothing is lost for extensions it does not know.
//!
//! [RFC 5280 4.2]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2

use der::{Decode, Encode, asn1::Ia5String, oid::db::rfc5280 as oids};
use serde::{Serialize, Serializer};
use x509_cert::ext::{
    Extension,
    pkix::{
        AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
        CrlDistributionPoints, ExtendedKeyUsage, InhibitAnyPolicy, IssuerAltName, KeyUsage,
        NameConstraints, PolicyConstraints, SubjectAltName, SubjectInfoAccessSyntax,
        SubjectKeyIdentifier,
        constraints::name::GeneralSubtrees,
        crl::{CrlReason, IssuingDistributionPoint},
        name::{DistributionPointName, GeneralName},
    },
};

use super::{hex, oids as names};
use crate::{
    ext::{ExtSpec, KeyUsageBit, San, ip_from_bytes},
    name,
};

/// One extension: OID, name, criticality, decoded value and raw extnValue.
#[derive(Debug, Clone, Serialize)]
pub struct ExtensionInfo {
    pub oid: String,
    pub name: Option<&'static str>,
    pub critical: bool,
    pub value: ExtValue,
    /// The extnValue OCTET STRING contents (the extension's own DER), base64 in JSON.
    #[serde(serialize_with = "base64")]
    pub der: Vec<u8>,
}

fn base64<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    use base64ct::{Base64, Encoding};
    s.serialize_str(&Base64::encode_string(b))
}

/// A GeneralName ([RFC 5280 4.2.1.6]): its kind and its value as text.
///
/// [RFC 5280 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GeneralNameInfo {
    /// `dns`, `ip`, `email`, `uri`, `directory`, `registered_id`, `other_name`, `edi_party`.
    pub kind: &'static str,
    /// The name; an iPAddress that is not 4 or 16 octets is its hex.
    pub value: String,
}

impl GeneralNameInfo {
    /// OpenSSL's form: `DNS:etcd01`, `IP Address:127.0.0.1`, `DirName:CN = x`.
    pub fn text(&self) -> String {
        let prefix = match self.kind {
            "dns" => "DNS",
            "ip" => "IP Address",
            "email" => "email",
            "uri" => "URI",
            "directory" => "DirName",
            "registered_id" => "Registered ID",
            "other_name" => "othername",
            _ => "EdiPartyName",
        };
        format!("{prefix}:{}", self.value)
    }

    /// Describes a GeneralName.
    pub fn new(gn: &GeneralName) -> GeneralNameInfo {
        let ia5 = |s: &Ia5String| s.to_string();
        let (kind, value) = match gn {
            GeneralName::DnsName(s) => ("dns", ia5(s)),
            GeneralName::Rfc822Name(s) => ("email", ia5(s)),
            GeneralName::UniformResourceIdentifier(s) => ("uri", ia5(s)),
            GeneralName::IpAddress(o) => (
                "ip",
                match ip_from_bytes(o.as_bytes()) {
                    // San's Display is OpenSSL's `IP Address:` form.
                    Some(ip) => San::Ip(ip)
                        .to_string()
                        .trim_start_matches("IP Address:")
                        .to_owned(),
                    None => format!(
                        "<invalid {} octets: {}>",
                        o.as_bytes().len(),
                        hex(o.as_bytes())
                    ),
                },
            ),
            GeneralName::DirectoryName(n) => ("directory", name::to_openssl_string(n)),
            GeneralName::RegisteredId(oid) => ("registered_id", oid.to_string()),
            GeneralName::OtherName(on) => (
                "other_name",
                format!(
                    "{}:{}",
                    on.type_id,
                    on.value.to_der().map(|d| hex(&d)).unwrap_or_default()
                ),
            ),
            GeneralName::EdiPartyName(e) => ("edi_party", hex(&e.to_der().unwrap_or_default())),
        };
        GeneralNameInfo { kind, value }
    }
}

/// An extended key usage purpose or access method: OID and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub oid: String,
    pub name: Option<&'static str>,
}

impl Named {
    fn new(oid: &der::oid::ObjectIdentifier) -> Named {
        Named {
            oid: oid.to_string(),
            name: names::name(oid),
        }
    }

    fn text(&self) -> String {
        self.name.map_or_else(|| self.oid.clone(), str::to_owned)
    }
}

/// One accessDescription of authorityInfoAccess / subjectInfoAccess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Access {
    pub method: Named,
    pub location: GeneralNameInfo,
}

/// An extension's decoded value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExtValue {
    BasicConstraints {
        ca: bool,
        path_len: Option<u8>,
    },
    /// The bits set, by their openssl.conf names.
    KeyUsage {
        usages: Vec<&'static str>,
    },
    ExtendedKeyUsage {
        purposes: Vec<Named>,
    },
    SubjectAltName {
        names: Vec<GeneralNameInfo>,
    },
    IssuerAltName {
        names: Vec<GeneralNameInfo>,
    },
    /// keyIdentifier as hex.
    SubjectKeyIdentifier {
        key_id: String,
    },
    AuthorityKeyIdentifier {
        key_id: Option<String>,
        issuer: Option<Vec<GeneralNameInfo>>,
        serial: Option<String>,
    },
    /// The fullName of each distribution point (relative names and issuers as text).
    CrlDistributionPoints {
        points: Vec<String>,
    },
    AuthorityInfoAccess {
        access: Vec<Access>,
    },
    SubjectInfoAccess {
        access: Vec<Access>,
    },
    CertificatePolicies {
        policies: Vec<Named>,
    },
    NameConstraints {
        permitted: Vec<GeneralNameInfo>,
        excluded: Vec<GeneralNameInfo>,
    },
    PolicyConstraints {
        require_explicit_policy: Option<u32>,
        inhibit_policy_mapping: Option<u32>,
    },
    InhibitAnyPolicy {
        skip_certs: u32,
    },
    /// cRLNumber, in decimal.
    CrlNumber {
        number: String,
    },
    /// deltaCRLIndicator: the BaseCRLNumber, in decimal.
    DeltaCrlIndicator {
        base: String,
    },
    IssuingDistributionPoint {
        /// The distribution point's names, as for cRLDistributionPoints.
        point: Option<String>,
        only_user_certs: bool,
        only_ca_certs: bool,
        /// The reasons of onlySomeReasons, by their RFC 5280 names.
        only_some_reasons: Option<Vec<&'static str>>,
        indirect_crl: bool,
        only_attribute_certs: bool,
    },
    FreshestCrl {
        points: Vec<String>,
    },
    /// A CRL entry's reasonCode, by its RFC 5280 name.
    ReasonCode {
        reason: &'static str,
    },
    /// A CRL entry's invalidityDate (RFC 3339).
    InvalidityDate {
        time: String,
    },
    /// A CRL entry's certificateIssuer (indirect CRLs).
    CertificateIssuer {
        names: Vec<GeneralNameInfo>,
    },
    /// An extension pki does not decode; its DER is in `der`.
    Unknown,
    /// A known extension whose value does not decode.
    Malformed {
        error: String,
    },
}

impl ExtValue {
    /// The value as lines of text, OpenSSL-like.
    pub fn lines(&self, der: &[u8]) -> Vec<String> {
        let join = |v: &[GeneralNameInfo]| {
            v.iter()
                .map(GeneralNameInfo::text)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            ExtValue::BasicConstraints { ca, path_len } => {
                let mut s = format!("CA:{}", if *ca { "TRUE" } else { "FALSE" });
                if let Some(p) = path_len {
                    s.push_str(&format!(", pathlen:{p}"));
                }
                vec![s]
            }
            ExtValue::KeyUsage { usages } => vec![if usages.is_empty() {
                "(no bit set)".to_owned()
            } else {
                usages.join(", ")
            }],
            ExtValue::ExtendedKeyUsage { purposes }
            | ExtValue::CertificatePolicies { policies: purposes } => {
                vec![
                    purposes
                        .iter()
                        .map(Named::text)
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            }
            ExtValue::SubjectAltName { names } | ExtValue::IssuerAltName { names } => {
                vec![if names.is_empty() {
                    "(empty)".to_owned()
                } else {
                    join(names)
                }]
            }
            ExtValue::SubjectKeyIdentifier { key_id } => vec![colons(key_id)],
            ExtValue::AuthorityKeyIdentifier {
                key_id,
                issuer,
                serial,
            } => {
                let mut v = Vec::new();
                if let Some(k) = key_id {
                    v.push(format!("keyid:{}", colons(k)));
                }
                if let Some(i) = issuer {
                    v.push(format!("issuer:{}", join(i)));
                }
                if let Some(s) = serial {
                    v.push(format!("serial:{}", colons(s)));
                }
                if v.is_empty() {
                    v.push("(empty)".to_owned());
                }
                v
            }
            ExtValue::CrlDistributionPoints { points } | ExtValue::FreshestCrl { points } => {
                points.clone()
            }
            ExtValue::CrlNumber { number } => vec![number.clone()],
            ExtValue::DeltaCrlIndicator { base } => vec![format!("base CRL number {base}")],
            ExtValue::IssuingDistributionPoint {
                point,
                only_user_certs,
                only_ca_certs,
                only_some_reasons,
                indirect_crl,
                only_attribute_certs,
            } => {
                let mut v = Vec::new();
                if let Some(p) = point {
                    v.push(format!("distribution point: {p}"));
                }
                for (on, what) in [
                    (*only_user_certs, "only end-entity certificates"),
                    (*only_ca_certs, "only CA certificates"),
                    (*only_attribute_certs, "only attribute certificates"),
                    (*indirect_crl, "indirect CRL"),
                ] {
                    if on {
                        v.push(what.to_owned());
                    }
                }
                if let Some(r) = only_some_reasons {
                    v.push(format!("only reasons: {}", r.join(", ")));
                }
                if v.is_empty() {
                    v.push("(empty)".to_owned());
                }
                v
            }
            ExtValue::ReasonCode { reason } => vec![(*reason).to_owned()],
            ExtValue::InvalidityDate { time } => vec![time.clone()],
            ExtValue::CertificateIssuer { names } => vec![join(names)],
            ExtValue::AuthorityInfoAccess { access } | ExtValue::SubjectInfoAccess { access } => {
                access
                    .iter()
                    .map(|a| format!("{} - {}", a.method.text(), a.location.text()))
                    .collect()
            }
            ExtValue::NameConstraints {
                permitted,
                excluded,
            } => {
                let mut v = Vec::new();
                if !permitted.is_empty() {
                    v.push(format!("permitted: {}", join(permitted)));
                }
                if !excluded.is_empty() {
                    v.push(format!("excluded: {}", join(excluded)));
                }
                v
            }
            ExtValue::PolicyConstraints {
                require_explicit_policy,
                inhibit_policy_mapping,
            } => {
                let mut v = Vec::new();
                if let Some(n) = require_explicit_policy {
                    v.push(format!("requireExplicitPolicy:{n}"));
                }
                if let Some(n) = inhibit_policy_mapping {
                    v.push(format!("inhibitPolicyMapping:{n}"));
                }
                v
            }
            ExtValue::InhibitAnyPolicy { skip_certs } => vec![skip_certs.to_string()],
            ExtValue::Unknown => vec![format!("(not decoded) {}", colons(&hex(der)))],
            ExtValue::Malformed { error } => vec![
                format!("malformed: {error}"),
                format!("DER: {}", colons(&hex(der))),
            ],
        }
    }
}

/// `aa:bb:cc` from `aabbcc`, uppercase, as OpenSSL prints key identifiers.
pub(crate) fn colons(hex: &str) -> String {
    let bytes = hex.as_bytes();
    bytes
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).to_uppercase())
        .collect::<Vec<_>>()
        .join(":")
}

/// The bits of ReasonFlags and their RFC 5280 names.
const REASON_FLAGS: [(u16, &str); 9] = [
    (1 << 0, "unused"),
    (1 << 1, "keyCompromise"),
    (1 << 2, "cACompromise"),
    (1 << 3, "affiliationChanged"),
    (1 << 4, "superseded"),
    (1 << 5, "cessationOfOperation"),
    (1 << 6, "certificateHold"),
    (1 << 7, "privilegeWithdrawn"),
    (1 << 8, "aACompromise"),
];

/// The RFC 5280 name of a CRLReason.
pub fn reason_name(r: CrlReason) -> &'static str {
    match r {
        CrlReason::Unspecified => "unspecified",
        CrlReason::KeyCompromise => "keyCompromise",
        CrlReason::CaCompromise => "cACompromise",
        CrlReason::AffiliationChanged => "affiliationChanged",
        CrlReason::Superseded => "superseded",
        CrlReason::CessationOfOperation => "cessationOfOperation",
        CrlReason::CertificateHold => "certificateHold",
        CrlReason::RemoveFromCRL => "removeFromCRL",
        CrlReason::PrivilegeWithdrawn => "privilegeWithdrawn",
        CrlReason::AaCompromise => "aACompromise",
    }
}

/// A distribution point's name as text: its fullName, or a relative name.
fn point_name(p: Option<&DistributionPointName>) -> String {
    match p {
        Some(DistributionPointName::FullName(n)) => general_names(n)
            .iter()
            .map(GeneralNameInfo::text)
            .collect::<Vec<_>>()
            .join(", "),
        Some(DistributionPointName::NameRelativeToCRLIssuer(rdn)) => {
            format!("relative name: {}", hex(&rdn.to_der().unwrap_or_default()))
        }
        None => "(no name)".to_owned(),
    }
}

fn general_names(v: &[GeneralName]) -> Vec<GeneralNameInfo> {
    v.iter().map(GeneralNameInfo::new).collect()
}

fn subtrees(t: &Option<GeneralSubtrees>) -> Vec<GeneralNameInfo> {
    t.as_ref()
        .map(|t| t.iter().map(|s| GeneralNameInfo::new(&s.base)).collect())
        .unwrap_or_default()
}

/// Describes one extension; a value that does not decode becomes [`ExtValue::Malformed`].
pub fn describe_extension(ext: &Extension) -> ExtensionInfo {
    let der = ext.extn_value.as_bytes();
    let value = decode_value(ext).unwrap_or_else(|e| ExtValue::Malformed {
        error: e.to_string(),
    });
    ExtensionInfo {
        oid: ext.extn_id.to_string(),
        name: names::extension(&ext.extn_id),
        critical: ext.critical,
        value,
        der: der.to_vec(),
    }
}

fn decode_value(ext: &Extension) -> der::Result<ExtValue> {
    let b = ext.extn_value.as_bytes();
    let access = |v: Vec<x509_cert::ext::pkix::AccessDescription>| {
        v.iter()
            .map(|a| Access {
                method: Named::new(&a.access_method),
                location: GeneralNameInfo::new(&a.access_location),
            })
            .collect()
    };
    Ok(match ext.extn_id {
        oids::ID_CE_BASIC_CONSTRAINTS => {
            let bc = BasicConstraints::from_der(b)?;
            ExtValue::BasicConstraints {
                ca: bc.ca,
                path_len: bc.path_len_constraint,
            }
        }
        oids::ID_CE_KEY_USAGE => {
            // Decoded first for the DER error, then typed by ext.rs.
            KeyUsage::from_der(b)?;
            match ExtSpec::from_extension(ext) {
                Ok(Some(ExtSpec::KeyUsage { usage, .. })) => ExtValue::KeyUsage {
                    usages: usage.bits().map(KeyUsageBit::conf_name).collect(),
                },
                _ => return Err(der::Tag::BitString.value_error().into()),
            }
        }
        oids::ID_CE_EXT_KEY_USAGE => ExtValue::ExtendedKeyUsage {
            purposes: ExtendedKeyUsage::from_der(b)?
                .0
                .iter()
                .map(Named::new)
                .collect(),
        },
        oids::ID_CE_SUBJECT_ALT_NAME => ExtValue::SubjectAltName {
            names: general_names(&SubjectAltName::from_der(b)?.0),
        },
        oids::ID_CE_ISSUER_ALT_NAME => ExtValue::IssuerAltName {
            names: general_names(&IssuerAltName::from_der(b)?.0),
        },
        oids::ID_CE_SUBJECT_KEY_IDENTIFIER => ExtValue::SubjectKeyIdentifier {
            key_id: hex(SubjectKeyIdentifier::from_der(b)?.0.as_bytes()),
        },
        oids::ID_CE_AUTHORITY_KEY_IDENTIFIER => {
            let aki = AuthorityKeyIdentifier::from_der(b)?;
            ExtValue::AuthorityKeyIdentifier {
                key_id: aki.key_identifier.map(|k| hex(k.as_bytes())),
                issuer: aki.authority_cert_issuer.map(|i| general_names(&i)),
                serial: aki.authority_cert_serial_number.map(|s| hex(s.as_bytes())),
            }
        }
        oids::ID_CE_CRL_DISTRIBUTION_POINTS => ExtValue::CrlDistributionPoints {
            points: CrlDistributionPoints::from_der(b)?
                .0
                .iter()
                .map(|dp| point_name(dp.distribution_point.as_ref()))
                .collect(),
        },
        oids::ID_CE_FRESHEST_CRL => ExtValue::FreshestCrl {
            points: CrlDistributionPoints::from_der(b)?
                .0
                .iter()
                .map(|dp| point_name(dp.distribution_point.as_ref()))
                .collect(),
        },
        oids::ID_CE_CRL_NUMBER => ExtValue::CrlNumber {
            number: super::to_decimal(der::asn1::Uint::from_der(b)?.as_bytes()),
        },
        oids::ID_CE_DELTA_CRL_INDICATOR => ExtValue::DeltaCrlIndicator {
            base: super::to_decimal(der::asn1::Uint::from_der(b)?.as_bytes()),
        },
        oids::ID_CE_ISSUING_DISTRIBUTION_POINT => {
            let idp = IssuingDistributionPoint::from_der(b)?;
            ExtValue::IssuingDistributionPoint {
                point: idp.distribution_point.as_ref().map(|p| point_name(Some(p))),
                only_user_certs: idp.only_contains_user_certs,
                only_ca_certs: idp.only_contains_ca_certs,
                only_some_reasons: idp.only_some_reasons.map(|r| {
                    REASON_FLAGS
                        .iter()
                        .filter(|(bit, _)| r.bits() & bit != 0)
                        .map(|(_, n)| *n)
                        .collect()
                }),
                indirect_crl: idp.indirect_crl,
                only_attribute_certs: idp.only_contains_attribute_certs,
            }
        }
        oids::ID_CE_CRL_REASONS => ExtValue::ReasonCode {
            reason: reason_name(CrlReason::from_der(b)?),
        },
        oids::ID_CE_INVALIDITY_DATE => ExtValue::InvalidityDate {
            time: der::asn1::GeneralizedTime::from_der(b)?
                .to_date_time()
                .to_string(),
        },
        oids::ID_CE_CERTIFICATE_ISSUER => ExtValue::CertificateIssuer {
            names: general_names(&x509_cert::ext::pkix::name::GeneralNames::from_der(b)?),
        },
        oids::ID_PE_AUTHORITY_INFO_ACCESS => ExtValue::AuthorityInfoAccess {
            access: access(AuthorityInfoAccessSyntax::from_der(b)?.0),
        },
        oids::ID_PE_SUBJECT_INFO_ACCESS => ExtValue::SubjectInfoAccess {
            access: access(SubjectInfoAccessSyntax::from_der(b)?.0),
        },
        oids::ID_CE_CERTIFICATE_POLICIES => ExtValue::CertificatePolicies {
            policies: CertificatePolicies::from_der(b)?
                .0
                .iter()
                .map(|p| Named::new(&p.policy_identifier))
                .collect(),
        },
        oids::ID_CE_NAME_CONSTRAINTS => {
            let nc = NameConstraints::from_der(b)?;
            ExtValue::NameConstraints {
                permitted: subtrees(&nc.permitted_subtrees),
                excluded: subtrees(&nc.excluded_subtrees),
            }
        }
        oids::ID_CE_POLICY_CONSTRAINTS => {
            let pc = PolicyConstraints::from_der(b)?;
            ExtValue::PolicyConstraints {
                require_explicit_policy: pc.require_explicit_policy,
                inhibit_policy_mapping: pc.inhibit_policy_mapping,
            }
        }
        oids::ID_CE_INHIBIT_ANY_POLICY => ExtValue::InhibitAnyPolicy {
            skip_certs: InhibitAnyPolicy::from_der(b)?.0,
        },
        _ => ExtValue::Unknown,
    })
}
