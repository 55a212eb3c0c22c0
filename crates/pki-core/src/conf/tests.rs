//! Tests of the openssl.conf reader. Expected values were checked against OpenSSL 3.0.19
//! (`NCONF_load` and `X509V3_EXT_add_nconf`) where OpenSSL accepts the input.

use std::net::{IpAddr, Ipv4Addr};

use der::oid::ObjectIdentifier;

use super::*;
use crate::ext::{AkiPart, Eku, IsCa, KeyUsage, KeyUsageBit, San};

fn parse(text: &str) -> Result<Conf, ConfError> {
    let env = |name: &str| match name {
        "HOME" => Some("/home/etcd".to_owned()),
        "NAME1" => Some("etcd01".to_owned()),
        _ => None,
    };
    Conf::parse_with_env("t.cnf", text, &env)
}

fn conf(text: &str) -> Conf {
    match parse(text) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

/// The kind and line of a parse error.
fn parse_err(text: &str) -> (ConfErrorKind, usize) {
    match parse(text) {
        Ok(c) => panic!("parsed: {c:?}"),
        Err(e) => (e.kind, e.line),
    }
}

/// The kind and line of an error from the extension section `e`.
fn ext_err(text: &str) -> (ConfErrorKind, usize) {
    match conf(text).extensions("e") {
        Ok(x) => panic!("accepted: {x:?}"),
        Err(e) => (e.kind, e.line),
    }
}

fn exts(text: &str) -> Vec<ExtSpec> {
    match conf(text).extensions("e") {
        Ok(x) => x,
        Err(e) => panic!("{e}"),
    }
}

fn s(v: &str) -> String {
    v.to_owned()
}

fn ku(bits: &[KeyUsageBit]) -> KeyUsage {
    bits.iter().copied().collect()
}

fn ip(a: u8, b: u8, c: u8, d: u8) -> San {
    San::Ip(IpAddr::V4(Ipv4Addr::new(a, b, c, d)))
}

/// tests/data/seed/pki.sh writes this file (its shell variables expanded), as in
/// tests/data/reference/openssl-3.0.19/openssl.conf.
const SEED: &str = "[req]
req_extensions = v3_req
distinguished_name = req_distinguished_name
[req_distinguished_name]
[ v3_req ]
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = @alt_names
[alt_names]
DNS.1 = etcd01
DNS.2 = etcd02
DNS.3 = etcd03
IP.1 = 127.0.0.1
IP.2 = 192.168.31.17
IP.3 = 192.168.31.18
IP.4 = 192.168.31.19
";

#[test]
fn seed_conf_gives_the_v3_req_extensions() {
    let c = conf(SEED);
    assert_eq!(c.req_extensions(), Some("v3_req"));
    assert_eq!(c.x509_extensions(), None);
    assert!(c.has_section("req_distinguished_name"));
    let names = vec![
        San::Dns(s("etcd01")),
        San::Dns(s("etcd02")),
        San::Dns(s("etcd03")),
        ip(127, 0, 0, 1),
        ip(192, 168, 31, 17),
        ip(192, 168, 31, 18),
        ip(192, 168, 31, 19),
    ];
    let want = vec![
        ExtSpec::KeyUsage {
            critical: true,
            usage: ku(&[KeyUsageBit::DigitalSignature, KeyUsageBit::KeyEncipherment]),
        },
        ExtSpec::ExtendedKeyUsage {
            critical: false,
            purposes: vec![Eku::ServerAuth, Eku::ClientAuth],
        },
        ExtSpec::SubjectAltName {
            critical: false,
            names,
        },
    ];
    assert_eq!(c.extensions("v3_req"), Ok(want));
}

/// Debian's /etc/ssl/openssl.cnf of OpenSSL 3.0 (md5 fe1993ec22f6b8a46cb9706acd8fc68f), without
/// its comment-only and blank lines.
const DEBIAN: &str = r#"# Debian /etc/ssl/openssl.cnf (OpenSSL 3.0), comment-only lines dropped
HOME			= .
openssl_conf = openssl_init
config_diagnostics = 1
oid_section = new_oids
[ new_oids ]
tsa_policy1 = 1.2.3.4.1
tsa_policy2 = 1.2.3.4.5.6
tsa_policy3 = 1.2.3.4.5.7
[openssl_init]
[ ca ]
default_ca	= CA_default		# The default ca section
[ CA_default ]
dir		= ./demoCA		# Where everything is kept
certs		= $dir/certs		# Where the issued certs are kept
crl_dir		= $dir/crl		# Where the issued crl are kept
database	= $dir/index.txt	# database index file.
new_certs_dir	= $dir/newcerts		# default place for new certs.
certificate	= $dir/cacert.pem 	# The CA certificate
serial		= $dir/serial 		# The current serial number
crlnumber	= $dir/crlnumber	# the current crl number
crl		= $dir/crl.pem 		# The current CRL
private_key	= $dir/private/cakey.pem# The private key
x509_extensions	= usr_cert		# The extensions to add to the cert
name_opt 	= ca_default		# Subject Name options
cert_opt 	= ca_default		# Certificate field options
default_days	= 365			# how long to certify for
default_crl_days= 30			# how long before next CRL
default_md	= default		# use public key default MD
preserve	= no			# keep passed DN ordering
policy		= policy_match
[ policy_match ]
countryName		= match
stateOrProvinceName	= match
organizationName	= match
organizationalUnitName	= optional
commonName		= supplied
emailAddress		= optional
[ policy_anything ]
countryName		= optional
stateOrProvinceName	= optional
localityName		= optional
organizationName	= optional
organizationalUnitName	= optional
commonName		= supplied
emailAddress		= optional
[ req ]
default_bits		= 2048
default_keyfile 	= privkey.pem
distinguished_name	= req_distinguished_name
attributes		= req_attributes
x509_extensions	= v3_ca	# The extensions to add to the self signed cert
string_mask = utf8only
[ req_distinguished_name ]
countryName			= Country Name (2 letter code)
countryName_default		= AU
countryName_min			= 2
countryName_max			= 2
stateOrProvinceName		= State or Province Name (full name)
stateOrProvinceName_default	= Some-State
localityName			= Locality Name (eg, city)
0.organizationName		= Organization Name (eg, company)
0.organizationName_default	= Internet Widgits Pty Ltd
organizationalUnitName		= Organizational Unit Name (eg, section)
commonName			= Common Name (e.g. server FQDN or YOUR name)
commonName_max			= 64
emailAddress			= Email Address
emailAddress_max		= 64
[ req_attributes ]
challengePassword		= A challenge password
challengePassword_min		= 4
challengePassword_max		= 20
unstructuredName		= An optional company name
[ usr_cert ]
basicConstraints=CA:FALSE
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
[ v3_req ]
basicConstraints = CA:FALSE
keyUsage = nonRepudiation, digitalSignature, keyEncipherment
[ v3_ca ]
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always,issuer
basicConstraints = critical,CA:true
[ crl_ext ]
authorityKeyIdentifier=keyid:always
[ proxy_cert_ext ]
basicConstraints=CA:FALSE
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
proxyCertInfo=critical,language:id-ppl-anyLanguage,pathlen:3,policy:foo
[ tsa ]
default_tsa = tsa_config1	# the default TSA section
[ tsa_config1 ]
dir		= ./demoCA		# TSA root directory
serial		= $dir/tsaserial	# The current serial number (mandatory)
crypto_device	= builtin		# OpenSSL engine to use for signing
signer_cert	= $dir/tsacert.pem 	# The TSA signing certificate
certs		= $dir/cacert.pem	# Certificate chain to include in reply
signer_key	= $dir/private/tsakey.pem # The TSA private key (optional)
signer_digest  = sha256			# Signing digest to use. (Optional)
default_policy	= tsa_policy1		# Policy if request did not specify it
other_policies	= tsa_policy2, tsa_policy3	# acceptable policies (optional)
digests     = sha1, sha256, sha384, sha512  # Acceptable message digests (mandatory)
accuracy	= secs:1, millisecs:500, microsecs:100	# (optional)
clock_precision_digits  = 0	# number of digits after dot. (optional)
ordering		= yes	# Is ordering defined for timestamps?
tsa_name		= yes	# Must the TSA name be included in the reply?
ess_cert_id_chain	= no	# Must the ESS cert id chain be included?
ess_cert_id_alg		= sha1	# algorithm to compute certificate
[insta] # CMP using Insta Demo CA
server = pki.certificate.fi:8700
path = pkix/
recipient = "/C=FI/O=Insta Demo/CN=Insta Demo CA" # or set srvcert or issuer
ignore_keyusage = 1 # potentially needed quirk
unprotected_errors = 1 # potentially needed quirk
extracertsout = insta.extracerts.pem
ref = 3078 # user identification
secret = pass:insta # can be used for both client and server side
cmd = ir # default operation, can be overridden on cmd line with, e.g., kur
subject = "/CN=openssl-cmp-test"
newkey = insta.priv.pem
out_trusted = apps/insta.ca.crt # does not include keyUsage digitalSignature
certout = insta.cert.pem
[pbm] # Password-based protection for Insta CA
ref = $insta::ref # 3078
secret = $insta::secret # pass:insta
[signature] # Signature-based protection for Insta CA
trusted = $insta::out_trusted # apps/insta.ca.crt
secret = # disable PBM
key = $insta::newkey # insta.priv.pem
cert = $insta::certout # insta.cert.pem
[ir]
cmd = ir
[cr]
cmd = cr
[kur]
cmd = kur
oldcert = $insta::certout # insta.cert.pem
[rr]
cmd = rr
oldcert = $insta::certout # insta.cert.pem
"#;

#[test]
fn debian_openssl_cnf_parses() {
    let c = conf(DEBIAN);
    assert_eq!(c.get("default", "HOME"), Some("."));
    assert_eq!(c.get("CA_default", "certs"), Some("./demoCA/certs"));
    assert_eq!(
        c.get("CA_default", "private_key"),
        Some("./demoCA/private/cakey.pem")
    );
    assert_eq!(
        c.get("insta", "recipient"),
        Some("/C=FI/O=Insta Demo/CN=Insta Demo CA")
    );
    assert_eq!(c.get("pbm", "ref"), Some("3078"));
    assert_eq!(c.get("signature", "secret"), Some(""));
    assert_eq!(
        c.get("tsa_config1", "accuracy"),
        Some("secs:1, millisecs:500, microsecs:100")
    );
    assert_eq!(
        c.get("req_distinguished_name", "0.organizationName_default"),
        Some("Internet Widgits Pty Ltd")
    );
    assert_eq!(c.x509_extensions(), Some("v3_ca"));
    assert_eq!(c.req_extensions(), None);
    let v3_ca = vec![
        ExtSpec::SubjectKeyId,
        ExtSpec::AuthorityKeyId {
            keyid: AkiPart::Always,
            issuer: AkiPart::IfAvailable,
        },
        ExtSpec::BasicConstraints {
            critical: true,
            ca: IsCa::Ca { path_len: None },
        },
    ];
    assert_eq!(c.extensions("v3_ca"), Ok(v3_ca));
    let usr_cert = vec![
        ExtSpec::BasicConstraints {
            critical: false,
            ca: IsCa::No,
        },
        ExtSpec::SubjectKeyId,
        ExtSpec::DEFAULT_AKI,
    ];
    assert_eq!(c.extensions("usr_cert"), Ok(usr_cert));
    assert_eq!(
        c.extensions("crl_ext"),
        Ok(vec![ExtSpec::AuthorityKeyId {
            keyid: AkiPart::Always,
            issuer: AkiPart::No
        }])
    );
    let usage = ku(&[
        KeyUsageBit::DigitalSignature,
        KeyUsageBit::NonRepudiation,
        KeyUsageBit::KeyEncipherment,
    ]);
    assert_eq!(
        c.extensions("v3_req"),
        Ok(vec![
            ExtSpec::BasicConstraints {
                critical: false,
                ca: IsCa::No
            },
            ExtSpec::KeyUsage {
                critical: false,
                usage
            },
        ])
    );
    let e = c.extensions("proxy_cert_ext").expect_err("proxyCertInfo");
    assert_eq!(
        e.kind,
        ConfErrorKind::UnknownExtension {
            name: s("proxyCertInfo")
        }
    );
    assert_eq!(c.section("proxy_cert_ext").map(|s| s[3].line), Some(e.line));
}

/// The v3_ca section as it stands in Debian's file, comments and blank lines included.
#[test]
fn debian_v3_ca_text() {
    let text = "[ v3_ca ]\n\n\n# Extensions for a typical CA\n\n\n# PKIX recommendation.\n\n\
        subjectKeyIdentifier=hash\n\nauthorityKeyIdentifier=keyid:always,issuer\n\n\
        basicConstraints = critical,CA:true\n\n\
        # keyUsage = cRLSign, keyCertSign\n# subjectAltName=email:copy\n\
        # basicConstraints= critical, DER:30:03:01:01:FF\n\n[ crl_ext ]\n";
    let c = conf(text);
    let got = c.extensions("v3_ca").expect("v3_ca");
    assert_eq!(got.len(), 3);
    assert_eq!(
        c.section("v3_ca")
            .map(|e| e.iter().map(|e| e.line).collect()),
        Some(vec![9, 11, 13])
    );
}

#[test]
fn syntax() {
    let c = conf(concat!(
        "\u{feff}top = 1 # default section\r\n",
        "  # a comment\n",
        "\n",
        "[ s x ] ignored after the bracket\n",
        "q = \"q # z\"  'a\\'b' `c` # comment\n",
        "e = x\\#y \\n\\t\\$ \\\\ \\q\n",
        "f = a \\\n",
        "   b\n",
        "\tg\t=\t v \t\r\n",
        "h = \\  x \\ \n",
        "DNS.1 = one\n",
        "DNS.1 = two\n",
        "other::k = v\n",
        "= empty key\n",
        "u = \"unterminated \\\" quote\n",
    ));
    assert_eq!(c.get("default", "top"), Some("1"));
    assert_eq!(c.get("s x", "q"), Some("q # z  a'b c"));
    assert_eq!(c.get("s x", "e"), Some("x#y \n\t$ \\ q"));
    assert_eq!(c.get("s x", "f"), Some("a    b"));
    assert_eq!(c.get("s x", "g"), Some("v"));
    assert_eq!(c.get("s x", "h"), Some("  x "));
    assert_eq!(c.get("s x", "DNS.1"), Some("two"));
    assert_eq!(c.get("other", "k"), Some("v"));
    assert_eq!(c.get("s x", ""), Some("empty key"));
    assert_eq!(c.get("s x", "u"), Some("unterminated \" quote"));
    let dns: Vec<_> = c
        .section("s x")
        .expect("s x")
        .iter()
        .filter(|e| e.key == "DNS.1")
        .collect();
    assert_eq!(
        dns.iter()
            .map(|e| (e.value.as_str(), e.line))
            .collect::<Vec<_>>(),
        [("one", 11), ("two", 12)]
    );
    assert_eq!(c.section("s x").map(|e| e[2].line), Some(7));
    assert_eq!(
        c.section_names().collect::<Vec<_>>(),
        ["default", "s x", "other"]
    );
    assert!(c.has_section("default"));
    assert!(!c.has_section("nope"));
    assert_eq!(c.file(), Path::new("t.cnf"));
}

#[test]
fn lookup_falls_back_to_the_default_section() {
    let c = conf("req_extensions = v3\nextensions = mine\n[req]\n");
    assert_eq!(c.get("req", "req_extensions"), None);
    assert_eq!(c.lookup("req", "req_extensions"), Some("v3"));
    assert_eq!(c.req_extensions(), Some("v3"));
    assert_eq!(c.default_extensions_section(), "mine");
    assert_eq!(conf("").default_extensions_section(), "default");
}

#[test]
fn variables() {
    let c = conf(concat!(
        "a = 1\n",
        "a = 2\n",
        "b = $a${a}$(a)x\n",
        "[s]\n",
        "a = S\n",
        "c = $a ${s::a} $s::a ${default::a} $default::a ${nosuch::a} $b\n",
        "d = $ENV::HOME ${ENV::NAME1} \\$a '$a' $a.1\n",
        "[t]\n",
        "s::late = ${s::c}\n",
        "[ENV]\n",
        "HOME = from file\n",
        "[u]\n",
        "h = $ENV::HOME $ENV::a\n",
    ));
    assert_eq!(c.get("default", "b"), Some("222x"));
    assert_eq!(c.get("s", "c"), Some("S S S 2 2 2 222x"));
    assert_eq!(c.get("s", "d"), Some("/home/etcd etcd01 $a $a S.1"));
    assert_eq!(c.get("s", "late"), c.get("s", "c"));
    assert_eq!(c.get("u", "h"), Some("from file 2"));
}

#[test]
fn undefined_variables() {
    let undef = |n: &str| ConfErrorKind::UndefinedVariable { name: s(n) };
    assert_eq!(parse_err("a = $b\nb = $a\n"), (undef("b"), 1));
    assert_eq!(
        parse_err("x = 1\n[s]\nb = 1\n[t]\nc = $b\n"),
        (undef("b"), 5)
    );
    assert_eq!(parse_err("a = $ENV::NOPE\n"), (undef("ENV::NOPE"), 1));
    assert_eq!(parse_err("a = 100$\n"), (undef(""), 1));
    assert_eq!(parse_err("a = $$\n"), (undef(""), 1));
    assert_eq!(parse_err("a = 1\\\n2\\\n$c\n"), (undef("c"), 1));
    let unclosed = |n: &str| ConfErrorKind::UnclosedVariable { name: s(n) };
    assert_eq!(parse_err("a = 1\nb = ${a"), (unclosed("${a"), 2));
    assert_eq!(parse_err("a.b = 1\nb = ${a.b}"), (unclosed("${a"), 2));
    assert_eq!(parse_err("a = 1\nb = $(a}"), (unclosed("$(a"), 2));
}

#[test]
fn expansion_is_bounded() {
    let mut text = format!("a = {}\n", "x".repeat(40_000));
    text.push_str("b = $a$a\n");
    assert_eq!(
        parse_err(&text),
        (
            ConfErrorKind::ExpansionTooLarge {
                limit: MAX_VALUE_LEN
            },
            2
        )
    );
    // Each value stays under 64k, the file as a whole does not.
    let mut text = format!("a = {}\n", "x".repeat(30_000));
    for _ in 0..200 {
        text.push_str("b = $a$a\n");
    }
    let (kind, line) = parse_err(&text);
    assert_eq!(
        kind,
        ConfErrorKind::ExpansionTooLarge {
            limit: MAX_TOTAL_EXPANSION
        }
    );
    assert!(line > 2 && line < 200, "{line}");
}

#[test]
fn directives() {
    let unsupported = |d: &str| ConfErrorKind::UnsupportedDirective { directive: s(d) };
    assert_eq!(
        parse_err("a = 1\n.include /etc/x.cnf\n"),
        (unsupported(".include /etc/x.cnf"), 2)
    );
    assert_eq!(
        parse_err(".include=x.d\n"),
        (unsupported(".include x.d"), 1)
    );
    assert_eq!(
        parse_err(".pragma dollarid:on\n"),
        (unsupported(".pragma dollarid:on"), 1)
    );
    let invalid = |p: &str| ConfErrorKind::InvalidPragma { pragma: s(p) };
    assert_eq!(parse_err("\n.pragma dollarid\n"), (invalid("dollarid"), 2));
    assert_eq!(
        parse_err(".pragma abspath:maybe\n"),
        (invalid("abspath:maybe"), 1)
    );
    let c = conf(
        ".pragma dollarid:off\n.pragma=abspath:true\n.pragma includedir:/x\n.pragma foo:bar\na = 1\n",
    );
    assert_eq!(c.section("default").map(<[Entry]>::len), Some(1));
}

#[test]
fn syntax_errors() {
    assert_eq!(
        parse_err("a = 1\n[ s\n"),
        (ConfErrorKind::UnterminatedSection, 2)
    );
    assert_eq!(
        parse_err("[a$b]\n"),
        (ConfErrorKind::UnterminatedSection, 1)
    );
    assert_eq!(
        parse_err("[s]\n\na b = c\n"),
        (ConfErrorKind::MissingEquals, 3)
    );
    assert_eq!(parse_err("just words\n"), (ConfErrorKind::MissingEquals, 1));
    assert_eq!(
        parse_err("a = 1 \\\n  b c\nx y\n"),
        (ConfErrorKind::MissingEquals, 3)
    );
}

#[test]
fn display_names_file_and_line() {
    let e = parse("[ s\n").expect_err("bad");
    assert_eq!(e.to_string(), "t.cnf:1: section header without closing ']'");
    let e = conf("").extensions("v3_req").expect_err("missing");
    assert_eq!(e.to_string(), "t.cnf: no section [v3_req]");
    assert_eq!(e.line, 0);
}

#[test]
fn extension_values() {
    let got = exts(concat!(
        "[e]\n",
        "keyUsage = critical,Digital Signature , keyEncipherment, CRL Sign, cRLSign\n",
        "extendedKeyUsage = TLS Web Server Authentication, clientAuth, 1.2.3.4, anyExtendedKeyUsage, OCSPSigning\n",
        "subjectAltName = DNS:a, IP: 1.2.3.4 , email:x@y, URI:http://x:80/p, DNS.2:b, IP:::1\n",
        "basicConstraints = critical,  CA:TRUE, pathlen:0x10\n",
        "subjectKeyIdentifier = hash\n",
        "authorityKeyIdentifier = issuer, keyid:always\n",
    ));
    let any = ObjectIdentifier::new_unwrap("2.5.29.37.0");
    let other = ObjectIdentifier::new_unwrap("1.2.3.4");
    let want = vec![
        ExtSpec::KeyUsage {
            critical: true,
            usage: ku(&[
                KeyUsageBit::DigitalSignature,
                KeyUsageBit::KeyEncipherment,
                KeyUsageBit::CrlSign,
            ]),
        },
        ExtSpec::ExtendedKeyUsage {
            critical: false,
            purposes: vec![
                Eku::ServerAuth,
                Eku::ClientAuth,
                Eku::Other(other),
                Eku::Other(any),
                Eku::OcspSigning,
            ],
        },
        ExtSpec::SubjectAltName {
            critical: false,
            names: vec![
                San::Dns(s("a")),
                ip(1, 2, 3, 4),
                San::Email(s("x@y")),
                San::Uri(s("http://x:80/p")),
                San::Dns(s("b")),
                San::Ip(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)),
            ],
        },
        ExtSpec::BasicConstraints {
            critical: true,
            ca: IsCa::Ca { path_len: Some(16) },
        },
        ExtSpec::SubjectKeyId,
        ExtSpec::AuthorityKeyId {
            keyid: AkiPart::Always,
            issuer: AkiPart::IfAvailable,
        },
    ];
    assert_eq!(got, want);
}

