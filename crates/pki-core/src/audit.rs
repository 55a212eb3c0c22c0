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

/// What a file gave when read: enough to classify it, pair its keys and list when its
/// certificates expire. The certificates other than CAs are decoded again when judged, so that memory grows
/// with the number of certificates by a few hundred bytes each, not by their decoded size.
struct Summary {
    path: PathBuf,
    kind: Kind,
    objects: usize,
    mode: u32,
    uid: u32,
    /// SHA-256 of the public key of each private key.
    keys: Vec<String>,
    /// SHA-256 of the public key of each CSR.
    csrs: Vec<String>,
    certs: Vec<CertSummary>,
    /// The CA certificates, whole: the anchors and intermediates of every chain.
    cas: Vec<CertView>,
}

struct CertSummary {
    subject: String,
    not_after: i64,
    /// SHA-256 of the public key.
    key: String,
    /// SHA-256 of the certificate's DER: how it is found again.
    der: [u8; 32],
    ca: bool,
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

fn sha256(der: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(der).into()
}

fn summarize(path: &Path, now: SystemTime) -> Summary {
    let (mode, uid) = std::fs::metadata(path).map_or((0, 0), |m| (m.mode(), m.uid()));
    let objects = files::read_regular(path)
        .ok()
        .and_then(|b| inspect::inspect(&b, now).ok())
        .unwrap_or_default();
    let mut s = Summary {
        path: path.to_owned(),
        kind: kind_of(&objects),
        objects: objects.len(),
        mode,
        uid,
        keys: Vec::new(),
        csrs: Vec::new(),
        certs: Vec::new(),
        cas: Vec::new(),
    };
    for d in objects {
        match d.object {
            Object::PrivateKey(k) => s.keys.extend(k.public_key_sha256),
            Object::Csr(c) => s.csrs.push(c.public_key.sha256),
            Object::Certificate(c) => {
                let Ok(v) = CertView::from_der(&d.der) else {
                    continue;
                };
                let ca = v.is_ca();
                s.certs.push(CertSummary {
                    subject: c.subject.text,
                    not_after: v.not_after,
                    key: c.public_key.sha256,
                    der: sha256(&d.der),
                    ca,
                });
                if ca {
                    s.cas.push(v);
                }
            }
            _ => {}
        }
    }
    s
}

/// The certificates of a file whose DER has one of the SHA-256 sums `wanted`, read again.
fn reread(path: &Path, wanted: &BTreeSet<[u8; 32]>) -> Vec<CertView> {
    let Ok(bytes) = files::read_regular(path) else {
        return Vec::new();
    };
    let ders: Vec<Vec<u8>> = if crate::pem::is_pem(&bytes) {
        crate::pem::decode_all(&bytes)
            .map(|blocks| blocks.into_iter().map(|b| b.der).collect())
            .unwrap_or_default()
    } else {
        vec![bytes]
    };
    ders.iter()
        .filter(|d| wanted.contains(&sha256(d)))
        .filter_map(|d| CertView::from_der(d).ok())
        .collect()
}

/// `f` of every item, on every core, in the order given.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items.len().div_ceil(workers).max(1);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<_>>()))
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
    let read = par_map(&paths, |p| summarize(p, now));
    let me = current_uid();
    let at = verify::unix_time(now);
    let mut report = Report {
        files: Vec::new(),
        expiry: Vec::new(),
        findings: Vec::new(),
    };
    // Public key (SHA-256 of the SPKI) → where it appears.
    let mut keys: BTreeMap<&str, Vec<&Path>> = BTreeMap::new();
    let mut cert_keys: BTreeMap<&str, Vec<(&Path, &str)>> = BTreeMap::new();
    let mut csrs: Vec<(&Path, &str)> = Vec::new();
    // The distinct certificates to judge, by file, each file read once.
    let mut seen_der = BTreeSet::new();
    let mut to_judge: BTreeMap<&Path, BTreeSet<[u8; 32]>> = BTreeMap::new();
    let mut anchors = trusted;
    let mut intermediates: Vec<CertView> = Vec::new();
    for r in &read {
        report.files.push(FileEntry {
            file: r.path.clone(),
            kind: r.kind,
            objects: r.objects,
        });
        for sha in &r.keys {
            keys.entry(sha).or_default().push(&r.path);
        }
        if !r.keys.is_empty() {
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
        csrs.extend(r.csrs.iter().map(|sha| (r.path.as_path(), sha.as_str())));
        for c in &r.certs {
            cert_keys
                .entry(&c.key)
                .or_default()
                .push((&r.path, &c.subject));
            report.expiry.push(Expiry {
                file: r.path.clone(),
                subject: c.subject.clone(),
                not_after: crate::inspect::format::format_unix(c.not_after),
                days_left: (c.not_after - at).div_euclid(86_400),
                ca: c.ca,
            });
            if seen_der.insert(c.der) {
                to_judge.entry(&r.path).or_default().insert(c.der);
            }
        }
        for v in &r.cas {
            if verify::self_signed(v) {
                anchors.push(v.clone());
            } else {
                intermediates.push(v.clone());
            }
        }
    }
    // Lint and path validation of each distinct certificate, on every core.
    let to_judge: Vec<(&Path, BTreeSet<[u8; 32]>)> = to_judge.into_iter().collect();
    let judge = |(path, wanted): &(&Path, BTreeSet<[u8; 32]>)| -> Vec<Finding> {
        let views = reread(path, wanted);
        let mut out = Vec::new();
        if views.len() < wanted.len() {
            out.push(
                Finding::new(
                    "file-changed",
                    Severity::Error,
                    "the file changed while it was audited: a certificate read at first is gone",
                )
                .in_file(path)
                .fix("audit again when nothing writes to the folder"),
            );
        }
        for v in &views {
            let subject = name::to_openssl_string(&v.subject);
            out.extend(
                lint::lint_view(v, Profile::Rfc5280, now)
                    .into_iter()
                    .filter(|f| f.severity != Severity::Notice)
                    .map(|f| f.in_file(path).subject(subject.clone())),
            );
            // A self-signed CA is an anchor: nothing to verify it against.
            if !(v.is_ca() && verify::self_signed(v))
                && let Err(failure) = verify::verify(v, &anchors, &intermediates, &Options::new(at))
            {
                out.push(failure.finding().in_file(path));
            }
        }
        out
    };
    report
        .findings
        .extend(par_map(&to_judge, judge).into_iter().flatten());
    report.expiry.sort_by(|a, b| {
        a.days_left
            .cmp(&b.days_left)
            .then_with(|| a.file.cmp(&b.file))
    });
    // One key in certificates of several subjects.
    for (sha, users) in &cert_keys {
        let subjects: BTreeSet<&str> = users.iter().map(|(_, s)| *s).collect();
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
    let mut ca_names: BTreeMap<String, BTreeSet<&[u8]>> = BTreeMap::new();
    let mut ca_files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &read {
        for v in &r.cas {
            let n = name::to_openssl_string(&v.subject);
            ca_names
                .entry(n.clone())
                .or_default()
                .insert(v.spki.subject_public_key.raw_bytes());
            ca_files
                .entry(n)
                .or_default()
                .push(r.path.display().to_string());
        }
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
    let csr_keys: BTreeSet<&str> = csrs.iter().map(|(_, s)| *s).collect();
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
