"""The wrk benchmark's targets set up and answer as the real path does (`make bench-http`).

The quiz target once prepared thousands of open attempts for one learner; the database's one open
attempt per learner and quiz refused it, and the benchmark stopped before measuring anything.
Here the targets are built against a live server and their requests sent as wrk sends them.
"""

import urllib.error
import urllib.request

import pytest

from benchmarks.http_bench import check_target
from benchmarks.target import Browser
from benchmarks.targets import quiz as quiz_target
from quiz.loader import load_bank
from quiz.models import Attempt

TAKERS = 3


@pytest.fixture
def bank(transactional_db):
    load_bank()


def test_the_quiz_target_prepares_one_taker_per_answer_and_each_answer_is_saved(bank, live_server):
    (target,) = quiz_target.targets(Browser, live_server.url, {"BENCH_UNIQUE_REQUESTS": "3"})
    assert len(target.requests) == len(target.cookies) == TAKERS
    taker_keys = set(
        Attempt.objects.exclude(learner_key=quiz_target.TEMPLATE_LEARNER.key).values_list(
            "learner_key", flat=True
        )
    )
    assert len(taker_keys) == TAKERS  # each taker its own learner, one open attempt each
    script = target.lua(threads=2)
    assert all(cookie in script for cookie in target.cookies)
    for _ in range(TAKERS):
        assert check_target(live_server.url, target) > 0  # 2xx with "your answer", a partial
    assert Attempt.objects.filter(answers__isnull=False).distinct().count() == TAKERS


def test_a_quiz_takers_answer_needs_that_takers_session(bank, live_server):
    (target,) = quiz_target.targets(Browser, live_server.url, {"BENCH_UNIQUE_REQUESTS": "2"})
    (path, body), other_takers_cookie = target.requests[0], target.cookies[1]
    request = urllib.request.Request(
        live_server.url + path,
        data=body.encode(),
        headers={**target.headers, "Cookie": other_takers_cookie},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 404
