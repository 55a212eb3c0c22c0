//! `cargo xtask conformance [--suite pkits|chromium|limbo] [--vs-openssl] [--check]
//! [--verbose]`: the public path-validation suites in tests/data (NIST PKITS, Chromium's
//! verify_certificate_chain, x509-limbo) through `pki_core::verify` in process, each case
//! counted as correct, wrong-accept, wrong-reject or unsupported.
//!
//! - It prints the counts of each suite and every case not correct (`--verbose`: every case),
//!   and writes docs/conformance.md; `--check` compares with that file instead, and
//!   `conformance_md_is_up_to_date` below does the same under `cargo test`.
//! - `--vs-openssl` also runs the real `openssl verify` on every case ([`openssl`]), prints its
//!   counts and the cases where its verdict and pki's differ, and rewrites the OpenSSL section
//!   of docs/conformance.md; without it that section is kept as it is, so that the file does
//!   not depend on the machine's openssl.
//! - `--suite` runs one suite and leaves docs/conformance.md alone.
//! - Exit status: 1 on any wrong-accept, or when `--check` finds the file out of date; 2 when
//!   the suites cannot be read.
//!
//! How each suite's cases become the verifier's inputs is in [`suites`], and said again in
//! the header of docs/conformance.md.

mod openssl;
mod report;
mod suites;

use std::{fs, panic, path::PathBuf, process::ExitCode};

use pki_core::{
    verify,
    view::{self, CertView},
};

use self::{
    openssl::Said,
    report::{diff_summary, document, openssl_section},
    suites::Case,
};

const USAGE: &str = "usage: cargo xtask conformance [--suite pkits|chromium|limbo] \
                     [--vs-openssl] [--check] [--verbose]";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Correct,
    WrongAccept,
    WrongReject,
    Unsupported,
}

const VERDICTS: [Verdict; 4] = [
    Verdict::Correct,
    Verdict::WrongAccept,
    Verdict::WrongReject,
    Verdict::Unsupported,
];

impl Verdict {
    fn name(self) -> &'static str {
        match self {
            Verdict::Correct => "correct",
            Verdict::WrongAccept => "wrong-accept",
            Verdict::WrongReject => "wrong-reject",
            Verdict::Unsupported => "unsupported",
        }
    }
}

/// What pki said about a case: the reason is a `Reason` id, or `parse-error`, `not-mapped`,
/// `leaf-key-usage` (the harness's own check of limbo's `key_usage`).
#[derive(Debug, Clone)]
enum Got {
    Valid,
    Invalid { reason: String, detail: String },
    Unsupported { reason: String, detail: String },
}

impl Got {
    fn verdict(&self, expect_valid: bool) -> Verdict {
        match (self, expect_valid) {
            (Got::Unsupported { .. }, _) => Verdict::Unsupported,
            (Got::Valid, true) | (Got::Invalid { .. }, false) => Verdict::Correct,
            (Got::Valid, false) => Verdict::WrongAccept,
            (Got::Invalid { .. }, true) => Verdict::WrongReject,
        }
    }

    /// `valid`, `invalid: reason detail`, `unsupported: reason detail`.
    fn describe(&self) -> String {
        match self {
            Got::Valid => "valid".into(),
            Got::Invalid { reason, detail } => format!("invalid: {reason} {detail}"),
            Got::Unsupported { reason, detail } => format!("unsupported: {reason} {detail}"),
        }
    }
}

#[derive(Debug)]
struct Outcome {
    id: String,
    expect_valid: bool,
    got: Got,
    verdict: Verdict,
    /// openssl's verdict, with `--vs-openssl`, when the case could be said to it.
    openssl: Option<Said>,
}

#[derive(Debug)]
struct Suite {
    name: &'static str,
    outcomes: Vec<Outcome>,
    vs_openssl: bool,
}

fn expected(valid: bool) -> &'static str {
    if valid { "valid" } else { "invalid" }
}

fn parse(pem: &str, what: &str) -> Result<CertView, Got> {
    let bad = |detail: String| Got::Invalid {
        reason: "parse-error".into(),
        detail,
    };
    let mut all = view::decode_all(pem.as_bytes()).map_err(|e| bad(format!("{what}: {e}")))?;
    if all.is_empty() {
        return Err(bad(format!("{what}: no certificate")));
    }
    Ok(all.swap_remove(0))
}

