"""axe-core (npm, node_modules/axe-core) in the browser: no serious or critical violations."""
from __future__ import annotations


import pytest

from browser_support import AXE_JS, wait_for_charts

PAGES = ["", "zhao-liu-decoupling-2025/s3/", "parallel/scio-whitepaper-2025/s1/", "data/",
         "en/", "en/zhao-liu-decoupling-2025/s3/"]


@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_axe_no_serious_or_critical_violations(browser, server, path):
    assert AXE_JS.exists(), f"{AXE_JS} missing: run `npm ci` (scripts/bootstrap.sh does)"
    # bypass_csp: the pages' Content-Security-Policy (rightly) refuses the injected axe script
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    try:
        page.goto(server.url(path), wait_until="load")
        wait_for_charts(page)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                                          summary: n.failureSummary, html: n.html.slice(0, 200)}))}));
        }""")
    finally:
        ctx.close()
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
        f"    {n['target']}  |  {' '.join(n['html'].split())[:90]}  |  {_first_reason(n['summary'])}"
        for n in v["nodes"][:10]) + (f"\n    … {len(v['nodes']) - 10} more" if len(v["nodes"]) > 10 else "")
        for v in bad)
    minor = sorted({f"{v['id']} ({v['impact']})" for v in result} - {f"{v['id']} ({v['impact']})" for v in bad})
    if minor:
        print(f"\n/{path}: minor/moderate axe findings: {minor}")
    assert not bad, f"axe-core violations on /{path}:\n{report}"


def _first_reason(summary: str) -> str:
    lines = [ln.strip() for ln in (summary or "").splitlines() if ln.strip()]
    return lines[1] if len(lines) > 1 else (lines[0] if lines else "")
