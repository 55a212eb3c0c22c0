//! Why an openssl.conf, or an `-addext` value, could not be used ([`crate::conf`]).

use std::{fmt, path::PathBuf};

/// Why an openssl.conf (or an `-addext` value) could not be used, with file and line.
///
/// `line` 0 means no particular line (a missing section, an `-addext` value): `Display` then
/// prints `FILE: reason`, otherwise `FILE:LINE: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfError {
    pub file: PathBuf,
    pub line: usize,
    pub kind: ConfErrorKind,
}

impl fmt::Display for ConfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => write!(f, "{}: {}", self.file.display(), self.kind),
            n => write!(f, "{}:{n}: {}", self.file.display(), self.kind),
        }
    }
}

impl std::error::Error for ConfError {}

/// What is wrong in an openssl.conf.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfErrorKind {
    /// `[ name` without `]`, or a character not allowed in a section name.
    UnterminatedSection,
    /// A line that is neither a header, a comment nor `key = value`.
    MissingEquals,
    /// `$name` refers to nothing defined on an earlier line (nor in the environment for
    /// `ENV::`); `name` is as written, `sect::name` included.
    UndefinedVariable {
        name: String,
    },
    /// `${name` or `$(name` without its closing brace.
    UnclosedVariable {
        name: String,
    },
    /// Expansion would make a value, or the file, longer than `limit` bytes.
    ExpansionTooLarge {
        limit: usize,
    },
    /// `.include`, or `.pragma dollarid:on`.
    UnsupportedDirective {
        directive: String,
    },
    /// A `.pragma` that is not `keyword:value`.
    InvalidPragma {
        pragma: String,
    },
    /// An extension section or `@section` that the file does not have.
    MissingSection {
        name: String,
    },
    /// An `@section` with no entries.
    EmptySection {
        name: String,
    },
    /// An extension with an empty value or an empty item in its list (`a,,b`, `DNS:`).
    EmptyValue {
        name: String,
    },
    /// A `DER:` or `ASN1:` raw value.
    RawEncoding {
        name: String,
    },
    /// An extension pki does not make.
    UnknownExtension {
        name: String,
    },
    /// The same extension twice in one section.
    DuplicateExtension {
        name: String,
    },
    /// The same key twice in an `@section`.
    DuplicateKey {
        key: String,
    },
    /// A critical subjectKeyIdentifier or authorityKeyIdentifier (RFC 5280 forbids both).
    CriticalNotAllowed {
        name: String,
    },
    UnknownKeyUsage {
        value: String,
    },
    /// An `nsCertType` name OpenSSL does not know.
    UnknownNsCertType {
        value: String,
    },
    UnknownPurpose {
        value: String,
    },
    /// A malformed subjectAltName entry.
    BadSan {
        value: String,
        reason: &'static str,
    },
    /// A subjectAltName form pki does not make (otherName, dirName, RID, email:copy).
    UnsupportedSan {
        value: String,
    },
    BadBasicConstraints {
        value: String,
        reason: &'static str,
    },
    /// A value of crlDistributionPoints, authorityInfoAccess, certificatePolicies,
    /// nameConstraints, policyConstraints or issuerAltName that is wrong, or a form pki does
    /// not make.
    BadExtensionValue {
        name: String,
        value: String,
        reason: &'static str,
    },
    /// A key identifier form other than `hash`/`none` (SKI) or `keyid[:always][,issuer]`/`none`
    /// (AKI).
    UnsupportedKeyIdentifier {
        name: String,
        value: String,
    },
}

impl fmt::Display for ConfErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ConfErrorKind as K;
        match self {
            K::UnterminatedSection => f.write_str("section header without closing ']'"),
            K::MissingEquals => f.write_str("expected 'key = value', a [section] or a comment"),
            K::UndefinedVariable { name } => {
                write!(
                    f,
                    "variable {name:?} has no value (defined on no earlier line)"
                )
            }
            K::UnclosedVariable { name } => {
                write!(f, "variable reference {name:?} has no closing brace")
            }
            K::ExpansionTooLarge { limit } => {
                write!(f, "variable expansion exceeds {limit} bytes")
            }
            K::UnsupportedDirective { directive } => {
                write!(
                    f,
                    "unsupported directive {directive:?}: put everything in one file"
                )
            }
            K::InvalidPragma { pragma } => {
                write!(f, "invalid .pragma {pragma:?}: expected keyword:value")
            }
            K::MissingSection { name } => write!(f, "no section [{name}]"),
            K::EmptySection { name } => write!(f, "section [{name}] is empty"),
            K::EmptyValue { name } => write!(f, "{name} has an empty value or list item"),
            K::RawEncoding { name } => {
                write!(f, "{name}: raw DER: and ASN1: values are not supported")
            }
            K::UnknownExtension { name } => write!(
                f,
                "unknown or unsupported extension {name:?} (pki makes basicConstraints, \
                 keyUsage, extendedKeyUsage, subjectAltName, subjectKeyIdentifier, \
                 authorityKeyIdentifier, issuerAltName, crlDistributionPoints, \
                 authorityInfoAccess, certificatePolicies, nameConstraints, policyConstraints, \
                 nsCertType and nsComment)"
            ),
            K::DuplicateExtension { name } => write!(f, "{name} appears twice in the section"),
            K::DuplicateKey { key } => write!(f, "key {key:?} appears twice in the section"),
            K::CriticalNotAllowed { name } => {
                write!(f, "{name} must not be critical (RFC 5280)")
            }
            K::UnknownKeyUsage { value } => write!(f, "unknown keyUsage {value:?}"),
            K::UnknownNsCertType { value } => write!(
                f,
                "unknown nsCertType {value:?}: use client, server, email, objsign, reserved, \
                 sslCA, emailCA or objCA"
            ),
            K::UnknownPurpose { value } => write!(
                f,
                "unknown extendedKeyUsage purpose {value:?}: use a name such as serverAuth or \
                 a dotted OID"
            ),
            K::BadSan { value, reason } => write!(f, "bad subjectAltName {value:?}: {reason}"),
            K::UnsupportedSan { value } => write!(
                f,
                "unsupported subjectAltName {value:?}: pki makes DNS, IP, email and URI names"
            ),
            K::BadBasicConstraints { value, reason } => {
                write!(f, "bad basicConstraints {value:?}: {reason}")
            }
            K::BadExtensionValue {
                name,
                value,
                reason,
            } => write!(f, "bad {name} {value:?}: {reason}"),
            K::UnsupportedKeyIdentifier { name, value } if name == "subjectKeyIdentifier" => {
                write!(f, "unsupported {name} {value:?}: use hash or none")
            }
            K::UnsupportedKeyIdentifier { name, value } => write!(
                f,
                "unsupported {name} {value:?}: use keyid or keyid:always (optionally with \
                 issuer), or none"
            ),
        }
    }
}
