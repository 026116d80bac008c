"""The reader's experience, in Chromium: tables that fit, a side-by-side view that uses the width,
a switcher that keeps the place, notes for readers (the editor's report elsewhere), dark mode,
printing from the browser. Static checks of the built HTML come first (no browser needed)."""
from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup

from browser_support import wait_for_charts

PAPER, WHITE = "zhao-liu-decoupling-2025", "scio-whitepaper-2025"


def html(site_dir, path: str) -> BeautifulSoup:
    return BeautifulSoup((site_dir / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def article(site_dir, path: str):
    return html(site_dir, path).find("article")


def visible_text(node) -> str:
    for hidden in node.select(".visually-hidden, [hidden]"):
        hidden.decompose()
    return node.get_text(" ", strip=True)


# ------------------------------------------------------------------------------ static: the HTML

def test_heading_anchors_are_meaningful(site_dir, pages):
    """No heading gets a meaningless slug (#_1, #_3 from Chinese text): sections carry their
    numbers (#s3-3), template headings their role (#source-toc, #documents)."""
    bad = []
    for p in pages:
        for h in article(site_dir, p).find_all(re.compile(r"^h[1-6]$")):
            if h.get("id") is None or re.fullmatch(r"_\d*", h["id"]):
                bad.append(f"/{p}: <{h.name} id={h.get('id')!r}> {h.get_text(strip=True)[:40]}")
    assert not bad, "headings without a meaningful anchor:\n" + "\n".join(bad[:20])
    ids = {h.get("id") for h in article(site_dir, f"{PAPER}/s3").find_all(re.compile(r"^h[1-6]$"))}
    assert {"s3", "s3-1", "s3-2-1", "s3-3"} <= ids


def test_one_title_per_page(site_dir, pages):
    bad = [p for p in pages if len(article(site_dir, p).find_all("h1")) != 1]
    assert not bad, f"pages without exactly one <h1>: {bad}"
    # a news article headed by its own headline: the headline is printed once (zh, en, side by side)
    for p in ("xinhua-2019-01-31/", "en/xinhua-2019-01-31/", "parallel/xinhua-2019-01-31/"):
        art = article(site_dir, p)
        h1 = art.find("h1").get_text(" ", strip=True).replace("¶", "").strip()
        same = [h for h in art.find_all(re.compile(r"^h[1-6]$")) if h.get_text(" ", strip=True).replace("¶", "").strip() == h1]
        assert len(same) == 1, f"/{p}: the title {h1!r} is a heading {len(same)} times"
        blocks = [e for e in art.find_all(["p", "div"]) if e.get_text(strip=True) == h1]
        assert not blocks, f"/{p}: the title repeated as text: {blocks[:2]}"


def test_reader_pages_have_no_internal_vocabulary(site_dir):
    """Format names, script codes and the repair report are for editors (build.py check and the
    editorial notes page), not for readers."""
    for p in ("", "en/"):
        text = visible_text(article(site_dir, p))
        for word in ("markdown", "Hans", "Hant", "ocr", "plaintext", "Source format", "来源格式"):
            assert not re.search(rf"\b{word}\b", text), f"/{p} says {word!r}"
    for p in (f"{PAPER}/", f"en/{PAPER}/", "xinhua-2019-01-31/", "en/xinhua-2019-01-31/", f"en/{PAPER}/s3/", f"{PAPER}/s3/"):
        text = visible_text(article(site_dir, p))
        for word in ("OCR lines → 1 paragraph", "修复报告", "repair report", "title → metadata", "lines 17 + 19",
                     "Data check", "数据校验", "compare with the original publication", "neighbours' median"):
            assert word not in text, f"/{p} shows editor's text {word!r}"


def test_truncated_source_is_said_in_a_sentence(site_dir):
    for p, words in (("", "不完整"), ("en/", "incomplete copy")):
        entry = article(site_dir, p).find(id=WHITE).find_next("p", class_="truncation")
        assert entry is not None and words in entry.get_text(), f"/{p}: no truncation note on the white paper's entry"
        assert ("结束语" if p == "" else "Conclu") in entry.get_text() or "29" in entry.get_text()
    for p in (f"{WHITE}/", f"en/{WHITE}/"):
        art = article(site_dir, p)
        assert art.find("p", class_="truncation"), f"/{p}: the document page does not say the source is truncated"
        # the contents list greys the missing chapters; no red mark per entry
        assert not art.select(".missing-note"), f"/{p}: per-entry missing marks"
        assert len(art.select(".source-toc .toc-missing")) >= 20


def test_editorial_notes_pages(site_dir, pages):
    docs = [p[:-1] for p in pages if p.count("/") == 1 and not p.startswith(("en/", "parallel/", "data", "glossary"))
            and not p.endswith("editorial/")]
    assert len(docs) >= 5
    for d in docs:
        for lang in ("", "en/"):
            art = article(site_dir, f"{lang}{d}/editorial")
            assert art.find("h1") and art.find(id="tables"), f"/{lang}{d}/editorial/"
            # linked from the document page
            page = article(site_dir, f"{lang}{d}")
            assert page.select_one('.editorial-link a[href$="editorial/"]'), f"/{lang}{d}/: no link to the editorial notes"
    xin = visible_text(article(site_dir, "en/xinhua-2019-01-31/editorial"))
    assert "line 83" in xin and "OCR lines → 1 paragraph" in xin
    en_paper = article(site_dir, f"en/{PAPER}/editorial")
    assert "2.88" in en_paper.find(id="tables").find_next("ul").get_text()
    # Chinese quoted on the English page is marked as Chinese
    assert en_paper.select('[lang="zh"]')
    # the reading page keeps a short note under the flagged table, linking to the details
    note = article(site_dir, f"en/{PAPER}/s3").select_one("#table-zhao-liu-decoupling-2025-t6 .table-check a")
    assert note is not None and note["href"].endswith(f"en/{PAPER}/editorial/#tables")


def test_chinese_pages_are_chinese(site_dir):
    meta = article(site_dir, f"{WHITE}").find("dl", class_="doc-meta")
    rights = [dd for dt, dd in zip(meta.find_all("dt"), meta.find_all("dd")) if "版权" in dt.get_text()][0]
    assert re.search(r"[\u4e00-\u9fff]{4}", rights.get_text()) and "reproduced" not in rights.get_text()
    rows = article(site_dir, "glossary").select("table tbody tr")
    notes = [r.find_all("td")[2].get_text(strip=True) for r in rows if r.find_all("td")[2].get_text(strip=True)]
    assert notes and all(re.search(r"[\u4e00-\u9fff]", n) for n in notes), notes


# ------------------------------------------------------------------------------ browser

def _open(browser, server, path, width=1280, **kw):
    ctx = browser.new_context(viewport={"width": width, "height": 900 if width > 500 else 844},
                              is_mobile=width < 500, has_touch=width < 500, **kw)
    page = ctx.new_page()
    page.goto(server.url(path), wait_until="load")
    wait_for_charts(page)
    page.wait_for_load_state("networkidle")
    return ctx, page


TABLES_JS = """() => [...document.querySelectorAll('article table')].filter(t => t.offsetParent !== null).map(t => {
    const box = t.closest('.data-table-wrap, .sbs-zh, .sbs-en, article');
    const cap = t.caption ? t.caption.getBoundingClientRect().width : 0;
    return {width: t.getBoundingClientRect().width, room: box.clientWidth, caption: cap,
            text: (t.caption ? t.caption.textContent : '').slice(0, 40)};
})"""


def test_tables_fit_the_column_at_desktop(browser, server, pages):
    paths = [p for p in pages if (p.startswith((PAPER, WHITE)) or p.startswith((f"en/{PAPER}", f"en/{WHITE}")))
             and not p.endswith("editorial/")]
    assert len(paths) >= 10
    wide, seen = [], 0
    for p in paths:
        ctx, page = _open(browser, server, p)
        try:
            for t in page.evaluate(TABLES_JS):
                seen += 1
                if t["width"] > t["room"] + 1 or t["caption"] > t["room"] + 1:
                    wide.append(f"/{p}: {t['text']!r} {t['width']:.0f}px in {t['room']}px")
        finally:
            ctx.close()
    assert seen >= 20, f"only {seen} tables seen"
    assert not wide, "tables wider than their column at 1280 px:\n" + "\n".join(wide)


def test_split_tables_keep_every_value(browser, server):
    """A table split into panels shows every cell of the original, each beside its row label."""
    ctx, page = _open(browser, server, f"en/{PAPER}/s3/")
    try:
        result = page.evaluate("""() => [...document.querySelectorAll('.table-box.split')].map(box => {
            const orig = box.querySelector('table[hidden]');
            const panels = [...box.querySelectorAll('table.table-panel')];
            const cells = t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim()));
            const o = cells(orig), ps = panels.map(cells);
            const missing = [];
            o.forEach((row, i) => row.slice(1).forEach(v => {
                if (!ps.some(p => p[i][0] === row[0] && p[i].slice(1).includes(v))) missing.push(row[0] + ':' + v);
            }));
            const perPanel = ps.map(p => p[0].length - 1).reduce((a, b) => a + b, 0);
            return {panels: panels.length, values: o[0].length - 1, perPanel, missing};
        })""")
    finally:
        ctx.close()
    assert result, "no table was split into panels on the paper's section 3 (7 wide tables)"
    for r in result:
        assert r["panels"] >= 2 and r["perPanel"] == r["values"] and not r["missing"], r


def test_no_page_scrolls_sideways_on_a_phone(browser, server, pages):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    bad = []
    try:
        for p in pages:
            page.goto(server.url(p), wait_until="load")
            wait_for_charts(page)
            sw = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            if sw[0] > 390 or sw[1] > 390:
                bad.append(f"/{p}: {sw[0]}px wide (viewport {sw[1]}px)")
        # wide tables scroll in their own box: first column sticky, caption above in full, a cue
        page.goto(server.url(f"en/{PAPER}/s3/"), wait_until="load")
        wait_for_charts(page)
        info = page.evaluate("""() => [...document.querySelectorAll('.table-box.scrolls')].map(b => {
            const stub = b.querySelector('tbody .stub');
            const hint = b.querySelector('.table-hint');
            const cap = b.querySelector('.table-caption');
            return {sticky: stub && getComputedStyle(stub).position, hint: hint && hint.offsetHeight > 0,
                    caption: cap ? cap.getBoundingClientRect().right <= innerWidth : false,
                    focusable: b.querySelector('.table-scroll').tabIndex === 0};
        })""")
    finally:
        ctx.close()
    assert not bad, "pages wider than a 390 px phone:\n" + "\n".join(bad)
    assert len(info) >= 5, info
    assert all(i == {"sticky": "sticky", "hint": True, "caption": True, "focusable": True} for i in info), info


@pytest.mark.parametrize("path", [f"parallel/{WHITE}/s1/", f"parallel/{PAPER}/s3/", "parallel/xinhua-2019-01-31/"])
def test_side_by_side_uses_the_width(browser, server, path):
    ctx, page = _open(browser, server, path)
    try:
        info = page.evaluate("""() => ({
            sidebars: [...document.querySelectorAll('.md-sidebar')].filter(s => s.offsetWidth > 0 &&
                getComputedStyle(s).visibility !== 'hidden').length,
            rows: [...document.querySelectorAll('.sbs-row')].map(r => {
                const z = r.querySelector('.sbs-zh').getBoundingClientRect(), e = r.querySelector('.sbs-en').getBoundingClientRect();
                return {stacked: e.top >= z.bottom - 1, zh: z.width, en: e.width, id: r.id,
                        wide: [...r.querySelectorAll('table, figure.chart')].some(x => x.getBoundingClientRect().width > z.width + 1)};
            }),
            pill: [...document.querySelectorAll('nav.view-switcher a')].map(a => a.textContent.trim())})""")
    finally:
        ctx.close()
    assert info["sidebars"] == 0, f"/{path}: navigation sidebars shown"
    side = [r for r in info["rows"] if not r["stacked"]]
    assert side, f"/{path}: no two-column rows"
    narrow = [r for r in side if min(r["zh"], r["en"]) < 480]
    assert not narrow, f"/{path}: columns narrower than 480 px: {narrow[:3]}"
    assert not [r for r in side if r["wide"]], f"/{path}: a table or chart wider than its column"
    assert info["pill"] == ["中文", "English", "对照 · Side by side"]


HEADING = {"zh": f"{PAPER}/s3/", "en": f"en/{PAPER}/s3/", "sbs": f"parallel/{PAPER}/s3/"}
LABEL = {"zh": "中文", "en": "English", "sbs": "对照"}


def _follow_switcher(page, target):
    """Follow the view switcher's pill for `target` (without scrolling to it) and wait until the
    new page and its charts are laid out."""
    with page.expect_navigation():
        page.evaluate(f"""() => [...document.querySelectorAll('nav.view-switcher a')]
                                .find(a => a.textContent.trim().startsWith('{LABEL[target]}')).click()""")
    page.wait_for_load_state("networkidle")
    wait_for_charts(page)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("start,target", [("en", "zh"), ("en", "sbs"), ("zh", "en"), ("zh", "sbs"), ("sbs", "en"), ("sbs", "zh")])
def test_switcher_keeps_the_heading_in_view(browser, server, start, target):
    ctx, page = _open(browser, server, HEADING[start])
    try:
        page.evaluate("""() => { const h = document.getElementById('s3-3');
                                 window.scrollTo(0, h.getBoundingClientRect().top + scrollY - 120); }""")
        page.wait_for_timeout(300)
        _follow_switcher(page, target)
        top = page.evaluate("() => { const h = document.getElementById('s3-3'); return h && h.getBoundingClientRect().top; }")
        url = page.url
    finally:
        ctx.close()
    assert url.split("#")[0].split("?")[0] == server.url(HEADING[target]), url
    assert url.endswith("#s3-3"), url
    assert top is not None and 0 <= top <= 450, f"{start} → {target}: heading s3-3 at {top}px"


@pytest.mark.parametrize("start,placeholder", [("en", "Search"), ("zh", "搜索")])
def test_side_by_side_speaks_the_readers_language(browser, server, start, placeholder):
    ctx, page = _open(browser, server, HEADING[start])
    try:
        with page.expect_navigation():
            page.evaluate("() => document.querySelector('nav.view-switcher a.view-link-sbs').click()")
        page.wait_for_load_state("networkidle")
        got = page.evaluate("() => [document.querySelector('.md-search__input').placeholder, "
                            "document.querySelector('.md-header__topic .md-ellipsis').textContent.trim()]")
    finally:
        ctx.close()
    assert got[0] == placeholder
    assert (re.search(r"[A-Za-z]{5}", got[1]) is not None) == (start == "en"), got


CONTRAST_JS = """() => {
    function rgb(s) { const m = s.match(/[\\d.]+/g).map(Number); return m.length > 3 && m[3] === 0 ? null : m; }
    function lum(c) { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                      return 0.2126 * r + 0.7152 * g + 0.0722 * b; }
    function ratio(a, b) { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); }
    let bg = null, el = document.querySelector('.vl-chart');
    for (; el && !bg; el = el.parentElement) bg = rgb(getComputedStyle(el).backgroundColor);
    bg = bg || [255, 255, 255];
    const labels = [...document.querySelectorAll('.vl-chart svg .role-axis-label text, .vl-chart svg .role-axis-title text')];
    const cell = document.querySelector('article .data-table td');
    return {scheme: document.body.getAttribute('data-md-color-scheme'), n: labels.length,
            axis: Math.min(...labels.map(t => ratio(rgb(getComputedStyle(t).fill), bg))),
            table: ratio(rgb(getComputedStyle(cell).color), bg)};
}"""


def test_dark_mode_toggle_and_legible_charts(browser, server):
    ctx, page = _open(browser, server, f"en/{PAPER}/s3/", color_scheme="light")
    try:
        light = page.evaluate(CONTRAST_JS)
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
        page.wait_for_timeout(300)
        wait_for_charts(page)
        page.wait_for_timeout(1500)
        dark = page.evaluate(CONTRAST_JS)
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'default'")
        page.wait_for_timeout(1500)
        back = page.evaluate(CONTRAST_JS)
    finally:
        ctx.close()
    for name, r in (("light", light), ("dark", dark), ("light again", back)):
        assert r["n"] >= 10, (name, r)
        assert r["axis"] >= 4.5 and r["table"] >= 4.5, f"{name}: {r}"
    assert (light["scheme"], dark["scheme"], back["scheme"]) == ("default", "slate", "default")


def test_dark_system_setting_is_followed(browser, server):
    ctx, page = _open(browser, server, "en/", color_scheme="dark")
    try:
        scheme = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    finally:
        ctx.close()
    assert scheme == "slate"


def test_chinese_is_never_slanted(browser, server):
    ctx, page = _open(browser, server, f"{PAPER}/s3/")
    try:
        styles = page.evaluate("() => [...document.querySelectorAll('article figcaption, article em, article .author-note')]"
                               ".map(e => getComputedStyle(e).fontStyle)")
    finally:
        ctx.close()
    assert styles and set(styles) == {"normal"}, styles


def _fonts(pdf) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


def test_browser_print_has_charts_and_no_chrome(browser, server, tmp_path):
    ctx, page = _open(browser, server, f"en/{PAPER}/s3/")
    try:
        page.emulate_media(media="print")
        shown = page.evaluate("""() => ({
            charts: [...document.querySelectorAll('figure.chart')].map(f => {
                const img = f.querySelector('.vl-print img');
                return !!img && img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().height > 100; }),
            chrome: ['.md-header', '.md-sidebar--primary', '.view-switcher', '.table-download', '.md-search']
                .map(s => document.querySelector(s)).filter(e => e && e.getBoundingClientRect().height > 0).map(e => e.className),
            tables: [...document.querySelectorAll('article table')].filter(t => t.offsetParent)
                .filter(t => t.getBoundingClientRect().width > document.querySelector('article').clientWidth + 1).length,
            link: (() => { const a = [...document.querySelectorAll('article a[href^="http"]')].find(a => !a.classList.contains('href-shown'));
                           return a ? getComputedStyle(a, '::after').content : 'none'; })()})""")
        pdf = tmp_path / "page.pdf"
        page.pdf(path=str(pdf), format="A4")
        # the same page with the charts' print pictures removed: what printing showed before
        page.evaluate("() => document.querySelectorAll('.vl-print').forEach(e => e.remove())")
        bare = tmp_path / "bare.pdf"
        page.pdf(path=str(bare), format="A4")
    finally:
        ctx.close()
    assert len(shown["charts"]) >= 5 and all(shown["charts"]), shown["charts"]
    assert not shown["chrome"], f"printed interface: {shown['chrome']}"
    assert shown["tables"] == 0
    assert shown["link"] == "none" or "http" in shown["link"]
    # the charts are in the PDF: their SVG text is drawn in the charts' Latin face (the page's
    # own text is set in other fonts) and is extractable
    assert "LiberationSans" in _fonts(pdf).replace("-", "") and "LiberationSans" not in _fonts(bare).replace("-", "")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    bare_text = subprocess.run(["pdftotext", str(bare), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("Year") >= bare_text.count("Year") + 5


def _middle_paragraph(site_dir) -> str:
    """A paragraph in the middle of the paper's long section 3 that follows another paragraph
    (not right after a heading), by its block id."""
    art = article(site_dir, f"en/{PAPER}/s3")
    ids = [p["id"] for p in art.select("p[id]") if re.fullmatch(r"s[\d-]+-p\d+", p["id"])
           and p.find_previous_sibling() is not None and p.find_previous_sibling().name == "p"
           and re.fullmatch(r"s[\d-]+-p\d+", p.find_previous_sibling().get("id", ""))]
    assert len(ids) >= 5, ids
    return ids[len(ids) // 2]


PLACE_JS = """(id) => {
    const el = document.getElementById(id), head = document.querySelector('.md-header').getBoundingClientRect().bottom;
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, header: head, height: innerHeight, hash: location.hash};
}"""


@pytest.mark.parametrize("start,target", [("en", "zh"), ("en", "sbs"), ("sbs", "en"), ("zh", "sbs"), ("sbs", "zh"), ("zh", "en")])
def test_switcher_keeps_the_paragraph_in_view(browser, server, site_dir, start, target):
    """Scrolled to a paragraph in the middle of a long section, the reader who follows
    中文 / English / 对照 finds the same paragraph (by its block id) on screen."""
    block = _middle_paragraph(site_dir)
    ctx, page = _open(browser, server, HEADING[start])
    try:
        # the paragraph's top just under the sticky header
        page.evaluate("""(id) => { const el = document.getElementById(id), head = document.querySelector('.md-header');
                                   window.scrollTo(0, el.getBoundingClientRect().top + scrollY - head.getBoundingClientRect().bottom - 10); }""",
                      block)
        page.wait_for_timeout(300)
        before = page.evaluate(PLACE_JS, block)
        _follow_switcher(page, target)
        after = page.evaluate(PLACE_JS, block)
        url = page.url
    finally:
        ctx.close()
    assert before and before["header"] < before["top"] < before["header"] + 40, before
    assert url.split("#")[0].split("?")[0] == server.url(HEADING[target]), url
    assert url.endswith("#" + block), f"{start} → {target}: {url} does not keep #{block}"
    assert after is not None, f"{start} → {target}: no #{block} on the page"
    # in view: not under the header, starting in the upper part of the screen
    assert after["header"] - 2 <= after["top"] <= after["header"] + (after["height"] - after["header"]) / 3, \
        f"{start} → {target}: paragraph {block} at {after}"
