"""Stage 3: build the Document tree from the repaired item stream and give every block a stable id.

Ids: ``<doc>/<section>/<kind><n>`` — section slugs come from the printed numbering ("s2-1-1",
"s1-3" for 一/(三)), or a fixed name for unnumbered sections (preface, references, intro, a1 …),
so they survive edits elsewhere in the document.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .yamlpos import error_line
from .errors import BuildError, Problem, unexpected
from .model import Block, Document, Footnote, Note, Reference, Section
from .repairs import Context, load_corrections, load_patterns, repair
from .sources import parse_source

KIND_PREFIX = {"paragraph": "p", "list_item": "li", "table": "table", "figure": "fig", "byline": "byline",
               "dateline": "dateline", "subheadline": "sub", "quote": "q", "reference": "ref", "note": "note"}


def _section_slug(it, parent_slug: str, used: set[str]) -> str:
    a = it.attrs
    if a.get("slug"):
        slug = a["slug"]
    elif a.get("article"):
        slug = f"a{a['article']}"
    elif a.get("cn_sub") and parent_slug:
        slug = f"{parent_slug}-{a['cn_sub']}"
    else:
        slug = "h" + str(sum(1 for u in used if re.fullmatch(r"h\d+", u)) + 1)
    base, n = slug, 2
    while slug in used:
        slug = f"{base}-{n}"
        n += 1
    used.add(slug)
    return slug


def structure(items, ctx: Context) -> Document:
    doc_id = ctx.meta.id
    sections: list[Section] = []
    used: set[str] = set()
    current: Section | None = None
    parents: dict[int, str] = {}
    counters: dict[tuple[str, str], int] = {}
    problems: list[Problem] = []
    seen_numbers: dict[str, int] = {}
    last_arabic: list[int] | None = None
    seen_tables: dict[str, int] = {}
    seen_ids: dict[str, int] = {}

    def new_section(sec_id, number, title, level, line, attrs=None):
        s = Section(sec_id, number, title, level, line, [], dict(attrs or {}))
        sections.append(s)
        return s

    for it in items:
        if it.kind == "heading":
            level = it.attrs.get("level", 1)
            number = it.attrs.get("number", "")
            if number and re.fullmatch(r"\d+(\.\d+)*", number):
                parts = [int(x) for x in number.split(".")]
                if number in seen_numbers:
                    problems.append(Problem(str(ctx.meta.path), it.line,
                                            f"section number {number} appears twice (first at line {seen_numbers[number]})",
                                            "renumber the heading or add a correction"))
                elif last_arabic is not None and parts <= last_arabic[:len(parts)] and parts[:-1] == last_arabic[:len(parts) - 1]:
                    problems.append(Problem(str(ctx.meta.path), it.line,
                                            f"section number {number} is out of order (after {'.'.join(map(str, last_arabic))})",
                                            "check the numbering in the source; fix it with a correction"))
                seen_numbers[number] = it.line
                last_arabic = parts
            parent = parents.get(level - 1, "") if level > 1 else ""
            slug = _section_slug(it, parent, used)
            parents[level] = slug
            current = new_section(slug, number, it.text, level, it.line,
                                  {k: v for k, v in it.attrs.items() if k in ("untitled", "notes", "original", "url")})
            continue
        if it.kind not in KIND_PREFIX:
            problems.append(Problem(str(ctx.meta.path), it.line, f"the {ctx.meta.format} adapter left an item of "
                                    f"kind {it.kind!r} that no rule turned into content ({it.text[:40]!r})",
                                    "a bug in the adapter or the repairs for this format: report it with the "
                                    "file; meanwhile remove the construct at this line with a correction"))
            continue
        if current is None:
            current = new_section("intro", "", "", 1, it.line, {"untitled": True})
            used.add("intro")
        key = (current.id, KIND_PREFIX.get(it.kind, it.kind))
        counters[key] = counters.get(key, 0) + 1
        bid = f"{doc_id}/{current.id}/{key[1]}{counters[key]}"
        attrs = dict(it.attrs)
        if it.kind == "table":
            attrs["table_id"] = f"{doc_id}-t{attrs['number']}"
            bid = f"{doc_id}/{current.id}/table{attrs['number']}"
            if attrs["number"] in seen_tables:
                problems.append(Problem(str(ctx.meta.path), it.line,
                                        f"duplicate table number 表{attrs['number']} (first at line "
                                        f"{seen_tables[attrs['number']]}): table ids must be unique",
                                        "renumber the caption in a correction (data/corrections) "
                                        "or check the source for a typo"))
            seen_tables.setdefault(attrs["number"], it.line)
        if bid in seen_ids:
            problems.append(Problem(str(ctx.meta.path), it.line, f"duplicate block id {bid} "
                                    f"(first at line {seen_ids[bid]})", "check the section numbering and captions"))
        seen_ids.setdefault(bid, it.line)
        current.blocks.append(Block(bid, it.kind, it.text, it.line, attrs))
    # paged by sections: the shallowest section level present is the top level (one page each)
    top = min((s.level for s in sections if s.id != "intro"), default=1)
    if top > 1 and getattr(ctx.meta, "paging", "single") == "sections":
        for s in sections:
            if s.id != "intro":
                s.level -= top - 1
        ctx.report.normalised.append(Note("rep_no_top_level", top=top))
    fn_seen: dict[str, int] = {}
    for fn in ctx.footnotes:
        if fn["key"] in fn_seen:
            problems.append(Problem(str(ctx.meta.path), fn["line"],
                                    f"duplicate footnote {fn['label']} (block id {doc_id}/footnotes/{fn['key']}; "
                                    f"first at line {fn_seen[fn['key']]})",
                                    "each footnote mark must be defined once: renumber it or remove the repeated definition"))
        fn_seen.setdefault(fn["key"], fn["line"])
    if problems:
        raise BuildError(problems)

    doc = Document(meta=ctx.meta, sections=sections, front=ctx.front, toc=ctx.toc, report=ctx.report)
    for fn in ctx.footnotes:
        doc.footnotes.append(Footnote(f"{doc_id}/footnotes/{fn['key']}", fn["label"], fn["key"], fn["text"], fn["line"]))
    for s in sections:
        if s.id == "references":
            for b in s.blocks:
                if b.kind == "reference":
                    doc.references.append(Reference(b.id, b.attrs["number"], b.text, b.line))
    return doc


def _corrections(data_dir: Path, doc_id: str) -> dict:
    """The document's corrections file, with YAML and shape errors reported as BuildError."""
    path = Path(data_dir) / "corrections" / f"{doc_id}.yaml"
    try:
        corr = load_corrections(data_dir, doc_id)
    except yaml.YAMLError as exc:
        raise BuildError(Problem(str(path), error_line(exc), f"invalid YAML: {exc}",
                                 "fix the YAML syntax (quote values that contain `: ` or start with `{`/`[`)")) from exc
    except (AttributeError, TypeError) as exc:  # the top level is not a mapping
        raise BuildError(Problem(str(path), 1, "the corrections file must be a mapping with "
                                 "`corrections:` and/or `headings:` lists",
                                 "see data/corrections/*.yaml for the format")) from exc
    for key in ("corrections", "headings"):
        if not isinstance(corr.get(key) or [], list):
            raise BuildError(Problem(str(path), 1, f"`{key}:` must be a list of `- line: …` entries",
                                     "see data/corrections/*.yaml for the format"))
        corr[key] = corr.get(key) or []
    return corr


