//! `openssl req` without `-config` reads Debian's openssl.cnf (pki has a copy built in), and
//! the options scripts use with it: a new key without `-newkey` (`default_bits`), where it goes
//! without `-keyout` (`default_keyfile`, else stdout), `-batch`, `-section`, `-outform`,
//! `-extensions` of the system file, `-days` without `-x509`. Each run side by side with the
//! real openssl in two folders: the same files, modes, subjects and extensions.

mod util;

use std::{fs, os::unix::fs::PermissionsExt};

use util::{TestDir, openssl};

/// Runs `args` in `ours/` through pki and in `theirs/` through openssl, both succeeding;
/// returns both runs.
fn both(d: &TestDir, args: &[&str]) -> (util::Run, util::Run) {
    for sub in ["ours", "theirs"] {
        let _ = fs::remove_dir_all(d.join(sub));
        fs::create_dir(d.join(sub)).expect("mkdir");
        for f in ["key.pem", "nokeyfile.cnf", "sect.cnf", "bits.cnf"] {
            fs::copy(d.join(f), d.join(&format!("{sub}/{f}"))).expect("copy");
        }
    }
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_pki"));
    c.arg("openssl").args(args).current_dir(d.join("ours"));
    let ours = util::run(c, d).ok();
    let mut c = std::process::Command::new("openssl");
    c.args(args).current_dir(d.join("theirs"));
    let theirs = util::run(c, d).ok();
    (ours, theirs)
}

/// The file names of a folder, with their modes.
fn listing(d: &TestDir, sub: &str) -> Vec<(String, u32)> {
    let mut v: Vec<(String, u32)> = fs::read_dir(d.join(sub))
        .expect("ls")
        .map(|e| {
            let e = e.expect("entry");
            let mode = e.metadata().expect("meta").permissions().mode() & 0o777;
            (e.file_name().to_string_lossy().into_owned(), mode)
        })
        .collect();
    v.sort();
    v
}

/// `-text` of a certificate or request without what differs from run to run.
fn shape(d: &TestDir, file: &str, req: bool, der: bool) -> String {
    let mut args = vec![
        if req { "req" } else { "x509" },
        "-in",
        file,
        "-noout",
        "-text",
    ];
    if der {
        args.extend(["-inform", "DER"]);
    }
    let text = openssl(d, &args).ok().stdout();
    let mut out = Vec::new();
    let mut skip_hex = false;
    for l in text.lines() {
        let t = l.trim_start();
        if skip_hex && (t.contains(':') && t.chars().all(|c| c.is_ascii_hexdigit() || c == ':')) {
            continue;
        }
        skip_hex = false;
        if t.starts_with("Modulus:")
            || t.starts_with("Signature Value:")
            || t.starts_with("Serial Number:")
        {
            skip_hex = true;
            out.push(t.split(':').next().unwrap_or("").to_owned());
            continue;
        }
        if t.starts_with("Not Before") || t.starts_with("Not After") {
            continue;
        }
        if t.chars().all(|c| c.is_ascii_hexdigit() || c == ':') && t.len() > 20 {
            continue; // key identifiers
        }
        out.push(l.to_owned());
    }
    out.join("\n")
}

fn setup() -> TestDir {
    let d = TestDir::new("req");
    openssl(&d, &["genrsa", "-out", "key.pem", "2048"]).ok();
    fs::write(
        d.join("nokeyfile.cnf"),
        "[req]\ndistinguished_name = dn\n[dn]\n",
    )
    .expect("w");
    fs::write(
        d.join("sect.cnf"),
        "[req]\ndistinguished_name = nothing\n[nothing]\n\
         [mine]\nprompt = no\ndistinguished_name = mydn\nx509_extensions = myx\n\
         [mydn]\nO = Section Org\nCN = from section\n\
         [myx]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = keyCertSign\n",
    )
    .expect("w");
    fs::write(
        d.join("bits.cnf"),
        "[req]\ndefault_bits = 3072\ndefault_keyfile = mykey.pem\nprompt = no\n\
         distinguished_name = dn\n[dn]\nCN = bits\n",
    )
    .expect("w");
    d
}

