//! Key identifiers and versions as OpenSSL 3.0 makes them (apps/lib/apps.c `do_X509_sign`,
//! crypto/x509/v3_akid.c), side by side with the real openssl on the same CA, key and CSR:
//! every `authorityKeyIdentifier` form under a CA with and without a subjectKeyIdentifier and
//! in a self-signed certificate, the default identifiers, `none`, and version 1 certificates
//! when there is no extension at all. The extension block of `openssl x509 -text` must be the
//! same, line for line, and `pki openssl x509 -text` must print openssl's certificates as
//! openssl does.

mod util;

use std::fs;

use util::{TestDir, openssl, pki};

const AKI_FORMS: [&str; 9] = [
    "",
    "keyid",
    "keyid:always",
    "issuer",
    "issuer:always",
    "keyid,issuer",
    "keyid,issuer:always",
    "keyid:always,issuer:always",
    "none",
];

fn dropin(d: &TestDir, args: &[&str]) -> util::Run {
    pki(d, &[&["openssl"][..], args].concat(), &[])
}

/// `Version` and the `X509v3 extensions` block of `openssl x509 -text`.
fn shape(d: &TestDir, cert: &str) -> String {
    let text = openssl(d, &["x509", "-in", cert, "-noout", "-text"])
        .ok()
        .stdout();
    let version = text
        .lines()
        .find(|l| l.trim_start().starts_with("Version:"))
        .unwrap_or("")
        .to_owned();
    let exts: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("X509v3 extensions:"))
        .take_while(|l| !l.starts_with("    Signature Algorithm"))
        .collect();
    let named = |what: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(what))
            .unwrap_or("")
            .trim()
            .to_owned()
    };
    format!(
        "{version}\n{}\n{}\n{}\n{}",
        named("Signature Algorithm:"),
        named("Issuer:"),
        named("Subject:"),
        exts.join("\n")
    )
}

/// `pki openssl x509 -noout -text` of a certificate is the real openssl's.
fn same_text(d: &TestDir, cert: &str) {
    let ours = dropin(d, &["x509", "-in", cert, "-noout", "-text"])
        .ok()
        .stdout();
    let theirs = openssl(d, &["x509", "-in", cert, "-noout", "-text"])
        .ok()
        .stdout();
    assert_eq!(ours, theirs, "x509 -text of {cert}");
}

/// Runs `args -out ours.crt` through pki and `args -out theirs.crt` through openssl; both
/// must give the same exit status, and a refusal must write nothing. Then the certificates'
/// versions and extension blocks must be the same, and pki must print openssl's as openssl.
fn compare(d: &TestDir, args: &[&str], what: &str) {
    let mut outcomes = Vec::new();
    for out in ["ours.crt", "theirs.crt"] {
        let _ = fs::remove_file(d.join(out));
        let full = [args, &["-out", out]].concat();
        let r = if out == "ours.crt" {
            dropin(d, &full)
        } else {
            openssl(d, &full)
        };
        outcomes.push((r.code(), r.stderr()));
    }
    assert_eq!(
        outcomes[0].0, outcomes[1].0,
        "{what}: exit status\nours: {}\ntheirs: {}",
        outcomes[0].1, outcomes[1].1
    );
    if outcomes[0].0 != Some(0) {
        assert!(!d.join("ours.crt").exists(), "{what}");
        return;
    }
    assert_eq!(shape(d, "ours.crt"), shape(d, "theirs.crt"), "{what}");
    same_text(d, "theirs.crt");
}

fn setup() -> TestDir {
    let d = TestDir::new("keyids");
    openssl(&d, &["genrsa", "-out", "ca.key", "2048"]).ok();
    openssl(
        &d,
        &[
            "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-subj",
            "/CN=leaf", "-out", "leaf.csr",
        ],
    )
    .ok();
    fs::write(
        d.join("ca.cnf"),
        "[req]\ndistinguished_name = dn\n[dn]\n\
         [with]\nbasicConstraints = critical, CA:TRUE\nsubjectKeyIdentifier = hash\n\
         [without]\nbasicConstraints = critical, CA:TRUE\nsubjectKeyIdentifier = none\n",
    )
    .expect("write");
    for (name, section) in [("ski", "with"), ("noski", "without")] {
        openssl(
            &d,
            &[
                "req",
                "-x509",
                "-key",
                "ca.key",
                "-subj",
                &format!("/O=Test/CN={name}"),
                "-config",
                "ca.cnf",
                "-extensions",
                section,
                "-set_serial",
                "0x1234",
                "-out",
                &format!("{name}.crt"),
            ],
        )
        .ok();
    }
    d
}

