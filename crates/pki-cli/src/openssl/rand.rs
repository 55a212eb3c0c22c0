//! `openssl rand [-hex|-base64] [-out F] NUM`: NUM random bytes from the operating system's
//! CSPRNG, as scripts make tokens (`$(openssl rand -hex 3).$(openssl rand -hex 8)` for a
//! kubeadm bootstrap token).

use std::process::ExitCode;

use pki_core::files::Mode;
use rand::TryRng;

use super::{Fail, Opt, Output, parse};

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

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let p = parse("rand", " num", OPTS, args)?;
    if p.help {
        return Ok(ExitCode::SUCCESS);
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
    let mut bytes = vec![0u8; n];
    rand::rngs::SysRng.try_fill_bytes(&mut bytes).map_err(|e| {
        Fail::msg(format!(
            "the operating system's random generator failed: {e}"
        ))
    })?;
    let mut out = Output::default();
    if p.flag("hex") {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        out.line(format_args!("{hex}"));
    } else if p.flag("base64") {
        for line in base64(&bytes).as_bytes().chunks(64) {
            out.bytes(line);
            out.bytes(b"\n");
        }
    } else {
        out.bytes(&bytes);
    }
    out.deliver(p.value("out"), Mode::Public)?;
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
