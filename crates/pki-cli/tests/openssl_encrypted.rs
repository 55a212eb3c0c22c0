//! Passphrase-encrypted private keys through the drop-in, against the real openssl: every
//! cipher option on genrsa, genpkey, rsa, pkey; req's new keys (DES-EDE3-CBC unless -noenc or
//! `encrypt_key = no`, the config's `output_password`); -passin on req and x509; every
//! passphrase source; keys openssl encrypted (PKCS#8 and the traditional `Proc-Type` form)
//! read by pki; and a wrong or missing passphrase: a clear error, nothing written.

mod util;

use std::{fs, os::unix::fs::PermissionsExt};

use util::{TestDir, openssl, pki};

fn setup(tag: &str) -> TestDir {
    let d = TestDir::new(tag);
    openssl(&d, &["genrsa", "-out", "plain.key", "2048"]).ok();
    d
}

/// The PBES2 parameters of an `ENCRYPTED PRIVATE KEY`, as `openssl asn1parse` names them.
fn pbes2_shape(d: &TestDir, file: &str) -> Vec<String> {
    let text = openssl(d, &["asn1parse", "-in", file]).ok().stdout();
    text.lines()
        .filter_map(|l| {
            let v = l.rsplit_once(':')?.1.trim();
            let obj = l.contains("OBJECT") || l.contains("INTEGER");
            obj.then(|| v.to_owned())
        })
        .collect()
}

#[test]
fn every_cipher_writes_what_openssl_writes_and_reads() {
    let d = setup("enc-ciphers");
    for (flag, name) in [
        ("-aes128", "aes-128-cbc"),
        ("-aes192", "aes-192-cbc"),
        ("-aes256", "aes-256-cbc"),
        ("-des3", "des-ede3-cbc"),
        ("-aes-256-cbc", "aes-256-cbc"),
    ] {
        for cmd in ["rsa", "pkey"] {
            let out = format!("{cmd}{flag}.key");
            pki(
                &d,
                &[
                    "openssl",
                    cmd,
                    "-in",
                    "plain.key",
                    flag,
                    "-passout",
                    "pass:secret",
                    "-out",
                    &out,
                ],
                &[],
            )
            .ok();
            let mode = fs::metadata(d.join(&out))
                .expect("key")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{out}");
            assert!(
                fs::read_to_string(d.join(&out))
                    .expect("read")
                    .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
            );
            // OpenSSL 3's parameters: PBES2, PBKDF2 with 2048 iterations and HMAC-SHA256.
            assert_eq!(
                pbes2_shape(&d, &out),
                ["PBES2", "PBKDF2", "0800", "hmacWithSHA256", name],
                "{out}"
            );
            // The same key, read back by openssl with the passphrase.
            let ours = openssl(
                &d,
                &[
                    "rsa",
                    "-in",
                    &out,
                    "-passin",
                    "pass:secret",
                    "-noout",
                    "-modulus",
                ],
            )
            .ok()
            .stdout();
            let theirs = openssl(&d, &["rsa", "-in", "plain.key", "-noout", "-modulus"])
                .ok()
                .stdout();
            assert_eq!(ours, theirs, "{out}");
            openssl(
                &d,
                &["pkey", "-in", &out, "-passin", "pass:wrong", "-noout"],
            );
        }
    }
    // genrsa and genpkey encrypt what they make.
    pki(
        &d,
        &[
            "openssl",
            "genrsa",
            "-aes256",
            "-passout",
            "pass:pw12",
            "-out",
            "g.key",
            "2048",
        ],
        &[],
    )
    .ok();
    pki(
        &d,
        &[
            "openssl",
            "genpkey",
            "-algorithm",
            "RSA",
            "-aes-128-cbc",
            "-pass",
            "pass:pw12",
            "-out",
            "gp.key",
        ],
        &[],
    )
    .ok();
    for f in ["g.key", "gp.key"] {
        openssl(
            &d,
            &["pkey", "-in", f, "-passin", "pass:pw12", "-check", "-noout"],
        )
        .ok();
    }
    assert_eq!(pbes2_shape(&d, "gp.key")[4], "aes-128-cbc");
    // -traditional with a cipher: the Proc-Type form, which openssl reads.
    pki(
        &d,
        &[
            "openssl",
            "rsa",
            "-in",
            "plain.key",
            "-traditional",
            "-aes128",
            "-passout",
            "pass:trad",
            "-out",
            "t.key",
        ],
        &[],
    )
    .ok();
    let t = fs::read_to_string(d.join("t.key")).expect("read");
    assert!(
        t.starts_with(
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
        ),
        "{t}"
    );
    openssl(
        &d,
        &[
            "rsa",
            "-in",
            "t.key",
            "-passin",
            "pass:trad",
            "-check",
            "-noout",
        ],
    )
    .ok();
}

