//! The x509v3_config extensions that certificate scripts write beyond the basic ones:
//! crlDistributionPoints, authorityInfoAccess, certificatePolicies, nameConstraints,
//! issuerAltName and policyConstraints, in every form OpenSSL 3.0 reads (inline lists,
//! `@sections`, distribution point sections with reasons and a CRL issuer, relative names,
//! policy sections with CPS and user notices, `ia5org`, name constraints on DNS, email, IP
//! ranges and directory names, `issuer:copy`), made side by side by the real openssl and by
//! pki from the same CA, CSR, serial and config. The extensions must be the same DER, byte for
//! byte; `pki openssl x509 -text` must print openssl's certificates as openssl does; a value
//! openssl refuses, pki refuses too, writing nothing. `-copy_extensions copy` carries them all
//! from a CSR.

mod util;

use std::fs;

use der::{Decode, DecodePem};
use util::{TestDir, openssl, pki};
use x509_cert::{Certificate, ext::Extension, request::CertReq};

const CONF: &str = r#"
[req]
distinguished_name = dn
prompt = no
[dn]
CN = leaf

[all]
basicConstraints = critical, CA:TRUE
crlDistributionPoints = URI:http://crl.example.com/ca.crl, URI:http://crl2.example.com/ca.crl
authorityInfoAccess = OCSP;URI:http://ocsp.example.com/, caIssuers;URI:http://ca.example.com/ca.crt
certificatePolicies = 1.2.3.4, ia5org, @pol1
nameConstraints = critical, permitted;DNS:example.com, permitted;IP:10.0.0.0/255.0.0.0, excluded;email:bad.com, permitted;IP:fd00::/ffff:ff00::, permitted;dirName:dn_sect
issuerAltName = email:ca@example.com, URI:http://ca.example.com/
policyConstraints = requireExplicitPolicy:0, inhibitPolicyMapping:1

[pol1]
policyIdentifier = 1.3.6.1.4.1.99.1
CPS.1 = http://cps.example.com/
CPS.2 = http://cps2.example.com/
userNotice.1 = @notice

[notice]
explicitText = "Some text"
organization = "Org Inc"
noticeNumbers = 1, 2, 3

[dn_sect]
C = US
O = Example

[points]
crlDistributionPoints = dp1, dp2, URI:http://x.example/crl
nameConstraints = excluded;DNS:.bad.com, excluded;IP:192.168.0.0/255.255.0.0
policyConstraints = inhibitPolicyMapping:3
authorityInfoAccess = caRepository;URI:http://r.example/, 1.2.3.4;DNS:x.example, ad_timestamping;URI:http://t.example/
certificatePolicies = anyPolicy, @pol2
issuerAltName = RID:1.2.3.4, dirName:dn_sect, IP:1.2.3.4, IP:::1, issuer:copy

[pol2]
policyIdentifier = 1.2.3.5
userNotice.1 = @notice2

[notice2]
explicitText = UTF8:héllo

[dp1]
fullname = URI:http://a.example/crl, DNS:b.example
reasons = keyCompromise, CACompromise, superseded
CRLissuer = dirName:dn_sect

[dp2]
relativename = rel
CRLissuer = @issuers

[issuers]
URI.1 = http://iss.example/
email.1 = a@b.example

[rel]
CN = crl1

[sections]
crlDistributionPoints = @crl_info
authorityInfoAccess = @aia
nameConstraints = @nc
issuerAltName = @ian
policyConstraints = @pc

[crl_info]
URI.0 = http://crl.example/a.crl
URI.1 = http://crl.example/b.crl

[aia]
OCSP;URI.0 = http://ocsp.example/
caIssuers;URI.0 = http://ca.example/ca.crt

[nc]
permitted;DNS.0 = svc.cluster.local
permitted;email.0 = .example.com
excluded;IP.0 = 0.0.0.0/0.0.0.0
excluded;IP.1 = ::/::

[ian]
issuer = copy
DNS.0 = ca.example

