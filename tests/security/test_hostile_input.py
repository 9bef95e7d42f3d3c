"""Hostile input: random, extreme and malformed values and raw bodies at the simulator form, the
JSON API and the quiz answer endpoint. Nothing answers >= 500; a refusal always says why; nothing
is stored that should not be."""

import json
import re

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quiz.models import Answer, Attempt, Quiz
from simulator.presets import PRESETS
from tools.catalog import TOOLS

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Values that have broken number parsers somewhere: exponents, specials, separators, other digits.
NASTY_NUMBERS = [
    "",
    " ",
    "-0",
    "0",
    "NaN",
    "-nan",
    "sNaN",
    "Infinity",
    "-inf",
    "1e999999999",
    "1e-999999999",
    "-1e400",
    "9" * 400,
    "0." + "0" * 300 + "1",
    "0x1F",
    "1_000",
    "1,5",
    "1.2.3",
    "١٢٣",  # Arabic-Indic digits
    "１２３",  # full-width digits
    "+-1",
    "1e",
    "--5",
    "5%",
    "%",
    "$",
    "\x00",
    "1\x00",
    "\u202e123",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "None",
    "null",
    "true",
]
HOSTILE_VALUES = st.one_of(
    st.sampled_from(NASTY_NUMBERS),
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/form-data; boundary=xyz",
        "application/json",
        "text/plain",
        "application/octet-stream",
        "",
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=no-such-charset",
    ]
)
RAW_BODIES = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(str.encode),
    st.sampled_from(
        [
            b"%",
            b"%zz=%%",
            b"a=%ff%fe",
            b"pos-TOTAL_FORMS=99999999999999999999",
            b"pos-TOTAL_FORMS=-1&pos-INITIAL_FORMS=-1",
            b"pos-TOTAL_FORMS=1000&pos-INITIAL_FORMS=0",
            b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n',
            b"--xyz--",
            b"[" * 5000,
            b'{"wallet_balance": 1e999999}',
            b'{"a":' * 2000,
            b"\xef\xbb\xbf{}",
        ]
    ),
)

W4 = dict(PRESETS["W4"].form_data())
SIMULATOR_POSTS = [
    "/simulator/",
    "/simulator/details/",
    "/simulator/replay/",
    "/simulator/monte-carlo/",
    "/simulator/predict/",
    "/simulator/rows/add/",
    "/simulator/rows/remove/",
]
SIMULATOR_EXTRA_FIELDS = ["scenario", "paths", "horizon_hours", "volatility", "run", "reveal"]
SIMULATOR_FIELDS = sorted(W4) + SIMULATOR_EXTRA_FIELDS + ["pos-8-size", "shock-DOGEUSDT"]


def result_says_something(html: str) -> bool:
    """The results region holds figures (the summary sentence) or a list of what is wrong."""
    if 'class="sim-summary"' in html:
        return True
    problems = re.search(r"Check the highlighted input.*?<ul[^>]*>(.*?)</ul>", html, re.S)
    return bool(problems and "<li>" in problems.group(1))


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(SIMULATOR_FIELDS), HOSTILE_VALUES, max_size=6))
def test_the_simulator_answers_any_form_values_with_results_or_messages(client, changes):
    data = {**W4, **changes}
    response = client.post("/simulator/", data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert result_says_something(response.content.decode())
    plain = client.post("/simulator/", data)
    assert plain.status_code == 200
    assert result_says_something(plain.content.decode())


@FUZZ
@example(url="/simulator/details/", changes={"pos-0-leverage": "sNaN"})  # was a 500
@given(
    url=st.sampled_from(SIMULATOR_POSTS[1:]),
    changes=st.dictionaries(st.sampled_from(SIMULATOR_FIELDS), HOSTILE_VALUES, max_size=6),
)
def test_the_simulators_htmx_endpoints_never_fail_on_any_form_values(client, url, changes):
    response = client.post(url, {**W4, **changes}, headers={"HX-Request": "true"})
    assert response.status_code in (200, 204)


@FUZZ
@given(url=st.sampled_from(SIMULATOR_POSTS), body=RAW_BODIES, content_type=CONTENT_TYPES)
def test_the_simulator_survives_raw_random_bodies(client, url, body, content_type):
    response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code in (200, 204, 400)


@FUZZ
@given(
    slug=st.sampled_from(sorted(TOOLS)),
    values=st.lists(HOSTILE_VALUES, min_size=1, max_size=12),
    htmx=st.booleans(),
)
def test_every_calculator_answers_any_query_with_results_or_messages(client, slug, values, htmx):
    fields = sorted(TOOLS[slug].form_class.base_fields)
    query = {**TOOLS[slug].example, **dict(zip(fields, values, strict=False))}
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(f"/tools/{slug}/", query, headers=headers)
    assert response.status_code == 200


def test_a_tiny_exponent_is_refused_not_read_as_zero(client):
    body = {"wallet_balance": "1e-999999999", "positions": []}
    response = client.post("/api/v1/simulate", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "wallet_balance"]


# --- the JSON API --------------------------------------------------------------------------------

JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(NASTY_NUMBERS),
    st.text(max_size=20),
)
JSON_ANYTHING = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
POSITION_KEYS = [
    "id",
    "symbol",
    "side",
    "margin_mode",
    "entry_price",
    "notional",
    "quantity",
    "leverage",
    "isolated_margin",
    "maintenance_margin_rate",
    "maintenance_amount",
    "mark_price",
]
HOSTILE_POSITIONS = st.dictionaries(
    st.sampled_from(POSITION_KEYS), st.one_of(JSON_LEAVES, HOSTILE_VALUES), max_size=8
)


