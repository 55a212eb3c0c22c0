//! Tests of the etcd module: the node list, the endpoint checks and the YAML scalars, each
//! refusal by its error variant. `crates/pki-cli/tests/etcd.rs` pins whole outputs.

#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test.

use super::*;

/// The openssl.conf `pki init` writes for `nodes`.
fn conf_for(nodes: &[(&str, &str)]) -> Conf {
    let mut plan = crate::init::Plan::new("certs");
    plan.nodes = nodes
        .iter()
        .map(|(n, a)| Node::new(n, a).unwrap())
        .collect();
    Conf::parse("certs/openssl.conf", &plan.openssl_conf()).unwrap()
}

fn set(nodes: &[(&str, &str)]) -> Set {
    Set {
        dir: PathBuf::from("certs"),
        nodes: nodes_of(&conf_for(nodes)).unwrap(),
    }
}

const SEED: [(&str, &str); 3] = [
    ("etcd01", "192.168.31.17"),
    ("etcd02", "192.168.31.18"),
    ("etcd03", "192.168.31.19"),
];

#[test]
fn nodes_pair_dns_i_with_ip_i_plus_1() {
    let s = set(&[("a", "10.0.0.1"), ("b", "127.0.0.1"), ("c", "fd00::3")]);
    let got: Vec<String> = s.nodes.iter().map(ToString::to_string).collect();
    assert_eq!(got, ["a=10.0.0.1", "b=127.0.0.1", "c=fd00::3"]);
}

#[test]
fn conf_that_is_not_a_node_list_is_refused() {
    let head = "[ v3_req ]\nsubjectAltName = @alt\n[ alt ]\n";
    for (alt, want) in [
        ("IP.1 = 127.0.0.1\n", "the subjectAltName has no DNS name"),
        (
            "DNS.1 = a\nIP.1 = 10.0.0.1\nIP.2 = 10.0.0.2\n",
            "the subjectAltName must hold IP 127.0.0.1 and then one IP address per DNS name",
        ),
        (
            "DNS.1 = a\nDNS.2 = a\nIP.1 = 127.0.0.1\nIP.2 = 10.0.0.1\nIP.3 = 10.0.0.2\n",
            "a DNS name appears twice",
        ),
        (
            "DNS.1 = a\nDNS.2 = b\nIP.1 = 127.0.0.1\nIP.2 = 10.0.0.1\n",
            "the subjectAltName must hold IP 127.0.0.1 and then one IP address per DNS name",
        ),
    ] {
        let conf = Conf::parse("c", &format!("{head}{alt}")).unwrap();
        match nodes_of(&conf) {
            Err(Error::NodeList { reason }) => assert_eq!(reason, want, "{alt}"),
            other => panic!("{alt}: {other:?}"),
        }
    }
    let conf = Conf::parse("c", "[ v3_req ]\nbasicConstraints = CA:FALSE\n").unwrap();
    assert!(matches!(
        nodes_of(&conf),
        Err(Error::NodeList {
            reason: "[v3_req] has no subjectAltName"
        })
    ));
    let conf = Conf::parse("c", "[ other ]\n").unwrap();
    assert!(matches!(nodes_of(&conf), Err(Error::Conf(_))));
}

