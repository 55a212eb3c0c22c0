//! The `builder` fuzz target: a certificate and a CSR from structured arbitrary parameters
//! (the `arbitrary` crate), made with fixed keys, decoded, and compared field by field.

use std::{
    net::IpAddr,
    sync::OnceLock,
    time::{Duration, SystemTime},
};

use arbitrary::{Arbitrary, Unstructured};
use pki_core::{
    Error,
    cert::{self, CertBuilder, Issuer},
    csr,
    ext::{Eku, ExtSpec, IsCa, KeyUsage, KeyUsageBit, San},
    key::PrivateKey,
    name, serial,
};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;

/// The fixed keys of [`builder`]: tests/data/fuzz-ca.key and fuzz-leaf.key, and a CA
/// certificate made once from the first.
pub(super) struct Keys {
    ca_key: PrivateKey,
    ca_cert: Certificate,
    leaf_key: PrivateKey,
    pub(super) leaf_spki: SubjectPublicKeyInfoOwned,
}

pub(super) fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let ca_key =
            PrivateKey::decode(include_bytes!("../../data/fuzz-ca.key")).expect("fuzz-ca.key");
        let leaf_key =
            PrivateKey::decode(include_bytes!("../../data/fuzz-leaf.key")).expect("fuzz-leaf.key");
        let ca_cert = CertBuilder::new(
            name::parse_subj("/CN=fuzz-ca").expect("name"),
            ca_key.public_key_info().expect("spki"),
            serial::to_serial_number(&[1]).expect("serial"),
            36500,
        )
        .not_before(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        .extensions(cert::pki_ca())
        .self_signed(&ca_key)
        .expect("fuzz CA");
        let leaf_spki = leaf_key.public_key_info().expect("spki");
        Keys {
            ca_key,
            ca_cert,
            leaf_key,
            leaf_spki,
        }
    })
}

/// A subject attribute the builder target may use.
#[derive(Debug, Arbitrary)]
enum Attr {
    Cn,
    O,
    Ou,
    C,
    St,
    L,
    Email,
    Dc,
    SerialNumber,
}

impl Attr {
    fn name(&self) -> &'static str {
        match self {
            Attr::Cn => "CN",
            Attr::O => "O",
            Attr::Ou => "OU",
            Attr::C => "C",
            Attr::St => "ST",
            Attr::L => "L",
            Attr::Email => "emailAddress",
            Attr::Dc => "DC",
            Attr::SerialNumber => "serialNumber",
        }
    }
}

#[derive(Debug, Arbitrary)]
enum SanInput {
    Dns(String),
    Ip([u8; 4]),
    Ip6([u8; 16]),
    Email(String),
    Uri(String),
}

#[derive(Debug, Arbitrary)]
enum EkuInput {
    ServerAuth,
    ClientAuth,
    CodeSigning,
    EmailProtection,
    TimeStamping,
    OcspSigning,
    Other(u32, u32),
}

/// Structured parameters of one certificate and CSR.
#[derive(Debug, Arbitrary)]
struct Params {
    /// `(attribute, value, joined to the next with '+')`.
    subject: Vec<(Attr, String, bool)>,
    serial: Vec<u8>,
    days: u16,
    /// Seconds after 2000-01-01.
    not_before: u32,
    self_signed: bool,
    key_usage: Option<(bool, u16)>,
    eku: Option<(bool, Vec<EkuInput>)>,
    sans: Option<(bool, Vec<SanInput>)>,
    basic_constraints: Option<(bool, bool, Option<u8>)>,
    ski: bool,
    aki: bool,
}

/// The `-subj` text of `subject`, values escaped.
fn subj_text(subject: &[(Attr, String, bool)]) -> String {
    let mut s = String::from("/");
    for (i, (attr, value, _)) in subject.iter().enumerate() {
        if i > 0 {
            s.push(if subject[i - 1].2 { '+' } else { '/' });
        }
        s.push_str(attr.name());
        s.push('=');
        for c in value.chars() {
            if matches!(c, '/' | '+' | '\\') {
                s.push('\\');
            }
            s.push(c);
        }
    }
    s
}

fn extensions(p: &Params) -> Vec<ExtSpec> {
    let mut specs = Vec::new();
    if let Some((critical, bits)) = p.key_usage {
        let usage: KeyUsage = KeyUsageBit::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, b)| b)
            .collect();
        if !usage.is_empty() {
            specs.push(ExtSpec::KeyUsage { critical, usage });
        }
    }
    if let Some((critical, ekus)) = &p.eku {
        let purposes: Vec<Eku> = ekus
            .iter()
            .map(|e| match e {
                EkuInput::ServerAuth => Eku::ServerAuth,
                EkuInput::ClientAuth => Eku::ClientAuth,
                EkuInput::CodeSigning => Eku::CodeSigning,
                EkuInput::EmailProtection => Eku::EmailProtection,
                EkuInput::TimeStamping => Eku::TimeStamping,
                EkuInput::OcspSigning => Eku::OcspSigning,
                EkuInput::Other(a, b) => Eku::from_oid(
                    der::oid::ObjectIdentifier::new(&format!("1.3.6.1.4.1.{a}.{b}"))
                        .expect("valid OID"),
                ),
            })
            .collect();
        if !purposes.is_empty() {
            specs.push(ExtSpec::ExtendedKeyUsage {
                critical: *critical,
                purposes,
            });
        }
    }
    if let Some((critical, sans)) = &p.sans {
        let names: Vec<San> = sans
            .iter()
            .filter_map(|s| match s {
                SanInput::Dns(d) => San::dns(d).ok(),
                SanInput::Ip(a) => Some(San::Ip(IpAddr::from(*a))),
                SanInput::Ip6(a) => Some(San::Ip(IpAddr::from(*a))),
                SanInput::Email(e) => San::email(e).ok(),
                SanInput::Uri(u) => San::uri(u).ok(),
            })
            .collect();
        if !names.is_empty() {
            specs.push(ExtSpec::SubjectAltName {
                critical: *critical,
                names,
            });
        }
    }
    if let Some((critical, ca, path_len)) = p.basic_constraints {
        let ca = if ca { IsCa::Ca { path_len } } else { IsCa::No };
        specs.push(ExtSpec::BasicConstraints { critical, ca });
    }
    if p.ski {
        specs.push(ExtSpec::SubjectKeyId);
    }
    if p.aki {
        specs.push(ExtSpec::AuthorityKeyId {
            keyid: pki_core::ext::AkiPart::Always,
            issuer: pki_core::ext::AkiPart::No,
        });
    }
    specs
}

