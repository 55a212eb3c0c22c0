//! The rules of OpenSSL 3.0's commands that `pki openssl` reproduces, kept here so that the
//! drop-in in pki-cli is only its command line: which certificate or key of a bundle a
//! command reads, how `-set_serial` is written, where `req` takes a subject and extensions
//! from, how `x509 -req` merges the extensions it copies with those it is given, and
//! `X509_check_purpose` ([`purpose`]).
//!
//! Each function says which part of OpenSSL (apps/ or crypto/) it follows. What OpenSSL would
//! do and pki does not is an [`Error::Refused`], never silently something else.

pub mod pass;
pub mod purpose;
pub mod req;
pub mod sign;

use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::{
    Error, Result, cert,
    conf::Conf,
    key::{PrivateKey, PublicKey},
    pem, serial,
};

/// The module settings of a `-config` file (`openssl_conf = SECTION`, crypto/conf/conf_mod.c),
/// which pki, having no modules, has nothing to load for: accepted when they only activate
/// OpenSSL's `default` and `base` providers or configure TLS (`ssl_conf`), as Debian's
/// openssl.cnf does; engines, other providers (`legacy`, `fips`, ...), algorithm properties
/// and random-generator settings would change what OpenSSL does, and are refused by name.
pub fn refuse_modules(c: &Conf) -> Result<()> {
    let file = c.file().display();
    let Some(init) = c.get("default", "openssl_conf") else {
        return Ok(());
    };
    for e in c.section(init).unwrap_or_default() {
        match e.key.as_str() {
            "ssl_conf" | "oid_section" => {}
            "providers" => {
                for p in c.section(&e.value).unwrap_or_default() {
                    if !matches!(p.key.as_str(), "default" | "base") {
                        return Err(Error::refused(format!(
                            "{file}: the provider {:?} ([{}]) is not supported by pki: it has \
                             OpenSSL's default algorithms only",
                            p.key, e.value
                        )));
                    }
                }
            }
            other => {
                return Err(Error::refused(format!(
                    "{file}: the module setting {other} ([{init}]) is not supported by pki"
                )));
            }
        }
    }
    Ok(())
}

/// The first certificate of a PEM input (`CERTIFICATE` or `TRUSTED CERTIFICATE`, as
/// `PEM_read_bio_X509_AUX` reads a bundle), or the DER certificate.
pub fn first_certificate(bytes: &[u8]) -> Result<Certificate> {
    if pem::is_pem(bytes) {
        let blocks = pem::decode_all(bytes)?;
        let block = blocks
            .iter()
            .find(|b| b.label == pem::CERTIFICATE || b.label == "TRUSTED CERTIFICATE")
            .ok_or_else(|| Error::PemLabel {
                expected: pem::CERTIFICATE,
                found: blocks[0].label.clone(),
            })?;
        return cert::decode(pem::encode(pem::CERTIFICATE, &block.der).as_bytes());
    }
    cert::decode(bytes)
}

/// The first PEM block with one of `labels`, alone; anything else as it is. OpenSSL reads the
/// first key of a file that also holds certificates (`x509 -pubkey` output, key bundles).
fn first_block(bytes: &[u8], labels: &[&str]) -> Zeroizing<Vec<u8>> {
    let found = pem::is_pem(bytes)
        .then(|| pem::decode_all(bytes).ok())
        .flatten()
        .and_then(|blocks| {
            blocks
                .into_iter()
                .find(|b| labels.contains(&b.label.as_str()))
                .map(|b| Zeroizing::new(pem::encode(&b.label, &Zeroizing::new(b.der)).into_bytes()))
        });
    found.unwrap_or_else(|| Zeroizing::new(bytes.to_vec()))
}

/// A private key, from the first private key block of a PEM input, or DER.
pub fn first_private_key(bytes: &[u8]) -> Result<PrivateKey> {
    first_private_key_with(bytes, &mut || Err(Error::EncryptedKey))
}

/// [`first_private_key`], decrypting an encrypted key with `passphrase` (asked only then).
pub fn first_private_key_with(
    bytes: &[u8],
    passphrase: &mut dyn FnMut() -> Result<Zeroizing<Vec<u8>>>,
) -> Result<PrivateKey> {
    // A traditional encrypted key's headers are not RFC 7468 PEM: it is found in the whole
    // input.
    if let Some(t) = crate::pbe::Traditional::find(bytes) {
        return PrivateKey::from_traditional(&t?, passphrase);
    }
    PrivateKey::decode_with(
        &first_block(
            bytes,
            &[
                pem::PRIVATE_KEY,
                pem::RSA_PRIVATE_KEY,
                pem::ENCRYPTED_PRIVATE_KEY,
            ],
        ),
        passphrase,
    )
}

/// A public key, from the first public key block of a PEM input, or DER.
pub fn first_public_key(bytes: &[u8]) -> Result<PublicKey> {
    PublicKey::decode(&first_block(bytes, &[pem::PUBLIC_KEY, pem::RSA_PUBLIC_KEY]))
}

/// `-set_serial`: decimal, or hexadecimal after `0x`, positive (apps/lib/apps.c `s2i_ASN1_INTEGER`
/// through `x509 -set_serial`); the serial's bytes, big-endian.
pub fn parse_set_serial(s: &str) -> Result<Vec<u8>> {
    let bad = || {
        Error::usage(format!(
            "Invalid -set_serial {s:?}: expected a positive decimal number or 0x and hex digits"
        ))
    };
    let hex = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => h.to_owned(),
        None => {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            decimal_to_hex(s)
        }
    };
    serial::parse_hex(&hex).map_err(|_| bad())
}

/// A decimal string as hex digits, for serials longer than 64 bits.
fn decimal_to_hex(s: &str) -> String {
    let mut bytes: Vec<u8> = vec![0];
    for d in s.bytes().map(|b| b - b'0') {
        let mut carry = u16::from(d);
        for b in bytes.iter_mut().rev() {
            let v = u16::from(*b) * 10 + carry;
            *b = (v & 0xff) as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            bytes.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_serial_forms() {
        assert_eq!(decimal_to_hex("255"), "FF");
        assert_eq!(decimal_to_hex("18446744073709551616"), "010000000000000000");
        assert_eq!(parse_set_serial("0x1F").expect("hex"), vec![0x1f]);
        assert_eq!(parse_set_serial("256").expect("decimal"), vec![1, 0]);
        for bad in ["", "-1", "12a", "0x"] {
            assert!(parse_set_serial(bad).is_err(), "{bad:?}");
        }
    }
}
