//! The TBSCertificate as [`crate::view::CertView`] reads it — the one certificate parse that
//! `pki show`, `pki lint` and the verifier share — for legal encodings the `der`/x509-cert
//! crates refuse. Same structure as x509-cert's ([RFC 5280 4.1]) and still DER, with two
//! fields read by hand:
//! - serialNumber: any INTEGER, whatever its length (x509-cert refuses more than 21 octets;
//!   RFC 5280 4.1.2.2 asks issuers for at most 20, and lint says so);
//! - each Time: a UTCTime read as RFC 5280 4.1.2.5.1 says, YY >= 50 meaning 19YY and YY < 50
//!   meaning 20YY (der's UtcTime reads 1970..2049 only), or a GeneralizedTime
//!   `YYYYMMDDHHMMSSZ`.
//!
//! [RFC 5280 4.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1

use der::{
    Sequence, Tag, Tagged,
    asn1::{Any, BitString, Int},
};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::{certificate::Version, ext::Extension, name::Name};

use super::TimeInfo;

#[derive(Sequence)]
pub(crate) struct TbsCertificate {
    #[asn1(context_specific = "0", default = "Default::default")]
    pub version: Version,
    pub serial_number: Int,
    pub signature: AlgorithmIdentifierOwned,
    pub issuer: Name,
    pub validity: Validity,
    pub subject: Name,
    pub subject_public_key_info: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub issuer_unique_id: Option<BitString>,
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT", optional = "true")]
    pub subject_unique_id: Option<BitString>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    pub extensions: Option<Vec<Extension>>,
}

#[derive(Sequence)]
pub(crate) struct Validity {
    pub not_before: Any,
    pub not_after: Any,
}

/// A UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`), DER forms only.
pub(crate) fn time(any: &Any) -> Option<TimeInfo> {
    let b = any.value();
    let (year, rest, encoding) = match any.tag() {
        Tag::UtcTime if b.len() == 13 => {
            let yy = digits(&b[..2])?;
            (
                if yy >= 50 { 1900 + yy } else { 2000 + yy },
                &b[2..],
                "UTCTime",
            )
        }
        Tag::GeneralizedTime if b.len() == 15 => (digits(&b[..4])?, &b[4..], "GeneralizedTime"),
        _ => return None,
    };
    if rest[10] != b'Z' {
        return None;
    }
    let (month, day) = (digits(&rest[0..2])?, digits(&rest[2..4])?);
    let (hour, minute, second) = (
        digits(&rest[4..6])?,
        digits(&rest[6..8])?,
        digits(&rest[8..10])?,
    );
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid_day = usize::try_from(month)
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|m| month_days.get(m))
        .is_some_and(|max| (1..=*max).contains(&day));
    if !valid_day || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
    Some(TimeInfo {
        time: format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"),
        encoding,
        unix: days * 86_400 + i64::from(hour * 3600 + minute * 60 + second),
    })
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use der::{Decode, asn1::Any};

    fn t(der: &[u8]) -> Option<(String, i64)> {
        super::time(&Any::from_der(der).ok()?).map(|t| (t.time, t.unix))
    }

    #[test]
    fn utc_time_years_follow_rfc_5280() {
        assert_eq!(
            t(b"\x17\x0d500101120000Z"),
            Some(("1950-01-01T12:00:00Z".into(), -631_108_800))
        );
        assert_eq!(
            t(b"\x17\x0d491231235959Z"),
            Some(("2049-12-31T23:59:59Z".into(), 2_524_607_999))
        );
        assert_eq!(
            t(b"\x18\x0f20000229000000Z"),
            Some(("2000-02-29T00:00:00Z".into(), 951_782_400))
        );
    }

    #[test]
    fn bad_times_are_refused() {
        for der in [
            &b"\x17\x0d500230120000Z"[..],
            b"\x17\x0d5001011200000",
            b"\x17\x0b5001011200Z",
            b"\x17\x0d50010112000aZ",
            b"\x18\x0f19000229000000Z",
            b"\x04\x0d500101120000Z",
        ] {
            assert_eq!(t(der), None, "{der:?}");
        }
    }
}
