"""bireport.charts: Vega-Lite specs (schema-valid), SVGs, languages, cache, snippets."""
from __future__ import annotations

import json
import os
import sys
from functools import lru_cache
from pathlib import Path

import altair as alt
import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bireport import charts as C  # noqa: E402
from bireport import chartsvg  # noqa: E402
from bireport import tables as T  # noqa: E402

TABLES_DIR = ROOT / "data" / "tables"
IDS = sorted(p.name.removesuffix(".csv") for p in TABLES_DIR.glob("*.csv"))


def no_tr(ctx, zh):
    return None


@lru_cache(maxsize=None)
def table(tid):
    return T.load_table(tid, TABLES_DIR)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("charts")
    return out, C.build_charts([table(i) for i in IDS], out, no_tr)


@lru_cache(maxsize=1)
def vl_validator():
    schema = alt.utils.schemapi.load_schema() if hasattr(alt.utils.schemapi, "load_schema") else None
    if schema is None:
        from altair.vegalite.v6.schema import load_schema
        schema = load_schema()
    return jsonschema.Draft7Validator(schema)


def test_ten_tables():
    assert len(IDS) == 10


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("tid", IDS)
def test_spec_validates_against_vega_lite_schema(built, tid, lang):
    out, res = built
    spec = json.loads(Path(res[tid][lang]["json"]).read_text(encoding="utf-8"))
    errors = list(vl_validator().iter_errors(spec))
    assert errors == [], errors[:1]
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    assert spec["description"] and spec["title"]["subtitle"]          # description + source line
    assert spec["config"]["font"].startswith("Liberation Sans, Arial")      # Latin face first, CJK fallback
    assert "Noto Sans CJK SC" in spec["config"]["font"] and spec["config"]["font"].endswith("sans-serif")
    assert "tooltip" in json.dumps(spec)


@pytest.mark.parametrize("tid", IDS)
def test_zh_svg_contains_chinese_title(built, tid):
    out, res = built
    svg = Path(res[tid]["zh"]["svg"]).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and table(tid).schema.caption.zh in svg
    assert "Noto Sans CJK SC" in svg


def test_english_units_and_values(built):
    out, res = built
    tid = "zhao-liu-decoupling-2025-t1"
    spec = json.loads(Path(res[tid]["en"]["json"]).read_text(encoding="utf-8"))
    rows = [r for ds in spec["datasets"].values() for r in ds
            if r.get("year") == 2012 and r.get("series") == "China–US trade"]
    assert rows and rows[0]["value"] == 486.204 and rows[0]["unit"] == "USD billion"
    assert rows[0]["value_text"] == "486.2 USD billion"     # the precision the source carries (4 862.04 亿)
    svg = Path(res[tid]["en"]["svg"]).read_text(encoding="utf-8")
    assert "USD billion" in svg and "亿美元" not in svg
    # percentages unchanged in English
    share = [r for ds in spec["datasets"].values() for r in ds
             if r.get("year") == 2012 and r.get("series", "").replace("’", "'") == "Share of China's total trade"]
    assert share[0]["value"] == 13.06
    zh = json.loads(Path(res[tid]["zh"]["json"]).read_text(encoding="utf-8"))
    assert any(r.get("value") == 4862.04 for ds in zh["datasets"].values() for r in ds)
    # the text alternative is running text: money as the house style writes it
    desc = res[tid]["en"]["description"]
    assert "US$486.2 billion in 2012" in desc and "486.204" not in desc and "USD billion" not in desc


def test_english_descriptions_write_money_as_running_text():
    """HOUSE_STYLE.md: US$ before the figure; amounts under one billion in millions."""
    d = C.describe(table("zhao-liu-decoupling-2025-t6"), "en")
    assert "Biotechnology Imports from the US: US$139 million in 2012" in d          # 1.39 亿美元
    assert "US$0." not in d and "USD" not in d
    assert "13.06% in 2012" in C.describe(table("zhao-liu-decoupling-2025-t1"), "en")   # shares unchanged


