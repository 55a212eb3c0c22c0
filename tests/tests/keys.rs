//! Keys in every form OpenSSL writes them, converted by the real openssl from the reference keys,
//! and the refusals with their exact errors.

use pki_core::{
    Error,
    key::{KeyBits, PrivateKey, PublicKey},
};
use pki_tests::{TempDir, openssl, read, reference};

fn ref_key() -> String {
    reference()
        .join("client.key")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn private_keys_in_pkcs8_and_pkcs1_pem_and_der() {
    let d = TempDir::new("keys");
    let original = PrivateKey::decode(&read(&reference().join("client.key"))).expect("pkcs8 pem");
    let k = ref_key();
    openssl(
        &d.0,
        &["pkey", "-in", &k, "-traditional", "-out", "pkcs1.pem"],
    );
    openssl(
        &d.0,
        &["pkey", "-in", &k, "-outform", "DER", "-out", "pkcs8.der"],
    );
    openssl(
        &d.0,
        &[
            "rsa",
            "-in",
            &k,
            "-traditional",
            "-outform",
            "DER",
            "-out",
            "pkcs1.der",
        ],
    );
    for f in ["pkcs1.pem", "pkcs8.der", "pkcs1.der"] {
        let bytes = read(&d.join(f));
        if f == "pkcs1.pem" {
            assert!(bytes.starts_with(b"-----BEGIN RSA PRIVATE KEY-----"));
        }
        let key = PrivateKey::decode(&bytes).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(key, original, "{f}");
    }
}

#[test]
fn public_keys_in_spki_and_pkcs1() {
    let d = TempDir::new("pub");
    let k = ref_key();
    let original = PrivateKey::decode(&read(&reference().join("client.key")))
        .expect("key")
        .public_key();
    openssl(&d.0, &["pkey", "-in", &k, "-pubout", "-out", "spki.pem"]);
    openssl(
        &d.0,
        &[
            "pkey", "-in", &k, "-pubout", "-outform", "DER", "-out", "spki.der",
        ],
    );
    openssl(
        &d.0,
        &[
            "rsa",
            "-in",
            &k,
            "-RSAPublicKey_out",
            "-out",
            "pkcs1pub.pem",
        ],
    );
    for f in ["spki.pem", "spki.der", "pkcs1pub.pem"] {
        let key = PublicKey::decode(&read(&d.join(f))).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(key, original, "{f}");
    }
    assert_eq!(original.bits(), 2048);
    assert_eq!(original.exponent(), [1, 0, 1]);
}

#[test]
fn keys_match_their_certificate_and_csr_only() {
    let r = reference();
    let client = PrivateKey::decode(&read(&r.join("client.key"))).expect("key");
    let crt = pki_core::cert::decode(&read(&r.join("client.crt"))).expect("crt");
    let csr = pki_core::csr::decode(&read(&r.join("client.csr"))).expect("csr");
    assert!(client.matches(crt.tbs_certificate().subject_public_key_info()));
    assert!(client.matches(&csr.info.public_key));
    let peer = pki_core::cert::decode(&read(&r.join("peer.crt"))).expect("peer");
    assert!(!client.matches(peer.tbs_certificate().subject_public_key_info()));
}

#[test]
fn generated_keys_of_every_size_pass_openssl_check() {
    let d = TempDir::new("gen");
    for bits in [2048, 3072, 4096] {
        let key = PrivateKey::generate(KeyBits::new(bits).expect("size")).expect("generate");
        assert_eq!(key.bits(), bits);
        assert_eq!(key.public_key().exponent(), [1, 0, 1]);
        let path = d.join(&format!("k{bits}.pem"));
        pki_core::files::write_new(
            &path,
            key.to_pkcs8_pem().expect("pem").as_bytes(),
            pki_core::files::Mode::Private,
        )
        .expect("write");
        let out = openssl(
            &d.0,
            &["pkey", "-check", "-noout", "-in", &format!("k{bits}.pem")],
        );
        assert!(out.contains("Key is valid"), "{out}");
        let text = openssl(
            &d.0,
            &["pkey", "-text", "-noout", "-in", &format!("k{bits}.pem")],
        );
        assert!(
            text.contains(&format!("Private-Key: ({bits} bit, 2 primes)")),
            "{text}"
        );
    }
    assert!(matches!(
        KeyBits::new(1024),
        Err(Error::KeyBits { bits: 1024 })
    ));
    assert!(matches!(
        KeyBits::new(8192),
        Err(Error::KeyBits { bits: 8192 })
    ));
}

#[test]
fn refusals() {
    let d = TempDir::new("refuse");
    let k = ref_key();
    // Encrypted PKCS#8 and legacy encrypted PEM.
    openssl(
        &d.0,
        &[
            "pkey", "-in", &k, "-aes256", "-passout", "pass:x", "-out", "enc8.pem",
        ],
    );
    openssl(
        &d.0,
        &[
            "rsa",
            "-in",
            &k,
            "-traditional",
            "-aes256",
            "-passout",
            "pass:x",
            "-out",
            "enc1.pem",
        ],
    );
    for f in ["enc8.pem", "enc1.pem"] {
        let r = PrivateKey::decode(&read(&d.join(f)));
        assert!(matches!(r, Err(Error::EncryptedKey)), "{f}: {r:?}");
        assert_eq!(
            r.expect_err("refused").to_string(),
            "encrypted private keys are not supported: decrypt it first"
        );
    }
    // An EC key where RSA is needed.
    openssl(
        &d.0,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "ec.pem",
        ],
    );
    let r = PrivateKey::decode(&read(&d.join("ec.pem")));
    assert!(matches!(&r, Err(Error::KeyAlgorithm { .. })), "{r:?}");
    assert_eq!(
        r.expect_err("refused").to_string(),
        "key algorithm 1.2.840.10045.2.1 is not RSA (rsaEncryption, 1.2.840.113549.1.1.1)"
    );
    // A certificate where a key is expected.
    let r = PrivateKey::decode(&read(&reference().join("ca.crt")));
    assert!(
        matches!(&r, Err(Error::PemLabel { expected: "PRIVATE KEY", found }) if found == "CERTIFICATE")
    );
    // Truncated DER.
    let der = pki_core::pem::decode_all(&read(&reference().join("client.key")))
        .expect("pem")
        .remove(0)
        .der;
    let r = PrivateKey::decode(&der[..der.len() / 2]);
    assert!(
        matches!(
            &r,
            Err(Error::Der {
                what: "PKCS#8 private key",
                ..
            })
        ),
        "{r:?}"
    );
    // Empty input, and a missing file named with its path.
    assert!(matches!(PrivateKey::decode(b""), Err(Error::Empty)));
    let missing = d.join("missing.key");
    let r = pki_core::init::read_key(&missing);
    match r {
        Err(e @ Error::Io { .. }) => assert_eq!(
            pki_core::Error::chain(&e)
                .map(|c| c.to_string())
                .collect::<Vec<_>>(),
            [
                format!("cannot read {}", missing.display()),
                "No such file or directory (os error 2)".to_owned()
            ]
        ),
        other => panic!("unexpected {other:?}"),
    }
}
