"""`build.py add FILE`: copy a raw document into data/sources/ byte for byte, detect what it is
(bireport.detect), pin it, append its manifest entry, print what was found and what to check,
then show the repair report for it. Flags override detection; errors name the file, never a
traceback; a failure leaves data/sources/ as it was."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import detect
from .atomic import write_atomic
from .errors import BuildError, Problem
from .manifest import ENCODINGS, FORMATS, PAGINGS, SCRIPTS, load_manifest
from .sources.base import MAX_BYTES

NOT_STATED = "未注明"
"""The publisher line when the document names none (shown as such, never guessed)."""
LONG = 6000
"""CJK characters above which a non-HTML document gets one page per top-level section."""


@dataclass
class Added:
    entry: dict
    detected: detect.Detected
    dest: Path


def _problem(path, message, fix, line=None) -> BuildError:
    return BuildError(Problem(str(path), line, message, fix))


def read_raw(path: Path) -> bytes:
    """The raw bytes, refused with a clear message when they cannot be a text document."""
    if not path.exists():
        raise _problem(path, "file not found", "give the path of the raw document to add")
    if path.is_dir():
        raise _problem(path, "is a directory, not a file", "give the path of one raw document")
    data = path.read_bytes()
    if not data.strip():
        raise _problem(path, "the file is empty", "add the document's text, not an empty file")
    if len(data) > MAX_BYTES:
        raise _problem(path, f"the file is {len(data) // 1024} KiB; the limit is {MAX_BYTES // 1024} KiB",
                       "split the document into several files and add each")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise _problem(path, "the file is UTF-16 (it starts with a UTF-16 byte-order mark)",
                       f"convert it first: iconv -f UTF-16 -t UTF-8 {path.name} > {path.stem}.utf8{path.suffix}")
    if b"\x00" in data[:8192]:
        raise _problem(path, "the file looks binary (it contains NUL bytes)",
                       "export the document as text: HTML, Markdown or plain text")
    return data


def detect_all(path: Path, data: bytes, fmt=None, script=None, *, regions) -> tuple[detect.Detected, str]:
    """Everything `add` can find out; returns (detected, decoded text)."""
    d = detect.Detected()
    enc, note = detect.detect_encoding(data)
    if not enc:
        raise _problem(path, f"cannot tell the text encoding: {note}",
                       "save the file as UTF-8 (or GB18030/GBK or Big5) and add it again")
    d.encoding, d.notes["encoding"] = enc, note
    text = data.decode(enc).removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if fmt:
        d.format, d.notes["format"] = fmt, "given with --format"
    else:
        d.format, d.notes["format"] = detect.detect_format(text)
    if script:
        d.script, d.notes["script"] = script, "given with --script"
    else:
        d.script, d.notes["script"] = detect.detect_script(text, regions)
    for key, (value, how) in detect.metadata(text, d.format).items():
        setattr(d, key, value)
        d.notes[key] = how
    return d, text


def _existing(sources: Path) -> list[dict]:
    """The manifest's entries as written (validated first, so a broken manifest is reported)."""
    load_manifest(sources)
    data = yaml.safe_load((sources / "manifest.yaml").read_text(encoding="utf-8")) or {}
    return [e for e in data.get("documents") or [] if isinstance(e, dict)]


def _simplified(text: str, script: str) -> str:
    config = SCRIPTS.get(script)
    return detect._cc(config).convert(text) if config and text else text


def _entry_yaml(entry: dict) -> str:
    body = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    return "\n" + "".join("  " + ln if ln.strip() else ln for ln in body.splitlines(keepends=True))


