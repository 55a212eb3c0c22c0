//! `pki openssl` against the real openssl on the same inputs: the same stdout, stderr and exit
//! status, byte for byte where the output is deterministic (RSA PKCS#1 v1.5 signatures are),
//! and with serials, dates, key identifiers and signatures left out where it is not.
//!
//! The inputs are the throw-away keys, CSRs and certificates OpenSSL 3.0.19 made from the seed
//! script (tests/data/reference/openssl-3.0.19), plus certificates made here by the real
//! openssl from them.

mod util;

use std::{fs, os::unix::fs::PermissionsExt};

use util::{Run, TestDir, openssl, pki, reference};

/// A folder with the reference keys, CSRs, certificates and openssl.conf.
fn setup(tag: &str) -> TestDir {
    let d = TestDir::new(tag);
    for f in [
        "ca.crt",
        "ca.key",
        "client.crt",
        "client.csr",
        "client.key",
        "peer.crt",
        "peer.csr",
        "peer.key",
        "openssl.conf",
    ] {
        fs::copy(reference().join(f), d.join(f)).expect("copy reference file");
    }
    d
}

fn ours(d: &TestDir, args: &[&str]) -> Run {
    let mut all = vec!["openssl"];
    all.extend_from_slice(args);
    pki(d, &all, &[])
}

/// Asserts the same stdout, stderr and exit status, with `norm` applied to both outputs.
#[track_caller]
fn same_with(d: &TestDir, args: &[&str], norm: fn(&str) -> String) {
    let theirs = openssl(d, args);
    let mine = ours(d, args);
    let line = args.join(" ");
    assert_eq!(
        mine.code(),
        theirs.code(),
        "exit status of {line}\n--- ours\n{}{}",
        mine.stdout(),
        mine.stderr()
    );
    assert_eq!(
        norm(&mine.stdout()),
        norm(&theirs.stdout()),
        "stdout of {line}"
    );
    assert_eq!(
        norm(&mine.stderr()),
        norm(&theirs.stderr()),
        "stderr of {line}"
    );
}

#[track_caller]
fn same(d: &TestDir, args: &[&str]) {
    same_with(d, args, str::to_owned);
}

/// Drops what differs between two certificates made from the same inputs: serial, dates,
/// key identifiers, signature, and the PEM (which holds all of them).
fn cert_text(s: &str) -> String {
    let mut out = Vec::new();
    let mut skip = 0;
    let mut in_pem = false;
    for line in s.lines() {
        if line.starts_with("-----BEGIN") {
            in_pem = true;
        }
        if in_pem {
            if line.starts_with("-----END") {
                in_pem = false;
            }
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if line.contains("Serial Number:") || line.contains("Key Identifier:") {
            skip = usize::from(line.trim_end().ends_with(':'));
            continue;
        }
        if line.contains("Signature Value:") {
            skip = usize::MAX;
            continue;
        }
        if line.contains("Not Before:") || line.contains("Not After :") {
            continue;
        }
        out.push(line);
    }
    out.join("\n")
}

#[test]
fn x509_prints_like_openssl() {
    let d = setup("x509-print");
    for args in [
        &["x509", "-in", "ca.crt", "-noout", "-text"][..],
        &["x509", "-in", "ca.crt", "-noout", "-purpose"],
        &[
            "x509",
            "-in",
            "client.crt",
            "-purpose",
            "-noout",
            "-subject",
        ],
        &["x509", "-in", "client.crt", "-noout", "-text"],
        &["x509", "-in", "peer.crt", "-text"],
        &["x509", "-in", "client.crt"],
        &[
            "x509",
            "-in",
            "client.crt",
            "-noout",
            "-subject",
            "-issuer",
            "-serial",
            "-dates",
            "-fingerprint",
            "-modulus",
        ],
        &[
            "x509",
            "-noout",
            "-enddate",
            "-in",
            "client.crt",
            "-startdate",
            "-fingerprint",
            "-sha256",
        ],
        &["x509", "-in", "ca.crt", "-noout", "-pubkey"],
        &[
            "x509",
            "-in",
            "client.crt",
            "-noout",
            "-ext",
            "subjectAltName,keyUsage,basicConstraints",
        ],
        &[
            "x509",
            "-in",
            "ca.crt",
            "-noout",
            "-ext",
            "basicConstraints,subjectKeyIdentifier,authorityKeyIdentifier",
        ],
        &["x509", "-in", "ca.crt", "-noout", "-ext", "subjectAltName"],
        &[
            "x509",
            "-in",
            "client.crt",
            "-noout",
            "-checkhost",
            "etcd02",
            "-checkip",
            "192.168.31.19",
        ],
        &[
            "x509",
            "-in",
            "client.crt",
            "-noout",
            "-checkhost",
            "etcd04",
            "-checkip",
            "10.0.0.1",
        ],
        &["x509", "-in", "ca.crt", "-checkhost", "etcd-ca"],
        &["x509", "-in", "ca.crt", "-checkend", "0"],
        &["x509", "-in", "ca.crt", "-noout", "-checkend", "999999999"],
        &["x509", "--in=ca.crt", "--noout", "-subject"],
        &[
            "x509",
            "-in",
            "client.crt",
            "-noout",
            "-hash",
            "-issuer_hash",
            "-subject_hash",
        ],
    ] {
        same(&d, args);
    }
}

/// A version 1 certificate (openssl's; pki makes them too, openssl_keyids.rs) and a small
/// serial.
#[test]
fn x509_prints_v1_certificates_like_openssl() {
    let d = setup("x509-v1");
    openssl(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "client.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "2",
            "-out",
            "v1.crt",
        ],
    )
    .ok();
    same(&d, &["x509", "-in", "v1.crt", "-noout", "-text"]);
    // A self-signed v1 root: OpenSSL's CA checks answer "Yes (WARNING code=3)" for it.
    fs::write(d.join("v1.cnf"), "[req]\ndistinguished_name = dn\n[dn]\n").expect("write");
    openssl(
        &d,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "ca.key",
            "-subj",
            "/CN=v1",
            "-config",
            "v1.cnf",
            "-out",
            "v1-root.crt",
        ],
    )
    .ok();
    same(
        &d,
        &["x509", "-in", "v1-root.crt", "-noout", "-purpose", "-text"],
    );
    same(&d, &["x509", "-in", "v1.crt", "-noout", "-purpose"]);
    same(
        &d,
        &[
            "x509", "-in", "v1.crt", "-noout", "-serial", "-ext", "keyUsage",
        ],
    );
    same(&d, &["verify", "-CAfile", "ca.crt", "v1.crt"]);
}

