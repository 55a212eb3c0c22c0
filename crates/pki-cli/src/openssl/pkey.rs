//! `openssl rsa` and `openssl pkey`: read an RSA key, check it, print it, convert it.
//!
//! Both write unencrypted PKCS#8 (`PRIVATE KEY`) as OpenSSL 3 does, PKCS#1
//! (`RSA PRIVATE KEY`) with `-traditional`, SubjectPublicKeyInfo with `-pubout`; with a cipher
//! option (`-aes256`), encrypted PKCS#8, or the traditional `Proc-Type` form with
//! `-traditional`. Encrypted keys are read with `-passin` ([`pass`]). A private
//! key written to `-out` is created 0600 and never replaces an existing file.

use std::process::ExitCode;

use der::Encode;
use pki_core::{
    files::Mode,
    key::{PrivateKey, PublicKey},
    pem, text,
};
use spki::SubjectPublicKeyInfoOwned;
use zeroize::Zeroizing;

use super::{
    Fail, Format, Opt, Output, note, parse,
    pass::{self, CIPHER_OPTS, PASSIN, PASSOUT, Pass},
    read_input_as,
};

/// Which of the two commands: they differ in messages and in the order of their output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    Rsa,
    Pkey,
}

const OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::value("in", "infile", "Input key (PEM or DER; default stdin)"),
    Opt::value(
        "inform",
        "PEM|DER",
        "Input format (detected when not given)",
    ),
    Opt::flag("pubin", "Expect a public key in the input"),
    Opt::value(
        "out",
        "outfile",
        "Output file (a private key is created 0600 and never replaces a file)",
    ),
    Opt::value("outform", "PEM|DER", "Output format (default PEM)"),
    Opt::flag("pubout", "Output the public key"),
    Opt::flag(
        "traditional",
        "Write a private key as PKCS#1 (RSA PRIVATE KEY)",
    ),
    Opt::flag("check", "Check the key's consistency"),
    Opt::flag("noout", "Do not output the key"),
    Opt::flag("text", "Print the key in text form"),
    PASSIN,
    PASSOUT,
];

/// Options of rsa only.
const RSA_OPTS: &[Opt] = &[Opt::flag("modulus", "Print the RSA modulus")];

/// Options of pkey only.
const PKEY_OPTS: &[Opt] = &[
    Opt::flag("text_pub", "Print the public key in text form"),
    Opt::flag("pubcheck", "Check the public key's consistency"),
];

/// A public key as `PUBLIC KEY` PEM.
pub(super) fn spki_pem(spki: &SubjectPublicKeyInfoOwned) -> Result<String, Fail> {
    let der = spki
        .to_der()
        .map_err(|e| Fail::msg(format!("cannot encode the public key: {e}")))?;
    Ok(pem::encode(pem::PUBLIC_KEY, &der))
}

enum Key {
    Private(Box<PrivateKey>),
    Public(PublicKey),
}

/// `rsa`'s and `pkey`'s options, read once from the command line.
#[derive(Debug)]
struct Args {
    input: Option<String>,
    /// `-inform`, when given (otherwise detected).
    inform: Option<Format>,
    out: Option<String>,
    outform: Format,
    pubin: bool,
    pubout: bool,
    traditional: bool,
    check: bool,
    noout: bool,
    text: bool,
    modulus: bool,
    text_pub: bool,
    pubcheck: bool,
    /// `-aes256` and the like: the private key is written encrypted.
    cipher: Option<pki_core::pbe::Cipher>,
    pass: Pass,
}

impl Args {
    /// `None` for `-help`.
    fn parse(which: Which, args: &[String]) -> Result<Option<Args>, Fail> {
        let cmd = match which {
            Which::Rsa => "rsa",
            Which::Pkey => "pkey",
        };
        let table: Vec<Opt> = match which {
            Which::Rsa => OPTS
                .iter()
                .chain(RSA_OPTS)
                .chain(CIPHER_OPTS)
                .copied()
                .collect(),
            Which::Pkey => OPTS
                .iter()
                .chain(PKEY_OPTS)
                .chain(CIPHER_OPTS)
                .copied()
                .collect(),
        };
        let p = parse(cmd, "", &table, args)?;
        if p.help {
            return Ok(None);
        }
        p.no_params()?;
        Ok(Some(Args {
            input: p.value("in").map(str::to_owned),
            inform: p
                .value("inform")
                .map(|_| Format::from_opt(&p, "inform"))
                .transpose()?,
            out: p.value("out").map(str::to_owned),
            outform: Format::from_opt(&p, "outform")?,
            pubin: p.flag("pubin"),
            pubout: p.flag("pubout"),
            traditional: p.flag("traditional"),
            check: p.flag("check"),
            noout: p.flag("noout"),
            text: p.flag("text"),
            modulus: p.flag("modulus"),
            text_pub: p.flag("text_pub"),
            pubcheck: p.flag("pubcheck"),
            cipher: pass::cipher(&p),
            pass: Pass::read(&p, "passout")?,
        }))
    }
}

