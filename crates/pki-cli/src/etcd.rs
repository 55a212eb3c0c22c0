//! `pki etcd config`: etcd's configuration for one member of a set made by `pki init`;
//! `pki etcd check`: what etcd and its clients will say of a configuration's TLS files.

use std::{net::IpAddr, path::PathBuf, process::ExitCode};

use pki_core::{
    Result,
    etcd::{CLUSTER_TOKEN, Config, Set},
};

/// etcd's configuration for the sets `pki init` makes.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Config(ConfigArgs),
    Check(CheckArgs),
}

/// Say, before etcd does, why etcd or its clients will refuse a configuration's TLS files.
///
/// Reads etcd's configuration as etcd takes it: each CONFIG (the YAML of `etcd
/// --config-file`; several are the members of one cluster), then the ETCD_* variables, then
/// etcd's own flags after `--`. Each finding gives the rule id, the file, what is wrong, and
/// the exact text etcd or the client will print, with the fix. Exit 0 when etcd will work
/// (warnings allowed), 1 when it will not, 2 when the configuration cannot be read.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// etcd configuration files (`--config-file` YAML).
    #[arg(value_name = "CONFIG")]
    configs: Vec<PathBuf>,
    /// The CA file a client verifies etcd with (etcdctl --cacert).
    #[arg(long, value_name = "FILE")]
    cacert: Option<PathBuf>,
    /// The certificate a client presents (etcdctl --cert).
    #[arg(long, value_name = "FILE")]
    cert: Option<PathBuf>,
    /// The key of --cert (etcdctl --key).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Judge at this time (RFC 3339 or Unix seconds) instead of now.
    #[arg(long, value_name = "TIME", value_parser = crate::show::parse_now)]
    at: Option<std::time::SystemTime>,
    /// The account etcd runs as (a name or uid of /etc/passwd): the files etcd opens are
    /// judged for it. Default: the current user, by reading them.
    #[arg(long, value_name = "USER")]
    etcd_user: Option<String>,
    /// Warn about certificates that expire within this many days.
    #[arg(long, value_name = "N", default_value_t = 30)]
    warn_days: u32,
    /// One JSON document (schema pki.etcd-check.v1) instead of text.
    #[arg(long)]
    json: bool,
    /// etcd's own flags (`--cert-file=...`), after `--`.
    #[arg(last = true, value_name = "ETCD-FLAGS")]
    flags: Vec<String>,
}

/// Print the etcd.yaml (`etcd --config-file`) of one node of a set made by `pki init`.
///
/// The form is the seed's: client.crt serves clients, who must present a certificate of
/// ca.crt; peer.crt secures the traffic between members. The nodes are read from the set's
/// openssl.conf; client.crt and peer.crt must name them.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// The node (a name in the set's openssl.conf).
    node: String,
    /// The folder of the set (openssl.conf, ca.crt, client.crt, peer.crt).
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// The folder etcd reads the certificates and keys from. Default: --dir as given.
    #[arg(long, value_name = "DIR")]
    cert_dir: Option<PathBuf>,
    /// etcd's data folder. Default: data/etcd/NODE.etcd.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Client port, for every node or, as NAME=PORT, for one (repeatable). Default: 2379.
    #[arg(long, value_name = "[NAME=]PORT", value_parser = port)]
    client_port: Vec<(Option<String>, u16)>,
    /// Peer port, for every node or, as NAME=PORT, for one (repeatable). Default: 2380.
    #[arg(long, value_name = "[NAME=]PORT", value_parser = port)]
    peer_port: Vec<(Option<String>, u16)>,
    /// Address the client port listens on (repeatable). Default: the node's and 127.0.0.1.
    #[arg(long, value_name = "IP")]
    listen_client: Vec<IpAddr>,
    /// Address the peer port listens on (repeatable). Default: the node's.
    #[arg(long, value_name = "IP")]
    listen_peer: Vec<IpAddr>,
    /// List every node of the set in initial-cluster (default: only NODE, as the seed does).
    #[arg(long)]
    cluster: bool,
    /// initial-cluster-token.
    #[arg(long, value_name = "TOKEN", default_value = CLUSTER_TOKEN)]
    cluster_token: String,
    /// Write peer client-cert-auth: true (etcd asks peers for a certificate of ca.crt anyway,
    /// since trusted-ca-file is set).
    #[arg(long)]
    peer_client_cert_auth: bool,
}

/// Parses `PORT` or `NAME=PORT`.
fn port(s: &str) -> std::result::Result<(Option<String>, u16), String> {
    let (name, p) = match s.split_once('=') {
        Some((n, p)) => (Some(n.to_owned()), p),
        None => (None, s),
    };
    match p.parse::<u16>() {
        Ok(p) if p > 0 => Ok((name, p)),
        _ => Err(format!("{p:?} is not a port (1 to 65535)")),
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Command::Config(a) => config(a),
        Command::Check(a) => check(a),
    }
}

