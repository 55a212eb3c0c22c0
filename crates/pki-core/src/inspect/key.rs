//! Public and private keys: algorithm, size and public parts. RSA keys are read as their
//! ASN.1 structure (RFC 8017 A.1), not checked the way [`crate::key`] checks keys it will use,
//! so that `show` describes any key, even one pki would refuse. EC keys are described by their
//! named curve and point (RFC 5480), Ed25519/Ed448 by their raw key (RFC 8410). Private values
//! are never copied out.

use der::{
    Decode, Encode, Sequence,
    asn1::{BitStringRef, OctetStringRef, UintRef},
    oid::ObjectIdentifier,
};
use rsa::{pkcs1, pkcs8};
use serde::Serialize;
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use super::{Algorithm, Object, hex, oids, parameters_oid, to_decimal};
use crate::error::{Error, Result};

/// The public parts of a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeyDetails {
    Rsa {
        bits: usize,
        /// Decimal.
        exponent: String,
        /// Hex.
        modulus: String,
    },
    Ec {
        /// `P-256`, `P-384`, ... or the curve OID.
        curve: String,
        curve_oid: Option<String>,
        bits: Option<u16>,
        /// The uncompressed or compressed point, hex; absent in a private key without it.
        point: Option<String>,
    },
    /// Ed25519, Ed448, X25519, X448: the raw public key, hex (absent when a private key
    /// does not carry it).
    Edwards {
        algorithm: &'static str,
        bits: u16,
        public: Option<String>,
    },
    /// Any other algorithm: the key bits as hex.
    Other { key: String },
    /// The algorithm is known but its key does not decode.
    Malformed { error: String },
}

impl KeyDetails {
    /// `RSA 2048 bits, exponent 65537`, `EC P-256`, `Ed25519`.
    pub fn summary(&self) -> String {
        match self {
            KeyDetails::Rsa { bits, exponent, .. } => {
                format!("RSA {bits} bits, exponent {exponent}")
            }
            KeyDetails::Ec { curve, bits, .. } => match bits {
                Some(b) => format!("EC {curve} ({b} bits)"),
                None => format!("EC {curve}"),
            },
            KeyDetails::Edwards {
                algorithm, bits, ..
            } => format!("{algorithm} ({bits} bits)"),
            KeyDetails::Other { .. } => "not decoded".to_owned(),
            KeyDetails::Malformed { error } => format!("malformed: {error}"),
        }
    }

    /// Size in bits, when known.
    pub fn bits(&self) -> Option<usize> {
        match self {
            KeyDetails::Rsa { bits, .. } => Some(*bits),
            KeyDetails::Ec { bits, .. } => bits.map(usize::from),
            KeyDetails::Edwards { bits, .. } => Some(usize::from(*bits)),
            _ => None,
        }
    }
}

/// A SubjectPublicKeyInfo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicKeyInfo {
    pub algorithm: Algorithm,
    pub key: KeyDetails,
    /// SHA-256 of the SubjectPublicKeyInfo DER, hex.
    pub sha256: String,
}

/// A private key: its format, algorithm and public parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrivateKeyInfo {
    /// `pkcs8`, `pkcs8_encrypted`, `pkcs1`, `sec1`.
    pub format: &'static str,
    /// The key algorithm (for encrypted keys: the encryption scheme).
    pub algorithm: Algorithm,
    /// Absent for encrypted keys.
    pub key: Option<KeyDetails>,
    /// SHA-256 of the matching SubjectPublicKeyInfo (as a certificate's `public_key.sha256`),
    /// when the key carries its public half.
    pub public_key_sha256: Option<String>,
}

/// Describes a SubjectPublicKeyInfo.
pub fn describe_spki(spki: &SubjectPublicKeyInfoOwned) -> PublicKeyInfo {
    PublicKeyInfo {
        algorithm: Algorithm::new(&spki.algorithm),
        key: public_details(&spki.algorithm, spki.subject_public_key.raw_bytes()),
        sha256: hex(&Sha256::digest(spki.to_der().unwrap_or_default())),
    }
}

fn public_details(alg: &AlgorithmIdentifierOwned, key: &[u8]) -> KeyDetails {
    match alg.oid {
        oids::RSA_ENCRYPTION | oids::RSASSA_PSS => {
            match pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(key) {
                Ok(k) => rsa_details(k.modulus.as_bytes(), k.public_exponent.as_bytes()),
                Err(e) => KeyDetails::Malformed {
                    error: e.to_string(),
                },
            }
        }
        oids::EC_PUBLIC_KEY => ec_details(parameters_oid(alg), Some(key)),
        oid => edwards(oid, Some(key)).unwrap_or_else(|| KeyDetails::Other { key: hex(key) }),
    }
}

