//! `pki audit`: the seed's set as OpenSSL 3.0.19 made it, a folder of mixed files from pki and
//! the real openssl (with the faults audit must name), and the whole test-data corpus (every
//! file classified, no panic).

mod jsonschema;
mod util;

use std::{fs, os::unix::fs::PermissionsExt};

use serde_json::Value;
use util::{TestDir, data, openssl, pki, reference};

fn json(d: &TestDir, args: &[&str]) -> (Option<i32>, Value) {
    let r = pki(d, &[&["audit", "--json"][..], args].concat(), &[]);
    let doc = serde_json::from_str(r.stdout().trim()).expect("one JSON document");
    let errors = jsonschema::validate(&jsonschema::schema(), &doc);
    assert!(errors.is_empty(), "{args:?}: {errors:?}");
    (r.code(), doc)
}

fn ids(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["id"].as_str().map(str::to_owned))
        .collect()
}

fn kind_of(doc: &Value, file: &str) -> String {
    doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["file"].as_str().is_some_and(|p| p.ends_with(file)))
        .and_then(|f| f["kind"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("{file} not listed"))
}

#[test]
fn the_reference_set() {
    let d = TestDir::new("audit");
    let r = reference();
    let (code, doc) = json(
        &d,
        &[r.to_str().expect("UTF-8"), "--at", "2026-12-01T00:00:00Z"],
    );
    // OpenSSL's CA of the seed has no keyUsage, which RFC 5280 4.2.1.3 requires: lint's one
    // error; its keys were copied readable by all.
    assert_eq!(code, Some(1), "{doc}");
    let errors: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(errors, ["ca-key-usage-missing"], "{doc}");
    for (f, k) in [
        ("ca.crt", "certificate"),
        ("ca.key", "private_key"),
        ("client.csr", "csr"),
        ("client.crt", "certificate"),
        ("peer.key", "private_key"),
        ("openssl.conf", "other"),
        ("ca.srl", "other"),
    ] {
        assert_eq!(kind_of(&doc, f), k, "{f}");
    }
    let expiry = doc["expiry"].as_array().expect("expiry");
    assert_eq!(expiry.len(), 3, "{doc}");
    let days: Vec<i64> = expiry
        .iter()
        .filter_map(|e| e["days_left"].as_i64())
        .collect();
    assert!(days.windows(2).all(|w| w[0] <= w[1]), "sorted: {days:?}");
    assert!(expiry.iter().any(|e| e["ca"] == true));
    let found = ids(&doc);
    assert!(!found.iter().any(|i| i == "no-issuer"), "{found:?}");
    // Text form: the three parts.
    let text = pki(&d, &["audit", r.to_str().expect("UTF-8")], &[]).stdout();
    assert!(text.starts_with("Files ("), "{text}");
    assert!(text.contains("\nExpiry (3 certificates):\n"), "{text}");
    assert!(text.contains("\nFindings: "), "{text}");
}

#[test]
fn mixed_files_and_their_faults() {
    let d = TestDir::new("audit");
    pki(&d, &["init", "a/pki", "--node", "etcd01=127.0.0.1"], &[]).ok();
    pki(&d, &["init", "a/other", "--node", "etcd01=127.0.0.1"], &[]).ok();
    fs::create_dir_all(d.join("a/ossl")).expect("mkdir");
    // A SHA-1 self-signed CA and a 1024-bit leaf under it, by the real openssl.
    openssl(
        &d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-sha1",
            "-keyout",
            "a/ossl/ca.key",
            "-subj",
            "/CN=old-ca",
            "-out",
            "a/ossl/ca.crt",
        ],
    )
    .ok();
    openssl(
        &d,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:1024",
            "-nodes",
            "-keyout",
            "a/ossl/weak.key",
            "-subj",
            "/CN=weak",
            "-out",
            "a/ossl/weak.csr",
        ],
    )
    .ok();
    openssl(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "a/ossl/weak.csr",
            "-CA",
            "a/ossl/ca.crt",
            "-CAkey",
            "a/ossl/ca.key",
            "-set_serial",
            "3",
            "-out",
            "a/ossl/weak.crt",
        ],
    )
    .ok();
    // A lone key, a key readable by all, a bundle, one key in two certificates.
    openssl(&d, &["genrsa", "-out", "a/lone.key", "2048"]).ok();
    fs::set_permissions(
        d.join("a/pki/client.key"),
        fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    let bundle = [
        fs::read(d.join("a/pki/client.crt")).expect("read"),
        fs::read(d.join("a/pki/ca.crt")).expect("read"),
    ]
    .concat();
    fs::write(d.join("a/bundle.pem"), bundle).expect("write");
    openssl(
        &d,
        &[
            "req",
            "-x509",
            "-key",
            "a/pki/peer.key",
            "-subj",
            "/CN=someone-else",
            "-out",
            "a/reuse.crt",
        ],
    )
    .ok();
    fs::write(d.join("a/notes.txt"), "not a certificate\n").expect("write");
    let (code, doc) = json(&d, &["a"]);
    assert_eq!(code, Some(1), "{doc}");
    assert_eq!(kind_of(&doc, "bundle.pem"), "bundle");
    assert_eq!(kind_of(&doc, "notes.txt"), "other");
    assert_eq!(kind_of(&doc, "weak.csr"), "csr");
    let found = ids(&doc);
    for want in [
        "key-readable-by-others",
        "orphan-key",
        "key-in-several-certificates",
        "ca-name-reused",
        "signature-weak-hash",
        "rsa-key-size",
    ] {
        assert!(found.iter().any(|i| i == want), "no {want}: {found:?}");
    }
    let text = pki(&d, &["audit", "a"], &[]);
    assert_eq!(text.code(), Some(1));
    assert!(
        text.stdout().contains("fix: chmod 600 a/pki/client.key"),
        "{}",
        text.stdout()
    );
}

#[test]
fn the_whole_corpus_is_classified() {
    let d = TestDir::new("audit");
    let root = data();
    let (code, doc) = json(&d, &[root.to_str().expect("UTF-8")]);
    assert!(matches!(code, Some(0 | 1)), "{code:?}");
    let files = doc["files"].as_array().expect("files");
    let on_disk = walkdir_count(&root);
    assert_eq!(files.len(), on_disk, "every file listed once");
    assert!(files.iter().all(|f| f["kind"].is_string()));
}

fn walkdir_count(p: &std::path::Path) -> usize {
    fs::read_dir(p)
        .expect("read_dir")
        .flatten()
        .map(|e| {
            let t = e.file_type().expect("type");
            if t.is_dir() {
                walkdir_count(&e.path())
            } else if t.is_file() || e.path().is_file() {
                1
            } else {
                0
            }
        })
        .sum()
}

#[test]
fn a_missing_folder_exits_2() {
    let d = TestDir::new("audit");
    let r = pki(&d, &["audit", "nothing-here"], &[]);
    assert_eq!(r.code(), Some(2));
    assert!(r.stderr().contains("nothing-here"), "{}", r.stderr());
}
