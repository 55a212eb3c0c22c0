//! The one error type of pki-core.
//!
//! Variants carry structured data; `Display` says what went wrong in one lowercase phrase and
//! leaves wrapped causes to [`std::error::Error::source`], so a caller can print the chain
//! `a: b: c` without repeating itself.

use std::{
    fmt, io,
    net::{IpAddr, SocketAddr},
    path::PathBuf,
};

use der::oid::ObjectIdentifier;

mod conf;
mod name;

pub use conf::{ConfError, ConfErrorKind};
pub use name::NameError;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a failed I/O call was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IoOp {
    Read,
    Write,
    Create,
    CreateDir,
    Remove,
    Sync,
    Link,
}

impl fmt::Display for IoOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IoOp::Read => "cannot read",
            IoOp::Write => "cannot write",
            IoOp::Create => "cannot create",
            IoOp::CreateDir => "cannot create folder",
            IoOp::Remove => "cannot remove",
            IoOp::Sync => "cannot sync",
            IoOp::Link => "cannot link into place",
        })
    }
}

/// Everything that can go wrong in pki-core.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// An I/O call failed on `path`.
    Io {
        op: IoOp,
        path: PathBuf,
        source: io::Error,
    },
    /// An output already exists and is never overwritten.
    Exists { path: PathBuf },
    /// Something inside the file at `path` is wrong (the cause says what).
    InFile { path: PathBuf, source: Box<Error> },
    /// The input has no PEM block and is not DER either (DER objects start with a SEQUENCE).
    NotPemOrDer { first: u8 },
    /// Something in the `index`th PEM block (from 1), labelled `label`, is wrong.
    InBlock {
        index: usize,
        label: String,
        source: Box<Error>,
    },
    /// The input is not PEM, or its PEM armour is broken.
    Pem(pem_rfc7468::Error),
    /// A PEM block has a label other than the ones expected here.
    PemLabel {
        expected: &'static str,
        found: String,
    },
    /// The input holds no object at all.
    Empty,
    /// DER decoding of `what` failed (the cause says where).
    Der {
        what: &'static str,
        source: der::Error,
    },
    /// Encoding failed (an internal limit was exceeded).
    Encode {
        what: &'static str,
        source: der::Error,
    },
    /// The RSA implementation refused a key or an operation.
    Rsa(rsa::Error),
    /// A key size we do not generate.
    KeyBits { bits: usize },
    /// A key algorithm other than RSA where RSA is needed.
    KeyAlgorithm { oid: ObjectIdentifier },
    /// An encrypted private key; pki reads only unencrypted keys.
    EncryptedKey,
    /// The private key does not belong to the certificate or CSR.
    KeyMismatch { what: &'static str },
    /// A signature does not verify.
    BadSignature { what: &'static str },
    /// A signature algorithm we cannot check.
    SignatureAlgorithm { oid: ObjectIdentifier },
    /// A distinguished name could not be parsed or encoded.
    Name(NameError),
    /// An openssl.conf file could not be used.
    Conf(ConfError),
    /// A subjectAltName value is malformed.
    San { value: String, reason: &'static str },
    /// An extension could not be decoded into its typed form.
    Extension {
        oid: ObjectIdentifier,
        source: der::Error,
    },
    /// The validity period cannot be represented.
    Validity { days: u32 },
    /// A serial number file does not hold a serial.
    SerialFile { reason: &'static str },
    /// A serial number is not usable (zero, negative, too long).
    Serial { reason: &'static str },
    /// A node given to `pki init` is malformed.
    Node { spec: String, reason: &'static str },
    /// A node name that the set (its openssl.conf) does not have.
    UnknownNode {
        name: String,
        conf: PathBuf,
        known: Vec<String>,
    },
    /// An openssl.conf whose subjectAltName is not a node list as `pki init` writes it.
    NodeList { reason: &'static str },
    /// A certificate whose subjectAltName lacks a node's name or address.
    NodeNotInCert { node: String, address: IpAddr },
    /// Two listeners of an etcd configuration on one address and port.
    PortClash {
        endpoint: SocketAddr,
        first: String,
        second: String,
    },
    /// A path that is not UTF-8, where text is written.
    NotUtf8Path { path: PathBuf },
    /// A PEM block other than a private key with RFC 1421 headers (`Proc-Type`, `DEK-Info`).
    PemHeaders { label: String },
    /// What an OpenSSL command line asks for and pki refuses, in OpenSSL's terms; `usage`
    /// when it is a command-line mistake (OpenSSL then says `Use -help for summary.`).
    Refused { message: String, usage: bool },
    /// Decryption failed: the wrong passphrase, or a damaged encrypted key.
    Decrypt,
    /// An encryption scheme pki does not decrypt (PBES1, PKCS#12's PBE, an unknown cipher).
    EncryptionScheme { oid: ObjectIdentifier },
    /// A traditional encrypted PEM key (`Proc-Type: 4,ENCRYPTED`) that cannot be read.
    Traditional { why: String },
    /// A passphrase cannot be had: `-passin`/`-passout` names a source that is not there.
    Passphrase { why: String },
    /// The operating system's random number generator failed.
    Random,
    /// A PKCS#12 file's MAC does not verify: the wrong password, or a damaged file.
    Pkcs12Mac,
    /// An existing file that `pki init --strict` would skip no longer fits the plan.
    Stale {
        /// An [`init::Mismatch`](crate::init::Mismatch).
        mismatch: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { op, path, .. } => write!(f, "{op} {}", path.display()),
            Error::Exists { path } => {
                write!(
                    f,
                    "{} already exists and is never overwritten",
                    path.display()
                )
            }
            Error::InFile { path, .. } => write!(f, "{}", path.display()),
            Error::InBlock { index, label, .. } => write!(f, "PEM block {index} ({label})"),
            Error::NotPemOrDer { first } => write!(
                f,
                "neither PEM (no -----BEGIN line) nor DER (first byte 0x{first:02x}, not a SEQUENCE)"
            ),
            Error::Pem(_) => f.write_str("invalid PEM"),
            Error::PemLabel { expected, found } => {
                write!(f, "wrong PEM label: expected {expected}, found {found:?}")
            }
            Error::Empty => f.write_str("no PEM block or DER object found"),
            Error::Der { what, .. } => write!(f, "malformed {what}"),
            Error::Encode { what, .. } => write!(f, "cannot encode {what}"),
            Error::Rsa(_) => f.write_str("RSA error"),
            Error::KeyBits { bits } => {
                write!(f, "unsupported RSA key size {bits}: use 2048, 3072 or 4096")
            }
            Error::KeyAlgorithm { oid } => {
                write!(
                    f,
                    "key algorithm {oid} is not RSA (rsaEncryption, 1.2.840.113549.1.1.1)"
                )
            }
            Error::EncryptedKey => {
                f.write_str("encrypted private keys are not supported: decrypt it first")
            }
            Error::Decrypt => {
                f.write_str("bad decrypt: wrong passphrase, or a damaged encrypted key")
            }
            Error::EncryptionScheme { oid } => write!(
                f,
                "encrypted with {} ({oid}), which pki does not decrypt (it reads PBES2 with \
                 PBKDF2 or scrypt, AES-CBC or DES-EDE3-CBC, and pbeWithSHA1And3-KeyTripleDES-CBC)",
                scheme_name(oid)
            ),
            Error::Traditional { why } => write!(f, "bad traditional encrypted key: {why}"),
            Error::Passphrase { why } => write!(f, "cannot get a passphrase: {why}"),
            Error::Random => f.write_str("the operating system's random number generator failed"),
            Error::Pkcs12Mac => f.write_str("Mac verify error: invalid password?"),
            Error::KeyMismatch { what } => write!(f, "the private key does not match the {what}"),
            Error::BadSignature { what } => write!(f, "the {what} signature does not verify"),
            Error::SignatureAlgorithm { oid } => {
                write!(f, "unsupported signature algorithm {oid}")
            }
            Error::Name(_) => f.write_str("invalid name"),
            Error::Conf(_) => f.write_str("invalid configuration"),
            Error::San { value, reason } => write!(f, "bad subjectAltName {value:?}: {reason}"),
            Error::Extension { oid, .. } => write!(f, "malformed extension {oid}"),
            Error::Validity { days } => {
                write!(
                    f,
                    "a validity of {days} days cannot be represented (after year 9999)"
                )
            }
            Error::SerialFile { reason } => write!(f, "bad serial file: {reason}"),
            Error::Serial { reason } => write!(f, "bad serial number: {reason}"),
            Error::Node { spec, reason } => write!(f, "bad node {spec:?}: {reason}"),
            Error::UnknownNode { name, conf, known } => write!(
                f,
                "unknown node {name:?}: {} lists {}",
                conf.display(),
                known.join(", ")
            ),
            Error::NodeList { reason } => {
                write!(f, "not a node list as pki init writes it: {reason}")
            }
            Error::NodeNotInCert { node, address } => write!(
                f,
                "the subjectAltName does not name node {node} ({address}): \
                 openssl.conf was changed after the certificate was made"
            ),
            Error::PortClash {
                endpoint,
                first,
                second,
            } => write!(f, "{endpoint} is both {first} and {second}"),
            Error::NotUtf8Path { path } => {
                write!(f, "the path {} is not UTF-8", path.display())
            }
            Error::Stale { mismatch } => write!(f, "{mismatch}"),
            Error::Refused { message, .. } => f.write_str(message),
            Error::PemHeaders { label } => write!(
                f,
                "the {label} PEM block has RFC 1421 headers (Proc-Type/DEK-Info): an \
                 encrypted or signed PEM message, which pki does not read"
            ),
        }
    }
}

/// OpenSSL's name of an encryption scheme pki does not decrypt.
fn scheme_name(oid: &ObjectIdentifier) -> &'static str {
    match oid.to_string().as_str() {
        "1.2.840.113549.1.12.1.1" => "pbeWithSHA1And128BitRC4",
        "1.2.840.113549.1.12.1.2" => "pbeWithSHA1And40BitRC4",
        "1.2.840.113549.1.12.1.4" => "pbeWithSHA1And2-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.5" => "pbeWithSHA1And128BitRC2-CBC",
        "1.2.840.113549.1.12.1.6" => "pbeWithSHA1And40BitRC2-CBC",
        "1.2.840.113549.1.5.3" => "pbeWithMD5AndDES-CBC",
        "1.2.840.113549.1.5.10" => "pbeWithSHA1AndDES-CBC",
        _ => "an unknown scheme",
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::InFile { source, .. } | Error::InBlock { source, .. } => Some(source.as_ref()),
            Error::Pem(source) => Some(source),
            Error::Der { source, .. }
            | Error::Encode { source, .. }
            | Error::Extension { source, .. } => Some(source),
            Error::Rsa(source) => Some(source),
            Error::Name(source) => Some(source),
            Error::Conf(source) => Some(source),
            Error::Stale { mismatch } => std::error::Error::source(mismatch.as_ref()),
            _ => None,
        }
    }
}

impl From<NameError> for Error {
    fn from(e: NameError) -> Self {
        Error::Name(e)
    }
}

impl From<ConfError> for Error {
    fn from(e: ConfError) -> Self {
        Error::Conf(e)
    }
}

impl From<rsa::Error> for Error {
    fn from(e: rsa::Error) -> Self {
        Error::Rsa(e)
    }
}

impl Error {
    /// Wraps `self` with the path of the file it concerns.
    pub fn in_file(self, path: impl Into<PathBuf>) -> Error {
        Error::InFile {
            path: path.into(),
            source: Box::new(self),
        }
    }

    /// A refusal of what an OpenSSL command line asks for ([`Error::Refused`]).
    pub fn refused(message: impl Into<String>) -> Error {
        Error::Refused {
            message: message.into(),
            usage: false,
        }
    }

    /// A command-line mistake, in OpenSSL's terms ([`Error::Refused`] with `usage`).
    pub fn usage(message: impl Into<String>) -> Error {
        Error::Refused {
            message: message.into(),
            usage: true,
        }
    }

    /// Shorthand for a DER decoding error while reading `what`.
    pub(crate) fn der(what: &'static str) -> impl FnOnce(der::Error) -> Error {
        move |source| Error::Der { what, source }
    }

    /// Shorthand for an encoding error while writing `what`.
    pub(crate) fn encode(what: &'static str) -> impl FnOnce(der::Error) -> Error {
        move |source| Error::Encode { what, source }
    }

    /// Iterates over this error and its causes, outermost first.
    pub fn chain(&self) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
        let mut next: Option<&(dyn std::error::Error + 'static)> = Some(self);
        std::iter::from_fn(move || {
            let cur = next?;
            next = cur.source();
            Some(cur)
        })
    }
}
