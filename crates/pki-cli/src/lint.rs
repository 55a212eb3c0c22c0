//! `pki lint FILE...`: what is wrong with each certificate, CSR and CRL, by rule.

use std::{path::PathBuf, process::ExitCode, time::SystemTime};

use der::{Decode, Encode};
use pki_core::{
    Result,
    inspect::{self, Object},
    lint::{self, Finding, Profile, Severity},
    text::printable,
};
use x509_cert::request::CertReq;

/// The `schema` of every JSON document `pki lint --json` prints (docs/json-schema.md).
pub const SCHEMA: &str = "pki.lint.v1";

/// Check certificates, CSRs and CRLs against RFC 5280 and sound private-PKI practice.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to read (PEM bundles or DER); `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// One JSON document per certificate, CSR or CRL, one per line (schema: docs/json-schema.md).
    #[arg(long)]
    json: bool,
    /// Also check what etcd needs: `etcd` (member certificates, used as server and client),
    /// `etcd-server`, `etcd-client`.
    #[arg(long, default_value = "rfc5280", value_parser = parse_profile)]
    profile: Profile,
    /// Judge expiry at this time instead of the clock (RFC 3339 UTC), for reproducible output.
    #[arg(long, value_name = "TIME", value_parser = crate::show::parse_now)]
    now: Option<SystemTime>,
}

fn parse_profile(s: &str) -> std::result::Result<Profile, String> {
    [
        Profile::Rfc5280,
        Profile::Etcd,
        Profile::EtcdServer,
        Profile::EtcdClient,
    ]
    .into_iter()
    .find(|p| p.name() == s)
    .ok_or_else(|| format!("unknown profile {s:?}: use rfc5280, etcd, etcd-server or etcd-client"))
}

pub fn run(args: Args) -> Result<ExitCode> {
    let now = args.now.unwrap_or_else(SystemTime::now);
    let colour = !args.json && crate::show::colour();
    let mut failed = false;
    let mut errors = false;
    for path in &args.files {
        let file = path.display().to_string();
        let objects = match crate::show::load(path, now) {
            Ok(o) => o,
            Err(e) => {
                crate::report_error(&e);
                if args.json {
                    let doc = serde_json::json!({
                        "schema": SCHEMA, "file": file, "error": inspect::error_text(&e),
                    });
                    crate::out(format_args!("{doc}"));
                }
                failed = true;
                continue;
            }
        };
        for (i, d) in objects.iter().enumerate() {
            let (kind, subject, findings) = match &d.object {
                Object::Certificate(c) => {
                    match lint::lint_certificate_der(own_der(&d.der), args.profile, now) {
                        Ok(findings) => ("certificate", c.subject.text.clone(), findings),
                        Err(_) => continue,
                    }
                }
                Object::Csr(c) => match <CertReq as der::Decode>::from_der(&d.der) {
                    Ok(req) => (
                        "csr",
                        c.subject.text.clone(),
                        lint::lint_csr(&req, args.profile),
                    ),
                    Err(_) => continue,
                },
                Object::Crl(c) => match inspect::crl::decode(&d.der) {
                    Ok(list) => ("crl", c.issuer.text.clone(), lint::lint_crl(&list, now)),
                    Err(_) => continue,
                },
                other => {
                    if !args.json {
                        crate::out(format_args!(
                            "{file}: {}: not linted (lint checks certificates, CSRs and CRLs)",
                            other.kind()
                        ));
                    }
                    continue;
                }
            };
            errors |= findings.iter().any(|f| f.severity == Severity::Error);
            if args.json {
                let doc = serde_json::json!({
                    "schema": SCHEMA,
                    "file": file,
                    "index": i + 1,
                    "type": kind,
                    "subject": subject,
                    "profile": args.profile.name(),
                    "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
                });
                crate::out(format_args!("{doc}"));
            } else {
                text(
                    &file,
                    i + 1,
                    objects.len(),
                    kind,
                    &subject,
                    &findings,
                    colour,
                );
            }
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else if errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The certificate's own DER: a TRUSTED CERTIFICATE block appends trust settings after it.
fn own_der(der: &[u8]) -> &[u8] {
    der::SliceReader::new(der)
        .and_then(|mut r| der::asn1::AnyRef::decode(&mut r))
        .and_then(|any| any.encoded_len())
        .ok()
        .and_then(|len| der.get(..usize::try_from(len).ok()?))
        .unwrap_or(der)
}

fn finding_json(f: &Finding) -> serde_json::Value {
    serde_json::json!({
        "id": f.id,
        "severity": f.severity.to_string(),
        "message": f.message,
        "reference": f.reference.unwrap_or_default(),
        "detail": f.detail,
    })
}

fn text(
    file: &str,
    index: usize,
    count: usize,
    kind: &str,
    subject: &str,
    findings: &[Finding],
    colour: bool,
) {
    let kind = match kind {
        "csr" => "CSR",
        "crl" => "CRL",
        other => other,
    };
    let which = if count > 1 {
        format!(" {index} of {count}")
    } else {
        String::new()
    };
    let summary = pki_core::finding::summary(findings);
    crate::out(format_args!(
        "{}: {kind}{which} \"{}\": {summary}",
        printable(file),
        printable(subject)
    ));
    for f in findings {
        crate::out(format_args!("{}", f.text(colour).trim_end_matches('\n')));
    }
}
