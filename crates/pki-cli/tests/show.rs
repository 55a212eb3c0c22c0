//! `pki show`: golden text for every file of OpenSSL's reference output, JSON checked against
//! docs/pki-json-v1.schema.json, keys and certificates of other algorithms made by openssl,
//! every input form, and the errors.
//!
//! Golden files live in tests/golden/show/; `UPDATE_EXPECT=1 cargo test -p pki-cli --test show`
//! rewrites them. Validity is judged at a fixed `--now` so the text does not depend on the date.

mod jsonschema;
mod util;

use std::{fs, path::Path, process::Command};

use serde_json::Value;
use util::{TestDir, openssl, pki, reference, run};

const NOW: &str = "2030-01-01T00:00:00Z";

fn golden_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/show")
}

/// Runs `pki show` in the reference folder on one of its files.
fn show_reference(dir: &TestDir, args: &[&str]) -> util::Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pki"));
    c.arg("show")
        .args(args)
        .current_dir(reference())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    run(c, dir)
}

/// Compares `actual` with the golden file `name`, or rewrites it under UPDATE_EXPECT=1.
fn expect_golden(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::create_dir_all(golden_dir()).expect("golden dir");
        fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run UPDATE_EXPECT=1 cargo test -p pki-cli --test show",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{} differs (UPDATE_EXPECT=1 rewrites it)\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

fn reference_files() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(reference())
        .unwrap_or_else(|e| panic!("{}: {e}", reference().display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 20, "reference folder incomplete: {names:?}");
    names
}

#[test]
fn golden_text_for_every_reference_file() {
    let d = TestDir::new("show-golden");
    for name in reference_files() {
        let r = show_reference(&d, &["--now", NOW, &name]);
        let code = r.code().expect("exit code");
        let is_object = [".crt", ".csr", ".key"].iter().any(|s| name.ends_with(s));
        assert_eq!(
            code,
            if is_object { 0 } else { 2 },
            "{name}: {}",
            r.stderr()
        );
        let text = format!(
            "$ pki show --now {NOW} {name}\nexit status {code}\n--- stdout\n{}--- stderr\n{}",
            r.stdout(),
            r.stderr()
        );
        expect_golden(&format!("{name}.txt"), &text);
    }
}

#[test]
fn golden_files_are_all_used() {
    let wanted: Vec<String> = reference_files()
        .into_iter()
        .map(|n| format!("{n}.txt"))
        .collect();
    for e in fs::read_dir(golden_dir()).expect("golden dir").flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        assert!(wanted.contains(&n), "stale golden file {n}");
    }
}

