"""Load without loss: concurrent learners against the real site, then an audit of the database.

    .venv/bin/python -m benchmarks.load_mixed                        # 32 learners, 60 s, mixed
    .venv/bin/python -m benchmarks.load_mixed --duration 20 --mix quiz,lessons
    DATABASE_URL=postgres://user@127.0.0.1:5432/academy .venv/bin/python -m benchmarks.load_mixed

What it does:
- builds a throw-away database (a fresh SQLite file, or with DATABASE_URL a new PostgreSQL database
  beside the named one, dropped afterwards), migrates, seeds the course and question bank and
  creates one account per learner;
- starts gunicorn in production mode (DEBUG off, gthread workers) on a free loopback port;
- runs `learners` threads: each signs in; once all have, they work for a fixed `duration` (the
  load stops by itself), answering quiz questions and marking lessons complete (`--mix` adds the
  simulator and page reads), every write through the same htmx request a browser sends, CSRF token
  included;
- records every answer and completion the server acknowledged (a 2xx), stops the server, and
  compares them with what the database holds: the two sets must be equal;
- counts every response by status and scans the server's log for "database is locked" and
  tracebacks.

The short form runs in the test suite (tests/load/); this script is the longer, mixed form.
"""

import argparse
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "load-learner-pw-Zq81"  # noqa: S105 - a throw-away database's throw-away accounts
MIXES = ("quiz", "lessons", "simulator", "pages")
# Redirects the site sends by design (sign-in, starting an attempt, a finished attempt's page).
DESIGNED_REDIRECTS = {"login", "quiz-start", "quiz-attempt"}

SETUP_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from lessons.models import Lesson
from quiz.models import Quiz
from simulator.presets import PRESETS

users = get_user_model()
for number in range({learners}):
    name = f"load-learner-{{number}}"
    if not users.objects.filter(username=name).exists():
        users.objects.create_user(name, password={password!r})
quiz = (
    Quiz.objects.filter(is_published=True, max_attempts__isnull=True,
                        time_limit_minutes__isnull=True)
    .exclude(kind=Quiz.Kind.WEAK).order_by("pk").first()
)
lessons = [
    lesson.get_absolute_url()
    for lesson in Lesson.objects.filter(published=True).select_related("module").order_by("pk")
]
presets = [dict(preset.form_data()) for preset in PRESETS.values()]
print("LOAD_SETUP " + json.dumps({{"quiz": quiz.slug, "lessons": lessons, "presets": presets}}))
"""

AUDIT_SCRIPT = """
import json
from lessons.models import LessonCompletion
from quiz.models import Answer

answers = [
    [str(attempt_id), position]
    for attempt_id, position in Answer.objects.filter(
        item__attempt__user__username__startswith="load-learner-"
    ).values_list("item__attempt_id", "item__position")
]
completions = [
    [username, lesson.get_absolute_url()]
    for username, lesson in (
        (completion.user.username, completion.lesson)
        for completion in LessonCompletion.objects.filter(
            user__username__startswith="load-learner-"
        ).select_related("user", "lesson__module")
    )
]
print("LOAD_AUDIT " + json.dumps({"answers": answers, "completions": completions}))
"""


@dataclass
class Report:
    """What the clients saw and what the database holds afterwards."""

    database: str
    duration: float
    learners: int
    statuses: Counter = field(default_factory=Counter)
    by_action: Counter = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    acknowledged_answers: set = field(default_factory=set)
    acknowledged_completions: set = field(default_factory=set)
    saved_answers: set = field(default_factory=set)
    saved_completions: set = field(default_factory=set)
    locked_lines: int = 0
    tracebacks: int = 0
    latencies: list[float] = field(default_factory=list)
    oversized_status: int | None = None  # a 2 MiB body sent to the JSON API after the load

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def non_2xx(self) -> int:
        """Responses outside 2xx other than the site's designed redirects."""
        return len(self.unexpected)

    def summary(self) -> str:
        latencies = sorted(self.latencies) or [0.0]
        p50 = latencies[len(latencies) // 2] * 1000
        p95 = latencies[int(len(latencies) * 0.95)] * 1000
        statuses = dict(sorted(self.statuses.items(), key=str))
        return (
            f"{self.database}: {self.learners} learners for {self.duration:.0f} s: "
            f"{self.requests} requests ({self.requests / self.duration:.0f}/s, "
            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms), statuses {statuses}, "
            f"unexpected {self.non_2xx}; answers acknowledged {len(self.acknowledged_answers)}, "
            f"saved {len(self.saved_answers)}; lesson completions acknowledged "
            f"{len(self.acknowledged_completions)}, saved {len(self.saved_completions)}; "
            f'"database is locked" {self.locked_lines}, tracebacks {self.tracebacks}; '
            f"actions {dict(sorted(self.by_action.items()))}"
        )


