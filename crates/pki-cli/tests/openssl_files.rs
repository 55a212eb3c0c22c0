//! What the drop-in and `pki init` do to files (issue 10's defects): outputs onto devices,
//! streams and symlinks are written through, a key is never lost or overwritten by another
//! output, parallel runs neither delete each other's files nor issue a serial twice, set files
//! must be regular files, and large `rand` output is streamed. Each case is checked against the
//! real openssl on the same inputs where OpenSSL's effect is the reference.

mod util;

use std::{
    fs,
    os::unix::fs::PermissionsExt,
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use util::{TestDir, openssl, pki};

fn setup(tag: &str) -> TestDir {
    util::with_reference_set(tag)
}

fn dropin(d: &TestDir, args: &[&str]) -> util::Run {
    pki(d, &[&["openssl"][..], args].concat(), &[])
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).expect("meta").permissions().mode() & 0o777
}

fn labels(p: &Path) -> Vec<String> {
    fs::read_to_string(p)
        .expect("read")
        .lines()
        .filter_map(|l| l.strip_prefix("-----BEGIN "))
        .map(|l| l.trim_end_matches('-').to_owned())
        .collect()
}

fn is_char_device(p: &str) -> bool {
    use std::os::unix::fs::FileTypeExt;
    fs::metadata(p).expect("meta").file_type().is_char_device()
}

/// Defect 1: `-out /dev/null`, `-out /dev/stdout` and a symlink are written through, by every
/// command that writes, as openssl does; the device stays a device, the link a link.
#[test]
fn outputs_are_written_through_devices_streams_and_links() {
    let d = setup("files-through");
    let sign = [
        "x509",
        "-req",
        "-in",
        "client.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-days",
        "1",
        "-extfile",
        "openssl.conf",
        "-extensions",
        "v3_req",
        "-out",
    ];
    for target in ["/dev/null", "/dev/stdout"] {
        let args = [&sign[..], &[target]].concat();
        let ours = dropin(&d, &args).ok();
        let theirs = openssl(&d, &args).ok();
        assert!(is_char_device("/dev/null"), "/dev/null was replaced");
        if target == "/dev/stdout" {
            assert!(ours.stdout().starts_with("-----BEGIN CERTIFICATE-----"));
            assert!(theirs.stdout().starts_with("-----BEGIN CERTIFICATE-----"));
        }
        for args in [
            vec!["rsa", "-in", "ca.key", "-pubout", "-out", target],
            vec!["genrsa", "-out", target, "2048"],
            vec!["rand", "-hex", "-out", target, "8"],
            vec![
                "req", "-new", "-key", "ca.key", "-subj", "/CN=x", "-out", target,
            ],
        ] {
            let ours = dropin(&d, &args).ok();
            openssl(&d, &args).ok();
            assert!(is_char_device("/dev/null"), "{args:?} replaced /dev/null");
            if target == "/dev/stdout" {
                assert!(ours.stdout().starts_with("-----BEGIN ") || args[0] == "rand");
            }
        }
    }
    // A symlink to a file in another folder: the target is replaced, the link stays.
    fs::create_dir(d.join("real")).expect("mkdir");
    for (who, link) in [("pki", "ours.pem"), ("openssl", "theirs.pem")] {
        std::os::unix::fs::symlink(format!("real/{link}"), d.join(link)).expect("symlink");
        let args = [&sign[..], &[link]].concat();
        if who == "pki" {
            dropin(&d, &args).ok();
        } else {
            openssl(&d, &args).ok();
        }
        assert!(
            fs::symlink_metadata(d.join(link))
                .expect("link")
                .is_symlink()
        );
        assert_eq!(labels(&d.join("real").join(link)), ["CERTIFICATE"]);
        // Again, over the existing target.
        if who == "pki" {
            dropin(&d, &args).ok();
        } else {
            openssl(&d, &args).ok();
        }
        assert!(
            fs::symlink_metadata(d.join(link))
                .expect("link")
                .is_symlink()
        );
    }
    assert!(
        !d.listing().contains(".pki-tmp."),
        "temporary file left:\n{}",
        d.listing()
    );
}

