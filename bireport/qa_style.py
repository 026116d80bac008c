"""English house style QA (HOUSE_STYLE.md): the mechanical part of the style guide, run with
the translation QA on every build. Each finding names the PO file and line and says the fix.

Checks (all on the msgstr, with the msgid where the rule depends on the source):
- multiplier: the source says 增长/扩大/增加… N倍 ("grew by N times the base") and the English
  says "N times"/"N-fold", which English readers take as N× the base (it is N+1×);
- currency: "5.46 USD billion", "USD 25 million", "US$0.496 billion", more than two decimals
  before billion/trillion, "hundreds of millions of US dollars", "per cent" after a figure;
- quotes: straight quotes or apostrophes in running text (the house style is curly: “…”, ‘…’, ’),
  unbalanced curly double quotes;
- dash: a hyphen between two country names (China-US) where the house style has an en dash,
  unless the hyphenated form is the source's own English or a glossary name; an unspaced em dash;
- terms: a glossary term's `forbidden` renderings anywhere in the English;
- manifest: the PO's document title and publisher equal the English in the manifest;
- tn: a translator's note placed after a phrase (`# TN after "…":`) whose phrase is not in the msgstr.

Text copied from the source (references, the authors' own English) is exempt from the rules
about wording; markup (link targets, citation tokens) is never checked.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .yamlpos import load as yaml_load

# 增长了6倍, 扩大11.5倍, 增加了近3倍 … (an increase BY N times the base), not 是…的N倍 (N times AS MUCH)
_ZH_MULT = re.compile(r"(?:增长|增加|扩大|提高|上升|上涨|攀升|跃升|翻)(?:了)?(?:约|近|超过|逾|达)?(\d+(?:\.\d+)?)(?:多)?倍")
_EN_TIMES = r"(?<![\d.]){n}(?:-fold|fold| times| ×|×)"
_WORDNUM = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}

def _millions(m) -> str:
    v = float(m.group(1)) * 1000
    return f"write it in millions: US${v:,.1f}".rstrip("0").rstrip(".") + " million"


def _two_decimals(m) -> str:
    return f"round to two decimals: US${float(m.group(1).replace(',', '')):,.2f} {m.group(2)}"


_CURRENCY = [
    (re.compile(r"\d[\d,.]*\s*USD\s*(?:billion|million|trillion|thousand)\b"),
     "currency written as “N USD billion”", "write the amount as “US$5.46 billion” (US$ before the figure)"),
    (re.compile(r"\bUSD\s*\d"), "currency written as “USD 25 …” in running text",
     "write “US$25 million”; “USD billion” is only for table and axis units"),
    (re.compile(r"US\$\s*(0\.\d+)\s*billion"), "an amount under one billion written in billions", _millions),
    (re.compile(r"US\$\s*([1-9][\d,]*\.\d{3,})\s*(billion|trillion)"), "more than two decimals before billion/trillion",
     _two_decimals),
    (re.compile(r"US\s+\$|U\.S\.\s*\$|\$\s+\d"), "spacing of the dollar sign", "write “US$5.46 billion” with no spaces"),
    (re.compile(r"hundreds? of millions of (?:US )?dollars", re.I), "unit written as “hundreds of millions of US dollars”",
     "write the unit as “US$100 million” (or convert the figures to billions)"),
    (re.compile(r"\d\s*(?:per cent|percent)\b", re.I), "“per cent” after a figure", "use the per cent sign: 6.1%"),
]

_DASH_PAIR = re.compile(r"\b(China|Chinese|US|U\.S\.|EU|Europe|Sino|Russia|Ukraine|Japan|Japanese)-(China|Chinese|US|EU|Europe|Russia|Ukraine|Japan|Africa)\b")
_URL = re.compile(r"\]\([^)]*\)|https?://\S+|\[@[\d,\-–]+\]|\[\^\w+\]|\{\+\+|\+\+\}|\^\w+\^")


def _text(s: str) -> str:
    """The running text of a msgstr: link targets, URLs and pipeline tokens removed."""
    return _URL.sub(" ", s)


def multiplier(zh: str, en: str) -> list[str]:
    out = []
    for m in _ZH_MULT.finditer(zh):
        n = m.group(1)
        forms = [re.escape(n)]
        if n.isdigit() and int(n) in _WORDNUM:
            forms.append(_WORDNUM[int(n)])
        for f in forms:
            if re.search(_EN_TIMES.format(n=f), en, re.I) or re.search(rf"increase of {f}\b", en, re.I):
                pct = f"{float(n) * 100:,.0f}%"
                out.append(f"“{m.group(0)}” (an increase by {n} times the base) rendered as “{f} times”, which reads as "
                           f"{n}× the base --> write “up {pct}” (or “up more than {pct}”), checking the figures")
                break
    return out


def currency(en: str) -> list[str]:
    text = _text(en)
    return [f"{what}: “{m.group(0).strip()}” --> {fix(m) if callable(fix) else fix}"
            for rx, what, fix in _CURRENCY for m in rx.finditer(text)]


def quotes(zh: str, en: str) -> list[str]:
    text = _text(en)
    # Latin text copied verbatim from the source (an English title quoted in the Chinese) keeps its quotes
    for run in re.findall(r"[A-Za-z][A-Za-z0-9 ,.'\"’:;()&-]{12,}", zh):
        text = text.replace(run, " ")
    out = []
    if '"' in text:
        out.append("straight double quote --> use curly quotes “…” (house style)")
    if "'" in text:
        ex = re.search(r".{0,12}'.{0,12}", text).group(0)
        out.append(f"straight apostrophe or single quote in “{ex}” --> use ’ (apostrophe) or ‘…’ (quote within a quote)")
    if text.count("“") != text.count("”"):
        out.append(f"unbalanced quotation marks: {text.count('“')} “ and {text.count('”')} ” --> close every quotation")
    return out


def dashes(zh: str, en: str, allowed: list[str]) -> list[str]:
    out = []
    text = _text(en)
    for name in allowed:
        text = text.replace(name, " ")
    for m in re.finditer(r"[A-Za-z”’),;:]—[A-Za-z“‘]", text):
        out.append(f"unspaced em dash in “{m.group(0)}” --> the house style spaces it: “{m.group(0)[0]} — {m.group(0)[-1]}”")
    for m in _DASH_PAIR.finditer(text):
        if m.group(0) in zh:
            continue   # the source's own English
        out.append(f"hyphen in “{m.group(0)}” --> the house style joins two parties with an en dash: "
                   f"“{m.group(1)}–{m.group(2)}”")
    return out


def forbidden(en: str, terms) -> list[str]:
    out = []
    text = _text(en)
    for t in terms:
        for f in getattr(t, "forbidden", ()) or ():
            hit = f in text if f.upper() == f else f.lower() in text.lower()
            if hit:
                out.append(f"“{f}” is not the agreed rendering --> write “{t.en}” (glossary: {t.zh})")
    return out


_QUOTES = re.compile("[“”‘’\"'「」『』]")


def quoted_terms(zh: str, en: str, terms) -> list[str]:
    """Glossary terms the source writes with quotation marks inside (共建“一带一路”国家): the
    glossary lists them without, so they are matched here with the source's quotes removed."""
    bare = _QUOTES.sub("", zh)
    out = []
    for t in terms:
        if t.zh not in zh and t.zh in bare and not any(a.lower() in en.lower() for a in (t.en, *t.variants)):
            out.append(f"glossary: “{t.zh}” should be rendered as “{t.en}”")
    return out


