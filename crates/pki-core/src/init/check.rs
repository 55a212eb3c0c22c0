//! Whether a file that `pki init` skips still fits the plan.
//!
//! pki.sh skips every file that exists (`[ -f FILE ] ||`), whatever it holds, and so does
//! `pki init`; but it looks first, and says when the file no longer fits: a certificate or CSR
//! whose public key is not its key file's, a certificate not issued by `ca.crt`, a
//! subjectAltName other than the nodes', an expired certificate. With [`Plan::strict`] the
//! first such mismatch is an error instead.

use std::{fmt, path::PathBuf, time::SystemTime};

use der::DateTime;
use x509_cert::request::CertReq;

use super::{Plan, Step, read_cert, read_key};
use crate::{
    cert, csr,
    error::{Error, Result},
    ext::{ExtSpec, San},
    files,
};

/// Why an existing file does not fit the plan.
#[derive(Debug)]
#[non_exhaustive]
pub enum Mismatch {
    /// The certificate or CSR holds another public key than the key file `key`.
    Key { key: PathBuf },
    /// The certificate names another issuer than `ca`, or `ca`'s key did not sign it.
    Issuer { ca: PathBuf },
    /// The subjectAltName is not the one the nodes ask for (empty `found`: none at all).
    Sans { found: Vec<San>, expected: Vec<San> },
    /// The certificate's notAfter has passed.
    Expired { not_after: SystemTime },
    /// `file` (the skipped file or one it is checked against) cannot be read or decoded;
    /// the cause names it and says why.
    Unreadable { file: PathBuf, source: Box<Error> },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Key { key } => {
                write!(f, "its public key is not the one in {}", key.display())
            }
            Mismatch::Issuer { ca } => write!(f, "not issued by {}", ca.display()),
            Mismatch::Sans { found, expected } => {
                write!(
                    f,
                    "its subjectAltName is {} but the nodes ask for {}",
                    list(found),
                    list(expected)
                )
            }
            Mismatch::Expired { not_after } => write!(f, "expired on {}", utc(*not_after)),
            Mismatch::Unreadable { .. } => f.write_str("cannot be checked"),
        }
    }
}

impl Mismatch {
    /// The mismatch of the skipped file `file` as a [`Finding`](crate::finding::Finding): a
    /// warning (`pki init` skips the file, as the script does), an error under `--strict`.
    pub fn finding(&self, file: &std::path::Path, strict: bool) -> crate::finding::Finding {
        use crate::finding::{Finding, Severity};
        let severity = if strict {
            Severity::Error
        } else {
            Severity::Warning
        };
        let id = match self {
            Mismatch::Key { .. } => "skipped-key-mismatch",
            Mismatch::Issuer { .. } => "skipped-issuer-mismatch",
            Mismatch::Sans { .. } => "skipped-san-mismatch",
            Mismatch::Expired { .. } => "skipped-expired",
            Mismatch::Unreadable { .. } => "skipped-unreadable",
        };
        let mut f = Finding::new(id, severity, self.to_string()).in_file(file);
        if let Mismatch::Unreadable { source, .. } = self {
            f = f.detail(source.to_string());
        }
        f.fix(format!(
            "remove {} and run pki init again: it makes the file anew",
            file.display()
        ))
    }
}

