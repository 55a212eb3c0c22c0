//! The openssl.conf format (`man 5ssl config`) and the x509v3 extension sections in it
//! (`man 5ssl x509v3_config`), read the way OpenSSL 3.0 reads them.
//!
//! ```text
//! # comment                      key = value   # comment after a value
//! default_key = in the default section
//! [ v3_req ]                     keyUsage = critical, digitalSignature, keyEncipherment
//! subjectAltName = @alt_names    other = $var ${var} $sect::var ${ENV::HOME} "quoted # text" \$
//! ```
//!
//! Values are expanded while the file is read, from entries defined on earlier lines only (a
//! reference to a later or missing entry is an error, as in OpenSSL). Where this reader is
//! stricter than OpenSSL it says so in an error rather than guessing:
//!
//! - `.include` is refused (OpenSSL silently skips a missing include file);
//!   `.pragma dollarid:on` is refused, other pragmas are accepted and have no effect;
//! - the whole file may expand to at most [`MAX_TOTAL_EXPANSION`] bytes more than it holds;
//! - a key twice in an extension section or in an `@section` is an error (OpenSSL keeps the
//!   last one and drops the other silently);
//! - subjectAltName values are checked ([`crate::ext::San`]), basicConstraints `pathlen` must be 0..=255
//!   with `CA:TRUE`, SKI/AKI may not be critical, and only the key identifier forms that pki
//!   emits are accepted.
//!
//! An error's line is the first physical line of the logical line (OpenSSL reports the last one
//! of a `\`-continued line); line 0 means "no line" and is not printed.

use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
};

use crate::ext::ExtSpec;

mod parser;
mod pkix;
#[cfg(test)]
mod tests;
mod x509v3;

pub use crate::error::{ConfError, ConfErrorKind};
pub use x509v3::parse_extension;

const SKI: &str = "subjectKeyIdentifier";
const AKI: &str = "authorityKeyIdentifier";

/// The longest value variable expansion may produce (OpenSSL's `MAX_CONF_VALUE_LENGTH`).
pub const MAX_VALUE_LEN: usize = 65536;

/// How many bytes variable expansion may add over a whole file (not limited in OpenSSL): a
/// few short lines such as `b = $a$a$a$a` must not turn a small file into gigabytes.
pub const MAX_TOTAL_EXPANSION: usize = 4 << 20;

/// The file name [`parse_extension`] puts in errors about a value that came from no file.
pub const ADDEXT: &str = "-addext";

/// One `key = value` line, after unquoting and expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    /// The first physical line of the entry (1-based).
    pub line: usize,
}

#[derive(Debug, Clone)]
struct Section {
    name: String,
    entries: Vec<Entry>,
    /// Index into `entries` of the last entry with each key.
    last: HashMap<String, usize>,
}

/// A parsed openssl.conf: named sections of entries, in file order.
///
/// The section before any header is `default`; it always exists.
#[derive(Debug, Clone)]
pub struct Conf {
    file: PathBuf,
    sections: Vec<Section>,
    by_name: HashMap<String, usize>,
}

/// The extensions an extension section asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExtSection {
    /// In line order.
    pub specs: Vec<ExtSpec>,
    /// `subjectKeyIdentifier = none`: add no SKI, not even one a command adds by default.
    pub no_subject_key_id: bool,
    /// `authorityKeyIdentifier = none`.
    pub no_authority_key_id: bool,
}

impl ExtSection {
    /// Adds `spec`, first deleting one of the same type: the new one goes last, as OpenSSL
    /// 3.0 adds config and `-addext` extensions (`X509V3_CTX_REPLACE`).
    pub fn put(&mut self, spec: ExtSpec) {
        self.specs.retain(|x| x.oid() != spec.oid());
        self.specs.push(spec);
    }

    /// `subjectKeyIdentifier = none` (`subject`) or `authorityKeyIdentifier = none`: that
    /// identifier is left out, also the one a section gave before.
    pub fn key_id_none(&mut self, subject: bool) {
        if subject {
            self.no_subject_key_id = true;
            self.specs
                .retain(|x| x.oid() != ExtSpec::SubjectKeyId.oid());
        } else {
            self.no_authority_key_id = true;
            self.specs.retain(|x| x.oid() != ExtSpec::DEFAULT_AKI.oid());
        }
    }
}

