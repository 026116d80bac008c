"""Nothing lost (bireport/fidelity.py) and no traceback from input (errors.unexpected at the
stage boundaries): a sentence or section that reaches no Chinese page stops the build naming the
source file:line; a bug met by a document is an error naming document, file, stage and log."""
from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace

import pytest

from bireport import cli, fidelity, repairs
from bireport.errors import BuildError
from bireport.model import RepairReport
from bireport.pipeline import PageCache, Paths, gather, generate, stage_charts, stage_render
from bireport.render import Renderer, pages_for


def render_all(root: Path, docs=None):
    """The Chinese, English and side-by-side pages of every document, in memory (as generate renders them)."""
    paths = Paths(root)
    ctx = gather(paths)
    docs = docs if docs is not None else ctx.docs
    renderer = Renderer(paths.templates, ctx.cat, stage_charts(ctx, set()), ctx.glossary)
    return docs, stage_render(renderer, docs, {d.id for d in docs}, PageCache(paths, docs), paths.build / "log")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from projectcopy import copy_project

    root = copy_project(tmp_path_factory.mktemp("fid") / "proj")
    docs, files = render_all(root)
    return root, docs, files


def test_the_five_bundled_documents_lose_nothing(rendered):
    _root, docs, files = rendered
    stats = fidelity.check(docs, files)
    assert stats["sentences_checked"] > 800            # every document is really read, not skipped
    for d in docs:
        pages = "\n".join(fidelity.page_text(files[f"zh/{p.slug}.md"], fidelity._skip_titles()) for p in pages_for(d))
        _lost, n = fidelity.missing_sentences(d, pages)
        assert n >= 30, (d.id, n)


def _zh_page(files, doc_id, needle):
    return next(k for k, v in files.items() if k.startswith(f"zh/{doc_id}/") and needle in v)


@pytest.mark.parametrize("doc_id, sentence, line", [
    # hand-picked from the raw sources (line numbers read in an editor)
    ("scio-whitepaper-2025", "中美经贸合作为美国企业创造了大量商机和利润", 195),
    ("customs-2026-01-14", "特别是工业机器人，去年出口超过了进口", 18),
    ("nyt-2024-12-12", "美国财政部的一个高级官员团队将于本周前往中国南京", 5),
])
def test_a_sentence_missing_from_the_pages_stops_the_build(rendered, doc_id, sentence, line):
    _root, docs, files = rendered
    page = _zh_page(files, doc_id, sentence)
    broken = dict(files)
    broken[page] = files[page].replace(sentence, "")
    with pytest.raises(BuildError) as exc:
        fidelity.check(docs, broken)
    p = exc.value.problems[0]
    assert doc_id in p.message and "none of the document's Chinese pages" in p.message
    assert p.path.endswith(docs[[d.id for d in docs].index(doc_id)].meta.file)
    if line:
        assert p.line == line


def test_text_only_in_the_original_script_block_counts_as_lost(rendered):
    """The issue's failure: sections present only inside the collapsed 原文（繁体） block."""
    _root, docs, files = rendered
    sentence = "特别是工业机器人，去年出口超过了进口"
    page = _zh_page(files, "customs-2026-01-14", sentence)
    head, sep, tail = files[page].partition('??? quote "原文（繁体）"')
    assert sep, "the original-script block is expected on the customs page"
    broken = dict(files)
    broken[page] = head.replace(sentence, "") + sep + "\n    " + sentence + "\n" + tail
    with pytest.raises(BuildError) as exc:
        fidelity.check(docs, broken)
    assert exc.value.problems[0].line == 18


def test_a_block_lost_by_a_rule_is_named_with_its_source_line(rendered):
    root, docs, _files = rendered
    docs = copy.deepcopy(docs)
    d = next(d for d in docs if d.id == "zhao-liu-decoupling-2025")
    section = next(s for s in d.sections if len(s.blocks) > 2)
    lost = next(b for b in section.blocks if b.kind == "paragraph" and len(b.text) > 40)
    section.blocks.remove(lost)
    _docs, files = render_all(root, docs)
    with pytest.raises(BuildError) as exc:
        fidelity.check(docs, files)
    assert exc.value.problems[0].line == lost.line


