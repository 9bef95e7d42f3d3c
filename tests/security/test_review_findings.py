"""The security review's findings (F1, F3, F6-F8, F10, F13-F15), each as the probe that showed
it, run against the test client. The quiz races (F4, F5), the worker crash (F2) and the kill -9
chaos run are in test_live_faults.py, against a real server."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from lessons.rendering import render_lesson_body
from simulator.presets import PRESETS

pytestmark = pytest.mark.django_db

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Zx9!correct-horse-77"
PROXY = "10.0.0.2"  # the TLS proxy's own address: REMOTE_ADDR of every request behind it
ATTACKER, VICTIM = "45.33.32.156", "93.184.216.34"
W4 = dict(PRESETS["W4"].form_data())


def settings_in_a_fresh_process(code: str, **variables) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SECRET_KEY="x" * 60, DJANGO_DEBUG="0", **variables)
    result = subprocess.run(
        [sys.executable, "-c", "import academy.settings as s; " + code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


# --- F1: behind the TLS proxy, each client has its own lockout counter ---------------------------


def test_behind_the_proxy_axes_reads_the_address_the_proxy_appended():
    printed = settings_in_a_fresh_process(
        "print(s.AXES_IPWARE_META_PRECEDENCE_ORDER, s.AXES_IPWARE_PROXY_COUNT, s.IPWARE_STRICT)",
        DJANGO_BEHIND_TLS_PROXY="1",
    )
    assert printed == "('HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR') 0 False"
    import ipware  # noqa: F401 - without it django-axes ignores every X-Forwarded-For setting


@pytest.fixture
def behind_proxy(settings):
    """The settings DJANGO_BEHIND_TLS_PROXY=1 gives (checked in a fresh process above)."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False
    return settings


