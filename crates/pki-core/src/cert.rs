//! X.509 v3 certificates: our own builder on x509-cert's public types, and readers.
//!
//! x509-cert 0.3 keeps the fields of its `TbsCertificate` private, so the builder defines the
//! structure itself ([RFC 5280 4.1]), encodes and signs it, and reads the result back with
//! [`Certificate::from_der`] so that every certificate we return has passed a strict decoder:
//!
//! ```text
//! Certificate  ::=  SEQUENCE  {
//!      tbsCertificate       TBSCertificate,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//!
//! TBSCertificate  ::=  SEQUENCE  {
//!      version         [0]  EXPLICIT Version DEFAULT v1,
//!      serialNumber         CertificateSerialNumber,
//!      signature            AlgorithmIdentifier,
//!      issuer               Name,
//!      validity             Validity,
//!      subject              Name,
//!      subjectPublicKeyInfo SubjectPublicKeyInfo,
//!      extensions      [3]  EXPLICIT Extensions OPTIONAL }
//! ```
//!
//! [RFC 5280 4.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1

use std::time::{Duration, SystemTime};

use der::{
    DateTime, Decode, Encode, Sequence,
    asn1::{BitString, GeneralizedTime, UtcTime},
};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::{
    Certificate,
    certificate::Version,
    ext::Extension,
    name::Name,
    serial_number::SerialNumber,
    time::{Time, Validity},
};

use crate::{
    error::{Error, Result},
    ext::{self, AkiPart, Authority, ExtSpec, IsCa, KeyUsageBit},
    key::{PrivateKey, PublicKey},
    pem,
};

#[derive(Sequence)]
struct TbsCertificate {
    /// DEFAULT v1: left out of the encoding for a version 1 certificate.
    #[asn1(
        context_specific = "0",
        tag_mode = "EXPLICIT",
        default = "Default::default"
    )]
    version: Version,
    serial_number: SerialNumber,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: Validity,
    subject: Name,
    subject_public_key_info: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<Vec<Extension>>,
}

#[derive(Sequence)]
struct SignedCertificate {
    tbs_certificate: TbsCertificate,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

/// The extensions of Debian's default openssl.cnf `[v3_ca]`, which `openssl req -x509` uses:
/// subjectKeyIdentifier, authorityKeyIdentifier, basicConstraints critical CA:TRUE.
pub fn openssl_v3_ca() -> Vec<ExtSpec> {
    vec![
        ExtSpec::SubjectKeyId,
        // authorityKeyIdentifier = keyid:always,issuer
        ExtSpec::AuthorityKeyId {
            keyid: AkiPart::Always,
            issuer: AkiPart::IfAvailable,
        },
        ExtSpec::BasicConstraints {
            critical: true,
            ca: IsCa::Ca { path_len: None },
        },
    ]
}

/// The CA profile of `pki init`: OpenSSL's `[v3_ca]` plus keyUsage (critical) keyCertSign and
/// cRLSign, which RFC 5280 4.2.1.3 requires of CA certificates and strict verifiers enforce.
pub fn pki_ca() -> Vec<ExtSpec> {
    let mut v = openssl_v3_ca();
    v.push(ExtSpec::KeyUsage {
        critical: true,
        usage: [KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign]
            .into_iter()
            .collect(),
    });
    v
}

/// A time as RFC 5280 4.1.2.5 wants it: UTCTime through 2049, GeneralizedTime from 2050.
pub fn rfc5280_time(t: SystemTime) -> Result<Time> {
    let bad = |source| Error::Encode {
        what: "validity",
        source,
    };
    let unix = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let dt = DateTime::from_unix_duration(Duration::from_secs(unix.as_secs())).map_err(bad)?;
    Ok(if dt.year() < 2050 {
        Time::UtcTime(UtcTime::from_date_time(dt).map_err(bad)?)
    } else {
        Time::GeneralTime(GeneralizedTime::from_date_time(dt))
    })
}

/// The CA that signs: its certificate and its private key, checked to match.
#[derive(Debug)]
pub struct Issuer<'a> {
    cert: &'a Certificate,
    key: &'a PrivateKey,
}

