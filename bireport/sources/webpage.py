"""HTML pages and fragments (format `html` whose text starts with markup): the article is found
with readability-lxml, then turned into the flat item stream with source lines.

Never through the Markdown parser. The steps:
1. parse the raw page with html.parser (keeps source lines) and tag every element with its
   line; scripts, styles, frames, forms, embeds and comments are removed and counted;
2. re-serialise through an HTML5 parser (tinyhtml5): saved pages carry stray `</html>` or
   `</body>` tags mid-page, after which libxml2 — under readability — stops reading;
3. readability-lxml picks the article (complete pages only; a fragment is the article);
4. teaser-card lists (≥ 3 same-class siblings of short linked text/images) and runs of link-only
   lines are dropped as "related"/navigation lists, bylines and the title move to metadata;
5. every text block of the page that is not in the article is reported as dropped boilerplate
   (with its source line), so `build.py check` shows what the page carried around the article.

Only known structure is emitted — headings, paragraphs, lists, tables, figures with captions,
quotes, http(s) links — as inline Markdown text; no attribute, script or image is ever emitted
(images become a figure note: nothing is hot-linked)."""
from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from ..model import Note
from .base import CJK_RE, Item, escape_md

REMOVE = ("script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
          "applet", "input", "button", "select", "textarea", "svg", "math", "canvas", "audio",
          "video", "link", "meta", "base", "head", "title")
BLOCK = {"p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "ul", "ol", "li",
         "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "figure",
         "figcaption", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "center", "address",
         "body", "html", "form", "fieldset", "details", "summary", "br"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
_BYLINE = re.compile(r"^[【\[［（(]?\s*(?:文|作者|记者|記者|来源|來源|编辑|編輯|责任编辑|責任編輯|责编|撰文|摄影|攝影|"
                     r"通讯员|通訊員|编译|編譯|校对|校對|本报记者|本報記者|出品|监制|監製)\s*[/／:：|｜︱丨]")
_WS = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")


def _unlink(s: str) -> str:
    """Markdown links → their text."""
    return re.sub(r"\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)", r"\1", s)


def norm(s: str) -> str:
    """Text without whitespace and Markdown escapes, for comparing page text with article text."""
    return _WS.sub("", re.sub(r"\\([\\`*_<>\[\]])", r"\1", s))


# ------------------------------------------------------------------ 1–3: parse, clean, extract

def _prepare(text: str) -> tuple[BeautifulSoup, dict[int, int], list[tuple[int, str, str]]]:
    """The page tree (html.parser) with a `data-bk` key on every element, {key: source line}, and
    what was removed as (line, rule, text)."""
    soup = BeautifulSoup(text, "html.parser")
    removed: list[tuple[int, str, str]] = []
    counts: dict[str, list[int]] = {}
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        counts.setdefault("HTML comment", []).append(0)
        c.extract()
    for names in (REMOVE[:-2], ("head", "title")):       # scripts in <head> are counted as scripts
        for tag in soup.find_all(names):
            if tag.parent is None:
                continue
            if tag.name != "head" or _text(tag):
                counts.setdefault(f"<{tag.name}>", []).append(tag.sourceline or 0)
            tag.decompose()
    for what, lines in counts.items():
        first = min((ln for ln in lines if ln), default=None)
        why = "the page title is the manifest's title" if what in ("<title>", "<head>") else "not content"
        what = "<title>" if what == "<head>" else what
        removed.append((first or 1, "sanitised", f"{len(lines)} {what} element(s) removed ({why})"))
    lines: dict[int, int] = {}
    for i, tag in enumerate(soup.find_all(True)):
        tag["data-bk"] = str(i)
        lines[i] = tag.sourceline or 1
    return soup, lines, removed


def _html5(markup: str) -> str:
    """Re-serialise through an HTML5 parser: content after a stray </html> goes back into <body>."""
    import tinyhtml5

    root = tinyhtml5.parse(markup)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]
    return ET.tostring(root, encoding="unicode", method="html")


