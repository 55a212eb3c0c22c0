//! The catalogue of lint rules: id, severity, one-line explanation, and the RFC section or
//! reason. docs/cli.md lists the same rules; a test keeps them in step.

use super::{Rule, Severity::*};

macro_rules! rules {
    ($($name:ident = $id:literal, $sev:ident, $msg:literal, $refr:literal;)*) => {
        $(pub const $name: Rule = Rule { id: $id, severity: $sev, message: $msg, reference: $refr };)*
        /// Every rule, in the order they are documented.
        pub const ALL: &[Rule] = &[$($name),*];
    };
}

rules! {
    VERSION_MISMATCH = "version-mismatch", Error,
        "extensions or unique identifiers in a certificate that is not version 3",
        "RFC 5280 4.1.2.1";
    VERSION_NOT_V3 = "version-not-v3", Warning,
        "certificate is not version 3: it cannot carry basicConstraints or keyUsage",
        "RFC 5280 4.1.2.1";
    SERIAL_ZERO = "serial-zero", Error,
        "serial number is zero", "RFC 5280 4.1.2.2";
    SERIAL_NEGATIVE = "serial-negative", Error,
        "serial number is negative", "RFC 5280 4.1.2.2";
    SERIAL_TOO_LONG = "serial-too-long", Error,
        "serial number is longer than 20 octets", "RFC 5280 4.1.2.2";
    SIGNATURE_MISMATCH = "signature-algorithm-mismatch", Error,
        "signatureAlgorithm differs from the signature field of tbsCertificate",
        "RFC 5280 4.1.1.2";
    SIGNATURE_WEAK_HASH = "signature-weak-hash", Error,
        "signed with MD2, MD5 or SHA-1, whose collisions let others forge certificates",
        "RFC 6151, RFC 9155; SHA-1 collisions (SHAttered, 2017)";
    TIME_ENCODING = "time-encoding", Error,
        "a validity date before 2050 is encoded as GeneralizedTime instead of UTCTime",
        "RFC 5280 4.1.2.5";
    VALIDITY_ORDER = "validity-order", Error,
        "notBefore is after notAfter: the certificate is never valid", "RFC 5280 4.1.2.5";
    EXPIRED = "expired", Warning,
        "the certificate has expired", "RFC 5280 4.1.2.5 (validity at the time checked)";
    NOT_YET_VALID = "not-yet-valid", Warning,
        "the certificate is not valid yet", "RFC 5280 4.1.2.5 (validity at the time checked)";
    ISSUER_EMPTY = "issuer-empty", Error,
        "issuer name is empty", "RFC 5280 4.1.2.4";
    SUBJECT_EMPTY_SAN = "subject-empty-san", Error,
        "subject is empty but subjectAltName is missing or not critical", "RFC 5280 4.1.2.6";
    EXTENSION_DUPLICATE = "extension-duplicate", Error,
        "an extension appears more than once", "RFC 5280 4.2";
    EXTENSION_UNKNOWN_CRITICAL = "extension-unknown-critical", Error,
        "a critical extension that verifiers may not recognise, and must then reject",
        "RFC 5280 4.2";
    EXTENSION_MALFORMED = "extension-malformed", Error,
        "an extension's value does not decode", "RFC 5280 4.2";
    CA_BASIC_CONSTRAINTS_NOT_CRITICAL = "ca-basic-constraints-not-critical", Error,
        "CA certificate whose basicConstraints is not critical", "RFC 5280 4.2.1.9";
    CA_KEY_USAGE_MISSING = "ca-key-usage-missing", Error,
        "CA certificate without keyUsage", "RFC 5280 4.2.1.3";
    CA_KEY_CERT_SIGN_MISSING = "ca-key-cert-sign-missing", Error,
        "CA certificate whose keyUsage lacks keyCertSign", "RFC 5280 4.2.1.9";
    CA_SKI_MISSING = "ca-ski-missing", Error,
        "CA certificate without subjectKeyIdentifier", "RFC 5280 4.2.1.2";
    KEY_CERT_SIGN_NOT_CA = "key-cert-sign-not-ca", Error,
        "keyUsage keyCertSign in a certificate that is not a CA (basicConstraints cA)",
        "RFC 5280 4.2.1.3";
    PATH_LEN_NOT_CA = "path-len-not-ca", Error,
        "pathLenConstraint without cA and keyCertSign", "RFC 5280 4.2.1.9";
    AKI_MISSING = "aki-missing", Error,
        "certificate not self-issued without authorityKeyIdentifier keyIdentifier",
        "RFC 5280 4.2.1.1";
    SKI_MISSING = "ski-missing", Notice,
        "end-entity certificate without subjectKeyIdentifier", "RFC 5280 4.2.1.2 (SHOULD)";
    KEY_USAGE_NOT_CRITICAL = "key-usage-not-critical", Warning,
        "keyUsage is not critical", "RFC 5280 4.2.1.3 (SHOULD)";
    KEY_USAGE_EMPTY = "key-usage-empty", Error,
        "keyUsage has no bit set", "RFC 5280 4.2.1.3";
    KEY_USAGE_KEY_TYPE = "key-usage-key-type", Error,
        "keyUsage bits that the key's algorithm cannot do",
        "RFC 3279 2.3.1 (RSA), RFC 5480 3 (EC), RFC 8410 5 (Ed25519/Ed448, X25519/X448)";
    KEY_USAGE_ENCIPHER_ONLY = "key-usage-encipher-only", Warning,
        "encipherOnly or decipherOnly without keyAgreement has no meaning", "RFC 5280 4.2.1.3";
    EKU_KEY_USAGE = "eku-key-usage", Error,
        "an extendedKeyUsage purpose that no keyUsage bit allows: the certificate cannot serve it",
        "RFC 5280 4.2.1.12";
    SAN_EMPTY = "san-empty", Error,
        "subjectAltName has no entry", "RFC 5280 4.2.1.6";
    SAN_EMPTY_NAME = "san-empty-name", Error,
        "subjectAltName has an empty name", "RFC 5280 4.2.1.6";
    SAN_DNS = "san-dns", Error,
        "subjectAltName dNSName is not a host name (letters, digits, '-', dots, a leading '*.')",
        "RFC 5280 4.2.1.6, RFC 1034 3.5";
    SAN_IP_LENGTH = "san-ip-length", Error,
        "subjectAltName iPAddress is not 4 (IPv4) or 16 (IPv6) octets", "RFC 5280 4.2.1.6";
    SAN_EMAIL = "san-email", Error,
        "subjectAltName rfc822Name is not an e-mail address", "RFC 5280 4.2.1.6";
    SAN_URI = "san-uri", Error,
        "subjectAltName URI has no scheme", "RFC 5280 4.2.1.6, RFC 3986";
    RSA_KEY_SIZE = "rsa-key-size", Error,
        "RSA key shorter than 2048 bits", "NIST SP 800-131A: under 2048 bits is disallowed";
    RSA_EXPONENT = "rsa-exponent", Warning,
        "RSA public exponent other than 65537",
        "FIPS 186-5 A.1.1 (65537 <= e < 2^256, odd); small exponents break with bad padding";
    CRL_VERSION = "crl-version", Error,
        "extensions in a version 1 CRL", "RFC 5280 5.1.2.1";
    CRL_SIGNATURE_MISMATCH = "crl-signature-algorithm-mismatch", Error,
        "the CRL's signatureAlgorithm differs from the signature field of tbsCertList",
        "RFC 5280 5.1.1.2";
    CRL_ISSUER_EMPTY = "crl-issuer-empty", Error,
        "the CRL's issuer name is empty", "RFC 5280 5.1.2.3";
    CRL_TIME_ENCODING = "crl-time-encoding", Error,
        "a CRL date before 2050 is encoded as GeneralizedTime instead of UTCTime",
        "RFC 5280 5.1.2.4, 5.1.2.5";
    CRL_NEXT_UPDATE_MISSING = "crl-next-update-missing", Error,
        "the CRL has no nextUpdate: relying parties cannot tell when it is stale",
        "RFC 5280 5.1.2.5";
    CRL_UPDATE_ORDER = "crl-update-order", Error,
        "the CRL's nextUpdate is before its thisUpdate", "RFC 5280 5.1.2.5";
    CRL_EXPIRED = "crl-expired", Warning,
        "the CRL's nextUpdate has passed: verifiers refuse it (a newer CRL is due)",
        "RFC 5280 5.1.2.5, 6.3.3 (a) (at the time checked)";
    CRL_NOT_YET_VALID = "crl-not-yet-valid", Warning,
        "the CRL's thisUpdate is in the future", "RFC 5280 5.1.2.4 (at the time checked)";
    CRL_AKI_MISSING = "crl-aki-missing", Error,
        "the CRL has no authorityKeyIdentifier", "RFC 5280 5.2.1";
    CRL_NUMBER_MISSING = "crl-number-missing", Error,
        "the CRL has no cRLNumber", "RFC 5280 5.2.3";
    CRL_NUMBER_CRITICAL = "crl-number-critical", Error,
        "the CRL's cRLNumber is marked critical", "RFC 5280 5.2.3";
    CRL_EXTENSION_NOT_CRITICAL = "crl-extension-not-critical", Error,
        "deltaCRLIndicator or issuingDistributionPoint is not critical: verifiers that do not \
         process it would take the CRL for a complete one",
        "RFC 5280 5.2.4, 5.2.5";
    CRL_EMPTY_LIST = "crl-empty-revoked-list", Error,
        "revokedCertificates is present but empty (it must then be absent)", "RFC 5280 5.1.2.6";
    CRL_ENTRY_DUPLICATE = "crl-entry-duplicate", Warning,
        "a serial number is listed twice", "RFC 5280 5.1.2.6";
    CRL_REASON_UNSPECIFIED = "crl-reason-unspecified", Notice,
        "reasonCode unspecified: the extension should then be absent", "RFC 5280 5.3.1 (SHOULD)";
    CRL_REMOVE_NOT_DELTA = "crl-remove-not-delta", Error,
        "reasonCode removeFromCRL in a CRL that is not a delta CRL", "RFC 5280 5.3.1";
    CRL_CERTIFICATE_ISSUER_NOT_INDIRECT = "crl-certificate-issuer-not-indirect", Error,
        "certificateIssuer entry in a CRL whose issuingDistributionPoint does not say indirectCRL",
        "RFC 5280 5.3.3";
    CSR_SIGNATURE = "csr-signature", Error,
        "the CSR's self-signature does not verify", "RFC 2986 3 (proof of possession)";
    ETCD_SERVER_AUTH = "etcd-server-auth", Error,
        "extendedKeyUsage lacks serverAuth: etcd's clients and peers refuse it as a server",
        "etcd serves client and peer TLS with it; Go checks serverAuth";
    ETCD_CLIENT_AUTH = "etcd-client-auth", Error,
        "extendedKeyUsage lacks clientAuth: etcd refuses it as a client certificate",
        "etcd with client-cert-auth checks clientAuth (Go crypto/x509)";
    ETCD_EKU_MISSING = "etcd-eku-missing", Warning,
        "no extendedKeyUsage: Go allows any purpose, but the role is not stated",
        "etcd's TLS guide asks for serverAuth/clientAuth";
    ETCD_SAN_MISSING = "etcd-san-missing", Error,
        "server certificate without subjectAltName: Go ignores the CN since 1.15",
        "Go crypto/x509: hostnames are checked against SANs only";
    ETCD_SAN_IP = "etcd-san-ip", Warning,
        "server certificate without an IP address SAN: clients that dial etcd by IP refuse it",
        "etcd URLs are usually IP addresses (listen-client-urls)";
    ETCD_KEY_USAGE = "etcd-key-usage", Warning,
        "RSA server certificate whose keyUsage lacks digitalSignature or keyEncipherment",
        "TLS 1.2 RSA key exchange needs keyEncipherment, ECDHE needs digitalSignature";
}
