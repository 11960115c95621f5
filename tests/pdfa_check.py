#!/usr/bin/python3
"""pdfa_check.py - structural checks of the PDF/A-1b requirements fivestar
claims for its --pdfa output (no PDF/A validator is packaged in Debian).

    /usr/bin/python3 tests/pdfa_check.py FILE.pdf ICC_PROFILE

It reads the file through qpdf's JSON (qpdf --json=2, stream data decoded)
and checks, printing one line per failure:

  header     %PDF-1.4, then a comment line of four bytes >= 128
  trailer    /ID: two equal 16-byte strings; no /Encrypt
  metadata   the catalog's /Metadata is an unfiltered stream, /Type
             /Metadata, /Subtype /XML; well-formed XMP with pdfaid:part 1
             and pdfaid:conformance B; every Info entry (Title, Author,
             Subject, Keywords, Creator, Producer) has its XMP twin with the
             same text and vice versa; no Info dates without XMP dates
  intent     exactly one /OutputIntents entry: /S /GTS_PDFA1, an
             /OutputConditionIdentifier, a /DestOutputProfile stream with
             /N 3 holding ICC_PROFILE byte for byte
  fonts      every font is embedded (FontFile, FontFile2 or FontFile3); every
             CIDFontType2 has a stream /CIDToGIDMap and a /CIDSet whose bits
             are CID 0 plus exactly the CIDs mapped to a glyph, each below
             the font program's glyph count (maxp); the widths of /W and /DW
             agree with the program's (hmtx) within 1/1000 em
  forbidden  no transparency (/SMask, /CA or /ca other than 1, /BM other
             than Normal or Compatible, transparency groups), no /JavaScript,
             /JS, /Launch, /EmbeddedFiles, /AA, /Encrypt, no LZW

Exit status 0 when every check holds, 1 otherwise, 2 on a usage error.
"""

import base64
import json
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}

failures = []


def fail(msg):
    failures.append(msg)


def load(path):
    out = subprocess.run(["qpdf", "--json=2", "--json-stream-data=inline",
                          "--decode-level=generalized", path],
                         check=True, capture_output=True).stdout
    return json.loads(out)["qpdf"][1]


