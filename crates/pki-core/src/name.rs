//! Distinguished names: OpenSSL's `-subj` syntax in, OpenSSL's and RFC 4514's text out.
//!
//! (Interface placeholder: being written.)

use std::fmt;

use x509_cert::name::Name;

/// Why a `-subj` string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameError {
    /// The string does not start with `/`.
    NoLeadingSlash,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::NoLeadingSlash => f.write_str("name must start with '/'"),
        }
    }
}

impl std::error::Error for NameError {}

/// Parses OpenSSL's `-subj` syntax (`/C=CN/O=Example/CN=x`).
pub fn parse_subj(_s: &str) -> Result<Name, NameError> {
    Err(NameError::NoLeadingSlash)
}

/// OpenSSL's one-line form: `C = CN, O = Example, CN = x`.
pub fn to_openssl_string(name: &Name) -> String {
    name.to_string()
}
