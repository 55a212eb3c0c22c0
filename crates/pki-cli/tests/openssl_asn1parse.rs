//! `openssl asn1parse` through the drop-in, against the real openssl: the same listing, byte
//! for byte, for certificates, CSRs, keys, PKCS#12 and a file of every ASN.1 type (made by
//! openssl's `-genconf`), with `-i`, `-dump`, `-dlimit`, `-offset`, `-length`, `-strparse`.

mod util;

use std::fs;

use util::{openssl, pki};

const GEN: &str = "asn1 = SEQUENCE:seq
[seq]
f1 = INTEGER:-5
f2 = INTEGER:0x0123456789ABCDEF0011
f3 = BOOLEAN:TRUE
f4 = BOOLEAN:FALSE
f5 = NULL
f6 = OID:1.2.3.4.5
f7 = OID:commonName
f8 = UTF8String:hello
f9 = PRINTABLESTRING:Hello World
f10 = IA5STRING:user@example.com
f11 = BMPSTRING:bmp
f12 = T61STRING:t61
f13 = VISIBLESTRING:visible
f14 = UTCTIME:260101000000Z
f15 = GENERALIZEDTIME:20500101000000Z
f16 = OCTETSTRING:printable text
f17 = FORMAT:HEX,OCTETSTRING:00ff10
f18 = FORMAT:HEX,BITSTRING:0a0b
f19 = ENUMERATED:3
f20 = IMPLICIT:0,INTEGER:7
f21 = EXPLICIT:1,INTEGER:8
f22 = IMPLICIT:2A,OCTETSTRING:appl
f23 = IMPLICIT:3P,NULL
f24 = SET:set1
f25 = NUMERICSTRING:12345
f26 = UNIVERSALSTRING:u
f27 = FORMAT:BITLIST,BITSTRING:1,3,5
f28 = INTEGER:0
f29 = INTEGER:-256
[set1]
a = INTEGER:1
";

#[test]
fn listings_are_openssls_byte_for_byte() {
    let d = util::with_reference_set("asn1parse");
    fs::copy(util::reference().join("client.crt"), d.join("client.crt")).expect("copy");
    fs::write(d.join("gen.cnf"), GEN).expect("write");
    openssl(
        &d,
        &[
            "asn1parse",
            "-genconf",
            "gen.cnf",
            "-noout",
            "-out",
            "types.der",
        ],
    )
    .ok();
    openssl(
        &d,
        &["x509", "-in", "ca.crt", "-outform", "DER", "-out", "ca.der"],
    )
    .ok();
    openssl(
        &d,
        &[
            "pkcs12",
            "-export",
            "-in",
            "client.crt",
            "-inkey",
            "client.key",
            "-passout",
            "pass:x",
            "-out",
            "c.p12",
        ],
    )
    .ok();
    let mut cases: Vec<Vec<&str>> = Vec::new();
    for f in ["ca.crt", "client.crt", "client.csr", "client.key"] {
        for opts in [
            &[][..],
            &["-i"],
            &["-dump"],
            &["-i", "-dump", "-dlimit", "16"],
        ] {
            let mut v = vec!["asn1parse", "-in", f];
            v.extend_from_slice(opts);
            cases.push(v);
        }
    }
    for opts in [
        &["-i"][..],
        &["-dump"],
        &["-offset", "3"],
        &["-strparse", "177"],
    ] {
        let mut v = vec!["asn1parse", "-inform", "DER", "-in", "types.der"];
        v.extend_from_slice(opts);
        cases.push(v);
    }
    cases.push(vec!["asn1parse", "-inform", "DER", "-in", "c.p12", "-i"]);
    cases.push(vec![
        "asn1parse",
        "-inform",
        "DER",
        "-in",
        "ca.der",
        "-strparse",
        "4",
        "-i",
    ]);
    cases.push(vec![
        "asn1parse",
        "-inform",
        "DER",
        "-in",
        "ca.der",
        "-offset",
        "4",
        "-length",
        "3",
    ]);
    for args in &cases {
        let theirs = openssl(&d, args);
        let mut a = vec!["openssl"];
        a.extend(args.iter().copied());
        let ours = pki(&d, &a, &[]);
        assert_eq!(ours.code(), theirs.code(), "{args:?}: {}", ours.stderr());
        assert_eq!(ours.out.stdout, theirs.out.stdout, "{args:?}");
    }
    // A length that cuts an object: OpenSSL's words, exit 1.
    pki(
        &d,
        &[
            "openssl",
            "asn1parse",
            "-inform",
            "DER",
            "-in",
            "ca.der",
            "-offset",
            "4",
            "-length",
            "10",
        ],
        &[],
    )
    .fails(1, "asn1parse: ASN1_get_object: too long\n");
}
