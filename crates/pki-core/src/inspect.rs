//! What a file holds, as typed descriptions: certificates ([RFC 5280 4.1]), PKCS#10 requests
//! ([RFC 2986]), CRLs ([RFC 5280 5], [`crl`]), private keys (PKCS#8 [RFC 5958], PKCS#1 [RFC 8017 A.1.2], SEC1 [RFC 5915]) and
//! public keys (SubjectPublicKeyInfo, PKCS#1), in PEM (many blocks) or DER, found automatically.
//!
//! `pki show` renders these descriptions as text ([`text`]) or JSON (they derive `Serialize`;
//! the schema is docs/json-schema.md). Nothing here verifies or judges: a field that does not
//! decode is described as malformed, next to its raw bytes; only a structure that cannot be read
//! at all is an error, and that error says at which DER byte decoding stopped.
//! Private key material is never described, only the public parts and the algorithm.
//!
//! [RFC 5280 4.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1
//! [RFC 2986]: https://www.rfc-editor.org/rfc/rfc2986
//! [RFC 5280 5]: https://www.rfc-editor.org/rfc/rfc5280#section-5
//! [RFC 5958]: https://www.rfc-editor.org/rfc/rfc5958
//! [RFC 8017 A.1.2]: https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2
//! [RFC 5915]: https://www.rfc-editor.org/rfc/rfc5915

pub mod crl;
mod extension;
pub(crate) use extension::reason_name;
pub(crate) mod format;
mod key;
pub(crate) mod lenient;
mod locate;
pub mod oids;
pub mod text;

use std::time::SystemTime;

use der::{Decode, Encode, asn1::BitString, oid::ObjectIdentifier};
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::{
    Certificate,
    name::Name,
    request::{CertReq, ExtensionReq},
    time::Time,
};

use crate::{
    csr,
    error::{Error, Result},
    name, pem,
    view::CertView,
};

pub use extension::{ExtValue, ExtensionInfo, GeneralNameInfo, describe_extension};
pub use format::{format_unix, hex, parse_time, rfc3339, to_decimal};
use format::{negate, strip_zeros, unix_secs};
pub use key::{KeyDetails, PrivateKeyInfo, PublicKeyInfo, describe_spki};
pub use lenient::days_from_civil;

/// One object found in the input.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Object {
    Certificate(Box<CertificateInfo>),
    Csr(Box<CsrInfo>),
    Crl(Box<crl::CrlInfo>),
    PrivateKey(Box<PrivateKeyInfo>),
    PublicKey(Box<PublicKeyInfo>),
}

impl Object {
    /// What the object is, in words (`certificate`, `CSR`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Certificate(_) => "certificate",
            Object::Csr(_) => "CSR",
            Object::Crl(_) => "CRL",
            Object::PrivateKey(_) => "private key",
            Object::PublicKey(_) => "public key",
        }
    }
}

/// An object and the DER it was read from, for callers (lint) that need the typed original.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub object: Object,
    /// The raw DER of the object.
    pub der: Vec<u8>,
    /// The PEM label it came with (`None` for DER input).
    pub label: Option<String>,
}

/// An algorithm identifier: OID, name when known, parameters when present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Algorithm {
    pub oid: String,
    pub name: Option<&'static str>,
    /// Parameters as hex DER (`0500` for NULL), absent when omitted.
    pub parameters: Option<String>,
}

impl Algorithm {
    pub(crate) fn new(alg: &AlgorithmIdentifierOwned) -> Algorithm {
        Algorithm {
            oid: alg.oid.to_string(),
            name: oids::name(&alg.oid),
            parameters: alg
                .parameters
                .as_ref()
                .map(|p| hex(&p.to_der().unwrap_or_default())),
        }
    }

    /// `name (oid)` or the OID alone.
    pub fn label(&self) -> String {
        match self.name {
            Some(n) => format!("{n} ({})", self.oid),
            None => self.oid.clone(),
        }
    }
}

/// A distinguished name in OpenSSL's one-line form and in RFC 4514's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistinguishedName {
    /// `CN = etcd-ca, O = Example`, as `openssl x509 -subject` prints it.
    pub text: String,
    /// `CN=etcd-ca,O=Example` (RFC 4514: reverse order).
    pub rfc4514: String,
    /// Whether the name has no RDN at all.
    pub empty: bool,
}

impl DistinguishedName {
    fn new(n: &Name) -> DistinguishedName {
        DistinguishedName {
            text: name::to_openssl_string(n),
            rfc4514: name::to_rfc4514(n),
            empty: n.iter_rdn().next().is_none(),
        }
    }
}

