"""The build, as a short list of named stages: gather and validate everything, then write.

    gather():   manifest → ingest (adapters + repairs) → tables (extracted once, reconciled with
                the committed CSVs, validated) → translation memory + glossary   = a `Context`
    generate(): gather → charts → pages (rendered in memory) → docs/ (each file atomically)
    build():    generate → translation QA → PDFs → mkdocs build into a staging folder → site/

`build()` is the one build sequence: `build.py build`, `mkdocs serve` (through the hook, which
calls `generate`) and the tests all use it or its stages.
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

from . import __version__, editorial, fidelity
from .atomic import write_atomic
from .errors import BuildError, Problem, unexpected
from .glossary import load_glossary
from .i18n import Catalog
from .manifest import load_manifest
from .document import ingest_all
from .render import LANGS, Renderer
from .search import write_jieba_dict


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
class Context:
    """Everything gathered and validated once per build; every writer reads from it."""

    paths: Paths
    docs: list
    """The ingested documents (ingested once per build)."""
    glossary: list
    cat: Catalog
    """The translation memory."""
    states: list
    """tables.TableState per table: extraction reconciled with the committed CSV."""
    tables: dict
    """Table id -> the Table the site shows (the committed, reviewed data)."""
    findings: list
    """Table validation findings (warnings; errors stop `gather`)."""
    table_files: dict
    """data/tables files the build (re)writes: {name: text}."""

    def tr(self, ctx: str, zh: str):
        return self.cat.get(ctx, zh)


def gather(paths: Paths) -> Context:
    """Read and validate every input once: documents, tables, translation memory, glossary.
    Raises BuildError with every problem collected; nothing is written."""
    from . import tables as tables_mod

    docs = stage_ingest(paths)
    glossary = load_glossary(paths.data / "glossary.yaml")
    cat = Catalog(paths.i18n)
    try:
        extracted = tables_mod.extract_docs(docs)
    except BuildError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug met by some document's table: readable error + log
        raise unexpected(exc, "tables", None, None, paths.build / "log") from exc
    table_files = tables_mod.generated_files(extracted, paths.tables)
    # pages, charts, downloads and PDFs show the committed CSV (the reviewed data), checked
    # against the extraction
    states = tables_mod.table_states(extracted, paths.tables)
    problems = [p for s in states for p in s.problems]
    if problems:
        raise BuildError(problems)
    shown = {s.shown.id: s.shown for s in states}
    findings = [f for t in shown.values() for f in tables_mod.table_findings(t)]
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise BuildError([f.to_problem() for f in errors])
    return Context(paths, docs, glossary, cat, states, shown, findings, table_files)


@dataclass
class Result:
    context: Context | None = None
    docs: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    skipped: bool = False
    svg_jobs: object | None = None
    """Chart specs and SVGs started but not yet written (generate(defer_svg=True)): `.finish()`."""
    tables: dict = field(default_factory=dict)
    findings: list = field(default_factory=list)


def _log(quiet, *a):
    if not quiet:
        print(*a, file=sys.stderr)


def input_hash(paths: Paths) -> str:
    """Content hash of everything generation depends on (sources, corrections, templates, PO,
    CSV, schema, glossary, package code and version)."""
    return _hash_paths(paths, [paths.data, paths.templates, paths.root / "bireport", paths.root / "mkdocs.yml"])


# ---------------------------------------------------------------- stages

def stage_ingest(paths: Paths):
    metas = load_manifest(paths.sources)
    return ingest_all(metas, paths.data)


def stage_charts(ctx: Context, changed: set[str], pending: list | None = None):
    """Charts (Vega-Lite JSON + SVG per language, content-hash cached) for the tables of changed
    documents, and the table renderer the pages use. With `pending`, stale charts are left as jobs
    for `charts.start_jobs` (the build starts them at once and writes them while MkDocs runs)."""
    from . import charts as charts_mod, tables as tables_mod

    charts_out = ctx.paths.build / "charts"
    charts_out.mkdir(parents=True, exist_ok=True)
    todo = [t for t in ctx.tables.values() if t.schema.doc in changed]
    try:
        chart_info = charts_mod.build_charts(todo, charts_out, ctx.tr, pending=pending,
                                             subset=ctx.cat.subset) if todo else {}
    except BuildError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug met by some table: readable error + log
        raise unexpected(exc, "charts", None, None, ctx.paths.build / "log") from exc

    def renderer(block, lang, rel):
        t = ctx.tables[block.attrs["table_id"]]
        md = tables_mod.table_markdown(t, lang, ctx.tr, rel)
        if t.id in chart_info:
            md += "\n\n" + charts_mod.chart_markdown(t.id, lang, chart_info[t.id][lang], rel)
        return md

    return renderer


def stage_render(renderer: Renderer, docs, changed: set[str], cache: "PageCache",
                 log_dir: Path = Path("build/log")) -> dict[str, str]:
    """All pages as {docs-relative path: markdown}; nothing is written yet. Pages of unchanged
    documents come from the cache; the site-wide pages (home, glossary) are always re-rendered."""
    files: dict[str, str] = {}
    for lang in LANGS:
        files[f"{lang}/index.md"] = renderer.home(docs, lang)
        files[f"{lang}/glossary.md"] = renderer.glossary_page(lang)
    files["zh/parallel/index.md"] = renderer.parallel_index(docs)
    for d in docs:
        if d.id not in changed:
            files.update(cache.pages(d.id))
            continue
        pages = {}
        for view in ("zh", "en", "sbs"):
            prefix = "zh/parallel" if view == "sbs" else view
            try:
                rendered = renderer.document_pages(d, view)
            except BuildError:
                raise
            except Exception as exc:  # noqa: BLE001 - a bug met by this document: readable error + log
                raise unexpected(exc, "render", d.id, d.meta.path, log_dir) from exc
            for slug, md in rendered.items():
                pages[f"{prefix}/{slug}.md"] = md
        cache.store(d.id, pages)
        files.update(pages)
    return files


class PageCache:
    """Rendered pages per document, keyed by a content hash of everything the pages depend on
    (source, corrections, PO file, table data, templates, code): a PO edit re-renders one document."""

    def __init__(self, paths: Paths, docs):
        self.dir = paths.build / "cache" / "pages"
        common = _hash_paths(paths, [paths.templates, paths.root / "bireport", paths.data / "filters",
                                     paths.data / "glossary.yaml", paths.i18n / "en" / "ui.po",
                                     paths.tables / "presentation.yaml", paths.root / "overrides"])
        self.keys = {}
        for d in docs:
            files = [d.meta.path, paths.data / "corrections" / f"{d.id}.yaml", paths.i18n / "en" / f"{d.id}.po",
                     *sorted(paths.tables.glob(f"{d.id}-t*"))]
            meta = json.dumps(d.meta.to_dict(), sort_keys=True, ensure_ascii=False)
            self.keys[d.id] = hashlib.sha256((common + meta + _hash_paths(paths, files)).encode()).hexdigest()

    def _file(self, doc_id):
        return self.dir / f"{doc_id}.json"

    def changed(self) -> set[str]:
        out = set()
        for doc_id, key in self.keys.items():
            f = self._file(doc_id)
            if not f.exists() or json.loads(f.read_text(encoding="utf-8")).get("key") != key:
                out.add(doc_id)
        return out

    def pages(self, doc_id) -> dict[str, str]:
        return json.loads(self._file(doc_id).read_text(encoding="utf-8"))["pages"]

    def store(self, doc_id, pages) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self._pending = getattr(self, "_pending", {})
        self._pending[doc_id] = {"key": self.keys[doc_id], "pages": pages}

    def commit(self) -> None:
        """Called only after the pages are written: a failed build never poisons the cache."""
        for doc_id, data in getattr(self, "_pending", {}).items():
            write_atomic(self._file(doc_id), json.dumps(data, ensure_ascii=False, sort_keys=True))


def _hash_paths(paths: Paths, items) -> str:
    h = hashlib.sha256(__version__.encode())
    for r in items:
        r = Path(r)
        if not r.exists():
            h.update(b"-missing-" + str(r).encode())
            continue
        files = [r] if r.is_file() else sorted(p for p in r.rglob("*") if p.is_file() and p.suffix != ".pyc"
                                               and not {"__pycache__", "incoming"} & set(p.relative_to(r).parts))
        for f in files:
            h.update(str(f.relative_to(paths.root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


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
        nav.append({ui("parallel", lang): ["parallel/index.md", *sbs]})
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
        write_atomic(cfg, text)


def swap_in(staging: Path, target: Path) -> None:
    """Replace `target` by `staging` with renames (never a half-written target); the new tree is
    made world-readable first (0644/0755, whatever the umask)."""
    from .atomic import publish_tree

    publish_tree(staging)
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)


GENERATED_UNITS = ("zh", "en", "data/tables", "assets/charts", "downloads")


def write_tree(files: dict[str, str], paths: Paths, binary: dict[str, Path], blobs: dict[str, bytes] | None = None,
               keep: tuple[str, ...] = ()) -> int:
    """Bring the generated parts of docs/ in line with `files` + `binary`: each changed file is
    replaced atomically, unchanged files keep their mtime (so `mkdocs serve --dirty` rebuilds only
    what changed), stale files are removed. Hand-written docs/ content is never touched.
    Everything was rendered in memory first, so a failing build writes nothing."""
    wanted: dict[str, bytes] = {k: v.encode("utf-8") for k, v in files.items()}
    wanted.update({k: Path(v).read_bytes() for k, v in binary.items()})
    wanted.update(blobs or {})
    written = 0
    for rel_path, data in sorted(wanted.items()):
        target = paths.docs / rel_path
        if target.exists() and target.read_bytes() == data:
            continue
        write_atomic(target, data)
        written += 1
    for unit in (u for u in GENERATED_UNITS if u not in keep):
        for f in sorted((paths.docs / unit).rglob("*")) if (paths.docs / unit).exists() else []:
            if f.is_file() and f.relative_to(paths.docs).as_posix() not in wanted:
                f.unlink()
    return written


def generate(root: Path, quiet: bool = False, force: bool = False, defer_svg: bool = False,
             svg_workers=None) -> Result:
    """Gather and validate everything, then write. Skips entirely when no input changed;
    otherwise re-renders only the documents whose inputs changed. With `defer_svg`, stale chart
    charts are started in worker processes (they work while the pages are rendered and MkDocs runs)
    and left in `Result.svg_jobs` for the caller (`build`), which writes them and stamps the inputs."""
    paths = Paths(Path(root))
    res = Result()
    stamp = paths.build / "generate.hash"
    digest = input_hash(paths)
    if not force and stamp.exists() and stamp.read_text() == digest and (paths.docs / "zh" / "index.md").exists():
        res.skipped = True
        return res
    t = time.perf_counter()
    ctx = gather(paths)
    docs, glossary, cat, tables_by_id, table_files = ctx.docs, ctx.glossary, ctx.cat, ctx.tables, ctx.table_files
    res.context, res.findings = ctx, ctx.findings
    cache = PageCache(paths, docs)
    changed = {d.id for d in docs} if force else cache.changed()
    res.timings["gather"], t = time.perf_counter() - t, time.perf_counter()
    pending = [] if defer_svg else None
    table_renderer = stage_charts(ctx, changed, pending)
    if pending:
        from .charts import start_jobs

        res.svg_jobs = start_jobs(pending, paths.build / "charts", svg_workers)
    try:                                  # (the chart workers are stopped if anything fails)
        for f in res.findings:
            _log(quiet, f)
        res.timings["charts"], t = time.perf_counter() - t, time.perf_counter()
        renderer = Renderer(paths.templates, cat, table_renderer, glossary)
        files = stage_render(renderer, docs, changed, cache, paths.build / "log")
        files.update(_data_pages(renderer, tables_by_id, cat, docs))
        files.update(editorial.pages(renderer, docs, tables_by_id, cat.get))   # the editor's report per document
        binary = {f"data/tables/{f.name}": f for f in sorted(paths.tables.glob("*")) if f.is_file()}
        binary.update({f"assets/charts/{f.name}": f for f in sorted((paths.build / "charts").glob("*"))
                       if f.suffix in (".json", ".svg") and not f.name.startswith(".")})
        res.timings["render"], t = time.perf_counter() - t, time.perf_counter()
        fidelity.check(docs, files)           # nothing lost: every source sentence is on a Chinese page
        res.timings["fidelity"], t = time.perf_counter() - t, time.perf_counter()
        write_nav(paths, docs, cat)
        write_jieba_dict(paths.root, glossary)
        for name, text in sorted(table_files.items()):
            write_atomic(paths.tables / name, text)
            _log(quiet, f"wrote data/tables/{name}")
        binary.update({f"data/tables/{name}": paths.tables / name for name in table_files})
        from .tables import download_files

        # deferred (build): the downloads are written while MkDocs runs, like the chart SVGs
        blobs = {} if defer_svg else download_files(list(tables_by_id.values()), paths.tables, ctx.tr)
        written = write_tree(files, paths, binary, blobs, keep=("downloads",) if defer_svg else ())
        cache.commit()
        if not defer_svg:
            stamp.write_text(input_hash(paths))   # after writing: generation itself may update mkdocs.yml (nav)
        res.timings["write"] = time.perf_counter() - t
    except BaseException:
        if res.svg_jobs is not None:
            res.svg_jobs.abort()
        raise
    res.docs, res.stats, res.tables = docs, renderer.stats, tables_by_id
    res.stats["changed_documents"] = sorted(changed)
    res.stats["files_written"] = written
    _log(quiet, f"generated {len(files)} pages from {len(docs)} documents "
               f"({len(changed)} re-rendered, {written} files written)")
    return res


def _data_pages(renderer, tables_by_id, cat, docs) -> dict[str, str]:
    """The 数据 / Data page per language. Downloads and the data package live outside the
    language folders (not part of the English build), so they are linked as relative URLs."""
    from . import tables as tables_mod
    from .render import mark_zh_outside_tags, rel, view_url

    out = {}
    for lang in LANGS:
        url = view_url(lang, "data")
        md = tables_mod.data_page_markdown(list(tables_by_id.values()), lang, cat.get, rel(url, ""), docs)
        out[f"{lang}/data.md"] = renderer.simple_page(lang, "data", "数据" if lang == "zh" else "Data",
                                                       mark_zh_outside_tags(md) if lang == "en" else md)
    return out


def build(root: Path, pdf: bool = True, strict: bool = False, quiet: bool = False, console=None,
          force: bool = False, workers=None) -> Result:
    """The one build sequence: gather and validate everything, then write pages, charts, search,
    PDFs and the site. MkDocs builds the site in a subprocess while this process runs the
    translation QA and writes the downloads, and a chart worker makes the stale chart specs and
    SVGs; then the PDFs. Those files are added to the staged site, which replaces site/ (a
    failure leaves the last good site/ in place).

    `workers` (chartsvg.Workers): started by the caller before its heavy imports (build.py does),
    else here; one worker, since MkDocs takes the other core once the pages are written."""
    from . import chartsvg, qa

    paths = Paths(Path(root))
    t = time.perf_counter()
    if workers is None:
        workers = chartsvg.Workers.start(most=1)
    try:
        res = generate(paths.root, quiet=quiet, force=force, defer_svg=True, svg_workers=workers)
    except BaseException:
        if workers is not None:
            workers.close()
        raise
    if res.svg_jobs is None and workers is not None:
        workers.close()                          # no stale chart
    ctx = res.context or gather(paths)          # generation skipped: inputs unchanged
    res.context, res.docs = ctx, ctx.docs
    res.timings["generate"], t = time.perf_counter() - t, time.perf_counter()
    late: dict[str, Path] = {}                   # site path -> file, added after MkDocs
    mkdocs = start_mkdocs(paths)
    try:
        report = qa.run(paths.root, docs=ctx.docs, tables=ctx.tables)
        res.stats["qa"] = report
        if console is not None:
            qa.print_summary(report, console)
        if strict and report.blocking():
            raise BuildError(report.blocking_problems())
        res.timings["qa"], t = time.perf_counter() - t, time.perf_counter()
        if not res.skipped:
            late.update(write_downloads(ctx))    # while the chart worker works
        res.timings["downloads"], t = time.perf_counter() - t, time.perf_counter()
        for f in res.svg_jobs.finish() if res.svg_jobs is not None else []:
            target = paths.docs / "assets" / "charts" / f.name
            write_atomic(target, f.read_bytes())
            late[f"assets/charts/{f.name}"] = target
        if workers is not None:
            workers.close()
        if not res.skipped:
            (paths.build / "generate.hash").write_text(input_hash(paths))   # every generated file is written
        res.timings["charts (wait)"], t = time.perf_counter() - t, time.perf_counter()
        if pdf:
            from . import pdf as pdf_mod

            for out in pdf_mod.build_pdfs(paths.root, ctx=ctx, quiet=quiet).values():   # into docs/pdf/
                late[f"pdf/{out.name}"] = out
        res.timings["pdf"], t = time.perf_counter() - t, time.perf_counter()
    except BaseException:
        mkdocs.kill()
        mkdocs.wait()
        if res.svg_jobs is not None:
            res.svg_jobs.abort()
        if workers is not None:
            workers.close()
        raise
    finish_mkdocs(mkdocs, paths, late)
    res.timings["mkdocs (wait)"] = time.perf_counter() - t
    return res


def source_date_epoch(paths: Paths) -> str:
    """Deterministic build date: $SOURCE_DATE_EPOCH, else the newest document date in the manifest."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    import datetime as dt

    dates = []
    for m in load_manifest(paths.sources):
        parts = (m.date.split("-") + ["1", "1"])[:3]
        dates.append(dt.datetime(int(parts[0]), int(parts[1]), int(parts[2]), tzinfo=dt.timezone.utc))
    return str(int(max(dates).timestamp()))


