//! `pki etcd check`: good sets (pki's, and the seed's etcd.yaml on OpenSSL 3.0.19's set)
//! pass; each broken set, made with pki and with the real openssl, is predicted with its rule
//! id and the exact text Go's crypto/tls or crypto/x509 and etcd will print. (`cargo xtask
//! e2e` confirms the client-side predictions against a running etcd.)

mod jsonschema;
mod util;

use std::fs;

use serde_json::Value;
use util::{TestDir, data_path, openssl, pki, reference};

/// A pki set for etcd01 at `addr`, and its etcd.yaml as `pki etcd config` writes it.
fn set(d: &TestDir, dir: &str, addr: &str) -> String {
    pki(d, &["init", dir, "--node", &format!("etcd01={addr}")], &[]).ok();
    let yaml = pki(d, &["etcd", "config", "etcd01", "--dir", dir], &[])
        .ok()
        .stdout();
    let file = format!("{dir}.yaml");
    fs::write(d.join(&file), yaml).expect("write");
    file
}

fn check(d: &TestDir, args: &[&str], env: &[(&str, &str)]) -> util::Run {
    pki(d, &[&["etcd", "check"][..], args].concat(), env)
}

/// Exit 1, and the rule and quote in the text output.
fn predicts(d: &TestDir, args: &[&str], rule: &str, quote: &str) {
    let r = check(d, args, &[]);
    assert_eq!(r.code(), Some(1), "{args:?}: {}", r.stdout());
    let out = r.stdout();
    assert!(
        out.contains(&format!("error   {rule}: ")),
        "{args:?}: no {rule}:\n{out}"
    );
    assert!(out.contains(quote), "{args:?}: no {quote:?}:\n{out}");
}

#[test]
fn good_sets_pass() {
    let d = TestDir::new("etcd-check");
    let yaml = set(&d, "certs", "127.0.0.1");
    let r = check(&d, &[&yaml], &[]).ok();
    assert_eq!(
        r.stdout(),
        format!("etcd01 ({yaml}): etcd will work: no findings\n")
    );
    check(
        &d,
        &[
            &yaml,
            "--cacert",
            "certs/ca.crt",
            "--cert",
            "certs/client.crt",
            "--key",
            "certs/client.key",
        ],
        &[],
    )
    .ok();
    // The seed's own etcd.yaml on the seed's files as OpenSSL 3.0.19 made them (paths are
    // relative to etcd's working folder): etcd works, but ignores the seed's misspelt
    // advertise-client-url, and then advertises the default http URL.
    let seed = TestDir::new("etcd-check-seed");
    fs::create_dir_all(seed.join("certs")).expect("mkdir");
    for f in ["ca.crt", "client.crt", "client.key", "peer.crt", "peer.key"] {
        fs::copy(reference().join(f), seed.join(&format!("certs/{f}"))).expect("copy");
    }
    fs::copy(data_path("seed/etcd.yaml"), seed.join("etcd.yaml")).expect("copy");
    let r = check(&seed, &["etcd.yaml", "--at", "2026-12-01T00:00:00Z"], &[]);
    assert_eq!(r.code(), Some(0), "{}", r.stdout());
    let out = r.stdout();
    assert!(!out.contains("error "), "{out}");
    assert!(out.contains("warning config-key-ignored"), "{out}");
    assert!(out.contains("write advertise-client-urls"), "{out}");
}

