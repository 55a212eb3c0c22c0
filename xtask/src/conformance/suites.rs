//! The three suites, read from `tests/data` and mapped to the verifier's inputs: NIST PKITS
//! (BoringSSL's case list), Chromium's verify_certificate_chain tests, x509-limbo.
//!
//! A case whose inputs cannot be said in [`Options`] is kept, with the reason, so that it is
//! counted as unsupported rather than left out; where the real openssl can still be asked
//! (the inputs are known, only pki's options lack a word for them), the inputs are kept too.

use std::{fs, path::PathBuf};

use pki_core::verify::{CrlCheck, Options, Purpose};
use serde_json::Value;

/// The fixed time of limbo cases without one ("now" upstream), so that the report does not
/// change by itself.
pub const LIMBO_DEFAULT_TIME: i64 = 1_704_067_200; // 2024-01-01T00:00:00Z
/// PKITS certificates are valid from 2010 to 2030.
const PKITS_TIME: i64 = 1_302_825_600; // 2011-04-15T00:00:00Z

pub const PKITS_JSON: &str = "pkits/pkits_tests.json";
pub const CHROMIUM_JSON: &str = "chromium-verify-chain/chromium_verify_chain.json";
pub const LIMBO_JSON: &str = "limbo/limbo-2023-12-02-ddc40b4.json";

/// One case of a suite.
#[derive(Debug)]
pub struct Case {
    pub id: String,
    pub expect_valid: bool,
    /// The inputs, when the case could be read; `None` only with `unmapped`.
    pub inputs: Option<Inputs>,
    /// Why pki's verifier is not asked (the case counts as unsupported).
    pub unmapped: Option<String>,
}

/// The inputs of one verification. Certificates are PEM text as the suite gives them (PKITS'
/// DER files only base64-armoured), parsed when the case runs, so that a certificate pki cannot
/// read is a verdict of that case, and still reaches openssl as it was.
#[derive(Debug)]
pub struct Inputs {
    pub leaf: String,
    pub trusted: Vec<String>,
    pub untrusted: Vec<String>,
    pub opts: Options,
    /// keyUsage bits the leaf must assert when it has keyUsage (limbo's `key_usage`), checked
    /// by the harness after the verifier: pki has no option for it.
    pub leaf_key_usage: Vec<&'static str>,
}

/// The keyUsage names limbo uses (RFC 5280 4.2.1.3).
pub const KEY_USAGES: &[&str] = &[
    "digitalSignature",
    "contentCommitment",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
];

/// The repository's root, without the `xtask/..` of [`crate::root`] when it can.
pub fn repo() -> PathBuf {
    let r = crate::root();
    r.canonicalize().unwrap_or(r)
}

/// `<repo>/tests/data/<rel>`, which must exist.
pub fn data(rel: &str) -> Result<PathBuf, String> {
    let p = repo().join("tests/data").join(rel);
    if !p.exists() {
        return Err(format!(
            "the conformance suites are missing: expected {} (tests/data/README.md says where \
             they come from)",
            p.display()
        ));
    }
    Ok(p)
}

fn read_json(rel: &str) -> Result<Value, String> {
    let p = data(rel)?;
    let bytes = fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", p.display()))
}

fn cases<'a>(suite: &'a Value, rel: &str) -> Result<&'a Vec<Value>, String> {
    suite["testcases"]
        .as_array()
        .ok_or_else(|| format!("{rel}: no \"testcases\" array"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn pem_string(v: &Value) -> Result<String, String> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| "a certificate that is not a PEM string".to_owned())
}

