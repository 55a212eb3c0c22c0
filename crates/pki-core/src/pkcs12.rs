//! PKCS#12 ([RFC 7292]) files as OpenSSL 3 writes and reads them (`openssl pkcs12`).
//!
//! Written ([`export`]) as OpenSSL 3.0's defaults: the certificates in an `encryptedData`
//! safe and the key in a `pkcs8ShroudedKeyBag`, both PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC,
//! 2048 iterations, [`crate::pbe`]); the leaf certificate and the key carry `friendlyName`
//! (`-name`) and `localKeyID` (the SHA-1 of the certificate); an HMAC-SHA256 MAC with a key
//! from RFC 7292's KDF, 2048 iterations, an 8-byte salt.
//!
//! Read ([`parse`]): the MAC checked first (HMAC with SHA-1, SHA-256, SHA-384 or SHA-512),
//! then `data` and `encryptedData` safes with PBES2 or the legacy
//! `pbeWithSHAAnd3-KeyTripleDES-CBC` that older OpenSSL and Java write; key bags, shrouded key
//! bags and X.509 certificate bags. Anything else (RC2, RC4, public-key privacy mode, CRL and
//! secret bags) is refused by name, never skipped.
//!
//! [RFC 7292]: https://www.rfc-editor.org/rfc/rfc7292

use cms::{
    content_info::{CmsVersion, ContentInfo},
    encrypted_data::EncryptedData,
    enveloped_data::EncryptedContentInfo,
};
use der::{
    Any, Decode, Encode,
    asn1::{BmpString, ObjectIdentifier, OctetString, SetOfVec},
    oid::db::rfc5911::{ID_DATA, ID_ENCRYPTED_DATA},
};
use hmac::{KeyInit, Mac};
use pkcs12::{
    CertBag, DigestInfo, MacData, PKCS_12_CERT_BAG_OID, PKCS_12_KEY_BAG_OID,
    PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC, PKCS_12_PKCS8_KEY_BAG_OID, PKCS_12_X509_CERT_OID,
    SafeBag,
    kdf::{Pkcs12KeyType, derive_key_bmp},
    pbe_params::Pkcs12PbeParams,
    pfx::{Pfx, Version},
};
use sha1::{Digest as _, Sha1};
use sha2::{Sha256, Sha384, Sha512};
use spki::AlgorithmIdentifierOwned;
use x509_cert::{Certificate, attr::Attribute};
use zeroize::Zeroizing;

use crate::{
    error::{Error, Result},
    key::PrivateKey,
    pbe,
};

/// friendlyName (PKCS#9).
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
/// localKeyID (PKCS#9).
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// OpenSSL 3's iteration count for the PBES2 and MAC key derivations.
pub const ITERATIONS: u32 = 2048;

fn der_err(what: &'static str) -> impl Fn(der::Error) -> Error {
    move |source| Error::Der { what, source }
}

fn enc_err(what: &'static str) -> impl Fn(der::Error) -> Error {
    move |source| Error::Encode { what, source }
}

/// A bag's attributes, as OpenSSL prints them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes {
    /// `friendlyName`.
    pub friendly_name: Option<String>,
    /// `localKeyID`.
    pub local_key_id: Option<Vec<u8>>,
}

impl Attributes {
    fn to_set(&self) -> Result<Option<SetOfVec<Attribute>>> {
        let mut attrs = Vec::new();
        if let Some(name) = &self.friendly_name {
            let bmp = BmpString::from_utf8(name).map_err(enc_err("friendlyName"))?;
            attrs.push(attribute(FRIENDLY_NAME, Any::encode_from(&bmp))?);
        }
        if let Some(id) = &self.local_key_id {
            let os = OctetString::new(id.clone()).map_err(enc_err("localKeyID"))?;
            attrs.push(attribute(LOCAL_KEY_ID, Any::encode_from(&os))?);
        }
        if attrs.is_empty() {
            return Ok(None);
        }
        Ok(Some(
            SetOfVec::try_from(attrs).map_err(enc_err("bag attributes"))?,
        ))
    }

    fn from_set(set: Option<&SetOfVec<Attribute>>) -> Result<Attributes> {
        let mut a = Attributes::default();
        for attr in set.map(|s| s.iter()).into_iter().flatten() {
            let Some(value) = attr.values.iter().next() else {
                continue;
            };
            if attr.oid == FRIENDLY_NAME {
                let bmp: BmpString = value.decode_as().map_err(der_err("friendlyName"))?;
                a.friendly_name = Some(bmp.to_string());
            } else if attr.oid == LOCAL_KEY_ID {
                let os: OctetString = value.decode_as().map_err(der_err("localKeyID"))?;
                a.local_key_id = Some(os.as_bytes().to_vec());
            }
        }
        Ok(a)
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.friendly_name.is_none() && self.local_key_id.is_none()
    }
}