#[test]
fn authority_key_identifiers_under_a_ca_match_openssl() {
    let d = setup();
    for ca in ["ski", "noski"] {
        same_text(&d, &format!("{ca}.crt"));
        for form in AKI_FORMS {
            let conf = if form.is_empty() {
                "[v]\nbasicConstraints = CA:FALSE\n".to_owned()
            } else {
                format!("[v]\nbasicConstraints = CA:FALSE\nauthorityKeyIdentifier = {form}\n")
            };
            fs::write(d.join("v.cnf"), conf).expect("write");
            let ca_file = format!("{ca}.crt");
            compare(
                &d,
                &[
                    "x509",
                    "-req",
                    "-in",
                    "leaf.csr",
                    "-CA",
                    &ca_file,
                    "-CAkey",
                    "ca.key",
                    "-set_serial",
                    "7",
                    "-days",
                    "2",
                    "-extfile",
                    "v.cnf",
                    "-extensions",
                    "v",
                ],
                &format!("{ca} authorityKeyIdentifier = {form}"),
            );
        }
    }
}

#[test]
fn self_signed_key_identifiers_match_openssl() {
    let d = setup();
    for form in AKI_FORMS {
        let aki = if form.is_empty() {
            String::new()
        } else {
            format!("authorityKeyIdentifier = {form}\n")
        };
        for ski in [
            "",
            "subjectKeyIdentifier = hash\n",
            "subjectKeyIdentifier = none\n",
        ] {
            fs::write(
                d.join("ss.cnf"),
                format!(
                    "[req]\ndistinguished_name = dn\nx509_extensions = x\n[dn]\n\
                     [x]\nbasicConstraints = critical, CA:TRUE\n{ski}{aki}"
                ),
            )
            .expect("write");
            compare(
                &d,
                &[
                    "req",
                    "-x509",
                    "-key",
                    "ca.key",
                    "-subj",
                    "/CN=self",
                    "-config",
                    "ss.cnf",
                    "-set_serial",
                    "42",
                ],
                &format!("self-signed, {ski:?} {aki:?}"),
            );
        }
    }
}

/// No extension at all: a version 1 certificate, as openssl makes (`x509 -req` without
/// `-extfile`, `req -x509` with a config that names no x509_extensions); an empty section too.
#[test]
fn no_extensions_make_a_version_1_certificate() {
    let d = setup();
    fs::write(
        d.join("min.cnf"),
        "[req]\ndistinguished_name = dn\n[dn]\n[empty]\n",
    )
    .expect("write");
    let cases: [&[&str]; 3] = [
        &[
            "x509", "-req", "-in", "leaf.csr", "-CA", "ski.crt", "-CAkey", "ca.key",
        ],
        &[
            "req", "-x509", "-key", "ca.key", "-subj", "/CN=v1", "-config", "min.cnf",
        ],
        &[
            "req",
            "-x509",
            "-key",
            "ca.key",
            "-subj",
            "/CN=v1",
            "-config",
            "min.cnf",
            "-extensions",
            "empty",
        ],
    ];
    for args in cases {
        let ours = [args, &["-out", "ours.crt"]].concat();
        let theirs = [args, &["-out", "theirs.crt"]].concat();
        dropin(&d, &ours).ok();
        openssl(&d, &theirs).ok();
        assert!(
            shape(&d, "ours.crt").starts_with("        Version: 1 (0x0)\n"),
            "{args:?}"
        );
        assert!(!shape(&d, "ours.crt").contains("X509v3"), "{args:?}");
        assert_eq!(shape(&d, "ours.crt"), shape(&d, "theirs.crt"), "{args:?}");
        same_text(&d, "theirs.crt");
        // The real openssl verifies pki's version 1 certificate under its CA.
        if args[0] == "x509" {
            openssl(&d, &["verify", "-CAfile", "ski.crt", "ours.crt"]).ok();
        }
    }
}

