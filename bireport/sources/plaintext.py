"""Adapter for plain text with one paragraph per line (e.g. the customs press article).

Each non-blank line becomes a `line` item; `classify_plain_lines` decides heading / list item /
paragraph by rule."""
from __future__ import annotations

from .base import Item, escape_md


def parse(text: str, meta) -> list[Item]:
    return [Item("line", escape_md(raw.strip()), n, {"indent": len(raw) - len(raw.lstrip()), "raw": raw})
            for n, raw in enumerate(text.split("\n"), 1) if raw.strip()]
