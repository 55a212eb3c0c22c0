//! `pki etcd config`: the etcd.yaml of a node of a set made by `pki init`, pinned by golden
//! files in tests/golden/etcd/ (the configuration holds nothing random;
//! `UPDATE_EXPECT=1 cargo test -p pki-cli --test etcd` rewrites them), and every refusal with its
//! exact message.
//! `cargo xtask e2e` runs these configurations with the real etcd.

mod util;

use std::{ffi::OsStr, fs, os::unix::ffi::OsStrExt, path::Path, process::Command, sync::OnceLock};

use util::{TestDir, pki};

/// The files of one `pki init certs` on the seed's defaults, made once and copied into each
/// test's folder (key generation is the slow part).
fn seed_set(d: &TestDir, sub: &str) {
    static SET: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    let files = SET.get_or_init(|| {
        let made = TestDir::new("etcd-set");
        pki(&made, &["init", "certs"], &[]).ok();
        made.snapshot("certs")
    });
    fs::create_dir_all(d.join(sub)).expect("create set folder");
    for (name, bytes) in files {
        fs::write(d.join(&format!("{sub}/{name}")), bytes).expect("copy set file");
    }
}

/// Compares `got` with tests/golden/etcd/NAME, or rewrites it when UPDATE_EXPECT is set.
#[track_caller]
fn golden(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/etcd")
        .join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(&path, got).expect("write golden file");
        return;
    }
    let want = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_EXPECT=1 writes it)", path.display()));
    assert_eq!(got, want, "output differs from {}", path.display());
}

#[test]
fn seed_form_for_one_node() {
    let d = TestDir::new("etcd-seed");
    seed_set(&d, "certs");
    let run = pki(&d, &["etcd", "config", "etcd02", "--dir", "certs"], &[]).ok();
    golden("etcd02-seed.yaml", &run.stdout());
    assert_eq!(run.stderr(), "");
}

#[test]
fn the_set_openssl_made_from_pki_sh_gives_the_same_configuration() {
    let d = TestDir::new("etcd-openssl");
    let reference = util::reference();
    let dir = reference.to_str().expect("UTF-8 path");
    let args = [
        "etcd",
        "config",
        "etcd02",
        "--dir",
        dir,
        "--cert-dir",
        "certs",
    ];
    let run = pki(&d, &args, &[]).ok();
    golden("etcd02-seed.yaml", &run.stdout());
}

#[test]
fn the_folder_defaults_to_the_current_one() {
    let d = TestDir::new("etcd-dot");
    seed_set(&d, ".");
    let run = pki(&d, &["etcd", "config", "etcd01"], &[]).ok();
    golden("etcd01-dot.yaml", &run.stdout());
}

#[test]
fn cluster_with_every_option() {
    let d = TestDir::new("etcd-cluster");
    seed_set(&d, "certs");
    let run = pki(
        &d,
        &[
            "etcd",
            "config",
            "etcd01",
            "--dir",
            "certs",
            "--cluster",
            "--peer-client-cert-auth",
            // Per-node ports win over the one for every node, whatever the order.
            "--peer-port",
            "etcd02=22380",
            "--peer-port",
            "12380",
            "--client-port",
            "12379",
            "--data-dir",
            "/var/lib/etcd #1",
            "--cert-dir",
            "/etc/etcd/pki: \"tls\"",
            "--listen-client",
            "0.0.0.0",
            "--listen-peer",
            "0.0.0.0",
            "--cluster-token",
            "yes",
        ],
        &[],
    )
    .ok();
    golden("etcd01-cluster.yaml", &run.stdout());
}

#[test]
fn ipv6_addresses_are_bracketed_in_urls() {
    let d = TestDir::new("etcd-ipv6");
    pki(
        &d,
        &["init", "v6", "--node", "a=::1", "--node", "b=fd00::2"],
        &[],
    )
    .ok();
    let run = pki(
        &d,
        &["etcd", "config", "b", "--dir", "v6", "--cluster"],
        &[],
    )
    .ok();
    golden("b-ipv6.yaml", &run.stdout());
}

#[test]
fn the_same_port_twice_on_one_address_is_refused() {
    let d = TestDir::new("etcd-clash");
    seed_set(&d, "certs");
    pki(
        &d,
        &[
            "etcd",
            "config",
            "etcd01",
            "--dir",
            "certs",
            "--client-port",
            "2380",
        ],
        &[],
    )
    .fails(
        2,
        "pki: 192.168.31.17:2380 is both the client port of etcd01 and the peer port of etcd01\n",
    );
    // Members sharing one host need a port pair each.
    let d = TestDir::new("etcd-clash-host");
    pki(
        &d,
        &[
            "init",
            "l",
            "--node",
            "x=127.0.0.1",
            "--node",
            "y=127.0.0.1",
        ],
        &[],
    )
    .ok();
    pki(&d, &["etcd", "config", "y", "--dir", "l"], &[]).ok();
    pki(&d, &["etcd", "config", "y", "--dir", "l", "--cluster"], &[]).fails(
        2,
        "pki: 127.0.0.1:2379 is both the client port of x and the client port of y\n",
    );
    let ports = [
        "--client-port=x=1",
        "--peer-port=x=2",
        "--client-port=y=3",
        "--peer-port=y=4",
    ];
    let mut args = vec!["etcd", "config", "y", "--dir", "l", "--cluster"];
    args.extend(ports);
    pki(&d, &args, &[]).ok();
}

