"""Tables become data: raw source tables -> tidy CSV + schema YAML, validated.

The raw `table` item of a source document (tab-separated rows with their source lines) is parsed
in code, with general rules only (no per-table values):

* leading rows without a number are header rows; a header row with gaps is a *group* row
  (merged cells, forward-filled), the other header rows are stacked per column
  ("贸易额/" + "亿美元");
* units come from the header ("/ 亿美元", "/%", "占比(%)") or from the caption ("(单位：亿美元)");
  a label ending in 数 ("企业数") counts things;
* a column whose data cells are all text is a row-label column; several of them mean side-by-side
  blocks (white paper Table 1: exports | imports);
* if every value-column header is a year, the table is transposed (years run across).

Presentation choices (English labels, chart type, identities to check) live in the reviewed file
`data/tables/presentation.yaml`. Output per table: `data/tables/<id>.csv` (one observation per
row) and `data/tables/<id>.schema.yaml` (structure: `TableSchema`).
"""
from __future__ import annotations

import io
import math
import re
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .atomic import write_atomic
from .errors import BuildError, Problem

PRESENTATION = Path(__file__).resolve().parent.parent / "data" / "tables" / "presentation.yaml"

# ---------------------------------------------------------------------------------------------
# Rules (module-level data)

YEAR_RE = re.compile(r"^((?:19|20)\d{2})\s*年?$")
NUMBER_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")
THOUSANDS_RE = re.compile(r"(?<=\d)[ \u00a0\u2009\u202f,](?=\d{3}(?!\d))")
CAPTION_UNIT_RE = re.compile(r"\s*[(（]\s*单位\s*[:：]\s*([^)）]+?)\s*[)）]\s*$")
HEADER_UNIT_RES = [re.compile(r"^(?P<label>.*?)\s*/\s*(?P<unit>亿美元|%)$"),
                   re.compile(r"^(?P<label>.*?)\s*[(（]\s*(?P<unit>亿美元|%)\s*[)）]$")]
COUNT_LABEL_RE = re.compile(r"数$")
FOOTNOTE_MARK_RE = re.compile(r"(\\?\*+)$")
SOURCE_NOTE_RE = re.compile(r"^(?:注\s*[:：]\s*)?((?:数据|资料)来源.*)$")
CJK_SPACE_RE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
BARE_SHARE_LABELS = {"占比"}       # "占比" alone = share of the preceding column's quantity

UNITS: dict[str, dict[str, Any]] = {
    "亿美元": {"zh": "亿美元", "en": "USD billion", "factor_en": 0.1,
             "description": "10^8 US dollars (亿美元); English output divides by 10 (USD billion)"},
    "%": {"zh": "%", "en": "%", "factor_en": 1.0, "description": "percent (0-100)"},
    "count": {"zh": "个", "en": "count", "factor_en": 1.0, "description": "number of entities"},
}
IDENTITY_ABS_TOL = 0.05
IDENTITY_REL_TOL = 1e-3
ANOMALY_WINDOW = 2        # neighbours on each side
ANOMALY_RATIO = 2.5       # flag a spike >= 2.5x (or <= 1/2.5) the neighbours on both sides
CSV_COLUMNS_ORDER = ["year", "category", "group", "series", "unit", "value", "source_line"]


# ---------------------------------------------------------------------------------------------
# Schema structure (declared once)

@dataclass
class Text:
    """A bilingual string."""

    zh: str
    """Chinese text, as in the source (normalised whitespace)."""
    en: str = ""
    """English text (reviewed, from presentation.yaml); empty if missing (validate warns)."""


@dataclass
class Label(Text):
    """A translatable label of a field value (group, series, category) or of a CSV field."""

    kind: str = "series"
    """field | group | series | category."""


@dataclass
class Column:
    """One column of the original table layout (used to re-draw the grouped header)."""

    role: str
    """key (row-label column) | value."""
    block: int = 0
    """Side-by-side block number (0 unless the table has several row-label columns)."""
    group: str | None = None
    """Label key of the merged group header above this column, if any."""
    series: str | None = None
    """Label key of the series (value columns of non-transposed tables)."""
    year: int | None = None
    """Year of this column (transposed tables, where years run across)."""
    unit: str | None = None
    """Unit key (see `units`)."""
    header: list[str] = field(default_factory=list)
    """Raw header text of this column, one entry per header row (after forward-fill)."""


@dataclass
class Footnote:
    """A footnote attached to a column label by a marker such as '*'."""

    marker: str
    """The marker as printed ('*')."""
    label: str
    """Label key it annotates."""
    text: Text
    """The footnote text."""
    line: int
    """Source line of the footnote."""


@dataclass
class TableSchema:
    """Everything about a table except its observations (those are in the CSV)."""

    id: str
    """`<doc_id>-t<number>`; unique over the site."""
    doc: str
    """Source document id."""
    number: str
    """Table number as printed ("1")."""
    source_file: str
    """Raw source file the table was extracted from."""
    caption_line: int
    """Source line of the caption."""
    caption: Text
    """Caption without the unit clause."""
    key_field: str
    """CSV field that identifies a row: 'year' or 'category'."""
    orientation: str
    """'rows' (one source row per key) or 'columns' (years run across; transposed)."""
    fields: list[dict]
    """CSV fields in order: {name, type, zh, en, description}."""
    labels: dict[str, Label]
    """Label key -> bilingual label, for every group/series/category value and CSV field."""
    units: dict[str, dict]
    """Unit key -> {zh, en, factor_en, description}, for the units this table uses."""
    columns: list[Column]
    """The original column layout (to render the table like the source)."""
    source_note: Text | None
    """Data source note under the table ('数据来源于 WITS 数据库。')."""
    source_note_line: int | None
    """Source line of the data source note."""
    footnotes: list[Footnote]
    """Footnotes such as 企业数*."""
    chart: dict
    """Chart spec from presentation.yaml: {type, x, y, color, ...} naming CSV fields."""
    identities: list[dict]
    """Checks `total = sum(parts)`: {total: series zh, parts: [series zh, ...], group: optional}."""


@dataclass
class Table:
    """A table: schema + tidy observations (columns: see `TableSchema.fields`)."""

    schema: TableSchema
    data: pd.DataFrame
    _findings: list | None = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.schema.id


@dataclass
class Finding:
    """One validation result. Data is never changed; findings are shown."""

    severity: str
    """error | warning."""
    path: str
    """Source file (or CSV file)."""
    line: int | None
    """Source line (or CSV row number, header = row 1)."""
    message: str
    fix: str = ""
    key: str = ""
    """Stable id of the finding kind (anomaly, identity, percent, label...)."""
    params: dict = field(default_factory=dict)
    """Structured details for the reader-facing text (see `finding_text`)."""

    def to_problem(self) -> Problem:
        return Problem(self.path, self.line, self.message, self.fix, self.severity)

    def __str__(self) -> str:
        return str(self.to_problem())


