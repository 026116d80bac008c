"""Stage 5: render Markdown pages (zh, en, side-by-side) into a staging docs tree via Jinja2.

Block → Markdown is a table of small functions (`BLOCK_RENDERERS`); page skeletons are the
templates in templates/. English comes from the translation memory (i18n.Catalog); a segment
without a reviewed translation shows the Chinese with a visible "not yet translated" marker and
lang="zh" — it never passes as English.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .errors import BuildError, Problem
from . import editorial, safety
from .i18n import Catalog, place_notes
from .model import Block, Document, Section
from .numerals import number_en  # noqa: F401  (the one converter; navigation uses it via view.section_number)
from .view import LangView, Segment, editorial_note, heading_note, toc_entries, toc_title  # the view model's text
from .ui import UI, ui  # noqa: F401  (the site's words; UI kept for callers of render.UI)
from .view import block_anchor, section_number, strip_md  # noqa: F401  (strip_md: one markup stripper)


LANGS = ("zh", "en")


# ---------------------------------------------------------------- page model

@dataclass
class Page:
    """One generated page: its path under the language folder and its sections."""

    doc: Document | None
    slug: str                    # path without .md, relative to the language root ("scio-whitepaper-2025/s1")
    sections: list[Section] = field(default_factory=list)
    kind: str = "section"        # home | document | section | data | glossary


def url_of(slug: str) -> str:
    if slug == "index":
        return ""
    if slug.endswith("/index"):
        return slug[: -len("index")]
    return slug + "/"


def pages_for(doc: Document) -> list[Page]:
    groups = doc.top_sections()
    if doc.meta.paging == "single":
        return [Page(doc, f"{doc.id}/index", [s for g in groups for s in g], "document")]
    intro = next((g for g in groups if g[0].id == "intro"), [])   # with the sub-sections under it
    pages = [Page(doc, f"{doc.id}/index", intro, "document")]
    for g in groups:
        if g[0].id == "intro":
            continue
        pages.append(Page(doc, f"{doc.id}/{g[0].id}", g, "section"))
    return pages


# ---------------------------------------------------------------- inline conversion

class Text(LangView):
    """Page markup for one language's segments. What a segment says (translation, the marked
    Chinese fallback, the untranslated statistics, translator's notes) is decided by the view
    model (`view.LangView`, shared with the print edition); this layer only turns it into page
    Markdown: escaping, citations, the "not yet translated" marker, translator's-note calls."""

    def __init__(self, lang: str, cat: Catalog, ref_page: str | None, stats: dict):
        super().__init__(lang, cat, stats)
        self.ref_page = ref_page
        self.notes: list[str] = []    # translator's notes called on this page, in order

    def tn(self, md: str, ctx: str, zh: str) -> str:
        """`md` with calls (TN1, TN2 …) for the segment's translator's notes; English only."""
        calls = []
        for note in self.translator_notes(ctx, zh):
            self.notes.append(note.text)
            k = len(self.notes)
            calls.append((note.anchor, f'<a href="#tn-{k}" title="{html.escape(ui("tn", "en", self.cat))}">TN{k}</a>'))
        return place_notes(md, calls) if calls else md

    def notes_md(self) -> str:
        """The page's list of translator's notes (raw HTML: the note text is escaped data)."""
        if not self.notes:
            return ""
        items = "".join(f'<li id="tn-{k}"><span class="tn-label">TN{k}</span> {safety.quote(n)}</li>\n'
                        for k, n in enumerate(self.notes, 1))
        return (f'<section class="tn-notes" lang="en">\n<h2 class="tn-title" id="translators-notes">{html.escape(ui("tn_list", "en", self.cat))}</h2>\n'
                f'<ol class="tn-list">\n{items}</ol>\n</section>')

    def inline(self, text: str) -> str:
        """Inline Markdown of the model → page Markdown: text escaped, only our tokens are markup
        (safety.inline_md is the boundary)."""
        tokens = safety.Tokens(cite=self._cite, textfn=mark_zh if self.lang == "en" else None)
        out = safety.inline_md(text, tokens)
        if tokens.refused:
            self.stats.setdefault("refused_links", []).extend(tokens.refused)
        return out

    def _cite(self, nums: str) -> str:
        first = re.split(r"[,\-–]", nums)[0]
        if self.ref_page is None:
            return f"\\[{nums}\\]"
        return f"<sup class=\"cite\">[\\[{nums}\\]]({self.ref_page}#ref-{first})</sup>"

    def para(self, ctx: str, zh: str, cls: str = "") -> str:
        seg = self.segment(ctx, zh)
        md = self.inline(seg.md)
        if not seg.fallback:
            return self.tn(md, ctx, zh) + (f"\n{{: .{cls} }}" if cls else "")
        return untranslated_block(md)

    def span(self, ctx: str, zh: str) -> str:
        return self.span_of(self.segment(ctx, zh), ctx, zh)

    def span_of(self, seg: Segment, ctx: str = "", zh: str = "") -> str:
        """A segment of the view model as inline page Markdown (marked when it is the fallback)."""
        md = self.inline(seg.md)
        if seg.fallback:
            return f'<span lang="zh" class="untranslated" title="Not yet translated">{md}</span>'
        return self.tn(md, ctx, zh) if ctx else md


