//! `pki openssl ARGS...`, and `pki` started as `openssl` (a link or copy of that name): the
//! OpenSSL 3 command line for the commands that certificate scripts use.
//!
//! OpenSSL's command line is not clap's: options are single-dash long names (`-CAfile`), may
//! also be written `--name` or `-name=value`, come in any order, and end at the first argument
//! that is not an option (`verify -CAfile ca.crt a.crt b.crt`). [`parse`] reads it from a
//! table of [`Opt`]s per command. Every option outside the table is refused by name; nothing
//! is silently ignored. docs/openssl-compat.md lists what is supported and every difference.
//!
//! Exit statuses follow OpenSSL 3: 0 success, 1 for errors (and `-checkend` for a certificate
//! that will expire), 2 for `verify` failures.

mod asn1parse;
mod dgst;
mod dhparam;
mod genrsa;
mod pass;
mod pkcs12;
mod pkcs8;
mod pkey;
mod rand;
mod req;
mod verify;
mod x509;

use std::{
    ffi::OsString,
    io::{self, Read, Write},
    path::{Path, PathBuf},
    process::ExitCode,
};

use pki_core::files::{self, Mode};

/// Act as OpenSSL: `pki openssl x509 -in ca.crt -noout -subject`.
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// An openssl command and its options, as given to OpenSSL 3.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
    args: Vec<OsString>,
}

/// The `Openssl` subcommand: runs the openssl command line in `args`.
pub fn run(args: Args) -> pki_core::Result<ExitCode> {
    Ok(main(args.args))
}

/// Runs one openssl command line (without the program name) and returns its exit status.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let mut strings = Vec::with_capacity(args.len());
    for a in args {
        match a.into_string() {
            Ok(s) => strings.push(s),
            Err(a) => {
                eprintln!("openssl: argument {a:?} is not UTF-8 text, which pki does not accept");
                return ExitCode::from(1);
            }
        }
    }
    let Some((cmd, rest)) = strings.split_first() else {
        eprintln!(
            "pki openssl: the interactive openssl prompt is not supported: give a command \
             ({})",
            COMMANDS.join(", ")
        );
        return ExitCode::from(1);
    };
    let cmd = cmd.trim_start_matches('-');
    let result = match cmd {
        "genrsa" => genrsa::genrsa(rest),
        "genpkey" => genrsa::genpkey(rest),
        "req" => req::run(rest),
        "x509" => x509::run(rest),
        "verify" => verify::run(rest),
        "rsa" => pkey::run(pkey::Which::Rsa, rest),
        "pkey" => pkey::run(pkey::Which::Pkey, rest),
        "pkcs8" => pkcs8::run(rest),
        "pkcs12" => pkcs12::run(rest),
        "dhparam" => dhparam::run(rest),
        "asn1parse" => asn1parse::run(rest),
        "version" => version(rest),
        "dgst" => dgst::run(rest),
        "rand" => rand::run(rest),
        "help" => {
            let _ = writeln!(
                io::stderr(),
                "pki answers to these openssl commands: {}\n\
                 (see docs/openssl-compat.md; `COMMAND -help` lists its options)",
                COMMANDS.join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            let _ = writeln!(
                io::stderr(),
                "Invalid command '{cmd}': pki answers to the openssl commands {} only.",
                COMMANDS.join(", ")
            );
            return ExitCode::from(1);
        }
    };
    match result {
        Ok(code) => code,
        Err(fail) => {
            fail.report(cmd);
            ExitCode::from(1)
        }
    }
}

/// The commands pki answers to.
const COMMANDS: [&str; 14] = [
    "genrsa",
    "genpkey",
    "req",
    "x509",
    "verify",
    "rsa",
    "pkey",
    "pkcs8",
    "pkcs12",
    "dhparam",
    "asn1parse",
    "dgst",
    "rand",
    "version",
];

const VERSION_OPTS: &[Opt] = &[
    Opt::flag("help", "Display this summary"),
    Opt::flag("a", "Show all data"),
    Opt::flag("v", "Show library version"),
];

/// `openssl version`: says what answers, in OpenSSL's first words so that scripts matching
/// `^OpenSSL 3` keep working.
fn version(args: &[String]) -> Result<ExitCode, Fail> {
    let p = parse("version", "", VERSION_OPTS, args)?;
    if p.help {
        return Ok(ExitCode::SUCCESS);
    }
    p.no_params()?;
    let mut out = Output::default();
    out.line(format_args!(
        "OpenSSL 3.0 compatible (pki {}, pure Rust; not the OpenSSL library)",
        env!("CARGO_PKG_VERSION")
    ));
    if p.flag("a") {
        out.line(format_args!("platform: pki"));
    }
    out.print_stdout();
    Ok(ExitCode::SUCCESS)
}

