"""The HTML adapter on the corpus pages: hand-picked article sentences are kept (whole, in one
item), hand-picked boilerplate is gone from the body and reported; sanitising; tables; pages that
end with </body></html> or carry a stray </html>; the NYT-style Markdown wrapper still works."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from bireport.document import ingest
from bireport.manifest import load_manifest
from bireport.sources.html import parse
from test_add import corpus_dir

# per page: (title as in the manifest, sentences copied from the article, strings copied from
# the page's navigation / share bars / comments / related lists / footers)
CASES = {
    "guancha-us-china-trade-protracted-war.html": (
        "王文：中美贸易“持久战”，中国人的斗志被激发",
        ["“中美贸易战正在变成一场持久战，但我们已有准备。”在东莞洪梅镇，海新科技董事长杨敬辉当面告诉笔者。",
         "在张华荣眼里，华坚志在全球。",
         "正如《日本经济新闻》近日报道，中国无惧“比拼耐力”。",
         "特朗普“速胜”企图已在穗莞深破产"],
        ["登录/注册", "本文仅代表作者个人观点", "请支持独立网站", "责任编辑", "拖长贸易战使中国化被动为主动",
         "十一阅兵官宣", "相关推荐", "评论 682"]),
    "ifeng-changchun-new-economy.html": (
        "疫情防控常态化下，长春市的新经济之路",
        ["2020年，因为疫情影响，各地政府的首要任务就是助力当地经济恢复，尽可能减少疫情带来的损失。",
         "小屏幕里看大长春"],
        ["宁波 > 企业资讯 > 正文", "注册登录", "免责条款", "凤凰新媒体版权所有"]),
    "shanxi-gov-brand-silk-road-south-america.html": (
        "山西品牌丝路行（南美站）正式启动",
        ["跨越千山万水，行程近两万公里，山西品牌丝路行首次登陆巴西，刷新“走出去”的最远纪录。",
         "山西品牌丝路行主题为“走丝绸之路，促合作共赢”。"],
        ["切換到繁體", "无障碍浏览", "山西省人民政府网站", "中国政府网山西省人大山西省政协"]),
    "govcn-npcsc-special-treasury-bonds-2007.html": (
        "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007年末国债余额限额的决议",
        ["会议决定：批准发行15500亿元特别国债购买外汇，批准2007年末国债余额限额调整为53365.53亿元。",
         "（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过）"],
        ["扫一扫在手机打开当前页", "京ICP备05070218号", "国务院客户端", "网站纠错", "相关稿件"]),
    "qq-data-industry-crackdown.html": (
        "棱镜|数据业大整顿：爬虫与现金贷共生共荣，用户信息几元不等",
        ["擅长清洗数据的第三方数据行业，这次轮到自己被“清洗”了。",
         "这也意味着，只要数据来源未经用户授权，都存在法律风险。",
         "灰色地带中的 “爬虫”"],
        ["无障碍说明", "责任编辑：biaoffeng", "正文已结束", "QQ空间", "微信好友"]),
    "youth-two-sessions-overseas-students.fragment.html": (
        "海外留学生看两会：出国前后关注点大不同",
        ["还有一些学子表示，出国前对两会不太了解，出国后反而对两会热点多了些思考。",
         "图为马素湘在澳大利亚悉尼游玩时的近影。",
         "两会成为了解国情的窗口"],
        ["fakehost"]),
    "gmw-astronauts-alcohol.fragment.html": (
        "宇航员在太空中喝酒会怎么样？后果很严重",
        ["因此，即使宇航员自己被禁止在地球轨道上饮酒，但他们正在做的工作可以提高在地上消费的酒的质量。",
         "图注：奥尔德林的圣餐杯回到了地球上",
         "前NASA宇航员巴兹·奥尔德林(Buzz Aldrin)在采访和他撰写的书中表示"],
        ["imgtech.gmw.cn", "责任编辑:肖春芳"]),
}


def plain(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s))


def body_items(name: str, title: str):
    text = (corpus_dir() / name).read_text(encoding="utf-8")
    items = parse(text, SimpleNamespace(title={"zh": title}, path=name))
    return [it for it in items if it.kind != "dropped"], [it for it in items if it.kind == "dropped"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_article_kept_boilerplate_gone_and_reported(name):
    title, sentences, boilerplate = CASES[name]
    body, dropped = body_items(name, title)
    texts = [plain(it.text) for it in body]
    for s in sentences:
        assert any(s in t for t in texts), f"{name}: article text lost: {s}"
    joined = "\n".join(texts) + "".join(str(it.attrs) for it in body)
    for b in boilerplate:
        assert b not in joined, f"{name}: boilerplate in the body: {b}"
    reported = "\n".join(it.attrs.get("text", "") for it in dropped)
    for b in boilerplate:
        if b not in ("fakehost", "imgtech.gmw.cn"):          # image hosts: the image is withheld, not text
            assert plain(b).replace(" ", "") in reported.replace(" ", ""), f"{name}: dropped but not reported: {b}"
    assert title not in texts                                  # the title is metadata, not body


def test_bodies_are_clean_items():
    for name, (title, _, _) in CASES.items():
        body, _ = body_items(name, title)
        assert body, name
        for it in body:
            assert it.kind in ("heading", "paragraph", "list_item", "figure", "quote", "rows"), (name, it.kind)
            assert "<" not in plain(it.text).replace("\\<", ""), (name, it.text)   # never markup
            assert isinstance(it.line, int) and it.line >= 1


def test_images_become_notes_not_hotlinks():
    body, dropped = body_items("gmw-astronauts-alcohol.fragment.html", CASES["gmw-astronauts-alcohol.fragment.html"][0])
    figs = [it for it in body if it.kind == "figure"]
    assert len(figs) == 3 and all(f.attrs["image_withheld"] for f in figs)
    assert figs[0].text.startswith("图注：巴兹") and figs[0].attrs["credit"] == "(Credit: Nasa)"
    assert not any("http" in f.text for f in figs)


PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>港口吞吐量创新高_某某新闻网</title>
<script>var tracker = "追踪脚本里的文字";</script><style>p{color:red}</style></head>
<body onload="evil()">
<div class="nav"><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/app">下载客户端</a></div>
<div class="article">
<h1>港口吞吐量创新高</h1>
<p>本报讯　今年前三季度，全省港口完成货物吞吐量十二亿吨，同比增长百分之五。这一增长主要来自集装箱运输，
其中<a href="https://example.com/tag/container" onclick="track()">集装箱</a>吞吐量增长最快。</p>
<p><img src="https://cdn.example.net/photo.jpg" onerror="alert(1)" alt="港口"></p>
<p>图为繁忙的集装箱码头。</p>
<h2>外贸航线增加</h2>
<p>新开通的外贸航线达到十五条，覆盖东南亚和欧洲主要港口。<a href="javascript:alert(3)">点这里</a>查看航线表。</p>
<ul><li>东南亚航线九条。</li><li>欧洲航线六条。</li></ul>
<p>表1 前三季度港口吞吐量（万吨）</p>
<table><tr><th>季度</th><th>吞吐量</th></tr><tr><td>一季度</td><td>38000</td></tr>
<tr><td>二季度</td><td>41000</td></tr><tr><td>三季度</td><td>43000</td></tr></table>
<p>资料来源：省交通运输厅。</p>
<blockquote><p>“港口是经济的晴雨表。”一位业内人士说，今年的增长超出预期，显示出外贸韧性。</p></blockquote>
</div>
</html>
<div class="comments"><p>网友甲：港口真忙啊</p><p>网友乙：支持</p></div>
<div class="footer">版权所有 某某新闻网 京ICP备000000号</div>
</body></html>
"""


