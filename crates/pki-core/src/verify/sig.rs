//! Signature checks of the verifier, with RustCrypto's implementations only: RSASSA-PKCS1-v1_5
//! and RSASSA-PSS (`rsa`), ECDSA on P-256 and P-384 (`p256`, `p384`), Ed25519
//! (`ed25519-dalek`). SHA-1 and RSA keys under [`super::Options::min_rsa_bits`] are refused
//! unless allowed; an algorithm pki does not implement is refused with that reason, never
//! taken as valid.

use der::{Decode, Encode, Tagged, asn1::ObjectIdentifier as Oid};
use rsa::{
    PublicKey as RsaPublicKey,
    pkcs1::{DecodeRsaPublicKey, RsaPssParams},
    signature::{Verifier, hazmat::PrehashVerifier},
    traits::PublicKeyParts,
};
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use super::{Options, Reason};

const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const RSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
const MD2_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.2");
const MD5_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.4");
const SHA1_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
const SHA224_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.14");
const SHA256_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
const EC: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
const ECDSA_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
const ECDSA_SHA224: Oid = Oid::new_unwrap("1.2.840.10045.4.3.1");
const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
const DSA_SHA1: Oid = Oid::new_unwrap("1.2.840.10040.4.3");
const DSA_SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.1");
const DSA_SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.2");
const DSA: Oid = Oid::new_unwrap("1.2.840.10040.4.1");
const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn digest(self, msg: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => Sha1::digest(msg).to_vec(),
            Hash::Sha224 => Sha224::digest(msg).to_vec(),
            Hash::Sha256 => Sha256::digest(msg).to_vec(),
            Hash::Sha384 => Sha384::digest(msg).to_vec(),
            Hash::Sha512 => Sha512::digest(msg).to_vec(),
        }
    }

    fn from_oid(oid: Oid) -> Option<Hash> {
        Some(match oid {
            SHA1 => Hash::Sha1,
            SHA256 => Hash::Sha256,
            SHA384 => Hash::Sha384,
            SHA512 => Hash::Sha512,
            _ => return None,
        })
    }
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigError {
    pub reason: Reason,
    pub detail: String,
}

fn err(reason: Reason, detail: impl Into<String>) -> SigError {
    SigError {
        reason,
        detail: detail.into(),
    }
}

/// Parameters of a PKCS#1 v1.5 or ECDSA algorithm: absent or NULL (RFC 4055, RFC 5758).
fn no_params(alg: &AlgorithmIdentifierOwned, null_ok: bool) -> Result<(), SigError> {
    match &alg.parameters {
        None => Ok(()),
        Some(p) if null_ok && p.tag() == der::Tag::Null && p.value().is_empty() => Ok(()),
        Some(_) => Err(err(
            Reason::SignatureAlgorithmUnsupported,
            format!("{} with unexpected parameters", alg.oid),
        )),
    }
}

/// The size in bits of an RSA key, for `-auth_level`-like checks; `None` for other keys.
pub fn rsa_bits(spki: &SubjectPublicKeyInfoOwned) -> Option<usize> {
    if spki.algorithm.oid != RSA && spki.algorithm.oid != RSA_PSS {
        return None;
    }
    // From the modulus itself: the rsa crate refuses to load small keys, which must still be
    // measured (and refused).
    let key = rsa::pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(
        spki.subject_public_key.raw_bytes(),
    )
    .ok()?;
    let n = key.modulus.as_bytes();
    let lead = n.iter().position(|b| *b != 0).unwrap_or(n.len());
    let n = &n[lead..];
    let top = n.first().map_or(0, |b| 8 - b.leading_zeros() as usize);
    Some(n.len().saturating_sub(1) * 8 + top)
}

/// Checks that `key` signed `msg` with `sig` under `alg`.
pub fn check(
    alg: &AlgorithmIdentifierOwned,
    key: &SubjectPublicKeyInfoOwned,
    msg: &[u8],
    sig: &[u8],
    opts: &Options,
) -> Result<(), SigError> {
    check_inherited(alg, key, None, msg, sig, opts)
}

/// A DSA key whose parameters are absent: they are its issuer's (RFC 3279 2.3.2), so its
/// signatures can be checked only with the path above it.
pub fn dsa_inherits(key: &SubjectPublicKeyInfoOwned) -> bool {
    key.algorithm.oid == DSA && key.algorithm.parameters.is_none()
}

