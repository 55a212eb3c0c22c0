//! Our `pki init` output compared field by field with what OpenSSL 3.0.19 made from the same
//! script (tests/data/reference/openssl-3.0.19). Only serials, keys, key identifiers, dates and
//! signatures may differ, and the one deliberate difference: our CA also has keyUsage.

use std::time::Duration;

use der::{Encode, oid::db::rfc5280 as oids};
use pki_core::{
    cert, csr,
    ext::{ExtSpec, KeyUsageBit},
    init::{self, Plan},
};
use pki_tests::{TempDir, read, reference};
use x509_cert::{Certificate, ext::Extension, request::CertReq};

fn ours() -> TempDir {
    let d = TempDir::new("reference");
    init::run(&Plan::new(d.join("certs")), false, &mut |_, _| {}).expect("pki init");
    d
}

fn load_cert(p: std::path::PathBuf) -> Certificate {
    cert::decode(&read(&p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn load_csr(p: std::path::PathBuf) -> CertReq {
    csr::decode(&read(&p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The parts of an extension that must be equal: OID, criticality, and the value except for
/// key identifiers (which hash different keys).
fn ext_shape(e: &Extension) -> (String, bool, Option<Vec<u8>>) {
    let value = match e.extn_id {
        oids::ID_CE_SUBJECT_KEY_IDENTIFIER | oids::ID_CE_AUTHORITY_KEY_IDENTIFIER => None,
        _ => Some(e.extn_value.as_bytes().to_vec()),
    };
    (e.extn_id.to_string(), e.critical, value)
}

fn validity_secs(c: &Certificate) -> Duration {
    let v = c.tbs_certificate().validity();
    v.not_after.to_unix_duration() - v.not_before.to_unix_duration()
}

fn assert_same_shape(ours: &Certificate, theirs: &Certificate, extra_ours: &[Extension]) {
    let (a, b) = (ours.tbs_certificate(), theirs.tbs_certificate());
    assert_eq!(a.version(), b.version());
    assert_eq!(a.signature(), b.signature(), "tbs signature algorithm");
    assert_eq!(ours.signature_algorithm(), theirs.signature_algorithm());
    // Names compared as DER: same attributes, same string types.
    assert_eq!(
        a.issuer().to_der().expect("der"),
        b.issuer().to_der().expect("der"),
        "issuer"
    );
    assert_eq!(
        a.subject().to_der().expect("der"),
        b.subject().to_der().expect("der"),
        "subject"
    );
    assert_eq!(
        validity_secs(ours),
        validity_secs(theirs),
        "validity length"
    );
    // Both use UTCTime through 2049.
    assert_eq!(
        format!("{:?}", a.validity().not_after).split('(').next(),
        format!("{:?}", b.validity().not_after).split('(').next()
    );
    assert_eq!(
        a.subject_public_key_info().algorithm,
        b.subject_public_key_info().algorithm
    );
    assert_eq!(
        a.serial_number().as_bytes().len() <= 20,
        b.serial_number().as_bytes().len() <= 20
    );
    let mut theirs_exts: Vec<_> = b
        .extensions()
        .expect("extensions")
        .iter()
        .map(ext_shape)
        .collect();
    theirs_exts.extend(extra_ours.iter().map(ext_shape));
    let ours_exts: Vec<_> = a
        .extensions()
        .expect("extensions")
        .iter()
        .map(ext_shape)
        .collect();
    assert_eq!(
        ours_exts, theirs_exts,
        "extensions: OID, criticality, value"
    );
}

#[test]
fn ca_certificate_matches_openssl_plus_key_usage() {
    let d = ours();
    let ours = load_cert(d.join("certs/ca.crt"));
    let theirs = load_cert(reference().join("ca.crt"));
    // The deliberate difference: keyUsage critical keyCertSign, cRLSign (RFC 5280 4.2.1.3).
    let ku = ExtSpec::KeyUsage {
        critical: true,
        usage: [KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign]
            .into_iter()
            .collect(),
    };
    let spki = ours.tbs_certificate().subject_public_key_info().clone();
    let authority = pki_core::ext::Authority {
        key_id: None,
        issuer: x509_cert::name::Name::default(),
        serial: x509_cert::serial_number::SerialNumber::from(1u8),
        self_signed: true,
        alt_names: Some(Vec::new()),
    };
    let ku = ku
        .to_extension(&spki, &authority)
        .expect("ku")
        .expect("a keyUsage");
    assert_eq!(ku.extn_value.as_bytes(), [0x03, 0x02, 0x01, 0x06]);
    assert_same_shape(&ours, &theirs, &[ku]);
    // SKI = AKI = SHA-1 of the key, as OpenSSL's.
    let exts = ours.tbs_certificate().extensions().expect("exts");
    let ski = pki_core::ext::subject_key_id(exts)
        .expect("ski")
        .expect("present");
    assert_eq!(ski, pki_core::ext::key_identifier(&spki));
    assert_eq!(
        pki_core::ext::authority_key_id(exts).expect("aki"),
        Some(ski)
    );
    cert::verify_issued_by(&ours, &ours).expect("self-signed");
}

#[test]
fn client_and_peer_certificates_match_openssl() {
    let d = ours();
    let ca = load_cert(d.join("certs/ca.crt"));
    for name in ["client.crt", "peer.crt"] {
        let ours = load_cert(d.join(&format!("certs/{name}")));
        let theirs = load_cert(reference().join(name));
        assert_same_shape(&ours, &theirs, &[]);
        cert::verify_issued_by(&ours, &ca).expect("issued by our CA");
        // The AKI names the CA's SKI.
        let aki = pki_core::ext::authority_key_id(ours.tbs_certificate().extensions().expect("e"))
            .expect("aki");
        let ca_ski = pki_core::ext::subject_key_id(ca.tbs_certificate().extensions().expect("e"))
            .expect("ski");
        assert_eq!(aki, ca_ski);
    }
}

#[test]
fn csrs_match_openssl() {
    let d = ours();
    for name in ["client.csr", "peer.csr"] {
        let ours = load_csr(d.join(&format!("certs/{name}")));
        let theirs = load_csr(reference().join(name));
        assert_eq!(ours.info.version, theirs.info.version);
        assert_eq!(
            ours.info.subject.to_der().expect("der"),
            theirs.info.subject.to_der().expect("der")
        );
        assert_eq!(ours.algorithm, theirs.algorithm);
        assert_eq!(
            ours.info.public_key.algorithm,
            theirs.info.public_key.algorithm
        );
        // The extensionRequest attribute is byte-identical: it holds no key-dependent data.
        assert_eq!(
            ours.info.attributes.to_der().expect("der"),
            theirs.info.attributes.to_der().expect("der"),
            "{name} attributes"
        );
        let exts = csr::requested_extensions(&ours).expect("exts");
        assert_eq!(exts.len(), 3);
    }
}

#[test]
fn our_keys_have_openssl_s_form() {
    let d = ours();
    for name in ["ca.key", "client.key", "peer.key"] {
        let ours =
            pki_core::pem::decode_all(&read(&d.join(&format!("certs/{name}")))).expect("pem");
        let theirs = pki_core::pem::decode_all(&read(&reference().join(name))).expect("pem");
        assert_eq!(ours[0].label, theirs[0].label);
        let a = pki_core::key::PrivateKey::decode(&read(&d.join(&format!("certs/{name}"))))
            .expect("ours");
        let b = pki_core::key::PrivateKey::decode(&read(&reference().join(name))).expect("theirs");
        assert_eq!(a.bits(), b.bits());
        assert_eq!(a.public_key().exponent(), b.public_key().exponent());
        // PKCS#8 re-encoding of OpenSSL's key gives back OpenSSL's bytes.
        assert_eq!(&b.to_pkcs8_der().expect("der")[..], &theirs[0].der[..]);
    }
}
