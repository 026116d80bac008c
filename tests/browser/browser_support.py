"""Helpers shared by the browser tests (fixtures live in conftest.py)."""
from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import re
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _parent_conftest():
    """tests/conftest.py (ROOT, copy_project), found by path: both conftests are named "conftest"."""
    path = HERE.parent / "conftest.py"
    for mod in list(sys.modules.values()):
        f = getattr(mod, "__file__", None)
        if f and Path(f).resolve() == path:
            return mod
    spec = importlib.util.spec_from_file_location("_bireport_tests_conftest", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_parent = _parent_conftest()
ROOT: Path = _parent.ROOT
copy_project = _parent.copy_project

CHROMIUM = os.environ.get("BIREPORT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SUBPATH = "repo"
SCREENSHOTS = Path(os.environ.get("BIREPORT_SCREENSHOTS", "/tmp/bireport-screenshots"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def build_copy(root: Path) -> Path:
    """`build.py build` on a project copy (pipeline.build: pages, PDFs, site into root/site)."""
    from bireport.pipeline import build
    build(root, quiet=True, force=True)
    return root / "site"


# ------------------------------------------------------------------------------------ serving

class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        # linkchecker throttles every host to <= 10 requests/s (0.1-0.6 s apart) unless the server
        # answers with a "LinkChecker" header; then its maxrequestspersecond applies.
        self.send_header("LinkChecker", "local test server")
        super().end_headers()

    def list_directory(self, path):        # a static host (GitHub Pages) has no directory listings
        self.send_error(404, "File not found")
        return None

    def log_message(self, *args):          # quiet
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass                               # clients closing connections early is not our business


@dataclass
class Server:
    base: str                              # URL of the site root, ending in "/"
    httpd: http.server.HTTPServer = field(repr=False)

    def url(self, rel: str = "") -> str:
        return self.base + rel.lstrip("/")

    def status(self, url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def serve(directory: Path, prefix: str = "") -> Server:
    """http.server in a daemon thread on a free port of 127.0.0.1."""
    handler = functools.partial(_Handler, directory=str(directory))
    httpd = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, name=f"http-{httpd.server_port}", daemon=True).start()
    return Server(f"http://127.0.0.1:{httpd.server_port}/{prefix}", httpd)


# ------------------------------------------------------------------------------------ pages

def page_paths(site: Path) -> list[str]:
    """Every page of the site as a URL path relative to the root ("" = home, "en/x/")."""
    out = []
    for f in sorted(site.rglob("index.html")):
        rel = f.parent.relative_to(site).as_posix()
        if rel.split("/")[0] in ("assets", "search"):
            continue
        out.append("" if rel == "." else rel + "/")
    return out


def view_of(path: str) -> tuple[str, str]:
    """("zh" | "en" | "sbs", the document/section path shared by the three views)."""
    if path.startswith("en/"):
        return "en", path[3:]
    if path.startswith("parallel/"):
        return "sbs", path[len("parallel/"):]
    return "zh", path


# ------------------------------------------------------------------------------------ browser

class Watch:
    """Console errors (and Vega's warnings), uncaught exceptions, non-local requests and failed/4xx
    responses of a page."""

    def __init__(self, page, allowed_host: str = "127.0.0.1"):
        self.console, self.exceptions, self.foreign, self.failed = [], [], [], []
        self.allowed = allowed_host
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.exceptions.append(str(e)))
        page.on("request", self._request)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} HTTP {r.status}"))

    def _console(self, m):
        # errors, and warnings from Vega (a chart spec it had to correct: "WARN ...")
        if m.type == "error" or (m.type == "warning" and m.text.startswith("WARN")):
            loc = m.location or {}
            self.console.append(f"{m.text} @ {loc.get('url', '')}:{loc.get('lineNumber', '')}")

    def _request(self, req):
        url = req.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        m = re.match(r"[a-z-]+://([^/:]+)", url)
        if not m or m.group(1) != self.allowed:
            self.foreign.append(url)

    def clear(self):
        for lst in (self.console, self.exceptions, self.foreign, self.failed):
            lst.clear()

    def problems(self) -> list[str]:
        """Unique problems; a 404 is reported once (not again as chromium's "Failed to load resource")."""
        out = [f"non-local request: {u}" for u in self.foreign] + [f"failed: {u}" for u in self.failed]
        out += [f"uncaught: {e}" for e in self.exceptions]
        out += [f"console error: {c}" for c in self.console
                if not (c.startswith("Failed to load resource") and any(c.endswith(f"@ {u.split()[0]}:0")
                                                                        for u in self.failed))]
        return list(dict.fromkeys(out))


RENDERED = "div.vl-chart .vega-embed :is(svg.marks, canvas.marks)"


def wait_for_charts(page, timeout: float = 15000) -> int:
    """Wait until every div.vl-chart holds vega-embed's <svg> (or <canvas>); returns the chart count.
    (The no-JS fallback is an <img> of the SVG file, so it never satisfies this.)"""
    n = page.locator("div.vl-chart").count()
    if n:
        page.wait_for_function(
            """() => [...document.querySelectorAll('div.vl-chart')].every(
                   d => d.querySelector('.vega-embed svg.marks, .vega-embed canvas.marks'))""",
            timeout=timeout)
    return n