/// Seconds since 1970 of an RFC 3339 date-time: `2021-10-05T12:00:00Z`,
/// `2023-07-10T00:00:00+00:00`, fractions of a second dropped.
pub fn rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let d = b.get(r)?;
        if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(d).ok()?.parse().ok()
    };
    let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let days_in_month = *month_days.get(usize::try_from(mo).ok()?.checked_sub(1)?)?;
    if d < 1 || d > days_in_month || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    if sep(i, b".") {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset = match b.get(i..)? {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), ..] if b.len() == i + 6 && sep(i + 3, b":") => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'-' { -o } else { o }
        }
        _ => return None,
    };
    let days = pki_core::inspect::days_from_civil(y, mo, d);
    Some(days * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// The OID of a PKITS policy name as the case list spells it.
fn pkits_policy(name: &str) -> Result<String, String> {
    match name.strip_prefix("NIST-test-policy-") {
        Some(n) if !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) => {
            Ok(format!("2.16.840.1.101.3.2.1.48.{n}"))
        }
        _ if name == "anyPolicy" => Ok("2.5.29.32.0".to_owned()),
        _ => Err(format!("policy {name} is not mapped")),
    }
}

/// PKITS: the anchor is `certs[0]`, the target the last, the rest untrusted; CRLs checked for
/// every certificate only where the case requires CRL processing.
pub fn pkits() -> Result<Vec<Case>, String> {
    let suite = read_json(PKITS_JSON)?;
    let base = data("pkits/PKITS_data")?;
    let mut out = Vec::new();
    for c in cases(&suite, PKITS_JSON)? {
        let id = format!(
            "{} {}",
            c["test_number"].as_str().unwrap_or("?"),
            c["title"].as_str().unwrap_or("?")
        );
        let expect_valid = c["should_validate"] == true;
        let made = (|| -> Result<Inputs, String> {
            let load = |name: &str| -> Result<String, String> {
                let p = base.join(format!("certs/{name}.crt"));
                let der = fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
                Ok(pki_core::pem::encode("CERTIFICATE", &der))
            };
            let names = strings(&c["certs"]);
            let (anchor, rest) = names.split_first().ok_or("no certificates")?;
            let (target, middle) = rest.split_last().ok_or("no target")?;
            let mut opts = Options::new(PKITS_TIME);
            // PKITS tests path validation, not algorithm policy: its DSA cases are DSA-1024
            // with SHA-1, which OpenSSL's default security level accepts.
            opts.allow_sha1 = true;
            opts.allow_dsa = true;
            opts.min_rsa_bits = 1024;
            for p in strings(&c["initial_policy_set"]) {
                let oid = pkits_policy(p)?;
                opts.policy.initial.push(
                    oid.parse()
                        .map_err(|_| format!("policy {p}: bad OID {oid}"))?,
                );
            }
            opts.policy.explicit = c["initial_explicit_policy"] == true;
            opts.policy.inhibit_mapping = c["initial_policy_mapping_inhibit"] == true;
            opts.policy.inhibit_any = c["initial_inhibit_any_policy"] == true;
            if strings(&c["requires"]).contains(&"crl") {
                opts.crl_check = CrlCheck::All;
                for name in strings(&c["crls"]) {
                    let p = base.join(format!("crls/{name}.crl"));
                    opts.crls.push(
                        fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?,
                    );
                }
            }
            Ok(Inputs {
                leaf: load(target)?,
                trusted: vec![load(anchor)?],
                untrusted: middle.iter().map(|n| load(n)).collect::<Result<_, _>>()?,
                opts,
                leaf_key_usage: Vec::new(),
            })
        })();
        out.push(match made {
            Ok(inputs) => Case {
                id,
                expect_valid,
                inputs: Some(inputs),
                unmapped: None,
            },
            Err(why) => Case {
                id,
                expect_valid,
                inputs: None,
                unmapped: Some(why),
            },
        });
    }
    Ok(out)
}

