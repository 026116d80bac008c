"""bireport.tables: extraction from raw sources, committed CSVs, validation, errors, snippets."""
from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bireport import tables as T  # noqa: E402
from bireport.errors import BuildError  # noqa: E402
from bireport.manifest import load_manifest  # noqa: E402
from bireport.repairs import Context, load_corrections, load_patterns, repair  # noqa: E402
from bireport.sources import parse_source  # noqa: E402

TABLES_DIR = ROOT / "data" / "tables"
FIXTURES = ROOT / "tests" / "fixtures" / "tables"
EXPECTED_IDS = [f"scio-whitepaper-2025-t{i}" for i in (1, 2, 3)] + \
    [f"zhao-liu-decoupling-2025-t{i}" for i in range(1, 8)]


@pytest.fixture(scope="module")
def raw():
    """(meta, item) for every raw table item from the ingestion pipeline."""
    metas = load_manifest(ROOT / "data" / "sources")
    pat = load_patterns(ROOT / "data")
    out = []
    for m in metas:
        ctx = Context(m, pat, load_corrections(ROOT / "data", m.id))
        out += [(m, it) for it in repair(parse_source(m), ctx) if it.kind == "table"]
    return out


@pytest.fixture(scope="module")
def pres():
    return T.load_presentation()


@pytest.fixture(scope="module")
def extracted(raw, pres):
    return {T.table_id(m.id, it.attrs["number"]): T.extract(m, it, pres) for m, it in raw}


def _item(rows, number="9", caption="测试表", notes=()):
    return SimpleNamespace(kind="table", attrs={"number": number, "caption": caption, "caption_line": 1,
                                                "rows": list(rows), "notes": list(notes)})


META = SimpleNamespace(id="doc", path=Path("data/sources/doc.md"), file="doc.md")
PRES = {"tables": {}, "labels": {}, "_path": "presentation.yaml", "_lines": {}}


def _pres_for(number, chart=None):
    p = copy.deepcopy(PRES)
    p["tables"][f"doc-t{number}"] = {"chart": chart or {"type": "line"}}
    return p


# --- the real tables --------------------------------------------------------------------------

def test_all_ten_tables_found(extracted):
    assert sorted(extracted) == sorted(EXPECTED_IDS)


