"""Text is data: the one place where source and translation text becomes page content.

Block text in the model is *inline Markdown* of a tiny, fixed grammar (model.py): escaped text
plus the pipeline's own tokens — citations ``[@5]``, footnote refs ``[^fn1]``, superscripts
``^1^``, editorial insertions ``{++…++}``, ``**strong**``/``*em*`` and links ``[text](url)``.
`inline_md` parses exactly that grammar and writes page Markdown in which every piece of text is
entity-escaped (so neither Markdown, its extensions — ``attr_list``, CriticMarkup, footnotes,
tables, admonitions — nor HTML can read it as markup) and only the tokens become markup. Links
pass `safe_url` (http, https, mailto, in-page ``#anchors``), else only their text is shown.

`text` escapes a plain string for a page; `plain` turns inline Markdown into plain text (titles,
nav, the print edition). `sanitize_html` is the defence in depth on the built pages (nh3 allowlist),
used by the MkDocs hook on every page's content area.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Callable

# ------------------------------------------------------------------ escaping text

# every character Markdown, its extensions or HTML could read as markup, as a character reference
_INLINE = {c: f"&#{ord(c)};" for c in "\\`*_{}[]|^~!"}
_INLINE.update({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_INLINE_RE = re.compile("[" + re.escape("".join(_INLINE)) + "]")
# what makes a block when it starts a line: headings, lists, quotes, setext underlines,
# admonitions/details, definition lists, ordered-list numbers
_LINE_START = re.compile(r"^([ \t]*)(?:([#>\-+=:?!~])|(\d+)([.)]))", re.M)


def _line_starts(md: str) -> str:
    def sub(m):
        if m.group(2):
            return f"&#{ord(m.group(2))};"
        return f"{m.group(3)}&#{ord(m.group(4))};"
    # leading blanks would make an indented code block: drop them
    return _LINE_START.sub(sub, re.sub(r"^[ \t]+", "", md, flags=re.M))


def text(s: str, line_start: bool = False) -> str:
    """A plain string as page Markdown/HTML text: shows exactly `s`, forms no markup. Safe in
    Markdown, in raw HTML blocks and inside double-quoted attributes. With `line_start`, also
    neutralise block syntax at the start of each line (for text that may begin a line)."""
    out = _INLINE_RE.sub(lambda m: _INLINE[m.group(0)], str(s))
    return _line_starts(out) if line_start else out


def html_text(s: str) -> str:
    """A plain string for an HTML-only context (nav titles, attribute values)."""
    return html.escape(str(s), quote=False).replace('"', "&quot;")


# ------------------------------------------------------------------ URL policy

LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff]")


def _decoded(url: str) -> str:
    prev = None
    s = url
    for _ in range(3):                       # &amp;#106; → &#106; → j
        if s == prev:
            break
        prev, s = s, html.unescape(s)
    return s


def safe_url(url: str) -> str | None:
    """The URL to link to, or None when the policy refuses it. Allowed: http(s) with a host,
    mailto, and in-page fragments ("#ref-3"). Refused: every other scheme (javascript:, vbscript:,
    data:, file: …, also mixed-case, entity-encoded or split by whitespace/control characters),
    protocol-relative ("//host") and other relative URLs (a source's relative links point into
    its own web site, not ours), backslash tricks."""
    if not isinstance(url, str):
        return None
    raw = url.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1].strip()
    dec = _decoded(raw)
    squeezed = _INVISIBLE.sub("", dec)
    if not squeezed or "\\" in squeezed:
        return None
    if squeezed.startswith("#"):
        return "#" + re.sub(r"[^\w\-.:]", "", squeezed[1:]) if re.fullmatch(r"#[\w\-.:]+", squeezed) else None
    m = _SCHEME.match(squeezed)
    if not m:
        return None                          # relative or protocol-relative
    scheme = m.group(1).lower()
    if scheme not in LINK_SCHEMES:
        return None
    if scheme in ("http", "https") and not re.match(r"^https?://[^/?#@]+", squeezed, re.I):
        return None
    return scheme + ":" + squeezed[len(m.group(0)):]


def safe_image_src(src: str) -> bool:
    """Images only from the project's own files: a relative path without scheme, host or '..' above
    the site root is checked by the caller; here: no scheme, not protocol-relative, no backslash."""
    dec = _INVISIBLE.sub("", _decoded(src or ""))
    return bool(dec) and not _SCHEME.match(dec) and not dec.startswith(("/", "\\")) and "\\" not in dec


# ------------------------------------------------------------------ the inline grammar

@dataclass
class Node:
    kind: str                      # text | strong | em | link | cite | fn | sup | ins
    value: str = ""                # text, url, citation numbers, footnote key
    children: list["Node"] = field(default_factory=list)


_ESC = re.compile(r"\\([!-/:-@\[-`{-~])")
_CITE = re.compile(r"\[@([\d,\-–]+)\]")
_FN = re.compile(r"\[\^([A-Za-z0-9_\-]+)\]")
_SUP = re.compile(r"\^([^\s^\\\[\]{}*]{1,12})\^")


def _find_close(s: str, i: int, open_: str, close: str) -> int:
    """Index of the bracket closing the one at s[i] (escapes skipped), or -1."""
    depth = 0
    j = i
    while j < len(s):
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return -1


def parse(s: str, _depth: int = 0) -> list[Node]:
    """Inline Markdown (the model's grammar) → nodes. Anything that is not a token is text."""
    nodes: list[Node] = []
    buf: list[str] = []
    marks: list[int] = []                # indexes in `nodes` of unmatched emphasis markers

    def flush():
        if buf:
            nodes.append(Node("text", "".join(buf)))
            buf.clear()

    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            m = _ESC.match(s, i)
            if m:
                buf.append(m.group(1))
                i = m.end()
                continue
            buf.append(c)
            i += 1
            continue
        if s.startswith("{++", i) and _depth < 8:
            j = s.find("++}", i + 3)
            if j >= 0:
                flush()
                nodes.append(Node("ins", children=parse(s[i + 3:j], _depth + 1)))
                i = j + 3
                continue
        if c == "[":
            m = _CITE.match(s, i) or None
            if m:
                flush()
                nodes.append(Node("cite", m.group(1)))
                i = m.end()
                continue
            m = _FN.match(s, i)
            if m:
                flush()
                nodes.append(Node("fn", m.group(1)))
                i = m.end()
                continue
            j = _find_close(s, i, "[", "]")
            if j > i and j + 1 < n and s[j + 1] == "(" and _depth < 8:
                k = _find_close(s, j + 1, "(", ")")
                if k > j:
                    flush()
                    target = s[j + 2:k].strip()
                    url = target.split()[0] if target else ""    # drop a "title"
                    nodes.append(Node("link", url, parse(s[i + 1:j], _depth + 1)))
                    i = k + 1
                    continue
        if c == "^":
            m = _SUP.match(s, i)
            if m:
                flush()
                nodes.append(Node("sup", m.group(1)))
                i = m.end()
                continue
        if c == "*":
            flush()
            k = "strong" if s.startswith("**", i) else "em"
            nodes.append(Node("mark", k))
            marks.append(len(nodes) - 1)
            i += 2 if k == "strong" else 1
            continue
        buf.append(c)
        i += 1
    flush()
    return _pair(nodes)


def _pair(nodes: list[Node]) -> list[Node]:
    """Pair emphasis markers (innermost first); an unpaired marker is text."""
    out: list[Node] = []
    stack: list[int] = []                # positions in `out` of open markers
    for nd in nodes:
        if nd.kind == "mark":
            kinds = [out[p].value for p in stack]
            if nd.value in kinds:
                while out[stack[-1]].value != nd.value:
                    stack.pop()          # an inner unpaired marker stays text
                p = stack.pop()
                inner = out[p + 1:]
                del out[p:]
                out.append(Node(nd.value, children=[x for x in inner]))
                continue
            stack.append(len(out))
            out.append(nd)
            continue
        out.append(nd)
    return [Node("text", "**" if nd.value == "strong" else "*") if nd.kind == "mark" else nd
            for nd in _unmark(out)]


def _unmark(nodes: list[Node]) -> list[Node]:
    for nd in nodes:
        if nd.children:
            nd.children = [Node("text", "**" if c.value == "strong" else "*") if c.kind == "mark" else c
                           for c in _unmark(nd.children)]
    return nodes


# ------------------------------------------------------------------ writers

@dataclass
class Tokens:
    """How the pipeline's own tokens become markup (the caller knows pages and footnotes)."""

    cite: Callable[[str], str] | None = None          # numbers → markup
    footnote: Callable[[str], str] | None = None      # key → markup
    textfn: Callable[[str], str] | None = None        # escaped text → markup (e.g. lang spans)
    insert: Callable[[str], str] = lambda inner: "{++" + inner + "++}"
    refused: list[str] = field(default_factory=list)  # URLs the link policy refused


def _md(nodes: list[Node], tk: Tokens) -> str:
    out = []
    for nd in nodes:
        k = nd.kind
        if k == "text":
            t = text(nd.value)
            out.append(tk.textfn(t) if tk.textfn else t)
        elif k == "strong":
            out.append(f"<strong>{_md(nd.children, tk)}</strong>")
        elif k == "em":
            out.append(f"<em>{_md(nd.children, tk)}</em>")
        elif k == "sup":
            out.append(f"<sup>{text(nd.value)}</sup>")
        elif k == "ins":
            out.append(tk.insert(_md(nd.children, tk)))
        elif k == "cite":
            out.append(tk.cite(nd.value) if tk.cite else text(f"[{nd.value}]"))
        elif k == "fn":
            out.append(tk.footnote(nd.value) if tk.footnote else f"[^{nd.value}]")
        elif k == "link":
            inner = _md(nd.children, tk)
            url = safe_url(nd.value)
            if url is None:
                tk.refused.append(nd.value)
                out.append(inner)
            else:
                out.append(f'<a href="{html.escape(url, quote=True)}">{inner}</a>')
    return "".join(out)


def inline_md(s: str, tokens: Tokens | None = None, line_start: bool = True) -> str:
    """The model's inline Markdown → page Markdown in which only the tokens are markup."""
    out = _md(parse(s or ""), tokens or Tokens())
    return _line_starts(out) if line_start else out


def plain(s: str) -> str:
    """The model's inline Markdown → plain text (no tokens: citations, footnote refs dropped)."""
    def walk(nodes):
        out = []
        for nd in nodes:
            if nd.kind == "text":
                out.append(nd.value)
            elif nd.kind == "sup":
                out.append("")
            elif nd.kind in ("cite", "fn"):
                continue
            else:
                out.append(walk(nd.children))
        return "".join(out)
    return walk(parse(s or "")).strip()


def quote(s: str) -> str:
    """Source text quoted verbatim (repair report, editorial notes): shown as written."""
    return text(s.replace("\n", " "), line_start=True)


# ------------------------------------------------------------------ sanitiser for built pages

_GLOBAL = {"id", "class", "lang", "dir", "title", "role", "hidden", "tabindex", "translate",
           "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden", "aria-current",
           "aria-level", "aria-expanded", "aria-controls", "data-md-component", "data-md-state",
           "data-search-exclude", "data-spec", "data-description"}
TAGS = {"a", "abbr", "address", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code",
        "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
        "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li",
        "mark", "nav", "ol", "p", "pre", "q", "s", "section", "small", "span", "strong", "sub", "summary",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr"}
ATTRS = {
    "*": _GLOBAL,
    "a": {"href", "hreflang", "rel", "download", "type"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "scope", "headers", "abbr"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "reversed", "type"}, "li": {"value"},
    "details": {"open"}, "time": {"datetime"}, "del": {"datetime", "cite"}, "ins": {"datetime", "cite"},
}


def _attr_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "href":
        if value.startswith("#"):
            return value
        if safe_url(value) is not None:
            return value
        dec = _INVISIBLE.sub("", _decoded(value))
        if dec and not _SCHEME.match(dec) and not dec.startswith("//") and "\\" not in dec:
            return value                     # relative link the site itself made (nav, downloads)
        return None
    if attr in ("src", "data-spec"):             # our own files only (charts.js fetches data-spec)
        return value if safe_image_src(value) else None
    return value


def sanitize_html(fragment: str) -> str:
    """Allowlist sanitiser for a page's content area: our templates' and the theme's markup only.
    No scripts, styles, frames, forms, event handlers, style attributes, foreign URL schemes, or
    images from other hosts."""
    import nh3

    return nh3.clean(fragment, tags=TAGS, attributes={k: set(v) for k, v in ATTRS.items()},
                     url_schemes={"http", "https", "mailto"}, link_rel=None, strip_comments=True,
                     attribute_filter=_attr_filter)
