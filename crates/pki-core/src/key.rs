//! RSA private and public keys: generation from the OS CSPRNG, PKCS#8 / PKCS#1 / SPKI in PEM or
//! DER, and sha256WithRSAEncryption signatures.
//!
//! Private key material lives in `rsa::PrivateKey`, which zeroizes itself on drop; encoded
//! forms are returned in [`Zeroizing`] buffers. Nothing here logs or prints key material.

use std::fmt;

use der::{Decode, Encode, oid::ObjectIdentifier};
use rsa::{
    pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey},
    pkcs1v15::{Signature, SigningKey, VerifyingKey},
    pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey},
    signature::{SignatureEncoding, Signer, Verifier},
    traits::PublicKeyParts,
};
use sha2::{Sha256, Sha384, Sha512};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use zeroize::Zeroizing;

use crate::{
    error::{Error, Result},
    pbe, pem,
};

/// rsaEncryption (PKCS#1).
pub const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// sha256WithRSAEncryption.
pub const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
/// sha384WithRSAEncryption.
pub const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
/// sha512WithRSAEncryption.
pub const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");

/// RSA modulus sizes pki generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyBits(usize);

impl KeyBits {
    /// The default, as `openssl genrsa`: 2048 bits.
    pub const DEFAULT: KeyBits = KeyBits(2048);

    /// 2048, 3072 or 4096.
    pub fn new(bits: usize) -> Result<KeyBits> {
        match bits {
            2048 | 3072 | 4096 => Ok(KeyBits(bits)),
            _ => Err(Error::KeyBits { bits }),
        }
    }

    /// The size in bits.
    pub fn get(self) -> usize {
        self.0
    }
}

impl Default for KeyBits {
    fn default() -> Self {
        KeyBits::DEFAULT
    }
}

/// An RSA private key.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKey {
    inner: rsa::PrivateKey,
}

impl fmt::Debug for PrivateKey {
    /// Shows the size only: private keys are never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey(RSA-{})", self.bits())
    }
}

impl PrivateKey {
    /// Generates a key with e = 65537 from the operating system's CSPRNG.
    pub fn generate(bits: KeyBits) -> Result<PrivateKey> {
        let inner = rsa::PrivateKey::new(&mut rand::rngs::SysRng, bits.get())?;
        Ok(PrivateKey { inner })
    }

    /// Reads a key: PEM `PRIVATE KEY` (PKCS#8) or `RSA PRIVATE KEY` (PKCS#1), or the same in
    /// DER. Encrypted keys are refused with [`Error::EncryptedKey`].
    pub fn decode(input: &[u8]) -> Result<PrivateKey> {
        PrivateKey::decode_with(input, &mut || Err(Error::EncryptedKey))
    }

    /// The key of a traditional encrypted PEM block (`Proc-Type: 4,ENCRYPTED`), found by
    /// [`pbe::Traditional::find`]: an RSA key, decrypted with `passphrase`.
    pub fn from_traditional(
        t: &pbe::Traditional,
        passphrase: &mut dyn FnMut() -> Result<Zeroizing<Vec<u8>>>,
    ) -> Result<PrivateKey> {
        if t.label != pem::RSA_PRIVATE_KEY {
            return Err(Error::PemLabel {
                expected: pem::RSA_PRIVATE_KEY,
                found: t.label.clone(),
            });
        }
        let der = t.decrypt(&passphrase()?)?;
        PrivateKey::from_pkcs1_der(&der).map_err(|_| Error::Decrypt)
    }

    /// [`PrivateKey::decode`], and encrypted keys too: PKCS#8 `ENCRYPTED PRIVATE KEY` (PEM or
    /// DER) and the traditional `Proc-Type: 4,ENCRYPTED` form ([`pbe`]). `passphrase` is asked
    /// only when the key is encrypted.
    pub fn decode_with(
        input: &[u8],
        passphrase: &mut dyn FnMut() -> Result<Zeroizing<Vec<u8>>>,
    ) -> Result<PrivateKey> {
        if let Some(t) = pbe::Traditional::find(input) {
            return PrivateKey::from_traditional(&t?, passphrase);
        }
        let (label, der) = pem::decode_one(
            input,
            &[
                pem::PRIVATE_KEY,
                pem::RSA_PRIVATE_KEY,
                pem::ENCRYPTED_PRIVATE_KEY,
            ],
        )?;
        let der = Zeroizing::new(der);
        let encrypted = match label.as_deref() {
            Some(l) => l == pem::ENCRYPTED_PRIVATE_KEY,
            None => pbe::is_encrypted_pkcs8(&der),
        };
        if encrypted {
            let plain = pbe::decrypt_pkcs8(&der, &passphrase()?)?;
            // A wrong passphrase that happens to leave valid padding gives garbage.
            return PrivateKey::from_pkcs8_der(&plain).map_err(|e| match e {
                Error::KeyAlgorithm { .. } => e,
                _ => Error::Decrypt,
            });
        }
        match label.as_deref() {
            Some(pem::PRIVATE_KEY) => PrivateKey::from_pkcs8_der(&der),
            Some(_) => PrivateKey::from_pkcs1_der(&der),
            // DER: PKCS#8 first (what we and OpenSSL 3 write), then PKCS#1.
            None => PrivateKey::from_pkcs8_der(&der)
                .or_else(|e8| PrivateKey::from_pkcs1_der(&der).map_err(|_| e8)),
        }
    }