/// A certificate serial number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Serial {
    /// The magnitude in lowercase hex, two digits a byte (`-` first when negative).
    pub hex: String,
    /// The value in decimal.
    pub decimal: String,
    /// Octets of the DER INTEGER contents (RFC 5280 allows at most 20).
    pub encoded_len: usize,
}

impl Serial {
    fn new(twos_complement: &[u8]) -> Serial {
        let negative = twos_complement.first().is_some_and(|b| b & 0x80 != 0);
        let magnitude = if negative {
            negate(twos_complement)
        } else {
            strip_zeros(twos_complement).to_vec()
        };
        let sign = if negative { "-" } else { "" };
        // Zero has no magnitude octets; print it as OpenSSL does, `00`.
        let digits = if magnitude.is_empty() {
            "00".to_owned()
        } else {
            hex(&magnitude)
        };
        Serial {
            hex: format!("{sign}{digits}"),
            decimal: format!("{sign}{}", to_decimal(&magnitude)),
            encoded_len: twos_complement.len(),
        }
    }
}

/// A time of the validity period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeInfo {
    /// RFC 3339 in UTC: `2026-11-30T04:01:53Z`.
    pub time: String,
    /// `UTCTime` or `GeneralizedTime`, as encoded.
    pub encoding: &'static str,
    #[serde(skip)]
    pub unix: i64,
}

impl TimeInfo {
    pub(crate) fn new(t: &Time) -> TimeInfo {
        let encoding = match t {
            Time::UtcTime(_) => "UTCTime",
            Time::GeneralTime(_) => "GeneralizedTime",
        };
        TimeInfo {
            time: t.to_date_time().to_string(),
            encoding,
            unix: i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX),
        }
    }
}

/// Where "now" falls in the validity period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidityState {
    /// notBefore <= now <= notAfter; `days` remain.
    Valid,
    /// now > notAfter; expired `days` days ago.
    Expired,
    /// now < notBefore; valid in `days` days.
    NotYetValid,
}

/// The validity period, judged at the time given to [`inspect`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Validity {
    pub not_before: TimeInfo,
    pub not_after: TimeInfo,
    pub state: ValidityState,
    /// Whole days: remaining (valid), since notAfter (expired), until notBefore (not yet valid).
    pub days: i64,
    /// The time the state was judged at (RFC 3339).
    pub at: String,
}

impl Validity {
    fn new(not_before: TimeInfo, not_after: TimeInfo, now: SystemTime) -> Validity {
        let now_secs = unix_secs(now);
        let (state, secs) = if now_secs < not_before.unix {
            (ValidityState::NotYetValid, not_before.unix - now_secs)
        } else if now_secs > not_after.unix {
            (ValidityState::Expired, now_secs - not_after.unix)
        } else {
            (ValidityState::Valid, not_after.unix - now_secs)
        };
        Validity {
            not_before,
            not_after,
            state,
            days: secs / 86_400,
            at: rfc3339(now),
        }
    }
}

/// SHA-256 and SHA-1 of the DER, lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprints {
    pub sha256: String,
    pub sha1: String,
}

impl Fingerprints {
    fn of(der: &[u8]) -> Fingerprints {
        Fingerprints {
            sha256: hex(&Sha256::digest(der)),
            sha1: hex(&Sha1::digest(der)),
        }
    }
}

/// An X.509 certificate.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateInfo {
    /// 1, 2 or 3.
    pub version: u8,
    pub serial: Serial,
    /// The outer signatureAlgorithm.
    pub signature_algorithm: Algorithm,
    /// The algorithm inside tbsCertificate (RFC 5280 4.1.2.3: must equal the outer one).
    pub tbs_signature_algorithm: Algorithm,
    pub issuer: DistinguishedName,
    pub validity: Validity,
    pub subject: DistinguishedName,
    pub public_key: PublicKeyInfo,
    /// issuerUniqueID as hex, when present.
    pub issuer_unique_id: Option<String>,
    /// subjectUniqueID as hex, when present.
    pub subject_unique_id: Option<String>,
    pub extensions: Vec<ExtensionInfo>,
    /// The signature value as hex.
    pub signature: String,
    /// Fingerprints of the whole certificate's DER.
    pub fingerprints: Fingerprints,
}

/// Whether a CSR's self-signature verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureCheck {
    Valid,
    Invalid,
    /// pki checks RSA PKCS#1 v1.5 signatures with SHA-256/384/512 only.
    NotChecked,
}

/// One CSR attribute other than extensionRequest.
#[derive(Debug, Clone, Serialize)]
pub struct AttributeInfo {
    pub oid: String,
    pub name: Option<&'static str>,
    /// Each value: its text when it is a string, else hex DER.
    pub values: Vec<String>,
}

