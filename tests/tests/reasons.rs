//! Every reason id of `pki_core::verify`, fired and not fired (the issue: "for every reason id
//! a fixture that fires it and one that does not").
//!
//! [`rows`] maps each [`Reason`] to a fixture on which `verify` fails with exactly that reason
//! at the expected depth, and to a closely related fixture on which it does not fire: the same
//! case with the one option or input that fires it changed, or the suite's valid sibling. The
//! fixtures are cases of the public suites in tests/data (NIST PKITS, Chromium's
//! verify_certificate_chain, x509-limbo), some with an option or a CRL byte changed; the few
//! reasons no suite case fires are shown on certificates built here and signed with the
//! throw-away keys of tests/data/reference. [`every_reason_has_fixtures`] fails when a reason
//! is added to [`Reason::ALL`] without a row (or without an entry in [`UNREACHABLE`], which
//! says why it cannot fire).

use std::{
    sync::OnceLock,
    time::{Duration, SystemTime},
};

use der::{
    Encode, Sequence,
    asn1::{BitString, Ia5String, ObjectIdentifier as Oid, OctetString},
};
use pki_core::{
    key::PrivateKey,
    name,
    verify::{self, CrlCheck, Failure, Options, Purpose, Reason},
    view::{self, CertView},
};
use pki_tests::{data_path, read, reference};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::{
    certificate::Version,
    ext::{
        Extension,
        pkix::{
            BasicConstraints, NameConstraints, SubjectAltName, constraints::name::GeneralSubtree,
            name::GeneralName,
        },
    },
    name::Name,
    serial_number::SerialNumber,
    time::{Time, Validity},
};

/// Reasons that no input can fire, each with why; empty while every reason is reachable.
const UNREACHABLE: &[(Reason, &str)] = &[];

/// The inputs of one `verify` call.
#[derive(Debug, Clone)]
struct Inputs {
    leaf: CertView,
    trusted: Vec<CertView>,
    untrusted: Vec<CertView>,
    opts: Options,
}

impl Inputs {
    fn run(&self) -> Result<usize, Failure> {
        verify::verify(&self.leaf, &self.trusted, &self.untrusted, &self.opts).map(|p| p.len())
    }
}

/// What the fixture that does not fire the reason gives instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quiet {
    /// A valid path.
    Valid,
    /// Another reason, at this depth.
    Other(Reason, usize),
}

/// One reason: `fires` fails with it at `depth`; `quiet` gives `quiet_gives`.
#[derive(Debug, Clone, Copy)]
struct Row {
    reason: Reason,
    depth: usize,
    fires: fn() -> Inputs,
    quiet: fn() -> Inputs,
    quiet_gives: Quiet,
}

fn row(
    reason: Reason,
    depth: usize,
    fires: fn() -> Inputs,
    quiet: fn() -> Inputs,
    quiet_gives: Quiet,
) -> Row {
    Row {
        reason,
        depth,
        fires,
        quiet,
        quiet_gives,
    }
}

/// No change to a suite case.
fn asis(_: &mut Inputs) {}

