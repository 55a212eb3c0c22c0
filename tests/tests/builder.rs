//! The certificate and CSR builders at their edges: RFC 5280 time encodings, canonical DER,
//! key checks, and openssl's view of the result.

use std::{
    fs,
    time::{Duration, SystemTime},
};

use der::{Decode, Encode};
use pki_core::{
    Error,
    cert::{self, CertBuilder, Issuer},
    csr,
    ext::{Eku, ExtSpec, IsCa, KeyUsageBit, San},
    key::PrivateKey,
    name, serial,
};
use pki_tests::{TempDir, openssl, read, reference};
use x509_cert::time::Time;

fn ca_key() -> PrivateKey {
    PrivateKey::decode(&read(&reference().join("ca.key"))).expect("ca.key")
}

fn serial() -> x509_cert::serial_number::SerialNumber {
    serial::to_serial_number(&serial::random().expect("rng")).expect("serial")
}

#[test]
fn validity_switches_to_generalized_time_in_2050() {
    let key = ca_key();
    // 2049-12-02 + 60 days: notBefore UTCTime, notAfter GeneralizedTime.
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(2_522_016_000);
    let c = CertBuilder::new(
        name::parse_subj("/CN=t").expect("n"),
        key.public_key_info().expect("spki"),
        serial(),
        60,
    )
    .not_before(start)
    .extensions(cert::pki_ca())
    .self_signed(&key)
    .expect("sign");
    let v = c.tbs_certificate().validity();
    assert!(
        matches!(v.not_before, Time::UtcTime(_)),
        "{:?}",
        v.not_before
    );
    assert!(
        matches!(v.not_after, Time::GeneralTime(_)),
        "{:?}",
        v.not_after
    );
    let d = TempDir::new("gt");
    fs::write(d.join("c.pem"), cert::to_pem(&c).expect("pem")).expect("write");
    let dates = openssl(&d.0, &["x509", "-noout", "-dates", "-in", "c.pem"]);
    assert_eq!(
        dates,
        "notBefore=Dec  2 00:00:00 2049 GMT\nnotAfter=Jan 31 00:00:00 2050 GMT\n"
    );
    // A validity past year 9999 cannot be encoded.
    let r = CertBuilder::new(
        name::parse_subj("/CN=t").expect("n"),
        key.public_key_info().expect("spki"),
        serial(),
        3_000_000,
    )
    .self_signed(&key);
    assert!(
        matches!(r, Err(Error::Validity { days: 3_000_000 })),
        "{r:?}"
    );
}

#[test]
fn extensions_are_canonical_der_in_the_given_order() {
    let key = ca_key();
    let exts = vec![
        ExtSpec::BasicConstraints {
            critical: false,
            ca: IsCa::No,
        },
        ExtSpec::KeyUsage {
            critical: true,
            usage: [KeyUsageBit::DigitalSignature].into_iter().collect(),
        },
        ExtSpec::ExtendedKeyUsage {
            critical: false,
            purposes: vec![Eku::ClientAuth, Eku::Other("1.2.3.4".parse().expect("oid"))],
        },
        ExtSpec::SubjectAltName {
            critical: false,
            names: vec![
                San::dns("a.example").expect("dns"),
                San::ip("::1").expect("ip"),
                San::email("x@y").expect("e"),
                San::uri("https://u").expect("u"),
            ],
        },
        ExtSpec::BasicConstraints {
            critical: true,
            ca: IsCa::Ca { path_len: Some(0) },
        },
    ];
    let c = CertBuilder::new(
        name::parse_subj("/CN=t").expect("n"),
        key.public_key_info().expect("spki"),
        serial(),
        1,
    )
    .extensions(exts)
    .self_signed(&key)
    .expect("sign");
    let got = c.tbs_certificate().extensions().expect("exts");
    // Given order, then SKI appended; no AKI, self-signed (OpenSSL 3.0's do_X509_sign).
    let oids: Vec<String> = got.iter().map(|e| e.extn_id.to_string()).collect();
    assert_eq!(
        oids,
        [
            "2.5.29.19",
            "2.5.29.15",
            "2.5.29.37",
            "2.5.29.17",
            "2.5.29.19",
            "2.5.29.14"
        ]
    );
    // critical FALSE is omitted (DER: DEFAULT values are not encoded).
    let non_critical = got[0].to_der().expect("der");
    assert_eq!(
        non_critical,
        [
            0x30, 0x09, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x04, 0x02, 0x30, 0x00
        ]
    );
    assert_eq!(got[1].extn_value.as_bytes(), [0x03, 0x02, 0x07, 0x80]);
    assert_eq!(
        got[4].extn_value.as_bytes(),
        [0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00]
    );
    // Decoding and re-encoding gives the same bytes.
    let der = c.to_der().expect("der");
    assert_eq!(
        x509_cert::Certificate::from_der(&der)
            .expect("decode")
            .to_der()
            .expect("der"),
        der
    );
    // The typed view reads back what was put in.
    let specs = cert::ext_specs(&c).expect("specs");
    assert!(specs.contains(&ExtSpec::SubjectAltName {
        critical: false,
        names: vec![
            San::Dns("a.example".into()),
            San::ip("::1").expect("ip"),
            San::Email("x@y".into()),
            San::Uri("https://u".into())
        ],
    }));
}

#[test]
fn builders_refuse_keys_that_do_not_match() {
    let key = ca_key();
    let other = PrivateKey::decode(&read(&reference().join("peer.key"))).expect("peer.key");
    let r = CertBuilder::new(
        name::parse_subj("/CN=t").expect("n"),
        other.public_key_info().expect("spki"),
        serial(),
        1,
    )
    .self_signed(&key);
    assert!(
        matches!(
            r,
            Err(Error::KeyMismatch {
                what: "certificate's public key"
            })
        ),
        "{r:?}"
    );
    let ca = cert::decode(&read(&reference().join("ca.crt"))).expect("ca");
    assert!(matches!(
        Issuer::new(&ca, &other),
        Err(Error::KeyMismatch {
            what: "CA certificate"
        })
    ));
}

#[test]
fn csr_without_extensions_has_no_attributes_and_openssl_accepts_it() {
    let key = ca_key();
    let req = csr::build(
        name::parse_subj("/C=CN/O=Example/OU=Ops/CN=x").expect("n"),
        &key,
        &[],
    )
    .expect("csr");
    assert!(req.info.attributes.is_empty());
    let d = TempDir::new("csr");
    fs::write(d.join("r.csr"), csr::to_pem(&req).expect("pem")).expect("write");
    let subject = openssl(
        &d.0,
        &["req", "-noout", "-subject", "-verify", "-in", "r.csr"],
    );
    assert_eq!(subject, "subject=C = CN, O = Example, OU = Ops, CN = x\n");
    // A flipped signature bit is caught on reading.
    let mut der = req.to_der().expect("der");
    let n = der.len() - 1;
    der[n] ^= 1;
    assert!(matches!(
        csr::decode(&der),
        Err(Error::BadSignature { what: "CSR" })
    ));
}