def test_reported_drops_are_accounted_for_unreported_ones_are_not(rendered):
    _root, docs, files = rendered
    d = next(d for d in docs if d.id == "customs-2026-01-14")
    assert any(x["rule"] == "spam" for x in d.report.dropped)
    fidelity.check([d], files)                                   # the spam phrase is reported: fine
    silent = copy.copy(d)
    silent.report = RepairReport(**{**d.report.to_dict(), "dropped": []})
    with pytest.raises(BuildError) as exc:
        fidelity.check([silent], files)
    assert exc.value.problems[0].line == next(x["line"] for x in d.report.dropped if x["rule"] == "spam")


def test_a_section_on_no_page_is_an_error(rendered, monkeypatch):
    import bireport.render as render_mod

    _root, docs, files = rendered
    d = next(d for d in docs if d.id == "scio-whitepaper-2025")
    orig = render_mod.pages_for
    monkeypatch.setattr(render_mod, "pages_for", lambda doc: orig(doc)[:-1])   # a grouping bug
    with pytest.raises(BuildError) as exc:
        fidelity.check([d], files)
    assert "reaches no page" in exc.value.problems[0].message
    assert d.sections[-1].title in str(exc.value)


def test_html_source_text_is_read_per_block_even_on_one_line(tmp_path):
    """A minified page is one line: a report entry naming that line must not account for all of it."""
    src = tmp_path / "page.html"
    src.write_text("<html><head><title>标题不算正文</title><script>var 脚本 = 1;</script></head><body>"
                   "<nav>首页 新闻</nav><article><h1>第一个标题</h1><p>第一段说了一件事。第二句在这里！</p>"
                   "<p>第&#20108;段&amp;实体</p></article></body></html>", encoding="utf-8")
    meta = SimpleNamespace(path=src, format="html", script="Hans", id="x", title={"zh": "第一个标题"},
                           publisher={}, date="2024-01-02")
    units = [t for _n, t in fidelity.source_lines(meta)]
    assert "标题不算正文" not in "".join(units) and "脚本" not in "".join(units)
    assert "第二段&实体" in units and "首页 新闻" in units
    doc = SimpleNamespace(meta=meta, front={}, blocks=lambda: [],
                          report=RepairReport(moved=["line 1: title → metadata"],
                                              dropped=[{"line": 1, "text": "首页 新闻", "rule": "boilerplate"}]))
    pages = fidelity.key("第一段说了一件事。第二段&实体")
    lost, n = fidelity.missing_sentences(doc, pages)
    assert [m.text for m in lost] == ["第二句在这里！"] and n == 5


# ------------------------------------------------------------------ no traceback from input

def test_a_bug_in_a_repair_rule_is_a_readable_error_with_a_log(project, monkeypatch, capsys):
    def broken(ctx, items):
        for it in items:
            if ctx.meta.id == "customs-2026-01-14" and "工业机器人" in it.text:
                raise KeyError("html")
        return items

    monkeypatch.setattr(repairs, "RULES", [*repairs.RULES[:3], ("broken", broken, None), *repairs.RULES[3:]])
    assert cli.main(["check"], project) == 1
    err = capsys.readouterr().err.replace("\n", "")
    assert "Traceback" not in err
    assert "customs-2026-01-14" in err and "repair stage" in err and "KeyError" in err
    assert "customs-2026-01-14.hant.txt:18:" in err                  # file:line of the paragraph
    log = project / "build" / "log" / "error-repair-customs-2026-01-14.txt"
    assert log.exists() and "Traceback" in log.read_text() and "broken" in log.read_text()


