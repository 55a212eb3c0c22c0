//! The fuzz targets without cargo-fuzz: every committed regression input and seed, and every
//! file of the public corpus, replayed through the same functions the fuzzer runs
//! (`pki_tests::fuzz`); and the list of targets in fuzz/README.md checked against the real
//! ones.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

use pki_tests::{data_path, fuzz, reference};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_below(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Runs `target` on each file of `fuzz/<sub>/<target>/`; returns how many.
fn replay(sub: &str) -> usize {
    let root = fuzz_dir().join(sub);
    let mut n = 0;
    for entry in fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display())) {
        let dir = entry.expect("entry").path();
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let target = fuzz::target(&name).unwrap_or_else(|| {
            panic!(
                "{} is not named after a fuzz target (pki_tests::fuzz::TARGETS)",
                dir.display()
            )
        });
        let mut files = Vec::new();
        files_below(&dir, &mut files);
        for f in files {
            eprintln!("replaying {}", f.display());
            target(&fs::read(&f).expect("read"));
            n += 1;
        }
    }
    n
}

#[test]
fn committed_regression_inputs_replay_without_a_failure() {
    let n = replay("regressions");
    assert!(n > 0, "fuzz/regressions/ holds no input");
}

#[test]
fn committed_seeds_replay_without_a_failure() {
    assert!(replay("seeds") > 0, "fuzz/seeds/ holds no input");
}

/// Every file of the public corpus and of the reference output through every target that
/// reads bytes: none panics, and each oracle holds.
#[test]
fn the_public_corpus_replays_without_a_failure() {
    let mut files = Vec::new();
    files_below(&data_path("corpus"), &mut files);
    files_below(&reference(), &mut files);
    assert!(
        files.len() > 1000,
        "tests/data/corpus looks incomplete: {} files",
        files.len()
    );
    eprintln!("{} files", files.len());
    for f in &files {
        let bytes = fs::read(f).expect("read");
        for name in [
            "cert_der",
            "csr_der",
            "private_key",
            "public_key",
            "pem",
            "chain",
            "verify",
            "show",
            "lint",
        ] {
            let run = std::panic::catch_unwind(|| fuzz::run(name, &bytes));
            assert!(run.is_ok(), "{name} failed on {}", f.display());
        }
    }
}

/// The builder target on fixed inputs: all-zero, all-ones and counting bytes of several
/// lengths give different parameter sets; those it can use build and decode back.
#[test]
fn builder_round_trips_fixed_parameter_sets() {
    let mut built = 0;
    for len in [0usize, 16, 64, 256, 1024] {
        let counting: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        for data in [vec![0u8; len], vec![0xffu8; len], counting] {
            if fuzz::build_round_trip(&data) {
                built += 1;
            }
        }
    }
    eprintln!("{built} of 15 fixed parameter sets built");
    assert!(built >= 5, "only {built} of 15 fixed parameter sets built");
}

