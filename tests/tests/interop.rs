//! Mixed use with the real openssl: openssl signs our CSR with our CA, and pki signs
//! OpenSSL's CSRs with OpenSSL's CA and key.

use std::fs;

use pki_core::{
    cert::{self, CertBuilder, Issuer},
    conf::Conf,
    csr,
    init::{self, Plan},
    key::PrivateKey,
    serial,
};
use pki_tests::{TempDir, openssl, read, reference};

#[test]
fn openssl_signs_our_csr_with_our_ca() {
    let d = TempDir::new("interop-ours");
    init::run(&Plan::new(d.join("c")), false, &mut |_, _| {}).expect("pki init");
    openssl(
        &d.0,
        &[
            "x509",
            "-req",
            "-sha256",
            "-in",
            "c/client.csr",
            "-CA",
            "c/ca.crt",
            "-CAkey",
            "c/ca.key",
            "-CAserial",
            "c/ca.srl",
            "-out",
            "c/openssl-client.crt",
            "-days",
            "30",
            "-extensions",
            "v3_req",
            "-extfile",
            "c/openssl.conf",
        ],
    );
    let out = openssl(
        &d.0,
        &["verify", "-CAfile", "c/ca.crt", "c/openssl-client.crt"],
    );
    assert_eq!(out, "c/openssl-client.crt: OK\n");
    // And our reader accepts what openssl made from our files.
    let theirs = cert::decode(&read(&d.join("c/openssl-client.crt"))).expect("decode");
    let ca = cert::decode(&read(&d.join("c/ca.crt"))).expect("ca");
    cert::verify_issued_by(&theirs, &ca).expect("signature");
}

#[test]
fn pki_signs_openssl_csrs_with_openssl_ca() {
    let d = TempDir::new("interop-theirs");
    let r = reference();
    let ca = cert::decode(&read(&r.join("ca.crt"))).expect("ca.crt");
    let ca_key = PrivateKey::decode(&read(&r.join("ca.key"))).expect("ca.key");
    let issuer = Issuer::new(&ca, &ca_key).expect("key matches");
    let conf_text = fs::read_to_string(r.join("openssl.conf")).expect("conf");
    let exts = Conf::parse(r.join("openssl.conf"), &conf_text)
        .expect("conf")
        .extensions("v3_req")
        .expect("v3_req");
    for name in ["client", "peer"] {
        let req = csr::decode(&read(&r.join(format!("{name}.csr")))).expect("openssl's CSR");
        let serial = serial::to_serial_number(&serial::random().expect("rng")).expect("serial");
        let crt = CertBuilder::new(
            req.info.subject.clone(),
            req.info.public_key.clone(),
            serial,
            365,
        )
        .extensions(exts.clone())
        .sign(&issuer)
        .expect("sign");
        let path = d.join(&format!("{name}.crt"));
        fs::write(&path, cert::to_pem(&crt).expect("pem")).expect("write");
    }
    let out = openssl(
        &d.0,
        &[
            "verify",
            "-CAfile",
            r.join("ca.crt").to_str().expect("utf8"),
            "client.crt",
            "peer.crt",
        ],
    );
    assert_eq!(out, "client.crt: OK\npeer.crt: OK\n");
    // The certificate's key is the one in OpenSSL's key file.
    let client_key = PrivateKey::decode(&read(&r.join("client.key"))).expect("client.key");
    let crt = cert::decode(&read(&d.join("client.crt"))).expect("crt");
    assert!(client_key.matches(crt.tbs_certificate().subject_public_key_info()));
}

#[test]
fn issuer_refuses_a_key_that_is_not_the_cas() {
    let r = reference();
    let ca = cert::decode(&read(&r.join("ca.crt"))).expect("ca.crt");
    let other = PrivateKey::decode(&read(&r.join("client.key"))).expect("client.key");
    assert!(matches!(
        Issuer::new(&ca, &other),
        Err(pki_core::Error::KeyMismatch {
            what: "CA certificate"
        })
    ));
}
