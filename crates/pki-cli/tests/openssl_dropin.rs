//! The drop-in: with a folder on PATH holding only a link `openssl -> pki`, the seed's pki.sh
//! runs unchanged, makes the files OpenSSL makes, the real openssl verifies them, their
//! structure matches OpenSSL 3.0.19's output of the same script
//! (tests/data/reference/openssl-3.0.19), and a second run changes nothing.

mod util;

use std::{
    collections::BTreeMap,
    fs,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use der::{Decode, Encode, oid::db::rfc5280 as oids};
use pki_core::{cert, csr, key::PrivateKey, pem, serial};
use util::{TestDir, openssl, reference, run};
use x509_cert::{Certificate, ext::Extension, request::CertReq};

fn seed_script() -> PathBuf {
    util::data_path("seed/pki.sh")
}

/// A folder holding only `openssl -> pki`.
fn link_dir(dir: &TestDir) -> PathBuf {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).expect("bin");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_pki"), bin.join("openssl")).expect("link");
    bin
}

/// Runs pki.sh in `sub` with `bin` first on PATH (or the system PATH alone).
fn run_script(dir: &TestDir, sub: &str, bin: Option<&Path>) -> util::Run {
    let work = dir.join(sub);
    fs::create_dir_all(&work).expect("work dir");
    let path = std::env::var("PATH").unwrap_or_default();
    let path = match bin {
        Some(b) => format!("{}:{path}", b.display()),
        None => path,
    };
    let mut c = Command::new("bash");
    c.arg(seed_script())
        .current_dir(&work)
        .env_clear()
        .env("PATH", path);
    run(c, dir).ok()
}

/// name -> (bytes, mode) of the files in a folder.
fn files(dir: &Path) -> BTreeMap<String, (Vec<u8>, u32)> {
    fs::read_dir(dir)
        .expect("ls")
        .flatten()
        .map(|e| {
            let meta = e.metadata().expect("meta");
            (
                e.file_name().to_string_lossy().into_owned(),
                (
                    fs::read(e.path()).expect("read"),
                    meta.permissions().mode() & 0o777,
                ),
            )
        })
        .collect()
}