/// Why a command failed; printed as OpenSSL prints errors, `CMD: message`.
#[derive(Debug)]
pub(crate) enum Fail {
    /// A command-line mistake; followed by OpenSSL's `CMD: Use -help for summary.`
    Usage(String),
    /// Anything else, with its causes.
    Error(String),
    /// A message OpenSSL prints as it is, without the command's name.
    Plain(String),
}

impl Fail {
    pub(crate) fn msg(s: impl Into<String>) -> Fail {
        Fail::Error(s.into())
    }

    fn report(&self, cmd: &str) {
        let mut err = io::stderr().lock();
        let _ = match self {
            Fail::Usage(m) => writeln!(err, "{cmd}: {m}\n{cmd}: Use -help for summary."),
            Fail::Error(m) => writeln!(err, "{cmd}: {m}"),
            Fail::Plain(m) => writeln!(err, "{m}"),
        };
    }
}

impl From<pki_core::Error> for Fail {
    fn from(e: pki_core::Error) -> Fail {
        if let pki_core::Error::Refused {
            message,
            usage: true,
        } = &e
        {
            return Fail::Usage(message.clone());
        }
        let chain: Vec<String> = e.chain().map(ToString::to_string).collect();
        Fail::Error(chain.join(": "))
    }
}

/// One option of a command: its name without the dash, whether it takes a value, its help.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Opt {
    name: &'static str,
    value: Option<&'static str>,
    help: &'static str,
}

impl Opt {
    pub(crate) const fn flag(name: &'static str, help: &'static str) -> Opt {
        Opt {
            name,
            value: None,
            help,
        }
    }

    pub(crate) const fn value(name: &'static str, what: &'static str, help: &'static str) -> Opt {
        Opt {
            name,
            value: Some(what),
            help,
        }
    }
}

/// A parsed command line: the options in the order given, then the parameters.
#[derive(Debug)]
pub(crate) struct Parsed {
    /// (option name, value), in command-line order; repeated options appear each time.
    opts: Vec<(&'static str, Option<String>)>,
    /// Arguments from the first one that is not an option.
    pub(crate) params: Vec<String>,
    /// `-help` was given and the usage has been printed.
    pub(crate) help: bool,
}

impl Parsed {
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.opts.iter().any(|(n, _)| *n == name)
    }

    /// The last value of `name` (OpenSSL keeps the last one).
    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        self.opts
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Every value of a repeatable option, in order.
    pub(crate) fn values(&self, name: &str) -> Vec<&str> {
        self.opts
            .iter()
            .filter(|(n, _)| *n == name)
            .filter_map(|(_, v)| v.as_deref())
            .collect()
    }

    /// The position of the last occurrence of `name` among the options.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.opts.iter().rposition(|(n, _)| *n == name)
    }

    pub(crate) fn no_params(&self) -> Result<(), Fail> {
        if self.params.is_empty() {
            Ok(())
        } else {
            Err(Fail::Usage(format!(
                "Extra arguments given: {}",
                self.params.join(" ")
            )))
        }
    }

    /// A `-days`-style value: a whole number of days, 1 or more.
    pub(crate) fn days(&self, name: &str, default: u32) -> Result<u32, Fail> {
        match self.value(name) {
            None => Ok(default),
            Some(v) => match v.parse::<u32>() {
                Ok(d) if d > 0 => Ok(d),
                _ => Err(Fail::Usage(format!(
                    "Invalid value {v:?} for -{name}: pki takes a whole number of days, 1 or more"
                ))),
            },
        }
    }
}

/// Parses an openssl command line against `table`. `-help` prints the usage (to stderr, as
/// OpenSSL does) and sets [`Parsed::help`].
pub(crate) fn parse(
    cmd: &str,
    params: &str,
    table: &[Opt],
    args: &[String],
) -> Result<Parsed, Fail> {
    let mut p = Parsed {
        opts: Vec::new(),
        params: Vec::new(),
        help: false,
    };
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            p.params.extend(args[i..].iter().cloned());
            break;
        }
        let Some(body) = arg.strip_prefix('-').filter(|b| !b.is_empty()) else {
            p.params.extend(args[i - 1..].iter().cloned());
            break;
        };
        let body = body.strip_prefix('-').unwrap_or(body);
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (body, None),
        };
        let Some(opt) = table.iter().find(|o| o.name == name) else {
            return Err(Fail::Usage(format!(
                "Unknown option or option not supported by pki: {arg}"
            )));
        };
        let value = match (opt.value, inline) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(Fail::Usage(format!("Option -{name} takes no value")));
            }
            (Some(_), Some(v)) => Some(v),
            (Some(_), None) => match args.get(i) {
                Some(v) => {
                    i += 1;
                    Some(v.clone())
                }
                None => return Err(Fail::Usage(format!("Option -{name} needs a value"))),
            },
        };
        if opt.name == "help" {
            print_usage(cmd, params, table);
            p.help = true;
            return Ok(p);
        }
        p.opts.push((opt.name, value));
    }
    Ok(p)
}

