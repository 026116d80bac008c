"""Bad manifest, PO, glossary, corrections, presentation, filter patterns and fonts: a BuildError
naming the file (and line) with a fix; docs/ and mkdocs.yml unchanged."""
from __future__ import annotations

import subprocess

import pytest

from bireport import pdf, qa
from bireport.pipeline import generate

from rbhelpers import chart_cache, rb  # noqa: F401 (fixtures)
from rbhelpers import SCIO, line_of

MAN = "data/sources/manifest.yaml"
GLOSS = "data/glossary.yaml"
CORR = "data/corrections/xinhua-2019-01-31.yaml"
PRES = "data/tables/presentation.yaml"
PO = "data/i18n/en/customs-2026-01-14.po"


# ---------------------------------------------------------------- manifest

# (id, anchor entry whose line the error must name, old text, new text, expected message)
MANIFEST_EDITS = [
    ("missing-file", "scio-whitepaper-2025", f"file: {SCIO}", "file: nope.md", "'nope.md' not found"),
    ("unknown-field", "scio-whitepaper-2025", "    kind: white-paper\n", "    kind: white-paper\n    colour: red\n",
     "unknown field(s) colour"),
    ("unknown-format", "scio-whitepaper-2025", "format: markdown", "format: docx", "unknown format 'docx'"),
    ("missing-required-field", "scio-whitepaper-2025", "    script: Hans\n", "", "lacks script"),
    ("duplicate-id", "zhao-liu-decoupling-2025", "  - id: zhao-liu-decoupling-2025", "  - id: scio-whitepaper-2025",
     "duplicate document id"),
    ("file-outside-sources", "scio-whitepaper-2025", f"file: {SCIO}", "file: ../../mkdocs.yml", "not a plain file name"),
]


@pytest.mark.parametrize("anchor,old,new,expected", [e[1:] for e in MANIFEST_EDITS], ids=[e[0] for e in MANIFEST_EDITS])
def test_manifest_entry_errors(rb, anchor, old, new, expected):
    line = line_of(rb.root / MAN, f"  - id: {anchor}")
    rb.edit_file(MAN, lambda t: t.replace(old, new, 1))
    rb.expect_error("manifest.yaml", line, [expected])


def test_manifest_bad_yaml(rb):
    rb.edit_file(MAN, lambda t: t.replace("documents:\n", "documents:\n  - id: [\n", 1))
    rb.expect_error("manifest.yaml", True, ["invalid YAML"])


@pytest.mark.parametrize("text", ["documents:\n  a: 1\n", "- a\n- b\n", "documents:\n  - just-a-string\n"],
                         ids=["documents-mapping", "top-level-list", "entry-string"])
def test_manifest_wrong_shape(rb, text):
    (rb.root / MAN).write_text(text, encoding="utf-8")
    rb.expect_error("manifest.yaml", True, ["mapping"])


# ---------------------------------------------------------------- translation memory

def test_po_syntax_error(rb):
    """A msgid line lost (bad merge): msgctxt followed directly by msgstr."""
    lines = (rb.root / PO).read_text(encoding="utf-8").split("\n")
    n = next(i for i, ln in enumerate(lines) if ln.startswith("msgid ") and i > 20)
    lines[n] = 'msgstr "duplicated"'
    (rb.root / PO).write_text("\n".join(lines), encoding="utf-8")
    rb.expect_error("customs-2026-01-14.po", True, ["PO syntax error"])


def test_po_unterminated_string(rb):
    lines = (rb.root / PO).read_text(encoding="utf-8").split("\n")
    n = next(i for i, ln in enumerate(lines) if ln.startswith("msgstr ") and i > 20)
    lines[n] = 'msgstr "unterminated'
    (rb.root / PO).write_text("\n".join(lines), encoding="utf-8")
    rb.expect_error("customs-2026-01-14.po", n + 1, ["PO syntax error"])


def test_po_not_utf8(rb):
    with open(rb.root / PO, "ab") as f:
        f.write('\nmsgctxt "x"\nmsgid "中文"\nmsgstr "x"\n'.encode("gbk"))
    rb.expect_error("customs-2026-01-14.po", None, ["PO syntax error", "utf-8"])


def test_po_msgctxt_matching_no_block_is_reported(rb):
    """Not a build error (the entry is simply unused) but `build.py check` (qa.run) reports it."""
    with open(rb.root / PO, "a", encoding="utf-8") as f:
        f.write('\nmsgctxt "customs-2026-01-14/nowhere/p99"\nmsgid "不存在的段落。"\nmsgstr "A paragraph that does not exist."\n')
    res = generate(rb.root, quiet=True, force=True)
    report = qa.run(rb.root, docs=res.docs)
    orphans = [f for f in report.findings if f.ctx == "customs-2026-01-14/nowhere/p99"]
    assert orphans, "a PO entry for no block must be reported"
    f = orphans[0]
    assert f.path.endswith("customs-2026-01-14.po") and f.line and f.severity == "error"
    assert "no block" in f.message and f.problem().fix


# ---------------------------------------------------------------- glossary

def test_duplicate_glossary_term(rb):
    first = line_of(rb.root / GLOSS, "  - zh: 中美第一阶段经贸协议")
    n = len((rb.root / GLOSS).read_text().rstrip("\n").split("\n"))
    rb.edit_file(GLOSS, lambda t: t.rstrip("\n") + "\n  - zh: 中美第一阶段经贸协议\n    en: Phase 1 deal\n")
    rb.expect_error("glossary.yaml", n + 1, [f"duplicate glossary term '中美第一阶段经贸协议' (first at line {first})"])


