"""Print: the whole report as PDF — Chinese, English and side by side.

    build_pdfs(root) → docs/pdf/report-zh.pdf, report-en.pdf, report-zh-en.pdf

Print HTML comes from the Jinja2 templates in templates/print/ (one template, three views) and is
rendered by WeasyPrint with templates/print/print.css. Before rendering we check fontconfig for a
CJK font and fail loudly when there is none (WeasyPrint would otherwise print boxes and exit 0);
WeasyPrint warnings about missing glyphs are errors. A PDF is rebuilt only when the hash of its
print HTML + CSS changed (build/pdf.hash); every file is written to a temp file then os.replace'd.
"""
from __future__ import annotations

import base64
import hashlib
import html as H
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt

from .atomic import write_atomic
from .errors import BuildError, Problem
from .i18n import place_notes
from .model import Block, Document, Section
from .ui import ui
from .view import LangView, editorial_note, heading_note, section_number, strip_md, toc_entries

VIEWS = {"zh": "report-zh.pdf", "en": "report-en.pdf", "sbs": "report-zh-en.pdf"}
CJK_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
SERIF, SANS = CJK_FAMILIES
FONT_FIX = "apt-get install fonts-noto-cjk"
GLYPH_WARNING = re.compile(r"notdef|missing glyph|no glyph|glyph not found|font not found|no font", re.I)
WIDE_TABLE_COLUMNS = 8           # tables with more columns get a landscape page
HASH_FILE = "pdf.hash"
# Tagged PDF (PDF/UA-1): structure tags, the document's title, author and language in the metadata
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
LATIN_SERIF, LATIN_SANS = "Liberation Serif", "Liberation Sans"


# ---------------------------------------------------------------- fonts

