//! The real `openssl verify` (the machine's OpenSSL 3.0 CLI) on a case's inputs, for
//! `--vs-openssl`: the certificates and CRLs written as PEM files in a temporary folder, the
//! options said as `openssl verify` flags, exit status 0 meaning valid.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::{SystemTime, UNIX_EPOCH},
};

use pki_core::verify::{CrlCheck, Options, Purpose};

use super::suites::Inputs;

/// The flags that make `openssl verify` read no trust store but the case's own, and check
/// CRLs; the documentation quotes them.
pub const BASE_FLAGS: &str = "-no-CAfile -no-CApath -no-CAstore";

/// A folder of its own under the system temp dir, removed when dropped.
#[derive(Debug)]
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new() -> Result<Scratch, String> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let d =
            std::env::temp_dir().join(format!("pki-conformance-{}-{nanos}", std::process::id()));
        fs::create_dir(&d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
        Ok(Scratch(d))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `openssl version`, or why openssl cannot be run.
pub fn version() -> Result<String, String> {
    let out = Command::new("openssl")
        .arg("version")
        .output()
        .map_err(|e| format!("--vs-openssl needs the openssl CLI, which cannot be run: {e}"))?;
    if !out.status.success() {
        return Err("--vs-openssl: openssl version failed".into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// What openssl said about one case.
#[derive(Debug, Clone)]
pub struct Said {
    pub valid: bool,
    /// Its first `error N at D depth lookup: ..` line, when it refused.
    pub error: String,
}

fn write_pems(dir: &Path, name: &str, pems: &[String]) -> Result<PathBuf, String> {
    let mut text = String::new();
    for p in pems {
        text.push_str(p.trim_end());
        text.push('\n');
    }
    let p = dir.join(name);
    fs::write(&p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    Ok(p)
}

/// The `openssl verify` arguments of a case, but for the files.
fn flags(opts: &Options) -> Vec<String> {
    let mut a: Vec<String> = vec!["-attime".into(), opts.time.to_string()];
    match opts.purpose {
        Purpose::ServerAuth => a.extend(["-purpose".into(), "sslserver".into()]),
        Purpose::ClientAuth => a.extend(["-purpose".into(), "sslclient".into()]),
        Purpose::Any => {}
    }
    if let Some(h) = &opts.host {
        a.extend(["-verify_hostname".into(), h.clone()]);
    }
    if let Some(ip) = opts.ip {
        a.extend(["-verify_ip".into(), ip.to_string()]);
    }
    if let Some(e) = &opts.email {
        a.extend(["-verify_email".into(), e.clone()]);
    }
    if opts.partial_chain {
        a.push("-partial_chain".into());
    }
    if opts.max_depth != Options::new(0).max_depth {
        a.extend(["-verify_depth".into(), opts.max_depth.to_string()]);
    }
    if opts.strict {
        a.push("-x509_strict".into());
    }
    // pki always processes policies (RFC 5280 6.1), openssl only with -policy_check; its
    // user-initial-policy-set is empty unless given, pki's {anyPolicy}.
    let p = &opts.policy;
    a.push("-policy_check".into());
    if p.initial.is_empty() {
        a.extend(["-policy".into(), "2.5.29.32.0".into()]);
    }
    for oid in &p.initial {
        a.extend(["-policy".into(), oid.to_string()]);
    }
    for (on, flag) in [
        (p.explicit, "-explicit_policy"),
        (p.inhibit_mapping, "-inhibit_map"),
        (p.inhibit_any, "-inhibit_any"),
    ] {
        if on {
            a.push(flag.into());
        }
    }
    // Indirect, partitioned and delta CRLs, which pki always processes, openssl processes
    // only with -extended_crl and -use_deltas: asked for, to measure openssl.
    match opts.crl_check {
        CrlCheck::None => {}
        CrlCheck::Leaf => a.push("-crl_check".into()),
        CrlCheck::All => a.push("-crl_check_all".into()),
    }
    if opts.crl_check != CrlCheck::None {
        a.extend(["-extended_crl".into(), "-use_deltas".into()]);
    }
    a
}

/// Runs `openssl verify` on a case in `scratch` (its files overwritten case after case).
pub fn verify(inputs: &Inputs, scratch: &Scratch) -> Result<Said, String> {
    let dir = scratch.path();
    let mut cmd = Command::new("openssl");
    cmd.arg("verify").args(BASE_FLAGS.split(' '));
    if !inputs.trusted.is_empty() {
        cmd.arg("-CAfile")
            .arg(write_pems(dir, "anchors.pem", &inputs.trusted)?);
    }
    if !inputs.untrusted.is_empty() {
        cmd.arg("-untrusted")
            .arg(write_pems(dir, "inter.pem", &inputs.untrusted)?);
    }
    cmd.args(flags(&inputs.opts));
    if inputs.opts.crl_check != CrlCheck::None {
        let crls: Vec<String> = inputs
            .opts
            .crls
            .iter()
            .map(|der| pki_core::pem::encode("X509 CRL", der))
            .collect();
        cmd.arg("-CRLfile").arg(write_pems(dir, "crls.pem", &crls)?);
    }
    cmd.arg(write_pems(
        dir,
        "target.pem",
        std::slice::from_ref(&inputs.leaf),
    )?);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let error = text
        .lines()
        .find(|l| l.starts_with("error ") && l.contains(" depth lookup"))
        .or_else(|| text.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("")
        .trim()
        .to_owned();
    Ok(Said {
        valid: out.status.success(),
        error: if out.status.success() {
            String::new()
        } else {
            error
        },
    })
}
