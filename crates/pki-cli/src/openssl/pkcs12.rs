//! `openssl pkcs12`: `-export` makes a PKCS#12 file from a key and certificates, as OpenSSL
//! 3.0's `PKCS12_create` with its defaults ([`pki_core::pkcs12`]); without `-export` a file
//! is read and its certificates and keys printed as PEM, with OpenSSL's `Bag Attributes`.

use std::process::ExitCode;

use pki_core::{
    cert, name, pem,
    pkcs12::{self, Attributes, Export},
};
use x509_cert::Certificate;
use zeroize::Zeroizing;

use super::{
    Fail, Opt, Output, note, parse,
    pass::{PASSIN, PASSOUT, Pass},
    read_input,
};

const OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::flag("export", "Create a PKCS#12 file"),
    Opt::value(
        "in",
        "infile",
        "Input: PKCS#12 to read; with -export, certificates and maybe the key (PEM)",
    ),
    Opt::value("out", "outfile", "Output file"),
    Opt::value(
        "inkey",
        "val",
        "With -export: the private key (else from -in)",
    ),
    Opt::value(
        "certfile",
        "infile",
        "With -export: more certificates to add",
    ),
    Opt::value(
        "name",
        "val",
        "With -export: the friendlyName of the key and its certificate",
    ),
    Opt::flag("nokeys", "Do not write or read private keys"),
    Opt::flag("nocerts", "Reading: do not print certificates"),
    Opt::flag(
        "clcerts",
        "Reading: only the certificates of keys (with localKeyID)",
    ),
    Opt::flag("cacerts", "Reading: only the other certificates"),
    Opt::flag("nodes", "Reading: do not encrypt the private keys printed"),
    Opt::flag("noenc", "Reading: do not encrypt the private keys printed"),
    Opt::flag(
        "info",
        "Reading: print how the file is protected (to stderr)",
    ),
    Opt::flag("noout", "Reading: print no certificates or keys"),
    Opt::value(
        "iter",
        "+int",
        "With -export: PBKDF2 and MAC iterations (default 2048)",
    ),
    Opt::value(
        "password",
        "val",
        "The PKCS#12 password source (-passin reading, -passout with -export)",
    ),
    PASSIN,
    PASSOUT,
];

/// `pkcs12`'s options, read once.
#[derive(Debug)]
struct Args {
    export: bool,
    input: Option<String>,
    out: Option<String>,
    inkey: Option<String>,
    certfile: Option<String>,
    name: Option<String>,
    nokeys: bool,
    nocerts: bool,
    clcerts: bool,
    cacerts: bool,
    nodes: bool,
    info: bool,
    noout: bool,
    iterations: u32,
    pass: Pass,
}

impl Args {
    fn parse(args: &[String]) -> Result<Option<Args>, Fail> {
        let p = parse("pkcs12", "", OPTS, args)?;
        if p.help {
            return Ok(None);
        }
        p.no_params()?;
        let export = p.flag("export");
        let only = |names: &[&str], with: &str| -> Result<(), Fail> {
            for n in names {
                if p.flag(n) {
                    return Err(Fail::Usage(format!("-{n} is used only {with}")));
                }
            }
            Ok(())
        };
        if export {
            only(
                &[
                    "nocerts", "clcerts", "cacerts", "nodes", "noenc", "info", "noout",
                ],
                "when reading (without -export)",
            )?;
        } else {
            only(&["inkey", "certfile", "name", "iter"], "with -export")?;
        }
        // -password is the PKCS#12 file's: the input when reading, the output exporting.
        let (passin, passout) = match (p.value("password"), export) {
            (Some(pw), false) => (Some(pw), p.value("passout")),
            (Some(pw), true) => (p.value("passin"), Some(pw)),
            (None, _) => (p.value("passin"), p.value("passout")),
        };
        let iterations = match p.value("iter") {
            None => pkcs12::ITERATIONS,
            Some(v) => v.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                Fail::Usage(format!(
                    "Invalid value {v:?} for -iter: a whole number, 1 or more"
                ))
            })?,
        };
        Ok(Some(Args {
            export,
            input: p.value("in").map(str::to_owned),
            out: p.value("out").map(str::to_owned),
            inkey: p.value("inkey").map(str::to_owned),
            certfile: p.value("certfile").map(str::to_owned),
            name: p.value("name").map(str::to_owned),
            nokeys: p.flag("nokeys"),
            nocerts: p.flag("nocerts"),
            clcerts: p.flag("clcerts"),
            cacerts: p.flag("cacerts"),
            nodes: p.flag("nodes") || p.flag("noenc"),
            info: p.flag("info"),
            noout: p.flag("noout"),
            iterations,
            pass: Pass::from_sources(passin, passout)?,
        }))
    }
}

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let Some(mut a) = Args::parse(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    if a.export { export(&a) } else { read(&mut a) }
}

