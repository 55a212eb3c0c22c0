//! The certificate scripts of public documentation pages (tests/scripts/, each with its source,
//! licence and the only changes made), run unchanged twice in fresh folders: with the real
//! openssl, and with a folder first on PATH holding only a link `openssl -> pki`. Both runs must
//! succeed and leave the same files; every certificate, CSR and key pki made must have the
//! structure of openssl's (`openssl x509|req -noout -text` equal but for keys, serials, dates
//! and signatures), openssl must read pki's keys and give the same `verify` verdicts on pki's
//! certificates, and `pki openssl x509|req -noout -text` of every file the openssl run made
//! must equal openssl's.
//!
//! [`NOT_YET`] lists the scripts pki cannot run yet, each with the first thing it refuses; the
//! test checks that they still stop there, so that the list is kept true.

mod util;

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use util::TestDir;

/// Scripts pki does not run yet, with the words of its first refusal.
const NOT_YET: &[(&str, &str)] = &[
    ("cockroachdb-openssl", "Invalid command 'ca'"),
    // Writes server.key twice (encrypted, then not): pki never overwrites a private key.
    (
        "mosquitto-tls",
        "genrsa: server.key already exists and is never overwritten",
    ),
    ("rabbitmq-manual-ca", "Invalid command 'ca'"),
];

fn scripts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scripts");
    let mut v: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("tests/scripts")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .collect();
    v.sort();
    v
}

fn name(script: &Path) -> String {
    script
        .file_stem()
        .expect("name")
        .to_string_lossy()
        .into_owned()
}

