//! `pki lint`: a fixture for every rule, firing (one change to a sound certificate or CSR,
//! exactly the expected findings) and not firing (the sound ones have no finding at all, also
//! under `--profile etcd`); OpenSSL's reference output and our `pki init` output; OpenSSL-made
//! fixtures in tests/data/lint; exit statuses and JSON checked against the schema.
//!
//! Certificates are assembled here from pki-core's types so that each fixture can break one
//! thing the builders would never allow (a negative serial, a GeneralizedTime in 2030, ...).

mod jsonschema;
mod util;

use std::{
    collections::BTreeSet,
    fs,
    path::Path,
    time::{Duration, SystemTime},
};

use der::{
    Decode, Encode, Sequence,
    asn1::{BitString, GeneralizedTime, Ia5String, Int, OctetString, UtcTime},
    oid::ObjectIdentifier,
};
use pki_core::{
    csr,
    ext::{Eku, ExtSpec, IsCa, KeyUsageBit as B, San},
    key::PrivateKey,
    lint::{self, Profile, rules},
    name,
};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use util::{TestDir, pki, reference};
use x509_cert::{
    Certificate,
    ext::{
        Extension,
        pkix::{SubjectAltName, name::GeneralName},
    },
    name::Name,
    time::Time,
};

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_456_000) // 2030-01-01
}

#[derive(Sequence)]
struct V {
    not_before: Time,
    not_after: Time,
}

#[derive(Sequence)]
struct Tbs {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    version: Option<u8>,
    serial: Int,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: V,
    subject: Name,
    spki: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<Vec<Extension>>,
}

#[derive(Sequence)]
struct Cert {
    tbs: Tbs,
    algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

fn key(name: &str) -> PrivateKey {
    PrivateKey::decode(&fs::read(reference().join(name)).expect("reference key")).expect("key")
}

fn utc(year: u32) -> Time {
    let secs = match year {
        2026 => 1_767_225_600,
        2036 => 2_082_758_400,
        _ => panic!("year"),
    };
    Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(secs)).expect("utc"))
}

/// One certificate to build: a sound etcd leaf or CA, then changed by a fixture.
struct Fx {
    version: Option<u8>,
    serial: Vec<u8>,
    tbs_alg: AlgorithmIdentifierOwned,
    alg: AlgorithmIdentifierOwned,
    issuer: Name,
    not_before: Time,
    not_after: Time,
    subject: Name,
    spki: SubjectPublicKeyInfoOwned,
    exts: Vec<Extension>,
}

fn sha256() -> AlgorithmIdentifierOwned {
    PrivateKey::signature_algorithm()
}

fn ca_key_id() -> Vec<u8> {
    pki_core::ext::key_identifier(&key("ca.key").public_key_info().expect("spki"))
}

fn exts(specs: &[ExtSpec], spki: &SubjectPublicKeyInfoOwned) -> Vec<Extension> {
    let authority = pki_core::ext::Authority {
        key_id: Some(ca_key_id()),
        issuer: name::parse_subj("/CN=etcd-ca").expect("name"),
        serial: x509_cert::serial_number::SerialNumber::from(1u8),
        self_signed: false,
        alt_names: Some(Vec::new()),
    };
    specs
        .iter()
        .filter_map(|s| s.to_extension(spki, &authority).expect("extension"))
        .collect()
}

fn leaf_specs() -> Vec<ExtSpec> {
    vec![
        ExtSpec::KeyUsage {
            critical: true,
            usage: [B::DigitalSignature, B::KeyEncipherment]
                .into_iter()
                .collect(),
        },
        ExtSpec::ExtendedKeyUsage {
            critical: false,
            purposes: vec![Eku::ServerAuth, Eku::ClientAuth],
        },
        san(vec![
            San::dns("etcd01").expect("dns"),
            San::ip("127.0.0.1").expect("ip"),
        ]),
        ExtSpec::SubjectKeyId,
        ExtSpec::DEFAULT_AKI,
    ]
}

fn san(names: Vec<San>) -> ExtSpec {
    ExtSpec::SubjectAltName {
        critical: false,
        names,
    }
}

impl Fx {
    fn leaf() -> Fx {
        let spki = key("client.key").public_key_info().expect("spki");
        Fx {
            version: Some(2),
            serial: vec![0x01, 0x23],
            tbs_alg: sha256(),
            alg: sha256(),
            issuer: name::parse_subj("/CN=etcd-ca").expect("name"),
            not_before: utc(2026),
            not_after: utc(2036),
            subject: name::parse_subj("/CN=etcd-client").expect("name"),
            exts: exts(&leaf_specs(), &spki),
            spki,
        }
    }

    fn ca() -> Fx {
        let spki = key("ca.key").public_key_info().expect("spki");
        let mut f = Fx::leaf();
        f.subject = f.issuer.clone();
        f.exts = exts(&pki_core::cert::pki_ca(), &spki);
        f.spki = spki;
        f
    }

    fn with_specs(mut self, specs: &[ExtSpec]) -> Fx {
        self.exts = exts(specs, &self.spki);
        self
    }

    fn der(&self) -> Vec<u8> {
        let tbs = Tbs {
            version: self.version,
            serial: Int::new(&self.serial).expect("int"),
            signature: self.tbs_alg.clone(),
            issuer: self.issuer.clone(),
            validity: V {
                not_before: self.not_before,
                not_after: self.not_after,
            },
            subject: self.subject.clone(),
            spki: self.spki.clone(),
            extensions: (!self.exts.is_empty()).then(|| self.exts.clone()),
        };
        let sig = key("ca.key").sign(&tbs.to_der().expect("tbs"));
        Cert {
            tbs,
            algorithm: self.alg.clone(),
            signature: BitString::from_bytes(&sig).expect("sig"),
        }
        .to_der()
        .expect("cert")
    }

