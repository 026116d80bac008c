"""Shared fixtures: a throw-away copy of the project, and one site build per test session."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from projectcopy import COPY, copy_project  # noqa: E402,F401  (one module shared by all test folders)


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "proj")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    from bireport.pipeline import build

    root = copy_project(tmp_path_factory.mktemp("site") / "proj")
    build(root, pdf=False, quiet=True, force=True)      # `build.py build --no-pdf`
    return root