    fn from_pkcs8_der(der: &[u8]) -> Result<PrivateKey> {
        let info = rsa::pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| {
            if pbe::is_encrypted_pkcs8(der) {
                Error::EncryptedKey
            } else {
                Error::Der {
                    what: "PKCS#8 private key",
                    source: e,
                }
            }
        })?;
        if info.algorithm.oid != RSA_ENCRYPTION {
            return Err(Error::KeyAlgorithm {
                oid: info.algorithm.oid,
            });
        }
        let inner = rsa::PrivateKey::from_pkcs8_der(der).map_err(|e| match e {
            rsa::pkcs8::Error::Asn1(source) => Error::Der {
                what: "PKCS#8 private key",
                source,
            },
            _ => Error::Rsa(rsa::Error::Internal),
        })?;
        Ok(PrivateKey { inner })
    }

    fn from_pkcs1_der(der: &[u8]) -> Result<PrivateKey> {
        let inner = rsa::PrivateKey::from_pkcs1_der(der).map_err(|e| match e {
            rsa::pkcs1::Error::Asn1(source) => Error::Der {
                what: "PKCS#1 private key",
                source,
            },
            _ => Error::Rsa(rsa::Error::Internal),
        })?;
        Ok(PrivateKey { inner })
    }

    /// Unencrypted PKCS#8 DER.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        let doc = self
            .inner
            .to_pkcs8_der()
            .map_err(|_| Error::Rsa(rsa::Error::Internal))?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// Unencrypted PKCS#8 PEM (`PRIVATE KEY`), as `openssl genrsa` writes in OpenSSL 3.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>> {
        let der = self.to_pkcs8_der()?;
        Ok(Zeroizing::new(pem::encode(pem::PRIVATE_KEY, &der)))
    }

    /// PKCS#8 `ENCRYPTED PRIVATE KEY` PEM under `passphrase`, as OpenSSL 3 writes with
    /// `-aes256` and the like ([`pbe::encrypt_pkcs8`]).
    pub fn to_encrypted_pem(&self, cipher: pbe::Cipher, passphrase: &[u8]) -> Result<String> {
        let der = pbe::encrypt_pkcs8(&self.to_pkcs8_der()?, cipher, passphrase)?;
        Ok(pem::encode(pem::ENCRYPTED_PRIVATE_KEY, &der))
    }

    /// Traditional encrypted `RSA PRIVATE KEY` PEM (`Proc-Type: 4,ENCRYPTED`), what
    /// `openssl rsa -traditional -aes128` writes.
    pub fn to_traditional_encrypted_pem(
        &self,
        cipher: pbe::Cipher,
        passphrase: &[u8],
    ) -> Result<String> {
        pbe::Traditional::encrypt(
            pem::RSA_PRIVATE_KEY,
            &self.to_pkcs1_der()?,
            cipher,
            passphrase,
        )
    }

    /// Unencrypted PKCS#1 DER (`RSA PRIVATE KEY`), what `openssl rsa -traditional` writes.
    pub fn to_pkcs1_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        let doc = self
            .inner
            .to_pkcs1_der()
            .map_err(|_| Error::Rsa(rsa::Error::Internal))?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.inner.n().bit_width() as usize
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            inner: self.inner.to_public_key(),
        }
    }

    /// The public key as a SubjectPublicKeyInfo.
    pub fn public_key_info(&self) -> Result<SubjectPublicKeyInfoOwned> {
        self.public_key().to_spki()
    }

    /// Whether this key is the private half of `spki`.
    pub fn matches(&self, spki: &SubjectPublicKeyInfoOwned) -> bool {
        self.public_key_info().is_ok_and(|mine| &mine == spki)
    }

    /// The AlgorithmIdentifier of the signatures [`PrivateKey::sign`] makes:
    /// sha256WithRSAEncryption with NULL parameters (RFC 4055 section 5).
    pub fn signature_algorithm() -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: SHA256_WITH_RSA,
            parameters: Some(der::asn1::Null.into()),
        }
    }

    /// Signs `msg` with RSASSA-PKCS1-v1_5 and SHA-256.
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        self.sign_with(Digest::Sha256, msg)
    }

    /// Signs `msg` with RSASSA-PKCS1-v1_5 and `digest`.
    pub fn sign_with(&self, digest: Digest, msg: &[u8]) -> Vec<u8> {
        let key = self.inner.clone();
        match digest {
            Digest::Sha256 => SigningKey::<Sha256>::new(key).sign(msg).to_vec(),
            Digest::Sha384 => SigningKey::<Sha384>::new(key).sign(msg).to_vec(),
            Digest::Sha512 => SigningKey::<Sha512>::new(key).sign(msg).to_vec(),
        }
    }
}