fn json_docs(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn assert_valid(docs: &[Value]) {
    let schema = jsonschema::schema();
    for doc in docs {
        let errors = jsonschema::validate(&schema, doc);
        assert!(errors.is_empty(), "{doc}\n{}", errors.join("\n"));
    }
}

#[test]
fn json_of_every_reference_file_follows_the_schema() {
    let d = TestDir::new("show-json");
    let names = reference_files();
    let args: Vec<&str> = ["--json", "--now", NOW]
        .into_iter()
        .chain(names.iter().map(String::as_str))
        .collect();
    let r = show_reference(&d, &args);
    assert_eq!(r.code(), Some(2), "non-objects fail: {}", r.stderr());
    let docs = json_docs(&r.stdout());
    assert_eq!(docs.len(), names.len(), "one document per file");
    assert_valid(&docs);
    let by = |file: &str| {
        docs.iter()
            .find(|d| d["file"] == file)
            .unwrap_or_else(|| panic!("no document for {file}"))
    };
    let ca = &by("ca.crt")["object"];
    assert_eq!(ca["type"], "certificate");
    assert_eq!(ca["version"], 3);
    assert_eq!(
        ca["serial"]["hex"],
        "6b0435628e8e7ec80283bab1996c1ec3bbe33f35"
    );
    assert_eq!(ca["subject"]["text"], "CN = etcd-ca");
    assert_eq!(ca["validity"]["state"], "valid");
    assert_eq!(ca["public_key"]["key"]["bits"], 2048);
    assert_eq!(ca["public_key"]["key"]["exponent"], "65537");
    let exts = ca["extensions"].as_array().expect("extensions");
    assert_eq!(exts.len(), 3);
    assert_eq!(exts[2]["oid"], "2.5.29.19");
    assert_eq!(exts[2]["critical"], true);
    assert_eq!(exts[2]["value"]["ca"], true);
    assert_eq!(exts[2]["der"], "MAMBAf8=");
    let csr = &by("client.csr")["object"];
    assert_eq!(csr["type"], "csr");
    assert_eq!(csr["signature_check"], "valid");
    assert_eq!(
        csr["extensions"][2]["value"]["names"][3]["value"],
        "127.0.0.1"
    );
    let key = &by("client.key")["object"];
    assert_eq!(key["type"], "private_key");
    assert_eq!(key["format"], "pkcs8");
    // The key's public half matches its certificate and its CSR.
    assert_eq!(
        key["public_key_sha256"],
        by("client.crt")["object"]["public_key"]["sha256"]
    );
    assert_eq!(key["public_key_sha256"], csr["public_key"]["sha256"]);
    assert!(by("openssl.conf")["error"].is_string());
}

#[test]
fn other_algorithms_and_forms_made_by_openssl() {
    let d = TestDir::new("show-algs");
    let ossl = |args: &[&str]| {
        openssl(&d, args).ok();
    };
    ossl(&["genpkey", "-algorithm", "ed25519", "-out", "ed.key"]);
    ossl(&[
        "req", "-x509", "-new", "-key", "ed.key", "-subj", "/CN=ed", "-days", "2", "-out", "ed.crt",
    ]);
    ossl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        "p256.key",
    ]);
    ossl(&[
        "req", "-x509", "-new", "-key", "p256.key", "-subj", "/CN=p256", "-days", "2", "-out",
        "p256.crt",
    ]);
    ossl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-384",
        "-out",
        "p384.key",
    ]);
    ossl(&[
        "req", "-new", "-key", "p384.key", "-subj", "/CN=p384", "-out", "p384.csr",
    ]);
    ossl(&["pkey", "-in", "p384.key", "-pubout", "-out", "p384.pub"]);
    ossl(&["ec", "-in", "p256.key", "-out", "p256.sec1"]);
    ossl(&[
        "x509", "-in", "p256.crt", "-outform", "DER", "-out", "p256.der",
    ]);
    ossl(&["genrsa", "-traditional", "-out", "rsa1.key", "1024"]);
    ossl(&[
        "rsa",
        "-in",
        "rsa1.key",
        "-RSAPublicKey_out",
        "-out",
        "rsa1.pub",
    ]);
    ossl(&["pkey", "-in", "ed.key", "-outform", "DER", "-out", "ed.der"]);
    ossl(&[
        "pkcs8", "-topk8", "-in", "rsa1.key", "-passout", "pass:x", "-out", "enc.key",
    ]);
    let bundle = [fs::read(d.join("ed.crt")), fs::read(d.join("p256.crt"))]
        .map(|r| r.expect("cert"))
        .concat();
    fs::write(d.join("bundle.pem"), bundle).expect("bundle");

    let files = [
        "ed.key",
        "ed.crt",
        "p256.key",
        "p256.crt",
        "p384.key",
        "p384.csr",
        "p384.pub",
        "p256.sec1",
        "p256.der",
        "rsa1.key",
        "rsa1.pub",
        "ed.der",
        "enc.key",
        "bundle.pem",
    ];
    let text = pki(&d, &[&["show", "--now", NOW][..], &files[..]].concat(), &[])
        .ok()
        .stdout();
    for want in [
        "Ed25519 (256 bits)",
        "Signature algorithm: ED25519 (1.3.101.112)",
        "EC P-256 (256 bits)",
        "Curve:             P-256 (1.2.840.10045.3.1.7)",
        "EC P-384 (384 bits)",
        // The P-384 CSR's ECDSA self-signature, checked as the verifier checks signatures.
        "Signature algorithm: ecdsa-with-SHA256 (1.2.840.10045.4.3.2)\n  Self-signature:      valid",
        "ecdsa-with-SHA256",
        "Format:              SEC1 (EC)",
        "Format:              PKCS#1 (RSA)",
        "RSA 1024 bits, exponent 65537",
        "Format:              PKCS#8, encrypted",
        "==> bundle.pem (certificate 2 of 2) <==",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let r = pki(
        &d,
        &[&["show", "--json", "--now", NOW][..], &files[..]].concat(),
        &[],
    )
    .ok();
    let docs = json_docs(&r.stdout());
    assert_eq!(
        docs.len(),
        files.len() + 1,
        "the bundle gives two documents"
    );
    assert_valid(&docs);
    let ed = docs.iter().find(|d| d["file"] == "ed.crt").expect("ed.crt");
    assert_eq!(ed["object"]["public_key"]["key"]["algorithm"], "Ed25519");
    assert_eq!(
        ed["object"]["public_key"]["key"]["public"]
            .as_str()
            .map(str::len),
        Some(64)
    );
    let doc = |f: &str| docs.iter().find(|d| d["file"] == f).expect("document");
    let spki = &doc("p256.der")["object"]["public_key"]["sha256"];
    assert!(spki.is_string());
    assert_eq!(&doc("p256.key")["object"]["public_key_sha256"], spki);
    assert_eq!(&doc("p256.sec1")["object"]["public_key_sha256"], spki);
    assert_eq!(
        doc("rsa1.key")["object"]["public_key_sha256"],
        doc("rsa1.pub")["object"]["sha256"]
    );
    let ec = doc("p256.der");
    assert_eq!(ec["object"]["public_key"]["key"]["curve"], "P-256");
    // An uncompressed P-256 point: 04 || X || Y.
    assert_eq!(
        ec["object"]["public_key"]["key"]["point"]
            .as_str()
            .map(str::len),
        Some(130)
    );
}