def ingest(meta, data_dir: Path, patterns: dict | None = None) -> Document:
    """Parse, repair and structure one source document."""
    patterns = patterns or load_patterns(data_dir)
    ctx = Context(meta, patterns, _corrections(data_dir, meta.id))
    items = _guarded("ingest", meta, data_dir, parse_source, meta)
    items = _guarded("repair", meta, data_dir, repair, items, ctx)
    return _guarded("structure", meta, data_dir, structure, items, ctx)


def _guarded(stage: str, meta, data_dir: Path, fn, *args):
    """Run one stage for one document: a BuildError passes; anything else is a bug met by this
    input and becomes a BuildError naming the document and stage (traceback in build/log/)."""
    try:
        return fn(*args)
    except BuildError:
        raise
    except Exception as exc:  # noqa: BLE001 - the boundary where bugs become readable errors
        raise unexpected(exc, stage, meta.id, meta.path, Path(data_dir).parent / "build" / "log") from exc


def ingest_all(metas, data_dir: Path) -> list[Document]:
    """Ingest every document, collecting every error before failing."""
    patterns = load_patterns(data_dir)
    docs, problems = [], []
    for meta in metas:
        try:
            docs.append(ingest(meta, data_dir, patterns))
        except BuildError as exc:
            problems.extend(p for p in exc.problems if p not in problems)  # shared files: report once
    if problems:
        raise BuildError(problems)
    return docs
