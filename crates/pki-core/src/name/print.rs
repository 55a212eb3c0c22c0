//! Names as OpenSSL 3.0's `X509_NAME_print_ex` prints them under `-nameopt`
//! (crypto/asn1/a_strex.c `do_name_ex`, `do_print_ex`, `do_buf`, `do_esc_char`), and the
//! `-nameopt` list as apps/lib/apps.c `set_name_ex` reads it.

use std::fmt::Write as _;

use der::{Any, Encode, Tag, Tagged};
use x509_cert::name::Name;

use super::by_oid;

// ASN1_STRFLGS_* (include/openssl/asn1.h).
const ESC_2253: u32 = 0x1;
const ESC_CTRL: u32 = 0x2;
const ESC_MSB: u32 = 0x4;
const ESC_QUOTE: u32 = 0x8;
const UTF8_CONVERT: u32 = 0x10;
const IGNORE_TYPE: u32 = 0x20;
const SHOW_TYPE: u32 = 0x40;
const DUMP_ALL: u32 = 0x80;
const DUMP_UNKNOWN: u32 = 0x100;
const DUMP_DER: u32 = 0x200;
const ESC_2254: u32 = 0x400;
const STR_RFC2253: u32 = ESC_2253 | ESC_CTRL | ESC_MSB | UTF8_CONVERT | DUMP_UNKNOWN | DUMP_DER;
const ESC_FLAGS: u32 = ESC_2253 | ESC_2254 | ESC_QUOTE | ESC_CTRL | ESC_MSB;
// a_strex.c's CHARTYPE_FIRST_ESC_2253 and CHARTYPE_LAST_ESC_2253.
const FIRST_ESC_2253: u32 = 0x20;
const LAST_ESC_2253: u32 = 0x40;
const BS_ESC: u32 = ESC_2253 | FIRST_ESC_2253 | LAST_ESC_2253;

// XN_FLAG_* (include/openssl/x509.h).
const SEP_MASK: u32 = 0xf << 16;
const SEP_COMMA_PLUS: u32 = 1 << 16;
const SEP_CPLUS_SPC: u32 = 2 << 16;
const SEP_SPLUS_SPC: u32 = 3 << 16;
const SEP_MULTILINE: u32 = 4 << 16;
const DN_REV: u32 = 1 << 20;
const FN_MASK: u32 = 0x3 << 21;
const FN_SN: u32 = 0;
const FN_LN: u32 = 1 << 21;
const FN_OID: u32 = 2 << 21;
const FN_NONE: u32 = 3 << 21;
const SPC_EQ: u32 = 1 << 23;
const DUMP_UNKNOWN_FIELDS: u32 = 1 << 24;
const FN_ALIGN: u32 = 1 << 25;

/// The field widths `align` pads to (a_strex.c `FN_WIDTH_SN`, `FN_WIDTH_LN`).
const FN_WIDTH_SN: usize = 10;
const FN_WIDTH_LN: usize = 25;

/// a_strex.c's `char_type` table (crypto/asn1/charmap.h) for the printable ASCII range and
/// the controls: which escapes apply to each byte.
fn char_type(b: u8) -> u32 {
    match b {
        0 => 0x402,
        0x01..=0x1f | 0x7f => 0x2,
        b' ' => 0x78,
        b'"' | b'\\' => 0x1,
        b'#' => 0x28,
        b'+' | b',' => 0x19,
        b';' | b'<' | b'>' => 0x9,
        b'\'' | b'(' | b')' | b'-' | b'.' | b'/' | b':' | b'=' | b'?' => 0x10,
        b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z' => 0x10,
        _ => 0,
    }
}

/// How `-nameopt` prints names: OpenSSL's `XN_FLAG_*` and `ASN1_STRFLGS_*` bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameOpt(u32);

