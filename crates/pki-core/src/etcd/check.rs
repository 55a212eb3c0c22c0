//! `pki etcd check`: what etcd 3.4 and Go's crypto/tls and crypto/x509 will say of a member's
//! TLS files, said before etcd says it.
//!
//! A [`Member`] is one etcd's configuration as etcd takes it: the YAML of `--config-file`
//! ([`Member::from_yaml`]), then `ETCD_*` variables ([`Member::apply_env`]) and command-line
//! flags ([`Member::apply_flags`]), relative paths as etcd resolves them (the working
//! directory). [`check`] judges the members of one cluster from their files alone, and the
//! files a client presents ([`ClientFiles`]); each [`Finding`] quotes, in its detail, the
//! error text etcd or the client will print, and says where it appears.

use std::{
    net::IpAddr,
    path::{Path, PathBuf},
};

use x509_cert::ext::pkix::name::GeneralName;
use yaml_rust2::{Yaml, YamlLoader, parser::Parser};

use crate::{
    error::{Error, IoOp, Result},
    files,
    finding::{Finding, Severity, Shown},
    key::PrivateKey,
    name, pem,
    verify::{self, Options, Purpose, Reason},
    view::CertView,
};

/// One side of a member's TLS (`client-transport-security`, `peer-transport-security`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tls {
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub trusted_ca_file: Option<PathBuf>,
    pub client_cert_auth: bool,
    /// `--client-crl-file`, `--peer-crl-file`: certificates whose serial it lists are refused.
    pub crl_file: Option<PathBuf>,
    /// `--peer-cert-allowed-cn`: the only common name a peer's certificate may have.
    pub allowed_cn: Option<String>,
    /// `--peer-cert-allowed-hostname`: a name a peer's certificate must be valid for.
    pub allowed_hostname: Option<String>,
}

impl Tls {
    fn is_set(&self) -> bool {
        self.cert_file.is_some() || self.key_file.is_some()
    }
}

/// One etcd member's configuration, as etcd 3.4 takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Where it was read from (a file, `flags`, `environment`), for messages.
    pub source: String,
    pub name: String,
    pub listen_client_urls: Vec<String>,
    pub advertise_client_urls: Vec<String>,
    pub listen_peer_urls: Vec<String>,
    pub initial_advertise_peer_urls: Vec<String>,
    pub client: Tls,
    pub peer: Tls,
    /// The gRPC gateway, which dials etcd itself with the client certificate: on by default
    /// with flags, off under `--config-file` unless `enable-grpc-gateway: true` (etcd 3.4).
    pub grpc_gateway: bool,
    /// Keys of the configuration etcd does not know, and ignores without a word.
    pub ignored: Vec<String>,
}

impl Default for Member {
    /// etcd's defaults: `http://localhost:2379` and `:2380`, no TLS, the gateway on.
    fn default() -> Member {
        Member {
            source: "defaults".into(),
            name: "default".into(),
            listen_client_urls: vec!["http://localhost:2379".into()],
            advertise_client_urls: vec!["http://localhost:2379".into()],
            listen_peer_urls: vec!["http://localhost:2380".into()],
            initial_advertise_peer_urls: vec!["http://localhost:2380".into()],
            client: Tls::default(),
            peer: Tls::default(),
            grpc_gateway: true,
            ignored: Vec::new(),
        }
    }
}

/// The settings etcd reads, by their flag names (the YAML keys are the same; the variables
/// are `ETCD_` and the name in upper case with `_`).
const SETTINGS: &[&str] = &[
    "name",
    "listen-client-urls",
    "advertise-client-urls",
    "listen-peer-urls",
    "initial-advertise-peer-urls",
    "cert-file",
    "key-file",
    "trusted-ca-file",
    "client-cert-auth",
    "peer-cert-file",
    "peer-key-file",
    "peer-trusted-ca-file",
    "peer-client-cert-auth",
    "enable-grpc-gateway",
    "client-crl-file",
    "peer-crl-file",
    "peer-cert-allowed-cn",
    "peer-cert-allowed-hostname",
];

/// Settings etcd 3.4 takes as flags and variables only: in its YAML they are ignored, and so
/// are `crl-file`, `allowed-cn` and `allowed-hostname` of a transport section.
const FLAG_ONLY: &[&str] = &[
    "client-crl-file",
    "peer-crl-file",
    "peer-cert-allowed-cn",
    "peer-cert-allowed-hostname",
];

/// etcd configuration keys that hold no TLS matter, known so that they are not called
/// ignored.
const OTHER_KEYS: &[&str] = &[
    "data-dir",
    "wal-dir",
    "initial-cluster",
    "initial-cluster-state",
    "initial-cluster-token",
    "snapshot-count",
    "heartbeat-interval",
    "election-timeout",
    "quota-backend-bytes",
    "max-snapshots",
    "max-wals",
    "cors",
    "listen-metrics-urls",
    "discovery",
    "discovery-fallback",
    "discovery-proxy",
    "discovery-srv",
    "strict-reconfig-check",
    "enable-v2",
    "enable-pprof",
    "proxy",
    "proxy-failure-wait",
    "proxy-refresh-interval",
    "proxy-dial-timeout",
    "proxy-write-timeout",
    "proxy-read-timeout",
    "debug",
    "logger",
    "log-outputs",
    "log-level",
    "force-new-cluster",
    "auto-compaction-mode",
    "auto-compaction-retention",
    "metrics",
    "max-request-bytes",
    "grpc-keepalive-min-time",
    "grpc-keepalive-interval",
    "grpc-keepalive-timeout",
    "client-transport-security",
    "peer-transport-security",
    "auth-token",
    "unsafe-no-fsync",
];

fn bad(source: &str, why: impl Into<String>) -> Error {
    Error::refused(format!("{source}: {}", why.into()))
}

fn parse_bool(source: &str, key: &str, v: &str) -> Result<bool> {
    match v {
        "true" | "1" | "t" | "T" | "TRUE" | "True" => Ok(true),
        "false" | "0" | "f" | "F" | "FALSE" | "False" => Ok(false),
        _ => Err(bad(source, format!("{key}: {v:?} is not true or false"))),
    }
}

