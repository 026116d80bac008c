"""Make a synthetic corpus: N copies of the seed documents (default 100 → 500 documents) in a
project copy. Each copy gets its own id, varied titles (manifest and, for Markdown sources, the
H1 line), a re-pinned sha256, its PO file (msgctxt re-keyed, so it is translated like the seed),
its corrections file, and presentation entries for its tables.

    .venv/bin/python bench/make_corpus.py DEST [--copies 100]
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.util
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def copy_project(dest: Path) -> Path:
    spec = importlib.util.spec_from_file_location("_tests_conftest", ROOT / "tests" / "conftest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.copy_project(dest)


def make_corpus(dest: Path, copies: int = 100, base: Path | None = None) -> Path:
    """`base`: a project copy to start from (default: this checkout)."""
    if base is not None:
        import shutil

        root = Path(dest)
        shutil.copytree(base, root, ignore=shutil.ignore_patterns("build", "site", "__pycache__"))
    else:
        root = copy_project(Path(dest))
    data = root / "data"
    man_path = data / "sources" / "manifest.yaml"
    man = yaml.safe_load(man_path.read_text(encoding="utf-8"))
    pres_path = data / "tables" / "presentation.yaml"
    pres = yaml.safe_load(pres_path.read_text(encoding="utf-8"))
    seeds = man["documents"]
    docs = []
    for k in range(copies):
        for seed in seeds:
            d = copy.deepcopy(seed)
            if k:   # copy 0 = the seeds themselves
                new_id = f"{seed['id']}-c{k:03d}"
                src = data / "sources" / seed["file"]
                stem, dot, ext = seed["file"].partition(".")
                new_file = f"{stem}-c{k:03d}.{ext}"
                text = src.read_text(encoding="utf-8")
                if seed["format"] == "markdown":      # vary the printed title too (same line count)
                    text = re.sub(r"^# (.+)$", lambda m: f"# {m.group(1)}（第{k}辑）", text, count=1, flags=re.M)
                (data / "sources" / new_file).write_text(text, encoding="utf-8")
                d["id"], d["file"] = new_id, new_file
                d["title"]["zh"] = f"{seed['title']['zh']}（第{k}辑）"
                d["title"]["en"] = f"{seed['title']['en']} (set {k})"
                d["sha256"] = hashlib.sha256((data / "sources" / new_file).read_bytes()).hexdigest()
                po = data / "i18n" / "en" / f"{seed['id']}.po"
                if po.exists():
                    t = po.read_text(encoding="utf-8").replace(f'msgctxt "{seed["id"]}/', f'msgctxt "{new_id}/')
                    (data / "i18n" / "en" / f"{new_id}.po").write_text(t, encoding="utf-8")
                corr = data / "corrections" / f"{seed['id']}.yaml"
                if corr.exists():
                    (data / "corrections" / f"{new_id}.yaml").write_text(corr.read_text(encoding="utf-8"), encoding="utf-8")
                for tid, spec in list((pres.get("tables") or {}).items()):
                    if tid.startswith(seed["id"] + "-t") and re.fullmatch(r"-t\d+", tid[len(seed["id"]):]):
                        pres["tables"][new_id + tid[len(seed["id"]):]] = copy.deepcopy(spec)
            docs.append(d)
    man["documents"] = docs
    man_path.write_text(yaml.safe_dump(man, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    pres_path.write_text(yaml.safe_dump(pres, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return root


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("dest")
    ap.add_argument("--copies", type=int, default=100)
    a = ap.parse_args()
    r = make_corpus(Path(a.dest), a.copies)
    print(f"{r}: {len(yaml.safe_load((r / 'data/sources/manifest.yaml').read_text())['documents'])} documents", file=sys.stderr)
