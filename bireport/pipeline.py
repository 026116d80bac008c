"""The build, as a short list of named stages: gather and validate everything, then write.

    generate(): manifest → ingest (adapters + repairs) → tables → charts → translation memory
                → render pages into a staging folder → swap into docs/ (atomic)
    build():    generate → mkdocs build into a staging folder → swap into site/ → PDFs
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import __version__
from .errors import BuildError, Problem
from .glossary import load_glossary
from .i18n import Catalog
from .manifest import load_manifest
from .document import ingest_all
from .render import LANGS, Renderer

GENERATED_DIRS = ("zh", "en")


@dataclass
class Paths:
    root: Path

    @property
    def data(self): return self.root / "data"
    @property
    def sources(self): return self.data / "sources"
    @property
    def i18n(self): return self.data / "i18n"
    @property
    def tables(self): return self.data / "tables"
    @property
    def templates(self): return self.root / "templates"
    @property
    def docs(self): return self.root / "docs"
    @property
    def site(self): return self.root / "site"
    @property
    def build(self): return self.root / "build"


@dataclass
class Result:
    docs: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    skipped: bool = False
    tables: dict = field(default_factory=dict)
    findings: list = field(default_factory=list)


def _log(quiet, *a):
    if not quiet:
        print(*a, file=sys.stderr)


def input_hash(paths: Paths) -> str:
    """Content hash of everything generation depends on (sources, corrections, templates, PO,
    CSV, schema, glossary, package code and version)."""
    h = hashlib.sha256(__version__.encode())
    roots = [paths.data, paths.templates, paths.root / "bireport", paths.root / "mkdocs.yml"]
    for r in roots:
        files = [r] if r.is_file() else sorted(p for p in r.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                                               and p.suffix not in (".pyc",) and "incoming" not in p.parts)
        for f in files:
            h.update(str(f.relative_to(paths.root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


# ---------------------------------------------------------------- stages

def stage_ingest(paths: Paths):
    metas = load_manifest(paths.sources)
    return ingest_all(metas, paths.data)


def stage_tables(paths: Paths, docs, cat):
    """Tables → tidy CSV + schema (validated) and charts. Returns (tables by id, renderer, findings)."""
    try:
        from . import tables as tables_mod
    except ImportError:  # pragma: no cover - tables stage not installed
        tables_mod = None
    try:
        from . import charts as charts_mod
    except ImportError:  # pragma: no cover
        charts_mod = None
    needed = ("extract", "validate", "table_markdown", "data_page_markdown")
    if tables_mod is None or charts_mod is None or not all(hasattr(tables_mod, n) for n in needed) \
            or not hasattr(charts_mod, "build_charts"):
        return {}, _plain_table_renderer, [], {}

    found = {}
    problems = []
    findings = []
    for d in docs:
        for b in d.blocks():
            if b.kind == "table":
                try:
                    t = tables_mod.extract(d.meta, b)
                except BuildError as exc:
                    problems.extend(exc.problems)
                    continue
                if t.id in found:
                    problems.append(Problem(str(d.meta.path), b.line, f"duplicate table id {t.id}", "renumber the table"))
                found[t.id] = t
    if problems:
        raise BuildError(problems)
    for t in found.values():
        findings.extend(tables_mod.validate(t))
    errors = [f for f in findings if getattr(f, "severity", "error") == "error"]
    if errors:
        raise BuildError([Problem(getattr(f, "path", ""), getattr(f, "line", None), getattr(f, "message", str(f)),
                                  getattr(f, "fix", "")) for f in errors])

    def tr(ctx, zh):
        return cat.get(ctx, zh)

    charts_out = paths.build / "charts"
    charts_out.mkdir(parents=True, exist_ok=True)
    chart_info = charts_mod.build_charts(list(found.values()), charts_out, tr)

    def renderer(block, lang, rel):
        t = found.get(block.attrs["table_id"])
        if t is None:
            return _plain_table_renderer(block, lang, rel)
        md = tables_mod.table_markdown(t, lang, tr, rel)
        if t.id in chart_info:
            md += "\n\n" + charts_mod.chart_markdown(t.id, lang, chart_info[t.id][lang], rel)
        return md

    return found, renderer, findings, chart_info


def _plain_table_renderer(block, lang, rel):
    """Fallback: the raw rows as an HTML table (used only if the tables stage is absent)."""
    import html as h

    rows = block.attrs["rows"]
    out = [f'<table class="raw-table"><caption>表{block.attrs["number"]} {h.escape(block.attrs["caption"])}</caption>']
    for _ln, raw in rows:
        out.append("<tr>" + "".join(f"<td>{h.escape(c)}</td>" for c in raw.split("\t")) + "</tr>")
    out.append("</table>")
    notes = "".join(f'<p class="source-note">{h.escape(n)}</p>' for _l, n in block.attrs.get("notes", []))
    return "\n".join(out) + notes


def stage_render(paths: Paths, docs, cat, table_renderer, glossary, extra_pages=None) -> tuple[dict, dict]:
    """All pages as {relative path: markdown}; nothing is written yet."""
    r = Renderer(paths.templates, cat, table_renderer, glossary)
    files: dict[str, str] = {}
    for lang in LANGS:
        files[f"{lang}/index.md"] = r.home(docs, lang)
        files[f"{lang}/glossary.md"] = r.glossary_page(lang)
        for d in docs:
            for slug, md in r.document_pages(d, lang).items():
                files[f"{lang}/{slug}.md"] = md
    for d in docs:
        for slug, md in r.document_pages(d, "sbs").items():
            files[f"zh/parallel/{slug}.md"] = md
    for path, md in (extra_pages or {}).items():
        files[path] = md
    return files, r.stats


def nav_for(docs, lang: str, cat) -> list:
    from .render import Text, _page_title, pages_for, ui

    t = Text(lang, cat, None, {})
    nav = [{ui("home", lang): "index.md"}]
    for d in docs:
        pages = pages_for(d)
        title = _page_title(pages[0], t, lang)
        if len(pages) == 1:
            nav.append({title: f"{pages[0].slug}.md"})
        else:
            nav.append({title: [f"{p.slug}.md" if p is pages[0] else {_page_title(p, t, lang): f"{p.slug}.md"} for p in pages]})
    nav.append({ui("data", lang): "data.md"})
    nav.append({ui("glossary", lang): "glossary.md"})
    if lang == "zh":
        sbs = []
        for d in docs:
            pages = pages_for(d)
            sbs.append({_page_title(pages[0], t, lang): [f"parallel/{p.slug}.md" for p in pages]})
        nav.append({ui("parallel", lang): sbs})
    return nav


def write_nav(paths: Paths, docs, cat) -> None:
    """Rewrite the generated nav blocks in mkdocs.yml (only when they changed)."""
    cfg = paths.root / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    for lang in LANGS:
        start = f"# nav {lang} (generated)"
        end = f"# end nav {lang}"
        a = text.index(start)
        b = text.index(end)
        indent = text[text.rfind("\n", 0, a) + 1:a]
        block = yaml.safe_dump({"nav": nav_for(docs, lang, cat)}, allow_unicode=True, sort_keys=False, width=1000)
        block = "\n".join(indent + ln for ln in block.rstrip().split("\n"))
        text = text[:a] + start + "\n" + block + "\n" + indent + text[b:]
    if text != cfg.read_text(encoding="utf-8"):
        tmp = cfg.with_suffix(".yml.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, cfg)


def swap_in(staging: Path, target: Path) -> None:
    """Replace `target` by `staging` with renames (never a half-written target)."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)


