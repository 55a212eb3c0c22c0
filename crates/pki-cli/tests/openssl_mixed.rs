//! Mixed use: keys and CSRs made by the real openssl signed by `pki openssl x509 -req`, and
//! keys and CSRs made by `pki openssl` signed by the real openssl; each side verifies what the
//! other made.

mod util;

use std::fs;

use util::{Run, TestDir, openssl, pki, reference};

fn ours(d: &TestDir, args: &[&str]) -> Run {
    let mut all = vec!["openssl"];
    all.extend_from_slice(args);
    pki(d, &all, &[])
}

fn sign_args<'a>(csr: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "x509",
        "-req",
        "-sha256",
        "-in",
        csr,
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        out,
        "-days",
        "30",
        "-extensions",
        "v3_req",
        "-extfile",
        "openssl.conf",
    ]
}

#[test]
fn pki_signs_what_openssl_made() {
    let d = TestDir::new("mixed-theirs");
    fs::copy(reference().join("openssl.conf"), d.join("openssl.conf")).expect("conf");
    openssl(&d, &["genrsa", "-out", "ca.key", "2048"]).ok();
    openssl(
        &d,
        &[
            "req",
            "-x509",
            "-new",
            "-nodes",
            "-key",
            "ca.key",
            "-subj",
            "/CN=openssl-ca",
            "-days",
            "30",
            "-out",
            "ca.crt",
        ],
    )
    .ok();
    openssl(&d, &["genrsa", "-out", "node.key", "2048"]).ok();
    openssl(
        &d,
        &[
            "req",
            "-new",
            "-key",
            "node.key",
            "-subj",
            "/CN=node",
            "-out",
            "node.csr",
            "-config",
            "openssl.conf",
        ],
    )
    .ok();
    ours(&d, &sign_args("node.csr", "node.crt")).ok();
    ours(&d, &sign_args("node.csr", "node2.crt")).ok();
    let v = openssl(
        &d,
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-purpose",
            "sslserver",
            "-verify_hostname",
            "etcd01",
            "node.crt",
            "node2.crt",
        ],
    )
    .ok();
    assert_eq!(v.stdout(), "node.crt: OK\nnode2.crt: OK\n");
    // The key openssl made is the certificate's.
    let modulus = |r: Run| r.ok().stdout();
    assert_eq!(
        modulus(openssl(
            &d,
            &["x509", "-in", "node.crt", "-noout", "-modulus"]
        )),
        modulus(openssl(
            &d,
            &["rsa", "-in", "node.key", "-noout", "-modulus"]
        ))
    );
    // Serials follow ca.srl, which openssl reads and continues.
    let serial = |f: &str| {
        openssl(&d, &["x509", "-in", f, "-noout", "-serial"])
            .ok()
            .stdout()
    };
    let srl = fs::read_to_string(d.join("ca.srl")).expect("ca.srl");
    assert_eq!(serial("node2.crt"), format!("serial={srl}"));
    openssl(&d, &sign_args("node.csr", "node3.crt")).ok();
    assert_ne!(serial("node3.crt"), serial("node2.crt"));
}

#[test]
fn openssl_signs_what_pki_made() {
    let d = TestDir::new("mixed-ours");
    fs::copy(reference().join("openssl.conf"), d.join("openssl.conf")).expect("conf");
    ours(&d, &["genrsa", "-out", "ca.key", "2048"]).ok();
    ours(
        &d,
        &[
            "req",
            "-x509",
            "-new",
            "-nodes",
            "-key",
            "ca.key",
            "-subj",
            "/CN=pki-ca",
            "-days",
            "30",
            "-out",
            "ca.crt",
        ],
    )
    .ok();
    ours(
        &d,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-out",
            "node.key",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
        ],
    )
    .ok();
    ours(
        &d,
        &[
            "req",
            "-new",
            "-key",
            "node.key",
            "-subj",
            "/CN=node",
            "-out",
            "node.csr",
            "-config",
            "openssl.conf",
        ],
    )
    .ok();
    openssl(&d, &["req", "-in", "node.csr", "-noout", "-verify"]).ok();
    openssl(&d, &sign_args("node.csr", "node.crt")).ok();
    let v = ours(
        &d,
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-purpose",
            "sslclient",
            "-verify_ip",
            "192.168.31.17",
            "node.crt",
        ],
    )
    .ok();
    assert_eq!(v.stdout(), "node.crt: OK\n");
    let v = openssl(&d, &["verify", "-CAfile", "ca.crt", "node.crt"]).ok();
    assert_eq!(v.stdout(), "node.crt: OK\n");
    // A CSR with a new key from -newkey, signed by openssl with the CSR's extensions copied.
    ours(
        &d,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "web.key",
            "-subj",
            "/CN=web",
            "-addext",
            "subjectAltName=DNS:web.example",
            "-out",
            "web.csr",
        ],
    )
    .ok();
    openssl(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "web.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-copy_extensions",
            "copy",
            "-out",
            "web.crt",
        ],
    )
    .ok();
    for tool in [openssl, ours] {
        let r = tool(
            &d,
            &[
                "verify",
                "-CAfile",
                "ca.crt",
                "-verify_hostname",
                "web.example",
                "web.crt",
            ],
        );
        assert_eq!(r.ok().stdout(), "web.crt: OK\n");
    }
}
