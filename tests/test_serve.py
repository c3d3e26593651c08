"""What Voilà serves: the pages (``notebooks/``) and nothing else — for ``make app``, the tests and any deployment.

The server is started exactly as ``make app`` starts it (``python -m simlib.ui.serve``) and probed the way a
curious trainee would: every trainer's answer key and a few sources, each under every URL prefix the server
answers (``voila/files``, ``voila/render``, ``voila/tree``, ``voila/api/contents``, ``files``, ``static``, …),
each spelled a dozen ways (``//``, ``/./``, ``../``, ``%2F``, another case, …). A response that carries any
of the file's content fails the test, whatever its status.
"""
from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simlib.ui.serve import FILE_ARGS, PAGES, ROOT, cull_args, free_port

KEYS = sorted((ROOT / "exercises" / "keys").glob("*.yaml"))
SOURCES = [ROOT / p for p in ("simlib/content/drills/material.py", "simlib/ui/serve.py", "tests/test_serve.py", "pyproject.toml",
                              "exercises/material/smart_target.yaml", "scenarios/funnel_basics.yaml")]
PREFIXES = ("voila/files/", "voila/render/", "voila/tree/", "voila/api/contents/", "files/", "static/",
            "voila/static/", "voila/templates/", "voila/labextensions/", "tree/", "api/contents/", "notebooks/", "")


def spellings(rel: str) -> list[str]:
    """Ways to spell ``rel`` (a path from the repository's top) as it would be reached from the served folder
    (``notebooks/``) and from the repository's top, the way a request might carry it.

        >>> "..%2Fexercises%2Fkeys%2Fa.yaml" in spellings("exercises/keys/a.yaml")
        True
    """
    head, _, tail = rel.partition("/")
    up = "../" + rel
    out = {
        rel, f"{head}//{tail}", f"{head}/./{tail}", f"./{rel}", f"/{rel}",          # as if the top were served
        up, f"x/../{up}", f"..//{rel}", f"./../{rel}", f"/../{rel}", f"..%2F{rel}",  # up from notebooks/
        up.replace("/", "%2F"), up.replace("/", "%2f"), up.replace(".", "%2E"), up.replace("/", "%252F"),
        f"..\\{rel}".replace("/", "\\"), f"notebooks/../{rel}", f"exercises/../../{rel}", f"....//{rel}",
        rel.upper(), rel.title(), up.title(), f"{head}%2F{tail}", f"{head}%2f{tail}",
    }
    return sorted(out)


def _texts(body: bytes) -> list[str]:
    """The body as text, and if it is JSON every string in it (base64 ones decoded): what a reader could see."""
    text = body.decode("utf-8", "replace")
    out = [text]
    with contextlib.suppress(ValueError):
        stack = [json.loads(text)]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str):
                out.append(item)
                with contextlib.suppress(ValueError):
                    out.append(base64.b64decode(item, validate=True).decode("utf-8", "replace"))
    return out


def leaks(body: bytes, content: str) -> bool:
    """Whether ``body`` carries any of ``content``: one of its distinctive lines (16 characters or more)."""
    lines = [ln.strip() for ln in content.splitlines() if len(ln.strip()) >= 16]
    return any(ln in text for text in _texts(body) for ln in lines)


def test_leaks_sees_a_file_in_any_dress():
    content = (ROOT / "exercises/keys/smart_target.yaml").read_text(encoding="utf-8")
    assert leaks(content.encode(), content)
    assert leaks(json.dumps({"content": content}).encode(), content)
    assert leaks(json.dumps({"content": base64.b64encode(content.encode()).decode()}).encode(), content)
    assert not leaks(b"<html>404: Not Found</html>", content)


# -- the served folder, without a server ------------------------------------------------------------------
def test_served_folder_holds_only_pages():
    """``notebooks/`` (the served root) holds notebooks and folders of notebooks: no key, no source, no data
    file, no symbolic link that could lead out of it."""
    assert PAGES == ROOT / "notebooks"
    other = [p.relative_to(PAGES).as_posix() for p in PAGES.rglob("*")
             if p.is_symlink() or (p.is_file() and p.suffix != ".ipynb") and ".ipynb_checkpoints" not in p.parts]
    assert other == []
    for secret in (*KEYS, *SOURCES):
        assert not secret.resolve().is_relative_to(PAGES.resolve()), secret