#[test]
fn broken_files_are_predicted_with_the_text_go_prints() {
    let d = TestDir::new("etcd-check");
    let yaml = set(&d, "certs", "127.0.0.1");
    let text = fs::read_to_string(d.join(&yaml)).expect("read");
    let variant = |name: &str, from: &str, to: &str| {
        assert!(text.contains(from), "{from}");
        fs::write(d.join(name), text.replace(from, to)).expect("write");
    };
    variant(
        "mismatch.yaml",
        "key-file: certs/client.key",
        "key-file: certs/peer.key",
    );
    predicts(
        &d,
        &["mismatch.yaml"],
        "key-mismatch",
        "tls: private key does not match public key",
    );
    variant(
        "swapped.yaml",
        "cert-file: certs/client.crt",
        "cert-file: certs/client.key",
    );
    predicts(
        &d,
        &["swapped.yaml"],
        "cert-is-key",
        "tls: failed to find certificate PEM data in certificate input, but did find a private \
         key; PEM inputs may have been switched",
    );
    variant(
        "keycert.yaml",
        "key-file: certs/client.key",
        "key-file: certs/client.crt",
    );
    predicts(
        &d,
        &["keycert.yaml"],
        "key-is-certificate",
        "tls: found a certificate rather than a key in the PEM for the private key",
    );
    variant(
        "missing.yaml",
        "cert-file: certs/client.crt",
        "cert-file: certs/nothing.crt",
    );
    predicts(
        &d,
        &["missing.yaml"],
        "file-unreadable",
        "open certs/nothing.crt: no such file or directory",
    );
    // An encrypted key, as openssl writes one.
    openssl(
        &d,
        &[
            "pkey",
            "-in",
            "certs/client.key",
            "-aes256",
            "-passout",
            "pass:secret",
            "-out",
            "enc.key",
        ],
    )
    .ok();
    variant(
        "enc.yaml",
        "key-file: certs/client.key",
        "key-file: enc.key",
    );
    predicts(
        &d,
        &["enc.yaml"],
        "key-encrypted",
        "tls: failed to parse private key",
    );
    // Expired at --at.
    predicts(
        &d,
        &[&yaml, "--at", "2099-01-01T00:00:00Z"],
        "cert-expired",
        "x509: certificate has expired or is not yet valid: current time 2099-01-01T00:00:00Z is after",
    );
    // The advertised address is not in the SAN.
    variant(
        "san.yaml",
        "advertise-client-urls: https://127.0.0.1:2379",
        "advertise-client-urls: https://10.0.0.4:2379",
    );
    predicts(
        &d,
        &["san.yaml"],
        "san-missing-host",
        "x509: certificate is valid for 127.0.0.1, 127.0.0.1, not 10.0.0.4",
    );
    // An IP written as a DNS name, by the real openssl.
    openssl(
        &d,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "dns.key",
            "-subj",
            "/CN=etcd01",
            "-out",
            "dns.csr",
        ],
    )
    .ok();
    fs::write(
        d.join("dns.cnf"),
        "[e]\nsubjectAltName = DNS:10.0.0.4\nextendedKeyUsage = serverAuth, clientAuth\n",
    )
    .expect("write");
    for (out, ext) in [("dns.crt", "e"), ("noclient.crt", "n")] {
        if ext == "n" {
            fs::write(
                d.join("dns.cnf"),
                "[e]\nsubjectAltName = DNS:10.0.0.4\nextendedKeyUsage = serverAuth, clientAuth\n\
                 [n]\nsubjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n",
            )
            .expect("write");
        }
        openssl(
            &d,
            &[
                "x509",
                "-req",
                "-in",
                "dns.csr",
                "-CA",
                "certs/ca.crt",
                "-CAkey",
                "certs/ca.key",
                "-set_serial",
                "77",
                "-extfile",
                "dns.cnf",
                "-extensions",
                ext,
                "-out",
                out,
            ],
        )
        .ok();
    }
    let dns = text
        .replace(
            "advertise-client-urls: https://127.0.0.1:2379",
            "advertise-client-urls: https://10.0.0.4:2379",
        )
        .replace("cert-file: certs/client.crt", "cert-file: dns.crt")
        .replace("key-file: certs/client.key", "key-file: dns.key");
    fs::write(d.join("dns.yaml"), dns).expect("write");
    predicts(
        &d,
        &["dns.yaml"],
        "san-missing-host",
        "x509: cannot validate certificate for 10.0.0.4 because it doesn't contain any IP SANs",
    );
    // A peer certificate without clientAuth: members dial each other with it.
    variant(
        "peer.yaml",
        "cert-file: certs/peer.crt",
        "cert-file: noclient.crt",
    );
    let peer = fs::read_to_string(d.join("peer.yaml"))
        .expect("read")
        .replace("key-file: certs/peer.key", "key-file: dns.key");
    fs::write(d.join("peer.yaml"), peer).expect("write");
    predicts(
        &d,
        &["peer.yaml"],
        "eku-client-auth-missing",
        "tls: failed to verify client certificate: x509: certificate specifies an incompatible \
         key usage",
    );
}

