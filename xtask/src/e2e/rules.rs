//! Every rule of `pki etcd check` that says etcd or its client will fail, confirmed against the
//! real etcd: for each broken set (made with pki and with the real openssl) `pki etcd check
//! --json` must exit 1 with the case's rule among its errors; then etcd is started on the same
//! files, and every text quoted by an error must appear where the finding says: in etcd's log
//! as it exits at start (`etcd-start`), in etcd's log when the client or a peer connects
//! (`etcd-log`), or in `etcdctl --debug`'s output (`client`). An error whose quote does not
//! appear fails the run, so a prediction that etcd does not bear out cannot stay.
//!
//! Go writes the current time of an expiry error in the local zone; etcd runs here with
//! `TZ=UTC`, as pki quotes it, and the time itself (which differs by the seconds between the
//! check and the connection) is the one part of a quote not compared.

use std::{
    fs,
    path::PathBuf,
    process::Command,
    thread,
    time::{Duration, Instant},
};

use serde_json::Value;

use super::{
    Res,
    procs::{Etcd, Work, bounded, free_ports, pki, read_lossy, release_dir, tool},
};

/// How long an etcd predicted to fail at start may run before it exits.
const EXIT_WAIT: Duration = Duration::from_secs(20);
/// How long a predicted text may take to appear in a log or in etcdctl's output.
const SHOW_WAIT: Duration = Duration::from_secs(30);

/// The set every case starts from (two members, etcd01 and etcd02, both at 127.0.0.1), another
/// CA's set, and the broken files made with openssl.
const SET: &str = "rules";
const OTHER: &str = "rules-other";

/// The client files etcdctl presents in a case.
struct Client {
    cacert: &'static str,
    cert: Option<(&'static str, &'static str)>,
}

const GOOD_CLIENT: Client = Client {
    cacert: "rules/ca.crt",
    cert: Some(("rules/client.crt", "rules/client.key")),
};

struct Case {
    what: &'static str,
    /// The rule `pki etcd check` must report as an error.
    rule: &'static str,
    /// Replacements in each member's YAML, `{client1}`, `{peer1}`, `{client2}`, `{peer2}`
    /// standing for the ports; a case with an edit for member 2 runs two members.
    edits: &'static [(usize, &'static str, &'static str)],
    client: Client,
    /// The host etcdctl dials.
    host: &'static str,
}

const fn one(
    what: &'static str,
    rule: &'static str,
    edits: &'static [(usize, &'static str, &'static str)],
) -> Case {
    Case {
        what,
        rule,
        edits,
        client: GOOD_CLIENT,
        host: "127.0.0.1",
    }
}

