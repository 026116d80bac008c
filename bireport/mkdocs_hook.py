"""MkDocs hook: `mkdocs serve`/`mkdocs build` regenerate pages first when inputs changed, load
the glossary into jieba for Chinese search, split the search index per language and fix
Material's Chinese query segmenter in the built search worker.

Generation is cached by content hash, so an unchanged tree costs nothing; `watch:` in mkdocs.yml
makes the dev server rebuild when data/, templates/ or the package change."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def on_startup(command, dirty, **kwargs):
    # runs before any plugin's on_config, so the jieba user dictionary exists when search loads it
    import jieba

    cache = ROOT / "build" / "jieba"
    cache.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(cache)
    if not os.environ.get("BIREPORT_SKIP_GENERATE"):
        from bireport.pipeline import generate

        generate(ROOT, quiet=True)
    else:
        from bireport.glossary import load_glossary
        from bireport.search import write_jieba_dict

        write_jieba_dict(ROOT, load_glossary(ROOT / "data" / "glossary.yaml"))


def on_pre_build(config, **kwargs):
    if os.environ.get("BIREPORT_SKIP_GENERATE"):
        return
    from bireport.pipeline import generate

    generate(ROOT, quiet=True)   # `mkdocs serve` rebuilds: pick up data/template edits


@event_priority(-100)   # after mkdocs-static-i18n and the search plugin have written the index
def on_post_build(config, **kwargs):
    from bireport.search import fix_query_segmenter, split_index

    split_index(Path(config["site_dir"]))
    fix_query_segmenter(Path(config["site_dir"]))