    fn lint(&self, profile: Profile) -> BTreeSet<&'static str> {
        let der = self.der();
        Certificate::from_der(&der).expect("fixture decodes");
        lint::lint_certificate_der(&der, profile, now())
            .expect("lints")
            .iter()
            .map(|f| f.id)
            .collect()
    }
}

fn raw_ext(oid: &str, critical: bool, value: &[u8]) -> Extension {
    Extension {
        extn_id: ObjectIdentifier::new_unwrap(oid),
        critical,
        extn_value: OctetString::new(value).expect("octets"),
    }
}

/// A CRL entry's reasonCode extension (RFC 5280 5.3.1).
fn reason_code(r: x509_cert::ext::pkix::crl::CrlReason) -> Extension {
    raw_ext("2.5.29.21", false, &r.to_der().expect("reason"))
}

fn raw_san(names: Vec<GeneralName>) -> Extension {
    raw_ext(
        "2.5.29.17",
        false,
        &SubjectAltName(names).to_der().expect("san"),
    )
}

fn ia5(s: &str) -> Ia5String {
    Ia5String::new(s).expect("ia5")
}

/// An SPKI with an RSA key of `modulus_bytes` bytes and exponent `e` (lint reads, not uses).
fn rsa_spki(modulus_bytes: usize, e: &[u8]) -> SubjectPublicKeyInfoOwned {
    #[derive(Sequence)]
    struct RsaPub {
        n: Int,
        e: Int,
    }
    let mut n = vec![0xc5; modulus_bytes];
    n.insert(0, 0);
    let key = RsaPub {
        n: Int::new(&n).expect("n"),
        e: Int::new(e).expect("e"),
    };
    SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: pki_core::key::RSA_ENCRYPTION,
            parameters: Some(der::asn1::Null.into()),
        },
        subject_public_key: BitString::from_bytes(&key.to_der().expect("rsa")).expect("bits"),
    }
}

fn ec_spki() -> SubjectPublicKeyInfoOwned {
    let curve = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
    let mut point = vec![0x04];
    point.extend([0x11; 64]);
    SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap("1.2.840.10045.2.1"),
            parameters: Some(der::Any::encode_from(&curve).expect("curve")),
        },
        subject_public_key: BitString::from_bytes(&point).expect("point"),
    }
}

fn ed25519_spki() -> SubjectPublicKeyInfoOwned {
    SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap("1.3.101.112"),
            parameters: None,
        },
        subject_public_key: BitString::from_bytes(&[0x22; 32]).expect("key"),
    }
}

fn ku(bits: &[B]) -> ExtSpec {
    ExtSpec::KeyUsage {
        critical: true,
        usage: bits.iter().copied().collect(),
    }
}

fn replace(specs: &mut [ExtSpec], i: usize, s: ExtSpec) -> Vec<ExtSpec> {
    specs[i] = s;
    specs.to_vec()
}

