//! X.509 v3 extensions as typed values, and their canonical DER.
//!
//! The builders in [`crate::cert`] and [`crate::csr`] take an ordered list of [`ExtSpec`]; each
//! becomes one `Extension` ([RFC 5280 4.1]):
//!
//! ```text
//! Extension  ::=  SEQUENCE  {
//!      extnID      OBJECT IDENTIFIER,
//!      critical    BOOLEAN DEFAULT FALSE,
//!      extnValue   OCTET STRING }
//! ```
//!
//! `critical` is omitted when false (DER forbids encoding a DEFAULT value).
//!
//! [RFC 5280 4.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1

use std::{fmt, net::IpAddr};

use der::{
    Decode, Encode,
    asn1::{Ia5String, OctetString},
    flagset::FlagSet,
    oid::{AssociatedOid, ObjectIdentifier, db::rfc5280 as oids},
};
use sha1::{Digest, Sha1};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::ext::{
    Extension,
    pkix::{
        AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsages, SubjectAltName,
        SubjectKeyIdentifier, name::GeneralName,
    },
};

use crate::error::{Error, Result};

/// One bit of keyUsage ([RFC 5280 4.2.1.3]).
///
/// ```text
/// KeyUsage ::= BIT STRING {
///      digitalSignature        (0), nonRepudiation (1), keyEncipherment (2),
///      dataEncipherment        (3), keyAgreement   (4), keyCertSign     (5),
///      cRLSign                 (6), encipherOnly   (7), decipherOnly    (8) }
/// ```
///
/// [RFC 5280 4.2.1.3]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.3
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUsageBit {
    DigitalSignature,
    NonRepudiation,
    KeyEncipherment,
    DataEncipherment,
    KeyAgreement,
    KeyCertSign,
    CrlSign,
    EncipherOnly,
    DecipherOnly,
}

impl KeyUsageBit {
    /// All bits, in bit order.
    pub const ALL: [KeyUsageBit; 9] = [
        KeyUsageBit::DigitalSignature,
        KeyUsageBit::NonRepudiation,
        KeyUsageBit::KeyEncipherment,
        KeyUsageBit::DataEncipherment,
        KeyUsageBit::KeyAgreement,
        KeyUsageBit::KeyCertSign,
        KeyUsageBit::CrlSign,
        KeyUsageBit::EncipherOnly,
        KeyUsageBit::DecipherOnly,
    ];

    /// The name used in openssl.conf (`digitalSignature`, `cRLSign`, ...).
    pub fn conf_name(self) -> &'static str {
        match self {
            KeyUsageBit::DigitalSignature => "digitalSignature",
            KeyUsageBit::NonRepudiation => "nonRepudiation",
            KeyUsageBit::KeyEncipherment => "keyEncipherment",
            KeyUsageBit::DataEncipherment => "dataEncipherment",
            KeyUsageBit::KeyAgreement => "keyAgreement",
            KeyUsageBit::KeyCertSign => "keyCertSign",
            KeyUsageBit::CrlSign => "cRLSign",
            KeyUsageBit::EncipherOnly => "encipherOnly",
            KeyUsageBit::DecipherOnly => "decipherOnly",
        }
    }

    /// The name OpenSSL prints in `-text` output (`Digital Signature`, `CRL Sign`, ...).
    pub fn display_name(self) -> &'static str {
        match self {
            KeyUsageBit::DigitalSignature => "Digital Signature",
            KeyUsageBit::NonRepudiation => "Non Repudiation",
            KeyUsageBit::KeyEncipherment => "Key Encipherment",
            KeyUsageBit::DataEncipherment => "Data Encipherment",
            KeyUsageBit::KeyAgreement => "Key Agreement",
            KeyUsageBit::KeyCertSign => "Certificate Sign",
            KeyUsageBit::CrlSign => "CRL Sign",
            KeyUsageBit::EncipherOnly => "Encipher Only",
            KeyUsageBit::DecipherOnly => "Decipher Only",
        }
    }

    /// Parses an openssl.conf name (exact, case-sensitive, as OpenSSL does).
    pub fn from_conf_name(s: &str) -> Option<KeyUsageBit> {
        KeyUsageBit::ALL.into_iter().find(|b| b.conf_name() == s)
    }

    fn flag(self) -> KeyUsages {
        match self {
            KeyUsageBit::DigitalSignature => KeyUsages::DigitalSignature,
            KeyUsageBit::NonRepudiation => KeyUsages::NonRepudiation,
            KeyUsageBit::KeyEncipherment => KeyUsages::KeyEncipherment,
            KeyUsageBit::DataEncipherment => KeyUsages::DataEncipherment,
            KeyUsageBit::KeyAgreement => KeyUsages::KeyAgreement,
            KeyUsageBit::KeyCertSign => KeyUsages::KeyCertSign,
            KeyUsageBit::CrlSign => KeyUsages::CRLSign,
            KeyUsageBit::EncipherOnly => KeyUsages::EncipherOnly,
            KeyUsageBit::DecipherOnly => KeyUsages::DecipherOnly,
        }
    }
}

