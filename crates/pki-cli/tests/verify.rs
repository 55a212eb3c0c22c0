//! `pki verify`: a `pki init` set verifies, another CA's certificate does not (exit 1 with the
//! reason), purposes and identities, JSON with a reason id, CRLs fail closed, bad input exits
//! 2 with a one-line error; and the same verdicts as the real `openssl verify` on the set.

mod util;

use std::fs;

use util::{TestDir, data_path, openssl, pki};

fn set(dir: &TestDir, name: &str) {
    pki(dir, &["init", name, "--node", "etcd01=127.0.0.1"], &[]).ok();
}

#[test]
fn an_init_set_verifies_and_another_cas_certificate_does_not() {
    let d = TestDir::new("verify-set");
    set(&d, "a");
    set(&d, "b");
    let ok = pki(
        &d,
        &[
            "verify",
            "--ca",
            "a/ca.crt",
            "--ip",
            "127.0.0.1",
            "a/client.crt",
        ],
        &[],
    )
    .ok();
    assert!(
        ok.stdout().starts_with("a/client.crt: valid\n"),
        "{}",
        ok.stdout()
    );
    assert!(
        ok.stdout().contains("  1 CN = etcd-ca [trusted]"),
        "{}",
        ok.stdout()
    );
    let bad = pki(
        &d,
        &[
            "verify",
            "--ca",
            "a/ca.crt",
            "--ip",
            "127.0.0.1",
            "b/client.crt",
        ],
        &[],
    );
    assert_eq!(bad.code(), Some(1), "{}", bad.stdout());
    assert!(
        bad.stdout().starts_with(
            "b/client.crt: INVALID: no-issuer (depth 0, CN = etcd-client): a certificate has \
             the issuer's name but another key"
        ),
        "{}",
        bad.stdout()
    );
    assert!(
        bad.stdout()
            .contains("  fix: give the CA that issued it with --ca")
    );
    // The real openssl agrees on both.
    openssl(&d, &["verify", "-CAfile", "a/ca.crt", "a/client.crt"]).ok();
    let o = openssl(&d, &["verify", "-CAfile", "a/ca.crt", "b/client.crt"]);
    assert_eq!(o.code(), Some(2));
}

#[test]
fn purposes_and_identities() {
    let d = TestDir::new("verify-purpose");
    set(&d, "s");
    for (purpose, file) in [
        ("server", "peer.crt"),
        ("client", "peer.crt"),
        ("client", "client.crt"),
    ] {
        pki(
            &d,
            &[
                "verify",
                "--ca",
                "s/ca.crt",
                "--purpose",
                purpose,
                &format!("s/{file}"),
            ],
            &[],
        )
        .ok();
    }
    let r = pki(
        &d,
        &[
            "verify",
            "--ca",
            "s/ca.crt",
            "--ip",
            "10.9.9.9",
            "s/peer.crt",
        ],
        &[],
    );
    assert_eq!(r.code(), Some(1));
    assert!(
        r.stdout()
            .contains("INVALID: ip-mismatch (depth 0, CN = etcd-peer): it does not name 10.9.9.9")
    );
    let r = pki(
        &d,
        &[
            "verify",
            "--ca",
            "s/ca.crt",
            "--host",
            "etcd02",
            "s/peer.crt",
        ],
        &[],
    );
    assert!(
        r.stdout().contains("INVALID: hostname-mismatch"),
        "{}",
        r.stdout()
    );
    // A certificate without clientAuth, made by the real openssl with the set's CA.
    fs::write(d.join("ext.cnf"), "extendedKeyUsage = serverAuth\n").expect("write");
    openssl(
        &d,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "srv.key",
            "-subj",
            "/CN=server-only",
            "-out",
            "srv.csr",
        ],
    )
    .ok();
    openssl(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "srv.csr",
            "-CA",
            "s/ca.crt",
            "-CAkey",
            "s/ca.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "ext.cnf",
            "-out",
            "srv.crt",
        ],
    )
    .ok();
    let r = pki(
        &d,
        &[
            "verify",
            "--ca",
            "s/ca.crt",
            "--purpose",
            "client",
            "srv.crt",
        ],
        &[],
    );
    assert_eq!(r.code(), Some(1));
    assert!(
        r.stdout().starts_with(
            "srv.crt: INVALID: eku-missing (depth 0, CN = server-only): extendedKeyUsage lacks clientAuth"
        ),
        "{}",
        r.stdout()
    );
    assert!(
        r.stdout()
            .contains("extendedKeyUsage = serverAuth, clientAuth")
    );
    let o = openssl(
        &d,
        &[
            "verify",
            "-CAfile",
            "s/ca.crt",
            "-purpose",
            "sslclient",
            "srv.crt",
        ],
    );
    assert_eq!(o.code(), Some(2), "openssl agrees");
}

