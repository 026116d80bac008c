"""Adapter for Markdown sources, parsed with markdown-it-py.

Output items: heading (attrs.hashes = the unreliable `#` count), paragraph, list_item,
rows (tab-separated lines: a table body, kept raw with line numbers), pipe_table (a GitHub pipe
table: header and cell text per row, with line numbers), meta (the YAML front matter: metadata,
never body text), dropped (what was removed: comments, embeds, shortcodes — reported by the repairs)
and the items of raw HTML blocks (parsed and sanitised by `htmlblock`)."""
from __future__ import annotations

import heapq
import re
import tomllib

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from ..yamlpos import error_line
from ..errors import BuildError, Problem
from ..model import Note
from .base import Item, escape_md, join_cjk
from .htmlblock import parse_block

_md = MarkdownIt("commonmark", {"html": True}).use(footnote_plugin)   # [^1] … [^1]: notes
_CITE = re.compile(r"^\[(\d+(?:\s*[,，\-–]\s*\d+)*)\]$")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def inline_to_md(children) -> str:
    """Convert markdown-it inline tokens to our inline Markdown (see model.py)."""
    out: list[str] = []
    sup: list[str] | None = None
    link_text: list[str] | None = None
    href = ""
    for tok in children or []:
        t = tok.type
        if t == "html_inline":
            tag = tok.content.strip().lower()
            if tag == "<sup>":
                sup = []
            elif tag == "</sup>" and sup is not None:
                inner = "".join(sup).strip()
                m = _CITE.match(inner)
                if m:
                    nums = re.sub(r"\s+", "", m.group(1))
                    out.append(f"[@{nums}]")
                elif inner and inner in _CIRCLED:
                    out.append(f"[^fn{_CIRCLED.index(inner) + 1}]")
                elif inner:
                    out.append(f"^{inner}^")
                sup = None
            # any other inline tag is dropped (its text content survives as text tokens)
            continue
        if t == "text" or t == "code_inline":
            text = tok.content
            if sup is not None:
                sup.append(text)
            elif link_text is not None:
                link_text.append(escape_md(text))
            else:
                out.append(escape_md(text))
        elif t == "image":          # never hot-linked; its alt text is source text and stays
            alt = "".join(c.content for c in tok.children or [] if c.type == "text") or tok.content
            if alt.strip():
                (link_text if link_text is not None else out).append(escape_md(alt))
        elif t == "footnote_ref":
            out.append(f"[^fn{tok.meta['id'] + 1}]")
        elif t in ("softbreak", "hardbreak"):
            out.append("\n")
        elif t == "strong_open" or t == "strong_close":
            out.append("**")
        elif t == "em_open" or t == "em_close":
            out.append("*")
        elif t == "link_open":
            href = tok.attrGet("href") or ""
            link_text = []
        elif t == "link_close" and link_text is not None:
            text = "".join(link_text)
            out.append(f"[{text}]({href})" if href else text)
            link_text = None
    return "".join(out)


def flatten_breaks(text: str) -> str:
    """Join wrapped lines inside one paragraph (no space between CJK)."""
    parts = text.split("\n")
    acc = parts[0]
    for p in parts[1:]:
        acc = join_cjk(acc, p)
    return acc.strip()


FOOTER_MAX_BLOCKS = 3
FOOTER_MAX_CHARS = 200


def _footer_after_rule(items: list[Item], rule_line: int) -> list[Item]:
    """What follows the document's last thematic break (`---`) at its very end — at most a few short
    blocks, one of them a link — is the site's footer (subscription appeal, archive links), not the
    article: dropped and reported."""
    if not rule_line:
        return items
    tail = [it for it in items if it.line > rule_line and not it.text.startswith("[^fn")
            and not it.attrs.get("footnote_more")]
    text = [it for it in tail if it.kind in ("paragraph", "heading", "list_item", "quote")]
    if not text or len(text) != len(tail) or len(text) > FOOTER_MAX_BLOCKS \
            or sum(len(it.text) for it in text) > FOOTER_MAX_CHARS + 400 \
            or sum(len(re.sub(r"\]\([^)]*\)", "]", it.text)) for it in text) > FOOTER_MAX_CHARS \
            or not any(re.search(r"\]\([^)]+\)", it.text) for it in text):
        return items
    gone = {id(it) for it in tail}
    keep = [it for it in items if id(it) not in gone]
    return keep + [Item("dropped", "", it.line, {"rule": "site-footer", "text": it.text,
                                                "reason": Note("rep_why_site_footer")})
                   for it in tail]


