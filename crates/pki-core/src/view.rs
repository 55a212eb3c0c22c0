//! One parsed view of a certificate: every field and every extension decoded once, every
//! GeneralName kept, and the exact bytes that were signed.
//!
//! ```text
//! Certificate  ::=  SEQUENCE  {
//!      tbsCertificate       TBSCertificate,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//! ```
//!
//! The view reads certificates through the same lenient decoder as `pki show`
//! ([`crate::inspect`]): a serialNumber of any length and a UTCTime before 1970 ([RFC 5280
//! 4.1.2.5.1]: YY >= 50 is 19YY) are taken. The signature is checked over the TBSCertificate
//! bytes as they were in the input, never over a re-encoding.
//!
//! An extension that does not decode, or one that appears twice ([RFC 5280 4.2]: "A
//! certificate MUST NOT include more than one instance of a particular extension"), is kept in
//! [`CertView::problems`]; whoever relies on the certificate decides what that means (the
//! verifier refuses it).
//!
//! [RFC 5280 4.1.2.5.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5.1
//! [RFC 5280 4.2]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2

use std::ops::Range;

use der::{
    Decode, Encode, Sequence,
    asn1::{AnyRef, BitString, ObjectIdentifier as Oid},
};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::{
    certificate::Version,
    ext::Extension,
    ext::pkix::{
        AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies, CrlDistributionPoints,
        ExtendedKeyUsage, FreshestCrl, InhibitAnyPolicy, IssuerAltName, KeyUsage, NameConstraints,
        PolicyConstraints, PolicyMappings, SubjectAltName, SubjectKeyIdentifier,
        certpolicy::PolicyInformation, crl::dp::DistributionPoint, name::GeneralName,
    },
    name::Name,
};

use crate::{
    error::{Error, Result},
    inspect::{TimeInfo, lenient},
};

/// One policy mapping of policyMappings ([RFC 5280 4.2.1.5]).
pub use x509_cert::ext::pkix::PolicyMapping;

/// The extension OIDs the view decodes ([RFC 5280 4.2.1]).
pub mod oid {
    use der::asn1::ObjectIdentifier as Oid;
    pub const AUTHORITY_KEY_ID: Oid = Oid::new_unwrap("2.5.29.35");
    pub const SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");
    pub const KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
    pub const CERTIFICATE_POLICIES: Oid = Oid::new_unwrap("2.5.29.32");
    pub const POLICY_MAPPINGS: Oid = Oid::new_unwrap("2.5.29.33");
    pub const SUBJECT_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.17");
    pub const ISSUER_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.18");
    pub const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
    pub const NAME_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.30");
    pub const POLICY_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.36");
    pub const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
    pub const CRL_DISTRIBUTION_POINTS: Oid = Oid::new_unwrap("2.5.29.31");
    pub const INHIBIT_ANY_POLICY: Oid = Oid::new_unwrap("2.5.29.54");
    pub const FRESHEST_CRL: Oid = Oid::new_unwrap("2.5.29.46");
    pub const AUTHORITY_INFO_ACCESS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.1");
    /// The anyPolicy policy OID ([RFC 5280 4.2.1.4]).
    pub const ANY_POLICY: Oid = Oid::new_unwrap("2.5.29.32.0");
    /// The anyExtendedKeyUsage purpose ([RFC 5280 4.2.1.12]).
    pub const ANY_EKU: Oid = Oid::new_unwrap("2.5.29.37.0");
    pub const COMMON_NAME: Oid = Oid::new_unwrap("2.5.4.3");
    pub const EMAIL_ADDRESS: Oid = Oid::new_unwrap("1.2.840.113549.1.9.1");
}

/// Why an extension could not be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtProblem {
    /// It does not decode as its ASN.1 says.
    Malformed { oid: Oid },
    /// It appears more than once.
    Duplicate { oid: Oid },
}

