//! The bodies of the fuzz targets in `fuzz/fuzz_targets/`, here so that plain `cargo test`
//! replays the committed regression inputs (`fuzz/regressions/<target>/`) and the seed corpus
//! through exactly the code the fuzzer runs (`tests/tests/fuzz_regressions.rs`).
//!
//! Each target takes outside bytes, must not panic on any of them, and checks an oracle beyond
//! "no crash": a DER decode that succeeds re-encodes to the same bytes, a parsed value encodes
//! and decodes back to itself, and [`builder`] builds a certificate and a CSR from structured
//! arbitrary parameters and finds every field again after decoding them.

use std::time::{Duration, SystemTime};

use der::{Decode, Encode};
use pki_core::{
    cert,
    conf::{self, Conf},
    csr,
    ext::{ExtSpec, San},
    init::Node,
    inspect,
    key::{PrivateKey, PublicKey},
    lint::{self as lints, Profile},
    name, pem, serial, verify,
};
use x509_cert::{Certificate, request::CertReq};

mod builder;

pub use builder::build_round_trip;
use builder::keys;

/// One fuzz target: its name (the file `fuzz/fuzz_targets/<name>.rs` and the `[[bin]]` of
/// `fuzz/Cargo.toml`) and its body.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, in the order fuzz/README.md lists them.
pub const TARGETS: &[Target] = &[
    ("cert_der", cert_der),
    ("csr_der", csr_der),
    ("private_key", private_key),
    ("public_key", public_key),
    ("pem", pem_blocks),
    ("conf", conf_file),
    ("subj", subj),
    ("san", san),
    ("node", node),
    ("serial_file", serial_file),
    ("chain", chain),
    ("verify", verify),
    ("show", show),
    ("lint", lint),
    ("builder", builder),
    ("encrypted_key", encrypted_key),
    ("pkcs12", pkcs12_file),
    ("asn1parse", asn1parse),
    ("etcd_config", etcd_config),
];

/// The target named `name`.
pub fn target(name: &str) -> Option<fn(&[u8])> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// Runs the target named `name` on `data`: the whole body of each `fuzz/fuzz_targets/*.rs`.
pub fn run(name: &str, data: &[u8]) {
    match target(name) {
        Some(f) => f(data),
        None => panic!("no fuzz target {name:?} in pki_tests::fuzz::TARGETS"),
    }
}

/// Text targets read UTF-8 only: the CLI and the config reader take `&str`.
fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// A certificate, PEM or DER (`pki_core::cert::decode`); one that decodes re-encodes to the
/// bytes it came from, and everything `pki` derives from it is computed without a panic.
pub fn cert_der(data: &[u8]) {
    if let Ok(crt) = cert::decode(data) {
        let der = match pem::decode_one(data, &[pem::CERTIFICATE, "TRUSTED CERTIFICATE"]) {
            Ok((_, der)) => der,
            Err(e) => panic!("cert::decode accepted what pem::decode_one refuses: {e}"),
        };
        assert_eq!(
            crt.to_der().expect("re-encode"),
            der,
            "certificate re-encodes differently"
        );
        look_at(&crt);
    }
    // The decoder under pki's own, which accepts non-canonical DER: what pki reads from it
    // must not panic either.
    if let Ok(crt) = Certificate::from_der(data) {
        look_at(&crt);
    }
}

/// Everything pki reads out of a certificate, for the panics it might hide.
fn look_at(crt: &Certificate) {
    let tbs = crt.tbs_certificate();
    let _ = name::to_openssl_string(tbs.subject());
    let _ = name::to_rfc4514(tbs.issuer());
    let _ = cert::ext_specs(crt);
    let _ = cert::serial_bytes(crt);
    let _ = cert::not_after(crt);
    if let Ok(key) = PublicKey::from_spki(tbs.subject_public_key_info()) {
        let _ = (key.bits(), key.exponent(), key.modulus());
        let _ = cert::verify_issued_by(crt, crt);
    }
}

