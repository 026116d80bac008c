"""Incremental generation: nothing is rebuilt when nothing changed; a PO edit re-renders only its
document; a template change re-renders everything; a failed build writes nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from bireport.errors import BuildError
from bireport.pipeline import generate


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in (root / "docs").rglob("*.md")}


def test_incremental_cycle(project):
    first = generate(project, quiet=True)
    assert len(first.stats["changed_documents"]) == 5
    assert generate(project, quiet=True).skipped
    before = mtimes(project)
    po = project / "data" / "i18n" / "en" / "customs-2026-01-14.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("General Administration of Customs", "China's General Administration of Customs", 1),
                  encoding="utf-8")
    res = generate(project, quiet=True)
    assert res.stats["changed_documents"] == ["customs-2026-01-14"]
    after = mtimes(project)
    touched = {k for k in after if after[k] != before.get(k)}
    assert touched and all("customs-2026-01-14" in k or k.endswith(("index.md", "glossary.md", "data.md")) for k in touched)
    assert not any("zhao-liu" in k for k in touched)
    (project / "templates" / "section.md.j2").write_text(
        (project / "templates" / "section.md.j2").read_text() + "\n", encoding="utf-8")
    assert len(generate(project, quiet=True).stats["changed_documents"]) == 5


def test_failed_build_writes_nothing(project):
    generate(project, quiet=True)
    before = {k: (project / k).read_bytes() for k in mtimes(project)}
    po = project / "data" / "i18n" / "en" / "nyt-2024-12-12.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgctxt "x"\nmsgid "y"\nbogus\n', encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        generate(project, quiet=True)
    assert "nyt-2024-12-12.po" in str(exc.value)
    assert {k: (project / k).read_bytes() for k in before} == before
