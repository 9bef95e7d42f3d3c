"""In-process HTTP benchmark: what learners send, through Django's whole stack, as multiples of
`/healthz/` measured in the same loop.

    .venv/bin/python -m benchmarks.inprocess_bench                 # 7 interleaved rounds
    .venv/bin/python -m benchmarks.inprocess_bench --profile "recalculation, W4 slider"

No server and no network: each request goes through Django's test client (its WSGI-like handler:
every middleware, the URL resolver, the view, the templates), with DEBUG off, production settings
(a throw-away SQLite database, migrated and seeded, manifest static files) and CSRF enforced. The
baseline `/healthz/` runs through the same loop, so the ratios cancel the client's own cost as far
as a ratio can.

The simulator recalculation sends a new setup with every request (`benchmarks.workload`: a
slider stream over W4 and over an 8-position cross account), as a learner dragging a slider does;
the same W4 body every time and a lesson served from the first-visit cache are measured beside
them for comparison. The reading pages and `/me/` are measured signed in as the demo learner.

Times are CPU time of the benchmark's process (client and site both run in it), not wall-clock
time, so that other work on a shared machine does not count; rounds are interleaved (each round
times every target once, for about `--budget` CPU seconds), so what drift is left hits every
target alike, and the table gives each target's median.
With ``--profile NAME`` one target runs under cProfile instead and its top entries are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.machine import describe_machine, median

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
FORM = "application/x-www-form-urlencoded"
HOST: dict[str, Any] = {"HTTP_HOST": "127.0.0.1"}


@dataclass
class Case:
    """One target: `send(n)` makes request number n and returns the response; `expect` must be
    in the first response (and `refuse` not), so an error page cannot pass for the real one."""

    name: str
    send: Callable[[int], Any]  # the test client's response
    expect: str
    refuse: str = ""
    target: float | None = None  # the ceiling, as a multiple of /healthz/
    sent: int = 0

    def check(self) -> None:
        response = self.send(self.sent)
        self.sent += 1
        text = response.content.decode()
        if response.status_code != 200 or self.expect not in text:
            raise RuntimeError(f"{self.name}: answered {response.status_code} without the page")
        if self.refuse and self.refuse in text:
            raise RuntimeError(f"{self.name}: answered with {self.refuse!r}")

    def seconds_per_request(self, budget: float, minimum: int = 15) -> float:
        """CPU seconds of this process per request (client and site run in it; a machine shared
        with other work makes wall-clock times swing several-fold, CPU time far less)."""
        calls, started = 0, time.process_time()
        while calls < minimum or time.process_time() - started < budget:
            self.send(self.sent)
            self.sent += 1
            calls += 1
        return (time.process_time() - started) / calls


def build_cases() -> list[Case]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from benchmarks import workload
    from benchmarks.targets.lessons import DEMO_LEARNER, SIGNED_IN
    from benchmarks.targets.simulator import RESULT

    visitor = Client(enforce_csrf_checks=True, **HOST)
    visitor.get(workload.SIMULATOR_W4)  # the CSRF cookie, as a learner's browser gets it
    token = visitor.cookies["csrftoken"].value
    w4, eight = workload.w4_slider(token), workload.eight_cross_slider(token)
    same_w4 = workload.w4_same_body(token)
    headers: dict[str, Any] = {**HTMX, "HTTP_X_CSRFTOKEN": token}

    learner = Client(enforce_csrf_checks=True, **HOST)
    learner.force_login(get_user_model().objects.get(username=DEMO_LEARNER[0]))
    first_visitor = Client(**HOST)  # never keeps a cookie: every visit is a first one
    lesson = workload.lesson_path()

    def first_visit(n):
        first_visitor.cookies.clear()
        return first_visitor.get(lesson)

    def post(stream):
        return lambda n: visitor.post(
            workload.SIMULATOR, stream.body(n), content_type=FORM, **headers
        )

    return [
        Case("baseline /healthz/", lambda n: visitor.get("/healthz/"), "ok"),
        Case("recalculation, W4 slider (new setup each request)", post(w4), RESULT, "<html", 5),
        Case("recalculation, 8 cross positions (new setup each request)", post(eight), RESULT),
        Case(
            "recalculation, same W4 body every time (computed: no body cache)",
            lambda n: visitor.post(workload.SIMULATOR, same_w4, content_type=FORM, **headers),
            RESULT,
            "<html",
        ),
        Case("simulator page", lambda n: visitor.get(workload.SIMULATOR), RESULT, target=25),
        Case(
            "simulator page, W4 preset",
            lambda n: visitor.get(workload.SIMULATOR_W4),
            RESULT,
            target=30,
        ),
        Case(
            "calculator page (liquidation price)",
            lambda n: visitor.get(workload.CALCULATOR),
            "Liquidation price",
            target=15,
        ),
        Case(
            "learn index, signed in",
            lambda n: learner.get(workload.LEARN_INDEX),
            SIGNED_IN,
            target=8,
        ),
        Case("a lesson, signed in", lambda n: learner.get(lesson), SIGNED_IN, target=6),
        Case("/me/, signed in", lambda n: learner.get(workload.PROGRESS), "My progress", target=15),
        Case("a lesson, first visit (cached page)", first_visit, "<article"),
    ]


def table(cases: list[Case], samples: dict[str, list[float]]) -> str:
    baseline = median(samples[cases[0].name])
    rows = [
        "| target | CPU per request | x /healthz/ | target |",
        "|---|---|---|---|",
    ]
    for case in cases:
        seconds = median(samples[case.name])
        ratio = seconds / baseline
        goal = "" if case.target is None else f"<= {case.target}x"
        if case.target is not None:
            goal += " met" if ratio <= case.target else " **not met**"
        rows.append(f"| {case.name} | {seconds * 1e3:.2f} ms | {ratio:.1f}x | {goal} |")
    return "\n".join(rows)


# Where a request's time goes, by the code it is in; a path belongs to the first area it matches.
AREAS: dict[str, tuple[str, ...]] = {
    "margin engine (margin/)": ("/margin/",),
    "templates (django.template)": ("/django/template/",),
    "forms (django.forms)": ("/django/forms/",),
    "database (django.db)": ("/django/db/",),
    "sessions and auth": ("/django/contrib/sessions/", "/django/contrib/auth/"),
    "cache (django.core.cache)": ("/django/core/cache/",),
    "CSRF check": ("/django/middleware/csrf.py",),
}


def _area(filename: str) -> str | None:
    return next((a for a, parts in AREAS.items() if any(p in filename for p in parts)), None)


def area_shares(stats: pstats.Stats) -> str:
    """Each area's inclusive share of the profiled time: the time of the calls that enter the
    area from outside it. Areas nest (a template renders a form), so shares may add past 100%."""
    # pstats' table and total: public attributes its stub leaves out.
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total: float = stats.total_tt  # type: ignore[attr-defined]
    entered = dict.fromkeys(AREAS, 0.0)
    for (filename, _, _), (_, _, _, _, callers) in raw.items():
        area = _area(filename)
        if area is None:
            continue
        for caller, edge in callers.items():
            if _area(caller[0]) != area:
                entered[area] += edge[3]  # the time spent under this call from that caller
    rows = [f"| {a} | {t / total:.0%} |" for a, t in entered.items()]
    return "\n".join(["| area (inclusive) | share of the request |", "|---|---|", *rows, ""])


def profile(case: Case, requests: int, top: int) -> None:
    for _ in range(20):  # warm: templates compiled, caches filled
        case.send(case.sent)
        case.sent += 1
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        case.send(case.sent)
        case.sent += 1
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print(f"\n## {case.name}: {requests} requests under cProfile\n")
    print(area_shares(stats))
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (median)")
    parser.add_argument("--budget", type=float, default=0.3, help="seconds per target per round")
    parser.add_argument("--profile", metavar="NAME", help="profile the target whose name has this")
    parser.add_argument("--requests", type=int, default=200, help="requests under the profiler")
    parser.add_argument("--top", type=int, default=30, help="profile entries to print")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only targets named like these")
    args = parser.parse_args(argv)

    from benchmarks.http_bench import prepare_site, production_env

    workdir = Path(tempfile.mkdtemp(prefix="academy-inprocess-"))
    try:
        env = production_env(workdir / "bench.sqlite3")
        prepare_site(env)
        os.environ.update(env)
        import django

        django.setup()
        cases = build_cases()
        if args.only:
            cases = cases[:1] + [
                c for c in cases[1:] if any(n.lower() in c.name.lower() for n in args.only)
            ]
        for case in cases:
            case.check()
        if args.profile:
            chosen = [c for c in cases if args.profile.lower() in c.name.lower()]
            if not chosen:
                sys.exit(f"no target named like {args.profile!r}")
            profile(chosen[0], args.requests, args.top)
            return 0
        for case in cases:  # warm-up: imports, compiled templates, caches
            case.seconds_per_request(0.05, minimum=5)
        samples: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for case in cases:
                samples.setdefault(case.name, []).append(case.seconds_per_request(args.budget))
        print(describe_machine(rounds=args.rounds, budget_s=args.budget, harness="test client"))
        print()
        print(table(cases, samples))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
