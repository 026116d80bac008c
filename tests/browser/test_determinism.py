"""Two builds of the same inputs (two temp copies of the project) give a byte-identical site/."""
from __future__ import annotations

import hashlib
from pathlib import Path

from browser_support import build_copy


def digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(site_dir, project_copies):
    other = build_copy(project_copies[1])
    a, b = digests(site_dir), digests(other)
    only_a, only_b = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
    differ = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
    assert len(a) > 50
    assert not (only_a or only_b or differ), (
        f"builds differ: {len(differ)} files differ {differ[:30]}; only in first {only_a[:20]}; "
        f"only in second {only_b[:20]}")
