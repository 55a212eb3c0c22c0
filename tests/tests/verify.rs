//! `pki_core::verify`: a regression test, with its exact reason, for each case the verifier
//! used to get wrong (issue 9: PKITS, Chromium's verify_certificate_chain), and hostile
//! inputs that must end within the budget.

use std::fs;

use der::asn1::ObjectIdentifier as Oid;
use pki_core::{
    verify::{self, Options, Purpose, Reason},
    view::{self, CertView},
};
use pki_tests::data_path;

/// PKITS case `number` (4.x.y, the first of that number, or its title): trust anchor,
/// intermediates, target, validated at 2011-04-15 with the case's policy inputs, and its CRLs
/// for every certificate when the case requires CRL processing.
fn pkits(number: &str) -> Result<usize, (Reason, usize)> {
    pkits_with(number, |_| {})
}

/// [`pkits`] with the options changed by `change`.
fn pkits_with(number: &str, change: impl Fn(&mut Options)) -> Result<usize, (Reason, usize)> {
    let suite: serde_json::Value = serde_json::from_slice(
        &fs::read(data_path("pkits/pkits_tests.json")).expect("pkits_tests.json"),
    )
    .expect("JSON");
    let case = suite["testcases"]
        .as_array()
        .expect("testcases")
        .iter()
        .find(|c| c["test_number"] == number || c["title"] == number)
        .expect("case");
    let load = |name: &str| {
        let der = fs::read(data_path(&format!("pkits/PKITS_data/certs/{name}.crt"))).expect("cert");
        CertView::from_der(&der).expect("PKITS certificate parses")
    };
    let names: Vec<&str> = case["certs"]
        .as_array()
        .expect("certs")
        .iter()
        .map(|v| v.as_str().expect("name"))
        .collect();
    let certs: Vec<CertView> = names.iter().map(|n| load(n)).collect();
    let mut o = Options::new(1_302_825_600);
    if let Some(set) = case["initial_policy_set"].as_array() {
        o.policy.initial = set
            .iter()
            .map(|p| policy_oid(p.as_str().expect("policy")))
            .collect();
    }
    o.policy.explicit = case["initial_explicit_policy"] == true;
    o.policy.inhibit_mapping = case["initial_policy_mapping_inhibit"] == true;
    o.policy.inhibit_any = case["initial_inhibit_any_policy"] == true;
    // As docs/conformance.md maps PKITS: its DSA cases are DSA-1024 with SHA-1.
    o.allow_sha1 = true;
    o.allow_dsa = true;
    o.min_rsa_bits = 1024;
    if case["requires"]
        .as_array()
        .is_some_and(|r| r.iter().any(|v| v == "crl"))
    {
        o.crl_check = verify::CrlCheck::All;
        for name in case["crls"].as_array().expect("crls") {
            let name = name.as_str().expect("CRL name");
            o.crls.push(
                fs::read(data_path(&format!("pkits/PKITS_data/crls/{name}.crl"))).expect("CRL"),
            );
        }
    }
    change(&mut o);
    let (anchor, rest) = certs.split_first().expect("anchor");
    let (leaf, middle) = rest.split_last().expect("leaf");
    verify::verify(leaf, std::slice::from_ref(anchor), middle, &o)
        .map(|p| p.len())
        .map_err(|f| (f.reason, f.depth))
}

fn policy_oid(name: &str) -> Oid {
    match name.strip_prefix("NIST-test-policy-") {
        Some(n) => format!("2.16.840.1.101.3.2.1.48.{n}").parse().expect("OID"),
        None => "2.5.29.32.0".parse().expect("OID"),
    }
}

