"""Stage 4: the translation memory — one gettext PO file per document under data/i18n/en/.

msgctxt = the block's stable id (or a metadata key), msgid = its Chinese source text.
`update()` behaves like msgmerge: new segments are added untranslated, segments whose source
changed turn fuzzy and keep the previous msgid (`#| msgid`), removed ones turn obsolete. A
translation is never silently reused for a different source text.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib

from .errors import BuildError, Problem
from .model import Document

UI_DOMAIN = "ui"


@dataclass(frozen=True)
class Segment:
    """One translatable string."""

    ctx: str        # msgctxt: stable id
    msgid: str      # Chinese source (inline Markdown)
    comment: str    # shown to translators (#.)
    ref: str        # source file:line (#:)
    default: str = ""  # reviewed English from a schema (table labels), used to seed a new entry


def _seg(ctx, text, comment, meta, line):
    return Segment(ctx, text, comment, f"{meta.file}:{line or 0}")


def segments(doc: Document, extra: list[Segment] | None = None) -> list[Segment]:
    """Every translatable string of a document, in reading order."""
    m, d = doc.meta, doc.id
    out: list[Segment] = [
        _seg(f"{d}/meta/title", m.title["zh"], "document title (manifest)", m, m.line),
        _seg(f"{d}/meta/publisher", m.publisher["zh"], "publisher / author line (manifest)", m, m.line),
    ]
    front = doc.front
    for i, line in enumerate(front.get("lines", []), 1):
        out.append(_seg(f"{d}/front/line{i}", line, "front matter line under the title", m, 0))
    for key in ("abstract", "keywords", "author_bio", "translation_credit"):
        if front.get(key):
            en = front.get(f"{key}_en")
            out.append(_seg(f"{d}/front/{key}", front[key],
                            f"front matter: {key}" + (" (the authors give their own English: use it)" if en else ""), m, 0))
    for i, e in enumerate(doc.toc, 1):
        out.append(_seg(f"{d}/toc/{i}", e["title"], "entry of the source's own table of contents", m, e["line"]))
    for s in doc.sections:
        if s.title:
            out.append(_seg(f"{d}/{s.id}/title", s.title, f"heading {s.number}".strip(), m, s.line))
        for b in s.blocks:
            if b.kind == "table":
                continue  # table strings come from the table schema (tables.strings)
            if b.text:
                out.append(_seg(b.id, b.text, b.kind, m, b.line))
            if b.kind == "figure":
                if b.attrs.get("source"):
                    out.append(_seg(f"{b.id}/source", b.attrs["source"], "figure source line", m, b.line))
                if b.attrs.get("credit"):
                    out.append(_seg(f"{b.id}/credit", b.attrs["credit"], "photo credit", m, b.line))
            for k, note in enumerate(b.attrs.get("notes", []) or [], 1):
                if note:
                    out.append(_seg(f"{b.id}/note{k}", note.split(" / ")[0], "editorial note", m, b.line))
    for fn in doc.footnotes:
        out.append(_seg(fn.id, fn.text, f"footnote {fn.label}", m, fn.line))
    out.extend(extra or [])
    seen: set[str] = set()
    unique = []
    for s in out:
        if s.ctx in seen:
            raise BuildError(Problem(str(m.path), None, f"duplicate block id {s.ctx}",
                                     "two blocks got the same id: check the section numbering"))
        seen.add(s.ctx)
        unique.append(s)
    return unique


def po_path(i18n_dir: Path, doc_id: str, lang: str = "en") -> Path:
    return i18n_dir / lang / f"{doc_id}.po"


_PO_STRING_LINE = re.compile(r'^\s*(#~\s*)?(#\|\s*)?(msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?)?\s*"')


def _lint_po(path: Path) -> None:
    """polib silently accepts an unterminated string (`msgstr "abc`) and drops a character:
    every quoted line must end with an unescaped quote."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BuildError(Problem(str(path), data[: exc.start].count(b"\n") + 1, "PO syntax error: the file is not valid utf-8",
                                 "save the file as UTF-8 (charset=UTF-8 in its header)")) from exc
    for n, line in enumerate(text.split("\n"), 1):
        if _PO_STRING_LINE.match(line):
            body = line.rstrip()
            if not (body.endswith('"') and not re.search(r'(?<!\\)(\\\\)*\\"$', body)) or body.count('"') - body.count('\\"') < 2:
                raise BuildError(Problem(str(path), n, "PO syntax error: unterminated string",
                                         "close the string with a double quote (escape quotes inside as \\\")"))


def load_po(path: Path) -> polib.POFile:
    if Path(path).exists():
        _lint_po(Path(path))
    try:
        return polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as exc:
        line = None
        m = re.search(r"line (\d+)", str(exc))
        if m:
            line = int(m.group(1))
        raise BuildError(Problem(str(path), line, f"PO syntax error: {exc}",
                                 "fix the entry (check quotes and msgctxt/msgid/msgstr order) or restore it with git")) from exc


