//! Certificate revocation lists ([RFC 5280 5]) as `pki show` describes them: issuer, update
//! times judged at a given time, the CRL's extensions (cRLNumber, deltaCRLIndicator,
//! issuingDistributionPoint, ...) and each revoked certificate with its entry extensions
//! (reasonCode, invalidityDate, certificateIssuer). Nothing here verifies the signature: that
//! is `pki verify --crl`.
//!
//! [RFC 5280 5]: https://www.rfc-editor.org/rfc/rfc5280#section-5

use std::time::SystemTime;

use der::{Decode, Encode, Tagged};
use serde::Serialize;
use x509_cert::crl::CertificateList;

use super::{
    Algorithm, DistinguishedName, ExtensionInfo, Fingerprints, Object, Serial, TimeInfo,
    describe_extension, hex, rfc3339, unix_secs,
};
use crate::error::{Error, Result};

/// Where the time falls against thisUpdate and nextUpdate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CrlState {
    /// thisUpdate <= time <= nextUpdate.
    Current,
    /// time > nextUpdate: a newer CRL should exist.
    Expired,
    /// time < thisUpdate.
    NotYetValid,
    /// No nextUpdate (RFC 5280 5.1.2.5: conforming CAs include it).
    NoNextUpdate,
}

/// One revoked certificate.
#[derive(Debug, Clone, Serialize)]
pub struct RevokedInfo {
    pub serial: Serial,
    pub revocation_date: TimeInfo,
    pub extensions: Vec<ExtensionInfo>,
}

/// An X.509 CRL.
#[derive(Debug, Clone, Serialize)]
pub struct CrlInfo {
    /// 1 or 2.
    pub version: u8,
    /// The outer signatureAlgorithm.
    pub signature_algorithm: Algorithm,
    /// The signature field of tbsCertList (must equal the outer one).
    pub tbs_signature_algorithm: Algorithm,
    pub issuer: DistinguishedName,
    pub this_update: TimeInfo,
    pub next_update: Option<TimeInfo>,
    pub state: CrlState,
    /// The time the state was judged at (RFC 3339).
    pub at: String,
    /// cRLNumber, in decimal.
    pub crl_number: Option<String>,
    /// A delta CRL's BaseCRLNumber, in decimal.
    pub delta_base: Option<String>,
    pub extensions: Vec<ExtensionInfo>,
    pub revoked: Vec<RevokedInfo>,
    /// The signature value, lowercase hex.
    pub signature: String,
    pub fingerprints: Fingerprints,
}

/// Decodes and describes one DER CRL.
pub(super) fn crl(der: &[u8], now: SystemTime) -> Result<Object> {
    let list = decode(der).map_err(|source| Error::Der {
        what: "CRL",
        source,
    })?;
    Ok(describe_crl(&list, der, now))
}

/// Decodes a CertificateList. A version 1 CRL omits the version field (RFC 5280 5.1.2.1: it
/// is OPTIONAL, and `openssl ca -gencrl` without CRL extensions writes it so), which x509-cert
/// 0.3 requires: such a CRL is read as if `version v1` were there.
pub fn decode(der: &[u8]) -> der::Result<CertificateList> {
    match CertificateList::from_der(der) {
        Ok(l) => Ok(l),
        Err(e) => {
            let outer = der::asn1::AnyRef::from_der(der).map_err(|_| e)?;
            let mut reader = der::SliceReader::new(outer.value()).map_err(|_| e)?;
            let tbs = der::asn1::AnyRef::decode(&mut reader).map_err(|_| e)?;
            let left = der::Reader::remaining_len(&reader);
            let rest = der::Reader::read_slice(&mut reader, left).map_err(|_| e)?;
            let tbs = with_version(&tbs.to_der().map_err(|_| e)?).ok_or(e)?;
            let mut content = tbs;
            content.extend_from_slice(rest);
            let patched = der::asn1::AnyRef::new(der::Tag::Sequence, &content)
                .and_then(|a| a.to_der())
                .map_err(|_| e)?;
            CertificateList::from_der(&patched).map_err(|_| e)
        }
    }
}

/// A TBSCertList without its version field, with `version v1` inserted; `None` when it has
/// one (or is not a SEQUENCE).
pub fn with_version(tbs: &[u8]) -> Option<Vec<u8>> {
    let any = der::asn1::AnyRef::from_der(tbs).ok()?;
    if any.tag() != der::Tag::Sequence || any.value().first() != Some(&0x30) {
        return None;
    }
    let mut content = vec![0x02, 0x01, 0x00];
    content.extend_from_slice(any.value());
    der::asn1::AnyRef::new(der::Tag::Sequence, &content)
        .and_then(|a| a.to_der())
        .ok()
}

/// Describes a decoded CRL; `der` is its encoding (for fingerprints).
pub fn describe_crl(list: &CertificateList, der: &[u8], now: SystemTime) -> Object {
    let tbs = &list.tbs_cert_list;
    let this_update = TimeInfo::new(&tbs.this_update);
    let next_update = tbs.next_update.as_ref().map(TimeInfo::new);
    let t = unix_secs(now);
    let state = if t < this_update.unix {
        CrlState::NotYetValid
    } else {
        match &next_update {
            None => CrlState::NoNextUpdate,
            Some(n) if t > n.unix => CrlState::Expired,
            Some(_) => CrlState::Current,
        }
    };
    let extensions: Vec<ExtensionInfo> = tbs
        .crl_extensions
        .iter()
        .flatten()
        .map(describe_extension)
        .collect();
    let number = |oid: der::asn1::ObjectIdentifier| {
        tbs.crl_extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == oid)
            .and_then(|e| der::asn1::Uint::from_der(e.extn_value.as_bytes()).ok())
            .map(|n| super::to_decimal(n.as_bytes()))
    };
    Object::Crl(Box::new(CrlInfo {
        version: tbs.version as u8 + 1,
        signature_algorithm: Algorithm::new(&list.signature_algorithm),
        tbs_signature_algorithm: Algorithm::new(&tbs.signature),
        issuer: DistinguishedName::new(&tbs.issuer),
        this_update,
        next_update,
        state,
        at: rfc3339(now),
        crl_number: number(der::oid::db::rfc5280::ID_CE_CRL_NUMBER),
        delta_base: number(der::oid::db::rfc5280::ID_CE_DELTA_CRL_INDICATOR),
        extensions,
        revoked: tbs
            .revoked_certificates
            .iter()
            .flatten()
            .map(|r| RevokedInfo {
                serial: Serial::new(r.serial_number.as_bytes()),
                revocation_date: TimeInfo::new(&r.revocation_date),
                extensions: r
                    .crl_entry_extensions
                    .iter()
                    .flatten()
                    .map(describe_extension)
                    .collect(),
            })
            .collect(),
        signature: hex(list.signature.raw_bytes()),
        fingerprints: Fingerprints::of(der),
    }))
}
