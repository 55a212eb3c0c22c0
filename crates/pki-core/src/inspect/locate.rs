//! Where a DER error happened, when the decoder did not say.
//!
//! The `der` crate gives most errors a position; a few (a tag other than the one expected, a
//! malformed UTCTime or INTEGER inside a structure) come back without one. For those, this
//! module walks the input along the shape of the structure (tags only, as in RFC 5280 4.1
//! and RFC 2986 4) and checks each primitive with `der`'s own strict decoders; the first
//! element that does not fit is where decoding failed.

use der::{
    Decode,
    asn1::{BitString, GeneralizedTime, Int, UtcTime},
    oid::ObjectIdentifier,
};

/// `e` with a position: its own, or the first misfit of `der` against `shape`.
pub(super) fn fill(e: der::Error, der: &[u8], shape: fn(&mut Cur<'_>) -> Step) -> der::Error {
    if e.position().is_some() {
        return e;
    }
    let mut cur = Cur::new(der, 0, der.len());
    match shape(&mut cur) {
        Err(at) => der::Error::new(e.kind(), der::Length::new(at)),
        Ok(()) => e,
    }
}

/// The offset of the first element that does not fit.
pub(super) type Step = Result<(), u32>;

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const BOOLEAN: u8 = 0x01;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;

#[derive(Clone, Copy)]
pub(super) struct Elem {
    off: usize,
    tag: u8,
    start: usize,
    end: usize,
}

/// A cursor over the elements between `pos` and `end`.
pub(super) struct Cur<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Cur<'a> {
    fn new(buf: &'a [u8], pos: usize, end: usize) -> Cur<'a> {
        Cur { buf, pos, end }
    }

    fn at(off: usize) -> u32 {
        u32::try_from(off).unwrap_or(u32::MAX)
    }

    /// The next element's header; `Err` at a header that does not parse or overruns.
    fn peek(&self) -> Result<Option<Elem>, u32> {
        if self.pos >= self.end {
            return Ok(None);
        }
        let bad = Err(Self::at(self.pos));
        let b = &self.buf[..self.end];
        let tag = b[self.pos];
        let mut i = self.pos + 1;
        if tag & 0x1f == 0x1f {
            // High tag numbers: base-128 until a byte without the top bit.
            while i < b.len() && b[i] & 0x80 != 0 {
                i += 1;
            }
            i += 1;
        }
        let Some(&first) = b.get(i) else { return bad };
        i += 1;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 || i + n > b.len() {
                return bad;
            }
            let l = b[i..i + n]
                .iter()
                .fold(0usize, |acc, x| (acc << 8) | usize::from(*x));
            i += n;
            l
        };
        if i + len > b.len() {
            return bad;
        }
        Ok(Some(Elem {
            off: self.pos,
            tag,
            start: i,
            end: i + len,
        }))
    }

    fn next(&mut self) -> Result<Option<Elem>, u32> {
        let e = self.peek()?;
        if let Some(e) = e {
            self.pos = e.end;
        }
        Ok(e)
    }

    /// The next element, which must have `tag`.
    fn expect(&mut self, tag: u8) -> Result<Elem, u32> {
        match self.next()? {
            Some(e) if e.tag == tag => Ok(e),
            Some(e) => Err(Self::at(e.off)),
            None => Err(Self::at(self.pos)),
        }
    }

    /// The next element if it has `tag`.
    fn optional(&mut self, tag: u8) -> Result<Option<Elem>, u32> {
        match self.peek()? {
            Some(e) if e.tag == tag => {
                self.pos = e.end;
                Ok(Some(e))
            }
            _ => Ok(None),
        }
    }

    fn inside(&self, e: Elem) -> Cur<'a> {
        Cur::new(self.buf, e.start, e.end)
    }

    fn done(&self) -> Step {
        if self.pos < self.end {
            Err(Self::at(self.pos))
        } else {
            Ok(())
        }
    }

    /// Checks a primitive element with der's decoder for its type.
    fn strict(&self, e: Elem) -> Step {
        let bytes = &self.buf[e.off..e.end];
        let ok = match e.tag {
            INTEGER => Int::from_der(bytes).is_ok(),
            BIT_STRING => BitString::from_der(bytes).is_ok(),
            OID => <ObjectIdentifier>::from_der(bytes).is_ok(),
            BOOLEAN => bool::from_der(bytes).is_ok(),
            UTC_TIME => UtcTime::from_der(bytes).is_ok(),
            GENERALIZED_TIME => GeneralizedTime::from_der(bytes).is_ok(),
            _ => true,
        };
        if ok { Ok(()) } else { Err(Self::at(e.off)) }
    }

    fn prim(&mut self, tag: u8) -> Step {
        let e = self.expect(tag)?;
        self.strict(e)
    }
}

