//! pki-core: RSA keys, PKCS#10 CSRs and X.509 v3 certificates for private PKIs, built on the
//! RustCrypto types, with the behaviour of the OpenSSL commands that etcd and Kubernetes
//! operators script.

pub mod asn1parse;
pub mod audit;
pub mod cert;
pub mod conf;
pub mod csr;
pub mod dh;
pub mod error;
pub mod etcd;
pub mod ext;
pub mod files;
pub mod finding;
pub mod init;
pub mod inspect;
pub mod key;
pub mod layout;
pub mod lint;
pub mod name;
pub mod openssl;
pub mod pbe;
pub mod pem;
pub mod pkcs12;
pub mod serial;
pub mod text;
pub mod verify;
pub mod view;

pub use error::{Error, Result};
