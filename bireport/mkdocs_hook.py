"""MkDocs hook: `mkdocs serve`/`mkdocs build` regenerate pages first when inputs changed.

Generation is incremental (content-hash cache), so an edit to one PO file re-renders only
what depends on it; `watch:` in mkdocs.yml makes the dev server rebuild on data/template edits."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def on_pre_build(config, **kwargs):
    if os.environ.get("BIREPORT_SKIP_GENERATE"):
        return
    from bireport.pipeline import generate

    generate(ROOT, quiet=True)