def test_complete_page_with_stray_html_end_tag():
    items = parse(PAGE, SimpleNamespace(title={"zh": "港口吞吐量创新高"}, path="p.html"))
    body = [it for it in items if it.kind != "dropped"]
    kinds = [(it.kind, plain(it.text)[:12]) for it in body]
    assert kinds[0] == ("paragraph", "本报讯　今年前三季度，全")
    # the keyword the site linked stays inside its sentence, and the link survives (https)
    p1 = body[0].text
    assert "其中[集装箱](https://example.com/tag/container)吞吐量增长最快。" in p1
    assert "今年前三季度" in p1 and "增长最快。" in p1
    assert ("heading", "外贸航线增加") in kinds
    assert [plain(it.text) for it in body if it.kind == "list_item"] == ["东南亚航线九条。", "欧洲航线六条。"]
    fig = next(it for it in body if it.kind == "figure")
    assert fig.text == "图为繁忙的集装箱码头。" and fig.attrs["image_withheld"]
    rows = next(it for it in body if it.kind == "rows")
    assert [r for _, r in rows.attrs["rows"]] == ["季度\t吞吐量", "一季度\t38000", "二季度\t41000", "三季度\t43000"]
    assert any(it.kind == "quote" and "港口是经济的晴雨表" in it.text for it in body)
    text = "\n".join(it.text for it in body)
    for bad in ("javascript", "alert", "onclick", "onerror", "evil", "track()", "cdn.example.net", "<img",
                "追踪脚本", "color:red", "网友甲", "京ICP备", "下载客户端"):
        assert bad not in text, bad
    assert "点这里查看航线表。" in plain(text)                 # the unsafe link's text stays, unlinked
    reported = "\n".join(it.attrs.get("text", "") for it in items if it.kind == "dropped")
    for gone in ("网友甲：港口真忙啊", "版权所有 某某新闻网 京ICP备000000号", "首页 | 新闻 | 下载客户端",
                 "<script>", "<style>"):
        assert gone in reported, gone


