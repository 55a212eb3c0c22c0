//! The processes of `cargo xtask e2e`: the temporary folder, etcd members started and stopped
//! one at a time, and pki, etcd and etcdctl calls bounded in time with a clean environment.

use std::{
    env,
    fs::{self, File},
    io::Read,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    thread,
    time::{Duration, Instant},
};

use super::Res;
use crate::root;

/// The longest any etcdctl or pki call may run.
pub(super) const CALL_WAIT: Duration = Duration::from_secs(30);
/// How long an etcd may take to exit after SIGTERM.
pub(super) const STOP_WAIT: Duration = Duration::from_secs(20);

/// The temporary folder and the etcd processes running in it.
pub(super) struct Work {
    pub(super) root: PathBuf,
    pub(super) etcds: Vec<Etcd>,
}

/// One etcd process and the file its output goes to.
pub(super) struct Etcd {
    name: String,
    child: Option<Child>,
    pub(super) log: PathBuf,
}

impl Work {
    pub(super) fn new() -> Res<Work> {
        let root = env::temp_dir().join(format!("pki-e2e-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
        Ok(Work {
            root,
            etcds: Vec::new(),
        })
    }

    /// On failure, the tail of every etcd log; then every etcd stopped and the folder removed.
    pub(super) fn finish(mut self, result: Res) -> Res {
        if result.is_err() {
            for e in &self.etcds {
                eprintln!("--- last lines of {} ({})", e.log.display(), e.name);
                eprintln!("{}", tail(&e.log, 40));
            }
        }
        let stopped = self.stop_all();
        let _ = fs::remove_dir_all(&self.root);
        result.and(stopped)
    }

    fn stop_all(&mut self) -> Res {
        let mut first_err = Ok(());
        for e in &mut self.etcds {
            if let Err(err) = e.stop() {
                eprintln!("xtask: {err}");
                first_err = first_err.and(Err(err));
            }
        }
        first_err
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        let _ = self.stop_all();
    }
}

impl Etcd {
    /// Starts `etcd --config-file CONFIG` in `root`, its output in CONFIG with `.log`.
    pub(super) fn start(work: &mut Work, name: &str, config: &Path) -> Res<usize> {
        let mut cmd = tool("etcd");
        cmd.arg("--config-file").arg(config).current_dir(&work.root);
        Etcd::spawn(work, name, cmd, &config.with_extension("log"))
    }

    /// Starts `cmd`, an etcd, its output in `log`.
    pub(super) fn spawn(work: &mut Work, name: &str, mut cmd: Command, log: &Path) -> Res<usize> {
        let log = log.to_owned();
        let out =
            File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
        cmd.stdin(Stdio::null()).stdout(out).stderr(err);
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
        work.etcds.push(Etcd {
            name: name.to_owned(),
            child: Some(child),
            log,
        });
        Ok(work.etcds.len() - 1)
    }

    /// SIGTERM, a bounded wait, then SIGKILL.
    pub(super) fn stop(&mut self) -> Res {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        if child.try_wait().ok().flatten().is_some() {
            return Ok(());
        }
        let term = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        if !term.is_ok_and(|s| s.success()) {
            let _ = child.kill();
        }
        let t = Instant::now();
        while t.elapsed() < STOP_WAIT {
            if child.try_wait().ok().flatten().is_some() {
                println!("stopped {} in {:.1}s", self.name, t.elapsed().as_secs_f64());
                return Ok(());
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        Err(format!(
            "{} did not exit within {}s of SIGTERM and was killed",
            self.name,
            STOP_WAIT.as_secs()
        ))
    }

    /// Whether the process still runs (not stopped, not exited).
    pub(super) fn running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Fails when the process has exited by itself (one stopped on purpose is fine).
    fn check_running(&mut self) -> Res {
        let Some(child) = self.child.as_mut() else {
            return Ok(());
        };
        match child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!("{} exited: {status}", self.name)),
            Err(e) => Err(format!("cannot check on {}: {e}", self.name)),
        }
    }
}

pub(super) fn read_lossy(path: &Path) -> String {
    fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

pub(super) fn tail(path: &Path, n: usize) -> String {
    let text = fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_else(|e| format!("(cannot read: {e})"));
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A command with a clean environment: PATH, etcdctl's v3 API, and the architecture switch
/// that etcd 3.4 needs outside amd64 and ppc64le.
pub(super) fn tool(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env_clear()
        .env("PATH", env::var_os("PATH").unwrap_or_default())
        .env("ETCDCTL_API", "3")
        // Go writes times of expiry errors in the local zone; pki quotes them in UTC.
        .env("TZ", "UTC");
    let goarch = match env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "powerpc64" => "ppc64le",
        "x86" => "386",
        other => other,
    };
    if !matches!(goarch, "amd64" | "ppc64le") {
        c.env("ETCD_UNSUPPORTED_ARCH", goarch);
    }
    c
}

/// Where `cargo build --release` puts binaries: `$CARGO_TARGET_DIR/release` when set.
pub(super) fn release_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir).join("release"),
        None => root().join("target/release"),
    }
}