def test_a_bug_in_rendering_is_a_readable_error_and_nothing_is_written(project, monkeypatch):
    generate(project, quiet=True)
    before = {p: p.read_bytes() for p in (project / "docs").rglob("*.md")}
    real = Renderer.document_pages

    def broken(self, doc, view):
        if doc.id == "nyt-2024-12-12" and view == "en":
            raise AttributeError("'NoneType' object has no attribute 'strip'")
        return real(self, doc, view)

    monkeypatch.setattr(Renderer, "document_pages", broken)
    with pytest.raises(BuildError) as exc:
        generate(project, quiet=True, force=True)
    p = exc.value.problems[0]
    assert "nyt-2024-12-12" in p.message and "render stage" in p.message and p.path.endswith("nyt-2024-12-12.html.md")
    assert (project / "build" / "log" / "error-render-nyt-2024-12-12.txt").exists()
    assert {p: p.read_bytes() for p in (project / "docs").rglob("*.md")} == before


def test_any_command_fails_without_a_traceback(project, monkeypatch, capsys):
    def boom(args, root):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(cli.COMMANDS, "status", boom)
    assert cli.main(["status"], project) == 1
    err = capsys.readouterr().err.replace("\n", "")
    assert "Traceback" not in err and "ZeroDivisionError" in err and "error-status.txt" in err
    assert (project / "build" / "log" / "error-status.txt").exists()


def test_a_bug_in_table_extraction_names_the_document_and_table(project, monkeypatch):
    import importlib

    extract_mod = importlib.import_module("bireport.tables.extract")   # the module, not the function
    real = extract_mod.extract

    def broken(meta, block):
        if meta.id == "zhao-liu-decoupling-2025" and block.attrs.get("number") == "3":
            raise IndexError("list index out of range")
        return real(meta, block)

    monkeypatch.setattr(extract_mod, "extract", broken)
    with pytest.raises(BuildError) as exc:
        generate(project, quiet=True, force=True)
    p = exc.value.problems[0]
    assert "zhao-liu-decoupling-2025" in p.message and "tables stage" in p.message and "IndexError" in p.message
    assert p.path.endswith("zhao-liu-decoupling-2025.md") and p.line == 188          # 表3's caption line
    assert (project / "build" / "log" / "error-tables-zhao-liu-decoupling-2025.txt").exists()


PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>港口吞吐量再创新高_示例新闻网</title>
<meta name="description" content="港口吞吐量"><script>var 统计 = 1;</script></head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/news">新闻频道</a> <a href="/biz">财经频道</a> <a href="/tech">科技频道</a></div>
<div class="main"><div class="article">
<h1>港口吞吐量再创新高</h1>
<p class="info">2024年3月5日 来源：示例新闻网</p>
<div class="content">
<p>今年前两个月，全省港口货物吞吐量同比增长百分之八点五，集装箱吞吐量增长百分之十二。</p>
<p>港口管理部门表示，外贸航线持续增加，新开通的航线覆盖东南亚和中东地区的主要港口。</p>
<p>业内人士认为，港口吞吐量的增长反映了外贸需求的回暖，但全年走势仍取决于全球经济环境。</p>
<p>下一步，港口将继续推进智慧港口建设，提高装卸效率，降低企业物流成本。</p>
</div></div></div>
<div class="footer">关于我们 | 联系我们 | 版权所有 示例新闻网 京ICP备00000000号</div>
</body></html>
"""


def test_a_saved_web_page_is_checked_through_its_adapter(project, monkeypatch, capsys):
    """A complete page through `add` and the HTML adapter: navigation and footer are reported as
    dropped, so the build passes; an adapter that silently loses an article paragraph stops it."""
    src = project / "page.html"
    src.write_text(PAGE, encoding="utf-8")
    assert cli.main(["add", str(src), "--id", "port-news", "--date", "2024-03-05"], project) == 0, \
        capsys.readouterr().err
    generate(project, quiet=True, force=True)                      # nothing lost: passes

    import bireport.sources.webpage as webpage

    real = webpage.parse_page

    def lossy(text, meta, full):
        return [it for it in real(text, meta, full) if "外贸航线持续增加" not in (it.text or "")]

    monkeypatch.setattr(webpage, "parse_page", lossy)
    with pytest.raises(BuildError) as exc:
        generate(project, quiet=True, force=True)
    p = exc.value.problems[0]
    assert "port-news" in p.message and "外贸航线持续增加" in p.message
    assert p.path.endswith("page.html") and p.line == 11           # the paragraph's line in the page
