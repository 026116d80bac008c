"""Repair rules for what the Markdown/HTML adapters hand over besides text: the YAML front
matter (metadata, never body text), what the adapters removed (reported), and GitHub pipe tables
(a `table` item the tables stage turns into data, or — when the cells are not numeric data the
tables stage can take — one list item per row, so no cell is lost)."""
from __future__ import annotations

import re
from datetime import date, datetime

from ..errors import BuildError
from ..model import Note, named
from ..sources.base import Item
from .rules import _TABLE_CAP, plain

META_KEYS = {"title": "title", "subtitle": "subtitle", "date": "date", "published": "date",
             "author": "author", "authors": "author", "source": "source", "url": "url", "link": "url",
             "original_url": "original_url", "tags": "tags", "keywords": "tags", "category": "category",
             "categories": "category", "description": "description", "summary": "description"}


def _scalar(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return [_scalar(x) for x in v]
    return v if isinstance(v, (str, int, float, bool)) or v is None else str(v)


def metadata(ctx, items):
    """`meta` items (YAML front matter) → document metadata; `dropped` items (comments, embeds,
    shortcodes, images the adapters did not reproduce) → the repair report."""
    out = []
    for it in items:
        if it.kind == "meta":
            fields = {str(k): _scalar(v) for k, v in (it.attrs.get("fields") or {}).items()}
            src = ctx.front.setdefault("source_meta", {})
            for k, v in fields.items():
                src[META_KEYS.get(k.lower(), k)] = v
            if isinstance(src.get("title"), str):
                ctx.front.setdefault("title", src["title"])
            ctx.report.moved.append(Note("rep_front_matter", first=it.line, last=it.attrs.get("end_line", it.line),
                                         fields=[named("rep_field_", META_KEYS.get(f, f)) for f in fields]))
        elif it.kind == "dropped":
            rule = it.attrs.get("rule", "sanitised")
            reason = it.attrs.get("reason") or Note({
                "no-hotlink": "rep_why_no_hotlink", "shortcode": "rep_why_shortcode",
                "html-comment": "rep_why_html_comment"}.get(rule, "rep_why_sanitised"))
            entry = {"line": it.line, "text": it.attrs.get("text", ""), "rule": rule, "reason": reason}
            if it.attrs.get("lines"):
                entry["lines"] = it.attrs["lines"]
            ctx.report.dropped.append(entry)
        else:
            out.append(it)
    return out


def _grid(rows):
    """Plain text per cell (for the tables stage) from the cells' inline Markdown."""
    return [(ln, [re.sub(r"\s+", " ", plain(c).replace("**", "")).strip() for c in cells]) for ln, cells in rows]


def _table_item(ctx, it, caption_item, number) -> Item:
    caption = caption_item and _TABLE_CAP.match(plain(caption_item.text))
    rows = _grid(it.attrs["rows"])
    width = max(len(c) for _, c in rows)
    return Item("table", f"表{caption.group(1) if caption else number}", caption_item.line if caption else it.line, {
        "number": caption.group(1) if caption else str(number),
        "caption": caption.group(2).strip() if caption else "",
        "caption_line": caption_item.line if caption else it.line,
        "rows": [(ln, "\t".join(c + [""] * (width - len(c)))) for ln, c in rows], "notes": [],
        "source": "pipe"})


def pipe_tables(ctx, items):
    """A pipe table becomes a `table` item when the tables stage can read it as data (header row,
    then rows of numbers); otherwise its rows become list items (cells joined by ｜), reported."""
    from .. import tables

    out: list[Item] = []
    taken = {str(it.attrs.get("number")) for it in items if it.kind == "table"}
    auto = 0
    for it in items:
        if it.kind != "pipe_table":
            out.append(it)
            continue
        cap = out[-1] if out and out[-1].kind == "paragraph" and _TABLE_CAP.match(plain(out[-1].text)) else None
        auto += 1
        while str(auto) in taken:
            auto += 1
        table = _table_item(ctx, it, cap, auto)
        try:
            tables.extract(ctx.meta, table)
            ok, why = True, ""
        except BuildError as exc:
            # a missing chart spec is the editor's presentation step (as for any table), not a data problem
            data = [p for p in exc.problems if not p.message.endswith(": no chart spec")]
            ok, why = not data, data[0].message if data else ""
        except Exception as exc:  # noqa: BLE001 — any failure of the data reading means: keep it as text
            ok, why = False, f"not readable as data ({type(exc).__name__})"
        if ok:
            if cap is not None:
                out.pop()
            taken.add(table.attrs["number"])
            ctx.report.normalised.append(Note("rep_pipe_table", line=it.line, n=table.attrs["number"]))
            out.append(table)
            continue
        auto -= 1
        rows = [(ln, cells) for ln, cells in it.attrs["rows"] if any(c.strip() for c in cells)]
        originals = dict(it.attrs.get("original_rows") or [])
        list_id = f"pipe{it.line}"
        cols = max((len(cells) for _, cells in rows), default=0)
        for k, (ln, cells) in enumerate(rows):
            # one segment per row, cells joined by ｜ (pages show a table, other views a list of rows)
            attrs = {"list": list_id, "ordered": False, "table_row": True, "cols": cols, "table_head": k == 0}
            if ln in originals:
                attrs["original"] = "｜".join(c.strip() for c in originals[ln])
            out.append(Item("list_item", "｜".join(c.strip() for c in cells), ln, attrs))
        ctx.report.warnings.append(Note("rep_pipe_rows", line=it.line, rows=len(rows), why=why))
    return out


_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")


_LINK_BOX = re.compile(r"\s*[^\[\]()（）。！？，,]{0,12}?[:：]?\s*\[[^\]]+\]\([^)]+\)\s*")
_SOURCE_URL = re.compile(r"\s*[^\s:：]{1,10}[:：]\s*(https?://\S+)\s*")


def link_bars(ctx, items):
    """A heading or paragraph made only of two or more links (and separators) is a navigation bar,
    and one made only of a short label and one link is a link box ("相关链接：[…]"): not text, dropped
    and reported. A label with a bare URL ("原文链接：https://…") is the source's address: metadata."""
    out = []
    for it in items:
        url = _SOURCE_URL.fullmatch(it.text.replace("\\", "")) if it.kind == "paragraph" else None
        if url:
            ctx.front.setdefault("source_url", url.group(1))
            ctx.report.moved.append(Note("rep_source_address", line=it.line, field=named("rep_field_", "source_url")))
            continue
        if it.kind in ("paragraph", "heading") and _LINK_BOX.fullmatch(it.text):
            ctx.report.dropped.append({"line": it.line, "text": plain(it.text), "rule": "link-box",
                                       "reason": Note("rep_why_link_box")})
            continue
        if it.kind in ("heading", "paragraph") and len(_LINK.findall(it.text)) >= 2 \
                and not re.sub(r"[\s|｜·•/\\\-–—,，、]+", "", _LINK.sub("", it.text).replace("&nbsp;", "")):
            ctx.report.dropped.append({"line": it.line, "text": plain(it.text)[:80], "rule": "link-bar",
                                       "reason": Note("rep_why_link_bar")})
            continue
        out.append(it)
    return out
