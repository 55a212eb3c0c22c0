//! Why a path is refused: a stable id for JSON and scripts, OpenSSL's `X509_V_ERR_*` number
//! and text for `pki openssl verify`, and plain words for people.

use std::fmt;

macro_rules! reasons {
    ($($(#[$doc:meta])* $v:ident = $id:literal, $code:literal, $text:literal, $plain:literal;)*) => {
        /// A reason a path is refused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Reason {
            $($(#[$doc])* $v,)*
        }

        impl Reason {
            /// Every reason.
            pub const ALL: &'static [Reason] = &[$(Reason::$v,)*];

            /// The stable id (`docs/json-schema.md`).
            pub fn id(self) -> &'static str {
                match self { $(Reason::$v => $id,)* }
            }

            /// OpenSSL's `X509_V_ERR_*` number.
            pub fn openssl_code(self) -> u32 {
                match self { $(Reason::$v => $code,)* }
            }

            /// OpenSSL 3.0's text for that number.
            pub fn openssl_text(self) -> &'static str {
                match self { $(Reason::$v => $text,)* }
            }

            /// What it means, in plain words.
            pub fn plain(self) -> &'static str {
                match self { $(Reason::$v => $plain,)* }
            }
        }
    };
}

reasons! {
    /// No issuer certificate was found.
    NoIssuer = "no-issuer", 20, "unable to get local issuer certificate",
        "no certificate among the trusted and untrusted ones issued it";
    /// A trusted certificate that is not self-signed, whose issuer is not trusted.
    TrustedNoIssuer = "trusted-not-anchor", 2, "unable to get issuer certificate",
        "it is trusted but not self-signed, and its issuer is not trusted (trusting an intermediate needs --partial-chain)";
    /// The leaf is self-signed and not trusted.
    SelfSignedLeaf = "self-signed-untrusted", 18, "self-signed certificate",
        "it is self-signed and not among the trusted certificates";
    /// The chain ends at a self-signed certificate that is not trusted.
    SelfSignedInChain = "untrusted-root", 19, "self-signed certificate in certificate chain",
        "the chain ends at a self-signed CA that is not among the trusted certificates";
    /// More intermediates than allowed.
    ChainTooLong = "chain-too-long", 22, "certificate chain too long",
        "the chain has more intermediates than allowed";
    /// The path-building or name-constraint budget ran out.
    BudgetExceeded = "budget-exceeded", 1, "unspecified certificate verification error",
        "checking it would take more work than pki allows for one certificate (a hostile or broken bundle?)";
    /// A signature does not verify.
    BadSignature = "bad-signature", 7, "certificate signature failure",
        "its signature does not verify with its issuer's public key";
    /// A signature algorithm pki does not implement.
    SignatureAlgorithmUnsupported = "unsupported-signature-algorithm", 7, "certificate signature failure",
        "it is signed with an algorithm pki does not implement, so pki cannot say it is valid";
    /// SHA-1 or MD5.
    WeakSignatureAlgorithm = "weak-signature-algorithm", 68, "CA signature digest algorithm too weak",
        "it is signed with an algorithm refused by default (SHA-1 or an older digest, or DSA)";
    /// An RSA key under the minimum size.
    WeakKey = "weak-key", 67, "CA certificate key too weak",
        "its RSA key is smaller than allowed (2048 bits by default)";
    /// A public key that does not decode.
    BadPublicKey = "bad-public-key", 6, "unable to decode issuer public key",
        "the issuer's public key does not decode";
    /// The signature algorithm does not fit the key type.
    SignatureKeyMismatch = "signature-key-mismatch", 77, "subject signature algorithm and issuer public key algorithm mismatch",
        "its signature algorithm does not fit the issuer's kind of key";
    /// The two signature algorithm fields differ.
    SignatureAlgorithmInconsistent = "signature-algorithm-inconsistent", 78, "cert info signature and signature algorithm mismatch",
        "the signature algorithm inside the certificate differs from the one outside (RFC 5280 4.1.1.2)";
    /// notBefore is after the validation time.
    NotYetValid = "not-yet-valid", 9, "certificate is not yet valid",
        "its validity period has not begun";
    /// notAfter is before the validation time.
    Expired = "expired", 10, "certificate has expired",
        "its validity period has ended";
    /// An issuer is not a CA.
    NotCa = "not-a-ca", 79, "invalid CA certificate",
        "it issued a certificate but is not a CA: basicConstraints CA:TRUE is missing";
    /// pathLenConstraint exceeded.
    PathLengthExceeded = "path-length-exceeded", 25, "path length constraint exceeded",
        "a CA above it allows fewer intermediates below it (pathLenConstraint)";
    /// A CA's keyUsage lacks keyCertSign.
    KeyUsageNoCertSign = "ca-key-usage", 32, "key usage does not include certificate signing",
        "its keyUsage lacks keyCertSign, so it may not sign certificates";
    /// The leaf's keyUsage does not allow the purpose.
    LeafKeyUsage = "leaf-key-usage", 26, "unsuitable certificate purpose",
        "its keyUsage does not allow the TLS role asked for (digitalSignature, or keyEncipherment for a server)";
    /// extendedKeyUsage lacks the purpose.
    EkuMissing = "eku-missing", 26, "unsuitable certificate purpose",
        "its extendedKeyUsage does not include the purpose asked for";
    /// A critical extension pki does not process.
    UnhandledCriticalExtension = "unhandled-critical-extension", 34, "unhandled critical extension",
        "it has a critical extension pki does not process, and RFC 5280 says to refuse it then";
    /// An extension that does not decode, or appears twice.
    MalformedExtension = "malformed-extension", 41, "invalid or inconsistent certificate extension",
        "one of its extensions does not decode, or appears twice";
    /// Extensions in a version 1 or 2 certificate.
    ExtensionsInV1 = "extensions-require-v3", 93, "Using cert extension requires at least X509v3",
        "it has extensions but is not a version 3 certificate";
    /// A name outside the permitted subtrees.
    PermittedViolation = "name-not-permitted", 47, "permitted subtree violation",
        "one of its names is outside the names a CA above it may certify (nameConstraints)";
    /// A name inside an excluded subtree.
    ExcludedViolation = "name-excluded", 48, "excluded subtree violation",
        "one of its names is among those a CA above it excludes (nameConstraints)";
    /// A name constraint on a name form pki cannot check.
    UnsupportedNameForm = "unsupported-name-constraint", 51, "unsupported name constraint type",
        "a CA above it constrains a kind of name pki cannot check, so pki cannot say it is valid";
    /// A malformed name constraint.
    NameConstraintSyntax = "name-constraint-syntax", 52, "unsupported or invalid name constraint syntax",
        "a name constraint of a CA above it is malformed";
    /// policyMappings to or from anyPolicy.
    InvalidPolicyExtension = "invalid-policy-extension", 42, "invalid or inconsistent certificate policy extension",
        "a policy extension is inconsistent (RFC 5280 6.1.4 (a))";
    /// No acceptable policy while one is required.
    NoExplicitPolicy = "no-explicit-policy", 43, "no explicit policy",
        "the path has no acceptable certificate policy, and one is required";
    /// A CRL feature pki does not process (a certificateIssuer that is not a directory name,
    /// CRL signers nested too deeply, a CRL that did not decode).
    CrlUnsupported = "crl-unsupported", 3, "unable to get certificate CRL",
        "its CRL uses a feature pki does not process, so pki cannot say it is not revoked";
    /// A CRL that is malformed (an extension twice or undecodable, a delta without cRLNumber).
    CrlMalformed = "crl-malformed", 3, "unable to get certificate CRL",
        "the CRL of its issuer is malformed, so it cannot be relied on";
    /// CRLs of its issuer were given, none of them covering it (issuingDistributionPoint,
    /// indirect CRL flags).
    CrlOutOfScope = "crl-out-of-scope", 44, "Different CRL scope",
        "no CRL given covers it: the CRLs of its issuer are for other distribution points or kinds of certificate";
    /// No certificate of the CRL issuer's name whose key signed the CRL.
    CrlIssuerNotFound = "crl-issuer-not-found", 33, "unable to get CRL issuer certificate",
        "the certificate whose key signed its CRL was not given";
    /// The certificate that signed the CRL does not validate to the same trust anchor.
    CrlPathInvalid = "crl-signer-invalid", 54, "CRL path validation error",
        "the certificate that signed its CRL is itself not valid (revoked, expired, or from another trust anchor)";
    /// No CRL from the issuer.
    CrlMissing = "crl-missing", 3, "unable to get certificate CRL",
        "revocation checking was asked for and no current CRL from its issuer was given";
    /// A CRL's signature does not verify.
    CrlSignatureFailure = "crl-bad-signature", 8, "CRL signature failure",
        "the CRL of its issuer does not verify with the issuer's key";
    /// A CRL's thisUpdate is after the validation time.
    CrlNotYetValid = "crl-not-yet-valid", 11, "CRL is not yet valid",
        "the CRL of its issuer is not yet valid";
    /// A CRL's nextUpdate is before the validation time.
    CrlExpired = "crl-expired", 12, "CRL has expired",
        "the CRL of its issuer is out of date (nextUpdate has passed)";
    /// The certificate is revoked.
    Revoked = "revoked", 23, "certificate revoked",
        "its issuer has revoked it";
    /// A CRL or CRL entry with a critical extension pki does not know.
    UnhandledCriticalCrlExtension = "crl-unhandled-critical-extension", 36, "unhandled critical CRL extension",
        "the CRL of its issuer has a critical extension pki does not know, so it cannot be relied on";
    /// The CRL issuer's keyUsage lacks cRLSign.
    KeyUsageNoCrlSign = "crl-key-usage", 35, "key usage does not include CRL signing",
        "its issuer's keyUsage lacks cRLSign, so its CRLs cannot be trusted";
    /// The leaf does not name the host.
    HostnameMismatch = "hostname-mismatch", 62, "hostname mismatch",
        "it does not name the host asked for in its subjectAltName";
    /// The leaf does not name the e-mail address.
    EmailMismatch = "email-mismatch", 63, "email address mismatch",
        "it does not name the e-mail address asked for";
    /// The leaf does not name the IP address.
    IpMismatch = "ip-mismatch", 64, "IP address mismatch",
        "it does not name the IP address asked for in its subjectAltName";
}

impl Reason {
    /// pki cannot give an answer: something it does not implement (never "invalid" for sure).
    /// A budget running out is not among them: that is a refusal by design, as Go and
    /// Chromium refuse, and the certificate is invalid for pki.
    pub fn is_unsupported(self) -> bool {
        matches!(
            self,
            Reason::SignatureAlgorithmUnsupported
                | Reason::UnsupportedNameForm
                | Reason::CrlUnsupported
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.plain())
    }
}

#[cfg(test)]
mod tests {
    use super::Reason;

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = Reason::ALL.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
}
