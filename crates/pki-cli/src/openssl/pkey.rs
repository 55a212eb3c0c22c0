//! `openssl rsa` and `openssl pkey`: read an RSA key, check it, print it, convert it.
//!
//! Both write unencrypted PKCS#8 (`PRIVATE KEY`) as OpenSSL 3 does, PKCS#1
//! (`RSA PRIVATE KEY`) with `-traditional`, SubjectPublicKeyInfo with `-pubout`. A private
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

use super::{Fail, Format, Opt, Output, note, parse, read_input};

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

/// The first PEM block with one of `labels`, alone; anything else as it is. OpenSSL reads the
/// first key of a file that also holds certificates (`x509 -pubkey` output, key bundles).
fn first_block(bytes: &[u8], labels: &[&str]) -> Zeroizing<Vec<u8>> {
    let found = pem::is_pem(bytes)
        .then(|| pem::decode_all(bytes).ok())
        .flatten()
        .and_then(|blocks| {
            blocks
                .into_iter()
                .find(|b| labels.contains(&b.label.as_str()))
                .map(|b| Zeroizing::new(pem::encode(&b.label, &Zeroizing::new(b.der)).into_bytes()))
        });
    found.unwrap_or_else(|| Zeroizing::new(bytes.to_vec()))
}

/// A private key, from the first private key block of a PEM input.
pub(super) fn decode_private_key(bytes: &[u8]) -> pki_core::Result<PrivateKey> {
    PrivateKey::decode(&first_block(
        bytes,
        &[
            pem::PRIVATE_KEY,
            pem::RSA_PRIVATE_KEY,
            pem::ENCRYPTED_PRIVATE_KEY,
        ],
    ))
}

/// A public key, from the first public key block of a PEM input.
fn decode_public_key(bytes: &[u8]) -> pki_core::Result<PublicKey> {
    PublicKey::decode(&first_block(bytes, &[pem::PUBLIC_KEY, pem::RSA_PUBLIC_KEY]))
}

enum Key {
    Private(Box<PrivateKey>),
    Public(PublicKey),
}

pub(super) fn run(which: Which, args: &[String]) -> Result<ExitCode, Fail> {
    let cmd = match which {
        Which::Rsa => "rsa",
        Which::Pkey => "pkey",
    };
    let table: Vec<Opt> = match which {
        Which::Rsa => OPTS.iter().chain(RSA_OPTS).copied().collect(),
        Which::Pkey => OPTS.iter().chain(PKEY_OPTS).copied().collect(),
    };
    let p = parse(cmd, "", &table, args)?;
    if p.help {
        return Ok(ExitCode::SUCCESS);
    }
    p.no_params()?;
    let inform = p
        .value("inform")
        .map(|_| Format::from_opt(&p, "inform"))
        .transpose()?;
    let outform = Format::from_opt(&p, "outform")?;
    let (bytes, path) = read_input(p.value("in"))?;
    if inform == Some(Format::Der) && pem::is_pem(&bytes) {
        return Err(Fail::msg(format!(
            "{}: -inform DER given, but the input is PEM",
            path.display()
        )));
    }
    let key = if p.flag("pubin") {
        Key::Public(decode_public_key(&bytes).map_err(|e| e.in_file(&path))?)
    } else {
        Key::Private(Box::new(
            decode_private_key(&bytes).map_err(|e| e.in_file(&path))?,
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
        match (&key, which, p.flag("pubout") || p.flag("text_pub")) {
            (Key::Private(_), Which::Pkey, true) | (Key::Public(_), _, _) => {
                out.text(&text::public_key(&public))
            }
            (Key::Private(k), _, _) => out.text(&text::private_key(k)?),
        }
        Ok(())
    };
    let secret_out = matches!(key, Key::Private(_))
        && ((!p.flag("pubout") && !p.flag("noout")) || p.flag("text"));
    match which {
        Which::Rsa => {
            if p.flag("text") {
                key_text(&mut out)?;
            }
            if p.flag("modulus") {
                out.line(format_args!("{}", text::modulus(&public)));
            }
            if p.flag("check") {
                check(&mut out)?;
            }
            if !p.flag("noout") {
                note(format_args!("writing RSA key"));
                write_key(&mut out, &key, &p, outform, which)?;
            }
        }
        Which::Pkey => {
            if p.flag("check") {
                check(&mut out)?;
            }
            if p.flag("pubcheck") {
                // The RSA public key was checked when it was read (modulus, exponent).
                out.line(format_args!("Key is valid"));
            }
            if !p.flag("noout") {
                write_key(&mut out, &key, &p, outform, which)?;
            }
            if p.flag("text") || p.flag("text_pub") {
                key_text(&mut out)?;
            }
        }
    }
    let mode = if secret_out {
        Mode::Private
    } else {
        Mode::Public
    };
    if p.flag("out") && out.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    out.deliver(p.value("out"), mode)?;
    Ok(ExitCode::SUCCESS)
}

/// OpenSSL 3 writes PKCS#8 unless `-traditional`, except `pkey -outform DER`, which writes
/// PKCS#1.
fn write_key(
    out: &mut Output,
    key: &Key,
    p: &super::Parsed,
    form: Format,
    which: Which,
) -> Result<(), Fail> {
    let public = p.flag("pubout") || matches!(key, Key::Public(_));
    match key {
        Key::Private(k) if !public => {
            let pkcs1 = p.flag("traditional") || (which == Which::Pkey && form == Format::Der);
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