# ---------------------------------------------------------------------------------------------
# Presentation (reviewed, hand-edited)

_PRESENTATION_CACHE: dict[tuple, dict] = {}


def load_presentation(path: Path = PRESENTATION) -> dict:
    """Read presentation.yaml (parsed once per file version); remember the line of each
    table's entry and chart spec."""
    path = Path(path)
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _PRESENTATION_CACHE:
        _PRESENTATION_CACHE.clear()
        _PRESENTATION_CACHE[key] = _parse_presentation(path)
    return _PRESENTATION_CACHE[key]


def _parse_presentation(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BuildError(_err(path, mark.line + 1 if mark else None, f"invalid YAML: {exc}",
                              "fix the YAML syntax")) from exc
    if not isinstance(data, dict) or not isinstance(data.get("tables") or {}, dict):
        raise BuildError(_err(path, 1, "presentation.yaml must be a mapping with `labels:` and `tables:` mappings",
                              "see the comment at the top of data/tables/presentation.yaml"))
    lines: dict[str, int] = {}
    for k, v in getattr(root, "value", []) or []:
        if k.value == "tables":
            for tk, tv in v.value:
                lines[tk.value] = tk.start_mark.line + 1
                for ck, _cv in tv.value:
                    lines[f"{tk.value}/{ck.value}"] = ck.start_mark.line + 1
    data["_path"] = str(path)
    data["_lines"] = lines
    return data


def _en(pres: dict, table_id: str, zh: str) -> str:
    """English label for zh: the table's own labels first, then the shared ones."""
    own = (pres.get("tables", {}).get(table_id, {}) or {}).get("labels", {}) or {}
    return own.get(zh) or (pres.get("labels", {}) or {}).get(zh, "") or ""


# ---------------------------------------------------------------------------------------------
# Parsing helpers

def parse_number(cell: str) -> float | None:
    """'4 862.04' -> 4862.04; None if the cell is not a number."""
    s = THOUSANDS_RE.sub("", cell.strip())
    return float(s) if NUMBER_RE.match(s) else None


def _clean_header(s: str) -> str:
    return CJK_SPACE_RE.sub("", " ".join(s.split()))


def split_unit(header: str, default: str | None) -> tuple[str, str | None]:
    """'中国与美国贸易额/ 亿美元' -> ('中国与美国贸易额', '亿美元'); '企业数' -> ('企业数', 'count')."""
    h = _clean_header(header)
    for rx in HEADER_UNIT_RES:
        m = rx.match(h)
        if m:
            return m.group("label").strip(), m.group("unit")
    if COUNT_LABEL_RE.search(h):
        return h, "count"
    return h, default


def split_caption(caption: str) -> tuple[str, str | None]:
    """'美国对华服务出口贸易主要构成 (单位：亿美元)' -> (caption, '亿美元')."""
    m = CAPTION_UNIT_RE.search(caption)
    if not m:
        return " ".join(caption.split()), None
    return " ".join(caption[: m.start()].split()), m.group(1).strip()


def _is_header_row(cells: list[str]) -> bool:
    return all(parse_number(c) is None for c in cells[1:]) and not YEAR_RE.match(cells[0].strip())


def _ffill(cells: list[str]) -> list[str]:
    out, last = [], ""
    for i, c in enumerate(cells):
        c = c.strip()
        if c:
            last = c
        out.append(c or (last if i > 0 else ""))
    return out


def _header_columns(hrows: list[list[str]]) -> tuple[list[str | None], list[str], str]:
    """Per column: group text (or None), stacked header text; and the key-column header."""
    width = len(hrows[0])
    groups: list[str | None] = [None] * width
    stacked = [""] * width
    for k, cells in enumerate(hrows):
        gappy = any(not c.strip() for c in cells[1:])
        if gappy and k < len(hrows) - 1 and _is_group_row(hrows, k):
            for i, c in enumerate(_ffill(cells)):
                if i > 0:
                    groups[i] = c or None
            stacked[0] = stacked[0] or cells[0].strip()
            continue
        for i, c in enumerate(cells):
            stacked[i] += c.strip()
    return groups, stacked, stacked[0]


def _is_group_row(hrows: list[list[str]], k: int) -> bool:
    """A gappy header row with a full row below it is a merged-cell group row."""
    below = hrows[k + 1]
    return all(c.strip() for c in below[1:])


# ---------------------------------------------------------------------------------------------
# Extraction

def table_id(doc_id: str, number: str) -> str:
    return f"{doc_id}-t{number}"


def _err(path, line, msg, fix="") -> Problem:
    return Problem(str(path), line, msg, fix)


def extract(meta, item, presentation: dict | None = None) -> Table:
    """Parse one raw `table` item of document `meta` into a tidy Table (raises BuildError)."""
    pres = presentation if presentation is not None else load_presentation(presentation_path(meta))
    path = _rel(meta.path if getattr(meta, "path", None) else meta.file)
    a = item.attrs
    tid = table_id(meta.id, str(a["number"]))
    caption, cap_unit = split_caption(a["caption"])
    if cap_unit is not None and cap_unit not in UNITS:
        raise BuildError(_err(path, a.get("caption_line"), f"unknown unit {cap_unit!r} in caption",
                              f"use one of {sorted(UNITS)} or add it to bireport.tables.UNITS"))
    rows = [(ln, txt.split("\t")) for ln, txt in a["rows"]]
    if not rows:
        raise BuildError(_err(path, a.get("caption_line"), f"table {tid} has no rows", ""))
    nh = 0
    while nh < len(rows) and _is_header_row(rows[nh][1]):
        nh += 1
    if nh == 0 or nh == len(rows):
        raise BuildError(_err(path, rows[0][0], f"table {tid}: cannot tell header rows from data rows",
                              "the first row(s) must be column labels and the rest must hold numbers"))
    hrows, drows = rows[:nh], rows[nh:]
    width = len(hrows[-1][1])
    problems = []
    for ln, cells in rows:
        if len(cells) != width:
            problems.append(_err(path, ln, f"table {tid}: row has {len(cells)} cells, expected {width} "
                                 f"(like the header)", "fix the tabs in this row: one tab between cells, "
                                 "empty cells kept as empty strings"))
    if problems:
        raise BuildError(problems)
    groups, stacked, key_header = _header_columns([c for _, c in hrows])
    label_cols = [i for i in range(width)
                  if all(parse_number(cells[i]) is None for _, cells in drows)]
    if 0 not in label_cols:
        label_cols.insert(0, 0)
    for ln, cells in drows:
        for i in range(width):
            if i not in label_cols and parse_number(cells[i]) is None:
                problems.append(_err(path, ln, f"table {tid}: cell {i + 1} {cells[i]!r} is not a number "
                                     f"(column {stacked[i]!r})", "correct the number in the source "
                                     "(or in data/corrections) — values are never guessed"))
    if problems:
        raise BuildError(problems)
    years_across = all(YEAR_RE.match(stacked[i]) for i in range(width) if i not in label_cols) \
        and len(label_cols) == 1
    ctx = _Ctx(tid, meta.id, path, pres, cap_unit)
    if years_across:
        df = _extract_transposed(ctx, stacked, drows)
    else:
        df = _extract_rows(ctx, groups, stacked, label_cols, drows)
    for _, r in df[df["unit"] == "%"].iterrows():
        if not 0 <= r["value"] <= 100:
            problems.append(_err(path, int(r["source_line"]), f"table {tid}: percentage {r['value']} is "
                                 f"outside 0-100 ({r['series']})", "check the source value or the unit"))
    if problems:
        raise BuildError(problems)
    notes, footnotes = _notes(ctx, a.get("notes", []))
    schema = TableSchema(
        id=tid, doc=meta.id, number=str(a["number"]), source_file=path,
        caption_line=int(a.get("caption_line") or 0),
        caption=Text(caption, _en(pres, tid, caption) or _table_pres(pres, tid).get("caption_en", "")),
        key_field=ctx.key_field, orientation="columns" if years_across else "rows",
        fields=_fields(ctx, df), labels=ctx.labels, units={u: UNITS[u] for u in sorted(set(df["unit"]))},
        columns=ctx.columns, source_note=notes[0] if notes else None,
        source_note_line=notes[1] if notes else None, footnotes=footnotes,
        chart=dict(_table_pres(pres, tid).get("chart") or {}),
        identities=list(_table_pres(pres, tid).get("identities") or []))
    table = Table(schema, df)
    check_chart_spec(schema, pres.get("_path", str(PRESENTATION)),
                     pres.get("_lines", {}).get(f"{tid}/chart") or pres.get("_lines", {}).get(tid))
    return table


def presentation_path(meta) -> Path:
    """The presentation.yaml of the project `meta` belongs to (data/sources/<file> ->
    data/tables/presentation.yaml), so a project copy reads its own; the package default otherwise."""
    src = getattr(meta, "path", None)
    if src:
        cand = Path(src).parent.parent / "tables" / "presentation.yaml"
        if cand.is_file():
            return cand
    return PRESENTATION


def _rel(p) -> str:
    """Source path relative to the project root (stable in committed schema files, and in chart
    cache keys: a copy of the project elsewhere gives the same `data/sources/<file>`)."""
    p = Path(p)
    in_data = p.resolve().parent.parent.name == "data" and p.resolve().parent.name in ("sources", "tables")
    for root in (PRESENTATION.parent.parent.parent, p.resolve().parent.parent.parent if in_data else None):
        if root is None:
            continue
        try:
            return p.resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    return p.as_posix()


def _table_pres(pres: dict, tid: str) -> dict:
    return (pres.get("tables", {}) or {}).get(tid, {}) or {}


class _Ctx:
    """Label registry while extracting one table."""

    def __init__(self, tid, doc, path, pres, cap_unit):
        self.tid, self.doc, self.path, self.pres, self.cap_unit = tid, doc, path, pres, cap_unit
        self.labels: dict[str, Label] = {}
        self.by_zh: dict[tuple[str, str], str] = {}
        self.columns: list[Column] = []
        self.key_field = "category"

    def label(self, kind: str, zh: str) -> str:
        """Register a label; returns its key ('series-2')."""
        if (kind, zh) not in self.by_zh:
            n = sum(1 for k in self.by_zh if k[0] == kind) + 1
            key = f"{kind}-{n}"
            self.by_zh[(kind, zh)] = key
            self.labels[key] = Label(zh, _en(self.pres, self.tid, zh), kind)
        return self.by_zh[(kind, zh)]


def _year(s: str) -> int | None:
    m = YEAR_RE.match(s.strip())
    return int(m.group(1)) if m else None


def _series_labels(ctx, groups, stacked, value_cols):
    """Per value column: (group zh, series zh, unit, footnote marker)."""
    out = {}
    prev_label = None
    for i in value_cols:
        raw = stacked[i]
        mark = FOOTNOTE_MARK_RE.search(raw)
        marker = mark.group(1).replace("\\", "") if mark else ""
        if mark:
            raw = raw[: mark.start()]
        label, unit = split_unit(raw, ctx.cap_unit)
        if label in BARE_SHARE_LABELS and prev_label:
            label = prev_label + label
        if unit is None and label.endswith("占比"):
            unit = "%"
        if unit is None:
            raise BuildError(_err(ctx.path, None, f"table {ctx.tid}: no unit for column {stacked[i]!r}",
                                  "add the unit to the header ('/ 亿美元', '/%') or the caption "
                                  "('(单位：亿美元)')"))
        if not label.endswith("占比"):
            prev_label = label
        out[i] = (groups[i], label, unit, marker)
    return out


def multi_block(label_cols) -> bool:
    return len(label_cols) > 1


def _extract_rows(ctx, groups, stacked, label_cols, drows) -> pd.DataFrame:
    """One source row per key (year or category); value columns are series."""
    blocks = {c: b for b, c in enumerate(label_cols)}
    value_cols = [i for i in range(len(stacked)) if i not in label_cols]
    years = all(_year(cells[0]) is not None for _, cells in drows) and len(label_cols) == 1
    ctx.key_field = "year" if years else "category"
    key_header = "" if multi_block(label_cols) else _clean_header(stacked[0])
    ctx.label("field", key_header or ("年份" if years else "类别"))
    info = _series_labels(ctx, groups, stacked, value_cols)
    ctx.markers = {}
    col_block, b = {}, 0
    for i in range(len(stacked)):
        if i in blocks:
            b = blocks[i]
        col_block[i] = b
    multi = len(label_cols) > 1
    for i in range(len(stacked)):
        if i in blocks:
            g = ctx.label("group", _clean_header(stacked[i])) if multi else None
            ctx.columns.append(Column("key", blocks[i], g, None, None, None, [stacked[i]]))
        else:
            gz, sz, unit, marker = info[i]
            g = ctx.label("group", gz) if gz else None
            s = ctx.label("series", sz)
            if marker:
                ctx.markers[marker] = s
            ctx.columns.append(Column("value", col_block[i], g, s, None, unit, [stacked[i]]))
    recs = []
    for ln, cells in drows:
        for i in value_cols:
            gz, sz, unit, _ = info[i]
            blk = col_block[i]
            key_cell = cells[label_cols[blk]].strip()
            rec = {"group": _clean_header(stacked[label_cols[blk]]) if multi else (gz or ""),
                   "series": sz, "unit": unit, "value": parse_number(cells[i]), "source_line": ln}
            if years:
                rec["year"] = _year(key_cell)
            else:
                rec["category"] = " ".join(key_cell.split())
                ctx.label("category", rec["category"])
            recs.append(rec)
    return _frame(recs)


def _extract_transposed(ctx, stacked, drows) -> pd.DataFrame:
    """Years run across: each source row is a series."""
    ctx.key_field = "year"
    ctx.label("field", "年份")
    ctx.markers = {}
    ctx.columns.append(Column("key", header=[stacked[0]]))
    unit = ctx.cap_unit
    if unit is None:
        raise BuildError(_err(ctx.path, drows[0][0], f"table {ctx.tid}: no unit",
                              "add '(单位：亿美元)' to the caption"))
    for i in range(1, len(stacked)):
        ctx.columns.append(Column("value", year=_year(stacked[i]), unit=unit, header=[stacked[i]]))
    recs = []
    for ln, cells in drows:
        sz = " ".join(cells[0].split())
        ctx.label("series", sz)
        for i in range(1, len(stacked)):
            recs.append({"year": _year(stacked[i]), "group": "", "series": sz, "unit": unit,
                         "value": parse_number(cells[i]), "source_line": ln})
    return _frame(recs)


def _frame(recs) -> pd.DataFrame:
    df = pd.DataFrame.from_records(recs)
    cols = [c for c in CSV_COLUMNS_ORDER if c in df.columns]
    if (df["group"] == "").all():
        cols.remove("group")
    df = df[cols]
    if "year" in df:
        df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype("float64")
    df["source_line"] = df["source_line"].astype("int64")
    return df.reset_index(drop=True)


FIELD_DOCS = {
    "year": ("integer", "年份", "Year", "calendar year"),
    "category": ("string", "类别", "Category", "row label as printed in the source"),
    "group": ("string", "分组", "Group", "merged group header above the column (or block header)"),
    "series": ("string", "指标", "Series", "column label as printed (unit removed)"),
    "unit": ("string", "单位", "Unit", "亿美元 = 10^8 USD (USD billion = value / 10); % = percent; "
             "count = number of entities"),
    "value": ("number", "数值", "Value", "the number as printed, in `unit`"),
    "source_line": ("integer", "源文件行号", "Source line", "line of the raw source file holding the value"),
}


def _fields(ctx, df) -> list[dict]:
    out = []
    for name in df.columns:
        typ, zh, en, desc = FIELD_DOCS[name]
        if name == ctx.key_field:
            fkey = next(k for k, v in ctx.labels.items() if v.kind == "field")
            zh = ctx.labels[fkey].zh
            en = ctx.labels[fkey].en or en
        out.append({"name": name, "type": typ, "zh": zh, "en": en, "description": desc})
    return out


def _notes(ctx, notes) -> tuple[tuple[Text, int] | None, list[Footnote]]:
    src, fns = None, []
    for ln, text in notes:
        t = " ".join(text.split())
        m = SOURCE_NOTE_RE.match(t)
        fm = re.match(r"^(.+?)(\\?\*+)\s*[:：]\s*(.+)$", t)
        if fm and fm.group(2).replace("\\", "") in ctx.markers:
            marker = fm.group(2).replace("\\", "")
            body = fm.group(3).strip()
            fns.append(Footnote(marker, ctx.markers[marker], Text(body, _en(ctx.pres, ctx.tid, body)), ln))
        elif m and src is None:
            body = m.group(1).strip()
            src = (Text(body, _en(ctx.pres, ctx.tid, body)), ln)
        else:
            raise BuildError(_err(ctx.path, ln, f"table {ctx.tid}: note {t!r} is neither a data source "
                                  "nor a footnote of a marked column",
                                  "start it with 数据来源/资料来源, or mark the column label with '*'"))
    return src, fns


# ---------------------------------------------------------------------------------------------
# Chart spec check

CHART_TYPES = {"line", "stacked_bar", "hbar_blocks", "small_multiples", "ratio_bar"}
CHART_FIELD_KEYS = ("x", "y", "color", "facet", "panel", "stroke")


def check_chart_spec(schema: TableSchema, path: str, line: int | None) -> None:
    """Raise if the chart spec names an unknown type or a field that is not a CSV field."""
    spec = schema.chart
    names = {f["name"] for f in schema.fields}
    problems = []
    if not spec:
        problems.append(_err(path, line, f"table {schema.id}: no chart spec",
                             f"add tables: {schema.id}: chart: {{type: line, x: year, ...}}"))
    elif spec.get("type") not in CHART_TYPES:
        problems.append(_err(path, line, f"table {schema.id}: unknown chart type {spec.get('type')!r}",
                             f"use one of {sorted(CHART_TYPES)}"))
    for k in CHART_FIELD_KEYS:
        if spec.get(k) is not None and spec[k] not in names:
            problems.append(_err(path, line, f"table {schema.id}: chart {k}: {spec[k]!r} is not a field "
                                 f"of the table", f"use one of {sorted(names)}"))
    if problems:
        raise BuildError(problems)


# ---------------------------------------------------------------------------------------------
# Validation

def validate(table: Table) -> list[Finding]:
    """Types, percent range, identities, anomalies. Never changes the data."""
    s, df = table.schema, table.data
    out: list[Finding] = []
    out += _check_types(s, df)
    out += _check_labels(s)
    out += _check_identities(s, df)
    out += _check_anomalies(s, df)
    return out


def _check_types(s, df) -> list[Finding]:
    out = []
    for i, r in df.iterrows():
        v = r["value"]
        line = int(r["source_line"])
        if not isinstance(v, (int, float)) or math.isnan(v):
            out.append(Finding("error", s.source_file, line, f"{s.id}: value {v!r} is not a number", "", "type"))
        elif r["unit"] == "%" and not 0 <= v <= 100:
            out.append(Finding("error", s.source_file, line, f"{s.id}: percentage {v} outside 0-100",
                               "check the value", "percent"))
        elif v < 0:
            out.append(Finding("warning", s.source_file, line, f"{s.id}: negative value {v}", "", "negative"))
    return out


def _check_labels(s) -> list[Finding]:
    out = []
    for key, lab in s.labels.items():
        if not lab.en:
            out.append(Finding("warning", s.source_file, s.caption_line,
                               f"{s.id}: no English label for {lab.zh!r} ({key})",
                               f"add '{lab.zh}: ...' under labels in data/tables/presentation.yaml", "label"))
    if not s.caption.en:
        out.append(Finding("warning", s.source_file, s.caption_line, f"{s.id}: no English caption",
                           "add caption_en in data/tables/presentation.yaml", "label"))
    return out


def _check_identities(s, df) -> list[Finding]:
    out = []
    keyf = s.key_field
    for ident in s.identities:
        sub = df[df["series"].isin([ident["total"], *ident["parts"]])]
        if ident.get("group") and "group" in df:
            sub = sub[sub["group"] == ident["group"]]
        wide = sub.pivot_table(index=keyf, columns="series", values="value", aggfunc="first")
        lines = sub[sub["series"] == ident["total"]].set_index(keyf)["source_line"]
        missing = [c for c in [ident["total"], *ident["parts"]] if c not in wide.columns]
        if missing:
            out.append(Finding("error", s.source_file, s.caption_line,
                               f"{s.id}: identity names unknown series {missing}",
                               "fix identities in data/tables/presentation.yaml", "identity"))
            continue
        for k, r in wide.iterrows():
            total, parts = r[ident["total"]], sum(r[p] for p in ident["parts"])
            diff = abs(total - parts)
            if diff > IDENTITY_ABS_TOL and diff > IDENTITY_REL_TOL * abs(total):
                out.append(Finding("error", s.source_file, int(lines.get(k, 0)) or None,
                                   f"{s.id} {k}: {ident['total']} = {total:g} but "
                                   f"{' + '.join(ident['parts'])} = {parts:g} (difference {diff:.2f})",
                                   "check the three values against the original publication", "identity",
                                   {"key": int(k) if keyf == "year" else k, "total": ident["total"],
                                    "parts": list(ident["parts"]), "diff": round(diff, 4)}))
    return out


def _check_anomalies(s, df) -> list[Finding]:
    """A spike: a value >= ANOMALY_RATIO x (or <= 1/x) the median of its neighbours on BOTH sides.

    Requiring both sides keeps level shifts (a series that jumps and stays) and end points quiet.
    """
    if s.key_field != "year":
        return []
    out = []
    keys = [c for c in ("group", "series", "unit") if c in df.columns]
    for _, g in df.sort_values("year", kind="stable").groupby(keys, sort=False):
        vals, years, lines = list(g["value"]), list(g["year"]), list(g["source_line"])
        for i, v in enumerate(vals):
            left = vals[max(0, i - ANOMALY_WINDOW): i]
            right = vals[i + 1: i + 1 + ANOMALY_WINDOW]
            if not left or not right or v <= 0:
                continue
            ratios = [v / statistics.median(side) for side in (left, right) if statistics.median(side) > 0]
            if len(ratios) < 2:
                continue
            high = all(r >= ANOMALY_RATIO for r in ratios)
            low = all(r <= 1 / ANOMALY_RATIO for r in ratios)
            if high or low:
                r0 = g.iloc[i]
                med = statistics.median(left + right)
                what = " ".join(x for x in (r0.get("group", ""), r0["series"]) if x)
                unit = "%" if r0["unit"] == "%" else " " + r0["unit"]
                out.append(Finding("warning", s.source_file, int(lines[i]),
                                   f"{s.id} {years[i]} {what}: {v:g}{unit} is far from the values before "
                                   f"and after it (neighbours' median {med:g}; {v / med:.2f}x)",
                                   "compare with the original publication; if it is a typo there, "
                                   "record a correction in data/corrections", "anomaly",
                                   {"year": int(years[i]), "group": r0.get("group", "") or "",
                                    "series": r0["series"], "unit": r0["unit"], "value": float(v),
                                    "median": float(med)}))
    return out


# ---------------------------------------------------------------------------------------------
# Reading and writing

def _schema_dict(s: TableSchema) -> dict:
    return asdict(s)


def _schema_from_dict(d: dict) -> TableSchema:
    d = dict(d)
    d["caption"] = Text(**d["caption"])
    d["labels"] = {k: Label(**v) for k, v in d["labels"].items()}
    d["columns"] = [Column(**c) for c in d["columns"]]
    d["source_note"] = Text(**d["source_note"]) if d.get("source_note") else None
    d["footnotes"] = [Footnote(f["marker"], f["label"], Text(**f["text"]), f["line"]) for f in d["footnotes"]]
    return TableSchema(**d)


def csv_text(table: Table) -> str:
    """The CSV exactly as written (stable row order, '\\n' line ends, shortest float repr)."""
    buf = io.StringIO()
    table.data.to_csv(buf, index=False, lineterminator="\n", float_format=None)
    return buf.getvalue()


SCHEMA_HEADER = ("# Generated by the build from {source} and data/tables/presentation.yaml;\n"
                 "# edit those (the build rewrites this file). The data is in {csv}.\n")


def schema_text(table: Table) -> str:
    return (SCHEMA_HEADER.format(source=table.schema.source_file, csv=f"{table.id}.csv")
            + yaml.safe_dump(_schema_dict(table.schema), allow_unicode=True, sort_keys=True, width=100))


def check_unique(tables: list[Table]) -> None:
    seen: dict[str, Table] = {}
    problems = []
    for t in tables:
        if t.id in seen:
            o = seen[t.id].schema
            problems.append(_err(t.schema.source_file, t.schema.caption_line,
                                 f"duplicate table id {t.id} (also {o.source_file}:{o.caption_line})",
                                 "number the tables of a document uniquely (表1, 表2, ...)"))
        seen[t.id] = t
    if problems:
        raise BuildError(problems)


def write_tables(tables: list[Table], out_dir: Path) -> list[Path]:
    """Write <id>.csv and <id>.schema.yaml per table (deterministic, atomic). Returns paths."""
    check_unique(tables)
    out_dir = Path(out_dir)
    written = []
    for t in sorted(tables, key=lambda t: t.id):
        for name, text in ((f"{t.id}.csv", csv_text(t)), (f"{t.id}.schema.yaml", schema_text(t))):
            p = out_dir / name
            if not p.exists() or p.read_text(encoding="utf-8") != text:
                write_atomic(p, text)
            written.append(p)
    return written


def load_table(tid: str, tables_dir: Path) -> Table:
    """Read a committed table (CSV + schema) back; checks the chart spec."""
    tables_dir = Path(tables_dir)
    sp, cp = tables_dir / f"{tid}.schema.yaml", tables_dir / f"{tid}.csv"
    for p in (sp, cp):
        if not p.exists():
            raise BuildError(_err(p, None, f"table {tid}: {p.name} is missing",
                                  "run the build (it extracts tables from data/sources)"))
    schema = _schema_from_dict(yaml.safe_load(sp.read_text(encoding="utf-8")))
    dtypes = {f["name"]: {"integer": "int64", "number": "float64", "string": "str"}[f["type"]]
              for f in schema.fields}
    df = pd.read_csv(cp, dtype=dtypes, keep_default_na=False)
    check_chart_spec(schema, str(sp), None)
    return Table(schema, df)


# ---------------------------------------------------------------------------------------------
# The committed data: data/tables/<id>.csv is what pages and charts show

DATA_FIELDS = ("value", "source_line")    # every other field is part of an observation's key
UPDATE_FIX = ("if the source is right, take its values with `python build.py tables --update {id}`; "
              "if the CSV is right, record the correction in data/corrections/{doc}.yaml so the "
              "source agrees")


def read_committed_csv(path: Path, schema: TableSchema) -> tuple[pd.DataFrame, list[int]]:
    """The committed CSV, checked cell by cell: (data, CSV line of each row). Every problem is
    collected and raised with the CSV's path and line."""
    import csv as csv_mod

    names = [f["name"] for f in schema.fields]
    types = {f["name"]: f["type"] for f in schema.fields}
    problems, records, lines = [], [], []
    rel = _rel(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BuildError(_err(rel, None, f"not UTF-8 ({exc.reason} at byte {exc.start})",
                              "save the file as UTF-8")) from None
    reader = csv_mod.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header != names:
        raise BuildError(_err(rel, 1, f"expected the header {','.join(names)}, found {','.join(header or [])}",
                              f"restore the header, or re-extract with `python build.py tables --update {schema.id}`"))
    for row in reader:
        line = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(names):
            problems.append(_err(rel, line, f"expected {len(names)} cells ({','.join(names)}), found {len(row)}",
                                 "one observation per row; quote cells that contain commas"))
            continue
        rec = {}
        for name, cell in zip(names, row):
            kind = types[name]
            try:
                rec[name] = int(cell) if kind == "integer" else float(cell) if kind == "number" else cell
            except ValueError:
                problems.append(_err(rel, line, f"{name} must be {'an integer' if kind == 'integer' else 'a number'}, "
                                                f"found {cell!r}", "write the number without units or separators"))
                rec = None
                break
        if rec is None:
            continue
        if rec.get("unit") == "%" and not 0 <= rec["value"] <= 100:
            problems.append(_err(rel, line, f"percentage {rec['value']:g} is outside 0-100",
                                 "percentages are written as 0-100"))
        records.append(rec)
        lines.append(line)
    if problems:
        raise BuildError(problems)
    df = pd.DataFrame.from_records(records, columns=names)
    return df.astype({n: {"integer": "int64", "number": "float64", "string": "object"}[types[n]] for n in names}), lines


def _key_text(key: dict) -> str:
    return " ".join(str(v) for v in key.values() if v not in ("", None))


def reconcile(extracted: Table, tables_dir: Path) -> tuple[Table, list[Finding]] | None:
    """The table the site shows: the committed CSV when there is one (None when there is not;
    the build then writes the extraction), checked against the fresh extraction from the source.

    The CSV must hold exactly the source table's observations (same keys and source lines, else
    an error: nothing invented, nothing lost). A value that differs from the source is kept (the
    CSV is the reviewed data) and reported: a warning in the build log and `build.py check`, and
    a note under the table on the page."""
    s = extracted.schema
    path = Path(tables_dir) / f"{s.id}.csv"
    if not path.exists():
        return None
    data, lines = read_committed_csv(path, s)
    rel = _rel(path)
    keys = [n for n in data.columns if n not in DATA_FIELDS]
    ours = {tuple(r[k] for k in keys): (r, line) for r, line in zip(data.to_dict("records"), lines)}
    theirs = {tuple(r[k] for k in keys): r for r in extracted.data.to_dict("records")}
    problems, findings = [], []
    fix = UPDATE_FIX.format(id=s.id, doc=s.doc)
    for key, (row, line) in ours.items():
        desc = _key_text(dict(zip(keys, key)))
        src = theirs.get(key)
        if src is None:
            problems.append(_err(rel, line, f"{s.id}: {desc} is not in the source table ({s.source_file}:{s.caption_line})",
                                 "the CSV holds the source table's cells only: " + fix))
        elif int(row["source_line"]) != int(src["source_line"]):
            problems.append(_err(rel, line, f"{s.id}: {desc} comes from {s.source_file}:{int(src['source_line'])}, "
                                            f"the CSV says line {int(row['source_line'])}", fix))
        elif not math.isclose(float(row["value"]), float(src["value"]), rel_tol=0, abs_tol=1e-9):
            findings.append(Finding(
                "warning", rel, line,
                f"{s.id}: {desc} is {row['value']:g} in the CSV but {src['value']:g} in the source "
                f"({s.source_file}:{int(src['source_line'])}); pages and charts show the CSV's value", fix,
                "source-diff", {**{k: (v if isinstance(v, str) else int(v)) for k, v in zip(keys, key)},
                                "csv": float(row["value"]), "source": float(src["value"])}))
    for key, src in theirs.items():
        if key not in ours:
            problems.append(_err(rel, None, f"{s.id}: {_key_text(dict(zip(keys, key)))} "
                                            f"({s.source_file}:{int(src['source_line'])}) is missing from the CSV",
                                 "the CSV holds every cell of the source table: " + fix))
    if len(ours) != len(data):
        problems.append(_err(rel, None, f"{s.id}: {len(data) - len(ours)} duplicate rows", "one row per observation"))
    if problems:
        raise BuildError(problems)
    # keep the extraction's row order (deterministic output whatever the CSV's order)
    order = {key: i for i, key in enumerate(theirs)}
    data = data.assign(_o=[order[tuple(r[k] for k in keys)] for r in data.to_dict("records")]) \
               .sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)
    return Table(s, data), findings


def validate_committed(extracted: Table, shown: Table, diffs: list[Finding]) -> list[Finding]:
    """Validation of the table the site shows. A finding that only the CSV's own values cause
    (not the source's) names the CSV rows that differ, not the source line."""
    if not diffs:
        return validate(shown)
    base = {(f.key, f.message) for f in validate(extracted)}
    out = []
    for f in validate(shown):
        if (f.key, f.message) not in base:
            near = [d for d in diffs if any(str(d.params.get(k)) in f.message for k in ("year", "category")
                                            if d.params.get(k) not in (None, ""))] or diffs
            rows = ", ".join(str(d.line) for d in near)
            f = Finding(f.severity, near[0].path, near[0].line,
                        f"{f.message} (the CSV differs from the source at line{'s' if len(near) > 1 else ''} {rows})",
                        f.fix + ("; " if f.fix else "") + near[0].fix, f.key, f.params)
        out.append(f)
    return out + diffs


def extract_docs(docs) -> list[Table]:
    """Every table of the ingested documents; all extraction errors and duplicate ids collected."""
    found: dict[str, Table] = {}
    problems: list[Problem] = []
    for d in docs:
        for b in d.blocks():
            if b.kind != "table":
                continue
            try:
                t = extract(d.meta, b)
            except BuildError as exc:
                problems.extend(exc.problems)
                continue
            if t.id in found:
                problems.append(_err(d.meta.path, b.line, f"duplicate table id {t.id}", "renumber the table"))
            found[t.id] = t
    if problems:
        raise BuildError(problems)
    return list(found.values())


@dataclass
class TableState:
    """One table against its committed CSV (see `reconcile`)."""

    extracted: Table
    shown: Table
    """What pages and charts show: the committed data, or the extraction while there is no CSV;
    its findings (validation + differences from the source) are attached."""
    has_csv: bool
    problems: list[Problem]
    """Errors in the CSV: the build stops."""

    @property
    def differences(self) -> list[Finding]:
        return [f for f in table_findings(self.shown) if f.key == "source-diff"]


def table_states(extracted: list[Table], tables_dir: Path) -> list[TableState]:
    out = []
    for t in extracted:
        try:
            committed = reconcile(t, tables_dir)
        except BuildError as exc:
            out.append(TableState(t, t, True, exc.problems))
            continue
        shown, diffs = committed if committed is not None else (t, [])
        shown._findings = validate_committed(t, shown, diffs)
        out.append(TableState(t, shown, committed is not None, []))
    return out


# ---------------------------------------------------------------------------------------------
# Display helpers shared with charts.py

def display_value(value: float, unit: str, lang: str) -> float:
    """Value in the display unit of `lang` (亿美元 -> USD billion in English)."""
    f = UNITS[unit]["factor_en"] if lang == "en" else 1.0
    return round(value * f, 10) if f != 1.0 else value


def unit_label(unit: str, lang: str) -> str:
    return UNITS[unit][lang]


def caption_text(table: Table, lang: str, tr=None) -> str:
    s = table.schema
    if lang == "zh":
        return s.caption.zh
    return (tr and tr(f"table/{s.id}/caption", s.caption.zh)) or s.caption.en or s.caption.zh


def note_text(table: Table, lang: str, tr=None) -> str:
    n = table.schema.source_note
    if n is None:
        return ""
    if lang == "zh":
        return n.zh
    return (tr and tr(f"table/{table.id}/note", n.zh)) or n.en or n.zh


def footnote_text(table: Table, i: int, lang: str, tr=None) -> str:
    f = table.schema.footnotes[i]
    if lang == "zh":
        return f.text.zh
    return (tr and tr(f"table/{table.id}/footnote/{i + 1}", f.text.zh)) or f.text.en or f.text.zh


def label_text(table: Table, key: str, lang: str, tr=None) -> str:
    lab = table.schema.labels[key]
    if lang == "zh":
        return lab.zh
    got = tr(f"table/{table.id}/label/{key}", lab.zh) if tr else None
    return got or lab.en or lab.zh


def key_of(table: Table, kind: str, zh: str) -> str:
    for k, lab in table.schema.labels.items():
        if lab.kind == kind and lab.zh == zh:
            return k
    raise KeyError(f"{table.id}: no {kind} label {zh!r}")


def _ndec(v: float) -> int:
    s = repr(float(v))
    if "e" in s:
        return 6
    frac = s.split(".")[1] if "." in s else ""
    return 0 if frac == "0" else len(frac)


def decimals(table: Table) -> dict[tuple, int]:
    """Decimals to print per (group, series, unit): the most any value of that column has.

    (The source prints '13.40'; the CSV stores 13.4; display restores two decimals.)
    """
    df = table.data
    out: dict[tuple, int] = {}
    for g, s, u, v in zip(df["group"] if "group" in df else [""] * len(df), df["series"], df["unit"], df["value"]):
        k = (g, s, u)
        out[k] = max(out.get(k, 0), _ndec(v))
    return out


def format_value(value: float, unit: str, lang: str, ndec: int, thousands: bool = True) -> str:
    """A value in the display unit of `lang` with `ndec` source decimals (+1 when divided by 10)."""
    v = display_value(value, unit, lang)
    if lang == "en" and UNITS[unit]["factor_en"] == 0.1:
        ndec += 1
    return f"{v:,.{ndec}f}" if thousands else f"{v:.{ndec}f}"


# ---------------------------------------------------------------------------------------------
# Markdown / HTML snippets for the site pages

from html import escape as _esc  # noqa: E402

from .safety import text as _md_text  # noqa: E402  (text in Markdown context: see safety.py)

UI = {
    "zh": {"table": "表{n}", "check": "数据校验", "csv": "下载 CSV", "schema": "数据结构（YAML）",
           "unit_caption": "（单位：{u}）", "ok": "校验通过", "n_warn": "{n} 条提示", "unit": "单位",
           "columns": "字段", "source": "来源", "status": "校验", "doc": "文献", "data_title": "数据",
           "data_intro": "本站所有表格均由原文提取为整洁数据（每行一个观测值），可下载 CSV；"
                         "英文版将亿美元换算为十亿美元（数值除以 10）。",
           "anomaly": "{year}年 {what}：{value} 与前后年份差异很大（相邻值中位数 {median}），请与原文核对。",
           "identity": "{key}：{total} 不等于 {parts} 之和（相差 {diff}）。",
           "source_diff": "{what}：数据文件为 {csv}，原文为 {source}；表格与图表采用数据文件的数值。",
           "other": "{msg}"},
    "en": {"table": "Table {n}", "check": "Data check", "csv": "Download CSV", "schema": "Schema (YAML)",
           "unit_caption": " ({u})", "ok": "passed", "n_warn": "{n} notice(s)", "unit": "Unit",
           "columns": "Fields", "source": "Source", "status": "Check", "doc": "Document", "data_title": "Data",
           "data_intro": "Every table on this site is extracted from the source text as tidy data (one "
                         "observation per row) and offered as CSV. The English edition converts 亿美元 "
                         "(10^8 USD) to USD billion (value ÷ 10).",
           "anomaly": "{year} {what}: {value} differs sharply from the years before and after it "
                      "(neighbours' median {median}); check against the original publication.",
           "identity": "{key}: {total} is not the sum of {parts} (difference {diff}).",
           "source_diff": "{what}: the data file has {csv}, the source text {source}; the table and "
                          "chart show the data file's value.",
           "other": "{msg}"},
}
SHOWN_FINDINGS = {"anomaly", "identity", "percent", "type", "negative", "source-diff"}


def _lab_zh(table: Table, kind: str, zh: str, lang: str, tr) -> str:
    return label_text(table, key_of(table, kind, zh), lang, tr) if zh else ""


def finding_text(table: Table, f: Finding, lang: str, tr=None) -> str:
    """Reader-facing text of a finding in `lang` (labels translated, units converted)."""
    p, ui = f.params, UI[lang]
    if f.key == "anomaly" and p:
        what = " ".join(x for x in (_lab_zh(table, "group", p["group"], lang, tr),
                                    _lab_zh(table, "series", p["series"], lang, tr)) if x)
        nd = max(_ndec(p["value"]), 1)
        val = format_value(p["value"], p["unit"], lang, nd) + ("%" if p["unit"] == "%" else f" {unit_label(p['unit'], lang)}")
        med = format_value(p["median"], p["unit"], lang, nd)
        return ui["anomaly"].format(year=p["year"], what=what, value=val, median=med)
    if f.key == "identity" and p:
        sep = "、" if lang == "zh" else ", "
        return ui["identity"].format(key=p["key"], total=_lab_zh(table, "series", p["total"], lang, tr),
                                     parts=sep.join(_lab_zh(table, "series", x, lang, tr) for x in p["parts"]),
                                     diff=p["diff"])
    if f.key == "source-diff" and p:
        parts = []
        for kind in ("year", "category", "group", "series"):
            v = p.get(kind)
            if v in (None, ""):
                continue
            if kind == "year":
                parts.append(f"{v}年" if lang == "zh" else str(v))
            else:
                try:
                    parts.append(_lab_zh(table, kind, v, lang, tr))
                except KeyError:
                    parts.append(str(v))
        nd = max(_ndec(p["csv"]), _ndec(p["source"]), 1)
        unit = p.get("unit", "")
        suffix = "%" if unit == "%" else f" {unit_label(unit, lang)}" if unit else ""
        return ui["source_diff"].format(what=" ".join(parts), csv=format_value(p["csv"], unit, lang, nd) + suffix,
                                        source=format_value(p["source"], unit, lang, nd) + suffix)
    return ui["other"].format(msg=f.message)


def table_findings(table: Table) -> list[Finding]:
    """Validation findings plus the differences from the source found by `reconcile`."""
    if table._findings is None:            # validation is pure: run it once per table
        table._findings = validate(table)
    return table._findings


def shown_findings(table: Table) -> list[Finding]:
    return [f for f in table_findings(table) if f.key in SHOWN_FINDINGS]


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
        text += "".join(f"    - {_md_text(finding_text(table, f, lang, tr))}\n" for f in found)
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
        fields = ", ".join(f"<code>{_md_text(f['name'])}</code> ({_md_text(f[lang] or f['zh'])})" for f in s.fields)
        status = ui["ok"] if not found else ui["n_warn"].format(n=len(found))
        out.append(f"## {_md_text(ui['table'].format(n=s.number))} {_md_text(caption_text(t, lang, tr))} {{#data-{s.id}}}\n")
        out.append(f"- {ui['doc']}: `{s.doc}`")
        out.append(f"- {ui['unit']}: {_md_text(units)}")
        out.append(f"- {ui['columns']}: {fields}")
        note = note_text(t, lang, tr)
        if note:
            out.append(f"- {_md_text(note)}")
        out.append(f"- {ui['status']}: {status}")
        out.append(f"- [{ui['csv']}]({rel}data/tables/{s.id}.csv) · "
                   f"[{ui['schema']}]({rel}data/tables/{s.id}.schema.yaml)\n")
        if found:
            out.append(f'!!! warning "{ui["check"]}"\n')
            out += [f"    - {_md_text(finding_text(t, f, lang, tr))}" for f in found]
            out.append("")
    return "\n".join(out) + "\n"


def datapackage_text(tables: list[Table]) -> str:
    """A Frictionless Tabular Data Package describing every CSV (deterministic)."""
    import json
    check_unique(tables)
    res = []
    for t in sorted(tables, key=lambda t: t.id):
        s = t.schema
        units = "; ".join(f"{u} = {UNITS[u]['description']}" for u in s.units)
        fields = []
        for f in s.fields:
            d = {"name": f["name"], "type": f["type"], "title": f["en"] or f["zh"],
                 "description": f"{f['zh']} — {f['description']}"}
            if f["name"] == "value":
                d["description"] += f". Units used in this table: {units}"
            if f["name"] == "unit":
                d["constraints"] = {"enum": sorted(s.units)}
            fields.append(d)
        res.append({
            "name": s.id, "path": f"{s.id}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8",
            "title": s.caption.en or s.caption.zh,
            "description": f"{s.caption.zh}. Extracted from {s.source_file}, table {s.number} "
                           f"(caption line {s.caption_line}).",
            "sources": [{"title": (s.source_note.en or s.source_note.zh) if s.source_note else s.source_file}],
            "schema": {"fields": fields, "missingValues": [""]},
        })
    pkg = {"name": "bireport-tables", "title": "Tables extracted from the source documents",
           "profile": "tabular-data-package", "resources": res}
    return json.dumps(pkg, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def write_datapackage(tables: list[Table], out_dir: Path) -> Path:
    """A Frictionless Tabular Data Package describing every CSV (deterministic)."""
    path = Path(out_dir) / "datapackage.json"
    text = datapackage_text(tables)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text)
    return path


def generated_files(extracted: list[Table], tables_dir: Path, update: bool = False) -> dict[str, str]:
    """Files of data/tables the build (re)writes: every schema and the data package (generated),
    and the CSV of a table that has none yet — or every CSV with `update` (`build.py tables
    --update`). Returns {file name: text} for the files whose text differs."""
    out = {}
    for t in sorted(extracted, key=lambda t: t.id):
        wanted = [(f"{t.id}.schema.yaml", schema_text(t))]
        if update or not (Path(tables_dir) / f"{t.id}.csv").exists():
            wanted.append((f"{t.id}.csv", csv_text(t)))
        for name, text in wanted:
            p = Path(tables_dir) / name
            if not p.exists() or p.read_text(encoding="utf-8") != text:
                out[name] = text
    text = datapackage_text(extracted)
    p = Path(tables_dir) / "datapackage.json"
    if not p.exists() or p.read_text(encoding="utf-8") != text:
        out["datapackage.json"] = text
    return out
