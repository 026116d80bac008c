"""Measure main-content extraction on the corpus's complete HTML pages (README, design notes).

For each page the article container was identified by hand (CSS selectors below, read off the
page source); its text is the reference. Per extractor: the share of the article's sentences
found in the output (kept) and the Chinese characters of output sentences that are not in the
article (leaked boilerplate).

    .venv/bin/python scripts/eval_html_extraction.py [CORPUS_DIR]

trafilatura is optional (`pip install trafilatura==2.3.1`); it is measured when installed.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from types import SimpleNamespace

from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(sys.argv[1]) if len(sys.argv) > 1 else next(
    (p for p in (_ROOT.parent / "shared" / "corpus", _ROOT.parent.parent / "shared" / "corpus") if p.is_dir()),
    _ROOT.parent / "shared" / "corpus")
ARTICLE = {   # hand-identified article containers
    "guancha-us-china-trade-protracted-war.html": "div.content.all-txt",
    "ifeng-changchun-new-economy.html": "#main_content",
    "shanxi-gov-brand-silk-road-south-america.html": "div.article-body",
    "govcn-npcsc-special-treasury-bonds-2007.html": "#UCAP-CONTENT",
    "qq-data-industry-crackdown.html": "#Cnt-Main-Article-QQ",
}
HAN = re.compile(r"[\u4e00-\u9fff]")


def norm(s: str) -> str:
    return re.sub(r"[\s\u3000\xa0]+", "", s)


def sentences(text: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        out += [s for s in re.split(r"(?<=[。！？])", norm(line)) if len(HAN.findall(s)) >= 4]
    return out


def text_of(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for x in soup(["script", "style"]):
        x.decompose()
    return soup.get_text("\n")


def score(truth: str, got: str) -> tuple[int, int, int]:
    ts, g, t = sentences(truth), norm(got), norm(truth)
    kept = sum(s in g for s in ts)
    leak = sum(len(HAN.findall(s)) for s in sentences(got) if s not in t)
    return kept, len(ts), leak


def extractors() -> dict:
    from readability import Document

    from bireport.sources import webpage

    out = {
        "readability-lxml": lambda t: text_of(Document(t).summary(html_partial=True)),
        "readability-lxml after HTML5 re-parse": lambda t: text_of(Document(webpage._html5(t)).summary(html_partial=True)),
        "bireport html adapter": lambda t: "\n".join(
            re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", it.text).replace("\\", "")
            for it in webpage.parse_page(t, SimpleNamespace(title={"zh": ""}, path="x"), full=True)
            if it.kind != "dropped"),
    }
    try:
        import trafilatura

        out["trafilatura"] = lambda t: text_of(trafilatura.extract(
            t, output_format="html", include_tables=True, include_links=True, include_comments=False) or "")
        out["trafilatura (favor_precision)"] = lambda t: text_of(trafilatura.extract(
            t, output_format="html", include_tables=True, include_links=True, include_comments=False,
            favor_precision=True) or "")
        out["trafilatura after HTML5 re-parse"] = lambda t: text_of(trafilatura.extract(
            webpage._html5(t), output_format="html", include_tables=True, include_links=True,
            include_comments=False) or "")
    except ImportError:
        pass
    return out


def main() -> None:
    ex = extractors()
    totals = {k: [0, 0, 0] for k in ex}
    print(f"{'page':42} {'extractor':40} kept      leaked")
    for name, sel in ARTICLE.items():
        raw = (CORPUS / name).read_text(encoding="utf-8")
        truth = BeautifulSoup(raw, "html.parser").select_one(sel).get_text("\n")
        for k, fn in ex.items():
            kept, n, leak = score(truth, fn(raw))
            totals[k][0] += kept
            totals[k][1] += n
            totals[k][2] += leak
            print(f"{name[:42]:42} {k:40} {kept:3}/{n:<3}  {leak:5}")
    print()
    for k, (kept, n, leak) in totals.items():
        print(f"{'all five pages':42} {k:40} {kept:3}/{n:<3} ({kept / n:.0%})  {leak:5}")


if __name__ == "__main__":
    main()