#[test]
fn json_has_a_reason_id() {
    let d = TestDir::new("verify-json");
    set(&d, "s");
    let r = pki(
        &d,
        &[
            "verify",
            "--ca",
            "s/ca.crt",
            "--json",
            "--at",
            "2100-01-01T00:00:00Z",
            "s/client.crt",
        ],
        &[],
    );
    assert_eq!(r.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_str(r.stdout().trim()).expect("JSON");
    assert_eq!(doc["schema"], "pki.verify.v1");
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["reason"]["id"], "expired");
    assert_eq!(doc["reason"]["openssl_code"], 10);
    assert_eq!(doc["chain"].as_array().map(Vec::len), Some(2));
    let ok = pki(
        &d,
        &["verify", "--ca", "s/ca.crt", "--json", "s/peer.crt"],
        &[],
    )
    .ok();
    let doc: serde_json::Value = serde_json::from_str(ok.stdout().trim()).expect("JSON");
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["reason"], serde_json::Value::Null);
    assert_eq!(doc["chain"][1]["trusted"], true);
}

#[test]
fn crls_are_checked() {
    let d = TestDir::new("verify-crl");
    set(&d, "s");
    let crl = util::data().join("pkits/PKITS_data/crls");
    let certs = util::data().join("pkits/PKITS_data/certs");
    let p = |dir: &std::path::Path, n: &str| dir.join(n).to_str().expect("path").to_owned();
    let base = |ee: &str| {
        vec![
            "verify".to_owned(),
            "--ca".to_owned(),
            p(&certs, "TrustAnchorRootCertificate.crt"),
            "--untrusted".to_owned(),
            p(&certs, "GoodCACert.crt"),
            "--crl".to_owned(),
            p(&crl, "TrustAnchorRootCRL.crl"),
            "--crl".to_owned(),
            p(&crl, "GoodCACRL.crl"),
            "--at".to_owned(),
            "2011-04-15T00:00:00Z".to_owned(),
            p(&certs, ee),
        ]
    };
    let args = base("ValidCertificatePathTest1EE.crt");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    pki(&d, &args, &[]).ok();
    let args = base("InvalidRevokedEETest3EE.crt");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = pki(&d, &args, &[]);
    assert_eq!(r.code(), Some(1));
    assert!(
        r.stdout().contains(": INVALID: revoked (depth 0,"),
        "{}",
        r.stdout()
    );
    // Without the intermediate's CRL, revocation cannot be told: refused.
    let mut args = base("ValidCertificatePathTest1EE.crt");
    args.drain(7..9);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = pki(&d, &args, &[]);
    assert_eq!(r.code(), Some(1));
    assert!(
        r.stdout().contains("INVALID: crl-missing (depth 0,"),
        "{}",
        r.stdout()
    );
    // A file that is not a CRL is an input error.
    fs::write(d.join("empty.crl"), b"").expect("write");
    let r = pki(
        &d,
        &[
            "verify",
            "--ca",
            "s/ca.crt",
            "--crl",
            "empty.crl",
            "s/client.crt",
        ],
        &[],
    );
    assert_eq!(r.code(), Some(2), "{}", r.stdout());
    assert!(r.stderr().starts_with("pki: empty.crl: "), "{}", r.stderr());
}