def extract_article(soup: BeautifulSoup) -> BeautifulSoup:
    """The article of a complete page, by readability-lxml (see README, design notes)."""
    from readability import Document

    html = Document(_html5(str(soup))).summary(html_partial=True)
    picked = BeautifulSoup(html, "html.parser")
    # readability chooses the container(s); their content is taken from the page itself, since its
    # cleaner also drops short lists, tables and images of the article (those are judged below)
    wrapper = picked.find(True)
    keys = [k.get("data-bk") for k in (wrapper.find_all(True, recursive=False) if wrapper else [])]
    by_key = {t["data-bk"]: t for t in soup.find_all(attrs={"data-bk": True})}
    if not keys or any(k not in by_key for k in keys):
        return picked
    out = BeautifulSoup("<div></div>", "html.parser")
    for k in keys:
        out.div.append(copy.copy(by_key[k]))
    return out


# ------------------------------------------------------------------ 4: related lists inside the article

def _text(el) -> str:
    return _WS.sub("", el.get_text()) if isinstance(el, Tag) else _WS.sub("", str(el))


def _signature(el: Tag) -> tuple:
    return (el.name, tuple(sorted(c for c in (el.get("class") or []) if not re.search(r"\d", c))))


def drop_teasers(root: Tag, dropped: list, lines: dict) -> None:
    """Lists of teaser cards: ≥ 3 sibling elements of the same tag and class, each short
    (< 80 characters, no sentence inside) with an image or a link → a 'related' list."""
    for parent in list(root.find_all(True)):
        if parent.parent is None:
            continue
        kids = [k for k in parent.children if isinstance(k, Tag)]
        groups: dict[tuple, list[Tag]] = {}
        for k in kids:
            if k.get("class"):
                groups.setdefault(_signature(k), []).append(k)
        for sig, members in groups.items():
            if len(members) < 3:
                continue
            texts = [_text(m) for m in members]
            if all(len(t) < 80 and "。" not in t[:-1] and (m.find("img") or m.find("a"))
                   for t, m in zip(texts, members)):
                head = members[0].find_previous_sibling(True)       # the list's own title ("相关阅读")
                if head is not None and head.name in HEADINGS | {"div", "p", "span"} and len(_text(head)) <= 12 \
                        and not head.find(["p", "div", "table"]):
                    members.insert(0, head)
                for m in members:
                    if m.parent is not None:
                        dropped.append((lines.get(int(m.get("data-bk", -1)), 1), "related-list",
                                        m.get_text(" ", strip=True)))
                        m.decompose()


# ------------------------------------------------------------------ inline text

