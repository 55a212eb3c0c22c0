//! `pki init` end to end: the eleven files of pki.sh, accepted by the real openssl, idempotent,
//! and every rejected input with its exact message.

mod util;

use std::{fs, os::unix::fs::PermissionsExt};

use util::{TestDir, openssl, pki};

/// What pki.sh leaves (the reference folder holds the same ten, beside its dumps).
const FILES: [&str; 10] = [
    "ca.crt",
    "ca.key",
    "ca.srl",
    "client.crt",
    "client.csr",
    "client.key",
    "openssl.conf",
    "peer.crt",
    "peer.csr",
    "peer.key",
];

fn names(d: &TestDir, sub: &str) -> Vec<String> {
    d.snapshot(sub).into_iter().map(|(n, _)| n).collect()
}

#[test]
fn init_makes_the_files_of_pki_sh_and_openssl_accepts_them() {
    let d = TestDir::new("init");
    let run = pki(&d, &["init", "certs"], &[]).ok();
    assert_eq!(names(&d, "certs"), FILES);
    for step in [
        "openssl.conf",
        "ca.key",
        "ca.crt",
        "client.key",
        "client.csr",
        "client.crt",
        "peer.key",
        "peer.csr",
        "peer.crt",
    ] {
        assert!(
            run.stdout().contains(&format!("created  {step:<13}")),
            "{step} not reported:\n{}",
            run.stdout()
        );
    }
    // openssl.conf is the script's, byte for byte, on the seed's defaults.
    assert_eq!(
        fs::read(d.join("certs/openssl.conf")).expect("conf"),
        fs::read(util::reference().join("openssl.conf")).expect("reference conf")
    );
    for key in ["ca.key", "client.key", "peer.key"] {
        let mode = fs::metadata(d.join(&format!("certs/{key}")))
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{key} mode");
        let check = openssl(
            &d,
            &["pkey", "-check", "-noout", "-in", &format!("certs/{key}")],
        )
        .ok();
        assert!(
            check.stdout().contains("Key is valid"),
            "{}",
            check.stdout()
        );
        assert!(
            fs::read_to_string(d.join(&format!("certs/{key}")))
                .expect("key")
                .starts_with("-----BEGIN PRIVATE KEY-----\n")
        );
    }
    let verify = openssl(
        &d,
        &[
            "verify",
            "-CAfile",
            "certs/ca.crt",
            "certs/client.crt",
            "certs/peer.crt",
        ],
    )
    .ok();
    assert_eq!(
        verify.stdout(),
        "certs/client.crt: OK\ncerts/peer.crt: OK\n"
    );
    for csr in ["client.csr", "peer.csr"] {
        let v = openssl(
            &d,
            &["req", "-verify", "-noout", "-in", &format!("certs/{csr}")],
        )
        .ok();
        assert!(
            v.stderr().contains("verify OK") || v.stdout().contains("verify OK"),
            "{csr}"
        );
    }
    // The serial file holds the last serial issued: peer.crt's.
    let peer_serial = openssl(&d, &["x509", "-noout", "-serial", "-in", "certs/peer.crt"])
        .ok()
        .stdout();
    let srl = fs::read_to_string(d.join("certs/ca.srl")).expect("srl");
    assert_eq!(peer_serial, format!("serial={srl}"));
}

#[test]
fn second_run_changes_no_byte_and_deleting_a_cert_remakes_only_it() {
    let d = TestDir::new("idem");
    pki(&d, &["init", "certs"], &[]).ok();
    let before = d.snapshot("certs");
    let again = pki(&d, &["init", "certs"], &[]).ok();
    assert_eq!(d.snapshot("certs"), before, "a second run changed files");
    assert!(!again.stdout().contains("created"), "{}", again.stdout());
    assert_eq!(
        again.stdout().matches("skipped").count(),
        8,
        "{}",
        again.stdout()
    );

    fs::remove_file(d.join("certs/client.crt")).expect("rm");
    let third = pki(&d, &["init", "certs"], &[]).ok();
    assert_eq!(
        third.stdout().matches("created").count(),
        1,
        "{}",
        third.stdout()
    );
    assert!(
        third.stdout().contains("created  client.crt"),
        "{}",
        third.stdout()
    );
    let after = d.snapshot("certs");
    for ((name, old), (name2, new)) in before.iter().zip(&after) {
        assert_eq!(name, name2);
        if name != "client.crt" && name != "ca.srl" {
            assert_eq!(old, new, "{name} changed");
        }
    }
    openssl(
        &d,
        &["verify", "-CAfile", "certs/ca.crt", "certs/client.crt"],
    )
    .ok();
}

#[test]
fn nodes_come_from_flags_then_script_variables() {
    let d = TestDir::new("nodes");
    pki(
        &d,
        &["init", "a", "--node", "n1=10.0.0.1", "--node", "n2=::1"],
        &[],
    )
    .ok();
    let san = openssl(
        &d,
        &[
            "x509",
            "-noout",
            "-ext",
            "subjectAltName",
            "-in",
            "a/client.crt",
        ],
    )
    .ok()
    .stdout();
    assert!(
        san.contains(
            "DNS:n1, DNS:n2, IP Address:127.0.0.1, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1"
        ),
        "{san}"
    );

    pki(
        &d,
        &["init", "b"],
        &[("NAME1", "x1"), ("ADDRESS1", "10.1.1.1")],
    )
    .ok();
    let san = openssl(
        &d,
        &[
            "x509",
            "-noout",
            "-ext",
            "subjectAltName",
            "-in",
            "b/peer.crt",
        ],
    )
    .ok()
    .stdout();
    assert!(
        san.contains("DNS:x1, IP Address:127.0.0.1, IP Address:10.1.1.1\n"),
        "{san}"
    );
}