impl Conf {
    /// Parses `text`, read from `file` (kept for messages); `$ENV::X` reads the process
    /// environment.
    pub fn parse(file: impl Into<PathBuf>, text: &str) -> Result<Conf, ConfError> {
        Conf::parse_with_env(file, text, &|name| std::env::var(name).ok())
    }

    /// Parses `text` with `env` standing in for the process environment.
    pub fn parse_with_env(
        file: impl Into<PathBuf>,
        text: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Conf, ConfError> {
        parser::parse(file.into(), text, env)
    }

    /// The file the configuration was read from.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The last value of `key` in `section` (OpenSSL keeps only the last one).
    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        let s = &self.sections[*self.by_name.get(section)?];
        Some(&s.entries[*s.last.get(key)?].value)
    }

    /// Like [`Conf::get`], falling back to the `default` section as OpenSSL's
    /// `NCONF_get_string` does (how `openssl req` finds `req_extensions`).
    pub fn lookup(&self, section: &str, key: &str) -> Option<&str> {
        self.get(section, key).or_else(|| self.get("default", key))
    }

    /// All entries of a section, repeated keys included, in line order.
    pub fn section(&self, name: &str) -> Option<&[Entry]> {
        self.by_name
            .get(name)
            .map(|&i| self.sections[i].entries.as_slice())
    }

    /// Whether the section exists: a `[name]` header, a `name::key = value` line, or `default`.
    pub fn has_section(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Section names, in order of first appearance.
    pub fn section_names(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|s| s.name.as_str())
    }

    /// `[req] req_extensions`: the extension section `openssl req` puts in a CSR.
    pub fn req_extensions(&self) -> Option<&str> {
        self.lookup("req", "req_extensions")
    }

    /// `[req] x509_extensions`: the extension section of `openssl req -x509`.
    pub fn x509_extensions(&self) -> Option<&str> {
        self.lookup("req", "x509_extensions")
    }

    /// The section `openssl x509 -extfile` uses without `-extensions`: the value of
    /// `extensions` in the default section, else the default section itself.
    pub fn default_extensions_section(&self) -> &str {
        self.get("default", "extensions").unwrap_or("default")
    }

    /// The extensions of an extension section (`v3_req`, `v3_ca`), in line order, typed.
    /// `subjectKeyIdentifier = none` and `authorityKeyIdentifier = none` add nothing; see
    /// [`Conf::extension_section`] to tell them from absence.
    pub fn extensions(&self, section: &str) -> Result<Vec<ExtSpec>, ConfError> {
        self.extension_section(section).map(|s| s.specs)
    }

    /// The extensions of an extension section, with the `none` markers.
    pub fn extension_section(&self, section: &str) -> Result<ExtSection, ConfError> {
        let entries = self.section(section).ok_or_else(|| {
            self.error(
                0,
                ConfErrorKind::MissingSection {
                    name: section.into(),
                },
            )
        })?;
        let mut out = ExtSection::default();
        let mut seen = HashSet::new();
        for e in entries {
            if !seen.insert(e.key.as_str()) {
                let kind = ConfErrorKind::DuplicateExtension {
                    name: e.key.clone(),
                };
                return Err(self.error(e.line, kind));
            }
            let ext = x509v3::ext_value(Some(self), &e.key, &e.value)
                .map_err(|(line, kind)| self.error(line.unwrap_or(e.line), kind))?;
            match ext {
                Some(spec) => out.specs.push(spec),
                None if e.key == SKI => out.no_subject_key_id = true,
                None => out.no_authority_key_id = true,
            }
        }
        Ok(out)
    }

    fn error(&self, line: usize, kind: ConfErrorKind) -> ConfError {
        ConfError {
            file: self.file.clone(),
            line,
            kind,
        }
    }

    fn section_index(&mut self, name: &str) -> usize {
        if let Some(&i) = self.by_name.get(name) {
            return i;
        }
        self.sections.push(Section {
            name: name.to_owned(),
            entries: Vec::new(),
            last: HashMap::new(),
        });
        self.by_name
            .insert(name.to_owned(), self.sections.len() - 1);
        self.sections.len() - 1
    }
}