#[test]
fn extension_sections_by_reference() {
    let got = exts(concat!(
        "[e]\n",
        "keyUsage = @ku\n",
        "extendedKeyUsage = @eku\n",
        "basicConstraints = @bc\n",
        "authorityKeyIdentifier = @aki\n",
        "subjectAltName = critical, @alt\n",
        "[ku]\nkeyCertSign = 1\n",
        "[eku]\n1 = serverAuth\n2 = clientAuth\n",
        "[bc]\nCA = yes\npathlen = 0\n",
        "[aki]\nkeyid = always\n",
        "[alt]\nDNS = bare\nemail.x = a@b\nURI.1 = urn:x\n",
    ));
    assert_eq!(
        got,
        vec![
            ExtSpec::KeyUsage {
                critical: false,
                usage: ku(&[KeyUsageBit::KeyCertSign])
            },
            ExtSpec::ExtendedKeyUsage {
                critical: false,
                purposes: vec![Eku::ServerAuth, Eku::ClientAuth]
            },
            ExtSpec::BasicConstraints {
                critical: false,
                ca: IsCa::Ca { path_len: Some(0) }
            },
            ExtSpec::AuthorityKeyId {
                keyid: AkiPart::Always,
                issuer: AkiPart::No
            },
            ExtSpec::SubjectAltName {
                critical: true,
                names: vec![
                    San::Dns(s("bare")),
                    San::Email(s("a@b")),
                    San::Uri(s("urn:x"))
                ],
            },
        ]
    );
}

