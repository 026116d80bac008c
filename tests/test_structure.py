"""Every section reaches a page: levels from the shallowest heading present, intro sub-sections on
the intro page, unknown item kinds are errors naming file:line (expected values written by hand)."""
from __future__ import annotations

from pathlib import Path

import pytest

from bireport.document import structure
from bireport.errors import BuildError
from bireport.manifest import DocumentMeta
from bireport.render import pages_for
from bireport.repairs import Context, load_patterns, repair
from bireport.sources import ADAPTERS
from bireport.sources.base import Item

ROOT = Path(__file__).resolve().parent.parent


def build(tmp_path, text, fmt="markdown", paging="sections", script="Hans"):
    src = tmp_path / "src.txt"
    src.write_text(text, encoding="utf-8")
    meta = DocumentMeta(id="d", file="src.txt", format=fmt, script=script, title={"zh": "t", "en": "t"},
                        publisher={"zh": "p", "en": "p"}, date="2025", paging=paging, path=src)
    ctx = Context(meta, load_patterns(ROOT / "data"), {"corrections": [], "headings": []})
    return structure(repair(ADAPTERS[fmt](text, meta), ctx), ctx)


def page_map(doc):
    return {p.slug: [s.title for s in p.sections] for p in pages_for(doc)}


def test_all_h3_document_gets_a_page_per_section(tmp_path):
    doc = build(tmp_path, "### 标题\n\n导语。\n\n#### 甲\n\n一。\n\n#### 乙\n\n二。\n\n##### 乙之一\n\n三。\n")
    assert page_map(doc) == {"d/index": [""], "d/h1": ["甲"], "d/h2": ["乙", "乙之一"]}


def test_unnumbered_plain_text_headings_each_get_a_page(tmp_path):
    doc = build(tmp_path, "第一段，正文。\n\n小标题甲\n\n正文甲。\n\n小标题乙\n\n正文乙。\n", fmt="plaintext")
    assert page_map(doc) == {"d/index": [""], "d/h1": ["小标题甲"], "d/h2": ["小标题乙"]}


def test_subsections_under_the_intro_stay_on_the_intro_page(tmp_path):
    doc = build(tmp_path, "导语。\n\n### 引言之下\n\n正文。\n\n## 一、第一部分\n\n正文一。\n")
    pages = page_map(doc)
    assert pages["d/index"] == ["", "引言之下"]
    assert [t for ts in pages.values() for t in ts].count("引言之下") == 1


def test_unknown_item_kind_is_an_error_with_file_and_line(tmp_path):
    src = tmp_path / "src.txt"
    src.write_text("x\n", encoding="utf-8")
    meta = DocumentMeta(id="d", file="src.txt", format="markdown", script="Hans", title={"zh": "t", "en": "t"},
                        publisher={"zh": "p", "en": "p"}, date="2025", path=src)
    ctx = Context(meta, {}, {"corrections": [], "headings": []})
    with pytest.raises(BuildError) as err:
        structure([Item("paragraph", "正文。", 1), Item("html", "<div>", 3)], ctx)
    p = err.value.problems[0]
    assert p.path == str(src) and p.line == 3 and "'html'" in p.message and p.fix


def test_render_refuses_an_unknown_block_kind(tmp_path):
    from bireport.model import Block
    from bireport.render import render_blocks

    with pytest.raises(BuildError) as err:
        render_blocks([Block("d/intro/x1", "html", "<div>", 7)], None, {"source": "data/sources/x.md"})
    p = err.value.problems[0]
    assert (p.path, p.line) == ("data/sources/x.md", 7) and "'html'" in p.message


def test_raw_html_line_in_a_single_page_markdown_document_builds(tmp_path):
    # the KeyError: 'html' — a raw HTML block on its own line, paging single
    doc = build(tmp_path, "正文一。\n\n<div class=\"note\">说明文字。</div>\n\n正文二。\n", paging="single")
    assert [b.kind for b in doc.blocks()] == ["paragraph", "paragraph", "paragraph"]
    assert [b.text for b in doc.blocks()] == ["正文一。", "说明文字。", "正文二。"]


def test_text_table_rows_render_as_a_markdown_table(tmp_path):
    from bireport.i18n import Catalog
    from bireport.render import Text, render_blocks

    doc = build(tmp_path, "| 项目 | 说明 | 备注 |\n| --- | --- | --- |\n| 甲 | 一般 |  |\n| 乙 | a\\|b | **重点** |\n")
    t = Text("zh", Catalog(tmp_path), None, {})
    (_, md), = render_blocks(list(doc.blocks()), t, {"source": "x"})
    assert md.split("\n") == ["| 项目 | 说明 | 备注 |", "| --- | --- | --- |", "| 甲 | 一般 |  |",
                              "| 乙 | a&#124;b | <strong>重点</strong> |"]
    t_en = Text("en", Catalog(tmp_path), None, {})       # no translation yet: each cell marked, none lost
    (_, md_en), = render_blocks(list(doc.blocks()), t_en, {"source": "x"})
    assert md_en.count('class="untranslated"') == 8 and "重点" in md_en