fn attribute(oid: ObjectIdentifier, value: der::Result<Any>) -> Result<Attribute> {
    let value = value.map_err(enc_err("bag attribute"))?;
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value]).map_err(enc_err("bag attribute"))?,
    })
}

/// What `pkcs12 -export` puts in the file.
#[derive(Debug)]
pub struct Export<'a> {
    /// The private key (`None` with `-nokeys`).
    pub key: Option<&'a PrivateKey>,
    /// The certificate of the key, first, with the attributes.
    pub leaf: Option<&'a Certificate>,
    /// The other certificates (`-certfile`, the rest of `-in`), without attributes.
    pub others: &'a [Certificate],
    /// `-name`.
    pub name: Option<&'a str>,
    /// PBES2 and MAC iterations (`-iter`).
    pub iterations: u32,
}

/// The PKCS#12 password as RFC 7292 appendix B.1 takes it: UTF-8 to BMPString, with the
/// two-byte terminator added by the KDF.
fn bmp_password(passphrase: &[u8]) -> Result<BmpString> {
    let text = std::str::from_utf8(passphrase).map_err(|_| Error::Passphrase {
        why: "a PKCS#12 password must be UTF-8 text".into(),
    })?;
    BmpString::from_utf8(text).map_err(|_| Error::Passphrase {
        why: "a PKCS#12 password must be characters of the Basic Multilingual Plane".into(),
    })
}

fn octets(der: Vec<u8>, what: &'static str) -> Result<Any> {
    Any::encode_from(&OctetString::new(der).map_err(enc_err(what))?).map_err(enc_err(what))
}

/// A PKCS#12 file (DER) as `openssl pkcs12 -export` writes it.
pub fn export(e: &Export<'_>, passphrase: &[u8]) -> Result<Vec<u8>> {
    let password = bmp_password(passphrase)?;
    let local_key_id = e.leaf.map(|c| {
        c.to_der()
            .map(|d| Sha1::digest(&d).to_vec())
            .map_err(enc_err("certificate"))
    });
    let local_key_id = local_key_id.transpose()?;
    let leaf_attrs = Attributes {
        friendly_name: e.name.map(str::to_owned),
        local_key_id: e.key.and(local_key_id.clone()),
    };
    let mut safes = Vec::new();
    let certs: Vec<(&Certificate, Attributes)> = e
        .leaf
        .map(|c| (c, leaf_attrs.clone()))
        .into_iter()
        .chain(e.others.iter().map(|c| (c, Attributes::default())))
        .collect();
    if !certs.is_empty() {
        let mut bags = Vec::new();
        for (c, attrs) in certs {
            let der = c.to_der().map_err(enc_err("certificate"))?;
            let bag = CertBag {
                cert_id: PKCS_12_X509_CERT_OID,
                cert_value: OctetString::new(der).map_err(enc_err("certificate bag"))?,
            };
            bags.push(SafeBag {
                bag_id: PKCS_12_CERT_BAG_OID,
                bag_value: bag.to_der().map_err(enc_err("certificate bag"))?,
                bag_attributes: attrs.to_set()?,
            });
        }
        let plain = bags.to_der().map_err(enc_err("safe contents"))?;
        let params = pbe::pbes2_params_with(
            pbe::Cipher::Aes256Cbc,
            e.iterations,
            pkcs5::pbes2::Pbkdf2Prf::HmacWithSha256,
        )?;
        let (scheme, data) = pbe::pbes2_encrypt(params, passphrase, &plain)?;
        let alg: AlgorithmIdentifierOwned = AlgorithmIdentifierOwned::from_der(
            &scheme.to_der().map_err(enc_err("encryption algorithm"))?,
        )
        .map_err(der_err("encryption algorithm"))?;
        let enc = EncryptedData {
            version: CmsVersion::V0,
            enc_content_info: EncryptedContentInfo {
                content_type: ID_DATA,
                content_enc_alg: alg,
                encrypted_content: Some(OctetString::new(data).map_err(enc_err("safe"))?),
            },
            unprotected_attrs: None,
        };
        safes.push(ContentInfo {
            content_type: ID_ENCRYPTED_DATA,
            content: Any::encode_from(&enc).map_err(enc_err("encrypted safe"))?,
        });
    }
    if let Some(key) = e.key {
        let epki = pbe::encrypt_pkcs8_with(
            &key.to_pkcs8_der()?,
            pbe::pbes2_params_with(
                pbe::Cipher::Aes256Cbc,
                e.iterations,
                pkcs5::pbes2::Pbkdf2Prf::HmacWithSha256,
            )?,
            passphrase,
        )?;
        let bag = SafeBag {
            bag_id: PKCS_12_PKCS8_KEY_BAG_OID,
            bag_value: epki,
            bag_attributes: leaf_attrs.to_set()?,
        };
        let contents = vec![bag].to_der().map_err(enc_err("safe contents"))?;
        safes.push(ContentInfo {
            content_type: ID_DATA,
            content: octets(contents, "safe")?,
        });
    }
    let auth_safe = safes.to_der().map_err(enc_err("authenticated safe"))?;
    let salt: [u8; pbe::SALT_LEN] = crate::pbe::random_bytes()?;
    let iterations = i32::try_from(e.iterations).map_err(|_| Error::Refused {
        message: format!("{} iterations is too many", e.iterations),
        usage: false,
    })?;
    let mac = mac_of(SHA256, &password, &salt, iterations, &auth_safe)?;
    let pfx = Pfx {
        version: Version::V3,
        auth_safe: ContentInfo {
            content_type: ID_DATA,
            content: octets(auth_safe, "authenticated safe")?,
        },
        mac_data: Some(MacData {
            mac: DigestInfo {
                algorithm: AlgorithmIdentifierOwned {
                    oid: SHA256,
                    parameters: Some(Any::from(der::asn1::Null)),
                },
                digest: OctetString::new(mac).map_err(enc_err("MAC"))?,
            },
            mac_salt: OctetString::new(salt.to_vec()).map_err(enc_err("MAC"))?,
            iterations,
        }),
    };
    pfx.to_der().map_err(enc_err("PKCS#12"))
}

