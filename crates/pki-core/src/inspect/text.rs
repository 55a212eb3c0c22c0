//! The text form of [`Object`]s that `pki show` prints: one labelled field a line, every
//! extension with its criticality, long hex values wrapped. With `colour`, labels are bold and
//! states coloured (ANSI SGR); the caller decides (a terminal, and NO_COLOR unset).

use std::fmt::Write as _;

use crate::text::printable;

use super::{
    Algorithm, CertificateInfo, CsrInfo, ExtensionInfo, KeyDetails, Object, PrivateKeyInfo,
    PublicKeyInfo, SignatureCheck, Validity, ValidityState, extension::colons,
};

const WIDTH: usize = 22;
const HEX_BYTES_PER_LINE: usize = 18;

struct Out {
    s: String,
    colour: bool,
}

impl Out {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn heading(&mut self, indent: usize, text: &str) {
        let t = self.paint("1", text);
        let _ = writeln!(self.s, "{:indent$}{t}", "");
    }

    /// A labelled value; `value` may hold this renderer's colours, and is otherwise text pki
    /// made or made [`printable`].
    fn field(&mut self, indent: usize, label: &str, value: &str) {
        let pad = WIDTH.saturating_sub(indent + label.len() + 1);
        let l = self.paint("1", &format!("{label}:"));
        let _ = writeln!(self.s, "{:indent$}{l}{:pad$} {value}", "", "");
    }

    fn line(&mut self, indent: usize, text: &str) {
        let _ = writeln!(self.s, "{:indent$}{text}", "");
    }

    /// A labelled hex value, wrapped below the label.
    fn hex_block(&mut self, indent: usize, label: &str, hex: &str) {
        self.heading(indent, &format!("{label}:"));
        let c = colons(hex).to_lowercase();
        for chunk in c.split(':').collect::<Vec<_>>().chunks(HEX_BYTES_PER_LINE) {
            self.line(indent + 2, &chunk.join(":"));
        }
    }
}

/// Renders one object as text. Every line ends with `\n`.
pub fn render(object: &Object, colour: bool) -> String {
    let mut out = Out {
        s: String::new(),
        colour,
    };
    match object {
        Object::Certificate(c) => certificate(&mut out, c),
        Object::Csr(c) => request(&mut out, c),
        Object::Crl(c) => crl(&mut out, c),
        Object::PrivateKey(k) => private_key(&mut out, k),
        Object::PublicKey(k) => {
            out.heading(0, "Public key");
            public_key(&mut out, 2, k);
        }
    }
    out.s
}

fn algorithm(a: &Algorithm) -> String {
    let mut s = a.label();
    if let Some(p) = &a.parameters
        && p != "0500"
    {
        let _ = write!(s, ", parameters {p}");
    }
    s
}

fn certificate(out: &mut Out, c: &CertificateInfo) {
    out.heading(0, "Certificate");
    out.field(2, "Version", &c.version.to_string());
    out.field(2, "Serial number", &colons(&c.serial.hex).to_lowercase());
    out.field(2, "Serial (decimal)", &c.serial.decimal);
    signature_algorithms(out, &c.signature_algorithm, &c.tbs_signature_algorithm);
    out.field(2, "Issuer", &c.issuer.text);
    out.field(2, "Subject", &c.subject.text);
    validity(out, &c.validity);
    out.field(2, "Public key", &c.public_key.key.summary());
    public_key(out, 4, &c.public_key);
    if let Some(id) = &c.issuer_unique_id {
        out.field(2, "Issuer unique ID", id);
    }
    if let Some(id) = &c.subject_unique_id {
        out.field(2, "Subject unique ID", id);
    }
    extensions(out, &c.extensions);
    out.hex_block(2, "Signature", &c.signature);
    out.field(2, "SHA-256 fingerprint", &colons(&c.fingerprints.sha256));
    out.field(2, "SHA-1 fingerprint", &colons(&c.fingerprints.sha1));
}

