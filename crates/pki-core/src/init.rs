//! `pki init`: the seed's pki.sh, step by step.
//!
//! The script writes `openssl.conf`, then makes `ca.key`, `ca.crt`, `client.key`,
//! `client.csr`, `client.crt`, `peer.key`, `peer.csr`, `peer.crt` (and `ca.srl` through
//! `-CAcreateserial`), each step guarded by `[ -f FILE ] ||`. [`run`] does the same in the
//! same order, checking each skipped file against the plan first ([`check()`]), reading back what earlier steps wrote exactly as the script's openssl calls do
//! (the CSR steps read `openssl.conf` through [`crate::conf`], the signing steps read the CSR,
//! `ca.crt` and `ca.key` from disk). Missing keys are generated in parallel up front.

use std::{
    fmt,
    net::IpAddr,
    path::{Path, PathBuf},
    thread,
};

use crate::layout::refuse_irregular;
/// A step of the script is named by the file it makes.
pub use crate::layout::{SetFile as Step, read_cert, read_key};
use crate::{
    cert::{self, CertBuilder, Issuer},
    conf::Conf,
    csr,
    error::{Error, Result},
    ext::San,
    files::{self, Mode},
    key::{KeyBits, PrivateKey},
    name, serial,
};

mod check;

pub use check::{Mismatch, check};

/// One etcd member: its name (a DNS SAN) and address (an IP SAN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub address: IpAddr,
}

impl Node {
    /// A node from its name and address, both checked.
    pub fn new(name: &str, address: &str) -> Result<Node> {
        let spec = format!("{name}={address}");
        let bad = |reason| Error::Node {
            spec: spec.clone(),
            reason,
        };
        if name.is_empty() {
            return Err(bad("empty name"));
        }
        San::dns(name).map_err(|_| bad("the name is not a valid DNS name"))?;
        if address.is_empty() {
            return Err(bad("empty address"));
        }
        let address = address
            .parse()
            .map_err(|_| bad("the address is not an IPv4 or IPv6 address"))?;
        Ok(Node {
            name: name.to_owned(),
            address,
        })
    }

    /// Parses `NAME=ADDRESS`.
    pub fn parse(spec: &str) -> Result<Node> {
        match spec.split_once('=') {
            Some((n, a)) => Node::new(n, a),
            None => Err(Error::Node {
                spec: spec.to_owned(),
                reason: "expected NAME=ADDRESS",
            }),
        }
    }

    /// The script's defaults: etcd01..03 at 192.168.31.17..19.
    pub fn seed_defaults() -> Vec<Node> {
        [
            ("etcd01", [192, 168, 31, 17]),
            ("etcd02", [192, 168, 31, 18]),
            ("etcd03", [192, 168, 31, 19]),
        ]
        .into_iter()
        .map(|(n, a)| Node {
            name: n.to_owned(),
            address: IpAddr::from(a),
        })
        .collect()
    }

    /// The script's variables NAME1..NAMEn and ADDRESS1..ADDRESSn, read through `var`;
    /// `Ok(None)` when NAME1 and ADDRESS1 are both unset.
    pub fn from_vars(var: &dyn Fn(&str) -> Option<String>) -> Result<Option<Vec<Node>>> {
        let mut nodes = Vec::new();
        for i in 1.. {
            let (n, a) = (var(&format!("NAME{i}")), var(&format!("ADDRESS{i}")));
            match (n, a) {
                (None, None) => break,
                (Some(n), Some(a)) => nodes.push(Node::new(&n, &a)?),
                (Some(n), None) => {
                    return Err(Error::Node {
                        spec: format!("NAME{i}={n}"),
                        reason: "no matching ADDRESS variable",
                    });
                }
                (None, Some(a)) => {
                    return Err(Error::Node {
                        spec: format!("ADDRESS{i}={a}"),
                        reason: "no matching NAME variable",
                    });
                }
            }
        }
        Ok(if nodes.is_empty() { None } else { Some(nodes) })
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.address)
    }
}

/// What `pki init` makes, and where.
#[derive(Debug, Clone)]
pub struct Plan {
    pub dir: PathBuf,
    pub nodes: Vec<Node>,
    pub days: u32,
    pub bits: KeyBits,
    pub ca_cn: String,
    /// Whether an existing file that no longer fits ([`check()`]) is an error rather than a
    /// warning ([`Outcome::SkippedStale`]).
    pub strict: bool,
}

