"""Bad raw sources: each fails with a BuildError naming file, line and fix — and docs/ is unchanged.
Accepted variants (BOM, CRLF) build and produce the same pages."""
from __future__ import annotations

import pytest

from bireport.pipeline import generate

from rbhelpers import chart_cache, rb  # noqa: F401 (fixtures)
from rbhelpers import CUSTOMS, NYT, SCIO, XINHUA, ZHAO, line_of, tree_hash


ROW = "第94章 家具、寝具\t6.0\t"


# ---------------------------------------------------------------- tables

def test_table_row_with_wrong_number_of_cells(rb):
    line = line_of(rb.source(SCIO), ROW)
    rb.edit_source(SCIO, lambda t: t.replace(ROW, ROW + "7.0\t", 1))
    rb.expect_error(SCIO, line, ["row has 5 cells, expected 4"])


def test_non_numeric_cell(rb):
    line = line_of(rb.source(SCIO), ROW)
    rb.edit_source(SCIO, lambda t: t.replace(ROW, "第94章 家具、寝具\t六\t", 1))
    rb.expect_error(SCIO, line, ["'六' is not a number"])


def test_percentage_over_100(rb):
    line = line_of(rb.source(SCIO), ROW)
    rb.edit_source(SCIO, lambda t: t.replace(ROW, "第94章 家具、寝具\t160.0\t", 1))
    rb.expect_error(SCIO, line, ["percentage 160.0 is outside 0-100"])


def test_duplicate_table_ids(rb):
    """Two `表1` captions in one source."""
    second = line_of(rb.source(SCIO), "表2: 美国对华")
    rb.edit_source(SCIO, lambda t: t.replace("表2: 美国对华", "表1: 美国对华", 1))
    rb.expect_error(SCIO, second, ["duplicate table number 表1"])


def test_rows_without_caption(rb):
    cap = "表1: 2024年中国对美进出口前10大类商品(HS2位码)"
    rows = line_of(rb.source(SCIO), cap) + 2
    rb.edit_source(SCIO, lambda t: t.replace(cap, cap[3:], 1))
    rb.expect_error(SCIO, rows, ["without a table caption"])


def test_unknown_unit_in_caption(rb):
    cap = "表2: 美国对华服务出口贸易主要构成 (单位: 亿美元)"
    line = line_of(rb.source(SCIO), cap)
    rb.edit_source(SCIO, lambda t: t.replace(cap, cap.replace("亿美元", "万吨"), 1))
    rb.expect_error(SCIO, line, ["unknown unit '万吨'"])


def test_table_note_that_is_not_a_source(rb):
    note = next(ln for ln in rb.source(SCIO).read_text().splitlines() if ln.startswith("资料来源"))
    line = line_of(rb.source(SCIO), note)
    rb.edit_source(SCIO, lambda t: t.replace(note, "注：本表为随便写的说明。", 1))
    rb.expect_error(SCIO, line, ["neither a data source nor a footnote"])


# ---------------------------------------------------------------- structure and ids

def test_duplicate_block_ids(rb):
    """A footnote defined twice would give two blocks the id <doc>/footnotes/fn1."""
    fn = "<sup>①</sup>数据来源于WDI数据库。"
    first = line_of(rb.source(ZHAO), fn)
    rb.edit_source(ZHAO, lambda t: t.replace(fn, fn + "\n\n<sup>①</sup>重复的脚注。", 1))
    rb.expect_error(ZHAO, first + 2, ["duplicate footnote", "zhao-liu-decoupling-2025/footnotes/fn1"])


def test_duplicate_section_number(rb):
    line = line_of(rb.source(ZHAO), "### 2.2.2 市场准入限制")
    rb.edit_source(ZHAO, lambda t: t.replace("### 2.2.2 市场准入限制", "### 2.2.1 市场准入限制", 1))
    rb.expect_error(ZHAO, line, ["section number 2.2.1 appears twice"])


def test_out_of_order_section_number(rb):
    """2.2.4 and 2.2.5 swapped: 2.2.4 now follows 2.2.5."""
    line = line_of(rb.source(ZHAO), "### 2.2.5 科技合作限制")
    rb.edit_source(ZHAO, lambda t: t.replace("### 2.2.4 人才交流限制", "### 2.2.5 人才交流限制", 1)
                   .replace("### 2.2.5 科技合作限制", "### 2.2.4 科技合作限制", 1))
    rb.expect_error(ZHAO, line, ["section number 2.2.4 is out of order (after 2.2.5)"])


# ---------------------------------------------------------------- encodings and file shapes

