"""Benchmarks (run by hand): .venv/bin/python bench/run.py [--runs 5] [--copies 100] [--no-pdf] [--no-sphinx]

Every measurement runs in a fresh copy of the project under /tmp; medians of several runs.
Prints a table and writes bench/RESULTS.md (machine info, figures, ratios, targets met / not met).
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import importlib.metadata as md
import io
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_corpus import copy_project, make_corpus  # noqa: E402

PY = sys.executable
TMP = Path(tempfile.mkdtemp(prefix="bireport-bench-"))
PKGS = ("mkdocs", "mkdocs-material", "mkdocs-static-i18n", "Sphinx", "myst-parser", "sphinx-intl", "altair",
        "vl-convert-python", "weasyprint", "markdown-it-py", "pandas", "polib", "Jinja2")
_n = 0


# One snapshot of the checkout (code, templates, data) is taken at start and every run copies it,
# so concurrent edits to the checkout cannot mix into a run; bireport is imported from the snapshot.
BASE = copy_project(TMP / "base")
sys.path.insert(0, str(BASE))


def fresh() -> Path:
    global _n
    _n += 1
    dest = TMP / f"p{_n}"
    shutil.copytree(BASE, dest, ignore=shutil.ignore_patterns("build", "site", "__pycache__"))
    return dest


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def med(xs) -> float:
    return statistics.median(xs)


def sub(code: str, cwd: Path, env=None) -> tuple[float, int]:
    """Run python code in a subprocess: (wall seconds, peak RSS in MiB of that process).

    A small wrapper process runs it, so RUSAGE_CHILDREN of the wrapper covers exactly that one child."""
    wrapper = ("import resource, subprocess, sys, time; t0 = time.perf_counter(); "
               "subprocess.run([sys.executable, '-c', sys.argv[1]], check=True); "
               "print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([PY, "-c", wrapper, code], cwd=cwd, check=True, capture_output=True, text=True,
                         env={**os.environ, **(env or {})}).stdout.split()
    return float(out[0]), int(out[1]) // 1024


GEN = "import sys; sys.path.insert(0, '.'); from bireport.pipeline import generate; generate('.', quiet=True, force=True)"
GEN_TIMINGS = ("import sys, json; sys.path.insert(0, '.'); from bireport.pipeline import generate; "
               "json.dump(generate('.', quiet=True, force=True).timings, open('.bench-timings.json', 'w'))")


def sub_generate(root: Path, env=None) -> tuple[float, int, dict]:
    """A cold generation in a new process: (wall seconds, peak MiB, stage timings)."""
    wall, peak = sub(GEN_TIMINGS, root, env)
    return wall, peak, json.loads((root / ".bench-timings.json").read_text())


def mkdocs_floor(root: Path) -> float:
    env = {**os.environ, "BIREPORT_SKIP_GENERATE": "1"}
    out = TMP / f"floor{_n}"
    return timed(lambda: subprocess.run([PY, "-m", "mkdocs", "build", "--clean", "-q", "-d", str(out)],
                                        cwd=root, env=env, check=True, capture_output=True))


# ---------------------------------------------------------------- Sphinx peer

CONF = """project = "bireport bench"
extensions = ["myst_parser"]
language = "zh_CN"
locale_dirs = ["locale/"]
gettext_compact = False
myst_enable_extensions = ["attrs_inline", "attrs_block", "deflist", "html_image"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "myst.xref_missing", "myst.directive_unknown", "misc.highlighting_failure",
                     "toc.not_included", "myst.strikethrough"]
exclude_patterns = ["_build", "locale"]
"""


def sphinx_project(docs_zh: Path, dest: Path) -> Path:
    """A Sphinx + MyST project from the generated Chinese pages (front matter kept: MyST reads it)."""
    src = dest / "src"
    pages = sorted(p for p in docs_zh.rglob("*.md") if "parallel" not in p.parts)
    for p in pages:
        rel = p.relative_to(docs_zh)
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        name = "home.md" if rel.as_posix() == "index.md" else rel.as_posix()
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    toc = "\n".join(("home" if p.relative_to(docs_zh).as_posix() == "index.md" else p.relative_to(docs_zh).with_suffix("").as_posix())
                    for p in pages)
    (src / "index.md").write_text(f"# 报告\n\n```{{toctree}}\n:maxdepth: 2\n\n{toc}\n```\n", encoding="utf-8")
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    return src


def fill_po(locale_en: Path, our_po_dir: Path) -> tuple[int, int]:
    """Fill Sphinx's en catalogs from our PO translations where the msgid matches exactly."""
    import polib

    ours = {}
    for f in our_po_dir.glob("*.po"):
        for e in polib.pofile(str(f)):
            if e.msgstr and not e.fuzzy and not e.obsolete:
                ours.setdefault(e.msgid, e.msgstr)
    hit = total = 0
    for f in locale_en.rglob("*.po"):
        po = polib.pofile(str(f))
        for e in po:
            total += 1
            if e.msgid in ours:
                e.msgstr = ours[e.msgid]
                hit += 1
        po.save()
    return hit, total


