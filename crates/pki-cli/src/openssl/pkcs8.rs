//! `openssl pkcs8`: PKCS#8 in and out, as OpenSSL 3.0's apps/pkcs8.c.
//!
//! - `-topk8`: any private key in; PKCS#8 out, encrypted (PBES2 with `-v2 CIPHER`, default
//!   AES-256-CBC, PBKDF2 with `-v2prf` and `-iter`) unless `-nocrypt`.
//! - Without `-topk8`: an `ENCRYPTED PRIVATE KEY` in (a `PRIVATE KEY` with `-nocrypt`), the
//!   key out unencrypted: PKCS#8, or PKCS#1 with `-traditional`.
//!
//! PKCS#5 v1.5 and PKCS#12 schemes (`-v1`) are not written: refused by name, except with
//! `-nocrypt`, where OpenSSL ignores them too. The output is a private key: created 0600,
//! never over an existing file (but the same key re-encoded over its own file).

use std::process::ExitCode;

use pki_core::{
    key::PrivateKey,
    pbe::{self, Cipher},
    pem,
};
use zeroize::Zeroizing;

use super::{
    Fail, Format, Opt, Output, parse,
    pass::{PASSIN, PASSOUT, Pass},
    read_input_as,
};

const OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::value("in", "infile", "Input file (default stdin)"),
    Opt::value(
        "inform",
        "PEM|DER",
        "Input format (detected when not given)",
    ),
    Opt::value(
        "out",
        "outfile",
        "Output file (created 0600; an existing file is refused)",
    ),
    Opt::value("outform", "PEM|DER", "Output format (default PEM)"),
    Opt::flag("topk8", "Read any private key, write PKCS#8"),
    Opt::flag("nocrypt", "Use or expect an unencrypted private key"),
    Opt::value(
        "v2",
        "val",
        "PBES2 cipher: aes128, aes192, aes256 (default), des3",
    ),
    Opt::value(
        "v2prf",
        "val",
        "PBKDF2 PRF: hmacWithSHA256 (default), hmacWithSHA1/224/384/512",
    ),
    Opt::value(
        "v1",
        "val",
        "PKCS#5 v1.5 or PKCS#12 scheme: only with -nocrypt (then unused)",
    ),
    Opt::value("iter", "+int", "PBKDF2 iteration count (default 2048)"),
    Opt::flag("noiter", "Use 1 as iteration count"),
    Opt::flag("traditional", "Write the key as PKCS#1 (RSA PRIVATE KEY)"),
    PASSIN,
    PASSOUT,
];

/// `pkcs8`'s options, read once.
#[derive(Debug)]
struct Args {
    input: Option<String>,
    inform: Option<Format>,
    out: Option<String>,
    outform: Format,
    topk8: bool,
    nocrypt: bool,
    cipher: Cipher,
    prf: pkcs5::pbes2::Pbkdf2Prf,
    iterations: u32,
    traditional: bool,
    pass: Pass,
}