impl Member {
    /// The YAML of `etcd --config-file`; `file` names it in messages, and relative paths are
    /// taken as they are (etcd resolves them from its working directory). YAML aliases are
    /// refused (etcd's files have none, and they can multiply a small file into gigabytes).
    pub fn from_yaml(file: &Path, text: &str) -> Result<Member> {
        let source = file.display().to_string();
        struct Aliases(bool);
        impl yaml_rust2::parser::EventReceiver for Aliases {
            fn on_event(&mut self, ev: yaml_rust2::Event) {
                if matches!(ev, yaml_rust2::Event::Alias(_)) {
                    self.0 = true;
                }
            }
        }
        let mut aliases = Aliases(false);
        Parser::new_from_str(text)
            .load(&mut aliases, true)
            .map_err(|e| bad(&source, format!("not YAML: {e}")))?;
        if aliases.0 {
            return Err(bad(&source, "YAML aliases (*name) are not supported"));
        }
        let docs =
            YamlLoader::load_from_str(text).map_err(|e| bad(&source, format!("not YAML: {e}")))?;
        let mut m = Member {
            source: source.clone(),
            grpc_gateway: false,
            ..Member::default()
        };
        let Some(doc) = docs.first() else {
            return Ok(m);
        };
        let Some(map) = doc.as_hash() else {
            return Err(bad(&source, "the configuration is not a YAML mapping"));
        };
        if doc["kind"].as_str() == Some("Pod") {
            return Member::from_pod(&source, doc);
        }
        for (k, v) in map {
            let Some(key) = k.as_str() else {
                return Err(bad(&source, "a key that is not text"));
            };
            match key {
                "client-transport-security" | "peer-transport-security" => {
                    let peer = key.starts_with("peer");
                    let Some(inner) = v.as_hash() else {
                        if v.is_null() {
                            continue;
                        }
                        return Err(bad(&source, format!("{key} is not a mapping")));
                    };
                    for (ik, iv) in inner {
                        let Some(ik) = ik.as_str() else {
                            return Err(bad(&source, format!("{key}: a key that is not text")));
                        };
                        let flag = match ik {
                            "cert-file" | "key-file" | "trusted-ca-file" | "client-cert-auth" => {
                                if peer {
                                    format!("peer-{ik}")
                                } else {
                                    ik.to_owned()
                                }
                            }
                            "auto-tls" => {
                                if scalar(iv).is_some_and(|s| !s.is_empty() && s != "false") {
                                    return Err(bad(
                                        &source,
                                        format!("{key}: {ik} is not checked by pki yet"),
                                    ));
                                }
                                continue;
                            }
                            "crl-file" | "allowed-cn" | "allowed-hostname" => {
                                if scalar(iv).is_some_and(|s| !s.is_empty()) {
                                    m.ignored.push(format!("{key}.{ik}"));
                                }
                                continue;
                            }
                            other => {
                                m.ignored.push(format!("{key}.{other}"));
                                continue;
                            }
                        };
                        let value = scalar(iv).ok_or_else(|| {
                            bad(&source, format!("{key}.{ik}: not a single value"))
                        })?;
                        m.set(&flag, &value)?;
                    }
                }
                k if FLAG_ONLY.contains(&k) => m.ignored.push(k.to_owned()),
                // embed.Config's own fields, which Go's JSON decoding matches without regard
                // to case: of these, etcd keeps CRLFile, AllowedCN and AllowedHostname (the
                // transport sections overwrite the rest).
                k if k.eq_ignore_ascii_case("ClientTLSInfo")
                    || k.eq_ignore_ascii_case("PeerTLSInfo") =>
                {
                    let peer = k.eq_ignore_ascii_case("PeerTLSInfo");
                    let Some(inner) = v.as_hash() else {
                        return Err(bad(&source, format!("{k} is not a mapping")));
                    };
                    for (ik, iv) in inner {
                        let Some(ik) = ik.as_str() else {
                            return Err(bad(&source, format!("{k}: a key that is not text")));
                        };
                        let flag = match ik.to_ascii_lowercase().as_str() {
                            "crlfile" if peer => "peer-crl-file",
                            "crlfile" => "client-crl-file",
                            "allowedcn" if peer => "peer-cert-allowed-cn",
                            "allowedhostname" if peer => "peer-cert-allowed-hostname",
                            _ => {
                                m.ignored.push(format!("{k}.{ik}"));
                                continue;
                            }
                        };
                        let value = scalar(iv)
                            .ok_or_else(|| bad(&source, format!("{k}.{ik}: not a single value")))?;
                        m.set(flag, &value)?;
                    }
                }
                k if SETTINGS.contains(&k) => {
                    let value = scalar(v)
                        .ok_or_else(|| bad(&source, format!("{k}: not a single value")))?;
                    m.set(k, &value)?;
                }
                k if OTHER_KEYS.contains(&k) => {}
                other => m.ignored.push(other.to_owned()),
            }
        }
        Ok(m)
    }