/// pki's verdict on a case; `Err` only when the verifier panics, which is never hidden.
fn judge(case: &Case) -> Result<Got, String> {
    let inputs = match (&case.unmapped, &case.inputs) {
        (None, Some(i)) => i,
        (why, _) => {
            return Ok(Got::Unsupported {
                reason: "not-mapped".into(),
                detail: why.clone().unwrap_or_default(),
            });
        }
    };
    let parsed = (|| -> Result<_, Got> {
        let leaf = parse(&inputs.leaf, "the target")?;
        let trusted = (inputs.trusted.iter().enumerate())
            .map(|(i, p)| parse(p, &format!("trusted certificate {i}")))
            .collect::<Result<Vec<_>, _>>()?;
        let untrusted = (inputs.untrusted.iter().enumerate())
            .map(|(i, p)| parse(p, &format!("untrusted certificate {i}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((leaf, trusted, untrusted))
    })();
    let (leaf, trusted, untrusted) = match parsed {
        Ok(p) => p,
        Err(got) => return Ok(got),
    };
    let result = panic::catch_unwind(panic::AssertUnwindSafe(|| {
        verify::verify(&leaf, &trusted, &untrusted, &inputs.opts)
    }))
    .map_err(|_| format!("the verifier panicked on case {}", case.id))?;
    Ok(match result {
        Ok(_) => match missing_key_usage(&leaf, &inputs.leaf_key_usage) {
            Some(bit) => Got::Invalid {
                reason: "leaf-key-usage".into(),
                detail: format!(
                    "(checked by the harness) the case requires keyUsage {bit}, which the \
                     leaf's keyUsage lacks"
                ),
            },
            None => Got::Valid,
        },
        Err(f) => {
            let (reason, detail) = (
                f.reason.id().to_owned(),
                format!("at depth {}: {}", f.depth, f.detail),
            );
            if f.reason.is_unsupported() {
                Got::Unsupported { reason, detail }
            } else {
                Got::Invalid { reason, detail }
            }
        }
    })
}

/// The first of `required` that the leaf's keyUsage, when it has one, does not assert.
fn missing_key_usage(leaf: &CertView, required: &[&'static str]) -> Option<&'static str> {
    let ku = leaf.key_usage.as_ref()?;
    required.iter().copied().find(|bit| !match *bit {
        "digitalSignature" => ku.digital_signature(),
        "contentCommitment" => ku.non_repudiation(),
        "keyEncipherment" => ku.key_encipherment(),
        "dataEncipherment" => ku.data_encipherment(),
        "keyAgreement" => ku.key_agreement(),
        "keyCertSign" => ku.key_cert_sign(),
        "cRLSign" => ku.crl_sign(),
        "encipherOnly" => ku.encipher_only(),
        "decipherOnly" => ku.decipher_only(),
        _ => false,
    })
}

fn load(name: &str) -> Result<Vec<Case>, String> {
    match name {
        "pkits" => suites::pkits(),
        "chromium" => suites::chromium(),
        "limbo" => suites::limbo(),
        other => Err(format!("no suite {other}: {USAGE}")),
    }
}

/// Runs the suites (one, or all three), with openssl too when asked.
fn run(only: Option<&str>, vs_openssl: bool) -> Result<Vec<Suite>, String> {
    let scratch = if vs_openssl {
        Some(openssl::Scratch::new()?)
    } else {
        None
    };
    let mut out = Vec::new();
    for name in ["pkits", "chromium", "limbo"] {
        if only.is_some_and(|o| o != name) {
            continue;
        }
        let mut outcomes = Vec::new();
        for case in load(name)? {
            let got = judge(&case)?;
            let openssl = match (&scratch, &case.inputs) {
                (Some(s), Some(inputs)) => Some(openssl::verify(inputs, s)?),
                _ => None,
            };
            outcomes.push(Outcome {
                verdict: got.verdict(case.expect_valid),
                id: case.id,
                expect_valid: case.expect_valid,
                got,
                openssl,
            });
        }
        out.push(Suite {
            name,
            outcomes,
            vs_openssl,
        });
    }
    Ok(out)
}

fn count(o: &[Outcome], v: Verdict) -> usize {
    o.iter().filter(|x| x.verdict == v).count()
}

/// OpenSSL's counts on a suite: correct, wrong-accept, wrong-reject, not run.
fn openssl_counts(o: &[Outcome]) -> [usize; 4] {
    let mut c = [0; 4];
    for x in o {
        let i = match &x.openssl {
            None => 3,
            Some(s) if s.valid == x.expect_valid => 0,
            Some(s) if s.valid => 1,
            Some(_) => 2,
        };
        c[i] += 1;
    }
    c
}

fn counts_line(s: &Suite) -> String {
    let o = &s.outcomes;
    format!(
        "{}: {} cases: {} correct, {} wrong-accept, {} wrong-reject, {} unsupported",
        s.name,
        o.len(),
        count(o, Verdict::Correct),
        count(o, Verdict::WrongAccept),
        count(o, Verdict::WrongReject),
        count(o, Verdict::Unsupported)
    )
}

fn print(s: &Suite, verbose: bool) {
    println!("{}", counts_line(s));
    for o in &s.outcomes {
        if verbose || o.verdict != Verdict::Correct {
            println!(
                "  {:<12} {}: expected {}, got {}",
                o.verdict.name(),
                o.id,
                expected(o.expect_valid),
                o.got.describe()
            );
        }
    }
    if !s.vs_openssl {
        return;
    }
    let [c, wa, wr, nr] = openssl_counts(&s.outcomes);
    let mut differ = Vec::new();
    for o in &s.outcomes {
        let ours = match o.got {
            Got::Valid => true,
            Got::Invalid { .. } => false,
            Got::Unsupported { .. } => continue,
        };
        if let Some(t) = o.openssl.as_ref().filter(|t| t.valid != ours) {
            differ.push(format!(
                "  differs      {}: expected {}; pki: {}; openssl: {}",
                o.id,
                expected(o.expect_valid),
                o.got.describe(),
                if t.valid { "valid" } else { &t.error }
            ));
        }
    }
    println!(
        "{}: openssl verify: {} cases: {c} correct, {wa} wrong-accept, {wr} wrong-reject, {nr} \
         not run; pki {} correct; the verdicts differ on {}",
        s.name,
        s.outcomes.len(),
        count(&s.outcomes, Verdict::Correct),
        differ.len()
    );
    for d in differ {
        println!("{d}");
    }
}

fn doc_path() -> PathBuf {
    suites::repo().join("docs/conformance.md")
}

pub fn conformance(args: &[String]) -> Result<ExitCode, String> {
    let (mut vs, mut check, mut verbose, mut only) = (false, false, false, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--vs-openssl" => vs = true,
            "--check" => check = true,
            "--verbose" => verbose = true,
            "--suite" => {
                let s = it.next().ok_or(USAGE)?;
                if !["pkits", "chromium", "limbo"].contains(&s.as_str()) {
                    return Err(format!("no suite {s}: {USAGE}"));
                }
                only = Some(s.as_str());
            }
            other => return Err(format!("unknown option {other}: {USAGE}")),
        }
    }
    if check && only.is_some() {
        return Err("--check compares every suite with docs/conformance.md: drop --suite".into());
    }
    let version = if vs { Some(openssl::version()?) } else { None };
    let suites = run(only, vs)?;
    for s in &suites {
        print(s, verbose);
    }
    let mut failed = false;
    let wrong_accepts: usize = (suites.iter())
        .map(|s| count(&s.outcomes, Verdict::WrongAccept))
        .sum();
    if wrong_accepts > 0 {
        eprintln!(
            "xtask: {wrong_accepts} wrong-accept verdicts: pki says valid where the case must be refused"
        );
        failed = true;
    }
    if only.is_some() {
        println!("docs/conformance.md not written: --suite runs one suite");
    } else {
        let path = doc_path();
        let old = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !check => String::new(),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let section = version.map(|v| openssl_section(&suites, &v));
        let text = document(&suites, section, &old);
        if check {
            if text != old {
                eprintln!(
                    "xtask: {} is out of date (run cargo xtask conformance{}):\n{}",
                    path.display(),
                    if vs { " --vs-openssl" } else { "" },
                    diff_summary(&old, &text, 40)
                );
                failed = true;
            } else {
                println!("{} is up to date", path.display());
            }
        } else if text != old {
            fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("wrote {}", path.display());
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/conformance.md says what `cargo xtask conformance` finds today, and no suite has
    /// a wrong-accept.
    #[test]
    fn conformance_md_is_up_to_date() {
        let suites = run(None, false).expect("the suites run");
        for s in &suites {
            assert_eq!(
                count(&s.outcomes, Verdict::WrongAccept),
                0,
                "{}",
                counts_line(s)
            );
        }
        let old = fs::read_to_string(doc_path()).expect("docs/conformance.md");
        let new = document(&suites, None, &old);
        assert!(
            old == new,
            "docs/conformance.md is out of date: run cargo xtask conformance\n{}",
            diff_summary(&old, &new, 40)
        );
    }

    /// A certificate that does not parse is a refusal of that case, not an error or a panic.
    #[test]
    fn unreadable_certificates_are_refusals() {
        for leaf in [
            "",
            "not PEM",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        ] {
            let case = Case {
                id: "bad".into(),
                expect_valid: true,
                inputs: Some(suites::Inputs {
                    leaf: leaf.into(),
                    trusted: Vec::new(),
                    untrusted: Vec::new(),
                    opts: verify::Options::new(0),
                    leaf_key_usage: Vec::new(),
                }),
                unmapped: None,
            };
            let got = judge(&case).expect("no panic");
            assert!(
                matches!(&got, Got::Invalid { reason, .. } if reason == "parse-error"),
                "{leaf:?}: {got:?}"
            );
            assert_eq!(got.verdict(true), Verdict::WrongReject);
            assert_eq!(got.verdict(false), Verdict::Correct);
        }
    }
}
