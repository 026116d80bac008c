"""Helpers and fixtures (`rb`, imported by each test module) for the bad-input suite: a generated project copy and helpers to break it.

`rb` = a throw-away project (tests/conftest.py `project`) generated once, with the hashes of its
outputs (docs/ and mkdocs.yml; site/ when built) taken so each test can assert that a failing build
left them byte-identical. The chart SVG cache of one session-wide baseline is copied in first, so a
test costs one warm generation instead of re-rendering every chart.
"""
from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path

import pytest
import yaml

from bireport.errors import BuildError
from bireport.pipeline import Paths, generate, run_mkdocs

SCIO = "scio-whitepaper-2025.md"
ZHAO = "zhao-liu-decoupling-2025.md"
XINHUA = "xinhua-2019-01-31.ocr.txt"
CUSTOMS = "customs-2026-01-14.hant.txt"
NYT = "nyt-2024-12-12.html.md"


def tree_hash(*roots: Path) -> str:
    h = hashlib.sha256()
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for p in files:
            h.update(p.as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


class Broken:
    """A generated project plus helpers to break one input and check the outcome."""

    def __init__(self, root: Path):
        self.root = root
        self.paths = Paths(root)
        self.result = generate(root, quiet=True, force=True)
        self.before = self.outputs_hash()

    # ------------------------------------------------------------ state
    def outputs_hash(self) -> str:
        roots = [self.paths.docs, self.root / "mkdocs.yml"]
        if self.paths.site.exists():
            roots.append(self.paths.site)
        return tree_hash(*roots)

    def build_site(self) -> None:
        run_mkdocs(self.paths)
        self.before = self.outputs_hash()

    # ------------------------------------------------------------ breaking inputs
    def source(self, name: str) -> Path:
        return self.paths.sources / name

    def manifest(self) -> dict:
        return yaml.safe_load((self.paths.sources / "manifest.yaml").read_text(encoding="utf-8"))

    def write_manifest(self, m: dict) -> None:
        (self.paths.sources / "manifest.yaml").write_text(
            yaml.safe_dump(m, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def unpin(self, name: str) -> None:
        """Drop the sha256 pin of a mutated raw source (otherwise only the pin would be tested)."""
        m = self.manifest()
        for d in m["documents"]:
            if d["file"] == name:
                d.pop("sha256", None)
        self.write_manifest(m)

    def edit_source(self, name: str, fn) -> None:
        p = self.source(name)
        new = fn(p.read_text(encoding="utf-8"))
        assert new != p.read_text(encoding="utf-8"), "the mutation did not change the source"
        p.write_text(new, encoding="utf-8")
        self.unpin(name)

    def write_source_bytes(self, name: str, data: bytes) -> None:
        self.source(name).write_bytes(data)
        self.unpin(name)

    def add_source(self, name: str, data: bytes, fmt: str = "plaintext", **extra) -> None:
        self.source(name).write_bytes(data)
        m = self.manifest()
        m["documents"].append({"id": "extra-doc", "file": name, "format": fmt, "script": "Hans",
                               "title": {"zh": "新文件", "en": "New"}, "publisher": {"zh": "某机构", "en": "Someone"},
                               "date": "2025-01-01", "paging": "single", **extra})
        self.write_manifest(m)

    def edit_file(self, rel: str, fn) -> Path:
        p = self.root / rel
        new = fn(p.read_text(encoding="utf-8"))
        assert new != p.read_text(encoding="utf-8"), "the mutation did not change the file"
        p.write_text(new, encoding="utf-8")
        return p

    # ------------------------------------------------------------ assertions
    def expect_error(self, file: str, line: int | bool | None = True, words=(), run=None) -> BuildError:
        """The build fails with a BuildError that names `file` (and `line`: an int = that line,
        True = some line, None = no line expected) and carries a fix; outputs are unchanged."""
        with pytest.raises(BuildError) as info:
            (run or (lambda: generate(self.root, quiet=True, force=True)))()
        exc = info.value
        msg = str(exc)
        hits = [p for p in exc.problems if Path(p.path).name == file or p.path.endswith(file)]
        assert hits, f"no problem names {file}:\n{msg}"
        p = hits[0]
        if line is True:
            assert p.line, f"no line number:\n{msg}"
            assert f"{file}:{p.line}" in msg
        elif isinstance(line, int):
            assert p.line == line, f"expected line {line}:\n{msg}"
            assert f"{file}:{line}" in msg
        assert p.fix.strip(), f"no fix given:\n{msg}"
        for w in words:
            assert w in msg, f"{w!r} not in:\n{msg}"
        assert self.outputs_hash() == self.before, "a failing build changed existing outputs"
        return exc


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture(scope="session")
def chart_cache(tmp_path_factory) -> Path:
    """Rendered charts of one baseline build (copied into each test project to save time)."""
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
