//! Passphrase-encrypted private keys, as OpenSSL 3 writes and reads them:
//!
//! - PKCS#8 `ENCRYPTED PRIVATE KEY` ([RFC 5958] section 3) with PBES2 ([RFC 8018]): PBKDF2 with
//!   HMAC-SHA256, 2048 iterations and an 8-byte salt, then AES-128/192/256-CBC or
//!   DES-EDE3-CBC, which is what `genrsa -aes256`, `pkey -aes256`, `req` (DES-EDE3-CBC unless
//!   told otherwise) and `rsa -aes128` write. Reading takes any PBES2 with PBKDF2 (HMAC-SHA1
//!   too, which older OpenSSL wrote) or scrypt, and these ciphers.
//! - The traditional form (`RSA PRIVATE KEY` with `Proc-Type: 4,ENCRYPTED` and `DEK-Info`,
//!   RFC 1421), which `rsa -traditional -aes128` writes and older tools made: the key is
//!   OpenSSL's `EVP_BytesToKey` with MD5, one round, the first 8 bytes of the IV as salt.
//!
//! The ciphers, hashes and key derivations are RustCrypto's (`pkcs5`, `aes`, `des`, `cbc`,
//! `md-5`); this module only arranges their parameters as OpenSSL does. Decrypted keys live in
//! [`Zeroizing`] buffers.
//!
//! [RFC 5958]: https://www.rfc-editor.org/rfc/rfc5958
//! [RFC 8018]: https://www.rfc-editor.org/rfc/rfc8018

use std::fmt;

use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use der::{Decode, Encode};
use md5::{Digest as _, Md5};
use pkcs5::pbes2;
use rand::TryRng;
use zeroize::Zeroizing;

use crate::{
    error::{Error, Result},
    pem,
};

/// PBKDF2 iterations OpenSSL 3 uses (`PKCS5_DEFAULT_ITER`).
pub const ITERATIONS: u32 = 2048;
/// PBKDF2 salt length OpenSSL 3 uses (`PKCS5_SALT_LEN`).
pub const SALT_LEN: usize = 8;

/// The ciphers pki encrypts keys with: OpenSSL's `-aes128`, `-aes192`, `-aes256` and `-des3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cipher {
    /// AES-128-CBC.
    Aes128Cbc,
    /// AES-192-CBC.
    Aes192Cbc,
    /// AES-256-CBC.
    Aes256Cbc,
    /// Three-key triple DES in CBC mode (`-des3`, `-des-ede3-cbc`).
    DesEde3Cbc,
}

impl Cipher {
    /// Every cipher, for option tables.
    pub const ALL: [Cipher; 4] = [
        Cipher::Aes128Cbc,
        Cipher::Aes192Cbc,
        Cipher::Aes256Cbc,
        Cipher::DesEde3Cbc,
    ];

    /// The cipher of an OpenSSL cipher option without its dash: `aes256`, `aes-256-cbc`,
    /// `des3`, `des-ede3-cbc` (case-insensitive, as OpenSSL's names are).
    pub fn from_name(name: &str) -> Option<Cipher> {
        match name.to_ascii_lowercase().as_str() {
            "aes128" | "aes-128-cbc" => Some(Cipher::Aes128Cbc),
            "aes192" | "aes-192-cbc" => Some(Cipher::Aes192Cbc),
            "aes256" | "aes-256-cbc" => Some(Cipher::Aes256Cbc),
            "des3" | "des-ede3-cbc" => Some(Cipher::DesEde3Cbc),
            _ => None,
        }
    }

