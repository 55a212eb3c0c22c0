//! `pki init`: the seed's pki.sh.

use std::{
    io::{self, Write},
    path::PathBuf,
    process::ExitCode,
};

use pki_core::{
    Result,
    init::{self, Node, Outcome, Plan},
    key::KeyBits,
};

/// Make the CA, client and peer keys, CSRs and certificates of pki.sh, skipping each file
/// that exists.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to work in (created 0700 if missing).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// An etcd member as NAME=ADDRESS (repeatable). Default: the script's variables
    /// NAME1..n/ADDRESS1..n from the environment, else etcd01..03 at 192.168.31.17..19.
    #[arg(long = "node", value_name = "NAME=ADDRESS")]
    nodes: Vec<String>,
    /// Validity of every certificate, in days.
    #[arg(long, default_value_t = 3650, value_parser = clap::value_parser!(u32).range(1..=365_000))]
    days: u32,
    /// RSA key size: 2048, 3072 or 4096.
    #[arg(long, default_value_t = 2048)]
    bits: usize,
    /// Common name of the CA certificate.
    #[arg(long, default_value = "etcd-ca")]
    ca_cn: String,
    /// Print what would be done, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Stop with an error (exit 2) when an existing file no longer fits: a certificate or CSR
    /// not made from its key, not issued by ca.crt, with other SANs than the nodes', or
    /// expired. Without it such a file is kept, as pki.sh would, with a warning.
    #[arg(long)]
    strict: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let nodes = if args.nodes.is_empty() {
        Node::from_vars(&|v| std::env::var(v).ok())?.unwrap_or_else(Node::seed_defaults)
    } else {
        args.nodes
            .iter()
            .map(|s| Node::parse(s))
            .collect::<Result<Vec<_>>>()?
    };
    let plan = Plan {
        dir: args.dir,
        nodes,
        days: args.days,
        bits: KeyBits::new(args.bits)?,
        ca_cn: args.ca_cn,
        strict: args.strict,
    };
    if plan.ca_cn.is_empty() {
        return Err(pki_core::Error::Name(
            pki_core::name::NameError::EmptyValue {
                attribute: "CN".into(),
            },
        ));
    }
    let dir = plan.dir.display().to_string();
    crate::out(format_args!(
        "pki init in {dir}: {} for {}",
        if args.dry_run { "plan" } else { "steps" },
        plan.nodes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    ));
    init::run(&plan, args.dry_run, &mut |step, outcome| {
        let (verb, detail) = match outcome {
            Outcome::Created(what) => ("created", what.as_str()),
            Outcome::Skipped if args.dry_run => ("skip", "exists"),
            Outcome::Skipped => ("skipped", "exists"),
            Outcome::SkippedStale(mismatches) => {
                let path = plan.dir.join(step.file());
                for m in mismatches {
                    warn(&path, m);
                }
                let verb = if args.dry_run { "skip" } else { "skipped" };
                (
                    verb,
                    "exists but does not fit (warning above): remove it to remake it",
                )
            }
            Outcome::Unchanged => ("kept", "same content"),
            Outcome::Rewritten if args.dry_run => ("rewrite", "as the script does on every run"),
            Outcome::Rewritten => ("rewrote", "as the script does on every run"),
            Outcome::WouldCreate => ("create", "(dry run)"),
        };
        crate::out(format_args!("  {verb:<8} {:<13} {detail}", step.file()));
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Prints `pki: warning: PATH: mismatch: causes...` on stderr.
fn warn(path: &std::path::Path, m: &pki_core::init::Mismatch) {
    let mut line = format!("pki: warning: {}: {m}", path.display());
    let mut cause = std::error::Error::source(m);
    while let Some(c) = cause {
        line.push_str(&format!(": {c}"));
        cause = c.source();
    }
    let _ = writeln!(io::stderr(), "{line}");
}
