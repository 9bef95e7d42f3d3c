"""What each performance shortcut that is kept saves on the realistic path, in one process.

    .venv/bin/python -m benchmarks.shortcuts_bench

Each shortcut is switched off (here only, by a patch) for one batch of requests and left on for
the next; both send the same kind of request, in interleaved rounds, and the table gives the
median per-request time of each, the difference, and that difference as a share of the request
done the framework's way. A shortcut is kept only if it saves more than 5% of the request it
serves (README, Performance, "Shortcuts"). Measured today:

- the first-visit page cache (core/first_visits.py), on a lesson page for a cookieless visitor;
- the setup form's inputs written by hand (tools.form_rendering.widget_html) against Django's
  widget templates (``bound.as_widget``), on the simulator page and a new-setup recalculation;
- the remembered ``reverse()`` (core.links.reversed_url) against ``reverse()`` every time, on the
  learn index, /me/ and a lesson signed in;
- a valid setup validated without building its forms (simulator.forms.clean_setup) against the
  forms validating it, on a new-setup recalculation.
(Issue 20 measured and removed the one-pass form parsing middleware, the simulator's body-hash
partial cache and the "Explain" disclosure written with f-strings instead of format_html the same
way; see the README.)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


@contextlib.contextmanager
def _widget_templates() -> Iterator[None]:
    """Every setup-form input through Django's widget templates, as before the shortcut."""
    from unittest import mock

    def as_widget(bound: Any, given: Any) -> Any:
        return bound.as_widget(attrs=dict(given))

    with mock.patch("tools.form_rendering.widget_html", as_widget):
        yield


@contextlib.contextmanager
def _reverse_every_time() -> Iterator[None]:
    """``reverse()`` on every call of core.links.reversed_url."""
    from unittest import mock

    from django.urls import reverse

    def reversed_afresh(urlconf: str | None, prefix: str, viewname: str, args: Any) -> str:
        return reverse(viewname, urlconf=urlconf, args=args)

    with mock.patch("core.links._reversed", reversed_afresh):
        yield


def run() -> None:
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.test import Client

    from benchmarks import workload
    from benchmarks.inprocess_bench import FORM, HOST, HTMX, Case
    from benchmarks.targets.lessons import DEMO_LEARNER

    Send = Callable[[int], Any]
    comparisons: list[tuple[str, Send, Callable[[], contextlib.AbstractContextManager[Any]]]] = []
    lesson = workload.lesson_path()
    first = Client(**HOST)

    def first_visit(n: int) -> Any:
        first.cookies.clear()
        return first.get(lesson)

    comparisons.append(
        (
            "first-visit page cache (a lesson, first visit)",
            first_visit,
            lambda: mock.patch("core.first_visits.is_first_visit", return_value=False),
        )
    )

    visitor = Client(enforce_csrf_checks=True, **HOST)
    visitor.get(workload.SIMULATOR_W4)
    token = visitor.cookies["csrftoken"].value
    w4 = workload.w4_slider(token)
    headers: dict[str, Any] = {**HTMX, "HTTP_X_CSRFTOKEN": token}

    def simulator_page(n: int) -> Any:
        return visitor.get(workload.SIMULATOR)

    def new_setup(n: int) -> Any:
        return visitor.post(workload.SIMULATOR, w4.body(n), content_type=FORM, **headers)

    learner = Client(**HOST)
    learner.force_login(get_user_model().objects.get(username=DEMO_LEARNER[0]))

    def learn_index(n: int) -> Any:
        return learner.get(workload.LEARN_INDEX)

    def progress(n: int) -> Any:
        return learner.get(workload.PROGRESS)

    def lesson_signed_in(n: int) -> Any:
        return learner.get(lesson)

    comparisons += [
        ("inputs by hand, widget_html (simulator page)", simulator_page, _widget_templates),
        ("inputs by hand, widget_html (new setup, W4)", new_setup, _widget_templates),
        ("remembered reverse, reversed_url (learn index)", learn_index, _reverse_every_time),
        ("remembered reverse, reversed_url (/me/)", progress, _reverse_every_time),
        (
            "remembered reverse, reversed_url (a lesson, signed in)",
            lesson_signed_in,
            _reverse_every_time,
        ),
        (
            "setup validated without its forms, clean_setup (new setup, W4)",
            new_setup,
            lambda: mock.patch("simulator.forms.clean_setup", return_value=None),
        ),
    ]

    print("| shortcut (request) | with it | without it | saved | share of the request without it |")
    print("|---|---|---|---|---|")
    for name, send, switched_off in comparisons:
        on, off = Case(name, send, ""), Case(name, send, "")
        samples_on, samples_off = [], []
        for _ in range(ROUNDS):
            samples_on.append(on.seconds_per_request(BUDGET))
            with switched_off():
                send(0)  # the templates compiled the way this batch renders
                samples_off.append(off.seconds_per_request(BUDGET))
            send(0)
        a, b = median(samples_on), median(samples_off)
        print(
            f"| {name} | {a * 1e3:.3f} ms | {b * 1e3:.3f} ms | {(b - a) * 1e6:+.0f} µs"
            f" | {(b - a) / b:+.1%} |",
            flush=True,
        )


if __name__ == "__main__":
    raise SystemExit(main())