impl<'a> Issuer<'a> {
    /// Pairs a CA certificate with its key; refuses a key that is not the certificate's.
    pub fn new(cert: &'a Certificate, key: &'a PrivateKey) -> Result<Issuer<'a>> {
        if !key.matches(cert.tbs_certificate().subject_public_key_info()) {
            return Err(Error::KeyMismatch {
                what: "CA certificate",
            });
        }
        Ok(Issuer { cert, key })
    }

    /// What an issued certificate's authorityKeyIdentifier is made of: the CA's
    /// subjectKeyIdentifier (none when it has none: OpenSSL then names the CA by issuer and
    /// serial), its issuer name and its serial.
    fn authority(&self) -> Result<Authority> {
        let tbs = self.cert.tbs_certificate();
        Ok(Authority {
            key_id: ext::subject_key_id(tbs.extensions().map(Vec::as_slice).unwrap_or(&[]))?,
            issuer: tbs.issuer().clone(),
            serial: tbs.serial_number().clone(),
            self_signed: false,
            alt_names: Some(ext::subject_alt_names(self.cert)?),
        })
    }
}

/// Builds one certificate. Required parts in [`CertBuilder::new`], options by setters, then
/// [`CertBuilder::self_signed`] or [`CertBuilder::sign`].
#[derive(Debug, Clone)]
#[must_use]
pub struct CertBuilder {
    subject: Name,
    public_key: SubjectPublicKeyInfoOwned,
    serial: SerialNumber,
    days: u32,
    not_before: Option<SystemTime>,
    /// Set by [`CertBuilder::dates`]: `days` is then not used.
    not_after: Option<SystemTime>,
    extensions: Vec<ExtSpec>,
    /// `subjectKeyIdentifier = none`, `authorityKeyIdentifier = none`.
    no_key_ids: (bool, bool),
    digest: crate::key::Digest,
}

impl CertBuilder {
    /// A certificate for `public_key` named `subject`, valid `days` days from now.
    pub fn new(
        subject: Name,
        public_key: SubjectPublicKeyInfoOwned,
        serial: SerialNumber,
        days: u32,
    ) -> CertBuilder {
        CertBuilder {
            subject,
            public_key,
            serial,
            days,
            not_before: None,
            not_after: None,
            extensions: Vec::new(),
            no_key_ids: (false, false),
            digest: crate::key::Digest::Sha256,
        }
    }

    /// Starts validity at `t` instead of now.
    pub fn not_before(mut self, t: SystemTime) -> CertBuilder {
        self.not_before = Some(t);
        self
    }

    /// Exactly these dates (`x509 -preserve_dates`), in place of now and `days`.
    pub fn dates(mut self, not_before: SystemTime, not_after: SystemTime) -> CertBuilder {
        self.not_before = Some(not_before);
        self.not_after = Some(not_after);
        self
    }

    /// The extensions, in order. As OpenSSL 3.0 signs (apps/lib/apps.c `do_X509_sign`): with
    /// none at all the certificate is version 1; otherwise version 3, with a
    /// subjectKeyIdentifier (`hash`) appended when absent, and, unless self-signed, an
    /// authorityKeyIdentifier (`keyid, issuer`) appended when absent.
    pub fn extensions(mut self, exts: Vec<ExtSpec>) -> CertBuilder {
        self.extensions = exts;
        self
    }

    /// The extensions of a config section, its `none` markers included.
    pub fn section(self, s: crate::conf::ExtSection) -> CertBuilder {
        let (ski, aki) = (s.no_subject_key_id, s.no_authority_key_id);
        self.extensions(s.specs).no_key_ids(ski, aki)
    }

    /// The signature's digest (SHA-256 by default).
    pub fn digest(mut self, d: crate::key::Digest) -> CertBuilder {
        self.digest = d;
        self
    }

