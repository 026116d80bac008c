"""Translation QA on every build: untranslated, fuzzy, numbers (with unit conversion), glossary,
leftover CJK, markup tokens, final punctuation. Every finding names the PO file and line."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import polib

from . import qa_markup
from .errors import Problem
from .glossary import Term, load_glossary
from . import qa_style
from .i18n import Segment, load_po

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
_NUM = r"\d+(?:[ ,]\d{3})*(?:\.\d+)?"
ZH_NUM = re.compile(rf"({_NUM})\s*(万亿|亿|万|%|％|年|月|日|多?倍)?")
EN_NUM = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
TOKENS = (r"\[@[\d,\-]+\]", r"\[\^\w+\]", r"\{\+\+", r"\]\(https?://[^)]+\)", r"\^\d+\^")


@dataclass
class Finding:
    check: str          # untranslated | fuzzy | number | glossary | cjk | markup | punctuation
    severity: str       # error | warning
    path: str
    line: int | None
    ctx: str
    message: str

    def problem(self) -> Problem:
        return Problem(self.path, self.line, f"[{self.check}] {self.ctx}: {self.message}",
                       "edit the msgstr in the PO file (then run `build.py check`)", self.severity)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error" or f.check in ("untranslated", "fuzzy")]

    def blocking_problems(self) -> list[Problem]:
        return [f.problem() for f in self.blocking()]


def _strip(text: str) -> str:
    text = re.sub(r"\]\([^)]*\)", "]", text)          # URLs
    text = re.sub(r"\[@[\d,\-]+\]|\[\^\w+\]|\^\d+\^", " ", text)
    return text.replace("{++", "").replace("++}", "")


def expected_numbers(zh: str) -> list[tuple[str, list[float], str]]:
    """(source form, accepted English values, unit kind) for every number in a Chinese string."""
    out = []
    for m in ZH_NUM.finditer(_strip(zh)):
        raw, unit = m.group(1), m.group(2) or ""
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw) is None and "," in raw:
            # "2.8,3.1" lists: split
            for part in raw.split(","):
                if part:
                    out.append((part, [float(part)], ""))
            continue
        v = float(raw.replace(" ", "").replace(",", ""))
        if unit == "亿":
            out.append((raw + unit, [v / 10, v * 100, v / 10000 if v >= 10000 else v / 10], "yi"))
        elif unit == "万亿":
            out.append((raw + unit, [v, v * 1000], "wanyi"))
        elif unit == "万":
            out.append((raw + unit, [v * 10000, v * 10, v / 100], "wan"))
        elif unit.endswith("倍"):   # 增长了7.3倍 → "up 730%" (house style) or "8.3 times"
            out.append((raw + unit, [v, v * 100, v + 1], "times"))
        elif unit == "月" and 1 <= v <= 12 and v.is_integer():
            out.append((raw + unit, [v], "month"))
        else:
            out.append((raw + unit, [v], unit))
    return out


def english_numbers(en: str) -> list[float]:
    vals = []
    for m in EN_NUM.finditer(_strip(en)):
        try:
            vals.append(float(m.group(0).replace(",", "")))
        except ValueError:
            pass
    return vals


def check_numbers(zh: str, en: str) -> list[str]:
    have = english_numbers(en)
    low = en.lower()
    missing = []
    for form, accepted, kind in expected_numbers(zh):
        ok = any(math.isclose(a, h, rel_tol=1e-9, abs_tol=1e-9) for a in accepted for h in have)
        if not ok and kind == "yi":   # house style rounds billions to two decimals: US$436.55 billion
            ok = any(abs(accepted[0] - h) <= 0.005 + 1e-9 and h != int(h) for h in have)
        if not ok and kind in ("", "年", "日") and accepted[0].is_integer() and 0 <= accepted[0] <= 20:
            ok = re.search(rf"\b{WORDS[int(accepted[0])]}\b", low) is not None
        if not ok and kind == "month":
            ok = MONTHS[int(accepted[0]) - 1] in low or MONTHS[int(accepted[0]) - 1][:3] + "." in low
        if not ok:
            want = {"yi": f"{accepted[0]:g} billion", "wan": f"{accepted[0]:,.0f}", "wanyi": f"{accepted[0]:g} trillion"}
            missing.append(f"{form} (expected {want.get(kind, f'{accepted[0]:g}')})")
    return missing


def check_entry(e: polib.POEntry, path: Path, glossary: list[Term]) -> list[Finding]:
    p = str(path)
    ln = e.linenum
    out: list[Finding] = []
    if e.fuzzy:
        return [Finding("fuzzy", "warning", p, ln, e.msgctxt, "fuzzy: the source changed; review the translation")]
    if not e.msgstr:
        return [Finding("untranslated", "warning", p, ln, e.msgctxt, "not translated")]
    zh, en = e.msgid, e.msgstr
    is_ref = "reference" in (e.comment or "") or "/ref" in (e.msgctxt or "")
    for miss in check_numbers(zh, en):
        out.append(Finding("number", "error", p, ln, e.msgctxt, f"number missing in translation: {miss}"))
    authors_own = "authors give their own English" in (e.comment or "")
    for term in glossary:
        if term.zh in zh and not is_ref and not authors_own:
            accepted = [term.en, *term.variants]
            if not any(a.lower() in en.lower() for a in accepted):
                out.append(Finding("glossary", "error", p, ln, e.msgctxt,
                                   f"glossary: “{term.zh}” should be rendered as “{term.en}”"))
    if CJK_RE.search(en) and not is_ref:
        out.append(Finding("cjk", "error", p, ln, e.msgctxt, f"Chinese left in English: {''.join(CJK_RE.findall(en))[:20]}"))
    for tok in TOKENS:
        a, b = len(re.findall(tok, zh)), len(re.findall(tok, en))
        if tok == r"\{\+\+" and b > a:
            continue   # the translator's own editorial insertions ({++February++}) are allowed
        if a != b:
            out.append(Finding("markup", "error", p, ln, e.msgctxt,
                               f"markup token {tok!r}: {a} in source, {b} in translation"))
    out += [Finding("markup", "error", p, ln, e.msgctxt, m + qa_markup.FIX) for m in qa_markup.compare(zh, en)]
    if re.search(r"[。！？]\s*[”’」]?$", zh.strip()) and not re.search(r"[.!?…][\"'”’)\]]*(\[@[\d,\-]+\]|\[\^\w+\])*$", en.strip()):
        out.append(Finding("punctuation", "warning", p, ln, e.msgctxt, "source ends a sentence; translation does not"))
    return out


def extra_segments(paths, doc, tables: dict | None = None) -> list[Segment]:
    """Strings of the document's tables and charts (from the tables stage), for its PO file.
    `tables` (id -> Table, from the build context) avoids extracting the tables again."""
    from . import charts as charts_mod, tables as tables_mod

    out = []
    for b in doc.blocks():
        if b.kind == "table":
            t = (tables or {}).get(b.attrs.get("table_id")) or tables_mod.extract(doc.meta, b)
            for ctx, zh, en in charts_mod.strings(t):
                out.append(Segment(ctx, zh, "table/chart label", f"{doc.meta.file}:{b.line}", en or ""))
    return out


def run(root: Path, docs=None, tables: dict | None = None) -> Report:
    """Check every PO entry; with `docs`, also check that the PO files match the documents
    (a msgctxt that matches no block, a PO file for an unknown document, segments missing)."""
    from .i18n import segments

    root = Path(root)
    glossary = load_glossary(root / "data" / "glossary.yaml")
    report = Report()
    i18n_dir = root / "data" / "i18n"
    wanted: dict[str, dict[str, str]] | None = None
    if docs is not None:
        from .pipeline import Paths

        paths = Paths(root)
        wanted = {d.id: {s.ctx: s.msgid for s in segments(d, extra_segments(paths, d, tables))} for d in docs}
    for path in sorted((i18n_dir / "en").glob("*.po")):
        po = load_po(path)
        doc_id = path.stem
        if wanted is not None and doc_id != "ui" and doc_id not in wanted:
            report.findings.append(Finding("orphan", "error", str(path), None, doc_id,
                                           "PO file for an unknown document (no manifest entry with this id)"))
        expect = (wanted or {}).get(doc_id)
        for e in po:
            if e.obsolete or not e.msgctxt:
                continue
            if expect is not None and e.msgctxt not in expect:
                report.findings.append(Finding("orphan", "error", str(path), e.linenum, e.msgctxt,
                                               "msgctxt matches no block of the document: run `build.py translate --update`"))
                continue
            report.findings.extend(check_entry(e, path, glossary))
        report.findings.extend(qa_style.findings(path, po, glossary, root, Finding))
        if expect is not None:
            have = {e.msgctxt for e in po if not e.obsolete}
            for ctx in sorted(set(expect) - have):
                report.findings.append(Finding("untranslated", "warning", str(path), None, ctx,
                                               "segment missing from the PO file: run `build.py translate --update`"))
    return report


def coverage(root: Path) -> list[dict]:
    rows = []
    for path in sorted((Path(root) / "data" / "i18n" / "en").glob("*.po")):
        po = load_po(path)
        entries = [e for e in po if not e.obsolete and e.msgctxt]
        fuzzy = sum(1 for e in entries if e.fuzzy)
        done = sum(1 for e in entries if e.msgstr and not e.fuzzy)
        total = len(entries)
        rows.append({"doc": path.stem, "total": total, "translated": done, "fuzzy": fuzzy,
                     "untranslated": total - done - fuzzy, "percent": 100.0 * done / total if total else 100.0})
    return rows


def print_summary(report: Report, console) -> None:
    by = {}
    for f in report.findings:
        by[(f.check, f.severity)] = by.get((f.check, f.severity), 0) + 1
    if not by:
        console.print("translation QA: no findings")
        return
    console.print("translation QA: " + ", ".join(f"{k[0]} {v} ({k[1]})" for k, v in sorted(by.items())))


def print_findings(report: Report, console, limit: int = 200) -> None:
    for f in report.findings[:limit]:
        console.print(f"{f.path}:{f.line}: {f.severity}: [{f.check}] {f.ctx}: {f.message}", highlight=False, markup=False)
    if len(report.findings) > limit:
        console.print(f"… {len(report.findings) - limit} more")
    print_summary(report, console)