fn rsa_details(modulus: &[u8], exponent: &[u8]) -> KeyDetails {
    let bits = modulus.iter().position(|b| *b != 0).map_or(0, |i| {
        (modulus.len() - i) * 8 - modulus[i].leading_zeros() as usize
    });
    KeyDetails::Rsa {
        bits,
        exponent: to_decimal(exponent),
        modulus: hex(modulus),
    }
}

fn ec_details(curve: Option<ObjectIdentifier>, point: Option<&[u8]>) -> KeyDetails {
    let known = curve.as_ref().and_then(oids::curve);
    KeyDetails::Ec {
        curve: match (known, &curve) {
            (Some((name, _)), _) => name.to_owned(),
            (None, Some(oid)) => oid.to_string(),
            (None, None) => "explicit or missing parameters".to_owned(),
        },
        curve_oid: curve.map(|c| c.to_string()),
        bits: known.map(|(_, b)| b),
        point: point.map(hex),
    }
}

fn edwards(oid: ObjectIdentifier, public: Option<&[u8]>) -> Option<KeyDetails> {
    let (algorithm, bits) = match oid {
        oids::ED25519 => ("Ed25519", 256),
        oids::ED448 => ("Ed448", 456),
        oids::X25519 => ("X25519", 256),
        oids::X448 => ("X448", 448),
        _ => return None,
    };
    Some(KeyDetails::Edwards {
        algorithm,
        bits,
        public: public.map(hex),
    })
}

fn object(
    format: &'static str,
    alg: &AlgorithmIdentifierOwned,
    key: KeyDetails,
    public: Option<SubjectPublicKeyInfoOwned>,
) -> Object {
    Object::PrivateKey(Box::new(PrivateKeyInfo {
        format,
        algorithm: Algorithm::new(alg),
        key: Some(key),
        public_key_sha256: public.map(|p| hex(&Sha256::digest(p.to_der().unwrap_or_default()))),
    }))
}

fn spki_of(alg: AlgorithmIdentifierOwned, key: &[u8]) -> Option<SubjectPublicKeyInfoOwned> {
    Some(SubjectPublicKeyInfoOwned {
        algorithm: alg,
        subject_public_key: der::asn1::BitString::from_bytes(key).ok()?,
    })
}

/// The SubjectPublicKeyInfo of an RSA private key's public half.
fn rsa_public(k: &pkcs1::RsaPrivateKey<UintRef<'_>>) -> Option<SubjectPublicKeyInfoOwned> {
    let public = pkcs1::RsaPublicKey {
        modulus: k.modulus,
        public_exponent: k.public_exponent,
    };
    spki_of(rsa_algorithm(), &public.to_der().ok()?)
}

fn ec_public(
    curve: Option<ObjectIdentifier>,
    point: Option<&[u8]>,
) -> Option<SubjectPublicKeyInfoOwned> {
    let alg = AlgorithmIdentifierOwned {
        oid: oids::EC_PUBLIC_KEY,
        parameters: Some(der::Any::encode_from(&curve?).ok()?),
    };
    spki_of(alg, point?)
}

fn owned(alg: &spki::AlgorithmIdentifierRef<'_>) -> Result<AlgorithmIdentifierOwned> {
    let der = alg.to_der().map_err(Error::der("algorithm identifier"))?;
    AlgorithmIdentifierOwned::from_der(&der).map_err(Error::der("algorithm identifier"))
}

/// A PKCS#8 PrivateKeyInfo (RFC 5958 OneAsymmetricKey).
pub(super) fn pkcs8(der: &[u8]) -> Result<Object> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(Error::der("PKCS#8 private key"))?;
    let alg = owned(&info.algorithm)?;
    let inner = info.private_key.as_bytes();
    let public = info.public_key.as_ref().map(BitStringRef::raw_bytes);
    let (details, spki) = match alg.oid {
        oids::RSA_ENCRYPTION | oids::RSASSA_PSS => {
            match pkcs1::RsaPrivateKey::<UintRef<'_>>::from_der(inner) {
                Ok(k) => (
                    rsa_details(k.modulus.as_bytes(), k.public_exponent.as_bytes()),
                    rsa_public(&k),
                ),
                Err(e) => (
                    KeyDetails::Malformed {
                        error: e.to_string(),
                    },
                    None,
                ),
            }
        }
        oids::EC_PUBLIC_KEY => match EcPrivateKey::from_der(inner) {
            Ok(k) => {
                let curve = parameters_oid(&alg).or(k.parameters);
                let point = k
                    .public_key
                    .as_ref()
                    .map(BitStringRef::raw_bytes)
                    .or(public);
                (ec_details(curve, point), ec_public(curve, point))
            }
            Err(e) => (
                KeyDetails::Malformed {
                    error: e.to_string(),
                },
                None,
            ),
        },
        oid => match edwards(oid, public) {
            Some(d) => {
                let alg = AlgorithmIdentifierOwned {
                    oid,
                    parameters: None,
                };
                (d, public.and_then(|p| spki_of(alg, p)))
            }
            None => (
                KeyDetails::Other {
                    key: "(private)".to_owned(),
                },
                None,
            ),
        },
    };
    Ok(object("pkcs8", &alg, details, spki))
}

