"""The command line: ``python -m simlib <command>`` (and ``python -m simlib.cases``, as before).

Commands:
    cases     check case files against the decks' figures (a course author, without Python)::

                  python -m simlib cases electronics_bottleneck --n 60 --workers 2
                  python -m simlib.cases scenarios/cases/my_case.yaml

    workshop  prepare, watch, close and archive a workshop without a browser (``--db`` or ``$SDW_DB``)::

                  python -m simlib workshop create scenarios/workshop/b2b_quarter.yaml --teams A B C --rounds 3
                  python -m simlib workshop status <id> --key <trainer key>
                  python -m simlib workshop close <id> --key <trainer key>
                  python -m simlib workshop export <id> --key <trainer key> --out debrief.xlsx

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


def _workshop_parser(prog: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=prog, description="Workshops from the command line (CONTRACT §5).")
    ap.add_argument("--db", default=None, help="database URL (default: $SDW_DB, else a SQLite file in ~/.sales-drill)")
    ap.add_argument("--lang", default="en", help="zh-Hant, zh-Hans or en (messages)")
    sub = ap.add_subparsers(dest="action", required=True)
    c = sub.add_parser("create", help="make a workshop; prints its id, the trainer's key and the join codes once")
    c.add_argument("scenario", help="a workshop file, e.g. scenarios/workshop/b2b_quarter.yaml")
    c.add_argument("--teams", nargs="+", required=True)
    c.add_argument("--rounds", type=int, default=None)
    c.add_argument("--seed", type=int, default=0)
    for name in ("status", "close", "export"):
        a = sub.add_parser(name)
        a.add_argument("id")
        a.add_argument("--key", required=True, help="the trainer's key")
        if name == "export":
            a.add_argument("--out", required=True, help="an .xlsx file (every round's decisions and results)")
    return ap


def workshop_main(argv: list[str] | None = None, prog: str = "python -m simlib workshop") -> int:
    """Create, inspect, close or export a workshop; 0 on success, 2 on a refused key or a wrong input."""
    from simlib.workshop.api import AccessDenied, Workshop
    from simlib.workshop.debrief import write_debrief
    args = _workshop_parser(prog).parse_args(argv)
    try:
        if args.action == "create":
            ws = Workshop.create(args.scenario, teams=args.teams, rounds=args.rounds, seed=args.seed, db=args.db)
            print(f"workshop: {ws.id}\ndatabase: {ws.store.url}\ntrainer key (shown once): {ws.trainer_key}")
            for team, code in ws.team_codes.items():
                print(f"team {team}: join code {code}")
            return 0
        trainer = Workshop.open(args.db, args.id).as_trainer(args.key)
        if args.action == "status":
            st = trainer.status()
            print(f"round {st['round']} of {st['rounds']}; submitted: {', '.join(st['submitted']) or '—'}; "
                  f"waiting: {', '.join(st['waiting']) or '—'}")
            for k, v in st["status"].items():
                print(f"  round {k}: {v or 'not open'}")
        elif args.action == "close":
            result = trainer.close_round()
            print(result.teams.to_string(index=False))
        else:
            path = write_debrief(trainer, args.out)
            print(f"written: {path}")
        return 0
    except AccessDenied as err:
        print(err.message(args.lang), file=sys.stderr)
    except ScenarioError as err:
        print(err.message(args.lang), file=sys.stderr)
    return 2


COMMANDS = {"cases": cases_main, "workshop": workshop_main}


def main(argv: list[str] | None = None) -> int:
    """``python -m simlib <command> [options]``; ``python -m simlib <command> --help`` for a command's own."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        print("usage: python -m simlib {" + ",".join(COMMANDS) + "} [options]\n\n" + __doc__.split("\n\n")[1])
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    return COMMANDS[argv[0]](argv[1:])