/// Defect 2: `req -x509 -newkey ... -keyout F -out F` leaves the key, then the certificate, in
/// F, mode 0600, as openssl does.
#[test]
fn keyout_and_out_one_file_keeps_the_key() {
    let d = TestDir::new("files-combined");
    for (who, f) in [("pki", "ours.pem"), ("openssl", "theirs.pem")] {
        let args = [
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            f,
            "-out",
            f,
            "-subj",
            "/CN=combined",
            "-days",
            "1",
        ];
        if who == "pki" {
            dropin(&d, &args).ok();
        } else {
            openssl(&d, &args).ok();
        }
        assert_eq!(labels(&d.join(f)), ["PRIVATE KEY", "CERTIFICATE"], "{who}");
        assert_eq!(mode(&d.join(f)), 0o600, "{who}");
    }
    // The real openssl reads pki's combined file: the key matches the certificate.
    let m1 = openssl(&d, &["x509", "-in", "ours.pem", "-noout", "-modulus"]).ok();
    let m2 = openssl(&d, &["rsa", "-in", "ours.pem", "-noout", "-modulus"]).ok();
    assert_eq!(m1.stdout(), m2.stdout());
}

/// Defect 3: an output that is not that key never replaces a private key; the same key
/// re-encoded from its own file (`rsa -in k -out k`, the MySQL documentation) is replaced
/// atomically, 0600, as openssl does.
#[test]
fn a_private_key_is_never_destroyed_by_another_output() {
    let d = setup("files-key");
    let key = fs::read(d.join("ca.key")).expect("key");
    for args in [
        vec!["rsa", "-in", "ca.key", "-pubout", "-out", "ca.key"],
        vec![
            "req", "-new", "-key", "ca.key", "-subj", "/CN=x", "-out", "ca.key",
        ],
        vec!["x509", "-in", "ca.crt", "-out", "ca.key"],
        vec!["rand", "-hex", "-out", "ca.key", "8"],
    ] {
        let r = dropin(&d, &args);
        assert_eq!(r.code(), Some(1), "{args:?}: {}", r.stderr());
        assert!(
            r.stderr().lines().last().is_some_and(|l| l
                == format!(
                    "{}: ca.key: holds a private key, which pki does not overwrite with this \
                     output (give another -out file)",
                    args[0]
                )),
            "{args:?}: {}",
            r.stderr()
        );
        assert_eq!(fs::read(d.join("ca.key")).expect("key"), key, "{args:?}");
    }
    fs::copy(d.join("client.key"), d.join("theirs.key")).expect("copy");
    fs::copy(d.join("client.key"), d.join("ours.key")).expect("copy");
    fs::set_permissions(d.join("ours.key"), fs::Permissions::from_mode(0o644)).expect("chmod");
    dropin(&d, &["rsa", "-in", "ours.key", "-out", "ours.key"]).ok();
    openssl(&d, &["rsa", "-in", "theirs.key", "-out", "theirs.key"]).ok();
    assert_eq!(mode(&d.join("ours.key")), 0o600);
    assert_eq!(
        fs::read(d.join("ours.key")).expect("ours"),
        fs::read(d.join("theirs.key")).expect("theirs")
    );
}

/// Defect 4: several `pki init` at once in one folder all succeed, make one consistent set
/// (the real openssl verifies it), and leave no temporary file; a user's file that looks
/// like one, and a live run's, are never deleted; a dead run's leftovers are.
#[test]
fn parallel_inits_share_one_folder() {
    let d = TestDir::new("files-parallel");
    fs::create_dir(d.join("set")).expect("mkdir");
    fs::write(d.join("set/.notes.pki-tmp.mine"), "user file").expect("write");
    // A leftover of a killed run whose process is gone (PID 2^22 + 1 is above Linux's
    // pid_max) and one of a live process (this test's).
    fs::write(d.join("set/.ca.key.pki-tmp.4194305.0"), "stale").expect("write");
    let live = format!("set/.ca.key.pki-tmp.{}.0", std::process::id());
    fs::write(d.join(&live), "live").expect("write");
    let runs: Vec<_> = (0..6)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_pki"))
                .args(["init", "set", "--node", "etcd01=127.0.0.1"])
                .current_dir(&d.path)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for r in runs {
        let out = r.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    openssl(
        &d,
        &[
            "verify",
            "-CAfile",
            "set/ca.crt",
            "set/client.crt",
            "set/peer.crt",
        ],
    )
    .ok();
    let names: Vec<String> = fs::read_dir(d.join("set"))
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.contains(&".notes.pki-tmp.mine".to_owned()),
        "{names:?}"
    );
    assert!(d.join(&live).exists(), "a live run's file was deleted");
    assert!(
        !names.contains(&".ca.key.pki-tmp.4194305.0".to_owned()),
        "{names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| n.contains(".pki-tmp.")).count(),
        2,
        "{names:?}"
    );
}

