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

``measure()`` returns ``{"slider_to_chart_ms_median", "p90", "first_render_s", ...}``.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simlib.ui.serve import CHROMIUM, CHROMIUM_ARGS, voila_server

APP = "voila/render/notebooks/funnel_lab.ipynb"
#: Voilà options that start and run each notebook's kernel before it is asked for (the notebooks read
#: ``?lang=`` through ``voila.utils.get_query_string``, which waits for the request).
PREHEAT_ARGS = ["--preheat_kernel=True", '--VoilaKernelManager.kernel_pools_config={"default": {"pool_size": 1}}']

# Resolves with the ms from the next keydown to the first frame where the funnel chart's data differ.
_ARM = """() => {
  const read = () => {
    const gd = document.querySelector('.sdw-fig-funnel.js-plotly-plot, .sdw-fig-funnel .js-plotly-plot');
    return gd && gd.data && gd.data.length ? JSON.stringify([gd.data[0].x, gd.data[1].x]) : null;
  };
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
}""".replace("TIMEOUT_MS", "15000")


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
            once the Funnel Lab's pool is filled.
    """
    from playwright.sync_api import sync_playwright

    with contextlib.ExitStack() as stack:
        if base_url is None:
            base_url = stack.enter_context(voila_server(
                extra_args=PREHEAT_ARGS if preheat else None,
                ready_log="Kernel pool of notebooks/funnel_lab.ipynb is filled" if preheat else None))
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
        first_render = time.perf_counter() - t0
        slider = page.locator(".sdw-controls [role=slider]").first
        slider.focus()
        latencies = []
        for _ in range(presses):
            page.evaluate(_ARM)
            page.keyboard.press("ArrowRight")
            ms = page.evaluate("window.__sdwLatency")
            if ms is None:
                raise TimeoutError("the funnel chart did not change within 15 s of a slider move")
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
