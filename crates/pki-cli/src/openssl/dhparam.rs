//! `openssl dhparam [-in F] [-out F] [-text] [-noout] [-check] [-2] [NUMBITS]`: new
//! Diffie-Hellman parameters (a safe prime, generator 2), or reading and checking them
//! ([`pki_core::dh`]).

use std::process::ExitCode;

use pki_core::{dh::Params, pem, text::hex_block};

use super::{Fail, Format, Opt, Output, note, parse, read_input_as};

const OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::value(
        "in",
        "infile",
        "Input file: parameters to read (else new ones are made)",
    ),
    Opt::value(
        "inform",
        "PEM|DER",
        "Input format (detected when not given)",
    ),
    Opt::value("out", "outfile", "Output file"),
    Opt::value("outform", "PEM|DER", "Output format (default PEM)"),
    Opt::flag("text", "Print the parameters in text form"),
    Opt::flag("noout", "Do not output the parameters"),
    Opt::flag("check", "Check the parameters (DH_check)"),
    Opt::flag("2", "Generator 2 (the default, and the only one pki makes)"),
];

/// `dhparam`'s options, read once.
#[derive(Debug)]
struct Args {
    input: Option<String>,
    inform: Option<Format>,
    out: Option<String>,
    outform: Format,
    text: bool,
    noout: bool,
    check: bool,
    bits: u32,
}

impl Args {
    fn parse(args: &[String]) -> Result<Option<Args>, Fail> {
        let p = parse("dhparam", " [numbits]", OPTS, args)?;
        if p.help {
            return Ok(None);
        }
        let bits = match p.params.as_slice() {
            [] => 2048,
            [n] if p.value("in").is_none() => n
                .parse()
                .map_err(|_| Fail::Usage(format!("Invalid number of bits {n:?}")))?,
            _ => return Err(Fail::Usage("Extra arguments given.".into())),
        };
        Ok(Some(Args {
            input: p.value("in").map(str::to_owned),
            inform: p
                .value("inform")
                .map(|_| Format::from_opt(&p, "inform"))
                .transpose()?,
            out: p.value("out").map(str::to_owned),
            outform: Format::from_opt(&p, "outform")?,
            text: p.flag("text"),
            noout: p.flag("noout"),
            check: p.flag("check"),
            bits,
        }))
    }
}

/// `-text`, as OpenSSL's `DHparams_print`.
fn text(params: &Params) -> String {
    let mut p = params.p.clone();
    if p.first().is_some_and(|b| b & 0x80 != 0) {
        p.insert(0, 0);
    }
    let g = params.g.iter().fold(0u128, |acc, b| {
        acc.saturating_mul(256).saturating_add(u128::from(*b))
    });
    format!(
        "    DH Parameters: ({} bit)\n    P:   \n{}    G:    {g} (0x{g:x})\n",
        params.bits(),
        hex_block(&p, 15, 8)
    )
}

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let Some(a) = Args::parse(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let params = match &a.input {
        Some(_) => {
            let (bytes, path) = read_input_as(a.input.as_deref(), a.inform)?;
            let der = if pem::is_pem(&bytes) {
                pem::decode_one(&bytes, &[pki_core::dh::LABEL])
                    .map_err(|e| e.in_file(&path))?
                    .1
            } else {
                bytes
            };
            Params::from_der(&der).map_err(|e| e.in_file(&path))?
        }
        None => {
            note(format_args!(
                "Generating DH parameters, {} bit long safe prime",
                a.bits
            ));
            Params::generate(a.bits)?
        }
    };
    if a.check {
        let problems = params.check();
        if !problems.is_empty() {
            for p in &problems {
                note(format_args!("WARNING: {p}"));
            }
            return Err(Fail::Plain("ERROR: Invalid parameters!".into()));
        }
        note(format_args!("DH parameters appear to be ok."));
    }
    let mut out = Output::default();
    if a.text {
        out.text(&text(&params));
    }
    if !a.noout {
        let der = params.to_der()?;
        match a.outform {
            Format::Pem => out.text(&pem::encode(pki_core::dh::LABEL, &der)),
            Format::Der => out.bytes(&der),
        }
    }
    out.deliver(a.out.as_deref(), pki_core::files::Mode::Public)?;
    Ok(ExitCode::SUCCESS)
}
