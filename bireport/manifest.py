"""Stage 0: the source manifest (data/sources/manifest.yaml), declared and validated once."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .yamlpos import error_line, item_lines, load as yaml_load
from .errors import BuildError, Problem

FORMATS = ("markdown", "ocr", "plaintext", "html")
# script of the raw text -> OpenCC conversion to simplified (None: already simplified).
# Hant-TW / Hant-HK convert the regional variant characters first (TW 隨著 → 随着, which plain t2s
# leaves as 随著); none of them rewrites vocabulary (no tw2sp-style phrase conversion).
SCRIPTS = {"Hans": None, "Hant": "t2s", "Hant-TW": "tw2s", "Hant-HK": "hk2s"}
PAGINGS = ("sections", "single")
ENCODINGS = ("utf-8", "gb18030", "big5", "big5hkscs")


@dataclass
class DocumentMeta:
    """One manifest entry."""

    id: str
    """Stable slug: the first part of every block id and of page URLs."""
    file: str
    """Raw source file name inside data/sources/ (never edited)."""
    format: str
    """Adapter to use: one of FORMATS."""
    script: str
    """Script of the raw text: Hans (simplified), or traditional — Hant, Hant-TW, Hant-HK —
    converted to simplified with OpenCC (the config per script is in SCRIPTS)."""
    title: dict
    """{"zh": …, "en": …}: the en title is the translators' unless the source gives one."""
    publisher: dict
    """{"zh": …, "en": …}: publisher or author line."""
    date: str
    """Publication date as precise as known (YYYY, YYYY-MM or YYYY-MM-DD)."""
    url: str | None = None
    """Original URL where the source gives one."""
    kind: str = "article"
    """white-paper | academic-paper | news | article (drives the print register only)."""
    paging: str = "single"
    """sections = one page per top-level section; single = one page."""
    rights: str = ""
    """Rights / reuse note shown on the document page (English; the manifest may give `{zh, en}`)."""
    rights_zh: str = ""
    """The Chinese rights note (from `rights: {zh: …}`), shown on Chinese pages."""
    sha256: str | None = None
    """Pin of the raw file: a mismatch means someone edited a raw source."""
    encoding: str = "utf-8"
    """Encoding of the raw bytes (utf-8, gb18030, big5, big5hkscs): the adapters decode with it;
    raw files stay as given (`build.py add` records it when the file is not UTF-8)."""
    line: int = 0
    path: Path = field(default=None, repr=False)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in
                ("id", "file", "format", "script", "title", "publisher", "date", "url",
                 "kind", "paging", "rights", "rights_zh", "encoding")}

    def rights_in(self, lang: str) -> str:
        """The rights note in `lang` (the other language when only one is given)."""
        return (self.rights_zh or self.rights) if lang == "zh" else (self.rights or self.rights_zh)


REQUIRED = ("id", "file", "format", "script", "title", "publisher", "date")


def _entry_lines(text: str) -> list[int]:
    """Line numbers (1-based) of each entry of `documents:`, for error messages."""
    return item_lines(text, "documents") or \
        [i for i, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith("- id:")]