impl Args {
    fn parse(args: &[String]) -> Result<Option<Args>, Fail> {
        let p = parse("pkcs8", "", OPTS, args)?;
        if p.help {
            return Ok(None);
        }
        p.no_params()?;
        let nocrypt = p.flag("nocrypt");
        if let Some(v1) = p.value("v1")
            && !nocrypt
        {
            return Err(Fail::msg(format!(
                "-v1 {v1} is not supported by pki: it writes PBES2 (-v2 aes256, OpenSSL 3's \
                 default), not the PKCS#5 v1.5 or PKCS#12 schemes"
            )));
        }
        let cipher = match p.value("v2") {
            None => Cipher::Aes256Cbc,
            Some(v) => Cipher::from_name(v).ok_or_else(|| {
                Fail::msg(format!(
                    "Unknown cipher {v}: pki encrypts with aes128, aes192, aes256 or des3"
                ))
            })?,
        };
        let prf = match p.value("v2prf") {
            None => pkcs5::pbes2::Pbkdf2Prf::HmacWithSha256,
            Some(v) => pbe::prf_from_name(v).ok_or_else(|| {
                Fail::msg(format!(
                    "Unknown PRF algorithm {v}: use hmacWithSHA256, hmacWithSHA1, \
                     hmacWithSHA224, hmacWithSHA384 or hmacWithSHA512"
                ))
            })?,
        };
        let iterations = if p.flag("noiter") {
            1
        } else {
            match p.value("iter") {
                None => pbe::ITERATIONS,
                Some(v) => v.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    Fail::Usage(format!(
                        "Invalid value {v:?} for -iter: a whole number, 1 or more"
                    ))
                })?,
            }
        };
        Ok(Some(Args {
            input: p.value("in").map(str::to_owned),
            inform: p
                .value("inform")
                .map(|_| Format::from_opt(&p, "inform"))
                .transpose()?,
            out: p.value("out").map(str::to_owned),
            outform: Format::from_opt(&p, "outform")?,
            topk8: p.flag("topk8"),
            nocrypt,
            cipher,
            prf,
            iterations,
            traditional: p.flag("traditional"),
            pass: Pass::read(&p, "passout")?,
        }))
    }
}

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let Some(a) = Args::parse(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let (bytes, path) = read_input_as(a.input.as_deref(), a.inform)?;
    let bytes = Zeroizing::new(bytes);
    let name = path.display().to_string();
    if !a.topk8 {
        // What apps/pkcs8.c expects without -topk8: PKCS#8, encrypted unless -nocrypt.
        let expected = if a.nocrypt {
            pem::PRIVATE_KEY
        } else {
            pem::ENCRYPTED_PRIVATE_KEY
        };
        let found = input_kind(&bytes);
        if found != Some(expected) {
            return Err(Fail::msg(format!(
                "{name}: expecting {expected}{}",
                found.map(|f| format!(", found {f}")).unwrap_or_default()
            )));
        }
    }
    let key = a.pass.decode_key(&bytes, &name)?;
    let mut out = Output::default();
    if a.topk8 {
        let der = key.to_pkcs8_der()?;
        let (label, der) = if a.nocrypt {
            (pem::PRIVATE_KEY, der)
        } else {
            let params = pbe::pbes2_params_with(a.cipher, a.iterations, a.prf)?;
            let enc = pbe::encrypt_pkcs8_with(&der, params, &a.pass.output()?)?;
            (pem::ENCRYPTED_PRIVATE_KEY, Zeroizing::new(enc))
        };
        emit(&mut out, a.outform, label, &der);
    } else {
        let (label, der) = plain(&key, a.traditional)?;
        emit(&mut out, a.outform, label, &der);
    }
    out.deliver_key(a.out.as_deref(), a.input.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

/// The unencrypted key: PKCS#8, or PKCS#1 with `-traditional`.
fn plain(key: &PrivateKey, traditional: bool) -> Result<(&'static str, Zeroizing<Vec<u8>>), Fail> {
    Ok(if traditional {
        (pem::RSA_PRIVATE_KEY, key.to_pkcs1_der()?)
    } else {
        (pem::PRIVATE_KEY, key.to_pkcs8_der()?)
    })
}

fn emit(out: &mut Output, form: Format, label: &str, der: &[u8]) {
    match form {
        Format::Pem => out.text(&Zeroizing::new(pem::encode(label, der))),
        Format::Der => out.bytes(der),
    }
}

/// Whether the input is a PKCS#8 `PRIVATE KEY`, an `ENCRYPTED PRIVATE KEY`, or something
/// else (its PEM label, or `None` for DER that is neither).
fn input_kind(bytes: &[u8]) -> Option<&'static str> {
    if pbe::Traditional::find(bytes).is_some() {
        return Some("a traditional encrypted key (Proc-Type)");
    }
    if pem::is_pem(bytes) {
        let blocks = pem::decode_all(bytes).ok()?;
        let label = blocks.first().map(|b| b.label.clone());
        for mut b in blocks {
            zeroize::Zeroize::zeroize(&mut b.der);
        }
        return match label.as_deref() {
            Some(pem::PRIVATE_KEY) => Some(pem::PRIVATE_KEY),
            Some(pem::ENCRYPTED_PRIVATE_KEY) => Some(pem::ENCRYPTED_PRIVATE_KEY),
            Some(pem::RSA_PRIVATE_KEY) => Some(pem::RSA_PRIVATE_KEY),
            _ => Some("another PEM block"),
        };
    }
    if pbe::is_encrypted_pkcs8(bytes) {
        Some(pem::ENCRYPTED_PRIVATE_KEY)
    } else if PrivateKey::decode(bytes).is_ok() && !bytes.is_empty() {
        // DER PKCS#1 decodes too; tell them apart by the PKCS#8 version-and-algorithm shape.
        Some(if der_is_pkcs8(bytes) {
            pem::PRIVATE_KEY
        } else {
            pem::RSA_PRIVATE_KEY
        })
    } else {
        None
    }
}

fn der_is_pkcs8(bytes: &[u8]) -> bool {
    use der::Decode;
    pkcs8::PrivateKeyInfoRef::from_der(bytes).is_ok()
}