def check_fonts() -> list[str]:
    """The CJK font families fontconfig knows; BuildError when there is none we can use."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                             check=False).stdout
    except FileNotFoundError:
        raise BuildError(Problem("fontconfig", None, "fc-list not found: cannot check for a CJK font "
                                 "(WeasyPrint needs fontconfig)", fix="apt-get install fontconfig fonts-noto-cjk"))
    families = sorted({f.strip() for line in out.splitlines() for f in line.split(",") if f.strip()})
    if not any(f in families for f in CJK_FAMILIES):
        found = ", ".join(families) or "none"
        raise BuildError(Problem("fontconfig", None,
                                 f"no CJK font found for the PDF (need {' or '.join(CJK_FAMILIES)}; "
                                 f"fc-list :lang=zh found: {found}); the PDF would print empty boxes",
                                 fix=FONT_FIX))
    return families


# ---------------------------------------------------------------- inline Markdown → HTML

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")
_PH = "\ue000{}\ue001"
_PH_RE = re.compile("\ue000(\\d+)\ue001")


class Inline:
    """Inline Markdown (with the model's citation/footnote/CriticMarkup tokens) → HTML, per document."""

    def __init__(self, doc: Document, lang: str, footnote_text):
        self.doc, self.lang, self.footnote_text = doc, lang, footnote_text

    def __call__(self, text: str) -> str:
        slots: list[str] = []

        def keep(html_text: str) -> str:
            slots.append(html_text)
            return _PH.format(len(slots) - 1)

        def cite(m):
            nums = m.group(1)
            first = re.split(r"[,\-–]", nums)[0].strip()
            return keep(f'<sup class="cite"><a href="#{self.doc.id}-ref-{first}">[{H.escape(nums)}]</a></sup>')

        def fnref(m):
            return keep(self.footnote_text(m.group(1)))

        def ins(m):
            return keep(f'<ins class="editorial">{self(m.group(1))}</ins>')

        # tokens only where not escaped: "\[@5]" in the model is source text (sources/base.escape_md)
        text = re.sub(r"(?<!\\)\{\+\+(.*?)\+\+\}", ins, text)
        text = re.sub(r"(?<!\\)\[@([\d,\-– ]+)\]", cite, text)
        text = re.sub(r"(?<!\\)\[\^(\w+)\]", fnref, text)
        text = re.sub(r"(?<!\\)\^([^\s^]{1,12})\^", lambda m: keep(f"<sup>{H.escape(m.group(1))}</sup>"), text)
        out = _md.renderInline(text)
        while _PH_RE.search(out):
            out = _PH_RE.sub(lambda m: slots[int(m.group(1))], out)
        return out


# ---------------------------------------------------------------- content model for the templates

UNTRANSLATED = ui("pdf_untranslated_marker", "en")


@dataclass
class Seg:
    """One piece of text in one language: HTML plus whether it is a fallback to Chinese."""

    html: str
    lang: str
    fallback: bool = False


@dataclass
class Item:
    """One printable unit: a heading, a block, a table … with its text per language."""

    kind: str                       # heading | block | table | figure | note | refs | missing
    id: str = ""
    cls: str = ""
    level: int = 0
    text: dict = field(default_factory=dict)      # lang -> Seg (or richer dicts for tables/figures)


class Builder:
    """Turns the documents into template context for one view (zh | en | sbs)."""

    def __init__(self, root: Path, ctx, view: str):
        self.root, self.docs, self.cat, self.view = root, ctx.docs, ctx.cat, view
        self.tables = ctx.tables
        self.langs = ["zh", "en"] if view == "sbs" else [view]
        self.charts = root / "build" / "charts"
        self._tn: dict[str, list[str]] = {}   # doc id -> translator's notes, in order of their calls

    # -- text
    def view_of(self, lang: str) -> LangView:
        """The view model's text lookup for `lang` (the one shared with the site pages)."""
        views = self.__dict__.setdefault("_views", {})
        return views.setdefault(lang, LangView(lang, self.cat))

    def get(self, lang: str, ctx: str, zh: str) -> tuple[str, bool]:
        return self.view_of(lang).get(ctx, zh)

    def seg(self, doc: Document, lang: str, ctx: str, zh: str, inline=None) -> Seg:
        return self.seg_of(doc, lang, self.view_of(lang).segment(ctx, zh), ctx, zh, inline)

    def seg_of(self, doc: Document, lang: str, s, ctx: str, zh: str, inline=None) -> Seg:
        """A view-model segment (`view.Segment`) as print HTML, with its translator's-note calls."""
        out = (inline or self.inline(doc, lang))(s.md)
        return Seg(self.tn(doc, ctx, zh, out) if not s.fallback and lang == "en" else out, s.lang, s.fallback)

    def tn(self, doc: Document, ctx: str, zh: str, html_text: str) -> str:
        """`html_text` with calls (TN1 …) for the segment's translator's notes, numbered per document."""
        notes = self._tn.setdefault(doc.id, [])
        calls = []
        for note in self.cat.notes(ctx, zh) if hasattr(self.cat, "notes") else []:
            notes.append(note.text)
            calls.append((note.anchor, f'<a href="#{doc.id}-tn-{len(notes)}">TN{len(notes)}</a>'))
        return place_notes(html_text, calls, lambda a: H.escape(a, quote=False).replace('"', "&quot;")) if calls else html_text

    def inline(self, doc: Document, lang: str) -> Inline:
        fns = {fn.key: fn for fn in doc.footnotes}

        def footnote(key: str) -> str:
            fn = fns.get(key)
            if fn is None:
                return f"[^{H.escape(key)}]"
            md, ok = self.get(lang, fn.id, fn.text)
            body = Inline(doc, lang, lambda k: "")(md)
            if ok and lang == "en":
                body = self.tn(doc, fn.id, fn.text, body)
            if not ok:
                body = f'<span lang="zh">{body}</span> <span class="untranslated-marker">{UNTRANSLATED}</span>'
            return f'<span class="footnote">{body}</span>'

        return Inline(doc, lang, footnote)

    def plain(self, lang: str, ctx: str, zh: str) -> str:
        return strip_md(self.get(lang, ctx, zh)[0])

    def per_lang(self, fn) -> dict:
        return {lang: fn(lang) for lang in self.langs}

    # -- report
    def context(self) -> dict:
        lang = "en" if self.view == "en" else "zh"
        docs = [self.document(d) for d in self.docs]
        latest = max((d.meta.date for d in self.docs if d.meta.date), default="")
        edition = {"zh": ui("pdf_zh", "zh"), "en": ui("pdf_en", "en", self.cat), "sbs": ui("pdf_sbs", "zh")}[self.view]
        title = ui("report_title", lang, self.cat)
        sources = []
        for d in self.docs:
            sources.append({
                "title": self.per_lang(lambda l, d=d: self.plain(l, f"{d.id}/meta/title", d.meta.title["zh"])),
                "publisher": self.per_lang(lambda l, d=d: self.plain(l, f"{d.id}/meta/publisher", d.meta.publisher["zh"])),
                "date": d.meta.date or "", "url": d.meta.url or "", "anchor": d.id})
        return {
            "view": self.view, "lang": lang, "langs": self.langs,
            "html_lang": "zh-Hans" if lang == "zh" else "en",
            "title": title, "title_en": ui("report_title", "en", self.cat) if self.view == "sbs" else "",
            "subtitle": edition if self.view != "sbs" else f"{ui('pdf_sbs', 'zh')} · {ui('pdf_sbs', 'en', self.cat)}",
            "description": ui("report_intro", lang, self.cat),
            "date": latest, "publisher": ui("pdf_publisher", lang, self.cat), "sources": sources, "docs": docs,
            "ui": {k: {l: ui(k, l, self.cat) for l in ("zh", "en")} for k in (
                "contents", "missing", "truncated", "footnotes", "references", "abstract", "keywords",
                "publisher", "date", "source_url", "figure_no_data", "image_withheld", "untranslated",
                "documents", "clc", "received", "author_bio", "translation_credit", "tn_list")},
            "untranslated": ui("pdf_untranslated_marker", "en", self.cat),
        }

    def document(self, doc: Document) -> dict:
        front = self.front(doc)   # first, so translator's notes are numbered in reading order
        items: list[Item] = []
        for s in doc.sections:
            if s.title or s.number:
                items.append(self.heading(doc, s))
            for note_k, note in enumerate(s.attrs.get("notes", []) or [], 1):
                items.append(Item("note", cls="editorial-note",
                                  text=self.per_lang(lambda l, note=note, k=note_k: self._heading_note(doc, s, k, note, l))))
            items.extend(self.blocks(doc, s.blocks))
        toc = []
        by_title = {strip_md(s.title): s for s in doc.sections if s.title}
        entries = {l: toc_entries(doc, self.view_of(l)) for l in self.langs}   # the view model's
        if doc.toc:                   # the source's own TOC, in its order; absent chapters marked
            for i, e in enumerate(doc.toc):
                s = by_title.get(entries[self.langs[0]][i]["key"]) if e["present"] else None
                text = {l: f"{entries[l][i]['number']} {entries[l][i]['title']}".strip() for l in self.langs}
                toc.append({"id": f"{doc.id}--{s.id}" if s else "", "level": e["level"], "text": text})
        else:
            for s in doc.sections:
                if (s.title or s.number) and s.level <= 2:
                    toc.append({"id": f"{doc.id}--{s.id}", "level": s.level,
                                "text": self.per_lang(lambda l, s=s: self.section_label(doc, s, l, plain=True))})
        missing = [{"level": e["level"], "text": t["text"]} for e, t in zip(doc.toc, toc) if not e["present"]] \
            if doc.toc else []
        return {
            "id": doc.id,
            "title": self.per_lang(lambda l: Seg(H.escape(self.plain(l, f"{doc.id}/meta/title", doc.meta.title["zh"])),
                                                 l if self.get(l, f"{doc.id}/meta/title", doc.meta.title["zh"])[1] else "zh",
                                                 not self.get(l, f"{doc.id}/meta/title", doc.meta.title["zh"])[1])),
            "short": self.per_lang(lambda l: self.plain(l, f"{doc.id}/meta/title", doc.meta.title["zh"])),
            "publisher": self.per_lang(lambda l: self.plain(l, f"{doc.id}/meta/publisher", doc.meta.publisher["zh"])),
            "date": doc.meta.date or "", "url": doc.meta.url or "",
            "front": front, "items": items, "toc": toc, "missing": missing,
            "tn": [{"id": f"{doc.id}-tn-{k}", "n": k, "text": n} for k, n in enumerate(self._tn.get(doc.id, []), 1)],
        }

    def front(self, doc: Document) -> list[dict]:
        f = doc.front
        out = []
        for i, ln in enumerate(f.get("lines", []), 1):
            out.append({"label": None, "text": self.per_lang(lambda l, i=i, ln=ln: self.seg(doc, l, f"{doc.id}/front/line{i}", ln))})
        for key in ("abstract", "keywords"):
            if f.get(key):
                def val(l, key=key):
                    return self.seg_of(doc, l, self.view_of(l).front_field(doc, key), f"{doc.id}/front/{key}", f[key])
                out.append({"label": {l: ui(key, l, self.cat) for l in ("zh", "en")}, "text": self.per_lang(val)})
        if f.get("clc"):
            out.append({"label": {l: ui("clc", l) for l in ("zh", "en")},
                        "text": self.per_lang(lambda l: Seg(H.escape(f"{f['clc']} · {f.get('doc_code', '')} · {f.get('article_no', '')}"), l))})
        if f.get("received"):
            out.append({"label": {l: ui("received", l) for l in ("zh", "en")},
                        "text": self.per_lang(lambda l: Seg(H.escape(f["received"]), l))})
        if f.get("author_bio"):
            out.append({"label": {l: ui("author_bio", l) for l in ("zh", "en")},
                        "text": self.per_lang(lambda l: self.seg(doc, l, f"{doc.id}/front/author_bio", f["author_bio"]))})
        return out

    def section_label(self, doc: Document, s: Section, lang: str, plain: bool = False):
        number = s.number
        if lang == "en" and number and not re.match(r"^\d", number):
            number = section_number(number, "en")
        ctx = f"{doc.id}/{s.id}/title"
        md, ok = self.get(lang, ctx, s.title)
        if plain:
            return f"{number} {strip_md(md)}".strip()
        body = self.inline(doc, lang)(md) if s.title else ""
        return Seg(f"{H.escape(number)} {body}".strip(), lang if ok else "zh", not ok)

    def heading(self, doc: Document, s: Section) -> Item:
        return Item("heading", id=f"{doc.id}--{s.id}", level=min(4, s.level + 1),
                    text=self.per_lang(lambda l: self.section_label(doc, s, l)))

    # -- blocks
    def blocks(self, doc: Document, blocks: list[Block]) -> list[Item]:
        out: list[Item] = []
        prev_list = None
        for b in blocks:
            if b.kind == "table":
                out.append(self.table(doc, b))
            elif b.kind == "figure":
                out.append(self.figure(doc, b))
            elif b.kind == "reference":
                n = b.attrs.get("number")
                entry = {"number": n, "id": f"{doc.id}-ref-{n}",
                         "text": self.per_lang(lambda l, b=b: self.seg(doc, l, b.id, b.text))}
                if out and out[-1].kind == "refs":
                    out[-1].text["items"].append(entry)
                else:
                    out.append(Item("refs", id=b.id, text={"items": [entry]}))
            elif b.kind == "list_item":
                same = prev_list is not None and prev_list == b.attrs.get("list") and out and out[-1].kind == "list"
                entry = {"number": b.attrs.get("number") or "", "text": self.per_lang(lambda l, b=b: self.seg(doc, l, b.id, b.text))}
                if same:
                    out[-1].text["items"].append(entry)
                else:
                    out.append(Item("list", id=b.id, cls="ordered" if b.attrs.get("ordered") else "",
                                    text={"items": [entry], "start": b.attrs.get("number") or 1}))
            else:
                cls = {"byline": "byline", "dateline": "dateline", "subheadline": "subheadline", "quote": "quote",
                       "note": "source-note"}.get(b.kind, "")
                if b.attrs.get("region") == "footer":
                    cls = "author-note"
                out.append(Item("block", id=b.id, cls=cls, text=self.per_lang(lambda l, b=b: self.seg(doc, l, b.id, b.text))))
                for k, note in enumerate(b.attrs.get("notes", []) or [], 1):
                    if note:
                        out.append(Item("note", cls="editorial-note", text=self.per_lang(
                            lambda l, note=note, k=k: self._edit_note(doc, b, note, k, l))))
            prev_list = b.attrs.get("list") if b.kind == "list_item" else None
        return out

    def _heading_note(self, doc, s, k, note, lang) -> Seg:
        seg = heading_note(doc.id, s.id, k, note, self.view_of(lang))
        return Seg(H.escape(seg.md), seg.lang, seg.fallback)

    def _edit_note(self, doc, b, note, k, lang) -> Seg:
        seg = editorial_note(b.id, k, note, self.view_of(lang))
        return Seg(H.escape(ui("editorial_correction", lang, self.cat) + seg.md), seg.lang, seg.fallback)

    def figure(self, doc: Document, b: Block) -> Item:
        num = b.attrs.get("number")

        def one(l):
            cap = self.seg(doc, l, b.id, b.text)
            label = ui("figure_label", l, self.cat).format(n=num) if num else ""
            credit = self.seg(doc, l, b.id + "/credit", b.attrs["credit"]) if b.attrs.get("credit") else None
            source = self.seg(doc, l, b.id + "/source", b.attrs["source"]) if b.attrs.get("source") else None
            note = ui("image_withheld" if b.attrs.get("image_withheld") else "figure_no_data", l, self.cat)
            return {"label": label, "caption": cap, "credit": credit, "source": source, "note": note}

        return Item("figure", id=b.id, text=self.per_lang(one))

    def table(self, doc: Document, b: Block) -> Item:
        """The table as the view model says it (the same data, labels, units and rounding as the
        pages and downloads): nothing about what a table says is decided here."""
        from .view import table_view

        tid = b.attrs.get("table_id", "")
        table = self.tables[tid]

        def one(l):
            tv = table_view(table, l, self.cat.get)
            cap = Seg(H.escape(tv.caption + tv.unit_caption), "zh" if tv.caption_fallback else l, tv.caption_fallback)
            notes = [Seg(H.escape(tv.note), l)] if tv.note else []
            notes += [Seg(f"<sup>{H.escape(m)}</sup> {H.escape(lab)}: {H.escape(text)}", l) for m, lab, text in tv.footnotes]
            return {"label": ui("table_label", l, self.cat).format(n=tv.number), "caption": cap, "head": tv.head,
                    "body": tv.body, "notes": notes, "chart": self.chart(tid, l)}

        ncols = len(table.schema.columns)
        return Item("table", id=b.id, cls="wide" if ncols > WIDE_TABLE_COLUMNS else "",
                    text={**self.per_lang(one), "ncols": ncols})

    def chart(self, tid: str, lang: str) -> str | None:
        p = self.charts / f"{tid}.{lang}.svg"
        if not tid or not p.is_file():
            return None
        svg = fix_svg_fonts(p.read_text(encoding="utf-8"))
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def fix_svg_fonts(svg: str) -> str:
    """A chart SVG for print: its text keeps the fonts it was laid out with (chartsvg.FONT:
    Liberation Sans, Noto Sans CJK SC for Chinese); an SVG naming none gets that list, since SVG
    text does not inherit the page's CSS."""
    from .chartsvg import FONT

    if "font-family" not in svg:
        svg = re.sub(r"<svg\b", f'<svg font-family="{FONT}"', svg, count=1)
    return svg


# ---------------------------------------------------------------- HTML

def _env(root: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(str(root / "templates" / "print")), undefined=StrictUndefined,
                      autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.filters["e"] = lambda s: H.escape(str(s))
    return env


def print_html(root: Path, ctx, view: str) -> str:
    """The print HTML of one view (zh | en | sbs) from the build context."""
    data = Builder(root, ctx, view).context()
    return _env(root).get_template("report.html.j2").render(**data, serif=SERIF, sans=SANS)


def print_css(root: Path) -> str:
    return (root / "templates" / "print" / "print.css").read_text(encoding="utf-8")


# ---------------------------------------------------------------- rendering

class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        try:
            self.messages.append(record.getMessage())
        except Exception:
            self.messages.append(str(record.msg))


PRINT_RESOURCE_DIRS = ("docs/assets", "build/charts", "templates/print")   # what the print HTML may load


def _project_fetcher(base_url: str, out: Path):
    """A WeasyPrint URL fetcher serving only files inside the project's asset and build folders
    (and the data:image/svg+xml charts the pipeline embeds); everything else — the network, file:
    outside those folders, other data: — is refused with a warning naming the URL and the PDF."""
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher

    root = Path(unquote(urlparse(base_url).path)).resolve().parents[1]
    allowed = [(root / d).resolve() for d in PRINT_RESOURCE_DIRS]
    log = logging.getLogger("weasyprint")

    class ProjectFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data" and url[5:].lower().startswith("image/svg+xml"):
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlparse(url).path)).resolve()
                if any(path == d or d in path.parents for d in allowed):
                    return super().fetch(url, headers)
            log.warning("%s: refused to fetch %s (the print edition loads only files inside %s)",
                        out.name, url[:120], ", ".join(PRINT_RESOURCE_DIRS))
            raise ValueError(f"refused by bireport's print URL policy: {url[:120]}")

    return ProjectFetcher(allowed_protocols=("file", "data"))