#[test]
fn keys_openssl_encrypted_are_read_by_pki() {
    let d = setup("enc-theirs");
    let made: &[&[&str]] = &[
        &[
            "genrsa",
            "-aes256",
            "-passout",
            "pass:pw12",
            "-out",
            "g.key",
            "2048",
        ],
        &[
            "rsa",
            "-in",
            "plain.key",
            "-des3",
            "-passout",
            "pass:pw12",
            "-out",
            "d.key",
        ],
        &[
            "rsa",
            "-in",
            "plain.key",
            "-traditional",
            "-aes192",
            "-passout",
            "pass:pw12",
            "-out",
            "t.key",
        ],
        &[
            "rsa",
            "-in",
            "plain.key",
            "-traditional",
            "-des3",
            "-passout",
            "pass:pw12",
            "-out",
            "t3.key",
        ],
        &[
            "rsa",
            "-in",
            "plain.key",
            "-aes128",
            "-passout",
            "pass:pw12",
            "-outform",
            "DER",
            "-out",
            "der.key",
        ],
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-keyout",
            "r.key",
            "-passout",
            "pass:pw12",
            "-subj",
            "/CN=r",
            "-out",
            "r.csr",
        ],
    ];
    for args in made {
        openssl(&d, args).ok();
    }
    for f in ["g.key", "d.key", "t.key", "t3.key", "der.key", "r.key"] {
        let theirs = openssl(
            &d,
            &[
                "rsa",
                "-in",
                f,
                "-passin",
                "pass:pw12",
                "-noout",
                "-modulus",
            ],
        )
        .ok()
        .stdout();
        let ours = pki(
            &d,
            &[
                "openssl",
                "rsa",
                "-in",
                f,
                "-passin",
                "pass:pw12",
                "-noout",
                "-modulus",
            ],
            &[],
        )
        .ok()
        .stdout();
        assert_eq!(ours, theirs, "{f}");
        // A wrong passphrase: exit 1, the file named, nothing written.
        pki(
            &d,
            &[
                "openssl",
                "rsa",
                "-in",
                f,
                "-passin",
                "pass:wrong",
                "-out",
                "never.key",
            ],
            &[],
        )
        .fails(
            1,
            &format!("rsa: {f}: bad decrypt: wrong passphrase, or a damaged encrypted key\n"),
        );
        assert!(!d.join("never.key").exists());
        // No passphrase and no terminal to ask on.
        pki(&d, &["openssl", "rsa", "-in", f, "-out", "never.key"], &[]).fails(
            1,
            &format!(
                "rsa: {f}: cannot get a passphrase: the key is encrypted: give its passphrase \
                 with -passin (pass:, env:, file:, fd:, stdin); there is no terminal to ask on\n"
            ),
        );
        assert!(!d.join("never.key").exists());
    }
    // An encrypted key is a key: no certificate or public key is written over it.
    pki(
        &d,
        &[
            "openssl",
            "rsa",
            "-in",
            "t.key",
            "-passin",
            "pass:pw12",
            "-pubout",
            "-out",
            "t.key",
        ],
        &[],
    )
    .fails(
        1,
        "writing RSA key\nrsa: t.key: holds a private key, which pki does not overwrite with \
         this output (give another -out file)\n",
    );
}

