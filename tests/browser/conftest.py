"""Browser tests: one site build per session (a temp copy of the project), served over HTTP on
127.0.0.1 at the root and under a project sub-path (/repo/, like GitHub Pages), driven by Debian's
chromium through the playwright Python package.

Nothing here is skipped by default: a missing chromium, java or node_modules/axe-core is a failure
(`scripts/bootstrap.sh` installs them)."""
from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import importlib.util
import sys

import pytest


def _parent_conftest():
    """tests/conftest.py (copy_project, ROOT), loaded by path: both conftests are named "conftest"."""
    path = Path(__file__).resolve().parent.parent / "conftest.py"
    for mod in list(sys.modules.values()):
        if getattr(mod, "__file__", None) and Path(mod.__file__).resolve() == path:
            return mod
    spec = importlib.util.spec_from_file_location("_bireport_tests_conftest", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_parent = _parent_conftest()
ROOT, copy_project = _parent.ROOT, _parent.copy_project

CHROMIUM = os.environ.get("BIREPORT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SUBPATH = "repo"
SCREENSHOTS = Path(os.environ.get("BIREPORT_SCREENSHOTS", "/tmp/bireport-screenshots"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


# ------------------------------------------------------------------------------------ build

def build_copy(root: Path) -> Path:
    """What tests/conftest.py's `built_site` does: generate + mkdocs into root/site."""
    from bireport.pipeline import Paths, generate, run_mkdocs
    generate(root, quiet=True, force=True)
    run_mkdocs(Paths(root))
    return root / "site"


@pytest.fixture(scope="session")
def project_copies(tmp_path_factory) -> tuple[Path, Path]:
    """Two copies of the project taken at the same moment (the determinism test builds the second;
    copying both up front keeps concurrent edits of the working tree out of the comparison)."""
    base = tmp_path_factory.mktemp("browser")
    return copy_project(_mkdir(base / "a")), copy_project(_mkdir(base / "b"))


def _mkdir(p: Path) -> Path:
    p.mkdir(parents=True)
    return p


@pytest.fixture(scope="session")
def site_dir(project_copies) -> Path:
    return build_copy(project_copies[0])


# ------------------------------------------------------------------------------------ serving

class _Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"          # keep-alive: linkchecker and chromium reuse connections

    def log_message(self, *args):          # quiet
        pass


@dataclass
class Server:
    base: str                 # URL of the site root, ending in "/"
    httpd: http.server.ThreadingHTTPServer
    thread: threading.Thread = field(repr=False)

    def url(self, rel: str = "") -> str:
        return self.base + rel.lstrip("/")

    def status(self, url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code


def _serve(directory: Path, prefix: str = "") -> Server:
    handler = functools.partial(_Handler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)   # free port
    httpd.daemon_threads = True
    t = threading.Thread(target=httpd.serve_forever, name=f"http-{httpd.server_port}", daemon=True)
    t.start()
    return Server(f"http://127.0.0.1:{httpd.server_port}/{prefix}", httpd, t)


@pytest.fixture(scope="session")
def server(site_dir) -> Server:
    s = _serve(site_dir)
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


@pytest.fixture(scope="session")
def sub_server(site_dir, tmp_path_factory) -> Server:
    """The same site under /repo/ (a project page on GitHub Pages)."""
    root = tmp_path_factory.mktemp("subpath")
    (root / SUBPATH).symlink_to(site_dir, target_is_directory=True)
    s = _serve(root, SUBPATH + "/")
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


# ------------------------------------------------------------------------------------ pages

def page_paths(site: Path) -> list[str]:
    """Every page of the site as a URL path relative to the root ("" = home, "en/x/")."""
    out = []
    for f in sorted(site.rglob("index.html")):
        rel = f.parent.relative_to(site).as_posix()
        if rel.startswith(("assets/", "search/")) or rel in ("assets", "search"):
            continue
        out.append("" if rel == "." else rel + "/")
    return out


@pytest.fixture(scope="session")
def pages(site_dir) -> list[str]:
    p = page_paths(site_dir)
    assert len(p) > 10, f"suspiciously few pages in {site_dir}: {p}"
    return p


def view_of(path: str) -> tuple[str, str]:
    """("zh" | "en" | "sbs", the document/section path shared by the three views)."""
    if path.startswith("en/") or path == "en/":
        return "en", path[3:]
    if path.startswith("parallel/"):
        return "sbs", path[len("parallel/"):]
    return "zh", path


# ------------------------------------------------------------------------------------ browser

@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run scripts/bootstrap.sh (apt chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield ctx
    ctx.close()


class Watch:
    """Console errors, uncaught exceptions, non-local requests and failed/4xx responses of a page."""

    def __init__(self, page, allowed_host: str = "127.0.0.1"):
        self.console, self.exceptions, self.foreign, self.failed = [], [], [], []
        self.allowed = allowed_host
        page.on("console", lambda m: m.type == "error" and self.console.append(
            f"{m.text} @ {m.location.get('url', '')}:{m.location.get('lineNumber', '')}"))
        page.on("pageerror", lambda e: self.exceptions.append(str(e)))
        page.on("request", self._request)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} HTTP {r.status}"))

    def _request(self, req):
        url = req.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        m = re.match(r"[a-z]+://([^/:]+)", url)
        if not m or m.group(1) != self.allowed:
            self.foreign.append(url)

    def problems(self) -> list[str]:
        return ([f"console error: {c}" for c in self.console] + [f"uncaught: {e}" for e in self.exceptions]
                + [f"non-local request: {u}" for u in self.foreign] + [f"failed: {u}" for u in self.failed])


def wait_for_charts(page, timeout: float = 15000) -> int:
    """Wait until every div.vl-chart holds vega-embed's SVG (or canvas); returns the number of charts."""
    n = page.locator("div.vl-chart").count()
    if n:
        page.wait_for_function(
            """() => [...document.querySelectorAll('div.vl-chart')].every(
                   d => d.querySelector('.vega-embed svg.marks, .vega-embed canvas.marks'))""",
            timeout=timeout)
    return n