#[test]
fn dry_run_writes_nothing() {
    let d = TestDir::new("dry");
    let run = pki(&d, &["init", "certs", "--dry-run"], &[]).ok();
    assert!(!d.join("certs").exists());
    assert_eq!(
        run.stdout().matches("create ").count(),
        9,
        "{}",
        run.stdout()
    );
}

#[test]
fn keys_are_0600_whatever_the_umask() {
    let d = TestDir::new("umask");
    let mut c = std::process::Command::new("sh");
    c.arg("-c")
        .arg(format!(
            "umask 000; exec {} init certs",
            env!("CARGO_BIN_EXE_pki")
        ))
        .current_dir(&d.path);
    util::run(c, &d).ok();
    for key in ["ca.key", "client.key", "peer.key"] {
        let mode = fs::metadata(d.join(&format!("certs/{key}")))
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{key}");
    }
}

/// Arguments, environment, and the exact stderr.
type Rejection<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[test]
fn rejected_nodes_and_options_write_nothing() {
    let d = TestDir::new("reject");
    let cases: [Rejection; 7] = [
        (
            &["init", "x", "--node", "etcd01"],
            &[],
            "pki: bad node \"etcd01\": expected NAME=ADDRESS\n",
        ),
        (
            &["init", "x", "--node", "etcd01=192.168.31.300"],
            &[],
            "pki: bad node \"etcd01=192.168.31.300\": the address is not an IPv4 or IPv6 address\n",
        ),
        (
            &["init", "x", "--node", "=1.2.3.4"],
            &[],
            "pki: bad node \"=1.2.3.4\": empty name\n",
        ),
        (
            &["init", "x", "--node", "etcd01="],
            &[],
            "pki: bad node \"etcd01=\": empty address\n",
        ),
        (
            &["init", "x", "--node", "bad_name!=1.2.3.4"],
            &[],
            "pki: bad node \"bad_name!=1.2.3.4\": the name is not a valid DNS name\n",
        ),
        (
            &["init", "x"],
            &[("NAME1", "a"), ("ADDRESS1", "10.0.0.1"), ("NAME2", "b")],
            "pki: bad node \"NAME2=b\": no matching ADDRESS variable\n",
        ),
        (
            &["init", "x", "--bits", "1024"],
            &[],
            "pki: unsupported RSA key size 1024: use 2048, 3072 or 4096\n",
        ),
    ];
    for (args, env, stderr) in cases {
        pki(&d, args, env).fails(2, stderr);
        assert!(!d.join("x").exists(), "{args:?} wrote files");
    }
}

#[test]
fn broken_inputs_on_disk_are_named_with_the_reason() {
    let d = TestDir::new("broken");
    fs::create_dir(d.join("c")).expect("mkdir");
    // A certificate where the CA key should be.
    fs::copy(util::reference().join("ca.crt"), d.join("c/ca.key")).expect("copy");
    pki(&d, &["init", "c"], &[]).fails(
        2,
        "pki: c/ca.key: wrong PEM label: expected PRIVATE KEY, found \"CERTIFICATE\"\n",
    );

    // Not PEM and not a key in DER either.
    fs::write(d.join("c/ca.key"), b"garbage\n").expect("write");
    let run = pki(&d, &["init", "c"], &[]);
    assert_eq!(run.code(), Some(2));
    assert!(
        run.stderr()
            .starts_with("pki: c/ca.key: malformed PKCS#8 private key: "),
        "{}",
        run.stderr()
    );
    assert_eq!(run.stderr().lines().count(), 1);

    // A truncated CA certificate.
    let d2 = TestDir::new("trunc");
    pki(&d2, &["init", "c"], &[]).ok();
    let pem = fs::read(d2.join("c/ca.crt")).expect("ca");
    let der = pki_core_der(&pem);
    fs::write(d2.join("c/ca.crt"), &der[..der.len() - 10]).expect("truncate");
    fs::remove_file(d2.join("c/client.crt")).expect("rm");
    let run = pki(&d2, &["init", "c"], &[]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert!(
        run.stderr()
            .starts_with("pki: c/ca.crt: malformed certificate: "),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("DER byte"), "{}", run.stderr());

    // A CSR whose signature does not verify.
    let d3 = TestDir::new("badcsr");
    pki(&d3, &["init", "c"], &[]).ok();
    let mut client = pki_core_der(&fs::read(d3.join("c/client.csr")).expect("client.csr"));
    let last = client.len() - 1;
    client[last] ^= 1;
    fs::write(d3.join("c/client.csr"), &client).expect("write");
    fs::remove_file(d3.join("c/client.crt")).expect("rm");
    pki(&d3, &["init", "c"], &[])
        .fails(2, "pki: c/client.csr: the CSR signature does not verify\n");
}

/// The DER inside a PEM file.
fn pki_core_der(pem: &[u8]) -> Vec<u8> {
    pki_core::pem::decode_all(pem).expect("pem").remove(0).der
}