#[test]
fn x509_converts_der_like_openssl() {
    let d = setup("x509-der");
    let theirs = openssl(&d, &["x509", "-in", "ca.crt", "-outform", "DER"]).ok();
    let mine = ours(&d, &["x509", "-in", "ca.crt", "-outform", "DER"]).ok();
    assert_eq!(mine.out.stdout, theirs.out.stdout);
    fs::write(d.join("ca.der"), &theirs.out.stdout).expect("write");
    same(&d, &["x509", "-inform", "DER", "-in", "ca.der"]);
    same(
        &d,
        &[
            "x509", "-inform", "der", "-in", "ca.der", "-noout", "-subject",
        ],
    );
    // -out writes the same file, replacing one that exists, as openssl does.
    fs::write(d.join("out.pem"), "old").expect("write");
    ours(&d, &["x509", "-in", "ca.der", "-out", "out.pem"]).ok();
    assert_eq!(
        fs::read(d.join("out.pem")).expect("read"),
        fs::read(d.join("ca.crt")).expect("read")
    );
}

#[test]
fn x509_req_signs_like_openssl() {
    let d = setup("x509-sign");
    fs::write(d.join("notca.cnf"), "basicConstraints = CA:FALSE\n").expect("write");
    for args in [
        &[
            "x509",
            "-req",
            "-sha256",
            "-in",
            "client.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-days",
            "3650",
            "-extensions",
            "v3_req",
            "-extfile",
            "openssl.conf",
            "-text",
        ][..],
        &[
            "x509",
            "-req",
            "-in",
            "peer.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-copy_extensions",
            "copy",
            "-extfile",
            "notca.cnf",
            "-text",
            "-noout",
        ],
        &[
            "x509",
            "-req",
            "-in",
            "client.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-copy_extensions",
            "copyall",
            "-set_serial",
            "0x1F",
            "-noout",
            "-serial",
            "-subject",
            "-issuer",
        ],
    ] {
        same_with(&d, args, cert_text);
    }
}

/// Without -CAkey, the CA's key is read from the -CA file, which may hold both.
#[test]
fn x509_req_reads_the_ca_key_from_the_ca_file() {
    let d = setup("x509-ca-both");
    let both = [
        fs::read_to_string(d.join("ca.crt")).expect("ca.crt"),
        fs::read_to_string(d.join("ca.key")).expect("ca.key"),
    ]
    .concat();
    fs::write(d.join("ca-both.pem"), both).expect("write");
    same_with(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "client.csr",
            "-CA",
            "ca-both.pem",
            "-extfile",
            "openssl.conf",
            "-extensions",
            "v3_req",
            "-text",
            "-noout",
        ],
        cert_text,
    );
}