/// A set of keyUsage bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyUsage(FlagSet<KeyUsages>);

impl KeyUsage {
    /// The empty set.
    pub fn empty() -> Self {
        KeyUsage(FlagSet::default())
    }

    /// Adds a bit.
    #[must_use]
    pub fn with(mut self, bit: KeyUsageBit) -> Self {
        self.0 |= bit.flag();
        self
    }

    /// Whether `bit` is set.
    pub fn contains(&self, bit: KeyUsageBit) -> bool {
        self.0.contains(bit.flag())
    }

    /// Whether no bit is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The bits that are set, in bit order.
    pub fn bits(&self) -> impl Iterator<Item = KeyUsageBit> + '_ {
        KeyUsageBit::ALL.into_iter().filter(|b| self.contains(*b))
    }
}

impl FromIterator<KeyUsageBit> for KeyUsage {
    fn from_iter<I: IntoIterator<Item = KeyUsageBit>>(iter: I) -> Self {
        iter.into_iter().fold(KeyUsage::empty(), KeyUsage::with)
    }
}

/// One extendedKeyUsage purpose ([RFC 5280 4.2.1.12]).
///
/// [RFC 5280 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eku {
    ServerAuth,
    ClientAuth,
    CodeSigning,
    EmailProtection,
    TimeStamping,
    OcspSigning,
    /// Any other purpose, by OID.
    Other(ObjectIdentifier),
}

impl Eku {
    /// The purposes pki knows by name, in the order above.
    pub const NAMED: [Eku; 6] = [
        Eku::ServerAuth,
        Eku::ClientAuth,
        Eku::CodeSigning,
        Eku::EmailProtection,
        Eku::TimeStamping,
        Eku::OcspSigning,
    ];

    /// The purpose's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Eku::ServerAuth => oids::ID_KP_SERVER_AUTH,
            Eku::ClientAuth => oids::ID_KP_CLIENT_AUTH,
            Eku::CodeSigning => oids::ID_KP_CODE_SIGNING,
            Eku::EmailProtection => oids::ID_KP_EMAIL_PROTECTION,
            Eku::TimeStamping => oids::ID_KP_TIME_STAMPING,
            Eku::OcspSigning => oids::ID_KP_OCSP_SIGNING,
            Eku::Other(oid) => oid,
        }
    }

    /// The typed purpose for an OID.
    pub fn from_oid(oid: ObjectIdentifier) -> Eku {
        Eku::NAMED
            .into_iter()
            .find(|e| e.oid() == oid)
            .unwrap_or(Eku::Other(oid))
    }

    /// The openssl.conf short name (`serverAuth`), if the purpose has one.
    pub fn conf_name(self) -> Option<&'static str> {
        Some(match self {
            Eku::ServerAuth => "serverAuth",
            Eku::ClientAuth => "clientAuth",
            Eku::CodeSigning => "codeSigning",
            Eku::EmailProtection => "emailProtection",
            Eku::TimeStamping => "timeStamping",
            Eku::OcspSigning => "OCSPSigning",
            Eku::Other(_) => return None,
        })
    }

    /// Parses an openssl.conf purpose: a short name or a dotted OID.
    pub fn from_conf_name(s: &str) -> Option<Eku> {
        if let Some(e) = Eku::NAMED.into_iter().find(|e| e.conf_name() == Some(s)) {
            return Some(e);
        }
        if !s.contains('.') {
            return None;
        }
        ObjectIdentifier::new(s).ok().map(Eku::from_oid)
    }
}

