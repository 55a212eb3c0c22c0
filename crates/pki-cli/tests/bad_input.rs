//! One test per row of docs/robustness.md: each class of bad input, given to the real `pki`
//! binary, and the exact message the user sees. The inputs are made here from the reference
//! output of pki.sh (`tests/data/reference/openssl-3.0.19`), so each test says how its input
//! was made.

mod util;

use std::{fs, os::unix::fs::PermissionsExt, process::Command};

use util::{TestDir, openssl, pki, reference};

/// The reference CA certificate as DER.
fn ca_der() -> Vec<u8> {
    let pem = fs::read(reference().join("ca.crt")).expect("reference ca.crt");
    pki_core::pem::decode_all(&pem).expect("pem").remove(0).der
}

/// A DER element: tag, contents start, end.
fn tlv(b: &[u8], i: usize) -> (u8, usize, usize) {
    let (tag, first) = (b[i], b[i + 1] as usize);
    if first < 0x80 {
        return (tag, i + 2, i + 2 + first);
    }
    let n = first & 0x7f;
    let len = b[i + 2..i + 2 + n]
        .iter()
        .fold(0usize, |a, x| (a << 8) | *x as usize);
    (tag, i + 2 + n, i + 2 + n + len)
}

fn enc(tag: u8, content: &[u8]) -> Vec<u8> {
    let n = content.len();
    let mut out = vec![tag];
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn children(b: &[u8], start: usize, end: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        let (_, _, e) = tlv(b, i);
        out.push(b[i..e].to_vec());
        i = e;
    }
    out
}

/// The reference CA certificate with TBSCertificate element `index` replaced (0 version,
/// 1 serial, ..., 5 subject); the signature is left as it was.
fn ca_with(index: usize, element: Vec<u8>) -> Vec<u8> {
    let der = ca_der();
    let (_, s, e) = tlv(&der, 0);
    let top = children(&der, s, e);
    let (_, ts, te) = tlv(&top[0], 0);
    let mut tbs = children(&top[0], ts, te);
    tbs[index] = element;
    let mut body = enc(0x30, &tbs.concat());
    body.extend_from_slice(&top[1]);
    body.extend_from_slice(&top[2]);
    enc(0x30, &body)
}

/// Writes `bytes` to `name` in `d` and runs `pki show name`.
fn show(d: &TestDir, name: &str, bytes: &[u8]) -> util::Run {
    fs::write(d.join(name), bytes).expect("write");
    pki(d, &["show", "--now", "2030-01-01T00:00:00Z", name], &[])
}

/// A complete pki.sh set in `d/c`.
fn made(tag: &str) -> TestDir {
    let d = TestDir::new(tag);
    pki(&d, &["init", "c"], &[]).ok();
    d
}

#[test]
fn truncated() {
    let d = TestDir::new("truncated");
    show(&d, "trunc.der", &ca_der()[..500]).fails(
        2,
        "pki: trunc.der: malformed certificate: ASN.1 DER message is incomplete: \
         expected 501, actual 500 at DER byte 500\n",
    );
    // A PEM block cut before its END line, where pki init reads the CA certificate.
    let d = made("truncated-pem");
    let pem = fs::read_to_string(d.join("c/ca.crt")).expect("ca.crt");
    fs::write(d.join("c/ca.crt"), &pem[..pem.len() / 2]).expect("write");
    fs::remove_file(d.join("c/client.crt")).expect("rm");
    pki(&d, &["init", "c"], &[]).fails(
        2,
        "pki: c/ca.crt: invalid PEM: PEM error in post-encapsulation boundary\n",
    );
}

#[test]
fn trailing_bytes() {
    let d = TestDir::new("trailing");
    let mut der = ca_der();
    der.extend_from_slice(b"xx");
    show(&d, "trailing.der", &der).fails(
        2,
        "pki: trailing.der: malformed certificate: trailing data at end of DER message: \
         decoded 777 bytes, 2 bytes remaining at DER byte 777\n",
    );
}

#[test]
fn wrong_pem_label() {
    let d = TestDir::new("label");
    fs::create_dir(d.join("c")).expect("mkdir");
    fs::copy(reference().join("ca.crt"), d.join("c/ca.key")).expect("copy");
    pki(&d, &["init", "c"], &[]).fails(
        2,
        "pki: c/ca.key: wrong PEM label: expected PRIVATE KEY, found \"CERTIFICATE\"\n",
    );
}

