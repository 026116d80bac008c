"""Charts regenerated from the table data: Altair -> Vega-Lite JSON + SVG, per language.

Chart types (chosen per table in data/tables/presentation.yaml, `chart.type`):
  line            trends over years; one panel per unit (amounts / shares), colour per series
  stacked_bar     composition over years (white paper Table 2)
  hbar_blocks     ranked horizontal bars, one panel per block (exports / imports by HS chapter)
  small_multiples one small line chart per group (technology), one row of panels per unit
  ratio_bar       numerator as a share of denominator per series (China vs worldwide)

The data plotted are the view model's observations (view.observations): the same labels, units,
converted values (亿美元 -> USD billion in English) and rounded value texts as the pages, the print
edition and the downloads. The chart's own words (axis titles, tooltips) are interface strings
(ui.py, English through ui.po). Specs and SVGs of stale charts are made by chartsvg.py.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pandas as pd

from . import chartsvg, tables as T
from .atomic import write_atomic
from .chartsvg import FONT, FONT_DIRS
from .errors import BuildError, Problem
from .ui import Words

if TYPE_CHECKING:
    import altair

CHARTS_VERSION = "2"
CACHE_FILE = ".charts-cache.json"

Tr = Callable[[str, str], "str | None"]

# Generic words, per language (not per table): bireport/ui.py, keys chart_*; English through the
# translation memory (ui/chart_* in data/i18n/en/ui.po) when a `tr` is given


def words(lang: str, tr: Tr | None = None) -> dict[str, str]:
    return Words("chart_", tr)[lang]


class _LazyAltair:
    """Altair is imported when the first chart is built (in the SVG workers for a build), so
    the pages and MkDocs do not wait for it."""

    def __getattr__(self, name):
        import altair

        globals()["alt"] = altair
        return getattr(altair, name)


alt = _LazyAltair()
UNIT_MEASURE = {"亿美元": "amount", "%": "share", "count": "count"}
PALETTE = "tableau10"


def _no_tr(ctx: str, zh: str) -> None:
    return None


# ---------------------------------------------------------------------------------------------
# Strings

caption = T.caption_text
source_note = T.note_text
footnote_text = T.footnote_text


def chart_title(table: T.Table, lang: str, tr: Tr = _no_tr) -> str:
    s = table.schema
    if lang == "zh":
        return s.caption.zh
    return tr(f"chart/{s.id}/title", s.caption.zh) or caption(table, "en", tr)


def chart_description(table: T.Table, lang: str, tr: Tr = _no_tr) -> str:
    zh = describe(table, "zh")
    if lang == "zh":
        return zh
    return tr(f"chart/{table.id}/description", zh) or describe(table, "en", tr)


def strings(table: T.Table) -> list[tuple[str, str, str]]:
    """Every translatable string of a table and its chart: (msgctxt, zh, en default)."""
    s, tid = table.schema, table.id
    out = [(f"table/{tid}/caption", s.caption.zh, s.caption.en)]
    out += [(f"table/{tid}/label/{k}", lab.zh, lab.en) for k, lab in s.labels.items()]
    if s.source_note:
        out.append((f"table/{tid}/note", s.source_note.zh, s.source_note.en))
    out += [(f"table/{tid}/footnote/{i + 1}", f.text.zh, f.text.en) for i, f in enumerate(s.footnotes)]
    out.append((f"chart/{tid}/title", s.caption.zh, s.caption.en))
    out.append((f"chart/{tid}/description", describe(table, "zh"), describe(table, "en")))
    return out


def _lab(table, kind, zh, lang, tr):
    return T.label_text(table, T.key_of(table, kind, zh), lang, tr)


def _unit(u, lang):
    return T.unit_label(u, lang)


def _axis_title(unit: str, lang: str, tr: Tr = _no_tr) -> str:
    w = words(lang, tr)
    return w[UNIT_MEASURE[unit]].format(u=_unit(unit, lang))


def _fmt(v: float, unit: str, lang: str, ndec: int = 2) -> str:
    return T.format_value(v, unit, lang, ndec) + _unit_suffix(unit, lang)


def _row_fmt(table, lang):
    """Formatter for rows of table.data using the column's source decimals."""
    dec = T.decimals(table, lang)
    return lambda r: _fmt(r["value"], r["unit"], lang, dec[(r.get("group", ""), r["series"], r["unit"])])