pub(super) fn pki(work: &Work, args: &[&str]) -> Res<String> {
    let bin = release_dir().join("pki");
    let out = bounded(Command::new(bin).args(args).current_dir(&work.root))?;
    if !out.status.success() {
        return Err(format!(
            "pki {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs a command to its end, killing it after [`CALL_WAIT`].
pub(super) fn bounded(cmd: &mut Command) -> Res<Output> {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    let read = |r: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = read(
        child
            .stdout
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let err = read(
        child
            .stderr
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| format!("{what}: {e}"))? {
            break s;
        }
        if t.elapsed() > CALL_WAIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{what} did not finish in {}s", CALL_WAIT.as_secs()));
        }
        thread::sleep(Duration::from_millis(20));
    };
    Ok(Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// The TLS material etcdctl presents: `None` for no client certificate.
#[derive(Clone, Copy)]
pub(super) struct Tls<'a> {
    pub(super) ca: &'a Path,
    pub(super) cert: Option<(&'a Path, &'a Path)>,
}

pub(super) fn etcdctl(endpoints: &str, tls: Option<Tls<'_>>, args: &[&str]) -> Res<Output> {
    let mut c = tool("etcdctl");
    c.args([
        "--endpoints",
        endpoints,
        "--dial-timeout=3s",
        "--command-timeout=5s",
    ]);
    if let Some(tls) = tls {
        c.arg("--cacert").arg(tls.ca);
        if let Some((cert, key)) = tls.cert {
            c.arg("--cert").arg(cert).arg("--key").arg(key);
        }
    }
    bounded(c.args(args))
}

/// Runs etcdctl and returns its stdout, failing on a non-zero status.
pub(super) fn etcdctl_ok(endpoints: &str, tls: Tls<'_>, args: &[&str]) -> Res<String> {
    let out = etcdctl(endpoints, Some(tls), args)?;
    if !out.status.success() {
        return Err(format!(
            "etcdctl {} on {endpoints} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub(super) fn expect(what: &str, got: &str, want: &str) -> Res {
    if got == want {
        println!("ok: {what}");
        Ok(())
    } else {
        Err(format!("{what}: expected {want:?}, got {got:?}"))
    }
}

/// `n` distinct free TCP ports on 127.0.0.1 (bound together, then released).
pub(super) fn free_ports(n: usize) -> Res<Vec<u16>> {
    let listeners = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot bind: {e}")))
        .collect::<Res<Vec<_>>>()?;
    listeners
        .iter()
        .map(|l| {
            l.local_addr()
                .map(|a| a.port())
                .map_err(|e| format!("cannot get a free port: {e}"))
        })
        .collect()
}

/// Polls `check` until it succeeds or `limit` passes, failing early when an etcd exits.
pub(super) fn wait_for(
    work: &mut Work,
    what: &str,
    limit: Duration,
    mut check: impl FnMut() -> Res,
) -> Res {
    let t = Instant::now();
    loop {
        let last = match check() {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        for e in &mut work.etcds {
            e.check_running()?;
        }
        if t.elapsed() > limit {
            return Err(format!(
                "{what}: not done after {}s; last error: {last}",
                limit.as_secs()
            ));
        }
        thread::sleep(Duration::from_millis(200));
    }
}
