"""Shared fixtures: a throw-away copy of the project, and one site build per test session."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COPY = ("bireport", "data", "templates", "overrides", "mkdocs.yml", "build.py")


def copy_project(dest: Path) -> Path:
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "incoming"))
        else:
            shutil.copy2(src, dest / name)
    (dest / "docs").mkdir()
    shutil.copytree(ROOT / "docs" / "assets", dest / "docs" / "assets")
    if (ROOT / "docs" / "pdf").exists():
        shutil.copytree(ROOT / "docs" / "pdf", dest / "docs" / "pdf")
    for src in (dest / "data" / "sources").iterdir():
        src.chmod(0o644)
    return dest


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "proj")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    from bireport.pipeline import Paths, generate, run_mkdocs

    root = copy_project(tmp_path_factory.mktemp("site") / "proj")
    generate(root, quiet=True, force=True)
    run_mkdocs(Paths(root))
    return root
