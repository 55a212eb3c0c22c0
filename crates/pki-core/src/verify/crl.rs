//! Revocation by CRLs, the basic case of [RFC 5280 6.3]: a complete CRL from the
//! certificate's issuer, signed by the issuer's key, current at the validation time, with no
//! extension that changes its scope. Whatever goes beyond that — issuingDistributionPoint,
//! delta CRLs, indirect CRLs (cRLIssuer, certificateIssuer entries), critical extensions pki
//! does not know — fails closed (`crl-unsupported`): pki never says "not revoked" when it
//! cannot tell.
//!
//! ```text
//! CertificateList  ::=  SEQUENCE  {
//!      tbsCertList          TBSCertList,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//! ```
//!
//! [RFC 5280 6.3]: https://www.rfc-editor.org/rfc/rfc5280#section-6.3

use der::{
    Decode, Encode, Sequence,
    asn1::{AnyRef, BitString, ObjectIdentifier as Oid},
};
use spki::AlgorithmIdentifierOwned;
use x509_cert::{crl::TbsCertList, ext::pkix::KeyUsages};

use super::{Options, Reason, names, sig};
use crate::view::CertView;

const CRL_NUMBER: Oid = Oid::new_unwrap("2.5.29.20");
const AUTHORITY_KEY_ID: Oid = Oid::new_unwrap("2.5.29.35");
const ISSUER_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.18");
const ISSUING_DISTRIBUTION_POINT: Oid = Oid::new_unwrap("2.5.29.28");
const DELTA_CRL_INDICATOR: Oid = Oid::new_unwrap("2.5.29.27");
/// Entry extensions pki reads or may ignore: reasonCode, invalidityDate.
const REASON_CODE: Oid = Oid::new_unwrap("2.5.29.21");
const INVALIDITY_DATE: Oid = Oid::new_unwrap("2.5.29.24");

#[derive(Sequence)]
struct Outer<'a> {
    tbs: AnyRef<'a>,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

/// One CRL, parsed.
#[derive(Debug, Clone)]
pub struct Crl {
    tbs_der: Vec<u8>,
    tbs: TbsCertList,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: Option<Vec<u8>>,
}

impl Crl {
    /// Parses one DER CRL; `None` when it does not decode.
    pub fn from_der(der: &[u8]) -> Option<Crl> {
        let outer = Outer::from_der(der).ok()?;
        let tbs_der = outer.tbs.to_der().ok()?;
        let tbs = TbsCertList::from_der(&tbs_der).ok()?;
        Some(Crl {
            tbs_der,
            tbs,
            signature_algorithm: outer.signature_algorithm,
            signature: outer.signature.as_bytes().map(<[u8]>::to_vec),
        })
    }
}

/// Every CRL of the inputs (PEM `X509 CRL` blocks or DER); `None` when one does not decode.
pub fn parse_all(inputs: &[Vec<u8>]) -> Option<Vec<Crl>> {
    let mut out = Vec::new();
    for input in inputs {
        if crate::pem::is_pem(input) {
            for b in crate::pem::decode_all(input).ok()? {
                if b.label == "X509 CRL" {
                    out.push(Crl::from_der(&b.der)?);
                }
            }
        } else {
            out.push(Crl::from_der(input)?);
        }
    }
    Some(out)
}

type Fail = (Reason, String);

fn unsupported(what: &str) -> Fail {
    (
        Reason::CrlUnsupported,
        format!("{what}, which pki does not process yet"),
    )
}

/// Checks that `c`, issued by `issuer`, is not revoked by the CRLs.
pub fn check(c: &CertView, issuer: &CertView, crls: &[Crl], o: &Options) -> Result<(), Fail> {
    if let Some(dps) = &c.crl_distribution_points
        && dps
            .iter()
            .any(|dp| dp.crl_issuer.is_some() || dp.reasons.is_some())
    {
        return Err(unsupported(
            "its cRLDistributionPoints name a cRLIssuer or reasons",
        ));
    }
    let mut problem: Option<Fail> = None;
    for crl in crls
        .iter()
        .filter(|crl| names::name_eq(&crl.tbs.issuer, &issuer.subject))
    {
        match usable(crl, issuer, o) {
            Ok(()) => return revoked(c, crl),
            Err(e) => {
                // The most telling problem: unsupported features first, then the others.
                if problem
                    .as_ref()
                    .is_none_or(|p| p.0 != Reason::CrlUnsupported)
                {
                    problem = Some(e);
                }
            }
        }
    }
    Err(problem.unwrap_or((
        Reason::CrlMissing,
        "no CRL from its issuer was given".into(),
    )))
}

