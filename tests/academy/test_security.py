import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PROJECT_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_html_responses_carry_a_strict_content_security_policy(client):
    directives = csp_directives(client.get(reverse("home")))
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_html_responses_carry_the_other_security_headers(client):
    response = client.get(reverse("home"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_argon2_hashes_new_passwords():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def deploy_check(**variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env["DJANGO_SECRET_KEY"] = "a-long-random-production-like-secret-" + "k3Y9" * 10
    env.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deploy_check_with_nothing_silenced():
    result = deploy_check(DJANGO_EMAIL_HOST="smtp.example.invalid")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_production_without_smtp_fails_the_deploy_check_loudly():
    """Review F10: without SMTP the reset links went to the server log, and nothing warned."""
    result = deploy_check()
    assert result.returncode == 1
    assert "academy.W001" in result.stdout + result.stderr
    assert "password-reset mails are dropped" in result.stdout + result.stderr


def test_production_defaults_redirect_to_https_and_send_hsts_for_a_year():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env["DJANGO_SECRET_KEY"] = "x" * 60
    code = (
        "import academy.settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["True", "31536000", "True", "True", "True"]
