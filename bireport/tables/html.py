"""HTML snippets for the site pages: a table (caption, grouped header, right-aligned numbers, notes,
checks, downloads) and the data page."""
from __future__ import annotations

from html import escape as _esc

from .format import (UI, _lab_zh, caption_text, decimals, finding_text, footnote_text, label_text,
                     note_text, unit_label, format_value)
from .schema import Column, Table
from .validate import shown_findings


def _header_cell(table: Table, col: Column, lang: str, tr) -> str:
    s = table.schema
    if col.role == "key":
        if col.group:
            return label_text(table, col.group, lang, tr)
        fkey = next(k for k, v in s.labels.items() if v.kind == "field")
        return label_text(table, fkey, lang, tr) if s.orientation == "rows" else ""
    if col.year is not None:
        return str(col.year) if lang == "en" else f"{col.year}年"
    text = label_text(table, col.series, lang, tr)
    mark = next((f.marker for f in s.footnotes if f.label == col.series), "")
    unit = "" if col.unit == "count" or s.orientation == "columns" else unit_label(col.unit, lang)
    unit = (f"（{unit}）" if lang == "zh" else f" ({unit})") if unit else ""
    return _esc(text) + (f"<sup>{_esc(mark)}</sup>" if mark else "") + _esc(unit)


def _caption_html(table: Table, lang: str, tr) -> str:
    s = table.schema
    cap = _esc(UI[lang]["table"].format(n=s.number)) + " " + _esc(caption_text(table, lang, tr))
    if s.orientation == "columns":
        units = sorted({c.unit for c in s.columns if c.unit})
        cap += _esc(UI[lang]["unit_caption"].format(u="、".join(unit_label(u, lang) for u in units)))
    return cap


def _plain_th(table: Table, c: Column, lang: str, tr) -> str:
    if c.role == "value":
        return f'<th scope="col" class="num">{_header_cell(table, c, lang, tr)}</th>'
    return f'<th scope="col">{_esc(_header_cell(table, c, lang, tr))}</th>'


def _thead(table: Table, lang: str, tr) -> str:
    s = table.schema
    cols = s.columns
    grouped = s.orientation == "rows" and any(c.group for c in cols if c.role == "value")
    if not grouped:
        cells = "".join(_plain_th(table, c, lang, tr) for c in cols)
        return f"<thead><tr>{cells}</tr></thead>"
    top, sub, i = [], [], 0
    while i < len(cols):
        c = cols[i]
        if c.role == "key":
            top.append(f'<th scope="col" rowspan="2">{_esc(_header_cell(table, c, lang, tr))}</th>')
            i += 1
            continue
        j = i
        while j < len(cols) and cols[j].role == "value" and cols[j].group == c.group:
            j += 1
        glabel = label_text(table, c.group, lang, tr) if c.group else ""
        top.append(f'<th scope="colgroup" colspan="{j - i}">{_esc(glabel)}</th>')
        sub += [f'<th scope="col" class="num">{_header_cell(table, cols[k], lang, tr)}</th>' for k in range(i, j)]
        i = j
    return f"<thead><tr>{''.join(top)}</tr><tr>{''.join(sub)}</tr></thead>"


