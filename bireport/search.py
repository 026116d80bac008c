"""Search support: the glossary as a jieba user dictionary (so 去风险, 小院高墙 … are single
tokens) and one search index per language (results in the reader's language)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from .atomic import write_atomic
from .errors import BuildError, Problem

JIEBA_DICT = Path("build") / "search" / "jieba_user.txt"
WORKERS = Path("assets") / "javascripts" / "workers"

# Material's worker splits each run of Han characters in a query into words it finds in the index
# (`segment()` in integrations/search/query/segment) and joins them as optional terms. Two faults:
# 1. its loops stop one character short (`j < query.length`, `q < query.length - 1`), so the last
#    character of every Chinese query is dropped: 去风险 is searched as 去*, 小院高墙 as 小院* 高*;
# 2. the words of one run are alternatives (OR), so 中美第一阶段经贸协议 lists every page that says
#    中美, and 232调查 / 杰伊·尚博 (digits or a middle dot inside the run) find nothing.
# The fixes below are applied to the built copy of the worker (the pinned mkdocs-material's
# minified code), never to the installed package. If Material changes that code, the build stops
# with an error naming the worker instead of shipping an unfixed search.
SEGMENTER_FIXES = (
    # for (let j = i + 1; j < query.length; j++) if (query.slice(i, j) in index) ...   (fault 1)
    (re.compile(r"for\(let (\w+)=(\w+)\+1;\1<(\w+)\.length;\1\+\+\)\3\.slice\(\2,\1\)in "),
     lambda m: m.group(0).replace(f"{m.group(1)}<{m.group(3)}.length", f"{m.group(1)}<={m.group(3)}.length")),
    # if (wordcuts[q] && q < query.length - 1) stack.push(q)                            (fault 1)
    (re.compile(r"(\w+)\[(\w+)\]&&\2<(\w+)\.length-1&&\((\w+)\[(\w+)\+\+\]=\2\)"),
     lambda m: m.group(0).replace(f"{m.group(2)}<{m.group(3)}.length-1", f"{m.group(2)}<{m.group(3)}.length")),
    # query = query.replace(/\p{sc=Han}+/gu, run => [...segment(run, index)].join("* "))  (fault 2)
    (re.compile(r'(\w+)=\1\.replace\(new RegExp\("\\\\p\{sc=Han\}\+","gu"\),(\w+)=>\[\.\.\.(\w+)'
                r'\(\2,this\.index\.invertedIndex\)\]\.join\("\* "\)\)'),
     lambda m: f"{m.group(1)}=__bireportPhrases({m.group(1)},{m.group(2)}=>{m.group(3)}({m.group(2)},this.index.invertedIndex))"),
)
# A run of Chinese, with letters, digits or a middle dot glued to it, is one phrase: each of its
# words is required (as a prefix). A run after + or - keeps Material's own handling.
PHRASES_JS = r"""
function __bireportPhrases(query, segment) {
  return query.replace(/[\p{L}\p{N}\u00b7]*\p{sc=Han}[\p{L}\p{N}\u00b7]*/gu, (run, offset) => {
    const words = [];
    for (const [part] of run.matchAll(/\p{sc=Han}+|[^\p{sc=Han}\u00b7]+/gu))
      words.push(...(/\p{sc=Han}/u.test(part) ? segment(part) : [part]));
    const sign = query[offset - 1];
    if (words.length < 2) return words.join("");
    if (sign === "+" || sign === "-") return words.join("* ");
    return words.map(word => `+${word}*`).join(" ");
  });
}
"""
FIXED_MARK = "/* bireport: Chinese queries keep their last character and are searched as phrases */"


def write_jieba_dict(root: Path, terms) -> Path:
    """One line per glossary term: `word freq tag` (jieba user-dictionary format).

    A term that contains another term (中美第一阶段经贸协议 ⊃ 第一阶段经贸协议) is left out: as one
    token it would hide the shorter term from search, which matches whole words and their
    prefixes only. Segmented into its parts (中美 | 第一阶段经贸协议), it is still found whole."""
    path = Path(root) / JIEBA_DICT
    path.parent.mkdir(parents=True, exist_ok=True)
    candidates = {t.zh for t in terms if " " not in t.zh}
    compounds = set(compound_terms_of(candidates))
    words = sorted(w for w in candidates if w not in compounds)
    text = "".join(f"{w} {max(2000, 500 * len(w))} n\n" for w in words)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text)
    return path


def fix_query_segmenter(site_dir: Path) -> Path | None:
    """Apply SEGMENTER_FIXES to the site's copy of Material's search worker (idempotent)."""
    workers = sorted((Path(site_dir) / WORKERS).glob("search.*.min.js"))
    if not workers:
        return None                      # search plugin disabled: nothing to fix
    if len(workers) > 1:
        raise BuildError(Problem(str(Path(site_dir) / WORKERS), None,
                                 f"expected one search worker, found {[w.name for w in workers]}",
                                 "build into an empty site directory (mkdocs build --clean)"))
    path = workers[0]
    code = path.read_text(encoding="utf-8")
    if code.startswith(FIXED_MARK):
        return path
    for pattern, fix in SEGMENTER_FIXES:
        found = len(pattern.findall(code))
        if found != 1:
            import material

            raise BuildError(Problem(
                str(path), None,
                f"Material's Chinese query segmenter does not match the code bireport fixes "
                f"(pattern {pattern.pattern!r} found {found} times; mkdocs-material {material.__version__})",
                "check whether this Material version still drops the last character of Chinese "
                "queries (bireport/search.py, SEGMENTER_FIXES); update or remove the fix, then "
                "rebuild"))
        code = pattern.sub(fix, code)
    # the source map describes the unfixed code; point nowhere rather than mislead a debugger
    code = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", code)
    write_atomic(path, FIXED_MARK + "\n" + code + PHRASES_JS)
    return path


def glossary_words(terms) -> list[str]:
    """The glossary's Chinese terms that can be search tokens (no spaces)."""
    return sorted({t.zh for t in terms if " " not in t.zh})


