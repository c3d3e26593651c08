"""The command line: ``python -m simlib <command>`` (and ``python -m simlib.cases``, as before).

Commands:
    cases   check case files against the decks' figures (a course author, without Python)::

                python -m simlib cases electronics_bottleneck --n 60 --workers 2
                python -m simlib.cases scenarios/cases/my_case.yaml

Only the library's core is needed (no plotly, no widgets). The work runs in importable modules, never in
``__main__``, so ``--workers`` can send it to other processes.
"""
from __future__ import annotations

import argparse
import sys

from simlib.analysis.cases import case_files, report
from simlib.base.schema import ScenarioError

__all__ = ["cases_main", "main"]


def _cases_parser(prog: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=prog, description=(
        "Every case's checks as Markdown tables (all shipped cases by default); "
        "the exit status is 1 when a figure is off or a file is wrong."))
    ap.add_argument("cases", nargs="*", help="case ids or files (default: every case under scenarios/cases)")
    ap.add_argument("--n", type=int, default=None, help="replications (default: each case's own)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lang", default="en", help="zh-Hant, zh-Hans or en")
    ap.add_argument("--workers", type=int, default=1, help="processes to run the replications on")
    return ap


def cases_main(argv: list[str] | None = None, prog: str = "python -m simlib cases") -> int:
    """Check case files: print each case's figures against the deck's; 0 when every figure holds."""
    args = _cases_parser(prog).parse_args(argv)
    paths = args.cases or [str(p) for p in case_files()]
    ok = True
    for p in paths:
        try:
            text = report(p, args.n, args.seed, args.lang, args.workers)
        except ScenarioError as err:
            print(err.message(args.lang))
            ok = False
            continue
        print(text + "\n", flush=True)
        ok &= "| ✗ |" not in text
    return 0 if ok else 1


COMMANDS = {"cases": cases_main}


def main(argv: list[str] | None = None) -> int:
    """``python -m simlib <command> [options]``; ``python -m simlib <command> --help`` for a command's own."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        print("usage: python -m simlib {" + ",".join(COMMANDS) + "} [options]\n\n" + __doc__.split("\n\n")[1])
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    return COMMANDS[argv[0]](argv[1:])
