#!/usr/bin/python3
"""docx_validate.py - validate every XML part of DOCX files against the
ECMA-376 schemas (5th edition, transitional) with xmllint, offline.

    /usr/bin/python3 tests/docx_validate.py FILE.docx ...

The schemas are looked up in $OOXML_SCHEMAS, then ../shared/ooxml-schemas
and ../../shared/ooxml-schemas (from the current folder).  word/*.xml go
against wml.xsd plus tests/ooxml/wps.xsd and wpg.xsd (the part of
Microsoft's shape and group extensions fivestar writes, which ECMA-376's
strict a:graphicData wildcard otherwise refuses), [Content_Types].xml
against opc-contentTypes.xsd, *.rels against opc-relationships.xsd,
docProps/app.xml against shared-documentPropertiesExtended.xsd;
docProps/core.xml has no schema there and is only checked to be
well-formed.  Exit status 0 when every part is valid, 1 when one is not
(xmllint's messages on standard error), 2 when the schemas or xmllint are
missing.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
}


def schemas_dir():
    """The folder of the ECMA-376 schemas, or None."""
    for d in (os.environ.get("OOXML_SCHEMAS"), "../shared/ooxml-schemas",
              "../../shared/ooxml-schemas"):
        if d and os.path.isfile(os.path.join(d, "wml.xsd")):
            return os.path.abspath(d)
    return None


def driver(tmp, sd):
    """Writes a schema importing wml.xsd, wps.xsd and wpg.xsd; its path."""
    path = os.path.join(tmp, "driver.xsd")
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0"?>\n<xsd:schema xmlns:xsd='
                '"http://www.w3.org/2001/XMLSchema" targetNamespace="urn:fivestar:driver">\n')
        for ns, loc in ((NS["w"], os.path.join(sd, "wml.xsd")),
                        (NS["wps"], os.path.join(HERE, "ooxml", "wps.xsd")),
                        (NS["wpg"], os.path.join(HERE, "ooxml", "wpg.xsd"))):
            f.write('  <xsd:import namespace="%s" schemaLocation="%s"/>\n' % (ns, loc))
        f.write("</xsd:schema>\n")
    return path


def xmllint(schema, part):
    """(ok, messages) of validating PART against SCHEMA (None: only parse)."""
    cmd = ["xmllint", "--noout", "--nonet"]
    if schema:
        cmd += ["--schema", schema]
    r = subprocess.run(cmd + [part], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    return r.returncode == 0, r.stderr.decode("utf-8", "replace")


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    sd = schemas_dir()
    if not sd or not shutil.which("xmllint"):
        sys.stderr.write("docx_validate: no ECMA-376 schemas (set OOXML_SCHEMAS) "
                         "or no xmllint (apt-get install libxml2-utils)\n")
        return 2
    tmp = tempfile.mkdtemp(prefix="docx_validate.")
    bad = 0
    try:
        wml = driver(tmp, sd)
        for docx in sys.argv[1:]:
            with zipfile.ZipFile(docx) as z:
                names = [n for n in z.namelist()
                         if n.endswith(".xml") or n.endswith(".rels")]
                out = os.path.join(tmp, "parts")
                shutil.rmtree(out, ignore_errors=True)
                z.extractall(out, names)
            checked = 0
            for n in sorted(names):
                part = os.path.join(out, n)
                if n.endswith(".rels"):
                    schema = os.path.join(sd, "opc-relationships.xsd")
                elif n == "[Content_Types].xml":
                    schema = os.path.join(sd, "opc-contentTypes.xsd")
                elif n == "docProps/app.xml":
                    schema = os.path.join(sd, "shared-documentPropertiesExtended.xsd")
                elif n.startswith("word/"):
                    schema = wml
                else:
                    schema = None
                ok, msg = xmllint(schema, part)
                checked += 1
                if not ok:
                    bad += 1
                    sys.stderr.write("docx_validate: %s: %s is not valid:\n%s"
                                     % (docx, n, msg[-2000:]))
            if not bad:
                print("docx_validate: %s: %d parts valid" % (docx, checked))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
