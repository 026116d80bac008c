"""The repair rules. One rule per function; each reports what it changed."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..errors import BuildError, Problem
from ..model import Note, Quote, named
from ..sources.base import CJK, CJK_RE, Item, join_cjk

TERMINAL_RE = re.compile(r"[。！？!?；;：:…][”’」』）)\]]*$|[。！？!?][”’」』）)]?\s*(\[@[\d,\-]+\]|\[\^\w+\])*$")


def ends_sentence(text: str) -> bool:
    return bool(TERMINAL_RE.search(text.strip()))


def plain(text: str) -> str:
    """Text without our inline markup (for measuring and matching)."""
    text = re.sub(r"\[@[\d,\-]+\]|\[\^\w+\]|\{\+\+|\+\+\}|\\", "", text)
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)


# ---------------------------------------------------------------- script and filtering

@lru_cache(maxsize=None)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(ctx, items):
    """Traditional → simplified with OpenCC (the config follows the manifest's script: SCRIPTS);
    the original stays in attrs["original"]."""
    from ..manifest import SCRIPTS

    config = SCRIPTS.get(ctx.meta.script)
    if not config:
        return items
    cc = _opencc(config)
    for it in items:
        if it.text:
            it.attrs["original"] = it.text
            it.text = cc.convert(it.text)
        if it.kind == "rows":
            it.attrs["rows"] = [(ln, cc.convert(txt)) for ln, txt in it.attrs["rows"]]
        if it.kind == "pipe_table":
            it.attrs["original_rows"] = it.attrs["rows"]
            it.attrs["rows"] = [(ln, [cc.convert(c) for c in cells]) for ln, cells in it.attrs["rows"]]
        elif it.kind == "meta":
            it.attrs["fields"] = {k: cc.convert(v) if isinstance(v, str) else
                                  [cc.convert(x) if isinstance(x, str) else x for x in v] if isinstance(v, list) else v
                                  for k, v in (it.attrs.get("fields") or {}).items()}
    # titles and metadata given in traditional script are converted like the body
    for field in ("title", "publisher"):
        value = getattr(ctx.meta, field, None)
        if isinstance(value, dict) and isinstance(value.get("zh"), str):
            converted = cc.convert(value["zh"])
            if converted != value["zh"]:
                ctx.front[f"{field}_original"] = value["zh"]
                value["zh"] = converted
                ctx.report.normalised.append(Note("rep_manifest_script", field=named("rep_field_", field),
                                                  value=converted))
    ctx.report.normalised.append(Note("rep_script", n=len(items), config=config))
    return items


def _patterns_path(ctx) -> str:
    path = getattr(ctx.meta, "path", None)
    return str(Path(path).parent.parent / "filters" / "patterns.yaml") if path else "data/filters/patterns.yaml"


def _pattern_line(path: str, value: str) -> int | None:
    """1-based line of the YAML scalar `value` in the patterns file (for error messages)."""
    from ..yamlpos import scalar_line

    try:
        return scalar_line(open(path, encoding="utf-8").read(), value)
    except OSError:
        return None


def _regex(ctx, key, pattern):
    """Compile a pattern from data/filters/patterns.yaml; a bad one is a BuildError naming its line."""
    try:
        return re.compile(pattern)
    except (re.error, TypeError) as exc:
        path = _patterns_path(ctx)
        raise BuildError(Problem(path, _pattern_line(path, str(pattern)), f"{key}: invalid regular expression "
                                 f"{pattern!r}: {exc}", "fix the pattern (YAML strings need \\\\ for one backslash)")) from exc


def _compiled(ctx, key):
    out = []
    for k, p in enumerate(ctx.patterns.get(key, []) or []):
        if not isinstance(p, dict) or not p.get("pattern") or not p.get("reason"):
            path = _patterns_path(ctx)
            raise BuildError(Problem(path, None, f"{key} entry {k + 1} needs `pattern` and `reason` ({p!r:.60})",
                                     f"write it as `- pattern: \"…\"` with `reason: …` under `{key}:`"))
        if not isinstance(p.get("reason_zh", ""), str):
            raise BuildError(Problem(_patterns_path(ctx), _pattern_line(_patterns_path(ctx), str(p["pattern"])),
                                     f"{key} entry {k + 1}: `reason_zh` is {type(p['reason_zh']).__name__}, expected text",
                                     "write the Chinese reason as one line of text: `reason_zh: …`"))
        out.append((_regex(ctx, key, p["pattern"]), p))
    return out


def _why(p: dict, rule: str) -> Note:
    """A filter pattern's reason (data/filters/patterns.yaml `reason`, and `reason_zh` for the Chinese
    pages; without it they name the rule)."""
    return Note("rep_zh_en", zh=p.get("reason_zh") or Note(f"rep_why_{rule}"), en=p["reason"])


def drop_spam(ctx, items):
    """Remove injected spam phrases (patterns in data/filters/patterns.yaml) — never published."""
    pats = _compiled(ctx, "spam")
    for it in items:
        for rx, p in pats:
            for field in ("text", "original"):
                value = it.text if field == "text" else it.attrs.get("original")
                if not value:
                    continue
                m = rx.search(value)
                if not m:
                    continue
                new = (value[: m.start()] + value[m.end():]).strip()
                if field == "text":
                    ctx.report.dropped.append({"line": it.line, "text": m.group(0), "rule": "spam",
                                               "reason": _why(p, "spam")})
                    it.text = new
                else:
                    it.attrs["original"] = new
    return [it for it in items if it.text or it.kind not in ("paragraph", "line")]


def report_sanitised(ctx, items):
    """Report what the HTML adapter removed (comments, unsafe tags, withheld images)."""
    out = []
    for it in items:
        if it.kind == "dropped" and it.attrs.get("moved"):     # page metadata (title, byline)
            ctx.front.setdefault(it.attrs["moved"], it.attrs.get("text", ""))
            ctx.report.moved.append(Note("rep_moved_meta", line=it.line, text=Quote(it.attrs.get("text", "")),
                                         field=named("rep_field_", it.attrs["moved"])))
        elif it.kind == "dropped":      # the whole text: the nothing-lost check subtracts it
            ctx.report.dropped.append({"line": it.line, "text": it.attrs.get("text", ""),
                                       "rule": it.attrs.get("rule", "sanitised"),
                                       "reason": it.attrs.get("reason") or Note("rep_why_sanitised"),
                                       **{k: it.attrs[k] for k in ("lines", "summary") if k in it.attrs}})
        else:
            if it.kind == "figure" and it.attrs.get("image_withheld"):
                ctx.report.dropped.append({"line": it.line, "text": "<img> (third-party hosted image)",
                                           "rule": "no-hotlink", "reason": Note("rep_why_no_hotlink_caption")})
            out.append(it)
    return out


def drop_boilerplate(ctx, items):
    """Drop site boilerplate (navigation links, credits); credits move to metadata."""
    pats = _compiled(ctx, "boilerplate")
    out = []
    for it in items:
        for link in list(re.finditer(r"\[([^\]]+)\]\((https?://[^)]+)\)", it.text)):
            for rx, p in pats:
                if rx.search(link.group(1)) and link.group(0) != it.text.strip():
                    it.text = it.text.replace(link.group(0), "").strip()
                    ctx.report.dropped.append({"line": it.line, "text": link.group(1), "rule": "boilerplate",
                                               "reason": _why(p, "boilerplate")})
                    break
        matched = None
        if it.kind in ("paragraph", "line"):
            for rx, p in pats:
                m = rx.search(plain(it.text))
                if m:
                    matched = (m, p)
                    break
        if not matched:
            out.append(it)
            continue
        m, p = matched
        keep = p.get("keep_as")
        if keep:
            ctx.front[keep] = m.group("credit").strip()
            ctx.report.moved.append(Note("rep_moved_meta", line=it.line, text=Quote(plain(it.text)),
                                         field=named("rep_field_", keep)))
        else:
            link = re.search(r"\]\((https?://[^)]+)\)", it.text)
            if link and p.get("keep_url_as"):
                ctx.front[p["keep_url_as"]] = link.group(1)
            ctx.report.dropped.append({"line": it.line, "text": plain(it.text), "rule": "boilerplate",
                                       "reason": _why(p, "boilerplate")})
    return out


def fullwidth_punctuation(ctx, items):
    """Half-width , ; : ? ! after CJK text become full-width (，；：？！)."""
    table = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
    rx = re.compile(rf"(?<=[{CJK}”’）」%])([,;:?!])\s*(?=[{CJK}“‘（「\d])")
    count = 0
    for it in items:
        if it.kind in ("paragraph", "list_item", "heading", "line", "subheadline") and CJK_RE.search(it.text):
            if it.kind == "list_item" and re.match(r"^\[\d+\]", it.text):
                continue  # bibliography entries keep their citation-style punctuation
            new, n = rx.subn(lambda m: table[m.group(1)], it.text)
            if n:
                count += n
                it.text = new
    if count:
        ctx.report.normalised.append(Note("rep_punctuation", n=count))
    return items


_DOUBLE_ESCAPE = re.compile(r"(https?://[^\s\])]*?)\\{2,}_")


def unescape_urls(ctx, items):
    """Double-escaped underscores in URLs (`content\\\\_885`) become one Markdown escape (`\\_`)."""
    n = 0
    for it in items:
        while True:
            it.text, k = _DOUBLE_ESCAPE.subn(lambda m: m.group(1) + "\\_", it.text)
            if not k:
                break
            n += k
    if n:
        ctx.report.normalised.append(Note("rep_url_escapes", n=n))
    return items


# ---------------------------------------------------------------- front matter, footnotes

_LABEL = re.compile(r"\*\*([^*]+?)[:：]\*\*\s*")


def front_matter(ctx, items):
    """Title, subtitle lines, authors, labelled metadata (摘要, 收稿日期 …) and a trailing
    English abstract block move from the body into the document's metadata."""
    labels = ctx.patterns.get("front_labels", {})
    out: list[Item] = []
    title_seen = False
    in_zone = False
    en_zone = False
    heads = [it.attrs["hashes"] for it in items if it.kind == "heading" and it.attrs.get("hashes")]
    body = [it for it in items if it.kind not in ("meta", "dropped")]
    # a Markdown/HTML document that opens with its shallowest heading, used once: that is its title
    lead = body[0] if body and ctx.meta.format in ("markdown", "html") and body[0].kind == "heading" \
        and body[0].attrs.get("hashes") == min(heads) and heads.count(min(heads)) == 1 else None
    for idx, it in enumerate(items):
        text = it.text
        if it.kind == "heading" and not title_seen and not it.attrs.get("article") and \
                (it.attrs.get("hashes") == 1 or it is lead):
            title_seen = True
            in_zone = True
            ctx.front["title"] = text
            if it.attrs.get("url"):
                ctx.front["url"] = it.attrs["url"]
            ctx.report.moved.append(Note("rep_title_meta", line=it.line))
            continue
        # labelled fields anywhere in the text (page-footer material included)
        if it.kind == "paragraph" and _LABEL.match(text):
            parts = _LABEL.split(text)
            fields = dict(zip(parts[1::2], (p.strip() for p in parts[2::2])))
            if fields and all(k in labels for k in fields):
                for k, v in fields.items():
                    key = labels[k] if not en_zone or labels[k].endswith("_en") else labels[k] + "_en"
                    ctx.front[key] = v
                ctx.report.moved.append(Note("rep_labels_meta", line=it.line, fields=list(fields)))
                continue
        if it.kind == "heading" and title_seen and not CJK_RE.search(text) and not re.match(r"^\d", text):
            en_zone = True           # an English title block (the authors' own English)
            ctx.front["title_en"] = text
            ctx.report.moved.append(Note("rep_en_title_meta", line=it.line))
            continue
        if en_zone and it.kind in ("paragraph", "list_item"):
            ctx.front.setdefault("en_lines", []).append(
                (f"{it.attrs['number']}. " if it.attrs.get("number") else "") + text)
            continue
        if it.kind == "heading":
            in_zone = False
        if in_zone and it.kind == "paragraph" and not (_TABLE_CAP.match(plain(text)) or _FIG_CAP.match(plain(text))):
            if len(plain(text)) < 120 and not ends_sentence(text) or text.startswith("("):
                ctx.front.setdefault("lines", []).append(text)
                ctx.report.moved.append(Note("rep_front_line", line=it.line))
                continue
            in_zone = False
        out.append(it)
    if "en_lines" in ctx.front:
        lines = ctx.front.pop("en_lines")
        joined: list[str] = []
        for ln in lines:
            if joined and not re.search(r"[.)）]$", joined[-1]):
                joined[-1] = joined[-1] + " " + ln
            else:
                joined.append(ln)
        ctx.front["lines_en"] = joined
    return out


