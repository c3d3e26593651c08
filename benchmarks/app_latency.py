"""How fast Funnel Lab feels in a browser: first render, and slider → redrawn chart.

Starts Voilà over the repository (tree mode, as ``make app`` and the browser tests do:
:func:`simlib.ui.serve.voila_server`), opens Funnel Lab in Debian's chromium with Playwright, waits
for the sliders and the charts (``first_render_s``: from navigation until the three plotly charts are
drawn), then presses ArrowRight on the leads-per-week slider ``n`` times. Each press is timed in the
page with ``performance.now()``, from the keydown to the first animation frame at which the funnel
chart shows different data (read from the plotly graph div, whichever way the app redraws it).
Target: median ≤ 250 ms.

    .venv/bin/python benchmarks/app_latency.py            # prints the numbers as JSON
    .venv/bin/python benchmarks/app_latency.py --renderer output --presses 20
    .venv/bin/python benchmarks/app_latency.py --preheat    # Voilà with a pool of preheated kernels

``measure()`` returns ``{"slider_to_chart_ms_median", "p90", "first_render_s", ...}``. The first render
counts only once the funnel chart has data (a ``FigureWidget`` whose front end never synced can be drawn
as an empty plot), and a slider move whose chart never changes is reported with the slider's value and
whether the chart had data at all. On a loaded 2-core machine ``--renderer widget`` can fail that way
(load average ~7: "the funnel chart did not change within 15 s"), while the default ``Output`` views
keep working (the reason they are the default, :mod:`simlib.ui.figures`).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simlib.ui.serve import CHROMIUM, CHROMIUM_ARGS, voila_server

NOTEBOOK = "funnel_lab.ipynb"   # under notebooks/, the served folder
APP = f"voila/render/{NOTEBOOK}"
#: Voilà options that start Funnel Lab's kernel and run its notebook before it is asked for (up to where it
#: reads ``?lang=`` through ``voila.utils.get_query_string``, which waits for the request). Only Funnel Lab:
#: with a ``default`` pool size Voilà 0.5 would keep a kernel ready for every notebook of the tree.
PREHEAT_ARGS = ["--preheat_kernel=True", "--VoilaKernelManager.kernel_pools_config="
                + json.dumps({"default": {"pool_size": 0}, NOTEBOOK: {"pool_size": 1}})]

# The funnel chart's data (its first two traces' x), or null while it is not drawn or has no data.
_FUNNEL = """() => {
  const gd = document.querySelector('.sdw-fig-funnel.js-plotly-plot, .sdw-fig-funnel .js-plotly-plot');
  return gd && gd.data && gd.data.length > 1 ? JSON.stringify([gd.data[0].x, gd.data[1].x]) : null;
}"""
# Resolves with the ms from the next keydown to the first frame where the funnel chart's data differ.
_ARM = """() => {
  const read = FUNNEL;
  const before = read();
  window.__sdwLatency = new Promise((resolve) => {
    let t0 = null;
    setTimeout(() => resolve(null), TIMEOUT_MS);
    document.addEventListener('keydown', () => { t0 = performance.now(); }, {capture: true, once: true});
    const tick = () => {
      const now = read();
      if (t0 !== null && now !== null && now !== before) { resolve(performance.now() - t0); return; }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}""".replace("TIMEOUT_MS", "15000").replace("FUNNEL", _FUNNEL)


def _percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def measure(presses: int = 15, renderer: str | None = None, base_url: str | None = None,
            preheat: bool = False) -> dict:
    """Open Funnel Lab, time the first render and ``presses`` slider → chart redraws.

    Args:
        presses: ArrowRight presses on the leads-per-week slider (each a new simulation).
        renderer: ``"widget"`` or ``"output"`` to override the app's default (``?renderer=``).
        base_url: an already running Voilà; by default one is started and stopped here.
        preheat: start that Voilà with a pool of preheated kernels (:data:`PREHEAT_ARGS`) and measure
            once the Funnel Lab's pooled kernel has run its notebook (Voilà logs the pool "filled" as soon
            as the kernel is started, so this also waits until that kernel is idle).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with contextlib.ExitStack() as stack:
        if base_url is None:
            log = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "voila.log"
            base_url = stack.enter_context(voila_server(
                extra_args=PREHEAT_ARGS if preheat else None, log_path=log,
                ready_log=f"Kernel pool of {NOTEBOOK} is filled" if preheat else None))
            if preheat:
                from first_render import Server  # benchmarks/first_render.py: Voilà's kernels
                Server(base_url, log).settle()
        query = "?lang=en" + (f"&renderer={renderer}" if renderer else "")
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        t0 = time.perf_counter()
        page.goto(base_url + APP + query, timeout=120_000)
        page.wait_for_selector(".sdw-app [role=slider]", timeout=120_000)
        page.wait_for_function("document.querySelectorAll('.sdw-app .js-plotly-plot .main-svg').length >= 3",
                               timeout=120_000)
        try:
            page.wait_for_function(f"({_FUNNEL})() !== null", timeout=60_000)
        except PlaywrightTimeout:
            raise TimeoutError("the funnel chart was drawn but got no data within 60 s "
                               f"(renderer {renderer or 'default'})") from None
        first_render = time.perf_counter() - t0
        slider = page.locator(".sdw-controls [role=slider]").first
        slider.focus()
        latencies = []
        for i in range(presses):
            value = slider.get_attribute("aria-valuenow")
            page.evaluate(_ARM)
            page.keyboard.press("ArrowRight")
            ms = page.evaluate("window.__sdwLatency")
            if ms is None:
                has_data = page.evaluate(f"({_FUNNEL})() !== null")
                raise TimeoutError(
                    f"the funnel chart did not change within 15 s of slider move {i + 1} of {presses} "
                    f"(leads per week {value} → {slider.get_attribute('aria-valuenow')}; the chart "
                    f"{'has' if has_data else 'has no'} data; renderer {renderer or 'default'})")
            latencies.append(ms)
            page.wait_for_timeout(100)
    return {
        "slider_to_chart_ms_median": round(statistics.median(latencies), 1),
        "p90": round(_percentile(latencies, 0.9), 1),
        "first_render_s": round(first_render, 2),
        "presses": presses,
        "renderer": renderer or "default",
        "preheat": preheat,
        "target_ms": 250,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presses", type=int, default=15)
    ap.add_argument("--renderer", choices=["widget", "output"], default=None)
    ap.add_argument("--preheat", action="store_true", help="serve with a pool of preheated kernels")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the Voilà server is stopped too
    print(json.dumps(measure(args.presses, args.renderer, preheat=args.preheat), indent=2))


if __name__ == "__main__":
    main()