def inline(nodes, report: list) -> str:
    """Inline Markdown for a run of nodes: text (escaped), http(s) links, line breaks, bold."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, (Comment, Doctype, Declaration, ProcessingInstruction)):
            continue
        if isinstance(node, NavigableString):
            out.append(escape_md(re.sub(r"[ \t\r\n]+", " ", str(node))))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        for k in list(node.attrs):
            if k.lower().startswith("on"):
                report.append(f"event handler {k}= removed from <{name}>")
        if name == "br":
            out.append("\n")
        elif name == "img":
            continue
        elif name in ("strong", "b"):
            out.append("\x02" + inline(node.children, report) + "\x03")
        elif name == "a":
            href = (node.get("href") or "").strip()
            text = inline(node.children, report)
            if href.lower().startswith(("http://", "https://")) and text.strip():
                out.append(f"[{text.strip()}]({href.replace(')', '%29').replace(' ', '%20')})")
            else:
                if re.sub(r"[\s\x00-\x1f]", "", href).lower().startswith(UNSAFE_SCHEMES):
                    report.append(f"unsafe link target removed: {href[:40]}")
                out.append(text)
        else:
            out.append(inline(node.children, report))
    return "".join(out)


_SENTENCE_END = ("。", "！", "？", "…", "”", "」", "』", "!", "?", "\x03")


def _split_paragraphs(md: str) -> list[str]:
    lines = md.split("\n")
    paras: list[list[str]] = [[]]
    for ln in lines:
        bare = ln.replace("\x02", "").replace("\x03", "")
        prev = paras[-1]
        prev_text = "".join(prev).replace("\x02", "").replace("\x03", "").rstrip(" \t\u3000\xa0")
        if not bare.strip(" \t\u3000\xa0"):
            if prev:
                paras.append([])               # an empty line: a paragraph break
            continue
        if prev and (prev_text.endswith(_SENTENCE_END[:-1]) or re.match(r"^[ \u3000\xa0]{2,}", bare)
                     or "".join(prev).rstrip(" \t\u3000\xa0").endswith("\x03") or ln.lstrip(" \u3000\xa0").startswith("\x02")):
            paras.append([])
        paras[-1].append(ln)
    return ["\n".join(p) for p in paras if p]


def _clean(md: str) -> str:
    """Join the lines of one block (no space between CJK), trim indents (全角空格 included)."""
    from .markdown import flatten_breaks

    parts = [p.strip(" \t\u3000\xa0") for p in md.split("\n")]
    return flatten_breaks("\n".join(p for p in parts if p)).strip(" \t\u3000\xa0")


# ------------------------------------------------------------------ walking the article

class Walker:
    def __init__(self, lines: dict[int, int]):
        self.lines = lines
        self.items: list[Item] = []
        self.report: list[str] = []
        self.list_counter = 0

    def line(self, el) -> int:
        while el is not None:
            if isinstance(el, Tag) and el.get("data-bk") is not None:
                return self.lines.get(int(el["data-bk"]), 1)
            el = el.parent
        return 1

    def emit_inline(self, nodes: list, anchor) -> None:
        """One run of inline content: paragraphs split at line breaks that end a sentence, precede
        an indented line or come in pairs (CMS pages separate paragraphs with <br>); a short
        all-bold paragraph without a sentence in it is a sub-heading."""
        if not nodes:
            return
        md = inline(nodes, self.report)
        for para in _split_paragraphs(md):
            text = _clean(para.replace("\x02", "").replace("\x03", ""))
            if not text:
                continue
            outside = norm(re.sub(r"\x02.*?\x03", "", para, flags=re.S))
            plain = norm(para.replace("\x02", "").replace("\x03", ""))
            if "\x02" in para and not outside and len(plain) <= 40 and "。" not in plain \
                    and not re.search(r"[，,；：:！？!?]$", plain):
                self.items.append(Item("heading", text, self.line(anchor), {"hashes": 3, "subheading": True}))
            else:
                # the markup ends the paragraph: never "rejoined" across a page break
                self.items.append(Item("paragraph", text, self.line(anchor), {"hard_end": True}))

    def figure(self, el: Tag) -> None:
        cap_el = el.find("figcaption") if el.name == "figure" else None
        caption = _clean(inline(cap_el.children, self.report)) if cap_el else ""
        img = el.find("img") if el.name != "img" else el
        alt = ""
        if img is not None and not caption:
            alt = (img.get("alt") or "").strip()
            alt = alt if CJK_RE.search(alt) or len(alt) > 3 else ""
        self.items.append(Item("figure", escape_md(alt) if alt else caption, self.line(el),
                               {"image_withheld": img is not None, "credit": "",
                                "note": "image not reproduced: it is hosted by a third party"}))

    def table(self, el: Tag) -> None:
        """A data table with a numbered caption (表N …, in <caption> or the line above) becomes
        tab-separated rows for the tables stage (tidy CSV, chart); any other table keeps its text
        as one line per row. A layout table (cells holding paragraphs) is walked as text."""
        if any(td.find(["p", "div", "table", "ul", "ol"]) for td in el.find_all(["td", "th"])):
            self.block_children(el)
            return
        cap = el.find("caption")
        if cap is not None and _text(cap):
            self.items.append(Item("paragraph", _clean(inline(cap.children, self.report)), self.line(cap),
                                   {"hard_end": True}))
        rows = []
        for tr in el.find_all("tr"):
            cells = [_clean(inline(c.children, self.report)).replace("\t", " ")
                     for c in tr.find_all(["td", "th"])]
            if any(cells):
                rows.append((self.line(tr), cells))
        if not rows:
            return
        prev = self.items[-1] if self.items else None
        captioned = prev is not None and prev.kind == "paragraph" and re.match(r"^表\s*\d+", norm(prev.text))
        if captioned and len(rows) >= 2 and max(len(c) for _, c in rows) >= 2:
            self.items.append(Item("rows", "", rows[0][0], {"rows": [(ln, "\t".join(c)) for ln, c in rows]}))
            return
        for ln, cells in rows:
            text = "　".join(c for c in cells if c)
            if text:
                self.items.append(Item("paragraph", text, ln, {"table_row": True, "hard_end": True}))

    def handle(self, el: Tag) -> None:
        name = el.name
        if name in HEADINGS:
            md = _clean(inline(el.children, self.report))
            if md:
                self.items.append(Item("heading", md, self.line(el), {"hashes": int(name[1])}))
        elif name in ("ul", "ol"):
            self.list_counter += 1
            for n, li in enumerate(el.find_all("li", recursive=False), 1):
                sub = [c for c in li.children if not (isinstance(c, Tag) and c.name in ("ul", "ol"))]
                md = _clean(inline(sub, self.report))
                if md:
                    self.items.append(Item("list_item", md, self.line(li),
                                           {"list": self.list_counter, "ordered": name == "ol",
                                            "number": f"{n}." if name == "ol" else ""}))
                for nested in li.find_all(["ul", "ol"], recursive=False):
                    self.handle(nested)
        elif name == "figure":
            self.figure(el)
        elif name == "table":
            self.table(el)
        elif name == "blockquote":
            before = len(self.items)
            self.block_children(el)
            for it in self.items[before:]:
                if it.kind == "paragraph":
                    it.kind = "quote"
        elif name in ("hr", "br"):
            return
        else:
            self.block_children(el)

    def block_children(self, el: Tag) -> None:
        buf: list = []
        anchor = el
        for child in el.children:
            if isinstance(child, Tag) and (child.name in BLOCK or child.find(list(BLOCK - {"br"}))):
                if child.name == "br":
                    buf.append(child)
                    continue
                self.flush(buf, anchor)
                buf = []
                self.handle(child)
            else:
                if not buf and isinstance(child, Tag):
                    anchor = child
                buf.append(child)
        self.flush(buf, anchor)

    def flush(self, buf: list, anchor) -> None:
        imgs = [n for n in buf if isinstance(n, Tag) and (n.name == "img" or n.find("img"))]
        text = _WS.sub("", "".join(n.get_text() if isinstance(n, Tag) else str(n) for n in buf))
        if imgs and not text:
            for img in imgs:
                self.figure(img if img.name == "img" else img.find("img"))
            return
        self.emit_inline(buf, anchor)


# ------------------------------------------------------------------ 5: what the page had around the article

def page_blocks(soup: BeautifulSoup, lines: dict) -> list[tuple[int, str]]:
    """The visible text of the page, one entry per block element (line, text)."""
    out: list[tuple[int, str]] = []
    buf: list[str] = []
    first: list[int] = []

    def flush():
        text = re.sub(r"\s+", " ", "".join(buf)).strip(" \u3000\xa0")
        if _WS.sub("", text):
            out.append((first[0] if first else 1, text))
        buf.clear()
        first.clear()

    def walk(node):
        for child in node.children:
            if isinstance(child, (Comment, Doctype, Declaration, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                if str(child).strip():
                    if not first:
                        p = child.parent
                        first.append(lines.get(int(p["data-bk"]), 1) if isinstance(p, Tag) and p.get("data-bk") else 1)
                    buf.append(str(child))
                continue
            if isinstance(child, Tag):
                if child.name in BLOCK:
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)

    walk(soup)
    flush()
    return out


_CAPTION = re.compile(r"^[（(]?(?:图|圖|图注|圖注|图为|圖為|图片|圖片|摄影|攝影|资料图|資料圖)\s*[：:为為\d]?")


def attach_captions(items: list[Item]) -> list[Item]:
    """An image followed by a short line (no sentence inside, or one that says 图/图注/图为 …) is a
    figure and its caption: the line becomes the caption, an alt text the credit."""
    out: list[Item] = []
    i = 0
    while i < len(items):
        it = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if it.kind == "figure" and nxt is not None and nxt.kind == "paragraph":
            t = norm(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", nxt.text))
            short = len(t) <= 40 and "。" not in t[:-1]
            if _CAPTION.match(t) or (short and not it.text):
                if it.text and re.search(r"credit|photo|©|摄|攝|来源|來源|供图|供圖", it.text, re.I):
                    it.attrs["credit"] = it.text        # an alt text naming the photographer
                it.text = nxt.text
                it.attrs["caption_line"] = nxt.line
                out.append(it)
                i += 2
                continue
        out.append(it)
        i += 1
    return out


def parse_page(text: str, meta, full: bool) -> list[Item]:
    soup, lines, removed = _prepare(text)
    dropped: list[tuple[int, str, str]] = list(removed)
    blocks = page_blocks(soup, lines)
    article = extract_article(soup) if full else soup
    drop_teasers(article, dropped, lines)
    _absolute_links(article, getattr(meta, "url", None) or "")
    w = Walker(lines)
    w.block_children(article)
    items = _links_and_metadata(attach_captions(w.items), meta, dropped)
    kept_all = "".join(norm(_unlink(it.text or it.attrs.get("text", ""))) +
                       "".join(norm(r) for _, r in it.attrs.get("rows", [])) for it in items) + \
        "".join(norm(t) for _, _, t in dropped if t)
    title = _title(meta)
    simp = _simplifier(meta)
    outside: list[tuple[int, str]] = []
    for line, block in blocks:
        n = norm(block)
        if n and n not in kept_all:
            if title and norm(simp(block)) == title:
                dropped.append((line, "title", block))
            else:
                outside.append((line, block))
    out = [it for it in items]
    out += _runs(outside, sorted({it.line for it in items if it.kind != "dropped"}))
    for line, rule, what in sorted(dropped, key=lambda x: x[0]):
        reason = Note({"boilerplate": "rep_why_page_boilerplate", "related-list": "rep_why_related_list",
                       "navigation": "rep_why_navigation", "title": "rep_why_title"}.get(rule, "rep_why_sanitised"))
        out.append(Item("dropped", "", line, {"rule": rule, "text": what, "reason": reason}))
    for r in sorted(set(w.report)):
        out.append(Item("dropped", "", 1, {"rule": "sanitised", "text": r}))
    return out


def _absolute_links(root: Tag, base: str) -> None:
    """Links relative to the page (/tag/…, ../news/…) point at the original site when the manifest
    gives the page's URL; without it they stay text."""
    if not base.lower().startswith(("http://", "https://")):
        return
    from urllib.parse import urljoin

    for a in root.find_all("a", href=True):
        href = a["href"].strip()
        if href and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^#", href):
            a["href"] = urljoin(base, href)


