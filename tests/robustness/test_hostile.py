"""Source and translation text is data, never markup (issue 13).

One hostile build per module (tests/hostile.py puts ~60 payloads into every input channel: each
source format, PO msgstrs, a glossary entry, a table label and caption, a correction, the
manifest), then assertions on the built HTML parsed with html5lib, on the PDFs and on the QA."""
from __future__ import annotations

import base64
import hashlib
import html as H
import http.server
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import html5lib
import pytest

from hostile import LITERAL, make_hostile, outside_png
from projectcopy import ROOT, copy_project

XHTML = "{http://www.w3.org/1999/xhtml}"
BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data):")
URL_ATTRS = ("href", "src", "action", "formaction", "data", "background", "poster", "srcset",
             "xlink:href", "data-spec", "cite", "longdesc", "dynsrc", "lowsrc")
RESOURCE_ATTRS = ("src", "srcset", "data", "poster", "background", "data-spec", "dynsrc", "lowsrc")
# scripts the theme and the project put on every page (by src, relative to the site)
OWN_SCRIPTS = re.compile(r"^(?:/|(?:\.\./)*)(?:assets/javascripts/bundle\.[0-9a-f]+\.min\.js|"
                         r"assets/js/(?:vendor/vega(?:-lite|-embed)?\.min\.js|charts\.js))$")


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):               # noqa: N802 (http.server API)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(b"")

    def log_message(self, *a):
        pass


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile project, generated, with its site and PDFs built while a local HTTP server
    records any request (none may reach it)."""
    from bireport.pdf import build_pdfs
    from bireport.pipeline import Paths, generate, run_mkdocs

    base = tmp_path_factory.mktemp("hostile")
    _Recorder.hits = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    root = copy_project(base / "proj")
    if (ROOT / "build" / "charts").is_dir():        # warm chart cache (content-hashed: stale ones re-render)
        shutil.copytree(ROOT / "build" / "charts", root / "build" / "charts")
    outside = outside_png(base / "outside.png")
    info = make_hostile(root, srv.server_address[1], outside)
    umask = os.umask(0o077)          # generated files must be world-readable whatever the umask
    try:
        res = generate(root, quiet=True, force=True)
        build_pdfs(root, quiet=True)
        run_mkdocs(Paths(root))
    finally:
        os.umask(umask)
        srv.shutdown()
    info.update(root=root, site=root / "site", result=res, hits=list(_Recorder.hits), outside=outside)
    return info


def _parse(p: Path):
    return html5lib.parse(p.read_text(encoding="utf-8"))


def _tag(el) -> str:
    return el.tag.replace(XHTML, "") if isinstance(el.tag, str) else ""


def _article(doc):
    return next(e for e in doc.iter() if _tag(e) == "article")


def _text(el) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext()))


def _squeeze(v: str) -> str:
    return re.sub(r"[\s\x00-\x1f]", "", H.unescape(v)).lower()


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_payloads_cover_every_channel(hostile):
    assert len(hostile["items"]) >= 40
    assert len(hostile["po"]) >= 40, "too few PO entries carry payloads"
    site = hostile["site"]
    for d in hostile["docs"]:
        assert (site / d / "index.html").is_file() and (site / "en" / d / "index.html").is_file()


def test_no_markup_from_input_in_any_page(hostile):
    problems = []
    script_sets = set()
    cfg = (hostile["root"] / "mkdocs.yml").read_text(encoding="utf-8")        # the project's own scripts
    block = re.search(r"(?m)^extra_javascript:\n((?:[ \t]+- .*\n)+)", cfg)
    own_js = set(re.findall(r"- (\S+)", block.group(1))) if block else set()
    for p in _pages(hostile["site"]):
        doc = _parse(p)
        art = _article(doc)
        inside = {id(e) for e in art.iter()}
        csp = next((e.get("content") for e in doc.iter() if _tag(e) == "meta"
                    and (e.get("http-equiv") or "").lower() == "content-security-policy"), "")
        assert csp, f"{p}: no Content-Security-Policy meta tag"
        scripts = []
        for e in doc.iter():
            t = _tag(e)
            if not t:
                continue
            for k, v in e.attrib.items():
                k = k.split("}")[-1].lower()
                if k.startswith("on"):
                    problems.append(f"{p}: <{t} {k}=…> event handler")
                if k in URL_ATTRS and BAD_SCHEME.match(_squeeze(v)):
                    problems.append(f"{p}: <{t} {k}={v[:50]!r}> script/data URL")
                if k in RESOURCE_ATTRS and re.match(r"^(?:[a-z][a-z0-9+.\-]*:|//)", _squeeze(v)):
                    problems.append(f"{p}: <{t} {k}={v[:60]!r}> external resource")
                if k == "style" and id(e) in inside:
                    problems.append(f"{p}: <{t} style=…> in the content")
            if t == "link" and re.match(r"^(?:[a-z]+:|//)", _squeeze(e.get("href") or "")):
                problems.append(f"{p}: <link href={e.get('href')!r}> external resource")
            if id(e) in inside and t in ("script", "style", "iframe", "frame", "object", "embed", "form",
                                         "input", "button", "svg", "math", "meta", "link", "base", "textarea"):
                problems.append(f"{p}: <{t}> in the content")
            if t == "script":
                src = e.get("src")
                if src:
                    if not OWN_SCRIPTS.match(src) and re.sub(r"^(?:\.\./)+|^/", "", src) not in own_js:
                        problems.append(f"{p}: <script src={src!r}> not the theme's or the project's")
                    scripts.append(re.sub(r"^(?:\.\./)+|^/", "", src))
                elif (e.get("type") or "") != "application/json":
                    digest = base64.b64encode(hashlib.sha256((e.text or "").encode()).digest()).decode()
                    if f"'sha256-{digest}'" not in csp:
                        problems.append(f"{p}: inline script not allowed by the page's CSP")
                    scripts.append("inline")
        script_sets.add(tuple(scripts))
    assert not problems, "\n".join(problems[:40])
    assert len(script_sets) == 1, f"pages differ in their scripts: {script_sets}"


def test_csp_forbids_handlers_third_party_scripts_and_frames(hostile):
    doc = _parse(hostile["site"] / "hostile-html" / "index.html")
    csp = next(e.get("content") for e in doc.iter() if _tag(e) == "meta"
               and (e.get("http-equiv") or "").lower() == "content-security-policy")
    rules = dict((r.strip().split(" ", 1) + [""])[:2] for r in csp.split(";") if r.strip())
    assert "'unsafe-inline'" not in rules["script-src"] and "http" not in rules["script-src"]
    assert rules["script-src"].startswith("'self'") and "'sha256-" in rules["script-src"]
    assert rules["frame-src"] == "'none'" and rules["object-src"] == "'none'"
    assert rules["default-src"] == "'self'"


def test_hostile_text_is_visible_as_text(hostile):
    site = hostile["site"]
    markers = [m for m, _p in hostile["items"]]
    for d in hostile["docs"]:
        for view in ("", "en/", "parallel/"):
            text = _text(_article(_parse(site / view / d / "index.html")))
            missing = [m for m in markers if m not in text]
            assert not missing, f"{view}{d}: text around these payloads vanished: {missing}"
    # plain text and OCR sources, and HTML text: every payload is shown exactly as written
    items = hostile["items"]
    for d, fmt in (("hostile-txt", "{m} 行文：{p} 结束。"), ("hostile-ocr", "{m} 识别：{p} 结束。"),
                   ("hostile-html", "{m}-t 文本：{p} 结束。")):
        text = _text(_article(_parse(site / d / "index.html")))
        for m, p in items:
            want = re.sub(r"\s+", " ", fmt.format(m=m, p=p))
            if d == "hostile-ocr":      # OCR reflow joins lines and drops spaces next to CJK
                want, text = re.sub(r"\s", "", want), re.sub(r"\s", "", text)
            assert want in text, f"{d}: {want!r} not shown as text"
    # a literal "<" is "<", never "\<"
    text = _text(_article(_parse(site / "hostile-md" / "index.html")))
    assert LITERAL[0] in text and "\\<" not in text


def test_translations_glossary_tables_corrections_manifest_are_text(hostile):
    site = hostile["site"]
    en = " ".join(_text(_article(_parse(p))) for d in ("nyt-2024-12-12", "scio-whitepaper-2025")
                  for p in sorted((site / "en" / d).rglob("*.html")))
    items = dict(hostile["items"])
    for _po, _ctx, m in hostile["po"]:
        assert m in en, f"msgstr {m} not shown"
    assert f"ZX06 translated: {items['ZX06']} end." in en
    assert f"ZX16 translated: {LITERAL[0]} end." in en
    gl = _text(_article(_parse(site / "en" / "glossary" / "index.html")))
    assert "ZX80 <script>alert(1)</script>" in gl           # glossary fields are plain text, shown as written
    assert f"ZX81 {items['ZX01']} {items['ZX02']}" in gl
    # the presentation.yaml label (English where the PO has none) reaches the charts and downloads
    svgs = [p for p in sorted((site / "assets" / "charts").glob("*.en.svg")) if "ZX82" in p.read_text(encoding="utf-8")]
    assert svgs, "the hostile table label reaches no chart"
    for p in svgs:                   # chart text is SVG text: no element or handler from the label
        svg = html5lib.parse(p.read_text(encoding="utf-8"))
        assert not [e for e in svg.iter() if _tag(e).endswith("script") or any(k.lower().startswith("on") for k in e.attrib)]
    zh = _text(_article(_parse(site / "xinhua-2019-01-31" / "index.html")))
    assert "1<img src=x onerror=alert(1)>月30日至31日" in zh and "ZX84 <script>alert(1)</script>" in zh
    home = _text(_article(_parse(site / "index.html")))
    assert "恶意标题ZX90" in home and "恶意机构" in home
    ok = _parse(site / "hostile-html" / "index.html")
    assert any(e.get("href") == "https://example.com/ok" for e in ok.iter() if _tag(e) == "a")
    title = next(e for e in ok.iter() if _tag(e) == "title")
    assert "ZX91" in title.text and not [e for e in ok.iter() if _tag(e) == "title"][1:]


def test_pdfs_fetch_nothing_and_embed_nothing_from_outside(hostile):
    assert hostile["hits"] == [], f"the PDF build requested {hostile['hits']}"
    pdfs = sorted((hostile["root"] / "docs" / "pdf").glob("*.pdf"))
    assert len(pdfs) == 3
    for pdf in pdfs:
        out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = [ln.split() for ln in out.splitlines()[2:] if ln.strip()]
        assert not [r for r in rows if r[3:5] == ["37", "23"]], f"{pdf.name} embeds the PNG from outside the project"
        assert rows == [], f"{pdf.name} embeds images: {rows[:3]}"


def test_generated_files_are_world_readable(hostile):
    for top in (hostile["root"] / "docs" / "zh", hostile["root"] / "docs" / "en", hostile["site"]):
        for p in [top, *top.rglob("*")]:
            if p.is_symlink():
                continue
            mode = p.stat().st_mode & 0o777
            assert mode == (0o755 if p.is_dir() else 0o644), f"{p}: mode {oct(mode)}"


def test_markup_in_msgstr_fails_strict_naming_po_line(hostile):
    from bireport import qa

    report = qa.run(hostile["root"])
    po = {(Path(f.path).name, f.ctx): f for f in report.errors() if f.check == "markup"}
    for name, ctx, m in hostile["po"]:
        if m in ("ZX16", "ZX58"):       # no markup: "a < b", and escaped "\\<script\\>" (text)
            continue
        f = po.get((name, ctx))
        assert f is not None, f"no markup error for {m} ({name} {ctx})"
        assert f.line and f"{name}:{f.line}" in str(f.problem())
    assert not [k for k in po if k[1] in {c for _n, c, m in hostile["po"] if m == "ZX16"}]


def test_build_strict_fails_on_markup_in_a_msgstr_naming_the_po_line(hostile, capsys):
    from bireport import cli

    site_before = sorted(p.stat().st_mtime_ns for p in hostile["site"].rglob("*.html"))
    assert cli.main(["build", "--strict", "--no-pdf"], hostile["root"]) == 1
    cap = capsys.readouterr()
    out = cap.out + cap.err
    ctx = dict((m, (name, c)) for name, c, m in hostile["po"])
    name, c = ctx["ZX06"]                        # <script>alert(1)</script> in a msgstr
    line = next(e.linenum for e in __import__("polib").pofile(str(hostile["root"] / "data" / "i18n" / "en" / name))
                if e.msgctxt == c)
    flat = re.sub(r"\s+", "", out)              # the console wraps long lines anywhere
    assert f"{name}:{line}:error" in flat and "HTMLtagmarkupdiffersfromthesource" in flat, out[:3000]
    assert sorted(p.stat().st_mtime_ns for p in hostile["site"].rglob("*.html")) == site_before