/// A CRL that can be relied on for certificates of `issuer`.
fn usable(crl: &Crl, issuer: &CertView, o: &Options) -> Result<(), Fail> {
    for e in crl.tbs.crl_extensions.as_deref().unwrap_or(&[]) {
        match e.extn_id {
            CRL_NUMBER | AUTHORITY_KEY_ID | ISSUER_ALT_NAME => {}
            ISSUING_DISTRIBUTION_POINT | DELTA_CRL_INDICATOR => {
                return Err(unsupported(&format!(
                    "the CRL has extension {} (issuingDistributionPoint or deltaCRLIndicator)",
                    e.extn_id
                )));
            }
            oid if e.critical => {
                return Err((
                    Reason::UnhandledCriticalCrlExtension,
                    format!("the CRL has critical extension {oid}, unknown to pki"),
                ));
            }
            oid if oid == Oid::new_unwrap("2.5.29.46") => {
                return Err(unsupported("the CRL points to delta CRLs (freshestCRL)"));
            }
            _ => {}
        }
    }
    if let Some(ku) = &issuer.key_usage
        && !ku.0.contains(KeyUsages::CRLSign)
    {
        return Err((
            Reason::KeyUsageNoCrlSign,
            "the issuer's keyUsage lacks cRLSign".into(),
        ));
    }
    let sig = crl.signature.as_deref().ok_or((
        Reason::CrlSignatureFailure,
        "the CRL's signature has unused bits".into(),
    ))?;
    if crl.signature_algorithm != crl.tbs.signature {
        return Err((
            Reason::CrlSignatureFailure,
            "the CRL's two signature algorithm fields differ".into(),
        ));
    }
    sig::check(&crl.signature_algorithm, &issuer.spki, &crl.tbs_der, sig, o).map_err(|e| {
        let reason = if e.reason == Reason::BadSignature {
            Reason::CrlSignatureFailure
        } else {
            e.reason
        };
        (reason, format!("CRL: {}", e.detail))
    })?;
    let secs = |t: &x509_cert::time::Time| {
        i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
    };
    if secs(&crl.tbs.this_update) > o.time {
        return Err((
            Reason::CrlNotYetValid,
            "the CRL's thisUpdate is after the validation time".into(),
        ));
    }
    if let Some(next) = &crl.tbs.next_update
        && secs(next) < o.time
    {
        return Err((
            Reason::CrlExpired,
            "the CRL's nextUpdate is before the validation time".into(),
        ));
    }
    Ok(())
}

fn revoked(c: &CertView, crl: &Crl) -> Result<(), Fail> {
    for entry in crl.tbs.revoked_certificates.as_deref().unwrap_or(&[]) {
        for e in entry.crl_entry_extensions.as_deref().unwrap_or(&[]) {
            match e.extn_id {
                REASON_CODE | INVALIDITY_DATE => {}
                oid if oid == Oid::new_unwrap("2.5.29.29") => {
                    return Err(unsupported(
                        "the CRL is indirect (certificateIssuer entries)",
                    ));
                }
                oid if e.critical => {
                    return Err((
                        Reason::UnhandledCriticalCrlExtension,
                        format!("a CRL entry has critical extension {oid}, unknown to pki"),
                    ));
                }
                _ => {}
            }
        }
        if entry.serial_number.as_bytes() == c.serial.as_slice() {
            return Err((
                Reason::Revoked,
                format!(
                    "revoked on {}",
                    crate::inspect::format_unix(
                        i64::try_from(entry.revocation_date.to_unix_duration().as_secs())
                            .unwrap_or(i64::MAX)
                    )
                ),
            ));
        }
    }
    Ok(())
}
