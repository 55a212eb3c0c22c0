//! `pki audit DIR...`: every file below the folders classified, keys paired with certificates
//! and CSRs by public key, chains built among what is found, an expiry table, and
//! [`Finding`]s: lint's, chains that do not verify, keys readable by others or owned by another
//! user, one key in several certificates, CAs of one name with different keys, orphan keys and
//! CSRs.
//!
//! Files are read and decoded on every core ([`std::thread::scope`]), each at most
//! [`files::MAX_INPUT`] bytes; symbolic links to folders are not followed (no loops).

use std::{
    collections::{BTreeMap, BTreeSet},
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    time::SystemTime,
};

use serde::Serialize;

use crate::{
    error::{Error, IoOp, Result},
    files,
    finding::{Finding, Severity},
    inspect::{self, Object},
    lint::{self, Profile},
    name,
    verify::{self, Options},
    view::CertView,
};

/// What a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Certificate,
    /// Several certificates (a chain or a CA bundle).
    Bundle,
    Csr,
    PrivateKey,
    PublicKey,
    Crl,
    /// Several kinds in one file (a key and its certificate).
    Mixed,
    /// Nothing pki reads.
    Other,
}

/// One file found.
#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    pub file: PathBuf,
    pub kind: Kind,
    /// The objects read (PEM blocks, or one DER object).
    pub objects: usize,
}

/// One certificate of the expiry table.
#[derive(Debug, Clone, Serialize)]
pub struct Expiry {
    pub file: PathBuf,
    pub subject: String,
    pub not_after: String,
    /// Whole days from the audit's time to notAfter (negative: expired).
    pub days_left: i64,
    pub ca: bool,
}

/// What [`audit`] found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub files: Vec<FileEntry>,
    /// Sorted by notAfter, soonest first.
    pub expiry: Vec<Expiry>,
    pub findings: Vec<Finding>,
}

struct Read {
    path: PathBuf,
    objects: Vec<inspect::Decoded>,
    mode: u32,
    uid: u32,
}

/// Every regular file below `dir` (or `dir` itself when it is a file), in name order.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta = std::fs::symlink_metadata(dir).map_err(|source| Error::Io {
        op: IoOp::Read,
        path: dir.to_owned(),
        source,
    })?;
    if !meta.is_dir() {
        if meta.is_file() || (meta.file_type().is_symlink() && dir.is_file()) {
            out.push(dir.to_owned());
        }
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| Error::Io {
            op: IoOp::Read,
            path: dir.to_owned(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_dir() => walk(&p, out)?,
            Ok(m) if m.is_file() => out.push(p),
            // A link to a file is read; a link to a folder is not followed.
            Ok(m) if m.file_type().is_symlink() && p.is_file() => out.push(p),
            _ => {}
        }
    }
    Ok(())
}

fn read_one(path: &Path, now: SystemTime) -> Read {
    let (mode, uid) = std::fs::metadata(path).map_or((0, 0), |m| (m.mode(), m.uid()));
    let objects = files::read_regular(path)
        .ok()
        .and_then(|b| inspect::inspect(&b, now).ok())
        .unwrap_or_default();
    Read {
        path: path.to_owned(),
        objects,
        mode,
        uid,
    }
}

/// Reads every file on every core, in the order given.
fn read_all(paths: &[PathBuf], now: SystemTime) -> Vec<Read> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = paths.len().div_ceil(workers).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|p| read_one(p, now)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn kind_of(objects: &[inspect::Decoded]) -> Kind {
    let kinds: BTreeSet<Kind> = objects
        .iter()
        .map(|d| match d.object {
            Object::Certificate(_) => Kind::Certificate,
            Object::Csr(_) => Kind::Csr,
            Object::Crl(_) => Kind::Crl,
            Object::PrivateKey(_) => Kind::PrivateKey,
            Object::PublicKey(_) => Kind::PublicKey,
        })
        .collect();
    let mut it = kinds.iter();
    match (it.next(), it.next()) {
        (None, _) => Kind::Other,
        (Some(Kind::Certificate), None) if objects.len() > 1 => Kind::Bundle,
        (Some(k), None) => *k,
        _ => Kind::Mixed,
    }
}