[pc]
requireExplicitPolicy = 0x2

[critical]
crlDistributionPoints = critical, URI:http://c.example/crl
certificatePolicies = critical, 2.23.140.1.2.1
issuerAltName = critical, email:x@example.com
"#;

/// Sections openssl refuses, and pki must too.
const BAD: &[(&str, &str)] = &[
    ("nameConstraints", "permitted;IP:10.0.0.1"),
    ("nameConstraints", "allowed;DNS:x.example"),
    ("policyConstraints", "requireExplicitPolicy:x"),
    ("policyConstraints", "sometimes:1"),
    ("authorityInfoAccess", "OCSP:URI:http://x/"),
    ("authorityInfoAccess", "nosuchmethod;URI:http://x/"),
    ("crlDistributionPoints", "nosection"),
    ("crlDistributionPoints", "URI"),
    ("certificatePolicies", "not.an.oid"),
    ("certificatePolicies", "@nosection"),
    ("issuerAltName", "FOO:bar"),
    ("issuerAltName", "dirName:nosection"),
];

fn dropin(d: &TestDir, args: &[&str]) -> util::Run {
    pki(d, &[&["openssl"][..], args].concat(), &[])
}

fn setup() -> TestDir {
    let d = TestDir::new("x509v3");
    fs::write(d.join("ext.cnf"), CONF).expect("write");
    openssl(
        &d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-subj",
            "/CN=ca",
            "-addext",
            "subjectAltName=DNS:ca.example",
            "-set_serial",
            "1",
            "-out",
            "ca.crt",
        ],
    )
    .ok();
    openssl(
        &d,
        &[
            "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-subj",
            "/CN=leaf", "-out", "leaf.csr",
        ],
    )
    .ok();
    d
}

fn cert_extensions(d: &TestDir, file: &str) -> Vec<Extension> {
    let pem = fs::read(d.join(file)).expect("read certificate");
    let cert = Certificate::from_pem(&pem).expect("certificate");
    cert.tbs_certificate()
        .extensions()
        .cloned()
        .unwrap_or_default()
}

fn csr_extensions(d: &TestDir, file: &str) -> Vec<u8> {
    let pem = fs::read(d.join(file)).expect("read CSR");
    let req = CertReq::from_pem(&pem).expect("CSR");
    let attrs = req.info.attributes.iter();
    der::Encode::to_der(&attrs.cloned().collect::<Vec<_>>()).expect("encode")
}

/// `args -out ours.crt` through pki and `args -out theirs.crt` through openssl: the same exit
/// status; on success the same extensions, byte for byte, and openssl's certificate printed
/// by pki as openssl prints it.
fn compare(d: &TestDir, args: &[&str], what: &str) {
    let mut codes = Vec::new();
    for out in ["ours.crt", "theirs.crt"] {
        let _ = fs::remove_file(d.join(out));
        let full = [args, &["-out", out]].concat();
        let r = if out == "ours.crt" {
            dropin(d, &full)
        } else {
            openssl(d, &full)
        };
        codes.push((r.code(), r.stderr()));
    }
    assert_eq!(
        codes[0].0, codes[1].0,
        "{what}: exit status\nours: {}\ntheirs: {}",
        codes[0].1, codes[1].1
    );
    if codes[0].0 != Some(0) {
        assert!(!d.join("ours.crt").exists(), "{what}: refused, yet written");
        return;
    }
    assert_eq!(
        cert_extensions(d, "ours.crt"),
        cert_extensions(d, "theirs.crt"),
        "{what}: extensions"
    );
    let ours = dropin(d, &["x509", "-in", "theirs.crt", "-noout", "-text"])
        .ok()
        .stdout();
    let theirs = openssl(d, &["x509", "-in", "theirs.crt", "-noout", "-text"])
        .ok()
        .stdout();
    assert_eq!(ours, theirs, "{what}: x509 -text");
}