#[test]
fn clients_flags_and_environment() {
    let d = TestDir::new("etcd-check");
    let yaml = set(&d, "certs", "127.0.0.1");
    set(&d, "other", "127.0.0.1");
    predicts(
        &d,
        &[
            &yaml,
            "--cacert",
            "certs/ca.crt",
            "--cert",
            "other/client.crt",
            "--key",
            "other/client.key",
        ],
        "client-untrusted",
        "tls: failed to verify client certificate: x509: certificate signed by unknown authority",
    );
    predicts(
        &d,
        &[&yaml, "--cacert", "certs/ca.crt"],
        "client-certificate-missing",
        "tls: client didn't provide a certificate",
    );
    predicts(
        &d,
        &[&yaml, "--cacert", "other/ca.crt"],
        "server-untrusted-by-client",
        "x509: certificate signed by unknown authority",
    );
    // etcd's flags after --, and ETCD_* variables, without a file.
    predicts(
        &d,
        &[
            "--",
            "--listen-client-urls=https://127.0.0.1:2379",
            "--advertise-client-urls",
            "https://127.0.0.1:2379",
        ],
        "https-without-tls",
        "TLS key/cert (--cert-file, --key-file) must be provided for client url \
         https://127.0.0.1:2379 with HTTPS scheme",
    );
    let r = check(
        &d,
        &[
            "--",
            "--listen-client-urls=https://127.0.0.1:2379",
            "--advertise-client-urls=https://127.0.0.1:2379",
        ],
        &[
            ("ETCD_CERT_FILE", "certs/client.crt"),
            ("ETCD_KEY_FILE", "certs/peer.key"),
        ],
    );
    assert_eq!(r.code(), Some(1));
    assert!(
        r.stdout().contains("error   key-mismatch: "),
        "{}",
        r.stdout()
    );
    // JSON: one document, every finding with its id.
    let r = check(&d, &[&yaml, "--json", "--at", "2099-01-01T00:00:00Z"], &[]);
    assert_eq!(r.code(), Some(1));
    let doc: Value = serde_json::from_str(r.stdout().trim()).expect("JSON");
    let errors = jsonschema::validate(&jsonschema::schema(), &doc);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(doc["schema"], "pki.etcd-check.v1");
    assert_eq!(doc["verdict"], "will-fail");
    let ids: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(ids.contains(&"cert-expired"), "{ids:?}");
    // The quote is structured: the text, and where it shows.
    let expired = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "cert-expired")
        .expect("cert-expired");
    assert_eq!(expired["quote"]["in"], "client");
    assert!(
        expired["quote"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("x509: certificate has expired or is not yet valid: ")),
        "{expired}"
    );
}

#[test]
fn unreadable_configurations_exit_2() {
    let d = TestDir::new("etcd-check");
    fs::write(d.join("bad.yaml"), "name: [unclosed\n").expect("write");
    fs::write(
        d.join("alias.yaml"),
        "a: &x [1, 2]\nb: [*x, *x, *x]\nname: etcd01\n",
    )
    .expect("write");
    fs::write(d.join("list.yaml"), "- a\n- b\n").expect("write");
    for (f, why) in [
        ("bad.yaml", "not YAML"),
        ("alias.yaml", "YAML aliases"),
        ("list.yaml", "not a YAML mapping"),
        ("none.yaml", "No such file"),
    ] {
        let r = check(&d, &[f], &[]);
        assert_eq!(r.code(), Some(2), "{f}");
        let err = r.stderr();
        assert!(err.contains(f) && err.contains(why), "{f}: {err}");
        assert_eq!(err.lines().count(), 1, "{f}: {err}");
    }
}

