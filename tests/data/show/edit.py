#!/usr/bin/env python3
"""Hand-edits a DER certificate into the oddities `pki show` must read (see README.md).

    python3 edit.py utctime-1950 IN.der OUT.der   notBefore becomes UTCTime 500101120000Z
    python3 edit.py serial-22 IN.der OUT.der      serialNumber becomes a 22-octet INTEGER

Only the TBSCertificate changes, so the signature no longer verifies: show does not check it.
"""
import sys


def tlv(b, i):
    """(tag, header length, content length) of the DER TLV at b[i]."""
    tag, n = b[i], b[i + 1]
    if n < 0x80:
        return tag, 2, n
    k = n & 0x7F
    return tag, 2 + k, int.from_bytes(b[i + 2:i + 2 + k], "big")


def children(b):
    out, i = [], 0
    while i < len(b):
        _, h, n = tlv(b, i)
        out.append(b[i:i + h + n])
        i += h + n
    return out


def enc(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    k = (n.bit_length() + 7) // 8
    return bytes([tag, 0x80 | k]) + n.to_bytes(k, "big") + content


def content(t):
    _, h, n = tlv(t, 0)
    return t[h:h + n]


def main():
    what, src, dst = sys.argv[1:4]
    cert = children(content(open(src, "rb").read()))
    tbs = children(content(cert[0]))
    v3 = tbs[0][0] == 0xA0
    serial, validity = 1 if v3 else 0, 4 if v3 else 3
    if what == "utctime-1950":
        times = children(content(tbs[validity]))
        times[0] = enc(0x17, b"500101120000Z")
        tbs[validity] = enc(0x30, b"".join(times))
    elif what == "serial-22":
        tbs[serial] = enc(0x02, bytes([0x01] + list(range(2, 23))))
    else:
        sys.exit(f"unknown edit {what}")
    cert[0] = enc(0x30, b"".join(tbs))
    open(dst, "wb").write(enc(0x30, b"".join(cert)))


main()