impl fmt::Display for Eku {
    /// OpenSSL's long names (`TLS Web Server Authentication`), or the dotted OID.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Eku::ServerAuth => f.write_str("TLS Web Server Authentication"),
            Eku::ClientAuth => f.write_str("TLS Web Client Authentication"),
            Eku::CodeSigning => f.write_str("Code Signing"),
            Eku::EmailProtection => f.write_str("E-mail Protection"),
            Eku::TimeStamping => f.write_str("Time Stamping"),
            Eku::OcspSigning => f.write_str("OCSP Signing"),
            Eku::Other(oid) => write!(f, "{oid}"),
        }
    }
}

/// One subjectAltName entry ([RFC 5280 4.2.1.6]). Values are checked when made.
///
/// [RFC 5280 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum San {
    /// dNSName: a host name (letters, digits, `-`, `.`, an optional leading `*.`).
    Dns(String),
    /// iPAddress: 4 or 16 octets.
    Ip(IpAddr),
    /// rfc822Name.
    Email(String),
    /// uniformResourceIdentifier.
    Uri(String),
}

impl San {
    /// A DNS name, checked for host-name syntax.
    pub fn dns(s: &str) -> Result<San> {
        let bad = |reason| {
            Err(Error::San {
                value: s.to_owned(),
                reason,
            })
        };
        if s.is_empty() {
            return bad("empty DNS name");
        }
        if s.len() > 253 {
            return bad("DNS name longer than 253 characters");
        }
        let body = s.strip_prefix("*.").unwrap_or(s);
        for label in body.split('.') {
            if label.is_empty() {
                return bad("empty label in DNS name");
            }
            if label.len() > 63 {
                return bad("DNS label longer than 63 characters");
            }
            if !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return bad("DNS name may hold only letters, digits, '-', '_' and '.'");
            }
            if label.starts_with('-') || label.ends_with('-') {
                return bad("DNS label starts or ends with '-'");
            }
        }
        Ok(San::Dns(s.to_owned()))
    }

    /// An IPv4 or IPv6 address in its textual form.
    pub fn ip(s: &str) -> Result<San> {
        s.parse::<IpAddr>().map(San::Ip).map_err(|_| Error::San {
            value: s.to_owned(),
            reason: "not an IPv4 or IPv6 address",
        })
    }

    /// An e-mail address (`local@domain`, ASCII).
    pub fn email(s: &str) -> Result<San> {
        match s.split_once('@') {
            Some((l, d)) if !l.is_empty() && !d.is_empty() && s.is_ascii() && !s.contains(' ') => {
                Ok(San::Email(s.to_owned()))
            }
            _ => Err(Error::San {
                value: s.to_owned(),
                reason: "not an e-mail address",
            }),
        }
    }

    /// A URI (`scheme:rest`, ASCII, no spaces).
    pub fn uri(s: &str) -> Result<San> {
        let ok = match s.split_once(':') {
            Some((scheme, rest)) => {
                !rest.is_empty()
                    && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    && s.bytes().all(|b| b.is_ascii_graphic())
            }
            None => false,
        };
        if ok {
            Ok(San::Uri(s.to_owned()))
        } else {
            Err(Error::San {
                value: s.to_owned(),
                reason: "not a URI (scheme:rest)",
            })
        }
    }

    fn to_general_name(&self) -> Result<GeneralName> {
        let ia5 = |s: &str| {
            Ia5String::new(s).map_err(|_| Error::San {
                value: s.to_owned(),
                reason: "not ASCII (IA5String)",
            })
        };
        Ok(match self {
            San::Dns(s) => GeneralName::DnsName(ia5(s)?),
            San::Email(s) => GeneralName::Rfc822Name(ia5(s)?),
            San::Uri(s) => GeneralName::UniformResourceIdentifier(ia5(s)?),
            San::Ip(ip) => {
                let bytes = match ip {
                    IpAddr::V4(v4) => v4.octets().to_vec(),
                    IpAddr::V6(v6) => v6.octets().to_vec(),
                };
                GeneralName::IpAddress(OctetString::new(bytes).map_err(Error::encode("IP"))?)
            }
        })
    }
}

