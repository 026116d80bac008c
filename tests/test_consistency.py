"""One model, every view: for every table cell, the Chinese and English pages, the three PDFs,
the zh and en CSV downloads and the zh and en chart specs agree with the committed CSV after the
unit conversion (亿美元 ÷ 10 → USD billion), each to the precision it shows.

The project copy is built once (pipeline.build, with PDFs) after ONE value of one CSV was edited
(paper Table 2, 2012, US exports to China: 298.5 → 312.7 亿美元): the edit must show in every view,
the source's value nowhere in a table, and every other cell stays as the CSV says.

Expected numbers come from the committed CSV files and the unit's definition written here, not
from the code under test.
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from projectcopy import copy_project

EDIT_TABLE = "zhao-liu-decoupling-2025-t2"
EDIT_ROW_OLD = "2012,美国向中国出口额,亿美元,298.5,153"
EDIT_ROW_NEW = "2012,美国向中国出口额,亿美元,312.7,153"
FACTOR_EN = {"亿美元": 0.1, "%": 1.0, "count": 1.0}      # 1 亿美元 = 10^8 USD = 0.1 USD billion
NUM = re.compile(r"^-?[\d,]+(\.\d+)?$")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from bireport.pipeline import build

    root = copy_project(tmp_path_factory.mktemp("consistency") / "proj")
    p = root / "data" / "tables" / f"{EDIT_TABLE}.csv"
    text = p.read_text(encoding="utf-8")
    assert EDIT_ROW_OLD in text
    p.write_text(text.replace(EDIT_ROW_OLD, EDIT_ROW_NEW), encoding="utf-8")
    build(root, pdf=True, quiet=True, force=True)
    pdfs = {}
    for name in ("report-zh.pdf", "report-en.pdf", "report-zh-en.pdf"):
        out = subprocess.run(["pdftotext", "-layout", str(root / "site" / "pdf" / name), "-"],
                             capture_output=True, text=True, check=True).stdout
        pdfs[name] = out
    return {"root": root, "site": root / "site", "pdfs": pdfs}


def _committed(root: Path) -> dict[str, list[dict]]:
    out = {}
    for p in sorted((root / "data" / "tables").glob("*.csv")):
        with p.open(encoding="utf-8", newline="") as f:
            out[p.stem] = list(csv.DictReader(f))
    return out


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _agrees(shown: str, expected: float) -> bool:
    """`shown` is `expected` rounded to the decimals it shows."""
    return abs(_num(shown) - expected) <= 0.5 * 10 ** -_decimals(shown) + 1e-9


def _expected(rows: list[dict], lang: str) -> list[float]:
    f = (lambda r: 1.0) if lang == "zh" else (lambda r: FACTOR_EN[r["unit"]])
    return sorted(float(r["value"]) * f(r) for r in rows)


def _match(shown: list[str], expected: list[float]) -> bool:
    """Multiset agreement: every shown number is one expected value at its shown precision."""
    if len(shown) != len(expected):
        return False
    left = sorted(shown, key=_num)
    return all(_agrees(s, e) for s, e in zip(left, expected))


def _page_tables(site: Path, lang: str) -> dict[str, list[list[str]]]:
    """{table id: rows of numeric cell texts} from the reading pages of `lang` (not side by side)."""
    base = site / "en" if lang == "en" else site
    out: dict[str, list[list[str]]] = {}
    for page in sorted(base.rglob("index.html")):
        rel = page.relative_to(site).parts
        if "parallel" in rel or (lang == "zh" and rel[0] == "en"):
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for wrap in soup.select("div.data-table-wrap[id^=table-]"):
            tid = wrap["id"][len("table-"):]
            rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in wrap.select("tbody tr")]
            out.setdefault(tid, rows)
    return out


def _download(site: Path, tid: str, lang: str) -> tuple[bytes, list[dict]]:
    raw = (site / "downloads" / f"{tid}.{lang}.csv").read_bytes()
    return raw, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_every_table_on_every_page_agrees_with_the_csv(built):
    data = _committed(built["root"])
    for lang in ("zh", "en"):
        pages = _page_tables(built["site"], lang)
        assert sorted(pages) == sorted(data), lang
        for tid, rows in pages.items():
            shown = [c for r in rows for c in r]
            assert all(NUM.match(c) for c in shown), (tid, lang, shown)
            assert _match(shown, _expected(data[tid], lang)), (tid, lang)


def test_downloads_agree_and_open_in_excel(built):
    data = _committed(built["root"])
    for tid, rows in data.items():
        for lang in ("zh", "en"):
            raw, got = _download(built["site"], tid, lang)
            assert raw.startswith(b"\xef\xbb\xbf"), f"{tid}.{lang}.csv has no byte-order mark"
            header = list(got[0])
            assert "source_line" not in header and not any("行号" in h or "line" in h.lower() for h in header)
            value_col = "数值" if lang == "zh" else "Value"
            unit_col = "单位" if lang == "zh" else "Unit"
            assert _match([r[value_col] for r in got], _expected(rows, lang)), (tid, lang)
            units = {r[unit_col] for r in got}
            if lang == "en":
                assert not any(re.search(r"[\u4e00-\u9fff]", c) for r in got for c in r.values()), (tid, got[0])
                assert "亿美元" not in units and ("USD billion" in units) == any(r["unit"] == "亿美元" for r in rows)


def test_charts_agree(built):
    data = _committed(built["root"])
    charts = built["site"] / "assets" / "charts"
    for tid, rows in data.items():
        for lang in ("zh", "en"):
            spec = json.loads((charts / f"{tid}.{lang}.vl.json").read_text(encoding="utf-8"))
            recs = [r for ds in spec["datasets"].values() for r in ds]
            texts = [r["value_text"] for r in recs if "value_text" in r]
            if not texts:                   # ratio charts: numerator and denominator of each bar
                texts = [r[k] for r in recs for k in ("num_text", "den_text")]
                nums = [re.match(r"[\d,.]+", t).group(0) for t in texts]
                exp = _expected(rows, lang)
                assert all(any(_agrees(n, e) for e in exp) for n in nums), (tid, lang)
                continue
            nums = [re.match(r"[\d,.]+", t).group(0) for t in texts]
            assert _match(nums, _expected(rows, lang)), (tid, lang)
            values = sorted(r["value"] for r in recs if "value_text" in r)
            assert all(abs(v - e) < 1e-6 for v, e in zip(values, _expected(rows, lang))), (tid, lang)


def test_pdfs_show_every_row(built):
    """Every table row of a language's page (its numbers, in order) is a line of the PDFs of that
    language and of the side-by-side PDF."""
    for lang, names in (("zh", ("report-zh.pdf", "report-zh-en.pdf")), ("en", ("report-en.pdf", "report-zh-en.pdf"))):
        pages = _page_tables(built["site"], lang)
        for name in names:
            text = built["pdfs"][name]
            for tid, rows in pages.items():
                for r in rows:
                    # on one line, in order (a side-by-side block's row label may sit between)
                    pattern = r"(?<![\d.,])" + r"(?:\s+|\s[^\n]*?\s)".join(re.escape(c) for c in r) + r"(?![\d.,])"
                    assert re.search(pattern, text), f"{name}: {tid} row {r} not found"


def test_english_pdf_has_english_tables(built):
    text = built["pdfs"]["report-en.pdf"]
    row2012 = next(ln for ln in text.splitlines() if re.match(r"\s*2012\s+486\.2\s+13\.06\s", ln))
    assert "4,862.04" not in row2012
    for zh in ("亿美元", "2017年", "贸易额/亿美元", "贸易额占比"):
        assert zh not in text, zh


def test_the_edit_reaches_every_view_and_nothing_else(built):
    site = built["site"]
    zh, en = _page_tables(site, "zh")[EDIT_TABLE], _page_tables(site, "en")[EDIT_TABLE]
    # 312.7 亿美元 = 31.27 USD billion, shown to 3 significant digits like the column (see README)
    assert zh[0][0] == "312.7" and en[0][0] == "31.3"
    assert "298.5" not in [c for r in zh for c in r]
    for name, first in (("report-zh.pdf", "312.7"), ("report-en.pdf", "31.3"), ("report-zh-en.pdf", "31.3")):
        assert re.search(rf"^\s*2012\s+{re.escape(first)}\s", built["pdfs"][name], re.M), name
    for lang, want, old in (("zh", "312.7", "298.5"), ("en", "31.3", "29.9")):
        _, got = _download(site, EDIT_TABLE, lang)
        first = next(r for r in got if r["年份" if lang == "zh" else "Year"] == "2012")
        assert first["数值" if lang == "zh" else "Value"] == want
        spec = json.loads((site / "assets" / "charts" / f"{EDIT_TABLE}.{lang}.vl.json").read_text(encoding="utf-8"))
        rows = [r for ds in spec["datasets"].values() for r in ds if r.get("year") == 2012 and "value_text" in r]
        assert rows[0]["value_text"].startswith(want + " ") and not rows[0]["value_text"].startswith(old)
    # every other cell is the committed data (checked cell by cell by the tests above); the edited
    # value appears once in the table, and the source's value is reported in the editor's view,
    # not shown as data
    assert Counter(c for r in zh for c in r)["312.7"] == 1
