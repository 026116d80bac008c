"""House-style QA (bireport/qa_style.py) golden cases: each class of defect is caught with its
fix, the house-style form passes, and findings name the PO file and line."""
from __future__ import annotations

from pathlib import Path

import polib
import pytest

from bireport import qa, qa_style
from bireport.glossary import Term

TERMS = [
    Term("脱钩", "decoupling", variants=("decouple",), forbidden=("de-coupling",)),
    Term("纽约时报中文网", "The New York Times Chinese-language edition", forbidden=("ALAN RAPPEPORT",)),
    Term("美中贸易全国委员会", "US-China Business Council"),
    Term("共建一带一路国家", "Belt and Road partner countries"),
    Term("经济分析局", "Bureau of Economic Analysis",
         forbidden=("US Department of Commerce, Bureau of Economic Analysis",)),
]


def entry(zh: str, en: str, ctx: str = "d/s1/p1", comment: str = "paragraph") -> polib.POEntry:
    return polib.POEntry(msgctxt=ctx, msgid=zh, msgstr=en, comment=comment)


def checks(zh: str, en: str, **kw) -> list[tuple[str, str, str]]:
    return qa_style.check_entry(entry(zh, en, **kw), TERMS, exempt=False)


BAD = [
    # multipliers from 倍: "an increase of N times" reads as N×
    ("multiplier", "服务贸易额由89.5亿美元扩大到668.6亿美元，增长了6倍。",
     "Trade grew from US$8.95 billion to US$66.86 billion, an increase of 6 times.", "up 600%"),
    ("multiplier", "出口额由56.3亿美元扩大到467.1亿美元，增长了7.3倍。",
     "Exports expanded from US$5.63 billion to US$46.71 billion, increasing 7.3 times.", "up 730%"),
    ("multiplier", "顺差扩大11.5倍至265.7亿美元。", "The surplus expanded 11.5-fold to US$26.57 billion.", "1,150%"),
    ("multiplier", "进口增长了3倍。", "Imports grew three times.", "300%"),
    # currency and unit format
    ("currency", "运输服务：2017年54.6 亿美元。", "Transport: 5.46 USD billion in 2017.", "US$5.46 billion"),
    ("currency", "2020年仅为4.96亿美元。", "only US$0.496 billion in 2020.", "US$496 million"),
    ("currency", "为4365.51亿美元。", "amounted to US$436.551 billion.", "US$436.55 billion"),
    ("currency", "2500万美元以上的企业", "companies with sales above USD 25 million", "US$25 million"),
    ("currency", "美国对华服务进出口(单位: 亿美元)", "US services trade (in hundreds of millions of US dollars)", "US$100 million"),
    ("currency", "增长6.1%。", "up 6.1 per cent.", "6.1%"),
    # quotation marks and apostrophes
    ("quotes", "中国的出口", "China's exports", "’"),
    ("quotes", "所谓“对等关税”", 'the so-called "reciprocal tariffs"', "curly"),
    ("quotes", "所谓“对等关税”", "the so-called “reciprocal tariffs", "unbalanced"),
    # dashes
    ("dash", "中美经贸关系", "China-US economic and trade relations", "China–US"),
    ("dash", "美中紧张关系", "to keep US-China tensions from escalating", "US–China"),
    ("dash", "——这就是", "in reality—that is, a trap", "spaces"),
    # glossary: forbidden renderings, terms written with quotes in the source
    ("terms", "特朗普政府时期，“脱钩”(de-coupling)成为战略。", "Under Trump, “de-coupling” became the strategy.", "decoupling"),
    ("terms", "ALAN RAPPEPORT", "ALAN RAPPEPORT", "The New York Times Chinese-language edition"),
    ("terms", "数据来源: 美国商务部经济分析局", "Source: US Department of Commerce, Bureau of Economic Analysis", "glossary"),
    ("terms", "对共建“一带一路”国家出口增长11.2%", "exports to countries along the Belt and Road grew 11.2%",
     "Belt and Road partner countries"),
]