#[test]
fn x509_serial_files_behave_like_openssl() {
    let d = setup("x509-serial");
    let sign = |extra: &[&str]| {
        let mut args = vec![
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
            "v3_req",
            "-noout",
            "-serial",
        ];
        args.extend_from_slice(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    for tool in ["ours", "theirs"] {
        let srl = format!("{tool}.srl");
        fs::write(d.join(&srl), "0F\n").expect("write");
        let args = sign(&["-CAserial", &srl]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = if tool == "ours" {
            ours(&d, &args)
        } else {
            openssl(&d, &args)
        };
        assert_eq!(run.ok().stdout(), "serial=10\n", "{tool}");
        assert_eq!(fs::read_to_string(d.join(&srl)).expect("srl"), "10\n");
    }
    // A missing serial file without -CAcreateserial is an error, with -CAcreateserial it is
    // created (CA name with .srl) holding the serial issued.
    let args = sign(&["-CAserial", "missing.srl"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(ours(&d, &args).code(), openssl(&d, &args).code());
    assert_eq!(ours(&d, &args).code(), Some(1));
    let args = sign(&["-CAcreateserial"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = ours(&d, &args).ok().stdout();
    let srl = fs::read_to_string(d.join("ca.srl")).expect("ca.srl created");
    assert_eq!(first, format!("serial={srl}"));
    let second = openssl(&d, &args).ok().stdout();
    let srl2 = fs::read_to_string(d.join("ca.srl")).expect("ca.srl");
    assert_eq!(
        second,
        format!("serial={srl2}"),
        "openssl continues our file"
    );
    assert_ne!(srl, srl2);
}

#[test]
fn req_matches_openssl_byte_for_byte() {
    let d = setup("req");
    for args in [
        &[
            "req",
            "-new",
            "-key",
            "client.key",
            "-subj",
            "/CN=etcd-client",
            "-config",
            "openssl.conf",
        ][..],
        &[
            "req",
            "-new",
            "-key",
            "ca.key",
            "-subj",
            "/C=CN/O=Example/CN=a",
        ],
        &[
            "req",
            "-new",
            "-key",
            "ca.key",
            "-subj",
            "/CN=a",
            "-addext",
            "subjectAltName=DNS:x,IP:1.2.3.4",
            "-addext",
            "keyUsage=critical,digitalSignature",
            "-sha256",
        ],
        &[
            "req",
            "-new",
            "-key",
            "peer.key",
            "-subj",
            "/CN=etcd-peer",
            "-config",
            "openssl.conf",
            "-reqexts",
            "v3_req",
            "-text",
            "-noout",
        ],
        &[
            "req",
            "-in",
            "client.csr",
            "-noout",
            "-text",
            "-subject",
            "-pubkey",
            "-verify",
        ],
        &["req", "-in", "peer.csr", "-subject"],
        &[
            "req", "-new", "-key", "ca.key", "-subj", "/CN=a", "-verify", "-noout",
        ],
        &[
            "req", "-new", "-key", "ca.key", "-subj", "/CN=a", "-text", "-pubkey",
        ],
    ] {
        same(&d, args);
    }
}

/// The openssl.conf of Kubernetes' "Certificates" task page (prompt = no, the subject in a
/// section, a server extension section for `x509 -req`).
const K8S_CONF: &str = "[ req ]
default_bits = 2048
prompt = no
default_md = sha256
req_extensions = req_ext
distinguished_name = dn

[ dn ]
C = US
ST = CA
L = San Francisco
O = Example Org
0.OU = Platform
1.OU = Ops
CN = 10.0.0.1

[ req_ext ]
subjectAltName = @alt_names

[ alt_names ]
DNS.1 = kubernetes
DNS.2 = kubernetes.default
IP.1 = 10.0.0.1
IP.2 = 10.96.0.1

[ v3_ext ]
authorityKeyIdentifier=keyid,issuer
basicConstraints=CA:FALSE
keyUsage=keyEncipherment,dataEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=@alt_names
";

/// A CSR with challengePassword and unstructuredName attributes (made by openssl, which
/// pki does not make) prints as openssl prints it.
#[test]
fn req_text_of_csr_attributes_matches_openssl() {
    let d = setup("req-attrs");
    fs::write(
        d.join("attr.cnf"),
        "[req]\nprompt = no\ndistinguished_name = dn\nattributes = attrs\n[dn]\nCN = x\n\
         [attrs]\nchallengePassword = secret123\nunstructuredName = Acme\n",
    )
    .expect("write");
    openssl(
        &d,
        &[
            "req", "-new", "-key", "ca.key", "-config", "attr.cnf", "-out", "attr.csr",
        ],
    )
    .ok();
    same(&d, &["req", "-in", "attr.csr", "-noout", "-text"]);
}

#[test]
fn kubernetes_csr_conf_works_like_openssl() {
    let d = setup("k8s");
    fs::write(d.join("csr.conf"), K8S_CONF).expect("write");
    same(
        &d,
        &["req", "-new", "-key", "client.key", "-config", "csr.conf"],
    );
    openssl(
        &d,
        &[
            "req",
            "-new",
            "-key",
            "client.key",
            "-config",
            "csr.conf",
            "-out",
            "server.csr",
        ],
    )
    .ok();
    same_with(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "10000",
            "-extensions",
            "v3_ext",
            "-extfile",
            "csr.conf",
            "-sha256",
            "-text",
        ],
        cert_text,
    );
}

/// [`cert_text`] without the key's numbers either, for certificates of new keys.
fn new_key_cert_text(s: &str) -> String {
    cert_text(s)
        .lines()
        .filter(|l| {
            let t = l.trim();
            t.is_empty() || !t.chars().all(|c| c.is_ascii_hexdigit() || c == ':')
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The self-signed one-liner of countless READMEs: a new key, SANs through -addext.
#[test]
fn req_x509_one_liner_matches_openssl() {
    let d = setup("one-liner");
    let args = |key: &str, crt: &str| -> Vec<String> {
        [
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-sha256",
            "-days",
            "3650",
            "-nodes",
            "-keyout",
            key,
            "-out",
            crt,
            "-subj",
            "/CN=example.com",
            "-addext",
            "subjectAltName=DNS:example.com,DNS:*.example.com,IP:10.0.0.1",
        ]
        .map(String::from)
        .to_vec()
    };
    let theirs_args = args("theirs.key", "theirs.crt");
    let ours_args = args("ours.key", "ours.crt");
    openssl(
        &d,
        &theirs_args.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .ok();
    ours(
        &d,
        &ours_args.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .ok();
    let text = |f: &str| {
        new_key_cert_text(
            &openssl(&d, &["x509", "-in", f, "-noout", "-text"])
                .ok()
                .stdout(),
        )
    };
    assert_eq!(text("ours.crt"), text("theirs.crt"));
    let mode = |f: &str| fs::metadata(d.join(f)).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode("ours.key"), mode("theirs.key"));
    assert_eq!(mode("ours.key"), 0o600);
    assert_eq!(
        openssl(&d, &["x509", "-in", "ours.crt", "-noout", "-modulus"])
            .ok()
            .stdout(),
        openssl(&d, &["rsa", "-in", "ours.key", "-noout", "-modulus"])
            .ok()
            .stdout()
    );
}

#[test]
fn req_x509_set_serial_matches_openssl() {
    let d = setup("req-serial");
    for serial in ["01", "0x1F", "123456789012345678901234567890"] {
        same_with(
            &d,
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                "ca.key",
                "-subj",
                "/CN=x",
                "-set_serial",
                serial,
                "-text",
                "-noout",
            ],
            |s| {
                s.lines()
                    .filter(|l| !l.contains("Not Before") && !l.contains("Not After"))
                    .take_while(|l| !l.contains("Signature Value"))
                    .collect::<Vec<_>>()
                    .join("\n")
            },
        );
    }
}

#[test]
fn req_x509_matches_openssl() {
    let d = setup("req-x509");
    for args in [
        &[
            "req",
            "-x509",
            "-new",
            "-nodes",
            "-key",
            "ca.key",
            "-subj",
            "/CN=etcd-ca",
            "-days",
            "3650",
            "-text",
        ][..],
        &[
            "req",
            "-x509",
            "-key",
            "ca.key",
            "-subj",
            "/CN=x",
            "-config",
            "openssl.conf",
            "-extensions",
            "v3_req",
            "-text",
            "-noout",
        ],
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "ca.key",
            "-subj",
            "/CN=x",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-addext",
            "keyUsage=keyCertSign",
            "-text",
            "-noout",
        ],
        &[
            "req",
            "-x509",
            "-in",
            "client.csr",
            "-key",
            "client.key",
            "-days",
            "5",
            "-text",
            "-subject",
        ],
    ] {
        same_with(&d, args, cert_text);
    }
}

#[test]
fn keys_print_and_convert_like_openssl() {
    let d = setup("keys");
    for args in [
        &["rsa", "-in", "ca.key"][..],
        &["rsa", "-in", "ca.key", "-traditional"],
        &["rsa", "-in", "ca.key", "-pubout"],
        &["rsa", "-in", "ca.key", "-noout", "-check", "-modulus"],
        &[
            "rsa",
            "-in",
            "ca.key",
            "-text",
            "-modulus",
            "-check",
            "-traditional",
        ],
        &["rsa", "-in", "client.key", "-pubout", "-text", "-noout"],
        &["pkey", "-in", "ca.key"],
        &["pkey", "-in", "ca.key", "-traditional"],
        &["pkey", "-in", "ca.key", "-pubout"],
        &["pkey", "-in", "ca.key", "-check", "-noout"],
        &["pkey", "-in", "peer.key", "-text", "-check", "-pubout"],
        &["pkey", "-in", "peer.key", "-text", "-noout"],
        &["pkey", "-in", "ca.key", "-outform", "DER"],
        &["pkey", "-in", "ca.key", "-text_pub", "-noout"],
        &["pkey", "-in", "client.key", "-text_pub", "-pubcheck"],
        &["rsa", "-in", "ca.key", "-outform", "DER"],
        &["rsa", "-in", "ca.key", "-outform", "DER", "-traditional"],
        &["pkey", "-in", "ca.key", "-outform", "DER", "-pubout"],
    ] {
        same(&d, args);
    }
    let public = openssl(&d, &["pkey", "-in", "ca.key", "-pubout"]).ok();
    fs::write(d.join("ca.pub"), public.out.stdout).expect("write");
    for args in [
        &["pkey", "-pubin", "-in", "ca.pub", "-text"][..],
        &[
            "rsa", "-pubin", "-in", "ca.pub", "-noout", "-text", "-modulus",
        ],
        &["rsa", "-pubin", "-in", "ca.pub", "-check"],
    ] {
        same_with(&d, args, |s| {
            // openssl adds its error stack to -check of a public key.
            s.lines().take(1).collect::<Vec<_>>().join("\n")
        });
    }
    // The PKCS#1 form reads back as the same key.
    let trad = ours(
        &d,
        &["rsa", "-in", "ca.key", "-traditional", "-out", "trad.key"],
    )
    .ok();
    assert_eq!(trad.stderr(), "writing RSA key\n");
    assert_eq!(
        fs::metadata(d.join("trad.key"))
            .expect("meta")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    same(&d, &["pkey", "-in", "trad.key"]);
}

#[test]
fn new_keys_have_openssl_s_form() {
    let d = setup("genrsa");
    ours(&d, &["genrsa", "-out", "a.key", "2048"]).ok();
    ours(&d, &["genrsa", "-out", "b.key"]).ok();
    ours(
        &d,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:3072",
            "-out",
            "c.key",
        ],
    )
    .ok();
    openssl(&d, &["genrsa", "-out", "o.key", "2048"]).ok();
    let first_line = |f: &str| {
        fs::read_to_string(d.join(f))
            .expect("key")
            .lines()
            .next()
            .map(str::to_owned)
    };
    for (f, bits) in [("a.key", 2048), ("b.key", 2048), ("c.key", 3072)] {
        assert_eq!(first_line(f), first_line("o.key"), "{f}: PEM label");
        let mode = fs::metadata(d.join(f)).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f}: mode");
        let check = openssl(&d, &["rsa", "-in", f, "-check", "-noout"]).ok();
        assert_eq!(check.stdout(), "RSA key ok\n");
        let text = openssl(&d, &["pkey", "-in", f, "-noout", "-text"])
            .ok()
            .stdout();
        assert!(
            text.starts_with(&format!("Private-Key: ({bits} bit, 2 primes)\n")),
            "{text}"
        );
        same(&d, &["rsa", "-in", f, "-noout", "-text"]);
    }
    let trad = |r: Run| r.ok().stdout().lines().next().map(str::to_owned);
    assert_eq!(
        trad(ours(&d, &["genrsa", "-traditional"])),
        trad(openssl(&d, &["genrsa", "-traditional"]))
    );
    // Without -out the key goes to stdout, as openssl's.
    let key = ours(&d, &["genrsa"]).ok().stdout();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{key}");
}

#[test]
fn verify_reports_like_openssl() {
    let d = setup("verify");
    let w = |f: &str, s: &str| fs::write(d.join(f), s).expect("write");
    w("client-only.cnf", "extendedKeyUsage = clientAuth\n");
    w("notca.cnf", "basicConstraints = CA:FALSE\n");
    let o = |args: &[&str]| {
        openssl(&d, args).ok();
    };
    o(&[
        "x509",
        "-req",
        "-in",
        "peer.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-extfile",
        "client-only.cnf",
        "-out",
        "client-only.crt",
    ]);
    o(&[
        "req",
        "-new",
        "-key",
        "peer.key",
        "-subj",
        "/CN=not-a-ca",
        "-out",
        "notca.csr",
    ]);
    o(&[
        "x509",
        "-req",
        "-in",
        "notca.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-extfile",
        "notca.cnf",
        "-out",
        "notca.crt",
    ]);
    o(&[
        "x509",
        "-req",
        "-in",
        "client.csr",
        "-CA",
        "notca.crt",
        "-CAkey",
        "peer.key",
        "-extfile",
        "notca.cnf",
        "-out",
        "under-notca.crt",
    ]);
    o(&[
        "req",
        "-x509",
        "-new",
        "-key",
        "client.key",
        "-subj",
        "/CN=self",
        "-out",
        "self.crt",
    ]);
    // A certificate whose signature no longer verifies.
    let der = openssl(&d, &["x509", "-in", "client.crt", "-outform", "DER"])
        .ok()
        .out
        .stdout;
    let mut bad = der.clone();
    let n = bad.len() - 5;
    bad[n] ^= 1;
    fs::write(d.join("bad.der"), bad).expect("write");
    o(&[
        "x509", "-inform", "DER", "-in", "bad.der", "-out", "bad.crt",
    ]);
    let bundle = [
        fs::read_to_string(d.join("ca.crt")).expect("ca"),
        fs::read_to_string(d.join("notca.crt")).expect("notca"),
    ]
    .concat();
    w("bundle.pem", &bundle);
    let full = [
        fs::read_to_string(d.join("client.crt")).expect("client"),
        fs::read_to_string(d.join("ca.crt")).expect("ca"),
    ]
    .concat();
    w("fullchain.pem", &full);

    for args in [
        &["verify", "-CAfile", "ca.crt", "client.crt", "peer.crt"][..],
        &["verify", "-CAfile", "client.crt", "peer.crt"],
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-purpose",
            "sslserver",
            "-verify_hostname",
            "etcd02",
            "-verify_ip",
            "192.168.31.18",
            "client.crt",
        ],
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-verify_hostname",
            "nope",
            "client.crt",
        ],
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-verify_email",
            "x@y",
            "client.crt",
        ],
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-verify_ip",
            "10.1.2.3",
            "client.crt",
        ],
        &["verify", "-CAfile", "ca.crt", "ca.crt"],
        &["verify", "-CAfile", "ca.crt", "self.crt"],
        &["verify", "-CAfile", "self.crt", "self.crt"],
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-purpose",
            "sslserver",
            "client-only.crt",
        ],
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-purpose",
            "sslclient",
            "client-only.crt",
        ],
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-purpose",
            "sslclient",
            "ca.crt",
        ],
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-untrusted",
            "notca.crt",
            "under-notca.crt",
        ],
        &["verify", "-CAfile", "bundle.pem", "under-notca.crt"],
        &["verify", "-CAfile", "ca.crt", "fullchain.pem"],
        &["verify", "-CAfile", "ca.crt", "under-notca.crt"],
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "client.crt",
            "self.crt",
            "peer.crt",
        ],
        &[
            "verify",
            "-show_chain",
            "-CAfile",
            "ca.crt",
            "client.crt",
            "ca.crt",
        ],
        &[
            "verify",
            "-show_chain",
            "-CAfile",
            "bundle.pem",
            "-untrusted",
            "notca.crt",
            "peer.crt",
        ],
    ] {
        same(&d, args);
    }
    // openssl adds its error stack after the three lines both print.
    same_with(&d, &["verify", "-CAfile", "ca.crt", "bad.crt"], |s| {
        s.lines().take(3).collect::<Vec<_>>().join("\n")
    });
}

