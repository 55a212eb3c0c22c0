//! Project automation: `cargo xtask <command>`.
//!
//! - `e2e`: the certificates of `pki init` secure a real etcd (one member, then three), checked
//!   with etcdctl; see [`e2e`].
//! - `bench [--runs N]`: `pki init` against the seed's `bash pki.sh` with the real openssl, in
//!   the same run, chain verification against `openssl speed rsa2048`, and `pki audit` of
//!   10,000 certificates against `openssl verify` of the same files, reported as ratios
//!   (docs/benchmarks.md).
//! - `fuzz [--seconds N] [--asan] [TARGET]`: seeds and runs the cargo-fuzz targets; see
//!   [`fuzz`].
//! - `conformance [--suite S] [--vs-openssl] [--check] [--verbose]`: PKITS, Chromium and
//!   x509-limbo through the verifier, and through the real openssl (docs/conformance.md);
//!   exit status 1 on a wrong-accept or an out-of-date file; see [`conformance`].

mod conformance;
mod e2e;
mod fuzz;

use std::{
    env,
    path::{Path, PathBuf},
    process::{Command, ExitCode},
    time::{Duration, Instant},
};

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("bench") => bench(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("e2e") => e2e::e2e(&args[1..]),
        Some("conformance") => match conformance::conformance(&args[1..]) {
            Ok(code) => return code,
            Err(e) => Err(e),
        },
        _ => Err(
            "usage: cargo xtask bench [--runs N] | e2e | fuzz [--seconds N] [--asan] [TARGET] \
             | conformance [--suite pkits|chromium|limbo] [--vs-openssl] [--check] [--verbose]"
                .to_owned(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::from(2)
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn temp(tag: &str, i: usize) -> Result<PathBuf, String> {
    let d = env::temp_dir().join(format!("pki-bench-{tag}-{}-{i}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    Ok(d)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// In-process chain verifications per second (over about a second), and `openssl speed`'s
/// RSA-2048 verifications per second, measured in the same run.
fn verify_rates() -> Result<(f64, f64), String> {
    use pki_core::{verify, view::CertView};
    let dir = root().join("tests/data/pkits/PKITS_data/certs");
    let load = |n: &str| -> Result<CertView, String> {
        let p = dir.join(format!("{n}.crt"));
        let der = std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        CertView::from_der(&der).map_err(|e| format!("{}: {e}", p.display()))
    };
    let root_ca = load("TrustAnchorRootCertificate")?;
    let ca = load("GoodCACert")?;
    let leaf = load("ValidCertificatePathTest1EE")?;
    let opts = verify::Options::new(1_302_825_600);
    let (trusted, untrusted) = (std::slice::from_ref(&root_ca), std::slice::from_ref(&ca));
    verify::verify(&leaf, trusted, untrusted, &opts).map_err(|e| format!("bench chain: {e}"))?;
    let (mut n, t) = (0u32, Instant::now());
    while t.elapsed() < Duration::from_secs(1) {
        verify::verify(&leaf, trusted, untrusted, &opts).map_err(|e| e.to_string())?;
        n += 1;
    }
    let chains = f64::from(n) / t.elapsed().as_secs_f64();
    let out = Command::new("openssl")
        .args(["speed", "-seconds", "1", "rsa2048"])
        .output()
        .map_err(|e| format!("cannot run openssl speed: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let verifies = text
        .lines()
        .find(|l| l.trim_start().starts_with("rsa 2048 bits"))
        .and_then(|l| l.split_whitespace().last()?.parse::<f64>().ok())
        .ok_or("openssl speed rsa2048 printed no rate")?;
    Ok((chains, verifies))
}

fn bench(args: &[String]) -> Result<(), String> {
    let runs = match args {
        [] => 5,
        [flag, n] if flag == "--runs" => n.parse().map_err(|_| format!("bad --runs {n}"))?,
        _ => return Err("usage: cargo xtask bench [--runs N]".into()),
    };
    if runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    run(Command::new("cargo")
        .args(["build", "--release", "-q", "-p", "pki-cli"])
        .current_dir(root()))?;
    let pki = root().join("target/release/pki");
    let script = root().join("tests/data/seed/pki.sh");
    if !script.is_file() {
        return Err(format!("the seed script is missing: {}", script.display()));
    }
    let openssl_version = Command::new("openssl")
        .arg("version")
        .output()
        .map_err(|e| format!("the benchmark compares with openssl, which cannot be run: {e}"))?;

    let mut cases: Vec<(&str, Vec<Duration>, Vec<Duration>)> = Vec::new();
    // 1. The whole job: pki init vs bash pki.sh (keys, CSRs, certificates).
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let d = temp("init", i)?;
        let t = Instant::now();
        run(Command::new(&pki).arg("init").arg(&d))?;
        ours.push(t.elapsed());
        let d2 = temp("sh", i)?;
        let t = Instant::now();
        run(Command::new("bash").arg(&script).current_dir(&d2))?;
        theirs.push(t.elapsed());
        let _ = std::fs::remove_dir_all(&d);
        let _ = std::fs::remove_dir_all(&d2);
    }
    cases.push(("init (pki init vs bash pki.sh)", ours, theirs));
    // 2. Signing only: both sign the same CSR with the same CA (keys exist, certs removed).
    let base = temp("sign", 0)?;
    run(Command::new(&pki).arg("init").arg(&base))?;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        for f in ["client.crt", "peer.crt"] {
            let _ = std::fs::remove_file(base.join(f));
        }
        let t = Instant::now();
        run(Command::new(&pki).arg("init").arg(&base))?;
        ours.push(t.elapsed());
        for f in ["client.crt", "peer.crt"] {
            let _ = std::fs::remove_file(base.join(f));
        }
        let t = Instant::now();
        run(Command::new("bash").arg(&script).current_dir(&base))?;
        theirs.push(t.elapsed());
    }
    let _ = std::fs::remove_dir_all(&base);
    cases.push(("sign 2 certificates (keys and CSRs exist)", ours, theirs));

    let (chains, verifies) = verify_rates()?;
    let audit = audit_vs_verify(&pki, 10_000)?;

    println!(
        "openssl: {}",
        String::from_utf8_lossy(&openssl_version.stdout).trim()
    );
    println!("runs per case: {runs}; times are medians; ratio = pki / openssl (below 1 is faster)");
    println!(
        "{:<45} {:>10} {:>10} {:>7}",
        "case", "pki", "openssl", "ratio"
    );
    for (name, ours, theirs) in cases {
        let (a, b) = (median(ours), median(theirs));
        println!(
            "{name:<45} {:>8.1}ms {:>8.1}ms {:>7.2}",
            a.as_secs_f64() * 1e3,
            b.as_secs_f64() * 1e3,
            a.as_secs_f64() / b.as_secs_f64()
        );
    }
    // 3. Verification: a 3-certificate RSA-2048 chain (PKITS 4.1.1) in process, 3 signatures
    //    each (the anchor's self-signature too), against openssl speed's RSA-2048 verify rate.
    println!(
        "verify a 3-certificate RSA-2048 chain in process: {chains:.0}/s; openssl speed rsa2048: \
         {verifies:.0} verifies/s, {:.0} chains/s at 3 signatures each; ratio (time) {:.2}",
        verifies / 3.0,
        (verifies / 3.0) / chains
    );
    // 4. A folder of 10,000 certificates: pki audit (classify, pair, lint, verify each chain)
    //    against one openssl verify process over the same files.
    let (n, (a_t, a_mem), (o_t, o_mem)) = audit;
    println!(
        "{n} certificates: pki audit {:.2}s, {a_mem} KiB peak; openssl verify {:.2}s, {o_mem} KiB \
         peak; ratio (time) {:.2}",
        a_t.as_secs_f64(),
        o_t.as_secs_f64(),
        a_t.as_secs_f64() / o_t.as_secs_f64()
    );
    println!(
        "note: RSA key generation time varies widely run to run (prime search); use --runs 20 for steadier medians"
    );
    Ok(())
}

/// A run's wall time and peak resident memory (KiB).
type Measured = (Duration, u64);

/// `n` leaf certificates under one CA, made in process; then the time and peak memory
/// (GNU time's maximum resident set) of `pki audit DIR` and of `openssl verify -CAfile CA`
/// over every file, each once.
fn audit_vs_verify(pki: &Path, n: usize) -> Result<(usize, Measured, Measured), String> {
    use pki_core::{
        cert::{CertBuilder, Issuer},
        ext::{ExtSpec, IsCa, KeyUsage, KeyUsageBit},
        key::{KeyBits, PrivateKey},
        name,
    };
    let e = |e: pki_core::Error| e.to_string();
    let d = temp("audit", 0)?;
    let ca_key = PrivateKey::generate(KeyBits::DEFAULT).map_err(e)?;
    let leaf_key = PrivateKey::generate(KeyBits::DEFAULT).map_err(e)?;
    let ca = CertBuilder::new(
        name::parse_subj("/CN=bench-ca").map_err(|e| e.to_string())?,
        ca_key.public_key_info().map_err(e)?,
        1u8.into(),
        365,
    )
    .extensions(vec![
        ExtSpec::BasicConstraints {
            critical: true,
            ca: IsCa::Ca { path_len: None },
        },
        ExtSpec::KeyUsage {
            critical: true,
            usage: KeyUsage::empty()
                .with(KeyUsageBit::KeyCertSign)
                .with(KeyUsageBit::CrlSign),
        },
    ])
    .self_signed(&ca_key)
    .map_err(e)?;
    let write = |p: PathBuf, text: String| {
        std::fs::write(&p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
    };
    write(d.join("ca.crt"), pki_core::cert::to_pem(&ca).map_err(e)?)?;
    let issuer = Issuer::new(&ca, &ca_key).map_err(e)?;
    let leaves = d.join("leaves");
    std::fs::create_dir_all(&leaves).map_err(|e| e.to_string())?;
    let mut files = Vec::with_capacity(n);
    for i in 0..n {
        let leaf = CertBuilder::new(
            name::parse_subj(&format!("/CN=leaf-{i}")).map_err(|e| e.to_string())?,
            leaf_key.public_key_info().map_err(e)?,
            u32::try_from(i + 2).unwrap_or(u32::MAX).into(),
            90,
        )
        .extensions(vec![ExtSpec::KeyUsage {
            critical: true,
            usage: KeyUsage::empty().with(KeyUsageBit::DigitalSignature),
        }])
        .sign(&issuer)
        .map_err(e)?;
        let p = leaves.join(format!("leaf-{i:05}.crt"));
        write(p.clone(), pki_core::cert::to_pem(&leaf).map_err(e)?)?;
        files.push(p);
    }
    let timed = |cmd: &mut Command| -> Result<Measured, String> {
        let mem = d.join("mem");
        let t = Instant::now();
        let out = cmd
            .output()
            .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
        let took = t.elapsed();
        if !matches!(out.status.code(), Some(0 | 1)) {
            return Err(format!(
                "{cmd:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let kib = std::fs::read_to_string(&mem)
            .ok()
            .and_then(|s| s.trim().lines().last()?.trim().parse().ok())
            .unwrap_or(0);
        Ok((took, kib))
    };
    let mem = d.join("mem");
    let ours = timed(
        Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&mem)
            .arg(pki)
            .arg("audit")
            .arg(&d),
    )?;
    let theirs = timed(
        Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&mem)
            .args(["openssl", "verify", "-CAfile"])
            .arg(d.join("ca.crt"))
            .args(&files),
    )?;
    let _ = std::fs::remove_dir_all(&d);
    Ok((n, ours, theirs))
}
