"""Property tests (hypothesis): the table parser, the OCR reflow and the HTML sanitiser lose no
CJK character unless it is explicitly dropped and reported, and are idempotent where that applies."""
from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from bireport.manifest import DocumentMeta
from bireport.repairs import Context, load_patterns, repair
from bireport.sources import ADAPTERS, Item
from bireport.sources import html as html_adapter
from bireport import tables

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = load_patterns(ROOT / "data")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# common simplified characters (no spam/boilerplate words can be formed that matter here)
HANZI = "中美经贸关系的本质是互利共赢两国发展合作市场企业投资产业政策国际规则研究增长结构重要问题方面进行提高"
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def cjk(s: str) -> str:
    return "".join(CJK.findall(s))


def meta(fmt: str, path: Path = ROOT / "data" / "sources" / "prop.txt") -> DocumentMeta:
    return DocumentMeta(id="prop", file=path.name, format=fmt, script="Hans", title={"zh": "t", "en": "t"},
                        publisher={"zh": "p", "en": "p"}, date="2025", path=path)


def run(fmt: str, text: str):
    m = meta(fmt)
    ctx = Context(m, PATTERNS, {"corrections": [], "headings": []})
    return repair(ADAPTERS[fmt](text, m), ctx), ctx


words = st.text(alphabet=HANZI, min_size=1, max_size=12)


# ---------------------------------------------------------------- table parser

labels = st.lists(words, min_size=1, max_size=6, unique=True)
cells = st.decimals(min_value=0, max_value=99999, places=1, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(series=st.lists(words, min_size=1, max_size=4, unique=True), cats=labels, data=st.data())
def test_table_parser_keeps_every_label_and_value(series, cats, data):
    values = [[data.draw(cells) for _ in series] for _ in cats]
    rows = [(10, "\t".join(["类别"] + [f"{s}/亿美元" for s in series]))]
    rows += [(11 + i, "\t".join([c] + [str(v) for v in vals])) for i, (c, vals) in enumerate(zip(cats, values))]
    item = Item("table", "表1", 9, {"number": "1", "caption": "测试表", "caption_line": 9, "rows": rows, "notes": []})
    pres = {"tables": {"prop-t1": {"chart": {"type": "hbar_blocks"}}}, "_path": "presentation.yaml", "_lines": {}}
    t = tables.extract(meta("markdown"), item, pres)
    df = t.data
    assert sorted(set(df["category"])) == sorted(cats)                   # every row label survives
    assert sorted(set(df["series"])) == sorted(series)                   # every column label survives
    assert len(df) == len(cats) * len(series)
    for (c, vals), ln in zip(zip(cats, values), range(11, 11 + len(cats))):
        got = df[df["category"] == c].set_index("series")["value"].to_dict()
        assert got == {s: float(v) for s, v in zip(series, vals)}
        assert set(df[df["category"] == c]["source_line"]) == {ln}
    # idempotent: the tidy CSV is a function of the data (extracting twice gives the same bytes)
    assert tables.csv_text(tables.extract(meta("markdown"), item, pres)) == tables.csv_text(t)


# ---------------------------------------------------------------- OCR reflow

sentences = st.lists(words.map(lambda w: w + "。"), min_size=1, max_size=5).map("".join)


def wrap(par: str, width: int) -> list[str]:
    lines = [par[i:i + width] for i in range(0, len(par), width)]
    return ["\u3000\u3000" + lines[0]] + lines[1:]


@SETTINGS
@given(paras=st.lists(sentences, min_size=1, max_size=6), width=st.integers(min_value=12, max_value=24))
def test_ocr_reflow_loses_no_cjk_and_is_idempotent(paras, width):
    text = "\n".join(ln for p in paras for ln in wrap(p, width)) + "\n"
    items, ctx = run("ocr", text)
    dropped = "".join(d["text"] for d in ctx.report.dropped)
    out = "".join(it.text for it in items)
    assert cjk(out) == cjk(text) or cjk(out) + cjk(dropped) == cjk(text)
    # reflowing the reflowed paragraphs (one indented line each) changes nothing
    paras_out = [it.text for it in items if it.kind == "paragraph"]
    again, _ = run("ocr", "\n".join("\u3000\u3000" + p for p in paras_out) + "\n")
    assert [it.text for it in again if it.kind == "paragraph"] == paras_out


# ---------------------------------------------------------------- HTML sanitiser

kept_piece = st.one_of(
    words.map(lambda w: (w, w)),
    words.map(lambda w: (f"<b>{w}</b>", w)),
    words.map(lambda w: (f'<a href="https://example.com/x">{w}</a>', w)),
    words.map(lambda w: (f'<a href="javascript:alert(1)">{w}</a>', w)),
    words.map(lambda w: (f'<span onclick="alert(1)">{w}</span>', w)),
)
dropped_piece = words.map(lambda w: (f"<script>var s='{w}'</script>", ""))
pieces = st.lists(st.one_of(kept_piece, kept_piece, dropped_piece), min_size=1, max_size=6)


@SETTINGS
@given(paras=st.lists(pieces, min_size=1, max_size=5))
def test_html_sanitiser_loses_no_cjk_and_is_idempotent(paras):
    html = "<article>\n" + "\n".join("<p>" + "".join(h for h, _ in p) + "</p>" for p in paras) + "\n</article>\n"
    kept = "".join(k for p in paras for _, k in p)
    items = html_adapter.parse(html, meta("html"))
    published = [it for it in items if it.kind != "dropped"]
    assert cjk("".join(it.text for it in published)) == cjk(kept)
    out = "".join(it.text for it in published)
    assert "alert" not in out and "javascript" not in out and "<" not in out
    # whatever was removed is reported
    reports = " ".join(it.attrs.get("rule", "") + " " + it.attrs.get("text", "") for it in items if it.kind == "dropped")
    n_script = sum(1 for p in paras for h, _ in p if h.startswith("<script>"))
    counted = sum(int(n) for n in re.findall(r"(\d+) <script> element\(s\) removed", reports))
    assert counted + reports.count("<script> removed") == n_script
    assert ("unsafe link target removed" in reports) == any("javascript:" in h for p in paras for h, _ in p)
    assert ("onclick= removed" in reports) == any("onclick" in h for p in paras for h, _ in p)
    # sanitising the sanitised output's text again changes nothing
    texts = [it.text for it in published]
    plain = [re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t) for t in texts]
    again = html_adapter.parse("<article>\n" + "\n".join(f"<p>{t}</p>" for t in plain) + "\n</article>\n", meta("html"))
    assert [it.text for it in again if it.kind != "dropped"] == plain
    assert not [it for it in again if it.kind == "dropped"]