impl std::error::Error for Mismatch {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Mismatch::Unreadable { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

fn list(sans: &[San]) -> String {
    if sans.is_empty() {
        return "absent".to_owned();
    }
    sans.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `YYYY-MM-DD HH:MM:SS UTC`.
fn utc(t: SystemTime) -> String {
    match DateTime::from_system_time(t) {
        Ok(d) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            d.year(),
            d.month(),
            d.day(),
            d.hour(),
            d.minutes(),
            d.seconds()
        ),
        Err(_) => "an unrepresentable date".to_owned(),
    }
}

/// The mismatches of the existing file of `step` with `plan`, in a fixed order (key, issuer,
/// subjectAltName, expiry); empty when it fits or when the step has nothing to check
/// (keys and openssl.conf).
pub fn check(plan: &Plan, step: Step) -> Vec<Mismatch> {
    let result = match step {
        Step::CaCert => check_cert(plan, step, Step::CaKey, None),
        Step::ClientCsr => check_csr(plan, step, Step::ClientKey),
        Step::PeerCsr => check_csr(plan, step, Step::PeerKey),
        Step::ClientCert => check_cert(plan, step, Step::ClientKey, Some(Step::CaCert)),
        Step::PeerCert => check_cert(plan, step, Step::PeerKey, Some(Step::CaCert)),
        Step::Conf | Step::CaKey | Step::ClientKey | Step::PeerKey => Ok(Vec::new()),
    };
    result.unwrap_or_else(|(file, e)| {
        vec![Mismatch::Unreadable {
            file: plan.path(file),
            source: Box::new(e),
        }]
    })
}

/// Tags a failed read with the step whose file it was.
fn of(step: Step) -> impl FnOnce(Error) -> (Step, Error) {
    move |e| (step, e)
}

fn check_cert(
    plan: &Plan,
    step: Step,
    key_step: Step,
    ca_step: Option<Step>,
) -> Result<Vec<Mismatch>, (Step, Error)> {
    let crt = read_cert(&plan.path(step)).map_err(of(step))?;
    let key = read_key(&plan.path(key_step)).map_err(of(key_step))?;
    let tbs = crt.tbs_certificate();
    let mut found = Vec::new();
    if !key.matches(tbs.subject_public_key_info()) {
        found.push(Mismatch::Key {
            key: plan.path(key_step),
        });
    }
    if let Some(ca_step) = ca_step {
        let ca = read_cert(&plan.path(ca_step)).map_err(of(ca_step))?;
        if cert::verify_issued_by(&crt, &ca).is_err() {
            found.push(Mismatch::Issuer {
                ca: plan.path(ca_step),
            });
        }
        let specs = cert::ext_specs(&crt)
            .map_err(|e| e.in_file(plan.path(step)))
            .map_err(of(step))?;
        found.extend(check_sans(plan, &specs));
    }
    let not_after = cert::not_after(&crt);
    if not_after < SystemTime::now() {
        found.push(Mismatch::Expired { not_after });
    }
    Ok(found)
}

fn check_csr(plan: &Plan, step: Step, key_step: Step) -> Result<Vec<Mismatch>, (Step, Error)> {
    let path = plan.path(step);
    let req: CertReq = files::read_regular(&path)
        .and_then(|b| csr::decode(&b).map_err(|e| e.in_file(&path)))
        .map_err(of(step))?;
    let key = read_key(&plan.path(key_step)).map_err(of(key_step))?;
    let mut found = Vec::new();
    if !key.matches(&req.info.public_key) {
        found.push(Mismatch::Key {
            key: plan.path(key_step),
        });
    }
    let specs = csr::requested_extensions(&req)
        .and_then(|exts| {
            exts.iter()
                .map(ExtSpec::from_extension)
                .collect::<Result<Vec<_>>>()
        })
        .map_err(|e| e.in_file(&path))
        .map_err(of(step))?;
    let specs: Vec<ExtSpec> = specs.into_iter().flatten().collect();
    found.extend(check_sans(plan, &specs));
    Ok(found)
}

/// A subjectAltName other than the plan's, compared as sets.
fn check_sans(plan: &Plan, specs: &[ExtSpec]) -> Option<Mismatch> {
    let found: Vec<San> = specs
        .iter()
        .find_map(|s| match s {
            ExtSpec::SubjectAltName { names, .. } => Some(names.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let expected = plan.sans();
    let same = found.len() == expected.len() && found.iter().all(|s| expected.contains(s));
    (!same).then_some(Mismatch::Sans { found, expected })
}
