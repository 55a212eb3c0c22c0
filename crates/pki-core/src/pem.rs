//! PEM armour ([RFC 7468]): many blocks per input, labels checked, DER passed through.
//!
//! [RFC 7468]: https://www.rfc-editor.org/rfc/rfc7468

use pem_rfc7468::LineEnding;

use crate::error::{Error, Result};

/// The label of unencrypted PKCS#8 private keys.
pub const PRIVATE_KEY: &str = "PRIVATE KEY";
/// The label of PKCS#1 RSA private keys.
pub const RSA_PRIVATE_KEY: &str = "RSA PRIVATE KEY";
/// The label of encrypted PKCS#8 private keys.
pub const ENCRYPTED_PRIVATE_KEY: &str = "ENCRYPTED PRIVATE KEY";
/// The label of SubjectPublicKeyInfo public keys.
pub const PUBLIC_KEY: &str = "PUBLIC KEY";
/// The label of PKCS#1 RSA public keys.
pub const RSA_PUBLIC_KEY: &str = "RSA PUBLIC KEY";
/// The label of X.509 certificates.
pub const CERTIFICATE: &str = "CERTIFICATE";
/// The label of PKCS#10 certificate requests.
pub const CERTIFICATE_REQUEST: &str = "CERTIFICATE REQUEST";
/// The label older tools (Netscape, some Java) give PKCS#10 requests.
pub const NEW_CERTIFICATE_REQUEST: &str = "NEW CERTIFICATE REQUEST";

/// One decoded PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The label between `-----BEGIN ` and `-----`.
    pub label: String,
    /// The decoded contents.
    pub der: Vec<u8>,
}

/// Whether `input` is PEM rather than DER: it holds a `-----BEGIN ` line and does not start
/// like DER (every object pki reads is a SEQUENCE, first byte 0x30). Text before the first
/// block (OpenSSL's `-text` output, comments) is allowed, as OpenSSL allows it.
pub fn is_pem(input: &[u8]) -> bool {
    input.first() != Some(&0x30) && find(input, b"-----BEGIN ").is_some()
}

/// Decodes every PEM block in `input`, in order. Text outside blocks (OpenSSL's `-text`
/// output before a certificate, say) is skipped, as OpenSSL does. No block at all is an error.
pub fn decode_all(input: &[u8]) -> Result<Vec<Block>> {
    let mut blocks = Vec::new();
    let mut rest = input;
    while let Some(begin) = find(rest, b"-----BEGIN ") {
        let block_start = &rest[begin..];
        let label_end = find(&block_start[11..], b"-----")
            .ok_or(Error::Pem(pem_rfc7468::Error::PreEncapsulationBoundary))?
            + 11;
        let label = &block_start[11..label_end];
        let mut end_marker = b"-----END ".to_vec();
        end_marker.extend_from_slice(label);
        end_marker.extend_from_slice(b"-----");
        let end = find(block_start, &end_marker)
            .ok_or(Error::Pem(pem_rfc7468::Error::PostEncapsulationBoundary))?
            + end_marker.len();
        let armoured = &block_start[..end];
        if find(armoured, b"Proc-Type:").is_some() || find(armoured, b"DEK-Info:").is_some() {
            let label = String::from_utf8_lossy(label).into_owned();
            // OpenSSL's traditional encrypted key (`RSA PRIVATE KEY` with a DEK-Info header).
            if label.ends_with("PRIVATE KEY") && find(armoured, b"Proc-Type: 4,ENCRYPTED").is_some()
            {
                return Err(Error::EncryptedKey);
            }
            return Err(Error::PemHeaders { label });
        }
        let (label, der) = match pem_rfc7468::decode_vec(armoured) {
            Ok((label, der)) => (label.to_owned(), der),
            Err(e) => wide_lines(armoured, label).ok_or(Error::Pem(e))?,
        };
        blocks.push(Block { label, der });
        rest = &block_start[end..];
    }
    if blocks.is_empty() {
        return Err(Error::Empty);
    }
    Ok(blocks)
}