#[test]
fn help_and_version_answer_like_openssl() {
    let d = setup("help");
    for cmd in util::DROPIN_COMMANDS
        .into_iter()
        .filter(|c| *c != "version")
    {
        let theirs = openssl(&d, &[cmd, "-help"]);
        let mine = ours(&d, &[cmd, "-help"]);
        assert_eq!(mine.code(), theirs.code(), "{cmd} -help");
        assert_eq!(mine.code(), Some(0));
        let first = |r: &Run| r.stderr().lines().next().map(str::to_owned);
        assert_eq!(first(&mine), first(&theirs), "{cmd} -help");
        assert!(mine.stdout().is_empty());
    }
    let theirs = openssl(&d, &["version"]).ok().stdout();
    let mine = ours(&d, &["version"]).ok().stdout();
    assert_eq!(mine.split(' ').next(), theirs.split(' ').next());
    assert!(mine.starts_with("OpenSSL 3"), "{mine}");
}

#[test]
fn the_compat_doc_lists_every_supported_option() {
    let d = setup("doc");
    let doc_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openssl-compat.md");
    let doc = fs::read_to_string(&doc_path).expect("docs/openssl-compat.md");
    for cmd in util::DROPIN_COMMANDS
        .into_iter()
        .filter(|c| *c != "version")
    {
        let heading = if cmd == "rsa" || cmd == "pkey" {
            "\n## rsa and pkey\n".to_owned()
        } else {
            format!("\n## {cmd}\n")
        };
        assert!(doc.contains(&heading), "no section for {cmd}");
        let help = ours(&d, &[cmd, "-help"]).ok().stderr();
        for line in help.lines().filter(|l| l.starts_with(" -")) {
            let opt = line.split_whitespace().next().unwrap_or_default();
            assert!(
                doc.contains(&format!("`{opt}`")) || doc.contains(&format!("`{opt} ")),
                "docs/openssl-compat.md does not list {cmd} {opt}"
            );
        }
    }
}

