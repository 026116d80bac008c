"""Golden fixtures for the repair rules: tests/fixtures/repairs/*.yaml hold input and expected output."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bireport.manifest import DocumentMeta
from bireport.repairs import Context, load_patterns, repair
from bireport.sources import ADAPTERS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((Path(__file__).parent / "fixtures" / "repairs").glob("*.yaml"))


def run_fixture(spec: dict, tmp_path: Path):
    src = tmp_path / "src.txt"
    src.write_text(spec["input"], encoding="utf-8")
    meta = DocumentMeta(id="t", file="src.txt", format=spec["format"], script=spec.get("script", "Hans"),
                        title={"zh": "t", "en": "t"}, publisher={"zh": "p", "en": "p"}, date="2025", path=src)
    ctx = Context(meta, load_patterns(ROOT / "data"), {"corrections": [], "headings": []})
    items = repair(ADAPTERS[spec["format"]](spec["input"], meta), ctx)
    return items, ctx


def simplify(items):
    out = []
    for it in items:
        if it.kind == "heading":
            out.append(["heading", it.attrs.get("level"), it.attrs.get("number", ""), it.text])
        else:
            out.append([it.kind, it.text])
    return out


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_golden(path, tmp_path):
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    items, _ctx = run_fixture(spec, tmp_path)
    assert simplify(items) == spec["expected"]


def test_footer_material_goes_to_metadata(tmp_path):
    spec = yaml.safe_load((Path(__file__).parent / "fixtures" / "repairs" / "page_break_with_table.yaml").read_text())
    items, ctx = run_fixture(spec, tmp_path)
    assert ctx.front["received"] == "2024-12-23"
    assert any("moved after the rejoined paragraph" in m for m in ctx.report.moved)


def test_spam_is_reported_and_original_keeps_no_spam(tmp_path):
    spec = yaml.safe_load((Path(__file__).parent / "fixtures" / "repairs" / "traditional_spam.yaml").read_text())
    items, ctx = run_fixture(spec, tmp_path)
    assert [d["rule"] for d in ctx.report.dropped] == ["spam"]
    assert all("莊閑" not in (it.attrs.get("original") or "") for it in items)
    assert items[0].attrs["original"].startswith("會上")


def test_html_dropped_items_are_reported(tmp_path):
    spec = yaml.safe_load((Path(__file__).parent / "fixtures" / "repairs" / "html_sanitise.yaml").read_text())
    _items, ctx = run_fixture(spec, tmp_path)
    rules = {d["rule"] for d in ctx.report.dropped}
    assert {"boilerplate", "no-hotlink"} <= rules
    assert any("script" in d["text"] or "script" in d["rule"] for d in ctx.report.dropped)


def _fixture(name, tmp_path):
    spec = yaml.safe_load((Path(__file__).parent / "fixtures" / "repairs" / f"{name}.yaml").read_text())
    return run_fixture(spec, tmp_path)


def test_running_headers_and_page_numbers_are_reported(tmp_path):
    _items, ctx = _fixture("running_header", tmp_path)
    found = {d["rule"]: d for d in ctx.report.dropped}
    assert found["running-header"]["text"] == "某会─2013年1月16日"
    assert "lines 1, 9, 18" in found["running-header"]["reason"]
    assert found["page-number"]["text"] == "101 … 103"


def test_front_matter_goes_to_metadata(tmp_path):
    _items, ctx = _fixture("md_front_matter", tmp_path)
    meta = ctx.front["source_meta"]
    assert meta["title"] == "报告标题" and meta["date"] == "2020-02-26" and meta["tags"] == ["甲", "乙"]
    assert meta["url"] == "https://example.org/a/%E5%A0%B1"
    assert any("front matter" in m for m in ctx.report.moved)


def test_text_front_matter_lines(tmp_path):
    _items, ctx = _fixture("text_front_matter", tmp_path)
    assert ctx.front["title"] == "决胜某某目标"
    assert ctx.front["lines"] == ["——在某某大会上的报告", "（2017年10月18日）", "某某人"]
    assert ctx.front["date_line"] == "（2017年10月18日）"


def test_raw_html_drops_are_reported(tmp_path):
    items, ctx = _fixture("md_raw_html", tmp_path)
    assert {"no-hotlink", "html-comment", "inline SVG", "shortcode"} <= {d["rule"] for d in ctx.report.dropped}
    assert all(it.kind != "html" for it in items)


def test_pipe_table_not_numeric_is_reported_as_rows(tmp_path):
    items, ctx = _fixture("md_pipe_table", tmp_path)
    assert any("pipe table (3 rows)" in w for w in ctx.report.warnings)
    assert items[1].attrs["original"] == "項目｜2019年｜**2020年(變幅)**"


def test_numeric_pipe_table_becomes_a_table_item(tmp_path):
    spec = {"format": "markdown", "input": "表1 中国与美国贸易额\n\n| 年份 | 贸易额/亿美元 |\n| --- | ---: |\n"
                                           "| 2012 | 4862.04 |\n| 2013 | 5210.02 |\n\n后文。\n"}
    items, _ctx = run_fixture(spec, tmp_path)
    table = next(it for it in items if it.kind == "table")
    assert table.attrs["number"] == "1" and table.attrs["caption"] == "中国与美国贸易额"
    assert table.attrs["rows"] == [(3, "年份\t贸易额/亿美元"), (5, "2012\t4862.04"), (6, "2013\t5210.02")]
    assert [it.kind for it in items] == ["table", "paragraph"]


def test_traditional_manifest_title_is_converted(tmp_path):
    spec = {"format": "plaintext", "script": "Hant-HK", "input": "第一段。\n"}
    src = tmp_path / "src.txt"
    src.write_text(spec["input"], encoding="utf-8")
    from bireport.manifest import DocumentMeta
    meta = DocumentMeta(id="t", file="src.txt", format="plaintext", script="Hant-HK",
                        title={"zh": "財政預算案", "en": "Budget"}, publisher={"zh": "眾新聞", "en": "p"},
                        date="2020", path=src)
    ctx = Context(meta, load_patterns(ROOT / "data"), {"corrections": [], "headings": []})
    repair(ADAPTERS["plaintext"](spec["input"], meta), ctx)
    assert meta.title["zh"] == "财政预算案" and meta.publisher["zh"] == "众新闻"
    assert ctx.front["title_original"] == "財政預算案"


@pytest.mark.parametrize("source, expected", [
    # GitHub table rows without the closing pipe: one row per line, never glued together
    ("| 地区 | 说明\n|-|-\n| 甲 | 一般\n| 乙 | 特殊\n\n后文。\n",
     [["list_item", "地区｜说明"], ["list_item", "甲｜一般"], ["list_item", "乙｜特殊"], ["paragraph", "后文。"]]),
    # an HTML table inside Markdown: rows and cells, like a pipe table
    ("前文。\n\n<table>\n<tr><th>项目</th><th>说明</th></tr>\n<tr><td>甲</td><td><b>一般</b></td></tr>\n</table>\n",
     [["paragraph", "前文。"], ["list_item", "项目｜说明"], ["list_item", "甲｜**一般**"]]),
    # TOML front matter (Hugo) is metadata too
    ("+++\ntitle = \"标题\"\ndate = 2020-01-02\n+++\n\n正文。\n", [["paragraph", "正文。"]]),
    # an image keeps its alt text (the image itself is never hot-linked)
    ("图前。![示意图说明](https://example.org/x.png)图后。\n", [["paragraph", "图前。示意图说明图后。"]]),
    # a doctype or processing instruction in a raw HTML block is not text
    ("<!DOCTYPE html>\n<div><p>只有这一段。</p></div>\n", [["paragraph", "只有这一段。"]]),
])
def test_markdown_constructs(source, expected, tmp_path):
    items, _ctx = run_fixture({"format": "markdown", "input": source}, tmp_path)
    assert simplify(items) == expected


def test_toml_front_matter_fields(tmp_path):
    _items, ctx = run_fixture({"format": "markdown", "input": "+++\ntitle = \"标题\"\ndate = 2020-01-02\n+++\n\n正文。\n"},
                              tmp_path)
    assert ctx.front["source_meta"] == {"title": "标题", "date": "2020-01-02"}


def test_bad_yaml_front_matter_is_a_clear_error(tmp_path):
    from bireport.errors import BuildError

    with pytest.raises(BuildError) as err:
        run_fixture({"format": "markdown", "input": "---\ntitle: \"未闭合\n---\n\n正文。\n"}, tmp_path)
    p = err.value.problems[0]
    assert p.path.endswith("src.txt") and p.line and "front matter" in p.message and p.fix


def test_page_numbers_need_spread_and_small_steps(tmp_path):
    # a column of years, one per line, is not a run of page numbers
    body = "".join(f"第{n}段，正文内容。\n" for n in range(30))
    spec = {"format": "plaintext", "input": body + "2019\n2020\n2021\n2022\n" + body}
    items, ctx = run_fixture(spec, tmp_path)
    assert not [d for d in ctx.report.dropped if d["rule"] == "page-number"]
    assert [it.text for it in items if it.text.startswith("20")] == ["2019", "2020", "2021", "2022"]


def test_pipes_and_shortcodes_inside_code_fences_are_code(tmp_path):
    source = "前文。\n\n```\n| a | b |\n|---|---|\n| 1 | 2 |\n{{< video >}}\n```\n\n后文。\n"
    items, ctx = run_fixture({"format": "markdown", "input": source}, tmp_path)
    assert [it.kind for it in items] == ["paragraph", "paragraph", "paragraph"]
    assert "| a | b |" in items[1].text and "video" in items[1].text
    assert not ctx.report.dropped and not ctx.report.warnings


def test_aligned_table_rows_keep_their_original_script(tmp_path):
    items, _ctx = _fixture("aligned_table", tmp_path)
    rows = [it for it in items if it.attrs.get("table_row")]
    assert [it.attrs["original"] for it in rows] == ["｜到期量｜操作量", "逆回購（週一）｜1,200｜--", "（週二）｜500｜--",
                                                     "淨回籠｜1,700"]
    assert rows[0].attrs["table_head"] and rows[0].attrs["cols"] == 3


def test_running_header_with_its_page_number_and_page_x_of_y(tmp_path):
    body = "".join(f"第{n}段正文，内容很长很长很长很长很长很长很长很长很长很长很长很长。\n" for n in range(8))
    pages = "".join(f"某某报告 {p}\n{body}第 {p} 页 / 共 9 页\n" for p in range(1, 5))
    items, ctx = run_fixture({"format": "plaintext", "input": "正文开始。\n" + pages}, tmp_path)
    rules = {d["rule"]: d for d in ctx.report.dropped}
    assert rules["running-header"]["text"] == "某某报告" and "repeated 4 times" in rules["running-header"]["reason"]
    assert rules["page-number"]["text"].startswith("第 1 页")
    assert not [it for it in items if "某某报告" in it.text or "页" in it.text]
    assert len([it for it in items if it.kind == "paragraph"]) == 1 + 8 * 4


def test_tab_rows_without_a_caption_are_a_table_not_an_error(tmp_path):
    source = "前文。\n\n項目\t說明\n甲\t一般\n乙\t特殊\n\n後文。\n"
    items, ctx = run_fixture({"format": "markdown", "script": "Hant", "input": source}, tmp_path)
    assert simplify(items) == [["paragraph", "前文。"], ["list_item", "项目｜说明"], ["list_item", "甲｜一般"],
                               ["list_item", "乙｜特殊"], ["paragraph", "后文。"]]
    assert any("without a 表N caption" in w for w in ctx.report.warnings)


def test_long_title_and_document_number_are_front_matter(tmp_path):
    title = "国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本促进经济高质量发展的若干意见和具体措施"
    source = f"{title}\n\n国办发〔2022〕30号\n\n各省、自治区、直辖市人民政府：\n\n　　一、总体要求\n\n　　坚持稳中求进。\n"
    items, ctx = run_fixture({"format": "plaintext", "input": source}, tmp_path)
    assert ctx.front["title"] == title and ctx.front["lines"] == ["国办发〔2022〕30号"]
    assert simplify(items) == [["paragraph", "各省、自治区、直辖市人民政府："], ["heading", 1, "一", "总体要求"],
                               ["paragraph", "坚持稳中求进。"]]


def test_markdown_footnotes_become_footnotes(tmp_path):
    notes = "".join(f"[^n{k}]: 第{k}条注释。\n" for k in range(1, 13))
    refs = "".join(f"句{k}[^n{k}]。" for k in range(1, 13))
    source = f"{refs}\n\n{notes}\n    第十二条注释的第二段。\n\n结尾。\n"
    items, ctx = run_fixture({"format": "markdown", "input": source}, tmp_path)
    assert simplify(items) == [["paragraph", "".join(f"句{k}[^fn{k}]。" for k in range(1, 13))],
                               ["paragraph", "结尾。"]]
    assert [(f["key"], f["label"], f["text"]) for f in ctx.footnotes][:2] == [("fn1", "①", "第1条注释。"),
                                                                             ("fn2", "②", "第2条注释。")]
    assert ctx.footnotes[10]["label"] == "[11]"
    assert ctx.footnotes[-1]["text"] == "第12条注释。第十二条注释的第二段。" and len(ctx.footnotes) == 12