/// The fixtures, one row per reason (in the order of [`Reason::ALL`]).
fn rows() -> Vec<Row> {
    use Quiet::{Other, Valid};
    use Reason as R;
    vec![
        // The EE names an issuer no certificate has; its sibling's differs only in spaces.
        row(
            R::NoIssuer,
            0,
            || pkits("4.3.1", asis),
            || pkits("4.3.3", asis),
            Valid,
        ),
        // The Good CA trusted without the root: not self-signed; --partial-chain takes it.
        row(
            R::TrustedNoIssuer,
            1,
            || pkits("4.1.1", trust_the_intermediate_only),
            || {
                pkits("4.1.1", |i| {
                    trust_the_intermediate_only(i);
                    i.opts.partial_chain = true;
                })
            },
            Valid,
        ),
        // The root as the target, untrusted; then trusted.
        row(
            R::SelfSignedLeaf,
            0,
            || {
                pkits("4.1.1", |i| {
                    i.leaf = i.trusted.remove(0);
                    i.untrusted.clear();
                })
            },
            || {
                pkits("4.1.1", |i| {
                    i.leaf = i.trusted[0].clone();
                    i.untrusted.clear();
                })
            },
            Valid,
        ),
        // The chain's root is among the untrusted; moved to the trusted ones.
        row(
            R::SelfSignedInChain,
            2,
            || limbo("rfc5280::chain-untrusted-root", asis),
            || {
                limbo("rfc5280::chain-untrusted-root", |i| {
                    let root = i
                        .untrusted
                        .iter()
                        .position(|c| c.subject == c.issuer)
                        .expect("a self-issued untrusted root");
                    let root = i.untrusted.remove(root);
                    i.trusted = vec![root];
                })
            },
            Valid,
        ),
        // One intermediate under max_chain_depth 0; allowed one.
        row(
            R::ChainTooLong,
            1,
            || limbo("pathlen::max-chain-depth-0-exhausted", asis),
            || {
                limbo("pathlen::max-chain-depth-0-exhausted", |i| {
                    i.opts.max_depth = 1
                })
            },
            Valid,
        ),
        // 128 candidate paths (two copies of each of 7 CAs), each refused for the host name;
        // with the leaf's own name the first path is valid.
        row(
            R::BudgetExceeded,
            0,
            || lattice("other.example"),
            || lattice("leaf.example"),
            Valid,
        ),
        row(
            R::BadSignature,
            0,
            || pkits("4.1.3", asis),
            || pkits("4.1.1", asis),
            Valid,
        ),
        // Both signature algorithm fields say Ed448, which pki does not implement (the
        // signature is RSA's, never looked at); the same leaf as sha256WithRSAEncryption.
        row(
            R::SignatureAlgorithmUnsupported,
            0,
            || {
                built_leaf(|d| {
                    d.set_algorithm(algorithm("1.3.101.113", false));
                })
            },
            || built_leaf(|_| {}),
            Valid,
        ),
        // Signed with SHA-1; allowed.
        row(
            R::WeakSignatureAlgorithm,
            0,
            || chromium("target-signed-with-sha1/main", asis),
            || chromium("target-signed-with-sha1/main", |i| i.opts.allow_sha1 = true),
            Valid,
        ),
        // A 512-bit RSA target key under the minimum of 1024; the minimum lowered to 512.
        row(
            R::WeakKey,
            0,
            || chromium("target-has-512bit-rsa-key/main", asis),
            || {
                chromium("target-has-512bit-rsa-key/main", |i| {
                    i.opts.min_rsa_bits = 512
                })
            },
            Valid,
        ),
        // The intermediate's 512-bit RSA key does not decode (the rsa crate refuses it); the
        // same chain with its ordinary intermediate.
        row(
            R::BadPublicKey,
            0,
            || chromium("target-signed-by-512bit-rsa/main", asis),
            || chromium("target-and-intermediate/main", asis),
            Valid,
        ),
        // The intermediate's key is of algorithm 1.2.3.4 and signed the target with RSA; the
        // same chain with its ordinary intermediate.
        row(
            R::SignatureKeyMismatch,
            0,
            || chromium("intermediate-invalid-spki/main", asis),
            || chromium("target-and-intermediate/main", asis),
            Valid,
        ),
        // sha256WithRSAEncryption without parameters inside, with NULL outside: the signature
        // verifies, the fields differ. NULL in both: valid.
        row(
            R::SignatureAlgorithmInconsistent,
            0,
            || {
                built_leaf(|d| {
                    d.tbs.signature = algorithm(SHA256_WITH_RSA, false);
                })
            },
            || built_leaf(|_| {}),
            Valid,
        ),
        row(
            R::NotYetValid,
            0,
            || pkits("4.2.2", asis),
            || pkits("4.2.4", asis),
            Valid,
        ),
        row(
            R::Expired,
            0,
            || pkits("4.2.6", asis),
            || pkits("4.2.8", asis),
            Valid,
        ),
        row(
            R::NotCa,
            1,
            || pkits("4.6.2", asis),
            || pkits("4.6.4", asis),
            Valid,
        ),
        row(
            R::PathLengthExceeded,
            1,
            || pkits("4.6.5", asis),
            || pkits("4.6.7", asis),
            Valid,
        ),
        row(
            R::KeyUsageNoCertSign,
            1,
            || pkits("4.7.1", asis),
            || pkits("4.7.3", asis),
            Valid,
        ),
        // keyUsage decipherOnly for a TLS server (Chromium takes it, pki refuses it as OpenSSL
        // does); the sibling asserts keyEncipherment.
        row(
            R::LeafKeyUsage,
            0,
            || chromium("target-serverauth-various-keyusages/rsa-decipherOnly", asis),
            || {
                chromium(
                    "target-serverauth-various-keyusages/rsa-keyEncipherment",
                    asis,
                )
            },
            Valid,
        ),
        // extendedKeyUsage clientAuth for serverAuth; asked for clientAuth.
        row(
            R::EkuMissing,
            0,
            || limbo("rfc5280::eku::ee-wrong-eku", asis),
            || {
                limbo("rfc5280::eku::ee-wrong-eku", |i| {
                    i.opts.purpose = Purpose::ClientAuth;
                })
            },
            Valid,
        ),
        row(
            R::UnhandledCriticalExtension,
            0,
            || pkits("4.16.2", asis),
            || pkits("4.16.1", asis),
            Valid,
        ),
        // No authorityKeyIdentifier in the leaf, refused by the strict profile; not strict.
        row(
            R::MalformedExtension,
            0,
            || limbo("rfc5280::aki::leaf-missing-aki", asis),
            || limbo("rfc5280::aki::leaf-missing-aki", |i| i.opts.strict = false),
            Valid,
        ),
        // A version 2 leaf with a subjectAltName; the same without extensions.
        row(
            R::ExtensionsInV1,
            0,
            || {
                built_leaf(|d| {
                    d.tbs.version = Version::V2;
                })
            },
            || {
                built_leaf(|d| {
                    d.tbs.version = Version::V2;
                    d.tbs.extensions = None;
                })
            },
            Valid,
        ),
        row(
            R::PermittedViolation,
            0,
            || pkits("4.13.2", asis),
            || pkits("4.13.1", asis),
            Valid,
        ),
        row(
            R::ExcludedViolation,
            0,
            || pkits("4.13.26", asis),
            || pkits("4.13.25", asis),
            Valid,
        ),
        // The root permits only registeredIDs under an arc, which pki cannot compare: a leaf
        // with a registeredID fires it, the same leaf without one has no name of that form.
        row(
            R::UnsupportedNameForm,
            0,
            || rid_constrained(true),
            || rid_constrained(false),
            Valid,
        ),
        // An iPAddress constraint of 4 octets; the sibling's is address and mask (8).
        row(
            R::NameConstraintSyntax,
            0,
            || limbo("rfc5280::nc::invalid-ipv4-address", asis),
            || limbo("rfc5280::nc::permitted-ipv4-match", asis),
            Valid,
        ),
        // policyMappings from anyPolicy; the valid mapping test.
        row(
            R::InvalidPolicyExtension,
            1,
            || pkits("4.10.7", asis),
            || pkits("Valid Policy Mapping Test1 (Subpart 1)", asis),
            Valid,
        ),
        // The same certificates with an initial policy set the path's policy is not in.
        row(
            R::NoExplicitPolicy,
            0,
            || pkits("All Certificates Same Policy Test1 (Subpart 3)", asis),
            || pkits("All Certificates Same Policy Test1 (Subpart 2)", asis),
            Valid,
        ),
        // A CRL that does not decode among the good ones; without it.
        row(
            R::CrlUnsupported,
            1,
            || {
                pkits("4.1.1", |i| {
                    i.opts.crl_check = CrlCheck::All;
                    i.opts.crls.push(b"not a CRL".to_vec());
                })
            },
            || pkits("4.1.1", |i| i.opts.crl_check = CrlCheck::All),
            Valid,
        ),
        // The Good CA's cRLNumber made an OCTET STRING instead of an INTEGER (a malformed CRL
        // is refused before its signature, which the edit broke, is checked); the CRL as
        // issued.
        row(
            R::CrlMalformed,
            0,
            || {
                pkits("4.1.1", |i| {
                    i.opts.crl_check = CrlCheck::All;
                    replace_once(
                        &mut i.opts.crls[1],
                        &[0x55, 0x1d, 0x14, 0x04, 0x03, 0x02, 0x01, 0x01],
                        &[0x55, 0x1d, 0x14, 0x04, 0x03, 0x04, 0x01, 0x01],
                    );
                })
            },
            || pkits("4.1.1", |i| i.opts.crl_check = CrlCheck::All),
            Valid,
        ),
        // The CRL's distribution point is not the EE's; the sibling's is.
        row(
            R::CrlOutOfScope,
            0,
            || pkits("4.14.3", asis),
            || pkits("4.14.1", asis),
            Valid,
        ),
        // The CRL is signed by a separate certificate, looked for only with extended CRL
        // support (OpenSSL's -extended_crl).
        row(
            R::CrlIssuerNotFound,
            0,
            || pkits("4.4.19", |i| i.opts.extended_crl = false),
            || pkits("4.4.19", asis),
            Valid,
        ),
        // That separate CRL-signing certificate revoked; not revoked.
        row(
            R::CrlPathInvalid,
            0,
            || pkits("4.4.21", asis),
            || pkits("4.4.19", asis),
            Valid,
        ),
        // No CRL of the EE's issuer; the Good CA with its CRL.
        row(
            R::CrlMissing,
            0,
            || pkits("4.4.1", asis),
            || pkits("4.1.1", |i| i.opts.crl_check = CrlCheck::All),
            Valid,
        ),
        row(
            R::CrlSignatureFailure,
            0,
            || pkits("4.4.4", asis),
            || pkits("4.1.1", |i| i.opts.crl_check = CrlCheck::All),
            Valid,
        ),
        // Validated on 2010-03-01, after the certificates' notBefore (2010-01-01) and before
        // the thisUpdate of the CA's CRL (2010-06-01); on the suite's date.
        row(
            R::CrlNotYetValid,
            0,
            || pkits("4.15.8", |i| i.opts.time = 1_267_401_600),
            || pkits("4.15.8", asis),
            Valid,
        ),
        row(
            R::CrlExpired,
            0,
            || pkits("4.4.11", asis),
            || pkits("4.4.13", asis),
            Valid,
        ),
        // An EE of the Good CA listed in its CRL; one not listed.
        row(
            R::Revoked,
            0,
            || pkits("4.4.3", asis),
            || pkits("4.1.1", |i| i.opts.crl_check = CrlCheck::All),
            Valid,
        ),
        // A critical extension pki does not know in the CRL; the same extension made
        // non-critical is no longer refused, and what fails then is the CA's signature, which
        // the edit broke.
        row(
            R::UnhandledCriticalCrlExtension,
            0,
            || pkits("4.4.10", asis),
            || {
                pkits("4.4.10", |i| {
                    replace_once(
                        &mut i.opts.crls[1],
                        UNKNOWN_CRITICAL_CRL_EXTENSION,
                        UNKNOWN_NOT_CRITICAL_CRL_EXTENSION,
                    );
                })
            },
            Other(R::CrlSignatureFailure, 0),
        ),
        // The CA's keyUsage lacks cRLSign; the sibling's has it.
        row(
            R::KeyUsageNoCrlSign,
            0,
            || pkits("4.7.4", asis),
            || pkits("4.7.3", |i| i.opts.crl_check = CrlCheck::All),
            Valid,
        ),
        // The leaf names example.com: asked for example2.com, then for example.com.
        row(
            R::HostnameMismatch,
            0,
            || limbo("webpki::san::mismatch-domain-san", asis),
            || {
                limbo("webpki::san::mismatch-domain-san", |i| {
                    i.opts.host = Some("example.com".into());
                })
            },
            Valid,
        ),
        // The EE's subjectAltName is email:Test21EE@mailserver.testcertificates.gov.
        row(
            R::EmailMismatch,
            0,
            || {
                pkits("4.13.21", |i| {
                    i.opts.email = Some("Test22EE@mailserver.testcertificates.gov".into());
                })
            },
            || {
                pkits("4.13.21", |i| {
                    i.opts.email = Some("Test21EE@mailserver.testcertificates.gov".into());
                })
            },
            Valid,
        ),
        // The leaf names IP 192.0.2.1 (inside the root's permitted 192.0.2.0/24): asked for
        // 192.0.2.2, then 192.0.2.1.
        row(
            R::IpMismatch,
            0,
            || {
                limbo("rfc5280::nc::permitted-ipv4-match", |i| {
                    i.opts.ip = Some("192.0.2.2".parse().expect("IP"));
                })
            },
            || limbo("rfc5280::nc::permitted-ipv4-match", asis),
            Valid,
        ),
    ]
}