def render_pdf(html_text: str, css_text: str, base_url: str, out: Path) -> dict:
    """Render one PDF atomically. Missing-glyph warnings raise BuildError. Returns stats."""
    from weasyprint import CSS, HTML

    t0 = time.perf_counter()
    handler = _Collect()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("fontTools")]
    for lg in loggers:
        lg.addHandler(handler)
    try:
        fetcher = _project_fetcher(base_url, Path(out))
        doc = HTML(string=html_text, base_url=base_url, url_fetcher=fetcher).render(
            stylesheets=[CSS(string=css_text, base_url=base_url, url_fetcher=fetcher)], **PDF_OPTIONS)
        pages = len(doc.pages)
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=out.name + ".", suffix=".tmp", dir=out.parent)
        os.close(fd)
        try:
            doc.write_pdf(tmp, **PDF_OPTIONS)
            bad = [m for m in handler.messages if GLYPH_WARNING.search(m)]
            if bad:
                raise BuildError(Problem(str(out), None, "missing glyphs while rendering the PDF: " + "; ".join(bad[:5]),
                                         fix=FONT_FIX))
            os.chmod(tmp, 0o644)
            os.replace(tmp, out)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
    return {"pages": pages, "seconds": round(time.perf_counter() - t0, 2), "warnings": handler.messages}


