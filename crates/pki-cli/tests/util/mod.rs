//! Helpers for CLI tests: a fresh folder per test, the real `pki` binary with a clean
//! environment, and failures that show the command, its output and the folder listing.

#![allow(dead_code)]

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Output},
    sync::atomic::{AtomicU32, Ordering},
};

/// The commands of `pki openssl`, in the order its messages list them (`version` last).
pub const DROPIN_COMMANDS: [&str; 14] = [
    "genrsa",
    "genpkey",
    "req",
    "x509",
    "verify",
    "rsa",
    "pkey",
    "pkcs8",
    "pkcs12",
    "dhparam",
    "asn1parse",
    "dgst",
    "rand",
    "version",
];

/// A fresh temporary folder, removed when the test passes.
pub struct TestDir {
    pub path: PathBuf,
}

impl TestDir {
    pub fn new(tag: &str) -> TestDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "pki-cli-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create test dir");
        TestDir { path }
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.path.join(p)
    }

    /// `name -> bytes` of every regular file below the folder, sorted.
    pub fn snapshot(&self, sub: &str) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = fs::read_dir(self.join(sub))
            .map(|rd| {
                rd.flatten()
                    .map(|e| {
                        (
                            e.file_name().to_string_lossy().into_owned(),
                            fs::read(e.path()).unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    pub fn listing(&self) -> String {
        let out = Command::new("ls").arg("-laR").arg(&self.path).output();
        out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// The result of one command, with everything needed to explain a failure.
pub struct Run {
    pub cmd: String,
    pub out: Output,
    pub listing: String,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    pub fn code(&self) -> Option<i32> {
        self.out.status.code()
    }
    fn explain(&self) -> String {
        format!(
            "command: {}\nstatus: {:?}\n--- stdout\n{}--- stderr\n{}--- files\n{}",
            self.cmd,
            self.out.status,
            self.stdout(),
            self.stderr(),
            self.listing
        )
    }
    /// Asserts success and returns self.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert!(
            self.out.status.success(),
            "expected success\n{}",
            self.explain()
        );
        self
    }
    /// Asserts exit status `code` and the exact stderr.
    #[track_caller]
    pub fn fails(self, code: i32, stderr: &str) -> Run {
        assert_eq!(
            self.code(),
            Some(code),
            "wrong exit status\n{}",
            self.explain()
        );
        assert_eq!(self.stderr(), stderr, "wrong stderr\n{}", self.explain());
        self
    }
}

/// Runs `pki` in `dir` with only PATH (and `env`) in its environment.
pub fn pki(dir: &TestDir, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pki"));
    c.args(args).current_dir(&dir.path).env_clear();
    c.env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        c.env(k, v);
    }
    run(c, dir)
}

/// Runs any command, capturing its output and the folder listing.
pub fn run(mut c: Command, dir: &TestDir) -> Run {
    let cmd = format!("{c:?}");
    let out = c
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd}: {e}"));
    Run {
        cmd,
        out,
        listing: dir.listing(),
    }
}

/// The real openssl CLI; a clear message when it is missing.
pub fn openssl(dir: &TestDir, args: &[&str]) -> Run {
    if Command::new("openssl").arg("version").output().is_err() {
        panic!(
            "these tests compare with the real openssl CLI, which is not installed: apt-get install openssl (.ci/run does)"
        );
    }
    let mut c = Command::new("openssl");
    c.args(args).current_dir(&dir.path);
    run(c, dir)
}

/// The project's test data, `tests/data` (its README says where each file came from); panics
/// naming the path when it is missing.
pub fn data() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data");
    assert!(
        p.is_dir(),
        "the test data folder is missing: expected {}",
        p.display()
    );
    p
}

/// `rel` below [`data()`]; panics naming the path when it does not exist, so that a test
/// whose data is missing fails instead of passing over nothing.
pub fn data_path(rel: &str) -> PathBuf {
    let p = data().join(rel);
    assert!(
        p.exists(),
        "test data missing: expected {} (see tests/data/README.md)",
        p.display()
    );
    p
}

/// The reference output of the seed script made by OpenSSL 3.0.19.
pub fn reference() -> PathBuf {
    data_path("reference/openssl-3.0.19")
}

/// A fresh folder holding the seed script's CA, its key, the client CSR and key and the
/// openssl.conf, as OpenSSL 3.0.19 made them.
#[allow(dead_code)]
pub fn with_reference_set(tag: &str) -> TestDir {
    let d = TestDir::new(tag);
    for f in [
        "ca.crt",
        "ca.key",
        "client.csr",
        "client.key",
        "openssl.conf",
    ] {
        fs::copy(reference().join(f), d.join(f)).expect("copy reference file");
    }
    d
}