/// A certificate, parsed once.
#[derive(Debug, Clone)]
pub struct CertView {
    /// The whole certificate as read.
    pub der: Vec<u8>,
    tbs: Range<usize>,
    pub version: Version,
    /// The serialNumber's contents octets (two's complement, as encoded).
    pub serial: Vec<u8>,
    /// The `signature` field inside the TBSCertificate.
    pub tbs_signature_algorithm: AlgorithmIdentifierOwned,
    pub signature_algorithm: AlgorithmIdentifierOwned,
    /// The signature's octets; `None` when the BIT STRING has unused bits.
    pub signature: Option<Vec<u8>>,
    pub issuer: Name,
    pub subject: Name,
    /// notBefore and notAfter, in seconds since 1970 (negative before).
    pub not_before: i64,
    pub not_after: i64,
    /// notBefore and notAfter as encoded (UTCTime or GeneralizedTime), for `pki show`.
    pub not_before_time: TimeInfo,
    pub not_after_time: TimeInfo,
    pub spki: SubjectPublicKeyInfoOwned,
    pub issuer_unique_id: Option<BitString>,
    pub subject_unique_id: Option<BitString>,
    /// The signatureValue BIT STRING as read (its octets also when it has unused bits).
    pub signature_bits: BitString,
    /// Every extension, in order, as x509-cert reads it.
    pub extensions: Vec<Extension>,
    /// Extensions that could not be taken.
    pub problems: Vec<ExtProblem>,
    pub basic_constraints: Option<BasicConstraints>,
    pub key_usage: Option<KeyUsage>,
    pub ext_key_usage: Option<Vec<Oid>>,
    pub subject_alt_name: Option<Vec<GeneralName>>,
    pub issuer_alt_name: Option<Vec<GeneralName>>,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<AuthorityKeyIdentifier>,
    pub name_constraints: Option<NameConstraints>,
    pub certificate_policies: Option<Vec<PolicyInformation>>,
    pub policy_mappings: Option<Vec<PolicyMapping>>,
    pub policy_constraints: Option<PolicyConstraints>,
    pub inhibit_any_policy: Option<u32>,
    pub crl_distribution_points: Option<Vec<DistributionPoint>>,
    pub freshest_crl: Option<Vec<DistributionPoint>>,
}

#[derive(Sequence)]
struct Outer<'a> {
    tbs: AnyRef<'a>,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

impl CertView {
    /// Parses one DER certificate (the whole input).
    pub fn from_der(der: &[u8]) -> Result<CertView> {
        let outer = Outer::from_der(der).map_err(Error::der("certificate"))?;
        let tbs_der = outer.tbs.to_der().map_err(Error::der("certificate"))?;
        // The TBSCertificate is the first element of the outer SEQUENCE, right after its header.
        let start = der.len() - outer_tail_len(&outer)? - tbs_der.len();
        let tbs = start..start + tbs_der.len();
        if der.get(tbs.clone()) != Some(tbs_der.as_slice()) {
            return Err(Error::Der {
                what: "certificate",
                source: der::ErrorKind::Noncanonical {
                    tag: der::Tag::Sequence,
                }
                .into(),
            });
        }
        let t = lenient::TbsCertificate::from_der(&tbs_der).map_err(Error::der("certificate"))?;
        let bad_time = || Error::Der {
            what: "certificate validity",
            source: der::ErrorKind::Value {
                tag: der::Tag::UtcTime,
            }
            .into(),
        };
        let not_before = lenient::time(&t.validity.not_before).ok_or_else(bad_time)?;
        let not_after = lenient::time(&t.validity.not_after).ok_or_else(bad_time)?;
        let mut view = CertView {
            der: der.to_vec(),
            tbs,
            version: t.version,
            serial: t.serial_number.as_bytes().to_vec(),
            tbs_signature_algorithm: t.signature,
            signature_algorithm: outer.signature_algorithm,
            signature: outer.signature.as_bytes().map(<[u8]>::to_vec),
            signature_bits: outer.signature.clone(),
            issuer: t.issuer,
            subject: t.subject,
            not_before: not_before.unix,
            not_after: not_after.unix,
            not_before_time: not_before,
            not_after_time: not_after,
            spki: t.subject_public_key_info,
            issuer_unique_id: t.issuer_unique_id,
            subject_unique_id: t.subject_unique_id,
            extensions: Vec::new(),
            problems: Vec::new(),
            basic_constraints: None,
            key_usage: None,
            ext_key_usage: None,
            subject_alt_name: None,
            issuer_alt_name: None,
            subject_key_id: None,
            authority_key_id: None,
            name_constraints: None,
            certificate_policies: None,
            policy_mappings: None,
            policy_constraints: None,
            inhibit_any_policy: None,
            crl_distribution_points: None,
            freshest_crl: None,
        };
        for e in t.extensions.unwrap_or_default() {
            let oid = e.extn_id;
            if view.extensions.iter().any(|x| x.extn_id == oid) {
                view.problems.push(ExtProblem::Duplicate { oid });
            }
            if view.decode_extension(oid, e.extn_value.as_bytes()).is_err() {
                view.problems.push(ExtProblem::Malformed { oid });
            }
            view.extensions.push(e);
        }
        Ok(view)
    }