/// A PKCS#10 request, PEM or DER: one that decodes (signature checked) re-encodes to its
/// bytes; its extensionRequest is read.
pub fn csr_der(data: &[u8]) {
    if let Ok(req) = csr::decode(data) {
        let der = pem::decode_one(
            data,
            &[pem::CERTIFICATE_REQUEST, pem::NEW_CERTIFICATE_REQUEST],
        )
        .expect("csr::decode accepted it")
        .1;
        assert_eq!(
            req.to_der().expect("re-encode"),
            der,
            "CSR re-encodes differently"
        );
        let _ = name::to_rfc4514(&req.info.subject);
    }
    // Most fuzz inputs have no valid signature: read the rest without checking it.
    if let Ok(req) = CertReq::from_der(data) {
        let _ = csr::verify(&req);
        if let Ok(exts) = csr::requested_extensions(&req) {
            for e in &exts {
                let _ = ExtSpec::from_extension(e);
            }
        }
    }
}

/// A private key: PEM `PRIVATE KEY` or `RSA PRIVATE KEY`, PKCS#8 or PKCS#1 DER. A key that
/// decodes survives PKCS#8 encoding and decoding unchanged.
pub fn private_key(data: &[u8]) {
    if let Ok(key) = PrivateKey::decode(data) {
        let der = key.to_pkcs8_der().expect("PKCS#8");
        assert_eq!(PrivateKey::decode(&der).expect("decode own PKCS#8"), key);
        let pem = key.to_pkcs8_pem().expect("PEM");
        assert_eq!(
            PrivateKey::decode(pem.as_bytes()).expect("decode own PEM"),
            key
        );
    }
}

/// A private key that may be encrypted (PKCS#8 PBES2, the traditional `Proc-Type` form),
/// decrypted with a fixed passphrase: one that decrypts comes back equal from its own
/// encrypted PEM.
pub fn encrypted_key(data: &[u8]) {
    let mut pass = || Ok(zeroize::Zeroizing::new(b"fuzz".to_vec()));
    if let Ok(key) = PrivateKey::decode_with(data, &mut pass) {
        let pem = key
            .to_encrypted_pem(pki_core::pbe::Cipher::Aes128Cbc, b"fuzz")
            .expect("encrypt");
        let mut pass = || Ok(zeroize::Zeroizing::new(b"fuzz".to_vec()));
        assert_eq!(
            PrivateKey::decode_with(pem.as_bytes(), &mut pass).expect("decrypt own"),
            key
        );
    }
}

/// A PKCS#12 file read with a fixed password (files without a MAC are read through): what
/// is read exports again and reads back with the same certificates and keys.
pub fn pkcs12_file(data: &[u8]) {
    let Ok(c) = pki_core::pkcs12::parse(data, b"fuzz") else {
        return;
    };
    let Some(key) = c.keys.first() else {
        return;
    };
    let leaf = c.certs.first().map(|e| &e.cert);
    let others: Vec<Certificate> = c.certs.iter().skip(1).map(|e| e.cert.clone()).collect();
    let again = pki_core::pkcs12::export(
        &pki_core::pkcs12::Export {
            key: Some(&key.key),
            leaf,
            others: &others,
            name: None,
            iterations: 1,
        },
        b"fuzz",
    );
    if let Ok(der) = again {
        let back = pki_core::pkcs12::parse(&der, b"fuzz").expect("read own export");
        assert_eq!(back.keys[0].key, key.key);
        assert_eq!(back.certs.len(), c.certs.len());
    }
}

/// `asn1parse` over any bytes, whole and from each -strparse offset: no panic, and a listing
/// of a successful parse has one line per object header found.
/// etcd's configuration as `pki etcd check` reads it: the bytes as the YAML of
/// `--config-file`, and their words as etcd's flags. Whatever reads is judged (against files
/// that mostly do not exist) without a panic.
pub fn etcd_config(data: &[u8]) {
    use pki_core::etcd::check::{self, CheckOptions, Member};
    let Some(text) = text(data) else { return };
    let opts = CheckOptions {
        at: 0,
        warn_days: 30,
        etcd_user: None,
        client: None,
    };
    if let Ok(m) = Member::from_yaml(std::path::Path::new("fuzz.yaml"), text) {
        let _ = check::check(&[m], &opts);
    }
    let flags: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    let mut m = Member::default();
    if m.apply_flags(&flags).is_ok() {
        let _ = check::check(&[m], &opts);
    }
}