/// Every reason has a row, or is listed as unreachable with why; no reason twice.
#[test]
fn every_reason_has_fixtures() {
    let rows = rows();
    let mut missing = Vec::new();
    for r in Reason::ALL {
        let n = rows.iter().filter(|row| row.reason == *r).count();
        let unreachable = UNREACHABLE.iter().any(|(u, _)| u == r);
        match (n, unreachable) {
            (1, false) | (0, true) => {}
            (0, false) => missing.push(format!("{}: no fixtures", r.id())),
            (n, false) => missing.push(format!("{}: {n} rows", r.id())),
            (_, true) => missing.push(format!("{}: has a row and is listed unreachable", r.id())),
        }
    }
    for (r, why) in UNREACHABLE {
        assert!(
            !why.is_empty(),
            "{} is listed unreachable without why",
            r.id()
        );
    }
    assert!(
        missing.is_empty(),
        "reasons without fixtures:\n{}",
        missing.join("\n")
    );
}

/// Each row's `fires` fixture fails with exactly its reason, at its depth.
#[test]
fn each_reason_fires_on_its_fixture() {
    let mut wrong = Vec::new();
    for row in rows() {
        match (row.fires)().run() {
            Err(f) if (f.reason, f.depth) == (row.reason, row.depth) => {}
            Err(f) => wrong.push(format!(
                "{} (depth {}): got {f}",
                row.reason.id(),
                row.depth
            )),
            Ok(n) => wrong.push(format!(
                "{} (depth {}): got a valid path of {n}",
                row.reason.id(),
                row.depth
            )),
        }
    }
    assert!(
        wrong.is_empty(),
        "fixtures not firing their reason:\n{}",
        wrong.join("\n")
    );
}

