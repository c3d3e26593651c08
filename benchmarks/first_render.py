"""First render of every page of the workbook in a browser: page → seconds from navigation to drawn.

Starts Voilà over the pages, ``notebooks/`` (tree mode, as ``make app`` and the browser tests do:
:func:`simlib.ui.serve.voila_server`, here with ``--show_tracebacks=True`` so that a page that fails says
why), finds the pages in the file tree (:func:`discover`, so new pages are measured without editing this
file) and opens them one after another in Debian's chromium with Playwright:

=========  ===============================================  ==========================================
kind       notebooks (under ``notebooks/``)                  drawn when visible (:data:`READY`)
=========  ===============================================  ==========================================
hub        ``index.ipynb``                                  the heading and a module's links
app        ``*.ipynb`` (but the hub)                        the title
case       ``cases/*.ipynb``                                the title and the case choice
lesson     ``modules/*.ipynb``                              the title
exercise   ``exercises/*.ipynb``                            the title, a form field and the check button
=========  ===============================================  ==========================================

and, on a page with figure views on screen (an element of class ``sdw-fig-*``), the first plotly graph
(``.js-plotly-plot``) has data and is drawn. The selectors are those the browser tests wait for
(tests/browser/). Each page is opened in a new browser context (empty cache: a trainee's first visit),
so Voilà starts a kernel for it, cold, as a trainee meets it; the next page is opened once that kernel
is shut down and the server is quiet again. The time runs from ``page.goto`` to the first animation frame
at which the page is drawn, read in the page (``performance.timeOrigin`` + ``performance.now()``, so the
polling from Python adds nothing); ``html_s`` in the JSON is when Voilà had sent the whole page (its
notebook has run; the rest is the browser's and the widgets' work). A page with an output that shows a
``Traceback`` (or Voilà's "error when executing cell"), or that is not drawn within ``--timeout``
seconds, is reported with an error (the exception's line) and the run goes on.

Voilà's page shuts its kernel down when it is closed, by posting to ``voila/api/shutdown/<id>`` with the
``_xsrf`` cookie's value, a cookie Voilà never sets on a rendered page: the post is refused (403) and the
kernel lives on until culled. So each browser context here gets an ``_xsrf`` cookie, and
:meth:`Server.shutdown` posts the shutdown itself if a kernel outlives its page.

``--repeat 2`` opens each page a second time straight after the first: the server and the operating
system's file cache are warm, the kernel is new (the "again" column). Finished case runs are kept on disk
(``SDW_CACHE``): the benchmark gives them an empty temporary folder, emptied before each page's first
render, so a case's second render shows what the cache buys. Answers go to a temporary ``SDW_ANSWERS``.

``--preheat`` serves chosen notebooks from Voilà's pools of preheated kernels (``--preheat_kernel=True``):
a pooled kernel is started and runs the notebook before it is asked for, up to where the page reads its
query string (``simlib.ui.lang.query_string`` → ``voila.utils.get_query_string``, which waits for the
request); imports, the heavy part, are then already done. Voilà 0.5 builds a pool for *every* notebook
under the root, of ``kernel_pools_config["default"]["pool_size"]`` kernels (1 if ``default`` is not
given); a notebook named in the config (by its path from the root) gets its own size. So
:func:`pool_args` sets ``default`` to 0 and names only the chosen notebooks (by default the hub and the
apps). The report says what the pools cost: kernels × resident memory, the CPU they took, and how long
they took to fill (Voilà logs "Kernel pool of … is filled" when a kernel is started, before its notebook
has run, so the fill also waits until those kernels are idle). A used pool is refilled ``--fill-delay``
seconds after the request (Voilà's default: 1 s), so the new kernel's start competes with the page
being drawn.

    .venv/bin/python benchmarks/first_render.py              # every page in zh-Hant and en; JSON on stdout
    .venv/bin/python benchmarks/first_render.py --repeat 2 --json benchmarks/out/first_render.json \\
        --markdown benchmarks/out/first_render.md
    .venv/bin/python benchmarks/first_render.py --only funnel_lab 'cases/*' exercise --lang en
    .venv/bin/python benchmarks/first_render.py --only hub app --preheat        # hub and apps from pools

``--only`` takes substrings or globs of a page's path (``cases/b2b_mbo.ipynb``) or name
(``b2b_mbo``), or a kind (``hub``, ``app``, ``case``, ``lesson``, ``exercise``). ``measure()`` returns the
report as a dict (``{"results": [{"page", "kind", "lang", "run", "first_render_s", "error", ...}], ...}``).
The table kept in the repository, ``benchmarks/FIRST_RENDER.md``, is a ``--markdown`` report of a run on
an idle machine (``benchmarks/out/`` is not committed).
This is a script, not a test: nothing fails on a slow page.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import fnmatch
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simlib.ui.serve import CHROMIUM, CHROMIUM_ARGS, PAGES, voila_server

KINDS = ("hub", "app", "case", "lesson", "exercise")
HUB = "index.ipynb"
#: per kind, the selectors that must all be visible for the page to count as drawn (tests/browser/)
READY = {
    "hub": (".sdw-hub h1", ".sdw-hub section.sdw-module a"),
    "app": (".sdw-app h2.sdw-title",),
    "case": (".sdw-app h2.sdw-title", ".sdw-app .sdw-case-choice select"),
    "lesson": (".sdw-app h2.sdw-title",),
    "exercise": (".sdw-app h2.sdw-title", ".sdw-form .sdw-field", "button.sdw-check"),
}
LANGS = ("zh-Hant", "en")
DEFAULT_LANG = "zh-Hant"   # what a page shows without ``?lang=``
TIMEOUT_S = 180.0          # a cold kernel on a busy 2-core machine (as tests/browser/conftest.py)
VIEWPORT = {"width": 1400, "height": 1700}
#: a page whose figure views are still empty this long after its title is drawn has none to wait for
GRACE_MS = 1500
#: the ``_xsrf`` cookie and token the benchmark gives Voilà, so that closed pages' kernels can be shut down
XSRF = "sdw-first-render"
#: Voilà options: tracebacks on the page, so that a failing page is reported with its exception
VOILA_ARGS = ["--show_tracebacks=True"]
ERROR_TEXT = ("Traceback", "There was an error when executing cell")

# Installed in every page before its scripts run: records, at each animation frame, when the page's
# READY selectors are all visible (main), when a figure view first exists (containers), when the first
# plotly graph has data and is drawn (plot), when an output shows error text (error), and when the page
# is drawn (ready). Times are performance.now() values (ms since the navigation started).
_PROBE = """(() => {
  if (window.top !== window || window.__sdwProbe) return;
  const READY = __READY__, GRACE_MS = __GRACE__, ERRORS = __ERRORS__;
  const m = window.__sdwProbe = {main: null, containers: null, plot: null, ready: null, error: null};
  const visible = (sel) => {
    const el = document.querySelector(sel);
    return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const plotted = () => {
    const gd = document.querySelector('.js-plotly-plot');
    return !!gd && Array.isArray(gd.data) && gd.data.length > 0 && !!gd.querySelector('.main-svg');
  };
  let lastTextCheck = -1e9;
  const tick = () => {
    const now = performance.now();
    if (m.main === null && READY.every(visible)) m.main = now;
    const views = Array.from(document.querySelectorAll('[class*="sdw-fig-"], .js-plotly-plot'))
      .some((el) => el.getClientRects().length > 0);     // a hidden view (a chart a check draws) is not awaited
    if (m.containers === null && views) m.containers = now;
    if (m.plot === null && plotted()) m.plot = now;
    if (now - lastTextCheck > 250) {           // outputs' textContent: no layout, and hidden ones too
      lastTextCheck = now;
      for (const el of document.querySelectorAll('.jp-OutputArea-output')) {
        if (ERRORS.some((e) => el.textContent.includes(e))) { m.error = now; break; }
      }
    }
    if (m.main !== null && m.ready === null) {
      if (m.containers !== null) { if (m.plot !== null) m.ready = Math.max(m.main, m.plot); }
      else if (now - m.main >= GRACE_MS) m.ready = m.main;     // no figure came with the page
    }
    if (m.ready === null && m.error === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();"""
_READ_PROBE = """() => {
  const m = window.__sdwProbe;
  if (!m) return null;
  let kernel = null;
  try { kernel = JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId || null; }
  catch (e) { /* not there yet */ }
  const nav = performance.getEntriesByType('navigation')[0];
  const html = nav && nav.responseEnd > 0 ? nav.responseEnd : null;   // Voilà streams the page as cells run
  return {...m, origin: performance.timeOrigin, kernel, html};
}"""
# The text of the first output showing an error, else the page's text if it shows one, else null. Voilà
# keeps the executed cells hidden behind its spinner until its scripts have loaded, so a traceback is in
# the document (textContent) seconds before it is visible (innerText).
_ERROR_TEXT_JS = """(errors) => {
  for (const el of document.querySelectorAll('.jp-OutputArea-output')) {
    if (errors.some((e) => el.textContent.includes(e))) return el.textContent;
  }
  const body = document.body ? document.body.innerText : '';
  return errors.some((e) => body.includes(e)) ? body : null;
}"""


# -- the pages -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    """A notebook Voilà renders: ``path`` from the repository root, ``kind`` one of :data:`KINDS`."""

    path: str
    kind: str

    @property
    def name(self) -> str:
        return Path(self.path).stem

    def url(self, lang: str) -> str:
        """The page's address below the server's base URL, in ``lang`` (no query for the default)."""
        return f"voila/render/{self.path}" + ("" if lang == DEFAULT_LANG else f"?lang={lang}")


def discover(root: Path = PAGES) -> list[Page]:
    """Every page of the workbook, found in the file tree: hub, apps, cases, lessons, exercises."""
    def notebooks(folder: str) -> list[str]:
        return sorted(p.relative_to(root).as_posix() for p in (root / folder).glob("*.ipynb")
                      if ".ipynb_checkpoints" not in p.parts)
    pages = [Page(HUB, "hub")] if (root / HUB).is_file() else []
    pages += [Page(p, "app") for p in notebooks(".") if p != HUB]
    pages += [Page(p, "case") for p in notebooks("cases")]
    pages += [Page(p, "lesson") for p in notebooks("modules")]
    pages += [Page(p, "exercise") for p in notebooks("exercises")]
    return pages


def select(pages: list[Page], patterns: list[str] | None) -> list[Page]:
    """The pages that match any pattern: a kind, a glob of the path or name, or a substring of the path."""
    if not patterns:
        return list(pages)

    def matches(page: Page, pat: str) -> bool:
        if pat == page.kind:
            return True
        if any(c in pat for c in "*?["):
            return fnmatch.fnmatch(page.path, pat) or fnmatch.fnmatch(page.name, pat) \
                or fnmatch.fnmatch(page.path, f"*{pat}")
        return pat in page.path
    return [p for p in pages if any(matches(p, pat) for pat in patterns)]


def pool_args(notebooks: list[str], pool_size: int = 1, fill_delay: float | None = None) -> list[str]:
    """Voilà options: pools of ``pool_size`` preheated kernels for ``notebooks`` only (paths from the root).

    ``{"default": {"pool_size": 0}}`` keeps Voilà from starting a pool for every other notebook of the tree;
    ``fill_delay``: seconds before a used pool is refilled (Voilà's default: 1).
    """
    config = {"default": {"pool_size": 0}, **{nb: {"pool_size": pool_size} for nb in notebooks}}
    args = ["--preheat_kernel=True", f"--VoilaKernelManager.kernel_pools_config={json.dumps(config)}"]
    return args + ([f"--VoilaKernelManager.fill_delay={fill_delay}"] if fill_delay is not None else [])


# -- the server's processes ----------------------------------------------------------------------------
_CLK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")
_KERNEL_ID = re.compile(r"kernel-([0-9a-f-]{8,})\.json")


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    cmdline: str
    cpu_s: float      # user + system CPU seconds so far
    rss_mb: float     # resident memory


def _proc(pid: int) -> Proc | None:
    """A process's parent, command line, CPU time and resident memory (``None`` once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        rss_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    fields = stat[stat.rindex(")") + 2:].split()   # after "pid (comm) ": state ppid ... utime(11) stime(12)
    return Proc(pid, int(fields[1]), cmdline.strip(), (int(fields[11]) + int(fields[12])) / _CLK,
                rss_pages * _PAGE / 2**20)


def _processes() -> list[Proc]:
    return [p for p in (_proc(int(d)) for d in os.listdir("/proc") if d.isdigit()) if p is not None]


class Server:
    """The running Voilà: its log, its process and its kernels (``{kernel id: Proc}``)."""

    def __init__(self, url: str, log_path: Path):
        self.url, self.log_path = url, log_path
        port = urlparse(url).port
        found = [p for p in _processes() if "voila" in p.cmdline and f"--port={port}" in p.cmdline]
        self.pid = min(p.pid for p in found) if found else None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kernels(self) -> dict[str, Proc]:
        out = {}
        for p in _processes():
            m = _KERNEL_ID.search(p.cmdline)
            if m and p.ppid == self.pid:
                out[m.group(1)] = p
        return out

    def cpu_s(self) -> float:
        """CPU seconds taken so far by the server and its live kernels."""
        procs = [_proc(self.pid) if self.pid else None, *self.kernels().values()]
        return sum(p.cpu_s for p in procs if p is not None)

    def settle(self, quiet: float = 0.05, window: float = 1.0, timeout: float = 90.0) -> float:
        """Wait until the server and its kernels use less than ``quiet`` of a core over ``window`` seconds
        (kernels shutting down, pools refilling); the seconds it took."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            before = self.cpu_s()
            time.sleep(window)
            if self.cpu_s() - before < quiet * window:
                break
        return time.monotonic() - t0

    def shutdown(self, kernel_id: str) -> None:
        """Ask Voilà to shut a kernel down, as its page does on closing (with a valid ``_xsrf``)."""
        req = urllib.request.Request(f"{self.url}voila/api/shutdown/{kernel_id}", data=b"", method="POST",
                                     headers={"Cookie": f"_xsrf={XSRF}", "X-XSRFToken": XSRF})
        with contextlib.suppress(OSError), urllib.request.urlopen(req, timeout=30):
            pass

    def wait_gone(self, kernel_id: str | None, timeout: float = 30.0) -> bool:
        """Wait until the kernel ``kernel_id`` has exited; whether it did."""
        deadline = time.monotonic() + timeout
        while kernel_id and kernel_id in self.kernels():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.25)
        return True


# -- one page ------------------------------------------------------------------------------------------
def _error_line(text: str) -> str:
    """The exception a traceback on the page ends with (``ValueError: …``), else its first words."""
    start = min((i for i in (text.find(e) for e in ERROR_TEXT) if i >= 0), default=0)
    lines = [ln.strip() for ln in text[start:].splitlines() if ln.strip()]
    exc = [ln for ln in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b", ln)]
    return ((exc[-1] if exc else " ".join(lines[:2])) or "Traceback")[:240]


def open_page(browser, server: Server, page: Page, lang: str, timeout: float = TIMEOUT_S) -> dict:
    """Open ``page`` in ``lang`` in a new browser context; the seconds until it is drawn, and what went wrong.

    Returns ``{"first_render_s", "html_s", "title_s", "figure_s", "figures", "kernel", "kernel_rss_mb",
    "error", "page_errors"}``: seconds from ``goto`` until the page is drawn, until Voilà has sent the whole
    HTML (its notebook has run: what is left is the browser's and the widgets' work), until the title and
    main widget are visible, until the first chart is drawn (``None`` where not reached); whether the page
    has figure views; its kernel's id and resident memory once drawn. The tab is closed before this returns.
    """
    probe = (_PROBE.replace("__READY__", json.dumps(list(READY[page.kind])))
             .replace("__GRACE__", str(GRACE_MS)).replace("__ERRORS__", json.dumps(list(ERROR_TEXT))))
    context = browser.new_context(viewport=VIEWPORT)
    context.add_cookies([{"name": "_xsrf", "value": XSRF, "url": server.url}])   # for the page's own shutdown
    context.add_init_script(probe)
    tab = context.new_page()
    page_errors: list[str] = []
    tab.on("pageerror", lambda exc: page_errors.append(str(exc)[:240]))
    out = {"first_render_s": None, "html_s": None, "title_s": None, "figure_s": None, "figures": None,
           "kernel": None, "kernel_rss_mb": None, "error": None, "page_errors": page_errors}
    marks = None
    try:
        t0 = time.time()
        start = time.perf_counter()
        deadline = time.monotonic() + timeout
        tab.goto(server.url + page.url(lang), wait_until="commit", timeout=timeout * 1000)
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):   # the document may still be replacing itself
                marks = tab.evaluate(_READ_PROBE)
            if marks and (marks["ready"] is not None or marks["error"] is not None):
                break
            tab.wait_for_timeout(200)
        observed = time.perf_counter() - start

        def seconds(mark: float | None) -> float | None:
            if mark is None or marks is None:
                return None
            s = (marks["origin"] + mark) / 1000 - t0
            return round(s if 0 <= s <= observed + 1 else observed, 2)   # clocks disagree: what Python saw

        if marks:
            out.update(html_s=seconds(marks["html"]), title_s=seconds(marks["main"]),
                       figure_s=seconds(marks["plot"]), figures=marks["containers"] is not None,
                       kernel=marks["kernel"])
            if marks["ready"] is not None:
                out["first_render_s"] = seconds(marks["ready"])
        if out["kernel"] and (proc := server.kernels().get(out["kernel"])):
            out["kernel_rss_mb"] = round(proc.rss_mb, 1)
        if text := tab.evaluate(_ERROR_TEXT_JS, list(ERROR_TEXT)):
            out["error"] = _error_line(text)
        elif out["first_render_s"] is None:
            seen = "title " + ("seen" if marks and marks["main"] is not None else "missing")
            if marks and marks["containers"] is not None:
                seen += ", figure views but no graph drawn"
            out["error"] = f"not drawn within {timeout:.0f} s ({seen})"
    except Exception as exc:  # noqa: BLE001 — a failing page is a row of the report, not the run's end
        out["error"] = out["error"] or f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        with contextlib.suppress(Exception):
            tab.close(run_before_unload=True)   # Voilà's page then asks the server to shut its kernel down
        with contextlib.suppress(Exception):
            context.close()
    return out


# -- the run -------------------------------------------------------------------------------------------
def _commit() -> str:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10,
                                  check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    commit = git("rev-parse", "--short", "HEAD") or "?"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return commit + (" (working tree differs)" if dirty else "")


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _pool_report(server: Server, notebooks: list[str], pool_size: int, started: float, answered: float,
                 timeout: float) -> dict:
    """Wait until every pool is filled and its kernels are idle; what the pools cost."""
    logged: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while len(logged) < len(notebooks) and time.monotonic() < deadline:
        log = server.log()
        for nb in notebooks:
            if nb not in logged and f"Kernel pool of {nb} is filled" in log:
                logged[nb] = time.monotonic() - started
        time.sleep(0.25)
    server.settle(quiet=0.05, window=1.0, timeout=timeout)
    idle = time.monotonic() - started
    kernels = server.kernels()
    before = sum(k.cpu_s for k in kernels.values())
    time.sleep(5)
    after = sum(k.cpu_s for k in server.kernels().values())
    rss = sorted(round(k.rss_mb, 1) for k in kernels.values())
    server_proc = _proc(server.pid) if server.pid else None
    return {
        "notebooks": notebooks, "pool_size": pool_size, "kernels": len(kernels),
        "server_answered_s": round(answered, 1),
        "filled_logged_s": round(max(logged.values()), 1) if logged else None,
        "filled_idle_s": round(idle, 1),
        "not_filled": [nb for nb in notebooks if nb not in logged],
        "kernel_rss_mb": rss, "rss_total_mb": round(sum(rss), 1),
        "kernel_cpu_s": round(before, 1), "idle_cpu_pct": round(100 * (after - before) / 5, 1),
        "server_rss_mb": round(server_proc.rss_mb, 1) if server_proc else None,
    }


def _shut_down(server: Server, kernel_id: str | None) -> str | None:
    """Wait until a closed page's kernel is gone, shutting it down if the page did not; who did it."""
    if not kernel_id:
        return None
    if server.wait_gone(kernel_id, 5):
        return "page"
    server.shutdown(kernel_id)
    return "benchmark" if server.wait_gone(kernel_id, 30) else "nobody: still running"


def measure(pages: list[Page], langs: tuple[str, ...] = LANGS, repeat: int = 1,
            preheat: list[str] | None = None, pool_size: int = 1, fill_delay: float | None = None,
            timeout: float = TIMEOUT_S, progress=None) -> dict:
    """Open every page in every language ``repeat`` times, one after another; the report as a dict.

    Args:
        pages: what to open (:func:`discover`, :func:`select`).
        preheat: notebooks (paths from the root) to serve from pools of ``pool_size`` preheated kernels;
            ``None``: no pools, every page starts its kernel when it is opened. ``fill_delay``: seconds
            before a used pool is refilled (Voilà's default 1 s).
        timeout: seconds a page may take to be drawn.
        progress: called with a line of text after each page (e.g. ``print`` to stderr).
    """
    from playwright.sync_api import sync_playwright

    report = {"date": _dt.datetime.now().isoformat(timespec="seconds"), "commit": _commit(),
              "cpus": os.cpu_count(), "load_start": _load(), "langs": list(langs), "repeat": repeat,
              "timeout_s": timeout, "preheat": None, "results": []}
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sdw-first-render-")))
        cache = tmp / "cache"
        env = {"SDW_CACHE": str(cache), "SDW_ANSWERS": str(tmp / "answers.sqlite")}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)   # inherited by Voilà and every kernel it starts
        stack.callback(lambda: [os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
                                for k, v in saved.items()])
        log_path = tmp / "voila.log"
        extra = VOILA_ARGS + (pool_args(preheat, pool_size, fill_delay) if preheat else [])
        started = time.monotonic()
        url = stack.enter_context(voila_server(PAGES, timeout=90, extra_args=extra, log_path=log_path))
        server = Server(url, log_path)
        if preheat:
            answered = time.monotonic() - started
            report["preheat"] = _pool_report(server, preheat, pool_size, started, answered, timeout)
            report["preheat"]["fill_delay_s"] = fill_delay
            if progress:
                progress(f"pools: {json.dumps(report['preheat'])}")
        server.settle()
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        report["chromium"] = browser.version
        for page in pages:
            for lang in langs:
                for run in range(1, repeat + 1):
                    if run == 1:
                        shutil.rmtree(cache, ignore_errors=True)   # no finished case runs yet
                    load = os.getloadavg()[0]
                    row = {"page": page.path, "kind": page.kind, "lang": lang, "run": run,
                           **open_page(browser, server, page, lang, timeout)}
                    used = f"Using pre-heated kernel: {row['kernel']}"
                    row["preheated"] = bool(row["kernel"]) and used in server.log()
                    row["load_1m"] = round(load, 2)
                    row["kernel_shut_by"] = _shut_down(server, row["kernel"])
                    row["settle_s"] = round(server.settle(), 1)   # the next page meets a quiet server
                    report["results"].append(row)
                    if progress:
                        progress(f"{page.path} [{lang}] run {run}: {_fmt(row['first_render_s'])} s "
                                 f"(page sent {row['html_s']} s){' preheated' if row['preheated'] else ''}"
                                 + (f"  ERROR {row['error']}" if row["error"] else ""))
    report["load_end"] = _load()
    return report


# -- the report ----------------------------------------------------------------------------------------
def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def markdown(report: dict, command: str = "") -> str:
    """The report as Markdown: a row per page and language (its first render; with ``--repeat``, the median
    of the later runs), the load average at start and end, and what the kernel pools cost."""
    rows: dict[tuple[str, str], list[dict]] = {}
    for r in report["results"]:
        rows.setdefault((r["page"], r["lang"]), []).append(r)
    again, pools = report["repeat"] > 1, report["preheat"]
    out = ["# First render of the workbook's pages", ""]
    if command:
        out += [f"`{command}`", ""]
    out += [f"- **date**: {report['date']}",
            f"- **commit**: {report['commit']}",
            f"- **machine**: {report['cpus']} CPUs; chromium {report.get('chromium', '?')}",
            f"- **load average at start**: {', '.join(map(str, report['load_start']))}",
            f"- **load average at end**: {', '.join(map(str, report.get('load_end', [])))}",
            ""]
    text = ("Seconds from navigation until the page's title (and main widget) is visible and, on a page with "
            "figures, the first chart is drawn; a fresh browser context and a new kernel each time, started "
            + ("cold unless it came from a pool." if pools else "cold."))
    if again:
        text += (" *Again*: the median of the runs straight after (warm server, new kernel; a case's "
                 "finished runs cached).")
    out += [text, ""]
    head = ["page", "kind", "language", "first render s", *(["again s"] if again else []),
            *(["preheated"] if pools else []), "error"]
    out += ["| " + " | ".join(head) + " |",
            "|" + "|".join("---:" if h.endswith(" s") else "---" for h in head) + "|"]
    firsts: dict[str, list[float]] = {}
    for (page, lang), runs in rows.items():
        first = runs[0]
        later = [r["first_render_s"] for r in runs[1:] if r["first_render_s"] is not None]
        errors = "; ".join(dict.fromkeys(r["error"] for r in runs if r["error"]))
        cells = [f"`{page}`", first["kind"], lang, _fmt(first["first_render_s"])]
        if again:
            cells.append(_fmt(statistics.median(later)) if later else "—")
        if pools:
            cells.append("yes" if first["preheated"] else "no")
        cells.append(errors.replace("|", "\\|"))
        out.append("| " + " | ".join(cells) + " |")
        if first["first_render_s"] is not None:
            firsts.setdefault(first["kind"], []).append(first["first_render_s"])
    if firsts:
        by_kind = [f"{k} {statistics.median(v):.1f} s ({min(v):.1f}–{max(v):.1f})"
                   for k in KINDS if (v := firsts.get(k))]
        out += ["", "First render by kind, median (min–max): " + "; ".join(by_kind) + "."]
    if pools:
        rss = pools["kernel_rss_mb"]
        names = ", ".join(f"`{nb}`" for nb in pools["notebooks"])
        out += ["", "## Kernel pools", "", (
            f"Pools of {pools['pool_size']} preheated kernel(s) for {len(pools['notebooks'])} notebook(s) "
            f"({names}); every other page starts its kernel cold. "
            f"Voilà answered after {pools['server_answered_s']} s, logged every pool filled after "
            f"{pools['filled_logged_s']} s, and the pooled kernels were idle (their notebooks run up to the "
            f"query string) after {pools['filled_idle_s']} s. {pools['kernels']} kernels × "
            f"{statistics.median(rss) if rss else 0:.0f} MB resident (median) = "
            f"{pools['rss_total_mb']:.0f} MB; "
            f"{pools['kernel_cpu_s']} CPU-seconds to fill; {pools['idle_cpu_pct']} % of a core while idle. "
            f"The Voilà server itself: {pools['server_rss_mb']} MB.")]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", metavar="PATTERN",
                    help="pages whose path or name contains or globs PATTERN, or of this kind")
    ap.add_argument("--lang", nargs="+", default=list(LANGS), choices=["zh-Hant", "zh-Hans", "en"])
    ap.add_argument("--repeat", type=int, default=1, help="open each page this many times (2: also warm)")
    ap.add_argument("--preheat", nargs="*", metavar="PATTERN",
                    help="serve these pages (default: the hub and the apps) from preheated kernel pools")
    ap.add_argument("--pool-size", type=int, default=1, help="kernels per preheated pool")
    ap.add_argument("--fill-delay", type=float, default=None, help="seconds before a used pool is refilled")
    ap.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds a page may take to be drawn")
    ap.add_argument("--json", type=Path, help="write the JSON report here instead of to stdout")
    ap.add_argument("--markdown", type=Path, help="also write the Markdown table here")
    ap.add_argument("--list", action="store_true", help="list the pages that would be opened, and stop")
    args = ap.parse_args(argv)

    everything = discover()
    pages = select(everything, args.only)
    if not pages:
        ap.error(f"no page matches {args.only}")
    if args.list:
        print("\n".join(f"{p.kind:9} {p.path}" for p in pages))
        return 0
    preheat = None
    if args.preheat is not None:
        chosen = select(everything, args.preheat or ["hub", "app"])
        preheat = [p.path for p in chosen]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the Voilà server is stopped too
    report = measure(pages, tuple(args.lang), max(1, args.repeat), preheat, args.pool_size, args.fill_delay,
                     args.timeout, progress=lambda line: print(line, file=sys.stderr, flush=True))
    text = json.dumps(report, indent=1, ensure_ascii=False)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    if args.markdown:
        command = " ".join([".venv/bin/python benchmarks/first_render.py",
                            *(argv if argv is not None else sys.argv[1:])])
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown(report, command), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