/// kubeadm's static pod manifest: the etcd container's flags, judged as etcd would take them.
#[test]
fn kubernetes_static_pod_manifests() {
    let d = TestDir::new("etcd-check");
    set(&d, "certs", "10.0.0.5");
    let pod = |advertise: &str, key: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\n  namespace: kube-system\n\
             spec:\n  containers:\n  - command:\n    - etcd\n    - --advertise-client-urls={advertise}\n\
             \x20   - --cert-file=certs/client.crt\n    - --key-file={key}\n    - --client-cert-auth=true\n\
             \x20   - --trusted-ca-file=certs/ca.crt\n    - --listen-client-urls=https://127.0.0.1:2379,{advertise}\n\
             \x20   - --force-new-cluster\n    - --name\n    - etcd01\n\
             \x20   - --peer-cert-file=certs/peer.crt\n    - --peer-key-file=certs/peer.key\n\
             \x20   - --peer-trusted-ca-file=certs/ca.crt\n\
             \x20   - --listen-peer-urls=https://10.0.0.5:2380\n\
             \x20   - --initial-advertise-peer-urls=https://10.0.0.5:2380\n\
             \x20   image: registry.k8s.io/etcd:3.5.9-0\n    name: etcd\n"
        )
    };
    fs::write(
        d.join("good.yaml"),
        pod("https://10.0.0.5:2379", "certs/client.key"),
    )
    .expect("write");
    let r = check(&d, &["good.yaml"], &[]);
    assert_eq!(r.code(), Some(0), "{}", r.stdout());
    assert!(
        r.stdout().starts_with("etcd01 (good.yaml): etcd will work"),
        "{}",
        r.stdout()
    );
    fs::write(
        d.join("san.yaml"),
        pod("https://10.0.0.4:2379", "certs/client.key"),
    )
    .expect("write");
    predicts(
        &d,
        &["san.yaml"],
        "san-missing-host",
        "x509: certificate is valid for 127.0.0.1, 10.0.0.5, not 10.0.0.4",
    );
    fs::write(
        d.join("key.yaml"),
        pod("https://10.0.0.5:2379", "certs/peer.key"),
    )
    .expect("write");
    predicts(
        &d,
        &["key.yaml"],
        "key-mismatch",
        "tls: private key does not match public key",
    );
    fs::write(
        d.join("nopod.yaml"),
        "kind: Pod\nspec:\n  containers:\n  - name: x\n    command: [sh]\n",
    )
    .expect("write");
    let r = check(&d, &["nopod.yaml"], &[]);
    assert_eq!(r.code(), Some(2));
    assert!(
        r.stderr().contains("no container that runs etcd"),
        "{}",
        r.stderr()
    );
}

/// Issuers Go refuses (an intermediate with CA:FALSE, one without keyCertSign), SHA-1, a
/// traditional encrypted key and a peer https URL without TLS, all made with the real openssl;
/// each quote is the text etcd 3.4 logs (`cargo xtask e2e` confirms them against etcd).
#[test]
fn issuers_and_algorithms_go_refuses() {
    let d = TestDir::new("etcd-check");
    let yaml = set(&d, "certs", "127.0.0.1");
    fs::write(
        d.join("ext.cnf"),
        "[leaf]\nsubjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth, clientAuth\n\
         [not_ca]\nbasicConstraints = critical, CA:FALSE\n\
         [no_sign]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, digitalSignature\n",
    )
    .expect("write");
    let sign = |csr: &str, ca: &str, ca_key: &str, ext: &str, extra: &[&str], out: &str| {
        let mut args = vec![
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            ca,
            "-CAkey",
            ca_key,
            "-set_serial",
            "9",
            "-days",
            "30",
            "-extfile",
            "ext.cnf",
            "-extensions",
            ext,
            "-out",
            out,
        ];
        args.extend(extra);
        openssl(&d, &args).ok();
    };
    openssl(
        &d,
        &[
            "req",
            "-new",
            "-key",
            "certs/client.key",
            "-subj",
            "/CN=etcd01",
            "-out",
            "c.csr",
        ],
    )
    .ok();
    openssl(
        &d,
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
    )
    .ok();
    let client = |cert: &str| {
        vec![
            yaml.clone(),
            "--cacert".into(),
            "certs/ca.crt".into(),
            "--cert".into(),
            cert.to_owned(),
            "--key".into(),
            "certs/client.key".into(),
        ]
    };
    for ext in ["not_ca", "no_sign"] {
        let int = format!("{ext}.crt");
        sign("int.csr", "certs/ca.crt", "certs/ca.key", ext, &[], &int);
        sign("c.csr", &int, "int.key", "leaf", &[], "leaf.crt");
        let bundle = [
            fs::read_to_string(d.join("leaf.crt")).expect("read"),
            fs::read_to_string(d.join(&int)).expect("read"),
        ]
        .concat();
        fs::write(d.join("bundle.crt"), bundle).expect("write");
        let args = client("bundle.crt");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        predicts(
            &d,
            &args,
            "client-untrusted",
            "tls: failed to verify client certificate: x509: certificate signed by unknown \
             authority (possibly because of \"x509: invalid signature: parent certificate cannot \
             sign this kind of certificate\" while trying to verify candidate authority \
             certificate \"etcd-int\")",
        );
    }
    sign(
        "c.csr",
        "certs/ca.crt",
        "certs/ca.key",
        "leaf",
        &["-sha1"],
        "sha1.crt",
    );
    let args = client("sha1.crt");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    predicts(
        &d,
        &args,
        "client-untrusted",
        "x509: cannot verify signature: insecure algorithm SHA1-RSA (temporarily override with \
         GODEBUG=x509sha1=1)",
    );
    // A traditional encrypted key: Go finds its PEM block and cannot parse it.
    openssl(
        &d,
        &[
            "rsa",
            "-in",
            "certs/client.key",
            "-aes256",
            "-traditional",
            "-passout",
            "pass:x",
            "-out",
            "trad.key",
        ],
    )
    .ok();
    let text = fs::read_to_string(d.join(&yaml)).expect("read");
    fs::write(
        d.join("trad.yaml"),
        text.replace("key-file: certs/client.key", "key-file: trad.key"),
    )
    .expect("write");
    predicts(
        &d,
        &["trad.yaml"],
        "key-encrypted",
        "tls: failed to parse private key",
    );
    // Peer https without peer files: the TLS listener says it, naming the address.
    fs::write(
        d.join("nopeer.yaml"),
        text.replace(
            "  cert-file: certs/peer.crt\n  key-file: certs/peer.key\n",
            "",
        ),
    )
    .expect("write");
    predicts(
        &d,
        &["nopeer.yaml"],
        "https-without-tls",
        "cannot listen on TLS for 127.0.0.1:2380: KeyFile and CertFile are not presented",
    );
}