/// Each row's `quiet` fixture does not give its reason: it is valid, or fails with the other
/// reason the row names.
#[test]
fn each_reason_is_quiet_on_its_twin() {
    let mut wrong = Vec::new();
    for row in rows() {
        assert!(
            !matches!(row.quiet_gives, Quiet::Other(r, _) if r == row.reason),
            "{}: the quiet fixture is expected to give the same reason",
            row.reason.id()
        );
        let (got, detail) = match (row.quiet)().run() {
            Ok(n) => (Quiet::Valid, format!("a valid path of {n}")),
            Err(f) => (Quiet::Other(f.reason, f.depth), f.to_string()),
        };
        if got != row.quiet_gives {
            wrong.push(format!(
                "{}: expected {:?}, got {detail}",
                row.reason.id(),
                row.quiet_gives
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "twins not as expected:\n{}",
        wrong.join("\n")
    );
}

// ---- The suites.

fn suite(cell: &'static OnceLock<serde_json::Value>, rel: &str) -> &'static serde_json::Value {
    cell.get_or_init(|| serde_json::from_slice(&read(&data_path(rel))).expect("suite JSON"))
}

fn case<'a>(suite: &'a serde_json::Value, key: &str, id: &str) -> &'a serde_json::Value {
    suite["testcases"]
        .as_array()
        .expect("testcases")
        .iter()
        .find(|c| c[key] == id || (key == "test_number" && c["title"] == id))
        .unwrap_or_else(|| panic!("no case {id}"))
}

fn pem_cert(v: &serde_json::Value) -> CertView {
    let mut all = view::decode_all(v.as_str().expect("PEM").as_bytes()).expect("PEM certificate");
    assert_eq!(all.len(), 1, "one certificate");
    all.remove(0)
}

/// PKITS case `number` (4.x.y, the first of that number, or its title), as
/// tests/tests/verify.rs maps it: the first certificate trusted, the last the target,
/// validated at 2011-04-15 with the case's policy inputs, SHA-1, DSA and RSA-1024 allowed;
/// its CRLs are always in `opts.crls` (in the case's order), checked for every certificate
/// when the case requires CRL processing. `change` then edits the inputs.
fn pkits(number: &str, change: fn(&mut Inputs)) -> Inputs {
    static SUITE: OnceLock<serde_json::Value> = OnceLock::new();
    let c = case(
        suite(&SUITE, "pkits/pkits_tests.json"),
        "test_number",
        number,
    );
    let load = |name: &serde_json::Value| {
        let name = name.as_str().expect("name");
        let der = read(&data_path(&format!("pkits/PKITS_data/certs/{name}.crt")));
        CertView::from_der(&der).expect("PKITS certificate parses")
    };
    let mut certs: Vec<CertView> = c["certs"]
        .as_array()
        .expect("certs")
        .iter()
        .map(load)
        .collect();
    let mut o = Options::new(1_302_825_600);
    if let Some(set) = c["initial_policy_set"].as_array() {
        o.policy.initial = set
            .iter()
            .map(|p| policy_oid(p.as_str().expect("policy")))
            .collect();
    }
    o.policy.explicit = c["initial_explicit_policy"] == true;
    o.policy.inhibit_mapping = c["initial_policy_mapping_inhibit"] == true;
    o.policy.inhibit_any = c["initial_inhibit_any_policy"] == true;
    // As docs/conformance.md maps PKITS: its DSA cases are DSA-1024 with SHA-1.
    o.allow_sha1 = true;
    o.allow_dsa = true;
    o.min_rsa_bits = 1024;
    for name in c["crls"].as_array().expect("crls") {
        let name = name.as_str().expect("CRL name");
        o.crls.push(read(&data_path(&format!(
            "pkits/PKITS_data/crls/{name}.crl"
        ))));
    }
    if c["requires"]
        .as_array()
        .is_some_and(|r| r.iter().any(|v| v == "crl"))
    {
        o.crl_check = CrlCheck::All;
    }
    let leaf = certs.pop().expect("target");
    let anchor = certs.remove(0);
    let mut inputs = Inputs {
        leaf,
        trusted: vec![anchor],
        untrusted: certs,
        opts: o,
    };
    change(&mut inputs);
    inputs
}

fn policy_oid(name: &str) -> Oid {
    match name.strip_prefix("NIST-test-policy-") {
        Some(n) => format!("2.16.840.1.101.3.2.1.48.{n}").parse().expect("OID"),
        None => "2.5.29.32.0".parse().expect("OID"),
    }
}

/// PKITS: the intermediate trusted instead of the root.
fn trust_the_intermediate_only(i: &mut Inputs) {
    i.trusted = vec![i.untrusted.remove(0)];
}

/// Chromium verify_certificate_chain case `id`, as tests/tests/verify.rs maps it: the last
/// certificate is the anchor (its own constraints and validity not applied), server
/// authentication, RSA-1024 allowed.
fn chromium(id: &str, change: fn(&mut Inputs)) -> Inputs {
    static SUITE: OnceLock<serde_json::Value> = OnceLock::new();
    let c = case(
        suite(&SUITE, "chromium-verify-chain/chromium_verify_chain.json"),
        "id",
        id,
    );
    let mut certs: Vec<CertView> = c["chain"]
        .as_array()
        .expect("chain")
        .iter()
        .map(pem_cert)
        .collect();
    let time = pki_core::inspect::parse_time(c["utc_time"].as_str().expect("time")).expect("time");
    let mut o = Options::new(verify::unix_time(time));
    o.purpose = Purpose::ServerAuth;
    o.anchor_constraints = false;
    o.anchor_validity = false;
    o.min_rsa_bits = 1024;
    let anchor = certs.pop().expect("anchor");
    let leaf = certs.remove(0);
    let mut inputs = Inputs {
        leaf,
        trusted: vec![anchor],
        untrusted: certs,
        opts: o,
    };
    change(&mut inputs);
    inputs
}

/// x509-limbo case `id` (a SERVER case), as `cargo xtask conformance` maps it: its trusted
/// and untrusted certificates, time, extendedKeyUsage, maximum depth and peer name, under the
/// strict profile.
fn limbo(id: &str, change: fn(&mut Inputs)) -> Inputs {
    static SUITE: OnceLock<serde_json::Value> = OnceLock::new();
    let c = case(
        suite(&SUITE, "limbo/limbo-2023-12-02-ddc40b4.json"),
        "id",
        id,
    );
    assert_eq!(c["validation_kind"], "SERVER", "{id}");
    let certs = |k: &str| -> Vec<CertView> {
        c[k].as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(pem_cert)
            .collect()
    };
    let time = match c["validation_time"].as_str() {
        None => 1_704_067_200,
        Some(t) => verify::unix_time(pki_core::inspect::parse_time(t).expect("time")),
    };
    let mut o = Options::new(time);
    o.strict = true;
    o.purpose = match c["extended_key_usage"].as_array().map(Vec::as_slice) {
        None | Some([]) => Purpose::Any,
        Some([p]) if p == "serverAuth" => Purpose::ServerAuth,
        Some([p]) if p == "clientAuth" => Purpose::ClientAuth,
        Some(other) => panic!("{id}: extended_key_usage {other:?}"),
    };
    if let Some(d) = c["max_chain_depth"].as_u64() {
        o.max_depth = usize::try_from(d).expect("depth");
    }
    let peer = &c["expected_peer_name"];
    let value = || peer["value"].as_str().expect("peer name").to_owned();
    match peer["kind"].as_str() {
        None => {}
        Some("DNS") => o.host = Some(value()),
        Some("IP") => o.ip = Some(value().parse().expect("IP")),
        Some("RFC822") => o.email = Some(value()),
        Some(k) => panic!("{id}: peer name kind {k}"),
    }
    let mut inputs = Inputs {
        leaf: pem_cert(&c["peer_certificate"]),
        trusted: certs("trusted_certs"),
        untrusted: certs("untrusted_intermediates"),
        opts: o,
    };
    change(&mut inputs);
    inputs
}

/// Replaces the one occurrence of `from` in `bytes` by `to`, of the same length.
fn replace_once(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let at: Vec<usize> = bytes
        .windows(from.len())
        .enumerate()
        .filter(|(_, w)| *w == from)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(at.len(), 1, "{from:02x?} occurs {} times", at.len());
    bytes[at[0]..at[0] + to.len()].copy_from_slice(to);
}

/// PKITS's unknown CRL extension 2.16.840.1.101.2.1.12.2, critical, and the same with the
/// BOOLEAN false.
const UNKNOWN_CRITICAL_CRL_EXTENSION: &[u8] = &[
    0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x02, 0x01, 0x0c, 0x02, 0x01, 0x01, 0xff,
];
const UNKNOWN_NOT_CRITICAL_CRL_EXTENSION: &[u8] = &[
    0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x02, 0x01, 0x0c, 0x02, 0x01, 0x01, 0x00,
];

// ---- Certificates built here, for the reasons no suite case fires.

/// 2030-01-01, inside the validity of every certificate built here (2020 to 2040).
const BUILT_TIME: i64 = 1_893_456_000;
const SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";

/// The TBSCertificate of RFC 5280 4.1, built field by field (x509-cert keeps its own
/// private), as crates/pki-core/src/cert.rs does.
#[derive(Debug, Clone, Sequence)]
struct Tbs {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    version: Version,
    serial_number: SerialNumber,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: Validity,
    subject: Name,
    subject_public_key_info: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<Vec<Extension>>,
}

#[derive(Debug, Sequence)]
struct Signed {
    tbs: Tbs,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

/// A certificate to sign: its TBSCertificate and its outer signatureAlgorithm.
#[derive(Debug, Clone)]
struct Draft {
    tbs: Tbs,
    outer: AlgorithmIdentifierOwned,
}

impl Draft {
    /// A version 3 certificate for `key`'s public half, sha256WithRSAEncryption (NULL
    /// parameters) in both fields, valid 2020 to 2040, without key identifiers.
    fn new(
        serial: u8,
        issuer: &str,
        subject: &str,
        key: &PrivateKey,
        exts: Vec<Extension>,
    ) -> Draft {
        let at = |secs: u64| {
            Time::try_from(SystemTime::UNIX_EPOCH + Duration::from_secs(secs)).expect("time")
        };
        let alg = algorithm(SHA256_WITH_RSA, true);
        Draft {
            tbs: Tbs {
                version: Version::V3,
                serial_number: SerialNumber::new(&[serial]).expect("serial"),
                signature: alg.clone(),
                issuer: name::parse_subj(issuer).expect("issuer"),
                validity: Validity::new(at(1_577_836_800), at(2_208_988_800)),
                subject: name::parse_subj(subject).expect("subject"),
                subject_public_key_info: key.public_key_info().expect("public key"),
                extensions: Some(exts),
            },
            outer: alg,
        }
    }

    fn set_algorithm(&mut self, alg: AlgorithmIdentifierOwned) {
        self.tbs.signature = alg.clone();
        self.outer = alg;
    }

    /// Signs the TBSCertificate with `by` (RSASSA-PKCS1-v1_5 with SHA-256, whatever the
    /// fields say).
    fn sign(self, by: &PrivateKey) -> CertView {
        let tbs_der = self.tbs.to_der().expect("TBS encodes");
        let signed = Signed {
            tbs: self.tbs,
            signature_algorithm: self.outer,
            signature: BitString::from_bytes(&by.sign(&tbs_der)).expect("signature"),
        };
        CertView::from_der(&signed.to_der().expect("encodes"))
            .expect("the built certificate parses")
    }
}

fn algorithm(oid: &str, null: bool) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: oid.parse().expect("OID"),
        parameters: null.then(|| der::asn1::Null.into()),
    }
}

fn extension(oid: &str, critical: bool, value: &impl Encode) -> Extension {
    Extension {
        extn_id: oid.parse().expect("OID"),
        critical,
        extn_value: OctetString::new(value.to_der().expect("encodes")).expect("OCTET STRING"),
    }
}

fn ca_constraints() -> Extension {
    extension(
        "2.5.29.19",
        true,
        &BasicConstraints {
            ca: true,
            path_len_constraint: None,
        },
    )
}

fn san(names: Vec<GeneralName>) -> Extension {
    extension("2.5.29.17", false, &SubjectAltName(names))
}

fn dns(name: &str) -> GeneralName {
    GeneralName::DnsName(Ia5String::new(name).expect("IA5"))
}

/// The throw-away keys of tests/data/reference: one for the CAs, one for the leaves.
fn keys() -> &'static (PrivateKey, PrivateKey) {
    static KEYS: OnceLock<(PrivateKey, PrivateKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let key = |f: &str| PrivateKey::decode(&read(&reference().join(f))).expect("key");
        (key("ca.key"), key("peer.key"))
    })
}