    /// A Kubernetes static pod manifest (kubeadm's /etc/kubernetes/manifests/etcd.yaml): the
    /// flags of the container that runs etcd (its `command` after the program, then its
    /// `args`), on etcd's defaults; its `env` entries with a `value` are `ETCD_*` variables.
    fn from_pod(source: &str, pod: &Yaml) -> Result<Member> {
        let containers = pod["spec"]["containers"]
            .as_vec()
            .ok_or_else(|| bad(source, "a Pod without spec.containers"))?;
        let words = |y: &Yaml| -> Result<Vec<String>> {
            match y {
                Yaml::BadValue | Yaml::Null => Ok(Vec::new()),
                Yaml::Array(items) => items
                    .iter()
                    .map(|i| {
                        scalar(i).ok_or_else(|| bad(source, "a command word that is not text"))
                    })
                    .collect(),
                _ => Err(bad(source, "a container command that is not a list")),
            }
        };
        for c in containers {
            let command = words(&c["command"])?;
            let args = words(&c["args"])?;
            let runs_etcd = command
                .first()
                .is_some_and(|p| p == "etcd" || p.ends_with("/etcd"));
            if !runs_etcd {
                continue;
            }
            let mut m = Member {
                source: source.to_owned(),
                ..Member::default()
            };
            let env: Vec<(String, String)> = c["env"]
                .as_vec()
                .map(|list| {
                    list.iter()
                        .filter_map(|e| {
                            Some((e["name"].as_str()?.to_owned(), scalar(&e["value"])?))
                        })
                        .collect()
                })
                .unwrap_or_default();
            m.apply_env(&|k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))?;
            let flags: Vec<String> = command[1..].iter().chain(&args).cloned().collect();
            m.apply_flags(&flags)
                .map_err(|e| bad(source, format!("the etcd container's flags: {e}")))?;
            return Ok(m);
        }
        Err(bad(source, "a Pod with no container that runs etcd"))
    }

    /// `ETCD_*` variables, from `env` (the process environment in `pki`), for the settings
    /// pki checks; etcd lets flags override them.
    pub fn apply_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<()> {
        for s in SETTINGS {
            if let Some(v) = env(&env_var(s)) {
                self.set(s, &v)?;
            }
        }
        Ok(())
    }

    /// etcd's own flags (`--cert-file=F`, `--cert-file F`, `-cert-file F`); flags pki does
    /// not check are skipped with their value, `--config-file` is refused here (give the file
    /// as a CONFIG).
    pub fn apply_flags(&mut self, args: &[String]) -> Result<()> {
        let mut i = 0;
        while i < args.len() {
            let arg = &args[i];
            let Some(body) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
                return Err(bad("flags", format!("{arg:?} is not a flag")));
            };
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (body, None),
            };
            if name == "config-file" {
                return Err(bad(
                    "flags",
                    "--config-file: give the file as a CONFIG of pki etcd check",
                ));
            }
            let boolean = matches!(
                name,
                "client-cert-auth" | "peer-client-cert-auth" | "enable-grpc-gateway"
            );
            // Go's flags: a flag followed by another flag (or by nothing) is a boolean one.
            let next_is_flag = args.get(i + 1).is_none_or(|n| n.starts_with('-'));
            let value = match inline {
                Some(v) => v,
                None if boolean || (next_is_flag && !SETTINGS.contains(&name)) => "true".to_owned(),
                None => {
                    i += 1;
                    args.get(i)
                        .cloned()
                        .ok_or_else(|| bad("flags", format!("--{name} needs a value")))?
                }
            };
            if SETTINGS.contains(&name) {
                self.set(name, &value)?;
            }
            i += 1;
        }
        Ok(())
    }

    fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let urls = |v: &str| v.split(',').map(|s| s.trim().to_owned()).collect();
        let path = |v: &str| (!v.is_empty()).then(|| PathBuf::from(v));
        match key {
            "name" => self.name = value.to_owned(),
            "listen-client-urls" => self.listen_client_urls = urls(value),
            "advertise-client-urls" => self.advertise_client_urls = urls(value),
            "listen-peer-urls" => self.listen_peer_urls = urls(value),
            "initial-advertise-peer-urls" => self.initial_advertise_peer_urls = urls(value),
            "cert-file" => self.client.cert_file = path(value),
            "key-file" => self.client.key_file = path(value),
            "trusted-ca-file" => self.client.trusted_ca_file = path(value),
            "client-cert-auth" => {
                self.client.client_cert_auth = parse_bool(&self.source, key, value)?
            }
            "peer-cert-file" => self.peer.cert_file = path(value),
            "peer-key-file" => self.peer.key_file = path(value),
            "peer-trusted-ca-file" => self.peer.trusted_ca_file = path(value),
            "peer-client-cert-auth" => {
                self.peer.client_cert_auth = parse_bool(&self.source, key, value)?;
            }
            "enable-grpc-gateway" => self.grpc_gateway = parse_bool(&self.source, key, value)?,
            "client-crl-file" => self.client.crl_file = path(value),
            "peer-crl-file" => self.peer.crl_file = path(value),
            "peer-cert-allowed-cn" => {
                self.peer.allowed_cn = (!value.is_empty()).then(|| value.to_owned());
            }
            "peer-cert-allowed-hostname" => {
                self.peer.allowed_hostname = (!value.is_empty()).then(|| value.to_owned());
            }
            _ => {}
        }
        Ok(())
    }
}

/// The `ETCD_*` variable of a setting (`cert-file` → `ETCD_CERT_FILE`).
fn env_var(setting: &str) -> String {
    format!("ETCD_{}", setting.to_uppercase().replace('-', "_"))
}

fn scalar(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        Yaml::Null => Some(String::new()),
        _ => None,
    }
}

/// The files a client presents (etcdctl's, kube-apiserver's `--cacert`, `--cert`, `--key`).
#[derive(Debug, Clone, Default)]
pub struct ClientFiles {
    pub cacert: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

/// What [`check`] judges at.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Unix seconds.
    pub at: i64,
    /// A certificate expiring within this many days is a warning.
    pub warn_days: u32,
    pub client: Option<ClientFiles>,
    /// The account etcd runs as, when it is not the current one: the files etcd opens are
    /// judged for it.
    pub etcd_user: Option<super::account::Account>,
}

/// Where an error will show.
const IN_ETCD_LOG: Shown = Shown::EtcdLog;
const AT_START: Shown = Shown::EtcdStart;
const IN_CLIENT: Shown = Shown::Client;

/// A certificate file, read and decoded, or the findings saying why it cannot be.
struct LoadedCert {
    path: PathBuf,
    view: CertView,
    /// The file's other certificates: Go presents them as the chain.
    rest: Vec<CertView>,
}

/// What Go's `tls.X509KeyPair` and etcd say of a cert-file and key-file pair.
fn load_pair(
    what: &str,
    cert_path: &Path,
    key_path: &Path,
    out: &mut Vec<Finding>,
) -> Option<(LoadedCert, PrivateKey)> {
    let cert = load_cert(what, cert_path, out)?;
    let bytes = read(what, key_path, out)?;
    let blocks = pem::decode_all(&bytes).unwrap_or_default();
    // An encrypted traditional key has PEM headers (Proc-Type, DEK-Info): Go finds its block
    // and fails to parse it.
    let traditional = crate::pbe::Traditional::find(&bytes).is_some();
    if blocks.is_empty() && !traditional {
        out.push(
            fail(
                "key-not-pem",
                format!("the {what} key file holds no PEM block"),
                "tls: failed to find any PEM data in key input",
                AT_START,
            )
            .in_file(key_path),
        );
        return None;
    }
    if !traditional && blocks.iter().all(|b| b.label == pem::CERTIFICATE) {
        out.push(
            fail(
                "key-is-certificate",
                format!("the {what} key file holds a certificate, not a private key"),
                "tls: found a certificate rather than a key in the PEM for the private key",
                AT_START,
            )
            .in_file(key_path)
            .fix("give the key file (…key) as key-file, the certificate as cert-file"),
        );
        return None;
    }
    let encrypted = traditional || blocks.iter().any(|b| b.label == pem::ENCRYPTED_PRIVATE_KEY);
    if encrypted {
        out.push(
            fail(
                "key-encrypted",
                format!("the {what} key is encrypted: etcd cannot read encrypted keys"),
                "tls: failed to parse private key",
                AT_START,
            )
            .in_file(key_path)
            .fix(format!(
                "decrypt it: pki openssl pkey -in {0} -out {0}.plain, then use that file",
                key_path.display()
            )),
        );
        return None;
    }
    let key = match crate::openssl::first_private_key(&bytes) {
        Ok(k) => k,
        Err(e) => {
            out.push(
                fail(
                    "key-unreadable",
                    format!("the {what} key does not decode: {e}"),
                    "tls: failed to parse private key",
                    AT_START,
                )
                .in_file(key_path),
            );
            return None;
        }
    };
    if !key.matches(&cert.view.spki) {
        out.push(
            fail(
                "key-mismatch",
                format!("the {what} key is not the certificate's key"),
                "tls: private key does not match public key",
                AT_START,
            )
            .in_file(key_path)
            .fix(format!(
                "give the key {} was made for, or make both again (pki init remakes deleted files)",
                cert.path.display()
            )),
        );
        return None;
    }
    private_readable(key_path, out);
    Some((cert, key))
}