def _title(meta) -> str:
    """The manifest's (simplified) title, normalised for comparing."""
    t = getattr(meta, "title", None)
    return norm(str(t.get("zh") or "")) if isinstance(t, dict) else ""


def _simplifier(meta):
    """Text → simplified script with the document's OpenCC setting (titles are compared simplified)."""
    from ..detect import _cc
    from ..manifest import SCRIPTS

    config = SCRIPTS.get(getattr(meta, "script", "Hans") or "Hans")
    return _cc(config).convert if config else (lambda s: s)


BOILERPLATE = Note("rep_why_page_boilerplate")


def _runs(outside: list[tuple[int, str]], article_lines: list[int]) -> list[Item]:
    """The page's text outside the article, one report entry per run of source lines between
    article parts: its whole text (the nothing-lost check subtracts it), its line range, and a
    short summary (counts and samples) for the report."""
    import bisect

    runs: list[list[tuple[int, str]]] = []
    for line, block in sorted(outside, key=lambda x: x[0]):
        if runs:
            prev = runs[-1][-1][0]
            k = bisect.bisect_left(article_lines, prev)
            if k < len(article_lines) and article_lines[k] <= line:
                runs.append([])
        else:
            runs.append([])
        runs[-1].append((line, block))
    out = []
    for run in runs:
        first, last = run[0][0], run[-1][0]
        if len(run) == 1:
            out.append(Item("dropped", "", first, {"rule": "boilerplate", "text": run[0][1], "reason": BOILERPLATE}))
            continue
        chars = sum(len(_WS.sub("", b)) for _, b in run)
        samples = " · ".join(b[:20] for _, b in run[:5])
        out.append(Item("dropped", "", first, {
            "rule": "boilerplate", "lines": [first, last], "text": " · ".join(b for _, b in run),
            "summary": f"lines {first}–{last}: {len(run)} text blocks, {chars} characters, e.g. {samples} …",
            "reason": BOILERPLATE}))
    return out


