//! `-nameopt` as OpenSSL 3.0 reads and prints it (apps/lib/apps.c `set_name_ex`,
//! crypto/asn1/a_strex.c `do_name_ex`): the named forms (oneline, RFC2253, multiline,
//! compat) and the words scripts combine (`utf8,sep_multiline,space_eq,lname,align`, ...),
//! given once or several times, `-word` clearing one. `x509 -subject -issuer`, `x509 -text`,
//! `req -subject` and `req -text` must print what the real openssl prints, byte for byte, for
//! names with quotes, separators, leading `#` and spaces, multi-valued RDNs and UTF-8.

mod util;

use util::{TestDir, openssl, pki};

/// Forms for any name.
const FORMS: &[&[&str]] = &[
    &[],
    &["oneline"],
    &["RFC2253"],
    &["multiline"],
    &["compat"],
    &["utf8"],
    &["utf8,sep_multiline,space_eq,lname,align"],
    &["sep_multiline,lname,align,esc_msb"],
    &["oneline,-esc_msb"],
    &["RFC2253", "lname"],
    &["utf8", "dn_rev", "sep_semi_plus_space"],
    &["dump_all,dump_der"],
    &["esc_2253,esc_ctrl,esc_msb,use_quote,sep_comma_plus"],
    &["ca_default"],
    &["-space_eq"],
];

/// Forms that print non-ASCII bytes as they are (not UTF-8 when the name is): for ASCII names.
const ASCII_FORMS: &[&[&str]] = &[
    &["oid,show_type"],
    &["nofname"],
    &["lname,align"],
    &["sname", "space_eq", "sep_comma_plus_space"],
];

fn setup() -> TestDir {
    let d = TestDir::new("nameopt");
    openssl(&d, &["genrsa", "-out", "k.key", "2048"]).ok();
    for (name, subj) in [
        (
            "ascii",
            "/C=US/O=Ex, Inc/OU=a+OU=b/CN=#1 \"q\" <x>; y\\\\z /emailAddress=a@b.c",
        ),
        ("utf8", "/C=FR/O=Société Générale/CN=  héllo wörld/L=東京"),
    ] {
        openssl(
            &d,
            &[
                "req",
                "-new",
                "-key",
                "k.key",
                "-utf8",
                "-subj",
                subj,
                "-out",
                &format!("{name}.csr"),
            ],
        )
        .ok();
        openssl(
            &d,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-signkey",
                "k.key",
                "-out",
                &format!("{name}.crt"),
            ],
        )
        .ok();
    }
    d
}

fn same(d: &TestDir, args: &[&str]) {
    let theirs = openssl(d, args).ok();
    let ours = pki(d, &[&["openssl"][..], args].concat(), &[]).ok();
    assert_eq!(ours.stdout(), theirs.stdout(), "{}", args.join(" "));
}

fn with(args: &[&str], form: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    for f in form {
        v.push("-nameopt".into());
        v.push((*f).to_owned());
    }
    v
}

fn check(d: &TestDir, name: &str, form: &[&str]) {
    let crt = format!("{name}.crt");
    let csr = format!("{name}.csr");
    let text = !form.contains(&"compat") && !form.contains(&"-space_eq");
    let mut runs = vec![
        with(
            &["x509", "-in", &crt, "-noout", "-subject", "-issuer"],
            form,
        ),
        with(&["req", "-in", &csr, "-noout", "-subject"], form),
    ];
    if text {
        runs.push(with(&["x509", "-in", &crt, "-noout", "-text"], form));
        runs.push(with(&["req", "-in", &csr, "-noout", "-text"], form));
    }
    for run in runs {
        let args: Vec<&str> = run.iter().map(String::as_str).collect();
        same(d, &args);
    }
}

#[test]
fn every_form_prints_as_openssl_prints_it() {
    let d = setup();
    for form in FORMS {
        check(&d, "ascii", form);
        check(&d, "utf8", form);
    }
    for form in ASCII_FORMS {
        check(&d, "ascii", form);
    }
}

#[test]
fn unknown_words_and_compat_text_are_refused() {
    let d = setup();
    let r = pki(
        &d,
        &[
            "openssl",
            "x509",
            "-in",
            "ascii.crt",
            "-noout",
            "-subject",
            "-nameopt",
            "utf8,bogus",
        ],
        &[],
    );
    assert_eq!(r.code(), Some(1));
    assert!(r.stderr().contains("\"bogus\""), "{}", r.stderr());
    let r = pki(
        &d,
        &[
            "openssl",
            "x509",
            "-in",
            "ascii.crt",
            "-noout",
            "-text",
            "-nameopt",
            "compat",
        ],
        &[],
    );
    assert_eq!(r.code(), Some(1));
    assert!(
        r.stderr()
            .contains("-nameopt compat is not supported with -text"),
        "{}",
        r.stderr()
    );
}