def api_problem_is_explained(response) -> bool:
    detail = response.json().get("detail")
    return bool(detail) and all(item.get("msg") for item in detail if isinstance(item, dict))


@FUZZ
@example(  # was a 500: abs() overflowed the decimal context
    url="/api/v1/simulate", wallet="5000", positions=[{"entry_price": "1e999999999"}], extra={}
)
@example(  # was accepted as zero: normalize() underflowed
    url="/api/v1/simulate", wallet="1e-999999999", positions=[], extra={}
)
@given(
    url=st.sampled_from(["/api/v1/simulate", "/api/v1/monte-carlo"]),
    wallet=st.one_of(JSON_LEAVES, HOSTILE_VALUES),
    positions=st.lists(HOSTILE_POSITIONS, max_size=3),
    extra=st.dictionaries(
        st.sampled_from(["path", "venue", "collateral", "paths", "seed", "volatility", "x"]),
        JSON_ANYTHING,
        max_size=3,
    ),
)
def test_the_api_answers_hostile_json_with_422_and_the_field_paths(
    client, url, wallet, positions, extra
):
    body = {"wallet_balance": wallet, "positions": positions, **extra}
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert api_problem_is_explained(response)


@FUZZ
@given(
    url=st.sampled_from(["/api/v1/simulate", "/api/v1/monte-carlo"]),
    body=st.one_of(RAW_BODIES, JSON_ANYTHING.map(lambda value: json.dumps(value).encode())),
    content_type=CONTENT_TYPES,
)
def test_the_api_answers_raw_random_bodies_with_a_4xx_and_a_reason(client, url, body, content_type):
    response = client.generic("POST", url, body, content_type=content_type)
    assert 400 <= response.status_code < 500
    if response.status_code == 422:
        assert api_problem_is_explained(response)


# --- the quiz answer endpoint --------------------------------------------------------------------


@pytest.fixture
def quiz_attempt(client):
    """An anonymous learner's attempt at the course quiz, through the real start view."""
    call_command("load_lessons", verbosity=0)
    call_command("load_questions", verbosity=0)
    quiz = Quiz.objects.filter(is_published=True).order_by("pk").first()
    response = client.post(f"/quiz/{quiz.slug}/start/")
    assert response.status_code == 302
    return Attempt.objects.get()


def quiz_refusal_says_why(html: str) -> bool:
    return bool(
        re.search(
            r'class="(alert alert-warning|invalid-feedback|text-danger[^"]*)"[^>]*>[^<]+', html
        )
    )


ANSWER_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "position": st.one_of(
            st.sampled_from(["0", "1", "-1", "99999999999999999999"]), HOSTILE_VALUES
        ),
        "choice": st.lists(
            st.one_of(st.integers(min_value=-5, max_value=10**6).map(str), HOSTILE_VALUES),
            max_size=4,
        ),
        "value": HOSTILE_VALUES,
    },
)


def assert_one_answer_per_item_at_most(attempt):
    answered = Answer.objects.filter(item__attempt=attempt)
    assert answered.count() == answered.values("item").distinct().count()
    assert answered.count() <= attempt.question_count