    /// Decodes one extension into its field: `Ok(false)` for a kind the view does not know.
    fn decode_extension(&mut self, oid: Oid, v: &[u8]) -> Result<bool, ()> {
        fn d<'a, T: Decode<'a>>(v: &'a [u8]) -> Result<T, ()> {
            T::from_der(v).map_err(|_| ())
        }
        match oid {
            oid::BASIC_CONSTRAINTS => self.basic_constraints = Some(d(v)?),
            oid::KEY_USAGE => self.key_usage = Some(d(v)?),
            oid::EXT_KEY_USAGE => self.ext_key_usage = Some(d::<ExtendedKeyUsage>(v)?.0),
            oid::SUBJECT_ALT_NAME => self.subject_alt_name = Some(d::<SubjectAltName>(v)?.0),
            oid::ISSUER_ALT_NAME => self.issuer_alt_name = Some(d::<IssuerAltName>(v)?.0),
            oid::SUBJECT_KEY_ID => {
                self.subject_key_id = Some(d::<SubjectKeyIdentifier>(v)?.0.as_bytes().to_vec());
            }
            oid::AUTHORITY_KEY_ID => self.authority_key_id = Some(d(v)?),
            oid::NAME_CONSTRAINTS => self.name_constraints = Some(d(v)?),
            oid::CERTIFICATE_POLICIES => {
                self.certificate_policies = Some(d::<CertificatePolicies>(v)?.0);
            }
            oid::POLICY_MAPPINGS => self.policy_mappings = Some(d::<PolicyMappings>(v)?.0),
            oid::POLICY_CONSTRAINTS => self.policy_constraints = Some(d(v)?),
            oid::INHIBIT_ANY_POLICY => {
                self.inhibit_any_policy = Some(d::<InhibitAnyPolicy>(v)?.0);
            }
            oid::CRL_DISTRIBUTION_POINTS => {
                self.crl_distribution_points = Some(d::<CrlDistributionPoints>(v)?.0);
            }
            oid::FRESHEST_CRL => self.freshest_crl = Some(d::<FreshestCrl>(v)?.0),
            oid::AUTHORITY_INFO_ACCESS => {
                d::<x509_cert::ext::pkix::AuthorityInfoAccessSyntax>(v)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The TBSCertificate exactly as it was signed.
    pub fn tbs_der(&self) -> &[u8] {
        &self.der[self.tbs.clone()]
    }

    /// The SubjectPublicKeyInfo, DER.
    pub fn spki_der(&self) -> Vec<u8> {
        self.spki.to_der().unwrap_or_default()
    }

    /// basicConstraints cA is TRUE.
    pub fn is_ca(&self) -> bool {
        self.basic_constraints.as_ref().is_some_and(|b| b.ca)
    }

    /// Subject and issuer are the same name, compared as [RFC 5280 7.1] says.
    ///
    /// [RFC 5280 7.1]: https://www.rfc-editor.org/rfc/rfc5280#section-7.1
    pub fn self_issued(&self) -> bool {
        crate::verify::names::name_eq(&self.subject, &self.issuer)
    }

    /// The extension with this OID, as it is in the certificate.
    pub fn extension(&self, oid: Oid) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.extn_id == oid)
    }

    /// The subject's attribute values of type `oid` that read as text.
    pub fn subject_strings(&self, oid: Oid) -> Vec<String> {
        self.subject
            .iter_rdn()
            .flat_map(|rdn| rdn.iter())
            .filter(|atv| atv.oid == oid)
            .filter_map(|atv| crate::name::attribute_value_string(&atv.value))
            .collect()
    }

    /// issuerUniqueID or subjectUniqueID is present.
    pub fn has_unique_ids(&self) -> bool {
        self.issuer_unique_id.is_some() || self.subject_unique_id.is_some()
    }

    /// SHA-256 of the whole certificate.
    pub fn fingerprint(&self) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(&self.der).into()
    }
}

/// The length of what follows the TBSCertificate inside the outer SEQUENCE.
fn outer_tail_len(outer: &Outer<'_>) -> Result<usize> {
    let a = outer
        .signature_algorithm
        .encoded_len()
        .map_err(Error::der("certificate"))?;
    let s = outer
        .signature
        .encoded_len()
        .map_err(Error::der("certificate"))?;
    let total = (a + s).map_err(Error::der("certificate"))?;
    usize::try_from(u32::from(total)).map_err(|_| Error::Der {
        what: "certificate",
        source: der::ErrorKind::Overflow.into(),
    })
}

/// Every certificate of a PEM bundle, or the one DER certificate, as views; PEM lines of any
/// width, as OpenSSL reads them.
pub fn decode_all(input: &[u8]) -> Result<Vec<CertView>> {
    if !crate::pem::is_pem(input) {
        return Ok(vec![CertView::from_der(input)?]);
    }
    crate::pem::decode_all(input)?
        .into_iter()
        .filter(|b| {
            b.label == crate::pem::CERTIFICATE
                || b.label == "TRUSTED CERTIFICATE"
                || b.label == "X509 CERTIFICATE"
        })
        .map(|b| CertView::from_der(&b.der))
        .collect()
}
