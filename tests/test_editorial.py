"""The editorial notes pages in each language: the Chinese page entirely Chinese (source quotations
aside), the English page English; report entries are Notes (message key + parameters) worded in
bireport/ui.py. Expected sentences are written by hand from the bundled sources."""
from __future__ import annotations

import copy
import pickle
import re
import string

import polib
import pytest

from projectcopy import ROOT, copy_project

from bireport import editorial
from bireport.model import Note, Quote, named, note_text
from bireport.ui import STRINGS


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    from bireport.pipeline import generate

    root = copy_project(tmp_path_factory.mktemp("editorial") / "proj")
    generate(root, quiet=True)
    out = {}
    for lang in ("zh", "en"):
        for f in sorted((root / "docs" / lang).glob("*/editorial.md")):
            out[(lang, f.parent.name)] = f.read_text(encoding="utf-8")
    return out


def body(md: str) -> str:
    """The page below its title (the language switcher above it links the English page, rightly)."""
    return md[md.index("\n# "):]


# every Latin word the Chinese pages may show: the source's own words inside quotations and joins,
# file names in code spans, and a few names that are not translated (build.py check, OpenCC …)
ALLOWED = {"HTML", "OpenCC", "tw2s", "build.py", "check", "index.md", "OCR", "Markdown", "fn1",
           # source text (a paper's English labels and names, in its joined-paragraph excerpts)
           "Abstract", "Keywords", "Federal", "Co", "Hou", "Rui"}


def test_chinese_pages_are_entirely_chinese(pages):
    docs = sorted(d for lang, d in pages if lang == "zh")
    assert docs == ["customs-2026-01-14", "nyt-2024-12-12", "scio-whitepaper-2025", "xinhua-2019-01-31",
                    "zhao-liu-decoupling-2025"]
    for d in docs:
        text = body(pages[("zh", d)])
        assert 'lang="en"' not in text, d
        bare = re.sub(r'<q lang="zh">.*?</q>|`[^`]*`|\{ #[a-z]+ \}', "", text)
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9]|[A-Za-z]", bare))
        assert words <= ALLOWED, (d, words - ALLOWED)


@pytest.mark.parametrize("doc, lines", [
    ("customs-2026-01-14", [
        "**原文文件：** `customs-2026-01-14.hant.txt`（纯文本，繁体（台湾））",
        "## 规范化处理（5） { #normalised }",
        "- 31 行由繁体转换为简体（OpenCC tw2s）",
        "- 124 个紧接中文的半角标点改为全角",
        "- 第 9 行：标题“货物贸易规模连续9年保持增长”按其编号定为第 2 级（原文为 ##）",
        "- 原文第 17 行：插入的赌博广告",            # spam: never quoted
    ]),
    ("scio-whitepaper-2025", [
        "- 第 9–62 行：原文自带的目录（39 条）→ 文献元数据",
        "- 第 88 行 + 第 90 行：“…的8倍多。目前，美国是中” + “国第一大货物出口目的地和…”",
        "- 第 5 行：文首信息行 → 元数据",
        "- 第 3 行：标题 → 元数据",
    ]),
    ("zhao-liu-decoupling-2025", [
        "- 第 131 行：表格 表1 移到接合后的段落之后",
        "- 第 31 行：脚注 fn1 → 脚注",
        "- 第 27 行：收稿日期 → 元数据",
        "- 第 348 行：列表项并入第 346 行的条目",
        "    - 2013年 生命科学技术 贸易额占比：2.88% 与前后年份差异很大（相邻值中位数 21.83），请与原文核对。"
        " (`zhao-liu-decoupling-2025.md:273`)",
    ]),
    ("nyt-2024-12-12", [
        '- 第 5 行：<q lang="zh">翻译：纽约时报中文网</q> → 元数据（翻译署名）',
        '- 原文第 5 行：网站导航链接（英文原文的网址保留在文献元数据中） — <q lang="zh">点击查看本文英文版。</q>',
        "- 原文第 5 行：图片一律不外链引用；图题保留",
    ]),
    ("xinhua-2019-01-31", [
        "- 第 4–12 行：6 行 OCR 文字 → 1 个段落",
        "- 删除了中文、数字和日期中的 24 个多余 OCR 空格",
        "- 第 134 行：栏宽变化（32 → 46）：另起一个无标题的条目（请在更正文件中为其补标题）",
        '- 第 134 行：编者补入的标题：<q lang="zh">新华社记者评论</q>',
        '- 第 83 行：<q lang="zh">月30日至31日，中共中央</q> → <q lang="zh">&#123;++1++&#125;月30日至31日，中共中央</q>'
        "（OCR 丢失了月份数字“1”（磋商于2019年1月30日至31日举行，见同版电头“1月31日电”）。）",
    ]),
])
def test_chinese_sentences(pages, doc, lines):
    _has_lines(pages, "zh", doc, lines)


@pytest.mark.parametrize("doc, lines", [
    ("customs-2026-01-14", [
        "**Source file:** `customs-2026-01-14.hant.txt` (plain text, traditional script (Taiwan))",
        "## Normalisation (5) { #normalised }",
        "- converted 31 lines from traditional to simplified script (OpenCC tw2s)",
        '- line 9: heading “<span lang="zh">货物贸易规模连续9年保持增长</span>” is level 2 by its numbering '
        "(## in the source)",
        "- source line 17: injected gambling advertisement",
    ]),
    ("scio-whitepaper-2025", [
        "- lines 9–62: the source’s table of contents (39 entries) → document metadata",
    ]),
    ("nyt-2024-12-12", [
        '- line 5: <q lang="zh">翻译：纽约时报中文网</q> → metadata (translation&#95;credit)',
        "- source line 5: images are never hot-linked; caption kept",
    ]),
    ("xinhua-2019-01-31", [
        "- lines 4–12: 6 OCR lines → 1 paragraph",
        '- line 134: heading supplied by the editor: <q lang="zh">新华社记者评论</q>',
        '- line 83: <q lang="zh">月30日至31日，中共中央</q> → <q lang="zh">&#123;++1++&#125;月30日至31日，中共中央</q> '
        "(OCR lost the month digit “1” (the talks were held on 30–31 January 2019; see the dateline “31 January”).)",
    ]),
])
def test_english_page_stays_english(pages, doc, lines):
    _has_lines(pages, "en", doc, lines)