def test_tr_overrides_schema_label(tmp_path):
    t = table("zhao-liu-decoupling-2025-t1")

    def tr(ctx, zh):
        return {"table/zhao-liu-decoupling-2025-t1/label/series-1": "Bilateral trade",
                "chart/zhao-liu-decoupling-2025-t1/title": "Goods trade"}.get(ctx)
    spec = C.spec(t, "en", tr)
    text = json.dumps(spec, ensure_ascii=False)
    assert "Bilateral trade" in text and "China–US trade" not in text
    assert spec["title"]["text"] == "Goods trade"


def test_strings_cover_all_labels():
    t = table("scio-whitepaper-2025-t3")
    ctxs = {c for c, _, _ in C.strings(t)}
    tid = t.id
    assert {f"table/{tid}/caption", f"table/{tid}/note", f"chart/{tid}/title",
            f"chart/{tid}/description", f"table/{tid}/footnote/1"} <= ctxs
    assert {f"table/{tid}/label/{k}" for k in t.schema.labels} <= ctxs
    assert all(zh and en for _, zh, en in C.strings(t))


def test_cache_skips_unchanged(tmp_path):
    ts = [table("zhao-liu-decoupling-2025-t3")]
    C.build_charts(ts, tmp_path, no_tr, langs=("zh",))
    svg = tmp_path / "zhao-liu-decoupling-2025-t3.zh.svg"
    svg.write_text("<svg>stale-but-cached</svg>", encoding="utf-8")
    C.build_charts(ts, tmp_path, no_tr, langs=("zh",))
    assert svg.read_text(encoding="utf-8") == "<svg>stale-but-cached</svg>"   # not re-rendered
    C.build_charts(ts, tmp_path, lambda c, z: None, langs=("en",))
    assert (tmp_path / "zhao-liu-decoupling-2025-t3.en.svg").exists()
    # a translation change re-renders English
    before = (tmp_path / "zhao-liu-decoupling-2025-t3.en.vl.json").read_text(encoding="utf-8")
    C.build_charts(ts, tmp_path, lambda c, z: "X title" if c.endswith("/title") else None, langs=("en",))
    assert (tmp_path / "zhao-liu-decoupling-2025-t3.en.vl.json").read_text(encoding="utf-8") != before


def test_specs_deterministic():
    t = table("zhao-liu-decoupling-2025-t6")
    assert C.spec_json(C.spec(t, "zh")) == C.spec_json(C.spec(t, "zh"))


def test_chart_markdown(built):
    out, res = built
    tid = "zhao-liu-decoupling-2025-t1"
    md = C.chart_markdown(tid, "en", res[tid]["en"], "../../")
    assert '<figure class="chart"' in md
    assert f'data-spec="../../assets/charts/{tid}.en.vl.json"' in md
    assert f'<img src="../../assets/charts/{tid}.en.svg" alt="Line chart:' in md
    assert 'class="visually-hidden"' in md and "Source: WITS database." in md


def test_vendored_js_matches_altair():
    vendor = ROOT / "docs" / "assets" / "js" / "vendor"
    versions = (vendor / "VERSIONS.txt").read_text(encoding="utf-8")
    vl = alt.SCHEMA_URL.rsplit("/v", 1)[1].removesuffix(".json")
    assert f"vega-lite   {vl}" in versions
    for f in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js"):
        assert (vendor / f).stat().st_size > 10000
    js = (ROOT / "docs" / "assets" / "js" / "charts.js").read_text(encoding="utf-8")
    assert "editor: false" in js and "http" not in js


RENDER = """
import json, sys
from pathlib import Path
from bireport import charts as C, chartsvg, tables as T
ids = json.loads(sys.argv[2])
C.build_charts([T.load_table(i, Path(sys.argv[3])) for i in ids], Path(sys.argv[1]))
print(chartsvg.last_workers)
"""


