"""The command line behind build.py. Errors print as `file:line: error: … --> fix` and exit 1."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .atomic import write_atomic
from .errors import BuildError, Problem

console = Console(stderr=True, soft_wrap=True)   # never wrap a file path or an error line


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="Bilingual report site generator")
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="generate pages, build the site and the PDFs")
    b.add_argument("--strict", action="store_true", help="fail on any untranslated or fuzzy segment")
    b.add_argument("--no-pdf", action="store_true", help="skip PDF export")
    g = sub.add_parser("generate", help="generate pages into docs/ only")
    g.add_argument("--force", action="store_true")
    sub.add_parser("serve", help="live preview with mkdocs serve")
    sub.add_parser("check", help="repair report, table validation and translation QA")
    sub.add_parser("status", help="translation coverage per document")
    tb = sub.add_parser("tables", help="the tables' data: status against the sources, or re-extract")
    tb.add_argument("--update", nargs="*", metavar="ID",
                    help="rewrite data/tables/<id>.csv from the source (all tables when no id is given)")
    sub.add_parser("pdf", help="export PDFs")
    a = sub.add_parser("add", help="add a raw document: copy it into data/sources/, detect what it is, "
                                   "write its manifest entry and show its repair report")
    a.add_argument("path", help="the raw file (HTML page or fragment, Markdown, plain text, page text)")
    a.add_argument("--id", help="document id (default: from the file name)")
    a.add_argument("--format", help="markdown | ocr | plaintext | html (default: detected)")
    a.add_argument("--script", help="Hans | Hant | Hant-TW | Hant-HK (default: detected)")
    a.add_argument("--paging", help="sections | single (default: by length and format)")
    a.add_argument("--title", help="Chinese title, when none can be found")
    a.add_argument("--date", help="publication date YYYY[-MM[-DD]], when none can be found")
    t = sub.add_parser("translate", help="maintain the translation memory")
    t.add_argument("--update", action="store_true", help="add new segments, mark changed ones fuzzy, obsolete removed")
    t.add_argument("--import", dest="import_file", help="merge a JSON list of {ctx, msgid, msgstr}")
    t.add_argument("--engine", help="OpenAI-compatible chat-completions base URL for machine translation")
    t.add_argument("--model", default="default")
    t.add_argument("--batch", type=int, default=8)
    return p


def main(argv, root: Path) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.cmd](args, root)
    except BuildError as exc:
        return _print_problems(exc)
    except Exception as exc:  # noqa: BLE001 - never a traceback on the user's terminal
        from .errors import unexpected

        return _print_problems(unexpected(exc, args.cmd, "", "build.py " + " ".join(argv),
                                          Path(root) / "build" / "log", line=0))


def _print_problems(exc: BuildError) -> int:
    from rich.markup import escape

    for p in exc.problems:
        console.print(f"[bold red]{escape(p.path)}{':' + str(p.line) if p.line else ''}: {p.severity}:[/] {escape(p.message)}",
                      highlight=False, markup=True)
        if p.fix:
            console.print(f"  --> {p.fix}", highlight=False, markup=False)
    console.print(f"[red]{len(exc.problems)} problem(s); nothing was overwritten.[/]")
    return 1


def cmd_generate(args, root):
    from .pipeline import generate

    res = generate(root, force=getattr(args, "force", False))
    console.print("up to date" if res.skipped else f"generated ({', '.join(f'{k} {v:.2f}s' for k, v in res.timings.items())})")
    return 0


def cmd_build(args, root):
    from . import chartsvg

    # the chart worker is forked before the heavy imports below: it loads Altair, V8 and the
    # fonts on the idle core while this process imports and reads the inputs
    workers = chartsvg.Workers.start(most=1)
    from .pipeline import build

    build(root, pdf=not args.no_pdf, strict=args.strict, console=console, workers=workers)
    console.print("site built in site/")
    return 0


def cmd_serve(args, root):
    from .pipeline import generate

    generate(root)
    return subprocess.call([sys.executable, "-m", "mkdocs", "serve"], cwd=root)


def cmd_check(args, root):
    from . import qa, tables as tables_mod
    from .pipeline import Paths, stage_ingest

    paths = Paths(root)
    docs = stage_ingest(paths)
    for d in docs:
        print_repair_report(d)
    table_errors = 0
    console.rule("tables")
    states = tables_mod.table_states(tables_mod.extract_docs(docs), paths.tables)
    for state in states:
        for f in state.problems or tables_mod.table_findings(state.shown):
            console.print(f"  {f}", highlight=False, markup=False)
            table_errors += f.severity == "error"
    report = qa.run(root, docs=docs, tables={s.shown.id: s.shown for s in states})
    qa.print_findings(report, console)
    return 1 if report.errors() or table_errors else 0


def print_repair_report(d) -> None:
    """One document's repair report (joined, moved, corrected, dropped, missing …)."""
    r = d.report
    console.rule(f"{d.id}  ({d.meta.file})")
    for key in ("joined", "moved", "corrected", "normalised", "warnings"):
        for item in getattr(r, key):
            console.print(f"  {key:10} {item}", highlight=False, markup=False)
    by_rule: dict[str, list] = {}
    for item in r.dropped:
        by_rule.setdefault(item["rule"], []).append(item)
    for rule, items in by_rule.items():
        shown = items if len(items) <= 12 else items[:6]
        for item in shown:
            text = item.get("summary") or item["text"]
            text = text if len(text) <= 100 else text[:99] + "…"
            console.print(f"  {'dropped':10} line {item['line']}: {item['rule']}: {text!r} ({item['reason']})",
                          highlight=False, markup=False)
        if len(items) > len(shown):
            chars = sum(len(i["text"]) for i in items)
            console.print(f"  {'dropped':10} … and {len(items) - len(shown)} more {rule} blocks "
                          f"({len(items)} in all, {chars} characters; {items[0]['reason']})",
                          highlight=False, markup=False)
    for item in r.missing:
        console.print(f"  {'missing':10} {item}", highlight=False, markup=False)


