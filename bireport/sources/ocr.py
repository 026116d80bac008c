"""Adapter for OCR'd newspaper text: one `line` item per non-blank physical line.

The layout (column width, indentation) is kept in attrs so the `reflow_ocr` repair can find
paragraphs, headlines and bylines. Blank lines are skipped, but remembered (`blank_before`): in some
page texts they separate paragraphs, in others they fall anywhere (the reflow measures which)."""
from __future__ import annotations

from .base import Item, escape_md


def parse(text: str, meta) -> list[Item]:
    items = []
    blank = False
    for n, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            blank = True
            continue
        stripped = raw.rstrip()
        indent = len(stripped) - len(stripped.lstrip())
        items.append(Item("line", escape_md(stripped.strip()), n, {"indent": indent, "raw": raw, "blank_before": blank}))
        blank = False
    return items