#[test]
fn unknown_nodes_are_refused_with_the_known_ones() {
    let d = TestDir::new("etcd-unknown");
    seed_set(&d, "certs");
    let msg = "pki: unknown node \"etcd09\": certs/openssl.conf lists etcd01, etcd02, etcd03\n";
    pki(&d, &["etcd", "config", "etcd09", "--dir", "certs"], &[]).fails(2, msg);
    let args = [
        "etcd",
        "config",
        "etcd01",
        "--dir",
        "certs",
        "--peer-port",
        "etcd09=1",
    ];
    pki(&d, &args, &[]).fails(2, msg);
    pki(&d, &["etcd", "config", "ETCD01", "--dir", "certs"], &[]).fails(
        2,
        "pki: unknown node \"ETCD01\": certs/openssl.conf lists etcd01, etcd02, etcd03\n",
    );
}

#[test]
fn bad_ports_are_refused() {
    let d = TestDir::new("etcd-port");
    for (arg, value) in [
        ("--peer-port", "etcd02=0"),
        ("--client-port", "65536"),
        ("--client-port", "etcd01="),
    ] {
        let shown = value.split_once('=').map_or(value, |(_, p)| p);
        pki(&d, &["etcd", "config", "etcd01", arg, value], &[]).fails(
            2,
            &format!(
                "error: invalid value '{value}' for '{arg} <[NAME=]PORT>': {shown:?} is not a port (1 to 65535)\n\nFor more information, try '--help'.\n"
            ),
        );
    }
}

#[test]
fn a_folder_without_a_set_is_refused() {
    let d = TestDir::new("etcd-noset");
    pki(&d, &["etcd", "config", "etcd01", "--dir", "nowhere"], &[]).fails(
        2,
        "pki: cannot read nowhere/openssl.conf: No such file or directory (os error 2)\n",
    );
    seed_set(&d, "certs");
    fs::remove_file(d.join("certs/peer.crt")).expect("remove");
    pki(&d, &["etcd", "config", "etcd01", "--dir", "certs"], &[]).fails(
        2,
        "pki: cannot read certs/peer.crt: No such file or directory (os error 2)\n",
    );
}

#[test]
fn an_openssl_conf_that_is_not_a_node_list_is_refused() {
    let d = TestDir::new("etcd-conf");
    seed_set(&d, "certs");
    let conf = d.join("certs/openssl.conf");
    let seed = fs::read_to_string(&conf).expect("conf");
    for (edit, reason) in [
        (
            seed.replace("IP.1 = 127.0.0.1\n", ""),
            "the subjectAltName must hold IP 127.0.0.1 and then one IP address per DNS name",
        ),
        (
            seed.replace("IP.4 = 192.168.31.19\n", ""),
            "the subjectAltName must hold IP 127.0.0.1 and then one IP address per DNS name",
        ),
        (
            seed.replace("DNS.1 = etcd01\nDNS.2 = etcd02\nDNS.3 = etcd03\n", ""),
            "the subjectAltName has no DNS name",
        ),
        (
            seed.replace("subjectAltName = @alt_names\n", ""),
            "[v3_req] has no subjectAltName",
        ),
    ] {
        fs::write(&conf, edit).expect("edit conf");
        pki(&d, &["etcd", "config", "etcd01", "--dir", "certs"], &[]).fails(
            2,
            &format!("pki: certs/openssl.conf: not a node list as pki init writes it: {reason}\n"),
        );
    }
    fs::write(&conf, seed.replace("[ v3_req ]", "[ v3_other ]")).expect("edit conf");
    pki(&d, &["etcd", "config", "etcd01", "--dir", "certs"], &[]).fails(
        2,
        "pki: invalid configuration: certs/openssl.conf: no section [v3_req]\n",
    );
}

#[test]
fn certificates_made_for_other_nodes_are_refused() {
    let d = TestDir::new("etcd-stale");
    seed_set(&d, "certs");
    // Re-running pki init with another address rewrites openssl.conf and keeps the certificates.
    pki(&d, &["init", "certs", "--node", "etcd01=10.0.0.1"], &[]).ok();
    pki(&d, &["etcd", "config", "etcd01", "--dir", "certs"], &[]).fails(
        2,
        "pki: certs/client.crt: the subjectAltName does not name node etcd01 (10.0.0.1): \
         openssl.conf was changed after the certificate was made\n",
    );
}

#[test]
fn a_path_that_is_not_utf8_is_refused() {
    let d = TestDir::new("etcd-utf8");
    seed_set(&d, "certs");
    let mut c = Command::new(env!("CARGO_BIN_EXE_pki"));
    c.args(["etcd", "config", "etcd01", "--dir", "certs", "--data-dir"])
        .arg(OsStr::from_bytes(b"data/\xff"))
        .current_dir(&d.path)
        .env_clear();
    util::run(c, &d).fails(2, "pki: the path data/\u{fffd} is not UTF-8\n");
}