/// EncryptedPrivateKeyInfo (RFC 5958 section 3): only the encryption scheme shows.
pub(super) fn encrypted_pkcs8(der: &[u8]) -> Result<Object> {
    let info =
        EncryptedPrivateKeyInfo::from_der(der).map_err(Error::der("encrypted private key"))?;
    Ok(Object::PrivateKey(Box::new(PrivateKeyInfo {
        format: "pkcs8_encrypted",
        algorithm: Algorithm::new(&info.algorithm),
        key: None,
        public_key_sha256: None,
    })))
}

/// A PKCS#1 RSAPrivateKey.
pub(super) fn pkcs1_private(der: &[u8]) -> Result<Object> {
    let k = pkcs1::RsaPrivateKey::<UintRef<'_>>::from_der(der)
        .map_err(Error::der("PKCS#1 private key"))?;
    let alg = rsa_algorithm();
    Ok(object(
        "pkcs1",
        &alg,
        rsa_details(k.modulus.as_bytes(), k.public_exponent.as_bytes()),
        rsa_public(&k),
    ))
}

/// A SEC1 ECPrivateKey (RFC 5915).
pub(super) fn sec1(der: &[u8]) -> Result<Object> {
    let k = EcPrivateKey::from_der(der).map_err(Error::der("EC private key"))?;
    let alg = AlgorithmIdentifierOwned {
        oid: oids::EC_PUBLIC_KEY,
        parameters: None,
    };
    let point = k.public_key.as_ref().map(BitStringRef::raw_bytes);
    Ok(object(
        "sec1",
        &alg,
        ec_details(k.parameters, point),
        ec_public(k.parameters, point),
    ))
}

/// A SubjectPublicKeyInfo.
pub(super) fn spki(der: &[u8]) -> Result<Object> {
    let spki = SubjectPublicKeyInfoOwned::from_der(der).map_err(Error::der("public key"))?;
    Ok(Object::PublicKey(Box::new(describe_spki(&spki))))
}

/// A PKCS#1 RSAPublicKey, described as the SubjectPublicKeyInfo it stands for.
pub(super) fn pkcs1_public(der: &[u8]) -> Result<Object> {
    let k = pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(der)
        .map_err(Error::der("PKCS#1 public key"))?;
    let alg = rsa_algorithm();
    let spki = SubjectPublicKeyInfoOwned {
        algorithm: alg.clone(),
        subject_public_key: der::asn1::BitString::from_bytes(der)
            .map_err(Error::der("PKCS#1 public key"))?,
    };
    Ok(Object::PublicKey(Box::new(PublicKeyInfo {
        algorithm: Algorithm::new(&alg),
        key: rsa_details(k.modulus.as_bytes(), k.public_exponent.as_bytes()),
        sha256: hex(&Sha256::digest(spki.to_der().unwrap_or_default())),
    })))
}

fn rsa_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: oids::RSA_ENCRYPTION,
        parameters: Some(der::asn1::Null.into()),
    }
}

/// ```text
/// ECPrivateKey ::= SEQUENCE {
///   version        INTEGER { ecPrivkeyVer1(1) },
///   privateKey     OCTET STRING,
///   parameters [0] ECParameters {{ NamedCurve }} OPTIONAL,
///   publicKey  [1] BIT STRING OPTIONAL }
/// ```
#[derive(Sequence)]
struct EcPrivateKey<'a> {
    _version: u8,
    _private_key: &'a OctetStringRef,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    parameters: Option<ObjectIdentifier>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    public_key: Option<BitStringRef<'a>>,
}

/// ```text
/// EncryptedPrivateKeyInfo ::= SEQUENCE {
///   encryptionAlgorithm  EncryptionAlgorithmIdentifier,
///   encryptedData        EncryptedData }
/// ```
#[derive(Sequence)]
struct EncryptedPrivateKeyInfo<'a> {
    algorithm: AlgorithmIdentifierOwned,
    _data: &'a OctetStringRef,
}