/// The MAC of `data`: HMAC with `digest`, keyed by RFC 7292's KDF (ID 3).
fn mac_of(
    digest: ObjectIdentifier,
    password: &BmpString,
    salt: &[u8],
    iterations: i32,
    data: &[u8],
) -> Result<Vec<u8>> {
    macro_rules! hmac_with {
        ($d:ty) => {{
            let len = <$d as sha2::digest::OutputSizeUser>::output_size();
            let key = Zeroizing::new(derive_key_bmp::<$d>(
                password.clone(),
                salt,
                Pkcs12KeyType::Mac,
                iterations,
                len,
            ));
            let mut m = <hmac::Hmac<$d> as KeyInit>::new_from_slice(&key)
                .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }};
    }
    Ok(match digest {
        SHA1 => hmac_with!(Sha1),
        SHA256 => hmac_with!(Sha256),
        SHA384 => hmac_with!(Sha384),
        SHA512 => hmac_with!(Sha512),
        oid => return Err(Error::EncryptionScheme { oid }),
    })
}

/// One certificate of a PKCS#12 file.
#[derive(Debug, Clone)]
pub struct CertEntry {
    /// The certificate.
    pub cert: Certificate,
    /// Its bag's attributes.
    pub attributes: Attributes,
}

/// One private key of a PKCS#12 file.
#[derive(Debug)]
pub struct KeyEntry {
    /// The key.
    pub key: PrivateKey,
    /// Its bag's attributes.
    pub attributes: Attributes,
    /// Whether it was a shrouded (encrypted) bag.
    pub shrouded: bool,
}

/// What is in a PKCS#12 file, in file order, and how it was protected (`-info`).
#[derive(Debug, Default)]
pub struct Contents {
    /// The certificates.
    pub certs: Vec<CertEntry>,
    /// The keys.
    pub keys: Vec<KeyEntry>,
    /// OpenSSL's `-info` lines: `MAC: sha256, Iteration 2048`, the safes and bags.
    pub info: Vec<String>,
    /// Each item in file order: `true` for a key, `false` for a certificate, with its index.
    pub order: Vec<(bool, usize)>,
}

fn digest_name(oid: ObjectIdentifier) -> String {
    match oid {
        SHA1 => "sha1".into(),
        SHA256 => "sha256".into(),
        SHA384 => "sha384".into(),
        SHA512 => "sha512".into(),
        o => o.to_string(),
    }
}