/// The target names in `fuzz/README.md`'s table (`| \`name\` | ...`).
fn readme_targets() -> Vec<String> {
    let text = fs::read_to_string(fuzz_dir().join("README.md")).expect("fuzz/README.md");
    text.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`'))
        .map(|(name, _)| name.to_owned())
        .collect()
}

/// The `[[bin]]` names of `fuzz/Cargo.toml`, with their paths.
fn cargo_bins() -> Vec<(String, String)> {
    let text = fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let mut bins = Vec::new();
    for block in text.split("[[bin]]").skip(1) {
        let field = |key: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_owned)
                .unwrap_or_else(|| panic!("a [[bin]] without {key}: {block}"))
        };
        bins.push((field("name"), field("path")));
    }
    bins
}

#[test]
fn readme_cargo_toml_and_fuzz_targets_list_the_same_targets() {
    let ours: Vec<String> = fuzz::TARGETS.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(readme_targets(), ours, "fuzz/README.md's table");
    let bins = cargo_bins();
    let bin_names: BTreeSet<_> = bins.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(bin_names, ours.iter().cloned().collect(), "fuzz/Cargo.toml");
    for (name, path) in &bins {
        assert_eq!(path, &format!("fuzz_targets/{name}.rs"), "[[bin]] {name}");
    }
    let mut files = BTreeSet::new();
    for e in fs::read_dir(fuzz_dir().join("fuzz_targets")).expect("fuzz_targets") {
        let p = e.expect("entry").path();
        let name = p.file_stem().expect("stem").to_string_lossy().into_owned();
        // Each file runs the target it is named after, and nothing else.
        let expected = format!(
            "#![no_main]\n\nlibfuzzer_sys::fuzz_target!(|data: &[u8]| pki_tests::fuzz::run({name:?}, data));\n"
        );
        assert_eq!(
            fs::read_to_string(&p).expect("read"),
            expected,
            "{}",
            p.display()
        );
        files.insert(name);
    }
    assert_eq!(files, ours.iter().cloned().collect(), "fuzz/fuzz_targets/");
}

/// The first finding (fuzz/regressions/cert_der/explicit-critical-false.der): an extension
/// with `critical FALSE` written out is BER, not DER; x509-cert re-encodes it without the
/// field, so pki now refuses it rather than check a signature over other bytes.
#[test]
fn non_canonical_der_is_refused() {
    let path = fuzz_dir().join("regressions/cert_der/explicit-critical-false.der");
    let der = fs::read(&path).expect("regression input");
    match pki_core::cert::decode(&der) {
        Err(
            e @ pki_core::Error::Der {
                what: "certificate",
                ..
            },
        ) => {
            let chain: Vec<String> = e.chain().map(ToString::to_string).collect();
            assert_eq!(
                chain,
                [
                    "malformed certificate",
                    "ASN.1 SEQUENCE not canonically encoded as DER"
                ]
            );
        }
        other => panic!("expected a DER error, got {other:?}"),
    }
}

/// The `verify` seeds (fuzz/seeds/verify/, made with openssl and tests/data/fuzz-ca.key, an
/// RSA-1024 key, so the minimum key size is lowered): good chains verify to the trusted root,
/// and etcd's client certificate is not etcd-peer.example.com's; a cycle of two CAs naming
/// each other (also repeated 10 000 times) ends with no issuer, and a chain of 40
/// intermediates is too long.
#[test]
fn verify_seeds_give_their_exact_outcome() {
    use pki_core::verify::{self, Options, Purpose, Reason};
    use pki_core::view::{self, CertView};

    let load = |file: &str| -> Vec<CertView> {
        let bytes = fs::read(fuzz_dir().join("seeds/verify").join(file)).expect("seed");
        view::decode_all(&bytes).expect("PEM bundle")
    };
    let mut bare = Options::new(1_800_000_000);
    bare.min_rsa_bits = 1024;
    let run = |file: &str, checks: bool| {
        let certs = load(file);
        let (leaf, root) = (&certs[0], &certs[certs.len() - 1]);
        let mut o = bare.clone();
        if checks {
            o.purpose = Purpose::ServerAuth;
            o.host = Some("etcd-peer.example.com".into());
            o.email = Some("root@example.com".into());
            o.ip = Some([127, 0, 0, 1].into());
        }
        verify::verify(
            leaf,
            std::slice::from_ref(root),
            &certs[1..certs.len() - 1],
            &o,
        )
        .map(|chain| chain.len())
    };
    assert_eq!(run("client-ca.pem", false).ok(), Some(2));
    assert_eq!(run("leaf-ca-root.pem", false).ok(), Some(3));
    assert_eq!(run("leaf-ca-root.pem", true).ok(), Some(3));
    let e = run("client-ca.pem", true).expect_err("another host's certificate");
    assert_eq!((e.reason, e.depth), (Reason::HostnameMismatch, 0));
    assert_eq!(e.reason.openssl_code(), 62);
    let e = run("cycle.pem", false).expect_err("a cycle");
    assert_eq!((e.reason, e.depth), (Reason::NoIssuer, 2));
    // The cycle's two CAs 10 000 times over: each enters the chain once.
    let cycle = load("cycle.pem");
    let many: Vec<_> = cycle[1..3].iter().cycle().take(20_000).cloned().collect();
    let e = verify::verify(&cycle[0], &cycle[3..], &many, &bare).expect_err("a cycle, repeated");
    assert_eq!((e.reason, e.depth, e.chain.len()), (Reason::NoIssuer, 2, 3));
    let e = run("chain-of-42.pem", false).expect_err("too long");
    assert_eq!(
        (e.reason, e.depth, e.chain.len()),
        (Reason::ChainTooLong, bare.max_depth + 1, bare.max_depth + 2)
    );
}
