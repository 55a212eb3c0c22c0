//! `openssl asn1parse`: the DER structure of a file ([`pki_core::asn1parse`]), with `-i`,
//! `-dump`, `-dlimit`, `-offset`, `-length` and `-strparse`, as OpenSSL 3.0 prints it.

use std::process::ExitCode;

use pki_core::{asn1parse, pem};
use zeroize::Zeroizing;

use super::{Fail, Opt, Output, parse, read_input};

const OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::value("in", "infile", "Input file (default stdin)"),
    Opt::value(
        "inform",
        "PEM|DER|B64",
        "Input format (default PEM: the first block, any label; DER is also recognised)",
    ),
    Opt::value(
        "out",
        "outfile",
        "Write the DER parsed (after -strparse) to this file",
    ),
    Opt::flag("noout", "Do not print the structure"),
    Opt::value(
        "offset",
        "+int",
        "Offset into the input to start parsing at",
    ),
    Opt::value("length", "+int", "Number of bytes to parse"),
    Opt::flag("i", "Indent the types by depth"),
    Opt::flag(
        "dump",
        "Hex dump the contents of unknown and non-printable strings",
    ),
    Opt::value("dlimit", "+int", "Dump at most this many bytes of each"),
    Opt::value(
        "strparse",
        "+int",
        "Parse the contents of the object at this offset (repeatable)",
    ),
];

fn number(p: &super::Parsed, name: &str) -> Result<Option<usize>, Fail> {
    p.value(name)
        .map(|v| {
            v.parse::<usize>().map_err(|_| {
                Fail::Usage(format!("Invalid value {v:?} for -{name}: a whole number"))
            })
        })
        .transpose()
}

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let p = parse("asn1parse", "", OPTS, args)?;
    if p.help {
        return Ok(ExitCode::SUCCESS);
    }
    p.no_params()?;
    let (bytes, path) = read_input(p.value("in"))?;
    let bytes = Zeroizing::new(bytes);
    let name = path.display().to_string();
    let inform = p.value("inform").unwrap_or("PEM");
    let der: Zeroizing<Vec<u8>> = if inform.eq_ignore_ascii_case("DER") {
        Zeroizing::new(bytes.to_vec())
    } else if inform.eq_ignore_ascii_case("B64") {
        use base64ct::{Base64, Encoding};
        let text: String = String::from_utf8_lossy(&bytes)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        Zeroizing::new(
            Base64::decode_vec(&text).map_err(|_| Fail::msg(format!("{name}: not base64")))?,
        )
    } else if inform.eq_ignore_ascii_case("PEM") {
        if pem::is_pem(&bytes) {
            let blocks = pem::decode_all(&bytes).map_err(|e| e.in_file(&name))?;
            let mut blocks = blocks.into_iter();
            let first = blocks.next().map(|b| b.der).unwrap_or_default();
            for mut b in blocks {
                zeroize::Zeroize::zeroize(&mut b.der);
            }
            Zeroizing::new(first)
        } else {
            Zeroizing::new(bytes.to_vec())
        }
    } else {
        return Err(Fail::Usage(format!(
            "Invalid format {inform:?} for -inform: PEM, DER or B64"
        )));
    };
    let offset = number(&p, "offset")?.unwrap_or(0);
    let length = number(&p, "length")?;
    let mut data: Vec<u8> = der.to_vec();
    for s in p.values("strparse") {
        let off: usize = s
            .parse()
            .map_err(|_| Fail::Usage(format!("Invalid value {s:?} for -strparse")))?;
        data = asn1parse::strparse(&data, off)?;
    }
    let end = match length {
        Some(l) => offset.checked_add(l).filter(|e| *e <= data.len()),
        None => Some(data.len()),
    };
    let region = end
        .filter(|e| offset <= *e)
        .and_then(|e| data.get(offset..e))
        .ok_or_else(|| Fail::msg(format!("{name}: -offset/-length past the end of the input")))?;
    let opts = asn1parse::Options {
        indent: p.flag("i"),
        dump: if p.flag("dump") || p.flag("dlimit") {
            Some(number(&p, "dlimit")?)
        } else {
            None
        },
    };
    if let Some(out) = p.value("out") {
        let mut o = Output::default();
        o.bytes(region);
        o.deliver(Some(out), pki_core::files::Mode::Public)?;
    }
    if !p.flag("noout") {
        let (text, result) = asn1parse::parse(region, &opts);
        let mut o = Output::default();
        o.bytes(&text);
        if let Err(e) = result {
            // OpenSSL: the error on stderr, `Error in encoding` after the listing, exit 1.
            o.line(format_args!("Error in encoding"));
            o.print_stdout();
            return Err(match e {
                pki_core::Error::Refused { message, .. } => Fail::msg(message),
                other => other.into(),
            });
        }
        o.print_stdout();
    }
    Ok(ExitCode::SUCCESS)
}
