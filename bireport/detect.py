"""What `build.py add` can tell about a raw file from its bytes: encoding, format, script and
metadata (title, date, author/publisher, URL), each with a note saying how it was found.

Everything here reads the content, never the file name (the name only suggests an id)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from pathlib import Path

import yaml

from .numerals import cn_to_int
from .yamlpos import load as yaml_load

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# characters that end a sentence or a clause at the end of a line in Chinese text
_LINE_END = "。！？；：…”’」』）)!?;:.\"'"


@dataclass
class Detected:
    """What `add` found; `notes` say how, `checks` what the user should still look at."""

    encoding: str = "utf-8"
    format: str = ""
    script: str = "Hans"
    title: str = ""
    date: str = ""
    author: str = ""
    publisher: str = ""
    url: str = ""
    notes: dict = field(default_factory=dict)
    checks: list = field(default_factory=list)


# ------------------------------------------------------------------ encoding

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# names we record in the manifest; GB2312 and GBK are subsets of GB18030
_CANON = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "cp936": "gb18030", "hz": "gb18030",
          "big5": "big5", "big5hkscs": "big5hkscs", "cp950": "big5", "utf_8": "utf-8", "utf-8": "utf-8",
          "utf8": "utf-8", "ascii": "utf-8"}


def canonical_encoding(name: str) -> str:
    key = name.lower().replace("-", "_")
    return _CANON.get(key, _CANON.get(name.lower(), name.lower()))


def declared_charset(data: bytes) -> str:
    """The charset an HTML page declares in a <meta> tag ('' when none)."""
    m = _META_CHARSET.search(data[:8192])
    return m.group(1).decode("ascii", "replace").lower() if m else ""


def detect_encoding(data: bytes) -> tuple[str, str]:
    """(encoding, note). UTF-8 (with or without BOM) when the bytes decode cleanly as UTF-8 —
    whatever a page's <meta charset> says —, else GB18030 or Big5 as charset-normalizer judges the
    text (restricted to the Chinese encodings), else an error message as the note and ''."""
    declared = declared_charset(data)
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8", "UTF-8 with a byte-order mark (the BOM is ignored when reading)"
    try:
        data.decode("utf-8")
        note = "UTF-8 (the bytes decode cleanly)"
        if declared and canonical_encoding(declared) != "utf-8":
            note += (f"; the page declares charset={declared}, but its bytes are valid UTF-8: "
                     f"trusting the bytes")
        return "utf-8", note
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    candidates = ["gb18030", "big5", "big5hkscs"]
    best = from_bytes(data, cp_isolation=candidates).best()
    if best is not None:
        enc = canonical_encoding(best.encoding)
        note = f"{enc.upper()} (charset-normalizer; not UTF-8)"
        if declared and canonical_encoding(declared) != enc:
            note += f"; the page declares charset={declared}, its bytes read as {enc}: trusting the bytes"
        return enc, note
    for enc in candidates:
        try:
            data.decode(enc)
            return enc, f"{enc.upper()} (the only Chinese encoding the bytes decode in)"
        except UnicodeDecodeError:
            pass
    return "", "the bytes are neither UTF-8 nor GB18030/GBK nor Big5"


# ------------------------------------------------------------------ format

_HTML_PAGE = re.compile(r"\A(?:\s|<!--.*?-->)*(?:<!doctype\s+html|<html[\s>]|<head[\s>])", re.I | re.S)
_HTML_START = re.compile(r"\A(?:\s|<!--.*?-->)*<([a-zA-Z][a-zA-Z0-9]*)[\s>/]", re.S)
_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n", re.S)
_MD_SIGNS = [re.compile(p, re.M) for p in (
    r"^#{1,6}\s+\S",                    # ATX heading
    r"^\S.*\n(?:=+|-{3,})[ \t]*$",        # setext heading
    r"^\s*\|.*\|\s*$\n^\s*\|?\s*:?-{3,}", # pipe table with its alignment row
    r"\[[^\]\n]+\]\([^)\s]+\)",          # link
    r"\*\*[^*\n]+\*\*",                   # bold
    r"^\s*[-*+]\s+\S",                   # bullet list
    r"^>\s",                            # quote
)]


def is_html_document(text: str) -> bool:
    """A complete HTML page, or an HTML fragment: the text starts with markup and has no Markdown
    headings or pipe tables between its tags (Markdown that opens with a raw HTML block is Markdown)."""
    if _HTML_PAGE.match(text):
        return True
    return bool(_HTML_START.match(text)) and not (_MD_SIGNS[0].search(text) or _MD_SIGNS[2].search(text))


def is_full_page(text: str) -> bool:
    return bool(_HTML_PAGE.match(text)) or bool(re.search(r"<body[\s>]", text[:20000], re.I))


def _width(s: str) -> int:
    return sum(2 if CJK_RE.match(c) or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" else 1 for c in s)


def hard_wrapped(text: str) -> tuple[bool, str]:
    """Lines broken at a page or column width: most long lines stop at about the same width
    without ending a sentence, so the sentence goes on in the next line."""
    lines = [ln.strip() for ln in text.split("\n") if len(CJK_RE.findall(ln)) >= 8]
    if len(lines) < 10:
        return False, "too few lines to judge wrapping"
    widths = sorted(_width(ln) for ln in lines)
    top = widths[int(len(widths) * 0.9)]
    near = [ln for ln in lines if _width(ln) >= 0.8 * top]
    open_end = [ln for ln in near if not ln.endswith(tuple(_LINE_END))]
    share_near = len(near) / len(lines)
    share_open = len(open_end) / max(1, len(near))
    wrapped = share_near >= 0.4 and share_open >= 0.6 and top <= 200
    return wrapped, (f"{share_near:.0%} of text lines reach the column width (~{top // 2} characters) "
                     f"and {share_open:.0%} of those stop mid-sentence")


def detect_format(text: str) -> tuple[str, str]:
    """(format, note) from the content."""
    if is_html_document(text):
        if is_full_page(text):
            return "html", "a complete HTML page"
        return "html", "an HTML fragment (markup without <html>/<head>)"
    signs = [bool(rx.search(text)) for rx in _MD_SIGNS]
    if _FRONT.match(text):
        return "markdown", "Markdown (YAML front matter)"
    if sum(signs) >= 2 or signs[0]:
        names = ["headings", "setext headings", "pipe tables", "links", "bold", "lists", "quotes"]
        return "markdown", "Markdown (" + ", ".join(n for n, s in zip(names, signs) if s) + ")"
    wrapped, why = hard_wrapped(text)
    if wrapped:
        return "ocr", f"hard-wrapped page text: {why}"
    return "plaintext", f"plain text, one paragraph per line ({why})"


# ------------------------------------------------------------------ script

def load_regions(data_dir: Path) -> dict[str, list[str]]:
    """Regional vocabulary per script (data/filters/regions.yaml): {"Hant-HK": [...], "Hant-TW": [...]}."""
    path = Path(data_dir) / "filters" / "regions.yaml"
    data = yaml_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return {k: [str(w) for w in (data or {}).get(k) or []] for k in ("Hant-HK", "Hant-TW")}


def _count_words(text: str, words: list[str]) -> int:
    if not words:
        return 0
    return len(re.findall("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), text))


@lru_cache(maxsize=None)
def _cc(config: str):
    import opencc

    return opencc.OpenCC(config)


def detect_script(text: str, regions: dict[str, list[str]]) -> tuple[str, str]:
    """(script, note): simplified or traditional from OpenCC round trips (characters that
    t2s changes vs characters that s2t changes); for traditional text, the region from regional
    vocabulary and from the regional variant characters OpenCC knows (HK 着/裏/綫 vs TW 著/裡/線)."""
    han = "".join(CJK_RE.findall(text))
    if not han:
        return "Hans", "no Chinese characters found"
    trad = sum(a != b for a, b in zip(han, _cc("t2s").convert(han)))
    simp = sum(a != b for a, b in zip(han, _cc("s2t").convert(han)))
    if trad <= simp:
        return "Hans", f"simplified: {simp} simplified-only vs {trad} traditional-only characters"
    hk_var = tw_var = 0
    for c in set(han):
        std = _cc("tw2t").convert(_cc("hk2t").convert(c))
        hk, tw = _cc("t2hk").convert(std), _cc("t2tw").convert(std)
        if hk != tw:
            n = han.count(c)
            hk_var += n * (c == hk)
            tw_var += n * (c == tw)
    hk_words, tw_words = _count_words(text, regions["Hant-HK"]), _count_words(text, regions["Hant-TW"])
    hk_score, tw_score = 3 * hk_words + hk_var, 3 * tw_words + tw_var
    why = (f"traditional: {trad} traditional-only characters; Hong Kong signs {hk_score} "
           f"({hk_words} regional words, {hk_var} HK variant characters), Taiwan signs {tw_score} "
           f"({tw_words} regional words, {tw_var} TW variant characters)")
    if hk_score >= 3 and hk_score >= 2 * tw_score:
        return "Hant-HK", why
    if tw_score >= 3 and tw_score >= 2 * hk_score:
        return "Hant-TW", why
    return "Hant", why + " — region unclear"


# ------------------------------------------------------------------ dates

_DATE_RX = [
    re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?"),
    re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)"),
]
_CN_DIGIT = "〇零一二三四五六七八九"
_CN_SMALL = "一二三四五六七八九十"
_CN_DATE = re.compile(f"([{_CN_DIGIT}]{{4}})年([{_CN_SMALL}]{{1,3}})月(?:([{_CN_SMALL}]{{1,3}})日)?")


def find_date(text: str) -> str:
    """The first date in `text` as YYYY-MM-DD (or YYYY-MM), '' when none."""
    best = None
    for rx in _DATE_RX:
        m = rx.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    m2 = _CN_DATE.search(text)
    if m2 and (best is None or m2.start() < best.start()):
        y = str(cn_to_int(m2.group(1)))                # 二〇二四 → 2024 (digit by digit)
        parts = [y, f"{cn_to_int(m2.group(2)):02d}"] + ([f"{cn_to_int(m2.group(3)):02d}"] if m2.group(3) else [])
        return "-".join(parts)
    if best is None:
        return ""
    g = [x for x in best.groups() if x]
    y, mo = int(g[0]), int(g[1])
    if not 1 <= mo <= 12:
        return ""
    if len(g) > 2:
        d = int(g[2])
        if not 1 <= d <= 31:
            return f"{y}-{mo:02d}"
        return f"{y}-{mo:02d}-{d:02d}"
    return f"{y}-{mo:02d}"


# ------------------------------------------------------------------ metadata

_URL_DATE = re.compile(r"(?<![1-9])((?:19|20)\d\d)[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])")
_SOURCE_LINE = re.compile(r"来源[：:]\s*([^\s|｜/<>]{2,20})")


def url_date(text: str) -> str:
    """The first date written in a URL of `text` (/2019/09/07/, 20170310, d=20180831)."""
    for url in re.findall(r"""(?:https?:)?//[^\s"'<>)]+|(?:src|href)=["']?[^\s"'<>]+""", text):
        m = _URL_DATE.search(url)
        if m:
            return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return ""