def sphinx_peer(root: Path, runs: int) -> dict:
    res = {"gettext": [], "intl": [], "html_zh": [], "html_en": []}
    hit = total = 0
    for _ in range(runs):
        d = Path(tempfile.mkdtemp(prefix="sphinx-", dir=TMP))
        src = sphinx_project(root / "docs" / "zh", d)
        sb = [PY, "-m", "sphinx", "-q", "-j", "auto"]
        res["gettext"].append(timed(lambda: subprocess.run(sb + ["-b", "gettext", str(src), str(d / "pot")],
                                                           check=True, capture_output=True)))
        res["intl"].append(timed(lambda: subprocess.run(
            [str(Path(PY).parent / "sphinx-intl"), "update", "-p", str(d / "pot"), "-l", "en", "-d", str(src / "locale")],
            check=True, capture_output=True)))
        hit, total = fill_po(src / "locale" / "en", root / "data" / "i18n" / "en")
        res["html_zh"].append(timed(lambda: subprocess.run(sb + ["-b", "html", str(src), str(d / "html-zh")],
                                                           check=True, capture_output=True)))
        res["html_en"].append(timed(lambda: subprocess.run(sb + ["-b", "html", "-D", "language=en", str(src), str(d / "html-en")],
                                                           check=True, capture_output=True)))
    out = {k: med(v) for k, v in res.items()}
    out["total"] = sum(out.values())
    out["html_both"] = out["html_zh"] + out["html_en"]
    out["po_filled"], out["po_total"] = hit, total
    return out


# ---------------------------------------------------------------- profile

def profile_generate(root: Path, n: int = 12) -> str:
    from bireport.pipeline import generate

    pr = cProfile.Profile()
    pr.enable()
    generate(root, quiet=True, force=True)
    pr.disable()
    s = io.StringIO()
    pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(40)
    lines = [ln for ln in s.getvalue().splitlines() if re.match(r"\s+\d", ln)]
    keep = [ln for ln in lines if any(k in ln for k in ("bireport", "vl_convert", "altair", "polib", "jinja", "yaml", "pandas"))]
    return "\n".join(keep[:n])


# ---------------------------------------------------------------- machine

def machine() -> dict:
    cpu = ""
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    ram = ""
    try:
        kb = int(next(ln.split()[1] for ln in open("/proc/meminfo") if ln.startswith("MemTotal")))
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    vers = {}
    for p in PKGS:
        try:
            vers[p] = md.version(p)
        except md.PackageNotFoundError:
            vers[p] = "-"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    return {"cpus": os.cpu_count(), "cpu": cpu, "ram": ram, "python": platform.python_version(),
            "os": platform.platform(), "packages": vers, "date": when.strftime("%Y-%m-%d %H:%M UTC")}


# ---------------------------------------------------------------- main

RATIO_TARGET = 2.0
RATIO_HEAD = "## Cold build / MkDocs (paired)"


def cold_build_ratio(pairs: int) -> dict:
    """Paired measurement, alternating on the same (shared, noisy) machine: a cold
    `build.py build --no-pdf` in a fresh copy (no chart, page or generation cache: build/ and
    site/ absent), immediately followed by `mkdocs build` of the same generated pages in that copy
    (BIREPORT_SKIP_GENERATE=1, the floor). The ratio of each pair, then the median."""
    import resource

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    out, cpus = [], []
    for i in range(pairs):
        root = fresh()
        shutil.rmtree(root / "docs" / "assets" / "charts", ignore_errors=True)
        c0 = cpu()
        build = timed(lambda: subprocess.run([PY, "build.py", "build", "--no-pdf"], cwd=root, check=True,
                                             capture_output=True))
        c1 = cpu()
        floor = mkdocs_floor(root)
        c2 = cpu()
        out.append((build, floor, build / floor))
        cpus.append((c1 - c0, c2 - c1))
        print(f"pair {i + 1}: build {build:.2f} s ({c1 - c0:.2f} s CPU), mkdocs {floor:.2f} s ({c2 - c1:.2f} s CPU), "
              f"ratio {build / floor:.2f}", file=sys.stderr)
        shutil.rmtree(root, ignore_errors=True)
    return {"pairs": out, "cpu": cpus, "build": med([b for b, _, _ in out]), "floor": med([f for _, f, _ in out]),
            "ratio": med([r for _, _, r in out]), "load": os.getloadavg(),
            "cpu_build": med([a for a, _ in cpus]), "cpu_floor": med([b for _, b in cpus])}