def footnote_definitions(ctx, items):
    """Paragraphs that start with a footnote mark (`[^fn1]…`) are footnote bodies (page-footer
    material): they leave the body and become real footnotes."""
    out = []
    for it in items:
        more = it.attrs.get("footnote_more")
        if more and ctx.footnotes and ctx.footnotes[-1]["key"] == f"fn{more}":   # a note's next paragraph
            ctx.footnotes[-1]["text"] = join_cjk(ctx.footnotes[-1]["text"], it.text)
            ctx.report.moved.append(Note("rep_footnote_more", line=it.line, key=f"fn{more}"))
            continue
        m = re.match(r"^\[\^(fn\d+)\]\s*(.+)$", it.text) if it.kind == "paragraph" else None
        if m:
            n = int(m.group(1)[2:])
            ctx.footnotes.append({"key": m.group(1), "text": m.group(2), "line": it.line,
                                  "label": "①②③④⑤⑥⑦⑧⑨⑩"[n - 1] if 1 <= n <= 10 else f"[{n}]"})
            ctx.report.moved.append(Note("rep_footnote", line=it.line, key=m.group(1)))
            continue
        out.append(it)
    return out


# ---------------------------------------------------------------- tables and figures

_TABLE_CAP = re.compile(r"^表\s*(\d+)\s*[:：]?\s*(.+)$")
_FIG_CAP = re.compile(r"^图\s*(\d+)\s*[:：]?\s*(.+)$")
_NOTE = re.compile(r"^(注|资料来源|数据来源|来源|说明)\s*[:：]|^\S{1,8}\\?\*\s*[:：]")


