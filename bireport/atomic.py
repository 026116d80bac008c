"""Replacing a file in one step: the new content goes to a temporary file beside it, which is then
renamed over it, so a crash or a failed build never leaves a half-written file.

Generated files are published: files are 0644 and folders 0755 whatever the process umask (a web
server running as another user must be able to read docs/ and site/)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o644
DIR_MODE = 0o755


def make_dirs(path: Path) -> None:
    """mkdir -p, every folder it creates 0755."""
    path = Path(path)
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for d in reversed(missing):
        try:
            d.mkdir()
        except FileExistsError:
            pass
        os.chmod(d, DIR_MODE)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `data` (text as UTF-8, line ends as given) to `path` atomically, mode 0644."""
    path = Path(path)
    make_dirs(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        if isinstance(data, str):
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(data)
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def publish_tree(root: Path) -> None:
    """Make a built tree world-readable: folders 0755, files 0644 (symlinks left alone)."""
    root = Path(root)
    os.chmod(root, DIR_MODE)
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            p = os.path.join(dirpath, d)
            if not os.path.islink(p):
                os.chmod(p, DIR_MODE)
        for f in filenames:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                os.chmod(p, FILE_MODE)
