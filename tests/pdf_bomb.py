#!/usr/bin/python3
"""pdf_bomb.py - writes a one-page PDF whose content stream inflates to
MIB mebibytes of zeros (a decompression bomb), for test-bundle.c.

    /usr/bin/python3 tests/pdf_bomb.py OUT.pdf MIB
"""
import sys
import zlib

mib = int(sys.argv[2])
c = zlib.compressobj(9)
z = b"".join(c.compress(b"\0" * (1 << 20)) for _ in range(mib)) + c.flush()
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream"]
out = bytearray(b"%PDF-1.4\n")
offsets = []
for i, o in enumerate(objs):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offsets:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
with open(sys.argv[1], "wb") as f:
    f.write(out)