/// [`builder`]; returns whether it built anything. Parameters the library refuses (a subject
/// it cannot parse, a validity past 9999) are skipped and give false; any other error is a
/// bug.
pub fn build_round_trip(data: &[u8]) -> bool {
    let Ok(p) = Params::arbitrary_take_rest(Unstructured::new(data)) else {
        return false;
    };
    let Ok(subject) = name::parse_subj(&subj_text(&p.subject)) else {
        return false;
    };
    // A positive serial of at most 20 octets (other serials are the `serial` module's tests).
    let mut magnitude: Vec<u8> = p.serial.iter().copied().take(20).collect();
    if let Some(first) = magnitude.first_mut() {
        *first &= 0x7f;
    }
    if magnitude.iter().all(|b| *b == 0) {
        magnitude = vec![1];
    }
    let serial = serial::to_serial_number(&magnitude).expect("a positive 20-octet serial");
    let k = keys();
    let specs = extensions(&p);
    let days = u32::from(p.days).max(1);
    let not_before =
        SystemTime::UNIX_EPOCH + Duration::from_secs(946_684_800 + u64::from(p.not_before));
    let (spki, issuer_cert) = if p.self_signed {
        (k.ca_key.public_key_info().expect("spki"), None)
    } else {
        (k.leaf_spki.clone(), Some(&k.ca_cert))
    };
    let b = CertBuilder::new(subject.clone(), spki.clone(), serial.clone(), days)
        .not_before(not_before)
        .extensions(specs.clone());
    let built = match issuer_cert {
        None => b.self_signed(&k.ca_key),
        Some(ca) => b.sign(&Issuer::new(ca, &k.ca_key).expect("fixed CA matches its key")),
    };
    let crt = match built {
        Ok(c) => c,
        Err(Error::Validity { .. }) => return false,
        Err(e) => panic!("builder refused {p:?}: {e}"),
    };
    let pem_text = cert::to_pem(&crt).expect("PEM");
    let back = cert::decode(pem_text.as_bytes()).expect("own certificate decodes");
    assert_eq!(back, crt);
    let tbs = back.tbs_certificate();
    assert_eq!(tbs.subject(), &subject);
    assert_eq!(tbs.serial_number(), &serial);
    assert_eq!(tbs.subject_public_key_info(), &spki);
    let issuer_name = issuer_cert.map_or(&subject, |c| c.tbs_certificate().subject());
    assert_eq!(tbs.issuer(), issuer_name);
    assert_eq!(
        tbs.validity().not_before.to_system_time(),
        not_before,
        "notBefore"
    );
    assert_eq!(
        cert::not_after(&back),
        not_before + Duration::from_secs(u64::from(days) * 86_400),
        "notAfter"
    );
    // OpenSSL 3.0's do_X509_sign: no extensions, version 1; otherwise SKI and, unless
    // self-signed, AKI (`keyid, issuer`: the fixed CA has a key identifier) appended.
    let mut expected: Vec<ExtSpec> = specs.iter().map(super::made_as).collect();
    if !specs.is_empty() {
        if !specs.contains(&ExtSpec::SubjectKeyId) {
            expected.push(ExtSpec::SubjectKeyId);
        }
        if !p.self_signed
            && !specs
                .iter()
                .any(|s| matches!(s, ExtSpec::AuthorityKeyId { .. }))
        {
            expected.push(super::made_as(&ExtSpec::DEFAULT_AKI));
        }
    }
    let version = if specs.is_empty() {
        x509_cert::certificate::Version::V1
    } else {
        x509_cert::certificate::Version::V3
    };
    assert_eq!(tbs.version(), version, "version");
    assert_eq!(cert::ext_specs(&back).expect("own extensions"), expected);
    cert::verify_issued_by(&back, issuer_cert.unwrap_or(&back)).expect("own signature");

    // The CSR: same subject and key, the extensions requested in order.
    // A CSR has no issuer: an authorityKeyIdentifier is refused, as OpenSSL refuses it.
    let req = match csr::build(subject.clone(), &k.leaf_key, &specs) {
        Ok(r) => r,
        Err(Error::Refused { .. }) if p.aki => return true,
        Err(e) => panic!("CSR builder refused {p:?}: {e}"),
    };
    let req = csr::decode(csr::to_pem(&req).expect("PEM").as_bytes()).expect("own CSR");
    assert_eq!(req.info.subject, subject);
    assert_eq!(req.info.public_key, k.leaf_spki);
    let requested: Vec<ExtSpec> = csr::requested_extensions(&req)
        .expect("own extensionRequest")
        .iter()
        .map(|e| ExtSpec::from_extension(e).expect("own extension"))
        .collect::<Option<Vec<_>>>()
        .expect("every extension modelled");
    assert_eq!(requested, specs);
    true
}