#[test]
fn key_identifiers_none() {
    let c = conf(
        "[e]\nsubjectKeyIdentifier = none\nauthorityKeyIdentifier = none\nbasicConstraints = CA:FALSE\n",
    );
    let sect = c.extension_section("e").expect("e");
    assert_eq!(
        sect.specs,
        vec![ExtSpec::BasicConstraints {
            critical: false,
            ca: IsCa::No
        }]
    );
    assert!(sect.no_subject_key_id && sect.no_authority_key_id);
    let c = conf("[e]\nsubjectKeyIdentifier = hash\n");
    let sect = c.extension_section("e").expect("e");
    assert!(!sect.no_subject_key_id && !sect.no_authority_key_id);
    use AkiPart::{Always, IfAvailable, No};
    for (aki, keyid, issuer) in [
        ("keyid", IfAvailable, No),
        ("keyid:always", Always, No),
        ("keyid,issuer", IfAvailable, IfAvailable),
        ("keyid:always,issuer", Always, IfAvailable),
        ("issuer, keyid", IfAvailable, IfAvailable),
        ("issuer", No, IfAvailable),
        ("issuer:always", No, Always),
        ("keyid, issuer:always", IfAvailable, Always),
        ("keyid:always,issuer:always", Always, Always),
    ] {
        assert_eq!(
            parse_extension(None, AKI, aki),
            Ok(Some(ExtSpec::AuthorityKeyId { keyid, issuer })),
            "{aki}"
        );
    }
}