/// The certificates of the real-world chains in tests/data/limbo/online (x509-limbo),
/// as PEM texts pulled out of the JSON.
fn public_certificates() -> Vec<String> {
    let dir = util::data_path("limbo/online");
    let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut pems = Vec::new();
    for entry in entries.flatten() {
        let text = fs::read_to_string(entry.path()).expect("read limbo file");
        let mut rest = text.as_str();
        while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
            let end_marker = "-----END CERTIFICATE-----";
            let Some(end) = rest[start..].find(end_marker) else {
                break;
            };
            let pem = &rest[start..start + end + end_marker.len()];
            pems.push(format!("{}\n", pem.replace("\\n", "\n")));
            rest = &rest[start + end..];
        }
    }
    pems.sort();
    pems.dedup();
    pems
}

#[test]
fn x509_text_of_public_certificates_matches_openssl() {
    let d = TestDir::new("public-text");
    let mut compared = 0;
    for (i, pem) in public_certificates().iter().enumerate() {
        let f = format!("{i}.pem");
        fs::write(d.join(&f), pem).expect("write");
        let theirs = openssl(&d, &["x509", "-in", &f, "-noout", "-text"]).ok();
        // EV jurisdiction attributes: pki_core::name prints their dotted OIDs.
        if theirs.stdout().contains("jurisdiction") {
            continue;
        }
        same(&d, &["x509", "-in", &f, "-noout", "-text"]);
        same(
            &d,
            &[
                "x509",
                "-in",
                &f,
                "-noout",
                "-hash",
                "-issuer_hash",
                "-purpose",
            ],
        );
        compared += 1;
    }
    assert!(
        compared >= 30,
        "only {compared} public certificates compared"
    );
}