_ZH_RUN = re.compile(r"[\u3400-\u9fff][\u3400-\u9fff\u3000-\u303f\uff01-\uff5e“”‘’·—]*")


def mark_zh(text: str) -> str:
    """Chinese left on purpose in English text (original titles of references, quoted terms)
    gets lang="zh" so screen readers and fonts treat it as Chinese."""
    return _ZH_RUN.sub(lambda m: f'<span lang="zh">{m.group(0)}</span>', text)


_ID_ATTR = re.compile(r'\bid="([^"]+)"|\{:\s*#([\w-]+)')


def suffix_ids(md: str, suffix: str) -> str:
    """The English column of a side-by-side page repeats the Chinese blocks: give its element ids
    (and the attributes that point at them) a suffix so ids stay unique on the page."""
    ids = {m.group(1) or m.group(2) for m in _ID_ATTR.finditer(md)}
    for i in sorted(ids, key=len, reverse=True):
        md = re.sub(rf'(\bid="|aria-describedby="|aria-labelledby="|href="#|\{{:\s*#){re.escape(i)}(?=["\s}}])',
                    lambda m: m.group(1) + i + suffix, md)
    return md


def mark_zh_outside_tags(text: str) -> str:
    """mark_zh for Markdown that contains raw HTML: never touches tags or attribute values."""
    parts = re.split(r"(<[^>]+>)", text)
    return "".join(p if p.startswith("<") else mark_zh(p) for p in parts)


def untranslated_block(md: str) -> str:
    return ('<div class="untranslated" lang="zh" markdown>\n'
            '<p class="untranslated-marker" lang="en">Not yet translated — Chinese original shown</p>\n\n'
            f"{md}\n\n</div>")


# ---------------------------------------------------------------- blocks

_ATTR_LIST = re.compile(r"\n\{:([^{}\n]*)\}$")     # the block's attribute list, made by Text.para


def anchored(md: str, block_id: str) -> str:
    """A text block's Markdown with its anchor: in its attribute list, on the "not yet
    translated" box, or in a new attribute list."""
    hid, md = block_anchor(block_id), md.rstrip()
    if not md or not hid:
        return md
    if md.startswith('<div class="untranslated"'):
        return f'<div id="{hid}"' + md[len("<div"):]
    if _ATTR_LIST.search(md):
        return _ATTR_LIST.sub(lambda m: f"\n{{: #{hid} {m.group(1).strip()} }}", md, count=1)
    return f"{md}\n{{: #{hid} }}"


def r_paragraph(b: Block, t: Text, ctx) -> str:
    cls = "author-note" if b.attrs.get("region") == "footer" else ""
    out = anchored(t.para(b.id, b.text, cls), b.id)
    for k, note in enumerate(b.attrs.get("notes", []) or [], 1):
        if note:
            out += "\n\n" + f'<p class="editorial-note">{ui("corrected", t.lang)}：' if t.lang == "zh" else "\n\n" + '<p class="editorial-note">Editorial correction: '
            out += md_inline_escape(editorial_note(b.id, k, note, t).md) + "</p>"
    return out