def write_ratio(res: dict, path: Path = ROOT / "bench" / "RESULTS.md") -> None:
    """Replace (or add) the cold-build ratio section of RESULTS.md."""
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [RATIO_HEAD, "",
             f"Measured by `bench/run.py --ratio {len(res['pairs'])}` on {when} (load average at the end: "
             f"{res['load'][0]:.1f}; 2 cores shared with other work, so each build is paired with the "
             "MkDocs build that runs right after it and the ratio is taken per pair).", "",
             "Method: a fresh copy of the project (no build/, site/ or chart SVGs), `python build.py build "
             "--no-pdf` timed as a subprocess (imports, generation, QA, chart SVGs rendered while MkDocs "
             "builds, the staged site swapped in); then `mkdocs build` of the same generated pages in that "
             "copy (BIREPORT_SKIP_GENERATE=1), also a subprocess.", "",
             "| pair | cold build | MkDocs | ratio (wall) | CPU: build / MkDocs |", "|---|---|---|---|---|"]
    for i, ((b, f, r), (cb, cf)) in enumerate(zip(res["pairs"], res["cpu"]), 1):
        lines.append(f"| {i} | {b:.2f} s | {f:.2f} s | {r:.2f} | {cb:.2f} s / {cf:.2f} s |")
    met = "met" if res["ratio"] <= RATIO_TARGET else "**not met**"
    lines += [f"| median | {res['build']:.2f} s | {res['floor']:.2f} s | **{res['ratio']:.2f}** | "
              f"{res['cpu_build']:.2f} s / {res['cpu_floor']:.2f} s |", "",
              f"Target: cold build ≤ {RATIO_TARGET:.1f} × MkDocs (wall) — {met}. CPU seconds (user + sys of "
              "the process and its children) show the work done, independent of how busy the machine was; "
              "the wall-clock ratio also counts the overlap: chart specs and SVGs, the translation QA and the "
              "downloads are made while MkDocs builds the site.", "",
              "How the build keeps up with MkDocs on 2 cores: it forks one chart worker before it reads "
              "anything, so V8, Altair and the fonts load on the idle core while the inputs are gathered; the "
              "stale charts (Vega-Lite spec + SVG) go to that worker as soon as they are known; MkDocs starts "
              "as soon as the pages are written, and the worker, the translation QA and the downloads run "
              "beside it. The work itself was cut: chart text is set in Liberation Sans with Noto Sans CJK SC "
              "for Chinese (vl-convert measures Latin text in the CJK face about 1.7 times slower, and the PDF "
              "now prints Latin chart text in a Latin face); labels are never truncated (label limit 0: "
              "Vega no longer measures every label to decide whether to cut it, a quarter of the SVG time); "
              "Altair specs are not re-validated in the build "
              "(the chart options an editor controls are checked when the tables load, and the tests validate "
              "every spec against the Vega-Lite schema); title and config are set on the finished chart "
              "instead of copying it; YAML is parsed by libyaml; each chart's default description is "
              "computed once; the markup QA parses only segments that can hold a link.",
              ""]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = "\n".join(lines) + "\n"
    if RATIO_HEAD in text:
        a = text.index(RATIO_HEAD)
        b = text.find("\n## ", a + len(RATIO_HEAD))
        text = text[:a] + block + (text[b + 1:] if b >= 0 else "")
    else:
        a = text.find("\n## ")
        text = text[:a + 1] + block + "\n" + text[a + 1:] if a >= 0 else text + "\n" + block
    path.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ratio", type=int, default=0, metavar="PAIRS",
                    help="only the paired cold-build / MkDocs ratio (PAIRS pairs) -> RESULTS.md")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--copies", type=int, default=100)
    ap.add_argument("--no-pdf", action="store_true")
    ap.add_argument("--no-sphinx", action="store_true")
    a = ap.parse_args()
    if a.ratio:
        write_ratio(cold_build_ratio(a.ratio))
        shutil.rmtree(TMP, ignore_errors=True)
        return 0
    import bireport
    from bireport.pipeline import generate, run_mkdocs, Paths

    assert Path(bireport.__file__).resolve().is_relative_to(BASE.resolve()), bireport.__file__

    R: dict = {"machine": machine(), "runs": a.runs}
    slow = max(1, min(3, a.runs))
    print(f"bench in {TMP}", file=sys.stderr)

    # cold full generation (fresh copy: no chart cache, no page cache), each in a new process as
    # `build.py generate` runs it (imports included, like the MkDocs floor); default settings
    # render the chart SVGs in 2 forked workers; BIREPORT_CHART_WORKERS=0 renders them in this process
    cold, stages, serial = [], [], []
    for _ in range(slow):
        wall, _peak, timings = sub_generate(fresh())
        cold.append(wall)
        stages.append(timings)
        serial.append(sub_generate(fresh(), env={"BIREPORT_CHART_WORKERS": "0"})[0])
    R["cold"] = med(cold)
    R["stages"] = {k: med([s.get(k, 0.0) for s in stages]) for k in stages[0]}
    R["cold_serial"] = med(serial)
    root = fresh()
    generate(root, quiet=True, force=True)
    # warm: force re-generation with caches (charts) in place, and the no-op (hash unchanged)
    R["warm_force"] = med([timed(lambda: generate(root, quiet=True, force=True)) for _ in range(a.runs)])
    generate(root, quiet=True)
    noop = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        r = generate(root, quiet=True)
        noop.append(time.perf_counter() - t0)
        assert r.skipped
    R["noop"] = med(noop)

    # one PO edit / one CSV edit, then generate (incremental as implemented)
    po = sorted((root / "data" / "i18n" / "en").glob("*.po"))[0]
    po_t, po_stages = [], []
    for i in range(a.runs):
        text = po.read_text(encoding="utf-8")
        m = list(re.finditer(r'^msgstr "(.+)"$', text, re.M))[3]
        po.write_text(text[:m.end(1)] + f" [edit {i}]" + text[m.end(1):], encoding="utf-8")
        t0 = time.perf_counter()
        r = generate(root, quiet=True)
        po_t.append(time.perf_counter() - t0)
        po_stages.append(r.timings)
    R["po_edit"] = med(po_t)
    R["po_edit_stages"] = {k: med([s.get(k, 0.0) for s in po_stages]) for k in po_stages[0]}
    csv = sorted((root / "data" / "tables").glob("*.csv"))[0]
    original = csv.read_text(encoding="utf-8")
    header, first, rest = original.split("\n", 2)
    cells = first.split(",")
    value = cells[header.split(",").index("value")]
    changed = first.replace(f",{value},", f",{float(value) + 1:.{len(value.split('.')[-1]) if '.' in value else 0}f},", 1)
    csv_t = []
    for i in range(a.runs):
        # one value edited (then restored): its document's pages and its 2 charts are re-rendered
        csv.write_text("\n".join([header, changed if i % 2 == 0 else first, rest]), encoding="utf-8")
        csv_t.append(timed(lambda: generate(root, quiet=True)))
    csv.write_text(original, encoding="utf-8")
    R["csv_edit"] = med(csv_t)
    R["csv_note"] = f"{csv.name}: one value changed by 1 and restored, alternately"

    # MkDocs: our site build (run_mkdocs: strict, staged, swapped) and the floor (plain mkdocs build)
    generate(root, quiet=True, force=True)
    R["mkdocs_ours"] = med([timed(lambda: run_mkdocs(Paths(root))) for _ in range(slow)])
    R["mkdocs_floor"] = med([mkdocs_floor(root) for _ in range(slow)])

    # peak memory: a cold generation in a subprocess
    wall, peak = sub(GEN, fresh())
    R["cold_sub"], R["cold_peak_mib"] = wall, peak

    # PDF
    if not a.no_pdf:
        from bireport import pdf

        R["pdf"] = timed(lambda: pdf.build_pdfs(root, force=True, quiet=True))
        R["pdf_stats"] = {k: v for k, v in pdf.last_stats.items()}

    # Sphinx peer
    if not a.no_sphinx:
        R["sphinx"] = sphinx_peer(root, slow)

    # profile of a cold generation (what limits it)
    R["profile_cold"] = profile_generate(fresh())

    # synthetic corpus: copies x seeds, cold generation in a subprocess (time + peak memory)
    if a.copies:
        croot = make_corpus(TMP / "corpus", a.copies, base=BASE)
        import yaml
        n_docs = len(yaml.safe_load((croot / "data/sources/manifest.yaml").read_text(encoding="utf-8"))["documents"])
        wall, peak = sub(GEN, croot)
        R["corpus"] = {"copies": a.copies, "documents": n_docs, "seconds": wall, "peak_mib": peak,
                       "workers": 2}
        R["corpus"]["stages"] = json.loads(subprocess.run(
            [PY, "-c", "import sys, json; sys.path.insert(0, '.'); from bireport.pipeline import generate; "
                       "print(json.dumps(generate('.', quiet=True, force=True).timings))"],
            cwd=croot, check=True, capture_output=True, text=True).stdout)

    write_results(R)
    shutil.rmtree(TMP, ignore_errors=True)
    return 0