/// Chromium: the case's time and purpose; the last certificate trusted as `last_cert_trust`
/// says, the ones between it and the target untrusted.
pub fn chromium() -> Result<Vec<Case>, String> {
    let suite = read_json(CHROMIUM_JSON)?;
    let mut out = Vec::new();
    for c in cases(&suite, CHROMIUM_JSON)? {
        let id = c["id"].as_str().unwrap_or("?").to_owned();
        let expect_valid = c["expected_valid"] == true;
        let mut unmapped = None;
        let made = (|| -> Result<Inputs, String> {
            let chain: Vec<String> = c["chain"]
                .as_array()
                .ok_or("no chain")?
                .iter()
                .map(pem_string)
                .collect::<Result<_, _>>()?;
            let (leaf, rest) = chain.split_first().ok_or("empty chain")?;
            let last = chain.last().ok_or("empty chain")?;
            let time = c["utc_time"].as_str().ok_or("no utc_time")?;
            let mut opts = Options::new(rfc3339(time).ok_or(format!("bad utc_time {time}"))?);
            // Chromium's test delegate: RSA keys from 1024 bits, SHA-1 accepted unless the
            // case says `digest_policy: STRONG`.
            opts.min_rsa_bits = 1024;
            opts.allow_sha1 = c["extra"]["digest_policy"] != "STRONG";
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
            opts.require_leaf_eku = purpose.contains("_STRICT");
            opts.require_ca_eku = purpose.ends_with("_STRICT");
            let trust = c["last_cert_trust"].as_str().unwrap_or("");
            opts.anchor_constraints = trust.contains("CONSTRAINTS");
            opts.anchor_validity = trust.contains("EXPIRATION");
            // Chromium's anchors are whatever is trusted, self-signed or not.
            opts.partial_chain = true;
            let lone = rest.is_empty();
            // The trust is the last certificate's: trusted as a leaf, it is an anchor only
            // when it is the target.
            let trusted = match trust {
                "TRUSTED_LEAF" if lone => vec![leaf.clone()],
                "TRUSTED_LEAF_REQUIRE_SELF_SIGNED" if lone => {
                    opts.partial_chain = false;
                    vec![leaf.clone()]
                }
                "TRUSTED_LEAF" | "TRUSTED_LEAF_REQUIRE_SELF_SIGNED" => Vec::new(),
                "TRUSTED_ANCHOR_OR_LEAF" => vec![last.clone(), leaf.clone()],
                "DISTRUSTED" | "UNSPECIFIED" => Vec::new(),
                t if t.starts_with("TRUSTED_ANCHOR") => {
                    if lone {
                        // Trusted as an anchor, the target may not be its own path in
                        // Chromium; pki (as OpenSSL) accepts a trusted self-signed target
                        // and has no option to refuse it. openssl is still asked.
                        unmapped = Some(
                            "a lone target trusted only as an anchor is not mapped (pki, as \
                             OpenSSL, accepts a trusted self-signed target)"
                                .to_owned(),
                        );
                        opts.partial_chain = false;
                    }
                    vec![last.clone()]
                }
                other => return Err(format!("trust {other} is not mapped")),
            };
            let mut untrusted = rest
                .split_last()
                .map(|(_, middle)| middle.to_vec())
                .unwrap_or_default();
            if !lone && !trusted.contains(last) {
                untrusted.push(last.clone());
            }
            Ok(Inputs {
                leaf: leaf.clone(),
                trusted,
                untrusted,
                opts,
                leaf_key_usage: Vec::new(),
            })
        })();
        out.push(match made {
            Ok(inputs) => Case {
                id,
                expect_valid,
                inputs: Some(inputs),
                unmapped,
            },
            Err(why) => Case {
                id,
                expect_valid,
                inputs: None,
                unmapped: Some(why),
            },
        });
    }
    Ok(out)
}