#[test]
fn rejected_extension_sections() {
    use ConfErrorKind as K;
    let missing = |n: &str| K::MissingSection { name: s(n) };
    assert_eq!(
        conf("").extensions("v3_req").map_err(|e| (e.kind, e.line)),
        Err((missing("v3_req"), 0))
    );
    assert_eq!(ext_err("[e]\nsubjectAltName = @alt\n"), (missing("alt"), 2));
    assert_eq!(
        ext_err("[e]\nsubjectAltName = @alt\n[alt]\n"),
        (K::EmptySection { name: s("alt") }, 2)
    );
    assert_eq!(
        ext_err("[e]\nkeyUsage = digitalSignature\n\nkeyUsage = keyCertSign\n"),
        (
            K::DuplicateExtension {
                name: s("keyUsage")
            },
            4
        )
    );
    assert_eq!(
        ext_err("[e]\nsubjectAltName = @alt\n[alt]\nDNS.1 = a\nDNS.1 = b\n"),
        (K::DuplicateKey { key: s("DNS.1") }, 5)
    );
    assert_eq!(
        ext_err("[e]\nbasicConstraints = CA:true\nnsBaseUrl = http://x/\n"),
        (
            K::UnknownExtension {
                name: s("nsBaseUrl")
            },
            3
        )
    );
    assert_eq!(
        ext_err("[e]\nkeyusage = digitalSignature\n"),
        (
            K::UnknownExtension {
                name: s("keyusage")
            },
            2
        )
    );
    assert_eq!(
        ext_err("[e]\n2.5.29.15 = digitalSignature\n"),
        (
            K::UnknownExtension {
                name: s("2.5.29.15")
            },
            2
        )
    );
}

