"""Hostile HTML is neutralised (build succeeds, nothing of it is published, the removal is
reported); a failing build leaves the last good docs/ and site/ in place."""
from __future__ import annotations

import re

import html5lib

from bireport import cli
from bireport.pipeline import generate

from rbhelpers import chart_cache, rb  # noqa: F401 (fixtures)
from rbhelpers import NYT, SCIO

HOSTILE = """

<p>新增段落甲<script>alert('xss1')</script>继续乙。<a href="javascript:alert('xss2')">恶意链接丙</a></p>

<p onclick="alert('xss3')">带事件属性的段落丁。<img src="x.png" onerror="alert('xss4')"></p>

<script>document.write('坏脚本')</script>

<p><a href=" JaVaScRiPt:alert('xss5')">大小写混合链接戊</a><iframe src="javascript:alert('xss6')"></iframe></p>
"""
BAD = ("alert(", "javascript:", "onerror", "onclick", "坏脚本", "xss")


def _texts(root, globs):
    for g in globs:
        for p in sorted(root.glob(g)):
            if p.is_file():
                yield p, p.read_text(encoding="utf-8", errors="replace")


def test_hostile_html_is_neutralised_and_reported(rb):
    rb.edit_source(NYT, lambda t: t.rstrip("\n") + HOSTILE)
    res = generate(rb.root, quiet=True, force=True)
    rb.build_site()
    pages = list(_texts(rb.paths.docs, ["zh/**/*.md", "en/**/*.md"]))
    site = list(_texts(rb.paths.site, ["**/*.html", "**/search_index.json", "**/*.xml"]))
    assert pages and site
    for p, text in pages + site:
        if "editorial" in p.parts or p.stem == "editorial":
            continue        # the editorial notes quote what was removed, as text (checked below)
        low = text.lower()
        for bad in BAD:
            assert bad.lower() not in low, f"{bad!r} published in {p}"
    for p, text in site:    # quoted, never live: no script element, handler or script URL anywhere
        if p.suffix == ".html":
            doc = html5lib.parse(text)
            for e in doc.iter():
                if not isinstance(e.tag, str):
                    continue
                assert not (e.tag.endswith("}script") and not e.get("src") and "xss" in (e.text or "")), p
                for k, v in e.attrib.items():
                    assert not k.lower().startswith("on"), f"{p}: {k}= on <{e.tag}>"
                    assert not re.sub(r"\s", "", v).lower().startswith("javascript:"), f"{p}: {k}={v!r}"
    # the Chinese text around the removed parts survives
    page = next(t for p, t in pages if p.match("zh/nyt-2024-12-12/index.md") or p.match("zh/nyt-2024-12-12.md"))
    for zh in ("新增段落甲", "继续乙。", "恶意链接丙", "带事件属性的段落丁。", "大小写混合链接戊"):
        assert zh in page
    # and every removal is in the repair report (`build.py check`)
    doc = next(d for d in res.docs if d.meta.file == NYT)
    dropped = " | ".join(f"{d['rule']}: {d['text']}" for d in doc.report.dropped)
    assert re.search(r"<script>", dropped), dropped
    assert "unsafe link target removed: javascript:alert('xss2')" in dropped
    assert "JaVaScRiPt" in dropped
    assert "onclick= removed" in dropped and "onerror= removed" in dropped
    assert "<iframe>" in dropped


def test_failed_build_keeps_site_and_docs(rb):
    rb.build_site()
    assert (rb.paths.site / "index.html").exists()
    src = rb.source(SCIO)
    src.write_text(src.read_text(encoding="utf-8").replace("表2: 美国对华", "表1: 美国对华", 1), encoding="utf-8")
    rb.unpin(SCIO)
    assert cli.main(["build", "--no-pdf"], rb.root) != 0
    assert rb.outputs_hash() == rb.before
