"""Chart SVGs (the print, PDF and no-JavaScript form of every chart), rendered by vl-convert.

Stale charts are handed over as jobs as soon as they are known (`SvgJobs`): worker processes build
each chart's Vega-Lite spec *and* its SVG, largest first, while this process goes on (rendering
the pages; MkDocs builds the site); `SvgJobs.finish()` writes the files. `build.py build` forks
its one worker (`Workers`) before its heavy imports, so Altair, V8 and the fonts load on the idle
core. Without workers the same work runs here, in order.

Measured on 2 cores, 20 stale charts (CPU): worker imports and V8 start-up about 1 s, specs 0.5 s,
SVGs about 2 s. Chart text is set in Liberation Sans with Noto Sans CJK SC for Chinese (vl-convert
measures Latin text in the CJK face about 1.7 times slower) and labels are never truncated
(truncating measures every label again). Forking is safe only while this process has no other
threads and has not started vl-convert's V8 itself (a forked copy of a running V8 deadlocks), so
workers are used by `build.py build/generate`, not by `mkdocs serve` (threads), where the cache
leaves few SVGs to render anyway. BIREPORT_CHART_WORKERS=N sets how many (0: none).
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .atomic import write_atomic

# Latin text in a Latin face (Liberation Sans, metric-compatible with Arial/Helvetica), Chinese in
# Noto Sans CJK SC; readers' browsers without them fall back to their own Chinese sans-serif
FONT = "Liberation Sans, Arial, Helvetica, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
FONT_DIRS = ["/usr/share/fonts/truetype/liberation", "/usr/share/fonts/opentype/noto"]
PARALLEL_MIN = 6          # render in several processes only when at least this many SVGs are stale
WORKERS_ENV = "BIREPORT_CHART_WORKERS"
_vl_started = False       # vl-convert has run in this process
last_workers = 1          # processes that rendered the last batch (for tests and the bench)

_fonts_registered = False


def _register_fonts() -> None:
    global _fonts_registered
    if not _fonts_registered:
        import vl_convert as vlc
        for d in FONT_DIRS:
            if Path(d).is_dir():
                vlc.register_font_directory(d)
        _fonts_registered = True


def render_svg(spec_text: str) -> str:
    """SVG from a Vega-Lite JSON string (no network access)."""
    global _vl_started
    import vl_convert as vlc
    _vl_started = True
    _register_fonts()
    return vlc.vegalite_to_svg(spec_text, allowed_base_urls=[])


def workers() -> int:
    """How many worker processes render SVGs (BIREPORT_CHART_WORKERS, default: one per core,
    at most 2); 0 when forking is not safe here (the work is then done in this process)."""
    import threading

    wanted = int(os.environ.get(WORKERS_ENV, "") or min(2, os.cpu_count() or 1))
    if wanted < 1 or _vl_started or threading.active_count() > 1 \
            or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return wanted


WARM_UP = ('{"mark": {"type": "text"}, "encoding": {"text": {"value": "中文 English"}}, '
           '"config": {"font": "%s"}}' % FONT)


def _warm() -> None:
    """In a new worker: load Altair, the chart builders, V8 and the fonts before the first job."""
    import importlib

    for name in ("altair", f"{__package__}.charts"):
        importlib.import_module(name)
    render_svg(WARM_UP)


@dataclass
class Job:
    """One stale chart: `make()` gives its Vega-Lite JSON text (raises a BuildError naming the
    table when the chart cannot be built; picklable, e.g. a functools.partial of a module-level
    function, to run in a worker); the files it goes to; its cache entry; a size guess."""

    name: str
    key: str
    json_path: Path
    svg_path: Path
    make: Callable[[], str]
    size: int = 0


def _work(make: Callable[[], str]) -> tuple[str, str] | None:
    """In a worker: spec text and SVG; None when the spec fails (the parent then builds it
    itself, to raise the named error)."""
    try:
        text = make()
    except Exception:  # noqa: BLE001 - reported by the parent, which repeats the call
        return None
    return text, render_svg(text)


class Workers:
    """Worker processes forked at the start of a build, before the inputs are read: they load
    Altair, V8 and the fonts on the otherwise idle core while this process gathers and renders
    the pages, then take the stale charts (`SvgJobs`)."""

    def __init__(self, n: int):
        self.n = n
        self.pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"))
        for _ in range(n):                       # with "fork" every worker is forked at the first submit
            self.pool.submit(_warm)

    @classmethod
    def start(cls, most: int | None = None) -> "Workers | None":
        """Start `workers()` processes, at most `most` unless BIREPORT_CHART_WORKERS says how many."""
        n = workers()
        if most is not None and not os.environ.get(WORKERS_ENV):
            n = min(n, most)
        return cls(n) if n else None

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class SvgJobs:
    """Specs and SVGs of the stale charts, started at once, written by `finish`: in `workers`
    (or a pool made here when forking is safe and there is enough work), else in this process."""

    def __init__(self, jobs: list[Job], workers_: Workers | None = None):
        global last_workers
        self.jobs = sorted(jobs, key=lambda j: -j.size)
        self.pool, self.own, self.futures = None, False, []
        if workers_ is None and len(jobs) >= PARALLEL_MIN and workers():
            workers_, self.own = Workers(workers()), True
        last_workers = workers_.n if workers_ is not None else 1
        if workers_ is not None and jobs:
            self.pool = workers_.pool
            try:
                self.futures = [self.pool.submit(_work, j.make) for j in self.jobs]
            except BrokenProcessPool:
                self._drop_pool()

    def abort(self) -> None:
        self._drop_pool()

    def _drop_pool(self) -> None:
        if self.pool is not None and self.own:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool, self.futures = None, []

    def _result(self, i: int) -> tuple[str, str]:
        if self.futures:
            try:
                got = self.futures[i].result()
            except BrokenProcessPool:            # a worker died: the rest is done here
                self._drop_pool()
            else:
                if got is not None:
                    return got
        text = self.jobs[i].make()                # raises the named error when the spec fails
        return text, render_svg(text)

    def finish(self) -> list[Job]:
        """Write each chart's .vl.json and .svg (atomically); returns the jobs done."""
        try:
            for i, job in enumerate(self.jobs):
                text, svg = self._result(i)
                write_atomic(job.json_path, text)
                write_atomic(job.svg_path, svg)
        finally:
            self._drop_pool()
        return self.jobs

