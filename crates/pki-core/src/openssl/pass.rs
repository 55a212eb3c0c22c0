//! `-passin` and `-passout` sources, as apps/lib/apps.c `app_passwd` reads them: `pass:TEXT`,
//! `env:VAR`, `file:PATH` (its first line), `fd:N` (a line from that descriptor) and
//! `stdin` (a line). Both are read at once, before anything else, and when both name the
//! same file, descriptor or stdin, the first line is the input passphrase and the second
//! the output one, as OpenSSL's shared BIO gives them.
//!
//! Passphrases are bytes in [`Zeroizing`] buffers; an error never holds one.

use std::{
    fs::File,
    io::{self, Read},
    path::Path,
};

use zeroize::Zeroizing;

use crate::{Error, Result};

/// A passphrase.
pub type Passphrase = Zeroizing<Vec<u8>>;

/// OpenSSL's longest passphrase line (`PEM_BUFSIZE` less the newline).
const MAX_LINE: usize = 1023;

/// One source, read.
enum Lines {
    /// `pass:` and `env:`: the same text every time.
    Fixed(Passphrase),
    /// `file:`, `fd:`, `stdin`: successive lines.
    Stream(Box<dyn Read>, String),
}

impl Lines {
    fn open(arg: &str) -> Result<Lines> {
        let bad = |why: String| Error::Passphrase { why };
        if let Some(text) = arg.strip_prefix("pass:") {
            return Ok(Lines::Fixed(Zeroizing::new(text.as_bytes().to_vec())));
        }
        if let Some(var) = arg.strip_prefix("env:") {
            return std::env::var_os(var)
                .map(|v| Lines::Fixed(Zeroizing::new(v.into_encoded_bytes())))
                .ok_or_else(|| bad(format!("no environment variable {var}")));
        }
        if let Some(path) = arg.strip_prefix("file:") {
            let f = File::open(path).map_err(|e| bad(format!("cannot open file {path}: {e}")))?;
            return Ok(Lines::Stream(Box::new(f), format!("file {path}")));
        }
        if let Some(n) = arg.strip_prefix("fd:") {
            let fd: u32 = n
                .parse()
                .map_err(|_| bad(format!("can't parse {n:?} as a file descriptor number")))?;
            let path = format!("/dev/fd/{fd}");
            let f = File::open(Path::new(&path))
                .map_err(|e| bad(format!("cannot read file descriptor {fd}: {e}")))?;
            return Ok(Lines::Stream(Box::new(f), format!("file descriptor {fd}")));
        }
        if arg == "stdin" {
            return Ok(Lines::Stream(Box::new(io::stdin()), "stdin".into()));
        }
        if !arg.get(..5).unwrap_or(arg).contains(':') {
            return Err(bad(format!(
                "invalid password argument {:?}: missing ':' within the first 5 chars \
                 (pass:, env:, file:, fd: or stdin)",
                redact(arg)
            )));
        }
        Err(bad(format!(
            "invalid password argument {:?}: pass:, env:, file:, fd: or stdin",
            redact(arg)
        )))
    }

    /// The next passphrase: the fixed text, or the next line without its newline.
    fn next(&mut self) -> Result<Passphrase> {
        match self {
            Lines::Fixed(p) => Ok(p.clone()),
            Lines::Stream(r, what) => {
                let mut line = Zeroizing::new(Vec::new());
                let mut byte = [0u8; 1];
                loop {
                    match r.read(&mut byte) {
                        Ok(0) => break,
                        Ok(_) if byte[0] == b'\n' => return Ok(line),
                        Ok(_) if line.len() >= MAX_LINE => {}
                        Ok(_) => line.push(byte[0]),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            return Err(Error::Passphrase {
                                why: format!("error reading password from {what}: {e}"),
                            });
                        }
                    }
                }
                if line.is_empty() {
                    return Err(Error::Passphrase {
                        why: format!("error reading password from {what}: it is empty"),
                    });
                }
                Ok(line)
            }
        }
    }
}

/// What of an unknown argument goes into an error: its scheme, never the text after it.
fn redact(arg: &str) -> String {
    match arg.split_once(':') {
        Some((scheme, _)) => format!("{scheme}:..."),
        None if arg.len() <= 8 => arg.to_owned(),
        None => "...".to_owned(),
    }
}

/// The input and output passphrases of `-passin` and `-passout`, read now.
pub fn passwords(
    passin: Option<&str>,
    passout: Option<&str>,
) -> Result<(Option<Passphrase>, Option<Passphrase>)> {
    match (passin, passout) {
        (Some(a), Some(b)) if a == b => {
            let mut lines = Lines::open(a)?;
            let first = lines.next()?;
            let second = lines.next()?;
            Ok((Some(first), Some(second)))
        }
        _ => {
            let one = |arg: Option<&str>| -> Result<Option<Passphrase>> {
                arg.map(|a| Lines::open(a)?.next()).transpose()
            };
            Ok((one(passin)?, one(passout)?))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A failed unwrap is a failed test.
mod tests {
    use super::*;

    #[test]
    fn every_source_as_openssl_reads_it() {
        let dir = std::env::temp_dir().join(format!("pki-pass-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("pw");
        std::fs::write(&f, "first\nsecond\n").unwrap();
        let file = format!("file:{}", f.display());
        let (i, o) = passwords(Some("pass:abc"), None).unwrap();
        assert_eq!(i.unwrap().as_slice(), b"abc");
        assert!(o.is_none());
        let (i, o) = passwords(Some(&file), Some(&file)).unwrap();
        assert_eq!(
            (i.unwrap().as_slice(), o.unwrap().as_slice()),
            (&b"first"[..], &b"second"[..])
        );
        let (i, o) = passwords(Some(&file), Some("pass:x")).unwrap();
        assert_eq!(
            (i.unwrap().as_slice(), o.unwrap().as_slice()),
            (&b"first"[..], &b"x"[..])
        );
        let e = passwords(Some("env:PKI_TEST_SURELY_UNSET_VAR"), None).unwrap_err();
        assert!(e.to_string().contains("PKI_TEST_SURELY_UNSET_VAR"), "{e}");
        let e = passwords(Some("secret-text"), None).unwrap_err();
        assert!(!e.to_string().contains("secret-text"), "{e}");
        let e = passwords(Some("bogus:secret"), None).unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
        std::fs::write(&f, "").unwrap();
        assert!(passwords(Some(&file), None).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
