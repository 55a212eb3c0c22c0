//! Helpers for the cross-cutting tests: paths to the test data in `tests/data`, temporary
//! folders, and the real openssl CLI.

pub mod fuzz;

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    sync::atomic::{AtomicU32, Ordering},
};

/// The project's test data, `tests/data` (its README says where each file came from); panics
/// naming the path when it is missing.
pub fn data() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
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

/// The seed script's output from OpenSSL 3.0.19.
pub fn reference() -> PathBuf {
    data_path("reference/openssl-3.0.19")
}

/// Reads a file, panicking with its path.
pub fn read(p: &Path) -> Vec<u8> {
    fs::read(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// A fresh temporary folder, removed when dropped outside a panic.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "pki-tests-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap_or_else(|e| panic!("cannot create {}: {e}", p.display()));
        TempDir(p)
    }

    pub fn join(&self, s: &str) -> PathBuf {
        self.0.join(s)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

/// Runs the real openssl in `dir`, asserting success and returning stdout; the message says
/// how to install openssl when it is missing.
pub fn openssl(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("openssl").args(args).current_dir(dir).output().unwrap_or_else(|e| {
        panic!("these tests compare with the real openssl CLI, which cannot be run ({e}): apt-get install openssl (.ci/run does)")
    });
    assert!(
        out.status.success(),
        "openssl {args:?} failed in {}\n--- stdout\n{}--- stderr\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