/// limbo: SERVER cases with their peer name, EKU, keyUsage and depth, under pki's strict
/// profile; the features that judge beyond RFC 5280 are not mapped.
pub fn limbo() -> Result<Vec<Case>, String> {
    let suite = read_json(LIMBO_JSON)?;
    let mut out = Vec::new();
    for c in cases(&suite, LIMBO_JSON)? {
        let id = c["id"].as_str().unwrap_or("?").to_owned();
        let expect_valid = c["expected_result"] == "SUCCESS";
        // Rules beyond RFC 5280 and pki's strict profile: pki is not asked, openssl is.
        let unmapped = strings(&c["features"])
            .into_iter()
            .find(|f| f.starts_with("pedantic") || *f == "rfc5280-incompatible-with-webpki")
            .map(|f| {
                format!(
                    "feature {f} is not mapped: pki applies no rule beyond RFC 5280's and its \
                     own strict profile"
                )
            });
        let made = (|| -> Result<Inputs, String> {
            if c["validation_kind"] != "SERVER" {
                return Err(format!(
                    "validation_kind {} is not mapped (only SERVER)",
                    c["validation_kind"]
                ));
            }
            if c["signature_algorithms"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
            {
                return Err("signature_algorithms is not mapped".into());
            }
            let certs = |k: &str| -> Result<Vec<String>, String> {
                c[k].as_array()
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                    .iter()
                    .map(pem_string)
                    .collect()
            };
            let time = match &c["validation_time"] {
                Value::Null => LIMBO_DEFAULT_TIME,
                v => {
                    let t = v.as_str().ok_or("validation_time is not a string")?;
                    rfc3339(t).ok_or(format!("bad validation_time {t}"))?
                }
            };
            let mut opts = Options::new(time);
            // limbo judges RFC 5280's MUSTs: pki's strict profile (pki verify --strict).
            opts.strict = true;
            if !c["extended_key_usage"].is_null() {
                opts.purpose = match strings(&c["extended_key_usage"]).as_slice() {
                    [] => Purpose::Any,
                    ["serverAuth"] => Purpose::ServerAuth,
                    ["clientAuth"] => Purpose::ClientAuth,
                    other => return Err(format!("extended_key_usage {other:?} is not mapped")),
                };
            }
            let mut leaf_key_usage = Vec::new();
            for k in strings(&c["key_usage"]) {
                let known = KEY_USAGES.iter().find(|n| **n == k);
                leaf_key_usage.push(*known.ok_or(format!("key_usage {k} is not mapped"))?);
            }
            if let Some(d) = c["max_chain_depth"].as_u64() {
                opts.max_depth = usize::try_from(d).map_err(|_| format!("max_chain_depth {d}"))?;
            }
            let peer = &c["expected_peer_name"];
            let value = || {
                peer["value"]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or("expected_peer_name without a value")
            };
            match &peer["kind"] {
                Value::Null => {}
                k if k == "DNS" => opts.host = Some(value()?),
                k if k == "IP" => {
                    let v = value()?;
                    opts.ip = Some(v.parse().map_err(|_| format!("bad IP {v}"))?);
                }
                k if k == "RFC822" => opts.email = Some(value()?),
                k => return Err(format!("peer name kind {k} is not mapped")),
            }
            Ok(Inputs {
                leaf: pem_string(&c["peer_certificate"])?,
                trusted: certs("trusted_certs")?,
                untrusted: certs("untrusted_intermediates")?,
                opts,
                leaf_key_usage,
            })
        })();
        out.push(match made {
            Ok(inputs) => Case {
                id,
                expect_valid,
                inputs: Some(inputs),
                unmapped,
            },
            Err(why) => Case {
                id,
                expect_valid,
                inputs: None,
                unmapped: Some(why),
            },
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{data, rfc3339};

    #[test]
    fn missing_data_names_the_path() {
        let e = data("no-such-suite/cases.json").expect_err("no such file");
        assert!(e.contains("tests/data/no-such-suite/cases.json"), "{e}");
    }

    #[test]
    fn rfc3339_times() {
        assert_eq!(rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(rfc3339("2011-04-15T00:00:00Z"), Some(1_302_825_600));
        assert_eq!(rfc3339("2024-01-01T00:00:00Z"), Some(1_704_067_200));
        assert_eq!(rfc3339("2021-10-05T12:00:00Z"), Some(1_633_435_200));
        assert_eq!(rfc3339("2023-07-10T00:00:00+00:00"), Some(1_688_947_200));
        assert_eq!(rfc3339("2023-07-10T02:00:00.5+02:00"), Some(1_688_947_200));
        assert_eq!(rfc3339("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(rfc3339("1969-12-31T23:59:59Z"), Some(-1));
        for bad in [
            "",
            "2023-07-10",
            "2023-07-10T00:00:00",
            "2023-02-29T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2023-07-10T24:00:00Z",
            "2023-07-10T00:00:00+0000",
            "2023-07-10T00:00:00.Z",
            "2023-07-10T00:00:00Zjunk",
            "+023-07-10T00:00:00Z",
        ] {
            assert_eq!(rfc3339(bad), None, "{bad}");
        }
    }
}