impl fmt::Display for San {
    /// OpenSSL's `-text` form: `DNS:x`, `IP Address:1.2.3.4`, `email:x`, `URI:x`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            San::Dns(s) => write!(f, "DNS:{s}"),
            San::Ip(ip) => write!(f, "IP Address:{}", openssl_ip(ip)),
            San::Email(s) => write!(f, "email:{s}"),
            San::Uri(s) => write!(f, "URI:{s}"),
        }
    }
}

/// OpenSSL prints IPv6 addresses as eight upper-case groups without compression.
fn openssl_ip(ip: &IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => v6
            .segments()
            .iter()
            .map(|s| format!("{s:X}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

/// basicConstraints' cA flag and pathLenConstraint ([RFC 5280 4.2.1.9]).
///
/// ```text
/// BasicConstraints ::= SEQUENCE {
///      cA                      BOOLEAN DEFAULT FALSE,
///      pathLenConstraint       INTEGER (0..MAX) OPTIONAL }
/// ```
///
/// [RFC 5280 4.2.1.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsCa {
    No,
    Ca { path_len: Option<u8> },
}

/// One extension to put in a certificate or CSR, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtSpec {
    KeyUsage {
        critical: bool,
        usage: KeyUsage,
    },
    ExtendedKeyUsage {
        critical: bool,
        purposes: Vec<Eku>,
    },
    SubjectAltName {
        critical: bool,
        names: Vec<San>,
    },
    BasicConstraints {
        critical: bool,
        ca: IsCa,
    },
    /// subjectKeyIdentifier: SHA-1 of the subject key's BIT STRING contents (OpenSSL's `hash`).
    SubjectKeyId,
    /// authorityKeyIdentifier, as OpenSSL's `keyid[:always], issuer[:always]` asks for it:
    /// the issuer's key identifier, and its issuer name and serial (see [`Authority`]).
    AuthorityKeyId {
        keyid: AkiPart,
        issuer: AkiPart,
    },
    /// Netscape Cert Type (2.16.840.1.113730.1.1, OpenSSL's `nsCertType`): the type bits,
    /// bit 0 (`client`) the most significant of the byte.
    NsCertType {
        critical: bool,
        types: u8,
    },
    /// Netscape Comment (2.16.840.1.113730.1.13, `nsComment`): an IA5String.
    NsComment {
        critical: bool,
        text: String,
    },
    /// issuerAltName: names, and with `issuer:copy` the issuer certificate's subjectAltName
    /// names at that place (OpenSSL's `copy_issuer`).
    IssuerAltName {
        critical: bool,
        names: Vec<AltName>,
    },
    /// An extension as DER, with no type of its own here: one a config section gives in a form
    /// pki encodes as it reads it (crlDistributionPoints, authorityInfoAccess,
    /// certificatePolicies, nameConstraints, policyConstraints), or one `-copy_extensions`
    /// takes from a CSR as it is.
    Encoded {
        oid: ObjectIdentifier,
        critical: bool,
        value: Vec<u8>,
    },
}

/// One item of an issuerAltName.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AltName {
    Name(GeneralName),
    /// `issuer:copy`.
    IssuerCopy,
}

/// `nsCertType` names, bit 0 first (crypto/x509/v3_bitst.c).
pub const NS_CERT_TYPES: [&str; 8] = [
    "client", "server", "email", "objsign", "reserved", "sslCA", "emailCA", "objCA",
];

const NS_CERT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.113730.1.1");
const NS_COMMENT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.113730.1.13");