/// The outer signature algorithm, and the signed one when it differs (which a verifier
/// refuses, RFC 5280 4.1.1.2).
fn signature_algorithms(out: &mut Out, outer: &Algorithm, signed: &Algorithm) {
    out.field(2, "Signature algorithm", &algorithm(outer));
    if signed != outer {
        out.field(2, "TBS signature alg.", &algorithm(signed));
    }
}

fn crl(out: &mut Out, c: &super::crl::CrlInfo) {
    use super::crl::CrlState;
    out.heading(0, "Certificate revocation list");
    out.field(2, "Version", &c.version.to_string());
    signature_algorithms(out, &c.signature_algorithm, &c.tbs_signature_algorithm);
    out.field(2, "Issuer", &c.issuer.text);
    let time = |t: &super::TimeInfo| format!("{} ({})", t.time, t.encoding);
    out.field(2, "This update", &time(&c.this_update));
    match &c.next_update {
        Some(n) => out.field(2, "Next update", &time(n)),
        None => out.field(2, "Next update", "(none)"),
    }
    let (code, text) = match c.state {
        CrlState::Current => ("32", "current"),
        CrlState::Expired => ("31", "expired: nextUpdate has passed"),
        CrlState::NotYetValid => ("33", "not yet valid"),
        CrlState::NoNextUpdate => ("33", "no nextUpdate"),
    };
    let state = out.paint(code, text);
    out.field(2, "Status", &format!("{state} (at {})", c.at));
    if let Some(n) = &c.crl_number {
        out.field(2, "CRL number", n);
    }
    if let Some(b) = &c.delta_base {
        out.field(2, "Delta of CRL number", b);
    }
    extensions(out, &c.extensions);
    if c.revoked.is_empty() {
        out.field(2, "Revoked", "none");
    } else {
        out.heading(2, &format!("Revoked certificates ({}):", c.revoked.len()));
        for r in &c.revoked {
            out.line(
                4,
                &format!(
                    "{} ({}) on {}",
                    colons(&r.serial.hex).to_lowercase(),
                    r.serial.decimal,
                    r.revocation_date.time
                ),
            );
            for e in &r.extensions {
                let name = e.name.map_or_else(|| e.oid.clone(), str::to_owned);
                let crit = if e.critical { " (critical)" } else { "" };
                out.line(
                    6,
                    &format!(
                        "{name}{crit}: {}",
                        printable(&e.value.lines(&e.der).join("; "))
                    ),
                );
            }
        }
    }
    out.hex_block(2, "Signature", &c.signature);
    out.field(2, "SHA-256 fingerprint", &colons(&c.fingerprints.sha256));
    out.field(2, "SHA-1 fingerprint", &colons(&c.fingerprints.sha1));
}

fn validity(out: &mut Out, v: &Validity) {
    let time = |t: &super::TimeInfo| format!("{} ({})", t.time, t.encoding);
    out.field(2, "Not before", &time(&v.not_before));
    out.field(2, "Not after", &time(&v.not_after));
    let days = |n: i64| {
        if n == 1 {
            "1 day".to_owned()
        } else {
            format!("{n} days")
        }
    };
    let (code, text) = match v.state {
        ValidityState::Valid => ("32", format!("valid, {} remaining", days(v.days))),
        ValidityState::Expired => ("31", format!("expired {} ago", days(v.days))),
        ValidityState::NotYetValid => ("33", format!("not yet valid, starts in {}", days(v.days))),
    };
    let state = out.paint(code, &text);
    out.field(2, "Status", &format!("{state} (at {})", v.at));
}

fn public_key(out: &mut Out, indent: usize, k: &PublicKeyInfo) {
    out.field(indent, "Algorithm", &algorithm(&k.algorithm));
    key_details(out, indent, &k.key);
    out.field(indent, "SHA-256 (SPKI)", &colons(&k.sha256));
}

