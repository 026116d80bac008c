"""End to end: the built Chinese site says exactly what the sources say (nothing lost), the
specific repairs hold in the HTML, and no source HTML, script or third-party image is published."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import opencc
import pytest
from bs4 import BeautifulSoup

from bireport.manifest import SCRIPTS, load_manifest
from bireport.pipeline import Paths, stage_ingest

SPLIT = re.compile(r"[\\\s，。、；：！？“”‘’（）()《》,.;:!?\[\]「」『』—…·/*#<>_\-|@^{}+=]+")
CJK = re.compile(r"[\u4e00-\u9fff]")


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def site_text(site: Path, prefix: str = "") -> str:
    chunks = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel.startswith(("en/", "parallel/")) or rel.startswith("search"):
            continue
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        art = soup.find("article") or soup
        chunks.append(art.get_text(""))
    return norm("".join(chunks))


def source_fragments(root: Path):
    """Every CJK fragment of every raw source line (fragments never cross a line)."""
    docs = {d.id: d for d in stage_ingest(Paths(root))}
    for meta in load_manifest(root / "data" / "sources"):
        cc = opencc.OpenCC(SCRIPTS[meta.script] or "t2s")
        dropped = [d["text"] for d in docs[meta.id].report.dropped if d.get("text")]
        raw = meta.path.read_text(encoding="utf-8")
        if meta.format == "html":
            raw = re.sub(r"<[^>]+>", "\n", raw)
        for n, line in enumerate(raw.split("\n"), 1):
            line = re.sub(r"<[^>]+>|[①-⑩]", "", line)
            line = re.sub(r"\]\([^)]*\)", "]", line)
            if SCRIPTS[meta.script]:
                line = cc.convert(line)
            for d in dropped:
                line = line.replace(d, " ")
                line = line.replace(cc.convert(d), " ")
            line = re.sub(r"(?<=\S) (?=\S)", "", line) if meta.format == "ocr" else line
            for frag in SPLIT.split(line):
                if len(CJK.findall(frag)) >= 2:
                    yield meta.id, n, norm(frag)


def test_nothing_is_lost(built_site):
    text = site_text(built_site / "site")
    missing = [(doc, n, frag) for doc, n, frag in source_fragments(built_site) if frag not in text]
    assert not missing, f"{len(missing)} source fragments missing from the built site, e.g. {missing[:5]}"


@pytest.mark.parametrize("phrase", ["以及该策略是否使中国达到预期中的", "分别从2018年的14.20%",
                                    "美国是中国第一大货物出口目的地", "从金融领域出发", "与美国联系紧密"])
def test_rejoined_phrases_read_contiguously(built_site, phrase):
    assert norm(phrase) in site_text(built_site / "site")


def test_heading_nesting_from_numbering(built_site):
    soup = BeautifulSoup((built_site / "site" / "zhao-liu-decoupling-2025" / "s2" / "index.html").read_text(), "html.parser")
    heads = [(h.name, h.get_text(" ", strip=True)) for h in soup.find("article").find_all(re.compile(r"^h[1-6]$"))]
    names = {t.split(" ")[0]: name for name, t in heads}
    assert names["2"] == "h1" and names["2.1"] == "h2" and names["2.1.1"] == "h3"
    order = [t.split(" ")[0] for _n, t in heads]
    assert order.index("2") < order.index("2.1") < order.index("2.1.1")


def test_no_spam_and_no_source_html(built_site):
    site = built_site / "site"
    for f in site.rglob("*"):
        if f.suffix not in (".html", ".json", ".xml", ".js", ".md", ".txt") or not f.is_file():
            continue
        body = f.read_text(encoding="utf-8", errors="replace")
        assert "莊閑" not in body and "庄闲" not in body, f
        if f.suffix == ".html":
            assert "<address>" not in body and "pudate" not in body, f
            assert "weserv.nl" not in body and "static01.nyt.com" not in body, f
            soup = BeautifulSoup(body, "html.parser")
            for s in soup.find_all("script", src=True):
                assert not re.match(r"^(https?:)?//", s["src"]), (f, s["src"])
            for img in soup.find_all("img", src=True):
                assert not re.match(r"^(https?:)?//", img["src"]), (f, img["src"])
            for a in soup.find_all("a", href=True):
                assert not a["href"].lower().startswith("javascript:"), f


def test_truncated_toc_is_reported_on_the_site(built_site):
    page = (built_site / "site" / "scio-whitepaper-2025" / "index.html").read_text()
    assert "原文缺此章节" in page and "结束语" in page
    docs = {d.id: d for d in stage_ingest(Paths(built_site))}
    missing = docs["scio-whitepaper-2025"].report.missing
    assert any(m.startswith("三") for m in missing) and any("结束语" in m for m in missing)


def test_ocr_correction_is_visible(built_site):
    page = (built_site / "site" / "xinhua-2019-01-31" / "index.html").read_text()
    assert re.search(r"<ins[^>]*>1</ins>月30日至31日", page)
    assert "OCR" in page


def test_traditional_original_available(built_site):
    page = (built_site / "site" / "customs-2026-01-14" / "index.html").read_text()
    assert "海关总署" in page and "海關總署" in page   # simplified text + collapsed original


def test_every_english_page_exists(built_site):
    site = built_site / "site"
    zh = {p.relative_to(site).as_posix() for p in site.rglob("index.html")
          if not p.relative_to(site).as_posix().startswith(("en/", "parallel/", "search"))}
    for rel in zh:
        assert (site / "en" / rel).exists(), rel
        if rel not in ("index.html", "data/index.html", "glossary/index.html") and not rel.endswith("editorial/index.html"):
            assert (site / "parallel" / rel).exists(), rel
