#!/usr/bin/env python3
"""bireport command line: generate | build | serve | pdf | check | status | translate.

    python build.py build [--strict] [--no-pdf]   pages + site (+ PDFs)
    python build.py generate                       pages into docs/ only
    python build.py serve                          live preview (mkdocs serve)
    python build.py check                          repair report, table validation, translation QA
    python build.py status                         translation coverage per document
    python build.py translate --update             refresh PO files from the sources (msgmerge-like)
    python build.py translate --import FILE.json   merge translations [{ctx, msgid, msgstr}] into PO files
    python build.py translate --engine URL         machine-translate untranslated segments (marked fuzzy)
    python build.py pdf                            PDFs only
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from bireport.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], ROOT))