def clean_title(s: str) -> str:
    """Whitespace in a title: runs become one space (an ideographic space stays), none between a
    number and a Chinese character (`2007　年末` → `2007年末`)."""
    s = unescape(s or "").strip()
    s = re.sub(r"[ \t\r\n\xa0]*\u3000[\s\u3000]*", "\u3000", s)
    s = re.sub(r"[ \t\r\n\xa0]+", " ", s)
    cjk = CJK_RE.pattern[1:-1]
    return re.sub(rf"(?<=\d)[ \u3000]+(?=[{cjk}])|(?<=[{cjk}])[ \u3000]+(?=\d)", "", s).strip()


def _jsonld(soup) -> list[dict]:
    out = []
    for tag in soup.find_all("script", type=re.compile("ld\\+json", re.I)):
        try:
            data = json.loads(tag.string or "")
        except (ValueError, TypeError):
            continue
        items = data if isinstance(data, list) else [data]
        for it in items:
            if isinstance(it, dict):
                out.extend(x for x in it.get("@graph", [it]) if isinstance(x, dict))
    return out


def _name(v) -> str:
    if isinstance(v, list):
        return "、".join(filter(None, (_name(x) for x in v)))
    if isinstance(v, dict):
        return str(v.get("name") or "")
    return str(v or "")