/// How `authorityKeyIdentifier` asks for one of its parts (crypto/x509/v3_akid.c).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AkiPart {
    /// Not asked for.
    No,
    /// `keyid` / `issuer`: when it can be given (the issuer name and serial only when no key
    /// id is).
    IfAvailable,
    /// `keyid:always` / `issuer:always`.
    Always,
}

impl AkiPart {
    /// The stronger of two requests (`keyid, keyid:always` is `keyid:always`).
    pub fn max_with(self, other: AkiPart) -> AkiPart {
        match (self, other) {
            (AkiPart::Always, _) | (_, AkiPart::Always) => AkiPart::Always,
            (AkiPart::IfAvailable, _) | (_, AkiPart::IfAvailable) => AkiPart::IfAvailable,
            _ => AkiPart::No,
        }
    }
}

impl ExtSpec {
    /// OpenSSL's default authorityKeyIdentifier, `keyid, issuer` (apps/lib/apps.c).
    pub const DEFAULT_AKI: ExtSpec = ExtSpec::AuthorityKeyId {
        keyid: AkiPart::IfAvailable,
        issuer: AkiPart::IfAvailable,
    };
}

/// What an authorityKeyIdentifier is made from: the certificate that signs (its
/// subjectKeyIdentifier, its issuer name and serial) or, for a self-signed certificate, the
/// certificate itself.
#[derive(Debug, Clone)]
pub struct Authority {
    /// The signer's subjectKeyIdentifier; for a self-signed certificate, its own key's hash
    /// (none with `subjectKeyIdentifier = none`).
    pub key_id: Option<Vec<u8>>,
    /// The signer's issuer name (its own subject when self-signed).
    pub issuer: x509_cert::name::Name,
    /// The signer's serial number.
    pub serial: x509_cert::serial_number::SerialNumber,
    /// Self-signed: `keyid` without `:always` gives nothing (OpenSSL 3.0).
    pub self_signed: bool,
    /// The signer's subjectAltName names (`issuerAltName = issuer:copy`); `None` when there is
    /// no issuer certificate (a CSR).
    pub alt_names: Option<Vec<GeneralName>>,
}

impl Authority {
    /// The authorityKeyIdentifier `keyid`/`issuer` ask for, `None` when it comes out empty
    /// (then OpenSSL leaves it out), or an error where OpenSSL's is `unable to get issuer
    /// keyid`.
    pub fn identifier(
        &self,
        keyid: AkiPart,
        issuer: AkiPart,
    ) -> Result<Option<AuthorityKeyIdentifier>> {
        let id = match keyid {
            AkiPart::No => None,
            AkiPart::IfAvailable if self.self_signed => None,
            _ => self.key_id.clone(),
        };
        let suppressed = self.self_signed && keyid == AkiPart::IfAvailable;
        if keyid != AkiPart::No
            && !suppressed
            && self.key_id.is_none()
            && (keyid == AkiPart::Always || issuer == AkiPart::No)
        {
            return Err(Error::refused(
                "authorityKeyIdentifier: the issuer certificate has no subjectKeyIdentifier, \
                 and keyid asks for one (OpenSSL: unable to get issuer keyid)",
            ));
        }
        let with_issuer =
            issuer == AkiPart::Always || (issuer == AkiPart::IfAvailable && id.is_none());
        if id.is_none() && !with_issuer {
            return Ok(None);
        }
        let enc = Error::encode("authorityKeyIdentifier");
        Ok(Some(AuthorityKeyIdentifier {
            key_identifier: id.map(OctetString::new).transpose().map_err(enc)?,
            authority_cert_issuer: with_issuer
                .then(|| vec![GeneralName::DirectoryName(self.issuer.clone())]),
            authority_cert_serial_number: with_issuer.then(|| self.serial.clone()),
        }))
    }
}