fn load_cert(p: &Path) -> Certificate {
    cert::decode(&fs::read(p).expect("read")).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn load_csr(p: &Path) -> CertReq {
    csr::decode(&fs::read(p).expect("read")).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// OID, criticality and value of an extension; key identifiers hash different keys, so their
/// values are left out.
fn ext_shape(e: &Extension) -> (String, bool, Option<Vec<u8>>) {
    let value = match e.extn_id {
        oids::ID_CE_SUBJECT_KEY_IDENTIFIER | oids::ID_CE_AUTHORITY_KEY_IDENTIFIER => None,
        _ => Some(e.extn_value.as_bytes().to_vec()),
    };
    (e.extn_id.to_string(), e.critical, value)
}

fn validity(c: &Certificate) -> Duration {
    let v = c.tbs_certificate().validity();
    v.not_after.to_unix_duration() - v.not_before.to_unix_duration()
}

/// Everything but serial, key, key identifiers, dates and signature is equal.
fn assert_same_shape(name: &str, ours: &Certificate, theirs: &Certificate) {
    let (a, b) = (ours.tbs_certificate(), theirs.tbs_certificate());
    assert_eq!(a.version(), b.version(), "{name}: version");
    assert_eq!(a.signature(), b.signature(), "{name}: signature algorithm");
    assert_eq!(ours.signature_algorithm(), theirs.signature_algorithm());
    for (what, x, y) in [
        ("issuer", a.issuer(), b.issuer()),
        ("subject", a.subject(), b.subject()),
    ] {
        assert_eq!(
            x.to_der().expect("der"),
            y.to_der().expect("der"),
            "{name}: {what}"
        );
    }
    assert_eq!(validity(ours), validity(theirs), "{name}: validity length");
    assert_eq!(
        format!("{:?}", a.validity().not_after).split('(').next(),
        format!("{:?}", b.validity().not_after).split('(').next(),
        "{name}: time type"
    );
    assert_eq!(
        a.subject_public_key_info().algorithm,
        b.subject_public_key_info().algorithm
    );
    let shape = |t: &x509_cert::TbsCertificate| -> Vec<_> {
        t.extensions()
            .map(|v| v.iter().map(ext_shape).collect())
            .unwrap_or_default()
    };
    assert_eq!(shape(a), shape(b), "{name}: extensions");
}

#[test]
fn pki_sh_through_an_openssl_link_matches_openssl() {
    let dir = TestDir::new("dropin");
    let bin = link_dir(&dir);
    let mut which = Command::new("bash");
    which.args(["-c", "command -v openssl"]).env_clear().env(
        "PATH",
        format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        ),
    );
    let which = run(which, &dir).ok();
    assert_eq!(which.stdout().trim(), bin.join("openssl").to_string_lossy());
    let ran = run_script(&dir, "ours", Some(&bin));
    assert_eq!(
        ran.stderr(),
        "Certificate request self-signature ok\nsubject=CN = etcd-client\n\
         Certificate request self-signature ok\nsubject=CN = etcd-peer\n"
    );
    let ours = dir.join("ours");

    // The same files as the real openssl makes from the same script.
    run_script(&dir, "theirs", None);
    let names = |d: &Path| files(d).into_keys().collect::<Vec<_>>();
    assert_eq!(names(&ours), names(&dir.join("theirs")));
    assert_eq!(names(&ours).len(), 10, "{:?}", names(&ours));

    // The real openssl verifies them.
    let v = openssl(
        &dir,
        &[
            "verify",
            "-CAfile",
            "ours/ca.crt",
            "ours/client.crt",
            "ours/peer.crt",
        ],
    )
    .ok();
    assert_eq!(v.stdout(), "ours/client.crt: OK\nours/peer.crt: OK\n");

    // Their structure is the reference's.
    let r = reference();
    for name in ["ca.crt", "client.crt", "peer.crt"] {
        assert_same_shape(
            name,
            &load_cert(&ours.join(name)),
            &load_cert(&r.join(name)),
        );
    }
    let ca = load_cert(&ours.join("ca.crt"));
    cert::verify_issued_by(&ca, &ca).expect("self-signed");
    for name in ["client.csr", "peer.csr"] {
        let (a, b) = (load_csr(&ours.join(name)), load_csr(&r.join(name)));
        assert_eq!(
            a.info.subject.to_der().expect("der"),
            b.info.subject.to_der().expect("der")
        );
        assert_eq!(
            a.info.attributes.to_der().expect("der"),
            b.info.attributes.to_der().expect("der"),
            "{name}: extensionRequest"
        );
        assert_eq!(a.algorithm, b.algorithm);
    }
    let all = files(&ours);
    for name in ["ca.key", "client.key", "peer.key"] {
        let (bytes, mode) = &all[name];
        assert_eq!(*mode, 0o600, "{name} mode");
        let ours_pem = pem::decode_all(bytes).expect("pem");
        let theirs_pem = pem::decode_all(&fs::read(r.join(name)).expect("ref")).expect("pem");
        assert_eq!(ours_pem[0].label, theirs_pem[0].label, "{name} label");
        assert_eq!(PrivateKey::decode(bytes).expect("key").bits(), 2048);
    }
    assert_eq!(
        all["openssl.conf"].0,
        fs::read(r.join("openssl.conf")).expect("conf")
    );
    // ca.srl holds the last serial issued; the peer's is the client's plus one.
    let client = load_cert(&ours.join("client.crt"));
    let peer = load_cert(&ours.join("peer.crt"));
    let srl = String::from_utf8(all["ca.srl"].0.clone()).expect("srl");
    assert_eq!(
        srl,
        format!("{}\n", serial::to_hex(&cert::serial_bytes(&peer)))
    );
    assert_eq!(
        serial::increment(&cert::serial_bytes(&client)),
        cert::serial_bytes(&peer)
    );
    for c in [&client, &peer] {
        cert::verify_issued_by(c, &ca).expect("issued by the CA");
        assert!(Certificate::from_der(&c.to_der().expect("der")).is_ok());
    }

    // A second run changes nothing.
    let before = files(&ours);
    run_script(&dir, "ours", Some(&bin));
    assert_eq!(files(&ours), before, "the second run changed files");
}