/// (rule, profile, fixture, the exact findings expected).
fn fixtures() -> Vec<(&'static str, Profile, Fx, Vec<&'static str>)> {
    let r = Profile::Rfc5280;
    let e = Profile::Etcd;
    let mut v = Vec::new();
    let mut add = |rule, p, f, ids: &[&'static str]| v.push((rule, p, f, ids.to_vec()));

    let mut f = Fx::leaf();
    f.version = Some(1);
    add(rules::VERSION_MISMATCH.id, r, f, &["version-mismatch"]);
    let mut f = Fx::leaf();
    f.version = None;
    f.exts.clear();
    add(
        rules::VERSION_NOT_V3.id,
        r,
        f,
        &["version-not-v3", "aki-missing", "ski-missing"],
    );
    let mut f = Fx::leaf();
    f.serial = vec![0];
    add(rules::SERIAL_ZERO.id, r, f, &["serial-zero"]);
    let mut f = Fx::leaf();
    f.serial = vec![0xff, 0x01];
    add(rules::SERIAL_NEGATIVE.id, r, f, &["serial-negative"]);
    let mut f = Fx::leaf();
    f.serial = vec![0x01; 21];
    add(rules::SERIAL_TOO_LONG.id, r, f, &["serial-too-long"]);
    let mut f = Fx::leaf();
    f.tbs_alg.oid = pki_core::key::SHA384_WITH_RSA;
    add(
        rules::SIGNATURE_MISMATCH.id,
        r,
        f,
        &["signature-algorithm-mismatch"],
    );
    let mut f = Fx::leaf();
    f.tbs_alg.oid = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
    f.alg = f.tbs_alg.clone();
    add(
        rules::SIGNATURE_WEAK_HASH.id,
        r,
        f,
        &["signature-weak-hash"],
    );
    let mut f = Fx::leaf();
    f.not_after = Time::GeneralTime(
        GeneralizedTime::from_unix_duration(Duration::from_secs(2_082_758_400)).expect("gt"),
    );
    add(rules::TIME_ENCODING.id, r, f, &["time-encoding"]);
    let mut f = Fx::leaf();
    std::mem::swap(&mut f.not_before, &mut f.not_after);
    add(rules::VALIDITY_ORDER.id, r, f, &["validity-order"]);
    let mut f = Fx::leaf();
    f.not_after = f.not_before;
    add(rules::EXPIRED.id, r, f, &["expired"]);
    let mut f = Fx::leaf();
    f.not_before = f.not_after;
    add(rules::NOT_YET_VALID.id, r, f, &["not-yet-valid"]);
    let mut f = Fx::leaf();
    f.issuer = Name::default();
    add(rules::ISSUER_EMPTY.id, r, f, &["issuer-empty"]);
    let mut f = Fx::leaf();
    f.subject = Name::default();
    add(rules::SUBJECT_EMPTY_SAN.id, r, f, &["subject-empty-san"]);
    let mut f = Fx::leaf();
    f.exts.push(f.exts[0].clone());
    add(
        rules::EXTENSION_DUPLICATE.id,
        r,
        f,
        &["extension-duplicate"],
    );
    let mut f = Fx::leaf();
    f.exts.push(raw_ext("1.2.3.4", true, &[0x05, 0x00]));
    add(
        rules::EXTENSION_UNKNOWN_CRITICAL.id,
        r,
        f,
        &["extension-unknown-critical"],
    );
    let mut f = Fx::leaf();
    f.exts
        .push(raw_ext("2.5.29.32", false, &[0x30, 0x03, 0x02, 0x01]));
    add(
        rules::EXTENSION_MALFORMED.id,
        r,
        f,
        &["extension-malformed"],
    );
    let mut s = pki_core::cert::pki_ca();
    let f = Fx::ca().with_specs(&replace(
        &mut s,
        2,
        ExtSpec::BasicConstraints {
            critical: false,
            ca: IsCa::Ca { path_len: None },
        },
    ));
    add(
        rules::CA_BASIC_CONSTRAINTS_NOT_CRITICAL.id,
        r,
        f,
        &["ca-basic-constraints-not-critical"],
    );
    let f = Fx::ca().with_specs(&pki_core::cert::openssl_v3_ca());
    add(
        rules::CA_KEY_USAGE_MISSING.id,
        r,
        f,
        &["ca-key-usage-missing"],
    );
    let mut s = pki_core::cert::pki_ca();
    let f = Fx::ca().with_specs(&replace(&mut s, 3, ku(&[B::CrlSign])));
    add(
        rules::CA_KEY_CERT_SIGN_MISSING.id,
        r,
        f,
        &["ca-key-cert-sign-missing"],
    );
    let mut f = Fx::ca();
    f.exts.remove(0);
    add(rules::CA_SKI_MISSING.id, r, f, &["ca-ski-missing"]);
    let mut s = leaf_specs();
    let f = Fx::leaf().with_specs(&replace(
        &mut s,
        0,
        ku(&[B::DigitalSignature, B::KeyEncipherment, B::KeyCertSign]),
    ));
    add(
        rules::KEY_CERT_SIGN_NOT_CA.id,
        r,
        f,
        &["key-cert-sign-not-ca"],
    );
    let mut f = Fx::leaf();
    // basicConstraints cA FALSE with pathLenConstraint 0: 30 03 02 01 00.
    f.exts
        .push(raw_ext("2.5.29.19", true, &[0x30, 0x03, 0x02, 0x01, 0x00]));
    add(rules::PATH_LEN_NOT_CA.id, r, f, &["path-len-not-ca"]);
    let mut f = Fx::leaf();
    f.exts.pop();
    add(rules::AKI_MISSING.id, r, f, &["aki-missing"]);
    let mut f = Fx::leaf();
    f.exts.remove(3);
    add(rules::SKI_MISSING.id, r, f, &["ski-missing"]);
    let mut s = leaf_specs();
    let f = Fx::leaf().with_specs(&replace(
        &mut s,
        0,
        ExtSpec::KeyUsage {
            critical: false,
            usage: [B::DigitalSignature, B::KeyEncipherment]
                .into_iter()
                .collect(),
        },
    ));
    add(
        rules::KEY_USAGE_NOT_CRITICAL.id,
        r,
        f,
        &["key-usage-not-critical"],
    );
    let mut f = Fx::leaf();
    // keyUsage with no bit: BIT STRING 03 01 00.
    f.exts[0] = raw_ext("2.5.29.15", true, &[0x03, 0x01, 0x00]);
    add(
        rules::KEY_USAGE_EMPTY.id,
        r,
        f,
        &["key-usage-empty", "eku-key-usage"],
    );
    let mut s = leaf_specs();
    let f = Fx::leaf().with_specs(&replace(
        &mut s,
        0,
        ku(&[B::DigitalSignature, B::KeyEncipherment, B::KeyAgreement]),
    ));
    add(rules::KEY_USAGE_KEY_TYPE.id, r, f, &["key-usage-key-type"]);
    let mut f = Fx::leaf();
    f.spki = ec_spki();
    f.exts = exts(&leaf_specs(), &f.spki);
    add("key-usage-key-type (EC)", r, f, &["key-usage-key-type"]);
    let mut f = Fx::leaf();
    f.spki = ed25519_spki();
    f.exts = exts(&leaf_specs(), &f.spki);
    add(
        "key-usage-key-type (Ed25519)",
        r,
        f,
        &["key-usage-key-type"],
    );
    let mut f = Fx::leaf();
    f.spki = ec_spki();
    let mut s = leaf_specs();
    f.exts = exts(
        &replace(&mut s, 0, ku(&[B::DigitalSignature, B::EncipherOnly])),
        &f.spki,
    );
    add(
        rules::KEY_USAGE_ENCIPHER_ONLY.id,
        r,
        f,
        &["key-usage-encipher-only"],
    );
    let mut s = leaf_specs();
    let f = Fx::leaf().with_specs(&replace(&mut s, 0, ku(&[B::KeyEncipherment])));
    add(rules::EKU_KEY_USAGE.id, r, f, &["eku-key-usage"]);
    let mut f = Fx::leaf();
    f.exts[2] = raw_san(vec![]);
    add(rules::SAN_EMPTY.id, r, f, &["san-empty"]);
    let mut f = Fx::leaf();
    f.exts[2] = raw_san(vec![GeneralName::DnsName(ia5(""))]);
    add(rules::SAN_EMPTY_NAME.id, r, f, &["san-empty-name"]);
    let mut f = Fx::leaf();
    f.exts[2] = raw_san(vec![GeneralName::DnsName(ia5("etcd 01"))]);
    add(rules::SAN_DNS.id, r, f, &["san-dns"]);
    let mut f = Fx::leaf();
    f.exts[2] = raw_san(vec![GeneralName::IpAddress(
        OctetString::new([127, 0, 0]).expect("ip"),
    )]);
    add(rules::SAN_IP_LENGTH.id, r, f, &["san-ip-length"]);
    let mut f = Fx::leaf();
    f.exts[2] = raw_san(vec![GeneralName::Rfc822Name(ia5("nobody"))]);
    add(rules::SAN_EMAIL.id, r, f, &["san-email"]);
    let mut f = Fx::leaf();
    f.exts[2] = raw_san(vec![GeneralName::UniformResourceIdentifier(ia5("etcd01"))]);
    add(rules::SAN_URI.id, r, f, &["san-uri"]);
    let mut f = Fx::leaf();
    f.spki = rsa_spki(128, &[0x01, 0x00, 0x01]);
    f.exts = exts(&leaf_specs(), &f.spki);
    add(rules::RSA_KEY_SIZE.id, r, f, &["rsa-key-size"]);
    let mut f = Fx::leaf();
    f.spki = rsa_spki(256, &[0x03]);
    f.exts = exts(&leaf_specs(), &f.spki);
    add(rules::RSA_EXPONENT.id, r, f, &["rsa-exponent"]);
    let mut s = leaf_specs();
    let f = Fx::leaf().with_specs(&replace(
        &mut s,
        1,
        ExtSpec::ExtendedKeyUsage {
            critical: false,
            purposes: vec![Eku::ClientAuth],
        },
    ));
    add(rules::ETCD_SERVER_AUTH.id, e, f, &["etcd-server-auth"]);
    let mut s = leaf_specs();
    let f = Fx::leaf().with_specs(&replace(
        &mut s,
        1,
        ExtSpec::ExtendedKeyUsage {
            critical: false,
            purposes: vec![Eku::ServerAuth],
        },
    ));
    add(rules::ETCD_CLIENT_AUTH.id, e, f, &["etcd-client-auth"]);
    let mut f = Fx::leaf();
    f.exts.remove(1);
    add(rules::ETCD_EKU_MISSING.id, e, f, &["etcd-eku-missing"]);
    let mut f = Fx::leaf();
    f.exts.remove(2);
    add(rules::ETCD_SAN_MISSING.id, e, f, &["etcd-san-missing"]);
    let mut s = leaf_specs();
    let f = Fx::leaf().with_specs(&replace(
        &mut s,
        2,
        san(vec![San::dns("etcd01").expect("dns")]),
    ));
    add(rules::ETCD_SAN_IP.id, e, f, &["etcd-san-ip"]);
    let mut s = leaf_specs();
    let f = Fx::leaf().with_specs(&replace(&mut s, 0, ku(&[B::DigitalSignature])));
    add(rules::ETCD_KEY_USAGE.id, e, f, &["etcd-key-usage"]);
    v
}

#[test]
fn sound_certificates_have_no_finding() {
    for p in [
        Profile::Rfc5280,
        Profile::Etcd,
        Profile::EtcdServer,
        Profile::EtcdClient,
    ] {
        assert_eq!(Fx::leaf().lint(p), BTreeSet::new(), "leaf, {}", p.name());
        assert_eq!(Fx::ca().lint(p), BTreeSet::new(), "CA, {}", p.name());
    }
}

#[test]
fn each_rule_fires_on_its_fixture_and_only_it() {
    for (rule, profile, fx, want) in fixtures() {
        let want: BTreeSet<&str> = want.into_iter().collect();
        assert_eq!(fx.lint(profile), want, "fixture for {rule}");
    }
}

#[test]
fn every_rule_has_a_fixture() {
    let covered: BTreeSet<&str> = fixtures()
        .into_iter()
        .flat_map(|(_, _, _, ids)| ids)
        .chain(["csr-signature"]) // by csr_rules below
        .chain(crl_fixtures().into_iter().flat_map(|(_, ids)| ids))
        .collect();
    for r in rules::ALL {
        assert!(covered.contains(r.id), "no fixture fires {}", r.id);
    }
    // Ids are unique and documented.
    let ids: BTreeSet<&str> = rules::ALL.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), rules::ALL.len());
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cli.md"))
        .expect("docs/cli.md");
    for r in rules::ALL {
        assert!(
            doc.contains(&format!("`{}`", r.id)),
            "docs/cli.md lacks rule {}",
            r.id
        );
    }
}

