"""The development corpus (../shared/corpus: 14 real documents nobody tuned the code to), added the
way a user adds a document — `build.py add FILE`, nothing else — and built with the five bundled
documents. Each is compared with a hand-reviewed fixture in tests/fixtures/corpus/:

- <name>.expected.txt    the body text copied out of the source by hand (HTML: the visible article
                         only; Markdown: the body without front matter; texts: without running
                         headers and page numbers), in the source's script; ≥ 99 % of its sentences
                         must be in the document's built Chinese pages;
- <name>.boilerplate.txt strings from around the article that must appear nowhere on those pages;
- <name>.headings.txt    the headings, in order; `? ` marks a heading that may or may not be built as
                         one (a bold line, a 第X条 article); every built heading must be listed.

The fixtures were written from the sources, not produced by bireport; this test does its own
normalisation (it does not use bireport.fidelity)."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import opencc
import pytest
import yaml
from bs4 import BeautifulSoup

from projectcopy import ROOT, copy_project

FIXTURES = ROOT / "tests" / "fixtures" / "corpus"
NAMES = sorted(p.name[: -len(".expected.txt")] for p in FIXTURES.glob("*.expected.txt"))
# the script of each source (SOURCES.md, checked by reading the files): OpenCC config to simplified
TO_SIMPLIFIED = {"hkcnews-15069-idle-government-land": "hk2s", "hkcnews-27290-budget-police": "hk2s",
                 "legco-2013-01-16-policy-address": "hk2s"}
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


def corpus_dir() -> Path:
    """../shared/corpus next to the checkout (or $BIREPORT_CORPUS)."""
    candidates = [Path(os.environ["BIREPORT_CORPUS"])] if os.environ.get("BIREPORT_CORPUS") else []
    candidates += [p / "shared" / "corpus" for p in (ROOT.parent, ROOT.parent.parent)]
    for c in candidates:
        if (c / "SOURCES.md").is_file():
            return c
    raise AssertionError(f"the development corpus is not at {' or '.join(map(str, candidates))}: "
                         "set BIREPORT_CORPUS to the folder holding SOURCES.md")


def source_file(name: str) -> Path:
    found = [f for f in corpus_dir().iterdir() if f.is_file() and f.name.startswith(name + ".")]
    assert len(found) == 1, (name, found)
    return found[0]


# ------------------------------------------------------------------ text normalisation (independent)

def _key(text: str) -> str:
    text = re.sub("[\u2460-\u24ff\u2776-\u2793]", "", text)           # ① note marks are not digits
    return re.sub(f"[^{CJK}0-9a-z]+", "", unicodedata.normalize("NFKC", text).lower())


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _simplify(name: str):
    cc = opencc.OpenCC(TO_SIMPLIFIED[name]) if name in TO_SIMPLIFIED else None
    return (lambda s: cc.convert(s)) if cc else (lambda s: s)


def sentences(name: str) -> list[str]:
    simp = _simplify(name)
    out = []
    for line in (FIXTURES / f"{name}.expected.txt").read_text(encoding="utf-8").splitlines():
        for s in re.split(r"(?<=[。！？；])|\t", simp(line)):
            if len(re.findall(f"[{CJK}]", _key(s))) >= 2:
                out.append(s.strip())
    return out


def fixture_lines(name: str, kind: str) -> list[str]:
    lines = (FIXTURES / f"{name}.{kind}.txt").read_text(encoding="utf-8").splitlines()
    return [re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), ln)
            for ln in lines if ln.strip() and not ln.startswith("#")]


# ------------------------------------------------------------------ the build

def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "build.py", *args], cwd=root, capture_output=True, text=True,
                          env=env, timeout=900)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("corpus") / "proj")
    adds = {name: run(root, "add", str(source_file(name))) for name in NAMES}
    build = run(root, "build", "--no-pdf")
    check = run(root, "check") if build.returncode == 0 else None
    entries = (yaml.safe_load((root / "data" / "sources" / "manifest.yaml").read_text(encoding="utf-8"))
               or {}).get("documents") or []
    ids = {}
    for name in NAMES:
        digest = hashlib.sha256(source_file(name).read_bytes()).hexdigest()
        for e in entries:
            f = root / "data" / "sources" / str(e.get("file"))
            if f.is_file() and hashlib.sha256(f.read_bytes()).hexdigest() == digest:
                ids[name] = e["id"]
    return {"root": root, "adds": adds, "build": build, "check": check, "ids": ids}


def _built(corpus, name):
    b = corpus["build"]
    assert b.returncode == 0, f"build.py build --no-pdf failed:\n{b.stdout[-3000:]}\n{b.stderr[-3000:]}"
    assert name in corpus["ids"], f"{name}: no manifest entry holds its file (was `build.py add` run?)"
    return corpus["ids"][name]


def pages(root: Path, doc_id: str) -> list[Path]:
    """The document's Chinese pages, in navigation order (the generated zh nav in mkdocs.yml)."""
    cfg = (root / "mkdocs.yml").read_text(encoding="utf-8")
    nav = cfg[cfg.index("# nav zh (generated)"):cfg.index("# end nav zh")]
    out = []
    for md in re.findall(rf"(?<![\w/-]){re.escape(doc_id)}/[^\s:]*\.md", nav):
        rel = md[: -len("index.md")] if md.endswith("index.md") else md[: -len(".md")] + "/"
        page = root / "site" / rel / "index.html"
        if page not in out:
            out.append(page)
    assert out and all(p.is_file() for p in out), (doc_id, out)
    return out


