use std::time::{Duration, SystemTime};

use super::*;

#[test]
fn decimal_and_serials() {
    assert_eq!(to_decimal(&[]), "0");
    assert_eq!(to_decimal(&[0x01, 0x00]), "256");
    assert_eq!(to_decimal(&[0xff; 8]), u64::MAX.to_string());
    let s = Serial::new(&[0x00, 0x80]);
    assert_eq!(
        (s.hex.as_str(), s.decimal.as_str(), s.encoded_len),
        ("80", "128", 2)
    );
    let s = Serial::new(&[0xff, 0x7f]);
    assert_eq!((s.hex.as_str(), s.decimal.as_str()), ("-81", "-129"));
    let s = Serial::new(&[0x00]);
    assert_eq!((s.hex.as_str(), s.decimal.as_str()), ("00", "0"));
}

#[test]
fn malformed_der_names_the_byte() {
    let now = SystemTime::UNIX_EPOCH;
    // A SEQUENCE that claims 5 bytes but holds 2.
    let e = inspect(b"\x30\x05\x02\x01", now).expect_err("truncated");
    assert!(matches!(e, Error::Der { .. }), "{e:?}");
    let text = error_text(&e);
    assert!(text.contains("at DER byte"), "{text}");
    assert!(matches!(inspect(b"  \n", now), Err(Error::Empty)));
}

#[test]
fn bad_pem_block_is_named() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1);
    let pem = pem::encode(pem::CERTIFICATE, b"\x30\x03\x02\x01\x05");
    let e = inspect(pem.as_bytes(), now).expect_err("not a certificate");
    assert!(
        matches!(&e, Error::InBlock { index: 1, label, .. } if label == "CERTIFICATE"),
        "{e:?}"
    );
    // A CRL block is read as a CRL; an unknown label is named.
    assert!(matches!(
        inspect(pem::encode("X509 CRL", b"\x30\x00").as_bytes(), now),
        Err(Error::InBlock { source, .. }) if matches!(*source, Error::Der { what: "CRL", .. })
    ));
    assert!(matches!(
        inspect(pem::encode("PKCS7", b"\x30\x00").as_bytes(), now),
        Err(Error::InBlock { source, .. }) if matches!(*source, Error::PemLabel { .. })
    ));
}

#[test]
fn times_parse_and_print() {
    let t = parse_time("2026-11-30T04:01:53Z").expect("time");
    assert_eq!(rfc3339(t), "2026-11-30T04:01:53Z");
    assert!(parse_time("2026-11-30").is_none());
}