_SEP = re.compile(r"\s*(?:_{1,2}|\s[-|–—]\s|｜)\s*")


def html_metadata(text: str) -> dict:
    """title/date/author/publisher/url of an HTML page with the source of each ({key: (value, how)})."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    found: dict[str, tuple[str, str]] = {}

    def put(key, value, how):
        value = clean_title(str(value or ""))
        if value and key not in found:
            found[key] = (value, how)

    metas = {}
    for m in soup.find_all("meta"):
        k = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        if k and m.get("content") and k not in metas:
            metas[k] = m["content"]
    ld = _jsonld(soup)
    page_title = clean_title(soup.title.get_text() if soup.title else "")
    h1s = [clean_title(h.get_text(" ")) for h in soup.find_all(["h1", "h2"])]
    # the title: a heading the <title> contains (site names are appended to <title>), then
    # JSON-LD headline, Open Graph, <meta name=title>, then the longest part of <title>
    for h in h1s:
        if h and len(h) >= 4 and page_title and h.replace(" ", "") in page_title.replace(" ", "") \
                and len(h) >= 0.4 * len(page_title):
            put("title", h, "the page heading that <title> repeats")
            break
    for it in ld:
        put("title", it.get("headline") or "", "JSON-LD headline")
    put("title", metas.get("og:title"), "Open Graph og:title")
    for k in ("title", "headline", "articletitle", "dc.title"):
        put("title", metas.get(k), f"<meta name={k}>")
    if page_title:
        parts = [p for p in _SEP.split(page_title) if p]
        put("title", max(parts, key=len) if parts else page_title,
            "<title>" + (" (longest part; site name removed)" if len(parts) > 1 else ""))
    if "title" not in found:
        # a fragment: its first heading, else the title its CMS copied into the first image's title
        for h in soup.find_all(["h1", "h2", "h3"]):
            put("title", h.get_text(" "), "first heading")
        img = soup.find("img", title=True)
        if img is not None and len(CJK_RE.findall(img["title"])) >= 4:
            put("title", img["title"], "the title attribute of the first image")
    # date
    for it in ld:
        for k in ("datePublished", "dateCreated", "dateModified"):
            put("date", find_date(str(it.get(k) or "")), f"JSON-LD {k}")
    for k in ("article:published_time", "og:release_date", "pubdate", "publishdate", "publish_date",
              "dc.date", "date", "og:article:published_time", "datepublished", "firstpublishedtime",
              "article:modified_time", "lastmodifiedtime"):
        put("date", find_date(metas.get(k, "")), f"<meta {k}>")
    for t in soup.find_all("time"):
        put("date", find_date(t.get("datetime") or t.get_text()), "<time>")
    if "url" in found or metas.get("og:url"):
        put("date", url_date(metas.get("og:url", "")), "the date in the page's URL")
    body = soup.body or soup
    for s in ("script", "style"):
        for x in body.find_all(s):
            x.decompose()
    body_text = body.get_text(" ")[:20000]
    if is_full_page(text):
        put("date", find_date(body_text), "first date in the page text")
    else:   # a fragment's text dates are the story's; its images' and links' URLs carry the page date
        put("date", url_date(text), "the date in an image or link URL of the fragment")
    m = _SOURCE_LINE.search(body_text)
    if m:
        put("publisher", m.group(1), "the page's 来源 (source) line")
    # author and publisher
    for it in ld:
        put("author", _name(it.get("author")), "JSON-LD author")
        put("publisher", _name(it.get("publisher")), "JSON-LD publisher")
    for k in ("author", "article:author", "dc.creator"):
        if "@" not in metas.get(k, "") and CJK_RE.search(metas.get(k, "")):
            put("author", metas.get(k), f"<meta {k}>")
    for k in ("og:site_name", "contentsource", "source", "sitename", "publisher", "dc.publisher",
              "application-name"):
        put("publisher", metas.get(k), f"<meta {k}>")
    if page_title and "publisher" not in found:
        parts = [p for p in _SEP.split(page_title) if p]
        if len(parts) > 1 and len(parts[-1]) <= 20:
            put("publisher", parts[-1], "site name at the end of <title>")
    # url
    for it in ld:
        put("url", it.get("url") or _name(it.get("mainEntityOfPage")) or "", "JSON-LD url")
    put("url", metas.get("og:url"), "Open Graph og:url")
    link = soup.find("link", rel=lambda v: v and "canonical" in (v if isinstance(v, list) else [v]))
    if link is not None:
        put("url", link.get("href"), "<link rel=canonical>")
    if "url" in found and not found["url"][0].startswith(("http://", "https://")):
        del found["url"]
    return found


def front_matter(text: str) -> tuple[dict, int]:
    """YAML front matter of a Markdown file ({} when none) and the line after it."""
    m = _FRONT.match(text)
    if not m:
        return {}, 0
    try:
        data = yaml_load(m.group(1))
    except yaml.YAMLError:
        return {}, 0
    return (data if isinstance(data, dict) else {}), m.group(0).count("\n")


def markdown_metadata(text: str) -> dict:
    found: dict[str, tuple[str, str]] = {}

    def put(key, value, how):
        value = clean_title(_name(value) if not isinstance(value, str) else value)
        if value and key not in found:
            found[key] = (value, how)

    fm, end = front_matter(text)
    for k in ("title", "headline"):
        put("title", fm.get(k), f"front matter `{k}`")
    for k in ("date", "published", "pubdate", "created", "last_updated"):
        if fm.get(k):
            put("date", find_date(str(fm[k])), f"front matter `{k}`")
    for k in ("author", "authors", "byline"):
        put("author", fm.get(k), f"front matter `{k}`")
    for k in ("publisher", "source", "site", "site_name"):
        put("publisher", fm.get(k), f"front matter `{k}`")
    for k in ("original_url", "url", "link", "source_url"):
        v = str(fm.get(k) or "")
        if v.startswith(("http://", "https://")):
            put("url", v, f"front matter `{k}`")
    body = text.split("\n")[end:]
    for ln in body:
        m = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", ln)
        if m:
            put("title", re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", m.group(1)), "first Markdown heading")
            break
    head = "\n".join(ln for ln in body[:15])
    put("date", find_date(head), "a date line near the top")
    put("date", url_date(text), "the date in a URL of the document")
    return found


_ORG = re.compile(r"(?:局|队|隊|部|委员会|委員會|办公室|辦公室|办公厅|辦公廳|院|社|厅|廳|署|中心|会|會|政府|研究所|处|處|室|报|報|网|網)$")
_NUMBER_LINE = re.compile(r"^[\s\d\-–—·.第页頁]+$")


def text_metadata(text: str) -> dict:
    """A plain or page text: the title lines before the first date line, organisation lines
    among them as publisher, a short name line after the date as author. Lines that repeat
    through the text (running headers) and page numbers are skipped."""
    found: dict[str, tuple[str, str]] = {}
    raw = [ln.strip().strip("\ufeff") for ln in text.split("\n")]
    counts: dict[str, int] = {}
    for ln in raw:
        if ln:
            counts[ln] = counts.get(ln, 0) + 1
    lines = [ln for ln in raw if ln and counts[ln] < 3 and not _NUMBER_LINE.match(ln)][:15]
    title: list[str] = []
    pubs: list[str] = []
    date_i = None
    for i, ln in enumerate(lines):
        if find_date(ln) and len(CJK_RE.findall(re.sub(r"\d+年|\d+月|\d+日|星期.", "", ln))) <= 4:
            date_i = i
            found["date"] = (find_date(ln), f"date line {ln!r}")
            break
        if ln.endswith(("。", "：", ":")) or len(ln) > 80:
            break
        if title and _ORG.search(ln) and len(ln) <= 24 and not ln.startswith(("——", "—", "－")):
            pubs.append(ln)
        elif not pubs:
            title.append(ln)
    if title and (date_i is not None or len(title) <= 3):
        t = ""
        for part in title[:4]:
            t = t + part if (not t or part.startswith(("——", "—", "－", "：", "（", "(")) or
                             t.endswith(("——", "：", "（"))) else t + " " + part
        t = re.sub(r"[①-⑳]+$", "", t).strip()
        found["title"] = (clean_title(t) if " " not in t else t, "the lines before the date line")
    if pubs:
        found["publisher"] = ("、".join(pubs), "organisation lines under the title")
    if date_i is not None and date_i + 1 < len(lines):
        nxt = lines[date_i + 1]
        if 2 <= len(nxt) <= 5 and all(CJK_RE.match(c) for c in nxt):
            found["author"] = (nxt, "name line under the date")
    if "date" not in found:
        d = find_date("\n".join(lines))
        if d:
            found["date"] = (d, "first date near the top")
    return found


def metadata(text: str, fmt: str) -> dict:
    if fmt == "html":
        return html_metadata(text)
    if fmt == "markdown":
        return markdown_metadata(text)
    return text_metadata(text)


def slug(name: str) -> str:
    """An id from a file name: lower-case ASCII words joined by '-', without extensions."""
    stem = name
    while True:
        new = re.sub(r"\.(?:html?|md|markdown|txt|text|fragment|ocr|hant|hans|utf-?8|gbk|gb18030|big5)$", "",
                     stem, flags=re.I)
        if new == stem:
            break
        stem = new
    s = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return s[:60].strip("-")