def _prose_fmt(table, lang):
    """Like `_row_fmt`, for running text: English money as HOUSE_STYLE.md writes it (US$29.9
    billion; US$496 million under one billion), other values as in the table."""
    rf = _row_fmt(table, lang)
    if lang != "en":
        return rf
    dec = T.decimals(table, lang)

    def fmt(r):
        sign = T.MONEY_EN.get(r["unit"])
        if not sign:
            return rf(r)
        nd = dec[(r.get("group", ""), r["series"], r["unit"])]
        v = T.display_value(r["value"], r["unit"], lang)            # billions
        if abs(v) < 1:
            return f"{sign}{v * 1000:,.{max(nd - 3, 0)}f} million"
        return f"{sign}{v:,.{nd}f} billion"
    return fmt


# ---------------------------------------------------------------------------------------------
# Description (text alternative)

def describe(table: T.Table, lang: str, tr: Tr = _no_tr) -> str:
    """A short text alternative: what is plotted, the range, and start/end/peak of each series
    (without a translation memory: computed once per table and language)."""
    if tr is _no_tr:
        key = ("describe", lang)
        if key not in table.memo:
            table.memo[key] = _describe(table, lang, tr)
        return table.memo[key]
    return _describe(table, lang, tr)


def _describe(table: T.Table, lang: str, tr: Tr) -> str:
    df, kind = table.data, table.schema.chart["type"]
    zh = lang == "zh"
    names = {"line": ("折线图", "Line chart"), "stacked_bar": ("堆积柱形图", "Stacked bar chart"),
             "hbar_blocks": ("条形图", "Bar chart"), "small_multiples": ("小多图折线图", "Small-multiple line charts"),
             "ratio_bar": ("条形图", "Bar chart")}[kind]
    title = chart_title(table, lang, tr)
    rf = _prose_fmt(table, lang)
    parts = [f"{names[0]}：{title}。" if zh else f"{names[1]}: {title}."]
    if kind in ("line", "small_multiples", "stacked_bar"):
        keys = [c for c in ("group", "series") if c in df.columns]
        for key, g in list(df.groupby(keys + ["unit"], sort=False))[:4]:
            g = g.sort_values("year")
            key = key if isinstance(key, tuple) else (key,)
            name = " ".join(_lab(table, k, v, lang, tr) for k, v in zip(keys, key))
            a, b = g.iloc[0], g.iloc[-1]
            top = g.loc[g["value"].idxmax()]
            if zh:
                parts.append(f"{name}：{int(a.year)}年{rf(a)}，{int(b.year)}年{rf(b)}，"
                             f"最高为{int(top.year)}年的{rf(top)}。")
            else:
                parts.append(f"{name}: {rf(a)} in {int(a.year)}, {rf(b)} in {int(b.year)}, "
                             f"highest in {int(top.year)} ({rf(top)}).")
        n = df.groupby(keys + ["unit"]).ngroups
        if n > 4:
            parts.append(f"另有{n - 4}个序列，详见数据表。" if zh else f"{n - 4} more series are in the data table.")
    elif kind == "hbar_blocks":
        for grp, g in df.groupby("group", sort=False):
            top = g.loc[g["value"].idxmax()]
            name, cat = _lab(table, "group", grp, lang, tr), _lab(table, "category", top.category, lang, tr)
            parts.append(f"{name}：最大为{cat}，{rf(top)}。" if zh
                         else f"{name}: largest is {cat} ({rf(top)}).")
    elif kind == "ratio_bar":
        r = _ratio_frame(table, lang, tr)
        hi, lo = r.loc[r["ratio"].idxmax()], r.loc[r["ratio"].idxmin()]
        parts.append(f"比重最高的是{hi.series_label}（{hi.ratio:.1f}%），最低的是{lo.series_label}（{lo.ratio:.1f}%）。" if zh
                     else f"Highest: {hi.series_label} ({hi.ratio:.1f}%); lowest: {lo.series_label} ({lo.ratio:.1f}%).")
    return "".join(parts) if zh else " ".join(parts)


# ---------------------------------------------------------------------------------------------
# Data per language