# --- the throw-away site -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Every learner of a load run comes from 127.0.0.1: the per-address rate limits (README: Rate
# limits) would refuse them, so runs raise the limits far beyond what the run sends.
UNTHROTTLED_ENV = {
    f"DJANGO_RATE_LIMIT_{name}": "1000000/m"
    for name in (
        "MONTE_CARLO", "API", "LOGIN", "SIGNUP", "PASSWORD_RESET", "PASSWORD_RESET_EMAIL",
    )
}  # fmt: skip


def production_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="load-test-only-" + "k3Y9" * 12,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain http on loopback
        DJANGO_SECURE_COOKIES="0",
        DJANGO_STATIC_MANIFEST="0",
        DJANGO_LOG_LEVEL="WARNING",
        **UNTHROTTLED_ENV,
    )
    return env


class ThrowAwayDatabase:
    """A fresh database for one run: a SQLite file, or a new PostgreSQL database on the server
    that `base_url` names (that database itself is left alone)."""

    def __init__(self, base_url: str, workdir: Path):
        self.base_url = base_url
        self.postgres = base_url.startswith(("postgres://", "postgresql://"))
        self.name = f"academy_load_{os.getpid()}_{int(time.time())}"
        if self.postgres:
            parts = urlsplit(base_url)
            self.url = urlunsplit(parts._replace(path="/" + self.name))
            self.kind = "PostgreSQL"
        else:
            self.url = f"sqlite:///{workdir / 'load.sqlite3'}"
            self.kind = "SQLite"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.base_url, autocommit=True) as connection:
            connection.execute(statement)

    def __enter__(self):
        if self.postgres:
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def marked_json(output: str, marker: str) -> dict:
    line = next(line for line in output.splitlines() if line.startswith(marker + " "))
    return json.loads(line.removeprefix(marker + " "))


def start_server(env: dict[str, str], log_path: Path, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "academy.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "60",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz/")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn did not answer on port {port} within 30 s: {log_path}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def post_oversized_body(port: int) -> int:
    """POST 2 MiB of JSON to the API: the server must refuse it (400/413), not read it all."""
    body = json.dumps({"wallet_balance": "9" * (2 * 1024 * 1024), "positions": []})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST", "/api/v1/simulate", body=body, headers={"Content-Type": "application/json"}
        )
        return connection.getresponse().status
    finally:
        connection.close()


# --- a learner's browser -------------------------------------------------------------------------

TOKEN_IN_PAGE = re.compile(r'"X-CSRFToken": "([^"]+)"')
POSITION = re.compile(r'name="position" value="(\d+)"')
CHOICE = re.compile(r'name="choice"\s+id="choice-\d+" value="(\d+)"')
SET_COOKIE = re.compile(r"^([^=;\s]+)=([^;]*)")


class Learner:
    """One learner's browser: its own keep-alive connection and cookies, no redirects followed."""

    def __init__(self, port: int, number: int, report: Report, lock: threading.Lock):
        self.port = port
        self.username = f"load-learner-{number}"
        self.report = report
        self.lock = lock
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.rng = random.Random(number)
        self.attempt_url: str | None = None

    def request(self, action: str, method: str, path: str, form=None, *, htmx=False):
        headers = {}  # http.client sends Host with the port, which the Origin check compares
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(form or {}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.token
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        if htmx:
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            with self.lock:
                self.report.statuses["connection error"] += 1
                self.report.unexpected.append(f"{method} {path}: {error!r}")
            return None, ""
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            match = SET_COOKIE.match(header)
            if match:
                self.cookies[match[1]] = match[2]
        if token := TOKEN_IN_PAGE.search(text):
            self.token = token[1]
        status = response.status
        with self.lock:
            self.report.statuses[status] += 1
            self.report.by_action[action] += 1
            self.report.latencies.append(elapsed)
            redirect_ok = 300 <= status < 400 and action in DESIGNED_REDIRECTS
            if not (200 <= status < 300 or redirect_ok):
                self.report.unexpected.append(f"{method} {path} ({action}): {status}")
        return response, text

    def sign_in(self) -> bool:
        self.request("page", "GET", "/accounts/login/")
        response, _ = self.request(
            "login",
            "POST",
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD},
        )
        self.request("page", "GET", "/learn/")  # the token rotates at sign-in
        return response is not None and response.status == 302

    def answer_a_question(self, quiz_slug: str) -> None:
        if self.attempt_url is None:
            response, _ = self.request("quiz-start", "POST", f"/quiz/{quiz_slug}/start/")
            if response is None or response.status != 302:
                return
            self.attempt_url = response.headers.get("Location", "")
        response, page = self.request("quiz-attempt", "GET", self.attempt_url)
        if response is None or response.status != 200:
            self.attempt_url = None  # finished: its page redirects to the summary
            return
        position = POSITION.search(page)
        if position is None:
            self.attempt_url = None
            return
        form = {"position": position[1]}
        choices = CHOICE.findall(page)
        if choices:
            form["choice"] = self.rng.choice(choices)
        else:
            form["value"] = str(self.rng.randint(1, 60000))
        attempt_id = self.attempt_url.rstrip("/").rsplit("/", 1)[-1]
        response, _ = self.request(
            "quiz-answer", "POST", f"/quiz/attempts/{attempt_id}/answer/", form, htmx=True
        )
        if response is not None and response.status == 200:
            with self.lock:
                self.report.acknowledged_answers.add((attempt_id, int(position[1])))

    def complete_a_lesson(self, lessons: list[str]) -> None:
        lesson = self.rng.choice(lessons)
        response, _ = self.request(
            "lesson-complete", "POST", lesson + "complete/", {"complete": "1"}, htmx=True
        )
        if response is not None and response.status == 200:
            with self.lock:
                self.report.acknowledged_completions.add((self.username, lesson))

    def use_the_simulator(self, presets: list[dict]) -> None:
        form = self.rng.choice(presets)
        self.request("simulator", "POST", "/simulator/", form, htmx=True)
        self.request("simulator-details", "POST", "/simulator/details/", form, htmx=True)

    def read_a_page(self, lessons: list[str]) -> None:
        path = self.rng.choice([*lessons, "/", "/learn/", "/quiz/", "/tools/pnl/", "/simulator/"])
        self.request("page", "GET", path)

    def run(self, setup: dict, mix: tuple[str, ...], start: threading.Barrier, duration: float):
        """Sign in, wait until every learner has, then work for `duration` seconds. (Signing in
        hashes a password with Argon2: kept out of the measured window.)"""
        signed_in = self.sign_in()
        try:
            start.wait()
        except threading.BrokenBarrierError:
            return
        if not signed_in:
            return
        # A fresh connection: the server closed the idle keep-alive one while others signed in.
        self.connection.close()
        deadline = time.monotonic() + duration
        actions = []
        if "quiz" in mix:
            actions += [lambda: self.answer_a_question(setup["quiz"])] * 3
        if "lessons" in mix:
            actions += [lambda: self.complete_a_lesson(setup["lessons"])] * 2
        if "simulator" in mix:
            actions.append(lambda: self.use_the_simulator(setup["presets"]))
        if "pages" in mix:
            actions.append(lambda: self.read_a_page(setup["lessons"]))
        while time.monotonic() < deadline:
            self.rng.choice(actions)()
        self.connection.close()


