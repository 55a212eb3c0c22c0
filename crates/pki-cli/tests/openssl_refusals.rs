//! What `pki openssl` refuses, and the exact message and exit status of each refusal: an
//! option or command it does not support is named, never ignored; a key is never written over
//! an existing file; what OpenSSL would make differently from pki (an encrypted key, a
//! prompt) is refused with the reason.

mod util;

use std::fs;

use util::{TestDir, pki, reference};

fn setup(tag: &str) -> TestDir {
    let d = util::with_reference_set(tag);
    fs::write(d.join("min.cnf"), "[req]\ndistinguished_name = dn\n[dn]\n").expect("write");
    fs::write(
        d.join("attr.cnf"),
        "[req]\nprompt = no\ndistinguished_name = dn\nattributes = attrs\n[dn]\nCN = x\n\
         [attrs]\nchallengePassword = secret123\n",
    )
    .expect("write");
    fs::write(d.join("md.cnf"), "[req]\ndefault_md = sha1\n").expect("write");
    fs::write(d.join("mask.cnf"), "[req]\nstring_mask = nombstr\n").expect("write");
    fs::write(
        d.join("nodn.cnf"),
        "[req]\nprompt = no\ndistinguished_name = dn\n[dn]\n",
    )
    .expect("write");
    fs::write(
        d.join("none.cnf"),
        "[ext]\nsubjectKeyIdentifier = none\nkeyUsage = digitalSignature\n",
    )
    .expect("write");
    d
}

const SIGNED_NOTE: &str = "Certificate request self-signature ok\nsubject=CN = etcd-client\n";

fn usage(cmd: &str, msg: &str) -> String {
    format!("{cmd}: {msg}\n{cmd}: Use -help for summary.\n")
}

