"""Serve the workbook with Voilà, as ``make app`` does, for the browser tests and the app benchmark.

:func:`voila_server` starts Voilà in tree mode over a folder on a free local port (each notebook at
``/voila/render/notebooks/<name>.ipynb``), waits until it answers, yields its base URL and stops it (its whole
process group) on exit::

    with voila_server() as url:
        ...  # open url + "voila/render/notebooks/funnel_lab.ipynb" in a browser

:data:`CHROMIUM` and :data:`CHROMIUM_ARGS` are the headless browser both drive the pages with (Debian's).
No widgets here: this module only starts and stops processes.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "FILE_ARGS", "ROOT", "cull_args", "free_port", "voila_server"]

#: the repository (the folder ``make app`` serves)
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: what Voilà may serve as plain files (downloads, images, scenario files) and what never: notebooks,
#: Python sources and the trainers' answer keys (``exercises/keys/``). ``make app`` passes the same.
FILE_ARGS = [r"--VoilaConfiguration.file_allowlist=.*\.(png|jpg|gif|svg|csv|xlsx|yaml)",
             r"--VoilaConfiguration.file_denylist=.*\.(ipynb|py)",
             r"--VoilaConfiguration.file_denylist=exercises/keys/.*"]


def cull_args(idle_seconds: int) -> list[str]:
    """Voilà options that stop a kernel once its page is closed: a kernel with no browser connected and
    idle for ``idle_seconds`` is shut down (checked every ``idle_seconds / 10``, at least every 10 s).
    A page that is open keeps its kernel however long it sits idle (``cull_connected`` stays off).
    Voilà's own shutdown request when a tab closes is refused (voila-dashboards/voila#1458: no
    ``_xsrf`` cookie), so without culling every page opened would keep ~170 MB until the server stops."""
    return [f"--MappingKernelManager.cull_idle_timeout={int(idle_seconds)}",
            f"--MappingKernelManager.cull_interval={max(10, int(idle_seconds) // 10)}"]


@contextlib.contextmanager
def voila_server(root: Path = ROOT, timeout: float = 60.0, extra_args: list[str] | None = None,
                 ready_log: str | None = None, log_path: Path | None = None,
                 cull_idle_seconds: int = 120) -> Iterator[str]:
    """Serve ``root`` with Voilà in tree mode on a free port; yields the base URL, stops it on exit.

    Args:
        timeout: seconds to wait for Voilà to answer (``TimeoutError`` then; ``RuntimeError`` if it exits).
        extra_args: more options for ``voila``.
        ready_log: also wait (up to 3 × ``timeout``) until Voilà's log contains this text.
        log_path: keep Voilà's output in this file (by default a temporary one, removed on exit).
        cull_idle_seconds: stop the kernels of closed pages after this long (:func:`cull_args`).
    """
    port = free_port()
    voila = Path(sys.executable).with_name("voila")
    cmd = [str(voila), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", *FILE_ARGS,
           *cull_args(cull_idle_seconds), *(extra_args or []), str(root)]
    # closed below
    log = open(log_path, "w+b") if log_path is not None else tempfile.TemporaryFile()  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        if ready_log:
            deadline = time.monotonic() + 3 * timeout
            while ready_log.encode() not in (log.seek(0) or log.read()):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"voila never logged {ready_log!r}")
                time.sleep(0.5)
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"voila exited with {proc.returncode}: {' '.join(cmd)}")
            try:
                with urllib.request.urlopen(url + "voila/tree", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"voila did not answer at {url} within {timeout:.0f} s")
            time.sleep(0.3)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
