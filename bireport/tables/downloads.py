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
from .format import decimals, display_value, label_text, key_of, unit_label
from .schema import Table

DOWNLOADS = "downloads"
ALL_ZIP = f"{DOWNLOADS}/bireport-data.zip"
DATAPACKAGE = "data/tables/datapackage.json"
BOM = "\ufeff"
ZIP_TIME = (2000, 1, 1, 0, 0, 0)          # fixed: the same inputs give the same bytes
FIELD_NAMES = {
    "zh": {"year": "年份", "category": "类别", "group": "分组", "series": "指标", "unit": "单位", "value": "数值"},
    "en": {"year": "Year", "category": "Category", "group": "Group", "series": "Series", "unit": "Unit",
           "value": "Value"},
}


def download_paths(table_id: str, lang: str) -> dict[str, str]:
    """Site-relative paths of a table's downloads in `lang`."""
    return {"csv": f"{DOWNLOADS}/{table_id}.{lang}.csv", "xlsx": xlsx_path(lang)}


def xlsx_path(lang: str) -> str:
    return f"{DOWNLOADS}/tables.{lang}.xlsx"


def reader_rows(table: Table, lang: str, tr=None) -> tuple[list[str], list[list]]:
    """(header, rows) of the reader's table in `lang`: labels localised, values in the display
    unit rounded as on the page; `source_line` and other internal columns left out."""
    df = table.data
    fields = [f["name"] for f in table.schema.fields if f["name"] in FIELD_NAMES[lang]]
    dec = decimals(table, lang)
    header = []
    for name in fields:
        f = next(f for f in table.schema.fields if f["name"] == name)
        header.append((f[lang] or FIELD_NAMES[lang][name]) if name == table.schema.key_field else FIELD_NAMES[lang][name])
    rows = []
    for r in df.to_dict("records"):
        row = []
        for name in fields:
            v = r[name]
            if name in ("category", "group", "series"):
                row.append(label_text(table, key_of(table, name, v), lang, tr)
                           if v else "")
            elif name == "unit":
                row.append(unit_label(v, lang))
            elif name == "value":
                nd = dec[(r.get("group", ""), r["series"], r["unit"])]
                row.append(round(display_value(v, r["unit"], lang), nd))
            else:
                row.append(int(v))
        rows.append(row)
    return header, rows


def _value_text(v, nd: int) -> str:
    return f"{v:.{nd}f}"


def csv_bytes(table: Table, lang: str, tr=None) -> bytes:
    """The reader's CSV in `lang`: UTF-8 with BOM, CRLF line ends (what Excel expects)."""
    header, rows = reader_rows(table, lang, tr)
    dec = decimals(table, lang)
    vi = header.index(FIELD_NAMES[lang]["value"])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r, rec in zip(rows, table.data.to_dict("records")):
        r = list(r)
        r[vi] = _value_text(r[vi], dec[(rec.get("group", ""), rec["series"], rec["unit"])])
        w.writerow(r)
    return (BOM + buf.getvalue()).encode("utf-8")


def xlsx_bytes(tables: list[Table], lang: str, tr=None) -> bytes:
    """All tables in one workbook, one sheet per table (caption, source note, then the data)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .format import caption_text, note_text

    wb = Workbook()
    wb.remove(wb.active)
    for t in sorted(tables, key=lambda t: t.id):
        ws = wb.create_sheet(t.id[-31:])
        header, rows = reader_rows(t, lang, tr)
        ws.append([f"{ui('table_table', lang, tr).format(n=t.schema.number)} {caption_text(t, lang, tr)}"])
        ws["A1"].font = Font(bold=True)
        note = note_text(t, lang, tr)
        ws.append([note] if note else [])
        ws.append(header)
        for c in ws[3]:
            c.font = Font(bold=True)
        dec = decimals(t, lang)
        vi = header.index(FIELD_NAMES[lang]["value"])
        for r, rec in zip(rows, t.data.to_dict("records")):
            ws.append(r)
            ws.cell(ws.max_row, vi + 1).number_format = "0." + "0" * nd if (nd := dec[(rec.get("group", ""), rec["series"], rec["unit"])]) else "0"
        for i, _ in enumerate(header, 1):
            ws.column_dimensions[ws.cell(3, i).column_letter].width = 14 if i - 1 == vi else 28
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
