"""Browser tests: one site build per session (a temp copy of the project), served over HTTP on
127.0.0.1 at the root and under a project sub-path (/repo/, like GitHub Pages), driven by Debian's
chromium through the playwright Python package.

Nothing here is skipped: a missing chromium, java or node_modules/axe-core is a failure
(`scripts/bootstrap.sh` installs them)."""
from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import (CHROMIUM, CHROMIUM_ARGS, SUBPATH, build_copy, copy_project, page_paths,
                             serve)


@pytest.fixture(scope="session")
def project_copies(tmp_path_factory) -> tuple[Path, Path]:
    """Two copies of the project taken at the same moment: the site under test is built from the
    first, the determinism test builds the second (copying both up front keeps concurrent edits
    of the working tree out of the comparison)."""
    base = tmp_path_factory.mktemp("browser")
    copies = []
    for name in ("a", "b"):
        (base / name).mkdir()
        copies.append(copy_project(base / name))
    return tuple(copies)


@pytest.fixture(scope="session")
def site_dir(project_copies) -> Path:
    return build_copy(project_copies[0])


@pytest.fixture(scope="session")
def server(site_dir):
    s = serve(site_dir)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def sub_server(site_dir, tmp_path_factory):
    """The same site under /repo/ (a project site on GitHub Pages)."""
    root = tmp_path_factory.mktemp("subpath")
    (root / SUBPATH).symlink_to(site_dir, target_is_directory=True)
    s = serve(root, SUBPATH + "/")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def pages(site_dir) -> list[str]:
    p = page_paths(site_dir)
    assert len(p) > 10, f"suspiciously few pages in {site_dir}: {p}"
    return p


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run scripts/bootstrap.sh (apt chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