/// OpenSSL's words for an encryption AlgorithmIdentifier in `-info`.
fn scheme_info(alg: &AlgorithmIdentifierOwned) -> String {
    let Ok(der) = alg.to_der() else {
        return alg.oid.to_string();
    };
    if alg.oid == PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC {
        let iter = alg
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<Pkcs12PbeParams>().ok())
            .map(|p| p.iterations)
            .unwrap_or(1);
        return format!("pbeWithSHA1And3-KeyTripleDES-CBC, Iteration {iter}");
    }
    match pkcs5::EncryptionScheme::from_der(&der) {
        Ok(pkcs5::EncryptionScheme::Pbes2(p)) => {
            let cipher = p.encryption.oid();
            let cipher = [
                pbe::Cipher::Aes128Cbc,
                pbe::Cipher::Aes192Cbc,
                pbe::Cipher::Aes256Cbc,
                pbe::Cipher::DesEde3Cbc,
            ]
            .into_iter()
            .find(|c| c.oid() == cipher)
            .map_or(cipher.to_string(), |c| c.name().to_ascii_uppercase());
            match p.kdf.pbkdf2() {
                Some(k) => format!(
                    "PBES2, PBKDF2, {cipher}, Iteration {}, PRF {}",
                    k.iteration_count,
                    prf_name(k.prf)
                ),
                None => format!("PBES2, scrypt, {cipher}"),
            }
        }
        _ => alg.oid.to_string(),
    }
}

fn prf_name(prf: pkcs5::pbes2::Pbkdf2Prf) -> &'static str {
    use pkcs5::pbes2::Pbkdf2Prf as P;
    match prf {
        P::HmacWithSha1 => "hmacWithSHA1",
        P::HmacWithSha224 => "hmacWithSHA224",
        P::HmacWithSha256 => "hmacWithSHA256",
        P::HmacWithSha384 => "hmacWithSHA384",
        P::HmacWithSha512 => "hmacWithSHA512",
        _ => "unknown",
    }
}

/// Decrypts what `alg` encrypted: PBES2, or the legacy PKCS#12 3DES scheme.
fn decrypt(
    alg: &AlgorithmIdentifierOwned,
    passphrase: &[u8],
    password: &BmpString,
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    if alg.oid == PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC {
        let params: Pkcs12PbeParams = alg
            .parameters
            .as_ref()
            .ok_or(Error::EncryptionScheme { oid: alg.oid })?
            .decode_as()
            .map_err(der_err("PKCS#12 PBE parameters"))?;
        let salt = params.salt.as_bytes();
        let key = Zeroizing::new(derive_key_bmp::<Sha1>(
            password.clone(),
            salt,
            Pkcs12KeyType::EncryptionKey,
            params.iterations,
            24,
        ));
        let iv = derive_key_bmp::<Sha1>(
            password.clone(),
            salt,
            Pkcs12KeyType::Iv,
            params.iterations,
            8,
        );
        return pbe::Cipher::DesEde3Cbc.decrypt_raw(&key, &iv, data);
    }
    let der = alg.to_der().map_err(enc_err("encryption algorithm"))?;
    let scheme = pkcs5::EncryptionScheme::from_der(&der)
        .map_err(|_| Error::EncryptionScheme { oid: alg.oid })?;
    pbe::decrypt(&scheme, passphrase, data)
}

/// A bag's value without its `[0] EXPLICIT` wrapper: pkcs12 0.2.0-pre.0 decodes `bagValue`
/// with the wrapper (and encodes it without), so a bag read is unwrapped here.
fn bag_inner(tlv: &[u8]) -> Result<Vec<u8>> {
    let wrapped =
        der::asn1::ContextSpecific::<Any>::from_der(tlv).map_err(der_err("PKCS#12 bag"))?;
    if wrapped.tag_number != der::TagNumber(0) || wrapped.tag_mode != der::TagMode::Explicit {
        return Err(Error::Der {
            what: "PKCS#12 bag",
            source: der::Tag::ContextSpecific {
                constructed: true,
                number: wrapped.tag_number,
            }
            .unexpected_error(None)
            .into(),
        });
    }
    wrapped.value.to_der().map_err(enc_err("PKCS#12 bag"))
}