@pytest.mark.parametrize("tid", EXPECTED_IDS)
def test_reextraction_equals_committed_files(extracted, tid):
    t = extracted[tid]
    assert T.csv_text(t) == (TABLES_DIR / f"{tid}.csv").read_text(encoding="utf-8")
    assert T.schema_text(t) == (TABLES_DIR / f"{tid}.schema.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("tid", EXPECTED_IDS)
def test_load_table_roundtrip(extracted, tid):
    t = T.load_table(tid, TABLES_DIR)
    pd.testing.assert_frame_equal(t.data, extracted[tid].data, check_dtype=False)
    assert t.schema == extracted[tid].schema


def _raw_numbers(text):
    """Every number in a raw row, read independently of the extractor."""
    out = []
    cells = text.split("\t")
    for i, cell in enumerate(cells):
        s = cell.strip().replace(" ", "")
        if i == 0 and re.fullmatch(r"(19|20)\d\d", s):
            continue   # the year of the row
        if re.fullmatch(r"\d+(\.\d+)?", s):
            out.append(float(s))
    return out


def test_every_numeric_cell_is_in_the_csv(raw):
    checked = 0
    for m, it in raw:
        tid = T.table_id(m.id, it.attrs["number"])
        df = pd.read_csv(TABLES_DIR / f"{tid}.csv")
        for line, text in it.attrs["rows"]:
            got = sorted(df.loc[df["source_line"] == line, "value"].tolist())
            want = sorted(_raw_numbers(text))
            if re.search(r"\t(19|20)\d\d年", text):
                continue  # header of a transposed table (years run across)
            assert got == want, f"{m.file}:{line}"
            checked += len(want)
    assert checked == 846   # 756 (paper) + 90 (white paper) numeric cells


def test_known_values(extracted):
    t1 = extracted["zhao-liu-decoupling-2025-t1"].data
    row = t1[(t1.year == 2012) & (t1.series == "中国与美国贸易额")].iloc[0]
    assert row.value == 4862.04 and row.unit == "亿美元" and row.source_line == 134
    w1 = extracted["scio-whitepaper-2025-t1"].data
    assert set(w1.group) == {"出口商品", "进口商品"} and len(w1) == 20
    w3 = extracted["scio-whitepaper-2025-t3"]
    assert w3.schema.footnotes[0].marker == "*"
    assert w3.schema.labels[w3.schema.footnotes[0].label].zh == "企业数"
    assert set(w3.data[w3.data.series == "企业数"].unit) == {"count"}
    w2 = extracted["scio-whitepaper-2025-t2"]
    assert w2.schema.orientation == "columns" and sorted(set(w2.data.year)) == list(range(2017, 2024))
    assert extracted["zhao-liu-decoupling-2025-t1"].schema.source_note.zh == "数据来源于 WITS 数据库。"


# --- golden fixtures for tricky header shapes ------------------------------------------------

FIXTURE_NAMES = sorted(p.name.removesuffix(".input.yaml") for p in FIXTURES.glob("*.input.yaml"))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture(name):
    spec = yaml.safe_load((FIXTURES / f"{name}.input.yaml").read_text(encoding="utf-8"))
    item = _item([tuple(r) for r in spec["rows"]], spec["number"], spec["caption"],
                 [tuple(n) for n in spec.get("notes", [])])
    t = T.extract(META, item, _pres_for(spec["number"]))
    assert T.csv_text(t) == (FIXTURES / f"{name}.expected.csv").read_text(encoding="utf-8")


def test_fixtures_exist():
    assert len(FIXTURE_NAMES) >= 5
    for n in FIXTURE_NAMES:
        assert (FIXTURES / f"{n}.expected.csv").exists()


# --- validation -----------------------------------------------------------------------------

def test_anomalies_flagged(extracted):
    flagged = {(f.params["year"], f.params["group"], f.params["series"])
               for t in extracted.values() for f in T.validate(t) if f.key == "anomaly"}
    assert (2013, "生命科学技术", "贸易额占比") in flagged
    assert (2021, "生物技术", "贸易额占比") in flagged
    assert len(flagged) <= 4, flagged   # few false positives


def test_anomaly_names_file_and_line(extracted):
    f = next(f for f in T.validate(extracted["zhao-liu-decoupling-2025-t6"]) if f.key == "anomaly")
    assert f.path.endswith("zhao-liu-decoupling-2025.md") and f.line == 273


def test_identity_passes_on_real_data(extracted):
    for tid in ("zhao-liu-decoupling-2025-t1", "zhao-liu-decoupling-2025-t5"):
        t = extracted[tid]
        assert t.schema.identities
        assert [f for f in T.validate(t) if f.key == "identity"] == []


def test_identity_fails_on_doctored_row(extracted):
    t = copy.deepcopy(extracted["zhao-liu-decoupling-2025-t1"])
    df = t.data
    df.loc[(df.year == 2015) & (df.series == "中国向美国出口额"), "value"] += 10.0
    bad = [f for f in T.validate(t) if f.key == "identity"]
    assert len(bad) == 1 and bad[0].severity == "error" and bad[0].line == 137
    assert "2015" in bad[0].message


def test_validate_does_not_change_data(extracted):
    t = extracted["zhao-liu-decoupling-2025-t6"]
    before = t.data.copy()
    T.validate(t)
    pd.testing.assert_frame_equal(before, t.data)


# --- errors name file and line --------------------------------------------------------------

GOOD = [(3, "年份\t出口额/亿美元\t占比/%"), (4, "2012\t1.0\t2.0"), (5, "2013\t1.5\t3.0")]


def _raises(rows, pres=None, match=None):
    with pytest.raises(BuildError) as e:
        T.extract(META, _item(rows), pres or _pres_for("9"))
    text = str(e.value)
    assert "data/sources/doc.md:" in text or "presentation.yaml" in text
    if match:
        assert re.search(match, text), text
    return text


def test_good_input_extracts():
    t = T.extract(META, _item(GOOD), _pres_for("9"))
    assert list(t.data.value) == [1.0, 2.0, 1.5, 3.0]


def test_wrong_cell_count():
    _raises(GOOD[:2] + [(5, "2013\t1.5")], match=r"doc\.md:5: .*2 cells, expected 3")


def test_non_numeric_cell():
    _raises(GOOD[:2] + [(5, "2013\t1.5\tx3")], match=r"doc\.md:5: .*'x3' is not a number")


def test_percent_over_100():
    _raises(GOOD[:2] + [(5, "2013\t1.5\t130.0")], match=r"doc\.md:5: .*percentage 130")


def test_unknown_chart_field():
    p = _pres_for("9", {"type": "line", "x": "year", "color": "serie"})
    p["_lines"] = {"doc-t9/chart": 42}
    _raises(GOOD, p, match=r"presentation\.yaml:42: .*'serie' is not a field")


def test_unknown_chart_field_in_committed_schema(tmp_path):
    tid = "zhao-liu-decoupling-2025-t1"
    (tmp_path / f"{tid}.csv").write_text((TABLES_DIR / f"{tid}.csv").read_text(encoding="utf-8"), encoding="utf-8")
    sch = yaml.safe_load((TABLES_DIR / f"{tid}.schema.yaml").read_text(encoding="utf-8"))
    sch["chart"]["color"] = "colour"
    (tmp_path / f"{tid}.schema.yaml").write_text(yaml.safe_dump(sch, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BuildError, match="'colour' is not a field"):
        T.load_table(tid, tmp_path)


def test_duplicate_table_id(tmp_path):
    a = T.extract(META, _item(GOOD), _pres_for("9"))
    b = T.extract(META, SimpleNamespace(kind="table", attrs={**_item(GOOD).attrs, "caption_line": 20}),
                  _pres_for("9"))
    with pytest.raises(BuildError, match=r"doc\.md:20: .*duplicate table id doc-t9 \(also .*doc\.md:1\)"):
        T.check_unique([a, b])


# --- writing --------------------------------------------------------------------------------

def test_generated_files_deterministic(extracted, tmp_path):
    ts = list(extracted.values())
    a = T.generated_files(ts, tmp_path / "a", update=True)
    b = T.generated_files(list(reversed(ts)), tmp_path / "b", update=True)
    assert a == b and sorted(a) == sorted([f"{t}.csv" for t in EXPECTED_IDS] + [f"{t}.schema.yaml" for t in EXPECTED_IDS]
                                          + ["datapackage.json"])


def test_datapackage(extracted, tmp_path):
    text = T.datapackage_text(list(extracted.values()))
    pkg = json.loads(text)
    assert [r["name"] for r in pkg["resources"]] == sorted(EXPECTED_IDS)
    assert text == (TABLES_DIR / "datapackage.json").read_text(encoding="utf-8")
    res = pkg["resources"][3]
    assert {f["name"]: f["type"] for f in res["schema"]["fields"]}["value"] == "number"
    assert "10^8" in json.dumps(pkg)


# --- snippets -------------------------------------------------------------------------------

def test_table_markdown_grouped_header_and_warning(extracted):
    t = extracted["zhao-liu-decoupling-2025-t6"]
    md = T.table_markdown(t, "zh", None, "../../")
    assert '<th scope="colgroup" colspan="2">生物技术</th>' in md
    assert "<caption>表6 " in md and 'class="num">28.99<' in md
    # readers get a note linking to the editorial notes page, which lists the finding (2.88%)
    assert 'class="reader-note table-check"' in md and 'href="../../zhao-liu-decoupling-2025/editorial/#tables"' in md
    assert "!!! warning" not in md and "相邻值中位数" not in md
    from bireport.view import table_view
    assert any("2.88%" in f for f in table_view(t, "zh").findings)
    assert 'href="../../downloads/zhao-liu-decoupling-2025-t6.zh.csv"' in md
    en = T.table_markdown(t, "en", lambda c, z: "Biotech" if c.endswith("/label/group-1") else None, "")
    assert "Biotech</th>" in en and 'en/zhao-liu-decoupling-2025/editorial/#tables' in en and "(USD billion)" in en
    assert 'class="num">0.139<' in en  # 1.39 亿美元 = 0.139 USD billion


def test_table_markdown_footnote_and_blocks(extracted):
    md = T.table_markdown(extracted["scio-whitepaper-2025-t3"], "zh", None, "")
    assert "企业数<sup>*</sup>" in md and "2500万美元以上" in md and "warning" not in md
    md1 = T.table_markdown(extracted["scio-whitepaper-2025-t1"], "en", None, "")
    assert "Ch. 85 Electrical machinery and equipment and parts thereof" in md1
    assert 'class="num">24.0<' in md1


def test_data_page(extracted):
    docs = [SimpleNamespace(id=d, meta=SimpleNamespace(title={"zh": f"标题{d}", "en": f"Title {d}"}, rights="r", rights_zh=""))
            for d in ("zhao-liu-decoupling-2025", "scio-whitepaper-2025")]
    md = T.data_page_markdown(list(extracted.values()), "zh", None, "../", docs)
    assert md.startswith("# 数据") and md.count(".zh.csv\" download>CSV（中文）") == 10
    assert md.count(".en.csv\" download>CSV（英文）") == 10 and md.count("tables.zh.xlsx") == 11
    # grouped by document, in the documents' order, under their titles (never a slug as a label)
    assert md.index("## 标题zhao-liu-decoupling-2025") < md.index("## 标题scio-whitepaper-2025")
    assert md.index("## 标题zhao-liu-decoupling-2025") < md.index("### 表1 ") and "文献: `" not in md
    assert 'href="../downloads/bireport-data.zip"' in md and 'href="../data/tables/datapackage.json"' in md
    assert md.count("校验：1 条提示") == 2 and "版权" in md
    en = T.data_page_markdown(list(extracted.values()), "en", None, "", docs)
    assert "## Title scio-whitepaper-2025" in en and en.count("Check: passed") == 8