/// The effective user: the owner of `/proc/self`.
fn current_uid() -> Option<u32> {
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

/// Audits the files below `dirs`, with `cas` (certificate files) trusted besides the
/// self-signed CAs found; judged at `now`. An error only when a folder cannot be read.
pub fn audit(dirs: &[PathBuf], cas: &[PathBuf], now: SystemTime) -> Result<Report> {
    let mut paths = Vec::new();
    for d in dirs {
        walk(d, &mut paths)?;
    }
    let mut trusted: Vec<CertView> = Vec::new();
    for f in cas {
        let bytes = files::read_regular(f)?;
        trusted.extend(crate::view::decode_all(&bytes).map_err(|e| e.in_file(f))?);
    }
    let read = read_all(&paths, now);
    let me = current_uid();
    let at = verify::unix_time(now);
    let mut report = Report {
        files: Vec::new(),
        expiry: Vec::new(),
        findings: Vec::new(),
    };
    // Public key (SHA-256 of the SPKI) → where it appears.
    let mut keys: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut cert_keys: BTreeMap<String, Vec<(PathBuf, String)>> = BTreeMap::new();
    let mut csrs: Vec<(PathBuf, String)> = Vec::new();
    let mut certs: Vec<(PathBuf, CertView)> = Vec::new();
    for r in &read {
        report.files.push(FileEntry {
            file: r.path.clone(),
            kind: kind_of(&r.objects),
            objects: r.objects.len(),
        });
        for d in &r.objects {
            match &d.object {
                Object::PrivateKey(k) => {
                    if let Some(sha) = &k.public_key_sha256 {
                        keys.entry(sha.clone()).or_default().push(r.path.clone());
                    }
                    if r.mode & 0o077 != 0 {
                        report.findings.push(
                            Finding::new(
                                "key-readable-by-others",
                                Severity::Warning,
                                format!(
                                    "a private key readable by others (mode {:o})",
                                    r.mode & 0o777
                                ),
                            )
                            .in_file(&r.path)
                            .fix(format!("chmod 600 {}", r.path.display())),
                        );
                    }
                    if me.is_some_and(|u| u != r.uid) {
                        report.findings.push(
                            Finding::new(
                                "key-owned-by-other-user",
                                Severity::Warning,
                                format!("a private key owned by another user (uid {})", r.uid),
                            )
                            .in_file(&r.path),
                        );
                    }
                }
                Object::Csr(c) => csrs.push((r.path.clone(), c.public_key.sha256.clone())),
                Object::Certificate(c) => {
                    cert_keys
                        .entry(c.public_key.sha256.clone())
                        .or_default()
                        .push((r.path.clone(), c.subject.text.clone()));
                    if let Ok(v) = CertView::from_der(&d.der) {
                        certs.push((r.path.clone(), v));
                    }
                }
                _ => {}
            }
        }
    }
    let is_ca = |v: &CertView| v.basic_constraints.as_ref().is_some_and(|b| b.ca);
    // Whether a certificate signed itself, whatever the algorithm (lint judges weak ones).
    let mut any_alg = Options::new(0);
    any_alg.allow_sha1 = true;
    any_alg.allow_dsa = true;
    any_alg.min_rsa_bits = 0;
    let self_signed = |v: &CertView| {
        v.subject == v.issuer
            && v.signature.as_ref().is_some_and(|sig| {
                verify::sig::check(&v.signature_algorithm, &v.spki, v.tbs_der(), sig, &any_alg)
                    .is_ok()
            })
    };
    let mut anchors = trusted;
    anchors.extend(
        certs
            .iter()
            .filter(|(_, v)| is_ca(v) && self_signed(v))
            .map(|(_, v)| v.clone()),
    );
    let intermediates: Vec<CertView> = certs
        .iter()
        .filter(|(_, v)| is_ca(v) && !self_signed(v))
        .map(|(_, v)| v.clone())
        .collect();
    let mut seen_der = BTreeSet::new();
    let mut unique = Vec::new();
    for (path, v) in &certs {
        let subject = name::to_openssl_string(&v.subject);
        report.expiry.push(Expiry {
            file: path.clone(),
            subject,
            not_after: crate::inspect::format::format_unix(v.not_after),
            days_left: (v.not_after - at).div_euclid(86_400),
            ca: is_ca(v),
        });
        if seen_der.insert(v.der.as_slice()) {
            unique.push((path, v));
        }
    }
    // Lint and path validation of each distinct certificate, on every core.
    let judge = |(path, v): &(&PathBuf, &CertView)| -> Vec<Finding> {
        let subject = name::to_openssl_string(&v.subject);
        let mut out: Vec<Finding> = lint::lint_view(v, Profile::Rfc5280, now)
            .into_iter()
            .filter(|f| f.severity != Severity::Notice)
            .map(|f| f.in_file(*path).subject(subject.clone()))
            .collect();
        if !(self_signed(v) && is_ca(v))
            && let Err(failure) = verify::verify(v, &anchors, &intermediates, &Options::new(at))
        {
            out.push(failure.finding().in_file(*path));
        }
        out
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = unique.len().div_ceil(workers).max(1);
    let judged: Vec<Finding> = std::thread::scope(|s| {
        let handles: Vec<_> = unique
            .chunks(chunk)
            .map(|part| s.spawn(|| part.iter().flat_map(judge).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    report.findings.extend(judged);
    report.expiry.sort_by(|a, b| {
        a.days_left
            .cmp(&b.days_left)
            .then_with(|| a.file.cmp(&b.file))
    });
    // One key in certificates of several subjects.
    for (sha, users) in &cert_keys {
        let subjects: BTreeSet<&String> = users.iter().map(|(_, s)| s).collect();
        if subjects.len() > 1 {
            let files: Vec<String> = users.iter().map(|(p, _)| p.display().to_string()).collect();
            report.findings.push(
                Finding::new(
                    "key-in-several-certificates",
                    Severity::Warning,
                    format!("one key in certificates of {} subjects", subjects.len()),
                )
                .detail(format!(
                    "{}: {}",
                    &sha[..16.min(sha.len())],
                    files.join(", ")
                ))
                .fix("give each identity its own key"),
            );
        }
    }
    // CAs of one name with different keys: clients cannot tell which one signed.
    let mut ca_names: BTreeMap<String, BTreeSet<Vec<u8>>> = BTreeMap::new();
    let mut ca_files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, v) in certs.iter().filter(|(_, v)| is_ca(v)) {
        let n = name::to_openssl_string(&v.subject);
        ca_names
            .entry(n.clone())
            .or_default()
            .insert(v.spki.subject_public_key.raw_bytes().to_vec());
        ca_files
            .entry(n)
            .or_default()
            .push(path.display().to_string());
    }
    for (n, set) in &ca_names {
        if set.len() > 1 {
            report.findings.push(
                Finding::new(
                    "ca-name-reused",
                    Severity::Warning,
                    format!("{} CAs named {n:?} with different keys", set.len()),
                )
                .detail(ca_files[n].join(", "))
                .subject(n.clone())
                .fix("give each CA its own name; verifiers pick the issuer by name"),
            );
        }
    }
    // Orphans: keys with no certificate or CSR, CSRs with no certificate.
    let csr_keys: BTreeSet<&String> = csrs.iter().map(|(_, s)| s).collect();
    for (sha, paths) in &keys {
        if !cert_keys.contains_key(sha) && !csr_keys.contains(sha) {
            for p in paths {
                report.findings.push(
                    Finding::new(
                        "orphan-key",
                        Severity::Notice,
                        "a private key with no certificate or CSR found",
                    )
                    .in_file(p),
                );
            }
        }
    }
    for (p, sha) in &csrs {
        if !cert_keys.contains_key(sha) {
            report.findings.push(
                Finding::new(
                    "orphan-csr",
                    Severity::Notice,
                    "a CSR with no certificate of its key found",
                )
                .in_file(p),
            );
        }
    }
    Ok(report)
}