#[test]
fn bad_input_is_an_error_naming_the_file() {
    let d = TestDir::new("verify-bad");
    set(&d, "s");
    let der = fs::read(d.join("s/client.crt")).expect("read");
    fs::write(d.join("cut.crt"), &der[..der.len() / 2]).expect("write");
    let r = pki(&d, &["verify", "--ca", "s/ca.crt", "cut.crt"], &[]);
    assert_eq!(r.code(), Some(2));
    assert!(r.stderr().starts_with("pki: cut.crt: "), "{}", r.stderr());
    assert_eq!(r.stderr().lines().count(), 1, "{}", r.stderr());
    let r = pki(&d, &["verify", "--ca", "missing.crt", "s/client.crt"], &[]);
    assert_eq!(r.code(), Some(2));
    assert!(
        r.stderr().starts_with("pki: cannot read missing.crt"),
        "{}",
        r.stderr()
    );
}

/// A truncated or foreign file given to the drop-in's `-CRLfile`: one line naming the file,
/// and the real openssl's exit status (1, which `openssl verify` gives when a CRL file does
/// not load).
#[test]
fn dropin_bad_crl_file_is_named() {
    let d = TestDir::new("verify-bad-crl");
    set(&d, "s");
    let crl = fs::read(data_path("pkits/PKITS_data/crls/GoodCACRL.crl")).expect("read");
    fs::write(d.join("cut.crl"), &crl[..crl.len() / 2]).expect("write");
    fs::write(d.join("text.crl"), "not a CRL\n").expect("write");
    for file in ["cut.crl", "text.crl"] {
        let args = [
            "verify",
            "-CAfile",
            "s/ca.crt",
            "-CRLfile",
            file,
            "-crl_check",
            "s/client.crt",
        ];
        let ours = pki(&d, &[&["openssl"][..], &args].concat(), &[]);
        let theirs = openssl(&d, &args);
        assert_eq!(ours.code(), theirs.code(), "{file}: {}", ours.stderr());
        assert_eq!(
            ours.stderr(),
            format!("verify: {file}: not a CRL (PEM X509 CRL or DER)\n")
        );
        assert_eq!(ours.stdout(), "");
    }
}

