"""Nothing lost: every sentence of every source reaches that document's Chinese pages.

Run on every build, after rendering and before anything is written (pipeline.generate). For each
document, the raw source file is read again — independently of the adapter that parsed it — and
cut into sentences (at 。！？； and at line ends; table cells count as sentences too). Each
sentence is normalised (width, whitespace, punctuation and markup ignored; traditional →
simplified with the document's OpenCC setting) and must occur in the text of the document's
generated Chinese pages (markup stripped; the collapsed original-script block and the editor's
report are left out, so a sentence that only survives there still counts as lost).

What the repair report accounts for is not required:
- ``report.dropped`` entries ``{"line", "text", …}``: their text is removed wherever it occurs
  (a spam phrase inside a sentence leaves the rest of the sentence to check); an entry with
  ``"lines": [first, last]`` accounts for every sentence on those source lines;
- ``report.moved`` / ``report.corrected`` strings that start with ``line N:`` or ``lines A–B:``
  account for those lines (text moved to metadata, footnotes, a correction's find text) — unless
  the line holds several blocks (a minified web page is one line): then only their quoted text does;
- text the document's metadata holds (title, publisher, date, front matter) is present wherever
  the page shows it.

A section of the document tree that is on no page is an error too. Only sentences with at least
two CJK characters are checked (Latin-only lines — URLs, English abstracts — are not).
"""
from __future__ import annotations

import html
import re
import time
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .errors import BuildError, Problem

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
_KEEP = re.compile(f"[^{CJK}0-9a-z]+")
# sentence ends, line ends and table-cell separators
_SPLIT = re.compile(r"(?<=[。！？；])|[\t|\n]|(?<=[!?;])\s")
_MIN_CJK = 2
_CIRCLED = re.compile("[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]")   # ① footnote marks, not digits

# --------------------------------------------------------------------------- normalisation


def key(text: str) -> str:
    """The comparable form of a text: NFKC (width), lower case, only CJK, Latin letters and digits."""
    return _KEEP.sub("", unicodedata.normalize("NFKC", _CIRCLED.sub("", text)).lower())


def _opencc(script: str | None):
    from .manifest import SCRIPTS

    config = SCRIPTS.get(script or "Hans")
    if not config:
        return None
    from .repairs.rules import _opencc as cached

    return cached(config)


# --------------------------------------------------------------------------- the source side


_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "title", "iframe", "textarea", "select",
              "object", "canvas", "math", "form", "button"}    # not text, or controls (removed by the adapters)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
         "track", "wbr"}
_BLOCK = {"p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section", "article",
          "blockquote", "figcaption", "dd", "dt", "header", "footer", "nav", "aside", "table", "ul", "ol",
          "figure", "pre", "address", "main", "caption", "hr"}


