"""Live preview: `mkdocs serve` regenerates pages when a PO file changes and serves the new text."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

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
        po.write_text(text.replace('msgstr "ALAN RAPPEPORT"', f'msgstr "ALAN RAPPEPORT {marker}"', 1), encoding="utf-8")
        assert marker in po.read_text(encoding="utf-8")
        assert wait_for(url, marker), "edited translation did not reach the served page"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
