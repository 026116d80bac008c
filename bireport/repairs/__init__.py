"""Stage 2: repairs. An ordered list of small named rules, each `rule(ctx, items) -> items`.

Every rule is general (none keys on one seed's wording: wording lives in data/filters/patterns.yaml
and in per-source correction files) and reports what it did to `ctx.report`, which
`build.py check` prints. Order matters and is declared once, in `RULES` below.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from ..model import RepairReport
from ..sources.base import Item
from . import headings, markup, rules, text


@dataclass
class Context:
    """What a rule may read and write besides the item stream."""

    meta: Any
    patterns: dict
    corrections: dict
    report: RepairReport = field(default_factory=RepairReport)
    front: dict = field(default_factory=dict)
    footnotes: list = field(default_factory=list)
    toc: list = field(default_factory=list)
    original: list = field(default_factory=list)


# (name, rule, formats it applies to — None = all)
RULES: list[tuple[str, Callable, tuple | None]] = [
    ("to_simplified", rules.to_simplified, None),
    ("metadata", markup.metadata, ("markdown", "plaintext", "ocr")),
    ("link_bars", markup.link_bars, ("markdown",)),
    ("drop_spam", rules.drop_spam, None),
    ("report_sanitised", rules.report_sanitised, ("html",)),
    ("drop_boilerplate", rules.drop_boilerplate, None),
    ("running_headers", text.running_headers, ("ocr", "plaintext")),
    ("text_front_matter", text.text_front_matter, ("plaintext",)),
    ("reflow_ocr", text.reflow_ocr, ("ocr",)),
    ("classify_plain_lines", text.classify_plain_lines, ("plaintext",)),
    ("ocr_spaces", text.ocr_spaces, ("ocr",)),
    ("fullwidth_punctuation", rules.fullwidth_punctuation, None),
    ("unescape_urls", rules.unescape_urls, None),
    ("front_matter", rules.front_matter, None),
    ("footnote_definitions", rules.footnote_definitions, None),
    ("tables_and_figures", rules.tables_and_figures, None),
    ("pipe_tables", markup.pipe_tables, None),
    ("rejoin_page_breaks", rules.rejoin_page_breaks, None),
    ("rejoin_list_items", rules.rejoin_list_items, None),
    ("heading_levels", headings.heading_levels, None),
    ("source_toc", headings.source_toc, None),
    ("references", headings.references, None),
    ("apply_corrections", rules.apply_corrections, None),
]


def load_patterns(data_dir: Path) -> dict:
    return yaml.safe_load((data_dir / "filters" / "patterns.yaml").read_text(encoding="utf-8"))


def load_corrections(data_dir: Path, doc_id: str) -> dict:
    path = data_dir / "corrections" / f"{doc_id}.yaml"
    if not path.exists():
        return {"path": str(path), "corrections": [], "headings": []}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    data["path"] = str(path)
    data.setdefault("corrections", [])
    data.setdefault("headings", [])
    return data


def repair(items: list[Item], ctx: Context) -> list[Item]:
    for _name, rule, formats in RULES:
        if formats is None or ctx.meta.format in formats:
            items = rule(ctx, items)
    return items
