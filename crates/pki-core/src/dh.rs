//! Diffie-Hellman parameters as `openssl dhparam` makes and reads them: PKCS#3
//! `DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER }` (`DH PARAMETERS` PEM), a safe
//! prime p (q = (p-1)/2 prime too) with generator 2, p ≡ 23 (mod 24) as OpenSSL's
//! `dh_builtin_genparams` requires for g = 2, so that 2 generates the subgroup of order q.
//!
//! The prime search and the primality tests are RustCrypto's `crypto-primes` (Baillie-PSW on
//! `crypto-bigint`); nothing here is bignum arithmetic of ours beyond a residue of the
//! big-endian bytes.

use crypto_bigint::BoxedUint;
use crypto_primes::{Flavor, is_prime, random_prime};
use der::{Decode, Encode, asn1::UintRef};

use crate::error::{Error, Result};

/// The PEM label.
pub const LABEL: &str = "DH PARAMETERS";

/// Sizes `dhparam` makes: OpenSSL's lower limit is 512; pki makes 2048 and up.
pub const MIN_BITS: u32 = 2048;
/// The largest size pki makes (a 8192-bit safe prime is hours of work).
pub const MAX_BITS: u32 = 8192;

/// PKCS#3 DHParameter.
#[derive(der::Sequence)]
struct DhParameter<'a> {
    prime: UintRef<'a>,
    base: UintRef<'a>,
}

/// DH parameters: the prime and the generator, big-endian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// p, big-endian without leading zeros.
    pub p: Vec<u8>,
    /// g, big-endian without leading zeros.
    pub g: Vec<u8>,
}

/// `n mod m` of a big-endian number, for a small m.
fn residue(be: &[u8], m: u32) -> u32 {
    be.iter().fold(0u32, |r, b| (r * 256 + u32::from(*b)) % m)
}

impl Params {
    /// New parameters with a `bits`-bit safe prime and generator 2, from the OS CSPRNG.
    pub fn generate(bits: u32) -> Result<Params> {
        if !(MIN_BITS..=MAX_BITS).contains(&bits) {
            return Err(Error::Refused {
                message: format!(
                    "DH parameters of {bits} bits are not made by pki: {MIN_BITS} to {MAX_BITS}"
                ),
                usage: false,
            });
        }
        let mut rng = rand::rand_core::UnwrapErr(rand::rngs::SysRng);
        loop {
            let p: BoxedUint = random_prime(&mut rng, Flavor::Safe, bits);
            let be = p.to_be_bytes();
            let first = be.iter().position(|b| *b != 0).unwrap_or(be.len());
            let be = be[first..].to_vec();
            if residue(&be, 24) == 23 {
                return Ok(Params { p: be, g: vec![2] });
            }
        }
    }

    /// The size of p in bits.
    pub fn bits(&self) -> usize {
        match self.p.first() {
            None => 0,
            Some(b) => self.p.len() * 8 - b.leading_zeros() as usize,
        }
    }

    /// PKCS#3 DER.
    pub fn to_der(&self) -> Result<Vec<u8>> {
        let enc = |e| Error::Encode {
            what: "DH parameters",
            source: e,
        };
        DhParameter {
            prime: UintRef::new(&self.p).map_err(enc)?,
            base: UintRef::new(&self.g).map_err(enc)?,
        }
        .to_der()
        .map_err(enc)
    }

    /// Reads PKCS#3 DER (a trailing privateValueLength is refused: OpenSSL does not write it).
    pub fn from_der(der: &[u8]) -> Result<Params> {
        let d = DhParameter::from_der(der).map_err(|e| Error::Der {
            what: "DH parameters",
            source: e,
        })?;
        Ok(Params {
            p: d.prime.as_bytes().to_vec(),
            g: d.base.as_bytes().to_vec(),
        })
    }

    /// OpenSSL's `DH_check` as `dhparam -check` reports it: the problems found, none when the
    /// parameters are sound. p must be a safe prime; g = 2 must generate the order-q subgroup
    /// (p ≡ 7 mod 8), g = 5 likewise (p ≡ ±1 mod 5). Other generators are not judged: the
    /// answer says so rather than passing them.
    pub fn check(&self) -> Vec<&'static str> {
        let mut problems = Vec::new();
        let p = BoxedUint::from_be_slice_vartime(&self.p);
        if self.bits() < 512 {
            problems.push("modulus too small");
        }
        if !is_prime(Flavor::Any, &p) {
            // The generator means nothing without a prime (OpenSSL stops here too).
            problems.push("p value is not prime");
            return problems;
        } else if !is_prime(Flavor::Safe, &p) {
            problems.push("p value is not a safe prime");
        }
        match self.g.as_slice() {
            [2] if residue(&self.p, 8) != 7 => problems.push("the g value is not a generator"),
            [5] if !matches!(residue(&self.p, 5), 1 | 4) => {
                problems.push("the g value is not a generator")
            }
            [2] | [5] => {}
            _ => problems.push("a generator other than 2 or 5, which pki does not judge"),
        }
        problems
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test.
mod tests {
    use super::*;

    #[test]
    fn checks_name_what_is_wrong() {
        // RFC 3526's 2048-bit MODP group: a safe prime, p ≡ 23 mod 24, g = 2.
        let p = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";
        let p: Vec<u8> = (0..p.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&p[i..i + 2], 16).unwrap())
            .collect();
        let good = Params {
            p: p.clone(),
            g: vec![2],
        };
        assert_eq!(good.bits(), 2048);
        assert!(good.check().is_empty(), "{:?}", good.check());
        let der = good.to_der().unwrap();
        assert_eq!(Params::from_der(&der).unwrap(), good);
        let mut composite = p.clone();
        *composite.last_mut().unwrap() = 0xFD;
        assert!(
            Params {
                p: composite,
                g: vec![2]
            }
            .check()
            .contains(&"p value is not prime")
        );
        assert_eq!(
            Params { p, g: vec![3] }.check(),
            ["a generator other than 2 or 5, which pki does not judge"]
        );
    }
}