def text(v):
    """A JSON string value of qpdf as Python text."""
    if isinstance(v, str) and v.startswith("u:"):
        return v[2:]
    if isinstance(v, str) and v.startswith("b:"):
        raw = bytes.fromhex(v[2:])
        if raw[:2] == b"\xfe\xff":
            return raw[2:].decode("utf-16-be")
        return raw.decode("latin-1")
    return v


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    path, icc_path = sys.argv[1], sys.argv[2]
    raw = open(path, "rb").read()
    objs = load(path)

    def get(ref):
        if isinstance(ref, str) and ref.endswith(" R"):
            return objs.get("obj:" + ref)
        return ref

    def value(ref):
        o = get(ref)
        if isinstance(o, dict) and "value" in o:
            return o["value"]
        if isinstance(o, dict) and "stream" in o:
            return o["stream"]["dict"]
        return o

    def data(ref):
        return base64.b64decode(get(ref)["stream"]["data"])

    # header
    lines = raw.split(b"\n", 2)
    if lines[0] != b"%PDF-1.4":
        fail("header: %r, not %%PDF-1.4" % lines[0][:10])
    if not (lines[1][:1] == b"%" and len(lines[1]) >= 5 and all(c >= 128 for c in lines[1][1:5])):
        fail("header: no binary comment line")

    trailer = objs["trailer"]["value"]
    ids = trailer.get("/ID")
    if not ids or len(ids) != 2 or ids[0] != ids[1] or len(bytes.fromhex(ids[0][2:])) != 16:
        fail("trailer: /ID is not two equal 16-byte strings: %r" % (ids,))
    if "/Encrypt" in trailer:
        fail("trailer: /Encrypt")

    catalog = value(trailer["/Root"])
    info = value(trailer["/Info"]) if "/Info" in trailer else {}

    # metadata
    md_ref = catalog.get("/Metadata")
    if not md_ref:
        fail("metadata: the catalog has no /Metadata")
    else:
        md = value(md_ref)
        if md.get("/Type") != "/Metadata" or md.get("/Subtype") != "/XML":
            fail("metadata: /Type %r /Subtype %r" % (md.get("/Type"), md.get("/Subtype")))
        if "/Filter" in md or "/SubType" in md:
            fail("metadata: stream has /Filter or /SubType")
        xmp = data(md_ref)
        try:
            root = ET.fromstring(xmp.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
        except ET.ParseError as e:
            fail("metadata: XMP is not well-formed: %s" % e)
            root = None
        if root is not None:
            def one(xpath):
                found = root.findall(".//" + xpath, NS)
                return found[0] if found else None

            def lang_text(xpath):
                e = one(xpath)
                return e.text if e is not None else None

            part, conf = one("pdfaid:part"), one("pdfaid:conformance")
            if part is None or part.text != "1" or conf is None or conf.text != "B":
                fail("metadata: pdfaid part/conformance not 1/B")
            twins = [("/Title", "dc:title/rdf:Alt/rdf:li"),
                     ("/Author", "dc:creator/rdf:Seq/rdf:li"),
                     ("/Subject", "dc:description/rdf:Alt/rdf:li"),
                     ("/Keywords", "pdf:Keywords"),
                     ("/Creator", "xmp:CreatorTool"),
                     ("/Producer", "pdf:Producer")]
            for key, xpath in twins:
                a = text(info.get(key)) if key in info else None
                b = lang_text(xpath)
                if a != b:
                    fail("metadata: Info %s %r but XMP %s %r" % (key, a, xpath, b))
            for key, xpath in [("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")]:
                if (key in info) != (one(xpath) is not None):
                    fail("metadata: Info %s and XMP %s disagree" % (key, xpath))

    # output intent
    intents = value(catalog.get("/OutputIntents")) or []
    if len(intents) != 1:
        fail("intent: %d /OutputIntents, want 1" % len(intents))
    for oi_ref in intents:
        oi = value(oi_ref)
        if oi.get("/S") != "/GTS_PDFA1" or "/OutputConditionIdentifier" not in oi:
            fail("intent: /S %r, identifier %r" % (oi.get("/S"), oi.get("/OutputConditionIdentifier")))
        prof = oi.get("/DestOutputProfile")
        if not prof or value(prof).get("/N") != 3:
            fail("intent: no RGB /DestOutputProfile")
        elif data(prof) != open(icc_path, "rb").read():
            fail("intent: the profile is not %s" % icc_path)

    # fonts, transparency and forbidden keys, over every object
    nfonts = 0
    for key, o in objs.items():
        if not key.startswith("obj:"):
            continue
        d = value(key[4:])
        if not isinstance(d, dict):
            continue
        for bad in ("/JavaScript", "/JS", "/Launch", "/EmbeddedFiles", "/AA", "/Encrypt", "/SMask"):
            if bad in d:
                fail("forbidden: %s in %s" % (bad, key))
        for k in ("/CA", "/ca"):
            if k in d and d[k] != 1:
                fail("forbidden: %s %r in %s" % (k, d[k], key))
        if d.get("/BM") not in (None, "/Normal", "/Compatible"):
            fail("forbidden: /BM %r in %s" % (d.get("/BM"), key))
        if isinstance(d.get("/Group"), dict) and d["/Group"].get("/S") == "/Transparency":
            fail("forbidden: transparency group in %s" % key)
        f = d.get("/Filter")
        if f == "/LZWDecode" or (isinstance(f, list) and "/LZWDecode" in f):
            fail("forbidden: LZW in %s" % key)
        if d.get("/Type") == "/FontDescriptor" and not any(
                k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            fail("fonts: %s is not embedded" % d.get("/FontName"))
        if d.get("/Type") == "/Font" and d.get("/Subtype") == "/CIDFontType2":
            nfonts += 1
            name = d.get("/BaseFont")
            desc = value(d.get("/FontDescriptor"))
            if not desc or "/CIDSet" not in desc:
                fail("fonts: %s has no /CIDSet" % name)
                continue
            if not isinstance(d.get("/CIDToGIDMap"), str) or not d["/CIDToGIDMap"].endswith(" R"):
                fail("fonts: %s has no /CIDToGIDMap stream" % name)
                continue
            cmap = data(d["/CIDToGIDMap"])
            bits = data(desc["/CIDSet"])
            prog = data(desc["/FontFile2"])
            nglyphs = glyph_count(prog)
            mapped = {cid for cid in range(len(cmap) // 2)
                      if struct.unpack(">H", cmap[2 * cid:2 * cid + 2])[0]}
            want = mapped | {0}
            have = {i * 8 + b for i, byte in enumerate(bits) for b in range(8)
                    if byte & (0x80 >> b)}
            if have != want:
                fail("fonts: %s CIDSet lists %d CIDs, the map %d (differ: %s)"
                     % (name, len(have), len(want), sorted(have ^ want)[:8]))
            widths = cid_widths(d)
            advances = font_advances(prog)
            for cid in sorted(mapped):
                gid = struct.unpack(">H", cmap[2 * cid:2 * cid + 2])[0]
                if gid >= nglyphs:
                    fail("fonts: %s CID %d maps to glyph %d of %d" % (name, cid, gid, nglyphs))
                    break
                w = widths.get(cid, d.get("/DW", 1000))
                if abs(w - advances(gid)) > 1:
                    fail("fonts: %s CID %d is %s wide in /W, %s in the program"
                         % (name, cid, w, advances(gid)))
                    break
    if nfonts == 0:
        fail("fonts: no CIDFontType2 font at all")

    for f in failures:
        print("pdfa_check: %s: %s" % (path, f))
    return 1 if failures else 0


def tables(font):
    """The table directory of TrueType FONT: tag -> offset."""
    ntables = struct.unpack(">H", font[4:6])[0]
    out = {}
    for i in range(ntables):
        tag, _, off, _ = struct.unpack(">4sIII", font[12 + 16 * i:28 + 16 * i])
        out[tag] = off
    return out


def font_advances(font):
    """A function giving glyph GID's advance in 1/1000 em, truncated as
    libharu truncates it."""
    t = tables(font)
    upem = struct.unpack(">H", font[t[b"head"] + 18:t[b"head"] + 20])[0]
    nmetrics = struct.unpack(">H", font[t[b"hhea"] + 34:t[b"hhea"] + 36])[0]
    hmtx = t[b"hmtx"]

    def advance(gid):
        i = min(gid, nmetrics - 1)
        adv = struct.unpack(">H", font[hmtx + 4 * i:hmtx + 4 * i + 2])[0]
        return adv * 1000 // upem
    return advance


def cid_widths(d):
    """CID -> width from a CIDFont's /W array (both forms)."""
    out = {}
    w = d.get("/W") or []
    i = 0
    while i < len(w):
        if i + 1 < len(w) and isinstance(w[i + 1], list):
            for k, v in enumerate(w[i + 1]):
                out[w[i] + k] = v
            i += 2
        else:
            for c in range(w[i], w[i + 1] + 1):
                out[c] = w[i + 2]
            i += 3
    return out


def glyph_count(font):
    """numGlyphs of the maxp table of TrueType FONT (bytes)."""
    ntables = struct.unpack(">H", font[4:6])[0]
    for i in range(ntables):
        tag, _, off, _ = struct.unpack(">4sIII", font[12 + 16 * i:28 + 16 * i])
        if tag == b"maxp":
            return struct.unpack(">H", font[off + 4:off + 6])[0]
    return 0


if __name__ == "__main__":
    sys.exit(main())