impl ExtSpec {
    /// The extension's OID.
    pub fn oid(&self) -> ObjectIdentifier {
        match self {
            ExtSpec::KeyUsage { .. } => oids::ID_CE_KEY_USAGE,
            ExtSpec::ExtendedKeyUsage { .. } => oids::ID_CE_EXT_KEY_USAGE,
            ExtSpec::SubjectAltName { .. } => oids::ID_CE_SUBJECT_ALT_NAME,
            ExtSpec::BasicConstraints { .. } => oids::ID_CE_BASIC_CONSTRAINTS,
            ExtSpec::SubjectKeyId => oids::ID_CE_SUBJECT_KEY_IDENTIFIER,
            ExtSpec::AuthorityKeyId { .. } => oids::ID_CE_AUTHORITY_KEY_IDENTIFIER,
            ExtSpec::NsCertType { .. } => NS_CERT_TYPE,
            ExtSpec::NsComment { .. } => NS_COMMENT,
            ExtSpec::IssuerAltName { .. } => oids::ID_CE_ISSUER_ALT_NAME,
            ExtSpec::Encoded { oid, .. } => *oid,
        }
    }

    /// Encodes the extension. `subject_key` feeds SKI; `authority` feeds AKI. `None` for an
    /// authorityKeyIdentifier that comes out empty.
    pub fn to_extension(
        &self,
        subject_key: &SubjectPublicKeyInfoOwned,
        authority: &Authority,
    ) -> Result<Option<Extension>> {
        let enc = Error::encode("extension");
        let (critical, value) = match self {
            ExtSpec::KeyUsage { critical, usage } => {
                (*critical, x509_cert::ext::pkix::KeyUsage(usage.0).to_der())
            }
            ExtSpec::ExtendedKeyUsage { critical, purposes } => (
                *critical,
                ExtendedKeyUsage(purposes.iter().map(|p| p.oid()).collect()).to_der(),
            ),
            ExtSpec::SubjectAltName { critical, names } => {
                let names = names
                    .iter()
                    .map(San::to_general_name)
                    .collect::<Result<Vec<_>>>()?;
                (*critical, SubjectAltName(names).to_der())
            }
            ExtSpec::BasicConstraints { critical, ca } => {
                let bc = match ca {
                    IsCa::No => BasicConstraints {
                        ca: false,
                        path_len_constraint: None,
                    },
                    IsCa::Ca { path_len } => BasicConstraints {
                        ca: true,
                        path_len_constraint: *path_len,
                    },
                };
                (*critical, bc.to_der())
            }
            ExtSpec::SubjectKeyId => {
                let id = OctetString::new(key_identifier(subject_key)).map_err(enc)?;
                (false, SubjectKeyIdentifier(id).to_der())
            }
            ExtSpec::NsCertType { critical, types } => {
                // DER: trailing zero bits are not encoded (X.690 11.2.2).
                let unused = if *types == 0 {
                    0
                } else {
                    types.trailing_zeros() as u8
                };
                let bytes: &[u8] = if *types == 0 {
                    &[]
                } else {
                    std::slice::from_ref(types)
                };
                (
                    *critical,
                    der::asn1::BitString::new(unused, bytes)
                        .map_err(Error::encode("extension"))?
                        .to_der(),
                )
            }
            ExtSpec::NsComment { critical, text } => (
                *critical,
                der::asn1::Ia5String::new(text)
                    .map_err(Error::encode("extension"))?
                    .to_der(),
            ),
            ExtSpec::IssuerAltName { critical, names } => {
                let mut all = Vec::with_capacity(names.len());
                for n in names {
                    match n {
                        AltName::Name(g) => all.push(g.clone()),
                        AltName::IssuerCopy => {
                            all.extend(authority.alt_names.clone().ok_or_else(|| {
                                Error::refused(
                                    "issuerAltName = issuer:copy needs an issuer certificate, \
                                     and a request has none (OpenSSL: no issuer details)",
                                )
                            })?)
                        }
                    }
                }
                (*critical, x509_cert::ext::pkix::IssuerAltName(all).to_der())
            }
            ExtSpec::Encoded {
                critical, value, ..
            } => (*critical, Ok(value.clone())),
            ExtSpec::AuthorityKeyId { keyid, issuer } => {
                match authority.identifier(*keyid, *issuer)? {
                    Some(aki) => (false, aki.to_der()),
                    None => return Ok(None),
                }
            }
        };
        let value = value.map_err(Error::encode("extension"))?;
        Ok(Some(Extension {
            extn_id: self.oid(),
            critical,
            extn_value: OctetString::new(value).map_err(Error::encode("extension"))?,
        }))
    }