def write_downloads(ctx: Context) -> dict[str, Path]:
    """docs/downloads/: the readers' CSVs, XLSX and data zip (only changed files are rewritten,
    stale ones removed). Returns {site path: file}."""
    from .tables import download_files

    blobs = download_files(list(ctx.tables.values()), ctx.paths.tables, ctx.tr)
    out = {}
    for rel_path, data in sorted(blobs.items()):
        target = ctx.paths.docs / rel_path
        if not target.exists() or target.read_bytes() != data:
            write_atomic(target, data)
        out[rel_path] = target
    folder = ctx.paths.docs / "downloads"
    for f in sorted(folder.rglob("*")) if folder.exists() else []:
        if f.is_file() and f.relative_to(ctx.paths.docs).as_posix() not in blobs:
            f.unlink()
    return out


def start_mkdocs(paths: Paths, strict: bool = True) -> subprocess.Popen:
    """Start `mkdocs build` into build/site-stage (a subprocess; see `finish_mkdocs`)."""
    stage = paths.build / "site-stage"
    if stage.exists():
        shutil.rmtree(stage)
    env = {**os.environ, "BIREPORT_SKIP_GENERATE": "1", "SOURCE_DATE_EPOCH": source_date_epoch(paths)}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--clean", "-d", str(stage)]
    if strict:
        cmd.append("--strict")
    return subprocess.Popen(cmd, cwd=paths.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def finish_mkdocs(proc: subprocess.Popen, paths: Paths, late: dict[str, Path] | None = None) -> None:
    """Wait for MkDocs; add the files written meanwhile (`late`: site path -> file) to the staged
    site, then swap it into site/ (the last good site survives a failure)."""
    _out, err = proc.communicate()
    if proc.returncode != 0:
        raise BuildError(Problem("mkdocs.yml", None, "mkdocs build failed:\n" + err[-4000:],
                                 "fix the reported page or config; the previous site/ is unchanged"))
    stage = paths.build / "site-stage"
    for rel_path, src in sorted((late or {}).items()):
        target = stage / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    swap_in(stage, paths.site)


def run_mkdocs(paths: Paths, strict: bool = True) -> None:
    """mkdocs build into a staging dir, then swap into site/ (the last good site survives a failure)."""
    finish_mkdocs(start_mkdocs(paths, strict), paths)
