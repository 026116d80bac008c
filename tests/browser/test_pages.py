"""Every page in a real browser: no console errors, nothing fetched from another host, every chart
embedded by vega-embed, the view switcher (中文 / English / 对照) lands on the same section in the
other view — at the site root and under a project sub-path (/repo/)."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from browser_support import RENDERED, SCREENSHOTS, Watch, view_of, wait_for_charts

LABELS = {"zh": "中文", "en": "English", "sbs": "对照 · Side by side"}
PREFIX = {"zh": "", "en": "en/", "sbs": "parallel/"}


@dataclass
class Visit:
    path: str
    status: int | None = None
    problems: list[str] = field(default_factory=list)
    charts: int = 0                 # div.vl-chart on the page
    rendered: int = 0               # of which vega-embed produced an <svg>/<canvas>
    chart_error: str = ""
    switcher: list[dict] | None = None   # [{text, href, current}] or None when the page has none
    outside: list[str] = field(default_factory=list)   # links/resources outside the site's base URL


def crawl(browser, server, paths) -> dict[str, Visit]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    watch = Watch(page)
    out = {}
    try:
        for path in paths:
            v = out[path] = Visit(path)
            watch.clear()
            resp = page.goto(server.url(path), wait_until="load")
            v.status = resp.status if resp else None
            try:
                v.charts = wait_for_charts(page)
            except Exception as e:           # timeout: count what did render
                v.chart_error = str(e).splitlines()[0]
            v.rendered = page.locator(RENDERED).count()
            page.wait_for_load_state("networkidle")   # the search worker's index fetch included
            v.switcher = page.evaluate("""() => {
                const nav = document.querySelector('nav.view-switcher');
                if (!nav) return null;
                return [...nav.querySelectorAll('a')].map(a => ({
                    text: a.textContent.trim(), href: a.href,
                    current: a.getAttribute('aria-current') === 'page'}));
            }""")
            v.outside = page.evaluate("""base => [...document.querySelectorAll(
                    'a[href], link[href], script[src], img[src], iframe[src], source[src]')]
                .map(e => e.href || e.src)
                .filter(u => /^https?:/.test(u) && new URL(u).host === location.host && !u.startsWith(base))
                .filter((u, i, all) => all.indexOf(u) === i)""", server.base)
            v.problems = watch.problems() + [f"link outside {server.base}: {u}" for u in v.outside]
    finally:
        ctx.close()
    return out


@pytest.fixture(scope="session")
def visits(browser, server, pages) -> dict[str, Visit]:
    return crawl(browser, server, pages)


@pytest.fixture(scope="session")
def sub_visits(browser, sub_server, pages) -> dict[str, Visit]:
    return crawl(browser, sub_server, pages)


def _page_report(visits):
    bad = {p or "/": v.problems for p, v in visits.items() if v.problems or v.status != 200}
    return "\n".join(f"{p}: HTTP {visits[p if p != '/' else ''].status}; " + "; ".join(probs)
                     for p, probs in bad.items())


@pytest.mark.parametrize("where", ["root", "subpath"])
def test_every_page_loads_cleanly_and_offline(where, request):
    visits = request.getfixturevalue("visits" if where == "root" else "sub_visits")
    assert {v.path[:3] for v in visits.values()} >= {"en/", "par"}, "zh, en and parallel pages expected"
    report = _page_report(visits)
    assert not report, f"pages with console errors / foreign or failed requests ({where}):\n{report}"


@pytest.mark.parametrize("where", ["root", "subpath"])
def test_every_chart_renders(where, request):
    visits = request.getfixturevalue("visits" if where == "root" else "sub_visits")
    with_charts = {p: v for p, v in visits.items() if v.charts}
    total = sum(v.charts for v in with_charts.values())
    print(f"\n{where}: {total} charts on {len(with_charts)} pages: "
          + ", ".join(f"{p}={v.rendered}/{v.charts}" for p, v in with_charts.items()))
    assert total >= 10, f"expected the corpus' charts on the pages, found {total}"
    # every language view shows the charts of its Chinese page
    for p, v in visits.items():
        if view_of(p)[0] == "zh" and v.charts:
            for w in ("en", "sbs"):
                other = visits.get(PREFIX[w] + p)
                assert other and other.charts >= v.charts, f"{PREFIX[w] + p} lacks the charts of /{p}"
    broken = {p: f"{v.rendered}/{v.charts} rendered {v.chart_error}" for p, v in with_charts.items()
              if v.rendered != v.charts}
    assert not broken, f"charts not embedded by vega-embed ({where}): {broken}"


SINGLE_VIEW = ("data/", "glossary/")


def test_view_switcher_lands_on_the_same_section(visits, server):
    errors = []
    by_url = {server.url(p): p for p in visits}
    for path, v in visits.items():
        view, key = view_of(path)
        where = "/" + path
        if v.switcher is None:
            errors.append(f"{where}: no nav.view-switcher")
            continue
        texts = [a["text"] for a in v.switcher]
        # the glossary and data pages are bilingual already, editorial notes are for editors:
        # they have no separate 对照 view
        views = [w for w in LABELS if not (w == "sbs" and (key in SINGLE_VIEW or key.endswith("editorial/")))]
        if texts != [LABELS[w] for w in views]:
            errors.append(f"{where}: switcher links {texts}, expected {[LABELS[w] for w in views]}")
            continue
        current = [a["text"] for a in v.switcher if a["current"]]
        if current != [LABELS[view]]:
            errors.append(f"{where}: switcher marks {current} as current, expected [{LABELS[view]}]")
        for a, w in zip(v.switcher, views):
            href, _, frag = a["href"].partition("#")
            expected = server.url(PREFIX[w] + key)
            if href != expected:
                errors.append(f"{where}: {a['text']} -> {a['href']}, expected {expected}")
                continue
            target = by_url.get(href)
            if target is None:
                errors.append(f"{where}: {a['text']} -> {href}: no such page (HTTP {server.status(href)})")
                continue
            tv = visits[target]
            if tv.switcher is None or [x["text"] for x in tv.switcher if x["current"]] != [LABELS[w]]:
                errors.append(f"{where}: {a['text']} -> /{target} whose switcher does not mark {LABELS[w]}")
    assert not errors, f"{len(errors)} view-switcher problems:\n" + "\n".join(errors)


SHOTS = [("parallel", "parallel/scio-whitepaper-2025/s1/"), ("chart", "zhao-liu-decoupling-2025/s3/"),
         ("chart-en", "en/zhao-liu-decoupling-2025/s3/"), ("chart-hs-en", "en/scio-whitepaper-2025/s1/")]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_screenshots_and_no_horizontal_overflow(browser, server, width):
    """Screenshots for a human to look at (BIREPORT_SCREENSHOTS, default /tmp/bireport-screenshots);
    the page itself must not scroll sideways (wide tables scroll inside their own box), and charts
    are laid out for the width there is (docs/assets/js/charts.js) rather than shrunk."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": width, "height": 900 if width > 500 else 844},
                              device_scale_factor=1, is_mobile=width < 500, has_touch=width < 500)
    page = ctx.new_page()
    overflow = []
    try:
        for name, path in SHOTS:
            page.goto(server.url(path), wait_until="load")
            wait_for_charts(page)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=False)
            if name != "parallel":
                page.locator("figure.chart").first.scroll_into_view_if_needed()
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-figure.png"))
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-full.png"), full_page=True)
            if name != "parallel":
                charts = page.evaluate("""() => [...document.querySelectorAll('figure.chart .vl-chart svg')].map(svg => {
                    const details = svg.closest('.vega-embed').querySelector('details');
                    const summary = details && details.querySelector('summary');
                    return {natural: +svg.getAttribute('width'), shown: svg.getBoundingClientRect().width,
                            bar: details ? getComputedStyle(details).borderBottomWidth : '0px',
                            button: summary ? getComputedStyle(summary).position : 'absolute'};
                })""")
                assert charts, f"no embedded charts on /{path}"
                # charts fit the screen at their designed text size, not scaled down as pictures
                small = [c for c in charts if c["shown"] < 0.95 * c["natural"]]
                overflow += [f"/{path} at {width}px: a chart {c['natural']}px wide is shown at {c['shown']:.0f}px "
                             f"(text scaled down)" for c in small]
                # vega-embed's action menu keeps its own look (Material styles <details> as admonitions)
                overflow += [f"/{path}: chart menu drawn as an admonition ({c['bar']} border, {c['button']} button)"
                             for c in charts if c["bar"] != "0px" or c["button"] != "absolute"]
            sw = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            if sw[0] > sw[1] + 1:
                wide = page.evaluate("""() => [...document.querySelectorAll('.md-content *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
                        ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))""")
                overflow.append(f"/{path} at {width}px: document {sw[0]}px wide > viewport {sw[1]}px; "
                                f"wide elements: {wide}")
    finally:
        ctx.close()
    assert not overflow, "\n".join(overflow)
