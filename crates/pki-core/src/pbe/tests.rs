#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test.

use super::*;

fn hex_upper(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

#[test]
fn bytes_to_key_is_openssls() {
    // `openssl enc -aes-256-cbc -md md5 -S 0102030405060708 -pass pass:secret -P`
    let salt = [1, 2, 3, 4, 5, 6, 7, 8];
    assert_eq!(
        hex_upper(&bytes_to_key(b"secret", &salt, 32)),
        "C9E5A1BD216DBE1317E230CEF48F38EE7F0E17AD64022144BCCEC4A1AA2879AB"
    );
    assert_eq!(
        hex_upper(&bytes_to_key(b"secret", &salt, 24)),
        "C9E5A1BD216DBE1317E230CEF48F38EE7F0E17AD64022144"
    );
}

#[test]
fn pkcs8_round_trips_with_every_cipher_and_refuses_the_wrong_passphrase() {
    let plain = b"0123456789abcdef-not-a-real-key".to_vec();
    for c in Cipher::ALL {
        let enc = encrypt_pkcs8(&plain, c, b"pass").unwrap();
        assert!(is_encrypted_pkcs8(&enc));
        assert_eq!(decrypt_pkcs8(&enc, b"pass").unwrap().as_slice(), plain);
        assert!(matches!(
            decrypt_pkcs8(&enc, b"wrong"),
            Err(Error::Decrypt) | Ok(_)
        ));
        assert_ne!(
            decrypt_pkcs8(&enc, b"wrong")
                .ok()
                .as_deref()
                .map(Vec::as_slice),
            Some(plain.as_slice())
        );
    }
}

#[test]
fn traditional_round_trips_and_names_what_is_wrong() {
    let der = b"some DER bytes of a key".to_vec();
    for c in Cipher::ALL {
        let pem = Traditional::encrypt("RSA PRIVATE KEY", &der, c, b"pw").unwrap();
        assert!(
            pem.contains(&format!("DEK-Info: {},", c.dek_name())),
            "{pem}"
        );
        let t = Traditional::find(pem.as_bytes()).unwrap().unwrap();
        assert_eq!(t.label, "RSA PRIVATE KEY");
        assert_eq!(t.decrypt(b"pw").unwrap().as_slice(), der);
    }
    let odd = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\
               DEK-Info: BF-CBC,0011223344556677\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
    let e = Traditional::find(odd.as_bytes()).unwrap().unwrap_err();
    assert!(e.to_string().contains("BF-CBC"), "{e}");
    assert!(
        Traditional::find(b"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n")
            .is_none()
    );
}

#[test]
fn cipher_names_are_openssls() {
    assert_eq!(Cipher::from_name("aes256"), Some(Cipher::Aes256Cbc));
    assert_eq!(Cipher::from_name("AES-128-CBC"), Some(Cipher::Aes128Cbc));
    assert_eq!(Cipher::from_name("des3"), Some(Cipher::DesEde3Cbc));
    assert_eq!(Cipher::from_name("des"), None);
}
