"""Deadline computations: `calendar.deadline_at` over every acceptance date of one year.

The workload mixes working-day and calendar-day units and limits of 1–20 days, accepted
at different hours on all 365 days of the year (weekends and holidays included), as the
intake windows and the data generator do. It is measured single-threaded with
`time.perf_counter()` after a warm-up pass that compiles the calendar.
"""

import datetime as dt
import random
import time

from bench import common

DEFAULT_SIZE = 1_000_000
TARGET_SECONDS = 2.0


def main(size: int) -> None:
    common.setup()
    from onewindow.core import calendar

    year = calendar.covered_years()[-1]  # the newest year with official 调休 data
    first = dt.datetime(year, 1, 1, 8, 30, tzinfo=calendar.TZ)
    rng = random.Random(20250101)
    units = (calendar.WORKING_DAYS, calendar.CALENDAR_DAYS)
    # Precompute the inputs so only the deadline computation is timed.
    jobs = [
        (
            first + dt.timedelta(days=n % 365, minutes=rng.randrange(0, 9 * 60)),
            rng.randint(1, 20),
            units[n % 3 == 0],  # two thirds working days, one third calendar days
        )
        for n in range(size)
    ]
    deadline_at = calendar.deadline_at
    for accepted_at, days, unit in jobs[: min(size, 10_000)]:  # warm-up
        deadline_at(accepted_at, days, unit)

    start = time.perf_counter()
    for accepted_at, days, unit in jobs:
        deadline_at(accepted_at, days, unit)
    elapsed = time.perf_counter() - start

    print(common.environment())
    print(
        f"measured: {size:,} calls of calendar.deadline_at, acceptance on every day of {year} "
        f"(official schedule), limits 1–20 days, 2/3 working days and 1/3 calendar days, "
        f"one thread, after {min(size, 10_000):,} warm-up calls"
    )
    print(f"per call: {elapsed / size * 1e9:.0f} ns; scaled to 1,000,000 calls: {elapsed / size * 1e6:.3f} s")
    target = TARGET_SECONDS * size / DEFAULT_SIZE
    common.report("deadlines", elapsed, "s", f"< {target:g} s for {size:,} calls on one core")
