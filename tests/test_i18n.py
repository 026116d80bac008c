"""The translation-memory update cycle (msgmerge semantics) and the English fallback marker."""
from __future__ import annotations

import polib

from bireport import i18n
from bireport.i18n import Catalog, Segment


def segs(*pairs):
    return [Segment(c, t, "paragraph", "src.md:1") for c, t in pairs]


def test_update_cycle(tmp_path):
    po = tmp_path / "en" / "d.po"
    i18n.update(segs(("d/s/p1", "第一段。"), ("d/s/p2", "第二段。")), po, "d")
    f = polib.pofile(str(po))
    for e in f:
        e.msgstr = {"第一段。": "First.", "第二段。": "Second."}[e.msgid]
    f.save()
    # edit p1, delete p2, add p3
    stats = i18n.update(segs(("d/s/p1", "第一段（修改）。"), ("d/s/p3", "第三段。")), po, "d")
    assert stats["fuzzy"] == 1 and stats["obsolete"] == 1 and stats["new"] == 1
    f = polib.pofile(str(po))
    e1 = f.find("第一段（修改）。", msgctxt="d/s/p1")
    assert e1.fuzzy and e1.previous_msgid == "第一段。" and e1.msgstr == "First."
    assert [e.msgid for e in f.obsolete_entries()] == ["第二段。"]
    e3 = f.find("第三段。", msgctxt="d/s/p3")
    assert e3 is not None and e3.msgstr == ""
    cat = Catalog(tmp_path)
    assert cat.get("d/s/p1", "第一段（修改）。") is None      # fuzzy is never shown as English
    assert cat.status("d/s/p3", "第三段。") == "untranslated"


def test_identical_source_is_an_exact_memory_match(tmp_path):
    po = tmp_path / "en" / "d.po"
    i18n.update(segs(("d/a/p1", "同一句。")), po, "d")
    f = polib.pofile(str(po)); f[0].msgstr = "Same sentence."; f.save()
    stats = i18n.update(segs(("d/a/p1", "同一句。"), ("d/b/p1", "同一句。")), po, "d")
    assert stats["reused"] == 1
    assert Catalog(tmp_path).get("d/b/p1", "同一句。") == "Same sentence."


def test_english_fallback_marks_untranslated(tmp_path):
    from bireport.render import Text

    t = Text("en", Catalog(tmp_path), None, {})
    md = t.para("d/s/p1", "尚无译文的段落。")
    assert 'class="untranslated"' in md and 'lang="zh"' in md and "Not yet translated" in md
    assert "尚无译文的段落。" in md


def test_po_syntax_error_names_file(tmp_path):
    import pytest
    from bireport.errors import BuildError

    bad = tmp_path / "en" / "x.po"
    bad.parent.mkdir(parents=True)
    bad.write_text('msgctxt "a"\nmsgid "一"\nbogus "one"\n', encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        Catalog(tmp_path)
    assert "x.po:3" in str(exc.value)