def _render_job(args):
    html_text, css_text, base_url, out = args
    return render_pdf(html_text, css_text, base_url, Path(out))


def _digest(html_text: str, css_text: str) -> str:
    import weasyprint

    h = hashlib.sha256((weasyprint.__version__ + json.dumps(PDF_OPTIONS, sort_keys=True)).encode())
    for part in (html_text, css_text):
        h.update(b"\0")
        h.update(part.encode("utf-8"))
    return h.hexdigest()


def build_pdfs(root: Path, force: bool = False, ctx=None, jobs: int | None = None,
               quiet: bool = False) -> dict[str, Path]:
    """Write docs/pdf/report-{zh,en,zh-en}.pdf; skip the ones whose print HTML + CSS did not change.

    Returns {view: path} for all three PDFs (rebuilt or up to date). `last_stats` (module level)
    keeps the timings and page counts of the last call.
    """
    global last_stats
    from .pipeline import Paths, gather

    root = Path(root).resolve()
    paths = Paths(root)
    check_fonts()
    if ctx is None:
        ctx = gather(paths)
    css = print_css(root)
    out_dir = paths.docs / "pdf"
    hash_file = paths.build / HASH_FILE
    try:
        old = json.loads(hash_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    base_url = (root / "templates" / "print").as_uri() + "/"

    result: dict[str, Path] = {}
    todo = []
    new = dict(old)
    stats: dict = {}
    for view, name in VIEWS.items():
        html_text = print_html(root, ctx, view)
        digest = _digest(html_text, css)
        out = out_dir / name
        result[view] = out
        if not force and out.is_file() and old.get(name) == digest:
            stats[view] = {"skipped": True}
            continue
        new[name] = digest
        todo.append((view, (html_text, css, base_url, str(out))))
        if os.environ.get("BIREPORT_PRINT_HTML"):        # debugging aid: keep the print HTML
            write_atomic(paths.build / "print" / f"{name[:-4]}.html", html_text)

    t0 = time.perf_counter()
    n = jobs if jobs is not None else min(len(todo), os.cpu_count() or 1)
    if n > 1 and len(todo) > 1:
        from concurrent.futures import ProcessPoolExecutor
        import multiprocessing as mp

        with ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork")) as ex:
            futures = [(view, ex.submit(_render_job, job)) for view, job in todo]
            for view, fu in futures:
                stats[view] = fu.result()
    else:
        for view, job in todo:
            stats[view] = _render_job(job)
    if todo:
        write_atomic(hash_file, json.dumps(new, indent=1, sort_keys=True))
    stats["total_seconds"] = round(time.perf_counter() - t0, 2)
    last_stats = stats
    if not quiet:
        for view, st in stats.items():
            if isinstance(st, dict):
                msg = "up to date" if st.get("skipped") else f"{st['pages']} pages in {st['seconds']}s"
                print(f"pdf {VIEWS[view]}: {msg}", file=sys.stderr)
    return result


last_stats: dict = {}