fn cases() -> Vec<Case> {
    vec![
        // etcd refuses to start.
        one(
            "key-file is another certificate's key",
            "key-mismatch",
            &[(1, "key-file: rules/client.key", "key-file: rules/peer.key")],
        ),
        one(
            "peer key-file is another certificate's key",
            "key-mismatch",
            &[(1, "key-file: rules/peer.key", "key-file: rules/client.key")],
        ),
        one(
            "cert-file is the key (files swapped)",
            "cert-is-key",
            &[(
                1,
                "cert-file: rules/client.crt",
                "cert-file: rules/client.key",
            )],
        ),
        one(
            "key-file is the certificate",
            "key-is-certificate",
            &[(
                1,
                "key-file: rules/client.key",
                "key-file: rules/client.crt",
            )],
        ),
        one(
            "key-file encrypted by openssl pkey -aes256",
            "key-encrypted",
            &[(1, "key-file: rules/client.key", "key-file: enc.key")],
        ),
        one(
            "key-file encrypted by openssl rsa -aes256 -traditional",
            "key-encrypted",
            &[(
                1,
                "key-file: rules/client.key",
                "key-file: enc-traditional.key",
            )],
        ),
        one(
            "key-file holds no PEM",
            "key-not-pem",
            &[(1, "key-file: rules/client.key", "key-file: garbage.txt")],
        ),
        one(
            "cert-file holds no PEM",
            "cert-not-pem",
            &[(1, "cert-file: rules/client.crt", "cert-file: garbage.txt")],
        ),
        one(
            "cert-file does not exist",
            "file-unreadable",
            &[(
                1,
                "cert-file: rules/client.crt",
                "cert-file: rules/nothing.crt",
            )],
        ),
        one(
            "https client URLs without cert-file and key-file",
            "https-without-tls",
            &[(
                1,
                "  cert-file: rules/client.crt\n  key-file: rules/client.key\n",
                "",
            )],
        ),
        one(
            "https peer URLs without cert-file and key-file",
            "https-without-tls",
            &[(
                1,
                "  cert-file: rules/peer.crt\n  key-file: rules/peer.key\n",
                "",
            )],
        ),
        // The client refuses the server.
        Case {
            host: "127.0.0.2",
            ..one(
                "the advertised client address is not in the SAN",
                "san-missing-host",
                &[
                    (
                        1,
                        "listen-client-urls: https://127.0.0.1:{client1}",
                        "listen-client-urls: https://127.0.0.2:{client1}",
                    ),
                    (
                        1,
                        "advertise-client-urls: https://127.0.0.1:{client1}",
                        "advertise-client-urls: https://127.0.0.2:{client1}",
                    ),
                ],
            )
        },
        one(
            "the serving certificate expired (openssl x509 -days -1)",
            "cert-expired",
            &[(1, "cert-file: rules/client.crt", "cert-file: expired.crt")],
        ),
        one(
            "the serving certificate is not yet valid (openssl ca -startdate)",
            "cert-not-yet-valid",
            &[(1, "cert-file: rules/client.crt", "cert-file: future.crt")],
        ),
        one(
            "the serving certificate lacks serverAuth",
            "eku-server-auth-missing",
            &[(
                1,
                "cert-file: rules/client.crt",
                "cert-file: client-only.crt",
            )],
        ),
        Case {
            client: Client {
                cacert: "rules-other/ca.crt",
                cert: Some(("rules/client.crt", "rules/client.key")),
            },
            ..one(
                "the client trusts another CA of the same name",
                "server-untrusted-by-client",
                &[],
            )
        },
        // etcd refuses the client.
        Case {
            client: Client {
                cacert: "rules/ca.crt",
                cert: Some(("expired.crt", "rules/client.key")),
            },
            ..one("the client's certificate expired", "cert-expired", &[])
        },
        Case {
            client: Client {
                cacert: "rules/ca.crt",
                cert: Some(("client-sha1.crt", "rules/client.key")),
            },
            ..one(
                "the client's certificate is signed with SHA-1",
                "client-untrusted",
                &[],
            )
        },
        Case {
            client: Client {
                cacert: "rules/ca.crt",
                cert: Some(("client-via-not-ca.crt", "rules/client.key")),
            },
            ..one(
                "the client's certificate is issued by an intermediate with CA:FALSE",
                "client-untrusted",
                &[],
            )
        },
        Case {
            client: Client {
                cacert: "rules/ca.crt",
                cert: Some(("client-via-no-sign.crt", "rules/client.key")),
            },
            ..one(
                "the client's certificate is issued by an intermediate without keyCertSign",
                "client-untrusted",
                &[],
            )
        },
        one(
            "the gRPC gateway (enable-grpc-gateway: true) dials etcd with a certificate without \
             clientAuth",
            "eku-client-auth-missing",
            &[
                (
                    1,
                    "initial-cluster-state: new\n",
                    "initial-cluster-state: new\nenable-grpc-gateway: true\n",
                ),
                (
                    1,
                    "cert-file: rules/client.crt",
                    "cert-file: peer-server-only.crt",
                ),
                (1, "key-file: rules/client.key", "key-file: rules/peer.key"),
            ],
        ),
        // etcd 3.4 reads CRLs and allowed names from flags, or from these YAML keys.
        one(
            "the client's certificate is in ClientTLSInfo's CRLFile (openssl ca -gencrl)",
            "client-revoked",
            &[(
                1,
                "  auto-tls: false\n",
                "  auto-tls: false\nClientTLSInfo:\n  CRLFile: crl.pem\n",
            )],
        ),
        // Members refuse each other.
        one(
            "etcd02's PeerTLSInfo CRLFile revokes the peer certificate",
            "peer-revoked",
            &[(
                2,
                "  auto-tls: false\n",
                "  auto-tls: false\nPeerTLSInfo:\n  CRLFile: crl.pem\n",
            )],
        ),
        one(
            "etcd01 allows peers of another common name only",
            "peer-cn-not-allowed",
            &[
                (
                    1,
                    "  auto-tls: false\n",
                    "  auto-tls: false\nPeerTLSInfo:\n  AllowedCN: wrong\n",
                ),
                (2, "  auto-tls: false\n", "  auto-tls: false\n"),
            ],
        ),
        one(
            "etcd01 allows peers valid for another host name only",
            "peer-hostname-not-allowed",
            &[
                (
                    1,
                    "  auto-tls: false\n",
                    "  auto-tls: false\nPeerTLSInfo:\n  AllowedHostname: wrong.example\n",
                ),
                (2, "  auto-tls: false\n", "  auto-tls: false\n"),
            ],
        ),
        one(
            "etcd02's peer certificate lacks clientAuth",
            "eku-client-auth-missing",
            &[(
                2,
                "cert-file: rules/peer.crt",
                "cert-file: peer-server-only.crt",
            )],
        ),
        one(
            "etcd02's peer certificate is of another CA of the same name",
            "chain-untrusted",
            &[
                (
                    2,
                    "cert-file: rules/peer.crt",
                    "cert-file: rules-other/peer.crt",
                ),
                (
                    2,
                    "key-file: rules/peer.key",
                    "key-file: rules-other/peer.key",
                ),
            ],
        ),
        one(
            "etcd02 advertises a peer address its certificate does not name",
            "san-missing-host",
            &[
                (
                    1,
                    "etcd02=https://127.0.0.1:{peer2}",
                    "etcd02=https://127.0.0.2:{peer2}",
                ),
                (
                    2,
                    "etcd02=https://127.0.0.1:{peer2}",
                    "etcd02=https://127.0.0.2:{peer2}",
                ),
                (
                    2,
                    "listen-peer-urls: https://127.0.0.1:{peer2}",
                    "listen-peer-urls: https://127.0.0.2:{peer2}",
                ),
                (
                    2,
                    "initial-advertise-peer-urls: https://127.0.0.1:{peer2}",
                    "initial-advertise-peer-urls: https://127.0.0.2:{peer2}",
                ),
            ],
        ),
    ]
}