/// Chromium verify_certificate_chain case `id`: the last certificate is the anchor (its own
/// constraints not applied, as that suite's TRUSTED_ANCHOR says), server authentication.
fn chromium(id: &str) -> Result<usize, (Reason, usize)> {
    let suite: serde_json::Value = serde_json::from_slice(
        &fs::read(data_path(
            "chromium-verify-chain/chromium_verify_chain.json",
        ))
        .expect("suite"),
    )
    .expect("JSON");
    let case = suite["testcases"]
        .as_array()
        .expect("testcases")
        .iter()
        .find(|c| c["id"] == id)
        .expect("case");
    let certs: Vec<CertView> = case["chain"]
        .as_array()
        .expect("chain")
        .iter()
        .map(|p| view::decode_all(p.as_str().expect("PEM").as_bytes()).expect("PEM")[0].clone())
        .collect();
    let time =
        pki_core::inspect::parse_time(case["utc_time"].as_str().expect("time")).expect("time");
    let mut o = Options::new(verify::unix_time(time));
    o.purpose = Purpose::ServerAuth;
    o.anchor_constraints = false;
    o.anchor_validity = false;
    o.min_rsa_bits = 1024;
    let (anchor, rest) = certs.split_last().expect("anchor");
    let (leaf, middle) = rest.split_first().expect("leaf");
    verify::verify(leaf, std::slice::from_ref(anchor), middle, &o)
        .map(|p| p.len())
        .map_err(|f| (f.reason, f.depth))
}

#[test]
fn keycertsign_alone_never_makes_a_ca() {
    assert_eq!(pkits("4.6.1"), Err((Reason::NotCa, 1)));
    assert_eq!(
        chromium("intermediate-lacks-basic-constraints/main"),
        Err((Reason::NotCa, 1))
    );
}

#[test]
fn name_constraints_are_enforced() {
    assert_eq!(pkits("4.13.1"), Ok(3));
    assert_eq!(pkits("4.13.2"), Err((Reason::PermittedViolation, 0)));
    assert_eq!(pkits("4.13.5"), Ok(3));
    // many-names/ok-all-types marks its nameConstraints non-critical, which RFC 5280
    // 4.2.1.10 forbids; Chromium takes it, pki refuses it (docs/conformance.md).
    assert_eq!(
        chromium("many-names/ok-all-types").map_err(|e| e.0),
        Err(Reason::MalformedExtension)
    );
    for id in [
        "toomany-all-types",
        "toomany-dns-permitted",
        "toomany-ips-excluded",
    ] {
        let r = chromium(&format!("many-names/{id}"));
        assert!(
            matches!(
                r,
                Err((
                    Reason::BudgetExceeded
                        | Reason::PermittedViolation
                        | Reason::ExcludedViolation
                        | Reason::MalformedExtension,
                    _
                ))
            ),
            "{id}: {r:?}"
        );
    }
}

#[test]
fn self_issued_intermediates_continue_the_chain() {
    assert_eq!(pkits("4.5.1"), Ok(4));
    assert_eq!(pkits("4.5.3"), Ok(4));
    assert_eq!(pkits("4.6.15"), Ok(4));
}

#[test]
fn names_compare_as_rfc_5280_section_7_1_says() {
    assert_eq!(pkits("4.3.1"), Err((Reason::NoIssuer, 0)));
    assert_eq!(pkits("4.3.2"), Err((Reason::NoIssuer, 0)));
    assert_eq!(pkits("4.3.3"), Ok(3));
    assert_eq!(pkits("4.3.4"), Ok(3));
    assert_eq!(pkits("4.3.5"), Ok(3));
}

#[test]
fn policies_are_processed() {
    assert_eq!(
        pkits("All Certificates Same Policy Test1 (Subpart 2)"),
        Ok(3)
    );
    // The path's policy and the initial set do not meet, and a policy is required.
    assert_eq!(
        pkits("All Certificates Same Policy Test1 (Subpart 3)"),
        Err((Reason::NoExplicitPolicy, 0))
    );
    assert_eq!(
        pkits("4.8.4").map_err(|e| e.0),
        Err(Reason::NoExplicitPolicy)
    );
    assert_eq!(
        pkits("Overlapping Policies Test6 (Subpart 2)").map(|_| ()),
        Ok(())
    );
    assert_eq!(
        pkits("Overlapping Policies Test6 (Subpart 3)").map_err(|e| e.0),
        Err(Reason::NoExplicitPolicy)
    );
}

