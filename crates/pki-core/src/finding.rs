//! One vocabulary for what pki's checks find: `pki lint`'s rules, the checks of the files
//! `pki init` skips ([`crate::init::Mismatch`]), path validation failures
//! ([`crate::verify::Failure`]) and `pki etcd check` all say it as a [`Finding`]: a stable rule
//! id, a [`Severity`], the file and subject it is about, what is wrong in plain words, and the
//! fix where pki knows one. [`Finding::text`] is the one text form, [`summary`] the count line;
//! the JSON form is the struct's serialization (docs/json-schema.md).

use std::{fmt, path::PathBuf};

use serde::Serialize;

use crate::text::printable;

/// How bad a finding is: a command exits 1 when any finding is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Breaks a MUST of the RFCs, or makes the certificate unusable for its purpose.
    Error,
    /// Breaks a SHOULD, or is risky.
    Warning,
    /// Worth knowing; not wrong.
    Notice,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        })
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's stable id (`lowercase-with-dashes`): scripts match on it.
    pub id: &'static str,
    pub severity: Severity,
    /// What is wrong, in plain words.
    pub message: String,
    /// The RFC section, or the reason when no RFC says it (lint's rules always have one).
    pub reference: Option<&'static str>,
    /// Which value, when the rule alone does not say.
    pub detail: Option<String>,
    /// The file it is about, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// The certificate's subject (OpenSSL's one-line form), when it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// What to do about it, where pki can say (a pki command where one exists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The exact text another program will print because of it, and where (`pki etcd check`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<Quote>,
}

/// Where a [`Quote`] appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shown {
    /// etcd exits at start, with the text in its log.
    EtcdStart,
    /// etcd runs and writes the text to its log (a refused client or peer).
    EtcdLog,
    /// The client prints it (etcdctl 3.4 only with `--debug`).
    Client,
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Shown::EtcdStart => "etcd fails to start",
            Shown::EtcdLog => "etcd's log",
            Shown::Client => {
                "the client (etcdctl 3.4 prints only \"context deadline exceeded\" unless run \
                 with --debug)"
            }
        })
    }
}

/// What another program prints because of a finding: `text`, word for word, at `shown`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub text: String,
    #[serde(rename = "in")]
    pub shown: Shown,
}

impl Finding {
    /// A finding of rule `id`, with nothing but its message.
    pub fn new(id: &'static str, severity: Severity, message: impl Into<String>) -> Finding {
        Finding {
            id,
            severity,
            message: message.into(),
            reference: None,
            detail: None,
            file: None,
            subject: None,
            fix: None,
            quote: None,
        }
    }

    /// About `file`.
    #[must_use]
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Finding {
        self.file = Some(file.into());
        self
    }

    /// With `detail`.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Finding {
        self.detail = Some(detail.into());
        self
    }

    /// With `fix`.
    #[must_use]
    pub fn fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = Some(fix.into());
        self
    }

    /// Quoting `text`, which appears at `shown`.
    #[must_use]
    pub fn quote(mut self, text: impl Into<String>, shown: Shown) -> Finding {
        self.quote = Some(Quote {
            text: text.into(),
            shown,
        });
        self
    }

    /// About the certificate named `subject`.
    #[must_use]
    pub fn subject(mut self, subject: impl Into<String>) -> Finding {
        self.subject = Some(subject.into());
        self
    }

    /// The text form: `  SEVERITY ID: MESSAGE (DETAIL) (WHERE: "QUOTE") [REFERENCE]`, then
    /// `    fix: ...` when there is a fix and `    file: ...` when there is a file; the severity
    /// coloured with `colour` (ANSI SGR). Everything from outside is made [`printable`]. Every
    /// line ends with `\n`.
    pub fn text(&self, colour: bool) -> String {
        let sev = format!("{:<7}", self.severity.to_string());
        let sev = if colour {
            let code = match self.severity {
                Severity::Error => "31",
                Severity::Warning => "33",
                Severity::Notice => "36",
            };
            format!("\x1b[{code}m{sev}\x1b[0m")
        } else {
            sev
        };
        let detail = self
            .detail
            .as_deref()
            .map(|d| format!(" ({})", printable(d)))
            .unwrap_or_default();
        let quote = self
            .quote
            .as_ref()
            .map(|q| format!(" ({}: \"{}\")", q.shown, printable(&q.text)))
            .unwrap_or_default();
        let reference = self
            .reference
            .map(|r| format!(" [{r}]"))
            .unwrap_or_default();
        let mut s = format!(
            "  {sev} {}: {}{detail}{quote}{reference}\n",
            self.id,
            printable(&self.message)
        );
        if let Some(fix) = &self.fix {
            s.push_str(&format!("    fix: {}\n", printable(fix)));
        }
        if let Some(file) = &self.file {
            s.push_str(&format!(
                "    file: {}\n",
                printable(&file.display().to_string())
            ));
        }
        s
    }
}

/// `N errors, N warnings, N notices`, or `no findings`.
pub fn summary(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "no findings".to_owned();
    }
    let count = |s: Severity| {
        let n = findings.iter().filter(|f| f.severity == s).count();
        format!("{n} {s}{}", if n == 1 { "" } else { "s" })
    };
    format!(
        "{}, {}, {}",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Notice)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_summary() {
        let f = Finding::new("san-missing", Severity::Error, "no SAN\nforged")
            .detail("10.0.0.4")
            .fix("pki init --node a=10.0.0.4");
        assert_eq!(
            f.text(false),
            "  error   san-missing: no SAN\\x0aforged (10.0.0.4)\n    fix: pki init --node a=10.0.0.4\n"
        );
        let q = Finding::new("key-mismatch", Severity::Error, "not its key")
            .quote(
                "tls: private key does not match public key",
                Shown::EtcdStart,
            )
            .in_file("certs/client.key");
        assert_eq!(
            q.text(false),
            "  error   key-mismatch: not its key (etcd fails to start: \"tls: private key does not \
             match public key\")\n    file: certs/client.key\n"
        );
        assert_eq!(summary(&[f]), "1 error, 0 warnings, 0 notices");
        assert_eq!(summary(&[]), "no findings");
    }
}
