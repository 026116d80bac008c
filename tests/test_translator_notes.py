"""Translator's notes: `# TN:` translator comments on a PO entry become numbered TN calls and a
notes list on English and side-by-side pages and in the English/side-by-side print, never in the
Chinese edition; the note text is data (escaped); a note is shown only with its translation."""
from __future__ import annotations

from pathlib import Path

import polib

from bireport.i18n import Catalog, Segment, place_notes, translator_notes, update
from bireport.render import Text

PO_HEAD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def write_po(tmp_path: Path, body: str, name: str = "d") -> Path:
    (tmp_path / "en").mkdir(exist_ok=True)
    path = tmp_path / "en" / f"{name}.po"
    path.write_text(PO_HEAD + body, encoding="utf-8")
    return path


ENTRY = '''# a private remark for the next translator
# TN: Quoted in his own English (speech of 3 March 2021).
# TN after "at all": Second note,
# continued on the next line.
#. paragraph
msgctxt "d/s1/p1"
msgid "他说，“根本不行”。"
msgstr "He said it was “not possible at all”."
'''


def test_notes_parsed_from_translator_comments(tmp_path):
    write_po(tmp_path, ENTRY)
    notes = Catalog(tmp_path).notes("d/s1/p1", "他说，“根本不行”。")
    # in reading order: the note placed after "at all" comes before the one at the end
    assert [n.text for n in notes] == ["Second note, continued on the next line.",
                                       "Quoted in his own English (speech of 3 March 2021)."]
    assert [n.anchor for n in notes] == ["at all", ""]


def test_english_page_numbers_calls_and_lists_notes(tmp_path):
    write_po(tmp_path, ENTRY)
    t = Text("en", Catalog(tmp_path), None, {})
    md = t.para("d/s1/p1", "他说，“根本不行”。")
    # the anchored call follows its phrase; the plain one goes at the end
    assert 'not possible at all<sup class="tn-ref"><a href="#tn-1"' in md
    assert md.endswith('>TN2</a></sup>')
    notes = t.notes_md()
    assert '<li id="tn-2"><span class="tn-label">TN2</span> Quoted in his own English' in notes
    assert '<li id="tn-1"><span class="tn-label">TN1</span> Second note' in notes and "Translator’s notes" in notes


def test_chinese_edition_has_no_notes(tmp_path):
    write_po(tmp_path, ENTRY)
    t = Text("zh", Catalog(tmp_path), None, {})
    assert "tn-ref" not in t.para("d/s1/p1", "他说，“根本不行”。")
    assert t.notes_md() == ""


def test_note_text_is_escaped(tmp_path):
    write_po(tmp_path, ENTRY.replace("Quoted in his own English", 'See <script>alert(1)</script> & "this"'))
    t = Text("en", Catalog(tmp_path), None, {})
    t.para("d/s1/p1", "他说，“根本不行”。")
    notes = t.notes_md()
    assert "<script>" not in notes and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in notes


def test_fuzzy_or_stale_translation_shows_no_note(tmp_path):
    write_po(tmp_path, ENTRY.replace("#. paragraph", "#, fuzzy\n#. paragraph"))
    cat = Catalog(tmp_path)
    assert cat.notes("d/s1/p1", "他说，“根本不行”。") == []
    write_po(tmp_path, ENTRY)
    assert Catalog(tmp_path).notes("d/s1/p1", "他说，“完全不行”。") == []   # source changed


def test_update_keeps_notes_when_the_source_changes(tmp_path):
    path = write_po(tmp_path, ENTRY)
    update([Segment("d/s1/p1", "他说，“完全不行”。", "paragraph", "d.md:1")], path, "d")
    e = next(e for e in polib.pofile(str(path)) if e.msgctxt == "d/s1/p1")
    assert e.fuzzy and len(translator_notes(e)) == 2     # kept for the translator to review


def test_place_notes_after_citation_and_at_end():
    text = 'as it said<sup class="cite">[1]</sup>, later.'
    out = place_notes(text, [("as it said", "A"), ("", "B"), ("missing phrase", "C")])
    assert out == 'as it said<sup class="cite">[1]</sup><sup class="tn-ref">A</sup>, later.<sup class="tn-ref">B, C</sup>'


def test_real_pages_and_print(tmp_path):
    """The bundled PO files carry notes: they reach the English and side-by-side pages and the
    English/side-by-side print HTML, and the Chinese edition has none."""
    from bireport import pdf
    from bireport.pipeline import Paths, gather, generate
    from projectcopy import copy_project

    root = copy_project(tmp_path / "proj")
    generate(root, quiet=True, force=True)
    en = (root / "docs" / "en" / "zhao-liu-decoupling-2025" / "s1.md").read_text(encoding="utf-8")
    zh = (root / "docs" / "zh" / "zhao-liu-decoupling-2025" / "s1.md").read_text(encoding="utf-8")
    sbs = (root / "docs" / "zh" / "parallel" / "zhao-liu-decoupling-2025" / "s1.md").read_text(encoding="utf-8")
    assert "adversarial when it must be”" in en and 'class="tn-ref"' in en and 'class="tn-notes"' in en
    assert "from his speech “A Foreign Policy for the American People”" in en
    assert "tn-" not in zh
    assert 'class="tn-ref"' in sbs and 'class="tn-notes"' in sbs
    ctx = gather(Paths(root))
    for view, want in (("zh", False), ("en", True), ("sbs", True)):
        html_text = pdf.print_html(root, ctx, view)
        assert ('class="tn-ref"' in html_text) is want, view
        assert ('id="zhao-liu-decoupling-2025-tn-1"' in html_text) is want, view