pub fn asn1parse(data: &[u8]) {
    let opts = pki_core::asn1parse::Options {
        indent: true,
        dump: Some(Some(64)),
    };
    let (out, r) = pki_core::asn1parse::parse(data, &opts);
    if r.is_ok() {
        let text = String::from_utf8_lossy(&out);
        assert!(data.is_empty() || text.starts_with("    0:d=0 "), "{text}");
    }
    for off in [0, 1, 2, 4] {
        let _ = pki_core::asn1parse::strparse(data, off)
            .map(|inner| pki_core::asn1parse::parse(&inner, &opts));
    }
}

/// A public key: PEM `PUBLIC KEY` or `RSA PUBLIC KEY`, or SPKI DER. One that decodes survives
/// SPKI encoding unchanged.
pub fn public_key(data: &[u8]) {
    if let Ok(key) = PublicKey::decode(data) {
        let spki = key.to_spki().expect("SPKI");
        assert_eq!(PublicKey::from_spki(&spki).expect("own SPKI"), key);
    }
}

/// PEM armour: any number of blocks, text around them, odd headers, CRLF. The blocks found
/// are encoded again and read back the same.
pub fn pem_blocks(data: &[u8]) {
    let _ = pem::is_pem(data);
    let _ = pem::decode_one(data, &[pem::CERTIFICATE]);
    if let Ok(blocks) = pem::decode_all(data) {
        let again: String = blocks
            .iter()
            .map(|b| pem::encode(&b.label, &b.der))
            .collect();
        assert_eq!(
            pem::decode_all(again.as_bytes()).expect("own PEM"),
            blocks,
            "PEM round trip"
        );
    }
}

/// A fixed environment for `$ENV::X`, so that a crash replays anywhere.
fn env(name: &str) -> Option<String> {
    (name == "HOME").then(|| "/root".to_owned())
}

/// The openssl.conf reader and every extension section in it. Each extension read back from
/// its DER is the one written.
pub fn conf_file(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(conf) = Conf::parse_with_env("fuzz.conf", text, &env) else {
        return;
    };
    let sections: Vec<String> = conf.section_names().map(str::to_owned).collect();
    for section in sections {
        if let Ok(specs) = conf.extensions(&section) {
            round_trip_extensions(&specs);
        }
    }
}

/// What an extension reads back as: an authorityKeyIdentifier by the parts it holds (`keyid`
/// when the key id is there, `issuer` when the issuer name and serial are), for an issuer with
/// a key identifier that is not self-signed.
pub fn made_as(spec: &ExtSpec) -> ExtSpec {
    use pki_core::ext::AkiPart;
    match spec {
        ExtSpec::AuthorityKeyId { keyid, issuer } => {
            let with_issuer = *issuer == AkiPart::Always
                || (*issuer == AkiPart::IfAvailable && *keyid == AkiPart::No);
            let part = |b: bool| if b { AkiPart::IfAvailable } else { AkiPart::No };
            ExtSpec::AuthorityKeyId {
                keyid: part(*keyid != AkiPart::No),
                issuer: part(with_issuer),
            }
        }
        other => other.clone(),
    }
}

/// Encodes each extension for a fixed key and decodes it again.
fn round_trip_extensions(specs: &[ExtSpec]) {
    let spki = keys().leaf_spki.clone();
    let authority = pki_core::ext::Authority {
        key_id: Some(vec![1, 2, 3]),
        issuer: x509_cert::name::Name::default(),
        serial: x509_cert::serial_number::SerialNumber::from(1u8),
        self_signed: false,
        alt_names: Some(Vec::new()),
    };
    for spec in specs {
        let Ok(Some(ext)) = spec.to_extension(&spki, &authority) else {
            continue;
        };
        if matches!(
            spec,
            ExtSpec::Encoded { .. } | ExtSpec::IssuerAltName { .. }
        ) {
            // No typed form to come back to: the value is one whole DER value, and prints.
            der::Any::from_der(ext.extn_value.as_bytes()).expect("encoded extension is DER");
            let _ = pki_core::text::extension(&ext, 4);
            continue;
        }
        let back = ExtSpec::from_extension(&ext).expect("own extension decodes");
        assert_eq!(back.as_ref(), Some(&made_as(spec)), "extension round trip");
    }
}

