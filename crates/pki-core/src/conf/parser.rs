//! The reader of the openssl.conf text: OpenSSL's `def_load_bio` and `str_copy`
//! (crypto/conf/conf_def.c) with the character classes of its default keyset (conf_def.h).

use std::{collections::HashMap, path::PathBuf};

use super::{Conf, ConfError, ConfErrorKind, Entry, MAX_TOTAL_EXPANSION, MAX_VALUE_LEN};

/// Parses a whole file; `env` answers `$ENV::NAME`.
pub(super) fn parse(
    file: PathBuf,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Conf, ConfError> {
    let mut p = Parser {
        conf: Conf {
            file,
            sections: Vec::new(),
            by_name: HashMap::new(),
        },
        current: 0,
        env,
        expanded: 0,
    };
    p.conf.section_index("default");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut logical = String::new();
    let mut start = 0;
    let mut pending = false;
    for (n, raw) in text.split('\n').enumerate() {
        if !pending {
            start = n + 1;
            logical.clear();
        }
        logical.push_str(raw.trim_end_matches(['\r', '\n']));
        pending = continues(&logical);
        if pending {
            logical.pop();
            continue;
        }
        p.line(&logical, start)
            .map_err(|kind| p.conf.error(start, kind))?;
    }
    if pending {
        p.line(&logical, start)
            .map_err(|kind| p.conf.error(start, kind))?;
    }
    Ok(p.conf)
}

/// Whether a line goes on: it ends in `\` not preceded by another `\` (OpenSSL's test).
fn continues(line: &str) -> bool {
    let b = line.as_bytes();
    b.last() == Some(&b'\\') && (b.len() < 2 || b[b.len() - 2] != b'\\')
}

// Character classes of OpenSSL's default keyset (crypto/conf/conf_def.h).
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}
fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}
fn is_alnum_punct(b: u8) -> bool {
    is_alnum(b) || b"!%&*+,-./;?@^|~".contains(&b)
}
fn is_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'`')
}

/// The length of the character starting at byte `i` (1 at the end, to stay in bounds).
fn char_len(s: &str, i: usize) -> usize {
    s[i..].chars().next().map_or(1, char::len_utf8)
}

/// Past `\` and the character it escapes.
fn skip_escape(s: &str, i: usize) -> usize {
    if i + 1 >= s.len() {
        s.len()
    } else {
        i + 1 + char_len(s, i + 1)
    }
}

fn trim_ws(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && is_ws(c as u8))
}

fn eat_ws(s: &str, mut i: usize) -> usize {
    while i < s.len() && is_ws(s.as_bytes()[i]) {
        i += 1;
    }
    i
}

/// Past a run of key characters and escapes.
fn eat_key(s: &str, mut i: usize) -> usize {
    while i < s.len() {
        match s.as_bytes()[i] {
            b'\\' => i = skip_escape(s, i),
            b if is_alnum_punct(b) => i += 1,
            _ => break,
        }
    }
    i
}

fn eat_alnum(s: &str, mut i: usize) -> usize {
    while i < s.len() && is_alnum(s.as_bytes()[i]) {
        i += 1;
    }
    i
}

/// Past a quoted string starting at `i` (its closing quote too, if any).
fn skip_quoted(s: &str, i: usize) -> usize {
    let q = s.as_bytes()[i];
    let mut i = i + 1;
    while i < s.len() && s.as_bytes()[i] != q {
        i = if s.as_bytes()[i] == b'\\' {
            skip_escape(s, i)
        } else {
            i + char_len(s, i)
        };
    }
    (i + 1).min(s.len())
}

/// The line up to its comment: `#` outside quotes and not escaped.
fn strip_comment(s: &str) -> &str {
    let mut i = 0;
    while i < s.len() {
        match s.as_bytes()[i] {
            b'#' => return &s[..i],
            b if is_quote(b) => i = skip_quoted(s, i),
            b'\\' => i = skip_escape(s, i),
            _ => i += char_len(s, i),
        }
    }
    s
}

struct Parser<'a> {
    conf: Conf,
    current: usize,
    env: &'a dyn Fn(&str) -> Option<String>,
    expanded: usize,
}