def _bold_heading(md: str) -> str:
    """The text of a paragraph that is only one short bold phrase without a sentence end ('' otherwise)."""
    m = re.fullmatch(r"\*\*([^*]+)\*\*", md.strip())
    if not m or len(m.group(1)) > 40 or re.search(r"[。！？!?；;]\s*$", m.group(1)):
        return ""
    return m.group(1).strip()


_ITEM_MARK = re.compile(r"^(?:[(（]\d{1,2}[)）]|\d{1,2}[.、．)]|[①-⑳])\s*")
_FENCE = re.compile(r"^(---|\.\.\.)\s*$")
_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")


def front_matter(lines: list[str], path) -> tuple[Item | None, int]:
    """A YAML header (`---` … `---` at the very top) -> a `meta` item and the number of lines it takes."""
    if lines and lines[0].strip() == "+++":         # TOML front matter (Hugo)
        end = next((k for k in range(1, len(lines)) if lines[k].strip() == "+++"), None)
        if end is None:
            return None, 0
        try:
            data = tomllib.loads("\n".join(lines[1:end]))
        except tomllib.TOMLDecodeError as exc:
            raise BuildError(Problem(str(path), 1, f"the TOML front matter (lines 1–{end + 1}) is not valid TOML: {exc}",
                                     "fix the header in a copy of the file and add that copy instead")) from exc
        return Item("meta", "", 1, {"fields": data, "end_line": end + 1}), end + 1
    if not lines or lines[0].strip() != "---":
        return None, 0
    end = next((k for k in range(1, len(lines)) if _FENCE.match(lines[k])), None)
    body = [ln for ln in lines[1:end] if ln.strip()] if end else []
    if end is None or not body or not _KEY.match(body[0]):
        return None, 0          # a thematic break, not a header
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        line = error_line(exc)
        raise BuildError(Problem(str(path), line + 1 if line else 2,
                                 f"the YAML front matter (lines 1–{end + 1}) is not valid YAML: "
                                 f"{getattr(exc, 'problem', exc)}",
                                 "fix the header in a copy of the file (quote values that contain `: `) "
                                 "and add that copy instead")) from exc
    if not isinstance(data, dict):
        return None, 0
    return Item("meta", "", 1, {"fields": data, "end_line": end + 1}), end + 1


_DELIM = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_LINK_DEF = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*\S+")
_SHORTCODE = re.compile(r"^\s*\{\{[<%].*[>%]\}\}\s*$")


def _cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [c.replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row)]


def _cell_md(cell: str) -> str:
    """Inline Markdown of one cell; a hard break inside a cell (a row continued on the next line) is
    joined like a wrapped line."""
    joined = ""
    for part in cell.split("\n"):
        joined = join_cjk(joined, part.strip())
    joined = re.sub(r"\*\*\s*\*\*", "", joined)          # **a**  **b** split over two lines
    tokens = _md.parseInline(joined)
    return flatten_breaks(inline_to_md(tokens[0].children if tokens else []))


def _in_fences(lines: list[str]) -> set[int]:
    """Indices of lines inside fenced code blocks (their pipes and braces are code, not tables)."""
    inside, fence, out = False, "", set()
    for k, ln in enumerate(lines):
        m = re.match(r"^\s{0,3}(`{3,}|~{3,})", ln)
        if m and (not inside or m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)):
            inside, fence = not inside, m.group(1)
            out.add(k)
        elif inside:
            out.add(k)
    return out