/// The `-nameopt` words (apps/lib/apps.c `set_name_ex`): flag, and the bits it clears first.
const WORDS: &[(&str, u32, u32)] = &[
    ("esc_2253", ESC_2253, 0),
    ("esc_2254", ESC_2254, 0),
    ("esc_ctrl", ESC_CTRL, 0),
    ("esc_msb", ESC_MSB, 0),
    ("use_quote", ESC_QUOTE, 0),
    ("utf8", UTF8_CONVERT, 0),
    ("ignore_type", IGNORE_TYPE, 0),
    ("show_type", SHOW_TYPE, 0),
    ("dump_all", DUMP_ALL, 0),
    ("dump_nostr", DUMP_UNKNOWN, 0),
    ("dump_der", DUMP_DER, 0),
    ("compat", 0, u32::MAX),
    ("sep_comma_plus", SEP_COMMA_PLUS, SEP_MASK),
    ("sep_comma_plus_space", SEP_CPLUS_SPC, SEP_MASK),
    ("sep_semi_plus_space", SEP_SPLUS_SPC, SEP_MASK),
    ("sep_multiline", SEP_MULTILINE, SEP_MASK),
    ("dn_rev", DN_REV, 0),
    ("nofname", FN_NONE, FN_MASK),
    ("sname", FN_SN, FN_MASK),
    ("lname", FN_LN, FN_MASK),
    ("align", FN_ALIGN, 0),
    ("oid", FN_OID, FN_MASK),
    ("space_eq", SPC_EQ, 0),
    ("dump_unknown", DUMP_UNKNOWN_FIELDS, 0),
    ("RFC2253", NameOpt::RFC2253.0, u32::MAX),
    ("oneline", NameOpt::ONELINE.0, u32::MAX),
    ("multiline", NameOpt::MULTILINE.0, u32::MAX),
    ("ca_default", NameOpt::MULTILINE.0, u32::MAX),
];

impl NameOpt {
    /// `oneline`, OpenSSL 3's default: `C = CN, O = "Ex, Inc", CN = x`.
    pub const ONELINE: NameOpt = NameOpt(STR_RFC2253 | ESC_QUOTE | SEP_CPLUS_SPC | SPC_EQ);
    /// `RFC2253`: `CN=x,O=Ex\, Inc,C=CN`, last attribute first.
    pub const RFC2253: NameOpt =
        NameOpt(STR_RFC2253 | SEP_COMMA_PLUS | DN_REV | DUMP_UNKNOWN_FIELDS);
    /// `multiline`: a field a line, long names aligned.
    pub const MULTILINE: NameOpt =
        NameOpt(ESC_CTRL | ESC_MSB | SEP_MULTILINE | SPC_EQ | FN_LN | FN_ALIGN);
    /// `compat`: OpenSSL's old `X509_NAME_oneline`, `/C=CN/O=Ex, Inc/CN=x`.
    pub const COMPAT: NameOpt = NameOpt(0);

    /// The `-nameopt` values given, in order, as OpenSSL folds them: each a comma-separated
    /// list of words (case-insensitive), a leading `-` clearing a word's bits; the default
    /// separator `sep_comma_plus_space` when the result names none. None at all is
    /// [`NameOpt::ONELINE`]. `Err` names the word OpenSSL does not know.
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<NameOpt, String> {
        let mut flags = None;
        for value in values {
            let mut f: u32 = flags.unwrap_or(0);
            for word in value.split(',') {
                let (on, name) = match word.strip_prefix('-') {
                    Some(rest) => (false, rest),
                    None => (true, word.strip_prefix('+').unwrap_or(word)),
                };
                let &(_, flag, mask) = WORDS
                    .iter()
                    .find(|(w, _, _)| w.eq_ignore_ascii_case(name))
                    .ok_or_else(|| word.to_owned())?;
                f &= !mask;
                if on {
                    f |= flag;
                } else {
                    f &= !flag;
                }
            }
            if f != 0 && f & SEP_MASK == 0 {
                f |= SEP_CPLUS_SPC;
            }
            flags = Some(f);
        }
        Ok(flags.map_or(NameOpt::ONELINE, NameOpt))
    }

    /// `compat`: names print as [`super::to_oneline`], not by [`NameOpt::print`].
    pub fn is_compat(self) -> bool {
        self.0 == 0
    }

    /// A field a line (`sep_multiline`): `subject=` and `Subject:` are followed by a line end,
    /// and the fields indented.
    pub fn is_multiline(self) -> bool {
        self.0 & SEP_MASK == SEP_MULTILINE
    }

