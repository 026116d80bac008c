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
from .model import Document

WORDS = {
    # key: (zh, en)
    "title": ("编辑说明", "Editorial notes"),
    "link": ("编辑说明：本文由原文整理而成的经过（段落接合、移位、删除、更正与数据核对）",
             "Editorial notes: how this text was prepared from the source (paragraphs rejoined, items moved or "
             "removed, corrections, data checks)"),
    "link_short": ("编辑说明", "Editorial notes"),
    "intro": ("本页供编辑和细心的读者核对：列出原文文件与本站所示文本之间的每一处改动，以及表格数据的核对结果。"
              "原文文件从不修改；所有改动均由可复现的规则或记录在案的编者更正完成。",
              "This page is for editors and careful readers. It lists every change between the source file and "
              "the text shown on this site, and the results of the table data checks. The source file is never "
              "edited: every change comes from a reproducible rule or a recorded editor's correction."),
    "back": ("返回正文", "Back to the text"),
    "source": ("原文文件", "Source file"),
    "nothing": ("无。", "None."),
    "truncated_h": ("原文不完整", "The source is incomplete"),
    "missing_list": ("原文目录所列、正文缺失的章节：", "Chapters and sections listed in the source's contents but missing from its text:"),
    "corrected": ("编者更正", "Editor's corrections"),
    "joined": ("跨页或断行处接合的段落", "Paragraphs rejoined across page breaks or line wraps"),
    "moved": ("移位的内容（页脚材料、表格、元数据）", "Items moved (page-footer material, tables, metadata)"),
    "dropped": ("删除的内容（广告、样板文字、不安全的 HTML；广告与标记不予引用，见 build.py check）",
                "Text removed (advertising, boilerplate, unsafe HTML; advertising and markup are not quoted: "
                "build.py check lists them)"),
    "normalised": ("规范化处理", "Normalisation"),
    "warnings": ("提示", "Notices"),
    "tables": ("表格数据核对", "Table data checks"),
    "tables_ok": ("本文各表均通过校验。", "Every table of this document passed the checks."),
    "line": ("原文第 {n} 行", "source line {n}"),
    "truncated": ("本站所据原文是一份不完整的副本：正文止于“{last}”，原文目录所列此后的 {n} 个章节（自“{first}”至“{end}”）均未见于原文。",
                  "The source available to this site is an incomplete copy: its text ends with “{last}”; the {n} "
                  "chapters and sections its own table of contents lists after that (from “{first}” to “{end}”) "
                  "are missing."),
    "truncated_end": ("原文到此为止：原文目录所列的其余章节未见于原文（见{link}）。",
                      "The source text ends here: the remaining chapters listed in its table of contents are missing "
                      "from the source (see {link})."),
    "table_note": ("此表有 {n} 处数值经数据核对存疑（与原文不符，或与相邻数值相差悬殊），表中照录；详见",
                   "The data check flagged {n} value(s) in this table (differing from the source, or far from the "
                   "neighbouring values); they are shown as recorded. See the"),
    "table_note_link": ("编辑说明", "editorial notes"),
    "correction_note": ("编者更正", "Editor's correction"),
}


def word(key: str, lang: str, cat=None) -> str:
    zh, en = WORDS[key]
    if lang == "zh":
        return zh
    if cat is not None:
        got = cat.get(f"ui/editorial/{key}", zh)
        if got:
            return got
    return en


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


def _mark(text: str, lang: str) -> str:
    """Report lines are English with Chinese quotations: each run carries its language."""
    runs = re.split(r"([\u3400-\u9fff][\u3400-\u9fff\u3000-\u303f\uff01-\uff5e“”‘’·—…\d\s]*)", text)
    out = []
    for r in runs:
        if not r:
            continue
        is_zh = bool(re.match(r"[\u3400-\u9fff]", r))
        other = "zh" if is_zh else "en"
        out.append(_esc(r) if other == lang or not r.strip() else f'<span lang="{other}">{_esc(r)}</span>')
    return "".join(out)


_MARKUP = re.compile(r"[<>]|(?:java|vb)\s*script\s*:|\bdata\s*:|\bon\w+\s*=", re.I)


def _dropped(d: dict, lang: str) -> str:
    text = str(d.get("text", ""))
    text = text if len(text) <= 80 else text[:79] + "…"      # the report keeps it whole (nothing-lost check)
    head = f"{word('line', lang).format(n=d.get('line'))}: {_mark(d.get('reason', ''), lang)}"
    if d.get("rule") in ("spam", "sanitised") or _MARKUP.search(text):
        return head    # spam and removed markup are never published, not even quoted (`build.py check` shows them)
    return f"{head} — <q lang=\"zh\">{_esc(text)}</q>"


def page(doc: Document, lang: str, renderer, tables=(), tr=None) -> str:
    """The editorial notes page of one document in one language (Markdown)."""
    from . import tables as tables_mod
    from .numerals import number_en
    from .render import Text, alternates, strip_md, view_file, frel

    cat = renderer.cat
    t = Text(lang, cat, None, {})
    title = strip_md(t.get(f"{doc.id}/meta/title", doc.meta.title["zh"])[0])
    me = view_file(lang, slug(doc))
    out = [f"# {word('title', lang, cat)}: {_esc(title)} {{ #editorial }}" if lang == "en"
           else f"# {word('title', lang, cat)}：{_esc(title)} {{ #editorial }}", "",
           _esc(word("intro", lang, cat)), "",
           f"[{_esc(word('back', lang, cat))}]({frel(me, view_file(lang, f'{doc.id}/index'))})", "",
           f"**{word('source', lang, cat)}{'：' if lang == 'zh' else ':'}** `{doc.meta.path.name}` "
           f"({doc.meta.format}, {doc.meta.script})", ""]

    def toc_title(i, e):
        num = e["number"] if lang == "zh" else number_en(e["number"])
        return f"{num} {strip_md(t.get(f'{doc.id}/toc/{i}', e['title'])[0])}".strip()

    sentence = truncation(doc, lang, toc_title)
    if sentence:
        out += [f"## {word('truncated_h', lang, cat)} {{ #truncated }}", "", _esc(sentence), "",
                _esc(word("missing_list", lang, cat)), ""]
        out += [f"- {_esc(toc_title(i, e))}" for i, e in enumerate(doc.toc, 1) if not e["present"]]
        out.append("")
    r = doc.report
    groups = [("corrected", r.corrected), ("joined", r.joined), ("moved", r.moved),
              ("dropped", r.dropped), ("normalised", r.normalised), ("warnings", r.warnings)]
    for key, items in groups:
        out += [f"## {word(key, lang, cat)} ({len(items)}) {{ #{key} }}", ""]
        if not items:
            out += [word("nothing", lang, cat), ""]
            continue
        for it in items:
            out.append("- " + (_dropped(it, lang) if isinstance(it, dict) else _mark(it, lang)))
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