/// Every `pass:TEXT` the script gives (its answers to passphrase prompts), as `-passin`
/// arguments.
fn passphrases(script: &Path) -> Vec<String> {
    let text = fs::read_to_string(script).expect("script");
    let mut v: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .filter(|w| w.starts_with("pass:") && w.len() > 5)
        .map(str::to_owned)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Runs `script` in `work` with `bin` first on PATH (none: the system's openssl).
fn run_script(script: &Path, work: &Path, bin: Option<&Path>) -> (bool, String) {
    fs::create_dir_all(work).expect("work dir");
    let path = std::env::var("PATH").unwrap_or_default();
    let path = match bin {
        Some(b) => format!("{}:{path}", b.display()),
        None => path,
    };
    let out = Command::new("bash")
        .arg(script)
        .current_dir(work)
        .env_clear()
        .env("PATH", path)
        .env("HOME", work)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("bash");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file below `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, PathBuf>) {
        for e in fs::read_dir(dir).expect("ls").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .expect("below")
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, p);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// What a file holds, by its PEM labels (`TEXT` for other text, `DER` for a binary file).
fn kinds(p: &Path) -> Vec<String> {
    let bytes = fs::read(p).expect("read");
    let text = String::from_utf8_lossy(&bytes);
    let labels: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("-----BEGIN "))
        .map(|l| l.trim_end_matches('-').to_owned())
        .collect();
    if !labels.is_empty() {
        labels
    } else if bytes
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        vec!["TEXT".into()]
    } else {
        vec!["DER".into()]
    }
}

fn openssl_out(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// A run's status, stdout and stderr.
fn full(mut c: Command, dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = c.args(args).current_dir(dir).output().expect("run");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn openssl_full(dir: &Path, args: &[&str]) -> (bool, String, String) {
    full(Command::new("openssl"), dir, args)
}

fn pki_full(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pki"));
    c.arg("openssl");
    full(c, dir, args)
}

fn pki_out(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pki"))
        .arg("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("pki");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// `-text` without what differs from run to run: hex strings (keys, key identifiers,
/// signatures, serials), dates and numbers in the serial line.
fn normalise(text: &str) -> String {
    let hexish = |t: &str| {
        t.len() >= 5 && t.contains(':') && t.chars().all(|c| c.is_ascii_hexdigit() || c == ':')
    };
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("Not Before") || t.starts_with("Not After") {
            out.push("DATE".to_owned());
            continue;
        }
        if t.starts_with("Serial Number") {
            out.push("Serial Number".to_owned());
            continue;
        }
        let words: Vec<String> = line
            .split(' ')
            .map(|w| {
                for prefix in ["keyid:", "serial:"] {
                    if let Some(rest) = w.strip_prefix(prefix)
                        && hexish(rest)
                    {
                        return format!("{prefix}HEX");
                    }
                }
                if hexish(w.trim_end_matches(',')) {
                    "HEX".to_owned()
                } else {
                    w.to_owned()
                }
            })
            .collect();
        let l = words.join(" ");
        if l.trim() == "HEX" && out.last().is_some_and(|p: &String| p.trim() == "HEX") {
            continue;
        }
        out.push(l);
    }
    out.join("\n")
}

/// The `-text` command for a file of these kinds, if it is a certificate or a request.
fn text_args(kinds: &[String], file: &str) -> Option<Vec<String>> {
    let first = kinds.first()?;
    let (cmd, inform) = match first.as_str() {
        "CERTIFICATE" => ("x509", "PEM"),
        "CERTIFICATE REQUEST" => ("req", "PEM"),
        _ => return None,
    };
    Some(
        [cmd, "-in", file, "-inform", inform, "-noout", "-text"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
    )
}

#[test]
fn documentation_scripts_run_through_the_drop_in() {
    let d = TestDir::new("scripts");
    let bin = d.join("bin");
    fs::create_dir_all(&bin).expect("bin");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_pki"), bin.join("openssl")).expect("link");
    let mut ran = 0;
    for script in scripts() {
        let n = name(&script);
        let ours_dir = d.join(&format!("ours/{n}"));
        let (ok, stderr) = run_script(&script, &ours_dir, Some(&bin));
        if let Some((_, refusal)) = NOT_YET.iter().find(|(s, _)| *s == n) {
            assert!(!ok, "{n} now runs through pki: take it off NOT_YET");
            assert!(
                stderr.contains(refusal),
                "{n} stops elsewhere now:\n{stderr}"
            );
            continue;
        }
        assert!(ok, "{n} through pki:\n{stderr}");
        let theirs_dir = d.join(&format!("theirs/{n}"));
        let (ok, stderr) = run_script(&script, &theirs_dir, None);
        assert!(ok, "{n} through the real openssl:\n{stderr}");
        let (ours, theirs) = (files(&ours_dir), files(&theirs_dir));
        let passphrases = passphrases(&script);
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "{n}: the files made"
        );
        let certs: Vec<&String> = ours
            .keys()
            .filter(|f| kinds(&ours[*f]).first().is_some_and(|k| k == "CERTIFICATE"))
            .collect();
        for (file, path) in &ours {
            let kind = kinds(path);
            assert_eq!(kind, kinds(&theirs[file]), "{n}: {file}");
            if kind.iter().any(|k| k.ends_with("PRIVATE KEY")) {
                // An encrypted key opens with one of the script's passphrases, both ways.
                let reads = |dir: &Path, run: fn(&Path, &[&str]) -> (bool, String)| {
                    std::iter::once(None)
                        .chain(passphrases.iter().map(Some))
                        .any(|pass| {
                            let mut args = vec!["pkey", "-in", file.as_str(), "-noout"];
                            if let Some(p) = pass {
                                args.extend(["-passin", p.as_str()]);
                            }
                            run(dir, &args).0
                        })
                };
                assert!(
                    reads(&ours_dir, openssl_out),
                    "{n}: openssl cannot read pki's key {file}"
                );
                assert!(
                    reads(&theirs_dir, pki_out),
                    "{n}: pki cannot read openssl's key {file}"
                );
            }
            if kind == ["DH PARAMETERS"] {
                // A safe prime and a generator of its subgroup, by openssl's DH_check.
                let (ok, _) = openssl_out(&ours_dir, &["dhparam", "-in", file, "-check", "-noout"]);
                assert!(ok, "{n}: openssl -check refuses pki's {file}");
                let args = ["dhparam", "-in", file.as_str(), "-text", "-noout"];
                assert_eq!(
                    pki_out(&theirs_dir, &args),
                    openssl_out(&theirs_dir, &args),
                    "{n}: pki dhparam -text of openssl's {file}"
                );
            }
            if file.ends_with(".p12") || file.ends_with(".pfx") {
                // PKCS#12: each side reads the other's with the script's password, and the
                // two files are built alike (openssl's -info: MAC, safes, bags, schemes).
                let info = |dir: &Path, run: fn(&Path, &[&str]) -> (bool, String, String)| {
                    passphrases.iter().find_map(|p| {
                        let args = [
                            "pkcs12",
                            "-in",
                            file.as_str(),
                            "-passin",
                            p,
                            "-nodes",
                            "-info",
                        ];
                        let (ok, out, err) = run(dir, &args);
                        ok.then_some((out, err))
                    })
                };
                let (_, ours_info) = info(&ours_dir, openssl_full)
                    .unwrap_or_else(|| panic!("{n}: openssl cannot read pki's {file}"));
                let (_, theirs_info) =
                    info(&theirs_dir, openssl_full).expect("openssl reads its own");
                assert_eq!(
                    ours_info, theirs_info,
                    "{n}: {file}, openssl -info of pki's and openssl's"
                );
                let (pki_out, pki_info) = info(&theirs_dir, pki_full)
                    .unwrap_or_else(|| panic!("{n}: pki cannot read openssl's {file}"));
                let (openssl_read, _) = info(&theirs_dir, openssl_full).expect("again");
                assert_eq!(pki_out, openssl_read, "{n}: pki pkcs12 of openssl's {file}");
                assert_eq!(
                    pki_info, theirs_info,
                    "{n}: pki pkcs12 -info of openssl's {file}"
                );
                continue;
            }
            let Some(args) = text_args(&kind, file) else {
                continue;
            };
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (ok1, ours_text) = openssl_out(&ours_dir, &args);
            let (ok2, theirs_text) = openssl_out(&theirs_dir, &args);
            assert!(ok1 && ok2, "{n}: {file} does not read");
            assert_eq!(
                normalise(&ours_text),
                normalise(&theirs_text),
                "{n}: {file}, pki's and openssl's"
            );
            // pki prints openssl's file as openssl does.
            let (ok, pki_text) = pki_out(&theirs_dir, &args);
            assert!(ok, "{n}: pki cannot print openssl's {file}");
            assert_eq!(
                pki_text, theirs_text,
                "{n}: pki openssl {} of openssl's {file}",
                args[0]
            );
        }
        // The same verdicts on every certificate against all of them.
        for (dir, files) in [(&ours_dir, &ours), (&theirs_dir, &theirs)] {
            let bundle: Vec<u8> = certs
                .iter()
                .flat_map(|c| fs::read(&files[*c]).expect("read"))
                .collect();
            fs::write(dir.join(".bundle.pem"), bundle).expect("bundle");
        }
        for c in &certs {
            let verdict =
                |dir: &Path| openssl_out(dir, &["verify", "-CAfile", ".bundle.pem", c.as_str()]).0;
            assert_eq!(verdict(&ours_dir), verdict(&theirs_dir), "{n}: verify {c}");
        }
        ran += 1;
    }
    assert!(ran >= 12, "only {ran} scripts ran through pki");
}