/// Defect 4, signals: a run interrupted by SIGTERM or SIGINT exits 128 + the signal and leaves
/// no temporary file.
#[test]
fn an_interrupted_run_leaves_nothing_behind() {
    let d = TestDir::new("files-signal");
    for (sig, n) in [("TERM", 15), ("INT", 2)] {
        let dir = format!("s{n}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_pki"))
            .args(["init", &dir, "--bits", "4096"])
            .current_dir(&d.path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(300));
        Command::new("kill")
            .args([&format!("-{sig}"), &child.id().to_string()])
            .status()
            .expect("kill");
        let status = child.wait().expect("wait");
        if status.success() {
            continue; // Finished before the signal: nothing to interrupt.
        }
        assert_eq!(status.code(), Some(128 + n), "SIG{sig}");
        assert!(
            !d.listing().contains(".pki-tmp."),
            "SIG{sig} left:\n{}",
            d.listing()
        );
    }
}

/// Defect 5: a FIFO, device or folder where `pki init` or `pki etcd config` expects a set file
/// is an error naming it (exit 2), never a hang or "skipped, exists"; explicit inputs of
/// `pki openssl` and `pki show` still read streams.
#[test]
fn set_files_must_be_regular_files() {
    let d = TestDir::new("files-fifo");
    fs::create_dir(d.join("f")).expect("mkdir");
    Command::new("mkfifo")
        .arg(d.join("f/ca.key"))
        .status()
        .expect("mkfifo");
    let started = Instant::now();
    pki(&d, &["init", "f"], &[]).fails(
        2,
        "pki: cannot read f/ca.key: is a FIFO, not a regular file\n",
    );
    pki(&d, &["init", "f", "--dry-run"], &[]).fails(
        2,
        "pki: cannot read f/ca.key: is a FIFO, not a regular file\n",
    );
    // A complete set, then a FIFO in place of its CA certificate.
    pki(&d, &["init", "s", "--node", "etcd01=127.0.0.1"], &[]).ok();
    fs::remove_file(d.join("s/ca.crt")).expect("rm");
    Command::new("mkfifo")
        .arg(d.join("s/ca.crt"))
        .status()
        .expect("mkfifo");
    let r = pki(&d, &["etcd", "config", "--dir", "s", "etcd01"], &[]);
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    assert_eq!(r.stderr().lines().count(), 1, "{}", r.stderr());
    assert!(r.stderr().contains("is a FIFO"), "{}", r.stderr());
    assert!(started.elapsed() < Duration::from_secs(120), "blocked");
    // Streams given explicitly are read.
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!(
            "{pki} openssl x509 -in /dev/stdin -noout -subject < s/client.crt && \
             {pki} show /dev/stdin < s/client.crt >/dev/null",
            pki = env!("CARGO_BIN_EXE_pki")
        ))
        .current_dir(&d.path);
    let r = util::run(c, &d).ok();
    assert_eq!(r.stdout(), "subject=CN = etcd-client\n");
}

/// Defect 6: `rand` streams: a large output takes a few MB, not its size, of memory (the
/// child's peak RSS, from python3's getrusage).
#[test]
fn rand_streams_large_outputs() {
    let d = TestDir::new("files-rand");
    let script = format!(
        "import resource, subprocess, sys\n\
         r = subprocess.run(['{pki}', 'openssl', 'rand', '-hex', '-out', 'big.hex', '67108864'])\n\
         assert r.returncode == 0\n\
         print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n",
        pki = env!("CARGO_BIN_EXE_pki")
    );
    let mut c = Command::new("python3");
    c.arg("-c").arg(script).current_dir(&d.path);
    let r = util::run(c, &d).ok();
    let kib: u64 = r.stdout().trim().parse().expect("maxrss");
    assert!(
        kib < 32 * 1024,
        "peak RSS {kib} KiB for 64 MiB of randomness"
    );
    let len = fs::metadata(d.join("big.hex")).expect("meta").len();
    assert_eq!(len, 2 * 67_108_864 + 1);
    let text = fs::read(d.join("big.hex")).expect("read");
    assert!(text[..text.len() - 1].iter().all(u8::is_ascii_hexdigit));
    assert_eq!(text.last(), Some(&b'\n'));
}