#[test]
fn every_passphrase_source() {
    let d = setup("enc-sources");
    openssl(
        &d,
        &[
            "rsa",
            "-in",
            "plain.key",
            "-aes256",
            "-passout",
            "pass:first",
            "-out",
            "e.key",
        ],
    )
    .ok();
    fs::write(d.join("pw.txt"), "first\nsecond\n").expect("write");
    // (-passin arguments, environment, stdin)
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, Option<&'a str>);
    let cases: Vec<Case> = vec![
        (vec!["-passin", "pass:first"], vec![], None),
        (vec!["-passin", "env:PW"], vec![("PW", "first")], None),
        (vec!["-passin", "file:pw.txt"], vec![], None),
        (vec!["-passin", "stdin"], vec![], Some("first\n")),
        (vec!["-passin", "fd:0"], vec![], Some("first\nmore")),
    ];
    for (args, env, stdin) in cases {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_pki"));
        c.args(["openssl", "rsa", "-in", "e.key", "-noout", "-check"])
            .args(&args)
            .current_dir(d.join("."))
            .env_clear()
            .envs(env.iter().copied());
        c.stdin(std::process::Stdio::piped());
        c.stdout(std::process::Stdio::piped());
        c.stderr(std::process::Stdio::piped());
        let mut child = c.spawn().expect("pki");
        {
            use std::io::Write;
            let mut i = child.stdin.take().expect("stdin");
            let _ = i.write_all(stdin.unwrap_or("").as_bytes());
        }
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "RSA key ok\n",
            "{args:?}"
        );
    }
    // One file for both: the first line is -passin's, the second -passout's, as in OpenSSL.
    pki(
        &d,
        &[
            "openssl",
            "rsa",
            "-in",
            "e.key",
            "-passin",
            "file:pw.txt",
            "-aes128",
            "-passout",
            "file:pw.txt",
            "-out",
            "e2.key",
        ],
        &[],
    )
    .ok();
    openssl(
        &d,
        &["rsa", "-in", "e2.key", "-passin", "pass:second", "-noout"],
    )
    .ok();
    openssl(
        &d,
        &[
            "rsa",
            "-in",
            "e.key",
            "-passin",
            "file:pw.txt",
            "-aes128",
            "-passout",
            "file:pw.txt",
            "-out",
            "e3.key",
        ],
    )
    .ok();
    openssl(
        &d,
        &["rsa", "-in", "e3.key", "-passin", "pass:second", "-noout"],
    )
    .ok();
    // Bad sources are named, their text is not echoed.
    pki(
        &d,
        &["openssl", "rsa", "-in", "e.key", "-passin", "env:NOPE"],
        &[],
    )
    .fails(
        1,
        "rsa: cannot get a passphrase: no environment variable NOPE\n",
    );
    pki(
        &d,
        &["openssl", "rsa", "-in", "e.key", "-passin", "hunter2"],
        &[],
    )
    .fails(
        1,
        "rsa: cannot get a passphrase: invalid password argument \"hunter2\": missing ':' \
         within the first 5 chars (pass:, env:, file:, fd: or stdin)\n",
    );
}

#[test]
fn req_and_x509_sign_with_encrypted_keys_and_req_encrypts_new_keys() {
    let d = setup("enc-req");
    // req's new key: encrypted with DES-EDE3-CBC unless -noenc, as OpenSSL 3.0's.
    pki(
        &d,
        &[
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-keyout",
            "ca.key",
            "-passout",
            "pass:capass",
            "-subj",
            "/CN=ca",
            "-days",
            "3",
            "-out",
            "ca.crt",
        ],
        &[],
    )
    .ok();
    assert_eq!(pbes2_shape(&d, "ca.key")[4], "des-ede3-cbc");
    openssl(
        &d,
        &["pkey", "-in", "ca.key", "-passin", "pass:capass", "-noout"],
    )
    .ok();
    // The config's encrypt_key = no, and output_password.
    fs::write(
        d.join("noenc.cnf"),
        "[req]\nprompt = no\ndistinguished_name = dn\nencrypt_key = no\n[dn]\nCN = n\n",
    )
    .expect("write");
    fs::write(
        d.join("outpw.cnf"),
        "[req]\nprompt = no\ndistinguished_name = dn\noutput_password = cfgpass\n[dn]\nCN = o\n",
    )
    .expect("write");
    for (cnf, key) in [("noenc.cnf", "n.key"), ("outpw.cnf", "o.key")] {
        for (run, dir) in [("pki", "ours"), ("openssl", "theirs")] {
            let _ = fs::create_dir(d.join(dir));
            fs::copy(d.join(cnf), d.join(&format!("{dir}/{cnf}"))).expect("copy");
            let args = [
                "req", "-new", "-newkey", "rsa:2048", "-config", cnf, "-keyout", key, "-out",
                "x.csr",
            ];
            let mut c = if run == "pki" {
                let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_pki"));
                c.arg("openssl");
                c
            } else {
                std::process::Command::new("openssl")
            };
            c.args(args)
                .current_dir(d.join(dir))
                .stdin(std::process::Stdio::null());
            util::run(c, &d).ok();
        }
        let first = |dir: &str| {
            fs::read_to_string(d.join(&format!("{dir}/{key}")))
                .expect("key")
                .lines()
                .next()
                .map(str::to_owned)
        };
        assert_eq!(first("ours"), first("theirs"), "{cnf}");
    }
    openssl(
        &d,
        &[
            "pkey",
            "-in",
            "ours/o.key",
            "-passin",
            "pass:cfgpass",
            "-noout",
        ],
    )
    .ok();
    // -passin for req -key and x509 -CAkey.
    pki(
        &d,
        &[
            "openssl",
            "req",
            "-new",
            "-key",
            "ca.key",
            "-passin",
            "pass:capass",
            "-subj",
            "/CN=leaf",
            "-out",
            "leaf.csr",
        ],
        &[],
    )
    .ok();
    pki(
        &d,
        &[
            "openssl",
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-passin",
            "pass:capass",
            "-set_serial",
            "7",
            "-out",
            "leaf.crt",
        ],
        &[],
    )
    .ok();
    openssl(&d, &["verify", "-CAfile", "ca.crt", "leaf.crt"]).ok();
    pki(
        &d,
        &[
            "openssl",
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-passin",
            "pass:nope",
            "-set_serial",
            "8",
            "-out",
            "leaf2.crt",
        ],
        &[],
    )
    .fails(
        1,
        "Certificate request self-signature ok\nsubject=CN = leaf\nx509: ca.key: bad decrypt: \
         wrong passphrase, or a damaged encrypted key\n",
    );
    assert!(!d.join("leaf2.crt").exists());
}