#[test]
fn stdin_is_read_with_a_dash() {
    let d = TestDir::new("show-stdin");
    let mut c = Command::new(env!("CARGO_BIN_EXE_pki"));
    c.args(["show", "--now", NOW, "-"])
        .current_dir(&d.path)
        .env_clear()
        .stdin(fs::File::open(reference().join("peer.crt")).expect("peer.crt"));
    let r = run(c, &d).ok();
    assert!(r.stdout().starts_with("Certificate\n"), "{}", r.stdout());
    assert!(r.stdout().contains("Subject:             CN = etcd-peer\n"));
}

#[test]
fn a_zero_serial_shows_as_00() {
    let d = TestDir::new("show-zero-serial");
    let c = util::openssl(
        &d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "z.key",
            "-subj",
            "/CN=z",
            "-set_serial",
            "0",
            "-days",
            "1",
            "-out",
            "z.crt",
        ],
    );
    c.ok();
    let r = util::pki(&d, &["show", "z.crt"], &[]).ok();
    assert!(
        r.stdout().contains("  Serial number:       00\n"),
        "{}",
        r.stdout()
    );
    assert!(
        r.stdout().contains("  Serial (decimal):    0\n"),
        "{}",
        r.stdout()
    );
}

/// Runs `pki ARGS` in the reference folder on a pseudo-terminal (util-linux `script`), so
/// that stdout is a terminal; returns what the terminal got.
fn on_terminal(dir: &TestDir, args: &str, no_color: Option<&str>) -> String {
    if Command::new("script").arg("--version").output().is_err() {
        panic!(
            "this test needs `script` (util-linux) for a pseudo-terminal: apt-get install bsdutils (.ci/run does)"
        );
    }
    let mut c = Command::new("script");
    c.args([
        "-qec",
        &format!("'{}' {args}", env!("CARGO_BIN_EXE_pki")),
        "/dev/null",
    ])
    .current_dir(reference())
    .env_clear()
    .env("PATH", std::env::var("PATH").unwrap_or_default());
    if let Some(v) = no_color {
        c.env("NO_COLOR", v);
    }
    run(c, dir).ok().stdout()
}

#[test]
fn colour_only_on_a_terminal() {
    let d = TestDir::new("show-colour");
    // Output to a pipe carries no escape codes.
    let r = show_reference(&d, &["--now", NOW, "ca.crt"]).ok();
    assert!(!r.stdout().contains('\x1b'));
    // On a terminal: bold labels and a green status, unless NO_COLOR is set and not empty.
    let args = format!("show --now {NOW} ca.crt");
    let tty = on_terminal(&d, &args, None);
    assert!(tty.contains("\x1b[1mSubject:\x1b[0m"), "{tty:?}");
    assert!(tty.contains("\x1b[32mvalid, "), "{tty:?}");
    assert!(on_terminal(&d, &args, Some("")).contains('\x1b'));
    let plain = on_terminal(&d, &args, Some("1"));
    assert!(!plain.contains('\x1b'), "{plain:?}");
    assert!(plain.contains("Subject:             CN = etcd-ca"));
}

