//! Why a `-subj` string was refused ([`crate::name::parse_subj`]).

use std::fmt;

/// Why a `-subj` string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameError {
    /// The string does not start with `/`.
    NoLeadingSlash,
    /// Two separators in a row (`//`, `/+`, `+/`), or a `+` at the very end.
    EmptyComponent,
    /// A component has no `=` before the next unescaped `/`, `+` or the end.
    MissingEquals { component: String },
    /// A component starts with `=`: there is no attribute type.
    EmptyAttributeType,
    /// The attribute type is neither a known name nor a dotted OID.
    UnknownAttribute { name: String },
    /// `TYPE=` with nothing after the `=`.
    EmptyValue { attribute: String },
    /// The string ends in a `\` that escapes nothing.
    TrailingBackslash,
    /// countryName is not exactly two characters.
    CountryNotTwoLetters { value: String },
    /// A value encoded as PrintableString has a character outside its set.
    NotPrintable { attribute: String, value: String },
    /// A value encoded as IA5String has a non-ASCII character.
    NotIa5 { attribute: String, value: String },
    /// A value is longer than OpenSSL allows for its attribute.
    TooLong {
        attribute: String,
        max: usize,
        len: usize,
    },
    /// The name could not be DER-encoded (too large).
    Encode { error: der::Error },
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::NoLeadingSlash => f.write_str("subject must start with '/', as in /CN=name"),
            NameError::EmptyComponent => f.write_str(
                "empty component in subject (two separators in a row, or '+' at the end)",
            ),
            NameError::MissingEquals { component } => {
                write!(
                    f,
                    "missing '=' after attribute type {component:?} in subject"
                )
            }
            NameError::EmptyAttributeType => {
                f.write_str("missing attribute type before '=' in subject")
            }
            NameError::UnknownAttribute { name } => {
                write!(f, "unknown subject attribute type {name:?}")
            }
            NameError::EmptyValue { attribute } => {
                write!(f, "no value given for subject attribute {attribute:?}")
            }
            NameError::TrailingBackslash => f.write_str("escape character '\\' at end of subject"),
            NameError::CountryNotTwoLetters { value } => {
                write!(f, "country name must be 2 characters, got {value:?}")
            }
            NameError::NotPrintable { attribute, value } => write!(
                f,
                "value {value:?} of {attribute} has characters not allowed in a PrintableString"
            ),
            NameError::NotIa5 { attribute, value } => write!(
                f,
                "value {value:?} of {attribute} has non-ASCII characters, not allowed in an IA5String"
            ),
            NameError::TooLong {
                attribute,
                max,
                len,
            } => write!(
                f,
                "value of {attribute} is {len} characters long, more than the maximum of {max}"
            ),
            NameError::Encode { .. } => f.write_str("cannot DER-encode the subject name"),
        }
    }
}

impl std::error::Error for NameError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NameError::Encode { error } => Some(error),
            _ => None,
        }
    }
}
