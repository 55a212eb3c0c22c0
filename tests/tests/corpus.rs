//! `show` and `lint` over every file of tests/data/corpus (fuzz corpora, zlint, CT and
//! PKITS certificates, many malformed): no panic, every failure a one-line error naming its
//! DER byte, and the files the corpus MANIFEST marks as well-formed shown; then every PKITS
//! and x509-limbo certificate.
//!
//! Library calls, not the binary, so the 3,000 files take about a second: the same functions
//! `pki show` and `pki lint` call, text and JSON renderings included.

use std::{
    collections::BTreeMap,
    path::PathBuf,
    time::{Duration, SystemTime},
};

use pki_core::{
    inspect::{self, Object},
    lint::{self, Profile},
};
use pki_tests::{data_path, read};
use x509_cert::request::CertReq;

/// A fixed time, so that validity states do not change with the date.
fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_456_000) // 2030-01-01
}

/// (path, expectation) of every MANIFEST entry whose file is present.
fn manifest() -> Vec<(PathBuf, String)> {
    let root = data_path("corpus");
    let text = String::from_utf8(read(&root.join("MANIFEST.tsv"))).expect("MANIFEST is UTF-8");
    let entries: Vec<(PathBuf, String)> = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let rel = cols.first()?;
            // The MANIFEST names the corpus's origin folders; the files sit below corpus/.
            let p = root.join(rel.strip_prefix("fuzz/").unwrap_or(rel));
            p.is_file()
                .then(|| (p, cols.get(3).copied().unwrap_or("").to_owned()))
        })
        .collect();
    assert!(
        entries.len() > 3000,
        "expected the 3,233 corpus files of MANIFEST.tsv, found {}",
        entries.len()
    );
    entries
}

fn is_ok_expected(expect: &str) -> bool {
    ["cert-ok", "csr-ok", "privkey-ok"]
        .iter()
        .any(|k| expect.starts_with(k))
}

#[test]
fn show_reads_every_corpus_file_without_panic() {
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    let mut shown = 0;
    let mut missed = Vec::new();
    let entries = manifest();
    let ok_certs = entries
        .iter()
        .filter(|(_, e)| e.starts_with("cert-ok"))
        .count();
    for (path, expect) in entries {
        let input = read(&path);
        match inspect::inspect(&input, now()) {
            Ok(objects) => {
                for d in &objects {
                    let text = inspect::text::render(&d.object, false);
                    assert!(text.ends_with('\n'), "{}", path.display());
                    serde_json::to_string(&d.object)
                        .unwrap_or_else(|e| panic!("{}: JSON: {e}", path.display()));
                    shown += 1;
                    lint_object(&d.object, &d.der);
                }
            }
            Err(e) => {
                let msg = inspect::error_text(&e);
                assert!(!msg.contains('\n'), "{}: {msg}", path.display());
                assert!(!msg.is_empty(), "{}", path.display());
                // A DER error says where decoding stopped.
                if msg.contains("malformed ") {
                    assert!(msg.contains(" at DER byte "), "{}: {msg}", path.display());
                }
                // An error must come from a structure pki reads, with a reason.
                *failures.entry(kind(&msg)).or_default() += 1;
                if expect.starts_with("cert-ok") {
                    missed.push(format!("{}: {msg}", path.display()));
                }
            }
        }
    }
    assert!(shown > 1800, "only {shown} objects shown");
    // The der crate refuses a few encodings other parsers accept (OIDs such as 2.15028.6,
    // UniversalString, GeneralizedTime with fractions; docs/cli.md lists them): those
    // certificates get a DER error, and must stay rare (72 of 1,692 when this was written).
    assert!(
        missed.len() * 100 <= ok_certs * 5,
        "{} of {ok_certs} well-formed certificates not shown:\n{}",
        missed.len(),
        missed.join("\n")
    );
    for m in &missed {
        assert!(
            m.contains(": malformed ") || m.contains(": invalid PEM"),
            "not a decoding error: {m}"
        );
    }
    eprintln!(
        "{shown} objects shown; {} of {ok_certs} well-formed certificates not shown; \
         errors by kind: {failures:?}",
        missed.len()
    );
}

/// The first words of an error message, to count errors by kind.
fn kind(msg: &str) -> String {
    msg.split([':', '(']).next().unwrap_or("").trim().to_owned()
}

#[test]
fn manifest_oks_decode() {
    // Keys and CSRs the MANIFEST (from the Python cryptography package's parser) accepts:
    // pki shows every one.
    let entries: Vec<_> = manifest()
        .into_iter()
        .filter(|(_, e)| is_ok_expected(e) && !e.starts_with("cert-ok"))
        .collect();
    let ok = entries
        .iter()
        .filter(|(p, _)| inspect::inspect(&read(p), now()).is_ok())
        .count();
    assert!(
        ok == entries.len() && ok > 10,
        "{ok} of {} keys/CSRs shown",
        entries.len()
    );
}