#[test]
fn malformed_input_names_the_der_byte_and_others_still_show() {
    let d = TestDir::new("show-bad");
    fs::write(d.join("short.der"), b"\x30\x05\x02\x01").expect("write");
    let ca = reference().join("ca.crt");
    let mut truncated = fs::read(reference().join("client.crt")).expect("client.crt");
    truncated.truncate(600);
    fs::write(d.join("trunc.pem"), &truncated).expect("write");
    let der = {
        let pem = fs::read_to_string(&ca).expect("ca");
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let mut der = base64_decode(&body);
        der.truncate(300);
        der
    };
    fs::write(d.join("trunc.der"), der).expect("write");
    fs::write(d.join("empty"), b"").expect("write");
    // The notBefore UTCTime of the reference CA (at byte 72) with a letter for a digit: der
    // gives no position for this one; pki finds the element.
    let mut bad_time = base64_decode(
        &fs::read_to_string(&ca)
            .expect("ca")
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<String>(),
    );
    assert_eq!(&bad_time[72..74], b"\x17\x0d");
    bad_time[76] = b'x';
    fs::write(d.join("time.der"), bad_time).expect("write");
    let ca = ca.to_string_lossy().into_owned();
    let r = pki(
        &d,
        &[
            "show",
            "--now",
            NOW,
            "short.der",
            &ca,
            "trunc.pem",
            "trunc.der",
            "empty",
            "time.der",
        ],
        &[],
    )
    .fails(
        2,
        "pki: short.der: malformed certificate: ASN.1 DER message is incomplete: \
         expected 5, actual 4 at DER byte 4\n\
         pki: trunc.pem: invalid PEM: PEM error in post-encapsulation boundary\n\
         pki: trunc.der: malformed certificate: ASN.1 DER message is incomplete: \
         expected 301, actual 300 at DER byte 300\n\
         pki: empty: no PEM block or DER object found\n\
         pki: time.der: malformed certificate: malformed ASN.1 DER value for UTCTime \
         at DER byte 72\n",
    );
    assert!(r.stdout().contains("Subject:             CN = etcd-ca"));
}

#[test]
fn bad_arguments() {
    let d = TestDir::new("show-args");
    let r = pki(&d, &["show", "--now", "tomorrow", "x"], &[]);
    assert_eq!(r.code(), Some(2));
    assert!(
        r.stderr()
            .contains("\"tomorrow\" is not a UTC time like 2030-01-01T00:00:00Z"),
        "{}",
        r.stderr()
    );
    pki(&d, &["show", "missing.crt"], &[]).fails(
        2,
        "pki: cannot read missing.crt: No such file or directory (os error 2)\n",
    );
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| *c != b'=').map(val).collect();
    bytes
        .chunks(4)
        .flat_map(|c| {
            let n = c.iter().fold(0u32, |acc, v| (acc << 6) | u32::from(*v)) << (6 * (4 - c.len()));
            let b = n.to_be_bytes();
            b[1..c.len()].to_vec()
        })
        .collect()
}

fn show_fixture(name: &str) -> std::path::PathBuf {
    util::data_path("show").join(name)
}

/// RFC 5280 4.1.2.5.1 reads UTCTime YY >= 50 as 19YY; the der crate reads 1970..2049 only,
/// so pki reads such a certificate with its lenient decoder. Lint finds nothing wrong with it.
#[test]
fn a_utctime_of_1950_shows() {
    let d = TestDir::new("show-utctime-1950");
    let path = show_fixture("utctime-1950.der");
    let file = path.to_str().expect("UTF-8 path");
    let r = pki(&d, &["show", "--now", NOW, file], &[]).ok();
    assert!(
        r.stdout()
            .contains("  Not before:          1950-01-01T12:00:00Z (UTCTime)\n"),
        "{}",
        r.stdout()
    );
    assert!(r.stdout().contains("  Subject:             CN = odd\n"));
    let r = pki(&d, &["show", "--json", "--now", NOW, file], &[]).ok();
    let docs = json_docs(&r.stdout());
    assert_valid(&docs);
    let nb = &docs[0]["object"]["validity"]["not_before"];
    assert_eq!(nb["time"], "1950-01-01T12:00:00Z", "{}", r.stdout());
    assert_eq!(nb["encoding"], "UTCTime");
    let r = pki(&d, &["lint", "--now", NOW, file], &[]).fails(1, "");
    assert!(!r.stdout().contains("validity"), "{}", r.stdout());
    assert!(!r.stdout().contains("time-encoding"), "{}", r.stdout());

    // An impossible date is still refused, where the strict decoder stopped.
    let mut der = fs::read(&path).expect("fixture");
    let at = der
        .windows(13)
        .position(|w| w == b"500101120000Z")
        .expect("notBefore");
    der[at + 2..at + 4].copy_from_slice(b"13");
    fs::write(d.path.join("month13.der"), der).expect("write");
    pki(&d, &["show", "month13.der"], &[]).fails(
        2,
        "pki: month13.der: malformed certificate: \
         malformed ASN.1 DER value for UTCTime at DER byte 80\n",
    );
}

