"""Command line of the benchmarks: ``python -m bench list`` / ``python -m bench run NAME [--quick]``."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime

from bench import discover, say


def machine() -> dict:
    """What the figures were measured on."""
    return {"cores": os.cpu_count(), "platform": platform.platform(), "processor": platform.machine()}


def run_one(module, quick: bool) -> dict:
    """Run a benchmark module and return its figures with the context the runner adds."""
    name = module.NAME
    started = datetime.now(UTC).isoformat(timespec="seconds")
    say(f"bench: running {name}{' (quick)' if quick else ''}")
    figures = module.run(quick)
    context = {"benchmark": name, "quick": quick, "started_at": started, "python": platform.python_version(),
               "machine": machine()}
    return context | figures


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run it, return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the benchmarks with their descriptions")
    run = commands.add_parser("run", help="run one benchmark and print one JSON line")
    run.add_argument("name")
    run.add_argument("--quick", action="store_true", help="a smaller run (about 1/20th) for a quick look")
    args = parser.parse_args(argv)
    broken: dict[str, str] = {}
    benchmarks = discover(broken)
    if args.command == "list":
        for name, module in benchmarks.items():
            print(f"{name}\t{module.DESCRIPTION}")
        for name, error in broken.items():
            say(f"bench: bench_{name}.py cannot be imported: {error.strip().splitlines()[-1]}")
        return 0
    if args.name in broken:
        say(f"bench: bench_{args.name}.py cannot be imported:\n{broken[args.name]}")
        return 1
    if args.name not in benchmarks:
        print(f"Unknown benchmark {args.name!r}; known: {', '.join(benchmarks) or 'none'}", file=sys.stderr)
        return 2
    print(json.dumps(run_one(benchmarks[args.name], args.quick), ensure_ascii=False, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