fn private_readable(path: &Path, out: &mut Vec<Finding>) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(m) = std::fs::metadata(path)
        && m.permissions().mode() & 0o077 != 0
    {
        out.push(
            Finding::new(
                "key-readable-by-others",
                Severity::Warning,
                format!(
                    "the private key is readable by others (mode {:o})",
                    m.permissions().mode() & 0o777
                ),
            )
            .in_file(path)
            .fix(format!("chmod 600 {}", path.display())),
        );
    }
}

fn read(what: &str, path: &Path, out: &mut Vec<Finding>) -> Option<Vec<u8>> {
    match files::read_regular(path) {
        Ok(b) => Some(b),
        Err(e) => {
            let why = match &e {
                Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                    "no such file or directory".to_owned()
                }
                Error::Io { source, .. }
                    if source.kind() == std::io::ErrorKind::PermissionDenied =>
                {
                    "permission denied".to_owned()
                }
                other => other.to_string(),
            };
            out.push(
                fail(
                    "file-unreadable",
                    format!("the {what} file cannot be read: {why}"),
                    &format!("open {}: {why}", path.display()),
                    AT_START,
                )
                .in_file(path),
            );
            None
        }
    }
}

fn load_cert(what: &str, path: &Path, out: &mut Vec<Finding>) -> Option<LoadedCert> {
    let bytes = read(what, path, out)?;
    let blocks = pem::decode_all(&bytes).unwrap_or_default();
    let first = blocks.iter().find(|b| b.label == pem::CERTIFICATE);
    let Some(first) = first else {
        let (id, quote) = if blocks.iter().any(|b| b.label.contains("PRIVATE KEY")) {
            (
                "cert-is-key",
                "tls: failed to find certificate PEM data in certificate input, but did find a \
                 private key; PEM inputs may have been switched",
            )
        } else {
            (
                "cert-not-pem",
                "tls: failed to find any PEM data in certificate input",
            )
        };
        out.push(
            fail(
                id,
                format!("the {what} certificate file holds no certificate"),
                quote,
                AT_START,
            )
            .in_file(path),
        );
        return None;
    };
    match CertView::from_der(&first.der) {
        Ok(view) => Some(LoadedCert {
            path: path.to_owned(),
            view,
            rest: blocks
                .iter()
                .filter(|b| b.label == pem::CERTIFICATE)
                .skip(1)
                .filter_map(|b| CertView::from_der(&b.der).ok())
                .collect(),
        }),
        Err(e) => {
            out.push(
                fail(
                    "cert-malformed",
                    format!("the {what} certificate does not decode: {e}"),
                    "x509: malformed certificate",
                    AT_START,
                )
                .in_file(path),
            );
            None
        }
    }
}

/// The CA certificates of a trusted-ca-file or `--cacert`.
fn load_cas(what: &str, path: &Path, out: &mut Vec<Finding>) -> Option<Vec<CertView>> {
    let bytes = read(what, path, out)?;
    let blocks = pem::decode_all(&bytes).unwrap_or_default();
    let certs: Vec<CertView> = blocks
        .iter()
        .filter(|b| b.label == pem::CERTIFICATE)
        .filter_map(|b| CertView::from_der(&b.der).ok())
        .collect();
    if certs.is_empty() {
        let key = blocks.iter().any(|b| b.label.contains("PRIVATE KEY"));
        out.push(
            Finding::new(
                "ca-file-no-certificate",
                Severity::Error,
                if key {
                    format!("the {what} file holds a private key, not a CA certificate")
                } else {
                    format!("the {what} file holds no certificate")
                },
            )
            .in_file(path)
            .fix("give the CA certificate (ca.crt), never its key"),
        );
        return None;
    }
    Some(certs)
}

/// An error finding: `message`, quoting the text that appears at `where_`.
fn fail(id: &'static str, message: String, quote: &str, where_: Shown) -> Finding {
    Finding::new(id, Severity::Error, message).quote(quote, where_)
}

/// Go's `HostnameError` text for `host` (crypto/x509/verify.go).
fn hostname_error(c: &CertView, host: &str) -> Option<String> {
    let sans = c.subject_alt_name.as_deref().unwrap_or_default();
    let ips: Vec<IpAddr> = sans
        .iter()
        .filter_map(|g| match g {
            GeneralName::IpAddress(o) => crate::ext::ip_from_bytes(o.as_bytes()),
            _ => None,
        })
        .collect();
    let dns: Vec<String> = sans
        .iter()
        .filter_map(|g| match g {
            GeneralName::DnsName(s) => Some(s.to_string()),
            _ => None,
        })
        .collect();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        if ips.contains(&ip) {
            return None;
        }
        if ips.is_empty() {
            return Some(format!(
                "x509: cannot validate certificate for {host} because it doesn't contain any IP SANs"
            ));
        }
        let valid: Vec<String> = ips.iter().map(ToString::to_string).collect();
        return Some(format!(
            "x509: certificate is valid for {}, not {host}",
            valid.join(", ")
        ));
    }
    if dns.iter().any(|d| verify::host_matches(d, host)) {
        return None;
    }
    if dns.is_empty() {
        return Some(format!(
            "x509: certificate is not valid for any names, but wanted to match {host}"
        ));
    }
    Some(format!(
        "x509: certificate is valid for {}, not {host}",
        dns.join(", ")
    ))
}

