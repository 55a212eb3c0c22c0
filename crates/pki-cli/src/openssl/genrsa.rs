//! `openssl genrsa [-out F] [BITS]` and `openssl genpkey -algorithm RSA
//! [-pkeyopt rsa_keygen_bits:N] [-out F]`: a new RSA key, unencrypted PKCS#8 PEM as OpenSSL 3
//! writes it (encrypted with `-aes256` and the like, [`pass`]), created 0600 and never over an
//! existing file.

use std::process::ExitCode;

use pki_core::{
    files::Mode,
    key::{KeyBits, PrivateKey},
};

use super::{
    Fail, Opt, Output, parse,
    pass::{self, CIPHER_OPTS, PASSOUT, Pass},
};

const GENRSA: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::value(
        "out",
        "outfile",
        "Output the key to this file (created 0600; an existing file is refused)",
    ),
    Opt::flag(
        "F4",
        "Use 65537 for the E value (the default, and the only one)",
    ),
    Opt::flag(
        "f4",
        "Use 65537 for the E value (the default, and the only one)",
    ),
    Opt::flag("traditional", "Write the key as PKCS#1 (RSA PRIVATE KEY)"),
    PASSOUT,
];

const GENPKEY: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::value(
        "out",
        "outfile",
        "Output the key to this file (created 0600; an existing file is refused)",
    ),
    Opt::value("algorithm", "val", "The public key algorithm: RSA"),
    Opt::value(
        "pkeyopt",
        "opt:value",
        "rsa_keygen_bits:N (2048, 3072, 4096) or rsa_keygen_pubexp:65537",
    ),
    Opt::value("outform", "PEM", "Output format: PEM"),
    Opt::value("pass", "val", "Output pass phrase source"),
    Opt::value(
        "config",
        "infile",
        "A configuration file: read and checked; its module settings load nothing in pki",
    ),
];

/// A key is never written over an existing file: refused before the key is made.
pub(super) fn refuse_existing(out: Option<&str>) -> Result<(), Fail> {
    match out {
        Some(path) if pki_core::files::would_replace(std::path::Path::new(path)) => {
            Err(pki_core::Error::Exists { path: path.into() }.into())
        }
        _ => Ok(()),
    }
}

fn bits(text: &str) -> Result<KeyBits, Fail> {
    let n: usize = text.parse().map_err(|_| {
        Fail::Usage(format!(
            "Invalid number of bits {text:?}: pki makes RSA keys of 2048, 3072 or 4096 bits"
        ))
    })?;
    Ok(KeyBits::new(n)?)
}

/// What `genrsa` and `genpkey` make, read once from the command line.
#[derive(Debug)]
struct Args {
    bits: KeyBits,
    out: Option<String>,
    /// PKCS#1 (`RSA PRIVATE KEY`) instead of PKCS#8.
    traditional: bool,
    /// `-aes256` and the like: the key is written encrypted.
    cipher: Option<pki_core::pbe::Cipher>,
    pass: Pass,
}

fn write_key(mut a: Args) -> Result<ExitCode, Fail> {
    let out = a.out.as_deref();
    refuse_existing(out)?;
    a.pass.ready_output(a.cipher)?;
    let key = PrivateKey::generate(a.bits)?;
    let pem = a.pass.key_pem(&key, a.cipher, a.traditional)?;
    let mut o = Output::default();
    o.text(&pem);
    o.deliver(out, Mode::Private)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn genrsa(args: &[String]) -> Result<ExitCode, Fail> {
    match genrsa_args(args)? {
        Some(a) => write_key(a),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// `genrsa`'s options; `None` for `-help`.
fn genrsa_args(args: &[String]) -> Result<Option<Args>, Fail> {
    let table: Vec<Opt> = GENRSA.iter().chain(CIPHER_OPTS).copied().collect();
    let p = parse("genrsa", " numbits", &table, args)?;
    if p.help {
        return Ok(None);
    }
    let bits = match p.params.as_slice() {
        [] => KeyBits::DEFAULT,
        [n] => bits(n)?,
        _ => return Err(Fail::Usage("Extra arguments given.".into())),
    };
    Ok(Some(Args {
        bits,
        out: p.value("out").map(str::to_owned),
        traditional: p.flag("traditional"),
        cipher: pass::cipher(&p),
        pass: Pass::read(&p, "passout")?,
    }))
}

pub(super) fn genpkey(args: &[String]) -> Result<ExitCode, Fail> {
    match genpkey_args(args)? {
        Some(a) => write_key(a),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// `genpkey`'s options; `None` for `-help`.
fn genpkey_args(args: &[String]) -> Result<Option<Args>, Fail> {
    let table: Vec<Opt> = GENPKEY.iter().chain(CIPHER_OPTS).copied().collect();
    let p = parse("genpkey", "", &table, args)?;
    if p.help {
        return Ok(None);
    }
    p.no_params()?;
    if let Some(path) = p.value("config") {
        super::note(format_args!("Using configuration from {path}"));
        pki_core::openssl::refuse_modules(&super::load_conf(path)?)?;
    }
    match p.value("algorithm") {
        Some(a) if a.eq_ignore_ascii_case("RSA") => {}
        Some(a) => {
            return Err(Fail::msg(format!(
                "Algorithm {a} is not supported by pki: it makes RSA keys (-algorithm RSA)"
            )));
        }
        None => {
            return Err(Fail::Usage(
                "-algorithm RSA is required (pki makes RSA keys only)".into(),
            ));
        }
    }
    if let Some(f) = p
        .value("outform")
        .filter(|f| !f.eq_ignore_ascii_case("PEM"))
    {
        return Err(Fail::Usage(format!(
            "Invalid format {f:?} for -outform: pki writes keys as PEM"
        )));
    }
    let mut key_bits = KeyBits::DEFAULT;
    for opt in p.values("pkeyopt") {
        match opt.split_once(':') {
            Some(("rsa_keygen_bits", n)) => key_bits = bits(n)?,
            Some(("rsa_keygen_pubexp", "65537" | "0x10001")) => {}
            _ => {
                return Err(Fail::msg(format!(
                    "-pkeyopt {opt} is not supported by pki: use rsa_keygen_bits:N \
                     (2048, 3072, 4096); the public exponent is always 65537"
                )));
            }
        }
    }
    Ok(Some(Args {
        bits: key_bits,
        out: p.value("out").map(str::to_owned),
        traditional: false,
        cipher: pass::cipher(&p),
        pass: Pass::read(&p, "pass")?,
    }))
}
