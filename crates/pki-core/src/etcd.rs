//! etcd's server configuration (`etcd --config-file FILE`) for one member of a set made by
//! `pki init`, in the form of the seed's etcd.yaml:
//!
//! ```yaml
//! name: etcd01
//! data-dir: data/etcd/etcd01.etcd
//! listen-peer-urls: https://192.168.31.17:2380
//! listen-client-urls: https://192.168.31.17:2379,https://127.0.0.1:2379
//! initial-advertise-peer-urls: https://192.168.31.17:2380
//! advertise-client-urls: https://192.168.31.17:2379
//! initial-cluster: etcd01=https://192.168.31.17:2380
//! client-transport-security:       # client.crt serves clients and must be presented by them
//!   cert-file: certs/client.crt
//!   client-cert-auth: true
//! peer-transport-security:         # peer.crt between members
//!   cert-file: certs/peer.crt
//! ```
//!
//! The members come from the set's `openssl.conf`, which `pki init` (and pki.sh) write with
//! `DNS.i = NAMEi`, `IP.1 = 127.0.0.1` and `IP.i+1 = ADDRESSi`; [`Set::read`] checks that
//! `client.crt` and `peer.crt` name every member, so a configuration is never made for
//! certificates that would fail the TLS handshake.
//!
//! The seed writes `advertise-client-url`, a key etcd ignores without a word (clients are then
//! told to use `http://localhost:2379`); this module writes `advertise-client-urls`.

use std::{
    borrow::Cow,
    fmt::Write as _,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    path::{Path, PathBuf},
};

use crate::{
    conf::Conf,
    error::{Error, IoOp, Result},
    ext::{ExtSpec, San},
    files,
    init::Node,
    layout::{SetFile, read_cert},
};

/// etcd's client port (`listen-client-urls`), as in the seed.
pub const CLIENT_PORT: u16 = 2379;
/// etcd's peer port (`listen-peer-urls`), as in the seed.
pub const PEER_PORT: u16 = 2380;
/// The seed's `initial-cluster-token`.
pub const CLUSTER_TOKEN: &str = "etcd-cluster";

/// The members of a set made by `pki init`, read from its folder.
#[derive(Debug, Clone)]
pub struct Set {
    /// The folder, as given.
    pub dir: PathBuf,
    /// The members, in openssl.conf order.
    pub nodes: Vec<Node>,
}

impl Set {
    /// Reads `dir/openssl.conf` for the members and checks that `dir/client.crt` and
    /// `dir/peer.crt` name each one (DNS name and IP address) in their subjectAltName.
    /// Every file etcd will be given must be a regular file (a FIFO or device is refused,
    /// never opened); the keys are checked for that, not read.
    pub fn read(dir: &Path) -> Result<Set> {
        crate::layout::refuse_irregular(dir)?;
        let conf_path = dir.join(SetFile::Conf.file());
        let nodes = nodes_of(&read_conf(&conf_path)?).map_err(|e| match e {
            Error::NodeList { .. } | Error::Node { .. } => e.in_file(&conf_path),
            e => e,
        })?;
        for step in [SetFile::ClientCert, SetFile::PeerCert] {
            let path = dir.join(step.file());
            let names = cert_sans(&read_cert(&path)?).map_err(|e| e.in_file(&path))?;
            for n in &nodes {
                if !names.contains(&San::Dns(n.name.clone()))
                    || !names.contains(&San::Ip(n.address))
                {
                    let e = Error::NodeNotInCert {
                        node: n.name.clone(),
                        address: n.address,
                    };
                    return Err(e.in_file(path));
                }
            }
        }
        Ok(Set {
            dir: dir.to_owned(),
            nodes,
        })
    }

    /// The index of the member called `name`, or an error listing the members.
    pub fn position(&self, name: &str) -> Result<usize> {
        self.nodes
            .iter()
            .position(|n| n.name == name)
            .ok_or_else(|| Error::UnknownNode {
                name: name.to_owned(),
                conf: self.dir.join(SetFile::Conf.file()),
                known: self.nodes.iter().map(|n| n.name.clone()).collect(),
            })
    }
}

fn read_conf(path: &Path) -> Result<Conf> {
    let text = String::from_utf8(files::read_regular(path)?).map_err(|_| Error::Io {
        op: IoOp::Read,
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"),
    })?;
    Ok(Conf::parse(path, &text)?)
}