#[test]
fn pkcs8_converts_as_openssl_does() {
    let d = setup("enc-pkcs8");
    openssl(
        &d,
        &[
            "rsa",
            "-in",
            "plain.key",
            "-traditional",
            "-out",
            "pkcs1.key",
        ],
    )
    .ok();
    // Unencrypted conversions are deterministic: byte for byte openssl's output.
    let same: &[&[&str]] = &[
        &["pkcs8", "-topk8", "-nocrypt", "-in", "pkcs1.key"],
        &[
            "pkcs8",
            "-inform",
            "PEM",
            "-outform",
            "PEM",
            "-in",
            "pkcs1.key",
            "-topk8",
            "-nocrypt",
            "-v1",
            "PBE-SHA1-3DES",
        ],
        &[
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            "plain.key",
            "-outform",
            "DER",
        ],
        &["pkcs8", "-in", "plain.key", "-nocrypt"],
        &["pkcs8", "-in", "plain.key", "-nocrypt", "-traditional"],
    ];
    for args in same {
        let theirs = openssl(&d, args).ok().out.stdout;
        let mut all = vec!["openssl"];
        all.extend_from_slice(args);
        let ours = pki(&d, &all, &[]).ok().out.stdout;
        assert_eq!(ours, theirs, "{args:?}");
    }
    // Encrypted: -v2, -v2prf, -iter as asked, read back by openssl; and openssl's, by pki.
    pki(
        &d,
        &[
            "openssl",
            "pkcs8",
            "-topk8",
            "-in",
            "pkcs1.key",
            "-v2",
            "aes128",
            "-v2prf",
            "hmacWithSHA512",
            "-iter",
            "5000",
            "-passout",
            "pass:pw12",
            "-out",
            "e.key",
        ],
        &[],
    )
    .ok();
    assert_eq!(
        pbes2_shape(&d, "e.key"),
        ["PBES2", "PBKDF2", "1388", "hmacWithSHA512", "aes-128-cbc"]
    );
    let back = openssl(&d, &["pkcs8", "-in", "e.key", "-passin", "pass:pw12"])
        .ok()
        .stdout();
    assert_eq!(back, fs::read_to_string(d.join("plain.key")).expect("read"));
    openssl(
        &d,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            "plain.key",
            "-passout",
            "pass:pw12",
            "-out",
            "o.key",
        ],
    )
    .ok();
    let ours = pki(
        &d,
        &["openssl", "pkcs8", "-in", "o.key", "-passin", "pass:pw12"],
        &[],
    )
    .ok()
    .stdout();
    assert_eq!(ours, back);
    // What pkcs8 expects, and what pki does not write.
    pki(&d, &["openssl", "pkcs8", "-in", "plain.key"], &[]).fails(
        1,
        "pkcs8: plain.key: expecting ENCRYPTED PRIVATE KEY, found PRIVATE KEY\n",
    );
    pki(
        &d,
        &[
            "openssl",
            "pkcs8",
            "-topk8",
            "-in",
            "plain.key",
            "-v1",
            "PBE-SHA1-3DES",
            "-passout",
            "pass:pw12",
        ],
        &[],
    )
    .fails(
        1,
        "pkcs8: -v1 PBE-SHA1-3DES is not supported by pki: it writes PBES2 (-v2 aes256, \
         OpenSSL 3's default), not the PKCS#5 v1.5 or PKCS#12 schemes\n",
    );
}