/// Every certificate of a PEM input, in order.
fn certificates(bytes: &[u8], name: &str) -> Result<Vec<Certificate>, Fail> {
    if !pem::is_pem(bytes) {
        return Ok(vec![cert::decode(bytes).map_err(|e| e.in_file(name))?]);
    }
    let blocks = pem::decode_all(bytes).map_err(|e| e.in_file(name))?;
    let mut certs = Vec::new();
    for b in blocks {
        if b.label == pem::CERTIFICATE || b.label == "TRUSTED CERTIFICATE" {
            let pem = pem::encode(pem::CERTIFICATE, &b.der);
            certs.push(cert::decode(pem.as_bytes()).map_err(|e| e.in_file(name))?);
        } else {
            let mut der = b.der;
            zeroize::Zeroize::zeroize(&mut der);
        }
    }
    Ok(certs)
}

fn export(a: &Args) -> Result<ExitCode, Fail> {
    let (bytes, path) = read_input(a.input.as_deref())?;
    let bytes = Zeroizing::new(bytes);
    let in_name = path.display().to_string();
    let key = if a.nokeys {
        None
    } else {
        Some(match &a.inkey {
            Some(k) => a.pass.load_key(k)?,
            None => a.pass.decode_key(&bytes, &in_name)?,
        })
    };
    let mut certs = certificates(&bytes, &in_name)?;
    if let Some(f) = &a.certfile {
        let more = Zeroizing::new(pki_core::files::read(std::path::Path::new(f))?);
        certs.extend(certificates(&more, f)?);
    }
    // The certificate of the key goes first, with the attributes (apps/pkcs12.c).
    let leaf = match &key {
        Some(k) => {
            let i = certs
                .iter()
                .position(|c| k.matches(c.tbs_certificate().subject_public_key_info()))
                .ok_or_else(|| Fail::msg("No certificate matches private key"))?;
            Some(certs.remove(i))
        }
        None => None,
    };
    let pass = a.pass.output_asking("Enter Export Password:", 0)?;
    let der = pkcs12::export(
        &Export {
            key: key.as_ref(),
            leaf: leaf.as_ref(),
            others: &certs,
            name: a.name.as_deref(),
            iterations: a.iterations,
        },
        &pass,
    )?;
    let mut out = Output::default();
    out.bytes(&der);
    // The file holds a private key, encrypted: created 0600, never over another file.
    match key {
        Some(_) => out.deliver(a.out.as_deref(), pki_core::files::Mode::Private)?,
        None => out.deliver(a.out.as_deref(), pki_core::files::Mode::Public)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `Bag Attributes` as OpenSSL's `print_attribs` writes them.
fn attributes(out: &mut Output, title: &str, a: &Attributes) {
    if a.is_empty() {
        out.line(format_args!("{title}: <No Attributes>"));
        return;
    }
    out.line(format_args!("{title}"));
    if let Some(n) = &a.friendly_name {
        out.line(format_args!("    friendlyName: {n}"));
    }
    if let Some(id) = &a.local_key_id {
        let hex: String = id.iter().map(|b| format!("{b:02X} ")).collect();
        out.line(format_args!("    localKeyID: {hex}"));
    }
}

fn read(a: &mut Args) -> Result<ExitCode, Fail> {
    let (bytes, path) = read_input(a.input.as_deref())?;
    let name = path.display().to_string();
    let pass = a.pass.input_asking("Enter Import Password:").map_err(|_| {
        Fail::msg(
            "a PKCS#12 file needs its password: give it with -passin (pass:, env:, file:, fd:, \
             stdin); there is no terminal to ask on",
        )
    })?;
    let contents = pkcs12::parse(&bytes, &pass).map_err(|e| e.in_file(&name))?;
    if a.info {
        for line in &contents.info {
            note(format_args!("{line}"));
        }
    }
    let mut out = Output::default();
    let want_keys = !a.nokeys;
    if !a.noout {
        if !a.nodes && want_keys && !contents.keys.is_empty() {
            // Keys printed encrypted, AES-256-CBC as OpenSSL 3's pkcs12 does: the passphrase
            // asked once, before anything is printed.
            a.pass
                .ready_output(Some(pki_core::pbe::Cipher::Aes256Cbc))?;
        }
        for &(is_key, i) in &contents.order {
            if is_key {
                if !want_keys {
                    continue;
                }
                let k = &contents.keys[i];
                attributes(&mut out, "Bag Attributes", &k.attributes);
                out.line(format_args!("Key Attributes: <No Attributes>"));
                let cipher = (!a.nodes).then_some(pki_core::pbe::Cipher::Aes256Cbc);
                out.text(&a.pass.key_pem(&k.key, cipher, false)?);
            } else {
                let c = &contents.certs[i];
                let of_key = c.attributes.local_key_id.is_some();
                if a.nocerts || (a.clcerts && !of_key) || (a.cacerts && of_key) {
                    continue;
                }
                attributes(&mut out, "Bag Attributes", &c.attributes);
                let tbs = c.cert.tbs_certificate();
                out.line(format_args!(
                    "subject={}",
                    name::to_openssl_string(tbs.subject())
                ));
                out.line(format_args!(
                    "issuer={}",
                    name::to_openssl_string(tbs.issuer())
                ));
                out.text(&cert::to_pem(&c.cert)?);
            }
        }
    }
    let holds_key = want_keys && !contents.keys.is_empty() && !a.noout;
    if holds_key {
        out.deliver(a.out.as_deref(), pki_core::files::Mode::Private)?;
    } else {
        out.deliver(a.out.as_deref(), pki_core::files::Mode::Public)?;
    }
    Ok(ExitCode::SUCCESS)
}
