"""The view model: what one language's edition says, built once from the build context and
consumed by every view — the site pages (render.py, tables/html.py), the print edition (pdf.py)
and the downloads (tables/downloads.py).

A view never decides what a table or a segment says: labels, units, converted and rounded
values, captions, notes and text segments (translation or marked fallback) come from here.
Values are plain text; each renderer escapes them where they enter its markup.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import safety, tables as T
from .numerals import number_en
from .ui import Words


# ---------------------------------------------------------------- text segments

@dataclass
class Segment:
    """One piece of source text in one language: inline Markdown (the model's tokens) and
    whether it is the Chinese original shown for a missing translation."""

    md: str
    lang: str
    fallback: bool = False


class LangView:
    """Text lookup for one language: the translation memory for English, the source for Chinese."""

    def __init__(self, lang: str, cat, stats: dict | None = None):
        self.lang, self.cat = lang, cat
        self.stats = stats if stats is not None else {}

    def tr(self, ctx: str, zh: str):
        return self.cat.get(ctx, zh) if self.cat is not None else None

    def get(self, ctx: str, zh: str) -> tuple[str, bool]:
        """(markdown, is_translated); an untranslated English segment is the Chinese original."""
        if self.lang == "zh" or not zh:
            return zh, True
        en = self.tr(ctx, zh)
        if en is None:
            self.stats.setdefault("untranslated", []).append(ctx)
            return zh, False
        return en, True

    def segment(self, ctx: str, zh: str) -> Segment:
        md, ok = self.get(ctx, zh)
        return Segment(md, self.lang if ok else "zh", not ok)

    def plain(self, ctx: str, zh: str) -> str:
        return strip_md(self.get(ctx, zh)[0])

    def translator_notes(self, ctx: str, zh: str) -> list:
        """The translator's notes shown with a segment: English only, only while its translation is."""
        if self.lang != "en" or self.cat is None or not hasattr(self.cat, "notes"):
            return []
        return self.cat.notes(ctx, zh)

    def front_field(self, doc, key: str) -> Segment:
        """A front-matter field (abstract, keywords …): the translation memory first, then the
        English the source itself prints (`<key>_en`), then the marked Chinese."""
        zh = doc.front[key]
        ctx = f"{doc.id}/front/{key}"
        if self.lang == "en" and doc.front.get(f"{key}_en") and not self.tr(ctx, zh):
            return Segment(doc.front[f"{key}_en"], "en")
        return self.segment(ctx, zh)

    def doc_title(self, doc) -> str:
        """The document's title in this language, plain text (not escaped)."""
        return self.plain(f"{doc.id}/meta/title", doc.meta.title["zh"])

    def publisher(self, doc) -> str:
        return self.plain(f"{doc.id}/meta/publisher", doc.meta.publisher["zh"])

    def section_title(self, doc_id: str, s) -> str:
        """A section's number and title in this language, plain text (not escaped)."""
        title = self.plain(f"{doc_id}/{s.id}/title", s.title) if s.title else ""
        return f"{section_number(s.number, self.lang)} {title}".strip() if s.number else title


def strip_md(text: str) -> str:
    """Plain text of an inline-Markdown segment (titles, navigation, PDF metadata); not escaped:
    escape it where it enters a page. The one markup stripper (safety.plain)."""
    return safety.plain(text)


def section_number(number: str, lang: str) -> str:
    """A printed section number in `lang`: 一 → I., （三） → (3), 十二 → XII.; Arabic numbers unchanged."""
    if lang != "en" or not number or re.match(r"^\d", number):
        return number
    return number_en(number)


def toc_entries(doc, view: LangView) -> list[dict]:
    """The source's own table of contents in `view`'s language: {level, present, number, title}."""
    out = []
    for i, e in enumerate(doc.toc, 1):
        out.append({"level": e["level"], "present": e["present"], "key": strip_md(e["title"]),
                    "number": section_number(e["number"], view.lang),
                    "title": view.plain(f"{doc.id}/toc/{i}", e["title"]),
                    "segment": view.segment(f"{doc.id}/toc/{i}", e["title"])})
    return out


def editorial_note(block_id: str, k: int, note: str, view: LangView) -> Segment:
    """The reader's note under a corrected block (zh part of 'zh / en' notes is the source)."""
    zh_note = note.split(" / ")[0]
    return view.segment(f"{block_id}/note{k}", zh_note)


def heading_note(doc_id: str, section_id: str, k: int, note: str, view: LangView) -> Segment:
    """The editor's note on a heading ("中文 / English" in the corrections file): the Chinese part;
    in English a reviewed translation, else the English part, else the Chinese (marked)."""
    zh, _, en = (note or "").partition(" / ")
    if view.lang == "zh" or not zh:
        return Segment(zh, "zh")
    got = view.tr(f"{doc_id}/{section_id}/note{k}", zh) or en
    return Segment(got, "en") if got else Segment(zh, "zh", True)


def toc_title(doc, view: LangView):
    """(index, toc entry) -> "number title" in `view`'s language (for the truncation sentence)."""
    def title_of(i, e):
        return f"{section_number(e['number'], view.lang)} {view.plain(f'{doc.id}/toc/{i}', e['title'])}".strip()
    return title_of


# ---------------------------------------------------------------- tables

@dataclass
class Cell:
    """One table cell as a reader sees it (plain text; renderers escape)."""

    text: str
    header: bool = False
    scope: str = ""              # col | colgroup | row
    num: bool = False
    colspan: int = 1
    rowspan: int = 1
    sup: str = ""                # footnote marker after the label
    unit: str = ""               # unit suffix of a header ("（亿美元）", " (USD billion)")
    value: float | None = None   # the number shown, in the display unit (before rounding)
    ndec: int = 0                # decimals shown (numbers)

    def number(self):
        """The number as shown: `value` rounded to the decimals the reader sees."""
        return round(self.value, self.ndec)

    def number_text(self) -> str:
        """The number as shown, without thousands separators (data files)."""
        return f"{self.value:.{self.ndec}f}"


@dataclass
class TableView:
    """A table in one language: localised labels, units, converted and rounded values."""

    id: str
    lang: str
    number: str
    label: str                   # "表1" | "Table 1"
    caption: str
    caption_fallback: bool       # English caption missing: the Chinese one is shown
    unit_caption: str            # "（单位：亿美元）" | " (USD billion)" (years-across tables)
    head: list[list[Cell]]
    body: list[list[Cell]]
    note: str
    footnotes: list[tuple[str, str, str]]     # (marker, label, text)
    findings: list[str]
    ncols: int
    downloads: dict = field(default_factory=dict)   # kind -> path relative to the site root
    ui: dict = field(default_factory=dict)          # the interface words around the table
    data_fields: list[str] = field(default_factory=list)      # the tidy data (downloads): CSV field names
    data_header: list[str] = field(default_factory=list)      # … as readers see them
    data: list[list[Cell]] = field(default_factory=list)       # one observation per row, as shown


# The fields of the tidy data readers get (their names: ui.py `table_field_*`); internal columns
# (source_line) are left out.
DATA_FIELDS = ("year", "category", "group", "series", "unit", "value")


@dataclass
class Observation:
    """One row of a table's data as readers of a language see it: the page's cells, the print
    edition's cells and the downloads' rows are all made of these (labels, unit, rounded value)."""

    rec: dict                    # the reconciled CSV record (zh labels, source unit)
    labels: dict[str, str]       # category | group | series | unit -> localised text
    value: Cell                  # converted and rounded like the page


def observations(table, lang: str, tr=None) -> list[Observation]:
    """Every observation of `table` in `lang`, in CSV order: the one place that localises a
    label or unit and converts and rounds a value for readers."""
    dec = T.decimals(table, lang)
    out = []
    for r in table.data.to_dict("records"):      # (plain dicts: much faster than iterrows)
        r.setdefault("group", "")
        labels = {k: _lab(table, k, r[k], lang, tr) for k in ("category", "group", "series") if k in r}
        labels["unit"] = T.unit_label(r["unit"], lang)
        out.append(Observation(r, labels, _value_cell(r, lang, dec, r["group"])))
    return out


def _tidy(table, lang: str, obs: list[Observation], words: dict) -> tuple[list[str], list[str], list[list[Cell]]]:
    """(fields, header, rows) of the reader's data: fields in the schema's order, internal columns
    left out; the key field is named as in the source's table."""
    s = table.schema
    fields = [f for f in s.fields if f["name"] in DATA_FIELDS]
    header = [(f.get(lang) or words["field_" + f["name"]]) if f["name"] == s.key_field else words["field_" + f["name"]]
              for f in fields]
    rows = []
    for o in obs:
        row = []
        for f in fields:
            name = f["name"]
            if name == "value":
                row.append(o.value)
            elif name == "year":
                y = int(o.rec["year"])
                row.append(Cell(str(y), num=True, value=y))
            else:
                row.append(Cell(o.labels[name]))
        rows.append(row)
    return [f["name"] for f in fields], header, rows


def _lab(table, kind, zh, lang, tr) -> str:
    return T.label_text(table, T.key_of(table, kind, zh), lang, tr) if zh else ""


def _unit_suffix(unit: str | None, lang: str) -> str:
    if not unit or unit == "count":
        return ""
    u = T.unit_label(unit, lang)
    return f"（{u}）" if lang == "zh" else f" ({u})"


def _head_cell(table, col, lang, tr) -> Cell:
    s = table.schema
    if col.role == "key":
        if col.group:
            text = T.label_text(table, col.group, lang, tr)
        else:
            fkey = next(k for k, v in s.labels.items() if v.kind == "field")
            text = T.label_text(table, fkey, lang, tr) if s.orientation == "rows" else ""
        return Cell(text, header=True, scope="col")
    if col.year is not None:
        return Cell(str(col.year) if lang == "en" else f"{col.year}年", header=True, scope="col", num=True)
    mark = next((f.marker for f in s.footnotes if f.label == col.series), "")
    unit = "" if s.orientation == "columns" else _unit_suffix(col.unit, lang)
    return Cell(T.label_text(table, col.series, lang, tr), header=True, scope="col", num=True, sup=mark, unit=unit)


def _head(table, lang, tr) -> list[list[Cell]]:
    s = table.schema
    cols = s.columns
    grouped = s.orientation == "rows" and any(c.group for c in cols if c.role == "value")
    if not grouped:
        return [[_head_cell(table, c, lang, tr) for c in cols]]
    top, sub, i = [], [], 0
    while i < len(cols):
        c = cols[i]
        if c.role == "key":
            cell = _head_cell(table, c, lang, tr)
            cell.rowspan = 2
            top.append(cell)
            i += 1
            continue
        j = i
        while j < len(cols) and cols[j].role == "value" and cols[j].group == c.group:
            j += 1
        top.append(Cell(T.label_text(table, c.group, lang, tr) if c.group else "", header=True,
                        scope="colgroup", colspan=j - i))
        sub += [_head_cell(table, cols[k], lang, tr) for k in range(i, j)]
        i = j
    return [top, sub]


def _value_cell(r, lang, dec, g) -> Cell:
    nd = dec[(g, r["series"], r["unit"])]
    return Cell(T.format_value(r["value"], r["unit"], lang, nd), num=True,
                value=T.display_value(r["value"], r["unit"], lang), ndec=nd)


def _body(table, obs: list[Observation]) -> list[list[Cell]]:
    """The printed table's body, laid out from the observations (the same cells as the data)."""
    s = table.schema
    rows = []
    if s.orientation == "columns":
        by_series: dict[str, dict[int, Observation]] = {}
        for o in obs:
            by_series.setdefault(o.rec["series"], {})[int(o.rec["year"])] = o
        for by_year in by_series.values():
            first = next(iter(by_year.values()))
            cells = [Cell(first.labels["series"], header=True, scope="row")]
            cells += [by_year[c.year].value for c in s.columns[1:]]
            rows.append(cells)
        return rows
    block_group = {c.block: c.group for c in s.columns if c.role == "key"}
    by_line: dict[int, list[Observation]] = {}
    for o in obs:
        by_line.setdefault(o.rec["source_line"], []).append(o)
    for g in by_line.values():
        look = {(o.rec["group"], o.rec["series"]): o for o in g}
        cells = []
        for c in s.columns:
            gkey = c.group or block_group.get(c.block)
            gz = s.labels[gkey].zh if gkey else ""
            if c.role == "key":
                o = next((o for (gg, _), o in look.items() if gg == gz or not c.group), None)
                text = str(int(o.rec["year"])) if s.key_field == "year" else o.labels["category"]
                cells.append(Cell(text, header=True, scope="row"))
            else:
                cells.append(look[(gz, s.labels[c.series].zh)].value)
        rows.append(cells)
    return rows


def table_view(table, lang: str, tr=None) -> TableView:
    """The table as readers of `lang` see it, on the page, in print and in the downloads."""
    s = table.schema
    words = Words("table_", tr)[lang]
    caption = T.caption_text(table, lang, tr)
    unit_caption = ""
    if s.orientation == "columns":
        units = sorted({c.unit for c in s.columns if c.unit})
        unit_caption = words["unit_caption"].format(u="、".join(T.unit_label(u, lang) for u in units))
    obs = observations(table, lang, tr)
    data_fields, data_header, data = _tidy(table, lang, obs, words)
    footnotes = [(f.marker, T.label_text(table, f.label, lang, tr), T.footnote_text(table, i, lang, tr))
                 for i, f in enumerate(s.footnotes)]
    return TableView(
        id=s.id, lang=lang, number=s.number, label=words["table"].format(n=s.number), caption=caption,
        caption_fallback=lang == "en" and caption == s.caption.zh, unit_caption=unit_caption,
        head=_head(table, lang, tr), body=_body(table, obs), note=T.note_text(table, lang, tr),
        data_fields=data_fields, data_header=data_header, data=data,
        footnotes=footnotes, findings=[T.finding_text(table, f, lang, tr) for f in T.shown_findings(table)],
        ncols=len(s.columns), downloads=T.download_paths(s.id, lang), ui=words)


def block_anchor(block_id: str) -> str:
    """A block's HTML id, the same in every view: its stable id within the document ("s3-p4");
    made from the pipeline's own slugs only (the side-by-side English column suffixes it "-en")."""
    return re.sub(r"[^\w-]", "", "-".join(block_id.split("/")[-2:]))
