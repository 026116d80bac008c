"""`build.py add`: detection on the corpus's HTML pages (expected values written by hand from
../shared/corpus/SOURCES.md and the files), non-UTF-8 files kept byte for byte, refusals, flags,
errors without tracebacks, and a build of the project with all seven pages added."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
import yaml

from bireport.cli import main
from bireport.pipeline import generate
from projectcopy import ROOT, copy_project


def corpus_dir() -> Path:
    """The development corpus (../shared/corpus beside the checkout, or $BIREPORT_CORPUS)."""
    cands = [Path(os.environ["BIREPORT_CORPUS"])] if os.environ.get("BIREPORT_CORPUS") else []
    cands += [ROOT.parent / "shared" / "corpus", ROOT.parent.parent / "shared" / "corpus"]
    for c in cands:
        if (c / "SOURCES.md").is_file():
            return c
    raise AssertionError(f"the development corpus is missing (looked in {', '.join(map(str, cands))}); "
                         "set BIREPORT_CORPUS to its folder")


# file -> (id, full page?, title, accepted dates, publisher contains)
PAGES = {
    "guancha-us-china-trade-protracted-war.html":
        ("guancha-us-china-trade-protracted-war", True, "王文：中美贸易“持久战”，中国人的斗志被激发", {"2019-09-07"}, "观察者网"),
    "ifeng-changchun-new-economy.html":
        ("ifeng-changchun-new-economy", True, "疫情防控常态化下，长春市的新经济之路", {"2020-09-11"}, "商讯"),
    "shanxi-gov-brand-silk-road-south-america.html":
        ("shanxi-gov-brand-silk-road-south-america", True, "山西品牌丝路行（南美站）正式启动", {"2019-09-18"}, "山西日报"),
    "govcn-npcsc-special-treasury-bonds-2007.html":
        ("govcn-npcsc-special-treasury-bonds-2007", True,
         "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007年末国债余额限额的决议",
         {"2007-06-29", "2007-08-20"}, "中国政府网"),
    "qq-data-industry-crackdown.html":
        ("qq-data-industry-crackdown", True, "棱镜|数据业大整顿：爬虫与现金贷共生共荣，用户信息几元不等",
         {"2019-09-23"}, "腾讯"),
    "youth-two-sessions-overseas-students.fragment.html":
        ("youth-two-sessions-overseas-students", False, "海外留学生看两会：出国前后关注点大不同", {"2017-03-10"}, ""),
    "gmw-astronauts-alcohol.fragment.html":
        ("gmw-astronauts-alcohol", False, "宇航员在太空中喝酒会怎么样？后果很严重", {"2017-03-10", "2017-03"}, ""),
}
# one sentence of each article, copied from the page, that must reach the Chinese page
SENTENCE = {
    "guancha-us-china-trade-protracted-war": "在张华荣眼里，华坚志在全球。",
    "ifeng-changchun-new-economy": "为长春新经济发展增添了不一样的活力。",
    "shanxi-gov-brand-silk-road-south-america": "南美站活动将先后在巴西、乌拉圭、阿根廷举行。",
    "govcn-npcsc-special-treasury-bonds-2007": "批准2007年末国债余额限额调整为53365.53亿元。",
    "qq-data-industry-crackdown": "在数据行业，每条信息都会有自己的标价。",
    "youth-two-sessions-overseas-students": "随着年龄和阅历的增长，学子对两会的关注点在出国前后发生了很大的变化。",
    "gmw-astronauts-alcohol": "毕竟国际空间站的造价高达1500亿美元",
}


def entries(root: Path) -> dict:
    m = yaml.safe_load((root / "data" / "sources" / "manifest.yaml").read_text(encoding="utf-8"))
    return {e["id"]: e for e in m["documents"]}


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """A project copy with the seven corpus HTML files added by `build.py add` alone."""
    root = copy_project(tmp_path_factory.mktemp("add") / "proj")
    outputs = {}
    import io
    import contextlib

    for name in PAGES:
        buf = io.StringIO()
        with contextlib.redirect_stderr(buf), contextlib.redirect_stdout(buf):
            rc = main(["add", str(corpus_dir() / name)], root)
        outputs[name] = (rc, buf.getvalue())
    return root, outputs


@pytest.mark.parametrize("name", sorted(PAGES))
def test_add_detects_corpus_page(added, name):
    root, outputs = added
    rc, out = outputs[name]
    doc_id, full, title, dates, publisher = PAGES[name]
    assert rc == 0, out
    e = entries(root)[doc_id]
    assert e["format"] == "html" and e["script"] == "Hans"
    assert "encoding" not in e                                  # UTF-8: not recorded
    assert e["title"]["zh"] == title
    assert e["title"]["en"] in (None, "")                      # for the translator
    assert e["date"] in dates
    assert publisher in e["publisher"]["zh"]
    assert e["paging"] == "single"
    raw = (corpus_dir() / name).read_bytes()
    assert (root / "data" / "sources" / e["file"]).read_bytes() == raw     # byte for byte
    assert e["sha256"] == hashlib.sha256(raw).hexdigest()
    assert ("a complete HTML page" if full else "an HTML fragment") in out
    assert "Traceback" not in out
    assert doc_id in out and ("dropped" in out or "moved" in out)     # the repair report ran


def test_add_says_when_meta_charset_disagrees_with_bytes(added):
    _, outputs = added
    out = outputs["qq-data-industry-crackdown.html"][1]
    assert "charset=gb2312" in out and "trusting the bytes" in out


def test_manifest_comments_and_entries_kept(added):
    root, _ = added
    text = (root / "data" / "sources" / "manifest.yaml").read_text(encoding="utf-8")
    original = (ROOT / "data" / "sources" / "manifest.yaml").read_text(encoding="utf-8")
    assert text.startswith(original.rstrip("\n"))          # existing entries and comments untouched
    assert len(entries(root)) == 5 + len(PAGES)


def test_build_with_all_seven_added(added):
    root, _ = added
    generate(root, quiet=True, force=True)
    for doc_id, sentence in SENTENCE.items():
        page = (root / "docs" / "zh" / doc_id / "index.md").read_text(encoding="utf-8")
        assert sentence in page, doc_id
        en = (root / "docs" / "en" / doc_id / "index.md").read_text(encoding="utf-8")
        assert PAGES_BY_ID[doc_id][2][-6:] in en               # the untranslated title is shown
    qq = (root / "docs" / "zh" / "qq-data-industry-crackdown" / "index.md").read_text(encoding="utf-8")
    assert "第三方数据行业的整顿仍将持续。" in qq and "返回腾讯网首页" not in qq.split("??? info")[0]


PAGES_BY_ID = {v[0]: v for v in PAGES.values()}

TEXT_HANS = ("海关总署发布数据。\n\n今年前十个月，我国货物贸易进出口总值同比增长百分之三点五。\n\n"
             "其中，出口增长百分之六点二，进口增长百分之零点四。\n")
TEXT_HANT = ("海關總署發布數據。\n\n今年前十個月，我國貨物貿易進出口總值同比增長百分之三點五，"
             "臺灣地區的進出口亦隨著增長。\n\n其中，出口增長百分之六點二，進口增長百分之零點四。\n")


@pytest.mark.parametrize("encoding,text,script,recorded", [
    ("gbk", TEXT_HANS, "Hans", "gb18030"),
    ("big5", TEXT_HANT, "Hant-TW", "big5"),
])
def test_add_non_utf8_kept_byte_for_byte(project, capsys, encoding, text, script, recorded):
    src = project.parent / f"notice-{encoding}.txt"
    data = text.encode(encoding)
    src.write_bytes(data)
    rc = main(["add", str(src), "--title", "海关总署数据", "--date", "2025-11-07"], project)
    out = capsys.readouterr()
    assert rc == 0, out.err
    e = entries(project)["notice-" + encoding]
    assert e["encoding"] == recorded and e["script"] == script and e["format"] == "plaintext"
    assert (project / "data" / "sources" / e["file"]).read_bytes() == data
    generate(project, quiet=True, force=True)
    page = (project / "docs" / "zh" / e["id"] / "index.md").read_text(encoding="utf-8")
    assert "其中，出口增长百分之六点二，进口增长百分之零点四。" in page   # decoded (and simplified)


def test_add_refuses_duplicates(project, capsys):
    src = corpus_dir() / "gmw-astronauts-alcohol.fragment.html"
    assert main(["add", str(src)], project) == 0
    capsys.readouterr()
    before = (project / "data" / "sources" / "manifest.yaml").read_bytes()
    # the same file again (under another name): refused, naming the entry
    copy = project.parent / "copy-of-gmw.html"
    shutil.copy(src, copy)
    assert main(["add", str(copy)], project) == 1
    err = capsys.readouterr().err
    assert "copy-of-gmw.html" in err and "already in the manifest as 'gmw-astronauts-alcohol'" in err
    # another file under an id that exists: refused
    other = project.parent / "other.html"
    other.write_text("<div><p>另一篇文章的正文。</p></div>", encoding="utf-8")
    assert main(["add", str(other), "--id", "gmw-astronauts-alcohol", "--title", "另一篇",
                 "--date", "2020-01-01"], project) == 1
    err = capsys.readouterr().err
    assert "id 'gmw-astronauts-alcohol' is already in the manifest" in err and "--id" in err
    assert "Traceback" not in err
    assert (project / "data" / "sources" / "manifest.yaml").read_bytes() == before
    assert not (project / "data" / "sources" / "other.html").exists()


def test_flags_override_detection(project, capsys):
    src = project.parent / "notes.txt"
    src.write_text("关于某事的说明\n2024年3月5日\n第一段正文。\n第二段正文。\n", encoding="utf-8")
    assert main(["add", str(src), "--id", "my-notes", "--script", "Hant", "--paging", "sections",
                 "--format", "plaintext"], project) == 0
    e = entries(project)["my-notes"]
    assert (e["script"], e["paging"], e["format"]) == ("Hant", "sections", "plaintext")
    assert e["title"]["zh"] == "关于某事的说明" and e["date"] == "2024-03-05"
    assert "given with --script" in capsys.readouterr().out


@pytest.mark.parametrize("setup,args,expect", [
    (None, ["add", "nowhere.html"], "file not found"),
    (b"", ["add", "{p}"], "empty"),
    (b"\xff\xfe<\x00p\x00>\x00", ["add", "{p}"], "UTF-16"),
    ("<p>正文。</p>".encode(), ["add", "{p}", "--format", "pdf"], "unknown --format 'pdf'"),
    ("<p>正文没有标题也没有日期。</p>".encode(), ["add", "{p}"], "--title"),
])
def test_add_errors_name_the_file(project, capsys, setup, args, expect):
    p = project.parent / "input.html"
    if setup is not None:
        p.write_bytes(setup)
    before = (project / "data" / "sources" / "manifest.yaml").read_bytes()
    rc = main([a.format(p=p) for a in args], project)
    err = capsys.readouterr().err
    assert rc == 1 and expect in err and "Traceback" not in err
    assert ("input.html" if setup is not None else "nowhere.html") in err
    assert (project / "data" / "sources" / "manifest.yaml").read_bytes() == before


def test_gbk_page_whose_meta_charset_says_utf8(project, capsys):
    page = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>港口吞吐量创新高_某某新闻网</title>"
            "<meta property=\"article:published_time\" content=\"2025-10-20T08:00:00+08:00\"></head><body>"
            "<div class=\"nav\"><a href=\"/\">首页</a></div><div class=\"article\"><h1>港口吞吐量创新高</h1>"
            + "<p>今年前三季度，全省港口完成货物吞吐量十二亿吨，同比增长百分之五，集装箱运输增长最快。</p>" * 3
            + "</div></body></html>")
    src = project.parent / "port-gbk.html"
    src.write_bytes(page.encode("gbk"))
    assert main(["add", str(src)], project) == 0
    out = capsys.readouterr().out
    assert "declares charset=utf-8" in out and "trusting the bytes" in out
    e = entries(project)["port-gbk"]
    assert (e["encoding"], e["title"]["zh"], e["date"]) == ("gb18030", "港口吞吐量创新高", "2025-10-20")
    assert (project / "data" / "sources" / "port-gbk.html").read_bytes() == page.encode("gbk")


# every corpus file: (format, script) as SOURCES.md lists them, written by hand
CORPUS_KINDS = {
    "guancha-us-china-trade-protracted-war.html": ("html", "Hans"),
    "ifeng-changchun-new-economy.html": ("html", "Hans"),
    "shanxi-gov-brand-silk-road-south-america.html": ("html", "Hans"),
    "govcn-npcsc-special-treasury-bonds-2007.html": ("html", "Hans"),
    "qq-data-industry-crackdown.html": ("html", "Hans"),
    "youth-two-sessions-overseas-students.fragment.html": ("html", "Hans"),
    "gmw-astronauts-alcohol.fragment.html": ("html", "Hans"),
    "hkcnews-27290-budget-police.md": ("markdown", "Hant-HK"),
    "hkcnews-15069-idle-government-land.md": ("markdown", "Hant-HK"),
    "reuters-cn-pboc-liquidity-2018.md": ("markdown", "Hans"),
    "prc-tariff-law-2024.md": ("markdown", "Hans"),
    "cpc-19th-congress-report-2017.txt": ("plaintext", "Hans"),
    "luoyang-2023-statistical-communique.txt": ("plaintext", "Hans"),
    "legco-2013-01-16-policy-address.ocr.txt": ("ocr", "Hant-HK"),
}


@pytest.mark.parametrize("name", sorted(CORPUS_KINDS))
def test_format_and_script_from_content(name):
    from bireport import detect

    data = (corpus_dir() / name).read_bytes()
    enc, _ = detect.detect_encoding(data)
    text = data.decode(enc).removeprefix("\ufeff")
    regions = detect.load_regions(Path(__file__).resolve().parents[1] / "data")
    assert (detect.detect_format(text)[0], detect.detect_script(text, regions)[0]) == CORPUS_KINDS[name]


def test_text_metadata_from_title_and_date_lines():
    from bireport import detect

    cpc = (corpus_dir() / "cpc-19th-congress-report-2017.txt").read_text(encoding="utf-8-sig")
    found = detect.metadata(cpc, "plaintext")
    assert found["title"][0] == ("决胜全面建成小康社会 夺取新时代中国特色社会主义伟大胜利"
                                 "——在中国共产党第十九次全国代表大会上的报告")
    assert found["date"][0] == "2017-10-18"
    luoyang = (corpus_dir() / "luoyang-2023-statistical-communique.txt").read_text(encoding="utf-8")
    found = detect.metadata(luoyang, "plaintext")
    assert found["title"][0] == "2023年洛阳市国民经济和社会发展统计公报" and found["date"][0] == "2024-04-30"
    assert found["publisher"][0] == "洛阳市统计局、国家统计局洛阳调查队"
    hk = (corpus_dir() / "hkcnews-27290-budget-police.md").read_text(encoding="utf-8")
    found = detect.metadata(hk, "markdown")
    assert found["title"][0] == "【財政預算案】警務處服務指標大倒退預算反增25%　港台僅隨通脹加2.5%"
    assert found["date"][0] == "2020-02-26" and found["url"][0].startswith("https://www.hkcnews.com/article/27290/")
    assert detect.find_date("二〇一七年十月十八日") == "2017-10-18"
    assert detect.find_date("2013年 1月 16日星期三") == "2013-01-16"


def test_markdown_that_opens_with_html_is_markdown():
    from bireport import detect

    assert detect.detect_format("<figure><img src=x></figure>\n\n## 标题\n\n正文。\n")[0] == "markdown"
    assert detect.detect_format("<div><p>正文。</p></div>\n")[0] == "html"