#[test]
fn rejected_extension_values() {
    use ConfErrorKind as K;
    let bad_san = |v: &str, reason| K::BadSan {
        value: s(v),
        reason,
    };
    let seed_bad_ip = SEED.replace("IP.3 = 192.168.31.18", "IP.3 = 192.168.31.300");
    let e = conf(&seed_bad_ip).extensions("v3_req").expect_err("bad ip");
    assert_eq!(
        (e.kind.clone(), e.line),
        (bad_san("192.168.31.300", "not an IPv4 or IPv6 address"), 15)
    );
    assert_eq!(
        e.to_string(),
        "t.cnf:15: bad subjectAltName \"192.168.31.300\": not an IPv4 or IPv6 address"
    );
    assert_eq!(
        ext_err("[e]\nsubjectAltName = IP:1.2.3.4junk\n"),
        (bad_san("1.2.3.4junk", "not an IPv4 or IPv6 address"), 2)
    );
    assert_eq!(
        ext_err("[e]\nsubjectAltName = DNS:a b\n"),
        (
            bad_san(
                "a b",
                "DNS name may hold only letters, digits, '-', '_' and '.'"
            ),
            2
        )
    );
    assert_eq!(
        ext_err("[e]\nsubjectAltName = DNS\n"),
        (bad_san("DNS", "missing value: write TYPE:value"), 2)
    );
    assert_eq!(
        ext_err("[e]\nsubjectAltName = dns:x\n"),
        (
            bad_san("dns:x", "unknown type: use DNS, IP, email or URI"),
            2
        )
    );
    assert_eq!(
        ext_err("[e]\nsubjectAltName = @alt\n[alt]\nDNS.1 = a\nDNSX.1 = c\n"),
        (
            bad_san("DNSX.1 = c", "unknown type: use DNS, IP, email or URI"),
            5
        )
    );
    let unsupported = |v: &str| K::UnsupportedSan { value: s(v) };
    assert_eq!(
        ext_err("[e]\nsubjectAltName = email:copy\n"),
        (unsupported("email:copy"), 2)
    );
    assert_eq!(
        ext_err("[e]\nsubjectAltName = @alt\n[alt]\nDNS.1 = a\n\notherName.1 = 1.2.3.4;UTF8:x\n"),
        (unsupported("otherName.1 = 1.2.3.4;UTF8:x"), 6)
    );
    assert_eq!(
        ext_err("[e]\nsubjectAltName = RID:1.2.3\n"),
        (unsupported("RID:1.2.3"), 2)
    );
    let empty = |n: &str| K::EmptyValue { name: s(n) };
    assert_eq!(ext_err("[e]\nkeyUsage =\n"), (empty("keyUsage"), 2));
    assert_eq!(
        ext_err("[e]\nkeyUsage = critical,\n"),
        (empty("keyUsage"), 2)
    );
    assert_eq!(
        ext_err("[e]\nsubjectAltName = DNS:a,,DNS:b\n"),
        (empty("subjectAltName"), 2)
    );
    assert_eq!(
        ext_err("[e]\nsubjectAltName = DNS:\n"),
        (empty("subjectAltName"), 2)
    );
    let unknown_ku = |v: &str| K::UnknownKeyUsage { value: s(v) };
    assert_eq!(
        ext_err("[e]\nkeyUsage = critical , digitalSignature\n"),
        (unknown_ku("critical"), 2)
    );
    assert_eq!(
        ext_err("[e]\nkeyUsage = digitalsignature\n"),
        (unknown_ku("digitalsignature"), 2)
    );
    assert_eq!(
        ext_err("[e]\nkeyUsage = @ku\n[ku]\ndigitalSignature = 1\nx = keyCertSign\n"),
        (unknown_ku("x"), 5)
    );
    let unknown_eku = |v: &str| K::UnknownPurpose { value: s(v) };
    assert_eq!(
        ext_err("[e]\nextendedKeyUsage = serverAuth:x\n"),
        (unknown_eku("x"), 2)
    );
    assert_eq!(
        ext_err("[e]\nextendedKeyUsage = ServerAuth\n"),
        (unknown_eku("ServerAuth"), 2)
    );
    assert_eq!(
        ext_err("[e]\nextendedKeyUsage = @eku\n[eku]\n1 = serverAuth\nclientAuth =\n"),
        (unknown_eku(""), 5)
    );
    let bc = |v: &str, reason| K::BadBasicConstraints {
        value: s(v),
        reason,
    };
    assert_eq!(
        ext_err("[e]\nbasicConstraints = CA:Yes\n"),
        (bc("CA:Yes", "CA must be TRUE or FALSE"), 2)
    );
    assert_eq!(
        ext_err("[e]\nbasicConstraints = CA\n"),
        (bc("CA", "CA must be TRUE or FALSE"), 2)
    );
    let range = "pathlen must be a number from 0 to 255";
    assert_eq!(
        ext_err("[e]\nbasicConstraints = CA:TRUE, pathlen:-1\n"),
        (bc("pathlen:-1", range), 2)
    );
    assert_eq!(
        ext_err("[e]\nbasicConstraints = CA:TRUE, pathlen:256\n"),
        (bc("pathlen:256", range), 2)
    );
    assert_eq!(
        ext_err("[e]\nbasicConstraints = CA:TRUE, pathlen:+1\n"),
        (bc("pathlen:+1", range), 2)
    );
    assert_eq!(
        ext_err("[e]\nbasicConstraints = pathlen:2\n"),
        (bc("pathlen:2", "pathlen is allowed only with CA:TRUE"), 2)
    );
    assert_eq!(
        ext_err("[e]\nbasicConstraints = ca:true\n"),
        (bc("ca:true", "expected CA:TRUE, CA:FALSE or pathlen:N"), 2)
    );
    let crit = |n: &str| K::CriticalNotAllowed { name: s(n) };
    assert_eq!(
        ext_err("[e]\nsubjectKeyIdentifier = critical,hash\n"),
        (crit(SKI), 2)
    );
    assert_eq!(
        ext_err("[e]\nauthorityKeyIdentifier = critical,keyid\n"),
        (crit(AKI), 2)
    );
    assert_eq!(
        ext_err("[e]\nkeyUsage = critical, DER:03:02:05:A0\n"),
        (
            K::RawEncoding {
                name: s("keyUsage")
            },
            2
        )
    );
    let kid = |n: &str, v: &str| K::UnsupportedKeyIdentifier {
        name: s(n),
        value: s(v),
    };
    assert_eq!(
        ext_err("[e]\nsubjectKeyIdentifier = 01:02\n"),
        (kid(SKI, "01:02"), 2)
    );
    assert_eq!(
        ext_err("[e]\nsubjectKeyIdentifier = Hash\n"),
        (kid(SKI, "Hash"), 2)
    );
    assert_eq!(
        ext_err("[e]\nauthorityKeyIdentifier = keyid:foo\n"),
        (kid(AKI, "keyid:foo"), 2)
    );
    assert_eq!(
        ext_err("[e]\nauthorityKeyIdentifier = none, keyid\n"),
        (kid(AKI, "none, keyid"), 2)
    );
}