    /// OpenSSL's long name, lowercase (`aes-256-cbc`).
    pub fn name(self) -> &'static str {
        match self {
            Cipher::Aes128Cbc => "aes-128-cbc",
            Cipher::Aes192Cbc => "aes-192-cbc",
            Cipher::Aes256Cbc => "aes-256-cbc",
            Cipher::DesEde3Cbc => "des-ede3-cbc",
        }
    }

    /// The name in a traditional key's `DEK-Info` header (`AES-256-CBC`).
    fn dek_name(self) -> &'static str {
        match self {
            Cipher::Aes128Cbc => "AES-128-CBC",
            Cipher::Aes192Cbc => "AES-192-CBC",
            Cipher::Aes256Cbc => "AES-256-CBC",
            Cipher::DesEde3Cbc => "DES-EDE3-CBC",
        }
    }

    fn from_dek_name(name: &str) -> Option<Cipher> {
        Cipher::ALL
            .into_iter()
            .find(|c| c.dek_name().eq_ignore_ascii_case(name))
    }

    /// The cipher's OID, as PBES2 names it.
    pub fn oid(self) -> der::oid::ObjectIdentifier {
        match self {
            Cipher::Aes128Cbc => pbes2::AES_128_CBC_OID,
            Cipher::Aes192Cbc => pbes2::AES_192_CBC_OID,
            Cipher::Aes256Cbc => pbes2::AES_256_CBC_OID,
            Cipher::DesEde3Cbc => pbes2::DES_EDE3_CBC_OID,
        }
    }

    /// Decrypts with a key and IV already derived (PKCS#12's own PBE).
    pub(crate) fn decrypt_raw(
        self,
        key: &[u8],
        iv: &[u8],
        data: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        self.decrypt(key, iv, data)
    }

    fn key_len(self) -> usize {
        match self {
            Cipher::Aes128Cbc => 16,
            Cipher::Aes192Cbc | Cipher::DesEde3Cbc => 24,
            Cipher::Aes256Cbc => 32,
        }
    }

    fn iv_len(self) -> usize {
        match self {
            Cipher::DesEde3Cbc => 8,
            _ => 16,
        }
    }

    fn encrypt(self, key: &[u8], iv: &[u8], plain: &[u8]) -> Result<Vec<u8>> {
        fn run<C: KeyIvInit + BlockModeEncrypt>(k: &[u8], iv: &[u8], p: &[u8]) -> Result<Vec<u8>> {
            let c = C::new_from_slices(k, iv).map_err(|_| Error::Decrypt)?;
            Ok(c.encrypt_padded_vec::<Pkcs7>(p))
        }
        match self {
            Cipher::Aes128Cbc => run::<cbc::Encryptor<aes::Aes128>>(key, iv, plain),
            Cipher::Aes192Cbc => run::<cbc::Encryptor<aes::Aes192>>(key, iv, plain),
            Cipher::Aes256Cbc => run::<cbc::Encryptor<aes::Aes256>>(key, iv, plain),
            Cipher::DesEde3Cbc => run::<cbc::Encryptor<des::TdesEde3>>(key, iv, plain),
        }
    }

    fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        fn run<C: KeyIvInit + BlockModeDecrypt>(
            k: &[u8],
            iv: &[u8],
            d: &[u8],
        ) -> Result<Zeroizing<Vec<u8>>> {
            let c = C::new_from_slices(k, iv).map_err(|_| Error::Decrypt)?;
            c.decrypt_padded_vec::<Pkcs7>(d)
                .map(Zeroizing::new)
                .map_err(|_| Error::Decrypt)
        }
        match self {
            Cipher::Aes128Cbc => run::<cbc::Decryptor<aes::Aes128>>(key, iv, data),
            Cipher::Aes192Cbc => run::<cbc::Decryptor<aes::Aes192>>(key, iv, data),
            Cipher::Aes256Cbc => run::<cbc::Decryptor<aes::Aes256>>(key, iv, data),
            Cipher::DesEde3Cbc => run::<cbc::Decryptor<des::TdesEde3>>(key, iv, data),
        }
    }
}

impl fmt::Display for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `EncryptedPrivateKeyInfo` (RFC 5958 section 3).
#[derive(der::Sequence)]
struct EncryptedPrivateKeyInfo {
    algorithm: pkcs5::EncryptionScheme,
    data: der::asn1::OctetString,
}

/// `N` bytes from the OS CSPRNG (salts and IVs).
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    random()
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    rand::rngs::SysRng
        .try_fill_bytes(&mut b)
        .map_err(|_| Error::Random)?;
    Ok(b)
}

/// PBKDF2's pseudo-random functions, by OpenSSL's names (`pkcs8 -v2prf`).
pub fn prf_from_name(name: &str) -> Option<pbes2::Pbkdf2Prf> {
    use pbes2::Pbkdf2Prf as P;
    match name.to_ascii_lowercase().as_str() {
        "hmacwithsha1" => Some(P::HmacWithSha1),
        "hmacwithsha224" => Some(P::HmacWithSha224),
        "hmacwithsha256" => Some(P::HmacWithSha256),
        "hmacwithsha384" => Some(P::HmacWithSha384),
        "hmacwithsha512" => Some(P::HmacWithSha512),
        _ => None,
    }
}

/// The PBES2 parameters OpenSSL 3 writes for `cipher`, with a fresh salt and IV:
/// PBKDF2-HMAC-SHA256, [`ITERATIONS`].
pub fn pbes2_params(cipher: Cipher) -> Result<pbes2::Parameters> {
    pbes2_params_with(cipher, ITERATIONS, pbes2::Pbkdf2Prf::HmacWithSha256)
}

