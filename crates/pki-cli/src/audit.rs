//! `pki audit DIR...`: every file below the folders classified, keys paired with
//! certificates, chains built, an expiry table, and the findings ([`pki_core::audit`]).

use std::{path::PathBuf, process::ExitCode, time::SystemTime};

use pki_core::{
    Result, audit,
    finding::{self, Severity},
    text::printable,
};

/// Audit folders of certificates, keys, CSRs and CRLs: what each file is, which key goes with
/// which certificate, which chains verify, when each certificate expires, and what is wrong.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folders (read recursively; links to folders are not followed) or files.
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// A CA certificate file to trust besides the self-signed CAs found (repeatable).
    #[arg(long, value_name = "FILE")]
    ca: Vec<PathBuf>,
    /// Judge at this time (RFC 3339 or Unix seconds) instead of now.
    #[arg(long, value_name = "TIME", value_parser = crate::show::parse_now)]
    at: Option<SystemTime>,
    /// One JSON document (schema pki.audit.v1) instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let now = args.at.unwrap_or_else(SystemTime::now);
    let report = audit::audit(&args.dirs, &args.ca, now)?;
    let errors = report
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error);
    if args.json {
        let doc = serde_json::json!({
            "schema": "pki.audit.v1",
            "files": report.files,
            "expiry": report.expiry,
            "findings": report.findings,
        });
        crate::out(format_args!("{doc}"));
    } else {
        crate::out(format_args!("Files ({}):", report.files.len()));
        for f in &report.files {
            let kind = serde_json::to_value(f.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            crate::out(format_args!(
                "  {:<12} {}",
                kind,
                printable(&f.file.display().to_string())
            ));
        }
        crate::out(format_args!(
            "Expiry ({} certificates):",
            report.expiry.len()
        ));
        for e in &report.expiry {
            crate::out(format_args!(
                "  {:>6} days  {}  {}{}  {}",
                e.days_left,
                e.not_after,
                if e.ca { "[CA] " } else { "" },
                printable(&e.subject),
                printable(&e.file.display().to_string())
            ));
        }
        crate::out(format_args!(
            "Findings: {}",
            finding::summary(&report.findings)
        ));
        for f in &report.findings {
            crate::out(format_args!("{}", f.text(false).trim_end()));
        }
    }
    Ok(ExitCode::from(u8::from(errors)))
}