#[test]
fn netscape_extensions() {
    assert_eq!(
        exts("[e]\nnsCertType = client, server, objCA\nnsComment = \"OpenSSL Generated\"\n"),
        vec![
            ExtSpec::NsCertType {
                critical: false,
                types: 0b1100_0001
            },
            ExtSpec::NsComment {
                critical: false,
                text: s("OpenSSL Generated")
            },
        ]
    );
    assert_eq!(
        ext_err("[e]\nnsCertType = sslServer\n"),
        (
            ConfErrorKind::UnknownNsCertType {
                value: s("sslServer")
            },
            2
        )
    );
}

#[test]
fn addext_values() {
    let got = parse_extension(None, "subjectAltName", "DNS:a,IP:1.2.3.4");
    assert_eq!(
        got,
        Ok(Some(ExtSpec::SubjectAltName {
            critical: false,
            names: vec![San::Dns(s("a")), ip(1, 2, 3, 4)]
        }))
    );
    let e = parse_extension(None, "keyUsage", "digitalSignature, bogus").expect_err("bogus");
    assert_eq!((e.file.as_path(), e.line), (Path::new(ADDEXT), 0));
    assert_eq!(e.to_string(), "-addext: unknown keyUsage \"bogus\"");
    let e = parse_extension(None, "subjectAltName", "@alt").expect_err("no conf");
    assert_eq!(e.kind, ConfErrorKind::MissingSection { name: s("alt") });
    let c = conf("[alt]\nDNS.1 = ok\nIP.1 = nope\n");
    let e = parse_extension(Some(&c), "subjectAltName", "@alt").expect_err("bad ip");
    assert_eq!(
        e.to_string(),
        "t.cnf:3: bad subjectAltName \"nope\": not an IPv4 or IPv6 address"
    );
    assert_eq!(parse_extension(None, SKI, "none"), Ok(None));
}