/// A PKCS#10 certificate request.
#[derive(Debug, Clone, Serialize)]
pub struct CsrInfo {
    /// 1 (the only version, encoded 0).
    pub version: u8,
    pub subject: DistinguishedName,
    pub public_key: PublicKeyInfo,
    /// The extensions of the extensionRequest attribute.
    pub extensions: Vec<ExtensionInfo>,
    pub attributes: Vec<AttributeInfo>,
    pub signature_algorithm: Algorithm,
    pub signature: String,
    pub signature_check: SignatureCheck,
    pub fingerprints: Fingerprints,
}

/// Every object in `input`: each PEM block in order, or the one DER object. `now` judges
/// validity periods.
pub fn inspect(input: &[u8], now: SystemTime) -> Result<Vec<Decoded>> {
    if !pem::is_pem(input) {
        if input.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::Empty);
        }
        if input[0] != 0x30 {
            return Err(Error::NotPemOrDer { first: input[0] });
        }
        let (object, _) = decode_der(input, now)?;
        return Ok(vec![Decoded {
            object,
            der: input.to_vec(),
            label: None,
        }]);
    }
    let mut blocks = pem::decode_all(input)?;
    // `openssl ecparam -genkey` writes the curve before the key; the key names it again.
    if blocks.iter().any(|b| b.label != EC_PARAMETERS) {
        blocks.retain(|b| b.label != EC_PARAMETERS);
    }
    blocks
        .into_iter()
        .enumerate()
        .map(|(i, block)| {
            let object =
                decode_block(&block.label, &block.der, now).map_err(|e| Error::InBlock {
                    index: i + 1,
                    label: block.label.clone(),
                    source: Box::new(e),
                })?;
            Ok(Decoded {
                object,
                der: block.der,
                label: Some(block.label),
            })
        })
        .collect()
}

/// The label of the curve block `openssl ecparam -genkey` puts before an EC key.
const EC_PARAMETERS: &str = "EC PARAMETERS";

fn decode_block(label: &str, der: &[u8], now: SystemTime) -> Result<Object> {
    match label {
        pem::CERTIFICATE | "X509 CERTIFICATE" => certificate(der, now),
        // OpenSSL's trusted form: a certificate followed by its trust settings.
        "TRUSTED CERTIFICATE" => {
            let mut reader = der::SliceReader::new(der).map_err(Error::der("certificate"))?;
            let any = der::asn1::AnyRef::decode(&mut reader).map_err(Error::der("certificate"))?;
            let len = any.encoded_len().map_err(Error::der("certificate"))?;
            let own = der.get(..usize::try_from(len).unwrap_or(0)).unwrap_or(der);
            certificate(own, now)
        }
        pem::CERTIFICATE_REQUEST | pem::NEW_CERTIFICATE_REQUEST => request(der),
        "X509 CRL" => crl::crl(der, now),
        pem::PRIVATE_KEY => key::pkcs8(der),
        pem::ENCRYPTED_PRIVATE_KEY => key::encrypted_pkcs8(der),
        pem::RSA_PRIVATE_KEY => key::pkcs1_private(der),
        "EC PRIVATE KEY" => key::sec1(der),
        pem::PUBLIC_KEY => key::spki(der),
        pem::RSA_PUBLIC_KEY => key::pkcs1_public(der),
        _ => Err(Error::PemLabel {
            expected: "a certificate, CSR, CRL or key",
            found: label.to_owned(),
        }),
    }
}