/// Pairs the i-th DNS name with the (i+1)-th IP address of the subjectAltName of `[v3_req]`,
/// the section pki.sh signs with, in file order: pki init and pki.sh write `DNS.1..n`, then
/// `IP.1 = 127.0.0.1` and `IP.2..n+1`. Names must differ.
fn nodes_of(conf: &Conf) -> Result<Vec<Node>> {
    let bad = |reason| Error::NodeList { reason };
    let names = conf
        .extensions("v3_req")?
        .into_iter()
        .find_map(|e| match e {
            ExtSpec::SubjectAltName { names, .. } => Some(names),
            _ => None,
        })
        .ok_or(bad("[v3_req] has no subjectAltName"))?;
    let dns: Vec<&String> = names
        .iter()
        .filter_map(|n| match n {
            San::Dns(d) => Some(d),
            _ => None,
        })
        .collect();
    let ips: Vec<IpAddr> = names
        .iter()
        .filter_map(|n| match n {
            San::Ip(ip) => Some(*ip),
            _ => None,
        })
        .collect();
    if dns.is_empty() {
        return Err(bad("the subjectAltName has no DNS name"));
    }
    if (1..dns.len()).any(|i| dns[..i].contains(&dns[i])) {
        return Err(bad("a DNS name appears twice"));
    }
    if ips.first() != Some(&IpAddr::V4(Ipv4Addr::LOCALHOST)) || ips.len() != dns.len() + 1 {
        return Err(bad(
            "the subjectAltName must hold IP 127.0.0.1 and then one IP address per DNS name",
        ));
    }
    dns.iter()
        .zip(&ips[1..])
        .map(|(name, ip)| Node::new(name, &ip.to_string()))
        .collect()
}

fn cert_sans(cert: &x509_cert::Certificate) -> Result<Vec<San>> {
    Ok(crate::cert::ext_specs(cert)?
        .into_iter()
        .find_map(|e| match e {
            ExtSpec::SubjectAltName { names, .. } => Some(names),
            _ => None,
        })
        .unwrap_or_default())
}

/// One member of the cluster and the ports it listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub node: Node,
    pub client_port: u16,
    pub peer_port: u16,
}

/// The configuration of one member. [`Config::new`] gives the seed's values; change the
/// fields, then [`Config::to_yaml`].
#[derive(Debug, Clone)]
pub struct Config {
    /// Every member of the set, in the set's order.
    pub members: Vec<Member>,
    /// The index in `members` of the member this configuration is for.
    pub this: usize,
    /// `initial-cluster` names every member (else only this one, as in the seed).
    pub cluster: bool,
    pub data_dir: PathBuf,
    /// Addresses the client port listens on (seed: the member's address and 127.0.0.1).
    pub listen_client: Vec<IpAddr>,
    /// Addresses the peer port listens on (seed: the member's address).
    pub listen_peer: Vec<IpAddr>,
    /// The folder etcd reads `ca.crt`, `client.*` and `peer.*` from.
    pub cert_dir: PathBuf,
    pub cluster_token: String,
    /// Members must present a certificate from the CA to each other (seed: false).
    pub peer_client_cert_auth: bool,
}