def pipe_tables(lines: list[str]) -> list[Item]:
    """GitHub pipe tables: a header row, a delimiter row (`| --- | :-: |`), then rows. A row whose
    physical line does not end with `|` continues on the next line(s) (cells with hard breaks)."""
    out = []
    code = _in_fences(lines)
    k = 0
    while k < len(lines):
        if "|" not in lines[k] or k + 1 >= len(lines) or k in code:
            k += 1
            continue
        # the header may itself be continued over several lines
        head, j = lines[k], k + 1
        leading = lines[k].lstrip().startswith("|")
        while leading and not head.rstrip().endswith("|") and j < len(lines) and lines[j].strip() \
                and not _DELIM.match(lines[j]) and not lines[j].lstrip().startswith("|"):
            head += "\n" + lines[j]
            j += 1
        if j >= len(lines) or not _DELIM.match(lines[j]) or "|" not in lines[j]:
            k += 1
            continue
        ncols = len(_cells(lines[j]))
        header = _cells(head)
        if len(header) != ncols:
            k += 1
            continue
        rows = [(k + 1, header)]
        end = j + 1
        while end < len(lines) and lines[end].strip() and "|" in lines[end] or (
                end < len(lines) and lines[end].strip() and leading and rows and end > j + 1
                and not lines[end - 1].rstrip().endswith("|")):
            start, row = end, lines[end]
            end += 1
            while leading and not row.rstrip().endswith("|") and end < len(lines) and lines[end].strip() \
                    and not lines[end].lstrip().startswith("|"):       # a cell continued on the next line
                row += "\n" + lines[end]
                end += 1
            rows.append((start + 1, _cells(row)))
        out.append(Item("pipe_table", "", k + 1, {
            "rows": [(ln, [_cell_md(c) for c in cells]) for ln, cells in rows],
            "end_line": end, "header_rows": 1,
            "align": [("center" if c.strip().startswith(":") and c.strip().endswith(":") else
                       "right" if c.strip().endswith(":") else "") for c in _cells(lines[j])]}))
        k = end
    return out


