//! `openssl req`: new CSRs (`-new`), self-signed certificates (`-x509`), and reading CSRs
//! (`-in`, `-text`, `-verify`, `-subject`, `-pubkey`).
//!
//! Where the subject and the extensions come from is [`pki_core::openssl::req`]'s.

use std::{path::Path, process::ExitCode};

use pki_core::{
    cert::{self, CertBuilder},
    csr,
    files::Mode,
    key::{KeyBits, PrivateKey},
    name, openssl, serial, text,
};

use pki_core::text::NameForm;

use super::{Fail, Opt, Output, Parsed, load, load_conf, note, parse, read_input};

const OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::flag("new", "New request"),
    Opt::flag(
        "x509",
        "Output a self-signed certificate instead of a request",
    ),
    Opt::value(
        "key",
        "file",
        "Private key to use (PEM or DER, unencrypted)",
    ),
    Opt::value(
        "newkey",
        "rsa:bits",
        "Generate a new RSA key of 2048, 3072 or 4096 bits",
    ),
    Opt::flag(
        "nodes",
        "Do not encrypt the new key (required with -newkey)",
    ),
    Opt::flag(
        "noenc",
        "Do not encrypt the new key (required with -newkey)",
    ),
    Opt::value(
        "keyout",
        "outfile",
        "File for the new key (created 0600; an existing file is refused)",
    ),
    Opt::value("subj", "val", "Subject, as /C=CN/O=Example/CN=name"),
    Opt::value(
        "days",
        "+int",
        "Days the -x509 certificate is valid (default 30)",
    ),
    Opt::value(
        "set_serial",
        "val",
        "Serial of the -x509 certificate (decimal, or hex with 0x; default random)",
    ),
    Opt::value("config", "infile", "Request template file (openssl.conf)"),
    Opt::value(
        "extensions",
        "val",
        "Certificate or request extension section (overrides the config)",
    ),
    Opt::value("reqexts", "val", "Same as -extensions"),
    Opt::value(
        "addext",
        "val",
        "Additional extension, as name=value (repeatable)",
    ),
    Opt::flag(
        "sha256",
        "Sign with SHA-256 (the default, and the only digest)",
    ),
    Opt::value("in", "infile", "Request input file (default stdin)"),
    Opt::value(
        "out",
        "outfile",
        "Output file (replaced if it exists; default stdout)",
    ),
    Opt::flag("text", "Text form of the request or certificate"),
    Opt::flag("noout", "Do not output the request or certificate"),
    Opt::flag("verify", "Verify the self-signature of the request"),
    Opt::flag("pubkey", "Output the public key"),
    Opt::flag("subject", "Output the subject"),
    Opt::value(
        "nameopt",
        "val",
        "How -subject prints the name: oneline, RFC2253 or compat",
    ),
];

/// What `req` made or read: a request or a certificate.
enum Made {
    Req(Box<x509_cert::request::CertReq>),
    Cert(Box<x509_cert::Certificate>),
}

/// `req`'s options, read once from the command line.
#[derive(Debug)]
struct Args {
    new: bool,
    x509: bool,
    input: Option<String>,
    out: Option<String>,
    config: Option<String>,
    /// `-key FILE`.
    key: Option<String>,
    /// `-newkey`: the size of the RSA key to make.
    newkey: Option<KeyBits>,
    keyout: Option<String>,
    subj: Option<String>,
    days: u32,
    set_serial: Option<Vec<u8>>,
    /// `-extensions` or `-reqexts`, the last given.
    extensions: Option<String>,
    addext: Vec<String>,
    name_form: NameForm,
    text: bool,
    noout: bool,
    verify: bool,
    pubkey: bool,
    subject: bool,
}