def _tbody(table: Table, lang: str, tr) -> str:
    s, df = table.schema, table.data
    dec = decimals(table)
    g_of = (lambda r: r["group"]) if "group" in df else (lambda r: "")
    rows = []
    if s.orientation == "columns":
        for ser, g in df.groupby("series", sort=False):
            by_year = {int(r["year"]): r for _, r in g.iterrows()}
            cells = [f'<th scope="row">{_esc(_lab_zh(table, "series", ser, lang, tr))}</th>']
            for c in s.columns[1:]:
                r = by_year[c.year]
                cells.append(f'<td class="num">{format_value(r["value"], r["unit"], lang, dec[(g_of(r), ser, r["unit"])])}</td>')
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return "<tbody>" + "".join(rows) + "</tbody>"
    block_group = {c.block: c.group for c in s.columns if c.role == "key"}
    for line, g in df.groupby("source_line", sort=False):
        look = {(g_of(r), r["series"]): r for _, r in g.iterrows()}
        cells = []
        for c in s.columns:
            gkey = c.group or block_group.get(c.block)
            gz = s.labels[gkey].zh if gkey else ""
            if c.role == "key":
                r = next((r for (gg, _), r in look.items() if gg == gz or not c.group), None)
                key = r[s.key_field]
                text = str(int(key)) if s.key_field == "year" else _lab_zh(table, "category", key, lang, tr)
                cells.append(f'<th scope="row">{_esc(text)}</th>')
            else:
                r = look[(gz, s.labels[c.series].zh)]
                cells.append(f'<td class="num">{format_value(r["value"], r["unit"], lang, dec[(gz, r["series"], r["unit"])])}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<tbody>" + "".join(rows) + "</tbody>"


def table_markdown(table: Table, lang: str, tr=None, rel: str = "") -> str:
    """The table as HTML (caption, grouped header, right-aligned numbers), notes, checks, CSV link."""
    s, ui = table.schema, UI[lang]
    out = [f'<div class="data-table-wrap" id="table-{s.id}">',
           f'<table class="data-table"><caption>{_caption_html(table, lang, tr)}</caption>'
           f"{_thead(table, lang, tr)}{_tbody(table, lang, tr)}</table>"]
    note = note_text(table, lang, tr)
    if note:
        out.append(f'<p class="table-note">{_esc(note)}</p>')
    for i, f in enumerate(s.footnotes):
        out.append(f'<p class="table-footnote"><sup>{_esc(f.marker)}</sup> '
                   f"{_esc(label_text(table, f.label, lang, tr))}: {_esc(footnote_text(table, i, lang, tr))}</p>")
    out.append(f'<p class="table-download"><a href="{rel}data/tables/{s.id}.csv" download>{ui["csv"]}</a></p>')
    out.append("</div>")
    text = "\n".join(out) + "\n"
    found = shown_findings(table)
    if found:
        text += f'\n!!! warning "{ui["check"]}"\n\n'
        text += "".join(f"    - {_esc(finding_text(table, f, lang, tr))}\n" for f in found)
    return text + "\n"


def data_page_markdown(tables: list[Table], lang: str, tr=None, rel: str = "") -> str:
    """The 数据 / Data page: every table with its schema summary, source, check status and CSV."""
    ui = UI[lang]
    out = [f"# {ui['data_title']}\n", ui["data_intro"] + "\n"]
    for t in sorted(tables, key=lambda t: t.id):
        s = t.schema
        found = shown_findings(t)
        units = "、".join(unit_label(u, lang) + ("" if lang == "zh" else "") for u in s.units) if lang == "zh" \
            else ", ".join(unit_label(u, lang) for u in s.units)
        fields = ", ".join(f"`{f['name']}` ({f[lang] or f['zh']})" for f in s.fields)
        status = ui["ok"] if not found else ui["n_warn"].format(n=len(found))
        out.append(f"## {_esc(ui['table'].format(n=s.number))} {_esc(caption_text(t, lang, tr))} {{#data-{s.id}}}\n")
        out.append(f"- {ui['doc']}: `{s.doc}`")
        out.append(f"- {ui['unit']}: {units}")
        out.append(f"- {ui['columns']}: {fields}")
        note = note_text(t, lang, tr)
        if note:
            out.append(f"- {_esc(note)}")
        out.append(f"- {ui['status']}: {status}")
        out.append(f"- [{ui['csv']}]({rel}data/tables/{s.id}.csv) · "
                   f"[{ui['schema']}]({rel}data/tables/{s.id}.schema.yaml)\n")
        if found:
            out.append(f'!!! warning "{ui["check"]}"\n')
            out += [f"    - {_esc(finding_text(t, f, lang, tr))}" for f in found]
            out.append("")
    return "\n".join(out) + "\n"
