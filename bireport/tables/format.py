"""Display: localised labels, captions and notes, unit conversion and number formatting, and the
reader-facing text of a validation finding."""
from __future__ import annotations

import math

from ..ui import Words
from .schema import UNITS, Finding, Table


# ---------------------------------------------------------------------------------------------
# Display helpers shared with charts.py

def display_value(value: float, unit: str, lang: str) -> float:
    """Value in the display unit of `lang` (亿美元 -> USD billion in English)."""
    f = UNITS[unit]["factor_en"] if lang == "en" else 1.0
    return round(value * f, 10) if f != 1.0 else value


def unit_label(unit: str, lang: str) -> str:
    return UNITS[unit][lang]


def value_suffix(unit: str, lang: str) -> str:
    """What follows a value in running text: "%", " 亿美元" / " USD billion", nothing without a unit."""
    return "%" if unit == "%" else f" {unit_label(unit, lang)}" if unit else ""


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
    adjusted for a converted unit (see `display_decimals`). Computed once per table and language."""
    cache = table.__dict__.setdefault("_decimals", {})
    if lang in cache and cache[lang][0] is table.data:
        return cache[lang][1]
    df = table.data
    ndec: dict[tuple, int] = {}
    smallest: dict[tuple, float] = {}
    for g, s, u, v in zip(df["group"] if "group" in df else [""] * len(df), df["series"], df["unit"], df["value"]):
        k = (g, s, u)
        ndec[k] = max(ndec.get(k, 0), _ndec(v))
        if v:
            smallest[k] = min(smallest.get(k, abs(v)), abs(v))
    out = {k: display_decimals(n, k[2], lang, smallest.get(k, 0.0)) for k, n in ndec.items()}
    cache[lang] = (df, out)
    return out


def format_value(value: float, unit: str, lang: str, ndec: int, thousands: bool = True) -> str:
    """A value in the display unit of `lang` with `ndec` decimals (from `decimals(table, lang)`)."""
    v = display_value(value, unit, lang)
    return f"{v:,.{ndec}f}" if thousands else f"{v:.{ndec}f}"


def format_single(value: float, unit: str, lang: str, ndec: int) -> str:
    """One value outside a table column (a finding's text): its own precision in `lang`."""
    return format_value(value, unit, lang, display_decimals(ndec, unit, lang, value))


UI = Words("table_")      # UI[lang][name]; Words("table_", tr) resolves through the translation memory


def _lab_zh(table: Table, kind: str, zh: str, lang: str, tr) -> str:
    return label_text(table, key_of(table, kind, zh), lang, tr) if zh else ""


def finding_text(table: Table, f: Finding, lang: str, tr=None) -> str:
    """Reader-facing text of a finding in `lang` (labels translated, units converted)."""
    p, ui = f.params, Words("table_", tr)[lang]
    if f.key == "anomaly" and p:
        what = " ".join(x for x in (_lab_zh(table, "group", p["group"], lang, tr),
                                    _lab_zh(table, "series", p["series"], lang, tr)) if x)
        nd = max(_ndec(p["value"]), 1)
        val = format_single(p["value"], p["unit"], lang, nd) + value_suffix(p["unit"], lang)
        med = format_single(p["median"], p["unit"], lang, nd)
        return ui["anomaly"].format(year=p["year"], what=what, value=val, median=med)
    if f.key == "identity" and p:
        sep = "、" if lang == "zh" else ", "
        return ui["identity"].format(key=p["key"], total=_lab_zh(table, "series", p["total"], lang, tr),
                                     parts=sep.join(_lab_zh(table, "series", x, lang, tr) for x in p["parts"]),
                                     diff=p["diff"])
    if f.key == "source-diff" and p:
        nd = max(_ndec(p["csv"]), _ndec(p["source"]), 1)
        unit = p.get("unit", "")
        suffix = value_suffix(unit, lang)
        return ui["source_diff"].format(what=" ".join(_where_parts(table, p, lang, tr)),
                                        csv=format_single(p["csv"], unit, lang, nd) + suffix,
                                        source=format_single(p["source"], unit, lang, nd) + suffix)
    if f.key in ("type", "percent", "negative") and p:
        if f.key == "type":
            return ui[f.key].format(what=_where(table, p, lang, tr), value=p["value"])
        unit = p.get("unit", "")
        value = format_single(p["value"], unit, lang, max(_ndec(p["value"]), 1)) + value_suffix(unit, lang)
        return ui[f.key].format(what=_where(table, p, lang, tr), value=value)
    return ui["other"].format(msg=f.message)


def _where(table: Table, p: dict, lang: str, tr) -> str:
    """The year / category / group / series a finding is about, in `lang`."""
    return " ".join(_where_parts(table, p, lang, tr)) or table.id


def _where_parts(table: Table, p: dict, lang: str, tr) -> list[str]:
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
    return parts