/// CRLs and allowed peer names: etcd 3.4 takes them as flags (and under ClientTLSInfo /
/// PeerTLSInfo in its YAML); the transport sections' crl-file and allowed-cn it ignores, which
/// is said. Flags beside a CONFIG are not applied (etcd ignores them under --config-file).
#[test]
fn crls_allowed_names_and_ignored_settings() {
    let d = TestDir::new("etcd-check");
    let yaml = set(&d, "certs", "127.0.0.1");
    fs::write(
        d.join("ca.cnf"),
        "[ca]\ndefault_ca = c\n[c]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n\
         default_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n",
    )
    .expect("write");
    fs::write(d.join("index.txt"), "").expect("write");
    fs::write(d.join("serial"), "10\n").expect("write");
    let ca = [
        "-config",
        "ca.cnf",
        "-cert",
        "certs/ca.crt",
        "-keyfile",
        "certs/ca.key",
    ];
    openssl(
        &d,
        &[&["ca", "-revoke", "certs/client.crt"][..], &ca].concat(),
    )
    .ok();
    openssl(
        &d,
        &[
            &["ca", "-gencrl", "-crldays", "30", "-out", "crl.pem"][..],
            &ca,
        ]
        .concat(),
    )
    .ok();
    let serial = openssl(
        &d,
        &["x509", "-in", "certs/client.crt", "-noout", "-serial"],
    )
    .ok()
    .stdout()
    .trim()
    .trim_start_matches("serial=")
    .trim_start_matches('0')
    .to_lowercase();
    let flags = |extra: &[&str]| {
        let mut v = vec![
            "--cacert",
            "certs/ca.crt",
            "--cert",
            "certs/client.crt",
            "--key",
            "certs/client.key",
            "--",
            "--listen-client-urls=https://127.0.0.1:2379",
            "--advertise-client-urls=https://127.0.0.1:2379",
            "--cert-file=certs/client.crt",
            "--key-file=certs/client.key",
            "--trusted-ca-file=certs/ca.crt",
            "--client-cert-auth",
            "--listen-peer-urls=https://127.0.0.1:2380",
            "--initial-advertise-peer-urls=https://127.0.0.1:2380",
            "--peer-cert-file=certs/peer.crt",
            "--peer-key-file=certs/peer.key",
            "--peer-trusted-ca-file=certs/ca.crt",
        ];
        v.extend(extra);
        v.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |extra: &[&str], rule: &str, quote: &str| {
        let args = flags(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        predicts(&d, &args, rule, quote);
    };
    let none = flags(&[]);
    let none: Vec<&str> = none.iter().map(String::as_str).collect();
    check(&d, &none, &[]).ok();
    run(
        &["--client-crl-file=crl.pem"],
        "client-revoked",
        &format!("etcd's log: \"transport: certificate serial {serial} revoked\""),
    );
    run(
        &["--peer-cert-allowed-cn=wrong"],
        "peer-cn-not-allowed",
        "etcd's log: \"client certificate authentication failed\"",
    );
    run(
        &["--peer-cert-allowed-hostname=wrong.example"],
        "peer-hostname-not-allowed",
        "client certificate authentication failed",
    );
    run(
        &["--client-crl-file=nothing.pem"],
        "file-unreadable",
        "open nothing.pem",
    );
    // In the YAML: ClientTLSInfo's CRLFile is read; the transport section's crl-file and a
    // top-level client-crl-file are ignored by etcd 3.4, and pki says so.
    let text = fs::read_to_string(d.join(&yaml)).expect("read");
    fs::write(
        d.join("info.yaml"),
        format!("{text}ClientTLSInfo:\n  CRLFile: crl.pem\n"),
    )
    .expect("write");
    predicts(
        &d,
        &[
            "info.yaml",
            "--cacert",
            "certs/ca.crt",
            "--cert",
            "certs/client.crt",
            "--key",
            "certs/client.key",
        ],
        "client-revoked",
        "transport: certificate serial",
    );
    fs::write(
        d.join("ignored.yaml"),
        text.replace(
            "  client-cert-auth: true\n",
            "  client-cert-auth: true\n  crl-file: crl.pem\n",
        ) + "client-crl-file: crl.pem\n",
    )
    .expect("write");
    let r = check(
        &d,
        &[
            "ignored.yaml",
            "--cacert",
            "certs/ca.crt",
            "--cert",
            "certs/client.crt",
            "--key",
            "certs/client.key",
        ],
        &[],
    )
    .ok();
    let out = r.stdout();
    assert_eq!(
        out.matches("warning config-key-ignored").count(),
        2,
        "{out}"
    );
    assert!(
        out.contains("etcd 3.4 reads client-crl-file only as a flag"),
        "{out}"
    );
    // Flags beside a CONFIG: etcd ignores them, and so does pki, with a warning.
    let r = check(&d, &[&yaml, "--", "--cert-file=certs/nothing.crt"], &[]).ok();
    assert!(
        r.stdout()
            .contains("warning flags-ignored-with-config-file"),
        "{}",
        r.stdout()
    );
    // A peer certificate with DNS names only: a warning, quoting etcd's text.
    fs::write(
        d.join("dns.cnf"),
        "[e]\nsubjectAltName = DNS:etcd01.invalid\nextendedKeyUsage = serverAuth, clientAuth\n",
    )
    .expect("write");
    openssl(
        &d,
        &[
            "req",
            "-new",
            "-key",
            "certs/peer.key",
            "-subj",
            "/CN=etcd01",
            "-out",
            "p.csr",
        ],
    )
    .ok();
    openssl(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "p.csr",
            "-CA",
            "certs/ca.crt",
            "-CAkey",
            "certs/ca.key",
            "-set_serial",
            "8",
            "-extfile",
            "dns.cnf",
            "-extensions",
            "e",
            "-out",
            "dns-peer.crt",
        ],
    )
    .ok();
    fs::write(
        d.join("dnspeer.yaml"),
        text.replace("cert-file: certs/peer.crt", "cert-file: dns-peer.crt"),
    )
    .expect("write");
    let r = check(&d, &["dnspeer.yaml"], &[]);
    let out = r.stdout();
    assert!(out.contains("warning peer-san-dns-only"), "{out}");
    assert!(
        out.contains(r#"tls: \"127.0.0.1\" does not match any of DNSNames [\"etcd01.invalid\"]"#)
            || out
                .contains(r#"tls: "127.0.0.1" does not match any of DNSNames ["etcd01.invalid"]"#),
        "{out}"
    );
}

/// `--etcd-user`: the files etcd opens are judged for the account etcd runs as.
#[test]
fn files_judged_for_the_etcd_account() {
    let d = TestDir::new("etcd-check");
    let yaml = set(&d, "certs", "127.0.0.1");
    check(&d, &[&yaml, "--etcd-user", "root"], &[]).ok();
    // pki init makes the set's folder 0700 and keys 0600: nobody may not read them.
    predicts(
        &d,
        &[&yaml, "--etcd-user", "nobody"],
        "file-unreadable",
        "etcd fails to start: \"open certs/client.key: permission denied\"",
    );
    let r = check(&d, &[&yaml, "--etcd-user", "no-such-user-here"], &[]);
    assert_eq!(r.code(), Some(2));
    assert!(
        r.stderr()
            .contains("no user \"no-such-user-here\" in /etc/passwd"),
        "{}",
        r.stderr()
    );
}