def test_glossary_term_without_english(rb):
    n = len((rb.root / GLOSS).read_text().rstrip("\n").split("\n"))
    rb.edit_file(GLOSS, lambda t: t.rstrip("\n") + "\n  - zh: 新术语\n")
    rb.expect_error("glossary.yaml", n + 1, ["needs both `zh` and `en`"])


def test_glossary_bad_yaml(rb):
    rb.edit_file(GLOSS, lambda t: t + "\n  - zh: [unclosed\n")
    rb.expect_error("glossary.yaml", True, ["invalid YAML"])


def test_glossary_entry_not_a_mapping(rb):
    rb.edit_file(GLOSS, lambda t: t.rstrip("\n") + "\n  - just a string\n")
    rb.expect_error("glossary.yaml", True, ["not a mapping"])


# ---------------------------------------------------------------- corrections

def test_correction_matching_nothing(rb):
    line = line_of(rb.root / CORR, "  - line: 83")
    rb.edit_file(CORR, lambda t: t.replace('find: "月30日至31日，中共中央"', 'find: "不存在的文字"'))
    rb.expect_error("xinhua-2019-01-31.yaml", line, ["'不存在的文字' found 0 times"])


def test_correction_yaml_error(rb):
    rb.edit_file(CORR, lambda t: t + "\n  - line: [1\n")
    rb.expect_error("xinhua-2019-01-31.yaml", True, ["invalid YAML"])


def test_correction_without_find(rb):
    line = line_of(rb.root / CORR, "  - line: 83")
    rb.edit_file(CORR, lambda t: t.replace('    find: "月30日至31日，中共中央"\n', ""))
    rb.expect_error("xinhua-2019-01-31.yaml", line, ["lacks find"])


def test_heading_correction_at_no_heading(rb):
    line = line_of(rb.root / CORR, "  - line: 134")
    rb.edit_file(CORR, lambda t: t.replace("  - line: 134", "  - line: 2", 1))
    rb.expect_error("xinhua-2019-01-31.yaml", line, ["no heading at source line 2"])


# ---------------------------------------------------------------- tables presentation, filters

def test_chart_spec_with_unknown_field(rb):
    text = (rb.root / PRES).read_text(encoding="utf-8")
    tid = "scio-whitepaper-2025-t2"
    start = line_of(rb.root / PRES, f"  {tid}:")
    chart = next(n for n, ln in enumerate(text.split("\n"), 1) if n > start and ln.strip().startswith("chart:"))
    lines = text.split("\n")
    assert "x: year" in lines[chart - 1], lines[chart - 1]
    lines[chart - 1] = lines[chart - 1].replace("x: year", "x: yeer")
    (rb.root / PRES).write_text("\n".join(lines), encoding="utf-8")
    rb.expect_error("presentation.yaml", chart, ["chart x: 'yeer' is not a field"])


def test_chart_spec_with_unknown_type(rb):
    rb.edit_file(PRES, lambda t: t.replace("type: line", "type: pie", 1))
    rb.expect_error("presentation.yaml", True, ["unknown chart type 'pie'"])


def test_presentation_bad_yaml(rb):
    rb.edit_file(PRES, lambda t: t + "\n  bad: [\n")
    rb.expect_error("presentation.yaml", True, ["invalid YAML"])


def test_invalid_filter_regex(rb):
    rb.edit_file("data/filters/patterns.yaml", lambda t: t.replace(
        "    reason: injected gambling advertisement\n",
        "    reason: injected gambling advertisement\n  - pattern: \"(unclosed\"\n    reason: broken\n", 1))
    line = line_of(rb.root / "data/filters/patterns.yaml", '"(unclosed"')
    exc = rb.expect_error("patterns.yaml", line, ["invalid regular expression"])
    assert len(exc.problems) == 1, "a shared file's problem is reported once, not once per document"



def test_filter_reason_zh_not_text(rb):
    rb.edit_file("data/filters/patterns.yaml", lambda t: t.replace(
        "    reason_zh: 插入的赌博广告\n", "    reason_zh: [插入的, 赌博广告]\n", 1))
    line = line_of(rb.root / "data/filters/patterns.yaml", "[庄莊]")
    exc = rb.expect_error("patterns.yaml", line, ["reason_zh", "expected text"])
    assert len(exc.problems) == 1


# ---------------------------------------------------------------- PDF fonts

def _fake_fc_list(stdout):
    def run(cmd, *a, **k):
        assert cmd[0] == "fc-list"
        return subprocess.CompletedProcess(cmd, 0, stdout=stdout, stderr="")
    return run


def test_no_cjk_font_for_the_pdf(rb, monkeypatch):
    monkeypatch.setattr(pdf.subprocess, "run", _fake_fc_list("DejaVu Sans\nDejaVu Serif,DejaVu Serif Condensed\n"))
    exc = rb.expect_error("fontconfig", None, ["no CJK font", "DejaVu Sans"],
                          run=lambda: pdf.build_pdfs(rb.root, quiet=True))
    assert "fonts-noto-cjk" in exc.problems[0].fix or "Noto" in exc.problems[0].fix


def test_fc_list_missing(rb, monkeypatch):
    def run(cmd, *a, **k):
        raise FileNotFoundError(cmd[0])
    monkeypatch.setattr(pdf.subprocess, "run", run)
    rb.expect_error("fontconfig", None, ["fc-list not found"], run=lambda: pdf.build_pdfs(rb.root, quiet=True))