fn key_details(out: &mut Out, indent: usize, k: &KeyDetails) {
    match k {
        KeyDetails::Rsa {
            bits,
            exponent,
            modulus,
        } => {
            out.field(indent, "Size", &format!("{bits} bits"));
            out.field(indent, "Exponent", exponent);
            out.hex_block(indent, "Modulus", modulus);
        }
        KeyDetails::Ec {
            curve,
            curve_oid,
            bits,
            point,
        } => {
            let mut c = curve.clone();
            if let (Some(o), Some(_)) = (curve_oid, bits) {
                let _ = write!(c, " ({o})");
            }
            out.field(indent, "Curve", &c);
            if let Some(b) = bits {
                out.field(indent, "Size", &format!("{b} bits"));
            }
            if let Some(p) = point {
                out.hex_block(indent, "Point", p);
            }
        }
        KeyDetails::Edwards {
            algorithm,
            bits,
            public,
        } => {
            out.field(indent, "Key", &format!("{algorithm} ({bits} bits)"));
            if let Some(p) = public {
                out.hex_block(indent, "Public", p);
            }
        }
        KeyDetails::Other { key } => out.hex_block(indent, "Key (not decoded)", key),
        KeyDetails::Malformed { error } => out.field(indent, "Key", &format!("malformed: {error}")),
    }
}

fn extensions(out: &mut Out, exts: &[ExtensionInfo]) {
    if exts.is_empty() {
        out.field(2, "Extensions", "none");
        return;
    }
    out.heading(2, "Extensions:");
    for e in exts {
        let name = match e.name {
            Some(n) => format!("{n} ({})", e.oid),
            None => e.oid.clone(),
        };
        let crit = if e.critical {
            format!(", {}", out.paint("33", "critical"))
        } else {
            String::new()
        };
        out.line(4, &format!("{name}{crit}:"));
        for l in e.value.lines(&e.der) {
            out.line(6, &printable(&l));
        }
    }
}

fn request(out: &mut Out, c: &CsrInfo) {
    out.heading(0, "Certificate request");
    out.field(2, "Version", &c.version.to_string());
    out.field(2, "Subject", &c.subject.text);
    out.field(2, "Public key", &c.public_key.key.summary());
    public_key(out, 4, &c.public_key);
    for a in &c.attributes {
        let name = a
            .name
            .map_or_else(|| a.oid.clone(), |n| format!("{n} ({})", a.oid));
        out.field(
            2,
            "Attribute",
            &format!("{name}: {}", printable(&a.values.join(", "))),
        );
    }
    extensions(out, &c.extensions);
    out.field(2, "Signature algorithm", &algorithm(&c.signature_algorithm));
    let check = match c.signature_check {
        SignatureCheck::Valid => out.paint("32", "valid"),
        SignatureCheck::Invalid => out.paint("31", "INVALID"),
        SignatureCheck::NotChecked => "not checked (algorithm not supported)".to_owned(),
    };
    out.field(2, "Self-signature", &check);
    out.hex_block(2, "Signature", &c.signature);
    out.field(2, "SHA-256 fingerprint", &colons(&c.fingerprints.sha256));
    out.field(2, "SHA-1 fingerprint", &colons(&c.fingerprints.sha1));
}

fn private_key(out: &mut Out, k: &PrivateKeyInfo) {
    out.heading(0, "Private key");
    let format = match k.format {
        "pkcs8" => "PKCS#8",
        "pkcs8_encrypted" => "PKCS#8, encrypted",
        "pkcs1" => "PKCS#1 (RSA)",
        _ => "SEC1 (EC)",
    };
    out.field(2, "Format", format);
    match &k.key {
        Some(details) => {
            out.field(2, "Algorithm", &algorithm(&k.algorithm));
            out.field(2, "Key", &details.summary());
            key_details(out, 4, details);
            if let Some(h) = &k.public_key_sha256 {
                out.field(4, "SHA-256 (SPKI)", &colons(h));
            }
        }
        None => out.field(2, "Encryption", &algorithm(&k.algorithm)),
    }
}