def save_po(po: polib.POFile, path: Path) -> None:
    """Atomic write: a crash never leaves a half-written PO file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".po.tmp")
    os.close(fd)
    po.save(tmp)
    os.replace(tmp, path)


def new_po(doc_id: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": f"bireport {doc_id}",
        # the translator's PO editor fills in these two; `msgfmt --check` warns until it has
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "English <english@bireport.invalid>",
        "Language": "en",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
        "X-Source-Language": "zh-Hans",
    }
    return po


def update(segs: list[Segment], path: Path, doc_id: str) -> dict:
    """Merge segments into the PO file (msgmerge semantics). Returns counts of what changed."""
    po = load_po(path) if path.exists() else new_po(doc_id)
    by_ctx = {e.msgctxt: e for e in po if not e.obsolete}
    by_msgid: dict[str, polib.POEntry] = {}
    for e in po:
        if e.msgstr and not e.fuzzy and not e.obsolete:
            by_msgid.setdefault(e.msgid, e)
    stats = {"new": 0, "fuzzy": 0, "obsolete": 0, "reused": 0, "unchanged": 0}
    wanted = {s.ctx for s in segs}
    entries: list[polib.POEntry] = []
    for s in segs:
        e = by_ctx.get(s.ctx)
        if e is None:
            e = polib.POEntry(msgctxt=s.ctx, msgid=s.msgid, msgstr="")
            same = by_msgid.get(s.msgid)
            if same is not None:   # identical source text elsewhere: an exact TM match, not stale
                e.msgstr = same.msgstr
                stats["reused"] += 1
            elif s.default:        # reviewed English kept with the data (table schema)
                e.msgstr = s.default
                stats["seeded"] = stats.get("seeded", 0) + 1
            else:
                stats["new"] += 1
        elif e.msgid != s.msgid:
            e.previous_msgid = e.msgid
            e.msgid = s.msgid
            if e.msgstr and "fuzzy" not in e.flags:
                e.flags.append("fuzzy")
            stats["fuzzy"] += 1
        else:
            stats["unchanged"] += 1
        e.comment = s.comment
        e.occurrences = [tuple(s.ref.rsplit(":", 1))]
        entries.append(e)
    for e in po:
        if e.msgctxt not in wanted and not e.obsolete:
            e.obsolete = True
            stats["obsolete"] += 1
        if e.obsolete:
            entries.append(e)
    out = new_po(doc_id)
    out.metadata = po.metadata or out.metadata
    for e in entries:
        out.append(e)
    save_po(out, path)
    return stats


_TN = re.compile(r'^TN(?:\s+after\s+"(?P<anchor>[^"]+)")?:\s*(?P<text>.*)$')


@dataclass(frozen=True)
class TranslatorNote:
    text: str           # plain text (data: escaped wherever it is rendered)
    anchor: str = ""    # the call goes after this phrase of the msgstr; "" = at the end


def translator_notes(e: polib.POEntry) -> list[TranslatorNote]:
    """Translator's notes are translator comments on a PO entry, one note per line starting
    `# TN:` (call at the end of the segment) or `# TN after "phrase":` (call right after that
    phrase of the msgstr); following `# ` lines without `TN` continue the note. Other translator
    comments stay private to the PO file."""
    notes: list[list[str]] = []
    cont = False
    for line in (e.tcomment or "").split("\n"):
        m = _TN.match(line.strip())
        if m:
            notes.append([m.group("text").strip(), m.group("anchor") or ""])
            cont = True
        elif cont and line.strip():
            notes[-1][0] = (notes[-1][0] + " " + line.strip()).strip()
        else:
            cont = False
    return [TranslatorNote(t, a) for t, a in notes if t]


def place_notes(text: str, calls: list[tuple[str, str]], escape=lambda s: s) -> str:
    """Insert note calls into rendered text: `calls` is [(anchor, call_html)]; a call goes right
    after the first occurrence of its (escaped) anchor, or at the end when the anchor is empty
    or not found. Calls at the same place are joined with a comma."""
    at: dict[int, list[str]] = {}
    for anchor, call in calls:
        pos = text.find(escape(anchor)) if anchor else -1
        pos = pos + len(escape(anchor)) if pos >= 0 else len(text)
        cite = re.match(r'<sup class="cite">.*?</sup>', text[pos:])   # after the anchor's citation
        pos += cite.end() if cite else 0
        at.setdefault(pos, []).append(call)
    for pos in sorted(at, reverse=True):
        text = text[:pos] + '<sup class="tn-ref">' + ", ".join(at[pos]) + "</sup>" + text[pos:]
    return text


class Translations:
    """`tr(ctx, msgid)` over a plain dict {msgctxt: (msgid, msgstr)}: the same answers as
    `Catalog.get` for the entries it holds (None when missing or stale)."""

    def __init__(self, entries: dict[str, tuple[str, str]]):
        self.entries = entries

    def __call__(self, ctx: str, msgid: str) -> str | None:
        e = self.entries.get(ctx)
        return e[1] if e is not None and e[0] == msgid else None


class Catalog:
    """Read-only view of the translation memory used while rendering."""

    def __init__(self, i18n_dir: Path, lang: str = "en"):
        self.dir = i18n_dir / lang
        self.entries: dict[str, polib.POEntry] = {}
        self.files: dict[str, Path] = {}
        if self.dir.exists():
            for path in sorted(self.dir.glob("*.po")):
                po = load_po(path)
                for e in po:
                    if e.obsolete or not e.msgctxt:
                        continue
                    self.entries[e.msgctxt] = e
                    self.files[e.msgctxt] = path

    def get(self, ctx: str, msgid: str) -> str | None:
        """The reviewed translation, or None when missing, fuzzy or stale."""
        e = self.entries.get(ctx)
        if e is None or not e.msgstr or e.fuzzy or e.msgid != msgid:
            return None
        return e.msgstr

    def notes(self, ctx: str, msgid: str) -> list[TranslatorNote]:
        """The translator's notes of a segment (see `translator_notes`), only while its
        translation is shown (never for a missing, fuzzy or stale one)."""
        msgstr = self.get(ctx, msgid)
        if msgstr is None:
            return []

        def where(n: TranslatorNote) -> int:   # number the calls in reading order
            pos = msgstr.find(n.anchor) if n.anchor else -1
            return pos + len(n.anchor) if pos >= 0 else len(msgstr)
        return sorted(translator_notes(self.entries[ctx]), key=where)

    def subset(self, prefixes: tuple[str, ...]) -> "Translations":
        """The reviewed translations whose msgctxt starts with one of `prefixes`, as a small
        picklable translator (handed to the chart workers with their jobs)."""
        return Translations({c: (e.msgid, e.msgstr) for c, e in self.entries.items()
                             if c.startswith(prefixes) and e.msgstr and not e.fuzzy})

    def status(self, ctx: str, msgid: str) -> str:
        e = self.entries.get(ctx)
        if e is None:
            return "missing"
        if e.msgid != msgid:
            return "stale"
        if e.fuzzy:
            return "fuzzy"
        return "translated" if e.msgstr else "untranslated"


def import_json(i18n_dir: Path, path: Path, lang: str = "en") -> int:
    """Merge translations from a JSON list of {ctx, msgid, msgstr} (e.g. from a CAT tool or a
    translator's working file). An entry is taken only when its msgid equals the PO's current
    msgid (matched by msgctxt, else by identical msgid) — a stale translation is never imported."""
    import json

    items = json.loads(path.read_text(encoding="utf-8"))
    by_ctx = {it["ctx"]: it for it in items}
    by_msgid = {it["msgid"]: it for it in items}
    n = 0
    for po_file in sorted((i18n_dir / lang).glob("*.po")):
        po = load_po(po_file)
        changed = False
        for e in po:
            if e.obsolete or not e.msgctxt:
                continue
            it = by_ctx.get(e.msgctxt)
            if it is None or it["msgid"] != e.msgid:
                it = by_msgid.get(e.msgid)
            if it is None or not it.get("msgstr"):
                continue
            if e.msgstr != it["msgstr"] or e.fuzzy:
                e.msgstr = it["msgstr"]
                if "fuzzy" in e.flags:
                    e.flags.remove("fuzzy")
                e.previous_msgid = None
                changed = True
                n += 1
        if changed:
            save_po(po, po_file)
    return n


def update_ui(i18n_dir: Path) -> dict:
    """The site's own UI strings (bireport/ui.py) live in data/i18n/en/ui.po."""
    from .ui import STRINGS

    segs = [Segment(f"ui/{k}", zh, "site UI string", "bireport/ui.py:0") for k, (zh, _en) in STRINGS.items()]
    path = po_path(i18n_dir, UI_DOMAIN)
    stats = update(segs, path, UI_DOMAIN)
    # seed new (empty, not fuzzy) entries with the English written alongside the strings in code
    po = load_po(path)
    seeded = 0
    for e in po:
        key = (e.msgctxt or "").split("/", 1)[-1]
        if not e.obsolete and not e.msgstr and not e.fuzzy and key in STRINGS and STRINGS[key][1]:
            e.msgstr = STRINGS[key][1]
            seeded += 1
    if seeded:
        save_po(po, path)
    return stats
