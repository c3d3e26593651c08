"""Serve the workbook with Voilà: ``make app`` (``python -m simlib.ui.serve``), the browser tests and the
app benchmarks all start it from :func:`voila_command`, so they serve the same tree with the same rules.

What is served (:data:`PAGES`) is the ``notebooks/`` folder and nothing else: the hub, the apps, the lessons
(``modules/``), the case pages (``cases/``) and the drills (``exercises/``). The trainers' answer keys
(``exercises/keys/`` at the repository's top), the library's sources, the scenarios and the tests lie
outside that folder, so no spelling of a URL reaches them: Voilà resolves every path inside its root
(tornado's static files and Jupyter's contents manager refuse anything that leaves it). Inside it, plain
files are served only when they are images (:data:`FILE_ARGS`); the pages' downloads are data links
made in the kernel. Keep the folder free of symbolic links (a test checks it).

:func:`voila_server` starts that server on a free local port (each page at ``/voila/render/<path>``, the hub
at ``/voila/render/index.ipynb``), waits until it answers, yields its base URL and stops it (its whole
process group) on exit::

    with voila_server() as url:
        ...  # open url + "voila/render/funnel_lab.ipynb" in a browser

From a shell, for a room on the local network (trainees open ``http://<this machine>:8866/``)::

    python -m simlib.ui.serve --host 0.0.0.0 --port 8866

:data:`CHROMIUM` and :data:`CHROMIUM_ARGS` are the headless browser both drive the pages with (Debian's).
No widgets here: this module only starts and stops processes.
"""
from __future__ import annotations

import argparse
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

from simlib.base.paths import content_root, notebooks_dir

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "FILE_ARGS", "PAGES", "ROOT", "cull_args", "free_port", "main",
           "voila_command", "voila_server"]

#: the content root: the repository in a clone (:func:`simlib.base.paths.content_root`)
ROOT = content_root()
#: the one folder Voilà serves: the pages (notebooks) and nothing else
PAGES = notebooks_dir()
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: what Voilà may serve from :data:`PAGES` as plain files (``/voila/files/…``): images only, never a notebook's
#: source. The keys and sources are outside :data:`PAGES` whatever these rules say.
FILE_ARGS = [r"--VoilaConfiguration.file_allowlist=.*\.(png|jpg|gif|svg)",
             r"--VoilaConfiguration.file_denylist=.*\.(ipynb|py|yaml|yml|json|csv|xlsx|sqlite)"]


def cull_args(idle_seconds: int) -> list[str]:
    """Voilà options that stop a kernel once its page is closed: a kernel with no browser connected and
    idle for ``idle_seconds`` is shut down (checked every ``idle_seconds / 10``, at least every 10 s).
    A page that is open keeps its kernel however long it sits idle (``cull_connected`` stays off).
    Voilà's own shutdown request when a tab closes is refused (voila-dashboards/voila#1458: no
    ``_xsrf`` cookie), so without culling every page opened would keep ~200 MB until the server stops."""
    return [f"--MappingKernelManager.cull_idle_timeout={int(idle_seconds)}",
            f"--MappingKernelManager.cull_interval={max(10, int(idle_seconds) // 10)}"]


def voila_command(port: int, host: str = "127.0.0.1", root: Path = PAGES, cull_idle_seconds: int = 600,
                  extra_args: list[str] | None = None) -> list[str]:
    """The command that serves ``root`` (the pages) with Voilà on ``host:port``: the same for ``make app``,
    the tests and the benchmarks. Tracebacks stay in the server's log, never on a page."""
    voila = Path(sys.executable).with_name("voila")
    return [str(voila), "--no-browser", f"--port={port}", f"--Voila.ip={host}",
            "--VoilaConfiguration.show_tracebacks=False", *FILE_ARGS, *cull_args(cull_idle_seconds), *(extra_args or []),
            str(root)]


@contextlib.contextmanager
def voila_server(root: Path = PAGES, timeout: float = 60.0, extra_args: list[str] | None = None,
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
    cmd = voila_command(port, root=root, cull_idle_seconds=cull_idle_seconds, extra_args=extra_args)
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


def main(argv: list[str] | None = None) -> None:
    """``python -m simlib.ui.serve [--host H] [--port P]``: serve the workbook (what ``make app`` runs)."""
    parser = argparse.ArgumentParser(prog="python -m simlib.ui.serve", description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (0.0.0.0: every network interface, for a room on a LAN)")
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--cull-idle", type=int, default=600, metavar="SECONDS",
                        help="stop a closed page's kernel after this many idle seconds")
    args = parser.parse_args(argv)
    cmd = voila_command(args.port, args.host, cull_idle_seconds=args.cull_idle)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    hub = f"http://{shown}:{args.port}/voila/render/index.ipynb"
    print(f"\n  銷售目標演練工作簿 Sales Drill Workbook\n  Hub / 首頁: {hub}\n  English:    {hub}?lang=en\n", flush=True)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