    /// `X509_NAME_print_ex(name, indent, flags)`; `compat` prints [`super::to_oneline`].
    pub fn print(self, name: &Name, indent: usize) -> String {
        if self.is_compat() {
            return super::to_oneline(name);
        }
        let f = self.0;
        let (sep_dn, sep_mv, line_indent) = match f & SEP_MASK {
            SEP_MULTILINE => ("\n", " + ", indent),
            SEP_COMMA_PLUS => (",", "+", 0),
            SEP_SPLUS_SPC => ("; ", " + ", 0),
            _ => (", ", " + ", 0),
        };
        let sep_eq = if f & SPC_EQ != 0 { " = " } else { "=" };
        let mut entries = Vec::new();
        for (i, rdn) in name.iter_rdn().enumerate() {
            for atv in rdn.iter() {
                entries.push((i, atv));
            }
        }
        if f & DN_REV != 0 {
            entries.reverse();
        }
        let mut out = " ".repeat(indent);
        let mut prev = None;
        for (set, atv) in entries {
            if let Some(p) = prev {
                if p == set {
                    out.push_str(sep_mv);
                } else {
                    out.push_str(sep_dn);
                    out.push_str(&" ".repeat(line_indent));
                }
            }
            prev = Some(set);
            let known = by_oid(&atv.oid);
            let fn_opt = f & FN_MASK;
            if fn_opt != FN_NONE {
                let (field, width) = match known {
                    Some(a) if fn_opt == FN_SN => (a.short.to_owned(), FN_WIDTH_SN),
                    Some(a) if fn_opt == FN_LN => (a.long.to_owned(), FN_WIDTH_LN),
                    _ => (atv.oid.to_string(), 0),
                };
                out.push_str(&field);
                if field.len() < width && f & FN_ALIGN != 0 {
                    out.push_str(&" ".repeat(width - field.len()));
                }
                out.push_str(sep_eq);
            }
            let extra = if known.is_none() && f & DUMP_UNKNOWN_FIELDS != 0 {
                DUMP_ALL
            } else {
                0
            };
            print_value(&mut out, f | extra, &atv.value);
        }
        out
    }
}

/// `do_print_ex`: one attribute value.
fn print_value(out: &mut String, f: u32, value: &Any) {
    let tag = value.tag();
    if f & SHOW_TYPE != 0 {
        out.push_str(tag_name(tag));
        out.push(':');
    }
    // OpenSSL refuses to load a UTF8String that is not UTF-8; pki shows its DER.
    let bad_utf8 = tag == Tag::Utf8String && std::str::from_utf8(value.value()).is_err();
    // Characters per unit: 0 UTF-8, 1 a byte, 2 BMPString, 4 UniversalString; None dumps.
    let width = if f & DUMP_ALL != 0 || bad_utf8 {
        None
    } else if f & IGNORE_TYPE != 0 {
        Some(1)
    } else {
        let w = match tag {
            Tag::Utf8String => Some(0),
            Tag::NumericString
            | Tag::PrintableString
            | Tag::TeletexString
            | Tag::Ia5String
            | Tag::VisibleString
            | Tag::UtcTime
            | Tag::GeneralizedTime => Some(1),
            Tag::BmpString => Some(2),
            t if t.number().value() == 28 && t.class() == der::Class::Universal => Some(4),
            _ => None,
        };
        match w {
            None if f & DUMP_UNKNOWN == 0 => Some(1),
            w => w,
        }
    };
    let Some(width) = width else {
        out.push('#');
        let bytes = if f & DUMP_DER != 0 || bad_utf8 {
            value.to_der().unwrap_or_default()
        } else {
            value.value().to_vec()
        };
        for b in bytes {
            let _ = write!(out, "{b:02X}");
        }
        return;
    };
    // With `utf8`, a UTF8String is taken a byte at a time, so as not to convert it twice.
    let (width, utf8) = match (width, f & UTF8_CONVERT != 0) {
        (0, true) => (1, false),
        (w, convert) => (w, convert),
    };
    let Some(chars) = characters(value.value(), width) else {
        // OpenSSL gives up on a malformed string; pki prints its content in hex.
        out.push('#');
        for b in value.value() {
            let _ = write!(out, "{b:02X}");
        }
        return;
    };
    let esc = f & ESC_FLAGS;
    let mut body = Vec::new();
    let mut quotes = false;
    let last = chars.len().saturating_sub(1);
    for (i, &c) in chars.iter().enumerate() {
        let mut or = 0;
        if i == 0 && esc & ESC_2253 != 0 {
            or = FIRST_ESC_2253;
        }
        if i == last && esc & ESC_2253 != 0 {
            or = LAST_ESC_2253;
        }
        if utf8 {
            let mut buf = [0u8; 4];
            let s = char::from_u32(c)
                .unwrap_or('\u{fffd}')
                .encode_utf8(&mut buf);
            for &b in s.as_bytes() {
                esc_char(&mut body, u32::from(b), esc | or, &mut quotes);
            }
        } else {
            esc_char(&mut body, c, esc | or, &mut quotes);
        }
    }
    let text = String::from_utf8_lossy(&body);
    if quotes {
        out.push('"');
        out.push_str(&text);
        out.push('"');
    } else {
        out.push_str(&text);
    }
}

