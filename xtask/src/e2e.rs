//! `cargo xtask e2e`: the certificates of `pki init` secure a real etcd, on loopback only.
//!
//! 1. One member (etcd01 at 127.0.0.1) started with `etcd --config-file` on the output of
//!    `pki etcd config`: etcdctl with `--cacert/--cert/--key` puts and gets `db_host`, and a
//!    `watch db_ --prefix` sees a later `put db_port`. The same server refuses a client without
//!    a certificate, a client certificate from another CA (another `pki init`), plain http, and
//!    a certificate that lacks clientAuth (`without-client-auth`, in the tests crate); each
//!    refusal must also appear, with its TLS reason, in etcd's log. Before each, `pki etcd
//!    check` must predict it from the files alone, quoting that reason (and pass the good
//!    client). `member list` shows the advertised URLs of the configuration.
//! 2. Each rule of `pki etcd check` on a broken set, confirmed by the real etcd ([`rules`]).
//! 3. Three members on 127.0.0.1 (one port pair each) with peer TLS on peer.crt and peer
//!    client-cert-auth: they form a cluster, all agree on one leader, list the configured
//!    URLs, refuse a client without a certificate on a peer port, and a key written through
//!    member 1 is read from members 2 and 3.
//! 4. The README's "Secure etcd in three commands", run as written.
//!
//! Every etcd is stopped one at a time (SIGTERM, then SIGKILL after [`procs::STOP_WAIT`]),
//! every wait is bounded, the temporary folder is removed, and a failure prints the tail of
//! each etcd log.
//! etcd and etcdctl come from the system (`.ci/run` installs Debian's etcd-server and
//! etcd-client); this command installs nothing.

mod procs;
mod rules;

use std::{
    fs,
    io::{BufRead, BufReader},
    path::Path,
    process::{Command, Stdio},
    sync::mpsc,
    thread,
    time::{Duration, Instant},
};

use crate::root;

use procs::{
    Etcd, Tls, Work, bounded, etcdctl, etcdctl_ok, expect, free_ports, pki, read_lossy,
    release_dir, tool, wait_for,
};

/// How long an etcd may take to serve after it starts (a cluster also elects its leader).
const START_WAIT: Duration = Duration::from_secs(60);
/// How long a refusal may take to reach etcd's log, and a replicated key a member.
const SETTLE_WAIT: Duration = Duration::from_secs(10);

type Res<T = ()> = Result<T, String>;

pub fn e2e(args: &[String]) -> Res {
    if !args.is_empty() {
        return Err("usage: cargo xtask e2e".into());
    }
    for (tool, arg, package) in [
        ("etcd", "--version", "etcd-server"),
        ("etcdctl", "version", "etcd-client"),
    ] {
        match Command::new(tool).arg(arg).output() {
            Ok(o) if o.status.success() => {
                let v = String::from_utf8_lossy(&o.stdout);
                println!("{}", v.lines().next().unwrap_or(tool));
            }
            _ => {
                return Err(format!(
                    "{tool} is needed and cannot be run: install it \
                     (Debian: apt-get install {package}; .ci/run does)"
                ));
            }
        }
    }
    crate::run(Command::new("cargo").current_dir(root()).args([
        "build",
        "--release",
        "-q",
        "-p",
        "pki-cli",
        "-p",
        "pki-tests",
        "--bin",
        "pki",
        "--bin",
        "without-client-auth",
    ]))?;
    let mut work = Work::new()?;
    let result = single(&mut work)
        .and_then(|()| rules::rules(&mut work))
        .and_then(|()| cluster(&mut work))
        .and_then(|()| readme(&mut work));
    work.finish(result)
}

