"""Presentation choices (English labels, chart spec, identities): the reviewed, hand-edited
data/tables/presentation.yaml, parsed once per file version with the line of every entry."""
from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import BuildError
from ..yamlpos import error_line, mapping_lines, load as yaml_load
from .schema import PRESENTATION, TableSchema, _err


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
        data = yaml_load(text) or {}
    except yaml.YAMLError as exc:
        raise BuildError(_err(path, error_line(exc), f"invalid YAML: {exc}", "fix the YAML syntax")) from exc
    if not isinstance(data, dict) or not isinstance(data.get("tables") or {}, dict):
        raise BuildError(_err(path, 1, "presentation.yaml must be a mapping with `labels:` and `tables:` mappings",
                              "see the comment at the top of data/tables/presentation.yaml"))
    lines = mapping_lines(text, "tables")
    data["_path"] = str(path)
    data["_lines"] = lines
    return data


def _en(pres: dict, table_id: str, zh: str) -> str:
    """English label for zh: the table's own labels first, then the shared ones."""
    own = (pres.get("tables", {}).get(table_id, {}) or {}).get("labels", {}) or {}
    return own.get(zh) or (pres.get("labels", {}) or {}).get(zh, "") or ""

def presentation_path(meta) -> Path:
    """The presentation.yaml of the project `meta` belongs to (data/sources/<file> ->
    data/tables/presentation.yaml), so a project copy reads its own; the package default otherwise."""
    src = getattr(meta, "path", None)
    if src:
        cand = Path(src).parent.parent / "tables" / "presentation.yaml"
        if cand.is_file():
            return cand
    return PRESENTATION

def _table_pres(pres: dict, tid: str) -> dict:
    return (pres.get("tables", {}) or {}).get(tid, {}) or {}

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