impl Plan {
    /// The seed's defaults in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Plan {
        Plan {
            dir: dir.into(),
            nodes: Node::seed_defaults(),
            days: 3650,
            bits: KeyBits::DEFAULT,
            ca_cn: "etcd-ca".to_owned(),
            strict: false,
        }
    }

    /// The subjectAltName the openssl.conf of [`Plan::openssl_conf`] asks for: the nodes'
    /// names, 127.0.0.1, then the nodes' addresses.
    pub fn sans(&self) -> Vec<San> {
        let names = self.nodes.iter().map(|n| San::Dns(n.name.clone()));
        let local = std::iter::once(San::Ip(IpAddr::from([127, 0, 0, 1])));
        let addresses = self.nodes.iter().map(|n| San::Ip(n.address));
        names.chain(local).chain(addresses).collect()
    }

    /// The openssl.conf text the script's heredoc writes for these nodes.
    pub fn openssl_conf(&self) -> String {
        let mut s = String::from(
            "[req]\nreq_extensions = v3_req\ndistinguished_name = req_distinguished_name\n\
             [req_distinguished_name]\n[ v3_req ]\n\
             keyUsage = critical, digitalSignature, keyEncipherment\n\
             extendedKeyUsage = serverAuth, clientAuth\nsubjectAltName = @alt_names\n[alt_names]\n",
        );
        for (i, n) in self.nodes.iter().enumerate() {
            s.push_str(&format!("DNS.{} = {}\n", i + 1, n.name));
        }
        s.push_str("IP.1 = 127.0.0.1\n");
        for (i, n) in self.nodes.iter().enumerate() {
            s.push_str(&format!("IP.{} = {}\n", i + 2, n.address));
        }
        s
    }

    fn path(&self, step: Step) -> PathBuf {
        self.dir.join(step.file())
    }
}

/// What a step did.
#[derive(Debug)]
pub enum Outcome {
    /// The file was made; the text says what it holds.
    Created(String),
    /// The file existed and was left alone (the script's `[ -f FILE ] ||`).
    Skipped,
    /// The file existed and was left alone, but no longer fits the plan (never empty).
    SkippedStale(Vec<Mismatch>),
    /// openssl.conf already had exactly this content.
    Unchanged,
    /// openssl.conf was rewritten (the script rewrites it on every run).
    Rewritten,
    /// `--dry-run`: the file would be made.
    WouldCreate,
}

