//! `openssl dgst [-sha1|-sha256|-sha384|-sha512] [-hex|-binary|-r|-c] [-out F] [FILE...]`:
//! message digests, as in the Kubernetes join-hash pipeline
//! `openssl x509 -pubkey -in ca.crt | openssl rsa -pubin -outform der | openssl dgst -sha256 -hex`.

use std::{fmt::Write as _, process::ExitCode};

use pki_core::files::Mode;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::{Fail, Opt, Output, parse, read_input};

const OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::flag("sha1", "SHA-1"),
    Opt::flag("sha256", "SHA-256 (the default)"),
    Opt::flag("sha384", "SHA-384"),
    Opt::flag("sha512", "SHA-512"),
    Opt::flag("hex", "Print the digest in hex (the default)"),
    Opt::flag("binary", "Write the digest as raw bytes"),
    Opt::flag("r", "Print as coreutils' sha256sum does"),
    Opt::flag("c", "Print the digest with colons"),
    Opt::value(
        "out",
        "outfile",
        "Output file (replaced if it exists; default stdout)",
    ),
];

#[derive(Debug, Clone, Copy)]
enum Alg {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Alg {
    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Alg::Sha1 => Sha1::digest(data).to_vec(),
            Alg::Sha256 => Sha256::digest(data).to_vec(),
            Alg::Sha384 => Sha384::digest(data).to_vec(),
            Alg::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    /// OpenSSL 3.0's name in `NAME(file)= ...`.
    fn label(self) -> &'static str {
        match self {
            Alg::Sha1 => "SHA1",
            Alg::Sha256 => "SHA2-256",
            Alg::Sha384 => "SHA2-384",
            Alg::Sha512 => "SHA2-512",
        }
    }
}

/// `dgst`'s options, read once from the command line.
#[derive(Debug)]
struct Args {
    alg: Alg,
    /// What the digest is called in `NAME(file)= ` lines.
    label: &'static str,
    binary: bool,
    colons: bool,
    coreutils: bool,
    out: Option<String>,
    files: Vec<String>,
}

impl Args {
    /// `None` for `-help`.
    fn parse(args: &[String]) -> Result<Option<Args>, Fail> {
        let p = parse("dgst", " [file...]", OPTS, args)?;
        if p.help {
            return Ok(None);
        }
        let algs = [
            ("sha1", Alg::Sha1),
            ("sha256", Alg::Sha256),
            ("sha384", Alg::Sha384),
            ("sha512", Alg::Sha512),
        ];
        let chosen = algs
            .iter()
            .filter_map(|(n, a)| p.position(n).map(|i| (i, *a)))
            .max_by_key(|(i, _)| *i)
            .map(|(_, a)| a);
        // Without a digest option OpenSSL 3.0 uses SHA-256 and calls it SHA256.
        let (alg, label) = match chosen {
            Some(a) => (a, a.label()),
            None => (Alg::Sha256, "SHA256"),
        };
        Ok(Some(Args {
            alg,
            label,
            binary: p.flag("binary"),
            colons: p.flag("c"),
            coreutils: p.flag("r"),
            out: p.value("out").map(str::to_owned),
            files: p.params.clone(),
        }))
    }
}

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let Some(a) = Args::parse(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let (alg, label) = (a.alg, a.label);
    let inputs: Vec<Option<&str>> = if a.files.is_empty() {
        vec![None]
    } else {
        a.files.iter().map(|s| Some(s.as_str())).collect()
    };
    let mut out = Output::default();
    for input in inputs {
        let (data, name) = read_input(input)?;
        let md = alg.digest(&data);
        let name = name.display();
        if a.binary {
            out.bytes(&md);
            continue;
        }
        let mut hex = String::new();
        for (i, b) in md.iter().enumerate() {
            if i > 0 && a.colons {
                hex.push(':');
            }
            let _ = write!(hex, "{b:02x}");
        }
        if a.coreutils {
            out.line(format_args!("{hex} *{name}"));
        } else {
            out.line(format_args!("{label}({name})= {hex}"));
        }
    }
    out.deliver(a.out.as_deref(), Mode::Public)?;
    Ok(ExitCode::SUCCESS)
}
