//! `x509 -purpose`: OpenSSL 3.0's `X509_check_purpose` for each of its purposes, as a leaf and
//! as a CA (crypto/x509/v3_purp.c). Netscape certificate types are not read: a certificate
//! carrying that old extension may be judged differently.

use std::fmt::Write as _;

use der::asn1::ObjectIdentifier;

use crate::{
    cert,
    ext::{Eku, ExtSpec, IsCa, KeyUsage, KeyUsageBit as Ku},
};
use x509_cert::{Certificate, certificate::Version};

/// What OpenSSL caches of a certificate for these checks.
struct Facts {
    /// basicConstraints: present, and its cA flag.
    bc: Option<bool>,
    ku: Option<KeyUsage>,
    eku: Option<Vec<Eku>>,
    eku_critical: bool,
    v1_self_signed: bool,
}

impl Facts {
    fn of(c: &Certificate) -> Facts {
        let mut f = Facts {
            bc: None,
            ku: None,
            eku: None,
            eku_critical: false,
            v1_self_signed: c.tbs_certificate().version() == Version::V1
                && c.tbs_certificate().subject() == c.tbs_certificate().issuer(),
        };
        for spec in cert::ext_specs(c).unwrap_or_default() {
            match spec {
                ExtSpec::BasicConstraints { ca, .. } => {
                    f.bc = Some(matches!(ca, IsCa::Ca { .. }));
                }
                ExtSpec::KeyUsage { usage, .. } => f.ku = Some(usage),
                ExtSpec::ExtendedKeyUsage { critical, purposes } => {
                    f.eku = Some(purposes);
                    f.eku_critical = critical;
                }
                _ => {}
            }
        }
        f
    }

    /// `ku_reject`: keyUsage present without any of `bits`.
    fn ku_reject(&self, bits: &[Ku]) -> bool {
        self.ku
            .is_some_and(|k| !bits.iter().any(|b| k.contains(*b)))
    }

    /// `xku_reject`: extendedKeyUsage present without any of `purposes`.
    fn xku_reject(&self, purposes: &[Eku]) -> bool {
        self.eku
            .as_ref()
            .is_some_and(|list| !purposes.iter().any(|p| list.contains(p)))
    }

    /// `check_ca`: 1 a CA by basicConstraints, 3 a v1 self-signed root, 4 keyCertSign alone.
    fn check_ca(&self) -> i32 {
        if self.ku_reject(&[Ku::KeyCertSign]) {
            return 0;
        }
        match self.bc {
            Some(ca) => i32::from(ca),
            None if self.v1_self_signed => 3,
            None if self.ku.is_some() => 4,
            None => 0,
        }
    }

    fn ssl(&self, ca: bool, eku: &[Eku], ku: &[Ku]) -> i32 {
        if self.xku_reject(eku) {
            return 0;
        }
        if ca {
            // check_ssl_ca: any kind of CA is a plain yes.
            return i32::from(self.check_ca() != 0);
        }
        i32::from(!self.ku_reject(ku))
    }

    fn smime(&self, ca: bool, ku: &[Ku]) -> i32 {
        if self.xku_reject(&[Eku::EmailProtection]) {
            return 0;
        }
        if ca {
            return self.check_ca();
        }
        i32::from(!self.ku_reject(ku))
    }

    fn timestamp(&self, ca: bool) -> i32 {
        if ca {
            return self.check_ca();
        }
        let signing = [Ku::DigitalSignature, Ku::NonRepudiation];
        if let Some(k) = self.ku
            && (k.bits().any(|b| !signing.contains(&b)) || !signing.iter().any(|b| k.contains(*b)))
        {
            return 0;
        }
        let only_timestamping =
            self.eku.as_deref() == Some(&[Eku::TimeStamping][..]) && self.eku_critical;
        i32::from(only_timestamping)
    }
}

/// OpenSSL's purposes: the short name of `-purpose`, the name `x509 -purpose` prints.
pub const PURPOSES: [(&str, &str); 9] = [
    ("sslclient", "SSL client"),
    ("sslserver", "SSL server"),
    ("nssslserver", "Netscape SSL server"),
    ("smimesign", "S/MIME signing"),
    ("smimeencrypt", "S/MIME encryption"),
    ("crlsign", "CRL signing"),
    ("any", "Any Purpose"),
    ("ocsphelper", "OCSP helper"),
    ("timestampsign", "Time Stamp signing"),
];

/// `X509_check_purpose(c, purpose, ca)`: 1 yes, 0 no, another code a yes with a warning;
/// `purpose` is a short name of [`PURPOSES`].
pub fn check(c: &Certificate, purpose: &str, ca: bool) -> Option<i32> {
    let f = Facts::of(c);
    let client = [Ku::DigitalSignature, Ku::KeyAgreement];
    let server = [Ku::DigitalSignature, Ku::KeyEncipherment, Ku::KeyAgreement];
    // Server Gated Crypto (Netscape's and Microsoft's) also allows a TLS server.
    let server_eku = [
        Eku::ServerAuth,
        Eku::Other(ObjectIdentifier::new_unwrap("2.16.840.1.113730.4.1")),
        Eku::Other(ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.10.3.3")),
    ];
    Some(match purpose {
        "sslclient" => f.ssl(ca, &[Eku::ClientAuth], &client),
        "sslserver" => f.ssl(ca, &server_eku, &server),
        "nssslserver" => {
            let r = f.ssl(ca, &server_eku, &server);
            if r == 0 || ca {
                r
            } else {
                i32::from(!f.ku_reject(&[Ku::KeyEncipherment]))
            }
        }
        "smimesign" => f.smime(ca, &[Ku::DigitalSignature, Ku::NonRepudiation]),
        "smimeencrypt" => f.smime(ca, &[Ku::KeyEncipherment]),
        "crlsign" => {
            if ca {
                match f.check_ca() {
                    2 => 0,
                    r => r,
                }
            } else {
                i32::from(!f.ku_reject(&[Ku::CrlSign]))
            }
        }
        "any" => 1,
        "ocsphelper" => {
            if ca {
                f.check_ca()
            } else {
                1
            }
        }
        "timestampsign" => f.timestamp(ca),
        _ => return None,
    })
}

/// The `Certificate purposes:` block of `x509 -purpose`.
pub fn print(c: &Certificate) -> String {
    let mut s = String::from("Certificate purposes:\n");
    for (short, name) in PURPOSES {
        for ca in [false, true] {
            let answer = match check(c, short, ca) {
                Some(1) => "Yes".to_owned(),
                Some(0) | None => "No".to_owned(),
                Some(code) => format!("Yes (WARNING code={code})"),
            };
            let _ = writeln!(s, "{name}{} : {answer}", if ca { " CA" } else { "" });
        }
    }
    s
}
