//! `openssl verify -CAfile CA [-untrusted F] [-purpose sslclient|sslserver]
//! [-verify_hostname H] [-verify_email E] [-verify_ip IP] CERT...`: reads the files and hands
//! each certificate to [`pki_core::verify::verify`], which builds its chain to a certificate
//! of `-CAfile` and checks it the way OpenSSL 3's `X509_verify_cert` does, in its order: CA
//! flags, purpose and path length, host name and address, then from the top down each
//! signature and validity period. The first error is reported with OpenSSL's number and
//! text (`error 20 at 0 depth lookup: unable to get local issuer certificate`); the exit
//! status is 2 when a certificate fails, as OpenSSL's.

use std::{net::IpAddr, process::ExitCode, time::SystemTime};

use pki_core::{
    cert, name,
    verify::{self, Params, Purpose},
};

use super::{Fail, Opt, Output, load, note, parse, read_input};

const OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::value(
        "CAfile",
        "infile",
        "Trusted certificates (PEM bundle); required",
    ),
    Opt::value(
        "untrusted",
        "infile",
        "Intermediate certificates to build the chain with (repeatable)",
    ),
    Opt::value("purpose", "val", "sslclient or sslserver"),
    Opt::value("verify_hostname", "val", "Expected peer host name"),
    Opt::value("verify_email", "val", "Expected peer e-mail address"),
    Opt::value("verify_ip", "val", "Expected peer IP address"),
    Opt::flag(
        "show_chain",
        "Print the chain of each certificate that verifies",
    ),
];

pub(super) fn run(args: &[String]) -> Result<ExitCode, Fail> {
    let p = parse("verify", " [cert...]", OPTS, args)?;
    if p.help {
        return Ok(ExitCode::SUCCESS);
    }
    let cafile = p.value("CAfile").ok_or_else(|| {
        Fail::Usage(
            "-CAfile is required: pki does not read the system trust store (-CApath, \
             default locations)"
                .into(),
        )
    })?;
    let trusted = load(cafile, cert::decode_all)?;
    let mut untrusted = Vec::new();
    for f in p.values("untrusted") {
        untrusted.extend(load(f, cert::decode_all)?);
    }
    let purpose = match p.value("purpose") {
        None => None,
        Some("sslclient") => Some(Purpose::SslClient),
        Some("sslserver") => Some(Purpose::SslServer),
        Some(other) => {
            return Err(Fail::Usage(format!(
                "-purpose {other} is not supported by pki: use sslclient or sslserver"
            )));
        }
    };
    let ip = match p.value("verify_ip") {
        None => None,
        Some(ip) => Some(
            ip.parse::<IpAddr>()
                .map_err(|_| Fail::Usage(format!("Invalid IP address {ip:?} for -verify_ip")))?,
        ),
    };
    let params = Params {
        purpose,
        host: p.value("verify_hostname"),
        email: p.value("verify_email"),
        ip,
        ..Params::new(&trusted, &untrusted, SystemTime::now())
    };
    let inputs: Vec<Option<&str>> = if p.params.is_empty() {
        vec![None]
    } else {
        p.params.iter().map(|s| Some(s.as_str())).collect()
    };
    let mut failed = false;
    for input in inputs {
        let label = input.unwrap_or("stdin");
        let leaf = match read_input(input).and_then(|(bytes, path)| {
            Ok(super::x509::first_certificate(&bytes).map_err(|e| e.in_file(&path))?)
        }) {
            Ok(c) => c,
            Err(Fail::Error(m) | Fail::Usage(m) | Fail::Plain(m)) => {
                note(format_args!(
                    "verify: {m}\nUnable to load certificate file {label}"
                ));
                failed = true;
                continue;
            }
        };
        match verify::verify(&leaf, &params) {
            Ok(chain) => {
                let mut o = Output::default();
                o.line(format_args!("{label}: OK"));
                if p.flag("show_chain") {
                    o.line(format_args!("Chain:"));
                    for (depth, c) in chain.iter().enumerate() {
                        let trusted = params.trusted.iter().any(|t| verify::same(t, c));
                        o.line(format_args!(
                            "depth={depth}: {}{}",
                            name::to_openssl_string(c.tbs_certificate().subject()),
                            if trusted { "" } else { " (untrusted)" }
                        ));
                    }
                }
                o.print_stdout();
            }
            Err(e) => {
                let subject = e
                    .chain
                    .get(e.depth)
                    .map(|c| name::to_openssl_string(c.tbs_certificate().subject()))
                    .unwrap_or_default();
                note(format_args!(
                    "{subject}\n{e}\nerror {label}: verification failed"
                ));
                failed = true;
            }
        }
    }
    Ok(ExitCode::from(if failed { 2 } else { 0 }))
}
