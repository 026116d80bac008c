"""The glossary (data/glossary.yaml): agreed English per term; feeds QA, the glossary page and
the jieba user dictionary for Chinese search."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .yamlpos import error_line, item_lines, load as yaml_load
from .errors import BuildError, Problem


@dataclass(frozen=True)
class Term:
    zh: str
    """The Chinese term as it appears in sources."""
    en: str
    """The agreed English; QA requires it in translations of segments containing `zh`."""
    note: str = ""
    """Why this English (source, official usage)."""
    note_zh: str = ""
    """The note in Chinese, for the Chinese glossary page."""
    variants: tuple[str, ...] = field(default_factory=tuple)
    """Other accepted English forms."""
    line: int = 0
    forbidden: tuple[str, ...] = field(default_factory=tuple)
    """Renderings that must not appear in the English (house-style QA, bireport/qa_style.py)."""


def _item_lines(text: str) -> list[int]:
    """1-based line of each entry of `terms:` (for error messages)."""
    return item_lines(text, "terms") or [i for i, ln in enumerate(text.splitlines(), 1) if ln.lstrip().startswith("- zh:")]


def load_glossary(path: Path) -> list[Term]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml_load(text) or {}
    except yaml.YAMLError as exc:
        raise BuildError(Problem(str(path), error_line(exc), f"invalid YAML: {exc}",
                                 "fix the YAML syntax")) from exc
    if not isinstance(data, dict) or not isinstance(data.get("terms") or [], list):
        raise BuildError(Problem(str(path), 1, "the glossary must be a mapping with a `terms:` list",
                                 "start the file with `terms:` followed by `- zh: … / en: …` entries"))
    lines = _item_lines(text)
    terms, problems, seen = [], [], {}
    for i, t in enumerate(data.get("terms") or []):
        line = lines[i] if i < len(lines) else None
        if not isinstance(t, dict):
            problems.append(Problem(str(path), line, f"glossary entry {i + 1} is not a mapping ({t!r:.40})",
                                    "write each term as `- zh: …` with `en: …` (and optional note, variants)"))
            continue
        if not t.get("zh") or not t.get("en"):
            problems.append(Problem(str(path), line, "glossary term needs both `zh` and `en`", "add the missing field"))
            continue
        if t["zh"] in seen:
            problems.append(Problem(str(path), line, f"duplicate glossary term {t['zh']!r} (first at line {seen[t['zh']]})",
                                    "keep one entry per term; put alternatives under `variants`"))
            continue
        seen[t["zh"]] = line
        variants = t.get("variants") or ()
        if isinstance(variants, str):
            variants = (variants,)
        banned = t.get("forbidden") or ()
        if isinstance(banned, str):
            banned = (banned,)
        terms.append(Term(str(t["zh"]), str(t["en"]), t.get("note", "") or "", str(t.get("note_zh", "") or ""),
                          tuple(str(v) for v in variants), line or 0, tuple(str(v) for v in banned)))
    if problems:
        raise BuildError(problems)
    return terms