def parse(text: str, meta) -> list[Item]:
    lines = text.split("\n")
    pre: list[Item] = []
    fm, skip = front_matter(lines, getattr(meta, "path", ""))
    if fm:
        pre.append(fm)
    masked = [""] * skip + lines[skip:]
    for tab in pipe_tables(masked):
        pre.append(tab)
        for n in range(tab.line - 1, tab.attrs["end_line"]):
            masked[n] = ""
    code = _in_fences(masked)
    for n, ln in enumerate(masked):
        if _LINK_DEF.match(ln) and n not in code:      # markup (the parser still reads it), not text
            pre.append(Item("dropped", "", n + 1, {"rule": "link-definition", "text": ln.strip(), "lines": [n + 1, n + 1],
                                                   "reason": Note("rep_why_link_definition")}))
        if _SHORTCODE.match(ln) and n not in code:
            pre.append(Item("dropped", "", n + 1, {"rule": "shortcode", "text": ln.strip()[:80]}))
            masked[n] = ""
    tokens = _md.parse("\n".join(masked))
    items: list[Item] = []
    last_rule = 0
    note_id, note_first = 0, False
    list_stack: list[dict] = []
    list_counter = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = (tok.map[0] + 1) if tok.map else 0
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            title = flatten_breaks(inline_to_md(inline.children))
            bold = re.fullmatch(r"\*\*([^*]+)\*\*", title)      # an all-bold heading is just a heading
            items.append(Item("heading", bold.group(1) if bold else title, line, {"hashes": int(tok.tag[1])}))
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            list_counter += 1
            list_stack.append({"id": list_counter, "ordered": tok.type.startswith("ordered")})
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif tok.type == "list_item_open" and list_stack:
            list_stack[-1]["number"] = tok.info or ""
        elif tok.type == "footnote_open":
            note_id = tok.meta.get("id", 0) + 1
            note_first = True
        elif tok.type == "footnote_close":
            note_id = 0
        elif tok.type == "paragraph_open" and note_id:
            # a footnote's text: `[^fnN] …` paragraphs, which the footnote rule moves out of the body
            md = flatten_breaks(inline_to_md(tokens[i + 1].children))
            items.append(Item("paragraph", (f"[^fn{note_id}]" if note_first else "") + md, line,
                              {} if note_first else {"footnote_more": note_id}))
            note_first = False
            i += 3
            continue
        elif tok.type == "paragraph_open":
            inline = tokens[i + 1]
            raw = lines[tok.map[0]:tok.map[1]]
            if list_stack:
                items.append(Item("list_item", flatten_breaks(inline_to_md(inline.children)), line,
                                  {"list": list_stack[-1]["id"], "ordered": list_stack[-1]["ordered"],
                                   "number": list_stack[-1].get("number", "")}))
            elif re.fullmatch(r"\s*<([A-Za-z][A-Za-z0-9]*)\b[^>]*>[^<]*</\1>\s*", "\n".join(raw)):
                # an inline element standing alone (`<time …>…</time>`): parsed as HTML, not as text
                items.extend(parse_block("\n".join(raw), line))
            elif sum("\t" in r.strip() for r in raw) >= 1 and len(raw) >= 2:
                items.append(Item("rows", "", line,
                                  {"rows": [(tok.map[0] + 1 + k, r) for k, r in enumerate(raw)]}))
            else:
                md = inline_to_md(inline.children)
                parts = [s.strip() for s in md.split("\n") if s.strip()]
                if len(parts) >= 2 and all(_ITEM_MARK.match(p) for p in parts):
                    list_counter += 1      # `(1) … (2) …` on lines of one paragraph: a numbered list
                    for k, p in enumerate(parts):
                        m = _ITEM_MARK.match(p)
                        items.append(Item("list_item", p[m.end():].strip(), line + k,
                                          {"list": list_counter, "ordered": False, "marker": m.group(0).strip()}))
                        items[-1].text = m.group(0).strip() + " " + items[-1].text
                elif _bold_heading(flatten_breaks(md)):
                    items.append(Item("heading", _bold_heading(flatten_breaks(md)), line, {"bold_heading": True}))
                else:
                    items.append(Item("paragraph", flatten_breaks(md), line, {"lines": parts}))
            i += 3
            continue
        elif tok.type == "html_block":
            items.extend(parse_block(tok.content, line))
        elif tok.type == "hr" and tok.level == 0:
            last_rule = line
        elif tok.type in ("code_block", "fence"):
            raw = lines[tok.map[0]:tok.map[1]]
            if any("\t" in r.strip() for r in raw):
                items.append(Item("rows", "", line, {"rows": [(tok.map[0] + 1 + k, r) for k, r in enumerate(raw)]}))
            else:
                items.append(Item("paragraph", escape_md(flatten_breaks(tok.content)), line, {"hard_end": True}))
        i += 1
    items = _footer_after_rule(items, last_rule)
    # a paragraph that is one short bold phrase is a sub-heading one level below the deepest `#` heading
    deepest = max((it.attrs.get("hashes", 0) for it in items if it.kind == "heading"), default=0)
    for it in items:
        if it.kind == "heading" and it.attrs.get("bold_heading"):
            it.attrs["hashes"] = min(6, deepest + 1)
    # the pre-scanned items go where their lines are; the parser's items keep their own order
    merged = list(heapq.merge(items, sorted(pre, key=lambda it: it.line), key=lambda it: it.line))
    return _merge_rows(merged)


def _merge_rows(items: list[Item]) -> list[Item]:
    """A table whose header starts with a tab is split by markdown-it into an indented code block
    and a paragraph; contiguous row runs are one table."""
    out: list[Item] = []
    for it in items:
        if it.kind == "rows" and out and out[-1].kind == "rows" and out[-1].attrs["rows"][-1][0] + 1 == it.attrs["rows"][0][0]:
            out[-1].attrs["rows"].extend(it.attrs["rows"])
        else:
            out.append(it)
    return out