def _links_and_metadata(items: list[Item], meta, dropped: list) -> list[Item]:
    """Runs of ≥ 2 link-only paragraphs/list items are navigation; bylines at the start or the end
    of the article and the title heading are page metadata."""
    out: list[Item] = []
    i = 0
    link_only = [bool(re.fullmatch(r"(?:\s*\[[^\]]+\]\([^)]+\)\s*[|｜·•/、]?\s*)+", it.text))
                 and it.kind in ("paragraph", "list_item") for it in items]
    while i < len(items):
        j = i
        while j < len(items) and link_only[j]:
            j += 1
        if j - i >= 2:
            for it in items[i:j]:
                dropped.append((it.line, "navigation", re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", it.text)))
            i = j
            continue
        out.append(items[i])
        i += 1
    title = _title(meta)
    simp = _simplifier(meta)
    text_idx = [k for k, it in enumerate(out) if it.kind in ("paragraph", "heading")]
    edge = set(text_idx[:3] + text_idx[-3:])
    final: list[Item] = []
    for k, it in enumerate(out):
        plain_text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", it.text)
        if k < 3 and title and len(title) >= 6 and it.kind in ("paragraph", "heading") \
                and norm(simp(plain_text)).startswith(title) and norm(simp(plain_text)) != title:
            cut = _prefix_end(it.text, title)    # the title run into the first line (e.g. over <br>)
            final.append(Item("dropped", "", it.line, {"rule": "title", "text": it.text[:cut], "moved": "title",
                                                       "reason": Note("rep_why_title")}))
            it.text = it.text[cut:].strip(" \u3000\xa0")
        if k in edge and it.kind in ("paragraph", "heading") and len(norm(plain_text)) <= 60 \
                and _BYLINE.match(plain_text.strip()):
            final.append(Item("dropped", "", it.line, {"rule": "byline", "text": plain_text, "moved": "byline",
                                                       "reason": Note("rep_why_byline")}))
            continue
        if title and norm(simp(plain_text)) == title and (it.kind == "heading" or (k < 3 and it.kind == "paragraph")):
            final.append(Item("dropped", "", it.line, {"rule": "title", "text": plain_text, "moved": "title",
                                                       "reason": Note("rep_why_title")}))
            continue
        final.append(it)
    return final


def _prefix_end(text: str, prefix_norm: str) -> int:
    """The index in `text` where its first len(prefix_norm) non-space, unescaped characters end."""
    n = 0
    i = 0
    while i < len(text) and n < len(prefix_norm):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            i += 1
            n += 1
        elif not _WS.match(c):
            n += 1
        i += 1
    return i
