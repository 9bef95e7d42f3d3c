"""Faults against the real production server (`make serve-prod`'s granian command, loopback, a
free port, a throw-away database: SQLite, or PostgreSQL when DATABASE_URL names one, as in CI's
second pass):

* the quiz races of the security review (F5): an answer and "Finish" of one attempt at the same
  instant; six "Start"s of one quiz by one learner at once;
* one worker killed with SIGKILL under load (F2): the master respawns it, and every request after
  the respawn is answered;
* the whole server killed with SIGKILL mid-load and started again (the review's fault test):
  every answer the learners were told was saved is stored, exactly once.

Every wait polls for a condition with a deadline; nothing relies on a fixed sleep.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest

from benchmarks.load_mixed import (
    PROJECT_ROOT,
    SETUP_SCRIPT,
    Learner,
    Report,
    ThrowAwayDatabase,
    free_port,
    manage,
    marked_json,
    production_env,
)

AUDIT_SCRIPT = """
import json
from django.db.models import Count, F, Sum
from quiz.models import Answer, Attempt

answers = list(Answer.objects.values_list("attempt_id", "item__position"))
finished = Attempt.objects.exclude(finished_at=None)
late = Answer.objects.filter(
    attempt__finished_at__isnull=False, answered_at__gt=F("attempt__finished_at")
).count()
wrong_score = [
    str(a.pk) for a in finished.annotate(total=Sum("answers__score"))
    if a.score != (a.total or 0)
]
open_per_learner = list(
    Attempt.objects.filter(finished_at=None).values("quiz_id", "learner_key")
    .annotate(n=Count("pk")).filter(n__gt=1).values_list("learner_key", "n")
)
print("AUDIT " + json.dumps({
    "answers": [[str(a), p] for a, p in answers],
    "late_answers": late,
    "wrong_score": wrong_score,
    "open_per_learner": open_per_learner,
    "attempts": Attempt.objects.count(),
}))
"""


def serve_prod_command(port: int) -> str:
    """The granian command `make serve-prod` runs, for this host and port (read from make, so
    the test runs what operators run)."""
    printed = subprocess.run(
        ["make", "-s", "-n", "serve-prod", "HOST=127.0.0.1", f"PORT={port}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\\\n", " ")
    return next(line for line in printed.splitlines() if "granian" in line)


def healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz/")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False


def wait_for(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} within {seconds} s")


class Server:
    """`make serve-prod`'s granian, in its own process group (so it can be killed whole)."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env = env
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            ["bash", "-c", "exec env " + serve_prod_command(self.port)],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: healthy(self.port), seconds=30, what="the server did not answer")

    def workers(self) -> list[int]:
        assert self.process is not None, "start() first"
        listed = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
        ).stdout.split()
        return sorted(int(pid) for pid in listed)

    def kill_all(self) -> None:
        """kill -9 of the master and every worker at once, as a crash or the OOM killer would."""
        assert self.process is not None, "start() first"
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        # A worker may outlive its master for a moment: wait until the port is free again.
        wait_for(lambda: not healthy(self.port), seconds=10, what="the killed server still answers")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("live-faults")
    with ThrowAwayDatabase(os.environ.get("DATABASE_URL", ""), workdir) as database:
        env = production_env(database.url)
        env["DJANGO_LOG_LEVEL"] = "WARNING"
        manage(env, "migrate", "--no-input")
        manage(env, "seed")
        setup = marked_json(
            manage(env, "shell", "-c", SETUP_SCRIPT.format(learners=8, password=PASSWORD)),
            "LOAD_SETUP",
        )
        server = Server(env, workdir / "server.log")
        server.start()
        try:
            yield server, env, setup
        finally:
            server.stop()


def audit(env) -> dict:
    return marked_json(manage(env, "shell", "-c", AUDIT_SCRIPT), "AUDIT")


PASSWORD = "load-learner-pw-Zq81"  # noqa: S105 - the throw-away accounts of SETUP_SCRIPT


# --- a browser's requests, each on its own connection (so threads can send them together) ------


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token = ""

    def send(self, method: str, path: str, form: dict | None = None, htmx: bool = False):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(form or {}, doseq=True)
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": self.token,
                    "Origin": f"http://127.0.0.1:{self.port}",
                }
            )
        if htmx:
            headers["HX-Request"] = "true"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if token := re.search(r'"X-CSRFToken": "([^"]+)"', text):
            self.token = token[1]
        return response.status, response.headers.get("Location", ""), text


