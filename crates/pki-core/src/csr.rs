//! PKCS#10 certificate requests ([RFC 2986]): a builder and a reader that checks the
//! self-signature.
//!
//! ```text
//! CertificationRequestInfo ::= SEQUENCE {
//!      version       INTEGER { v1(0) },
//!      subject       Name,
//!      subjectPKInfo SubjectPublicKeyInfo,
//!      attributes    [0] Attributes }
//! ```
//!
//! Requested extensions travel in one extensionRequest attribute (PKCS#9, 1.2.840.113549.1.9.14),
//! as `openssl req` puts them.
//!
//! [RFC 2986]: https://www.rfc-editor.org/rfc/rfc2986

use der::{
    Any, Decode, Encode,
    asn1::{BitString, SetOfVec},
    oid::{ObjectIdentifier, db::rfc5912::ID_EXTENSION_REQ},
};
use x509_cert::{
    attr::Attribute,
    ext::Extension,
    name::Name,
    request::{CertReq, CertReqInfo, ExtensionReq, Version},
};

use crate::{
    error::{Error, Result},
    ext::{self, ExtSpec},
    key::{PrivateKey, PublicKey},
    pem,
};

/// Builds and signs a CSR for `key` with `subject` and the requested `extensions`, in order.
/// An empty list gives a CSR without attributes.
pub fn build(subject: Name, key: &PrivateKey, extensions: &[ExtSpec]) -> Result<CertReq> {
    build_with(subject, key, extensions, crate::key::Digest::Sha256)
}

/// [`build`], signed with `digest`.
pub fn build_with(
    subject: Name,
    key: &PrivateKey,
    extensions: &[ExtSpec],
    digest: crate::key::Digest,
) -> Result<CertReq> {
    let public_key = key.public_key_info()?;
    let mut attributes = SetOfVec::new();
    if !extensions.is_empty() {
        // No issuer certificate: an authorityKeyIdentifier cannot be made (OpenSSL's
        // `no issuer certificate`). The subject's own fields stand in, unused.
        if extensions
            .iter()
            .any(|s| matches!(s, ExtSpec::AuthorityKeyId { .. }))
        {
            return Err(Error::refused(
                "authorityKeyIdentifier cannot be requested in a CSR: it names the issuer's \
                 certificate, which a request has none of (OpenSSL: no issuer certificate)",
            ));
        }
        let none = ext::Authority {
            key_id: None,
            issuer: subject.clone(),
            serial: x509_cert::serial_number::SerialNumber::from(0u8),
            self_signed: true,
            alt_names: None,
        };
        let mut exts = Vec::with_capacity(extensions.len());
        for s in extensions {
            exts.extend(s.to_extension(&public_key, &none)?);
        }
        let value = Any::encode_from(&ExtensionReq(exts)).map_err(Error::encode("CSR"))?;
        let values = SetOfVec::try_from(vec![value]).map_err(Error::encode("CSR"))?;
        attributes
            .insert(Attribute {
                oid: ID_EXTENSION_REQ,
                values,
            })
            .map_err(Error::encode("CSR"))?;
    }
    let info = CertReqInfo {
        version: Version::V1,
        subject,
        public_key,
        attributes,
    };
    let info_der = info.to_der().map_err(Error::encode("CSR"))?;
    let signature =
        BitString::from_bytes(&key.sign_with(digest, &info_der)).map_err(Error::encode("CSR"))?;
    let req = CertReq {
        info,
        algorithm: digest.rsa_algorithm(),
        signature,
    };
    // Read back through the strict decoder.
    let der = req.to_der().map_err(Error::encode("CSR"))?;
    CertReq::from_der(&der).map_err(Error::der("CSR"))
}

/// Reads a CSR (PEM `CERTIFICATE REQUEST` / `NEW CERTIFICATE REQUEST`, or DER) and checks
/// its self-signature.
pub fn decode(input: &[u8]) -> Result<CertReq> {
    let (_, der) = pem::decode_one(
        input,
        &[pem::CERTIFICATE_REQUEST, pem::NEW_CERTIFICATE_REQUEST],
    )?;
    let req = CertReq::from_der(&der).map_err(Error::der("CSR"))?;
    crate::cert::canonical(&req, &der, "CSR")?;
    verify(&req)?;
    Ok(req)
}

/// Checks the CSR's self-signature: RSA here, ECDSA (P-256, P-384) and Ed25519 with the
/// verifier's signature checks ([`crate::verify::sig`]); other key types are refused.
pub fn verify(req: &CertReq) -> Result<()> {
    let info = req.info.to_der().map_err(Error::encode("CSR"))?;
    let sig = req
        .signature
        .as_bytes()
        .ok_or(Error::BadSignature { what: "CSR" })?;
    if req.info.public_key.algorithm.oid != crate::key::RSA_ENCRYPTION {
        let opts = crate::verify::Options::new(0);
        return crate::verify::sig::check(&req.algorithm, &req.info.public_key, &info, sig, &opts)
            .map_err(|e| match e.reason {
                crate::verify::Reason::BadSignature => Error::BadSignature { what: "CSR" },
                _ => Error::SignatureAlgorithm {
                    oid: req.algorithm.oid,
                },
            });
    }
    let key = PublicKey::from_spki(&req.info.public_key)?;
    key.verify(&req.algorithm, &info, sig, "CSR")
}

/// The extensions of the CSR's extensionRequest attribute (empty when it has none).
pub fn requested_extensions(req: &CertReq) -> Result<Vec<Extension>> {
    let mut out = Vec::new();
    for attr in req
        .info
        .attributes
        .iter()
        .filter(|a| a.oid == ID_EXTENSION_REQ)
    {
        for value in attr.values.iter() {
            let er: ExtensionReq = value
                .decode_as()
                .map_err(Error::der("CSR extensionRequest"))?;
            out.extend(er.0);
        }
    }
    Ok(out)
}

/// PEM text of a CSR.
pub fn to_pem(req: &CertReq) -> Result<String> {
    Ok(pem::encode(
        pem::CERTIFICATE_REQUEST,
        &req.to_der().map_err(Error::encode("CSR"))?,
    ))
}

/// The OID of PKCS#9 extensionRequest.
pub const EXTENSION_REQUEST: ObjectIdentifier = ID_EXTENSION_REQ;
