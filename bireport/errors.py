"""Errors that name the file and line, what was expected, what was found, and the fix."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Problem:
    """One finding about an input file."""

    path: str
    line: int | None
    message: str
    fix: str = ""
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{loc}: {self.severity}: {self.message}"
        if self.fix:
            text += f"\n  --> {self.fix}"
        return text


class BuildError(Exception):
    """Raised with every problem collected (not only the first)."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

def unexpected(exc: BaseException, stage: str, doc_id: str | None, path, log_dir, line: int | None = None) -> BuildError:
    """An exception nobody expected (a bug met by some input, not a finding about it) as a
    BuildError naming the document, its file (and line, when a frame was working on an item or
    block that knows it), the stage and what to do; the traceback goes to
    `log_dir/error-<stage>-<doc>.txt`, never to the user's terminal. With `doc_id=None` the
    document is the one the innermost frames were working on (a local holding its manifest entry)."""
    import re
    import traceback
    from pathlib import Path

    frames = traceback.extract_tb(exc.__traceback__)
    where = next((f"{Path(f.filename).name}:{f.lineno} in {f.name}()" for f in reversed(frames)
                  if "/bireport/" in f.filename.replace("\\", "/")), "")
    tb, found_line, meta = exc.__traceback__, None, None
    while tb is not None:                      # innermost frame working on an item/block, a document
        for value in tb.tb_frame.f_locals.values():
            n = getattr(value, "line", None)
            if isinstance(n, int) and n > 0 and hasattr(value, "kind"):
                found_line = n
            m = getattr(value, "meta", value)
            if isinstance(getattr(m, "id", None), str) and getattr(m, "path", None) is not None \
                    and hasattr(m, "format"):
                meta = m
        tb = tb.tb_next
    if doc_id is None:
        doc_id, path = (meta.id, meta.path) if meta is not None else ("", path or "(all documents)")
    if line is None:
        line = found_line
    name = f"error-{stage}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', doc_id)}" if doc_id else f"error-{stage}"
    log = Path(log_dir) / f"{name}.txt"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(f"document: {doc_id or '-'}\nfile: {path}\nstage: {stage}\nline: {line or 'unknown'}\n\n"
                       + "".join(traceback.format_exception(exc)), encoding="utf-8")
        shown = str(log)
    except OSError:
        shown = "(the log could not be written)"
    what = f"{type(exc).__name__}: {exc}"[:200]
    return BuildError(Problem(
        str(path), line,
        f"{doc_id + ': ' if doc_id else ''}unexpected error in the {stage} stage ({what}{'; at ' + where if where else ''})",
        f"this is a bug in bireport met by this input, not a mistake in your file: report it with {shown} "
        + ("and the source file; until then, remove the document from the manifest or correct the "
           "input around this line (data/corrections)" if doc_id else "(it holds the details)")))
