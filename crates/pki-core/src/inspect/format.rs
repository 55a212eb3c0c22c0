//! Numbers and times as `pki show` prints them: hex, big decimals, RFC 3339.

use std::time::SystemTime;

/// Lowercase hex, no separators.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

pub(super) fn strip_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    &b[first..]
}

/// The magnitude of a negative two's complement number.
pub(super) fn negate(b: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = b.iter().map(|x| !x).collect();
    for byte in out.iter_mut().rev() {
        let (v, carry) = byte.overflowing_add(1);
        *byte = v;
        if !carry {
            break;
        }
    }
    strip_zeros(&out).to_vec()
}

/// A big-endian unsigned number in decimal.
pub fn to_decimal(magnitude: &[u8]) -> String {
    let mut digits = Vec::new();
    let mut n: Vec<u8> = strip_zeros(magnitude).to_vec();
    while !n.is_empty() {
        let mut rem = 0u32;
        for byte in n.iter_mut() {
            let cur = (rem << 8) | u32::from(*byte);
            // cur < 2560, so the quotient fits a byte.
            *byte = u8::try_from(cur / 10).unwrap_or(0);
            rem = cur % 10;
        }
        digits.push(b'0' + u8::try_from(rem).unwrap_or(0));
        n = strip_zeros(&n).to_vec();
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

pub fn unix_secs(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// RFC 3339 form of a time (`2026-11-30T04:01:53Z`); times outside 1970..9999 print as seconds.
pub fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    match der::DateTime::from_unix_duration(std::time::Duration::from_secs(d.as_secs())) {
        Ok(dt) => dt.to_string(),
        Err(_) => format!("@{}", d.as_secs()),
    }
}

/// RFC 3339 form of seconds since 1970 (negative before); outside 1970..9999 as `@seconds`.
pub fn format_unix(t: i64) -> String {
    match u64::try_from(t) {
        Ok(s) => rfc3339(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(s)),
        Err(_) => format!("@{t}"),
    }
}

/// Parses an RFC 3339 UTC time (`2026-11-30T04:01:53Z`) into a SystemTime.
pub fn parse_time(s: &str) -> Option<SystemTime> {
    let dt: der::DateTime = s.parse().ok()?;
    Some(dt.to_system_time())
}
