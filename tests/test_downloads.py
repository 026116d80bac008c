"""Downloads are deterministic: the same tables give the same XLSX bytes at any time of day
(openpyxl stamps `modified` with the current time when it saves)."""
from __future__ import annotations

import io
import time
import zipfile

import openpyxl

from bireport.tables.downloads import _fix_zip_times


def _saved(wb) -> bytes:
    raw = io.BytesIO()
    wb.save(raw)
    return raw.getvalue()


def test_xlsx_bytes_do_not_depend_on_the_clock():
    wb = openpyxl.Workbook()
    wb.active.append(["年份", "数值"])
    first = _fix_zip_times(_saved(wb))
    time.sleep(1.1)
    second_raw = _saved(wb)
    assert _fix_zip_times(second_raw) == first
    core = zipfile.ZipFile(io.BytesIO(first)).read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z</dcterms:modified>" in core
    assert all(i.date_time == (2000, 1, 1, 0, 0, 0) for i in zipfile.ZipFile(io.BytesIO(first)).infolist())