/// Runs the script's steps in `plan.dir`, calling `report` after each.
pub fn run(plan: &Plan, dry_run: bool, report: &mut dyn FnMut(Step, &Outcome)) -> Result<()> {
    // What `pki etcd config` would refuse to read back is refused before anything is made.
    for (i, n) in plan.nodes.iter().enumerate() {
        if plan.nodes[..i].iter().any(|m| m.name == n.name) {
            return Err(Error::Node {
                spec: format!("{}={}", n.name, n.address),
                reason: "a node of that name was given before (each etcd member needs its own name)",
            });
        }
    }
    if dry_run {
        refuse_irregular(&plan.dir)?;
        for step in Step::ALL {
            let exists = exists(&plan.path(step));
            let outcome = match (step, exists) {
                (Step::Conf, true) => {
                    let same = files::read_regular(&plan.path(step))
                        .is_ok_and(|b| b == plan.openssl_conf().as_bytes());
                    if same {
                        Outcome::Unchanged
                    } else {
                        Outcome::Rewritten
                    }
                }
                (_, true) => skipped(plan, step, true)?,
                (_, false) => Outcome::WouldCreate,
            };
            report(step, &outcome);
        }
        return Ok(());
    }
    files::ensure_dir(&plan.dir)?;
    refuse_irregular(&plan.dir)?;
    files::remove_stale_temps(&plan.dir);

    // cat > openssl.conf << EOF: rewritten on every run, but untouched when identical.
    let conf_text = plan.openssl_conf();
    let conf_path = plan.path(Step::Conf);
    match files::read_regular(&conf_path) {
        Ok(old) if old == conf_text.as_bytes() => report(Step::Conf, &Outcome::Unchanged),
        Ok(_) => {
            files::replace(&conf_path, conf_text.as_bytes(), Mode::Public)?;
            report(Step::Conf, &Outcome::Rewritten);
        }
        Err(_) => {
            files::replace(&conf_path, conf_text.as_bytes(), Mode::Public)?;
            report(
                Step::Conf,
                &Outcome::Created("req and v3_req configuration".into()),
            );
        }
    }

    let keys = [Step::CaKey, Step::ClientKey, Step::PeerKey];
    let mut generated: Vec<(Step, Result<PrivateKey>)> = thread::scope(|s| {
        let handles: Vec<_> = keys
            .into_iter()
            .filter(|k| !exists(&plan.path(*k)))
            .map(|k| (k, s.spawn(move || PrivateKey::generate(plan.bits))))
            .collect();
        handles
            .into_iter()
            .map(|(k, h)| (k, h.join().unwrap_or(Err(Error::Rsa(rsa::Error::Internal)))))
            .collect()
    });
    let mut take_key = |step: Step| -> Result<Option<PrivateKey>> {
        match generated.iter().position(|(s, _)| *s == step) {
            Some(i) => generated.swap_remove(i).1.map(Some),
            None => Ok(None),
        }
    };

    // [ -f ca.key ] || openssl genrsa -out ca.key 2048
    write_key(plan, Step::CaKey, take_key(Step::CaKey)?, report)?;
    // [ -f ca.crt ] || openssl req -x509 -new -nodes -key ca.key -subj "/CN=etcd-ca" -days N
    if !skip(plan, Step::CaCert, report)? {
        let key = read_key(&plan.path(Step::CaKey))?;
        let subject = name::parse_subj(&format!("/CN={}", escape_subj(&plan.ca_cn)))?;
        let serial = serial::to_serial_number(&serial::random()?)?;
        let ca = CertBuilder::new(subject, key.public_key_info()?, serial, plan.days)
            .extensions(cert::pki_ca())
            .self_signed(&key)?;
        let outcome = created(
            files::write_new(
                &plan.path(Step::CaCert),
                cert::to_pem(&ca)?.as_bytes(),
                Mode::Public,
            ),
            Outcome::Created(format!("CN={}, {} days", plan.ca_cn, plan.days)),
        )?;
        report(Step::CaCert, &outcome);
    }

    for (key_step, csr_step, cert_step, cn) in [
        (
            Step::ClientKey,
            Step::ClientCsr,
            Step::ClientCert,
            "etcd-client",
        ),
        (Step::PeerKey, Step::PeerCsr, Step::PeerCert, "etcd-peer"),
    ] {
        write_key(plan, key_step, take_key(key_step)?, report)?;
        // [ -f X.csr ] || openssl req -new -key X.key -subj "/CN=..." -out X.csr -config openssl.conf
        if !skip(plan, csr_step, report)? {
            let key = read_key(&plan.path(key_step))?;
            let conf = load_conf(&conf_path)?;
            let section = conf.req_extensions().unwrap_or("v3_req").to_owned();
            let exts = conf.extensions(&section)?;
            let req = csr::build(name::parse_subj(&format!("/CN={cn}"))?, &key, &exts)?;
            let outcome = created(
                files::write_new(
                    &plan.path(csr_step),
                    csr::to_pem(&req)?.as_bytes(),
                    Mode::Public,
                ),
                Outcome::Created(format!("CN={cn}, [{section}] requested")),
            )?;
            report(csr_step, &outcome);
        }
        // [ -f X.crt ] || openssl x509 -req -sha256 -in X.csr -CA ca.crt -CAkey ca.key
        //     -CAcreateserial -out X.crt -days N -extensions v3_req -extfile openssl.conf
        if !skip(plan, cert_step, report)? {
            let csr_path = plan.path(csr_step);
            let req =
                csr::decode(&files::read_regular(&csr_path)?).map_err(|e| e.in_file(&csr_path))?;
            let ca = read_cert(&plan.path(Step::CaCert))?;
            let ca_key = read_key(&plan.path(Step::CaKey))?;
            let issuer =
                Issuer::new(&ca, &ca_key).map_err(|e| e.in_file(plan.path(Step::CaKey)))?;
            let exts = load_conf(&conf_path)?.extensions("v3_req")?;
            let serial_file = serial::default_serial_file(&plan.path(Step::CaCert));
            let serial = serial::to_serial_number(&serial::next_from_file(&serial_file, true)?)?;
            let crt = CertBuilder::new(
                req.info.subject.clone(),
                req.info.public_key.clone(),
                serial,
                plan.days,
            )
            .extensions(exts)
            .sign(&issuer)?;
            let outcome = created(
                files::write_new(
                    &plan.path(cert_step),
                    cert::to_pem(&crt)?.as_bytes(),
                    Mode::Public,
                ),
                Outcome::Created(format!("CN={cn}, signed by ca.crt, serial in ca.srl")),
            )?;
            report(cert_step, &outcome);
        }
    }
    Ok(())
}

