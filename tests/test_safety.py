"""bireport/safety.py: the text-to-page boundary, the URL policy and the output sanitiser.

Expected outputs are written by hand; the Markdown round trips use Python-Markdown with the
extensions mkdocs.yml enables (so a text that formed markup there would show up here)."""
from __future__ import annotations

import re

import html5lib
import markdown
import pytest

from bireport import safety

EXTENSIONS = ["attr_list", "md_in_html", "admonition", "footnotes", "tables", "toc",
              "pymdownx.details", "pymdownx.caret", "pymdownx.critic"]
TEXTS = [
    "<script>alert(1)</script>",
    "a < b && c > d",
    "[点击](javascript:alert(1))",
    '[x](https://e.com){: onclick="alert(1)" }',
    '![x](x){: onerror="alert(1)" }',
    "{++插入++} {--删--} {~~a~>b~~} {==高亮==} {>>评<<}",
    "[^fn1] [@3] ^上标^ **粗** *斜* `代码` ~~删~~ <!-- c -->",
    "# 标题", "- 列表", "1. 编号", "> 引用", "!!! warning \"x\"", "??? note", "| a | b |", "    缩进代码",
    "[ref]: https://e.com", "*[HTML]: 缩写", "&lt;已编码&gt; &amp; &#106;",
    "trailing backslash \\", "\\<escaped\\>", "line one\n=====",
]


def _html_text(html_text: str) -> str:
    doc = html5lib.parse(f"<div>{html_text}</div>")
    return re.sub(r"\s+", " ", "".join(doc.itertext())).strip()


def _elements(html_text: str) -> list[str]:
    doc = html5lib.parse(f"<body>{html_text}</body>")
    return [e.tag.split("}")[-1] for e in doc.iter() if isinstance(e.tag, str)][3:]   # after html, head, body


BLOCK = re.compile(r"^\s*(?:[#>\-+=:?!|]|\d+[.)]|\s{4})|\n\s*[#>\-+=:?!]", re.M)


@pytest.mark.parametrize("s", TEXTS)
def test_text_is_shown_exactly_and_forms_no_markup(s):
    # inside a line any text is safe; text that may start a line is written with line_start
    for line_start in ((True,) if BLOCK.search(s) else (False, True)):
        out = markdown.markdown(safety.text(s, line_start=line_start), extensions=EXTENSIONS)
        assert _html_text(out) == re.sub(r"\s+", " ", s).strip()
        assert _elements(out) == ["p"], out


@pytest.mark.parametrize("s", TEXTS)
def test_text_in_raw_html_and_attributes(s):
    out = f'<p title="{safety.text(s)}">{safety.text(s)}</p>'
    doc = html5lib.parse(out)
    p = [e for e in doc.iter() if isinstance(e.tag, str) and e.tag.endswith("}p")]
    assert len(p) == 1 and p[0].get("title") == s and "".join(p[0].itertext()) == s


@pytest.mark.parametrize("url,expected", [
    ("https://example.com/a?b=1#c", "https://example.com/a?b=1#c"),
    ("HTTP://Example.com/", "http://Example.com/"),
    ("mailto:someone@example.com", "mailto:someone@example.com"),
    ("#ref-3", "#ref-3"),
    ("javascript:alert(1)", None),
    ("JaVaScRiPt:alert(1)", None),
    (" javascript:alert(1)", None),
    ("java\tscript:alert(1)", None),
    ("java\nscript:alert(1)", None),
    ("&#106;avascript:alert(1)", None),
    ("&#x6A;avascript:alert(1)", None),
    ("&amp;#106;avascript:alert(1)", None),
    ("javascript&colon;alert(1)", None),
    ("vbscript:msgbox(1)", None),
    ("data:text/html;base64,PHNjcmlwdD4=", None),
    ("data:image/png;base64,iVBORw0KGgo=", None),
    ("file:///etc/passwd", None),
    ("//evil.example/x", None),
    ("\\\\evil.example\\x", None),
    ("../other.html", None),
    ("https:evil.example", None),
    ("ftp://example.com/x", None),
    ("", None),
])
def test_url_policy(url, expected):
    assert safety.safe_url(url) == expected