def write_tree(files: dict[str, str], paths: Paths, binary: dict[str, Path] | None = None) -> None:
    """Write generated pages to build/stage, then swap each generated dir into docs/."""
    stage = paths.build / "stage"
    if stage.exists():
        shutil.rmtree(stage)
    for rel_path, content in sorted(files.items()):
        p = stage / rel_path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content, encoding="utf-8")
    for rel_path, src in sorted((binary or {}).items()):
        p = stage / rel_path
        p.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, p)
    # swap whole generated units; hand-written docs/assets (css, vendored js) are never touched
    units = set()
    for k in list(files) + list(binary or {}):
        parts = Path(k).parts
        units.add("/".join(parts[:2]) if parts[0] in ("assets", "data") else parts[0])
    for unit in sorted(units):
        (paths.docs / unit).parent.mkdir(parents=True, exist_ok=True)
        swap_in(stage / unit, paths.docs / unit)


def generate(root: Path, quiet: bool = False, force: bool = False) -> Result:
    paths = Paths(Path(root))
    res = Result()
    stamp = paths.build / "generate.hash"
    digest = input_hash(paths)
    if not force and stamp.exists() and stamp.read_text() == digest and (paths.docs / "zh" / "index.md").exists():
        res.skipped = True
        return res
    t0 = time.perf_counter()
    docs = stage_ingest(paths)
    res.timings["ingest"] = time.perf_counter() - t0
    glossary = load_glossary(paths.data / "glossary.yaml")
    cat = Catalog(paths.i18n)
    t0 = time.perf_counter()
    tables_by_id, renderer, res.findings, _charts = stage_tables(paths, docs, cat)
    res.timings["tables+charts"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    extra, binary = {}, {}
    if tables_by_id:
        from . import tables as tables_mod

        def tr(ctx, zh):
            return cat.get(ctx, zh)

        for lang in LANGS:
            extra[f"{lang}/data.md"] = _data_page(paths, tables_mod, list(tables_by_id.values()), lang, tr)
        for f in sorted(paths.tables.glob("*")):
            if f.is_file():
                binary[f"data/tables/{f.name}"] = f
        for f in sorted((paths.build / "charts").glob("*.vl.json")) + sorted((paths.build / "charts").glob("*.svg")):
            binary[f"assets/charts/{f.name}"] = f
    else:
        for lang in LANGS:
            extra[f"{lang}/data.md"] = f"---\ntitle: {'数据' if lang == 'zh' else 'Data'}\n---\n\n# {'数据' if lang == 'zh' else 'Data'}\n"
    files, stats = stage_render(paths, docs, cat, renderer, glossary, extra)
    res.timings["render"] = time.perf_counter() - t0
    write_nav(paths, docs, cat)
    from .search import write_jieba_dict

    write_jieba_dict(paths.root, glossary)
    write_tree(files, paths, binary)
    paths.build.mkdir(exist_ok=True)
    stamp.write_text(digest)
    res.docs, res.stats, res.tables = docs, stats, tables_by_id
    _log(quiet, f"generated {len(files)} pages from {len(docs)} documents")
    return res


def _data_page(paths, tables_mod, tables, lang, tr):
    from .render import alternates, rel, view_url

    url = view_url(lang, "data")
    fm = (f"---\ntitle: {'数据' if lang == 'zh' else 'Data'}\nalternates:\n  zh: {rel(url, 'data/')}\n"
          f"  en: {rel(url, 'en/data/')}\n  sbs: {rel(url, 'data/')}\nview: {lang}\n---\n\n")
    import re

    md = tables_mod.data_page_markdown(tables, lang, tr, "@ROOT@")
    # assets outside the language folder are not part of the en build: link them as plain URLs
    md = re.sub(r"\[([^\]]+)\]\(@ROOT@([^)]+)\)", lambda m: f'<a href="{rel(url, "")}{m.group(2)}">{m.group(1)}</a>', md)
    return fm + md.replace("@ROOT@", rel(url, ""))


def run_mkdocs(paths: Paths, strict: bool = True) -> None:
    """mkdocs build into a staging dir, then swap into site/ (the last good site survives a failure)."""
    stage = paths.build / "site-stage"
    if stage.exists():
        shutil.rmtree(stage)
    env = {**os.environ, "BIREPORT_SKIP_GENERATE": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--clean", "-d", str(stage)]
    if strict:
        cmd.append("--strict")
    proc = subprocess.run(cmd, cwd=paths.root, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(Problem("mkdocs.yml", None, "mkdocs build failed:\n" + proc.stderr[-4000:],
                                 "fix the reported page or config; the previous site/ is unchanged"))
    swap_in(stage, paths.site)
