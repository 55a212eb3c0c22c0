//! `pki init` when things go wrong around it: files that no longer fit (kept with a warning,
//! refused with `--strict`), output folders, and runs killed with SIGKILL at random points.

mod util;

use std::{
    fs,
    os::unix::fs::PermissionsExt,
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant, SystemTime},
};

use pki_core::{
    cert::{self, CertBuilder},
    csr,
    init::{self, Plan, Step},
    key::PrivateKey,
    serial,
};
use util::{TestDir, openssl, pki};

/// A complete pki.sh set in `d/c`.
fn made(tag: &str) -> TestDir {
    let d = TestDir::new(tag);
    pki(&d, &["init", "c"], &[]).ok();
    d
}

fn copy(from: &TestDir, to: &TestDir, file: &str) {
    fs::copy(
        from.join(&format!("c/{file}")),
        to.join(&format!("c/{file}")),
    )
    .expect("copy");
}

/// The stdout line of a step kept although it does not fit.
fn stale_line(file: &str) -> String {
    format!(
        "  skipped  {file:<13} exists but does not fit (warning above): remove it to remake it\n"
    )
}

#[test]
fn a_ca_certificate_not_made_from_ca_key_is_kept_with_a_warning_or_refused_with_strict() {
    let d = made("stale-key");
    let other = made("stale-key-other");
    copy(&other, &d, "ca.key");
    let before = d.snapshot("c");
    let run = pki(&d, &["init", "c"], &[]).ok();
    assert_eq!(
        run.stderr(),
        "pki: warning: c/ca.crt: its public key is not the one in c/ca.key\n"
    );
    assert!(
        run.stdout().contains(&stale_line("ca.crt")),
        "{}",
        run.stdout()
    );
    // --dry-run looks too.
    let dry = pki(&d, &["init", "c", "--dry-run"], &[]).ok();
    assert_eq!(dry.stderr(), run.stderr());
    pki(&d, &["init", "c", "--strict"], &[]).fails(
        2,
        "pki: c/ca.crt: its public key is not the one in c/ca.key\n",
    );
    assert_eq!(d.snapshot("c"), before, "a skipped file was touched");
}

#[test]
fn certificates_not_issued_by_ca_crt_are_named() {
    let d = made("stale-issuer");
    let other = made("stale-issuer-other");
    // Another CA, whole: ca.crt fits ca.key, but did not issue client.crt and peer.crt.
    copy(&other, &d, "ca.key");
    copy(&other, &d, "ca.crt");
    let run = pki(&d, &["init", "c"], &[]).ok();
    assert_eq!(
        run.stderr(),
        "pki: warning: c/client.crt: not issued by c/ca.crt\n\
         pki: warning: c/peer.crt: not issued by c/ca.crt\n"
    );
    pki(&d, &["init", "c", "--strict"], &[])
        .fails(2, "pki: c/client.crt: not issued by c/ca.crt\n");
    // A client certificate of another CA, with that CA's key: key and issuer both named.
    let d2 = made("stale-client");
    copy(&other, &d2, "client.crt");
    let run = pki(&d2, &["init", "c"], &[]).ok();
    assert_eq!(
        run.stderr(),
        "pki: warning: c/client.crt: its public key is not the one in c/client.key\n\
         pki: warning: c/client.crt: not issued by c/ca.crt\n"
    );
}