/// The DSA parameters of a key, when it is a DSA key that has them.
pub fn dsa_params(key: &SubjectPublicKeyInfoOwned) -> Option<&der::Any> {
    (key.algorithm.oid == DSA)
        .then_some(key.algorithm.parameters.as_ref())
        .flatten()
}

/// [`check`], with the DSA parameters `inherited` from the issuer's issuer for a DSA key
/// without its own.
pub fn check_inherited(
    alg: &AlgorithmIdentifierOwned,
    key: &SubjectPublicKeyInfoOwned,
    inherited: Option<&der::Any>,
    msg: &[u8],
    sig: &[u8],
    opts: &Options,
) -> Result<(), SigError> {
    let weak = |what: &str| {
        err(
            Reason::WeakSignatureAlgorithm,
            format!("signed with {what}, refused unless SHA-1 is allowed"),
        )
    };
    match alg.oid {
        MD2_RSA | MD5_RSA => Err(err(
            Reason::WeakSignatureAlgorithm,
            format!("signed with {} (MD2/MD5), never accepted", alg.oid),
        )),
        SHA1_RSA | SHA224_RSA | SHA256_RSA | SHA384_RSA | SHA512_RSA => {
            no_params(alg, true)?;
            let hash = match alg.oid {
                SHA1_RSA if !opts.allow_sha1 => return Err(weak("sha1WithRSAEncryption")),
                SHA1_RSA => Hash::Sha1,
                SHA224_RSA => Hash::Sha224,
                SHA256_RSA => Hash::Sha256,
                SHA384_RSA => Hash::Sha384,
                _ => Hash::Sha512,
            };
            let rsa = rsa_key(key, opts)?;
            let ok = match hash {
                Hash::Sha1 => {
                    rsa::pkcs1v15::VerifyingKey::<Sha1>::new(rsa).verify(msg, &rsa_sig(sig)?)
                }
                Hash::Sha224 => {
                    rsa::pkcs1v15::VerifyingKey::<Sha224>::new(rsa).verify(msg, &rsa_sig(sig)?)
                }
                Hash::Sha256 => {
                    rsa::pkcs1v15::VerifyingKey::<Sha256>::new(rsa).verify(msg, &rsa_sig(sig)?)
                }
                Hash::Sha384 => {
                    rsa::pkcs1v15::VerifyingKey::<Sha384>::new(rsa).verify(msg, &rsa_sig(sig)?)
                }
                Hash::Sha512 => {
                    rsa::pkcs1v15::VerifyingKey::<Sha512>::new(rsa).verify(msg, &rsa_sig(sig)?)
                }
            };
            ok.map_err(|_| bad())
        }
        RSA_PSS => {
            let (hash, salt) = pss_params(alg)?;
            if hash == Hash::Sha1 && !opts.allow_sha1 {
                return Err(weak("RSASSA-PSS with SHA-1"));
            }
            let rsa = rsa_key(key, opts)?;
            let s = rsa::pss::Signature::try_from(sig).map_err(|_| bad())?;
            let ok = match hash {
                Hash::Sha1 => {
                    rsa::pss::VerifyingKey::<Sha1>::new_with_salt_len(rsa, salt).verify(msg, &s)
                }
                Hash::Sha256 => {
                    rsa::pss::VerifyingKey::<Sha256>::new_with_salt_len(rsa, salt).verify(msg, &s)
                }
                Hash::Sha384 => {
                    rsa::pss::VerifyingKey::<Sha384>::new_with_salt_len(rsa, salt).verify(msg, &s)
                }
                Hash::Sha512 | Hash::Sha224 => {
                    rsa::pss::VerifyingKey::<Sha512>::new_with_salt_len(rsa, salt).verify(msg, &s)
                }
            };
            ok.map_err(|_| bad())
        }
        ECDSA_SHA1 | ECDSA_SHA224 | ECDSA_SHA256 | ECDSA_SHA384 | ECDSA_SHA512 => {
            no_params(alg, false)?;
            let hash = match alg.oid {
                ECDSA_SHA1 if !opts.allow_sha1 => return Err(weak("ecdsa-with-SHA1")),
                ECDSA_SHA1 => Hash::Sha1,
                ECDSA_SHA224 => Hash::Sha224,
                ECDSA_SHA256 => Hash::Sha256,
                ECDSA_SHA384 => Hash::Sha384,
                _ => Hash::Sha512,
            };
            ecdsa_check(key, &hash.digest(msg), sig)
        }
        ED25519 => {
            no_params(alg, false)?;
            if key.algorithm.oid != ED25519 {
                return Err(mismatch(alg, key));
            }
            let bytes: &[u8; 32] = key
                .subject_public_key
                .as_bytes()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| err(Reason::BadPublicKey, "an Ed25519 key that is not 32 octets"))?;
            let vk = ed25519_dalek::VerifyingKey::from_bytes(bytes)
                .map_err(|_| err(Reason::BadPublicKey, "an Ed25519 key off the curve"))?;
            let s = ed25519_dalek::Signature::from_slice(sig).map_err(|_| bad())?;
            vk.verify_strict(msg, &s).map_err(|_| bad())
        }
        DSA_SHA1 | DSA_SHA224 | DSA_SHA256 => {
            if !opts.allow_dsa {
                return Err(err(
                    Reason::WeakSignatureAlgorithm,
                    "signed with DSA, which Go, Chromium and FIPS 186-5 no longer accept; \
                     refused unless DSA is allowed",
                ));
            }
            // RFC 3279 2.2.2: the parameters field is absent.
            no_params(alg, false)?;
            let hash = match alg.oid {
                DSA_SHA1 if !opts.allow_sha1 => return Err(weak("dsa-with-SHA1")),
                DSA_SHA1 => Hash::Sha1,
                DSA_SHA224 => Hash::Sha224,
                _ => Hash::Sha256,
            };
            dsa_check(key, inherited, hash.digest(msg), sig, opts)
        }
        oid => Err(err(
            Reason::SignatureAlgorithmUnsupported,
            format!("signature algorithm {oid} is not implemented in pki"),
        )),
    }
}

