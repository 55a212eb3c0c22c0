//! `cargo xtask conformance [--vs-openssl] [--check] [--verbose]`: the public path-validation
//! suites in tests/data (NIST PKITS, Chromium's verify_certificate_chain, x509-limbo) through
//! `pki_core::verify` in process, counted per suite as correct, wrong-accept, wrong-reject and
//! unsupported; `--vs-openssl` also runs the real `openssl verify` on every case, side by
//! side. Writes docs/conformance.md (`--check` compares instead, and a test does the same).
//! Exits 1 on any wrong-accept.

use std::{collections::BTreeMap, fmt::Write as _, fs, path::PathBuf, process::Command};

use pki_core::{
    verify::{self, CrlCheck, Options, Purpose},
    view::{self, CertView},
};
use serde_json::Value;

/// The fixed time of limbo cases without one, so that the report does not change by itself.
const LIMBO_DEFAULT_TIME: i64 = 1_704_067_200; // 2024-01-01T00:00:00Z
/// PKITS certificates are valid from 2010 to 2030.
const PKITS_TIME: i64 = 1_302_825_600; // 2011-04-15T00:00:00Z

/// One case, ready to run.
struct Case {
    id: String,
    expect_valid: bool,
    leaf: CertView,
    trusted: Vec<CertView>,
    untrusted: Vec<CertView>,
    opts: Options,
}