/// Lints a shown certificate or CSR under every profile; findings must be well-formed.
fn lint_object(object: &Object, der: &[u8]) {
    use der::Decode;
    for profile in [Profile::Rfc5280, Profile::Etcd] {
        let findings = match object {
            Object::Certificate(_) => lint::lint_certificate_der(der, profile, now())
                .unwrap_or_else(|e| panic!("a shown certificate must decode for lint: {e}")),
            Object::Csr(_) => match CertReq::from_der(der) {
                Ok(r) => lint::lint_csr(&r, profile),
                Err(e) => panic!("a shown CSR must decode for lint: {e}"),
            },
            _ => return,
        };
        for f in findings {
            assert!(lint::rules::ALL.iter().any(|r| r.id == f.id));
            assert!(f.detail.as_deref().is_none_or(|d| !d.contains('\n')));
        }
    }
}

/// Every certificate of PKITS (DER files) and x509-limbo (PEM inside its JSON) shows and
/// lints, the two meant to be odd included: a notBefore of 1950 in UTCTime (PKITS 4.2.3,
/// valid) and limbo's `rfc5280::serial::too-long` (22 octets), which x509-cert refuses and
/// pki reads with its lenient decoder.
#[test]
fn pkits_and_limbo_certificates_show_and_lint() {
    let pkits = data_path("pkits/PKITS_data/certs");
    let mut failed = Vec::new();
    let mut count = 0;
    let mut dir: Vec<_> = std::fs::read_dir(&pkits)
        .unwrap_or_else(|e| panic!("{}: {e}", pkits.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    dir.sort();
    for p in dir {
        count += 1;
        match inspect::inspect(&read(&p), now()) {
            Ok(objects) => objects.iter().for_each(|d| lint_object(&d.object, &d.der)),
            Err(e) => failed.push(format!(
                "{}: {}",
                p.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default(),
                inspect::error_text(&e)
            )),
        }
    }
    assert!(count > 400, "PKITS has 405 certificates, found {count}");
    assert_eq!(failed, Vec::<String>::new());
    let pre2000 = certificate(&read(
        &pkits.join("Validpre2000UTCnotBeforeDateTest3EE.crt"),
    ));
    assert_eq!(pre2000.validity.not_before.time, "1950-01-01T12:01:00Z");
    assert_eq!(pre2000.validity.not_before.encoding, "UTCTime");
    assert_eq!(
        pre2000.subject.rfc4514,
        "CN=Valid pre2000 UTC notBefore Date EE Certificate Test3,O=Test Certificates 2011,C=US"
    );

    let limbo = data_path("limbo");
    let mut files = vec![limbo.join("limbo-2023-12-02-ddc40b4.json")];
    let mut online: Vec<_> = std::fs::read_dir(limbo.join("online"))
        .expect("limbo/online")
        .flatten()
        .map(|e| e.path())
        .collect();
    online.sort();
    files.extend(online);
    let mut pems = Vec::new();
    for f in files {
        let json: serde_json::Value = serde_json::from_slice(&read(&f)).expect("limbo JSON");
        collect_pems(&json, &mut pems);
    }
    assert!(
        pems.len() > 350,
        "limbo holds 381 PEM certificates, found {}",
        pems.len()
    );
    let mut long_serials = Vec::new();
    for pem in &pems {
        let objects = inspect::inspect(pem.as_bytes(), now())
            .unwrap_or_else(|e| panic!("{}: {pem}", inspect::error_text(&e)));
        for d in &objects {
            lint_object(&d.object, &d.der);
            if let Object::Certificate(c) = &d.object
                && c.serial.encoded_len > 21
            {
                let findings =
                    lint::lint_certificate_der(&d.der, Profile::Rfc5280, now()).expect("lints");
                let too_long = findings.iter().find(|f| f.id == "serial-too-long");
                assert_eq!(
                    too_long.and_then(|f| f.detail.as_deref()),
                    Some("22 octets")
                );
                // 22 octets of magnitude and the 0x00 that keeps the INTEGER positive.
                long_serials.push((c.serial.hex.len() / 2, c.serial.encoded_len));
            }
        }
    }
    assert_eq!(long_serials, [(22, 23)]);
}

fn certificate(input: &[u8]) -> inspect::CertificateInfo {
    let objects = inspect::inspect(input, now()).expect("shows");
    match &objects[0].object {
        Object::Certificate(c) => (**c).clone(),
        other => panic!("not a certificate: {}", other.kind()),
    }
}

fn collect_pems(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if s.contains("-----BEGIN ") => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_pems(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_pems(x, out)),
        _ => {}
    }
}