/// [`pbes2_params`] with another iteration count or PRF (`pkcs8 -iter`, `-v2prf`).
pub fn pbes2_params_with(
    cipher: Cipher,
    iterations: u32,
    prf: pbes2::Pbkdf2Prf,
) -> Result<pbes2::Parameters> {
    let salt: [u8; SALT_LEN] = random()?;
    let mut kdf =
        pbes2::Pbkdf2Params::hmac_sha256(iterations, &salt).map_err(|_| Error::Refused {
            message: format!(
                "{iterations} PBKDF2 iterations is more than pki takes ({})",
                pbes2::Pbkdf2Params::MAX_ITERATION_COUNT
            ),
            usage: false,
        })?;
    kdf.prf = prf;
    let kdf = kdf.into();
    let encryption = match cipher {
        Cipher::Aes128Cbc => pbes2::EncryptionScheme::Aes128Cbc { iv: random()? },
        Cipher::Aes192Cbc => pbes2::EncryptionScheme::Aes192Cbc { iv: random()? },
        Cipher::Aes256Cbc => pbes2::EncryptionScheme::Aes256Cbc { iv: random()? },
        Cipher::DesEde3Cbc => pbes2::EncryptionScheme::DesEde3Cbc { iv: random()? },
    };
    Ok(pbes2::Parameters { kdf, encryption })
}

/// PBES2-encrypts `plain` under `passphrase` with `params`: the ciphertext, and the
/// AlgorithmIdentifier that says how (PKCS#8 and PKCS#12 both carry the pair).
pub fn pbes2_encrypt(
    params: pbes2::Parameters,
    passphrase: &[u8],
    plain: &[u8],
) -> Result<(pkcs5::EncryptionScheme, Vec<u8>)> {
    let scheme = pkcs5::EncryptionScheme::from(params);
    let data = scheme
        .encrypt(passphrase, plain)
        .map_err(|_| Error::Decrypt)?;
    Ok((scheme, data))
}

/// Decrypts what `scheme` encrypted under `passphrase`. A wrong passphrase is
/// [`Error::Decrypt`]; a scheme pki does not have is named.
pub fn decrypt(
    scheme: &pkcs5::EncryptionScheme,
    passphrase: &[u8],
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    if scheme.pbes2().is_none() {
        return Err(Error::EncryptionScheme { oid: scheme.oid() });
    }
    scheme
        .decrypt(passphrase, data)
        .map(Zeroizing::new)
        .map_err(|e| match e {
            pkcs5::Error::DecryptFailed => Error::Decrypt,
            _ => Error::EncryptionScheme { oid: scheme.oid() },
        })
}

/// PKCS#8 `EncryptedPrivateKeyInfo` DER of the unencrypted PKCS#8 DER `plain`, as OpenSSL 3
/// writes it with `cipher`.
pub fn encrypt_pkcs8(plain: &[u8], cipher: Cipher, passphrase: &[u8]) -> Result<Vec<u8>> {
    encrypt_pkcs8_with(plain, pbes2_params(cipher)?, passphrase)
}

/// [`encrypt_pkcs8`] with the given PBES2 parameters.
pub fn encrypt_pkcs8_with(
    plain: &[u8],
    params: pbes2::Parameters,
    passphrase: &[u8],
) -> Result<Vec<u8>> {
    let (algorithm, data) = pbes2_encrypt(params, passphrase, plain)?;
    let info = EncryptedPrivateKeyInfo {
        algorithm,
        data: der::asn1::OctetString::new(data).map_err(|e| Error::Der {
            what: "encrypted private key",
            source: e,
        })?,
    };
    info.to_der().map_err(|e| Error::Der {
        what: "encrypted private key",
        source: e,
    })
}

/// Whether `der` is an `EncryptedPrivateKeyInfo`.
pub fn is_encrypted_pkcs8(der: &[u8]) -> bool {
    EncryptedPrivateKeyInfo::from_der(der).is_ok()
}

/// The unencrypted PKCS#8 DER inside an `EncryptedPrivateKeyInfo`.
pub fn decrypt_pkcs8(der: &[u8], passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let info = EncryptedPrivateKeyInfo::from_der(der).map_err(|e| Error::Der {
        what: "encrypted private key",
        source: e,
    })?;
    decrypt(&info.algorithm, passphrase, info.data.as_bytes())
}

/// OpenSSL's `EVP_BytesToKey(cipher, MD5, salt, passphrase, 1)`: the key of a traditional
/// encrypted PEM block.
fn bytes_to_key(passphrase: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut prev: Option<Zeroizing<[u8; 16]>> = None;
    while key.len() < len {
        let mut h = Md5::new();
        if let Some(p) = &prev {
            h.update(p.as_slice());
        }
        h.update(passphrase);
        h.update(salt);
        let d = Zeroizing::new(<[u8; 16]>::from(h.finalize()));
        key.extend_from_slice(d.as_slice());
        prev = Some(d);
    }
    key.truncate(len);
    key
}