def write_results(R: dict) -> None:
    m = R["machine"]
    f = lambda x: f"{x:.2f} s" if x >= 0.1 else f"{x * 1000:.0f} ms"  # noqa: E731
    rows = [("cold full generation (fresh copy, new process; SVGs in 2 forked workers)", f(R["cold"])),
            ("cold full generation, SVGs rendered in the same process (BIREPORT_CHART_WORKERS=0)", f(R["cold_serial"])),
            ("  stage gather (ingest, tables extracted and reconciled, catalog)", f(R["stages"].get("gather", 0))),
            ("  stage charts", f(R["stages"].get("charts", 0))),
            ("  stage render", f(R["stages"].get("render", 0))),
            ("  stage write", f(R["stages"].get("write", 0))),
            ("re-generate, forced, caches warm", f(R["warm_force"])),
            ("no-op generate (hash unchanged → skipped)", f(R["noop"])),
            ("after one PO edit (generate only)", f(R["po_edit"])),
            ("after one CSV edit (generate only)", f(R["csv_edit"])),
            ("MkDocs build, ours (run_mkdocs: --strict, staged)", f(R["mkdocs_ours"])),
            ("MkDocs floor (plain `mkdocs build`, BIREPORT_SKIP_GENERATE=1)", f(R["mkdocs_floor"])),
            ("peak memory, cold generation (subprocess maxrss)", f"{R['cold_peak_mib']} MiB")]
    if "pdf" in R:
        rows.append(("PDFs (3, build_pdfs force=True)", f(R["pdf"])))
    if "sphinx" in R:
        s = R["sphinx"]
        rows += [("Sphinx: gettext (.pot)", f(s["gettext"])), ("Sphinx: sphinx-intl update -l en", f(s["intl"])),
                 ("Sphinx: html zh", f(s["html_zh"])), ("Sphinx: html en", f(s["html_en"])),
                 ("Sphinx: total (pot + intl + zh + en)", f(s["total"]))]
    if "corpus" in R:
        c = R["corpus"]
        rows += [(f"corpus {c['documents']} docs: cold generate (new process, 2 chart workers)", f(c["seconds"])),
                 (f"corpus {c['documents']} docs: peak memory", f"{c['peak_mib']} MiB")]
    ours_full = R["cold"] + R["mkdocs_ours"]
    ratios = [("cold generate / MkDocs floor", R["cold"] / R["mkdocs_floor"]),
              ("(cold generate + our MkDocs) / MkDocs floor", ours_full / R["mkdocs_floor"]),
              ("warm forced generate / MkDocs floor", R["warm_force"] / R["mkdocs_floor"])]
    if "sphinx" in R:
        ratios += [("(cold generate + our MkDocs) / Sphinx total", ours_full / R["sphinx"]["total"]),
                   ("(warm generate + our MkDocs) / Sphinx total", (R["warm_force"] + R["mkdocs_ours"]) / R["sphinx"]["total"])]
    seed_t = R["cold_sub"]
    targets = [("regenerate after one PO edit ≤ 0.5 s (excl. MkDocs)", f(R["po_edit"]), R["po_edit"] <= 0.5),
               ("cold generation ≤ 1.5 × MkDocs floor", f"{R['cold'] / R['mkdocs_floor']:.2f} ×", R["cold"] <= 1.5 * R["mkdocs_floor"])]
    if "corpus" in R:
        c = R["corpus"]
        targets += [(f"corpus ({c['documents']} docs) generate ≤ 110 × seed time ({f(seed_t)} in a subprocess)",
                     f"{c['seconds'] / seed_t:.1f} ×", c["seconds"] <= 110 * seed_t),
                    ("corpus peak memory ≤ 2 GB", f"{c['peak_mib']} MiB", c["peak_mib"] <= 2048)]
    table = "\n".join(f"| {a} | {b} |" for a, b in rows)
    out = [f"# Benchmarks\n\nGenerated by `bench/run.py` on {m['date']} (medians of {R['runs']} runs; "
           f"≤ 3 for slow ones; each series in a fresh copy of the project under /tmp).\n",
           "## Machine\n", f"- CPU: {m['cpu']} ({m['cpus']} logical CPUs)", f"- RAM: {m['ram']}",
           f"- OS: {m['os']}", f"- Python {m['python']}",
           "- packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()), "",
           "## Figures\n", "| measurement | time |", "|---|---|", table, "",
           "## Ratios\n", "| ratio | value |", "|---|---|",
           "\n".join(f"| {a} | {b:.2f} |" for a, b in ratios), "",
           "## Targets\n", "| target | measured | met |", "|---|---|---|",
           "\n".join(f"| {a} | {b} | {'met' if ok else '**not met**'} |" for a, b, ok in targets), ""]
    if "sphinx" in R:
        s = R["sphinx"]
        out += ["## The Sphinx peer\n",
                "A Sphinx project is generated under /tmp from the generated `docs/zh` Markdown pages (MyST, "
                "front matter kept; the side-by-side pages are left out), `sphinx-build -b gettext` makes the "
                "catalogs, `sphinx-intl update -l en` the en PO files, which are filled from our PO translations "
                f"where the msgid matches exactly ({s['po_filled']} of {s['po_total']} Sphinx messages; the rest stay "
                "untranslated: Sphinx segments by rendered paragraph, ours by source block, and our pages carry "
                "markup that changes the msgid). Then `sphinx-build -b html` for zh and for en (`-D language=en`), "
                "with `-j auto`. Sphinx does not extract tables to data, render charts or run translation QA, so "
                "it is a floor for the publishing part rather than an equivalent.\n"]
    out += ["## What limits it\n",
            "- Incremental generation as implemented: a no-op is skipped by one content hash over all inputs; "
            "after an edit, `generate()` re-ingests every document, re-extracts and re-validates every table and "
            "re-renders the site-wide pages; pages of unchanged documents come from the per-document page cache "
            "and charts from their content-hash cache. The PO/CSV edit figures measure exactly that.",
            "- Cold generation is dominated by the chart stage (`charts`): each of the 2 × tables SVGs is "
            "rendered by vl-convert (Vega in Deno/V8) — hot functions of a cold run (cProfile, cumulative):\n",
            "```", R.get("profile_cold", ""), "```", "",
            f"- Cold generation / MkDocs floor = {R['cold'] / R['mkdocs_floor']:.2f} (both are new processes, "
            f"imports included): the chart stage is {R['stages'].get('charts', 0):.2f} s of "
            f"{R['cold']:.2f} s; without chart rendering (forced re-generation with the chart cache warm) "
            f"generation takes {R['warm_force']:.2f} s = {R['warm_force'] / R['mkdocs_floor']:.2f} × the floor. "
            f"The 2 × tables SVGs render in two forked workers that start V8 while the specs are built "
            f"({R['cold']:.2f} s against {R['cold_serial']:.2f} s serially); each SVG still costs vl-convert "
            "about 0.18 s of Vega in Deno/V8 and each worker about 0.75 s to start V8, which is what "
            "keeps the ratio above the target. Meeting it would mean not rendering the SVGs at build time "
            "(they are the print and no-JavaScript form of every chart), so the target is left unmet.", ""]
    if "corpus" in R:
        c = R["corpus"]
        out += [f"- Corpus: {c['documents']} documents ({c['copies']} × the seeds; ids and titles varied, PO files "
                f"re-keyed, presentation entries copied, sha256 re-pinned; `bench/make_corpus.py`), cold generation in "
                f"a subprocess (SVGs in 2 forked workers). Stages of a forced re-run with the chart cache warm: "
                + ", ".join(f"{k} {v:.2f} s" for k, v in c["stages"].items()) + ".", ""]
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(out), encoding="utf-8")
    print("\n".join(f"{a:70} {b}" for a, b in rows))
    print()
    print("\n".join(f"{a:70} {b:.2f}" for a, b in ratios))
    print()
    print("\n".join(f"{a:70} {b:>10}  {'met' if ok else 'NOT MET'}" for a, b, ok in targets))


if __name__ == "__main__":
    sys.exit(main())
