//! `without-client-auth SET_DIR OUT`: writes to OUT a copy of SET_DIR/client.crt whose
//! extendedKeyUsage is serverAuth alone, for the same key (client.key), signed by the same CA.
//! The etcd end-to-end check (`cargo xtask e2e`) shows that etcd refuses it as a client
//! certificate, the clientAuth purpose being the only difference.

use std::{path::Path, process::ExitCode};

use pki_core::{
    cert::{self, CertBuilder, Issuer},
    ext::{Eku, ExtSpec},
    files::{self, Mode},
    init::{read_cert, read_key},
    serial,
};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, out] = args.as_slice() else {
        eprintln!("usage: without-client-auth SET_DIR OUT");
        return ExitCode::from(2);
    };
    match make(Path::new(dir), Path::new(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let chain: Vec<String> = e.chain().map(ToString::to_string).collect();
            eprintln!("without-client-auth: {}", chain.join(": "));
            ExitCode::from(2)
        }
    }
}

fn make(dir: &Path, out: &Path) -> pki_core::Result<()> {
    let client = read_cert(&dir.join("client.crt"))?;
    let ca = read_cert(&dir.join("ca.crt"))?;
    let ca_key = read_key(&dir.join("ca.key"))?;
    let issuer = Issuer::new(&ca, &ca_key)?;
    let exts = cert::ext_specs(&client)?
        .into_iter()
        .map(|e| match e {
            ExtSpec::ExtendedKeyUsage { critical, .. } => ExtSpec::ExtendedKeyUsage {
                critical,
                purposes: vec![Eku::ServerAuth],
            },
            e => e,
        })
        .collect();
    let tbs = client.tbs_certificate();
    let crt = CertBuilder::new(
        tbs.subject().clone(),
        tbs.subject_public_key_info().clone(),
        serial::to_serial_number(&serial::random()?)?,
        1,
    )
    .extensions(exts)
    .sign(&issuer)?;
    files::write_new(out, cert::to_pem(&crt)?.as_bytes(), Mode::Public)
}
