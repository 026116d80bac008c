"""Search support: the glossary as a jieba user dictionary (so 去风险, 小院高墙 … are single
tokens) and one search index per language (results in the reader's language)."""
from __future__ import annotations

import json
import os
from pathlib import Path

JIEBA_DICT = Path("build") / "search" / "jieba_user.txt"


def write_jieba_dict(root: Path, terms) -> Path:
    """One line per glossary term: `word freq tag` (jieba user-dictionary format)."""
    path = Path(root) / JIEBA_DICT
    path.parent.mkdir(parents=True, exist_ok=True)
    words = sorted({t.zh for t in terms if " " not in t.zh})
    text = "".join(f"{w} {max(2000, 500 * len(w))} n\n" for w in words)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path


def split_index(site_dir: Path, langs=("en",)) -> dict[str, int]:
    """mkdocs-static-i18n stacks every language into one index; split it so each language's
    pages search only their own language (`<lang>/search/search_index.json`, locations relative
    to the language root — overrides/main.html points those pages' search base there)."""
    index = Path(site_dir) / "search" / "search_index.json"
    if not index.exists():
        return {}
    data = json.loads(index.read_text(encoding="utf-8"))
    docs = data.get("docs", [])
    counts = {}
    for lang in langs:
        prefix = f"{lang}/"
        mine = [dict(d, location=d["location"][len(prefix):]) for d in docs if d["location"].startswith(prefix)]
        out = Path(site_dir) / lang / "search" / "search_index.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({**data, "docs": mine}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        counts[lang] = len(mine)
    rest = [d for d in docs if not any(d["location"].startswith(f"{lang}/") for lang in langs)]
    index.write_text(json.dumps({**data, "docs": rest}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    counts["default"] = len(rest)
    return counts
