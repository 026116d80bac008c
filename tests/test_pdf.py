"""PDF export: fonts embedded, every chapter and a sample of each document in the right language,
TOC page numbers that point at the headings, no missing glyphs, rebuild only on change."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from projectcopy import ROOT, copy_project

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from bireport import pdf
    from bireport.pipeline import Paths, gather

    root = copy_project(tmp_path_factory.mktemp("pdf") / "proj")
    if (ROOT / "build" / "charts").is_dir():
        shutil.copytree(ROOT / "build" / "charts", root / "build" / "charts")
    ctx = gather(Paths(root))
    out = pdf.build_pdfs(root, force=True, quiet=True, ctx=ctx)
    stats = dict(pdf.last_stats)
    return {"root": root, "out": out, "stats": stats, "ctx": ctx, "docs": ctx.docs, "cat": ctx.cat}


def text_of(path: Path, first: int | None = None, last: int | None = None) -> str:
    cmd = ["pdftotext"]
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(cmd + [str(path), "-"], capture_output=True, text=True, check=True).stdout


def squash(s: str) -> str:
    """Remove all whitespace (pdftotext breaks lines anywhere, CJK has no spaces)."""
    return re.sub(r"\s+", "", s).replace("\u00ad", "")


def words(s: str) -> str:
    """English: join hyphenated line breaks, normalise whitespace."""
    s = re.sub(r"[-\u2010\u00ad]\s*\n\s*", "", s)
    return re.sub(r"\s+", " ", s).strip()


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_three_pdfs_with_sane_page_counts(built):
    assert set(built["out"]) == {"zh", "en", "sbs"}
    for view, path in built["out"].items():
        assert path.name in ("report-zh.pdf", "report-en.pdf", "report-zh-en.pdf")
        assert path.read_bytes()[:5] == b"%PDF-"
        n = pages(path)
        assert 20 <= n <= 200, (view, n)
        assert built["stats"][view]["pages"] == n
    assert pages(built["out"]["sbs"]) > pages(built["out"]["zh"])


@pytest.mark.parametrize("view", ["zh", "sbs", "en"])
def test_cjk_fonts_embedded(built, view):
    out = subprocess.run(["pdffonts", str(built["out"][view])], capture_output=True, text=True, check=True).stdout
    rows = [ln.split() for ln in out.splitlines()[2:] if ln.strip()]
    cjk = [r for r in rows if re.search(r"Noto.*CJK", r[0])]
    assert cjk, out
    assert all(re.match(r"[A-Z]{6}\+", r[0]) for r in cjk), "CJK fonts must be embedded as subsets"
    # every font in the file is embedded (no fallback to a viewer font)
    assert all(" yes " in f" {' '.join(r)} " for r in rows), out


def test_no_missing_glyph_warnings(built):
    for view in ("zh", "en", "sbs"):
        warnings = built["stats"][view]["warnings"]
        assert not [w for w in warnings if re.search(r"notdef|glyph", w, re.I)], warnings
    for view, path in built["out"].items():
        assert "\ufffd" not in text_of(path), view


def _zh_heading(s):
    from bireport.render import strip_md
    return squash(f"{s.number} {strip_md(s.title)}")


def test_zh_pdf_has_every_chapter_and_sample(built):
    from bireport.render import strip_md

    text = squash(text_of(built["out"]["zh"]))
    assert "美国是中国第一大货物出口目的地" in text
    for d in built["docs"]:
        assert squash(d.meta.title["zh"]) in text, d.id
        for s in d.sections:
            if s.title and s.level == 1:
                assert _zh_heading(s) in text, (d.id, s.id)
        first = next(b for b in d.blocks() if b.kind == "paragraph")
        assert squash(strip_md(first.text))[:25] in text, d.id
    assert "第2页/共" in text
    assert "原文缺此章节" in text          # the white paper's chapters that are not in the source


def test_en_pdf_has_every_chapter_and_sample(built):
    from bireport.render import strip_md

    cat = built["cat"]
    raw = text_of(built["out"]["en"])
    text = words(raw)
    flat = squash(raw)
    assert "Page 2 of" in text
    assert "not in the source text" in text
    for d in built["docs"]:
        title = cat.get(f"{d.id}/meta/title", d.meta.title["zh"])
        assert title and squash(title) in flat, d.id
        for s in d.sections:
            if s.title and s.level == 1:
                en = cat.get(f"{d.id}/{s.id}/title", s.title)
                assert squash(strip_md(en or s.title)) in flat, (d.id, s.id)
        first = next(b for b in d.blocks() if b.kind == "paragraph")
        en = cat.get(first.id, first.text)
        if en is None:
            assert "[not yet translated]" in text
            continue
        sample = squash(strip_md(en))[:40]
        assert sample in flat, (d.id, sample)
    # Chinese body text must not leak into the English edition unless marked
    cn = [ln for ln in raw.splitlines() if re.search(r"[\u4e00-\u9fff]{12,}", ln)
          and not re.match(r"\s*\[\d+\]", ln)]      # references keep the original title
    if cn:
        assert "[not yet translated]" in text


def test_en_pdf_hyphenates_with_an_ascii_hyphen(built):
    """English is hyphenated; the break character is "-": the default U+2010 is a wide CJK-form
    glyph in the Noto CJK font and printed as a spaced dash."""
    layout = subprocess.run(["pdftotext", "-layout", str(built["out"]["en"]), "-"],
                            capture_output=True, text=True, check=True).stdout
    lines = [ln.rstrip() for ln in layout.splitlines()]
    breaks = [ln for ln in lines if re.search(r"[a-z]-$", ln)]
    assert not [ln for ln in lines if ln.endswith("\u2010")], "U+2010 used as the hyphenation character"
    assert len(breaks) > 20, "English text is not hyphenated"


def test_sbs_pdf_has_both_languages(built):
    cat = built["cat"]
    flat = squash(text_of(built["out"]["sbs"]))
    assert "美国是中国第一大货物出口目的地" in flat
    d = built["docs"][0]
    first = next(b for b in d.blocks() if b.kind == "paragraph")
    en = cat.get(first.id, first.text)
    assert en and squash(en)[:40] in flat


def _toc_entries(path: Path, titles: list[str]) -> dict[str, int]:
    """Page number printed in the TOC for each title (TOC pages: from 2 until the first document)."""
    entries: list[tuple[str, int]] = []
    for p in range(2, 8):
        layout = subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), str(path), "-"],
                                capture_output=True, text=True, check=True).stdout
        buf = ""
        got = 0
        for line in layout.splitlines():
            m = re.search(r"(?:\.\s?){2,}\s*(\d+)\s*$", line)
            if m:
                entries.append((squash(buf + line[:m.start()]).rstrip("."), int(m.group(1))))
                buf, got = "", got + 1
            else:
                buf = "" if line.strip().startswith(("目录", "Contents")) else buf + line
        if not got and p > 2:
            break
    out = {}
    for title in titles:
        for text, page in entries:
            if text.startswith(title) or text.endswith(title):
                out[title] = page
                break
    return out


@pytest.mark.parametrize("view", ["zh", "en", "sbs"])
def test_toc_page_numbers_point_at_headings(built, view):
    from bireport.numerals import number_en as _cn_number_en
    from bireport.render import strip_md

    cat = built["cat"]
    path = built["out"][view]
    lang = "en" if view == "en" else "zh"
    titles = []
    for d in built["docs"]:
        t = d.meta.title["zh"] if lang == "zh" else cat.get(f"{d.id}/meta/title", d.meta.title["zh"])
        titles.append(squash(t))
        for s in d.sections:
            if s.title and s.level == 1 and not s.title.startswith("{++"):
                if lang == "zh":
                    titles.append(_zh_heading(s))
                else:
                    en = cat.get(f"{d.id}/{s.id}/title", s.title)
                    num = s.number if re.match(r"^\d", s.number or "") else _cn_number_en(s.number)
                    titles.append(squash(f"{num} {strip_md(en or s.title)}"))
    found = _toc_entries(path, titles)
    assert len(found) >= len(titles) * 0.8, (len(found), len(titles), set(titles) - set(found))
    n = pages(path)
    for title, page in found.items():
        assert 2 < page <= n
        on_page = squash(text_of(path, page))
        assert title[:30] in on_page, (view, title, page)


def test_metadata(built):
    info = subprocess.run(["pdfinfo", str(built["out"]["zh"])], capture_output=True, text=True, check=True).stdout
    assert "中美经贸关系" in re.search(r"^Title:(.*)$", info, re.M).group(1)
    assert re.search(r"^Author:\s+\S", info, re.M)
    info = subprocess.run(["pdfinfo", str(built["out"]["en"])], capture_output=True, text=True, check=True).stdout
    assert "China" in re.search(r"^Title:(.*)$", info, re.M).group(1)


def test_tagged_with_metadata(built):
    """PDF/UA: tagged, with title, author and language; Latin text of the English editions in a
    Latin typeface (Noto CJK's quotation marks and apostrophes are full-width)."""
    for view, path in built["out"].items():
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Tagged:\s+yes", info, re.M), (view, info)
        assert re.search(r"^Title:\s+\S", info, re.M) and re.search(r"^Author:\s+\S", info, re.M), info
        meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
        assert "pdfuaid:part" in meta and "<dc:title>" in meta, (view, meta[:500])
        assert _catalog_lang(path) == ("en" if view == "en" else "zh-Hans"), view
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        if view in ("en", "sbs"):
            assert "Liberation-Serif" in fonts and "Liberation-Sans" in fonts, fonts


def _catalog_lang(path: Path) -> str | None:
    """The document language (/Lang of the catalog, possibly inside a compressed object stream)."""
    import zlib

    data = path.read_bytes()
    chunks = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    for c in chunks:
        m = re.search(rb"/Type\s*/Catalog.*?/Lang\s*\(([^)]*)\)|/Lang\s*\(([^)]*)\).*?/Type\s*/Catalog", c, re.S)
        if m:
            return (m.group(1) or m.group(2)).decode()
    return None


def _page_texts(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def test_contents_pages_and_captions(built):
    """No page holds a single contents line; a table's caption is never the last line of a page."""
    for view, path in built["out"].items():
        for n, page in enumerate(_page_texts(path), 1):
            lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
            if not lines:
                continue
            if lines[0].startswith(("目录", "Contents")) and n > 1:
                entries = [ln for ln in lines if re.search(r"(\. ){3,}.*\d+$|\.\s\d+$", ln)]
                assert len(entries) >= 2, (view, n, lines)
            body = [ln for ln in lines if not re.match(r"^(第 \d+ 页 / 共 \d+ 页|Page \d+ of \d+)$", ln)]
            assert not re.match(r"^(表\s?\d+|Table \d+\.)\s", body[-1]), (view, n, body[-1])


def test_print_html_lang_and_fonts(built):
    from bireport import pdf

    html = pdf.print_html(built["root"], built["ctx"], "en")
    assert '<html lang="en">' in html
    assert "[not yet translated]" in html or "untranslated" not in html
    css = pdf.print_css(built["root"])
    # margin boxes do not inherit the body font
    for box in re.findall(r"@(?:top|bottom)-[a-z-]+\s*\{[^}]*\}", css):
        if "content: none" not in box:
            assert "Noto Sans CJK SC" in box or "Noto Serif CJK SC" in box, box
    assert 'float: footnote' in css and "target-counter(attr(href), page)" in css


def test_unchanged_inputs_are_not_rebuilt(built):
    from bireport import pdf

    before = {v: p.stat().st_mtime_ns for v, p in built["out"].items()}
    pdf.build_pdfs(built["root"], quiet=True)
    assert all(pdf.last_stats[v].get("skipped") for v in before)
    assert before == {v: p.stat().st_mtime_ns for v, p in built["out"].items()}
    assert (built["root"] / "build" / "pdf.hash").is_file()


def test_fails_loudly_without_cjk_font(monkeypatch, tmp_path):
    from bireport import pdf
    from bireport.errors import BuildError

    class R:
        stdout = "DejaVu Sans\n"

    monkeypatch.setattr(pdf.subprocess, "run", lambda *a, **k: R())
    with pytest.raises(BuildError) as exc:
        pdf.build_pdfs(tmp_path, force=True, quiet=True)
    assert "fonts-noto-cjk" in str(exc.value) and "CJK" in str(exc.value)
