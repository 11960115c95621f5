#!/usr/bin/python3
"""docx_edit.py - edit a DOCX in LibreOffice as a clerk would, through UNO.

    /usr/bin/python3 tests/docx_edit.py IN.docx OUT.docx OUT.pdf OLD=NEW ...

Starts soffice headless on a pipe with a profile of its own (a temporary
folder, removed at the end), loads IN, replaces every OLD with NEW (search
and replace, as in the Find & Replace dialog), stores the result as
OUT.docx (Word 2007-365) and exports the edited document as OUT.pdf.
Fontconfig is whatever FONTCONFIG_FILE says.  Exit status 0 when every OLD
was found and both files were written, 1 otherwise, 2 when python3-uno or
soffice is missing.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import uno
    from com.sun.star.beans import PropertyValue
except ImportError:
    sys.stderr.write("docx_edit: python3-uno is missing: apt-get install python3-uno\n")
    sys.exit(2)


def props(**kw):
    """A tuple of PropertyValue from keyword arguments."""
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


def connect(pipe, proc):
    """The desktop of the soffice listening on PIPE (waits up to 60 s)."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        if proc.poll() is not None:
            raise RuntimeError("soffice exited with %s" % proc.returncode)
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            return ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", ctx)
        except Exception:               # NoConnectException: not up yet
            time.sleep(0.25)
    raise RuntimeError("soffice did not answer on its pipe")


def main():
    if len(sys.argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    src, out_docx, out_pdf = (os.path.abspath(a) for a in sys.argv[1:4])
    edits = [a.split("=", 1) for a in sys.argv[4:]]
    soffice = shutil.which("soffice")
    if not soffice:
        sys.stderr.write("docx_edit: soffice is missing\n")
        return 2
    tmp = tempfile.mkdtemp(prefix="docx_edit.")
    pipe = "fivestar_edit_%d" % os.getpid()
    proc = subprocess.Popen(
        [soffice, "-env:UserInstallation=" + uno.systemPathToFileUrl(tmp + "/profile"),
         "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         "--accept=pipe,name=%s;urp;" % pipe],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rc = 1
    try:
        desktop = connect(pipe, proc)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                           props(Hidden=True))
        missing = []
        for old, new in edits:
            rd = doc.createReplaceDescriptor()
            rd.setSearchString(old)
            rd.setReplaceString(new)
            if doc.replaceAll(rd) == 0:
                missing.append(old)
        doc.storeToURL(uno.systemPathToFileUrl(out_docx),
                       props(FilterName="MS Word 2007 XML"))
        doc.storeToURL(uno.systemPathToFileUrl(out_pdf),
                       props(FilterName="writer_pdf_Export"))
        doc.close(True)
        if missing:
            sys.stderr.write("docx_edit: %s: not found: %s\n" % (src, ", ".join(missing)))
        else:
            rc = 0
        try:
            desktop.terminate()
        except Exception:               # the bridge goes down with soffice
            pass
    except Exception as e:              # UNO raises its own exception types
        sys.stderr.write("docx_edit: %s: %s\n" % (src, e))
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
