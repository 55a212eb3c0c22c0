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

use pki_core::name::NameOpt;

use pki_core::pbe::Cipher;

use super::{Fail, Format, Opt, Output, load_conf, note, parse, pass::Pass, read_input_as};

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
        "Private key to use (PEM or DER; encrypted: see -passin)",
    ),
    Opt::value(
        "newkey",
        "rsa:bits",
        "Generate a new RSA key of 2048, 3072 or 4096 bits",
    ),
    Opt::flag("nodes", "Do not encrypt the new key"),
    Opt::flag("noenc", "Do not encrypt the new key"),
    Opt::value(
        "passin",
        "val",
        "Pass phrase source of -key (default: the config's input_password)",
    ),
    Opt::value(
        "passout",
        "val",
        "Pass phrase source of the new key (default: the config's output_password)",
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
    Opt::value(
        "config",
        "infile",
        "Request template file (default: Debian's openssl.cnf, built in)",
    ),
    Opt::value("section", "val", "Config section to read instead of [req]"),
    Opt::flag(
        "batch",
        "Do not ask: take the subject from the config's _default values",
    ),
    Opt::flag("utf8", "Input characters are UTF-8 (always so in pki)"),
    Opt::value(
        "outform",
        "PEM|DER",
        "Output format of the request or certificate (default PEM)",
    ),
    Opt::value(
        "inform",
        "PEM|DER",
        "Input format of -in (detected when not given)",
    ),
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
    Opt::flag("sha256", "Sign with SHA-256 (the default)"),
    Opt::flag("sha384", "Sign with SHA-384"),
    Opt::flag("sha512", "Sign with SHA-512"),
    Opt::flag(
        "sha1",
        "Sign with SHA-1: refused, pki makes no SHA-1 signatures",
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
        "How names print: oneline (the default), RFC2253, multiline, compat, utf8, sep_multiline, ...",
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
    outform: Format,
    /// `-inform`: DER given for PEM input is an error, as in OpenSSL.
    inform: Format,
    config: Option<String>,
    /// `-sha256`/`-sha384`/`-sha512`; without one, the config's `default_md`.
    digest: Option<pki_core::key::Digest>,
    /// `-section`: the config section read instead of `[req]`.
    section: String,
    batch: bool,
    /// `-days` given without `-x509`: OpenSSL's warning, and on.
    days_ignored: bool,
    /// `-key FILE`.
    key: Option<String>,
    /// `-newkey`: the size of the RSA key to make.
    newkey: Option<KeyBits>,
    /// `-nodes` / `-noenc`.
    nodes: bool,
    passin: Option<String>,
    passout: Option<String>,
    keyout: Option<String>,
    subj: Option<String>,
    days: u32,
    set_serial: Option<Vec<u8>>,
    /// `-extensions` or `-reqexts`, the last given.
    extensions: Option<String>,
    addext: Vec<String>,
    name_form: NameOpt,
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

        if !x509 && p.flag("set_serial") {
            return Err(Fail::Usage(
                "-set_serial is used only with -x509 (a request has no serial)".into(),
            ));
        }
        if p.flag("keyout") && (p.flag("key") || !new) {
            return Err(Fail::Usage(
                "-keyout is used only for a new key (-newkey, or -new without -key); pki \
                 does not rewrite a key given with -key"
                    .into(),
            ));
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
        let newkey = p.value("newkey").map(newkey_bits).transpose()?;
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
            outform: Format::from_opt(&p, "outform")?,
            inform: Format::from_opt(&p, "inform")?,
            config: owned("config"),
            section: p.value("section").unwrap_or("req").to_owned(),
            digest: match super::last_digest(&p) {
                None => None,
                Some(_) => Some(super::signing_digest(&p, pki_core::key::Digest::Sha256)?),
            },
            batch: p.flag("batch"),
            days_ignored: !x509 && p.flag("days"),
            key: owned("key"),
            newkey,
            nodes: p.flag("nodes") || p.flag("noenc"),
            passin: owned("passin"),
            passout: owned("passout"),
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

/// `-newkey rsa:BITS` (or `rsa`, or `BITS`).
fn newkey_bits(spec: &str) -> Result<KeyBits, Fail> {
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
    if a.days_ignored {
        note(format_args!(
            "Ignoring -days without -x509; not generating a certificate"
        ));
    }
    let conf = match &a.config {
        Some(path) => load_conf(path)?,
        None => openssl::req::system_conf()?,
    };
    let section = a.section.as_str();
    openssl::req::refuse_settings(&conf, section)?;
    let digest = a
        .digest
        .unwrap_or_else(|| openssl::req::default_md(&conf, section));
    // Where a key made here goes: -keyout, else the config's default_keyfile, else stdout.
    let keyout = a
        .keyout
        .clone()
        .or_else(|| openssl::req::default_keyfile(&conf, section).map(str::to_owned));
    // `-keyout F -out F`: the key, then what is made, in one file, 0600 (OpenSSL writes the
    // key first and appends; pki writes both at once, never half).
    let makes_key = a.key.is_none() && (a.newkey.is_some() || a.new);
    let combined = makes_key
        && keyout.is_some()
        && keyout.as_deref().map(Path::new) == a.out.as_deref().map(Path::new);
    let (literal_in, literal_out) = openssl::req::config_passwords(&conf, section);
    let mut pass = Pass::with_literals(
        a.passin.as_deref(),
        a.passout.as_deref(),
        literal_in,
        literal_out,
    )?;
    // A new key is encrypted (DES-EDE3-CBC, as OpenSSL 3.0's req) unless -noenc or the
    // config's encrypt_key = no.
    let cipher = (makes_key && !a.nodes && openssl::req::encrypt_key(&conf, section))
        .then_some(Cipher::DesEde3Cbc);
    let key = signing_key(&a, &conf, keyout.as_deref(), combined, &mut pass, cipher)?;
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
            None => openssl::req::config_subject(&conf, section, a.batch)?,
        };
        let key = key
            .as_ref()
            .ok_or_else(|| Fail::msg("no key to sign the request with"))?;
        if a.x509 {
            let exts =
                openssl::req::x509_extensions(&conf, section, a.extensions.as_deref(), &a.addext)?;
            Made::Cert(Box::new(
                CertBuilder::new(subject, key.public_key_info()?, serial()?, a.days)
                    .section(exts)
                    .digest(digest)
                    .self_signed(key)?,
            ))
        } else {
            let exts = openssl::req::request_extensions(
                &conf,
                section,
                a.extensions.as_deref(),
                &a.addext,
            )?;
            let req = csr::build_with(subject, key, &exts.specs, digest)?;
            if a.verify {
                csr::verify(&req)?;
                note(format_args!("Certificate request self-signature verify OK"));
            }
            Made::Req(Box::new(req))
        }
    } else {
        let (bytes, path) = read_input_as(a.input.as_deref(), Some(a.inform))?;
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
            let exts =
                openssl::req::x509_extensions(&conf, section, a.extensions.as_deref(), &a.addext)?;
            Made::Cert(Box::new(
                CertBuilder::new(req.info.subject, req.info.public_key, serial()?, a.days)
                    .section(exts)
                    .digest(digest)
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
            Made::Req(r) => text::request_with(r, a.name_form),
            Made::Cert(c) => text::certificate_with(&super::x509::view_of(c)?, a.name_form),
        });
    }
    if a.subject {
        let subject = match &made {
            Made::Req(r) => &r.info.subject,
            Made::Cert(c) => c.tbs_certificate().subject(),
        };
        out.line(format_args!(
            "{}",
            text::name_line("subject=", subject, a.name_form)
        ));
    }
    if !a.noout {
        match (a.outform, &made) {
            (Format::Pem, Made::Req(r)) => out.text(&csr::to_pem(r)?),
            (Format::Pem, Made::Cert(c)) => out.text(&cert::to_pem(c)?),
            (Format::Der, Made::Req(r)) => out.bytes(
                &der::Encode::to_der(r.as_ref())
                    .map_err(|e| Fail::msg(format!("cannot encode the request: {e}")))?,
            ),
            (Format::Der, Made::Cert(c)) => out.bytes(
                &der::Encode::to_der(c.as_ref())
                    .map_err(|e| Fail::msg(format!("cannot encode the certificate: {e}")))?,
            ),
        }
    }
    if combined && let Some(key) = &key {
        let mut both = Output::default();
        both.text(&pass.key_pem(key, cipher, false)?);
        both.append(out);
        both.deliver(a.out.as_deref(), Mode::Private)?;
        return Ok(ExitCode::SUCCESS);
    }
    out.deliver(a.out.as_deref(), Mode::Public)?;
    Ok(ExitCode::SUCCESS)
}

/// The key given with `-key`, or made (for `-newkey`, or `-new` without a key: the config's
/// `default_bits`) and written to `keyout` (or stdout; not yet when `combined` with `-out`).
fn signing_key(
    a: &Args,
    conf: &pki_core::conf::Conf,
    keyout: Option<&str>,
    combined: bool,
    pass: &mut Pass,
    cipher: Option<Cipher>,
) -> Result<Option<PrivateKey>, Fail> {
    if let Some(path) = &a.key {
        return Ok(Some(pass.load_key(path)?));
    }
    let bits = match a.newkey {
        Some(bits) => bits,
        None if a.new => KeyBits::new(openssl::req::default_bits(conf, &a.section)?)?,
        None => return Ok(None),
    };
    super::genrsa::refuse_existing(keyout)?;
    pass.ready_output(cipher)?;
    let key = PrivateKey::generate(bits)?;
    if !combined {
        let mut o = Output::default();
        o.text(&pass.key_pem(&key, cipher, false)?);
        o.deliver(keyout, Mode::Private)?;
    }
    Ok(Some(key))
}
