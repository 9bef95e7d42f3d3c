"""What each performance shortcut that is kept saves on the realistic path, in one process.

    .venv/bin/python -m benchmarks.shortcuts_bench

Each shortcut is switched off for one client and left on for another; both send the same kind of
request, in interleaved rounds, and the table gives the median per-request time of each and the
difference. Kept today: the first-visit page cache (core/first_visits.py), measured on a lesson
page for a visitor without cookies. (Issue 20 measured and removed the one-pass form parsing
middleware and the simulator's body-hash partial cache the same way; see the README.)
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from benchmarks.machine import median

ROUNDS = 9
BUDGET = 0.25


def main() -> int:
    from benchmarks.http_bench import prepare_site, production_env

    workdir = Path(tempfile.mkdtemp(prefix="academy-shortcuts-"))
    try:
        env = production_env(workdir / "bench.sqlite3")
        prepare_site(env)
        os.environ.update(env)
        import django

        django.setup()
        run()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run() -> None:
    from unittest import mock

    from django.test import Client

    from benchmarks import workload
    from benchmarks.inprocess_bench import HOST, Case

    comparisons = []
    lesson = workload.lesson_path()
    first = Client(**HOST)

    def first_visit(n):
        first.cookies.clear()
        return first.get(lesson)

    def uncached(n):
        first.cookies.clear()
        with mock.patch("core.first_visits.is_first_visit", return_value=False):
            return first.get(lesson)

    comparisons.append(("first-visit page cache (a lesson)", first_visit, uncached))

    print("| shortcut | with it | without it | saved | share of the request without it |")
    print("|---|---|---|---|---|")
    for name, with_it, without_it in comparisons:
        on, off = Case(name, with_it, ""), Case(name, without_it, "")
        samples_on, samples_off = [], []
        for _ in range(ROUNDS):
            samples_on.append(on.seconds_per_request(BUDGET))
            samples_off.append(off.seconds_per_request(BUDGET))
        a, b = median(samples_on), median(samples_off)
        print(
            f"| {name} | {a * 1e3:.3f} ms | {b * 1e3:.3f} ms | {(b - a) * 1e6:+.0f} µs"
            f" | {(b - a) / b:+.1%} |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