def test_make_app_serves_through_the_tests_command():
    """``make app`` runs ``python -m simlib.ui.serve``: one command, one rule set, for the room and the tests."""
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = make[make.index("\napp:"):].split("\n\n")[0]
    assert "-m simlib.ui.serve" in recipe
    assert "voila" not in recipe.replace("simlib.ui.serve", "")    # no options of its own beside the module's
    assert all("keys" not in arg for arg in FILE_ARGS)             # not needed: keys are outside the root


def test_closed_pages_kernels_are_culled_open_pages_kept():
    """The server stops the kernels of closed pages (Voilà's own shutdown on tab close is refused,
    voila#1458), never those of open pages (``cull_connected`` stays off)."""
    from simlib.ui.serve import voila_command
    assert cull_args(120) == ["--MappingKernelManager.cull_idle_timeout=120",
                              "--MappingKernelManager.cull_interval=12"]
    cmd = voila_command(8866)
    assert cull_args(600) == [a for a in cmd if "MappingKernelManager" in a]
    assert not any("cull_connected" in a for a in cmd)
    assert cmd[-1] == str(PAGES)


# -- a live server, started as `make app` starts it --------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    """``python -m simlib.ui.serve`` on a free port, as ``make app`` runs it; yields ``(host, port)``."""
    if shutil.which("voila", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("voila is not installed (pip install -e '.[app]')")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "simlib.ui.serve", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"the server exited with {proc.returncode}"
            try:
                if get(("127.0.0.1", port), "/voila/tree")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not answer within 90 s"
            time.sleep(0.3)
        yield ("127.0.0.1", port)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def get(address: tuple[str, int], path: str) -> tuple[int, bytes]:
    """GET ``path`` sent exactly as written (no client-side normalising); returns the status and the body."""
    conn = http.client.HTTPConnection(*address, timeout=30)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@pytest.mark.parametrize("secret", KEYS + SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_spelling_of_a_key_or_source_path_returns_it(server, secret):
    rel = secret.relative_to(ROOT).as_posix()
    content = secret.read_text(encoding="utf-8")
    served = []
    for prefix in PREFIXES:
        for spelling in spellings(rel):
            for query in ("", "?content=1&format=text", "?format=base64"):
                path = "/" + prefix + spelling + (query if "contents" in prefix else "")
                status, body = get(server, path)
                if leaks(body, content):
                    served.append((status, path))
    assert served == [], f"{rel} is served at {served[:5]}"


def test_every_drills_key_is_probed():
    from simlib.content.drills import DRILLS
    assert sorted(p.stem for p in KEYS) == sorted(DRILLS)


def test_tree_shows_trainees_only_the_pages(server):
    """The tree (the listing ``voila/tree`` draws from ``voila/api/contents``) holds the pages: every file a
    notebook, every folder one of the page folders; the same as on disk."""
    listed, folders = set(), [""]
    while folders:
        folder = folders.pop()
        status, body = get(server, f"/voila/api/contents/{folder}?content=1")
        assert status == 200, folder
        for item in json.loads(body)["content"]:
            if item["type"] == "directory":
                folders.append(item["path"])
            else:
                listed.add(item["path"])
    assert listed and all(p.endswith(".ipynb") for p in listed), sorted(listed)
    on_disk = {p.relative_to(PAGES).as_posix() for p in PAGES.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts}
    assert listed == on_disk
    assert {"index.ipynb", "funnel_lab.ipynb", "exercises/smart_target.ipynb", "cases/mentoring.ipynb"} <= listed
    status, body = get(server, "/voila/tree")
    assert status == 200
    assert not re.search(rb"simlib|keys|tests/|pyproject", body)


def test_the_pages_are_served(server):
    """What trainees need still answers: the hub and a drill render (a page, not an error)."""
    for path in ("/voila/render/index.ipynb", "/voila/render/exercises/smart_target.ipynb?lang=en"):
        status, body = get(server, path)
        assert status == 200, path
        assert b"<html" in body.lower() and b"Traceback" not in body
