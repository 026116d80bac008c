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

Modules, one concern each: `schema` (rules + dataclasses), `presentation` (presentation.yaml),
`extract` (source → Table), `validate`, `store` (CSV/schema/datapackage files, reconciliation),
`format` (localised labels and numbers), `html` (page snippets), `downloads` (CSV per language,
XLSX, zip).
"""
from .schema import *  # noqa: F401,F403
from .schema import _err, _rel  # noqa: F401
from .presentation import *  # noqa: F401,F403
from .presentation import _en, _table_pres  # noqa: F401
from .extract import *  # noqa: F401,F403
from .validate import *  # noqa: F401,F403
from .store import *  # noqa: F401,F403
from .format import *  # noqa: F401,F403
from .format import _ndec  # noqa: F401
from .html import *  # noqa: F401,F403
from .downloads import *  # noqa: F401,F403