def _has_lines(pages, lang, doc, lines):
    got = pages[(lang, doc)].splitlines()
    for line in lines:
        assert line in got, (doc, line)


# ---------------------------------------------------------------- the Note type


def test_note_is_its_english_line_and_words_itself_in_chinese():
    n = Note("rep_heading_level", line=9, title="货物贸易", level=2, hashes="##")
    assert n == "line 9: heading “货物贸易” is level 2 by its numbering (## in the source)"
    assert n.text("zh") == "第 9 行：标题“货物贸易”按其编号定为第 2 级（原文为 ##）"
    moved = Note("rep_moved_meta", line=5, text=Quote("翻译：某网"), field=named("rep_field_", "translation_credit"))
    assert moved == "line 5: '翻译：某网' → metadata (translation_credit)"        # quoted as before
    assert moved.text("zh") == "第 5 行：“翻译：某网” → 元数据（翻译署名）"
    assert named("rep_field_", "no-such-field") == "no-such-field"               # unknown: the name itself
    fields = Note("rep_front_matter", first=1, last=4, fields=[named("rep_field_", "title"), named("rep_field_", "date")])
    assert fields == "lines 1–4: front matter (title, date) → metadata"
    assert fields.text("zh") == "第 1–4 行：文首元数据块（标题、日期）→ 元数据"
    assert note_text("an old plain line", "zh") == "an old plain line"


def test_note_survives_pickle_and_copy():
    n = Note("rep_corrected", line=3, find=Quote("甲"), repl=Quote("乙"), note=Note("rep_zh_en", zh="注", en="note"))
    for other in (pickle.loads(pickle.dumps(n)), copy.deepcopy(n)):
        assert type(other) is Note and other == n and other.key == "rep_corrected"
        assert other.text("zh") == "第 3 行：“甲” → “乙”（注）"


def test_english_follows_the_translation_memory():
    cat = {"ui/rep_title_meta": "line {line}: the title went to the metadata"}
    n = Note("rep_title_meta", line=7)
    assert n.text("en", cat.get) == "line 7: the title went to the metadata"
    assert n.text("zh", cat.get) == "第 7 行：标题 → 元数据"
    assert str(n) == "line 7: title → metadata"


def test_hostile_parameters_stay_data():
    evil = '<script>alert(1)</script> **b** [x](javascript:alert(1)) {++x++} # h'
    for n in (Note("rep_moved_meta", line=1, text=Quote(evil), field=evil),
              Note("rep_heading_level", line=1, title=evil, level=1, hashes=evil)):
        for lang in ("zh", "en"):
            out = editorial.entry(n, lang)
            assert "<script" not in out and "**" not in out and "](" not in out and "{++" not in out, out
            assert "&lt;script&gt;" in out


def test_every_message_has_both_languages_and_a_ui_po_entry():
    po = polib.pofile(str(ROOT / "data" / "i18n" / "en" / "ui.po"))
    entries = {e.msgctxt: e for e in po if not e.obsolete}
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}   # noqa: E731
    keys = [k for k in STRINGS if k.startswith(("rep_", "editorial_"))]
    assert len(keys) > 60
    for k in keys:
        zh, en = STRINGS[k]
        assert zh and en, k
        assert f"ui/{k}" in entries and entries[f"ui/{k}"].msgid == zh and entries[f"ui/{k}"].msgstr, k
        # the Chinese wording may leave out an English-only detail, never add a parameter
        assert fields(zh) <= fields(en) or k == "rep_zh_en", k


def test_translation_qa_of_the_interface_strings_is_clean():
    from bireport import qa

    found = [f for f in qa.run(ROOT).findings if str(f.path).endswith("ui.po")]
    assert found == []


def test_table_findings_are_worded_in_each_language():
    from bireport import tables as T

    t = copy.deepcopy(T.load_table("zhao-liu-decoupling-2025-t6", ROOT / "data" / "tables"))
    t._findings = None
    df = t.data
    df.loc[df.index[(df.year == 2015) & (df.group == "生物技术") & (df.unit == "%")][0], "value"] = 120.5
    df.loc[df.index[(df.year == 2016) & (df.group == "生物技术") & (df.unit == "亿美元")][0], "value"] = -3.25
    got = {f.key: (T.finding_text(t, f, "zh"), T.finding_text(t, f, "en"))
           for f in T.validate(t) if f.key in ("percent", "negative")}
    assert got == {
        "percent": ("2015年 生物技术 贸易额占比：百分比 120.5% 超出 0–100% 的范围。",
                    "2015 Biotechnology US share of China’s imports: percentage 120.5% is outside 0–100%."),
        "negative": ("2016年 生物技术 贸易额：出现负值 -3.25 亿美元。",
                     "2016 Biotechnology Imports from the US: negative value -0.325 USD billion."),
    }


def test_a_broken_translation_falls_back_to_the_built_in_wording():
    n = Note("rep_title_meta", line=7)
    for bad in ("line {lien}: title", "line {line: title", "line {line}} {"):
        assert n.text("en", {"ui/rep_title_meta": bad}.get) == "line 7: title → metadata", bad
