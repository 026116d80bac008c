"""Readers see reader notes; editors see the editor's report.

What ingestion did to a source (paragraphs rejoined across page breaks, items moved, text removed,
corrections), the table checks (values that look wrong, values that differ from the source) and
what the source lacks (chapters its own contents list but its text does not have) are an editor's
business: they go to `build.py check` and to one "Editorial notes" page per document and language
(`<doc>/editorial.md`, outside the navigation and the search index), linked from the document page.

The reading pages carry only short, translated notes: a truncated source stated in one sentence
(`truncation`), an editor's correction next to the text it corrects, a table value that differs
from the source under its table.
"""
from __future__ import annotations

import html
import re

from . import safety
from .model import Document, note_text
from .ui import STRINGS, ui

def word(key: str, lang: str, cat=None) -> str:
    """One of this page's interface strings (bireport/ui.py `editorial_<key>`), the English through
    the translation memory (data/i18n/en/ui.po) like every other one."""
    return ui(f"editorial_{key}", lang, cat)


def slug(doc: Document) -> str:
    return f"{doc.id}/editorial"


def table_note(n: int, lang: str, href: str) -> str:
    """The reader's note under a table with flagged values (HTML; the details are on the editorial
    notes page, `href`)."""
    text = html.escape(word("table_note", lang).format(n=n), quote=False)
    link = html.escape(word("table_note_link", lang), quote=False)
    return f'<p class="reader-note table-check">{text} <a href="{href}">{link}</a>{"。" if lang == "zh" else "."}</p>'


# ---------------------------------------------------------------- reader notes

def truncation(doc: Document, lang: str, title_of) -> str:
    """One sentence saying that the source is a truncated copy ("" when it is complete).
    `title_of(i, entry)` gives the localised "number title" of the i-th (1-based) contents entry."""
    missing = [i for i, e in enumerate(doc.toc, 1) if not e["present"]]
    if not missing:
        return ""
    first = missing[0]
    present = [i for i, e in enumerate(doc.toc, 1) if e["present"] and i < first]
    last = title_of(present[-1], doc.toc[present[-1] - 1]) if present else ""
    text = word("truncated", lang).format(last=last, n=len(missing), first=title_of(first, doc.toc[first - 1]),
                                          end=title_of(missing[-1], doc.toc[missing[-1] - 1]))
    if not present:
        text = re.sub(r"正文止于“”，|its text ends with “”; ", "", text)
    return text


# ---------------------------------------------------------------- the editorial notes page

def _esc(text: str) -> str:
    """Report text is data: shown as written, never markup (the one boundary: safety.quote)."""
    return safety.quote(str(text))


_CJK = re.compile(r"[\u3400-\u9fff]")


def _pieces():
    """How a report entry's pieces become page Markdown: every piece escaped (safety); quoted source
    text in <q lang="zh">; Chinese data on an English page marked `lang="zh"`. Everything else is
    worded in the page's language by bireport/ui.py."""
    first = [True]

    def piece(kind: str, s: str, lang: str) -> str:
        out = safety.text(s.replace("\n", " "), line_start=first[0])
        first[0] = False
        if kind == "quote":
            return f'<q lang="zh">{out}</q>'
        if kind == "data" and lang == "en" and _CJK.search(s):
            return f'<span lang="zh">{out}</span>'
        return out
    return piece


def entry(item, lang: str, cat=None) -> str:
    """One report entry (a model.Note) in the page's language, escaped."""
    return note_text(item, lang, cat, _pieces())


_MARKUP = re.compile(r"[<>]|(?:java|vb)\s*script\s*:|\bdata\s*:|\bon\w+\s*=", re.I)


def _dropped(d: dict, lang: str, cat=None) -> str:
    text = str(d.get("text", ""))
    text = text if len(text) <= 80 else text[:79] + "…"      # the report keeps it whole (nothing-lost check)
    head = f"{_esc(word('line', lang, cat).format(n=d.get('line')))}{'：' if lang == 'zh' else ': '}" \
           f"{entry(d.get('reason', ''), lang, cat)}"
    if d.get("rule") in ("spam", "sanitised") or _MARKUP.search(text):
        return head    # spam and removed markup are never published, not even quoted (`build.py check` shows them)
    return f"{head} — <q lang=\"zh\">{_esc(text)}</q>"


