//! Names for the object identifiers `pki show` prints: algorithms, curves, extensions,
//! purposes and access methods. Unknown OIDs fall back to the name const-oid's database knows,
//! then to nothing (the caller prints the dotted form).

use der::oid::{ObjectIdentifier as Oid, db::DB};

const fn oid(s: &str) -> Oid {
    Oid::new_unwrap(s)
}

/// rsaEncryption.
pub const RSA_ENCRYPTION: Oid = oid("1.2.840.113549.1.1.1");
/// id-RSASSA-PSS (RFC 4055).
pub const RSASSA_PSS: Oid = oid("1.2.840.113549.1.1.10");
/// id-ecPublicKey (RFC 5480).
pub const EC_PUBLIC_KEY: Oid = oid("1.2.840.10045.2.1");
/// id-Ed25519 (RFC 8410).
pub const ED25519: Oid = oid("1.3.101.112");
/// id-Ed448 (RFC 8410).
pub const ED448: Oid = oid("1.3.101.113");
/// id-X25519 (RFC 8410).
pub const X25519: Oid = oid("1.3.101.110");
/// id-X448 (RFC 8410).
pub const X448: Oid = oid("1.3.101.111");
/// id-dsa (RFC 3279).
pub const DSA: Oid = oid("1.2.840.10040.4.1");

/// The hash a signature algorithm uses, for `lint`'s weak-hash rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Md2,
    Md5,
    Sha1,
    Sha2,
    /// Ed25519/Ed448 (no separate hash), or a hash we do not single out.
    Other,
}

/// Signature algorithms: OID, OpenSSL's name, hash.
const SIGNATURES: &[(&str, &str, Hash)] = &[
    ("1.2.840.113549.1.1.2", "md2WithRSAEncryption", Hash::Md2),
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption", Hash::Md5),
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption", Hash::Sha1),
    ("1.3.14.3.2.29", "sha1WithRSA", Hash::Sha1),
    (
        "1.2.840.113549.1.1.14",
        "sha224WithRSAEncryption",
        Hash::Sha2,
    ),
    (
        "1.2.840.113549.1.1.11",
        "sha256WithRSAEncryption",
        Hash::Sha2,
    ),
    (
        "1.2.840.113549.1.1.12",
        "sha384WithRSAEncryption",
        Hash::Sha2,
    ),
    (
        "1.2.840.113549.1.1.13",
        "sha512WithRSAEncryption",
        Hash::Sha2,
    ),
    ("1.2.840.113549.1.1.10", "rsassaPss", Hash::Other),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1", Hash::Sha1),
    ("1.2.840.10045.4.3.1", "ecdsa-with-SHA224", Hash::Sha2),
    ("1.2.840.10045.4.3.2", "ecdsa-with-SHA256", Hash::Sha2),
    ("1.2.840.10045.4.3.3", "ecdsa-with-SHA384", Hash::Sha2),
    ("1.2.840.10045.4.3.4", "ecdsa-with-SHA512", Hash::Sha2),
    ("1.2.840.10040.4.3", "dsa_with_SHA1", Hash::Sha1),
    ("2.16.840.1.101.3.4.3.1", "dsa_with_SHA224", Hash::Sha2),
    ("2.16.840.1.101.3.4.3.2", "dsa_with_SHA256", Hash::Sha2),
    ("1.3.101.112", "ED25519", Hash::Other),
    ("1.3.101.113", "ED448", Hash::Other),
];

/// Public key algorithms.
const KEYS: &[(&str, &str)] = &[
    ("1.2.840.113549.1.1.1", "rsaEncryption"),
    ("1.2.840.113549.1.1.10", "rsassaPss"),
    ("1.2.840.10045.2.1", "id-ecPublicKey"),
    ("1.3.101.112", "ED25519"),
    ("1.3.101.113", "ED448"),
    ("1.3.101.110", "X25519"),
    ("1.3.101.111", "X448"),
    ("1.2.840.10040.4.1", "dsaEncryption"),
];

/// Named curves: OID, NIST name (OpenSSL's for the others), size in bits.
const CURVES: &[(&str, &str, u16)] = &[
    ("1.2.840.10045.3.1.7", "P-256", 256),
    ("1.3.132.0.34", "P-384", 384),
    ("1.3.132.0.35", "P-521", 521),
    ("1.2.840.10045.3.1.1", "P-192", 192),
    ("1.3.132.0.33", "P-224", 224),
    ("1.3.132.0.10", "secp256k1", 256),
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1", 256),
    ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1", 384),
    ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1", 512),
];

