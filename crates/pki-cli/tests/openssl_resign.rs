//! `x509 -in CERT -signkey KEY`: a certificate made again, self-signed, as OpenSSL 3.0 makes
//! it (apps/x509.c, apps/lib/apps.c `do_X509_sign`), side by side with the real openssl on the
//! same inputs: the subject and serial kept (or `-set_serial`), the issuer the subject, the
//! key the signing key's, dates from now for `-days` (30) or kept with `-preserve_dates`, the
//! certificate's extensions kept byte for byte (outdated key identifiers too) and the
//! `-extfile` section's added, a version 1 certificate staying version 1 without `-extfile`.
//! The real openssl must verify the signature.

mod util;

use std::{fs, time::SystemTime};

use der::{DecodePem, Encode};
use util::{TestDir, openssl, pki};
use x509_cert::Certificate;

fn dropin(d: &TestDir, args: &[&str]) -> util::Run {
    pki(d, &[&["openssl"][..], args].concat(), &[])
}

fn read(d: &TestDir, f: &str) -> Certificate {
    Certificate::from_pem(fs::read(d.join(f)).expect("read")).expect("certificate")
}

fn secs(t: &x509_cert::time::Time) -> u64 {
    t.to_system_time()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// Everything of the TBSCertificate but the dates, and the validity's length in days.
fn shape(c: &Certificate) -> (Vec<u8>, u64) {
    let t = c.tbs_certificate();
    let mut parts = Vec::new();
    parts.extend(t.version().to_der().expect("version"));
    parts.extend(t.serial_number().to_der().expect("serial"));
    parts.extend(t.signature().to_der().expect("algorithm"));
    parts.extend(t.issuer().to_der().expect("issuer"));
    parts.extend(t.subject().to_der().expect("subject"));
    parts.extend(t.subject_public_key_info().to_der().expect("key"));
    parts.extend(t.extensions().cloned().to_der().expect("extensions"));
    let v = t.validity();
    (
        parts,
        (secs(&v.not_after) - secs(&v.not_before) + 60) / 86_400,
    )
}

fn setup() -> TestDir {
    let d = TestDir::new("resign");
    for k in ["ca.key", "leaf.key", "other.key"] {
        openssl(&d, &["genrsa", "-out", k, "2048"]).ok();
    }
    fs::write(
        d.join("e.cnf"),
        "[ku]\nkeyUsage = digitalSignature\n[noski]\nsubjectKeyIdentifier = none\n\
         [ski]\nsubjectKeyIdentifier = hash\nbasicConstraints = CA:FALSE\n",
    )
    .expect("write");
    openssl(
        &d,
        &[
            "req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=ca", "-days", "100", "-out",
            "ca.crt",
        ],
    )
    .ok();
    openssl(
        &d,
        &[
            "req",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/O=x/CN=leaf",
            "-out",
            "leaf.csr",
        ],
    )
    .ok();
    openssl(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "1234",
            "-extfile",
            "e.cnf",
            "-extensions",
            "ski",
            "-out",
            "leaf.crt",
        ],
    )
    .ok();
    openssl(
        &d,
        &[
            "x509", "-req", "-in", "leaf.csr", "-signkey", "leaf.key", "-days", "5", "-out",
            "v1.crt",
        ],
    )
    .ok();
    d
}

#[test]
fn resigned_certificates_match_openssl() {
    let d = setup();
    let cases: &[&[&str]] = &[
        &["-in", "ca.crt", "-signkey", "ca.key"],
        &["-in", "leaf.crt", "-signkey", "leaf.key"],
        // Another key: the old subjectKeyIdentifier stays, as OpenSSL keeps it.
        &["-in", "leaf.crt", "-signkey", "other.key", "-days", "10"],
        &["-in", "v1.crt", "-signkey", "leaf.key"],
        &[
            "-in",
            "v1.crt",
            "-signkey",
            "leaf.key",
            "-extfile",
            "e.cnf",
            "-extensions",
            "ku",
        ],
        &[
            "-in",
            "leaf.crt",
            "-key",
            "leaf.key",
            "-extfile",
            "e.cnf",
            "-extensions",
            "noski",
        ],
        &[
            "-in",
            "leaf.crt",
            "-signkey",
            "other.key",
            "-extfile",
            "e.cnf",
            "-extensions",
            "ski",
        ],
        &[
            "-in",
            "ca.crt",
            "-signkey",
            "ca.key",
            "-set_serial",
            "77",
            "-sha384",
        ],
        &["-in", "leaf.crt", "-signkey", "leaf.key", "-preserve_dates"],
    ];
    for case in cases {
        let what = case.join(" ");
        for (out, ours) in [("ours.crt", true), ("theirs.crt", false)] {
            let args = [&["x509"][..], case, &["-out", out]].concat();
            if ours {
                dropin(&d, &args).ok();
            } else {
                openssl(&d, &args).ok();
            }
        }
        let (ours, theirs) = (read(&d, "ours.crt"), read(&d, "theirs.crt"));
        assert_eq!(shape(&ours), shape(&theirs), "{what}");
        if case.contains(&"-preserve_dates") {
            let input = read(&d, case[1]);
            assert_eq!(
                ours.tbs_certificate().validity(),
                input.tbs_certificate().validity(),
                "{what}"
            );
        }
        openssl(
            &d,
            &[
                "verify",
                "-check_ss_sig",
                "-partial_chain",
                "-CAfile",
                "ours.crt",
                "ours.crt",
            ],
        )
        .ok();
    }
}

#[test]
fn resigning_refuses_what_it_does_not_do() {
    let d = setup();
    for (args, message) in [
        (
            &["-in", "leaf.crt", "-signkey", "leaf.key", "-CA", "ca.crt"][..],
            "x509: -CA without -req is not supported by pki: it re-signs a certificate only \
             with -signkey (self-signed)\n",
        ),
        (
            &["-in", "leaf.crt", "-preserve_dates"][..],
            "x509: -preserve_dates is used only when re-signing a certificate with -signkey\n",
        ),
        (
            &["-in", "leaf.crt", "-days", "3"][..],
            "x509: -days is used only with -req or -signkey\n",
        ),
    ] {
        let r = dropin(&d, &[&["x509"][..], args, &["-out", "x.crt"]].concat());
        assert_eq!(r.code(), Some(1), "{args:?}");
        assert!(r.stderr().starts_with(message), "{args:?}: {}", r.stderr());
        assert!(!d.join("x.crt").exists());
    }
    // A key that does not read: nothing written, the file named.
    fs::write(d.join("bad.key"), "not a key\n").expect("write");
    let r = dropin(
        &d,
        &[
            "x509", "-in", "leaf.crt", "-signkey", "bad.key", "-out", "x.crt",
        ],
    );
    assert_ne!(r.code(), Some(0));
    assert!(r.stderr().contains("bad.key"), "{}", r.stderr());
    assert!(!d.join("x.crt").exists());
}
