//! Passphrases on the command line: `-passin`/`-passout` (and genpkey's `-pass`), the cipher
//! options (`-aes128`, `-aes192`, `-aes256`, `-des3` and their long names), reading encrypted
//! keys and writing them.
//!
//! Without `-passin`, an encrypted key is decrypted after a no-echo prompt on the terminal,
//! as OpenSSL asks; with no terminal (a script, CI) the command fails and says to give
//! `-passin`. Sources are [`pki_core::openssl::pass`]'s.

use pki_core::{
    key::PrivateKey,
    openssl::pass::{Passphrase, passwords},
    pbe::Cipher,
};
use zeroize::Zeroizing;

use super::{Fail, Opt, Parsed};

/// The cipher options, as flags: OpenSSL's short and long names.
pub(super) const CIPHER_OPTS: &[Opt] = &[
    Opt::flag("aes128", "Encrypt the output key with AES-128-CBC"),
    Opt::flag("aes192", "Encrypt the output key with AES-192-CBC"),
    Opt::flag("aes256", "Encrypt the output key with AES-256-CBC"),
    Opt::flag("des3", "Encrypt the output key with DES-EDE3-CBC"),
    Opt::flag("aes-128-cbc", "Encrypt the output key with AES-128-CBC"),
    Opt::flag("aes-192-cbc", "Encrypt the output key with AES-192-CBC"),
    Opt::flag("aes-256-cbc", "Encrypt the output key with AES-256-CBC"),
    Opt::flag("des-ede3-cbc", "Encrypt the output key with DES-EDE3-CBC"),
];

/// The -passin option.
pub(super) const PASSIN: Opt = Opt::value("passin", "val", "Input pass phrase source");
/// The -passout option.
pub(super) const PASSOUT: Opt = Opt::value("passout", "val", "Output pass phrase source");

/// The last cipher option given (OpenSSL keeps the last).
pub(super) fn cipher(p: &Parsed) -> Option<Cipher> {
    CIPHER_OPTS
        .iter()
        .filter_map(|o| p.position(o.name).map(|i| (i, o.name)))
        .max()
        .and_then(|(_, n)| Cipher::from_name(n))
}

/// The passphrases of a command, read when the command line is: `-passin` for the keys it
/// reads, `-passout` for the key it writes.
#[derive(Default)]
pub(super) struct Pass {
    input: Option<Passphrase>,
    output: Option<Passphrase>,
}

impl std::fmt::Debug for Pass {
    /// Whether each is there; never the passphrase.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pass")
            .field("input", &self.input.is_some())
            .field("output", &self.output.is_some())
            .finish()
    }
}

impl Pass {
    /// Reads `-passin` and the output source named `out_opt` (`passout`, or genpkey's `pass`).
    pub(super) fn read(p: &Parsed, out_opt: &str) -> Result<Pass, Fail> {
        Pass::from_sources(p.value("passin"), p.value(out_opt))
    }

    /// Reads the two sources (either may be absent).
    pub(super) fn from_sources(passin: Option<&str>, passout: Option<&str>) -> Result<Pass, Fail> {
        let (input, output) = passwords(passin, passout)?;
        Ok(Pass { input, output })
    }

    /// [`Pass::from_sources`], then for what is still missing the passphrases a config file
    /// gives as text (`req`'s `input_password`, `output_password`).
    pub(super) fn with_literals(
        passin: Option<&str>,
        passout: Option<&str>,
        literal_in: Option<&str>,
        literal_out: Option<&str>,
    ) -> Result<Pass, Fail> {
        let mut pass = Pass::from_sources(passin, passout)?;
        let lit = |s: &str| Zeroizing::new(s.as_bytes().to_vec());
        if pass.input.is_none() {
            pass.input = literal_in.map(lit);
        }
        if pass.output.is_none() {
            pass.output = literal_out.map(lit);
        }
        Ok(pass)
    }

    /// A private key from `path`, decrypted with `-passin` or a terminal prompt when it is
    /// encrypted.
    pub(super) fn load_key(&self, path: &str) -> Result<PrivateKey, Fail> {
        let bytes = Zeroizing::new(pki_core::files::read(std::path::Path::new(path))?);
        self.decode_key(&bytes, path)
    }