def together(*calls):
    """Run the calls at the same instant (behind a barrier); their results, in order."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results: list = [None] * len(calls)

    def run(index):
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def start_attempt(browser: Browser, slug: str) -> str:
    browser.send("GET", "/quiz/")
    status, location, _ = browser.send("POST", f"/quiz/{slug}/start/")
    assert status == 302, status
    return location.rstrip("/").rsplit("/", 1)[-1]


def current_answer(browser: Browser, attempt_id: str) -> dict | None:
    status, _, page = browser.send("GET", f"/quiz/attempts/{attempt_id}/")
    position = re.search(r'name="position" value="(\d+)"', page) if status == 200 else None
    if position is None:
        return None
    form = {"position": position[1]}
    choices = re.findall(r'name="choice"\s+id="choice-\d+" value="(\d+)"', page)
    if choices:
        form["choice"] = choices[0]
    else:
        form["value"] = "100"
    return form


# --- F5: races in the attempt lifecycle ----------------------------------------------------------


def test_an_answer_racing_finish_is_refused_or_counted_never_stored_after(site):
    server, env, setup = site
    outcomes = Counter()
    for _ in range(12):
        browser = Browser(server.port)
        attempt_id = start_attempt(browser, setup["quiz"])
        form = current_answer(browser, attempt_id)
        answer_url = f"/quiz/attempts/{attempt_id}/answer/"
        finish_url = f"/quiz/attempts/{attempt_id}/finish/"
        answer, finish = together(
            lambda b=browser, u=answer_url, f=form: b.send("POST", u, f, htmx=True),
            lambda b=browser, u=finish_url: b.send("POST", u),
        )
        assert finish[0] == 302
        assert answer[0] in (200, 409), answer[0]
        if answer[0] == 409:
            assert "finished" in answer[2]
        outcomes[answer[0]] += 1
    found = audit(env)
    assert found["late_answers"] == 0
    assert found["wrong_score"] == []
    assert sum(outcomes.values()) == 12


def test_six_starts_at_once_open_one_attempt(site):
    server, env, setup = site
    browser = Browser(server.port)
    browser.send("GET", "/quiz/")
    browser.send("POST", "/quiz/")  # a session of its own first (405, but the cookies are set)
    first = start_attempt(browser, setup["quiz"])  # the learner's session exists
    browser.send("POST", f"/quiz/attempts/{first}/finish/")
    starts = together(
        *[lambda: browser.send("POST", f"/quiz/{setup['quiz']}/start/") for _ in range(6)]
    )
    assert {status for status, _, _ in starts} == {302}
    assert len({location for _, location, _ in starts}) == 1
    assert audit(env)["open_per_learner"] == []


# --- F2: a crashed worker is respawned -----------------------------------------------------------


def test_a_killed_worker_is_respawned_and_every_request_after_is_answered(site):
    server, _env, _setup = site
    started = time.monotonic()
    before = server.workers()
    assert len(before) == 2
    stop = threading.Event()
    statuses: Counter = Counter()

    def load():  # a small, bounded load while the worker dies and comes back
        while not stop.is_set():
            statuses["ok" if healthy(server.port) else "failed"] += 1

    clients = [threading.Thread(target=load) for _ in range(2)]
    for client in clients:
        client.start()
    try:
        os.kill(before[0], signal.SIGKILL)

        def respawned() -> bool:
            now = server.workers()
            return len(now) == 2 and before[0] not in now

        wait_for(respawned, seconds=20, what="the killed worker was not respawned")
        assert server.process.poll() is None  # the master never went down
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=10)
    after = [healthy(server.port) for _ in range(40)]
    assert after == [True] * 40
    assert statuses["ok"] > 0
    assert time.monotonic() - started < 30


# --- the review's fault test: kill -9 of the whole server mid-load, then an audit ----------------


def test_every_acknowledged_answer_survives_kill_9_of_the_server_exactly_once(site):
    server, env, setup = site
    duration, kill_at = 10.0, 4.0
    report = Report(database="", duration=duration, learners=8)
    lock = threading.Lock()
    learners = [Learner(server.port, number, report, lock) for number in range(8)]
    for learner in learners:
        assert learner.sign_in()
    deadline = time.monotonic() + duration

    def work(learner: Learner):
        learner.connection.close()
        while time.monotonic() < deadline:
            errors = report.statuses["connection error"]
            learner.answer_a_question(setup["quiz"])
            if report.statuses["connection error"] > errors:
                time.sleep(0.1)  # the server is down: try again shortly, as a browser would

    threads = [threading.Thread(target=work, args=(learner,)) for learner in learners]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    wait_for(lambda: time.monotonic() - started >= kill_at, seconds=kill_at + 1, what="kill time")
    answered_before_kill = len(report.acknowledged_answers)
    server.kill_all()
    server.start()
    restarted = time.monotonic() - started
    for thread in threads:
        thread.join(timeout=duration + 60)

    found = audit(env)
    stored = [tuple(pair) for pair in found["answers"]]
    acknowledged = {(attempt, position) for attempt, position in report.acknowledged_answers}
    print(
        json.dumps(
            {
                "acknowledged": len(acknowledged),
                "before_kill": answered_before_kill,
                "restarted_at_s": round(restarted, 2),
                "connection_errors": report.statuses["connection error"],
                "stored": len(stored),
            }
        )
    )
    assert answered_before_kill > 0
    assert len(acknowledged) > answered_before_kill  # the load went on after the restart
    assert acknowledged <= set(stored)  # every acknowledged answer is stored...
    assert len(stored) == len(set(stored))  # ...once
    # Stored without an acknowledgement: at most the requests in flight at the kill.
    load_attempts = {attempt for attempt, _ in acknowledged}
    unacknowledged = {pair for pair in stored if pair[0] in load_attempts} - acknowledged
    assert len(unacknowledged) <= len(learners)
    assert found["late_answers"] == 0
    assert found["wrong_score"] == []
    assert found["open_per_learner"] == []
