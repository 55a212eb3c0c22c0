//! Certificates and CSRs with ECDSA (P-256, P-384) and Ed25519 keys, made by the real openssl:
//! `pki openssl x509|req -noout -text` prints them line for line as openssl does, their
//! self-signatures are checked, and pki signs such CSRs under an RSA CA (defect 15 of the
//! drop-in issue; making such keys is the key-types issue's).

mod util;

use util::{TestDir, openssl, pki};

#[test]
fn ec_and_ed25519_certificates_and_requests_print_as_openssl_prints_them() {
    let d = TestDir::new("ec-text");
    openssl(
        &d,
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-noenc", "-keyout", "ca.key", "-subj",
            "/CN=ca", "-days", "3", "-out", "ca.crt",
        ],
    )
    .ok();
    for (name, newkey) in [
        (
            "p256",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"][..],
        ),
        (
            "p384",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
        ),
        ("ed25519", &["-newkey", "ed25519"]),
    ] {
        let (key, crt, csr) = (
            format!("{name}.key"),
            format!("{name}.crt"),
            format!("{name}.csr"),
        );
        let mut args = vec!["req", "-x509", "-noenc", "-keyout", &key, "-subj", "/CN=k"];
        args.extend_from_slice(newkey);
        args.extend(["-days", "3", "-out", &crt]);
        openssl(&d, &args).ok();
        openssl(
            &d,
            &[
                "req",
                "-new",
                "-key",
                &key,
                "-subj",
                "/CN=r",
                "-addext",
                "subjectAltName=DNS:r",
                "-out",
                &csr,
            ],
        )
        .ok();
        for (cmd, file) in [("x509", &crt), ("req", &csr)] {
            let args = [cmd, "-in", file.as_str(), "-noout", "-text"];
            let theirs = openssl(&d, &args).ok().stdout();
            let mut a = vec!["openssl"];
            a.extend(args);
            assert_eq!(pki(&d, &a, &[]).ok().stdout(), theirs, "{file}");
        }
        pki(
            &d,
            &["openssl", "req", "-in", &csr, "-noout", "-verify"],
            &[],
        )
        .ok()
        .fails(0, "Certificate request self-signature verify OK\n");
        let signed = format!("{name}-signed.crt");
        pki(
            &d,
            &[
                "openssl",
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-copy_extensions",
                "copy",
                "-set_serial",
                "5",
                "-out",
                &signed,
            ],
            &[],
        )
        .ok();
        openssl(&d, &["verify", "-CAfile", "ca.crt", &signed]).ok();
    }
    // A CSR whose signature was tampered with is refused, as openssl refuses it.
    let pem = std::fs::read_to_string(d.join("p256.csr")).expect("csr");
    let der = openssl(&d, &["req", "-in", "p256.csr", "-outform", "DER"])
        .ok()
        .out
        .stdout;
    drop(pem);
    let mut bad = der.clone();
    let n = bad.len();
    bad[n - 3] ^= 1;
    std::fs::write(d.join("bad.der"), bad).expect("write");
    let r = pki(
        &d,
        &[
            "openssl", "req", "-in", "bad.der", "-inform", "DER", "-noout",
        ],
        &[],
    );
    assert_eq!(r.code(), Some(1), "{}", r.stderr());
}