    /// [`Pass::load_key`] of bytes already read; `name` is the file in messages and prompts.
    pub(super) fn decode_key(&self, bytes: &[u8], name: &str) -> Result<PrivateKey, Fail> {
        let mut ask = || self.input_for(name);
        Ok(pki_core::openssl::first_private_key_with(bytes, &mut ask)
            .map_err(|e| e.in_file(name))?)
    }

    /// The input passphrase: `-passin`'s, else asked on the terminal.
    pub(super) fn input_for(&self, name: &str) -> pki_core::Result<Passphrase> {
        self.input_asking(&format!("Enter pass phrase for {name}:"))
    }

    /// The input passphrase: `-passin`'s, else asked with `question` on the terminal.
    pub(super) fn input_asking(&self, question: &str) -> pki_core::Result<Passphrase> {
        if let Some(p) = &self.input {
            return Ok(p.clone());
        }
        prompt(question).ok_or_else(|| pki_core::Error::Passphrase {
            why: "the key is encrypted: give its passphrase with -passin (pass:, env:, \
                      file:, fd:, stdin); there is no terminal to ask on"
                .into(),
        })
    }

    /// The output passphrase for a key written with `cipher`: `-passout`'s, else asked twice
    /// on the terminal (4 to 1023 characters, as OpenSSL's prompt takes).
    pub(super) fn output(&self) -> Result<Passphrase, Fail> {
        self.output_asking("Enter PEM pass phrase:", 4)
    }

    /// [`Pass::output`] with another prompt and shortest length (`pkcs12 -export` asks
    /// `Enter Export Password:` and takes an empty one).
    pub(super) fn output_asking(&self, question: &str, min: usize) -> Result<Passphrase, Fail> {
        if let Some(p) = &self.output {
            return Ok(p.clone());
        }
        let none = || {
            Fail::msg(
                "the output key is to be encrypted and no passphrase was given: use -passout \
                 (pass:, env:, file:, fd:, stdin), or run on a terminal to be asked",
            )
        };
        let first = prompt(question).ok_or_else(none)?;
        if !(min..=1023).contains(&first.len()) {
            return Err(Fail::msg(format!(
                "You must type in {min} to 1023 characters"
            )));
        }
        let again = prompt(&format!("Verifying - {question}")).ok_or_else(none)?;
        if first != again {
            return Err(Fail::msg("Verify failure: the pass phrases differ"));
        }
        Ok(first)
    }

    /// Gets the output passphrase now when `cipher` will need it (asking on the terminal if
    /// need be), so that a command fails before it makes a key it cannot write.
    pub(super) fn ready_output(&mut self, cipher: Option<Cipher>) -> Result<(), Fail> {
        if cipher.is_some() && self.output.is_none() {
            self.output = Some(self.output()?);
        }
        Ok(())
    }

    /// A private key as PEM: encrypted PKCS#8 under `cipher` with the output passphrase, or
    /// the traditional forms with `traditional`.
    pub(super) fn key_pem(
        &self,
        key: &PrivateKey,
        cipher: Option<Cipher>,
        traditional: bool,
    ) -> Result<Zeroizing<String>, Fail> {
        Ok(match (cipher, traditional) {
            (None, false) => key.to_pkcs8_pem()?,
            (None, true) => Zeroizing::new(pki_core::pem::encode(
                pki_core::pem::RSA_PRIVATE_KEY,
                &key.to_pkcs1_der()?,
            )),
            (Some(c), false) => Zeroizing::new(key.to_encrypted_pem(c, &self.output()?)?),
            (Some(c), true) => {
                Zeroizing::new(key.to_traditional_encrypted_pem(c, &self.output()?)?)
            }
        })
    }
}

/// A line typed on the controlling terminal without echo; `None` when there is no terminal.
fn prompt(text: &str) -> Option<Passphrase> {
    use std::io::IsTerminal;
    // Only where a person can answer: a script's stdin and stderr are rarely both terminals.
    if !std::io::stdin().is_terminal() && !std::io::stderr().is_terminal() {
        return None;
    }
    rpassword::prompt_password(text)
        .ok()
        .map(|s| Zeroizing::new(s.into_bytes()))
}