#[test]
fn dgst_matches_openssl() {
    let d = setup("dgst");
    for args in [
        &["dgst", "ca.crt"][..],
        &["dgst", "-sha256", "ca.crt", "ca.key"],
        &["dgst", "-sha1", "-hex", "ca.crt"],
        &["dgst", "-sha384", "-c", "ca.crt"],
        &["dgst", "-sha512", "-r", "ca.crt"],
        &["dgst", "-sha256", "-binary", "ca.crt"],
    ] {
        same(&d, args);
    }
}

/// The CA certificate hash of `kubeadm join --discovery-token-ca-cert-hash`, as Kubernetes'
/// documentation computes it, through the pipeline of three openssl commands.
#[test]
fn kubeadm_ca_hash_pipeline_matches_openssl() {
    let d = setup("kubeadm-hash");
    let pipeline = "$OPENSSL x509 -pubkey -in ca.crt | $OPENSSL rsa -pubin -outform der 2>/dev/null \
                    | $OPENSSL dgst -sha256 -hex | sed 's/^.* //'";
    let hash = |openssl: &str| {
        let mut c = std::process::Command::new("bash");
        c.args(["-c", pipeline])
            .current_dir(&d.path)
            .env("OPENSSL", openssl);
        util::run(c, &d).ok().stdout()
    };
    let theirs = hash("openssl");
    let ours = hash(&format!("{} openssl", env!("CARGO_BIN_EXE_pki")));
    assert_eq!(ours, theirs);
    assert_eq!(ours.trim().len(), 64, "{ours}");
}

