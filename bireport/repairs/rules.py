"""The repair rules. One rule per function; each reports what it changed."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from ..errors import BuildError, Problem
from ..numerals import cn_to_int
from ..sources.base import CJK, CJK_RE, Item, join_cjk

TERMINAL_RE = re.compile(r"[。！？!?；;：:…][”’」』）)\]]*$|[。！？!?][”’」』）)]?\s*(\[@[\d,\-]+\]|\[\^\w+\])*$")
NUMBER_RE = re.compile(
    r"^(?:(?P<arabic>\d+(?:\.\d+)*)\.?\s+|(?P<cn>[一二三四五六七八九十百]+)\s*、|[(（]\s*(?P<cnp>[一二三四五六七八九十百]+)\s*[)）]"
    r"|第\s*(?P<chap>[一二三四五六七八九十百零〇两\d]+)\s*(?P<unit>编|編|部分|章|节|節|条|條))\s*(?P<title>.*)$"
)
CHAPTER_LEVEL = {"编": 1, "編": 1, "部分": 1, "章": 1, "节": 2, "節": 2, "条": 3, "條": 3}
CHAPTER_SLUG = {"编": "part", "編": "part", "部分": "part", "章": "ch", "节": "sec", "節": "sec", "条": "art", "條": "art"}
UNNUMBERED_L1 = {"前言": "preface", "结束语": "conclusion", "参考文献": "references", "目录": "toc",
                 "引言": "introduction", "结语": "conclusion", "附录": "appendix", "致谢": "acknowledgements"}


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
                ctx.report.normalised.append(f"manifest {field} converted to simplified script: {converted}")
    ctx.report.normalised.append(f"converted {len(items)} lines from traditional to simplified script (OpenCC {config})")
    return items


def _patterns_path(ctx) -> str:
    path = getattr(ctx.meta, "path", None)
    return str(Path(path).parent.parent / "filters" / "patterns.yaml") if path else "data/filters/patterns.yaml"


def _pattern_line(path: str, value: str) -> int | None:
    """1-based line of the YAML scalar `value` in the patterns file (for error messages)."""
    import yaml

    try:
        stack = [yaml.compose(open(path, encoding="utf-8").read())]
    except (OSError, yaml.YAMLError):
        return None
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.value == value:
                return node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(v for _k, v in node.value)
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
        out.append((_regex(ctx, key, p["pattern"]), p))
    return out


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
                                               "reason": p["reason"]})
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
            ctx.report.moved.append(f"line {it.line}: {it.attrs.get('text', '')!r} → metadata ({it.attrs['moved']})")
        elif it.kind == "dropped":      # the whole text: the nothing-lost check subtracts it
            ctx.report.dropped.append({"line": it.line, "text": it.attrs.get("text", ""),
                                       "rule": it.attrs.get("rule", "sanitised"),
                                       "reason": it.attrs.get("reason", "not publishable HTML"),
                                       **{k: it.attrs[k] for k in ("lines", "summary") if k in it.attrs}})
        else:
            if it.kind == "figure" and it.attrs.get("image_withheld"):
                ctx.report.dropped.append({"line": it.line, "text": "<img> (third-party hosted image)",
                                           "rule": "no-hotlink", "reason": "images are never hot-linked; caption kept"})
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
                                               "reason": p["reason"]})
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
            ctx.report.moved.append(f"line {it.line}: {plain(it.text)!r} → metadata ({keep})")
        else:
            link = re.search(r"\]\((https?://[^)]+)\)", it.text)
            if link and p.get("keep_url_as"):
                ctx.front[p["keep_url_as"]] = link.group(1)
            ctx.report.dropped.append({"line": it.line, "text": plain(it.text), "rule": "boilerplate",
                                       "reason": p["reason"]})
    return out


# ---------------------------------------------------------------- OCR and plain text

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
    while i < len(lines):
        it = lines[i]
        if at_start:
            if it.attrs["indent"] < 2 and not punct.search(it.text):
                groups.append({"kind": "headline", "lines": [it]})
                i += 1
                continue
            at_start = False
        col = col_at(i)
        if not para and it.attrs["indent"] < 2 and not punct.search(it.text) and _width(it.text) < 0.7 * col:
            run = [it]
            while (i + len(run) < len(lines) and len(run) < 3 and not punct.search(lines[i + len(run)].text)
                   and lines[i + len(run)].attrs["indent"] < 2 and _width(lines[i + len(run)].text) < 0.7 * col):
                run.append(lines[i + len(run)])
            if i + len(run) < len(lines):
                groups.append({"kind": "headline", "lines": run})
                i += len(run)
                continue
        if para and blank_paras and it.attrs.get("blank_before") and not wrapped(i - 1):
            para[-1].attrs["hard_end"] = True      # ended by a blank line: not a page break inside a sentence
            close()
        elif para and it.attrs["indent"] >= 2:
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
        if prev_width and prev_kind != "headline" and abs(width - prev_width) > 0.25 * prev_width and len(g["lines"]) > 1:
            article += 1
            out.append(Item("heading", "", first.line, {"hashes": 1, "article": article, "untitled": True}))
            ctx.report.warnings.append(f"line {first.line}: column width changes ({prev_width} → {width}): "
                                       "new untitled item (give it a title in the corrections file)")
        if len(g["lines"]) > 1:
            prev_width = width
        text = g["lines"][0].text
        for nxt in g["lines"][1:]:
            text = join_cjk(text, nxt.text)
        ctx.report.joined.append(f"lines {first.line}–{g['lines'][-1].line}: {len(g['lines'])} OCR lines → 1 paragraph")
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
        m = re.match(r"^(\d+)[.．、]\s*(.+)$", text)
        if m:
            if prev != "list_item":
                list_id += 1
            out.append(Item("list_item", m.group(2), it.line,
                            {**it.attrs, "ordered": True, "number": m.group(1), "list": list_id}))
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
    return out


def ocr_spaces(ctx, items):
    """Remove stray OCR spaces inside CJK text, numbers and dates ("1月 31 日" → "1月31日")."""
    rx = re.compile(rf"(?<=[{CJK}\d，。、；：“”！？（）—])[ \u3000]+(?=[{CJK}\d，。、；：“”！？（）—])")
    # broken brackets and quotes: "(一 )", "“雙非嬰孩 ”" (a CJK character or digit on the inner side)
    brackets = re.compile(rf"(?<=[(（“‘「『])[ \u3000]+(?=[{CJK}\d])|(?<=[{CJK}\d])[ \u3000]+(?=[)）”’」』])")
    # in headings a space between two CJK phrases is a separator: only digit⇄CJK spaces go ("2013年 1月")
    digit_cjk = re.compile(rf"(?<=[{CJK}])[ \u3000]+(?=\d)|(?<=\d)[ \u3000]+(?=[{CJK}])")
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
        ctx.report.normalised.append(f"removed {count} stray OCR spaces inside CJK text, numbers and dates")
    return items


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
        ctx.report.normalised.append(f"{count} half-width punctuation marks after CJK text made full-width")
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
        ctx.report.normalised.append(f"{n} double-escaped URL characters repaired")
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
            ctx.report.moved.append(f"line {it.line}: title → metadata")
            continue
        # labelled fields anywhere in the text (page-footer material included)
        if it.kind == "paragraph" and _LABEL.match(text):
            parts = _LABEL.split(text)
            fields = dict(zip(parts[1::2], (p.strip() for p in parts[2::2])))
            if fields and all(k in labels for k in fields):
                for k, v in fields.items():
                    key = labels[k] if not en_zone or labels[k].endswith("_en") else labels[k] + "_en"
                    ctx.front[key] = v
                ctx.report.moved.append(f"line {it.line}: {', '.join(fields)} → metadata")
                continue
        if it.kind == "heading" and title_seen and not CJK_RE.search(text) and not re.match(r"^\d", text):
            en_zone = True           # an English title block (the authors' own English)
            ctx.front["title_en"] = text
            ctx.report.moved.append(f"line {it.line}: English title → metadata")
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
                ctx.report.moved.append(f"line {it.line}: front line → metadata")
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
        m = re.match(r"^\[\^(fn\d+)\]\s*(.+)$", it.text) if it.kind == "paragraph" else None
        if m:
            ctx.footnotes.append({"key": m.group(1), "text": m.group(2), "line": it.line,
                                  "label": "①②③④⑤⑥⑦⑧⑨⑩"[int(m.group(1)[2:]) - 1]})
            ctx.report.moved.append(f"line {it.line}: footnote {m.group(1)} → footnotes")
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
        if it.kind == "rows":
            raise BuildError(Problem(str(ctx.meta.path), it.line, "tab-separated rows without a table caption",
                                     "tables need a caption line such as `表3 …` directly above the rows"))
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
        while it.kind == "paragraph" and not ends_sentence(it.text) and not it.attrs.get("hard_end"):
            j = i + 1
            while j < len(items) and items[j].kind in MOVABLE:
                j += 1
            if not (j < len(items) and items[j].kind == "paragraph"
                    and items[j].attrs.get("article") == it.attrs.get("article")):
                break
            nxt = items[j]
            ctx.report.joined.append(
                f"lines {it.attrs.get('joined_from', [it.line])[-1]} + {nxt.line}: "
                f"“…{plain(it.text)[-12:]}” + “{plain(nxt.text)[:12]}…”")
            for b in items[i + 1:j]:
                ctx.report.moved.append(f"line {b.line}: {b.kind} {b.text} moved after the rejoined paragraph")
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
            ctx.report.joined.append(f"line {it.line}: list item joined to the entry at line {out[-1].line}")
            continue
        out.append(it)
    return out


# ---------------------------------------------------------------- headings

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
            if m and (m.group("cn") or m.group("cnp")) and m.group("title"):   # a numbered headline keeps its number
                it.attrs["number"] = m.group("cn") or f"({m.group('cnp')})"
                it.text = m.group("title")
                numbered_articles = True
            elif numbered_articles and it.text:
                it.attrs["level"] = 2          # an unnumbered headline inside a numbered part
            continue
        title = plain(it.text).strip()
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
        if it.attrs.get("hashes") and it.attrs["level"] != max(1, it.attrs["hashes"] - 1):
            ctx.report.normalised.append(
                f"line {it.line}: heading “{title[:20]}” is level {it.attrs['level']} by its numbering "
                f"({'#' * it.attrs['hashes']} in the source)")
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
            ctx.report.missing.append(f"{e['number']}{' ' if e['number'] else ''}{plain(e['title'])} "
                                      f"(listed in the table of contents, line {e['line']})")
    ctx.toc = entries
    ctx.report.moved.append(f"lines {items[start].line}–{items[end - 1].line}: the source's table of contents "
                            f"({len(entries)} entries) → document metadata")
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


# ---------------------------------------------------------------- corrections

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
        ctx.report.corrected.append(f"line {c['line']}: {c['find']!r} → {replacement!r} ({c.get('note', '')})")
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
        ctx.report.corrected.append(f"line {h['line']}: heading supplied by the editor: {h['title']!r}")
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
    import yaml

    out = {}
    try:
        root = yaml.compose(open(path, encoding="utf-8").read())
        for k, v in root.value:
            if k.value in ("corrections", "headings") and isinstance(v, yaml.SequenceNode):
                for i, item in enumerate(v.value):
                    out[(k.value, i)] = item.start_mark.line + 1
    except (OSError, yaml.YAMLError, AttributeError, TypeError, ValueError):
        pass
    return out