def test_inline_grammar_only_tokens_become_markup():
    tk = safety.Tokens(cite=lambda n: f"<CITE {n}>", footnote=lambda k: f"<FN {k}>")
    got = safety.inline_md("见[@3]与[^fn1]，**重点**和*强调*^1^，{++补++}；[链接](https://e.com/a_b)。", tk)
    assert got == ("见<CITE 3>与<FN fn1>，<strong>重点</strong>和<em>强调</em><sup>1</sup>，{++补++}；"
                   '<a href="https://e.com/a_b">链接</a>。')
    # refused URL: the link's text only, the URL recorded
    tk = safety.Tokens()
    assert safety.inline_md("[点击](javascript:alert(1))后", tk) == "点击后"
    assert tk.refused == ["javascript:alert(1)"]
    # escaped source text stays text, unpaired markers are text
    assert safety.inline_md(r"\[点击](javascript:x) \*a \<b\> 5 * 3") == \
        "&#91;点击&#93;(javascript:x) &#42;a &lt;b&gt; 5 &#42; 3"
    # {: …} after a link cannot reach attr_list
    assert safety.inline_md('[a](https://e.com){: onclick="x" }') == \
        '<a href="https://e.com">a</a>&#123;: onclick=&quot;x&quot; &#125;'
    # block syntax at a line start is neutralised
    assert safety.inline_md("# 不是标题\n- 不是列表\n1. 不是编号") == "&#35; 不是标题\n&#45; 不是列表\n1&#46; 不是编号"


def test_plain_drops_tokens_and_unescapes():
    assert safety.plain(r"{++1++}月 \*注\* [链接](https://e.com)[@2][^fn1]^3^") == "1月 *注* 链接"


def test_sanitiser_removes_what_input_could_inject_and_keeps_our_markup():
    ours = ('<h2 id="s1">标题<a class="headerlink" href="#s1" title="Permanent link">¶</a></h2>'
            '<div class="data-table-wrap" id="table-x"><table class="data-table"><caption>表1</caption>'
            '<thead><tr><th scope="col" colspan="2">年</th></tr></thead><tbody><tr><td class="num">1</td></tr></tbody></table>'
            '<p class="table-download"><a href="../data/tables/x.csv" download="">CSV</a></p></div>'
            '<figure class="chart" id="c" aria-describedby="d"><div class="vl-chart" data-spec="../assets/charts/x.vl.json" '
            'data-description="d"><img src="../assets/charts/x.svg" alt="d" loading="lazy"></div></figure>'
            '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup><ins class="critic">1</ins>'
            '<details class="info"><summary>s</summary><p>x</p></details>'
            '<nav class="view-switcher" data-search-exclude="" aria-label="v"><a href="../en/" lang="en" hreflang="en" '
            'aria-current="page" class="current">English</a></nav>')
    assert _elements(safety.sanitize_html(ours)) == _elements(ours)
    assert safety.sanitize_html(ours).count("=") == ours.count("=")
    bad = ('<script>alert(1)</script><p onclick="x" style="position:fixed">t</p><a href="javascript:alert(1)">j</a>'
           '<a href="JaVaScRiPt:alert(1)">k</a><img src="https://tracker.example/p.png"><img src="//t.example/p.png">'
           '<img src="data:image/png;base64,AAAA"><iframe src="https://e.com"></iframe><svg onload="x"></svg>'
           '<math><mi>x</mi></math><style>*{}</style><form action="https://e.com"><input></form>'
           '<div data-spec="https://evil.example/spec.json">v</div><object data="x"></object>')
    out = safety.sanitize_html(bad)
    low = out.lower()
    for word in ("<script", "onclick", "style=", "javascript", "tracker", "//t.example", "data:", "<iframe", "<svg",
                 "<math", "<style", "<form", "<input", "evil.example", "<object"):
        assert word not in low, (word, out)
    assert _html_text(out) == "tjkv"