/// The host of an `https://HOST:PORT` URL; `None` for other schemes.
fn https_host(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let hostport = rest.split('/').next().unwrap_or_default();
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default().to_owned()
    } else {
        hostport
            .rsplit_once(':')
            .map_or(hostport, |(h, _)| h)
            .to_owned()
    };
    Some(host)
}

/// What Go says when verifying `c` (with the other certificates of its file) for `purpose`
/// against `roots` fails; `None` when it verifies.
fn chain_error(c: &LoadedCert, roots: &[CertView], purpose: Purpose, at: i64) -> Option<String> {
    let mut o = Options::new(at);
    o.purpose = purpose;
    // Go trusts a root as it is: its basicConstraints and keyUsage are not checked.
    o.anchor_constraints = false;
    let failure = verify::verify(&c.view, roots, &c.rest, &o).err()?;
    // The certificate Go was checking against a candidate issuer, and that candidate.
    let failed = failure.chain.get(failure.depth).unwrap_or(&c.view);
    let candidate = |of: &CertView| {
        failure
            .chain
            .get(failure.depth + 1)
            .or_else(|| c.rest.iter().chain(roots).find(|r| r.subject == of.issuer))
            .map(common_name)
    };
    let hint = |why: &str, of: &CertView| match candidate(of) {
        Some(name) => format!(
            "x509: certificate signed by unknown authority (possibly because of \"{why}\" \
             while trying to verify candidate authority certificate \"{name}\")"
        ),
        None => "x509: certificate signed by unknown authority".to_owned(),
    };
    Some(match failure.reason {
        // Go ignores a leaf's keyUsage (crypto/x509 verify.go).
        Reason::LeafKeyUsage => return None,
        Reason::EkuMissing => "x509: certificate specifies an incompatible key usage".to_owned(),
        Reason::Expired | Reason::NotYetValid => {
            let t = |s: i64| crate::inspect::format::format_unix(s);
            let (now, bound) = if failure.reason == Reason::Expired {
                ("after", failed.not_after)
            } else {
                ("before", failed.not_before)
            };
            format!(
                "x509: certificate has expired or is not yet valid: current time {} is {now} {}",
                t(at),
                t(bound)
            )
        }
        // An issuer that is not a CA, or whose keyUsage lacks keyCertSign: Go's
        // checkSignatureFrom refuses it as a parent.
        Reason::NotCa | Reason::KeyUsageNoCertSign => {
            // The failure is at the CA, which Go names as the candidate of the one below.
            let name = common_name(failed);
            format!(
                "x509: certificate signed by unknown authority (possibly because of \"x509: \
                 invalid signature: parent certificate cannot sign this kind of certificate\" \
                 while trying to verify candidate authority certificate \"{name}\")"
            )
        }
        Reason::WeakSignatureAlgorithm => hint(
            &format!(
                "x509: cannot verify signature: insecure algorithm {}",
                go_algorithm(failed)
            ),
            failed,
        ),
        _ => {
            let same_name = c
                .rest
                .iter()
                .chain(roots)
                .find(|r| r.subject == failed.issuer);
            match same_name {
                Some(r) => format!(
                    "x509: certificate signed by unknown authority (possibly because of \
                     \"crypto/rsa: verification error\" while trying to verify candidate \
                     authority certificate \"{}\")",
                    common_name(r)
                ),
                _ => "x509: certificate signed by unknown authority".to_owned(),
            }
        }
    })
}

/// Go's name of a weak signature algorithm, as its InsecureAlgorithmError writes it (SHA-1
/// with the GODEBUG escape of Go 1.18 and later).
fn go_algorithm(c: &CertView) -> String {
    match c.signature_algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => {
            "SHA1-RSA (temporarily override with GODEBUG=x509sha1=1)".to_owned()
        }
        "1.2.840.10045.4.1" => {
            "ECDSA-SHA1 (temporarily override with GODEBUG=x509sha1=1)".to_owned()
        }
        "1.2.840.113549.1.1.4" => "MD5-RSA".to_owned(),
        "1.2.840.113549.1.1.2" => "MD2-RSA".to_owned(),
        other => other.to_owned(),
    }
}

fn common_name(c: &CertView) -> String {
    name::to_openssl_string(&c.subject)
        .split(", ")
        .find_map(|p| p.strip_prefix("CN = "))
        .unwrap_or_default()
        .to_owned()
}

fn subject(c: &LoadedCert) -> String {
    name::to_openssl_string(&c.view.subject)
}

/// Validity at `at` and within `warn_days`. `where_` is who verifies the certificate, and
/// `prefix` what etcd writes before Go's error there.
fn validity(
    what: &str,
    c: &LoadedCert,
    o: &CheckOptions,
    where_: Shown,
    prefix: &str,
    out: &mut Vec<Finding>,
) {
    let v = &c.view;
    let t = |s: i64| crate::inspect::format::format_unix(s);
    if o.at > v.not_after || o.at < v.not_before {
        let (id, msg, rel, bound) = if o.at > v.not_after {
            (
                "cert-expired",
                format!("the {what} certificate expired on {}", t(v.not_after)),
                "after",
                v.not_after,
            )
        } else {
            (
                "cert-not-yet-valid",
                format!(
                    "the {what} certificate is valid only from {}",
                    t(v.not_before)
                ),
                "before",
                v.not_before,
            )
        };
        let quote = format!(
            "{prefix}x509: certificate has expired or is not yet valid: current time {} is {rel} {}",
            t(o.at),
            t(bound)
        );
        out.push(
            fail(id, msg, &quote, where_)
                .in_file(&c.path)
                .subject(subject(c))
                .fix("make it again: remove it and run pki init (or pki openssl x509 -req ...)"),
        );
    } else if v.not_after - o.at < i64::from(o.warn_days) * 86_400 {
        out.push(
            Finding::new(
                "cert-expiring",
                Severity::Warning,
                format!(
                    "the {what} certificate expires on {}, within {} days",
                    t(v.not_after),
                    o.warn_days
                ),
            )
            .in_file(&c.path)
            .subject(subject(c)),
        );
    }
}

fn has_eku(c: &CertView, oid: &str) -> bool {
    c.ext_key_usage.as_ref().is_none_or(|ekus| {
        ekus.iter()
            .any(|e| e.to_string() == oid || e.to_string() == "2.5.29.37.0")
    })
}