/// Reads one object: the single PEM block of `input` when it is PEM (its label must be one of
/// `expected`, and a second block is an error), or `input` itself when it is DER.
/// Returns the label (`None` for DER) and the DER bytes.
pub fn decode_one(input: &[u8], expected: &[&'static str]) -> Result<(Option<String>, Vec<u8>)> {
    if !is_pem(input) {
        if input.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::Empty);
        }
        return Ok((None, input.to_vec()));
    }
    let mut blocks = decode_all(input)?.into_iter();
    let block = blocks.next().ok_or(Error::Empty)?;
    if !expected.contains(&block.label.as_str()) {
        if block.label == ENCRYPTED_PRIVATE_KEY {
            return Err(Error::EncryptedKey);
        }
        return Err(Error::PemLabel {
            expected: expected[0],
            found: block.label,
        });
    }
    if let Some(extra) = blocks.next() {
        return Err(Error::PemLabel {
            expected: "a single PEM block",
            found: extra.label,
        });
    }
    Ok((Some(block.label), block.der))
}

/// Encodes DER as PEM with 64-column lines and `\n` endings, as OpenSSL writes it.
pub fn encode(label: &str, der: &[u8]) -> String {
    // Only fails for labels that are not valid RFC 7468 labels; ours are constants.
    pem_rfc7468::encode_string(label, LineEnding::LF, der)
        .unwrap_or_else(|_| unreachable!("PEM label {label:?} is valid"))
}

/// A block whose base64 lines are not RFC 7468's 64 columns (OpenSSL reads any width, and
/// some tools write one long line): the lines between the boundaries, joined and decoded.
/// `None` when that does not decode either.
fn wide_lines(armoured: &[u8], label: &[u8]) -> Option<(String, Vec<u8>)> {
    use base64ct::{Base64, Encoding};
    // RFC 7468's label: printable ASCII but `-`, words separated by single spaces.
    let label_ok = !label.is_empty()
        && label.first() != Some(&b' ')
        && label.last() != Some(&b' ')
        && !label.windows(2).any(|w| w == b"  ")
        && label
            .iter()
            .all(|b| (0x21..=0x7e).contains(b) && *b != b'-' || *b == b' ');
    if !label_ok {
        return None;
    }
    let text = std::str::from_utf8(armoured).ok()?;
    let mut lines = text.lines().map(str::trim);
    lines.next()?;
    let mut body = String::new();
    for line in lines {
        if line.starts_with("-----END ") {
            break;
        }
        if line.contains(':') {
            return None;
        }
        body.push_str(line);
    }
    let der = Base64::decode_vec(&body).ok()?;
    Some((String::from_utf8(label.to_vec()).ok()?, der))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_and_labels() {
        let a = encode(CERTIFICATE, b"\x30\x00");
        let b = encode(PRIVATE_KEY, b"\x30\x01\x00");
        let both = format!("junk before\n{a}text between\r\n{b}");
        let blocks = decode_all(both.as_bytes()).expect("two blocks");
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].label, PRIVATE_KEY);
        assert!(matches!(
            decode_one(both.as_bytes(), &[CERTIFICATE]),
            Err(Error::PemLabel { found, .. }) if found == PRIVATE_KEY
        ));
        assert!(matches!(
            decode_one(a.as_bytes(), &[PRIVATE_KEY]),
            Err(Error::PemLabel { expected: PRIVATE_KEY, found }) if found == CERTIFICATE
        ));
        assert_eq!(
            decode_one(b"\x30\x00", &[CERTIFICATE]).expect("der").1,
            b"\x30\x00"
        );
        assert!(matches!(
            decode_one(b" \n", &[CERTIFICATE]),
            Err(Error::Empty)
        ));
        assert!(matches!(
            decode_all(b"-----BEGIN X-----\nAAAA\n"),
            Err(Error::Pem(_))
        ));
    }

    #[test]
    fn lines_of_any_width_are_read() {
        let der: Vec<u8> = (0..200u8).collect();
        let pem = encode(CERTIFICATE, &der);
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let wide = format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
        assert_eq!(decode_all(wide.as_bytes()).expect("one line")[0].der, der);
        // A label RFC 7468 does not allow is not rescued by the wide-line reader (a fuzz
        // finding: fuzz/regressions/pem/wide-lines-label-with-newlines.pem).
        let odd = format!("-----BEGIN X\nY-----\n{body}\n-----END X\nY-----\n");
        assert!(matches!(decode_all(odd.as_bytes()), Err(Error::Pem(_))));
        let bad = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert!(matches!(decode_all(bad.as_bytes()), Err(Error::Pem(_))));
    }

    #[test]
    fn crlf_is_accepted() {
        let a = encode(CERTIFICATE, b"\x30\x03\x02\x01\x05").replace('\n', "\r\n");
        assert_eq!(
            decode_all(a.as_bytes()).expect("crlf")[0].der,
            b"\x30\x03\x02\x01\x05"
        );
    }
}
