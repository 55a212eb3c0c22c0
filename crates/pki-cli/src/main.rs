//! `pki`: make and audit the certificates of a private PKI (etcd, Kubernetes) without openssl.
//!
//! This binary parses arguments into typed values, calls one pki-core function, renders the
//! result and maps it to an exit status: 0 success (a skipped step is success), 1 findings,
//! 2 error. Errors are printed once, as `pki: <message>: <cause>...`, on stderr.

mod audit;
mod etcd;
mod init;
mod lint;
mod openssl;
mod show;
mod verify;

use std::{
    io::{self, Write},
    process::ExitCode,
};

use clap::{Parser, Subcommand};

/// Make and audit the TLS certificates of etcd and Kubernetes clusters, in pure Rust.
#[derive(Debug, Parser)]
#[command(name = "pki", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(init::Args),
    Etcd(etcd::Args),
    /// Act as OpenSSL 3 for the commands certificate scripts use (also when started as `openssl`).
    Openssl(openssl::Args),
    Show(show::Args),
    Lint(lint::Args),
    Verify(verify::Args),
    Audit(audit::Args),
}

fn main() -> ExitCode {
    clean_up_on_signals();
    // Started through a link or copy named `openssl`: act as OpenSSL, before clap sees argv.
    let mut argv = std::env::args_os();
    let started_as = argv.next().unwrap_or_default();
    if std::path::Path::new(&started_as).file_name() == Some(std::ffi::OsStr::new("openssl")) {
        return openssl::main(argv.collect());
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(args) => init::run(args),
        Command::Etcd(args) => etcd::run(args),
        Command::Openssl(args) => openssl::run(args),
        Command::Show(args) => show::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Audit(args) => audit::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            ExitCode::from(2)
        }
    }
}

/// Interrupted by SIGINT, SIGTERM or SIGHUP, pki removes the temporary files it has made and
/// exits as the shell expects (128 + the signal): nothing is left half-written or behind.
fn clean_up_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            // Held until exit: no new temporary file is made after the clean-up.
            let _held = pki_core::files::remove_own_temps();
            std::process::exit(128 + sig);
        }
    });
}

/// Prints `pki: a: b: c` for an error and its causes.
fn report_error(e: &pki_core::Error) {
    let mut line = String::from("pki: ");
    for (i, cause) in e.chain().enumerate() {
        if i > 0 {
            line.push_str(": ");
        }
        line.push_str(&cause.to_string());
    }
    let _ = writeln!(io::stderr(), "{line}");
}

/// Writes a line to stdout; a closed pipe (`pki ... | head`) is not an error.
pub(crate) fn out(line: std::fmt::Arguments<'_>) {
    let mut stdout = io::stdout().lock();
    let written = stdout
        .write_fmt(line)
        .and_then(|()| stdout.write_all(b"\n"));
    if written.is_err_and(|e| e.kind() == io::ErrorKind::BrokenPipe) {
        std::process::exit(0);
    }
}