impl Args {
    /// `None` for `-help`.
    fn parse(args: &[String]) -> Result<Option<Args>, Fail> {
        let p = parse("req", "", OPTS, args)?;
        if p.help {
            return Ok(None);
        }
        p.no_params()?;
        let name_form = super::name_form(&p)?;
        let x509 = p.flag("x509");
        let input = p.value("in");
        let new = p.flag("new") || p.flag("newkey") || (x509 && input.is_none());
        if new && input.is_some() {
            return Err(Fail::Usage(
                "-in cannot be combined with -new or -newkey (OpenSSL would ignore -in)".into(),
            ));
        }
        if !x509 && p.flag("days") {
            return Err(Fail::Usage(
                "-days is used only with -x509 (a request has no validity)".into(),
            ));
        }
        if !x509 && p.flag("set_serial") {
            return Err(Fail::Usage(
                "-set_serial is used only with -x509 (a request has no serial)".into(),
            ));
        }
        if p.flag("keyout") && !p.flag("newkey") {
            return Err(Fail::Usage("-keyout is used only with -newkey".into()));
        }
        let ext_opts = p.flag("extensions") || p.flag("reqexts") || p.flag("addext");
        if !new && !x509 && (p.flag("key") || p.flag("subj") || ext_opts) {
            return Err(Fail::Usage(
                "-key, -subj, -extensions, -reqexts and -addext need -new or -x509".into(),
            ));
        }
        if x509 && p.flag("verify") && new {
            return Err(Fail::Usage(
                "-verify checks a request read with -in; with -new -x509 there is none".into(),
            ));
        }
        if p.flag("key") && p.flag("newkey") {
            return Err(Fail::Usage("give -key or -newkey, not both".into()));
        }
        let newkey = p
            .value("newkey")
            .map(|spec| newkey_bits(&p, spec))
            .transpose()?;
        let extensions = match (p.position("extensions"), p.position("reqexts")) {
            (Some(e), Some(r)) if r > e => p.value("reqexts"),
            (None, Some(_)) => p.value("reqexts"),
            _ => p.value("extensions"),
        };
        let owned = |name: &str| p.value(name).map(str::to_owned);
        Ok(Some(Args {
            new,
            x509,
            input: input.map(str::to_owned),
            out: owned("out"),
            config: owned("config"),
            key: owned("key"),
            newkey,
            keyout: owned("keyout"),
            subj: owned("subj"),
            days: if x509 { p.days("days", 30)? } else { 30 },
            set_serial: p
                .value("set_serial")
                .map(openssl::parse_set_serial)
                .transpose()?,
            extensions: extensions.map(str::to_owned),
            addext: p.values("addext").into_iter().map(str::to_owned).collect(),
            name_form,
            text: p.flag("text"),
            noout: p.flag("noout"),
            verify: p.flag("verify"),
            pubkey: p.flag("pubkey"),
            subject: p.flag("subject"),
        }))
    }
}

