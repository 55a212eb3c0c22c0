//! Certificate serial numbers ([RFC 5280 4.1.2.2]) and OpenSSL's serial file.
//!
//! [RFC 5280 4.1.2.2]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.2

use std::path::{Path, PathBuf};

use rand::TryRng;
use x509_cert::serial_number::SerialNumber;

use crate::{
    error::{Error, Result},
    files::{self, Mode},
};

/// A positive serial of 159 random bits, as OpenSSL makes (20 octets at most once encoded).
pub fn random() -> Result<Vec<u8>> {
    let mut bytes = [0u8; 20];
    loop {
        rand::rngs::SysRng
            .try_fill_bytes(&mut bytes)
            .map_err(|_| Error::Rsa(rsa::Error::Internal))?;
        bytes[0] &= 0x7f;
        if bytes.iter().any(|b| *b != 0) {
            return Ok(strip(&bytes).to_vec());
        }
    }
}

fn strip(b: &[u8]) -> &[u8] {
    let first = b
        .iter()
        .position(|x| *x != 0)
        .unwrap_or(b.len().saturating_sub(1));
    &b[first..]
}

/// The serial as a DER SerialNumber; it must be positive and at most 20 octets encoded.
pub fn to_serial_number(magnitude: &[u8]) -> Result<SerialNumber> {
    let m = strip(magnitude);
    if m.iter().all(|b| *b == 0) {
        return Err(Error::Serial { reason: "zero" });
    }
    SerialNumber::new(m).map_err(|_| Error::Serial {
        reason: "longer than 20 octets",
    })
}

/// Adds one to a big-endian magnitude.
pub fn increment(magnitude: &[u8]) -> Vec<u8> {
    let mut out = strip(magnitude).to_vec();
    for b in out.iter_mut().rev() {
        let (v, carry) = b.overflowing_add(1);
        *b = v;
        if !carry {
            return out;
        }
    }
    out.insert(0, 1);
    out
}

/// Upper-case hex with an even number of digits, as OpenSSL writes serial files.
pub fn to_hex(magnitude: &[u8]) -> String {
    strip(magnitude)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// Parses a serial file's contents: hex digits (either case) and a line end.
pub fn parse_hex(text: &str) -> Result<Vec<u8>> {
    let t = text.trim_end_matches(['\n', '\r']);
    if t.is_empty() {
        return Err(Error::SerialFile { reason: "empty" });
    }
    if t.len() > 42 {
        return Err(Error::SerialFile {
            reason: "longer than 20 octets",
        });
    }
    if !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::SerialFile {
            reason: "not hexadecimal",
        });
    }
    let padded = if t.len() % 2 == 1 {
        format!("0{t}")
    } else {
        t.to_owned()
    };
    let bytes = (0..padded.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&padded[i..i + 2], 16))
        .collect::<std::result::Result<Vec<u8>, _>>()
        .map_err(|_| Error::SerialFile {
            reason: "not hexadecimal",
        })?;
    Ok(bytes)
}

/// The serial file OpenSSL's `-CAcreateserial` uses for a CA certificate path:
/// the CA file name with its extension replaced by `.srl` (`ca.crt` → `ca.srl`).
pub fn default_serial_file(ca_cert: &Path) -> PathBuf {
    ca_cert.with_extension("srl")
}

/// The next serial from a serial file, with OpenSSL's `x509 -CAserial`/`-CAcreateserial`
/// semantics: read the file (or, when it is missing and `create` is set, start from a random
/// serial), add one, write it back, and return it. The file holds the last serial issued.
///
/// The read-increment-write holds an exclusive lock (`flock`) on the serial file's folder, so
/// that runs in parallel on one serial file never issue one serial twice (OpenSSL has this
/// race); the file itself is still replaced atomically, and no lock file is left behind.
pub fn next_from_file(path: &Path, create: bool) -> Result<Vec<u8>> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let lock = std::fs::File::open(folder).map_err(|source| Error::Io {
        op: crate::error::IoOp::Read,
        path: folder.to_owned(),
        source,
    })?;
    lock.lock().map_err(|source| Error::Io {
        op: crate::error::IoOp::Write,
        path: path.to_owned(),
        source,
    })?;
    let current = match files::read(path) {
        Ok(bytes) => {
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| Error::SerialFile { reason: "not text" }.in_file(path))?;
            parse_hex(text).map_err(|e| e.in_file(path))?
        }
        Err(Error::Io { source, .. })
            if create && source.kind() == std::io::ErrorKind::NotFound =>
        {
            random()?
        }
        Err(e) => return Err(e),
    };
    let next = increment(&current);
    to_serial_number(&next).map_err(|e| e.in_file(path))?;
    files::replace(
        path,
        format!("{}\n", to_hex(&next)).as_bytes(),
        Mode::Public,
    )?;
    drop(lock);
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increment_carries() {
        assert_eq!(increment(&[0x00, 0xff]), [0x01, 0x00]);
        assert_eq!(increment(&[0xff, 0xff]), [0x01, 0x00, 0x00]);
        assert_eq!(
            to_hex(&increment(
                &parse_hex("36216F8759DB38C79C61C819555FE38013E93D62\n").expect("hex")
            )),
            "36216F8759DB38C79C61C819555FE38013E93D63"
        );
    }

    #[test]
    fn random_serials_are_positive_and_short() {
        for _ in 0..64 {
            let s = random().expect("rng");
            assert!(s.len() <= 20 && s[0] != 0, "{s:02x?}");
            assert!(
                s.len() < 20 || s[0] < 0x80,
                "encodes in 20 octets: {s:02x?}"
            );
            to_serial_number(&s).expect("valid");
        }
    }

    #[test]
    fn bad_serial_files() {
        assert!(matches!(
            parse_hex(""),
            Err(Error::SerialFile { reason: "empty" })
        ));
        assert!(matches!(
            parse_hex("xyz\n"),
            Err(Error::SerialFile {
                reason: "not hexadecimal"
            })
        ));
        assert!(matches!(
            to_serial_number(&[0]),
            Err(Error::Serial { reason: "zero" })
        ));
        assert_eq!(
            default_serial_file(Path::new("/a/ca.crt")),
            Path::new("/a/ca.srl")
        );
    }

    #[test]
    fn serial_file_is_created_then_incremented() {
        let d = std::env::temp_dir().join(format!("pki-serial-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("dir");
        let srl = d.join("ca.srl");
        // Without -CAcreateserial a missing file is an error naming it.
        assert!(matches!(next_from_file(&srl, false), Err(Error::Io { path, .. }) if path == srl));
        let first = next_from_file(&srl, true).expect("create");
        assert_eq!(
            std::fs::read_to_string(&srl).expect("srl"),
            format!("{}\n", to_hex(&first))
        );
        let second = next_from_file(&srl, true).expect("increment");
        assert_eq!(second, increment(&first));
        assert_eq!(
            std::fs::read_to_string(&srl).expect("srl"),
            format!("{}\n", to_hex(&second))
        );
        std::fs::write(&srl, "zz\n").expect("write");
        let e = next_from_file(&srl, true).expect_err("bad file");
        assert!(
            matches!(&e, Error::InFile { source, .. } if matches!(**source, Error::SerialFile { reason: "not hexadecimal" }))
        );
        std::fs::remove_dir_all(&d).expect("cleanup");
    }
}
