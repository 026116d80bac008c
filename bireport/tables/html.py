"""HTML snippets for the site pages, rendered from the view model (`bireport.view.TableView`):
a table (caption, grouped header, right-aligned numbers, notes, checks, downloads) and the data
page. Every text is escaped here, where it enters the markup."""
from __future__ import annotations

from html import escape as _esc

from ..safety import text as _md  # text in Markdown context (see safety.py)
from ..ui import Words
from .format import unit_label
from .schema import UNITS, Table


def _cell_html(c) -> str:
    attrs = ""
    if c.scope:
        attrs += f' scope="{c.scope}"'
    if c.colspan > 1:
        attrs += f' colspan="{c.colspan}"'
    if c.rowspan > 1:
        attrs += f' rowspan="{c.rowspan}"'
    if c.num:
        attrs += ' class="num"'
    tag = "th" if c.header else "td"
    body = _esc(c.text) + (f"<sup>{_esc(c.sup)}</sup>" if c.sup else "") + _esc(c.unit)
    return f"<{tag}{attrs}>{body}</{tag}>"


def table_html(tv, rel: str = "", doc: str = "") -> str:
    """A `TableView` as the page's HTML (caption, header rows, body, notes, downloads)."""
    ui = tv.ui
    head = "".join("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>" for row in tv.head)
    body = "".join("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>" for row in tv.body)
    cap = _esc(tv.label) + " " + _esc(tv.caption) + _esc(tv.unit_caption)
    out = [f'<div class="data-table-wrap" id="table-{tv.id}">',
           f'<table class="data-table"><caption>{cap}</caption><thead>{head}</thead><tbody>{body}</tbody></table>']
    if tv.note:
        out.append(f'<p class="table-note">{_esc(tv.note)}</p>')
    for marker, label, text in tv.footnotes:
        out.append(f'<p class="table-footnote"><sup>{_esc(marker)}</sup> {_esc(label)}: {_esc(text)}</p>')
    links = [f'<a href="{rel}{tv.downloads["csv"]}" download>{ui["csv"]}</a>']
    out.append(f'<p class="table-download">{" · ".join(links)}</p>')
    if tv.findings and doc:    # readers get a note; the findings are on the editorial notes page
        from ..editorial import table_note
        out.append(table_note(len(tv.findings), tv.lang, f"{rel}{'en/' if tv.lang == 'en' else ''}{doc}/editorial/#tables"))
    out.append("</div>")
    text = "\n".join(out) + "\n"
    if tv.findings and not doc:
        text += f'\n!!! warning "{ui["check"]}"\n\n'
        text += "".join(f"    - {_md(f)}\n" for f in tv.findings)
    return text + "\n"


def table_markdown(table: Table, lang: str, tr=None, rel: str = "") -> str:
    """The table as the page shows it (see `table_html`)."""
    from ..view import table_view          # the view model builds on this package

    return table_html(table_view(table, lang, tr), rel, table.schema.doc)


def data_page_markdown(tables: list[Table], lang: str, tr=None, rel: str = "", docs=None) -> str:
    """The 数据 / Data page, grouped by document (with its title and rights note): every table
    with caption, unit, source, check status and downloads (CSV in each language, XLSX), and
    the whole data package (zip with datapackage.json)."""
    from ..view import table_view          # the view model builds on this package
    from .downloads import ALL_ZIP, DATAPACKAGE, download_paths, xlsx_path

    ui = Words("table_", tr)[lang]
    colon = "：" if lang == "zh" else ": "
    docs = list(docs or [])
    order = {d.id: i for i, d in enumerate(docs)}
    out = [f"# {ui['data_title']}\n", ui["data_intro"] + "\n"]
    out.append(f'<p class="data-all"><a href="{rel}{ALL_ZIP}" download>{_esc(ui["zip"])}</a> · '
               f'<a href="{rel}{xlsx_path(lang)}" download>{_esc(ui["xlsx"])}</a> · '
               f'<a href="{rel}{DATAPACKAGE}">{_esc(ui["datapackage"])}</a></p>\n')
    out.append(f'<p class="data-licence">{_esc(ui["licence"])}</p>\n')
    by_doc: dict[str, list[Table]] = {}
    for t in tables:
        by_doc.setdefault(t.schema.doc, []).append(t)
    for doc_id in sorted(by_doc, key=lambda d: (order.get(d, len(order)), d)):
        d = next((x for x in docs if x.id == doc_id), None)
        if d is not None:
            title = d.meta.title["zh"] if lang == "zh" else (tr and tr(f"{d.id}/meta/title", d.meta.title["zh"])) \
                or d.meta.title.get("en") or d.meta.title["zh"]
        else:
            title = doc_id
        out.append(f"## {_md(title)} {{#data-{doc_id}}}\n")
        if d is not None and d.meta.rights:
            rights = d.meta.rights if lang == "en" else (getattr(d.meta, "rights_zh", "") or ui["rights_note"])
            out.append(f'<p class="data-rights">{_esc(ui["rights"])}{colon}{_md(rights.replace(chr(10), " "))}</p>\n')
        for t in sorted(by_doc[doc_id], key=lambda t: int(t.schema.number) if t.schema.number.isdigit() else 0):
            s = t.schema
            tv = table_view(t, lang, tr)           # the table as the pages, the PDF and the downloads show it
            sep = "、" if lang == "zh" else ", "
            units = sep.join(unit_label(u, lang) for u in s.units)
            status = ui["ok"] if not tv.findings else ui["n_warn"].format(n=len(tv.findings))
            out.append(f"### {_md(tv.label)} {_md(tv.caption)} {{#data-{s.id}}}\n")
            out.append(f"- {ui['unit']}{colon}{_md(units)}")
            if tv.note:
                out.append(f"- {_md(tv.note)}")     # the source note names itself (数据来源 …, Source: …)
            out.append(f"- {ui['status']}{colon}{status}")
            paths = download_paths(s.id, lang)
            other = "en" if lang == "zh" else "zh"
            out.append(f"- {ui['downloads']}{colon}"
                       f'<a href="{rel}{paths["csv"]}" download>{ui["csv_" + lang]}</a> · '
                       f'<a href="{rel}{download_paths(s.id, other)["csv"]}" download>{ui["csv_" + other]}</a> · '
                       f'<a href="{rel}{xlsx_path(lang)}" download>XLSX</a>\n')
    return "\n".join(out) + "\n"


__all__ = ["table_html", "table_markdown", "data_page_markdown", "UNITS"]