def _parts(term: str, inner: list[str]) -> list[str]:
    """A compound term cut at the glossary terms it contains: 中美第一阶段经贸协议 → 中美 | 第一阶段经贸协议."""
    for o in inner:
        if o in term:
            a, _, b = term.partition(o)
            return [p for part in (a, o, b) if part for p in (_parts(part, inner) if part != o else [o])]
    return [term]


def segment_compounds(index_docs: list[dict], terms: list[str]) -> int:
    """Segment every occurrence of a compound glossary term in the index into its parts, as the
    query is segmented. In running text jieba may cut it otherwise by context (履行中美… →
    中 | 美 | 第一阶段经贸协议), and the phrase search would then miss that page."""
    candidates = sorted(set(terms), key=len, reverse=True)
    n = 0
    for w in compound_terms_of(candidates):
        canonical = "\u200b".join(_parts(w, [o for o in candidates if o != w and o in w]))
        pattern = re.compile("\u200b?".join(re.escape(c) for c in w))
        for d in index_docs:
            for field in ("title", "text"):
                if w[0] in d.get(field, ""):
                    d[field], k = pattern.subn(canonical, d[field])
                    n += k
    return n


def compound_terms_of(candidates) -> list[str]:
    return sorted(w for w in candidates if any(o != w and o in w for o in candidates))


def split_index(site_dir: Path, langs=("en",), terms=()) -> dict[str, int]:
    """mkdocs-static-i18n stacks every language into one index; split it so each language's
    pages search only their own language (`<lang>/search/search_index.json`, locations relative
    to the language root — overrides/main.html points those pages' search base there)."""
    index = Path(site_dir) / "search" / "search_index.json"
    if not index.exists():
        return {}
    data = json.loads(index.read_text(encoding="utf-8"))
    docs = data.get("docs", [])
    if terms:
        segment_compounds(docs, list(terms))
    counts = {}
    for lang in langs:
        prefix = f"{lang}/"
        mine = [dict(d, location=d["location"][len(prefix):]) for d in docs if d["location"].startswith(prefix)]
        out = Path(site_dir) / lang / "search" / "search_index.json"
        write_atomic(out, json.dumps({**data, "docs": mine}, ensure_ascii=False, separators=(",", ":")))   # 0644
        counts[lang] = len(mine)
    rest = [d for d in docs if not any(d["location"].startswith(f"{lang}/") for lang in langs)]
    write_atomic(index, json.dumps({**data, "docs": rest}, ensure_ascii=False, separators=(",", ":")))
    counts["default"] = len(rest)
    return counts