pub(super) fn run(which: Which, args: &[String]) -> Result<ExitCode, Fail> {
    let Some(a) = Args::parse(which, args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let (bytes, path) = read_input_as(a.input.as_deref(), a.inform)?;
    let key = if a.pubin {
        Key::Public(pki_core::openssl::first_public_key(&bytes).map_err(|e| e.in_file(&path))?)
    } else {
        Key::Private(Box::new(
            a.pass.decode_key(&bytes, &path.display().to_string())?,
        ))
    };
    let public = match &key {
        Key::Private(k) => k.public_key(),
        Key::Public(k) => k.clone(),
    };

    let mut out = Output::default();
    let check = |out: &mut Output| -> Result<(), Fail> {
        let Key::Private(k) = &key else {
            return Err(Fail::Plain("Only private keys can be checked".into()));
        };
        let msg = b"pki openssl key check";
        let ok = k
            .public_key()
            .verify(&PrivateKey::signature_algorithm(), msg, &k.sign(msg), "key")
            .is_ok();
        if !ok {
            return Err(Fail::Plain(String::from(match which {
                Which::Rsa => "RSA key not ok",
                Which::Pkey => "Key is invalid",
            })));
        }
        out.line(format_args!(
            "{}",
            match which {
                Which::Rsa => "RSA key ok",
                Which::Pkey => "Key is valid",
            }
        ));
        Ok(())
    };
    let key_text = |out: &mut Output| -> Result<(), Fail> {
        match (&key, which, a.pubout || a.text_pub) {
            (Key::Private(_), Which::Pkey, true) | (Key::Public(_), _, _) => {
                out.text(&text::public_key(&public))
            }
            (Key::Private(k), _, _) => out.text(&text::private_key(k)?),
        }
        Ok(())
    };
    let secret_out = matches!(key, Key::Private(_)) && ((!a.pubout && !a.noout) || a.text);
    match which {
        Which::Rsa => {
            if a.text {
                key_text(&mut out)?;
            }
            if a.modulus {
                out.line(format_args!("{}", text::modulus(&public)));
            }
            if a.check {
                check(&mut out)?;
            }
            if !a.noout {
                note(format_args!("writing RSA key"));
                write_key(&mut out, &key, &a, which)?;
            }
        }
        Which::Pkey => {
            if a.check {
                check(&mut out)?;
            }
            if a.pubcheck {
                // The RSA public key was checked when it was read (modulus, exponent).
                out.line(format_args!("Key is valid"));
            }
            if !a.noout {
                write_key(&mut out, &key, &a, which)?;
            }
            if a.text || a.text_pub {
                key_text(&mut out)?;
            }
        }
    }
    let mode = if secret_out {
        Mode::Private
    } else {
        Mode::Public
    };
    if a.out.is_some() && out.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    match mode {
        Mode::Private => out.deliver_key(a.out.as_deref(), a.input.as_deref())?,
        Mode::Public => out.deliver(a.out.as_deref(), mode)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// OpenSSL 3 writes PKCS#8 unless `-traditional`, except `pkey -outform DER`, which writes
/// PKCS#1.
fn write_key(out: &mut Output, key: &Key, a: &Args, which: Which) -> Result<(), Fail> {
    let form = a.outform;
    let public = a.pubout || matches!(key, Key::Public(_));
    match key {
        Key::Private(k) if !public => {
            if let Some(c) = a.cipher {
                if form == Format::Der && which == Which::Pkey {
                    return Err(Fail::msg(
                        "Cipher options are supported only for PEM output",
                    ));
                }
                if form == Format::Der && a.traditional {
                    return Err(Fail::msg(
                        "-traditional -outform DER cannot be encrypted (OpenSSL writes an \
                         encrypted key as PEM, or as PKCS#8 DER)",
                    ));
                }
                if form == Format::Pem {
                    out.text(&a.pass.key_pem(k, Some(c), a.traditional)?);
                } else {
                    let der =
                        pki_core::pbe::encrypt_pkcs8(&k.to_pkcs8_der()?, c, &a.pass.output()?)?;
                    out.bytes(&der);
                }
                return Ok(());
            }
            let pkcs1 = a.traditional || (which == Which::Pkey && form == Format::Der);
            let (label, der) = if pkcs1 {
                (pem::RSA_PRIVATE_KEY, k.to_pkcs1_der()?)
            } else {
                (pem::PRIVATE_KEY, k.to_pkcs8_der()?)
            };
            match form {
                Format::Pem => out.text(&Zeroizing::new(pem::encode(label, &der))),
                Format::Der => out.bytes(&der),
            }
        }
        _ => {
            let spki = match key {
                Key::Private(k) => k.public_key_info()?,
                Key::Public(k) => k.to_spki()?,
            };
            match form {
                Format::Pem => out.text(&spki_pem(&spki)?),
                Format::Der => out.bytes(
                    &spki
                        .to_der()
                        .map_err(|e| Fail::msg(format!("cannot encode the public key: {e}")))?,
                ),
            }
        }
    }
    Ok(())
}
