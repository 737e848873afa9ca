"""Benchmarks: `python -m bench NAME [--size N]`.

Each benchmark is a module `bench/NAME.py` defining `DEFAULT_SIZE: int` and
`main(size: int) -> None`. A benchmark calls `bench.common.setup()` first (Django plus a
fresh throwaway database, destroyed at exit), prints what it measured and on what
(`bench.common.environment()`), and ends with one `bench.common.report(...)` line:

    NAME: VALUE UNIT (target: TARGET)
"""
