"""Live preview: `mkdocs serve` regenerates pages when a PO file, a table's CSV, the table
schema (presentation.yaml), the glossary, a template or a source changes, and serves the result."""
from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bireport.pipeline import generate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, needle: str, timeout: float = 120) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if needle in fetch(url):
            return True
        time.sleep(1)
    return False


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def repin(project, doc_file: str) -> None:
    """A new version of a source: the manifest pins its sha256."""
    digest = hashlib.sha256((project / "data" / "sources" / doc_file).read_bytes()).hexdigest()
    manifest = project / "data" / "sources" / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    start = text.index(f"file: {doc_file}")
    m = re.compile(r"sha256: [0-9a-f]{64}").search(text, start)
    manifest.write_text(text[:m.start()] + f"sha256: {digest}" + text[m.end():], encoding="utf-8")


def test_serve_picks_up_every_kind_of_input(project):
    generate(project, quiet=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    data = project / "data"
    try:
        assert wait_for(base + "en/nyt-2024-12-12/", "Biden"), "dev server did not come up"
        # the preview serves the fixed search worker too (bireport/search.py)
        import material
        from bireport.search import FIXED_MARK, WORKERS
        worker = next((Path(material.__file__).parent / "templates" / WORKERS).glob("search.*.min.js")).name
        assert fetch(base + f"assets/javascripts/workers/{worker}").startswith(FIXED_MARK)
        # a table's CSV: the page notes the difference from the source, the chart shows the value
        edit(data / "tables" / "zhao-liu-decoupling-2025-t1.csv", "2012,贸易额占比,%,13.06,134", "2012,贸易额占比,%,13.6,134")
        # the difference from the source is reported on the document's editorial notes page
        assert wait_for(base + "zhao-liu-decoupling-2025/editorial/", "数据文件为 13.60%"), "CSV edit not served"
        assert '"value":13.6' in fetch(base + "assets/charts/zhao-liu-decoupling-2025-t1.zh.vl.json").replace(" ", "")
        # the table schema's reviewed input
        edit(data / "tables" / "presentation.yaml", "the US share of China’s trade\"", "the US share (Qwzx-schema)\"")
        assert wait_for(base + "data/tables/zhao-liu-decoupling-2025-t1.schema.yaml", "Qwzx-schema"), "schema edit not served"
        # the glossary
        edit(data / "glossary.yaml", "terms:\n", "terms:\n  - zh: 测试术语\n    en: Qwzx-glossary\n    note: test\n")
        assert wait_for(base + "glossary/", "Qwzx-glossary"), "glossary edit not served"
        # a template
        edit(project / "templates" / "home.md.j2", "## {{ ui.documents }}", "Qwzx-template\n\n## {{ ui.documents }}")
        assert wait_for(base, "Qwzx-template"), "template edit not served"
        # a source: a new version of the raw file (re-pinned in the manifest)
        edit(data / "sources" / "nyt-2024-12-12.html.md", "翻译：纽约时报中文网", "翻译：纽约时报中文网（测试更新）")
        repin(project, "nyt-2024-12-12.html.md")
        assert wait_for(base + "nyt-2024-12-12/", "测试更新"), "source edit not served"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_picks_up_po_edit(project):
    generate(project, quiet=True)
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/en/nyt-2024-12-12/"
        assert wait_for(url, "Biden"), "dev server did not come up"
        po = project / "data" / "i18n" / "en" / "nyt-2024-12-12.po"
        text = po.read_text(encoding="utf-8")
        marker = "Zyxwv-live-preview"
        po.write_text(text.replace('msgstr "Alan Rappeport"', f'msgstr "Alan Rappeport {marker}"', 1), encoding="utf-8")
        assert marker in po.read_text(encoding="utf-8")
        assert wait_for(url, marker), "edited translation did not reach the served page"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