def load_manifest(sources_dir: Path) -> list[DocumentMeta]:
    path = sources_dir / "manifest.yaml"
    if not path.exists():
        raise BuildError(Problem(str(path), None, "manifest not found",
                                 "create data/sources/manifest.yaml (see README: adding a document)"))
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml_load(text) or {}
    except yaml.YAMLError as exc:
        raise BuildError(Problem(str(path), error_line(exc), f"invalid YAML: {exc}", "fix the YAML syntax")) from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents") or [], list):
        raise BuildError(Problem(str(path), 1, "the manifest must be a mapping with a `documents:` list",
                                 "start the file with `documents:` followed by one `- id: …` entry per document"))
    entries = data.get("documents") or []
    lines = _entry_lines(text)
    problems: list[Problem] = []
    metas: list[DocumentMeta] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        line = lines[i] if i < len(lines) else None
        if not isinstance(entry, dict):
            problems.append(Problem(str(path), line, f"entry {i + 1} is not a mapping ({entry!r:.40})",
                                    f"write each entry as `- id: …` with the fields {', '.join(REQUIRED)}"))
            continue
        missing = [k for k in REQUIRED if not entry.get(k)]
        if missing:
            problems.append(Problem(str(path), line, f"entry {i + 1} lacks {', '.join(missing)}",
                                    f"add the field(s); required: {', '.join(REQUIRED)}"))
            continue
        if entry["format"] not in FORMATS:
            problems.append(Problem(str(path), line, f"unknown format {entry['format']!r}",
                                    f"use one of: {', '.join(FORMATS)}"))
        if entry["script"] not in SCRIPTS:
            problems.append(Problem(str(path), line, f"unknown script {entry['script']!r}",
                                    f"use one of: {', '.join(SCRIPTS)}"))
        if entry.get("paging", "single") not in PAGINGS:
            problems.append(Problem(str(path), line, f"unknown paging {entry['paging']!r}",
                                    f"use one of: {', '.join(PAGINGS)}"))
        if entry["id"] in seen:
            problems.append(Problem(str(path), line, f"duplicate document id {entry['id']!r} "
                                    f"(first at line {seen[entry['id']]})", "give each document a unique id"))
        seen[entry["id"]] = line
        for key in ("title", "publisher"):
            if isinstance(entry[key], str):
                entry[key] = {"zh": entry[key], "en": ""}
            elif not isinstance(entry[key], dict) or not entry[key].get("zh"):
                problems.append(Problem(str(path), line, f"`{key}` must be a text or a mapping with `zh` (and `en`)",
                                        f"write `{key}:` with `zh: …` and `en: …` on the next lines"))
            else:   # `en:` empty or null: not yet translated (English pages show the marker)
                entry[key] = {**entry[key], "en": entry[key].get("en") or ""}
        enc = str(entry.get("encoding") or "utf-8").lower()
        if enc not in ENCODINGS:
            problems.append(Problem(str(path), line, f"unknown encoding {entry.get('encoding')!r}",
                                    f"use one of: {', '.join(ENCODINGS)} (GBK and GB2312 files: gb18030)"))
        entry["encoding"] = enc
        src = sources_dir / str(entry["file"])
        if Path(str(entry["file"])).name != str(entry["file"]):
            problems.append(Problem(str(path), line, f"file {entry['file']!r} is not a plain file name",
                                    "raw sources live directly in data/sources/: give the file name only"))
            continue
        if not src.is_file():
            problems.append(Problem(str(path), line, f"file {entry['file']!r} not found in {sources_dir}",
                                    "copy the raw file into data/sources/ or fix the `file:` field"))
        if isinstance(entry.get("rights"), dict):      # rights: {zh: …, en: …}
            entry["rights_zh"] = str(entry["rights"].get("zh") or "")
            entry["rights"] = str(entry["rights"].get("en") or entry["rights_zh"])
        known = {f for f in DocumentMeta.__dataclass_fields__} - {"line", "path"}
        unknown = set(entry) - known
        if unknown:
            problems.append(Problem(str(path), line, f"unknown field(s) {', '.join(sorted(unknown))}",
                                    f"known fields: {', '.join(sorted(known))}"))
            continue
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(entry["date"])):
            problems.append(Problem(str(path), line, f"date {entry['date']!r} is not YYYY, YYYY-MM or YYYY-MM-DD",
                                    "write the publication date as `date: \"2024-12-01\"` (as precise as known)"))
            continue
        meta = DocumentMeta(**{**entry, "date": str(entry["date"])}, line=line or 0, path=src)
        if meta.sha256 and src.is_file():
            digest = hashlib.sha256(src.read_bytes()).hexdigest()
            if digest != meta.sha256:
                problems.append(Problem(str(src), None, "raw source differs from its pinned sha256 in the manifest",
                                        "raw sources are never edited: restore the file and put fixes in "
                                        f"data/corrections/{meta.id}.yaml (or update sha256 if the source itself was replaced)"))
        metas.append(meta)
    if problems:
        raise BuildError(problems)
    return metas