#[test]
fn rand_has_openssl_s_shape() {
    let d = setup("rand");
    for (args, len) in [
        (&["rand", "-hex", "8"][..], 17),
        (&["rand", "-hex", "3"], 7),
        (&["rand", "-base64", "48"], 65),
        (&["rand", "-base64", "10"], 17),
        (&["rand", "4"], 4),
    ] {
        let theirs = openssl(&d, args).ok();
        let mine = ours(&d, args).ok();
        assert_eq!(mine.out.stdout.len(), theirs.out.stdout.len(), "{args:?}");
        assert_eq!(mine.out.stdout.len(), len, "{args:?}");
        assert_ne!(mine.out.stdout, theirs.out.stdout);
        if args[1] == "-base64" {
            let decoded = ours(&d, &["rand", "-base64", "48"]).ok().stdout();
            assert!(
                decoded
                    .trim_end()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c))
            );
        }
    }
    // Two draws differ.
    assert_ne!(
        ours(&d, &["rand", "-hex", "16"]).ok().stdout(),
        ours(&d, &["rand", "-hex", "16"]).ok().stdout()
    );
}

/// A three-level chain: root, an intermediate CA given with -untrusted (or not), a leaf.
#[test]
fn verify_builds_chains_through_intermediates_like_openssl() {
    let d = setup("verify-chain");
    fs::write(
        d.join("int.cnf"),
        "basicConstraints = critical, CA:TRUE, pathlen:0\nkeyUsage = critical, keyCertSign\n",
    )
    .expect("write");
    fs::write(d.join("leaf.cnf"), "basicConstraints = CA:FALSE\n").expect("write");
    let o = |args: &[&str]| {
        openssl(&d, args).ok();
    };
    o(&[
        "req",
        "-new",
        "-key",
        "peer.key",
        "-subj",
        "/CN=intermediate",
        "-out",
        "int.csr",
    ]);
    o(&[
        "x509", "-req", "-in", "int.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-extfile",
        "int.cnf", "-out", "int.crt",
    ]);
    o(&[
        "x509",
        "-req",
        "-in",
        "client.csr",
        "-CA",
        "int.crt",
        "-CAkey",
        "peer.key",
        "-extfile",
        "leaf.cnf",
        "-out",
        "leaf.crt",
    ]);
    for args in [
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-untrusted",
            "int.crt",
            "leaf.crt",
        ][..],
        &[
            "verify",
            "-show_chain",
            "-CAfile",
            "ca.crt",
            "-untrusted",
            "int.crt",
            "leaf.crt",
        ],
        &["verify", "-CAfile", "ca.crt", "leaf.crt"],
        &["verify", "-CAfile", "int.crt", "leaf.crt"],
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-untrusted",
            "int.crt",
            "int.crt",
        ],
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "-untrusted",
            "int.crt",
            "-purpose",
            "sslserver",
            "leaf.crt",
        ],
    ] {
        same(&d, args);
    }
}

