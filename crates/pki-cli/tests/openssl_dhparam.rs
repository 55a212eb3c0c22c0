//! `openssl dhparam` through the drop-in, against the real openssl: OpenSSL's parameters read,
//! printed and checked as openssl does, in PEM and DER; broken ones named. (New parameters are
//! made, and checked by openssl, in openssl_scripts.rs: Redis' and Node.js' scripts make them.)

mod util;

use std::fs;

use util::{TestDir, openssl, pki};

/// Parameters `openssl dhparam 1024` made (not a named group, which openssl would print by
/// name): a safe prime, generator 2.
const PARAMS: &str = "-----BEGIN DH PARAMETERS-----
MIGHAoGBAPL0maJ8JdkvICRy7OQamgfHXbchw0tk0/RERrgpqcX945uRI5CnIYpr
RNAgDIwgD+P17CMxxvGR+spOhdBCvciBx9crhRw/ZOAadRszwdYZ4QyNokNA5rUO
RgLsrGRUtpdluYIltw0K/cbc0Nz0yRToBSCBBLxvWdy00CvP0rIfAgEC
-----END DH PARAMETERS-----
";

#[test]
fn reads_prints_and_checks_as_openssl_does() {
    let d = TestDir::new("dhparam");
    fs::write(d.join("modp.pem"), PARAMS).expect("write");
    openssl(
        &d,
        &[
            "dhparam", "-in", "modp.pem", "-outform", "DER", "-out", "modp.der",
        ],
    )
    .ok();
    for args in [
        &["dhparam", "-in", "modp.pem", "-text", "-noout"][..],
        &["dhparam", "-in", "modp.pem", "-check", "-text"],
        &[
            "dhparam", "-in", "modp.der", "-inform", "DER", "-check", "-noout",
        ],
        &["dhparam", "-in", "modp.pem", "-outform", "DER"],
        &["dhparam", "-in", "modp.der", "-inform", "DER", "-text"],
    ] {
        let theirs = openssl(&d, args).ok();
        let mut a = vec!["openssl"];
        a.extend_from_slice(args);
        let ours = pki(&d, &a, &[]).ok();
        assert_eq!(ours.out.stdout, theirs.out.stdout, "{args:?}");
        assert_eq!(ours.stderr(), theirs.stderr(), "{args:?}");
    }
    // A prime that is not safe, and a composite: -check says which, exit 1.
    let bad = |p_last: u8, g: u8| {
        let der = fs::read(d.join("modp.der")).expect("der");
        let mut der = der;
        let n = der.len();
        der[n - 4] = p_last;
        der[n - 1] = g;
        der
    };
    fs::write(d.join("composite.der"), bad(0xFD, 2)).expect("write");
    pki(
        &d,
        &[
            "openssl",
            "dhparam",
            "-in",
            "composite.der",
            "-check",
            "-noout",
        ],
        &[],
    )
    .fails(
        1,
        "WARNING: p value is not prime\nERROR: Invalid parameters!\n",
    );
    let r = openssl(&d, &["dhparam", "-in", "composite.der", "-check", "-noout"]);
    assert_ne!(r.code(), Some(0), "openssl also refuses it");
    // Sizes pki does not make.
    pki(&d, &["openssl", "dhparam", "1024"], &[]).fails(
        1,
        "Generating DH parameters, 1024 bit long safe prime\ndhparam: DH parameters of 1024 \
         bits are not made by pki: 2048 to 8192\n",
    );
}