/// DSA (FIPS 186-4) with RustCrypto's `dsa`: p of 1024 (SHA-1 era), 2048 or 3072 bits, at
/// least [`Options::min_rsa_bits`] as for RSA.
fn dsa_check(
    key: &SubjectPublicKeyInfoOwned,
    inherited: Option<&der::Any>,
    digest: Vec<u8>,
    sig: &[u8],
    opts: &Options,
) -> Result<(), SigError> {
    if key.algorithm.oid != DSA {
        return Err(err(
            Reason::SignatureKeyMismatch,
            format!("a DSA signature from a {} key", key.algorithm.oid),
        ));
    }
    let params = key.algorithm.parameters.as_ref().or(inherited).ok_or_else(|| {
        err(
            Reason::BadPublicKey,
            "the issuer's DSA key has no parameters and none are inherited from a DSA key above it",
        )
    })?;
    let components = params
        .to_der()
        .ok()
        .and_then(|d| dsa::Components::from_der(&d).ok())
        .ok_or_else(|| {
            err(
                Reason::BadPublicKey,
                "the issuer's DSA parameters do not decode, or are not of a FIPS 186-4 size",
            )
        })?;
    let bits = components.p().bits_precision() as usize;
    if bits < opts.min_rsa_bits {
        return Err(err(
            Reason::WeakKey,
            format!(
                "the issuer's DSA key has {bits} bits, under {}",
                opts.min_rsa_bits
            ),
        ));
    }
    let y = der::asn1::UintRef::from_der(key.subject_public_key.raw_bytes())
        .map_err(|_| err(Reason::BadPublicKey, "the issuer's DSA key does not decode"))?;
    let vk = dsa::VerifyingKey::from_components(
        components,
        dsa::BoxedUint::from_be_slice_vartime(y.as_bytes()),
    )
    .map_err(|_| {
        err(
            Reason::BadPublicKey,
            "the issuer's DSA key is not in its group",
        )
    })?;
    let s = dsa::Signature::from_der(sig).map_err(|_| bad())?;
    vk.verify_prehash(&digest, &s).map_err(|_| bad())
}

fn bad() -> SigError {
    err(
        Reason::BadSignature,
        "the signature does not verify with the issuer's key",
    )
}