/// The first number after `"key":` in JSON text (etcdctl's `-w json`, whose ids are numbers).
fn json_number(text: &str, key: &str) -> Option<u64> {
    let at = text.find(&format!("\"{key}\":"))? + key.len() + 3;
    let digits: String = text[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn single(work: &mut Work) -> Res {
    println!("== one member with client certificate authentication");
    // A set folder whose name YAML must quote: etcd has to read the quoted paths back.
    let set = "set #1";
    pki(work, &["init", set, "--node", "etcd01=127.0.0.1"])?;
    pki(work, &["init", "other-ca", "--node", "etcd01=127.0.0.1"])?;
    let set_dir = work.root.join(set);
    let without = set_dir.join("without-client-auth.crt");
    let helper = release_dir().join("without-client-auth");
    let out = bounded(Command::new(&helper).arg(&set_dir).arg(&without))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }

    let ports = free_ports(2)?;
    let (client, peer) = (ports[0].to_string(), ports[1].to_string());
    fs::create_dir_all(work.root.join("single")).map_err(|e| e.to_string())?;
    let yaml = pki(
        work,
        &[
            "etcd",
            "config",
            "etcd01",
            "--dir",
            set,
            "--client-port",
            &client,
            "--peer-port",
            &peer,
            "--data-dir",
            "single/etcd01 data",
        ],
    )?;
    let config = work.root.join("single/etcd01.yaml");
    fs::write(&config, &yaml).map_err(|e| format!("cannot write {}: {e}", config.display()))?;
    let url = format!("https://127.0.0.1:{client}");
    let i = Etcd::start(work, "etcd01", &config)?;

    let (ca, crt, key) = (
        set_dir.join("ca.crt"),
        set_dir.join("client.crt"),
        set_dir.join("client.key"),
    );
    let tls = Tls {
        ca: &ca,
        cert: Some((&crt, &key)),
    };
    wait_for(work, "etcd01 healthy", START_WAIT, || {
        etcdctl_ok(&url, tls, &["endpoint", "health"]).map(drop)
    })?;
    expect(
        "put db_host 127.0.0.1",
        &etcdctl_ok(&url, tls, &["put", "db_host", "127.0.0.1"])?,
        "OK\n",
    )?;
    expect(
        "get db_host",
        &etcdctl_ok(&url, tls, &["get", "db_host"])?,
        "db_host\n127.0.0.1\n",
    )?;
    watch(&url, tls)?;
    let peer_url = format!("https://127.0.0.1:{peer}");
    members_are(&url, tls, &[("etcd01", peer_url, url.clone())])?;

    // Refusals, each with its reason in etcd's log.
    let other = work.root.join("other-ca");
    let (other_crt, other_key) = (other.join("client.crt"), other.join("client.key"));
    let http = format!("http://127.0.0.1:{client}");
    let cases: [(&str, &str, Option<Tls<'_>>, &str); 4] = [
        (
            "no client certificate",
            &url,
            Some(Tls {
                ca: &ca,
                cert: None,
            }),
            "client didn't provide a certificate",
        ),
        (
            "a client certificate from another CA",
            &url,
            Some(Tls {
                ca: &ca,
                cert: Some((&other_crt, &other_key)),
            }),
            "certificate signed by unknown authority",
        ),
        (
            "plain http",
            &http,
            None,
            "first record does not look like a TLS handshake",
        ),
        (
            "a client certificate without clientAuth",
            &url,
            Some(Tls {
                ca: &ca,
                cert: Some((&without, &key)),
            }),
            "incompatible key usage",
        ),
    ];
    // `pki etcd check` passes the good client, and predicts each refusal by the files alone,
    // quoting the text that the refusal then puts in etcd's log.
    predicted(work, &config, &ca, Some((&crt, &key)), None)?;
    for (what, endpoint, tls, reason) in cases {
        let quote = match tls {
            Some(t) => predicted(work, &config, t.ca, t.cert, Some((what, reason)))?,
            None => None,
        };
        refused(work, i, what, endpoint, tls, reason)?;
        // The whole text pki quoted is in etcd's log (which escapes its quotes).
        if let Some(q) = quote {
            let log = read_lossy(&work.etcds[i].log).replace("\\\"", "\"");
            if !log.contains(&q) {
                return Err(format!(
                    "{what}: pki etcd check quoted {q:?}, not in etcd's log"
                ));
            }
            println!("ok: etcd's log has the text pki etcd check quoted: {q}");
        }
    }
    work.etcds[i].stop()
}

/// `pki etcd check CONFIG --cacert CA [--cert C --key K]`: exit 0 without `refusal`; with
/// it, exit 1 and the reason quoted in the output. Returns the whole text it says etcd's log
/// will show.
fn predicted(
    work: &Work,
    config: &Path,
    ca: &Path,
    cert: Option<(&Path, &Path)>,
    refusal: Option<(&str, &str)>,
) -> Res<Option<String>> {
    let bin = release_dir().join("pki");
    let mut cmd = Command::new(bin);
    cmd.current_dir(&work.root)
        .args(["etcd", "check"])
        .arg(config)
        .arg("--cacert")
        .arg(ca);
    if let Some((c, k)) = cert {
        cmd.arg("--cert").arg(c).arg("--key").arg(k);
    }
    let out = bounded(&mut cmd)?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    match refusal {
        None if out.status.success() => {
            println!("ok: pki etcd check passes the good client");
            Ok(None)
        }
        None => Err(format!("pki etcd check refused the good client:\n{text}")),
        Some((what, reason)) if out.status.code() == Some(1) && text.contains(reason) => {
            println!("ok: pki etcd check predicts: {what} ({reason})");
            const IN_LOG: &str = "etcd's log: \"";
            Ok(text.lines().find_map(|l| {
                let start = l.find(IN_LOG)? + IN_LOG.len();
                let end = l.rfind("\")")?;
                (end > start).then(|| l[start..end].to_owned())
            }))
        }
        Some((what, reason)) => Err(format!(
            "pki etcd check did not predict {what} ({reason:?}), exit {:?}:\n{text}",
            out.status.code()
        )),
    }
}

/// etcdctl through `tls` to `endpoint` fails, and the log of `work.etcds[i]` gains a line with
/// `reason`: the server refused the connection, for that reason.
fn refused(
    work: &mut Work,
    i: usize,
    what: &str,
    endpoint: &str,
    tls: Option<Tls<'_>>,
    reason: &str,
) -> Res {
    let log = work.etcds[i].log.clone();
    let before = read_lossy(&log).matches(reason).count();
    let out = etcdctl(endpoint, tls, &["get", "db_host"])?;
    if out.status.success() {
        return Err(format!(
            "{what}: etcd answered: {}",
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    let waited = format!("{what}: {reason:?} in the log of {}", log.display());
    wait_for(work, &waited, SETTLE_WAIT, || {
        let after = read_lossy(&log).matches(reason).count();
        (after > before)
            .then_some(())
            .ok_or_else(|| "not yet".to_owned())
    })?;
    println!("ok: refused {what} ({reason})");
    Ok(())
}

/// `member list` names exactly `want` (name, peer URL, client URL), in any order: etcd read
/// the advertised URLs from the configuration.
fn members_are(url: &str, tls: Tls<'_>, want: &[(&str, String, String)]) -> Res {
    let list = etcdctl_ok(url, tls, &["member", "list"])?;
    // ID, STATUS, NAME, PEER ADDRS, CLIENT ADDRS, IS LEARNER
    let mut got: Vec<(String, String, String)> = list
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(", ").collect();
            match f.as_slice() {
                [_, "started", name, peer, client, _] => {
                    Ok((name.to_string(), peer.to_string(), client.to_string()))
                }
                _ => Err(format!("unexpected member list line {l:?}")),
            }
        })
        .collect::<Res<_>>()?;
    got.sort();
    let mut want: Vec<(String, String, String)> = want
        .iter()
        .map(|(n, p, c)| (n.to_string(), p.clone(), c.clone()))
        .collect();
    want.sort();
    expect(
        "member list: names, peer and client URLs",
        &format!("{got:?}"),
        &format!("{want:?}"),
    )
}

/// `watch db_ --prefix` from the revision after the current one sees `put db_port 2379`.
fn watch(url: &str, tls: Tls<'_>) -> Res {
    let status = etcdctl_ok(url, tls, &["get", "db_host", "-w", "json"])?;
    let rev = json_number(&status, "revision")
        .ok_or_else(|| format!("no revision in etcdctl's answer: {status}"))?;
    let mut c = tool("etcdctl");
    c.args(["--endpoints", url, "--dial-timeout=3s"])
        .arg("--cacert")
        .arg(tls.ca);
    if let Some((cert, key)) = tls.cert {
        c.arg("--cert").arg(cert).arg("--key").arg(key);
    }
    let rev = (rev + 1).to_string();
    c.args(["watch", "db_", "--prefix", "--rev", &rev])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = c.spawn().map_err(|e| format!("cannot run {c:?}: {e}"))?;
    let (tx, rx) = mpsc::channel();
    if let Some(out) = child.stdout.take() {
        thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    let result = (|| {
        expect(
            "put db_port 2379",
            &etcdctl_ok(url, tls, &["put", "db_port", "2379"])?,
            "OK\n",
        )?;
        let mut seen = Vec::new();
        let t = Instant::now();
        while seen.len() < 3 {
            let left = SETTLE_WAIT.saturating_sub(t.elapsed());
            match rx.recv_timeout(left) {
                Ok(line) => seen.push(line),
                Err(_) => {
                    return Err(format!(
                        "watch db_ --prefix: no event in {}s (saw {seen:?})",
                        SETTLE_WAIT.as_secs()
                    ));
                }
            }
        }
        expect(
            "watch db_ --prefix sees the put",
            &seen.join(" "),
            "PUT db_port 2379",
        )
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}

fn cluster(work: &mut Work) -> Res {
    println!("== three members with peer TLS and peer client-cert-auth");
    let set = "cluster-set";
    let names = ["etcd01", "etcd02", "etcd03"];
    let mut init = vec!["init", set];
    let nodes: Vec<String> = names.iter().map(|n| format!("{n}=127.0.0.1")).collect();
    for n in &nodes {
        init.extend(["--node", n]);
    }
    pki(work, &init)?;
    let set_dir = work.root.join(set);
    let ports = free_ports(6)?;
    let mut port_args: Vec<String> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        port_args.push(format!("--client-port={n}={}", ports[2 * i]));
        port_args.push(format!("--peer-port={n}={}", ports[2 * i + 1]));
    }
    fs::create_dir_all(work.root.join("cluster")).map_err(|e| e.to_string())?;
    let (mut urls, mut peer_urls) = (Vec::new(), Vec::new());
    let mut first = work.etcds.len();
    for (i, n) in names.iter().enumerate() {
        let data = format!("cluster/{n}.etcd");
        let mut args = vec![
            "etcd",
            "config",
            n,
            "--dir",
            set,
            "--cluster",
            "--peer-client-cert-auth",
            "--data-dir",
            &data,
        ];
        args.extend(port_args.iter().map(String::as_str));
        let yaml = pki(work, &args)?;
        let config = work.root.join(format!("cluster/{n}.yaml"));
        fs::write(&config, &yaml).map_err(|e| format!("cannot write {}: {e}", config.display()))?;
        let url = format!("https://127.0.0.1:{}", ports[2 * i]);
        peer_urls.push(format!("https://127.0.0.1:{}", ports[2 * i + 1]));
        let k = Etcd::start(work, n, &config)?;
        if i == 0 {
            first = k;
        }
        urls.push(url);
    }
    let (ca, crt, key) = (
        set_dir.join("ca.crt"),
        set_dir.join("client.crt"),
        set_dir.join("client.key"),
    );
    let tls = Tls {
        ca: &ca,
        cert: Some((&crt, &key)),
    };
    // The good cluster passes pki etcd check, judged as one (its three configurations).
    let mut check = vec!["etcd", "check"];
    let configs: Vec<String> = names.iter().map(|n| format!("cluster/{n}.yaml")).collect();
    check.extend(configs.iter().map(String::as_str));
    let files = [
        format!("{set}/ca.crt"),
        format!("{set}/client.crt"),
        format!("{set}/client.key"),
    ];
    check.extend([
        "--cacert", &files[0], "--cert", &files[1], "--key", &files[2],
    ]);
    let said = pki(work, &check)?;
    if said.contains("error ") {
        return Err(format!("pki etcd check on the good cluster: {said}"));
    }
    println!("ok: pki etcd check passes the three members");
    let all = urls.join(",");
    wait_for(work, "three members healthy", START_WAIT, || {
        etcdctl_ok(&all, tls, &["endpoint", "health"]).map(drop)
    })?;
    let mut leader = 0;
    wait_for(work, "one leader", START_WAIT, || {
        leader = one_leader(&etcdctl_ok(
            &all,
            tls,
            &["endpoint", "status", "-w", "json"],
        )?)?;
        Ok(())
    })?;
    println!("ok: the three members agree on one leader ({leader:x})");
    let want: Vec<(&str, String, String)> = (names.iter().enumerate())
        .map(|(i, n)| (*n, peer_urls[i].clone(), urls[i].clone()))
        .collect();
    members_are(&urls[0], tls, &want)?;
    // A member's peer port refuses a client without a certificate of the CA. (etcd requires one
    // whenever trusted-ca-file is set, even with client-cert-auth false as in the seed.)
    refused(
        work,
        first + 1,
        "no certificate on the peer port of etcd02",
        &peer_urls[1],
        Some(Tls {
            ca: &ca,
            cert: None,
        }),
        "client didn't provide a certificate",
    )?;
    expect(
        "put through member 1",
        &etcdctl_ok(
            &urls[0],
            tls,
            &["put", "cluster_key", "written through etcd01"],
        )?,
        "OK\n",
    )?;
    for (n, url) in names.iter().zip(&urls).skip(1) {
        // A serializable read answers from the member's own store: the key was replicated.
        wait_for(work, &format!("cluster_key on {n}"), SETTLE_WAIT, || {
            let got = etcdctl_ok(url, tls, &["get", "cluster_key", "--consistency=s"])?;
            (got == "cluster_key\nwritten through etcd01\n")
                .then_some(())
                .ok_or(format!("got {got:?}"))
        })?;
        println!("ok: read cluster_key from {n}");
    }
    for e in &mut work.etcds[first..] {
        e.stop()?;
    }
    Ok(())
}

/// Checks `endpoint status -w json` of every member: one leader id, the same for all, and it
/// is the member id of exactly one of them.
fn one_leader(status: &str) -> Res<u64> {
    let parts: Vec<&str> = status.split("{\"Endpoint\":").skip(1).collect();
    if parts.len() != 3 {
        return Err(format!("expected the status of 3 members, got: {status}"));
    }
    let mut ids = Vec::new();
    let mut leaders = Vec::new();
    for p in &parts {
        ids.push(json_number(p, "member_id").ok_or(format!("no member_id in {p}"))?);
        leaders.push(json_number(p, "leader").ok_or(format!("no leader in {p}"))?);
    }
    let l = leaders[0];
    if l == 0 || leaders.iter().any(|x| *x != l) {
        return Err(format!("the members do not agree on a leader: {leaders:?}"));
    }
    if ids.iter().filter(|id| **id == l).count() != 1 {
        return Err(format!("leader {l} is not one of the members {ids:?}"));
    }
    Ok(l)
}

/// The README's "Secure etcd in three commands", run as written with the release `pki` first on
/// PATH: the first `sh` block (the last line, etcd, in the background), then the etcdctl command
/// of the second. Where ports 2379 and 2380 are taken (Debian's etcd service), the README says
/// to add `--client-port 12379 --peer-port 12380` and use that port: so does this, with free
/// ports.
fn readme(work: &mut Work) -> Res {
    println!("== the README's three commands");
    let path = root().join("README.md");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let heading = "## Secure etcd in three commands\n";
    let section = text
        .split_once(heading)
        .map(|(_, rest)| rest.split("\n## ").next().unwrap_or(rest))
        .ok_or_else(|| format!("README.md has no {heading:?}"))?;
    let blocks: Vec<&str> = section
        .split("```sh\n")
        .skip(1)
        .filter_map(|b| b.split_once("\n```").map(|(code, _)| code))
        .collect();
    let [commands, client, ..] = blocks.as_slice() else {
        return Err("the README section should have two sh blocks".into());
    };
    let mut lines: Vec<String> = commands.lines().map(str::to_owned).collect();
    let mut client = client.to_string();
    let etcd_line = lines
        .pop()
        .filter(|l| l.starts_with("etcd "))
        .ok_or("the first sh block should end by starting etcd")?;
    let busy = ["127.0.0.1:2379", "127.0.0.1:2380"]
        .iter()
        .any(|a| std::net::TcpListener::bind(a).is_err());
    if busy {
        let ports = free_ports(2)?;
        println!("note: ports 2379/2380 are taken here; using {ports:?} as the README says");
        let config = lines
            .iter_mut()
            .find(|l| l.starts_with("pki etcd config"))
            .ok_or("no `pki etcd config` line")?;
        config.push_str(&format!(
            " --client-port {} --peer-port {}",
            ports[0], ports[1]
        ));
        client = client.replace(":2379", &format!(":{}", ports[0]));
    }
    let dir = work.root.join("readme");
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut path_var = vec![release_dir()];
    path_var.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let path_var = std::env::join_paths(path_var).map_err(|e| e.to_string())?;
    let sh = |line: &str| {
        let mut c = tool("sh");
        c.args(["-c", line])
            .current_dir(&dir)
            .env("PATH", &path_var);
        c
    };
    for line in &lines {
        let out = bounded(&mut sh(line))?;
        if !out.status.success() {
            return Err(format!(
                "README: `{line}` failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        println!("ok: {line}");
    }
    let i = Etcd::spawn(
        work,
        "README etcd",
        sh(&format!("exec {etcd_line}")),
        &dir.join("etcd.log"),
    )?;
    println!("started: {etcd_line}");
    let mut answer = String::new();
    wait_for(work, &format!("README: `{client}`"), START_WAIT, || {
        let out = bounded(&mut sh(&client))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        answer = String::from_utf8_lossy(&out.stdout).into_owned();
        Ok(())
    })?;
    expect("README: etcdctl put db_host", &answer, "OK\n")?;
    work.etcds[i].stop()
}
