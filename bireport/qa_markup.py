"""Translation QA for markup: a msgstr must carry exactly the markup of its msgid.

Pages show translation text as text (bireport/safety.py), so markup a translator adds cannot run;
but it would be shown as stray code, or — for the tokens the pipeline does turn into markup — link
somewhere the source never linked. So every build compares, per PO entry, the markup of the msgid
with the msgstr's: HTML tags, Markdown links and their URLs, images, footnote and citation tokens,
superscripts, ``{: …}`` attribute syntax, CriticMarkup editorial marks, and script-ish text
(``on…=`` handlers, ``style=``, ``javascript:``/``vbscript:``/``data:`` URLs). A difference is an
error naming the PO file and line (so ``build --strict`` fails)."""
from __future__ import annotations

import re
from collections import Counter

from . import safety

_UNESC = r"(?<!\\)"
PATTERNS: dict[str, re.Pattern] = {
    "HTML tag": re.compile(_UNESC + r"</?[A-Za-z!?][^<>]*>"),
    "image": re.compile(_UNESC + r"!\[[^\]]*\]\([^)]*\)"),
    "attribute syntax": re.compile(_UNESC + r"\{\s*:[^}]*\}?|" + _UNESC + r"\{\s*[#.][\w-][^}]*\}"),
    "editorial mark": re.compile(_UNESC + r"\{(?:\+\+|--|~~|==|>>)|(?:\+\+|--|~~|==|<<)\}"),
    "footnote": re.compile(_UNESC + r"\[\^[^\]\s]+\]"),
    "citation": re.compile(_UNESC + r"\[@[^\]]+\]"),
    "superscript": re.compile(_UNESC + r"\^[^\s^]{1,12}\^"),
    "event handler": re.compile(r"\bon[a-z]{3,}\s*=", re.I),
    "style attribute": re.compile(r"\bstyle\s*=", re.I),
    "script URL": re.compile(r"(?:java|vb)\s*script\s*:|\bdata\s*:\s*[a-z]+/|&#0*(?:106|74);|&#x0*(?:6a|4a);", re.I),
}


def _links(text: str) -> list[str]:
    if "](" not in text:                 # a link is always [text](target): nothing to parse
        return []
    out: list[str] = []

    def walk(nodes):
        for nd in nodes:
            if nd.kind == "link":
                out.append(nd.value)
            walk(nd.children)
    walk(safety.parse(text))
    return out


def _norm_tag(tag: str) -> str:
    return re.sub(r"\s+", " ", tag.strip().lower())


def signature(text: str) -> dict[str, Counter]:
    """The markup of a segment, by kind (multisets of the exact tokens)."""
    sig = {kind: Counter(_norm_tag(m.group(0)) if kind == "HTML tag" else m.group(0)
                         for m in pat.finditer(text))
           for kind, pat in PATTERNS.items()}
    sig["link URL"] = Counter(_links(text))
    return sig


def _show(c: Counter) -> str:
    items = [f"{tok!s}" + (f" ×{n}" if n > 1 else "") for tok, n in sorted(c.items())]
    text = ", ".join(items[:4]) + (" …" if len(items) > 4 else "")
    return text[:160]


def compare(msgid: str, msgstr: str) -> list[str]:
    """Messages for every kind of markup that differs between source and translation."""
    a, b = signature(msgid), signature(msgstr)
    out = []
    for kind in a:
        if a[kind] == b[kind]:
            continue
        extra, missing = b[kind] - a[kind], a[kind] - b[kind]
        if kind == "editorial mark" and not missing and set(extra) == {"{++", "++}"} \
                and extra["{++"] == extra["++}"]:
            continue   # the translator's own insertion ({++February++}): shown to readers as inserted
        parts = []
        if extra:
            parts.append(f"the translation adds {_show(extra)}")
        if missing:
            parts.append(f"lacks {_show(missing)}")
        out.append(f"{kind} markup differs from the source: " + "; ".join(parts))
    return out


FIX = " (keep the source's markup exactly; translate only the text)"
