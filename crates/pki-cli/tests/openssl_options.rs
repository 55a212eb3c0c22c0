//! Options real scripts pass that need no command of their own: `genpkey -config` (read and
//! checked: its module settings load nothing in pki, and those that would change what OpenSSL
//! does are refused) and `verify -verbose`, each against the real openssl.

mod util;

use std::fs;

use util::{TestDir, openssl, pki};

#[test]
fn genpkey_config_is_read_and_its_modules_checked() {
    let d = TestDir::new("options");
    // Debian's own openssl.cnf (providers: default only) and a file without modules.
    fs::write(
        d.join("plain.cnf"),
        "[req]\ndistinguished_name = dn\n[dn]\n",
    )
    .expect("write");
    for (i, conf) in ["/etc/ssl/openssl.cnf", "plain.cnf"].iter().enumerate() {
        let out = format!("k{i}.key");
        let r = pki(
            &d,
            &[
                "openssl",
                "genpkey",
                "-algorithm",
                "RSA",
                "-config",
                conf,
                "-out",
                &out,
            ],
            &[],
        )
        .ok();
        assert_eq!(r.stderr(), format!("Using configuration from {conf}\n"));
        openssl(&d, &["pkey", "-in", &out, "-check", "-noout"]).ok();
    }
    fs::write(
        d.join("legacy.cnf"),
        "openssl_conf = init\n[init]\nproviders = p\n[p]\ndefault = d\nlegacy = l\n\
         [d]\nactivate = 1\n[l]\nactivate = 1\n",
    )
    .expect("write");
    fs::write(
        d.join("engine.cnf"),
        "openssl_conf = init\n[init]\nengines = e\n[e]\n",
    )
    .expect("write");
    for (conf, message) in [
        (
            "legacy.cnf",
            "genpkey: legacy.cnf: the provider \"legacy\" ([p]) is not supported by pki: it has \
             OpenSSL's default algorithms only\n",
        ),
        (
            "engine.cnf",
            "genpkey: engine.cnf: the module setting engines ([init]) is not supported by pki\n",
        ),
        (
            "missing.cnf",
            "genpkey: cannot read missing.cnf: No such file or directory (os error 2)\n",
        ),
    ] {
        let r = pki(
            &d,
            &[
                "openssl",
                "genpkey",
                "-algorithm",
                "RSA",
                "-config",
                conf,
                "-out",
                "x.key",
            ],
            &[],
        );
        assert_eq!(r.code(), Some(1), "{conf}");
        assert_eq!(
            r.stderr(),
            format!("Using configuration from {conf}\n{message}"),
            "{conf}"
        );
        assert!(!d.join("x.key").exists(), "{conf}");
    }
}

#[test]
fn verify_verbose_prints_as_openssl() {
    let d = TestDir::new("options");
    openssl(
        &d,
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-subj",
            "/CN=ca", "-out", "ca.crt",
        ],
    )
    .ok();
    openssl(
        &d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "other.key",
            "-subj",
            "/CN=other",
            "-out",
            "other.crt",
        ],
    )
    .ok();
    for target in ["ca.crt", "other.crt"] {
        let args = ["verify", "-verbose", "-CAfile", "ca.crt", target];
        let theirs = openssl(&d, &args);
        let ours = pki(&d, &[&["openssl"][..], &args].concat(), &[]);
        assert_eq!(ours.code(), theirs.code(), "{target}");
        assert_eq!(ours.stdout(), theirs.stdout(), "{target}");
        assert_eq!(ours.stderr(), theirs.stderr(), "{target}");
    }
}
