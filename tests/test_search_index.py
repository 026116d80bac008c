"""Search without a browser: the jieba user dictionary, the per-language index, and Material's
search worker run in Node (tests/search_worker.js) on the built index, with and without the fix to
its Chinese query segmenter (bireport/search.py)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jieba
import pytest

from bireport.errors import BuildError
from bireport.glossary import load_glossary
from bireport.search import (FIXED_MARK, PHRASES_JS, SEGMENTER_FIXES, WORKERS, fix_query_segmenter,
                             write_jieba_dict)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HARNESS = HERE / "search_worker.js"
NODE = shutil.which("node")
ZWSP = "\u200b"


def material_js() -> Path:
    import material

    return Path(material.__file__).parent / "templates" / "assets" / "javascripts"


def site_with_worker(dest: Path, fixed: bool) -> Path:
    """A minimal site folder: Material's own worker (as mkdocs copies it) and its lunr scripts."""
    js = dest / "assets" / "javascripts"
    shutil.copytree(material_js() / "lunr", js / "lunr")
    (js / "workers").mkdir(parents=True)
    for worker in (material_js() / "workers").glob("search.*.min.js"):
        shutil.copy2(worker, js / "workers" / worker.name)
    if fixed:
        fix_query_segmenter(dest)
    return next((js / "workers").glob("search.*.min.js"))


def run_worker(worker: Path, index: Path, *queries: str) -> dict[str, list[list[str]]]:
    assert NODE, "node is required (scripts/bootstrap.sh installs it with npm)"
    out = subprocess.run([NODE, str(HARNESS), str(worker), str(index), *queries],
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)