def test_svgs_rendered_in_forked_workers_equal_serial_ones(tmp_path):
    """`build.py build` renders stale SVGs on both cores (forked workers); the result is the same."""
    import subprocess

    ids = IDS[:4]                                            # 8 SVGs >= chartsvg.PARALLEL_MIN
    outs = {}
    for workers, processes in (("2", "2"), ("0", "1")):       # 0: no worker, this process renders
        out = tmp_path / workers
        env = {**os.environ, chartsvg.WORKERS_ENV: workers}
        run = subprocess.run([sys.executable, "-c", RENDER, str(out), json.dumps(ids), str(TABLES_DIR)],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        assert run.stdout.split()[-1] == processes
        outs[workers] = {p.name: p.read_bytes() for p in sorted(out.glob("*.svg"))}
    assert len(outs["2"]) == 2 * len(ids) and outs["2"] == outs["0"]


def test_worker_jobs_get_every_translation_a_chart_reads():
    """A chart job sent to a worker carries only its part of the translation memory
    (Catalog.subset): the English spec made from it equals the one made from the whole catalog."""
    from bireport.i18n import Catalog

    cat = Catalog(ROOT / "data" / "i18n")
    for tid in IDS:
        sub = cat.subset(C.TR_PREFIXES(tid))
        assert C.spec(table(tid), "en", sub) == C.spec(table(tid), "en", cat.get), tid


def test_chart_words_follow_the_translation_memory():
    """The charts' own words (axis titles, tooltips) are interface strings: English comes from
    ui.po's ui/chart_* entries, like every other interface string."""
    from bireport.ui import STRINGS

    zh_value = STRINGS["chart_value"][0]

    def tr(ctx, zh):
        return "Figure shown" if (ctx, zh) == ("ui/chart_value", zh_value) else None

    tid = "zhao-liu-decoupling-2025-t2"          # a line chart: its tooltips name the value
    plain, edited = json.dumps(C.spec(table(tid), "en")), json.dumps(C.spec(table(tid), "en", tr))
    assert '"title": "Figure shown"' in edited and "Figure shown" not in plain
    assert C.content_hash(table(tid), "en", tr) != C.content_hash(table(tid), "en")


def test_no_fork_when_unsafe(monkeypatch):
    """A forked copy of a running V8, or of a process with other threads, can deadlock: no
    worker processes then (0: the work is done in this process)."""
    import threading

    monkeypatch.setenv(chartsvg.WORKERS_ENV, "2")
    monkeypatch.setattr(chartsvg, "_vl_started", False)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert chartsvg.workers() == 2
    monkeypatch.setattr(threading, "active_count", lambda: 3)          # e.g. mkdocs serve
    assert chartsvg.workers() == 0
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(chartsvg, "_vl_started", True)                # V8 running in this process
    assert chartsvg.workers() == 0
    monkeypatch.setattr(chartsvg, "_vl_started", False)
    monkeypatch.setenv(chartsvg.WORKERS_ENV, "1")
    assert chartsvg.workers() == 1
    monkeypatch.setenv(chartsvg.WORKERS_ENV, "0")
    assert chartsvg.workers() == 0


def test_cache_key_covers_formatting_code_and_fonts(tmp_path):
    """A chart's cache key changes when the value formatting code or a font changes, not only
    when charts.py or the data does."""
    import shutil

    code = tmp_path / "tables"
    shutil.copytree(Path(T.__file__).parent, code, ignore=shutil.ignore_patterns("__pycache__"))
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "Font.otf").write_bytes(b"font v1")
    files = sorted(code.glob("*.py"))
    key = C._code_key(files, [str(fonts)])
    assert C._code_key(files, [str(fonts)]) == key                        # deterministic
    fmt = code / "format.py"
    fmt.write_text(fmt.read_text(encoding="utf-8").replace("SIGNIFICANT = 3", "SIGNIFICANT = 4"), encoding="utf-8")
    key2 = C._code_key(files, [str(fonts)])
    assert key2 != key
    (fonts / "Font.otf").write_bytes(b"font version 2")
    assert C._code_key(files, [str(fonts)]) != key2