#[test]
fn unknown_node_lists_the_known_ones() {
    match Config::new(&set(&SEED), "etcd04") {
        Err(Error::UnknownNode { name, conf, known }) => {
            assert_eq!(name, "etcd04");
            assert_eq!(conf, Path::new("certs/openssl.conf"));
            assert_eq!(known, ["etcd01", "etcd02", "etcd03"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn seed_defaults() {
    let c = Config::new(&set(&SEED), "etcd02").unwrap();
    assert_eq!(c.this, 1);
    assert_eq!(c.data_dir, Path::new("data/etcd/etcd02.etcd"));
    assert_eq!(
        c.listen_client,
        [
            "192.168.31.18".parse::<IpAddr>().unwrap(),
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        ]
    );
    assert_eq!(c.listen_peer, ["192.168.31.18".parse::<IpAddr>().unwrap()]);
    assert!(
        c.members
            .iter()
            .all(|m| (m.client_port, m.peer_port) == (2379, 2380))
    );
    // A node on 127.0.0.1 listens there once.
    let c = Config::new(&set(&[("x", "127.0.0.1")]), "x").unwrap();
    assert_eq!(c.listen_client, [IpAddr::V4(Ipv4Addr::LOCALHOST)]);
    let y = c.to_yaml().unwrap();
    assert!(
        y.contains("\nlisten-client-urls: https://127.0.0.1:2379\n"),
        "{y}"
    );
}

fn clash(c: &Config) -> (String, String, String) {
    match c.to_yaml() {
        Err(Error::PortClash {
            endpoint,
            first,
            second,
        }) => (endpoint.to_string(), first, second),
        other => panic!("{other:?}"),
    }
}

#[test]
fn two_listeners_on_one_endpoint_are_refused() {
    let mut c = Config::new(&set(&SEED), "etcd01").unwrap();
    c.members[0].peer_port = 2379;
    assert_eq!(
        clash(&c),
        (
            "192.168.31.17:2379".into(),
            "the client port of etcd01".into(),
            "the peer port of etcd01".into()
        )
    );
    // 0.0.0.0 overlaps every address of the same port.
    let mut c = Config::new(&set(&SEED), "etcd01").unwrap();
    c.members[0].peer_port = 2379;
    c.listen_client = vec![IpAddr::V4(Ipv4Addr::UNSPECIFIED)];
    assert_eq!(clash(&c).0, "0.0.0.0:2379");
    // Other members count only with --cluster, and only where they share this node's address.
    let s = set(&[("x", "127.0.0.1"), ("y", "127.0.0.1"), ("z", "10.0.0.3")]);
    let mut c = Config::new(&s, "x").unwrap();
    c.to_yaml().unwrap();
    c.cluster = true;
    assert_eq!(
        clash(&c),
        (
            "127.0.0.1:2379".into(),
            "the client port of x".into(),
            "the client port of y".into()
        )
    );
    c.members[1].client_port = 12379;
    c.members[1].peer_port = 12380;
    c.to_yaml().unwrap();
    // x and y clash in every member's configuration; z, elsewhere, may use x's ports.
    let mut c = Config::new(&s, "z").unwrap();
    c.cluster = true;
    assert_eq!(clash(&c).0, "127.0.0.1:2379");
    c.members[1].client_port = 12379;
    c.members[1].peer_port = 12380;
    c.to_yaml().unwrap();
}

#[test]
fn paths_must_be_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let mut c = Config::new(&set(&SEED), "etcd01").unwrap();
    c.cert_dir = PathBuf::from(std::ffi::OsStr::from_bytes(b"/etc/\xff"));
    assert!(
        matches!(c.to_yaml(), Err(Error::NotUtf8Path { path }) if path == c.cert_dir.join("client.crt"))
    );
}

#[test]
fn plain_scalars_stay_plain() {
    for s in [
        "etcd01",
        "data/etcd/etcd01.etcd",
        "./client.crt",
        "../certs/ca.crt",
        "/etc/etcd/ca.crt",
        "https://127.0.0.1:2379,https://[::1]:2379",
        "etcd01=https://10.0.0.1:2380",
    ] {
        // `[` and `]` (IPv6 URLs) are not in the plain set: they are quoted.
        let want = s.contains('[').then(|| format!("\"{s}\""));
        assert_eq!(scalar(s), want.unwrap_or_else(|| s.to_owned()), "{s}");
    }
}

#[test]
fn scalars_yaml_would_misread_are_quoted() {
    for (s, q) in [
        ("", r#""""#),
        ("yes", r#""yes""#),
        ("NULL", r#""NULL""#),
        ("~", r#""~""#),
        ("2379", r#""2379""#),
        (".5", r#"".5""#),
        ("-x", r#""-x""#),
        ("a:", r#""a:""#),
        ("a b", r#""a b""#),
        ("certs #1", r#""certs #1""#),
        ("a: b", r#""a: b""#),
        (r#"say "hi" \o/"#, r#""say \"hi\" \\o/""#),
        ("line\nbreak\ttab\u{7}", r#""line\nbreak\ttab\u0007""#),
        ("dé", r#""dé""#),
    ] {
        assert_eq!(scalar(s), q, "{s:?}");
    }
}