fn config(a: ConfigArgs) -> Result<ExitCode> {
    let set = Set::read(&a.dir)?;
    let mut c = Config::new(&set, &a.node)?;
    c.cluster = a.cluster;
    c.cluster_token = a.cluster_token;
    c.peer_client_cert_auth = a.peer_client_cert_auth;
    if let Some(d) = a.data_dir {
        c.data_dir = d;
    }
    if let Some(d) = a.cert_dir {
        c.cert_dir = d;
    }
    if !a.listen_client.is_empty() {
        c.listen_client = a.listen_client;
    }
    if !a.listen_peer.is_empty() {
        c.listen_peer = a.listen_peer;
    }
    // Ports for every node first, then per-node ones, whatever their order on the line.
    for (ports, peer) in [(&a.client_port, false), (&a.peer_port, true)] {
        let mut sorted: Vec<_> = ports.iter().collect();
        sorted.sort_by_key(|(name, _)| name.is_some());
        for (name, port) in sorted {
            let which: Vec<usize> = match name {
                Some(n) => vec![set.position(n)?],
                None => (0..c.members.len()).collect(),
            };
            for i in which {
                let m = &mut c.members[i];
                *(if peer {
                    &mut m.peer_port
                } else {
                    &mut m.client_port
                }) = *port;
            }
        }
    }
    let yaml = c.to_yaml()?;
    crate::out(format_args!("{}", yaml.trim_end_matches('\n')));
    Ok(ExitCode::SUCCESS)
}

fn check(a: CheckArgs) -> Result<ExitCode> {
    use pki_core::etcd::check::{self, CheckOptions, ClientFiles, Member};
    let env = |k: &str| std::env::var(k).ok();
    let mut members = Vec::new();
    for path in &a.configs {
        members.push(check::read_config(path)?);
    }
    if a.configs.is_empty() {
        let mut m = Member {
            source: "flags".into(),
            ..Member::default()
        };
        m.apply_env(&env)?;
        m.apply_flags(&a.flags)?;
        members.push(m);
    }
    let client = (a.cacert.is_some() || a.cert.is_some() || a.key.is_some()).then(|| ClientFiles {
        cacert: a.cacert.clone(),
        cert: a.cert.clone(),
        key: a.key.clone(),
    });
    let at = a.at.unwrap_or_else(std::time::SystemTime::now);
    let o = CheckOptions {
        at: pki_core::verify::unix_time(at),
        warn_days: a.warn_days,
        etcd_user: a
            .etcd_user
            .as_deref()
            .map(pki_core::etcd::account::Account::lookup)
            .transpose()?,
        client,
    };
    let mut findings = Vec::new();
    if !a.configs.is_empty() {
        // etcd 3.4 reads nothing else when --config-file is given.
        let vars = check::env_settings(&env);
        if !a.flags.is_empty() || !vars.is_empty() {
            let what = if a.flags.is_empty() {
                vars.join(", ")
            } else {
                "the flags after --".to_owned()
            };
            findings.push(
                pki_core::finding::Finding::new(
                    "flags-ignored-with-config-file",
                    pki_core::finding::Severity::Warning,
                    format!(
                        "etcd ignores its flags and ETCD_* variables when --config-file is given: \
                         {what} not judged"
                    ),
                )
                .fix("put the settings in the configuration file, or check the flags without a CONFIG"),
            );
        }
    }
    findings.extend(check::check(&members, &o));
    let fails = findings
        .iter()
        .any(|f| f.severity == pki_core::finding::Severity::Error);
    if a.json {
        let doc = serde_json::json!({
            "schema": "pki.etcd-check.v1",
            "members": members.iter().map(|m| serde_json::json!({
                "name": m.name, "source": m.source,
            })).collect::<Vec<_>>(),
            "verdict": if fails { "will-fail" } else { "will-work" },
            "findings": findings,
        });
        crate::out(format_args!("{doc}"));
    } else {
        let names: Vec<String> = members
            .iter()
            .map(|m| format!("{} ({})", m.name, m.source))
            .collect();
        crate::out(format_args!(
            "{}: {}: {}",
            pki_core::text::printable(&names.join(", ")),
            if fails {
                "etcd will fail"
            } else {
                "etcd will work"
            },
            pki_core::finding::summary(&findings)
        ));
        for f in &findings {
            crate::out(format_args!("{}", f.text(false).trim_end()));
        }
    }
    Ok(ExitCode::from(u8::from(fails)))
}