pub(super) fn rules(work: &mut Work) -> Res {
    println!("== each rule of pki etcd check, confirmed by etcd");
    fixtures(work)?;
    for (n, case) in cases().iter().enumerate() {
        run(work, n, case)?;
    }
    Ok(())
}

fn openssl(work: &Work, args: &[&str]) -> Res {
    let out = bounded(Command::new("openssl").args(args).current_dir(&work.root))?;
    if !out.status.success() {
        return Err(format!(
            "openssl {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

fn write(work: &Work, name: &str, text: &str) -> Res {
    let path = work.root.join(name);
    fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The sets (pki) and the broken files (openssl).
fn fixtures(work: &Work) -> Res {
    pki(
        work,
        &[
            "init",
            SET,
            "--node",
            "etcd01=127.0.0.1",
            "--node",
            "etcd02=127.0.0.1",
        ],
    )?;
    pki(
        work,
        &[
            "init",
            OTHER,
            "--node",
            "etcd01=127.0.0.1",
            "--node",
            "etcd02=127.0.0.1",
        ],
    )?;
    openssl(
        work,
        &[
            "pkey",
            "-in",
            "rules/client.key",
            "-aes256",
            "-passout",
            "pass:secret",
            "-out",
            "enc.key",
        ],
    )?;
    openssl(
        work,
        &[
            "rsa",
            "-in",
            "rules/client.key",
            "-aes256",
            "-traditional",
            "-passout",
            "pass:secret",
            "-out",
            "enc-traditional.key",
        ],
    )?;
    write(work, "garbage.txt", "not a PEM file\n")?;
    write(
        work,
        "ext.cnf",
        "[both]\nsubjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth, clientAuth\n\
         [client]\nsubjectAltName = IP:127.0.0.1\nextendedKeyUsage = clientAuth\n\
         [server]\nsubjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n\
         [int_not_ca]\nbasicConstraints = critical, CA:FALSE\n\
         [int_no_sign]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, digitalSignature\n",
    )?;
    openssl(
        work,
        &[
            "req",
            "-new",
            "-key",
            "rules/client.key",
            "-subj",
            "/CN=etcd01",
            "-out",
            "client.csr",
        ],
    )?;
    openssl(
        work,
        &[
            "req",
            "-new",
            "-key",
            "rules/peer.key",
            "-subj",
            "/CN=etcd02",
            "-out",
            "peer.csr",
        ],
    )?;
    let x509 = |csr: &str, ext: &str, serial: &str, days: &str, out: &str| {
        openssl(
            work,
            &[
                "x509",
                "-req",
                "-in",
                csr,
                "-CA",
                "rules/ca.crt",
                "-CAkey",
                "rules/ca.key",
                "-set_serial",
                serial,
                "-days",
                days,
                "-extfile",
                "ext.cnf",
                "-extensions",
                ext,
                "-out",
                out,
            ],
        )
    };
    x509("client.csr", "both", "101", "-1", "expired.crt")?;
    openssl(
        work,
        &[
            "x509",
            "-req",
            "-sha1",
            "-in",
            "client.csr",
            "-CA",
            "rules/ca.crt",
            "-CAkey",
            "rules/ca.key",
            "-set_serial",
            "104",
            "-days",
            "365",
            "-extfile",
            "ext.cnf",
            "-extensions",
            "both",
            "-out",
            "client-sha1.crt",
        ],
    )?;
    // Intermediates Go refuses as issuers: CA:FALSE, and keyUsage without keyCertSign; each
    // issues a client certificate, and the client's file holds it with the intermediate.
    openssl(
        work,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "int.key",
            "-subj",
            "/CN=etcd-int",
            "-out",
            "int.csr",
        ],
    )?;
    for (ext, serial, int, leaf) in [
        (
            "int_not_ca",
            "105",
            "int-not-ca.crt",
            "client-via-not-ca.crt",
        ),
        (
            "int_no_sign",
            "106",
            "int-no-sign.crt",
            "client-via-no-sign.crt",
        ),
    ] {
        x509("int.csr", ext, serial, "365", int)?;
        let leaf_only = format!("{leaf}.leaf");
        openssl(
            work,
            &[
                "x509",
                "-req",
                "-in",
                "client.csr",
                "-CA",
                int,
                "-CAkey",
                "int.key",
                "-set_serial",
                serial,
                "-days",
                "365",
                "-extfile",
                "ext.cnf",
                "-extensions",
                "both",
                "-out",
                &leaf_only,
            ],
        )?;
        let both = [&leaf_only, int]
            .iter()
            .map(|f| fs::read_to_string(work.root.join(f)).map_err(|e| format!("{f}: {e}")))
            .collect::<Res<Vec<_>>>()?
            .concat();
        write(work, leaf, &both)?;
    }
    x509("client.csr", "client", "102", "365", "client-only.crt")?;
    x509("peer.csr", "server", "103", "365", "peer-server-only.crt")?;
    // Not yet valid: openssl x509 has no start date; openssl ca has.
    write(
        work,
        "ca.cnf",
        "[ca]\ndefault_ca = c\n[c]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n\
         default_md = sha256\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied\n",
    )?;
    write(work, "index.txt", "")?;
    write(work, "serial", "68\n")?;
    openssl(
        work,
        &[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-cert",
            "rules/ca.crt",
            "-keyfile",
            "rules/ca.key",
            "-in",
            "client.csr",
            "-startdate",
            "20991201000000Z",
            "-enddate",
            "21001201000000Z",
            "-extfile",
            "ext.cnf",
            "-extensions",
            "both",
            "-notext",
            "-out",
            "future.crt",
        ],
    )?;
    // A CRL (openssl ca -gencrl) revoking the set's client and peer certificates.
    let ca = [
        "-config",
        "ca.cnf",
        "-cert",
        "rules/ca.crt",
        "-keyfile",
        "rules/ca.key",
    ];
    for revoked in ["rules/client.crt", "rules/peer.crt"] {
        openssl(work, &[&["ca", "-revoke", revoked][..], &ca].concat())?;
    }
    openssl(
        work,
        &[
            &["ca", "-gencrl", "-crldays", "30", "-out", "crl.pem"][..],
            &ca,
        ]
        .concat(),
    )
}

/// What one error quotes: its rule, text and where it shows.
struct Quote {
    rule: String,
    text: String,
    shown: String,
}

fn run(work: &mut Work, n: usize, case: &Case) -> Res {
    let dir = format!("case{n}");
    fs::create_dir_all(work.root.join(&dir)).map_err(|e| e.to_string())?;
    let members = if case.edits.iter().any(|(m, _, _)| *m == 2) {
        2
    } else {
        1
    };
    let ports = free_ports(4)?;
    let port = |k: &str| match k {
        "client1" => ports[0],
        "peer1" => ports[1],
        "client2" => ports[2],
        _ => ports[3],
    };
    let fill = |s: &str| {
        ["client1", "peer1", "client2", "peer2"]
            .iter()
            .fold(s.to_owned(), |s, k| {
                s.replace(&format!("{{{k}}}"), &port(k).to_string())
            })
    };
    let mut configs = Vec::new();
    for m in 1..=members {
        let name = format!("etcd0{m}");
        let data = format!("{dir}/{name}.data");
        let mut args = vec![
            "etcd".to_owned(),
            "config".into(),
            name.clone(),
            "--dir".into(),
            SET.into(),
            "--data-dir".into(),
            data,
            format!("--client-port=etcd01={}", ports[0]),
            format!("--peer-port=etcd01={}", ports[1]),
            format!("--client-port=etcd02={}", ports[2]),
            format!("--peer-port=etcd02={}", ports[3]),
        ];
        if members == 2 {
            args.extend(["--cluster".into(), "--peer-client-cert-auth".into()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut yaml = pki(work, &args)?;
        for (_, from, to) in case.edits.iter().filter(|(k, _, _)| *k == m) {
            let from = fill(from);
            if !yaml.contains(&from) {
                return Err(format!(
                    "{}: {name}'s YAML has no {from:?}:\n{yaml}",
                    case.what
                ));
            }
            yaml = yaml.replace(&from, &fill(to));
        }
        let config = format!("{dir}/{name}.yaml");
        fs::write(work.root.join(&config), yaml).map_err(|e| e.to_string())?;
        configs.push(config);
    }
    let quotes = predict(work, case, &configs)?;
    let url = format!("https://{}:{}", case.host, ports[0]);
    let first = work.etcds.len();
    for (m, config) in configs.iter().enumerate() {
        Etcd::start(
            work,
            &format!("etcd0{} ({})", m + 1, case.what),
            &work.root.join(config),
        )?;
    }
    let result = confirm(work, case, &quotes, first, &url);
    for e in &mut work.etcds[first..] {
        e.stop()?;
    }
    result?;
    let _ = fs::remove_dir_all(work.root.join(&dir));
    Ok(())
}

/// `pki etcd check --json` on the case: exit 1, the case's rule among the errors, and every
/// error's quote.
fn predict(work: &Work, case: &Case, configs: &[String]) -> Res<Vec<Quote>> {
    let mut cmd = Command::new(release_dir().join("pki"));
    cmd.current_dir(&work.root)
        .args(["etcd", "check", "--json"])
        .args(configs)
        .args(["--cacert", case.client.cacert]);
    if let Some((c, k)) = case.client.cert {
        cmd.args(["--cert", c, "--key", k]);
    }
    let out = bounded(&mut cmd)?;
    let text = String::from_utf8_lossy(&out.stdout);
    let doc: Value = serde_json::from_str(text.trim()).map_err(|e| {
        format!(
            "{}: pki etcd check --json printed no JSON ({e}): {text}{}",
            case.what,
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    let errors: Vec<&Value> = doc["findings"]
        .as_array()
        .map(|f| f.iter().filter(|f| f["severity"] == "error").collect())
        .unwrap_or_default();
    if out.status.code() != Some(1) || !errors.iter().any(|f| f["id"] == case.rule) {
        return Err(format!(
            "{}: pki etcd check did not predict {} (exit {:?}): {text}",
            case.what,
            case.rule,
            out.status.code()
        ));
    }
    let quotes: Vec<Quote> = errors
        .iter()
        .filter_map(|f| {
            Some(Quote {
                rule: f["id"].as_str()?.to_owned(),
                text: f["quote"]["text"].as_str()?.to_owned(),
                shown: f["quote"]["in"].as_str()?.to_owned(),
            })
        })
        .collect();
    println!(
        "ok: pki etcd check predicts: {} ({})",
        case.what,
        quotes
            .iter()
            .map(|q| q.rule.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(quotes)
}

/// Every quote seen where it says: etcd's log after etcd exits (`etcd-start`); etcd's logs and
/// `etcdctl --debug` against `url` (`etcd-log`, `client`) while the members run.
fn confirm(work: &mut Work, case: &Case, quotes: &[Quote], first: usize, url: &str) -> Res {
    let logs: Vec<PathBuf> = work.etcds[first..].iter().map(|e| e.log.clone()).collect();
    let read_logs = || {
        logs.iter()
            .map(|l| read_lossy(l))
            .collect::<Vec<_>>()
            .join("\n")
            // etcd quotes errors in its log, escaping their quotes.
            .replace("\\\"", "\"")
    };
    if quotes.iter().any(|q| q.shown == "etcd-start") {
        let t = Instant::now();
        while work.etcds[first..].iter_mut().any(Etcd::running) {
            if t.elapsed() > EXIT_WAIT {
                return Err(format!(
                    "{}: pki etcd check said etcd fails to start, and it still runs after {}s",
                    case.what,
                    EXIT_WAIT.as_secs()
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
    let mut seen = vec![false; quotes.len()];
    let mut client_out = String::new();
    let t = Instant::now();
    loop {
        let log = read_logs();
        for (q, s) in quotes.iter().zip(&mut seen) {
            let haystack = if q.shown == "client" {
                &client_out
            } else {
                &log
            };
            *s = *s || contains(haystack, &q.text);
        }
        if seen.iter().all(|s| *s) {
            break;
        }
        if t.elapsed() > SHOW_WAIT {
            let missing: Vec<String> = quotes
                .iter()
                .zip(&seen)
                .filter(|(_, s)| !**s)
                .map(|(q, _)| format!("{} ({}): {:?}", q.rule, q.shown, q.text))
                .collect();
            return Err(format!(
                "{}: not seen in {}s: {}\netcdctl --debug said:\n{}",
                case.what,
                SHOW_WAIT.as_secs(),
                missing.join("; "),
                client_out
                    .lines()
                    .rev()
                    .take(5)
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
        if work.etcds[first..].iter_mut().any(Etcd::running) {
            let answered;
            (answered, client_out) = etcdctl_debug(work, case, url)?;
            // grpc quotes the handshake error, escaping its quotes.
            client_out = client_out.replace("\\\"", "\"");
            if answered && quotes.iter().any(|q| q.shown == "client") {
                return Err(format!(
                    "{}: etcdctl got an answer, though pki etcd check predicted it would not",
                    case.what
                ));
            }
        } else {
            thread::sleep(Duration::from_millis(200));
        }
    }
    for q in quotes {
        println!("ok: etcd {}: {}", q.shown, q.text);
    }
    Ok(())
}

/// `etcdctl --debug get x` through the case's client files: whether it got an answer, and its
/// whole output.
fn etcdctl_debug(work: &Work, case: &Case, url: &str) -> Res<(bool, String)> {
    let mut c = tool("etcdctl");
    c.current_dir(&work.root).args([
        "--debug",
        "--endpoints",
        url,
        "--dial-timeout=3s",
        "--command-timeout=5s",
        "--cacert",
        case.client.cacert,
    ]);
    if let Some((cert, key)) = case.client.cert {
        c.args(["--cert", cert, "--key", key]);
    }
    let out = bounded(c.args(["get", "x"]))?;
    Ok((
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    ))
}

/// `quote` in `text`, word for word; in an expiry error the current time (which differs by the
/// seconds between the check and the connection) may be any RFC 3339 time.
fn contains(text: &str, quote: &str) -> bool {
    const NOW: &str = "current time ";
    let Some((before, after)) = quote.split_once(NOW) else {
        return text.contains(quote);
    };
    let Some((_, rest)) = after.split_once(' ') else {
        return text.contains(quote);
    };
    let head = format!("{before}{NOW}");
    text.match_indices(&head).any(|(i, _)| {
        let tail = &text[i + head.len()..];
        tail.split_once(' ').is_some_and(|(time, more)| {
            time.len() <= 35 && !time.is_empty() && more.starts_with(rest)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::contains;

    #[test]
    fn expiry_times_are_any_time() {
        let q = "x509: certificate has expired or is not yet valid: current time \
                 2026-12-03T10:00:00Z is after 2026-12-02T16:06:19Z";
        assert!(contains(
            "desc = \"x509: certificate has expired or is not yet valid: current time \
             2026-12-03T10:00:05Z is after 2026-12-02T16:06:19Z\"",
            q
        ));
        assert!(!contains(
            "x509: certificate has expired or is not yet valid: current time \
             2026-12-03T10:00:05Z is after 2026-12-01T00:00:00Z",
            q
        ));
        assert!(contains("a b c", "b"));
    }
}