/// `x509 -text` of Netscape Cert Type and Netscape Comment (every type bit), and of an
/// authorityKeyIdentifier with key id, DirName and serial, as the real openssl prints them.
#[test]
fn netscape_and_authority_key_identifier_text_match_openssl() {
    let d = setup();
    fs::write(
        d.join("ns.cnf"),
        "[a]\nnsCertType = client, server, email, objsign, reserved, sslCA, emailCA, objCA\n\
         nsComment = \"OpenSSL Generated Certificate\"\n\
         authorityKeyIdentifier = keyid:always, issuer:always\n\
         [b]\nnsCertType = critical, server\nauthorityKeyIdentifier = issuer\n",
    )
    .expect("write");
    for section in ["a", "b"] {
        let out = format!("{section}.crt");
        openssl(
            &d,
            &[
                "x509",
                "-req",
                "-in",
                "leaf.csr",
                "-CA",
                "ski.crt",
                "-CAkey",
                "ca.key",
                "-extfile",
                "ns.cnf",
                "-extensions",
                section,
                "-out",
                &out,
            ],
        )
        .ok();
        same_text(&d, &out);
    }
}

/// `x509 -req -signkey` (a self-signed certificate from a CSR: issuer = subject, the signing
/// key's public key, no default authorityKeyIdentifier) and the digests of `-sha384`,
/// `-sha512` and `default_md`, as the real openssl makes them.
#[test]
fn signkey_and_digests_match_openssl() {
    let d = setup();
    fs::write(
        d.join("v.cnf"),
        "[v]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = keyCertSign, cRLSign\n",
    )
    .expect("write");
    fs::write(
        d.join("md.cnf"),
        "[req]\ndistinguished_name = dn\ndefault_md = sha384\nx509_extensions = v\n[dn]\n\
         [v]\nbasicConstraints = CA:FALSE\n",
    )
    .expect("write");
    let cases: [(&[&str], &str); 6] = [
        (
            &["x509", "-req", "-in", "leaf.csr", "-signkey", "leaf.key"],
            "v1 self-signed",
        ),
        (
            &[
                "x509",
                "-req",
                "-in",
                "leaf.csr",
                "-signkey",
                "leaf.key",
                "-sha512",
                "-days",
                "10",
                "-extfile",
                "v.cnf",
                "-extensions",
                "v",
            ],
            "self-signed CA, SHA-512",
        ),
        (
            &[
                "x509",
                "-req",
                "-in",
                "leaf.csr",
                "-key",
                "leaf.key",
                "-sha384",
                "-extfile",
                "v.cnf",
                "-extensions",
                "v",
            ],
            "-key, SHA-384",
        ),
        (
            &[
                "x509",
                "-req",
                "-in",
                "leaf.csr",
                "-CA",
                "ski.crt",
                "-CAkey",
                "ca.key",
                "-sha512",
                "-extfile",
                "v.cnf",
                "-extensions",
                "v",
            ],
            "under a CA, SHA-512",
        ),
        (
            &[
                "req", "-x509", "-key", "ca.key", "-subj", "/CN=md", "-config", "md.cnf",
            ],
            "default_md = sha384",
        ),
        (
            &[
                "req", "-x509", "-key", "ca.key", "-subj", "/CN=md", "-config", "md.cnf", "-sha512",
            ],
            "-sha512 over default_md",
        ),
    ];
    for (args, what) in cases {
        compare(&d, args, what);
        // The real openssl verifies pki's certificate: self-signed, or under its CA.
        let bundle = [
            fs::read(d.join("ski.crt")).expect("ca"),
            fs::read(d.join("ours.crt")).expect("ours"),
        ]
        .concat();
        fs::write(d.join("bundle.pem"), bundle).expect("write");
        openssl(&d, &["verify", "-CAfile", "bundle.pem", "ours.crt"]).ok();
    }
}