fn algorithm(c: &mut Cur<'_>) -> Step {
    let e = c.expect(SEQUENCE)?;
    let mut a = c.inside(e);
    a.prim(OID)?;
    a.next()?;
    a.done()
}

fn name(c: &mut Cur<'_>) -> Step {
    let e = c.expect(SEQUENCE)?;
    let mut rdns = c.inside(e);
    while let Some(set) = rdns.next()? {
        if set.tag != SET {
            return Err(Cur::at(set.off));
        }
        let mut atvs = rdns.inside(set);
        while atvs.peek()?.is_some() {
            let atv = atvs.expect(SEQUENCE)?;
            let mut a = atvs.inside(atv);
            a.prim(OID)?;
            a.next()?;
            a.done()?;
        }
    }
    Ok(())
}

fn spki(c: &mut Cur<'_>) -> Step {
    let e = c.expect(SEQUENCE)?;
    let mut s = c.inside(e);
    algorithm(&mut s)?;
    s.prim(BIT_STRING)?;
    s.done()
}

fn time(c: &mut Cur<'_>) -> Step {
    match c.peek()? {
        Some(e) if e.tag == UTC_TIME || e.tag == GENERALIZED_TIME => {
            c.next()?;
            c.strict(e)
        }
        Some(e) => Err(Cur::at(e.off)),
        None => Err(Cur::at(c.pos)),
    }
}

/// Certificate ([RFC 5280 4.1](https://www.rfc-editor.org/rfc/rfc5280#section-4.1)).
pub(super) fn certificate(c: &mut Cur<'_>) -> Step {
    let outer = c.expect(SEQUENCE)?;
    let mut cert = c.inside(outer);
    let tbs_e = cert.expect(SEQUENCE)?;
    let mut tbs = cert.inside(tbs_e);
    if let Some(v) = tbs.optional(0xa0)? {
        let mut inner = tbs.inside(v);
        let version = inner.expect(INTEGER)?;
        // v1(0), v2(1), v3(2) only.
        if inner.buf[version.start..version.end] > [2][..] || version.end != version.start + 1 {
            return Err(Cur::at(version.off));
        }
        inner.done()?;
    }
    // x509-cert refuses serials over 21 octets (20, and a sign octet).
    let serial = tbs.expect(INTEGER)?;
    tbs.strict(serial)?;
    if serial.end - serial.start > 21 {
        return Err(Cur::at(serial.off));
    }
    algorithm(&mut tbs)?;
    name(&mut tbs)?;
    let v = tbs.expect(SEQUENCE)?;
    let mut validity = tbs.inside(v);
    time(&mut validity)?;
    time(&mut validity)?;
    validity.done()?;
    name(&mut tbs)?;
    spki(&mut tbs)?;
    tbs.optional(0x81)?;
    tbs.optional(0x82)?;
    if let Some(x) = tbs.optional(0xa3)? {
        let mut wrapper = tbs.inside(x);
        let list = wrapper.expect(SEQUENCE)?;
        let mut exts = wrapper.inside(list);
        while exts.peek()?.is_some() {
            let ext = exts.expect(SEQUENCE)?;
            let mut e = exts.inside(ext);
            e.prim(OID)?;
            if let Some(b) = e.optional(BOOLEAN)? {
                e.strict(b)?;
            }
            e.expect(OCTET_STRING)?;
            e.done()?;
        }
        wrapper.done()?;
    }
    tbs.done()?;
    algorithm(&mut cert)?;
    cert.prim(BIT_STRING)?;
    cert.done()?;
    c.done()
}

/// CertificationRequest ([RFC 2986 4](https://www.rfc-editor.org/rfc/rfc2986#section-4)).
pub(super) fn request(c: &mut Cur<'_>) -> Step {
    let outer = c.expect(SEQUENCE)?;
    let mut req = c.inside(outer);
    let info_e = req.expect(SEQUENCE)?;
    let mut info = req.inside(info_e);
    info.prim(INTEGER)?;
    name(&mut info)?;
    spki(&mut info)?;
    info.expect(0xa0)?;
    info.done()?;
    algorithm(&mut req)?;
    req.prim(BIT_STRING)?;
    req.done()?;
    c.done()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_bad_time() {
        // SEQUENCE { SEQUENCE { INTEGER 1, SEQUENCE { OID 1.2 }, SEQUENCE {}, SEQUENCE {
        // UTCTime "x" ...
        let der = [
            0x30, 0x14, 0x30, 0x12, 0x02, 0x01, 0x01, 0x30, 0x03, 0x06, 0x01, 0x2a, 0x30, 0x00,
            0x30, 0x06, 0x17, 0x01, b'x', 0x17, 0x01, b'y',
        ];
        let mut c = Cur::new(&der, 0, der.len());
        assert_eq!(certificate(&mut c), Err(16));
        let e = fill(der::Tag::UtcTime.value_error().into(), &der, certificate);
        assert_eq!(e.position().map(u32::from), Some(16));
    }
}
