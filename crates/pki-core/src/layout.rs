//! The files of a set, laid out in one folder as the seed's pki.sh writes them: openssl.conf,
//! the CA's key and certificate, and the client (serving and client) and peer key, CSR and
//! certificate. `pki init` makes them in this order, `pki etcd config` reads them back, and
//! the checks read them with [`read_key`] and [`read_cert`], which name the file in errors.

use std::path::Path;

use x509_cert::Certificate;

use crate::{cert, error::Result, files, key::PrivateKey};

/// One file of a set; in `pki init`, the step of the script that makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetFile {
    Conf,
    CaKey,
    CaCert,
    ClientKey,
    ClientCsr,
    ClientCert,
    PeerKey,
    PeerCsr,
    PeerCert,
}

impl SetFile {
    /// Every step, in the script's order.
    pub const ALL: [SetFile; 9] = [
        SetFile::Conf,
        SetFile::CaKey,
        SetFile::CaCert,
        SetFile::ClientKey,
        SetFile::ClientCsr,
        SetFile::ClientCert,
        SetFile::PeerKey,
        SetFile::PeerCsr,
        SetFile::PeerCert,
    ];

    /// The file the step writes.
    pub fn file(self) -> &'static str {
        match self {
            SetFile::Conf => "openssl.conf",
            SetFile::CaKey => "ca.key",
            SetFile::CaCert => "ca.crt",
            SetFile::ClientKey => "client.key",
            SetFile::ClientCsr => "client.csr",
            SetFile::ClientCert => "client.crt",
            SetFile::PeerKey => "peer.key",
            SetFile::PeerCsr => "peer.csr",
            SetFile::PeerCert => "peer.crt",
        }
    }
}

/// Every file of the set in `dir` is a regular file or absent: a FIFO at ca.key would make
/// the script's `[ -f ]` false and its openssl block on the FIFO (`pki etcd config` checks
/// the same before it reads a set).
pub(crate) fn refuse_irregular(dir: &Path) -> Result<()> {
    for f in SetFile::ALL {
        files::is_regular(&dir.join(f.file()))?;
    }
    Ok(())
}

/// Reads a private key file, naming it in errors.
pub fn read_key(path: &Path) -> Result<PrivateKey> {
    PrivateKey::decode(&files::read_regular(path)?).map_err(|e| e.in_file(path))
}

/// Reads a certificate file, naming it in errors.
pub fn read_cert(path: &Path) -> Result<Certificate> {
    cert::decode(&files::read_regular(path)?).map_err(|e| e.in_file(path))
}