impl Config {
    /// The seed's configuration for the member `name` of `set`: ports 2379 and 2380, data in
    /// `data/etcd/NAME.etcd`, certificates read from the set's folder.
    pub fn new(set: &Set, name: &str) -> Result<Config> {
        let this = set.position(name)?;
        let node = &set.nodes[this];
        let mut listen_client = vec![node.address];
        if node.address != IpAddr::V4(Ipv4Addr::LOCALHOST) {
            listen_client.push(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        Ok(Config {
            members: set
                .nodes
                .iter()
                .map(|n| Member {
                    node: n.clone(),
                    client_port: CLIENT_PORT,
                    peer_port: PEER_PORT,
                })
                .collect(),
            this,
            cluster: false,
            data_dir: Path::new("data/etcd").join(format!("{}.etcd", node.name)),
            listen_client,
            listen_peer: vec![node.address],
            cert_dir: set.dir.clone(),
            cluster_token: CLUSTER_TOKEN.to_owned(),
            peer_client_cert_auth: false,
        })
    }

    fn me(&self) -> &Member {
        &self.members[self.this]
    }

    /// Refuses two listeners on one address and port: among this member's (an unspecified
    /// address overlaps every other) and, with `cluster`, among the advertised endpoints of all
    /// members (members that share an address share a host).
    fn check_endpoints(&self) -> Result<()> {
        let me = self.me();
        let label = |m: &Member, what| format!("the {what} port of {}", m.node.name);
        let mut listeners: Vec<(SocketAddr, String)> = Vec::new();
        for ip in dedup(&self.listen_client) {
            listeners.push((SocketAddr::new(ip, me.client_port), label(me, "client")));
        }
        for ip in dedup(&self.listen_peer) {
            listeners.push((SocketAddr::new(ip, me.peer_port), label(me, "peer")));
        }
        let overlap = |a: &SocketAddr, b: &SocketAddr| {
            a.port() == b.port()
                && (a.ip() == b.ip() || a.ip().is_unspecified() || b.ip().is_unspecified())
        };
        let mut clashes = pairs(&listeners, &listeners, overlap);
        if self.cluster {
            let all: Vec<_> = (self.members.iter())
                .flat_map(|m| {
                    [
                        (
                            SocketAddr::new(m.node.address, m.client_port),
                            label(m, "client"),
                        ),
                        (
                            SocketAddr::new(m.node.address, m.peer_port),
                            label(m, "peer"),
                        ),
                    ]
                })
                .collect();
            clashes = clashes.or_else(|| pairs(&all, &all, |a, b| a == b));
        }
        match clashes {
            None => Ok(()),
            Some((endpoint, first, second)) => Err(Error::PortClash {
                endpoint,
                first,
                second,
            }),
        }
    }

    /// The YAML text etcd reads with `--config-file`. Values that YAML would not read back as
    /// the same string are double-quoted.
    pub fn to_yaml(&self) -> Result<String> {
        self.check_endpoints()?;
        let me = self.me();
        let url = |ip, port| format!("https://{}", SocketAddr::new(ip, port));
        let urls = |ips: &[IpAddr], port| {
            dedup(ips)
                .into_iter()
                .map(|ip| url(ip, port))
                .collect::<Vec<_>>()
                .join(",")
        };
        let cluster = self
            .members
            .iter()
            .enumerate()
            .filter(|(i, _)| self.cluster || *i == self.this)
            .map(|(_, m)| format!("{}={}", m.node.name, url(m.node.address, m.peer_port)))
            .collect::<Vec<_>>()
            .join(",");
        let file = |f: &str| path_scalar(&self.cert_dir.join(f));
        let mut y = String::from(
            "# etcd configuration made by `pki etcd config`; run: etcd --config-file FILE\n",
        );
        let mut kv = |k: &str, v: &str| {
            let _ = writeln!(y, "{k}: {}", scalar(v));
        };
        kv("name", &me.node.name);
        kv("data-dir", &path_str(&self.data_dir)?);
        kv("listen-peer-urls", &urls(&self.listen_peer, me.peer_port));
        kv(
            "listen-client-urls",
            &urls(&self.listen_client, me.client_port),
        );
        kv(
            "initial-advertise-peer-urls",
            &url(me.node.address, me.peer_port),
        );
        kv(
            "advertise-client-urls",
            &url(me.node.address, me.client_port),
        );
        kv("initial-cluster", &cluster);
        kv("initial-cluster-token", &self.cluster_token);
        kv("initial-cluster-state", "new");
        let _ = write!(
            y,
            "# client traffic certificates\n\
             client-transport-security:\n  \
               cert-file: {}\n  key-file: {}\n  client-cert-auth: true\n  trusted-ca-file: {}\n\
             \n\
             # peer traffic certificates\n\
             peer-transport-security:\n  \
               cert-file: {}\n  key-file: {}\n  client-cert-auth: {}\n  trusted-ca-file: {}\n  \
               auto-tls: false\n",
            file(SetFile::ClientCert.file())?,
            file(SetFile::ClientKey.file())?,
            file(SetFile::CaCert.file())?,
            file(SetFile::PeerCert.file())?,
            file(SetFile::PeerKey.file())?,
            self.peer_client_cert_auth,
            file(SetFile::CaCert.file())?,
        );
        Ok(y)
    }
}

/// The first pair of distinct entries, `a[i]` and `b[j]`, that `clash` (`b` after `a` when
/// both are the same list).
fn pairs(
    a: &[(SocketAddr, String)],
    b: &[(SocketAddr, String)],
    clash: impl Fn(&SocketAddr, &SocketAddr) -> bool,
) -> Option<(SocketAddr, String, String)> {
    let same = std::ptr::eq(a, b);
    for (i, (x, first)) in a.iter().enumerate() {
        let from = if same { i + 1 } else { 0 };
        for (y, second) in &b[from..] {
            if clash(x, y) {
                return Some((*x, first.clone(), second.clone()));
            }
        }
    }
    None
}

fn dedup(ips: &[IpAddr]) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = Vec::new();
    for ip in ips {
        if !out.contains(ip) {
            out.push(*ip);
        }
    }
    out
}

fn path_str(p: &Path) -> Result<String> {
    p.to_str()
        .map(str::to_owned)
        .ok_or_else(|| Error::NotUtf8Path { path: p.to_owned() })
}

fn path_scalar(p: &Path) -> Result<String> {
    Ok(scalar(&path_str(p)?).into_owned())
}

/// `s` as a YAML scalar that reads back as the string `s`: plain when it is made of
/// `A-Za-z0-9 . _ / - : , =`, starts with a letter, `/`, `./` or `../`, does not end with `:`,
/// and is not one of YAML 1.1's boolean or null words; double-quoted otherwise.
pub fn scalar(s: &str) -> Cow<'_, str> {
    const WORDS: [&str; 10] = [
        "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
    ];
    let start_ok = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
        || s.starts_with("./")
        || s.starts_with("../");
    let plain = start_ok
        && !s.ends_with(':')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-:,=".contains(c))
        && !WORDS.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        return Cow::Borrowed(s);
    }
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' => {
                let _ = write!(q, "\\u{:04x}", u32::from(c));
            }
            c => q.push(c),
        }
    }
    q.push('"');
    Cow::Owned(q)
}

pub mod account;
pub mod check;
#[cfg(test)]
mod tests;