def tables_and_figures(ctx, items):
    """Caption + tab-separated rows + notes become one `table` item; `图N` captions become
    `figure` items (their source line kept; the data is not in the source)."""
    out: list[Item] = []
    captioned = any(it.kind == "paragraph" and _TABLE_CAP.match(plain(it.text)) for it in items)
    i = 0
    while i < len(items):
        it = items[i]
        if it.kind == "paragraph":
            lines = it.attrs.get("lines") or [it.text]
            m = _TABLE_CAP.match(plain(it.text))
            if m and i + 1 < len(items) and items[i + 1].kind == "rows":
                rows = items[i + 1]
                notes = []
                j = i + 2
                while j < len(items) and items[j].kind == "paragraph" and _NOTE.match(plain(items[j].text)):
                    for ln in items[j].attrs.get("lines") or [items[j].text]:
                        notes.append((items[j].line, ln))
                    j += 1
                out.append(Item("table", f"表{m.group(1)}", it.line, {
                    "number": m.group(1), "caption": m.group(2).strip(), "caption_line": it.line,
                    "rows": rows.attrs["rows"], "notes": notes}))
                i = j
                continue
            m = _FIG_CAP.match(plain(lines[0]))
            if m:
                source = [plain(x) for x in lines[1:]]
                out.append(Item("figure", lines[0][lines[0].find(m.group(2)[:2]):] if m.group(2) else "", it.line, {
                    "number": m.group(1), "source": " ".join(source), "no_data": True,
                    "note": "the source document includes this figure's caption but not its data"}))
                i += 1
                continue
        if it.kind == "rows" and captioned:
            raise BuildError(Problem(str(ctx.meta.path), it.line, "tab-separated rows without a table caption "
                                     "(the document's other tables have 表N captions)",
                                     "tables need a caption line such as `表3 …` directly above the rows"))
        if it.kind == "rows":       # a document without 表N captions: rows like a pipe table's
            rows = [(ln, [c.strip() for c in txt.strip().split("\t")]) for ln, txt in it.attrs["rows"] if txt.strip()]
            out.append(Item("pipe_table", "", it.line, {"rows": rows, "source": "tabs"}))
            ctx.report.warnings.append(Note("rep_tab_rows", line=it.line, cap="表N", example="表3 …"))
            i += 1
            continue
        out.append(it)
        i += 1
    return out


