"""Display: localised labels, captions and notes, unit conversion and number formatting, and the
reader-facing text of a validation finding."""
from __future__ import annotations

import math

from .schema import UNITS, Finding, Table


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


SIGNIFICANT = 3       # a converted column keeps at least 3 significant digits of its smallest value


def display_decimals(ndec: int, unit: str, lang: str, smallest: float) -> int:
    """Decimals to print for a column whose source values carry `ndec` decimals.

    Chinese, and units that are not converted, keep the source's decimals. A converted unit
    (亿美元 ÷ 10 → USD billion) keeps the precision the source carries: enough decimals for
    SIGNIFICANT digits of the column's smallest value, between one fewer and one more than the
    source (4 862.04 亿 → 486.2; 1.39 亿 → 0.139), never invented precision."""
    factor = UNITS[unit]["factor_en"] if lang == "en" else 1.0
    if factor == 1.0:
        return ndec
    v = abs(smallest * factor)
    want = SIGNIFICANT - 1 - math.floor(math.log10(v)) if v > 0 else ndec
    return min(max(want, ndec - 1, 0), ndec + 1)


def decimals(table: Table, lang: str = "zh") -> dict[tuple, int]:
    """Decimals to print per (group, series, unit) in `lang`: the most any source value of that
    column has (the source prints '13.40'; the CSV stores 13.4; display restores two decimals),
    adjusted for a converted unit (see `display_decimals`)."""
    df = table.data
    ndec: dict[tuple, int] = {}
    smallest: dict[tuple, float] = {}
    for g, s, u, v in zip(df["group"] if "group" in df else [""] * len(df), df["series"], df["unit"], df["value"]):
        k = (g, s, u)
        ndec[k] = max(ndec.get(k, 0), _ndec(v))
        if v:
            smallest[k] = min(smallest.get(k, abs(v)), abs(v))
    return {k: display_decimals(n, k[2], lang, smallest.get(k, 0.0)) for k, n in ndec.items()}


def format_value(value: float, unit: str, lang: str, ndec: int, thousands: bool = True) -> str:
    """A value in the display unit of `lang` with `ndec` decimals (from `decimals(table, lang)`)."""
    v = display_value(value, unit, lang)
    return f"{v:,.{ndec}f}" if thousands else f"{v:.{ndec}f}"


def format_single(value: float, unit: str, lang: str, ndec: int) -> str:
    """One value outside a table column (a finding's text): its own precision in `lang`."""
    return format_value(value, unit, lang, display_decimals(ndec, unit, lang, value))


UI = {
    "zh": {"table": "表{n}", "check": "数据校验", "csv": "下载 CSV", "schema": "数据结构（YAML）",
           "unit_caption": "（单位：{u}）", "ok": "校验通过", "n_warn": "{n} 条提示", "unit": "单位",
           "columns": "字段", "source": "来源", "status": "校验", "doc": "文献", "data_title": "数据",
           "data_intro": "本站所有表格均由原文提取为整洁数据（每行一个观测值），可下载 CSV（中文、英文）、"
                         "XLSX 或全部数据的 ZIP 包；英文版将亿美元换算为十亿美元（数值除以 10）。",
           "anomaly": "{year}年 {what}：{value} 与前后年份差异很大（相邻值中位数 {median}），请与原文核对。",
           "identity": "{key}：{total} 不等于 {parts} 之和（相差 {diff}）。",
           "source_diff": "{what}：数据文件为 {csv}，原文为 {source}；表格与图表采用数据文件的数值。",
           "other": "{msg}", "downloads": "下载", "csv_lang": {"zh": "CSV（中文）", "en": "CSV（英文）"},
           "xlsx": "全部表格（XLSX）", "zip": "下载全部数据（ZIP，含 datapackage.json）",
           "datapackage": "数据包说明（datapackage.json）", "rights": "版权说明",
           "rights_zh": "原文版权归原出版者所有，此处仅供研究与评论之用；表格数据由本项目从原文提取。",
           "licence": "表格数据由本项目从原文提取整理，供研究与评论使用；原文版权归各原出版者所有，"
                      "转载请注明原始出处。"},
    "en": {"table": "Table {n}", "check": "Data check", "csv": "Download CSV", "schema": "Schema (YAML)",
           "unit_caption": " ({u})", "ok": "passed", "n_warn": "{n} notice(s)", "unit": "Unit",
           "columns": "Fields", "source": "Source", "status": "Check", "doc": "Document", "data_title": "Data",
           "data_intro": "Every table on this site is extracted from the source text as tidy data (one "
                         "observation per row) and offered as CSV. The English edition converts 亿美元 "
                         "(10^8 USD) to USD billion (value ÷ 10). Download each table as CSV (English or Chinese), "
                         "all tables as XLSX, or the whole data package as a ZIP.",
           "anomaly": "{year} {what}: {value} differs sharply from the years before and after it "
                      "(neighbours' median {median}); check against the original publication.",
           "identity": "{key}: {total} is not the sum of {parts} (difference {diff}).",
           "source_diff": "{what}: the data file has {csv}, the source text {source}; the table and "
                          "chart show the data file's value.",
           "other": "{msg}", "downloads": "Downloads", "csv_lang": {"zh": "CSV (Chinese)", "en": "CSV (English)"},
           "xlsx": "All tables (XLSX)", "zip": "Download all data (ZIP, with datapackage.json)",
           "datapackage": "Data package description (datapackage.json)", "rights": "Rights",
           "rights_zh": "",
           "licence": "The table data were extracted from the source documents by this project for "
                      "study and commentary; copyright in the originals remains with their publishers. "
                      "Please cite the original source."},
}

def _lab_zh(table: Table, kind: str, zh: str, lang: str, tr) -> str:
    return label_text(table, key_of(table, kind, zh), lang, tr) if zh else ""


def finding_text(table: Table, f: Finding, lang: str, tr=None) -> str:
    """Reader-facing text of a finding in `lang` (labels translated, units converted)."""
    p, ui = f.params, UI[lang]
    if f.key == "anomaly" and p:
        what = " ".join(x for x in (_lab_zh(table, "group", p["group"], lang, tr),
                                    _lab_zh(table, "series", p["series"], lang, tr)) if x)
        nd = max(_ndec(p["value"]), 1)
        val = format_single(p["value"], p["unit"], lang, nd) + ("%" if p["unit"] == "%" else f" {unit_label(p['unit'], lang)}")
        med = format_single(p["median"], p["unit"], lang, nd)
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
        return ui["source_diff"].format(what=" ".join(parts), csv=format_single(p["csv"], unit, lang, nd) + suffix,
                                        source=format_single(p["source"], unit, lang, nd) + suffix)
    return ui["other"].format(msg=f.message)
