"""Adapter for format `html`: complete HTML pages and fragments (sources/webpage.py: the article
found by readability-lxml, never through the Markdown parser), and HTML articles wrapped in
Markdown (e.g. the NYT Chinese page: a Markdown title line over raw HTML blocks), below.

The Markdown wrapper is tokenised with markdown-it-py; HTML blocks are parsed with a real HTML
parser (BeautifulSoup on html.parser) and only known, safe structure is kept: paragraphs, links
(http/https only), figures (caption + credit; the image itself is never hot-linked), the byline
(<address>) and the date (<time>). Scripts, styles, event handlers and unknown tags are dropped
and reported; nothing from the source is emitted as raw HTML."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdown_it import MarkdownIt

from ..errors import BuildError, Problem
from .base import Item, escape_md
from .markdown import flatten_breaks, inline_to_md

_md = MarkdownIt("commonmark", {"html": True})
SAFE_SCHEMES = ("http://", "https://")
DANGEROUS = ("script", "style", "iframe", "object", "embed", "form", "input", "button", "svg", "math",
             "link", "meta", "noscript", "template")
BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "figure", "address", "time",
              "footer", "section", "article", "div", "ul", "ol", "header", "main", "aside", "nav", "table")


def _check_balanced(html: str, path, line: int) -> None:
    """A real parser repairs unclosed tags silently; we want to know. Count open vs close."""
    void = {"img", "br", "hr", "meta", "link", "input", "source", "wbr", "col", "area", "base", "embed"}
    stack: list[tuple[str, int]] = []
    for m in re.finditer(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>", html):
        closing, tag, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if tag in void or selfclose:
            continue
        ln = line + html[: m.start()].count("\n")
        if not closing:
            stack.append((tag, ln))
        else:
            while stack and stack[-1][0] != tag and stack[-1][0] in ("p", "li"):
                stack.pop()  # optional end tags
            if stack and stack[-1][0] == tag:
                stack.pop()
    unclosed = [(t, ln) for t, ln in stack if t not in ("p", "li")]
    if unclosed:
        tag, ln = unclosed[0]
        raise BuildError(Problem(str(path), ln, f"HTML tag <{tag}> opened here is never closed",
                                 f"the source is truncated or malformed: add </{tag}> in a correction or re-export the page"))


def _unsafe_attrs(tag, report: list) -> None:
    """Report event handlers and script URLs in attributes (attributes are never emitted anyway)."""
    for k, v in (tag.attrs or {}).items():
        value = " ".join(v) if isinstance(v, list) else str(v or "")
        if k.lower().startswith("on"):
            report.append(f"event handler {k}= removed from <{tag.name}>")
        elif k.lower() in ("href", "src", "action", "formaction", "xlink:href") and \
                re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(("javascript:", "vbscript:", "data:")) \
                and not (tag.name == "a" and k.lower() == "href"):
            report.append(f"unsafe {k} removed from <{tag.name}>: {value[:40]}")


def _inline(node, report: list) -> str:
    """Inline Markdown for the children of `node` (text, safe links)."""
    out: list[str] = []
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            out.append(escape_md(str(child)))
        elif isinstance(child, Tag):
            name = child.name.lower()
            _unsafe_attrs(child, report)
            if name in DANGEROUS:
                report.append(f"<{name}> removed")
                continue
            if name == "a":
                href = (child.get("href") or "").strip()
                text = _inline(child, report)
                if href.lower().startswith(SAFE_SCHEMES):
                    out.append(f"[{text}]({href})")
                else:
                    if href:
                        report.append(f"unsafe link target removed: {href[:40]}")
                    out.append(text)
            elif name == "br":
                out.append("\n")
            elif name == "img":
                report.append("inline image not reproduced (third-party host)")
            else:
                out.append(_inline(child, report))
    return "".join(out)


def _blocks(soup_node, base: int, items: list[Item], dropped: list) -> None:
    line = base
    for el in soup_node.children:
        if isinstance(el, Comment):
            dropped.append(("html-comment", str(el).strip()))
            continue
        if isinstance(el, NavigableString):
            if str(el).strip():
                items.append(Item("paragraph", flatten_breaks(escape_md(str(el).strip())), line))
            continue
        if not isinstance(el, Tag):
            continue
        name = el.name.lower()
        report: list[str] = []
        line = base + (el.sourceline or 1) - 1
        _unsafe_attrs(el, report)
        if name in DANGEROUS:
            dropped.append(("sanitised", f"<{name}> removed: {el.get_text(' ', strip=True)[:60]}".rstrip(": ")))
            continue
        if name == "address":
            items.append(Item("byline", flatten_breaks(_inline(el, report)), line, {"role": "author"}))
        elif name == "time":
            items.append(Item("dateline", flatten_breaks(_inline(el, report)), line,
                              {"datetime": el.get("datetime") or el.get("pudate") or ""}))
        elif name == "figure":
            cap = el.find("figcaption")
            credit = ""
            if cap is not None:
                cite = cap.find("cite")
                if cite is not None:
                    credit = flatten_breaks(_inline(cite, report))
                    cite.extract()
            img = el.find("img")
            items.append(Item("figure", flatten_breaks(_inline(cap, report)) if cap else "", line,
                              {"credit": credit, "image_withheld": bool(img),
                               "note": "image not reproduced: it is hosted by a third party"}))
        elif name in ("section", "article", "div", "main", "header"):
            _blocks(el, base, items, dropped)
        elif name == "footer":
            for sub in el.children:
                if isinstance(sub, Tag):
                    text = flatten_breaks(_inline(sub, report))
                    if text:
                        items.append(Item("paragraph", text, line, {"region": "footer"}))
        elif name in ("p", "blockquote", "li") or name.startswith("h"):
            text = flatten_breaks(_inline(el, report))
            if text:
                kind = "quote" if name == "blockquote" else ("heading" if re.fullmatch(r"h[1-6]", name) else "paragraph")
                items.append(Item(kind, text, line, {"hashes": int(name[1])} if kind == "heading" else {}))
        elif name in ("ul", "ol"):
            for li in el.find_all("li", recursive=False):
                items.append(Item("list_item", flatten_breaks(_inline(li, report)), line, {"ordered": name == "ol"}))
        elif name == "a":
            text = flatten_breaks(_inline(el.parent if False else BeautifulSoup(str(el), "html.parser"), report))
            items.append(Item("paragraph", text, line, {"region": "footer" if el.find_parent("footer") else ""}))
        else:
            text = flatten_breaks(_inline(el, report))
            if text:
                items.append(Item("paragraph", text, line))
        for r in report:
            dropped.append(("sanitised", r))


def parse(text: str, meta) -> list[Item]:
    from ..detect import is_full_page, is_html_document

    if is_html_document(text):
        from .webpage import parse_page

        full = is_full_page(text)
        if not full:        # a fragment that stops inside an element is truncated: say so
            _check_balanced(text, meta.path, 1)
        return parse_page(text, meta, full=full)
    return parse_markdown_wrapped(text, meta)


def parse_markdown_wrapped(text: str, meta) -> list[Item]:
    items: list[Item] = []
    tokens = _md.parse(text)
    src_lines = text.split("\n")
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = (tok.map[0] + 1) if tok.map else 0
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            md = flatten_breaks(inline_to_md(inline.children))
            m = re.fullmatch(r"\[(.+)\]\((https?://[^)]+)\)", md)
            if m:
                items.append(Item("heading", m.group(1), line, {"hashes": 1, "url": m.group(2)}))
            else:
                items.append(Item("heading", md, line, {"hashes": int(tok.tag[1])}))
            i += 3
            continue
        if tok.type == "html_block":
            content = tok.content
            # markdown-it ends an HTML block at a blank line; gather following raw blocks of the same element
            j = i + 1
            while j < len(tokens) and tokens[j].type == "html_block":
                content += tokens[j].content
                j += 1
            if j > i + 1 and tok.map and tokens[j - 1].map:
                # the source lines themselves, blank lines included, so line numbers stay exact
                content = "\n".join(src_lines[tok.map[0]:tokens[j - 1].map[1]]) + "\n"
            comment = re.fullmatch(r"\s*<!--(.*?)-->\s*", content, re.S)
            if comment:
                items.append(Item("dropped", "", line, {"rule": "html-comment", "text": comment.group(1).strip()}))
            else:
                _check_balanced(content, meta.path, line)
                dropped: list = []
                sub: list[Item] = []
                _blocks(BeautifulSoup(content, "html.parser"), line, sub, dropped)
                items.extend(sub)
                for rule, what in dropped:
                    items.append(Item("dropped", "", line, {"rule": rule, "text": what}))
            i = j
            continue
        if tok.type == "paragraph_open":
            inline = tokens[i + 1]
            items.append(Item("paragraph", flatten_breaks(inline_to_md(inline.children)), line))
            i += 3
            continue
        i += 1
    return items