def check_entry(e, terms, exempt: bool) -> list[tuple[str, str, str]]:
    """(check, severity, message) for one translated, non-fuzzy PO entry."""
    zh, en = e.msgid, e.msgstr
    out = [("multiplier", "error", m) for m in multiplier(zh, en)]
    if exempt:   # references and the authors' own English: kept as given
        return out
    out += [("terms", "error", m) for m in quoted_terms(zh, en, terms)]
    out += [("currency", "error", m) for m in currency(en)]
    out += [("quotes", "error", m) for m in quotes(zh, en)]
    allowed = [x for t in terms for x in (t.en, *t.variants) if "-" in x]
    out += [("dash", "error", m) for m in dashes(zh, en, allowed)]
    out += [("terms", "error", m) for m in forbidden(en, terms)]
    return out


def manifest_english(root: Path) -> dict[str, dict[str, str]]:
    path = Path(root) / "data" / "sources" / "manifest.yaml"
    try:
        data = yaml_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    out = {}
    for d in data.get("documents") or []:
        if isinstance(d, dict) and d.get("id"):
            out[d["id"]] = {k: str((d.get(k) or {}).get("en") or "") for k in ("title", "publisher")}
    return out


def notes(e) -> list[tuple[str, str, str]]:
    """A translator's note placed `after "phrase"` needs that phrase in the msgstr."""
    from .i18n import translator_notes

    return [("tn", "error", f"translator's note placed after “{n.anchor}”, which is not in the msgstr --> "
                            "copy the phrase exactly from the msgstr, or drop `after \"…\"` to put the call at the end")
            for n in translator_notes(e) if n.anchor and n.anchor not in e.msgstr]


def check_manifest(e, doc_id: str, manifest: dict) -> list[tuple[str, str, str]]:
    """The PO's document title/publisher must equal the manifest's English (one title everywhere)."""
    ctx = e.msgctxt or ""
    for key in ("title", "publisher"):
        if ctx == f"{doc_id}/meta/{key}" and doc_id in manifest:
            want = manifest[doc_id][key]
            if want and e.msgstr and e.msgstr != want:
                return [("manifest", "error", f"{key} differs from the manifest’s English “{want}” --> make the PO "
                                              f"msgstr and data/sources/manifest.yaml ({doc_id}: {key}.en) the same")]
    return []


def findings(path: Path, po, terms, root: Path, make) -> list:
    """Every style finding of one PO file; `make(check, severity, path, line, ctx, message)` builds
    the caller's Finding (qa.Finding), so this module imports nothing from qa."""
    manifest = manifest_english(root)
    doc_id = Path(path).stem
    out = []
    for e in po:
        if e.obsolete or not e.msgctxt or not e.msgstr or e.fuzzy:
            continue
        comment = e.comment or ""
        exempt = "reference" in comment or "/ref" in e.msgctxt or "authors give their own English" in comment
        for check, sev, msg in check_entry(e, terms, exempt) + notes(e) + check_manifest(e, doc_id, manifest):
            out.append(make(check, sev, str(path), e.linenum, e.msgctxt, msg))
    return out