def _first_non_ascii_line(text: str, start: int = 0) -> int:
    return next(n for n, ln in enumerate(text.split("\n"), 1) if n > start and not ln.isascii())


def test_gbk_encoded_source(rb):
    text = rb.source(CUSTOMS).read_text(encoding="utf-8")
    rb.write_source_bytes(CUSTOMS, text.encode("gbk", errors="replace"))
    rb.expect_error(CUSTOMS, _first_non_ascii_line(text), ["not valid UTF-8", "gb18030", "iconv -f GB18030"])


def test_gbk_error_names_first_bad_line(rb):
    """Only the tail is GBK (a bad paste): the error points at the first bad line."""
    text = rb.source(SCIO).read_text(encoding="utf-8")
    lines = text.split("\n")
    data = ("\n".join(lines[:5]) + "\n").encode("utf-8") + ("\n".join(lines[5:])).encode("gbk", errors="replace")
    rb.write_source_bytes(SCIO, data)
    rb.expect_error(SCIO, _first_non_ascii_line(text, 5), ["not valid UTF-8", "gb18030"])


def test_utf8_bom_is_accepted(rb):
    pages = rb.paths.docs / "zh"
    before = tree_hash(pages, rb.paths.docs / "en")
    raw = rb.source(CUSTOMS).read_bytes()
    rb.write_source_bytes(CUSTOMS, b"\xef\xbb\xbf" + raw)
    res = generate(rb.root, quiet=True, force=True)
    assert tree_hash(pages, rb.paths.docs / "en") == before   # same pages: the BOM is not content
    doc = next(d for d in res.docs if d.meta.file == CUSTOMS)
    first = next(b for b in doc.blocks() if b.text)
    assert "\ufeff" not in first.text and not first.text.startswith("\ufeff")
    page = (pages / "customs-2026-01-14" / "index.md").read_text(encoding="utf-8")
    assert "\ufeff" not in page and first.text[:10] in page


@pytest.mark.parametrize("name", [SCIO, XINHUA, CUSTOMS, NYT])
def test_crlf_line_ends_give_the_same_output(rb, name):
    before = tree_hash(rb.paths.docs / "zh", rb.paths.docs / "en")
    raw = rb.source(name).read_bytes()
    assert b"\r" not in raw
    rb.write_source_bytes(name, raw.replace(b"\n", b"\r\n"))
    generate(rb.root, quiet=True, force=True)
    assert tree_hash(rb.paths.docs / "zh", rb.paths.docs / "en") == before


def test_old_mac_cr_line_ends_give_the_same_output(rb):
    before = tree_hash(rb.paths.docs / "zh", rb.paths.docs / "en")
    rb.write_source_bytes(XINHUA, rb.source(XINHUA).read_bytes().replace(b"\n", b"\r"))
    generate(rb.root, quiet=True, force=True)
    assert tree_hash(rb.paths.docs / "zh", rb.paths.docs / "en") == before


@pytest.mark.parametrize("data,words", [
    (b"", ["empty"]),
    (b"  \n\n\t \n", ["empty"]),
    (b"\x00\x01\x02\x03binary\xff\xfe" * 10, ["binary"]),
    ("中文内容。\n".encode("utf-16"), ["UTF-16"]),
], ids=["empty", "whitespace-only", "binary", "utf-16"])
def test_unusable_file(rb, data, words):
    rb.write_source_bytes(CUSTOMS, data)
    rb.expect_error(CUSTOMS, None, words)


def test_ten_megabyte_source(rb):
    para = "中美经贸关系的本质是互利共赢，这是一段用于测试的正文。\n"
    data = (para * (10 * 1024 * 1024 // len(para.encode()) + 1)).encode()
    assert len(data) >= 10 * 1024 * 1024
    rb.write_source_bytes(CUSTOMS, data)
    rb.expect_error(CUSTOMS, None, ["KiB", "limit", "split"])


def test_unclosed_html(rb):
    n = len(rb.source(NYT).read_text().split("\n"))
    rb.edit_source(NYT, lambda t: t.rstrip("\n") + "\n\n<div class=\"box\">\n<p>未闭合的盒子里的段落。</p>\n")
    rb.expect_error(NYT, n + 1, ["<div>", "never closed"])


def test_edited_raw_source_is_refused(rb):
    """The sha256 pin: an edited raw source is refused (fixes belong in data/corrections)."""
    rb.source(SCIO).write_text(rb.source(SCIO).read_text() + "\n多出的一句。\n")
    rb.expect_error(SCIO, None, ["sha256", "corrections"])