def cmd_add(args, root):
    from .add import add
    from .document import ingest
    from .manifest import load_manifest
    from .pipeline import Paths

    res = add(root, Path(args.path), doc_id=args.id, fmt=args.format, script=args.script,
              paging=args.paging, title=args.title, date=args.date)
    e, d = res.entry, res.detected
    table = Table(title=f"added {args.path} as {e['id']} (data/sources/{e['file']})")
    for col in ("field", "value", "how it was found"):
        table.add_column(col)
    rows = [("format", e["format"], "format"), ("encoding", d.encoding, "encoding"),
            ("script", e["script"], "script"), ("title", e["title"]["zh"], "title"),
            ("date", e["date"], "date"), ("publisher", e["publisher"]["zh"], "publisher"),
            ("author", d.author or "—", "author"), ("url", e["url"] or "—", "url"),
            ("paging", e["paging"], "paging"), ("sha256", e["sha256"][:16] + "…", "")]
    for name, value, key in rows:
        table.add_row(name, str(value), d.notes.get(key, "—" if key else "pins the raw file"))
    Console(width=max(120, Console().width)).print(table)
    console.print("Check:", highlight=False)
    for c in ["every value above against the document (flags override detection: "
              "--format, --script, --paging, --id, --title, --date)"] + d.checks:
        console.print(f"  - {c}", highlight=False, markup=False)
    paths = Paths(root)
    meta = next(m for m in load_manifest(paths.sources) if m.id == e["id"])
    try:
        doc = ingest(meta, paths.data)
    except BuildError as exc:
        console.print(f"[yellow]{e['id']} was added, but it does not build yet:[/]")
        raise exc
    print_repair_report(doc)
    console.print(f"next: build.py check, fix what rules cannot know in data/corrections/{e['id']}.yaml, "
                  "then build.py translate --update and build.py build", highlight=False, markup=False)
    return 0


def cmd_tables(args, root):
    from . import tables as tables_mod
    from .pipeline import Paths, stage_ingest

    paths = Paths(root)
    extracted = tables_mod.extract_docs(stage_ingest(paths))
    if args.update is not None:
        known = sorted(t.id for t in extracted)
        unknown = sorted(set(args.update) - set(known))
        if unknown:
            raise BuildError(Problem("data/tables", None, f"no table {', '.join(unknown)}",
                                     f"known tables: {', '.join(known)}"))
        chosen = [t for t in extracted if not args.update or t.id in args.update]
        files = tables_mod.generated_files(chosen, paths.tables, update=True)
        for name, text in sorted(files.items()):
            if name == "datapackage.json" and len(chosen) != len(extracted):
                continue                     # the package describes every table: rebuilt by the build
            write_atomic(paths.tables / name, text)
            console.print(f"wrote data/tables/{name}")
        if not files:
            console.print("data/tables is up to date")
        return 0
    table = Table(title="Tables (data/tables/<id>.csv against the source)")
    for col in ("table", "rows", "source", "status"):
        table.add_column(col)
    for state in tables_mod.table_states(extracted, paths.tables):
        t = state.extracted
        if state.problems:
            status = f"[red]{len(state.problems)} error(s)[/]: run `build.py check`"
        elif not state.has_csv:
            status = "no CSV yet (the build writes it)"
        elif state.differences:
            status = f"[yellow]{len(state.differences)} value(s) differ from the source[/]"
        else:
            status = "same as the source"
        table.add_row(t.id, str(len(t.data)), f"{t.schema.source_file}:{t.schema.caption_line}", status)
    Console(width=max(120, Console().width)).print(table)
    return 0


def cmd_status(args, root):
    from . import qa

    rows = qa.coverage(root)
    table = Table(title="Translation coverage (en)")
    for col in ("document", "segments", "translated", "fuzzy", "untranslated", "%"):
        table.add_column(col, justify="right" if col != "document" else "left")
    for r in rows:
        table.add_row(r["doc"], str(r["total"]), str(r["translated"]), str(r["fuzzy"]), str(r["untranslated"]),
                      f"{r['percent']:.1f}")
    Console().print(table)
    return 0


def cmd_translate(args, root):
    from . import i18n
    from .pipeline import Paths, stage_ingest

    paths = Paths(root)
    if args.update:
        docs = stage_ingest(paths)
        from .qa import extra_segments

        for d in docs:
            stats = i18n.update(i18n.segments(d, extra_segments(paths, d)), i18n.po_path(paths.i18n, d.id), d.id)
            console.print(f"{d.id}: {stats}")
        stats = i18n.update_ui(paths.i18n)
        console.print(f"ui: {stats}")
    if args.import_file:
        n = i18n.import_json(paths.i18n, Path(args.import_file))
        console.print(f"imported {n} translations from {args.import_file}")
    if args.engine:
        from .mt import translate_untranslated

        n = translate_untranslated(paths, args.engine, model=args.model, batch=args.batch)
        console.print(f"machine-translated {n} segments (marked fuzzy + machine: review before publishing)")
    return 0


def cmd_pdf(args, root):
    from . import pdf
    from .pipeline import Paths, gather

    pdf.build_pdfs(root, ctx=gather(Paths(root)))
    return 0


COMMANDS = {"generate": cmd_generate, "build": cmd_build, "serve": cmd_serve, "check": cmd_check,
            "status": cmd_status, "translate": cmd_translate, "pdf": cmd_pdf, "tables": cmd_tables,
            "add": cmd_add}