# --- a run ---------------------------------------------------------------------------------------


def run_load(
    *,
    duration: float,
    learners: int = 32,
    mix: tuple[str, ...] = ("quiz", "lessons"),
    database_url: str | None = None,
    workers: int = 3,
    log=print,
) -> Report:
    """Run the load against a throw-away copy of the site and audit the database afterwards."""
    database_url = database_url if database_url is not None else os.environ.get("DATABASE_URL", "")
    with (
        tempfile.TemporaryDirectory(prefix="academy-load-") as workdir,
        ThrowAwayDatabase(database_url, Path(workdir)) as database,
    ):
        env = production_env(database.url)
        log(f"== {database.kind}: migrate, seed, {learners} accounts")
        manage(env, "migrate", "--no-input")
        manage(env, "seed")
        setup_code = SETUP_SCRIPT.format(learners=learners, password=PASSWORD)
        setup = marked_json(manage(env, "shell", "-c", setup_code), "LOAD_SETUP")
        report = Report(database=database.kind, duration=duration, learners=learners)
        log_path = Path(workdir) / "server.log"
        server, port = start_server(env, log_path, workers)
        try:
            log(f"== {learners} learners for {duration:.0f} s ({', '.join(mix)})")
            lock = threading.Lock()
            start = threading.Barrier(learners, timeout=180)
            threads = [
                threading.Thread(
                    target=Learner(port, number, report, lock).run,
                    args=(setup, mix, start, duration),
                    daemon=True,
                )
                for number in range(learners)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=duration + 240)
            report.oversized_status = post_oversized_body(port)
        finally:
            stop_server(server)
        server_log = log_path.read_text(errors="replace")
        report.locked_lines = server_log.count("database is locked")
        report.tracebacks = server_log.count("Traceback")
        audit = marked_json(manage(env, "shell", "-c", AUDIT_SCRIPT), "LOAD_AUDIT")
        report.saved_answers = {(a, p) for a, p in audit["answers"]}
        report.saved_completions = {(u, lesson) for u, lesson in audit["completions"]}
        if report.tracebacks:
            log(server_log[-4000:])
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--learners", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--mix", default=",".join(MIXES), help=f"from {', '.join(MIXES)}")
    args = parser.parse_args(argv)
    mix = tuple(part for part in args.mix.split(",") if part)
    unknown = set(mix) - set(MIXES)
    if unknown:
        parser.error(f"unknown mix {sorted(unknown)}")
    report = run_load(duration=args.duration, learners=args.learners, mix=mix, workers=args.workers)
    print(report.summary())
    for line in report.unexpected[:20]:
        print("  unexpected:", line)
    lost = report.acknowledged_answers - report.saved_answers
    phantom = report.saved_answers - report.acknowledged_answers
    lost_completions = report.acknowledged_completions - report.saved_completions
    ok = not (report.unexpected or lost or phantom or lost_completions or report.locked_lines)
    print("no loss" if ok else f"LOSS: {len(lost)} answers lost, {len(phantom)} unacknowledged")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