def heading_notes(s: Section, t: Text, doc_id: str) -> list[str]:
    """The editor's note on a heading (a title the editor supplied), as a reader note below it.
    Notes are written "中文 / English" in the corrections file; a PO entry overrides the English."""
    out = []
    for k, note in enumerate(s.attrs.get("notes", []) or [], 1):
        text = heading_note(doc_id, s.id, k, note, t).md
        if text:
            out.append(f'<p class="editorial-note">{editorial.word("correction_note", t.lang)}'
                       f'{"：" if t.lang == "zh" else ": "}{md_inline_escape(text)}</p>')
    return out


def md_inline_escape(text: str) -> str:
    """Plain text (a quotation of the source) for a page: shown as written, never markup."""
    return safety.quote(text)


def r_table_row(b: Block, t: Text, ctx) -> str:
    """A row of a text table (cells joined by ｜ in one segment) as a Markdown table row."""
    body, ok = t.get(b.id, b.text)
    cols = int(b.attrs.get("cols") or 1)
    cells = [t.inline(c.strip()).replace("|", "\\|") for c in body.split("｜")]
    if len(cells) > cols:           # a translation with an extra ｜: the rest stays in the last cell
        cells = cells[:cols - 1] + [" ".join(cells[cols - 1:])]
    if not ok:
        cells = [f'<span lang="zh" class="untranslated">{c}</span>' if c else c for c in cells]
    cells += [""] * (cols - len(cells))
    row = "| " + " | ".join(cells) + " |"
    return row + ("\n|" + " --- |" * cols if b.attrs.get("table_head") else "")


def r_list_item(b: Block, t: Text, ctx) -> str:
    if b.attrs.get("table_row"):
        return r_table_row(b, t, ctx)
    body, ok = t.get(b.id, b.text)
    body = t.inline(body)
    if not ok:
        body = f'<span lang="zh" class="untranslated">{body}</span> <em class="untranslated-marker">(not yet translated)</em>'
    else:
        body = t.tn(body, b.id, b.text)
    marker = f"{re.sub(r'[^0-9]', '', str(b.attrs.get('number') or '')) or 1}." if b.attrs.get("ordered") else "-"
    return f"{marker} {body.rstrip()}\n{' ' * (len(marker) + 1)}{{: #{block_anchor(b.id)} }}"   # the item's anchor


def r_figure(b: Block, t: Text, ctx) -> str:
    cap = t.span(b.id, b.text)
    num = b.attrs.get("number")
    label = (f"图{num} " if t.lang == "zh" else f"Figure {num}. ") if num else ""
    lines = [f'<figure class="source-figure" id="{"-".join(b.id.split("/")[-2:])}" markdown>']
    if b.attrs.get("image_withheld"):
        lines.append(f'<div class="figure-placeholder">{ui("image_withheld", t.lang)}</div>')
    else:
        lines.append(f'<div class="figure-placeholder">{ui("figure_no_data", t.lang)}</div>')
    caption = f"{label}{cap}"
    if b.attrs.get("credit"):
        caption += f" <cite>{t.span(b.id + '/credit', b.attrs['credit'])}</cite>"
    if b.attrs.get("source"):
        caption += f'<br><span class="source-note">{t.span(b.id + "/source", b.attrs["source"])}</span>'
    lines.append(f"<figcaption markdown>{caption}</figcaption>")
    lines.append("</figure>")
    return "\n".join(lines)


def r_table(b: Block, t: Text, ctx) -> str:
    return ctx["table_renderer"](b, t.lang, ctx["rel"])


def r_styled(b: Block, t: Text, ctx) -> str:
    """A byline, dateline or subheadline: a paragraph with its kind as class."""
    return anchored(t.para(b.id, b.text, b.kind), b.id)


def r_reference(b: Block, t: Text, ctx) -> str:
    n = b.attrs["number"]
    body, ok = t.get(b.id, b.text)
    body = t.inline(body)
    if not ok:
        body = f'<span lang="zh" class="untranslated">{body}</span>'
    elif t.lang == "en":
        body = t.tn(body, b.id, b.text)
    n = re.sub(r"[^0-9A-Za-z-]", "", str(n))
    return f"\\[{n}\\] {body}\n{{: #ref-{n} .reference }}"


BLOCK_RENDERERS: dict[str, Callable] = {
    "paragraph": r_paragraph, "quote": r_paragraph, "note": r_paragraph,
    "list_item": r_list_item, "figure": r_figure, "table": r_table, "byline": r_styled,
    "dateline": r_styled, "subheadline": r_styled, "reference": r_reference,
}


