#!/usr/bin/python3
"""docx_check.py - read a DOCX with python-docx and check what it holds.

Run it with Debian's own interpreter and package (apt-get install
python3-docx), which is what a Word user's tool chain sees:

    /usr/bin/python3 tests/docx_check.py FILE.docx [CHECK ...]

Checks are done in the order given.  Table checks apply to the table chosen
by the last --table (the first table until then).  Rows and columns are
1-based; columns are grid columns (a cell spanning two columns covers two).

  --expect-text T      T occurs in the text of the document body (every
                       paragraph, also in tables; paragraphs joined by a
                       newline; when T is not found as it is, it is looked
                       for again with all white space removed on both sides)
  --tables N           the body has N tables (nested ones not counted)
  --table I            choose table I (negative: from the end)
  --table-rows N       the chosen table has N rows (w:tr)
  --table-cols N       ... N grid columns (w:gridCol)
  --header-rows N      ... N rows marked as repeating header rows
  --merge R,C,RS,CS    ... a merged cell starts at row R, column C and spans
                       RS rows (vMerge) and CS columns (gridSpan)
  --cell R,C=TEXT      ... the cell covering row R, column C holds TEXT
  --office-fonts       every East Asian font the package names (w:eastAsia
                       of w:rFonts in the document, styles, headers and
                       footers, and fontTable's GB2312 fonts) is an office
                       font: 宋体, 黑体, 楷体, 仿宋 (and their _GB2312 forms),
                       新宋体, 方正小标宋简体 / _GBK, 微软雅黑
  --cant-split         ... every row that is no header row has w:cantSplit
  --valign C=V         ... every cell starting in column C has w:vAlign V
                       (top, center, bottom), in every row
                       (paragraphs joined by a newline, written as a real
                       newline or as \\n; outer white space ignored)
  --dump               print every table, row by row, with its merges

Exit status: 0 when every check holds, 1 when one fails (each failure is
printed to standard error as "docx_check: FILE: ..."), 2 for a bad command
line or a file python-docx cannot open.
"""

import argparse
import re
import sys

try:
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write("docx_check: python-docx is missing: apt-get install "
                     "python3-docx, and run /usr/bin/python3\n")
    sys.exit(2)


class Ordered(argparse.Action):
    """Appends (option, value) to namespace.checks, keeping the order."""

    def __call__(self, parser, namespace, values, option_string=None):
        checks = getattr(namespace, "checks", None) or []
        checks.append((self.dest, values))
        namespace.checks = checks


def para_text(p):
    """The text of a w:p element (w:t, w:tab, w:br as python-docx reads)."""
    return Paragraph(p, None).text


def cell_text(tc):
    return "\n".join(para_text(p) for p in tc.iter(qn("w:p"))).strip()


class Table:
    """A w:tbl laid out on its grid: rows of (column, span, tc) and the
    merged regions (row, col, rowspan, colspan), all 0-based."""

    def __init__(self, tbl):
        self.tbl = tbl
        grid = tbl.find(qn("w:tblGrid"))
        self.ncols = len(grid.findall(qn("w:gridCol"))) if grid is not None else 0
        self.rows = []
        self.trs = tbl.findall(qn("w:tr"))
        self.header_rows = 0
        self.regions = []       # [row, col, rowspan, colspan, tc]
        for r, tr in enumerate(tbl.findall(qn("w:tr"))):
            trpr = tr.find(qn("w:trPr"))
            if trpr is not None and trpr.find(qn("w:tblHeader")) is not None:
                self.header_rows += 1
            col = 0
            if trpr is not None:
                gb = trpr.find(qn("w:gridBefore"))
                if gb is not None:
                    col = int(gb.get(qn("w:val")))
            cells = []
            for tc in tr.findall(qn("w:tc")):
                span = tc.grid_span
                vm = tc.vMerge
                if vm == "continue":
                    above = [g for g in self.regions
                             if g[1] == col and g[0] + g[2] == r]
                    if not above:
                        raise ValueError("row %d, column %d continues a vertical "
                                         "merge that does not exist" % (r + 1, col + 1))
                    above[0][2] += 1
                else:
                    self.regions.append([r, col, 1, span, tc])
                cells.append((col, span, tc))
                col += span
            self.rows.append(cells)

    def covering(self, r, c):
        """The region covering grid slot (r, c), or None."""
        for g in self.regions:
            if g[0] <= r < g[0] + g[2] and g[1] <= c < g[1] + g[3]:
                return g
        return None

    def merges(self):
        return [(g[0], g[1], g[2], g[3]) for g in self.regions
                if g[2] > 1 or g[3] > 1]

    def dump(self, out, index):
        out.write("table %d: %d rows, %d grid columns, %d header row(s)\n"
                  % (index, len(self.rows), self.ncols, self.header_rows))
        for r, cells in enumerate(self.rows):
            parts = []
            for col, span, tc in cells:
                g = self.covering(r, col)
                text = cell_text(g[4]) if g else cell_text(tc)
                mark = ""
                if g and (g[2] > 1 or g[3] > 1):
                    mark = "[%dx%d%s]" % (g[2], g[3], "" if g[0] == r else " cont.")
                parts.append("%d%s %s" % (col + 1, mark,
                                          text.replace("\n", " / ")[:40]))
            out.write("  row %d: %s\n" % (r + 1, " | ".join(parts)))


