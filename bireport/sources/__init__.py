"""Stage 1: source adapters, one per format. Each turns raw text into a flat stream of
`Item`s (headings, paragraphs, list items, raw tables …) with source line numbers; the
repairs stage then fixes the stream and `structure` builds the Document tree."""
from __future__ import annotations

from pathlib import Path

from ..errors import BuildError, Problem
from .base import Item, read_source
from . import html, markdown, ocr, plaintext

ADAPTERS = {
    "markdown": markdown.parse,
    "ocr": ocr.parse,
    "plaintext": plaintext.parse,
    "html": html.parse,
}


def parse_source(meta) -> list[Item]:
    """Read and parse one manifest entry's raw file into items."""
    text = read_source(meta.path, getattr(meta, "encoding", "utf-8") or "utf-8")
    adapter = ADAPTERS.get(meta.format)
    if adapter is None:
        raise BuildError(Problem(str(meta.path), None, f"no adapter for format {meta.format!r}",
                                 f"use one of: {', '.join(ADAPTERS)}"))
    return adapter(text, meta)


__all__ = ["ADAPTERS", "Item", "parse_source", "read_source", "Path"]
