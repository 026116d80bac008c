"""Machine translation of untranslated segments through an OpenAI-compatible chat-completions
endpoint (llama.cpp server, vLLM, Ollama …). Results are marked fuzzy + machine, so they are
shown with the "not yet translated" marker and `build --strict` refuses them until reviewed."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from rich.progress import Progress

from .errors import BuildError, Problem
from .glossary import load_glossary
from .i18n import load_po, save_po

SYSTEM = (
    "You translate Chinese segments of a report on China–US economic and trade relations into "
    "publication-quality English. Keep every markup token exactly ([@5], [^fn1], {++…++}, [text](url), ^1^). "
    "Convert amounts: 亿 → divide by 10 and say billion (6882.8亿美元 → US$688.28 billion); "
    "万亿 → trillion; 万 → ×10,000 written in full. Use these glossary terms:\n{glossary}\n"
    "Answer with a JSON array of objects {\"id\": …, \"en\": …}, one per input object, nothing else."
)
RETRY_STATUS = {429, 500, 502, 503, 504}


def _endpoint(base: str) -> str:
    base = base.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    return base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")


def _post(url: str, payload: dict, tries: int = 5, backoff: float = 0.5, timeout: float = 120) -> dict:
    data = json.dumps(payload).encode("utf-8")
    last = ""
    for attempt in range(tries):
        req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            if exc.code not in RETRY_STATUS:
                break
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            last = str(exc)
        time.sleep(backoff * (2 ** attempt))
    raise BuildError(Problem(url, None, f"translation engine failed after {tries} tries: {last}",
                             "check that the server is running and speaks the OpenAI chat-completions API"))


def translate_batch(url: str, model: str, system: str, batch: list[dict]) -> dict[str, str]:
    payload = {"model": model, "temperature": 0,
               "messages": [{"role": "system", "content": system},
                            {"role": "user", "content": json.dumps(batch, ensure_ascii=False)}]}
    reply = _post(url, payload)
    try:
        content = reply["choices"][0]["message"]["content"].strip()
        content = content.removeprefix("```json").removeprefix("```").removesuffix("```").strip()
        items = json.loads(content)
        return {str(it["id"]): str(it["en"]) for it in items}
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        raise BuildError(Problem(url, None, f"unexpected answer from the translation engine: {exc}",
                                 "the model must answer with a JSON array of {id, en}")) from exc


def translate_untranslated(paths, engine: str, model: str = "default", batch: int = 8) -> int:
    """Fill every untranslated entry of every PO file; returns the number filled."""
    url = _endpoint(engine)
    terms = load_glossary(paths.data / "glossary.yaml")
    system = SYSTEM.replace("{glossary}", "\n".join(f"- {t.zh} → {t.en}" for t in terms))
    files = sorted((paths.i18n / "en").glob("*.po"))
    todo = []
    for path in files:
        po = load_po(path)
        todo += [(path, e.msgctxt, e.msgid) for e in po if not e.obsolete and e.msgctxt and not e.msgstr]
    done = 0
    results: dict[tuple[str, str], str] = {}
    with Progress(transient=True) as progress:
        task = progress.add_task("machine translation", total=len(todo))
        for i in range(0, len(todo), batch):
            chunk = todo[i:i + batch]
            got = translate_batch(url, model, system, [{"id": ctx, "zh": zh} for _p, ctx, zh in chunk])
            for path, ctx, _zh in chunk:
                if got.get(ctx):
                    results[(str(path), ctx)] = got[ctx]
            progress.advance(task, len(chunk))
    for path in files:
        po = load_po(path)
        changed = False
        for e in po:
            en = results.get((str(path), e.msgctxt))
            if en and not e.msgstr:
                e.msgstr = en
                for flag in ("fuzzy", "machine"):
                    if flag not in e.flags:
                        e.flags.append(flag)
                e.tcomment = f"machine translation ({model} via {url}): review, then remove the fuzzy flag"
                changed = True
                done += 1
        if changed:
            save_po(po, path)
    return done