/// A case that could not be made (a certificate that does not parse, a feature not mapped).
enum Prepared {
    Run(Box<Case>),
    Unmapped {
        id: String,
        why: String,
        expect_valid: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    Correct,
    WrongAccept,
    WrongReject,
    Unsupported,
}

struct Outcome {
    id: String,
    expect_valid: bool,
    verdict: Verdict,
    why: String,
}

fn data() -> Result<PathBuf, String> {
    let p = super::root().join("tests/data");
    if !p.is_dir() {
        return Err(format!("the suites are missing: expected {}", p.display()));
    }
    Ok(p)
}

fn read_json(rel: &str) -> Result<Value, String> {
    let p = data()?.join(rel);
    let bytes = fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", p.display()))
}

fn pem_cert(v: &Value) -> Result<CertView, String> {
    let pem = v.as_str().ok_or("a certificate that is not a PEM string")?;
    let mut all = view::decode_all(pem.as_bytes()).map_err(|e| e.to_string())?;
    if all.is_empty() {
        return Err("no certificate".into());
    }
    Ok(all.swap_remove(0))
}

fn pkits() -> Result<Vec<Prepared>, String> {
    let suite = read_json("pkits/pkits_tests.json")?;
    let base = data()?.join("pkits/PKITS_data");
    let mut out = Vec::new();
    for c in suite["testcases"].as_array().ok_or("pkits: no testcases")? {
        let id = format!(
            "{} {}",
            c["test_number"].as_str().unwrap_or("?"),
            c["title"].as_str().unwrap_or("?")
        );
        let expect_valid = c["should_validate"] == true;
        let made = (|| -> Result<Case, String> {
            let load = |name: &Value| -> Result<CertView, String> {
                let name = name.as_str().ok_or("bad name")?;
                let p = base.join(format!("certs/{name}.crt"));
                let der = fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                CertView::from_der(&der).map_err(|e| format!("{name}: {e}"))
            };
            let certs: Vec<CertView> = c["certs"]
                .as_array()
                .ok_or("no certs")?
                .iter()
                .map(load)
                .collect::<Result<_, _>>()?;
            let mut opts = Options::new(PKITS_TIME);
            if let Some(set) = c["initial_policy_set"].as_array() {
                for p in set {
                    let p = p.as_str().ok_or("bad policy")?;
                    let oid = match p.strip_prefix("NIST-test-policy-") {
                        Some(n) => format!("2.16.840.1.101.3.2.1.48.{n}"),
                        None if p == "anyPolicy" => "2.5.29.32.0".into(),
                        None => return Err(format!("unknown policy {p}")),
                    };
                    opts.policy
                        .initial
                        .push(oid.parse().map_err(|_| "bad OID")?);
                }
            }
            opts.policy.explicit = c["initial_explicit_policy"] == true;
            opts.policy.inhibit_mapping = c["initial_policy_mapping_inhibit"] == true;
            opts.policy.inhibit_any = c["initial_inhibit_any_policy"] == true;
            let requires: Vec<&str> = c["requires"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if requires.contains(&"crl") {
                opts.crl_check = CrlCheck::All;
                for name in c["crls"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
                    let name = name.as_str().ok_or("bad CRL name")?;
                    let p = base.join(format!("crls/{name}.crl"));
                    opts.crls
                        .push(fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?);
                }
            }
            let (anchor, rest) = certs.split_first().ok_or("no anchor")?;
            let (leaf, middle) = rest.split_last().ok_or("no target")?;
            Ok(Case {
                id: id.clone(),
                expect_valid,
                leaf: leaf.clone(),
                trusted: vec![anchor.clone()],
                untrusted: middle.to_vec(),
                opts,
            })
        })();
        out.push(match made {
            Ok(case) => Prepared::Run(Box::new(case)),
            Err(why) => Prepared::Unmapped {
                id,
                why,
                expect_valid,
            },
        });
    }
    Ok(out)
}

fn chromium() -> Result<Vec<Prepared>, String> {
    let suite = read_json("chromium-verify-chain/chromium_verify_chain.json")?;
    let mut out = Vec::new();
    for c in suite["testcases"]
        .as_array()
        .ok_or("chromium: no testcases")?
    {
        let id = c["id"].as_str().unwrap_or("?").to_owned();
        let expect_valid = c["expected_valid"] == true;
        let made = (|| -> Result<Case, String> {
            let chain: Vec<CertView> = c["chain"]
                .as_array()
                .ok_or("no chain")?
                .iter()
                .map(pem_cert)
                .collect::<Result<_, _>>()?;
            let time = c["utc_time"].as_str().ok_or("no time")?;
            let t = pki_core::inspect::parse_time(time).ok_or("bad time")?;
            let mut opts = Options::new(verify::unix_time(t));
            // The suite's keys include RSA-1024, which it accepts.
            opts.min_rsa_bits = 1024;
            let purpose = c["key_purpose"].as_str().unwrap_or("");
            opts.purpose = match purpose {
                "ANY_EKU" => Purpose::Any,
                "SERVER_AUTH" | "SERVER_AUTH_STRICT" | "SERVER_AUTH_STRICT_LEAF" => {
                    Purpose::ServerAuth
                }
                "CLIENT_AUTH" | "CLIENT_AUTH_STRICT" | "CLIENT_AUTH_STRICT_LEAF" => {
                    Purpose::ClientAuth
                }
                other => return Err(format!("purpose {other} is not mapped")),
            };
            opts.require_leaf_eku = purpose.contains("STRICT");
            opts.require_ca_eku = purpose.ends_with("_STRICT");
            let (leaf, rest) = chain.split_first().ok_or("empty chain")?;
            let last = chain.last().ok_or("empty chain")?;
            let middle = if chain.len() > 2 {
                chain[1..chain.len() - 1].to_vec()
            } else {
                Vec::new()
            };
            let trust = c["last_cert_trust"].as_str().unwrap_or("");
            opts.anchor_constraints = trust.contains("CONSTRAINTS");
            opts.anchor_validity = trust.contains("EXPIRATION");
            // Chromium's trust anchors are whatever is trusted, self-signed or not.
            opts.partial_chain = true;
            let mut untrusted = middle;
            let lone = chain.len() == 1;
            if lone && trust.starts_with("TRUSTED_ANCHOR") && !trust.contains("OR_LEAF") {
                return Err(
                    "a lone target trusted only as an anchor is not mapped (pki, as OpenSSL, \
                     accepts a trusted self-signed target)"
                        .into(),
                );
            }
            // The trust applies to the last certificate: trusted as a leaf, it is an anchor
            // only when it is the target.
            let trusted = match trust {
                "TRUSTED_LEAF" if lone => vec![leaf.clone()],
                "TRUSTED_LEAF_REQUIRE_SELF_SIGNED" if lone => {
                    opts.partial_chain = false;
                    vec![leaf.clone()]
                }
                "TRUSTED_LEAF" | "TRUSTED_LEAF_REQUIRE_SELF_SIGNED" => Vec::new(),
                "TRUSTED_ANCHOR_OR_LEAF" => vec![last.clone(), leaf.clone()],
                "DISTRUSTED" | "UNSPECIFIED" => Vec::new(),
                t if t.starts_with("TRUSTED_ANCHOR") => vec![last.clone()],
                other => return Err(format!("trust {other} is not mapped")),
            };
            if !rest.is_empty() && !trusted.iter().any(|t| t.der == last.der) {
                untrusted.push(last.clone());
            }
            Ok(Case {
                id: id.clone(),
                expect_valid,
                leaf: leaf.clone(),
                trusted,
                untrusted,
                opts,
            })
        })();
        out.push(match made {
            Ok(case) => Prepared::Run(Box::new(case)),
            Err(why) => Prepared::Unmapped {
                id,
                why,
                expect_valid,
            },
        });
    }
    Ok(out)
}

fn limbo() -> Result<Vec<Prepared>, String> {
    let suite = read_json("limbo/limbo-2023-12-02-ddc40b4.json")?;
    let mut out = Vec::new();
    for c in suite["testcases"].as_array().ok_or("limbo: no testcases")? {
        let id = c["id"].as_str().unwrap_or("?").to_owned();
        let expect_valid = c["expected_result"] == "SUCCESS";
        let made = (|| -> Result<Case, String> {
            if c["validation_kind"] != "SERVER" {
                return Err("only SERVER cases are mapped".into());
            }
            let features: Vec<&str> = c["features"]
                .as_array()
                .map(|f| f.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(f) = features
                .iter()
                .find(|f| f.starts_with("pedantic") || **f == "rfc5280-incompatible-with-webpki")
            {
                return Err(format!(
                    "feature {f} is not mapped: pki applies no rule beyond RFC 5280's and its \
                     own strict profile"
                ));
            }
            let certs = |k: &str| -> Result<Vec<CertView>, String> {
                c[k].as_array()
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                    .iter()
                    .map(pem_cert)
                    .collect()
            };
            let time = match c["validation_time"].as_str() {
                Some(t) => verify::unix_time(
                    pki_core::inspect::parse_time(t).ok_or(format!("bad time {t}"))?,
                ),
                None => LIMBO_DEFAULT_TIME,
            };
            let mut opts = Options::new(time);
            // limbo judges RFC 5280's MUSTs: pki's strict profile (pki verify --strict).
            opts.strict = true;
            if let Some(ekus) = c["extended_key_usage"].as_array() {
                let names: Vec<&str> = ekus.iter().filter_map(Value::as_str).collect();
                opts.purpose = match names.as_slice() {
                    [] => Purpose::Any,
                    ["serverAuth"] => Purpose::ServerAuth,
                    ["clientAuth"] => Purpose::ClientAuth,
                    other => return Err(format!("extended_key_usage {other:?} is not mapped")),
                };
            }
            if let Some(d) = c["max_chain_depth"].as_u64() {
                opts.max_depth = usize::try_from(d).map_err(|_| "depth")?;
            }
            match c["expected_peer_name"]["kind"].as_str() {
                None => {}
                Some("DNS") => {
                    opts.host = c["expected_peer_name"]["value"].as_str().map(str::to_owned)
                }
                Some("IP") => {
                    let v = c["expected_peer_name"]["value"].as_str().ok_or("no IP")?;
                    opts.ip = Some(v.parse().map_err(|_| format!("bad IP {v}"))?);
                }
                Some("RFC822") => {
                    opts.email = c["expected_peer_name"]["value"].as_str().map(str::to_owned);
                }
                Some(k) => return Err(format!("peer name kind {k} is not mapped")),
            }
            Ok(Case {
                id: id.clone(),
                expect_valid,
                leaf: pem_cert(&c["peer_certificate"])?,
                trusted: certs("trusted_certs")?,
                untrusted: certs("untrusted_intermediates")?,
                opts,
            })
        })();
        out.push(match made {
            Ok(case) => Prepared::Run(Box::new(case)),
            Err(why) => Prepared::Unmapped {
                id,
                why,
                expect_valid,
            },
        });
    }
    Ok(out)
}

fn judge(p: &Prepared) -> Outcome {
    match p {
        Prepared::Unmapped {
            id,
            why,
            expect_valid,
        } => Outcome {
            id: id.clone(),
            expect_valid: *expect_valid,
            // A case whose certificates pki cannot read is refused: right when it must be.
            verdict: if why.contains("not mapped") || *expect_valid {
                Verdict::Unsupported
            } else {
                Verdict::Correct
            },
            why: why.clone(),
        },
        Prepared::Run(c) => {
            let r = verify::verify(&c.leaf, &c.trusted, &c.untrusted, &c.opts);
            let (verdict, why) = match (&r, c.expect_valid) {
                (Ok(_), true) => (Verdict::Correct, String::new()),
                (Ok(_), false) => (Verdict::WrongAccept, "accepted".into()),
                (Err(f), _) if f.reason.is_unsupported() => (Verdict::Unsupported, f.to_string()),
                (Err(f), true) => (Verdict::WrongReject, f.to_string()),
                (Err(f), false) => (Verdict::Correct, f.to_string()),
            };
            Outcome {
                id: c.id.clone(),
                expect_valid: c.expect_valid,
                verdict,
                why,
            }
        }
    }
}

/// The real openssl's verdict on a case: `Some(valid)`, `None` when it cannot be asked.
fn openssl(c: &Case, dir: &std::path::Path) -> Option<bool> {
    let write = |name: &str, certs: &[&CertView]| -> Option<PathBuf> {
        let mut pem = String::new();
        for c in certs {
            pem.push_str(&pki_core::pem::encode("CERTIFICATE", &c.der));
        }
        let p = dir.join(name);
        fs::write(&p, pem).ok()?;
        Some(p)
    };
    let ca = write("ca.pem", &c.trusted.iter().collect::<Vec<_>>())?;
    let untrusted = write("untrusted.pem", &c.untrusted.iter().collect::<Vec<_>>())?;
    let leaf = write("leaf.pem", &[&c.leaf])?;
    let mut cmd = Command::new("openssl");
    cmd.arg("verify").arg("-CAfile").arg(&ca);
    if !c.untrusted.is_empty() {
        cmd.arg("-untrusted").arg(&untrusted);
    }
    cmd.args(["-attime", &c.opts.time.to_string()]);
    match c.opts.purpose {
        Purpose::ServerAuth => cmd.args(["-purpose", "sslserver"]),
        Purpose::ClientAuth => cmd.args(["-purpose", "sslclient"]),
        Purpose::Any => &mut cmd,
    };
    if let Some(h) = &c.opts.host {
        cmd.args(["-verify_hostname", h]);
    }
    if let Some(ip) = c.opts.ip {
        cmd.args(["-verify_ip", &ip.to_string()]);
    }
    if let Some(e) = &c.opts.email {
        cmd.args(["-verify_email", e]);
    }
    if c.opts.partial_chain {
        cmd.arg("-partial_chain");
    }
    if c.opts.max_depth != Options::new(0).max_depth {
        cmd.args(["-verify_depth", &c.opts.max_depth.to_string()]);
    }
    for p in &c.opts.policy.initial {
        cmd.args(["-policy", &p.to_string()]);
    }
    if c.opts.policy.explicit {
        cmd.arg("-explicit_policy");
    }
    if c.opts.policy.inhibit_any {
        cmd.arg("-inhibit_any");
    }
    if c.opts.policy.inhibit_mapping {
        cmd.arg("-inhibit_map");
    }
    if !c.opts.policy.initial.is_empty() || c.opts.policy.explicit {
        cmd.arg("-policy_check");
    }
    if c.opts.crl_check != CrlCheck::None {
        let mut pem = String::new();
        for der in &c.opts.crls {
            pem.push_str(&pki_core::pem::encode("X509 CRL", der));
        }
        let p = dir.join("crls.pem");
        fs::write(&p, pem).ok()?;
        cmd.arg("-crl_check_all").arg("-CRLfile").arg(&p);
    }
    cmd.arg(&leaf);
    Some(cmd.output().ok()?.status.success())
}

type Suites = Vec<(&'static str, Vec<Outcome>, Option<Vec<Option<bool>>>)>;

fn run_all(vs_openssl: bool) -> Result<Suites, String> {
    let tmp = std::env::temp_dir().join(format!("pki-conformance-{}", std::process::id()));
    let mut out = Vec::new();
    for (name, cases) in [
        ("pkits", pkits()?),
        ("chromium", chromium()?),
        ("limbo", limbo()?),
    ] {
        let outcomes: Vec<Outcome> = cases.iter().map(judge).collect();
        let theirs = if vs_openssl {
            fs::create_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
            Some(
                cases
                    .iter()
                    .map(|p| match p {
                        Prepared::Run(c) => openssl(c, &tmp),
                        Prepared::Unmapped { .. } => None,
                    })
                    .collect(),
            )
        } else {
            None
        };
        out.push((name, outcomes, theirs));
    }
    let _ = fs::remove_dir_all(&tmp);
    Ok(out)
}

fn count(o: &[Outcome]) -> BTreeMap<Verdict, usize> {
    let mut m = BTreeMap::new();
    for v in [
        Verdict::Correct,
        Verdict::WrongAccept,
        Verdict::WrongReject,
        Verdict::Unsupported,
    ] {
        m.insert(v, o.iter().filter(|x| x.verdict == v).count());
    }
    m
}

/// docs/conformance.md, from the in-process outcomes only (deterministic).
fn report(suites: &Suites) -> String {
    let mut s = String::from(
        "# Conformance: the public path-validation suites\n\n\
         Generated by `cargo xtask conformance` (do not edit; `cargo xtask conformance --check`, \
         also run by `cargo test`, fails when this file is out of date). Every case of NIST \
         PKITS 1.0.1, Chromium's verify_certificate_chain tests and x509-limbo (2023-12-02) in \
         `tests/data`, through `pki_core::verify` in process. *correct*: the expected verdict; \
         *wrong-accept*: valid where the case must be refused (CI fails on any); \
         *wrong-reject*: refused where the case is valid; *unsupported*: pki cannot tell (a \
         feature it does not implement; never valid) or the case's inputs are not mapped.\n\n\
         How cases are mapped: PKITS at 2011-04-15, anchor first, CRLs checked (all \
         certificates) only for cases that require CRL processing, the case's policy inputs. \
         Chromium: the case's time and purpose, `*_STRICT*` purposes requiring \
         extendedKeyUsage on the leaf, the last certificate trusted as its `last_cert_trust` \
         says (its own constraints and validity applied only for the `WITH_CONSTRAINTS` and \
         `WITH_EXPIRATION` kinds, as Chromium does), RSA keys from 1024 bits, as that \
         suite does. limbo: SERVER \
         cases with their peer name, EKU and depth; cases without a validation time at \
         2024-01-01, with pki's strict profile (`--strict`: RFC 5280's MUSTs on key identifiers, \
         criticality and versions), cases marked `pedantic-*` or \
         `rfc5280-incompatible-with-webpki` not mapped.\n\n\
         `cargo xtask conformance --vs-openssl` runs the real `openssl verify` on the same \
         inputs and prints both; the issue that asked for this suite measured OpenSSL 3.0 at \
         PKITS 247/249, Chromium 144/197, limbo 97/135 correct.\n\n\
         | suite | cases | correct | wrong-accept | wrong-reject | unsupported |\n\
         |---|---|---|---|---|---|\n",
    );
    for (name, outcomes, _) in suites {
        let c = count(outcomes);
        let _ = writeln!(
            s,
            "| {name} | {} | {} | {} | {} | {} |",
            outcomes.len(),
            c[&Verdict::Correct],
            c[&Verdict::WrongAccept],
            c[&Verdict::WrongReject],
            c[&Verdict::Unsupported]
        );
    }
    for (name, outcomes, _) in suites {
        let _ = writeln!(s, "\n## {name}: cases pki does not get right\n");
        let mut any = false;
        for o in outcomes.iter().filter(|o| o.verdict != Verdict::Correct) {
            any = true;
            let v = match o.verdict {
                Verdict::WrongAccept => "wrong-accept",
                Verdict::WrongReject => "wrong-reject",
                _ => "unsupported",
            };
            let why = o.why.replace('|', "\\|");
            let _ = writeln!(
                s,
                "- `{}` (expected {}): {v}: {why}",
                o.id,
                if o.expect_valid { "valid" } else { "invalid" }
            );
        }
        if !any {
            s.push_str("None.\n");
        }
    }
    s
}

fn doc_path() -> PathBuf {
    super::root().join("docs/conformance.md")
}

pub fn conformance(args: &[String]) -> Result<(), String> {
    let (mut vs, mut check, mut verbose) = (false, false, false);
    for a in args {
        match a.as_str() {
            "--vs-openssl" => vs = true,
            "--check" => check = true,
            "--verbose" => verbose = true,
            other => {
                return Err(format!(
                    "unknown option {other}: usage: cargo xtask conformance [--vs-openssl] [--check] [--verbose]"
                ));
            }
        }
    }
    let suites = run_all(vs)?;
    let mut wrong_accepts = 0;
    for (name, outcomes, theirs) in &suites {
        let c = count(outcomes);
        wrong_accepts += c[&Verdict::WrongAccept];
        println!(
            "{name}: {} cases: {} correct, {} wrong-accept, {} wrong-reject, {} unsupported",
            outcomes.len(),
            c[&Verdict::Correct],
            c[&Verdict::WrongAccept],
            c[&Verdict::WrongReject],
            c[&Verdict::Unsupported]
        );
        if let Some(theirs) = theirs {
            let correct = outcomes
                .iter()
                .zip(theirs)
                .filter(|(o, t)| **t == Some(o.expect_valid))
                .count();
            println!(
                "{name}: openssl verify: {correct}/{} correct",
                outcomes.len()
            );
            for (o, t) in outcomes.iter().zip(theirs) {
                let ours = matches!(o.verdict, Verdict::Correct) == o.expect_valid
                    || o.verdict == Verdict::WrongAccept;
                if let Some(t) = t
                    && *t != ours
                    && o.verdict != Verdict::Unsupported
                {
                    println!(
                        "  differs: {} (expected {}): openssl says {}, pki says {}",
                        o.id,
                        if o.expect_valid { "valid" } else { "invalid" },
                        if *t { "valid" } else { "invalid" },
                        if ours { "valid" } else { "invalid" }
                    );
                }
            }
        }
        for o in outcomes
            .iter()
            .filter(|o| verbose || o.verdict == Verdict::WrongAccept)
        {
            println!(
                "  {:?}: {} (expected valid: {}): {}",
                o.verdict, o.id, o.expect_valid, o.why
            );
        }
    }
    let text = report(&suites);
    if check {
        let old = fs::read_to_string(doc_path()).unwrap_or_default();
        if old != text {
            return Err(
                "docs/conformance.md is out of date: run cargo xtask conformance".to_owned(),
            );
        }
    } else {
        fs::write(doc_path(), &text)
            .map_err(|e| format!("cannot write docs/conformance.md: {e}"))?;
    }
    if wrong_accepts > 0 {
        return Err(format!("{wrong_accepts} wrong-accept verdicts"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// docs/conformance.md says what `cargo xtask conformance` finds today, and no suite has a
    /// wrong-accept.
    #[test]
    fn conformance_md_is_up_to_date() {
        super::conformance(&["--check".to_owned()]).expect("conformance --check");
    }
}
