//! `openssl x509 -req`'s rules (apps/x509.c): the extensions of a certificate signed from a
//! CSR.

use x509_cert::{Certificate, certificate::Version, request::CertReq};

use crate::{
    Error, Result,
    conf::{Conf, ExtSection},
    csr,
    ext::ExtSpec,
};

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
/// one of the same type (deleted, then appended), as OpenSSL 3.0 does. None at all makes a
/// version 1 certificate, as OpenSSL's `x509 -req` without `-extfile`.
pub fn extensions(
    copy: CopyExtensions,
    req: &CertReq,
    extfile: Option<&Conf>,
    section: Option<&str>,
) -> Result<ExtSection> {
    let mut exts = ExtSection::default();
    if copy != CopyExtensions::None {
        for e in csr::requested_extensions(req)? {
            // Extensions pki has no type for are copied as they are, as OpenSSL copies them.
            let spec = ExtSpec::from_extension(&e)?.unwrap_or_else(|| ExtSpec::Encoded {
                oid: e.extn_id,
                critical: e.critical,
                value: e.extn_value.as_bytes().to_vec(),
            });
            exts.put(spec);
        }
    }
    if let Some(conf) = extfile {
        add_section(&mut exts, conf, section)?;
    }
    Ok(exts)
}

/// Adds the `-extfile` section (`section`, else its default one) to `exts`, each replacing one
/// of the same type.
fn add_section(exts: &mut ExtSection, conf: &Conf, section: Option<&str>) -> Result<()> {
    let s = match section {
        Some(name) => conf.extension_section(name)?,
        // Without -extensions: `extensions =` of the unnamed section, else the unnamed
        // section itself; a file with neither adds nothing.
        None => match conf.section(conf.default_extensions_section()) {
            Some(_) => conf.extension_section(conf.default_extensions_section())?,
            None => ExtSection::default(),
        },
    };
    for spec in s.specs {
        exts.put(spec);
    }
    if s.no_subject_key_id {
        exts.key_id_none(true);
    }
    if s.no_authority_key_id {
        exts.key_id_none(false);
    }
    Ok(())
}

/// The extensions of a certificate made again from `cert` with `x509 -in CERT -signkey KEY`
/// (apps/x509.c, then apps/lib/apps.c `do_X509_sign`): the certificate's own, as they are
/// (its key identifiers too, outdated or not, as OpenSSL keeps them), then the `-extfile`
/// section's, each replacing one of the same type. A version 1 certificate stays one unless
/// an `-extfile` is given; a version 3 one gets a subjectKeyIdentifier (`hash`) at the end
/// when it has none (and `subjectKeyIdentifier = none` does not say so). Self-signed, it gets
/// no default authorityKeyIdentifier.
pub fn resigned_extensions(
    cert: &Certificate,
    extfile: Option<&Conf>,
    section: Option<&str>,
) -> Result<ExtSection> {
    let mut exts = ExtSection::default();
    for e in cert.tbs_certificate().extensions().into_iter().flatten() {
        exts.specs.push(ExtSpec::Encoded {
            oid: e.extn_id,
            critical: e.critical,
            value: e.extn_value.as_bytes().to_vec(),
        });
    }
    let v3 = cert.tbs_certificate().version() == Version::V3 || extfile.is_some();
    if let Some(conf) = extfile {
        add_section(&mut exts, conf, section)?;
    }
    let ski = ExtSpec::SubjectKeyId.oid();
    if v3 && !exts.no_subject_key_id && !exts.specs.iter().any(|s| s.oid() == ski) {
        exts.specs.push(ExtSpec::SubjectKeyId);
    }
    Ok(exts)
}