#[test]
fn indefinite_length() {
    let d = TestDir::new("indefinite");
    show(&d, "indef.der", b"\x30\x80\x02\x01\x01\x00\x00").fails(
        2,
        "pki: indef.der: malformed certificate: indefinite length disallowed/malformed \
         at DER byte 2\n",
    );
}

#[test]
fn huge_lengths() {
    // A SEQUENCE that claims 4 GiB: refused before anything is allocated for it.
    let d = TestDir::new("huge");
    show(&d, "huge.der", b"\x30\x84\xff\xff\xff\xf0\x02\x01\x01").fails(
        2,
        "pki: huge.der: malformed certificate: ASN.1 DER message is incomplete: \
         expected 10, actual 9 at DER byte 9\n",
    );
}

#[test]
fn negative_or_zero_serial() {
    let d = TestDir::new("serial");
    let r = reference();
    let (csr, ca, key, conf) = (
        r.join("client.csr"),
        r.join("ca.crt"),
        r.join("ca.key"),
        r.join("openssl.conf"),
    );
    let sign = |serial: &str| {
        let args = [
            "openssl",
            "x509",
            "-req",
            "-in",
            csr.to_str().expect("utf8"),
            "-CA",
            ca.to_str().expect("utf8"),
            "-CAkey",
            key.to_str().expect("utf8"),
            "-set_serial",
            serial,
            "-extfile",
            conf.to_str().expect("utf8"),
            "-extensions",
            "v3_req",
            "-out",
            "x.crt",
        ];
        pki(&d, &args, &[])
    };
    let ok = "Certificate request self-signature ok\nsubject=CN = etcd-client\n";
    sign("0").fails(1, &format!("{ok}x509: bad serial number: zero\n"));
    // Refused with the other options, before anything is read.
    sign("-5").fails(
        1,
        "x509: Invalid -set_serial \"-5\": expected a positive decimal number or 0x and hex \
         digits\nx509: Use -help for summary.\n",
    );
    assert!(!d.join("x.crt").exists());
    // A serial file that is not a positive hex number.
    fs::write(d.join("neg.srl"), "-1\n").expect("write");
    let args = [
        "openssl",
        "x509",
        "-req",
        "-in",
        csr.to_str().expect("utf8"),
        "-CA",
        ca.to_str().expect("utf8"),
        "-CAkey",
        key.to_str().expect("utf8"),
        "-CAserial",
        "neg.srl",
        "-extfile",
        conf.to_str().expect("utf8"),
        "-extensions",
        "v3_req",
        "-out",
        "x.crt",
    ];
    pki(&d, &args, &[]).fails(
        1,
        &format!("{ok}x509: neg.srl: bad serial file: not hexadecimal\n"),
    );
    // Certificates made elsewhere with such serials are shown as they are, not refused.
    for (serial, decimal) in [(&b"\x00"[..], "0"), (&b"\xff"[..], "-1")] {
        let run = show(&d, "s.der", &ca_with(1, enc(0x02, serial))).ok();
        assert!(
            run.stdout()
                .contains(&format!("  Serial (decimal):    {decimal}\n")),
            "{}",
            run.stdout()
        );
    }
}

#[test]
fn wrong_version() {
    // version INTEGER 3 (a "v4" certificate) as the CA certificate pki init signs with.
    let d = made("version");
    fs::write(
        d.join("c/ca.crt"),
        ca_with(0, enc(0xa0, &enc(0x02, b"\x03"))),
    )
    .expect("write");
    fs::remove_file(d.join("c/client.crt")).expect("rm");
    pki(&d, &["init", "c"], &[]).fails(
        2,
        "pki: c/ca.crt: malformed certificate: malformed ASN.1 DER value for INTEGER\n",
    );
    // version 2 with extensions decodes, and pki show says version 2.
    let run = show(&d, "v2.der", &ca_with(0, enc(0xa0, &enc(0x02, b"\x01")))).ok();
    assert!(
        run.stdout().contains("  Version:             2\n"),
        "{}",
        run.stdout()
    );
}

