"""Shared pieces of the adapters: reading raw bytes safely, the Item stream, inline escaping."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BuildError, Problem

MAX_BYTES = 5 * 1024 * 1024
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")


@dataclass
class Item:
    """One element of an adapter's output stream (before sections and ids exist)."""

    kind: str          # heading | paragraph | list_item | table | figure | note | byline | dateline | meta | footnote | reference | html
    text: str          # inline Markdown
    line: int          # 1-based source line
    attrs: dict[str, Any] = field(default_factory=dict)


def read_source(path: Path, encoding: str = "utf-8") -> str:
    """Read a raw source as text in its manifest `encoding` (UTF-8 by default, BOM stripped),
    with errors that name the file and line."""
    path = Path(path)
    data = path.read_bytes()
    if not data.strip():
        raise BuildError(Problem(str(path), None, "source file is empty",
                                 "copy the document's text into the file or remove its manifest entry"))
    if len(data) > MAX_BYTES:
        raise BuildError(Problem(str(path), None, f"source is {len(data) // 1024} KiB; the limit is "
                                 f"{MAX_BYTES // 1024} KiB", "split the document into several manifest entries"))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        enc = "UTF-16LE" if data[:2] == b"\xff\xfe" else "UTF-16BE"
        raise BuildError(Problem(str(path), None, f"source is encoded as {enc}, not UTF-8 (it starts with a UTF-16 byte-order mark)",
                                 f"convert it: iconv -f UTF-16 -t UTF-8 {path.name} > {path.name}.utf8 "
                                 f"(then replace the file and update sha256)"))
    if b"\x00" in data[:8192]:
        raise BuildError(Problem(str(path), None, "source looks binary (contains NUL bytes)",
                                 "export the document as UTF-8 text (Markdown, plain text or HTML)"))
    if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            line = data[: getattr(exc, "start", 0)].count(b"\n") + 1 if isinstance(exc, UnicodeDecodeError) else None
            raise BuildError(Problem(str(path), line, f"the manifest says `encoding: {encoding}`, but the bytes "
                                     f"do not decode as {encoding} ({exc})",
                                     "fix `encoding:` in data/sources/manifest.yaml (utf-8, gb18030, big5 or "
                                     "big5hkscs), or re-add the file with `build.py add`")) from exc
        return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        guess = ""
        for enc in ("gb18030", "big5"):
            try:
                data[data.rfind(b"\n", 0, exc.start) + 1:].decode(enc)   # from the first bad line on
                guess = f" (it decodes as {enc})"
                break
            except UnicodeDecodeError:
                pass
        raise BuildError(Problem(str(path), line, f"not valid UTF-8 at byte {exc.start}{guess}",
                                 f"convert it: iconv -f {'GB18030' if 'gb' in guess else 'ENCODING'} -t UTF-8 "
                                 f"{path.name} > {path.name}.utf8 (then replace the file and update sha256)")) from exc
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_ESCAPE = re.compile(r"([\\`*_<>])")
# literal text that would read as one of the model's own tokens (see safety.py): a link
# "[t](u)", a citation "[@n]", a footnote ref "[^k]", an insertion "{++", a superscript "^x^"
_TOKEN_LIKE = re.compile(r"\[(?=[@^]|[^\]]*\]\()|\{(?=\+\+)|\^(?=[^\s^]{1,12}\^)")


def escape_md(text: str) -> str:
    """Escape characters that Markdown would interpret, leaving CJK text as is; source text
    that looks like one of the model's tokens is escaped too, so it stays text."""
    return _TOKEN_LIKE.sub(lambda m: "\\" + m.group(0), _ESCAPE.sub(r"\\\1", text))


def join_cjk(a: str, b: str) -> str:
    """Join two wrapped fragments: no space between CJK, one space between Latin words."""
    a, b = a.rstrip(), b.lstrip()
    if not a or not b:
        return a + b
    if re.match(r"[A-Za-z0-9,.;:)]", a[-1]) and re.match(r"[A-Za-z0-9(]", b[0]):
        return a + " " + b
    return a + b


_ALIGN_GAP = re.compile(r"\t+| {3,}|\u3000{2,}")
ALIGNED_MIN_ROWS = 3


def aligned_cells(raw: str) -> list[str] | None:
    """The cells of a line laid out in columns (cells separated by tabs, 3+ spaces or 2+ ideographic
    spaces, not counting the indent); None for running text."""
    cells = [c.strip() for c in _ALIGN_GAP.split(raw.strip(" \t\u3000"))]
    return cells if len(cells) >= 2 and all(cells) else None


def aligned_runs(items: list[Item], key: str = "cells") -> list[Item]:
    """Runs of at least ALIGNED_MIN_ROWS consecutive paragraphs laid out in columns (attrs[key]: their
    cells, inline Markdown) become one `pipe_table` item; a first row with fewer cells is the header
    over the value columns."""
    out: list[Item] = []
    k = 0
    while k < len(items):
        j = k
        while j < len(items) and items[j].kind == "paragraph" and items[j].attrs.get(key):
            j += 1
        if j - k >= ALIGNED_MIN_ROWS:
            rows = [(it.line, list(it.attrs[key])) for it in items[k:j]]
            originals = [(it.line, aligned_cells(it.attrs["original"]) or [it.attrs["original"]])
                         for it in items[k:j] if it.attrs.get("original")]
            for grid in (rows, originals):
                if grid:
                    width = max(len(c) for _, c in grid)
                    ln, head = grid[0]
                    grid[0] = (ln, [""] * (width - len(head)) + head)
            attrs = {"rows": rows, "source": "aligned"}
            if len(originals) == len(rows):
                attrs["original_rows"] = originals
            out.append(Item("pipe_table", "", items[k].line, attrs))
            k = j
            continue
        out.extend(items[k:max(j, k + 1)])
        k = max(j, k + 1)
    return out