/// OpenSSL's `-subj` syntax. A name that parses survives DER, and prints without a panic.
pub fn subj(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(n) = name::parse_subj(text) {
        let der = n.to_der().expect("encode name");
        assert_eq!(x509_cert::name::Name::from_der(&der).expect("decode"), n);
        let _ = name::to_openssl_string(&n);
        let _ = name::to_rfc4514(&n);
    }
}

/// subjectAltName values as openssl.conf and `-addext` write them (`DNS:a, IP:1.2.3.4`), and
/// the single-value constructors. What parses encodes and decodes back to itself.
pub fn san(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(Some(spec)) = conf::parse_extension(None, "subjectAltName", text) {
        round_trip_extensions(&[spec]);
    }
    let sans: Vec<San> = [
        San::dns(text),
        San::ip(text),
        San::email(text),
        San::uri(text),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !sans.is_empty() {
        round_trip_extensions(&[ExtSpec::SubjectAltName {
            critical: false,
            names: sans,
        }]);
    }
}

/// `--node NAME=ADDRESS` and the script's NAME1/ADDRESS1 variables.
pub fn node(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(n) = Node::parse(text) {
        assert_eq!(Node::parse(&n.to_string()).expect("own form"), n);
    }
    let mut parts = text.splitn(4, '\n');
    let vars: Vec<(String, String)> = (1u32..)
        .zip(std::iter::from_fn(|| parts.next()))
        .map(|(i, v)| {
            let var = if i % 2 == 1 { "NAME" } else { "ADDRESS" };
            (format!("{var}{}", i.div_ceil(2)), v.to_owned())
        })
        .collect();
    let _ = Node::from_vars(&|k| {
        vars.iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
    });
}

/// A serial file (`ca.srl`): what parses prints back as the same number.
pub fn serial_file(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(n) = serial::parse_hex(text) {
        let hex = serial::to_hex(&n);
        assert_eq!(
            serial::to_hex(&serial::parse_hex(&hex).expect("own hex")),
            hex
        );
        let next = serial::increment(&n);
        let _ = serial::to_serial_number(&next);
    }
}

/// A list of certificates: a PEM bundle, or DER certificates one after the other.
fn certificates(data: &[u8]) -> Vec<Certificate> {
    if pem::is_pem(data) {
        cert::decode_all(data).unwrap_or_default()
    } else {
        let mut certs = Vec::new();
        let mut rest = data;
        while let Ok((crt, tail)) = Certificate::from_der_partial(rest) {
            certs.push(crt);
            rest = tail;
        }
        certs
    }
}

/// A list of certificates (a PEM bundle, or DER certificates one after the other): each one
/// checked against every other as its issuer.
pub fn chain(data: &[u8]) {
    let certs = certificates(data);
    for (i, a) in certs.iter().enumerate().take(8) {
        for b in certs.iter().skip(i).take(8) {
            let _ = cert::verify_issued_by(a, b);
            let _ = cert::verify_issued_by(b, a);
        }
    }
}

/// Chain verification (`pki_core::verify::verify`, `pki openssl verify`) on a list of
/// certificates (as [`chain`] reads them): the first is the leaf, the last the one trusted
/// certificate, those between untrusted. Checked once bare, once with a purpose, a host
/// name, an e-mail address and an IP address, and once trusting any certificate of the list
/// (partial chains). A path returned starts at the leaf, ends at a trusted certificate, and
/// each certificate names the next as its issuer and its signature verifies with the next
/// one's key; a failure names a certificate of the chain it returns.
pub fn verify(data: &[u8]) {
    use der::Encode;
    use pki_core::view::CertView;
    let certs: Vec<CertView> = certificates(data)
        .iter()
        .filter_map(|c| CertView::from_der(&c.to_der().ok()?).ok())
        .collect();
    let (Some(leaf), Some(root)) = (certs.first(), certs.last()) else {
        return;
    };
    let untrusted = certs.get(1..certs.len() - 1).unwrap_or(&[]);
    let bare = verify::Options::new(1_800_000_000);
    let mut all = bare.clone();
    all.purpose = verify::Purpose::ServerAuth;
    all.host = Some("etcd-peer.example.com".into());
    all.email = Some("root@example.com".into());
    all.ip = Some(std::net::IpAddr::from([127, 0, 0, 1]));
    let mut partial = bare.clone();
    partial.partial_chain = true;
    let runs: [(&verify::Options, &[CertView]); 3] = [
        (&bare, std::slice::from_ref(root)),
        (&all, std::slice::from_ref(root)),
        (&partial, &certs),
    ];
    for (opts, trusted) in runs {
        match verify::verify(leaf, trusted, untrusted, opts) {
            Ok(chain) => {
                assert!(chain.len() <= opts.max_depth + 2, "chain too long");
                assert_eq!(chain[0].der, leaf.der, "chain does not start at the leaf");
                let top = chain.last().expect("non-empty chain");
                assert!(
                    trusted.iter().any(|t| t.der == top.der),
                    "chain does not end at a trusted certificate"
                );
                for pair in chain.windows(2) {
                    assert!(
                        verify::names::name_eq(&pair[0].issuer, &pair[1].subject),
                        "a certificate in the chain is not issued by the next"
                    );
                    let s = pair[0].signature.as_deref().expect("signature octets");
                    assert!(
                        verify::sig::check(
                            &pair[0].signature_algorithm,
                            &pair[1].spki,
                            pair[0].tbs_der(),
                            s,
                            opts
                        )
                        .is_ok(),
                        "a signature in the chain does not verify"
                    );
                }
            }
            Err(e) => {
                assert!(
                    e.depth < e.chain.len().max(1),
                    "failure at {} past the chain",
                    e.depth
                );
                assert!(e.chain.len() <= opts.max_depth + 2, "chain too long");
                assert_eq!(e.chain[0].der, leaf.der, "chain does not start at the leaf");
                let _ = e.to_string();
            }
        }
    }
}

/// `pki show` on arbitrary bytes (`pki_core::inspect`): every object found renders as text
/// and as JSON that parses; an error renders as its text.
pub fn show(data: &[u8]) {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    match inspect::inspect(data, now) {
        Ok(objects) => {
            for d in objects {
                let _ = inspect::text::render(&d.object, false);
                let _ = d.object.kind();
                let json = serde_json::to_string(&d.object).expect("JSON");
                serde_json::from_str::<serde_json::Value>(&json).expect("JSON that parses");
            }
        }
        Err(e) => {
            let _ = inspect::error_text(&e);
        }
    }
}

/// `pki lint` on arbitrary bytes: every certificate and CSR found (by `inspect`, as `pki lint`
/// reads files, or as bare DER) checked under every profile.
pub fn lint(data: &[u8]) {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let profiles = [
        Profile::Rfc5280,
        Profile::Etcd,
        Profile::EtcdServer,
        Profile::EtcdClient,
    ];
    let mut ders: Vec<Vec<u8>> = inspect::inspect(data, now)
        .map(|objects| objects.into_iter().map(|d| d.der).collect())
        .unwrap_or_default();
    ders.push(data.to_vec());
    for der in &ders {
        // As `pki lint` reads certificates: strictly, then through the lenient fallback.
        for p in profiles {
            let _ = lints::lint_certificate_der(der, p, now);
        }
        if let Ok(req) = CertReq::from_der(der) {
            for p in profiles {
                let _ = lints::lint_csr(&req, p);
            }
        }
    }
}

/// Builds a certificate and a CSR from arbitrary parameters with fixed keys, decodes both and
/// finds every field again.
pub fn builder(data: &[u8]) {
    build_round_trip(data);
}