#[test]
fn real_environment_is_used_by_parse() {
    let c = Conf::parse("x.cnf", "p = ${ENV::PATH}\n").expect("PATH is set for tests");
    assert_eq!(
        c.get("default", "p").map(str::to_owned),
        std::env::var("PATH").ok()
    );
}

#[test]
fn hostile_input_does_not_panic() {
    let long = "k".repeat(1 << 20);
    let _ = parse(&format!("{long} = {long}\n"));
    let _ = parse(&format!("[{long}\n"));
    let _ = parse(&"\\\n".repeat(10_000));
    let _ = parse(&format!("a = {}\n", "${".repeat(10_000)));
    for text in [
        "[a\\é]\n",
        "a\\é = 1\n",
        "a = \"é\\é\n",
        "a = \\",
        "\\",
        "[",
        "[\\",
        "a=`",
        "é",
        "a::",
        "::=",
        "a=$é",
    ] {
        let _ = parse(text);
    }
    // A small deterministic fuzz over the characters the parser treats specially.
    let alphabet: Vec<char> = "ab1_ .:=[]#$ {}()\\\"'`@,\r\n\téß\u{0}".chars().collect();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..20_000 {
        let mut text = String::new();
        for _ in 0..(seed % 40) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        if let Ok(c) = parse(&text) {
            for name in c.section_names().map(str::to_owned).collect::<Vec<_>>() {
                let _ = c.extensions(&name);
                for e in c.section(&name).unwrap_or_default() {
                    let _ = parse_extension(Some(&c), &e.key, &e.value);
                }
            }
        }
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    }
}