#[test]
fn mismatched_key_and_certificate() {
    let d = made("mismatch");
    let other = made("mismatch-other");
    fs::copy(other.join("c/ca.key"), d.join("c/ca.key")).expect("copy");
    fs::remove_file(d.join("c/client.crt")).expect("rm");
    pki(&d, &["init", "c"], &[]).fails(
        2,
        "pki: warning: c/ca.crt: its public key is not the one in c/ca.key\n\
         pki: c/ca.key: the private key does not match the CA certificate\n",
    );
    assert!(!d.join("c/client.crt").exists());
}

#[test]
fn encrypted_key_without_a_passphrase() {
    let d = TestDir::new("encrypted");
    fs::create_dir_all(d.join("pkcs8")).expect("mkdir");
    fs::create_dir_all(d.join("legacy")).expect("mkdir");
    let key = reference().join("ca.key");
    let key = key.to_str().expect("utf8");
    // PKCS#8 EncryptedPrivateKeyInfo, and OpenSSL's legacy "Proc-Type: 4,ENCRYPTED" PEM.
    openssl(
        &d,
        &[
            "pkey",
            "-in",
            key,
            "-aes256",
            "-passout",
            "pass:x",
            "-out",
            "pkcs8/ca.key",
        ],
    )
    .ok();
    openssl(
        &d,
        &[
            "rsa",
            "-in",
            key,
            "-aes256",
            "-passout",
            "pass:x",
            "-traditional",
            "-out",
            "legacy/ca.key",
        ],
    )
    .ok();
    for dir in ["pkcs8", "legacy"] {
        pki(&d, &["init", dir], &[]).fails(
            2,
            &format!(
                "pki: {dir}/ca.key: encrypted private keys are not supported: decrypt it first\n"
            ),
        );
    }
}

#[test]
fn missing_files() {
    let d = TestDir::new("missing");
    pki(&d, &["show", "missing.pem"], &[]).fails(
        2,
        "pki: cannot read missing.pem: No such file or directory (os error 2)\n",
    );
}

#[test]
fn folders_in_place_of_files() {
    let d = TestDir::new("folder");
    fs::create_dir_all(d.join("dir.pem")).expect("mkdir");
    pki(&d, &["show", "dir.pem"], &[]).fails(2, "pki: cannot read dir.pem: is a folder\n");
    fs::create_dir_all(d.join("c/ca.key")).expect("mkdir");
    pki(&d, &["init", "c"], &[]).fails(2, "pki: cannot read c/ca.key: is a folder\n");
}

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("id -u");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

#[test]
fn unreadable_files() {
    let d = TestDir::new("unreadable");
    // A socket can be neither opened nor read, even by root.
    let _listener =
        std::os::unix::net::UnixListener::bind(d.join("sock.pem")).expect("bind socket");
    pki(&d, &["show", "sock.pem"], &[]).fails(
        2,
        "pki: cannot read sock.pem: No such device or address (os error 6)\n",
    );
    // Mode 000 stops everyone but root (CI and this machine run as root, where it reads).
    fs::copy(reference().join("ca.crt"), d.join("locked.pem")).expect("copy");
    fs::set_permissions(d.join("locked.pem"), fs::Permissions::from_mode(0o000)).expect("chmod");
    let run = pki(&d, &["show", "locked.pem"], &[]);
    if is_root() {
        run.ok();
    } else {
        run.fails(
            2,
            "pki: cannot read locked.pem: Permission denied (os error 13)\n",
        );
    }
}

#[test]
fn large_inputs_are_refused_without_reading_them_whole() {
    let d = TestDir::new("large");
    // 100 MB, sparse: refused after reading at most 16 MiB and one byte.
    let f = fs::File::create(d.join("big.pem")).expect("create");
    f.set_len(100_000_000).expect("set_len");
    pki(&d, &["show", "big.pem"], &[]).fails(2, "pki: cannot read big.pem: larger than 16 MiB\n");
    // An endless input: the same, so nothing is read to the end.
    pki(&d, &["show", "/dev/zero"], &[])
        .fails(2, "pki: cannot read /dev/zero: larger than 16 MiB\n");
    // A bundle of 100,000 certificates is about 130 MB; 13,000 already pass the limit.
    let one = fs::read(reference().join("client.crt")).expect("client.crt");
    let bundle = one.repeat(17 * 1024 * 1024 / one.len() + 1);
    fs::write(d.join("bundle.pem"), &bundle).expect("write");
    pki(&d, &["show", "bundle.pem"], &[])
        .fails(2, "pki: cannot read bundle.pem: larger than 16 MiB\n");
    // Standard input is bounded the same way.
    let mut c = Command::new(env!("CARGO_BIN_EXE_pki"));
    c.args(["show", "-"]).current_dir(&d.path);
    c.stdin(fs::File::open("/dev/zero").expect("/dev/zero"));
    util::run(c, &d).fails(2, "pki: cannot read -: larger than 16 MiB\n");
}