def sign_in(forwarded_for: str, password: str):
    return Client(REMOTE_ADDR=PROXY).post(
        reverse("login"),
        {"username": "victim", "password": password},
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_two_forwarded_addresses_get_two_lockout_counters(behind_proxy):
    get_user_model().objects.create_user("victim", password=PASSWORD)
    statuses = [sign_in(ATTACKER, f"wrong{n}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the attacker is locked out...
    assert sign_in(VICTIM, PASSWORD).status_code == 302  # ...the victim is not


def test_a_client_cannot_dodge_its_lockout_with_its_own_forwarded_entries(behind_proxy):
    get_user_model().objects.create_user("victim", password=PASSWORD)
    # The proxy appends the address it saw; what the client sent stays to the left.
    statuses = [sign_in(f"198.51.100.{n}, {ATTACKER}", f"wrong{n}").status_code for n in range(6)]
    assert statuses[4:] == [429, 429]
    assert sign_in(f"{VICTIM}, {ATTACKER}", PASSWORD).status_code == 429


# --- F3 and F13: rate limits ------------------------------------------------------------------

MONTE_CARLO_BODY = {
    "wallet_balance": "5000",
    "positions": [
        {"id": "A", "symbol": "BTCUSDT", "side": "long", "margin_mode": "isolated",
         "entry_price": "65000", "notional": "10000", "leverage": "10"}
    ],
    "paths": 100,
    "seed": 1,
}  # fmt: skip


# Limits count in fixed windows that end at a moment of the clock: a test frozen in one window
# cannot see a count reset half-way through.
FROZEN_TIME = 1_800_000_000.0


@pytest.fixture
def low_limits(settings, monkeypatch):
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: FROZEN_TIME))
    settings.RATE_LIMITS = {
        "monte-carlo": "2/m",
        "api": "3/m",
        "login": "3/m",
        "signup": "2/h",
        "password-reset": "5/h",
        "password-reset-email": "2/h",
    }
    return settings


def api_post(client, path, body=MONTE_CARLO_BODY):
    return client.post(path, json.dumps(body), content_type="application/json")


def assert_retry_after(response, most: int):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= most


def test_monte_carlo_is_limited_per_client_with_retry_after(low_limits):
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [api_post(client, "/api/v1/monte-carlo").status_code for _ in range(2)] == [200, 200]
    refused = api_post(client, "/api/v1/monte-carlo")
    assert_retry_after(refused, 60)
    assert refused.json()["detail"][0]["type"] == "rate_limited"
    assert "try again in" in refused.json()["detail"][0]["msg"]
    # The simulator page's Monte Carlo panel shares the limit; another client is not affected.
    page = client.post("/simulator/monte-carlo/", W4, headers={"HX-Request": "true"})
    assert_retry_after(page, 60)
    assert page["Content-Security-Policy"]
    assert api_post(Client(REMOTE_ADDR="203.0.113.8"), "/api/v1/monte-carlo").status_code == 200


def test_the_whole_json_api_is_limited(low_limits):
    client = Client(REMOTE_ADDR="203.0.113.9")
    body = {key: value for key, value in MONTE_CARLO_BODY.items() if key not in ("paths", "seed")}
    statuses = [api_post(client, "/api/v1/simulate", body).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_sign_in_attempts_are_limited_per_address_whatever_the_username(low_limits):
    client = Client(REMOTE_ADDR="203.0.113.10")
    statuses = [
        client.post(reverse("login"), {"username": f"nobody{n}", "password": "x"}).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_signups_are_limited_per_address(low_limits):
    statuses = [
        Client(REMOTE_ADDR="203.0.113.11")
        .post(
            reverse("signup"),
            {"username": f"new{n}", "password1": PASSWORD, "password2": PASSWORD},
        )
        .status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert get_user_model().objects.count() == 2


def test_password_resets_for_one_address_are_limited_from_any_client(low_limits, mailoutbox):
    get_user_model().objects.create_user("anne", "anne@example.com", PASSWORD)
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{20 + n}")
        .post(reverse("password_reset"), {"email": "anne@example.com"})
        .status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert len(mailoutbox) == 2


def test_the_suite_runs_with_raised_limits_and_production_has_real_ones():
    assert cache is not None
    printed = settings_in_a_fresh_process("print(sorted(s.RATE_LIMITS.items()))")
    assert "('login', '20/m')" in printed
    assert "('monte-carlo', '20/m')" in printed


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
def test_with_redis_another_process_sees_the_same_counters(low_limits):
    client = Client(REMOTE_ADDR="203.0.113.30")
    for _ in range(2):
        api_post(client, "/api/v1/monte-carlo")
    code = (
        "import django; django.setup();"
        "from django.test import RequestFactory;"
        "from academy import ratelimits;"
        "import types, django_ratelimit.core as core;"
        f"core.time = types.SimpleNamespace(time=lambda: {FROZEN_TIME});"
        "from django_ratelimit.core import get_usage;"
        "r = RequestFactory().post('/api/v1/monte-carlo', REMOTE_ADDR='203.0.113.30');"
        "u = get_usage(r, group='academy:monte-carlo',"
        " key=lambda g, q: ratelimits._key('monte-carlo', q), rate='2/m');"
        "print(u['count'], u['should_limit'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "academy.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    # Two requests counted by this process, seen by the other (the limit is 2: the next is refused).
    assert result.stdout.split()[-2:] == ["2", "False"], result.stderr


def test_monte_carlo_cost_counts_the_symbols():
    symbols = ["BTC", "ETH", "SOL", "BNB", "XRP", "DOGE", "ADA"]
    body = {
        "wallet_balance": "8000",
        "positions": [
            {"id": f"P{i}", "symbol": f"{s}USDT", "side": ("long", "short")[i % 2],
             "margin_mode": "cross", "leverage": "20", "notional": "20000"}
            for i, s in enumerate(symbols)
        ],
        "volatility": "2", "correlation": "0.99", "horizon_hours": "1000",
        "step_minutes": "60", "paths": 10000, "seed": 7,
    }  # fmt: skip
    response = api_post(Client(), "/api/v1/monte-carlo", body)
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["body", "paths"]
    assert "paths x steps x symbols is 10,000 x 1,000 x 7 = 70,000,000" in problem["msg"]
    # Two symbols at the path-step cap are still allowed.
    body["positions"] = body["positions"][:2]
    body["paths"] = 2000
    assert api_post(Client(), "/api/v1/monte-carlo", body).status_code == 200


# --- F6: file uploads only where files are expected -------------------------------------------


def csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.get("/simulator/")
    return client, client.cookies["csrftoken"].value


def multipart(fields: dict[str, str], file_bytes: bytes | None) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(f'--xyz\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    body = "".join(parts).encode()
    if file_bytes is not None:
        body += (
            b'--xyz\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n" + file_bytes + b"\r\n"
        )
    return body + b"--xyz--\r\n"


def test_a_file_part_sent_to_a_form_endpoint_is_refused(tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client, token = csrf_client()
    body = multipart({"wallet_balance": "5000"}, b"x" * 200_000)
    response = client.generic(
        "POST", "/simulator/", body, "multipart/form-data; boundary=xyz", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 400
    assert response["Content-Security-Policy"]
    assert list(tmp_path.iterdir()) == []


def test_a_body_larger_than_the_limit_is_refused_unread_whatever_its_type():
    client, token = csrf_client()
    body = multipart({"wallet_balance": "5000"}, b"x" * (2 * 1024 * 1024))
    response = client.generic(
        "POST", "/simulator/", body, "multipart/form-data; boundary=xyz", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 413
    assert "larger than the site accepts" in response.content.decode()


def test_uploads_stay_in_memory_up_to_the_import_limit():
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE == django_settings.UPLOAD_MAX_BYTES
    assert {
        "admin:lessons_lesson_import",
        "admin:quiz_question_import",
        "simulator:events_upload",
        "admin:simulator_savedevent_add",
        "admin:simulator_savedevent_change",
    } == django_settings.UPLOAD_VIEWS


# --- F7, F8: malformed requests are a 4xx page with the security headers ------------------------


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "UTF-16LE"])
@pytest.mark.parametrize("path", ["/accounts/login/", "/simulator/", "/accounts/signup/"])
def test_a_form_post_in_another_charset_is_a_400_page_not_a_bare_500(path, charset):
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    response = client.generic(
        "POST", path, b"a=b", f"application/x-www-form-urlencoded; charset={charset}"
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("current_url", ["http://[::1", "http://[", "::::", "\x00"])
def test_a_malformed_hx_current_url_is_ignored(current_url):
    client, token = csrf_client()
    response = client.post(
        "/simulator/",
        {**W4, "pos-0-margin_mode": "cross"},
        headers={"HX-Request": "true", "HX-Current-URL": current_url, "X-CSRFToken": token},
    )
    assert response.status_code == 200


# --- F10: production without SMTP leaks no reset link -------------------------------------------


def test_without_smtp_a_reset_mail_is_dropped_and_nothing_secret_is_logged(settings, caplog):
    settings.EMAIL_BACKEND = "academy.mail.DroppedMailBackend"
    get_user_model().objects.create_user("anne", "anne@example.com", PASSWORD)
    with caplog.at_level(logging.DEBUG):
        response = Client().post(reverse("password_reset"), {"email": "anne@example.com"})
    assert response.status_code == 302
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "not sent" in logged
    assert "/accounts/reset/" not in logged
    assert "anne@example.com" not in logged


def test_production_without_smtp_uses_the_dropping_backend():
    printed = settings_in_a_fresh_process("print(s.EMAIL_BACKEND)")
    assert printed == "academy.mail.DroppedMailBackend"
    with_smtp = settings_in_a_fresh_process("print(s.EMAIL_BACKEND)", DJANGO_EMAIL_HOST="smtp.x")
    assert with_smtp == "django.core.mail.backends.smtp.EmailBackend"


# --- F13: look-alike usernames -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("l\u0435arner", "mixes alphabets"),  # Cyrillic е
        ("learner.", "too close to an existing one (learner)"),
        ("_learner_", "too close to an existing one (learner)"),
        ("LEARNER", "already exists"),
        ("\uff4c\uff45\uff41\uff52\uff4e\uff45\uff52", "already exists"),  # full-width
    ],
)
def test_a_look_alike_of_an_existing_name_is_refused(name, message):
    get_user_model().objects.create_user("learner", password=PASSWORD)
    response = Client().post(
        reverse("signup"), {"username": name, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert get_user_model().objects.count() == 1


def test_names_in_one_alphabet_are_welcome():
    for name in ("Иван", "müller", "learner2"):
        response = Client().post(
            reverse("signup"), {"username": name, "password1": PASSWORD, "password2": PASSWORD}
        )
        assert response.status_code == 302, name


# --- F14, F15 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("opening", ["<style>", "<math><style>", "<SCRIPT type=x>"])
def test_an_unclosed_style_or_script_is_reported_as_a_problem(opening):
    rendered = render_lesson_body(f"Before.\n\n{opening}\n\nAfter, which learners never see.", {})
    assert any("unclosed" in problem for problem in rendered.problems)


def test_a_closed_style_block_is_not_a_problem():
    rendered = render_lesson_body("Before.\n\n<style>p{}</style>\n\nAfter.", {})
    assert not rendered.problems
    assert "After." in rendered.html


def test_sqlite_syncs_every_commit():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL syncs every commit by default")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
