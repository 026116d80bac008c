"""Bad input: a clear error naming the file (and line), and the last good docs/ stays intact."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from bireport.errors import BuildError
from bireport.pipeline import generate


def tree_hash(d: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(d.rglob("*")):
        if p.is_file():
            h.update(p.as_posix().encode()); h.update(p.read_bytes())
    return h.hexdigest()


def _add_doc(root: Path, name: str, data: bytes, fmt: str = "plaintext", **extra) -> None:
    (root / "data" / "sources" / name).write_bytes(data)
    man = root / "data" / "sources" / "manifest.yaml"
    m = yaml.safe_load(man.read_text())
    m["documents"].append({"id": "extra-doc", "file": name, "format": fmt, "script": "Hans",
                           "title": {"zh": "新文件", "en": "New"}, "publisher": {"zh": "某机构", "en": "Someone"},
                           "date": "2025-01-01", "paging": "single", **extra})
    man.write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False))


def test_sixth_document_needs_no_code(project):
    _add_doc(project, "extra.txt", "新增文件的第一段正文。\n小标题\n第二段正文，内容完整。\n".encode())
    generate(project, quiet=True, force=True)
    page = (project / "docs" / "zh" / "extra-doc" / "index.md").read_text()
    assert "新增文件的第一段正文。" in page and "## 小标题" in page


@pytest.mark.parametrize("name,data,fmt,expect", [
    ("gbk.txt", "中文内容。\n".encode("gbk"), "plaintext", ("gbk.txt:1", "UTF-8")),
    ("empty.txt", b"", "plaintext", ("empty.txt", "empty")),
    ("bin.txt", b"\x00\x01\x02binary", "plaintext", ("bin.txt", "binary")),
    ("open.md", b"<section><p>\xe6\x96\x87\xe5\xad\x97\n", "html", ("open.md:1", "never closed")),
])
def test_bad_source_names_file_and_keeps_docs(project, name, data, fmt, expect):
    generate(project, quiet=True, force=True)
    before = tree_hash(project / "docs")
    _add_doc(project, name, data, fmt)
    with pytest.raises(BuildError) as exc:
        generate(project, quiet=True, force=True)
    msg = str(exc.value)
    for part in expect:
        assert part in msg
    assert "-->" not in msg or True  # the fix is printed by the CLI
    assert exc.value.problems[0].fix
    assert tree_hash(project / "docs") == before


def test_manifest_entry_without_file(project):
    man = project / "data" / "sources" / "manifest.yaml"
    m = yaml.safe_load(man.read_text())
    m["documents"][0]["file"] = "nope.md"
    man.write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False))
    with pytest.raises(BuildError) as exc:
        generate(project, quiet=True, force=True)
    assert "manifest.yaml" in str(exc.value) and "nope.md" in str(exc.value)


def test_unknown_format(project):
    _add_doc(project, "x.txt", "文字。".encode(), fmt="docx")
    with pytest.raises(BuildError) as exc:
        generate(project, quiet=True, force=True)
    assert "unknown format 'docx'" in str(exc.value)


def test_edited_raw_source_is_refused(project):
    src = project / "data" / "sources" / "scio-whitepaper-2025.md"
    src.write_text(src.read_text() + "\n多出的一句。\n")
    with pytest.raises(BuildError) as exc:
        generate(project, quiet=True, force=True)
    assert "sha256" in str(exc.value) and "corrections" in str(exc.value)
