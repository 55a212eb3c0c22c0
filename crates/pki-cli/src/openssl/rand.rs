//! `openssl rand [-hex|-base64] [-out F] NUM`: NUM random bytes from the operating system's
//! CSPRNG, as scripts make tokens (`$(openssl rand -hex 3).$(openssl rand -hex 8)` for a
//! kubeadm bootstrap token).

use std::{
    io::{self, Write},
    path::Path,
    process::ExitCode,
};

use pki_core::files::{self, Mode};
use rand::TryRng;

use super::{Fail, Opt, parse};

const OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::value(
        "out",
        "outfile",
        "Output file (replaced if it exists; default stdout)",
    ),
    Opt::flag("base64", "Base64 encode the output"),
    Opt::flag("hex", "Hex encode the output"),
];

/// The largest NUM pki accepts (OpenSSL has no limit; a typo should not fill a disk).
const MAX: usize = 1 << 30;

/// How the bytes are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Raw,
    Hex,
    Base64,
}

/// `rand`'s options, read once from the command line.
#[derive(Debug)]
struct Args {
    n: usize,
    encoding: Encoding,
    out: Option<String>,
}

impl Args {
    /// `None` for `-help`.
    fn parse(args: &[String]) -> Result<Option<Args>, Fail> {
        let p = parse("rand", " num", OPTS, args)?;
        if p.help {
            return Ok(None);
        }
        let n = match p.params.as_slice() {
            [n] => n
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX).contains(n))
                .ok_or_else(|| {
                    Fail::Usage(format!(
                        "Invalid number of bytes {n:?}: expected 1 to {MAX}"
                    ))
                })?,
            [] => return Err(Fail::Usage("the number of bytes is required".into())),
            _ => return Err(Fail::Usage("Extra arguments given.".into())),
        };
        let encoding = if p.flag("hex") {
            Encoding::Hex
        } else if p.flag("base64") {
            Encoding::Base64
        } else {
            Encoding::Raw
        };
        Ok(Some(Args {
            n,
            encoding,
            out: p.value("out").map(str::to_owned),
        }))
    }
}

/// Bytes drawn and written at a time: a whole number of base64 lines (48 bytes each), so that
/// memory stays small whatever NUM is.
const CHUNK: usize = 48 * 1024;

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let Some(a) = Args::parse(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let mut rng_error = None;
    let mut write = |w: &mut dyn Write| -> io::Result<()> {
        let mut buf = vec![0u8; CHUNK.min(a.n)];
        let mut left = a.n;
        while left > 0 {
            let chunk = &mut buf[..CHUNK.min(left)];
            if let Err(e) = rand::rngs::SysRng.try_fill_bytes(chunk) {
                rng_error = Some(e.to_string());
                return Err(io::Error::other(
                    "the operating system's random generator failed",
                ));
            }
            left -= chunk.len();
            match a.encoding {
                Encoding::Raw => w.write_all(chunk)?,
                Encoding::Hex => {
                    const DIGITS: &[u8; 16] = b"0123456789abcdef";
                    let hex: Vec<u8> = chunk
                        .iter()
                        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
                        .collect();
                    w.write_all(&hex)?;
                    if left == 0 {
                        w.write_all(b"\n")?;
                    }
                }
                Encoding::Base64 => {
                    for line in base64(chunk).as_bytes().chunks(64) {
                        w.write_all(line)?;
                        w.write_all(b"\n")?;
                    }
                }
            }
        }
        zeroize::Zeroize::zeroize(&mut buf);
        Ok(())
    };
    if let Some(path) = &a.out {
        super::refuse_over_key(Path::new(path))?;
    }
    let written = match &a.out {
        Some(path) => files::replace_with(Path::new(path), Mode::Public, &mut write),
        None => {
            let mut stdout = io::stdout().lock();
            match write(&mut stdout).and_then(|()| stdout.flush()) {
                // A closed pipe (`openssl rand -hex 32 | head -c 8`) is not an error.
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(pki_core::Error::Io {
                    op: pki_core::error::IoOp::Write,
                    path: "stdout".into(),
                    source: e,
                }),
                _ => Ok(()),
            }
        }
    };
    if let Some(e) = rng_error {
        return Err(Fail::msg(format!(
            "the operating system's random generator failed: {e}"
        )));
    }
    written?;
    Ok(ExitCode::SUCCESS)
}

/// Standard base64 with padding (RFC 4648 section 4).
fn base64(data: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(char::from(ABC[((v >> (18 - 6 * i)) & 63) as usize]));
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), enc);
        }
    }
}
