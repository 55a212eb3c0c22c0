//! `pki show FILE...`: what each certificate, CSR, CRL and key holds, as text or JSON.

use std::{
    io::{self, IsTerminal},
    path::{Path, PathBuf},
    process::ExitCode,
    time::SystemTime,
};

use pki_core::{
    Result, files,
    inspect::{self, Decoded},
};

/// The `schema` of every JSON document `pki show --json` prints (docs/json-schema.md).
pub const SCHEMA: &str = "pki.show.v1";

/// Show every field of certificates, CSRs, CRLs and keys (PEM bundles or DER, found automatically).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to read; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// One JSON document per object, one per line (schema: docs/json-schema.md).
    #[arg(long)]
    json: bool,
    /// Judge validity at this time instead of the clock, for reproducible output
    /// (RFC 3339 UTC, e.g. 2030-01-01T00:00:00Z).
    #[arg(long, value_name = "TIME", value_parser = parse_now)]
    now: Option<SystemTime>,
}

pub(crate) fn parse_now(s: &str) -> std::result::Result<SystemTime, String> {
    inspect::parse_time(s)
        .ok_or_else(|| format!("{s:?} is not a UTC time like 2030-01-01T00:00:00Z"))
}

/// Whether to colour text: stdout is a terminal and NO_COLOR is unset or empty.
pub(crate) fn colour() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Reads a file, or standard input for `-`.
pub(crate) fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        return files::read_stream(io::stdin().lock(), path);
    }
    files::read(path)
}

/// Reads and decodes one file; errors name the file.
pub(crate) fn load(path: &Path, now: SystemTime) -> Result<Vec<Decoded>> {
    let input = read_input(path)?;
    inspect::inspect(&input, now).map_err(|e| e.in_file(path))
}

pub fn run(args: Args) -> Result<ExitCode> {
    let now = args.now.unwrap_or_else(SystemTime::now);
    let colour = !args.json && colour();
    let many = args.files.len() > 1;
    let mut failed = false;
    let mut first = true;
    for path in &args.files {
        let objects = match load(path, now) {
            Ok(o) => o,
            Err(e) => {
                crate::report_error(&e);
                if args.json {
                    let doc = serde_json::json!({
                        "schema": SCHEMA,
                        "file": path.display().to_string(),
                        "error": inspect::error_text(&e),
                    });
                    crate::out(format_args!("{doc}"));
                }
                failed = true;
                continue;
            }
        };
        let n = objects.len();
        for (i, d) in objects.iter().enumerate() {
            if args.json {
                let doc = match serde_json::to_value(&d.object) {
                    Ok(object) => serde_json::json!({
                        "schema": SCHEMA,
                        "file": path.display().to_string(),
                        "index": i + 1,
                        "object": object,
                    }),
                    // Our types serialize to plain JSON; should that ever fail, say so.
                    Err(e) => serde_json::json!({
                        "schema": SCHEMA,
                        "file": path.display().to_string(),
                        "index": i + 1,
                        "error": format!("cannot encode JSON: {e}"),
                    }),
                };
                crate::out(format_args!("{doc}"));
                continue;
            }
            if !first {
                crate::out(format_args!(""));
            }
            first = false;
            if many || n > 1 {
                crate::out(format_args!(
                    "==> {} ({} {} of {n}) <==",
                    path.display(),
                    d.object.kind(),
                    i + 1
                ));
            }
            let text = inspect::text::render(&d.object, colour);
            crate::out(format_args!("{}", text.trim_end_matches('\n')));
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