/// Defect 7: 30 parallel `x509 -req -CAcreateserial` on one serial file issue 30 serials.
#[test]
fn parallel_signing_never_repeats_a_serial() {
    let d = setup("files-serial");
    let children: Vec<_> = (0..30)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_pki"))
                .args([
                    "openssl",
                    "x509",
                    "-req",
                    "-in",
                    "client.csr",
                    "-CA",
                    "ca.crt",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-extfile",
                    "openssl.conf",
                    "-extensions",
                    "v3_req",
                    "-out",
                ])
                .arg(format!("c{i}.crt"))
                .current_dir(&d.path)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(out.status.success());
    }
    let mut serials: Vec<String> = (0..30)
        .map(|i| {
            let f = format!("c{i}.crt");
            openssl(&d, &["x509", "-in", &f, "-noout", "-serial"])
                .ok()
                .stdout()
        })
        .collect();
    serials.sort();
    serials.dedup();
    assert_eq!(serials.len(), 30);
}

/// Defect 8: errors name the user's path, never pki's temporary file.
#[test]
fn errors_name_the_users_path() {
    let d = TestDir::new("files-names");
    let r = dropin(&d, &["genrsa", "-out", "/nonexistent/k.key", "2048"]);
    assert_eq!(r.code(), Some(1));
    assert_eq!(
        r.stderr(),
        "genrsa: cannot create /nonexistent/k.key: No such file or directory (os error 2)\n"
    );
    let r = dropin(&d, &["rand", "-hex", "-out", "/nonexistent/r", "4"]);
    assert_eq!(
        r.stderr(),
        "rand: cannot create /nonexistent/r: No such file or directory (os error 2)\n"
    );
}

/// Defects 9 to 11: `-checkend` beyond any time, a certificate PEM block with RFC 1421 headers,
/// two nodes of one name.
#[test]
fn checkend_headers_and_duplicate_nodes() {
    let d = setup("files-misc");
    // OpenSSL's time arithmetic overflows and says "will not expire"; every certificate
    // expires before the end of time.
    dropin(
        &d,
        &[
            "x509",
            "-in",
            "ca.crt",
            "-noout",
            "-checkend",
            "9223372036854775807",
        ],
    );
    let r = dropin(
        &d,
        &[
            "x509",
            "-in",
            "ca.crt",
            "-noout",
            "-checkend",
            "9223372036854775807",
        ],
    );
    assert_eq!(
        (r.code(), r.stdout()),
        (Some(1), "Certificate will expire\n".into())
    );
    let r = dropin(
        &d,
        &[
            "x509",
            "-in",
            "ca.crt",
            "-noout",
            "-checkend",
            "-9223372036854775808",
        ],
    );
    assert_eq!(
        (r.code(), r.stdout()),
        (Some(0), "Certificate will not expire\n".into())
    );
    let pem = fs::read_to_string(d.join("ca.crt")).expect("read");
    let with_headers = pem.replacen(
        "-----BEGIN CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\n",
        1,
    );
    fs::write(d.join("headers.crt"), with_headers).expect("write");
    let r = pki(&d, &["show", "headers.crt"], &[]);
    assert_eq!(r.code(), Some(2));
    assert!(
        r.stderr()
            .contains("CERTIFICATE PEM block has RFC 1421 headers")
            && !r.stderr().contains("private key"),
        "{}",
        r.stderr()
    );
    pki(
        &d,
        &["init", "n", "--node", "a=1.1.1.1", "--node", "a=1.1.1.1"],
        &[],
    )
    .fails(
        2,
        "pki: bad node \"a=1.1.1.1\": a node of that name was given before (each etcd member \
         needs its own name)\n",
    );
    assert!(!d.join("n").exists(), "nothing is made");
}