def test_truncated_fragment_is_an_error():
    from bireport.errors import BuildError

    with pytest.raises(BuildError) as exc:
        parse("<div><section><p>正文只有一半\n", SimpleNamespace(title={"zh": "x"}, path="cut.html"))
    assert "cut.html" in str(exc.value) and "never closed" in str(exc.value)


def test_page_table_becomes_a_table_block(project):
    src = project / "data" / "sources" / "port.html"
    src.write_text(PAGE, encoding="utf-8")
    man = project / "data" / "sources" / "manifest.yaml"
    man.write_text(man.read_text(encoding="utf-8") + """
  - id: port-news
    file: port.html
    format: html
    script: Hans
    title: {zh: 港口吞吐量创新高, en: null}
    publisher: {zh: 某某新闻网, en: null}
    date: "2025-10-20"
""", encoding="utf-8")
    meta = next(m for m in load_manifest(project / "data" / "sources") if m.id == "port-news")
    doc = ingest(meta, project / "data")
    blocks = [b for s in doc.sections for b in s.blocks]
    table = next(b for b in blocks if b.kind == "table")
    assert table.attrs["caption"] == "前三季度港口吞吐量（万吨）" and len(table.attrs["rows"]) == 4
    assert doc.front.get("title") or any("title" in m for m in doc.report.moved)
    dropped = " ".join(d["text"] for d in doc.report.dropped)
    assert "网友甲" in dropped


def test_nyt_markdown_wrapper_unchanged():
    """The bundled NYT source (Markdown title line over raw HTML) keeps its own path."""
    from projectcopy import ROOT

    text = (ROOT / "data" / "sources" / "nyt-2024-12-12.html.md").read_text(encoding="utf-8")
    items = parse(text, SimpleNamespace(title={"zh": ""}, path="nyt.html.md"))
    assert items[0].kind in ("dropped", "heading")
    assert any(it.kind == "byline" for it in items) and any(it.kind == "dateline" for it in items)


def test_traditional_page_title_matches_the_simplified_manifest_title():
    page = ("<html><head><title>港府公佈預算案_某網</title></head><body><div class=\"nav\"><a href=\"/\">首頁</a></div>"
            "<div class=\"article\"><h1>港府公佈預算案</h1>"
            "<p>財政司司長今日發表預算案，宣佈多項紓困措施，涉及金額約三百億元。</p>"
            "<p>市民普遍歡迎有關措施，但有議員認為力度不足，要求政府進一步增加開支。</p></div></body></html>")
    items = parse(page, SimpleNamespace(title={"zh": "港府公布预算案"}, script="Hant-HK", path="t.html"))
    body = [it for it in items if it.kind != "dropped"]
    assert [it.kind for it in body] == ["paragraph", "paragraph"]          # the title went to metadata
    assert any(it.attrs.get("rule") == "title" and it.attrs["text"] == "港府公佈預算案" for it in items)


def test_relative_links_point_at_the_original_site():
    page = ("<div><p>文中提到的<a href=\"/tag/trade\">关键词</a>和<a href=\"#note1\">注释</a>，"
            "以及<a href=\"javascript:void(0)\">按钮</a>。</p></div>")
    meta = SimpleNamespace(title={"zh": "x"}, path="f.html", url="https://news.example.cn/a/2024/01.html")
    text = next(it.text for it in parse(page, meta) if it.kind == "paragraph")
    assert text == "文中提到的[关键词](https://news.example.cn/tag/trade)和注释，以及按钮。"
    meta.url = None
    text = next(it.text for it in parse(page, meta) if it.kind == "paragraph")
    assert text == "文中提到的关键词和注释，以及按钮。"
