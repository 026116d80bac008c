"""Downloads for readers, per language, from the same data the pages show: one CSV per table and
language (localised labels and units, converted and rounded like the page; no internal columns;
UTF-8 with a byte-order mark so Excel reads the Chinese), an XLSX of all tables per language, and
a zip of the whole data package (datapackage.json, the reviewed CSVs, their schemas, a licence
note). Every file is deterministic (fixed zip timestamps)."""
from __future__ import annotations

import csv
import io
import re
import zipfile

from ..ui import ui
from .schema import Table

DOWNLOADS = "downloads"
ALL_ZIP = f"{DOWNLOADS}/bireport-data.zip"
DATAPACKAGE = "data/tables/datapackage.json"
BOM = "\ufeff"
ZIP_TIME = (2000, 1, 1, 0, 0, 0)          # fixed: the same inputs give the same bytes
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")   # what a spreadsheet reads as the start of a formula


def download_paths(table_id: str, lang: str) -> dict[str, str]:
    """Site-relative paths of a table's downloads in `lang`."""
    return {"csv": f"{DOWNLOADS}/{table_id}.{lang}.csv", "xlsx": xlsx_path(lang)}


def xlsx_path(lang: str) -> str:
    return f"{DOWNLOADS}/tables.{lang}.xlsx"


def _view(table: Table, lang: str, tr=None):
    """The table as readers of `lang` see it (the view model the pages and the PDF show)."""
    from ..view import table_view        # the view model builds on this package: imported when used

    return table_view(table, lang, tr)


def reader_rows(table: Table, lang: str, tr=None) -> tuple[list[str], list[list]]:
    """(header, rows) of the reader's table in `lang`, from the view model's tidy data: labels
    localised, values in the display unit rounded as on the page (numbers stay numbers);
    `source_line` and other internal columns left out."""
    tv = _view(table, lang, tr)
    return list(tv.data_header), [[c.number() if c.num else c.text for c in row] for row in tv.data]


def inert(text: str) -> str:
    """Text for a spreadsheet cell that no spreadsheet runs as a formula: a leading = + - @
    (tab, CR) gets an apostrophe, the way Excel marks text typed as text (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(table: Table, lang: str, tr=None) -> bytes:
    """The reader's CSV in `lang`: UTF-8 with BOM, CRLF line ends (what Excel expects); numbers
    with the decimals the page shows; text made inert for spreadsheets."""
    tv = _view(table, lang, tr)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([inert(h) for h in tv.data_header])
    for row in tv.data:
        w.writerow([c.number_text() if c.num else inert(c.text) for c in row])
    return (BOM + buf.getvalue()).encode("utf-8")


def _text_cell(ws, row: int, col: int, text: str, bold: bool = False):
    """A text cell stored as a string: openpyxl would store text starting with '=' as a formula."""
    from openpyxl.styles import Font

    c = ws.cell(row, col)
    c.value = text
    c.data_type = "s"
    if bold:
        c.font = Font(bold=True)
    return c


def xlsx_bytes(tables: list[Table], lang: str, tr=None) -> bytes:
    """All tables in one workbook, one sheet per table (caption, source note, then the data);
    numbers are numbers with the page's decimals, every text cell a string."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for t in sorted(tables, key=lambda t: t.id):
        tv = _view(t, lang, tr)
        ws = wb.create_sheet(t.id[-31:])
        _text_cell(ws, 1, 1, f"{tv.label} {tv.caption}", bold=True)
        if tv.note:
            _text_cell(ws, 2, 1, tv.note)
        for i, h in enumerate(tv.data_header, 1):
            _text_cell(ws, 3, i, h, bold=True)
        vi = tv.data_fields.index("value") + 1
        for r, row in enumerate(tv.data, 4):
            for i, c in enumerate(row, 1):
                if not c.num:
                    _text_cell(ws, r, i, c.text)
                    continue
                cell = ws.cell(r, i)
                cell.value = c.number()
                if i == vi:
                    cell.number_format = "0." + "0" * c.ndec if c.ndec else "0"
        for i, _ in enumerate(tv.data_header, 1):
            ws.column_dimensions[ws.cell(3, i).column_letter].width = 14 if i == vi else 28
    import datetime as dt
    fixed = dt.datetime(*ZIP_TIME)
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.creator = "bireport"
    raw = io.BytesIO()
    wb.save(raw)
    return _fix_zip_times(raw.getvalue())


def _fix_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps (openpyxl stamps the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":     # openpyxl sets `modified` to now when saving
                stamp = "%04d-%02d-%02dT%02d:%02d:%02dZ" % ZIP_TIME
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", body)
            z.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of `files` ({name: bytes}) in name order with fixed timestamps."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            z.writestr(zipfile.ZipInfo(name, ZIP_TIME), files[name], compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


LICENCE = ("bireport data package\n\n{en}\n\n{zh}\n\nFiles: datapackage.json describes every table "
           "(<id>.csv: one observation per row, values as printed in the source, with the source line; "
           "<id>.schema.yaml: labels, units, source note). en/ and zh/ hold the readers' CSVs "
           "(localised labels, USD billion in English).\n")


def download_files(tables: list[Table], tables_dir, tr=None) -> dict[str, bytes]:
    """Every download of the site: {site-relative path: bytes}."""
    from pathlib import Path

    out: dict[str, bytes] = {}
    for t in tables:
        for lang in ("zh", "en"):
            out[download_paths(t.id, lang)["csv"]] = csv_bytes(t, lang, tr)
    for lang in ("zh", "en"):
        out[xlsx_path(lang)] = xlsx_bytes(tables, lang, tr)
    package = {}
    for f in sorted(Path(tables_dir).glob("*")):
        if f.suffix in (".csv", ".yaml", ".json") and f.name != "presentation.yaml":
            package[f.name] = f.read_bytes()
    for t in tables:
        for lang in ("zh", "en"):
            package[f"{lang}/{t.id}.csv"] = out[download_paths(t.id, lang)["csv"]]
    package["README.txt"] = LICENCE.format(en=ui("table_licence", "en", tr), zh=ui("table_licence", "zh")).encode("utf-8")
    out[ALL_ZIP] = zip_bytes(package)
    return out
