"""A throw-away copy of the project for tests that build (imported by conftest and test modules)."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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
    for src in (dest / "data" / "sources").iterdir():
        src.chmod(0o644)
    return dest