#[test]
fn csr_rules() {
    let k = key("client.key");
    let subject = name::parse_subj("/CN=etcd-client").expect("name");
    // A request names no issuer: no authorityKeyIdentifier in it.
    let csr_specs: Vec<ExtSpec> = leaf_specs()
        .into_iter()
        .filter(|s| !matches!(s, ExtSpec::AuthorityKeyId { .. }))
        .collect();
    let good = csr::build(subject.clone(), &k, &csr_specs).expect("csr");
    let ids = |req: &x509_cert::request::CertReq, p| {
        lint::lint_csr(req, p)
            .iter()
            .map(|f| f.id)
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(ids(&good, Profile::Etcd), BTreeSet::new());
    let mut bad = good.clone();
    let mut sig = bad.signature.raw_bytes().to_vec();
    sig[10] ^= 1;
    bad.signature = BitString::from_bytes(&sig).expect("sig");
    assert_eq!(
        ids(&bad, Profile::Rfc5280),
        BTreeSet::from(["csr-signature"])
    );
    let no_ip = csr::build(
        subject,
        &k,
        &[
            ku(&[B::DigitalSignature, B::KeyEncipherment]),
            san(vec![San::dns("etcd01").expect("dns")]),
        ],
    )
    .expect("csr");
    assert_eq!(ids(&no_ip, Profile::Rfc5280), BTreeSet::new());
    assert_eq!(
        ids(&no_ip, Profile::Etcd),
        BTreeSet::from(["etcd-eku-missing", "etcd-san-ip"])
    );
}

fn findings(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.starts_with("  "))
        .map(|l| l.split(':').next().unwrap_or("").trim().to_owned())
        .collect()
}

