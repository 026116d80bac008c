"""Translation QA golden cases: numbers with unit conversion, glossary, leftover CJK, markup."""
from __future__ import annotations

import polib
import pytest

from bireport.glossary import Term
from bireport.qa import check_entry, check_numbers

GOOD = [
    ("2024年中美双边货物贸易额达6882.8亿美元。", "In 2024, China-US trade in goods reached US$688.28 billion."),
    ("我国外贸进出口45.47万亿元。", "China's foreign trade reached 45.47 trillion yuan."),
    ("游客约93.1万人次。", "about 931,000 visitors."),
    ("分别占14.7%和6.3%。", "14.7% and 6.3% respectively."),
    ("从1979年的不足25亿美元", "from less than US$2.5 billion in 1979"),
    ("{++1++}月30日至31日", "On {++January++} 30–31"),
    ("数量在2017年达到69 034人", "reached 69,034 in 2017"),
    ("包括比亚迪在内的6家中国企业", "six Chinese companies, including BYD"),
    ("2012年4,862.04 亿美元", "486.204 USD billion in 2012"),
]
BAD = [
    ("贸易额达6882.8亿美元。", "Trade reached US$6882.8 billion.", "688.28"),
    ("进出口45.47万亿元。", "Trade reached 45.4 trillion yuan.", "45.47"),
    ("约93.1万人次。", "about 93,100 visitors.", "931,000"),
    ("占14.7%。", "14.5%.", "14.7"),
    ("1979年", "in 1978", "1979"),
]


@pytest.mark.parametrize("zh,en", GOOD)
def test_numbers_accept_converted_units(zh, en):
    assert check_numbers(zh, en) == []


@pytest.mark.parametrize("zh,en,want", BAD)
def test_numbers_flag_wrong_values(zh, en, want):
    missing = check_numbers(zh, en)
    assert missing and want in missing[0]


def entry(zh, en, ctx="d/s/p1", comment="paragraph", fuzzy=False):
    e = polib.POEntry(msgctxt=ctx, msgid=zh, msgstr=en, comment=comment)
    if fuzzy:
        e.flags.append("fuzzy")
    e.linenum = 12
    return e


GLOSSARY = [Term("脱钩", "decoupling", variants=("decouple",)), Term("小院高墙", "small yard, high fence")]


def checks(e):
    return sorted({f.check for f in check_entry(e, "x.po", GLOSSARY)})


def test_glossary_required():
    assert checks(entry("美国推动脱钩。", "The US pushes separation.")) == ["glossary"]
    assert checks(entry("美国推动脱钩。", "The US pushes decoupling.")) == []


def test_leftover_cjk_and_markup():
    assert "cjk" in checks(entry("小院高墙战略。", "The small yard, high fence 战略."))
    assert "markup" in checks(entry("如文献[@5]所述。", "As the literature says."))
    assert checks(entry("如文献[@5]所述。", "As the literature says [@5].")) == []


def test_untranslated_and_fuzzy_are_findings_with_file_and_line():
    f = check_entry(entry("一句话。", ""), "x.po", [])[0]
    assert (f.check, f.path, f.line) == ("untranslated", "x.po", 12)
    assert check_entry(entry("一句话。", "A sentence.", fuzzy=True), "x.po", [])[0].check == "fuzzy"


def test_orphan_msgctxt_is_reported(project):
    from bireport import qa
    from bireport.pipeline import Paths, stage_ingest

    po = project / "data" / "i18n" / "en" / "nyt-2024-12-12.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgctxt "nyt-2024-12-12/intro/p999"\nmsgid "不存在的段落。"\nmsgstr "No such paragraph."\n',
                  encoding="utf-8")
    report = qa.run(project, docs=stage_ingest(Paths(project)))
    orphans = [f for f in report.findings if f.check == "orphan"]
    assert len(orphans) == 1 and orphans[0].path.endswith("nyt-2024-12-12.po") and orphans[0].line


def test_final_punctuation():
    assert "punctuation" in checks(entry("这是一句话。", "This is a sentence"))
