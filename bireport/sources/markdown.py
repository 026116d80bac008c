"""Adapter for Markdown-ish sources (white paper, paper), parsed with markdown-it-py.

Output items: heading (attrs.hashes = the unreliable `#` count), paragraph, list_item,
rows (tab-separated lines: a table body, kept raw with line numbers) and html (raw blocks)."""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

from .base import Item, escape_md, join_cjk

_md = MarkdownIt("commonmark", {"html": True})
_CITE = re.compile(r"^\[(\d+(?:\s*[,，\-–]\s*\d+)*)\]$")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def inline_to_md(children) -> str:
    """Convert markdown-it inline tokens to our inline Markdown (see model.py)."""
    out: list[str] = []
    sup: list[str] | None = None
    link_text: list[str] | None = None
    href = ""
    for tok in children or []:
        t = tok.type
        if t == "html_inline":
            tag = tok.content.strip().lower()
            if tag == "<sup>":
                sup = []
            elif tag == "</sup>" and sup is not None:
                inner = "".join(sup).strip()
                m = _CITE.match(inner)
                if m:
                    nums = re.sub(r"\s+", "", m.group(1))
                    out.append(f"[@{nums}]")
                elif inner and inner in _CIRCLED:
                    out.append(f"[^fn{_CIRCLED.index(inner) + 1}]")
                elif inner:
                    out.append(f"^{inner}^")
                sup = None
            # any other inline tag is dropped (its text content survives as text tokens)
            continue
        if t == "text" or t == "code_inline":
            text = tok.content
            if sup is not None:
                sup.append(text)
            elif link_text is not None:
                link_text.append(escape_md(text))
            else:
                out.append(escape_md(text))
        elif t in ("softbreak", "hardbreak"):
            out.append("\n")
        elif t == "strong_open" or t == "strong_close":
            out.append("**")
        elif t == "em_open" or t == "em_close":
            out.append("*")
        elif t == "link_open":
            href = tok.attrGet("href") or ""
            link_text = []
        elif t == "link_close" and link_text is not None:
            text = "".join(link_text)
            out.append(f"[{text}]({href})" if href else text)
            link_text = None
    return "".join(out)


def flatten_breaks(text: str) -> str:
    """Join wrapped lines inside one paragraph (no space between CJK)."""
    parts = text.split("\n")
    acc = parts[0]
    for p in parts[1:]:
        acc = join_cjk(acc, p)
    return acc.strip()


def parse(text: str, meta) -> list[Item]:
    lines = text.split("\n")
    tokens = _md.parse(text)
    items: list[Item] = []
    list_stack: list[dict] = []
    list_counter = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = (tok.map[0] + 1) if tok.map else 0
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            items.append(Item("heading", flatten_breaks(inline_to_md(inline.children)), line,
                              {"hashes": int(tok.tag[1])}))
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            list_counter += 1
            list_stack.append({"id": list_counter, "ordered": tok.type.startswith("ordered")})
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif tok.type == "list_item_open" and list_stack:
            list_stack[-1]["number"] = tok.info or ""
        elif tok.type == "paragraph_open":
            inline = tokens[i + 1]
            raw = lines[tok.map[0]:tok.map[1]]
            if list_stack:
                items.append(Item("list_item", flatten_breaks(inline_to_md(inline.children)), line,
                                  {"list": list_stack[-1]["id"], "ordered": list_stack[-1]["ordered"],
                                   "number": list_stack[-1].get("number", "")}))
            elif sum("\t" in r for r in raw) >= 1 and len(raw) >= 2:
                items.append(Item("rows", "", line,
                                  {"rows": [(tok.map[0] + 1 + k, r) for k, r in enumerate(raw)]}))
            else:
                md = inline_to_md(inline.children)
                items.append(Item("paragraph", flatten_breaks(md), line,
                                  {"lines": [s.strip() for s in md.split("\n") if s.strip()]}))
            i += 3
            continue
        elif tok.type == "html_block":
            items.append(Item("html", tok.content, line))
        elif tok.type in ("code_block", "fence"):
            raw = lines[tok.map[0]:tok.map[1]]
            if any("\t" in r for r in raw):
                items.append(Item("rows", "", line, {"rows": [(tok.map[0] + 1 + k, r) for k, r in enumerate(raw)]}))
            else:
                items.append(Item("paragraph", escape_md(flatten_breaks(tok.content)), line))
        i += 1
    return _merge_rows(items)


def _merge_rows(items: list[Item]) -> list[Item]:
    """A table whose header starts with a tab is split by markdown-it into an indented code block
    and a paragraph; contiguous row runs are one table."""
    out: list[Item] = []
    for it in items:
        if it.kind == "rows" and out and out[-1].kind == "rows" and out[-1].attrs["rows"][-1][0] + 1 == it.attrs["rows"][0][0]:
            out[-1].attrs["rows"].extend(it.attrs["rows"])
        else:
            out.append(it)
    return out