fn mismatch(alg: &AlgorithmIdentifierOwned, key: &SubjectPublicKeyInfoOwned) -> SigError {
    err(
        Reason::SignatureKeyMismatch,
        format!(
            "signature algorithm {} does not fit the issuer's {} key",
            alg.oid, key.algorithm.oid
        ),
    )
}

fn rsa_sig(sig: &[u8]) -> Result<rsa::pkcs1v15::Signature, SigError> {
    rsa::pkcs1v15::Signature::try_from(sig).map_err(|_| bad())
}

fn rsa_key(key: &SubjectPublicKeyInfoOwned, opts: &Options) -> Result<RsaPublicKey, SigError> {
    if key.algorithm.oid != RSA && key.algorithm.oid != RSA_PSS {
        return Err(err(
            Reason::SignatureKeyMismatch,
            format!("an RSA signature from a {} key", key.algorithm.oid),
        ));
    }
    let rsa = RsaPublicKey::from_pkcs1_der(key.subject_public_key.raw_bytes())
        .map_err(|_| err(Reason::BadPublicKey, "the issuer's RSA key does not decode"))?;
    let bits = rsa.size() * 8;
    if bits < opts.min_rsa_bits {
        return Err(err(
            Reason::WeakKey,
            format!(
                "the issuer's RSA key has {bits} bits, under {}",
                opts.min_rsa_bits
            ),
        ));
    }
    Ok(rsa)
}

/// RSASSA-PSS-params (RFC 4055 3.1): the hash, MGF1 with the same hash, the salt length.
fn pss_params(alg: &AlgorithmIdentifierOwned) -> Result<(Hash, usize), SigError> {
    let unsupported = |what: &str| {
        err(
            Reason::SignatureAlgorithmUnsupported,
            format!("RSASSA-PSS {what}"),
        )
    };
    let p = alg
        .parameters
        .as_ref()
        .ok_or_else(|| unsupported("without parameters"))?;
    let der = der::Encode::to_der(p).map_err(|_| unsupported("parameters do not encode"))?;
    let (hash_oid, mgf_oid, mgf_hash, salt) =
        pss_fields(&der).ok_or_else(|| unsupported("parameters do not decode"))?;
    let hash =
        Hash::from_oid(hash_oid).ok_or_else(|| unsupported(&format!("with hash {hash_oid}")))?;
    if mgf_oid != MGF1 || mgf_hash.and_then(Hash::from_oid) != Some(hash) {
        return Err(unsupported(
            "with a mask generation function other than MGF1 on the same hash",
        ));
    }
    Ok((hash, usize::from(salt)))
}

fn pss_fields(der: &[u8]) -> Option<(Oid, Oid, Option<Oid>, u8)> {
    let params = RsaPssParams::<der::Any>::from_der(der).ok()?;
    Some((
        params.hash.oid,
        params.mask_gen.oid,
        params.mask_gen.parameters.as_ref().map(|a| a.oid),
        params.salt_len,
    ))
}

fn ecdsa_check(
    key: &SubjectPublicKeyInfoOwned,
    prehash: &[u8],
    sig: &[u8],
) -> Result<(), SigError> {
    if key.algorithm.oid != EC {
        return Err(err(
            Reason::SignatureKeyMismatch,
            format!("an ECDSA signature from a {} key", key.algorithm.oid),
        ));
    }
    let curve = key
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<Oid>().ok())
        .ok_or_else(|| err(Reason::BadPublicKey, "an EC key without a named curve"))?;
    let point = key
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| err(Reason::BadPublicKey, "an EC key with unused bits"))?;
    let off_curve = || {
        err(
            Reason::BadPublicKey,
            "the issuer's EC point is not on its curve",
        )
    };
    match curve {
        P256 => {
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| off_curve())?;
            let s = p256::ecdsa::Signature::from_der(sig).map_err(|_| bad())?;
            vk.verify_prehash(prehash, &s).map_err(|_| bad())
        }
        P384 => {
            let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| off_curve())?;
            let s = p384::ecdsa::Signature::from_der(sig).map_err(|_| bad())?;
            vk.verify_prehash(prehash, &s).map_err(|_| bad())
        }
        other => Err(err(
            Reason::SignatureAlgorithmUnsupported,
            format!("ECDSA on curve {other} is not implemented in pki"),
        )),
    }
}
