"""MkDocs hook: `mkdocs serve`/`mkdocs build` regenerate pages first when inputs changed, load
the glossary into jieba for Chinese search, split the search index per language and fix
Material's Chinese query segmenter in the built search worker.

Generation is cached by content hash, so an unchanged tree costs nothing; `watch:` in mkdocs.yml
makes the dev server rebuild when data/, templates/ or the package change."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def on_startup(command, dirty, **kwargs):
    # runs before any plugin's on_config, so the jieba user dictionary exists when search loads it
    import jieba

    cache = ROOT / "build" / "jieba"
    cache.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(cache)
    if not os.environ.get("BIREPORT_SKIP_GENERATE"):
        from bireport.pipeline import generate

        generate(ROOT, quiet=True)
    else:
        from bireport.glossary import load_glossary
        from bireport.search import write_jieba_dict

        write_jieba_dict(ROOT, load_glossary(ROOT / "data" / "glossary.yaml"))


def on_pre_build(config, **kwargs):
    if os.environ.get("BIREPORT_SKIP_GENERATE"):
        return
    from bireport.pipeline import generate

    generate(ROOT, quiet=True)   # `mkdocs serve` rebuilds: pick up data/template edits


@event_priority(-100)   # after mkdocs-static-i18n and the search plugin have written the index
def on_post_build(config, **kwargs):
    from bireport.glossary import load_glossary
    from bireport.search import fix_query_segmenter, glossary_words, split_index

    root = Path(config["config_file_path"]).parent
    terms = load_glossary(root / "data" / "glossary.yaml")
    split_index(Path(config["site_dir"]), terms=glossary_words(terms))
    fix_query_segmenter(Path(config["site_dir"]))


# ---------------------------------------------------------------- defence in depth (see safety.py)

CSP_PLACEHOLDER = "'@SCRIPT-HASHES@'"
_SCRIPT = None


def _csp(html_text: str) -> str:
    """Fill the Content-Security-Policy meta tag (overrides/main.html) with the sha256 of each
    inline script the theme put outside the content area; no 'unsafe-inline' for scripts, so
    an injected handler or script would not run even if one got through."""
    global _SCRIPT
    import base64
    import hashlib
    import re

    if CSP_PLACEHOLDER not in html_text:
        return html_text
    if _SCRIPT is None:
        _SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
    a = html_text.find('<article class="md-content__inner')
    b = html_text.find("</article>", a) if a >= 0 else -1
    hashes = []
    for m in _SCRIPT.finditer(html_text):
        if a >= 0 and a <= m.start() <= b:
            continue                     # the content area never contributes a trusted script
        attrs = m.group("attrs").lower()
        if "src=" in attrs or not m.group("body").strip():
            continue
        kind = re.search(r"type=[\"']?([^\"' >]+)", attrs)
        if kind and kind.group(1) not in ("text/javascript", "module", "application/javascript"):
            continue                     # data blocks (application/json) do not execute
        digest = base64.b64encode(hashlib.sha256(m.group("body").encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return html_text.replace(CSP_PLACEHOLDER, " ".join(sorted(set(hashes))))


def _neutral(text):
    """Titles are escaped text when the pipeline writes them (safety.text); Material prints page
    and nav titles unescaped, so a raw "<" or ">" that reached one anyway is made text here."""
    return text.replace("<", "&lt;").replace(">", "&gt;") if isinstance(text, str) else text


def on_nav(nav, config, files):
    def walk(items):
        for it in items:
            it.title = _neutral(it.title)
            walk(getattr(it, "children", None) or [])
    walk(nav.items)
    return nav


def on_page_context(context, page, config, nav):
    if page.meta and "title" in page.meta:
        page.meta["title"] = _neutral(page.meta["title"])
    page.title = _neutral(page.title)
    return context


@event_priority(100)    # before other plugins see the content (search index, i18n)
def on_page_content(html, page, config, files):
    """Every page's content area passes the nh3 allowlist (bireport/safety.py)."""
    from bireport.safety import sanitize_html

    return sanitize_html(html)


@event_priority(-100)
def on_post_page(output, page, config):
    return _csp(output)


def on_post_template(output_content, template_name, config):
    return _csp(output_content)
