//! `cargo xtask fuzz [--seconds N] [--asan] [TARGET]`: seeds `fuzz/corpus/<target>/` and runs
//! each cargo-fuzz target for N seconds (default 30), stopping at the first crash.
//!
//! Seeds (copied, the corpus folder is git-ignored): `fuzz/seeds/<target>/` and
//! `fuzz/regressions/<target>/` (committed), the project's own fixtures in `tests/data/`, the
//! reference output of pki.sh in `tests/data/reference/openssl-3.0.19/`, and the public corpora
//! in `tests/data/corpus/` (BoringSSL and OpenSSL fuzz corpora, zlint and CT certificates),
//! sorted to the targets by their PEM label or folder.
//!
//! On stable Rust it runs `cargo fuzz run TARGET --sanitizer none`; `--asan` runs with
//! AddressSanitizer instead, which needs nightly features: it sets `RUSTC_BOOTSTRAP=1`.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use crate::root;

const USAGE: &str = "usage: cargo xtask fuzz [--seconds N] [--asan] [TARGET]";

pub fn fuzz(args: &[String]) -> Result<(), String> {
    let mut seconds = 30u32;
    let mut asan = false;
    let mut only = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                let n = it.next().ok_or(USAGE)?;
                seconds = n
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("bad --seconds {n}: a whole number above 0"))?;
            }
            "--asan" => asan = true,
            t if !t.starts_with('-') && only.is_none() => only = Some(t.to_owned()),
            _ => return Err(USAGE.into()),
        }
    }
    let dir = root().join("fuzz");
    let version = Command::new("cargo").args(["fuzz", "--version"]).output();
    if !version.is_ok_and(|o| o.status.success()) {
        return Err("cargo-fuzz is not installed: cargo install cargo-fuzz --locked".into());
    }
    let all = list(&dir)?;
    let targets = match only {
        Some(t) if all.contains(&t) => vec![t],
        Some(t) => {
            return Err(format!(
                "no fuzz target {t}: the targets are {}",
                all.join(", ")
            ));
        }
        None => all,
    };
    for t in &targets {
        let n = seed(&dir, t)?;
        println!("== fuzz {t}: {n} seeds, {seconds} s");
        let mut cmd = Command::new("cargo");
        cmd.current_dir(&dir).args(["fuzz", "run", t]);
        if asan {
            cmd.env("RUSTC_BOOTSTRAP", "1");
        } else {
            cmd.args(["--sanitizer", "none"]);
        }
        cmd.arg(dir.join("corpus").join(t))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .args(["-timeout=20", "-rss_limit_mb=2048", "-print_final_stats=1"]);
        let log = dir.join("artifacts").join(format!("{t}.log"));
        fs::create_dir_all(dir.join("artifacts")).map_err(|e| format!("artifacts: {e}"))?;
        let file = fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let status = cmd
            .stdout(Stdio::from(
                file.try_clone()
                    .map_err(|e| format!("{}: {e}", log.display()))?,
            ))
            .stderr(Stdio::from(file))
            .status()
            .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
        let text = fs::read_to_string(&log).unwrap_or_default();
        let summary: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("stat::number_of_executed_units") || l.contains("Done "))
            .collect();
        println!("   {}", summary.join("; "));
        if !status.success() {
            let tail: Vec<&str> = text.lines().rev().take(40).collect();
            for line in tail.into_iter().rev() {
                println!("   | {line}");
            }
            return Err(format!(
                "fuzz target {t} failed (log: {}); the input is in fuzz/artifacts/{t}/: once \
                 fixed, copy it to fuzz/regressions/{t}/ so that cargo test replays it",
                log.display()
            ));
        }
    }
    Ok(())
}

/// The targets, as `cargo fuzz list` gives them.
fn list(dir: &Path) -> Result<Vec<String>, String> {
    let out = Command::new("cargo")
        .args(["fuzz", "list"])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run cargo fuzz list: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo fuzz list failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect())
}