def write_index(path: Path, texts: dict[str, str], lang=("zh", "en")) -> Path:
    """An index as Material's plugin writes it: jieba tokens joined by U+200B."""
    docs = [{"location": loc, "title": loc, "text": text} for loc, text in texts.items()]
    config = {"lang": list(lang), "separator": r"[\s\u200b\-]+", "pipeline": ["trimmer"],
              "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}, "tags": {"boost": 1e6}}}
    path.write_text(json.dumps({"config": config, "docs": docs}, ensure_ascii=False), encoding="utf-8")
    return path


def first_pages(results: list[list[str]]) -> list[str]:
    return [group[0] for group in results]


# ------------------------------------------------------------------------ jieba user dictionary

def test_glossary_terms_are_single_jieba_tokens(tmp_path):
    terms = load_glossary(ROOT / "data" / "glossary.yaml")
    path = write_jieba_dict(tmp_path, terms)
    words = [line.split()[0] for line in path.read_text(encoding="utf-8").splitlines()]
    assert {"去风险", "小院高墙", "第一阶段经贸协议", "脱钩"} <= set(words)
    # a term containing another term is left to jieba, so the shorter one stays findable
    assert "中美第一阶段经贸协议" not in words
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(tmp_path)
    tokenizer.load_userdict(str(path))
    tokens = list(tokenizer.cut("美方以小院高墙推进去风险，违反中美第一阶段经贸协议。"))
    for term in ("小院高墙", "去风险", "第一阶段经贸协议"):
        assert term in tokens, tokens


# ------------------------------------------------------------------------ the worker fix

def test_segmenter_fix_changes_only_what_it_names(tmp_path):
    worker = site_with_worker(tmp_path, fixed=True)
    original = (material_js() / "workers" / worker.name).read_text(encoding="utf-8")
    original = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", original)
    fixed = worker.read_text(encoding="utf-8")
    assert fixed.startswith(FIXED_MARK + "\n") and fixed.endswith(PHRASES_JS)
    body = fixed[len(FIXED_MARK) + 1:-len(PHRASES_JS)]
    assert re.search(r"for\(let (\w+)=\w+\+1;\1<=\w+\.length;", body)
    assert "__bireportPhrases(" in body
    for pattern, fix in SEGMENTER_FIXES:          # undo each fix: what is left is Material's code
        match = pattern.search(original)
        assert body.count(fix(match)) == 1
        body = body.replace(fix(match), match.group(0))
    assert body == original
    assert fix_query_segmenter(tmp_path) == worker
    assert worker.read_text(encoding="utf-8") == fixed, "fixing twice must change nothing"


def test_unrecognised_worker_stops_the_build_naming_the_file(tmp_path):
    workers = tmp_path / WORKERS
    workers.mkdir(parents=True)
    (workers / "search.0000.min.js").write_text("function segment(){ /* rewritten upstream */ }")
    with pytest.raises(BuildError) as err:
        fix_query_segmenter(tmp_path)
    text = str(err.value)
    assert "search.0000.min.js" in text and "SEGMENTER_FIXES" in text and "mkdocs-material" in text


def test_no_worker_no_fix(tmp_path):
    assert fix_query_segmenter(tmp_path) is None


def test_fixed_worker_keeps_the_last_character_of_chinese_queries(tmp_path):
    index = write_index(tmp_path / "index.json", {
        "a/": ZWSP.join(["美方", "小院", "高额", "关税"]),      # shares 小院, 高 with the query
        "b/": ZWSP.join(["美方", "推行", "小院高墙", "政策"]),
        "c/": ZWSP.join(["去", "风向", "标"]),
        "d/": ZWSP.join(["所谓", "去风险", "战略"]),
    })
    queries = ("小院高墙", "去风险")
    plain = run_worker(site_with_worker(tmp_path / "plain", fixed=False), index, *queries)
    fixed = run_worker(site_with_worker(tmp_path / "fixed", fixed=True), index, *queries)
    # Material as shipped searches 小院* 高* and 去*: pages without the term come back, even first
    assert first_pages(plain["小院高墙"])[0] == "a/"
    assert "c/" in first_pages(plain["去风险"])
    # fixed: the whole term, and only pages that have it
    assert first_pages(fixed["小院高墙"]) == ["b/"]
    assert first_pages(fixed["去风险"]) == ["d/"]


def test_fixed_worker_searches_a_chinese_run_as_one_phrase(tmp_path):
    index = write_index(tmp_path / "index.json", {
        "a/": ZWSP.join(["中美", "关系", "稳定"]),
        "b/": ZWSP.join(["履行", "中美", "第一阶段经贸协议"]),
        "c/": ZWSP.join(["发起", "232", "调查"]),
        "d/": ZWSP.join(["刑事", "调查"]),
        "e/": ZWSP.join(["美国", "学者", "杰伊", "·", "尚博", "指出"]),
        "f/": ZWSP.join(["decoupling", "脱钩"]),
        "g/": ZWSP.join(["decoupling", "risks"]),
    })
    queries = ("中美第一阶段经贸协议", "232调查", "杰伊·尚博", "尚博", "脱钩 decoupling", "中美 -第一阶段经贸协议")
    plain = run_worker(site_with_worker(tmp_path / "plain", fixed=False), index, *queries)
    fixed = run_worker(site_with_worker(tmp_path / "fixed", fixed=True), index, *queries)
    assert set(first_pages(plain["中美第一阶段经贸协议"])) == {"a/", "b/"}     # 中美 alone is enough
    assert first_pages(plain["232调查"]) == []
    assert first_pages(fixed["中美第一阶段经贸协议"]) == ["b/"]
    assert first_pages(fixed["232调查"]) == ["c/"]
    assert first_pages(fixed["杰伊·尚博"]) == ["e/"]
    assert first_pages(fixed["尚博"]) == ["e/"]
    # spaces still separate optional terms, and + / - keep their meaning
    assert first_pages(fixed["脱钩 decoupling"])[0] == "f/" and "g/" in first_pages(fixed["脱钩 decoupling"])
    assert first_pages(fixed["中美 -第一阶段经贸协议"]) == ["a/"]


# ------------------------------------------------------------------------ the built site

@pytest.fixture(scope="module")
def site(built_site) -> Path:
    return built_site / "site"


def load_docs(index: Path) -> dict[str, str]:
    data = json.loads(index.read_text(encoding="utf-8"))
    return {d["location"]: d["title"] + " " + d["text"] for d in data["docs"]}


def plain_text(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).replace(ZWSP, "")


def test_built_worker_is_fixed(site):
    workers = list((site / WORKERS).glob("search.*.min.js"))
    assert len(workers) == 1 and workers[0].read_text(encoding="utf-8").startswith(FIXED_MARK)


def test_index_is_split_per_language(site):
    zh, en = load_docs(site / "search" / "search_index.json"), load_docs(site / "en" / "search" / "search_index.json")
    assert zh and en
    assert not [loc for loc in zh if loc.startswith("en/")]
    assert not [loc for loc in en if loc.startswith("en/")], "English locations are relative to en/"
    assert not [loc for loc in list(zh) + list(en) if loc.startswith("parallel/")]
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", t)) for t in zh.values()) > 0.9 * len(zh)
    assert (site / "en" / "zhao-liu-decoupling-2025" / "s1" / "index.html").exists()
    assert all((site / "en" / loc.split("#")[0] / "index.html").exists() or loc.split("#")[0] == ""
               for loc in en)


def index_tokens(docs: dict[str, str]) -> set[str]:
    tokens = set()
    for text in docs.values():
        tokens.update(re.split(r"[\s\u200b\-]+", re.sub(r"<[^>]+>", " ", text)))
    return tokens


def test_index_holds_glossary_terms_as_tokens(site):
    tokens = index_tokens(load_docs(site / "search" / "search_index.json"))
    for term in ("脱钩", "小院高墙", "去风险", "第一阶段经贸协议", "实体清单"):
        assert term in tokens, term


def zh_terms_in_corpus(docs: dict[str, str]) -> list[str]:
    terms = {t.zh for t in load_glossary(ROOT / "data" / "glossary.yaml") if " " not in t.zh}
    corpus = " ".join(plain_text(t) for loc, t in docs.items() if not loc.startswith("glossary/"))
    return sorted(t for t in terms if t in corpus)


def test_every_glossary_term_finds_its_pages_first(site):
    """For every Chinese glossary term in the corpus: the first result contains the term and no
    page containing it is missed. A term the index holds as one token is found only where it
    occurs; a term of several tokens (301调查) needs all of them, not next to each other (the index
    keeps no phrases), so there only the first result is held to contain it verbatim."""
    index = site / "search" / "search_index.json"
    docs = load_docs(index)
    terms = zh_terms_in_corpus(docs)
    assert len(terms) >= 20
    tokens = index_tokens(docs)
    results = run_worker(next((site / WORKERS).glob("search.*.min.js")), index, *terms)
    problems = []
    for term in terms:
        groups = results[term]
        has = [any(term in plain_text(docs[loc]) for loc in group) for group in groups]
        pages_with_term = {loc.split("#")[0] for loc, text in docs.items() if term in plain_text(text)}
        found = {group[0].split("#")[0] for group in groups}
        if not has or not has[0]:
            problems.append(f"{term}: first result {groups[0][0] if groups else None!r} lacks it")
        elif term in tokens and not all(has):
            problems.append(f"{term}: pages without it are found: {first_pages(groups)}")
        missed = pages_with_term - found
        if missed:
            problems.append(f"{term}: pages containing it not found: {sorted(missed)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("query", ["decoupling", "tariffs", "de-risking", "entity list"])
def test_english_queries_find_english_pages(site, query):
    index = site / "en" / "search" / "search_index.json"
    docs = load_docs(index)
    groups = run_worker(next((site / WORKERS).glob("search.*.min.js")), index, query)[query]
    assert groups, query
    words = [w for w in re.split(r"[\s\-]+", query.lower()) if w]
    first = plain_text(docs[groups[0][0]]).lower()
    assert all(w[:5] in first for w in words), (query, groups[0][0])


def test_trimmer_only_pipeline_keeps_english_queries_working(site, tmp_path):
    """With lang [zh, en], Material's default pipeline (stemmer, stop words, trimmer) finds nothing
    for "decoupling"; mkdocs.yml's `pipeline: [trimmer]` does."""
    built = json.loads((site / "en" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert built["config"]["lang"] == ["zh", "en"] and built["config"]["pipeline"] == ["trimmer"]
    worker = next((site / WORKERS).glob("search.*.min.js"))
    default = dict(built, config=dict(built["config"], pipeline=["stemmer", "stopWordFilter", "trimmer"]))
    (tmp_path / "default.json").write_text(json.dumps(default, ensure_ascii=False), encoding="utf-8")
    queries = ("decoupling", "tariffs")
    ours = run_worker(worker, site / "en" / "search" / "search_index.json", *queries)
    theirs = run_worker(worker, tmp_path / "default.json", *queries)
    for query in queries:
        assert theirs[query] == [], f"default pipeline now finds {query!r}: revisit mkdocs.yml"
        assert len(ours[query]) >= 3, query