class _HTMLText(HTMLParser):
    """Visible text of an HTML source, as (line, text) runs; a block tag ends a run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.runs: list[tuple[int, str]] = []
        self.skip = 0
        self.cur: list[str] = []
        self.line = 1

    def _flush(self):
        text = "".join(self.cur)
        if text.strip():
            self.runs.append((self.line, text))
        self.cur = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK:
            self._flush()
        if tag in _SKIP_TAGS and tag not in _VOID:
            self.skip += 1

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS and self.skip:
            self.skip -= 1
        if tag in _BLOCK:
            self._flush()

    def handle_data(self, data):
        if self.skip:
            return
        if not self.cur:
            self.line = self.getpos()[0]
        self.cur.append(data)

    def close(self):
        super().close()
        self._flush()


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")    # the adapters keep an image's alt text
_MD_LINK = re.compile(r"\[([^\]]*)\](?:\((?:[^()]|\([^)]*\))*\)|\[[^\]]*\])")
_MD_LIST = re.compile(r"^\s{0,3}(?:>\s*)*(?:[-*+]|\d{1,9}[.)])\s+")     # list markers are markup (renumbered)
_MD_REF = re.compile(r"\[\^[^\]]*\]|\[@[^\]]*\]")
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^>]*>", re.S)
_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+")


def source_lines(meta) -> list[tuple[int, str]]:
    """(line, text) of the raw source, read from the file itself (not through the adapter)."""
    raw = Path(meta.path).read_bytes()
    encoding = getattr(meta, "encoding", None) or "utf-8-sig"
    text = raw.decode(encoding, errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    if meta.format == "html" and not _looks_markdown(text):
        parser = _HTMLText()
        parser.feed(text)
        parser.close()
        out = []
        for line, run in parser.runs:
            for k, part in enumerate(run.split("\n")):
                out.append((line + k, part))
        return out
    if meta.format in ("markdown", "html"):
        # tags and comments may span lines: strip them over the whole text, keeping the line count
        text = _TAG.sub(lambda m: " " + "\n" * m.group(0).count("\n"), text)
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        if meta.format in ("markdown", "html"):
            line = _MD_REF.sub("", _MD_LINK.sub(r"\1", _MD_IMAGE.sub(r" \1 ", _MD_LIST.sub("", line))))
            line = html.unescape(line).replace("\\", "")
        out.append((n, _URL.sub(" ", line)))
    return out


def _looks_markdown(text: str) -> bool:
    """An `html` source that is really Markdown with HTML inside (its lines are the text)."""
    return not re.search(r"<(html|body|p|div|article|section|h[1-6]|table|ul|ol|span|br)\b", text[:20000], re.I)


# --------------------------------------------------------------------------- what the report accounts for

_LINES = re.compile(r"^lines? (\d+)(?:\s*[–—-]\s*(\d+))?\b")
_QUOTED = re.compile(r"'([^']{2,})'|\"([^\"]{2,})\"")


@dataclass
class Excused:
    lines: set[int] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)     # keys
    joined: str = ""

    def add_text(self, text, cc):
        for variant in {text, cc.convert(text) if cc else text}:
            k = key(re.sub(r"[…]+$|\.\.\.$", "", variant))
            if len(_CJK_RE.findall(k)) >= 1 and k not in self.texts:
                self.texts.append(k)


def excused(report, cc) -> Excused:
    ex = Excused()
    for d in report.dropped:
        if d.get("text"):
            ex.add_text(str(d["text"]), cc)
        rng = d.get("lines")
        if rng:
            a, b = (rng[0], rng[-1]) if isinstance(rng, (list, tuple)) else (rng, rng)
            ex.lines.update(range(int(a), int(b) + 1))
    for entry in [*report.moved, *report.corrected]:
        m = _LINES.match(str(entry))
        if m:
            a = int(m.group(1))
            ex.lines.update(range(a, int(m.group(2) or a) + 1))
        for q in _QUOTED.finditer(str(entry)):     # the quoted text (a line may hold a whole page)
            ex.add_text(q.group(1) or q.group(2), cc)
    ex.texts.sort(key=len, reverse=True)
    ex.joined = "\n".join(ex.texts)
    return ex


# --------------------------------------------------------------------------- the page side

_ADMONITION = re.compile(r"^(\?\?\?\+?|!!!) +\w+ +\"(?P<title>[^\"]*)\"")


def page_text(markdown: str, skip_titles: set[str]) -> str:
    """Readable text of a generated page: markup, link targets and attribute lists stripped; the
    admonitions titled in `skip_titles` (original-script text, editor's report) left out."""
    lines, skipping = [], False
    for ln in markdown.split("\n"):
        m = _ADMONITION.match(ln)
        if m:
            skipping = m.group("title") in skip_titles
            if skipping:
                continue
        elif skipping:
            if not ln.strip() or ln.startswith(("    ", "\t")):
                continue
            skipping = False
        lines.append(ln)
    text = "\n".join(lines)
    text = _MD_REF.sub("", _TAG.sub(" ", text))
    text = re.sub(r"\]\((?:[^()\s]|\([^)]*\))*\)", "]", text)
    text = re.sub(r"\{[:#.][^}\n]*\}", " ", text)
    # source text is escaped on the page (safety.py): link syntax written in the source as text is
    # shown as text. The haystack has the visible text, and the same with link targets and URLs
    # dropped as source_lines drops them (never tags: "<b>" shown as text is text)
    text = html.unescape(text)
    plain = _MD_REF.sub("", _MD_LINK.sub(r"\1", text))
    untagged = re.sub(r"<!--.*?-->|</?[A-Za-z][^>\n]*>", " ", plain)
    return "\n".join((key(text), key(_URL.sub(" ", plain)), key(_URL.sub(" ", untagged))))


def _skip_titles() -> set[str]:
    from .render import ui

    return {ui("original_script", "zh"), ui("editorial", "zh")}


# --------------------------------------------------------------------------- the check


@dataclass
class Missing:
    line: int
    text: str


_LABEL = re.compile(f"^[{CJK}]{{1,4}}\\d*[:：]\\s*")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")


def metadata_text(doc, cc=None) -> str:
    """What the source gave to the document's metadata (title, publisher, date, front matter):
    text moved there is accounted for, wherever the page shows it (in the source's script and
    converted like the body)."""
    meta = doc.meta
    parts = [str(v) for v in (meta.title or {}).values() if v] + [str(v) for v in (meta.publisher or {}).values() if v]
    date = str(meta.date or "")
    parts.append(date)
    m = re.match(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", date)
    if m:
        for fmt in ("{}", "{:02d}"):             # 2024年3月5日 and 2024年03月05日
            parts.append(m.group(1) + "年" + (fmt.format(int(m.group(2))) + "月" if m.group(2) else "")
                         + (fmt.format(int(m.group(3))) + "日" if m.group(3) else ""))
    stack = [getattr(doc, "front", {}) or {}]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
        elif v is not None:
            parts.append(str(v))
    if cc:
        parts += [cc.convert(p) for p in parts]
    return "\n".join(key(p) for p in parts)


def missing_sentences(doc, pages_key: str) -> tuple[list[Missing], int]:
    """Source sentences not on the pages (and not accounted for by the report); also the count checked."""
    meta = doc.meta
    cc = _opencc(getattr(meta, "script", None))
    ex = excused(doc.report, cc)
    units = source_lines(meta)
    per_line: dict[int, int] = {}
    for n, line in units:
        if _CJK_RE.search(line):
            per_line[n] = per_line.get(n, 0) + 1
    captions = {b.attrs.get("caption_line", b.line) for b in doc.blocks() if b.kind in ("table", "figure")}
    haystack = pages_key + "\n" + metadata_text(doc, cc)
    out, checked = [], 0
    for n, line in units:
        # a line named by the report accounts for its text, unless the line holds several blocks
        # (a minified HTML page is one line): then only the report's quoted text counts
        if not _CJK_RE.search(line) or (n in ex.lines and per_line.get(n) == 1):
            continue
        for sentence in _SPLIT.split(cc.convert(line) if cc else line):
            k = key(sentence or "")
            if len(_CJK_RE.findall(k)) < _MIN_CJK:
                continue
            checked += 1
            if not _found(k, ex, haystack):
                # a leading label (注：, 来源：) is the template's to print; a table or figure
                # caption's parenthesis (unit) moves into the column headers
                alt = _LABEL.sub("", sentence.strip())
                if n in captions:
                    alt = _BRACKETED.sub(" ", alt)
                if alt == sentence.strip() or not all(_found(key(a), ex, haystack) for a in alt.split(" ")
                                                      if len(_CJK_RE.findall(key(a))) >= _MIN_CJK):
                    out.append(Missing(n, sentence.strip()))
    return out, checked


def _found(k: str, ex: Excused, haystack: str) -> bool:
    if k in haystack or k in ex.joined:          # on a page, or inside one text the report accounts for
        return True
    pieces = [k]
    for t in ex.texts:
        if any(t in p or p in t for p in pieces):
            pieces = [q for p in pieces if p not in t for q in p.split(t)]
    return all(p in haystack for p in pieces if len(_CJK_RE.findall(p)) >= _MIN_CJK)


def check(docs, files: dict[str, str]) -> dict:
    """Stop the build when a source sentence or a section reaches no Chinese page.
    `files` maps docs-relative paths (zh/<slug>.md …) to rendered Markdown. Returns timing stats."""
    from .render import pages_for

    t0 = time.perf_counter()
    skip = _skip_titles()
    problems, checked = [], 0
    for d in docs:
        pages = pages_for(d)
        on_pages = {id(s) for p in pages for s in p.sections}
        for s in d.sections:
            if id(s) not in on_pages:
                problems.append(Problem(str(d.meta.path), s.line,
                                        f"{d.id}: section {s.number} {s.title!r} reaches no page",
                                        "this is a bug in the page grouping; report it with the source file"))
        texts = [files.get(f"zh/{p.slug}.md") for p in pages]
        if any(t is None for t in texts):
            lost = [p.slug for p, t in zip(pages, texts) if t is None]
            problems.append(Problem(str(d.meta.path), None, f"{d.id}: page(s) {', '.join(lost)} were not rendered",
                                    "this is a bug in rendering; report it with the source file"))
            continue
        pages_key = "\n".join(page_text(t, skip) for t in texts)
        lost, n = missing_sentences(d, pages_key)
        checked += n
        if lost:
            first = lost[0]
            more = f" ({len(lost) - 1} more sentence(s) missing, e.g. line " + \
                ", ".join(str(m.line) for m in lost[1:4]) + ")" if len(lost) > 1 else ""
            problems.append(Problem(
                str(d.meta.path), first.line,
                f"{d.id}: this source sentence is on none of the document's Chinese pages: "
                f"«{first.text[:120]}»{more}",
                "nothing may be lost silently: if a rule should remove it, the rule must report it in the "
                "repair report (`build.py check`); otherwise it is a bug in the adapter or a repair rule — "
                "report it with the source file"))
    if problems:
        raise BuildError(problems)
    return {"sentences_checked": checked, "seconds": time.perf_counter() - t0}