/// What a seed file is, from its PEM labels or the folder it came from.
fn kinds(path: &Path, bytes: &[u8]) -> Vec<&'static str> {
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    let p = path.to_string_lossy();
    let mut k = Vec::new();
    if !p.contains("crl_") {
        k.extend(["show", "lint"]);
    }
    if has("-----BEGIN ") {
        k.push("pem");
        if has("-----BEGIN CERTIFICATE-----") {
            k.extend(["cert_der", "chain", "verify"]);
        }
        if has("CERTIFICATE REQUEST-----") {
            k.push("csr_der");
        }
        if has("PRIVATE KEY-----") {
            k.push("private_key");
        }
        if has("PUBLIC KEY-----") {
            k.push("public_key");
        }
    } else if p.contains("pkcs8_corpus") || p.contains("privkey_corpus") {
        k.push("private_key");
    } else if p.contains("spki_corpus") {
        k.push("public_key");
    } else if p.contains("crl_") {
        // CRLs: no entry point reads them yet.
    } else if p.ends_with(".csr") || p.ends_with("req.der") {
        k.push("csr_der");
    } else {
        k.extend(["cert_der", "chain", "verify"]);
    }
    if p.ends_with("openssl.conf") || p.ends_with(".cnf") {
        k.push("conf");
    }
    if p.ends_with(".srl") {
        k.push("serial_file");
    }
    k
}

/// The folders of `tests/data` copied from elsewhere: `reference` and `corpus` are seeded on
/// their own, the rest (the seed script and the chain-verification and signature suites) are
/// not seeds.
const NOT_SEEDS: &[&str] = &[
    "reference",
    "corpus",
    "seed",
    "pkits",
    "chromium-verify-chain",
    "limbo",
    "wycheproof",
];

fn files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_below(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Fills `fuzz/corpus/<target>/` with its seeds; returns how many it holds.
fn seed(dir: &Path, target: &str) -> Result<usize, String> {
    let corpus = dir.join("corpus").join(target);
    fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let mut own = Vec::new();
    files_below(&dir.join("seeds").join(target), &mut own);
    files_below(&dir.join("regressions").join(target), &mut own);
    let data = root().join("tests/data");
    let reference = data.join("reference/openssl-3.0.19");
    let corpus_in = data.join("corpus");
    for d in [&reference, &corpus_in] {
        if !d.is_dir() {
            return Err(format!(
                "the fuzz seeds are missing: expected {}",
                d.display()
            ));
        }
    }
    // tests/data's own fixtures, then the reference output and the public corpora; the other
    // copied suites (tests/data/README.md) are not seeds.
    let mut data_files = Vec::new();
    let top = fs::read_dir(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    let mut top: Vec<PathBuf> = top.flatten().map(|e| e.path()).collect();
    top.sort();
    for p in top {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        if p.is_dir() {
            if !name.as_deref().is_some_and(|n| NOT_SEEDS.contains(&n)) {
                files_below(&p, &mut data_files);
            }
        } else {
            data_files.push(p);
        }
    }
    files_below(&reference, &mut data_files);
    files_below(&corpus_in, &mut data_files);
    let mut n = 0;
    for (i, src) in own.iter().chain(data_files.iter()).enumerate() {
        let Ok(bytes) = fs::read(src) else { continue };
        let mine = i < own.len();
        let name = src.file_name().map(|n| n.to_string_lossy().into_owned());
        if name
            .as_deref()
            .is_some_and(|n| n.ends_with(".md") || n.ends_with(".tsv"))
        {
            continue;
        }
        if !mine && !kinds(src, &bytes).contains(&target) {
            continue;
        }
        let dest = corpus.join(format!("seed-{i}-{}", name.unwrap_or_default()));
        fs::write(&dest, &bytes).map_err(|e| format!("{}: {e}", dest.display()))?;
        n += 1;
    }
    if target == "chain" {
        // The reference set as one bundle: CA first, then the two certificates it issued.
        let bundle: Vec<u8> = ["ca.crt", "client.crt", "peer.crt"]
            .iter()
            .flat_map(|f| fs::read(reference.join(f)).unwrap_or_default())
            .collect();
        fs::write(corpus.join("seed-bundle.pem"), bundle).map_err(|e| e.to_string())?;
        n += 1;
    }
    Ok(n)
}