const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";

/// Judges the members of one cluster and the client's files; the findings in the order found.
pub fn check(members: &[Member], o: &CheckOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut keys: Vec<(PathBuf, Vec<u8>, String)> = Vec::new();
    let mut peers: Vec<Option<LoadedCert>> = Vec::new();
    for m in members {
        for u in &m.ignored {
            out.push(ignored(u).in_file(&m.source));
        }
        let server = check_side(
            m,
            "client",
            &m.client,
            &m.listen_client_urls,
            &m.advertise_client_urls,
            o,
            &mut out,
            &mut keys,
        );
        let peer = check_side(
            m,
            "peer",
            &m.peer,
            &m.listen_peer_urls,
            &m.initial_advertise_peer_urls,
            o,
            &mut out,
            &mut keys,
        );
        if let Some(client) = &o.client {
            check_client(m, server.as_ref(), client, o, &mut out);
        }
        peers.push(peer);
    }
    // What each member's peer settings say of every member's peer certificate (its own
    // included: a member verifies the certificates of the members it dials the same way).
    for m in members {
        for (p, cert) in members.iter().zip(&peers) {
            let Some(cert) = cert else { continue };
            let whose = format!("{}'s peer certificate", p.name);
            if let Some(crl) = &m.peer.crl_file {
                revoked(
                    "peer-revoked",
                    &format!("etcd {} refuses {whose}", m.name),
                    cert,
                    crl,
                    &mut out,
                );
            }
            let allowed = (m.peer.allowed_cn.as_ref())
                .filter(|cn| common_name(&cert.view) != **cn)
                .map(|cn| {
                    (
                        "peer-cn-not-allowed",
                        format!("its common name is not {cn:?}"),
                    )
                })
                .or_else(|| {
                    let host = m.peer.allowed_hostname.as_ref()?;
                    hostname_error(&cert.view, host).map(|_| {
                        (
                            "peer-hostname-not-allowed",
                            format!("it is not valid for {host:?}"),
                        )
                    })
                });
            if let Some((id, why)) = allowed {
                out.push(
                    fail(
                        id,
                        format!("etcd {} refuses {whose} (--peer-cert-allowed-*): {why}", m.name),
                        "client certificate authentication failed",
                        IN_ETCD_LOG,
                    )
                    .in_file(&cert.path)
                    .subject(subject(cert))
                    .fix("reissue the peer certificates with the allowed name, or change the setting"),
                );
            }
        }
    }
    for (i, (path, spki, member)) in keys.iter().enumerate() {
        if let Some((_, _, other)) = keys[..i]
            .iter()
            .find(|(p, k, other)| k == spki && other != member && p != path)
        {
            out.push(
                Finding::new(
                    "key-shared-by-members",
                    Severity::Warning,
                    format!("members {other} and {member} use one private key"),
                )
                .in_file(path)
                .fix("give each member its own key and certificate"),
            );
        }
    }
    out
}

/// The finding when the account etcd runs as (`--etcd-user`) may not open `path`.
fn access(o: &CheckOptions, what: &str, path: &Path, shown: Shown, out: &mut Vec<Finding>) {
    let Some(account) = &o.etcd_user else {
        return;
    };
    if let Some(why) = account.cannot_read(path) {
        out.push(
            fail(
                "file-unreadable",
                format!("etcd's account cannot read the {what}: {why}"),
                &format!("open {}: permission denied", path.display()),
                shown,
            )
            .in_file(path)
            .fix(format!(
                "chown {} {} (a key: mode 600), or give the folders above it search permission",
                account.name,
                path.display()
            )),
        );
    }
}

/// etcd ignoring the YAML key `u` without a word.
fn ignored(u: &str) -> Finding {
    let flag = match u {
        "client-transport-security.crl-file" => Some("client-crl-file"),
        "peer-transport-security.crl-file" => Some("peer-crl-file"),
        "peer-transport-security.allowed-cn" => Some("peer-cert-allowed-cn"),
        "peer-transport-security.allowed-hostname" => Some("peer-cert-allowed-hostname"),
        "client-transport-security.allowed-cn" | "client-transport-security.allowed-hostname" => {
            None
        }
        u if FLAG_ONLY.contains(&u) => Some(u),
        _ => None,
    };
    let f = |message: String, fix: String| {
        Finding::new("config-key-ignored", Severity::Warning, message).fix(fix)
    };
    match flag {
        Some(flag) => f(
            format!(
                "etcd 3.4 reads {flag} only as a flag or ETCD_ variable, and ignores {u:?} in its \
                 YAML without a word: the setting is not in force"
            ),
            format!(
                "start etcd with --{flag} (then without --config-file), or write it under \
                 {}TLSInfo: in the YAML ({})",
                if flag.starts_with("peer") {
                    "Peer"
                } else {
                    "Client"
                },
                match flag {
                    "client-crl-file" | "peer-crl-file" => "CRLFile",
                    "peer-cert-allowed-cn" => "AllowedCN",
                    _ => "AllowedHostname",
                }
            ),
        ),
        None => f(
            format!("etcd does not know {u:?} and ignores it without a word"),
            if u == "advertise-client-url" {
                "write advertise-client-urls".to_owned()
            } else {
                "check the spelling against etcd's configuration file reference".to_owned()
            },
        ),
    }
}