fn sign(section: &str) -> Vec<String> {
    [
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-set_serial",
        "5",
        "-extfile",
        "ext.cnf",
        "-extensions",
        section,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn signed_extensions_match_openssl_byte_for_byte() {
    let d = setup();
    for section in ["all", "points", "sections", "critical"] {
        compare(&d, &strs(&sign(section)), section);
    }
}

#[test]
fn self_signed_extensions_match_openssl() {
    let d = setup();
    for section in ["all", "points", "sections"] {
        // issuerAltName = issuer:copy takes the certificate's own subjectAltName, when it
        // comes first.
        compare(
            &d,
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                "ca.key",
                "-subj",
                "/CN=self",
                "-addext",
                "subjectAltName=DNS:self.example",
                "-config",
                "ext.cnf",
                "-extensions",
                section,
                "-set_serial",
                "9",
            ],
            section,
        );
    }
}

#[test]
fn requests_carry_them_and_copy_extensions_copies_them() {
    let d = setup();
    // A request has no issuer: issuerAltName = issuer:copy is refused by both.
    for (section, ok) in [("all", true), ("sections", false)] {
        let _ = fs::remove_file(d.join("ours.csr"));
        let mut codes = Vec::new();
        for (out, ours) in [("ours.csr", true), ("theirs.csr", false)] {
            let args = [
                "req", "-new", "-key", "leaf.key", "-config", "ext.cnf", "-reqexts", section,
                "-out", out,
            ];
            let r = if ours {
                dropin(&d, &args)
            } else {
                openssl(&d, &args)
            };
            codes.push(r.code());
        }
        assert_eq!(codes[0], codes[1], "req -reqexts {section}");
        assert_eq!(codes[0] == Some(0), ok, "req -reqexts {section}");
        if !ok {
            assert!(!d.join("ours.csr").exists());
            continue;
        }
        assert_eq!(
            csr_extensions(&d, "ours.csr"),
            csr_extensions(&d, "theirs.csr"),
            "CSR extensions of {section}"
        );
        compare(
            &d,
            &[
                "x509",
                "-req",
                "-in",
                "theirs.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-set_serial",
                "7",
                "-copy_extensions",
                "copy",
            ],
            "-copy_extensions copy",
        );
    }
}

#[test]
fn bad_values_are_refused_as_openssl_refuses_them() {
    let d = setup();
    for (name, value) in BAD {
        fs::write(d.join("bad.cnf"), format!("[x]\n{name} = {value}\n")).expect("write");
        let mut args = sign("x");
        args[11] = "bad.cnf".into();
        let _ = fs::remove_file(d.join("ours.crt"));
        let r = dropin(&d, &[&strs(&args)[..], &["-out", "ours.crt"]].concat());
        let theirs = openssl(&d, &[&strs(&args)[..], &["-out", "theirs.crt"]].concat());
        assert_ne!(theirs.code(), Some(0), "openssl takes {name} = {value}");
        assert_ne!(r.code(), Some(0), "pki takes {name} = {value}");
        let last = r.stderr().lines().last().unwrap_or_default().to_owned();
        assert!(
            last.contains("bad.cnf:2: "),
            "{name} = {value}: {}",
            r.stderr()
        );
        assert!(!d.join("ours.crt").exists(), "{name} = {value}");
    }
}

#[test]
fn issuer_copy_takes_the_ca_subject_alt_name() {
    let d = setup();
    fs::write(d.join("ian.cnf"), "[x]\nissuerAltName = issuer:copy\n").expect("write");
    let mut args = sign("x");
    args[11] = "ian.cnf".into();
    compare(&d, &strs(&args), "issuer:copy");
    let exts = cert_extensions(&d, "ours.crt");
    let ian = exts
        .iter()
        .find(|e| e.extn_id.to_string() == "2.5.29.18")
        .expect("issuerAltName");
    let names =
        x509_cert::ext::pkix::IssuerAltName::from_der(ian.extn_value.as_bytes()).expect("IAN");
    assert_eq!(names.0.len(), 1, "the CA's one DNS name");
}
