"""Repair rules for plain text and page text (hard-wrapped PDF text layers, OCR): running page
headers and page numbers (found by repetition, never by wording) removed and reported; the title,
date, issuer and speaker lines at the top recognised as front matter (not a chapter)."""
from __future__ import annotations

import re
from collections import Counter

from ..numerals import CN_NUMBER
from .rules import NUMBER_RE, _width, ends_sentence, plain

HEADER_MIN_REPEATS = 3        # a short line seen this often through the text is a running header
HEADER_MAX_WIDTH = 60
PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?(\d{1,4})(?:\s*页)?[-—–\s]*$")
DATE_LINE = re.compile(rf"^[(（]?\s*(?:\d{{4}}|[{CN_NUMBER[1:-2]}〇○]{{4}})\s*年\s*[\d{CN_NUMBER[1:-2]}]{{1,3}}\s*月"
                       rf"(?:\s*[\d{CN_NUMBER[1:-2]}]{{1,3}}\s*日)?.{{0,6}}[)）]?$")
FRONT_MAX_LINES = 8


def _key(text: str) -> str:
    return re.sub(r"\s+", "", plain(text))


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
    rising = sum(1 for (_, a), (_, b) in zip(numbers, numbers[1:]) if b > a)
    page_numbers = {k for k, _ in numbers} if len(numbers) >= HEADER_MIN_REPEATS and rising >= 0.8 * (len(numbers) - 1) \
        else set()
    if not headers and not page_numbers:
        return items
    drop = {id(it) for it in lines if _key(it.text) in headers} | {id(lines[k]) for k in page_numbers}
    for k_text in sorted(headers):
        at = [it.line for it in lines if _key(it.text) == k_text]
        ctx.report.dropped.append({"line": at[0], "text": k_text[:80], "rule": "running-header",
                                   "reason": f"repeated {len(at)} times through the text (page header/footer), "
                                             f"lines {', '.join(map(str, at[:6]))}{' …' if len(at) > 6 else ''}"})
    if page_numbers:
        nums = [lines[k] for k in sorted(page_numbers)]
        ctx.report.dropped.append({"line": nums[0].line, "text": f"{nums[0].text.strip()} … {nums[-1].text.strip()}",
                                   "rule": "page-number", "reason": f"{len(nums)} page numbers (lines standing alone, rising)"})
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
        if (len(front) >= FRONT_MAX_LINES or _width(text) > 80 or re.search(r"[。！？；!?;]", text)
                or re.search(r"[：:，,]$", text) or NUMBER_RE.match(text)):
            break
        front.append(it)
    if not front or len(front) == len([it for it in out if it.kind == "line"]):
        return items
    ctx.front.setdefault("title", front[0].text)
    ctx.report.moved.append(f"line {front[0].line}: title → metadata")
    for it in front[1:]:
        if DATE_LINE.match(plain(it.text).strip()):
            ctx.front.setdefault("date_line", it.text)
        ctx.front.setdefault("lines", []).append(it.text)
        ctx.report.moved.append(f"line {it.line}: front line → metadata")
    return out[len(front):]
