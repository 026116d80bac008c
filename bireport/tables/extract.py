"""Extraction: a raw `table` item of a source document (tab-separated rows with their source
lines) → a tidy `Table`, by general rules only (see the package docstring)."""
from __future__ import annotations

import re

import pandas as pd

from ..errors import BuildError, Problem
from .presentation import _en, _table_pres, check_chart_spec, load_presentation, presentation_path
from .schema import (BARE_SHARE_LABELS, CAPTION_UNIT_RE, CJK_SPACE_RE, COUNT_LABEL_RE, CSV_COLUMNS_ORDER,
                     FOOTNOTE_MARK_RE, HEADER_UNIT_RES, NUMBER_RE, PRESENTATION, SOURCE_NOTE_RE,
                     THOUSANDS_RE, UNITS, YEAR_RE, Column, Footnote, Label, Table, TableSchema, Text, _err,
                     _rel, table_id)


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


def _header_columns(hrows: list[list[str]]) -> tuple[list[str | None], list[str]]:
    """Per column: group text (or None) and stacked header text."""
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
    return groups, stacked


def _is_group_row(hrows: list[list[str]], k: int) -> bool:
    """A gappy header row with a full row below it is a merged-cell group row."""
    below = hrows[k + 1]
    return all(c.strip() for c in below[1:])

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
    groups, stacked = _header_columns([c for _, c in hrows])
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