/// `pki openssl verify` with OpenSSL's options gives the real openssl's verdict, error line and
/// exit status on PKITS cases (DER files from tests/data, converted to PEM by openssl).
#[test]
fn openssl_verify_options_match_the_real_openssl() {
    let d = TestDir::new("verify-openssl");
    let certs = util::data().join("pkits/PKITS_data/certs");
    let pem = |name: &str| {
        let out = format!("{name}.pem");
        openssl(
            &d,
            &[
                "x509",
                "-inform",
                "DER",
                "-in",
                certs.join(format!("{name}.crt")).to_str().expect("path"),
                "-out",
                &out,
            ],
        )
        .ok();
        out
    };
    let root = pem("TrustAnchorRootCertificate");
    let good = pem("GoodCACert");
    let ee = pem("ValidCertificatePathTest1EE");
    let no_bc = pem("MissingbasicConstraintsCACert");
    let no_bc_ee = pem("InvalidMissingbasicConstraintsTest1EE");
    let crls = util::data().join("pkits/PKITS_data/crls");
    let crl = |name: &str| {
        let out = format!("{name}.crl.pem");
        openssl(
            &d,
            &[
                "crl",
                "-inform",
                "DER",
                "-in",
                crls.join(format!("{name}.crl")).to_str().expect("path"),
                "-out",
                &out,
            ],
        )
        .ok();
        out
    };
    let root_crl = crl("TrustAnchorRootCRL");
    let good_crl = crl("GoodCACRL");
    let revoked = pem("InvalidRevokedEETest3EE");
    let policy1 = "2.16.840.1.101.3.2.1.48.1";
    let policy2 = "2.16.840.1.101.3.2.1.48.2";
    let at = "1302825600";
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "-CAfile",
            &root,
            "-untrusted",
            &good,
            "-CRLfile",
            &root_crl,
            "-CRLfile",
            &good_crl,
            "-crl_check_all",
            "-attime",
            at,
            &ee,
        ],
        vec![
            "-CAfile",
            &root,
            "-untrusted",
            &good,
            "-CRLfile",
            &root_crl,
            "-CRLfile",
            &good_crl,
            "-crl_check",
            "-attime",
            at,
            &revoked,
        ],
        vec![
            "-CAfile",
            &root,
            "-untrusted",
            &good,
            "-CRLfile",
            &root_crl,
            "-crl_check_all",
            "-attime",
            at,
            &ee,
        ],
        vec!["-CAfile", &root, "-untrusted", &good, "-attime", at, &ee],
        vec![
            "-CAfile",
            &root,
            "-untrusted",
            &good,
            "-attime",
            "4102444800",
            &ee,
        ],
        vec![
            "-CAfile",
            &root,
            "-untrusted",
            &no_bc,
            "-attime",
            at,
            &no_bc_ee,
        ],
        vec!["-CAfile", &good, "-partial_chain", "-attime", at, &ee],
        vec!["-CAfile", &good, "-attime", at, &ee],
        vec![
            "-CAfile",
            &root,
            "-untrusted",
            &good,
            "-attime",
            at,
            "-policy",
            policy1,
            "-explicit_policy",
            &ee,
        ],
        vec![
            "-CAfile",
            &root,
            "-untrusted",
            &good,
            "-attime",
            at,
            "-policy",
            policy2,
            "-explicit_policy",
            &ee,
        ],
        vec![
            "-no-CApath",
            "-no-CAstore",
            "-CAfile",
            &root,
            "-untrusted",
            &good,
            "-attime",
            at,
            "-verify_depth",
            "0",
            &ee,
        ],
    ];
    for args in cases {
        let mut full = vec!["verify"];
        full.extend(&args);
        assert_same_as_openssl(&d, &full);
    }
}

/// `pki openssl ARGS` and the real `openssl ARGS` give the same exit status, the same
/// standard output and the same `error N at D depth lookup: ...` line.
fn assert_same_as_openssl(d: &TestDir, args: &[&str]) {
    let ours = pki(d, &[&["openssl"], args].concat(), &[]);
    let theirs = openssl(d, args);
    assert_eq!(
        ours.code(),
        theirs.code(),
        "{args:?}\nours: {}\ntheirs: {}",
        ours.stderr(),
        theirs.stderr()
    );
    assert_eq!(ours.stdout(), theirs.stdout(), "{args:?}");
    let error_line = |s: String| {
        s.lines()
            .find(|l| l.starts_with("error ") && l.contains("depth lookup"))
            .map(str::to_owned)
    };
    assert_eq!(
        error_line(ours.stderr()),
        error_line(theirs.stderr()),
        "{args:?}"
    );
}