impl Parser<'_> {
    fn line(&mut self, line: &str, number: usize) -> Result<(), ConfErrorKind> {
        let s = strip_comment(line);
        let i = eat_ws(s, 0);
        if i == s.len() {
            return Ok(());
        }
        if s.as_bytes()[i] == b'[' {
            return self.header(s, i + 1);
        }
        let (mut key_start, mut end) = (i, eat_key(s, i));
        let mut section = None;
        if s[end..].starts_with("::") {
            section = Some(&s[key_start..end]);
            key_start = end + 2;
            end = eat_key(s, key_start);
        }
        let key = &s[key_start..end];
        let p = eat_ws(s, end);
        let eq = s.as_bytes().get(p) == Some(&b'=');
        for directive in [".pragma", ".include"] {
            if key.starts_with(directive) && (p != key_start + directive.len() || eq) {
                let rest = if eq { &s[p + 1..] } else { &s[p..] };
                return directive_line(directive, trim_ws(rest));
            }
        }
        if !eq {
            return Err(ConfErrorKind::MissingEquals);
        }
        let raw = trim_ws(&s[p + 1..]);
        let target = match section {
            Some(name) => self.conf.section_index(name),
            None => self.current,
        };
        let value = self.expand(target, raw)?;
        let entry = Entry {
            key: key.to_owned(),
            value,
            line: number,
        };
        let sect = &mut self.conf.sections[target];
        sect.last.insert(entry.key.clone(), sect.entries.len());
        sect.entries.push(entry);
        Ok(())
    }

    /// `[ name ]`: key characters, escapes and inner spaces; text after `]` is ignored.
    fn header(&mut self, s: &str, from: usize) -> Result<(), ConfErrorKind> {
        let start = eat_ws(s, from);
        let mut run = start;
        let end = loop {
            let end = eat_key(s, run);
            let p = eat_ws(s, end);
            match s.as_bytes().get(p) {
                Some(b']') => break end,
                Some(_) if p != run => run = p,
                _ => return Err(ConfErrorKind::UnterminatedSection),
            }
        };
        let name = unescape(&s[start..end]);
        self.current = self.conf.section_index(&name);
        Ok(())
    }

    /// OpenSSL's `str_copy`: quotes, escapes and `$` expansion.
    fn expand(&mut self, section: usize, from: &str) -> Result<String, ConfErrorKind> {
        let b = from.as_bytes();
        let mut out = String::with_capacity(from.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                q if is_quote(q) => {
                    i += 1;
                    while i < b.len() && b[i] != q {
                        if b[i] == b'\\' {
                            i += 1;
                            if i == b.len() {
                                break;
                            }
                        }
                        let n = char_len(from, i);
                        out.push_str(&from[i..i + n]);
                        i += n;
                    }
                    i = (i + 1).min(b.len());
                }
                b'\\' => {
                    let Some(c) = from[i + 1..].chars().next() else {
                        break;
                    };
                    out.push(match c {
                        'r' => '\r',
                        'n' => '\n',
                        'b' => '\u{8}',
                        't' => '\t',
                        c => c,
                    });
                    i += 1 + c.len_utf8();
                }
                b'$' => i = self.variable(section, from, i, &mut out)?,
                _ => {
                    let n = char_len(from, i);
                    out.push_str(&from[i..i + n]);
                    i += n;
                }
            }
        }
        Ok(out)
    }

    /// Expands the reference at `from[at]` (`$`) into `out`; returns where the text goes on.
    fn variable(
        &mut self,
        section: usize,
        from: &str,
        at: usize,
        out: &mut String,
    ) -> Result<usize, ConfErrorKind> {
        let b = from.as_bytes();
        let close = match b.get(at + 1) {
            Some(b'{') => Some(b'}'),
            Some(b'(') => Some(b')'),
            _ => None,
        };
        let start = at + 1 + usize::from(close.is_some());
        let mut name_start = start;
        let mut end = eat_alnum(from, start);
        let mut sect = None;
        if from[end..].starts_with("::") {
            sect = Some(&from[start..end]);
            name_start = end + 2;
            end = eat_alnum(from, name_start);
        }
        let written = &from[start..end];
        let mut next = end;
        if let Some(c) = close {
            if b.get(end) != Some(&c) {
                return Err(ConfErrorKind::UnclosedVariable {
                    name: from[at..end].to_owned(),
                });
            }
            next += 1;
        }
        let name = &from[name_start..end];
        let value = self
            .value_of(sect.unwrap_or(&self.conf.sections[section].name), name)
            .ok_or_else(|| ConfErrorKind::UndefinedVariable {
                name: written.to_owned(),
            })?;
        self.expanded = self.expanded.saturating_add(value.len());
        if out.len() + value.len() + (from.len() - next) > MAX_VALUE_LEN {
            return Err(ConfErrorKind::ExpansionTooLarge {
                limit: MAX_VALUE_LEN,
            });
        }
        if self.expanded > MAX_TOTAL_EXPANSION {
            return Err(ConfErrorKind::ExpansionTooLarge {
                limit: MAX_TOTAL_EXPANSION,
            });
        }
        out.push_str(&value);
        Ok(next)
    }

    /// OpenSSL's `_CONF_get_string`: the section, then (for `ENV`) the environment, then the
    /// default section.
    fn value_of(&self, section: &str, name: &str) -> Option<String> {
        if let Some(v) = self.conf.get(section, name) {
            return Some(v.to_owned());
        }
        if section == "ENV"
            && let Some(v) = (self.env)(name)
        {
            return Some(v);
        }
        self.conf.get("default", name).map(str::to_owned)
    }
}

/// A `.pragma` or `.include` line; `rest` is what follows the directive (and its `=`).
fn directive_line(directive: &str, rest: &str) -> Result<(), ConfErrorKind> {
    if directive == ".include" {
        return Err(ConfErrorKind::UnsupportedDirective {
            directive: format!(".include {rest}"),
        });
    }
    let invalid = || ConfErrorKind::InvalidPragma {
        pragma: rest.to_owned(),
    };
    let (keyword, value) = rest.split_once(':').ok_or_else(invalid)?;
    let (keyword, value) = (keyword.trim_end(), value.trim_start());
    if keyword.is_empty() || value.is_empty() {
        return Err(invalid());
    }
    let on = match value.to_ascii_lowercase().as_str() {
        "on" | "true" => Some(true),
        "off" | "false" => Some(false),
        _ => None,
    };
    match keyword {
        "dollarid" | "abspath" if on.is_none() => Err(invalid()),
        "dollarid" if on == Some(true) => Err(ConfErrorKind::UnsupportedDirective {
            directive: format!(".pragma {rest}"),
        }),
        // abspath and includedir only matter to .include; unknown pragmas are ignored, as
        // OpenSSL does.
        _ => Ok(()),
    }
}

/// Backslash escapes only (section names cannot hold quotes or `$`).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some('b') => out.push('\u{8}'),
            Some('t') => out.push('\t'),
            Some(c) => out.push(c),
            None => break,
        }
    }
    out
}