def article(page: Path, drop=("details",)):
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    art = soup.find("article")
    for sel in drop:
        for el in art.select(sel):
            el.decompose()
    for a in art.select("a.headerlink"):
        a.decompose()
    return art


# ------------------------------------------------------------------ tests

def test_the_fixtures_cover_the_corpus():
    files = {f.name for f in corpus_dir().iterdir() if f.is_file() and f.name != "SOURCES.md"}
    assert files == {source_file(n).name for n in NAMES}, "every corpus document needs its fixtures"
    for name in NAMES:
        for kind in ("expected", "boilerplate", "headings"):
            assert fixture_lines(name, kind), (name, kind)
        assert len(sentences(name)) >= 3, name


@pytest.mark.parametrize("name", NAMES)
def test_add_needs_nothing_else(corpus, name):
    r = corpus["adds"][name]
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "Traceback" not in out, f"build.py add {source_file(name).name}:\n{out[-3000:]}"


def test_the_build_succeeds_and_check_reports_every_document(corpus):
    b = corpus["build"]
    assert "Traceback" not in b.stdout + b.stderr
    assert b.returncode == 0, f"build.py build --no-pdf failed:\n{b.stderr[-4000:]}"
    c = corpus["check"]
    out = c.stdout + c.stderr
    assert "Traceback" not in out and c.returncode in (0, 1), out[-3000:]
    for doc_id in corpus["ids"].values():          # (a file `add` refused fails its own test)
        assert doc_id in out, f"`build.py check` does not name {doc_id}"


@pytest.mark.parametrize("name", NAMES)
def test_the_body_text_reaches_the_chinese_pages(corpus, name):
    doc_id = _built(corpus, name)
    text = _key("\n".join(article(p).get_text("") for p in pages(corpus["root"], doc_id)))
    expected = sentences(name)
    missing = [s for s in expected if _key(s) not in text]
    kept = 1 - len(missing) / len(expected)
    assert kept >= 0.99, (f"{name}: {kept:.1%} of {len(expected)} sentences are on the built pages; "
                          f"missing e.g. {missing[:5]}")


@pytest.mark.parametrize("name", NAMES)
def test_no_boilerplate_on_the_pages(corpus, name):
    doc_id = _built(corpus, name)
    simp = _simplify(name)
    # what readers get as text: the editor's report and the document metadata list are not body text
    text = "\n".join(_squash(article(p, ("details", "dl.doc-meta")).get_text("")) for p in pages(corpus["root"], doc_id))
    leaked = [b for b in fixture_lines(name, "boilerplate") if _squash(b) in text or _squash(simp(b)) in text]
    assert not leaked, f"{name}: boilerplate on the pages: {leaked}"


def _same(expected: str, built: str) -> bool:
    a, b = _key(expected), _key(built)
    short, long_ = sorted((a, b), key=len)
    return a == b or (len(short) >= 6 and short in long_)


@pytest.mark.parametrize("name", NAMES)
def test_headings_match(corpus, name):
    from bireport.render import ui

    doc_id = _built(corpus, name)
    simp = _simplify(name)
    chrome = {_key(ui(k, "zh")) for k in ("source_toc", "sections")}
    built = [h.get_text("", strip=True) for p in pages(corpus["root"], doc_id)
             for h in article(p).find_all(re.compile(r"^h[1-6]$"))]
    built = [h for h in built if _key(h) not in chrome]
    spec = [(ln.startswith("? "), simp(ln[2:] if ln.startswith("? ") else ln)) for ln in fixture_lines(name, "headings")]
    required = [h for optional, h in spec if not optional]
    extra = [h for h in built if not any(_same(e, h) for _o, e in spec)]
    assert not extra, f"{name}: built headings that are not headings of the source: {extra[:8]}"
    at = 0
    for h in required:
        while at < len(built) and not _same(h, built[at]):
            at += 1
        assert at < len(built), f"{name}: heading {h!r} is not built (in this order); built: {built[:20]}"
        at += 1