/// Every PKITS case that needs CRLs (indirect, partitioned and delta CRLs, separate
/// CRL-signing keys), through `pki openssl verify` and the real `openssl verify`, with and
/// without `-extended_crl -use_deltas`: the same exit status, except where docs/conformance.md
/// says OpenSSL is wrong.
#[test]
fn openssl_verify_crl_options_match_the_real_openssl() {
    let d = TestDir::new("verify-openssl-crls");
    let data = util::data().join("pkits");
    let suite: serde_json::Value =
        serde_json::from_slice(&fs::read(data.join("pkits_tests.json")).expect("read"))
            .expect("JSON");
    let convert = |kind: &str, name: &str| {
        let out = format!("{name}.{kind}.pem");
        if !d.join(&out).exists() {
            let ext = if kind == "crl" { "crl" } else { "crt" };
            let dir = if kind == "crl" { "crls" } else { "certs" };
            let src = data.join(format!("PKITS_data/{dir}/{name}.{ext}"));
            let cmd = if kind == "crl" { "crl" } else { "x509" };
            openssl(
                &d,
                &[
                    cmd,
                    "-inform",
                    "DER",
                    "-in",
                    src.to_str().expect("path"),
                    "-out",
                    &out,
                ],
            )
            .ok();
        }
        out
    };
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut compared = 0;
    let mut differ = Vec::new();
    for case in suite["testcases"].as_array().expect("testcases") {
        let number = case["test_number"].as_str().expect("number");
        if !strings(&case["requires"]).iter().any(|r| r == "crl")
            || !["4.4.", "4.5.", "4.14.", "4.15."]
                .iter()
                .any(|p| number.starts_with(p))
        {
            continue;
        }
        let certs = strings(&case["certs"]);
        let (anchor, rest) = certs.split_first().expect("anchor");
        let (target, middle) = rest.split_last().expect("target");
        let mut args = vec![
            "verify".to_owned(),
            "-attime".into(),
            "1302825600".into(),
            "-crl_check_all".into(),
            "-CAfile".into(),
            convert("crt", anchor),
        ];
        for m in middle {
            args.extend(["-untrusted".to_owned(), convert("crt", m)]);
        }
        for c in strings(&case["crls"]) {
            args.extend(["-CRLfile".to_owned(), convert("crl", &c)]);
        }
        for extended in [false, true] {
            let mut full = args.clone();
            if extended {
                full.extend(["-extended_crl".to_owned(), "-use_deltas".into()]);
            }
            full.push(convert("crt", target));
            let full: Vec<&str> = full.iter().map(String::as_str).collect();
            let ours = pki(&d, &[&["openssl"], full.as_slice()].concat(), &[]);
            let theirs = openssl(&d, &full);
            // OpenSSL refuses 4.14.30's cRLIssuer, whose own certificate its indirect CRL
            // covers (docs/conformance.md).
            if extended && number == "4.14.30" {
                assert_eq!(ours.code(), Some(0), "{number}: {}", ours.stderr());
                assert_ne!(theirs.code(), Some(0), "{number}: openssl now accepts it");
                continue;
            }
            // Without -use_deltas OpenSSL takes a delta CRL for a complete one, and accepts
            // what must be refused; pki always applies delta CRLs.
            if !extended && ["4.15.1", "4.15.3", "4.15.10"].contains(&number) {
                assert_eq!(ours.code(), Some(2), "{number}: {}", ours.stderr());
                assert_eq!(theirs.code(), Some(0), "{number}: openssl now refuses it");
                continue;
            }
            if ours.code() != theirs.code() {
                differ.push(format!(
                    "{number} extended={extended} ours={:?} theirs={:?} {}",
                    ours.code(),
                    theirs.code(),
                    theirs.stderr().lines().nth(1).unwrap_or("")
                ));
            }
            compared += 1;
        }
    }
    assert!(compared > 90, "only {compared} comparisons");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// Every `-purpose` of OpenSSL 3.0, on the certificates of a `pki init` set: the same exit
/// status and error line as the real `openssl verify`.
#[test]
fn openssl_verify_purposes_match_the_real_openssl() {
    let d = TestDir::new("verify-openssl-purposes");
    set(&d, "set");
    for purpose in [
        "sslclient",
        "sslserver",
        "nssslserver",
        "smimesign",
        "smimeencrypt",
        "crlsign",
        "any",
        "ocsphelper",
        "timestampsign",
    ] {
        for cert in ["set/ca.crt", "set/client.crt", "set/peer.crt"] {
            for strict in [false, true] {
                let mut args = vec!["verify", "-CAfile", "set/ca.crt", "-purpose", purpose];
                if strict {
                    args.push("-x509_strict");
                }
                args.push(cert);
                assert_same_as_openssl(&d, &args);
            }
        }
    }
}