def _source_kind(doc: Document, lang: str, cat=None) -> str:
    """The source's format and script in words (no internal codes on the page)."""
    out = []
    for what, code in (("format", doc.meta.format), ("script", doc.meta.script)):
        key = f"editorial_{what}_{code}"
        out.append(ui(key, lang, cat) if key in STRINGS else str(code))
    return ("，" if lang == "zh" else ", ").join(out)


def page(doc: Document, lang: str, renderer, tables=(), tr=None) -> str:
    """The editorial notes page of one document in one language (Markdown)."""
    from . import tables as tables_mod
    from .render import Text, alternates, view_file, frel
    from .view import toc_title

    cat = renderer.cat
    t = Text(lang, cat, None, {})
    title = t.doc_title(doc)
    me = view_file(lang, slug(doc))
    out = [f"# {word('title', lang, cat)}: {_esc(title)} {{ #editorial }}" if lang == "en"
           else f"# {word('title', lang, cat)}：{_esc(title)} {{ #editorial }}", "",
           _esc(word("intro", lang, cat)), "",
           f"[{_esc(word('back', lang, cat))}]({frel(me, view_file(lang, f'{doc.id}/index'))})", "",
           f"**{word('source', lang, cat)}{'：' if lang == 'zh' else ':'}** `{doc.meta.path.name}`"
           + (f"（{_esc(_source_kind(doc, lang, cat))}）" if lang == "zh" else f" ({_esc(_source_kind(doc, lang, cat))})"), ""]

    title_of = toc_title(doc, t)
    sentence = truncation(doc, lang, title_of)
    if sentence:
        out += [f"## {word('truncated_h', lang, cat)} {{ #truncated }}", "", _esc(sentence), "",
                _esc(word("missing_list", lang, cat)), ""]
        out += [f"- {_esc(title_of(i, e))}" for i, e in enumerate(doc.toc, 1) if not e["present"]]
        out.append("")
    r = doc.report
    groups = [("corrected", r.corrected), ("joined", r.joined), ("moved", r.moved),
              ("dropped", r.dropped), ("normalised", r.normalised), ("warnings", r.warnings)]
    for key, items in groups:
        count = f"（{len(items)}）" if lang == "zh" else f" ({len(items)})"
        out += [f"## {word(key, lang, cat)}{count} {{ #{key} }}", ""]
        if not items:
            out += [word("nothing", lang, cat), ""]
            continue
        for it in items:
            out.append("- " + (_dropped(it, lang, cat) if isinstance(it, dict) else entry(it, lang, cat)))
        out.append("")
    out += [f"## {word('tables', lang, cat)} {{ #tables }}", ""]
    flagged = 0
    for table in tables:
        found = tables_mod.shown_findings(table)
        if not found:
            continue
        flagged += 1
        label = tables_mod.caption_text(table, lang, tr)
        out.append(f"- **{_esc(label)}**")
        out += [f"    - {_esc(tables_mod.finding_text(table, f, lang, tr))} "
                f"(`{f.path.split('/')[-1] if f.path else ''}{':' + str(f.line) if f.line else ''}`)" for f in found]
    if not flagged:
        out.append(word("tables_ok", lang, cat))
    out.append("")
    alt = alternates(lang, slug(doc))
    alt["sbs"] = ""
    fm = renderer.env.get_template("_frontmatter.md.j2").render(
        title=f"{word('title', lang, cat)} · {_esc(title)}", description="", no_search=True, alt=alt, view=lang)
    sw = renderer.env.get_template("_switcher.md.j2").render(alt=alt, view=lang, lang=lang)
    return f"{fm}\n{sw}\n\n" + "\n".join(out) + "\n"


def pages(renderer, docs, tables_by_id=None, tr=None) -> dict[str, str]:
    """Every document's editorial notes page in both languages: {docs-relative path: markdown}."""
    out = {}
    tables_by_id = tables_by_id or {}
    for d in docs:
        tabs = sorted((t for t in tables_by_id.values() if t.schema.doc == d.id), key=lambda t: t.id)
        for lang in ("zh", "en"):
            out[f"{lang}/{slug(d)}.md"] = page(d, lang, renderer, tabs, tr)
    return out


def link(doc: Document, lang: str, from_file: str, short: bool = False, cat=None) -> str:
    """A Markdown link from a reading page (docs-relative file) to the document's editorial notes."""
    from .render import frel, view_file

    target = frel(from_file, view_file(lang, slug(doc)))
    return f"[{word('link_short' if short else 'link', lang, cat)}]({target})"
