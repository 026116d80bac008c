"""The hostile build (tests/hostile.py: payloads in every input channel) in Chromium: every page
loads with no dialog (alert/confirm/prompt), no request to any host but the local server, no
console error (a Content-Security-Policy violation is one) and its charts still render."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from browser_support import ROOT, Watch, copy_project, page_paths, serve, wait_for_charts

sys.path.insert(0, str(ROOT / "tests"))
from hostile import make_hostile, outside_png  # noqa: E402


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    from bireport.pipeline import Paths, generate, run_mkdocs

    base = tmp_path_factory.mktemp("hostile-browser")
    root = copy_project(base / "proj")
    if (ROOT / "build" / "charts").is_dir():
        shutil.copytree(ROOT / "build" / "charts", root / "build" / "charts")
    # port 9 (discard): nothing may ever try it; the PDFs are not built here
    make_hostile(root, 9, outside_png(base / "outside.png"))
    generate(root, quiet=True, force=True)
    run_mkdocs(Paths(root))
    s = serve(root / "site")
    yield s, root / "site"
    s.stop()


def test_hostile_pages_run_nothing_and_fetch_nothing_foreign(browser, hostile_site):
    server, site = hostile_site
    paths = page_paths(site)
    assert len(paths) > 40
    ctx = browser.new_context()
    dialogs: list[str] = []
    problems: dict[str, list[str]] = {}
    charts = 0
    try:
        for path in paths:
            page = ctx.new_page()
            page.on("dialog", lambda d, path=path: (dialogs.append(f"{path}: {d.type} {d.message!r}"), d.dismiss()))
            watch = Watch(page)
            page.goto(server.url(path), wait_until="load")
            charts += wait_for_charts(page)
            page.mouse.move(5, 5)
            page.mouse.move(400, 400)        # onmouseover-style payloads would fire now
            page.wait_for_timeout(50)
            if watch.problems():
                problems[path] = watch.problems()
            page.close()
    finally:
        ctx.close()
    assert not dialogs, "\n".join(dialogs)
    assert not problems, "\n".join(f"{p}: {x}" for p, xs in problems.items() for x in xs[:5])
    assert charts > 0, "no chart rendered: the CSP must leave Vega working"
