"""Heading rules: levels and section slugs from the printed numbering (1.2, 一、, （一）, 第X章/节/条;
the shallowest `#` level present for unnumbered headings), the source's own table of contents
checked against the body, and the reference list."""
from __future__ import annotations

import re

from ..model import Note
from ..numerals import cn_to_int
from ..sources.base import CJK_RE
from .rules import plain

NUMBER_RE = re.compile(
    r"^(?:(?P<arabic>\d+(?:\.\d+)*)\.?\s+|(?P<cn>[一二三四五六七八九十百]+)\s*、|[(（]\s*(?P<cnp>[一二三四五六七八九十百]+)\s*[)）]"
    r"|第\s*(?P<chap>[一二三四五六七八九十百零〇两\d]+)\s*(?P<unit>编|編|部分|章|节|節|条|條))\s*(?P<title>.*)$"
)
CHAPTER_LEVEL = {"编": 1, "編": 1, "部分": 1, "章": 1, "节": 2, "節": 2, "条": 3, "條": 3}
CHAPTER_SLUG = {"编": "part", "編": "part", "部分": "part", "章": "ch", "节": "sec", "節": "sec", "条": "art", "條": "art"}
UNNUMBERED_L1 = {"前言": "preface", "结束语": "conclusion", "参考文献": "references", "目录": "toc",
                 "引言": "introduction", "结语": "conclusion", "附录": "appendix", "致谢": "acknowledgements"}




def heading_levels(ctx, items):
    """Level from the printed numbering, not from the count of `#`; unnumbered headings are levelled
    from the shallowest `#` count present (a document whose headings are all `###` has them at the
    top level, one page each)."""
    top = min((it.attrs["hashes"] for it in items if it.kind == "heading" and it.attrs.get("hashes")
               and not it.attrs.get("article")), default=1)
    numbered_articles = False
    chapter_units = {m.group("unit") for it in items if it.kind == "heading"
                     for m in [NUMBER_RE.match(plain(it.text).strip())] if m and m.group("chap")}
    for it in items:
        if it.kind != "heading":
            continue
        if it.attrs.get("article"):
            it.attrs.update(level=1, number="")
            m = NUMBER_RE.match(plain(it.text).strip())
            if m and (m.group("cn") or m.group("cnp") or m.group("chap")) and m.group("title"):
                # a numbered headline keeps its number
                it.attrs["number"] = m.group("cn") or (f"({m.group('cnp')})" if m.group("cnp") else
                                                       f"第{m.group('chap')}{m.group('unit')}")
                it.text = _unspace(m.group("title"))
                numbered_articles = True
            elif numbered_articles and it.text:
                it.attrs["level"] = 2          # an unnumbered headline inside a numbered part
            continue
        title = plain(it.text).strip()
        relative = False
        m = NUMBER_RE.match(title)
        if title in UNNUMBERED_L1:
            it.attrs.update(level=1, number="", slug=UNNUMBERED_L1[title])
        elif m and m.group("arabic"):
            num = m.group("arabic")
            it.attrs.update(level=num.count(".") + 1, number=num, slug="s" + num.replace(".", "-"))
            it.text = it.text[it.text.find(m.group("title")[:3]):] if m.group("title") else ""
        elif m and m.group("cn"):
            it.attrs.update(level=1, number=m.group("cn"), slug=f"s{cn_to_int(m.group('cn'))}")
            it.text = m.group("title")
        elif m and m.group("cnp"):
            it.attrs.update(level=2, number=f"({m.group('cnp')})", cn_sub=cn_to_int(m.group("cnp")))
            it.text = m.group("title")
        elif m and m.group("chap"):
            unit, n = m.group("unit"), m.group("chap")
            value = int(n) if n.isdigit() else cn_to_int(n)
            levels = sorted({CHAPTER_LEVEL[u] for u in chapter_units})
            it.attrs.update(level=levels.index(CHAPTER_LEVEL[unit]) + 1, number=f"第{n}{unit}",
                            slug=f"{CHAPTER_SLUG[unit]}{value}")
            it.text = _unspace(m.group("title"))
        else:   # unnumbered: the shallowest heading level present is the top level
            depth = 1 + max(0, it.attrs.get("hashes", top) - top)
            it.attrs.update(level=2 if it.attrs.get("subheading") else min(depth, 3), number="")
            relative = it.attrs["level"] != (2 if it.attrs.get("subheading") or it.attrs.get("hashes", 1) > 1 else 1)
        if relative:
            ctx.report.normalised.append(Note("rep_heading_unnumbered", line=it.line, title=title[:20],
                                              level=it.attrs["level"], hashes="#" * top))
        elif it.attrs.get("hashes") and it.attrs["level"] != max(1, it.attrs["hashes"] - 1):
            ctx.report.normalised.append(Note("rep_heading_level", line=it.line, title=title[:20],
                                              level=it.attrs["level"], hashes="#" * it.attrs["hashes"]))
    return items


def _unspace(title: str) -> str:
    """A letter-spaced title (`总 则`, `附　则`: every token one character) loses its spaces."""
    tokens = title.split()
    if len(tokens) > 1 and all(len(t) == 1 and CJK_RE.match(t) for t in tokens):
        return "".join(tokens)
    return title


def source_toc(ctx, items):
    """A source's own table of contents (目录) is lifted out of the body and checked against it:
    entries the body lacks are reported (the source may be truncated)."""
    start = next((i for i, it in enumerate(items) if it.kind == "heading" and it.attrs.get("slug") == "toc"), None)
    if start is None:
        return items
    entries = []
    end = start + 1
    first_title = None
    while end < len(items):
        it = items[end]
        title = plain(it.text).strip()
        if it.kind == "heading":
            if first_title is not None and title == first_title and it.attrs.get("number", "") == entries[0]["number"]:
                break
            first_title = first_title or title
            entries.append({"number": it.attrs.get("number", ""), "title": it.text, "level": it.attrs.get("level", 1),
                            "line": it.line})
        elif it.kind == "list_item":
            m = NUMBER_RE.match(title)
            if m and m.group("cnp"):
                entries.append({"number": f"({m.group('cnp')})", "title": m.group("title"), "level": 2, "line": it.line})
            else:
                entries.append({"number": "", "title": it.text, "level": 2, "line": it.line})
        else:
            break
        end += 1
    body = items[end:]
    heads = [(it.attrs.get("number", ""), plain(it.text).strip()) for it in body if it.kind == "heading"]
    present = {t for _, t in heads}
    for e in entries:
        e["present"] = plain(e["title"]).strip() in present
        if not e["present"]:
            ctx.report.missing.append(Note("rep_missing", line=e["line"],
                                           title=f"{e['number']}{' ' if e['number'] else ''}{plain(e['title'])}"))
    ctx.toc = entries
    ctx.report.moved.append(Note("rep_toc", first=items[start].line, last=items[end - 1].line, n=len(entries)))
    return items[:start] + body


def references(ctx, items):
    """List items `[n] …` under a 参考文献 heading become reference entries."""
    in_refs = False
    for it in items:
        if it.kind == "heading":
            in_refs = it.attrs.get("slug") == "references"
        elif in_refs and it.kind == "list_item":
            m = re.match(r"^\[(\d+)\]\s*(.+)$", it.text)
            if m:
                it.kind = "reference"
                it.attrs["number"] = int(m.group(1))
                it.text = m.group(2)
    return items
