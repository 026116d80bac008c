"""Golden fixtures for the repair rules: tests/fixtures/repairs/*.yaml hold input and expected output."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bireport.manifest import DocumentMeta
from bireport.repairs import Context, load_patterns, repair
from bireport.sources import ADAPTERS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((Path(__file__).parent / "fixtures" / "repairs").glob("*.yaml"))


def run_fixture(spec: dict, tmp_path: Path):
    src = tmp_path / "src.txt"
    src.write_text(spec["input"], encoding="utf-8")
    meta = DocumentMeta(id="t", file="src.txt", format=spec["format"], script=spec.get("script", "Hans"),
                        title={"zh": "t", "en": "t"}, publisher={"zh": "p", "en": "p"}, date="2025", path=src)
    ctx = Context(meta, load_patterns(ROOT / "data"), {"corrections": [], "headings": []})
    items = repair(ADAPTERS[spec["format"]](spec["input"], meta), ctx)
    return items, ctx


def simplify(items):
    out = []
    for it in items:
        if it.kind == "heading":
            out.append(["heading", it.attrs.get("level"), it.attrs.get("number", ""), it.text])
        else:
            out.append([it.kind, it.text])
    return out


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_golden(path, tmp_path):
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    items, _ctx = run_fixture(spec, tmp_path)
    assert simplify(items) == spec["expected"]


def test_footer_material_goes_to_metadata(tmp_path):
    spec = yaml.safe_load((Path(__file__).parent / "fixtures" / "repairs" / "page_break_with_table.yaml").read_text())
    items, ctx = run_fixture(spec, tmp_path)
    assert ctx.front["received"] == "2024-12-23"
    assert any("moved after the rejoined paragraph" in m for m in ctx.report.moved)


def test_spam_is_reported_and_original_keeps_no_spam(tmp_path):
    spec = yaml.safe_load((Path(__file__).parent / "fixtures" / "repairs" / "traditional_spam.yaml").read_text())
    items, ctx = run_fixture(spec, tmp_path)
    assert [d["rule"] for d in ctx.report.dropped] == ["spam"]
    assert all("莊閑" not in (it.attrs.get("original") or "") for it in items)
    assert items[0].attrs["original"].startswith("會上")


def test_html_dropped_items_are_reported(tmp_path):
    spec = yaml.safe_load((Path(__file__).parent / "fixtures" / "repairs" / "html_sanitise.yaml").read_text())
    _items, ctx = run_fixture(spec, tmp_path)
    rules = {d["rule"] for d in ctx.report.dropped}
    assert {"boilerplate", "no-hotlink"} <= rules
    assert any("script" in d["text"] or "script" in d["rule"] for d in ctx.report.dropped)