    /// `subjectKeyIdentifier = none` / `authorityKeyIdentifier = none`: that identifier is
    /// left out, not added by default (the `none` line still makes a version 3 certificate).
    pub fn no_key_ids(mut self, subject: bool, authority: bool) -> CertBuilder {
        self.no_key_ids = (subject, authority);
        self
    }

    /// Signs with the subject's own key (a self-signed CA certificate).
    pub fn self_signed(self, key: &PrivateKey) -> Result<Certificate> {
        if !key.matches(&self.public_key) {
            return Err(Error::KeyMismatch {
                what: "certificate's public key",
            });
        }
        let authority = Authority {
            key_id: (!self.no_key_ids.0).then(|| ext::key_identifier(&self.public_key)),
            issuer: self.subject.clone(),
            serial: self.serial.clone(),
            self_signed: true,
            alt_names: Some(Vec::new()),
        };
        let issuer = self.subject.clone();
        self.build(issuer, &authority, key)
    }

    /// Signs with a CA.
    pub fn sign(self, issuer: &Issuer<'_>) -> Result<Certificate> {
        let mut authority = issuer.authority()?;
        // OpenSSL's test for a self-signed certificate: the signing key is the subject's.
        authority.self_signed = issuer.key.matches(&self.public_key);
        let name = issuer.cert.tbs_certificate().subject().clone();
        self.build(name, &authority, issuer.key)
    }

    fn build(self, issuer: Name, authority: &Authority, key: &PrivateKey) -> Result<Certificate> {
        let start = self.not_before.unwrap_or_else(SystemTime::now);
        let end = match self.not_after {
            Some(t) => t,
            None => start
                .checked_add(Duration::from_secs(u64::from(self.days) * 86_400))
                .ok_or(Error::Validity { days: self.days })?,
        };
        let not_after = rfc5280_time(end).map_err(|_| Error::Validity { days: self.days })?;
        let validity = Validity::new(rfc5280_time(start)?, not_after);

        let (no_ski, no_aki) = self.no_key_ids;
        let v1 = self.extensions.is_empty() && !no_ski && !no_aki;
        let mut specs = self.extensions;
        if !v1 {
            let has = |specs: &[ExtSpec], oid| specs.iter().any(|s| s.oid() == oid);
            if !no_ski && !has(&specs, ExtSpec::SubjectKeyId.oid()) {
                specs.push(ExtSpec::SubjectKeyId);
            }
            if !no_aki && !authority.self_signed && !has(&specs, ExtSpec::DEFAULT_AKI.oid()) {
                specs.push(ExtSpec::DEFAULT_AKI);
            }
        }
        let mut extensions: Vec<Extension> = Vec::with_capacity(specs.len());
        for s in &specs {
            let made = if authority.self_signed && matches!(s, ExtSpec::IssuerAltName { .. }) {
                // The issuer is this certificate: its subjectAltName, if one came before
                // (OpenSSL adds extensions in order, and copies what the certificate has).
                let own = Authority {
                    alt_names: Some(ext::subject_alt_names_of(&extensions)?),
                    ..authority.clone()
                };
                s.to_extension(&self.public_key, &own)?
            } else {
                s.to_extension(&self.public_key, authority)?
            };
            extensions.extend(made);
        }

        let tbs = TbsCertificate {
            version: if v1 { Version::V1 } else { Version::V3 },
            serial_number: self.serial,
            signature: self.digest.rsa_algorithm(),
            issuer,
            validity,
            subject: self.subject,
            subject_public_key_info: self.public_key,
            extensions: (!v1).then_some(extensions),
        };
        let tbs_der = tbs.to_der().map_err(Error::encode("certificate"))?;
        let signature = BitString::from_bytes(&key.sign_with(self.digest, &tbs_der))
            .map_err(Error::encode("certificate"))?;
        let signed = SignedCertificate {
            tbs_certificate: tbs,
            signature_algorithm: self.digest.rsa_algorithm(),
            signature,
        };
        let der = signed.to_der().map_err(Error::encode("certificate"))?;
        Certificate::from_der(&der).map_err(Error::der("certificate"))
    }
}

