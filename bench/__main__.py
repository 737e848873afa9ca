"""`python -m bench NAME [--size N] [--workers N]`: run the benchmark in bench/NAME.py."""

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).resolve().parent
    skip = {"common", "__main__", "__init__"}
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in skip)


def main(argv: list[str] | None = None) -> int:
    names = available()
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run one OneWindow benchmark.")
    parser.add_argument("name", choices=names, help="benchmark to run (a module in bench/)")
    parser.add_argument("--size", type=int, default=None, help="workload size (default: the benchmark's)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="concurrent sessions, for benchmarks that take them (default: the benchmark's)",
    )
    args = parser.parse_args(argv)
    module = importlib.import_module(f"bench.{args.name}")
    size = module.DEFAULT_SIZE if args.size is None else args.size
    if size < 1:
        parser.error("--size must be at least 1")
    if args.workers is None:
        module.main(size)
    elif not hasattr(module, "DEFAULT_WORKERS"):
        parser.error(f"{args.name} does not take --workers")
    elif args.workers < 1:
        parser.error("--workers must be at least 1")
    else:
        module.main(size, workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