def render_blocks(blocks: list[Block], t: Text, ctx) -> list[tuple[Block | None, str]]:
    """Markdown per block; list items of one list are grouped."""
    out: list[tuple[Block | None, str]] = []
    prev_list = None
    for b in blocks:
        if b.kind not in BLOCK_RENDERERS:
            raise BuildError(Problem(str(ctx.get("source") or b.id.split("/")[0]), b.line,
                                     f"block {b.id} has kind {b.kind!r}, which no page template renders "
                                     f"(known: {', '.join(BLOCK_RENDERERS)})",
                                     "this is a bug in the source adapter for this format: report it with the file; "
                                     "meanwhile a correction can remove the construct at this line"))
        md = BLOCK_RENDERERS[b.kind](b, t, ctx)
        if b.kind == "list_item" and prev_list == b.attrs.get("list") and out:
            out[-1] = (out[-1][0], out[-1][1] + "\n" + md)
        else:
            out.append((b, md))
        prev_list = b.attrs.get("list") if b.kind == "list_item" else None
    return out


def heading_md(s: Section, t: Text, base_level: int, doc_id: str) -> str:
    level = min(6, max(1, base_level + s.level - 1))
    title = t.span(f"{doc_id}/{s.id}/title", s.title) if s.title else ""
    number = section_number(s.number, t.lang)
    text = f"{safety.text(number)} {title}".strip() if number else title
    return f"{'#' * level} {text} {{ #{s.id} }}"


# ---------------------------------------------------------------- pages

def _env(templates_dir: Path) -> Environment:
    return Environment(loader=FileSystemLoader(str(templates_dir)), undefined=StrictUndefined,
                       keep_trailing_newline=True, trim_blocks=False, autoescape=False)


def rel(from_url: str, to_url: str) -> str:
    """Relative URL between two site paths (directory URLs), so the site works under any sub-path."""
    import posixpath

    base = "/" + from_url
    target = "/" + to_url
    r = posixpath.relpath(target, base if base.endswith("/") else posixpath.dirname(base))
    if r == ".":
        return "./"
    return r + ("/" if (to_url.endswith("/") or to_url == "") and not r.endswith("/") else "")


def frel(from_file: str, to_file: str) -> str:
    """Relative *file* link between two docs/ files (MkDocs validates and rewrites these)."""
    import posixpath

    return posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")


def view_file(view: str, slug: str) -> str:
    return {"zh": f"zh/{slug}.md", "en": f"en/{slug}.md", "sbs": f"zh/parallel/{slug}.md"}[view]


def view_url(view: str, slug: str) -> str:
    u = url_of(slug)
    return {"zh": u, "en": "en/" + u, "sbs": "parallel/" + u}[view]


SINGLE_VIEW_PAGES = ("glossary", "data")   # already bilingual: no separate 对照 view


def alternates(view: str, slug: str) -> dict:
    me = view_url(view, slug)
    out = {v: rel(me, view_url(v, slug)) for v in ("zh", "en", "sbs")}
    if slug in SINGLE_VIEW_PAGES:
        out["sbs"] = ""
    return out


def _page_title(page: Page, t: LangView, lang: str = "") -> str:
    """A page's title (navigation, <title>) from the view model, escaped for the page."""
    if page.kind == "document":
        return safety.text(t.doc_title(page.doc))
    return safety.text(t.section_title(page.doc.id, page.sections[0]))


def _notes_then(t: Text, footnotes: str) -> str:
    """The page's translator's notes (called from the body or the footnotes), then the footnotes."""
    return "\n\n".join(p for p in (t.notes_md(), footnotes) if p)


def title_section(page: Page) -> Section | None:
    """The section of a document page whose heading repeats the document's title (a news article
    headed by its own headline): its heading is not printed again, the page title takes its id."""
    if page.kind != "document" or not page.sections or not page.sections[0].title:
        return None
    s = page.sections[0]
    return s if strip_md(s.title) == strip_md(page.doc.meta.title["zh"]) else None


def title_id(page: Page) -> str:
    s = title_section(page)
    return s.id if s else "title"


