#!/usr/bin/python3
"""pdf_fonts.py - which font draws which character in a PDF, and which
characters have no glyph (drawn as .notdef, the empty box).

    /usr/bin/python3 tests/pdf_fonts.py FILE.pdf [CHECK ...]

Reads FILE with qpdf's JSON (streams decoded) and, for every TrueType font,
its ToUnicode map (character codes to text) and its embedded font program
(fontTools): a code whose glyph is .notdef, or has no outline while its
text is not a space, is a missing character.  A font's name is its
BaseFont without the subset tag ("DAAAAA+UMingCN" is "UMingCN").

Checks:
  --chars-of REF.pdf    every character of REF's text (pdftotext) is drawn
                        in FILE with a real glyph
  --same-face A=B       each character of A is drawn only in fonts of the
                        same name as the font that draws B
  --list                print each font's name and characters
Exit status 0 when every check holds, 1 when one fails (each failure on
standard error as "pdf_fonts: FILE: ..."), 2 for a bad command line or a
missing tool (python3-fonttools, qpdf, pdftotext).
"""
import argparse
import base64
import io
import json
import logging
import re
import subprocess
import sys

try:
    from fontTools.ttLib import TTFont
except ImportError:
    sys.stderr.write("pdf_fonts: python3-fonttools is missing: apt-get install "
                     "python3-fonttools\n")
    sys.exit(2)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def load(path):
    """The objects of PATH as qpdf's JSON v2 has them."""
    out = subprocess.run(["qpdf", "--json=2", "--json-stream-data=inline",
                          "--decode-level=all", path, "-"],
                         stdout=subprocess.PIPE, check=False)
    if out.returncode not in (0, 3):
        raise RuntimeError("qpdf cannot read %s" % path)
    return json.loads(out.stdout)["qpdf"][1]


def stream(objs, ref):
    """The decoded bytes of the stream object REF ("12 0 R")."""
    o = objs.get("obj:" + ref, {})
    data = o.get("stream", {}).get("data")
    return base64.b64decode(data) if data else b""


def tounicode(data):
    """Code -> text of a ToUnicode CMap (bfchar and bfrange)."""
    m = {}
    text = data.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            m[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, uni in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = bytes.fromhex(uni).decode("utf-16-be", "replace")
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                m[code] = base[:-1] + chr(ord(base[-1]) + k) if base else ""
    return m


def glyph_of(font, code):
    """The glyph name CODE selects in the simple TrueType FONT, or None."""
    for t in font["cmap"].tables:
        for c in (code, 0xF000 + code):
            if c in t.cmap:
                return t.cmap[c]
    return None


def fonts(path):
    """{name: {"drawn": set of characters, "missing": set}} of PATH."""
    objs = load(path)
    res = {}
    for key, o in objs.items():
        v = o.get("value")
        if not isinstance(v, dict) or v.get("/Type") != "/Font":
            continue
        if v.get("/Subtype") != "/TrueType" or "/ToUnicode" not in v:
            continue
        name = v.get("/BaseFont", "/?")[1:].split("+", 1)[-1]
        desc = objs.get("obj:" + v.get("/FontDescriptor", ""), {}).get("value", {})
        prog = stream(objs, desc.get("/FontFile2", "")) if desc else b""
        tt = TTFont(io.BytesIO(prog)) if prog else None
        ent = res.setdefault(name, {"drawn": set(), "missing": set()})
        notdef = None           # the outline of glyph 0, when it has one
        if tt is not None and "glyf" in tt:
            g0 = tt["glyf"][tt.getGlyphOrder()[0]]
            if g0.numberOfContours != 0:
                notdef = g0.compile(tt["glyf"])
        for code, text in tounicode(stream(objs, v["/ToUnicode"])).items():
            if code == 0 or not text:
                continue
            g = glyph_of(tt, code) if tt else None
            empty = False
            if g and g != ".notdef" and not text.isspace() and "glyf" in tt:
                glyf = tt["glyf"]
                empty = glyf[g].numberOfContours == 0 or (
                    notdef is not None and
                    glyf[g].compile(glyf) == notdef)
            if tt is None or g is None or g == ".notdef" or empty:
                ent["missing"].update(text)
            else:
                ent["drawn"].update(text)
    return res


def main():
    ap = argparse.ArgumentParser(description="fonts and missing glyphs of a PDF")
    ap.add_argument("file")
    ap.add_argument("--chars-of", dest="ref")
    ap.add_argument("--same-face", action="append", default=[])
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    try:
        fs = fonts(a.file)
    except (OSError, RuntimeError, ValueError) as e:
        sys.stderr.write("pdf_fonts: %s: %s\n" % (a.file, e))
        return 2
    bad = []
    drawn = set().union(*(f["drawn"] for f in fs.values())) if fs else set()
    missing = set().union(*(f["missing"] for f in fs.values())) if fs else set()
    if a.list:
        for n, f in sorted(fs.items()):
            print("%s: %d drawn, missing %r" % (n, len(f["drawn"]),
                                               "".join(sorted(f["missing"]))))
    if missing:
        bad.append("characters without a glyph: %r" % "".join(sorted(missing)))
    if a.ref:
        txt = subprocess.run(["pdftotext", "-enc", "UTF-8", a.ref, "-"],
                             stdout=subprocess.PIPE, check=True).stdout.decode()
        want = {c for c in txt if not c.isspace() and c != "\u3013"}
        lost = want - drawn
        if lost:
            bad.append("%d characters of %s are not drawn: %r"
                       % (len(lost), a.ref, "".join(sorted(lost))))
    for spec in a.same_face:
        chars, _, ref = spec.partition("=")
        ref_fonts = {n for n, f in fs.items() if ref in f["drawn"]}
        for ch in chars:
            got = {n for n, f in fs.items() if ch in f["drawn"]}
            if not got or not ref_fonts or got - ref_fonts:
                bad.append("%s is drawn in %s, %s in %s" % (
                    ch, sorted(got) or "no font", ref, sorted(ref_fonts) or "no font"))
    for msg in bad:
        sys.stderr.write("pdf_fonts: %s: %s\n" % (a.file, msg))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