#[test]
fn crls_in_scope_decide_revocation() {
    // issuingDistributionPoint names, and the kinds of certificate a CRL covers.
    assert_eq!(pkits("4.14.1"), Ok(3));
    assert_eq!(pkits("4.14.2"), Err((Reason::Revoked, 0)));
    assert_eq!(pkits("4.14.3"), Err((Reason::CrlOutOfScope, 0)));
    assert_eq!(pkits("4.14.7"), Ok(3));
    assert_eq!(pkits("4.14.8"), Err((Reason::CrlOutOfScope, 0)));
    assert_eq!(pkits("4.14.11"), Err((Reason::CrlOutOfScope, 0)));
    assert_eq!(pkits("4.14.12"), Err((Reason::CrlOutOfScope, 0)));
    assert_eq!(pkits("4.14.13"), Ok(3));
    assert_eq!(pkits("4.14.14"), Err((Reason::CrlOutOfScope, 0)));
    // CRLs partitioned by reason: all reasons must be covered.
    assert_eq!(pkits("4.14.16"), Err((Reason::Revoked, 0)));
    assert_eq!(pkits("4.14.17"), Err((Reason::CrlMissing, 0)));
    assert_eq!(pkits("4.14.18"), Ok(3));
    assert_eq!(pkits("4.14.19"), Ok(3));
    assert_eq!(pkits("4.14.21"), Err((Reason::Revoked, 0)));
}

#[test]
fn indirect_crls_and_crl_issuers() {
    assert_eq!(pkits("4.14.22"), Ok(3));
    assert_eq!(pkits("4.14.23"), Err((Reason::Revoked, 0)));
    assert_eq!(pkits("4.14.24"), Ok(3));
    assert_eq!(pkits("4.14.27"), Err((Reason::CrlOutOfScope, 0)));
    assert_eq!(pkits("4.14.28"), Ok(3));
    // The cRLIssuer's own certificate is covered by the indirect CRL it signs.
    assert_eq!(pkits("4.14.30"), Ok(3));
    assert_eq!(pkits("4.14.31"), Err((Reason::Revoked, 0)));
    assert_eq!(pkits("4.14.35"), Err((Reason::CrlMissing, 0)));
}

#[test]
fn separate_crl_signing_keys_are_validated() {
    assert_eq!(pkits("4.4.19"), Ok(3));
    assert_eq!(pkits("4.4.20"), Err((Reason::Revoked, 0)));
    // The CRL-signing certificate is itself revoked by the anchor's CRL.
    assert_eq!(pkits("4.4.21"), Err((Reason::CrlPathInvalid, 0)));
    assert_eq!(pkits("4.5.5"), Err((Reason::Revoked, 0)));
}

#[test]
fn delta_crls_apply_to_their_complete_crls() {
    assert_eq!(pkits("4.15.1"), Err((Reason::CrlMissing, 0)));
    // removeFromCRL in the delta undoes the complete CRL's hold.
    assert_eq!(pkits("4.15.2"), Ok(3));
    assert_eq!(pkits("4.15.3"), Err((Reason::Revoked, 0)));
    assert_eq!(pkits("4.15.4"), Err((Reason::Revoked, 0)));
    assert_eq!(pkits("4.15.8"), Ok(3));
    assert_eq!(pkits("4.15.10"), Err((Reason::CrlExpired, 0)));
}

#[test]
fn dsa_signatures_and_inherited_parameters() {
    assert_eq!(pkits("4.1.4"), Ok(3));
    assert_eq!(pkits("4.1.5"), Ok(4));
    // Refused unless allowed, as Go refuses DSA; and DSA-1024 is under the default key size.
    let no_dsa = |o: &mut Options| o.allow_dsa = false;
    assert_eq!(
        pkits_with("4.1.4", no_dsa),
        Err((Reason::WeakSignatureAlgorithm, 0))
    );
    let small = |o: &mut Options| o.min_rsa_bits = 2048;
    assert_eq!(pkits_with("4.1.5", small), Err((Reason::WeakKey, 1)));
}