#[test]
fn openssl_reference_gives_only_the_ca_without_key_usage() {
    let d = TestDir::new("lint-ref");
    let r = reference();
    let files: Vec<String> = ["ca.crt", "client.crt", "peer.crt", "client.csr", "peer.csr"]
        .iter()
        .map(|f| r.join(f).to_string_lossy().into_owned())
        .collect();
    let args: Vec<&str> = ["lint", "--now", "2030-01-01T00:00:00Z"]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect();
    let run = pki(&d, &args, &[]).fails(1, "");
    assert!(
        run.stdout().starts_with(&format!(
            "{}: certificate \"CN = etcd-ca\": 1 error, 0 warnings, 0 notices\n",
            files[0]
        )),
        "{}",
        run.stdout()
    );
    assert_eq!(
        findings(&run.stdout()),
        ["error   ca-key-usage-missing"],
        "{}",
        run.stdout()
    );
    let args: Vec<&str> = ["lint", "--profile", "etcd"]
        .into_iter()
        .chain(files[1..].iter().map(String::as_str))
        .collect();
    let run = pki(&d, &args, &[]).ok();
    assert!(findings(&run.stdout()).is_empty(), "{}", run.stdout());
}

#[test]
fn pki_init_output_lints_clean() {
    let d = TestDir::new("lint-init");
    pki(&d, &["init", "certs"], &[]).ok();
    for profile in ["rfc5280", "etcd"] {
        let r = pki(
            &d,
            &[
                "lint",
                "--profile",
                profile,
                "certs/ca.crt",
                "certs/client.crt",
                "certs/peer.crt",
                "certs/client.csr",
                "certs/peer.csr",
            ],
            &[],
        )
        .ok();
        assert!(
            findings(&r.stdout()).is_empty(),
            "{profile}: {}",
            r.stdout()
        );
        assert_eq!(
            r.stdout().matches(": no findings").count(),
            5,
            "{}",
            r.stdout()
        );
    }
}

#[test]
fn openssl_made_fixtures() {
    let d = TestDir::new("lint-data");
    let data = util::data_path("lint");
    let cases: [(&str, &[&str]); 3] = [
        ("ec-key-encipherment.der", &["error   key-usage-key-type"]),
        (
            "sha1-rsa1024-serial0-ca.der",
            &[
                "error   serial-zero",
                "error   signature-weak-hash",
                "error   ca-key-usage-missing",
                "error   rsa-key-size",
            ],
        ),
        (
            "no-extensions.der",
            &[
                "warning version-not-v3",
                "notice  ski-missing",
                "error   aki-missing",
            ],
        ),
    ];
    for (file, want) in cases {
        let p = data.join(file).to_string_lossy().into_owned();
        let r = pki(&d, &["lint", "--now", "2030-01-01T00:00:00Z", &p], &[]).fails(1, "");
        assert_eq!(findings(&r.stdout()), want, "{file}");
    }
}

#[test]
fn json_follows_the_schema_and_exit_statuses() {
    let d = TestDir::new("lint-json");
    let r = reference();
    let ca = r.join("ca.crt").to_string_lossy().into_owned();
    let key = r.join("ca.key").to_string_lossy().into_owned();
    fs::write(d.join("bad.der"), b"\x30\x05\x02\x01").expect("write");
    let run = pki(&d, &["lint", "--json", &ca, "bad.der", &key], &[]).fails(
        2,
        "pki: bad.der: malformed certificate: ASN.1 DER message is incomplete: expected 5, actual 4 at DER byte 4\n",
    );
    let schema = jsonschema::schema();
    let docs: Vec<serde_json::Value> = run
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(docs.len(), 2, "the CA and the error; keys are not linted");
    for doc in &docs {
        let errors = jsonschema::validate(&schema, doc);
        assert!(errors.is_empty(), "{doc}\n{}", errors.join("\n"));
    }
    assert_eq!(docs[0]["findings"][0]["id"], "ca-key-usage-missing");
    assert_eq!(docs[0]["findings"][0]["severity"], "error");
    assert_eq!(docs[0]["findings"][0]["reference"], "RFC 5280 4.2.1.3");
    assert_eq!(docs[0]["profile"], "rfc5280");
    let clean = r.join("peer.crt").to_string_lossy().into_owned();
    pki(&d, &["lint", &clean], &[]).ok();
    let out = pki(&d, &["lint", "--profile", "kubernetes", &clean], &[]);
    assert_eq!(out.code(), Some(2));
    assert!(
        out.stderr().contains("unknown profile \"kubernetes\""),
        "{}",
        out.stderr()
    );
}