#[test]
fn subject_alt_names_other_than_the_nodes_are_named() {
    let d = made("stale-sans");
    let was = "DNS:etcd01, DNS:etcd02, DNS:etcd03, IP Address:127.0.0.1, \
               IP Address:192.168.31.17, IP Address:192.168.31.18, IP Address:192.168.31.19";
    let now = "DNS:db1, IP Address:127.0.0.1, IP Address:10.0.0.1";
    let warnings: String = ["client.csr", "client.crt", "peer.csr", "peer.crt"]
        .iter()
        .map(|f| {
            format!(
                "pki: warning: c/{f}: its subjectAltName is {was} but the nodes ask for {now}\n"
            )
        })
        .collect();
    let run = pki(&d, &["init", "c", "--node", "db1=10.0.0.1"], &[]).ok();
    assert_eq!(run.stderr(), warnings);
    for f in ["client.csr", "client.crt", "peer.csr", "peer.crt"] {
        assert!(run.stdout().contains(&stale_line(f)), "{}", run.stdout());
    }
    pki(
        &d,
        &["init", "c", "--node", "db1=10.0.0.1", "--strict"],
        &[],
    )
    .fails(
        2,
        &format!("pki: c/client.csr: its subjectAltName is {was} but the nodes ask for {now}\n"),
    );
    // Back on the seed's nodes everything fits again: no warning at all.
    let run = pki(&d, &["init", "c", "--strict"], &[]).ok();
    assert_eq!(run.stderr(), "");
}

#[test]
fn an_expired_certificate_is_named_with_its_date() {
    let d = made("stale-expired");
    // The same CA (name and key) re-made with a validity of one day in 2020.
    let key = init::read_key(&d.join("c/ca.key")).expect("ca.key");
    let ca = init::read_cert(&d.join("c/ca.crt")).expect("ca.crt");
    let serial = serial::to_serial_number(&[0x01]).expect("serial");
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_577_836_800); // 2020-01-01
    let expired = CertBuilder::new(
        ca.tbs_certificate().subject().clone(),
        key.public_key_info().expect("spki"),
        serial,
        1,
    )
    .not_before(start)
    .extensions(cert::pki_ca())
    .self_signed(&key)
    .expect("sign");
    fs::remove_file(d.join("c/ca.crt")).expect("rm");
    fs::write(
        d.join("c/ca.crt"),
        cert::to_pem(&expired).expect("pem").as_bytes(),
    )
    .expect("write");
    let run = pki(&d, &["init", "c"], &[]).ok();
    // client.crt and peer.crt still verify: same issuer name, same key.
    assert_eq!(
        run.stderr(),
        "pki: warning: c/ca.crt: expired on 2020-01-02 00:00:00 UTC\n"
    );
    pki(&d, &["init", "c", "--strict"], &[])
        .fails(2, "pki: c/ca.crt: expired on 2020-01-02 00:00:00 UTC\n");
}

#[test]
fn an_unreadable_file_that_is_skipped_is_named_with_the_cause() {
    let d = made("stale-garbage");
    fs::write(
        d.join("c/peer.csr"),
        "-----BEGIN CERTIFICATE REQUEST-----\n",
    )
    .expect("write");
    let run = pki(&d, &["init", "c"], &[]).ok();
    assert_eq!(
        run.stderr(),
        "pki: warning: c/peer.csr: cannot be checked: c/peer.csr: invalid PEM: \
         PEM error in post-encapsulation boundary\n"
    );
}

#[test]
fn output_folders_are_made_0700_whatever_the_umask_or_the_error_says_why() {
    let d = TestDir::new("mkdir");
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!(
            "umask 000; exec {} init a/b/c",
            env!("CARGO_BIN_EXE_pki")
        ))
        .current_dir(&d.path);
    util::run(c, &d).ok();
    for dir in ["a", "a/b", "a/b/c"] {
        let mode = fs::metadata(d.join(dir)).expect("dir").permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{dir}");
    }
    fs::write(d.join("f"), b"a file").expect("write");
    pki(&d, &["init", "f"], &[]).fails(
        2,
        "pki: cannot create folder f: File exists (os error 17)\n",
    );
    pki(&d, &["init", "f/c"], &[]).fails(
        2,
        "pki: cannot create folder f/c: Not a directory (os error 20)\n",
    );
}

/// xorshift64*: enough to spread kill points; the seed is printed to replay a failure.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

const KEYS: [&str; 3] = ["ca.key", "client.key", "peer.key"];