#[test]
fn without_config_the_system_file_is_used() {
    let d = setup();
    // No -keyout: the new key goes to the system file's default_keyfile, privkey.pem, 0600.
    both(
        &d,
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=a", "-out", "a.crt",
        ],
    );
    assert_eq!(listing(&d, "ours"), listing(&d, "theirs"));
    assert!(listing(&d, "ours").contains(&("privkey.pem".into(), 0o600)));
    assert_eq!(
        shape(&d, "ours/a.crt", false, false),
        shape(&d, "theirs/a.crt", false, false)
    );
    openssl(&d, &["pkey", "-in", "ours/privkey.pem", "-noout"]).ok();
    // -new without a key: one of default_bits (2048), and -batch takes the default subject.
    both(&d, &["req", "-new", "-nodes", "-batch", "-out", "b.csr"]);
    assert_eq!(listing(&d, "ours"), listing(&d, "theirs"));
    let subject = |sub: &str| {
        openssl(
            &d,
            &["req", "-in", &format!("{sub}/b.csr"), "-noout", "-subject"],
        )
        .ok()
        .stdout()
    };
    assert_eq!(
        subject("ours"),
        "subject=C = AU, ST = Some-State, O = Internet Widgits Pty Ltd\n"
    );
    assert_eq!(subject("ours"), subject("theirs"));
    // -extensions of the system file.
    both(
        &d,
        &[
            "req",
            "-x509",
            "-key",
            "key.pem",
            "-subj",
            "/CN=e",
            "-extensions",
            "v3_req",
            "-set_serial",
            "1",
            "-out",
            "e.crt",
        ],
    );
    assert_eq!(
        shape(&d, "ours/e.crt", false, false),
        shape(&d, "theirs/e.crt", false, false)
    );
    // -days without -x509: OpenSSL's warning, and a request.
    let (ours, theirs) = both(
        &d,
        &[
            "req", "-new", "-key", "key.pem", "-subj", "/CN=x", "-days", "3", "-out", "c.csr",
        ],
    );
    assert_eq!(ours.stderr(), theirs.stderr());
    assert_eq!(
        ours.stderr(),
        "Ignoring -days without -x509; not generating a certificate\n"
    );
    // -outform DER.
    both(
        &d,
        &[
            "req", "-new", "-key", "key.pem", "-subj", "/CN=der", "-outform", "DER", "-out",
            "d.der",
        ],
    );
    assert_eq!(
        shape(&d, "ours/d.der", true, true),
        shape(&d, "theirs/d.der", true, true)
    );
}

#[test]
fn config_key_settings_and_sections() {
    let d = setup();
    // A config without default_keyfile: the key on stdout, the certificate in -out.
    let (ours, theirs) = both(
        &d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-config",
            "nokeyfile.cnf",
            "-subj",
            "/CN=k",
            "-out",
            "k.crt",
        ],
    );
    for r in [&ours, &theirs] {
        assert!(
            r.stdout().starts_with("-----BEGIN PRIVATE KEY-----"),
            "{}",
            r.stdout()
        );
    }
    assert_eq!(listing(&d, "ours"), listing(&d, "theirs"));
    // default_bits and default_keyfile.
    both(
        &d,
        &[
            "req", "-new", "-nodes", "-config", "bits.cnf", "-out", "b.csr",
        ],
    );
    assert_eq!(listing(&d, "ours"), listing(&d, "theirs"));
    let bits = |sub: &str| {
        openssl(
            &d,
            &[
                "pkey",
                "-in",
                &format!("{sub}/mykey.pem"),
                "-noout",
                "-text",
            ],
        )
        .ok()
        .stdout()
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
    };
    assert_eq!(bits("ours"), "Private-Key: (3072 bit, 2 primes)");
    assert_eq!(bits("ours"), bits("theirs"));
    // -section: another section in place of [req].
    both(
        &d,
        &[
            "req",
            "-x509",
            "-key",
            "key.pem",
            "-config",
            "sect.cnf",
            "-section",
            "mine",
            "-set_serial",
            "5",
            "-out",
            "s.crt",
        ],
    );
    assert_eq!(
        shape(&d, "ours/s.crt", false, false),
        shape(&d, "theirs/s.crt", false, false)
    );
}