class Renderer:
    """Renders every page of every document for one view (zh | en | sbs)."""

    def __init__(self, templates_dir: Path, cat: Catalog, table_renderer: Callable, glossary=None):
        self.env = _env(templates_dir)
        self.env.globals["site_en"] = ui("report_title", "en", cat)   # side-by-side pages in an English interface
        self.cat = cat
        self.table_renderer = table_renderer
        self.glossary = glossary or []
        self.stats: dict = {}

    # -- helpers
    def text(self, lang: str, view: str, slug: str, doc: Document | None) -> Text:
        ref = None
        if doc and doc.references:
            ref_slug = f"{doc.id}/references" if doc.meta.paging == "sections" else f"{doc.id}/index"
            me, target = view_file(view, slug), view_file(view, ref_slug)
            ref = frel(me, target) if target != me else ""
        return Text(lang, self.cat, ref, self.stats)

    def uidict(self, lang):
        return {k: ui(k, lang, self.cat) for k in UI}

    def body(self, page: Page, t: Text, lang: str, page_url: str, base_level: int) -> str:
        parts = []
        ctx = {"table_renderer": self.table_renderer, "rel": rel(page_url, "") if page_url else "./",
               "source": page.doc.meta.path}
        for s in page.sections:
            if (s.title or s.number) and s is not title_section(page):
                parts.append(heading_md(s, t, base_level, page.doc.id))
                parts += heading_notes(s, t, page.doc.id)
            for _b, md in render_blocks(s.blocks, t, ctx):
                parts.append(md)
        return "\n\n".join(parts)

    def footnotes(self, doc: Document, t: Text, body: str) -> str:
        out = []
        for fn in doc.footnotes:
            if f"[^{fn.key}]" in body:
                md, ok = t.get(fn.id, fn.text)
                md = t.inline(md).replace("\n", " ")
                out.append(f"[^{fn.key}]: {t.tn(md, fn.id, fn.text) if ok else '<span lang=zh>' + md + '</span> (not yet translated)'}")
        return "\n\n".join(out)

    def missing(self, doc: Document, lang: str, t: Text, url: str = "") -> str:
        """Where a truncated source's text ends: one sentence (the list is on the editorial notes page)."""
        if not any(not e["present"] for e in doc.toc):
            return ""
        href = rel(url, view_url(lang, editorial.slug(doc)))
        link = f'<a href="{href}">{safety.html_text(editorial.word("link_short", lang, self.cat))}</a>'
        return safety.html_text(editorial.word("truncated_end", lang, self.cat)).replace("{link}", link)

    # -- pages
    def document_pages(self, doc: Document, view: str) -> dict[str, str]:
        lang = "en" if view == "en" else "zh"
        out = {}
        pages = pages_for(doc)
        body_pages = [p for p in pages if not p.sections or p.sections[0].id != "references"]
        last_body = body_pages[-1] if body_pages else None
        for page in pages:
            url = view_url(view, page.slug)
            t = self.text(lang, view, page.slug, doc)
            title = _page_title(page, t, lang)
            common = dict(title=title, description="", no_search=view == "sbs", alt=alternates(view, page.slug),
                          view=view, lang=lang, ui=self.uidict(lang))
            # the "source ends here" notice goes on the page holding the last body text
            truncated = self.missing(doc, lang, t, url) if page is last_body else ""
            if view == "sbs":
                md = self.parallel_page(page, doc, url, title, common)
            elif page.kind == "document":
                md = self.document_page(page, doc, t, lang, url, common, pages, truncated)
            else:
                body = self.body(page, t, lang, url, base_level=1)
                md = self.env.get_template("section.md.j2").render(
                    **common, body=body, truncated=truncated, footnotes=_notes_then(t, self.footnotes(doc, t, body)))
            out[page.slug] = md
        return out

    @staticmethod
    def pdf_links(url: str, lang: str) -> list[dict]:
        """The print editions (written to docs/pdf/ by `build.py pdf`), relative to a page URL."""
        return [{"label": ui(k, lang), "href": rel(url, f"pdf/{name}")} for k, name in
                (("pdf_zh", "report-zh.pdf"), ("pdf_en", "report-en.pdf"), ("pdf_sbs", "report-zh-en.pdf"))]

    def document_page(self, page, doc, t, lang, url, common, pages, truncated) -> str:
        front = doc.front
        front_lines = [t.span(f"{doc.id}/front/line{i}", ln) for i, ln in enumerate(front.get("lines", []), 1)]
        fields = []
        for key in ("abstract", "keywords"):
            if front.get(key):
                seg = t.front_field(doc, key)
                val = t.span_of(seg, f"{doc.id}/front/{key}", front[key])
                fields.append((ui(key, lang, self.cat), val))
        if front.get("clc"):
            fields.append((ui("clc", lang), safety.text(f"{front['clc']} · {front.get('doc_code', '')} · {front.get('article_no', '')}")))
        if front.get("received"):
            fields.append((ui("received", lang), safety.text(front["received"])))
        if front.get("author_bio"):
            fields.append((ui("author_bio", lang), t.span(f"{doc.id}/front/author_bio", front["author_bio"])))
        toc = []
        present_slugs = {}
        for p in pages[1:]:
            for s in p.sections:
                present_slugs[strip_md(s.title)] = (rel(url, view_url(common["view"], p.slug))  # raw HTML: URL-relative
                                                    + ("" if s is p.sections[0] else f"#{s.id}"))
        for e in toc_entries(doc, t):
            toc.append({"level": int(e["level"]), "present": e["present"], "number": safety.text(e["number"]),
                        "title": safety.text(e["title"]), "href": present_slugs.get(e["key"])})
        section_links = [{"title": _page_title(p, t, lang), "href": frel(view_file(common["view"], page.slug), view_file(common["view"], p.slug))}
                         for p in pages[1:]] if not doc.toc else []
        body = self.body(page, t, lang, url, base_level=2)
        original = [safety.quote(b.attrs["original"]) for b in doc.blocks() if b.attrs.get("original")] if lang == "zh" else []
        # the repair report is on the editorial notes page; readers get one sentence and a link
        notes_href = rel(url, view_url(lang, editorial.slug(doc)))
        notes_label = editorial.word("link", lang, self.cat)
        truncation = editorial.truncation(doc, lang, toc_title(doc, t))
        return self.env.get_template("document.md.j2").render(
            **{**common, "title": common["title"]}, title_id=title_id(page),
            meta={"url": safety.safe_url(doc.meta.url or "") or "", "date": safety.text(doc.meta.date or "")},
            front={"original_en_url": safety.safe_url(front.get("original_en_url") or "") or ""},
            rights=doc.meta.rights_in(lang),
            publisher=safety.text(t.publisher(doc)),
            front_lines=front_lines, front_fields=fields, source_toc=toc, section_links=section_links,
            body=body, truncated=truncated, original=original, notes_href=notes_href, notes_label=notes_label,
            truncation=truncation,
            footnotes=_notes_then(t, self.footnotes(doc, t, body)), pdfs=self.pdf_links(url, lang),
            credit=t.span(f"{doc.id}/front/translation_credit", front["translation_credit"])
            if front.get("translation_credit") else "")

    def parallel_page(self, page, doc, url, title, common) -> str:
        tz = self.text("zh", "sbs", page.slug, doc)
        te = self.text("en", "sbs", page.slug, doc)
        ctx = {"table_renderer": self.table_renderer, "rel": rel(url, "")}
        rows = []
        if page.kind == "document":   # the title, once: the page's H1 and its English beside it
            rows.append({"heading": "", "anchor": "meta", "zh": f"# {safety.text(strip_md(doc.meta.title['zh']))} {{ #{title_id(page)} }}",
                         "en": '<p class="sbs-heading sbs-title" role="heading" aria-level="1">'
                               + te.span(f"{doc.id}/meta/title", doc.meta.title["zh"]) + "</p>"})
            for i, ln in enumerate(doc.front.get("lines", []), 1):
                rows.append({"heading": "", "anchor": f"front-line{i}", "zh": tz.span(f"{doc.id}/front/line{i}", ln),
                             "en": te.span(f"{doc.id}/front/line{i}", ln)})
            for key in ("abstract", "keywords"):
                if doc.front.get(key):
                    rows.append({"heading": "", "anchor": f"front-{key}",
                                 "zh": f"**{ui(key, 'zh')}：** {tz.span(f'{doc.id}/front/{key}', doc.front[key])}",
                                 "en": f"**{ui(key, 'en')}:** " + te.span_of(te.front_field(doc, key), f"{doc.id}/front/{key}", doc.front[key])})
        for s in page.sections:
            if (s.title or s.number) and s is not title_section(page):
                # the real heading (anchor, page TOC) sits in the Chinese column, its English beside it
                level = (1 if page.kind == "section" else 2) + s.level - 1
                en_heading = heading_md(s, te, level, doc.id).split(" ", 1)[1].rsplit(" {", 1)[0]
                rows.append({"heading": "", "anchor": f"{s.id}-title", "zh": heading_md(s, tz, level, doc.id),
                             "en": f'<p class="sbs-heading" role="heading" aria-level="{min(6, level)}">{en_heading}</p>'})
            zh_blocks = render_blocks(s.blocks, tz, ctx)
            en_blocks = render_blocks(s.blocks, te, ctx)
            for (b, zmd), (_b2, emd) in zip(zh_blocks, en_blocks):
                rows.append({"heading": "", "anchor": b.id.split("/")[-1] + "-" + s.id, "zh": zmd,
                             "en": suffix_ids(emd, "-en")})
        body_all = "\n".join(r["zh"] + r["en"] for r in rows)
        foot = self.footnotes(doc, tz, body_all)
        # a section page's first row already carries its heading; a document page needs the title
        return self.env.get_template("parallel.md.j2").render(
            **common, rows=rows, footnotes=_notes_then(te, foot), page_heading="")

    def home(self, docs: list[Document], lang: str) -> str:
        t = Text(lang, self.cat, None, self.stats)
        url = view_url(lang, "index")
        me = view_file(lang, "index")
        items = []
        for d in docs:
            items.append({"id": d.id, "title": safety.text(t.doc_title(d)),
                          "link": frel(me, view_file(lang, f"{d.id}/index")),
                          "publisher": safety.text(t.publisher(d)),
                          "date": safety.text(d.meta.date or ""),
                          "truncated": editorial.truncation(d, lang, toc_title(d, t))})
        pdfs = self.pdf_links(url, lang)
        return self.env.get_template("home.md.j2").render(
            title=ui("report_title", lang, self.cat), description=ui("report_intro", lang, self.cat), no_search=False,
            alt=alternates(lang, "index"), view=lang, lang=lang, ui=self.uidict(lang), docs=items, pdfs=pdfs,
            data_link=frel(me, view_file(lang, "data")), glossary_link=frel(me, view_file(lang, "glossary")))

    def simple_page(self, view: str, slug: str, title: str, body: str, no_search: bool = False) -> str:
        """A generated page outside the documents (glossary, data, side-by-side index)."""
        alt = alternates(view, slug)
        lang = "en" if view == "en" else "zh"
        fm = self.env.get_template("_frontmatter.md.j2").render(title=title, description="", no_search=no_search,
                                                               alt=alt, view=view)
        sw = self.env.get_template("_switcher.md.j2").render(alt=alt, view=view, lang=lang)
        return f"{fm}\n{sw}\n\n{body}\n"

    def glossary_page(self, lang: str) -> str:
        def note(g):       # Chinese pages show the Chinese note (the English one, marked, when there is none)
            if lang == "zh" and g.note_zh:
                return safety.text(g.note_zh)
            return f'<span lang="en">{safety.text(g.note)}</span>' if lang == "zh" and g.note else mark_zh(safety.text(g.note or ""))
        rows = "\n".join(f'| <span lang="zh">{safety.text(g.zh)}</span> | <span lang="en">{safety.text(g.en)}</span> | {note(g)} |'
                         for g in self.glossary)
        head = "| 中文 | English | 说明 |" if lang == "zh" else "| Chinese | English | Note |"
        return self.simple_page(lang, "glossary", ui("glossary", lang),
                                f"# {ui('glossary', lang)} {{ #glossary }}\n\n{head}\n|---|---|---|\n{rows}")

    def parallel_index(self, docs: list[Document]) -> str:
        """zh/parallel/index.md: the side-by-side editions of every document."""
        te = Text("en", self.cat, None, self.stats)
        me = view_file("sbs", "index")
        lines = [f"# {ui('parallel', 'zh')} · {ui('parallel', 'en')}", ""]
        for d in docs:
            zh = safety.text(strip_md(d.meta.title["zh"]))
            en = safety.text(te.doc_title(d))
            lines.append(f"- [{zh}]({frel(me, view_file('sbs', d.id + '/index'))}) — <span lang=\"en\">{en}</span>")
        return self.simple_page("sbs", "index", ui("parallel", "zh"), "\n".join(lines), no_search=True)