@FUZZ
@given(fields=ANSWER_FIELDS, htmx=st.booleans())
def test_the_quiz_answer_endpoint_refuses_hostile_answers_with_a_message(
    client, quiz_attempt, fields, htmx
):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(f"/quiz/attempts/{quiz_attempt.pk}/answer/", fields, headers=headers)
    assert response.status_code in (200, 302, 409, 422)
    if response.status_code in (409, 422):
        assert quiz_refusal_says_why(response.content.decode())
    assert_one_answer_per_item_at_most(quiz_attempt)


@FUZZ
@given(body=RAW_BODIES, content_type=CONTENT_TYPES)
def test_the_quiz_answer_endpoint_survives_raw_random_bodies(
    client, quiz_attempt, body, content_type
):
    url = f"/quiz/attempts/{quiz_attempt.pk}/answer/"
    response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code in (200, 302, 400, 409, 422)
    assert_one_answer_per_item_at_most(quiz_attempt)


def test_an_unknown_or_malformed_attempt_id_is_a_404_not_a_500(client):
    assert (
        client.post("/quiz/attempts/00000000-0000-0000-0000-000000000000/answer/").status_code
        == 404
    )
    assert client.post("/quiz/attempts/not-a-uuid/answer/").status_code == 404


# --- oversized bodies ----------------------------------------------------------------------------

TWO_MIB = 2 * 1024 * 1024


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/api/v1/simulate", "application/json"),
        ("/simulator/", "application/x-www-form-urlencoded"),
        ("/simulator/details/", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_over_the_limit_is_refused_with_400(client, url, content_type):
    body = b"wallet_balance=" + b"9" * TWO_MIB
    if content_type == "application/json":
        body = json.dumps({"wallet_balance": "9" * TWO_MIB, "positions": []}).encode()
    response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code in (400, 413)
    if url.startswith("/api/"):
        assert response.status_code == 413
        assert "larger than 1,048,576 bytes" in response.json()["detail"][0]["msg"]


def test_too_many_form_fields_are_refused_with_400(client):
    body = "&".join(f"f{n}=1" for n in range(2000))
    response = client.generic(
        "POST", "/simulator/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


@FUZZ
@given(query=st.one_of(HOSTILE_VALUES, st.text(min_size=1, max_size=300)))
def test_search_answers_any_query_with_a_page(client, query):
    response = client.get("/learn/search/", {"q": query})
    assert response.status_code == 200


# --- with the CSRF check enforced, and hostile headers (security review F7, F8) -----------------

HOSTILE_HEADERS = st.dictionaries(
    st.sampled_from(
        ["HX-Current-URL", "HX-Request", "HX-Target", "HX-Trigger", "Referer", "Origin", "Accept"]
    ),
    st.one_of(
        st.sampled_from(
            ["http://[::1", "http://[", "true", "", "::::", "http://testserver/simulator/?x=1"]
        ),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
    ),
    max_size=4,
)


@pytest.fixture
def csrf_browser():
    """A browser as Django sees one in production: the CSRF check on, a token from a page."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get("/simulator/")
    return client, client.cookies["csrftoken"].value


@FUZZ
@given(
    url=st.sampled_from(SIMULATOR_POSTS),
    headers=HOSTILE_HEADERS,
    body=RAW_BODIES,
    content_type=CONTENT_TYPES,
)
def test_simulator_posts_with_the_csrf_check_and_hostile_headers_never_fail(
    csrf_browser, url, headers, body, content_type
):
    client, token = csrf_browser
    response = client.generic(
        "POST",
        url,
        body,
        content_type=content_type,
        headers={**headers, "X-CSRFToken": token},
    )
    assert response.status_code in (200, 204, 400, 403, 413)
    assert response["Content-Security-Policy"]


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(SIMULATOR_FIELDS), HOSTILE_VALUES, max_size=4),
       headers=HOSTILE_HEADERS)  # fmt: skip
def test_simulator_form_values_with_the_csrf_check_and_hostile_headers(
    csrf_browser, changes, headers
):
    client, token = csrf_browser
    response = client.post(
        "/simulator/",
        {**W4, **changes},
        headers={**headers, "HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code in (200, 403)  # 403: a fuzzed Origin or Referer from elsewhere


@FUZZ
@given(body=RAW_BODIES, content_type=CONTENT_TYPES, headers=HOSTILE_HEADERS)
def test_form_pages_with_the_csrf_check_answer_any_body_with_a_4xx_at_worst(
    csrf_browser, body, content_type, headers
):
    client, token = csrf_browser
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"):
        response = client.generic(
            "POST", url, body, content_type=content_type, headers={**headers, "X-CSRFToken": token}
        )
        assert response.status_code in (200, 302, 400, 403, 413)