# ---------------------------------------------------------------- page breaks

MOVABLE = ("table", "figure")


def rejoin_page_breaks(ctx, items):
    """A paragraph that stops mid-sentence continues in the next paragraph, even when page-footer
    material or whole tables/figures sit between the halves; those move after the joined paragraph."""
    items = list(items)
    out: list[Item] = []
    i = 0
    while i < len(items):
        it = items[i]
        moved: list[Item] = []
        while it.kind == "paragraph" and not ends_sentence(it.text) and not it.attrs.get("hard_end") \
                and not re.search(r"(\*\*|[）】])$", it.text.strip()):   # a closed bold phrase or bracket is complete
            j = i + 1
            while j < len(items) and items[j].kind in MOVABLE:
                j += 1
            if not (j < len(items) and items[j].kind == "paragraph"
                    and items[j].attrs.get("article") == it.attrs.get("article")):
                break
            nxt = items[j]
            ctx.report.joined.append(Note("rep_joined", a=it.attrs.get("joined_from", [it.line])[-1], b=nxt.line,
                                          tail=plain(it.text)[-12:], head=plain(nxt.text)[:12]))
            for b in items[i + 1:j]:
                ctx.report.moved.append(Note("rep_moved_after", line=b.line, kind=named("rep_kind_", b.kind), text=b.text))
            moved.extend(items[i + 1:j])
            it.attrs["joined_from"] = it.attrs.get("joined_from", [it.line]) + [nxt.line]
            if "original" in it.attrs:
                it.attrs["original"] += nxt.attrs.get("original", "")
            it.text = join_cjk(it.text, nxt.text)
            items = items[:i + 1] + items[j + 1:]
        out.append(it)
        out.extend(moved)
        i += 1
    return out