/// Certificates outside their validity period, made with pki_core (openssl 3.0's x509 cannot
/// backdate), and how both verifiers report them.
#[test]
fn verify_reports_validity_like_openssl() {
    use pki_core::{
        cert::{self, CertBuilder, Issuer},
        csr,
        key::PrivateKey,
        name, serial,
    };
    use std::time::{Duration, SystemTime};

    let d = setup("verify-time");
    let read = |f: &str| fs::read(d.join(f)).expect("read");
    let ca_key = PrivateKey::decode(&read("ca.key")).expect("ca.key");
    let ca = cert::decode(&read("ca.crt")).expect("ca.crt");
    let req = csr::decode(&read("client.csr")).expect("client.csr");
    let day = Duration::from_secs(86_400);
    let now = SystemTime::now();
    let leaf = |start: SystemTime| {
        let serial = serial::to_serial_number(&serial::random().expect("rng")).expect("serial");
        let c = CertBuilder::new(
            req.info.subject.clone(),
            req.info.public_key.clone(),
            serial,
            2,
        )
        .not_before(start)
        .sign(&Issuer::new(&ca, &ca_key).expect("issuer"))
        .expect("sign");
        cert::to_pem(&c).expect("pem")
    };
    fs::write(d.join("expired.crt"), leaf(now - 10 * day)).expect("write");
    fs::write(d.join("future.crt"), leaf(now + 10 * day)).expect("write");
    let serial = serial::to_serial_number(&serial::random().expect("rng")).expect("serial");
    let old_ca = CertBuilder::new(
        name::parse_subj("/CN=old-ca").expect("subj"),
        ca_key.public_key_info().expect("spki"),
        serial,
        1,
    )
    .not_before(now - 10 * day)
    .extensions(cert::openssl_v3_ca())
    .self_signed(&ca_key)
    .expect("old ca");
    fs::write(d.join("old-ca.crt"), cert::to_pem(&old_ca).expect("pem")).expect("write");
    for args in [
        &["verify", "-CAfile", "ca.crt", "expired.crt"][..],
        &["verify", "-CAfile", "ca.crt", "future.crt"],
        &["verify", "-CAfile", "old-ca.crt", "old-ca.crt"],
        &[
            "verify",
            "-CAfile",
            "ca.crt",
            "expired.crt",
            "client.crt",
            "future.crt",
        ],
    ] {
        same(&d, args);
    }
    same(
        &d,
        &["x509", "-in", "expired.crt", "-noout", "-checkend", "0"],
    );
}

#[test]
fn nameopt_prints_names_like_openssl() {
    let d = setup("nameopt");
    openssl(
        &d,
        &[
            "req",
            "-new",
            "-key",
            "ca.key",
            "-subj",
            "/C=CN/ST=Bei Jing/O=Ex, Inc/OU=a+OU=b/CN= x y#/emailAddress=a@b.c/street=Main St",
            "-out",
            "odd.csr",
        ],
    )
    .ok();
    fs::write(d.join("ext.cnf"), "basicConstraints = CA:FALSE\n").expect("write");
    openssl(
        &d,
        &[
            "x509", "-req", "-in", "odd.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-extfile",
            "ext.cnf", "-out", "odd.crt",
        ],
    )
    .ok();
    for email in ["a@b.c", "a@B.C", "A@b.c", "x@y"] {
        same(
            &d,
            &["x509", "-in", "odd.crt", "-noout", "-checkemail", email],
        );
    }
    same(
        &d,
        &[
            "x509",
            "-in",
            "client.crt",
            "-noout",
            "-checkip",
            "127.0.0.1",
            "-checkemail",
            "x@y",
            "-checkhost",
            "etcd01",
        ],
    );
    for form in ["RFC2253", "rfc2253", "compat", "oneline"] {
        for f in ["odd.crt", "client.crt"] {
            same(
                &d,
                &[
                    "x509", "-in", f, "-noout", "-subject", "-issuer", "-nameopt", form,
                ],
            );
        }
        same(
            &d,
            &[
                "req", "-in", "odd.csr", "-noout", "-subject", "-nameopt", form,
            ],
        );
    }
}