/// `-newkey rsa:BITS` (or `rsa`, or `BITS`), which needs `-nodes`.
fn newkey_bits(p: &Parsed, spec: &str) -> Result<KeyBits, Fail> {
    if !p.flag("nodes") && !p.flag("noenc") {
        return Err(Fail::Usage(
            "-newkey needs -nodes (or -noenc): pki writes only unencrypted keys, never \
             prompting for a pass phrase"
                .into(),
        ));
    }
    let bits = match spec
        .split_once(':')
        .filter(|(alg, _)| alg.eq_ignore_ascii_case("rsa"))
    {
        Some((_, n)) => n.parse().ok(),
        None if spec.eq_ignore_ascii_case("rsa") => Some(KeyBits::DEFAULT.get()),
        None => spec.parse().ok(),
    };
    let bits = bits.ok_or_else(|| {
        Fail::msg(format!(
            "-newkey {spec} is not supported by pki: use rsa:2048, rsa:3072 or rsa:4096"
        ))
    })?;
    Ok(KeyBits::new(bits)?)
}

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let Some(a) = Args::parse(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let conf = a.config.as_deref().map(load_conf).transpose()?;
    if let Some(c) = &conf {
        openssl::req::refuse_settings(c)?;
    }
    let conf = conf.as_ref();
    // `-keyout F -out F`: the key, then what is made, in one file, 0600 (OpenSSL writes the
    // key first and appends; pki writes both at once, never half).
    let combined = a.newkey.is_some()
        && a.keyout.is_some()
        && a.keyout.as_deref().map(Path::new) == a.out.as_deref().map(Path::new);
    let key = signing_key(&a, combined)?;
    let serial = || -> Result<_, Fail> {
        let s = match &a.set_serial {
            Some(s) => s.clone(),
            None => serial::random()?,
        };
        Ok(serial::to_serial_number(&s)?)
    };
    let made = if a.new {
        let subject = match &a.subj {
            Some(subj) => name::parse_subj(subj).map_err(pki_core::Error::from)?,
            None => openssl::req::config_subject(conf)?,
        };
        let key = key.as_ref().ok_or_else(|| {
            Fail::Usage(
                "-key FILE or -newkey rsa:BITS is required (pki does not use default_bits or \
                 default_keyfile from openssl.cnf)"
                    .into(),
            )
        })?;
        if a.x509 {
            let exts = openssl::req::x509_extensions(conf, a.extensions.as_deref(), &a.addext)?;
            Made::Cert(Box::new(
                CertBuilder::new(subject, key.public_key_info()?, serial()?, a.days)
                    .section(exts)
                    .self_signed(key)?,
            ))
        } else {
            let exts = openssl::req::request_extensions(conf, a.extensions.as_deref(), &a.addext)?;
            let req = csr::build(subject, key, &exts.specs)?;
            if a.verify {
                csr::verify(&req)?;
                note(format_args!("Certificate request self-signature verify OK"));
            }
            Made::Req(Box::new(req))
        }
    } else {
        let (bytes, path) = read_input(a.input.as_deref())?;
        let req = csr::decode(&bytes).map_err(|e| e.in_file(&path))?;
        if a.verify {
            note(format_args!("Certificate request self-signature verify OK"));
        }
        if a.x509 {
            if a.subj.is_some() {
                return Err(Fail::Usage(
                    "-subj cannot change the subject of a request read with -in".into(),
                ));
            }
            let key = key.as_ref().ok_or_else(|| {
                Fail::Usage("-x509 with -in needs -key, the request's private key".into())
            })?;
            note(format_args!(
                "Warning: No -copy_extensions given; ignoring any extensions in the request"
            ));
            let exts = openssl::req::x509_extensions(conf, a.extensions.as_deref(), &a.addext)?;
            Made::Cert(Box::new(
                CertBuilder::new(req.info.subject, req.info.public_key, serial()?, a.days)
                    .section(exts)
                    .self_signed(key)?,
            ))
        } else {
            Made::Req(Box::new(req))
        }
    };

    let mut out = Output::default();
    if a.pubkey {
        let spki = match &made {
            Made::Req(r) => &r.info.public_key,
            Made::Cert(c) => c.tbs_certificate().subject_public_key_info(),
        };
        out.text(&super::pkey::spki_pem(spki)?);
    }
    if a.text {
        out.text(&match &made {
            Made::Req(r) => text::request(r),
            Made::Cert(c) => text::certificate(&super::x509::view_of(c)?),
        });
    }
    if a.subject {
        let subject = match &made {
            Made::Req(r) => &r.info.subject,
            Made::Cert(c) => c.tbs_certificate().subject(),
        };
        out.line(format_args!(
            "subject={}",
            text::name_as(subject, a.name_form)
        ));
    }
    if !a.noout {
        out.text(&match &made {
            Made::Req(r) => csr::to_pem(r)?,
            Made::Cert(c) => cert::to_pem(c)?,
        });
    }
    if combined && let Some(key) = &key {
        let mut both = Output::default();
        both.text(&key.to_pkcs8_pem()?);
        both.append(out);
        both.deliver(a.out.as_deref(), Mode::Private)?;
        return Ok(ExitCode::SUCCESS);
    }
    out.deliver(a.out.as_deref(), Mode::Public)?;
    Ok(ExitCode::SUCCESS)
}

/// The key given with `-key`, or made for `-newkey` and written to `-keyout` (or stdout;
/// not yet when `combined` with `-out`).
fn signing_key(a: &Args, combined: bool) -> Result<Option<PrivateKey>, Fail> {
    if let Some(path) = &a.key {
        return Ok(Some(load(path, openssl::first_private_key)?));
    }
    let Some(bits) = a.newkey else {
        return Ok(None);
    };
    super::genrsa::refuse_existing(a.keyout.as_deref())?;
    let key = PrivateKey::generate(bits)?;
    if !combined {
        let mut o = Output::default();
        o.text(&key.to_pkcs8_pem()?);
        o.deliver(a.keyout.as_deref(), Mode::Private)?;
    }
    Ok(Some(key))
}