/// A certificate of `cert`'s file whose serial the CRL at `crl` lists: etcd compares serials
/// alone (pkg/transport checkCRL), and reads the file at each connection.
fn revoked(id: &'static str, who: &str, cert: &LoadedCert, crl: &Path, out: &mut Vec<Finding>) {
    let Some(bytes) = read("CRL", crl, out) else {
        return;
    };
    let Some(crls) = verify::crl::parse_all(&[bytes]).filter(|c| !c.is_empty()) else {
        out.push(
            Finding::new(
                "crl-unreadable",
                Severity::Error,
                "the CRL file holds no CRL that decodes: etcd refuses every connection that \
                 presents a certificate",
            )
            .in_file(crl),
        );
        return;
    };
    for c in std::iter::once(&cert.view).chain(&cert.rest) {
        if crls.iter().any(|l| l.lists_serial(&c.serial)) {
            let lead = c
                .serial
                .iter()
                .position(|b| *b != 0)
                .unwrap_or(c.serial.len());
            let hex: String = c.serial[lead..]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            out.push(
                fail(
                    id,
                    format!("{who}: {} revokes it (serial {hex})", crl.display()),
                    &format!("transport: certificate serial {hex} revoked"),
                    IN_ETCD_LOG,
                )
                .in_file(&cert.path)
                .subject(name::to_openssl_string(&c.subject))
                .fix("issue a new certificate (a new serial) from the CA"),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_side(
    m: &Member,
    side: &str,
    tls: &Tls,
    listen: &[String],
    advertise: &[String],
    o: &CheckOptions,
    out: &mut Vec<Finding>,
    keys: &mut Vec<(PathBuf, Vec<u8>, String)>,
) -> Option<LoadedCert> {
    let https: Vec<&String> = listen
        .iter()
        .chain(advertise)
        .filter(|u| u.starts_with("https://"))
        .collect();
    let flag = if side == "peer" { "--peer-" } else { "--" };
    if !tls.is_set() {
        // etcd says it of a listen URL (an advertise URL alone starts).
        if let Some(u) = listen.iter().find(|u| u.starts_with("https://")) {
            // The client listeners are checked in embed; the peer ones fail in the TLS
            // listener, which names the address.
            let quote = if side == "peer" {
                let addr = u
                    .trim_start_matches("https://")
                    .split('/')
                    .next()
                    .unwrap_or_default();
                format!("cannot listen on TLS for {addr}: KeyFile and CertFile are not presented")
            } else {
                format!(
                    "TLS key/cert ({flag}cert-file, {flag}key-file) must be provided for client url {u} with HTTPS scheme"
                )
            };
            out.push(
                fail(
                    "https-without-tls",
                    format!("{u} is https, but no {side} certificate is set"),
                    &quote,
                    AT_START,
                )
                .in_file(&m.source)
                .fix(format!(
                    "set {flag}cert-file and {flag}key-file, or listen on http://"
                )),
            );
        } else if let Some(u) = https.first() {
            out.push(
                Finding::new(
                    "https-without-tls",
                    Severity::Error,
                    format!(
                        "{u} is advertised as https, but no {side} certificate is set: etcd listens on plain http"
                    ),
                )
                .in_file(&m.source)
                .fix(format!("set {flag}cert-file and {flag}key-file")),
            );
        }
        return None;
    }
    if let Some(u) = listen
        .iter()
        .chain(advertise)
        .find(|u| u.starts_with("http://"))
    {
        out.push(
            Finding::new(
                "http-with-tls",
                Severity::Warning,
                format!(
                    "{u} is plain http while {side} TLS files are set: etcd ignores them there"
                ),
            )
            .in_file(&m.source)
            .fix("write https:// URLs"),
        );
    }
    let (Some(cert_path), Some(key_path)) = (&tls.cert_file, &tls.key_file) else {
        out.push(
            Finding::new(
                "tls-half-set",
                Severity::Error,
                format!("only one of {flag}cert-file and {flag}key-file is set"),
            )
            .in_file(&m.source),
        );
        return None;
    };
    for (file, path) in [("cert-file", Some(cert_path)), ("key-file", Some(key_path))]
        .into_iter()
        .chain([("trusted-ca-file", tls.trusted_ca_file.as_ref())])
        .chain([("crl-file", tls.crl_file.as_ref())])
    {
        if let Some(path) = path {
            let shown = if file == "crl-file" {
                IN_ETCD_LOG
            } else {
                AT_START
            };
            access(o, &format!("{side} {file}"), path, shown, out);
        }
    }
    let (cert, _key) = load_pair(side, cert_path, key_path, out)?;
    keys.push((
        key_path.clone(),
        cert.view.spki.subject_public_key.raw_bytes().to_vec(),
        m.name.clone(),
    ));
    let where_ = if side == "peer" {
        IN_ETCD_LOG
    } else {
        IN_CLIENT
    };
    validity(side, &cert, o, where_, "", out);
    // Clients and peers check the host they dial in the serving certificate.
    for u in advertise {
        if let Some(host) = https_host(u)
            && let Some(err) = hostname_error(&cert.view, &host)
        {
            let shown = u.clone();
            out.push(
                fail(
                    "san-missing-host",
                    format!(
                        "the {side} certificate does not name {host}, which {} advertises",
                        m.name
                    ),
                    &err,
                    if side == "peer" { IN_ETCD_LOG } else { IN_CLIENT },
                )
                .in_file(&cert.path)
                .subject(subject(&cert))
                .fix(format!(
                    "reissue it with {host} in subjectAltName (pki init --node {}={host}); {shown} is dialled by that name",
                    m.name
                )),
            );
        }
    }
    let v = &cert.view;
    // etcd checks a connecting peer's certificate against the address it connects from
    // (pkg/transport checkCertSAN): DNS names only are resolved at each connection.
    if side == "peer" && tls.trusted_ca_file.is_some() {
        let sans = v.subject_alt_name.as_deref().unwrap_or_default();
        let has_ip = sans.iter().any(|g| matches!(g, GeneralName::IpAddress(_)));
        let dns: Vec<String> = sans
            .iter()
            .filter_map(|g| match g {
                GeneralName::DnsName(d) => Some(format!("{:?}", d.to_string())),
                _ => None,
            })
            .collect();
        let from = advertise.iter().find_map(|u| https_host(u));
        if let (false, false, Some(from)) = (has_ip, dns.is_empty(), from) {
            out.push(
                Finding::new(
                    "peer-san-dns-only",
                    Severity::Warning,
                    format!(
                        "the peer certificate of {} names no IP address: the members it \
                         connects to resolve its DNS names at each connection and refuse it \
                         unless one resolves to its address (DNS often fails in air-gapped \
                         networks)",
                        m.name
                    ),
                )
                .quote(
                    format!(
                        "tls: {from:?} does not match any of DNSNames [{}]",
                        dns.join(" ")
                    ),
                    IN_ETCD_LOG,
                )
                .in_file(&cert.path)
                .subject(subject(&cert))
                .fix(format!("reissue it with IP:{from} in subjectAltName")),
            );
        }
    }
    if !has_eku(v, SERVER_AUTH) {
        out.push(
            fail(
                "eku-server-auth-missing",
                format!("the {side} certificate serves TLS but lacks serverAuth"),
                "x509: certificate specifies an incompatible key usage",
                if side == "peer" {
                    IN_ETCD_LOG
                } else {
                    IN_CLIENT
                },
            )
            .in_file(&cert.path)
            .subject(subject(&cert))
            .fix("reissue it with extendedKeyUsage = serverAuth, clientAuth"),
        );
    }
    let dials = side == "peer" || (m.grpc_gateway && tls.client_cert_auth);
    if dials && !has_eku(v, CLIENT_AUTH) {
        let why = if side == "peer" {
            "members dial each other with it"
        } else {
            "etcd's gRPC gateway dials etcd with it"
        };
        out.push(
            fail(
                "eku-client-auth-missing",
                format!("the {side} certificate lacks clientAuth, and {why}"),
                "tls: failed to verify client certificate: x509: certificate specifies an incompatible key usage",
                IN_ETCD_LOG,
            )
            .in_file(&cert.path)
            .subject(subject(&cert))
            .fix("reissue it with extendedKeyUsage = serverAuth, clientAuth"),
        );
    }
    if let Some(ca_path) = &tls.trusted_ca_file
        && let Some(cas) = load_cas(&format!("{side} trusted-ca-file"), ca_path, out)
    {
        for ca in &cas {
            let cert_ca = ca.basic_constraints.as_ref().is_some_and(|b| b.ca);
            if !cert_ca {
                out.push(
                    Finding::new(
                        "ca-not-ca",
                        Severity::Warning,
                        "a certificate of the trusted CA file is not a CA (basicConstraints \
                         CA:TRUE is missing): Go trusts it as a root, OpenSSL and other \
                         verifiers refuse it",
                    )
                    .in_file(ca_path)
                    .subject(name::to_openssl_string(&ca.subject))
                    .fix("trust the CA certificate (ca.crt), made with basicConstraints = critical, CA:TRUE"),
                );
            }
        }
        if let Some(err) = chain_error(&cert, &cas, Purpose::Any, o.at)
            && !err.starts_with("x509: certificate has expired")
            && !err.contains("incompatible key usage")
        {
            out.push(
                fail(
                    "chain-untrusted",
                    format!(
                        "the {side} certificate does not chain to the {side} trusted-ca-file {}",
                        ca_path.display()
                    ),
                    &err,
                    if side == "peer" {
                        IN_ETCD_LOG
                    } else {
                        IN_CLIENT
                    },
                )
                .in_file(&cert.path)
                .subject(subject(&cert))
                .fix("issue it from the CA in the trusted-ca-file, or trust the CA that issued it"),
            );
        }
    } else if tls.client_cert_auth && tls.trusted_ca_file.is_none() {
        out.push(
            Finding::new(
                "client-cert-auth-without-ca",
                Severity::Error,
                format!("{side} client-cert-auth is on but no trusted-ca-file is set"),
            )
            .in_file(&m.source),
        );
    }
    Some(cert)
}

/// What a client presenting `c` will meet at `m`, whose serving certificate is `server`.
fn check_client(
    m: &Member,
    server: Option<&LoadedCert>,
    c: &ClientFiles,
    o: &CheckOptions,
    out: &mut Vec<Finding>,
) {
    if let (Some(cacert), Some(server)) = (&c.cacert, server)
        && let Some(cas) = load_cas("--cacert", cacert, out)
        && let Some(err) = chain_error(server, &cas, Purpose::ServerAuth, o.at)
        && !err.starts_with("x509: certificate has expired")
    {
        out.push(
            fail(
                "server-untrusted-by-client",
                format!(
                    "{}'s serving certificate does not chain to the client's --cacert {}",
                    m.name,
                    cacert.display()
                ),
                &err,
                IN_CLIENT,
            )
            .in_file(&server.path)
            .subject(subject(server))
            .fix("give the client the CA that issued etcd's certificate as --cacert"),
        );
    }
    match (&c.cert, &c.key) {
        (Some(cert), Some(key)) => {
            let Some((cert, _)) = load_pair("client's", cert, key, out) else {
                return;
            };
            validity(
                "client's",
                &cert,
                o,
                IN_ETCD_LOG,
                "tls: failed to verify client certificate: ",
                out,
            );
            if let Some(crl) = &m.client.crl_file {
                revoked(
                    "client-revoked",
                    &format!("etcd {} refuses the client's certificate", m.name),
                    &cert,
                    crl,
                    out,
                );
            }
            if !m.client.client_cert_auth {
                return;
            }
            let Some(ca) = &m.client.trusted_ca_file else {
                return;
            };
            let Some(cas) = load_cas("trusted-ca-file", ca, &mut Vec::new()) else {
                return;
            };
            if let Some(err) = chain_error(&cert, &cas, Purpose::ClientAuth, o.at)
                && !err.starts_with("x509: certificate has expired")
            {
                let id = if err.contains("incompatible key usage") {
                    "eku-client-auth-missing"
                } else {
                    "client-untrusted"
                };
                out.push(
                    fail(
                        id,
                        format!(
                            "etcd {} refuses the client's certificate: {}",
                            m.name,
                            if id == "client-untrusted" {
                                "it does not chain to etcd's trusted-ca-file"
                            } else {
                                "it lacks clientAuth"
                            }
                        ),
                        &format!("tls: failed to verify client certificate: {err}"),
                        IN_ETCD_LOG,
                    )
                    .in_file(&cert.path)
                    .subject(subject(&cert))
                    .fix(if id == "client-untrusted" {
                        "use a client certificate issued by the CA in etcd's trusted-ca-file"
                    } else {
                        "reissue it with extendedKeyUsage = clientAuth"
                    }),
                );
            }
        }
        (None, None) if m.client.client_cert_auth => out.push(
            fail(
                "client-certificate-missing",
                format!(
                    "etcd {} asks clients for a certificate, and none is given",
                    m.name
                ),
                "tls: client didn't provide a certificate",
                IN_ETCD_LOG,
            )
            .fix("give the client --cert and --key"),
        ),
        (None, None) => {}
        _ => out.push(Finding::new(
            "client-files-half-set",
            Severity::Error,
            "give both --cert and --key, or neither",
        )),
    }
}

/// The `ETCD_*` variables of the settings pki checks that `env` has (etcd ignores them under
/// `--config-file`).
pub fn env_settings(env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    SETTINGS
        .iter()
        .map(|s| env_var(s))
        .filter(|v| env(v).is_some())
        .collect()
}

/// Reads a CONFIG argument: etcd's YAML configuration file.
pub fn read_config(path: &Path) -> Result<Member> {
    let bytes = files::read_regular(path)?;
    let text = String::from_utf8(bytes).map_err(|_| Error::Io {
        op: IoOp::Read,
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"),
    })?;
    Member::from_yaml(path, &text)
}
