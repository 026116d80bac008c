"""The glossary (data/glossary.yaml): agreed English per term; feeds QA, the glossary page and
the jieba user dictionary for Chinese search."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import BuildError, Problem


@dataclass(frozen=True)
class Term:
    zh: str
    """The Chinese term as it appears in sources."""
    en: str
    """The agreed English; QA requires it in translations of segments containing `zh`."""
    note: str = ""
    """Why this English (source, official usage)."""
    variants: tuple[str, ...] = field(default_factory=tuple)
    """Other accepted English forms."""
    line: int = 0


def load_glossary(path: Path) -> list[Term]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BuildError(Problem(str(path), mark.line + 1 if mark else None, f"invalid YAML: {exc}",
                                 "fix the YAML syntax")) from exc
    lines = [i for i, ln in enumerate(text.splitlines(), 1) if ln.lstrip().startswith("- zh:")]
    terms, problems, seen = [], [], {}
    for i, t in enumerate(data.get("terms") or []):
        line = lines[i] if i < len(lines) else None
        if not t.get("zh") or not t.get("en"):
            problems.append(Problem(str(path), line, "glossary term needs both `zh` and `en`", "add the missing field"))
            continue
        if t["zh"] in seen:
            problems.append(Problem(str(path), line, f"duplicate glossary term {t['zh']!r} (first at line {seen[t['zh']]})",
                                    "keep one entry per term; put alternatives under `variants`"))
            continue
        seen[t["zh"]] = line
        terms.append(Term(t["zh"], t["en"], t.get("note", "") or "", tuple(t.get("variants") or ()), line or 0))
    if problems:
        raise BuildError(problems)
    return terms
