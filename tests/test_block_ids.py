"""Every text block carries its stable block id as an HTML anchor, the same on the Chinese, the
English and the side-by-side page (the switcher keeps the reader's place with it); the anchor is
made by the pipeline, never from source text, and survives the site's sanitiser."""
from __future__ import annotations

import re

import markdown
import pytest
from bs4 import BeautifulSoup

from bireport.i18n import Catalog
from bireport.model import Block
from bireport.render import Text, r_list_item, r_paragraph, render_blocks
from bireport.safety import sanitize_html
from bireport.view import block_anchor

TEXT_KINDS = {"paragraph", "quote", "note", "list_item", "byline", "dateline", "subheadline"}
ANCHORED = "p[id], li[id], div.untranslated[id]"


def page_ids(site, path: str) -> list[str]:
    """Block anchors in a built page's content, in order (footnotes and translator's notes aside)."""
    art = BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser").find("article")
    return [e["id"] for e in art.select(ANCHORED) if not e.find_parent(class_=["footnote", "tn-notes"])
            and not e["id"].startswith("ref-")]


def to_html(md: str) -> str:
    """Page Markdown as the site converts it (mkdocs.yml's block extensions, then the hook's sanitiser)."""
    return sanitize_html(markdown.markdown(md, extensions=["attr_list", "md_in_html", "footnotes", "tables"]))


# ---------------------------------------------------------------- the built site

# hand-picked blocks (ids read off the sources' structure): paragraphs in the middle of a
# section, list items, a news article's byline-like blocks
GOLDEN = {
    "zhao-liu-decoupling-2025/s3": ["s3-2-3-p1", "s3-2-3-p2", "s3-3-p1"],
    "scio-whitepaper-2025/s2": ["s2-p1", "s2-1-p4", "s2-2-p2"],
    "customs-2026-01-14": ["intro-p1", "intro-li1", "intro-li5"],
    "xinhua-2019-01-31": ["a1-dateline1", "a1-p1", "a2-sub1", "a2-p3"],
}


@pytest.mark.parametrize("page", sorted(GOLDEN))
def test_same_block_ids_on_zh_en_and_side_by_side(built_site, page):
    site = built_site / "site"
    zh, en, sbs = page_ids(site, page), page_ids(site, f"en/{page}"), page_ids(site, f"parallel/{page}")
    assert set(GOLDEN[page]) <= set(zh), f"/{page}: missing {set(GOLDEN[page]) - set(zh)}"
    assert zh == en, f"/{page}: the English page's block ids differ from the Chinese page's"
    # side by side: the Chinese cell carries the id (a link from zh/en lands on its row), the
    # English cell the same id suffixed "-en"
    assert [i for i in sbs if not i.endswith("-en")] == zh
    assert [i for i in sbs if i.endswith("-en")] == [i + "-en" for i in zh]
    for ids in (zh, en, sbs):
        assert len(ids) == len(set(ids)), f"/{page}: duplicate ids"
        assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids), ids


def test_every_text_block_has_its_anchor_on_every_view(built_site):
    """No text block of any document is without an anchor, in any view."""
    from bireport.pipeline import Paths, gather
    from bireport.render import pages_for

    site = built_site / "site"
    ctx = gather(Paths(built_site))
    checked, missing = 0, []
    for doc in ctx.docs:
        for page in pages_for(doc):
            path = page.slug[: -len("/index")] if page.slug.endswith("/index") else page.slug
            views = {v: set(page_ids(site, p)) for v, p in
                     (("zh", path), ("en", f"en/{path}"), ("sbs", f"parallel/{path}"))}
            for s in page.sections:
                for b in s.blocks:
                    if b.kind not in TEXT_KINDS or b.attrs.get("table_row") or not b.text.strip():
                        continue
                    checked += 1
                    hid = block_anchor(b.id)
                    for v, ids in views.items():
                        if hid not in ids:
                            missing.append(f"{v}:/{path}#{hid}")
    assert checked > 100, checked
    assert not missing, f"{len(missing)} blocks without their anchor: {missing[:10]}"


def test_anchors_never_show_as_text(built_site):
    """An attribute list that did not attach would be printed ("{: #s3-p4 }"): none on any page,
    none in the search index."""
    site = built_site / "site"
    leaks = [str(p.relative_to(site)) for p in site.rglob("*.html")
             if re.search(r"\{:\s*#", BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text())]
    assert not leaks, leaks
    assert not re.search(r"\{:\s*#", (site / "search" / "search_index.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the renderers

@pytest.fixture
def empty_catalog(tmp_path):
    (tmp_path / "en").mkdir()
    return Catalog(tmp_path)


@pytest.mark.parametrize("text", ["正文 {: #evil } 见 <p id=\"x\">结束</p>", "正文\n{: #evil .x }",
                                  "正文\n{: #evil .x }\n", "{: #evil }"])
def test_paragraph_anchor_and_source_text_cannot_add_ids(empty_catalog, text):
    b = Block("d/s2-1/p7", "paragraph", text, 3)
    soup = BeautifulSoup(to_html(r_paragraph(b, Text("zh", empty_catalog, None, {}), {})), "html.parser")
    assert [e["id"] for e in soup.select("[id]")] == ["s2-1-p7"]
    assert not soup.select("[class]")
    assert "{: #evil" in soup.get_text()                    # shown as written, not markup


def test_untranslated_paragraph_keeps_its_anchor(empty_catalog):
    b = Block("d/s1/p2", "paragraph", "尚未翻译的段落。", 3)
    soup = BeautifulSoup(to_html(r_paragraph(b, Text("en", empty_catalog, None, {}), {})), "html.parser")
    box = soup.select_one("div.untranslated")
    assert box is not None and box["id"] == "s1-p2" and [e["id"] for e in soup.select("[id]")] == ["s1-p2"]


def test_styled_paragraphs_keep_class_and_gain_id(empty_catalog):
    t = Text("zh", empty_catalog, None, {})
    blocks = [Block("d/a1/dateline1", "dateline", "新华社华盛顿1月31日电", 1),
              Block("d/a1/p1", "paragraph", "正文。", 2, {"region": "footer"})]
    soup = BeautifulSoup(to_html("\n\n".join(md for _b, md in render_blocks(blocks, t, {}))), "html.parser")
    assert [(p["id"], p["class"]) for p in soup.find_all("p")] == [("a1-dateline1", ["dateline"]),
                                                                   ("a1-p1", ["author-note"])]


@pytest.mark.parametrize("attrs", [{"ordered": True, "number": "12"}, {}])
def test_list_items_each_carry_their_anchor(empty_catalog, attrs):
    t = Text("en", empty_catalog, None, {})
    blocks = [Block(f"d/s1/li{k}", "list_item", f"第{k}项", k, {"list": 1, **attrs}) for k in (1, 2, 3)]
    out = render_blocks(blocks, t, {})
    assert len(out) == 1                                    # one list
    soup = BeautifulSoup(to_html(out[0][1]), "html.parser")
    assert [li.get("id") or li.find("p")["id"] for li in soup.find_all("li")] == ["s1-li1", "s1-li2", "s1-li3"]
    assert "{:" not in soup.get_text()
    assert r_list_item(blocks[0], t, {}).count("{: #s1-li1 }") == 1