/// The digest of a signature pki makes (`-sha256`, `-sha384`, `-sha512`, `default_md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Digest {
    #[default]
    Sha256,
    Sha384,
    Sha512,
}

impl Digest {
    /// OpenSSL's name (`sha384`), case-insensitive, or `None` for a digest pki does not sign
    /// with.
    pub fn from_name(name: &str) -> Option<Digest> {
        match name.to_ascii_lowercase().as_str() {
            "sha256" | "sha-256" => Some(Digest::Sha256),
            "sha384" | "sha-384" => Some(Digest::Sha384),
            "sha512" | "sha-512" => Some(Digest::Sha512),
            _ => None,
        }
    }

    /// sha256WithRSAEncryption and its siblings, with NULL parameters as OpenSSL writes them.
    pub fn rsa_algorithm(self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: match self {
                Digest::Sha256 => SHA256_WITH_RSA,
                Digest::Sha384 => SHA384_WITH_RSA,
                Digest::Sha512 => SHA512_WITH_RSA,
            },
            parameters: Some(der::asn1::Null.into()),
        }
    }
}

/// An RSA public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    inner: rsa::PublicKey,
}

impl PublicKey {
    /// Reads a public key: PEM `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1), or SPKI DER.
    pub fn decode(input: &[u8]) -> Result<PublicKey> {
        let (label, der) = pem::decode_one(input, &[pem::PUBLIC_KEY, pem::RSA_PUBLIC_KEY])?;
        if label.as_deref() == Some(pem::RSA_PUBLIC_KEY) {
            let inner = rsa::PublicKey::from_pkcs1_der(&der).map_err(|e| match e {
                rsa::pkcs1::Error::Asn1(source) => Error::Der {
                    what: "PKCS#1 public key",
                    source,
                },
                _ => Error::Rsa(rsa::Error::Internal),
            })?;
            return Ok(PublicKey { inner });
        }
        let spki = SubjectPublicKeyInfoOwned::from_der(&der).map_err(Error::der("public key"))?;
        PublicKey::from_spki(&spki)
    }

    /// The RSA key in a SubjectPublicKeyInfo.
    pub fn from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<PublicKey> {
        if spki.algorithm.oid != RSA_ENCRYPTION {
            return Err(Error::KeyAlgorithm {
                oid: spki.algorithm.oid,
            });
        }
        let der = spki.to_der().map_err(Error::encode("public key"))?;
        let inner = rsa::PublicKey::from_public_key_der(&der).map_err(|e| match e {
            spki::Error::Asn1(source) => Error::Der {
                what: "RSA public key",
                source,
            },
            _ => Error::Rsa(rsa::Error::InvalidModulus),
        })?;
        Ok(PublicKey { inner })
    }

    /// As a SubjectPublicKeyInfo (rsaEncryption, NULL parameters).
    pub fn to_spki(&self) -> Result<SubjectPublicKeyInfoOwned> {
        let doc = self.inner.to_public_key_der().map_err(|e| match e {
            spki::Error::Asn1(source) => Error::Encode {
                what: "public key",
                source,
            },
            _ => Error::Rsa(rsa::Error::Internal),
        })?;
        SubjectPublicKeyInfoOwned::from_der(doc.as_bytes()).map_err(Error::der("public key"))
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.inner.n().bit_width() as usize
    }

    /// The public exponent as big-endian bytes.
    pub fn exponent(&self) -> Vec<u8> {
        self.inner.e_bytes().into_vec()
    }

    /// The modulus as big-endian bytes.
    pub fn modulus(&self) -> Vec<u8> {
        self.inner.n_bytes().into_vec()
    }

    /// Verifies an RSASSA-PKCS1-v1_5 signature made with the algorithm `alg`
    /// (sha256/384/512WithRSAEncryption). `what` names the signed object in errors.
    pub fn verify(
        &self,
        alg: &AlgorithmIdentifierOwned,
        msg: &[u8],
        sig: &[u8],
        what: &'static str,
    ) -> Result<()> {
        let bad = || Error::BadSignature { what };
        let sig = Signature::try_from(sig).map_err(|_| bad())?;
        let key = self.inner.clone();
        let ok = match alg.oid {
            SHA256_WITH_RSA => VerifyingKey::<Sha256>::new(key).verify(msg, &sig).is_ok(),
            SHA384_WITH_RSA => VerifyingKey::<Sha384>::new(key).verify(msg, &sig).is_ok(),
            SHA512_WITH_RSA => VerifyingKey::<Sha512>::new(key).verify(msg, &sig).is_ok(),
            oid => return Err(Error::SignatureAlgorithm { oid }),
        };
        if ok { Ok(()) } else { Err(bad()) }
    }
}
