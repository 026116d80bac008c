"""Fixtures for the bad-input suite (helpers in rbhelpers.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bireport.pipeline import generate

from rbhelpers import Broken


@pytest.fixture(scope="session")
def chart_cache(tmp_path_factory) -> Path:
    """Rendered charts of one baseline build (copied into each test project to save time)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_tests_conftest", Path(__file__).resolve().parent.parent / "conftest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    root = mod.copy_project(tmp_path_factory.mktemp("rb-base") / "proj")
    generate(root, quiet=True, force=True)
    return root / "build" / "charts"


@pytest.fixture
def rb(project, chart_cache) -> Broken:
    shutil.copytree(chart_cache, project / "build" / "charts")
    return Broken(project)