def rejoin_list_items(ctx, items):
    """A list item without its own number that follows a numbered bibliography entry is the
    continuation of that entry across a page break."""
    out: list[Item] = []
    for it in items:
        if (it.kind == "list_item" and out and out[-1].kind == "list_item"
                and re.match(r"^\[\d+\]", out[-1].text) and not re.match(r"^\[\d+\]", it.text)):
            out[-1].text = join_cjk(out[-1].text, it.text)
            ctx.report.joined.append(Note("rep_list_joined", line=it.line, prev=out[-1].line))
            continue
        out.append(it)
    return out


# ---------------------------------------------------------------- corrections

def _both(note: str) -> Note:
    """An editor's note written "中文 / English" (data/corrections): each language its half."""
    zh, sep, en = str(note).partition(" / ")
    return Note("rep_zh_en", zh=zh.strip(), en=en.strip() if sep else zh.strip())


def apply_corrections(ctx, items):
    """Apply data/corrections/<doc>.yaml: each correction is a visible editorial mark, never a
    silent edit. `find` must match exactly once in the block starting at `line`."""
    corr = ctx.corrections
    path = corr.get("path", "")
    problems = []
    entry_lines = _correction_lines(path)
    for k, c in enumerate(corr.get("corrections", [])):
        at = entry_lines.get(("corrections", k))
        bad = _bad_entry(c, ("line", "find", "replace"))
        if bad:
            problems.append(Problem(path, at, f"correction {k + 1}: {bad}",
                                    "each correction needs `line` (a source line number), `find` and `replace` (texts)"))
            continue
        targets = [it for it in items if it.line == c.get("line") or c.get("line") in it.attrs.get("joined_from", [])]
        hits = [it for it in targets if c["find"] in it.text]
        if len(hits) != 1:
            problems.append(Problem(path, at, f"correction for source line {c.get('line')}: "
                                    f"{c['find']!r} found {len(hits)} times in that block (expected once)",
                                    "fix `line`/`find` so it matches exactly one place"))
            continue
        it = hits[0]
        replacement = c["replace"]
        it.text = it.text.replace(c["find"], replacement, 1)
        it.attrs.setdefault("notes", []).append(c.get("note", ""))
        ctx.report.corrected.append(Note("rep_corrected", line=c["line"], find=Quote(c["find"]), repl=Quote(replacement),
                                        note=_both(c.get("note", ""))))
    for k, h in enumerate(corr.get("headings", [])):
        at = entry_lines.get(("headings", k))
        bad = _bad_entry(h, ("line", "title"))
        if bad:
            problems.append(Problem(path, at, f"heading correction {k + 1}: {bad}",
                                    "each heading correction needs `line` (a source line number) and `title`"))
            continue
        target = next((it for it in items if it.kind == "heading" and it.line == h.get("line")), None)
        if target is None:
            problems.append(Problem(path, at, f"heading correction: no heading at source line {h.get('line')}",
                                    "use the line number `build.py check` prints for the untitled item"))
            continue
        target.text = "{++" + h["title"] + "++}"
        target.attrs["untitled"] = False
        target.attrs.setdefault("notes", []).append(h.get("note", ""))
        ctx.report.corrected.append(Note("rep_heading_supplied", line=h["line"], title=Quote(h["title"])))
    if problems:
        raise BuildError(problems)
    return items


def _bad_entry(entry, keys) -> str:
    """Why a corrections-file entry is unusable ('' when it is fine)."""
    if not isinstance(entry, dict):
        return f"not a mapping ({entry!r:.40})"
    missing = [k for k in keys if entry.get(k) is None or (k != "replace" and entry.get(k) == "")]
    if missing:
        return f"lacks {', '.join(missing)}"
    if not isinstance(entry["line"], int) or isinstance(entry["line"], bool):
        return f"`line` must be a number, not {entry['line']!r}"
    wrong = [k for k in keys if k != "line" and not isinstance(entry[k], str)]
    if wrong:
        return f"{', '.join(wrong)} must be text (quote it)"
    return ""


def _correction_lines(path) -> dict:
    """(section, index) -> 1-based line of each entry of a corrections file (for error messages)."""
    from ..yamlpos import item_lines

    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return {}
    return {(key, i): line for key in ("corrections", "headings") for i, line in enumerate(item_lines(text, key))}