/// x509-cert refuses serials over 21 octets; pki shows them, and lint flags them.
#[test]
fn a_22_octet_serial_shows_and_lint_flags_it() {
    let d = TestDir::new("show-serial-22");
    let path = show_fixture("serial-22-octets.der");
    let file = path.to_str().expect("UTF-8 path");
    let r = pki(&d, &["show", "--now", NOW, file], &[]).ok();
    assert!(
        r.stdout().contains(
            "  Serial number:       \
             01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16\n"
        ),
        "{}",
        r.stdout()
    );
    let r = pki(&d, &["show", "--json", "--now", NOW, file], &[]).ok();
    let docs = json_docs(&r.stdout());
    assert_valid(&docs);
    let serial = &docs[0]["object"]["serial"];
    assert_eq!(serial["encoded_len"], 22, "{}", r.stdout());
    assert_eq!(
        serial["decimal"],
        "377084639044278688715625566080814255100343344174358"
    );
    let r = pki(&d, &["lint", "--now", NOW, file], &[]).fails(1, "");
    assert!(
        r.stdout().contains(
            "  error   serial-too-long: serial number is longer than 20 octets (22 octets) \
             [RFC 5280 4.1.2.2]\n"
        ),
        "{}",
        r.stdout()
    );
}

/// A subjectAltName and a subject holding a newline, an escape sequence and a bidirectional
/// override (a hostile certificate, made here byte by byte): `pki show`, `pki lint` and
/// `pki verify` print them escaped, so they can neither forge a line nor drive the terminal.
#[test]
fn control_characters_from_certificates_are_escaped() {
    use der::Encode;
    use pki_core::{
        cert::CertBuilder,
        ext::ExtSpec,
        key::{KeyBits, PrivateKey},
    };
    let d = TestDir::new("controls");
    let key = PrivateKey::generate(KeyBits::DEFAULT).expect("key");
    let evil = "evil\n  Subject: CN = forged\u{1b}[2J";
    let san = x509_cert::ext::pkix::SubjectAltName(vec![
        x509_cert::ext::pkix::name::GeneralName::DnsName(
            der::asn1::Ia5String::new(evil).expect("IA5"),
        ),
    ]);
    let subject = pki_core::name::parse_subj("/CN=evil\u{1b}[31m\u{202e}gnp.exe").expect("name");
    let cert = CertBuilder::new(
        subject,
        key.public_key_info().expect("spki"),
        x509_cert::serial_number::SerialNumber::from(7u8),
        30,
    )
    .extensions(vec![ExtSpec::Encoded {
        oid: der::oid::ObjectIdentifier::new_unwrap("2.5.29.17"),
        critical: false,
        value: san.to_der().expect("SAN"),
    }])
    .self_signed(&key)
    .expect("certificate");
    fs::write(
        d.join("evil.crt"),
        pki_core::cert::to_pem(&cert).expect("PEM"),
    )
    .expect("write");
    for args in [
        &["show", "evil.crt"][..],
        &["lint", "evil.crt"][..],
        &["verify", "--ca", "evil.crt", "evil.crt"][..],
    ] {
        let out = pki(&d, args, &[]).stdout();
        assert!(!out.contains('\u{1b}'), "{args:?}: {out}");
        assert!(!out.contains('\u{202e}'), "{args:?}: {out}");
        assert!(
            !out.lines()
                .any(|l| l.trim_start().starts_with("Subject: CN = forged")),
            "{args:?}: {out}"
        );
        if args[0] == "show" {
            assert!(
                out.contains("evil\\x0a  Subject: CN = forged\\x1b[2J"),
                "{out}"
            );
        }
    }
}