def add(root: Path, path: Path, *, doc_id=None, fmt=None, script=None, paging=None, title=None,
        date=None) -> Added:
    """Copy, detect, pin and register one raw file; returns what was written."""
    root = Path(root)
    sources = root / "data" / "sources"
    path = Path(path)
    if fmt and fmt not in FORMATS:
        raise _problem(path, f"unknown --format {fmt!r}", f"use one of: {', '.join(FORMATS)}")
    if script and script not in SCRIPTS:
        raise _problem(path, f"unknown --script {script!r}", f"use one of: {', '.join(SCRIPTS)}")
    if paging and paging not in PAGINGS:
        raise _problem(path, f"unknown --paging {paging!r}", f"use one of: {', '.join(PAGINGS)}")
    data = read_raw(path)
    digest = hashlib.sha256(data).hexdigest()
    entries = _existing(sources)
    for e in entries:
        pinned = e.get("sha256") or (hashlib.sha256((sources / str(e.get("file"))).read_bytes()).hexdigest()
                                     if (sources / str(e.get("file"))).is_file() else "")
        if pinned == digest:
            raise _problem(path, f"this file is already in the manifest as {e.get('id')!r} "
                           f"(data/sources/{e.get('file')}, same sha256)",
                           "nothing to do; to replace a document, edit its manifest entry instead")
    d, text = detect_all(path, data, fmt, script, regions=detect.load_regions(root / "data"))
    doc_id = doc_id or detect.slug(path.name) or f"doc-{digest[:8]}"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", doc_id):
        raise _problem(path, f"id {doc_id!r} is not a slug (lower-case letters, digits and '-')",
                       "give one with --id, e.g. --id customs-2026-01-14")
    for e in entries:
        if e.get("id") == doc_id:
            raise _problem(path, f"a document with id {doc_id!r} is already in the manifest "
                           f"(data/sources/{e.get('file')})", "choose another id with --id")
    if title:
        d.title, d.notes["title"] = title, "given with --title"
    if date:
        d.date, d.notes["date"] = date, "given with --date"
    if not d.title:
        raise _problem(path, "no title found (no <title>/heading/front matter/title line)",
                       "give it with --title '…'")
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", d.date or ""):
        raise _problem(path, "no publication date found" if not d.date else f"date {d.date!r} is not YYYY[-MM[-DD]]",
                       "give it with --date YYYY-MM-DD (as precise as known)")
    name = path.name
    if name == "manifest.yaml" or not re.fullmatch(r"[^/\\\x00]+", name):
        name = f"{doc_id}{''.join(path.suffixes) or '.txt'}"
    dest = sources / name
    if dest.exists() and hashlib.sha256(dest.read_bytes()).hexdigest() != digest:
        dest = sources / f"{doc_id}{''.join(path.suffixes)}"
        if dest.exists():
            raise _problem(dest, "a different file with this name is already in data/sources/",
                           "rename the file, or give another --id")
    cjk = len(detect.CJK_RE.findall(text))
    zh_title = _simplified(d.title, d.script)
    if zh_title != d.title:
        d.notes["title"] += " (converted to simplified script; the original stays in the source)"
    publisher = d.publisher or d.author
    if d.publisher and d.author and d.author not in d.publisher:
        publisher = f"{d.publisher}（{d.author}）"
    if not publisher:
        publisher = NOT_STATED
        d.checks.append("no publisher or author found: edit `publisher.zh` in the manifest")
    entry = {
        "id": doc_id, "file": dest.name, "format": d.format, "script": d.script,
        "kind": "news" if d.format == "html" else "article",
        "title": {"zh": zh_title, "en": None},
        "publisher": {"zh": _simplified(publisher, d.script), "en": None},
        "date": d.date, "url": d.url or None,
        "paging": paging or ("sections" if d.format != "html" and cjk > LONG else "single"),
        "rights": "", "sha256": digest,
    }
    if d.encoding != "utf-8":
        assert d.encoding in ENCODINGS, d.encoding
        entry["encoding"] = d.encoding
    d.notes.setdefault("paging", "given with --paging" if paging else
                       f"{cjk} Chinese characters: {'one page per top-level section' if entry['paging'] == 'sections' else 'one page'}")
    d.checks += ["the English title and publisher (`en:`) are for the translator: English pages show "
                 "the Chinese with a 'not yet translated' marker until then",
                 "`rights:` is empty: record the reuse terms of this third-party text"]
    manifest = sources / "manifest.yaml"
    before = manifest.read_text(encoding="utf-8")
    copied = not dest.exists()
    try:
        if copied:
            write_atomic(dest, data)
        write_atomic(manifest, before.rstrip("\n") + "\n" + _entry_yaml(entry))
        load_manifest(sources)
    except BaseException:
        write_atomic(manifest, before)
        if copied and dest.exists():
            dest.unlink()
        raise
    return Added(entry, d, dest)
