"""Table structure, declared once: the rules' module-level data (patterns, units, tolerances) and the
dataclasses of a table (schema, observations, findings)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import Problem


PRESENTATION = Path(__file__).resolve().parents[2] / "data" / "tables" / "presentation.yaml"

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
# the currency sign English running text puts before an amount of a money unit, in billions
# (HOUSE_STYLE.md: US$29.9 billion; US$496 million under one billion)
MONEY_EN = {"亿美元": "US$"}
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
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """Derived texts computed once per table (e.g. the chart's default descriptions)."""

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

def table_id(doc_id: str, number: str) -> str:
    return f"{doc_id}-t{number}"


def _err(path, line, msg, fix="") -> Problem:
    return Problem(str(path), line, msg, fix)

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