#[test]
fn invalid_utf8_in_names() {
    use std::os::unix::ffi::OsStrExt;
    let d = TestDir::new("utf8");
    // In arguments: clap refuses them before pki runs.
    let mut c = Command::new(env!("CARGO_BIN_EXE_pki"));
    c.args(["init", "--node"])
        .arg(std::ffi::OsStr::from_bytes(b"\xff=10.0.0.1"))
        .current_dir(&d.path);
    util::run(c, &d).fails(
        2,
        "error: invalid UTF-8 was detected in one or more arguments\n\n\
         Usage: pki init [OPTIONS] [DIR]\n\nFor more information, try '--help'.\n",
    );
    // In file names: printed with U+FFFD in their place.
    let mut c = Command::new(env!("CARGO_BIN_EXE_pki"));
    c.arg("show")
        .arg(std::ffi::OsStr::from_bytes(b"\xff.pem"))
        .current_dir(&d.path);
    util::run(c, &d).fails(
        2,
        "pki: cannot read \u{fffd}.pem: No such file or directory (os error 2)\n",
    );
    // In a certificate's subject (a UTF8String holding 0xFF): shown as the hex of its DER.
    let cn = [&b"\x06\x03\x55\x04\x03"[..], &enc(0x0c, b"bad\xff")].concat();
    let subject = enc(0x30, &enc(0x31, &enc(0x30, &cn)));
    let run = show(&d, "cn.der", &ca_with(5, subject)).ok();
    assert!(
        run.stdout()
            .contains("  Subject:             CN = #0C04626164FF\n"),
        "{}",
        run.stdout()
    );
    // In a configuration file.
    fs::write(
        d.join("utf.cnf"),
        b"[req]\ndistinguished_name=dn\nprompt=no\n[dn]\nCN=\xff\n",
    )
    .expect("write");
    let key = reference().join("client.key");
    pki(
        &d,
        &[
            "openssl",
            "req",
            "-new",
            "-key",
            key.to_str().expect("utf8"),
            "-config",
            "utf.cnf",
        ],
        &[],
    )
    .fails(1, "req: utf.cnf: the configuration is not UTF-8 text\n");
}

#[test]
fn a_config_with_unknown_keys() {
    let d = TestDir::new("unknown-keys");
    let key = reference().join("client.key");
    let key = key.to_str().expect("utf8");
    fs::write(
        d.join("unk.cnf"),
        "[req]\ndistinguished_name=dn\nprompt=no\nbogus_key = 1\n[dn]\nCN=x\n\
         [v3_req]\nnotAnExtension = critical, yes\n",
    )
    .expect("write");
    // An unknown extension: refused with file and line.
    let args = ["openssl", "req", "-new", "-key", key, "-config", "unk.cnf"];
    let ext = [&args[..], &["-extensions", "v3_req", "-out", "a.csr"]].concat();
    pki(&d, &ext, &[]).fails(
        1,
        "req: invalid configuration: unk.cnf:8: unknown or unsupported extension \
         \"notAnExtension\" (pki makes basicConstraints, keyUsage, extendedKeyUsage, \
         subjectAltName, subjectKeyIdentifier, authorityKeyIdentifier, issuerAltName, \
         crlDistributionPoints, authorityInfoAccess, certificatePolicies, nameConstraints, \
         policyConstraints, nsCertType and nsComment)\n",
    );
    // An unknown key in [req]: ignored, as OpenSSL ignores it.
    pki(&d, &[&args[..], &["-out", "b.csr"]].concat(), &[]).ok();
    assert!(d.join("b.csr").exists());
}