#[test]
fn without_extended_crl_support_only_the_issuers_own_crls_count() {
    let plain = |o: &mut Options| {
        o.extended_crl = false;
        o.use_deltas = false;
    };
    assert_eq!(pkits_with("4.14.1", plain), Ok(3));
    assert_eq!(
        pkits_with("4.4.19", plain),
        Err((Reason::CrlIssuerNotFound, 0))
    );
    assert_eq!(
        pkits_with("4.14.22", plain),
        Err((Reason::CrlOutOfScope, 0))
    );
    // Without deltas (OpenSSL without -use_deltas), a revocation only in the delta CRL is not
    // seen: the complete CRL alone is current (4.15.4).
    assert_eq!(pkits_with("4.15.4", plain), Ok(3));
    // And the complete CRL's hold stands, which the delta's removeFromCRL lifts.
    assert_eq!(pkits("4.15.5"), Ok(3));
    assert_eq!(pkits_with("4.15.5", plain), Err((Reason::Revoked, 0)));
}

#[test]
fn utc_times_before_1970_are_read() {
    assert_eq!(pkits("4.2.3"), Ok(3));
    assert_eq!(pkits("4.2.4"), Ok(3));
}

#[test]
fn bad_signatures_are_refused() {
    assert_eq!(pkits("4.1.2"), Err((Reason::BadSignature, 1)));
    assert_eq!(pkits("4.1.3"), Err((Reason::BadSignature, 0)));
    assert_eq!(
        chromium("target-wrong-signature-no-authority-key-identifier/main"),
        Err((Reason::BadSignature, 0))
    );
    // With an authorityKeyIdentifier of another key, the CA of that name is not its issuer.
    assert_eq!(
        chromium("target-wrong-signature/main"),
        Err((Reason::NoIssuer, 0))
    );
}

/// A self-issued trusted certificate whose signature is not its own is no anchor.
#[test]
fn a_trusted_self_issued_certificate_must_be_self_signed() {
    // PKITS 4.1.1's intermediate, re-labelled as trusted, is not self-issued; take the anchor
    // of another suite whose name matches: the target of 4.3.1 names the Good CA; trusting a
    // certificate with the Good CA's name but the anchor's key must not end the path.
    let der = fs::read(data_path("pkits/PKITS_data/certs/GoodCACert.crt")).expect("cert");
    let good = CertView::from_der(&der).expect("parses");
    let leaf = CertView::from_der(
        &fs::read(data_path(
            "pkits/PKITS_data/certs/ValidCertificatePathTest1EE.crt",
        ))
        .expect("cert"),
    )
    .expect("parses");
    let o = Options::new(1_302_825_600);
    // Trusted but not self-signed, and no issuer for it: refused without --partial-chain.
    let e = verify::verify(&leaf, std::slice::from_ref(&good), &[], &o).expect_err("not an anchor");
    assert_eq!((e.reason, e.depth), (Reason::TrustedNoIssuer, 1));
    let mut partial = o.clone();
    partial.partial_chain = true;
    assert_eq!(
        verify::verify(&leaf, std::slice::from_ref(&good), &[], &partial)
            .map(|p| p.len())
            .ok(),
        Some(2)
    );
}