/// Reads one certificate, PEM (`CERTIFICATE`) or DER.
pub fn decode(input: &[u8]) -> Result<Certificate> {
    let (_, der) = pem::decode_one(input, &[pem::CERTIFICATE, "TRUSTED CERTIFICATE"])?;
    from_der(&der)
}

/// Decodes DER that must be canonical: x509-cert accepts a few non-DER forms (an explicit
/// `critical FALSE`) that it re-encodes differently, which would make every signature check
/// over the re-encoded TBSCertificate fail and `pki` show other bytes than the file holds.
fn from_der(der: &[u8]) -> Result<Certificate> {
    let crt = Certificate::from_der(der).map_err(Error::der("certificate"))?;
    canonical(&crt, der, "certificate")?;
    Ok(crt)
}

/// Refuses `der` when `value`, decoded from it, re-encodes to other bytes.
pub(crate) fn canonical(value: &impl Encode, der: &[u8], what: &'static str) -> Result<()> {
    if value.to_der().map_err(Error::encode(what))? == der {
        return Ok(());
    }
    Err(Error::Der {
        what,
        source: der::ErrorKind::Noncanonical {
            tag: der::Tag::Sequence,
        }
        .into(),
    })
}

/// Every certificate of a PEM bundle, or the one DER certificate.
pub fn decode_all(input: &[u8]) -> Result<Vec<Certificate>> {
    if !pem::is_pem(input) {
        return Ok(vec![decode(input)?]);
    }
    pem::decode_all(input)?
        .into_iter()
        .map(|b| {
            if b.label != pem::CERTIFICATE {
                return Err(Error::PemLabel {
                    expected: pem::CERTIFICATE,
                    found: b.label,
                });
            }
            from_der(&b.der)
        })
        .collect()
}

/// PEM text of a certificate.
pub fn to_pem(cert: &Certificate) -> Result<String> {
    Ok(pem::encode(
        pem::CERTIFICATE,
        &cert.to_der().map_err(Error::encode("certificate"))?,
    ))
}

/// Checks that `issuer`'s key signed `cert` and that `cert` names `issuer` as its issuer.
pub fn verify_issued_by(cert: &Certificate, issuer: &Certificate) -> Result<()> {
    if cert.tbs_certificate().issuer() != issuer.tbs_certificate().subject() {
        return Err(Error::BadSignature {
            what: "certificate (issuer name differs from the CA's subject)",
        });
    }
    let key = PublicKey::from_spki(issuer.tbs_certificate().subject_public_key_info())?;
    let tbs = cert
        .tbs_certificate()
        .to_der()
        .map_err(Error::encode("certificate"))?;
    let sig = cert.signature().as_bytes().ok_or(Error::BadSignature {
        what: "certificate",
    })?;
    key.verify(cert.signature_algorithm(), &tbs, sig, "certificate")
}

/// The certificate's extensions, typed where pki models them, in order.
pub fn ext_specs(cert: &Certificate) -> Result<Vec<ExtSpec>> {
    let exts = cert
        .tbs_certificate()
        .extensions()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    Ok(exts
        .iter()
        .map(ExtSpec::from_extension)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect())
}

/// notAfter as a SystemTime.
pub fn not_after(cert: &Certificate) -> SystemTime {
    cert.tbs_certificate().validity().not_after.to_system_time()
}

/// The serial's magnitude (big-endian, without leading zeros).
pub fn serial_bytes(cert: &Certificate) -> Vec<u8> {
    serial_octets(cert.tbs_certificate().serial_number().as_bytes())
}

/// A serialNumber's INTEGER octets without leading zero octets (one `00` for zero).
pub fn serial_octets(b: &[u8]) -> Vec<u8> {
    let first = b
        .iter()
        .position(|x| *x != 0)
        .unwrap_or(b.len().saturating_sub(1));
    b[first..].to_vec()
}
