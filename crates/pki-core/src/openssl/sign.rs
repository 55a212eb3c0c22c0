//! `openssl x509 -req`'s rules (apps/x509.c): the extensions of a certificate signed from a
//! CSR.

use x509_cert::request::CertReq;

use crate::{Error, Result, conf::Conf, csr, ext::ExtSpec};

/// `-copy_extensions`: what of the CSR's extensions the certificate takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CopyExtensions {
    /// `none` (the default): none.
    #[default]
    None,
    /// `copy`: the CSR's extensions.
    Copy,
    /// `copyall`: the CSR's extensions (pki copies no more than `copy` does: the `-extfile`
    /// section replaces a copied extension of the same type either way, as OpenSSL 3 does).
    CopyAll,
}

impl CopyExtensions {
    /// `none`, `copy` or `copyall`.
    pub fn parse(s: &str) -> Result<CopyExtensions> {
        match s {
            "none" => Ok(CopyExtensions::None),
            "copy" => Ok(CopyExtensions::Copy),
            "copyall" => Ok(CopyExtensions::CopyAll),
            other => Err(Error::usage(format!(
                "Invalid -copy_extensions {other:?}: use none, copy or copyall"
            ))),
        }
    }
}

/// The certificate's extensions: the CSR's with `copy`, then the `-extfile` section
/// (`extfile` with the `-extensions` section, else its default section), replacing a copied
/// one of the same type, as OpenSSL 3 does.
pub fn extensions(
    copy: CopyExtensions,
    req: &CertReq,
    extfile: Option<&Conf>,
    section: Option<&str>,
) -> Result<Vec<ExtSpec>> {
    let mut exts: Vec<ExtSpec> = Vec::new();
    if copy != CopyExtensions::None {
        for e in csr::requested_extensions(req)? {
            let spec = ExtSpec::from_extension(&e)?.ok_or_else(|| {
                Error::refused(format!(
                    "-copy_extensions: the CSR's extension {} is not one pki copies \
                     (basicConstraints, keyUsage, extendedKeyUsage, subjectAltName, key \
                     identifiers)",
                    e.extn_id
                ))
            })?;
            exts.retain(|x| x.oid() != spec.oid());
            exts.push(spec);
        }
    }
    match (extfile, section) {
        (Some(conf), section) => {
            let section = section.unwrap_or_else(|| conf.default_extensions_section());
            let s = conf.extension_section(section)?;
            super::req::refuse_none_markers(&s, section)?;
            for spec in s.specs {
                exts.retain(|x| x.oid() != spec.oid());
                exts.push(spec);
            }
        }
        (None, Some(_)) => {
            return Err(Error::usage(
                "-extensions names a section of -extfile, which is missing",
            ));
        }
        (None, None) if exts.is_empty() => {
            return Err(Error::refused(
                "no -extfile and no extension to copy: OpenSSL would make a version 1 \
                 certificate without extensions, which pki does not make (give -extfile FILE \
                 -extensions SECTION, or -copy_extensions copy)",
            ));
        }
        (None, None) => {}
    }
    Ok(exts)
}