const ROOT: &str = "/CN=Reasons Root";

/// The self-signed root of the built certificates, with `exts` after basicConstraints.
fn root(exts: Vec<Extension>) -> CertView {
    let (ca, _) = keys();
    let mut all = vec![ca_constraints()];
    all.extend(exts);
    Draft::new(1, ROOT, ROOT, ca, all).sign(ca)
}

/// A leaf `/CN=leaf` (subjectAltName DNS:leaf.example) issued by the root, edited by `edit`
/// before it is signed, with the root trusted, at [`BUILT_TIME`].
fn built_leaf(edit: fn(&mut Draft)) -> Inputs {
    let (ca, leaf_key) = keys();
    let mut d = Draft::new(
        2,
        ROOT,
        "/CN=leaf",
        leaf_key,
        vec![san(vec![dns("leaf.example")])],
    );
    edit(&mut d);
    Inputs {
        leaf: d.sign(ca),
        trusted: vec![root(Vec::new())],
        untrusted: Vec::new(),
        opts: Options::new(BUILT_TIME),
    }
}

/// A root whose nameConstraints permit only registeredIDs below 1.3.6.1.4.1.55555, and a leaf
/// named DNS:leaf.example and, when `rid`, registeredID 1.3.6.1.4.1.55555.1.
fn rid_constrained(rid: bool) -> Inputs {
    let (ca, leaf_key) = keys();
    let arc: Oid = "1.3.6.1.4.1.55555".parse().expect("OID");
    let constraints = NameConstraints {
        permitted_subtrees: Some(vec![GeneralSubtree {
            base: GeneralName::RegisteredId(arc),
            minimum: 0,
            maximum: None,
        }]),
        excluded_subtrees: None,
    };
    let mut names = vec![dns("leaf.example")];
    if rid {
        names.push(GeneralName::RegisteredId(
            "1.3.6.1.4.1.55555.1".parse().expect("OID"),
        ));
    }
    let leaf = Draft::new(2, ROOT, "/CN=leaf", leaf_key, vec![san(names)]).sign(ca);
    Inputs {
        leaf,
        trusted: vec![root(vec![extension("2.5.29.30", true, &constraints)])],
        untrusted: Vec::new(),
        opts: Options::new(BUILT_TIME),
    }
}

/// The root, then 7 levels of CAs, each level two certificates of one name and key (the CA
/// key) issued by the level above, then a leaf DNS:leaf.example issued by the last level:
/// 2^7 candidate paths, more than `verify::MAX_PATHS`. Validated for `host`.
fn lattice(host: &str) -> Inputs {
    let (ca, leaf_key) = keys();
    let mut untrusted = Vec::new();
    let mut issuer = ROOT.to_owned();
    let mut serial = 10;
    for level in 1..=7 {
        let subject = format!("/CN=Level {level}");
        for _ in 0..2 {
            serial += 1;
            untrusted
                .push(Draft::new(serial, &issuer, &subject, ca, vec![ca_constraints()]).sign(ca));
        }
        issuer = subject;
    }
    let leaf = Draft::new(
        2,
        &issuer,
        "/CN=leaf",
        leaf_key,
        vec![san(vec![dns("leaf.example")])],
    )
    .sign(ca);
    let mut opts = Options::new(BUILT_TIME);
    opts.host = Some(host.to_owned());
    Inputs {
        leaf,
        trusted: vec![root(Vec::new())],
        untrusted,
        opts,
    }
}