#[test]
fn severity_colours_only_on_a_terminal() {
    let d = TestDir::new("lint-colour");
    let tty = on_terminal(&d, "lint ca.crt", None);
    assert!(
        tty.contains("\x1b[31merror  \x1b[0m ca-key-usage-missing"),
        "{tty:?}"
    );
    let plain = on_terminal(&d, "lint ca.crt", Some("1"));
    assert!(
        plain.contains("  error   ca-key-usage-missing"),
        "{plain:?}"
    );
    assert!(!plain.contains('\x1b'));
}

/// `pki ARGS` on a pseudo-terminal in the reference folder (see show.rs).
fn on_terminal(dir: &TestDir, args: &str, no_color: Option<&str>) -> String {
    assert!(
        std::process::Command::new("script")
            .arg("--version")
            .output()
            .is_ok(),
        "this test needs `script` (util-linux) for a pseudo-terminal: apt-get install bsdutils (.ci/run does)"
    );
    let mut c = std::process::Command::new("script");
    c.args([
        "-qec",
        &format!("'{}' {args}", env!("CARGO_BIN_EXE_pki")),
        "/dev/null",
    ])
    .current_dir(reference())
    .env_clear()
    .env("PATH", std::env::var("PATH").unwrap_or_default());
    if let Some(v) = no_color {
        c.env("NO_COLOR", v);
    }
    util::run(c, dir)
        .out
        .stdout
        .iter()
        .map(|b| char::from(*b))
        .collect()
}

/// A sound v2 CRL of the reference CA at 2026, next update 2036, one entry (keyCompromise),
/// with authorityKeyIdentifier and cRLNumber; changed by each fixture. Lint does not check
/// the signature, so it is a placeholder.
fn crl_tbs() -> x509_cert::crl::TbsCertList {
    use x509_cert::{crl::RevokedCert, ext::pkix::crl::CrlReason, serial_number::SerialNumber};
    let aki = x509_cert::ext::pkix::AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(ca_key_id()).expect("key id")),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    };
    x509_cert::crl::TbsCertList {
        version: x509_cert::Version::V2,
        signature: sha256(),
        issuer: name::parse_subj("/CN=etcd-ca").expect("name"),
        this_update: utc(2026),
        next_update: Some(utc(2036)),
        revoked_certificates: Some(vec![RevokedCert {
            serial_number: SerialNumber::new(&[0x10]).expect("serial"),
            revocation_date: utc(2026),
            crl_entry_extensions: Some(vec![reason_code(CrlReason::KeyCompromise)]),
        }]),
        crl_extensions: Some(vec![
            raw_ext("2.5.29.35", false, &aki.to_der().expect("aki")),
            raw_ext("2.5.29.20", false, &[0x02, 0x01, 0x07]),
        ]),
    }
}

fn lint_crl(
    tbs: x509_cert::crl::TbsCertList,
    alg: AlgorithmIdentifierOwned,
) -> BTreeSet<&'static str> {
    let list = x509_cert::crl::CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: alg,
        signature: BitString::from_bytes(&[0u8; 16]).expect("sig"),
    };
    let der = list.to_der().expect("CRL");
    let list = pki_core::inspect::crl::decode(&der).expect("decodes again");
    lint::lint_crl(&list, now()).iter().map(|f| f.id).collect()
}

/// Each CRL rule with a fixture that fires it: (name, change, the findings expected).
#[allow(clippy::type_complexity)]
fn crl_fixtures() -> Vec<(&'static str, Vec<&'static str>)> {
    crl_cases()
        .into_iter()
        .map(|(n, _, ids)| (n, ids))
        .collect()
}