#[test]
fn each_refusal_names_its_reason() {
    let d = setup("refusals");
    let cases: Vec<(Vec<&str>, String)> =
        vec![
        (
            vec!["x509", "-in", "ca.crt", "-nameopt", "multiline,nosuch", "-subject"],
            usage(
                "x509",
                "Invalid -nameopt \"nosuch\": use oneline, RFC2253, multiline, compat, or words \
                 such as utf8, sep_multiline, space_eq, lname, align, dn_rev, esc_msb",
            ),
        ),
        (
            vec!["x509", "-in", "ca.crt", "-nameopt", "compat", "-text"],
            usage("x509", "-nameopt compat is not supported with -text"),
        ),
        (
            vec!["x509", "-in", "ca.crt", "-certopt", "no_pubkey"],
            usage(
                "x509",
                "Unknown option or option not supported by pki: -certopt",
            ),
        ),
        (
            vec!["req", "-new", "-key", "ca.key", "-subj", "/CN=x", "-sha1"],
            "req: -sha1 signatures are not made by pki: it signs with SHA-256, SHA-384 or \
             SHA-512\n"
                .into(),
        ),
        (
            vec!["x509", "-in", "ca.crt", "-days"],
            usage("x509", "Option -days needs a value"),
        ),
        (
            vec!["x509", "-in", "ca.crt", "-noout=1"],
            usage("x509", "Option -noout takes no value"),
        ),
        (
            vec!["ca", "-in", "client.csr"],
            format!(
                "Invalid command 'ca': pki answers to the openssl commands {} only.\n",
                util::DROPIN_COMMANDS.join(", ")
            ),
        ),
        (
            vec!["rand", "-hex", "0"],
            usage(
                "rand",
                "Invalid number of bytes \"0\": expected 1 to 1073741824",
            ),
        ),
        (
            vec!["rand", "-hex"],
            usage("rand", "the number of bytes is required"),
        ),
        (
            vec!["dgst", "-md5", "ca.crt"],
            usage(
                "dgst",
                "Unknown option or option not supported by pki: -md5",
            ),
        ),
        (
            vec![],
            format!(
                "pki openssl: the interactive openssl prompt is not supported: give a command \
                 ({})\n",
                util::DROPIN_COMMANDS.join(", ")
            ),
        ),
        (
            vec!["genrsa", "1024"],
            "genrsa: unsupported RSA key size 1024: use 2048, 3072 or 4096\n".into(),
        ),
        (
            vec!["genrsa", "2048", "-out", "x.key"],
            usage("genrsa", "Extra arguments given."),
        ),
        (
            vec!["genrsa", "-out", "ca.key"],
            "genrsa: ca.key already exists and is never overwritten\n".into(),
        ),
        (
            vec!["genpkey", "-algorithm", "EC"],
            "genpkey: Algorithm EC is not supported by pki: it makes RSA keys (-algorithm RSA)\n"
                .into(),
        ),
        (
            vec!["genpkey", "-out", "x.key"],
            usage(
                "genpkey",
                "-algorithm RSA is required (pki makes RSA keys only)",
            ),
        ),
        (
            vec![
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_pubexp:3",
            ],
            "genpkey: -pkeyopt rsa_keygen_pubexp:3 is not supported by pki: use \
             rsa_keygen_bits:N (2048, 3072, 4096); the public exponent is always 65537\n"
                .into(),
        ),
        (
            vec!["req", "-new", "-key", "ca.key"],
            usage(
                "req",
                "-subj is required: pki does not prompt for the subject (give -subj, -batch for \
                 the config's default values, or a -config with prompt = no)",
            ),
        ),
        (
            vec!["req", "-new", "-key", "ca.key", "-config", "openssl.conf"],
            usage(
                "req",
                "-subj is required: pki does not prompt for the subject (give -subj, -batch for \
                 the config's default values, or a -config with prompt = no)",
            ),
        ),
        (
            vec![
                "req", "-new", "-key", "ca.key", "-subj", "/CN=x", "-config", "md.cnf",
            ],
            "req: md.cnf: default_md = sha1 is not supported: pki signs with sha256, sha384 or \
             sha512\n"
                .into(),
        ),
        (
            vec![
                "req", "-new", "-key", "ca.key", "-subj", "/CN=x", "-config", "mask.cnf",
            ],
            "req: mask.cnf: string_mask = nombstr is not supported: pki encodes names as \
             utf8only does (OpenSSL 3's default)\n"
                .into(),
        ),
        (
            vec!["req", "-new", "-key", "ca.key", "-config", "attr.cnf"],
            "req: attr.cnf: request attributes ([attrs]: challengePassword, unstructuredName) \
             are not supported by pki\n"
                .into(),
        ),
        (
            vec!["req", "-new", "-key", "ca.key", "-config", "nodn.cnf"],
            "req: nodn.cnf: the subject section [dn] gives no field (OpenSSL: No objects \
             specified in config file)\n"
                .into(),
        ),
        (
            vec!["req", "-new", "-newkey", "rsa:2048", "-subj", "/CN=x"],
            "req: the output key is to be encrypted and no passphrase was given: use -passout \
             (pass:, env:, file:, fd:, stdin), or run on a terminal to be asked\n"
                .into(),
        ),
        (
            vec![
                "req", "-new", "-newkey", "ec:p256", "-nodes", "-subj", "/CN=x",
            ],
            "req: -newkey ec:p256 is not supported by pki: use rsa:2048, rsa:3072 or rsa:4096\n"
                .into(),
        ),
        (
            vec![
                "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-subj",
                "/CN=x",
            ],
            "req: ca.key already exists and is never overwritten\n".into(),
        ),
        (
            vec!["req", "-new", "-key", "ca.key", "-subj", "CN=x"],
            "req: invalid name: subject must start with '/', as in /CN=name\n".into(),
        ),
        (
            vec![
                "req",
                "-new",
                "-key",
                "ca.key",
                "-subj",
                "/CN=x",
                "-set_serial",
                "1",
            ],
            usage(
                "req",
                "-set_serial is used only with -x509 (a request has no serial)",
            ),
        ),
        (
            vec!["req", "-in", "client.csr", "-new", "-key", "ca.key"],
            usage(
                "req",
                "-in cannot be combined with -new or -newkey (OpenSSL would ignore -in)",
            ),
        ),
        (
            vec![
                "req", "-new", "-key", "ca.key", "-subj", "/CN=x", "-addext", "foo=bar",
            ],
            "req: invalid configuration: -addext: unknown or unsupported extension \"foo\" (pki \
             makes basicConstraints, keyUsage, extendedKeyUsage, subjectAltName, \
             subjectKeyIdentifier, authorityKeyIdentifier, issuerAltName, \
             crlDistributionPoints, authorityInfoAccess, certificatePolicies, nameConstraints, \
             policyConstraints, nsCertType and nsComment)\n"
                .into(),
        ),
        (
            vec![
                "req",
                "-new",
                "-key",
                "ca.key",
                "-subj",
                "/CN=x",
                "-addext",
                "keyUsage=keyCertSign",
                "-addext",
                "keyUsage=cRLSign",
            ],
            usage("req", "Duplicate extension: keyUsage=cRLSign"),
        ),
        (
            vec![
                "req",
                "-new",
                "-key",
                "ca.key",
                "-subj",
                "/CN=x",
                "-config",
                "openssl.conf",
                "-addext",
                "keyUsage=keyCertSign",
            ],
            "req: -addext keyUsage=keyCertSign: the request's extension section already has \
             keyUsage\n"
                .into(),
        ),
        (
            vec![
                "x509",
                "-req",
                "-in",
                "client.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "client.key",
                "-extfile",
                "openssl.conf",
            ],
            format!(
                "{SIGNED_NOTE}x509: client.key: the private key does not match the CA \
                 certificate\n"
            ),
        ),
        (
            vec![
                "x509",
                "-req",
                "-in",
                "client.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-extfile",
                "openssl.conf",
                "-extensions",
                "nope",
            ],
            format!("{SIGNED_NOTE}x509: invalid configuration: openssl.conf: no section [nope]\n"),
        ),
        (
            vec![
                "x509",
                "-req",
                "-in",
                "client.csr",
                "-copy_extensions",
                "copy",
            ],
            // The real openssl's words and order.
            format!(
                "{SIGNED_NOTE}We need a private key to sign with, use -key or -CAkey or -CA \
                 with private key\n"
            ),
        ),
        (
            vec![
                "x509",
                "-req",
                "-in",
                "client.csr",
                "-CA",
                "ca.crt",
                "-extfile",
                "openssl.conf",
            ],
            format!("{SIGNED_NOTE}Could not read CA private key from ca.crt\n"),
        ),
        (
            vec![
                "x509",
                "-req",
                "-in",
                "client.csr",
                "-CA",
                "ca.crt",
                "-extfile",
                "openssl.conf",
                "-sha1",
                "-fingerprint",
            ],
            "x509: -sha1 signatures are not made by pki: it signs with SHA-256, SHA-384 or \
             SHA-512\n"
                .into(),
        ),
        (
            vec!["x509", "-in", "ca.crt", "-CA", "ca.crt"],
            usage("x509", "-CA is used only with -req"),
        ),
        (
            vec!["x509", "-in", "ca.crt", "-outform", "PKCS12"],
            usage(
                "x509",
                "Invalid format \"PKCS12\" for -outform: pki reads and writes PEM or DER",
            ),
        ),
        (
            vec!["x509", "-in", "client.csr"],
            "x509: client.csr: wrong PEM label: expected CERTIFICATE, found \"CERTIFICATE \
             REQUEST\"\n"
                .into(),
        ),
        (
            vec!["x509", "-in", "missing.crt"],
            "x509: cannot read missing.crt: No such file or directory (os error 2)\n".into(),
        ),
        (
            vec!["verify", "client.csr"],
            usage(
                "verify",
                "-CAfile is required: pki does not read the system trust store (-CApath, \
                 default locations)",
            ),
        ),
        (
            vec![
                "verify", "-CAfile", "ca.crt", "-purpose", "codesign", "ca.crt",
            ],
            "verify: Invalid purpose codesign\n".into(),
        ),
        (
            // Another key is never written over a key (the same key re-encoded from its own
            // file is: tests/openssl_files.rs).
            vec!["rsa", "-in", "client.key", "-out", "ca.key"],
            "writing RSA key\nrsa: ca.key already exists and is never overwritten\n".into(),
        ),
        (
            vec!["pkey", "-in", "ca.key", "-modulus"],
            usage(
                "pkey",
                "Unknown option or option not supported by pki: -modulus",
            ),
        ),
        (
            vec!["pkey", "-in", "client.csr"],
            "pkey: client.csr: wrong PEM label: expected PRIVATE KEY, found \"CERTIFICATE \
             REQUEST\"\n"
                .into(),
        ),
    ];
    for (args, stderr) in cases {
        let mut all = vec!["openssl"];
        all.extend_from_slice(&args);
        pki(&d, &all, &[]).fails(1, &stderr);
    }
    // Nothing was written by any of them.
    assert!(!d.join("x.key").exists());
    assert_eq!(
        fs::read(d.join("ca.key")).expect("ca.key"),
        fs::read(reference().join("ca.key")).expect("reference")
    );
}