/// A traditional encrypted PEM key: `-----BEGIN RSA PRIVATE KEY-----` with
/// `Proc-Type: 4,ENCRYPTED` and `DEK-Info: CIPHER,IV` headers.
#[derive(Debug)]
pub struct Traditional {
    /// The PEM label (`RSA PRIVATE KEY`).
    pub label: String,
    cipher: Cipher,
    iv: Vec<u8>,
    data: Vec<u8>,
}

impl Traditional {
    /// The first traditional encrypted key block of `input`; `None` when there is none.
    /// A block that has the headers but is damaged, or names a cipher pki does not have, is
    /// an error.
    pub fn find(input: &[u8]) -> Option<Result<Traditional>> {
        let text = std::str::from_utf8(input).ok()?;
        let mut rest = text;
        while let Some(begin) = rest.find("-----BEGIN ") {
            let block = &rest[begin + 11..];
            let label_end = block.find("-----")?;
            let label = &block[..label_end];
            let end_marker = format!("-----END {label}-----");
            let after = &block[label_end + 5..];
            let end = after.find(&end_marker)?;
            let body = &after[..end];
            rest = &after[end..];
            if label.ends_with("PRIVATE KEY") && body.contains("Proc-Type: 4,ENCRYPTED") {
                return Some(Traditional::parse(label, body));
            }
        }
        None
    }

    fn parse(label: &str, body: &str) -> Result<Traditional> {
        let bad = |why: &str| Error::Traditional {
            why: why.to_owned(),
        };
        let mut lines = body.lines().map(str::trim).filter(|l| !l.is_empty());
        let mut dek = None;
        let mut base64 = String::new();
        for line in lines.by_ref() {
            if let Some(v) = line.strip_prefix("DEK-Info:") {
                dek = Some(v.trim().to_owned());
            } else if line.starts_with("Proc-Type:") {
            } else if line.contains(':') {
                return Err(bad(&format!("unknown header {line:?}")));
            } else {
                base64.push_str(line);
                break;
            }
        }
        for line in lines {
            base64.push_str(line);
        }
        let dek = dek.ok_or_else(|| bad("no DEK-Info header"))?;
        let (name, iv_hex) = dek
            .split_once(',')
            .ok_or_else(|| bad("DEK-Info is not CIPHER,IV"))?;
        let cipher = Cipher::from_dek_name(name.trim()).ok_or_else(|| {
            bad(&format!(
                "the cipher {name} is not one pki has (AES-128/192/256-CBC, DES-EDE3-CBC)"
            ))
        })?;
        let iv = hex(iv_hex.trim()).ok_or_else(|| bad("the DEK-Info IV is not hexadecimal"))?;
        if iv.len() != cipher.iv_len() {
            return Err(bad("the DEK-Info IV has the wrong length for its cipher"));
        }
        use base64ct::{Base64, Encoding};
        let data = Base64::decode_vec(&base64).map_err(|_| bad("the body is not base64"))?;
        Ok(Traditional {
            label: label.to_owned(),
            cipher,
            iv,
            data,
        })
    }

    /// The unencrypted DER (PKCS#1 for `RSA PRIVATE KEY`).
    pub fn decrypt(&self, passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let key = bytes_to_key(passphrase, &self.iv[..8], self.cipher.key_len());
        self.cipher.decrypt(&key, &self.iv, &self.data)
    }

    /// The traditional encrypted PEM of `der` under `label`, as OpenSSL's
    /// `PEM_write_bio_PrivateKey_traditional` writes it.
    pub fn encrypt(label: &str, der: &[u8], cipher: Cipher, passphrase: &[u8]) -> Result<String> {
        let iv: Vec<u8> = match cipher {
            Cipher::DesEde3Cbc => random::<8>()?.to_vec(),
            _ => random::<16>()?.to_vec(),
        };
        let key = bytes_to_key(passphrase, &iv[..8], cipher.key_len());
        let data = cipher.encrypt(&key, &iv, der)?;
        let armoured = pem::encode(label, &data);
        let iv_hex: String = iv.iter().map(|b| format!("{b:02X}")).collect();
        let headers = format!(
            "Proc-Type: 4,ENCRYPTED\nDEK-Info: {},{iv_hex}\n\n",
            cipher.dek_name()
        );
        let split = armoured.find('\n').map_or(0, |i| i + 1);
        Ok(format!(
            "{}{headers}{}",
            &armoured[..split],
            &armoured[split..]
        ))
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests;
