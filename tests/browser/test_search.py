"""Material's search in the browser: results in the reader's language (one index per language,
bireport/search.py + overrides/main.html), glossary terms found as words (jieba user dictionary)."""
from __future__ import annotations

import html
import re
import urllib.parse
import urllib.request

import pytest

from browser_support import SCREENSHOTS

RESULT_LINKS = "li.md-search-result__item > a.md-search-result__link"

CASES = [
    # (start page, query, expected path prefix of the first result, language of every result)
    ("zhao-liu-decoupling-2025/s1/", "脱钩", "zhao-liu-decoupling-2025/", "zh"),
    ("zhao-liu-decoupling-2025/s1/", "小院高墙", "zhao-liu-decoupling-2025/", "zh"),
    ("zhao-liu-decoupling-2025/s1/", "去风险", "zhao-liu-decoupling-2025/", "zh"),
    ("en/zhao-liu-decoupling-2025/s1/", "decoupling", "en/", "en"),
    ("en/zhao-liu-decoupling-2025/s1/", "tariffs", "en/", "en"),
]


def search(page, query: str) -> list[str]:
    """Type the query into Material's search box; the result URLs (first hit per page), in order."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")                     # Material reads the query on keyup
    page.wait_for_function(
        """() => document.querySelector('li.md-search-result__item') ||
                 /^0|没有|No match/.test(document.querySelector('.md-search-result__meta').textContent)""",
        timeout=15000)
    page.wait_for_timeout(300)           # let the result list settle
    urls = page.eval_on_selector_all(RESULT_LINKS, "as => as.map(a => a.href)")
    return list(dict.fromkeys(u.split("?")[0] for u in urls))      # one entry per page


def _text_of(url: str) -> str:
    with urllib.request.urlopen(url.split("?")[0], timeout=10) as r:
        body = r.read().decode("utf-8")
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", body)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


@pytest.mark.parametrize("start,query,first_prefix,lang", CASES, ids=[c[1] for c in CASES])
def test_search_finds_pages_in_the_readers_language(browser, server, start, query, first_prefix, lang):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    try:
        page.goto(server.url(start), wait_until="load")
        page.wait_for_load_state("networkidle")
        urls = search(page, query)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"search-{lang}-{query}.png"))
    finally:
        ctx.close()
    paths = [urllib.parse.urlsplit(u).path[len(urllib.parse.urlsplit(server.base).path):] for u in urls]
    listing = "\n".join(f"  {i + 1}. /{p}" for i, p in enumerate(paths))
    assert paths, f"no results for {query!r} on /{start}"
    assert paths[0].startswith(first_prefix), f"first result for {query!r} is /{paths[0]}:\n{listing}"
    wrong = [p for p in paths if p.startswith("en/") != (lang == "en")]
    assert not wrong, f"results for {query!r} on a {lang} page include other-language pages {wrong}:\n{listing}"
    parallel = [p for p in paths if p.startswith("parallel/")]
    assert not parallel, f"side-by-side pages are excluded from search, found {parallel}"
    # the first result contains the query as typed (bireport/search.py fixes Material's segmenter,
    # which used to search 小院高墙 as 小院* 高* and rank a page without the term first)
    assert query.lower() in _text_of(urls[0]).lower(), f"first result for {query!r} lacks it:\n{listing}"