#[allow(clippy::type_complexity)]
fn crl_cases() -> Vec<(
    &'static str,
    Box<dyn Fn(&mut x509_cert::crl::TbsCertList, &mut AlgorithmIdentifierOwned)>,
    Vec<&'static str>,
)> {
    use x509_cert::ext::pkix::{
        crl::{CrlReason, IssuingDistributionPoint},
        name::GeneralNames,
    };
    let entry_ext = |t: &mut x509_cert::crl::TbsCertList, e: Extension| {
        if let Some(r) = t.revoked_certificates.as_mut() {
            r[0].crl_entry_extensions = Some(vec![e]);
        }
    };
    let gtime = |secs: u64| {
        Time::GeneralTime(
            GeneralizedTime::from_unix_duration(Duration::from_secs(secs)).expect("time"),
        )
    };
    let idp = |indirect: bool| IssuingDistributionPoint {
        distribution_point: None,
        only_contains_user_certs: true,
        only_contains_ca_certs: false,
        only_some_reasons: None,
        indirect_crl: indirect,
        only_contains_attribute_certs: false,
    };
    vec![
        (
            "v1 with extensions",
            Box::new(|t, _| t.version = x509_cert::Version::V1),
            vec!["crl-version"],
        ),
        (
            "inner algorithm differs",
            Box::new(|_, a| a.oid = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12")),
            vec!["crl-signature-algorithm-mismatch"],
        ),
        (
            "SHA-1",
            Box::new(|t, a| {
                a.oid = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
                t.signature.oid = a.oid;
            }),
            vec!["signature-weak-hash"],
        ),
        (
            "empty issuer",
            Box::new(|t, _| t.issuer = Name::default()),
            vec!["crl-issuer-empty"],
        ),
        (
            "GeneralizedTime in 2026",
            Box::new(move |t, _| t.this_update = gtime(1_767_225_600)),
            vec!["crl-time-encoding"],
        ),
        (
            "no nextUpdate",
            Box::new(|t, _| t.next_update = None),
            vec!["crl-next-update-missing"],
        ),
        (
            "nextUpdate before thisUpdate",
            Box::new(|t, _| {
                t.this_update = utc(2036);
                t.next_update = Some(utc(2026));
            }),
            vec!["crl-update-order", "crl-not-yet-valid"],
        ),
        (
            "expired",
            Box::new(|t, _| t.next_update = Some(utc(2026))),
            vec!["crl-expired"],
        ),
        (
            "not yet valid",
            Box::new(|t, _| t.this_update = utc(2036)),
            vec!["crl-not-yet-valid"],
        ),
        (
            "no authorityKeyIdentifier",
            Box::new(|t, _| {
                t.crl_extensions.as_mut().expect("exts").remove(0);
            }),
            vec!["crl-aki-missing"],
        ),
        (
            "no cRLNumber",
            Box::new(|t, _| {
                t.crl_extensions.as_mut().expect("exts").remove(1);
            }),
            vec!["crl-number-missing"],
        ),
        (
            "critical cRLNumber",
            Box::new(|t, _| t.crl_extensions.as_mut().expect("exts")[1].critical = true),
            vec!["crl-number-critical"],
        ),
        (
            "issuingDistributionPoint not critical",
            Box::new(move |t, _| {
                let v = idp(false).to_der().expect("idp");
                t.crl_extensions
                    .as_mut()
                    .expect("exts")
                    .push(raw_ext("2.5.29.28", false, &v));
            }),
            vec!["crl-extension-not-critical"],
        ),
        (
            "unknown critical extension, twice",
            Box::new(|t, _| {
                let e = t.crl_extensions.as_mut().expect("exts");
                e.push(raw_ext("1.2.3.4", true, &[0x05, 0x00]));
                e.push(raw_ext("1.2.3.4", true, &[0x05, 0x00]));
            }),
            vec!["extension-unknown-critical", "extension-duplicate"],
        ),
        (
            "malformed cRLNumber",
            Box::new(|t, _| {
                t.crl_extensions.as_mut().expect("exts")[1] =
                    raw_ext("2.5.29.20", false, &[0x04, 0x00])
            }),
            vec!["extension-malformed"],
        ),
        (
            "empty revokedCertificates",
            Box::new(|t, _| t.revoked_certificates = Some(Vec::new())),
            vec!["crl-empty-revoked-list"],
        ),
        (
            "a serial twice",
            Box::new(|t, _| {
                let r = t.revoked_certificates.as_mut().expect("entries");
                let again = r[0].clone();
                r.push(again);
            }),
            vec!["crl-entry-duplicate"],
        ),
        (
            "reasonCode unspecified",
            Box::new(move |t, _| {
                entry_ext(t, reason_code(CrlReason::Unspecified));
            }),
            vec!["crl-reason-unspecified"],
        ),
        (
            "removeFromCRL in a complete CRL",
            Box::new(move |t, _| {
                entry_ext(t, reason_code(CrlReason::RemoveFromCRL));
            }),
            vec!["crl-remove-not-delta"],
        ),
        (
            "certificateIssuer outside an indirect CRL",
            Box::new(move |t, _| {
                let names: GeneralNames = vec![GeneralName::DirectoryName(
                    name::parse_subj("/CN=other").expect("name"),
                )];
                entry_ext(t, raw_ext("2.5.29.29", true, &names.to_der().expect("gn")));
            }),
            vec!["crl-certificate-issuer-not-indirect"],
        ),
    ]
}

#[test]
fn crl_rules() {
    assert_eq!(
        lint_crl(crl_tbs(), sha256()),
        BTreeSet::new(),
        "the sound CRL"
    );
    for (what, change, want) in crl_cases() {
        let (mut tbs, mut alg) = (crl_tbs(), sha256());
        change(&mut tbs, &mut alg);
        let want: BTreeSet<&str> = want.into_iter().collect();
        assert_eq!(lint_crl(tbs, alg), want, "{what}");
    }
    // Not firing: a certificateIssuer in an indirect CRL, a critical issuingDistributionPoint,
    // a serial listed again under another issuer, removeFromCRL in a delta CRL.
    let mut tbs = crl_tbs();
    let idp = x509_cert::ext::pkix::crl::IssuingDistributionPoint {
        distribution_point: None,
        only_contains_user_certs: false,
        only_contains_ca_certs: false,
        only_some_reasons: None,
        indirect_crl: true,
        only_contains_attribute_certs: false,
    };
    let exts = tbs.crl_extensions.as_mut().expect("exts");
    exts.push(raw_ext("2.5.29.28", true, &idp.to_der().expect("idp")));
    exts.push(raw_ext("2.5.29.27", true, &[0x02, 0x01, 0x06]));
    let names: x509_cert::ext::pkix::name::GeneralNames = vec![GeneralName::DirectoryName(
        name::parse_subj("/CN=other").expect("name"),
    )];
    let r = tbs.revoked_certificates.as_mut().expect("entries");
    let mut other = r[0].clone();
    other.crl_entry_extensions = Some(vec![
        raw_ext("2.5.29.29", true, &names.to_der().expect("gn")),
        raw_ext(
            "2.5.29.21",
            false,
            &x509_cert::ext::pkix::crl::CrlReason::RemoveFromCRL
                .to_der()
                .expect("r"),
        ),
    ]);
    r.push(other);
    assert_eq!(
        lint_crl(tbs, sha256()),
        BTreeSet::new(),
        "indirect delta CRL"
    );
}

/// `pki lint` and `pki show` read CRLs: PKITS' (v2, with every CRL extension) and one
/// `openssl ca -gencrl` writes without CRL extensions (version 1: no version field).
#[test]
fn crls_are_linted_and_shown() {
    let d = TestDir::new("lint-crl");
    let pkits = util::data().join("pkits/PKITS_data/crls");
    let files: Vec<String> = [
        "TrustAnchorRootCRL",
        "deltaCRLCA1deltaCRL",
        "indirectCRLCA4cRLIssuerCRL",
        "onlySomeReasonsCA4compromiseCRL",
    ]
    .iter()
    .map(|n| {
        pkits
            .join(format!("{n}.crl"))
            .to_string_lossy()
            .into_owned()
    })
    .collect();
    let mut args = vec!["lint", "--json", "--now", "2011-04-15T00:00:00Z"];
    args.extend(files.iter().map(String::as_str));
    let run = pki(&d, &args, &[]).ok();
    let schema = jsonschema::schema();
    for line in run.stdout().lines() {
        let doc: serde_json::Value = serde_json::from_str(line).expect("JSON");
        assert!(jsonschema::validate(&schema, &doc).is_empty(), "{doc}");
        assert_eq!(doc["type"], "crl");
        assert_eq!(doc["findings"], serde_json::json!([]), "{doc}");
    }
    let mut args = vec!["show", "--json", "--now", "2011-04-15T00:00:00Z"];
    args.extend(files.iter().map(String::as_str));
    let run = pki(&d, &args, &[]).ok();
    let docs: Vec<serde_json::Value> = run
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(docs.len(), 4);
    for doc in &docs {
        assert!(jsonschema::validate(&schema, doc).is_empty(), "{doc}");
        assert_eq!(doc["object"]["type"], "crl");
        assert_eq!(doc["object"]["state"], "current");
    }
    let delta = &docs[1]["object"];
    assert_eq!(delta["crl_number"], "5");
    assert_eq!(delta["delta_base"], "1");
    assert_eq!(delta["revoked"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        delta["revoked"][1]["extensions"][0]["value"]["reason"],
        "removeFromCRL"
    );
    let indirect = &docs[2]["object"]["extensions"][1]["value"];
    assert_eq!(indirect["kind"], "issuing_distribution_point");
    assert_eq!(indirect["indirect_crl"], true);

    // A v1 CRL from openssl ca, with one certificate revoked: shown, linted (no AKI, no
    // cRLNumber), and read by pki verify, which sees the revocation as openssl does.
    let ca = reference();
    fs::write(d.join("index.txt"), b"").expect("index");
    fs::write(
        d.join("ca.cnf"),
        format!(
            "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncertificate = {}\n\
             private_key = {}\ndefault_md = sha256\ndefault_crl_days = 30\n",
            ca.join("ca.crt").display(),
            ca.join("ca.key").display()
        ),
    )
    .expect("cnf");
    let client = ca.join("client.crt").to_string_lossy().into_owned();
    util::openssl(&d, &["ca", "-config", "ca.cnf", "-revoke", &client]).ok();
    util::openssl(
        &d,
        &["ca", "-config", "ca.cnf", "-gencrl", "-out", "v1.crl"],
    )
    .ok();
    let text = pki(&d, &["show", "v1.crl"], &[]).ok().stdout();
    assert!(text.contains("Version:             1\n"), "{text}");
    assert!(text.contains("Revoked certificates (1):"), "{text}");
    let out = pki(&d, &["lint", "v1.crl"], &[]);
    assert_eq!(out.code(), Some(1));
    assert_eq!(
        findings(&out.stdout()),
        ["error   crl-aki-missing", "error   crl-number-missing"]
    );
    let ca_crt = ca.join("ca.crt").to_string_lossy().into_owned();
    let theirs = util::openssl(
        &d,
        &[
            "verify",
            "-crl_check",
            "-CRLfile",
            "v1.crl",
            "-CAfile",
            &ca_crt,
            &client,
        ],
    );
    let ours = pki(
        &d,
        &[
            "openssl",
            "verify",
            "-crl_check",
            "-CRLfile",
            "v1.crl",
            "-CAfile",
            &ca_crt,
            &client,
        ],
        &[],
    );
    assert_eq!(ours.code(), theirs.code(), "{}", ours.stderr());
    assert!(
        ours.stderr()
            .contains("error 23 at 0 depth lookup: certificate revoked"),
        "{}",
        ours.stderr()
    );
}