/// Extensions: OID, RFC 5280 name.
const EXTENSIONS: &[(&str, &str)] = &[
    ("2.5.29.14", "subjectKeyIdentifier"),
    ("2.5.29.15", "keyUsage"),
    ("2.5.29.17", "subjectAltName"),
    ("2.5.29.18", "issuerAltName"),
    ("2.5.29.19", "basicConstraints"),
    ("2.5.29.20", "cRLNumber"),
    ("2.5.29.21", "reasonCode"),
    ("2.5.29.23", "holdInstructionCode"),
    ("2.5.29.24", "invalidityDate"),
    ("2.5.29.27", "deltaCRLIndicator"),
    ("2.5.29.28", "issuingDistributionPoint"),
    ("2.5.29.29", "certificateIssuer"),
    ("2.5.29.30", "nameConstraints"),
    ("2.5.29.31", "cRLDistributionPoints"),
    ("2.5.29.32", "certificatePolicies"),
    ("2.5.29.33", "policyMappings"),
    ("2.5.29.35", "authorityKeyIdentifier"),
    ("2.5.29.36", "policyConstraints"),
    ("2.5.29.37", "extKeyUsage"),
    ("2.5.29.46", "freshestCRL"),
    ("2.5.29.54", "inhibitAnyPolicy"),
    ("2.5.29.9", "subjectDirectoryAttributes"),
    ("1.3.6.1.5.5.7.1.1", "authorityInfoAccess"),
    ("1.3.6.1.5.5.7.1.11", "subjectInfoAccess"),
    ("1.3.6.1.5.5.7.1.24", "tlsFeature"),
    ("1.3.6.1.5.5.7.1.3", "qcStatements"),
    ("1.3.6.1.4.1.11129.2.4.2", "signedCertificateTimestampList"),
    ("1.3.6.1.4.1.11129.2.4.3", "ctPrecertificatePoison"),
    ("2.16.840.1.113730.1.1", "nsCertType"),
    ("2.16.840.1.113730.1.13", "nsComment"),
    ("1.3.6.1.4.1.311.20.2", "msCertificateTemplateName"),
    ("1.3.6.1.4.1.311.21.7", "msCertificateTemplate"),
];

/// Extended key usage purposes and access methods: OID, name.
const OTHERS: &[(&str, &str)] = &[
    ("2.5.29.37.0", "anyExtendedKeyUsage"),
    ("1.3.6.1.5.5.7.3.1", "serverAuth"),
    ("1.3.6.1.5.5.7.3.2", "clientAuth"),
    ("1.3.6.1.5.5.7.3.3", "codeSigning"),
    ("1.3.6.1.5.5.7.3.4", "emailProtection"),
    ("1.3.6.1.5.5.7.3.8", "timeStamping"),
    ("1.3.6.1.5.5.7.3.9", "OCSPSigning"),
    ("1.3.6.1.5.5.7.48.1", "OCSP"),
    ("1.3.6.1.5.5.7.48.2", "caIssuers"),
    ("1.3.6.1.5.5.7.48.3", "timeStamping"),
    ("1.3.6.1.5.5.7.48.5", "caRepository"),
    ("2.5.29.32.0", "anyPolicy"),
    ("1.2.840.113549.1.9.14", "extensionRequest"),
    ("1.2.840.113549.1.9.7", "challengePassword"),
    ("1.2.840.113549.1.9.2", "unstructuredName"),
];

fn find<T: Copy>(table: &[(&str, T)], oid: &Oid) -> Option<T> {
    // Tables are short; comparing dotted strings keeps them readable.
    let dotted = oid.to_string();
    table.iter().find(|(o, _)| *o == dotted).map(|(_, v)| *v)
}

/// The signature algorithm's name and hash, if known.
pub fn signature(oid: &Oid) -> Option<(&'static str, Hash)> {
    let dotted = oid.to_string();
    SIGNATURES
        .iter()
        .find(|(o, _, _)| *o == dotted)
        .map(|(_, n, h)| (*n, *h))
}

/// The curve's name and size, if known.
pub fn curve(oid: &Oid) -> Option<(&'static str, u16)> {
    let dotted = oid.to_string();
    CURVES
        .iter()
        .find(|(o, _, _)| *o == dotted)
        .map(|(_, n, b)| (*n, *b))
}

/// The extension's RFC 5280 name, if known.
pub fn extension(oid: &Oid) -> Option<&'static str> {
    find(EXTENSIONS, oid)
}

/// A name for any OID: the tables above first, then const-oid's database.
pub fn name(oid: &Oid) -> Option<&'static str> {
    signature(oid)
        .map(|(n, _)| n)
        .or_else(|| find(KEYS, oid))
        .or_else(|| find(EXTENSIONS, oid))
        .or_else(|| find(OTHERS, oid))
        .or_else(|| curve(oid).map(|(n, _)| n))
        .or_else(|| DB.by_oid(oid))
}