/// Every PKITS certificate 10 000 times over as intermediates: the valid path of PKITS
/// 4.1.1 is still found, and a leaf of no trusted CA gets its verdict, within the budget.
#[test]
fn hostile_bundles_end_within_the_budget() {
    let dir = data_path("pkits/PKITS_data/certs");
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let all: Vec<CertView> = files
        .iter()
        .filter_map(|p| CertView::from_der(&fs::read(p).expect("cert")).ok())
        .collect();
    let many: Vec<CertView> = all.iter().cycle().take(10_000).cloned().collect();
    let load = |name: &str| {
        let der = fs::read(data_path(&format!("pkits/PKITS_data/certs/{name}.crt"))).expect("cert");
        CertView::from_der(&der).expect("parses")
    };
    let anchor = load("TrustAnchorRootCertificate");
    let o = Options::new(1_302_825_600);
    let leaf = load("ValidCertificatePathTest1EE");
    let path = verify::verify(&leaf, std::slice::from_ref(&anchor), &many, &o).expect("valid");
    assert_eq!(path.len(), 3);
    // Trusting only Good CA, a leaf of another CA: its path climbs through the bundle to
    // the PKITS root, which is not trusted here.
    let other = load("InvalidMissingbasicConstraintsTest1EE");
    let e = verify::verify(&other, &[load("GoodCACert")], &many, &o).expect_err("untrusted");
    assert_eq!(e.reason, Reason::SelfSignedInChain, "{}", e.detail);
}

/// Every reason id is documented: in the JSON schema's list and with its rule in verify.md.
#[test]
fn every_reason_id_is_documented() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schema = fs::read_to_string(root.join("docs/json-schema.md")).expect("json-schema.md");
    let rules = fs::read_to_string(root.join("docs/verify.md")).expect("verify.md");
    for r in Reason::ALL {
        let id = format!("`{}`", r.id());
        assert!(schema.contains(&id), "{id} is not in docs/json-schema.md");
        assert!(rules.contains(&id), "{id} is not in docs/verify.md");
    }
}

/// A ladder of 60 names, two certificates for each (one key, two serials), each issued by the
/// next name: 2^60 paths that go nowhere, over only 240 distinct signatures. Path building
/// counts the issuers it tries, not only the signatures it checks, and gives up within the
/// budget instead of walking every path.
#[test]
fn a_ladder_of_alternatives_ends_within_the_budget() {
    use pki_core::{
        cert::{self, CertBuilder, Issuer},
        key::PrivateKey,
        name,
    };
    use x509_cert::serial_number::SerialNumber;
    let key =
        PrivateKey::decode(&pki_tests::read(&pki_tests::reference().join("ca.key"))).expect("key");
    let spki = key.public_key_info().expect("public key");
    let cert_for = |subject: &str, serial: u8, by: Option<&x509_cert::Certificate>| {
        let b = CertBuilder::new(
            name::parse_subj(subject).expect("name"),
            spki.clone(),
            SerialNumber::new(&[serial]).expect("serial"),
            3650,
        )
        .extensions(cert::pki_ca());
        match by {
            None => b.self_signed(&key),
            Some(c) => b.sign(&Issuer::new(c, &key).expect("issuer")),
        }
        .expect("certificate")
    };
    const RUNGS: usize = 60;
    let mut above = cert_for("/CN=rung top", 1, None);
    let mut rungs = Vec::new();
    for i in (0..RUNGS).rev() {
        let subject = format!("/CN=rung {i}");
        let a = cert_for(&subject, 2, Some(&above));
        let b = cert_for(&subject, 3, Some(&above));
        above = a.clone();
        rungs.extend([a, b]);
    }
    let view = |c: &x509_cert::Certificate| {
        CertView::from_der(&der::Encode::to_der(c).expect("der")).expect("view")
    };
    let leaf = view(&cert_for("/CN=leaf", 4, Some(&above)));
    let untrusted: Vec<CertView> = rungs.iter().map(view).collect();
    let anchor = view(&cert_for("/CN=elsewhere", 5, None));
    let o = Options::new(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("now")
            .as_secs() as i64,
    );
    let e = verify::verify(&leaf, &[anchor], &untrusted, &o).expect_err("no anchor");
    assert_eq!(e.reason, Reason::BudgetExceeded, "{}", e.detail);
}