#[test]
fn errors_in_the_sections_of_the_encoded_extensions_name_their_line() {
    use ConfErrorKind as K;
    let bad = |name: &str, value: &str, reason: &'static str| K::BadExtensionValue {
        name: s(name),
        value: s(value),
        reason,
    };
    assert_eq!(
        ext_err("[e]\nauthorityInfoAccess = @aia\n[aia]\nOCSP;URI.0 = http://x/\nbogus = y\n"),
        (
            bad(
                "authorityInfoAccess",
                "bogus = y",
                "expected METHOD;TYPE:value, such as OCSP;URI:http://…"
            ),
            5
        )
    );
    assert_eq!(
        ext_err(
            "[e]\ncrlDistributionPoints = dp\n[dp]\nfullname = URI:http://x/\nreasons = sometimes\n"
        ),
        (
            bad(
                "crlDistributionPoints",
                "reasons = sometimes",
                "unknown reason: use keyCompromise, CACompromise, affiliationChanged, \
                 superseded, cessationOfOperation, certificateHold, privilegeWithdrawn or \
                 AACompromise"
            ),
            5
        )
    );
    assert_eq!(
        ext_err("[e]\ncertificatePolicies = @p\n[p]\nCPS.1 = http://x/\n"),
        (
            bad(
                "certificatePolicies",
                "p",
                "the section has no policyIdentifier"
            ),
            2
        )
    );
    assert_eq!(
        ext_err("[e]\nissuerAltName = otherName:1.2.3;UTF8:x\n"),
        (
            bad(
                "issuerAltName",
                "otherName:1.2.3;UTF8:x",
                "otherName is not supported by pki (its value is raw ASN1: text)"
            ),
            2
        )
    );
}