    /// Decodes an extension into its typed form; `Ok(None)` for extensions not modelled here.
    ///
    /// SKI and AKI decode to their markers; their values are read with
    /// [`subject_key_id`] and [`authority_key_id`].
    pub fn from_extension(ext: &Extension) -> Result<Option<ExtSpec>> {
        let bytes = ext.extn_value.as_bytes();
        let critical = ext.critical;
        let fail = |source| Error::Extension {
            oid: ext.extn_id,
            source,
        };
        let spec = match ext.extn_id {
            oids::ID_CE_KEY_USAGE => {
                let ku = x509_cert::ext::pkix::KeyUsage::from_der(bytes).map_err(fail)?;
                ExtSpec::KeyUsage {
                    critical,
                    usage: KeyUsage(ku.0),
                }
            }
            oids::ID_CE_EXT_KEY_USAGE => {
                let eku = ExtendedKeyUsage::from_der(bytes).map_err(fail)?;
                ExtSpec::ExtendedKeyUsage {
                    critical,
                    purposes: eku.0.into_iter().map(Eku::from_oid).collect(),
                }
            }
            oids::ID_CE_SUBJECT_ALT_NAME => {
                let san = SubjectAltName::from_der(bytes).map_err(fail)?;
                let mut names = Vec::new();
                for gn in san.0 {
                    match gn {
                        GeneralName::DnsName(s) => names.push(San::Dns(s.to_string())),
                        GeneralName::Rfc822Name(s) => names.push(San::Email(s.to_string())),
                        GeneralName::UniformResourceIdentifier(s) => {
                            names.push(San::Uri(s.to_string()))
                        }
                        GeneralName::IpAddress(o) => names
                            .push(San::Ip(ip_from_bytes(o.as_bytes()).ok_or_else(|| {
                                fail(der::Tag::OctetString.value_error().into())
                            })?)),
                        // Other name forms are outside this typed model.
                        _ => return Ok(None),
                    }
                }
                ExtSpec::SubjectAltName { critical, names }
            }
            oids::ID_CE_BASIC_CONSTRAINTS => {
                let bc = BasicConstraints::from_der(bytes).map_err(fail)?;
                let ca = if bc.ca {
                    IsCa::Ca {
                        path_len: bc.path_len_constraint,
                    }
                } else {
                    IsCa::No
                };
                ExtSpec::BasicConstraints { critical, ca }
            }
            oids::ID_CE_SUBJECT_KEY_IDENTIFIER => ExtSpec::SubjectKeyId,
            NS_CERT_TYPE => {
                let bits = der::asn1::BitString::from_der(bytes).map_err(fail)?;
                let types = bits.raw_bytes().first().copied().unwrap_or(0);
                ExtSpec::NsCertType { critical, types }
            }
            NS_COMMENT => ExtSpec::NsComment {
                critical,
                text: der::asn1::Ia5String::from_der(bytes)
                    .map_err(fail)?
                    .as_str()
                    .to_owned(),
            },
            oids::ID_CE_AUTHORITY_KEY_IDENTIFIER => {
                // Copied from a CSR: the parts it has, made anew for the issuer.
                let aki = AuthorityKeyIdentifier::from_der(bytes).map_err(fail)?;
                let part = |present: bool| {
                    if present {
                        AkiPart::IfAvailable
                    } else {
                        AkiPart::No
                    }
                };
                ExtSpec::AuthorityKeyId {
                    keyid: part(aki.key_identifier.is_some()),
                    issuer: part(aki.authority_cert_issuer.is_some()),
                }
            }
            _ => return Ok(None),
        };
        Ok(Some(spec))
    }
}

/// The IP address in a 4- or 16-octet iPAddress.
pub fn ip_from_bytes(b: &[u8]) -> Option<IpAddr> {
    match b.len() {
        4 => <[u8; 4]>::try_from(b).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(b).ok().map(IpAddr::from),
        _ => None,
    }
}

