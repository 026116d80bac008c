"""Raw HTML blocks inside Markdown (`<figure>`, `<div>`, `<p>`, `<time>`, `<address>`, comments,
embeds, inline `<svg>` …): parsed with a real HTML parser and turned into ordinary items.

Only known structure is kept (paragraphs, headings, list items, quotes, figures with captions,
bylines, dates, line breaks); the text of unknown wrappers is kept as paragraphs; scripts, styles,
embeds, frames, inline SVG and images are dropped and reported (`dropped` items); nothing from the
source is emitted as markup."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, CData, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

SKIP = (CData, Declaration, Doctype, ProcessingInstruction)

from .base import Item, aligned_cells, aligned_runs, escape_md, join_cjk

DROP = {"script": "script", "style": "style", "noscript": "script", "template": "template", "svg": "inline SVG",
        "math": "MathML", "iframe": "embedded frame", "embed": "embed", "object": "embed", "video": "embedded video",
        "audio": "embedded audio", "canvas": "canvas", "form": "form", "input": "form", "button": "form",
        "select": "form", "textarea": "form", "link": "link", "meta": "meta", "head": "head", "nav": "navigation"}
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "figure", "address", "time", "footer",
          "section", "article", "div", "ul", "ol", "header", "main", "aside", "table", "pre", "dl", "dt", "dd",
          "figcaption", "tr", "td", "th", "tbody", "thead", "center", "details", "summary", "hr"}
_BOLD = re.compile(r"\\\*\\\*(.+?)\\\*\\\*")


def _text(s: str) -> str:
    """Escaped text of one HTML text node; Markdown **bold** written inside HTML stays bold."""
    s = re.sub(r"[ \t\r\n]+", " ", s)
    return _BOLD.sub(r"**\1**", escape_md(s))


def _join(parts: list[str]) -> str:
    acc = ""
    for p in parts:
        if p == "\n":
            acc = acc.rstrip() + "\n"
        elif acc.endswith("\n"):
            acc = acc + p.lstrip()
        else:
            acc = join_cjk(acc, p) if acc and p.strip() else acc + p
    return acc


def _inline(node, dropped: list, line: int) -> str:
    out: list[str] = []
    for child in node.children:
        if isinstance(child, (Comment, *SKIP)):
            continue
        if isinstance(child, NavigableString):
            if str(child).strip():
                out.append(_text(str(child)).strip())
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if name in DROP:
            dropped.append((line, DROP[name], f"<{name}> {child.get_text(' ', strip=True)[:60]}".strip()))
        elif name == "br":
            out.append("\n")
        elif name == "img":
            dropped.append((line, "no-hotlink", "<img> (third-party hosted image)"))
        elif name in ("strong", "b"):
            inner = _inline(child, dropped, line).strip()
            out.append(f"**{inner}**" if inner else "")
        elif name == "a":
            inner = _flat(_inline(child, dropped, line))
            href = (child.get("href") or "").strip()
            if inner and re.match(r"https?://", href) and not re.search(r"[\s()]", href):
                out.append(f"[{inner}]({href})")
            else:
                out.append(inner)
        else:
            out.append(_inline(child, dropped, line))
    return _join(out)


def _flat(md: str) -> str:
    lines = [ln.strip() for ln in md.split("\n") if ln.strip()]
    acc = ""
    for ln in lines:
        acc = join_cjk(acc, ln)
    return acc


def _has_blocks(el: Tag) -> bool:
    return any(isinstance(c, Tag) and (c.name.lower() in BLOCKS or c.name.lower() in DROP) for c in el.children)


def _walk(parent, base: int, items: list[Item], dropped: list, run: list) -> None:
    def flush():
        if run:
            text = _flat(_join(run))
            if text:
                items.append(Item("paragraph", text, run_line[0]))
            run.clear()
    run_line = [base]
    last = base
    for el in parent.children:
        line = base + (el.sourceline or 1) - 1 if isinstance(el, Tag) and el.sourceline else last
        last = line
        if isinstance(el, (Comment, *SKIP)):
            flush()
            if str(el).strip():
                dropped.append((line, "html-comment" if isinstance(el, Comment) else "html-declaration",
                                str(el).strip()[:80]))
            continue
        if isinstance(el, NavigableString):
            if str(el).strip():
                if not run:
                    run_line[0] = line
                run.append(_text(str(el)).strip())
            continue
        if not isinstance(el, Tag):
            continue
        name = el.name.lower()
        if name not in BLOCKS and name not in DROP and name != "br" and name != "img":
            if not run:
                run_line[0] = line
            inner = _inline(el, dropped, line)
            run.append(f"**{inner.strip()}**" if name in ("strong", "b") and inner.strip() else inner)
            continue
        if name == "br":
            if run:
                run.append("\n")
            continue
        flush()
        if name in DROP:
            dropped.append((line, DROP[name], f"<{name}> {el.get_text(' ', strip=True)[:60]}".strip()))
        elif name == "img":
            dropped.append((line, "no-hotlink", "<img> (third-party hosted image)"))
        elif name == "hr":
            continue
        elif name == "table":
            rows = []
            for tr in el.find_all("tr"):
                cells = [_flat(_inline(td, dropped, line)) for td in tr.find_all(["td", "th"], recursive=False)]
                if any(cells):
                    rows.append((base + (tr.sourceline or 1) - 1 if tr.sourceline else line, cells))
            cap = el.find("caption")
            if cap is not None and _flat(_inline(cap, dropped, line)):
                items.append(Item("paragraph", _flat(_inline(cap, dropped, line)), line))
            if rows:
                items.append(Item("pipe_table", "", line, {"rows": rows, "header_rows": 1, "source": "html"}))
        elif name == "figcaption":      # a caption outside its <figure>: it belongs to the figure before it
            caption = _flat(_inline(el, dropped, line))
            if items and items[-1].kind == "figure" and not items[-1].text:
                items[-1].text = caption
            elif caption:
                items.append(Item("figure", caption, line, {"image_withheld": True,
                                                            "note": "image not reproduced: it is hosted by a third party"}))
        elif name == "figure":
            cap = el.find("figcaption")
            caption = _flat(_inline(cap, dropped, line)) if cap is not None else ""
            if cap is not None:
                cap.extract()
            if el.find("img") is not None:
                dropped.append((line, "no-hotlink", "<img> (third-party hosted image)"))
            for sub in el.find_all(list(DROP)):
                dropped.append((line, DROP[sub.name.lower()], f"<{sub.name}>"))
                sub.extract()
            rest = _flat(_inline(el, [], line))
            if rest:      # text inside the figure besides the caption: keep it
                caption = join_cjk(rest, caption) if caption else rest
            items.append(Item("figure", caption, line, {"image_withheld": True,
                                                        "note": "image not reproduced: it is hosted by a third party"}))
        elif name == "address":
            items.append(Item("byline", _flat(_inline(el, dropped, line)), line, {"role": "author"}))
        elif name == "time":
            items.append(Item("dateline", _flat(_inline(el, dropped, line)), line,
                              {"datetime": el.get("datetime") or ""}))
        elif re.fullmatch(r"h[1-6]", name):
            text = _flat(_inline(el, dropped, line))
            if text:
                items.append(Item("heading", text, line, {"hashes": int(name[1])}))
        elif name in ("ul", "ol"):
            for li in el.find_all("li", recursive=False):
                text = _flat(_inline(li, dropped, line))
                if text:
                    items.append(Item("list_item", text, base + (li.sourceline or 1) - 1,
                                      {"ordered": name == "ol", "list": f"html{base}-{line}"}))
        elif name == "blockquote" and not _has_blocks(el):
            text = _flat(_inline(el, dropped, line))
            if text:
                items.append(Item("quote", text, line))
        elif _has_blocks(el):
            _walk(el, base, items, dropped, [])
        else:
            text = _flat(_inline(el, dropped, line))
            if text:
                cells = aligned_cells(el.get_text()) if name == "p" and "**" not in text else None
                items.append(Item("paragraph", text, line, {"cells": [escape_md(c) for c in cells]} if cells else {}))
    flush()


def parse_block(html: str, line: int) -> list[Item]:
    """Items for one raw HTML block starting at source line `line` (dropped parts as `dropped` items)."""
    items: list[Item] = []
    dropped: list = []
    _walk(BeautifulSoup(html, "html.parser"), line, items, dropped, [])
    for it in items:
        if it.kind == "paragraph":
            it.attrs["hard_end"] = True      # an HTML paragraph ends where its element ends
            bold = re.fullmatch(r"\*\*([^*]+)\*\*", it.text)
            if bold and len(bold.group(1)) <= 40 and not re.search(r"[。！？!?；;]\s*$", bold.group(1)):
                it.kind, it.text, it.attrs = "heading", bold.group(1).strip(), {"bold_heading": True}
    items = aligned_runs(items)        # rows of a table laid out with spaces in <p> elements
    return items + [Item("dropped", "", ln, {"rule": rule, "text": what}) for ln, rule, what in dropped]