OFFICE_FONTS = {
    "宋体", "新宋体", "黑体", "楷体", "楷体_GB2312", "仿宋", "仿宋_GB2312",
    "方正小标宋简体", "方正小标宋_GBK", "微软雅黑",
}


def east_asian_fonts(path):
    """(part, name) of every East Asian font named in the package PATH."""
    import zipfile
    from lxml import etree
    out = []
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            if not (n.startswith("word/") and n.endswith(".xml")):
                continue
            root = etree.fromstring(z.read(n))
            for rf in root.iter(qn("w:rFonts")):
                v = rf.get(qn("w:eastAsia"))
                if v is not None:
                    out.append((n, v))
            if n == "word/fontTable.xml":
                for f in root.iter(qn("w:font")):
                    cs = f.find(qn("w:charset"))
                    if cs is not None and cs.get(qn("w:val")) == "86":
                        out.append((n, f.get(qn("w:name"))))
    return out


def parse_pair(s, what):
    m = re.fullmatch(r"\s*(\d+)\s*,\s*(\d+)\s*", s)
    if not m:
        raise argparse.ArgumentTypeError("%s: expected R,C, got %r" % (what, s))
    return int(m.group(1)), int(m.group(2))


def main(argv):
    ap = argparse.ArgumentParser(
        description="Check the text and tables of a DOCX with python-docx.")
    ap.add_argument("file")
    ap.add_argument("--expect-text", action=Ordered, metavar="T")
    ap.add_argument("--tables", action=Ordered, type=int, metavar="N")
    ap.add_argument("--table", action=Ordered, type=int, metavar="I")
    ap.add_argument("--table-rows", action=Ordered, type=int, metavar="N")
    ap.add_argument("--table-cols", action=Ordered, type=int, metavar="N")
    ap.add_argument("--header-rows", action=Ordered, type=int, metavar="N")
    ap.add_argument("--merge", action=Ordered, metavar="R,C,RS,CS")
    ap.add_argument("--cell", action=Ordered, metavar="R,C=TEXT")
    ap.add_argument("--cant-split", action=Ordered, nargs=0)
    ap.add_argument("--office-fonts", action=Ordered, nargs=0)
    ap.add_argument("--valign", action=Ordered, metavar="C=V")
    ap.add_argument("--expect-file", action="append", default=[], metavar="F",
                    help="each non-empty line of F is an --expect-text")
    ap.add_argument("--dump", action="store_true")
    args = ap.parse_args(argv)
    checks = getattr(args, "checks", None) or []
    for name in args.expect_file:
        with open(name, encoding="utf-8") as f:
            checks.extend(("expect_text", line.rstrip("\n"))
                          for line in f if line.strip())

    try:
        document = docx.Document(args.file)
        body = document.element.body
        tables = [Table(t) for t in body.findall(qn("w:tbl"))]
    except Exception as e:  # python-docx raises many kinds
        sys.stderr.write("docx_check: %s: cannot read: %s\n" % (args.file, e))
        return 2
    text = "\n".join(para_text(p) for p in body.iter(qn("w:p")))
    squeezed = re.sub(r"\s+", "", text)

    if args.dump:
        for i, t in enumerate(tables):
            t.dump(sys.stdout, i + 1)

    failures = []
    cur = 0

    def fail(msg):
        failures.append(msg)

    def table():
        if not (0 <= cur < len(tables)):
            return None
        return tables[cur]

    for kind, value in checks:
        t = table()
        where = "table %d" % (cur + 1)
        if kind == "expect_text":
            if value not in text and re.sub(r"\s+", "", value) not in squeezed:
                fail("text not found: %r" % value)
        elif kind == "tables":
            if len(tables) != value:
                fail("expected %d tables, found %d" % (value, len(tables)))
        elif kind == "office_fonts":
            for part, name in east_asian_fonts(args.file):
                if name not in OFFICE_FONTS:
                    fail("%s names the East Asian font %r, no office font" % (part, name))
        elif kind == "table":
            cur = value - 1 if value > 0 else len(tables) + value
            if table() is None:
                fail("no table %d (the document has %d)" % (value, len(tables)))
        elif t is None:
            fail("%s: no such table for --%s" % (where, kind.replace("_", "-")))
        elif kind == "table_rows":
            if len(t.rows) != value:
                fail("%s: expected %d rows, found %d" % (where, value, len(t.rows)))
        elif kind == "table_cols":
            if t.ncols != value:
                fail("%s: expected %d grid columns, found %d" % (where, value, t.ncols))
        elif kind == "header_rows":
            if t.header_rows != value:
                fail("%s: expected %d header rows, found %d"
                     % (where, value, t.header_rows))
        elif kind == "merge":
            m = re.fullmatch(r"\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*", value)
            if not m:
                sys.stderr.write("docx_check: --merge wants R,C,RS,CS, got %r\n" % value)
                return 2
            r, c, rs, cs = (int(g) for g in m.groups())
            g = t.covering(r - 1, c - 1)
            if g is None:
                fail("%s: no cell at row %d, column %d" % (where, r, c))
            elif (g[0], g[1], g[2], g[3]) != (r - 1, c - 1, rs, cs):
                fail("%s: expected a cell at row %d, column %d spanning %d rows "
                     "and %d columns; found one at row %d, column %d spanning "
                     "%d rows and %d columns" % (where, r, c, rs, cs, g[0] + 1,
                                                g[1] + 1, g[2], g[3]))
        elif kind == "cant_split":
            for r, tr in enumerate(t.trs):
                trpr = tr.find(qn("w:trPr"))
                if trpr is not None and trpr.find(qn("w:tblHeader")) is not None:
                    continue
                if trpr is None or trpr.find(qn("w:cantSplit")) is None:
                    fail("%s: row %d may split across pages (no w:cantSplit)"
                         % (where, r + 1))
        elif kind == "valign":
            col, sep, want = value.partition("=")
            if not sep or not col.strip().isdigit():
                sys.stderr.write("docx_check: --valign wants C=V, got %r\n" % value)
                return 2
            for r, cells in enumerate(t.rows):
                for c, span, tc in cells:
                    if c != int(col) - 1:
                        continue
                    v = tc.find(qn("w:tcPr") + "/" + qn("w:vAlign"))
                    got = v.get(qn("w:val")) if v is not None else "top"
                    if got != want:
                        fail("%s: row %d, column %s is aligned %s, expected %s"
                             % (where, r + 1, col, got, want))
        elif kind == "cell":
            pos, sep, want = value.partition("=")
            if not sep:
                sys.stderr.write("docx_check: --cell wants R,C=TEXT, got %r\n" % value)
                return 2
            try:
                r, c = parse_pair(pos, "--cell")
            except argparse.ArgumentTypeError as e:
                sys.stderr.write("docx_check: %s\n" % e)
                return 2
            want = want.replace("\\n", "\n").strip()
            g = t.covering(r - 1, c - 1)
            got = cell_text(g[4]) if g else None
            if got is None:
                fail("%s: no cell at row %d, column %d" % (where, r, c))
            elif got != want:
                fail("%s: cell at row %d, column %d holds %r, expected %r"
                     % (where, r, c, got, want))

    for msg in failures:
        sys.stderr.write("docx_check: %s: %s\n" % (args.file, msg))
    if not failures:
        print("docx_check: %s: %d checks hold (%d tables)"
              % (args.file, len(checks), len(tables)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