/// Every file in `dir` is whole and valid, and fits the others (pki_core::init::check);
/// temporary files may remain from a kill, and those of keys are 0600.
#[track_caller]
fn assert_whole(dir: &Path, context: &str) {
    let plan = Plan::new(dir);
    let Ok(entries) = fs::read_dir(dir) else {
        return; // killed before the folder was made
    };
    for entry in entries {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let mode = entry.metadata().expect("meta").permissions().mode() & 0o777;
        let bytes = fs::read(&path).expect("read");
        let fail = |what: &str| panic!("{context}: {name}: {what}");
        if name.starts_with('.') && name.contains(".pki-tmp.") {
            if KEYS.iter().any(|k| name.starts_with(&format!(".{k}."))) && mode != 0o600 {
                fail(&format!("temporary key file with mode {mode:o}"));
            }
            continue;
        }
        match name.as_str() {
            "openssl.conf" if bytes != plan.openssl_conf().as_bytes() => fail("not the plan's"),
            "openssl.conf" => {}
            "ca.srl" => {
                let text = String::from_utf8(bytes).unwrap_or_default();
                if serial::parse_hex(&text).is_err() {
                    fail("not a serial");
                }
            }
            k if KEYS.contains(&k) => {
                if mode != 0o600 {
                    fail(&format!("mode {mode:o}"));
                }
                if let Err(e) = PrivateKey::decode(&bytes) {
                    fail(&format!("{e}"));
                }
            }
            "client.csr" | "peer.csr" => {
                if let Err(e) = csr::decode(&bytes) {
                    fail(&format!("{e}"));
                }
            }
            "ca.crt" | "client.crt" | "peer.crt" => {
                if let Err(e) = cert::decode(&bytes) {
                    fail(&format!("{e}"));
                }
            }
            _ => fail("unexpected file"),
        }
    }
    for step in Step::ALL {
        if dir.join(step.file()).exists() {
            let mismatches = init::check(&plan, step);
            assert!(
                mismatches.is_empty(),
                "{context}: {} does not fit: {mismatches:?}",
                step.file()
            );
        }
    }
}

#[test]
fn killed_runs_leave_only_whole_valid_files_and_a_rerun_completes_them() {
    let d = TestDir::new("kill");
    let seed = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(1, |t| t.as_nanos() as u64)
        | 1;
    eprintln!("kill test seed: {seed:#x}");
    let mut rng = Rng(seed);
    // One whole run, to spread the kill points over the length of a run on this machine.
    let t = Instant::now();
    pki(&d, &["init", "probe"], &[]).ok();
    let span = t.elapsed().as_micros().max(1000) as u64 * 5 / 4;

    let (mut sets, mut killed) = (vec!["s0".to_owned()], 0);
    for i in 0..40 {
        let dir = sets.last().expect("a set").clone();
        let delay = Duration::from_micros(rng.next() % span);
        let mut child = Command::new(env!("CARGO_BIN_EXE_pki"))
            .args(["init", &dir])
            .current_dir(&d.path)
            .env_clear()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn pki");
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL; an error means it had already exited
        let status = child.wait().expect("wait");
        let context = format!("seed {seed:#x}, run {i} in {dir}, killed after {delay:?}");
        assert_whole(&d.join(&dir), &context);
        if status.success() {
            sets.push(format!("s{}", i + 1));
        } else {
            assert!(status.code().is_none(), "{context}: failed: {status:?}");
            killed += 1;
        }
    }
    eprintln!("{killed} of 40 runs killed, {} sets", sets.len());

    // A re-run completes every set, silently, into a set openssl verifies.
    for dir in &sets {
        let run = pki(&d, &["init", dir, "--strict"], &[]).ok();
        assert_eq!(run.stderr(), "", "{dir}");
        assert_whole(&d.join(dir), dir);
        let names: Vec<_> = d.snapshot(dir).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), 10, "{dir}: {names:?}");
        openssl(
            &d,
            &[
                "verify",
                "-CAfile",
                &format!("{dir}/ca.crt"),
                &format!("{dir}/client.crt"),
                &format!("{dir}/peer.crt"),
            ],
        )
        .ok();
    }
}
