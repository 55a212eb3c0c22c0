//! `openssl pkcs12` through the drop-in, against the real openssl: files pki exports are read
//! by openssl and built as openssl builds them (its `-info` is the same), files openssl
//! exports (OpenSSL 3's defaults, and the legacy 3DES/SHA-1 form) are printed by pki as
//! openssl prints them, with every reading option; a wrong password and what pki does not
//! read are errors that say so.

mod util;

use std::{fs, os::unix::fs::PermissionsExt};

use util::{TestDir, openssl, pki};

fn setup(tag: &str) -> TestDir {
    let d = TestDir::new(tag);
    for args in [
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-noenc", "-keyout", "ca.key", "-subj",
            "/CN=ca", "-days", "3", "-out", "ca.crt",
        ][..],
        &[
            "req", "-newkey", "rsa:2048", "-noenc", "-keyout", "leaf.key", "-subj", "/CN=leaf",
            "-out", "leaf.csr",
        ],
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "9",
            "-out",
            "leaf.crt",
        ],
    ] {
        openssl(&d, args).ok();
    }
    let combined = ["ca.crt", "leaf.crt", "leaf.key"]
        .iter()
        .map(|f| fs::read_to_string(d.join(f)).expect("read"))
        .collect::<String>();
    fs::write(d.join("combined.pem"), combined).expect("write");
    d
}

/// openssl's `-info` (stderr) and `-nodes` output (stdout) of a PKCS#12 file.
fn openssl_reads(d: &TestDir, file: &str, pass: &str) -> (String, String) {
    let r = openssl(
        d,
        &["pkcs12", "-in", file, "-passin", pass, "-nodes", "-info"],
    )
    .ok();
    (r.stderr(), r.stdout())
}

#[test]
fn pki_exports_what_openssl_exports() {
    let d = setup("p12-export");
    let cases: &[&[&str]] = &[
        &["-in", "combined.pem", "-name", "leaf"],
        &[
            "-in",
            "leaf.crt",
            "-inkey",
            "leaf.key",
            "-certfile",
            "ca.crt",
        ],
        &[
            "-in",
            "leaf.crt",
            "-inkey",
            "leaf.key",
            "-certfile",
            "leaf.crt",
        ],
        &["-in", "combined.pem", "-nokeys"],
        &["-in", "combined.pem", "-iter", "4096", "-name", "x y"],
    ];
    for (i, extra) in cases.iter().enumerate() {
        let ours = format!("ours{i}.p12");
        let theirs = format!("theirs{i}.p12");
        let mut args = vec!["pkcs12", "-export", "-passout", "pass:pw12"];
        args.extend_from_slice(extra);
        let mut a = vec!["openssl"];
        a.extend(args.iter().copied());
        a.extend(["-out", ours.as_str()]);
        pki(&d, &a, &[]).ok();
        let mut b = args.clone();
        b.extend(["-out", theirs.as_str()]);
        openssl(&d, &b).ok();
        assert_eq!(
            openssl_reads(&d, &ours, "pass:pw12"),
            openssl_reads(&d, &theirs, "pass:pw12"),
            "{extra:?}"
        );
        let mode = fs::metadata(d.join(&ours))
            .expect("p12")
            .permissions()
            .mode()
            & 0o777;
        let holds_key = !extra.contains(&"-nokeys");
        assert_eq!(mode, if holds_key { 0o600 } else { 0o644 }, "{extra:?}");
    }
    // A key that none of the certificates is for.
    pki(
        &d,
        &[
            "openssl",
            "pkcs12",
            "-export",
            "-in",
            "ca.crt",
            "-inkey",
            "leaf.key",
            "-passout",
            "pass:x",
            "-out",
            "never.p12",
        ],
        &[],
    )
    .fails(1, "pkcs12: No certificate matches private key\n");
    assert!(!d.join("never.p12").exists());
}

#[test]
fn pki_reads_what_openssl_exports() {
    let d = setup("p12-read");
    openssl(
        &d,
        &[
            "pkcs12",
            "-export",
            "-in",
            "combined.pem",
            "-name",
            "leaf",
            "-passout",
            "pass:pw12",
            "-out",
            "new.p12",
        ],
    )
    .ok();
    openssl(
        &d,
        &[
            "pkcs12",
            "-export",
            "-in",
            "combined.pem",
            "-passout",
            "pass:pw12",
            "-certpbe",
            "PBE-SHA1-3DES",
            "-keypbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
            "-out",
            "old.p12",
        ],
    )
    .ok();
    for file in ["new.p12", "old.p12"] {
        for opts in [
            &["-nodes", "-info"][..],
            &["-nodes", "-nokeys"],
            &["-nodes", "-nocerts"],
            &["-nodes", "-clcerts"],
            &["-nodes", "-cacerts"],
            &["-noout", "-info"],
        ] {
            let mut args = vec!["pkcs12", "-in", file, "-passin", "pass:pw12"];
            args.extend_from_slice(opts);
            let theirs = openssl(&d, &args).ok();
            let mut a = vec!["openssl"];
            a.extend(args.iter().copied());
            let ours = pki(&d, &a, &[]).ok();
            assert_eq!(ours.stdout(), theirs.stdout(), "{file} {opts:?}");
            assert_eq!(ours.stderr(), theirs.stderr(), "{file} {opts:?}");
        }
        // Without -nodes the keys are printed encrypted, as openssl does.
        let r = pki(
            &d,
            &[
                "openssl",
                "pkcs12",
                "-in",
                file,
                "-passin",
                "pass:pw12",
                "-nocerts",
                "-passout",
                "pass:out1",
                "-out",
                "k.pem",
            ],
            &[],
        )
        .ok();
        drop(r);
        openssl(
            &d,
            &["pkey", "-in", "k.pem", "-passin", "pass:out1", "-noout"],
        )
        .ok();
        fs::remove_file(d.join("k.pem")).expect("rm");
        pki(
            &d,
            &[
                "openssl",
                "pkcs12",
                "-in",
                file,
                "-passin",
                "pass:wrong",
                "-nodes",
            ],
            &[],
        )
        .fails(
            1,
            &format!("pkcs12: {file}: Mac verify error: invalid password?\n"),
        );
    }
    // RC2 (OpenSSL 1.x's and -legacy's certificate encryption) is refused by name.
    let legacy = openssl(
        &d,
        &[
            "pkcs12",
            "-export",
            "-legacy",
            "-in",
            "combined.pem",
            "-passout",
            "pass:pw12",
            "-out",
            "rc2.p12",
        ],
    );
    if legacy.code() == Some(0) {
        let r = pki(
            &d,
            &[
                "openssl",
                "pkcs12",
                "-in",
                "rc2.p12",
                "-passin",
                "pass:pw12",
                "-nodes",
            ],
            &[],
        );
        assert_eq!(r.code(), Some(1));
        assert!(
            r.stderr().contains("pbeWithSHA1And40BitRC2-CBC"),
            "{}",
            r.stderr()
        );
    }
}