/// SHA-1 of the subjectPublicKey BIT STRING contents: RFC 5280 4.2.1.2 method (1), OpenSSL's
/// `subjectKeyIdentifier = hash`.
pub fn key_identifier(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    Sha1::digest(spki.subject_public_key.raw_bytes()).to_vec()
}

/// The names of the subjectAltName among `exts` (none without one).
pub fn subject_alt_names_of(exts: &[Extension]) -> Result<Vec<GeneralName>> {
    match exts.iter().find(|e| e.extn_id == SubjectAltName::OID) {
        Some(e) => SubjectAltName::from_der(e.extn_value.as_bytes())
            .map(|san| san.0)
            .map_err(|source| Error::Extension {
                oid: e.extn_id,
                source,
            }),
        None => Ok(Vec::new()),
    }
}

/// A certificate's subjectAltName names (none without one).
pub fn subject_alt_names(cert: &x509_cert::Certificate) -> Result<Vec<GeneralName>> {
    subject_alt_names_of(
        cert.tbs_certificate()
            .extensions()
            .map(Vec::as_slice)
            .unwrap_or(&[]),
    )
}

/// The keyIdentifier of a subjectKeyIdentifier extension among `exts`, if present.
pub fn subject_key_id(exts: &[Extension]) -> Result<Option<Vec<u8>>> {
    match exts.iter().find(|e| e.extn_id == SubjectKeyIdentifier::OID) {
        Some(e) => {
            let ski =
                SubjectKeyIdentifier::from_der(e.extn_value.as_bytes()).map_err(|source| {
                    Error::Extension {
                        oid: e.extn_id,
                        source,
                    }
                })?;
            Ok(Some(ski.0.as_bytes().to_vec()))
        }
        None => Ok(None),
    }
}

/// The keyIdentifier of an authorityKeyIdentifier extension among `exts`, if present.
pub fn authority_key_id(exts: &[Extension]) -> Result<Option<Vec<u8>>> {
    match exts
        .iter()
        .find(|e| e.extn_id == AuthorityKeyIdentifier::OID)
    {
        Some(e) => {
            let aki =
                AuthorityKeyIdentifier::from_der(e.extn_value.as_bytes()).map_err(|source| {
                    Error::Extension {
                        oid: e.extn_id,
                        source,
                    }
                })?;
            Ok(aki.key_identifier.map(|k| k.as_bytes().to_vec()))
        }
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_der_has_no_trailing_zero_bits() {
        let ku: KeyUsage = [KeyUsageBit::DigitalSignature, KeyUsageBit::KeyEncipherment]
            .into_iter()
            .collect();
        let der = x509_cert::ext::pkix::KeyUsage(ku.0)
            .to_der()
            .expect("encode");
        assert_eq!(der, [0x03, 0x02, 0x05, 0xA0]);
    }

    #[test]
    fn eku_from_conf_names_and_oids() {
        assert_eq!(Eku::from_conf_name("serverAuth"), Some(Eku::ServerAuth));
        assert_eq!(
            Eku::from_conf_name("1.3.6.1.5.5.7.3.2"),
            Some(Eku::ClientAuth)
        );
        assert_eq!(Eku::from_conf_name("serverauth"), None);
        assert!(matches!(
            Eku::from_conf_name("1.2.3.4"),
            Some(Eku::Other(_))
        ));
    }

    #[test]
    fn san_values_are_checked() {
        assert!(San::dns("etcd01").is_ok());
        assert!(San::dns("*.example.com").is_ok());
        assert!(matches!(
            San::dns("a..b"),
            Err(Error::San {
                reason: "empty label in DNS name",
                ..
            })
        ));
        assert!(matches!(San::dns(""), Err(Error::San { .. })));
        assert!(matches!(San::ip("192.168.31.300"), Err(Error::San { .. })));
        assert_eq!(
            San::ip("::1").expect("ip").to_string(),
            "IP Address:0:0:0:0:0:0:0:1"
        );
        assert!(San::email("a@b").is_ok());
        assert!(San::uri("https://x").is_ok());
        assert!(San::uri("nope").is_err());
    }
}