/// Tries each structure on DER input. When none fits, the error is the one of the structure
/// that decoded furthest, the likeliest intended.
fn decode_der(der: &[u8], now: SystemTime) -> Result<(Object, &'static str)> {
    type Attempt = fn(&[u8], SystemTime) -> Result<Object>;
    let attempts: [(&'static str, Attempt); 8] = [
        ("certificate", certificate),
        ("CSR", |d, _| request(d)),
        ("CRL", crl::crl),
        ("PKCS#8 private key", |d, _| key::pkcs8(d)),
        ("public key", |d, _| key::spki(d)),
        ("PKCS#1 private key", |d, _| key::pkcs1_private(d)),
        ("PKCS#1 public key", |d, _| key::pkcs1_public(d)),
        ("EC private key", |d, _| key::sec1(d)),
    ];
    let mut best: Option<(u32, Error)> = None;
    for (what, attempt) in attempts {
        match attempt(der, now) {
            Ok(o) => return Ok((o, what)),
            Err(e) => {
                let pos = der_position(&e);
                if best.as_ref().is_none_or(|(p, _)| pos > *p) {
                    best = Some((pos, e));
                }
            }
        }
    }
    match best {
        // Nothing got past the first header: say so without guessing a type.
        Some((0, Error::Der { source, .. })) => Err(Error::Der {
            what: "certificate, CSR, CRL or key",
            source,
        }),
        Some((_, e)) => Err(e),
        None => Err(Error::Empty),
    }
}

fn der_position(e: &Error) -> u32 {
    match e {
        Error::Der { source, .. } => source.position().map_or(0, u32::from),
        Error::EncryptedKey => u32::MAX,
        _ => 0,
    }
}

fn certificate(der: &[u8], now: SystemTime) -> Result<Object> {
    match CertView::from_der(der) {
        Ok(view) => Ok(describe_certificate(&view, now)),
        // The strict decoder says at which byte decoding stopped.
        Err(e) => match Certificate::from_der(der) {
            Err(strict) => Err(Error::Der {
                what: "certificate",
                source: locate::fill(strict, der, locate::certificate),
            }),
            Ok(_) => Err(e),
        },
    }
}

/// Describes a certificate from its parsed view ([`CertView`]: the same parse as the
/// verifier's and lint's).
pub fn describe_certificate(c: &CertView, now: SystemTime) -> Object {
    let unique = |id: Option<&BitString>| id.map(|b| hex(b.raw_bytes()));
    Object::Certificate(Box::new(CertificateInfo {
        version: c.version as u8 + 1,
        serial: Serial::new(&c.serial),
        signature_algorithm: Algorithm::new(&c.signature_algorithm),
        tbs_signature_algorithm: Algorithm::new(&c.tbs_signature_algorithm),
        issuer: DistinguishedName::new(&c.issuer),
        validity: Validity::new(c.not_before_time.clone(), c.not_after_time.clone(), now),
        subject: DistinguishedName::new(&c.subject),
        public_key: describe_spki(&c.spki),
        issuer_unique_id: unique(c.issuer_unique_id.as_ref()),
        subject_unique_id: unique(c.subject_unique_id.as_ref()),
        extensions: c.extensions.iter().map(describe_extension).collect(),
        signature: hex(c.signature_bits.raw_bytes()),
        fingerprints: Fingerprints::of(&c.der),
    }))
}

fn request(der: &[u8]) -> Result<Object> {
    let req = CertReq::from_der(der).map_err(|e| Error::Der {
        what: "CSR",
        source: locate::fill(e, der, locate::request),
    })?;
    Ok(describe_request(&req, der))
}

/// Describes a decoded CSR; `der` is its encoding.
pub fn describe_request(req: &CertReq, der: &[u8]) -> Object {
    let mut extensions = Vec::new();
    let mut attributes = Vec::new();
    for attr in req.info.attributes.iter() {
        if attr.oid == csr::EXTENSION_REQUEST {
            for value in attr.values.iter() {
                match value.decode_as::<ExtensionReq>() {
                    Ok(er) => extensions.extend(er.0.iter().map(describe_extension)),
                    Err(e) => attributes.push(AttributeInfo {
                        oid: attr.oid.to_string(),
                        name: oids::name(&attr.oid),
                        values: vec![format!("malformed: {e}")],
                    }),
                }
            }
            continue;
        }
        attributes.push(AttributeInfo {
            oid: attr.oid.to_string(),
            name: oids::name(&attr.oid),
            values: attr
                .values
                .iter()
                .map(|v| {
                    name::attribute_value_string(v)
                        .unwrap_or_else(|| hex(&v.to_der().unwrap_or_default()))
                })
                .collect(),
        });
    }
    let signature_check = match csr::verify(req) {
        Ok(()) => SignatureCheck::Valid,
        Err(Error::BadSignature { .. }) => SignatureCheck::Invalid,
        Err(_) => SignatureCheck::NotChecked,
    };
    Object::Csr(Box::new(CsrInfo {
        version: 1,
        subject: DistinguishedName::new(&req.info.subject),
        public_key: describe_spki(&req.info.public_key),
        extensions,
        attributes,
        signature_algorithm: Algorithm::new(&req.algorithm),
        signature: hex(req.signature.raw_bytes()),
        signature_check,
        fingerprints: Fingerprints::of(der),
    }))
}

/// An error and its causes on one line, as the CLI prints them.
pub fn error_text(e: &Error) -> String {
    e.chain()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

/// The OID of an algorithm identifier's parameters when they are an OID (EC named curves).
pub(crate) fn parameters_oid(alg: &AlgorithmIdentifierOwned) -> Option<ObjectIdentifier> {
    alg.parameters.as_ref()?.decode_as().ok()
}

#[cfg(test)]
mod tests;