GOOD = [
    ("服务贸易额由89.5亿美元扩大到668.6亿美元，增长了6倍。", "Trade grew from US$8.95 billion to US$66.86 billion, up more than 600%."),
    ("是1979年建交时的275倍，是2001年的8倍多。", "275 times the figure for 1979 and more than 8 times that for 2001."),
    ("运输服务：2017年54.6 亿美元。", "Transport: US$5.46 billion in 2017."),
    ("2020年仅为4.96亿美元。", "only US$496 million in 2020."),
    ("为4365.51亿美元。", "amounted to US$436.55 billion."),
    ("金额(亿美元)", "Value (USD billion)"),
    ("中国的出口", "China’s exports"),
    ("所谓“对等关税”", "the so-called “reciprocal tariffs”, ‘not’ ours"),
    ("中美经贸关系", "China–US economic and trade relations"),
    ("美中贸易全国委员会的报告", "a report by the US-China Business Council"),
    ("根据 The US-China investment Hub 数据", "According to the US-China Investment Hub"),
    ("贸易战没有赢家———", "There are no winners in a trade war — a lesson"),
    ("“脱钩”", "“decoupling”"),
    ("ALAN RAPPEPORT", "Alan Rappeport"),
    ("对共建“一带一路”国家出口增长11.2%", "exports to Belt and Road partner countries grew 11.2%"),
    ("[这些工作组](https://www.nytimes.com/2023/09/22/us/politics/us-china-economic-dialogue.html)",
     "[The working groups](https://www.nytimes.com/2023/09/22/us/politics/us-china-economic-dialogue.html)"),
]


@pytest.mark.parametrize("check,zh,en,fix", BAD)
def test_catches_each_class_with_its_fix(check, zh, en, fix):
    found = [m for c, sev, m in checks(zh, en) if c == check]
    assert found, checks(zh, en)
    assert all(sev == "error" for c, sev, _m in checks(zh, en) if c == check)
    assert any(fix in m for m in found), found


@pytest.mark.parametrize("zh,en", GOOD)
def test_house_style_passes(zh, en):
    assert checks(zh, en) == []


def test_authors_own_english_and_references_are_kept_as_given():
    e = entry("摘要", "the weakening of Sino-US trade links; China's “new productivity”",
              comment="front matter: abstract (the authors give their own English: use it)")
    assert qa_style.check_entry(e, TERMS, exempt=True) == []


def test_english_title_quoted_in_the_source_keeps_its_quotes():
    assert checks("RYAN M. The United States-China 'tech war': decoupling[J].",
                  "RYAN M. The United States-China 'tech war': decoupling[J].") == []


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


MANIFEST = """documents:
  - id: doc
    title:
      zh: 标题
      en: The Agreed Title
    publisher:
      zh: 新华社
      en: Xinhua News Agency
"""

PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#. document title (manifest)
msgctxt "doc/meta/title"
msgid "标题"
msgstr "Another Title"

#. publisher / author line (manifest)
msgctxt "doc/meta/publisher"
msgid "新华社"
msgstr "Xinhua News Agency"

#. paragraph
msgctxt "doc/s1/p1"
msgid "服务贸易额增长了6倍。"
msgstr "Services trade saw an increase of 6 times."

# TN after "not in the text": a note placed after a phrase the msgstr lacks
#. paragraph
msgctxt "doc/s1/p2"
msgid "中美关系。"
msgstr "China-US relations."
'''


@pytest.fixture
def project(tmp_path) -> Path:
    write(tmp_path / "data" / "sources" / "manifest.yaml", MANIFEST)
    write(tmp_path / "data" / "glossary.yaml", "terms:\n  - zh: 新华社\n    en: Xinhua News Agency\n")
    write(tmp_path / "data" / "i18n" / "en" / "doc.po", PO)
    return tmp_path


def test_run_reports_file_and_line_and_blocks_strict_builds(project):
    report = qa.run(project)
    got = {(f.check, f.line) for f in report.findings}
    assert ("manifest", 5) in got          # the line where the title's entry starts
    assert ("multiplier", 15) in got
    assert ("dash", 20) in got
    assert ("tn", 20) in got
    assert all(f.path.endswith("data/i18n/en/doc.po") for f in report.findings)
    manifest = next(f for f in report.findings if f.check == "manifest")
    assert "The Agreed Title" in manifest.message and "manifest.yaml" in manifest.message
    assert {f.check for f in report.blocking()} >= {"manifest", "multiplier", "dash", "tn"}
    assert manifest.problem().line == 5


def test_number_check_accepts_house_style_forms():
    assert qa.check_numbers("增长了7.3倍", "up 730%") == []
    assert qa.check_numbers("增长了7.3倍", "an 8.3-fold level") == []
    assert qa.check_numbers("为4365.51亿美元", "US$436.55 billion") == []
    assert qa.check_numbers("为4365.51亿美元", "US$436.5 billion") != []
    assert qa.check_numbers("为4.96亿美元", "US$496 million") == []


def test_translator_insertions_pass_the_markup_check(tmp_path):
    e = entry("美方团队中旬赴华再谈", "US Team to Visit China in Mid-{++February++}", ctx="x/a1/sub1", comment="subheadline")
    e.linenum = 1
    assert [f for f in qa.check_entry(e, tmp_path / "x.po", []) if f.check == "markup"] == []
