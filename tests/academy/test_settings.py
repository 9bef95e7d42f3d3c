import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from academy.settings import env_bool, env_list

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def load_settings_in_subprocess(**env):
    """Import the settings with exactly these variables, as a fresh process would."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import academy.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"],
        cwd=PROJECT_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_debug_is_off_unless_set_and_a_secret_key_is_then_required():
    result = load_settings_in_subprocess()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_debug_mode_runs_without_a_secret_key():
    result = load_settings_in_subprocess(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True")


def test_allowed_hosts_come_from_the_environment():
    result = load_settings_in_subprocess(
        DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="academy.example, www.academy.example"
    )
    assert result.returncode == 0, result.stderr
    assert "['academy.example', 'www.academy.example']" in result.stdout


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("off", False)])
def test_env_bool_reads_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected


def test_env_bool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be one of"):
        env_bool("SOME_FLAG")


def test_env_list_drops_blanks(monkeypatch):
    monkeypatch.setenv("SOME_LIST", "a, ,b,")
    assert env_list("SOME_LIST") == ["a", "b"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite tuning only")
def test_sqlite_runs_in_wal_mode_with_immediate_transactions_and_a_busy_timeout():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in connection.settings_dict["OPTIONS"]["init_command"]