/// Reads a PKCS#12 file: the MAC checked with `passphrase`, every bag decrypted.
pub fn parse(der: &[u8], passphrase: &[u8]) -> Result<Contents> {
    let password = bmp_password(passphrase)?;
    let pfx = Pfx::from_der(der).map_err(der_err("PKCS#12 file"))?;
    if pfx.auth_safe.content_type != ID_DATA {
        return Err(Error::EncryptionScheme {
            oid: pfx.auth_safe.content_type,
        });
    }
    let auth_safe: OctetString = pfx
        .auth_safe
        .content
        .decode_as()
        .map_err(der_err("PKCS#12 authenticated safe"))?;
    let auth_safe = auth_safe.as_bytes();
    let mut out = Contents::default();
    match &pfx.mac_data {
        Some(mac) => {
            let want = mac_of(
                mac.mac.algorithm.oid,
                &password,
                mac.mac_salt.as_bytes(),
                mac.iterations,
                auth_safe,
            )?;
            out.info.push(format!(
                "MAC: {}, Iteration {}",
                digest_name(mac.mac.algorithm.oid),
                mac.iterations
            ));
            out.info.push(format!(
                "MAC length: {}, salt length: {}",
                mac.mac.digest.as_bytes().len(),
                mac.mac_salt.as_bytes().len()
            ));
            if want.as_slice() != mac.mac.digest.as_bytes() {
                return Err(Error::Pkcs12Mac);
            }
        }
        None => out
            .info
            .push("MAC: none (the file is not integrity-protected)".into()),
    }
    let safes = Vec::<ContentInfo>::from_der(auth_safe).map_err(der_err("PKCS#12 safes"))?;
    for safe in safes {
        let contents: Zeroizing<Vec<u8>> = if safe.content_type == ID_DATA {
            out.info.push("PKCS7 Data".into());
            let os: OctetString = safe.content.decode_as().map_err(der_err("PKCS#12 safe"))?;
            Zeroizing::new(os.as_bytes().to_vec())
        } else if safe.content_type == ID_ENCRYPTED_DATA {
            let enc: EncryptedData = safe
                .content
                .decode_as()
                .map_err(der_err("PKCS#12 encrypted safe"))?;
            let info = &enc.enc_content_info;
            out.info.push(format!(
                "PKCS7 Encrypted data: {}",
                scheme_info(&info.content_enc_alg)
            ));
            let data = info
                .encrypted_content
                .as_ref()
                .map(|o| o.as_bytes())
                .unwrap_or_default();
            decrypt(&info.content_enc_alg, passphrase, &password, data)?
        } else {
            return Err(Error::Refused {
                message: format!(
                    "a PKCS#12 safe of type {} (public-key privacy mode) is not read by pki",
                    safe.content_type
                ),
                usage: false,
            });
        };
        let bags = Vec::<SafeBag>::from_der(&contents).map_err(der_err("PKCS#12 bags"))?;
        for mut bag in bags {
            bag.bag_value = bag_inner(&bag.bag_value)?;
            let attributes = Attributes::from_set(bag.bag_attributes.as_ref())?;
            match bag.bag_id {
                PKCS_12_CERT_BAG_OID => {
                    out.info.push("Certificate bag".into());
                    let cb =
                        CertBag::from_der(&bag.bag_value).map_err(der_err("certificate bag"))?;
                    if cb.cert_id != PKCS_12_X509_CERT_OID {
                        return Err(Error::Refused {
                            message: format!(
                                "a certificate bag of type {} is not read by pki (X.509 only)",
                                cb.cert_id
                            ),
                            usage: false,
                        });
                    }
                    let cert = Certificate::from_der(cb.cert_value.as_bytes())
                        .map_err(der_err("certificate"))?;
                    out.order.push((false, out.certs.len()));
                    out.certs.push(CertEntry { cert, attributes });
                }
                PKCS_12_PKCS8_KEY_BAG_OID => {
                    let epki =
                        pkcs12::pbe_params::EncryptedPrivateKeyInfo::from_der(&bag.bag_value)
                            .map_err(der_err("shrouded key bag"))?;
                    out.info.push(format!(
                        "Shrouded Keybag: {}",
                        scheme_info(&epki.encryption_algorithm)
                    ));
                    let plain = decrypt(
                        &epki.encryption_algorithm,
                        passphrase,
                        &password,
                        epki.encrypted_data.as_bytes(),
                    )?;
                    let key = PrivateKey::decode(&plain).map_err(|e| match e {
                        Error::KeyAlgorithm { .. } => e,
                        _ => Error::Decrypt,
                    })?;
                    out.order.push((true, out.keys.len()));
                    out.keys.push(KeyEntry {
                        key,
                        attributes,
                        shrouded: true,
                    });
                }
                PKCS_12_KEY_BAG_OID => {
                    out.info.push("Key bag".into());
                    let key = PrivateKey::decode(&Zeroizing::new(bag.bag_value.clone()))?;
                    out.order.push((true, out.keys.len()));
                    out.keys.push(KeyEntry {
                        key,
                        attributes,
                        shrouded: false,
                    });
                }
                oid => {
                    return Err(Error::Refused {
                        message: format!(
                            "a PKCS#12 bag of type {oid} (CRL, secret or nested bags) is not \
                             read by pki"
                        ),
                        usage: false,
                    });
                }
            }
        }
    }
    Ok(out)
}