/// Escapes `/`, `+`, `=` and `\` for the -subj syntax.
fn escape_subj(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '/' | '+' | '=' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The script's `[ -f FILE ]`: a regular file, links followed. Something else there (a FIFO,
/// a device, a folder) was refused by [`crate::layout`]'s check before any step ran.
fn exists(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file())
}

/// `made` for a file this run wrote, [`Outcome::Skipped`] for one that another run of pki in
/// the same folder made first (then it is used as the script would use an existing file).
fn created(written: Result<()>, made: Outcome) -> Result<Outcome> {
    match written {
        Ok(()) => Ok(made),
        Err(Error::Exists { .. }) => Ok(Outcome::Skipped),
        Err(e) => Err(e),
    }
}

/// Reports and returns true when the step's file exists (after checking it).
fn skip(plan: &Plan, step: Step, report: &mut dyn FnMut(Step, &Outcome)) -> Result<bool> {
    let e = exists(&plan.path(step));
    if e {
        report(step, &skipped(plan, step, false)?);
    }
    Ok(e)
}

/// The outcome of skipping the existing file of `step`: [`Outcome::SkippedStale`] when it
/// does not fit the plan, or with [`Plan::strict`] the first mismatch as an error.
///
/// A file that cannot be read is not reported here when a later step of this run reads it:
/// that step fails with the same cause, once.
fn skipped(plan: &Plan, step: Step, dry_run: bool) -> Result<Outcome> {
    let mut mismatches = check(plan, step);
    mismatches.retain(|m| match m {
        Mismatch::Unreadable { file, .. } => dry_run || !read_later(plan, file),
        _ => true,
    });
    if mismatches.is_empty() {
        return Ok(Outcome::Skipped);
    }
    if plan.strict {
        let mismatch = Box::new(mismatches.remove(0));
        return Err(Error::Stale { mismatch }.in_file(plan.path(step)));
    }
    Ok(Outcome::SkippedStale(mismatches))
}

/// The files a step reads (besides what it makes).
fn inputs(step: Step) -> &'static [Step] {
    match step {
        Step::Conf | Step::CaKey | Step::ClientKey | Step::PeerKey => &[],
        Step::CaCert => &[Step::CaKey],
        Step::ClientCsr => &[Step::ClientKey, Step::Conf],
        Step::PeerCsr => &[Step::PeerKey, Step::Conf],
        Step::ClientCert => &[Step::ClientCsr, Step::CaCert, Step::CaKey, Step::Conf],
        Step::PeerCert => &[Step::PeerCsr, Step::CaCert, Step::CaKey, Step::Conf],
    }
}

/// Whether a step still to run (its file is missing) reads `file`.
fn read_later(plan: &Plan, file: &Path) -> bool {
    Step::ALL
        .into_iter()
        .any(|s| !exists(&plan.path(s)) && inputs(s).iter().any(|i| plan.path(*i) == file))
}

fn write_key(
    plan: &Plan,
    step: Step,
    key: Option<PrivateKey>,
    report: &mut dyn FnMut(Step, &Outcome),
) -> Result<()> {
    match key {
        // Generated up front only when missing; if it appeared since, leave it.
        Some(key) if !exists(&plan.path(step)) => {
            let pem = key.to_pkcs8_pem()?;
            let outcome = created(
                files::write_new(&plan.path(step), pem.as_bytes(), Mode::Private),
                Outcome::Created(format!("RSA {} bits, PKCS#8, mode 0600", key.bits())),
            )?;
            report(step, &outcome);
        }
        _ => report(step, &Outcome::Skipped),
    }
    Ok(())
}

fn load_conf(path: &Path) -> Result<Conf> {
    let bytes = files::read_regular(path)?;
    let text = String::from_utf8(bytes).map_err(|_| Error::Io {
        op: crate::error::IoOp::Read,
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"),
    })?;
    Ok(Conf::parse(path, &text)?)
}