def chart_frame(table: T.Table, lang: str, tr: Tr = _no_tr) -> pd.DataFrame:
    """The chart's data in `lang`: the view model's observations (view.observations — the same
    labels, units and converted values as the page, the print edition and the downloads)."""
    from .view import observations

    obs = observations(table, lang, tr)
    cols = table.data.columns
    out = pd.DataFrame()
    if "year" in cols:
        out["year"] = [int(o.rec["year"]) for o in obs]
    for k in ("category", "group"):
        if k in cols:
            out[k] = [o.labels[k] for o in obs]
    out["series"] = [o.labels["series"] for o in obs]
    out["unit"] = [o.labels["unit"] for o in obs]
    out["unit_key"] = [o.rec["unit"] for o in obs]
    out["value"] = [o.value.value for o in obs]
    out["value_text"] = [o.value.text + _unit_suffix(o.rec["unit"], lang) for o in obs]
    return out


def _unit_suffix(unit: str, lang: str) -> str:
    return "" if unit == "count" else T.value_suffix(unit, lang)


def _ratio_frame(table, lang, tr) -> pd.DataFrame:
    spec, df = table.schema.chart, table.data
    num, den = spec["numerator"], spec["denominator"]
    rows = []
    rf = _row_fmt(table, lang)
    for ser, g in df.groupby("series", sort=False):
        a = g[g["category"] == num].iloc[0]
        b = g[g["category"] == den].iloc[0]
        rows.append({"series_label": _lab(table, "series", ser, lang, tr),
                     "ratio": round(a.value / b.value * 100, 2),
                     "num_text": rf(a), "den_text": rf(b)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Chart builders

def _tooltip(table, lang, tr, with_group=False, key="year"):
    w = words(lang, tr)
    tips = [alt.Tooltip(f"{key}:{'O' if key == 'year' else 'N'}", title=_field_title(table, key, lang, tr))]
    if with_group:
        tips.append(alt.Tooltip("group:N", title=w["group"]))
    tips += [alt.Tooltip("series:N", title=w["series"]), alt.Tooltip("value_text:N", title=w["value"])]
    return tips


def _field_title(table, name, lang, tr=_no_tr):
    f = next((f for f in table.schema.fields if f["name"] == name), None)
    if f is None:
        return words(lang, tr).get(name, name)
    return f[lang] or f["zh"]


def _percent_axis(unit_key, title):
    if unit_key == "%":
        return alt.Axis(title=title, labelExpr="datum.label + '%'")
    return alt.Axis(title=title, format=",~f")


def _line(table, df, lang, tr):
    spec = table.schema.chart
    panels = []
    color_field = spec.get("color", "series")
    stroke = spec.get("stroke")
    for unit_key in _units(df):
        d = df[df["unit_key"] == unit_key]
        enc = dict(
            x=alt.X("year:O", title=_field_title(table, "year", lang, tr), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", axis=_percent_axis(unit_key, _axis_title(unit_key, lang, tr)),
                    scale=alt.Scale(zero=unit_key != "%")),
            color=alt.Color(f"{color_field}:N", title=None, sort=list(dict.fromkeys(d[color_field])),
                            scale=alt.Scale(scheme=PALETTE),
                            legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=_tooltip(table, lang, tr, with_group="group" in d),
        )
        if stroke:
            enc["strokeDash"] = alt.StrokeDash(f"{stroke}:N", title=None,
                                               legend=alt.Legend(orient="bottom", columns=1,
                                                                  symbolType="stroke", symbolStrokeColor="#444"))
        detail = [c for c in ("group", "series") if c in d and c not in (color_field, stroke)]
        if detail:
            enc["detail"] = alt.Detail(f"{detail[0]}:N")
        panels.append(alt.Chart(d).mark_line(point=not stroke).encode(**enc).properties(width=560, height=240))
    return alt.vconcat(*panels).resolve_scale(color="independent", strokeDash="independent") \
        if len(panels) > 1 else panels[0]


def _units(df):
    order = ["亿美元", "count", "%"]
    return sorted(set(df["unit_key"]), key=order.index)


def _stacked_bar(table, df, lang, tr):
    unit_key = _units(df)[0]
    order = list(dict.fromkeys(df["series"]))
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("year:O", title=_field_title(table, "year", lang, tr), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(value):Q", axis=_percent_axis(unit_key, _axis_title(unit_key, lang, tr))),
        color=alt.Color("series:N", title=None, sort=order, scale=alt.Scale(scheme=PALETTE),
                        legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("series_order:Q"),
        tooltip=_tooltip(table, lang, tr),
    ).transform_calculate(
        series_order=f"indexof({json.dumps(order, ensure_ascii=False)}, datum.series)"
    ).properties(width=560, height=320)


def _hbar_blocks(table, df, lang, tr):
    panels = []
    for grp in dict.fromkeys(df["group"]):
        d = df[df["group"] == grp]
        unit_key = d["unit_key"].iloc[0]
        base = alt.Chart(d).encode(
            y=alt.Y("category:N", title=None,
                    sort=alt.EncodingSortField(field="value", op="sum", order="descending")),
            x=alt.X("value:Q", axis=_percent_axis(unit_key, _axis_title(unit_key, lang, tr))),
            tooltip=[alt.Tooltip("category:N", title=_field_title(table, "category", lang, tr)),
                     alt.Tooltip("value_text:N", title=words(lang, tr)["value"])])
        bars = base.mark_bar(color="#4c78a8")
        text = base.mark_text(align="left", dx=3, fontSize=11).encode(text="value_text:N")
        panels.append((bars + text).properties(title=alt.TitleParams(grp, anchor="start", fontSize=13),
                                               width=300, height=alt.Step(20)))
    # panels that readers compare (exports beside imports) share one scale when their unit is one
    same_unit = df.groupby("group")["unit_key"].nunique().max() == 1 and df["unit_key"].nunique() == 1
    return alt.vconcat(*panels).resolve_scale(x="shared") if same_unit else alt.vconcat(*panels)


def _small_multiples(table, df, lang, tr):
    spec = table.schema.chart
    facet = spec.get("facet", "group")
    panels = []
    for unit_key in _units(df):
        d = df[df["unit_key"] == unit_key]
        ser = d["series"].iloc[0]
        ch = alt.Chart(d).mark_line(point=alt.OverlayMarkDef(size=14)).encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=-90, values=[2012, 2015, 2018, 2021, 2023])),
            y=alt.Y("value:Q", axis=_percent_axis(unit_key, _axis_title(unit_key, lang, tr))),
            tooltip=_tooltip(table, lang, tr, with_group=True),
        ).properties(width=150, height=90).facet(
            facet=alt.Facet(f"{facet}:N", title=None, sort=list(dict.fromkeys(d[facet])),
                            header=alt.Header(labelFontSize=12)),
            columns=4,
        ).resolve_scale(y="independent").properties(
            title=alt.TitleParams(ser, anchor="start", fontSize=13))
        panels.append(ch)
    return alt.vconcat(*panels)


def _ratio_bar(table, df, lang, tr):
    spec = table.schema.chart
    r = _ratio_frame(table, lang, tr)
    num = _lab(table, "category", spec["numerator"], lang, tr)
    den = _lab(table, "category", spec["denominator"], lang, tr)
    r["ratio_text"] = [f"{v:.1f}%" for v in r["ratio"]]
    base = alt.Chart(r).encode(
        y=alt.Y("series_label:N", title=None, sort=list(r["series_label"])),
        x=alt.X("ratio:Q", axis=alt.Axis(title=words(lang, tr)["ratio"].format(num=num, den=den, den_lc=den.lower()),
                                         labelExpr="datum.label + '%'")),
        tooltip=[alt.Tooltip("series_label:N", title=words(lang, tr)["series"]),
                 alt.Tooltip("num_text:N", title=num), alt.Tooltip("den_text:N", title=den),
                 alt.Tooltip("ratio_text:N", title=words(lang, tr)["ratio"].format(num=num, den=den, den_lc=den.lower()))])
    return (base.mark_bar(color="#e45756") + base.mark_text(align="left", dx=3).encode(text="ratio_text:N")) \
        .properties(width=480, height=alt.Step(26))


BUILDERS = {"line": _line, "stacked_bar": _stacked_bar, "hbar_blocks": _hbar_blocks,
            "small_multiples": _small_multiples, "ratio_bar": _ratio_bar}


def chart(table: T.Table, lang: str, tr: Tr = _no_tr) -> "altair.TopLevelMixin":
    """The Altair chart of a table in `lang`."""
    df = chart_frame(table, lang, tr)
    ch = BUILDERS[table.schema.chart["type"]](table, df, lang, tr)
    note = source_note(table, lang, tr)
    # set on the finished chart directly: each .properties()/.configure*() call copies the whole
    # chart (data included) and re-validates it
    ch.title = alt.TitleParams(chart_title(table, lang, tr), subtitle=[note] if note else [],
                               anchor="start", fontSize=15, subtitleFontSize=11, subtitleColor="#555")
    ch.description = chart_description(table, lang, tr)
    # labels are never cut short (limit 0: no truncation, so no measuring to truncate): a reader
    # sees every label whole and the layout makes room for it
    ch.config = alt.Config(font=FONT, view=alt.ViewConfig(stroke=None),
                           axis=alt.AxisConfig(labelFontSize=11, titleFontSize=12, labelLimit=0),
                           legend=alt.LegendConfig(labelLimit=0),
                           header=alt.HeaderConfig(labelLimit=0, titleLimit=0))
    return ch


def spec(table: T.Table, lang: str, tr: Tr = _no_tr, validate: bool = False) -> dict:
    """The Vega-Lite spec. The build does not re-validate it against the Vega-Lite schema: what an
    editor controls (the chart options in presentation.yaml) is checked when the tables load
    (tables.presentation.check_chart_spec), and the tests validate every spec the builders make."""
    return chart(table, lang, tr).to_dict(validate=validate)


def spec_json(sp: dict) -> str:
    return json.dumps(sp, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


# ---------------------------------------------------------------------------------------------
# Cache and rendering (the SVGs: chartsvg.py)

render_svg = chartsvg.render_svg
_CODE_KEY: str | None = None


def _code_key(code: list[Path] | None = None, font_dirs: list[str] | None = None) -> str:
    """Everything besides the table that changes a chart: this module, the view model and the
    tables package (value formatting, labels, units), the UI strings, the library versions and the fonts the SVGs are
    set in (computed once per process for the defaults)."""
    global _CODE_KEY
    default = code is None and font_dirs is None
    if default and _CODE_KEY is not None:
        return _CODE_KEY
    import importlib.metadata as md

    if code is None:
        code = [Path(__file__), Path(chartsvg.__file__), Path(__file__).with_name("ui.py"),
                Path(__file__).with_name("view.py"), *sorted(Path(T.__file__).parent.glob("*.py"))]
    versions = "|".join(md.version(p) for p in ("altair", "vl-convert-python"))
    h = hashlib.sha256(f"{CHARTS_VERSION}|{versions}|{FONT}".encode())
    for f in code:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    for d in FONT_DIRS if font_dirs is None else font_dirs:
        for f in sorted(Path(d).rglob("*")) if Path(d).is_dir() else []:
            if f.is_file():
                st = f.stat()
                h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    if default:
        _CODE_KEY = h.hexdigest()
    return h.hexdigest()


def content_hash(table: T.Table, lang: str, tr: Tr = _no_tr) -> str:
    """Hash of every input of one chart: CSV + schema + language + the resolved translations
    (the table's strings and the chart words) + the code, library versions and fonts (`_code_key`)."""
    h = hashlib.sha256()
    resolved = [(c, tr(c, zh) if lang != "zh" else None) for c, zh, _ in strings(table)] if lang != "zh" else []
    schema = json.dumps(dataclasses.asdict(table.schema), ensure_ascii=False, sort_keys=True, default=str)
    for part in (T.csv_text(table), schema, lang, json.dumps(resolved, ensure_ascii=False),
                 json.dumps(words(lang, tr), ensure_ascii=False, sort_keys=True), _code_key()):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def build_charts(tables: list[T.Table], out_dir: Path, tr: Tr = _no_tr,
                 langs=("zh", "en"), pending: list | None = None,
                 subset: Callable[[tuple], Tr] | None = None) -> dict[str, dict[str, dict]]:
    """Write <id>.<lang>.vl.json and .svg per table and language; skip unchanged ones (cache).

    With a `pending` list, stale charts are not made here: their jobs (chartsvg.Job) are appended
    to it for `start_jobs` (the build starts them at once and writes them while MkDocs builds
    the site). `subset(prefixes)` (i18n.Catalog.subset) gives each job the part of the translation
    memory a chart reads, small enough to send to a worker process.
    Returns {table id: {lang: {json, svg, description, title, source}}}."""
    T.check_unique(tables)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = _read_cache(out_dir)
    result: dict[str, dict[str, dict]] = {}
    stale: list[chartsvg.Job] = []
    for t in sorted(tables, key=lambda t: t.id):
        for lang in langs:
            jp, sp = out_dir / f"{t.id}.{lang}.vl.json", out_dir / f"{t.id}.{lang}.svg"
            h = content_hash(t, lang, tr)
            name = f"{t.id}.{lang}"
            desc = chart_description(t, lang, tr)
            result.setdefault(t.id, {})[lang] = {"json": jp, "svg": sp, "description": desc,
                                                 "title": chart_title(t, lang, tr),
                                                 "source": source_note(t, lang, tr)}
            if cache.get(name) == h and jp.exists() and sp.exists():
                continue
            job_tr = subset(TR_PREFIXES(t.id)) if subset is not None else tr
            stale.append(chartsvg.Job(name, h, jp, sp, partial(_spec_text, t, lang, job_tr), size=len(t.data)))
    if pending is not None:
        pending.extend(stale)
        _write_cache(out_dir, {j.name: None for j in stale})     # recorded again when written
        return result
    start_jobs(stale, out_dir).finish()
    return result


def TR_PREFIXES(table_id: str) -> tuple[str, ...]:
    """The translation-memory entries a chart reads: its table's and its own strings, the UI words."""
    return (f"table/{table_id}/", f"chart/{table_id}/", "ui/")


def _spec_text(t: T.Table, lang: str, tr: Tr) -> str:
    try:
        return spec_json(spec(t, lang, tr))
    except Exception as exc:  # builder failure: name the table
        raise BuildError(Problem(t.schema.source_file, t.schema.caption_line,
                                 f"chart for {t.id} ({lang}) failed: {exc}",
                                 "check the chart spec in data/tables/presentation.yaml")) from exc


class _Started:
    """The started jobs of `start_jobs`; `finish()` writes the files and records them in the cache."""

    def __init__(self, jobs: list, out_dir: Path, workers=None):
        self.out_dir, self.run = Path(out_dir), chartsvg.SvgJobs(jobs, workers)

    def finish(self) -> list[Path]:
        done = self.run.finish()
        _write_cache(self.out_dir, {j.name: j.key for j in done})
        return [p for j in done for p in (j.json_path, j.svg_path)]

    def abort(self) -> None:
        """Stop the workers (the build failed); nothing is written."""
        self.run.abort()


def start_jobs(jobs: list, out_dir: Path, workers=None) -> _Started:
    """Start making the specs and SVGs of stale charts: in `workers` (chartsvg.Workers, started
    early by the build), else in worker processes made now when possible, else at `finish`."""
    return _Started(jobs, out_dir, workers)


def _read_cache(out_dir: Path) -> dict:
    try:
        return json.loads((Path(out_dir) / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_cache(out_dir: Path, entries: dict) -> None:
    """Update the cache: name -> content hash (None removes the entry)."""
    cache = _read_cache(out_dir)
    for name, key in entries.items():
        if key is None:
            cache.pop(name, None)
        else:
            cache[name] = key
    write_atomic(Path(out_dir) / CACHE_FILE, json.dumps(dict(sorted(cache.items())), indent=1) + "\n")


# ---------------------------------------------------------------------------------------------
# Page snippet

def chart_markdown(table_id: str, lang: str, chart_info: dict, rel: str = "") -> str:
    """<figure> with the interactive chart div (SVG <img> as no-JS fallback), caption, description."""
    from html import escape
    desc = escape(chart_info["description"])
    title = escape(chart_info.get("title", ""))
    source = escape(chart_info.get("source", ""))
    base = f"{rel}assets/charts/{table_id}.{lang}"
    did = f"chart-desc-{table_id}-{lang}"
    return (f'<figure class="chart" id="chart-{table_id}" aria-describedby="{did}">\n'
            f'<div class="vl-chart" data-spec="{base}.vl.json" data-description="{desc}">'
            f'<img src="{base}.svg" alt="{desc}" loading="lazy"></div>\n'
            f'<figcaption><span class="chart-title">{title}</span>'
            + (f' <span class="chart-source">{source}</span>' if source else "")
            + f'<span class="visually-hidden" id="{did}">{desc}</span></figcaption>\n</figure>\n')