fn print_usage(cmd: &str, params: &str, table: &[Opt]) {
    let mut s = format!("Usage: {cmd} [options]{params}\n\nOptions supported by pki:\n");
    for o in table {
        let left = match o.value {
            Some(v) => format!("-{} {v}", o.name),
            None => format!("-{}", o.name),
        };
        s.push_str(&format!(" {left:<26} {}\n", o.help));
    }
    s.push_str("\nOther OpenSSL options are refused; see docs/openssl-compat.md.\n");
    let _ = io::stderr().write_all(s.as_bytes());
}

/// What a command prints, gathered first and then written to `-out` or stdout, as OpenSSL
/// writes everything it prints to the `-out` file.
#[derive(Debug, Default)]
pub(crate) struct Output {
    buf: Vec<u8>,
}

impl Drop for Output {
    /// What was printed may be a private key: wiped, not just freed.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.buf);
    }
}

impl Output {
    pub(crate) fn line(&mut self, args: std::fmt::Arguments<'_>) {
        let _ = self.buf.write_fmt(args);
        self.buf.push(b'\n');
    }

    pub(crate) fn text(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// Appends what `other` gathered.
    pub(crate) fn append(&mut self, other: Output) {
        self.buf.extend_from_slice(&other.buf);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Writes to stdout; a closed pipe is not an error.
    pub(crate) fn print_stdout(self) {
        let mut stdout = io::stdout().lock();
        let _ = stdout.write_all(&self.buf).and_then(|()| stdout.flush());
    }

    /// Writes to `out` when given, else to stdout. Private keys (`Mode::Private`) are created
    /// only, never overwritten; other outputs replace an existing file, as OpenSSL does.
    pub(crate) fn deliver(self, out: Option<&str>, mode: Mode) -> Result<(), Fail> {
        match out {
            None => {
                self.print_stdout();
                Ok(())
            }
            Some(path) => {
                let path = Path::new(path);
                match mode {
                    Mode::Private => files::write_new(path, &self.buf, Mode::Private)?,
                    Mode::Public => {
                        refuse_over_key(path)?;
                        files::replace(path, &self.buf, Mode::Public)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// A private key re-encoded from `input` and written back over it (`rsa -in k -out k`, as
    /// the MySQL documentation does): replaced atomically, 0600. Other outputs go to
    /// [`Output::deliver`].
    pub(crate) fn deliver_key(self, out: Option<&str>, input: Option<&str>) -> Result<(), Fail> {
        match (out, input) {
            (Some(o), Some(i)) if same_file(Path::new(o), Path::new(i)) => {
                files::replace(Path::new(o), &self.buf, Mode::Private)?;
                Ok(())
            }
            _ => self.deliver(out, Mode::Private),
        }
    }
}

/// Whether two paths name one existing file (device and inode).
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.is_file() && x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// A certificate, request or public key is never written over a private key: a typo in `-out`
/// (`rsa -in k.key -pubout -out k.key`) would destroy the key.
pub(crate) fn refuse_over_key(path: &Path) -> Result<(), Fail> {
    if !files::would_replace(path) {
        return Ok(());
    }
    let Ok(bytes) = files::read(path) else {
        return Ok(());
    };
    let bytes = zeroize::Zeroizing::new(bytes);
    let holds_key = if pki_core::pbe::Traditional::find(&bytes).is_some() {
        true
    } else if pki_core::pem::is_pem(&bytes) {
        match pki_core::pem::decode_all(&bytes) {
            Ok(blocks) => {
                let found = blocks.iter().any(|b| b.label.ends_with("PRIVATE KEY"));
                for mut b in blocks {
                    zeroize::Zeroize::zeroize(&mut b.der);
                }
                found
            }
            Err(_) => false,
        }
    } else {
        pki_core::key::PrivateKey::decode(&bytes).is_ok()
            || pki_core::pbe::is_encrypted_pkcs8(&bytes)
    };
    if holds_key {
        return Err(Fail::msg(format!(
            "{}: holds a private key, which pki does not overwrite with this output (give \
             another -out file)",
            path.display()
        )));
    }
    Ok(())
}

/// Reads `-in FILE`, or stdin without it; the name is what OpenSSL calls the input in
/// messages.
/// [`read_input`] of a command given `-inform`: with `-inform DER`, PEM input is an error
/// naming the file (OpenSSL would fail to decode it).
pub(crate) fn read_input_as(
    path: Option<&str>,
    inform: Option<Format>,
) -> Result<(Vec<u8>, PathBuf), Fail> {
    let (bytes, path) = read_input(path)?;
    if inform == Some(Format::Der) && pki_core::pem::is_pem(&bytes) {
        return Err(Fail::msg(format!(
            "{}: -inform DER given, but the input is PEM",
            path.display()
        )));
    }
    Ok((bytes, path))
}

pub(crate) fn read_input(path: Option<&str>) -> Result<(Vec<u8>, PathBuf), Fail> {
    match path {
        Some(p) if p != "-" => Ok((files::read(Path::new(p))?, PathBuf::from(p))),
        _ => {
            let mut buf = Vec::new();
            io::stdin()
                .take(files::MAX_INPUT + 1)
                .read_to_end(&mut buf)
                .map_err(|e| Fail::msg(format!("cannot read stdin: {e}")))?;
            if buf.len() as u64 > files::MAX_INPUT {
                return Err(Fail::msg("stdin: input larger than 16 MiB"));
            }
            Ok((buf, PathBuf::from("stdin")))
        }
    }
}

/// Reads a file and decodes it with `decode`, naming the file in errors.
pub(crate) fn load<T>(
    path: &str,
    decode: impl FnOnce(&[u8]) -> pki_core::Result<T>,
) -> Result<T, Fail> {
    let bytes = files::read(Path::new(path))?;
    Ok(decode(&bytes).map_err(|e| e.in_file(path))?)
}

/// The last of `-sha1`, `-sha256`, `-sha384`, `-sha512` given: OpenSSL keeps the last digest
/// option. `None` when there is none.
pub(crate) fn last_digest(p: &Parsed) -> Option<&'static str> {
    ["sha1", "sha256", "sha384", "sha512"]
        .into_iter()
        .filter_map(|n| p.position(n).map(|i| (i, n)))
        .max()
        .map(|(_, n)| n)
}

/// The digest a command signs with: the last digest option, else `default`; `-sha1` is
/// refused by name (pki does not make SHA-1 signatures, which verifiers refuse).
pub(crate) fn signing_digest(
    p: &Parsed,
    default: pki_core::key::Digest,
) -> Result<pki_core::key::Digest, Fail> {
    match last_digest(p) {
        None => Ok(default),
        Some("sha1") => Err(Fail::msg(
            "-sha1 signatures are not made by pki: it signs with SHA-256, SHA-384 or SHA-512",
        )),
        Some(name) => Ok(pki_core::key::Digest::from_name(name).unwrap_or_default()),
    }
}

/// `-inform`/`-outform`: PEM or DER (case-insensitive, as OpenSSL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Pem,
    Der,
}

impl Format {
    pub(crate) fn from_opt(p: &Parsed, name: &str) -> Result<Format, Fail> {
        match p.value(name) {
            None => Ok(Format::Pem),
            Some(v) if v.eq_ignore_ascii_case("PEM") => Ok(Format::Pem),
            Some(v) if v.eq_ignore_ascii_case("DER") => Ok(Format::Der),
            Some(v) => Err(Fail::Usage(format!(
                "Invalid format {v:?} for -{name}: pki reads and writes PEM or DER"
            ))),
        }
    }
}

/// `-nameopt`, every one given, folded as OpenSSL folds them; `compat` with `-text` is
/// refused (OpenSSL prints the names of `-text` in yet another form then).
pub(crate) fn name_form(p: &Parsed) -> Result<pki_core::name::NameOpt, Fail> {
    let opt = pki_core::name::NameOpt::parse(p.values("nameopt")).map_err(|word| {
        Fail::Usage(format!(
            "Invalid -nameopt {word:?}: use oneline, RFC2253, multiline, compat, or words such \
             as utf8, sep_multiline, space_eq, lname, align, dn_rev, esc_msb"
        ))
    })?;
    if opt.is_compat() && p.flag("text") {
        return Err(Fail::Usage(
            "-nameopt compat is not supported with -text".into(),
        ));
    }
    Ok(opt)
}

/// Prints `pki openssl` messages that OpenSSL writes to stderr.
pub(crate) fn note(args: std::fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// Loads an openssl.conf given with `-config` or `-extfile`.
pub(crate) fn load_conf(path: &str) -> Result<pki_core::conf::Conf, Fail> {
    let bytes = files::read(Path::new(path))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Fail::msg(format!("{path}: the configuration is not UTF-8 text")))?;
    Ok(pki_core::conf::Conf::parse(path, &text).map_err(pki_core::Error::from)?)
}
