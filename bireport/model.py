"""The document model: Document → Sections → Blocks, each block with a stable id.

Block text is *inline Markdown* (escaped source text plus the few inline constructs the
adapters create: links ``[t](url)``, citations ``[@5]``, footnote refs ``[^1]`` and CriticMarkup
editorial insertions ``{++1++}``). The block id is the key the translation memory, the
side-by-side view and the tests share.
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any, Callable

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


class Quote(str):
    """A note parameter that is source text: quoted, and always data (never markup), wherever the
    note is shown."""


class Note(str):
    """One repair report entry (or the reason of a dropped item, or a table finding's message):
    a message key of bireport/ui.py STRINGS plus its parameters, so every view words it in its own
    language (`text(lang, tr)`; the English is overridable through data/i18n/en/ui.po like every
    interface string). As a `str` it is the English line (`build.py check`, logs, the nothing-lost
    check, which reads the `line N:` prefix and the quoted text).

    Parameters: numbers and plain strings are data; `Quote` is quoted source text; a `Note` is
    worded in the same language (e.g. a metadata field's name); a list is joined ("、" / ", ")."""

    def __new__(cls, key: str, /, **params):
        self = super().__new__(cls, _render(key, params, "en", None, None))
        self.key, self.params = key, params
        return self

    def __reduce__(self):
        return (_note, (self.key, self.params))

    def text(self, lang: str = "en", tr=None, piece: Callable[[str, str, str], str] | None = None) -> str:
        """The line in `lang`. `piece(kind, s, lang)`, when given, writes each piece (kind "text": the
        message's own words, "data": a parameter, "quote": quoted source text): e.g. escaped for a page."""
        return _render(self.key, self.params, lang, tr, piece)


def _note(key, params):
    return Note(key, **params)


_FORMATTER = string.Formatter()


def _render(key: str, params: dict, lang: str, tr, piece) -> str:
    from .ui import STRINGS, ui

    template = ui(key, lang, tr)
    try:
        parsed = list(_FORMATTER.parse(template))
        if any(name is not None and name not in params for _, name, _, _ in parsed):
            raise ValueError(template)
    except ValueError:          # a translation (ui.po) with a broken or unknown {field}: the built-in wording
        parsed = list(_FORMATTER.parse(STRINGS[key][0 if lang == "zh" else 1]))
    out = []
    for literal, name, _spec, _conv in parsed:
        if literal:
            out.append(piece("text", literal, lang) if piece else literal)
        if name is not None:
            out.append(_value(params[name], lang, tr, piece))
    return "".join(out)


def _value(v, lang: str, tr, piece) -> str:
    if isinstance(v, Note):
        return v.text(lang, tr, piece)
    if isinstance(v, (list, tuple)):
        sep = "、" if lang == "zh" else ", "
        return (piece("text", sep, lang) if piece else sep).join(_value(x, lang, tr, piece) for x in v)
    if isinstance(v, Quote):
        if piece:
            return piece("quote", str(v), lang)
        return f"“{v}”" if lang == "zh" else repr(str(v))
    s = f"{v:g}" if isinstance(v, float) else str(v)
    return piece("data", s, lang) if piece else s


def note_text(entry, lang: str, tr=None, piece=None) -> str:
    """A report entry in `lang`: a Note worded, anything else (an old plain string) as it is."""
    if isinstance(entry, Note):
        return entry.text(lang, tr, piece)
    return piece("data", str(entry), lang) if piece else str(entry)


@dataclass
class RepairReport:
    """What ingestion did to a source: shown by `build.py check`, never silent."""

    # every entry is a Note (a str: the English line); dropped items' "reason" too
    joined: list[Note] = field(default_factory=list)
    moved: list[Note] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)     # {"line", "text", "rule", "reason": Note, …}
    corrected: list[Note] = field(default_factory=list)
    missing: list[Note] = field(default_factory=list)     # listed in the TOC, absent in the body
    normalised: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)

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


def named(prefix: str, name: str):
    """A metadata field's or an item kind's name (`named("rep_field_", "title")`) as a Note when
    bireport/ui.py words it, else the name itself."""
    from .ui import STRINGS

    return Note(prefix + name) if prefix + name in STRINGS else name