/// `do_buf`'s characters: UTF-8 decoded (width 0), bytes, or big-endian units.
fn characters(b: &[u8], width: usize) -> Option<Vec<u32>> {
    match width {
        0 => std::str::from_utf8(b)
            .ok()
            .map(|s| s.chars().map(u32::from).collect()),
        1 => Some(b.iter().map(|&x| u32::from(x)).collect()),
        2 if b.len().is_multiple_of(2) => Some(
            b.chunks_exact(2)
                .map(|p| u32::from(u16::from_be_bytes([p[0], p[1]])))
                .collect(),
        ),
        4 if b.len().is_multiple_of(4) => Some(
            b.chunks_exact(4)
                .map(|p| u32::from_be_bytes([p[0], p[1], p[2], p[3]]))
                .collect(),
        ),
        _ => None,
    }
}

/// `do_esc_char`: one character, escaped as `flags` ask.
fn esc_char(out: &mut Vec<u8>, c: u32, flags: u32, quotes: &mut bool) {
    if c > 0xffff {
        out.extend(format!("\\W{c:08X}").bytes());
        return;
    }
    if c > 0xff {
        out.extend(format!("\\U{c:04X}").bytes());
        return;
    }
    let b = c as u8;
    let ch = if b > 0x7f {
        flags & ESC_MSB
    } else {
        char_type(b) & flags
    };
    if ch & BS_ESC != 0 {
        if ch & ESC_QUOTE != 0 {
            *quotes = true;
            out.push(b);
        } else {
            out.push(b'\\');
            out.push(b);
        }
        return;
    }
    if ch & (ESC_CTRL | ESC_MSB | ESC_2254) != 0 {
        out.extend(format!("\\{b:02X}").bytes());
        return;
    }
    if b == b'\\' && flags & ESC_FLAGS != 0 {
        out.extend_from_slice(b"\\\\");
        return;
    }
    out.push(b);
}

/// `ASN1_tag2str`.
fn tag_name(tag: Tag) -> &'static str {
    match tag {
        Tag::Utf8String => "UTF8STRING",
        Tag::PrintableString => "PRINTABLESTRING",
        Tag::Ia5String => "IA5STRING",
        Tag::TeletexString => "T61STRING",
        Tag::NumericString => "NUMERICSTRING",
        Tag::BmpString => "BMPSTRING",
        t if t.number().value() == 28 && t.class() == der::Class::Universal => "UNIVERSALSTRING",
        Tag::VisibleString => "VISIBLESTRING",
        Tag::UtcTime => "UTCTIME",
        Tag::GeneralizedTime => "GENERALIZEDTIME",
        Tag::OctetString => "OCTET STRING",
        Tag::BitString => "BIT STRING",
        Tag::Integer => "INTEGER",
        Tag::Sequence => "SEQUENCE",
        Tag::Set => "SET",
        Tag::ObjectIdentifier => "OBJECT",
        Tag::Boolean => "BOOLEAN",
        Tag::Null => "NULL",
        _ => "(unknown)",
    }
}
