"""Repair rules for plain text and page text (hard-wrapped PDF text layers, OCR): reflow of wrapped
lines into paragraphs, headlines, datelines and bylines; line classification of plain text; running
page headers and page numbers (found by repetition, never by wording) removed and reported; the
title, date, issuer and speaker lines at the top recognised as front matter (not a chapter); stray
spaces."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ..model import Note
from ..numerals import CN_NUMBER
from ..sources.base import CJK, CJK_RE, Item, aligned_cells, aligned_runs, join_cjk
from .headings import NUMBER_RE
from .rules import _regex, ends_sentence, plain

HEADER_MIN_REPEATS = 3        # a short line seen this often through the text is a running header
HEADER_MAX_WIDTH = 60
PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*|[Pp]age\s*)?(\d{1,4})(?:\s*[页頁])?(?:\s*(?:/\s*共|/|of|共)\s*\d{1,4}\s*[页頁]?)?[-—–\s]*$")
EDGE_NUMBER = re.compile(r"^\d{1,4}(?=\D)|(?<=\D)\d{1,4}$")   # a page number printed in the header line
DATE_LINE = re.compile(rf"^[(（]?\s*(?:\d{{4}}|[{CN_NUMBER[1:-2]}〇○]{{4}})\s*年\s*[\d{CN_NUMBER[1:-2]}]{{1,3}}\s*月"
                       rf"(?:\s*[\d{CN_NUMBER[1:-2]}]{{1,3}}\s*日)?.{{0,6}}[)）]?$")
FRONT_MAX_LINES = 8
ASIDE = re.compile(r"^\s*[(（\[【][^()（）]*[)）\]】]\s*$")
DATE_UNITS = "年月日時时點点分秒號号萬万億亿元個个倍%％"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def reflow_ocr(ctx, items):
    """Join hard-wrapped OCR lines into paragraphs; find headlines, datelines and column changes.

    - a paragraph ends at a line that ends a sentence and is visibly shorter than the column;
    - an indented line (≥ 2 spaces) starts a paragraph;
    - headlines: at the start, unpunctuated lines before the first indented line; later, a run of
      1–3 short unpunctuated lines right after a paragraph end;
    - a change of column width (> 25 %) between paragraphs starts a new article.
    """
    lines = [it for it in items if it.kind == "line"]
    if not lines:
        return items
    all_widths = [_width(it.text) for it in lines]

    def col_at(k: int) -> int:
        """Column width around line k (newspaper columns differ per article)."""
        window = sorted(all_widths[max(0, k - 4):k + 5])
        return window[int(len(window) * 0.8)]
    punct = re.compile(r"[，。、；：！？,.;:!?]")
    def wrapped(k: int) -> bool:
        """Line k runs to the column edge without ending a sentence: the text goes on."""
        return not ends_sentence(lines[k].text) and _width(lines[k].text) >= 0.85 * page_col

    page_col = sorted(all_widths)[int(len(all_widths) * 0.8)]

    # do blank lines separate paragraphs here? Only if (nearly) no blank line falls inside wrapped text
    blanks = [k for k in range(1, len(lines)) if lines[k].attrs.get("blank_before")]
    blank_paras = len(blanks) >= 10 and sum(wrapped(k - 1) for k in blanks) <= 0.1 * len(blanks)
    groups: list[dict] = []   # {"kind": "headline"|"para", "lines": [...]}
    para: list[Item] = []

    def close():
        nonlocal para
        if para:
            groups.append({"kind": "para", "lines": para})
            para = []

    i = 0
    at_start = True
    intro = False      # inside what a line ending in a colon introduces
    while i < len(lines):
        it = lines[i]
        if at_start:
            if it.attrs["indent"] < 2 and not punct.search(it.text):
                groups.append({"kind": "headline", "lines": [it]})
                i += 1
                continue
            at_start = False
        col = col_at(i)
        if para and blank_paras and it.attrs.get("blank_before") and not wrapped(i - 1):
            para[-1].attrs["hard_end"] = True      # ended by a blank line: not a page break inside a sentence
            close()
        # (a line wholly in brackets is an aside — a stage direction, a note — not a headline)
        # (nor is an unnumbered line right after a colon: it is what the colon introduces — a list,
        # a table's header — not a heading over the text)
        if i > 0 and lines[i - 1].text.rstrip().endswith(("：", ":")):
            intro = True
        elif punct.search(it.text) or NUMBER_RE.match(plain(it.text)) or _width(it.text) >= 0.7 * col:
            intro = False
        after_colon = intro and not NUMBER_RE.match(plain(it.text))
        if not para and it.attrs["indent"] < 2 and not punct.search(it.text) and _width(it.text) < 0.7 * col \
                and not ASIDE.match(it.text) and not after_colon:
            run = [it]
            while (i + len(run) < len(lines) and len(run) < 3 and not punct.search(lines[i + len(run)].text)
                   and (not blank_paras or lines[i + len(run)].attrs.get("blank_before"))
                   and lines[i + len(run)].attrs["indent"] < 2 and _width(lines[i + len(run)].text) < 0.7 * col):
                run.append(lines[i + len(run)])
            nxt = lines[i + len(run)] if i + len(run) < len(lines) else None
            # a headline stands over running text: the line after it runs (nearly) to the column edge
            if nxt is not None and (not blank_paras or _width(nxt.text) >= 0.7 * page_col or nxt.attrs["indent"] >= 2
                                    or NUMBER_RE.match(plain(run[0].text))):
                groups.append({"kind": "headline", "lines": run})
                i += len(run)
                continue
        if para and it.attrs["indent"] >= 2:
            close()
        para.append(it)
        if ends_sentence(it.text) and _width(it.text) < col - 3:
            close()
        i += 1
    close()

    out: list[Item] = []
    article = 0
    prev_width = None
    prev_kind = None
    for g in groups:
        first = g["lines"][0]
        if g["kind"] == "headline":
            if prev_kind != "headline":
                article += 1
                out.append(Item("heading", g["lines"][0].text, first.line, {"hashes": 1, "article": article}))
                for sub in g["lines"][1:]:
                    out.append(Item("subheadline", sub.text, sub.line, {"article": article}))
            else:
                for sub in g["lines"]:
                    out.append(Item("subheadline", sub.text, sub.line, {"article": article}))
            prev_kind = "headline"
            continue
        width = max(_width(x.text) for x in g["lines"])
        # (a text whose paragraphs are set off by blank lines is not a page of newspaper columns)
        if prev_width and prev_kind != "headline" and abs(width - prev_width) > 0.25 * prev_width and len(g["lines"]) > 1 \
                and not blank_paras:
            article += 1
            out.append(Item("heading", "", first.line, {"hashes": 1, "article": article, "untitled": True}))
            ctx.report.warnings.append(Note("rep_column_width", line=first.line, a=str(prev_width), b=str(width)))
        if len(g["lines"]) > 1:
            prev_width = width
        text = g["lines"][0].text
        for nxt in g["lines"][1:]:
            text = join_cjk(text, nxt.text)
        ctx.report.joined.append(Note("rep_ocr_lines", first=first.line, last=g["lines"][-1].line, n=len(g["lines"])))
        out.append(Item("paragraph", text, first.line, {"article": article, "end_line": g["lines"][-1].line,
                                                         **({"hard_end": True} if g["lines"][-1].attrs.get("hard_end") else {})}))
        prev_kind = "para"
    # datelines and bylines are recognised from patterns (data), then split off
    final: list[Item] = []
    for it in out:
        if it.kind != "paragraph":
            final.append(it)
            continue
        for pat in ctx.patterns.get("datelines", []):
            m = _regex(ctx, "datelines", pat).search(it.text)
            if m:
                final.append(Item("dateline", m.group("dateline"), it.line, {}))
                it.text = it.text[m.end():].strip()
                break
        byline = None
        for pat in ctx.patterns.get("bylines", []):
            m = _regex(ctx, "bylines", pat).search(it.text)
            if m:
                byline = Item("byline", m.group("byline"), it.attrs.get("end_line", it.line), {"role": "signature"})
                it.text = it.text[: m.start()].strip()
                break
        if it.text:
            final.append(it)
        if byline:
            final.append(byline)
    return final


def classify_plain_lines(ctx, items):
    """One line = one paragraph; `1. …` lines are list items; short unpunctuated lines are sub-headings."""
    out = []
    list_id = 0
    prev = None
    for it in items:
        if it.kind != "line":
            out.append(it)
            continue
        text = it.text
        cells = aligned_cells(text)
        if cells:       # a row of a table laid out in columns (a run of them becomes a table)
            out.append(Item("paragraph", text, it.line, {**it.attrs, "cells": cells}))
            prev = "paragraph"
            continue
        m = re.match(r"^(\d+)[.．、](?!\d)\s*(.+)$", text)
        if m:
            if prev != "list_item":
                list_id += 1
            out.append(Item("list_item", m.group(2), it.line,
                            {**it.attrs, "ordered": True, "number": m.group(1), "list": list_id}))
            prev = "list_item"
            continue
        m = re.match(r"^(?:[(（]\d{1,2}[)）]|[①-⑳])\s*\S", text)
        if m:         # (1) … / ① …: a list whose items keep their printed marks
            if prev != "list_item":
                list_id += 1
            out.append(Item("list_item", text, it.line, {**it.attrs, "ordered": False, "list": list_id}))
            prev = "list_item"
            continue
        numbered = NUMBER_RE.match(plain(text))
        if not ends_sentence(text) and not re.search(r"[。！？]", text) and (
                _width(plain(text)) <= 60 or numbered and not numbered.group("arabic") and _width(plain(text)) <= 120):
            out.append(Item("heading", text, it.line, {**it.attrs, "hashes": 2, "subheading": True}))
            prev = "heading"
            continue
        out.append(Item("paragraph", text, it.line, dict(it.attrs)))
        prev = "paragraph"
    return aligned_runs(out)


def ocr_spaces(ctx, items):
    """Remove stray OCR spaces inside CJK text, numbers and dates ("1月 31 日" → "1月31日")."""
    rx = re.compile(rf"(?<=[{CJK}\d，。、；：“”！？（）—])[ \u3000]+(?=[{CJK}\d，。、；：“”！？（）—])")
    # broken brackets and quotes: "(一 )", "“雙非嬰孩 ”" (a CJK character or digit on the inner side)
    brackets = re.compile(rf"(?<=[(（“‘「『])[ \u3000]+(?=[{CJK}\d])|(?<=[{CJK}\d])[ \u3000]+(?=[)）”’」』])")
    # in headings a space between two CJK phrases is a separator: only digit⇄CJK spaces go ("2013年 1月")
    # (a date part or unit next to the number: "2013年 1月 16日", "20 萬")
    digit_cjk = re.compile(rf"(?<=[{DATE_UNITS}])[ \u3000]+(?=\d)|(?<=\d)[ \u3000]+(?=[{DATE_UNITS}])")
    count = 0
    for it in items:
        if it.kind in ("heading", "subheadline", "list_item", "byline", "paragraph", "dateline"):
            new = brackets.sub("", it.text)
            if it.kind in ("paragraph", "dateline"):
                new = rx.sub(lambda m: "" if (CJK_RE.match(m.string[m.start() - 1]) or CJK_RE.match(m.string[m.end()])
                                              or not m.string[m.start() - 1].isdigit() or not m.string[m.end()].isdigit())
                             else m.group(0), new)
            else:
                new = digit_cjk.sub("", new)
            if new != it.text:
                count += it.text.count(" ") - new.count(" ")
                it.text = new
    if count:
        ctx.report.normalised.append(Note("rep_ocr_spaces", n=count))
    return items


def _key(text: str) -> str:
    """A line as compared for repetition: no spaces, no page number at either end."""
    key = re.sub(r"\s+", "", plain(text))
    stripped = EDGE_NUMBER.sub("", key) if re.match(r"^\d{1,4}\s", text.strip()) or re.search(r"\s\d{1,4}$", text.strip()) else key
    return stripped or key


def running_headers(ctx, items):
    """Lines that repeat through the text (page headers/footers) and runs of page numbers are
    page furniture: dropped and reported, so the text around a page break joins up."""
    lines = [it for it in items if it.kind == "line"]
    if len(lines) < 20:
        return items
    counts = Counter(_key(it.text) for it in lines)
    first_at: dict[str, int] = {}
    last_at: dict[str, int] = {}
    for k, it in enumerate(lines):
        first_at.setdefault(_key(it.text), k)
        last_at[_key(it.text)] = k
    headers = {k for k, n in counts.items()
               if n >= HEADER_MIN_REPEATS and k and _width(k) <= HEADER_MAX_WIDTH and not ends_sentence(k)
               and not PAGE_NUMBER.match(k) and last_at[k] - first_at[k] >= len(lines) // 3}
    numbers = [(k, int(m.group(1))) for k, it in enumerate(lines) for m in [PAGE_NUMBER.match(it.text)] if m]
    # page numbers rise by small steps and are spread through the text (a column of years is neither)
    steps = [b - a for (_, a), (_, b) in zip(numbers, numbers[1:])]
    spread = numbers and numbers[-1][0] - numbers[0][0] >= len(lines) // 3
    gaps = [kb - ka for (ka, _), (kb, _) in zip(numbers, numbers[1:])]
    page_numbers = {k for k, _ in numbers} if (len(numbers) >= HEADER_MIN_REPEATS and spread
                                               and sum(1 for d in steps if 0 < d <= 3) >= 0.8 * len(steps)
                                               and min(gaps) >= 3) else set()
    if not headers and not page_numbers:
        return items
    drop = {id(it) for it in lines if _key(it.text) in headers} | {id(lines[k]) for k in page_numbers}
    for k_text in sorted(headers):
        at = [it.line for it in lines if _key(it.text) == k_text]
        ctx.report.dropped.append({"line": at[0], "text": k_text[:80], "rule": "running-header",
                                   "reason": Note("rep_why_running_header", n=len(at),
                                                  lines=f"{', '.join(map(str, at[:6]))}{' …' if len(at) > 6 else ''}")})
    if page_numbers:
        nums = [lines[k] for k in sorted(page_numbers)]
        ctx.report.dropped.append({"line": nums[0].line, "text": f"{nums[0].text.strip()} … {nums[-1].text.strip()}",
                                   "rule": "page-number", "reason": Note("rep_why_page_number", n=len(nums))})
    return [it for it in items if id(it) not in drop]


def text_front_matter(ctx, items):
    """The short unpunctuated lines before the body (title, subtitle, date, issuer, speaker) are the
    document's front matter: the first is its title, the rest are shown under the title."""
    out = list(items)
    front = []
    for it in out:
        if it.kind != "line":
            break
        text = plain(it.text).strip()
        if (len(front) >= FRONT_MAX_LINES or _width(text) > (160 if not front else 80) or re.search(r"[。！？；!?;]", text)
                or re.search(r"[：:，,]$", text) or NUMBER_RE.match(text) or aligned_cells(it.text)):
            break
        front.append(it)
    if not front or len(front) == len([it for it in out if it.kind == "line"]):
        return items
    ctx.front.setdefault("title", front[0].text)
    ctx.report.moved.append(Note("rep_title_meta", line=front[0].line))
    for it in front[1:]:
        if DATE_LINE.match(plain(it.text).strip()):
            ctx.front.setdefault("date_line", it.text)
        ctx.front.setdefault("lines", []).append(it.text)
        ctx.report.moved.append(Note("rep_front_line", line=it.line))
    return out[len(front):]
