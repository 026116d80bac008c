"""The document model: Document → Sections → Blocks, each block with a stable id.

Block text is *inline Markdown* (escaped source text plus the few inline constructs the
adapters create: links ``[t](url)``, citations ``[@5]``, footnote refs ``[^1]`` and CriticMarkup
editorial insertions ``{++1++}``). The block id is the key the translation memory, the
side-by-side view and the tests share.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

@dataclass
class Block:
    """One unit of content: the smallest thing that is translated and aligned."""

    id: str
    kind: str
    text: str
    line: int
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Section:
    """A heading and the blocks under it (not including sub-sections)."""

    id: str            # slug unique in the document, e.g. "s2-1-1", "preface"
    number: str        # as printed: "2.1.1", "一", "(三)", "" when unnumbered
    title: str         # inline Markdown
    level: int         # 1 = top level (a page of its own in long documents)
    line: int
    blocks: list[Block] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Footnote:
    id: str       # block id
    label: str    # as printed: "①"
    key: str      # Markdown footnote key, e.g. "fn1"
    text: str
    line: int


@dataclass
class Reference:
    id: str       # block id
    number: int
    text: str
    line: int


@dataclass
class RepairReport:
    """What ingestion did to a source: shown by `build.py check`, never silent."""

    joined: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)     # {"line", "text", "rule", "shown"}
    corrected: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)      # listed in the TOC, absent in the body
    normalised: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in
                ("joined", "moved", "dropped", "corrected", "missing", "normalised", "warnings")}


@dataclass
class Document:
    meta: Any                     # manifest.DocumentMeta
    sections: list[Section]
    front: dict[str, Any] = field(default_factory=dict)   # metadata found in the text (authors, abstract …)
    footnotes: list[Footnote] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    toc: list[dict] = field(default_factory=list)        # the source's own table of contents, if any
    report: RepairReport = field(default_factory=RepairReport)

    @property
    def id(self) -> str:
        return self.meta.id

    def blocks(self):
        for s in self.sections:
            yield from s.blocks

    def top_sections(self) -> list[list[Section]]:
        """Group sections into pages: each level-1 section with its descendants."""
        pages: list[list[Section]] = []
        for s in self.sections:
            if s.level <= 1 or not pages:
                pages.append([s])
            else:
                pages[-1].append(s)
        return pages
